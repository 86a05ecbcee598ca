// IrContext (start, safe append, wake, stop, status, filter, dropped packets, interrupt bits) and
// the controller's IRMultiChanMask helpers, against the fake.
#include "ohci/ir_context.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>
#include <vector>

#include "fake_hal.hpp"
#include "ohci/controller.hpp"

namespace ohci::fw {
namespace {

using test::Access;
using test::barrier;
using test::FakeConfig;
using test::FakeHal;
using test::read_of;
using test::write_of;

// IR context 1's registers and the ContextControl bits, written out independently.
constexpr std::uint32_t kContext = 1;
constexpr std::uint32_t kControlSet = 0x400 + 0x20 * kContext;
constexpr std::uint32_t kControlClear = kControlSet + 0x4;
constexpr std::uint32_t kCommandPtr = kControlSet + 0xC;
constexpr std::uint32_t kContextMatch = kControlSet + 0x10;
constexpr std::uint32_t kDroppedPackets = kControlSet + 0x1C;
constexpr std::uint32_t kBufferFill = 1u << 31;
constexpr std::uint32_t kIsochHeader = 1u << 30;
constexpr std::uint32_t kCycleMatchEnable = 1u << 29;
constexpr std::uint32_t kMultiChanMode = 1u << 28;
constexpr std::uint32_t kRun = 1u << 15;
constexpr std::uint32_t kWake = 1u << 12;
constexpr std::uint32_t kDead = 1u << 11;
constexpr std::uint32_t kActive = 1u << 10;

IrContext open_context(FakeHal& hal) {
  return *IrContext::open(hal, kContext);
}

TEST(IrContext, OpensOnlyContextsThatExist) {
  FakeHal hal;
  EXPECT_TRUE(IrContext::open(hal, 31).ok());
  EXPECT_EQ(IrContext::open(hal, 32).status(), Status::InvalidParameter);
  EXPECT_EQ(IrContext::open(hal, 4, /*available=*/0xF).status(), Status::InvalidParameter);
  EXPECT_EQ(IrContext::open(hal, 3, 0xF)->index(), 3u);
  EXPECT_TRUE(hal.log.empty());
}

TEST(IrContext, StartWritesCommandPtrClearMatchThenRunAndFlushes) {
  FakeHal hal;
  IrContext context = open_context(hal);
  IrStartOptions options;
  options.channel = 5;
  ASSERT_EQ(context.start(BlockRef{0x00100040, 3}, options), Status::Success);
  EXPECT_EQ(hal.log, (std::vector<Access>{
                         read_of(kControlSet, 0),  // stopped: CommandPtr may be written
                         barrier(),  // the program is visible before CommandPtr names it
                         write_of(kCommandPtr, 0x00100043), write_of(kControlClear, 0xFFFFFFFF),
                         write_of(kContextMatch, 0xF0000005),  // every tag, channel 5
                         write_of(kControlSet, kRun | kIsochHeader),
                         read_of(0x000, 0x00010010),  // dummy Version read
                     }));
  const IrContextStatus status = context.status();
  EXPECT_TRUE(status.run);
  EXPECT_TRUE(status.isoch_header);
  EXPECT_FALSE(status.buffer_fill);
  EXPECT_EQ(context.command_ptr(), 0x00100043u);
  EXPECT_EQ(context.context_match(), (IrContextMatch{0xF, 0, 0, false, 5}));
}

TEST(IrContext, StartBufferFillMultiChannelWithFilterAndCycleMatch) {
  FakeHal hal;
  IrContext context = open_context(hal);
  IrStartOptions options;
  options.buffer_fill = true;
  options.multi_channel = true;
  options.channel = 63;
  options.tags = 0x3;  // tags 01b and 00b
  options.sync = 0xA;
  options.tag1_sync_filter = true;
  options.cycle_match = (2u << 13) | 7999u;
  ASSERT_EQ(context.start(BlockRef{0x00100000, 1}, options), Status::Success);
  const std::vector<Access> writes = hal.writes();
  ASSERT_EQ(writes.size(), 4u);
  EXPECT_EQ(writes[2], write_of(kContextMatch, 0x3u << 28 | ((2u << 13) | 7999u) << 12 | 0xAu << 8 |
                                                   1u << 6 | 63u));
  EXPECT_EQ(writes[3], write_of(kControlSet, kRun | kBufferFill | kIsochHeader | kCycleMatchEnable |
                                                 kMultiChanMode));
  const IrContextStatus status = context.status();
  EXPECT_TRUE(status.buffer_fill);
  EXPECT_TRUE(status.multi_channel);
  EXPECT_TRUE(status.cycle_match_enable);
  EXPECT_EQ(context.context_match(), (IrContextMatch{0x3, (2u << 13) | 7999u, 0xA, true, 63}));
}

TEST(IrContext, StartWithoutIsochHeaderSetsOnlyRun) {
  FakeHal hal;
  IrContext context = open_context(hal);
  IrStartOptions options;
  options.isoch_header = false;
  ASSERT_EQ(context.start(BlockRef{0x00100000, 8}, options), Status::Success);
  EXPECT_EQ(hal.writes().back(), write_of(kControlSet, kRun));
}

TEST(IrContext, StartRefusesBadArgumentsWithoutTouchingTheController) {
  FakeHal hal;
  IrContext context = open_context(hal);
  const BlockRef block{0x00100000, 2};
  const auto start_with = [&](auto change, BlockRef first = BlockRef{0x00100000, 2}) {
    IrStartOptions options;
    change(options);
    return context.start(first, options);
  };
  const auto same = [](IrStartOptions&) {};
  EXPECT_EQ(start_with(same, BlockRef{0x00100000, 0}), Status::InvalidParameter);  // no block
  EXPECT_EQ(start_with(same, BlockRef{0x00100000, 9}), Status::InvalidParameter);
  EXPECT_EQ(start_with(same, BlockRef{0x00100008, 2}), Status::InvalidParameter);
  // Buffer-fill blocks are single descriptors.
  EXPECT_EQ(start_with([](IrStartOptions& o) { o.buffer_fill = true; }, block),
            Status::InvalidParameter);
  EXPECT_EQ(start_with([](IrStartOptions& o) { o.multi_channel = true; }),
            Status::InvalidParameter);  // multiChanMode needs bufferFill
  EXPECT_EQ(start_with([](IrStartOptions& o) { o.channel = 64; }), Status::InvalidParameter);
  EXPECT_EQ(start_with([](IrStartOptions& o) { o.tags = 0x10; }), Status::InvalidParameter);
  EXPECT_EQ(start_with([](IrStartOptions& o) { o.sync = 16; }), Status::InvalidParameter);
  EXPECT_EQ(start_with([](IrStartOptions& o) { o.cycle_match = 0x8000; }),
            Status::InvalidParameter);
  // cycleCount runs 0..7999.
  EXPECT_EQ(start_with([](IrStartOptions& o) { o.cycle_match = (3u << 13) | 8000u; }),
            Status::InvalidParameter);
  EXPECT_TRUE(hal.log.empty());
}

TEST(IrContext, StartRefusesARunningOrStoppingContext) {
  FakeHal hal;
  IrContext context = open_context(hal);
  hal.registers.set_ir_context_control(kContext, kRun);  // idle: run = 1, active = 0
  EXPECT_EQ(context.start(BlockRef{0x00100000, 2}), Status::InvalidDeviceState);
  hal.registers.set_ir_context_control(kContext, kActive);  // still stopping
  EXPECT_EQ(context.start(BlockRef{0x00100000, 2}), Status::InvalidDeviceState);
  EXPECT_TRUE(hal.writes().empty());
}

class IrContextAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    program_ = std::move(*DmaBuffer::allocate(hal_, 256));
    const std::array buffers{IrBuffer{0x2000, 8}, IrBuffer{0x3000, 1024}};
    first_ = *write_packet_per_buffer_block(program_, 0, IrBlockSpec{buffers});
    second_ = *write_packet_per_buffer_block(program_, 32, IrBlockSpec{buffers});
    hal_.watch_address = program_.bus_address() + static_cast<std::uint32_t>(first_.branch_offset);
  }

  FakeHal hal_;
  DmaBuffer program_;
  IrBlock first_;
  IrBlock second_;
};

TEST_F(IrContextAppendTest, PatchesTheInputLastBranchBetweenBarriersThenWakes) {
  IrContext context = open_context(hal_);
  ASSERT_EQ(context.start(first_), Status::Success);
  hal_.log.clear();

  ASSERT_EQ(context.append(program_, first_, second_.ref), Status::Success);
  // The branch word is the INPUT_LAST's (the second descriptor's) quadlet 2.
  EXPECT_EQ(first_.branch_offset, 16u + 8);
  const std::uint32_t branch_word = second_.ref.address | 2;
  EXPECT_EQ(hal_.memory_quadlet(*hal_.watch_address), branch_word);
  ASSERT_EQ(hal_.log, (std::vector<Access>{barrier(), barrier(), write_of(kControlSet, kWake)}));
  // The first barrier orders the new block before the patch: the branch still ends the program.
  EXPECT_EQ(hal_.log[0].watched, 0u);
  // By the second barrier, and so by the wake, the branch leads to the new block.
  EXPECT_EQ(hal_.log[1].watched, branch_word);
  EXPECT_EQ(hal_.log[2].watched, branch_word);
}

TEST_F(IrContextAppendTest, ExtendsABufferFillChain) {
  DmaBuffer chain = std::move(*DmaBuffer::allocate(hal_, 64));
  const IrBlock a = *write_buffer_fill_descriptor(chain, 0, {{0x4000, 256}});
  const IrBlock b = *write_buffer_fill_descriptor(chain, 16, {{0x4100, 256}});
  IrContext context = open_context(hal_);
  IrStartOptions options;
  options.buffer_fill = true;
  ASSERT_EQ(context.start(a, options), Status::Success);
  hal_.log.clear();
  hal_.watch_address = chain.bus_address() + 8;

  ASSERT_EQ(context.append(chain, a, b.ref), Status::Success);
  EXPECT_EQ(hal_.memory_quadlet(chain.bus_address() + 8), b.ref.address | 1);
  ASSERT_EQ(hal_.log, (std::vector<Access>{barrier(), barrier(), write_of(kControlSet, kWake)}));
  EXPECT_EQ(hal_.log[0].watched, 0u);
  EXPECT_EQ(hal_.log[2].watched, b.ref.address | 1);
}

TEST_F(IrContextAppendTest, RefusesBadAppendsWithoutWritingAnything) {
  IrContext context = open_context(hal_);
  EXPECT_EQ(context.append(program_, first_, BlockRef::end()), Status::InvalidParameter);
  EXPECT_EQ(context.append(program_, first_, BlockRef{second_.ref.address + 8, 2}),
            Status::InvalidParameter);
  EXPECT_EQ(context.append(program_, first_.branch_offset + 2, second_.ref),
            Status::InvalidParameter);
  EXPECT_EQ(context.append(program_, 256, second_.ref), Status::InvalidParameter);
  EXPECT_TRUE(hal_.log.empty());
  EXPECT_EQ(hal_.memory_quadlet(*hal_.watch_address), 0u);
}

TEST(IrContext, WakeSetsOnlyTheWakeBit) {
  FakeHal hal;
  open_context(hal).wake();
  EXPECT_EQ(hal.writes(), (std::vector<Access>{write_of(kControlSet, kWake)}));
}

TEST(IrContext, StopClearsRunAndWaitsForActiveToDrop) {
  FakeConfig config;
  config.stop_reads = 2;
  FakeHal hal(config);
  IrContext context = open_context(hal);
  ASSERT_EQ(context.start(BlockRef{0x00100000, 2}), Status::Success);
  hal.log.clear();

  ASSERT_EQ(context.stop(), Status::Success);
  constexpr std::uint32_t kMode = kIsochHeader;  // stays set: only run is cleared
  EXPECT_EQ(hal.log, (std::vector<Access>{
                         write_of(kControlClear, kRun), read_of(kControlSet, kMode | kActive),
                         read_of(kControlSet, kMode | kActive), read_of(kControlSet, kMode)}));
  EXPECT_TRUE(context.status().stopped());
}

TEST(IrContext, StopTimesOutWhenActiveNeverDrops) {
  FakeConfig config;
  config.stop_reads = FakeConfig::kNever;
  FakeHal hal(config);
  IrContext context = open_context(hal);
  ASSERT_EQ(context.start(BlockRef{0x00100000, 2}), Status::Success);
  hal.log.clear();

  EXPECT_EQ(context.stop(/*poll_limit=*/7), Status::Timeout);
  EXPECT_EQ(hal.reads().size(), 7u);
  EXPECT_EQ(hal.writes().size(), 1u);
}

TEST(IrContext, DecodesStatusWithTheModeBits) {
  FakeHal hal;
  IrContext context = open_context(hal);
  // Idle in buffer-fill mode after a packet at S400 with ack_complete.
  hal.registers.set_ir_context_control(kContext,
                                       kBufferFill | kIsochHeader | kRun | (2u << 5) | 0x11u);
  IrContextStatus status = context.status();
  EXPECT_TRUE(status.buffer_fill);
  EXPECT_TRUE(status.isoch_header);
  EXPECT_FALSE(status.multi_channel);
  EXPECT_FALSE(status.cycle_match_enable);
  EXPECT_TRUE(status.idle());
  EXPECT_EQ(status.speed, 2u);
  EXPECT_EQ(status.event, regs::EventCode::kAckComplete);

  hal.registers.set_ir_context_control(kContext, kRun | kDead | 0x0Eu);
  status = context.status();
  EXPECT_TRUE(status.dead);
  EXPECT_FALSE(status.idle());
  EXPECT_EQ(status.event, regs::EventCode::kEvtUnknown);
}

TEST(IrContext, ContextMatchBothWays) {
  const IrContextMatch match{0x9, 0x7FFF, 0xF, true, 42};
  const Result<std::uint32_t> word = encode_context_match(match);
  ASSERT_TRUE(word.ok());
  EXPECT_EQ(*word, 0x9u << 28 | 0x7FFFu << 12 | 0xFu << 8 | 1u << 6 | 42u);
  EXPECT_EQ(decode_context_match(*word), match);
  // Reserved bits 27 and 7 are not part of any field.
  EXPECT_EQ(decode_context_match(*word | 1u << 27 | 1u << 7), match);

  EXPECT_EQ(encode_context_match({0x10, 0, 0, false, 0}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_context_match({0xF, 0x8000, 0, false, 0}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_context_match({0xF, 0, 0x10, false, 0}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_context_match({0xF, 0, 0, false, 64}).status(), Status::InvalidParameter);
}

TEST(IrContext, DroppedPacketsCountFromTheLastStart) {
  FakeConfig config;
  config.stop_reads = 0;
  FakeHal hal(config);
  IrContext context = open_context(hal);
  ASSERT_EQ(context.start(BlockRef{0x00100000, 1}), Status::Success);
  hal.registers.set_ir_dropped_packets(kContext, 7);  // seven packets found it idle
  hal.log.clear();
  EXPECT_EQ(context.dropped_packets(), 7u);
  EXPECT_EQ(hal.log, (std::vector<Access>{read_of(kDroppedPackets, 7)}));

  ASSERT_EQ(context.stop(), Status::Success);
  EXPECT_EQ(context.dropped_packets(), 7u);  // kept while stopped
  ASSERT_EQ(context.start(BlockRef{0x00100000, 1}), Status::Success);
  EXPECT_EQ(context.dropped_packets(), 0u);
}

TEST(IrContext, InterruptBitsAreTheContextsOwn) {
  FakeHal hal;
  IrContext context = open_context(hal);
  context.enable_interrupt();
  EXPECT_EQ(hal.registers.iso_recv_mask(), 1u << kContext);
  hal.registers.raise_iso_recv_events(1u << kContext | 1u);
  context.clear_interrupt_event();
  EXPECT_EQ(hal.registers.iso_recv_event(), 1u);
  context.disable_interrupt();
  EXPECT_EQ(hal.registers.iso_recv_mask(), 0u);
  EXPECT_EQ(hal.writes(),
            (std::vector<Access>{write_of(0x0A8, 1u << kContext), write_of(0x0A4, 1u << kContext),
                                 write_of(0x0AC, 1u << kContext)}));
}

TEST(IrContext, ReadAndClearEventsReportsTheContextsBit) {
  FakeHal hal;
  Controller controller(hal);
  controller.enable_interrupts(regs::int_mask::kIsochRx.mask());
  IrContext context = open_context(hal);
  context.enable_interrupt();
  hal.registers.raise_iso_recv_events(1u << kContext);
  const Result<InterruptEvents> events = controller.read_and_clear_events();
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->has(regs::int_event::kIsochRx));  // IntEvent bit 7
  EXPECT_EQ(events->events & (1u << 7), 1u << 7);
  EXPECT_EQ(events->iso_recv, 1u << kContext);
  EXPECT_EQ(hal.registers.iso_recv_event(), 0u);
}

TEST(IrChannelMask, SetMakesTheMaskExactlyTheChannelsAsLinuxDoes) {
  FakeHal hal;
  Controller controller(hal);
  controller.enable_ir_channels(0xFFFF'FFFF'FFFF'FFFFull);
  hal.log.clear();
  // Channels 0, 31, 32 and 63.
  controller.set_ir_channel_mask(0x8000'0001'8000'0001ull);
  EXPECT_EQ(hal.writes(),
            (std::vector<Access>{write_of(0x074, 0x7FFF'FFFE), write_of(0x07C, 0x7FFF'FFFE),
                                 write_of(0x070, 0x8000'0001), write_of(0x078, 0x8000'0001)}));
  EXPECT_EQ(hal.registers.ir_multi_chan_mask(), 0x8000'0001'8000'0001ull);
  EXPECT_EQ(controller.read_ir_channel_mask(), 0x8000'0001'8000'0001ull);
}

TEST(IrChannelMask, EnableAndDisableTouchOnlyTheHalvesNamed) {
  FakeHal hal;
  Controller controller(hal);
  controller.enable_ir_channels(1ull << 5);   // Lo bit 5
  controller.enable_ir_channels(1ull << 40);  // Hi bit 8
  controller.disable_ir_channels(1ull << 5 | 1ull << 6);
  EXPECT_EQ(hal.writes(), (std::vector<Access>{write_of(0x078, 1u << 5), write_of(0x070, 1u << 8),
                                               write_of(0x07C, 1u << 5 | 1u << 6)}));
  EXPECT_EQ(controller.read_ir_channel_mask(), 1ull << 40);
}

}  // namespace
}  // namespace ohci::fw
