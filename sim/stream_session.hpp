// One ohci-sim run: the world of plan.nodes nodes on one bus, node 0 (cycle master) talking
// through the streaming API, every other node listening with a scoreboard; runs until every
// batch of the talker has had its callback, then collects the report.
#pragma once

#include "stream_options.hpp"
#include "stream_report.hpp"

namespace ohci::sim {

// Runs `plan`; throws only on a broken model contract. Progress goes to stdout unless quiet.
StreamReport run_stream(const StreamPlan& plan);

}  // namespace ohci::sim
