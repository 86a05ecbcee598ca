// board_spi_slave: the bit level of the host link's SPI slave (mode 0: CPOL 0, CPHA 0, most
// significant bit first), oversampled by clk.
//
// SCK, CS# and MOSI pass two flops each into clk (*_meta_reg, *_sync_reg); an SCK rising edge
// is seen when the synchronised SCK is 1 and was 0 the clk before, while CS# is low. At that
// clk MOSI (synchronised through the same two flops, so sampled at the same instant as SCK) is
// shifted in, and MISO moves on to the next bit. MISO therefore changes a few clk after each
// SCK rising edge, not on the falling edge: a mode-0 master samples MISO at the next rising
// edge, a whole SCK period later, so this is invisible to it as long as the period is long
// enough (docs/host-link.md derives SCK <= clk/8).
//
// Byte interface: when the eighth bit of a byte has been shifted in, rx_valid_o pulses for one
// clk with the byte in rx_byte_o; at the same edge the MISO shift register loads tx_byte_i, the
// answer for the next byte (its first bit goes out at once). So tx_byte_i must hold byte k+1's
// answer when byte k completes: a user that updates tx_byte_i when it sees byte k's rx_valid_o
// is setting the answer of byte k+2. The first byte of a frame always answers 0x00.
// frame_start_o / frame_end_o pulse when CS# is seen falling / rising; a frame end discards a
// partial byte. MISO is driven (spi_miso_oe_o) only while CS# is seen low.
//
// Latencies (clk edges after the pin changes, +1 when a synchroniser flop resolves late):
//   SCK rising -> rx_valid_o / MISO change: 3 edges; CS# falling -> frame_start_o and the
//   first MISO bit: 3 edges; CS# rising -> frame_end_o and MISO released: 3 edges.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module board_spi_slave (
    input  wire       clk,
    input  wire       rst,
    input  wire       spi_sck_i,
    input  wire       spi_cs_n_i,
    input  wire       spi_mosi_i,
    output wire       spi_miso_o,
    output wire       spi_miso_oe_o,
    output wire       frame_start_o,
    output wire       frame_end_o,
    output wire       rx_valid_o,
    output wire [7:0] rx_byte_o,
    input  wire [7:0] tx_byte_i
);
  // The first flop of each synchroniser may go metastable; only the second reads it.
  reg sck_meta_reg, sck_sync_reg, sck_prev_reg;
  reg cs_n_meta_reg, cs_n_sync_reg, cs_n_prev_reg;
  reg mosi_meta_reg, mosi_sync_reg;

  reg [2:0] bit_count_reg;
  reg [6:0] rx_shift_reg;
  reg [7:0] rx_byte_reg;
  reg rx_valid_reg;
  reg [7:0] tx_shift_reg;
  reg frame_start_reg;
  reg frame_end_reg;
  reg miso_oe_reg;

  wire selected = !cs_n_sync_reg;
  wire sck_rise = selected && sck_sync_reg && !sck_prev_reg;
  wire cs_fall = cs_n_prev_reg && !cs_n_sync_reg;
  wire cs_rise = !cs_n_prev_reg && cs_n_sync_reg;

  always @(posedge clk) begin
    sck_meta_reg <= spi_sck_i;
    sck_sync_reg <= sck_meta_reg;
    sck_prev_reg <= sck_sync_reg;
    cs_n_meta_reg <= spi_cs_n_i;
    cs_n_sync_reg <= cs_n_meta_reg;
    cs_n_prev_reg <= cs_n_sync_reg;
    mosi_meta_reg <= spi_mosi_i;
    mosi_sync_reg <= mosi_meta_reg;

    rx_valid_reg <= 1'b0;
    frame_start_reg <= cs_fall;
    frame_end_reg <= cs_rise;
    miso_oe_reg <= selected;
    if (cs_fall || cs_rise) begin
      bit_count_reg <= 3'd0;
      tx_shift_reg  <= 8'h00;
    end else if (sck_rise) begin
      bit_count_reg <= bit_count_reg + 3'd1;
      rx_shift_reg  <= {rx_shift_reg[5:0], mosi_sync_reg};
      if (bit_count_reg == 3'd7) begin
        rx_byte_reg  <= {rx_shift_reg, mosi_sync_reg};
        rx_valid_reg <= 1'b1;
        tx_shift_reg <= tx_byte_i;
      end else begin
        tx_shift_reg <= {tx_shift_reg[6:0], 1'b0};
      end
    end

    if (rst) begin
      sck_prev_reg <= 1'b0;
      cs_n_sync_reg <= 1'b1;
      cs_n_prev_reg <= 1'b1;
      bit_count_reg <= 3'd0;
      rx_valid_reg <= 1'b0;
      tx_shift_reg <= 8'h00;
      frame_start_reg <= 1'b0;
      frame_end_reg <= 1'b0;
      miso_oe_reg <= 1'b0;
    end
  end

  assign spi_miso_o = tx_shift_reg[7];
  assign spi_miso_oe_o = miso_oe_reg;
  assign frame_start_o = frame_start_reg;
  assign frame_end_o = frame_end_reg;
  assign rx_valid_o = rx_valid_reg;
  assign rx_byte_o = rx_byte_reg;
endmodule
`resetall
