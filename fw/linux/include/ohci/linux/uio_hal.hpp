// UioHal: the firmware's Hal on Linux through UIO, for the Zynq route (ohci_core on the PL's
// AXI ports; docs/linux-backends.md says how to set the board up).
//
// - Registers: map 0 of /dev/uioN (uio_pdrv_genirq / generic-uio over the core's AXI4-Lite
//   window), mmap'd once; read32/write32 are single 32-bit volatile accesses, checked against
//   the OHCI window (a bad offset throws; it never touches memory outside it).
// - Interrupts: an interrupt thread writes a 32-bit 1 to the UIO descriptor (uio_pdrv_genirq
//   re-enables the line it disabled in its kernel handler), then waits in poll() for the 32-bit
//   event count to become readable, reads it and runs the attached ISR holding the interrupt
//   lock; then re-enables and waits again. The ISR runs once per count read, however far the
//   count advanced (the line is a level: one service sees every pending event).
// - DPCs: queued into a FIFO that one DPC thread drains; each DPC runs holding the interrupt
//   lock, so DPCs never nest, never start while another thread holds the lock, never overlap an
//   ISR, and a DPC queued by an ISR runs after that ISR has returned.
// - Interrupt lock: recursive per thread; while any thread holds it neither thread enters an ISR
//   or a DPC (an interrupt that arrives meanwhile is serviced at the unlock).
// - DMA memory: a physically contiguous u-dma-buf buffer (/dev/udmabufN opened O_SYNC, so
//   u-dma-buf maps it uncached), carved up first fit by a DmaArena.
//
// Destruction wakes the interrupt thread through an eventfd it polls beside the UIO descriptor,
// joins both threads and drops DPCs still queued. Destroy the firmware objects that use the Hal
// first (while holding the interrupt lock, so no DPC of theirs is running or starts).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "ohci/hal.hpp"
#include "ohci/linux/dma_arena.hpp"
#include "ohci/linux/recursive_interrupt_lock.hpp"
#include "ohci/linux/unique_fd.hpp"

namespace ohci::fw::uio {

// The devices the name-based constructor opens.
struct UioDeviceNames {
  std::string uio = "uio0";          // /dev/uio0 and /sys/class/uio/uio0
  std::string udmabuf = "udmabuf0";  // /dev/udmabuf0 and /sys/class/u-dma-buf/udmabuf0
  // Roots of the device nodes and of sysfs; other than "/dev" and "/sys" only in tests.
  std::filesystem::path dev_dir = "/dev";
  std::filesystem::path sysfs_dir = "/sys";
};

// Already-open descriptors (the name-based constructor opens these; tests pass memfds). `name`
// is what error messages call the file.
struct RegisterWindowFile {
  UniqueFd fd;
  std::string name;
  std::size_t bytes = 0;  // the window; at least the OHCI register window (0x800 bytes)
  off_t mmap_offset = 0;  // UIO: map index * page size
};

// Written with a 32-bit 1 to enable the interrupt; read (4 bytes) for the event count.
struct InterruptFile {
  UniqueFd fd;
  std::string name;
};

struct DmaBufferFile {
  UniqueFd fd;
  std::string name;
  std::size_t bytes = 0;
  std::uint64_t bus_address = 0;  // physical address of its first byte; page aligned
};

struct UioInterruptStatistics {
  std::uint64_t enables = 0;  // 1s written to (re-)enable the interrupt (counted just before)
  std::uint64_t events = 0;   // event counts read
  std::uint32_t last_event_count = 0;  // the last count read (the kernel's running total)
  std::uint64_t isr_runs = 0;          // ISR calls (an event with no ISR attached calls none)
  std::uint64_t dpc_runs = 0;
  std::uint64_t isr_lock_waits = 0;  // times the interrupt thread waited for the interrupt lock
  std::uint64_t dpc_lock_waits = 0;  // times the DPC thread did
};

class UioHal final : public Hal {
 public:
  // The OHCI register window the firmware addresses (Hal: offsets 0x000-0x7FC).
  static constexpr std::size_t kOhciWindowBytes = 0x800;

  // Opens /dev/<uio> (O_RDWR) and /dev/<udmabuf> (O_RDWR | O_SYNC) and reads
  // sysfs: /sys/class/uio/<uio>/maps/map0/{size,offset}, /sys/class/u-dma-buf/<udmabuf>/
  // {phys_addr,size}. Throws std::system_error naming the file that is missing, unreadable,
  // holds no number, or cannot be mapped.
  explicit UioHal(const UioDeviceNames& names);
  // Takes ownership of the descriptors. Throws std::system_error naming the file when a mapping
  // fails or a size or address is unusable (window under 0x800 bytes, DMA buffer not page
  // aligned or past the 32-bit bus).
  UioHal(RegisterWindowFile registers, InterruptFile interrupt, DmaBufferFile dma);
  ~UioHal() override;
  UioHal(const UioHal&) = delete;
  UioHal& operator=(const UioHal&) = delete;

  // Throw std::invalid_argument for an offset that is not a multiple of 4 and std::out_of_range
  // for one past the OHCI window (0x7FC), whatever the size of the map.
  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  // Zeroed memory; the alignment is of the bus address. Throws std::invalid_argument for bytes 0
  // or an alignment that is not a power of two; nullopt when nothing fits. Thread-safe.
  std::optional<DmaRegion> dma_alloc(std::size_t bytes, std::size_t alignment) override;
  // Throws std::invalid_argument for a region dma_alloc did not hand out (e.g. freed twice).
  void dma_free(const DmaRegion& region) override;
  void write_barrier() override;
  // Returns once an ISR or DPC running at the call has returned (it takes the interrupt lock), so
  // after detaching, the old ISR is never entered again.
  void attach_interrupt(std::function<void()> isr) override;
  // From an ISR or any other thread: runs on the DPC thread in the order queued.
  void schedule_dpc(std::function<void()> dpc) override;
  void lock_interrupt() override;
  // Throws std::logic_error if the calling thread does not hold the lock.
  void unlock_interrupt() override;

  std::size_t register_window_bytes() const { return register_bytes_; }
  std::uint32_t dma_bus_address() const { return dma_bus_base_; }
  std::size_t dma_bytes() const { return dma_mapping_.size(); }
  UioInterruptStatistics interrupt_statistics() const;
  // Why the interrupt thread stopped early (the device hung up, a read failed), or nullopt while
  // it runs. No ISR runs after that.
  std::optional<std::string> interrupt_failure() const;

 private:
  struct OpenedDevices {
    RegisterWindowFile registers;
    InterruptFile interrupt;
    DmaBufferFile dma;
  };
  static OpenedDevices open_devices(const UioDeviceNames& names);
  explicit UioHal(OpenedDevices devices);

  std::uint32_t* register_at(std::uint32_t offset) const;
  void interrupt_loop(const std::stop_token& stop);
  void dpc_loop(const std::stop_token& stop);
  void service_interrupt();
  void fail_interrupts(std::string reason);

  SharedMapping register_mapping_;
  std::byte* registers_ = nullptr;  // the window inside register_mapping_
  std::size_t register_bytes_ = 0;
  std::string register_name_;

  UniqueFd interrupt_fd_;
  std::string interrupt_name_;
  // Written by the destructor (via the stop request) to wake the interrupt thread's poll().
  UniqueFd wake_fd_;

  SharedMapping dma_mapping_;
  std::uint32_t dma_bus_base_ = 0;
  std::mutex dma_mutex_;
  std::optional<DmaArena> dma_arena_;  // guarded by dma_mutex_

  RecursiveInterruptLock interrupt_lock_;
  // Guarded by interrupt_lock_. Shared so that an ISR can be replaced (or detached) from inside
  // itself while the interrupt thread still runs its copy.
  std::shared_ptr<const std::function<void()>> isr_;

  std::mutex dpc_mutex_;
  std::condition_variable_any dpc_queued_;
  std::deque<std::function<void()>> dpcs_;  // guarded by dpc_mutex_

  std::atomic<std::uint64_t> enables_{0};
  std::atomic<std::uint64_t> events_{0};
  std::atomic<std::uint32_t> last_event_count_{0};
  std::atomic<std::uint64_t> isr_runs_{0};
  std::atomic<std::uint64_t> dpc_runs_{0};
  std::atomic<std::uint64_t> isr_lock_waits_{0};
  std::atomic<std::uint64_t> dpc_lock_waits_{0};

  mutable std::mutex failure_mutex_;
  std::optional<std::string> failure_;  // guarded by failure_mutex_

  // Last, so they start after everything they use exists and stop (the interrupt thread first:
  // it queues DPCs) before any of it is destroyed.
  std::jthread dpc_thread_;
  std::jthread interrupt_thread_;
};

}  // namespace ohci::fw::uio
