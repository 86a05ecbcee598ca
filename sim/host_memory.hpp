// Host RAM as the controller's DMA master and the firmware's CPU both see it: a flat byte
// array at a bus base address, little-endian (a descriptor quadlet is the 32-bit AXI word at
// its address; payload bytes lie in the order they go on the wire), with a first-fit allocator
// for DMA buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace ohci::sim {

class HostMemory {
 public:
  HostMemory(std::uint32_t base, std::uint32_t size);

  std::uint32_t base() const { return base_; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(bytes_.size()); }
  bool contains(std::uint32_t address, std::uint32_t length) const;

  // Checked access; out of range throws std::out_of_range naming the address.
  std::uint8_t read8(std::uint32_t address) const;
  void write8(std::uint32_t address, std::uint8_t value);
  std::uint32_t read32(std::uint32_t address) const;
  void write32(std::uint32_t address, std::uint32_t value);
  std::byte* cpu_pointer(std::uint32_t address);

  // DMA buffers: first fit, `alignment` a power of two; nullopt when nothing fits.
  std::optional<std::uint32_t> allocate(std::size_t bytes, std::size_t alignment);
  void release(std::uint32_t address);

 private:
  std::size_t index(std::uint32_t address, std::uint32_t length) const;

  std::uint32_t base_;
  std::vector<std::uint8_t> bytes_;
  std::map<std::uint32_t, std::uint32_t> allocations_;  // address -> length
};

}  // namespace ohci::sim
