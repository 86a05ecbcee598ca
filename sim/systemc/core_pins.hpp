// The signals between an ohci_core (Vohci_core_sc, Verilator --sc) and the models around it,
// grouped by interface and named after the RTL's ports without their prefix. Verilator gives
// 1-bit ports as bool and 2..32-bit ports as uint32_t.
#pragma once

#include <cstdint>
#include <systemc>

namespace ohci::sc {

template <class T>
using Signal = sc_core::sc_signal<T>;

// s_axil_*: the register window; the CPU side (axil_tlm_target.hpp) drives the VALIDs, the
// request payloads and the response READYs.
struct AxilPins {
  Signal<std::uint32_t> awaddr{"s_axil_awaddr"};
  Signal<bool> awvalid{"s_axil_awvalid"};
  Signal<bool> awready{"s_axil_awready"};
  Signal<std::uint32_t> wdata{"s_axil_wdata"};
  Signal<std::uint32_t> wstrb{"s_axil_wstrb"};
  Signal<bool> wvalid{"s_axil_wvalid"};
  Signal<bool> wready{"s_axil_wready"};
  Signal<std::uint32_t> bresp{"s_axil_bresp"};
  Signal<bool> bvalid{"s_axil_bvalid"};
  Signal<bool> bready{"s_axil_bready"};
  Signal<std::uint32_t> araddr{"s_axil_araddr"};
  Signal<bool> arvalid{"s_axil_arvalid"};
  Signal<bool> arready{"s_axil_arready"};
  Signal<std::uint32_t> rdata{"s_axil_rdata"};
  Signal<std::uint32_t> rresp{"s_axil_rresp"};
  Signal<bool> rvalid{"s_axil_rvalid"};
  Signal<bool> rready{"s_axil_rready"};
};

// m_axi_*: the DMA master; the memory side (axi_tlm_bridge.hpp) drives the READYs of the
// requests and the R and B channels.
struct AxiPins {
  Signal<std::uint32_t> araddr{"m_axi_araddr"};
  Signal<std::uint32_t> arlen{"m_axi_arlen"};
  Signal<std::uint32_t> arsize{"m_axi_arsize"};
  Signal<std::uint32_t> arburst{"m_axi_arburst"};
  Signal<bool> arvalid{"m_axi_arvalid"};
  Signal<bool> arready{"m_axi_arready"};
  Signal<std::uint32_t> rdata{"m_axi_rdata"};
  Signal<std::uint32_t> rresp{"m_axi_rresp"};
  Signal<bool> rlast{"m_axi_rlast"};
  Signal<bool> rvalid{"m_axi_rvalid"};
  Signal<bool> rready{"m_axi_rready"};
  Signal<std::uint32_t> awaddr{"m_axi_awaddr"};
  Signal<std::uint32_t> awlen{"m_axi_awlen"};
  Signal<std::uint32_t> awsize{"m_axi_awsize"};
  Signal<std::uint32_t> awburst{"m_axi_awburst"};
  Signal<bool> awvalid{"m_axi_awvalid"};
  Signal<bool> awready{"m_axi_awready"};
  Signal<std::uint32_t> wdata{"m_axi_wdata"};
  Signal<std::uint32_t> wstrb{"m_axi_wstrb"};
  Signal<bool> wlast{"m_axi_wlast"};
  Signal<bool> wvalid{"m_axi_wvalid"};
  Signal<bool> wready{"m_axi_wready"};
  Signal<std::uint32_t> bresp{"m_axi_bresp"};
  Signal<bool> bvalid{"m_axi_bvalid"};
  Signal<bool> bready{"m_axi_bready"};
};

// phy_*: the PHY-link pins; the bus (phy_bus.hpp) drives the _i side and LinkOn.
struct PhyPins {
  Signal<std::uint32_t> ctl_i{"phy_ctl_i"};
  Signal<std::uint32_t> ctl_o{"phy_ctl_o"};
  Signal<bool> ctl_oe{"phy_ctl_oe"};
  Signal<std::uint32_t> d_i{"phy_d_i"};
  Signal<std::uint32_t> d_o{"phy_d_o"};
  Signal<bool> d_oe{"phy_d_oe"};
  Signal<bool> lreq{"phy_lreq"};
  Signal<bool> lps{"phy_lps"};
  Signal<bool> linkon{"phy_linkon"};
};

}  // namespace ohci::sc
