#include "ohci/it_context.hpp"

#include "register_poll.hpp"

namespace ohci::fw {
namespace {

namespace context_control = regs::context_control;
namespace it_control = regs::it_context_control;
using Reg = regs::ItContextReg;

constexpr std::uint32_t kAllBits = 0xFFFFFFFF;
constexpr std::size_t kQuadletBytes = 4;

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

  // The program must be visible to the controller before CommandPtr and run point it there.
  hal_->write_barrier();
  hal_->write32(offset(Reg::kCommandPtr), *command_ptr);
  hal_->write32(offset(Reg::kContextControlClear), kAllBits);
  hal_->write32(offset(Reg::kContextControlSet), run);
  // A read makes sure the posted writes have reached the controller.
  static_cast<void>(hal_->read32(regs::kVersion));
  return Status::Success;
}

Status ItContext::append(DmaBuffer& buffer, std::size_t branch_offset, BlockRef next) {
  const Result<std::uint32_t> branch_word = encode_block_ref(next, /*allow_end=*/false);
  if (!branch_word) return branch_word.status();
  if (branch_offset % kQuadletBytes != 0 || !buffer.contains(branch_offset, kQuadletBytes)) {
    return Status::InvalidParameter;
  }
  // The new block's descriptors reach memory before the branch that leads to them ...
  hal_->write_barrier();
  const Status patched = buffer.write_quadlet(branch_offset, *branch_word);
  if (!succeeded(patched)) return patched;
  // ... and the branch before the wake that makes the controller re-read it.
  hal_->write_barrier();
  wake();
  return Status::Success;
}

void ItContext::wake() {
  hal_->write32(offset(Reg::kContextControlSet), context_control::kWake.mask());
}

Status ItContext::stop(std::uint32_t poll_limit) {
  hal_->write32(offset(Reg::kContextControlClear), context_control::kRun.mask());
  return poll_register(*hal_, offset(Reg::kContextControlSet), context_control::kActive.mask(), 0,
                       poll_limit);
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
