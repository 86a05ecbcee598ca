// HostMemory: host RAM as both the controller's DMA master and the firmware's CPU see it.
//
// A flat byte array at a bus base address. Host memory is little-endian (DESIGN.md): a
// descriptor quadlet is the 32-bit AXI word at its address, and payload bytes lie in memory in
// the order they go on the wire, so read32/write32 are little-endian and the byte accessors are
// plain. Every access is range checked and throws std::out_of_range naming the address and the
// memory's bounds; nothing reads or writes outside the array.
//
// allocate/release are a first-fit allocator over the whole memory for DMA buffers (the
// firmware's Hal::dma_alloc sits on it). Bus address 0 is never handed out, so 0 can mean "none".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "memory_port.hpp"

namespace ohci::sim {

class HostMemory final : public MemoryPort {
 public:
  static constexpr std::uint32_t kDefaultBase = 0;
  static constexpr std::uint32_t kDefaultSize = 16u << 20;  // 16 MiB

  // Throws std::invalid_argument if size is 0 or [base, base + size) passes 2^32.
  explicit HostMemory(std::uint32_t base = kDefaultBase, std::uint32_t size = kDefaultSize);

  std::uint32_t base() const { return base_; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(bytes_.size()); }
  // Whether [address, address + length) lies inside the memory (false on 32-bit overflow).
  bool contains(std::uint32_t address, std::uint32_t length) const override;

  std::uint8_t read8(std::uint32_t address) const;
  void write8(std::uint32_t address, std::uint8_t value);
  std::uint32_t read32(std::uint32_t address) const override;  // little-endian, any alignment
  void write32(std::uint32_t address, std::uint32_t value) override;
  std::vector<std::uint8_t> read_bytes(std::uint32_t address, std::uint32_t length) const;
  void write_bytes(std::uint32_t address, std::span<const std::uint8_t> bytes);

  // The CPU's view of bus address `address`: valid up to the end of the memory (see
  // bytes_from) and for the memory's lifetime. The address may be the end of the memory.
  std::byte* cpu_pointer(std::uint32_t address);
  // Bytes from `address` to the end of the memory.
  std::uint32_t bytes_from(std::uint32_t address) const;

  // First fit: the lowest address that is a multiple of `alignment` (a power of two) with
  // `bytes` free bytes after it; the block is zeroed. nullopt when nothing fits or the
  // arguments are bad (bytes 0, alignment 0 or not a power of two).
  std::optional<std::uint32_t> allocate(std::size_t bytes, std::size_t alignment);
  // Frees a block returned by allocate. Returns false (and changes nothing) for an address
  // that is not the start of an allocated block, e.g. a double free.
  bool release(std::uint32_t address);
  std::size_t allocated_blocks() const { return allocations_.size(); }

 private:
  // The array index of `address`, after checking [address, address + length) is inside.
  std::size_t index(std::uint32_t address, std::uint64_t length) const;
  bool fits(std::uint32_t address, std::uint64_t length) const;

  std::uint32_t base_;
  std::vector<std::uint8_t> bytes_;
  std::map<std::uint32_t, std::uint32_t> allocations_;  // start address -> length in bytes
};

}  // namespace ohci::sim
