// ItContext: start, safe append, wake, stop, status and interrupt bits against the fake.
#include "ohci/it_context.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "fake_hal.hpp"

namespace ohci::fw {
namespace {

using test::Access;
using test::barrier;
using test::FakeConfig;
using test::FakeHal;
using test::read_of;
using test::write_of;

// IT context 2's registers and the ContextControl bits, written out independently.
constexpr std::uint32_t kContext = 2;
constexpr std::uint32_t kControlSet = 0x200 + 0x10 * kContext;
constexpr std::uint32_t kControlClear = kControlSet + 0x4;
constexpr std::uint32_t kCommandPtr = kControlSet + 0xC;
constexpr std::uint32_t kRun = 1u << 15;
constexpr std::uint32_t kWake = 1u << 12;
constexpr std::uint32_t kDead = 1u << 11;
constexpr std::uint32_t kActive = 1u << 10;
constexpr std::uint32_t kCycleMatchEnable = 1u << 31;

ItContext open_context(FakeHal& hal) {
  return *ItContext::open(hal, kContext);
}

TEST(ItContext, OpensOnlyContextsThatExist) {
  FakeHal hal;
  EXPECT_TRUE(ItContext::open(hal, 31).ok());
  EXPECT_EQ(ItContext::open(hal, 32).status(), Status::InvalidParameter);
  EXPECT_EQ(ItContext::open(hal, 4, /*available=*/0xF).status(), Status::InvalidParameter);
  EXPECT_EQ(ItContext::open(hal, 3, 0xF)->index(), 3u);
  EXPECT_TRUE(hal.log.empty());
}

TEST(ItContext, StartPublishesTheProgramThenWritesCommandPtrThenRunThenFlushes) {
  FakeHal hal;
  ItContext context = open_context(hal);
  ASSERT_EQ(context.start(BlockRef{0x00100040, 3}), Status::Success);
  EXPECT_EQ(hal.log,
            (std::vector<Access>{
                read_of(kControlSet, 0),  // stopped: CommandPtr may be written
                barrier(),                // the program is visible before CommandPtr names it
                write_of(kCommandPtr, 0x00100043), write_of(kControlClear, 0xFFFFFFFF),
                write_of(kControlSet, kRun), read_of(0x000, 0x00010010),  // dummy Version read
            }));
  EXPECT_TRUE(context.status().run);
  EXPECT_EQ(context.command_ptr(), 0x00100043u);
}

TEST(ItContext, StartWithCycleMatch) {
  FakeHal hal;
  ItContext context = open_context(hal);
  ASSERT_EQ(context.start(BlockRef{0x00100000, 2}, 0x5ABC), Status::Success);
  EXPECT_EQ(hal.writes().back(), write_of(kControlSet, kRun | kCycleMatchEnable | 0x5ABCu << 16));
}

TEST(ItContext, StartRefusesACycleMatchWhoseCountNeverComes) {
  FakeHal hal;
  ItContext context = open_context(hal);
  // cycleMatch = cycleSeconds[1:0] : cycleCount, and cycleCount runs 0..7999.
  EXPECT_EQ(context.start(BlockRef{0x00100000, 2}, (1u << 13) | 8000u), Status::InvalidParameter);
  EXPECT_EQ(context.start(BlockRef{0x00100000, 2}, (1u << 13) | 7999u), Status::Success);
}

TEST(ItContext, StartRefusesARunningOrStoppingContext) {
  FakeHal hal;
  ItContext context = open_context(hal);
  hal.registers.set_context_control(kContext, kRun);  // idle: run = 1, active = 0
  EXPECT_EQ(context.start(BlockRef{0x00100000, 2}), Status::InvalidDeviceState);
  hal.registers.set_context_control(kContext, kActive);  // still stopping
  EXPECT_EQ(context.start(BlockRef{0x00100000, 2}), Status::InvalidDeviceState);
  EXPECT_TRUE(hal.writes().empty());
}

TEST(ItContext, StartRefusesBadArgumentsWithoutTouchingTheController) {
  FakeHal hal;
  ItContext context = open_context(hal);
  EXPECT_EQ(context.start(BlockRef{0x00100000, 0}), Status::InvalidParameter);  // no block
  EXPECT_EQ(context.start(BlockRef{0x00100000, 9}), Status::InvalidParameter);
  EXPECT_EQ(context.start(BlockRef{0x00100004, 2}), Status::InvalidParameter);
  EXPECT_EQ(context.start(BlockRef{0x00100000, 2}, 0x8000), Status::InvalidParameter);
  EXPECT_TRUE(hal.log.empty());
}

class ItContextAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    buffer_ = std::move(*DmaBuffer::allocate(hal_, 256));
    const std::array pieces{PayloadPiece{0x2000, 64}};
    first_ = *write_packet_block(buffer_, 0, ItPacket{{}, pieces});
    second_ = *write_packet_block(buffer_, 64, ItPacket{{}, pieces});
    hal_.watch_address = buffer_.bus_address() + static_cast<std::uint32_t>(first_.branch_offset);
  }

  FakeHal hal_;
  DmaBuffer buffer_;
  ItBlock first_;
  ItBlock second_;
};

TEST_F(ItContextAppendTest, PatchesTheBranchBetweenBarriersThenWakes) {
  ItContext context = open_context(hal_);
  ASSERT_EQ(context.start(first_), Status::Success);
  hal_.log.clear();

  ASSERT_EQ(context.append(buffer_, first_, second_.ref), Status::Success);
  const std::uint32_t branch_word = second_.ref.address | second_.ref.z;
  EXPECT_EQ(hal_.memory_quadlet(*hal_.watch_address), branch_word);
  ASSERT_EQ(hal_.log, (std::vector<Access>{barrier(), barrier(), write_of(kControlSet, kWake)}));
  // The first barrier orders the new block before the patch: the branch still ends the program.
  EXPECT_EQ(hal_.log[0].watched, 0u);
  // By the second barrier, and so by the wake, the branch leads to the new block.
  EXPECT_EQ(hal_.log[1].watched, branch_word);
  EXPECT_EQ(hal_.log[2].watched, branch_word);
}

TEST_F(ItContextAppendTest, RefusesBadAppendsWithoutWritingAnything) {
  ItContext context = open_context(hal_);
  EXPECT_EQ(context.append(buffer_, first_, BlockRef::end()), Status::InvalidParameter);
  EXPECT_EQ(context.append(buffer_, first_, BlockRef{second_.ref.address + 8, 3}),
            Status::InvalidParameter);
  EXPECT_EQ(context.append(buffer_, first_.branch_offset + 2, second_.ref),
            Status::InvalidParameter);
  EXPECT_EQ(context.append(buffer_, 256, second_.ref), Status::InvalidParameter);
  EXPECT_TRUE(hal_.log.empty());
  EXPECT_EQ(hal_.memory_quadlet(*hal_.watch_address), 0u);
}

TEST(ItContext, WakeSetsOnlyTheWakeBit) {
  FakeHal hal;
  open_context(hal).wake();
  EXPECT_EQ(hal.writes(), (std::vector<Access>{write_of(kControlSet, kWake)}));
}

TEST(ItContext, StopClearsRunAndWaitsForActiveToDrop) {
  FakeConfig config;
  config.stop_reads = 2;
  FakeHal hal(config);
  ItContext context = open_context(hal);
  ASSERT_EQ(context.start(BlockRef{0x00100000, 2}), Status::Success);
  hal.log.clear();

  ASSERT_EQ(context.stop(), Status::Success);
  EXPECT_EQ(hal.log,
            (std::vector<Access>{write_of(kControlClear, kRun), read_of(kControlSet, kActive),
                                 read_of(kControlSet, kActive), read_of(kControlSet, 0)}));
  EXPECT_TRUE(context.status().stopped());
}

TEST(ItContext, StopTimesOutWhenActiveNeverDrops) {
  FakeConfig config;
  config.stop_reads = FakeConfig::kNever;
  FakeHal hal(config);
  ItContext context = open_context(hal);
  ASSERT_EQ(context.start(BlockRef{0x00100000, 2}), Status::Success);
  hal.log.clear();

  EXPECT_EQ(context.stop(/*poll_limit=*/7), Status::Timeout);
  EXPECT_EQ(hal.reads().size(), 7u);
  EXPECT_EQ(hal.writes().size(), 1u);
}

TEST(ItContext, DecodesStatus) {
  FakeHal hal;
  ItContext context = open_context(hal);
  hal.registers.set_context_control(kContext, kRun | kWake | (2u << 5) | 0x11u);
  ContextStatus status = context.status();
  EXPECT_TRUE(status.run);
  EXPECT_TRUE(status.wake);
  EXPECT_FALSE(status.active);
  EXPECT_FALSE(status.dead);
  EXPECT_EQ(status.speed, 2u);
  EXPECT_EQ(status.event, regs::EventCode::kAckComplete);
  EXPECT_TRUE(status.idle());

  hal.registers.set_context_control(kContext, kRun | kDead | 0x06u);
  status = context.status();
  EXPECT_TRUE(status.dead);
  EXPECT_FALSE(status.idle());
  EXPECT_EQ(status.event, regs::EventCode::kEvtDescriptorRead);
  EXPECT_EQ(regs::to_string(status.event), "evt_descriptor_read");
}

TEST(ItContext, InterruptBitsAreTheContextsOwn) {
  FakeHal hal;
  ItContext context = open_context(hal);
  context.enable_interrupt();
  EXPECT_EQ(hal.registers.iso_xmit_mask(), 1u << kContext);
  hal.registers.raise_iso_xmit_events(1u << kContext | 1u);
  context.clear_interrupt_event();
  EXPECT_EQ(hal.registers.iso_xmit_event(), 1u);
  context.disable_interrupt();
  EXPECT_EQ(hal.writes(),
            (std::vector<Access>{write_of(0x098, 1u << kContext), write_of(0x094, 1u << kContext),
                                 write_of(0x09C, 1u << kContext)}));
}

}  // namespace
}  // namespace ohci::fw
