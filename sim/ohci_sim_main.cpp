// ohci-sim: the main job. A two-node (or larger) isochronous stream through the real RTL: node 0
// talks through the isochronous buffer-attachment API (IsochStream, batches with a callback on
// the last buffer, callbacks from its DPC via the InterruptDispatcher), every other node listens
// through the same API, the bus model joins them (with optional faults), and a scoreboard per
// listener checks every byte. With --nodes 1 the talker is alone on the bus (its packets are
// counted, nobody checks them). --event-log records every event and a digest of every pin on
// every clk, by which scripts/bench/cycle_identity.py proves two builds simulate alike. Prints
// progress and a summary, optionally a JSON report. Exit status: 0 when every packet sent and not
// deliberately faulted arrived byte-exact; 1 otherwise (the first mismatch described); 2 for bad
// options (nothing simulated).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "stream_options.hpp"
#include "stream_report.hpp"
#include "stream_session.hpp"

int main(int argc, char** argv) {
  using namespace ohci::sim;
  StreamOptions options;
  CLI::App app{"ohci-sim: an isochronous stream between OHCI nodes on a modelled 1394 bus"};
  app.add_option("--nodes", options.nodes,
                 "nodes on the bus: node 0 talks, the others listen (1: a talker alone)")
      ->capture_default_str();
  app.add_option("--speed", options.speed, "s100, s200 or s400")->capture_default_str();
  app.add_option("--channel", options.channel, "isochronous channel 0..63")->capture_default_str();
  app.add_option("--payload", options.payload, "bytes per packet: N or MIN:MAX")
      ->capture_default_str();
  app.add_option("--packets", options.packets, "packets to send")->capture_default_str();
  app.add_option("--batch", options.batch, "buffers per attach, a callback on the last")
      ->capture_default_str();
  app.add_option("--mode", options.mode, "listen mode: packet or buffer-fill")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "seed of the payload lengths and the faults")
      ->capture_default_str();
  app.add_option("--fault", options.fault,
                 "faults NAME=RATE[,...]: on the bus crc (data CRC), header-crc, data-crc, "
                 "drop; axi-error (a DMA burst answered SLVERR, on every node)");
  app.add_option("--trace", options.trace, "write an FST waveform to FILE");
  app.add_option("--trace-window", options.trace_window, "trace only cycles START:END");
  app.add_option("--json", options.json, "write the report as JSON to FILE");
  app.add_option("--event-log", options.event_log,
                 "write every event and the digest of every pin on every clk to FILE");
  app.add_flag("--quiet", options.quiet, "print only the summary");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  const PlanOrError planned = make_plan(options);
  if (!planned.plan) {
    std::cerr << "ohci-sim: " << planned.error.option << ": " << planned.error.message << '\n';
    return 2;
  }
  try {
    const StreamReport report = run_stream(*planned.plan);
    print_summary(report);
    if (!report.error.empty()) std::cerr << "ohci-sim: " << report.error << '\n';
    if (const std::string first = report.first_mismatch_text(); !first.empty())
      std::cerr << "ohci-sim: " << first << '\n';
    if (!planned.plan->json.empty() && !write_json(report, planned.plan->json)) {
      std::cerr << "ohci-sim: --json: cannot write " << planned.plan->json << '\n';
      return 1;
    }
    return report.passed() ? 0 : 1;
  } catch (const std::exception& error) {
    // A model or firmware contract broken at run time (or a trace file that cannot be opened).
    std::cerr << "ohci-sim: " << error.what() << '\n';
    return 1;
  }
}
