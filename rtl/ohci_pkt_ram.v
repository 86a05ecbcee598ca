// ohci_pkt_ram: simple dual-port RAM holding each IT context's staged packet payload.
//
// One write port (the IT DMA engine) and one read port (the link transmitter). The read is
// registered: rd_data_o shows the word addressed at the edge rd_en_i was high, from the next
// cycle on, and holds it until the next read. Written as a plain array so Yosys infers block RAM.
// Neither user reads the word being written in the same clk (the receive ring: ohci_ir_dma reads
// only committed quadlets of the packet it stores, which ohci_link_rx does not overwrite before
// the read pointer passes them; the packet RAM: a context's area is written only while its
// packet is not staged, and ohci_link_tx reads only the staged packet's area), so the memory
// carries `no_rw_check`: Yosys then adds no read/write collision bypass (on the iCE40 about 75
// flip-flops and 40 LUTs per instance). Simulation is unchanged (the attribute is synthesis-only),
// and in simulation a read of the word being written stops the run with an error, so every
// co-simulation test checks that claim.
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
  (* no_rw_check *) reg [31:0] mem[0:(1<<ADDR_WIDTH)-1];

  always @(posedge clk) begin
    if (wr_en_i) mem[wr_addr_i] <= wr_data_i;
    if (rd_en_i) rd_data_o <= mem[rd_addr_i];
  end
`ifndef SYNTHESIS
  always @(posedge clk) begin
    if (wr_en_i && rd_en_i && wr_addr_i == rd_addr_i)
      $error("ohci_pkt_ram: read of word %0d in the clk it is written (no_rw_check)", rd_addr_i);
  end
`endif
endmodule
`resetall
