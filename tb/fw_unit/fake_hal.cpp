#include "fake_hal.hpp"

#include "ohci/regmap.hpp"

namespace ohci::fw::test {
namespace {

namespace hc = regs::hc_control;
namespace cc = regs::context_control;
namespace itc = regs::it_context_control;
namespace irc = regs::ir_context_control;
namespace match = regs::context_match;

// Bits of IT ContextControl that software writes; the others are the controller's.
constexpr std::uint32_t kItControlWritable =
    cc::kRun.mask() | cc::kWake.mask() | itc::kCycleMatchEnable.mask() | itc::kCycleMatch.mask();
// Bits of IR ContextControl that software writes. dualBufferMode is not implemented: it reads 0.
constexpr std::uint32_t kIrControlWritable =
    cc::kRun.mask() | cc::kWake.mask() | irc::kBufferFill.mask() | irc::kIsochHeader.mask() |
    irc::kCycleMatchEnable.mask() | irc::kMultiChanMode.mask();
// The defined bits of ContextMatch; the reserved ones (27, 7) read 0.
constexpr std::uint32_t kContextMatchBits = match::kTag.mask() | match::kCycleMatch.mask() |
                                            match::kSync.mask() | match::kTag1SyncFilter.mask() |
                                            match::kChannelNumber.mask();
// IntEvent bits computed from the per-context registers rather than stored.
constexpr std::uint32_t kIsochSummary =
    regs::int_event::kIsochTx.mask() | regs::int_event::kIsochRx.mask();

bool in_it_window(std::uint32_t offset) {
  return offset >= regs::kItContextBase &&
         offset < regs::kItContextBase + regs::kContextsMax * regs::kItContextStride;
}

bool in_ir_window(std::uint32_t offset) {
  return offset >= regs::kIrContextBase &&
         offset < regs::kIrContextBase + regs::kContextsMax * regs::kIrContextStride;
}

}  // namespace

std::uint32_t FakeRegisters::read(std::uint32_t offset) {
  if (in_it_window(offset)) {
    const std::uint32_t n = (offset - regs::kItContextBase) / regs::kItContextStride;
    return read_context(n, (offset - regs::kItContextBase) % regs::kItContextStride);
  }
  if (in_ir_window(offset)) {
    const std::uint32_t n = (offset - regs::kIrContextBase) / regs::kIrContextStride;
    return read_ir_context(n, (offset - regs::kIrContextBase) % regs::kIrContextStride);
  }
  switch (offset) {
    case regs::kVersion:
      return config_.version;
    case regs::kHcControlSet:
    case regs::kHcControlClear:
      return read_hc_control();
    case regs::kIrMultiChanMaskHiSet:
    case regs::kIrMultiChanMaskHiClear:
      return ir_mask_hi_;
    case regs::kIrMultiChanMaskLoSet:
    case regs::kIrMultiChanMaskLoClear:
      return ir_mask_lo_;
    case regs::kIntEventSet:
      return int_event_value();
    case regs::kIntEventClear:
      return int_event_value() & int_mask_;
    case regs::kIntMaskSet:
    case regs::kIntMaskClear:
      return int_mask_;
    case regs::kIsoXmitIntEventSet:
      return iso_xmit_event_;
    case regs::kIsoXmitIntEventClear:
      return iso_xmit_event_ & iso_xmit_mask_;
    case regs::kIsoXmitIntMaskSet:
    case regs::kIsoXmitIntMaskClear:
      return iso_xmit_mask_;
    case regs::kIsoRecvIntEventSet:
      return iso_recv_event_;
    case regs::kIsoRecvIntEventClear:
      return iso_recv_event_ & iso_recv_mask_;
    case regs::kIsoRecvIntMaskSet:
    case regs::kIsoRecvIntMaskClear:
      return iso_recv_mask_;
    case regs::kLinkControlSet:
    case regs::kLinkControlClear:
      return link_control_;
    case regs::kNodeId: {
      const bool linked = (hc_control_ & hc::kLinkEnable.mask()) != 0;
      return regs::node_id::kIdValid.put(linked ? 1 : 0) | regs::node_id::kRoot.put(1) |
             regs::node_id::kBusNumber.put(0x3FF) |
             regs::node_id::kNodeNumber.put(config_.node_number);
    }
    case regs::kIsochronousCycleTimer:
      return config_.cycle_timer;
    default:
      return 0;
  }
}

void FakeRegisters::write(std::uint32_t offset, std::uint32_t value) {
  if (in_it_window(offset)) {
    const std::uint32_t n = (offset - regs::kItContextBase) / regs::kItContextStride;
    write_context(n, (offset - regs::kItContextBase) % regs::kItContextStride, value);
    return;
  }
  if (in_ir_window(offset)) {
    const std::uint32_t n = (offset - regs::kIrContextBase) / regs::kIrContextStride;
    write_ir_context(n, (offset - regs::kIrContextBase) % regs::kIrContextStride, value);
    return;
  }
  switch (offset) {
    case regs::kHcControlSet:
      hc_control_ |= value & ~hc::kSoftReset.mask();
      if ((value & hc::kSoftReset.mask()) != 0) soft_reset();
      break;
    case regs::kHcControlClear:
      hc_control_ &= ~value;
      break;
    case regs::kIrMultiChanMaskHiSet:
      ir_mask_hi_ |= value;
      break;
    case regs::kIrMultiChanMaskHiClear:
      ir_mask_hi_ &= ~value;
      break;
    case regs::kIrMultiChanMaskLoSet:
      ir_mask_lo_ |= value;
      break;
    case regs::kIrMultiChanMaskLoClear:
      ir_mask_lo_ &= ~value;
      break;
    case regs::kIntEventSet:
      int_event_ |= value & ~kIsochSummary;
      break;
    case regs::kIntEventClear:
      int_event_ &= ~value;
      break;
    case regs::kIntMaskSet:
      int_mask_ |= value;
      break;
    case regs::kIntMaskClear:
      int_mask_ &= ~value;
      break;
    case regs::kIsoXmitIntEventSet:
      iso_xmit_event_ |= value & config_.it_contexts;
      break;
    case regs::kIsoXmitIntEventClear:
      iso_xmit_event_ &= ~value;
      break;
    case regs::kIsoXmitIntMaskSet:
      iso_xmit_mask_ |= value & config_.it_contexts;
      break;
    case regs::kIsoXmitIntMaskClear:
      iso_xmit_mask_ &= ~value;
      break;
    case regs::kIsoRecvIntEventSet:
      iso_recv_event_ |= value & config_.ir_contexts;
      break;
    case regs::kIsoRecvIntEventClear:
      iso_recv_event_ &= ~value;
      break;
    case regs::kIsoRecvIntMaskSet:
      iso_recv_mask_ |= value & config_.ir_contexts;
      break;
    case regs::kIsoRecvIntMaskClear:
      iso_recv_mask_ &= ~value;
      break;
    case regs::kLinkControlSet:
      link_control_ |= value;
      break;
    case regs::kLinkControlClear:
      link_control_ &= ~value;
      break;
    default:
      break;
  }
}

std::uint32_t FakeRegisters::read_hc_control() {
  const bool resetting = soft_reset_reads_left_ > 0;
  if (resetting && soft_reset_reads_left_ != FakeConfig::kNever) --soft_reset_reads_left_;
  return hc_control_ | hc::kSoftReset.put(resetting ? 1 : 0);
}

std::uint32_t FakeRegisters::int_event_value() const {
  std::uint32_t value = int_event_ & ~kIsochSummary;
  if ((iso_xmit_event_ & iso_xmit_mask_) != 0) value |= regs::int_event::kIsochTx.mask();
  if ((iso_recv_event_ & iso_recv_mask_) != 0) value |= regs::int_event::kIsochRx.mask();
  return value;
}

void FakeRegisters::soft_reset() {
  // Everything but the reset's own progress returns to its power-on value.
  const FakeConfig config = config_;
  *this = FakeRegisters(config);
  soft_reset_reads_left_ = config.soft_reset_reads;
}

std::uint32_t FakeRegisters::read_control(ItContextState& context) {
  const std::uint32_t value = context.control;
  // A stopping context drops active after the configured number of reads.
  const bool stopping = (value & cc::kRun.mask()) == 0 && (value & cc::kActive.mask()) != 0;
  if (stopping && context.stop_reads_left != FakeConfig::kNever && context.stop_reads_left > 0 &&
      --context.stop_reads_left == 0) {
    context.control &= ~cc::kActive.mask();
  }
  return value;
}

void FakeRegisters::set_control(ItContextState& context, std::uint32_t value,
                                std::uint32_t writable) {
  // Setting run starts the context at once: it becomes active.
  if ((value & cc::kRun.mask()) != 0 && (context.control & cc::kRun.mask()) == 0) {
    context.control |= cc::kActive.mask();
  }
  context.control |= value & writable;
}

void FakeRegisters::clear_control(ItContextState& context, std::uint32_t value,
                                  std::uint32_t writable) {
  context.control &= ~(value & writable);
  if ((value & cc::kRun.mask()) != 0) {
    context.stop_reads_left = config_.stop_reads;
    if (config_.stop_reads == 0) context.control &= ~cc::kActive.mask();
  }
}

std::uint32_t FakeRegisters::read_context(std::uint32_t n, std::uint32_t reg) {
  if ((config_.it_contexts & (1u << n)) == 0 || n >= it_.size()) return 0;
  ItContextState& context = it_[n];
  switch (reg) {
    case static_cast<std::uint32_t>(regs::ItContextReg::kContextControlSet):
    case static_cast<std::uint32_t>(regs::ItContextReg::kContextControlClear):
      return read_control(context);
    case static_cast<std::uint32_t>(regs::ItContextReg::kCommandPtr):
      return context.command_ptr;
    default:
      return 0;
  }
}

void FakeRegisters::write_context(std::uint32_t n, std::uint32_t reg, std::uint32_t value) {
  if ((config_.it_contexts & (1u << n)) == 0 || n >= it_.size()) return;
  ItContextState& context = it_[n];
  switch (reg) {
    case static_cast<std::uint32_t>(regs::ItContextReg::kContextControlSet):
      set_control(context, value, kItControlWritable);
      break;
    case static_cast<std::uint32_t>(regs::ItContextReg::kContextControlClear):
      clear_control(context, value, kItControlWritable);
      break;
    case static_cast<std::uint32_t>(regs::ItContextReg::kCommandPtr):
      context.command_ptr = value;
      break;
    default:
      break;
  }
}

std::uint32_t FakeRegisters::read_ir_context(std::uint32_t n, std::uint32_t reg) {
  if ((config_.ir_contexts & (1u << n)) == 0 || n >= ir_.size()) return 0;
  IrContextState& context = ir_[n];
  switch (reg) {
    case static_cast<std::uint32_t>(regs::IrContextReg::kContextControlSet):
    case static_cast<std::uint32_t>(regs::IrContextReg::kContextControlClear):
      return read_control(context);
    case static_cast<std::uint32_t>(regs::IrContextReg::kCommandPtr):
      return context.command_ptr;
    case static_cast<std::uint32_t>(regs::IrContextReg::kContextMatch):
      return context.context_match;
    case static_cast<std::uint32_t>(regs::IrContextReg::kDroppedPackets):
      return context.dropped;
    default:
      return 0;
  }
}

void FakeRegisters::write_ir_context(std::uint32_t n, std::uint32_t reg, std::uint32_t value) {
  if ((config_.ir_contexts & (1u << n)) == 0 || n >= ir_.size()) return;
  IrContextState& context = ir_[n];
  switch (reg) {
    case static_cast<std::uint32_t>(regs::IrContextReg::kContextControlSet):
      // DroppedPackets counts from the moment run is set.
      if ((value & cc::kRun.mask()) != 0 && (context.control & cc::kRun.mask()) == 0) {
        context.dropped = 0;
      }
      set_control(context, value, kIrControlWritable);
      break;
    case static_cast<std::uint32_t>(regs::IrContextReg::kContextControlClear):
      clear_control(context, value, kIrControlWritable);
      break;
    case static_cast<std::uint32_t>(regs::IrContextReg::kCommandPtr):
      context.command_ptr = value;
      break;
    case static_cast<std::uint32_t>(regs::IrContextReg::kContextMatch):
      context.context_match = value & kContextMatchBits;
      break;
    default:  // DroppedPackets is read-only
      break;
  }
}

Access read_of(std::uint32_t offset, std::uint32_t value) {
  return {Access::Kind::kRead, offset, value, std::nullopt};
}

Access write_of(std::uint32_t offset, std::uint32_t value) {
  return {Access::Kind::kWrite, offset, value, std::nullopt};
}

Access barrier() {
  return {Access::Kind::kBarrier, 0, 0, std::nullopt};
}

std::uint32_t FakeHal::read32(std::uint32_t offset) {
  const std::uint32_t value = registers.read(offset);
  record(read_of(offset, value));
  return value;
}

void FakeHal::write32(std::uint32_t offset, std::uint32_t value) {
  record(write_of(offset, value));
  registers.write(offset, value);
}

std::optional<DmaRegion> FakeHal::dma_alloc(std::size_t bytes, std::size_t alignment) {
  if (fail_allocations) return std::nullopt;
  const std::size_t start = (next_free_ + alignment - 1) / alignment * alignment + misalign_by;
  if (start + bytes > memory_.size()) return std::nullopt;
  next_free_ = start + bytes;
  return DmaRegion{memory_.data() + start, static_cast<std::uint32_t>(kMemoryBase + start), bytes};
}

void FakeHal::dma_free(const DmaRegion& region) {
  freed.push_back(region);
}

void FakeHal::write_barrier() {
  record(barrier());
}

void FakeHal::schedule_dpc(std::function<void()> dpc) {
  dpcs_.push_back(std::move(dpc));
}

void FakeHal::lock_interrupt() {
  ++lock_depth_;
}

void FakeHal::unlock_interrupt() {
  if (lock_depth_ > 0 && --lock_depth_ == 0 && isr_pending_) interrupt();
}

void FakeHal::enter_isr() {
  if (!isr_ || in_isr_) return;
  if (lock_depth_ > 0) {
    isr_pending_ = true;
    return;
  }
  isr_pending_ = false;
  in_isr_ = true;
  ++isr_entries_;
  isr_();
  in_isr_ = false;
}

void FakeHal::interrupt() {
  enter_isr();
  if (!in_dpc_ && !in_isr_ && lock_depth_ == 0) run_dpcs();
}

std::size_t FakeHal::run_dpcs() {
  if (in_dpc_) return 0;
  std::size_t ran = 0;
  while (!dpcs_.empty() && lock_depth_ == 0) {
    std::function<void()> dpc = std::move(dpcs_.front());
    dpcs_.pop_front();
    in_dpc_ = true;
    ++dpc_entries_;
    dpc();
    in_dpc_ = false;
    ++ran;
  }
  return ran;
}

std::vector<Access> FakeHal::writes() const {
  std::vector<Access> result;
  for (const Access& access : log) {
    if (access.kind == Access::Kind::kWrite) result.push_back(access);
  }
  return result;
}

std::vector<Access> FakeHal::reads() const {
  std::vector<Access> result;
  for (const Access& access : log) {
    if (access.kind == Access::Kind::kRead) result.push_back(access);
  }
  return result;
}

std::uint32_t FakeHal::memory_quadlet(std::uint32_t bus_address) const {
  const std::size_t at = bus_address - kMemoryBase;
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= std::to_integer<std::uint32_t>(memory_.at(at + i)) << (8 * i);
  }
  return value;
}

void FakeHal::write_memory_quadlet(std::uint32_t bus_address, std::uint32_t value) {
  const std::size_t at = bus_address - kMemoryBase;
  for (std::size_t i = 0; i < 4; ++i) {
    memory_.at(at + i) = static_cast<std::byte>(value >> (8 * i));
  }
}

void FakeHal::record(Access access) {
  if (watch_address) access.watched = memory_quadlet(*watch_address);
  log.push_back(access);
}

}  // namespace ohci::fw::test
