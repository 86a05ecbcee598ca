// ohci_cycle_timer: the OHCI IsochronousCycleTimer and the cycle events derived from it.
//
// cycleOffset counts the 24.576 MHz 1394 cycle clock, which is clk (49.152 MHz SCLK) divided by
// two, so it advances every other clk while cycle_timer_enable_i is set: 3072 offsets make one
// 125 us cycle of exactly 6144 clk, 8000 cycles one second, and cycleSeconds wraps at 128 s.
//
// Latencies (all outputs registered):
//   - timer_o shows the new value in the cycle after the clk edge that advanced it; all three
//     fields change on the same edge, so any read of timer_o is atomic (no torn value at a wrap).
//   - cycle_start_o, cycle_synch_o and cycle_64_seconds_o pulse for one clk in the same cycle in
//     which timer_o first shows the wrapped value (cycleOffset = 0, new cycleCount).
//   - A write (write_i) loads timer_o on the next edge and restarts the divide-by-two phase, so
//     the first advance comes two clk after the write edge. A write raises no events.
//
// Following the cycle master (a node that is not cycle master, sync_i from ohci_link_rx): a
// received cycle start's cycle_time was latched by the master's link TX_LATCH_EDGES clk edges
// before its first bit reached the pins, and `age` edges have passed since then at this link
// when sync_i pulses (age = sync_age_i + 1 as it was just before the edge that raised sync_i;
// ohci_link_rx). The timer loads cycle_time advanced by (age + TX_LATCH_EDGES) / 2 offsets (with
// the carry into cycleCount and cycleSeconds) at the edge sync_i is seen, so it runs within one
// cycleOffset tick of the master's (the master's divide-by-two phase is unknown here). The
// advanced value is computed from sync_time_i and sync_age_i at every edge into the sync_*_reg
// flops (both inputs come from flops of ohci_link_rx, and sync_time_i does not change at the
// edge that raises sync_i), so at the edge sync_i is seen only the comparison with this timer
// and the load remain; the behaviour is the same as computing it all at that edge.
// cycle_inconsistent_o pulses with the load when the advanced value differs from this timer in
// cycleSeconds or cycleCount, or by more than SYNC_TOLERANCE offsets. cycle_lost_o pulses at a
// cycle wrap of this timer when no cycle start was received since the previous wrap (once any
// has been received since reset).
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_cycle_timer (
    input  wire        clk,
    input  wire        rst,
    input  wire        cycle_timer_enable_i,  // LinkControl.cycleTimerEnable
    input  wire        write_i,               // software write of IsochronousCycleTimer
    input  wire [31:0] write_data_i,
    output wire [31:0] timer_o,               // {cycleSeconds[6:0], cycleCount[12:0], cycleOffset[11:0]}
    output wire        cycle_start_o,         // cycleOffset wrapped: a new isochronous cycle
    output wire        cycle_synch_o,         // IntEvent.cycleSynch (low bit of cycleCount toggled)
    output wire        cycle_64_seconds_o,    // IntEvent.cycle64Seconds (bit 6 of cycleSeconds changed)
    input  wire        follow_i,              // not cycle master: follow received cycle starts
    input  wire        sync_i,                // a cycle start was received
    input  wire [31:0] sync_time_i,           // its cycle_time quadlet
    input  wire [15:0] sync_age_i,            // ohci_link_rx's age: edges since a transfer's first bit
    output wire        cycle_inconsistent_o,  // IntEvent.cycleInconsistent
    output wire        cycle_lost_o           // IntEvent.cycleLost (following a master)
);
  localparam [11:0] OFFSETS_PER_CYCLE = 12'd3072;
  localparam [12:0] CYCLES_PER_SECOND = 13'd8000;
  `include "ohci_below.vh"  // below(x, k): x < k

  reg [6:0] seconds_reg;
  reg [12:0] count_reg;
  reg [11:0] offset_reg;
  reg half_phase_reg;  // set on the clk edges at which the 24.576 MHz offset does not advance
  reg cycle_start_reg;
  reg cycle_64_seconds_reg;
  reg cycle_inconsistent_reg;
  reg cycle_lost_reg;
  reg sync_seen_reg;  // a cycle start arrived since the last wrap
  reg sync_armed_reg;  // one has arrived since reset

  // The edges from the master's latch of cycle_time to its first bit on the pins (ohci_link_tx:
  // latched at the Grant edge G from the value of edge G-1, first chunk sampled at G+2).
  localparam [15:0] TX_LATCH_EDGES = 16'd3;
  localparam [11:0] SYNC_TOLERANCE = 12'd2;
  // The received cycle_time advanced by the propagation, registered at every edge from the
  // values of the edge before the pulse (see above). With A = sync_age_i there, the age at the
  // pulse is A + 1 (saturating), so (age + TX_LATCH_EDGES) / 2 = A / 2 + 2 offsets when it is
  // below one cycle (A < 6140); older cycle starts are not looked at, so only A[12:1] is used.
  localparam [15:0] SYNC_MAX_AGE = 16'd2 * {4'd0, OFFSETS_PER_CYCLE} - TX_LATCH_EDGES - 16'd1;
  // (1 + TX_LATCH_EDGES is even, so the halving of the sum splits exactly.)
  localparam [15:0] SYNC_EXTRA = (16'd1 + TX_LATCH_EDGES) >> 1;
  wire [12:0] sync_offset_sum = {1'b0, sync_time_i[11:0]} + {1'b0, sync_age_i[12:1]} +
                                SYNC_EXTRA[12:0];
  wire sync_carry = !below({3'd0, sync_offset_sum}, {4'd0, OFFSETS_PER_CYCLE});
  // Below 2 * 3072, so the reduction is exact in 12 bits.
  wire [11:0] sync_offset = sync_carry ? sync_offset_sum[11:0] - OFFSETS_PER_CYCLE :
                                         sync_offset_sum[11:0];
  wire sync_count_wraps = !below({3'd0, sync_time_i[24:12]}, {3'd0, CYCLES_PER_SECOND - 13'd1});
  wire [12:0] sync_count = !sync_carry ? sync_time_i[24:12] :
                           sync_count_wraps ? 13'd0 : sync_time_i[24:12] + 13'd1;
  wire [6:0] sync_seconds = sync_carry && sync_count_wraps ? sync_time_i[31:25] + 7'd1 :
                                                             sync_time_i[31:25];
  wire sync_ok = below(sync_age_i, SYNC_MAX_AGE) &&
                 below({3'd0, sync_time_i[24:12]}, {3'd0, CYCLES_PER_SECOND}) &&
                 below({4'd0, sync_time_i[11:0]}, {4'd0, OFFSETS_PER_CYCLE});
  reg [11:0] sync_offset_reg;
  reg [12:0] sync_count_reg;
  reg [6:0] sync_seconds_reg;
  reg sync_ok_reg;
  // |sync offset - offset_reg| <= SYNC_TOLERANCE as one subtraction: the difference (-4095..4095)
  // plus the tolerance, modulo 2**13, is at most 2 * SYNC_TOLERANCE exactly when it is in range.
  wire [12:0] offset_gap_biased = {1'b0, sync_offset_reg} - {1'b0, offset_reg} +
                                  {1'b0, SYNC_TOLERANCE};
  wire offset_close = below({3'd0, offset_gap_biased}, {3'd0, SYNC_TOLERANCE, 1'b1});
  wire sync_disagrees = sync_seconds_reg != seconds_reg || sync_count_reg != count_reg ||
                        !offset_close;
  wire sync_valid = follow_i && sync_i && sync_ok_reg;

  wire offset_wraps = offset_reg == OFFSETS_PER_CYCLE - 12'd1;
  wire count_wraps = count_reg == CYCLES_PER_SECOND - 13'd1;
  wire advance = cycle_timer_enable_i && half_phase_reg;

  always @(posedge clk) begin
    cycle_start_reg <= 1'b0;
    cycle_64_seconds_reg <= 1'b0;
    cycle_inconsistent_reg <= 1'b0;
    cycle_lost_reg <= 1'b0;
    sync_offset_reg <= sync_offset;
    sync_count_reg <= sync_count;
    sync_seconds_reg <= sync_seconds;
    sync_ok_reg <= sync_ok;
    if (rst || !follow_i) begin
      sync_seen_reg <= 1'b0;
      sync_armed_reg <= 1'b0;
    end else if (sync_i) begin
      sync_seen_reg <= 1'b1;
      sync_armed_reg <= 1'b1;
    end else if (cycle_start_reg) begin
      // a wrap of this timer: was the previous cycle's start received?
      if (sync_armed_reg && !sync_seen_reg) cycle_lost_reg <= 1'b1;
      sync_seen_reg <= 1'b0;
    end
    if (rst) begin
      seconds_reg <= 7'd0;
      count_reg <= 13'd0;
      offset_reg <= 12'd0;
      half_phase_reg <= 1'b0;
    end else if (sync_valid && !write_i) begin
      seconds_reg <= sync_seconds_reg;
      count_reg <= sync_count_reg;
      offset_reg <= sync_offset_reg;
      half_phase_reg <= 1'b0;
      cycle_inconsistent_reg <= sync_disagrees;
    end else if (write_i) begin
      seconds_reg <= write_data_i[31:25];
      count_reg <= below({3'd0, write_data_i[24:12]}, {3'd0, CYCLES_PER_SECOND}) ?
                   write_data_i[24:12] : 13'd0;
      offset_reg <= below({4'd0, write_data_i[11:0]}, {4'd0, OFFSETS_PER_CYCLE}) ?
                    write_data_i[11:0] : 12'd0;
      half_phase_reg <= 1'b0;
    end else begin
      if (cycle_timer_enable_i) half_phase_reg <= !half_phase_reg;
      if (advance) begin
        if (offset_wraps) begin
          offset_reg <= 12'd0;
          cycle_start_reg <= 1'b1;
          if (count_wraps) begin
            count_reg <= 13'd0;
            seconds_reg <= seconds_reg + 7'd1;
            // Bit 6 of cycleSeconds changes going to 64 and going from 127 back to 0.
            cycle_64_seconds_reg <= seconds_reg[5:0] == 6'h3F;
          end else begin
            count_reg <= count_reg + 13'd1;
          end
        end else begin
          offset_reg <= offset_reg + 12'd1;
        end
      end
    end
  end

  assign timer_o = {seconds_reg, count_reg, offset_reg};
  assign cycle_start_o = cycle_start_reg;
  // Every cycle start toggles the low bit of cycleCount (8000 is even, so a wrap toggles it too).
  assign cycle_synch_o = cycle_start_reg;
  assign cycle_64_seconds_o = cycle_64_seconds_reg;
  assign cycle_inconsistent_o = cycle_inconsistent_reg;
  assign cycle_lost_o = cycle_lost_reg;
endmodule
`resetall
