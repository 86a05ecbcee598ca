// ohci_dma_util.vh: helper functions of the DMA engines (ohci_it_dma, ohci_ir_dma) and their
// burst units (ohci_dma_burst_read, ohci_dma_burst_write). Included inside a module body, after
// `include "ohci_regmap.vh"` where a module uses both; every function is automatic and reads only
// its arguments, so it is plain combinational logic wherever it is called (in a clocked branch it
// costs the Verilated model nothing in the clks that branch is not taken).

`include "ohci_below.vh"  // below(x, k): x < k

// burst_beats(page_quadlet, left): beats of the next INCR burst of 32-bit beats that starts at
// quadlet page_quadlet (address bits [11:2]) of a 4 KiB page with left quadlets still to move:
// at most 16 (AXI4 INCR bursts here are 1..16 beats), at most left, and never across the 4 KiB
// boundary (AXI4 forbids a burst to cross one). left >= 1 gives 1..16.
function automatic [4:0] burst_beats(input [9:0] page_quadlet, input [13:0] left);
  reg [10:0] to_boundary;  // quadlets from page_quadlet to the end of the page, 1..1024
  reg [13:0] limit;
  begin
    to_boundary = 11'd1024 - {1'b0, page_quadlet};
    limit = left < {3'd0, to_boundary} ? left : {3'd0, to_boundary};
    burst_beats = !below({2'd0, limit}, 16'd17) ? 5'd16 : limit[4:0];
  end
endfunction
