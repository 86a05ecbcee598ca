#include "sc_platform.hpp"

#include <stdexcept>
#include <string>

#include "sc_time_base.hpp"

namespace ohci::sc {

ScPlatform::ScPlatform(const sc_core::sc_module_name& name, const ScPlatformConfig& config)
    : sc_core::sc_module(name),
      config_(config),
      // Starts low with its first falling edge at 0 (posedge_first = false): cycle c's rising
      // edge at (2c + 1) half periods, as in the C++ kernel.
      clock_("clk", clk_period(), 0.5, sc_core::SC_ZERO_TIME, false),
      bus_("bus", clock_, config.bus) {
  if (config.nodes == 0 || config.nodes > sim::Bus<PhyPortView>::kMaxNodes)
    throw std::invalid_argument("ScPlatform: a bus of " + std::to_string(config.nodes) +
                                " nodes (1 to 63)");
  if (sc_core::sc_get_time_resolution() > sc_core::sc_time(1, sc_core::SC_PS))
    throw std::logic_error("ScPlatform: needs a time resolution of 1 ps or finer");
  for (unsigned i = 0; i < config.nodes; ++i) {
    const std::string suffix = std::to_string(i);
    nodes_.push_back(std::make_unique<OhciScNode>(("node" + suffix).c_str(), clock_, config.node));
    memories_.push_back(std::make_unique<TlmMemory>(("memory" + suffix).c_str(), config.memory));
    OhciScNode& node = *nodes_.back();
    TlmMemory& memory = *memories_.back();
    cpus_.push_back(std::make_unique<ScCpu>(("cpu" + suffix).c_str(), clock_, node.irq(),
                                            node.rst(), memory.memory(), config.cpu));
    node.dma().bind(memory.socket);
    cpus_.back()->socket.bind(node.regs());
    bus_.attach(node.phy());
  }
  SC_THREAD(hold_reset);
}

ScPlatform::~ScPlatform() = default;

void ScPlatform::hold_reset() {
  for (auto& node : nodes_) node->rst().write(true);
  for (unsigned edge = 0; edge < config_.reset_cycles; ++edge) wait(clock_.posedge_event());
  wait(clock_.negedge_event());
  for (auto& node : nodes_) node->rst().write(false);
}

}  // namespace ohci::sc
