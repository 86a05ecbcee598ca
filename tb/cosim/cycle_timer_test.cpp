// The cycle timer and its events (reference/ohci-isoch.md 1.2, 4.1): cycleOffset counts
// SCLK/2, 3072 per cycle, so a cycle is 6144 clk.
#include "cosim_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using CycleTimer = CosimTest;

TEST_F(CycleTimer, CycleSynchInterruptsAre6144ClkApartAndTheIsrSeesTheNewCycle) {
  bring_up(regs::int_mask::kCycleSynch.mask());
  set_cycle_timer(5, 100, 3000);
  struct Seen {
    std::uint64_t edge;
    fw::CycleTime time;
  };
  std::vector<Seen> seen;
  hal_.attach_interrupt([&] {
    auto events = controller_.read_and_clear_events();
    ASSERT_TRUE(events.ok());
    if (events.value().has(regs::int_event::kCycleSynch))
      seen.push_back({world_.cycle(), controller_.read_cycle_timer()});
  });
  ASSERT_TRUE(world_.run_until([&] { return seen.size() >= 6; }, 7 * kClkPerCycle));

  const auto raised = world_.log().cycles_of("node0", sim::EventKind::IrqRaised);
  ASSERT_GE(raised.size(), 6u);
  for (std::size_t i = 1; i < 6; ++i) EXPECT_EQ(raised[i] - raised[i - 1], kClkPerCycle) << i;
  for (std::size_t i = 0; i < 6; ++i) {
    // The timer was loaded at cycle 100, so the i-th cycleSynch opens cycle 101 + i.
    EXPECT_EQ(seen[i].time.count, 101u + i);
    EXPECT_EQ(seen[i].time.seconds, 5u);
    // The ISR reads IntEventClear, writes it back, then reads the timer: 3 accesses of 3 clk
    // after the edge irq rose (which is 2 edges after the wrap: event, then irq register), so
    // fewer than 16 clk = 8 offsets into the cycle.
    EXPECT_LT(seen[i].time.offset, 8u);
  }
}

TEST_F(CycleTimer, Cycle64SecondsFiresWhenBit6OfSecondsChanges) {
  bring_up(regs::int_mask::kCycle64Seconds.mask());
  set_cycle_timer(63, 7999, 3060);  // 12 offsets = 24 clk before second 64
  world_.run(200);
  EXPECT_NE(hal_.read32(regs::kIntEventSet) & regs::int_event::kCycle64Seconds.mask(), 0u);
  const fw::CycleTime now = controller_.read_cycle_timer();
  EXPECT_EQ(now.seconds, 64u);
  EXPECT_EQ(now.count, 0u);
}

TEST_F(CycleTimer, ReadsAreAtomicAcrossAWrap) {
  // Reads every register-access period around a second wrap: each value is a valid time and
  // time never runs backwards (no torn seconds/count/offset).
  bring_up();
  set_cycle_timer(127, 7999, 3000);
  std::uint64_t previous = 0;
  for (int i = 0; i < 100; ++i) {
    const fw::CycleTime now = controller_.read_cycle_timer();
    ASSERT_LT(now.offset, 3072u);
    ASSERT_LT(now.count, 8000u);
    // Time in offsets since second 0 of a 128 s epoch, unwrapped once.
    std::uint64_t ticks = (std::uint64_t{now.seconds} * 8000 + now.count) * 3072 + now.offset;
    if (now.seconds < 64) ticks += 128ull * 8000 * 3072;
    EXPECT_GE(ticks, previous) << i;
    previous = ticks;
  }
}

}  // namespace
}  // namespace ohci::tb
