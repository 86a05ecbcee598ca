#include "stream_report.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "world.hpp"

namespace ohci::sim {
namespace {

template <class F>
std::uint64_t sum(const std::vector<ListenerReport>& listeners, F field) {
  std::uint64_t total = 0;
  for (const ListenerReport& listener : listeners) total += field(listener);
  return total;
}

}  // namespace

std::uint64_t StreamReport::packets_received() const {
  return sum(listeners, [](const ListenerReport& l) { return l.packets_received; });
}
std::uint64_t StreamReport::bytes_received() const {
  return sum(listeners, [](const ListenerReport& l) { return l.bytes_received; });
}
std::uint64_t StreamReport::mismatches() const {
  return sum(listeners, [](const ListenerReport& l) { return l.mismatches; });
}
std::uint64_t StreamReport::packets_lost() const {
  return sum(listeners, [](const ListenerReport& l) { return l.packets_lost; });
}
std::uint64_t StreamReport::overruns() const {
  return sum(listeners, [](const ListenerReport& l) { return l.overruns; });
}
std::uint64_t StreamReport::ir_interrupts() const {
  return sum(listeners, [](const ListenerReport& l) { return l.ir_interrupts; });
}
double StreamReport::bus_seconds() const {
  return static_cast<double>(sim_cycles) / World::kClkHz;
}
double StreamReport::sim_hz() const {
  return wall_seconds > 0 ? static_cast<double>(sim_cycles) / wall_seconds : 0.0;
}

bool StreamReport::passed() const {
  return error.empty() && (packets_sent == packets_requested || !fault_stop.empty()) &&
         mismatches() == 0 && packets_lost() == 0 && protocol_violations == 0 &&
         (!listeners.empty() || nodes == 1);
}

std::string StreamReport::first_mismatch_text() const {
  for (const ListenerReport& listener : listeners) {
    if (!listener.first_mismatch) continue;
    const Mismatch& m = *listener.first_mismatch;
    return listener.node + ": first mismatch at cycle " + std::to_string(m.cycle) + ", packet " +
           std::to_string(m.packet) + ", offset " + std::to_string(m.offset) + ": " + m.what;
  }
  return {};
}

void print_summary(const StreamReport& r) {
  std::printf("\nohci-sim: %u nodes, %s, channel %u, payload %s bytes, batch %u, %s listen\n",
              r.nodes, r.speed.c_str(), r.channel, r.payload.c_str(), r.batch, r.mode.c_str());
  std::printf("  %-22s %12llu of %llu\n", "packets sent",
              static_cast<unsigned long long>(r.packets_sent),
              static_cast<unsigned long long>(r.packets_requested));
  std::printf("  %-22s %12llu (crc %llu, drop %llu; AXI errors injected %llu)\n", "packets faulted",
              static_cast<unsigned long long>(r.packets_faulted),
              static_cast<unsigned long long>(r.crc_errors),
              static_cast<unsigned long long>(r.drops),
              static_cast<unsigned long long>(r.axi_errors));
  if (!r.fault_stop.empty())
    std::printf("  %-22s %s\n", "stopped by a fault", r.fault_stop.c_str());
  std::printf("  %-22s %12llu   callbacks %llu, underruns %llu\n", "IT interrupts",
              static_cast<unsigned long long>(r.it_interrupts),
              static_cast<unsigned long long>(r.it_callbacks),
              static_cast<unsigned long long>(r.underruns));
  std::printf("  %-8s %10s %12s %10s %6s %8s %8s %8s %8s\n", "listener", "received", "bytes",
              "mismatch", "lost", "faulted", "overrun", "IR int", "IR cb");
  for (const ListenerReport& l : r.listeners)
    std::printf("  %-8s %10llu %12llu %10llu %6llu %8llu %8llu %8llu %8llu\n", l.node.c_str(),
                static_cast<unsigned long long>(l.packets_received),
                static_cast<unsigned long long>(l.bytes_received),
                static_cast<unsigned long long>(l.mismatches),
                static_cast<unsigned long long>(l.packets_lost),
                static_cast<unsigned long long>(l.faulted_received + l.faulted_lost),
                static_cast<unsigned long long>(l.overruns),
                static_cast<unsigned long long>(l.ir_interrupts),
                static_cast<unsigned long long>(l.ir_callbacks));
  std::printf("  %-22s %llu clk = %.3f s of bus time in %.2f s wall: %.3f M clk/s\n", "simulated",
              static_cast<unsigned long long>(r.sim_cycles), r.bus_seconds(), r.wall_seconds,
              r.sim_hz() / 1e6);
  if (r.pin_digest)
    std::printf("  %-22s 0x%016llx over %llu clk\n", "pin digest",
                static_cast<unsigned long long>(*r.pin_digest),
                static_cast<unsigned long long>(r.pin_digest_cycles));
  if (r.protocol_violations)
    std::printf("  %-22s %llu\n", "protocol violations",
                static_cast<unsigned long long>(r.protocol_violations));
  std::printf("  %-22s %s\n", "result",
              !r.passed() ? "FAIL"
              : r.fault_stop.empty()
                  ? "PASS: every packet byte-exact"
                  : "PASS: every packet byte-exact until the fault stopped the run");
  std::fflush(stdout);
}

bool write_json(const StreamReport& r, const std::string& path) {
  nlohmann::ordered_json json;
  json["packets_sent"] = r.packets_sent;
  json["packets_received"] = r.packets_received();
  json["bytes_received"] = r.bytes_received();
  json["mismatches"] = r.mismatches();
  json["packets_lost"] = r.packets_lost();
  json["packets_faulted"] = r.packets_faulted;
  json["underruns"] = r.underruns;
  json["overruns"] = r.overruns();
  json["crc_errors"] = r.crc_errors;
  json["drops"] = r.drops;
  json["axi_errors"] = r.axi_errors;
  json["it_interrupts"] = r.it_interrupts;
  json["it_callbacks"] = r.it_callbacks;
  json["ir_interrupts"] = r.ir_interrupts();
  json["sim_cycles"] = r.sim_cycles;
  json["bus_seconds"] = r.bus_seconds();
  json["wall_seconds"] = r.wall_seconds;
  json["sim_hz"] = r.sim_hz();
  json["protocol_violations"] = r.protocol_violations;
  if (r.pin_digest) {
    char hex[19];
    std::snprintf(hex, sizeof hex, "0x%016llx", static_cast<unsigned long long>(*r.pin_digest));
    json["pin_digest"] = hex;
    json["pin_digest_cycles"] = r.pin_digest_cycles;
  }
  json["passed"] = r.passed();
  const std::string first = r.first_mismatch_text();
  json["first_mismatch"] =
      first.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(first);
  json["error"] = r.error;
  json["fault_stop"] = r.fault_stop;
  json["config"] = {{"nodes", r.nodes},
                    {"speed", r.speed},
                    {"channel", r.channel},
                    {"payload", r.payload},
                    {"packets", r.packets_requested},
                    {"batch", r.batch},
                    {"mode", r.mode},
                    {"seed", r.seed}};
  auto& listeners = json["listeners"] = nlohmann::ordered_json::array();
  for (const ListenerReport& l : r.listeners)
    listeners.push_back({{"node", l.node},
                         {"packets_received", l.packets_received},
                         {"bytes_received", l.bytes_received},
                         {"mismatches", l.mismatches},
                         {"packets_lost", l.packets_lost},
                         {"faulted_received", l.faulted_received},
                         {"faulted_lost", l.faulted_lost},
                         {"overruns", l.overruns},
                         {"ir_interrupts", l.ir_interrupts},
                         {"ir_callbacks", l.ir_callbacks}});
  std::ofstream out(path);
  if (!out) return false;
  out << json.dump(2) << '\n';
  return static_cast<bool>(out);
}

}  // namespace ohci::sim
