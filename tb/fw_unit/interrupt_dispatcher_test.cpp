// InterruptDispatcher against the fake register file: what the ISR reads, clears and saves, how
// one DPC covers several ISRs, dispatch by context bit, the interrupt lock, dead contexts, and
// what reaches the event handler (fw/include/ohci/interrupt_dispatcher.hpp).
#include "ohci/interrupt_dispatcher.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "fake_hal.hpp"

namespace ohci::fw {
namespace {

using test::Access;
using test::FakeHal;
using test::read_of;
using test::write_of;

// OHCI offsets and bits written out here, independently of the generated register map.
constexpr std::uint32_t kIntEventSet = 0x080;
constexpr std::uint32_t kIntEventClear = 0x084;
constexpr std::uint32_t kIntMaskSet = 0x088;
constexpr std::uint32_t kIntMaskClear = 0x08C;
constexpr std::uint32_t kIsoXmitIntEventClear = 0x094;
constexpr std::uint32_t kIsoXmitIntMaskSet = 0x098;
constexpr std::uint32_t kIsoRecvIntEventClear = 0x0A4;
constexpr std::uint32_t kIsoRecvIntMaskSet = 0x0A8;
constexpr std::uint32_t kIsochTx = 1u << 6;
constexpr std::uint32_t kIsochRx = 1u << 7;
constexpr std::uint32_t kPostedWriteErr = 1u << 8;
constexpr std::uint32_t kBusReset = 1u << 17;
constexpr std::uint32_t kCycleSynch = 1u << 20;
constexpr std::uint32_t kUnrecoverableError = 1u << 24;
constexpr std::uint32_t kMasterIntEnable = 1u << 31;
constexpr std::uint32_t kDead = 1u << 11;
constexpr std::uint32_t kRun = 1u << 15;

struct Call {
  ContextKind kind;
  std::uint32_t index;
  bool unrecoverable;
  friend bool operator==(const Call&, const Call&) = default;
};

// Records every callback, in order, into a log shared by all recorders of a test.
class Recorder : public ContextOwner {
 public:
  explicit Recorder(std::vector<Call>& log) : log_(log) {}
  void on_context_interrupt(ContextKind kind, std::uint32_t index, bool unrecoverable) override {
    log_.push_back({kind, index, unrecoverable});
    if (then) then(kind, index);
  }
  std::function<void(ContextKind, std::uint32_t)> then;

 private:
  std::vector<Call>& log_;
};

class InterruptDispatcherTest : public ::testing::Test {
 protected:
  InterruptDispatcherTest() {
    // Every event the tests raise is enabled, and every context's interrupt.
    hal_.write32(kIntMaskSet, kMasterIntEnable | kIsochTx | kIsochRx | kPostedWriteErr | kBusReset |
                                  kCycleSynch | kUnrecoverableError);
    hal_.write32(kIsoXmitIntMaskSet, 0xF);
    hal_.write32(kIsoRecvIntMaskSet, 0xF);
    dispatcher_.set_event_handler(
        [this](const InterruptEvents& events) { handled_.push_back(events); });
    hal_.log.clear();
  }

  FakeHal hal_;
  InterruptDispatcher dispatcher_{hal_};
  std::vector<Call> calls_;
  std::vector<InterruptEvents> handled_;
};

TEST_F(InterruptDispatcherTest, AttachesItsIsrAndDetachesItWhenDestroyed) {
  FakeHal hal;
  {
    InterruptDispatcher dispatcher(hal);
    EXPECT_TRUE(hal.isr_attached());
  }
  EXPECT_FALSE(hal.isr_attached());
}

TEST_F(InterruptDispatcherTest, RegisterOwnerRefusesATakenContextAndAnIndexAbove31) {
  Recorder a(calls_), b(calls_);
  EXPECT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 2, a), Status::Success);
  EXPECT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 2, b), Status::AccessDenied);
  EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 2), &a);
  // The same number on the other kind is another context.
  EXPECT_EQ(dispatcher_.register_owner(ContextKind::Receive, 2, b), Status::Success);
  EXPECT_EQ(dispatcher_.register_owner(ContextKind::Receive, 31, a), Status::Success);
  EXPECT_EQ(dispatcher_.register_owner(ContextKind::Receive, 32, a), Status::InvalidParameter);
  dispatcher_.unregister_owner(ContextKind::Transmit, 2);
  EXPECT_EQ(dispatcher_.owner(ContextKind::Transmit, 2), nullptr);
  EXPECT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 2, b), Status::Success);
  dispatcher_.unregister_owner(ContextKind::Transmit, 40);  // out of range: nothing happens
}

TEST_F(InterruptDispatcherTest, IsrReadsAndClearsTheEventsAndQueuesTheDpc) {
  hal_.registers.raise_iso_xmit_events(1u << 1);
  hal_.registers.raise_iso_recv_events(1u << 3);
  hal_.registers.raise_events(kCycleSynch);
  hal_.enter_isr();
  const std::uint32_t events = kIsochTx | kIsochRx | kCycleSynch;
  EXPECT_EQ(
      hal_.log,
      (std::vector<Access>{
          read_of(kIntEventClear, events), write_of(kIntEventClear, events),
          read_of(kIsoXmitIntEventClear, 1u << 1), write_of(kIsoXmitIntEventClear, 1u << 1),
          read_of(kIsoRecvIntEventClear, 1u << 3), write_of(kIsoRecvIntEventClear, 1u << 3)}));
  EXPECT_EQ(hal_.registers.int_event(), 0u);
  EXPECT_EQ(hal_.registers.iso_xmit_event(), 0u);
  EXPECT_EQ(hal_.registers.iso_recv_event(), 0u);
  EXPECT_EQ(hal_.queued_dpcs(), 1u);
  EXPECT_EQ(dispatcher_.isr_count(), 1u);
  EXPECT_EQ(dispatcher_.dpc_count(), 0u);
  EXPECT_TRUE(handled_.empty()) << "nothing is dispatched before the DPC runs";
}

TEST_F(InterruptDispatcherTest, AnInterruptThatIsNotOursQueuesNothing) {
  hal_.enter_isr();
  EXPECT_EQ(hal_.log, (std::vector<Access>{read_of(kIntEventClear, 0)}));
  EXPECT_EQ(hal_.queued_dpcs(), 0u);
  EXPECT_EQ(dispatcher_.isr_count(), 1u);
}

TEST_F(InterruptDispatcherTest, OneDpcCoversEveryIsrSinceItsLastRun) {
  Recorder t0(calls_), r2(calls_);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 0, t0), Status::Success);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Receive, 2, r2), Status::Success);
  hal_.registers.raise_iso_xmit_events(1u << 0);
  hal_.enter_isr();
  hal_.registers.raise_iso_recv_events(1u << 2);
  hal_.enter_isr();
  hal_.registers.raise_events(kCycleSynch);
  hal_.enter_isr();
  EXPECT_EQ(hal_.queued_dpcs(), 1u) << "an already-queued DPC is not queued again";
  EXPECT_EQ(hal_.run_dpcs(), 1u);
  EXPECT_EQ(calls_, (std::vector<Call>{{ContextKind::Transmit, 0, false},
                                       {ContextKind::Receive, 2, false}}));
  ASSERT_EQ(handled_.size(), 1u);
  EXPECT_EQ(handled_[0].events, kCycleSynch);
  EXPECT_EQ(dispatcher_.isr_count(), 3u);
  EXPECT_EQ(dispatcher_.dpc_count(), 1u);
  // The saved events were taken: the next DPC starts from nothing.
  hal_.registers.raise_iso_xmit_events(1u << 0);
  hal_.interrupt();
  EXPECT_EQ(calls_.size(), 3u);
  EXPECT_EQ(handled_.size(), 1u);
  EXPECT_EQ(dispatcher_.dpc_count(), 2u);
}

TEST_F(InterruptDispatcherTest, DispatchesLowestContextFirstTransmitBeforeReceive) {
  Recorder owner(calls_);
  for (std::uint32_t n : {0u, 1u, 3u}) {
    ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, n, owner), Status::Success);
    ASSERT_EQ(dispatcher_.register_owner(ContextKind::Receive, n, owner), Status::Success);
  }
  hal_.registers.raise_iso_recv_events(0b1011);
  hal_.registers.raise_iso_xmit_events(0b1001);
  hal_.interrupt();
  EXPECT_EQ(calls_, (std::vector<Call>{{ContextKind::Transmit, 0, false},
                                       {ContextKind::Transmit, 3, false},
                                       {ContextKind::Receive, 0, false},
                                       {ContextKind::Receive, 1, false},
                                       {ContextKind::Receive, 3, false}}));
  EXPECT_TRUE(handled_.empty()) << "every bit had an owner and nothing else happened";
}

TEST_F(InterruptDispatcherTest, EventHandlerGetsEverythingButOwnedContextBits) {
  Recorder t1(calls_);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 1, t1), Status::Success);
  hal_.registers.raise_iso_xmit_events(1u << 1);
  hal_.registers.raise_iso_recv_events(1u << 2);  // nobody owns IR 2
  hal_.registers.raise_events(kCycleSynch);
  hal_.interrupt();
  EXPECT_EQ(calls_, (std::vector<Call>{{ContextKind::Transmit, 1, false}}));
  ASSERT_EQ(handled_.size(), 1u);
  EXPECT_EQ(handled_[0].events, kCycleSynch | kIsochRx);
  EXPECT_EQ(handled_[0].iso_xmit, 0u);
  EXPECT_EQ(handled_[0].iso_recv, 1u << 2);
}

TEST_F(InterruptDispatcherTest, BusResetIsMaskedInTheIsrNotClearedAndHandedOn) {
  hal_.registers.raise_events(kBusReset | kCycleSynch);
  hal_.interrupt();
  EXPECT_EQ(hal_.writes(), (std::vector<Access>{write_of(kIntEventClear, kCycleSynch),
                                                write_of(kIntMaskClear, kBusReset)}));
  EXPECT_EQ(hal_.registers.int_event(), kBusReset) << "left set for the bus-reset handler";
  EXPECT_EQ(hal_.registers.int_mask() & kBusReset, 0u);
  ASSERT_EQ(handled_.size(), 1u);
  EXPECT_EQ(handled_[0].events, kBusReset | kCycleSynch);
  // Masked, it no longer interrupts.
  hal_.interrupt();
  EXPECT_EQ(handled_.size(), 1u);
  EXPECT_EQ(dispatcher_.dpc_count(), 1u);
}

TEST_F(InterruptDispatcherTest, PostedWriteErrIsClearedAfterItIsSaved) {
  hal_.registers.raise_events(kPostedWriteErr);
  hal_.interrupt();
  EXPECT_EQ(hal_.writes(), (std::vector<Access>{write_of(kIntEventClear, 0),
                                                write_of(kIntEventClear, kPostedWriteErr)}));
  EXPECT_EQ(hal_.registers.int_event(), 0u);
  ASSERT_EQ(handled_.size(), 1u);
  EXPECT_EQ(handled_[0].events, kPostedWriteErr);
}

TEST_F(InterruptDispatcherTest, TheInterruptLockKeepsTheIsrOutUntilUnlock) {
  Recorder t2(calls_);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 2, t2), Status::Success);
  hal_.registers.raise_iso_xmit_events(1u << 2);
  {
    InterruptLock lock(hal_);
    hal_.interrupt();
    EXPECT_EQ(dispatcher_.isr_count(), 0u);
    EXPECT_TRUE(hal_.interrupt_pending());
    EXPECT_TRUE(hal_.log.empty()) << "no register was touched";
  }
  EXPECT_EQ(dispatcher_.isr_count(), 1u) << "taken at the unlock";
  EXPECT_EQ(dispatcher_.dpc_count(), 1u);
  EXPECT_EQ(calls_, (std::vector<Call>{{ContextKind::Transmit, 2, false}}));
}

TEST_F(InterruptDispatcherTest, AnIsrDuringTheDpcIsCoveredByTheNextDpc) {
  Recorder t0(calls_), t1(calls_);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 0, t0), Status::Success);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 1, t1), Status::Success);
  // While the DPC serves context 0, context 1 interrupts (the ISR comes in between two of the
  // DPC's register accesses).
  t0.then = [&](ContextKind, std::uint32_t) {
    hal_.registers.raise_iso_xmit_events(1u << 1);
    hal_.interrupt();
    EXPECT_EQ(dispatcher_.isr_count(), 2u) << "the ISR preempts the DPC";
    EXPECT_EQ(hal_.queued_dpcs(), 1u) << "and queues a new DPC, the running one took its events";
  };
  hal_.registers.raise_iso_xmit_events(1u << 0);
  hal_.interrupt();
  EXPECT_EQ(calls_, (std::vector<Call>{{ContextKind::Transmit, 0, false},
                                       {ContextKind::Transmit, 1, false}}));
  EXPECT_EQ(dispatcher_.dpc_count(), 2u);
  EXPECT_EQ(hal_.queued_dpcs(), 0u);
}

TEST_F(InterruptDispatcherTest, UnrecoverableErrorCallsTheOwnersOfDeadContextsOnly) {
  Recorder it1(calls_), ir0(calls_), ir3(calls_);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 1, it1), Status::Success);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Receive, 0, ir0), Status::Success);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Receive, 3, ir3), Status::Success);
  hal_.registers.set_context_control(1, kRun | kDead | 0x07);  // evt_data_read
  hal_.registers.set_ir_context_control(0, kRun);
  hal_.registers.set_ir_context_control(3, kRun | kDead | 0x08);  // evt_data_write
  hal_.registers.raise_events(kUnrecoverableError);
  hal_.interrupt();
  EXPECT_EQ(calls_,
            (std::vector<Call>{{ContextKind::Transmit, 1, true}, {ContextKind::Receive, 3, true}}));
  // Only registered contexts are read.
  std::vector<std::uint32_t> control_reads;
  for (const Access& access : hal_.reads()) {
    if (access.offset >= 0x200) control_reads.push_back(access.offset);
  }
  EXPECT_EQ(control_reads, (std::vector<std::uint32_t>{0x210, 0x400, 0x460}));
  ASSERT_EQ(handled_.size(), 1u);
  EXPECT_EQ(handled_[0].events, kUnrecoverableError);
}

TEST_F(InterruptDispatcherTest, AnOwnerMayUnregisterAnotherFromItsCallback) {
  Recorder t0(calls_), t1(calls_);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 0, t0), Status::Success);
  ASSERT_EQ(dispatcher_.register_owner(ContextKind::Transmit, 1, t1), Status::Success);
  t0.then = [&](ContextKind, std::uint32_t) {
    dispatcher_.unregister_owner(ContextKind::Transmit, 0);
    dispatcher_.unregister_owner(ContextKind::Transmit, 1);
  };
  hal_.registers.raise_iso_xmit_events(0b11);
  hal_.interrupt();
  EXPECT_EQ(calls_, (std::vector<Call>{{ContextKind::Transmit, 0, false}}));
  ASSERT_EQ(handled_.size(), 1u);
  EXPECT_EQ(handled_[0].iso_xmit, 0b10u) << "context 1 had no owner any more when its turn came";
}

TEST_F(InterruptDispatcherTest, ADpcQueuedBeforeTheDispatcherWasDestroyedDoesNothing) {
  FakeHal hal;
  hal.write32(kIntMaskSet, kMasterIntEnable | kCycleSynch);
  int handled = 0;
  {
    InterruptDispatcher dispatcher(hal);
    dispatcher.set_event_handler([&](const InterruptEvents&) { ++handled; });
    hal.registers.raise_events(kCycleSynch);
    hal.enter_isr();
    EXPECT_EQ(hal.queued_dpcs(), 1u);
  }
  EXPECT_EQ(hal.run_dpcs(), 1u);
  EXPECT_EQ(handled, 0);
}

// A Hal whose register window reads all ones, as a controller that has gone away does.
class GoneHal final : public FakeHal {
 public:
  std::uint32_t read32(std::uint32_t) override { return 0xFFFFFFFF; }
};

TEST_F(InterruptDispatcherTest, AControllerThatIsGoneQueuesNoDpc) {
  GoneHal hal;
  InterruptDispatcher dispatcher(hal);
  hal.interrupt();
  EXPECT_EQ(dispatcher.isr_count(), 1u);
  EXPECT_EQ(dispatcher.device_errors(), 1u);
  EXPECT_EQ(hal.queued_dpcs(), 0u);
  EXPECT_TRUE(hal.writes().empty());
}

TEST_F(InterruptDispatcherTest, TheSoftwareInterruptEventReachesTheHandler) {
  hal_.write32(kIntMaskSet, 1u << 29);
  hal_.write32(kIntEventSet, 1u << 29);
  hal_.interrupt();
  ASSERT_EQ(handled_.size(), 1u);
  EXPECT_EQ(handled_[0].events, 1u << 29);
}

}  // namespace
}  // namespace ohci::fw
