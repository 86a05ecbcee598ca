// below(x, k): x < k, for a constant k in synthesis. Included inside a module body by every
// module that compares against a constant (the DMA engines, the link, the registers, the cycle
// timer).
//
// In synthesis (SYNTHESIS defined: Yosys) it is written as plain logic: Yosys maps a comparison
// to a carry chain (on the iCE40 one SB_CARRY and one LUT4 per bit), while with a constant k
// this loop folds to a few LUT4s. In simulation it is the comparison itself: the loop unrolls to
// 16 dependent steps that a Verilated model would compute on every clk, where `<` is one
// instruction. The two are the same function: CTest lint.below_matches_less_than proves it
// (Yosys SAT, every x and k). (x >= k is !below(x, k); x > k is !below(x, k + 1); x <= k is
// below(x, k + 1).)
function automatic below(input [15:0] x, input [15:0] k);
`ifdef SYNTHESIS
  integer i;
  begin
    below = 1'b0;
    for (i = 0; i < 16; i = i + 1) below = k[i] ? !x[i] || below : !x[i] && below;
  end
`else
  below = x < k;
`endif
endfunction
