// ohci_crc32: one byte step of the IEEE 1394 CRC-32 (combinational, no latency). The links use
// the same functions (ohci_crc32.vh) inside their clocked blocks; this module is the datapath
// the CRC unit test drives with known vectors.
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
`include "ohci_crc32.vh"

  assign crc_o = crc32_step8(crc_i, data_i);
endmodule
`resetall
