// ScCpu: the CPU that runs firmware on the SystemC platform, and the firmware's Hal there. Its
// program (set_program) runs in this module's SC_THREAD once reset is released; every
// read32/write32 is a TLM-2.0 b_transport on its initiator socket (bound to a node's register
// target, so a real AXI4-Lite transaction: 3 clk back to back), DMA memory comes from the
// node's TlmMemory (the CPU's view of the same bytes), and interrupts and DPCs follow the Hal's
// contract (fw/include/ohci/hal.hpp) with the C++ kernel's timing (sim/node.hpp):
//   - Service points: the end of every register access (seen from the falling edge after its
//     response, where the next access would start anyway), unlock_interrupt, and idle waits.
//   - The ISR is entered at the first service point at or after the rising edge irq was first
//     seen high plus interrupt_latency_cycles, never nested, never while the interrupt lock is
//     held. Idle, that is the falling edge right after that rising edge, so the ISR's first
//     access is seen at the next rising edge, as in the C++ kernel. If irq is still high when
//     the ISR returns it is taken again after the latency, counted from the return.
//   - DPCs an ISR queues run in order, never nested, from the ISR's return plus
//     dpc_latency_cycles; an ISR may interrupt a DPC at the end of any of its accesses.
// A program that throws ends the thread; error() keeps what it said. Register accesses need
// simulated time, so they are made only from the program's thread: firmware objects that touch
// registers when destroyed must be destroyed there too. An access from anywhere else is refused
// (reads all ones, counted in register_errors(), error() says so).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>

#include "core_pins.hpp"
#include "host_memory.hpp"
#include "interrupt_model.hpp"
#include "ohci/hal.hpp"

namespace ohci::sc {

struct ScCpuConfig {
  unsigned interrupt_latency_cycles = 0;
  unsigned dpc_latency_cycles = 0;
};

class ScCpu final : public sc_core::sc_module, public fw::Hal {
 public:
  SC_HAS_PROCESS(ScCpu);
  tlm_utils::simple_initiator_socket<ScCpu> socket;

  // `irq` and `rst` are the node's; `memory` is the CPU's view of its DMA memory.
  ScCpu(const sc_core::sc_module_name& name, sc_core::sc_clock& clock, Signal<bool>& irq,
        Signal<bool>& rst, sim::HostMemory& memory, const ScCpuConfig& config = {});

  // The firmware to run (before sc_start). It may call idle/idle_until to let time pass.
  void set_program(std::function<void()> program) { program_ = std::move(program); }
  bool finished() const { return finished_; }
  const std::string& error() const { return error_; }

  // The number of the next rising clk edge (as World::cycle()).
  std::uint64_t cycle() const;
  // Lets time pass, servicing interrupts, until `done` (checked at every service point) or
  // `max_cycles` have passed; returns whether `done` became true. Only from the program.
  bool idle_until(const std::function<bool()>& done, std::uint64_t max_cycles);
  void idle(std::uint64_t cycles);

  std::uint64_t isr_count() const { return interrupts_.isr_count(); }
  std::uint64_t register_errors() const { return register_errors_; }

  // fw::Hal
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  std::optional<fw::DmaRegion> dma_alloc(std::size_t bytes, std::size_t alignment) override;
  void dma_free(const fw::DmaRegion& region) override;
  // The TLM memory is coherent with the controller: nothing to order.
  void write_barrier() override {}
  void attach_interrupt(std::function<void()> isr) override { interrupts_.attach(std::move(isr)); }
  void schedule_dpc(std::function<void()> dpc) override {
    interrupts_.schedule_dpc(std::move(dpc));
  }
  void lock_interrupt() override { interrupts_.lock(); }
  void unlock_interrupt() override;

 private:
  void run();
  void on_irq();
  // One register access; a failed one reads all ones (as a dead PCI device does).
  std::uint32_t access(tlm::tlm_command command, std::uint32_t offset, std::uint32_t value);
  // The latest rising edge whose results every process sees.
  std::uint64_t last_edge() const;
  void service() { interrupts_.service(); }

  sc_core::sc_clock& clock_;
  Signal<bool>& irq_;
  Signal<bool>& rst_;
  sim::HostMemory& memory_;
  ScCpuConfig config_;
  std::function<void()> program_;
  sc_core::sc_process_handle thread_;
  sc_core::sc_event irq_rose_;
  sim::InterruptModel interrupts_;  // the ISR and DPC rules, as on the C++ kernel (sim/node.hpp)
  bool finished_ = false;
  std::string error_;
  std::uint64_t register_errors_ = 0;
};

}  // namespace ohci::sc
