// IsochStream: set-up and teardown order, and the recovery after a bus reset (reference 1.9):
// stale handles report InvalidGeneration, the same channel is re-claimed, a lost channel moves
// the stream, lost bandwidth stops it.
#include "ohci/isoch_stream.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "isoch_test_support.hpp"

namespace ohci::fw {
namespace {

using test::BlockView;
using test::FakeIt;
using test::IsochFixture;
using test::kRun;
using test::write_of;

constexpr std::uint32_t kChannel = 5;
// 64 bytes at S400: 4 * (3 + 16).
constexpr std::uint32_t kStreamUnits = 76;

StreamConfig talker_config() {
  StreamConfig config;
  config.resource.speed = IsochSpeed::kS400;
  config.resource.flags = kResourceUsedInTalking;
  config.resource.max_bytes_per_frame = 64;
  config.resource.number_of_buffers = 5;
  config.resource.max_buffer_size = 128;
  config.channel = kChannel;
  return config;
}

class IsochStreamTest : public IsochFixture {
 protected:
  void SetUp() override { data_ = buffer(1024); }

  void open(const StreamConfig& config = talker_config()) {
    auto stream = IsochStream::open(bus_, config);
    ASSERT_TRUE(stream.ok()) << to_string(stream.status());
    stream_ = std::move(*stream);
  }

  // A talking stream with buffer 0 sent and buffers 1, 2 pending.
  void stream_running() {
    open();
    for (std::size_t k = 0; k < 3; ++k) set(k, data_, 128 * k, 64);
    ASSERT_EQ(stream_->resource().attach(std::span(d_).first(3)), Status::Success);
    ASSERT_EQ(stream_->resource().talk(), Status::Success);
    it_.started();
    ASSERT_TRUE(it_.send(100));
    stream_->resource().poll();
  }

  DmaBuffer data_;
  std::unique_ptr<IsochStream> stream_;
  FakeIt it_{hal_, 0};
};

TEST_F(IsochStreamTest, OpenClaimsBandwidthThenTheChannelThenAResourceOnIt) {
  open();
  EXPECT_EQ(bus_.units_available(), 4915u - kStreamUnits);
  EXPECT_EQ(bus_.channels_claimed(), std::uint64_t{1} << kChannel);
  EXPECT_EQ(stream_->channel(), kChannel);
  EXPECT_EQ(stream_->resource().config().channel, kChannel);
  EXPECT_FALSE(stream_->stale());
}

TEST_F(IsochStreamTest, OpenWithTheChannelTakenReleasesTheBandwidth) {
  ASSERT_TRUE(bus_.allocate_channel(kChannel).ok());
  EXPECT_EQ(IsochStream::open(bus_, talker_config()).status(), Status::InsufficientResources);
  EXPECT_EQ(bus_.units_available(), 4915u);
}

TEST_F(IsochStreamTest, OpenWithoutBandwidthClaimsNothingElse) {
  ASSERT_TRUE(bus_.allocate_bandwidth(4096, IsochSpeed::kS400).ok());  // 4108 of 4915
  StreamConfig config = talker_config();
  config.resource.max_bytes_per_frame = 1024;
  EXPECT_EQ(IsochStream::open(bus_, config).status(), Status::InsufficientResources);
  EXPECT_EQ(bus_.channels_claimed(), 0u);
  EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 0), nullptr);
}

TEST_F(IsochStreamTest, NothingToRecoverWithoutABusReset) {
  open();
  EXPECT_EQ(*stream_->recover(), StreamRecovery::kNotNeeded);
}

TEST_F(IsochStreamTest, AfterABusResetTheOldHandlesAreStale) {
  stream_running();
  const BandwidthHandle bandwidth = stream_->bandwidth_handle();
  const ChannelHandle channel = stream_->channel_handle();
  bus_.bus_reset();
  EXPECT_TRUE(stream_->stale());
  EXPECT_EQ(bus_.free_bandwidth(bandwidth), Status::InvalidGeneration);
  EXPECT_EQ(bus_.free_channel(channel), Status::InvalidGeneration);
}

TEST_F(IsochStreamTest, RecoveryReclaimsTheSameChannelAndTheBandwidthWhileTheStreamRuns) {
  stream_running();
  bus_.bus_reset();
  hal_.log.clear();
  EXPECT_EQ(*stream_->recover(), StreamRecovery::kReclaimed);
  EXPECT_EQ(stream_->channel(), kChannel);
  EXPECT_EQ(stream_->channel_handle().generation, 1u);
  EXPECT_EQ(stream_->bandwidth_handle().generation, 1u);
  EXPECT_EQ(bus_.channels_claimed(), std::uint64_t{1} << kChannel);
  EXPECT_EQ(bus_.units_available(), 4915u - kStreamUnits);
  EXPECT_FALSE(stream_->stale());
  // The contexts keep running through a bus reset: nothing was written to the controller.
  EXPECT_TRUE(hal_.writes().empty());
  EXPECT_EQ(d_[1].status, Status::Pending);
}

TEST_F(IsochStreamTest, ALostChannelMovesTheStreamAndItsPendingBuffers) {
  stream_running();
  bus_.bus_reset();
  ASSERT_TRUE(bus_.allocate_channel(kChannel).ok());  // another node was first
  EXPECT_EQ(*stream_->recover(), StreamRecovery::kChannelMoved);
  EXPECT_EQ(stream_->channel(), 0u);
  EXPECT_EQ(stream_->resource().config().channel, 0u);
  EXPECT_EQ(bus_.channels_claimed(), (std::uint64_t{1} << kChannel) | 1u);
  // Buffer 0 had completed: still attached for the driver to detach. 1 and 2 were re-attached.
  EXPECT_EQ(d_[0].status, Status::Success);
  EXPECT_EQ(d_[1].status, Status::Pending);
  EXPECT_EQ(d_[2].status, Status::Pending);
  EXPECT_EQ(stream_->resource().attached(), 3u);
  EXPECT_EQ(stream_->resource().state(), StreamState::kRunning);
  it_.started();
  EXPECT_EQ(it_.data_address(), data_.bus_address() + 128);  // buffer 1, on channel 0 now
  EXPECT_EQ((it_.header() >> 8) & 0x3Fu, 0u);
}

TEST_F(IsochStreamTest, LostBandwidthStopsTheStreamAndReleasesTheChannel) {
  stream_running();
  bus_.bus_reset();
  // Others were first: 4108 + 732 units leave 75, one short of the stream's 76.
  ASSERT_TRUE(bus_.allocate_bandwidth(4096, IsochSpeed::kS400).ok());
  ASSERT_TRUE(bus_.allocate_bandwidth(720, IsochSpeed::kS400).ok());
  ASSERT_EQ(bus_.units_available(), kStreamUnits - 1);
  EXPECT_EQ(*stream_->recover(), StreamRecovery::kLost);
  EXPECT_TRUE(stream_->lost());
  EXPECT_EQ(bus_.channels_claimed(), 0u);
  EXPECT_EQ(stream_->resource().state(), StreamState::kStopped);
  EXPECT_EQ(hal_.registers.context_control(0) & kRun, 0u);
  EXPECT_EQ(d_[1].status, Status::Pending);  // still attached: the driver detaches them
  EXPECT_FALSE(stream_->stale());
}

TEST_F(IsochStreamTest, TheDriversBusResetPathRecoversTheStream) {
  stream_running();
  std::optional<StreamRecovery> recovered;
  dispatcher_.set_event_handler(
      [&](const InterruptEvents& events) { bus_.handle_bus_reset_event(events); });
  bus_.register_bus_reset_notification([&](std::uint32_t) {
    auto result = stream_->recover();
    if (result.ok()) recovered = *result;
  });
  hal_.registers.write(0x088, regs::int_mask::kBusReset.mask());  // IntMaskSet busReset
  hal_.registers.raise_events(regs::int_event::kBusReset.mask());
  hal_.interrupt();
  EXPECT_EQ(bus_.generation(), 1u);
  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(*recovered, StreamRecovery::kReclaimed);
  // The handler cleared busReset and unmasked it again.
  EXPECT_EQ(hal_.registers.int_event() & regs::int_event::kBusReset.mask(), 0u);
  EXPECT_NE(hal_.registers.int_mask() & regs::int_mask::kBusReset.mask(), 0u);
}

TEST_F(IsochStreamTest, CloseWaitsForTheBuffersThenFreesInTeardownOrder) {
  stream_running();
  EXPECT_EQ(stream_->close(), Status::AccessDenied);
  EXPECT_FALSE(stream_->closed());
  ASSERT_EQ(stream_->resource().detach(std::span(d_).first(3)), Status::Success);
  EXPECT_EQ(stream_->close(), Status::Success);
  EXPECT_TRUE(stream_->closed());
  EXPECT_EQ(bus_.units_available(), 4915u);
  EXPECT_EQ(bus_.channels_claimed(), 0u);
  EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 0), nullptr);
}

TEST_F(IsochStreamTest, AListenerOfAnotherNodesStreamClaimsNothing) {
  StreamConfig config;
  config.resource.flags = kResourceUsedInListening | kResourceUsePacketBased;
  config.resource.channel = 9;
  config.resource.max_bytes_per_frame = 72;
  config.resource.number_of_buffers = 3;
  config.resource.max_buffer_size = 144;
  config.claim_channel = false;
  config.claim_bandwidth = false;
  open(config);
  EXPECT_EQ(stream_->channel(), 9u);
  EXPECT_EQ(bus_.units_available(), 4915u);
  bus_.bus_reset();
  EXPECT_FALSE(stream_->stale());
  EXPECT_EQ(*stream_->recover(), StreamRecovery::kNotNeeded);
}

}  // namespace
}  // namespace ohci::fw
