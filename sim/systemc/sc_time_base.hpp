// Clock and cycle numbers of the SystemC platform: the same 49.152 MHz clk and the same cycle
// numbering as the C++ kernel (world.hpp), so figures and traces from both line up.
//
// clk is an sc_clock of period 2 * kHalfPeriodPs ps that starts low: the falling edge that opens
// cycle c is at 2*c*kHalfPeriodPs ps, the rising edge of cycle c (edge c, where the RTL's flops
// take the inputs of cycle c) at (2*c + 1)*kHalfPeriodPs ps. Components drive pins in the low
// half of a cycle (at or after its falling edge) and sample them at the rising edge, where every
// process still sees the values from before the edge: the discipline of the C++ kernel's
// drive/eval/sample/edge.
#pragma once

#include <cstdint>
#include <systemc>

namespace ohci::sc {

inline constexpr std::uint64_t kHalfPeriodPs = 10173;  // as World::kHalfPeriodPs
inline constexpr double kClkHz = 49.152e6;

inline sc_core::sc_time clk_period() {
  return sc_core::sc_time(static_cast<double>(2 * kHalfPeriodPs), sc_core::SC_PS);
}

inline std::uint64_t now_ps() {
  return static_cast<std::uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5);
}

// The cycle whose rising edge is next (as World::cycle()): at its falling edge and during its low
// half that is the cycle the time is in; from a rising edge on, the next one.
inline std::uint64_t next_rising_edge() {
  return (now_ps() + kHalfPeriodPs) / (2 * kHalfPeriodPs);
}

// Whether pins written now are seen at the next rising edge as inputs of its cycle without a
// race with that edge: the time is in the low half of a cycle.
inline bool in_low_half() {
  return now_ps() % (2 * kHalfPeriodPs) < kHalfPeriodPs;
}

// Whole clk cycles covering `delay` (0 for no delay).
inline std::uint64_t cycles_covering(const sc_core::sc_time& delay) {
  const double cycles = delay / clk_period();
  const auto whole = static_cast<std::uint64_t>(cycles);
  return static_cast<double>(whole) < cycles - 1e-9 ? whole + 1 : whole;
}

}  // namespace ohci::sc
