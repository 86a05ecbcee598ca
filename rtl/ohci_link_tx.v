// ohci_link_tx: the transmit half of the 1394 link layer, down to the 1394a PHY-link pins.
//
// Sends two kinds of packet, one at a time:
//   - the cycle start (as cycle master): requested when the cycle timer wraps, sent with a
//     PriReq at S100: q0 = 0xFFFF008F, q1 = source_ID:0xFFFF, q2 = 0xF0000200, q3 = the cycle
//     timer value latched at the Grant, then the header CRC;
//   - isochronous packets handed over by the IT DMA (iso_valid_i / iso_accept_o), each sent with
//     an IsoReq at its own speed: header quadlet, header CRC, payload read from the packet RAM
//     (zero-padded to a quadlet by the DMA), data CRC. A zero-length packet has no data block
//     and no data CRC.
// After a cycle start has been sent, iso_start_o opens the isochronous period of that cycle.
// PHY register requests from PhyControl (phy_req_*): RdReg {1, 100, address[3:0], 0} (9 bits)
// and WrReg {1, 101, address[3:0], data[7:0], 0} (17 bits) on LREQ; they need only LPS (not
// linkEnable), take no grant, and come after a pending cycle start but before an isochronous
// packet. The PHY answers a RdReg with a register status transfer (ohci_link_rx).
//
// PHY-link protocol (reference/ohci-isoch.md 4.4, TI 1394a): LREQ is 8 bits {1, type[2:0],
// speed[2:0], 0}, one per clk, MSB first. The PHY answers Grant (CTL=11) for one clk and Idle
// for one clk; the link then drives Transmit (CTL=10) with data on D (S400: D0-D7, S200: D0-D3,
// S100: D0-D1, unused lines low; D0 = phy_d_o[7] carries the first bit), then Idle for two clk,
// then releases CTL and D.
//
// Latencies (clk edges; all pin outputs registered):
//   - iso_accept_o is combinational: the packet is taken at the edge it is high.
//   - LREQ starts at the edge a request is taken (phy_lreq high from that edge for 1 clk);
//     phy_req_accept_o is combinational, like iso_accept_o: the register request is taken at the
//     edge it is high; phy_req_sent_o pulses in the clk its stop bit is on LREQ (9 or 17 clk
//     after the start bit), and the link is idle again from then.
//   - The PHY's Grant is seen at edge G; Idle at G+1; the link drives Transmit from edge G+1,
//     so the PHY samples the first data chunk at edge G+2.
//   - Each quadlet takes 4 (S400), 8 (S200) or 16 (S100) clk on the wire.
//   - After the last data chunk, two Idle clk, then the pins are released; iso_done_o (or
//     iso_start_o for a cycle start) pulses in the cycle the release is registered.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_link_tx #(
    parameter integer CTX_W  = 2,   // bits of an IT context number
    parameter integer WORD_W = 10   // bits of a payload quadlet index in one context's area
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              link_enable_i,
    input  wire              quiesce_i,         // soft reset pending: start nothing new
    input  wire              cycle_master_i,    // LinkControl.cycleMaster (and timer enabled)
    input  wire              cycle_start_i,     // the cycle timer wrapped
    input  wire [      31:0] timer_i,           // IsochronousCycleTimer
    input  wire [      15:0] source_id_i,       // busNumber:nodeNumber
    // isochronous packet from the IT DMA
    input  wire              iso_valid_i,
    input  wire [      31:0] iso_header_i,      // the 1394 isochronous header quadlet
    input  wire [       1:0] iso_speed_i,       // 0 S100, 1 S200, 2 S400
    input  wire [      10:0] iso_words_i,       // payload quadlets (0..1024)
    input  wire [ CTX_W-1:0] iso_ctx_i,         // whose packet RAM area holds the payload
    output wire              iso_accept_o,      // the packet above is taken at this clk edge
    output wire              iso_done_o,        // pulse: it has left the wire
    output wire [ CTX_W-1:0] iso_ctx_o,         // the context of the accepted / done packet
    output wire              iso_start_o,       // pulse: isochronous period of iso_cycle_o begins
    output wire [      15:0] iso_cycle_o,       // cycleSeconds[2:0]:cycleCount of that cycle
    output wire              cycle_lost_o,      // pulse: a cycle start could not be sent in time
    output wire              busy_o,
    // PHY register requests (PhyControl)
    input  wire              lps_i,             // HCControl.LPS
    input  wire              phy_req_valid_i,
    input  wire              phy_req_write_i,   // 1 WrReg, 0 RdReg
    input  wire [       3:0] phy_req_addr_i,
    input  wire [       7:0] phy_req_data_i,
    output wire              phy_req_accept_o,
    output wire              phy_req_sent_o,    // pulse: the request's stop bit is on LREQ
    // packet RAM read port
    output wire              ram_rd_en_o,
    output wire [CTX_W+WORD_W-1:0] ram_rd_addr_o,
    input  wire [      31:0] ram_rd_data_i,
    // PHY-link pins
    input  wire [       1:0] phy_ctl_i,
    output wire [       1:0] phy_ctl_o,
    output wire              phy_ctl_oe,
    output wire [       7:0] phy_d_o,
    output wire              phy_d_oe,
    output wire              phy_lreq
);
  // CTL codes as driven by the PHY and by the link.
  localparam [1:0] CTL_IDLE = 2'b00;
  // (Hold, 2'b01, is never driven: the header CRC is computed on the fly and payload quadlet 0
  // is fetched before the request, so the link is always ready to transmit at once.)
  localparam [1:0] CTL_TRANSMIT = 2'b10;
  localparam [1:0] CTL_GRANT = 2'b11;
  // LREQ request types.
  localparam [2:0] LREQ_ISO_REQ = 3'b001;
  localparam [2:0] LREQ_PRI_REQ = 3'b010;
  localparam [2:0] LREQ_RD_REG = 3'b100;
  localparam [2:0] LREQ_WR_REG = 3'b101;
  // Speed codes (OHCI spd / 1394 speed code).
  localparam [1:0] SPEED_S100 = 2'd0;
  localparam [1:0] SPEED_S200 = 2'd1;
  // Cycle start packet constants.
  localparam [31:0] CYCLE_START_Q0 = 32'hFFFF_008F;  // dest 0xFFFF, tcode 8, pri 0xF
  localparam [31:0] CYCLE_START_Q2 = 32'hF000_0200;  // CSR CYCLE_TIME offset
  localparam [31:0] CRC_INIT = 32'hFFFF_FFFF;

  localparam [2:0] L_IDLE = 3'd0;
  localparam [2:0] L_LREQ = 3'd1;
  localparam [2:0] L_WAIT_GRANT = 3'd2;
  localparam [2:0] L_GRANT_IDLE = 3'd3;
  localparam [2:0] L_TX = 3'd4;
  localparam [2:0] L_RELEASE = 3'd5;
  localparam [2:0] L_LREQ_REG = 3'd6;  // a register request on LREQ: no grant follows

  // What the quadlet in the shifter is.
  localparam [2:0] SQ_START = 3'd0;  // nothing loaded yet
  localparam [2:0] SQ_HDR = 3'd1;
  localparam [2:0] SQ_HCRC = 3'd2;
  localparam [2:0] SQ_DATA = 3'd3;
  localparam [2:0] SQ_DCRC = 3'd4;

  reg [2:0] state_reg;
  reg [2:0] seq_reg;
  reg is_cycle_start_reg;  // the packet in flight is a cycle start
  reg cs_pending_reg;  // a cycle start waits to be sent
  reg [15:0] cs_cycle_reg;  // cycle number of the pending cycle start
  reg [15:0] iso_cycle_reg;
  reg [31:0] hdr_reg[0:3];
  reg [2:0] hdr_count_reg;  // header quadlets (1 or 4)
  reg [10:0] words_reg;
  reg [10:0] index_reg;  // header or payload quadlet index of the quadlet in the shifter
  reg [CTX_W-1:0] ctx_reg;
  reg [1:0] speed_reg;
  reg [15:0] lreq_shift_reg;  // the request's bits after the start bit, MSB first
  reg [4:0] lreq_count_reg;
  reg [31:0] shift_reg;
  reg [4:0] chunk_count_reg;  // chunks of the shifter already sent
  reg [31:0] crc_reg;
  reg [1:0] release_count_reg;
  reg phy_lreq_reg;
  reg [1:0] phy_ctl_o_reg;
  reg phy_oe_reg;
  reg [7:0] phy_d_o_reg;
  reg ram_rd_en_reg;
  reg [CTX_W+WORD_W-1:0] ram_rd_addr_reg;
  reg iso_done_reg;
  reg iso_start_reg;
  reg cycle_lost_reg;
  reg phy_req_sent_reg;

  // Bits per clk and chunks per quadlet at the packet's speed.
  wire [4:0] chunks_per_quadlet = speed_reg == SPEED_S100 ? 5'd16 :
                                  speed_reg == SPEED_S200 ? 5'd8 : 5'd4;

  wire quadlet_done = chunk_count_reg == chunks_per_quadlet;
  // The next quadlet to load into the shifter, and whether the CRC covers it.
  reg [31:0] next_quadlet;
  reg next_is_crc_covered;
  reg next_exists;
  reg [2:0] next_seq;
  reg [10:0] next_index;
  wire [31:0] payload_quadlet = {
    ram_rd_data_i[7:0], ram_rd_data_i[15:8], ram_rd_data_i[23:16], ram_rd_data_i[31:24]
  };  // packet RAM words hold wire bytes in little-endian lanes

  // Looked at only when a quadlet is loaded into the shifter (the Grant's Idle, or the last chunk
  // of a quadlet under way), so computed only then: a Verilated model evaluates combinational
  // logic on every clk.
  wire load_next = state_reg == L_GRANT_IDLE || (state_reg == L_TX && quadlet_done);
  always @(*) begin
    next_quadlet = 32'h0;
    next_is_crc_covered = 1'b0;
    next_exists = 1'b1;
    next_seq = seq_reg;
    next_index = index_reg;
    if (load_next) case (seq_reg)
      SQ_START: begin
        next_quadlet = hdr_reg[0];
        next_is_crc_covered = 1'b1;
        next_seq = SQ_HDR;
        next_index = 11'd0;
      end
      SQ_HDR: begin
        if (index_reg + 11'd1 < {8'd0, hdr_count_reg}) begin
          next_quadlet = hdr_reg[index_reg[1:0]+2'd1];
          next_is_crc_covered = 1'b1;
          next_index = index_reg + 11'd1;
        end else begin
          next_quadlet = ~crc_reg;
          next_seq = SQ_HCRC;
        end
      end
      SQ_HCRC: begin
        if (words_reg != 11'd0) begin
          next_quadlet = payload_quadlet;
          next_is_crc_covered = 1'b1;
          next_seq = SQ_DATA;
          next_index = 11'd0;
        end else begin
          next_exists = 1'b0;
        end
      end
      SQ_DATA: begin
        if (index_reg + 11'd1 < words_reg) begin
          next_quadlet = payload_quadlet;
          next_is_crc_covered = 1'b1;
          next_index = index_reg + 11'd1;
        end else begin
          next_quadlet = ~crc_reg;
          next_seq = SQ_DCRC;
        end
      end
      default: next_exists = 1'b0;
    endcase
  end

  // The CRC register restarts after each CRC quadlet; the header CRC covers only the header.
  // crc32_quadlet() is called only in the branches that load crc_reg (ohci_crc32.vh: computed
  // only in the clk that needs it).
  `include "ohci_crc32.vh"
  wire [31:0] crc_base = (seq_reg == SQ_START || seq_reg == SQ_HCRC) ? CRC_INIT : crc_reg;

  // Only the leading chunk of a quadlet is placed and only the rest kept: the helpers below read
  // part of their argument by design.
  /* verilator lint_off UNUSEDSIGNAL */
  // The first chunk of a quadlet placed on D0.. (the high bits of phy_d_o), unused lines low.
  function automatic [7:0] place_chunk(input [31:0] quadlet, input [1:0] speed);
    begin
      case (speed)
        SPEED_S100: place_chunk = {quadlet[31:30], 6'b0};
        SPEED_S200: place_chunk = {quadlet[31:28], 4'b0};
        default: place_chunk = quadlet[31:24];
      endcase
    end
  endfunction

  function automatic [31:0] shift_out(input [31:0] quadlet, input [1:0] speed);
    begin
      case (speed)
        SPEED_S100: shift_out = {quadlet[29:0], 2'b0};
        SPEED_S200: shift_out = {quadlet[27:0], 4'b0};
        default: shift_out = {quadlet[23:0], 8'b0};
      endcase
    end
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  wire [WORD_W-1:0] following_index = next_index[WORD_W-1:0] + {{(WORD_W - 1) {1'b0}}, 1'b1};
  // The link takes an isochronous packet when idle, with no cycle start to send first.
  // A PHY register request goes first unless a cycle start waits (or is due in this clk).
  wire phy_take = state_reg == L_IDLE && lps_i && phy_req_valid_i && !quiesce_i &&
                  !(link_enable_i && (cs_pending_reg || cycle_start_i));
  wire iso_take = state_reg == L_IDLE && link_enable_i && iso_valid_i && !cs_pending_reg &&
                  !cycle_start_i && !quiesce_i && !phy_take;
  wire [31:0] chunk_source = quadlet_done ? next_quadlet : shift_reg;

  always @(posedge clk) begin
    iso_done_reg <= 1'b0;
    iso_start_reg <= 1'b0;
    cycle_lost_reg <= 1'b0;
    phy_req_sent_reg <= 1'b0;
    ram_rd_en_reg <= 1'b0;
    if (rst) begin
      state_reg <= L_IDLE;
      seq_reg <= SQ_START;
      is_cycle_start_reg <= 1'b0;
      cs_pending_reg <= 1'b0;
      cs_cycle_reg <= 16'd0;
      iso_cycle_reg <= 16'd0;
      hdr_count_reg <= 3'd1;
      words_reg <= 11'd0;
      index_reg <= 11'd0;
      ctx_reg <= {CTX_W{1'b0}};
      speed_reg <= SPEED_S100;
      lreq_shift_reg <= 16'd0;
      lreq_count_reg <= 5'd0;
      shift_reg <= 32'd0;
      chunk_count_reg <= 5'd0;
      crc_reg <= CRC_INIT;
      release_count_reg <= 2'd0;
      phy_lreq_reg <= 1'b0;
      phy_ctl_o_reg <= CTL_IDLE;
      phy_oe_reg <= 1'b0;
      phy_d_o_reg <= 8'd0;
      ram_rd_addr_reg <= {(CTX_W + WORD_W) {1'b0}};
    end else begin
      if (cycle_start_i && cycle_master_i && link_enable_i) begin
        // The previous cycle start never made it onto the wire: that cycle is lost.
        if (cs_pending_reg) cycle_lost_reg <= 1'b1;
        cs_pending_reg <= 1'b1;
        cs_cycle_reg <= {timer_i[27:25], timer_i[24:12]};
      end

      case (state_reg)
        L_IDLE: begin
          seq_reg <= SQ_START;
          chunk_count_reg <= 5'd0;
          if (link_enable_i && cs_pending_reg && !cycle_start_i && !quiesce_i) begin
            is_cycle_start_reg <= 1'b1;
            cs_pending_reg <= 1'b0;
            iso_cycle_reg <= cs_cycle_reg;
            hdr_reg[0] <= CYCLE_START_Q0;
            hdr_reg[1] <= {source_id_i, 16'hFFFF};
            hdr_reg[2] <= CYCLE_START_Q2;
            hdr_count_reg <= 3'd4;
            words_reg <= 11'd0;
            speed_reg <= SPEED_S100;
            phy_lreq_reg <= 1'b1;  // start bit
            lreq_shift_reg <= {LREQ_PRI_REQ, 3'b000, 1'b0, 9'd0};
            lreq_count_reg <= 5'd7;
            state_reg <= L_LREQ;
          end else if (phy_take) begin
            phy_lreq_reg <= 1'b1;
            if (phy_req_write_i) begin
              lreq_shift_reg <= {LREQ_WR_REG, phy_req_addr_i, phy_req_data_i, 1'b0};
              lreq_count_reg <= 5'd16;
            end else begin
              lreq_shift_reg <= {LREQ_RD_REG, phy_req_addr_i, 1'b0, 8'd0};
              lreq_count_reg <= 5'd8;
            end
            state_reg <= L_LREQ_REG;
          end else if (iso_take) begin
            is_cycle_start_reg <= 1'b0;
            hdr_reg[0] <= iso_header_i;
            hdr_count_reg <= 3'd1;
            words_reg <= iso_words_i;
            ctx_reg <= iso_ctx_i;
            speed_reg <= iso_speed_i;
            ram_rd_en_reg <= 1'b1;  // payload quadlet 0, held until the data block starts
            ram_rd_addr_reg <= {iso_ctx_i, {WORD_W{1'b0}}};
            phy_lreq_reg <= 1'b1;
            lreq_shift_reg <= {LREQ_ISO_REQ, iso_speed_i, 1'b0, 1'b0, 9'd0};
            lreq_count_reg <= 5'd7;
            state_reg <= L_LREQ;
          end
        end
        L_LREQ, L_LREQ_REG: begin
          phy_lreq_reg <= lreq_shift_reg[15];
          lreq_shift_reg <= {lreq_shift_reg[14:0], 1'b0};
          lreq_count_reg <= lreq_count_reg - 5'd1;
          if (lreq_count_reg == 5'd1) begin
            state_reg <= state_reg == L_LREQ ? L_WAIT_GRANT : L_IDLE;
            phy_req_sent_reg <= state_reg == L_LREQ_REG;
          end
        end
        L_WAIT_GRANT: begin
          phy_lreq_reg <= 1'b0;
          if (phy_ctl_i == CTL_GRANT) begin
            hdr_reg[3] <= timer_i;  // a cycle start carries the timer as it goes on the wire
            state_reg <= L_GRANT_IDLE;
          end
        end
        L_GRANT_IDLE: begin
          // The PHY drives Idle for this clk and releases after it: start transmitting.
          phy_oe_reg <= 1'b1;
          phy_ctl_o_reg <= CTL_TRANSMIT;
          chunk_count_reg <= chunks_per_quadlet;  // the shifter is empty: load quadlet 0
          state_reg <= L_TX;
          phy_d_o_reg <= place_chunk(next_quadlet, speed_reg);
          shift_reg <= shift_out(next_quadlet, speed_reg);
          chunk_count_reg <= 5'd1;
          seq_reg <= next_seq;
          index_reg <= next_index;
          crc_reg <= crc32_quadlet(crc_base, next_quadlet);
        end
        L_TX: begin
          if (quadlet_done && !next_exists) begin
            phy_ctl_o_reg <= CTL_IDLE;
            phy_d_o_reg <= 8'd0;
            release_count_reg <= 2'd1;
            state_reg <= L_RELEASE;
          end else begin
            phy_d_o_reg <= place_chunk(chunk_source, speed_reg);
            shift_reg <= shift_out(chunk_source, speed_reg);
            if (quadlet_done) begin
              chunk_count_reg <= 5'd1;
              seq_reg <= next_seq;
              index_reg <= next_index;
              if (next_is_crc_covered) crc_reg <= crc32_quadlet(crc_base, next_quadlet);
              if (next_seq == SQ_DATA) begin
                // Fetch the payload quadlet after this one; it is needed 4+ clk from now.
                ram_rd_en_reg <= 1'b1;
                ram_rd_addr_reg <= {ctx_reg, following_index};
              end
            end else begin
              chunk_count_reg <= chunk_count_reg + 5'd1;
            end
          end
        end
        L_RELEASE: begin
          if (release_count_reg == 2'd2) begin
            phy_oe_reg <= 1'b0;
            state_reg <= L_IDLE;
            if (is_cycle_start_reg) iso_start_reg <= 1'b1;
            else iso_done_reg <= 1'b1;
          end
          release_count_reg <= release_count_reg + 2'd1;
        end
        default: state_reg <= L_IDLE;
      endcase
    end
  end

  assign iso_accept_o = iso_take;
  assign phy_req_accept_o = phy_take;
  assign phy_req_sent_o = phy_req_sent_reg;
  assign iso_done_o = iso_done_reg;
  assign iso_ctx_o = ctx_reg;
  assign iso_start_o = iso_start_reg;
  assign iso_cycle_o = iso_cycle_reg;
  assign cycle_lost_o = cycle_lost_reg;
  assign busy_o = state_reg != L_IDLE;
  assign ram_rd_en_o = ram_rd_en_reg;
  assign ram_rd_addr_o = ram_rd_addr_reg;
  assign phy_ctl_o = phy_ctl_o_reg;
  assign phy_ctl_oe = phy_oe_reg;
  assign phy_d_o = phy_d_o_reg;
  assign phy_d_oe = phy_oe_reg;
  assign phy_lreq = phy_lreq_reg;
endmodule
`resetall
