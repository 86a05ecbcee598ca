// MemoryPort: what the controller's AXI4 DMA master reaches (AxiMemorySlave serves its bursts
// from one): the node's own HostMemory, or another memory such as a QEMU guest's RAM
// (sim/qemu/guest_memory.hpp). Little-endian quadlets at bus addresses; an access outside what
// the memory holds is refused by contains() first (the slave answers DECERR) and never made.
#pragma once

#include <cstdint>

namespace ohci::sim {

class MemoryPort {
 public:
  virtual ~MemoryPort() = default;
  // Whether [address, address + length) is memory (false on 32-bit overflow).
  virtual bool contains(std::uint32_t address, std::uint32_t length) const = 0;
  virtual std::uint32_t read32(std::uint32_t address) const = 0;
  virtual void write32(std::uint32_t address, std::uint32_t value) = 0;
};

}  // namespace ohci::sim
