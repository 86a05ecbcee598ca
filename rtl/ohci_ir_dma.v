// ohci_ir_dma: the isochronous receive (IR) DMA contexts and the engine that serves them.
//
// Received isochronous packets arrive from ohci_link_rx already checked: the payload in the
// receive ring, and a record (header, event code, speed, cycle, stored quadlets) in a queue of
// RECORDS entries here. The engine takes records in order and stores and forwards each one
// (reference/ohci-isoch.md 1.4, 2, 3.3; decisions in docs/decisions.md):
//   - Dispatch: the packet goes to the lowest-numbered running context whose filter accepts it:
//     channelNumber (or, for the lowest context with multiChanMode and bufferFill, the channel's
//     bit in IRMultiChanMask), the tag bit in ContextMatch.tag, and tag1SyncFilter. Nobody
//     accepts it: it is discarded. The accepting context is still waiting for its cycleMatch
//     cycle: discarded (filtered). It is idle (a Z=0 branch): discarded and counted in
//     DroppedPackets. Otherwise the engine reads its block (packet-per-buffer: Z descriptors at
//     CommandPtr; buffer-fill: the one INPUT_MORE at CommandPtr) and checks it; a malformed
//     block makes the context dead with evt_unknown. A block whose first descriptor has w=11
//     discards packets whose sy is not ContextMatch.sync (buffer-fill: only while that
//     descriptor is still empty).
//   - Store: the packet's stream is written to the block's buffers in order, in bursts of at
//     most 16 beats that never cross 4 KiB. Packet-per-buffer with isochHeader: trailer
//     (xferStatus:timeStamp), header quadlet, payload; without: payload. Buffer-fill with
//     isochHeader: header, payload, trailer; without: payload. The payload is padded to a
//     quadlet. Since the packet is complete before it is stored, the trailer is known up front
//     and written in place with the rest.
//   - Status: packet-per-buffer: xferStatus:resCount to the descriptor the stream ended in (if
//     s=1); a stream longer than the block's buffers is cut there with evt_long_packet. Then
//     IsoRecvIntEvent[n] if the INPUT_LAST has i=11, and the branch is followed (Z=0: idle on
//     this block). Buffer-fill: xferStatus:resCount to the descriptor after each packet, and
//     when a descriptor fills (resCount=0) IsoRecvIntEvent[n] if i=11 and the branch is
//     followed; a packet that runs out of descriptors (Z=0) mid-stream is cut there with
//     evt_long_packet and the context goes idle.
//   - xferStatus = ContextControl[15:0] at completion: run, wake, active=1, spd = the packet's
//     speed, event = ack_complete / ack_data_error / evt_overrun from the link, or
//     evt_long_packet.
//   - Wake while idle re-reads the branch word of the block the context is idle on (an engine
//     job taken before the next record, so a packet arriving after the wake finds the block).
//     Hardware clears wake at every descriptor read.
//   - cycleMatchEnable: cleared when the isochronous period of the cycle ContextMatch.cycleMatch
//     opens; packets committed before that are filtered out, exactly, by record sequence.
//   - Errors (the context goes dead, run stays 1, unrecoverable_o pulses, the packet is
//     discarded): descriptor or branch read error -> evt_descriptor_read; data or status write
//     error -> evt_data_write; malformed block -> evt_unknown.
//
// Latencies (clk edges): a record is taken at the edge after it is queued (when the engine is
// free); a descriptor burst costs one setup edge, then ARVALID until ARREADY, RREADY throughout;
// a write burst raises AWVALID at its setup edge and the first WVALID one edge later, then one
// beat per clk while WREADY, then BREADY until BVALID. int_event_o pulses at the edge after the
// completing write's B handshake.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_ir_dma #(
    parameter integer N_IR   = 4,
    parameter integer CTX_W  = 2,   // bits of an IR context number, >= $clog2(N_IR), >= 1
    parameter integer RING_W = 11   // receive ring of 2**RING_W quadlets
) (
    input  wire                 clk,
    input  wire                 rst,
    // register block
    input  wire                 reg_wr_i,
    input  wire [    CTX_W-1:0] reg_wr_ctx_i,
    input  wire [          2:0] reg_wr_sel_i,        // offset[4:2]: 0 Set, 1 Clear, 3 CommandPtr, 4 ContextMatch
    input  wire [         31:0] reg_wr_data_i,
    output wire [  N_IR*32-1:0] context_control_o,
    output wire [  N_IR*32-1:0] command_ptr_o,
    output wire [  N_IR*32-1:0] context_match_o,
    output wire [  N_IR*32-1:0] dropped_packets_o,
    output wire [     N_IR-1:0] int_event_o,         // pulse: set IsoRecvIntEvent[n]
    output wire                 unrecoverable_o,
    input  wire [         63:0] multi_chan_mask_i,   // {IRMultiChanMaskHi, IRMultiChanMaskLo}
    input  wire                 quiesce_i,
    output wire                 quiet_o,
    // isochronous period
    input  wire                 iso_start_i,
    input  wire [         14:0] iso_cycle_i,         // cycleSeconds[1:0]:cycleCount
    // records from the link
    input  wire                 record_valid_i,
    input  wire [         31:0] record_header_i,
    input  wire [          4:0] record_event_i,
    input  wire [          1:0] record_speed_i,
    input  wire [         15:0] record_cycle_i,
    input  wire [         10:0] record_words_i,
    output wire                 record_full_o,
    // receive ring read port
    output wire                 ring_rd_en_o,
    output wire [   RING_W-1:0] ring_rd_addr_o,
    input  wire [         31:0] ring_rd_data_i,
    output wire [     RING_W:0] ring_rd_ptr_o,
    // AXI4 master (through ohci_axi_arbiter)
    output wire [         31:0] m_axi_araddr,
    output wire [          7:0] m_axi_arlen,
    output wire                 m_axi_arvalid,
    input  wire                 m_axi_arready,
    input  wire [         31:0] m_axi_rdata,
    input  wire [          1:0] m_axi_rresp,
    input  wire                 m_axi_rlast,
    input  wire                 m_axi_rvalid,
    output wire                 m_axi_rready,
    output wire [         31:0] m_axi_awaddr,
    output wire [          7:0] m_axi_awlen,
    output wire                 m_axi_awvalid,
    input  wire                 m_axi_awready,
    output wire [         31:0] m_axi_wdata,
    output wire                 m_axi_wlast,
    output wire                 m_axi_wvalid,
    input  wire                 m_axi_wready,
    input  wire [          1:0] m_axi_bresp,
    input  wire                 m_axi_bvalid,
    output wire                 m_axi_bready
);
  `include "ohci_regmap.vh"

  localparam [2:0] SEL_CONTROL_SET = 3'd0;
  localparam [2:0] SEL_CONTROL_CLEAR = 3'd1;
  localparam [2:0] SEL_COMMAND_PTR = 3'd3;
  localparam [2:0] SEL_CONTEXT_MATCH = 3'd4;

  // Context states. active = ST_ACTIVE or ST_BUSY.
  localparam [1:0] ST_STOPPED = 2'd0;  // run=0, or dead
  localparam [1:0] ST_ACTIVE = 2'd1;  // has a block, waits for a packet
  localparam [1:0] ST_BUSY = 2'd2;  // the engine is working for it
  localparam [1:0] ST_IDLE = 2'd3;  // reached Z=0 (run=1, active=0)

  localparam [3:0] E_IDLE = 4'd0;
  localparam [3:0] E_AR_SETUP = 4'd1;
  localparam [3:0] E_AR = 4'd2;
  localparam [3:0] E_R = 4'd3;
  localparam [3:0] E_AFTER_READ = 4'd4;
  localparam [3:0] E_SEG = 4'd5;
  localparam [3:0] E_W = 4'd6;
  localparam [3:0] E_B = 4'd7;
  localparam [3:0] E_AFTER_WRITE = 4'd8;
  localparam [3:0] E_FINISH = 4'd9;
  localparam [3:0] E_DEAD = 4'd10;

  // What a read job reads; what a write burst writes.
  localparam [1:0] PH_BLOCK = 2'd0;  // the descriptors of a packet's block
  localparam [1:0] PH_NEXT = 2'd1;  // buffer-fill: the next descriptor, mid-packet
  localparam [1:0] PH_BRANCH = 2'd2;  // wake: the branch word of the idle block
  localparam [1:0] WR_STREAM = 2'd0;
  localparam [1:0] WR_STATUS = 2'd1;  // xferStatus:resCount, then E_FINISH
  localparam [1:0] WR_STATUS_NEXT = 2'd2;  // buffer-fill: status of a full descriptor mid-packet

  localparam integer RECORDS = 4;
  localparam [1:0] AXI_RESP_OKAY = 2'b00;
  // below(x, k): x < k for a constant k, as plain logic. Yosys maps a comparison to a carry
  // chain (on the iCE40 one SB_CARRY and one LUT4 per bit); with a constant this folds to a few
  // LUT4s. (x >= k is !below(x, k); x > k is !below(x, k + 1); x <= k is below(x, k + 1).)
  function automatic below(input [15:0] x, input [15:0] k);
    integer i;
    begin
      below = 1'b0;
      for (i = 0; i < 16; i = i + 1) below = k[i] ? !x[i] || below : !x[i] && below;
    end
  endfunction

  // ---------------------------------------------------------------------------------------
  // Per-context state
  reg [1:0] state_reg[0:N_IR-1];
  reg run_reg[0:N_IR-1];
  reg wake_reg[0:N_IR-1];
  reg dead_reg[0:N_IR-1];
  reg [4:0] event_reg[0:N_IR-1];
  reg [1:0] spd_reg[0:N_IR-1];
  reg buffer_fill_reg[0:N_IR-1];
  reg isoch_header_reg[0:N_IR-1];
  reg cycle_match_enable_reg[0:N_IR-1];
  reg multi_chan_reg[0:N_IR-1];
  reg [31:0] command_ptr_reg[0:N_IR-1];
  reg [31:0] match_reg[0:N_IR-1];
  reg [31:0] dropped_reg[0:N_IR-1];
  reg [31:0] last_desc_reg[0:N_IR-1];  // descriptor holding the branch of the idle block
  reg has_block_reg[0:N_IR-1];
  reg gate_reg[0:N_IR-1];  // cycle matched: records before gate_seq_reg are filtered
  reg [7:0] gate_seq_reg[0:N_IR-1];

  // Record queue
  reg [31:0] q_header_reg[0:RECORDS-1];
  reg [4:0] q_event_reg[0:RECORDS-1];
  reg [1:0] q_speed_reg[0:RECORDS-1];
  reg [15:0] q_cycle_reg[0:RECORDS-1];
  reg [10:0] q_words_reg[0:RECORDS-1];
  reg [1:0] q_head_reg;
  reg [1:0] q_tail_reg;
  reg [2:0] q_level_reg;
  reg [7:0] pop_seq_reg;  // sequence number of the record at the head
  reg [RING_W:0] rd_ptr_reg;

  // Engine
  reg [3:0] e_state_reg;
  reg [CTX_W-1:0] e_ctx_reg;
  reg [1:0] phase_reg;
  reg [1:0] wr_kind_reg;
  reg [31:0] q_addr_reg;
  reg [5:0] q_left_reg;
  reg [4:0] beats_left_reg;
  reg error_reg;
  reg [4:0] desc_q_reg;
  reg e_bf_reg;  // buffer-fill
  reg e_ih_reg;  // isochHeader
  reg [3:0] z_reg;
  reg [31:0] block_reg;
  reg block_bad_reg;
  reg [15:0] d_req_last_reg;  // reqCount of the descriptor being read (its quadlet 0)
  reg [15:0] d_req0_reg;  // reqCount of descriptor 0
  // Each descriptor's dataAddress and reqCount, in block RAM (iCE40: no flip-flops, no 8-way
  // mux): read at every edge at the descriptor k_reg is about to hold (and the one after it),
  // so d_addr_k_reg / d_req_k_reg / d_req_k1_reg hold descriptor k_reg's (k_reg + 1's) values
  // whenever the engine is past E_AFTER_READ (the tables are written only in E_R, and E_SEG is
  // entered only through E_AFTER_READ, which reads descriptor 0 as it sets k_reg to 0).
  (* no_rw_check *) reg [31:0] d_addr_mem[0:7];
  (* no_rw_check *) reg [15:0] d_req_mem[0:7];
  (* no_rw_check *) reg [15:0] d_req1_mem[0:7];  // the same, for the second read port
  reg [31:0] d_addr_k_reg;
  reg [15:0] d_req_k_reg;
  reg [15:0] d_req_k1_reg;
  reg d_status_reg[0:7];
  reg [15:0] d_res_reg;  // buffer-fill: resCount read from the descriptor
  reg [31:0] e_branch_reg;
  reg e_int_reg;  // i=11 on the descriptor that ends the block
  reg e_wait_reg;  // w=11 on the first descriptor
  reg [16:0] capacity_reg;  // quadlets in the block's buffers
  reg [2:0] k_reg;  // current descriptor
  reg [15:0] res_reg;  // bytes left in the current descriptor
  reg [31:0] header_reg;
  reg [4:0] evt_reg;  // the packet's event code (as finally reported)
  reg [1:0] speed_reg;
  reg [15:0] cycle_reg;
  reg [10:0] words_reg;  // payload quadlets in the ring
  reg [10:0] hdr_words_reg;  // payload quadlets data_length calls for (at most 1024)
  reg [RING_W:0] rd_base_reg;
  reg [1:0] pre_reg;  // stream quadlets before the payload
  reg [10:0] stream_len_reg;  // stream quadlets to write
  reg [10:0] pos_reg;  // next stream quadlet to load into a beat
  reg [4:0] burst_reg;  // beats of the current write burst
  reg [4:0] load_left_reg;  // beats of the burst still to load
  reg aw_done_reg;
  reg w_done_reg;
  reg [31:0] imm_reg;  // the value of a beat that does not come from the ring
  reg beat_from_ring_reg;
  reg [4:0] dead_event_reg;
  reg [31:0] araddr_reg;
  reg [7:0] arlen_reg;
  reg arvalid_reg;
  reg [31:0] awaddr_reg;
  reg [7:0] awlen_reg;
  reg awvalid_reg;
  reg wvalid_reg;
  reg wlast_reg;
  reg [N_IR-1:0] int_event_reg;
  reg unrecoverable_reg;

  integer c;

  // ---------------------------------------------------------------------------------------
  // The record at the head of the queue, and who takes it.
  wire [31:0] h_header = q_header_reg[q_head_reg];
  wire [5:0] h_channel = h_header[13:8];
  wire [1:0] h_tag = h_header[15:14];
  wire [1:0] h_sy_high = h_header[3:2];
  wire record_ready = q_level_reg != 3'd0;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [16:0] h_length_span = {1'b0, h_header[31:16]} + 17'd3;  // only [12:2] used
  /* verilator lint_on UNUSEDSIGNAL */
  wire [10:0] h_words = !below(h_header[31:16], 16'd4097) ? 11'd1024 : h_length_span[12:2];

  reg [CTX_W-1:0] mc_ctx;
  reg [N_IR-1:0] takes;  // running, alive, ACTIVE or IDLE, and its filter accepts the head
  reg [CTX_W-1:0] target;
  reg wake_found;
  reg [CTX_W-1:0] wake_ctx;
  reg accepts;
  always @(*) begin
    mc_ctx = {CTX_W{1'b0}};
    takes = {N_IR{1'b0}};
    target = {CTX_W{1'b0}};
    wake_found = 1'b0;
    wake_ctx = {CTX_W{1'b0}};
    accepts = 1'b0;
    for (c = N_IR - 1; c >= 0; c = c - 1) begin
      if (multi_chan_reg[c] && buffer_fill_reg[c]) begin
        mc_ctx = c[CTX_W-1:0];
      end
    end
    for (c = N_IR - 1; c >= 0; c = c - 1) begin
      if (multi_chan_reg[c] && buffer_fill_reg[c])
        accepts = mc_ctx == c[CTX_W-1:0] && multi_chan_mask_i[h_channel];
      else accepts = match_reg[c][5:0] == h_channel;
      accepts = accepts && match_reg[c][OHCI_CONTEXT_MATCH_TAG_LSB+{30'd0, h_tag}] &&
                !(match_reg[c][OHCI_CONTEXT_MATCH_TAG1_SYNC_FILTER] && h_tag == 2'b01 &&
                  h_sy_high != 2'b00);
      takes[c] = run_reg[c] && !dead_reg[c] &&
                 (state_reg[c] == ST_ACTIVE || state_reg[c] == ST_IDLE) && accepts;
      if (takes[c]) target = c[CTX_W-1:0];
      if (state_reg[c] == ST_IDLE && wake_reg[c] && has_block_reg[c] && run_reg[c]) begin
        wake_found = 1'b1;
        wake_ctx = c[CTX_W-1:0];
      end
    end
  end

  // The decision is made per context in parallel and combined through the one-hot `pick` (the
  // lowest-numbered context that takes the record, i.e. `target`), so no mux on `target` sits in
  // the path from the queue head to the state updates (the design's critical path on the ECP5).
  wire [N_IR-1:0] pick = takes & ~(takes - {{(N_IR - 1) {1'b0}}, 1'b1});
  reg [N_IR-1:0] ctx_filtered;  // waiting for its cycleMatch, or gated until its sequence
  reg [N_IR-1:0] ctx_active;
  reg [N_IR-1:0] ctx_idle;
  always @(*) begin
    for (c = 0; c < N_IR; c = c + 1) begin
      ctx_filtered[c] = cycle_match_enable_reg[c] ||
                        (gate_reg[c] && gate_seq_reg[c] != pop_seq_reg);
      ctx_active[c] = state_reg[c] == ST_ACTIVE;
      ctx_idle[c] = state_reg[c] == ST_IDLE;
    end
  end
  wire [N_IR-1:0] to_dma = pick & ~ctx_filtered & ctx_active;  // stored by the chosen context
  wire [N_IR-1:0] to_drop = pick & ~ctx_filtered & ctx_idle;  // chosen, but has no buffer
  wire e_free = e_state_reg == E_IDLE && !quiesce_i;
  wire take_wake = e_free && wake_found;
  wire take_record = e_free && !wake_found && record_ready;
  wire record_to_dma = take_record && |to_dma;
  wire pop = take_record;

  // run after this clk's software write (see ohci_it_dma).
  wire sw_run_set = reg_wr_i && reg_wr_sel_i == SEL_CONTROL_SET &&
                    reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN];
  wire sw_run_clear = reg_wr_i && reg_wr_sel_i == SEL_CONTROL_CLEAR &&
                      reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN];
  wire e_run_next = (sw_run_clear && reg_wr_ctx_i == e_ctx_reg) ? 1'b0 :
                    (sw_run_set && reg_wr_ctx_i == e_ctx_reg) ? 1'b1 : run_reg[e_ctx_reg];
  wire e_busy_ctx_write = e_state_reg != E_IDLE && reg_wr_ctx_i == e_ctx_reg;

  // Read bursts: at most 16 beats, never across 4 KiB.
  wire [10:0] quadlets_to_4k_r = 11'd1024 - {1'b0, q_addr_reg[11:2]};
  wire [10:0] read_limit = {5'd0, q_left_reg} < quadlets_to_4k_r ? {5'd0, q_left_reg} :
                           quadlets_to_4k_r;
  wire [4:0] read_beats = !below({5'd0, read_limit}, 16'd17) ? 5'd16 : read_limit[4:0];

  // Decoding of the descriptor quadlet arriving now.
  wire [2:0] desc_index = desc_q_reg[4:2];
  wire [1:0] desc_quadlet = desc_q_reg[1:0];
  wire [3:0] r_cmd = m_axi_rdata[31:28];
  wire [2:0] r_key = m_axi_rdata[26:24];
  wire r_status = m_axi_rdata[27];
  wire [1:0] r_int = m_axi_rdata[21:20];
  wire [1:0] r_wait = m_axi_rdata[17:16];
  wire [15:0] r_req = m_axi_rdata[15:0];
  wire r_last_desc = {1'b0, desc_index} == z_reg - 4'd1;
  wire [3:0] expected_cmd = (!e_bf_reg && r_last_desc) ? OHCI_DESC_CMD_INPUT_LAST :
                            OHCI_DESC_CMD_INPUT_MORE;

  // The current descriptor's buffer and the next write burst.
  wire [31:0] k_addr = d_addr_k_reg + {16'd0, d_req_k_reg - res_reg};
  wire [13:0] space = res_reg[15:2];
  wire [10:0] stream_left = stream_len_reg - pos_reg;
  wire [10:0] quadlets_to_4k_w = 11'd1024 - {1'b0, k_addr[11:2]};
  wire [13:0] write_limit_a = {3'd0, stream_left} < space ? {3'd0, stream_left} : space;
  wire [13:0] write_limit = write_limit_a < {3'd0, quadlets_to_4k_w} ? write_limit_a :
                            {3'd0, quadlets_to_4k_w};
  wire [4:0] write_beats = !below({2'd0, write_limit}, 16'd17) ? 5'd16 : write_limit[4:0];
  wire [31:0] k_desc_addr = block_reg + {25'd0, k_reg, 4'b0000};

  // xferStatus for this packet, and the trailer quadlet.
  wire [15:0] xfer_status = {
    run_reg[e_ctx_reg], 2'b00, wake_reg[e_ctx_reg], 1'b0, 1'b1, 2'b00, 1'b0, speed_reg, evt_reg
  };
  wire [31:0] trailer = {xfer_status, cycle_reg};
  // A buffer-fill descriptor left full mid-packet: its packet is cut there when no descriptor
  // follows.
  wire [4:0] full_evt = e_branch_reg[3:0] == 4'd0 ? OHCI_EVT_LONG_PACKET : evt_reg;
  wire [15:0] full_xfer_status = {xfer_status[15:5], full_evt};
  // In E_SEG: the stream is stored; the next burst is a status quadlet.
  wire seg_done = pos_reg == stream_len_reg;
  wire seg_status = seg_done ? e_bf_reg || d_status_reg[k_reg] : space == 14'd0 && e_bf_reg;
  // E_SEG steps to the next descriptor (the stream fits the block: a next descriptor exists).
  wire k_step = !seg_done && space == 14'd0 && !e_bf_reg;
  // The descriptor k_reg holds after this edge, where it matters (see d_addr_mem): E_AFTER_READ
  // sets it to 0 on its way to E_SEG.
  wire [2:0] k_rd = e_state_reg == E_AFTER_READ ? 3'd0 :
                    e_state_reg == E_SEG && k_step ? k_reg + 3'd1 : k_reg;

  // A quadlet count (payload quadlets or an index into them, 0..1024) as a step of a ring
  // pointer (RING_W+1 bits with the wrap bit): zero-extended, or for a ring of fewer than 1024
  // quadlets cut to the pointer's width, which is exact because the ring never holds more than
  // 2**RING_W quadlets of one packet (ohci_link_rx stores no more than fit).
  function automatic [RING_W:0] ring_count(input [10:0] count);
    integer b;
    begin
      ring_count = {(RING_W + 1) {1'b0}};
      for (b = 0; b <= RING_W && b < 11; b = b + 1) ring_count[b] = count[b];
    end
  endfunction

  // The stream quadlet at pos_reg.
  // A packet cut short (ack_data_error, evt_overrun) has fewer quadlets in the ring than its
  // data_length says; the rest of its payload is stored as zeros so that the stream keeps the
  // size data_length gives it (buffer-fill parsers step by it).
  wire pos_in_payload = pos_reg >= {9'd0, pre_reg} && pos_reg < {9'd0, pre_reg} + hdr_words_reg;
  wire [10:0] payload_index = pos_reg - {9'd0, pre_reg};
  wire pos_from_ring = pos_in_payload && payload_index < words_reg;
  wire [31:0] pos_imm = pos_in_payload ? 32'd0 :
                        pos_reg < {9'd0, pre_reg} ?
                        ((e_bf_reg || pos_reg == 11'd1) ? header_reg : trailer) : trailer;

  // Loading the next beat of a write burst (1 per clk while WREADY).
  wire w_can_load = !wvalid_reg || m_axi_wready;
  wire w_load = e_state_reg == E_W && w_can_load && load_left_reg != 5'd0;
  wire w_load_ring = w_load && wr_kind_reg == WR_STREAM && pos_from_ring;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [RING_W:0] ring_pos = rd_base_reg + ring_count(payload_index);
  /* verilator lint_on UNUSEDSIGNAL */

  // ---------------------------------------------------------------------------------------
  always @(posedge clk) begin
    int_event_reg <= {N_IR{1'b0}};
    unrecoverable_reg <= 1'b0;
    d_addr_k_reg <= d_addr_mem[k_rd];
    d_req_k_reg <= d_req_mem[k_rd];
    d_req_k1_reg <= d_req1_mem[k_rd+3'd1];
    if (rst) begin
      for (c = 0; c < N_IR; c = c + 1) begin
        state_reg[c] <= ST_STOPPED;
        run_reg[c] <= 1'b0;
        wake_reg[c] <= 1'b0;
        dead_reg[c] <= 1'b0;
        event_reg[c] <= OHCI_EVT_NO_STATUS;
        spd_reg[c] <= 2'd0;
        buffer_fill_reg[c] <= 1'b0;
        isoch_header_reg[c] <= 1'b0;
        cycle_match_enable_reg[c] <= 1'b0;
        multi_chan_reg[c] <= 1'b0;
        command_ptr_reg[c] <= 32'd0;
        match_reg[c] <= 32'd0;
        dropped_reg[c] <= 32'd0;
        last_desc_reg[c] <= 32'd0;
        has_block_reg[c] <= 1'b0;
        gate_reg[c] <= 1'b0;
        gate_seq_reg[c] <= 8'd0;
      end
      q_head_reg <= 2'd0;
      q_tail_reg <= 2'd0;
      q_level_reg <= 3'd0;
      pop_seq_reg <= 8'd0;
      rd_ptr_reg <= {(RING_W + 1) {1'b0}};
      e_state_reg <= E_IDLE;
      e_ctx_reg <= {CTX_W{1'b0}};
      arvalid_reg <= 1'b0;
      awvalid_reg <= 1'b0;
      wvalid_reg <= 1'b0;
      wlast_reg <= 1'b0;
      araddr_reg <= 32'd0;
      arlen_reg <= 8'd0;
      awaddr_reg <= 32'd0;
      awlen_reg <= 8'd0;
      imm_reg <= 32'd0;
      beat_from_ring_reg <= 1'b0;
      error_reg <= 1'b0;
    end else begin
      // ---- record queue ----
      if (record_valid_i && q_level_reg != RECORDS[2:0]) begin
        q_header_reg[q_tail_reg] <= record_header_i;
        q_event_reg[q_tail_reg] <= record_event_i;
        q_speed_reg[q_tail_reg] <= record_speed_i;
        q_cycle_reg[q_tail_reg] <= record_cycle_i;
        q_words_reg[q_tail_reg] <= record_words_i;
        q_tail_reg <= q_tail_reg + 2'd1;
      end
      q_level_reg <= q_level_reg + {2'd0, record_valid_i && q_level_reg != RECORDS[2:0]} -
                     {2'd0, pop};

      // ---- the isochronous period of a new cycle: cycle-matched contexts start ----
      if (iso_start_i) begin
        for (c = 0; c < N_IR; c = c + 1) begin
          if (run_reg[c] && cycle_match_enable_reg[c] &&
              match_reg[c][OHCI_CONTEXT_MATCH_CYCLE_MATCH_LSB+:15] == iso_cycle_i) begin
            cycle_match_enable_reg[c] <= 1'b0;
            gate_reg[c] <= 1'b1;
            // the first record committed from now on
            gate_seq_reg[c] <= pop_seq_reg + {5'd0, q_level_reg} + {7'd0, record_valid_i};
          end
        end
      end

      // ---- the engine ----
      case (e_state_reg)
        E_IDLE: begin
          if (take_wake) begin
            e_ctx_reg <= wake_ctx;
            wake_reg[wake_ctx] <= 1'b0;
            state_reg[wake_ctx] <= ST_BUSY;
            phase_reg <= PH_BRANCH;
            error_reg <= 1'b0;
            q_addr_reg <= last_desc_reg[wake_ctx] + 32'd8;
            q_left_reg <= 6'd1;
            e_state_reg <= E_AR_SETUP;
          end else if (take_record) begin
            pop_seq_reg <= pop_seq_reg + 8'd1;
            q_head_reg <= q_head_reg + 2'd1;
            for (c = 0; c < N_IR; c = c + 1)
              if (gate_reg[c] && gate_seq_reg[c] == pop_seq_reg) gate_reg[c] <= 1'b0;
            if (record_to_dma) begin
              e_ctx_reg <= target;
              wake_reg[target] <= 1'b0;
              state_reg[target] <= ST_BUSY;
              header_reg <= h_header;
              evt_reg <= q_event_reg[q_head_reg];
              speed_reg <= q_speed_reg[q_head_reg];
              cycle_reg <= q_cycle_reg[q_head_reg];
              words_reg <= q_words_reg[q_head_reg];
              hdr_words_reg <= h_words;
              rd_base_reg <= rd_ptr_reg;
              e_bf_reg <= buffer_fill_reg[target];
              e_ih_reg <= isoch_header_reg[target];
              block_reg <= {command_ptr_reg[target][31:4], 4'b0000};
              z_reg <= command_ptr_reg[target][3:0];
              block_bad_reg <= buffer_fill_reg[target] ? command_ptr_reg[target][3:0] != 4'd1 :
                               !below({12'd0, command_ptr_reg[target][3:0]}, 16'd9);
              q_addr_reg <= {command_ptr_reg[target][31:4], 4'b0000};
              q_left_reg <= buffer_fill_reg[target] ? 6'd4 :
                            {!below({12'd0, command_ptr_reg[target][3:0]}, 16'd9) ? 4'd8 :
                             command_ptr_reg[target][3:0], 2'b00};
              desc_q_reg <= 5'd0;
              capacity_reg <= 17'd0;
              e_int_reg <= 1'b0;
              e_wait_reg <= 1'b0;
              error_reg <= 1'b0;
              phase_reg <= PH_BLOCK;
              e_state_reg <= E_AR_SETUP;
            end else begin
              // discarded: nobody's, filtered, or the context has no buffer (counted)
              rd_ptr_reg <= rd_ptr_reg + ring_count(q_words_reg[q_head_reg]);
              for (c = 0; c < N_IR; c = c + 1)
                if (to_drop[c]) dropped_reg[c] <= dropped_reg[c] + 32'd1;
            end
          end
        end

        E_AR_SETUP: begin
          araddr_reg <= q_addr_reg;
          arlen_reg <= {3'd0, read_beats - 5'd1};
          beats_left_reg <= read_beats;
          arvalid_reg <= 1'b1;
          e_state_reg <= E_AR;
        end

        E_AR: begin
          if (m_axi_arready) begin
            arvalid_reg <= 1'b0;
            e_state_reg <= E_R;
          end
        end

        E_R: begin
          if (m_axi_rvalid) begin
            if (m_axi_rresp != AXI_RESP_OKAY || m_axi_rlast != (beats_left_reg == 5'd1))
              error_reg <= 1'b1;
            q_addr_reg <= q_addr_reg + 32'd4;
            q_left_reg <= q_left_reg - 6'd1;
            beats_left_reg <= beats_left_reg - 5'd1;
            if (beats_left_reg == 5'd1 || m_axi_rlast) e_state_reg <= E_AFTER_READ;
            if (m_axi_rresp == AXI_RESP_OKAY && !error_reg) begin
              desc_q_reg <= desc_q_reg + 5'd1;
              if (phase_reg == PH_BRANCH) begin
                e_branch_reg <= m_axi_rdata;
              end else begin
                case (desc_quadlet)
                  2'd0: begin
                    if (r_cmd != expected_cmd || r_key != OHCI_DESC_KEY_DATA ||
                        r_req == 16'd0 || r_req[1:0] != 2'b00)
                      block_bad_reg <= 1'b1;
                    d_req_last_reg <= r_req;
                    if (desc_index == 3'd0) d_req0_reg <= r_req;
                    d_req_mem[desc_index] <= r_req;
                    d_req1_mem[desc_index] <= r_req;
                    d_status_reg[desc_index] <= r_status;
                    capacity_reg <= capacity_reg + {3'd0, r_req[15:2]};
                    if (e_bf_reg || r_last_desc) e_int_reg <= r_int == OHCI_DESC_I_ALWAYS;
                    if (desc_index == 3'd0) e_wait_reg <= r_wait == OHCI_DESC_W_WAIT;
                  end
                  2'd1: begin
                    d_addr_mem[desc_index] <= m_axi_rdata;
                    if (m_axi_rdata[1:0] != 2'b00) block_bad_reg <= 1'b1;
                  end
                  2'd2: begin
                    if (e_bf_reg || r_last_desc) e_branch_reg <= m_axi_rdata;
                  end
                  default: begin
                    d_res_reg <= m_axi_rdata[15:0];
                    if (e_bf_reg && (m_axi_rdata[1:0] != 2'b00 ||
                                     m_axi_rdata[15:0] > d_req_last_reg))
                      block_bad_reg <= 1'b1;
                  end
                endcase
              end
            end
          end
        end

        E_AFTER_READ: begin
          if (error_reg) begin
            dead_event_reg <= OHCI_EVT_DESCRIPTOR_READ;
            e_state_reg <= E_DEAD;
          end else if (q_left_reg != 6'd0) begin
            e_state_reg <= E_AR_SETUP;
          end else if (phase_reg == PH_BRANCH) begin
            if (e_branch_reg[3:0] != 4'd0) begin
              command_ptr_reg[e_ctx_reg] <= e_branch_reg;
              state_reg[e_ctx_reg] <= e_run_next ? ST_ACTIVE : ST_STOPPED;
            end else begin
              state_reg[e_ctx_reg] <= e_run_next ? ST_IDLE : ST_STOPPED;
            end
            e_state_reg <= E_IDLE;
          end else if (block_bad_reg || z_reg == 4'd0) begin
            dead_event_reg <= OHCI_EVT_UNKNOWN;
            e_state_reg <= E_DEAD;
          end else if (phase_reg == PH_NEXT) begin
            // buffer-fill: the next descriptor continues the packet's stream
            k_reg <= 3'd0;
            res_reg <= d_res_reg;
            e_state_reg <= E_SEG;
          end else if (e_wait_reg && (!e_bf_reg || d_res_reg == d_req0_reg) &&
                       header_reg[3:0] != match_reg[e_ctx_reg][OHCI_CONTEXT_MATCH_SYNC_LSB+:4]) begin
            // waiting for sync: this packet is filtered out, the block stays
            rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
            state_reg[e_ctx_reg] <= e_run_next ? ST_ACTIVE : ST_STOPPED;
            e_state_reg <= E_IDLE;
          end else begin
            // the stream: [trailer] [header] payload [trailer]
            k_reg <= 3'd0;
            res_reg <= e_bf_reg ? d_res_reg : d_req0_reg;
            pos_reg <= 11'd0;
            pre_reg <= !e_ih_reg ? 2'd0 : e_bf_reg ? 2'd1 : 2'd2;
            if (!e_bf_reg && {6'd0, hdr_words_reg} + (e_ih_reg ? 17'd2 : 17'd0) > capacity_reg) begin
              stream_len_reg <= capacity_reg[10:0];
              evt_reg <= OHCI_EVT_LONG_PACKET;
            end else begin
              stream_len_reg <= hdr_words_reg + (e_ih_reg ? 11'd2 : 11'd0);  // header and trailer
            end
            e_state_reg <= E_SEG;
          end
        end

        E_SEG: begin
          if (seg_done && !seg_status) begin
            e_state_reg <= E_FINISH;  // stored; this descriptor takes no status (s=0)
          end else if (k_step) begin
            k_reg <= k_reg + 3'd1;  // the stream fits the block: a next descriptor exists
            res_reg <= d_req_k1_reg;
          end else begin
            // A write burst: the next piece of the stream, or a status quadlet (the stream's
            // end, or a buffer-fill descriptor full mid-packet).
            awaddr_reg <= seg_status ? k_desc_addr + 32'd12 : k_addr;
            awlen_reg <= seg_status ? 8'd0 : {3'd0, write_beats - 5'd1};
            awvalid_reg <= 1'b1;
            burst_reg <= seg_status ? 5'd1 : write_beats;
            load_left_reg <= seg_status ? 5'd1 : write_beats;
            imm_reg <= seg_done ? {xfer_status, res_reg} : {full_xfer_status, 16'd0};
            if (seg_status && !seg_done) evt_reg <= full_evt;
            wr_kind_reg <= !seg_status ? WR_STREAM : seg_done ? WR_STATUS : WR_STATUS_NEXT;
            aw_done_reg <= 1'b0;
            w_done_reg <= 1'b0;
            e_state_reg <= E_W;
          end
        end

        E_W: begin
          if (m_axi_awready && awvalid_reg) begin
            awvalid_reg <= 1'b0;
            aw_done_reg <= 1'b1;
          end
          if (w_load) begin
            wvalid_reg <= 1'b1;
            wlast_reg <= load_left_reg == 5'd1;
            load_left_reg <= load_left_reg - 5'd1;
            if (wr_kind_reg == WR_STREAM) begin
              beat_from_ring_reg <= pos_from_ring;
              imm_reg <= pos_imm;
              pos_reg <= pos_reg + 11'd1;
            end else begin
              beat_from_ring_reg <= 1'b0;
            end
          end else if (wvalid_reg && m_axi_wready) begin
            wvalid_reg <= 1'b0;
          end
          if (wvalid_reg && m_axi_wready && wlast_reg) w_done_reg <= 1'b1;
          if ((aw_done_reg || (m_axi_awready && awvalid_reg)) &&
              (w_done_reg || (wvalid_reg && m_axi_wready && wlast_reg)))
            e_state_reg <= E_B;
        end

        E_B: begin
          if (m_axi_bvalid) begin
            if (m_axi_bresp != AXI_RESP_OKAY) begin
              dead_event_reg <= OHCI_EVT_DATA_WRITE;
              e_state_reg <= E_DEAD;
            end else begin
              e_state_reg <= E_AFTER_WRITE;
            end
          end
        end

        E_AFTER_WRITE: begin
          case (wr_kind_reg)
            WR_STREAM: begin
              res_reg <= res_reg - {9'd0, burst_reg, 2'b00};
              e_state_reg <= E_SEG;
            end
            WR_STATUS: begin
              // the interrupt of a completed block goes out now, the edge after the B handshake
              // (as for WR_STATUS_NEXT); E_FINISH updates the context in the next edge
              if (e_int_reg && (!e_bf_reg || res_reg == 16'd0)) begin
                int_event_reg[e_ctx_reg] <= 1'b1;
                e_int_reg <= 1'b0;
              end
              e_state_reg <= E_FINISH;
            end
            default: begin
              // WR_STATUS_NEXT: the full descriptor is done; go on in the next one
              if (e_int_reg) int_event_reg[e_ctx_reg] <= 1'b1;
              if (e_branch_reg[3:0] == 4'd0) begin
                // no descriptor left: the rest of the packet is lost, the context idles
                event_reg[e_ctx_reg] <= OHCI_EVT_LONG_PACKET;
                spd_reg[e_ctx_reg] <= speed_reg;
                last_desc_reg[e_ctx_reg] <= k_desc_addr;
                has_block_reg[e_ctx_reg] <= 1'b1;
                state_reg[e_ctx_reg] <= e_run_next ? ST_IDLE : ST_STOPPED;
                rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
                e_state_reg <= E_IDLE;
              end else begin
                command_ptr_reg[e_ctx_reg] <= e_branch_reg;
                wake_reg[e_ctx_reg] <= 1'b0;
                block_reg <= {e_branch_reg[31:4], 4'b0000};
                z_reg <= e_branch_reg[3:0];
                block_bad_reg <= e_branch_reg[3:0] != 4'd1;
                q_addr_reg <= {e_branch_reg[31:4], 4'b0000};
                q_left_reg <= 6'd4;
                desc_q_reg <= 5'd0;
                e_int_reg <= 1'b0;
                phase_reg <= PH_NEXT;
                e_state_reg <= E_AR_SETUP;
              end
            end
          endcase
        end

        E_FINISH: begin
          event_reg[e_ctx_reg] <= evt_reg;
          spd_reg[e_ctx_reg] <= speed_reg;
          rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
          if (!e_bf_reg || res_reg == 16'd0) begin
            // the block (or the buffer-fill descriptor) is complete: interrupt (unless it went
            // out with its status write, in E_AFTER_WRITE) and branch
            if (e_int_reg) int_event_reg[e_ctx_reg] <= 1'b1;
            if (e_branch_reg[3:0] != 4'd0) begin
              command_ptr_reg[e_ctx_reg] <= e_branch_reg;
              state_reg[e_ctx_reg] <= e_run_next ? ST_ACTIVE : ST_STOPPED;
            end else begin
              last_desc_reg[e_ctx_reg] <= block_reg + {24'd0, z_reg - 4'd1, 4'b0000};
              has_block_reg[e_ctx_reg] <= 1'b1;
              state_reg[e_ctx_reg] <= e_run_next ? ST_IDLE : ST_STOPPED;
            end
          end else begin
            state_reg[e_ctx_reg] <= e_run_next ? ST_ACTIVE : ST_STOPPED;
          end
          e_state_reg <= E_IDLE;
        end

        E_DEAD: begin
          dead_reg[e_ctx_reg] <= e_run_next;
          event_reg[e_ctx_reg] <= dead_event_reg;
          state_reg[e_ctx_reg] <= ST_STOPPED;
          unrecoverable_reg <= 1'b1;
          if (phase_reg != PH_BRANCH)
            rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
          e_state_reg <= E_IDLE;
        end

        default: e_state_reg <= E_IDLE;
      endcase

      // ---- software writes (last: they win over the engine's updates of the same bits) ----
      if (reg_wr_i) begin
        case (reg_wr_sel_i)
          SEL_CONTROL_SET: begin
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN] && !run_reg[reg_wr_ctx_i]) begin
              run_reg[reg_wr_ctx_i] <= 1'b1;
              if (state_reg[reg_wr_ctx_i] == ST_STOPPED && !e_busy_ctx_write) begin
                dead_reg[reg_wr_ctx_i] <= 1'b0;
                event_reg[reg_wr_ctx_i] <= OHCI_EVT_NO_STATUS;
                dropped_reg[reg_wr_ctx_i] <= 32'd0;
                has_block_reg[reg_wr_ctx_i] <= 1'b0;
                gate_reg[reg_wr_ctx_i] <= 1'b0;
                state_reg[reg_wr_ctx_i] <=
                    command_ptr_reg[reg_wr_ctx_i][3:0] == 4'd0 ? ST_IDLE : ST_ACTIVE;
              end
            end
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_WAKE]) wake_reg[reg_wr_ctx_i] <= 1'b1;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_BUFFER_FILL])
              buffer_fill_reg[reg_wr_ctx_i] <= 1'b1;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_ISOCH_HEADER])
              isoch_header_reg[reg_wr_ctx_i] <= 1'b1;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE])
              cycle_match_enable_reg[reg_wr_ctx_i] <= 1'b1;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_MULTI_CHAN_MODE])
              multi_chan_reg[reg_wr_ctx_i] <= 1'b1;
          end
          SEL_CONTROL_CLEAR: begin
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN]) begin
              run_reg[reg_wr_ctx_i] <= 1'b0;
              dead_reg[reg_wr_ctx_i] <= 1'b0;
              // A packet being stored finishes first; the engine then stops the context.
              if (state_reg[reg_wr_ctx_i] != ST_BUSY &&
                  !(record_to_dma && to_dma[reg_wr_ctx_i]) &&
                  !(take_wake && wake_ctx == reg_wr_ctx_i))
                state_reg[reg_wr_ctx_i] <= ST_STOPPED;
            end
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_WAKE]) wake_reg[reg_wr_ctx_i] <= 1'b0;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_BUFFER_FILL])
              buffer_fill_reg[reg_wr_ctx_i] <= 1'b0;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_ISOCH_HEADER])
              isoch_header_reg[reg_wr_ctx_i] <= 1'b0;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE])
              cycle_match_enable_reg[reg_wr_ctx_i] <= 1'b0;
            if (reg_wr_data_i[OHCI_IR_CONTEXT_CONTROL_MULTI_CHAN_MODE])
              multi_chan_reg[reg_wr_ctx_i] <= 1'b0;
          end
          SEL_COMMAND_PTR: begin
            if (!run_reg[reg_wr_ctx_i] && state_reg[reg_wr_ctx_i] == ST_STOPPED)
              command_ptr_reg[reg_wr_ctx_i] <= reg_wr_data_i;
          end
          SEL_CONTEXT_MATCH: begin
            // bits 27 and 7 are reserved
            match_reg[reg_wr_ctx_i] <= reg_wr_data_i & 32'hF7FF_FF7F;
          end
          default: ;
        endcase
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  genvar g;
  generate
    for (g = 0; g < N_IR; g = g + 1) begin : g_ctx
      wire active = state_reg[g] == ST_ACTIVE || state_reg[g] == ST_BUSY;
      assign context_control_o[32*g+:32] = {
        buffer_fill_reg[g], isoch_header_reg[g], cycle_match_enable_reg[g], multi_chan_reg[g],
        1'b0, 11'd0, run_reg[g], 2'b00, wake_reg[g], dead_reg[g], active, 2'b00, 1'b0, spd_reg[g],
        event_reg[g]
      };
      assign command_ptr_o[32*g+:32] = command_ptr_reg[g];
      assign context_match_o[32*g+:32] = match_reg[g];
      assign dropped_packets_o[32*g+:32] = dropped_reg[g];
    end
  endgenerate

  assign int_event_o = int_event_reg;
  assign unrecoverable_o = unrecoverable_reg;
  assign quiet_o = e_state_reg == E_IDLE;
  assign record_full_o = q_level_reg == RECORDS[2:0];
  assign ring_rd_en_o = w_load_ring;
  assign ring_rd_addr_o = ring_pos[RING_W-1:0];
  assign ring_rd_ptr_o = rd_ptr_reg;
  assign m_axi_araddr = araddr_reg;
  assign m_axi_arlen = arlen_reg;
  assign m_axi_arvalid = arvalid_reg;
  assign m_axi_rready = e_state_reg == E_R;
  assign m_axi_awaddr = awaddr_reg;
  assign m_axi_awlen = awlen_reg;
  assign m_axi_awvalid = awvalid_reg;
  assign m_axi_wdata = beat_from_ring_reg ? ring_rd_data_i : imm_reg;
  assign m_axi_wlast = wlast_reg;
  assign m_axi_wvalid = wvalid_reg;
  assign m_axi_bready = e_state_reg == E_B;
endmodule
`resetall
