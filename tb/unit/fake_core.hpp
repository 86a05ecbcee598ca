// A plain struct with ohci_core's ports under the names and types Verilator gives them (CData
// for up to 8 bits, SData up to 16, IData up to 32), so the sim models run without Verilator,
// and the kernel's clocking discipline over it.
#pragma once

#include <cstdint>
#include <functional>

namespace ohci::tb {

struct FakeCore {
  std::uint8_t clk = 0, rst = 0;
  // AXI4-Lite register slave (inputs are the master's, outputs the core's)
  std::uint16_t s_axil_awaddr = 0;
  std::uint8_t s_axil_awvalid = 0, s_axil_awready = 0;
  std::uint32_t s_axil_wdata = 0;
  std::uint8_t s_axil_wstrb = 0, s_axil_wvalid = 0, s_axil_wready = 0;
  std::uint8_t s_axil_bresp = 0, s_axil_bvalid = 0, s_axil_bready = 0;
  std::uint16_t s_axil_araddr = 0;
  std::uint8_t s_axil_arvalid = 0, s_axil_arready = 0;
  std::uint32_t s_axil_rdata = 0;
  std::uint8_t s_axil_rresp = 0, s_axil_rvalid = 0, s_axil_rready = 0;
  // AXI4 DMA master
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
  // PHY-link pins
  std::uint8_t phy_ctl_i = 0, phy_ctl_o = 0, phy_ctl_oe = 0;
  std::uint8_t phy_d_i = 0, phy_d_o = 0, phy_d_oe = 0;
  std::uint8_t phy_lreq = 0, phy_lps = 0, phy_linkon = 0;
};

// The fake RTL's side of one cycle: `eval` is its combinational logic with clk low (most fakes
// have none), `rising_edge(cycle)` its registers at the edge ending `cycle`, which set the
// outputs the models see in cycle + 1. Like ohci_core, a fake drives its outputs from registers.
struct FakeRtl {
  std::function<void(std::uint64_t)> eval;
  std::function<void(std::uint64_t)> rising_edge;
};

// One clk cycle as the kernel runs it: every model's drive(), eval, every model's sample(cycle),
// rising edge.
template <class... Models>
void run_cycle(FakeCore& core, std::uint64_t cycle, const FakeRtl& rtl, Models&... models) {
  (models.drive(core), ...);
  if (rtl.eval) rtl.eval(cycle);
  (models.sample(core, cycle), ...);
  if (rtl.rising_edge) rtl.rising_edge(cycle);
}

}  // namespace ohci::tb
