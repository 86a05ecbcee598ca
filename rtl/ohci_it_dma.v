// ohci_it_dma: the isochronous transmit (IT) DMA contexts and the engine that serves them.
//
// Each of the N_IT contexts holds the OHCI ContextControl and CommandPtr state and walks a
// descriptor program (reference/ohci-isoch.md 2, 3.1, 3.2). One shared engine owns the AXI4
// master and serves one context job at a time, lowest context number first:
//   - fetch: read the descriptor block at CommandPtr (Z*16 bytes, in bursts of at most 16 beats
//     that never cross 4 KiB), check it, then read every payload piece (any byte alignment) and
//     pack the bytes, in wire order, into the context's area of the packet RAM;
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
    parameter integer N_IT   = 4,
    parameter integer CTX_W  = 2,   // bits of a context number, >= $clog2(N_IT), >= 1
    parameter integer WORD_W = 10   // payload quadlet index bits: a context's area is 2**WORD_W*4 B
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

  // Register-write selectors from the register block.
  localparam [1:0] SEL_CONTROL_SET = 2'd0;
  localparam [1:0] SEL_CONTROL_CLEAR = 2'd1;
  localparam [1:0] SEL_COMMAND_PTR = 2'd3;

  // Context states. active = not STOPPED and not IDLE.
  localparam [2:0] ST_STOPPED = 3'd0;  // run=0, or dead
  localparam [2:0] ST_FETCH = 3'd1;  // needs its block fetched
  localparam [2:0] ST_BUSY = 3'd2;  // the engine is fetching its block
  localparam [2:0] ST_READY = 3'd3;  // packet staged, waiting for its cycle
  localparam [2:0] ST_SENDING = 3'd4;  // taking part in the current cycle, not yet on the wire
  localparam [2:0] ST_ON_WIRE = 3'd5;  // the link is transmitting it
  localparam [2:0] ST_STATUS = 3'd6;  // sent: status write-back, interrupt, branch
  localparam [2:0] ST_IDLE = 3'd7;  // reached Z=0 (run=1, active=0); BRANCH re-read on wake
  // The branch re-read is an engine job of an idle context with wake set; it is marked by
  // branch_job_reg rather than a state of its own.

  // Engine states.
  localparam [3:0] E_IDLE = 4'd0;
  localparam [3:0] E_AR_SETUP = 4'd1;
  localparam [3:0] E_AR = 4'd2;
  localparam [3:0] E_R = 4'd3;
  localparam [3:0] E_AFTER_BURST = 4'd4;
  localparam [3:0] E_PIECE = 4'd5;
  localparam [3:0] E_FINALIZE = 4'd6;
  localparam [3:0] E_WRITE = 4'd7;
  localparam [3:0] E_B = 4'd8;
  localparam [3:0] E_STATUS_DONE = 4'd9;
  localparam [3:0] E_DEAD = 4'd10;

  // What the bursts of the current job read.
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
  localparam [1:0] SPEED_S400 = 2'd2;

  // ---------------------------------------------------------------------------------------
  // Per-context state
  reg [2:0] state_reg[0:N_IT-1];
  reg run_reg[0:N_IT-1];
  reg wake_reg[0:N_IT-1];
  reg dead_reg[0:N_IT-1];
  reg [4:0] event_reg[0:N_IT-1];
  reg cycle_match_enable_reg[0:N_IT-1];
  reg [14:0] cycle_match_reg[0:N_IT-1];
  reg [31:0] command_ptr_reg[0:N_IT-1];
  reg streaming_reg[0:N_IT-1];  // owes a packet every cycle
  reg late_reg[0:N_IT-1];  // its cycle opened before its packet was staged
  reg has_block_reg[0:N_IT-1];  // last_desc_reg names a block (for the wake re-read)
  // The staged packet and its block.
  reg [31:0] header_reg[0:N_IT-1];
  reg [1:0] speed_reg[0:N_IT-1];
  reg [10:0] words_reg[0:N_IT-1];
  reg empty_reg[0:N_IT-1];  // the empty OUTPUT_LAST: nothing goes on the wire
  reg [31:0] last_desc_reg[0:N_IT-1];  // the descriptor holding branch (+8) and status (+12)
  reg [31:0] branch_reg[0:N_IT-1];  // branchAddress|Z
  reg interrupt_reg[0:N_IT-1];  // i=11
  reg write_status_reg[0:N_IT-1];  // s=1
  reg [15:0] time_stamp_reg[0:N_IT-1];

  // ---------------------------------------------------------------------------------------
  // Engine state
  reg [3:0] e_state_reg;
  reg [CTX_W-1:0] e_ctx_reg;
  reg [1:0] phase_reg;
  reg [31:0] q_addr_reg;  // next quadlet address to read
  reg [10:0] q_left_reg;  // quadlets still to read in this phase (or piece)
  reg [4:0] beats_left_reg;  // beats still to come in the current burst
  reg error_reg;  // an error response in the current burst
  reg [4:0] desc_q_reg;  // quadlet index within the block
  reg [3:0] z_reg;
  reg [31:0] block_addr_reg;
  reg [1:0] kind_reg;
  reg block_bad_reg;  // malformed block -> evt_unknown
  reg [18:0] imm0_reg;  // spd, tag, channel, tcode, sy of the immediate header
  reg [15:0] data_length_reg;
  reg [18:0] total_len_reg;  // sum of payload reqCounts
  reg [31:0] e_skip_reg;
  reg [31:0] e_branch_reg;
  reg [31:0] e_last_desc_reg;
  reg e_interrupt_reg;
  reg e_write_status_reg;
  // The payload pieces' dataAddress and reqCount, in block RAM (iCE40: no flip-flops, no 6-way
  // mux): read at every edge at the piece piece_index_reg is about to hold, so piece_addr_k_reg
  // / piece_len_k_reg hold piece piece_index_reg's values whenever the engine is in E_PIECE (the
  // table is written only in E_R, and E_PIECE is entered only through E_AFTER_BURST).
  // (one entry more than pieces: piece_index_reg reaches piece_count_reg)
  (* no_rw_check *) reg [31:0] piece_addr_mem[0:MAX_PIECES];
  (* no_rw_check *) reg [15:0] piece_len_mem[0:MAX_PIECES];
  reg [31:0] piece_addr_k_reg;
  reg [15:0] piece_len_k_reg;
  reg [2:0] piece_count_reg;
  reg [2:0] piece_index_reg;
  reg first_beat_reg;  // the next beat is the first of the piece
  reg [1:0] first_lane_reg;  // byte lane of the piece's first byte
  reg [16:0] piece_bytes_left_reg;
  reg [55:0] pack_reg;  // up to 3 leftover bytes, little-endian lanes in wire order
  reg [2:0] pack_count_reg;
  reg [WORD_W:0] write_ptr_reg;
  reg [4:0] dead_event_reg;
  // AXI and RAM outputs
  reg [31:0] araddr_reg;
  reg [7:0] arlen_reg;
  reg arvalid_reg;
  reg [31:0] awaddr_reg;
  reg awvalid_reg;
  reg [31:0] wdata_reg;
  reg wvalid_reg;
  reg ram_wr_en_reg;
  reg [CTX_W+WORD_W-1:0] ram_wr_addr_reg;
  reg [31:0] ram_wr_data_reg;
  reg [N_IT-1:0] int_event_reg;
  reg unrecoverable_reg;

  integer c;

  // ---------------------------------------------------------------------------------------
  // Combinational helpers

  // The lowest context with an engine job, and the lowest context taking part in this cycle.
  reg job_found;
  reg [CTX_W-1:0] job_ctx;
  reg tx_found;
  reg [CTX_W-1:0] tx_ctx;
  always @(*) begin
    job_found = 1'b0;
    job_ctx = {CTX_W{1'b0}};
    tx_found = 1'b0;
    tx_ctx = {CTX_W{1'b0}};
    for (c = N_IT - 1; c >= 0; c = c - 1) begin
      if (state_reg[c] == ST_FETCH || state_reg[c] == ST_STATUS ||
          (state_reg[c] == ST_IDLE && wake_reg[c] && has_block_reg[c] && run_reg[c])) begin
        job_found = 1'b1;
        job_ctx = c[CTX_W-1:0];
      end
      if (state_reg[c] == ST_SENDING) begin
        tx_found = 1'b1;
        tx_ctx = c[CTX_W-1:0];
      end
    end
  end

  // Beats of the next burst: at most 16, at most what is left, never across a 4 KiB boundary.
  wire [10:0] quadlets_to_4k = 11'd1024 - {1'b0, q_addr_reg[11:2]};
  wire [10:0] burst_limit = q_left_reg < quadlets_to_4k ? q_left_reg : quadlets_to_4k;
  wire [4:0] burst_beats = !below({5'd0, burst_limit}, 16'd17) ? 5'd16 : burst_limit[4:0];

  // Decoding of the quadlet arriving now in the descriptor phase.
  wire [2:0] desc_index = desc_q_reg[4:2];
  wire [1:0] desc_quadlet = desc_q_reg[1:0];
  wire [3:0] r_cmd = m_axi_rdata[31:28];
  wire [2:0] r_key = m_axi_rdata[26:24];
  wire r_status = m_axi_rdata[27];
  wire [1:0] r_int = m_axi_rdata[21:20];
  wire [15:0] r_req_count = m_axi_rdata[15:0];
  wire [2:0] piece_slot = desc_index - 3'd2;

  // Payload bytes of the arriving beat: shift the valid lanes down and count them.
  wire [1:0] beat_lane = first_beat_reg ? first_lane_reg : 2'd0;
  wire [2:0] lanes_available = 3'd4 - {1'b0, beat_lane};
  wire [2:0] beat_bytes = piece_bytes_left_reg < {14'd0, lanes_available} ?
                          piece_bytes_left_reg[2:0] : lanes_available;
  wire [31:0] beat_shifted = m_axi_rdata >> {beat_lane, 3'b000};
  wire [31:0] beat_mask = beat_bytes == 3'd4 ? 32'hFFFF_FFFF :
                          beat_bytes == 3'd3 ? 32'h00FF_FFFF :
                          beat_bytes == 3'd2 ? 32'h0000_FFFF :
                          beat_bytes == 3'd1 ? 32'h0000_00FF : 32'h0;
  wire [55:0] pack_combined = pack_reg | ({24'd0, beat_shifted & beat_mask} << {pack_count_reg, 3'b000});
  wire [3:0] pack_total = {1'b0, pack_count_reg} + {1'b0, beat_bytes};

  // The packet header check, done when the descriptor phase ends.
  wire [2:0] hdr_speed = imm0_reg[18:16];
  wire [3:0] hdr_tcode = imm0_reg[7:4];
  // The largest payload per speed: 1024/2048/4096 bytes, or less when a context's area of the
  // packet RAM (4 * 2**WORD_W bytes) is smaller.
  localparam [16:0] AREA_BYTES = 17'd4 << WORD_W;
  localparam [16:0] MAX_S100 = AREA_BYTES < 17'd1024 ? AREA_BYTES : 17'd1024;
  localparam [16:0] MAX_S200 = AREA_BYTES < 17'd2048 ? AREA_BYTES : 17'd2048;
  localparam [16:0] MAX_S400 = AREA_BYTES < 17'd4096 ? AREA_BYTES : 17'd4096;
  wire over_max_payload = hdr_speed == 3'd0 ? !below(data_length_reg, MAX_S100[15:0] + 16'd1) :
                          hdr_speed == 3'd1 ? !below(data_length_reg, MAX_S200[15:0] + 16'd1) :
                                              !below(data_length_reg, MAX_S400[15:0] + 16'd1);
  wire header_bad = hdr_tcode != OHCI_TCODE_ISO_BLOCK || hdr_speed > {1'b0, SPEED_S400} ||
                    {3'd0, data_length_reg} != total_len_reg ||
                    over_max_payload;

  // Quadlets spanned by a payload piece and by the whole payload: (lane + bytes + 3) / 4. Both
  // are at most 1025 because the header check bounds the payload to 4096 bytes, so only bits
  // [12:2] are used.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [16:0] piece_span = {15'd0, piece_addr_k_reg[1:0]} + {1'b0, piece_len_k_reg} + 17'd3;
  wire [16:0] payload_span = {1'b0, data_length_reg} + 17'd3;
  /* verilator lint_on UNUSEDSIGNAL */

  // A context whose cycle opens in the very clk its fetch completes is late too: streaming, or
  // cycle-matched to this cycle.
  wire late_now = late_reg[e_ctx_reg] ||
                  (iso_start_i && (streaming_reg[e_ctx_reg] ||
                                   (cycle_match_enable_reg[e_ctx_reg] &&
                                    cycle_match_reg[e_ctx_reg] == iso_cycle_i[14:0])));

  // run as it will be after this clk's software write: the engine decides where a context goes
  // next on this value, so a stop written in the same clk is never lost.
  wire sw_run_set = reg_wr_i && reg_wr_sel_i == SEL_CONTROL_SET &&
                    reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN];
  wire sw_run_clear = reg_wr_i && reg_wr_sel_i == SEL_CONTROL_CLEAR &&
                      reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN];
  wire e_run_next = (sw_run_clear && reg_wr_ctx_i == e_ctx_reg) ? 1'b0 :
                    (sw_run_set && reg_wr_ctx_i == e_ctx_reg) ? 1'b1 : run_reg[e_ctx_reg];
  // The engine takes a job this clk (it owns that context from now until the job ends), and the
  // link takes a packet this clk (it is on the wire from now on).
  wire job_starts = e_state_reg == E_IDLE && job_found && !quiesce_i;

  // ---------------------------------------------------------------------------------------
  // E_PIECE skips an empty piece.
  wire piece_skip = piece_index_reg != piece_count_reg && piece_len_k_reg == 16'd0;
  // The piece piece_index_reg holds after this edge, where it matters (see piece_addr_mem):
  // E_AFTER_BURST starts the pieces at 0 (PH_DESC) or steps to the next (PH_DATA) on its way to
  // E_PIECE.
  wire [2:0] piece_rd = e_state_reg == E_AFTER_BURST ?
                        (phase_reg == PH_DESC ? 3'd0 : piece_index_reg + 3'd1) :
                        e_state_reg == E_PIECE && piece_skip ? piece_index_reg + 3'd1 :
                        piece_index_reg;

  always @(posedge clk) begin
    int_event_reg <= {N_IT{1'b0}};
    unrecoverable_reg <= 1'b0;
    ram_wr_en_reg <= 1'b0;
    piece_addr_k_reg <= piece_addr_mem[piece_rd];
    piece_len_k_reg <= piece_len_mem[piece_rd];
    if (rst) begin
      for (c = 0; c < N_IT; c = c + 1) begin
        state_reg[c] <= ST_STOPPED;
        run_reg[c] <= 1'b0;
        wake_reg[c] <= 1'b0;
        dead_reg[c] <= 1'b0;
        event_reg[c] <= OHCI_EVT_NO_STATUS;
        cycle_match_enable_reg[c] <= 1'b0;
        cycle_match_reg[c] <= 15'd0;
        command_ptr_reg[c] <= 32'd0;
        streaming_reg[c] <= 1'b0;
        late_reg[c] <= 1'b0;
        has_block_reg[c] <= 1'b0;
        header_reg[c] <= 32'd0;
        speed_reg[c] <= 2'd0;
        words_reg[c] <= 11'd0;
        empty_reg[c] <= 1'b0;
        last_desc_reg[c] <= 32'd0;
        branch_reg[c] <= 32'd0;
        interrupt_reg[c] <= 1'b0;
        write_status_reg[c] <= 1'b0;
        time_stamp_reg[c] <= 16'd0;
      end
      e_state_reg <= E_IDLE;
      e_ctx_reg <= {CTX_W{1'b0}};
      phase_reg <= PH_DESC;
      arvalid_reg <= 1'b0;
      awvalid_reg <= 1'b0;
      wvalid_reg <= 1'b0;
      araddr_reg <= 32'd0;
      arlen_reg <= 8'd0;
      awaddr_reg <= 32'd0;
      wdata_reg <= 32'd0;
      error_reg <= 1'b0;
    end else begin
      // ---- the isochronous period of a new cycle opens: who sends, who is late ----
      if (iso_start_i) begin
        for (c = 0; c < N_IT; c = c + 1) begin
          if (run_reg[c] && !dead_reg[c]) begin
            if (cycle_match_enable_reg[c]) begin
              if (cycle_match_reg[c] == iso_cycle_i[14:0]) begin
                cycle_match_enable_reg[c] <= 1'b0;
                if (state_reg[c] == ST_READY) begin
                  state_reg[c] <= empty_reg[c] ? ST_STATUS : ST_SENDING;
                  time_stamp_reg[c] <= iso_cycle_i;  // the link restamps at accept
                  streaming_reg[c] <= 1'b1;
                end else if (state_reg[c] == ST_FETCH || state_reg[c] == ST_BUSY) begin
                  late_reg[c] <= 1'b1;
                  streaming_reg[c] <= 1'b1;
                end
              end
            end else if (state_reg[c] == ST_READY) begin
              state_reg[c] <= empty_reg[c] ? ST_STATUS : ST_SENDING;
              time_stamp_reg[c] <= iso_cycle_i;
              streaming_reg[c] <= 1'b1;
            end else if (streaming_reg[c] && (state_reg[c] == ST_FETCH ||
                                              state_reg[c] == ST_BUSY ||
                                              state_reg[c] == ST_STATUS)) begin
              late_reg[c] <= 1'b1;
            end
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

      // ---- the engine ----
      case (e_state_reg)
        E_IDLE: begin
          if (job_starts) begin
            e_ctx_reg <= job_ctx;
            error_reg <= 1'b0;
            if (state_reg[job_ctx] == ST_STATUS) begin
              if (write_status_reg[job_ctx]) begin
                awaddr_reg <= last_desc_reg[job_ctx] + 32'd12;
                awvalid_reg <= 1'b1;
                wdata_reg <= {
                  run_reg[job_ctx], 2'b00, wake_reg[job_ctx], 1'b0, 1'b1, 5'b00000,
                  OHCI_ACK_COMPLETE, time_stamp_reg[job_ctx]
                };
                wvalid_reg <= 1'b1;
                e_state_reg <= E_WRITE;
              end else begin
                e_state_reg <= E_STATUS_DONE;
              end
            end else if (state_reg[job_ctx] == ST_IDLE) begin
              // wake while idle: re-read the branch word of the block CommandPtr points to
              wake_reg[job_ctx] <= 1'b0;
              state_reg[job_ctx] <= ST_BUSY;
              phase_reg <= PH_BRANCH;
              q_addr_reg <= last_desc_reg[job_ctx] + 32'd8;
              q_left_reg <= 11'd1;
              e_state_reg <= E_AR_SETUP;
            end else begin
              wake_reg[job_ctx] <= 1'b0;
              state_reg[job_ctx] <= ST_BUSY;
              phase_reg <= PH_DESC;
              block_addr_reg <= {command_ptr_reg[job_ctx][31:4], 4'b0000};
              z_reg <= command_ptr_reg[job_ctx][3:0];
              q_addr_reg <= {command_ptr_reg[job_ctx][31:4], 4'b0000};
              q_left_reg <= {5'd0, command_ptr_reg[job_ctx][3:0], 2'b00};
              desc_q_reg <= 5'd0;
              kind_reg <= K_BAD;
              block_bad_reg <= command_ptr_reg[job_ctx][3:0] > 4'd8;
              imm0_reg <= 19'd0;
              data_length_reg <= 16'd0;
              total_len_reg <= 19'd0;
              piece_count_reg <= 3'd0;
              e_interrupt_reg <= 1'b0;
              e_write_status_reg <= 1'b0;
              e_state_reg <= command_ptr_reg[job_ctx][3:0] > 4'd8 ? E_FINALIZE : E_AR_SETUP;
            end
          end
        end

        E_AR_SETUP: begin
          araddr_reg <= q_addr_reg;
          arlen_reg <= {3'd0, burst_beats - 5'd1};
          beats_left_reg <= burst_beats;
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
            // An error response, or RLAST out of place, spoils the whole burst.
            if (m_axi_rresp != AXI_RESP_OKAY || m_axi_rlast != (beats_left_reg == 5'd1))
              error_reg <= 1'b1;
            q_addr_reg <= q_addr_reg + 32'd4;
            q_left_reg <= q_left_reg - 11'd1;
            beats_left_reg <= beats_left_reg - 5'd1;
            if (beats_left_reg == 5'd1 || m_axi_rlast) e_state_reg <= E_AFTER_BURST;
            if (m_axi_rresp == AXI_RESP_OKAY && !error_reg) begin
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
                      end else if (r_cmd == OHCI_DESC_CMD_OUTPUT_LAST &&
                                   r_key == OHCI_DESC_KEY_DATA) begin
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
                        e_last_desc_reg <= block_addr_reg + {25'd0, desc_index, 4'b0000};
                      end else if (r_cmd != OHCI_DESC_CMD_OUTPUT_MORE ||
                                   r_key != OHCI_DESC_KEY_DATA) begin
                        block_bad_reg <= 1'b1;
                      end
                      piece_len_mem[piece_slot] <= r_req_count;
                      total_len_reg <= total_len_reg + {3'd0, r_req_count};
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
                  piece_bytes_left_reg <= piece_bytes_left_reg - {14'd0, beat_bytes};
                  if (pack_total >= 4'd4) begin
                    ram_wr_en_reg <= 1'b1;
                    ram_wr_addr_reg <= {e_ctx_reg, write_ptr_reg[WORD_W-1:0]};
                    ram_wr_data_reg <= pack_combined[31:0];
                    write_ptr_reg <= write_ptr_reg + 1'b1;
                    pack_reg <= {32'd0, pack_combined[55:32]};
                    pack_count_reg <= pack_total[2:0] - 3'd4;
                  end else begin
                    pack_reg <= pack_combined;
                    pack_count_reg <= pack_total[2:0];
                  end
                end
                default: begin  // PH_BRANCH
                  e_branch_reg <= m_axi_rdata;
                end
              endcase
            end
          end
        end

        E_AFTER_BURST: begin
          if (error_reg) begin
            dead_event_reg <= phase_reg == PH_DATA ? OHCI_EVT_DATA_READ : OHCI_EVT_DESCRIPTOR_READ;
            e_state_reg <= E_DEAD;
          end else if (q_left_reg != 11'd0) begin
            e_state_reg <= E_AR_SETUP;
          end else if (phase_reg == PH_DESC) begin
            if (block_bad_reg || kind_reg == K_BAD) begin
              dead_event_reg <= OHCI_EVT_UNKNOWN;
              e_state_reg <= E_DEAD;
            end else if (kind_reg != K_EMPTY && header_bad) begin
              dead_event_reg <= OHCI_EVT_TCODE_ERR;
              e_state_reg <= E_DEAD;
            end else begin
              phase_reg <= PH_DATA;
              piece_index_reg <= 3'd0;
              pack_reg <= 56'd0;
              pack_count_reg <= 3'd0;
              write_ptr_reg <= {(WORD_W + 1) {1'b0}};
              e_state_reg <= E_PIECE;
            end
          end else if (phase_reg == PH_DATA) begin
            piece_index_reg <= piece_index_reg + 3'd1;
            e_state_reg <= E_PIECE;
          end else begin
            // PH_BRANCH: the re-read branch word of an idle context
            if (e_branch_reg[3:0] != 4'd0) begin
              command_ptr_reg[e_ctx_reg] <= e_branch_reg;
              state_reg[e_ctx_reg] <= e_run_next ? ST_FETCH : ST_STOPPED;
            end else begin
              state_reg[e_ctx_reg] <= e_run_next ? ST_IDLE : ST_STOPPED;
            end
            e_state_reg <= E_IDLE;
          end
        end

        E_PIECE: begin
          if (piece_index_reg == piece_count_reg) begin
            e_state_reg <= E_FINALIZE;
          end else if (piece_skip) begin
            piece_index_reg <= piece_index_reg + 3'd1;
          end else begin
            q_addr_reg <= {piece_addr_k_reg[31:2], 2'b00};
            q_left_reg <= piece_span[12:2];
            first_beat_reg <= 1'b1;
            first_lane_reg <= piece_addr_k_reg[1:0];
            piece_bytes_left_reg <= {1'b0, piece_len_k_reg};
            e_state_reg <= E_AR_SETUP;
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
              ram_wr_data_reg <= pack_reg[31:0];
            end
            header_reg[e_ctx_reg] <= {data_length_reg, imm0_reg[15:0]};
            speed_reg[e_ctx_reg] <= imm0_reg[17:16];
            words_reg[e_ctx_reg] <= payload_span[12:2];
            empty_reg[e_ctx_reg] <= kind_reg == K_EMPTY;
            last_desc_reg[e_ctx_reg] <= e_last_desc_reg;
            branch_reg[e_ctx_reg] <= e_branch_reg;
            interrupt_reg[e_ctx_reg] <= e_interrupt_reg;
            write_status_reg[e_ctx_reg] <= e_write_status_reg;
            has_block_reg[e_ctx_reg] <= 1'b1;
            if (!e_run_next) begin
              state_reg[e_ctx_reg] <= ST_STOPPED;
            end else if (late_now && kind_reg == K_OMI) begin
              // underrun: take the skip path instead of sending
              late_reg[e_ctx_reg] <= 1'b0;
              event_reg[e_ctx_reg] <= OHCI_EVT_UNDERRUN;
              command_ptr_reg[e_ctx_reg] <= e_skip_reg;
              if (e_skip_reg[3:0] == 4'd0) begin
                // A skip with Z=0 ends the program here; there is no branch to re-read, so a
                // wake does nothing and software restarts the context.
                state_reg[e_ctx_reg] <= ST_IDLE;
                streaming_reg[e_ctx_reg] <= 1'b0;
                has_block_reg[e_ctx_reg] <= 1'b0;
              end else begin
                state_reg[e_ctx_reg] <= ST_FETCH;
              end
            end else begin
              late_reg[e_ctx_reg] <= 1'b0;
              state_reg[e_ctx_reg] <= ST_READY;
            end
            e_state_reg <= E_IDLE;
          end
        end

        E_WRITE: begin
          if (m_axi_awready) awvalid_reg <= 1'b0;
          if (m_axi_wready) wvalid_reg <= 1'b0;
          if ((m_axi_awready || !awvalid_reg) && (m_axi_wready || !wvalid_reg)) e_state_reg <= E_B;
        end

        E_B: begin
          if (m_axi_bvalid) begin
            if (m_axi_bresp != AXI_RESP_OKAY) begin
              dead_event_reg <= OHCI_EVT_DATA_WRITE;
              e_state_reg <= E_DEAD;
            end else begin
              e_state_reg <= E_STATUS_DONE;
            end
          end
        end

        E_STATUS_DONE: begin
          if (interrupt_reg[e_ctx_reg]) int_event_reg[e_ctx_reg] <= 1'b1;
          event_reg[e_ctx_reg] <= OHCI_ACK_COMPLETE;
          if (branch_reg[e_ctx_reg][3:0] != 4'd0) begin
            command_ptr_reg[e_ctx_reg] <= branch_reg[e_ctx_reg];
            state_reg[e_ctx_reg] <= e_run_next ? ST_FETCH : ST_STOPPED;
          end else begin
            // program end: stay on this block; a wake that came meanwhile re-reads its branch.
            // Whatever was owed is forgiven: the next packet is a first packet again.
            streaming_reg[e_ctx_reg] <= 1'b0;
            late_reg[e_ctx_reg] <= 1'b0;
            state_reg[e_ctx_reg] <= e_run_next ? ST_IDLE : ST_STOPPED;
          end
          e_state_reg <= E_IDLE;
        end

        E_DEAD: begin
          // A context already told to stop just stops (dead is cleared by clearing run anyway).
          dead_reg[e_ctx_reg] <= e_run_next;
          event_reg[e_ctx_reg] <= dead_event_reg;
          state_reg[e_ctx_reg] <= ST_STOPPED;
          streaming_reg[e_ctx_reg] <= 1'b0;
          late_reg[e_ctx_reg] <= 1'b0;
          unrecoverable_reg <= 1'b1;
          e_state_reg <= E_IDLE;
        end

        default: e_state_reg <= E_IDLE;
      endcase

      // ---- software writes (last, so they win over the engine's updates of the same bits) ----
      if (reg_wr_i) begin
        case (reg_wr_sel_i)
          SEL_CONTROL_SET: begin
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN] && !run_reg[reg_wr_ctx_i]) begin
              run_reg[reg_wr_ctx_i] <= 1'b1;
              if (state_reg[reg_wr_ctx_i] == ST_STOPPED) begin
                dead_reg[reg_wr_ctx_i] <= 1'b0;
                event_reg[reg_wr_ctx_i] <= OHCI_EVT_NO_STATUS;
                streaming_reg[reg_wr_ctx_i] <= 1'b0;
                late_reg[reg_wr_ctx_i] <= 1'b0;
                has_block_reg[reg_wr_ctx_i] <= 1'b0;
                state_reg[reg_wr_ctx_i] <=
                    command_ptr_reg[reg_wr_ctx_i][3:0] == 4'd0 ? ST_IDLE : ST_FETCH;
              end
            end
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_WAKE]) wake_reg[reg_wr_ctx_i] <= 1'b1;
            if (reg_wr_data_i[OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE])
              cycle_match_enable_reg[reg_wr_ctx_i] <= 1'b1;
            cycle_match_reg[reg_wr_ctx_i] <= cycle_match_reg[reg_wr_ctx_i] |
                reg_wr_data_i[OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_LSB+:15];
          end
          SEL_CONTROL_CLEAR: begin
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_RUN]) begin
              run_reg[reg_wr_ctx_i] <= 1'b0;
              dead_reg[reg_wr_ctx_i] <= 1'b0;
              streaming_reg[reg_wr_ctx_i] <= 1'b0;
              late_reg[reg_wr_ctx_i] <= 1'b0;
              // What is on the wire, being fetched or being written back finishes first, and so
              // does a job the engine or a packet the link takes in this very clk; each of
              // those ends in ST_STOPPED because it sees run cleared (e_run_next).
              if (state_reg[reg_wr_ctx_i] != ST_BUSY && state_reg[reg_wr_ctx_i] != ST_ON_WIRE &&
                  state_reg[reg_wr_ctx_i] != ST_STATUS &&
                  !(job_starts && job_ctx == reg_wr_ctx_i) &&
                  !(tx_accept_i && tx_ctx == reg_wr_ctx_i))
                state_reg[reg_wr_ctx_i] <= ST_STOPPED;
            end
            if (reg_wr_data_i[OHCI_CONTEXT_CONTROL_WAKE]) wake_reg[reg_wr_ctx_i] <= 1'b0;
            if (reg_wr_data_i[OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE])
              cycle_match_enable_reg[reg_wr_ctx_i] <= 1'b0;
            cycle_match_reg[reg_wr_ctx_i] <= cycle_match_reg[reg_wr_ctx_i] &
                ~reg_wr_data_i[OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_LSB+:15];
          end
          SEL_COMMAND_PTR: begin
            // Only while stopped (run=0, active=0); otherwise the write is ignored.
            if (!run_reg[reg_wr_ctx_i] && state_reg[reg_wr_ctx_i] == ST_STOPPED)
              command_ptr_reg[reg_wr_ctx_i] <= reg_wr_data_i;
          end
          default: ;
        endcase
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Outputs
  genvar g;
  generate
    for (g = 0; g < N_IT; g = g + 1) begin : g_ctx
      wire active = state_reg[g] != ST_STOPPED && state_reg[g] != ST_IDLE;
      assign context_control_o[32*g+:32] = {
        cycle_match_enable_reg[g], cycle_match_reg[g], run_reg[g], 2'b00, wake_reg[g],
        dead_reg[g], active, 2'b00, 3'b000, event_reg[g]
      };
      assign command_ptr_o[32*g+:32] = command_ptr_reg[g];
    end
  endgenerate

  assign int_event_o = int_event_reg;
  assign quiet_o = e_state_reg == E_IDLE;
  assign unrecoverable_o = unrecoverable_reg;
  assign tx_valid_o = tx_found;
  assign tx_header_o = header_reg[tx_ctx];
  assign tx_speed_o = speed_reg[tx_ctx];
  assign tx_words_o = words_reg[tx_ctx];
  assign tx_ctx_o = tx_ctx;
  assign ram_wr_en_o = ram_wr_en_reg;
  assign ram_wr_addr_o = ram_wr_addr_reg;
  assign ram_wr_data_o = ram_wr_data_reg;
  assign m_axi_araddr = araddr_reg;
  assign m_axi_arlen = arlen_reg;
  assign m_axi_arsize = AXI_SIZE_4;
  assign m_axi_arburst = AXI_BURST_INCR;
  assign m_axi_arvalid = arvalid_reg;
  assign m_axi_rready = e_state_reg == E_R;
  assign m_axi_awaddr = awaddr_reg;
  assign m_axi_awlen = 8'd0;
  assign m_axi_awsize = AXI_SIZE_4;
  assign m_axi_awburst = AXI_BURST_INCR;
  assign m_axi_awvalid = awvalid_reg;
  assign m_axi_wdata = wdata_reg;
  assign m_axi_wstrb = 4'hF;
  assign m_axi_wlast = 1'b1;
  assign m_axi_wvalid = wvalid_reg;
  assign m_axi_bready = e_state_reg == E_B;
endmodule
`resetall
