// PhyModel's 1394a register file reached through LREQ RdReg/WrReg from a scripted link, with the
// status transfer's cycles derived from the documented timing (phy_model.hpp): a RdReg whose
// stop bit is sampled at r is answered in r + 1 .. r + 8, S0-S3 clear, S4-S7 the address, S8-S15
// the value, two bits per cycle on D0-D1, then one cycle of Idle.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "bus.hpp"
#include "fake_core.hpp"
#include "phy_model.hpp"
#include "scripted_link.hpp"

namespace ohci::tb {
namespace {

using Phy = sim::PhyModel<FakeCore>;

// LREQ RdReg {1, 100, address, 0} from `cycle`: 9 bits, stop bit at cycle + 8.
std::uint64_t read_request(ScriptedLink& link, std::uint64_t cycle, unsigned address) {
  return link.lreq_bits(cycle, 1u << 8 | 4u << 5 | address << 1, 9);
}
// LREQ WrReg {1, 101, address, data, 0}: 17 bits, stop bit at cycle + 16.
std::uint64_t write_request(ScriptedLink& link, std::uint64_t cycle, unsigned address,
                            unsigned data) {
  return link.lreq_bits(cycle, 1u << 16 | 5u << 13 | address << 9 | data << 1, 17);
}

// The 16 status bits S0..S15 the link saw from cycle `first` (8 cycles of CTL = 01).
std::uint32_t status_bits(const Seen& seen, std::uint64_t first) {
  std::uint32_t bits = 0;
  for (std::uint64_t k = 0; k < 8; ++k) {
    EXPECT_EQ(seen.ctl[first + k], 0b01) << "status cycle " << k;
    bits = bits << 2 | (seen.d[first + k] >> 6);
  }
  return bits;
}

TEST(PhyRegisters, ARegisterReadIsAnsweredByAnEightCycleStatusAfterTheStopBit) {
  sim::PhyConfig config;
  config.gap_count = 0x2A;
  Phy phy(config);
  ScriptedLink link;
  read_request(link, 0, 1);  // stop bit at r = 8
  const Seen seen = run_with_link(phy, link, 20);
  constexpr std::uint64_t r = 8;
  for (std::uint64_t cycle = 0; cycle <= r; ++cycle) EXPECT_EQ(seen.ctl[cycle], 0b00) << cycle;
  EXPECT_EQ(status_bits(seen, r + 1), 1u << 8 | 0x2Au) << "address 1, Gap_count 0x2A";
  EXPECT_EQ(seen.ctl[r + 9], 0b00) << "Idle after the transfer";
  EXPECT_EQ(phy.register_reads(), 1u);
  ASSERT_EQ(phy.link_requests().size(), 1u);
  EXPECT_EQ(phy.link_requests()[0].type, sim::LreqType::RdReg);
  EXPECT_EQ(phy.link_requests()[0].cycle, r);
  EXPECT_TRUE(phy.violations().empty());
}

TEST(PhyRegisters, Register2Reports1394aExtendedRegistersAndThreePorts) {
  Phy phy;
  EXPECT_EQ(phy.registers().read(2), 0xE3u) << "Extended = 7, Num_ports = 3";
  EXPECT_EQ(phy.registers().read(3), 0x40u) << "Max_speed S400 (010b)";
}

TEST(PhyRegisters, AWriteChangesTheRegisterAndTheNextReadReturnsIt) {
  Phy phy;
  ScriptedLink link;
  const std::uint64_t after_write = write_request(link, 0, 4, 0xC0);  // stop bit at 16
  read_request(link, after_write, 4);                                 // stop bit at 25
  const Seen seen = run_with_link(phy, link, 40);
  EXPECT_EQ(status_bits(seen, 26), 4u << 8 | 0xC0u) << "L and C as written";
  EXPECT_TRUE(phy.registers().link_active());
  EXPECT_TRUE(phy.registers().contender());
}

TEST(PhyRegisters, PagedRegistersShowTheVendorPageAndPortStatus) {
  sim::PhyConfig config;
  config.vendor_id = 0x00A0B1;
  config.product_id = 0x123456;
  Phy phy(config);
  sim::PhyRegisters& regs = phy.registers();
  regs.write(7, 1u << 5);  // page 1
  EXPECT_EQ(regs.read(8), 0x01u) << "compliance level: 1394a";
  EXPECT_EQ(regs.read(10), 0x00u);
  EXPECT_EQ(regs.read(11), 0xA0u);
  EXPECT_EQ(regs.read(12), 0xB1u);
  EXPECT_EQ(regs.read(13), 0x12u);
  EXPECT_EQ(regs.read(15), 0x56u);
  regs.set_ports(
      {sim::PortStatus::Child, sim::PortStatus::NotConnected, sim::PortStatus::NotConnected});
  regs.write(7, 0x00);  // page 0, port 0
  EXPECT_EQ(regs.read(8), 0x0Cu) << "Child and Connected";
  regs.write(7, 0x01);  // port 1
  EXPECT_EQ(regs.read(8), 0x00u);
}

TEST(PhyRegisters, Reg1IbrAndReg5IsbrAskForLongAndShortResetsAndClearThemselves) {
  Phy phy;
  EXPECT_EQ(phy.registers().write(1, 0x40 | 0x3F), sim::PhyRegisters::ResetRequest::Long);
  EXPECT_EQ(phy.registers().read(1), 0x3Fu) << "IBR self-clears, the gap count stays";
  EXPECT_EQ(phy.registers().write(5, 0x40 | 0x03), sim::PhyRegisters::ResetRequest::Short);
  EXPECT_EQ(phy.registers().read(5), 0x03u) << "ISBR self-clears; Enab_accel, Enab_multi stay";
  EXPECT_EQ(phy.registers().write(0, 0xFF), sim::PhyRegisters::ResetRequest::None);
  EXPECT_EQ(phy.registers().read(0), 0x00u) << "register 0 is read-only";
}

// The self-ID phase on a two-node bus: after the reset status and bus_reset_cycles, node 1
// (Physical_ID 0, a leaf with its port 0 to the root) and then node 0 (the root, Physical_ID 1,
// port 0 to its child) send one self-ID packet each to both links: data-on, the S100 speed
// code, the quadlet and its inverse at 2 bits per cycle, two Idles (sim/bus.hpp).
TEST(BusSelfId, EveryLinkReceivesEveryNodesSelfIdInPhysicalIdOrderThenItsRegisterZero) {
  sim::BusConfig config;
  config.bus_reset_cycles = 5;
  sim::Bus<FakeCore> bus(config);
  Phy phy0, phy1;
  FakeCore core0, core1;
  bus.attach(phy0, core0);
  bus.attach(phy1, core1);
  bus.request_bus_reset(sim::Bus<FakeCore>::ResetKind::Short, 1);
  Seen seen[2];
  for (std::uint64_t cycle = 0; cycle < 110; ++cycle) {
    bus.drive(cycle);
    bus.sample(cycle);
    seen[0].ctl.push_back(core0.phy_ctl_i);
    seen[0].d.push_back(core0.phy_d_i);
    seen[1].ctl.push_back(core1.phy_ctl_i);
    seen[1].d.push_back(core1.phy_d_i);
  }
  // Self-ID quadlets: 10b, phy_ID, L = 1, gap 63, sp = S400, C = 0, pwr 0, ports, i, m = 0.
  const std::uint32_t leaf = 0x8000'0000u | 0u << 24 | 1u << 22 | 63u << 16 | 2u << 14 | 2u << 6 |
                             1u << 4 | 1u << 2 | 1u << 1;  // parent, initiated reset
  const std::uint32_t root = 0x8000'0000u | 1u << 24 | 1u << 22 | 63u << 16 | 2u << 14 | 3u << 6 |
                             1u << 4 | 1u << 2;  // child
  // Reset queued in sample(0): status at 1-2, Idle 3, 5 Idle cycles 4-8, the first packet's
  // data-on at 9, speed code at 10, data 11-42, Idle 43-44; the second from 45 (data 47-78).
  for (int node = 0; node < 2; ++node) {
    for (const auto& [data_on, quadlet] :
         {std::pair<std::uint64_t, std::uint32_t>{9, leaf}, {45, root}}) {
      EXPECT_EQ(seen[node].ctl[data_on], 0b10);
      EXPECT_EQ(seen[node].d[data_on], 0xFFu) << "data-on";
      EXPECT_EQ(seen[node].d[data_on + 1], 0x00u) << "S100 speed code";
      std::uint64_t bits = 0;
      for (std::uint64_t k = 0; k < 32; ++k) {
        EXPECT_EQ(seen[node].ctl[data_on + 2 + k], 0b10);
        bits = bits << 2 | (seen[node].d[data_on + 2 + k] >> 6);
      }
      EXPECT_EQ(bits, std::uint64_t{quadlet} << 32 | std::uint32_t{~quadlet}) << "node " << node;
      EXPECT_EQ(seen[node].ctl[data_on + 34], 0b00);
      EXPECT_EQ(seen[node].ctl[data_on + 35], 0b00);
    }
  }
  // Register 0: node 0 (root, Physical_ID 1) at 81-88, node 1 at 90-97.
  EXPECT_EQ(status_bits(seen[0], 81), 1u << 2 | 0x2u | 0x1u);
  EXPECT_EQ(status_bits(seen[1], 90), 0u << 2 | 0x1u);
  EXPECT_EQ(bus.stats().self_id_packets, 2u);
  EXPECT_EQ(bus.self_id_phase_cycles(), 2u * (1 + 35));
}

TEST(BusSelfId, ALinksRegisterWriteOfIsbrResetsTheBusWithThatNodeAsInitiator) {
  sim::BusConfig config;
  config.bus_reset_cycles = 5;
  sim::Bus<FakeCore> bus(config);
  Phy phy0, phy1;
  FakeCore core0, core1;
  ScriptedLink link0, link1;
  bus.attach(phy0, core0);
  bus.attach(phy1, core1);
  write_request(link0, 0, 5, 0x40);  // node 0's link: ISBR, stop bit at 16
  for (std::uint64_t cycle = 0; cycle < 120; ++cycle) {
    link0.put_on(core0, cycle);
    link1.put_on(core1, cycle);
    bus.drive(cycle);
    bus.sample(cycle);
  }
  EXPECT_EQ(phy0.bus_resets_requested(), 1u);
  EXPECT_EQ(bus.stats().bus_resets, 1u);
  EXPECT_EQ(bus.stats().self_id_packets, 2u);
  EXPECT_EQ(phy0.registers().read(0), 1u << 2 | 0x3u) << "root, Physical_ID 1, PS";
}

}  // namespace
}  // namespace ohci::tb
