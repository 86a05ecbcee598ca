// ohci_link_rx: the receive half of the 1394 link layer, from the 1394a PHY-link pins.
//
// PHY-link receive (reference/ohci-isoch.md 4.4): the PHY drives CTL=10 (Receive) with data-on
// (D = 11xxxxxx) for one or more clk, then one clk of speed code (00xxxxxx S100, 0100xxxx S200,
// 01010000 S400), then the packet, 2/4/8 bits per clk on D0.. (phy_d_i[7] = D0, the first bit),
// until CTL leaves Receive. Data-on followed by Idle is a null packet and is ignored; so is a
// Receive that does not begin with data-on (e.g. one already under way when the link came out of
// reset). Receive is ignored while the link itself drives the pins (link_drives_i).
//
// Packets (4.2, 4.3): quadlets arrive MSB first. The header CRC covers the header quadlets; the
// data CRC, restarted, covers the data block; both are sent as the one's complement.
//   - Isochronous (tcode 0xA): header quadlet, header CRC, ceil(data_length/4) data quadlets, data
//     CRC (no data block and no data CRC when data_length is 0). Data quadlets are written to the
//     receive ring as they arrive, byte-swapped so that the first wire byte is in lane 0 (host
//     memory order). At the end: a bad header CRC (or a header cut short) discards the packet
//     (the ring write pointer rolls back, nothing is committed); otherwise a record is committed
//     with the header, the speed, the cycle it arrived in, the quadlets stored and an event code:
//     ack_complete; ack_data_error when the data CRC is wrong, the packet is shorter or longer
//     than data_length says, or data_length is above 4096 (then at most 1024 quadlets are kept); evt_overrun when the ring or the record queue had no room (the
//     quadlets that fit are kept, the record says how many).
//   - Cycle start (tcode 8, 4 header quadlets + header CRC): with a good CRC, cycle_start_o pulses
//     with the cycle_time quadlet (cycle_start_time_o, registered at least one edge before the
//     pulse and held through it). For the cycle timer's propagation correction age_o counts the
//     clk edges since the current transfer's first data-on clk (saturating at 0xFFFF): the value
//     age_o has just before the edge that raises cycle_start_o, plus one, is the number of edges
//     from the first data-on clk to the pulse. The cycle timer registers its advanced cycle time
//     from age_o and cycle_start_time_o at every edge, so the long arithmetic of the correction
//     is done in the edge the cycle start is recognised, before the pulse.
//   - Self-ID packets: from a bus reset status until the PHY's register 0 status that ends the
//     self-ID phase, every received packet is a self-ID packet (a quadlet and its inverse, no
//     CRC): its quadlets pulse sid_quadlet_valid_o, and its end pulses sid_end_o with
//     sid_end_ok_o when it was whole quadlet pairs; the register 0 status that ends the phase
//     pulses sid_phase_end_o (with phy_reg_valid_o). ohci_self_id stores them.
//   - Anything else is ignored (outside the self-ID phase a PHY packet, a quadlet and its
//     inverse, fails the header CRC check and is dropped: there is no AR DMA).
//
// PHY status transfers (CTL=01 from the PHY, 2 bits per clk: S(2k) on D0 and S(2k+1) on D1 in the
// k-th clk, 2 or 8 clk): S2 (bus reset) pulses bus_reset_o when the transfer ends; an 8-clk
// transfer carries a PHY register, S4-S7 its address and S8-S15 its value, and pulses
// phy_reg_valid_o (after a bus reset the PHY sends register 0: Physical_ID, R, PS; a register
// read requested through PhyControl is answered the same way). Status transfers are received
// whenever LPS is set (PHY registers are read and written before linkEnable); packets only
// with linkEnable.
//
// Latencies (clk edges): a quadlet is complete at the edge its last chunk is sampled and is
// processed (CRC, ring write) at the next edge; the end of a packet is seen at the first edge
// CTL is not Receive, and record_valid_o / cycle_start_o / sid_end_o pulse at the edge after that;
// a self-ID quadlet pulses sid_quadlet_valid_o at the edge after it is processed.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_link_rx #(
    parameter integer RING_W = 11  // receive ring: 2**RING_W quadlets
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              lps_i,            // HCControl.LPS: the PHY-link interface is up
    input  wire              link_enable_i,
    input  wire              link_drives_i,    // the transmitter owns CTL and D
    input  wire [      15:0] iso_cycle_i,      // cycleSeconds[2:0]:cycleCount of the cycle timer
    // PHY-link pins
    input  wire [       1:0] phy_ctl_i,
    input  wire [       7:0] phy_d_i,
    // receive ring (written here, read by the IR DMA)
    output wire              ring_wr_en_o,
    output wire [RING_W-1:0] ring_wr_addr_o,
    output wire [      31:0] ring_wr_data_o,
    input  wire [  RING_W:0] ring_rd_ptr_i,    // the IR DMA's read pointer (with a wrap bit)
    // records of committed isochronous packets
    input  wire              record_full_i,
    output wire              record_valid_o,
    output wire [      31:0] record_header_o,
    output wire [       4:0] record_event_o,
    output wire [       1:0] record_speed_o,
    output wire [      15:0] record_cycle_o,
    output wire [      10:0] record_words_o,
    // cycle start received
    output wire              cycle_start_o,
    output wire [      31:0] cycle_start_time_o,
    output wire [      15:0] age_o,            // clk edges since the transfer's first data-on clk
    // PHY status
    output wire              bus_reset_o,
    output wire              phy_reg_valid_o,
    output wire [       3:0] phy_reg_addr_o,
    output wire [       7:0] phy_reg_data_o,
    // self-ID packets
    output wire              sid_quadlet_valid_o,
    output wire [      31:0] sid_quadlet_o,
    output wire              sid_end_o,
    output wire              sid_end_ok_o,
    output wire              sid_phase_end_o
);
  `include "ohci_regmap.vh"

  localparam [1:0] CTL_STATUS = 2'b01;
  localparam [1:0] CTL_RECEIVE = 2'b10;
  localparam [1:0] SPEED_S100 = 2'd0;
  localparam [1:0] SPEED_S200 = 2'd1;
  localparam [1:0] SPEED_S400 = 2'd2;
  localparam [7:0] SPEED_CODE_S400 = 8'b0101_0000;
  localparam [3:0] SPEED_CODE_S200 = 4'b0100;
  localparam [1:0] SPEED_CODE_S100 = 2'b00;
  localparam [31:0] CRC_INIT = 32'hFFFF_FFFF;

  localparam [2:0] R_IDLE = 3'd0;
  localparam [2:0] R_DATA_ON = 3'd1;
  localparam [2:0] R_DATA = 3'd2;
  localparam [2:0] R_IGNORE = 3'd3;  // a Receive not worth decoding: wait for it to end
  localparam [2:0] R_END = 3'd4;  // the packet ended: the last quadlet is being processed
  localparam [2:0] R_STATUS = 3'd5;  // a PHY status transfer

  // What the packet is, from its first quadlet.
  localparam [2:0] K_UNKNOWN = 3'd0;
  localparam [2:0] K_ISO = 3'd1;
  localparam [2:0] K_CYCLE_START = 3'd2;
  localparam [2:0] K_OTHER = 3'd3;
  localparam [2:0] K_SELF_ID = 3'd4;

  reg [2:0] state_reg;
  reg [1:0] speed_reg;
  reg [29:0] shift_reg;  // the bits of the quadlet so far (at most 30 before it completes)
  reg [4:0] chunks_reg;  // chunks of the quadlet being assembled
  reg quadlet_valid_reg;  // shift_reg held a whole quadlet at the last edge
  reg [31:0] quadlet_reg;
  reg [11:0] index_reg;  // index of quadlet_reg in the packet
  reg [2:0] kind_reg;
  reg [31:0] header_reg;
  reg [10:0] data_words_reg;  // ceil(data_length / 4)
  reg [31:0] crc_reg;
  reg header_ok_reg;
  reg data_crc_ok_reg;
  reg too_long_reg;  // data_length above 4096
  reg [11:0] quadlets_reg;  // quadlets received in total
  reg [10:0] stored_reg;  // data quadlets written to the ring
  reg overrun_reg;
  reg [31:0] cycle_time_reg;
  reg [15:0] age_reg;
  reg [RING_W:0] wr_ptr_reg;  // next free quadlet (uncommitted packet included)
  reg [RING_W:0] commit_ptr_reg;  // end of the last committed packet
  reg ring_wr_en_reg;
  reg [RING_W-1:0] ring_wr_addr_reg;
  reg [31:0] ring_wr_data_reg;
  reg record_valid_reg;
  reg [4:0] record_event_reg;
  reg cycle_start_reg;
  reg [15:0] status_bits_reg;  // S0 at bit 15
  reg [3:0] status_clks_reg;
  reg bus_reset_reg;
  reg phy_reg_valid_reg;
  reg sid_phase_reg;  // between a bus reset status and the register 0 status
  reg sid_quadlet_valid_reg;
  reg [31:0] sid_quadlet_reg;
  reg sid_end_reg;
  reg sid_end_ok_reg;
  reg sid_phase_end_reg;

  wire receiving = link_enable_i && !link_drives_i && phy_ctl_i == CTL_RECEIVE;
  wire status = lps_i && !link_drives_i && phy_ctl_i == CTL_STATUS;
  // The status bits of this clk at their place: S(2k) at bit 15-2k, S(2k+1) at bit 14-2k.
  wire [15:0] status_now = {phy_d_i[7:6], 14'd0} >> {status_clks_reg[2:0], 1'b0};
  wire [4:0] chunks_per_quadlet = speed_reg == SPEED_S100 ? 5'd16 :
                                  speed_reg == SPEED_S200 ? 5'd8 : 5'd4;
  wire [31:0] shifted = speed_reg == SPEED_S100 ? {shift_reg[29:0], phy_d_i[7:6]} :
                        speed_reg == SPEED_S200 ? {shift_reg[27:0], phy_d_i[7:4]} :
                        {shift_reg[23:0], phy_d_i};

  // CRC over the quadlet being processed: restart at the first header quadlet and at the first
  // data quadlet.
  wire crc_restart = index_reg == 12'd0 || (kind_reg == K_ISO && index_reg == 12'd2);
  wire [31:0] crc_base = crc_restart ? CRC_INIT : crc_reg;
  // (computed only in the clk a quadlet is folded in: ohci_crc32.vh)
  `include "ohci_crc32.vh"

  wire [3:0] q_tcode = quadlet_reg[7:4];
  `include "ohci_below.vh"  // below(x, k): x < k
  /* verilator lint_off UNUSEDSIGNAL */
  wire [16:0] q_length_span = {1'b0, quadlet_reg[31:16]} + 17'd3;  // only [12:2] used
  /* verilator lint_on UNUSEDSIGNAL */
  wire [RING_W:0] ring_used = wr_ptr_reg - ring_rd_ptr_i;
  // (below the ring's 2**RING_W quadlets exactly when the top bit of the RING_W+1-bit difference is 0)
  wire ring_has_room = !ring_used[RING_W];
  // The quadlet being processed is a data quadlet of an isochronous packet.
  wire is_data = kind_reg == K_ISO && !below({4'd0, index_reg}, 16'd2) &&
                 index_reg < 12'd2 + {1'b0, data_words_reg};
  wire iso_complete = !too_long_reg && (data_words_reg == 11'd0 ? quadlets_reg == 12'd2 :
                      quadlets_reg == 12'd3 + {1'b0, data_words_reg} && data_crc_ok_reg);

  always @(posedge clk) begin
    ring_wr_en_reg <= 1'b0;
    record_valid_reg <= 1'b0;
    cycle_start_reg <= 1'b0;
    quadlet_valid_reg <= 1'b0;
    bus_reset_reg <= 1'b0;
    phy_reg_valid_reg <= 1'b0;
    sid_quadlet_valid_reg <= 1'b0;
    sid_end_reg <= 1'b0;
    sid_phase_end_reg <= 1'b0;
    if (rst) begin
      sid_phase_reg <= 1'b0;
      sid_quadlet_reg <= 32'd0;
      sid_end_ok_reg <= 1'b0;
      status_bits_reg <= 16'd0;
      status_clks_reg <= 4'd0;
      state_reg <= R_IDLE;
      speed_reg <= SPEED_S100;
      shift_reg <= 30'd0;
      chunks_reg <= 5'd0;
      quadlet_reg <= 32'd0;
      index_reg <= 12'd0;
      kind_reg <= K_UNKNOWN;
      header_reg <= 32'd0;
      data_words_reg <= 11'd0;
      crc_reg <= CRC_INIT;
      header_ok_reg <= 1'b0;
      data_crc_ok_reg <= 1'b0;
      too_long_reg <= 1'b0;
      quadlets_reg <= 12'd0;
      stored_reg <= 11'd0;
      overrun_reg <= 1'b0;
      cycle_time_reg <= 32'd0;
      age_reg <= 16'd0;
      wr_ptr_reg <= {(RING_W + 1) {1'b0}};
      commit_ptr_reg <= {(RING_W + 1) {1'b0}};
      ring_wr_addr_reg <= {RING_W{1'b0}};
      ring_wr_data_reg <= 32'd0;
      record_event_reg <= OHCI_EVT_NO_STATUS;
    end else begin
      if (age_reg != 16'hFFFF) age_reg <= age_reg + 16'd1;

      // ---- the pins ----
      case (state_reg)
        R_IDLE, R_END: begin
          // (R_END: the packet just ended is committed below; the next transfer may begin now)
          state_reg <= R_IDLE;
          if (receiving) begin
            age_reg <= 16'd1;
            state_reg <= phy_d_i[7:6] == 2'b11 ? R_DATA_ON : R_IGNORE;
          end else if (status) begin
            status_bits_reg <= {phy_d_i[7:6], 14'd0};
            status_clks_reg <= 4'd1;
            state_reg <= R_STATUS;
          end
        end
        R_STATUS: begin
          if (status && status_clks_reg != 4'd8) begin
            status_bits_reg <= status_bits_reg | status_now;
            status_clks_reg <= status_clks_reg + 4'd1;
          end else begin
            // the transfer ended (a receive may cut it short; a ninth clk is not a status)
            if (status_clks_reg >= 4'd2 && status_bits_reg[13]) begin
              bus_reset_reg <= 1'b1;
              sid_phase_reg <= 1'b1;
            end else if (status_clks_reg == 4'd8 && status_bits_reg[11:8] == 4'd0 &&
                         sid_phase_reg) begin
              sid_phase_reg <= 1'b0;
              sid_phase_end_reg <= 1'b1;
            end
            if (status_clks_reg == 4'd8) phy_reg_valid_reg <= 1'b1;
            if (receiving) begin
              age_reg <= 16'd1;
              state_reg <= phy_d_i[7:6] == 2'b11 ? R_DATA_ON : R_IGNORE;
            end else begin
              state_reg <= status ? R_IGNORE : R_IDLE;
            end
          end
        end
        R_DATA_ON: begin
          if (!receiving) begin
            state_reg <= R_IDLE;  // null packet
          end else if (phy_d_i[7:6] != 2'b11) begin
            // the speed code
            shift_reg <= 30'd0;
            chunks_reg <= 5'd0;
            index_reg <= 12'd0;
            quadlets_reg <= 12'd0;
            kind_reg <= K_UNKNOWN;
            header_ok_reg <= 1'b0;
            data_crc_ok_reg <= 1'b0;
            too_long_reg <= 1'b0;
            stored_reg <= 11'd0;
            overrun_reg <= 1'b0;
            wr_ptr_reg <= commit_ptr_reg;
            if (phy_d_i == SPEED_CODE_S400) begin
              speed_reg <= SPEED_S400;
              state_reg <= R_DATA;
            end else if (phy_d_i[7:4] == SPEED_CODE_S200 && phy_d_i[3:0] == 4'd0) begin
              speed_reg <= SPEED_S200;
              state_reg <= R_DATA;
            end else if (phy_d_i[7:6] == SPEED_CODE_S100 && phy_d_i[5:0] == 6'd0) begin
              speed_reg <= SPEED_S100;
              state_reg <= R_DATA;
            end else begin
              state_reg <= R_IGNORE;  // a speed this link cannot receive
            end
          end
        end
        R_DATA: begin
          if (receiving) begin
            shift_reg <= shifted[29:0];
            if (chunks_reg + 5'd1 == chunks_per_quadlet) begin
              chunks_reg <= 5'd0;
              quadlet_valid_reg <= 1'b1;
              quadlet_reg <= shifted;
            end else begin
              chunks_reg <= chunks_reg + 5'd1;
            end
          end else begin
            state_reg <= R_END;
          end
        end
        R_IGNORE: if (!receiving && !status) state_reg <= R_IDLE;
        default: state_reg <= R_IDLE;
      endcase

      // ---- the quadlet assembled at the last edge ----
      if (quadlet_valid_reg) begin
        index_reg <= index_reg + 12'd1;
        if (quadlets_reg != 12'hFFF) quadlets_reg <= quadlets_reg + 12'd1;
        crc_reg <= crc32_quadlet(crc_base, quadlet_reg);
        if (index_reg == 12'd0) begin
          header_reg <= quadlet_reg;
          kind_reg <= sid_phase_reg ? K_SELF_ID :
                      q_tcode == OHCI_TCODE_ISO_BLOCK ? K_ISO :
                      q_tcode == OHCI_TCODE_CYCLE_START ? K_CYCLE_START : K_OTHER;
          // (a data_length above the S400 maximum of 4096 is stored up to 1024 quadlets and
          // reported as ack_data_error)
          data_words_reg <= !below(quadlet_reg[31:16], 16'd4097) ? 11'd1024 : q_length_span[12:2];
          too_long_reg <= !below(quadlet_reg[31:16], 16'd4097);
        end else if (kind_reg == K_ISO && index_reg == 12'd1) begin
          header_ok_reg <= quadlet_reg == ~crc_reg;
        end else if (kind_reg == K_ISO && index_reg == 12'd2 + {1'b0, data_words_reg}) begin
          data_crc_ok_reg <= quadlet_reg == ~crc_reg;
        end else if (kind_reg == K_CYCLE_START && index_reg == 12'd3) begin
          cycle_time_reg <= quadlet_reg;
        end else if (kind_reg == K_CYCLE_START && index_reg == 12'd4) begin
          header_ok_reg <= quadlet_reg == ~crc_reg;
        end
        if (sid_phase_reg) begin
          sid_quadlet_valid_reg <= 1'b1;
          sid_quadlet_reg <= quadlet_reg;
        end
        if (is_data) begin
          if (ring_has_room && !overrun_reg) begin
            ring_wr_en_reg <= 1'b1;
            ring_wr_addr_reg <= wr_ptr_reg[RING_W-1:0];
            ring_wr_data_reg <= {quadlet_reg[7:0], quadlet_reg[15:8], quadlet_reg[23:16],
                                 quadlet_reg[31:24]};
            wr_ptr_reg <= wr_ptr_reg + 1'b1;
            stored_reg <= stored_reg + 11'd1;
          end else begin
            overrun_reg <= 1'b1;
          end
        end
      end

      // ---- the packet ended: commit or discard (the last quadlet was processed by now) ----
      if (state_reg == R_END) begin
        if (kind_reg == K_ISO && header_ok_reg && chunks_reg == 5'd0) begin
          if (record_full_i || overrun_reg) begin
            record_event_reg <= OHCI_EVT_OVERRUN;
          end else begin
            record_event_reg <= iso_complete ? OHCI_ACK_COMPLETE : OHCI_ACK_DATA_ERROR;
          end
          if (!record_full_i) begin
            record_valid_reg <= 1'b1;
            commit_ptr_reg <= wr_ptr_reg;
          end else begin
            wr_ptr_reg <= commit_ptr_reg;
          end
        end else if (kind_reg == K_SELF_ID) begin
          sid_end_reg <= 1'b1;
          sid_end_ok_reg <= chunks_reg == 5'd0 && quadlets_reg != 12'd0 && !quadlets_reg[0];
        end else begin
          wr_ptr_reg <= commit_ptr_reg;
          if (kind_reg == K_CYCLE_START && header_ok_reg && quadlets_reg == 12'd5 &&
              chunks_reg == 5'd0) begin
            cycle_start_reg <= 1'b1;
          end
        end
      end
    end
  end

  assign ring_wr_en_o = ring_wr_en_reg;
  assign ring_wr_addr_o = ring_wr_addr_reg;
  assign ring_wr_data_o = ring_wr_data_reg;
  assign record_valid_o = record_valid_reg;
  assign record_header_o = header_reg;
  assign record_event_o = record_event_reg;
  assign record_speed_o = speed_reg;
  assign record_cycle_o = iso_cycle_i;
  assign record_words_o = stored_reg;
  assign cycle_start_o = cycle_start_reg;
  assign cycle_start_time_o = cycle_time_reg;
  assign age_o = age_reg;
  assign bus_reset_o = bus_reset_reg;
  assign phy_reg_valid_o = phy_reg_valid_reg;
  assign phy_reg_addr_o = status_bits_reg[11:8];
  assign phy_reg_data_o = status_bits_reg[7:0];
  assign sid_quadlet_valid_o = sid_quadlet_valid_reg;
  assign sid_quadlet_o = sid_quadlet_reg;
  assign sid_end_o = sid_end_reg;
  assign sid_end_ok_o = sid_end_ok_reg;
  assign sid_phase_end_o = sid_phase_end_reg;
endmodule
`resetall
