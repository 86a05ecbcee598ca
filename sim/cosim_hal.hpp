// The firmware's hardware abstraction on the co-simulation: every register access is an
// AXI4-Lite transaction on the node's register bus that costs its real clk cycles (the World
// steps until it completes), DMA memory is the node's host memory, the interrupt entry is
// called by the node at the cycle its irq is seen high plus the configured latency, and the DPCs
// it queues run after it returns plus the configured DPC latency.
#pragma once

#include "node.hpp"
#include "ohci/hal.hpp"
#include "world.hpp"

namespace ohci::sim {

class CosimHal final : public fw::Hal {
 public:
  CosimHal(World& world, Node& node) : world_(world), node_(node) {}

  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  std::optional<fw::DmaRegion> dma_alloc(std::size_t bytes, std::size_t alignment) override;
  void dma_free(const fw::DmaRegion& region) override;
  // Host memory is coherent with the controller in the model: nothing to order.
  void write_barrier() override {}
  void attach_interrupt(std::function<void()> isr) override;
  // Run by the node after the ISR returns plus NodeConfig::dpc_latency_cycles (sim/node.hpp).
  void schedule_dpc(std::function<void()> dpc) override;
  void lock_interrupt() override;
  void unlock_interrupt() override;

  // Cycles the last register access took, from its start to its response.
  std::uint64_t last_access_cycles() const { return last_access_cycles_; }

 private:
  void wait_for_bus();
  AxilResult access(bool write, std::uint32_t offset, std::uint32_t value);

  World& world_;
  Node& node_;
  std::uint64_t last_access_cycles_ = 0;
};

}  // namespace ohci::sim
