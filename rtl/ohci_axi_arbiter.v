// ohci_axi_arbiter: shares the core's one AXI4 master port between the IT and the IR DMA engines.
//
// The read path (AR, R) and the write path (AW, W, B) are arbitrated separately. A path is owned
// by one engine from the first clk its request (ARVALID, or AWVALID/WVALID) is presented until
// its transaction ends (the R beat with RLAST, or the B handshake); then it is free again. Each
// engine has at most one transaction per path outstanding, so with the port's single ID the
// responses always belong to the owner. When both engines request a free path in the same clk,
// the IT engine wins: its packets have a cycle deadline, the IR engine stores and forwards.
//
// Latencies: none. A free path is granted in the clk the request appears (the grant is decoded
// from the engines' registered VALIDs), so each engine sees the port exactly as if it were alone
// whenever the other is not using that path. The port's outputs are a mux of the engines'
// registered outputs, selected by the owner register or by those registered VALIDs: there is no
// combinational path from the port's inputs to its outputs.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_axi_arbiter (
    input  wire        clk,
    input  wire        rst,
    // IT engine (master 0)
    input  wire [31:0] it_araddr_i,
    input  wire [ 7:0] it_arlen_i,
    input  wire        it_arvalid_i,
    output wire        it_arready_o,
    output wire        it_rvalid_o,
    input  wire        it_rready_i,
    input  wire [31:0] it_awaddr_i,
    input  wire [ 7:0] it_awlen_i,
    input  wire        it_awvalid_i,
    output wire        it_awready_o,
    input  wire [31:0] it_wdata_i,
    input  wire [ 3:0] it_wstrb_i,
    input  wire        it_wlast_i,
    input  wire        it_wvalid_i,
    output wire        it_wready_o,
    output wire        it_bvalid_o,
    input  wire        it_bready_i,
    // IR engine (master 1)
    input  wire [31:0] ir_araddr_i,
    input  wire [ 7:0] ir_arlen_i,
    input  wire        ir_arvalid_i,
    output wire        ir_arready_o,
    output wire        ir_rvalid_o,
    input  wire        ir_rready_i,
    input  wire [31:0] ir_awaddr_i,
    input  wire [ 7:0] ir_awlen_i,
    input  wire        ir_awvalid_i,
    output wire        ir_awready_o,
    input  wire [31:0] ir_wdata_i,
    input  wire [ 3:0] ir_wstrb_i,
    input  wire        ir_wlast_i,
    input  wire        ir_wvalid_i,
    output wire        ir_wready_o,
    output wire        ir_bvalid_o,
    input  wire        ir_bready_i,
    // the port (RDATA, RRESP, RLAST and BRESP go to both engines directly)
    output wire [31:0] m_axi_araddr,
    output wire [ 7:0] m_axi_arlen,
    output wire        m_axi_arvalid,
    input  wire        m_axi_arready,
    input  wire        m_axi_rlast,
    input  wire        m_axi_rvalid,
    output wire        m_axi_rready,
    output wire [31:0] m_axi_awaddr,
    output wire [ 7:0] m_axi_awlen,
    output wire        m_axi_awvalid,
    input  wire        m_axi_awready,
    output wire [31:0] m_axi_wdata,
    output wire [ 3:0] m_axi_wstrb,
    output wire        m_axi_wlast,
    output wire        m_axi_wvalid,
    input  wire        m_axi_wready,
    input  wire        m_axi_bvalid,
    output wire        m_axi_bready
);
  localparam [1:0] OWNER_NONE = 2'd0;
  localparam [1:0] OWNER_IT = 2'd1;
  localparam [1:0] OWNER_IR = 2'd2;

  reg [1:0] read_owner_reg;
  reg [1:0] write_owner_reg;

  wire it_write_request = it_awvalid_i || it_wvalid_i;
  wire ir_write_request = ir_awvalid_i || ir_wvalid_i;
  wire [1:0] read_grant = read_owner_reg != OWNER_NONE ? read_owner_reg :
                          it_arvalid_i ? OWNER_IT : ir_arvalid_i ? OWNER_IR : OWNER_NONE;
  wire [1:0] write_grant = write_owner_reg != OWNER_NONE ? write_owner_reg :
                           it_write_request ? OWNER_IT : ir_write_request ? OWNER_IR : OWNER_NONE;
  wire read_it = read_grant == OWNER_IT;
  wire read_ir = read_grant == OWNER_IR;
  wire write_it = write_grant == OWNER_IT;
  wire write_ir = write_grant == OWNER_IR;

  always @(posedge clk) begin
    if (rst) begin
      read_owner_reg <= OWNER_NONE;
      write_owner_reg <= OWNER_NONE;
    end else begin
      if (m_axi_rvalid && m_axi_rready && m_axi_rlast) read_owner_reg <= OWNER_NONE;
      else read_owner_reg <= read_grant;
      if (m_axi_bvalid && m_axi_bready) write_owner_reg <= OWNER_NONE;
      else write_owner_reg <= write_grant;
    end
  end

  assign m_axi_araddr = read_ir ? ir_araddr_i : it_araddr_i;
  assign m_axi_arlen = read_ir ? ir_arlen_i : it_arlen_i;
  assign m_axi_arvalid = read_it ? it_arvalid_i : read_ir ? ir_arvalid_i : 1'b0;
  assign m_axi_rready = read_it ? it_rready_i : read_ir ? ir_rready_i : 1'b0;
  assign it_arready_o = read_it && m_axi_arready;
  assign ir_arready_o = read_ir && m_axi_arready;
  assign it_rvalid_o = read_it && m_axi_rvalid;
  assign ir_rvalid_o = read_ir && m_axi_rvalid;

  assign m_axi_awaddr = write_ir ? ir_awaddr_i : it_awaddr_i;
  assign m_axi_awlen = write_ir ? ir_awlen_i : it_awlen_i;
  assign m_axi_awvalid = write_it ? it_awvalid_i : write_ir ? ir_awvalid_i : 1'b0;
  assign m_axi_wdata = write_ir ? ir_wdata_i : it_wdata_i;
  assign m_axi_wstrb = write_ir ? ir_wstrb_i : it_wstrb_i;
  assign m_axi_wlast = write_ir ? ir_wlast_i : it_wlast_i;
  assign m_axi_wvalid = write_it ? it_wvalid_i : write_ir ? ir_wvalid_i : 1'b0;
  assign m_axi_bready = write_it ? it_bready_i : write_ir ? ir_bready_i : 1'b0;
  assign it_awready_o = write_it && m_axi_awready;
  assign ir_awready_o = write_ir && m_axi_awready;
  assign it_wready_o = write_it && m_axi_wready;
  assign ir_wready_o = write_ir && m_axi_wready;
  assign it_bvalid_o = write_it && m_axi_bvalid;
  assign ir_bvalid_o = write_ir && m_axi_bvalid;
endmodule
`resetall
