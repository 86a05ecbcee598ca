// The below() of rtl/ohci_below.vh as synthesis reads it (SYNTHESIS defined: the plain-logic chain),
// for the equivalence proof of scripts/check_below.sh.
`default_nettype none
module below_chain (
    input  wire [15:0] x,
    input  wire [15:0] k,
    output wire        y
);
  `include "ohci_below.vh"
  assign y = below(x, k);
endmodule
