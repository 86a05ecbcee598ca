// SpiHal: the firmware's Hal for a board reached over SPI (an ohci_board: ECP5 or iCE40 with the
// host link of docs/host-link.md), for a host such as a Raspberry Pi driving the board's SPI
// slave, with the board's interrupt pin on one of its GPIOs.
//
// Registers: each read32/write32 is one SPI frame (SpiLink), checked against the 0x800-byte OHCI
// window. A read of a board that gives no valid status byte returns 0xFFFFFFFF (as a PCI read of
// a vanished device does), so the firmware's own "controller gone" checks see it.
//
// DMA memory is the board's on-chip host memory, which the host cannot address. DmaRegion::cpu
// points into a host-side shadow of it, and SpiHal keeps the two coherent in software, with a
// second copy, the mirror, of what it last knew the board memory to hold:
//   - write-back (sync_to_device): every byte of an allocated region where shadow != mirror is a
//     CPU store not yet on the board; each such run is written with one MEM_WRITE frame (only
//     changed bytes, so bytes the controller wrote meanwhile are never overwritten with stale
//     ones), and the mirror takes the shadow's value. Done by write_barrier() (which the
//     firmware calls before handing memory to the controller) and before every register write
//     (a register write is how the controller learns of new memory, so this makes every store
//     visible in time even to firmware that forgets a barrier).
//   - refresh (sync_from_device): every allocated region is read back with MEM_READ frames;
//     each byte the CPU has not changed (shadow == mirror) takes the board's value, a byte the
//     CPU has changed keeps the CPU's value (it is still to be written back), and the mirror
//     takes the board's value. Done at the entry of every ISR and every DPC (the firmware reads
//     descriptor statuses and received data from there) and on an explicit
//     sync_from_device() for code that reads DMA memory elsewhere (e.g. after polling a
//     context's ContextControl).
// Cost: a refresh reads every allocated byte: (9 + n) SPI bytes per region chunk, i.e. about
// 8 * (n + 9) SCK periods; at 6 MHz SCK, 1 KiB of allocations costs ~1.4 ms per ISR and per DPC.
// Keep DMA allocations small. Correctness over speed: no region is skipped.
// New allocations are zeroed on the board and in the shadow (a MEM_WRITE of zeros).
//
// Interrupts, single-threaded: SpiHal models one CPU that services its interrupt line at
// service points, like the co-simulation's node: after every register access, at
// unlock_interrupt (depth 0) and in service_interrupts()/wait_and_service(), the ISR runs if the
// interrupt pin is high (and is not already running, and the lock is not held); then the DPCs
// queued so far run in order, never nested (an ISR may run between two register accesses of a
// DPC). An application's main loop calls wait_and_service() (InterruptSource::wait blocks on
// the GPIO line) when it has nothing else to do. Everything (firmware, ISR, DPCs) runs on the
// caller's thread; SpiHal is not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "ohci/hal.hpp"
#include "ohci/spi/spi_link.hpp"
#include "ohci/spi/spi_transport.hpp"

namespace ohci::fw::spi {

struct SpiHalConfig {
  // The board's host memory (its bus address and size); memory_bytes 0: asked from the board
  // with a STATUS frame at construction.
  std::uint32_t memory_base = 0;
  std::size_t memory_bytes = 0;
};

struct SpiHalStatistics {
  std::uint64_t isr_runs = 0;
  std::uint64_t dpc_runs = 0;
  std::uint64_t refreshes = 0;        // sync_from_device runs (ISR/DPC entries and explicit)
  std::uint64_t refreshed_bytes = 0;  // read from the board by them
  std::uint64_t write_backs = 0;      // sync_to_device runs that found something to write
  std::uint64_t written_back_bytes = 0;
  std::uint64_t write_back_frames = 0;
};

class SpiHal final : public Hal {
 public:
  // The link and the interrupt source must outlive the SpiHal. Throws SpiLinkError when the
  // board does not answer the STATUS frame (memory_bytes 0) and std::invalid_argument for a
  // memory that is not a power of two of at least 16 bytes or a base not aligned to its size.
  SpiHal(SpiLink& link, InterruptSource& interrupt, const SpiHalConfig& config = {});
  ~SpiHal() override = default;
  SpiHal(const SpiHal&) = delete;
  SpiHal& operator=(const SpiHal&) = delete;

  std::uint32_t read32(std::uint32_t offset) override;
  // Writes back CPU stores to DMA memory first (see above).
  void write32(std::uint32_t offset, std::uint32_t value) override;
  // Zeroed; the alignment is of the bus address. nullopt when nothing fits; std::invalid_argument
  // for bytes 0 or an alignment that is not a power of two.
  std::optional<DmaRegion> dma_alloc(std::size_t bytes, std::size_t alignment) override;
  // std::invalid_argument for a region dma_alloc did not hand out.
  void dma_free(const DmaRegion& region) override;
  void write_barrier() override { sync_to_device(); }
  void attach_interrupt(std::function<void()> isr) override;
  void schedule_dpc(std::function<void()> dpc) override;
  void lock_interrupt() override { ++lock_depth_; }
  // std::logic_error when the lock is not held.
  void unlock_interrupt() override;

  // A service point: the ISR if the pin is high, then the queued DPCs.
  void service_interrupts();
  // Waits up to `timeout` for the interrupt pin, then services. Returns whether an ISR ran.
  bool wait_and_service(std::chrono::microseconds timeout);
  void sync_from_device();
  void sync_to_device();

  std::uint32_t memory_base() const { return memory_base_; }
  std::size_t memory_bytes() const { return shadow_.size(); }
  const SpiHalStatistics& statistics() const { return statistics_; }
  SpiLink& link() { return link_; }

 private:
  std::uint8_t* shadow_at(std::size_t offset) {
    return reinterpret_cast<std::uint8_t*>(shadow_.data()) + offset;
  }
  void run_isr();
  void run_dpcs();

  SpiLink& link_;
  InterruptSource& interrupt_;
  std::uint32_t memory_base_ = 0;
  std::vector<std::byte> shadow_;               // what the CPU sees (DmaRegion::cpu points here)
  std::vector<std::uint8_t> mirror_;            // what the board memory held at the last sync
  std::map<std::size_t, std::size_t> regions_;  // allocated: offset -> bytes, by offset

  std::shared_ptr<const std::function<void()>> isr_;
  std::deque<std::function<void()>> dpcs_;
  unsigned lock_depth_ = 0;
  bool in_isr_ = false;
  bool in_dpc_ = false;
  SpiHalStatistics statistics_;
};

}  // namespace ohci::fw::spi
