// The run the timing diagrams of docs/timing.md are drawn from: two nodes on the modelled bus,
// node 0 cycle master and talker, node 1 listener. Node 0's firmware opens an IsochStream (S400,
// kPayloadBytes per packet), calls talk() with nothing attached, then attaches one batch of
// kPackets one-packet buffers with a callback on the last; the attach starts the IT context, the
// packets go out one per isochronous cycle, the last one's status write-back raises irq, the ISR
// acknowledges it, the DPC walks the completions and calls the callback. Node 1 listens through
// the same API (no callback, so it never interrupts and node 0's firmware timing is its own) and
// its buffer is checked byte for byte, so the diagrams show a stream that worked.
//
// Every number is a cycle of the World (sim/world.hpp): pin samples and packets are numbered as
// PhyModel::sample numbers them (the cycle whose rising edge ends it); firmware events as the
// EventLog numbers ISR and DPC entry: the clk edge the firmware was called after (World::cycle()
// - 1 at the call). The run is deterministic: the same RTL gives the same numbers.
#pragma once

#include <cstdint>
#include <vector>

#include "bus.hpp"
#include "phy_model.hpp"

namespace ohci::sim::timing {

inline constexpr std::uint32_t kPayloadBytes = 8;  // a short packet: 20 clk on D at S400
inline constexpr unsigned kPackets = 3;
inline constexpr std::uint32_t kChannel = 5;
inline constexpr std::uint64_t kClkPerCycle = 6144;  // one 125 us isochronous cycle

// One clk cycle on the PHY-link pins, as a logic analyser on them would show it.
struct PinSample {
  std::uint64_t cycle = 0;
  bool talker_lreq = false;
  bool talker_link_drives = false;  // node 0's link drives CTL and D (phy_ctl_oe)
  std::uint8_t talker_ctl = 0;      // the resolved pins: PHY's value, else the link's, else 0
  std::uint8_t talker_d = 0;
  std::uint8_t listener_ctl = 0;  // what node 1's PHY drives towards its link
  std::uint8_t listener_d = 0;
};

// A firmware call: the edge it was called after and the edge it returned after.
struct FirmwareSpan {
  std::uint64_t called = 0;
  std::uint64_t returned = 0;
};

struct TimingRecord {
  // Every cycle from the attach's return to the callback that no firmware ran inside (firmware
  // steps the World itself; those cycles are not sampled), in order.
  std::vector<PinSample> pins;
  // The LREQ of each of node 0's isochronous packets, and the packets as the Bus saw them
  // (first and last data cycles, bytes, when node 1 got them), in order.
  std::vector<LinkRequest> requests;
  std::vector<BusPacket> packets;
  // The cycle start node 0 sent just before the first of them (it opens that isochronous cycle).
  BusPacket cycle_start;
  // The talker's DMA writes after the attach: one xferStatus:timeStamp write-back per packet
  // (the cycle its W beat completed).
  std::vector<std::uint64_t> status_writes;
  FirmwareSpan attach;
  std::uint64_t irq_raised = 0;
  std::uint64_t irq_dropped = 0;
  FirmwareSpan isr;
  FirmwareSpan dpc;
  std::uint64_t callback = 0;
  unsigned arbitration_delay = 0;  // node 0's PhyConfig
  unsigned data_on_cycles = 0;     // the Bus's BusConfig
};

// Runs the scenario. Throws std::runtime_error if any step of it fails (a firmware call, a
// protocol violation on the bus or the memory port, a packet that did not arrive intact, an
// event that did not happen exactly once).
TimingRecord run_timing_scenario();

// The sample of `cycle`, or nullptr if it was not sampled.
const PinSample* find_sample(const TimingRecord& record, std::uint64_t cycle);

}  // namespace ohci::sim::timing
