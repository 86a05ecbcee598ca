#include "ohci/it_context.hpp"

#include "context_registers.hpp"

namespace ohci::fw {
namespace {

namespace context_control = regs::context_control;
namespace it_control = regs::it_context_control;
using Reg = regs::ItContextReg;

// Where context `index`'s ContextControlSet/Clear and CommandPtr are.
ContextRegisters registers_of(std::uint32_t index) {
  return {regs::it_context(index, Reg::kContextControlSet),
          regs::it_context(index, Reg::kContextControlClear),
          regs::it_context(index, Reg::kCommandPtr)};
}

}  // namespace

Result<ItContext> ItContext::open(Hal& hal, std::uint32_t index, std::uint32_t available) {
  if (index >= regs::kContextsMax || (available & (1u << index)) == 0) {
    return Status::InvalidParameter;
  }
  return ItContext(hal, index);
}

Status ItContext::start(BlockRef first, std::optional<std::uint32_t> cycle_match) {
  const Result<std::uint32_t> command_ptr = encode_block_ref(first, /*allow_end=*/false);
  if (!command_ptr) return command_ptr.status();
  std::uint32_t run = context_control::kRun.mask();
  if (cycle_match) {
    // cycleSeconds[1:0] : cycleCount; a count of 8000 or more never comes.
    if (!it_control::kCycleMatch.fits(*cycle_match) || (*cycle_match & 0x1FFFu) >= 8000u) {
      return Status::InvalidParameter;
    }
    run |= it_control::kCycleMatchEnable.mask() | it_control::kCycleMatch.put(*cycle_match);
  }
  // CommandPtr may only be written while the context is stopped.
  if (!status().stopped()) return Status::InvalidDeviceState;

  start_context(*hal_, registers_of(index()), *command_ptr, run);
  return Status::Success;
}

Status ItContext::append(DmaBuffer& buffer, std::size_t branch_offset, BlockRef next) {
  return append_block(*hal_, registers_of(index()), buffer, branch_offset, next);
}

void ItContext::wake() {
  wake_context(*hal_, registers_of(index()));
}

Status ItContext::stop(std::uint32_t poll_limit) {
  return stop_context(*hal_, registers_of(index()), poll_limit);
}

ContextStatus ItContext::status() {
  return decode_context_control(hal_->read32(offset(Reg::kContextControlSet)));
}

std::uint32_t ItContext::command_ptr() {
  return hal_->read32(offset(Reg::kCommandPtr));
}

void ItContext::enable_interrupt() {
  hal_->write32(regs::kIsoXmitIntMaskSet, bit());
}

void ItContext::disable_interrupt() {
  hal_->write32(regs::kIsoXmitIntMaskClear, bit());
}

void ItContext::clear_interrupt_event() {
  hal_->write32(regs::kIsoXmitIntEventClear, bit());
}

}  // namespace ohci::fw
