// ohci_pkt_ram: simple dual-port RAM holding each IT context's staged packet payload.
//
// One write port (the IT DMA engine) and one read port (the link transmitter). The read is
// registered: rd_data_o shows the word addressed at the edge rd_en_i was high, from the next
// cycle on, and holds it until the next read. Written as a plain array so Yosys infers block RAM.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_pkt_ram #(
    parameter integer ADDR_WIDTH = 12  // words = 2**ADDR_WIDTH, 32 bits each
) (
    input  wire                  clk,
    input  wire                  wr_en_i,
    input  wire [ADDR_WIDTH-1:0] wr_addr_i,
    input  wire [          31:0] wr_data_i,
    input  wire                  rd_en_i,
    input  wire [ADDR_WIDTH-1:0] rd_addr_i,
    output reg  [          31:0] rd_data_o
);
  reg [31:0] mem[0:(1<<ADDR_WIDTH)-1];

  always @(posedge clk) begin
    if (wr_en_i) mem[wr_addr_i] <= wr_data_i;
    if (rd_en_i) rd_data_o <= mem[rd_addr_i];
  end
endmodule
`resetall
