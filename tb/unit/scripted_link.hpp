// A link that plays back PHY-link pin values per cycle, for the PhyModel and Bus tests: LREQ
// bits, CTL codes and data chunks, registered like ohci_link_tx (the values for cycle c are put
// on the pins at the rising edge ending c - 1).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "fake_core.hpp"
#include "phy_model.hpp"

namespace ohci::tb {

constexpr std::uint8_t kIdle = 0b00, kHold = 0b01, kTransmit = 0b10, kGrant = 0b11;
constexpr std::uint8_t kReceive = kTransmit;  // CTL=10 driven by the PHY

// Bits per clk at a speed (0 S100, 1 S200, 2 S400).
constexpr unsigned bits_per_cycle(unsigned speed) {
  return speed == 0 ? 2 : speed == 1 ? 4 : 8;
}

// `bytes` as D pin values at `speed`, one per cycle: D0 (phy_d[7]) first, unused lines low.
inline std::vector<std::uint8_t> chunks_of(unsigned speed, const std::vector<std::uint8_t>& bytes) {
  const unsigned width = bits_per_cycle(speed);
  std::vector<std::uint8_t> chunks;
  for (std::uint8_t byte : bytes) {
    for (int shift = 8 - static_cast<int>(width); shift >= 0; shift -= static_cast<int>(width)) {
      const unsigned chunk = (byte >> shift) & ((1u << width) - 1);
      chunks.push_back(static_cast<std::uint8_t>(chunk << (8 - width)));
    }
  }
  return chunks;
}

// What the link drives in one cycle.
struct LinkPins {
  bool lreq = false;
  bool ctl_oe = false;
  std::uint8_t ctl = 0;
  bool d_oe = false;
  std::uint8_t d = 0;
};

// Builders return the cycle after what they add.
class ScriptedLink {
 public:
  // LREQ bits MSB first from `cycle`: {1, type, speed code (000 S100, 010 S200, 100 S400), 0}.
  // Its stop bit is at cycle + 7.
  std::uint64_t bus_request(std::uint64_t cycle, sim::LreqType type, unsigned speed) {
    const unsigned code = speed == 0 ? 0b000 : speed == 1 ? 0b010 : 0b100;
    return lreq_bits(cycle, 1u << 7 | static_cast<unsigned>(type) << 4 | code << 1, 8);
  }
  // `count` bits of `value`, MSB first.
  std::uint64_t lreq_bits(std::uint64_t cycle, std::uint32_t value, unsigned count) {
    for (unsigned i = 0; i < count; ++i) pins_[cycle + i].lreq = (value >> (count - 1 - i)) & 1u;
    return cycle + count;
  }
  std::uint64_t ctl(std::uint64_t cycle, std::uint8_t code, unsigned cycles = 1) {
    for (unsigned i = 0; i < cycles; ++i) {
      LinkPins& pins = pins_[cycle + i];
      pins.ctl_oe = pins.d_oe = true;
      pins.ctl = code;
      pins.d = 0;
    }
    return cycle + cycles;
  }
  // Transmit cycles carrying `bytes` at `speed`: D0 (phy_d[7]) first, unused lines low.
  std::uint64_t transmit(std::uint64_t cycle, unsigned speed,
                         const std::vector<std::uint8_t>& bytes) {
    for (std::uint8_t chunk : chunks_of(speed, bytes)) {
      ctl(cycle, kTransmit);
      pins_[cycle++].d = chunk;
    }
    return cycle;
  }
  // Overrides D in one cycle.
  void d(std::uint64_t cycle, std::uint8_t value) { pins_[cycle].d = value; }

  void put_on(FakeCore& core, std::uint64_t cycle) const {
    const auto found = pins_.find(cycle);
    const LinkPins pins = found == pins_.end() ? LinkPins{} : found->second;
    core.phy_lreq = pins.lreq;
    core.phy_ctl_oe = pins.ctl_oe;
    core.phy_ctl_o = pins.ctl;
    core.phy_d_oe = pins.d_oe;
    core.phy_d_o = pins.d;
  }

 private:
  std::map<std::uint64_t, LinkPins> pins_;
};

// What the link saw on phy_ctl_i / phy_d_i in each cycle of run_with_link.
struct Seen {
  std::vector<std::uint8_t> ctl;
  std::vector<std::uint8_t> d;
};

// Runs `phy` alone (a bus of one) for `cycles` cycles with `link` on its link-side pins.
inline Seen run_with_link(sim::PhyModel<FakeCore>& phy, const ScriptedLink& link,
                          std::uint64_t cycles) {
  FakeCore core;
  Seen seen;
  link.put_on(core, 0);
  const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) {
                      seen.ctl.push_back(core.phy_ctl_i);
                      seen.d.push_back(core.phy_d_i);
                      link.put_on(core, cycle + 1);
                    }};
  for (std::uint64_t cycle = 0; cycle < cycles; ++cycle) run_cycle(core, cycle, rtl, phy);
  return seen;
}

}  // namespace ohci::tb
