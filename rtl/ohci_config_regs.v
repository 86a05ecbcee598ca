// ohci_config_regs: the identity, configuration-ROM and bus-management registers of the OHCI
// window that the isochronous path does not use but a driver's bring-up does (Linux's
// firewire-ohci probe, ../shared/reference/linux-qemu-bridge.md §2.1):
//   - GUIDHi/GUIDLo: the GUID parameter at power-on; this design has no GUID ROM, so each may be
//     written once after power-on reset (rst) by platform firmware, before the driver runs;
//     later writes and soft resets leave them (docs/decisions.md);
//   - BusID (constant "1394"), BusOptions (Lnk_spd read-only S400, the rest storage),
//     ConfigROMhdr, ConfigROMmap, PostedWriteAddress, ATRetries, FairnessControl,
//     PhyUpperBound, the AsynchronousRequestFilter and PhysicalRequestFilter Set/Clear pairs,
//     InitialBandwidthAvailable, InitialChannelsAvailableHi/Lo: storage with the register map's
//     power-on values (regmap/ohci.rdl), reset by soft reset too;
//   - the AT request/response and AR request/response context registers: storage (run and wake
//     hold what is written, active and dead read 0, CommandPtr holds its value); asynchronous
//     transactions are not implemented, so a driver can start and stop them and nothing moves;
//   - CSRReadData/CSRCompareData/CSRControl: the compare-swap unit of the four bus-management
//     CSRs (BUS_MANAGER_ID, BANDWIDTH_AVAILABLE, CHANNELS_AVAILABLE_HI/LO), which a bus reset
//     sets to 0x3F and the three Initial* registers.
// Plain registers take the strobed bytes of a write; Set/Clear pairs the strobed bits.
// FULL = 0 (the small FPGA's configuration): everything reads its power-on value (the GUID
// parameter, BusOptions' reset value, the CSRs and csrDone included) and ignores writes.
//
// Latencies (clk edges): a write takes effect at its write edge (as in ohci_regs); a
// compare-swap started by the CSRControl write at edge w is done at w + 1 (csrDone reads 0 in
// between, but no read can be that fast); a bus reset status (bus_reset_i at edge b) resets the
// CSRs at b.
`resetall
`timescale 1ns / 1ps
`default_nettype none
module ohci_config_regs #(
    parameter [63:0] GUID = 64'h0000_0000_0000_0000,
    parameter integer FULL = 1
) (
    input  wire        clk,
    input  wire        rst,         // power-on reset: also re-arms the GUID's one write
    input  wire        core_rst,    // rst or a soft reset
    input  wire        wr_i,        // a write of the window at wr_addr_i
    input  wire [10:0] wr_addr_i,
    input  wire [31:0] wr_data_i,
    input  wire [31:0] wr_mask_i,   // the strobed bits
    input  wire        rd_en_i,     // a read in this clk: the read mux is computed only then
    input  wire [10:0] rd_addr_i,
    output reg  [31:0] rd_data_o,   // combinational: the value at rd_addr_i (0 without rd_en_i)
    output reg         rd_hit_o,    // rd_addr_i is one of these registers (0 without rd_en_i)
    input  wire        bus_reset_i
);
  `include "ohci_regmap.vh"

  localparam [1:0] CSR_BUS_MANAGER_ID = OHCI_CSR_SEL_BUS_MANAGER_ID;
  localparam [1:0] CSR_BANDWIDTH_AVAILABLE = OHCI_CSR_SEL_BANDWIDTH_AVAILABLE;
  localparam [1:0] CSR_CHANNELS_AVAILABLE_HI = OHCI_CSR_SEL_CHANNELS_AVAILABLE_HI;
  localparam [5:0] BUS_MANAGER_ID_NONE = 6'h3F;
  // BusOptions' writable fields: all but Lnk_spd.
  localparam [31:0] BUS_OPTIONS_STORED = (32'h3 << OHCI_BUS_OPTIONS_G_LSB) |
      (32'hF << OHCI_BUS_OPTIONS_MAX_REC_LSB) | (32'hFF << OHCI_BUS_OPTIONS_CYC_CLK_ACC_LSB) |
      (32'h1F << OHCI_BUS_OPTIONS_PMC);
  localparam [31:0] ASYNC_CONTROL_STORED = (32'd1 << OHCI_AT_REQUEST_CONTEXT_CONTROL_ASYNC_RUN) |
      (32'd1 << OHCI_AT_REQUEST_CONTEXT_CONTROL_ASYNC_WAKE);

  // A plain register's value after a write: the strobed bits from the write.
  function automatic [31:0] merge(input [31:0] old_value, input [31:0] data, input [31:0] mask);
    merge = (old_value & ~mask) | (data & mask);
  endfunction

  reg [31:0] guid_hi_reg;
  reg [31:0] guid_lo_reg;
  reg guid_hi_written_reg;
  reg guid_lo_written_reg;
  reg [31:0] bus_options_reg;

  wire w_guid_hi = wr_i && wr_addr_i == OHCI_GUID_HI;
  wire w_guid_lo = wr_i && wr_addr_i == OHCI_GUID_LO;

  // ---- GUID: write-once after power-on (rst only) ----
  always @(posedge clk) begin
    if (rst) begin
      guid_hi_reg <= GUID[63:32];
      guid_lo_reg <= GUID[31:0];
      guid_hi_written_reg <= 1'b0;
      guid_lo_written_reg <= 1'b0;
    end else begin
      if (FULL != 0 && w_guid_hi && !guid_hi_written_reg) begin
        guid_hi_reg <= merge(guid_hi_reg, wr_data_i, wr_mask_i);
        guid_hi_written_reg <= 1'b1;
      end
      if (FULL != 0 && w_guid_lo && !guid_lo_written_reg) begin
        guid_lo_reg <= merge(guid_lo_reg, wr_data_i, wr_mask_i);
        guid_lo_written_reg <= 1'b1;
      end
    end
  end

  always @(posedge clk) begin
    if (core_rst) bus_options_reg <= OHCI_BUS_OPTIONS_RESET;
    else if (FULL != 0 && wr_i && wr_addr_i == OHCI_BUS_OPTIONS)
      bus_options_reg <= (bus_options_reg & ~BUS_OPTIONS_STORED) |
                         (merge(bus_options_reg, wr_data_i, wr_mask_i) & BUS_OPTIONS_STORED);
  end

  // ---- the rest: storage and the CSR unit (FULL = 1), or constants ----
  wire [31:0] full_value;
  wire full_hit;
  generate
    if (FULL != 0) begin : g_full
      reg [31:0] at_retries_reg;
      reg [31:0] config_rom_hdr_reg;
      reg [31:0] config_rom_map_reg;
      reg [31:0] posted_write_lo_reg;
      reg [31:0] posted_write_hi_reg;
      reg [31:0] initial_bandwidth_reg;
      reg [31:0] initial_channels_hi_reg;
      reg [31:0] initial_channels_lo_reg;
      reg [31:0] fairness_reg;
      reg [31:0] phy_upper_bound_reg;
      reg [31:0] as_req_filter_hi_reg;
      reg [31:0] as_req_filter_lo_reg;
      reg [31:0] phy_req_filter_hi_reg;
      reg [31:0] phy_req_filter_lo_reg;
      reg [31:0] async_control_reg[0:3];  // AT request, AT response, AR request, AR response
      reg [31:0] async_command_reg[0:3];
      reg [31:0] csr_data_reg;
      reg [31:0] csr_compare_reg;
      reg [1:0] csr_sel_reg;
      reg csr_pending_reg;
      reg csr_done_reg;
      reg [5:0] bus_manager_id_reg;
      reg [12:0] bandwidth_reg;
      reg [31:0] channels_hi_reg;
      reg [31:0] channels_lo_reg;

      // The asynchronous context blocks at 0x180 + 0x20k: Set +0, Clear +4, CommandPtr +0xC.
      wire w_async = wr_addr_i[10:7] == 4'b0011;
      wire [1:0] w_async_ctx = wr_addr_i[6:5];
      wire r_async = rd_addr_i[10:7] == 4'b0011;
      wire [1:0] r_async_ctx = rd_addr_i[6:5];
      wire [4:0] w_async_reg = wr_addr_i[4:0];
      wire [4:0] r_async_reg = rd_addr_i[4:0];
      wire [31:0] wbits = wr_data_i & wr_mask_i;

      // The CSR a compare-swap names, as the 32-bit quadlet the bus sees.
      wire [31:0] csr_value = csr_sel_reg == CSR_BUS_MANAGER_ID ? {26'd0, bus_manager_id_reg} :
                              csr_sel_reg == CSR_BANDWIDTH_AVAILABLE ? {19'd0, bandwidth_reg} :
                              csr_sel_reg == CSR_CHANNELS_AVAILABLE_HI ? channels_hi_reg :
                              channels_lo_reg;
      wire csr_swap = csr_value == csr_compare_reg;

      integer k;
      always @(posedge clk) begin
        if (core_rst) begin
          at_retries_reg <= OHCI_AT_RETRIES_RESET;
          config_rom_hdr_reg <= OHCI_CONFIG_ROM_HDR_RESET;
          config_rom_map_reg <= OHCI_CONFIG_ROM_MAP_RESET;
          posted_write_lo_reg <= OHCI_POSTED_WRITE_ADDRESS_LO_RESET;
          posted_write_hi_reg <= OHCI_POSTED_WRITE_ADDRESS_HI_RESET;
          initial_bandwidth_reg <= OHCI_INITIAL_BANDWIDTH_AVAILABLE_RESET;
          initial_channels_hi_reg <= OHCI_INITIAL_CHANNELS_AVAILABLE_HI_RESET;
          initial_channels_lo_reg <= OHCI_INITIAL_CHANNELS_AVAILABLE_LO_RESET;
          fairness_reg <= OHCI_FAIRNESS_CONTROL_RESET;
          phy_upper_bound_reg <= OHCI_PHY_UPPER_BOUND_RESET;
          as_req_filter_hi_reg <= 32'd0;
          as_req_filter_lo_reg <= 32'd0;
          phy_req_filter_hi_reg <= 32'd0;
          phy_req_filter_lo_reg <= 32'd0;
          for (k = 0; k < 4; k = k + 1) begin
            async_control_reg[k] <= 32'd0;
            async_command_reg[k] <= 32'd0;
          end
          csr_data_reg <= 32'd0;
          csr_compare_reg <= 32'd0;
          csr_sel_reg <= 2'd0;
          csr_pending_reg <= 1'b0;
          csr_done_reg <= 1'b1;
          bus_manager_id_reg <= BUS_MANAGER_ID_NONE;
          bandwidth_reg <= OHCI_INITIAL_BANDWIDTH_AVAILABLE_RESET[12:0];
          channels_hi_reg <= OHCI_INITIAL_CHANNELS_AVAILABLE_HI_RESET;
          channels_lo_reg <= OHCI_INITIAL_CHANNELS_AVAILABLE_LO_RESET;
        end else begin
          if (wr_i) begin
            case (wr_addr_i)
              OHCI_AT_RETRIES: at_retries_reg <= merge(at_retries_reg, wr_data_i, wr_mask_i);
              OHCI_CONFIG_ROM_HDR:
              config_rom_hdr_reg <= merge(config_rom_hdr_reg, wr_data_i, wr_mask_i);
              OHCI_CONFIG_ROM_MAP:
              config_rom_map_reg <= merge(config_rom_map_reg, wr_data_i, wr_mask_i) & 32'hFFFF_FC00;
              OHCI_POSTED_WRITE_ADDRESS_LO:
              posted_write_lo_reg <= merge(posted_write_lo_reg, wr_data_i, wr_mask_i);
              OHCI_POSTED_WRITE_ADDRESS_HI:
              posted_write_hi_reg <= merge(posted_write_hi_reg, wr_data_i, wr_mask_i);
              OHCI_INITIAL_BANDWIDTH_AVAILABLE:
              initial_bandwidth_reg <= merge(initial_bandwidth_reg, wr_data_i, wr_mask_i) &
                                       32'h0000_1FFF;
              OHCI_INITIAL_CHANNELS_AVAILABLE_HI:
              initial_channels_hi_reg <= merge(initial_channels_hi_reg, wr_data_i, wr_mask_i);
              OHCI_INITIAL_CHANNELS_AVAILABLE_LO:
              initial_channels_lo_reg <= merge(initial_channels_lo_reg, wr_data_i, wr_mask_i);
              OHCI_FAIRNESS_CONTROL:
              fairness_reg <= merge(fairness_reg, wr_data_i, wr_mask_i) & 32'h0000_003F;
              OHCI_PHY_UPPER_BOUND:
              phy_upper_bound_reg <= merge(phy_upper_bound_reg, wr_data_i, wr_mask_i);
              OHCI_AS_REQ_FILTER_HI_SET: as_req_filter_hi_reg <= as_req_filter_hi_reg | wbits;
              OHCI_AS_REQ_FILTER_HI_CLEAR: as_req_filter_hi_reg <= as_req_filter_hi_reg & ~wbits;
              OHCI_AS_REQ_FILTER_LO_SET: as_req_filter_lo_reg <= as_req_filter_lo_reg | wbits;
              OHCI_AS_REQ_FILTER_LO_CLEAR: as_req_filter_lo_reg <= as_req_filter_lo_reg & ~wbits;
              OHCI_PHY_REQ_FILTER_HI_SET: phy_req_filter_hi_reg <= phy_req_filter_hi_reg | wbits;
              OHCI_PHY_REQ_FILTER_HI_CLEAR:
              phy_req_filter_hi_reg <= phy_req_filter_hi_reg & ~wbits;
              OHCI_PHY_REQ_FILTER_LO_SET: phy_req_filter_lo_reg <= phy_req_filter_lo_reg | wbits;
              OHCI_PHY_REQ_FILTER_LO_CLEAR:
              phy_req_filter_lo_reg <= phy_req_filter_lo_reg & ~wbits;
              OHCI_CSR_READ_DATA: csr_data_reg <= merge(csr_data_reg, wr_data_i, wr_mask_i);
              OHCI_CSR_COMPARE_DATA:
              csr_compare_reg <= merge(csr_compare_reg, wr_data_i, wr_mask_i);
              OHCI_CSR_CONTROL: begin
                csr_sel_reg <= wr_data_i[OHCI_CSR_CONTROL_CSR_SEL_LSB+:2];
                csr_pending_reg <= 1'b1;
                csr_done_reg <= 1'b0;
              end
              default: ;
            endcase
            if (w_async) begin
              if (w_async_reg == OHCI_CONTEXT_CONTROL_SET[4:0])
                async_control_reg[w_async_ctx] <= async_control_reg[w_async_ctx] |
                                                  (wbits & ASYNC_CONTROL_STORED);
              else if (w_async_reg == OHCI_CONTEXT_CONTROL_CLEAR[4:0])
                async_control_reg[w_async_ctx] <= async_control_reg[w_async_ctx] & ~wbits &
                                                  ASYNC_CONTROL_STORED;
              else if (w_async_reg == OHCI_COMMAND_PTR[4:0])
                async_command_reg[w_async_ctx] <= merge(async_command_reg[w_async_ctx],
                                                        wr_data_i, wr_mask_i);
            end
          end

          // The compare-swap, the edge after CSRControl was written.
          if (csr_pending_reg) begin
            csr_pending_reg <= 1'b0;
            csr_done_reg <= 1'b1;
            csr_data_reg <= csr_value;
            if (csr_swap) begin
              case (csr_sel_reg)
                CSR_BUS_MANAGER_ID: bus_manager_id_reg <= csr_data_reg[5:0];
                CSR_BANDWIDTH_AVAILABLE: bandwidth_reg <= csr_data_reg[12:0];
                CSR_CHANNELS_AVAILABLE_HI: channels_hi_reg <= csr_data_reg;
                default: channels_lo_reg <= csr_data_reg;
              endcase
            end
          end
          // A bus reset puts the bus-management CSRs back (after a swap in the same edge).
          if (bus_reset_i) begin
            bus_manager_id_reg <= BUS_MANAGER_ID_NONE;
            bandwidth_reg <= initial_bandwidth_reg[12:0];
            channels_hi_reg <= initial_channels_hi_reg;
            channels_lo_reg <= initial_channels_lo_reg;
          end
        end
      end

      reg [31:0] value;
      reg hit;
      always @(*) begin
        hit = 1'b1;
        value = 32'd0;
        if (!rd_en_i) begin
          hit = 1'b0;
        end else if (r_async) begin
          if (r_async_reg == OHCI_CONTEXT_CONTROL_SET[4:0] ||
              r_async_reg == OHCI_CONTEXT_CONTROL_CLEAR[4:0])
            value = async_control_reg[r_async_ctx];
          else if (r_async_reg == OHCI_COMMAND_PTR[4:0]) value = async_command_reg[r_async_ctx];
        end else begin
          case (rd_addr_i)
            OHCI_AT_RETRIES: value = at_retries_reg;
            OHCI_CSR_READ_DATA: value = csr_data_reg;
            OHCI_CSR_COMPARE_DATA: value = csr_compare_reg;
            OHCI_CSR_CONTROL:
            value = {csr_done_reg, 29'd0, csr_sel_reg};
            OHCI_CONFIG_ROM_HDR: value = config_rom_hdr_reg;
            OHCI_CONFIG_ROM_MAP: value = config_rom_map_reg;
            OHCI_POSTED_WRITE_ADDRESS_LO: value = posted_write_lo_reg;
            OHCI_POSTED_WRITE_ADDRESS_HI: value = posted_write_hi_reg;
            OHCI_INITIAL_BANDWIDTH_AVAILABLE: value = initial_bandwidth_reg;
            OHCI_INITIAL_CHANNELS_AVAILABLE_HI: value = initial_channels_hi_reg;
            OHCI_INITIAL_CHANNELS_AVAILABLE_LO: value = initial_channels_lo_reg;
            OHCI_FAIRNESS_CONTROL: value = fairness_reg;
            OHCI_PHY_UPPER_BOUND: value = phy_upper_bound_reg;
            OHCI_AS_REQ_FILTER_HI_SET, OHCI_AS_REQ_FILTER_HI_CLEAR: value = as_req_filter_hi_reg;
            OHCI_AS_REQ_FILTER_LO_SET, OHCI_AS_REQ_FILTER_LO_CLEAR: value = as_req_filter_lo_reg;
            OHCI_PHY_REQ_FILTER_HI_SET, OHCI_PHY_REQ_FILTER_HI_CLEAR:
            value = phy_req_filter_hi_reg;
            OHCI_PHY_REQ_FILTER_LO_SET, OHCI_PHY_REQ_FILTER_LO_CLEAR:
            value = phy_req_filter_lo_reg;
            default: hit = 1'b0;
          endcase
        end
      end
      assign full_value = value;
      assign full_hit = hit;
    end else begin : g_reduced
      // (no CSRs to reset, no storage to write)
      wire unused_reduced = &{1'b0, bus_reset_i};
      reg [31:0] value;
      reg hit;
      always @(*) begin
        hit = 1'b1;
        case (rd_addr_i)
          OHCI_CSR_CONTROL: value = 32'd1 << OHCI_CSR_CONTROL_CSR_DONE;
          OHCI_INITIAL_BANDWIDTH_AVAILABLE: value = OHCI_INITIAL_BANDWIDTH_AVAILABLE_RESET;
          OHCI_INITIAL_CHANNELS_AVAILABLE_HI: value = OHCI_INITIAL_CHANNELS_AVAILABLE_HI_RESET;
          OHCI_INITIAL_CHANNELS_AVAILABLE_LO: value = OHCI_INITIAL_CHANNELS_AVAILABLE_LO_RESET;
          default: begin
            hit = 1'b0;
            value = 32'd0;
          end
        endcase
      end
      assign full_value = value;
      assign full_hit = hit;
    end
  endgenerate

  always @(*) begin
    rd_hit_o = 1'b1;
    if (!rd_en_i) begin
      rd_data_o = 32'd0;
      rd_hit_o = 1'b0;
    end else begin
      case (rd_addr_i)
        OHCI_GUID_HI: rd_data_o = guid_hi_reg;
        OHCI_GUID_LO: rd_data_o = guid_lo_reg;
        OHCI_BUS_ID: rd_data_o = OHCI_BUS_ID_VALUE;
        OHCI_BUS_OPTIONS: rd_data_o = bus_options_reg;
        default: begin
          rd_data_o = full_value;
          rd_hit_o = full_hit;
        end
      endcase
    end
  end
endmodule
`resetall
