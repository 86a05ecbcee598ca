// TlmMemory: host RAM behind a TLM-2.0 target socket, the memory the controller's DMA reaches
// through its initiator socket (axi_tlm_bridge.hpp). Loosely timed: b_transport never waits; it
// adds the configured latency to the annotated delay. The CPU's view of the same bytes is
// memory() (the firmware's Hal allocates its DMA buffers there, coherent with the controller as
// in the C++ kernel).
//
// Transactions: TLM_READ_COMMAND / TLM_WRITE_COMMAND of any length inside the memory, byte
// enables honoured (cyclic, as TLM-2.0 defines them), streaming width equal to the length.
// Otherwise the response says why: TLM_ADDRESS_ERROR_RESPONSE outside the memory,
// TLM_BURST_ERROR_RESPONSE for a streaming width, TLM_COMMAND_ERROR_RESPONSE for TLM_IGNORE;
// nothing is read or written then. add_error_range() makes transactions touching a range fail
// with TLM_GENERIC_ERROR_RESPONSE (a bus error, for tests), also without effect.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "host_memory.hpp"

namespace ohci::sc {

struct TlmMemoryConfig {
  std::uint32_t base = 0;
  std::uint32_t size = 16u << 20;
  sc_core::sc_time latency = sc_core::SC_ZERO_TIME;  // added to every transaction's delay
};

class TlmMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TlmMemory> socket;

  TlmMemory(const sc_core::sc_module_name& name, const TlmMemoryConfig& config = {});

  sim::HostMemory& memory() { return memory_; }
  const sim::HostMemory& memory() const { return memory_; }

  // Reads (or writes) touching [first, last] fail with TLM_GENERIC_ERROR_RESPONSE.
  void add_error_range(std::uint32_t first, std::uint32_t last, tlm::tlm_command command);
  std::uint64_t transactions() const { return transactions_; }
  std::uint64_t errors() const { return errors_; }

 private:
  struct ErrorRange {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    tlm::tlm_command command = tlm::TLM_READ_COMMAND;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  // Checks and performs `trans`; returns its response status.
  tlm::tlm_response_status perform(tlm::tlm_generic_payload& trans, bool debug);

  sim::HostMemory memory_;
  sc_core::sc_time latency_;
  std::vector<ErrorRange> error_ranges_;
  std::uint64_t transactions_ = 0;
  std::uint64_t errors_ = 0;
};

}  // namespace ohci::sc
