// UioHal's interrupt side: the interrupt thread (enable, wait for the event count, ISR under the
// interrupt lock), the DPC thread, the interrupt lock, and shutdown. The stand-in's socket pair
// plays the UIO descriptor: the test receives each enable and sends each event count.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/regmap.hpp"
#include "stand_in_devices.hpp"

namespace ohci::tb {
namespace {

using Entries = std::vector<std::string>;

// In every test the objects the ISR and DPCs use are declared before the Hal: its threads may
// call into them until the Hal's destructor has joined them.

// Logs the context interrupts the InterruptDispatcher routes to it.
class LoggingOwner : public fw::ContextOwner {
 public:
  explicit LoggingOwner(EventLog& log) : log_(log) {}
  void on_context_interrupt(fw::ContextKind kind, std::uint32_t index,
                            bool unrecoverable) override {
    log_.add(std::string(kind == fw::ContextKind::Transmit ? "IT " : "IR ") +
             std::to_string(index) + (unrecoverable ? " dead" : ""));
  }

 private:
  EventLog& log_;
};

TEST(UioHalInterrupts, AnEventCountRunsTheIsrOnce) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] { log.add("isr"); });
  ASSERT_EQ(devices.next_enable(), 1u);

  devices.raise_interrupt(1);
  // The next enable is written only after the ISR has returned: by then every run it made is in
  // the log.
  ASSERT_EQ(devices.next_enable(), 1u);
  EXPECT_EQ(log.entries(), Entries{"isr"});
  const auto statistics = hal->interrupt_statistics();
  EXPECT_EQ(statistics.events, 1u);
  EXPECT_EQ(statistics.isr_runs, 1u);
  EXPECT_EQ(statistics.last_event_count, 1u);
}

TEST(UioHalInterrupts, ACountThatAdvancedByMoreThanOneStillRunsTheIsrOnce) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] { log.add("isr"); });
  ASSERT_EQ(devices.next_enable(), 1u);
  devices.raise_interrupt(7);  // the kernel counted several interrupts while we were away
  ASSERT_EQ(devices.next_enable(), 1u);
  EXPECT_EQ(log.entries(), Entries{"isr"});
  EXPECT_EQ(hal->interrupt_statistics().last_event_count, 7u);
}

TEST(UioHalInterrupts, TheEnableIsWrittenBeforeEachWait) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] { log.add("isr"); });
  for (std::uint32_t count = 1; count <= 3; ++count) {
    // Had the backend blocked for the count before enabling, this would never arrive (the test
    // sends the count only after it): the hang guard would fail the test.
    ASSERT_EQ(devices.next_enable(), 1u) << "before event " << count;
    EXPECT_EQ(log.entries().size(), count - 1);
    devices.raise_interrupt(count);
    ASSERT_TRUE(log.wait_for_size(count));
  }
  ASSERT_EQ(devices.next_enable(), 1u);
  const auto statistics = hal->interrupt_statistics();
  EXPECT_EQ(statistics.enables, 4u);
  EXPECT_EQ(statistics.events, 3u);
  EXPECT_EQ(statistics.isr_runs, 3u);
}

TEST(UioHalInterrupts, DpcsRunAfterTheIsrReturnsInTheOrderQueuedNeverNested) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] {
    log.add("isr enters");
    hal->schedule_dpc([&] {
      log.add("dpc 1 enters");
      hal->schedule_dpc([&] { log.add("dpc 3 (queued by dpc 1)"); });
      log.add("dpc 1 returns");
    });
    hal->schedule_dpc([&] { log.add("dpc 2"); });
    log.add("isr returns");
  });
  ASSERT_EQ(devices.next_enable(), 1u);
  devices.raise_interrupt(1);
  ASSERT_TRUE(log.wait_for_size(6));
  EXPECT_EQ(log.entries(), (Entries{"isr enters", "isr returns", "dpc 1 enters", "dpc 1 returns",
                                    "dpc 2", "dpc 3 (queued by dpc 1)"}));
  EXPECT_TRUE(eventually([&] { return hal->interrupt_statistics().dpc_runs == 3; }));
}

TEST(UioHalInterrupts, TheInterruptLockHoldsTheIsrOffUntilUnlock) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] { log.add("isr"); });
  ASSERT_EQ(devices.next_enable(), 1u);

  hal->lock_interrupt();
  devices.raise_interrupt(1);
  // The interrupt thread has read the count and is blocked on the lock this thread holds.
  ASSERT_TRUE(eventually([&] { return hal->interrupt_statistics().isr_lock_waits == 1; }));
  EXPECT_TRUE(log.entries().empty());
  EXPECT_EQ(hal->interrupt_statistics().isr_runs, 0u);
  hal->unlock_interrupt();

  ASSERT_TRUE(log.wait_for_size(1));
  EXPECT_EQ(hal->interrupt_statistics().events, 1u);
}

TEST(UioHalInterrupts, TheInterruptLockHoldsDpcsOffUntilUnlock) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->lock_interrupt();
  hal->schedule_dpc([&] { log.add("dpc"); });
  ASSERT_TRUE(eventually([&] { return hal->interrupt_statistics().dpc_lock_waits == 1; }));
  EXPECT_TRUE(log.entries().empty());
  hal->unlock_interrupt();
  ASSERT_TRUE(log.wait_for_size(1));
}

TEST(UioHalInterrupts, InterruptLockCallsNestUntilTheLastUnlock) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] { log.add("isr"); });
  ASSERT_EQ(devices.next_enable(), 1u);

  hal->lock_interrupt();
  hal->lock_interrupt();
  devices.raise_interrupt(1);
  ASSERT_TRUE(eventually([&] { return hal->interrupt_statistics().isr_lock_waits == 1; }));
  hal->unlock_interrupt();
  // Still held once: the ISR stays out. A DPC queued now must wait for the lock too.
  hal->schedule_dpc([&] { log.add("dpc"); });
  ASSERT_TRUE(eventually([&] { return hal->interrupt_statistics().dpc_lock_waits == 1; }));
  EXPECT_TRUE(log.entries().empty());
  hal->unlock_interrupt();
  ASSERT_TRUE(log.wait_for_size(2));
}

TEST(UioHalInterrupts, UnlockWithoutHoldingTheLockIsRejected) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  EXPECT_THROW(hal->unlock_interrupt(), std::logic_error);
  hal->lock_interrupt();
  // Held by this thread, not by another: another thread's unlock is rejected too.
  std::thread other([&] { EXPECT_THROW(hal->unlock_interrupt(), std::logic_error); });
  other.join();
  hal->unlock_interrupt();
}

TEST(UioHalInterrupts, AnInterruptDuringADpcIsServicedAfterTheDpcReturns) {
  StandInDevices devices;
  EventLog log;
  Gate dpc_may_return;
  int isr_number = 0;  // touched only by ISRs, which the interrupt lock serialises
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] {
    ++isr_number;
    log.add("isr " + std::to_string(isr_number));
    if (isr_number == 1) {
      hal->schedule_dpc([&] {
        log.add("dpc enters");
        EXPECT_TRUE(dpc_may_return.wait());
        log.add("dpc returns");
      });
    }
  });
  ASSERT_EQ(devices.next_enable(), 1u);
  devices.raise_interrupt(1);
  ASSERT_TRUE(log.wait_for_size(2));  // isr 1, dpc enters
  ASSERT_EQ(devices.next_enable(), 1u);
  devices.raise_interrupt(2);
  ASSERT_TRUE(eventually([&] { return hal->interrupt_statistics().isr_lock_waits == 1; }));
  EXPECT_EQ(hal->interrupt_statistics().isr_runs, 1u);
  dpc_may_return.open();
  ASSERT_TRUE(log.wait_for_size(4));
  EXPECT_EQ(log.entries(), (Entries{"isr 1", "dpc enters", "dpc returns", "isr 2"}));
}

TEST(UioHalInterrupts, ADetachedIsrIsNotEntered) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] { log.add("isr"); });
  hal->attach_interrupt({});
  ASSERT_EQ(devices.next_enable(), 1u);
  devices.raise_interrupt(1);
  ASSERT_EQ(devices.next_enable(), 1u);  // serviced (with nothing attached)
  EXPECT_TRUE(log.entries().empty());
  EXPECT_EQ(hal->interrupt_statistics().events, 1u);
  EXPECT_EQ(hal->interrupt_statistics().isr_runs, 0u);
}

TEST(UioHalInterrupts, DispatcherRoutesAContextEventFromTheIsrToItsOwnerInTheDpc) {
  StandInDevices devices;
  // The register image as the controller would show it: an IT context 2 interrupt pending.
  devices.set_register_image(regs::kIntEventClear, regs::int_event::kIsochTx.mask());
  devices.set_register_image(regs::kIsoXmitIntEventClear, 1u << 2);
  EventLog log;
  LoggingOwner owner(log);
  auto hal = devices.make_hal();
  auto dispatcher = std::make_unique<fw::InterruptDispatcher>(*hal);
  {
    // Owners are shared with the DPC thread: registered under the interrupt lock.
    fw::InterruptLock lock(*hal);
    ASSERT_EQ(dispatcher->register_owner(fw::ContextKind::Transmit, 2, owner), fw::Status::Success);
  }
  ASSERT_EQ(devices.next_enable(), 1u);
  devices.raise_interrupt(1);
  ASSERT_TRUE(log.wait_for_size(1));
  EXPECT_EQ(log.entries(), Entries{"IT 2"});
  // The ISR acknowledged what it read, by writing it back to the Clear registers.
  EXPECT_EQ(devices.register_image(regs::kIsoXmitIntEventClear), 1u << 2);
  {
    // Destroyed under the lock, so none of its DPCs is running or starts meanwhile.
    fw::InterruptLock lock(*hal);
    EXPECT_EQ(dispatcher->isr_count(), 1u);
    EXPECT_EQ(dispatcher->dpc_count(), 1u);
    dispatcher.reset();
  }
}

TEST(UioHalInterrupts, ADeviceThatHangsUpStopsTheInterruptThreadNamingIt) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  ASSERT_EQ(devices.next_enable(), 1u);
  devices.hang_up();
  ASSERT_TRUE(eventually([&] { return hal->interrupt_failure().has_value(); }));
  EXPECT_NE(hal->interrupt_failure()->find(StandInDevices::kUioName), std::string::npos)
      << *hal->interrupt_failure();
}

TEST(UioHalInterrupts, DestructionWhileWaitingForAnInterruptReturns) {
  StandInDevices devices;
  EventLog log;
  auto hal = devices.make_hal();
  hal->attach_interrupt([&] { log.add("isr"); });
  hal->schedule_dpc([] {});
  ASSERT_EQ(devices.next_enable(), 1u);  // the interrupt thread is at (or in) its wait

  // Destroyed on a thread of its own so that a hang fails the test instead of hanging it; the
  // thread owns everything it touches, so it can be left behind if it does hang.
  auto destroyed = std::make_shared<std::promise<void>>();
  std::future<void> done = destroyed->get_future();
  std::thread destroyer([owned = std::move(hal), destroyed]() mutable {
    owned.reset();
    destroyed->set_value();
  });
  if (done.wait_for(kHangGuard) != std::future_status::ready) {
    destroyer.detach();
    FAIL() << "~UioHal did not return";
  }
  destroyer.join();
  EXPECT_TRUE(log.entries().empty());
}

}  // namespace
}  // namespace ohci::tb
