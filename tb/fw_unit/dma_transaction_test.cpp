// DmaTransaction (the KMDF model: states, transfers, the three completion calls, misuse) and its
// OHCI mapping (TransferProgram, complete_transfer) against the fake controller. Every
// expectation comes from the rules in fw/include/ohci/dma_transaction.hpp and dma_program.hpp.
#include "ohci/dma_transaction.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "fake_hal.hpp"
#include "ohci/dma_program.hpp"
#include "ohci/interrupt_dispatcher.hpp"

namespace ohci::fw {
namespace {

using test::FakeHal;

constexpr DmaCompletion kMore{false, Status::MoreProcessingRequired};
constexpr DmaCompletion kDone{true, Status::Success};
constexpr DmaCompletion kMisuse{false, Status::InvalidDeviceState};

// The xferStatus of a descriptor the controller completed with `event` (run | active | event).
constexpr std::uint32_t xfer_status(regs::EventCode event) {
  return 0x8000u | 0x0400u | static_cast<std::uint32_t>(event);
}

class DmaTransactionTest : public ::testing::Test {
 protected:
  // A transaction of `length` bytes at `offset` of the buffer, in transfers of at most `maximum`.
  DmaTransaction& make(std::size_t length, std::size_t maximum, std::size_t offset = 0,
                       DmaDirection direction = DmaDirection::ToDevice) {
    transaction_.emplace(DmaEnabler{maximum, 4}, direction);
    EXPECT_EQ(transaction_->initialize(buffer_, offset, length), Status::Success);
    return *transaction_;
  }
  // A program-DMA callback that records every transfer it is asked for.
  ProgramDma recorder() {
    return [this](const DmaTransfer& transfer) { transfers_.push_back(transfer); };
  }
  std::uint32_t address(std::size_t offset) const {
    return buffer_.bus_address() + static_cast<std::uint32_t>(offset);
  }

  FakeHal hal_;
  DmaBuffer buffer_ = std::move(DmaBuffer::allocate(hal_, 8192, 16).value());
  std::optional<DmaTransaction> transaction_;
  std::vector<DmaTransfer> transfers_;
};

TEST_F(DmaTransactionTest, StartsCreatedAndNamesItsStates) {
  DmaTransaction transaction(DmaEnabler{4096, 4}, DmaDirection::FromDevice);
  EXPECT_EQ(transaction.state(), DmaTransactionState::Created);
  EXPECT_EQ(transaction.request_status(), Status::Pending);
  EXPECT_EQ(transaction.current_transfer_length(), 0u);
  EXPECT_EQ(transaction.maximum_length(), 4096u);
  EXPECT_EQ(to_string(DmaTransactionState::Created), "Created");
  EXPECT_EQ(to_string(DmaTransactionState::Initialized), "Initialized");
  EXPECT_EQ(to_string(DmaTransactionState::Transfer), "Transfer");
  EXPECT_EQ(to_string(DmaTransactionState::TransferCompleted), "TransferCompleted");
  EXPECT_EQ(to_string(DmaTransactionState::TransferFailed), "TransferFailed");
  EXPECT_EQ(to_string(DmaTransactionState::Released), "Released");
}

TEST_F(DmaTransactionTest, TheNewStatusCodesHaveReadableNames) {
  EXPECT_EQ(to_string(Status::DataOverrun), "DataOverrun");
  EXPECT_EQ(to_string(Status::DataLate), "DataLate");
  EXPECT_EQ(to_string(Status::InvalidDeviceState), "InvalidDeviceState");
  EXPECT_EQ(to_string(Status::Cancelled), "Cancelled");
}

TEST_F(DmaTransactionTest, InitializeChecksTheEnablerAndTheRange) {
  EXPECT_EQ(validate(DmaEnabler{0, 4}), Status::InvalidParameter);
  EXPECT_EQ(validate(DmaEnabler{16, 3}), Status::InvalidParameter);
  EXPECT_EQ(validate(DmaEnabler{16, 1}), Status::Success);
  DmaTransaction bad_enabler(DmaEnabler{0, 4}, DmaDirection::ToDevice);
  EXPECT_EQ(bad_enabler.initialize(buffer_, 0, 16), Status::InvalidParameter);

  DmaTransaction transaction(DmaEnabler{256, 16}, DmaDirection::ToDevice);
  EXPECT_EQ(transaction.initialize(DmaBuffer{}, 0, 16), Status::InvalidParameter);
  EXPECT_EQ(transaction.initialize(buffer_, 0, 0), Status::InvalidParameter);
  EXPECT_EQ(transaction.initialize(buffer_, 8192 - 16, 17), Status::InvalidParameter);
  EXPECT_EQ(transaction.initialize(buffer_, 4, 16), Status::InvalidParameter) << "not 16-aligned";
  EXPECT_EQ(transaction.state(), DmaTransactionState::Created);
  EXPECT_EQ(transaction.initialize(buffer_, 32, 8192 - 32), Status::Success);
  EXPECT_EQ(transaction.state(), DmaTransactionState::Initialized);
  EXPECT_EQ(transaction.length(), 8192u - 32);
  EXPECT_EQ(transaction.initialize(buffer_, 0, 16), Status::InvalidDeviceState) << "initialized";
}

TEST_F(DmaTransactionTest, ExecuteProgramsTheFirstTransferBeforeItReturns) {
  DmaTransaction& transaction = make(1000, 256, 64);
  int context = 0;
  EXPECT_EQ(transaction.execute(recorder(), &context), Status::Success);
  ASSERT_EQ(transfers_.size(), 1u);
  EXPECT_EQ(transfers_[0].transaction, &transaction);
  EXPECT_EQ(transfers_[0].address, address(64));
  EXPECT_EQ(transfers_[0].length, 256u);
  EXPECT_EQ(transfers_[0].offset, 0u);
  EXPECT_EQ(transfers_[0].context, &context);
  EXPECT_EQ(transaction.state(), DmaTransactionState::Transfer);
  EXPECT_EQ(transaction.current_transfer_length(), 256u);
  EXPECT_EQ(transaction.bytes_transferred(), 0u);
  EXPECT_EQ(transaction.transfers_programmed(), 1u);
}

// L bytes in transfers of at most M: ceil(L / M) transfers, back to back, each programmed inside
// the completion of the one before; MoreProcessingRequired until the last, then Success.
class CeilTransfers : public DmaTransactionTest,
                      public ::testing::WithParamInterface<std::pair<std::size_t, std::size_t>> {};

TEST_P(CeilTransfers, CompletedRunsCeilLOverMTransfers) {
  const auto [length, maximum] = GetParam();
  DmaTransaction& transaction = make(length, maximum, 16);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  const std::size_t expected = (length + maximum - 1) / maximum;
  for (std::size_t k = 0; k < expected; ++k) {
    ASSERT_EQ(transfers_.size(), k + 1);
    const std::size_t offset = k * maximum;
    EXPECT_EQ(transfers_[k].address, address(16 + offset)) << k;
    EXPECT_EQ(transfers_[k].offset, offset) << k;
    EXPECT_EQ(transfers_[k].length, std::min(maximum, length - offset)) << k;
    EXPECT_EQ(transaction.current_transfer_length(), transfers_[k].length) << k;
    const DmaCompletion completion = transaction.completed();
    EXPECT_EQ(completion, k + 1 < expected ? kMore : kDone) << k;
  }
  EXPECT_EQ(transfers_.size(), expected);
  EXPECT_EQ(transaction.transfers_programmed(), expected);
  EXPECT_EQ(transaction.bytes_transferred(), length);
  EXPECT_EQ(transaction.current_transfer_length(), 0u);
  EXPECT_EQ(transaction.state(), DmaTransactionState::TransferCompleted);
  EXPECT_EQ(transaction.request_status(), Status::Success);
}

INSTANTIATE_TEST_SUITE_P(Lengths, CeilTransfers,
                         ::testing::Values(std::pair<std::size_t, std::size_t>{1000, 256},
                                           std::pair<std::size_t, std::size_t>{1024, 256},
                                           std::pair<std::size_t, std::size_t>{1025, 256},
                                           std::pair<std::size_t, std::size_t>{4, 256},
                                           std::pair<std::size_t, std::size_t>{256, 256},
                                           std::pair<std::size_t, std::size_t>{4096, 4},
                                           std::pair<std::size_t, std::size_t>{8000, 8192}));

TEST_F(DmaTransactionTest, TheNextTransferIsProgrammedInsideTheCompletionCall) {
  DmaTransaction& transaction = make(512, 256);
  std::size_t programmed_at_completion = 0;
  ASSERT_EQ(transaction.execute([&](const DmaTransfer& transfer) {
    transfers_.push_back(transfer);
    // The second transfer is staged while completed() is still running.
    if (transfers_.size() == 2) programmed_at_completion = transaction.bytes_transferred();
  }),
            Status::Success);
  EXPECT_EQ(transaction.completed(), kMore);
  EXPECT_EQ(programmed_at_completion, 256u) << "credited before the next transfer is programmed";
  EXPECT_EQ(transaction.current_transfer_length(), 256u) << "now the next transfer's";
}

TEST_F(DmaTransactionTest, WithLengthCreditsNAndReturnsTheRestToRemaining) {
  DmaTransaction& transaction = make(1000, 256);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  EXPECT_EQ(transaction.completed_with_length(100), kMore);
  EXPECT_EQ(transaction.bytes_transferred(), 100u);
  ASSERT_EQ(transfers_.size(), 2u);
  EXPECT_EQ(transfers_[1].address, address(100)) << "the next transfer starts at the bytes done";
  EXPECT_EQ(transfers_[1].length, 256u);
  EXPECT_EQ(transaction.completed_with_length(256), kMore) << "a whole transfer is like completed";
  EXPECT_EQ(transaction.completed_with_length(256), kMore);
  EXPECT_EQ(transfers_.back().offset, 612u);
  EXPECT_EQ(transfers_.back().length, 256u);
  EXPECT_EQ(transaction.completed(), kMore);
  EXPECT_EQ(transfers_.back().length, 132u);
  EXPECT_EQ(transaction.completed_with_length(132), kDone);
  EXPECT_EQ(transaction.bytes_transferred(), 1000u);
}

TEST_F(DmaTransactionTest, WithLengthZeroProgramsTheSameTransferAgain) {
  DmaTransaction& transaction = make(600, 256);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_EQ(transaction.completed(), kMore);
  EXPECT_EQ(transaction.completed_with_length(0), kMore);
  EXPECT_EQ(transaction.completed_with_length(0), kMore);
  ASSERT_EQ(transfers_.size(), 4u);
  for (std::size_t k = 2; k < 4; ++k) {
    EXPECT_EQ(transfers_[k].address, transfers_[1].address) << k;
    EXPECT_EQ(transfers_[k].length, transfers_[1].length) << k;
  }
  EXPECT_EQ(transaction.consecutive_retries(), 2u);
  EXPECT_EQ(transaction.bytes_transferred(), 256u);
  EXPECT_EQ(transaction.completed_with_length(8), kMore);
  EXPECT_EQ(transaction.consecutive_retries(), 0u);
  EXPECT_EQ(transfers_.back().offset, 264u);
}

TEST_F(DmaTransactionTest, WithLengthAboveTheTransferFailsTheTransaction) {
  DmaTransaction& transaction = make(1000, 256);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_EQ(transaction.completed(), kMore);
  EXPECT_EQ(transaction.completed_with_length(257),
            (DmaCompletion{true, Status::InvalidParameter}));
  EXPECT_EQ(transaction.state(), DmaTransactionState::TransferFailed);
  EXPECT_EQ(transaction.request_status(), Status::InvalidParameter);
  EXPECT_EQ(transaction.bytes_transferred(), 256u) << "nothing credited";
  EXPECT_EQ(transaction.current_transfer_length(), 0u);
  EXPECT_EQ(transfers_.size(), 2u) << "no further transfer";
  EXPECT_EQ(transaction.completed(), kMisuse);
}

TEST_F(DmaTransactionTest, FinalCreditsNAndEndsTheTransactionWithTheDriversStatus) {
  DmaTransaction& transaction = make(1000, 256);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_EQ(transaction.completed(), kMore);
  EXPECT_EQ(transaction.completed_final(100, Status::DataLate), kDone)
      << "Success: the error is the driver's to carry";
  EXPECT_EQ(transaction.state(), DmaTransactionState::TransferCompleted);
  EXPECT_EQ(transaction.bytes_transferred(), 356u);
  EXPECT_EQ(transaction.request_status(), Status::DataLate);
  EXPECT_EQ(transaction.current_transfer_length(), 0u);
  EXPECT_EQ(transfers_.size(), 2u);
}

TEST_F(DmaTransactionTest, FinalWithoutAnErrorAndWithZeroBytes) {
  DmaTransaction& transaction = make(1000, 256);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  EXPECT_EQ(transaction.completed_final(0), kDone);
  EXPECT_EQ(transaction.bytes_transferred(), 0u);
  EXPECT_EQ(transaction.request_status(), Status::Success);
}

TEST_F(DmaTransactionTest, FinalAboveTheTransferIsRefusedAndChangesNothing) {
  DmaTransaction& transaction = make(1000, 256);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  EXPECT_EQ(transaction.completed_final(257), (DmaCompletion{false, Status::InvalidParameter}));
  EXPECT_EQ(transaction.state(), DmaTransactionState::Transfer);
  EXPECT_EQ(transaction.current_transfer_length(), 256u);
  EXPECT_EQ(transaction.bytes_transferred(), 0u);
  EXPECT_EQ(transaction.completed_final(256), kDone);
}

TEST_F(DmaTransactionTest, CompletionOutsideTransferIsAClearErrorThatChangesNothing) {
  DmaTransaction transaction(DmaEnabler{256, 4}, DmaDirection::ToDevice);
  auto all_refused = [&](const char* when) {
    EXPECT_EQ(transaction.completed(), kMisuse) << when;
    EXPECT_EQ(transaction.completed_with_length(0), kMisuse) << when;
    EXPECT_EQ(transaction.completed_final(0), kMisuse) << when;
  };
  all_refused("created");
  ASSERT_EQ(transaction.initialize(buffer_, 0, 100), Status::Success);
  all_refused("initialized");
  EXPECT_EQ(transaction.state(), DmaTransactionState::Initialized);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_EQ(transaction.completed(), kDone);
  all_refused("completed");
  EXPECT_EQ(transaction.bytes_transferred(), 100u);
  ASSERT_EQ(transaction.release(), Status::Success);
  all_refused("released");
}

TEST_F(DmaTransactionTest, ExecuteTwiceOrUninitializedIsAnError) {
  DmaTransaction transaction(DmaEnabler{256, 4}, DmaDirection::ToDevice);
  EXPECT_EQ(transaction.execute(recorder()), Status::InvalidDeviceState);
  ASSERT_EQ(transaction.initialize(buffer_, 0, 1000), Status::Success);
  EXPECT_EQ(transaction.execute(nullptr), Status::InvalidParameter);
  EXPECT_EQ(transaction.state(), DmaTransactionState::Initialized);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  EXPECT_EQ(transaction.execute(recorder()), Status::InvalidDeviceState);
  EXPECT_EQ(transfers_.size(), 1u);
  EXPECT_EQ(transaction.state(), DmaTransactionState::Transfer);
}

TEST_F(DmaTransactionTest, ReleaseIsRefusedDuringTransferAndMakesTheTransactionReusable) {
  DmaTransaction& transaction = make(300, 256);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  EXPECT_EQ(transaction.release(), Status::InvalidDeviceState);
  EXPECT_EQ(transaction.initialize(buffer_, 0, 16), Status::InvalidDeviceState);
  ASSERT_EQ(transaction.completed_final(10, Status::DeviceError), kDone);
  EXPECT_EQ(transaction.initialize(buffer_, 0, 16), Status::InvalidDeviceState) << "release first";
  EXPECT_EQ(transaction.release(), Status::Success);
  EXPECT_EQ(transaction.state(), DmaTransactionState::Released);
  EXPECT_EQ(transaction.bytes_transferred(), 0u);
  EXPECT_EQ(transaction.request_status(), Status::Pending);
  EXPECT_EQ(transaction.release(), Status::Success) << "a second release is harmless";
  ASSERT_EQ(transaction.initialize(buffer_, 512, 40), Status::Success);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  EXPECT_EQ(transfers_.back().address, address(512));
  EXPECT_EQ(transaction.completed(), kDone);
  EXPECT_EQ(transaction.bytes_transferred(), 40u);
}

TEST_F(DmaTransactionTest, ProgramDmaMayCompleteEveryTransferBeforeExecuteReturns) {
  DmaTransaction& transaction = make(1000, 256);
  std::vector<DmaCompletion> results;
  ASSERT_EQ(transaction.execute([&](const DmaTransfer& transfer) {
    transfers_.push_back(transfer);
    results.push_back(transfer.transaction->completed());
  }),
            Status::Success);
  EXPECT_EQ(transaction.state(), DmaTransactionState::TransferCompleted);
  EXPECT_EQ(transaction.bytes_transferred(), 1000u);
  EXPECT_EQ(transfers_.size(), 4u);
  // The innermost call finished the transaction; each outer one had programmed a next transfer.
  EXPECT_EQ(results, (std::vector<DmaCompletion>{kDone, kMore, kMore, kMore}));
}

TEST_F(DmaTransactionTest, ProgramDmaFailsTheTransactionWithFinalZero) {
  DmaTransaction& transaction = make(1000, 256);
  ASSERT_EQ(transaction.execute([&](const DmaTransfer& transfer) {
    (void)transfer.transaction->completed_final(0, Status::InsufficientResources);
  }),
            Status::Success);
  EXPECT_EQ(transaction.state(), DmaTransactionState::TransferCompleted);
  EXPECT_EQ(transaction.request_status(), Status::InsufficientResources);
  EXPECT_EQ(transaction.release(), Status::Success);
}

TEST_F(DmaTransactionTest, SetMaximumLengthNarrowsTheTransfersUntilRelease) {
  DmaTransaction& transaction = make(1000, 256);
  EXPECT_EQ(transaction.set_maximum_length(0), Status::InvalidParameter);
  EXPECT_EQ(transaction.set_maximum_length(257), Status::InvalidParameter);
  EXPECT_EQ(transaction.set_maximum_length(100), Status::Success);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  EXPECT_EQ(transaction.set_maximum_length(200), Status::InvalidDeviceState);
  EXPECT_EQ(transfers_[0].length, 100u);
  EXPECT_EQ(transaction.completed_final(100), kDone);
  EXPECT_EQ(transaction.release(), Status::Success);
  EXPECT_EQ(transaction.maximum_length(), 256u);
}

// Binding to a context through the dispatcher.
class BoundTransactionTest : public DmaTransactionTest {
 protected:
  BoundTransactionTest() {
    hal_.write32(regs::kIntMaskSet,
                 regs::int_mask::kMasterIntEnable.mask() | regs::int_mask::kIsochTx.mask() |
                     regs::int_mask::kIsochRx.mask() | regs::int_mask::kUnrecoverableError.mask());
    hal_.write32(regs::kIsoXmitIntMaskSet, 0xF);
    hal_.write32(regs::kIsoRecvIntMaskSet, 0xF);
  }
  // A bound transaction gives its context back when destroyed: before the dispatcher goes.
  ~BoundTransactionTest() override { transaction_.reset(); }
  InterruptDispatcher dispatcher_{hal_};
};

TEST_F(BoundTransactionTest, BindingOwnsTheContextOfItsDirectionUntilDestroyed) {
  auto ignore = [](DmaTransaction&, bool) {};
  {
    DmaTransaction out(DmaEnabler{256, 4}, DmaDirection::ToDevice);
    DmaTransaction in(DmaEnabler{256, 4}, DmaDirection::FromDevice);
    EXPECT_EQ(out.bind_context(dispatcher_, 2, ignore), Status::Success);
    EXPECT_EQ(in.bind_context(dispatcher_, 2, ignore), Status::Success);
    EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 2), &out);
    EXPECT_EQ(dispatcher_.owner(ContextKind::Receive, 2), &in);
    EXPECT_EQ(out.bind_context(dispatcher_, 3, ignore), Status::InvalidDeviceState);
    DmaTransaction other(DmaEnabler{256, 4}, DmaDirection::ToDevice);
    EXPECT_EQ(other.bind_context(dispatcher_, 2, ignore), Status::AccessDenied);
    EXPECT_EQ(other.bind_context(dispatcher_, 32, ignore), Status::InvalidParameter);
    EXPECT_EQ(other.bind_context(dispatcher_, 1, nullptr), Status::InvalidParameter);
    EXPECT_EQ(out.context_index(), 2u);
    EXPECT_FALSE(other.context_index().has_value());
  }
  EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 2), nullptr);
  EXPECT_EQ(dispatcher_.owner(ContextKind::Receive, 2), nullptr);
}

TEST_F(BoundTransactionTest, InterruptsReachTheHandlerOnlyDuringTransfer) {
  DmaTransaction& transaction = make(512, 256);
  int handled = 0;
  ASSERT_EQ(transaction.bind_context(dispatcher_, 1,
                                     [&](DmaTransaction& t, bool unrecoverable) {
                                       ++handled;
                                       EXPECT_FALSE(unrecoverable);
                                       EXPECT_EQ(&t, &transaction);
                                       (void)t.completed();
                                     }),
            Status::Success);
  hal_.registers.raise_iso_xmit_events(1u << 1);
  hal_.interrupt();
  EXPECT_EQ(handled, 0);
  EXPECT_EQ(transaction.stray_interrupts(), 1u);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  for (int k = 0; k < 2; ++k) {
    hal_.registers.raise_iso_xmit_events(1u << 1);
    hal_.interrupt();
  }
  EXPECT_EQ(handled, 2);
  EXPECT_EQ(transaction.state(), DmaTransactionState::TransferCompleted);
}

TEST_F(BoundTransactionTest, ConcurrentTransactionsAreEachCompletedByTheirOwnInterrupt) {
  DmaTransaction out(DmaEnabler{256, 4}, DmaDirection::ToDevice);
  DmaTransaction in(DmaEnabler{256, 4}, DmaDirection::FromDevice);
  std::vector<const DmaTransaction*> handled;
  auto complete = [&](DmaTransaction& t, bool) {
    handled.push_back(&t);
    (void)t.completed();
  };
  ASSERT_EQ(out.bind_context(dispatcher_, 0, complete), Status::Success);
  ASSERT_EQ(in.bind_context(dispatcher_, 3, complete), Status::Success);
  ASSERT_EQ(out.initialize(buffer_, 0, 256), Status::Success);
  ASSERT_EQ(in.initialize(buffer_, 1024, 512), Status::Success);
  ASSERT_EQ(out.execute(recorder()), Status::Success);
  ASSERT_EQ(in.execute(recorder()), Status::Success);
  // Both interrupt before the DPC runs: one DPC completes both, each by its own context's bit.
  hal_.registers.raise_iso_recv_events(1u << 3);
  hal_.enter_isr();
  hal_.registers.raise_iso_xmit_events(1u << 0);
  hal_.enter_isr();
  EXPECT_EQ(hal_.run_dpcs(), 1u);
  EXPECT_EQ(handled, (std::vector<const DmaTransaction*>{&out, &in}));
  EXPECT_EQ(out.state(), DmaTransactionState::TransferCompleted);
  EXPECT_EQ(in.state(), DmaTransactionState::Transfer) << "its second transfer is programmed";
  EXPECT_EQ(in.bytes_transferred(), 256u);
  EXPECT_EQ(transfers_.back().address, address(1024 + 256));
}

// The OHCI mapping: programs, outcomes, completion calls.
class TransferProgramTest : public DmaTransactionTest {
 protected:
  TransferProgram program_ = std::move(TransferProgram::allocate(hal_, 8).value());
  const ItTransferOptions it_{IsoHeader{regs::Speed::kS400, 1, 5, 0}, 100};
  const IrTransferOptions ir_{128};
};

TEST_F(TransferProgramTest, TransmitProgramIsOnePacketPerMaxBytesWithAnInterruptOnTheLast) {
  const DmaTransfer transfer{nullptr, address(16), 250, 0, nullptr};
  auto first = program_.build_transmit(transfer, it_);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(program_.packets(), 3u);
  EXPECT_EQ(program_.lengths(), (std::vector<std::uint32_t>{100, 100, 50}));
  const auto& blocks = program_.transmit_blocks();
  EXPECT_EQ(first.value(), blocks[0].ref);
  const std::uint32_t base = program_.memory().bus_address();
  const BlockRef trap = program_.underrun_trap().ref;
  EXPECT_EQ(trap.z, 1u);
  for (std::size_t k = 0; k < 3; ++k) {
    const std::uint32_t block = base + static_cast<std::uint32_t>(blocks[k].offset);
    EXPECT_EQ(blocks[k].ref.z, 3u);
    // OUTPUT_MORE-Immediate quadlet 2: the skip block, the trap.
    EXPECT_EQ(hal_.memory_quadlet(block + 8), trap.address | trap.z) << k;
    // OUTPUT_LAST: payload address, i = 11 only on the last, branch to the next or the end.
    EXPECT_EQ(hal_.memory_quadlet(block + 36), address(16 + 100 * k)) << k;
    const std::uint32_t control = hal_.memory_quadlet(block + 32);
    EXPECT_EQ(regs::desc::control::kInterrupt.get(control), k == 2 ? 3u : 0u) << k;
    EXPECT_EQ(regs::desc::control::kReqCount.get(control), program_.lengths()[k]) << k;
    const std::uint32_t branch = hal_.memory_quadlet(block + 40);
    EXPECT_EQ(branch, k < 2 ? (blocks[k + 1].ref.address | 3u) : 0u) << k;
  }
  // The trap: an empty OUTPUT_LAST with i = 11 that ends the program.
  const std::uint32_t trap_control = hal_.memory_quadlet(trap.address);
  EXPECT_EQ(regs::desc::control::kInterrupt.get(trap_control), 3u);
  EXPECT_EQ(regs::desc::control::kReqCount.get(trap_control), 0u);
  EXPECT_EQ(hal_.memory_quadlet(trap.address + 8), 0u);
}

TEST_F(TransferProgramTest, TransmitOutcomeCompletesWhenTheLastPacketIsSent) {
  DmaTransaction& transaction = make(250, 250);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_TRUE(program_.build_transmit(transfers_[0], it_).ok());
  const ContextStatus running = decode_context_control(0x8400);
  EXPECT_EQ(program_.outcome(running).value().state, TransferState::InProgress);
  EXPECT_EQ(complete_transfer(transaction, program_.outcome(running).value()),
            (DmaCompletion{false, Status::Pending}));
  const std::uint32_t base = program_.memory().bus_address();
  for (const ItBlock& block : program_.transmit_blocks()) {
    hal_.write_memory_quadlet(base + static_cast<std::uint32_t>(block.status_offset),
                              xfer_status(regs::EventCode::kAckComplete) << 16 | 0x1234);
  }
  const TransferOutcome outcome = program_.outcome(running).value();
  EXPECT_EQ(outcome.state, TransferState::Completed);
  EXPECT_EQ(outcome.bytes, 250u);
  EXPECT_EQ(outcome.event, regs::EventCode::kAckComplete);
  EXPECT_EQ(complete_transfer(transaction, outcome), kDone);
  EXPECT_EQ(transaction.bytes_transferred(), 250u);
}

TEST_F(TransferProgramTest, TransmitUnderrunEndsTheTransactionWithTheBytesSentAndDataLate) {
  DmaTransaction& transaction = make(1000, 250);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_TRUE(program_.build_transmit(transfers_[0], it_).ok());
  const std::uint32_t base = program_.memory().bus_address();
  // Packet 0 went out; packet 1 was late: the context took the skip path into the trap.
  hal_.write_memory_quadlet(
      base + static_cast<std::uint32_t>(program_.transmit_blocks()[0].status_offset),
      xfer_status(regs::EventCode::kAckComplete) << 16);
  hal_.write_memory_quadlet(
      base + static_cast<std::uint32_t>(program_.underrun_trap().status_offset),
      xfer_status(regs::EventCode::kAckComplete) << 16);
  const TransferOutcome outcome = program_.outcome(decode_context_control(0x8000)).value();
  EXPECT_EQ(outcome.state, TransferState::Failed);
  EXPECT_EQ(outcome.bytes, 100u);
  EXPECT_EQ(outcome.event, regs::EventCode::kEvtUnderrun);
  EXPECT_EQ(outcome.error, Status::DataLate);
  EXPECT_EQ(complete_transfer(transaction, outcome), kDone);
  EXPECT_EQ(transaction.bytes_transferred(), 100u);
  EXPECT_EQ(transaction.request_status(), Status::DataLate);
  EXPECT_EQ(transfers_.size(), 1u);
}

TEST_F(TransferProgramTest, ADeadContextEndsTheTransactionWithDeviceError) {
  DmaTransaction& transaction = make(200, 200);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_TRUE(program_.build_transmit(transfers_[0], it_).ok());
  // run | dead | evt_data_read
  const TransferOutcome outcome = program_.outcome(decode_context_control(0x8807)).value();
  EXPECT_EQ(outcome.state, TransferState::Failed);
  EXPECT_EQ(outcome.bytes, 0u);
  EXPECT_EQ(outcome.event, regs::EventCode::kEvtDataRead);
  EXPECT_EQ(outcome.error, Status::DeviceError);
  EXPECT_EQ(complete_transfer(transaction, outcome), kDone);
  EXPECT_EQ(transaction.request_status(), Status::DeviceError);
}

TEST_F(TransferProgramTest, ReceiveProgramIsOneBlockPerPacketWithAnInterruptOnTheLast) {
  const DmaTransfer transfer{nullptr, address(64), 300, 0, nullptr};
  auto first = program_.build_receive(transfer, ir_);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(program_.lengths(), (std::vector<std::uint32_t>{128, 128, 44}));
  const auto& blocks = program_.receive_blocks();
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(first.value(), blocks[0].ref);
  const std::uint32_t base = program_.memory().bus_address();
  for (std::size_t k = 0; k < 3; ++k) {
    const std::uint32_t block = base + static_cast<std::uint32_t>(blocks[k].offset);
    EXPECT_EQ(blocks[k].ref.z, 1u);
    const std::uint32_t control = hal_.memory_quadlet(block);
    EXPECT_EQ(regs::desc::control::kCmd.get(control), 3u) << "INPUT_LAST";
    EXPECT_EQ(regs::desc::control::kInterrupt.get(control), k == 2 ? 3u : 0u) << k;
    EXPECT_EQ(hal_.memory_quadlet(block + 4), address(64 + 128 * k)) << k;
    EXPECT_EQ(hal_.memory_quadlet(block + 8), k < 2 ? (blocks[k + 1].ref.address | 1u) : 0u);
    EXPECT_EQ(hal_.memory_quadlet(block + 12), program_.lengths()[k]) << "resCount = reqCount";
  }
  EXPECT_EQ(program_.build_receive(DmaTransfer{nullptr, address(2), 300, 0, nullptr}, ir_).status(),
            Status::InvalidParameter);
  EXPECT_EQ(program_.build_receive(DmaTransfer{nullptr, address(0), 302, 0, nullptr}, ir_).status(),
            Status::InvalidParameter);
  EXPECT_EQ(program_.build_receive(transfer, IrTransferOptions{130}).status(),
            Status::InvalidParameter);
  EXPECT_EQ(
      program_.build_receive(DmaTransfer{nullptr, address(0), 2048, 0, nullptr}, ir_).status(),
      Status::InsufficientResources);
}

TEST_F(TransferProgramTest, ReceiveOutcomeCountsBytesFromResCount) {
  DmaTransaction& transaction = make(2048, 256, 0, DmaDirection::FromDevice);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_TRUE(program_.build_receive(transfers_[0], ir_).ok());
  const std::uint32_t base = program_.memory().bus_address();
  const auto& blocks = program_.receive_blocks();
  const std::uint32_t complete = xfer_status(regs::EventCode::kAckComplete) << 16;
  hal_.write_memory_quadlet(base + static_cast<std::uint32_t>(blocks[0].status_offset(0)),
                            complete | 0);
  EXPECT_EQ(program_.outcome(decode_context_control(0x8400)).value().state,
            TransferState::InProgress);
  // The second packet filled 100 of its 128 bytes: resCount 28.
  hal_.write_memory_quadlet(base + static_cast<std::uint32_t>(blocks[1].status_offset(0)),
                            complete | 28);
  const TransferOutcome outcome = program_.outcome(decode_context_control(0x8000)).value();
  EXPECT_EQ(outcome.state, TransferState::Completed);
  EXPECT_EQ(outcome.bytes, 228u);
  EXPECT_EQ(complete_transfer(transaction, outcome), kMore) << "completed_with_length(228)";
  EXPECT_EQ(transaction.bytes_transferred(), 228u);
  EXPECT_EQ(transfers_.back().offset, 228u);
  EXPECT_EQ(transfers_.back().length, 256u);
}

TEST_F(TransferProgramTest, ReceiveOverrunEndsTheTransactionWithTheBytesBeforeIt) {
  DmaTransaction& transaction = make(384, 384, 0, DmaDirection::FromDevice);
  ASSERT_EQ(transaction.execute(recorder()), Status::Success);
  ASSERT_TRUE(program_.build_receive(transfers_[0], ir_).ok());
  const std::uint32_t base = program_.memory().bus_address();
  const auto& blocks = program_.receive_blocks();
  hal_.write_memory_quadlet(base + static_cast<std::uint32_t>(blocks[0].status_offset(0)),
                            xfer_status(regs::EventCode::kAckComplete) << 16);
  hal_.write_memory_quadlet(base + static_cast<std::uint32_t>(blocks[1].status_offset(0)),
                            xfer_status(regs::EventCode::kEvtOverrun) << 16 | 64);
  hal_.write_memory_quadlet(base + static_cast<std::uint32_t>(blocks[2].status_offset(0)),
                            xfer_status(regs::EventCode::kAckComplete) << 16);
  const TransferOutcome outcome = program_.outcome(decode_context_control(0x8000)).value();
  EXPECT_EQ(outcome.state, TransferState::Failed);
  EXPECT_EQ(outcome.bytes, 128u);
  EXPECT_EQ(outcome.event, regs::EventCode::kEvtOverrun);
  EXPECT_EQ(outcome.error, Status::DataOverrun);
  EXPECT_EQ(complete_transfer(transaction, outcome), kDone) << "completed_final(128)";
  EXPECT_EQ(transaction.bytes_transferred(), 128u);
  EXPECT_EQ(transaction.request_status(), Status::DataOverrun);
}

TEST_F(TransferProgramTest, ReceiveLongPacketAndDataErrorFailTheTransfer) {
  const DmaTransfer transfer{nullptr, address(0), 256, 0, nullptr};
  ASSERT_TRUE(program_.build_receive(transfer, ir_).ok());
  const std::uint32_t status =
      program_.memory().bus_address() +
      static_cast<std::uint32_t>(program_.receive_blocks()[0].status_offset(0));
  hal_.write_memory_quadlet(status, xfer_status(regs::EventCode::kEvtLongPacket) << 16);
  EXPECT_EQ(program_.outcome(ContextStatus{}).value().error, Status::BufferTooSmall);
  hal_.write_memory_quadlet(status, xfer_status(regs::EventCode::kAckDataError) << 16);
  EXPECT_EQ(program_.outcome(ContextStatus{}).value().error, Status::DeviceError);
}

TEST_F(TransferProgramTest, BuildChecksItsArguments) {
  EXPECT_EQ(TransferProgram::allocate(hal_, 0).status(), Status::InvalidParameter);
  EXPECT_EQ(program_.outcome(ContextStatus{}).status(), Status::InvalidDeviceState);
  const DmaTransfer transfer{nullptr, address(0), 1000, 0, nullptr};
  EXPECT_EQ(program_.build_transmit(transfer, it_).status(), Status::InsufficientResources);
  ItTransferOptions too_big = it_;
  too_big.max_bytes_per_packet = 4097;
  EXPECT_EQ(program_.build_transmit(transfer, too_big).status(), Status::InvalidParameter);
  ItTransferOptions s100 = it_;
  s100.header.speed = regs::Speed::kS100;
  s100.max_bytes_per_packet = 1025;
  EXPECT_EQ(program_.build_transmit(transfer, s100).status(), Status::InvalidParameter);
  ItTransferOptions s800 = it_;
  s800.header.speed = regs::Speed::kS800;
  EXPECT_EQ(program_.build_transmit(transfer, s800).status(), Status::NotSupported);
  ItTransferOptions bad_channel = it_;
  bad_channel.header.channel = 64;
  EXPECT_EQ(program_.build_transmit(transfer, bad_channel).status(), Status::InvalidParameter);
}

TEST_F(TransferProgramTest, ProgramTransmitStartsTheContextAndRestartsItWhenIdle) {
  auto context = ItContext::open(hal_, 1);
  ASSERT_TRUE(context.ok());
  const DmaTransfer transfer{nullptr, address(0), 200, 0, nullptr};
  ASSERT_EQ(program_transmit(context.value(), program_, transfer, it_), Status::Success);
  const std::uint32_t command_ptr = hal_.registers.command_ptr(1);
  EXPECT_EQ(command_ptr, program_.first().address | program_.first().z);
  EXPECT_NE(hal_.registers.context_control(1) & 0x8000u, 0u) << "run";
  // Idle at the end of its program (run, not active): stopped, then started on the next one.
  hal_.registers.set_context_control(1, 0x8000);
  hal_.log.clear();
  ASSERT_EQ(program_transmit(context.value(), program_, transfer, it_), Status::Success);
  ASSERT_GE(hal_.writes().size(), 2u);
  EXPECT_EQ(hal_.writes()[0],
            test::write_of(regs::it_context(1, regs::ItContextReg::kContextControlClear), 0x8000))
      << "run cleared first";
  EXPECT_NE(hal_.registers.context_control(1) & 0x8000u, 0u);
}

TEST_F(TransferProgramTest, ProgramReceiveStartsTheContextWithTheStartOptions) {
  auto context = IrContext::open(hal_, 2);
  ASSERT_TRUE(context.ok());
  const DmaTransfer transfer{nullptr, address(0), 256, 0, nullptr};
  IrStartOptions start;
  start.isoch_header = false;
  start.channel = 9;
  ASSERT_EQ(program_receive(context.value(), program_, transfer, ir_, start), Status::Success);
  EXPECT_EQ(hal_.registers.ir_command_ptr(2), program_.first().address | 1u);
  EXPECT_EQ(hal_.registers.ir_context_match(2) & 0x3Fu, 9u);
  EXPECT_EQ(hal_.registers.ir_context_control(2) & 0x40000000u, 0u) << "isochHeader off";
  EXPECT_EQ(program_receive(context.value(), program_,
                            DmaTransfer{nullptr, address(0), 6, 0, nullptr}, ir_),
            Status::InvalidParameter);
}

}  // namespace
}  // namespace ohci::fw
