// ulx3s_top: ohci_board on a ULX3S (Lattice ECP5 LFE5U-85F, also -45F/-25F/-12F) with a 1394a
// PHY (e.g. TI TSB41AB1, 3.3 V PHY-link side, direct connection) wired to GPIO header J1, and the
// host's SPI master (e.g. a Raspberry Pi's SPI0, /dev/spidev0.0) wired to header J2. Pins and
// their header positions: ulx3s.lpf and docs/host-link.md.
//
// Clock: the PHY's SCLK (49.152 MHz) on a PCLK-capable pin is the only clock; the ULX3S's 25 MHz
// oscillator is not used. Reset: button FIRE1 (btn[1], active high) through ohci_board's reset
// synchroniser; the board also starts in reset after configuration.
// Tri-states: CTL[0:1] and D[0:7] are driven by ohci_core's split ports through the ECP5's
// bidirectional I/O cells (BB, instantiated: T high releases the pin), MISO through an OBZ,
// released while CS# is high so other SPI devices can share the bus.
// Vectors are numbered as the PHY's pins: phy_ctl[0] is CTL0, phy_d[0] is D0 (the first bit on
// the wire); ohci_core's vectors are [7:0] with bit 7 = D0, so the [0:7] port takes them bit for
// bit from the left.
// LEDs: led[0] = irq, led[1] = heartbeat (SCLK present), led[2] = LPS (link powered).
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ulx3s_top #(
    parameter integer N_IT = 4,
    parameter integer N_IR = 4,
    parameter integer MEM_ADDR_W = 16  // 64 KiB of host memory in EBR
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
    output wire       spi_miso,
    output wire       irq,
    input  wire       btn_reset,
    output wire [2:0] led
);
  wire [1:0] phy_ctl_o;
  wire phy_ctl_oe;
  wire [7:0] phy_d_o;
  wire phy_d_oe;
  wire spi_miso_o;
  wire spi_miso_oe;
  wire irq_o;
  wire heartbeat;
  wire [1:0] phy_ctl_in;
  wire [7:0] phy_d_in;

  ohci_board #(
      .N_IT(N_IT),
      .N_IR(N_IR),
      .MEM_ADDR_W(MEM_ADDR_W)
  ) board (
      .clk(phy_sclk),
      .rst_i(btn_reset),
      .spi_sck_i(spi_sck),
      .spi_cs_n_i(spi_cs_n),
      .spi_mosi_i(spi_mosi),
      .spi_miso_o(spi_miso_o),
      .spi_miso_oe(spi_miso_oe),
      .irq_o(irq_o),
      .heartbeat_o(heartbeat),
      .phy_ctl_i(phy_ctl_in),
      .phy_ctl_o(phy_ctl_o),
      .phy_ctl_oe(phy_ctl_oe),
      .phy_d_i(phy_d_in),
      .phy_d_o(phy_d_o),
      .phy_d_oe(phy_d_oe),
      .phy_lreq(phy_lreq),
      .phy_lps(phy_lps),
      .phy_linkon(phy_linkon)
  );

  // Pin k (CTLk, Dk) is ohci_core's bit 1-k (CTL) or 7-k (D): see the vector note above.
  genvar line;
  generate
    for (line = 0; line < 2; line = line + 1) begin : g_ctl_pin
      BB ctl_buffer (
          .I(phy_ctl_o[1-line]),
          .T(!phy_ctl_oe),
          .O(phy_ctl_in[1-line]),
          .B(phy_ctl[line])
      );
    end
    for (line = 0; line < 8; line = line + 1) begin : g_d_pin
      BB d_buffer (
          .I(phy_d_o[7-line]),
          .T(!phy_d_oe),
          .O(phy_d_in[7-line]),
          .B(phy_d[line])
      );
    end
  endgenerate
  OBZ miso_buffer (
      .I(spi_miso_o),
      .T(!spi_miso_oe),
      .O(spi_miso)
  );
  assign irq = irq_o;
  assign led = {phy_lps, heartbeat, irq_o};
endmodule
`resetall
