// Controller: bring-up and controller-wide registers of an OHCI 1.1 isochronous controller
// (reference/ohci-isoch.md section 1), over the Hal's register window.
#pragma once

#include <cstdint>

#include "ohci/hal.hpp"
#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// Register polls are bounded by a count, not by time: on the co-simulation every read costs
// real bus cycles, so a count is also a cycle budget.
inline constexpr std::uint32_t kDefaultPollLimit = 1000;

struct Version {
  std::uint32_t raw = 0;
  std::uint32_t version = 0;   // major release: 0x01
  std::uint32_t revision = 0;  // minor release: 0x10 for OHCI 1.1
  bool guid_rom = false;
};

// Which IT and IR contexts exist (bit n = context n), found from the IntMask read-back.
struct ContextSupport {
  std::uint32_t it_mask = 0;
  std::uint32_t ir_mask = 0;

  std::uint32_t it_count() const;
  std::uint32_t ir_count() const;
};

struct NodeId {
  std::uint32_t raw = 0;
  bool id_valid = false;
  bool root = false;
  bool cps = false;
  std::uint32_t bus_number = 0;
  std::uint32_t node_number = 0;
};

struct CycleTime {
  std::uint32_t raw = 0;
  std::uint32_t seconds = 0;  // modulo 128
  std::uint32_t count = 0;    // modulo 8000
  std::uint32_t offset = 0;   // 24.576 MHz ticks, modulo 3072

  // cycleSeconds[1:0] : cycleCount, the 15-bit value of a ContextControl cycleMatch.
  std::uint32_t cycle_match() const { return (seconds & 0x3u) << 13 | count; }
};

// The interrupt causes one service of the interrupt line found and acknowledged.
struct InterruptEvents {
  std::uint32_t events = 0;    // IntEvent AND IntMask, as read from IntEventClear
  std::uint32_t iso_xmit = 0;  // IsoXmitIntEvent AND mask, when events has isochTx
  std::uint32_t iso_recv = 0;  // IsoRecvIntEvent AND mask, when events has isochRx

  bool any() const { return events != 0; }
  bool has(regs::Field event) const { return (events & event.mask()) != 0; }
};

struct BringUpConfig {
  // Also send cycle starts (LinkControl.cycleMaster; effective only while this node is root).
  bool cycle_master = false;
  // IntMask bits to enable besides masterIntEnable.
  std::uint32_t interrupts = regs::int_mask::kIsochTx.mask() | regs::int_mask::kIsochRx.mask() |
                             regs::int_mask::kUnrecoverableError.mask();
  std::uint32_t poll_limit = kDefaultPollLimit;
};

struct BringUpResult {
  Version version;
  ContextSupport contexts;
  NodeId node_id;
};

class Controller {
 public:
  explicit Controller(Hal& hal) : hal_(hal) {}

  // The whole sequence, in this register order: Version check; soft reset; LPS; context
  // discovery; LinkControlSet cycleTimerEnable (| cycleMaster); IntMaskSet masterIntEnable |
  // interrupts; HCControlSet linkEnable; NodeID read.
  Result<BringUpResult> bring_up(const BringUpConfig& config = {});

  // Version, and NotSupported unless (Version & 0x00FF00FF) == 0x00010010 (OHCI 1.1), as Linux
  // checks it.
  Result<Version> read_version();
  // HCControlSet softReset, then poll HCControlSet until softReset reads 0; Timeout after
  // `poll_limit` reads.
  Status soft_reset(std::uint32_t poll_limit = kDefaultPollLimit);
  // HCControlSet LPS, then poll until LPS reads 1 (some PHYs take time to power the link).
  Status set_link_power(std::uint32_t poll_limit = kDefaultPollLimit);
  // As Linux: write all ones to IsoRecvIntMaskSet and IsoXmitIntMaskSet, read back which bits
  // stuck, and clear them again. A controller reading IsoXmitIntMask back as 0 (a JMicron
  // JMB38x quirk) is taken to have 4 IT contexts.
  ContextSupport discover_contexts();
  // LinkControlSet cycleTimerEnable, and cycleMaster if asked.
  void enable_cycle_timer(bool cycle_master);
  // IntMaskSet masterIntEnable | `interrupts`.
  void enable_interrupts(std::uint32_t interrupts);
  // IntMaskClear masterIntEnable: the line stays low whatever the events.
  void disable_interrupts();
  // HCControlSet linkEnable.
  void enable_link();
  NodeId read_node_id();
  // PHY register access through PhyControl (OHCI 1.1 5.12), as Linux does it: a read writes
  // rdReg with the address and polls until rdDone, then returns rdData; a write writes wrReg
  // with address and data and polls until wrReg clears. InvalidParameter for an address above
  // 15; Timeout after `poll_limit` reads (the PHY did not answer).
  Result<std::uint8_t> read_phy_register(std::uint32_t address,
                                         std::uint32_t poll_limit = kDefaultPollLimit);
  Status write_phy_register(std::uint32_t address, std::uint8_t value,
                            std::uint32_t poll_limit = kDefaultPollLimit);
  // One atomic read of IsochronousCycleTimer (this design latches it; see the reference's quirk
  // list for silicon that needs three reads).
  CycleTime read_cycle_timer();

  // IRMultiChanMask, the channels the multi-channel IR context receives (bit n = channel n; the
  // Hi register holds channels 32..63). set_ir_channel_mask makes it exactly `channels`, as
  // Linux's set_multichannel_mask does: HiClear ~hi, LoClear ~lo, HiSet hi, LoSet lo.
  void set_ir_channel_mask(std::uint64_t channels);
  // Add or remove `channels`, leaving the others as they are; a half with no channel in it is
  // not written.
  void enable_ir_channels(std::uint64_t channels);
  void disable_ir_channels(std::uint64_t channels);
  // Hi and Lo read back (reading a Set register returns the mask).
  std::uint64_t read_ir_channel_mask();

  // The first step of servicing the interrupt line: read IntEventClear (events AND mask) and
  // write it back to acknowledge them; for isochTx read IsoXmitIntEventClear and write it back,
  // likewise IsoRecvIntEventClear for isochRx. No events: no writes. DeviceError when IntEvent
  // reads all ones (bit 28 does not exist, so the controller is gone).
  Result<InterruptEvents> read_and_clear_events();

  Hal& hal() { return hal_; }

 private:
  Hal& hal_;
};

}  // namespace ohci::fw
