#include "stream_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "cosim_hal.hpp"
#include "ieee1394_packet.hpp"
#include "ohci/regmap.hpp"
#include "stream_listener.hpp"
#include "stream_node.hpp"
#include "stream_talker.hpp"
#include "world.hpp"

namespace ohci::sim {
namespace {

constexpr std::uint64_t kClkPerCycle = 6144;  // one 125 us isochronous cycle
constexpr std::size_t kTalker = 0;
constexpr unsigned kMaxPacketsPerListenBuffer = 32;

std::uint32_t memory_size(std::size_t needed) {
  std::size_t size = 4u << 20;
  while (size < needed + (2u << 20)) size <<= 1;
  return static_cast<std::uint32_t>(size);
}

class Progress {
 public:
  Progress(bool quiet, unsigned total)
      : quiet_(quiet), terminal_(isatty(fileno(stdout)) != 0), total_(total) {}
  void update(unsigned sent, std::uint64_t cycles, double wall, bool last = false) {
    if (quiet_) return;
    const double since = wall - last_wall_;
    if (!last && since < (terminal_ ? 0.25 : 5.0)) return;
    const double rate = since > 0 ? static_cast<double>(cycles - last_cycles_) / since : 0.0;
    last_wall_ = wall;
    last_cycles_ = cycles;
    std::printf("%spackets %u/%u  sim %.3f s  %.3f M clk/s%s", terminal_ ? "\r" : "", sent, total_,
                static_cast<double>(cycles) / World::kClkHz, rate / 1e6,
                terminal_ ? (last ? "\n" : "   ") : "\n");
    std::fflush(stdout);
  }

 private:
  bool quiet_;
  bool terminal_;
  unsigned total_;
  double last_wall_ = 0.0;
  std::uint64_t last_cycles_ = 0;
};

// A node of the World with its firmware: the co-simulation Hal under the stream node.
struct SimulatedNode {
  SimulatedNode(World& world, Node& simulated)
      : node(simulated),
        hal(world, simulated),
        stream(simulated.name(), hal, [&world] { return world.cycle(); }) {}
  Node& node;
  CosimHal hal;
  StreamNode stream;
};

}  // namespace

StreamReport run_stream(const StreamPlan& plan) {
  StreamReport report;
  report.speed = plan.speed_name;
  report.nodes = plan.nodes;
  report.channel = plan.channel;
  report.payload = plan.payload_min == plan.payload_max
                       ? std::to_string(plan.payload_min)
                       : std::to_string(plan.payload_min) + ":" + std::to_string(plan.payload_max);
  report.batch = plan.batch;
  report.mode = plan.mode == ListenMode::kPacket ? "packet" : "buffer-fill";
  report.seed = plan.seed;
  report.packets_requested = plan.packets;

  const auto started = std::chrono::steady_clock::now();
  const auto wall = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const StreamPattern pattern(plan.seed, plan.payload_min, plan.payload_max);
  const unsigned per_buffer = std::min(plan.batch, kMaxPacketsPerListenBuffer);

  std::ofstream event_log;
  if (!plan.event_log.empty()) {
    event_log.open(plan.event_log);
    if (!event_log) {
      report.error = "--event-log: cannot write " + plan.event_log;
      return report;
    }
  }
  World world(plan.bus);
  if (event_log.is_open()) world.record_pin_digest();
  std::vector<std::unique_ptr<SimulatedNode>> nodes;
  for (unsigned i = 0; i < plan.nodes; ++i) {
    NodeConfig config;
    config.dma.error_rate = plan.axi_error_rate;
    config.dma.seed = plan.seed * 64 + i;  // its own draws per node, from --seed
    config.memory_size = memory_size(
        i == kTalker ? StreamTalker::memory_needed(plan.batch, plan.payload_max)
                     : StreamListener::memory_needed(plan.mode, per_buffer, plan.payload_max));
    Node& node = world.add_node("node" + std::to_string(i), config);
    nodes.push_back(std::make_unique<SimulatedNode>(world, node));
  }
  if (!plan.trace.empty()) world.open_trace(plan.trace, plan.trace_window.value_or(TraceWindow{}));
  world.reset();

  const std::uint32_t interrupts = regs::int_mask::kIsochTx.mask() |
                                   regs::int_mask::kIsochRx.mask() |
                                   regs::int_mask::kUnrecoverableError.mask();
  for (unsigned i = 0; i < plan.nodes; ++i) {
    auto up = nodes[i]->stream.controller.bring_up(
        {.cycle_master = i == kTalker, .interrupts = interrupts});
    if (!up.ok()) {
      report.error =
          nodes[i]->node.name() + " bring-up: " + std::string(fw::to_string(up.status()));
      return report;
    }
  }
  world.run(2 * kClkPerCycle);

  std::vector<std::unique_ptr<StreamListener>> listeners;
  for (unsigned i = 1; i < plan.nodes; ++i) {
    listeners.push_back(std::make_unique<StreamListener>(nodes[i]->stream, pattern, plan.channel,
                                                         plan.mode, per_buffer));
    if (std::string why = listeners.back()->start(); !why.empty()) {
      report.error = nodes[i]->node.name() + ": " + why;
      return report;
    }
  }
  world.bus().set_on_packet([&](const BusPacket& packet) {
    if (packet.sender != kTalker || tcode_of(packet.bytes) != kTcodeIsochronous) return;
    const auto number = static_cast<unsigned>(report.packets_sent++);
    const bool faulted =
        packet.faults.drop || packet.faults.corrupt_header_crc || packet.faults.corrupt_data_crc;
    report.packets_faulted += faulted ? 1 : 0;
    for (std::size_t k = 0; k < listeners.size(); ++k)
      listeners[k]->scoreboard().on_wire(number, ((packet.receivers >> (k + 1)) & 1u) != 0,
                                         faulted);
  });

  StreamTalker talker(nodes[kTalker]->stream, pattern, plan.channel, plan.speed_code, plan.batch,
                      plan.packets);
  if (std::string why = talker.start(); !why.empty()) {
    report.error = "node0: " + why;
    return report;
  }

  Progress progress(plan.quiet, plan.packets);
  const std::uint64_t first = world.cycle();
  const std::uint64_t budget = (plan.packets + 64ull) * kClkPerCycle * 2;
  const auto any_listener_failed = [&] {
    for (const auto& listener : listeners)
      if (!listener->error().empty()) return true;
    return false;
  };
  while (!talker.done() && world.cycle() - first < budget && talker.error().empty() &&
         !any_listener_failed()) {
    world.run(kClkPerCycle * 4);
    world.bus().clear_packets();
    progress.update(static_cast<unsigned>(report.packets_sent), world.cycle(), wall());
  }
  world.run(kClkPerCycle * 4);  // the last packets reach the listeners
  progress.update(static_cast<unsigned>(report.packets_sent), world.cycle(), wall(), true);
  for (auto& listener : listeners) listener->finish();
  world.close_trace();

  // An injected AXI error kills the context whose burst failed; the driver then fails that
  // stream's buffers. Such a stop is deliberate, so it is reported apart from real errors.
  const auto injected = [&](std::size_t i) { return nodes[i]->node.dma_port().injected_errors(); };
  for (std::size_t i = 0; i < nodes.size(); ++i) report.axi_errors += injected(i);
  const auto stopped_by_fault = [&](std::size_t i, const std::string& why) {
    if (why.empty() || injected(i) == 0) return false;
    if (!report.fault_stop.empty()) report.fault_stop += "; ";
    report.fault_stop += nodes[i]->node.name() + " (" + std::to_string(injected(i)) +
                         " injected AXI errors, the first at cycle " +
                         std::to_string(nodes[i]->node.dma_port().first_injected_error_cycle()) +
                         "): " + why;
    return true;
  };

  report.sim_cycles = world.cycle();
  if (event_log.is_open()) {
    report.pin_digest = world.pin_digest();
    report.pin_digest_cycles = world.pin_digest_cycles();
    world.log().print(event_log);
    char digest[96];
    std::snprintf(digest, sizeof digest, "pin digest 0x%016llx over %llu clk\n",
                  static_cast<unsigned long long>(world.pin_digest()),
                  static_cast<unsigned long long>(world.pin_digest_cycles()));
    event_log << digest;
    if (!event_log.flush()) report.error = "--event-log: cannot write " + plan.event_log;
  }
  report.wall_seconds = wall();
  report.it_interrupts = nodes[kTalker]->stream.dispatcher.isr_count();
  report.it_callbacks = talker.callbacks();
  report.underruns = talker.run_outs();
  report.crc_errors = world.bus().stats().header_crc_faults + world.bus().stats().data_crc_faults;
  report.drops = world.bus().stats().drops;
  if (!stopped_by_fault(kTalker, talker.error()) && !talker.error().empty())
    report.error = "node0: " + talker.error();
  for (const auto& node : nodes)
    report.protocol_violations +=
        node->node.phy().violations().size() + node->node.dma_port().violations().size();
  for (std::size_t k = 0; k < listeners.size(); ++k) {
    StreamListener& listener = *listeners[k];
    StreamScoreboard& board = listener.scoreboard();
    const bool listener_stopped = stopped_by_fault(k + 1, listener.error());
    board.finish(listener_stopped);
    ListenerReport entry;
    entry.node = nodes[k + 1]->node.name();
    entry.packets_received = board.received();
    entry.bytes_received = board.bytes();
    entry.mismatches = board.mismatches();
    entry.packets_lost = board.lost();
    entry.faulted_received = board.faulted_received();
    entry.faulted_lost = board.faulted_lost();
    entry.overruns = listener.overruns() + listener.missed();
    entry.ir_interrupts = nodes[k + 1]->stream.dispatcher.isr_count();
    entry.ir_callbacks = listener.callbacks();
    entry.first_mismatch = board.first_mismatch();
    if (report.error.empty() && !listener_stopped && !listener.error().empty())
      report.error = entry.node + ": " + listener.error();
    report.listeners.push_back(std::move(entry));
  }
  if (report.error.empty() && report.fault_stop.empty() && !talker.done())
    report.error = "node0: the talker did not finish within " + std::to_string(budget) + " clk";
  world.bus().set_on_packet(nullptr);
  return report;
}

}  // namespace ohci::sim
