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
// Structure (one job per block):
//   - the record queue (clocked): RECORDS records from the link, popped as the engine takes them;
//   - the dispatch (combinational, computed only while the engine is free): a woken idle context's
//     branch re-read, or who takes the record at the queue's head;
//   - the engine's requests (combinational, computed only in the engine state that makes them):
//     the burst units' starts, the descriptor table read, the W beat loads from the ring;
//   - the engine (clocked): the block's reads and their checks, the stream's write bursts, the
//     ring read pointer;
//   - the contexts (clocked): ContextControl, CommandPtr, ContextMatch, DroppedPackets, the
//     context states, updated from the cycle start, what the engine's step did for its context
//     this clk, and software writes, in that order (a later one wins on the same bits);
//   - the descriptor table (block RAM) and the two burst units.
// ContextControl is held as the register reads (control_reg, less the active bit, which is
// decoded from the state), so the register outputs are plain copies.
//
// Outputs are registered but for: quiet_o and record_full_o (decoded from state registers), the
// ring read port (ring_rd_en_o/ring_rd_addr_o: the beat loaded at this edge), m_axi_wdata (the
// ring's output or a registered quadlet), the ContextControl active bit, and RREADY/BREADY (the
// burst units).
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
    parameter integer N_IR   = 4,   // contexts, 1..32
    parameter integer CTX_W  = 2,   // bits of an IR context number, >= $clog2(N_IR), >= 1
    parameter integer RING_W = 11   // receive ring of 2**RING_W quadlets, 8..16
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
  `include "ohci_dma_util.vh"

  // Parameter ranges (an out-of-range value stops elaboration in Verilator, Yosys and Icarus:
  // the instance names a module that does not exist, after the problem).
  generate
    if (N_IR < 1 || N_IR > 32) begin : g_check_n_ir
      ohci_ir_dma_N_IR_must_be_1_to_32 n_ir_out_of_range ();
    end
    if (CTX_W < 1 || CTX_W > 5 || (1 << CTX_W) < N_IR) begin : g_check_ctx_w
      ohci_ir_dma_CTX_W_must_hold_a_context_number ctx_w_too_narrow ();
    end
    if (RING_W < 8 || RING_W > 16) begin : g_check_ring_w
      ohci_ir_dma_RING_W_must_be_8_to_16 ring_w_out_of_range ();
    end
  endgenerate

  localparam [2:0] SEL_CONTROL_SET = 3'd0;
  localparam [2:0] SEL_CONTROL_CLEAR = 3'd1;
  localparam [2:0] SEL_COMMAND_PTR = 3'd3;
  localparam [2:0] SEL_CONTEXT_MATCH = 3'd4;

  // ContextControl fields (OHCI 1.1; ohci_regmap.vh).
  localparam integer RUN = OHCI_CONTEXT_CONTROL_RUN;
  localparam integer WAKE = OHCI_CONTEXT_CONTROL_WAKE;
  localparam integer DEAD = OHCI_CONTEXT_CONTROL_DEAD;
  localparam integer ACTIVE = OHCI_CONTEXT_CONTROL_ACTIVE;
  localparam integer SPD = OHCI_CONTEXT_CONTROL_SPD_LSB;  // [SPD+:2] (bit 7 reads 0)
  localparam integer EVENT = OHCI_CONTEXT_CONTROL_EVENT_CODE_LSB;  // [EVENT+:5]
  localparam integer BUFFER_FILL = OHCI_IR_CONTEXT_CONTROL_BUFFER_FILL;
  localparam integer ISOCH_HEADER = OHCI_IR_CONTEXT_CONTROL_ISOCH_HEADER;
  localparam integer CM_ENABLE = OHCI_IR_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE;
  localparam integer MULTI_CHAN = OHCI_IR_CONTEXT_CONTROL_MULTI_CHAN_MODE;

  // Context states. active = ST_ACTIVE or ST_BUSY, i.e. state[1].
  localparam [1:0] ST_STOPPED = 2'd0;  // run=0, or dead
  localparam [1:0] ST_IDLE = 2'd1;  // reached Z=0 (run=1, active=0)
  localparam [1:0] ST_ACTIVE = 2'd2;  // has a block, waits for a packet
  localparam [1:0] ST_BUSY = 2'd3;  // the engine is working for it

  // Engine states.
  localparam [2:0] E_IDLE = 3'd0;
  localparam [2:0] E_READ = 3'd1;  // the read unit reads for the job (phase_reg says what)
  localparam [2:0] E_SEG = 3'd2;  // the next write burst of the stream, or its status
  localparam [2:0] E_WRITE = 3'd3;  // the write unit writes it (wr_kind_reg says what)
  localparam [2:0] E_AFTER_WRITE = 3'd4;
  localparam [2:0] E_FINISH = 3'd5;  // the packet is stored: the context completes it
  localparam [2:0] E_DEAD = 3'd6;  // the context goes dead with dead_event_reg

  // What a read job reads; what a write burst writes.
  localparam [1:0] PH_BLOCK = 2'd0;  // the descriptors of a packet's block
  localparam [1:0] PH_NEXT = 2'd1;  // buffer-fill: the next descriptor, mid-packet
  localparam [1:0] PH_BRANCH = 2'd2;  // wake: the branch word of the idle block
  localparam [1:0] WR_STREAM = 2'd0;
  localparam [1:0] WR_STATUS = 2'd1;  // xferStatus:resCount, then E_FINISH
  localparam [1:0] WR_STATUS_NEXT = 2'd2;  // buffer-fill: status of a full descriptor mid-packet

  localparam integer RECORDS = 4;

  // ---------------------------------------------------------------------------------------
  // Per-context state
  reg [31:0] control_reg[0:N_IR-1];  // ContextControl: bufferFill ... multiChanMode, run, wake, dead, spd, event
  reg [1:0] state_reg[0:N_IR-1];
  reg [31:0] command_ptr_reg[0:N_IR-1];
  reg [31:0] match_reg[0:N_IR-1];
  reg [31:0] dropped_reg[0:N_IR-1];
  // The descriptor holding the branch of the idle block. Descriptors (and blocks) are 16-byte
  // aligned (bits [3:0] are 0), so a quadlet's offset in one is a bit pattern, not an addition.
  reg [31:0] last_desc_reg[0:N_IR-1];
  reg has_block_reg[0:N_IR-1];
  reg gate_reg[0:N_IR-1];  // cycle matched: records before gate_seq_reg are filtered
  // (sequence numbers count records modulo 8: a gate is at most RECORDS + 1 records ahead of the
  // head, so modulo 8 they compare exactly)
  reg [2:0] gate_seq_reg[0:N_IR-1];
  reg [N_IR-1:0] int_event_reg;
  reg unrecoverable_reg;

  // Record queue
  reg [31:0] q_header_reg[0:RECORDS-1];
  reg [4:0] q_event_reg[0:RECORDS-1];
  reg [1:0] q_speed_reg[0:RECORDS-1];
  reg [15:0] q_cycle_reg[0:RECORDS-1];
  reg [10:0] q_words_reg[0:RECORDS-1];
  reg [1:0] q_head_reg;
  reg [1:0] q_tail_reg;
  reg [2:0] q_level_reg;
  reg [2:0] pop_seq_reg;  // sequence number of the record at the head

  // Engine
  reg [2:0] e_state_reg;
  reg [CTX_W-1:0] e_ctx_reg;
  reg [1:0] phase_reg;
  reg [1:0] wr_kind_reg;
  reg [4:0] desc_q_reg;
  reg e_bf_reg;  // buffer-fill
  reg e_ih_reg;  // isochHeader
  reg [3:0] z_reg;
  reg [31:0] block_reg;
  reg block_bad_reg;
  reg [15:0] d_req_last_reg;  // reqCount of the descriptor being read (its quadlet 0)
  reg [15:0] d_req0_reg;  // reqCount of descriptor 0
  // Each descriptor's dataAddress and reqCount, in block RAM (iCE40: no flip-flops, no 8-way
  // mux), written as the descriptors arrive and read where the engine sets or steps k_reg (and
  // the one after it; k_rd below), so d_addr_k_reg / d_req_k_reg / d_req_k1_reg hold descriptor
  // k_reg's (k_reg + 1's) values whenever the engine is past the block read.
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
  reg [11:0] capacity_reg;  // quadlets in the block's buffers; bit 11 sticky: 2048 or more
  reg [2:0] k_reg;  // current descriptor
  reg [15:0] res_reg;  // bytes left in the current descriptor
  reg [31:0] header_reg;
  reg [4:0] evt_reg;  // the packet's event code (as finally reported)
  reg [1:0] speed_reg;
  reg [15:0] cycle_reg;
  reg [10:0] words_reg;  // payload quadlets in the ring
  reg [10:0] hdr_words_reg;  // payload quadlets data_length calls for (at most 1024)
  reg [RING_W:0] rd_base_reg;
  reg [RING_W:0] rd_ptr_reg;
  reg [1:0] pre_reg;  // stream quadlets before the payload
  reg [10:0] stream_len_reg;  // stream quadlets to write
  reg [10:0] pos_reg;  // next stream quadlet to load into a beat
  reg [31:0] imm_reg;  // the value of a beat that does not come from the ring
  reg beat_from_ring_reg;
  reg [4:0] dead_event_reg;

  // The burst units
  wire rd_beat, rd_beat_ok, rd_done, rd_error;
  wire [4:0] wr_beats;
  wire wr_load, wr_done, wr_error;

  integer c;  // (a context, in the contexts' block)
  integer j;  // (a context, in the dispatch)

  // ---------------------------------------------------------------------------------------
  // Helpers (functions: computed only where they are called)

  // The lowest set bit's index (0 when none is set).
  function automatic [CTX_W-1:0] lowest(input [N_IR-1:0] v);
    integer i;
    begin
      lowest = {CTX_W{1'b0}};
      for (i = N_IR - 1; i >= 0; i = i - 1) if (v[i]) lowest = i[CTX_W-1:0];
    end
  endfunction

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

  // Payload quadlets a header's data_length calls for: (data_length + 3) / 4, at most 1024.
  function automatic [10:0] header_words(input [15:0] data_length);
    /* verilator lint_off UNUSEDSIGNAL */
    reg [16:0] span;  // only [12:2] used
    /* verilator lint_on UNUSEDSIGNAL */
    begin
      span = {1'b0, data_length} + 17'd3;
      header_words = !below(data_length, 16'd4097) ? 11'd1024 : span[12:2];
    end
  endfunction

  // run as it will be after this clk's software write (see ohci_it_dma).
  function automatic run_after_write(input [CTX_W-1:0] n);
    begin
      run_after_write = control_reg[n][RUN];
      if (reg_wr_i && reg_wr_ctx_i == n && reg_wr_data_i[RUN]) begin
        if (reg_wr_sel_i == SEL_CONTROL_CLEAR) run_after_write = 1'b0;
        else if (reg_wr_sel_i == SEL_CONTROL_SET) run_after_write = 1'b1;
      end
    end
  endfunction

  // A block whose first descriptor has w=11 filters packets whose sy is not ContextMatch.sync
  // (buffer-fill: only while that descriptor is still empty).
  function automatic sync_filtered(input [CTX_W-1:0] n);
    begin
      sync_filtered = e_wait_reg && (!e_bf_reg || d_res_reg == d_req0_reg) &&
                      header_reg[3:0] != match_reg[n][OHCI_CONTEXT_MATCH_SYNC_LSB+:4];
    end
  endfunction

  // xferStatus for the packet being stored: run, wake, active, spd, event.
  function automatic [15:0] xfer_status(input [4:0] event_code);
    begin
      xfer_status = {
        control_reg[e_ctx_reg][RUN], 2'b00, control_reg[e_ctx_reg][WAKE], 1'b0, 1'b1, 2'b00, 1'b0,
        speed_reg, event_code
      };
    end
  endfunction

  // ---------------------------------------------------------------------------------------
  // The record queue
  wire record_ready = q_level_reg != 3'd0;
  wire push = record_valid_i && q_level_reg != RECORDS[2:0];
  reg take_wake;  // (the dispatch, below)
  reg take_record;  // pops the head
  always @(posedge clk) begin
    if (rst) begin
      q_head_reg <= 2'd0;
      q_tail_reg <= 2'd0;
      q_level_reg <= 3'd0;
      pop_seq_reg <= 3'd0;
    end else begin
      if (push) begin
        q_header_reg[q_tail_reg] <= record_header_i;
        q_event_reg[q_tail_reg] <= record_event_i;
        q_speed_reg[q_tail_reg] <= record_speed_i;
        q_cycle_reg[q_tail_reg] <= record_cycle_i;
        q_words_reg[q_tail_reg] <= record_words_i;
        q_tail_reg <= q_tail_reg + 2'd1;
      end
      q_level_reg <= q_level_reg + {2'd0, push} - {2'd0, take_record};
      if (take_record) begin
        pop_seq_reg <= pop_seq_reg + 3'd1;
        q_head_reg <= q_head_reg + 2'd1;
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // The dispatch, computed only while the engine is free: a woken idle context's branch re-read
  // goes first (so a packet arriving after the wake finds the block); otherwise the record at
  // the head goes to the lowest-numbered context that takes it. The decision is made per context
  // in parallel and combined through the one-hot `pick` (the lowest context that takes the
  // record; `target` is its number), so no mux on `target` sits in the path from the queue head
  // to the state updates (the design's critical path on the ECP5).
  reg [CTX_W-1:0] wake_ctx;
  reg [CTX_W-1:0] target;
  reg [N_IR-1:0] to_dma;  // stored by the chosen context
  reg [N_IR-1:0] to_drop;  // chosen, but has no buffer: counted in its DroppedPackets
  reg record_to_dma;
  reg [31:0] h_header;
  reg [CTX_W-1:0] mc_ctx;  // the lowest context in multiChanMode with bufferFill
  reg [N_IR-1:0] takes;  // running, alive, ACTIVE or IDLE, and its filter accepts the head
  reg [N_IR-1:0] pick;
  reg accepts;
  always @(*) begin
    j = 0;  // (the loop variable, assigned on every path: no latch in synthesis)
    take_wake = 1'b0;
    take_record = 1'b0;
    record_to_dma = 1'b0;
    // (don't care unless the record is taken: x lets synthesis drop the gating)
    wake_ctx = {CTX_W{1'bx}};
    target = {CTX_W{1'bx}};
    to_dma = {N_IR{1'bx}};
    to_drop = {N_IR{1'bx}};
    h_header = 32'bx;
    mc_ctx = {CTX_W{1'bx}};
    takes = {N_IR{1'bx}};
    pick = {N_IR{1'bx}};
    accepts = 1'bx;
    if (e_state_reg == E_IDLE && !quiesce_i) begin
      for (j = N_IR - 1; j >= 0; j = j - 1) begin
        if (state_reg[j] == ST_IDLE && control_reg[j][WAKE] && has_block_reg[j] &&
            control_reg[j][RUN]) begin
          take_wake = 1'b1;
          wake_ctx = j[CTX_W-1:0];
        end
      end
      if (!take_wake && record_ready) begin
        take_record = 1'b1;
        h_header = q_header_reg[q_head_reg];
        mc_ctx = {CTX_W{1'b0}};
        for (j = N_IR - 1; j >= 0; j = j - 1)
          if (control_reg[j][MULTI_CHAN] && control_reg[j][BUFFER_FILL]) mc_ctx = j[CTX_W-1:0];
        for (j = 0; j < N_IR; j = j + 1) begin
          // channelNumber, or the multichannel context's IRMultiChanMask bit; the tag bit;
          // tag1SyncFilter
          if (control_reg[j][MULTI_CHAN] && control_reg[j][BUFFER_FILL])
            accepts = mc_ctx == j[CTX_W-1:0] && multi_chan_mask_i[h_header[13:8]];
          else accepts = match_reg[j][5:0] == h_header[13:8];
          accepts = accepts && match_reg[j][OHCI_CONTEXT_MATCH_TAG_LSB+{30'd0, h_header[15:14]}] &&
                    !(match_reg[j][OHCI_CONTEXT_MATCH_TAG1_SYNC_FILTER] &&
                      h_header[15:14] == 2'b01 && h_header[3:2] != 2'b00);
          takes[j] = control_reg[j][RUN] && !control_reg[j][DEAD] &&
                     (state_reg[j] == ST_ACTIVE || state_reg[j] == ST_IDLE) && accepts;
        end
        pick = takes & ~(takes - {{(N_IR - 1) {1'b0}}, 1'b1});
        target = lowest(takes);
        for (j = 0; j < N_IR; j = j + 1) begin
          // chosen, and not waiting for its cycleMatch or gated until its sequence (filtered)
          to_dma[j] = pick[j] && !control_reg[j][CM_ENABLE] &&
                      !(gate_reg[j] && gate_seq_reg[j] != pop_seq_reg) && state_reg[j] == ST_ACTIVE;
          to_drop[j] = pick[j] && !control_reg[j][CM_ENABLE] &&
                       !(gate_reg[j] && gate_seq_reg[j] != pop_seq_reg) && state_reg[j] == ST_IDLE;
        end
        record_to_dma = |to_dma;
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // The engine's requests this clk, computed in the engine state that makes them only: the read
  // unit's start (a block, a branch word, a buffer-fill's next descriptor), the write unit's
  // start (a piece of the stream, or a status quadlet), and the descriptor table read (where the
  // engine sets or steps k_reg).
  reg rd_start;
  reg [31:0] rd_addr;
  reg [5:0] rd_count;
  reg wr_start;
  reg [31:0] wr_addr;
  reg [13:0] wr_want;
  reg k_rd_en;
  reg [2:0] k_rd;
  // E_SEG: the stream is stored (seg_done); the next burst is a status quadlet (seg_status);
  // step to the next descriptor (k_step: the stream fits the block, so a next one exists).
  reg seg_done;
  reg seg_status;
  reg k_step;
  reg [31:0] k_desc_addr;  // the current descriptor (E_SEG, E_AFTER_WRITE)
  reg [4:0] full_evt;  // a buffer-fill descriptor left full mid-packet: cut when no branch follows
  reg [13:0] space;  // quadlets left in the current descriptor
  always @(*) begin
    rd_start = 1'b0;
    wr_start = 1'b0;
    k_rd_en = 1'b0;
    seg_done = 1'b0;
    seg_status = 1'b0;
    k_step = 1'b0;
    // (don't care unless started / enabled: x lets synthesis drop the gating)
    rd_addr = 32'bx;
    rd_count = 6'bx;
    wr_addr = 32'bx;
    wr_want = 14'bx;
    k_rd = 3'bx;
    k_desc_addr = 32'bx;
    full_evt = 5'bx;
    space = 14'bx;
    case (e_state_reg)
      E_IDLE: begin
        if (take_wake) begin
          rd_start = 1'b1;
          rd_addr = {last_desc_reg[wake_ctx][31:4], 4'h8};  // its branch word
          rd_count = 6'd1;
        end else if (record_to_dma) begin
          rd_start = 1'b1;
          rd_addr = {command_ptr_reg[target][31:4], 4'b0000};
          rd_count = control_reg[target][BUFFER_FILL] ? 6'd4 :
                     {!below({12'd0, command_ptr_reg[target][3:0]}, 16'd9) ? 4'd8 :
                      command_ptr_reg[target][3:0], 2'b00};
        end
      end
      E_READ: begin
        if (rd_done) begin
          k_rd_en = 1'b1;
          k_rd = 3'd0;
        end
      end
      E_SEG: begin
        space = res_reg[15:2];
        seg_done = pos_reg == stream_len_reg;
        seg_status = seg_done ? e_bf_reg || d_status_reg[k_reg] : space == 14'd0 && e_bf_reg;
        k_step = !seg_done && space == 14'd0 && !e_bf_reg;
        k_desc_addr = block_reg + {25'd0, k_reg, 4'b0000};
        full_evt = e_branch_reg[3:0] == 4'd0 ? OHCI_EVT_LONG_PACKET : evt_reg;
        k_rd_en = 1'b1;
        k_rd = k_step ? k_reg + 3'd1 : k_reg;
        if (!(seg_done && !seg_status) && !k_step) begin
          wr_start = 1'b1;
          if (seg_status) begin
            wr_addr = {k_desc_addr[31:4], 4'hC};  // its status quadlet
            wr_want = 14'd1;
          end else begin
            wr_addr = d_addr_k_reg + {16'd0, d_req_k_reg - res_reg};
            wr_want = {3'd0, stream_len_reg - pos_reg} < space ? {3'd0, stream_len_reg - pos_reg} :
                      space;
          end
        end
      end
      E_AFTER_WRITE: begin
        k_desc_addr = block_reg + {25'd0, k_reg, 4'b0000};
        if (wr_kind_reg == WR_STATUS_NEXT && e_branch_reg[3:0] != 4'd0) begin
          rd_start = 1'b1;  // buffer-fill: the next descriptor
          rd_addr = {e_branch_reg[31:4], 4'b0000};
          rd_count = 6'd4;
        end
      end
      default: ;
    endcase
  end

  // ---------------------------------------------------------------------------------------
  // The W beat loaded at this edge (E_WRITE, the stream; computed only then): the stream
  // quadlet at pos_reg, from the ring (ring_rd_en: read now, on the wire from the next clk) or
  // not. A packet cut short (ack_data_error, evt_overrun) has fewer quadlets in the ring than its
  // data_length says; the rest of its payload is stored as zeros so that the stream keeps the
  // size data_length gives it (buffer-fill parsers step by it).
  reg pos_from_ring;
  reg [31:0] pos_imm;
  reg ring_rd_en;
  reg [RING_W-1:0] ring_rd_addr;
  reg pos_in_payload;
  reg [10:0] payload_index;
  /* verilator lint_off UNUSEDSIGNAL */
  reg [RING_W:0] ring_pos;  // (the wrap bit is not an address bit)
  /* verilator lint_on UNUSEDSIGNAL */
  always @(*) begin
    ring_rd_en = 1'b0;
    // (don't care unless a stream beat is loaded: x lets synthesis drop the gating)
    pos_from_ring = 1'bx;
    pos_imm = 32'bx;
    ring_rd_addr = {RING_W{1'bx}};
    pos_in_payload = 1'bx;
    payload_index = 11'bx;
    ring_pos = {(RING_W + 1) {1'bx}};
    if (e_state_reg == E_WRITE && wr_load && wr_kind_reg == WR_STREAM) begin
      pos_in_payload = pos_reg >= {9'd0, pre_reg} && pos_reg < {9'd0, pre_reg} + hdr_words_reg;
      payload_index = pos_reg - {9'd0, pre_reg};
      pos_from_ring = pos_in_payload && payload_index < words_reg;
      pos_imm = pos_in_payload ? 32'd0 :
                pos_reg < {9'd0, pre_reg} ?
                ((e_bf_reg || pos_reg == 11'd1) ? header_reg : {xfer_status(evt_reg), cycle_reg}) :
                {xfer_status(evt_reg), cycle_reg};  // header, or the trailer
      ring_pos = rd_base_reg + ring_count(payload_index);
      ring_rd_en = pos_from_ring;
      ring_rd_addr = ring_pos[RING_W-1:0];
    end
  end

  // ---------------------------------------------------------------------------------------
  // The engine
  always @(posedge clk) begin
    if (rst) begin
      rd_ptr_reg <= {(RING_W + 1) {1'b0}};
      e_state_reg <= E_IDLE;
      e_ctx_reg <= {CTX_W{1'b0}};
      imm_reg <= 32'd0;
      beat_from_ring_reg <= 1'b0;
    end else begin
      case (e_state_reg)
        E_IDLE: begin
          if (take_wake) begin
            e_ctx_reg <= wake_ctx;
            phase_reg <= PH_BRANCH;
            e_state_reg <= E_READ;
          end else if (record_to_dma) begin
            e_ctx_reg <= target;
            header_reg <= h_header;
            evt_reg <= q_event_reg[q_head_reg];
            speed_reg <= q_speed_reg[q_head_reg];
            cycle_reg <= q_cycle_reg[q_head_reg];
            words_reg <= q_words_reg[q_head_reg];
            hdr_words_reg <= header_words(h_header[31:16]);
            rd_base_reg <= rd_ptr_reg;
            e_bf_reg <= control_reg[target][BUFFER_FILL];
            e_ih_reg <= control_reg[target][ISOCH_HEADER];
            block_reg <= {command_ptr_reg[target][31:4], 4'b0000};
            z_reg <= command_ptr_reg[target][3:0];
            block_bad_reg <= control_reg[target][BUFFER_FILL] ?
                             command_ptr_reg[target][3:0] != 4'd1 :
                             !below({12'd0, command_ptr_reg[target][3:0]}, 16'd9);
            desc_q_reg <= 5'd0;
            capacity_reg <= 12'd0;
            e_int_reg <= 1'b0;
            e_wait_reg <= 1'b0;
            phase_reg <= PH_BLOCK;
            e_state_reg <= E_READ;
          end else if (take_record) begin
            // discarded: nobody's, filtered, or the context has no buffer (counted)
            rd_ptr_reg <= rd_ptr_reg + ring_count(q_words_reg[q_head_reg]);
          end
        end

        E_READ: begin
          if (rd_beat_ok) begin
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
                  capacity_reg <= {capacity_reg[11] || r_req[15:13] != 3'd0, 11'd0} |
                                  ({1'b0, capacity_reg[10:0]} + {1'b0, r_req[12:2]});
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
          if (rd_done) begin
            if (rd_error) begin
              dead_event_reg <= OHCI_EVT_DESCRIPTOR_READ;
              e_state_reg <= E_DEAD;
            end else if (phase_reg == PH_BRANCH) begin
              e_state_reg <= E_IDLE;  // the context takes the branch word
            end else if (block_bad_reg || z_reg == 4'd0) begin
              dead_event_reg <= OHCI_EVT_UNKNOWN;
              e_state_reg <= E_DEAD;
            end else if (phase_reg == PH_NEXT) begin
              // buffer-fill: the next descriptor continues the packet's stream
              k_reg <= 3'd0;
              res_reg <= d_res_reg;
              e_state_reg <= E_SEG;
            end else if (sync_filtered(e_ctx_reg)) begin
              // waiting for sync: this packet is filtered out, the block stays
              rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
              e_state_reg <= E_IDLE;
            end else begin
              // the stream: [trailer] [header] payload [trailer]
              k_reg <= 3'd0;
              res_reg <= e_bf_reg ? d_res_reg : d_req0_reg;
              pos_reg <= 11'd0;
              pre_reg <= !e_ih_reg ? 2'd0 : e_bf_reg ? 2'd1 : 2'd2;
              if (!e_bf_reg && {1'b0, hdr_words_reg} + (e_ih_reg ? 12'd2 : 12'd0) > capacity_reg) begin
                stream_len_reg <= capacity_reg[10:0];
                evt_reg <= OHCI_EVT_LONG_PACKET;
              end else begin
                stream_len_reg <= hdr_words_reg + (e_ih_reg ? 11'd2 : 11'd0);  // header and trailer
              end
              e_state_reg <= E_SEG;
            end
          end
        end

        E_SEG: begin
          if (seg_done && !seg_status) begin
            e_state_reg <= E_FINISH;  // stored; this descriptor takes no status (s=0)
          end else if (k_step) begin
            k_reg <= k_reg + 3'd1;  // the stream fits the block: a next descriptor exists
            res_reg <= d_req_k1_reg;
          end else begin
            // A write burst (wr_start): the next piece of the stream, or a status quadlet (the
            // stream's end, or a buffer-fill descriptor full mid-packet).
            imm_reg <= seg_done ? {xfer_status(evt_reg), res_reg} : {xfer_status(full_evt), 16'd0};
            if (seg_status && !seg_done) evt_reg <= full_evt;
            wr_kind_reg <= !seg_status ? WR_STREAM : seg_done ? WR_STATUS : WR_STATUS_NEXT;
            e_state_reg <= E_WRITE;
          end
        end

        E_WRITE: begin
          if (wr_load) begin
            if (wr_kind_reg == WR_STREAM) begin
              beat_from_ring_reg <= pos_from_ring;
              imm_reg <= pos_imm;
              pos_reg <= pos_reg + 11'd1;
            end else begin
              beat_from_ring_reg <= 1'b0;
            end
          end
          if (wr_done) begin
            if (wr_error) begin
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
              res_reg <= res_reg - {9'd0, wr_beats, 2'b00};
              e_state_reg <= E_SEG;
            end
            WR_STATUS: begin
              // the interrupt of a completed block goes out now, the edge after the B handshake
              // (as for WR_STATUS_NEXT); E_FINISH updates the context in the next edge
              if (e_int_reg && (!e_bf_reg || res_reg == 16'd0)) e_int_reg <= 1'b0;
              e_state_reg <= E_FINISH;
            end
            default: begin
              // WR_STATUS_NEXT: the full descriptor is done; go on in the next one
              if (e_branch_reg[3:0] == 4'd0) begin
                // no descriptor left: the rest of the packet is lost, the context idles
                rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
                e_state_reg <= E_IDLE;
              end else begin
                block_reg <= {e_branch_reg[31:4], 4'b0000};
                z_reg <= e_branch_reg[3:0];
                block_bad_reg <= e_branch_reg[3:0] != 4'd1;
                desc_q_reg <= 5'd0;
                e_int_reg <= 1'b0;
                phase_reg <= PH_NEXT;
                e_state_reg <= E_READ;
              end
            end
          endcase
        end

        E_FINISH: begin
          rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
          e_state_reg <= E_IDLE;  // the context completes the packet
        end

        E_DEAD: begin
          if (phase_reg != PH_BRANCH) rd_ptr_reg <= rd_base_reg + ring_count(words_reg);
          e_state_reg <= E_IDLE;  // the context goes dead
        end

        default: e_state_reg <= E_IDLE;
      endcase
    end
  end

  // Decoding of the descriptor quadlet arriving now.
  wire [2:0] desc_index = desc_q_reg[4:2];
  wire [1:0] desc_quadlet = desc_q_reg[1:0];
  wire [3:0] r_cmd = m_axi_rdata[OHCI_DESC_CONTROL_CMD_LSB+:4];
  wire [2:0] r_key = m_axi_rdata[OHCI_DESC_CONTROL_KEY_LSB+:3];
  wire r_status = m_axi_rdata[OHCI_DESC_CONTROL_WRITE_STATUS];
  wire [1:0] r_int = m_axi_rdata[OHCI_DESC_CONTROL_INTERRUPT_LSB+:2];
  wire [1:0] r_wait = m_axi_rdata[OHCI_DESC_CONTROL_WAIT_LSB+:2];
  wire [15:0] r_req = m_axi_rdata[OHCI_DESC_CONTROL_REQ_COUNT_LSB+:16];
  wire r_last_desc = {1'b0, desc_index} == z_reg - 4'd1;
  wire [3:0] expected_cmd = (!e_bf_reg && r_last_desc) ? OHCI_DESC_CMD_INPUT_LAST :
                            OHCI_DESC_CMD_INPUT_MORE;

  // ---------------------------------------------------------------------------------------
  // The descriptor table's reads
  always @(posedge clk) begin
    if (k_rd_en) begin
      d_addr_k_reg <= d_addr_mem[k_rd];
      d_req_k_reg <= d_req_mem[k_rd];
      d_req_k1_reg <= d_req1_mem[k_rd+3'd1];
    end
  end

  // ---------------------------------------------------------------------------------------
  // The contexts
  always @(posedge clk) begin
    int_event_reg <= {N_IR{1'b0}};
    unrecoverable_reg <= 1'b0;
    if (rst) begin
      for (c = 0; c < N_IR; c = c + 1) begin
        control_reg[c] <= {27'd0, OHCI_EVT_NO_STATUS};
        state_reg[c] <= ST_STOPPED;
        command_ptr_reg[c] <= 32'd0;
        match_reg[c] <= 32'd0;
        dropped_reg[c] <= 32'd0;
        last_desc_reg[c] <= 32'd0;
        has_block_reg[c] <= 1'b0;
        gate_reg[c] <= 1'b0;
        gate_seq_reg[c] <= 3'd0;
      end
    end else begin
      // ---- the isochronous period of a new cycle: cycle-matched contexts start ----
      if (iso_start_i) begin
        for (c = 0; c < N_IR; c = c + 1) begin
          if (control_reg[c][RUN] && control_reg[c][CM_ENABLE] &&
              match_reg[c][OHCI_CONTEXT_MATCH_CYCLE_MATCH_LSB+:15] == iso_cycle_i) begin
            control_reg[c][CM_ENABLE] <= 1'b0;
            gate_reg[c] <= 1'b1;
            // the first record committed from now on
            gate_seq_reg[c] <= pop_seq_reg + q_level_reg + {2'd0, record_valid_i};
          end
        end
      end

      // ---- what the engine's step does for its context ----
      case (e_state_reg)
        E_IDLE: begin
          if (take_wake) begin
            // the branch re-read starts: hardware clears wake
            control_reg[wake_ctx][WAKE] <= 1'b0;
            state_reg[wake_ctx] <= ST_BUSY;
          end else if (take_record) begin
            for (c = 0; c < N_IR; c = c + 1)
              if (gate_reg[c] && gate_seq_reg[c] == pop_seq_reg) gate_reg[c] <= 1'b0;
            if (record_to_dma) begin
              control_reg[target][WAKE] <= 1'b0;
              state_reg[target] <= ST_BUSY;
            end else begin
              for (c = 0; c < N_IR; c = c + 1)
                if (to_drop[c]) dropped_reg[c] <= dropped_reg[c] + 32'd1;
            end
          end
        end
        E_READ: begin
          if (rd_done && !rd_error) begin
            if (phase_reg == PH_BRANCH) begin
              // the re-read branch word of the idle block
              if (e_branch_reg[3:0] != 4'd0) command_ptr_reg[e_ctx_reg] <= e_branch_reg;
              state_reg[e_ctx_reg] <= !run_after_write(e_ctx_reg) ? ST_STOPPED :
                                      e_branch_reg[3:0] != 4'd0 ? ST_ACTIVE : ST_IDLE;
            end else if (phase_reg == PH_BLOCK && !block_bad_reg && z_reg != 4'd0 &&
                         sync_filtered(e_ctx_reg)) begin
              // the packet is filtered out, the block stays
              state_reg[e_ctx_reg] <= run_after_write(e_ctx_reg) ? ST_ACTIVE : ST_STOPPED;
            end
          end
        end
        E_AFTER_WRITE: begin
          if (wr_kind_reg == WR_STATUS) begin
            if (e_int_reg && (!e_bf_reg || res_reg == 16'd0)) int_event_reg[e_ctx_reg] <= 1'b1;
          end else if (wr_kind_reg == WR_STATUS_NEXT) begin
            if (e_int_reg) int_event_reg[e_ctx_reg] <= 1'b1;
            if (e_branch_reg[3:0] == 4'd0) begin
              // no descriptor left: the rest of the packet is lost, the context idles
              control_reg[e_ctx_reg][EVENT+:5] <= OHCI_EVT_LONG_PACKET;
              control_reg[e_ctx_reg][SPD+:2] <= speed_reg;
              last_desc_reg[e_ctx_reg] <= k_desc_addr;
              has_block_reg[e_ctx_reg] <= 1'b1;
              state_reg[e_ctx_reg] <= run_after_write(e_ctx_reg) ? ST_IDLE : ST_STOPPED;
            end else begin
              command_ptr_reg[e_ctx_reg] <= e_branch_reg;
              control_reg[e_ctx_reg][WAKE] <= 1'b0;
            end
          end
        end
        E_FINISH: begin
          control_reg[e_ctx_reg][EVENT+:5] <= evt_reg;
          control_reg[e_ctx_reg][SPD+:2] <= speed_reg;
          // The block (or the buffer-fill descriptor) is complete: interrupt (unless it went
          // out with its status write, in E_AFTER_WRITE) and branch (Z=0: idle on this block).
          // Otherwise the buffer-fill descriptor takes the next packet.
          state_reg[e_ctx_reg] <= !run_after_write(e_ctx_reg) ? ST_STOPPED :
                                  (!e_bf_reg || res_reg == 16'd0) && e_branch_reg[3:0] == 4'd0 ?
                                  ST_IDLE : ST_ACTIVE;
          if (!e_bf_reg || res_reg == 16'd0) begin
            if (e_int_reg) int_event_reg[e_ctx_reg] <= 1'b1;
            if (e_branch_reg[3:0] != 4'd0) begin
              command_ptr_reg[e_ctx_reg] <= e_branch_reg;
            end else begin
              last_desc_reg[e_ctx_reg] <= block_reg + {24'd0, z_reg - 4'd1, 4'b0000};
              has_block_reg[e_ctx_reg] <= 1'b1;
            end
          end
        end
        E_DEAD: begin
          control_reg[e_ctx_reg][DEAD] <= run_after_write(e_ctx_reg);
          control_reg[e_ctx_reg][EVENT+:5] <= dead_event_reg;
          state_reg[e_ctx_reg] <= ST_STOPPED;
          unrecoverable_reg <= 1'b1;
        end
        default: ;
      endcase

      // ---- software writes (last: they win over the updates above of the same bits) ----
      if (reg_wr_i) begin
        case (reg_wr_sel_i)
          SEL_CONTROL_SET: begin
            if (reg_wr_data_i[RUN] && !control_reg[reg_wr_ctx_i][RUN]) begin
              control_reg[reg_wr_ctx_i][RUN] <= 1'b1;
              // (a context the engine is still finishing a job for starts when it is done)
              if (state_reg[reg_wr_ctx_i] == ST_STOPPED &&
                  !(e_state_reg != E_IDLE && reg_wr_ctx_i == e_ctx_reg)) begin
                control_reg[reg_wr_ctx_i][DEAD] <= 1'b0;
                control_reg[reg_wr_ctx_i][EVENT+:5] <= OHCI_EVT_NO_STATUS;
                dropped_reg[reg_wr_ctx_i] <= 32'd0;
                has_block_reg[reg_wr_ctx_i] <= 1'b0;
                gate_reg[reg_wr_ctx_i] <= 1'b0;
                state_reg[reg_wr_ctx_i] <=
                    command_ptr_reg[reg_wr_ctx_i][3:0] == 4'd0 ? ST_IDLE : ST_ACTIVE;
              end
            end
            if (reg_wr_data_i[WAKE]) control_reg[reg_wr_ctx_i][WAKE] <= 1'b1;
            if (reg_wr_data_i[BUFFER_FILL]) control_reg[reg_wr_ctx_i][BUFFER_FILL] <= 1'b1;
            if (reg_wr_data_i[ISOCH_HEADER]) control_reg[reg_wr_ctx_i][ISOCH_HEADER] <= 1'b1;
            if (reg_wr_data_i[CM_ENABLE]) control_reg[reg_wr_ctx_i][CM_ENABLE] <= 1'b1;
            if (reg_wr_data_i[MULTI_CHAN]) control_reg[reg_wr_ctx_i][MULTI_CHAN] <= 1'b1;
          end
          SEL_CONTROL_CLEAR: begin
            if (reg_wr_data_i[RUN]) begin
              control_reg[reg_wr_ctx_i][RUN] <= 1'b0;
              control_reg[reg_wr_ctx_i][DEAD] <= 1'b0;
              // A packet being stored finishes first; the engine then stops the context.
              if (state_reg[reg_wr_ctx_i] != ST_BUSY &&
                  !(record_to_dma && to_dma[reg_wr_ctx_i]) &&
                  !(take_wake && wake_ctx == reg_wr_ctx_i))
                state_reg[reg_wr_ctx_i] <= ST_STOPPED;
            end
            if (reg_wr_data_i[WAKE]) control_reg[reg_wr_ctx_i][WAKE] <= 1'b0;
            if (reg_wr_data_i[BUFFER_FILL]) control_reg[reg_wr_ctx_i][BUFFER_FILL] <= 1'b0;
            if (reg_wr_data_i[ISOCH_HEADER]) control_reg[reg_wr_ctx_i][ISOCH_HEADER] <= 1'b0;
            if (reg_wr_data_i[CM_ENABLE]) control_reg[reg_wr_ctx_i][CM_ENABLE] <= 1'b0;
            if (reg_wr_data_i[MULTI_CHAN]) control_reg[reg_wr_ctx_i][MULTI_CHAN] <= 1'b0;
          end
          SEL_COMMAND_PTR: begin
            if (!control_reg[reg_wr_ctx_i][RUN] && state_reg[reg_wr_ctx_i] == ST_STOPPED)
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
  // The burst units
  ohci_dma_burst_read #(
      .COUNT_W(6)
  ) burst_read (
      .clk,
      .rst,
      .start_i(rd_start),
      .addr_i(rd_addr),
      .count_i(rd_count),
      .beat_o(rd_beat),
      .beat_ok_o(rd_beat_ok),
      .done_o(rd_done),
      .error_o(rd_error),
      .m_axi_araddr,
      .m_axi_arlen,
      .m_axi_arvalid,
      .m_axi_arready,
      .m_axi_rresp,
      .m_axi_rlast,
      .m_axi_rvalid,
      .m_axi_rready
  );

  ohci_dma_burst_write #(
      .SINGLE_BEAT(0),
      .WANT_W(14)
  ) burst_write (
      .clk,
      .rst,
      .start_i(wr_start),
      .addr_i(wr_addr),
      .want_i(wr_want),
      .beats_o(wr_beats),
      .load_o(wr_load),
      .wdata_i(beat_from_ring_reg ? ring_rd_data_i : imm_reg),
      .done_o(wr_done),
      .error_o(wr_error),
      .m_axi_awaddr,
      .m_axi_awlen,
      .m_axi_awvalid,
      .m_axi_awready,
      .m_axi_wdata,
      .m_axi_wlast,
      .m_axi_wvalid,
      .m_axi_wready,
      .m_axi_bresp,
      .m_axi_bvalid,
      .m_axi_bready
  );

  // ---------------------------------------------------------------------------------------
  // Outputs
  genvar g;
  generate
    for (g = 0; g < N_IR; g = g + 1) begin : g_ctx
      wire active = state_reg[g][1];
      assign context_control_o[32*g+:32] = {
        control_reg[g][31:ACTIVE+1], active, control_reg[g][ACTIVE-1:0]
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
  assign ring_rd_en_o = ring_rd_en;
  assign ring_rd_addr_o = ring_rd_addr;
  assign ring_rd_ptr_o = rd_ptr_reg;
  wire unused = &{1'b0, rd_beat};
endmodule
`resetall
