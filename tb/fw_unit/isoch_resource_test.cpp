// IsochResource on an IT context: allocation and free, the program an attached batch becomes,
// talk, completions and callbacks, run-out and re-arm, detach. The fake controller
// (isoch_test_support) executes the program as the hardware would.
#include "ohci/isoch_resource.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "isoch_test_support.hpp"
#include "ohci/isoch_bus.hpp"

namespace ohci::fw {
namespace {

using test::Access;
using test::barrier;
using test::BlockView;
using test::CallbackLog;
using test::FakeIt;
using test::IsochFixture;
using test::kActive;
using test::kRun;
using test::kWake;
using test::read_of;
using test::write_of;

// IT context 0's registers.
constexpr std::uint32_t kControlSet = 0x200;
constexpr std::uint32_t kControlClear = 0x204;
constexpr std::uint32_t kIsoXmitIntMaskSet = 0x098;
constexpr std::uint32_t kS400 = 2;
constexpr std::uint32_t kChannel = 5;

// The words of an IT block (OUTPUT_MORE-Immediate, OUTPUT_LAST) at `address`.
struct TalkBlock {
  std::uint32_t header;       // immediate quadlet 0
  std::uint32_t data_length;  // immediate quadlet 1, high half
  std::uint32_t control;      // OUTPUT_LAST quadlet 0
  std::uint32_t data_address;
  std::uint32_t branch;
};

TalkBlock talk_block(const test::IsochHal& hal, std::uint32_t address) {
  return TalkBlock{hal.quadlet(address + 16), hal.quadlet(address + 20) >> 16,
                   hal.quadlet(address + 32), hal.quadlet(address + 36), hal.quadlet(address + 40)};
}

// OUTPUT_LAST: cmd 1, s = 1, key 0, i, b = 11, reqCount.
constexpr std::uint32_t output_last(std::uint32_t req_count, bool interrupt) {
  return 1u << 28 | 1u << 27 | (interrupt ? 3u << 20 : 0) | 3u << 18 | req_count;
}

constexpr std::uint32_t iso_header(std::uint32_t tag, std::uint32_t sy) {
  return kS400 << 16 | tag << 14 | kChannel << 8 | 0xAu << 4 | sy;
}

ResourceConfig talk_config() {
  ResourceConfig config;
  config.speed = IsochSpeed::kS400;
  config.flags = kResourceUsedInTalking;
  config.channel = kChannel;
  config.max_bytes_per_frame = 64;
  config.number_of_buffers = 5;  // 4 attached at once
  config.max_buffer_size = 256;  // 4 packets each: 4 * 4 + 1 = 17 slots
  return config;
}

class IsochTalk : public IsochFixture {
 protected:
  void SetUp() override {
    data_ = buffer(2048);
    resource_ = allocate(talk_config());
    ASSERT_NE(resource_, nullptr);
  }

  // Sends up to `packets` packets in consecutive cycles, delivering the interrupts after each.
  unsigned send(unsigned packets) {
    unsigned sent = 0;
    while (sent < packets && it_.send(cycle_)) {
      ++sent;
      ++cycle_;
      deliver_interrupts();
    }
    return sent;
  }

  Status talk() {
    const Status status = resource_->talk();
    it_.started();
    return status;
  }

  DmaBuffer data_;
  std::unique_ptr<IsochResource> resource_;
  FakeIt it_{hal_, 0};
  std::uint32_t cycle_ = 100;  // timeStamp of the next packet (cycleSeconds 0)
};

// Allocation and free ------------------------------------------------------------------------

TEST_F(IsochTalk, AllocateBindsTheLowestFreeContextAndUnmasksItsInterrupt) {
  EXPECT_EQ(resource_->kind(), ContextKind::Transmit);
  EXPECT_EQ(resource_->context_index(), 0u);
  EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 0), resource_.get());
  EXPECT_EQ(hal_.registers.iso_xmit_mask(), 1u);
  const auto second = allocate(talk_config());
  EXPECT_EQ(second->context_index(), 1u);
  EXPECT_EQ(hal_.registers.iso_xmit_mask(), 3u);
  EXPECT_EQ(resource_->total_slots(), 17u);
}

TEST_F(IsochTalk, AllocateRefusesABadConfigurationAndTakesNoContext) {
  const auto refused = [&](auto change) {
    ResourceConfig config = talk_config();
    change(config);
    return bus_.allocate_resources(config).status();
  };
  EXPECT_EQ(refused([](auto& c) { c.flags |= kResourceUsedInListening; }),
            Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.flags = 0; }), Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.flags |= 0x200; }), Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.flags |= kResourceBuffersCircular; }), Status::NotSupported);
  EXPECT_EQ(refused([](auto& c) { c.flags |= kResourceVariableIsochPayload; }),
            Status::NotSupported);
  EXPECT_EQ(refused([](auto& c) { c.flags |= kResourceUseMultichannel; }), Status::NotSupported);
  EXPECT_EQ(refused([](auto& c) { c.number_of_buffers = 1; }), Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.max_buffer_size = 0; }), Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.channel = 64; }), Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.max_bytes_per_frame = 4097; }), Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.speed = IsochSpeed::kS800; }), Status::NotSupported);
  EXPECT_EQ(refused([](auto& c) { c.quadlets_to_strip = 1; }), Status::InvalidParameter);
  EXPECT_EQ(refused([](auto& c) { c.context = 4; }), Status::InvalidParameter);  // 4 IT contexts
  for (std::uint32_t n = 1; n < 4; ++n)
    EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, n), nullptr);
}

TEST_F(IsochTalk, AContextAlreadyOwnedIsAccessDenied) {
  ResourceConfig config = talk_config();
  config.context = 0;
  EXPECT_EQ(bus_.allocate_resources(config).status(), Status::AccessDenied);
  config.context = 3;
  EXPECT_EQ(allocate(config)->context_index(), 3u);
}

TEST_F(IsochTalk, NoFreeContextIsInsufficientResources) {
  const auto one = allocate(talk_config());
  const auto two = allocate(talk_config());
  const auto three = allocate(talk_config());
  EXPECT_EQ(bus_.allocate_resources(talk_config()).status(), Status::InsufficientResources);
}

TEST_F(IsochTalk, FreeWithBuffersAttachedIsAccessDeniedAndKeepsTheHandle) {
  set(0, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(bus_.free_resources(resource_), Status::AccessDenied);
  ASSERT_NE(resource_, nullptr);
  EXPECT_EQ(resource_->attached(), 1u);
  ASSERT_EQ(resource_->detach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(bus_.free_resources(resource_), Status::Success);
  EXPECT_EQ(resource_, nullptr);
  EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 0), nullptr);
  EXPECT_EQ(hal_.registers.iso_xmit_mask(), 0u);
}

// The program a batch becomes ------------------------------------------------------------------

TEST_F(IsochTalk, ABatchIsOneBlockPerPacketChainedInAttachOrder) {
  set(0, data_, 0, 128);    // packets 0, 1
  set(1, data_, 512, 192);  // packets 2, 3, 4
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  const std::vector<BlockView> blocks = it_program(0);
  ASSERT_EQ(blocks.size(), 5u);
  const std::uint32_t base = data_.bus_address();
  const std::vector<std::uint32_t> addresses{base, base + 64, base + 512, base + 576, base + 640};
  for (std::size_t n = 0; n < blocks.size(); ++n) {
    EXPECT_EQ(blocks[n].z, 3u) << n;
    const TalkBlock block = talk_block(hal_, blocks[n].address);
    EXPECT_EQ(block.data_address, addresses[n]) << n;
    EXPECT_EQ(block.data_length, 64u) << n;
    // A late packet goes out one cycle later: the skip address is the block itself.
    EXPECT_EQ(hal_.quadlet(blocks[n].address + 8), blocks[n].address | 3) << n;
  }
  EXPECT_EQ(talk_block(hal_, blocks[4].address).branch, 0u);  // the program ends there
}

TEST_F(IsochTalk, EachPacketCarriesTheFramesBytesAndTheLastTheRest) {
  set(0, data_, 3, 150).max_bytes_per_frame = 48;  // 48 + 48 + 48 + 6, any byte alignment
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  const std::vector<BlockView> blocks = it_program(0);
  ASSERT_EQ(blocks.size(), 4u);
  const std::vector<std::uint32_t> lengths{48, 48, 48, 6};
  for (std::size_t n = 0; n < blocks.size(); ++n) {
    const TalkBlock block = talk_block(hal_, blocks[n].address);
    EXPECT_EQ(block.data_length, lengths[n]) << n;
    EXPECT_EQ(block.control, output_last(lengths[n], false)) << n;
    EXPECT_EQ(block.data_address, data_.bus_address() + 3 + 48 * n) << n;
  }
}

TEST_F(IsochTalk, PacketsCarryTheResourcesChannelAndSpeedAndTheBuffersTagAndSy) {
  IsochDescriptor& first = set(0, data_, 0, 64);
  first.tag = 1;
  first.synch = 0xC;
  IsochDescriptor& second = set(1, data_, 64, 64);
  second.tag = 3;
  second.synch = 2;
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  const std::vector<BlockView> blocks = it_program(0);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(talk_block(hal_, blocks[0].address).header, iso_header(1, 0xC));
  EXPECT_EQ(talk_block(hal_, blocks[1].address).header, iso_header(3, 2));
}

TEST_F(IsochTalk, OnlyTheLastBlockOfABufferWithACallbackInterrupts) {
  CallbackLog log;
  set(0, data_, 0, 128);
  set(1, data_, 128, 128);
  set(2, data_, 256, 128);
  ask_callback(d_[0], log);
  ask_callback(d_[2], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(3)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  const std::vector<BlockView> blocks = it_program(0);
  ASSERT_EQ(blocks.size(), 6u);
  const std::vector<bool> interrupts{false, true, false, false, false, true};
  for (std::size_t n = 0; n < blocks.size(); ++n) {
    EXPECT_EQ(talk_block(hal_, blocks[n].address).control, output_last(64, interrupts[n])) << n;
  }
}

TEST_F(IsochTalk, AnAttachedBufferIsPending) {
  set(0, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(d_[0].status, Status::Pending);
  EXPECT_EQ(resource_->attached(), 1u);
  EXPECT_EQ(resource_->pending(), 1u);
}

TEST_F(IsochTalk, AttachBeforeTalkTouchesNoRegister) {
  set(0, data_, 0, 64);
  set(1, data_, 64, 64);
  hal_.log.clear();
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::Success);
  EXPECT_TRUE(hal_.writes().empty());
  EXPECT_TRUE(hal_.reads().empty());
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(it_program(0).size(), 2u);  // the second batch was linked behind the first in memory
}

// Attach validation and atomicity ------------------------------------------------------------

TEST_F(IsochTalk, AnInvalidBufferRefusesTheWholeBatchAndSaysWhich) {
  set(0, data_, 0, 64);
  set(1, data_, 64, 0);  // no bytes
  set(2, data_, 128, 64);
  EXPECT_EQ(resource_->attach(std::span(d_).first(3)), Status::InvalidParameter);
  EXPECT_EQ(d_[0].status, Status::Success);
  EXPECT_EQ(d_[1].status, Status::InvalidParameter);
  EXPECT_EQ(d_[2].status, Status::Success);
  EXPECT_EQ(resource_->attached(), 0u);
  EXPECT_EQ(resource_->free_slots(), resource_->total_slots());
}

TEST_F(IsochTalk, AttachChecksEachBuffersFields) {
  const auto status_of = [&](auto change) {
    IsochDescriptor& d = set(0, data_, 0, 64);
    change(d);
    static_cast<void>(resource_->attach(std::span(d_).first(1)));
    return d.status;
  };
  EXPECT_EQ(status_of([](auto& d) { d.buffer = nullptr; }), Status::InvalidParameter);
  EXPECT_EQ(status_of([&](auto& d) { d.offset = data_.size() - 32; }), Status::InvalidParameter);
  EXPECT_EQ(status_of([](auto& d) { d.length = 257; }), Status::InvalidParameter);  // > max size
  EXPECT_EQ(status_of([](auto& d) { d.max_bytes_per_frame = 65; }), Status::InvalidParameter);
  EXPECT_EQ(status_of([](auto& d) { d.tag = 4; }), Status::InvalidParameter);
  EXPECT_EQ(status_of([](auto& d) { d.synch = 16; }), Status::InvalidParameter);
  EXPECT_EQ(status_of([](auto& d) { d.flags = 0x100; }), Status::InvalidParameter);
  EXPECT_EQ(status_of([](auto& d) { d.flags = kDescriptorPriorityTimeDelivery; }),
            Status::NotSupported);
  EXPECT_EQ(status_of([](auto& d) { d.flags = kDescriptorHeaderScatterGather; }),
            Status::NotSupported);
  EXPECT_EQ(resource_->attached(), 0u);
}

TEST_F(IsochTalk, TooManyBuffersIsInsufficientResourcesFromTheFirstThatDoesNotFit) {
  for (std::size_t k = 0; k < 5; ++k) set(k, data_, 64 * k, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(3)), Status::Success);
  EXPECT_EQ(resource_->attach(std::span(d_).subspan(3, 2)), Status::InsufficientResources);
  EXPECT_EQ(d_[3].status, Status::Success);  // would have fitted, but nothing is attached
  EXPECT_EQ(d_[4].status, Status::InsufficientResources);
  EXPECT_EQ(resource_->attached(), 3u);
}

TEST_F(IsochTalk, AFullBlockPoolIsInsufficientResources) {
  // 16-byte packets: a 256-byte buffer takes 16 of the 17 slots.
  set(0, data_, 0, 256).max_bytes_per_frame = 16;
  set(1, data_, 256, 32).max_bytes_per_frame = 16;
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(resource_->free_slots(), 1u);
  EXPECT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::InsufficientResources);
  EXPECT_EQ(d_[1].status, Status::InsufficientResources);
  EXPECT_EQ(resource_->free_slots(), 1u);
}

TEST_F(IsochTalk, ABufferAttachedElsewhereIsRefusedAndItsStatusLeftAlone) {
  set(0, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(resource_->attach(std::span(d_).first(1)), Status::InvalidParameter);
  EXPECT_EQ(d_[0].status, Status::Pending);
  IsochDescriptor* twice[] = {&d_[1], &d_[1]};
  set(1, data_, 64, 64);
  EXPECT_EQ(resource_->attach(std::span<IsochDescriptor* const>(twice)), Status::InvalidParameter);
  EXPECT_EQ(resource_->attached(), 1u);
}

// Talk ---------------------------------------------------------------------------------------

TEST_F(IsochTalk, TalkStartsTheContextAtTheFirstBlock) {
  set(0, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  hal_.log.clear();
  ASSERT_EQ(resource_->talk(), Status::Success);
  const std::uint32_t command_ptr = hal_.registers.command_ptr(0);
  EXPECT_EQ(command_ptr & 0xFu, 3u);
  EXPECT_EQ(hal_.writes().back(), write_of(kControlSet, kRun));
  EXPECT_EQ(resource_->state(), StreamState::kRunning);
}

TEST_F(IsochTalk, TalkWithAStartCycleMatchesThatCycle) {
  ResourceConfig config = talk_config();
  config.flags |= kResourceSynchOnTime;
  config.context = 1;
  const auto resource = allocate(config);
  set(0, data_, 0, 64);
  ASSERT_EQ(resource->attach(std::span(d_).first(1)), Status::Success);
  CycleTime start;
  start.seconds = 5;
  start.count = 1234;
  start.offset = 99;  // ignored
  ASSERT_EQ(resource->talk(start), Status::Success);
  // cycleMatchEnable | cycleSeconds[1:0] : cycleCount at bit 16.
  EXPECT_EQ(hal_.writes().back(), write_of(0x210, kRun | 1u << 31 | (1u << 13 | 1234u) << 16));
}

TEST_F(IsochTalk, AStartCycleNeedsResourceSynchOnTime) {
  CycleTime start;
  start.count = 10;
  EXPECT_EQ(resource_->talk(start), Status::InvalidParameter);
  EXPECT_EQ(resource_->state(), StreamState::kStopped);
}

TEST_F(IsochTalk, TheFirstBuffersSynchOnTimeGivesTheStartCycle) {
  IsochDescriptor& first = set(0, data_, 0, 64);
  first.flags = kDescriptorSynchOnTime;
  first.cycle_time.seconds = 2;
  first.cycle_time.count = 7;
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(resource_->talk(), Status::Success);
  EXPECT_EQ(hal_.writes().back(), write_of(kControlSet, kRun | 1u << 31 | (2u << 13 | 7u) << 16));
}

TEST_F(IsochTalk, SynchOnTimeOnALaterBufferIsInvalid) {
  set(0, data_, 0, 64);
  set(1, data_, 64, 64).flags = kDescriptorSynchOnTime;
  EXPECT_EQ(resource_->attach(std::span(d_).first(2)), Status::InvalidParameter);
  EXPECT_EQ(d_[1].status, Status::InvalidParameter);
}

TEST_F(IsochTalk, TalkWithNothingAttachedStartsTheContextAtTheFirstAttach) {
  hal_.log.clear();
  ASSERT_EQ(resource_->talk(), Status::Success);
  EXPECT_EQ(resource_->state(), StreamState::kWaiting);
  EXPECT_TRUE(hal_.writes().empty());
  set(0, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(resource_->state(), StreamState::kRunning);
  EXPECT_EQ(hal_.writes().back(), write_of(kControlSet, kRun));
  it_.started();
  EXPECT_EQ(it_.data_address(), data_.bus_address());
}

TEST_F(IsochTalk, TalkTwiceOrListenIsRefused) {
  EXPECT_EQ(resource_->listen(), Status::InvalidParameter);
  ASSERT_EQ(resource_->talk(), Status::Success);
  EXPECT_EQ(resource_->talk(), Status::InvalidDeviceState);
}

// Completions ----------------------------------------------------------------------------------

TEST_F(IsochTalk, CallbacksRunOnlyForTheBuffersThatAskedAndInOrder) {
  CallbackLog log;
  for (std::size_t k = 0; k < 3; ++k) set(k, data_, 64 * k, 64);
  ask_callback(d_[0], log);
  ask_callback(d_[2], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(3)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(3), 3u);
  EXPECT_EQ(log.calls, (std::vector<void*>{&d_[0], &d_[2]}));
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(d_[k].status, Status::Success) << k;
}

TEST_F(IsochTalk, OneInterruptPerBatchWithACallbackOnItsLast) {
  // Two batches of four one-packet buffers, the callback on the last of each.
  CallbackLog log;
  for (std::size_t k = 0; k < 8; ++k) set(k, data_, 64 * k, 64);
  ask_callback(d_[3], log);
  ask_callback(d_[7], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(4)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  std::size_t batch = 1;
  unsigned interrupts = 0;
  for (int packet = 0; packet < 8; ++packet) {
    ASSERT_TRUE(it_.send(cycle_++)) << packet;
    if (hal_.registers.iso_xmit_event() != 0) {
      ++interrupts;
      deliver_interrupts();
      if (batch == 1) {
        // The first batch is done: detach it and attach the second.
        ASSERT_EQ(resource_->detach(std::span(d_).first(4)), Status::Success);
        ASSERT_EQ(resource_->attach(std::span(d_).subspan(4, 4)), Status::Success);
        it_.wake();
        ++batch;
      }
    }
  }
  EXPECT_EQ(interrupts, 2u);
  EXPECT_EQ(log.calls, (std::vector<void*>{&d_[3], &d_[7]}));
}

TEST_F(IsochTalk, TheWalkStopsAtTheFirstBufferNotComplete) {
  CallbackLog log;
  set(0, data_, 0, 64);
  set(1, data_, 64, 128);
  ask_callback(d_[1], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(2), 2u);  // buffer 0 and the first packet of buffer 1
  resource_->poll();
  EXPECT_EQ(d_[0].status, Status::Success);
  EXPECT_EQ(d_[1].status, Status::Pending);
  EXPECT_TRUE(log.calls.empty());
  EXPECT_EQ(resource_->pending(), 1u);
}

TEST_F(IsochTalk, TimeStampOnCompletionIsTheCycleOfTheBuffersLastPacket) {
  ASSERT_EQ(bus_.free_resources(resource_), Status::Success);
  set_cycle_timer(9u << 25 | 300u << 12);  // now: second 9, cycle 300
  resource_ = allocate(talk_config());
  set(0, data_, 0, 128).flags = kDescriptorTimeStampOnCompletion;
  set(1, data_, 128, 64);  // no stamp asked for
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  cycle_ = 1u << 13 | 250;  // cycleSeconds[2:0] = 1 (second 9), cycle 250
  EXPECT_EQ(send(3), 3u);
  resource_->poll();
  EXPECT_EQ(d_[0].cycle_time.seconds, 9u);
  EXPECT_EQ(d_[0].cycle_time.count, 251u);
  EXPECT_EQ(d_[0].cycle_time.offset, 0u);
  EXPECT_EQ(d_[1].cycle_time.count, 0u);
}

TEST_F(IsochTalk, ATimeStampFromTheSecondsBeforeTheCycleTimerWrapsBack) {
  ASSERT_EQ(bus_.free_resources(resource_), Status::Success);
  set_cycle_timer(16u << 25 | 10u << 12);  // second 16 (low bits 000), cycle 10
  resource_ = allocate(talk_config());
  set(0, data_, 0, 64).flags = kDescriptorTimeStampOnCompletion;
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  cycle_ = 7u << 13 | 7999;  // the last cycle of second 15
  EXPECT_EQ(send(1), 1u);
  resource_->poll();
  EXPECT_EQ(d_[0].cycle_time.seconds, 15u);
  EXPECT_EQ(d_[0].cycle_time.count, 7999u);
}

struct Refill {
  IsochResource* resource;
  IsochDescriptor* done;
  IsochDescriptor* next;
  Status detached = Status::Pending;
  Status attached = Status::Pending;
};

void refill(void* context, void* /*unused*/) {
  auto* refill = static_cast<Refill*>(context);
  refill->detached = refill->resource->detach(std::span(refill->done, 1));
  refill->attached = refill->resource->attach(std::span(refill->next, 1));
}

TEST_F(IsochTalk, ACallbackMayDetachItsBufferAndAttachTheNext) {
  Refill context{resource_.get(), &d_[0], &d_[1]};
  set(0, data_, 0, 64);
  d_[0].callback = refill;
  d_[0].context1 = &context;
  set(1, data_, 64, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(1), 1u);
  EXPECT_EQ(context.detached, Status::Success);
  EXPECT_EQ(context.attached, Status::Success);
  EXPECT_EQ(resource_->attached(), 1u);
  it_.wake();  // the context ran out; the attach woke it
  EXPECT_EQ(it_.data_address(), data_.bus_address() + 64);
  EXPECT_EQ(send(1), 1u);
  resource_->poll();
  EXPECT_EQ(d_[1].status, Status::Success);
}

TEST_F(IsochTalk, ADeadContextFailsThePendingBuffersAndStopsTheStream) {
  CallbackLog log;
  set(0, data_, 0, 64);
  set(1, data_, 64, 64);
  ask_callback(d_[1], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(1), 1u);
  hal_.registers.set_context_control(0, kRun | test::kDead | 0x07);  // evt_data_read
  hal_.registers.raise_events(regs::int_event::kUnrecoverableError.mask());
  deliver_interrupts();
  resource_->poll();
  EXPECT_EQ(d_[0].status, Status::Success);
  EXPECT_EQ(d_[1].status, Status::DeviceError);
  EXPECT_EQ(log.calls, (std::vector<void*>{&d_[1]}));  // ready to be detached
  EXPECT_EQ(resource_->state(), StreamState::kStopped);
  EXPECT_EQ(resource_->last_error(), Status::DeviceError);
  EXPECT_EQ(hal_.registers.context_control(0) & kRun, 0u);
}

// The efficient pattern: two batches of K one-packet buffers in flight, a callback on the last
// of each; the callback detaches its batch and attaches the one after next.
struct Streamer {
  IsochResource* resource = nullptr;
  std::array<IsochDescriptor, 16>* buffers = nullptr;
  DmaBuffer* data = nullptr;
  unsigned batches_attached = 0;
  unsigned batches_total = 0;
  unsigned callbacks = 0;
  Status last = Status::Success;
};
constexpr std::size_t kBatch = 8;

void attach_batch(Streamer& streamer) {
  const std::size_t base = (streamer.batches_attached % 2) * kBatch;
  for (std::size_t k = 0; k < kBatch; ++k) {
    IsochDescriptor& d = (*streamer.buffers)[base + k];
    d = IsochDescriptor{};
    d.buffer = streamer.data;
    d.offset = 64 * ((streamer.batches_attached * kBatch + k) % 16);
    d.length = 64;
    d.synch = (streamer.batches_attached * kBatch + k) % 16;  // numbers the packets
  }
  IsochDescriptor& last = (*streamer.buffers)[base + kBatch - 1];
  last.callback = [](void* context, void* /*unused*/) {
    auto& s = *static_cast<Streamer*>(context);
    ++s.callbacks;
    const std::size_t done = ((s.callbacks - 1) % 2) * kBatch;
    s.last = s.resource->detach(std::span(*s.buffers).subspan(done, kBatch));
    if (succeeded(s.last) && s.batches_attached < s.batches_total) attach_batch(s);
  };
  last.context1 = &streamer;
  streamer.last = streamer.resource->attach(std::span(*streamer.buffers).subspan(base, kBatch));
  ++streamer.batches_attached;
}

TEST_F(IsochTalk, AContinuousStreamRefilledFromItsCallbacksNeverRunsOut) {
  ResourceConfig config = talk_config();
  config.number_of_buffers = 2 * kBatch + 1;
  config.max_buffer_size = 64;
  config.context = 1;
  const auto resource = allocate(config);
  FakeIt it(hal_, 1);
  std::array<IsochDescriptor, 16> buffers{};
  constexpr unsigned kPackets = 200;  // 25 batches
  Streamer streamer{resource.get(), &buffers, &data_, 0, kPackets / kBatch};
  attach_batch(streamer);
  attach_batch(streamer);
  ASSERT_EQ(streamer.last, Status::Success);
  ASSERT_EQ(resource->talk(), Status::Success);
  it.started();
  unsigned interrupts = 0;
  for (unsigned n = 0; n < kPackets; ++n) {
    ASSERT_FALSE(it.idle()) << "ran out before packet " << n;
    EXPECT_EQ(it.header() & 0xFu, n % 16) << n;  // in order
    EXPECT_EQ(it.data_address(), data_.bus_address() + 64 * (n % 16)) << n;
    ASSERT_TRUE(it.send(cycle_++));
    if (hal_.registers.iso_xmit_event() != 0) {
      ++interrupts;
      deliver_interrupts();
      ASSERT_EQ(streamer.last, Status::Success) << n;
    }
  }
  EXPECT_TRUE(it.idle());  // exactly after the last packet
  EXPECT_EQ(interrupts, kPackets / kBatch);
  EXPECT_EQ(streamer.callbacks, kPackets / kBatch);
  EXPECT_EQ(resource->run_outs(), 0u);
  EXPECT_EQ(resource->missed_packets(), 0u);
  EXPECT_EQ(resource->attached(), 0u);
  // Everything is free but the last block, which the idle context may still read.
  EXPECT_EQ(resource->free_slots(), resource->total_slots() - 1);
}

// Run-out ------------------------------------------------------------------------------------

TEST_F(IsochTalk, TheContextIsIdleRightAfterTheLastAttachedPacket) {
  set(0, data_, 0, 128);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(10), 2u);
  const ContextStatus status = resource_->context_status();
  EXPECT_TRUE(status.run);
  EXPECT_FALSE(status.active);
  EXPECT_TRUE(status.idle());
}

TEST_F(IsochTalk, AnAttachToAnIdleContextPatchesItsLastBranchThenWakes) {
  set(0, data_, 0, 64);
  set(1, data_, 64, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  ASSERT_EQ(send(1), 1u);
  resource_->poll();
  const BlockView idle_on = it_.current();
  hal_.watch_address = idle_on.address + 40;  // its branch word
  hal_.log.clear();
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::Success);
  const std::uint32_t branch = hal_.quadlet(idle_on.address + 40);
  EXPECT_EQ(branch & 0xFu, 3u);
  ASSERT_EQ(hal_.log.size(), 4u);
  EXPECT_EQ(hal_.log[0], read_of(kControlSet, kRun));  // idle: ran out
  EXPECT_EQ(hal_.log[1], barrier());                   // the new block first
  EXPECT_EQ(hal_.log[1].watched, 0u);                  // the program still ended
  EXPECT_EQ(hal_.log[2], barrier());                   // then the patch
  EXPECT_EQ(hal_.log[2].watched, branch);
  EXPECT_EQ(hal_.log[3], write_of(kControlSet, kWake));  // then the wake
  EXPECT_EQ(resource_->run_outs(), 1u);
  it_.wake();
  EXPECT_EQ(it_.data_address(), data_.bus_address() + 64);
}

TEST_F(IsochTalk, AnAttachWhileTheContextRunsAppendsWithoutARunOut) {
  set(0, data_, 0, 128);
  set(1, data_, 128, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::Success);
  EXPECT_EQ(resource_->run_outs(), 0u);
  EXPECT_EQ(send(10), 3u);  // no gap: the context never went idle before the third packet
  EXPECT_EQ(resource_->missed_packets(), 0u);
}

TEST_F(IsochTalk, TalkCountsTheCyclesWithoutAPacket) {
  set(0, data_, 0, 128);
  set(1, data_, 128, 128);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(2), 2u);  // cycles 100, 101, then idle
  cycle_ = 105;            // 102, 103, 104 pass without a packet
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::Success);
  it_.wake();
  EXPECT_EQ(send(2), 2u);  // 105, 106
  resource_->poll();
  EXPECT_EQ(resource_->missed_packets(), 3u);
}

TEST_F(IsochTalk, TheBlockTheContextIdlesOnIsKeptUntilALaterBufferCompletes) {
  set(0, data_, 0, 128);
  set(1, data_, 128, 128);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(2), 2u);
  resource_->poll();
  const BlockView idle_on = it_.current();
  ASSERT_EQ(resource_->detach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(resource_->free_slots(), resource_->total_slots() - 1);  // the idle block is kept
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::Success);
  it_.wake();
  EXPECT_NE(it_.current().address, idle_on.address);  // the new blocks are elsewhere
  EXPECT_EQ(send(2), 2u);
  resource_->poll();
  // The context has passed the kept block: it is free again; buffer 1's blocks are still held.
  EXPECT_EQ(resource_->free_slots(), resource_->total_slots() - 2);
}

// Detach -------------------------------------------------------------------------------------

TEST_F(IsochTalk, DetachingACompletedBufferReleasesItAndKeepsItsStatus) {
  set(0, data_, 0, 128);
  set(1, data_, 128, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(2), 2u);
  hal_.log.clear();
  ASSERT_EQ(resource_->detach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(d_[0].status, Status::Success);
  EXPECT_EQ(resource_->attached(), 1u);
  EXPECT_TRUE(hal_.writes().empty());  // the context was not disturbed
  // Buffer 0's first block is free; its last is kept until a later buffer completes (the
  // context may still be reading its branch word); buffer 1 holds one.
  EXPECT_EQ(resource_->free_slots(), resource_->total_slots() - 2);
  EXPECT_EQ(send(1), 1u);
  resource_->poll();
  EXPECT_EQ(resource_->free_slots(), resource_->total_slots() - 1);
}

TEST_F(IsochTalk, DetachingAnInFlightBufferCancelsItWithoutACallbackAndRestartsBehindIt) {
  CallbackLog log;
  set(0, data_, 0, 192);
  set(1, data_, 256, 64);
  ask_callback(d_[0], log);
  ask_callback(d_[1], log);
  ASSERT_EQ(resource_->attach(std::span(d_).first(2)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(1), 1u);  // buffer 0 is in flight
  hal_.log.clear();
  ASSERT_EQ(resource_->detach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(d_[0].status, Status::Cancelled);
  EXPECT_EQ(hal_.writes().front(), write_of(kControlClear, kRun));  // stopped first
  EXPECT_EQ(resource_->state(), StreamState::kRunning);             // and restarted
  it_.started();
  EXPECT_EQ(it_.data_address(), data_.bus_address() + 256);  // at buffer 1
  EXPECT_EQ(send(5), 1u);
  EXPECT_EQ(log.calls, (std::vector<void*>{&d_[1]}));  // never buffer 0's
  EXPECT_EQ(resource_->free_slots(), resource_->total_slots() - 1);
}

TEST_F(IsochTalk, DetachingTheOnlyPendingBufferLeavesTheStreamWaiting) {
  set(0, data_, 0, 128);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  ASSERT_EQ(resource_->detach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(d_[0].status, Status::Cancelled);
  EXPECT_EQ(resource_->state(), StreamState::kWaiting);
  EXPECT_EQ(resource_->free_slots(), resource_->total_slots());
  set(1, data_, 128, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::Success);
  EXPECT_EQ(resource_->state(), StreamState::kRunning);
}

TEST_F(IsochTalk, DetachingABufferNotStartedOnAStoppedResourceUnlinksIt) {
  for (std::size_t k = 0; k < 3; ++k) set(k, data_, 64 * k, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(3)), Status::Success);
  hal_.log.clear();
  ASSERT_EQ(resource_->detach(std::span(d_).subspan(1, 1)), Status::Success);
  EXPECT_EQ(d_[1].status, Status::Cancelled);
  EXPECT_TRUE(hal_.writes().empty());
  ASSERT_EQ(talk(), Status::Success);
  const std::vector<BlockView> blocks = it_program(0);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(talk_block(hal_, blocks[0].address).data_address, data_.bus_address());
  EXPECT_EQ(talk_block(hal_, blocks[1].address).data_address, data_.bus_address() + 128);
}

TEST_F(IsochTalk, DetachRefusesABufferNotAttachedHere) {
  set(0, data_, 0, 64);
  set(1, data_, 64, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(resource_->detach(std::span(d_).first(2)), Status::InvalidParameter);
  EXPECT_EQ(resource_->attached(), 1u);
  EXPECT_EQ(d_[0].status, Status::Pending);
}

TEST_F(IsochTalk, StopKeepsTheBuffersAndTalkResumesAtTheFirstPacketNotSent) {
  set(0, data_, 0, 192);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(send(1), 1u);
  ASSERT_EQ(resource_->stop(), Status::Success);
  EXPECT_EQ(resource_->state(), StreamState::kStopped);
  EXPECT_EQ(d_[0].status, Status::Pending);
  EXPECT_EQ(hal_.registers.context_control(0) & (kRun | kActive), 0u);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(it_.data_address(), data_.bus_address() + 64);  // packet 1
  EXPECT_EQ(send(5), 2u);
  resource_->poll();
  EXPECT_EQ(d_[0].status, Status::Success);
}

TEST_F(IsochTalk, ModifyStreamPropertiesOnlyWhileStoppedAndEmpty) {
  set(0, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(resource_->modify_stream_properties(9, IsochSpeed::kS200), Status::InvalidDeviceState);
  ASSERT_EQ(resource_->detach(std::span(d_).first(1)), Status::Success);
  EXPECT_EQ(resource_->modify_stream_properties(64, IsochSpeed::kS200), Status::InvalidParameter);
  ASSERT_EQ(resource_->modify_stream_properties(9, IsochSpeed::kS200), Status::Success);
  set(1, data_, 0, 64);
  ASSERT_EQ(resource_->attach(std::span(d_).subspan(1, 1)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(it_.header(), 1u << 16 | 9u << 8 | 0xA0u);
}

TEST_F(IsochTalk, AttachAndDetachTakePointersToo) {
  set(0, data_, 0, 64);
  set(5, data_, 64, 64);
  IsochDescriptor* batch[] = {&d_[5], &d_[0]};
  ASSERT_EQ(resource_->attach(std::span<IsochDescriptor* const>(batch)), Status::Success);
  ASSERT_EQ(talk(), Status::Success);
  EXPECT_EQ(it_.data_address(), data_.bus_address() + 64);  // in the batch's order
  ASSERT_EQ(resource_->detach(std::span<IsochDescriptor* const>(batch)), Status::Success);
  EXPECT_EQ(resource_->attached(), 0u);
}

}  // namespace
}  // namespace ohci::fw
