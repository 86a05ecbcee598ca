// AxiTlmBridge: the slave end of ohci_core's AXI4 DMA master (m_axi_*), turning each burst into
// one TLM-2.0 transaction on its initiator socket: a read burst into a TLM_READ_COMMAND of
// 4 * (ARLEN + 1) bytes, a write burst into a TLM_WRITE_COMMAND with WSTRB as byte enables. The
// target must be loosely timed (return without waiting, annotating its latency, as TlmMemory
// does): the bridge calls it from clocked methods, where SystemC refuses a wait().
//
// The AXI side has the timing of the C++ kernel's default AxiMemorySlave (sim/axi_memory.hpp),
// with the target's annotated delay as the latency L = the whole clk cycles covering it:
//   - ARREADY is high while fewer than max_outstanding_reads bursts are queued, AWREADY while
//     fewer than max_outstanding_writes writes await their B, WREADY while fewer than 64 W beats
//     wait for their AW.
//   - Read: the transaction is made at the AR handshake (cycle a); the first R beat is on the bus
//     from cycle a + 1 + L, each later beat one cycle after the previous beat's handshake, and a
//     queued burst follows the previous one back to back (never before its own a + 1 + L).
//   - Write: the transaction is made at cycle w, when the AW and every W beat of the burst have
//     been handshaken; B is on the bus from cycle w + 1 + L until BREADY takes it.
// Responses: TLM_OK_RESPONSE gives OKAY, TLM_ADDRESS_ERROR_RESPONSE DECERR and any other error
// SLVERR, on every beat of a read burst (data 0) and on the B of a write burst.
// Protocol checks on the master, each recorded in violations() as "cycle N: ...": ARLEN/AWLEN
// above 15, a size other than 4 bytes, a burst type other than INCR, WLAST not on exactly the
// last beat. Such bursts are still served, as INCR of 4 bytes.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <deque>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "core_pins.hpp"

namespace ohci::sc {

struct AxiTlmBridgeConfig {
  unsigned max_outstanding_reads = 8;
  unsigned max_outstanding_writes = 8;
};

class AxiTlmBridge : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(AxiTlmBridge);
  tlm_utils::simple_initiator_socket<AxiTlmBridge> socket;

  AxiTlmBridge(const sc_core::sc_module_name& name, sc_core::sc_clock& clock, AxiPins& pins,
               const AxiTlmBridgeConfig& config = {});

  const std::vector<std::string>& violations() const { return violations_; }
  std::uint64_t read_bursts() const { return read_bursts_; }
  std::uint64_t write_bursts() const { return write_bursts_; }
  std::uint64_t error_responses() const { return error_responses_; }

 private:
  static constexpr unsigned kMaxBufferedWBeats = 64;

  struct ReadBurst {
    std::vector<std::uint32_t> data;
    std::uint32_t resp = 0;
    std::uint64_t due_cycle = 0;
    std::size_t next_beat = 0;
  };
  struct WriteAddress {
    std::uint32_t address = 0;
    unsigned beats = 0;
  };
  struct WriteBeat {
    std::uint32_t data = 0;
    std::uint32_t strobe = 0;
    bool last = false;
  };
  struct WriteResponse {
    std::uint32_t resp = 0;
    std::uint64_t due_cycle = 0;
  };

  void on_rising_edge();
  void on_falling_edge();
  void accept_read(std::uint64_t cycle);
  void complete_writes(std::uint64_t cycle);
  // One TLM transaction; returns the AXI response and the latency in cycles.
  std::uint32_t transact(tlm::tlm_command command, std::uint32_t address,
                         std::vector<unsigned char>& bytes, std::vector<unsigned char>* enables,
                         std::uint64_t& latency_cycles);
  void check_burst(std::uint64_t cycle, const char* channel, std::uint32_t len, std::uint32_t size,
                   std::uint32_t burst);
  void violation(std::uint64_t cycle, const std::string& what);

  sc_core::sc_clock& clock_;
  AxiPins& pins_;
  AxiTlmBridgeConfig config_;
  std::deque<ReadBurst> reads_;
  std::uint64_t next_r_cycle_ = 0;  // the earliest cycle the next R beat may be on the bus
  bool r_on_bus_ = false;
  std::deque<WriteAddress> write_addresses_;
  std::deque<WriteBeat> write_beats_;
  std::deque<WriteResponse> responses_;
  unsigned writes_awaiting_b_ = 0;
  bool b_on_bus_ = false;
  // What this bridge drives this cycle (so sampling needs no read-back of its own outputs).
  bool arready_ = false, awready_ = false, wready_ = false;
  std::vector<std::string> violations_;
  std::uint64_t read_bursts_ = 0, write_bursts_ = 0, error_responses_ = 0;
};

}  // namespace ohci::sc
