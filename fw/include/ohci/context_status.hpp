// ContextControl decoded: the run/active state machine that IT and IR contexts share
// (reference/ohci-isoch.md 1.4, 3.1). IR descriptors reuse it for their xferStatus, which is
// ContextControl[15:0] at completion.
#pragma once

#include <cstdint>

#include "ohci/regmap.hpp"

namespace ohci::fw {

// ContextControl[15:0] decoded (the mode bits above 15 differ between IT and IR).
struct ContextStatus {
  std::uint32_t raw = 0;
  bool run = false;
  bool wake = false;
  bool dead = false;
  bool active = false;
  std::uint32_t speed = 0;
  regs::EventCode event = regs::EventCode::kEvtNoStatus;

  // Ran off the end of its program (a branch with Z = 0) and waits for a wake.
  bool idle() const { return run && !active && !dead; }
  // CommandPtr may be written.
  bool stopped() const { return !run && !active; }
};

ContextStatus decode_context_control(std::uint32_t value);

}  // namespace ohci::fw
