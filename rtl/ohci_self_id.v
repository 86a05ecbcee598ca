// ohci_self_id: the self-ID receive DMA (OHCI 1.1 §11). During the self-ID phase of a bus reset
// the PHY sends every node's self-ID packets (each a quadlet and its inverse, at S100);
// ohci_link_rx hands their quadlets here, and when LinkControl.rcvSelfID was set at the start of
// the phase this block writes them into the 2 KiB SelfIDBuffer:
//   quadlet 0        selfIDGeneration[23:16] : timeStamp[15:0] (cycleSeconds[2:0]:cycleCount,
//                    taken when the phase ends), written last;
//   quadlets 1, 2..  the received quadlets in arrival order, inverses included.
// Then size_o (quadlets written, the header included) and error_o are final and done_o pulses:
// software sees SelfIDCount and selfIDComplete only after every write has been answered.
// error_o (SelfIDCount.selfIDError) reports a quadlet not followed by its inverse, a self-ID
// packet that is not whole quadlet pairs, a quadlet lost to a full FIFO or a full buffer (512
// quadlets), or a write answered with an error. Quadlets keep being stored after an error, as
// received, so software can look at them.
//
// Each quadlet is one single-beat AXI4 write (INCR, len 0) with AWVALID and WVALID raised
// together; a FIFO of 2**FIFO_W quadlets absorbs the time the shared write path is busy with
// the IT and IR engines (a quadlet arrives every 16 clk at S100).
//
// Latencies (clk edges): a quadlet handed over at edge q enters the FIFO at q; its write starts
// (AWVALID/WVALID) at the edge after it reaches the FIFO head with the writer idle; the phase
// end seen at edge p starts the header write once the FIFO is empty and the writer idle;
// done_o pulses at the edge after the header's B handshake.
// With rcvSelfID clear at the phase start nothing is written: storing_o stays 0 and ohci_regs
// signals selfIDComplete itself at the phase end.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_self_id #(
    parameter integer FIFO_W = 2  // FIFO of 2**FIFO_W quadlets
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        enable_i,          // LinkControl.rcvSelfID and linkEnable
    input  wire [31:11] buffer_addr_i,    // SelfIDBuffer bits 31:11 (2 KiB aligned)
    input  wire [ 7:0] generation_i,      // the bus generation of this phase
    input  wire [15:0] stamp_i,           // cycleSeconds[2:0]:cycleCount of the cycle timer
    // from ohci_link_rx
    input  wire        phase_start_i,     // pulse: a bus reset, the self-ID phase begins
    input  wire        quadlet_valid_i,   // pulse: a received self-ID quadlet
    input  wire [31:0] quadlet_i,
    input  wire        packet_end_i,      // pulse: a self-ID packet ended
    input  wire        packet_ok_i,       // with packet_end_i: it was whole quadlet pairs
    input  wire        phase_end_i,       // pulse: the PHY reported its register 0 (phase over)
    // AXI4 write master (single beats)
    output wire [31:0] m_axi_awaddr,
    output wire        m_axi_awvalid,
    input  wire        m_axi_awready,
    output wire [31:0] m_axi_wdata,
    output wire        m_axi_wvalid,
    input  wire        m_axi_wready,
    input  wire [ 1:0] m_axi_bresp,
    input  wire        m_axi_bvalid,
    output wire        m_axi_bready,
    // results
    output wire        storing_o,         // this phase is being stored (done_o will pulse)
    output wire        done_o,
    output wire [ 8:0] size_o,
    output wire        error_o
);
  localparam integer DEPTH = 1 << FIFO_W;
  localparam [1:0] AXI_RESP_OKAY = 2'b00;
  localparam [8:0] LAST_SLOT = 9'd511;  // the buffer's 512th quadlet

  // The phase: collecting quadlets, then the header, then done.
  localparam [1:0] P_IDLE = 2'd0;
  localparam [1:0] P_COLLECT = 2'd1;
  localparam [1:0] P_HEADER = 2'd2;  // the phase ended: drain the FIFO, then write quadlet 0
  // The writer.
  localparam [1:0] W_IDLE = 2'd0;
  localparam [1:0] W_ADDR = 2'd1;  // AWVALID/WVALID up until both handshakes
  localparam [1:0] W_RESP = 2'd2;

  reg [1:0] phase_reg;
  reg [1:0] writer_reg;
  reg [31:0] fifo_reg[0:DEPTH-1];
  reg [FIFO_W:0] fifo_wr_reg;
  reg [FIFO_W:0] fifo_rd_reg;
  reg [8:0] next_slot_reg;  // where the next received quadlet goes
  reg [8:0] size_reg;
  reg error_reg;
  reg odd_reg;  // the next quadlet is the inverse of first_reg
  reg [31:0] first_reg;
  reg header_reg;  // the write in flight is the header
  reg aw_done_reg;
  reg w_done_reg;
  reg [31:0] awaddr_reg;
  reg [31:0] wdata_reg;
  reg done_reg;

  wire [FIFO_W:0] fifo_used = fifo_wr_reg - fifo_rd_reg;
  wire fifo_empty = fifo_used == {(FIFO_W + 1) {1'b0}};
  wire fifo_full = fifo_used[FIFO_W];
  wire collecting = phase_reg == P_COLLECT;
  wire take = collecting && quadlet_valid_i;
  // (slot 511 stays unused: selfIDSize, 9 bits, counts at most 511 quadlets with the header)
  wire room = !fifo_full && next_slot_reg != LAST_SLOT;
  wire aw_fire = m_axi_awvalid && m_axi_awready;
  wire w_fire = m_axi_wvalid && m_axi_wready;
  wire start_data = writer_reg == W_IDLE && !fifo_empty && !phase_start_i;
  wire start_header = writer_reg == W_IDLE && fifo_empty && phase_reg == P_HEADER;

  always @(posedge clk) begin
    done_reg <= 1'b0;
    if (rst) begin
      phase_reg <= P_IDLE;
      writer_reg <= W_IDLE;
      fifo_wr_reg <= {(FIFO_W + 1) {1'b0}};
      fifo_rd_reg <= {(FIFO_W + 1) {1'b0}};
      next_slot_reg <= 9'd1;
      size_reg <= 9'd0;
      error_reg <= 1'b0;
      odd_reg <= 1'b0;
      first_reg <= 32'd0;
      header_reg <= 1'b0;
      aw_done_reg <= 1'b0;
      w_done_reg <= 1'b0;
      awaddr_reg <= 32'd0;
      wdata_reg <= 32'd0;
    end else begin
      // ---- the phase ----
      if (phase_start_i) begin
        // (a write already under way completes; its quadlet belongs to the old phase)
        phase_reg <= enable_i ? P_COLLECT : P_IDLE;
        fifo_wr_reg <= fifo_rd_reg;
        next_slot_reg <= 9'd1;
        size_reg <= 9'd0;
        error_reg <= 1'b0;
        odd_reg <= 1'b0;
      end else begin
        if (take) begin
          odd_reg <= !odd_reg;
          if (!odd_reg) first_reg <= quadlet_i;
          else if (quadlet_i != ~first_reg) error_reg <= 1'b1;
          if (room) begin
            fifo_reg[fifo_wr_reg[FIFO_W-1:0]] <= quadlet_i;
            fifo_wr_reg <= fifo_wr_reg + 1'b1;
            next_slot_reg <= next_slot_reg + 9'd1;
          end else begin
            error_reg <= 1'b1;
          end
        end
        if (collecting && packet_end_i) begin
          odd_reg <= 1'b0;
          if (!packet_ok_i || odd_reg) error_reg <= 1'b1;
        end
        if (collecting && phase_end_i) phase_reg <= P_HEADER;
        if (writer_reg == W_RESP && m_axi_bvalid && m_axi_bresp != AXI_RESP_OKAY)
          error_reg <= 1'b1;
        if (writer_reg == W_RESP && m_axi_bvalid && header_reg && phase_reg == P_HEADER) begin
          phase_reg <= P_IDLE;
          size_reg <= next_slot_reg;
          done_reg <= 1'b1;
        end
      end

      // ---- the writer ----
      case (writer_reg)
        W_IDLE: begin
          aw_done_reg <= 1'b0;
          w_done_reg <= 1'b0;
          if (start_data) begin
            header_reg <= 1'b0;
            // slot of the FIFO head: next_slot minus the quadlets still queued
            awaddr_reg <= {buffer_addr_i[31:11],
                           next_slot_reg - {{(8 - FIFO_W) {1'b0}}, fifo_used}, 2'b00};
            wdata_reg <= fifo_reg[fifo_rd_reg[FIFO_W-1:0]];
            fifo_rd_reg <= fifo_rd_reg + 1'b1;
            writer_reg <= W_ADDR;
          end else if (start_header && !phase_start_i) begin
            header_reg <= 1'b1;
            awaddr_reg <= {buffer_addr_i[31:11], 11'd0};
            wdata_reg <= {8'd0, generation_i, stamp_i};
            writer_reg <= W_ADDR;
          end
        end
        W_ADDR: begin
          if (aw_fire) aw_done_reg <= 1'b1;
          if (w_fire) w_done_reg <= 1'b1;
          if ((aw_done_reg || aw_fire) && (w_done_reg || w_fire)) writer_reg <= W_RESP;
        end
        W_RESP: if (m_axi_bvalid) writer_reg <= W_IDLE;
        default: writer_reg <= W_IDLE;
      endcase
    end
  end

  assign m_axi_awaddr = awaddr_reg;
  assign m_axi_awvalid = writer_reg == W_ADDR && !aw_done_reg;
  assign m_axi_wdata = wdata_reg;
  assign m_axi_wvalid = writer_reg == W_ADDR && !w_done_reg;
  assign m_axi_bready = writer_reg == W_RESP;
  assign storing_o = phase_reg != P_IDLE;
  assign done_o = done_reg;
  assign size_o = size_reg;
  assign error_o = error_reg;
endmodule
`resetall
