#include "ohci/interrupt_dispatcher.hpp"

#include <bit>

namespace ohci::fw {
namespace {

namespace ev = regs::int_event;

constexpr std::uint32_t kIsochSummary = ev::kIsochTx.mask() | ev::kIsochRx.mask();

}  // namespace

InterruptDispatcher::InterruptDispatcher(Hal& hal)
    : hal_(hal), controller_(hal), self_(std::make_shared<InterruptDispatcher*>(this)) {
  hal_.attach_interrupt([this] { isr(); });
}

InterruptDispatcher::~InterruptDispatcher() {
  hal_.attach_interrupt({});
}

Status InterruptDispatcher::register_owner(ContextKind kind, std::uint32_t index,
                                           ContextOwner& owner) {
  if (index >= regs::kContextsMax) return Status::InvalidParameter;
  ContextOwner*& slot = owners(kind)[index];
  if (slot != nullptr) return Status::AccessDenied;
  slot = &owner;
  return Status::Success;
}

void InterruptDispatcher::unregister_owner(ContextKind kind, std::uint32_t index) {
  if (index < regs::kContextsMax) owners(kind)[index] = nullptr;
}

ContextOwner* InterruptDispatcher::owner(ContextKind kind, std::uint32_t index) const {
  return index < regs::kContextsMax ? owners(kind)[index] : nullptr;
}

void InterruptDispatcher::set_event_handler(std::function<void(const InterruptEvents&)> handler) {
  handler_ = std::move(handler);
}

void InterruptDispatcher::isr() {
  ++isr_count_;
  auto read = controller_.read_and_clear_events();
  if (!read.ok()) {
    ++device_errors_;
    return;
  }
  const InterruptEvents& events = read.value();
  if (!events.any()) return;  // not ours
  if (events.has(ev::kBusReset)) {
    // Linux masks busReset in the hard IRQ and clears it once the reset has been handled.
    hal_.write32(regs::kIntMaskClear, regs::int_mask::kBusReset.mask());
  }
  if (events.has(ev::kPostedWriteErr)) {
    hal_.write32(regs::kIntEventClear, ev::kPostedWriteErr.mask());
  }
  // The ISR cannot be interrupted by the DPC, so it needs no lock for the saved events.
  saved_.events |= events.events;
  saved_.iso_xmit |= events.iso_xmit;
  saved_.iso_recv |= events.iso_recv;
  if (!dpc_queued_) {
    dpc_queued_ = true;
    hal_.schedule_dpc([weak = std::weak_ptr<InterruptDispatcher*>(self_)] {
      if (auto self = weak.lock()) (*self)->dpc();
    });
  }
}

void InterruptDispatcher::dpc() {
  ++dpc_count_;
  InterruptEvents events;
  {
    // From here on an ISR queues a new DPC for what it finds.
    InterruptLock lock(hal_);
    events = saved_;
    saved_ = {};
    dpc_queued_ = false;
  }
  std::uint32_t unowned_xmit = 0;
  std::uint32_t unowned_recv = 0;
  dispatch_contexts(ContextKind::Transmit, events.iso_xmit, unowned_xmit);
  dispatch_contexts(ContextKind::Receive, events.iso_recv, unowned_recv);
  if (events.has(ev::kUnrecoverableError)) dispatch_dead_contexts();

  InterruptEvents rest;
  rest.events = events.events & ~kIsochSummary;
  rest.iso_xmit = unowned_xmit;
  rest.iso_recv = unowned_recv;
  if (unowned_xmit != 0) rest.events |= ev::kIsochTx.mask();
  if (unowned_recv != 0) rest.events |= ev::kIsochRx.mask();
  if (rest.any() && handler_) handler_(rest);
}

void InterruptDispatcher::dispatch_contexts(ContextKind kind, std::uint32_t bits,
                                            std::uint32_t& unowned) {
  while (bits != 0) {
    const auto index = static_cast<std::uint32_t>(std::countr_zero(bits));
    bits &= bits - 1;
    // Looked up afresh for every bit: an owner's callback may unregister owners.
    if (ContextOwner* owner = owners(kind)[index]) {
      owner->on_context_interrupt(kind, index, false);
    } else {
      unowned |= 1u << index;
    }
  }
}

void InterruptDispatcher::dispatch_dead_contexts() {
  for (ContextKind kind : {ContextKind::Transmit, ContextKind::Receive}) {
    for (std::uint32_t index = 0; index < regs::kContextsMax; ++index) {
      if (owners(kind)[index] == nullptr) continue;
      const std::uint32_t offset =
          kind == ContextKind::Transmit
              ? regs::it_context(index, regs::ItContextReg::kContextControlSet)
              : regs::ir_context(index, regs::IrContextReg::kContextControlSet);
      const std::uint32_t control = hal_.read32(offset);
      if (!regs::context_control::kDead.get(control)) continue;
      if (ContextOwner* owner = owners(kind)[index]) owner->on_context_interrupt(kind, index, true);
    }
  }
}

}  // namespace ohci::fw
