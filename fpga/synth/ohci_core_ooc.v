// ohci_core_ooc: out-of-context harness that places and routes ohci_core alone on a device.
//
// ohci_core has 117 input and 188 output bits, more than the pins of an iCE40-HX8K or of the
// ULX3S's ECP5 that are free for it, and nextpnr-ice40 has no out-of-context mode. This harness
// gives the core real, register-to-register timing paths on three pins:
//   - every core input (rst included) is one flop of a shift chain fed by din, so no input is
//     constant and Yosys can remove nothing of the core;
//   - every core output is observed: XOR-folded four bits per LUT into registers, four levels
//     deep (188 -> 47 -> 12 -> 3 -> 1), so a core output sees one LUT before a flop.
// Overhead: 117 + 63 flops and about 63 LUT4. Used by scripts/synth.sh while a board has no top
// of its own (fpga/<board>/<board>_top.v); docs/fpga.md gives its results.
// Latencies: din reaches the core's inputs after 1..117 edges; an output reaches dout 4 edges
// later. Neither means anything: this is a timing and resource harness, not a test bench.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_core_ooc #(
    parameter integer N_IT   = 4,
    parameter integer N_IR   = 4,
    parameter integer WORD_W = 10,
    parameter integer RING_W = 11
) (
    input  wire clk,
    input  wire din,
    output wire dout
);
  localparam integer IN_W = 117;
  localparam integer OUT_W = 188;
  // The fold's widths (no padding where a level divides by four: Verilog-2005 has no {0{...}}).
  localparam integer L1_W = OUT_W / 4;  // 47
  localparam integer L2_W = 12;  // 47 + 1 bit of padding, / 4
  localparam integer L3_W = L2_W / 4;  // 3

  reg [IN_W-1:0] in_reg;
  always @(posedge clk) in_reg <= {in_reg[IN_W-2:0], din};

  wire [OUT_W-1:0] out;

  ohci_core #(
      .N_IT  (N_IT),
      .N_IR  (N_IR),
      .WORD_W(WORD_W),
      .RING_W(RING_W)
  ) core (
      .clk           (clk),
      .rst           (in_reg[0]),
      .s_axil_awaddr (in_reg[11:1]),
      .s_axil_awvalid(in_reg[12]),
      .s_axil_awready(out[0]),
      .s_axil_wdata  (in_reg[44:13]),
      .s_axil_wstrb  (in_reg[48:45]),
      .s_axil_wvalid (in_reg[49]),
      .s_axil_wready (out[1]),
      .s_axil_bresp  (out[3:2]),
      .s_axil_bvalid (out[4]),
      .s_axil_bready (in_reg[50]),
      .s_axil_araddr (in_reg[61:51]),
      .s_axil_arvalid(in_reg[62]),
      .s_axil_arready(out[5]),
      .s_axil_rdata  (out[37:6]),
      .s_axil_rresp  (out[39:38]),
      .s_axil_rvalid (out[40]),
      .s_axil_rready (in_reg[63]),
      .m_axi_araddr  (out[72:41]),
      .m_axi_arlen   (out[80:73]),
      .m_axi_arsize  (out[83:81]),
      .m_axi_arburst (out[85:84]),
      .m_axi_arvalid (out[86]),
      .m_axi_arready (in_reg[64]),
      .m_axi_rdata   (in_reg[96:65]),
      .m_axi_rresp   (in_reg[98:97]),
      .m_axi_rlast   (in_reg[99]),
      .m_axi_rvalid  (in_reg[100]),
      .m_axi_rready  (out[87]),
      .m_axi_awaddr  (out[119:88]),
      .m_axi_awlen   (out[127:120]),
      .m_axi_awsize  (out[130:128]),
      .m_axi_awburst (out[132:131]),
      .m_axi_awvalid (out[133]),
      .m_axi_awready (in_reg[101]),
      .m_axi_wdata   (out[165:134]),
      .m_axi_wstrb   (out[169:166]),
      .m_axi_wlast   (out[170]),
      .m_axi_wvalid  (out[171]),
      .m_axi_wready  (in_reg[102]),
      .m_axi_bresp   (in_reg[104:103]),
      .m_axi_bvalid  (in_reg[105]),
      .m_axi_bready  (out[172]),
      .irq           (out[173]),
      .phy_ctl_i     (in_reg[107:106]),
      .phy_ctl_o     (out[175:174]),
      .phy_ctl_oe    (out[176]),
      .phy_d_i       (in_reg[115:108]),
      .phy_d_o       (out[184:177]),
      .phy_d_oe      (out[185]),
      .phy_lreq      (out[186]),
      .phy_lps       (out[187]),
      .phy_linkon    (in_reg[116])
  );

  // Fold the outputs, four bits per LUT and level, into dout.
  reg [L1_W-1:0] l1_reg;
  reg [L2_W-1:0] l2_reg;
  reg [L3_W-1:0] l3_reg;
  reg dout_reg;
  wire [4*L2_W-1:0] l1 = {1'b0, l1_reg};
  integer i;
  always @(posedge clk) begin
    for (i = 0; i < L1_W; i = i + 1) l1_reg[i] <= ^out[4*i+:4];
    for (i = 0; i < L2_W; i = i + 1) l2_reg[i] <= ^l1[4*i+:4];
    for (i = 0; i < L3_W; i = i + 1) l3_reg[i] <= ^l2_reg[4*i+:4];
    dout_reg <= ^l3_reg;
  end
  assign dout = dout_reg;
endmodule
`resetall
