#include "ohci_sc_node.hpp"

#include "Vohci_core_sc.h"

namespace ohci::sc {

OhciScNode::OhciScNode(const sc_core::sc_module_name& name, sc_core::sc_clock& clock,
                       const OhciScNodeConfig& config)
    : sc_core::sc_module(name),
      core_(std::make_unique<Vohci_core_sc>("core")),
      registers_("registers", clock, axil_, config.register_timeout_cycles),
      dma_("dma", clock, axi_, config.dma) {
  Vohci_core_sc& core = *core_;
  core.clk(clock);
  core.rst(rst_);
  core.irq(irq_);

  core.s_axil_awaddr(axil_.awaddr);
  core.s_axil_awvalid(axil_.awvalid);
  core.s_axil_awready(axil_.awready);
  core.s_axil_wdata(axil_.wdata);
  core.s_axil_wstrb(axil_.wstrb);
  core.s_axil_wvalid(axil_.wvalid);
  core.s_axil_wready(axil_.wready);
  core.s_axil_bresp(axil_.bresp);
  core.s_axil_bvalid(axil_.bvalid);
  core.s_axil_bready(axil_.bready);
  core.s_axil_araddr(axil_.araddr);
  core.s_axil_arvalid(axil_.arvalid);
  core.s_axil_arready(axil_.arready);
  core.s_axil_rdata(axil_.rdata);
  core.s_axil_rresp(axil_.rresp);
  core.s_axil_rvalid(axil_.rvalid);
  core.s_axil_rready(axil_.rready);

  core.m_axi_araddr(axi_.araddr);
  core.m_axi_arlen(axi_.arlen);
  core.m_axi_arsize(axi_.arsize);
  core.m_axi_arburst(axi_.arburst);
  core.m_axi_arvalid(axi_.arvalid);
  core.m_axi_arready(axi_.arready);
  core.m_axi_rdata(axi_.rdata);
  core.m_axi_rresp(axi_.rresp);
  core.m_axi_rlast(axi_.rlast);
  core.m_axi_rvalid(axi_.rvalid);
  core.m_axi_rready(axi_.rready);
  core.m_axi_awaddr(axi_.awaddr);
  core.m_axi_awlen(axi_.awlen);
  core.m_axi_awsize(axi_.awsize);
  core.m_axi_awburst(axi_.awburst);
  core.m_axi_awvalid(axi_.awvalid);
  core.m_axi_awready(axi_.awready);
  core.m_axi_wdata(axi_.wdata);
  core.m_axi_wstrb(axi_.wstrb);
  core.m_axi_wlast(axi_.wlast);
  core.m_axi_wvalid(axi_.wvalid);
  core.m_axi_wready(axi_.wready);
  core.m_axi_bresp(axi_.bresp);
  core.m_axi_bvalid(axi_.bvalid);
  core.m_axi_bready(axi_.bready);

  core.phy_ctl_i(phy_.ctl_i);
  core.phy_ctl_o(phy_.ctl_o);
  core.phy_ctl_oe(phy_.ctl_oe);
  core.phy_d_i(phy_.d_i);
  core.phy_d_o(phy_.d_o);
  core.phy_d_oe(phy_.d_oe);
  core.phy_lreq(phy_.lreq);
  core.phy_lps(phy_.lps);
  core.phy_linkon(phy_.linkon);
}

OhciScNode::~OhciScNode() = default;

}  // namespace ohci::sc
