// The IEEE 1394 CRC-32 as functions, for the modules that fold bytes into a running CRC
// register (ohci_link_tx, ohci_link_rx) and for ohci_crc32, the one-byte datapath of the unit
// test. Polynomial 0x04C11DB7, bits taken MSB first, no reflection (CRC-32/BZIP2: over
// "123456789" it gives 32'hFC89_1918 after the final complement; reference/ohci-isoch.md 4.3).
//
// Why functions and not module instances: a Verilated model computes every module instance's
// combinational logic on every clk edge, whether the result is used or not. Called inside the
// clocked branch that loads the CRC register, the four byte steps are computed only in the clk
// that needs them (docs/architecture.md, "RTL that simulates fast"). Same logic in synthesis.
// Included inside a module body.

// One byte, bit 7 first on the wire.
function automatic [31:0] crc32_step8(input [31:0] crc, input [7:0] data);
  integer bit_index;
  reg [31:0] acc;
  begin
    acc = crc;
    for (bit_index = 7; bit_index >= 0; bit_index = bit_index - 1) begin
      acc = {acc[30:0], 1'b0} ^ ((acc[31] ^ data[bit_index]) ? 32'h04C1_1DB7 : 32'h0);
    end
    crc32_step8 = acc;
  end
endfunction

// One quadlet, its most significant byte first (the wire order of a 1394 quadlet).
function automatic [31:0] crc32_quadlet(input [31:0] crc, input [31:0] quadlet);
  begin
    crc32_quadlet = crc32_step8(
        crc32_step8(crc32_step8(crc32_step8(crc, quadlet[31:24]), quadlet[23:16]), quadlet[15:8]),
        quadlet[7:0]);
  end
endfunction
