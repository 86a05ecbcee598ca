// InterruptDispatcher: the controller's interrupt line split KMDF-style into an ISR and a DPC
// (reference/wdk-isoch-and-kmdf-dma.md 2.6; reference/ohci-isoch.md 1.2, 3.4), and the routing of
// each IT/IR context's interrupt to the one object that owns that context.
//
// ISR (attached to the Hal): read IntEventClear (IntEvent AND IntMask) and write it back except
// busReset and postedWriteErr, as Linux does; for isochTx/isochRx read IsoXmit/IsoRecvIntEventClear
// and write the same value back (Controller::read_and_clear_events). busReset is masked
// (IntMaskClear busReset) instead of cleared: its handler clears and unmasks it once the reset is
// dealt with. postedWriteErr is cleared after it has been recorded (the write it reports is lost
// either way). The events are ORed into the saved events and the DPC is queued unless one is
// already queued, so one DPC covers every interrupt since its last run. An interrupt with no
// enabled event (IntEventClear reads 0: not ours) changes nothing.
//
// DPC: take and clear the saved events under the interrupt lock; then, lowest context first,
// transmit before receive, call the owner of each IsoXmit/IsoRecvIntEvent bit; on
// unrecoverableError read ContextControl of every registered context and call the owners of those
// that read dead with unrecoverable = true; last, hand whatever is left (every event but
// isochTx/isochRx, and context bits nobody owns) to the event handler.
//
// Owners are registered and unregistered from the driver's own code or from a DPC (an owner may
// unregister itself, or another, from its callback); never from an ISR.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include "ohci/controller.hpp"
#include "ohci/hal.hpp"
#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

enum class ContextKind { Transmit, Receive };

// Implemented by whatever drives a context: streaming resources, DMA transactions.
class ContextOwner {
 public:
  virtual ~ContextOwner() = default;
  // From the DPC: the context's IsoXmit/IsoRecvIntEvent bit was set, or (unrecoverable) the
  // context reads dead. The owner reads its own descriptors/ContextControl to see what happened.
  virtual void on_context_interrupt(ContextKind kind, std::uint32_t index, bool unrecoverable) = 0;
};

class InterruptDispatcher {
 public:
  // Attaches its ISR to `hal`, which must outlive the dispatcher.
  explicit InterruptDispatcher(Hal& hal);
  // Detaches the ISR; a DPC still queued then does nothing.
  ~InterruptDispatcher();
  InterruptDispatcher(const InterruptDispatcher&) = delete;
  InterruptDispatcher& operator=(const InterruptDispatcher&) = delete;

  // AccessDenied if the context already has an owner, InvalidParameter if index >= 32.
  Status register_owner(ContextKind kind, std::uint32_t index, ContextOwner& owner);
  // Does nothing unless the context has an owner.
  void unregister_owner(ContextKind kind, std::uint32_t index);
  // The owner of a context, or nullptr.
  ContextOwner* owner(ContextKind kind, std::uint32_t index) const;

  // Non-context events the DPC saw (cycleSynch, cycle64Seconds, cycleLost, cycleInconsistent,
  // busReset, unrecoverableError, ...): called from the DPC with the accumulated InterruptEvents,
  // isochTx/isochRx removed unless a context bit nobody owns is left in iso_xmit/iso_recv.
  // Called only when something is left.
  void set_event_handler(std::function<void(const InterruptEvents&)> handler);

  std::uint64_t isr_count() const { return isr_count_; }
  std::uint64_t dpc_count() const { return dpc_count_; }
  // ISRs that found IntEvent reading all ones (the controller is gone).
  std::uint64_t device_errors() const { return device_errors_; }

 private:
  void isr();
  void dpc();
  void dispatch_contexts(ContextKind kind, std::uint32_t bits, std::uint32_t& unowned);
  void dispatch_dead_contexts();
  std::array<ContextOwner*, regs::kContextsMax>& owners(ContextKind kind) {
    return kind == ContextKind::Transmit ? transmit_ : receive_;
  }
  const std::array<ContextOwner*, regs::kContextsMax>& owners(ContextKind kind) const {
    return kind == ContextKind::Transmit ? transmit_ : receive_;
  }

  Hal& hal_;
  Controller controller_;
  // Shared with the ISR: touched by the DPC only under the interrupt lock.
  InterruptEvents saved_;
  bool dpc_queued_ = false;
  std::array<ContextOwner*, regs::kContextsMax> transmit_{};
  std::array<ContextOwner*, regs::kContextsMax> receive_{};
  std::function<void(const InterruptEvents&)> handler_;
  std::uint64_t isr_count_ = 0;
  std::uint64_t dpc_count_ = 0;
  std::uint64_t device_errors_ = 0;
  // A queued DPC holds a weak reference: it does nothing once the dispatcher is gone.
  std::shared_ptr<InterruptDispatcher*> self_;
};

}  // namespace ohci::fw
