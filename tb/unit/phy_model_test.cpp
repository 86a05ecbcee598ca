// PhyModel against a scripted link: hand-built LREQ, grant response and transmit sequences, with
// the expected cycle numbers derived from the documented timing (request complete at the stop
// bit r, Grant at r + 1 + arbitration_delay, PHY Idle at the next cycle, link from the one after).
#include "phy_model.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fake_core.hpp"
#include "scripted_link.hpp"

namespace ohci::tb {
namespace {

using sim::LreqType;
using Phy = sim::PhyModel<FakeCore>;

const std::vector<std::uint8_t> kBytes{0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};

// The request's stop bit is at cycle 7, so with the default delay of 4: Grant at 7 + 1 + 4 = 12,
// PHY Idle at 13, the link's from 14.
constexpr std::uint64_t kStopBit = 7, kGrantCycle = kStopBit + 1 + 4, kLinkFirst = kGrantCycle + 2;

TEST(PhyModel, GrantsArbitrationDelayPlusOneCyclesAfterTheStopBitThenIdlesAndReleases) {
  Phy phy;
  ScriptedLink link;
  link.bus_request(0, LreqType::IsoReq, 2);
  std::uint64_t next = link.transmit(kLinkFirst, 2, {0xAB});
  link.ctl(next, kIdle, 2);
  const Seen seen = run_with_link(phy, link, 30);
  for (std::uint64_t cycle = 0; cycle < kLinkFirst; ++cycle)
    EXPECT_EQ(seen.ctl[cycle], cycle == kGrantCycle ? kGrant : kIdle) << cycle;
  EXPECT_EQ(seen.ctl[kLinkFirst], kTransmit) << "the link's own value on the resolved bus";
  EXPECT_EQ(seen.d[kLinkFirst], 0xAB);
  EXPECT_EQ(seen.ctl[kLinkFirst + 3], kIdle) << "released: pulled low";
  ASSERT_EQ(phy.packets().size(), 1u);
  EXPECT_EQ(phy.packets()[0].request_cycle, kStopBit);
  EXPECT_EQ(phy.packets()[0].grant_cycle, kGrantCycle);
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
}

TEST(PhyModel, ArbitrationDelayZeroGrantsInTheCycleAfterTheStopBit) {
  Phy phy({.arbitration_delay = 0});
  ScriptedLink link;
  link.bus_request(0, LreqType::FairReq, 0);
  const Seen seen = run_with_link(phy, link, 12);
  EXPECT_EQ(seen.ctl[kStopBit + 1], kGrant);
  EXPECT_EQ(phy.unused_grants(), 1u) << "the link never took it";
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
}

class PhyModelAtSpeed : public ::testing::TestWithParam<unsigned> {};

TEST_P(PhyModelAtSpeed, CapturesTheBytesMsbFirstAtTheRequestedSpeed) {
  const unsigned speed = GetParam();
  const unsigned cycles_per_byte = speed == 0 ? 4 : speed == 1 ? 2 : 1;
  Phy phy;
  std::vector<sim::WirePacket> delivered;
  phy.set_on_packet([&](const sim::WirePacket& packet) { delivered.push_back(packet); });
  ScriptedLink link;
  link.bus_request(0, LreqType::IsoReq, speed);
  const std::uint64_t end = link.transmit(kLinkFirst, speed, kBytes);
  link.ctl(end, kIdle, 2);
  run_with_link(phy, link, end + 10);
  ASSERT_EQ(phy.packets().size(), 1u);
  const sim::WirePacket& packet = phy.packets()[0];
  EXPECT_EQ(packet.request, LreqType::IsoReq);
  EXPECT_EQ(packet.speed, speed);
  EXPECT_EQ(packet.bytes, kBytes);
  EXPECT_TRUE(packet.whole_bytes);
  EXPECT_EQ(packet.grant_cycle, kGrantCycle);
  EXPECT_EQ(packet.first_data_cycle, kLinkFirst);
  EXPECT_EQ(packet.last_data_cycle, kLinkFirst + kBytes.size() * cycles_per_byte - 1);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].bytes, kBytes);
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
  EXPECT_TRUE(phy.idle());
}

std::string speed_name(const ::testing::TestParamInfo<unsigned>& speed) {
  return "S" + std::to_string(100u << speed.param);
}

INSTANTIATE_TEST_SUITE_P(Speeds, PhyModelAtSpeed, ::testing::Values(0u, 1u, 2u), speed_name);

TEST(PhyModel, OneIdleAndHoldBeforeTransmitAreAllowed) {
  Phy phy;
  ScriptedLink link;
  link.bus_request(0, LreqType::IsoReq, 2);
  std::uint64_t next = link.ctl(kLinkFirst, kIdle);
  next = link.ctl(next, kHold, 47);
  next = link.transmit(next, 2, {1, 2, 3, 4});
  link.ctl(next, kIdle, 2);
  run_with_link(phy, link, next + 10);
  ASSERT_EQ(phy.packets().size(), 1u);
  EXPECT_EQ(phy.packets()[0].first_data_cycle, kLinkFirst + 1 + 47);
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
}

TEST(PhyModel, HoldAfterDataEndsAPacketAndAConcatenatedOneFollows) {
  Phy phy;
  ScriptedLink link;
  link.bus_request(0, LreqType::PriReq, 2);
  std::uint64_t next = link.transmit(kLinkFirst, 2, {0xA1, 0xA2});
  next = link.ctl(next, kHold, 2);
  const std::uint64_t second = next;
  next = link.transmit(next, 2, {0xB1});
  link.ctl(next, kIdle, 2);
  run_with_link(phy, link, next + 10);
  ASSERT_EQ(phy.packets().size(), 2u);
  EXPECT_EQ(phy.packets()[0].bytes, (std::vector<std::uint8_t>{0xA1, 0xA2}));
  EXPECT_EQ(phy.packets()[1].bytes, (std::vector<std::uint8_t>{0xB1}));
  EXPECT_EQ(phy.packets()[1].grant_cycle, kGrantCycle);
  EXPECT_EQ(phy.packets()[1].first_data_cycle, second);
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
}

TEST(PhyModel, RequestsAreServedInOrderAndNotWhileTheLinkOwnsTheBus) {
  Phy phy;
  ScriptedLink link;
  link.bus_request(0, LreqType::PriReq, 0);  // stop bit at 7
  link.bus_request(8, LreqType::IsoReq, 2);  // stop bit at 15, while the link transmits
  // First packet: S100, one byte = 4 cycles at 14-17, Idle 18-19, released (bus free) at 20.
  std::uint64_t next = link.transmit(kLinkFirst, 0, {0x5A});
  next = link.ctl(next, kIdle, 2);
  const std::uint64_t free_cycle = next;
  const std::uint64_t second_grant = free_cycle + 1 + 4;
  next = link.transmit(second_grant + 2, 2, {0xC3});
  link.ctl(next, kIdle, 2);
  const Seen seen = run_with_link(phy, link, next + 10);
  ASSERT_EQ(phy.packets().size(), 2u);
  EXPECT_EQ(phy.packets()[0].request, LreqType::PriReq);
  EXPECT_EQ(phy.packets()[0].grant_cycle, kGrantCycle);
  EXPECT_EQ(phy.packets()[1].request, LreqType::IsoReq);
  EXPECT_EQ(phy.packets()[1].request_cycle, 15u);
  EXPECT_EQ(phy.packets()[1].grant_cycle, second_grant);
  EXPECT_EQ(phy.packets()[1].bytes, std::vector<std::uint8_t>{0xC3});
  for (std::uint64_t cycle = kGrantCycle + 1; cycle < second_grant; ++cycle)
    EXPECT_NE(seen.ctl[cycle], kGrant) << cycle;
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
}

TEST(PhyModel, RegisterRequestsAreRecordedAndGetNoGrant) {
  Phy phy;
  ScriptedLink link;
  // WrReg: 1, 101, address 0101, data 1010'0111, 0 (17 bits); RdReg: 1, 100, address 0011, 0.
  std::uint64_t next = link.lreq_bits(0, 0b1'101'0101'1010'0111'0, 17);
  next = link.lreq_bits(next, 0b1'100'0011'0, 9);
  next = link.lreq_bits(next, 0b1'110'1'0, 6);  // AccelCtl, enable
  const Seen seen = run_with_link(phy, link, next + 10);
  ASSERT_EQ(phy.link_requests().size(), 3u);
  EXPECT_EQ(phy.link_requests()[0].type, LreqType::WrReg);
  EXPECT_EQ(phy.link_requests()[0].cycle, 16u);
  EXPECT_EQ(phy.link_requests()[0].address, 5);
  EXPECT_EQ(phy.link_requests()[0].data, 0xA7);
  EXPECT_EQ(phy.link_requests()[1].type, LreqType::RdReg);
  EXPECT_EQ(phy.link_requests()[1].address, 3);
  EXPECT_EQ(phy.link_requests()[2].type, LreqType::AccelCtl);
  EXPECT_EQ(phy.link_requests()[2].data, 1);
  for (std::uint8_t ctl : seen.ctl) EXPECT_NE(ctl, kGrant);
  EXPECT_TRUE(phy.packets().empty());
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
}

TEST(PhyModel, AGrantTheLinkDoesNotTakeIsGivenBackAndTheNextRequestIsServed) {
  Phy phy;
  ScriptedLink link;
  link.bus_request(0, LreqType::IsoReq, 2);
  // Nothing driven at 14: the bus is free at 14. A second request (stop bit 15) then arbitrates
  // from 15: Grant at 20.
  link.bus_request(8, LreqType::IsoReq, 1);
  const std::uint64_t next = link.transmit(20 + 2, 1, {0x99});
  link.ctl(next, kIdle, 2);
  run_with_link(phy, link, next + 10);
  EXPECT_EQ(phy.unused_grants(), 1u);
  ASSERT_EQ(phy.packets().size(), 1u);
  EXPECT_EQ(phy.packets()[0].grant_cycle, 20u);
  EXPECT_EQ(phy.packets()[0].speed, 1u);
  EXPECT_TRUE(phy.violations().empty()) << phy.violations().front();
}

// Runs an IsoReq at `speed` with `script` adding the link's use of the grant from kLinkFirst,
// and returns the PHY's findings.
std::vector<std::string> violations_of(unsigned speed,
                                       const std::function<void(ScriptedLink&)>& script,
                                       std::vector<sim::WirePacket>* packets = nullptr) {
  Phy phy;
  ScriptedLink link;
  link.bus_request(0, LreqType::IsoReq, speed);
  script(link);
  run_with_link(phy, link, 200);
  if (packets) *packets = phy.packets();
  return phy.violations();
}

void expect_one(const std::vector<std::string>& violations, std::uint64_t cycle,
                const std::string& text) {
  ASSERT_EQ(violations.size(), 1u) << (violations.empty() ? "none" : violations.back());
  EXPECT_EQ(violations[0].rfind("cycle " + std::to_string(cycle) + ": ", 0), 0u) << violations[0];
  EXPECT_NE(violations[0].find(text), std::string::npos) << violations[0];
}

TEST(PhyModelChecks, LinkDrivingWithoutAGrant) {
  expect_one(violations_of(2, [](ScriptedLink& link) { link.ctl(3, kIdle, 2); }), 3,
             "without a grant");
}

TEST(PhyModelChecks, LinkDrivingWhileThePhyDrivesGrant) {
  expect_one(violations_of(2, [](ScriptedLink& link) { link.ctl(kGrantCycle, kIdle); }),
             kGrantCycle, "both drive");
}

TEST(PhyModelChecks, HoldLongerThanFortySevenCycles) {
  expect_one(violations_of(2,
                           [](ScriptedLink& link) {
                             const std::uint64_t next = link.ctl(kLinkFirst, kHold, 48);
                             link.ctl(link.transmit(next, 2, {1}), kIdle, 2);
                           }),
             kLinkFirst + 47, "longer than 47");
}

TEST(PhyModelChecks, LinkNotReleasingAfterTwoIdles) {
  expect_one(
      violations_of(
          2, [](ScriptedLink& link) { link.ctl(link.transmit(kLinkFirst, 2, {1}), kIdle, 3); }),
      kLinkFirst + 1 + 2, "instead of releasing");
}

TEST(PhyModelChecks, LinkReleasingAfterOneIdle) {
  expect_one(
      violations_of(
          2, [](ScriptedLink& link) { link.ctl(link.transmit(kLinkFirst, 2, {1}), kIdle, 1); }),
      kLinkFirst + 1 + 1, "after 1 Idle");
}

TEST(PhyModelChecks, DataOnLinesUnusedAtS100) {
  std::vector<sim::WirePacket> packets;
  expect_one(violations_of(
                 0,
                 [](ScriptedLink& link) {
                   const std::uint64_t next = link.transmit(kLinkFirst, 0, {0xFF});
                   link.d(kLinkFirst + 1, 0b1110'0000);  // D2 is not a S100 line
                   link.ctl(next, kIdle, 2);
                 },
                 &packets),
             kLinkFirst + 1, "unused at S100");
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].bytes, std::vector<std::uint8_t>{0xFF}) << "D0-D1 still read";
}

TEST(PhyModelChecks, DataOnLinesUnusedAtS200) {
  expect_one(violations_of(1,
                           [](ScriptedLink& link) {
                             const std::uint64_t next = link.transmit(kLinkFirst, 1, {0x00});
                             link.d(kLinkFirst, 0b0000'0001);  // D7
                             link.ctl(next, kIdle, 2);
                           }),
             kLinkFirst, "unused at S200");
}

TEST(PhyModelChecks, PacketThatIsNotAWholeNumberOfBytes) {
  std::vector<sim::WirePacket> packets;
  expect_one(violations_of(
                 0,
                 [](ScriptedLink& link) {
                   // One byte and one more S100 chunk: 10 bits.
                   std::uint64_t next = link.transmit(kLinkFirst, 0, {0xC3});
                   link.ctl(next, kTransmit);
                   link.ctl(next + 1, kIdle, 2);
                 },
                 &packets),
             kLinkFirst + 5, "10 bits");
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_FALSE(packets[0].whole_bytes);
  EXPECT_EQ(packets[0].bytes, std::vector<std::uint8_t>{0xC3});
}

TEST(PhyModelChecks, ReservedCtlCodeFromTheLink) {
  expect_one(violations_of(2,
                           [](ScriptedLink& link) {
                             link.ctl(kLinkFirst, kGrant);
                             link.ctl(kLinkFirst + 1, kIdle, 2);
                           }),
             kLinkFirst, "reserved CTL code");
}

TEST(PhyModelChecks, LreqWithASpeedCodeThatIsNotS100S200OrS400) {
  Phy phy;
  ScriptedLink link;
  link.lreq_bits(0, 0b1'001'011'0, 8);
  run_with_link(phy, link, 20);
  expect_one(phy.violations(), kStopBit, "speed code 3");
}

TEST(PhyModelChecks, LinkOutputsThatChangeWithinACycle) {
  // A link whose CTL follows the PHY's combinationally, which drive() cannot resolve.
  Phy phy;
  FakeCore core;
  const FakeRtl rtl{.eval =
                        [&](std::uint64_t cycle) {
                          core.phy_ctl_oe = cycle == 2;
                          core.phy_ctl_o = kHold;
                        },
                    .rising_edge = {}};
  for (std::uint64_t cycle = 0; cycle < 4; ++cycle) run_cycle(core, cycle, rtl, phy);
  ASSERT_EQ(phy.violations().size(), 2u);
  EXPECT_EQ(phy.violations()[0],
            "cycle 2: link CTL/D outputs changed between drive() and "
            "sample() (combinational path?)");
  EXPECT_EQ(phy.violations()[1], "cycle 2: link drives CTL/D without a grant");
}

}  // namespace
}  // namespace ohci::tb
