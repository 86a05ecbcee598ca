#include "ohci/ir_context.hpp"

#include "context_registers.hpp"

namespace ohci::fw {
namespace {

namespace context_control = regs::context_control;
namespace ir_control = regs::ir_context_control;
namespace match_field = regs::context_match;
using Reg = regs::IrContextReg;

constexpr std::uint32_t kCyclesPerSecond = 8000;

// Where context `index`'s ContextControlSet/Clear and CommandPtr are.
ContextRegisters registers_of(std::uint32_t index) {
  return {regs::ir_context(index, Reg::kContextControlSet),
          regs::ir_context(index, Reg::kContextControlClear),
          regs::ir_context(index, Reg::kCommandPtr)};
}

}  // namespace

IrContextStatus decode_ir_context_control(std::uint32_t value) {
  IrContextStatus status;
  static_cast<ContextStatus&>(status) = decode_context_control(value);
  status.buffer_fill = ir_control::kBufferFill.get(value) != 0;
  status.isoch_header = ir_control::kIsochHeader.get(value) != 0;
  status.cycle_match_enable = ir_control::kCycleMatchEnable.get(value) != 0;
  status.multi_channel = ir_control::kMultiChanMode.get(value) != 0;
  return status;
}

Result<std::uint32_t> encode_context_match(const IrContextMatch& match) {
  if (!match_field::kTag.fits(match.tags) || !match_field::kCycleMatch.fits(match.cycle_match) ||
      !match_field::kSync.fits(match.sync) || !match_field::kChannelNumber.fits(match.channel)) {
    return Status::InvalidParameter;
  }
  return match_field::kTag.put(match.tags) | match_field::kCycleMatch.put(match.cycle_match) |
         match_field::kSync.put(match.sync) |
         match_field::kTag1SyncFilter.put(match.tag1_sync_filter ? 1u : 0u) |
         match_field::kChannelNumber.put(match.channel);
}

IrContextMatch decode_context_match(std::uint32_t value) {
  return IrContextMatch{match_field::kTag.get(value), match_field::kCycleMatch.get(value),
                        match_field::kSync.get(value), match_field::kTag1SyncFilter.get(value) != 0,
                        match_field::kChannelNumber.get(value)};
}

Result<IrContext> IrContext::open(Hal& hal, std::uint32_t index, std::uint32_t available) {
  if (index >= regs::kContextsMax || (available & (1u << index)) == 0) {
    return Status::InvalidParameter;
  }
  return IrContext(hal, index);
}

Status IrContext::start(BlockRef first, const IrStartOptions& options) {
  const Result<std::uint32_t> command_ptr = encode_block_ref(first, /*allow_end=*/false);
  if (!command_ptr) return command_ptr.status();
  // A buffer-fill program is a chain of one-descriptor blocks.
  if (options.buffer_fill && first.z != 1) return Status::InvalidParameter;
  // multiChanMode without bufferFill is a mode the controller does not have.
  if (options.multi_channel && !options.buffer_fill) return Status::InvalidParameter;
  if (options.cycle_match && (*options.cycle_match & 0x1FFFu) >= kCyclesPerSecond) {
    return Status::InvalidParameter;  // cycleCount runs 0..7999: that cycle never comes
  }
  const Result<std::uint32_t> match =
      encode_context_match(IrContextMatch{options.tags, options.cycle_match.value_or(0),
                                          options.sync, options.tag1_sync_filter, options.channel});
  if (!match) return match.status();

  std::uint32_t run = context_control::kRun.mask();
  if (options.buffer_fill) run |= ir_control::kBufferFill.mask();
  if (options.isoch_header) run |= ir_control::kIsochHeader.mask();
  if (options.multi_channel) run |= ir_control::kMultiChanMode.mask();
  if (options.cycle_match) run |= ir_control::kCycleMatchEnable.mask();
  // CommandPtr and the mode bits may only be written while the context is stopped.
  if (!status().stopped()) return Status::InvalidDeviceState;

  // The filter is in place before run, so the first packet is already judged by it.
  start_context(*hal_, registers_of(index()), *command_ptr, run,
                RegisterWrite{offset(Reg::kContextMatch), *match});
  return Status::Success;
}

Status IrContext::append(DmaBuffer& buffer, std::size_t branch_offset, BlockRef next) {
  return append_block(*hal_, registers_of(index()), buffer, branch_offset, next);
}

void IrContext::wake() {
  wake_context(*hal_, registers_of(index()));
}

Status IrContext::stop(std::uint32_t poll_limit) {
  return stop_context(*hal_, registers_of(index()), poll_limit);
}

IrContextStatus IrContext::status() {
  return decode_ir_context_control(hal_->read32(offset(Reg::kContextControlSet)));
}

std::uint32_t IrContext::command_ptr() {
  return hal_->read32(offset(Reg::kCommandPtr));
}

IrContextMatch IrContext::context_match() {
  return decode_context_match(hal_->read32(offset(Reg::kContextMatch)));
}

std::uint32_t IrContext::dropped_packets() {
  return regs::dropped_packets::kCount.get(hal_->read32(offset(Reg::kDroppedPackets)));
}

void IrContext::enable_interrupt() {
  hal_->write32(regs::kIsoRecvIntMaskSet, bit());
}

void IrContext::disable_interrupt() {
  hal_->write32(regs::kIsoRecvIntMaskClear, bit());
}

void IrContext::clear_interrupt_event() {
  hal_->write32(regs::kIsoRecvIntEventClear, bit());
}

}  // namespace ohci::fw
