// ohci_core: IEEE 1394 OHCI 1.1 isochronous DMA controller with its 1394a link layer.
//
// One clock domain: clk is the PHY's SCLK (49.152 MHz); rst is synchronous, active high.
// Blocks (docs/architecture.md):
//   ohci_regs        AXI4-Lite register window, interrupt events and masks, irq, soft reset
//   ohci_cycle_timer IsochronousCycleTimer and the cycleSynch / cycle64Seconds events
//   ohci_it_dma      N_IT isochronous transmit contexts and their AXI4 DMA engine
//   ohci_pkt_ram     each IT context's staged payload (up to 4096 bytes; WORD_W)
//   ohci_link_tx     cycle start (as cycle master), isochronous packet framing and CRCs,
//                    PHY-link transmit (LREQ, Grant, Transmit, release)
//   ohci_link_rx     PHY-link receive, CRC checks, cycle starts, received packets into the ring
//   ohci_ir_dma      N_IR isochronous receive contexts and their AXI4 DMA engine
//   ohci_pkt_ram     (a second one) the receive ring between ohci_link_rx and ohci_ir_dma (RING_W)
//   ohci_self_id     the self-ID receive DMA into the SelfIDBuffer
//   ohci_config_regs (inside ohci_regs) GUID, BusOptions, configuration ROM, bus-management CSRs
//   ohci_axi_arbiter shares the AXI4 master: one between the IR engine and the self-ID DMA,
//                    one between the IT engine and that pair
// Ports are the contract of ../shared/DESIGN.md. Every output is driven from a register or, for
// the AXI4 master, from a mux of the two engines' registers (m_axi_rready and m_axi_bready are
// decoded from their state registers); no input reaches an output combinationally.
//
// The isochronous period of a cycle opens (iso_start) when this node, as cycle master, has sent
// the cycle start, or, when it is not cycle master, when it has received one; the cycle timer
// of a node that is not cycle master follows the received cycle starts.
//
// Parameters (ranges checked at elaboration). N_IT and N_IR: contexts of each kind, 1..32
// (OHCI's maximum). The two RAM depths default to the full S400 packet and shrink only for
// small FPGAs (docs/fpga.md; the iCE40-HX8K build):
//   WORD_W  8..10: each IT context's packet RAM area is 2**WORD_W quadlets: 10 (default) holds
//           the 4096-byte S400 maximum payload; 9 limits transmitted payloads to 2048 bytes
//           (S100 and S200 keep their maxima of 1024 and 2048), 8 to 1024 bytes. A header with a
//           larger dataLength is refused like any over-long one (evt_tcode_err, the context dies).
//   RING_W  8..16: the receive ring holds 2**RING_W payload quadlets: 11 (default) holds two
//           maximum S400 packets; 10 holds one. A packet with more payload than the ring has
//           room for when it arrives keeps what fits and is reported as evt_overrun (as when the
//           firmware falls behind).
//   GUID    the GUIDHi:GUIDLo value at power-on (no GUID ROM; platform firmware may write each
//           register once, docs/decisions.md). Default 0: not programmed.
//   FULL_REGS  1 (default): the self-ID receive DMA, the GUID write-once, BusOptions, the
//           configuration ROM, asynchronous-context and filter registers as storage and the
//           bus-management CSR compare-swap unit; 0 (the iCE40-HX8K build, which runs no OS
//           driver): no self-ID DMA (selfIDSize reads 0), the GUID is the parameter, and those
//           registers read their power-on values and ignore writes. PhyControl is always there.
// The packet RAM is N_IT areas (one area when N_IT is 1), the ring one more RAM; the defaults
// give the cycle-exact behaviour the tests check, and smaller values change no timing, only
// which packets fit.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_core #(
    parameter integer N_IT   = 4,   // IT contexts, 1..32
    parameter integer N_IR   = 4,   // IR contexts, 1..32
    parameter integer WORD_W = 10,  // packet RAM area per IT context: 2**WORD_W quadlets, 8..10
    parameter integer RING_W = 11,  // receive ring: 2**RING_W quadlets, 8..16
    parameter [63:0] GUID = 64'h0000_0000_0000_0000,
    parameter integer FULL_REGS = 1
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
  // Parameter ranges, checked at elaboration: an out-of-range value stops Verilator, Yosys and
  // Icarus alike, with an error naming the missing module below (named after the problem).
  generate
    if (N_IT < 1 || N_IT > 32) begin : g_check_n_it
      ohci_core_N_IT_must_be_1_to_32 n_it_out_of_range ();
    end
    if (N_IR < 1 || N_IR > 32) begin : g_check_n_ir
      ohci_core_N_IR_must_be_1_to_32 n_ir_out_of_range ();
    end
    if (WORD_W < 8 || WORD_W > 10) begin : g_check_word_w
      ohci_core_WORD_W_must_be_8_to_10 word_w_out_of_range ();
    end
    if (RING_W < 8 || RING_W > 16) begin : g_check_ring_w
      ohci_core_RING_W_must_be_8_to_16 ring_w_out_of_range ();
    end
  endgenerate

  localparam integer CTX_W = N_IT > 1 ? $clog2(N_IT) : 1;
  localparam integer IR_CTX_W = N_IR > 1 ? $clog2(N_IR) : 1;
  // The packet RAM holds one area per context: {context, quadlet} addresses it, without the
  // context bit when there is one context (CTX_W is 1 then, but the context number is always 0).
  localparam integer PKT_AW = (N_IT > 1 ? CTX_W : 0) + WORD_W;

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
  wire cycle_inconsistent;
  wire bus_reset;
  wire phy_reg_valid;
  wire [3:0] phy_reg_addr;
  wire [7:0] phy_reg_data;
  wire timer_cycle_lost;
  wire tx_cycle_lost;
  wire master_mode = cycle_master && cycle_timer_enable;
  wire tx_iso_start;
  wire [15:0] tx_iso_cycle;
  wire rx_cycle_start;
  wire [31:0] rx_cycle_time;
  wire [15:0] rx_cycle_age;
  reg [15:0] rx_iso_cycle_reg;
  wire [N_IR-1:0] ir_int_event;
  wire ir_wr;
  wire [IR_CTX_W-1:0] ir_wr_ctx;
  wire [2:0] ir_wr_sel;
  wire [31:0] ir_wr_data;
  wire [N_IR*32-1:0] ir_context_control;
  wire [N_IR*32-1:0] ir_command_ptr;
  wire [N_IR*32-1:0] ir_context_match;
  wire [N_IR*32-1:0] ir_dropped_packets;
  wire [63:0] multi_chan_mask;
  wire it_unrecoverable;
  wire ir_unrecoverable;
  wire ir_quiet;
  wire record_valid;
  wire [31:0] record_header;
  wire [4:0] record_event;
  wire [1:0] record_speed;
  wire [15:0] record_cycle;
  wire [10:0] record_words;
  wire record_full;
  wire ring_wr_en;
  wire [RING_W-1:0] ring_wr_addr;
  wire [31:0] ring_wr_data;
  wire ring_rd_en;
  wire [RING_W-1:0] ring_rd_addr;
  wire [31:0] ring_rd_data;
  wire [RING_W:0] ring_rd_ptr;
  // PhyControl requests
  wire phy_req_valid, phy_req_write, phy_req_accept, phy_req_sent;
  wire [3:0] phy_req_addr;
  wire [7:0] phy_req_data;
  // self-ID
  wire rcv_self_id;
  wire [31:0] self_id_buffer;
  wire [7:0] generation;
  wire sid_storing, sid_done, sid_error;
  wire [8:0] sid_size;
  wire sid_quadlet_valid, sid_end, sid_end_ok, sid_phase_end;
  wire [31:0] sid_quadlet;
  // the IR engine and the self-ID DMA behind their arbiter
  wire [31:0] rx_araddr, rx_awaddr, rx_wdata;
  wire [7:0] rx_arlen, rx_awlen;
  wire [3:0] rx_wstrb;
  wire rx_arvalid, rx_arready, rx_rvalid, rx_rready;
  wire rx_awvalid, rx_awready, rx_wvalid, rx_wready, rx_wlast, rx_bvalid, rx_bready;
  // the two engines' AXI4 masters
  wire [31:0] it_araddr, ir_araddr, it_awaddr, ir_awaddr, it_wdata, ir_wdata;
  wire [7:0] it_arlen, ir_arlen, it_awlen, ir_awlen;
  wire [3:0] it_wstrb;
  wire it_arvalid, ir_arvalid, it_arready, ir_arready, it_rvalid, ir_rvalid, it_rready, ir_rready;
  wire it_awvalid, ir_awvalid, it_awready, ir_awready, it_wvalid, ir_wvalid, it_wready, ir_wready;
  wire it_wlast, ir_wlast, it_bvalid, ir_bvalid, it_bready, ir_bready;
  wire [2:0] it_arsize, it_awsize;
  wire [1:0] it_arburst, it_awburst;

  // The isochronous period: opened by the cycle start this node sent (as cycle master) or
  // received (otherwise); its cycle number is that cycle start's.
  assign iso_start = master_mode ? tx_iso_start : rx_cycle_start;
  assign iso_cycle = master_mode ? tx_iso_cycle :
                     rx_cycle_start ? {rx_cycle_time[27:25], rx_cycle_time[24:12]} :
                     rx_iso_cycle_reg;
  always @(posedge clk) begin
    if (core_rst) rx_iso_cycle_reg <= 16'd0;
    else if (rx_cycle_start) rx_iso_cycle_reg <= {rx_cycle_time[27:25], rx_cycle_time[24:12]};
  end
  assign cycle_lost = tx_cycle_lost || timer_cycle_lost;
  assign unrecoverable = it_unrecoverable || ir_unrecoverable;

  ohci_regs #(
      .GUID    (GUID),
      .FULL_REGS(FULL_REGS),
      .N_IT    (N_IT),
      .N_IR    (N_IR),
      .CTX_W   (CTX_W),
      .IR_CTX_W(IR_CTX_W)
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
      .quiet_i(dma_quiet && ir_quiet && !link_busy),
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
      .cycle_inconsistent_i(cycle_inconsistent),
      .bus_reset_i(bus_reset),
      .phy_reg_valid_i(phy_reg_valid),
      .phy_reg_addr_i(phy_reg_addr),
      .phy_reg_data_i(phy_reg_data),
      .unrecoverable_i(unrecoverable),
      .phy_req_valid_o(phy_req_valid),
      .phy_req_write_o(phy_req_write),
      .phy_req_addr_o(phy_req_addr),
      .phy_req_data_o(phy_req_data),
      .phy_req_accept_i(phy_req_accept),
      .phy_req_sent_i(phy_req_sent),
      .rcv_self_id_o(rcv_self_id),
      .self_id_buffer_o(self_id_buffer),
      .generation_o(generation),
      .sid_storing_i(sid_storing),
      .sid_done_i(sid_done),
      .sid_size_i(sid_size),
      .sid_error_i(sid_error),
      .it_int_event_i(it_int_event),
      .it_wr_o(it_wr),
      .it_wr_ctx_o(it_wr_ctx),
      .it_wr_sel_o(it_wr_sel),
      .it_wr_data_o(it_wr_data),
      .it_context_control_i(it_context_control),
      .it_command_ptr_i(it_command_ptr),
      .ir_int_event_i(ir_int_event),
      .ir_wr_o(ir_wr),
      .ir_wr_ctx_o(ir_wr_ctx),
      .ir_wr_sel_o(ir_wr_sel),
      .ir_wr_data_o(ir_wr_data),
      .ir_context_control_i(ir_context_control),
      .ir_command_ptr_i(ir_command_ptr),
      .ir_context_match_i(ir_context_match),
      .ir_dropped_packets_i(ir_dropped_packets),
      .multi_chan_mask_o(multi_chan_mask),
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
      .cycle_64_seconds_o(cycle_64_seconds),
      .follow_i(!cycle_master && cycle_timer_enable),
      .sync_i(rx_cycle_start),
      .sync_time_i(rx_cycle_time),
      .sync_age_i(rx_cycle_age),
      .cycle_inconsistent_o(cycle_inconsistent),
      .cycle_lost_o(timer_cycle_lost)
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
      .unrecoverable_o(it_unrecoverable),
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
      .m_axi_araddr(it_araddr),
      .m_axi_arlen(it_arlen),
      .m_axi_arsize(it_arsize),
      .m_axi_arburst(it_arburst),
      .m_axi_arvalid(it_arvalid),
      .m_axi_arready(it_arready),
      .m_axi_rdata,
      .m_axi_rresp,
      .m_axi_rlast,
      .m_axi_rvalid(it_rvalid),
      .m_axi_rready(it_rready),
      .m_axi_awaddr(it_awaddr),
      .m_axi_awlen(it_awlen),
      .m_axi_awsize(it_awsize),
      .m_axi_awburst(it_awburst),
      .m_axi_awvalid(it_awvalid),
      .m_axi_awready(it_awready),
      .m_axi_wdata(it_wdata),
      .m_axi_wstrb(it_wstrb),
      .m_axi_wlast(it_wlast),
      .m_axi_wvalid(it_wvalid),
      .m_axi_wready(it_wready),
      .m_axi_bresp,
      .m_axi_bvalid(it_bvalid),
      .m_axi_bready(it_bready)
  );

  ohci_ir_dma #(
      .N_IR  (N_IR),
      .CTX_W (IR_CTX_W),
      .RING_W(RING_W)
  ) ir_dma (
      .clk,
      .rst(core_rst),
      .reg_wr_i(ir_wr),
      .reg_wr_ctx_i(ir_wr_ctx),
      .reg_wr_sel_i(ir_wr_sel),
      .reg_wr_data_i(ir_wr_data),
      .context_control_o(ir_context_control),
      .command_ptr_o(ir_command_ptr),
      .context_match_o(ir_context_match),
      .dropped_packets_o(ir_dropped_packets),
      .int_event_o(ir_int_event),
      .unrecoverable_o(ir_unrecoverable),
      .multi_chan_mask_i(multi_chan_mask),
      .quiesce_i(quiesce),
      .quiet_o(ir_quiet),
      .iso_start_i(iso_start),
      .iso_cycle_i(iso_cycle[14:0]),
      .record_valid_i(record_valid),
      .record_header_i(record_header),
      .record_event_i(record_event),
      .record_speed_i(record_speed),
      .record_cycle_i(record_cycle),
      .record_words_i(record_words),
      .record_full_o(record_full),
      .ring_rd_en_o(ring_rd_en),
      .ring_rd_addr_o(ring_rd_addr),
      .ring_rd_data_i(ring_rd_data),
      .ring_rd_ptr_o(ring_rd_ptr),
      .m_axi_araddr(ir_araddr),
      .m_axi_arlen(ir_arlen),
      .m_axi_arvalid(ir_arvalid),
      .m_axi_arready(ir_arready),
      .m_axi_rdata,
      .m_axi_rresp,
      .m_axi_rlast,
      .m_axi_rvalid(ir_rvalid),
      .m_axi_rready(ir_rready),
      .m_axi_awaddr(ir_awaddr),
      .m_axi_awlen(ir_awlen),
      .m_axi_awvalid(ir_awvalid),
      .m_axi_awready(ir_awready),
      .m_axi_wdata(ir_wdata),
      .m_axi_wlast(ir_wlast),
      .m_axi_wvalid(ir_wvalid),
      .m_axi_wready(ir_wready),
      .m_axi_bresp,
      .m_axi_bvalid(ir_bvalid),
      .m_axi_bready(ir_bready)
  );

  generate
    if (FULL_REGS != 0) begin : g_self_id
      wire [31:0] sid_awaddr, sid_wdata;
      wire sid_awvalid, sid_awready, sid_wvalid, sid_wready, sid_bvalid, sid_bready;
      // (the self-ID DMA only writes: its read side of the arbiter is tied off)
      wire sid_arready_unused, sid_rvalid_unused;
      wire unused_read_side = &{1'b0, sid_arready_unused, sid_rvalid_unused};
    // The IR engine (its master 0: ties go to it) and the self-ID DMA (write-only) share one side
    // of the port's arbiter; the arbiters add no latency, so each engine still sees the port as
    // if it were alone whenever the others are idle.
    ohci_axi_arbiter rx_arbiter (
        .clk,
        .rst,
        .it_araddr_i(ir_araddr),
        .it_arlen_i(ir_arlen),
        .it_arvalid_i(ir_arvalid),
        .it_arready_o(ir_arready),
        .it_rvalid_o(ir_rvalid),
        .it_rready_i(ir_rready),
        .it_awaddr_i(ir_awaddr),
        .it_awlen_i(ir_awlen),
        .it_awvalid_i(ir_awvalid),
        .it_awready_o(ir_awready),
        .it_wdata_i(ir_wdata),
        .it_wstrb_i(4'hF),
        .it_wlast_i(ir_wlast),
        .it_wvalid_i(ir_wvalid),
        .it_wready_o(ir_wready),
        .it_bvalid_o(ir_bvalid),
        .it_bready_i(ir_bready),
        .ir_araddr_i(32'd0),
        .ir_arlen_i(8'd0),
        .ir_arvalid_i(1'b0),
        .ir_arready_o(sid_arready_unused),
        .ir_rvalid_o(sid_rvalid_unused),
        .ir_rready_i(1'b0),
        .ir_awaddr_i(sid_awaddr),
        .ir_awlen_i(8'd0),
        .ir_awvalid_i(sid_awvalid),
        .ir_awready_o(sid_awready),
        .ir_wdata_i(sid_wdata),
        .ir_wstrb_i(4'hF),
        .ir_wlast_i(1'b1),
        .ir_wvalid_i(sid_wvalid),
        .ir_wready_o(sid_wready),
        .ir_bvalid_o(sid_bvalid),
        .ir_bready_i(sid_bready),
        .m_axi_araddr(rx_araddr),
        .m_axi_arlen(rx_arlen),
        .m_axi_arvalid(rx_arvalid),
        .m_axi_arready(rx_arready),
        .m_axi_rlast,
        .m_axi_rvalid(rx_rvalid),
        .m_axi_rready(rx_rready),
        .m_axi_awaddr(rx_awaddr),
        .m_axi_awlen(rx_awlen),
        .m_axi_awvalid(rx_awvalid),
        .m_axi_awready(rx_awready),
        .m_axi_wdata(rx_wdata),
        .m_axi_wstrb(rx_wstrb),
        .m_axi_wlast(rx_wlast),
        .m_axi_wvalid(rx_wvalid),
        .m_axi_wready(rx_wready),
        .m_axi_bvalid(rx_bvalid),
        .m_axi_bready(rx_bready)
    );

    ohci_self_id self_id (
        .clk,
        .rst(core_rst),
        .enable_i(rcv_self_id && link_enable),
        .buffer_addr_i(self_id_buffer[31:11]),
        .generation_i(generation),
        .stamp_i({timer[27:25], timer[24:12]}),
        .phase_start_i(bus_reset),
        .quadlet_valid_i(sid_quadlet_valid),
        .quadlet_i(sid_quadlet),
        .packet_end_i(sid_end),
        .packet_ok_i(sid_end_ok),
        .phase_end_i(sid_phase_end),
        .m_axi_awaddr(sid_awaddr),
        .m_axi_awvalid(sid_awvalid),
        .m_axi_awready(sid_awready),
        .m_axi_wdata(sid_wdata),
        .m_axi_wvalid(sid_wvalid),
        .m_axi_wready(sid_wready),
        .m_axi_bresp,
        .m_axi_bvalid(sid_bvalid),
        .m_axi_bready(sid_bready),
        .storing_o(sid_storing),
        .done_o(sid_done),
        .size_o(sid_size),
        .error_o(sid_error)
    );
    end else begin : g_no_self_id
      // The reduced configuration stores no self-IDs (selfIDSize reads 0, selfIDComplete comes
      // with the PHY's register 0 status): the IR engine has the arbiter's side to itself.
      assign rx_araddr = ir_araddr;
      assign rx_arlen = ir_arlen;
      assign rx_arvalid = ir_arvalid;
      assign ir_arready = rx_arready;
      assign ir_rvalid = rx_rvalid;
      assign rx_rready = ir_rready;
      assign rx_awaddr = ir_awaddr;
      assign rx_awlen = ir_awlen;
      assign rx_awvalid = ir_awvalid;
      assign ir_awready = rx_awready;
      assign rx_wdata = ir_wdata;
      assign rx_wstrb = 4'hF;
      assign rx_wlast = ir_wlast;
      assign rx_wvalid = ir_wvalid;
      assign ir_wready = rx_wready;
      assign ir_bvalid = rx_bvalid;
      assign rx_bready = ir_bready;
      assign sid_storing = 1'b0;
      assign sid_done = 1'b0;
      assign sid_size = 9'd0;
      assign sid_error = 1'b0;
      // (the self-ID inputs go nowhere in this configuration)
      wire unused_self_id = &{1'b0, rcv_self_id, self_id_buffer[31:11], generation,
                              sid_quadlet_valid, sid_quadlet, sid_end, sid_end_ok, sid_phase_end};
    end
  endgenerate

  ohci_axi_arbiter axi_arbiter (
      .clk,
      .rst,
      .it_araddr_i(it_araddr),
      .it_arlen_i(it_arlen),
      .it_arvalid_i(it_arvalid),
      .it_arready_o(it_arready),
      .it_rvalid_o(it_rvalid),
      .it_rready_i(it_rready),
      .it_awaddr_i(it_awaddr),
      .it_awlen_i(it_awlen),
      .it_awvalid_i(it_awvalid),
      .it_awready_o(it_awready),
      .it_wdata_i(it_wdata),
      .it_wstrb_i(it_wstrb),
      .it_wlast_i(it_wlast),
      .it_wvalid_i(it_wvalid),
      .it_wready_o(it_wready),
      .it_bvalid_o(it_bvalid),
      .it_bready_i(it_bready),
      .ir_araddr_i(rx_araddr),
      .ir_arlen_i(rx_arlen),
      .ir_arvalid_i(rx_arvalid),
      .ir_arready_o(rx_arready),
      .ir_rvalid_o(rx_rvalid),
      .ir_rready_i(rx_rready),
      .ir_awaddr_i(rx_awaddr),
      .ir_awlen_i(rx_awlen),
      .ir_awvalid_i(rx_awvalid),
      .ir_awready_o(rx_awready),
      .ir_wdata_i(rx_wdata),
      .ir_wstrb_i(rx_wstrb),
      .ir_wlast_i(rx_wlast),
      .ir_wvalid_i(rx_wvalid),
      .ir_wready_o(rx_wready),
      .ir_bvalid_o(rx_bvalid),
      .ir_bready_i(rx_bready),
      .m_axi_araddr,
      .m_axi_arlen,
      .m_axi_arvalid,
      .m_axi_arready,
      .m_axi_rlast,
      .m_axi_rvalid,
      .m_axi_rready,
      .m_axi_awaddr,
      .m_axi_awlen,
      .m_axi_awvalid,
      .m_axi_awready,
      .m_axi_wdata,
      .m_axi_wstrb,
      .m_axi_wlast,
      .m_axi_wvalid,
      .m_axi_wready,
      .m_axi_bvalid,
      .m_axi_bready
  );
  // Both engines issue INCR bursts of 32-bit beats (the IT engine's constants).
  assign m_axi_arsize = it_arsize;
  assign m_axi_arburst = it_arburst;
  assign m_axi_awsize = it_awsize;
  assign m_axi_awburst = it_awburst;

  ohci_pkt_ram #(
      .ADDR_WIDTH(RING_W)
  ) rx_ring (
      .clk,
      .wr_en_i  (ring_wr_en),
      .wr_addr_i(ring_wr_addr),
      .wr_data_i(ring_wr_data),
      .rd_en_i  (ring_rd_en),
      .rd_addr_i(ring_rd_addr),
      .rd_data_o(ring_rd_data)
  );

  ohci_link_rx #(
      .RING_W(RING_W)
  ) link_rx (
      .clk,
      .rst(core_rst),
      .lps_i(lps),
      .link_enable_i(link_enable),
      .link_drives_i(phy_ctl_oe),
      // A received packet is stamped with the local cycle timer, which keeps the cycle even
      // when a cycle start is lost (a node that is not cycle master follows the master's).
      .iso_cycle_i({timer[27:25], timer[24:12]}),
      .phy_ctl_i,
      .phy_d_i,
      .ring_wr_en_o(ring_wr_en),
      .ring_wr_addr_o(ring_wr_addr),
      .ring_wr_data_o(ring_wr_data),
      .ring_rd_ptr_i(ring_rd_ptr),
      .record_full_i(record_full),
      .record_valid_o(record_valid),
      .record_header_o(record_header),
      .record_event_o(record_event),
      .record_speed_o(record_speed),
      .record_cycle_o(record_cycle),
      .record_words_o(record_words),
      .cycle_start_o(rx_cycle_start),
      .cycle_start_time_o(rx_cycle_time),
      .age_o(rx_cycle_age),
      .bus_reset_o(bus_reset),
      .phy_reg_valid_o(phy_reg_valid),
      .phy_reg_addr_o(phy_reg_addr),
      .phy_reg_data_o(phy_reg_data),
      .sid_quadlet_valid_o(sid_quadlet_valid),
      .sid_quadlet_o(sid_quadlet),
      .sid_end_o(sid_end),
      .sid_end_ok_o(sid_end_ok),
      .sid_phase_end_o(sid_phase_end)
  );

  ohci_pkt_ram #(
      .ADDR_WIDTH(PKT_AW)
  ) pkt_ram (
      .clk,
      .wr_en_i  (ram_wr_en),
      .wr_addr_i(ram_wr_addr[PKT_AW-1:0]),
      .wr_data_i(ram_wr_data),
      .rd_en_i  (ram_rd_en),
      .rd_addr_i(ram_rd_addr[PKT_AW-1:0]),
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
      .iso_start_o(tx_iso_start),
      .iso_cycle_o(tx_iso_cycle),
      .cycle_lost_o(tx_cycle_lost),
      .busy_o(link_busy),
      .lps_i(lps),
      .phy_req_valid_i(phy_req_valid),
      .phy_req_write_i(phy_req_write),
      .phy_req_addr_i(phy_req_addr),
      .phy_req_data_i(phy_req_data),
      .phy_req_accept_o(phy_req_accept),
      .phy_req_sent_o(phy_req_sent),
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

  // LinkOn is not used: there is no link power management.
  wire unused_inputs = &{1'b0, phy_linkon, self_id_buffer[10:0]};
endmodule
`resetall
