// One simulated controller: the Verilated ohci_core with its host memory behind an AXI4 slave,
// the AXI4-Lite register-bus master through which firmware reaches it, and its PHY (clocked by
// the World's Bus, which joins the PHYs of all nodes).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "axi_memory.hpp"
#include "axil_master.hpp"
#include "event_log.hpp"
#include "host_memory.hpp"
#include "interrupt_model.hpp"
#include "phy_model.hpp"

class Vohci_core;
class VerilatedContext;

namespace ohci::sim {

struct NodeConfig {
  std::uint32_t memory_base = 0x0000'0000;
  std::uint32_t memory_size = 16u << 20;
  AxiMemoryConfig dma{};                   // latency, back-pressure, seed of the host memory port
  PhyConfig phy{};                         // arbitration delay and fastest speed of the PHY
  unsigned register_timeout_cycles = 256;  // a register access with no response gives up
  // Cycles from the clk edge at which irq is first seen high to the call of the firmware's
  // interrupt service routine: 0 is an ideal CPU (the ISR's first register access starts in
  // the next cycle); about 49 models a 1 us interrupt entry.
  unsigned interrupt_latency_cycles = 0;
  // Cycles from the edge the ISR returned in to the call of a DPC it queued: 0 runs it at once
  // (in the same edge, before anything else the CPU does); a DPC is never entered earlier.
  unsigned dpc_latency_cycles = 0;
  // When set, the controller's DMA reaches this memory instead of the node's own HostMemory
  // (which the firmware's Hal still allocates from): e.g. a QEMU guest's RAM. It must outlive
  // the node.
  MemoryPort* dma_memory = nullptr;
};

class Node {
 public:
  // `world_cycle` is the World's cycle counter (the number of the next rising edge).
  Node(VerilatedContext& context, std::string name, const NodeConfig& config, EventLog& log,
       const std::uint64_t& world_cycle);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return name_; }
  const NodeConfig& config() const { return config_; }
  Vohci_core& core() { return *core_; }
  HostMemory& memory() { return memory_; }
  AxiMemorySlave<Vohci_core>& dma_port() { return *dma_port_; }
  AxilMaster<Vohci_core>& register_bus() { return *register_bus_; }
  PhyModel<Vohci_core>& phy() { return *phy_; }

  // The clocking discipline of World::step(), for the memory port and the register bus; the
  // PHY is driven and sampled by the Bus.
  void drive();
  void sample(std::uint64_t cycle);
  // Folds the value of every port of the core into an FNV-1a digest (World::pin_digest).
  std::uint64_t fold_pins(std::uint64_t digest) const;

  // Firmware side. The node models one CPU: its ISR is entered at the first edge irq is seen
  // high plus interrupt_latency_cycles, never nested, and only between register accesses (an
  // access is under way from its start until the firmware has its result). Firmware of
  // different nodes runs as nested calls on one host thread, so one node's ISR delays the
  // other nodes' firmware (not their hardware) while it runs.
  //
  // DPCs an ISR queues run at "dispatch level": in the order queued, never nested, each entered
  // at the first service point at or after the edge its ISR returned in plus dpc_latency_cycles
  // (with 0: right after the ISR returns, in the same edge). Like the ISR they run between
  // register accesses, and an ISR may interrupt a DPC at the end of any of its register
  // accesses. While the interrupt lock is held neither an ISR nor a DPC is entered; unlocking is
  // a service point.
  void attach_interrupt(std::function<void()> isr) { interrupts_.attach(std::move(isr)); }
  void schedule_dpc(std::function<void()> dpc) { interrupts_.schedule_dpc(std::move(dpc)); }
  void lock_interrupt() { interrupts_.lock(); }
  // Takes an interrupt or DPC that became due while locked (at the current edge).
  void unlock_interrupt();
  bool in_interrupt() const { return interrupts_.in_isr(); }
  bool in_dpc() const { return interrupts_.in_dpc(); }
  bool interrupt_locked() const { return interrupts_.locked(); }
  std::size_t queued_dpcs() const { return interrupts_.queued_dpcs(); }
  void set_cpu_access(bool under_way) { cpu_access_ = under_way; }
  // Called by the World after every rising edge `cycle_after_edge - 1`, and by the firmware
  // backend when an access completes. Calls for an edge older than one already serviced (after
  // another node's ISR moved time on) are ignored.
  void service_interrupt(std::uint64_t cycle_after_edge);

 private:
  std::string name_;
  NodeConfig config_;
  EventLog& log_;
  const std::uint64_t& world_cycle_;
  std::unique_ptr<Vohci_core> core_;
  HostMemory memory_;
  std::unique_ptr<AxiMemorySlave<Vohci_core>> dma_port_;
  std::unique_ptr<AxilMaster<Vohci_core>> register_bus_;
  std::unique_ptr<PhyModel<Vohci_core>> phy_;
  std::uint64_t last_serviced_edge_ = 0;
  bool cpu_access_ = false;
  InterruptModel interrupts_;  // the ISR and DPC rules (interrupt_model.hpp)
};

}  // namespace ohci::sim
