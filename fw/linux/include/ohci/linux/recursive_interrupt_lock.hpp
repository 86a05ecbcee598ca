// The interrupt lock of the threaded Linux backends (Hal::lock_interrupt/unlock_interrupt).
//
// Recursive, because the Hal's calls nest (a DPC holding it calls firmware that takes it again).
// Unlike std::recursive_mutex it checks that the thread unlocking is the one holding it (an
// unbalanced unlock is a clear error, not undefined behaviour), and a lock that has to wait for
// another thread can count that wait before it blocks, so a test can see that the interrupt
// thread is being held off without sleeping.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace ohci::fw::uio {

class RecursiveInterruptLock {
 public:
  // Takes the lock (again, if this thread holds it). When another thread holds it, increments
  // `*waits` (if given) and then blocks until it is released.
  void lock(std::atomic<std::uint64_t>* waits = nullptr);
  // Throws std::logic_error if this thread does not hold the lock.
  void unlock();
  bool held_by_this_thread() const;

  // Holds the lock for its lifetime.
  class Guard {
   public:
    explicit Guard(RecursiveInterruptLock& lock, std::atomic<std::uint64_t>* waits = nullptr)
        : lock_(lock) {
      lock_.lock(waits);
    }
    ~Guard() { lock_.unlock(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    RecursiveInterruptLock& lock_;
  };

 private:
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::thread::id owner_;  // default-constructed: nobody
  unsigned depth_ = 0;
};

}  // namespace ohci::fw::uio
