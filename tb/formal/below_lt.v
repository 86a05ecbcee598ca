// The below() of rtl/ohci_below.vh as simulators read it (no SYNTHESIS: x < k),
// for the equivalence proof of scripts/check_below.sh.
`default_nettype none
module below_lt (
    input  wire [15:0] x,
    input  wire [15:0] k,
    output wire        y
);
  `include "ohci_below.vh"
  assign y = below(x, k);
endmodule
