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
  // An empty function detaches it.
  virtual void attach_interrupt(std::function<void()> isr) = 0;

  // Queues `dpc` to run once at "dispatch level" after the current ISR returns: the deferred
  // half of interrupt handling (KMDF's WdfInterruptQueueDpcForIsr). Queued from an ISR. DPCs do
  // not nest and run in the order queued; an ISR may interrupt a running DPC between two register
  // accesses unless the DPC holds the interrupt lock. On the co-simulation it runs at the ISR's
  // return plus NodeConfig::dpc_latency_cycles.
  virtual void schedule_dpc(std::function<void()> dpc) = 0;

  // The interrupt lock (KMDF's WdfInterruptAcquireLock/ReleaseLock): while it is held the
  // environment enters neither the ISR nor a DPC; an interrupt that becomes pending meanwhile is
  // taken after unlock_interrupt. Hold it briefly, around state the ISR shares; calls nest.
  virtual void lock_interrupt() = 0;
  virtual void unlock_interrupt() = 0;
};

// Holds the Hal's interrupt lock for its lifetime.
class InterruptLock {
 public:
  explicit InterruptLock(Hal& hal) : hal_(hal) { hal_.lock_interrupt(); }
  ~InterruptLock() { hal_.unlock_interrupt(); }
  InterruptLock(const InterruptLock&) = delete;
  InterruptLock& operator=(const InterruptLock&) = delete;

 private:
  Hal& hal_;
};

}  // namespace ohci::fw
