// The host link's register frames against ohci_core's register window (docs/host-link.md).
#include <vector>

#include "board_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using fw::spi::StatusCode;

TEST_F(BoardTest, SpiRegisterReadOfVersionReturnsOhci11) {
  const auto miso = frame(fw::spi::reg_read_frame(regs::kVersion));
  ASSERT_EQ(miso.size(), fw::spi::kRegReadFrameBytes);
  // Command, address and turnaround answer 0x00; then S (OK, irq low), then the value.
  EXPECT_EQ(miso, (std::vector<std::uint8_t>{0, 0, 0, 0, status_byte(StatusCode::Ok), 0x00, 0x01,
                                             0x00, 0x10}));
  EXPECT_EQ(link_.read32(regs::kVersion), 0x0001'0010u);
}

TEST_F(BoardTest, SpiRegisterWriteIsReadBack) {
  // IRMultiChanMaskHi: every one of its 32 bits is writable (Set) and readable.
  const auto miso = frame(fw::spi::reg_write_frame(regs::kIrMultiChanMaskHiSet, 0xA5C3'0F81));
  EXPECT_EQ(miso[fw::spi::kRegWriteStatusIndex], status_byte(StatusCode::Ok));
  EXPECT_EQ(link_.read32(regs::kIrMultiChanMaskHiSet), 0xA5C3'0F81u);
  link_.write32(regs::kIrMultiChanMaskHiClear, 0x0000'0F00);
  EXPECT_EQ(link_.read32(regs::kIrMultiChanMaskHiClear), 0xA5C3'0081u);
}

TEST_F(BoardTest, RegisterFrameCostsEightClkPerBitPlusChipSelectTiming) {
  const std::uint64_t start = model_.cycle();
  link_.read32(regs::kVersion);
  // SpiTiming defaults: 8 clk setup, 4 hold, 8 idle around 9 bytes of 8 bits.
  EXPECT_EQ(model_.cycle() - start, 8 + 9 * 8 * kClksPerBit + 4 + 8);
}

}  // namespace
}  // namespace ohci::tb
