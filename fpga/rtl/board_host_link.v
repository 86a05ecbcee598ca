// board_host_link: the command decoder of the SPI host link (docs/host-link.md). It turns the
// frames board_spi_slave delivers byte by byte into AXI4-Lite transactions on ohci_core's
// register window and into byte reads and writes of board_host_memory, and composes the answer
// bytes the slave shifts out on MISO.
//
// Frames (CS# low to CS# high; T = turnaround byte, answers 0x00; S = status byte):
//   REG_READ  0x01 AH AL           T S D3 D2 D1 D0     register value, most significant first
//   REG_WRITE 0x02 AH AL D3 D2 D1 D0 T S
//   MEM_READ  0x03 A3 A2 A1 A0 LH LL T S data[0..L-1]  bus address A, L bytes (1..65535)
//   MEM_WRITE 0x04 A3 A2 A1 A0 LH LL data[0..L-1] T S
//   STATUS    0x05                 T S V M F 00 B3 B2 B1 B0
//   other     xx                   T S(BAD_COMMAND), then 0x00
// S = {4'hA, irq, code}: code 0 OK, 1 BAD_COMMAND, 2 BAD_ADDRESS, 3 BUS_ERROR, 4 BUSY.
// STATUS answers V = protocol version 0x01, M = log2 of the memory's size in bytes, F = flags
// (bit 0: irq), then MEM_BASE. Bytes after a frame's answer read 0x00 and are ignored.
//
// Pipelining: the answer of byte k+2 is set when byte k has arrived (board_spi_slave loads the
// answer of byte k+1 as byte k completes), so S is known at the end of the header (or of the
// write data) and T gives a whole byte time (>= 64 clk at the maximum SCK) for the register
// access or the first memory read. An AXI4-Lite access is issued at the edge after the byte
// that completes it (AL for a read, D0 for a write); S reads BUSY until its response, which
// ohci_core gives 3 clk later. Memory reads prefetch the next byte when a byte is loaded into
// the answer; memory writes are requested as each data byte arrives.
//
// Latencies (clk edges from rx_valid_i of the completing byte at e): ARVALID/AWVALID/WVALID at
// e+1; the answer byte register updates at e+1 (and at the response edge for S); a memory
// request at e+1, held until spi granted.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module board_host_link #(
    parameter integer MEM_ADDR_W = 16,
    parameter [31:0]  MEM_BASE   = 32'h1000_0000
) (
    input  wire                  clk,
    input  wire                  rst,
    // from board_spi_slave
    input  wire                  frame_start_i,
    input  wire                  frame_end_i,
    input  wire                  rx_valid_i,
    input  wire [           7:0] rx_byte_i,
    output wire [           7:0] tx_byte_o,
    input  wire                  irq_i,
    // AXI4-Lite master (to ohci_core's s_axil_*)
    output wire [          10:0] m_axil_awaddr,
    output wire                  m_axil_awvalid,
    input  wire                  m_axil_awready,
    output wire [          31:0] m_axil_wdata,
    output wire [           3:0] m_axil_wstrb,
    output wire                  m_axil_wvalid,
    input  wire                  m_axil_wready,
    input  wire [           1:0] m_axil_bresp,
    input  wire                  m_axil_bvalid,
    output wire                  m_axil_bready,
    output wire [          10:0] m_axil_araddr,
    output wire                  m_axil_arvalid,
    input  wire                  m_axil_arready,
    input  wire [          31:0] m_axil_rdata,
    input  wire [           1:0] m_axil_rresp,
    input  wire                  m_axil_rvalid,
    output wire                  m_axil_rready,
    // board_host_memory's byte port
    output wire                  mem_req_o,
    output wire                  mem_we_o,
    output wire [MEM_ADDR_W-1:0] mem_addr_o,
    output wire [           7:0] mem_wdata_o,
    input  wire                  mem_gnt_i,
    input  wire                  mem_rvalid_i,
    input  wire [           7:0] mem_rdata_i
);
  localparam [7:0] CMD_REG_READ = 8'h01;
  localparam [7:0] CMD_REG_WRITE = 8'h02;
  localparam [7:0] CMD_MEM_READ = 8'h03;
  localparam [7:0] CMD_MEM_WRITE = 8'h04;
  localparam [7:0] CMD_STATUS = 8'h05;
  localparam [2:0] CODE_OK = 3'd0;
  localparam [2:0] CODE_BAD_COMMAND = 3'd1;
  localparam [2:0] CODE_BAD_ADDRESS = 3'd2;
  localparam [2:0] CODE_BUS_ERROR = 3'd3;
  localparam [2:0] CODE_BUSY = 3'd4;
  localparam [3:0] STATUS_MARK = 4'hA;
  localparam [7:0] PROTOCOL_VERSION = 8'h01;
  localparam [1:0] RESP_OKAY = 2'b00;
  localparam [32:0] MEM_BYTES = 33'd1 << MEM_ADDR_W;
  localparam [7:0] MEM_LOG2 = MEM_ADDR_W[7:0];
  localparam [2:0] ST_IDLE = 3'd0;  // no frame, or the frame's answer is over
  localparam [2:0] ST_CMD = 3'd1;  // waiting for the command byte
  localparam [2:0] ST_ADDR = 3'd2;  // address bytes
  localparam [2:0] ST_LEN = 3'd3;  // length bytes
  localparam [2:0] ST_WDATA = 3'd4;  // write data bytes
  localparam [2:0] ST_ANSWER = 3'd5;  // T, S and the answer bytes

  reg [2:0] state_reg;
  reg [7:0] cmd_reg;
  reg [31:0] addr_reg;
  reg [7:0] len_hi_reg;
  reg [15:0] count_reg;  // header or data bytes still to come in this state
  reg [31:0] word_reg;  // register write data
  reg [2:0] code_reg;
  reg [63:0] answer_reg;  // answer bytes still to send, first in [63:56]
  reg [15:0] mem_left_reg;  // MEM_READ bytes still to put into the answer
  reg [7:0] prefetch_reg;
  reg [7:0] tx_byte_reg;
  reg status_pending_reg;  // S waits for an AXI4-Lite response and is not yet loaded
  reg axil_busy_reg;
  reg arvalid_reg;
  reg awvalid_reg;
  reg wvalid_reg;
  reg [10:0] axil_addr_reg;
  reg mem_req_reg;
  reg mem_we_reg;
  reg [MEM_ADDR_W-1:0] mem_addr_reg;
  reg [7:0] mem_wdata_reg;

  wire [15:0] reg_offset = {addr_reg[7:0], rx_byte_i};
  wire reg_offset_ok = reg_offset[15:11] == 5'd0 && reg_offset[1:0] == 2'd0;
  wire [15:0] mem_len = {len_hi_reg, rx_byte_i};
  wire [31:0] mem_offset = addr_reg - MEM_BASE;
  wire [32:0] mem_end = {1'b0, mem_offset} + {17'd0, mem_len};
  // Below MEM_BASE the subtraction wraps to an offset past the end.
  wire mem_range_ok = {1'b0, mem_offset} < MEM_BYTES && mem_len != 16'd0 && mem_end <= MEM_BYTES;
  wire write_offset_ok = addr_reg[15:11] == 5'd0 && addr_reg[1:0] == 2'd0;
  wire [63:0] status_info = {PROTOCOL_VERSION, MEM_LOG2, 7'd0, irq_i, 8'h00, MEM_BASE};

  function automatic [7:0] status_byte(input [2:0] code, input irq);
    status_byte = {STATUS_MARK, irq, code};
  endfunction

  always @(posedge clk) begin
    if (arvalid_reg && m_axil_arready) arvalid_reg <= 1'b0;
    if (awvalid_reg && m_axil_awready) awvalid_reg <= 1'b0;
    if (wvalid_reg && m_axil_wready) wvalid_reg <= 1'b0;
    if (mem_req_reg && mem_gnt_i) begin
      mem_req_reg  <= 1'b0;
      mem_addr_reg <= mem_addr_reg + 1'b1;
    end
    if (mem_rvalid_i) prefetch_reg <= mem_rdata_i;
    if (m_axil_rvalid) begin
      axil_busy_reg <= 1'b0;
      answer_reg <= m_axil_rresp == RESP_OKAY ? {m_axil_rdata, 32'd0} : 64'd0;
      code_reg <= m_axil_rresp == RESP_OKAY ? CODE_OK : CODE_BUS_ERROR;
      if (status_pending_reg)
        tx_byte_reg <= status_byte(m_axil_rresp == RESP_OKAY ? CODE_OK : CODE_BUS_ERROR, irq_i);
    end
    if (m_axil_bvalid) begin
      axil_busy_reg <= 1'b0;
      code_reg <= m_axil_bresp == RESP_OKAY ? CODE_OK : CODE_BUS_ERROR;
      if (status_pending_reg)
        tx_byte_reg <= status_byte(m_axil_bresp == RESP_OKAY ? CODE_OK : CODE_BUS_ERROR, irq_i);
    end

    if (frame_start_i) begin
      state_reg <= ST_CMD;
      tx_byte_reg <= 8'h00;
      answer_reg <= 64'd0;
      mem_left_reg <= 16'd0;
      status_pending_reg <= 1'b0;
    end else if (frame_end_i) begin
      state_reg <= ST_IDLE;
      tx_byte_reg <= 8'h00;
      status_pending_reg <= 1'b0;
    end else if (rx_valid_i) begin
      case (state_reg)
        ST_CMD: begin
          cmd_reg <= rx_byte_i;
          addr_reg <= 32'd0;
          case (rx_byte_i)
            CMD_REG_READ, CMD_REG_WRITE: begin
              state_reg <= ST_ADDR;
              count_reg <= 16'd2;
            end
            CMD_MEM_READ, CMD_MEM_WRITE: begin
              state_reg <= ST_ADDR;
              count_reg <= 16'd4;
            end
            CMD_STATUS: begin
              state_reg <= ST_ANSWER;
              code_reg <= CODE_OK;
              answer_reg <= status_info;
              tx_byte_reg <= status_byte(CODE_OK, irq_i);
            end
            default: begin
              state_reg <= ST_ANSWER;
              code_reg <= CODE_BAD_COMMAND;
              tx_byte_reg <= status_byte(CODE_BAD_COMMAND, irq_i);
            end
          endcase
        end
        ST_ADDR: begin
          addr_reg  <= {addr_reg[23:0], rx_byte_i};
          count_reg <= count_reg - 16'd1;
          if (count_reg == 16'd1) begin
            if (cmd_reg == CMD_MEM_READ || cmd_reg == CMD_MEM_WRITE) begin
              state_reg <= ST_LEN;
              count_reg <= 16'd2;
            end else if (cmd_reg == CMD_REG_WRITE) begin
              state_reg <= ST_WDATA;
              count_reg <= 16'd4;
            end else begin  // REG_READ: the address is complete
              state_reg <= ST_ANSWER;
              if (!reg_offset_ok) begin
                code_reg <= CODE_BAD_ADDRESS;
                tx_byte_reg <= status_byte(CODE_BAD_ADDRESS, irq_i);
              end else begin
                // BUSY for now; a read started here replaces it when its R handshake comes.
                code_reg <= CODE_BUSY;
                tx_byte_reg <= status_byte(CODE_BUSY, irq_i);
                if (!axil_busy_reg) begin
                  status_pending_reg <= 1'b1;
                  axil_busy_reg <= 1'b1;
                  arvalid_reg <= 1'b1;
                  axil_addr_reg <= reg_offset[10:0];
                end
              end
            end
          end
        end
        ST_LEN: begin
          len_hi_reg <= rx_byte_i;
          count_reg  <= count_reg - 16'd1;
          if (count_reg == 16'd1) begin
            mem_addr_reg <= mem_offset[MEM_ADDR_W-1:0];
            if (cmd_reg == CMD_MEM_WRITE && mem_len != 16'd0) begin
              // The data bytes follow whatever the range: written only if it is good.
              state_reg <= ST_WDATA;
              code_reg  <= mem_range_ok ? CODE_OK : CODE_BAD_ADDRESS;
              count_reg <= mem_len;
            end else if (!mem_range_ok) begin
              state_reg <= ST_ANSWER;
              code_reg <= CODE_BAD_ADDRESS;
              tx_byte_reg <= status_byte(CODE_BAD_ADDRESS, irq_i);
            end else begin
              state_reg <= ST_ANSWER;
              code_reg <= CODE_OK;
              tx_byte_reg <= status_byte(CODE_OK, irq_i);
              mem_left_reg <= mem_len;
              mem_req_reg <= 1'b1;
              mem_we_reg <= 1'b0;
            end
          end
        end
        ST_WDATA: begin
          word_reg  <= {word_reg[23:0], rx_byte_i};
          count_reg <= count_reg - 16'd1;
          if (cmd_reg == CMD_MEM_WRITE) begin
            if (code_reg == CODE_OK) begin
              mem_req_reg   <= 1'b1;
              mem_we_reg    <= 1'b1;
              mem_wdata_reg <= rx_byte_i;
            end
            if (count_reg == 16'd1) begin
              state_reg   <= ST_ANSWER;
              tx_byte_reg <= status_byte(code_reg, irq_i);
            end
          end else if (count_reg == 16'd1) begin  // REG_WRITE: the value is complete
            state_reg <= ST_ANSWER;
            if (!write_offset_ok) begin
              code_reg <= CODE_BAD_ADDRESS;
              tx_byte_reg <= status_byte(CODE_BAD_ADDRESS, irq_i);
            end else begin
              // BUSY for now; a write started here replaces it when its B handshake comes.
              code_reg <= CODE_BUSY;
              tx_byte_reg <= status_byte(CODE_BUSY, irq_i);
              if (!axil_busy_reg) begin
                status_pending_reg <= 1'b1;
                axil_busy_reg <= 1'b1;
                awvalid_reg <= 1'b1;
                wvalid_reg <= 1'b1;
                axil_addr_reg <= addr_reg[10:0];
              end
            end
          end
        end
        ST_ANSWER: begin
          status_pending_reg <= 1'b0;
          if (cmd_reg == CMD_MEM_READ && code_reg == CODE_OK && mem_left_reg != 16'd0) begin
            tx_byte_reg  <= prefetch_reg;
            mem_left_reg <= mem_left_reg - 16'd1;
            if (mem_left_reg != 16'd1) begin
              mem_req_reg <= 1'b1;
              mem_we_reg  <= 1'b0;
            end
          end else begin
            tx_byte_reg <= answer_reg[63:56];
            answer_reg  <= {answer_reg[55:0], 8'h00};
          end
        end
        default: ;  // ST_IDLE: bytes after the frame's end are ignored
      endcase
    end

    if (rst) begin
      state_reg <= ST_IDLE;
      tx_byte_reg <= 8'h00;
      status_pending_reg <= 1'b0;
      axil_busy_reg <= 1'b0;
      arvalid_reg <= 1'b0;
      awvalid_reg <= 1'b0;
      wvalid_reg <= 1'b0;
      mem_req_reg <= 1'b0;
      answer_reg <= 64'd0;
      mem_left_reg <= 16'd0;
    end
  end

  assign tx_byte_o = tx_byte_reg;
  assign m_axil_awaddr = axil_addr_reg;
  assign m_axil_awvalid = awvalid_reg;
  assign m_axil_wdata = word_reg;
  assign m_axil_wstrb = 4'b1111;
  assign m_axil_wvalid = wvalid_reg;
  assign m_axil_bready = 1'b1;
  assign m_axil_araddr = axil_addr_reg;
  assign m_axil_arvalid = arvalid_reg;
  assign m_axil_rready = 1'b1;
  assign mem_req_o = mem_req_reg;
  assign mem_we_o = mem_we_reg;
  assign mem_addr_o = mem_addr_reg;
  assign mem_wdata_o = mem_wdata_reg;
endmodule
`resetall
