// IsochResource on an IR context: packet-per-buffer blocks with and without stripping, buffer-fill
// descriptors, the listen options (ContextMatch channel/tag/sync, w = wait, cycle match),
// completion time stamps from the trailers, per-packet errors, and the packets dropped while idle.
#include <gtest/gtest.h>

#include <vector>

#include "isoch_test_support.hpp"
#include "ohci/isoch_bus.hpp"
#include "ohci/isoch_resource.hpp"

namespace ohci::fw {
namespace {

using test::BlockView;
using test::CallbackLog;
using test::FakeIr;
using test::IsochFixture;
using test::kRun;
using test::wait_bits;

// IR context 0's registers.
constexpr std::uint32_t kControlSet = 0x400;
constexpr std::uint32_t kContextMatch = 0x410;
constexpr std::uint32_t kChannel = 7;
// IR ContextControl mode bits.
constexpr std::uint32_t kBufferFill = 1u << 31;
constexpr std::uint32_t kIsochHeader = 1u << 30;
constexpr std::uint32_t kCycleMatchEnable = 1u << 29;

// INPUT_MORE (cmd 2) / INPUT_LAST (cmd 3) control: s = 1, key 0, i, b, w, reqCount.
constexpr std::uint32_t input(std::uint32_t cmd, std::uint32_t branch, bool interrupt, bool wait,
                              std::uint32_t req_count) {
  return cmd << 28 | 1u << 27 | (interrupt ? 3u << 20 : 0) | branch << 18 | (wait ? 3u << 16 : 0) |
         req_count;
}

// The 1394 isochronous header quadlet of a received packet.
constexpr std::uint32_t header_quadlet(std::uint32_t length, std::uint32_t tag, std::uint32_t sy) {
  return length << 16 | tag << 14 | kChannel << 8 | 0xAu << 4 | sy;
}

ResourceConfig listen_config(std::uint32_t flags, std::uint32_t strip = 0) {
  ResourceConfig config;
  config.flags = kResourceUsedInListening | flags;
  config.channel = kChannel;
  config.max_bytes_per_frame = 72;  // 8 bytes of trailer and header + 64 of payload
  config.number_of_buffers = 5;
  config.max_buffer_size = 288;  // 4 slots
  config.quadlets_to_strip = strip;
  return config;
}

class IsochListen : public IsochFixture {
 protected:
  void SetUp() override { data_ = buffer(2048); }

  void make(const ResourceConfig& config) {
    resource_ = allocate(config);
    ASSERT_NE(resource_, nullptr);
  }

  Status listen(std::optional<CycleTime> start = std::nullopt) {
    const Status status = resource_->listen(start);
    ir_.started();
    return status;
  }

  DmaBuffer data_;
  std::unique_ptr<IsochResource> resource_;
  FakeIr ir_{hal_, 0};
};

TEST_F(IsochListen, PacketBasedWithoutStrippingIsOneInputLastPerSlot) {
  make(listen_config(kResourceUsePacketBased));
  CallbackLog log;
  set(0, data_, 0, 144);  // two slots of 72
  ask_callback(d_[0], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  const std::vector<BlockView> blocks = ir_program(0);
  ASSERT_EQ(blocks.size(), 2u);
  for (std::size_t n = 0; n < 2; ++n) {
    EXPECT_EQ(blocks[n].z, 1u);
    EXPECT_EQ(hal_.quadlet(blocks[n].address), input(3, 3, n == 1, false, 72)) << n;
    EXPECT_EQ(hal_.quadlet(blocks[n].address + 4), data_.bus_address() + 72 * n) << n;
    EXPECT_EQ(hal_.quadlet(blocks[n].address + 12), 72u) << n;  // resCount = reqCount
  }
  EXPECT_EQ(hal_.quadlet(blocks[0].address + 8), blocks[1].address | 1);
  EXPECT_EQ(hal_.quadlet(blocks[1].address + 8), 0u);
}

TEST_F(IsochListen, StrippingPutsTrailerAndHeaderInTheResourcesOwnArea) {
  ResourceConfig config = listen_config(kResourceUsePacketBased, 1);
  config.max_bytes_per_frame = 64;
  make(config);
  set(0, data_, 0, 128);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  const std::vector<BlockView> blocks = ir_program(0);
  ASSERT_EQ(blocks.size(), 2u);
  for (std::size_t n = 0; n < 2; ++n) {
    EXPECT_EQ(blocks[n].z, 2u);
    EXPECT_EQ(hal_.quadlet(blocks[n].address), input(2, 0, false, false, 8)) << n;
    const std::uint32_t header_area = hal_.quadlet(blocks[n].address + 4);
    EXPECT_TRUE(header_area < data_.bus_address() ||
                header_area >= data_.bus_address() + data_.size());
    EXPECT_EQ(hal_.quadlet(blocks[n].address + 16), input(3, 3, false, false, 64)) << n;
    EXPECT_EQ(hal_.quadlet(blocks[n].address + 20), data_.bus_address() + 64 * n) << n;
  }
  // The isochronous header is still stored (in the resource's area): the context runs with it.
  EXPECT_EQ(hal_.registers.ir_context_control(0) & (kIsochHeader | kBufferFill), kIsochHeader);
}

TEST_F(IsochListen, StrippingMoreQuadletsWidensTheHeaderArea) {
  ResourceConfig config = listen_config(kResourceUsePacketBased, 3);
  EXPECT_EQ(bus_.allocate_resources(config).status(), Status::InvalidParameter);
  config.flags |= kResourceStripAdditionalQuadlets;
  config.max_bytes_per_frame = 64;
  make(config);
  set(0, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  // Trailer, header and two more quadlets.
  EXPECT_EQ(hal_.quadlet(ir_program(0)[0].address), input(2, 0, false, false, 16));
}

TEST_F(IsochListen, ListenWritesTheChannelAndEveryTagThenRuns) {
  make(listen_config(kResourceUsePacketBased));
  set(0, data_, 0, 72);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  hal_.log.clear();
  ASSERT_EQ(listen(), Status::Success);
  EXPECT_EQ(hal_.registers.ir_context_match(0), 0xFu << 28 | kChannel);
  EXPECT_EQ(hal_.writes().back(), test::write_of(kControlSet, kRun | kIsochHeader));
}

TEST_F(IsochListen, SynchOnTagAcceptsOnlyThatTag) {
  make(listen_config(kResourceUsePacketBased));
  IsochDescriptor& first = set(0, data_, 0, 72);
  first.flags = kDescriptorSynchOnTag;
  first.tag = 1;
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  EXPECT_EQ(hal_.registers.ir_context_match(0), (1u << 1) << 28 | kChannel);
}

TEST_F(IsochListen, SynchOnSyWaitsOnEveryBlockFromThatBufferOn) {
  make(listen_config(kResourceUsePacketBased));
  set(0, data_, 0, 144);
  IsochDescriptor& synced = set(1, data_, 144, 144);
  synced.flags = kDescriptorSynchOnSy;
  synced.synch = 9;
  set(2, data_, 288, 144);
  ASSERT_EQ(resource_->attach(std::span(d_).first(3)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  const std::vector<BlockView> blocks = ir_program(0);
  ASSERT_EQ(blocks.size(), 6u);
  const std::vector<std::uint32_t> waits{0, 0, 3, 3, 3, 3};  // the filter persists
  for (std::size_t n = 0; n < blocks.size(); ++n) {
    EXPECT_EQ(wait_bits(hal_.quadlet(blocks[n].address)), waits[n]) << n;
  }
  EXPECT_EQ(hal_.registers.ir_context_match(0), 0xFu << 28 | 9u << 8 | kChannel);
}

TEST_F(IsochListen, UseSyTagInFirstWaitsOnlyForTheFirstMatch) {
  make(listen_config(kResourceUsePacketBased));
  IsochDescriptor& synced = set(0, data_, 0, 144);
  synced.flags = kDescriptorSynchOnSy | kDescriptorUseSyTagInFirst;
  synced.synch = 4;
  set(1, data_, 144, 72);
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  const std::vector<BlockView> blocks = ir_program(0);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(wait_bits(hal_.quadlet(blocks[0].address)), 3u);
  EXPECT_EQ(wait_bits(hal_.quadlet(blocks[1].address)), 0u);
  EXPECT_EQ(wait_bits(hal_.quadlet(blocks[2].address)), 0u);
}

TEST_F(IsochListen, AFilterThatDisagreesWithTheOneInForceIsInvalid) {
  make(listen_config(kResourceUsePacketBased));
  IsochDescriptor& synced = set(0, data_, 0, 72);
  synced.flags = kDescriptorSynchOnSy;
  synced.synch = 9;
  IsochDescriptor& other = set(1, data_, 72, 72);
  other.flags = kDescriptorSynchOnSy;
  other.synch = 4;
  EXPECT_EQ(resource_->attach(std::span(d_).first(2)), Status::InvalidParameter);
  EXPECT_EQ(d_[1].status, Status::InvalidParameter);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  // ContextMatch is written: every tag is accepted, so a tag filter can no longer be had.
  IsochDescriptor& tagged = set(2, data_, 144, 72);
  tagged.flags = kDescriptorSynchOnTag;
  EXPECT_EQ(resource_->attach(std::span(d_).subspan(2, 1)), Status::InvalidParameter);
  EXPECT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::InvalidParameter);
}

TEST_F(IsochListen, OneShotTagSyncIsNotSupported) {
  make(listen_config(kResourceUsePacketBased));
  set(0, data_, 0, 72).flags = kDescriptorSynchOnTag | kDescriptorUseSyTagInFirst;
  EXPECT_EQ(resource_->attach(std::span(d_).first(1)), Status::NotSupported);
}

TEST_F(IsochListen, AStartCycleIsWrittenToContextMatchWithCycleMatchEnable) {
  make(listen_config(kResourceUsePacketBased | kResourceSynchOnTime));
  set(0, data_, 0, 72);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  CycleTime start;
  start.seconds = 6;
  start.count = 4000;
  ASSERT_EQ(listen(start), Status::Success);
  EXPECT_EQ(hal_.registers.ir_context_match(0), 0xFu << 28 | (2u << 13 | 4000u) << 12 | kChannel);
  EXPECT_EQ(hal_.registers.ir_context_control(0) & kCycleMatchEnable, kCycleMatchEnable);
}

TEST_F(IsochListen, PacketBasedBuffersAreWholeQuadletAlignedSlots) {
  make(listen_config(kResourceUsePacketBased));
  set(0, data_, 0, 100);  // not a multiple of the 72-byte slot
  set(1, data_, 2, 72);   // not quadlet-aligned
  set(2, data_, 0, 72).max_bytes_per_frame = 70;
  EXPECT_EQ(resource_->attach(std::span(d_).first(3)), Status::InvalidParameter);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(d_[k].status, Status::InvalidParameter) << k;
}

TEST_F(IsochListen, ACompletedBufferIsStampedWithItsLastPacketsReceiveCycle) {
  set_cycle_timer(100u << 12);  // now: second 0, cycle 100
  make(listen_config(kResourceUsePacketBased | kResourceTimeStampOnCompletion));
  CallbackLog log;
  set(0, data_, 0, 144);
  ask_callback(d_[0], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  ASSERT_TRUE(ir_.receive(header_quadlet(4, 0, 0), {1, 2, 3, 4}, 40));
  ASSERT_TRUE(ir_.receive(header_quadlet(8, 0, 0), {1, 2, 3, 4, 5, 6, 7, 8}, 41));
  deliver_interrupts();
  EXPECT_EQ(log.calls, (std::vector<void*>{&d_[0]}));
  EXPECT_EQ(d_[0].status, Status::Success);
  EXPECT_EQ(d_[0].cycle_time.count, 41u);
  EXPECT_EQ(d_[0].cycle_time.seconds, 0u);
  // The packets are in the buffer as the controller stored them: trailer, header, payload.
  EXPECT_EQ(hal_.quadlet(data_.bus_address() + 72 + 4), header_quadlet(8, 0, 0));
}

TEST_F(IsochListen, AStrippedBufferIsStampedFromTheResourcesArea) {
  set_cycle_timer(2000u << 12);
  ResourceConfig config = listen_config(kResourceUsePacketBased, 1);
  config.max_bytes_per_frame = 64;
  make(config);
  set(0, data_, 0, 64).flags = kDescriptorTimeStampOnCompletion;
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  ASSERT_TRUE(ir_.receive(header_quadlet(4, 0, 0), {9, 8, 7, 6}, 1234));
  resource_->poll();
  EXPECT_EQ(d_[0].cycle_time.count, 1234u);
  EXPECT_EQ(hal_.quadlet(data_.bus_address()), 0x06070809u);  // payload only
}

TEST_F(IsochListen, APacketWithADataErrorMakesItsBufferDeviceError) {
  make(listen_config(kResourceUsePacketBased));
  set(0, data_, 0, 144);
  set(1, data_, 144, 72);
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  ASSERT_TRUE(ir_.receive(header_quadlet(4, 0, 0), {1, 2, 3, 4}, 1));
  ASSERT_TRUE(ir_.receive(header_quadlet(4, 0, 0), {1, 2, 3, 4}, 2, test::kAckDataError));
  ASSERT_TRUE(ir_.receive(header_quadlet(4, 0, 0), {1, 2, 3, 4}, 3));
  resource_->poll();
  EXPECT_EQ(d_[0].status, Status::DeviceError);
  EXPECT_EQ(d_[1].status, Status::Success);
}

TEST_F(IsochListen, MissedPacketsAreTheControllersDroppedPacketsSummedOverRestarts) {
  make(listen_config(kResourceUsePacketBased));
  set(0, data_, 0, 72);
  set(1, data_, 72, 72);
  set(2, data_, 144, 72);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  ASSERT_TRUE(ir_.receive(header_quadlet(4, 0, 0), {1, 2, 3, 4}, 1));
  EXPECT_TRUE(ir_.idle());
  hal_.registers.set_ir_dropped_packets(0, 7);  // seven packets came while it was idle
  EXPECT_EQ(resource_->missed_packets(), 7u);
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 2)), Status::Success);
  EXPECT_EQ(resource_->run_outs(), 1u);
  // Detaching the pending buffer 1 stops and restarts the context (DroppedPackets restarts at 0).
  ASSERT_EQ(resource_->detach(std::span(d_).subspan(1, 1)), Status::Success);
  EXPECT_EQ(hal_.registers.ir_dropped_packets(0), 0u);
  hal_.registers.set_ir_dropped_packets(0, 2);
  EXPECT_EQ(resource_->missed_packets(), 9u);
}

TEST_F(IsochListen, BufferFillIsOneDescriptorPerBufferChainedAndRunsInBufferFillMode) {
  ResourceConfig config = listen_config(0);
  config.max_buffer_size = 1024;
  make(config);
  CallbackLog log;
  set(0, data_, 0, 256);
  IsochDescriptor& synced = set(1, data_, 256, 512);
  synced.flags = kDescriptorSynchOnSy;
  synced.synch = 3;
  ask_callback(d_[1], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  const std::vector<BlockView> blocks = ir_program(0);
  ASSERT_EQ(blocks.size(), 2u);
  // INPUT_MORE with b = 11; w only on the synced buffer's descriptor; i only where asked.
  EXPECT_EQ(hal_.quadlet(blocks[0].address), input(2, 3, false, false, 256));
  EXPECT_EQ(hal_.quadlet(blocks[1].address), input(2, 3, true, true, 512));
  EXPECT_EQ(hal_.quadlet(blocks[1].address + 4), data_.bus_address() + 256);
  EXPECT_EQ(hal_.registers.ir_context_control(0) & (kBufferFill | kIsochHeader),
            kBufferFill | kIsochHeader);
  EXPECT_EQ(hal_.registers.ir_context_match(0), 0xFu << 28 | 3u << 8 | kChannel);
  ASSERT_TRUE(ir_.fill());
  ASSERT_TRUE(ir_.fill());
  deliver_interrupts();
  EXPECT_EQ(log.calls, (std::vector<void*>{&d_[1]}));
  EXPECT_EQ(d_[0].status, Status::Success);
  EXPECT_EQ(d_[1].status, Status::Success);
}

TEST_F(IsochListen, BufferFillStrippingStoresPayloadOnly) {
  make(listen_config(0, 1));
  set(0, data_, 0, 256);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(listen(), Status::Success);
  EXPECT_EQ(hal_.registers.ir_context_control(0) & (kBufferFill | kIsochHeader), kBufferFill);
}

TEST_F(IsochListen, BufferFillHasNoCompletionTimeStamps) {
  EXPECT_EQ(bus_.allocate_resources(listen_config(kResourceTimeStampOnCompletion)).status(),
            Status::NotSupported);
  make(listen_config(0));
  set(0, data_, 0, 256).flags = kDescriptorTimeStampOnCompletion;
  EXPECT_EQ(resource_->attach(std::span(d_).first(1)), Status::NotSupported);
}

}  // namespace
}  // namespace ohci::fw
