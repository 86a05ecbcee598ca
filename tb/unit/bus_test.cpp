// Bus against scripted links on fake cores: arbitration between nodes, repeating a packet to
// every other node, and fault injection. Expected cycles come from the rules in bus.hpp: a
// request's stop bit is at r = its first LREQ cycle + 7; with the bus free it arbitrates from
// s = r and gets Grant at g = s + 1 + arbitration_delay; its link owns the bus from g + 2; a
// listener sees data-on from the talker's first Transmit cycle F for data_on_cycles (D) cycles,
// the speed code at F + D, the talker's chunk k at F + D + 1 + k and one Idle after the last.
#include "bus.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fake_core.hpp"
#include "ieee1394_packet.hpp"
#include "scripted_link.hpp"

namespace ohci::tb {
namespace {

using sim::LreqType;
using Phy = sim::PhyModel<FakeCore>;
using Bus = sim::Bus<FakeCore>;

// One node: a scripted link on a fake core, its PHY, and the pins in every cycle.
struct Station {
  explicit Station(const sim::PhyConfig& config) : phy(config) {}
  FakeCore core;
  ScriptedLink link;
  Phy phy;
  std::vector<std::uint8_t> ctl, d;  // phy_ctl_i, phy_d_i: what the link saw
  std::vector<bool> link_drives;     // phy_ctl_oe
  std::vector<std::uint8_t> link_d;  // phy_d_o while phy_d_oe, else 0
};

// Nodes on one Bus, run with World::step's order (bus drive, eval, bus sample, rising edge).
class Bench {
 public:
  explicit Bench(std::size_t nodes, const sim::BusConfig& config = {},
                 const std::vector<sim::PhyConfig>& phys = {})
      : bus(config) {
    for (std::size_t i = 0; i < nodes; ++i) {
      stations_.push_back(std::make_unique<Station>(i < phys.size() ? phys[i] : sim::PhyConfig{}));
      EXPECT_EQ(bus.attach(stations_.back()->phy, stations_.back()->core), i);
    }
  }
  Station& operator[](std::size_t node) { return *stations_.at(node); }

  void run(std::uint64_t cycles) {
    for (auto& station : stations_) station->link.put_on(station->core, 0);
    for (std::uint64_t cycle = 0; cycle < cycles; ++cycle) {
      bus.drive(cycle);
      bus.sample(cycle);
      for (auto& station : stations_) {
        FakeCore& core = station->core;
        station->ctl.push_back(core.phy_ctl_i);
        station->d.push_back(core.phy_d_i);
        station->link_drives.push_back(core.phy_ctl_oe != 0);
        station->link_d.push_back(core.phy_d_oe ? core.phy_d_o : 0);
        station->link.put_on(core, cycle + 1);
      }
    }
  }

  void expect_no_violations() {
    for (std::size_t node = 0; node < stations_.size(); ++node) {
      const auto& violations = stations_[node]->phy.violations();
      EXPECT_TRUE(violations.empty()) << "node " << node << ": " << violations.front();
    }
  }

  Bus bus;

 private:
  std::vector<std::unique_ptr<Station>> stations_;
};

// One Receive as a link decodes it from its pins (ignoring cycles its own link drives).
struct Reception {
  std::uint64_t data_on_cycle = 0;  // the first data-on cycle
  unsigned data_on_cycles = 0;
  std::uint8_t speed_code = 0;
  std::uint64_t first_chunk_cycle = 0;
  std::vector<std::uint8_t> chunks;
  std::uint64_t idle_cycle = 0;  // the first cycle CTL left Receive
};

std::vector<Reception> receptions(const Station& station) {
  std::vector<Reception> found;
  enum { kWait, kDataOn, kData } state = kWait;
  for (std::uint64_t cycle = 0; cycle < station.ctl.size(); ++cycle) {
    const bool receive = !station.link_drives[cycle] && station.ctl[cycle] == kReceive;
    const std::uint8_t d = station.d[cycle];
    if (state != kWait && !receive) {
      found.back().idle_cycle = cycle;
      state = kWait;
    } else if (state == kWait && receive && d == 0xFF) {
      found.emplace_back();
      found.back().data_on_cycle = cycle;
      found.back().data_on_cycles = 1;
      state = kDataOn;
    } else if (state == kDataOn && receive && d == 0xFF) {
      ++found.back().data_on_cycles;
    } else if (state == kDataOn && receive) {
      found.back().speed_code = d;
      found.back().first_chunk_cycle = cycle + 1;
      state = kData;
    } else if (state == kData) {
      found.back().chunks.push_back(d);
    }
  }
  return found;
}

std::vector<std::uint8_t> bytes_of(const Reception& reception) {
  const unsigned speed = reception.speed_code == 0x50 ? 2 : reception.speed_code == 0x40 ? 1 : 0;
  const unsigned width = bits_per_cycle(speed);
  std::vector<std::uint8_t> bytes;
  unsigned bits = 0, count = 0;
  for (std::uint8_t chunk : reception.chunks) {
    bits = (bits << width) | (chunk >> (8 - width));
    count += width;
    if (count == 8) {
      bytes.push_back(static_cast<std::uint8_t>(bits));
      bits = count = 0;
    }
  }
  return bytes;
}

constexpr std::uint8_t kSpeedCode[3] = {0x00, 0x40, 0x50};
const std::vector<std::uint8_t> kBytes{0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};

// A request whose LREQ starts at cycle 0: stop bit r = 7; the bus is free, so s = 7 and with
// the default arbitration delay 4 Grant is at 12, and the talker's first Transmit at F = 14.
constexpr std::uint64_t kStopBit = 7, kGrantCycle = kStopBit + 1 + 4, kFirst = kGrantCycle + 2;

std::string speed_name(const ::testing::TestParamInfo<unsigned>& speed) {
  return "S" + std::to_string(100u << speed.param);
}

class BusAtSpeed : public ::testing::TestWithParam<unsigned> {};
INSTANTIATE_TEST_SUITE_P(Speeds, BusAtSpeed, ::testing::Values(0u, 1u, 2u), speed_name);

TEST_P(BusAtSpeed, ListenerSeesDataOnThenTheSpeedCodeThenTheTalkersChunksThenOneIdle) {
  const unsigned speed = GetParam();
  Bench bench(2);
  bench[0].link.bus_request(0, LreqType::IsoReq, speed);
  const std::uint64_t end = bench[0].link.transmit(kFirst, speed, kBytes);
  bench[0].link.ctl(end, kIdle, 2);
  bench.run(end + 20);

  const std::vector<std::uint8_t> chunks = chunks_of(speed, kBytes);
  const std::uint64_t n = chunks.size();
  const Station& listener = bench[1];
  for (std::uint64_t cycle = 0; cycle < kFirst; ++cycle)
    EXPECT_EQ(listener.ctl[cycle], kIdle) << cycle;
  EXPECT_EQ(listener.ctl[kFirst], kReceive);
  EXPECT_EQ(listener.d[kFirst], 0xFF) << "data-on";
  EXPECT_EQ(listener.ctl[kFirst + 1], kReceive);
  EXPECT_EQ(listener.d[kFirst + 1], kSpeedCode[speed]);
  for (std::uint64_t k = 0; k < n; ++k) {
    EXPECT_EQ(listener.ctl[kFirst + 2 + k], kReceive) << k;
    EXPECT_EQ(listener.d[kFirst + 2 + k], bench[0].link_d[kFirst + k]) << "as the talker drove it";
    EXPECT_EQ(listener.d[kFirst + 2 + k], chunks[k]) << k;
  }
  for (std::uint64_t cycle = kFirst + 2 + n; cycle < listener.ctl.size(); ++cycle) {
    EXPECT_EQ(listener.ctl[cycle], kIdle) << cycle;
    EXPECT_EQ(listener.d[cycle], 0) << cycle;
  }
  EXPECT_EQ(listener.phy.packets_received(), 1u);
  EXPECT_EQ(bench.bus.stats().packets_received, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(bench.bus.stats().packets_repeated, 1u);
  ASSERT_EQ(bench.bus.packets().size(), 1u);
  const sim::BusPacket& packet = bench.bus.packets()[0];
  EXPECT_EQ(packet.sender, 0u);
  EXPECT_EQ(packet.speed, speed);
  EXPECT_EQ(packet.grant_cycle, kGrantCycle);
  EXPECT_EQ(packet.first_data_cycle, kFirst);
  EXPECT_EQ(packet.last_data_cycle, kFirst + n - 1);
  EXPECT_EQ(packet.bytes, kBytes);
  EXPECT_EQ(packet.receivers, 0b10u);
  EXPECT_EQ(packet.receive_first_cycle, kFirst);
  EXPECT_EQ(packet.received_bytes(), kBytes);
  bench.expect_no_violations();
  EXPECT_TRUE(bench.bus.idle());
}

TEST(Bus, TheTalkersOwnPinsShowNothingReceived) {
  Bench bench(2);
  bench[0].link.bus_request(0, LreqType::IsoReq, 2);
  const std::uint64_t end = bench[0].link.transmit(kFirst, 2, kBytes);
  bench[0].link.ctl(end, kIdle, 2);
  bench.run(end + 20);
  const Station& talker = bench[0];
  for (std::uint64_t cycle = 0; cycle < talker.ctl.size(); ++cycle) {
    if (cycle == kGrantCycle) continue;
    const bool transmitting = cycle >= kFirst && cycle < end;
    EXPECT_EQ(talker.ctl[cycle], transmitting ? kTransmit : kIdle) << cycle;
    EXPECT_EQ(talker.d[cycle], talker.link_d[cycle]) << "only its own data, cycle " << cycle;
  }
  EXPECT_TRUE(receptions(talker).empty());
  EXPECT_EQ(talker.phy.packets_received(), 0u);
  bench.expect_no_violations();
}

TEST(Bus, ANodeSlowerThanThePacketReceivesNothingOfIt) {
  Bench bench(3, {}, {{}, {.max_speed = 2}, {.max_speed = 1}});
  bench[0].link.bus_request(0, LreqType::IsoReq, 2);
  const std::uint64_t end = bench[0].link.transmit(kFirst, 2, kBytes);
  bench[0].link.ctl(end, kIdle, 2);
  bench.run(end + 20);
  for (std::uint64_t cycle = 0; cycle < bench[2].ctl.size(); ++cycle) {
    EXPECT_EQ(bench[2].ctl[cycle], kIdle) << cycle;
    EXPECT_EQ(bench[2].d[cycle], 0) << cycle;
  }
  ASSERT_EQ(receptions(bench[1]).size(), 1u);
  EXPECT_EQ(bench.bus.stats().packets_received, (std::vector<std::uint64_t>{0, 1, 0}));
  EXPECT_EQ(bench.bus.packets()[0].receivers, 0b010u);
  bench.expect_no_violations();
}

TEST(Bus, ANodeAsFastAsThePacketReceivesIt) {
  Bench bench(3, {}, {{}, {.max_speed = 2}, {.max_speed = 1}});
  bench[0].link.bus_request(0, LreqType::IsoReq, 1);
  const std::uint64_t end = bench[0].link.transmit(kFirst, 1, kBytes);
  bench[0].link.ctl(end, kIdle, 2);
  bench.run(end + 20);
  for (std::size_t node : {1u, 2u}) {
    const auto got = receptions(bench[node]);
    ASSERT_EQ(got.size(), 1u) << node;
    EXPECT_EQ(got[0].data_on_cycle, kFirst);
    EXPECT_EQ(bytes_of(got[0]), kBytes) << node;
  }
  bench.expect_no_violations();
}

TEST(Bus, RequestsCompletingInTheSameCycleAreGrantedInNodeOrderTheSecondAfterTheFirstsRelease) {
  Bench bench(2);
  bench[0].link.bus_request(0, LreqType::IsoReq, 2);  // both stop bits at 7
  bench[1].link.bus_request(0, LreqType::IsoReq, 2);
  // Node 0: Grant 12, one byte at 14, Idle 15-16, released: the bus is free at 17. Node 1 then
  // arbitrates from 17: Grant at 17 + 1 + 4 = 22, data from 24.
  std::uint64_t next = bench[0].link.transmit(kFirst, 2, {0xA0});
  const std::uint64_t free_cycle = bench[0].link.ctl(next, kIdle, 2);
  const std::uint64_t second_grant = free_cycle + 1 + 4;
  next = bench[1].link.transmit(second_grant + 2, 2, {0xB1});
  bench[1].link.ctl(next, kIdle, 2);
  bench.run(next + 20);

  for (std::uint64_t cycle = 0; cycle < bench[0].ctl.size(); ++cycle) {
    EXPECT_EQ(bench[0].ctl[cycle] == kGrant, cycle == kGrantCycle) << cycle;
    EXPECT_EQ(bench[1].ctl[cycle] == kGrant, cycle == second_grant) << cycle;
  }
  ASSERT_EQ(bench.bus.packets().size(), 2u);
  EXPECT_EQ(bench.bus.packets()[0].sender, 0u);
  EXPECT_EQ(bench.bus.packets()[1].sender, 1u);
  EXPECT_EQ(bench.bus.packets()[1].request_cycle, kStopBit);
  EXPECT_EQ(bench.bus.packets()[1].grant_cycle, second_grant);
  ASSERT_EQ(receptions(bench[0]).size(), 1u);
  EXPECT_EQ(bytes_of(receptions(bench[0])[0]), std::vector<std::uint8_t>{0xB1});
  ASSERT_EQ(receptions(bench[1]).size(), 1u);
  EXPECT_EQ(bytes_of(receptions(bench[1])[0]), std::vector<std::uint8_t>{0xA0});
  bench.expect_no_violations();
}

TEST(Bus, AnEarlierStopBitIsGrantedFirstWhateverTheNodeIndex) {
  Bench bench(2);
  bench[1].link.bus_request(0, LreqType::IsoReq, 2);  // stop bit 7
  bench[0].link.bus_request(1, LreqType::IsoReq, 2);  // stop bit 8
  const std::uint64_t free_cycle =
      bench[1].link.ctl(bench[1].link.transmit(kFirst, 2, {1}), kIdle, 2);
  const std::uint64_t second_grant = free_cycle + 1 + 4;
  bench[0].link.ctl(bench[0].link.transmit(second_grant + 2, 2, {2}), kIdle, 2);
  bench.run(second_grant + 20);
  EXPECT_EQ(bench[1].ctl[kGrantCycle], kGrant);
  EXPECT_EQ(bench[0].ctl[second_grant], kGrant);
  ASSERT_EQ(bench.bus.packets().size(), 2u);
  EXPECT_EQ(bench.bus.packets()[0].sender, 1u);
  EXPECT_EQ(bench.bus.packets()[1].sender, 0u);
  bench.expect_no_violations();
}

TEST(Bus, DataOnLastsDataOnCyclesAndDelaysTheDataAsMuch) {
  constexpr unsigned kDataOn = 3;
  Bench bench(2, {.data_on_cycles = kDataOn});
  bench[0].link.bus_request(0, LreqType::IsoReq, 2);
  const std::uint64_t end = bench[0].link.transmit(kFirst, 2, kBytes);
  bench[0].link.ctl(end, kIdle, 2);
  bench.run(end + 20);
  const auto got = receptions(bench[1]);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data_on_cycle, kFirst);
  EXPECT_EQ(got[0].data_on_cycles, kDataOn);
  EXPECT_EQ(got[0].speed_code, 0x50);
  EXPECT_EQ(got[0].first_chunk_cycle, kFirst + kDataOn + 1);
  EXPECT_EQ(got[0].chunks, chunks_of(2, kBytes));
  EXPECT_EQ(got[0].idle_cycle, end + kDataOn + 1) << "the talker's first other cycle, delayed";
  bench.expect_no_violations();
}

TEST(Bus, AGrantWaitsUntilThePhyHasEndedItsReceiveWithAnIdle) {
  // Arbitration delay 0 and 4 data-on cycles: node 0 (stop bit 7) gets Grant at 8 and sends
  // one S400 byte at F = 10, Idle 11-12; the bus is free at 13. Node 1 (stop bit 10) arbitrates
  // from 13 and would get Grant at 14, but its PHY repeats data-on 10-13, the speed code at 14,
  // the byte at 15 and Idle at 16: Grant comes at 17.
  const sim::PhyConfig phy{.arbitration_delay = 0};
  Bench bench(2, {.data_on_cycles = 4}, {phy, phy});
  bench[0].link.bus_request(0, LreqType::IsoReq, 2);
  bench[0].link.ctl(bench[0].link.transmit(10, 2, {0x3C}), kIdle, 2);
  bench[1].link.bus_request(3, LreqType::IsoReq, 2);
  bench[1].link.ctl(bench[1].link.transmit(17 + 2, 2, {0x4D}), kIdle, 2);
  bench.run(40);
  EXPECT_EQ(bench[0].ctl[8], kGrant);
  EXPECT_EQ(bench[1].d[14], 0x50) << "speed code";
  EXPECT_EQ(bench[1].d[15], 0x3C);
  EXPECT_EQ(bench[1].ctl[16], kIdle);
  EXPECT_EQ(bench[1].ctl[17], kGrant);
  ASSERT_EQ(bench.bus.packets().size(), 2u);
  EXPECT_EQ(bench.bus.packets()[1].grant_cycle, 17u);
  bench.expect_no_violations();
}

TEST(Bus, WithOneDataOnCycleAGrantNeverWaitsForTheReceiveEvenWithoutAGap) {
  // As above with 1 data-on cycle: node 1 repeats data-on 10, speed 11, byte 12, Idle 13; it
  // arbitrates from 13 and gets Grant at 13 + 1 + 0 = 14, straight after that Idle.
  const sim::PhyConfig phy{.arbitration_delay = 0};
  Bench bench(2, {}, {phy, phy});
  bench[0].link.bus_request(0, LreqType::IsoReq, 2);
  bench[0].link.ctl(bench[0].link.transmit(10, 2, {0x3C}), kIdle, 2);
  bench[1].link.bus_request(3, LreqType::IsoReq, 2);
  bench[1].link.ctl(bench[1].link.transmit(14 + 2, 2, {0x4D}), kIdle, 2);
  bench.run(40);
  EXPECT_EQ(bench[1].d[12], 0x3C);
  EXPECT_EQ(bench[1].ctl[13], kIdle);
  EXPECT_EQ(bench[1].ctl[14], kGrant);
  EXPECT_EQ(bench.bus.packets().at(1).grant_cycle, 14u);
  bench.expect_no_violations();
}

TEST(Bus, APacketConcatenatedAfterHoldIsRepeatedAfterThePreviousOnesIdle) {
  // Node 0 sends two bytes at 14-15, Hold at 16, one byte at F2 = 17. The listener gets the
  // first packet's data-on 14, speed 15, bytes 16-17, Idle 18; the second starts at 19.
  Bench bench(2);
  bench[0].link.bus_request(0, LreqType::PriReq, 2);
  std::uint64_t next = bench[0].link.transmit(kFirst, 2, {0xA1, 0xA2});
  next = bench[0].link.ctl(next, kHold, 1);
  next = bench[0].link.transmit(next, 2, {0xB1});
  bench[0].link.ctl(next, kIdle, 2);
  bench.run(next + 20);
  const auto got = receptions(bench[1]);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].idle_cycle, 18u);
  EXPECT_EQ(bytes_of(got[0]), (std::vector<std::uint8_t>{0xA1, 0xA2}));
  EXPECT_EQ(got[1].data_on_cycle, 19u);
  EXPECT_EQ(bytes_of(got[1]), std::vector<std::uint8_t>{0xB1});
  ASSERT_EQ(bench.bus.packets().size(), 2u);
  EXPECT_EQ(bench.bus.packets()[1].first_data_cycle, 17u);
  EXPECT_EQ(bench.bus.packets()[1].receive_first_cycle, 19u);
  bench.expect_no_violations();
}

TEST(Bus, ACycleStartIsRepeatedLikeAnyPacket) {
  const std::vector<std::uint8_t> cycle_start = sim::encode_cycle_start({.cycle_time = 0x1234567});
  Bench bench(2);
  bench[0].link.bus_request(0, LreqType::PriReq, 0);
  const std::uint64_t end = bench[0].link.transmit(kFirst, 0, cycle_start);
  bench[0].link.ctl(end, kIdle, 2);
  bench.run(end + 20);
  const auto got = receptions(bench[1]);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data_on_cycle, kFirst);
  EXPECT_EQ(got[0].speed_code, 0x00);
  EXPECT_EQ(bytes_of(got[0]), cycle_start);
  EXPECT_EQ(bench.bus.packets().at(0).request, LreqType::PriReq);
  bench.expect_no_violations();
}

TEST(Bus, AListenerLinkDrivingDuringAReceiveIsAViolationAndThePhyWins) {
  Bench bench(2);
  bench[0].link.bus_request(0, LreqType::IsoReq, 2);
  bench[0].link.ctl(bench[0].link.transmit(kFirst, 2, kBytes), kIdle, 2);
  bench[1].link.ctl(kFirst + 1, kHold);
  bench.run(40);
  EXPECT_EQ(bench[1].d[kFirst + 1], 0x50);
  ASSERT_EQ(bench[1].phy.violations().size(), 1u);
  EXPECT_EQ(bench[1].phy.violations()[0],
            "cycle " + std::to_string(kFirst + 1) + ": link and PHY both drive (Receive)");
}

TEST(Bus, OneNodeKeepsTheTimingOfAPhyOnItsOwn) {
  // Requests while the link owns the bus, an unused grant, Hold and a concatenated packet.
  const auto script = [](ScriptedLink& link) {
    link.bus_request(0, LreqType::PriReq, 0);
    link.bus_request(8, LreqType::IsoReq, 2);
    link.bus_request(16, LreqType::IsoReq, 1);
    std::uint64_t next = link.transmit(kFirst, 0, {0x5A, 0x11});
    next = link.ctl(next, kHold, 3);
    next = link.transmit(next, 0, {0x77});
    next = link.ctl(next, kIdle, 2);
    // The IsoReq (stop bit 15) is granted at next + 5; its link does not take it; the S200
    // request (stop bit 23) then arbitrates from next + 7: Grant at next + 12.
    next = link.transmit(next + 14, 1, {0xC3, 0x3C});
    link.ctl(next, kIdle, 2);
  };
  Phy alone;
  FakeCore core;
  ScriptedLink link;
  script(link);
  std::vector<std::uint8_t> ctl, d;
  link.put_on(core, 0);
  const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) {
                      ctl.push_back(core.phy_ctl_i);
                      d.push_back(core.phy_d_i);
                      link.put_on(core, cycle + 1);
                    }};
  for (std::uint64_t cycle = 0; cycle < 120; ++cycle) run_cycle(core, cycle, rtl, alone);

  Bench bench(1);
  script(bench[0].link);
  bench.run(120);
  EXPECT_EQ(bench[0].ctl, ctl);
  EXPECT_EQ(bench[0].d, d);
  ASSERT_EQ(alone.packets().size(), 3u);
  ASSERT_EQ(bench[0].phy.packets().size(), 3u);
  ASSERT_EQ(bench.bus.packets().size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(bench[0].phy.packets()[i].grant_cycle, alone.packets()[i].grant_cycle) << i;
    EXPECT_EQ(bench.bus.packets()[i].grant_cycle, alone.packets()[i].grant_cycle) << i;
    EXPECT_EQ(bench.bus.packets()[i].first_data_cycle, alone.packets()[i].first_data_cycle) << i;
    EXPECT_EQ(bench.bus.packets()[i].bytes, alone.packets()[i].bytes) << i;
    EXPECT_EQ(bench.bus.packets()[i].receivers, 0u);
  }
  EXPECT_EQ(bench[0].phy.unused_grants(), 1u);
  EXPECT_EQ(alone.unused_grants(), 1u);
  EXPECT_TRUE(alone.violations().empty()) << alone.violations().front();
  bench.expect_no_violations();
  EXPECT_TRUE(bench.bus.idle());
}

TEST(Bus, DataOnCyclesMustBeAtLeastOne) {
  EXPECT_THROW(Bus({.data_on_cycles = 0}), std::invalid_argument);
}

// ---- fault injection ----

// An S200 isochronous packet with 6 payload bytes: header 0-3, header CRC 4-7, data 8-15 (two
// pad bytes), data CRC 16-19.
const std::vector<std::uint8_t> kPayload{1, 2, 3, 4, 5, 6};
std::vector<std::uint8_t> iso_packet() {
  return sim::encode_iso_packet({.channel = 5, .tag = 1, .sy = 0}, kPayload);
}

// Node 0 sends `packet` at `speed` with a `type` request; node 1 listens. Returns what node 1
// decoded.
std::vector<Reception> send_one(Bench& bench, const std::vector<std::uint8_t>& packet,
                                unsigned speed, LreqType type = LreqType::IsoReq) {
  bench[0].link.bus_request(0, type, speed);
  const std::uint64_t end = bench[0].link.transmit(kFirst, speed, packet);
  bench[0].link.ctl(end, kIdle, 2);
  bench.run(end + 20);
  bench.expect_no_violations();
  return receptions(bench[1]);
}

sim::BusFault header_crc(const sim::RepeatInfo&) {
  return {.corrupt_header_crc = true};
}
sim::BusFault data_crc(const sim::RepeatInfo&) {
  return {.corrupt_data_crc = true};
}

TEST(BusFaults, HeaderCrcFaultInvertsTheLastBitOfByte4OfAnIsochronousPacket) {
  Bench bench(2);
  bench.bus.set_fault_hook(header_crc);
  const std::vector<std::uint8_t> sent = iso_packet();
  const auto got = send_one(bench, sent, 1);
  ASSERT_EQ(got.size(), 1u);
  std::vector<std::uint8_t> expected = sent;
  expected[4] ^= 0x01;
  EXPECT_EQ(bytes_of(got[0]), expected);
  EXPECT_EQ(bench.bus.stats().header_crc_faults, 1u);
  EXPECT_EQ(bench.bus.stats().data_crc_faults, 0u);
  const sim::BusPacket& packet = bench.bus.packets().at(0);
  EXPECT_EQ(packet.bytes, sent) << "the record keeps what the talker sent";
  EXPECT_TRUE(packet.faults.corrupt_header_crc);
  EXPECT_FALSE(packet.faults.corrupt_data_crc);
  EXPECT_EQ(packet.header_crc_byte, 4u);
  EXPECT_EQ(packet.received_bytes(), expected);
  EXPECT_FALSE(sim::parse_iso_packet(bytes_of(got[0])).header_crc_ok);
}

TEST(BusFaults, HeaderCrcFaultInvertsTheLastBitOfByte16OfACycleStart) {
  Bench bench(2);
  bench.bus.set_fault_hook(header_crc);
  const std::vector<std::uint8_t> sent = sim::encode_cycle_start({.cycle_time = 0x0ABCDEF});
  const auto got = send_one(bench, sent, 0, LreqType::PriReq);
  ASSERT_EQ(got.size(), 1u);
  std::vector<std::uint8_t> expected = sent;
  expected[16] ^= 0x01;
  EXPECT_EQ(bytes_of(got[0]), expected);
  EXPECT_EQ(bench.bus.stats().header_crc_faults, 1u);
  EXPECT_FALSE(sim::parse_cycle_start(bytes_of(got[0])).header_crc_ok);
}

TEST(BusFaults, DataCrcFaultInvertsTheLastBitOfTheLastByte) {
  Bench bench(2);
  bench.bus.set_fault_hook(data_crc);
  const std::vector<std::uint8_t> sent = iso_packet();
  ASSERT_EQ(sent.size(), 20u);
  const auto got = send_one(bench, sent, 2);
  ASSERT_EQ(got.size(), 1u);
  std::vector<std::uint8_t> expected = sent;
  expected[19] ^= 0x01;
  EXPECT_EQ(bytes_of(got[0]), expected);
  EXPECT_EQ(bench.bus.stats().data_crc_faults, 1u);
  EXPECT_EQ(bench.bus.stats().header_crc_faults, 0u);
  EXPECT_TRUE(bench.bus.packets().at(0).faults.corrupt_data_crc);
  EXPECT_EQ(bench.bus.packets().at(0).data_crc_byte, 19u);
  const sim::IsoPacket parsed = sim::parse_iso_packet(bytes_of(got[0]));
  EXPECT_TRUE(parsed.header_crc_ok);
  EXPECT_FALSE(parsed.data_crc_ok);
}

TEST(BusFaults, DataCrcFaultLeavesACycleStartAlone) {
  Bench bench(2);
  bench.bus.set_fault_hook(data_crc);
  const std::vector<std::uint8_t> sent = sim::encode_cycle_start({});
  const auto got = send_one(bench, sent, 0, LreqType::PriReq);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(bytes_of(got[0]), sent);
  EXPECT_EQ(bench.bus.stats().data_crc_faults, 0u);
  EXPECT_FALSE(bench.bus.packets().at(0).faults.corrupt_data_crc);
}

TEST(BusFaults, DataCrcFaultLeavesAnIsochronousPacketWithoutDataAlone) {
  Bench bench(2);
  bench.bus.set_fault_hook(data_crc);
  const std::vector<std::uint8_t> sent = sim::encode_iso_packet({.channel = 1}, {});
  ASSERT_EQ(sent.size(), 8u);
  const auto got = send_one(bench, sent, 2);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(bytes_of(got[0]), sent);
  EXPECT_EQ(bench.bus.stats().data_crc_faults, 0u);
}

TEST(BusFaults, DropLeavesEveryReceiverIdle) {
  Bench bench(3);
  bench.bus.set_fault_hook([](const sim::RepeatInfo&) { return sim::BusFault{.drop = true}; });
  const auto got = send_one(bench, iso_packet(), 2);
  EXPECT_TRUE(got.empty());
  for (std::size_t node : {1u, 2u})
    for (std::uint64_t cycle = 0; cycle < bench[node].ctl.size(); ++cycle)
      EXPECT_EQ(bench[node].ctl[cycle], kIdle) << node << " " << cycle;
  EXPECT_EQ(bench.bus.stats().drops, 1u);
  EXPECT_EQ(bench.bus.stats().packets_repeated, 1u);
  EXPECT_EQ(bench.bus.stats().packets_received, (std::vector<std::uint64_t>{0, 0, 0}));
  const sim::BusPacket& packet = bench.bus.packets().at(0);
  EXPECT_TRUE(packet.faults.drop);
  EXPECT_EQ(packet.receivers, 0u);
  EXPECT_EQ(packet.bytes, iso_packet());
  EXPECT_TRUE(packet.received_bytes().empty());
  EXPECT_EQ(bench[0].phy.packets().size(), 1u) << "the talker's PHY still captured it";
}

TEST(BusFaults, CycleStartDelayMovesTheGrantOfAPriReqByN) {
  constexpr unsigned kDelay = 7;
  Bench bench(2);
  bench.bus.set_fault_hook(
      [](const sim::RepeatInfo&) { return sim::BusFault{.delay_cycle_start = kDelay}; });
  const std::uint64_t grant = kGrantCycle + kDelay;
  bench[0].link.bus_request(0, LreqType::PriReq, 0);
  bench[0].link.ctl(bench[0].link.transmit(grant + 2, 0, sim::encode_cycle_start({})), kIdle, 2);
  bench.run(grant + 120);
  EXPECT_EQ(bench[0].ctl[grant], kGrant);
  EXPECT_NE(bench[0].ctl[kGrantCycle], kGrant);
  EXPECT_EQ(bench.bus.stats().cycle_start_delays, 1u);
  ASSERT_EQ(bench.bus.packets().size(), 1u);
  EXPECT_EQ(bench.bus.packets()[0].grant_cycle, grant);
  EXPECT_EQ(bench.bus.packets()[0].faults.delay_cycle_start, kDelay);
  bench.expect_no_violations();
}

TEST(BusFaults, CycleStartDelayLeavesOtherRequestsAlone) {
  Bench bench(2);
  bench.bus.set_fault_hook(
      [](const sim::RepeatInfo&) { return sim::BusFault{.delay_cycle_start = 7}; });
  send_one(bench, iso_packet(), 2);
  EXPECT_EQ(bench[0].ctl[kGrantCycle], kGrant);
  EXPECT_EQ(bench.bus.stats().cycle_start_delays, 0u);
  EXPECT_EQ(bench.bus.packets().at(0).faults.delay_cycle_start, 0u);
}

TEST(BusFaults, CycleStartDelayRateOneDelaysEveryCycleStartByTheConfiguredCycles) {
  Bench bench(2, {.cycle_start_delay_rate = 1.0, .cycle_start_delay_cycles = 3});
  const std::uint64_t grant = kGrantCycle + 3;
  bench[0].link.bus_request(0, LreqType::PriReq, 0);
  bench[0].link.ctl(bench[0].link.transmit(grant + 2, 0, sim::encode_cycle_start({})), kIdle, 2);
  bench.run(grant + 120);
  EXPECT_EQ(bench[0].ctl[grant], kGrant);
  EXPECT_EQ(bench.bus.stats().cycle_start_delays, 1u);
  bench.expect_no_violations();
}

TEST(BusFaults, TheHookSeesSenderSpeedOrdinalAndWhetherItIsACycleStart) {
  Bench bench(2);
  std::vector<sim::RepeatInfo> seen;
  bench.bus.set_fault_hook([&](const sim::RepeatInfo& info) {
    seen.push_back(info);
    return sim::BusFault{};
  });
  // Node 0: cycle start (stop bit 7, Grant 12, 80 S100 chunks 14-93, Idle 94-95, free at 96).
  // Node 1: IsoReq S200 (stop bit 20), Grant 96 + 5 = 101, data from 103.
  bench[0].link.bus_request(0, LreqType::PriReq, 0);
  bench[0].link.ctl(bench[0].link.transmit(kFirst, 0, sim::encode_cycle_start({})), kIdle, 2);
  bench[1].link.bus_request(13, LreqType::IsoReq, 1);
  bench[1].link.ctl(bench[1].link.transmit(103, 1, iso_packet()), kIdle, 2);
  bench.run(200);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].sender, 0u);
  EXPECT_EQ(seen[0].request, LreqType::PriReq);
  EXPECT_EQ(seen[0].speed, 0u);
  EXPECT_EQ(seen[0].ordinal, 0u);
  EXPECT_TRUE(seen[0].cycle_start);
  EXPECT_EQ(seen[0].request_cycle, kStopBit);
  EXPECT_EQ(seen[1].sender, 1u);
  EXPECT_EQ(seen[1].speed, 1u);
  EXPECT_EQ(seen[1].ordinal, 1u);
  EXPECT_FALSE(seen[1].cycle_start);
  ASSERT_EQ(bench.bus.packets().size(), 2u);
  EXPECT_EQ(bench.bus.packets()[1].grant_cycle, 101u);
  bench.expect_no_violations();
}

// Node 0 sends `count` iso packets, one every 40 cycles; returns the faults applied to each.
std::vector<sim::BusFault> faults_of_a_run(const sim::BusConfig& config, unsigned count,
                                           sim::BusStats* stats = nullptr) {
  Bench bench(2, config);
  for (unsigned i = 0; i < count; ++i) {
    const std::uint64_t base = 40u * i;
    bench[0].link.bus_request(base, LreqType::IsoReq, 2);
    bench[0].link.ctl(bench[0].link.transmit(base + kFirst, 2, iso_packet()), kIdle, 2);
  }
  bench.run(40u * count + 20);
  bench.expect_no_violations();
  EXPECT_EQ(bench.bus.packets().size(), count);
  std::vector<sim::BusFault> faults;
  for (const sim::BusPacket& packet : bench.bus.packets()) faults.push_back(packet.faults);
  if (stats) *stats = bench.bus.stats();
  return faults;
}

TEST(BusFaults, SeededRatesAreReproducible) {
  const sim::BusConfig config{
      .seed = 42, .header_crc_rate = 0.5, .data_crc_rate = 0.5, .drop_rate = 0.25};
  sim::BusStats stats;
  const auto first = faults_of_a_run(config, 24, &stats);
  EXPECT_EQ(faults_of_a_run(config, 24), first);
  sim::BusConfig other = config;
  other.seed = 43;
  EXPECT_NE(faults_of_a_run(other, 24), first);

  // The counters count what the records say, and the draws are neither all nor none.
  std::uint64_t header = 0, data = 0, drops = 0;
  for (const sim::BusFault& fault : first) {
    header += fault.corrupt_header_crc;
    data += fault.corrupt_data_crc;
    drops += fault.drop;
    if (fault.drop) {
      EXPECT_FALSE(fault.corrupt_header_crc || fault.corrupt_data_crc);
    }
  }
  EXPECT_EQ(stats.header_crc_faults, header);
  EXPECT_EQ(stats.data_crc_faults, data);
  EXPECT_EQ(stats.drops, drops);
  EXPECT_EQ(stats.packets_received[1], 24u - drops);
  EXPECT_GT(header, 0u);
  EXPECT_LT(header, 24u);
  EXPECT_GT(drops, 0u);
}

TEST(BusFaults, RateOneFaultsEveryPacketAndRateZeroNone) {
  sim::BusStats stats;
  faults_of_a_run({.header_crc_rate = 1.0, .data_crc_rate = 1.0}, 5, &stats);
  EXPECT_EQ(stats.header_crc_faults, 5u);
  EXPECT_EQ(stats.data_crc_faults, 5u);
  EXPECT_EQ(stats.drops, 0u);
  faults_of_a_run({}, 5, &stats);
  EXPECT_EQ(stats.header_crc_faults + stats.data_crc_faults + stats.drops, 0u);
  EXPECT_EQ(stats.packets_received[1], 5u);
}

}  // namespace
}  // namespace ohci::tb

namespace ohci::tb {
namespace {

// request_bus_reset on a free bus: the reset status reaches every link from the next cycle
// (bus.drive of cycle c takes what sample of c - 1 queued), then after bus_reset_cycles the
// self-ID phase (with self_id_packets off here: BusSelfId below), then register 0 reaches each
// link in turn.
TEST(BusReset, EveryLinkSeesTheResetStatusThenItsPhysRegisterZero) {
  sim::BusConfig config;
  config.bus_reset_cycles = 5;
  config.self_id_packets = false;
  Bench bench(2, config);
  bench.bus.request_bus_reset();
  bench.run(1 + 3 + 5 + 2 * 9 + 2);
  EXPECT_EQ(bench.bus.stats().bus_resets, 1u);
  for (std::size_t node = 0; node < 2; ++node) {
    Station& station = bench[node];
    // Cycle 0 is sampled before the reset is queued; cycles 1-2 carry S0 S1 = 00, S2 S3 = 10.
    EXPECT_EQ(station.ctl[1], 0b01) << "node " << node;
    EXPECT_EQ(station.d[1], 0x00);
    EXPECT_EQ(station.ctl[2], 0b01);
    EXPECT_EQ(station.d[2], 0x80) << "S2: bus reset on D0";
    EXPECT_EQ(station.ctl[3], 0b00);
    // Register 0 of node k: 8 status cycles starting at 4 + 5 + 9k.
    const std::size_t first = 4 + 5 + 9 * node;
    const std::uint32_t reg0 = bench.bus.physical_id(node) << 2 | (node == 0 ? 2u : 0u) | 1u;
    std::uint32_t bits = 0;
    for (std::size_t k = 0; k < 8; ++k) {
      EXPECT_EQ(station.ctl[first + k], 0b01) << "node " << node << " status cycle " << k;
      bits = bits << 2 | (station.d[first + k] >> 6);
    }
    EXPECT_EQ(bits, reg0) << "S0-S3 clear, address 0, then register 0 MSB first";
    EXPECT_EQ(station.ctl[first + 8], 0b00);
  }
  EXPECT_EQ(bench.bus.physical_id(0), 1u) << "node 0 is the root: the highest Physical_ID";
  EXPECT_EQ(bench.bus.physical_id(1), 0u);
  bench.expect_no_violations();
}

}  // namespace
}  // namespace ohci::tb
