// ohci_board: everything a board needs around ohci_core, with the PHY-link pins still split
// into _i/_o/_oe so that a board top only adds its tri-state buffers and pins.
//
//   board_reset_sync   rst_i (button, asynchronous) -> the synchronous rst of everything here
//   board_spi_slave    the host's SPI pins (mode 0), oversampled by clk
//   board_host_link    SPI frames -> AXI4-Lite accesses of ohci_core's registers and byte
//                      accesses of the host memory (docs/host-link.md)
//   board_host_memory  2**MEM_ADDR_W bytes of on-chip RAM at MEM_BASE: ohci_core's host memory
//                      (its AXI4 DMA master) and the host's DMA memory (through SPI)
//   ohci_core          the controller, clocked by the PHY's SCLK (clk)
//
// irq_o is ohci_core's irq through one more flop (a pin driven from a flop): it follows irq one
// clk later. heartbeat_o toggles every 2**25 clk (0.68 s at 49.152 MHz): the LED that shows SCLK
// is running. The PHY-link ports keep ohci_core's names (phy_*), so the simulator's PHY model
// drives a Verilated ohci_board as it drives a bare ohci_core.
//
// Latencies: rst_i -> rst as board_reset_sync (2 + HOLD clk on release); irq -> irq_o 1 clk;
// the SPI and memory latencies are in the submodules' headers and docs/host-link.md.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_board #(
    parameter integer N_IT = 4,  // IT contexts of ohci_core
    parameter integer N_IR = 4,  // IR contexts of ohci_core
    parameter integer FULL_REGS = 1,  // ohci_core's storage registers and CSR unit (0: left out)
    parameter integer MEM_ADDR_W = 16,  // host memory: 2**MEM_ADDR_W bytes
    parameter [31:0] MEM_BASE = 32'h1000_0000,  // its bus address, aligned to its size
    parameter integer RESET_HOLD_CLKS = 16
) (
    input  wire       clk,             // the PHY's SCLK, 49.152 MHz
    input  wire       rst_i,           // asynchronous reset request, active high
    // host link
    input  wire       spi_sck_i,
    input  wire       spi_cs_n_i,
    input  wire       spi_mosi_i,
    output wire       spi_miso_o,
    output wire       spi_miso_oe,
    output wire       irq_o,
    output wire       heartbeat_o,
    // 1394a PHY-link interface (ohci_core's ports)
    input  wire [1:0] phy_ctl_i,
    output wire [1:0] phy_ctl_o,
    output wire       phy_ctl_oe,
    input  wire [7:0] phy_d_i,
    output wire [7:0] phy_d_o,
    output wire       phy_d_oe,
    output wire       phy_lreq,
    output wire       phy_lps,
    input  wire       phy_linkon
);
  wire rst;
  wire frame_start, frame_end, rx_valid;
  wire [7:0] rx_byte, tx_byte;
  wire irq;
  wire [10:0] axil_awaddr, axil_araddr;
  wire axil_awvalid, axil_awready, axil_wvalid, axil_wready, axil_bvalid, axil_bready;
  wire axil_arvalid, axil_arready, axil_rvalid, axil_rready;
  wire [31:0] axil_wdata, axil_rdata;
  wire [3:0] axil_wstrb;
  wire [1:0] axil_bresp, axil_rresp;
  wire mem_req, mem_we, mem_gnt, mem_rvalid;
  wire [MEM_ADDR_W-1:0] mem_addr;
  wire [7:0] mem_wdata, mem_rdata;
  wire [31:0] axi_araddr, axi_awaddr, axi_rdata, axi_wdata;
  wire [7:0] axi_arlen, axi_awlen;
  wire [2:0] axi_arsize, axi_awsize;
  wire [1:0] axi_arburst, axi_awburst, axi_rresp, axi_bresp;
  wire [3:0] axi_wstrb;
  wire axi_arvalid, axi_arready, axi_rlast, axi_rvalid, axi_rready;
  wire axi_awvalid, axi_awready, axi_wlast, axi_wvalid, axi_wready, axi_bvalid, axi_bready;
  reg irq_reg;
  reg [24:0] heartbeat_reg;
  reg heartbeat_led_reg;

  board_reset_sync #(
      .HOLD_CLKS(RESET_HOLD_CLKS)
  ) reset_sync (
      .clk  (clk),
      .rst_i(rst_i),
      .rst_o(rst)
  );

  board_spi_slave spi_slave (
      .clk(clk),
      .rst(rst),
      .spi_sck_i(spi_sck_i),
      .spi_cs_n_i(spi_cs_n_i),
      .spi_mosi_i(spi_mosi_i),
      .spi_miso_o(spi_miso_o),
      .spi_miso_oe_o(spi_miso_oe),
      .frame_start_o(frame_start),
      .frame_end_o(frame_end),
      .rx_valid_o(rx_valid),
      .rx_byte_o(rx_byte),
      .tx_byte_i(tx_byte)
  );

  board_host_link #(
      .MEM_ADDR_W(MEM_ADDR_W),
      .MEM_BASE  (MEM_BASE)
  ) host_link (
      .clk(clk),
      .rst(rst),
      .frame_start_i(frame_start),
      .frame_end_i(frame_end),
      .rx_valid_i(rx_valid),
      .rx_byte_i(rx_byte),
      .tx_byte_o(tx_byte),
      .irq_i(irq),
      .m_axil_awaddr(axil_awaddr),
      .m_axil_awvalid(axil_awvalid),
      .m_axil_awready(axil_awready),
      .m_axil_wdata(axil_wdata),
      .m_axil_wstrb(axil_wstrb),
      .m_axil_wvalid(axil_wvalid),
      .m_axil_wready(axil_wready),
      .m_axil_bresp(axil_bresp),
      .m_axil_bvalid(axil_bvalid),
      .m_axil_bready(axil_bready),
      .m_axil_araddr(axil_araddr),
      .m_axil_arvalid(axil_arvalid),
      .m_axil_arready(axil_arready),
      .m_axil_rdata(axil_rdata),
      .m_axil_rresp(axil_rresp),
      .m_axil_rvalid(axil_rvalid),
      .m_axil_rready(axil_rready),
      .mem_req_o(mem_req),
      .mem_we_o(mem_we),
      .mem_addr_o(mem_addr),
      .mem_wdata_o(mem_wdata),
      .mem_gnt_i(mem_gnt),
      .mem_rvalid_i(mem_rvalid),
      .mem_rdata_i(mem_rdata)
  );

  board_host_memory #(
      .MEM_ADDR_W(MEM_ADDR_W),
      .MEM_BASE  (MEM_BASE)
  ) host_memory (
      .clk(clk),
      .rst(rst),
      .s_axi_araddr(axi_araddr),
      .s_axi_arlen(axi_arlen),
      .s_axi_arsize(axi_arsize),
      .s_axi_arburst(axi_arburst),
      .s_axi_arvalid(axi_arvalid),
      .s_axi_arready(axi_arready),
      .s_axi_rdata(axi_rdata),
      .s_axi_rresp(axi_rresp),
      .s_axi_rlast(axi_rlast),
      .s_axi_rvalid(axi_rvalid),
      .s_axi_rready(axi_rready),
      .s_axi_awaddr(axi_awaddr),
      .s_axi_awlen(axi_awlen),
      .s_axi_awsize(axi_awsize),
      .s_axi_awburst(axi_awburst),
      .s_axi_awvalid(axi_awvalid),
      .s_axi_awready(axi_awready),
      .s_axi_wdata(axi_wdata),
      .s_axi_wstrb(axi_wstrb),
      .s_axi_wlast(axi_wlast),
      .s_axi_wvalid(axi_wvalid),
      .s_axi_wready(axi_wready),
      .s_axi_bresp(axi_bresp),
      .s_axi_bvalid(axi_bvalid),
      .s_axi_bready(axi_bready),
      .spi_req_i(mem_req),
      .spi_we_i(mem_we),
      .spi_addr_i(mem_addr),
      .spi_wdata_i(mem_wdata),
      .spi_gnt_o(mem_gnt),
      .spi_rvalid_o(mem_rvalid),
      .spi_rdata_o(mem_rdata)
  );

  ohci_core #(
      .N_IT(N_IT),
      .N_IR(N_IR),
      .FULL_REGS(FULL_REGS)
  ) core (
      .clk(clk),
      .rst(rst),
      .s_axil_awaddr(axil_awaddr),
      .s_axil_awvalid(axil_awvalid),
      .s_axil_awready(axil_awready),
      .s_axil_wdata(axil_wdata),
      .s_axil_wstrb(axil_wstrb),
      .s_axil_wvalid(axil_wvalid),
      .s_axil_wready(axil_wready),
      .s_axil_bresp(axil_bresp),
      .s_axil_bvalid(axil_bvalid),
      .s_axil_bready(axil_bready),
      .s_axil_araddr(axil_araddr),
      .s_axil_arvalid(axil_arvalid),
      .s_axil_arready(axil_arready),
      .s_axil_rdata(axil_rdata),
      .s_axil_rresp(axil_rresp),
      .s_axil_rvalid(axil_rvalid),
      .s_axil_rready(axil_rready),
      .m_axi_araddr(axi_araddr),
      .m_axi_arlen(axi_arlen),
      .m_axi_arsize(axi_arsize),
      .m_axi_arburst(axi_arburst),
      .m_axi_arvalid(axi_arvalid),
      .m_axi_arready(axi_arready),
      .m_axi_rdata(axi_rdata),
      .m_axi_rresp(axi_rresp),
      .m_axi_rlast(axi_rlast),
      .m_axi_rvalid(axi_rvalid),
      .m_axi_rready(axi_rready),
      .m_axi_awaddr(axi_awaddr),
      .m_axi_awlen(axi_awlen),
      .m_axi_awsize(axi_awsize),
      .m_axi_awburst(axi_awburst),
      .m_axi_awvalid(axi_awvalid),
      .m_axi_awready(axi_awready),
      .m_axi_wdata(axi_wdata),
      .m_axi_wstrb(axi_wstrb),
      .m_axi_wlast(axi_wlast),
      .m_axi_wvalid(axi_wvalid),
      .m_axi_wready(axi_wready),
      .m_axi_bresp(axi_bresp),
      .m_axi_bvalid(axi_bvalid),
      .m_axi_bready(axi_bready),
      .irq(irq),
      .phy_ctl_i(phy_ctl_i),
      .phy_ctl_o(phy_ctl_o),
      .phy_ctl_oe(phy_ctl_oe),
      .phy_d_i(phy_d_i),
      .phy_d_o(phy_d_o),
      .phy_d_oe(phy_d_oe),
      .phy_lreq(phy_lreq),
      .phy_lps(phy_lps),
      .phy_linkon(phy_linkon)
  );

  always @(posedge clk) begin
    irq_reg <= irq;
    heartbeat_reg <= heartbeat_reg + 25'd1;
    if (heartbeat_reg == {25{1'b1}}) heartbeat_led_reg <= !heartbeat_led_reg;
    if (rst) begin
      irq_reg <= 1'b0;
      heartbeat_reg <= 25'd0;
      heartbeat_led_reg <= 1'b0;
    end
  end

  assign irq_o = irq_reg;
  assign heartbeat_o = heartbeat_led_reg;
endmodule
`resetall
