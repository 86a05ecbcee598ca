#include "timing_diagrams.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "ieee1394_packet.hpp"

namespace ohci::sim::timing {
namespace {

// CTL codes on the pins (phy_model.hpp): the PHY drives Grant, Idle and Receive; the link Idle,
// Hold and Transmit.
constexpr std::uint8_t kCtlIdle = 0b00;
constexpr std::uint8_t kCtlHold = 0b01;
constexpr std::uint8_t kCtlTransmit = 0b10;
constexpr std::uint8_t kCtlReceive = 0b10;  // the same code, driven by the PHY

// Who drives a pin lane decides its colour; the caption says so.
constexpr Shade kPhyShade = Shade::Yellow;
constexpr Shade kLinkShade = Shade::Blue;
constexpr const char* kPinLegend =
    "yellow: the PHY drives CTL/D, blue: the link drives them, z: neither does (the pins read 00, "
    "Idle). Columns are clk cycles (49.152 MHz), numbered as the World counts them.";

std::string hex_byte(std::uint8_t value) {
  char text[3];
  std::snprintf(text, sizeof text, "%02X", value);
  return text;
}

const char* link_ctl_name(std::uint8_t ctl) {
  switch (ctl) {
    case kCtlIdle:
      return "Idle";
    case kCtlHold:
      return "Hold";
    case kCtlTransmit:
      return "Transmit";
    default:
      return "11 (reserved)";
  }
}

std::string clk(std::uint64_t from, std::uint64_t to) {
  return std::to_string(to - from) + " clk";
}

unsigned bits_per_cycle(unsigned speed) {
  return speed == 0 ? 2 : speed == 1 ? 4 : 8;
}

// What byte `byte` of a packet is: its header, header CRC, payload or data CRC.
std::string part_of(const WirePacket& packet, std::size_t byte) {
  if (tcode_of(packet.bytes) == kTcodeCycleStart) return "cycle start";
  const std::size_t header_bytes = 4;  // an isochronous packet has one header quadlet
  if (byte < header_bytes) return "header";
  if (byte < 2 * header_bytes) return "header CRC";
  if (byte + 4 < packet.bytes.size()) return "payload";
  return "data CRC";
}

// The part of `packet` on D in `cycle` (its chunk cycle - first_data_cycle), if any.
std::optional<std::string> part_on_wire(const WirePacket& packet, std::uint64_t cycle) {
  if (cycle < packet.first_data_cycle || cycle > packet.last_data_cycle) return std::nullopt;
  const std::uint64_t chunk = cycle - packet.first_data_cycle;
  return part_of(packet, chunk * bits_per_cycle(packet.speed) / 8);
}

// What node 1's PHY does in `cycle` while repeating `packet` (bus.hpp: data-on from R for D
// cycles, the speed code, chunk k at R+D+1+k, then one Idle).
enum class Repeat { None, DataOn, SpeedCode, Data, Idle };
Repeat repeat_phase(const BusPacket& packet, unsigned data_on_cycles, std::uint64_t cycle) {
  if (packet.receivers == 0) return Repeat::None;
  const std::uint64_t first = packet.receive_first_cycle;
  const std::uint64_t chunks = packet.last_data_cycle - packet.first_data_cycle + 1;
  const std::uint64_t data_first = first + data_on_cycles + 1;
  if (cycle < first) return Repeat::None;
  if (cycle < first + data_on_cycles) return Repeat::DataOn;
  if (cycle < data_first) return Repeat::SpeedCode;
  if (cycle < data_first + chunks) return Repeat::Data;
  if (cycle == data_first + chunks) return Repeat::Idle;
  return Repeat::None;
}

// Cycle numbers above the columns, in two staggered rows: a five-digit number is as wide as a
// column, so two of them side by side in one row would run into each other.
class CycleRows {
 public:
  // Labels the next column with `cycle` in row `row` (0 or 1), leaving the other row blank.
  void label(std::uint64_t cycle, unsigned row) {
    rows_[row].value(std::to_string(cycle), Shade::Plain, false);
    rows_[1 - row].value("", Shade::Plain, false);
  }
  // A column of elided time.
  void gap() {
    for (LaneBuilder& row : rows_) row.unknown();
  }
  std::array<WaveLane, 2> lanes() const { return {rows_[0].lane(), rows_[1].lane()}; }

 private:
  std::array<LaneBuilder, 2> rows_{LaneBuilder("cycle"), LaneBuilder("")};
};

// What node 1's D carries in `cycle` of the repeat of `packet`: "on" (data-on, D = FF), the
// speed code, or the part of the packet.
std::string repeated_part(const BusPacket& packet, Repeat phase, unsigned data_on_cycles,
                          std::uint64_t cycle) {
  if (phase == Repeat::DataOn) return "on";
  if (phase == Repeat::SpeedCode) return "speed";
  const std::uint64_t chunk = cycle - (packet.receive_first_cycle + data_on_cycles + 1);
  return part_of(packet, chunk * bits_per_cycle(packet.speed) / 8);
}

const PinSample& sample_of(const TimingRecord& record, std::uint64_t cycle) {
  const PinSample* sample = find_sample(record, cycle);
  if (!sample)
    throw std::runtime_error("cycle " + std::to_string(cycle) +
                             " of the pin diagram was not sampled (firmware ran in it)");
  return *sample;
}

}  // namespace

WaveDiagram pin_diagram(const TimingRecord& record) {
  const BusPacket& packet = record.packets.front();
  const LinkRequest& request = record.requests.front();
  const BusPacket& cycle_start = record.cycle_start;
  const std::array<const BusPacket*, 2> on_wire{&cycle_start, &packet};
  // From the cycle start's last two chunks to the cycle after the later of node 0's release
  // (two Idle cycles after the last chunk) and node 1's closing Idle.
  const std::uint64_t first = cycle_start.last_data_cycle - 1;
  const std::uint64_t chunks = packet.last_data_cycle - packet.first_data_cycle + 1;
  const std::uint64_t repeat_idle = packet.receive_first_cycle + record.data_on_cycles + 1 + chunks;
  const std::uint64_t last = std::max(packet.last_data_cycle + 3, repeat_idle) + 1;
  const std::uint64_t lreq_bits = 8;  // start, type[2:0], speed[2:0], stop (phy_model.hpp)
  const std::uint64_t lreq_start = request.cycle - (lreq_bits - 1);
  const std::uint64_t cycle_start_released = cycle_start.last_data_cycle + 3;
  const std::uint64_t repeated_first_chunk = packet.receive_first_cycle + record.data_on_cycles + 1;

  CycleRows cycle_rows;
  LaneBuilder clock_lane("clk");
  LaneBuilder lreq_lane("node0 LREQ");
  LaneBuilder lreq_field_lane("  LREQ field");
  LaneBuilder ctl_lane("node0 CTL");
  LaneBuilder d_lane("node0 D");
  LaneBuilder part_lane("  D carries");
  LaneBuilder repeat_ctl_lane("node1 CTL");
  LaneBuilder repeat_d_lane("node1 D");
  LaneBuilder repeat_part_lane("  D carries");

  for (std::uint64_t cycle = first; cycle <= last; ++cycle) {
    const PinSample& sample = sample_of(record, cycle);
    cycle_rows.label(cycle, static_cast<unsigned>(cycle % 2));
    clock_lane.clock();

    lreq_lane.level(sample.talker_lreq);
    if (cycle < lreq_start || cycle > request.cycle) {
      lreq_field_lane.high_z();
    } else if (cycle == lreq_start) {
      lreq_field_lane.value("start");
    } else if (cycle <= lreq_start + 3) {
      lreq_field_lane.value(request.type == LreqType::IsoReq ? "IsoReq" : "type");
    } else if (cycle < request.cycle) {
      lreq_field_lane.value("S" + std::to_string(100u << request.speed));
    } else {
      lreq_field_lane.value("stop");
    }

    // node 0's CTL and D: the link's when it drives, the PHY's Grant and Idle after it.
    const bool phy_grant = cycle == packet.grant_cycle || cycle == cycle_start.grant_cycle;
    const bool phy_idle = cycle == packet.grant_cycle + 1 || cycle == cycle_start.grant_cycle + 1;
    if (sample.talker_link_drives) {
      const bool transmit = sample.talker_ctl == kCtlTransmit;
      ctl_lane.value(link_ctl_name(sample.talker_ctl), kLinkShade);
      // Each byte of a packet is a cell of its own; Idle's 00s are one cell.
      d_lane.value(hex_byte(sample.talker_d), kLinkShade, !transmit);
    } else if (phy_grant || phy_idle) {
      ctl_lane.value(phy_grant ? "Grant" : "Idle", kPhyShade);
      d_lane.value(hex_byte(sample.talker_d), kPhyShade);
    } else {
      ctl_lane.high_z();
      d_lane.high_z();
    }
    std::optional<std::string> part;
    for (const BusPacket* sent : on_wire)
      if (!part) part = part_on_wire(*sent, cycle);
    if (part) {
      part_lane.value(*part);
    } else {
      part_lane.high_z();
    }

    // node 1's PHY repeating node 0's packets to its link.
    Repeat phase = Repeat::None;
    const BusPacket* repeated = nullptr;
    for (const BusPacket* sent : on_wire) {
      const Repeat sent_phase = repeat_phase(*sent, record.data_on_cycles, cycle);
      if (sent_phase != Repeat::None) {
        phase = sent_phase;
        repeated = sent;
      }
    }
    switch (phase) {
      case Repeat::None:
        repeat_ctl_lane.high_z();
        repeat_d_lane.high_z();
        repeat_part_lane.high_z();
        break;
      case Repeat::Idle:
        if (sample.listener_ctl != kCtlIdle)
          throw std::runtime_error("cycle " + std::to_string(cycle) +
                                   ": node1's PHY does not drive Idle after the repeat");
        repeat_ctl_lane.value("Idle", kPhyShade);
        repeat_d_lane.value(hex_byte(sample.listener_d), kPhyShade);
        repeat_part_lane.high_z();
        break;
      default:
        if (sample.listener_ctl != kCtlReceive)
          throw std::runtime_error("cycle " + std::to_string(cycle) +
                                   ": node1's PHY does not drive Receive while repeating");
        repeat_ctl_lane.value("Receive", kPhyShade);
        repeat_d_lane.value(hex_byte(sample.listener_d), kPhyShade, false);
        repeat_part_lane.value(repeated_part(*repeated, phase, record.data_on_cycles, cycle));
        break;
    }

    if (cycle == cycle_start_released) ctl_lane.mark('A');
    if (cycle == lreq_start) lreq_lane.mark('B');
    if (cycle == request.cycle) lreq_lane.mark('C');
    if (cycle == packet.grant_cycle) ctl_lane.mark('D');
    if (cycle == packet.first_data_cycle) d_lane.mark('E');
    if (cycle == repeated_first_chunk) repeat_d_lane.mark('F');
  }

  WaveDiagram diagram;
  diagram.title = "Isochronous packet 0 on the PHY-link pins: " + std::to_string(kPayloadBytes) +
                  "-byte payload at S400 on channel " + std::to_string(kChannel) + ", cycles " +
                  std::to_string(first) + "-" + std::to_string(last);
  diagram.caption = kPinLegend;
  for (const WaveLane& row : cycle_rows.lanes()) diagram.lanes.push_back(row);
  for (const LaneBuilder* lane : {&clock_lane, &lreq_lane, &lreq_field_lane})
    diagram.lanes.push_back(lane->lane());
  diagram.lanes.push_back({});
  for (const LaneBuilder* lane : {&ctl_lane, &d_lane, &part_lane})
    diagram.lanes.push_back(lane->lane());
  diagram.lanes.push_back({});
  for (const LaneBuilder* lane : {&repeat_ctl_lane, &repeat_d_lane, &repeat_part_lane})
    diagram.lanes.push_back(lane->lane());
  diagram.edges = {
      "A~>B " + clk(cycle_start_released, lreq_start),
      "C~>D " + clk(request.cycle, packet.grant_cycle),
      "D~>E " + clk(packet.grant_cycle, packet.first_data_cycle),
      "E~>F " + clk(packet.first_data_cycle, repeated_first_chunk),
  };
  return diagram;
}

namespace {

// A compressed time axis: the cycles to show, in order, and a gap wherever cycles are left out.
struct Column {
  std::optional<std::uint64_t> cycle;  // empty: elided time
};

std::vector<Column> columns_of(const std::set<std::uint64_t>& cycles) {
  std::vector<Column> columns;
  std::optional<std::uint64_t> previous;
  for (const std::uint64_t cycle : cycles) {
    if (previous && cycle > *previous + 1) columns.push_back({});
    columns.push_back({cycle});
    previous = cycle;
  }
  return columns;
}

// A firmware call as a level: high from the column it was called after up to the one it
// returned after; a call that took no clk at all is one column high.
bool running(const FirmwareSpan& span, std::uint64_t cycle) {
  if (span.called == span.returned) return cycle == span.called;
  return cycle >= span.called && cycle < span.returned;
}

}  // namespace

WaveDiagram attach_diagram(const TimingRecord& record) {
  // Every cycle at which something changes, and the one after each single-cycle event, so a
  // gap never seems to prolong it.
  std::set<std::uint64_t> cycles{
      record.attach.called, record.attach.returned, record.irq_raised, record.irq_dropped,
      record.isr.called,    record.isr.returned,    record.dpc.called, record.dpc.returned,
      record.callback,      record.dpc.returned + 1};
  for (std::size_t i = 0; i < record.packets.size(); ++i) {
    cycles.insert({record.packets[i].first_data_cycle, record.packets[i].last_data_cycle,
                   record.packets[i].last_data_cycle + 1, record.status_writes[i],
                   record.status_writes[i] + 1});
  }
  const std::uint64_t last_write = record.status_writes.back();
  const BusPacket& first_packet = record.packets.front();
  const BusPacket& last_packet = record.packets.back();

  CycleRows cycle_rows;
  LaneBuilder attach_lane("node0 attach()");
  LaneBuilder d_lane("node0 D");
  LaneBuilder write_lane("status write (AXI W)");
  LaneBuilder irq_lane("irq");
  LaneBuilder isr_lane("ISR");
  LaneBuilder dpc_lane("DPC");
  LaneBuilder callback_lane("callback");
  std::vector<LaneBuilder*> lanes{&attach_lane, &d_lane,   &write_lane,   &irq_lane,
                                  &isr_lane,    &dpc_lane, &callback_lane};

  // A number goes to the upper row unless the column before holds one there.
  unsigned previous_row = 1;
  for (const Column& column : columns_of(cycles)) {
    if (!column.cycle) {
      cycle_rows.gap();
      for (LaneBuilder* lane : lanes) lane->gap();
      previous_row = 1;
      continue;
    }
    const std::uint64_t cycle = *column.cycle;
    previous_row = previous_row == 0 ? 1 : 0;
    cycle_rows.label(cycle, previous_row);
    attach_lane.level(running(record.attach, cycle));
    std::optional<std::size_t> sending;
    for (std::size_t i = 0; i < record.packets.size(); ++i) {
      if (cycle >= record.packets[i].first_data_cycle && cycle <= record.packets[i].last_data_cycle)
        sending = i;
    }
    if (sending) {
      d_lane.value("packet " + std::to_string(*sending), kLinkShade);
    } else {
      d_lane.high_z();
    }
    write_lane.level(std::find(record.status_writes.begin(), record.status_writes.end(), cycle) !=
                     record.status_writes.end());
    irq_lane.level(cycle >= record.irq_raised && cycle < record.irq_dropped);
    isr_lane.level(running(record.isr, cycle));
    dpc_lane.level(running(record.dpc, cycle));
    callback_lane.level(cycle == record.callback);

    if (cycle == record.attach.returned) attach_lane.mark('A');
    if (cycle == first_packet.first_data_cycle) d_lane.mark('B');
    if (cycle == last_packet.last_data_cycle) d_lane.mark('C');
    if (cycle == last_write) write_lane.mark('D');
    if (cycle == record.irq_raised) irq_lane.mark('E');
    if (cycle == record.isr.called) isr_lane.mark('F');
    if (cycle == record.isr.returned) isr_lane.mark('G');
    if (cycle == record.dpc.called) dpc_lane.mark('H');
    if (cycle == record.callback) callback_lane.mark('I');
  }

  WaveDiagram diagram;
  diagram.title =
      "attach -> packets -> irq -> ISR -> DPC -> callback: " + std::to_string(kPackets) +
      " one-packet buffers, callback on the last, cycles " + std::to_string(record.attach.called) +
      "-" + std::to_string(record.callback);
  diagram.caption =
      "Only the cycles where something changes are drawn; the gaps elide the rest. Firmware "
      "calls are numbered by the clk edge they were called / returned after; a call that took no "
      "clk is one column high.";
  for (const WaveLane& row : cycle_rows.lanes()) diagram.lanes.push_back(row);
  for (const LaneBuilder* lane : lanes) diagram.lanes.push_back(lane->lane());
  diagram.edges = {
      "A~>B " + clk(record.attach.returned, first_packet.first_data_cycle),
      "C~>D " + clk(last_packet.last_data_cycle, last_write),
      "D~>E " + clk(last_write, record.irq_raised),
      "E~>F " + clk(record.irq_raised, record.isr.called),
      "F~>G " + clk(record.isr.called, record.isr.returned),
      "G~>H " + clk(record.isr.returned, record.dpc.called),
      "H~>I " + clk(record.dpc.called, record.callback),
  };
  return diagram;
}

}  // namespace ohci::sim::timing
