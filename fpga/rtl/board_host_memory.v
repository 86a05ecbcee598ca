// board_host_memory: the board's host memory, on-chip RAM of 2**MEM_ADDR_W bytes at bus address
// MEM_BASE, shared by ohci_core's AXI4 DMA master (an AXI4 slave here) and the SPI host link (a
// byte port).
//
// AXI4 slave: 32-bit data, INCR bursts of 4-byte beats (AxSIZE 2, AxBURST INCR, any AxLEN; the
// core issues at most 16 beats), one read and one write burst at a time, a single ID. Every
// beat is decoded on its own: a beat whose address lies outside [MEM_BASE, MEM_BASE +
// 2**MEM_ADDR_W) answers DECERR (reads return 0, writes are dropped); a burst with another
// AxSIZE or AxBURST answers SLVERR on every beat and touches nothing. BRESP is the worst beat's.
// The RAM is a simple dual-port memory (one read port, one write port, byte-lane write enables)
// as the iCE40 and ECP5 block RAMs are.
//
// The SPI byte port (spi_*_i, one byte at a time, byte address within the RAM) shares the two
// ports: a read takes the read port, a write the write port. A request is held until spi_gnt_o;
// read data come one clk after the grant, in spi_rdata_o while spi_rvalid_o.
//   - Read port: the host link wins. Its read is granted when the R output register is free
//     (empty, or taken this clk) and then costs the DMA one clk.
//   - Write port: the DMA wins. The host link's write is granted in any clk without a W
//     handshake, at the latest one clk after a write burst's last beat (<= 17 clk for the
//     core's 16-beat bursts), far inside the 64 clk an SPI byte lasts at the maximum SCK.
//
// Latencies (clk edges): AR handshake at a -> first R beat valid at a+1 (the RAM's output
// register is the R register), then one beat per clk while RREADY is high; AW handshake at a,
// W beats from a+1 one per clk (WREADY is high while the burst runs) -> BVALID the edge after
// the last W beat. SPI: grant at g -> spi_rvalid_o at g+1; a write is in the RAM at g+1.
// Outputs are flops, except s_axi_rdata (the RAM output register, forced to 0 for an error beat
// by a flop) and spi_gnt_o / spi_rdata_o (decoded for the host link in the same clk).
`resetall
`timescale 1ns / 1ps
`default_nettype none
module board_host_memory #(
    parameter integer MEM_ADDR_W = 16,           // log2 of the RAM's size in bytes, 4..24
    parameter [31:0]  MEM_BASE   = 32'h1000_0000 // bus address of byte 0; aligned to the size
) (
    input  wire                  clk,
    input  wire                  rst,
    // AXI4 slave (from ohci_core's m_axi_*)
    input  wire [          31:0] s_axi_araddr,
    input  wire [           7:0] s_axi_arlen,
    input  wire [           2:0] s_axi_arsize,
    input  wire [           1:0] s_axi_arburst,
    input  wire                  s_axi_arvalid,
    output wire                  s_axi_arready,
    output wire [          31:0] s_axi_rdata,
    output wire [           1:0] s_axi_rresp,
    output wire                  s_axi_rlast,
    output wire                  s_axi_rvalid,
    input  wire                  s_axi_rready,
    input  wire [          31:0] s_axi_awaddr,
    input  wire [           7:0] s_axi_awlen,
    input  wire [           2:0] s_axi_awsize,
    input  wire [           1:0] s_axi_awburst,
    input  wire                  s_axi_awvalid,
    output wire                  s_axi_awready,
    input  wire [          31:0] s_axi_wdata,
    input  wire [           3:0] s_axi_wstrb,
    // The beat count of the AW burst ends it; WLAST is not needed to find the last beat.
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire                  s_axi_wlast,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                  s_axi_wvalid,
    output wire                  s_axi_wready,
    output wire [           1:0] s_axi_bresp,
    output wire                  s_axi_bvalid,
    input  wire                  s_axi_bready,
    // SPI host link byte port
    input  wire                  spi_req_i,
    input  wire                  spi_we_i,
    input  wire [MEM_ADDR_W-1:0] spi_addr_i,
    input  wire [           7:0] spi_wdata_i,
    output wire                  spi_gnt_o,
    output wire                  spi_rvalid_o,
    output wire [           7:0] spi_rdata_o
);
  localparam integer WORD_W = MEM_ADDR_W - 2;
  localparam integer WORDS = 1 << WORD_W;
  localparam [1:0] RESP_OKAY = 2'b00;
  localparam [1:0] RESP_SLVERR = 2'b10;
  localparam [1:0] RESP_DECERR = 2'b11;
  localparam [2:0] SIZE_4_BYTES = 3'd2;
  localparam [1:0] BURST_INCR = 2'b01;

  // One array per byte lane: every tool maps a lane to block RAM with a plain write enable.
  reg [7:0] lane0_mem[0:WORDS-1];
  reg [7:0] lane1_mem[0:WORDS-1];
  reg [7:0] lane2_mem[0:WORDS-1];
  reg [7:0] lane3_mem[0:WORDS-1];

  // Read burst
  reg rd_active_reg;
  reg arready_reg;
  reg [31:0] rd_addr_reg;
  reg [8:0] rd_beats_reg;  // beats still to read, AxLEN + 1 at the start
  reg rd_bad_reg;  // unsupported AxSIZE/AxBURST: SLVERR
  reg [31:0] ram_q_reg;  // the RAM's output register: R data or the host link's word
  reg rvalid_reg;
  reg [1:0] rresp_reg;
  reg rlast_reg;
  reg rzero_reg;
  reg spi_rvalid_reg;
  reg [1:0] spi_lane_reg;
  // Write burst
  reg wr_active_reg;
  reg awready_reg;
  reg [31:0] wr_addr_reg;
  reg [8:0] wr_beats_reg;
  reg wr_bad_reg;
  reg [1:0] bresp_reg;
  reg bvalid_reg;

  wire r_slot_free = !rvalid_reg || s_axi_rready;
  wire spi_read = spi_req_i && !spi_we_i && r_slot_free;
  wire axi_read = rd_active_reg && r_slot_free && !spi_read;
  wire w_fire = wr_active_reg && s_axi_wvalid;
  wire spi_write = spi_req_i && spi_we_i && !w_fire;

  function automatic in_range(input [31:0] address);
    in_range = (address & ~((32'd1 << MEM_ADDR_W) - 32'd1)) == MEM_BASE;
  endfunction
  wire rd_beat_ok = in_range(rd_addr_reg);
  wire wr_beat_ok = in_range(wr_addr_reg);
  wire [WORD_W-1:0] rd_word = spi_read ? spi_addr_i[MEM_ADDR_W-1:2] : rd_addr_reg[MEM_ADDR_W-1:2];
  wire [WORD_W-1:0] wr_word = w_fire ? wr_addr_reg[MEM_ADDR_W-1:2] : spi_addr_i[MEM_ADDR_W-1:2];
  wire [3:0] spi_lanes = 4'b0001 << spi_addr_i[1:0];
  wire [3:0] wr_lanes = w_fire ? (wr_beat_ok && !wr_bad_reg ? s_axi_wstrb : 4'b0000)
                               : (spi_write ? spi_lanes : 4'b0000);
  wire [31:0] wr_data = w_fire ? s_axi_wdata : {4{spi_wdata_i}};

  // The RAM: one read and one write per clk.
  always @(posedge clk) begin
    if (spi_read || axi_read)
      ram_q_reg <= {lane3_mem[rd_word], lane2_mem[rd_word], lane1_mem[rd_word], lane0_mem[rd_word]};
    if (wr_lanes[0]) lane0_mem[wr_word] <= wr_data[7:0];
    if (wr_lanes[1]) lane1_mem[wr_word] <= wr_data[15:8];
    if (wr_lanes[2]) lane2_mem[wr_word] <= wr_data[23:16];
    if (wr_lanes[3]) lane3_mem[wr_word] <= wr_data[31:24];
  end

  always @(posedge clk) begin
    // Read channel
    spi_rvalid_reg <= spi_read;
    if (spi_read) spi_lane_reg <= spi_addr_i[1:0];
    if (r_slot_free) rvalid_reg <= axi_read;
    if (axi_read) begin
      rresp_reg <= rd_bad_reg ? RESP_SLVERR : rd_beat_ok ? RESP_OKAY : RESP_DECERR;
      rzero_reg <= rd_bad_reg || !rd_beat_ok;
      rlast_reg <= rd_beats_reg == 9'd1;
      rd_addr_reg <= rd_addr_reg + 32'd4;
      rd_beats_reg <= rd_beats_reg - 9'd1;
      if (rd_beats_reg == 9'd1) begin
        rd_active_reg <= 1'b0;
        arready_reg <= 1'b1;
      end
    end
    if (arready_reg && s_axi_arvalid) begin
      arready_reg <= 1'b0;
      rd_active_reg <= 1'b1;
      rd_addr_reg <= s_axi_araddr;
      rd_beats_reg <= {1'b0, s_axi_arlen} + 9'd1;
      rd_bad_reg <= s_axi_arsize != SIZE_4_BYTES || s_axi_arburst != BURST_INCR;
    end
    // Write channel
    if (s_axi_bready) bvalid_reg <= 1'b0;
    if (w_fire) begin
      if (wr_bad_reg) bresp_reg <= RESP_SLVERR;
      else if (!wr_beat_ok) bresp_reg <= RESP_DECERR;
      wr_addr_reg <= wr_addr_reg + 32'd4;
      wr_beats_reg <= wr_beats_reg - 9'd1;
      if (wr_beats_reg == 9'd1) begin
        wr_active_reg <= 1'b0;
        bvalid_reg <= 1'b1;
      end
    end
    if (awready_reg && s_axi_awvalid) begin
      awready_reg <= 1'b0;
      wr_active_reg <= 1'b1;
      wr_addr_reg <= s_axi_awaddr;
      wr_beats_reg <= {1'b0, s_axi_awlen} + 9'd1;
      wr_bad_reg <= s_axi_awsize != SIZE_4_BYTES || s_axi_awburst != BURST_INCR;
      bresp_reg <= RESP_OKAY;
    end
    // The next write burst is accepted once the previous one's response has been taken.
    if (bvalid_reg && s_axi_bready) awready_reg <= 1'b1;

    if (rst) begin
      rd_active_reg <= 1'b0;
      arready_reg <= 1'b1;
      rvalid_reg <= 1'b0;
      spi_rvalid_reg <= 1'b0;
      wr_active_reg <= 1'b0;
      awready_reg <= 1'b1;
      bvalid_reg <= 1'b0;
    end
  end

  assign s_axi_arready = arready_reg;
  assign s_axi_rdata = rzero_reg ? 32'd0 : ram_q_reg;
  assign s_axi_rresp = rresp_reg;
  assign s_axi_rlast = rlast_reg;
  assign s_axi_rvalid = rvalid_reg;
  assign s_axi_awready = awready_reg;
  assign s_axi_wready = wr_active_reg;
  assign s_axi_bresp = bresp_reg;
  assign s_axi_bvalid = bvalid_reg;
  assign spi_gnt_o = spi_we_i ? spi_write : spi_read;
  assign spi_rvalid_o = spi_rvalid_reg;
  assign spi_rdata_o = ram_q_reg[8*spi_lane_reg+:8];
endmodule
`resetall
