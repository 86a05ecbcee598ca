// Controller bring-up and controller-wide registers against the fake register file.
#include "ohci/controller.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "fake_hal.hpp"

namespace ohci::fw {
namespace {

using test::Access;
using test::FakeConfig;
using test::FakeHal;
using test::read_of;
using test::write_of;

// OHCI offsets and bits written out here, independently of the generated register map.
constexpr std::uint32_t kVersion = 0x000;
constexpr std::uint32_t kHcControlSet = 0x050;
constexpr std::uint32_t kIntEventClear = 0x084;
constexpr std::uint32_t kIntMaskSet = 0x088;
constexpr std::uint32_t kIntMaskClear = 0x08C;
constexpr std::uint32_t kIsoXmitIntEventClear = 0x094;
constexpr std::uint32_t kIsoXmitIntMaskSet = 0x098;
constexpr std::uint32_t kIsoXmitIntMaskClear = 0x09C;
constexpr std::uint32_t kIsoRecvIntMaskSet = 0x0A8;
constexpr std::uint32_t kIsoRecvIntMaskClear = 0x0AC;
constexpr std::uint32_t kLinkControlSet = 0x0E0;
constexpr std::uint32_t kNodeId = 0x0E8;
constexpr std::uint32_t kCycleTimer = 0x0F0;

constexpr std::uint32_t kSoftReset = 1u << 16;
constexpr std::uint32_t kLinkEnable = 1u << 17;
constexpr std::uint32_t kLps = 1u << 19;
constexpr std::uint32_t kCycleTimerEnable = 1u << 20;
constexpr std::uint32_t kCycleMaster = 1u << 21;
constexpr std::uint32_t kIsochTx = 1u << 6;
constexpr std::uint32_t kIsochRx = 1u << 7;
constexpr std::uint32_t kBusReset = 1u << 17;
constexpr std::uint32_t kCycleSynch = 1u << 20;
constexpr std::uint32_t kUnrecoverableError = 1u << 24;
constexpr std::uint32_t kMasterIntEnable = 1u << 31;

TEST(Controller, BringUpWritesInOrder) {
  FakeConfig config;
  config.soft_reset_reads = 2;
  FakeHal hal(config);
  Controller controller(hal);
  BringUpConfig bring_up;
  bring_up.cycle_master = true;
  bring_up.interrupts = kIsochTx | kCycleSynch;

  const Result<BringUpResult> result = controller.bring_up(bring_up);
  ASSERT_TRUE(result.ok()) << to_string(result.status());

  const std::vector<Access> expected{
      read_of(kVersion, 0x00010010),
      write_of(kHcControlSet, kSoftReset),
      read_of(kHcControlSet, kSoftReset),  // still resetting, twice
      read_of(kHcControlSet, kSoftReset),
      read_of(kHcControlSet, 0),
      write_of(kHcControlSet, kLps),
      read_of(kHcControlSet, kLps),
      write_of(kIsoRecvIntMaskSet, 0xFFFFFFFF),
      read_of(kIsoRecvIntMaskSet, 0xF),
      write_of(kIsoRecvIntMaskClear, 0xFFFFFFFF),
      write_of(kIsoXmitIntMaskSet, 0xFFFFFFFF),
      read_of(kIsoXmitIntMaskSet, 0xF),
      write_of(kIsoXmitIntMaskClear, 0xFFFFFFFF),
      write_of(kLinkControlSet, kCycleTimerEnable | kCycleMaster),
      write_of(kIntMaskSet, kMasterIntEnable | kIsochTx | kCycleSynch),
      write_of(kHcControlSet, kLinkEnable),
      read_of(kNodeId, (1u << 31) | (1u << 30) | (0x3FFu << 6) | 3),
  };
  EXPECT_EQ(hal.log, expected);

  EXPECT_EQ(result->version.version, 0x01u);
  EXPECT_EQ(result->version.revision, 0x10u);
  EXPECT_EQ(result->contexts.it_count(), 4u);
  EXPECT_EQ(result->contexts.ir_count(), 4u);
  EXPECT_TRUE(result->node_id.id_valid);
  EXPECT_TRUE(result->node_id.root);
  EXPECT_EQ(result->node_id.node_number, 3u);
  EXPECT_EQ(result->node_id.bus_number, 0x3FFu);
  // The fake holds what was asked for, and the discovery left no context interrupt enabled.
  EXPECT_EQ(hal.registers.hc_control(), kLps | kLinkEnable);
  EXPECT_EQ(hal.registers.link_control(), kCycleTimerEnable | kCycleMaster);
  EXPECT_EQ(hal.registers.int_mask(), kMasterIntEnable | kIsochTx | kCycleSynch);
  EXPECT_EQ(hal.registers.iso_xmit_mask(), 0u);
  EXPECT_EQ(hal.registers.iso_recv_mask(), 0u);
}

TEST(Controller, BringUpWithoutCycleMasterUsesTheDefaultInterrupts) {
  FakeHal hal;
  ASSERT_TRUE(Controller(hal).bring_up().ok());
  EXPECT_EQ(hal.registers.link_control(), kCycleTimerEnable);
  EXPECT_EQ(hal.registers.int_mask(), kMasterIntEnable | kIsochTx | kIsochRx | kUnrecoverableError);
}

TEST(Controller, RefusesAControllerThatIsNotOhci11) {
  FakeConfig config;
  config.version = 0x00000100;  // OHCI 1.0 + revision 0: not ours
  FakeHal hal(config);
  EXPECT_EQ(Controller(hal).bring_up().status(), Status::NotSupported);
  EXPECT_TRUE(hal.writes().empty());
}

TEST(Controller, VersionCheckIgnoresTheGuidRomBit) {
  FakeConfig config;
  config.version = 0x01010010;
  FakeHal hal(config);
  const Result<Version> version = Controller(hal).read_version();
  ASSERT_TRUE(version.ok());
  EXPECT_TRUE(version->guid_rom);
}

TEST(Controller, SoftResetGivesUpAfterThePollLimit) {
  FakeConfig config;
  config.soft_reset_reads = FakeConfig::kNever;
  FakeHal hal(config);
  EXPECT_EQ(Controller(hal).soft_reset(/*poll_limit=*/5), Status::Timeout);
  EXPECT_EQ(hal.reads().size(), 5u);

  FakeHal stuck(config);
  EXPECT_EQ(Controller(stuck).bring_up().status(), Status::Timeout);
  EXPECT_EQ(stuck.writes().size(), 1u);  // the reset request only; nothing after it
}

TEST(Controller, DiscoversContextsAsLinuxDoes) {
  FakeConfig config;
  config.it_contexts = 0xFF;
  config.ir_contexts = 0x3;
  FakeHal hal(config);
  const ContextSupport support = Controller(hal).discover_contexts();
  EXPECT_EQ(support.it_mask, 0xFFu);
  EXPECT_EQ(support.ir_mask, 0x3u);
  EXPECT_EQ(support.it_count(), 8u);
  EXPECT_EQ(support.ir_count(), 2u);
  EXPECT_EQ(hal.registers.iso_xmit_mask(), 0u);
}

TEST(Controller, AssumesFourItContextsWhenTheMaskReadsBackZero) {
  FakeConfig config;
  config.it_contexts = 0;  // JMicron JMB38x
  FakeHal hal(config);
  EXPECT_EQ(Controller(hal).discover_contexts().it_mask, 0xFu);
}

TEST(Controller, DecodesCycleTimerAndNodeId) {
  FakeConfig config;
  config.cycle_timer = (5u << 25) | (1234u << 12) | 100u;
  FakeHal hal(config);
  Controller controller(hal);
  const CycleTime time = controller.read_cycle_timer();
  EXPECT_EQ(time.seconds, 5u);
  EXPECT_EQ(time.count, 1234u);
  EXPECT_EQ(time.offset, 100u);
  EXPECT_EQ(time.cycle_match(), (1u << 13) | 1234u);  // seconds[1:0] = 01

  const NodeId node = controller.read_node_id();
  EXPECT_FALSE(node.id_valid);  // link not enabled yet
  EXPECT_EQ(node.node_number, 3u);
}

TEST(Controller, InterruptMasterEnableOnAndOff) {
  FakeHal hal;
  Controller controller(hal);
  controller.enable_interrupts(kCycleSynch);
  controller.disable_interrupts();
  EXPECT_EQ(hal.writes(),
            (std::vector<Access>{write_of(kIntMaskSet, kMasterIntEnable | kCycleSynch),
                                 write_of(kIntMaskClear, kMasterIntEnable)}));
  EXPECT_EQ(hal.registers.int_mask(), kCycleSynch);
}

TEST(Controller, ReadsAndClearsEventsIncludingPerContextOnes) {
  FakeHal hal;
  Controller controller(hal);
  controller.enable_interrupts(kIsochTx | kCycleSynch);
  hal.registers.write(kIsoXmitIntMaskSet, 0b0110);      // contexts 1 and 2 unmasked
  hal.registers.raise_events(kCycleSynch | kBusReset);  // busReset is masked out
  hal.registers.raise_iso_xmit_events(0b1010);          // context 3 is masked out
  hal.log.clear();

  const Result<InterruptEvents> events = controller.read_and_clear_events();
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->events, kCycleSynch | kIsochTx);
  EXPECT_TRUE(events->has(regs::int_event::kCycleSynch));
  EXPECT_EQ(events->iso_xmit, 0b0010u);
  EXPECT_EQ(events->iso_recv, 0u);
  EXPECT_EQ(hal.log, (std::vector<Access>{
                         read_of(kIntEventClear, kCycleSynch | kIsochTx),
                         write_of(kIntEventClear, kCycleSynch | kIsochTx),
                         read_of(kIsoXmitIntEventClear, 0b0010),
                         write_of(kIsoXmitIntEventClear, 0b0010),
                     }));
  // Acknowledged events are gone; masked ones were neither reported nor cleared.
  EXPECT_EQ(hal.registers.int_event(), kBusReset);
  EXPECT_EQ(hal.registers.iso_xmit_event(), 0b1000u);
}

TEST(Controller, LeavesBusResetAndPostedWriteErrForTheirHandlers) {
  // As Linux does: both are reported but not acknowledged by the generic read-and-clear.
  FakeHal hal;
  Controller controller(hal);
  const std::uint32_t kPostedWriteErr = regs::int_event::kPostedWriteErr.mask();
  controller.enable_interrupts(kCycleSynch | kBusReset | kPostedWriteErr);
  hal.registers.raise_events(kCycleSynch | kBusReset | kPostedWriteErr);
  hal.log.clear();
  const Result<InterruptEvents> events = controller.read_and_clear_events();
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->events, kCycleSynch | kBusReset | kPostedWriteErr);
  EXPECT_EQ(hal.writes(), (std::vector<Access>{write_of(kIntEventClear, kCycleSynch)}));
  EXPECT_EQ(hal.registers.int_event(), kBusReset | kPostedWriteErr);
}

TEST(Controller, NoEventsMeansNoWrites) {
  FakeHal hal;
  const Result<InterruptEvents> events = Controller(hal).read_and_clear_events();
  ASSERT_TRUE(events.ok());
  EXPECT_FALSE(events->any());
  EXPECT_TRUE(hal.writes().empty());
}

// A Hal whose register window reads all ones, as a controller that has gone away does.
class GoneHal final : public FakeHal {
 public:
  std::uint32_t read32(std::uint32_t) override { return 0xFFFFFFFF; }
};

TEST(Controller, AllOnesEventsMeanTheDeviceIsGone) {
  GoneHal hal;
  EXPECT_EQ(Controller(hal).read_and_clear_events().status(), Status::DeviceError);
  EXPECT_TRUE(hal.writes().empty());
}

}  // namespace
}  // namespace ohci::fw
