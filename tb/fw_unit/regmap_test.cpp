// The generated register map header agrees with the OHCI numbers written out by hand.
#include "ohci/regmap.hpp"

#include <gtest/gtest.h>

namespace ohci::regs {
namespace {

TEST(Regmap, ContextOffsets) {
  static_assert(it_context(0, ItContextReg::kContextControlSet) == 0x200);
  static_assert(it_context(3, ItContextReg::kCommandPtr) == 0x23C);
  static_assert(it_context(31, ItContextReg::kContextControlClear) == 0x3F4);
  static_assert(ir_context(1, IrContextReg::kContextMatch) == 0x430);
  static_assert(ir_context(31, IrContextReg::kContextMatch) == 0x7F0);
  static_assert(kContextsMax == 32);
}

TEST(Regmap, FieldHelpers) {
  static_assert(hc_control::kSoftReset.mask() == 1u << 16);
  static_assert(isochronous_cycle_timer::kCycleCount.mask() == 0x01FFF000);
  static_assert(isochronous_cycle_timer::kCycleCount.get(0xFFFFFFFF) == 0x1FFF);
  static_assert(it_context_control::kCycleMatch.put(0x7FFF) == 0x7FFF0000);
  static_assert(it_context_control::kCycleMatch.fits(0x7FFF));
  static_assert(!it_context_control::kCycleMatch.fits(0x8000));
  static_assert(iso_xmit_int_mask::kContexts.mask() == 0xFFFFFFFF);
  static_assert(version::kValue == 0x00010010);
  EXPECT_EQ(int_mask::kMasterIntEnable.mask(), 0x80000000u);
}

TEST(Regmap, EncodingsHaveSpecificationNames) {
  static_assert(static_cast<std::uint32_t>(EventCode::kEvtUnderrun) == 0x04);
  static_assert(static_cast<std::uint32_t>(EventCode::kAckComplete) == 0x11);
  static_assert(static_cast<std::uint32_t>(DescCmd::kStoreValue) == 0x8);
  static_assert(static_cast<std::uint32_t>(DescKey::kImmediate) == 0x2);
  static_assert(static_cast<std::uint32_t>(Tcode::kIsoBlock) == 0xA);
  EXPECT_EQ(to_string(EventCode::kEvtUnderrun), "evt_underrun");
  EXPECT_EQ(to_string(DescCmd::kOutputLast), "OUTPUT_LAST");
  EXPECT_EQ(to_string(static_cast<EventCode>(0x01)), "reserved");
}

}  // namespace
}  // namespace ohci::regs
