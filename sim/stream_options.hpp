// ohci-sim's options: what the command line asks for, checked before anything is simulated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bus.hpp"
#include "stream_mode.hpp"
#include "world.hpp"

namespace ohci::sim {

struct StreamOptions {
  unsigned nodes = 2;
  std::string speed = "s400";
  unsigned channel = 5;
  std::string payload = "64:1024";
  unsigned packets = 2000;
  unsigned batch = 8;
  std::string mode = "packet";
  std::uint64_t seed = 1;
  std::string fault;  // comma-separated name=rate
  std::string trace;
  std::string trace_window;
  std::string json;
  std::string event_log;
  bool quiet = false;
};

// The options resolved: numbers and enums instead of text.
struct StreamPlan {
  unsigned nodes = 2;
  unsigned speed_code = 2;  // 0 S100, 1 S200, 2 S400
  std::string speed_name = "s400";
  unsigned channel = 5;
  std::uint32_t payload_min = 64;
  std::uint32_t payload_max = 1024;
  unsigned packets = 2000;
  unsigned batch = 8;
  ListenMode mode = ListenMode::kPacket;
  std::uint64_t seed = 1;
  BusConfig bus;                // the faults and their seed
  double axi_error_rate = 0.0;  // per DMA burst of every node's host memory (AxiMemoryConfig)
  std::string trace;
  std::optional<TraceWindow> trace_window;
  std::string json;
  // Every event of the World's log and, last, the pin digest of every clk (World::pin_digest):
  // the record two builds are compared by to prove they simulate the same cycles.
  std::string event_log;
  bool quiet = false;
};

// Why the options cannot be run: the option and a one-line reason.
struct OptionError {
  std::string option;
  std::string message;
};

inline constexpr unsigned kMaxBatch = 1024;

// Checks `options` and resolves them; an OptionError names the first bad option.
struct PlanOrError {
  std::optional<StreamPlan> plan;
  OptionError error;
};
PlanOrError make_plan(const StreamOptions& options);

}  // namespace ohci::sim
