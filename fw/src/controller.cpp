#include "ohci/controller.hpp"

#include <bit>

#include "register_poll.hpp"

namespace ohci::fw {
namespace {

// Linux's check: version and revision only, not the GUID ROM bit.
constexpr std::uint32_t kVersionCheckMask = 0x00FF00FF;
// What Linux assumes when IsoXmitIntMask reads back as 0 (JMicron JMB38x).
constexpr std::uint32_t kFallbackItContexts = 0xF;
constexpr std::uint32_t kAllBits = 0xFFFFFFFF;

}  // namespace

std::uint32_t ContextSupport::it_count() const {
  return static_cast<std::uint32_t>(std::popcount(it_mask));
}

std::uint32_t ContextSupport::ir_count() const {
  return static_cast<std::uint32_t>(std::popcount(ir_mask));
}

Result<BringUpResult> Controller::bring_up(const BringUpConfig& config) {
  BringUpResult result;
  Result<Version> version = read_version();
  if (!version) return version.status();
  result.version = *version;

  Status status = soft_reset(config.poll_limit);
  if (!succeeded(status)) return status;
  // LPS before anything in the link's clock domain: on some silicon an access without it hangs.
  status = set_link_power(config.poll_limit);
  if (!succeeded(status)) return status;
  result.contexts = discover_contexts();
  enable_cycle_timer(config.cycle_master);
  // Interrupts are unmasked before the link comes up, so that no early event is missed.
  enable_interrupts(config.interrupts);
  enable_link();
  result.node_id = read_node_id();
  return result;
}

Result<Version> Controller::read_version() {
  namespace field = regs::version;
  const std::uint32_t raw = hal_.read32(regs::kVersion);
  if ((raw & kVersionCheckMask) != (field::kValue & kVersionCheckMask)) {
    return Status::NotSupported;
  }
  return Version{raw, field::kVersion.get(raw), field::kRevision.get(raw),
                 field::kGuidRom.get(raw) != 0};
}

Status Controller::soft_reset(std::uint32_t poll_limit) {
  const std::uint32_t soft_reset = regs::hc_control::kSoftReset.mask();
  hal_.write32(regs::kHcControlSet, soft_reset);
  return poll_register(hal_, regs::kHcControlSet, soft_reset, 0, poll_limit);
}

Status Controller::set_link_power(std::uint32_t poll_limit) {
  const std::uint32_t lps = regs::hc_control::kLps.mask();
  hal_.write32(regs::kHcControlSet, lps);
  return poll_register(hal_, regs::kHcControlSet, lps, lps, poll_limit);
}

ContextSupport Controller::discover_contexts() {
  ContextSupport support;
  hal_.write32(regs::kIsoRecvIntMaskSet, kAllBits);
  support.ir_mask = hal_.read32(regs::kIsoRecvIntMaskSet);
  hal_.write32(regs::kIsoRecvIntMaskClear, kAllBits);

  hal_.write32(regs::kIsoXmitIntMaskSet, kAllBits);
  support.it_mask = hal_.read32(regs::kIsoXmitIntMaskSet);
  if (support.it_mask == 0) support.it_mask = kFallbackItContexts;
  hal_.write32(regs::kIsoXmitIntMaskClear, kAllBits);
  return support;
}

void Controller::enable_cycle_timer(bool cycle_master) {
  std::uint32_t bits = regs::link_control::kCycleTimerEnable.mask();
  if (cycle_master) bits |= regs::link_control::kCycleMaster.mask();
  hal_.write32(regs::kLinkControlSet, bits);
}

void Controller::enable_interrupts(std::uint32_t interrupts) {
  hal_.write32(regs::kIntMaskSet, regs::int_mask::kMasterIntEnable.mask() | interrupts);
}

void Controller::disable_interrupts() {
  hal_.write32(regs::kIntMaskClear, regs::int_mask::kMasterIntEnable.mask());
}

void Controller::enable_link() {
  hal_.write32(regs::kHcControlSet, regs::hc_control::kLinkEnable.mask());
}

NodeId Controller::read_node_id() {
  namespace field = regs::node_id;
  const std::uint32_t raw = hal_.read32(regs::kNodeId);
  return NodeId{raw,
                field::kIdValid.get(raw) != 0,
                field::kRoot.get(raw) != 0,
                field::kCps.get(raw) != 0,
                field::kBusNumber.get(raw),
                field::kNodeNumber.get(raw)};
}

Result<std::uint8_t> Controller::read_phy_register(std::uint32_t address,
                                                   std::uint32_t poll_limit) {
  namespace field = regs::phy_control;
  if (address > 15) return Status::InvalidParameter;
  hal_.write32(regs::kPhyControl, field::kRdReg.mask() | field::kRegAddr.put(address));
  for (std::uint32_t reads = 0; reads < poll_limit; ++reads) {
    const std::uint32_t value = hal_.read32(regs::kPhyControl);
    if (field::kRdDone.get(value) != 0) return static_cast<std::uint8_t>(field::kRdData.get(value));
  }
  return Status::Timeout;
}

Status Controller::write_phy_register(std::uint32_t address, std::uint8_t value,
                                      std::uint32_t poll_limit) {
  namespace field = regs::phy_control;
  if (address > 15) return Status::InvalidParameter;
  hal_.write32(regs::kPhyControl,
               field::kWrReg.mask() | field::kRegAddr.put(address) | field::kWrData.put(value));
  return poll_register(hal_, regs::kPhyControl, field::kWrReg.mask(), 0, poll_limit);
}

CycleTime Controller::read_cycle_timer() {
  namespace field = regs::isochronous_cycle_timer;
  const std::uint32_t raw = hal_.read32(regs::kIsochronousCycleTimer);
  return CycleTime{raw, field::kCycleSeconds.get(raw), field::kCycleCount.get(raw),
                   field::kCycleOffset.get(raw)};
}

namespace {

std::uint32_t high_half(std::uint64_t channels) {
  return static_cast<std::uint32_t>(channels >> 32);
}

std::uint32_t low_half(std::uint64_t channels) {
  return static_cast<std::uint32_t>(channels);
}

}  // namespace

void Controller::set_ir_channel_mask(std::uint64_t channels) {
  hal_.write32(regs::kIrMultiChanMaskHiClear, ~high_half(channels));
  hal_.write32(regs::kIrMultiChanMaskLoClear, ~low_half(channels));
  hal_.write32(regs::kIrMultiChanMaskHiSet, high_half(channels));
  hal_.write32(regs::kIrMultiChanMaskLoSet, low_half(channels));
}

void Controller::enable_ir_channels(std::uint64_t channels) {
  if (high_half(channels) != 0) hal_.write32(regs::kIrMultiChanMaskHiSet, high_half(channels));
  if (low_half(channels) != 0) hal_.write32(regs::kIrMultiChanMaskLoSet, low_half(channels));
}

void Controller::disable_ir_channels(std::uint64_t channels) {
  if (high_half(channels) != 0) hal_.write32(regs::kIrMultiChanMaskHiClear, high_half(channels));
  if (low_half(channels) != 0) hal_.write32(regs::kIrMultiChanMaskLoClear, low_half(channels));
}

std::uint64_t Controller::read_ir_channel_mask() {
  const std::uint64_t high = hal_.read32(regs::kIrMultiChanMaskHiSet);
  return high << 32 | hal_.read32(regs::kIrMultiChanMaskLoSet);
}

Result<InterruptEvents> Controller::read_and_clear_events() {
  InterruptEvents events;
  events.events = hal_.read32(regs::kIntEventClear);
  if (events.events == kAllBits) return Status::DeviceError;
  if (events.events == 0) return events;
  // As Linux does, busReset and postedWriteErr are left set: their handlers clear them once the
  // condition is dealt with (bus reset: after self-ID).
  hal_.write32(regs::kIntEventClear, events.events & ~(regs::int_event::kBusReset.mask() |
                                                       regs::int_event::kPostedWriteErr.mask()));
  if (events.has(regs::int_event::kIsochTx)) {
    events.iso_xmit = hal_.read32(regs::kIsoXmitIntEventClear);
    hal_.write32(regs::kIsoXmitIntEventClear, events.iso_xmit);
  }
  if (events.has(regs::int_event::kIsochRx)) {
    events.iso_recv = hal_.read32(regs::kIsoRecvIntEventClear);
    hal_.write32(regs::kIsoRecvIntEventClear, events.iso_recv);
  }
  return events;
}

}  // namespace ohci::fw
