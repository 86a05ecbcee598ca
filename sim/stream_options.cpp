#include "stream_options.hpp"

#include <exception>
#include <sstream>
#include <vector>

namespace ohci::sim {
namespace {

std::optional<std::uint64_t> parse_unsigned(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<double> parse_rate(const std::string& text) {
  try {
    std::size_t used = 0;
    const double rate = std::stod(text, &used);
    if (used != text.size() || !(rate >= 0.0 && rate <= 1.0)) return std::nullopt;
    return rate;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// "START:END" in cycles, END inclusive.
std::optional<TraceWindow> parse_window(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto first = parse_unsigned(text.substr(0, colon));
  const auto last = parse_unsigned(text.substr(colon + 1));
  if (!first || !last || *last < *first) return std::nullopt;
  return TraceWindow{*first, *last};
}

// "crc=0.01,drop=0.001,axi-error=0.0001": an empty string on success, else the bad item.
std::string parse_faults(const std::string& text, BusConfig& bus, double& axi_error_rate) {
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (item.empty()) continue;
    const auto equals = item.find('=');
    if (equals == std::string::npos) return "expected NAME=RATE, got '" + item + "'";
    const std::string name = item.substr(0, equals);
    const auto rate = parse_rate(item.substr(equals + 1));
    if (!rate) return "rate of '" + name + "' must be a number in [0, 1]";
    if (name == "crc") {
      bus.data_crc_rate = *rate;
    } else if (name == "header-crc") {
      bus.header_crc_rate = *rate;
    } else if (name == "data-crc") {
      bus.data_crc_rate = *rate;
    } else if (name == "drop") {
      bus.drop_rate = *rate;
    } else if (name == "axi-error") {
      axi_error_rate = *rate;
    } else {
      return "unknown fault '" + name + "' (known: crc, header-crc, data-crc, drop, axi-error)";
    }
  }
  return {};
}

}  // namespace

PlanOrError make_plan(const StreamOptions& options) {
  auto fail = [](std::string option, std::string message) {
    return PlanOrError{std::nullopt, OptionError{std::move(option), std::move(message)}};
  };
  StreamPlan plan;
  if (options.nodes < 1 || options.nodes > 63)
    return fail("--nodes", "must be 1..63 (one talker, the rest listen; 1: a talker alone)");
  plan.nodes = options.nodes;
  if (options.speed == "s100") {
    plan.speed_code = 0;
  } else if (options.speed == "s200") {
    plan.speed_code = 1;
  } else if (options.speed == "s400") {
    plan.speed_code = 2;
  } else {
    return fail("--speed", "must be s100, s200 or s400, not '" + options.speed + "'");
  }
  plan.speed_name = options.speed;
  if (options.channel > 63) return fail("--channel", "must be 0..63");
  plan.channel = options.channel;

  const std::uint32_t max_payload = 1024u << plan.speed_code;
  const auto colon = options.payload.find(':');
  const auto low = parse_unsigned(options.payload.substr(0, colon));
  const auto high =
      colon == std::string::npos ? low : parse_unsigned(options.payload.substr(colon + 1));
  if (!low || !high || *high < *low)
    return fail("--payload",
                "expected BYTES or MIN:MAX with MIN <= MAX, not '" + options.payload + "'");
  if (*low < 1) return fail("--payload", "packets carry at least 1 byte");
  if (*high > max_payload)
    return fail("--payload", std::to_string(*high) + " bytes exceeds the " +
                                 std::to_string(max_payload) + "-byte maximum at " + options.speed);
  plan.payload_min = static_cast<std::uint32_t>(*low);
  plan.payload_max = static_cast<std::uint32_t>(*high);

  if (options.packets == 0) return fail("--packets", "must be at least 1");
  plan.packets = options.packets;
  if (options.batch == 0 || options.batch > kMaxBatch)
    return fail("--batch", "must be 1.." + std::to_string(kMaxBatch) + " buffers per attach");
  plan.batch = options.batch;
  if (options.mode == "packet") {
    plan.mode = ListenMode::kPacket;
  } else if (options.mode == "buffer-fill") {
    plan.mode = ListenMode::kBufferFill;
  } else {
    return fail("--mode", "must be packet or buffer-fill, not '" + options.mode + "'");
  }
  plan.seed = options.seed;
  plan.bus.seed = options.seed;
  if (const std::string why = parse_faults(options.fault, plan.bus, plan.axi_error_rate);
      !why.empty())
    return fail("--fault", why);
  plan.trace = options.trace;
  if (!options.trace_window.empty()) {
    plan.trace_window = parse_window(options.trace_window);
    if (!plan.trace_window)
      return fail("--trace-window", "expected START:END cycles, START <= END");
    if (options.trace.empty()) return fail("--trace-window", "needs --trace FILE");
  }
  plan.json = options.json;
  plan.event_log = options.event_log;
  plan.quiet = options.quiet;
  return PlanOrError{plan, {}};
}

}  // namespace ohci::sim
