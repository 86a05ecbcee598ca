// hx8k_top: ohci_board on the Lattice iCE40-HX8K breakout board (iCE40HX8K-CT256) with a 1394a
// PHY (e.g. TI TSB41AB1, direct connection) wired to the bank-1 header pins and the host's SPI
// master (e.g. a Raspberry Pi's SPI0) to bank-0 header pins. Pins: hx8k.pcf and
// docs/host-link.md.
//
// The small target: N_IT, N_IR and MEM_ADDR_W are parameters so that the design can be shrunk
// until it fits (defaults: one IT and one IR context, 2 KiB of host memory = 4 RAM40_4K). Note
// that ohci_core itself currently infers about 53 RAM40_4K blocks (its per-context payload RAM and
// receive ring), more than the HX8K's 32: it fits only once ohci_core's RAMs can be made smaller
// (a synthesis-side change to ohci_core's parameters; pass them through here when they exist).
//
// Clock: the PHY's SCLK (49.152 MHz) enters through SB_GB_IO on H16 (GBIN2) straight onto a
// global buffer; the board's 12 MHz oscillator (J3) is not used. Reset: rst_n, a header pin with
// the I/O cell's pull-up (low = reset), through ohci_board's synchroniser.
// Tri-states: CTL0-1, D0-7 and MISO are SB_IO cells with OUTPUT_ENABLE (PIN_TYPE 1010_01:
// output tri-stated by OUTPUT_ENABLE, unregistered; input unregistered).
// Vectors are numbered as the PHY's pins (phy_ctl[0] = CTL0, phy_d[0] = D0); ohci_core's
// [7:0] vectors have bit 7 = D0, so bit i of a pin vector is bit (width-1-i) of the core's.
// LEDs: LED0 = irq, LED1 = heartbeat (SCLK present), LED2 = LPS.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module hx8k_top #(
    parameter integer N_IT = 1,
    parameter integer N_IR = 1,
    // No storage registers or CSR compare-swap unit: the HX8K is nearly full, and no OS driver
    // runs on it (docs/fpga.md).
    parameter integer FULL_REGS = 0,
    parameter integer MEM_ADDR_W = 11  // 2 KiB of host memory (4 RAM40_4K, as few as 1 KiB)
) (
    input  wire       phy_sclk,
    inout  wire [0:1] phy_ctl,
    inout  wire [0:7] phy_d,
    output wire       phy_lreq,
    output wire       phy_lps,
    input  wire       phy_linkon,
    input  wire       spi_sck,
    input  wire       spi_cs_n,
    input  wire       spi_mosi,
    inout  wire       spi_miso,
    output wire       irq,
    input  wire       rst_n,
    output wire [2:0] led
);
  localparam [5:0] PIN_TRISTATE_SIMPLE_IN = 6'b1010_01;
  localparam [5:0] PIN_SIMPLE_IN = 6'b0000_01;

  wire clk;
  wire rst_n_in;
  wire [1:0] phy_ctl_i, phy_ctl_o;
  wire phy_ctl_oe;
  wire [7:0] phy_d_i, phy_d_o;
  wire phy_d_oe;
  wire spi_miso_o;
  wire spi_miso_oe;
  wire irq_o;
  wire heartbeat;

  // The input side of these cells is unused (D_IN_0 of the SCLK pad and of MISO).
  /* verilator lint_off PINCONNECTEMPTY */
  SB_GB_IO #(
      .PIN_TYPE(PIN_SIMPLE_IN),
      .PULLUP  (1'b0)
  ) sclk_pad (
      .PACKAGE_PIN(phy_sclk),
      .GLOBAL_BUFFER_OUTPUT(clk)
  );

  SB_IO #(
      .PIN_TYPE(PIN_SIMPLE_IN),
      .PULLUP  (1'b1)
  ) rst_n_pad (
      .PACKAGE_PIN(rst_n),
      .D_IN_0(rst_n_in)
  );

  genvar i;
  generate
    for (i = 0; i < 2; i = i + 1) begin : g_ctl
      SB_IO #(
          .PIN_TYPE(PIN_TRISTATE_SIMPLE_IN),
          .PULLUP  (1'b0)
      ) pad (
          .PACKAGE_PIN(phy_ctl[i]),
          .OUTPUT_ENABLE(phy_ctl_oe),
          .D_OUT_0(phy_ctl_o[1-i]),
          .D_IN_0(phy_ctl_i[1-i])
      );
    end
    for (i = 0; i < 8; i = i + 1) begin : g_d
      SB_IO #(
          .PIN_TYPE(PIN_TRISTATE_SIMPLE_IN),
          .PULLUP  (1'b0)
      ) pad (
          .PACKAGE_PIN(phy_d[i]),
          .OUTPUT_ENABLE(phy_d_oe),
          .D_OUT_0(phy_d_o[7-i]),
          .D_IN_0(phy_d_i[7-i])
      );
    end
  endgenerate

  SB_IO #(
      .PIN_TYPE(PIN_TRISTATE_SIMPLE_IN),
      .PULLUP  (1'b0)
  ) miso_pad (
      .PACKAGE_PIN(spi_miso),
      .OUTPUT_ENABLE(spi_miso_oe),
      .D_OUT_0(spi_miso_o),
      .D_IN_0()
  );
  /* verilator lint_on PINCONNECTEMPTY */

  ohci_board #(
      .N_IT(N_IT),
      .N_IR(N_IR),
      .FULL_REGS(FULL_REGS),
      .MEM_ADDR_W(MEM_ADDR_W)
  ) board (
      .clk(clk),
      .rst_i(!rst_n_in),
      .spi_sck_i(spi_sck),
      .spi_cs_n_i(spi_cs_n),
      .spi_mosi_i(spi_mosi),
      .spi_miso_o(spi_miso_o),
      .spi_miso_oe(spi_miso_oe),
      .irq_o(irq_o),
      .heartbeat_o(heartbeat),
      .phy_ctl_i(phy_ctl_i),
      .phy_ctl_o(phy_ctl_o),
      .phy_ctl_oe(phy_ctl_oe),
      .phy_d_i(phy_d_i),
      .phy_d_o(phy_d_o),
      .phy_d_oe(phy_d_oe),
      .phy_lreq(phy_lreq),
      .phy_lps(phy_lps),
      .phy_linkon(phy_linkon)
  );

  assign irq = irq_o;
  assign led = {phy_lps, heartbeat, irq_o};
endmodule
`resetall
