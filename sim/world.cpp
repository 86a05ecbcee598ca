#include "world.hpp"

#include <stdexcept>

#include "Vohci_core.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace ohci::sim {

World::World(const BusConfig& bus) : context_(std::make_unique<VerilatedContext>()), bus_(bus) {
  // Tracing is compiled into the model; it costs little until a trace file is open.
  context_->traceEverOn(true);
}

World::~World() {
  close_trace();
}

Node& World::add_node(const std::string& name, const NodeConfig& config) {
  if (trace_) throw std::logic_error("World::add_node: add every node before opening a trace");
  nodes_.push_back(std::make_unique<Node>(*context_, name, config, log_, cycle_));
  Node& node = *nodes_.back();
  bus_.attach(node.phy(), node.core());
  return node;
}

void World::reset(unsigned cycles) {
  for (auto& node : nodes_) node->core().rst = 1;
  run(cycles);
  for (auto& node : nodes_) node->core().rst = 0;
}

void World::step() {
  for (auto& node : nodes_) node->drive();
  bus_.drive(cycle_);
  for (auto& node : nodes_) {
    node->core().clk = 0;
    node->core().eval();
  }
  dump(2 * cycle_ * kHalfPeriodPs);
  for (auto& node : nodes_) node->sample(cycle_);
  bus_.sample(cycle_);
  for (auto& node : nodes_) {
    node->core().clk = 1;
    node->core().eval();
  }
  dump((2 * cycle_ + 1) * kHalfPeriodPs);
  if (pin_digest_on_) {
    for (auto& node : nodes_) pin_digest_ = node->fold_pins(pin_digest_);
    ++pin_digest_cycles_;
  }
  ++cycle_;
  if (trace_ && cycle_ > trace_window_.last_cycle) close_trace();
  deliver_interrupts();
}

void World::run(std::uint64_t cycles) {
  const std::uint64_t end = cycle_ + cycles;
  while (cycle_ < end) step();
}

bool World::run_until(const std::function<bool()>& done, std::uint64_t max_cycles) {
  const std::uint64_t end = cycle_ + max_cycles;
  while (cycle_ < end) {
    if (done()) return true;
    step();
  }
  return done();
}

void World::open_trace(const std::string& path, TraceWindow window) {
  close_trace();
  trace_ = std::make_unique<VerilatedFstC>();
  for (auto& node : nodes_) node->core().trace(trace_.get(), 99);
  trace_->open(path.c_str());
  if (!trace_->isOpen()) {
    trace_.reset();
    throw std::runtime_error("cannot open trace file " + path);
  }
  trace_window_ = window;
}

void World::close_trace() {
  if (trace_) {
    trace_->close();
    trace_.reset();
  }
}

void World::dump(std::uint64_t time_ps) {
  if (trace_ && cycle_ >= trace_window_.first_cycle) trace_->dump(time_ps);
}

void World::deliver_interrupts() {
  for (auto& node : nodes_) node->service_interrupt(cycle_);
}

}  // namespace ohci::sim
