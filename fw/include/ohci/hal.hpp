// The firmware's only window on hardware. Backends: the co-simulation (sim/), SystemC/TLM,
// and the Linux SPI/UIO backends for the boards. Nothing here names a simulator type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

namespace ohci::fw {

// A block of DMA-able memory: the CPU sees `cpu`, the controller's DMA master sees `bus`.
struct DmaRegion {
  std::byte* cpu = nullptr;
  std::uint32_t bus = 0;
  std::size_t size = 0;
};

class Hal {
 public:
  virtual ~Hal() = default;

  // 32-bit access to the OHCI register window (byte offset 0x000-0x7FC, quadlet aligned).
  // On the co-simulation each call costs the real AXI4-Lite cycles.
  virtual std::uint32_t read32(std::uint32_t offset) = 0;
  virtual void write32(std::uint32_t offset, std::uint32_t value) = 0;

  // DMA memory of `bytes` aligned to `alignment` (a power of two); nullopt when exhausted.
  virtual std::optional<DmaRegion> dma_alloc(std::size_t bytes, std::size_t alignment) = 0;
  virtual void dma_free(const DmaRegion& region) = 0;

  // Makes CPU stores to DMA memory visible to the controller before any later register write.
  virtual void write_barrier() = 0;

  // The environment calls `isr` when the controller's interrupt line is asserted
  // (on the co-simulation: at the cycle irq is first seen high plus the modelled latency).
  virtual void attach_interrupt(std::function<void()> isr) = 0;
};

}  // namespace ohci::fw
