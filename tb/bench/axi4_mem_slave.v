// axi4_mem_slave: host memory for the bench testbench (it_path_tb): an AXI4 slave over a word
// array, serving ohci_core's m_axi_* DMA master.
//
// 32-bit data, one ID, INCR bursts of up to 16 beats; one read burst and one write burst at a
// time (the IT engine never has more outstanding). Memory is 2**ADDR_W bytes at bus address 0,
// little-endian: byte address a is mem_reg[a >> 2][8 * (a % 4) +: 8]. The testbench loads it by
// hierarchical reference to mem_reg before reset ends.
//
// Timing (cycle c ends at rising edge c; a handshake at c is VALID && READY seen at edge c), the
// same as sim/axi_memory.hpp with a fixed read latency L = READ_LATENCY and no back-pressure:
//   - ARREADY is high while no read burst is under way; an AR handshake at a puts the first R
//     beat on the bus from cycle a + 1 + L; each later beat is on the bus the cycle after the
//     previous beat's handshake; ARREADY is high again the cycle after the last beat's handshake.
//   - AWREADY is high while no write burst or B response is under way; WREADY is high with the
//     burst's AWVALID (W may come with its AW) and until its last beat; memory is written at each
//     W handshake (with WSTRB); the last beat at w puts B on the bus from cycle w + 1 until BREADY.
//   - Each write beat is also shown for one clk after its edge on wr_valid_o / wr_addr_o /
//     wr_data_o (the testbench checks the status write-backs there).
// A burst that breaks the DMA contract (ARLEN/AWLEN above 15, size other than 4 bytes, burst type
// other than INCR, a burst crossing 4 KiB, WLAST not on exactly the last beat) or reaches past the
// memory is an error ($fatal): ohci_core must never issue one.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module axi4_mem_slave #(
    parameter integer ADDR_W = 16,       // bytes of memory: 2**ADDR_W
    parameter integer READ_LATENCY = 2   // L above, 0..255
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [31:0] m_axi_araddr,
    input  wire [ 7:0] m_axi_arlen,
    input  wire [ 2:0] m_axi_arsize,
    input  wire [ 1:0] m_axi_arburst,
    input  wire        m_axi_arvalid,
    output wire        m_axi_arready,
    output wire [31:0] m_axi_rdata,
    output wire [ 1:0] m_axi_rresp,
    output wire        m_axi_rlast,
    output wire        m_axi_rvalid,
    input  wire        m_axi_rready,
    input  wire [31:0] m_axi_awaddr,
    input  wire [ 7:0] m_axi_awlen,
    input  wire [ 2:0] m_axi_awsize,
    input  wire [ 1:0] m_axi_awburst,
    input  wire        m_axi_awvalid,
    output wire        m_axi_awready,
    input  wire [31:0] m_axi_wdata,
    input  wire [ 3:0] m_axi_wstrb,
    input  wire        m_axi_wlast,
    input  wire        m_axi_wvalid,
    output wire        m_axi_wready,
    output wire [ 1:0] m_axi_bresp,
    output wire        m_axi_bvalid,
    input  wire        m_axi_bready,
    output wire        wr_valid_o,
    output wire [31:0] wr_addr_o,
    output wire [31:0] wr_data_o
);
  localparam integer WORD_AW = ADDR_W - 2;
  localparam integer WORDS = 1 << WORD_AW;
  localparam [1:0] RESP_OKAY = 2'b00;
  localparam [1:0] BURST_INCR = 2'b01;
  localparam [2:0] SIZE_4 = 3'd2;

  reg [31:0] mem_reg[0:WORDS-1];

  // read
  reg rd_busy_reg;
  reg [WORD_AW-1:0] rd_word_reg;  // the word of the beat on the bus (or due next)
  reg [7:0] rd_left_reg;  // beats after that one
  reg [7:0] rd_wait_reg;
  reg rvalid_reg;
  reg rlast_reg;
  reg [31:0] rdata_reg;
  // write
  reg wr_busy_reg;  // AW taken, W beats to come
  reg [WORD_AW-1:0] wr_word_reg;
  reg [7:0] wr_left_reg;
  reg bvalid_reg;
  reg wr_valid_reg;
  reg [31:0] wr_addr_reg;
  reg [31:0] wr_data_reg;

  assign m_axi_arready = !rd_busy_reg;
  assign m_axi_rdata = rdata_reg;
  assign m_axi_rresp = RESP_OKAY;
  assign m_axi_rlast = rlast_reg;
  assign m_axi_rvalid = rvalid_reg;
  assign m_axi_awready = !wr_busy_reg && !bvalid_reg;
  assign m_axi_wready = wr_busy_reg || (m_axi_awvalid && m_axi_awready);
  assign m_axi_bresp = RESP_OKAY;
  assign m_axi_bvalid = bvalid_reg;
  assign wr_valid_o = wr_valid_reg;
  assign wr_addr_o = wr_addr_reg;
  assign wr_data_o = wr_data_reg;

  wire ar_hs = m_axi_arvalid && m_axi_arready;
  wire r_hs = m_axi_rvalid && m_axi_rready;
  wire aw_hs = m_axi_awvalid && m_axi_awready;
  wire w_hs = m_axi_wvalid && m_axi_wready;

  // The beat to put on the R bus at this edge, if any.
  reg present;
  reg [WORD_AW-1:0] present_word;
  reg present_last;
  always @(*) begin
    present = 1'b0;
    present_word = rd_word_reg;
    present_last = rd_left_reg == 8'd0;
    if (ar_hs) begin
      present = READ_LATENCY == 0;
      present_word = m_axi_araddr[WORD_AW+1:2];
      present_last = m_axi_arlen == 8'd0;
    end else if (rd_busy_reg && !rvalid_reg) begin
      present = rd_wait_reg == 8'd0;
    end else if (r_hs && !rlast_reg) begin
      present = 1'b1;
      present_word = rd_word_reg + 1'b1;
      present_last = rd_left_reg == 8'd1;
    end
  end

  // The word a W beat at this edge writes.
  wire [WORD_AW-1:0] w_word = wr_busy_reg ? wr_word_reg : m_axi_awaddr[WORD_AW+1:2];
  wire [7:0] w_left = wr_busy_reg ? wr_left_reg : m_axi_awlen;
  wire [31:0] w_old = mem_reg[w_word];
  wire [31:0] w_new = {m_axi_wstrb[3] ? m_axi_wdata[31:24] : w_old[31:24],
                       m_axi_wstrb[2] ? m_axi_wdata[23:16] : w_old[23:16],
                       m_axi_wstrb[1] ? m_axi_wdata[15:8] : w_old[15:8],
                       m_axi_wstrb[0] ? m_axi_wdata[7:0] : w_old[7:0]};

  // A burst's last byte, for the 4 KiB and range checks.
  function automatic [31:0] last_byte(input [29:0] word, input [7:0] len);
    begin
      last_byte = {word, 2'b00} + {22'd0, len, 2'b11};
    end
  endfunction

  always @(posedge clk) begin
    wr_valid_reg <= 1'b0;
    if (rst) begin
      rd_busy_reg <= 1'b0;
      rd_word_reg <= {WORD_AW{1'b0}};
      rd_left_reg <= 8'd0;
      rd_wait_reg <= 8'd0;
      rvalid_reg <= 1'b0;
      rlast_reg <= 1'b0;
      rdata_reg <= 32'd0;
      wr_busy_reg <= 1'b0;
      wr_word_reg <= {WORD_AW{1'b0}};
      wr_left_reg <= 8'd0;
      bvalid_reg <= 1'b0;
      wr_addr_reg <= 32'd0;
      wr_data_reg <= 32'd0;
    end else begin
      // read
      if (ar_hs) begin
        check_burst("read", m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst);
        rd_busy_reg <= 1'b1;
        rd_word_reg <= m_axi_araddr[WORD_AW+1:2];
        rd_left_reg <= m_axi_arlen;
        rd_wait_reg <= READ_LATENCY == 0 ? 8'd0 : READ_LATENCY[7:0] - 8'd1;
      end else if (rd_busy_reg && !rvalid_reg) begin
        if (rd_wait_reg != 8'd0) rd_wait_reg <= rd_wait_reg - 8'd1;
      end else if (r_hs) begin
        if (rlast_reg) begin
          rvalid_reg <= 1'b0;
          rd_busy_reg <= 1'b0;
        end else begin
          rd_word_reg <= rd_word_reg + 1'b1;
          rd_left_reg <= rd_left_reg - 8'd1;
        end
      end
      if (present) begin
        rvalid_reg <= 1'b1;
        rlast_reg <= present_last;
        rdata_reg <= mem_reg[present_word];
      end
      // write
      if (aw_hs) begin
        check_burst("write", m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst);
        wr_busy_reg <= 1'b1;
        wr_word_reg <= m_axi_awaddr[WORD_AW+1:2];
        wr_left_reg <= m_axi_awlen;
      end
      if (w_hs) begin
        if (m_axi_wlast != (w_left == 8'd0)) fail("WLAST not on exactly the last beat of its burst");
        mem_reg[w_word] <= w_new;
        wr_valid_reg <= 1'b1;
        wr_addr_reg <= {{(30 - WORD_AW){1'b0}}, w_word, 2'b00};
        wr_data_reg <= w_new;
        if (w_left == 8'd0) begin
          wr_busy_reg <= 1'b0;
          bvalid_reg <= 1'b1;
        end else begin
          wr_word_reg <= w_word + 1'b1;
          wr_left_reg <= w_left - 8'd1;
        end
      end
      if (m_axi_bvalid && m_axi_bready) bvalid_reg <= 1'b0;
    end
  end

  task check_burst(input [8*5-1:0] kind, input [31:0] address, input [7:0] len, input [2:0] size,
                   input [1:0] burst);
    // Only the page of the burst's last byte is compared, not its offset within the page.
    /* verilator lint_off UNUSEDSIGNAL */
    reg [31:0] last;
    /* verilator lint_on UNUSEDSIGNAL */
    begin
      last = last_byte(address[31:2], len);
      if (len > 8'd15) fail_burst(kind, address, "is longer than 16 beats");
      if (size != SIZE_4) fail_burst(kind, address, "has beats other than 4 bytes");
      if (burst != BURST_INCR) fail_burst(kind, address, "is not INCR");
      if (last[31:12] != address[31:12]) fail_burst(kind, address, "crosses a 4 KiB boundary");
      if (last[31:ADDR_W] != 0) fail_burst(kind, address, "reaches past the host memory");
    end
  endtask

  task fail_burst(input [8*5-1:0] kind, input [31:0] address, input [8*32-1:0] what);
    begin
      $display("it_path_tb: ERROR: host memory: the %0s burst at 0x%08h %0s", kind, address, what);
      $fatal(1, "it_path_tb: AXI4 contract violation");
    end
  endtask

  task fail(input [8*56-1:0] what);
    begin
      $display("it_path_tb: ERROR: host memory: %0s", what);
      $fatal(1, "it_path_tb: AXI4 contract violation");
    end
  endtask
endmodule
`resetall
