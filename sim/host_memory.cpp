#include "host_memory.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ohci::sim {

HostMemory::HostMemory(std::uint32_t base, std::uint32_t size) : base_(base) {
  if (size == 0 || std::uint64_t{base} + size > (std::uint64_t{1} << 32)) {
    std::ostringstream message;
    message << "HostMemory: " << size << " bytes at base 0x" << std::hex << base
            << " do not fit a 32-bit bus";
    throw std::invalid_argument(message.str());
  }
  bytes_.assign(size, 0);
}

bool HostMemory::contains(std::uint32_t address, std::uint32_t length) const {
  return fits(address, length);
}

bool HostMemory::fits(std::uint32_t address, std::uint64_t length) const {
  const std::uint64_t start = address;
  return start >= base_ && start + length <= std::uint64_t{base_} + bytes_.size();
}

std::size_t HostMemory::index(std::uint32_t address, std::uint64_t length) const {
  if (!fits(address, length)) {
    std::ostringstream message;
    message << "host memory access of " << std::dec << length << " bytes at 0x" << std::hex
            << address << " is outside [0x" << base_ << ", 0x"
            << (std::uint64_t{base_} + bytes_.size()) << ")";
    throw std::out_of_range(message.str());
  }
  return address - base_;
}

std::uint8_t HostMemory::read8(std::uint32_t address) const {
  return bytes_[index(address, 1)];
}

void HostMemory::write8(std::uint32_t address, std::uint8_t value) {
  bytes_[index(address, 1)] = value;
}

std::uint32_t HostMemory::read32(std::uint32_t address) const {
  const std::size_t at = index(address, 4);
  return std::uint32_t{bytes_[at]} | std::uint32_t{bytes_[at + 1]} << 8 |
         std::uint32_t{bytes_[at + 2]} << 16 | std::uint32_t{bytes_[at + 3]} << 24;
}

void HostMemory::write32(std::uint32_t address, std::uint32_t value) {
  const std::size_t at = index(address, 4);
  for (std::size_t lane = 0; lane < 4; ++lane)
    bytes_[at + lane] = static_cast<std::uint8_t>(value >> (8 * lane));
}

std::vector<std::uint8_t> HostMemory::read_bytes(std::uint32_t address,
                                                 std::uint32_t length) const {
  const std::size_t at = index(address, length);
  return {bytes_.begin() + static_cast<std::ptrdiff_t>(at),
          bytes_.begin() + static_cast<std::ptrdiff_t>(at + length)};
}

void HostMemory::write_bytes(std::uint32_t address, std::span<const std::uint8_t> bytes) {
  const std::size_t at = index(address, bytes.size());
  std::copy(bytes.begin(), bytes.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(at));
}

std::byte* HostMemory::cpu_pointer(std::uint32_t address) {
  return reinterpret_cast<std::byte*>(bytes_.data() + index(address, 0));
}

std::uint32_t HostMemory::bytes_from(std::uint32_t address) const {
  return size() - static_cast<std::uint32_t>(index(address, 0));
}

std::optional<std::uint32_t> HostMemory::allocate(std::size_t bytes, std::size_t alignment) {
  if (bytes == 0 || bytes > bytes_.size() || alignment == 0 || (alignment & (alignment - 1)) != 0)
    return std::nullopt;
  const std::uint64_t end = std::uint64_t{base_} + bytes_.size();
  const auto align_up = [alignment](std::uint64_t address) {
    return (address + alignment - 1) & ~std::uint64_t{alignment - 1};
  };
  // Bus address 0 is never handed out, so a zero bus address always means "none".
  std::uint64_t candidate = align_up(base_ == 0 ? 1 : base_);
  for (const auto& [start, length] : allocations_) {
    if (candidate + bytes <= start) break;
    candidate = std::max(candidate, align_up(std::uint64_t{start} + length));
  }
  if (candidate + bytes > end) return std::nullopt;
  const auto address = static_cast<std::uint32_t>(candidate);
  allocations_[address] = static_cast<std::uint32_t>(bytes);
  std::fill_n(bytes_.begin() + (address - base_), bytes, std::uint8_t{0});
  return address;
}

bool HostMemory::release(std::uint32_t address) {
  return allocations_.erase(address) == 1;
}

}  // namespace ohci::sim
