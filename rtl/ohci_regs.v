// ohci_regs: the OHCI register window (0x000-0x7FF) behind an AXI4-Lite slave.
//
// Holds Version, HCControl, IntEvent/IntMask, IsoXmit/IsoRecv IntEvent/IntMask, the
// IRMultiChanMask pair, LinkControl, NodeID, PhyControl, SelfIDBuffer/SelfIDCount and the
// IsochronousCycleTimer access; the identity, configuration and bus-management CSR registers
// are in ohci_config_regs (instantiated here); forwards
// accesses of the IT context blocks (0x200 + 16n) to ohci_it_dma and of the IR context blocks
// (0x400 + 32n) to ohci_ir_dma. Offsets and bits come from
// ohci_regmap.vh, generated from regmap/ohci.rdl. Set/Clear pairs: writing 1 sets (clears) the
// bit, reading either returns the value, except that reading IntEventClear returns
// IntEvent & IntMask and reading IsoXmit/IsoRecvIntEventClear returns event & mask.
// Unimplemented offsets read 0 and ignore writes; every access gets an OKAY response.
//
// Latencies (clk edges; an always-ready master that raises VALID before edge e):
//   - read: ARREADY rises at e, the AR handshake is at e+1 where the value is sampled into
//     RDATA and RVALID rises, the R handshake is at e+2;
//   - write: AWREADY and WREADY rise together at e once both VALIDs are seen, both handshakes
//     are at e+1 where the register takes the value and BVALID rises, the B handshake is at e+2.
//   - irq is registered: it follows IntEvent/IntMask one edge after they change.
//   - PhyControl: a write with rdReg or wrReg set makes a request (phy_req_valid_o) from the
//     edge after the write; ohci_link_tx takes it onto LREQ (phy_req_accept_i) and the bit
//     clears in the clk after the request's stop bit is on LREQ (phy_req_sent_i): "sent to
//     the PHY". A read request clears rdDone at the write edge; the PHY's register
//     status for the address read (phy_reg_valid_i) loads rdAddr/rdData and sets rdDone (and
//     IntEvent.phyRegRcvd) at the edge it is seen. A status nobody asked for (the register 0
//     status after a bus reset) leaves PhyControl alone.
//   - selfIDComplete/selfIDComplete2: at the edge the first register 0 status after a bus reset
//     is seen when the self-ID phase is not stored (rcvSelfID clear), else at the edge
//     ohci_self_id reports that the buffer and SelfIDCount are final (sid_done_i).
//   - softReset: the write edge requests a reset; once the DMA engine has no AXI transaction
//     outstanding and the link no packet on the wire (new ones are held off meanwhile), everything
//     but this AXI4-Lite interface is reset for SOFT_RESET_CLKS clk. HCControl.softReset reads 1
//     from the write until it is over. Every register returns to its power-on value,
//     HCControl.LPS and linkEnable included (software sets them again).
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_regs #(
    parameter [63:0] GUID = 64'h0000_0000_0000_0000,
    parameter integer FULL_REGS = 1,
    parameter integer N_IT  = 4,
    parameter integer N_IR  = 4,
    parameter integer CTX_W = 2,
    parameter integer IR_CTX_W = 2
) (
    input  wire                   clk,
    input  wire                   rst,
    // AXI4-Lite slave
    // Registers are quadlets: address bits [1:0] are ignored.
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [           10:0] s_axil_awaddr,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                   s_axil_awvalid,
    output wire                   s_axil_awready,
    input  wire [           31:0] s_axil_wdata,
    input  wire [            3:0] s_axil_wstrb,
    input  wire                   s_axil_wvalid,
    output wire                   s_axil_wready,
    output wire [            1:0] s_axil_bresp,
    output wire                   s_axil_bvalid,
    input  wire                   s_axil_bready,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [           10:0] s_axil_araddr,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                   s_axil_arvalid,
    output wire                   s_axil_arready,
    output wire [           31:0] s_axil_rdata,
    output wire [            1:0] s_axil_rresp,
    output wire                   s_axil_rvalid,
    input  wire                   s_axil_rready,
    // to the rest of the core
    output wire                   core_rst_o,          // rst or a soft reset in progress
    output wire                   quiesce_o,           // soft reset requested: start nothing new
    input  wire                   quiet_i,             // no DMA transaction or packet in flight
    output wire                   lps_o,
    output wire                   link_enable_o,
    output wire                   cycle_timer_enable_o,
    output wire                   cycle_master_o,
    output wire [           15:0] source_id_o,          // busNumber:nodeNumber
    output wire                   timer_write_o,
    output wire [           31:0] timer_write_data_o,
    input  wire [           31:0] timer_i,
    // events
    input  wire                   cycle_synch_i,
    input  wire                   cycle_64_seconds_i,
    input  wire                   cycle_lost_i,
    input  wire                   cycle_inconsistent_i,
    input  wire                   bus_reset_i,         // the PHY reported a bus reset
    input  wire                   phy_reg_valid_i,     // the PHY reported a register
    input  wire [            3:0] phy_reg_addr_i,
    input  wire [            7:0] phy_reg_data_i,
    input  wire                   unrecoverable_i,
    // PhyControl requests to ohci_link_tx
    output wire                   phy_req_valid_o,
    output wire                   phy_req_write_o,
    output wire [            3:0] phy_req_addr_o,
    output wire [            7:0] phy_req_data_o,
    input  wire                   phy_req_accept_i,
    input  wire                   phy_req_sent_i,
    // self-ID receive (ohci_self_id)
    output wire                   rcv_self_id_o,       // LinkControl.rcvSelfID
    output wire [           31:0] self_id_buffer_o,    // SelfIDBuffer
    output wire [            7:0] generation_o,        // SelfIDCount.selfIDGeneration
    input  wire                   sid_storing_i,
    input  wire                   sid_done_i,
    input  wire [            8:0] sid_size_i,
    input  wire                   sid_error_i,
    input  wire [       N_IT-1:0] it_int_event_i,
    // IT context registers
    output wire                   it_wr_o,
    output wire [      CTX_W-1:0] it_wr_ctx_o,
    output wire [            1:0] it_wr_sel_o,
    output wire [           31:0] it_wr_data_o,
    input  wire [    N_IT*32-1:0] it_context_control_i,
    input  wire [    N_IT*32-1:0] it_command_ptr_i,
    input  wire [       N_IR-1:0] ir_int_event_i,
    // IR context registers
    output wire                   ir_wr_o,
    output wire [   IR_CTX_W-1:0] ir_wr_ctx_o,
    output wire [            2:0] ir_wr_sel_o,
    output wire [           31:0] ir_wr_data_o,
    input  wire [    N_IR*32-1:0] ir_context_control_i,
    input  wire [    N_IR*32-1:0] ir_command_ptr_i,
    input  wire [    N_IR*32-1:0] ir_context_match_i,
    input  wire [    N_IR*32-1:0] ir_dropped_packets_i,
    output wire [           63:0] multi_chan_mask_o,   // {IRMultiChanMaskHi, Lo}
    output wire                   irq_o
);
  `include "ohci_regmap.vh"

  localparam integer SOFT_RESET_CLKS = 4;
  localparam [1:0] AXI_RESP_OKAY = 2'b00;
  // HCControl bits that hold a value (softReset is the reset sequencer's, see below).
  localparam [31:0] HC_CONTROL_STORED = (32'd1 << OHCI_HC_CONTROL_BIB_IMAGE_VALID) |
      (32'd1 << OHCI_HC_CONTROL_NO_BYTE_SWAP_DATA) | (32'd1 << OHCI_HC_CONTROL_ACK_TARDY_ENABLE) |
      (32'd1 << OHCI_HC_CONTROL_PROGRAM_PHY_ENABLE) |
      (32'd1 << OHCI_HC_CONTROL_A_PHY_ENHANCE_ENABLE) | (32'd1 << OHCI_HC_CONTROL_LPS) |
      (32'd1 << OHCI_HC_CONTROL_POSTED_WRITE_ENABLE) | (32'd1 << OHCI_HC_CONTROL_LINK_ENABLE);
  localparam [31:0] LINK_CONTROL_STORED = (32'd1 << OHCI_LINK_CONTROL_CYCLE_SOURCE) |
      (32'd1 << OHCI_LINK_CONTROL_CYCLE_MASTER) | (32'd1 << OHCI_LINK_CONTROL_CYCLE_TIMER_ENABLE) |
      (32'd1 << OHCI_LINK_CONTROL_RCV_PHY_PKT) | (32'd1 << OHCI_LINK_CONTROL_RCV_SELF_ID) |
      (32'd1 << OHCI_LINK_CONTROL_TAG1_SYNC_FILTER_LOCK);
  // IntEvent bits computed from the per-context registers, and the bit that exists only in
  // IntMask: software can neither set nor clear them in IntEvent.
  localparam [31:0] INT_EVENT_DERIVED = (32'd1 << OHCI_INT_EVENT_ISOCH_TX) |
      (32'd1 << OHCI_INT_EVENT_ISOCH_RX) | (32'd1 << OHCI_INT_MASK_MASTER_INT_ENABLE);
  localparam [9:0] BUS_NUMBER_LOCAL = 10'h3FF;  // "local bus" until software writes one
  `include "ohci_below.vh"  // below(x, k): x < k

  // ---- soft reset sequencer (reset by rst only) ----
  // A requested soft reset first lets the DMA finish its AXI transaction and the link its packet
  // (quiesce_o stops new ones), so no burst is cut and the PHY bus is released properly.
  reg soft_reset_request_reg;
  reg [2:0] soft_reset_count_reg;
  wire soft_reset_active = soft_reset_request_reg || soft_reset_count_reg != 3'd0;
  wire core_rst = rst || soft_reset_count_reg != 3'd0;

  // ---- AXI4-Lite handshakes (reset by rst only, so a soft reset never breaks an access) ----
  reg awready_reg;
  reg bvalid_reg;
  reg arready_reg;
  reg rvalid_reg;
  reg [31:0] rdata_reg;

  wire write_fire = awready_reg && s_axil_awvalid && s_axil_wvalid;
  wire read_fire = arready_reg && s_axil_arvalid;

  // ---- registers (reset by core_rst) ----
  reg [31:0] hc_control_reg;
  reg [31:0] int_event_reg;
  reg [31:0] int_mask_reg;
  reg [N_IT-1:0] iso_xmit_event_reg;
  reg [N_IT-1:0] iso_xmit_mask_reg;
  reg [N_IR-1:0] iso_recv_event_reg;
  reg [N_IR-1:0] iso_recv_mask_reg;
  reg [31:0] multi_chan_hi_reg;
  reg [31:0] multi_chan_lo_reg;
  reg [31:0] link_control_reg;
  reg [9:0] bus_number_reg;
  reg [5:0] node_number_reg;
  reg root_reg;
  reg cps_reg;
  reg id_valid_reg;  // cleared by a bus reset until the PHY reports its Physical_ID
  reg [7:0] generation_reg;
  reg irq_reg;
  // PhyControl
  reg phy_wr_pending_reg;
  reg phy_rd_pending_reg;
  reg phy_rd_awaited_reg;  // a read was sent; its status sets rdDone
  reg phy_wr_sending_reg;  // the write request is on LREQ
  reg phy_rd_sending_reg;  // the read request is on LREQ
  reg [3:0] phy_reg_addr_reg;
  reg [7:0] phy_wr_data_reg;
  reg phy_rd_done_reg;
  reg [3:0] phy_rd_addr_reg;
  reg [7:0] phy_rd_data_reg;
  reg [31:0] self_id_buffer_reg;

  wire isoch_tx = |(iso_xmit_event_reg & iso_xmit_mask_reg);
  wire isoch_rx = |(iso_recv_event_reg & iso_recv_mask_reg);
  wire [31:0] int_event_value = (int_event_reg & ~INT_EVENT_DERIVED) |
      ({31'd0, isoch_tx} << OHCI_INT_EVENT_ISOCH_TX) | ({31'd0, isoch_rx} << OHCI_INT_EVENT_ISOCH_RX);
  wire [31:0] hc_control_value = hc_control_reg |
      ({31'd0, soft_reset_active} << OHCI_HC_CONTROL_SOFT_RESET);
  wire link_enable = hc_control_reg[OHCI_HC_CONTROL_LINK_ENABLE];
  // Node 0 and root from power-on until the first bus reset; then what the PHY reports in its
  // register 0 (Physical_ID, R) after the self-ID phase.
  wire [31:0] node_id_value = ({31'd0, link_enable && id_valid_reg} << OHCI_NODE_ID_ID_VALID) |
      ({31'd0, root_reg} << OHCI_NODE_ID_ROOT) | ({31'd0, cps_reg} << OHCI_NODE_ID_CPS) |
      {16'd0, bus_number_reg, node_number_reg};
  wire [31:0] self_id_count_value = ({31'd0, sid_error_i} << OHCI_SELF_ID_COUNT_SELF_ID_ERROR) |
      {8'd0, generation_reg, 5'd0, sid_size_i, 2'd0};
  wire [31:0] phy_control_value = {
    phy_rd_done_reg, 3'd0, phy_rd_addr_reg, phy_rd_data_reg,
    phy_rd_pending_reg || phy_rd_sending_reg, phy_wr_pending_reg || phy_wr_sending_reg, 2'd0,
    phy_reg_addr_reg, phy_wr_data_reg
  };
  wire phy_reg0 = phy_reg_valid_i && phy_reg_addr_i == 4'd0;
  // The register status a PhyControl read waits for.
  wire phy_read_answered = phy_reg_valid_i && phy_rd_awaited_reg &&
                           phy_reg_addr_i == phy_reg_addr_reg;
  wire self_id_complete = sid_done_i || (phy_reg0 && !id_valid_reg && !sid_storing_i);
  // Any hardware event of IntEvent in this clk.
  wire int_hw_event = cycle_synch_i || cycle_64_seconds_i || cycle_lost_i ||
                      cycle_inconsistent_i || bus_reset_i || self_id_complete ||
                      phy_read_answered || unrecoverable_i;
  // A PhyControl request: the write first when software asked for both.
  wire phy_accept_write = phy_req_accept_i && phy_wr_pending_reg;
  wire phy_accept_read = phy_req_accept_i && !phy_wr_pending_reg;

  // ---- write decode ----
  wire [31:0] strb_mask = {
    {8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}}, {8{s_axil_wstrb[1]}}, {8{s_axil_wstrb[0]}}
  };
  wire [31:0] wbits = s_axil_wdata & strb_mask;  // the bits a Set/Clear write names
  wire [10:0] waddr = {s_axil_awaddr[10:2], 2'b00};
  wire [10:0] raddr = {s_axil_araddr[10:2], 2'b00};

  // Context block decode: IT n at 0x200 + 16n; the 32 possible blocks fill 0x200-0x3FF.
  wire w_in_it = waddr[10:9] == OHCI_IT_CONTEXT_BASE[10:9] && below({11'd0, waddr[8:4]}, N_IT[15:0]);
  wire r_in_it = raddr[10:9] == OHCI_IT_CONTEXT_BASE[10:9] && below({11'd0, raddr[8:4]}, N_IT[15:0]);
  wire [CTX_W-1:0] w_it_ctx = waddr[4+:CTX_W];
  wire [CTX_W-1:0] r_it_ctx = raddr[4+:CTX_W];
  wire [3:0] w_it_reg = waddr[3:0];
  wire [3:0] r_it_reg = raddr[3:0];
  // IR n at 0x400 + 32n; the 32 possible blocks fill 0x400-0x7FF.
  wire w_in_ir = waddr[10] && below({11'd0, waddr[9:5]}, N_IR[15:0]);
  wire r_in_ir = raddr[10] && below({11'd0, raddr[9:5]}, N_IR[15:0]);
  wire [IR_CTX_W-1:0] w_ir_ctx = waddr[5+:IR_CTX_W];
  wire [IR_CTX_W-1:0] r_ir_ctx = raddr[5+:IR_CTX_W];
  wire [4:0] w_ir_reg = waddr[4:0];
  wire [4:0] r_ir_reg = raddr[4:0];

  reg ir_wr_reg;
  reg [IR_CTX_W-1:0] ir_wr_ctx_reg;
  reg [2:0] ir_wr_sel_reg;

  reg it_wr_reg;
  reg [CTX_W-1:0] it_wr_ctx_reg;
  reg [1:0] it_wr_sel_reg;
  reg timer_write_reg;
  // The value of a write forwarded to an IT or IR context or to the cycle timer: one register
  // for all three, since each receiver looks at it only while its write strobe (it_wr_reg,
  // ir_wr_reg, timer_write_reg) is high, and at most one of them is high.
  reg [31:0] wr_data_reg;
  // Plain registers (IT/IR CommandPtr, IR ContextMatch, IsochronousCycleTimer): the bytes not
  // strobed keep their value; a Set/Clear register takes the strobed bits only.
  // (computed only in a clk with a write, the one clk wr_data_reg loads it)
  reg [31:0] w_forward;
  always @(*) begin
    if (!write_fire) w_forward = 32'd0;
    else if (w_in_it)
      w_forward = ((w_it_reg == OHCI_COMMAND_PTR[3:0] ? it_command_ptr_i[32*w_it_ctx+:32] :
                                                        32'd0) & ~strb_mask) | wbits;
    else if (w_in_ir)
      w_forward = ((w_ir_reg == OHCI_COMMAND_PTR[4:0] ? ir_command_ptr_i[32*w_ir_ctx+:32] :
                    w_ir_reg == OHCI_CONTEXT_MATCH[4:0] ? ir_context_match_i[32*w_ir_ctx+:32] :
                                                          32'd0) & ~strb_mask) | wbits;
    else w_forward = (timer_i & ~strb_mask) | wbits;
  end

  // ---- identity, configuration and bus-management CSR registers ----
  wire [31:0] config_value;
  wire config_hit;
  ohci_config_regs #(
      .GUID(GUID),
      .FULL(FULL_REGS)
  ) config_regs (
      .clk,
      .rst,
      .core_rst,
      .wr_i(write_fire && !w_in_it && !w_in_ir),
      .wr_addr_i(waddr),
      .wr_data_i(s_axil_wdata),
      .wr_mask_i(strb_mask),
      .rd_en_i(read_fire),
      .rd_addr_i(raddr),
      .rd_data_o(config_value),
      .rd_hit_o(config_hit),
      .bus_reset_i(bus_reset_i)
  );

  // ---- read mux ----
  reg [31:0] read_value;
  // Computed only in a clk with a read (read_fire), the one clk rdata_reg loads it: a Verilated
  // model evaluates combinational logic every clk, and most clks read nothing.
  always @(*) begin
    read_value = 32'd0;
    if (!read_fire) begin
      read_value = 32'd0;
    end else if (r_in_it) begin
      if (r_it_reg == OHCI_CONTEXT_CONTROL_SET[3:0] || r_it_reg == OHCI_CONTEXT_CONTROL_CLEAR[3:0])
        read_value = it_context_control_i[32*r_it_ctx+:32];
      else if (r_it_reg == OHCI_COMMAND_PTR[3:0]) read_value = it_command_ptr_i[32*r_it_ctx+:32];
    end else if (r_in_ir) begin
      if (r_ir_reg == OHCI_CONTEXT_CONTROL_SET[4:0] || r_ir_reg == OHCI_CONTEXT_CONTROL_CLEAR[4:0])
        read_value = ir_context_control_i[32*r_ir_ctx+:32];
      else if (r_ir_reg == OHCI_COMMAND_PTR[4:0]) read_value = ir_command_ptr_i[32*r_ir_ctx+:32];
      else if (r_ir_reg == OHCI_CONTEXT_MATCH[4:0])
        read_value = ir_context_match_i[32*r_ir_ctx+:32];
      else if (r_ir_reg == OHCI_DROPPED_PACKETS[4:0])
        read_value = ir_dropped_packets_i[32*r_ir_ctx+:32];
    end else begin
      case (raddr)
        OHCI_VERSION: read_value = OHCI_VERSION_VALUE;
        OHCI_HC_CONTROL_SET, OHCI_HC_CONTROL_CLEAR: read_value = hc_control_value;
        OHCI_IR_MULTI_CHAN_MASK_HI_SET, OHCI_IR_MULTI_CHAN_MASK_HI_CLEAR:
        read_value = multi_chan_hi_reg;
        OHCI_IR_MULTI_CHAN_MASK_LO_SET, OHCI_IR_MULTI_CHAN_MASK_LO_CLEAR:
        read_value = multi_chan_lo_reg;
        OHCI_INT_EVENT_SET: read_value = int_event_value;
        OHCI_INT_EVENT_CLEAR: read_value = int_event_value & int_mask_reg;
        OHCI_INT_MASK_SET, OHCI_INT_MASK_CLEAR: read_value = int_mask_reg;
        OHCI_ISO_XMIT_INT_EVENT_SET: read_value = {{(32 - N_IT) {1'b0}}, iso_xmit_event_reg};
        OHCI_ISO_XMIT_INT_EVENT_CLEAR:
        read_value = {{(32 - N_IT) {1'b0}}, iso_xmit_event_reg & iso_xmit_mask_reg};
        OHCI_ISO_XMIT_INT_MASK_SET, OHCI_ISO_XMIT_INT_MASK_CLEAR:
        read_value = {{(32 - N_IT) {1'b0}}, iso_xmit_mask_reg};
        OHCI_ISO_RECV_INT_EVENT_SET: read_value = {{(32 - N_IR) {1'b0}}, iso_recv_event_reg};
        OHCI_ISO_RECV_INT_EVENT_CLEAR:
        read_value = {{(32 - N_IR) {1'b0}}, iso_recv_event_reg & iso_recv_mask_reg};
        OHCI_ISO_RECV_INT_MASK_SET, OHCI_ISO_RECV_INT_MASK_CLEAR:
        read_value = {{(32 - N_IR) {1'b0}}, iso_recv_mask_reg};
        OHCI_LINK_CONTROL_SET, OHCI_LINK_CONTROL_CLEAR: read_value = link_control_reg;
        OHCI_NODE_ID: read_value = node_id_value;
        OHCI_SELF_ID_COUNT: read_value = self_id_count_value;
        OHCI_SELF_ID_BUFFER: read_value = self_id_buffer_reg;
        OHCI_PHY_CONTROL: read_value = phy_control_value;
        OHCI_ISOCHRONOUS_CYCLE_TIMER: read_value = timer_i;
        default: read_value = config_hit ? config_value : 32'd0;
      endcase
    end
  end

  // ---- AXI4-Lite handshakes ----
  always @(posedge clk) begin
    if (rst) begin
      awready_reg <= 1'b0;
      bvalid_reg <= 1'b0;
      arready_reg <= 1'b0;
      rvalid_reg <= 1'b0;
      rdata_reg <= 32'd0;
    end else begin
      if (s_axil_bready) bvalid_reg <= 1'b0;
      if (write_fire) begin
        awready_reg <= 1'b0;
        bvalid_reg <= 1'b1;
      end else if (!awready_reg && s_axil_awvalid && s_axil_wvalid && (!bvalid_reg || s_axil_bready))
        awready_reg <= 1'b1;

      if (s_axil_rready) rvalid_reg <= 1'b0;
      if (read_fire) begin
        arready_reg <= 1'b0;
        rvalid_reg <= 1'b1;
        rdata_reg <= read_value;
      end else if (!arready_reg && s_axil_arvalid && (!rvalid_reg || s_axil_rready))
        arready_reg <= 1'b1;
    end
  end

  // ---- soft reset sequencer ----
  always @(posedge clk) begin
    if (rst) begin
      soft_reset_request_reg <= 1'b0;
      soft_reset_count_reg <= 3'd0;
    end else if (soft_reset_count_reg != 3'd0) begin
      soft_reset_count_reg <= soft_reset_count_reg - 3'd1;
    end else if (soft_reset_request_reg) begin
      if (quiet_i) begin
        soft_reset_request_reg <= 1'b0;
        soft_reset_count_reg <= SOFT_RESET_CLKS[2:0];
      end
    end else if (write_fire && waddr == OHCI_HC_CONTROL_SET && wbits[OHCI_HC_CONTROL_SOFT_RESET]) begin
      soft_reset_request_reg <= 1'b1;
    end
  end

  // ---- register writes and hardware events ----
  always @(posedge clk) begin
    it_wr_reg <= 1'b0;
    ir_wr_reg <= 1'b0;
    timer_write_reg <= 1'b0;
    if (core_rst) begin
      hc_control_reg <= 32'd0;
      int_event_reg <= 32'd0;
      int_mask_reg <= 32'd0;
      iso_xmit_event_reg <= {N_IT{1'b0}};
      iso_xmit_mask_reg <= {N_IT{1'b0}};
      iso_recv_event_reg <= {N_IR{1'b0}};
      iso_recv_mask_reg <= {N_IR{1'b0}};
      multi_chan_hi_reg <= 32'd0;
      multi_chan_lo_reg <= 32'd0;
      link_control_reg <= 32'd0;
      bus_number_reg <= BUS_NUMBER_LOCAL;
      node_number_reg <= 6'd0;
      root_reg <= 1'b1;
      cps_reg <= 1'b0;
      id_valid_reg <= 1'b1;
      generation_reg <= 8'd0;
      irq_reg <= 1'b0;
      phy_wr_pending_reg <= 1'b0;
      phy_rd_pending_reg <= 1'b0;
      phy_rd_awaited_reg <= 1'b0;
      phy_wr_sending_reg <= 1'b0;
      phy_rd_sending_reg <= 1'b0;
      phy_reg_addr_reg <= 4'd0;
      phy_wr_data_reg <= 8'd0;
      phy_rd_done_reg <= 1'b0;
      phy_rd_addr_reg <= 4'd0;
      phy_rd_data_reg <= 8'd0;
      self_id_buffer_reg <= OHCI_SELF_ID_BUFFER_RESET;
      it_wr_ctx_reg <= {CTX_W{1'b0}};
      it_wr_sel_reg <= 2'd0;
      ir_wr_ctx_reg <= {IR_CTX_W{1'b0}};
      ir_wr_sel_reg <= 3'd0;
      wr_data_reg <= 32'd0;
    end else begin
      if (write_fire) begin
        if (w_in_it) begin
          it_wr_reg <= 1'b1;
          it_wr_ctx_reg <= w_it_ctx;
          it_wr_sel_reg <= w_it_reg[3:2];
          wr_data_reg <= w_forward;
        end else if (w_in_ir) begin
          // Only ContextControlSet/Clear, CommandPtr and ContextMatch take writes.
          ir_wr_reg <= w_ir_reg == OHCI_CONTEXT_CONTROL_SET[4:0] ||
                       w_ir_reg == OHCI_CONTEXT_CONTROL_CLEAR[4:0] ||
                       w_ir_reg == OHCI_COMMAND_PTR[4:0] || w_ir_reg == OHCI_CONTEXT_MATCH[4:0];
          ir_wr_ctx_reg <= w_ir_ctx;
          ir_wr_sel_reg <= w_ir_reg[4:2];
          wr_data_reg <= w_forward;
        end else begin
          case (waddr)
            OHCI_HC_CONTROL_SET: hc_control_reg <= hc_control_reg | (wbits & HC_CONTROL_STORED);
            // (the clears keep the bits that hold no value at 0 too, so that synthesis drops
            // their flip-flops)
            OHCI_HC_CONTROL_CLEAR: hc_control_reg <= hc_control_reg & ~wbits & HC_CONTROL_STORED;
            OHCI_IR_MULTI_CHAN_MASK_HI_SET: multi_chan_hi_reg <= multi_chan_hi_reg | wbits;
            OHCI_IR_MULTI_CHAN_MASK_HI_CLEAR: multi_chan_hi_reg <= multi_chan_hi_reg & ~wbits;
            OHCI_IR_MULTI_CHAN_MASK_LO_SET: multi_chan_lo_reg <= multi_chan_lo_reg | wbits;
            OHCI_IR_MULTI_CHAN_MASK_LO_CLEAR: multi_chan_lo_reg <= multi_chan_lo_reg & ~wbits;
            OHCI_INT_MASK_SET: int_mask_reg <= int_mask_reg | wbits;
            OHCI_INT_MASK_CLEAR: int_mask_reg <= int_mask_reg & ~wbits;
            OHCI_ISO_XMIT_INT_MASK_SET: iso_xmit_mask_reg <= iso_xmit_mask_reg | wbits[N_IT-1:0];
            OHCI_ISO_XMIT_INT_MASK_CLEAR: iso_xmit_mask_reg <= iso_xmit_mask_reg & ~wbits[N_IT-1:0];
            OHCI_ISO_RECV_INT_MASK_SET: iso_recv_mask_reg <= iso_recv_mask_reg | wbits[N_IR-1:0];
            OHCI_ISO_RECV_INT_MASK_CLEAR: iso_recv_mask_reg <= iso_recv_mask_reg & ~wbits[N_IR-1:0];
            OHCI_LINK_CONTROL_SET:
            link_control_reg <= link_control_reg | (wbits & LINK_CONTROL_STORED);
            OHCI_LINK_CONTROL_CLEAR:
            link_control_reg <= link_control_reg & ~wbits & LINK_CONTROL_STORED;
            OHCI_NODE_ID: begin
              if (s_axil_wstrb[1]) bus_number_reg[9:2] <= s_axil_wdata[15:8];
              if (s_axil_wstrb[0]) bus_number_reg[1:0] <= s_axil_wdata[7:6];
            end
            OHCI_ISOCHRONOUS_CYCLE_TIMER: begin
              timer_write_reg <= 1'b1;
              wr_data_reg <= w_forward;
            end
            OHCI_SELF_ID_BUFFER:
            self_id_buffer_reg <= ((self_id_buffer_reg & ~strb_mask) | wbits) & 32'hFFFF_F800;
            default: ;
          endcase
        end
      end

      // ---- PhyControl ----
      if (phy_req_sent_i) begin
        phy_wr_sending_reg <= 1'b0;
        phy_rd_sending_reg <= 1'b0;
      end
      if (phy_accept_write) begin
        phy_wr_pending_reg <= 1'b0;
        phy_wr_sending_reg <= 1'b1;
      end
      if (phy_accept_read) begin
        phy_rd_pending_reg <= 1'b0;
        phy_rd_sending_reg <= 1'b1;
        phy_rd_awaited_reg <= 1'b1;
      end
      if (phy_read_answered) begin
        phy_rd_awaited_reg <= 1'b0;
        phy_rd_done_reg <= 1'b1;
        phy_rd_addr_reg <= phy_reg_addr_i;
        phy_rd_data_reg <= phy_reg_data_i;
      end
      if (write_fire && waddr == OHCI_PHY_CONTROL) begin
        if (s_axil_wstrb[1]) phy_reg_addr_reg <= s_axil_wdata[11:8];
        if (s_axil_wstrb[0]) phy_wr_data_reg <= s_axil_wdata[7:0];
        if (wbits[OHCI_PHY_CONTROL_WR_REG]) phy_wr_pending_reg <= 1'b1;
        if (wbits[OHCI_PHY_CONTROL_RD_REG]) begin
          phy_rd_pending_reg <= 1'b1;
          phy_rd_awaited_reg <= 1'b0;
          phy_rd_done_reg <= 1'b0;
        end
      end

      if (bus_reset_i) begin
        id_valid_reg <= 1'b0;
        generation_reg <= generation_reg + 8'd1;
      end else if (phy_reg0) begin
        node_number_reg <= phy_reg_data_i[7:2];
        root_reg <= phy_reg_data_i[1];
        cps_reg <= phy_reg_data_i[0];
        id_valid_reg <= 1'b1;
      end

      // Event registers: a hardware event in the same clk as a software clear stays set. Each
      // is recomputed only in a clk with a register write or one of its events (otherwise the
      // expression is its own value): a Verilated model evaluates the expression only then.
      if (write_fire || int_hw_event)
      int_event_reg <= ((write_fire && waddr == OHCI_INT_EVENT_SET) ?
                        int_event_reg | (wbits & ~INT_EVENT_DERIVED) :
                        (write_fire && waddr == OHCI_INT_EVENT_CLEAR) ?
                        int_event_reg & ~wbits & ~INT_EVENT_DERIVED : int_event_reg) |
                       ({31'd0, cycle_synch_i} << OHCI_INT_EVENT_CYCLE_SYNCH) |
                       ({31'd0, cycle_64_seconds_i} << OHCI_INT_EVENT_CYCLE_64_SECONDS) |
                       ({31'd0, cycle_lost_i} << OHCI_INT_EVENT_CYCLE_LOST) |
                       ({31'd0, cycle_inconsistent_i} << OHCI_INT_EVENT_CYCLE_INCONSISTENT) |
                       ({31'd0, bus_reset_i} << OHCI_INT_EVENT_BUS_RESET) |
                       ({31'd0, self_id_complete} << OHCI_INT_EVENT_SELF_ID_COMPLETE) |
                       ({31'd0, self_id_complete} << OHCI_INT_EVENT_SELF_ID_COMPLETE2) |
                       ({31'd0, phy_read_answered} << OHCI_INT_EVENT_PHY_REG_RCVD) |
                       ({31'd0, unrecoverable_i} << OHCI_INT_EVENT_UNRECOVERABLE_ERROR);
      if (write_fire || |it_int_event_i)
      iso_xmit_event_reg <= ((write_fire && waddr == OHCI_ISO_XMIT_INT_EVENT_SET) ?
                             iso_xmit_event_reg | wbits[N_IT-1:0] :
                             (write_fire && waddr == OHCI_ISO_XMIT_INT_EVENT_CLEAR) ?
                             iso_xmit_event_reg & ~wbits[N_IT-1:0] : iso_xmit_event_reg) |
                            it_int_event_i;
      if (write_fire || |ir_int_event_i)
      iso_recv_event_reg <= ((write_fire && waddr == OHCI_ISO_RECV_INT_EVENT_SET) ?
                            iso_recv_event_reg | wbits[N_IR-1:0] :
                            (write_fire && waddr == OHCI_ISO_RECV_INT_EVENT_CLEAR) ?
                            iso_recv_event_reg & ~wbits[N_IR-1:0] : iso_recv_event_reg) |
                            ir_int_event_i;

      irq_reg <= int_mask_reg[OHCI_INT_MASK_MASTER_INT_ENABLE] &&
                 |(int_event_value[30:0] & int_mask_reg[30:0]);
    end
  end

  assign s_axil_awready = awready_reg;
  assign s_axil_wready = awready_reg;
  assign s_axil_bresp = AXI_RESP_OKAY;
  assign s_axil_bvalid = bvalid_reg;
  assign s_axil_arready = arready_reg;
  assign s_axil_rdata = rdata_reg;
  assign s_axil_rresp = AXI_RESP_OKAY;
  assign s_axil_rvalid = rvalid_reg;
  assign core_rst_o = core_rst;
  assign quiesce_o = soft_reset_request_reg;
  assign lps_o = hc_control_reg[OHCI_HC_CONTROL_LPS];
  assign link_enable_o = link_enable;
  assign cycle_timer_enable_o = link_control_reg[OHCI_LINK_CONTROL_CYCLE_TIMER_ENABLE];
  assign cycle_master_o = link_control_reg[OHCI_LINK_CONTROL_CYCLE_MASTER];
  assign source_id_o = {bus_number_reg, 6'd0};
  assign timer_write_o = timer_write_reg;
  assign timer_write_data_o = wr_data_reg;
  assign it_wr_o = it_wr_reg;
  assign it_wr_ctx_o = it_wr_ctx_reg;
  assign it_wr_sel_o = it_wr_sel_reg;
  assign it_wr_data_o = wr_data_reg;
  assign ir_wr_o = ir_wr_reg;
  assign ir_wr_ctx_o = ir_wr_ctx_reg;
  assign ir_wr_sel_o = ir_wr_sel_reg;
  assign ir_wr_data_o = wr_data_reg;
  assign multi_chan_mask_o = {multi_chan_hi_reg, multi_chan_lo_reg};
  assign irq_o = irq_reg;
  assign phy_req_valid_o = phy_wr_pending_reg || phy_rd_pending_reg;
  assign phy_req_write_o = phy_wr_pending_reg;
  assign phy_req_addr_o = phy_reg_addr_reg;
  assign phy_req_data_o = phy_wr_data_reg;
  assign rcv_self_id_o = link_control_reg[OHCI_LINK_CONTROL_RCV_SELF_ID];
  assign self_id_buffer_o = self_id_buffer_reg;
  assign generation_o = generation_reg;
endmodule
`resetall
