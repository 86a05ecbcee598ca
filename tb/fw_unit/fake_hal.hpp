// A fake controller for the firmware unit tests: a register file with OHCI Set/Clear semantics
// for the isochronous registers (IT and IR context blocks, IRMultiChanMask), byte-vector DMA
// memory, a log of every access in order, and an interrupt line the test drives (ISR, queued
// DPCs, the interrupt lock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "ohci/hal.hpp"
#include "ohci/regmap.hpp"

namespace ohci::fw::test {

// How the fake controller behaves; the defaults are a well-behaved 4 IT / 4 IR controller.
struct FakeConfig {
  static constexpr std::uint32_t kNever = std::numeric_limits<std::uint32_t>::max();

  std::uint32_t version = 0x00010010;
  std::uint32_t it_contexts = 0xF;  // bits that exist in IsoXmitIntMask
  std::uint32_t ir_contexts = 0xF;
  // HCControl reads that still show softReset after it was set (kNever: it never clears).
  std::uint32_t soft_reset_reads = 2;
  // ContextControl reads that still show active after run was cleared (kNever: never stops).
  std::uint32_t stop_reads = 1;
  std::uint32_t node_number = 3;
  std::uint32_t cycle_timer = 0;
};

// The OHCI register window as the tests need it. Offsets it does not model read 0 and ignore
// writes, as the real window does.
class FakeRegisters {
 public:
  explicit FakeRegisters(const FakeConfig& config) : config_(config) {}

  std::uint32_t read(std::uint32_t offset);
  void write(std::uint32_t offset, std::uint32_t value);

  // Hardware-side hooks.
  void raise_events(std::uint32_t bits) { int_event_ |= bits; }
  void raise_iso_xmit_events(std::uint32_t bits) { iso_xmit_event_ |= bits & config_.it_contexts; }
  void raise_iso_recv_events(std::uint32_t bits) { iso_recv_event_ |= bits & config_.ir_contexts; }
  void set_context_control(std::uint32_t n, std::uint32_t value) { it_.at(n).control = value; }
  void set_ir_context_control(std::uint32_t n, std::uint32_t value) { ir_.at(n).control = value; }
  // The controller counts a packet it had no block for.
  void set_ir_dropped_packets(std::uint32_t n, std::uint32_t value) { ir_.at(n).dropped = value; }

  std::uint32_t hc_control() const { return hc_control_; }
  std::uint32_t int_mask() const { return int_mask_; }
  std::uint32_t int_event() const { return int_event_; }
  std::uint32_t link_control() const { return link_control_; }
  std::uint32_t iso_xmit_mask() const { return iso_xmit_mask_; }
  std::uint32_t iso_xmit_event() const { return iso_xmit_event_; }
  std::uint32_t iso_recv_mask() const { return iso_recv_mask_; }
  std::uint32_t iso_recv_event() const { return iso_recv_event_; }
  // IRMultiChanMask: Hi in bits 63..32, Lo in bits 31..0.
  std::uint64_t ir_multi_chan_mask() const {
    return static_cast<std::uint64_t>(ir_mask_hi_) << 32 | ir_mask_lo_;
  }
  std::uint32_t context_control(std::uint32_t n) const { return it_.at(n).control; }
  std::uint32_t command_ptr(std::uint32_t n) const { return it_.at(n).command_ptr; }
  std::uint32_t ir_context_control(std::uint32_t n) const { return ir_.at(n).control; }
  std::uint32_t ir_command_ptr(std::uint32_t n) const { return ir_.at(n).command_ptr; }
  std::uint32_t ir_context_match(std::uint32_t n) const { return ir_.at(n).context_match; }
  std::uint32_t ir_dropped_packets(std::uint32_t n) const { return ir_.at(n).dropped; }

 private:
  struct ItContextState {
    std::uint32_t control = 0;
    std::uint32_t command_ptr = 0;
    std::uint32_t stop_reads_left = 0;
  };
  // An IR context block: the IT state plus ContextMatch and DroppedPackets.
  struct IrContextState : ItContextState {
    std::uint32_t context_match = 0;
    std::uint32_t dropped = 0;
  };

  std::uint32_t read_hc_control();
  std::uint32_t int_event_value() const;
  std::uint32_t read_context(std::uint32_t n, std::uint32_t reg);
  void write_context(std::uint32_t n, std::uint32_t reg, std::uint32_t value);
  std::uint32_t read_ir_context(std::uint32_t n, std::uint32_t reg);
  void write_ir_context(std::uint32_t n, std::uint32_t reg, std::uint32_t value);
  // ContextControl reads and writes with the Set/Clear, run/active and stop rules IT and IR share.
  std::uint32_t read_control(ItContextState& context);
  void set_control(ItContextState& context, std::uint32_t value, std::uint32_t writable);
  void clear_control(ItContextState& context, std::uint32_t value, std::uint32_t writable);
  void soft_reset();

  FakeConfig config_;
  std::uint32_t hc_control_ = 0;
  std::uint32_t soft_reset_reads_left_ = 0;
  std::uint32_t int_event_ = 0;
  std::uint32_t int_mask_ = 0;
  std::uint32_t iso_xmit_event_ = 0;
  std::uint32_t iso_xmit_mask_ = 0;
  std::uint32_t iso_recv_event_ = 0;
  std::uint32_t iso_recv_mask_ = 0;
  std::uint32_t link_control_ = 0;
  std::uint32_t ir_mask_hi_ = 0;
  std::uint32_t ir_mask_lo_ = 0;
  std::vector<ItContextState> it_ = std::vector<ItContextState>(regs::kContextsMax);
  std::vector<IrContextState> ir_ = std::vector<IrContextState>(regs::kContextsMax);
};

// One thing the firmware did, in order.
struct Access {
  enum class Kind { kRead, kWrite, kBarrier };
  Kind kind;
  std::uint32_t offset = 0;  // register offset (reads and writes)
  std::uint32_t value = 0;   // value read or written
  // The DMA memory quadlet at FakeHal::watch_address at the time of the access.
  std::optional<std::uint32_t> watched;

  friend bool operator==(const Access& a, const Access& b) {
    return a.kind == b.kind && a.offset == b.offset && a.value == b.value;
  }
};

Access read_of(std::uint32_t offset, std::uint32_t value);
Access write_of(std::uint32_t offset, std::uint32_t value);
Access barrier();

class FakeHal : public Hal {
 public:
  static constexpr std::uint32_t kMemoryBase = 0x00100000;
  static constexpr std::size_t kMemoryBytes = 64 * 1024;

  explicit FakeHal(const FakeConfig& config = {}) : registers(config) {}

  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  std::optional<DmaRegion> dma_alloc(std::size_t bytes, std::size_t alignment) override;
  void dma_free(const DmaRegion& region) override;
  void write_barrier() override;
  void attach_interrupt(std::function<void()> isr) override { isr_ = std::move(isr); }
  void schedule_dpc(std::function<void()> dpc) override;
  void lock_interrupt() override;
  void unlock_interrupt() override;

  // The interrupt line as the tests drive it. interrupt() is what the environment does when the
  // line is asserted: the ISR (unless the interrupt lock is held: then it is taken at the unlock),
  // then every queued DPC (unless a DPC is running: DPCs do not nest, the running one's caller
  // runs it after it). Call it from a DPC or an owner's callback to model an ISR arriving between
  // two of the DPC's register accesses.
  void interrupt();
  // Only the ISR (or, while locked, only marks it pending); DPCs stay queued.
  void enter_isr();
  // Runs queued DPCs in order until none is left (also those queued meanwhile); returns how many.
  std::size_t run_dpcs();
  bool isr_attached() const { return static_cast<bool>(isr_); }
  std::size_t queued_dpcs() const { return dpcs_.size(); }
  bool interrupt_pending() const { return isr_pending_; }
  bool interrupt_locked() const { return lock_depth_ > 0; }
  std::uint64_t isr_entries() const { return isr_entries_; }
  std::uint64_t dpc_entries() const { return dpc_entries_; }

  // The accesses of one kind, in order.
  std::vector<Access> writes() const;
  std::vector<Access> reads() const;
  // The quadlet of DMA memory at `bus_address`, little-endian.
  std::uint32_t memory_quadlet(std::uint32_t bus_address) const;
  // Stores `value` there, as the controller's DMA master would (e.g. a status write-back).
  void write_memory_quadlet(std::uint32_t bus_address, std::uint32_t value);

  FakeRegisters registers;
  std::vector<Access> log;
  std::vector<DmaRegion> freed;
  std::optional<std::uint32_t> watch_address;  // recorded with every access when set
  bool fail_allocations = false;
  // Every DmaRegion handed out is shifted by this many bytes (to test misaligned Hals).
  std::size_t misalign_by = 0;

 private:
  void record(Access access);

  std::vector<std::byte> memory_ = std::vector<std::byte>(kMemoryBytes);
  std::size_t next_free_ = 0;
  std::function<void()> isr_;
  std::deque<std::function<void()>> dpcs_;
  unsigned lock_depth_ = 0;
  bool isr_pending_ = false;
  bool in_isr_ = false;
  bool in_dpc_ = false;
  std::uint64_t isr_entries_ = 0;
  std::uint64_t dpc_entries_ = 0;
};

}  // namespace ohci::fw::test
