// ohci-sim: the main job. For now (the transmit slice) one node streams isochronous packets
// from an IT context through the real RTL onto the PHY-link pins; the program prints every
// packet that went on the wire, checks each one byte for byte against what the firmware queued,
// and reports the simulated clock rate. Exit status 0 only if every packet arrived intact.
#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "Vohci_core.h"
#include "cosim_hal.hpp"
#include "ieee1394_packet.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/it_block.hpp"
#include "ohci/it_context.hpp"
#include "world.hpp"

namespace {

using namespace ohci;

struct Options {
  unsigned packets = 16;
  std::string speed = "s400";
  unsigned channel = 5;
  unsigned payload = 256;
  std::string trace;
  std::string trace_window;
  bool quiet = false;
};

constexpr std::uint64_t kClkPerCycle = 6144;

std::uint8_t payload_byte(unsigned packet, std::size_t index) {
  return static_cast<std::uint8_t>(packet * 131u + index * 7u + 3u);
}

// Parses "START:END" (cycles, END inclusive); nullopt if malformed.
std::optional<sim::TraceWindow> parse_window(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    std::size_t used = 0;
    sim::TraceWindow window;
    window.first_cycle = std::stoull(text.substr(0, colon), &used);
    if (used != colon) return std::nullopt;
    const std::string end = text.substr(colon + 1);
    window.last_cycle = std::stoull(end, &used);
    if (used != end.size() || window.last_cycle < window.first_cycle) return std::nullopt;
    return window;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int fail_option(const std::string& option, const std::string& why) {
  std::cerr << "ohci-sim: " << option << ": " << why << '\n';
  return 2;
}

int run(const Options& options) {
  const regs::Speed speed = options.speed == "s100"   ? regs::Speed::kS100
                            : options.speed == "s200" ? regs::Speed::kS200
                                                      : regs::Speed::kS400;
  if (options.speed != "s100" && options.speed != "s200" && options.speed != "s400")
    return fail_option("--speed", "must be s100, s200 or s400");
  const std::uint32_t max_payload = 1024u << static_cast<unsigned>(speed);
  if (options.payload > max_payload)
    return fail_option("--payload", std::to_string(options.payload) + " bytes exceeds the " +
                                        std::to_string(max_payload) + "-byte maximum at " +
                                        options.speed);
  if (options.channel > 63) return fail_option("--channel", "must be 0..63");
  if (options.packets == 0) return fail_option("--packets", "must be at least 1");
  std::optional<sim::TraceWindow> window;
  if (!options.trace_window.empty()) {
    window = parse_window(options.trace_window);
    if (!window) return fail_option("--trace-window", "expected START:END cycles, START <= END");
    if (options.trace.empty()) return fail_option("--trace-window", "needs --trace FILE");
  }
  const std::uint64_t stride = (options.payload + 15u) & ~15u;
  const std::uint64_t memory_needed = options.packets * (64 + stride) + (1u << 16);
  if (memory_needed > (1ull << 30))
    return fail_option("--packets", "packets x payload needs more than 1 GiB of host memory");

  sim::World world;
  sim::NodeConfig config;
  config.memory_size = static_cast<std::uint32_t>(std::max<std::uint64_t>(memory_needed, 1u << 20));
  sim::Node& node = world.add_node("node0", config);
  sim::CosimHal hal(world, node);
  if (!options.trace.empty()) {
    try {
      world.open_trace(options.trace, window.value_or(sim::TraceWindow{}));
    } catch (const std::exception& error) {
      return fail_option("--trace", error.what());
    }
  }
  world.reset();

  fw::Controller controller(hal);
  if (auto up = controller.bring_up({.cycle_master = true, .interrupts = 0}); !up.ok()) {
    std::cerr << "ohci-sim: controller bring-up failed: " << fw::to_string(up.status()) << '\n';
    return 1;
  }
  // Start a few offsets before a cycle boundary rather than a whole cycle away.
  hal.write32(regs::kIsochronousCycleTimer, 3000);

  auto program = fw::DmaBuffer::allocate(hal, options.packets * 48u, 16);
  auto payload =
      fw::DmaBuffer::allocate(hal, std::max<std::uint64_t>(options.packets * stride, 16),
                              16);  // header-only packets need none, but a buffer is never empty
  if (!program.ok() || !payload.ok()) {
    std::cerr << "ohci-sim: out of host memory for the program\n";
    return 1;
  }
  const fw::IsoHeader header{speed, 1, options.channel, 0};
  std::vector<fw::ItBlock> blocks(options.packets);
  fw::BlockRef next = fw::BlockRef::end();
  for (unsigned k = options.packets; k-- > 0;) {
    for (std::size_t i = 0; i < options.payload; ++i)
      payload.value().bytes()[k * stride + i] = std::byte{payload_byte(k, i)};
    std::array<fw::PayloadPiece, 1> piece{fw::PayloadPiece{
        payload.value().bus_address() + static_cast<std::uint32_t>(k * stride), options.payload}};
    fw::ItPacket packet{header,
                        std::span<const fw::PayloadPiece>(piece.data(), options.payload ? 1u : 0u)};
    auto block = fw::write_packet_block(program.value(), k * 48u, packet, next);
    if (!block.ok()) {
      std::cerr << "ohci-sim: cannot build block " << k << ": " << fw::to_string(block.status())
                << '\n';
      return 1;
    }
    blocks[k] = block.value();
    next = blocks[k].ref;
  }
  auto context = fw::ItContext::open(hal, 0);
  if (!context.ok() || context.value().start(blocks[0]) != fw::Status::Success) {
    std::cerr << "ohci-sim: cannot start IT context 0\n";
    return 1;
  }

  unsigned seen = 0, mismatches = 0;
  std::uint32_t cycle = 0;
  std::size_t next_wire = 0;
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t first_cycle = world.cycle();
  const std::uint64_t budget = (options.packets + 4ull) * kClkPerCycle;
  if (!options.quiet)
    std::printf("%-10s %-8s %4s %4s %3s %6s  %s\n", "clk", "cycle", "chan", "tag", "sy", "bytes",
                "check");
  while (seen < options.packets && world.cycle() - first_cycle < budget) {
    world.step();
    const auto& wire = node.phy().packets();
    for (; next_wire < wire.size(); ++next_wire) {
      const auto& packet = wire[next_wire];
      if (sim::tcode_of(packet.bytes) == 0x8) {
        const auto start = sim::parse_cycle_start(packet.bytes);
        cycle = start.cycle_time >> 12;
        continue;
      }
      const auto iso = sim::parse_iso_packet(packet.bytes);
      bool intact = iso.error.empty() && iso.header_crc_ok && iso.data_crc_ok &&
                    iso.data_length == options.payload && iso.channel == options.channel;
      for (std::size_t i = 0; intact && i < iso.payload.size(); ++i)
        intact = iso.payload[i] == payload_byte(seen, i);
      mismatches += intact ? 0 : 1;
      if (!options.quiet)
        std::printf("%-10llu %3u.%-4u %4u %4u %3u %6u  %s\n",
                    static_cast<unsigned long long>(packet.first_data_cycle), cycle >> 13,
                    cycle & 0x1FFF, iso.channel, iso.tag, iso.sy, iso.data_length,
                    intact ? "ok" : "MISMATCH");
      ++seen;
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::uint64_t cycles = world.cycle() - first_cycle;
  world.close_trace();
  std::printf(
      "\npackets sent %u of %u, mismatches %u, PHY-link violations %zu, AXI violations %zu\n", seen,
      options.packets, mismatches, node.phy().violations().size(),
      node.dma_port().violations().size());
  std::printf("simulated %llu clk (%.3f ms of bus time) in %.3f s: %.2f M clk/s\n",
              static_cast<unsigned long long>(cycles),
              static_cast<double>(cycles) / sim::World::kClkHz * 1e3, wall,
              wall > 0 ? static_cast<double>(cycles) / wall / 1e6 : 0.0);
  const bool ok = seen == options.packets && mismatches == 0 && node.phy().violations().empty() &&
                  node.dma_port().violations().empty();
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"ohci-sim: isochronous transmit through the OHCI RTL, checked on the wire"};
  app.add_option("--packets", options.packets, "packets to send")->capture_default_str();
  app.add_option("--speed", options.speed, "s100, s200 or s400")->capture_default_str();
  app.add_option("--channel", options.channel, "isochronous channel 0..63")->capture_default_str();
  app.add_option("--payload", options.payload, "bytes per packet")->capture_default_str();
  app.add_option("--trace", options.trace, "write an FST waveform to FILE");
  app.add_option("--trace-window", options.trace_window, "trace only cycles START:END");
  app.add_flag("--quiet", options.quiet, "print only the summary");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  try {
    return run(options);
  } catch (const std::exception& error) {
    // A model or firmware contract broken at run time: say what, never abort.
    std::cerr << "ohci-sim: " << error.what() << '\n';
    return 1;
  }
}
