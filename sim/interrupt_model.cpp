#include "interrupt_model.hpp"

#include <algorithm>
#include <utility>

namespace ohci::sim {
namespace {

// Sets a flag for the lifetime of the guard, however the scope ends (a test's ASSERT, an
// exception).
class FlagGuard {
 public:
  explicit FlagGuard(bool& flag) : flag_(flag) { flag_ = true; }
  ~FlagGuard() { flag_ = false; }
  FlagGuard(const FlagGuard&) = delete;
  FlagGuard& operator=(const FlagGuard&) = delete;

 private:
  bool& flag_;
};

}  // namespace

void InterruptModel::schedule_dpc(std::function<void()> dpc) {
  dpcs_.push_back(
      QueuedDpc{std::move(dpc), in_isr_ ? kDueAfterIsr : now_() + latencies_.dpc_cycles});
}

bool InterruptModel::unlock() {
  if (lock_depth_ == 0) return false;
  return --lock_depth_ == 0;
}

InterruptModel::LineChange InterruptModel::observe_line(bool high, std::uint64_t edge) {
  if (high == line_high_seen_) return LineChange::None;
  line_high_seen_ = high;
  if (!high) return LineChange::Dropped;
  raised_edge_ = edge;
  return LineChange::Raised;
}

void InterruptModel::service() {
  if (in_isr_ || lock_depth_ > 0) return;
  if (line_high_seen_ && isr_ && now_() >= raised_edge_ + latencies_.interrupt_cycles) run_isr();
  if (!in_dpc_) run_dpcs();
}

std::optional<std::uint64_t> InterruptModel::next_due_edge() const {
  std::optional<std::uint64_t> due;
  if (line_high_seen_ && isr_ && !in_isr_) due = raised_edge_ + latencies_.interrupt_cycles;
  if (!dpcs_.empty() && !in_dpc_ && dpcs_.front().due_edge != kDueAfterIsr)
    due = std::min(due.value_or(UINT64_MAX), dpcs_.front().due_edge);
  return due;
}

void InterruptModel::run_isr() {
  {
    FlagGuard guard(in_isr_);
    ++isr_count_;
    notify(Step::IsrEntered, now_());
    isr_();
  }
  const std::uint64_t returned = now_();
  notify(Step::IsrReturned, returned);
  for (QueuedDpc& queued : dpcs_)
    if (queued.due_edge == kDueAfterIsr) queued.due_edge = returned + latencies_.dpc_cycles;
  // Still pending (the ISR did not clear every event): taken again after the latency, counted
  // from the return.
  if (line_high_()) raised_edge_ = returned;
}

void InterruptModel::run_dpcs() {
  while (!dpcs_.empty() && !in_isr_ && lock_depth_ == 0) {
    const std::uint64_t now = now_();
    if (dpcs_.front().due_edge > now) return;
    std::function<void()> dpc = std::move(dpcs_.front().dpc);
    dpcs_.pop_front();
    {
      FlagGuard guard(in_dpc_);
      notify(Step::DpcEntered, now);
      dpc();
    }
    notify(Step::DpcReturned, now_());
  }
}

}  // namespace ohci::sim
