#include "ohci/dma_transaction.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include "ohci/regmap.hpp"

namespace ohci::fw {

Status validate(const DmaEnabler& enabler) {
  if (enabler.maximum_transfer_length == 0) return Status::InvalidParameter;
  if (!std::has_single_bit(enabler.alignment)) return Status::InvalidParameter;
  return Status::Success;
}

std::string_view to_string(DmaTransactionState state) {
  switch (state) {
    case DmaTransactionState::Created:
      return "Created";
    case DmaTransactionState::Initialized:
      return "Initialized";
    case DmaTransactionState::Transfer:
      return "Transfer";
    case DmaTransactionState::TransferCompleted:
      return "TransferCompleted";
    case DmaTransactionState::TransferFailed:
      return "TransferFailed";
    case DmaTransactionState::Released:
      return "Released";
  }
  return "UnknownState";
}

DmaTransaction::DmaTransaction(const DmaEnabler& enabler, DmaDirection direction)
    : enabler_(enabler), direction_(direction), maximum_length_(enabler.maximum_transfer_length) {}

DmaTransaction::~DmaTransaction() {
  unbind_context();
}

Status DmaTransaction::bind_context(InterruptDispatcher& dispatcher, std::uint32_t index,
                                    DmaInterruptHandler handler) {
  if (dispatcher_ != nullptr) return Status::InvalidDeviceState;
  if (index >= regs::kContextsMax || !handler) return Status::InvalidParameter;
  const Status status = dispatcher.register_owner(context_kind(direction_), index, *this);
  if (status != Status::Success) return status;
  dispatcher_ = &dispatcher;
  context_index_ = index;
  handler_ = std::move(handler);
  return Status::Success;
}

void DmaTransaction::unbind_context() {
  if (dispatcher_ == nullptr) return;
  // Only give the context back if it is still ours.
  if (dispatcher_->owner(context_kind(direction_), *context_index_) == this) {
    dispatcher_->unregister_owner(context_kind(direction_), *context_index_);
  }
  dispatcher_ = nullptr;
  context_index_.reset();
  handler_ = nullptr;
}

Status DmaTransaction::set_maximum_length(std::size_t maximum) {
  if (state_ == DmaTransactionState::Transfer) return Status::InvalidDeviceState;
  if (maximum == 0 || maximum > enabler_.maximum_transfer_length) return Status::InvalidParameter;
  maximum_length_ = maximum;
  return Status::Success;
}

Status DmaTransaction::initialize(const DmaBuffer& buffer, std::size_t offset, std::size_t length) {
  if (state_ != DmaTransactionState::Created && state_ != DmaTransactionState::Released) {
    return Status::InvalidDeviceState;
  }
  if (validate(enabler_) != Status::Success) return Status::InvalidParameter;
  if (buffer.empty() || length == 0 || !buffer.contains(offset, length)) {
    return Status::InvalidParameter;
  }
  const std::uint64_t first = std::uint64_t{buffer.bus_address()} + offset;
  if (first % enabler_.alignment != 0) return Status::InvalidParameter;
  base_address_ = static_cast<std::uint32_t>(first);
  length_ = length;
  transferred_ = 0;
  current_length_ = 0;
  request_status_ = Status::Pending;
  transfers_programmed_ = 0;
  consecutive_retries_ = 0;
  state_ = DmaTransactionState::Initialized;
  return Status::Success;
}

Status DmaTransaction::execute(ProgramDma program_dma, void* context) {
  if (state_ != DmaTransactionState::Initialized) return Status::InvalidDeviceState;
  if (!program_dma) return Status::InvalidParameter;
  program_dma_ = std::move(program_dma);
  context_ = context;
  // Transfer before the callback runs: it may complete the transfer before execute() returns.
  state_ = DmaTransactionState::Transfer;
  stage();
  return Status::Success;
}

DmaCompletion DmaTransaction::completed() {
  return complete(current_length_, false);
}

DmaCompletion DmaTransaction::completed_with_length(std::size_t transferred) {
  return complete(transferred, true);
}

DmaCompletion DmaTransaction::completed_final(std::size_t transferred, Status request_status) {
  if (state_ != DmaTransactionState::Transfer) return {false, Status::InvalidDeviceState};
  if (transferred > current_length_) return {false, Status::InvalidParameter};
  transferred_ += transferred;
  finish(DmaTransactionState::TransferCompleted, request_status);
  return {true, Status::Success};
}

DmaCompletion DmaTransaction::complete(std::size_t transferred, bool partial) {
  if (state_ != DmaTransactionState::Transfer) return {false, Status::InvalidDeviceState};
  if (transferred > current_length_) {
    finish(DmaTransactionState::TransferFailed, Status::InvalidParameter);
    return {true, Status::InvalidParameter};
  }
  transferred_ += transferred;
  consecutive_retries_ = partial && transferred == 0 ? consecutive_retries_ + 1 : 0;
  if (transferred_ == length_) {
    finish(DmaTransactionState::TransferCompleted, Status::Success);
    return {true, Status::Success};
  }
  stage();
  return {false, Status::MoreProcessingRequired};
}

Status DmaTransaction::release() {
  if (state_ == DmaTransactionState::Transfer) return Status::InvalidDeviceState;
  state_ = DmaTransactionState::Released;
  base_address_ = 0;
  length_ = 0;
  transferred_ = 0;
  current_length_ = 0;
  maximum_length_ = enabler_.maximum_transfer_length;
  program_dma_ = nullptr;
  context_ = nullptr;
  request_status_ = Status::Pending;
  transfers_programmed_ = 0;
  consecutive_retries_ = 0;
  return Status::Success;
}

void DmaTransaction::on_context_interrupt(ContextKind, std::uint32_t, bool unrecoverable) {
  if (state_ != DmaTransactionState::Transfer || !handler_) {
    ++stray_interrupts_;
    return;
  }
  // A copy: the handler may unbind (and so clear handler_) from inside itself.
  const DmaInterruptHandler handler = handler_;
  handler(*this, unrecoverable);
}

void DmaTransaction::stage() {
  current_length_ = std::min(length_ - transferred_, maximum_length_);
  ++transfers_programmed_;
  const DmaTransfer transfer{this, base_address_ + static_cast<std::uint32_t>(transferred_),
                             current_length_, transferred_, context_};
  // A copy: the callback may end and release the transaction (which clears program_dma_).
  const ProgramDma program_dma = program_dma_;
  program_dma(transfer);
}

void DmaTransaction::finish(DmaTransactionState state, Status request_status) {
  state_ = state;
  current_length_ = 0;
  request_status_ = request_status;
}

}  // namespace ohci::fw
