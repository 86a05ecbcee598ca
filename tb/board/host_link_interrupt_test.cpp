// The interrupt pin follows ohci_core's irq (docs/host-link.md, "Interrupt pin").
#include <optional>

#include "board_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using fw::spi::StatusCode;

// The edge at which the board first samples SCK high for the last bit of byte `byte` of a frame
// started at edge `start` (SpiTiming defaults: 8 clk of CS# setup, then 4 clk low and 4 clk high
// per bit; the pins change before the edge they are sampled at).
std::uint64_t last_bit_rise_edge(std::uint64_t start, std::size_t byte) {
  return start + 8 + (byte * 8 + 7) * 8 + 4;
}

// From that edge: SCK through the two synchroniser flops (edge +1), the byte complete
// (rx_valid, +2), AWVALID/WVALID (+3), AWREADY/WREADY (+4), the write handshake sets IntEvent
// (+5), ohci_core's registered irq (+6), ohci_board's irq_o flop (+7).
constexpr std::uint64_t kRegisterWriteToIrqPinEdges = 7;

TEST_F(BoardTest, IrqPinFollowsTheControllersInterruptLine) {
  std::optional<std::uint64_t> rose, fell;
  bool level = false;
  model_.set_on_edge([&](std::uint64_t edge) {
    const bool now = model_.pins().irq_o != 0;
    if (now && !level && !rose) rose = edge;
    if (!now && level && !fell) fell = edge;
    level = now;
  });
  const std::uint32_t soft = regs::int_event::kSoftInterrupt.mask();
  link_.write32(regs::kIntMaskSet, regs::int_mask::kMasterIntEnable.mask() | soft);
  EXPECT_FALSE(transport_.asserted());

  const std::uint64_t set_start = model_.cycle();
  link_.write32(regs::kIntEventSet, soft);
  ASSERT_TRUE(rose.has_value());
  EXPECT_EQ(*rose, last_bit_rise_edge(set_start, 6) + kRegisterWriteToIrqPinEdges);
  EXPECT_TRUE(transport_.asserted());
  // Every status byte carries the line too.
  const auto miso = frame(fw::spi::reg_read_frame(regs::kIntEventSet));
  EXPECT_EQ(miso[fw::spi::kRegReadStatusIndex], status_byte(StatusCode::Ok, true));

  const std::uint64_t clear_start = model_.cycle();
  link_.write32(regs::kIntEventClear, soft);
  ASSERT_TRUE(fell.has_value());
  EXPECT_EQ(*fell, last_bit_rise_edge(clear_start, 6) + kRegisterWriteToIrqPinEdges);
  EXPECT_FALSE(transport_.asserted());
  // S of that write was composed at its B response, before the write's effect on irq; the
  // next frame's S shows the line low.
  EXPECT_TRUE(link_.last_irq());
  link_.read32(regs::kVersion);
  EXPECT_FALSE(link_.last_irq());
  model_.set_on_edge(nullptr);
}

}  // namespace
}  // namespace ohci::tb
