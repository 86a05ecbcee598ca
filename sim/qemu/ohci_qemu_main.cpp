// ohci-qemu: the remote device process of QEMU 7.2's x-pci-proxy-dev. It presents one Verilated
// ohci_core as a PCI OHCI 1394 function to the guest (ohci_pci_device.hpp), with a second
// co-simulated node running our own firmware beside it on the modelled 1394 bus
// (fwtest_peer.hpp), launches QEMU itself (or serves an inherited socket with --fd), keeps the
// guest's console, and writes a JSON report. docs/linux-bridge.md.
//
// Time: the simulation runs freely, in batches of kBatchCycles clk, between the proxy's
// messages; each message is handled at a batch boundary, and a register access then costs its
// real clk cycles. Simulated time is cycles / 49.152 MHz; guest time is QEMU's (TCG) clock.
#include <poll.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>

#include "Vohci_core.h"
#include "fwtest_peer.hpp"
#include "guest_memory.hpp"
#include "ieee1394_packet.hpp"
#include "mpqemu.hpp"
#include "ohci/regmap.hpp"
#include "ohci_pci_device.hpp"
#include "qemu_process.hpp"
#include "world.hpp"

namespace {

using namespace ohci;
using namespace ohci::sim;
using namespace ohci::sim::qemu;

constexpr std::uint64_t kBatchCycles = 256;
constexpr std::size_t kGuestNode = 0, kPeerNode = 1;

volatile std::sig_atomic_t g_signal = 0;  // the one global: a signal handler's flag
extern "C" void on_signal(int number) {
  g_signal = number;
}

struct Options {
  std::string kernel, initrd, append, qemu = "qemu-system-x86_64";
  unsigned memory_mib = 512;
  std::string guid = "0x0011223344556677";
  std::string console_log, report;
  double timeout = 600;
  int fd = -1;
  unsigned gap_count = 63;
  std::string trace;
  bool quiet = false;
};

// The guest's console: kept in a file, echoed, and read for the guest's uptime and power-off.
class Console {
 public:
  Console(const std::string& path, bool echo) : echo_(echo) {
    if (!path.empty()) file_.open(path, std::ios::trunc);
  }
  bool ok() const { return !file_.fail(); }
  void add(const std::string& text) {
    if (file_.is_open()) file_ << text << std::flush;
    if (echo_) std::cout << text << std::flush;
    line_ += text;
    std::size_t end;
    while ((end = line_.find('\n')) != std::string::npos) {
      scan(line_.substr(0, end));
      line_.erase(0, end + 1);
    }
  }
  bool powered_off() const { return powered_off_; }
  std::optional<double> guest_seconds() const { return guest_seconds_; }

 private:
  void scan(const std::string& line) {
    if (line.find("reboot: Power down") != std::string::npos) powered_off_ = true;
    static const std::regex uptime("FWTEST .*uptime=([0-9.]+)");
    std::smatch match;
    if (std::regex_search(line, match, uptime)) guest_seconds_ = std::stod(match[1].str());
  }
  std::ofstream file_;
  bool echo_;
  std::string line_;
  bool powered_off_ = false;
  std::optional<double> guest_seconds_;
};

int run(const Options& options) {
  std::uint64_t guid = 0;
  try {
    guid = std::stoull(options.guid, nullptr, 16);
  } catch (const std::exception&) {
    std::cerr << "ohci-qemu: --guid: not a hexadecimal number: " << options.guid << "\n";
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  const auto wall = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  // The bus: the guest's controller is node 0 (the root), the peer node 1.
  GuestMemory guest_memory;  // (before the World: the guest node's DMA port refers to it)
  World world;
  NodeConfig guest_config;
  guest_config.dma_memory = &guest_memory;
  guest_config.memory_size = 64u << 10;  // (its own memory is unused: the DMA goes to the guest)
  guest_config.phy.gap_count = options.gap_count;
  NodeConfig peer_config;
  peer_config.memory_size = static_cast<std::uint32_t>(FwtestPeer::memory_needed());
  peer_config.phy.gap_count = options.gap_count;
  Node& guest_node = world.add_node("guest", guest_config);
  Node& peer_node = world.add_node("peer", peer_config);
  if (!options.trace.empty()) world.open_trace(options.trace);
  world.reset();
  OhciPciDevice device(world, guest_node, guest_memory);
  // Platform firmware: program the GUID (write-once, decision 37) and find the context counts.
  device.write_register(regs::kGuidHi, static_cast<std::uint32_t>(guid >> 32));
  device.write_register(regs::kGuidLo, static_cast<std::uint32_t>(guid));
  device.write_register(regs::kIsoXmitIntMaskSet, 0xFFFF'FFFFu);
  const std::uint32_t it_mask = device.read_register(regs::kIsoXmitIntMaskSet);
  device.write_register(regs::kIsoXmitIntMaskClear, 0xFFFF'FFFFu);
  device.write_register(regs::kIsoRecvIntMaskSet, 0xFFFF'FFFFu);
  const std::uint32_t ir_mask = device.read_register(regs::kIsoRecvIntMaskSet);
  device.write_register(regs::kIsoRecvIntMaskClear, 0xFFFF'FFFFu);

  FwtestPeer peer(world, peer_node);
  if (std::string why = peer.start(); !why.empty()) {
    std::cerr << "ohci-qemu: " << why << "\n";
    return 1;
  }
  std::uint64_t bus_packets = 0;
  world.bus().set_on_packet([&](const BusPacket& packet) {
    ++bus_packets;
    if (packet.sender == kPeerNode && tcode_of(packet.bytes) == kTcodeIsochronous)
      peer.count_sent();
  });

  Console console(options.console_log, !options.quiet);
  if (!console.ok()) {
    std::cerr << "ohci-qemu: --console-log: cannot write " << options.console_log << "\n";
    return 2;
  }
  std::unique_ptr<QemuProcess> qemu_process;
  std::unique_ptr<Channel> channel;
  if (options.fd >= 0) {
    channel = std::make_unique<Channel>(UniqueFd(options.fd));
  } else {
    QemuOptions q{options.qemu, options.kernel, options.initrd, options.append, options.memory_mib};
    qemu_process = std::make_unique<QemuProcess>(q);
    channel = std::make_unique<Channel>(qemu_process->take_socket());
  }

  std::string exit_reason;
  std::optional<double> boot_seconds;
  bool console_eof = qemu_process == nullptr;
  try {
    while (exit_reason.empty()) {
      if (g_signal != 0) {
        exit_reason = "signal";
        break;
      }
      if (wall() > options.timeout) {
        exit_reason = "timeout";
        break;
      }
      pollfd fds[2] = {{channel->fd(), POLLIN, 0},
                       {console_eof ? -1 : qemu_process->console_fd(), POLLIN, 0}};
      if (::poll(fds, 2, 0) < 0 && errno != EINTR) throw ProtocolError("poll failed");
      if (fds[1].revents != 0) {
        bool eof = false;
        console.add(qemu_process->read_console(eof));
        console_eof = eof;
      }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        Message message = channel->receive();
        const Command command = message.command;
        const auto reply = device.handle(std::move(message));
        if ((command == Command::BarRead || command == Command::BarWrite) && !boot_seconds)
          boot_seconds = wall();
        if (reply) channel->send_ret(*reply);
      } else {
        world.run(kBatchCycles);
      }
      device.service_irq();
      // Bound what the records keep: only counts are needed.
      world.bus().clear_packets();
      guest_node.phy().clear_packets();
      peer_node.phy().clear_packets();
      world.log().clear();
      if (qemu_process && qemu_process->poll_exit()) break;
    }
  } catch (const ConnectionClosed&) {
    // QEMU went away; its exit status says how
  } catch (const std::exception& error) {
    exit_reason = std::string("error: ") + error.what();
  }
  if (qemu_process) {
    // the rest of the console, then QEMU's end
    for (int i = 0; i < 50 && !qemu_process->poll_exit(); ++i) {
      bool eof = false;
      console.add(qemu_process->read_console(eof));
      ::usleep(20000);
    }
    bool eof = false;
    console.add(qemu_process->read_console(eof));
    if (!exit_reason.empty()) qemu_process->kill();
    const auto status = qemu_process->poll_exit();
    if (exit_reason.empty()) {
      if (console.powered_off() && status && *status == 0)
        exit_reason = "guest powered off";
      else
        exit_reason = "error: QEMU exited with status " +
                      (status ? std::to_string(*status) : std::string("?")) +
                      (console.powered_off() ? "" : " before the guest powered off");
    }
  } else if (exit_reason.empty()) {
    exit_reason = "guest powered off";  // (--fd: the proxy closed the socket)
  }
  peer.finish();
  world.close_trace();

  const DeviceCounters& counters = device.counters();
  char guid_text[17];
  std::snprintf(guid_text, sizeof guid_text, "%016llx", static_cast<unsigned long long>(guid));
  nlohmann::json report;
  report["exit"] = exit_reason;
  report["wall_seconds"] = wall();
  report["boot_seconds"] = boot_seconds ? nlohmann::json(*boot_seconds) : nlohmann::json();
  report["guid"] = guid_text;
  report["contexts"] = {{"it", __builtin_popcount(it_mask)}, {"ir", __builtin_popcount(ir_mask)}};
  report["mmio"] = {{"reads", counters.bar_reads},
                    {"writes", counters.bar_writes},
                    {"config_reads", counters.config_reads},
                    {"config_writes", counters.config_writes},
                    {"outside_window", counters.outside_window},
                    {"register_timeouts", counters.register_timeouts}};
  report["irq_raises"] = counters.irq_raises;
  report["dma"] = {{"read_bursts", guest_node.dma_port().read_bursts()},
                   {"write_bursts", guest_node.dma_port().write_bursts()},
                   {"decerr", guest_node.dma_port().decode_errors()}};
  report["sim_cycles"] = world.cycle();
  report["sim_seconds"] = static_cast<double>(world.cycle()) / World::kClkHz;
  report["guest_seconds"] =
      console.guest_seconds() ? nlohmann::json(*console.guest_seconds()) : nlohmann::json();
  report["sysmem_updates"] = counters.sysmem_updates;
  report["bus"] = {{"packets", bus_packets},
                   {"bus_resets", world.bus().stats().bus_resets},
                   {"self_id_packets", world.bus().stats().self_id_packets}};
  nlohmann::json list = nlohmann::json::array();
  for (const PeerPacket& packet : peer.received())
    list.push_back({{"seq", packet.seq}, {"cycle", packet.cycle}, {"length", packet.length}});
  report["peer_rx"] = {
      {"channel", FWTEST_IT_CHANNEL},
      {"packets", peer.received().size()},
      {"bytes", peer.bytes_received()},
      {"mismatches", peer.mismatches()},
      {"first_mismatch",
       peer.first_mismatch() ? nlohmann::json(*peer.first_mismatch()) : nlohmann::json()},
      {"packets_list", list}};
  report["peer_tx"] = {{"channel", FWTEST_IR_CHANNEL}, {"packets", peer.sent()}};
  report["peer_error"] = peer.error();
  report["protocol_violations"] =
      guest_node.phy().violations().size() + guest_node.dma_port().violations().size() +
      peer_node.phy().violations().size() + peer_node.dma_port().violations().size();
  if (!options.report.empty()) {
    std::ofstream out(options.report, std::ios::trunc);
    out << report.dump(2) << "\n";
    if (!out) std::cerr << "ohci-qemu: --report: cannot write " << options.report << "\n";
  }
  std::cerr << "ohci-qemu: " << exit_reason << "; " << counters.bar_reads << " MMIO reads, "
            << counters.bar_writes << " writes; " << world.cycle() << " clk ("
            << report["sim_seconds"].get<double>() << " s simulated) in " << wall()
            << " s; peer received " << peer.received().size() << " packets (" << peer.mismatches()
            << " mismatches), sent " << peer.sent() << "\n";
  return exit_reason == "guest powered off" ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"ohci-qemu: the Verilated OHCI controller as a PCI card of a QEMU guest"};
  app.add_option("--kernel", options.kernel, "the guest's kernel (bzImage)");
  app.add_option("--initrd", options.initrd, "the guest's initramfs");
  app.add_option("--append", options.append, "kernel command line after console=ttyS0 irqpoll");
  app.add_option("--qemu", options.qemu, "the QEMU binary")->capture_default_str();
  app.add_option("--memory", options.memory_mib, "guest RAM in MiB")
      ->check(CLI::Range(64u, 3072u))
      ->capture_default_str();
  app.add_option("--guid", options.guid, "the controller's GUID (hex)")->capture_default_str();
  app.add_option("--console-log", options.console_log, "write the guest's console here");
  app.add_option("--report", options.report, "write the JSON report here");
  app.add_option("--timeout", options.timeout, "wall-clock seconds before QEMU is stopped")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--fd", options.fd, "serve this inherited socket instead of launching QEMU")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--gap-count", options.gap_count, "the PHYs' power-on gap count")
      ->check(CLI::Range(0u, 63u))
      ->capture_default_str();
  app.add_option("--trace", options.trace, "FST waveform of the whole run (large!)");
  app.add_flag("--quiet", options.quiet, "do not echo the guest's console");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    std::cerr << "ohci-qemu: " << error.what() << "\n";
    return 2;
  }
  if (options.fd < 0 && (options.kernel.empty() || options.initrd.empty())) {
    std::cerr << "ohci-qemu: --kernel and --initrd are needed (or --fd to serve a socket)\n";
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return run(options);
  } catch (const std::exception& error) {
    std::cerr << "ohci-qemu: " << error.what() << "\n";
    return 1;
  }
}
