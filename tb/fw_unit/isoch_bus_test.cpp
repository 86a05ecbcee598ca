// IsochBus and the bandwidth arithmetic: the 4915-unit pool priced per speed, the 64-channel map,
// the generation a bus reset advances, stale handles, reset notification, the cycle timer.
#include "ohci/isoch_bus.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "fake_hal.hpp"
#include "ohci/interrupt_dispatcher.hpp"

namespace ohci::fw {
namespace {

using test::FakeConfig;
using test::FakeHal;
using test::write_of;

// units = cost per quadlet at the speed * (3 overhead quadlets + payload quadlets, rounded up),
// with the reference's costs S100 19, S200 9, S400 4, S800 2, S1600 1.
TEST(IsochBandwidth, UnitsAreTheSpeedsQuadletCostTimesOverheadPlusPayloadQuadlets) {
  EXPECT_EQ(*bandwidth_units(1024, IsochSpeed::kS400), 4u * (3 + 256));
  EXPECT_EQ(*bandwidth_units(1, IsochSpeed::kS400), 4u * (3 + 1));  // payload rounded up
  EXPECT_EQ(*bandwidth_units(0, IsochSpeed::kS100), 19u * 3);       // header-only packets
  EXPECT_EQ(*bandwidth_units(2048, IsochSpeed::kS200), 9u * (3 + 512));
  EXPECT_EQ(*bandwidth_units(100, IsochSpeed::kS800), 2u * (3 + 25));
  EXPECT_EQ(*bandwidth_units(100, IsochSpeed::kS1600), 1u * (3 + 25));
}

TEST(IsochBandwidth, RefusesAPayloadAboveTheSpeedsMaximumOrAValueThatIsNotOneSpeed) {
  EXPECT_EQ(bandwidth_units(1025, IsochSpeed::kS100).status(), Status::InvalidParameter);
  EXPECT_TRUE(bandwidth_units(4096, IsochSpeed::kS400).ok());
  EXPECT_EQ(bandwidth_units(4097, IsochSpeed::kS400).status(), Status::InvalidParameter);
  EXPECT_EQ(bandwidth_units(64, IsochSpeed::kFastest).status(), Status::InvalidParameter);
  EXPECT_EQ(bandwidth_units(64, static_cast<IsochSpeed>(0x6)).status(), Status::InvalidParameter);
}

TEST(IsochBandwidth, BytesPerFrameIsTheLargestQuadletPayloadThatFits) {
  EXPECT_EQ(bytes_per_frame_for(4u * (3 + 256), IsochSpeed::kS400), 1024u);
  EXPECT_EQ(bytes_per_frame_for(4u * (3 + 256) + 3, IsochSpeed::kS400), 1024u);
  EXPECT_EQ(bytes_per_frame_for(4u * 3, IsochSpeed::kS400), 0u);  // only the overhead
  // The whole pool buys more than S400 can carry: capped at 4096.
  EXPECT_EQ(bytes_per_frame_for(kIsochBandwidthPool, IsochSpeed::kS400), 4096u);
  // At S100 the pool is 258 quadlets: 255 of payload.
  EXPECT_EQ(bytes_per_frame_for(kIsochBandwidthPool, IsochSpeed::kS100), 4u * (4915 / 19 - 3));
}

class IsochBusTest : public ::testing::Test {
 protected:
  FakeHal hal_;
  InterruptDispatcher dispatcher_{hal_};
  IsochBus bus_{hal_, dispatcher_};
};

TEST_F(IsochBusTest, StartsWithTheWholePoolAndEveryChannelFree) {
  EXPECT_EQ(bus_.units_available(), 4915u);
  EXPECT_EQ(bus_.channels_claimed(), 0u);
  const IsochResourcesAvailable available = bus_.query_resources(IsochSpeed::kS400);
  EXPECT_EQ(available.units, 4915u);
  EXPECT_EQ(available.bytes_per_frame_available, 4096u);
  EXPECT_EQ(available.channels_available, ~std::uint64_t{0});
}

TEST_F(IsochBusTest, AllocatesBandwidthUntilThePoolIsExhausted) {
  // 1024 bytes at S400 cost 1036 units: four fit in 4915, a fifth does not.
  for (int i = 0; i < 4; ++i) {
    const auto allocation = bus_.allocate_bandwidth(1024, IsochSpeed::kS400);
    ASSERT_TRUE(allocation.ok()) << i;
    EXPECT_EQ(allocation->units, 1036u);
    EXPECT_EQ(allocation->speed, IsochSpeed::kS400);
  }
  EXPECT_EQ(bus_.units_available(), 4915u - 4 * 1036);
  EXPECT_EQ(bus_.allocate_bandwidth(1024, IsochSpeed::kS400).status(),
            Status::InsufficientResources);
  EXPECT_EQ(bus_.units_available(), 4915u - 4 * 1036);  // a refusal claims nothing
}

TEST_F(IsochBusTest, BytesPerFrameAvailableSaysWhatIsLeftAfterTheClaim) {
  const auto first = bus_.allocate_bandwidth(1024, IsochSpeed::kS400);
  ASSERT_TRUE(first.ok());
  // 4915 - 1036 = 3879 units = 969 quadlets, 966 of payload.
  EXPECT_EQ(first->bytes_per_frame_available, 966u * 4);
  ASSERT_TRUE(bus_.allocate_bandwidth(966 * 4, IsochSpeed::kS400).ok());
  EXPECT_EQ(bus_.units_available(), 3879u - 4 * 969);
}

TEST_F(IsochBusTest, FreeBandwidthReturnsTheUnitsOnce) {
  const auto allocation = bus_.allocate_bandwidth(512, IsochSpeed::kS200);
  ASSERT_TRUE(allocation.ok());
  EXPECT_EQ(bus_.units_available(), 4915u - 9 * (3 + 128));
  EXPECT_EQ(bus_.free_bandwidth(allocation->handle), Status::Success);
  EXPECT_EQ(bus_.units_available(), 4915u);
  EXPECT_EQ(bus_.free_bandwidth(allocation->handle), Status::InvalidParameter);
  EXPECT_EQ(bus_.free_bandwidth(BandwidthHandle{}), Status::InvalidParameter);
}

TEST_F(IsochBusTest, SetChannelBandwidthRepricesTheClaimOrLeavesIt) {
  const auto a = bus_.allocate_bandwidth(1024, IsochSpeed::kS400);  // 1036
  const auto b = bus_.allocate_bandwidth(2048, IsochSpeed::kS400);  // 2060
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(bus_.units_available(), 1819u);
  EXPECT_EQ(bus_.set_channel_bandwidth(a->handle, 2048), Status::Success);  // +1024
  EXPECT_EQ(bus_.units_available(), 795u);
  EXPECT_EQ(bus_.set_channel_bandwidth(a->handle, 4096), Status::InsufficientResources);
  EXPECT_EQ(bus_.units_available(), 795u);
  EXPECT_EQ(bus_.set_channel_bandwidth(a->handle, 0), Status::Success);  // down to 12
  EXPECT_EQ(bus_.units_available(), 4915u - 2060 - 12);
}

TEST_F(IsochBusTest, FastestIsTheBusMaximumAndFasterIsNotSupported) {
  const auto fastest = bus_.allocate_bandwidth(64, IsochSpeed::kFastest);
  ASSERT_TRUE(fastest.ok());
  EXPECT_EQ(fastest->speed, IsochSpeed::kS400);
  EXPECT_EQ(fastest->units, 4u * (3 + 16));
  EXPECT_EQ(bus_.allocate_bandwidth(64, IsochSpeed::kS800).status(), Status::NotSupported);
  EXPECT_EQ(bus_.allocate_bandwidth(64, static_cast<IsochSpeed>(0x3)).status(),
            Status::InvalidParameter);
}

TEST_F(IsochBusTest, AllocatesTheChannelAskedFor) {
  const auto channel = bus_.allocate_channel(17);
  ASSERT_TRUE(channel.ok());
  EXPECT_EQ(channel->handle.channel, 17u);
  EXPECT_EQ(channel->channels_available, ~(std::uint64_t{1} << 17));
  EXPECT_EQ(bus_.allocate_channel(17).status(), Status::InsufficientResources);
  EXPECT_EQ(bus_.allocate_channel(64).status(), Status::InvalidParameter);
}

TEST_F(IsochBusTest, AnyChannelIsTheLowestFree) {
  ASSERT_TRUE(bus_.allocate_channel(0).ok());
  ASSERT_TRUE(bus_.allocate_channel(2).ok());
  EXPECT_EQ(bus_.allocate_channel(kIsochAnyChannel)->handle.channel, 1u);
  EXPECT_EQ(bus_.allocate_channel(kIsochAnyChannel)->handle.channel, 3u);
}

TEST_F(IsochBusTest, SixtyFourChannelsThenNone) {
  for (std::uint32_t n = 0; n < 64; ++n) {
    ASSERT_EQ(bus_.allocate_channel(kIsochAnyChannel)->handle.channel, n);
  }
  EXPECT_EQ(bus_.channels_claimed(), ~std::uint64_t{0});
  EXPECT_EQ(bus_.allocate_channel(kIsochAnyChannel).status(), Status::InsufficientResources);
  EXPECT_EQ(bus_.free_channel(ChannelHandle{63, 0}), Status::Success);
  EXPECT_EQ(bus_.allocate_channel(kIsochAnyChannel)->handle.channel, 63u);
}

TEST_F(IsochBusTest, FreeChannelOfAChannelNotClaimedIsInvalidParameter) {
  EXPECT_EQ(bus_.free_channel(ChannelHandle{5, 0}), Status::InvalidParameter);
  EXPECT_EQ(bus_.free_channel(ChannelHandle{64, 0}), Status::InvalidParameter);
}

TEST_F(IsochBusTest, BusResetAdvancesTheGenerationAndFreesEverything) {
  ASSERT_TRUE(bus_.allocate_bandwidth(1024, IsochSpeed::kS400).ok());
  ASSERT_TRUE(bus_.allocate_channel(5).ok());
  EXPECT_EQ(bus_.generation(), 0u);
  bus_.bus_reset();
  EXPECT_EQ(bus_.generation(), 1u);
  EXPECT_EQ(bus_.units_available(), 4915u);
  EXPECT_EQ(bus_.channels_claimed(), 0u);
  EXPECT_EQ(bus_.allocate_channel(5)->handle.generation, 1u);  // free again
}

TEST_F(IsochBusTest, HandlesFromBeforeABusResetAreStale) {
  const auto bandwidth = bus_.allocate_bandwidth(1024, IsochSpeed::kS400);
  const auto channel = bus_.allocate_channel(5);
  ASSERT_TRUE(bandwidth.ok() && channel.ok());
  bus_.bus_reset();
  // Someone re-claims channel 5 in the new generation; the stale handle must not free it.
  ASSERT_TRUE(bus_.allocate_channel(5).ok());
  EXPECT_EQ(bus_.free_bandwidth(bandwidth->handle), Status::InvalidGeneration);
  EXPECT_EQ(bus_.set_channel_bandwidth(bandwidth->handle, 64), Status::InvalidGeneration);
  EXPECT_EQ(bus_.free_channel(channel->handle), Status::InvalidGeneration);
  EXPECT_EQ(bus_.channels_claimed(), std::uint64_t{1} << 5);
  EXPECT_EQ(bus_.units_available(), 4915u);
}

TEST_F(IsochBusTest, BusResetNotifiesTheRegisteredListenersInOrder) {
  std::vector<std::pair<int, std::uint32_t>> calls;
  const std::uint32_t first = bus_.register_bus_reset_notification(
      [&](std::uint32_t generation) { calls.emplace_back(1, generation); });
  bus_.register_bus_reset_notification(
      [&](std::uint32_t generation) { calls.emplace_back(2, generation); });
  EXPECT_NE(first, 0u);
  bus_.bus_reset();
  bus_.deregister_bus_reset_notification(first);
  bus_.bus_reset();
  EXPECT_EQ(calls, (std::vector<std::pair<int, std::uint32_t>>{{1, 1}, {2, 1}, {2, 2}}));
}

TEST_F(IsochBusTest, TheBusResetEventResetsThenClearsAndUnmasksIt) {
  const std::uint32_t bus_reset = 1u << 17;
  InterruptEvents events;
  events.events = regs::int_event::kCycleSynch.mask();
  EXPECT_FALSE(bus_.handle_bus_reset_event(events));
  EXPECT_TRUE(hal_.writes().empty());
  events.events |= bus_reset;
  EXPECT_TRUE(bus_.handle_bus_reset_event(events));
  EXPECT_EQ(bus_.generation(), 1u);
  EXPECT_EQ(hal_.writes(),
            (std::vector<test::Access>{write_of(0x084, bus_reset), write_of(0x088, bus_reset)}));
}

TEST(IsochBusCycleTime, QueryCycleTimeReadsTheIsochronousCycleTimer) {
  FakeConfig config;
  config.cycle_timer = 93u << 25 | 7999u << 12 | 3071u;
  FakeHal hal(config);
  InterruptDispatcher dispatcher(hal);
  IsochBus bus(hal, dispatcher);
  const CycleTime now = bus.query_cycle_time();
  EXPECT_EQ(now.seconds, 93u);
  EXPECT_EQ(now.count, 7999u);
  EXPECT_EQ(now.offset, 3071u);
  EXPECT_EQ(hal.reads().back().offset, 0x0F0u);
}

}  // namespace
}  // namespace ohci::fw
