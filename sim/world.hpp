// The co-simulation kernel: nodes (Verilated ohci_core + host memory + register bus + PHY),
// the 1394 bus joining their PHYs (bus.hpp), one clk cycle counter for all of them, waveform
// tracing, the event log, and interrupt delivery to firmware at the exact cycle the line is seen
// high.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bus.hpp"
#include "event_log.hpp"
#include "node.hpp"

class VerilatedContext;
class VerilatedFstC;

namespace ohci::sim {

// Which cycles a trace covers: [first_cycle, last_cycle], both inclusive.
struct TraceWindow {
  std::uint64_t first_cycle = 0;
  std::uint64_t last_cycle = UINT64_MAX;
};

class World {
 public:
  // Time in the trace: clk is 49.152 MHz, represented as a period of 20346 ps (the nearest
  // even number of ps), the falling half at 2*cycle*10173 ps and the rising edge at
  // (2*cycle+1)*10173 ps.
  static constexpr std::uint64_t kHalfPeriodPs = 10173;
  static constexpr double kClkHz = 49.152e6;

  explicit World(const BusConfig& bus = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Adds a node; the name is its scope in the trace. Nodes are added before the first step.
  // Its PHY joins the bus as node node_count() - 1.
  Node& add_node(const std::string& name, const NodeConfig& config = {});
  Node& node(std::size_t index) { return *nodes_.at(index); }
  std::size_t node_count() const { return nodes_.size(); }
  // The bus: arbitration, repeating, fault injection, every packet on it.
  Bus<Vohci_core>& bus() { return bus_; }
  const Bus<Vohci_core>& bus() const { return bus_; }

  // The number of the next rising clk edge (0 before the first step).
  std::uint64_t cycle() const { return cycle_; }

  // Holds rst high for `cycles` clk edges on every node.
  void reset(unsigned cycles = 4);
  // One clk cycle for every node: drive inputs (every node's memory and register bus, then the
  // bus drives every PHY), falling half, sample (the same order, then the bus arbitrates),
  // rising edge; then interrupts are delivered.
  void step();
  // Advances `cycles` clk cycles (firmware run from an ISR meanwhile counts towards them).
  void run(std::uint64_t cycles);
  // Steps until `done` returns true (checked after every step) or `max_cycles` pass.
  // Returns whether `done` became true.
  bool run_until(const std::function<bool()>& done, std::uint64_t max_cycles);

  // FST waveform of every node (scopes named after the nodes) over a cycle window.
  void open_trace(const std::string& path, TraceWindow window = {});
  void close_trace();

  EventLog& log() { return log_; }

  // A digest of every pin of every node (inputs as driven, outputs as registered) after every
  // rising edge from now on: two runs with the same digest went through the same pin values on
  // every clk. Off by default (it costs about 100 instructions per node per clk).
  void record_pin_digest() { pin_digest_on_ = true; }
  std::uint64_t pin_digest() const { return pin_digest_; }
  std::uint64_t pin_digest_cycles() const { return pin_digest_cycles_; }

 private:
  void dump(std::uint64_t time_ps);
  void deliver_interrupts();

  std::unique_ptr<VerilatedContext> context_;
  EventLog log_;  // before the nodes, which log into it until they are gone
  std::vector<std::unique_ptr<Node>> nodes_;
  Bus<Vohci_core> bus_;  // holds pointers into nodes_
  std::unique_ptr<VerilatedFstC> trace_;
  TraceWindow trace_window_;
  std::uint64_t cycle_ = 0;
  bool pin_digest_on_ = false;
  std::uint64_t pin_digest_ = 0xcbf2'9ce4'8422'2325;  // FNV-1a offset basis
  std::uint64_t pin_digest_cycles_ = 0;
};

}  // namespace ohci::sim
