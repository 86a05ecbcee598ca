// The register window as software first meets it (reference/ohci-isoch.md 1).
#include "cosim_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using RegisterWindow = CosimTest;

TEST_F(RegisterWindow, VersionReadsAsOhci11WithoutGuidRom) {
  // [23:16] version 0x01, [7:0] revision 0x10, GUID_ROM (bit 24) clear.
  EXPECT_EQ(hal_.read32(regs::kVersion), 0x0001'0010u);
  EXPECT_EQ(hal_.last_access_cycles(), kRegisterAccessCycles);
}

TEST_F(RegisterWindow, ContextCountsAreDiscoveredByWritingOnesToTheMasks) {
  // As Linux does: write all ones to IsoXmit/IsoRecvIntMaskSet, read back, then clear.
  hal_.write32(regs::kIsoXmitIntMaskSet, 0xFFFF'FFFFu);
  EXPECT_EQ(hal_.last_access_cycles(), kRegisterAccessCycles);
  EXPECT_EQ(hal_.read32(regs::kIsoXmitIntMaskSet), 0xFu);  // N_IT = 4
  hal_.write32(regs::kIsoRecvIntMaskSet, 0xFFFF'FFFFu);
  EXPECT_EQ(hal_.read32(regs::kIsoRecvIntMaskSet), 0xFu);  // N_IR = 4
  hal_.write32(regs::kIsoXmitIntMaskClear, 0xFFFF'FFFFu);
  EXPECT_EQ(hal_.read32(regs::kIsoXmitIntMaskSet), 0u);
  auto result = controller_.bring_up();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().contexts.it_count(), 4u);
  EXPECT_EQ(result.value().contexts.ir_count(), 4u);
}

TEST_F(RegisterWindow, IrContextRegistersHoldWhatOhciSaysTheyHold) {
  using regs::IrContextReg;
  const std::uint32_t n = 2;
  // ContextMatch: a plain register; bits 27 and 7 are reserved and read 0.
  hal_.write32(regs::ir_context(n, IrContextReg::kContextMatch), 0xFFFF'FFFFu);
  EXPECT_EQ(hal_.read32(regs::ir_context(n, IrContextReg::kContextMatch)), 0xF7FF'FF7Fu);
  // The mode bits set and clear; dualBufferMode (27) is not implemented and reads 0.
  hal_.write32(regs::ir_context(n, IrContextReg::kContextControlSet), 0xF800'0000u);
  EXPECT_EQ(hal_.read32(regs::ir_context(n, IrContextReg::kContextControlSet)), 0xF000'0000u);
  EXPECT_EQ(hal_.read32(regs::ir_context(n, IrContextReg::kContextControlClear)), 0xF000'0000u);
  hal_.write32(regs::ir_context(n, IrContextReg::kContextControlClear), 0x5000'0000u);
  EXPECT_EQ(hal_.read32(regs::ir_context(n, IrContextReg::kContextControlSet)), 0xA000'0000u);
  // CommandPtr takes a write while stopped, and not while running.
  hal_.write32(regs::ir_context(n, IrContextReg::kCommandPtr), 0x0001'2342u);
  EXPECT_EQ(hal_.read32(regs::ir_context(n, IrContextReg::kCommandPtr)), 0x0001'2342u);
  hal_.write32(regs::ir_context(n, IrContextReg::kContextControlSet),
               regs::context_control::kRun.mask());
  hal_.write32(regs::ir_context(n, IrContextReg::kCommandPtr), 0x0005'6781u);
  EXPECT_EQ(hal_.read32(regs::ir_context(n, IrContextReg::kCommandPtr)), 0x0001'2342u);
  // Running with a block and no packet: active. DroppedPackets is read-only.
  const std::uint32_t control = hal_.read32(regs::ir_context(n, IrContextReg::kContextControlSet));
  EXPECT_NE(control & regs::context_control::kRun.mask(), 0u);
  EXPECT_NE(control & regs::context_control::kActive.mask(), 0u);
  hal_.write32(regs::ir_context(n, IrContextReg::kDroppedPackets), 0x1234u);
  EXPECT_EQ(hal_.read32(regs::ir_context(n, IrContextReg::kDroppedPackets)), 0u);
  // The other contexts are untouched.
  EXPECT_EQ(hal_.read32(regs::ir_context(1, IrContextReg::kContextMatch)), 0u);
  EXPECT_EQ(hal_.read32(regs::ir_context(3, IrContextReg::kContextControlSet)), 0u);
}

TEST_F(RegisterWindow, UnimplementedOffsetsReadZeroAndIgnoreWrites) {
  // GUID ROM, the reserved quadlets around the configuration ROM registers, Vendor ID, the
  // reserved quadlets after InitialChannelsAvailable and PhyUpperBound, the reserved quadlet of
  // an asynchronous context block, IT blocks past N_IT, the reserved quadlets of an IR block,
  // IR blocks past N_IR, and the last quadlet of the window.
  for (std::uint32_t offset : {0x004u, 0x02Cu, 0x030u, 0x040u, 0x0BCu, 0x124u, 0x188u, 0x240u,
                               0x24Cu, 0x3F0u, 0x408u, 0x414u, 0x418u, 0x480u, 0x49Cu, 0x7FCu}) {
    hal_.write32(offset, 0xFFFF'FFFFu);
    EXPECT_EQ(hal_.last_access_cycles(), kRegisterAccessCycles) << std::hex << offset;
    EXPECT_EQ(hal_.read32(offset), 0u) << std::hex << offset;
    EXPECT_EQ(hal_.last_access_cycles(), kRegisterAccessCycles) << std::hex << offset;
  }
}

TEST_F(RegisterWindow, ReadingIntEventClearReturnsEventAndMask) {
  // softInterrupt (29) and cycleTooLong (25) set by software; only 29 unmasked.
  hal_.write32(regs::kIntEventSet, (1u << 29) | (1u << 25));
  hal_.write32(regs::kIntMaskSet, 1u << 29);
  EXPECT_EQ(hal_.read32(regs::kIntEventSet), (1u << 29) | (1u << 25));
  EXPECT_EQ(hal_.read32(regs::kIntEventClear), 1u << 29);
  hal_.write32(regs::kIntEventClear, 1u << 29);
  EXPECT_EQ(hal_.read32(regs::kIntEventSet), 1u << 25);
}

TEST_F(RegisterWindow, IrqIsMasterIntEnableAndAnUnmaskedEvent) {
  hal_.write32(regs::kIntEventSet, 1u << 29);
  hal_.write32(regs::kIntMaskSet, 1u << 29);
  world_.run(2);
  EXPECT_EQ(node_.core().irq, 0) << "masterIntEnable is clear";
  hal_.write32(regs::kIntMaskSet, regs::int_mask::kMasterIntEnable.mask());
  world_.run(2);
  EXPECT_EQ(node_.core().irq, 1);
  hal_.write32(regs::kIntEventClear, 1u << 29);
  world_.run(2);
  EXPECT_EQ(node_.core().irq, 0);
}

TEST_F(RegisterWindow, SoftResetSelfClearsAndRestoresPowerOnValues) {
  hal_.write32(regs::kIntMaskSet, 0x8000'0000u);
  hal_.write32(regs::kHcControlSet, 1u << 16);
  EXPECT_NE(hal_.read32(regs::kHcControlSet) & (1u << 16), 0u) << "still resetting";
  world_.run(4);
  EXPECT_EQ(hal_.read32(regs::kHcControlSet) & (1u << 16), 0u);
  EXPECT_EQ(hal_.read32(regs::kIntMaskSet), 0u);
}

}  // namespace
}  // namespace ohci::tb
