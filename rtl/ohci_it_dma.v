// ohci_it_dma: the isochronous transmit (IT) DMA contexts and the engine that serves them.
//
// Each of the N_IT contexts holds the OHCI ContextControl and CommandPtr state and walks a
// descriptor program (reference/ohci-isoch.md 2, 3.1, 3.2). One shared engine serves one context
// job at a time, lowest context number first, through two burst units on the AXI4 master
// (ohci_dma_burst_read, ohci_dma_burst_write):
//   - fetch: read the descriptor block at CommandPtr (Z*16 bytes), check it, then read every
//     payload piece (any byte alignment) and pack the bytes, in wire order, into the context's
//     area of the packet RAM;
//   - status: after the packet has left the wire, write xferStatus:timeStamp to the
//     OUTPUT_LAST (if s=1), raise IsoXmitIntEvent[n] (if i=11) and follow the branch;
//   - branch re-read: on wake in the idle state, re-read the branch word of the block CommandPtr
//     points to.
// A context therefore prefetches exactly one packet ahead: the next block is fetched after the
// previous packet is on the wire and its status is written.
//
// Sending. When the link opens the isochronous period of cycle C (iso_start_i), every running
// context whose packet is fully staged and is due takes part in C, in context order, one packet
// per context. A packet is due: in the cycle matching cycleMatch when cycleMatchEnable is set
// (the bit clears then); otherwise in the first cycle after it is staged. Once a context has sent
// a packet it is streaming: it owes one packet every cycle. A streaming (or cycle-matched)
// context whose packet is not staged when its cycle opens has underrun: when the block's fetch
// completes it is not sent; the context takes the OUTPUT_MORE-Immediate skipAddress instead
// (ContextControl.event = evt_underrun, nothing written to memory), so with Linux's skip-to-self
// the same packet goes out one cycle later. A block without a skipAddress (OUTPUT_LAST-Immediate
// or the empty OUTPUT_LAST) is sent late instead. A packet is never sent partly loaded.
//
// Program end, idle and wake (3.1). A branch with Z=0 leaves the context idle on that block
// (run=1, active=0). Hardware clears wake at the start of every descriptor fetch, so a wake that
// arrives after the last fetch began is still set when the program end is reached; the context
// then re-reads the branch word at once instead of going idle. The safe-append order (patch the
// branch, then set wake) can therefore never lose a wake.
//
// Errors make the context dead (active=0, dead=1, run stays 1) and pulse unrecoverable_o:
// descriptor read error or branch re-read error -> evt_descriptor_read; payload read error ->
// evt_data_read; status write error -> evt_data_write; a malformed block (bad cmd/key, Z, or
// reqCount for its kind) -> evt_unknown; a bad packet header (tcode not 0xA, spd above S400,
// dataLength not the sum of the payload reqCounts, or above the speed's maximum payload of
// 1024/2048/4096 bytes, or above the 4 * 2**WORD_W bytes of the context's packet RAM area when
// WORD_W is below its default 10) -> evt_tcode_err. A burst with an error response is always
// drained.
//
// Structure (one job per block):
//   - the engine's requests (combinational, computed only in the engine state that makes them):
//     the job it takes in E_IDLE, the burst units' starts, the piece table's read;
//   - the engine (clocked): the job's reads and their decoding, the packing into the packet RAM;
//   - the contexts (clocked): ContextControl, CommandPtr, the context states and the staged
//     packet, updated from the cycle start, the link, what the engine's step did for its context
//     this clk, and software writes, in that order (a later one wins on the same bits);
//   - the piece table (block RAM) and the two burst units.
// ContextControl is held as the register reads (control_reg, less the active bit, which is
// decoded from the state), so the register outputs are plain copies.
//
// Outputs are registered but for: quiet_o (decoded from the engine state), tx_valid_o/tx_ctx_o
// and the staged header/speed/words they select (the lowest context in ST_SENDING, decoded from
// the state registers), the ContextControl active bit, and RREADY/BREADY (the burst units).
//
// Latencies (clk edges):
//   - A job starts at the edge after the context becomes ready for it; each burst costs one
//     setup edge, then ARVALID is high until ARREADY; RREADY is high throughout.
//   - Status: AWVALID and WVALID rise together at the edge the job starts, BREADY follows; the
//     edge that sees BVALID&&BREADY registers the completion, the next edge pulses int_event_o,
//     and the register block sets IsoXmitIntEvent[n] one edge later.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_it_dma #(
    parameter integer N_IT   = 4,   // contexts, 1..32
    parameter integer CTX_W  = 2,   // bits of a context number, >= $clog2(N_IT), >= 1
    parameter integer WORD_W = 10   // payload quadlet index bits: a context's area is 2**WORD_W*4 B, 8..10
) (
    input  wire                    clk,
    input  wire                    rst,
    // register block
    input  wire                    reg_wr_i,          // a write to an IT context register
    input  wire [       CTX_W-1:0] reg_wr_ctx_i,
    input  wire [             1:0] reg_wr_sel_i,      // 0 ContextControlSet, 1 Clear, 3 CommandPtr
    input  wire [            31:0] reg_wr_data_i,
    output wire [     N_IT*32-1:0] context_control_o, // ContextControl of context n at [32n+:32]
    output wire [     N_IT*32-1:0] command_ptr_o,
    output wire [        N_IT-1:0] int_event_o,       // pulse: set IsoXmitIntEvent[n]
    output wire                    unrecoverable_o,   // pulse: a context went dead
    // soft reset: stop taking jobs, and say when no AXI transaction is outstanding
    input  wire                    quiesce_i,
    output wire                    quiet_o,
    // link
    input  wire                    iso_start_i,
    input  wire [            15:0] iso_cycle_i,       // cycleSeconds[2:0]:cycleCount
    output wire                    tx_valid_o,
    output wire [            31:0] tx_header_o,
    output wire [             1:0] tx_speed_o,
    output wire [            10:0] tx_words_o,
    output wire [       CTX_W-1:0] tx_ctx_o,
    input  wire                    tx_accept_i,       // the link takes tx_ctx_o's packet this clk
    input  wire                    tx_done_i,
    input  wire [       CTX_W-1:0] tx_link_ctx_i,     // the context whose packet is done
    // packet RAM write port
    output wire                    ram_wr_en_o,
    output wire [CTX_W+WORD_W-1:0] ram_wr_addr_o,
    output wire [            31:0] ram_wr_data_o,
    // AXI4 master (reads and writes host memory)
    output wire [            31:0] m_axi_araddr,
    output wire [             7:0] m_axi_arlen,
    output wire [             2:0] m_axi_arsize,
    output wire [             1:0] m_axi_arburst,
    output wire                    m_axi_arvalid,
    input  wire                    m_axi_arready,
    input  wire [            31:0] m_axi_rdata,
    input  wire [             1:0] m_axi_rresp,
    input  wire                    m_axi_rlast,
    input  wire                    m_axi_rvalid,
    output wire                    m_axi_rready,
    output wire [            31:0] m_axi_awaddr,
    output wire [             7:0] m_axi_awlen,
    output wire [             2:0] m_axi_awsize,
    output wire [             1:0] m_axi_awburst,
    output wire                    m_axi_awvalid,
    input  wire                    m_axi_awready,
    output wire [            31:0] m_axi_wdata,
    output wire [             3:0] m_axi_wstrb,
    output wire                    m_axi_wlast,
    output wire                    m_axi_wvalid,
    input  wire                    m_axi_wready,
    input  wire [             1:0] m_axi_bresp,
    input  wire                    m_axi_bvalid,
    output wire                    m_axi_bready
);
  `include "ohci_regmap.vh"
  `include "ohci_dma_util.vh"

  // Parameter ranges (an out-of-range value stops elaboration in Verilator, Yosys and Icarus:
  // the instance names a module that does not exist, after the problem).
  generate
    if (N_IT < 1 || N_IT > 32) begin : g_check_n_it
      ohci_it_dma_N_IT_must_be_1_to_32 n_it_out_of_range ();
    end
    if (CTX_W < 1 || CTX_W > 5 || (1 << CTX_W) < N_IT) begin : g_check_ctx_w
      ohci_it_dma_CTX_W_must_hold_a_context_number ctx_w_too_narrow ();
    end
    if (WORD_W < 8 || WORD_W > 10) begin : g_check_word_w
      ohci_it_dma_WORD_W_must_be_8_to_10 word_w_out_of_range ();
    end
  endgenerate

  // Register-write selectors from the register block.
  localparam [1:0] SEL_CONTROL_SET = 2'd0;
  localparam [1:0] SEL_CONTROL_CLEAR = 2'd1;
  localparam [1:0] SEL_COMMAND_PTR = 2'd3;

  // ContextControl fields (OHCI 1.1; ohci_regmap.vh).
  localparam integer RUN = OHCI_CONTEXT_CONTROL_RUN;
  localparam integer WAKE = OHCI_CONTEXT_CONTROL_WAKE;
  localparam integer DEAD = OHCI_CONTEXT_CONTROL_DEAD;
  localparam integer ACTIVE = OHCI_CONTEXT_CONTROL_ACTIVE;
  localparam integer EVENT = OHCI_CONTEXT_CONTROL_EVENT_CODE_LSB;  // [EVENT+:5]
  localparam integer CM = OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_LSB;  // [CM+:15]
  localparam integer CM_ENABLE = OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE;

  // Context states. active = not STOPPED and not IDLE, i.e. state[2:1] != 0.
  localparam [2:0] ST_STOPPED = 3'd0;  // run=0, or dead
  localparam [2:0] ST_IDLE = 3'd1;  // reached Z=0 (run=1, active=0); BRANCH re-read on wake
  localparam [2:0] ST_FETCH = 3'd2;  // needs its block fetched
  localparam [2:0] ST_BUSY = 3'd3;  // the engine is fetching its block
  localparam [2:0] ST_READY = 3'd4;  // packet staged, waiting for its cycle
  localparam [2:0] ST_SENDING = 3'd5;  // taking part in the current cycle, not yet on the wire
  localparam [2:0] ST_ON_WIRE = 3'd6;  // the link is transmitting it
  localparam [2:0] ST_STATUS = 3'd7;  // sent: status write-back, interrupt, branch
  // The branch re-read is an engine job of an idle context with wake set (J_BRANCH), not a
  // state of its own.

  // Engine states.
  localparam [2:0] E_IDLE = 3'd0;
  localparam [2:0] E_READ = 3'd1;  // the read unit reads for the job (phase_reg says what)
  localparam [2:0] E_PIECE = 3'd2;  // the next payload piece: read it, skip it, or finish
  localparam [2:0] E_FINALIZE = 3'd3;  // the packet is staged (or the block is bad)
  localparam [2:0] E_WRITE = 3'd4;  // the write unit writes the status quadlet
  localparam [2:0] E_STATUS_DONE = 3'd5;  // the context completes its packet
  localparam [2:0] E_DEAD = 3'd6;  // the context goes dead with dead_event_reg

  // The job the engine takes in E_IDLE (by its context's state).
  localparam [2:0] J_NONE = 3'd0;
  localparam [2:0] J_STATUS_WRITE = 3'd1;  // ST_STATUS, s=1: write xferStatus:timeStamp
  localparam [2:0] J_STATUS = 3'd2;  // ST_STATUS, s=0
  localparam [2:0] J_BRANCH = 3'd3;  // ST_IDLE, woken: re-read the branch word
  localparam [2:0] J_FETCH = 3'd4;  // ST_FETCH: read the block
  localparam [2:0] J_FETCH_BAD = 3'd5;  // ST_FETCH with Z above 8: malformed, nothing read

  // What the reads of the current job are.
  localparam [1:0] PH_DESC = 2'd0;
  localparam [1:0] PH_DATA = 2'd1;
  localparam [1:0] PH_BRANCH = 2'd2;

  // Kinds of IT block (by its first descriptor).
  localparam [1:0] K_BAD = 2'd0;
  localparam [1:0] K_OMI = 2'd1;  // OUTPUT_MORE-Immediate, payload descriptors, OUTPUT_LAST
  localparam [1:0] K_OLI = 2'd2;  // OUTPUT_LAST-Immediate alone: header-only packet
  localparam [1:0] K_EMPTY = 2'd3;  // OUTPUT_LAST with reqCount 0: sends nothing, uses a cycle

  localparam integer MAX_PIECES = 6;  // Z=8: OMI (2 units) + 5 OUTPUT_MORE + 1 OUTPUT_LAST
  localparam [1:0] AXI_BURST_INCR = 2'b01;
  localparam [2:0] AXI_SIZE_4 = 3'd2;
  localparam [1:0] SPEED_S400 = 2'd2;
  // The largest payload per speed: 1024/2048/4096 bytes, or less when a context's area of the
  // packet RAM (4 * 2**WORD_W bytes) is smaller.
  localparam [16:0] AREA_BYTES = 17'd4 << WORD_W;
  localparam [16:0] MAX_S100 = AREA_BYTES < 17'd1024 ? AREA_BYTES : 17'd1024;
  localparam [16:0] MAX_S200 = AREA_BYTES < 17'd2048 ? AREA_BYTES : 17'd2048;
  localparam [16:0] MAX_S400 = AREA_BYTES < 17'd4096 ? AREA_BYTES : 17'd4096;

  // ---------------------------------------------------------------------------------------
  // Per-context state
  reg [31:0] control_reg[0:N_IT-1];  // ContextControl: cycleMatch(Enable), run, wake, dead, event
  reg [31:0] command_ptr_reg[0:N_IT-1];
  reg [2:0] state_reg[0:N_IT-1];
  reg streaming_reg[0:N_IT-1];  // owes a packet every cycle
  reg late_reg[0:N_IT-1];  // its cycle opened before its packet was staged
  reg has_block_reg[0:N_IT-1];  // last_desc_reg names a block (for the wake re-read)
  // The staged packet and its block.
  reg [31:0] header_reg[0:N_IT-1];
  reg [1:0] speed_reg[0:N_IT-1];
  reg [10:0] words_reg[0:N_IT-1];
  reg empty_reg[0:N_IT-1];  // the empty OUTPUT_LAST: nothing goes on the wire
  // The descriptor holding branch (+8) and status (+12). Descriptors are 16-byte aligned (bits
  // [3:0] are 0), so those offsets are bit patterns, not additions.
  reg [31:0] last_desc_reg[0:N_IT-1];
  reg [31:0] branch_reg[0:N_IT-1];  // branchAddress|Z
  reg interrupt_reg[0:N_IT-1];  // i=11
  reg write_status_reg[0:N_IT-1];  // s=1
  reg [15:0] time_stamp_reg[0:N_IT-1];
  reg [N_IT-1:0] int_event_reg;
  reg unrecoverable_reg;

  // ---------------------------------------------------------------------------------------
  // Engine state
  reg [2:0] e_state_reg;
  reg [CTX_W-1:0] e_ctx_reg;
  reg [1:0] phase_reg;
  reg [4:0] desc_q_reg;  // quadlet index within the block
  reg [3:0] z_reg;
  reg [31:0] block_addr_reg;
  reg [1:0] kind_reg;
  reg block_bad_reg;  // malformed block -> evt_unknown
  reg [18:0] imm0_reg;  // spd, tag, channel, tcode, sy of the immediate header
  reg [15:0] data_length_reg;
  reg [16:0] total_len_reg;  // sum of payload reqCounts; bit 16 sticky: 65536 or more
  reg [31:0] e_skip_reg;
  reg [31:0] e_branch_reg;
  reg [31:0] e_last_desc_reg;
  reg e_interrupt_reg;
  reg e_write_status_reg;
  // The payload pieces' dataAddress and reqCount, in block RAM (iCE40: no flip-flops, no 6-way
  // mux), written as the descriptors arrive (PH_DESC) and read where the engine steps to a piece
  // (piece_rd below), so piece_addr_k_reg / piece_len_k_reg hold piece piece_index_reg's values
  // whenever the engine is in E_PIECE (one entry more than pieces: piece_index_reg reaches
  // piece_count_reg).
  (* no_rw_check *) reg [31:0] piece_addr_mem[0:MAX_PIECES];
  (* no_rw_check *) reg [15:0] piece_len_mem[0:MAX_PIECES];
  reg [31:0] piece_addr_k_reg;
  reg [15:0] piece_len_k_reg;
  reg [2:0] piece_count_reg;
  reg [2:0] piece_index_reg;
  reg first_beat_reg;  // the next beat is the first of the piece
  reg [1:0] first_lane_reg;  // byte lane of the piece's first byte
  reg [15:0] piece_bytes_left_reg;
  reg [23:0] pack_reg;  // up to 3 leftover bytes, little-endian lanes in wire order
  reg [2:0] pack_count_reg;
  reg [WORD_W:0] write_ptr_reg;
  reg [4:0] dead_event_reg;
  reg [31:0] wdata_reg;  // the status quadlet being written
  reg ram_wr_en_reg;
  reg [CTX_W+WORD_W-1:0] ram_wr_addr_reg;
  reg [31:0] ram_wr_data_reg;

  // The burst units
  wire rd_beat, rd_beat_ok, rd_done, rd_error;
  wire wr_done, wr_error;

  integer c;  // (a context, in the contexts' block)
  integer j;  // (a context, in the engine's requests)
  integer k;  // (a context, in the outputs)

  // ---------------------------------------------------------------------------------------
  // Helpers (functions: computed only where they are called)

  // The lowest set bit's index (0 when none is set).
  function automatic [CTX_W-1:0] lowest(input [N_IT-1:0] v);
    integer i;
    begin
      lowest = {CTX_W{1'b0}};
      for (i = N_IT - 1; i >= 0; i = i - 1) if (v[i]) lowest = i[CTX_W-1:0];
    end
  endfunction

  // The context wants a job from the engine: a fetch, a status write-back, or a woken idle block.
  function automatic wants_job(input [CTX_W-1:0] n);
    begin
      wants_job = state_reg[n] == ST_FETCH || state_reg[n] == ST_STATUS ||
                  (state_reg[n] == ST_IDLE && control_reg[n][WAKE] && has_block_reg[n] &&
                   control_reg[n][RUN]);
    end
  endfunction

  // run as it will be after this clk's software write: where a context goes next is decided on
  // this value, so a stop written in the same clk is never lost.
  function automatic run_after_write(input [CTX_W-1:0] n);
    begin
      run_after_write = control_reg[n][RUN];
      if (reg_wr_i && reg_wr_ctx_i == n && reg_wr_data_i[RUN]) begin
        if (reg_wr_sel_i == SEL_CONTROL_CLEAR) run_after_write = 1'b0;
        else if (reg_wr_sel_i == SEL_CONTROL_SET) run_after_write = 1'b1;
      end
    end
  endfunction

  // The engine's context has underrun: late already, or its cycle opens in this very clk
  // (streaming, or cycle-matched to this cycle).
  function automatic late_now(input [CTX_W-1:0] n);
    begin
      late_now = late_reg[n] ||
                 (iso_start_i && (streaming_reg[n] ||
                                  (control_reg[n][CM_ENABLE] &&
                                   control_reg[n][CM+:15] == iso_cycle_i[14:0])));
    end
  endfunction

  // The packet header check, done when the descriptor phase ends: tcode, speed, dataLength
  // against the payload's reqCounts and the speed's (and the packet RAM area's) maximum.
  function automatic header_bad(input [2:0] speed, input [3:0] tcode, input [15:0] data_length);
    reg over_max;
    begin
      over_max = speed == 3'd0 ? !below(data_length, MAX_S100[15:0] + 16'd1) :
                 speed == 3'd1 ? !below(data_length, MAX_S200[15:0] + 16'd1) :
                                 !below(data_length, MAX_S400[15:0] + 16'd1);
      header_bad = tcode != OHCI_TCODE_ISO_BLOCK || speed > {1'b0, SPEED_S400} ||
                   {1'b0, data_length} != total_len_reg || over_max;
    end
  endfunction

  // Quadlets spanned by bytes starting at byte lane `lane`: (lane + bytes + 3) / 4. At most
  // 1025, because the header check bounds the payload to 4096 bytes, so only bits [12:2] of the
  // sum are used.
  function automatic [10:0] span(input [1:0] lane, input [15:0] bytes);
    /* verilator lint_off UNUSEDSIGNAL */
    reg [16:0] sum;
    /* verilator lint_on UNUSEDSIGNAL */
    begin
      sum = {15'd0, lane} + {1'b0, bytes} + 17'd3;
      span = sum[12:2];
    end
  endfunction

  // A payload beat of the piece being read: how many of its bytes belong to the piece (from the
  // piece's first byte lane on its first beat), the pack register's byte count with them, and
  // the pack register with them appended: {bytes[2:0], count[3:0], pack[55:0]}.
  function automatic [62:0] pack_beat(input [31:0] data);
    reg [1:0] lane;
    reg [2:0] lanes;
    reg [2:0] bytes;
    reg [31:0] shifted;
    reg [31:0] mask;
    begin
      lane = first_beat_reg ? first_lane_reg : 2'd0;
      lanes = 3'd4 - {1'b0, lane};
      bytes = piece_bytes_left_reg < {13'd0, lanes} ? piece_bytes_left_reg[2:0] : lanes;
      shifted = data >> {lane, 3'b000};
      mask = bytes == 3'd4 ? 32'hFFFF_FFFF : bytes == 3'd3 ? 32'h00FF_FFFF :
             bytes == 3'd2 ? 32'h0000_FFFF : bytes == 3'd1 ? 32'h0000_00FF : 32'h0;
      pack_beat = {bytes, {1'b0, pack_count_reg} + {1'b0, bytes},
                   {32'd0, pack_reg} | ({24'd0, shifted & mask} << {pack_count_reg, 3'b000})};
    end
  endfunction

  // ---------------------------------------------------------------------------------------
  // The descriptor quadlet arriving now (PH_DESC), and the packing of a payload beat (PH_DATA,
  // computed only then).
  wire [2:0] desc_index = desc_q_reg[4:2];
  wire [1:0] desc_quadlet = desc_q_reg[1:0];
  wire [3:0] r_cmd = m_axi_rdata[OHCI_DESC_CONTROL_CMD_LSB+:4];
  wire [2:0] r_key = m_axi_rdata[OHCI_DESC_CONTROL_KEY_LSB+:3];
  wire r_status = m_axi_rdata[OHCI_DESC_CONTROL_WRITE_STATUS];
  wire [1:0] r_int = m_axi_rdata[OHCI_DESC_CONTROL_INTERRUPT_LSB+:2];
  wire [15:0] r_req_count = m_axi_rdata[OHCI_DESC_CONTROL_REQ_COUNT_LSB+:16];
  wire [2:0] piece_slot = desc_index - 3'd2;
  reg [2:0] beat_bytes;
  reg [3:0] pack_total;
  reg [55:0] pack_combined;
  always @(*) begin
    {beat_bytes, pack_total, pack_combined} = 63'bx;  // (don't care but in PH_DATA beats)
    if (e_state_reg == E_READ && phase_reg == PH_DATA)
      {beat_bytes, pack_total, pack_combined} = pack_beat(m_axi_rdata);
  end

  // ---------------------------------------------------------------------------------------
  // The engine's requests this clk, computed in the engine state that makes them only: the job
  // taken in E_IDLE (the lowest context that wants one), the read unit's start (a block, a
  // branch word, a payload piece), the write unit's start (a status quadlet), and the piece
  // table read (where the engine steps to a piece).
  reg [2:0] job;
  reg [CTX_W-1:0] job_ctx;
  reg rd_start;
  reg [31:0] rd_addr;
  reg [10:0] rd_count;
  reg wr_start;
  reg [31:0] wr_addr;
  reg piece_rd_en;
  reg [2:0] piece_rd;
  always @(*) begin
    j = 0;  // (the loop variable, assigned on every path: no latch in synthesis)
    job = J_NONE;
    rd_start = 1'b0;
    wr_start = 1'b0;
    piece_rd_en = 1'b0;
    // (don't care unless there is a job / a start / a read: x lets synthesis drop the gating)
    job_ctx = {CTX_W{1'bx}};
    rd_addr = 32'bx;
    rd_count = 11'bx;
    wr_addr = 32'bx;
    piece_rd = piece_index_reg;
    case (e_state_reg)
      E_IDLE: begin
        if (!quiesce_i) begin
          // the lowest context that wants a job, then which job it wants
          for (j = N_IT - 1; j >= 0; j = j - 1) begin
            if (wants_job(j[CTX_W-1:0])) begin
              job = J_FETCH;
              job_ctx = j[CTX_W-1:0];
            end
          end
          if (job != J_NONE) begin
            if (state_reg[job_ctx] == ST_STATUS)
              job = write_status_reg[job_ctx] ? J_STATUS_WRITE : J_STATUS;
            else if (state_reg[job_ctx] == ST_IDLE) job = J_BRANCH;
            else if (command_ptr_reg[job_ctx][3:0] > 4'd8) job = J_FETCH_BAD;
          end
          case (job)
            J_STATUS_WRITE: begin
              wr_start = 1'b1;
              wr_addr = {last_desc_reg[job_ctx][31:4], 4'hC};  // its status quadlet
            end
            J_BRANCH: begin
              rd_start = 1'b1;
              rd_addr = {last_desc_reg[job_ctx][31:4], 4'h8};  // its branch word
              rd_count = 11'd1;
            end
            J_FETCH: begin
              rd_start = 1'b1;
              rd_addr = {command_ptr_reg[job_ctx][31:4], 4'b0000};
              rd_count = {5'd0, command_ptr_reg[job_ctx][3:0], 2'b00};
            end
            default: ;
          endcase
        end
      end
      E_READ: begin
        // the descriptors are in: start at piece 0; a piece is in: go on to the next
        if (rd_done) begin
          piece_rd_en = 1'b1;
          piece_rd = phase_reg == PH_DESC ? 3'd0 : piece_index_reg + 3'd1;
        end
      end
      E_PIECE: begin
        piece_rd_en = 1'b1;
        piece_rd = piece_index_reg;
        if (piece_index_reg != piece_count_reg) begin
          if (piece_len_k_reg == 16'd0) begin
            piece_rd = piece_index_reg + 3'd1;  // an empty piece is skipped
          end else begin
            rd_start = 1'b1;
            rd_addr = {piece_addr_k_reg[31:2], 2'b00};
            rd_count = span(piece_addr_k_reg[1:0], piece_len_k_reg);
          end
        end
      end
      default: ;
    endcase
  end

  // ---------------------------------------------------------------------------------------
  // The engine
  always @(posedge clk) begin
    ram_wr_en_reg <= 1'b0;
    if (rst) begin
      e_state_reg <= E_IDLE;
      e_ctx_reg <= {CTX_W{1'b0}};
      phase_reg <= PH_DESC;
      wdata_reg <= 32'd0;
    end else begin
      case (e_state_reg)
        E_IDLE: begin
          if (job != J_NONE) e_ctx_reg <= job_ctx;
          case (job)
            J_STATUS_WRITE: begin
              // xferStatus (run, wake, active, ack_complete) : timeStamp
              wdata_reg <= {
                control_reg[job_ctx][RUN], 2'b00, control_reg[job_ctx][WAKE], 1'b0, 1'b1, 5'b00000,
                OHCI_ACK_COMPLETE, time_stamp_reg[job_ctx]
              };
              e_state_reg <= E_WRITE;
            end
            J_STATUS: e_state_reg <= E_STATUS_DONE;
            J_BRANCH: begin
              phase_reg <= PH_BRANCH;
              e_state_reg <= E_READ;
            end
            J_FETCH, J_FETCH_BAD: begin
              phase_reg <= PH_DESC;
              block_addr_reg <= {command_ptr_reg[job_ctx][31:4], 4'b0000};
              z_reg <= command_ptr_reg[job_ctx][3:0];
              desc_q_reg <= 5'd0;
              kind_reg <= K_BAD;
              block_bad_reg <= job == J_FETCH_BAD;
              imm0_reg <= 19'd0;
              data_length_reg <= 16'd0;
              total_len_reg <= 17'd0;
              piece_count_reg <= 3'd0;
              piece_index_reg <= 3'd0;
              pack_reg <= 24'd0;
              pack_count_reg <= 3'd0;
              write_ptr_reg <= {(WORD_W + 1) {1'b0}};
              e_interrupt_reg <= 1'b0;
              e_write_status_reg <= 1'b0;
              e_state_reg <= job == J_FETCH_BAD ? E_FINALIZE : E_READ;
            end
            default: ;
          endcase
        end

        E_READ: begin
          if (rd_beat_ok) begin
            case (phase_reg)
              PH_DESC: begin
                desc_q_reg <= desc_q_reg + 5'd1;
                if (desc_index == 3'd0) begin
                  if (desc_quadlet == 2'd0) begin
                    if (r_cmd == OHCI_DESC_CMD_OUTPUT_MORE && r_key == OHCI_DESC_KEY_IMMEDIATE) begin
                      kind_reg <= K_OMI;
                      if (z_reg < 4'd3 || r_req_count != 16'd8) block_bad_reg <= 1'b1;
                    end else if (r_cmd == OHCI_DESC_CMD_OUTPUT_LAST &&
                                 r_key == OHCI_DESC_KEY_IMMEDIATE) begin
                      kind_reg <= K_OLI;
                      e_interrupt_reg <= r_int == OHCI_DESC_I_ALWAYS;
                      e_write_status_reg <= r_status;
                      e_last_desc_reg <= block_addr_reg;
                      if (z_reg != 4'd2 || r_req_count != 16'd8) block_bad_reg <= 1'b1;
                    end else if (r_cmd == OHCI_DESC_CMD_OUTPUT_LAST && r_key == OHCI_DESC_KEY_DATA) begin
                      kind_reg <= K_EMPTY;
                      e_interrupt_reg <= r_int == OHCI_DESC_I_ALWAYS;
                      e_write_status_reg <= r_status;
                      e_last_desc_reg <= block_addr_reg;
                      if (z_reg != 4'd1 || r_req_count != 16'd0) block_bad_reg <= 1'b1;
                    end else begin
                      block_bad_reg <= 1'b1;
                    end
                  end else if (desc_quadlet == 2'd2) begin
                    if (kind_reg == K_OMI) e_skip_reg <= m_axi_rdata;
                    else e_branch_reg <= m_axi_rdata;
                  end
                end else if (desc_index == 3'd1) begin
                  // the immediate header of an OMI or OLI
                  if (desc_quadlet == 2'd0) imm0_reg <= m_axi_rdata[18:0];
                  if (desc_quadlet == 2'd1) data_length_reg <= m_axi_rdata[31:16];
                end else begin
                  // payload descriptors of an OMI block: OUTPUT_MORE..., OUTPUT_LAST
                  if (desc_quadlet == 2'd0) begin
                    if ({1'b0, desc_index} == z_reg - 4'd1) begin
                      if (r_cmd != OHCI_DESC_CMD_OUTPUT_LAST || r_key != OHCI_DESC_KEY_DATA)
                        block_bad_reg <= 1'b1;
                      e_interrupt_reg <= r_int == OHCI_DESC_I_ALWAYS;
                      e_write_status_reg <= r_status;
                      e_last_desc_reg <= {block_addr_reg[31:4] + {25'd0, desc_index}, 4'h0};
                    end else if (r_cmd != OHCI_DESC_CMD_OUTPUT_MORE || r_key != OHCI_DESC_KEY_DATA) begin
                      block_bad_reg <= 1'b1;
                    end
                    piece_len_mem[piece_slot] <= r_req_count;
                    total_len_reg <= {total_len_reg[16], 16'd0} | ({1'b0, total_len_reg[15:0]} + {1'b0, r_req_count});
                    piece_count_reg <= piece_slot + 3'd1;
                  end else if (desc_quadlet == 2'd1) begin
                    piece_addr_mem[piece_slot] <= m_axi_rdata;
                  end else if (desc_quadlet == 2'd2) begin
                    e_branch_reg <= m_axi_rdata;  // only the OUTPUT_LAST's counts
                  end
                end
              end
              PH_DATA: begin
                first_beat_reg <= 1'b0;
                piece_bytes_left_reg <= piece_bytes_left_reg - {13'd0, beat_bytes};
                if (pack_total >= 4'd4) begin
                  ram_wr_en_reg <= 1'b1;
                  ram_wr_addr_reg <= {e_ctx_reg, write_ptr_reg[WORD_W-1:0]};
                  ram_wr_data_reg <= pack_combined[31:0];
                  write_ptr_reg <= write_ptr_reg + 1'b1;
                  pack_reg <= pack_combined[55:32];
                  pack_count_reg <= pack_total[2:0] - 3'd4;
                end else begin
                  pack_reg <= pack_combined[23:0];  // (fewer than 4 bytes: [55:24] are 0)
                  pack_count_reg <= pack_total[2:0];
                end
              end
              default: e_branch_reg <= m_axi_rdata;  // PH_BRANCH
            endcase
          end
          if (rd_done) begin
            if (rd_error) begin
              dead_event_reg <= phase_reg == PH_DATA ? OHCI_EVT_DATA_READ : OHCI_EVT_DESCRIPTOR_READ;
              e_state_reg <= E_DEAD;
            end else if (phase_reg == PH_DESC) begin
              if (block_bad_reg || kind_reg == K_BAD) begin
                dead_event_reg <= OHCI_EVT_UNKNOWN;
                e_state_reg <= E_DEAD;
              end else if (kind_reg != K_EMPTY && header_bad(imm0_reg[18:16], imm0_reg[7:4], data_length_reg)) begin
                dead_event_reg <= OHCI_EVT_TCODE_ERR;
                e_state_reg <= E_DEAD;
              end else begin
                phase_reg <= PH_DATA;  // (the pieces and the packing start from zero)
                e_state_reg <= E_PIECE;
              end
            end else if (phase_reg == PH_DATA) begin
              piece_index_reg <= piece_index_reg + 3'd1;
              e_state_reg <= E_PIECE;
            end else begin
              e_state_reg <= E_IDLE;  // PH_BRANCH: the context takes the branch word
            end
          end
        end

        E_PIECE: begin
          if (piece_index_reg == piece_count_reg) begin
            e_state_reg <= E_FINALIZE;
          end else if (piece_len_k_reg == 16'd0) begin
            piece_index_reg <= piece_index_reg + 3'd1;
          end else begin
            first_beat_reg <= 1'b1;
            first_lane_reg <= piece_addr_k_reg[1:0];
            piece_bytes_left_reg <= piece_len_k_reg;
            e_state_reg <= E_READ;
          end
        end

        E_FINALIZE: begin
          if (block_bad_reg) begin
            dead_event_reg <= OHCI_EVT_UNKNOWN;  // Z above 8
            e_state_reg <= E_DEAD;
          end else begin
            if (pack_count_reg != 3'd0) begin
              ram_wr_en_reg <= 1'b1;  // the last partial quadlet, zero padded
              ram_wr_addr_reg <= {e_ctx_reg, write_ptr_reg[WORD_W-1:0]};
              ram_wr_data_reg <= {8'd0, pack_reg};
            end
            e_state_reg <= E_IDLE;  // the context takes the staged packet
          end
        end

        E_WRITE: begin
          if (wr_done) begin
            if (wr_error) begin
              dead_event_reg <= OHCI_EVT_DATA_WRITE;
              e_state_reg <= E_DEAD;
            end else begin
              e_state_reg <= E_STATUS_DONE;
            end
          end
        end

        // E_STATUS_DONE, E_DEAD: the context completes or dies (below)
        default: e_state_reg <= E_IDLE;
      endcase
    end
  end

  // ---------------------------------------------------------------------------------------
  // The piece table
  always @(posedge clk) begin
    if (piece_rd_en) begin
      piece_addr_k_reg <= piece_addr_mem[piece_rd];
      piece_len_k_reg <= piece_len_mem[piece_rd];
    end
  end

  // ---------------------------------------------------------------------------------------
  // The contexts
  always @(posedge clk) begin
    int_event_reg <= {N_IT{1'b0}};
    unrecoverable_reg <= 1'b0;
    if (rst) begin
      for (c = 0; c < N_IT; c = c + 1) begin
        control_reg[c] <= {27'd0, OHCI_EVT_NO_STATUS};
        command_ptr_reg[c] <= 32'd0;
        state_reg[c] <= ST_STOPPED;
        header_reg[c] <= 32'd0;
        speed_reg[c] <= 2'd0;
        words_reg[c] <= 11'd0;
        last_desc_reg[c] <= 32'd0;
        branch_reg[c] <= 32'd0;
        time_stamp_reg[c] <= 16'd0;
        streaming_reg[c] <= 1'b0;
        late_reg[c] <= 1'b0;
        has_block_reg[c] <= 1'b0;
        empty_reg[c] <= 1'b0;
        interrupt_reg[c] <= 1'b0;
        write_status_reg[c] <= 1'b0;
      end
    end else begin
      // ---- the isochronous period of a new cycle opens: who sends, who is late ----
      if (iso_start_i) begin
        for (c = 0; c < N_IT; c = c + 1) begin
          // Its cycle opens: a running context's, unless it waits for another cycle (cycleMatch).
          if (control_reg[c][RUN] && !control_reg[c][DEAD] &&
              (!control_reg[c][CM_ENABLE] || control_reg[c][CM+:15] == iso_cycle_i[14:0])) begin
            control_reg[c][CM_ENABLE] <= 1'b0;  // (the match is taken)
            if (state_reg[c] == ST_READY) begin
              state_reg[c] <= empty_reg[c] ? ST_STATUS : ST_SENDING;
              time_stamp_reg[c] <= iso_cycle_i;  // the link restamps at accept
            end
            // From the first packet on (cycle-matched: from the matched cycle on) it owes one
            // packet every cycle; one owed now and not yet staged is late.
            if (state_reg[c] == ST_READY ||
                (control_reg[c][CM_ENABLE] && (state_reg[c] == ST_FETCH || state_reg[c] == ST_BUSY)))
              streaming_reg[c] <= 1'b1;
            if (control_reg[c][CM_ENABLE] ?
                state_reg[c] == ST_FETCH || state_reg[c] == ST_BUSY :
                streaming_reg[c] && (state_reg[c] == ST_FETCH || state_reg[c] == ST_BUSY ||
                                     state_reg[c] == ST_STATUS))
              late_reg[c] <= 1'b1;
          end
        end
      end

      // ---- the link takes a packet, and finishes one ----
      if (tx_accept_i) begin
        // The cycle it really goes out in: after an overlong cycle that can be a later one.
        state_reg[tx_ctx] <= ST_ON_WIRE;
        time_stamp_reg[tx_ctx] <= iso_cycle_i;
      end
      if (tx_done_i) state_reg[tx_link_ctx_i] <= ST_STATUS;

      // ---- what the engine's step does for its context ----
      case (e_state_reg)
        E_IDLE: begin
          // a fetch or a branch re-read starts: hardware clears wake
          if (job == J_FETCH || job == J_FETCH_BAD || job == J_BRANCH) begin
            control_reg[job_ctx][WAKE] <= 1'b0;
            state_reg[job_ctx] <= ST_BUSY;
          end
        end
        E_READ: begin
          if (rd_done && !rd_error && phase_reg == PH_BRANCH) begin
            // the re-read branch word of an idle context
            if (e_branch_reg[3:0] != 4'd0) command_ptr_reg[e_ctx_reg] <= e_branch_reg;
            state_reg[e_ctx_reg] <= !run_after_write(e_ctx_reg) ? ST_STOPPED :
                                    e_branch_reg[3:0] != 4'd0 ? ST_FETCH : ST_IDLE;
          end
        end
        E_FINALIZE: begin
          if (!block_bad_reg) begin
            // the packet is staged
            header_reg[e_ctx_reg] <= {data_length_reg, imm0_reg[15:0]};
            speed_reg[e_ctx_reg] <= imm0_reg[17:16];
            words_reg[e_ctx_reg] <= span(2'd0, data_length_reg);
            empty_reg[e_ctx_reg] <= kind_reg == K_EMPTY;
            last_desc_reg[e_ctx_reg] <= e_last_desc_reg;
            branch_reg[e_ctx_reg] <= e_branch_reg;
            interrupt_reg[e_ctx_reg] <= e_interrupt_reg;
            write_status_reg[e_ctx_reg] <= e_write_status_reg;
            has_block_reg[e_ctx_reg] <= 1'b1;
            // sent when its cycle comes; or, when it has underrun, the skip path instead. A skip
            // with Z=0 ends the program there; there is no branch to re-read, so a wake does
            // nothing and software restarts the context.
            state_reg[e_ctx_reg] <= !run_after_write(e_ctx_reg) ? ST_STOPPED :
                                    !(late_now(e_ctx_reg) && kind_reg == K_OMI) ? ST_READY :
                                    e_skip_reg[3:0] == 4'd0 ? ST_IDLE : ST_FETCH;
            if (run_after_write(e_ctx_reg)) late_reg[e_ctx_reg] <= 1'b0;
            if (run_after_write(e_ctx_reg) && late_now(e_ctx_reg) && kind_reg == K_OMI) begin
              control_reg[e_ctx_reg][EVENT+:5] <= OHCI_EVT_UNDERRUN;
              command_ptr_reg[e_ctx_reg] <= e_skip_reg;
              if (e_skip_reg[3:0] == 4'd0) begin
                streaming_reg[e_ctx_reg] <= 1'b0;
                has_block_reg[e_ctx_reg] <= 1'b0;
              end
            end
          end
        end
        E_STATUS_DONE: begin
          // the packet is complete: interrupt, and the branch
          if (interrupt_reg[e_ctx_reg]) int_event_reg[e_ctx_reg] <= 1'b1;
          control_reg[e_ctx_reg][EVENT+:5] <= OHCI_ACK_COMPLETE;
          // Program end (Z=0): stay on this block; a wake that came meanwhile re-reads its
          // branch. Whatever was owed is forgiven: the next packet is a first packet again.
          state_reg[e_ctx_reg] <= !run_after_write(e_ctx_reg) ? ST_STOPPED :
                                  branch_reg[e_ctx_reg][3:0] != 4'd0 ? ST_FETCH : ST_IDLE;
          if (branch_reg[e_ctx_reg][3:0] != 4'd0) begin
            command_ptr_reg[e_ctx_reg] <= branch_reg[e_ctx_reg];
          end else begin
            streaming_reg[e_ctx_reg] <= 1'b0;
            late_reg[e_ctx_reg] <= 1'b0;
          end
        end
        E_DEAD: begin
          // A context already told to stop just stops (dead is cleared by clearing run anyway).
          control_reg[e_ctx_reg][DEAD] <= run_after_write(e_ctx_reg);
          control_reg[e_ctx_reg][EVENT+:5] <= dead_event_reg;
          state_reg[e_ctx_reg] <= ST_STOPPED;
          streaming_reg[e_ctx_reg] <= 1'b0;
          late_reg[e_ctx_reg] <= 1'b0;
          unrecoverable_reg <= 1'b1;
        end
        default: ;
      endcase

      // ---- software writes (last, so they win over the updates above of the same bits) ----
      if (reg_wr_i) begin
        case (reg_wr_sel_i)
          SEL_CONTROL_SET: begin
            if (reg_wr_data_i[RUN] && !control_reg[reg_wr_ctx_i][RUN]) begin
              control_reg[reg_wr_ctx_i][RUN] <= 1'b1;
              if (state_reg[reg_wr_ctx_i] == ST_STOPPED) begin
                control_reg[reg_wr_ctx_i][DEAD] <= 1'b0;
                control_reg[reg_wr_ctx_i][EVENT+:5] <= OHCI_EVT_NO_STATUS;
                streaming_reg[reg_wr_ctx_i] <= 1'b0;
                late_reg[reg_wr_ctx_i] <= 1'b0;
                has_block_reg[reg_wr_ctx_i] <= 1'b0;
                state_reg[reg_wr_ctx_i] <=
                    command_ptr_reg[reg_wr_ctx_i][3:0] == 4'd0 ? ST_IDLE : ST_FETCH;
              end
            end
            if (reg_wr_data_i[WAKE]) control_reg[reg_wr_ctx_i][WAKE] <= 1'b1;
            if (reg_wr_data_i[CM_ENABLE]) control_reg[reg_wr_ctx_i][CM_ENABLE] <= 1'b1;
            control_reg[reg_wr_ctx_i][CM+:15] <= control_reg[reg_wr_ctx_i][CM+:15] |
                                                 reg_wr_data_i[CM+:15];
          end
          SEL_CONTROL_CLEAR: begin
            if (reg_wr_data_i[RUN]) begin
              control_reg[reg_wr_ctx_i][RUN] <= 1'b0;
              control_reg[reg_wr_ctx_i][DEAD] <= 1'b0;
              streaming_reg[reg_wr_ctx_i] <= 1'b0;
              late_reg[reg_wr_ctx_i] <= 1'b0;
              // What is on the wire, being fetched or being written back finishes first, and so
              // does a job the engine or a packet the link takes in this very clk; each of
              // those ends in ST_STOPPED because it sees run cleared (run_after_write).
              if (state_reg[reg_wr_ctx_i] != ST_BUSY && state_reg[reg_wr_ctx_i] != ST_ON_WIRE &&
                  state_reg[reg_wr_ctx_i] != ST_STATUS &&
                  !(job != J_NONE && job_ctx == reg_wr_ctx_i) &&
                  !(tx_accept_i && tx_ctx == reg_wr_ctx_i))
                state_reg[reg_wr_ctx_i] <= ST_STOPPED;
            end
            if (reg_wr_data_i[WAKE]) control_reg[reg_wr_ctx_i][WAKE] <= 1'b0;
            if (reg_wr_data_i[CM_ENABLE]) control_reg[reg_wr_ctx_i][CM_ENABLE] <= 1'b0;
            control_reg[reg_wr_ctx_i][CM+:15] <= control_reg[reg_wr_ctx_i][CM+:15] &
                                                 ~reg_wr_data_i[CM+:15];
          end
          SEL_COMMAND_PTR: begin
            // Only while stopped (run=0, active=0); otherwise the write is ignored.
            if (!control_reg[reg_wr_ctx_i][RUN] && state_reg[reg_wr_ctx_i] == ST_STOPPED)
              command_ptr_reg[reg_wr_ctx_i] <= reg_wr_data_i;
          end
          default: ;
        endcase
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // The burst units
  ohci_dma_burst_read #(
      .COUNT_W(11)
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

  wire [4:0] wr_beats_unused;
  wire wr_load_unused;  // (the status quadlet is registered as the job starts)
  ohci_dma_burst_write #(
      .SINGLE_BEAT(1),
      .WANT_W(1)
  ) burst_write (
      .clk,
      .rst,
      .start_i(wr_start),
      .addr_i(wr_addr),
      .want_i(1'b1),
      .beats_o(wr_beats_unused),
      .load_o(wr_load_unused),
      .wdata_i(wdata_reg),
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
  reg [N_IT-1:0] sending;  // in ST_SENDING: the lowest goes to the link next
  always @(*) begin
    for (k = 0; k < N_IT; k = k + 1) sending[k] = state_reg[k] == ST_SENDING;
  end
  wire [CTX_W-1:0] tx_ctx = lowest(sending);

  genvar g;
  generate
    for (g = 0; g < N_IT; g = g + 1) begin : g_ctx
      wire active = state_reg[g][2:1] != 2'b00;
      assign context_control_o[32*g+:32] = {
        control_reg[g][31:ACTIVE+1], active, control_reg[g][ACTIVE-1:0]
      };
      assign command_ptr_o[32*g+:32] = command_ptr_reg[g];
    end
  endgenerate

  assign int_event_o = int_event_reg;
  assign quiet_o = e_state_reg == E_IDLE;
  assign unrecoverable_o = unrecoverable_reg;
  assign tx_valid_o = |sending;
  assign tx_header_o = header_reg[tx_ctx];
  assign tx_speed_o = speed_reg[tx_ctx];
  assign tx_words_o = words_reg[tx_ctx];
  assign tx_ctx_o = tx_ctx;
  assign ram_wr_en_o = ram_wr_en_reg;
  assign ram_wr_addr_o = ram_wr_addr_reg;
  assign ram_wr_data_o = ram_wr_data_reg;
  assign m_axi_arsize = AXI_SIZE_4;
  assign m_axi_arburst = AXI_BURST_INCR;
  assign m_axi_awsize = AXI_SIZE_4;
  assign m_axi_awburst = AXI_BURST_INCR;
  assign m_axi_wstrb = 4'hF;
  wire unused = &{1'b0, rd_beat, wr_beats_unused, wr_load_unused};
endmodule
`resetall
