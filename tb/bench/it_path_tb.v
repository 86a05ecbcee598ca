// it_path_tb: a plain-Verilog testbench of ohci_core's isochronous-transmit path, the same
// source and stimulus for Icarus Verilog (iverilog -g2012) and Verilator (--binary --timing),
// so that scripts/bench/sim_ratio.py can time both on identical work.
//
// The world: ohci_core with its default parameters; host memory (axi4_mem_slave, read latency
// HOST_READ_LATENCY) holding a ring of RING_BLOCKS IT descriptor blocks whose branches loop; a
// minimal PHY (phy_link_responder) with the arbitration timing of sim/phy_model.hpp; clk at
// 49.152 MHz (a 20.346 ns period, as the C++ kernel's traces).
//
// The firmware, as register accesses on the AXI4-Lite port with the cost of sim/axil_master.hpp
// (3 clk each): Controller::bring_up of a transmit-only cycle-master node (Version check, soft
// reset, LPS, context discovery, LinkControlSet cycleTimerEnable | cycleMaster, IntMaskSet
// masterIntEnable | isochTx | isochRx | unrecoverableError, HCControlSet linkEnable, NodeID),
// then ItContext::start of IT context 0 on the ring (ContextControl read: stopped; CommandPtr;
// ContextControlClear all ones; ContextControlSet run; Version read). Every offset and bit comes
// from rtl/ohci_regmap.vh.
//
// The ring (fw::write_packet_block's layout, one packet per block, Z = 3): block k at
// PROGRAM + 128 k is an OUTPUT_MORE-Immediate (skipAddress = the block itself, as Linux and the
// firmware do; the immediate header spd|tag|channel|tcode 0xA|sy and dataLength) and an
// OUTPUT_LAST (s = 1, b = 11, i = 00, reqCount = dataLength, dataAddress = slot k of the payload
// area at a byte offset of k mod 4) whose branch is block (k + 1) mod RING_BLOCKS | 3. Lengths
// and speeds differ per block (pkt_length, pkt_speed); payload byte i of block k is
// k * 31 + i * 7 + 1 (tb/cosim's payload_byte); every other byte of memory is FILL_BYTE, so a
// byte the link takes from outside a payload shows.
//
// Checks (each failure prints "it_path_tb: ERROR: ..." and ends with $fatal):
//   - every register access gets OKAY, the bring-up polls finish, Version is OHCI 1.1, context 0
//     exists and is stopped before the start;
//   - every packet on the wire: a cycle start (PriReq at S100; 0xFFFF008F, source_ID from NodeID,
//     0xF0000200, the cycle time one cycle after the previous one, header CRC) or the next
//     isochronous packet of the ring (IsoReq at its block's speed; header quadlet, header CRC,
//     payload byte for byte, zero padding, data CRC), and nothing longer or shorter;
//   - once streaming, exactly one isochronous packet in every cycle (no underrun, no skip);
//   - every DMA write is the status write-back of the packet just sent: ack_complete with run
//     and active, timeStamp = the cycle of the cycle start it followed;
//   - irq stays low (no descriptor asks for an interrupt; unrecoverableError would raise it);
//   - the memory and PHY models check the AXI4 and PHY-link protocols (their headers).
//
// Result: after +cycles=N clk edges (default DEFAULT_CYCLES, counted from time 0, reset
// included) it prints one line and finishes:
//   it_path_tb: cycles N packets P cycle_starts C checksum 0xXXXXXXXX
// P isochronous packets and C cycle starts went onto the wire; the checksum is FNV-1a (32-bit)
// over every byte of every packet the link transmitted, in wire order. Both simulators must
// print the same line.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module it_path_tb;
  `include "ohci_regmap.vh"

  // 65 cycles of 6144 clk: about 11 s on Icarus 11 and 0.25 s on Verilator 5.006 (2 cores, Debian).
  localparam integer DEFAULT_CYCLES = 400000;
  localparam real HALF_PERIOD_NS = 10.173;  // 49.152 MHz, as sim/world.hpp's traces
  localparam integer RESET_CYCLES = 4;  // World::reset
  localparam integer HOST_ADDR_W = 16;  // 64 KiB of host memory at bus address 0
  localparam integer HOST_READ_LATENCY = 2;
  localparam integer POLL_LIMIT = 1000;  // fw::kDefaultPollLimit
  localparam integer AXIL_TIMEOUT = 256;  // AxilMaster's default timeout, clk
  localparam integer IT_CONTEXT = 0;
  // The ring.
  localparam integer RING_BLOCKS = 8;
  localparam [31:0] PROGRAM = 32'h0000_1000;
  localparam integer BLOCK_BYTES = 128;  // room for a Z = 8 block (tb/cosim's kBlockBytes)
  localparam [3:0] BLOCK_Z = 4'd3;  // OUTPUT_MORE-Immediate (2 units) + OUTPUT_LAST
  localparam integer LAST_UNIT = 2;  // the OUTPUT_LAST's descriptor unit in the block
  localparam [31:0] PAYLOAD = 32'h0000_2000;
  localparam integer PAYLOAD_STRIDE = 32'h1100;  // 4096 bytes + misalignment
  localparam [7:0] FILL_BYTE = 8'hA5;
  // The isochronous header of every packet (speed per block).
  localparam [1:0] ISO_TAG = 2'd1;
  localparam [5:0] ISO_CHANNEL = 6'd5;
  localparam [3:0] ISO_SY = 4'd3;
  localparam [31:0] FNV_OFFSET = 32'h811C_9DC5;
  localparam [31:0] FNV_PRIME = 32'h0100_0193;
  localparam [31:0] CRC_POLY = 32'h04C1_1DB7;
  localparam [31:0] CRC_INIT = 32'hFFFF_FFFF;
  localparam [31:0] CYCLE_START_Q0 = 32'hFFFF_008F;
  localparam [31:0] CYCLE_START_Q2 = 32'hF000_0200;
  localparam [1:0] AXI_OKAY = 2'b00;
  // Register offsets of IT context IT_CONTEXT.
  localparam [10:0] IT_BASE = OHCI_IT_CONTEXT_BASE + IT_CONTEXT[10:0] * OHCI_IT_CONTEXT_STRIDE;
  localparam [10:0] IT_CONTROL_SET = IT_BASE + OHCI_CONTEXT_CONTROL_SET;
  localparam [10:0] IT_CONTROL_CLEAR = IT_BASE + OHCI_CONTEXT_CONTROL_CLEAR;
  localparam [10:0] IT_COMMAND_PTR = IT_BASE + OHCI_COMMAND_PTR;
  // Masks of register fields.
  localparam [31:0] VERSION_CHECK_MASK =
      ((32'd1 << OHCI_VERSION_VERSION_WIDTH) - 32'd1) << OHCI_VERSION_VERSION_LSB |
      ((32'd1 << OHCI_VERSION_REVISION_WIDTH) - 32'd1) << OHCI_VERSION_REVISION_LSB;
  localparam [31:0] SOFT_RESET = 32'd1 << OHCI_HC_CONTROL_SOFT_RESET;
  localparam [31:0] LPS = 32'd1 << OHCI_HC_CONTROL_LPS;
  localparam [31:0] LINK_ENABLE = 32'd1 << OHCI_HC_CONTROL_LINK_ENABLE;
  localparam [31:0] RUN = 32'd1 << OHCI_CONTEXT_CONTROL_RUN;
  localparam [31:0] ACTIVE = 32'd1 << OHCI_CONTEXT_CONTROL_ACTIVE;
  localparam [31:0] ALL_ONES = 32'hFFFF_FFFF;

  // --- testbench state ---
  reg [31:0] max_cycles;  // +cycles=N
  reg [31:0] edge_reg = 32'd0;  // rising edges so far
  reg firmware_done_reg;  // the context has been started
  reg [15:0] source_id_reg;  // NodeID's busNumber:nodeNumber, read by the bring-up
  // the scoreboard's
  reg [31:0] checksum_reg;
  reg [31:0] iso_count_reg;  // isochronous packets completed on the wire
  reg [31:0] cs_count_reg;  // cycle starts completed on the wire
  reg [31:0] status_count_reg;  // status write-backs seen
  reg [31:0] index_reg;  // bytes of the current packet so far
  reg [31:0] crc_reg;
  reg [127:0] header_reg;  // the header bytes so far, the last in [7:0]
  reg [1:0] kind_reg;
  reg [19:0] cs_cycle_reg;  // cycleSeconds:cycleCount of the last cycle start's cycle_time
  reg iso_in_cycle_reg;  // an isochronous packet followed the last cycle start

  // --- the ring's packets ---
  function automatic [15:0] pkt_length(input integer k);
    begin
      case (k)
        0: pkt_length = 16'd256;
        1: pkt_length = 16'd100;
        2: pkt_length = 16'd37;
        3: pkt_length = 16'd1024;
        4: pkt_length = 16'd8;
        5: pkt_length = 16'd512;
        6: pkt_length = 16'd733;
        default: pkt_length = 16'd1;
      endcase
    end
  endfunction

  function automatic [2:0] pkt_speed(input integer k);
    begin
      case (k)
        2, 4: pkt_speed = OHCI_SPEED_S100;
        1, 5, 7: pkt_speed = OHCI_SPEED_S200;
        default: pkt_speed = OHCI_SPEED_S400;
      endcase
    end
  endfunction

  function automatic [31:0] pkt_data_address(input integer k);
    begin
      pkt_data_address = PAYLOAD + k * PAYLOAD_STRIDE + k % 4;
    end
  endfunction

  // (the pattern is modulo 256: only the low byte of k and i matters)
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic [7:0] payload_byte(input integer k, input integer i);
  /* verilator lint_on UNUSEDSIGNAL */
    begin
      payload_byte = k[7:0] * 8'd31 + i[7:0] * 8'd7 + 8'd1;  // modulo 256
    end
  endfunction

  function automatic [31:0] block_address(input integer k);
    begin
      block_address = PROGRAM + k * BLOCK_BYTES;
    end
  endfunction

  // The 1394 isochronous header quadlet of block k's packet as it goes on the wire.
  function automatic [31:0] wire_header(input integer k);
    begin
      wire_header = {pkt_length(k), ISO_TAG, ISO_CHANNEL, OHCI_TCODE_ISO_BLOCK, ISO_SY};
    end
  endfunction

  // Quadlet 0 of a descriptor.
  function automatic [31:0] desc_control(input [3:0] cmd, input [2:0] key, input s,
                                         input [1:0] i, input [1:0] b, input [15:0] req_count);
    begin
      desc_control = {28'd0, cmd} << OHCI_DESC_CONTROL_CMD_LSB |
                     {29'd0, key} << OHCI_DESC_CONTROL_KEY_LSB |
                     {31'd0, s} << OHCI_DESC_CONTROL_WRITE_STATUS |
                     {30'd0, i} << OHCI_DESC_CONTROL_INTERRUPT_LSB |
                     {30'd0, b} << OHCI_DESC_CONTROL_BRANCH_LSB |
                     {30'd0, OHCI_DESC_W_NEVER} << OHCI_DESC_CONTROL_WAIT_LSB |
                     {16'd0, req_count} << OHCI_DESC_CONTROL_REQ_COUNT_LSB;
    end
  endfunction

  // One step of the 1394 CRC-32 (0x04C11DB7, MSB first, no reflection) over a byte.
  function automatic [31:0] crc_byte(input [31:0] crc, input [7:0] data);
    integer bit_index;
    reg [31:0] c;
    begin
      c = crc;
      for (bit_index = 7; bit_index >= 0; bit_index = bit_index - 1)
        c = (c[31] ^ data[bit_index]) ? {c[30:0], 1'b0} ^ CRC_POLY : {c[30:0], 1'b0};
      crc_byte = c;
    end
  endfunction

  // --- clock, reset, the core and its world ---
  reg clk;
  reg rst;
  initial begin
    clk = 1'b0;
    forever #(HALF_PERIOD_NS) clk = ~clk;
  end

  reg [10:0] s_axil_awaddr;
  reg s_axil_awvalid;
  wire s_axil_awready;
  reg [31:0] s_axil_wdata;
  reg [3:0] s_axil_wstrb;
  reg s_axil_wvalid;
  wire s_axil_wready;
  wire [1:0] s_axil_bresp;
  wire s_axil_bvalid;
  reg s_axil_bready;
  reg [10:0] s_axil_araddr;
  reg s_axil_arvalid;
  wire s_axil_arready;
  wire [31:0] s_axil_rdata;
  wire [1:0] s_axil_rresp;
  wire s_axil_rvalid;
  reg s_axil_rready;
  wire [31:0] m_axi_araddr, m_axi_rdata, m_axi_awaddr, m_axi_wdata;
  wire [7:0] m_axi_arlen, m_axi_awlen;
  wire [2:0] m_axi_arsize, m_axi_awsize;
  wire [1:0] m_axi_arburst, m_axi_rresp, m_axi_awburst, m_axi_bresp;
  wire [3:0] m_axi_wstrb;
  wire m_axi_arvalid, m_axi_arready, m_axi_rlast, m_axi_rvalid, m_axi_rready;
  wire m_axi_awvalid, m_axi_awready, m_axi_wlast, m_axi_wvalid, m_axi_wready;
  wire m_axi_bvalid, m_axi_bready;
  wire irq;
  wire [1:0] phy_ctl_i, phy_ctl_o;
  wire [7:0] phy_d_i, phy_d_o;
  wire phy_ctl_oe, phy_d_oe, phy_lreq, phy_lps, phy_linkon;

  ohci_core dut (
      .clk,
      .rst,
      .s_axil_awaddr,
      .s_axil_awvalid,
      .s_axil_awready,
      .s_axil_wdata,
      .s_axil_wstrb,
      .s_axil_wvalid,
      .s_axil_wready,
      .s_axil_bresp,
      .s_axil_bvalid,
      .s_axil_bready,
      .s_axil_araddr,
      .s_axil_arvalid,
      .s_axil_arready,
      .s_axil_rdata,
      .s_axil_rresp,
      .s_axil_rvalid,
      .s_axil_rready,
      .m_axi_araddr,
      .m_axi_arlen,
      .m_axi_arsize,
      .m_axi_arburst,
      .m_axi_arvalid,
      .m_axi_arready,
      .m_axi_rdata,
      .m_axi_rresp,
      .m_axi_rlast,
      .m_axi_rvalid,
      .m_axi_rready,
      .m_axi_awaddr,
      .m_axi_awlen,
      .m_axi_awsize,
      .m_axi_awburst,
      .m_axi_awvalid,
      .m_axi_awready,
      .m_axi_wdata,
      .m_axi_wstrb,
      .m_axi_wlast,
      .m_axi_wvalid,
      .m_axi_wready,
      .m_axi_bresp,
      .m_axi_bvalid,
      .m_axi_bready,
      .irq,
      .phy_ctl_i,
      .phy_ctl_o,
      .phy_ctl_oe,
      .phy_d_i,
      .phy_d_o,
      .phy_d_oe,
      .phy_lreq,
      .phy_lps,
      .phy_linkon
  );

  wire mem_wr_valid;
  wire [31:0] mem_wr_addr, mem_wr_data;
  axi4_mem_slave #(
      .ADDR_W(HOST_ADDR_W),
      .READ_LATENCY(HOST_READ_LATENCY)
  ) host_memory (
      .clk,
      .rst,
      .m_axi_araddr,
      .m_axi_arlen,
      .m_axi_arsize,
      .m_axi_arburst,
      .m_axi_arvalid,
      .m_axi_arready,
      .m_axi_rdata,
      .m_axi_rresp,
      .m_axi_rlast,
      .m_axi_rvalid,
      .m_axi_rready,
      .m_axi_awaddr,
      .m_axi_awlen,
      .m_axi_awsize,
      .m_axi_awburst,
      .m_axi_awvalid,
      .m_axi_awready,
      .m_axi_wdata,
      .m_axi_wstrb,
      .m_axi_wlast,
      .m_axi_wvalid,
      .m_axi_wready,
      .m_axi_bresp,
      .m_axi_bvalid,
      .m_axi_bready,
      .wr_valid_o(mem_wr_valid),
      .wr_addr_o(mem_wr_addr),
      .wr_data_o(mem_wr_data)
  );

  wire phy_byte_valid, phy_first, phy_end, phy_cycle_start;
  wire [7:0] phy_byte;
  wire [1:0] phy_speed;
  phy_link_responder phy (
      .clk,
      .rst,
      .phy_ctl_i,
      .phy_ctl_o,
      .phy_ctl_oe,
      .phy_d_i,
      .phy_d_o,
      .phy_d_oe,
      .phy_lreq,
      .phy_lps,
      .phy_linkon,
      .byte_valid_o(phy_byte_valid),
      .byte_o(phy_byte),
      .first_o(phy_first),
      .end_o(phy_end),
      .speed_o(phy_speed),
      .cycle_start_o(phy_cycle_start)
  );

  // --- host memory image ---
  task load_host_memory;
    integer word, k, byte_index, offset, first_word, last_word;
    reg [31:0] quadlet;
    reg [31:0] address;
    begin
      for (word = 0; word < (1 << (HOST_ADDR_W - 2)); word = word + 1)
        host_memory.mem_reg[word] = {4{FILL_BYTE}};
      for (k = 0; k < RING_BLOCKS; k = k + 1) begin
        address = block_address(k) >> 2;
        // OUTPUT_MORE-Immediate: control, (no dataAddress), skipAddress, (status), immediate
        host_memory.mem_reg[address + 0] =
            desc_control(OHCI_DESC_CMD_OUTPUT_MORE, OHCI_DESC_KEY_IMMEDIATE, 1'b0,
                         OHCI_DESC_I_NEVER, OHCI_DESC_B_NEVER, 16'd8);
        host_memory.mem_reg[address + 1] = 32'd0;
        host_memory.mem_reg[address + 2] = block_address(k) | {28'd0, BLOCK_Z};
        host_memory.mem_reg[address + 3] = 32'd0;
        host_memory.mem_reg[address + 4] =
            {29'd0, pkt_speed(k)} << OHCI_DESC_ISO_HEADER_SPD_LSB |
            {30'd0, ISO_TAG} << OHCI_DESC_ISO_HEADER_TAG_LSB |
            {26'd0, ISO_CHANNEL} << OHCI_DESC_ISO_HEADER_CHANNEL_LSB |
            {28'd0, OHCI_TCODE_ISO_BLOCK} << OHCI_DESC_ISO_HEADER_TCODE_LSB |
            {28'd0, ISO_SY} << OHCI_DESC_ISO_HEADER_SY_LSB;
        host_memory.mem_reg[address + 5] =
            {16'd0, pkt_length(k)} << OHCI_DESC_ISO_LENGTH_DATA_LENGTH_LSB;
        host_memory.mem_reg[address + 6] = 32'd0;
        host_memory.mem_reg[address + 7] = 32'd0;
        // OUTPUT_LAST: the payload in one piece, status written back, branch to the next block
        host_memory.mem_reg[address + 8] =
            desc_control(OHCI_DESC_CMD_OUTPUT_LAST, OHCI_DESC_KEY_DATA, 1'b1, OHCI_DESC_I_NEVER,
                         OHCI_DESC_B_ALWAYS, pkt_length(k));
        host_memory.mem_reg[address + 9] = pkt_data_address(k);
        host_memory.mem_reg[address + 10] =
            block_address((k + 1) % RING_BLOCKS) | {28'd0, BLOCK_Z};
        host_memory.mem_reg[address + 11] = 32'd0;
        // the payload, in wire order from dataAddress (little-endian words)
        first_word = pkt_data_address(k) >> 2;
        last_word = (pkt_data_address(k) + {16'd0, pkt_length(k)} - 32'd1) >> 2;
        for (word = first_word; word <= last_word; word = word + 1) begin
          quadlet = {4{FILL_BYTE}};
          for (byte_index = 0; byte_index < 4; byte_index = byte_index + 1) begin
            offset = word * 4 + byte_index - pkt_data_address(k);
            if (offset >= 0 && offset < {16'd0, pkt_length(k)})
              quadlet[8*byte_index+:8] = payload_byte(k, offset);
          end
          host_memory.mem_reg[word] = quadlet;
        end
      end
    end
  endtask

  // --- the firmware's register accesses (sim/axil_master.hpp's sequence and cost) ---
  // Each task is entered at a falling edge and returns at one: inputs change only there, and
  // what they see of the core's registered outputs is what the next rising edge sees.
  task axil_fail(input [8*64-1:0] what, input [10:0] offset);
    begin
      $display("it_path_tb: ERROR: register access at 0x%03h: %0s", offset, what);
      $fatal(1, "it_path_tb: register access failed");
    end
  endtask

  task axil_write(input [10:0] offset, input [31:0] data);
    integer waited;
    reg aw_done, w_done;
    begin
      s_axil_awaddr = offset;
      s_axil_wdata = data;
      s_axil_wstrb = 4'hF;
      s_axil_awvalid = 1'b1;
      s_axil_wvalid = 1'b1;
      aw_done = 1'b0;
      w_done = 1'b0;
      waited = 0;
      while (!(aw_done && w_done)) begin
        // a handshake at the coming rising edge
        if (s_axil_awvalid && s_axil_awready) aw_done = 1'b1;
        if (s_axil_wvalid && s_axil_wready) w_done = 1'b1;
        @(negedge clk);
        if (aw_done) s_axil_awvalid = 1'b0;
        if (w_done) s_axil_wvalid = 1'b0;
        waited = waited + 1;
        if (waited == AXIL_TIMEOUT) axil_fail("write timed out", offset);
      end
      s_axil_bready = 1'b1;
      while (!s_axil_bvalid) begin
        @(negedge clk);
        waited = waited + 1;
        if (waited == AXIL_TIMEOUT) axil_fail("write response timed out", offset);
      end
      if (s_axil_bresp != AXI_OKAY) axil_fail("write answered with an error", offset);
      @(negedge clk);
      s_axil_bready = 1'b0;
    end
  endtask

  task axil_read(input [10:0] offset, output [31:0] data);
    integer waited;
    begin
      s_axil_araddr = offset;
      s_axil_arvalid = 1'b1;
      waited = 0;
      while (!s_axil_arready) begin
        @(negedge clk);
        waited = waited + 1;
        if (waited == AXIL_TIMEOUT) axil_fail("read timed out", offset);
      end
      @(negedge clk);
      s_axil_arvalid = 1'b0;
      s_axil_rready = 1'b1;
      while (!s_axil_rvalid) begin
        @(negedge clk);
        waited = waited + 1;
        if (waited == AXIL_TIMEOUT) axil_fail("read data timed out", offset);
      end
      data = s_axil_rdata;
      if (s_axil_rresp != AXI_OKAY) axil_fail("read answered with an error", offset);
      @(negedge clk);
      s_axil_rready = 1'b0;
    end
  endtask

  // Reads `offset` until (value & mask) == want, at most POLL_LIMIT times (register_poll.hpp).
  task poll_register(input [10:0] offset, input [31:0] mask, input [31:0] want);
    integer reads;
    reg [31:0] value;
    begin
      reads = 0;
      value = ~want;
      while ((value & mask) != want) begin
        if (reads == POLL_LIMIT) axil_fail("poll did not reach its value", offset);
        axil_read(offset, value);
        reads = reads + 1;
      end
    end
  endtask


  task firmware;
    reg [31:0] value;
    begin
      // Controller::bring_up (cycle_master = true, the default interrupts)
      axil_read(OHCI_VERSION, value);
      if ((value & VERSION_CHECK_MASK) != (OHCI_VERSION_VALUE & VERSION_CHECK_MASK))
        axil_fail("Version is not OHCI 1.1", OHCI_VERSION);
      axil_write(OHCI_HC_CONTROL_SET, SOFT_RESET);
      poll_register(OHCI_HC_CONTROL_SET, SOFT_RESET, 32'd0);
      axil_write(OHCI_HC_CONTROL_SET, LPS);
      poll_register(OHCI_HC_CONTROL_SET, LPS, LPS);
      axil_write(OHCI_ISO_RECV_INT_MASK_SET, ALL_ONES);
      axil_read(OHCI_ISO_RECV_INT_MASK_SET, value);
      axil_write(OHCI_ISO_RECV_INT_MASK_CLEAR, ALL_ONES);
      axil_write(OHCI_ISO_XMIT_INT_MASK_SET, ALL_ONES);
      axil_read(OHCI_ISO_XMIT_INT_MASK_SET, value);
      if (value[IT_CONTEXT] == 1'b0) axil_fail("IT context 0 does not exist", OHCI_ISO_XMIT_INT_MASK_SET);
      axil_write(OHCI_ISO_XMIT_INT_MASK_CLEAR, ALL_ONES);
      axil_write(OHCI_LINK_CONTROL_SET, 32'd1 << OHCI_LINK_CONTROL_CYCLE_TIMER_ENABLE |
                                            32'd1 << OHCI_LINK_CONTROL_CYCLE_MASTER);
      axil_write(OHCI_INT_MASK_SET, 32'd1 << OHCI_INT_MASK_MASTER_INT_ENABLE |
                                        32'd1 << OHCI_INT_MASK_ISOCH_TX |
                                        32'd1 << OHCI_INT_MASK_ISOCH_RX |
                                        32'd1 << OHCI_INT_MASK_UNRECOVERABLE_ERROR);
      axil_write(OHCI_HC_CONTROL_SET, LINK_ENABLE);
      axil_read(OHCI_NODE_ID, value);
      source_id_reg = value[15:0];
      // ItContext::start(block 0): it must be stopped; then start_context
      axil_read(IT_CONTROL_SET, value);
      if ((value & (RUN | ACTIVE)) != 32'd0) axil_fail("IT context 0 is not stopped", IT_CONTROL_SET);
      axil_write(IT_COMMAND_PTR, block_address(0) | {28'd0, BLOCK_Z});
      axil_write(IT_CONTROL_CLEAR, ALL_ONES);
      axil_write(IT_CONTROL_SET, RUN);
      axil_read(OHCI_VERSION, value);
      firmware_done_reg = 1'b1;
    end
  endtask

  initial begin
    if (!$value$plusargs("cycles=%d", max_cycles)) max_cycles = DEFAULT_CYCLES;
    firmware_done_reg = 1'b0;
    source_id_reg = 16'd0;
    s_axil_awaddr = 11'd0;
    s_axil_awvalid = 1'b0;
    s_axil_wdata = 32'd0;
    s_axil_wstrb = 4'h0;
    s_axil_wvalid = 1'b0;
    s_axil_bready = 1'b0;
    s_axil_araddr = 11'd0;
    s_axil_arvalid = 1'b0;
    s_axil_rready = 1'b0;
    rst = 1'b1;
    load_host_memory;
    repeat (RESET_CYCLES) @(posedge clk);
    @(negedge clk);
    rst = 1'b0;
    firmware;
  end

  // --- the end of the run ---
  always @(posedge clk) begin
    edge_reg <= edge_reg + 32'd1;
    if (!rst && irq) begin
      $display("it_path_tb: ERROR: edge %0d: irq is high (no descriptor asks for an interrupt)",
               edge_reg);
      $fatal(1, "it_path_tb: unexpected interrupt");
    end
    if (edge_reg + 32'd1 == max_cycles) begin
      if (!firmware_done_reg) begin
        $display("it_path_tb: ERROR: the run ended before the firmware had started the context");
        $fatal(1, "it_path_tb: run too short");
      end
      $display("it_path_tb: cycles %0d packets %0d cycle_starts %0d checksum 0x%08h", max_cycles,
               iso_count_reg, cs_count_reg, checksum_reg);
      $finish;
    end
  end

  // --- the scoreboard: every byte on the wire, every DMA write ---
  localparam [1:0] KIND_UNKNOWN = 2'd0;
  localparam [1:0] KIND_CYCLE_START = 2'd1;
  localparam [1:0] KIND_ISO = 2'd2;


  task wire_fail(input [8*64-1:0] what);
    begin
      $display("it_path_tb: ERROR: edge %0d: packet %0d byte %0d (after %0d packets, %0d cycle starts): %0s",
               edge_reg, iso_count_reg + cs_count_reg, index_reg, iso_count_reg, cs_count_reg, what);
      $fatal(1, "it_path_tb: wrong packet on the wire");
    end
  endtask

  always @(posedge clk) begin : scoreboard
    integer k;
    integer index;
    integer length;
    integer padded;
    integer header_bytes;
    reg [31:0] crc;
    reg [127:0] header;
    reg [1:0] kind;
    reg [7:0] expected;
    reg [19:0] next_cycle;  // cycleSeconds:cycleCount
    if (rst) begin
      checksum_reg <= FNV_OFFSET;
      iso_count_reg <= 32'd0;
      cs_count_reg <= 32'd0;
      status_count_reg <= 32'd0;
      index_reg <= 32'd0;
      crc_reg <= CRC_INIT;
      header_reg <= 128'd0;
      kind_reg <= KIND_UNKNOWN;
      cs_cycle_reg <= 20'd0;
      iso_in_cycle_reg <= 1'b0;
    end else if (phy_byte_valid || phy_end || mem_wr_valid) begin
      // (the next isochronous packet's block, only worked out when there is something to check)
      k = iso_count_reg % RING_BLOCKS;
      length = {16'd0, pkt_length(k)};
      padded = (length + 3) / 4 * 4;
      if (phy_byte_valid) begin
        checksum_reg <= (checksum_reg ^ {24'd0, phy_byte}) * FNV_PRIME;
        index = phy_first ? 0 : index_reg;
        crc = phy_first ? CRC_INIT : crc_reg;
        header = phy_first ? 128'd0 : header_reg;
        kind = phy_first ? KIND_UNKNOWN : kind_reg;
        header_bytes = kind == KIND_CYCLE_START ? 16 : 4;
        if (index < 4 || index < header_bytes) begin
          crc = crc_byte(crc, phy_byte);
          header = {header[119:0], phy_byte};
          if (index == 3) begin
            if (phy_byte[7:4] == OHCI_TCODE_CYCLE_START) begin
              kind = KIND_CYCLE_START;
              if (header[31:0] != CYCLE_START_Q0) wire_fail("cycle start quadlet 0 wrong");
            end else if (phy_byte[7:4] == OHCI_TCODE_ISO_BLOCK) begin
              kind = KIND_ISO;
              if (header[31:0] != wire_header(k)) wire_fail("isochronous header quadlet wrong");
            end else begin
              wire_fail("tcode neither cycle start nor isochronous");
            end
          end
          if (kind == KIND_CYCLE_START && index == 15) begin
            if (header[95:64] != {source_id_reg, 16'hFFFF}) wire_fail("cycle start source_ID wrong");
            if (header[63:32] != CYCLE_START_Q2) wire_fail("cycle start quadlet 2 wrong");
          end
        end else if (index < header_bytes + 4) begin
          if (phy_byte != ~crc[8*(header_bytes+3-index)+:8]) wire_fail("header CRC wrong");
          if (index == header_bytes + 3) crc = CRC_INIT;  // the data CRC starts afresh
        end else if (kind == KIND_ISO && index < header_bytes + 4 + padded) begin
          crc = crc_byte(crc, phy_byte);
          expected = index - 8 < length ? payload_byte(k, index - 8) : 8'd0;
          if (phy_byte != expected) wire_fail("payload byte wrong");
        end else if (kind == KIND_ISO && padded != 0 && index < header_bytes + 8 + padded) begin
          if (phy_byte != ~crc[8*(header_bytes+7+padded-index)+:8]) wire_fail("data CRC wrong");
        end else begin
          wire_fail("packet longer than its header says");
        end
        index_reg <= index + 1;
        crc_reg <= crc;
        header_reg <= header;
        kind_reg <= kind;
      end

      if (phy_end) begin
        if (kind_reg == KIND_CYCLE_START) begin
          if (index_reg != 20) wire_fail("cycle start not 20 bytes");
          if (!phy_cycle_start || phy_speed != OHCI_SPEED_S100[1:0])
            wire_fail("cycle start not granted for a PriReq at S100");
          // the cycle after the previous cycle start's (count mod 8000, seconds mod 128)
          next_cycle = cs_cycle_reg;
          if (next_cycle[12:0] == 13'd7999) begin
            next_cycle[12:0] = 13'd0;
            next_cycle[19:13] = next_cycle[19:13] + 7'd1;
          end else begin
            next_cycle[12:0] = next_cycle[12:0] + 13'd1;
          end
          if (cs_count_reg != 0 && header_reg[31:12] != next_cycle)
            wire_fail("cycle start's cycle is not the next one");
          if (iso_count_reg != 0 && !iso_in_cycle_reg)
            wire_fail("a cycle without its isochronous packet");
          cs_cycle_reg <= header_reg[31:12];
          iso_in_cycle_reg <= 1'b0;
          cs_count_reg <= cs_count_reg + 32'd1;
        end else if (kind_reg == KIND_ISO) begin
          if (index_reg != 8 + (padded != 0 ? padded + 4 : 0)) wire_fail("isochronous packet too short");
          if (phy_cycle_start || {1'b0, phy_speed} != pkt_speed(k))
            wire_fail("isochronous packet not granted for an IsoReq at its speed");
          if (iso_in_cycle_reg) wire_fail("two isochronous packets in one cycle");
          if (cs_count_reg == 0) wire_fail("an isochronous packet before any cycle start");
          iso_in_cycle_reg <= 1'b1;
          iso_count_reg <= iso_count_reg + 32'd1;
        end else begin
          wire_fail("packet shorter than a header quadlet");
        end
      end

      if (mem_wr_valid) begin : status_write
        integer done;
        done = status_count_reg % RING_BLOCKS;
        if (status_count_reg >= iso_count_reg)
          status_fail("a DMA write before its packet was on the wire");
        if (mem_wr_addr != block_address(done) + LAST_UNIT * 16 + {27'd0, OHCI_DESC_STATUS})
          status_fail("a DMA write not to the OUTPUT_LAST status quadlet");
        if (mem_wr_data[OHCI_DESC_STATUS_XFER_STATUS_LSB+OHCI_CONTEXT_CONTROL_EVENT_CODE_LSB+:
                        OHCI_CONTEXT_CONTROL_EVENT_CODE_WIDTH] != OHCI_ACK_COMPLETE ||
            !mem_wr_data[OHCI_DESC_STATUS_XFER_STATUS_LSB+OHCI_CONTEXT_CONTROL_RUN] ||
            !mem_wr_data[OHCI_DESC_STATUS_XFER_STATUS_LSB+OHCI_CONTEXT_CONTROL_ACTIVE])
          status_fail("xferStatus not ack_complete with run and active");
        if (mem_wr_data[OHCI_DESC_STATUS_TIME_STAMP_LSB+:OHCI_DESC_STATUS_TIME_STAMP_WIDTH] !=
            cs_cycle_reg[15:0])
          status_fail("timeStamp is not the cycle the packet was sent in");
        status_count_reg <= status_count_reg + 32'd1;
      end
    end
  end

  task status_fail(input [8*64-1:0] what);
    begin
      $display("it_path_tb: ERROR: edge %0d: status write 0x%08h <- 0x%08h (%0d packets sent): %0s",
               edge_reg, mem_wr_addr, mem_wr_data, iso_count_reg, what);
      $fatal(1, "it_path_tb: wrong DMA write");
    end
  endtask
endmodule
`resetall
