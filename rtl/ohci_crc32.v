// ohci_crc32: one byte step of the IEEE 1394 CRC-32 (combinational, no latency).
//
// Polynomial 0x04C11DB7, bits taken MSB first, no reflection. A packet's CRC starts from
// 32'hFFFF_FFFF; the value sent on the wire (and compared by a receiver) is the one's complement
// of the register after the last byte. This is CRC-32/BZIP2: over "123456789" it gives
// 32'hFC89_1918 (reference/ohci-isoch.md 4.3).
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_crc32 (
    input  wire [31:0] crc_i,   // running CRC register before this byte
    input  wire [ 7:0] data_i,  // next byte, bit 7 first on the wire
    output wire [31:0] crc_o    // running CRC register after this byte
);
  localparam [31:0] POLY = 32'h04C1_1DB7;

  function automatic [31:0] step8(input [31:0] crc, input [7:0] data);
    integer bit_index;
    reg [31:0] acc;
    begin
      acc = crc;
      for (bit_index = 7; bit_index >= 0; bit_index = bit_index - 1) begin
        acc = {acc[30:0], 1'b0} ^ ((acc[31] ^ data[bit_index]) ? POLY : 32'h0);
      end
      step8 = acc;
    end
  endfunction

  assign crc_o = step8(crc_i, data_i);
endmodule
`resetall
