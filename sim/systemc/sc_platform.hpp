// ScPlatform: the SystemC/TLM-2.0 top. N nodes on one 1394 bus, each an OhciScNode whose DMA
// initiator socket is bound to its own TlmMemory and whose register target socket is bound to
// its own ScCpu (the firmware's Hal); one 49.152 MHz clk (sc_time_base.hpp) and a reset held
// for reset_cycles rising edges. Built before sc_start, like any SystemC hierarchy; a program
// per CPU (ScCpu::set_program) runs once reset is released.
//
// Example (a complete stream test is tb/systemc/sc_stream_test.cpp):
//   ohci::sc::ScPlatform platform("top", {.nodes = 2});
//   platform.cpu(0).set_program([&] { /* fw on node 0, through platform.cpu(0) as its Hal */ });
//   sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_MS));
#pragma once

#include <cstddef>
#include <memory>
#include <systemc>
#include <vector>

#include "ohci_sc_node.hpp"
#include "phy_bus.hpp"
#include "sc_cpu.hpp"
#include "tlm_memory.hpp"

namespace ohci::sc {

struct ScPlatformConfig {
  unsigned nodes = 2;
  unsigned reset_cycles = 4;
  TlmMemoryConfig memory{};  // each node's
  OhciScNodeConfig node{};
  ScCpuConfig cpu{};
  sim::BusConfig bus{};
};

class ScPlatform : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ScPlatform);
  // Throws std::invalid_argument for 0 nodes or more than a 1394 bus holds (63).
  ScPlatform(const sc_core::sc_module_name& name, const ScPlatformConfig& config = {});
  ~ScPlatform() override;

  std::size_t node_count() const { return nodes_.size(); }
  OhciScNode& node(std::size_t index) { return *nodes_.at(index); }
  TlmMemory& memory(std::size_t index) { return *memories_.at(index); }
  ScCpu& cpu(std::size_t index) { return *cpus_.at(index); }
  PhyBus& bus() { return bus_; }
  sc_core::sc_clock& clock() { return clock_; }

 private:
  void hold_reset();

  ScPlatformConfig config_;
  sc_core::sc_clock clock_;
  PhyBus bus_;
  std::vector<std::unique_ptr<OhciScNode>> nodes_;
  std::vector<std::unique_ptr<TlmMemory>> memories_;
  std::vector<std::unique_ptr<ScCpu>> cpus_;
};

}  // namespace ohci::sc
