// Isochronous receive end to end: node 0's IT context streams over the modelled bus into
// node 1's IR context, packet-per-buffer with isochHeader (reference/ohci-isoch.md 2.3, 3.3).
#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>

#include "stream_harness.hpp"

namespace ohci::tb {
namespace {

using regs::DescInterrupt;
using regs::EventCode;
using regs::Speed;

class IrReceive : public BusTest {};

TEST_F(IrReceive, OneSecondAtS400ArrivesByteExactWithTheTransmitCycleAsTimeStamp) {
  constexpr unsigned kPackets = 8000;
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 5, .sy = 3};
  bring_up_all();
  Talker talker(*this, 0, 0, header);
  Listener listener(*this, 1, 0);
  fw::IrStartOptions options;
  options.channel = header.channel;
  listener.start(options);
  talker.start(kPackets);

  const auto wall_start = std::chrono::steady_clock::now();
  const std::uint64_t first_cycle = world_.cycle();
  // A packet a cycle: both sides are serviced twice a cycle, well within their 16 slots.
  EXPECT_TRUE(stream_checked(*this, talker, listener, kPackets, kPackets + 16));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  EXPECT_EQ(talker.sent(), kPackets);
  EXPECT_EQ(listener.received(), kPackets);
  const std::uint64_t clk = world_.cycle() - first_cycle;
  std::cout << "[ sim rate ] " << clk << " clk (2 nodes) in " << wall
            << " s = " << static_cast<double>(clk) / wall / 1e6 << " M clk/s\n";
  RecordProperty("sim_clk_per_second",
                 std::to_string(static_cast<std::uint64_t>(static_cast<double>(clk) / wall)));
}

}  // namespace
}  // namespace ohci::tb
