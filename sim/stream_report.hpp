// What an ohci-sim run found: the counts of the summary table and of --json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stream_scoreboard.hpp"

namespace ohci::sim {

struct ListenerReport {
  std::string node;
  std::uint64_t packets_received = 0;  // byte-exact
  std::uint64_t bytes_received = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t packets_lost = 0;      // sent clean, never received
  std::uint64_t faulted_received = 0;  // corrupted by the bus, arrived marked bad
  std::uint64_t faulted_lost = 0;      // dropped or corrupted by the bus, not received
  std::uint64_t overruns = 0;          // evt_overrun packets + the context's DroppedPackets
  std::uint64_t ir_interrupts = 0;
  std::uint64_t ir_callbacks = 0;
  std::optional<Mismatch> first_mismatch;
};

struct StreamReport {
  std::string speed;
  unsigned nodes = 0;
  unsigned channel = 0;
  std::string payload;
  unsigned batch = 0;
  std::string mode;
  std::uint64_t seed = 0;
  std::uint64_t packets_requested = 0;
  std::uint64_t packets_sent = 0;  // talker packets on the bus, dropped ones included
  std::uint64_t packets_faulted = 0;
  std::uint64_t crc_errors = 0;  // header and data CRC faults the bus injected
  std::uint64_t drops = 0;
  std::uint64_t axi_errors = 0;  // DMA bursts the host memories failed on purpose (--fault)
  std::uint64_t underruns = 0;   // the talker's run-outs
  std::uint64_t it_interrupts = 0;
  std::uint64_t it_callbacks = 0;
  std::uint64_t sim_cycles = 0;
  double wall_seconds = 0.0;
  std::uint64_t protocol_violations = 0;  // PHY-link and AXI, every node
  // With --event-log: World::pin_digest over pin_digest_cycles clk (JSON pin_digest, in hex).
  std::optional<std::uint64_t> pin_digest;
  std::uint64_t pin_digest_cycles = 0;
  std::vector<ListenerReport> listeners;
  std::string error;  // a driver or firmware failure, or empty
  // Why the run ended before every packet was sent, when an injected AXI error killed a DMA
  // context (the driver failed that stream's buffers, as a dead context requires), or empty.
  std::string fault_stop;

  // Over every listener.
  std::uint64_t packets_received() const;
  std::uint64_t bytes_received() const;
  std::uint64_t mismatches() const;
  std::uint64_t packets_lost() const;
  std::uint64_t overruns() const;
  std::uint64_t ir_interrupts() const;
  double bus_seconds() const;
  double sim_hz() const;
  // Every packet sent and not deliberately faulted arrived byte-exact at every listener (all
  // packets were sent, or an injected fault stopped the run). A talker alone (one node) passes
  // when it sent every packet.
  bool passed() const;
  // The first mismatch of any listener, described on one line (empty if none).
  std::string first_mismatch_text() const;
};

void print_summary(const StreamReport& report);
// The JSON object of --json; false if the file cannot be written.
bool write_json(const StreamReport& report, const std::string& path);

}  // namespace ohci::sim
