// board_reset_sync: turns an asynchronous reset request (a button, a host pin) into the
// synchronous, active-high reset that ohci_core and the host link expect.
//
// rst_i passes two flops (meta_reg, req_reg) into clk; while it is seen high the hold counter is
// cleared, and rst_o stays high until it has counted HOLD_CLKS clk after the request was seen
// low. At power-up every flop is 0 (the iCE40 and ECP5 flops' configuration value), which is
// "in reset": a board comes out of configuration in reset whether or not rst_i is ever used.
//
// Latencies (clk edges): rst_i rising before edge e is in req_reg at e+1, rst_o rises at e+2;
// rst_i falling before e: req_reg low at e+1, rst_o falls at e+2+HOLD_CLKS.
// rst_o is the inverse of a flop (run_reg), so it is high from power-up without an init value
// of 1 (which the iCE40 flops do not have).
`resetall
`timescale 1ns / 1ps
`default_nettype none
module board_reset_sync #(
    parameter integer HOLD_CLKS = 16  // 1..255: clk of reset after the request ends
) (
    input  wire clk,
    input  wire rst_i,  // asynchronous, active high
    output wire rst_o   // synchronous to clk, active high
);
  reg meta_reg;  // may go metastable: read only by req_reg
  reg req_reg;
  reg [7:0] hold_reg;
  reg run_reg;

  always @(posedge clk) begin
    meta_reg <= rst_i;
    req_reg  <= meta_reg;
    if (req_reg) begin
      hold_reg <= 8'd0;
      run_reg  <= 1'b0;
    end else if (!run_reg) begin
      hold_reg <= hold_reg + 8'd1;
      if (hold_reg == HOLD_CLKS[7:0] - 8'd1) run_reg <= 1'b1;
    end
  end

  assign rst_o = ~run_reg;
endmodule
`resetall
