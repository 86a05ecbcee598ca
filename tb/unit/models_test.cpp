// The sim models alone, against a plain struct with ohci_core's port names (no Verilator): each
// test plays the RTL's side by hand and checks the model's side against its documented timing.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>

#include "axi_memory.hpp"
#include "axil_master.hpp"
#include "host_memory.hpp"
#include "phy_model.hpp"

namespace ohci::tb {
namespace {

// The ports of ohci_core, as Verilator's class holds them.
struct FakeCore {
  std::uint8_t clk = 0, rst = 0;
  std::uint16_t s_axil_awaddr = 0;
  std::uint8_t s_axil_awvalid = 0, s_axil_awready = 0;
  std::uint32_t s_axil_wdata = 0;
  std::uint8_t s_axil_wstrb = 0, s_axil_wvalid = 0, s_axil_wready = 0;
  std::uint8_t s_axil_bresp = 0, s_axil_bvalid = 0, s_axil_bready = 0;
  std::uint16_t s_axil_araddr = 0;
  std::uint8_t s_axil_arvalid = 0, s_axil_arready = 0;
  std::uint32_t s_axil_rdata = 0;
  std::uint8_t s_axil_rresp = 0, s_axil_rvalid = 0, s_axil_rready = 0;
  std::uint32_t m_axi_araddr = 0;
  std::uint8_t m_axi_arlen = 0, m_axi_arsize = 2, m_axi_arburst = 1, m_axi_arvalid = 0,
               m_axi_arready = 0;
  std::uint32_t m_axi_rdata = 0;
  std::uint8_t m_axi_rresp = 0, m_axi_rlast = 0, m_axi_rvalid = 0, m_axi_rready = 0;
  std::uint32_t m_axi_awaddr = 0;
  std::uint8_t m_axi_awlen = 0, m_axi_awsize = 2, m_axi_awburst = 1, m_axi_awvalid = 0,
               m_axi_awready = 0;
  std::uint32_t m_axi_wdata = 0;
  std::uint8_t m_axi_wstrb = 0, m_axi_wlast = 0, m_axi_wvalid = 0, m_axi_wready = 0;
  std::uint8_t m_axi_bresp = 0, m_axi_bvalid = 0, m_axi_bready = 0;
  std::uint8_t irq = 0;
  std::uint8_t phy_ctl_i = 0, phy_ctl_o = 0, phy_ctl_oe = 0;
  std::uint8_t phy_d_i = 0, phy_d_o = 0, phy_d_oe = 0;
  std::uint8_t phy_lreq = 0, phy_lps = 0, phy_linkon = 0;
};

// Runs the clocking discipline: model.drive, then `rtl(edge)` sets the fake RTL's outputs for
// this edge, then model.sample.
template <class Model>
void step(Model& model, FakeCore& core, std::uint64_t edge,
          const std::function<void(std::uint64_t)>& rtl) {
  model.drive(core);
  rtl(edge);
  model.sample(core, edge);
}

TEST(AxiMemorySlave, ReadBurstBeatsStartOneEdgeAfterTheAddressPlusLatency) {
  sim::HostMemory memory(0, 0x10000);
  for (std::uint32_t i = 0; i < 4; ++i) memory.write32(0x100 + 4 * i, 0xA0 + i);
  sim::AxiMemorySlave<FakeCore> slave(memory, {.read_latency_min = 3, .read_latency_max = 3});
  FakeCore core;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> beats;
  for (std::uint64_t edge = 0; edge < 20; ++edge) {
    step(slave, core, edge, [&](std::uint64_t e) {
      core.m_axi_arvalid = e == 2;
      core.m_axi_araddr = 0x100;
      core.m_axi_arlen = 3;
      core.m_axi_rready = 1;
    });
    if (core.m_axi_rvalid) beats.emplace_back(edge, core.m_axi_rdata);
  }
  ASSERT_EQ(beats.size(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(beats[i].first, 2 + 1 + 3 + i);  // AR at 2, latency 3
    EXPECT_EQ(beats[i].second, 0xA0 + i);
  }
  EXPECT_TRUE(slave.violations().empty());
}

TEST(AxiMemorySlave, ErrorRangeAnswersSlverrAndOutsideMemoryAnswersDecerr) {
  sim::HostMemory memory(0, 0x1000);
  sim::AxiMemorySlave<FakeCore> slave(memory, {});
  slave.add_error_range({0x200, 0x20F, true, true, sim::AxiResp::SlvErr});
  FakeCore core;
  std::vector<std::uint8_t> resps;
  const std::uint32_t addresses[] = {0x1F8, 0x2000};
  for (std::uint64_t edge = 0; edge < 20; ++edge) {
    step(slave, core, edge, [&](std::uint64_t e) {
      core.m_axi_arvalid = e == 0 || e == 8;
      core.m_axi_araddr = addresses[e < 8 ? 0 : 1];
      core.m_axi_arlen = e < 8 ? 3 : 0;
      core.m_axi_rready = 1;
    });
    if (core.m_axi_rvalid) resps.push_back(core.m_axi_rresp);
  }
  // 0x1F8, 0x1FC fine; 0x200, 0x204 in the range; then a read past the end of memory.
  EXPECT_EQ(resps, (std::vector<std::uint8_t>{0, 0, 2, 2, 3}));
}

TEST(AxiMemorySlave, FlagsBurstsCrossing4KiBAndValidDroppedBeforeReady) {
  sim::HostMemory memory(0, 0x4000);
  sim::AxiMemorySlave<FakeCore> slave(memory, {.ready_probability = 0.0});
  FakeCore core;
  for (std::uint64_t edge = 0; edge < 4; ++edge) {
    step(slave, core, edge, [&](std::uint64_t e) {
      core.m_axi_arvalid = e < 2;  // dropped at edge 2 without ever seeing ARREADY
      core.m_axi_araddr = 0xFF8;
      core.m_axi_arlen = 3;
    });
  }
  ASSERT_EQ(slave.violations().size(), 1u);
  EXPECT_NE(slave.violations()[0].find("ARVALID dropped"), std::string::npos);

  sim::AxiMemorySlave<FakeCore> fast(memory, {});
  FakeCore core2;
  fast.drive(core2);
  core2.m_axi_arvalid = 1;
  core2.m_axi_araddr = 0xFF8;  // 4 beats from 0xFF8 cross 0x1000
  core2.m_axi_arlen = 3;
  fast.sample(core2, 0);
  ASSERT_EQ(fast.violations().size(), 1u);
  EXPECT_NE(fast.violations()[0].find("4 KiB"), std::string::npos);
}

TEST(AxiMemorySlave, WriteUpdatesMemoryByStrobeAndRespondsNextEdge) {
  sim::HostMemory memory(0, 0x1000);
  memory.write32(0x40, 0x11223344);
  sim::AxiMemorySlave<FakeCore> slave(memory, {});
  FakeCore core;
  std::uint64_t bvalid_edge = 0;
  for (std::uint64_t edge = 0; edge < 6; ++edge) {
    step(slave, core, edge, [&](std::uint64_t e) {
      core.m_axi_awvalid = e == 1;
      core.m_axi_awaddr = 0x40;
      core.m_axi_awlen = 0;
      core.m_axi_wvalid = e == 1;
      core.m_axi_wdata = 0xAABBCCDD;
      core.m_axi_wstrb = 0b0101;
      core.m_axi_wlast = 1;
      core.m_axi_bready = 1;
    });
    if (core.m_axi_bvalid && !bvalid_edge) bvalid_edge = edge;
  }
  EXPECT_EQ(memory.read32(0x40), 0x11BB33DDu);
  EXPECT_EQ(bvalid_edge, 2u);
  EXPECT_TRUE(slave.violations().empty());
}

TEST(AxilMaster, GivesUpAfterTheTimeoutInsteadOfHanging) {
  sim::AxilMaster<FakeCore> master(16);
  FakeCore core;  // a slave that never answers
  master.start_read(0x80);
  std::uint64_t edge = 0;
  while (master.busy() && edge < 100) step(master, core, edge++, [](std::uint64_t) {});
  EXPECT_FALSE(master.busy());
  EXPECT_TRUE(master.result().timed_out);
  EXPECT_EQ(master.result().cycles(), 16u);
  master.drive(core);
  EXPECT_EQ(core.s_axil_arvalid, 0) << "VALID dropped after the timeout";
}

// Feeds the PHY a link that requests with `speed`, then transmits `bytes` once granted.
std::vector<sim::WirePacket> transmit(unsigned speed, const std::vector<std::uint8_t>& bytes,
                                      std::uint64_t* grant_edge, std::vector<std::string>* faults) {
  sim::PhyModel<FakeCore> phy({.arbitration_delay = 2});
  FakeCore core;
  const unsigned width = speed == 0 ? 2 : speed == 1 ? 4 : 8;
  const std::uint32_t lreq = 0b1'001'000'0 | (speed << 2 & 0b1100);  // IsoReq, speed, stop
  std::vector<std::uint8_t> chunks;
  for (std::uint8_t byte : bytes)
    for (unsigned shift = 8; shift >= width; shift -= width)
      chunks.push_back(static_cast<std::uint8_t>(((byte >> (shift - width)) & ((1u << width) - 1))
                                                 << (8 - width)));
  std::uint64_t granted = 0;
  std::size_t sent = 0;
  unsigned idle = 0;
  for (std::uint64_t edge = 0; edge < 200; ++edge) {
    phy.drive(core);
    if (!granted && core.phy_ctl_i == 0b11) granted = edge;  // the link sees Grant
    core.phy_lreq = edge < 8 ? (lreq >> (7 - edge)) & 1 : 0;
    // The link drives from the edge after the PHY's Idle, as ohci_link_tx does.
    const bool driving = granted && edge >= granted + 2 && idle < 2;
    core.phy_ctl_oe = core.phy_d_oe = driving;
    if (driving && sent < chunks.size()) {
      core.phy_ctl_o = 0b10;
      core.phy_d_o = chunks[sent++];
    } else if (driving) {
      core.phy_ctl_o = 0;
      core.phy_d_o = 0;
      ++idle;
    }
    phy.sample(core, edge);
  }
  *grant_edge = granted;
  *faults = phy.violations();
  return phy.packets();
}

TEST(PhyModel, GrantsAfterTheArbitrationDelayAndCapturesEachSpeed) {
  const std::vector<std::uint8_t> bytes{0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0};
  for (unsigned speed = 0; speed < 3; ++speed) {
    std::uint64_t grant_edge = 0;
    std::vector<std::string> faults;
    const auto packets = transmit(speed, bytes, &grant_edge, &faults);
    // Stop bit sampled at edge 7; Grant seen at 7 + 1 + 2.
    EXPECT_EQ(grant_edge, 10u) << speed;
    ASSERT_EQ(packets.size(), 1u) << speed;
    EXPECT_EQ(packets[0].speed, speed);
    EXPECT_EQ(packets[0].request, sim::LreqType::IsoReq);
    EXPECT_EQ(packets[0].bytes, bytes);
    EXPECT_EQ(packets[0].first_data_edge, 12u);
    EXPECT_TRUE(faults.empty()) << faults.front();
  }
}

}  // namespace
}  // namespace ohci::tb
