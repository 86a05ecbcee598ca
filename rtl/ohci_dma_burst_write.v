// ohci_dma_burst_write: writes one INCR burst of 32-bit beats to host memory for a DMA engine,
// over the AXI4 write channels: at most 16 beats, never across a 4 KiB boundary (burst_beats() of
// ohci_dma_util.vh). Used by ohci_it_dma (status quadlets) and ohci_ir_dma (packet streams and
// status quadlets).
//
// Parameters:
//   SINGLE_BEAT  1: every write is one beat whose data the user has at start (ohci_it_dma's
//                xferStatus): WVALID rises with AWVALID, and AWLEN is 0 and WLAST 1 at all
//                times. 0: bursts of 1..16 beats (ohci_ir_dma), each beat loaded when the unit
//                asks for it (load_o), the first one edge after AWVALID rises.
//   WANT_W       bits of want_i, 1..14
//
// Ports:
//   start_i, addr_i, want_i  write a burst at byte address addr_i (quadlet aligned) of
//                            min(want_i, 16, the quadlets left in addr_i's 4 KiB page) beats
//                            (SINGLE_BEAT: one); taken only while the unit is idle (from reset,
//                            or from the clk after done_o)
//   beats_o                  the current burst's beats (from the edge after start_i)
//   load_o                   a beat is loaded at this edge: the user sets what wdata_i will be
//                            while that beat is presented (SINGLE_BEAT: load_o is start_i)
//   wdata_i                  the presented beat's data, as m_axi_wdata (typically a register, or
//                            a RAM output, updated at the load_o edges)
//   done_o, error_o          the burst's B handshake is in this clk (the user acts on it now; the
//                            unit is idle from the next edge); error_o: BRESP was not OKAY
//   m_axi_aw*, m_axi_w*, m_axi_b*  the AXI4 write channels (AWSIZE 4 bytes, AWBURST INCR and
//                            WSTRB 4'hF are the engines' constants): AWADDR, AWLEN, AWVALID,
//                            WVALID and WLAST are registered, WDATA is wdata_i, and BREADY is
//                            decoded from the state register (high exactly while B is awaited)
//
// Latencies (clk edges): the edge that sees start_i raises AWVALID (SINGLE_BEAT: and WVALID);
// without SINGLE_BEAT the first beat is loaded at the next edge (WVALID rises there), then one
// beat per clk while WREADY. BREADY rises at the edge after both the AW handshake and the last
// beat's W handshake have been seen, and stays high until BVALID.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_dma_burst_write #(
    parameter integer SINGLE_BEAT = 0,
    parameter integer WANT_W      = 14
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              start_i,
    input  wire [      31:0] addr_i,
    input  wire [WANT_W-1:0] want_i,
    output wire [       4:0] beats_o,
    output wire              load_o,
    input  wire [      31:0] wdata_i,
    output wire              done_o,
    output wire              error_o,
    output wire [      31:0] m_axi_awaddr,
    output wire [       7:0] m_axi_awlen,
    output wire              m_axi_awvalid,
    input  wire              m_axi_awready,
    output wire [      31:0] m_axi_wdata,
    output wire              m_axi_wlast,
    output wire              m_axi_wvalid,
    input  wire              m_axi_wready,
    input  wire [       1:0] m_axi_bresp,
    input  wire              m_axi_bvalid,
    output wire              m_axi_bready
);
  `include "ohci_dma_util.vh"

  generate
    if (SINGLE_BEAT != 0 && SINGLE_BEAT != 1) begin : g_check_single_beat
      ohci_dma_burst_write_SINGLE_BEAT_must_be_0_or_1 single_beat_out_of_range ();
    end
    if (WANT_W < 1 || WANT_W > 14) begin : g_check_want_w
      ohci_dma_burst_write_WANT_W_must_be_1_to_14 want_w_out_of_range ();
    end
  endgenerate

  localparam [1:0] S_IDLE = 2'd0;
  localparam [1:0] S_DATA = 2'd1;  // AW and the W beats
  localparam [1:0] S_RESP = 2'd2;  // BREADY until BVALID
  localparam [1:0] AXI_RESP_OKAY = 2'b00;

  reg [1:0] state_reg;
  reg [4:0] beats_reg;  // beats of the burst
  reg [4:0] load_left_reg;  // beats still to load (not SINGLE_BEAT)
  reg [31:0] awaddr_reg;
  reg [7:0] awlen_reg;
  reg awvalid_reg;
  reg wvalid_reg;
  reg wlast_reg;

  // A beat can be loaded when none is presented or the presented one is taken now.
  wire w_free = !wvalid_reg || m_axi_wready;
  wire load_beat = SINGLE_BEAT == 0 && state_reg == S_DATA && w_free && load_left_reg != 5'd0;

  always @(posedge clk) begin
    if (rst) begin
      state_reg <= S_IDLE;
      awaddr_reg <= 32'd0;
      awlen_reg <= 8'd0;
      awvalid_reg <= 1'b0;
      wvalid_reg <= 1'b0;
      wlast_reg <= 1'b0;
    end else begin
      case (state_reg)
        S_IDLE: begin
          if (start_i) begin
            awaddr_reg <= addr_i;
            awvalid_reg <= 1'b1;
            if (SINGLE_BEAT != 0) begin
              wvalid_reg <= 1'b1;
            end else begin
              awlen_reg <= {3'd0, burst_beats(addr_i[11:2], {{(14 - WANT_W) {1'b0}}, want_i}) - 5'd1};
              beats_reg <= burst_beats(addr_i[11:2], {{(14 - WANT_W) {1'b0}}, want_i});
              load_left_reg <= burst_beats(addr_i[11:2], {{(14 - WANT_W) {1'b0}}, want_i});
            end
            state_reg <= S_DATA;
          end
        end

        S_DATA: begin
          if (m_axi_awready) awvalid_reg <= 1'b0;
          if (load_beat) begin
            wvalid_reg <= 1'b1;
            wlast_reg <= load_left_reg == 5'd1;
            load_left_reg <= load_left_reg - 5'd1;
          end else if (m_axi_wready) begin
            wvalid_reg <= 1'b0;
          end
          // both the address and the last beat are (or are now being) taken
          if ((!awvalid_reg || m_axi_awready) && w_free &&
              (SINGLE_BEAT != 0 || load_left_reg == 5'd0))
            state_reg <= S_RESP;
        end

        S_RESP: begin
          if (m_axi_bvalid) state_reg <= S_IDLE;
        end

        default: state_reg <= S_IDLE;
      endcase
    end
  end

  assign beats_o = beats_reg;
  assign load_o = SINGLE_BEAT != 0 ? start_i && state_reg == S_IDLE : load_beat;
  assign done_o = state_reg == S_RESP && m_axi_bvalid;
  assign error_o = m_axi_bresp != AXI_RESP_OKAY;
  assign m_axi_awaddr = awaddr_reg;
  assign m_axi_awlen = SINGLE_BEAT != 0 ? 8'd0 : awlen_reg;
  assign m_axi_awvalid = awvalid_reg;
  assign m_axi_wdata = wdata_i;
  assign m_axi_wlast = SINGLE_BEAT != 0 ? 1'b1 : wlast_reg;
  assign m_axi_wvalid = wvalid_reg;
  assign m_axi_bready = state_reg == S_RESP;
endmodule
`resetall
