#include "ohci/linux/recursive_interrupt_lock.hpp"

#include <stdexcept>

namespace ohci::fw::uio {

void RecursiveInterruptLock::lock(std::atomic<std::uint64_t>* waits) {
  const std::thread::id self = std::this_thread::get_id();
  std::unique_lock lock(mutex_);
  if (depth_ > 0 && owner_ == self) {
    ++depth_;
    return;
  }
  if (depth_ > 0 && waits != nullptr) waits->fetch_add(1, std::memory_order_relaxed);
  released_.wait(lock, [this] { return depth_ == 0; });
  owner_ = self;
  depth_ = 1;
}

void RecursiveInterruptLock::unlock() {
  {
    std::lock_guard lock(mutex_);
    if (depth_ == 0 || owner_ != std::this_thread::get_id()) {
      throw std::logic_error("unlock_interrupt by a thread that does not hold the interrupt lock");
    }
    if (--depth_ > 0) return;
    owner_ = {};
  }
  released_.notify_all();
}

bool RecursiveInterruptLock::held_by_this_thread() const {
  std::lock_guard lock(mutex_);
  return depth_ > 0 && owner_ == std::this_thread::get_id();
}

}  // namespace ohci::fw::uio
