// phy_link_responder: a minimal 1394a PHY for the bench testbench (it_path_tb): the PHY side of
// ohci_core's PHY-link pins for a node alone on its bus, with the timing of sim/phy_model.hpp.
//
// What it does, in the cycle numbers of phy_model.hpp (cycle c ends at rising edge c; this
// module samples the link's registered outputs at edge c and what it decides there is on its
// outputs in cycle c + 1, as PhyModel::sample(c) and drive(c + 1)):
//   - LREQ: shifted in one bit per clk, MSB first, idle low: start 1, type[2:0], speed[2:0],
//     stop 0 for bus requests (8 bits). A request is complete at cycle r, whose edge sees its stop
//     bit. Only IsoReq and PriReq are expected here (the firmware sequence of this testbench uses
//     no PhyControl): any other type, a stop bit of 1 or a speed code other than S100/S200/S400 is
//     an error.
//   - Arbitration (alone on the bus): a request starts arbitrating at s = the later of r and the
//     cycle the bus became free; Grant (CTL=11, D=0) is driven in g = s + 1 + ARB_DELAY, Idle
//     (CTL=00, D=0) in g + 1, and the link owns the bus from g + 2.
//   - While the link owns the bus: at most one Idle, then Transmit with data on D at the speed of
//     its request (S400 phy_d[7:0], S200 phy_d[7:4], S100 phy_d[7:6]; unused lines low; D0 =
//     phy_d[7] is the first bit), then Idle for two clk and the release (oe low). The packet ends
//     at the first Idle after data. Each assembled byte comes out on byte_valid_o / byte_o (the
//     first byte of a packet with first_o), and end_o pulses when the packet ends, with
//     speed_o and the request type (cycle_start_o: PriReq) of its grant; all one clk after the
//     edge that sampled them.
//   - Whenever the PHY itself drives nothing, phy_ctl_i / phy_d_i show the link's own outputs
//     while it drives them, else 0 (pulled low): the resolved bus, as PhyModel::drive does it.
// The link-side protocol rules of phy_model.hpp that this link can break are errors ($fatal):
// the link driving while the PHY drives or without a grant, Hold (this link never holds),
// the reserved CTL code 11, Transmit without D, data on unused lines, a packet that is not a
// whole number of bytes, a release without exactly two Idle clk, Transmit after the release; and,
// stricter than phy_model.hpp, a grant given back unused (this link always sends once granted).
// Messages number edges from the end of reset. phy_linkon is always 0.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module phy_link_responder #(
    parameter integer ARB_DELAY = 4  // phy_model.hpp's arbitration_delay (isochronous gap), 0..255
) (
    input  wire       clk,
    input  wire       rst,
    // PHY-link pins, named as ohci_core's ports
    output wire [1:0] phy_ctl_i,
    input  wire [1:0] phy_ctl_o,
    input  wire       phy_ctl_oe,
    output wire [7:0] phy_d_i,
    input  wire [7:0] phy_d_o,
    input  wire       phy_d_oe,
    input  wire       phy_lreq,
    input  wire       phy_lps,
    output wire       phy_linkon,
    // the packets the link transmits, one byte per pulse
    output wire       byte_valid_o,
    output wire [7:0] byte_o,
    output wire       first_o,        // with byte_valid_o: the first byte of a packet
    output wire       end_o,          // pulse: the packet has ended
    output wire [1:0] speed_o,        // with end_o: 0 S100, 1 S200, 2 S400
    output wire       cycle_start_o   // with end_o: granted for a PriReq (a cycle start)
);
  // CTL codes (phy_ctl[1] is CTL0): the PHY drives Idle/Status/Receive/Grant, the link
  // Idle/Hold/Transmit.
  localparam [1:0] CTL_IDLE = 2'b00;
  localparam [1:0] CTL_HOLD = 2'b01;
  localparam [1:0] CTL_TRANSMIT = 2'b10;
  localparam [1:0] CTL_GRANT = 2'b11;
  // LREQ request types.
  localparam [2:0] LREQ_ISO_REQ = 3'b001;
  localparam [2:0] LREQ_PRI_REQ = 3'b010;
  localparam integer LREQ_BUS_BITS = 8;
  // Arbitration states.
  localparam [2:0] P_FREE = 3'd0;
  localparam [2:0] P_ARBITRATING = 3'd1;
  localparam [2:0] P_GRANT = 3'd2;
  localparam [2:0] P_GRANT_IDLE = 3'd3;
  localparam [2:0] P_LINK_OWNS = 3'd4;
  // Where the link is in its use of a grant.
  localparam [2:0] PH_START = 3'd0;
  localparam [2:0] PH_AFTER_IDLE = 3'd1;
  localparam [2:0] PH_DATA = 3'd2;
  localparam [2:0] PH_ENDING = 3'd3;

  reg [31:0] cycle_reg;  // the number of the edge being processed (for messages)
  reg [2:0] state_reg;
  reg [2:0] phase_reg;
  reg [7:0] countdown_reg;
  reg [5:0] lreq_value_reg;  // the last bits shifted in (the start bit drops out at the top)
  reg [3:0] lreq_bits_reg;
  reg pending_reg;  // a complete bus request waits for the bus
  reg [1:0] pending_speed_reg;
  reg pending_pri_reg;
  reg [1:0] speed_reg;  // of the granted request
  reg pri_reg;
  reg [1:0] idles_reg;
  reg [5:0] bits_reg;  // received bits not yet a byte (right-aligned)
  reg [3:0] bit_count_reg;
  reg first_pending_reg;  // the packet's first byte is still to come
  reg byte_valid_reg;
  reg [7:0] byte_reg;
  reg first_reg;
  reg end_reg;

  wire granting = state_reg == P_GRANT || state_reg == P_GRANT_IDLE;
  assign phy_ctl_i = granting ? (state_reg == P_GRANT ? CTL_GRANT : CTL_IDLE) :
                     phy_ctl_oe ? phy_ctl_o : CTL_IDLE;
  assign phy_d_i = granting ? 8'd0 : phy_d_oe ? phy_d_o : 8'd0;
  assign phy_linkon = 1'b0;
  assign byte_valid_o = byte_valid_reg;
  assign byte_o = byte_reg;
  assign first_o = first_reg;
  assign end_o = end_reg;
  assign speed_o = speed_reg;
  assign cycle_start_o = pri_reg;

  // The LREQ shift register with this edge's bit, and the request it completes.
  wire [6:0] lreq_next = {lreq_value_reg, phy_lreq};  // type, speed, stop when complete
  wire lreq_shifting = lreq_bits_reg != 4'd0 || phy_lreq;
  wire lreq_complete = lreq_bits_reg == LREQ_BUS_BITS[3:0] - 4'd1;
  wire [2:0] lreq_type = lreq_next[6:4];
  wire [2:0] lreq_speed_code = lreq_next[3:1];
  wire [1:0] lreq_speed = lreq_speed_code == 3'b100 ? 2'd2 :
                          lreq_speed_code == 3'b010 ? 2'd1 : 2'd0;

  // Bits per clk at the granted speed; the byte being assembled with this edge's chunk (the bit
  // count is always a multiple of the width, so a byte completes exactly at 8 bits).
  wire in_data = phase_reg == PH_DATA;
  wire [3:0] width = speed_reg == 2'd0 ? 4'd2 : speed_reg == 2'd1 ? 4'd4 : 4'd8;
  wire [7:0] unused_mask = speed_reg == 2'd0 ? 8'h3F : speed_reg == 2'd1 ? 8'h0F : 8'h00;
  wire [5:0] base_bits = in_data ? bits_reg : 6'd0;
  wire [3:0] base_count = in_data ? bit_count_reg : 4'd0;
  wire [7:0] joined = speed_reg == 2'd0 ? {base_bits[5:0], phy_d_o[7:6]} :
                      speed_reg == 2'd1 ? {base_bits[3:0], phy_d_o[7:4]} : phy_d_o;
  wire [3:0] joined_count = base_count + width;
  wire link_drives = phy_ctl_oe || phy_d_oe;

  always @(posedge clk) begin
    byte_valid_reg <= 1'b0;
    first_reg <= 1'b0;
    end_reg <= 1'b0;
    if (rst) begin
      cycle_reg <= 32'd0;
      state_reg <= P_FREE;
      phase_reg <= PH_START;
      countdown_reg <= 8'd0;
      lreq_value_reg <= 6'd0;
      lreq_bits_reg <= 4'd0;
      pending_reg <= 1'b0;
      pending_speed_reg <= 2'd0;
      pending_pri_reg <= 1'b0;
      speed_reg <= 2'd0;
      pri_reg <= 1'b0;
      idles_reg <= 2'd0;
      bits_reg <= 6'd0;
      bit_count_reg <= 4'd0;
      first_pending_reg <= 1'b0;
      byte_reg <= 8'd0;
    end else begin : sample
      // What this edge decides, in order: LREQ, then the grant's state, then a waiting request
      // takes a free bus (PhyModel::sample).
      reg [2:0] state;
      reg pending;
      reg [1:0] pending_speed;
      reg pending_pri;
      cycle_reg <= cycle_reg + 32'd1;
      state = state_reg;
      pending = pending_reg;
      pending_speed = pending_speed_reg;
      pending_pri = pending_pri_reg;

      if (lreq_shifting) begin
        if (lreq_complete) begin
          lreq_bits_reg <= 4'd0;
          lreq_value_reg <= 6'd0;
          if (lreq_next[0]) fail_lreq("stop bit is 1");
          if (lreq_type != LREQ_ISO_REQ && lreq_type != LREQ_PRI_REQ)
            fail_lreq("request type other than IsoReq or PriReq");
          if (lreq_speed_code != 3'b000 && lreq_speed_code != 3'b010 &&
              lreq_speed_code != 3'b100)
            fail_lreq("speed code not S100/S200/S400");
          if (pending) fail_lreq("a second request while one waits for the bus");
          pending = 1'b1;
          pending_speed = lreq_speed;
          pending_pri = lreq_type == LREQ_PRI_REQ;
        end else begin
          lreq_bits_reg <= lreq_bits_reg + 4'd1;
          lreq_value_reg <= lreq_next[5:0];
        end
      end

      case (state_reg)
        P_FREE, P_ARBITRATING: begin
          if (link_drives) fail_link("drives CTL/D without a grant");
          if (state_reg == P_ARBITRATING) begin
            if (countdown_reg > 8'd1) countdown_reg <= countdown_reg - 8'd1;
            else state = P_GRANT;
          end
        end
        P_GRANT: begin
          if (link_drives) fail_link("drives while the PHY drives Grant");
          state = P_GRANT_IDLE;
        end
        P_GRANT_IDLE: begin
          if (link_drives) fail_link("drives while the PHY drives Idle after Grant");
          state = P_LINK_OWNS;
          phase_reg <= PH_START;
        end
        default: begin  // P_LINK_OWNS
          if (!phy_ctl_oe) begin
            // The release: the bus is free again from this cycle.
            if (phy_d_oe) fail_link("drives D without CTL");
            if (phase_reg != PH_ENDING) fail_link("releases the bus without a packet and Idle");
            if (idles_reg != 2'd2) fail_link("releases the bus without two Idle clk");
            state = P_FREE;
          end else begin
            case (phy_ctl_o)
              CTL_IDLE: begin
                if (phase_reg == PH_START) begin
                  phase_reg <= PH_AFTER_IDLE;
                end else if (phase_reg == PH_ENDING) begin
                  if (idles_reg == 2'd2) fail_link("drives Idle beyond two clk, not releasing");
                  idles_reg <= idles_reg + 2'd1;
                end else if (phase_reg == PH_DATA) begin
                  // the end of the packet and the first release Idle
                  if (bit_count_reg != 4'd0) fail_link("sent a packet that is not whole bytes");
                  end_reg <= 1'b1;
                  idles_reg <= 2'd1;
                  phase_reg <= PH_ENDING;
                end else begin
                  fail_link("gives its grant back unused");
                end
              end
              CTL_TRANSMIT: begin
                if (phase_reg == PH_ENDING) fail_link("drives Transmit after its release Idle");
                if (!phy_d_oe) fail_link("drives Transmit without driving D");
                if ((phy_d_o & unused_mask) != 8'd0) fail_link("drives data on unused D lines");
                phase_reg <= PH_DATA;
                if (joined_count == 4'd8) begin
                  byte_valid_reg <= 1'b1;
                  byte_reg <= joined;
                  first_reg <= !in_data || first_pending_reg;
                  first_pending_reg <= 1'b0;
                  bit_count_reg <= 4'd0;
                  bits_reg <= 6'd0;
                end else begin
                  first_pending_reg <= !in_data || first_pending_reg;
                  bit_count_reg <= joined_count;
                  bits_reg <= joined[5:0];
                end
              end
              CTL_HOLD: fail_link("drives Hold (this link never holds the bus)");
              default: fail_link("drives the reserved CTL code 11");
            endcase
          end
        end
      endcase

      // A free bus takes the waiting request: Grant 1 + ARB_DELAY clk later.
      if (state == P_FREE && pending) begin
        pending = 1'b0;
        speed_reg <= pending_speed;
        pri_reg <= pending_pri;
        countdown_reg <= ARB_DELAY[7:0];
        state = ARB_DELAY == 0 ? P_GRANT : P_ARBITRATING;
      end
      state_reg <= state;
      pending_reg <= pending;
      pending_speed_reg <= pending_speed;
      pending_pri_reg <= pending_pri;
    end
  end

  task fail_lreq(input [8*48-1:0] what);
    begin
      $display("it_path_tb: ERROR: PHY: edge %0d: malformed LREQ: %0s", cycle_reg, what);
      $fatal(1, "it_path_tb: PHY-link protocol violation");
    end
  endtask

  task fail_link(input [8*48-1:0] what);
    begin
      $display("it_path_tb: ERROR: PHY: edge %0d: the link %0s", cycle_reg, what);
      $fatal(1, "it_path_tb: PHY-link protocol violation");
    end
  endtask

  wire unused_inputs = &{1'b0, phy_lps};
endmodule
`resetall
