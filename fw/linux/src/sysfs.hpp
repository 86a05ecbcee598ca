// Reading the numbers UIO and u-dma-buf publish in sysfs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace ohci::fw::uio {

// The unsigned number a sysfs attribute holds: "0x..." hexadecimal (UIO's map size and offset,
// u-dma-buf's phys_addr) or decimal (u-dma-buf's size), surrounded by optional whitespace.
// Throws std::system_error naming the file when it cannot be read or holds anything else.
std::uint64_t read_sysfs_number(const std::filesystem::path& file);
// As read_sysfs_number, but nullopt when the file does not exist.
std::optional<std::uint64_t> read_optional_sysfs_number(const std::filesystem::path& file);

}  // namespace ohci::fw::uio
