// How the co-simulation delivers the interrupt line to firmware (sim/node.hpp): at the first
// edge irq is seen high plus the modelled latency, between register accesses, never nested, and
// with every access keeping its own result and every event its own cycle.
#include <algorithm>

#include "cosim_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using InterruptDelivery = CosimTest;

TEST_F(InterruptDelivery, MainLineReadKeepsItsOwnResultWhenAnIsrFollowsIt) {
  bring_up(regs::int_mask::kCycleSynch.mask());
  set_cycle_timer(0, 0, 3000);
  int isr_runs = 0;
  hal_.attach_interrupt([&] {
    ++isr_runs;
    ASSERT_TRUE(controller_.read_and_clear_events().ok());
    (void)controller_.read_node_id();  // the ISR's last access reads something else
  });
  // Back-to-back Version reads (3 clk each): some complete in the very edge the ISR becomes
  // deliverable. cycleSynch comes 144 clk after the timer write, then every 6144 clk, so three
  // of them need about 12 432 / 3 reads.
  for (int i = 0; i < 5000 && isr_runs < 3; ++i) {
    ASSERT_EQ(hal_.read32(regs::kVersion), 0x0001'0010u) << "read " << i;
  }
  EXPECT_EQ(isr_runs, 3);
}

TEST_F(InterruptDelivery, RunAdvancesExactlyTheRequestedCyclesEvenWhenAnIsrRuns) {
  bring_up(regs::int_mask::kCycleSynch.mask());
  set_cycle_timer(0, 0, 3000);
  hal_.attach_interrupt([&] { ASSERT_TRUE(controller_.read_and_clear_events().ok()); });
  const std::uint64_t start = world_.cycle();
  world_.run(1000);  // the cycle start 144 clk from now raises cycleSynch
  EXPECT_EQ(world_.cycle() - start, 1000u);
  EXPECT_EQ(world_.log().cycles_of("node0", sim::EventKind::IsrEntered).size(), 1u);
}

TEST_F(InterruptDelivery, IsrReturnedCarriesTheCycleTheIsrReturnedIn) {
  bring_up(regs::int_mask::kCycleSynch.mask());
  set_cycle_timer(0, 0, 3000);
  // read IntEventClear, write it back: two accesses of kRegisterAccessCycles each.
  hal_.attach_interrupt([&] { ASSERT_TRUE(controller_.read_and_clear_events().ok()); });
  world_.run(500);
  const auto entered = world_.log().cycles_of("node0", sim::EventKind::IsrEntered);
  const auto returned = world_.log().cycles_of("node0", sim::EventKind::IsrReturned);
  ASSERT_EQ(entered.size(), 1u);
  ASSERT_EQ(returned.size(), 1u);
  EXPECT_EQ(returned[0] - entered[0], 2 * kRegisterAccessCycles);
}

class InterruptDeliveryWithLatency : public CosimTest {
 protected:
  static sim::NodeConfig with_latency() {
    sim::NodeConfig config;
    config.interrupt_latency_cycles = 49;  // about 1 us of interrupt entry
    return config;
  }
  InterruptDeliveryWithLatency() : CosimTest(with_latency()) {}
};

TEST_F(InterruptDeliveryWithLatency, IsrEntersTheLatencyAfterIrqRisesAndAgainIfLeftPending) {
  bring_up(1u << 29);  // softInterrupt
  int runs = 0;
  hal_.attach_interrupt([&] { ++runs; });  // returns at once without clearing the event
  hal_.write32(regs::kIntEventSet, 1u << 29);
  world_.run(200);
  const auto raised = world_.log().cycles_of("node0", sim::EventKind::IrqRaised);
  const auto entered = world_.log().cycles_of("node0", sim::EventKind::IsrEntered);
  ASSERT_EQ(raised.size(), 1u);
  ASSERT_GE(entered.size(), 3u);
  EXPECT_EQ(entered[0], raised[0] + 49);
  // The ISR made no access, so it returned in the edge it entered; still pending, the line is
  // taken again 49 edges later, every time.
  for (std::size_t i = 1; i < entered.size(); ++i) EXPECT_EQ(entered[i] - entered[i - 1], 49u);
  EXPECT_EQ(static_cast<std::size_t>(runs), entered.size());
}

TEST(InterruptDeliveryTwoNodes, EachNodesIsrRunsOncePerEventWhileTheOtherIsBusy) {
  sim::World world;
  sim::Node& a = world.add_node("a");
  sim::Node& b = world.add_node("b");
  sim::CosimHal hal_a(world, a), hal_b(world, b);
  world.reset();
  fw::Controller controller_a(hal_a), controller_b(hal_b);
  const std::uint32_t synch = regs::int_mask::kCycleSynch.mask();
  ASSERT_TRUE(controller_a.bring_up({.cycle_master = true, .interrupts = synch}).ok());
  ASSERT_TRUE(controller_b.bring_up({.cycle_master = true, .interrupts = synch}).ok());
  hal_a.write32(regs::kIsochronousCycleTimer, 3000);
  hal_b.write32(regs::kIsochronousCycleTimer, 3000);
  hal_a.attach_interrupt([&] {
    ASSERT_TRUE(controller_a.read_and_clear_events().ok());
    for (int i = 0; i < 50; ++i) (void)hal_a.read32(regs::kVersion);  // a long ISR
  });
  hal_b.attach_interrupt([&] { ASSERT_TRUE(controller_b.read_and_clear_events().ok()); });
  world.run(3 * 6144);
  for (const char* node : {"a", "b"}) {
    const auto entered = world.log().cycles_of(node, sim::EventKind::IsrEntered);
    EXPECT_EQ(entered.size(), 3u) << node << ": one ISR per cycleSynch";
    EXPECT_TRUE(std::adjacent_find(entered.begin(), entered.end(), std::greater_equal<>()) ==
                entered.end())
        << node << ": no ISR entered twice at one edge";
  }
}

}  // namespace
}  // namespace ohci::tb
