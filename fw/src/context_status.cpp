#include "ohci/context_status.hpp"

namespace ohci::fw {

ContextStatus decode_context_control(std::uint32_t value) {
  namespace context_control = regs::context_control;
  return ContextStatus{
      value,
      context_control::kRun.get(value) != 0,
      context_control::kWake.get(value) != 0,
      context_control::kDead.get(value) != 0,
      context_control::kActive.get(value) != 0,
      context_control::kSpd.get(value),
      static_cast<regs::EventCode>(context_control::kEventCode.get(value)),
  };
}

}  // namespace ohci::fw
