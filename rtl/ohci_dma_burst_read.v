// ohci_dma_burst_read: reads a run of quadlets of host memory for a DMA engine, over the AXI4
// read channels, in INCR bursts of 32-bit beats of at most 16 beats that never cross a 4 KiB
// boundary (burst_beats() of ohci_dma_util.vh). Used by ohci_it_dma and ohci_ir_dma.
//
// Ports:
//   start_i, addr_i, count_i  begin a transfer of count_i (>= 1) quadlets at byte address addr_i
//                             (quadlet aligned); taken only while the unit is idle (from reset,
//                             or from the clk after done_o)
//   beat_o                    an R beat is taken in this clk; m_axi_rdata holds it
//   beat_ok_o                 with beat_o: the beat is OKAY and no earlier beat of its burst was
//                             not, so its data is good
//   done_o, error_o           the transfer is over in this clk (the user acts on it now; the unit
//                             is idle from the next edge); error_o: a burst of it had a SLVERR or
//                             DECERR response, or RLAST out of place. A burst with an error is
//                             always drained to its end (RREADY stays high), and no further
//                             burst of the transfer is issued.
//   m_axi_ar*, m_axi_r*       the AXI4 read channels (ARSIZE 4 bytes and ARBURST INCR are the
//                             engines' constants): ARADDR, ARLEN, ARVALID are registered; RREADY
//                             is decoded from the state register (high exactly while a burst's
//                             beats are awaited)
//
// Latencies (clk edges): the edge that sees start_i loads the transfer; the next edge (setup)
// raises ARVALID with the first burst's ARADDR/ARLEN; ARVALID stays high until ARREADY, and
// RREADY is high from the edge after the AR handshake until the burst's last beat. The edge of a
// burst's last beat (RLAST, or its ARLEN+1-th beat) is followed by one clk in which the transfer
// either ends (done_o) or goes on: setup of the next burst at the edge after that clk.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_dma_burst_read #(
    parameter integer COUNT_W = 11  // bits of a transfer's quadlet count, 2..13
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               start_i,
    input  wire [       31:0] addr_i,
    input  wire [COUNT_W-1:0] count_i,
    output wire               beat_o,
    output wire               beat_ok_o,
    output wire               done_o,
    output wire               error_o,
    output wire [       31:0] m_axi_araddr,
    output wire [        7:0] m_axi_arlen,
    output wire               m_axi_arvalid,
    input  wire               m_axi_arready,
    input  wire [        1:0] m_axi_rresp,
    input  wire               m_axi_rlast,
    input  wire               m_axi_rvalid,
    output wire               m_axi_rready
);
  `include "ohci_dma_util.vh"

  generate
    if (COUNT_W < 2 || COUNT_W > 13) begin : g_check_count_w
      ohci_dma_burst_read_COUNT_W_must_be_2_to_13 count_w_out_of_range ();
    end
  endgenerate

  localparam [2:0] S_IDLE = 3'd0;
  localparam [2:0] S_SETUP = 3'd1;  // the next burst's ARADDR/ARLEN are set up
  localparam [2:0] S_AR = 3'd2;  // ARVALID until ARREADY
  localparam [2:0] S_R = 3'd3;  // the burst's beats
  localparam [2:0] S_NEXT = 3'd4;  // after a burst: the transfer ends (done_o) or goes on
  localparam [1:0] AXI_RESP_OKAY = 2'b00;

  reg [2:0] state_reg;
  reg [31:0] addr_reg;  // the next quadlet to read
  reg [COUNT_W-1:0] left_reg;  // quadlets still to read
  reg [4:0] beats_left_reg;  // beats still to come in the current burst
  reg error_reg;  // an error response (or a misplaced RLAST) in the transfer
  reg [31:0] araddr_reg;
  reg [7:0] arlen_reg;
  reg arvalid_reg;

  always @(posedge clk) begin
    if (rst) begin
      state_reg <= S_IDLE;
      error_reg <= 1'b0;
      araddr_reg <= 32'd0;
      arlen_reg <= 8'd0;
      arvalid_reg <= 1'b0;
    end else begin
      case (state_reg)
        S_IDLE: begin
          if (start_i) begin
            addr_reg <= addr_i;
            left_reg <= count_i;
            error_reg <= 1'b0;
            state_reg <= S_SETUP;
          end
        end

        S_SETUP: begin
          araddr_reg <= addr_reg;
          arlen_reg <= {3'd0, burst_beats(addr_reg[11:2], {{(14 - COUNT_W) {1'b0}}, left_reg}) - 5'd1};
          beats_left_reg <= burst_beats(addr_reg[11:2], {{(14 - COUNT_W) {1'b0}}, left_reg});
          arvalid_reg <= 1'b1;
          state_reg <= S_AR;
        end

        S_AR: begin
          if (m_axi_arready) begin
            arvalid_reg <= 1'b0;
            state_reg <= S_R;
          end
        end

        S_R: begin
          if (m_axi_rvalid) begin
            // An error response, or RLAST out of place, spoils the whole burst.
            if (m_axi_rresp != AXI_RESP_OKAY || m_axi_rlast != (beats_left_reg == 5'd1))
              error_reg <= 1'b1;
            addr_reg <= {addr_reg[31:2] + 30'd1, addr_reg[1:0]};
            left_reg <= left_reg - {{(COUNT_W - 1) {1'b0}}, 1'b1};
            beats_left_reg <= beats_left_reg - 5'd1;
            if (beats_left_reg == 5'd1 || m_axi_rlast) state_reg <= S_NEXT;
          end
        end

        S_NEXT: state_reg <= done_o ? S_IDLE : S_SETUP;

        default: state_reg <= S_IDLE;
      endcase
    end
  end

  assign beat_o = state_reg == S_R && m_axi_rvalid;
  assign beat_ok_o = beat_o && m_axi_rresp == AXI_RESP_OKAY && !error_reg;
  assign done_o = state_reg == S_NEXT && (error_reg || left_reg == {COUNT_W{1'b0}});
  assign error_o = error_reg;
  assign m_axi_araddr = araddr_reg;
  assign m_axi_arlen = arlen_reg;
  assign m_axi_arvalid = arvalid_reg;
  assign m_axi_rready = state_reg == S_R;
endmodule
`resetall
