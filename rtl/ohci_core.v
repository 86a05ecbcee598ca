// ohci_core: IEEE 1394 OHCI 1.1 isochronous DMA controller with its 1394a link layer.
//
// One clock domain: clk is the PHY's SCLK (49.152 MHz); rst is synchronous, active high.
// Blocks (docs/architecture.md):
//   ohci_regs        AXI4-Lite register window, interrupt events and masks, irq, soft reset
//   ohci_cycle_timer IsochronousCycleTimer and the cycleSynch / cycle64Seconds events
//   ohci_it_dma      N_IT isochronous transmit contexts and their AXI4 DMA engine
//   ohci_pkt_ram     each IT context's staged payload (up to 4096 bytes)
//   ohci_link_tx     cycle start (as cycle master), isochronous packet framing and CRCs,
//                    PHY-link transmit (LREQ, Grant, Transmit, release)
// Ports are the contract of ../shared/DESIGN.md. Every output is driven from a register, except
// m_axi_rready and m_axi_bready, which are decoded from the DMA engine's state register.
// The receive path (IR contexts, link receive) is not built yet: N_IR only sizes the
// IsoRecvIntMask/Event registers, so software can count the contexts as on real hardware.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_core #(
    parameter integer N_IT = 4,  // IT contexts, 1..32
    parameter integer N_IR = 4   // IR contexts, 1..32
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [10:0] s_axil_awaddr,
    input  wire        s_axil_awvalid,
    output wire        s_axil_awready,
    input  wire [31:0] s_axil_wdata,
    input  wire [ 3:0] s_axil_wstrb,
    input  wire        s_axil_wvalid,
    output wire        s_axil_wready,
    output wire [ 1:0] s_axil_bresp,
    output wire        s_axil_bvalid,
    input  wire        s_axil_bready,
    input  wire [10:0] s_axil_araddr,
    input  wire        s_axil_arvalid,
    output wire        s_axil_arready,
    output wire [31:0] s_axil_rdata,
    output wire [ 1:0] s_axil_rresp,
    output wire        s_axil_rvalid,
    input  wire        s_axil_rready,
    output wire [31:0] m_axi_araddr,
    output wire [ 7:0] m_axi_arlen,
    output wire [ 2:0] m_axi_arsize,
    output wire [ 1:0] m_axi_arburst,
    output wire        m_axi_arvalid,
    input  wire        m_axi_arready,
    input  wire [31:0] m_axi_rdata,
    input  wire [ 1:0] m_axi_rresp,
    input  wire        m_axi_rlast,
    input  wire        m_axi_rvalid,
    output wire        m_axi_rready,
    output wire [31:0] m_axi_awaddr,
    output wire [ 7:0] m_axi_awlen,
    output wire [ 2:0] m_axi_awsize,
    output wire [ 1:0] m_axi_awburst,
    output wire        m_axi_awvalid,
    input  wire        m_axi_awready,
    output wire [31:0] m_axi_wdata,
    output wire [ 3:0] m_axi_wstrb,
    output wire        m_axi_wlast,
    output wire        m_axi_wvalid,
    input  wire        m_axi_wready,
    input  wire [ 1:0] m_axi_bresp,
    input  wire        m_axi_bvalid,
    output wire        m_axi_bready,
    output wire        irq,
    input  wire [ 1:0] phy_ctl_i,
    output wire [ 1:0] phy_ctl_o,
    output wire        phy_ctl_oe,
    input  wire [ 7:0] phy_d_i,
    output wire [ 7:0] phy_d_o,
    output wire        phy_d_oe,
    output wire        phy_lreq,
    output wire        phy_lps,
    input  wire        phy_linkon
);
  localparam integer CTX_W = N_IT > 1 ? $clog2(N_IT) : 1;
  localparam integer WORD_W = 10;  // 1024 quadlets = 4096 bytes, the S400 maximum payload

  wire core_rst;
  wire quiesce;
  wire dma_quiet;
  wire lps;
  wire link_enable;
  wire cycle_timer_enable;
  wire cycle_master;
  wire [15:0] source_id;
  wire timer_write;
  wire [31:0] timer_write_data;
  wire [31:0] timer;
  wire cycle_start;
  wire cycle_synch;
  wire cycle_64_seconds;
  wire cycle_lost;
  wire unrecoverable;
  wire [N_IT-1:0] it_int_event;
  wire it_wr;
  wire [CTX_W-1:0] it_wr_ctx;
  wire [1:0] it_wr_sel;
  wire [31:0] it_wr_data;
  wire [N_IT*32-1:0] it_context_control;
  wire [N_IT*32-1:0] it_command_ptr;
  wire iso_start;
  wire [15:0] iso_cycle;
  wire tx_valid;
  wire [31:0] tx_header;
  wire [1:0] tx_speed;
  wire [10:0] tx_words;
  wire [CTX_W-1:0] tx_ctx;
  wire tx_accept;
  wire tx_done;
  wire [CTX_W-1:0] tx_link_ctx;
  wire ram_wr_en;
  wire [CTX_W+WORD_W-1:0] ram_wr_addr;
  wire [31:0] ram_wr_data;
  wire ram_rd_en;
  wire [CTX_W+WORD_W-1:0] ram_rd_addr;
  wire [31:0] ram_rd_data;
  wire link_busy;

  ohci_regs #(
      .N_IT (N_IT),
      .N_IR (N_IR),
      .CTX_W(CTX_W)
  ) regs (
      .clk,
      .rst,
      .s_axil_awaddr,
      .s_axil_awvalid,
      .s_axil_awready,
      .s_axil_wdata,
      .s_axil_wstrb,
      .s_axil_wvalid,
      .s_axil_wready,
      .s_axil_bresp,
      .s_axil_bvalid,
      .s_axil_bready,
      .s_axil_araddr,
      .s_axil_arvalid,
      .s_axil_arready,
      .s_axil_rdata,
      .s_axil_rresp,
      .s_axil_rvalid,
      .s_axil_rready,
      .core_rst_o(core_rst),
      .quiesce_o(quiesce),
      .quiet_i(dma_quiet && !link_busy),
      .lps_o(lps),
      .link_enable_o(link_enable),
      .cycle_timer_enable_o(cycle_timer_enable),
      .cycle_master_o(cycle_master),
      .source_id_o(source_id),
      .timer_write_o(timer_write),
      .timer_write_data_o(timer_write_data),
      .timer_i(timer),
      .cycle_synch_i(cycle_synch),
      .cycle_64_seconds_i(cycle_64_seconds),
      .cycle_lost_i(cycle_lost),
      .unrecoverable_i(unrecoverable),
      .it_int_event_i(it_int_event),
      .it_wr_o(it_wr),
      .it_wr_ctx_o(it_wr_ctx),
      .it_wr_sel_o(it_wr_sel),
      .it_wr_data_o(it_wr_data),
      .it_context_control_i(it_context_control),
      .it_command_ptr_i(it_command_ptr),
      .irq_o(irq)
  );

  ohci_cycle_timer cycle_timer (
      .clk,
      .rst(core_rst),
      .cycle_timer_enable_i(cycle_timer_enable),
      .write_i(timer_write),
      .write_data_i(timer_write_data),
      .timer_o(timer),
      .cycle_start_o(cycle_start),
      .cycle_synch_o(cycle_synch),
      .cycle_64_seconds_o(cycle_64_seconds)
  );

  ohci_it_dma #(
      .N_IT  (N_IT),
      .CTX_W (CTX_W),
      .WORD_W(WORD_W)
  ) it_dma (
      .clk,
      .rst(core_rst),
      .reg_wr_i(it_wr),
      .reg_wr_ctx_i(it_wr_ctx),
      .reg_wr_sel_i(it_wr_sel),
      .reg_wr_data_i(it_wr_data),
      .context_control_o(it_context_control),
      .command_ptr_o(it_command_ptr),
      .int_event_o(it_int_event),
      .unrecoverable_o(unrecoverable),
      .quiesce_i(quiesce),
      .quiet_o(dma_quiet),
      .iso_start_i(iso_start),
      .iso_cycle_i(iso_cycle),
      .tx_valid_o(tx_valid),
      .tx_header_o(tx_header),
      .tx_speed_o(tx_speed),
      .tx_words_o(tx_words),
      .tx_ctx_o(tx_ctx),
      .tx_accept_i(tx_accept),
      .tx_done_i(tx_done),
      .tx_link_ctx_i(tx_link_ctx),
      .ram_wr_en_o(ram_wr_en),
      .ram_wr_addr_o(ram_wr_addr),
      .ram_wr_data_o(ram_wr_data),
      .m_axi_araddr,
      .m_axi_arlen,
      .m_axi_arsize,
      .m_axi_arburst,
      .m_axi_arvalid,
      .m_axi_arready,
      .m_axi_rdata,
      .m_axi_rresp,
      .m_axi_rlast,
      .m_axi_rvalid,
      .m_axi_rready,
      .m_axi_awaddr,
      .m_axi_awlen,
      .m_axi_awsize,
      .m_axi_awburst,
      .m_axi_awvalid,
      .m_axi_awready,
      .m_axi_wdata,
      .m_axi_wstrb,
      .m_axi_wlast,
      .m_axi_wvalid,
      .m_axi_wready,
      .m_axi_bresp,
      .m_axi_bvalid,
      .m_axi_bready
  );

  ohci_pkt_ram #(
      .ADDR_WIDTH(CTX_W + WORD_W)
  ) pkt_ram (
      .clk,
      .wr_en_i  (ram_wr_en),
      .wr_addr_i(ram_wr_addr),
      .wr_data_i(ram_wr_data),
      .rd_en_i  (ram_rd_en),
      .rd_addr_i(ram_rd_addr),
      .rd_data_o(ram_rd_data)
  );

  ohci_link_tx #(
      .CTX_W (CTX_W),
      .WORD_W(WORD_W)
  ) link_tx (
      .clk,
      .rst(core_rst),
      .link_enable_i(link_enable),
      .quiesce_i(quiesce),
      .cycle_master_i(cycle_master && cycle_timer_enable),
      .cycle_start_i(cycle_start),
      .timer_i(timer),
      .source_id_i(source_id),
      .iso_valid_i(tx_valid),
      .iso_header_i(tx_header),
      .iso_speed_i(tx_speed),
      .iso_words_i(tx_words),
      .iso_ctx_i(tx_ctx),
      .iso_accept_o(tx_accept),
      .iso_done_o(tx_done),
      .iso_ctx_o(tx_link_ctx),
      .iso_start_o(iso_start),
      .iso_cycle_o(iso_cycle),
      .cycle_lost_o(cycle_lost),
      .busy_o(link_busy),
      .ram_rd_en_o(ram_rd_en),
      .ram_rd_addr_o(ram_rd_addr),
      .ram_rd_data_i(ram_rd_data),
      .phy_ctl_i,
      .phy_ctl_o,
      .phy_ctl_oe,
      .phy_d_o,
      .phy_d_oe,
      .phy_lreq
  );

  // LPS tells the PHY the link is powered; registered in ohci_regs.
  assign phy_lps = lps;

  // Inputs of the contract that the transmit slice does not use yet: received data (link
  // receive comes with the IR contexts) and LinkOn (no link power management).
  wire unused_inputs = &{1'b0, phy_d_i, phy_linkon};
endmodule
`resetall
