// DMA transactions in the KMDF model (reference/wdk-isoch-and-kmdf-dma.md 2.1-2.4, 5b;
// docs/dma-transactions.md): an enabler with a maximum transfer length; a transaction that moves
// `length` bytes of one DMA buffer as one or more transfers of at most that length, each started
// by the driver's program-DMA callback and ended by one of the three completion calls.
//
// States (KMDF's, without Deleted):
//
//   Created --initialize--> Initialized --execute--> Transfer --completion, done-->
//   TransferCompleted
//      ^                        |                      |  ^                        or
//      TransferFailed |                        |                      |  | completion, not done: |
//      |                        |                      |  | next transfer programmed     |
//      |                        |                      +--+                              |
//   Released <---release--------+----------------------------------------release--------+
//   (Released --initialize--> Initialized: the transaction object is reused)
//
// Transfers: transfer k starts at bytes_transferred() and is min(remaining, maximum_length())
// bytes long, where remaining = length - bytes_transferred(). The completion calls, exactly as
// the reference's table (FxDmaTransactionBase::DmaCompleted):
//
//   completed()                  credits the whole current transfer. Bytes remain: the next
//                                transfer is programmed inside the call, {false,
//                                MoreProcessingRequired}; none: {true, Success}.
//   completed_with_length(n)     credits n; current - n returns to remaining. As above; n = 0
//                                programs the same transfer again (same address and length: a
//                                retry; there is no retry limit, see consecutive_retries()).
//                                n > current_transfer_length(): {true, InvalidParameter}, the
//                                transaction fails (TransferFailed).
//   completed_final(n, status)   credits n and ends the transaction: {true, Success}; the
//                                driver's own verdict (e.g. DataLate for an underrun) is the
//                                optional `status`, kept as request_status(). n > current
//                                length: {false, InvalidParameter} and nothing changes (as
//                                documented for WdfDmaTransactionDmaCompletedFinal).
//
// Misuse never crashes (KMDF's verifier would bugcheck): a completion outside Transfer returns
// {false, InvalidDeviceState}; execute() outside Initialized, initialize() outside Created or
// Released, and release() during Transfer return InvalidDeviceState; nothing changes.
//
// execute() sets Transfer and calls the program-DMA callback for the first transfer before it
// returns; the callback may complete the transfer (even the whole transaction) before execute()
// returns, so keep the transaction's address before calling execute(). A completion call that
// programs the next transfer runs the callback inside itself, and returns MoreProcessingRequired
// even if that callback completed the rest.
//
// Single-threaded, like the rest of fw/: call it from the driver's code and from DPCs, never
// from an ISR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "ohci/dma_buffer.hpp"
#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// WDF_DMA_ENABLER_CONFIG's MaximumLength, and the device's alignment requirement.
struct DmaEnabler {
  // The longest transfer the device takes in one go (> 0).
  std::size_t maximum_transfer_length = 0;
  // Where a transaction's first byte must lie: a power of two (1 = anywhere; 4 for IR buffers).
  std::size_t alignment = 1;
};

// InvalidParameter unless maximum_transfer_length > 0 and alignment is a power of two.
Status validate(const DmaEnabler& enabler);

// To device: memory to the wire (an IT context). From device: the wire to memory (IR).
enum class DmaDirection { ToDevice, FromDevice };

constexpr ContextKind context_kind(DmaDirection direction) {
  return direction == DmaDirection::ToDevice ? ContextKind::Transmit : ContextKind::Receive;
}

enum class DmaTransactionState {
  Created,
  Initialized,
  Transfer,
  TransferCompleted,
  TransferFailed,
  Released,
};

std::string_view to_string(DmaTransactionState state);

class DmaTransaction;

// What the program-DMA callback is asked to program: one transfer.
struct DmaTransfer {
  DmaTransaction* transaction = nullptr;
  std::uint32_t address = 0;  // bus address of the transfer's first byte
  std::size_t length = 0;     // bytes, 1..maximum_length()
  std::size_t offset = 0;     // of its first byte in the transaction (= bytes_transferred())
  void* context = nullptr;    // as given to execute()
};

// KMDF's EvtProgramDma: start the hardware on `transfer`. Runs inside execute() and inside
// completion calls. On an error it cannot recover from, call completed_final(0, error).
using ProgramDma = std::function<void(const DmaTransfer& transfer)>;

// What a completion call returns: whether the transaction is over (KMDF's BOOLEAN), and the
// status (MoreProcessingRequired exactly while more transfers follow).
struct DmaCompletion {
  bool done = false;
  Status status = Status::Success;

  friend bool operator==(const DmaCompletion&, const DmaCompletion&) = default;
};

// The driver's DPC-side handler of its context's interrupts: reads what the hardware did and
// calls one of the completion calls. `unrecoverable`: the context is dead.
using DmaInterruptHandler = std::function<void(DmaTransaction& transaction, bool unrecoverable)>;

class DmaTransaction final : public ContextOwner {
 public:
  // KMDF's WdfDmaTransactionCreate. A bad enabler makes every initialize() fail with
  // InvalidParameter.
  DmaTransaction(const DmaEnabler& enabler, DmaDirection direction);
  // Gives its context back to the dispatcher.
  ~DmaTransaction() override;
  DmaTransaction(const DmaTransaction&) = delete;
  DmaTransaction& operator=(const DmaTransaction&) = delete;

  // Becomes the owner of IT (ToDevice) or IR (FromDevice) context `index` in `dispatcher`,
  // which must outlive the binding: the context's interrupts are handed to `handler` from the DPC
  // while the transaction is in Transfer (and counted in stray_interrupts() otherwise).
  // AccessDenied if the context is taken; InvalidDeviceState if already bound; InvalidParameter
  // for an index above 31 or an empty handler.
  Status bind_context(InterruptDispatcher& dispatcher, std::uint32_t index,
                      DmaInterruptHandler handler);
  void unbind_context();
  std::optional<std::uint32_t> context_index() const { return context_index_; }

  // KMDF's WdfDmaTransactionSetMaximumLength: a transfer length of at most the enabler's, for
  // this transaction, before execute(). InvalidParameter for 0 or above the enabler's maximum;
  // InvalidDeviceState in Transfer.
  Status set_maximum_length(std::size_t maximum);

  // Bytes [offset, offset + length) of `buffer` (which must outlive the transaction's use of it).
  // InvalidParameter for a bad enabler, an empty buffer, length 0, a range outside the buffer, or
  // a first byte not aligned as the enabler says; InvalidDeviceState unless Created or Released.
  Status initialize(const DmaBuffer& buffer, std::size_t offset, std::size_t length);

  // Enters Transfer and calls `program_dma` for the first transfer (before returning).
  // InvalidDeviceState unless Initialized; InvalidParameter for an empty callback.
  Status execute(ProgramDma program_dma, void* context = nullptr);

  DmaCompletion completed();
  DmaCompletion completed_with_length(std::size_t transferred);
  DmaCompletion completed_final(std::size_t transferred, Status request_status = Status::Success);

  // Back to Released (reusable): from any state but Transfer (InvalidDeviceState). Releasing a
  // released transaction is harmless.
  Status release();

  // The length of the transfer programmed last, as originally asked (read it before completing:
  // afterwards it is the next transfer's, or 0 once the transaction is done).
  std::size_t current_transfer_length() const { return current_length_; }
  std::size_t bytes_transferred() const { return transferred_; }
  std::size_t length() const { return length_; }
  std::size_t maximum_length() const { return maximum_length_; }
  DmaTransactionState state() const { return state_; }
  DmaDirection direction() const { return direction_; }
  const DmaEnabler& enabler() const { return enabler_; }
  // Pending until done; then Success, the error a failed completion returned, or the status the
  // driver gave completed_final.
  Status request_status() const { return request_status_; }
  // Program-DMA calls since execute() (the first transfer included).
  std::uint64_t transfers_programmed() const { return transfers_programmed_; }
  // completed_with_length(0) calls in a row (a driver bounds its retries with it).
  std::uint64_t consecutive_retries() const { return consecutive_retries_; }
  // Interrupts of the bound context that came while the transaction was not in Transfer.
  std::uint64_t stray_interrupts() const { return stray_interrupts_; }

  // ContextOwner: from the DPC.
  void on_context_interrupt(ContextKind kind, std::uint32_t index, bool unrecoverable) override;

 private:
  DmaCompletion complete(std::size_t transferred, bool partial);
  void stage();
  void finish(DmaTransactionState state, Status request_status);

  DmaEnabler enabler_;
  DmaDirection direction_;
  DmaTransactionState state_ = DmaTransactionState::Created;
  std::size_t maximum_length_;
  std::uint32_t base_address_ = 0;
  std::size_t length_ = 0;
  std::size_t transferred_ = 0;
  std::size_t current_length_ = 0;
  ProgramDma program_dma_;
  void* context_ = nullptr;
  Status request_status_ = Status::Pending;
  std::uint64_t transfers_programmed_ = 0;
  std::uint64_t consecutive_retries_ = 0;
  std::uint64_t stray_interrupts_ = 0;
  InterruptDispatcher* dispatcher_ = nullptr;
  std::optional<std::uint32_t> context_index_;
  DmaInterruptHandler handler_;
};

}  // namespace ohci::fw
