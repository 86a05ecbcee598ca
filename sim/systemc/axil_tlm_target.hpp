// AxilTlmTarget: ohci_core's register window as a TLM-2.0 target. Each b_transport becomes one
// real AXI4-Lite transaction on the core's s_axil_* pins, with the handshakes and cycle costs of
// the C++ kernel's AxilMaster (sim/axil_master.hpp), so firmware on the SystemC platform sees
// the same register timing as on the co-simulation.
//
// Timing. b_transport first waits out the delay the caller annotated (the access starts at the
// caller's local time), then queues the access for the pin process, which drives it from the
// first falling edge at or after that time: VALID is seen at rising edge s, the address (and W)
// handshake at s + 1 and the R/B handshake at s + 2, and b_transport returns at that edge. So an
// access started at a rising edge (where the previous one returned) blocks its caller for exactly
// 3 clk, the real transaction, and back-to-back accesses are 3 cycles apart as with AxilMaster.
// Because the transaction's time has passed in the call, the delay is 0 on return (TLM-2.0's
// rule for a target that waits); last_access() says which cycles it took.
//
// Transactions: a read or write of 4 bytes at a quadlet-aligned address in [0, 0x800), streaming
// width 4; byte enables on a write become WSTRB (a read returns only the enabled bytes).
// Anything else is refused before the pins move: TLM_ADDRESS_ERROR_RESPONSE (outside the window
// or unaligned), TLM_BURST_ERROR_RESPONSE (length or streaming width not 4),
// TLM_COMMAND_ERROR_RESPONSE (TLM_IGNORE). RRESP/BRESP SLVERR or DECERR become
// TLM_GENERIC_ERROR_RESPONSE / TLM_ADDRESS_ERROR_RESPONSE. An access with no response within
// timeout_cycles ends with TLM_GENERIC_ERROR_RESPONSE and every VALID and READY dropped (the bus
// "bomb" of ZipCPU's models) instead of hanging; timeouts() counts them.
// Accesses from several initiators are served one at a time, in the order they arrive.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <deque>
#include <systemc>
#include <tlm>

#include "core_pins.hpp"

namespace ohci::sc {

// The cycles one access took: VALID first seen at issue_cycle, response at done_cycle.
struct AxilAccess {
  std::uint64_t issue_cycle = 0;
  std::uint64_t done_cycle = 0;
  bool timed_out = false;
  std::uint64_t cycles() const { return done_cycle - issue_cycle + 1; }
};

class AxilTlmTarget : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(AxilTlmTarget);
  static constexpr std::uint32_t kWindowBytes = 0x800;

  tlm_utils::simple_target_socket<AxilTlmTarget> socket;

  AxilTlmTarget(const sc_core::sc_module_name& name, sc_core::sc_clock& clock, AxilPins& pins,
                unsigned timeout_cycles = 256);

  const AxilAccess& last_access() const { return last_; }
  std::uint64_t timeouts() const { return timeouts_; }

 private:
  struct Job {
    bool write = false;
    std::uint32_t address = 0;
    std::uint32_t data = 0;
    std::uint32_t strobe = 0xF;
    std::uint32_t resp = 0;
    bool timed_out = false;
    bool done = false;
    sc_core::sc_event finished;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  // The pin process: the only writer of the CPU side of s_axil_*.
  void run();
  void perform(Job& job);
  void release_pins();

  sc_core::sc_clock& clock_;
  AxilPins& pins_;
  unsigned timeout_cycles_;
  std::deque<Job*> queue_;
  sc_core::sc_event queued_;
  AxilAccess last_;
  std::uint64_t timeouts_ = 0;
};

}  // namespace ohci::sc
