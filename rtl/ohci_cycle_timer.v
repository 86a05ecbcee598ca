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
    output wire        cycle_64_seconds_o     // IntEvent.cycle64Seconds (bit 6 of cycleSeconds changed)
);
  localparam [11:0] OFFSETS_PER_CYCLE = 12'd3072;
  localparam [12:0] CYCLES_PER_SECOND = 13'd8000;

  reg [6:0] seconds_reg;
  reg [12:0] count_reg;
  reg [11:0] offset_reg;
  reg half_phase_reg;  // set on the clk edges at which the 24.576 MHz offset does not advance
  reg cycle_start_reg;
  reg cycle_64_seconds_reg;

  wire offset_wraps = offset_reg == OFFSETS_PER_CYCLE - 12'd1;
  wire count_wraps = count_reg == CYCLES_PER_SECOND - 13'd1;
  wire advance = cycle_timer_enable_i && half_phase_reg;

  always @(posedge clk) begin
    cycle_start_reg <= 1'b0;
    cycle_64_seconds_reg <= 1'b0;
    if (rst) begin
      seconds_reg <= 7'd0;
      count_reg <= 13'd0;
      offset_reg <= 12'd0;
      half_phase_reg <= 1'b0;
    end else if (write_i) begin
      seconds_reg <= write_data_i[31:25];
      count_reg <= write_data_i[24:12] < CYCLES_PER_SECOND ? write_data_i[24:12] : 13'd0;
      offset_reg <= write_data_i[11:0] < OFFSETS_PER_CYCLE ? write_data_i[11:0] : 12'd0;
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
endmodule
`resetall
