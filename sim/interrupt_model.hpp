// InterruptModel: when one modelled CPU enters its interrupt service routine and runs the DPCs
// it queues, by the rules of the firmware's Hal (fw/include/ohci/hal.hpp), whatever clocks the
// CPU: the C++ kernel's Node and the SystemC platform's ScCpu both keep one.
//
// Edges are rising clk edge numbers. now() gives the latest edge whose results the CPU sees;
// it moves while the ISR and DPCs run (their register accesses cost cycles). line_high() is the
// interrupt line now.
//   - observe_line(high, edge): the line as seen after edge `edge`; a rise records that edge.
//   - service(): a service point (the CPU between register accesses). Unless an ISR is running
//     or the interrupt lock is held: the ISR is entered if the line is high, an ISR is attached
//     and now() >= the rise edge + interrupt_latency_cycles. When it returns, the DPCs it queued
//     become due at its return edge + dpc_latency_cycles, and if the line is still high it is
//     taken again after the latency counted from the return. Then, unless a DPC is running
//     (DPCs never nest; an ISR may interrupt one at a service point inside it), the DPCs due by
//     now() run in the order queued.
//   - schedule_dpc(): from an ISR, due after it returns (above); from anywhere else, due at
//     now() + dpc_latency_cycles.
//   - lock()/unlock(): nest; while held service() does nothing. unlock() says when the last
//     hold is released, for the owner to make that a service point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

namespace ohci::sim {

class InterruptModel {
 public:
  enum class Step { IsrEntered, IsrReturned, DpcEntered, DpcReturned };
  enum class LineChange { None, Raised, Dropped };
  struct Latencies {
    unsigned interrupt_cycles = 0;  // from the edge the line is first seen high to the ISR
    unsigned dpc_cycles = 0;        // from the ISR's return to its DPCs
  };

  InterruptModel(Latencies latencies, std::function<std::uint64_t()> now,
                 std::function<bool()> line_high)
      : latencies_(latencies), now_(std::move(now)), line_high_(std::move(line_high)) {}

  // Called with each step and the edge it happened at (for an event log).
  void set_observer(std::function<void(Step, std::uint64_t)> observer) {
    observer_ = std::move(observer);
  }
  // An empty function detaches the ISR.
  void attach(std::function<void()> isr) { isr_ = std::move(isr); }
  void schedule_dpc(std::function<void()> dpc);
  void lock() { ++lock_depth_; }
  // Returns true when this released the last hold (false also for an unlock without a lock).
  bool unlock();

  LineChange observe_line(bool high, std::uint64_t edge);
  void service();

  bool in_isr() const { return in_isr_; }
  bool in_dpc() const { return in_dpc_; }
  bool locked() const { return lock_depth_ > 0; }
  bool line_seen_high() const { return line_high_seen_; }
  std::size_t queued_dpcs() const { return dpcs_.size(); }
  std::uint64_t isr_count() const { return isr_count_; }
  // The first edge at which service() would enter the ISR or run a DPC, if any is known (for a
  // CPU that sleeps until then); it may already have passed.
  std::optional<std::uint64_t> next_due_edge() const;

 private:
  struct QueuedDpc {
    std::function<void()> dpc;
    std::uint64_t due_edge = 0;
  };
  static constexpr std::uint64_t kDueAfterIsr = UINT64_MAX;  // queued by an ISR still running

  void run_isr();
  void run_dpcs();
  void notify(Step step, std::uint64_t edge) const {
    if (observer_) observer_(step, edge);
  }

  Latencies latencies_;
  std::function<std::uint64_t()> now_;
  std::function<bool()> line_high_;
  std::function<void(Step, std::uint64_t)> observer_;
  std::function<void()> isr_;
  std::deque<QueuedDpc> dpcs_;
  bool line_high_seen_ = false;
  std::uint64_t raised_edge_ = 0;  // the edge the line rose, or an ISR returned with it high
  bool in_isr_ = false;
  bool in_dpc_ = false;
  unsigned lock_depth_ = 0;
  std::uint64_t isr_count_ = 0;
};

}  // namespace ohci::sim
