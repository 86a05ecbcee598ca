// generated from regmap/ohci.rdl by regmap/gen_regmap.py — do not edit
//
// The OHCI 1.1 register map for the RTL, `include'd inside a module body (localparams only).
// Offsets are byte addresses. A 1-bit field is a `localparam integer` bit index; a wider
// field is <NAME>_LSB and <NAME>_WIDTH. Field names drop the _SET/_CLEAR of a Set/Clear pair.
// docs/registers.md has the tables.

// A module that includes this file uses only some of these constants, and an unused
// localparam here is no defect of that module: UNUSEDPARAM is off for this body only.
/* verilator lint_off UNUSEDPARAM */

// Register window offsets.
localparam [10:0] OHCI_VERSION                           = 11'h000;
localparam [10:0] OHCI_AT_RETRIES                        = 11'h008;
localparam [10:0] OHCI_CSR_READ_DATA                     = 11'h00C;
localparam [10:0] OHCI_CSR_COMPARE_DATA                  = 11'h010;
localparam [10:0] OHCI_CSR_CONTROL                       = 11'h014;
localparam [10:0] OHCI_CONFIG_ROM_HDR                    = 11'h018;
localparam [10:0] OHCI_BUS_ID                            = 11'h01C;
localparam [10:0] OHCI_BUS_OPTIONS                       = 11'h020;
localparam [10:0] OHCI_GUID_HI                           = 11'h024;
localparam [10:0] OHCI_GUID_LO                           = 11'h028;
localparam [10:0] OHCI_CONFIG_ROM_MAP                    = 11'h034;
localparam [10:0] OHCI_POSTED_WRITE_ADDRESS_LO           = 11'h038;
localparam [10:0] OHCI_POSTED_WRITE_ADDRESS_HI           = 11'h03C;
localparam [10:0] OHCI_HC_CONTROL_SET                    = 11'h050;
localparam [10:0] OHCI_HC_CONTROL_CLEAR                  = 11'h054;
localparam [10:0] OHCI_SELF_ID_BUFFER                    = 11'h064;
localparam [10:0] OHCI_SELF_ID_COUNT                     = 11'h068;
localparam [10:0] OHCI_IR_MULTI_CHAN_MASK_HI_SET         = 11'h070;
localparam [10:0] OHCI_IR_MULTI_CHAN_MASK_HI_CLEAR       = 11'h074;
localparam [10:0] OHCI_IR_MULTI_CHAN_MASK_LO_SET         = 11'h078;
localparam [10:0] OHCI_IR_MULTI_CHAN_MASK_LO_CLEAR       = 11'h07C;
localparam [10:0] OHCI_INT_EVENT_SET                     = 11'h080;
localparam [10:0] OHCI_INT_EVENT_CLEAR                   = 11'h084;
localparam [10:0] OHCI_INT_MASK_SET                      = 11'h088;
localparam [10:0] OHCI_INT_MASK_CLEAR                    = 11'h08C;
localparam [10:0] OHCI_ISO_XMIT_INT_EVENT_SET            = 11'h090;
localparam [10:0] OHCI_ISO_XMIT_INT_EVENT_CLEAR          = 11'h094;
localparam [10:0] OHCI_ISO_XMIT_INT_MASK_SET             = 11'h098;
localparam [10:0] OHCI_ISO_XMIT_INT_MASK_CLEAR           = 11'h09C;
localparam [10:0] OHCI_ISO_RECV_INT_EVENT_SET            = 11'h0A0;
localparam [10:0] OHCI_ISO_RECV_INT_EVENT_CLEAR          = 11'h0A4;
localparam [10:0] OHCI_ISO_RECV_INT_MASK_SET             = 11'h0A8;
localparam [10:0] OHCI_ISO_RECV_INT_MASK_CLEAR           = 11'h0AC;
localparam [10:0] OHCI_INITIAL_BANDWIDTH_AVAILABLE       = 11'h0B0;
localparam [10:0] OHCI_INITIAL_CHANNELS_AVAILABLE_HI     = 11'h0B4;
localparam [10:0] OHCI_INITIAL_CHANNELS_AVAILABLE_LO     = 11'h0B8;
localparam [10:0] OHCI_FAIRNESS_CONTROL                  = 11'h0DC;
localparam [10:0] OHCI_LINK_CONTROL_SET                  = 11'h0E0;
localparam [10:0] OHCI_LINK_CONTROL_CLEAR                = 11'h0E4;
localparam [10:0] OHCI_NODE_ID                           = 11'h0E8;
localparam [10:0] OHCI_PHY_CONTROL                       = 11'h0EC;
localparam [10:0] OHCI_ISOCHRONOUS_CYCLE_TIMER           = 11'h0F0;
localparam [10:0] OHCI_AS_REQ_FILTER_HI_SET              = 11'h100;
localparam [10:0] OHCI_AS_REQ_FILTER_HI_CLEAR            = 11'h104;
localparam [10:0] OHCI_AS_REQ_FILTER_LO_SET              = 11'h108;
localparam [10:0] OHCI_AS_REQ_FILTER_LO_CLEAR            = 11'h10C;
localparam [10:0] OHCI_PHY_REQ_FILTER_HI_SET             = 11'h110;
localparam [10:0] OHCI_PHY_REQ_FILTER_HI_CLEAR           = 11'h114;
localparam [10:0] OHCI_PHY_REQ_FILTER_LO_SET             = 11'h118;
localparam [10:0] OHCI_PHY_REQ_FILTER_LO_CLEAR           = 11'h11C;
localparam [10:0] OHCI_PHY_UPPER_BOUND                   = 11'h120;
localparam [10:0] OHCI_AT_REQUEST_CONTEXT_CONTROL_SET    = 11'h180;
localparam [10:0] OHCI_AT_REQUEST_CONTEXT_CONTROL_CLEAR  = 11'h184;
localparam [10:0] OHCI_AT_REQUEST_COMMAND_PTR            = 11'h18C;
localparam [10:0] OHCI_AT_RESPONSE_CONTEXT_CONTROL_SET   = 11'h1A0;
localparam [10:0] OHCI_AT_RESPONSE_CONTEXT_CONTROL_CLEAR = 11'h1A4;
localparam [10:0] OHCI_AT_RESPONSE_COMMAND_PTR           = 11'h1AC;
localparam [10:0] OHCI_AR_REQUEST_CONTEXT_CONTROL_SET    = 11'h1C0;
localparam [10:0] OHCI_AR_REQUEST_CONTEXT_CONTROL_CLEAR  = 11'h1C4;
localparam [10:0] OHCI_AR_REQUEST_COMMAND_PTR            = 11'h1CC;
localparam [10:0] OHCI_AR_RESPONSE_CONTEXT_CONTROL_SET   = 11'h1E0;
localparam [10:0] OHCI_AR_RESPONSE_CONTEXT_CONTROL_CLEAR = 11'h1E4;
localparam [10:0] OHCI_AR_RESPONSE_COMMAND_PTR           = 11'h1EC;

// Context blocks: IT context n at BASE + n * STRIDE, registers at the offsets below.
localparam [10:0] OHCI_IT_CONTEXT_BASE       = 11'h200;
localparam [10:0] OHCI_IT_CONTEXT_STRIDE     = 11'h010;
localparam [10:0] OHCI_IR_CONTEXT_BASE       = 11'h400;
localparam [10:0] OHCI_IR_CONTEXT_STRIDE     = 11'h020;
localparam [10:0] OHCI_CONTEXT_CONTROL_SET   = 11'h000;
localparam [10:0] OHCI_CONTEXT_CONTROL_CLEAR = 11'h004;
localparam [10:0] OHCI_COMMAND_PTR           = 11'h00C;
localparam [10:0] OHCI_CONTEXT_MATCH         = 11'h010;
localparam [10:0] OHCI_DROPPED_PACKETS       = 11'h01C;
localparam integer OHCI_CONTEXTS_MAX         = 32;

// Version fields.
localparam integer OHCI_VERSION_REVISION_LSB   = 0;
localparam integer OHCI_VERSION_REVISION_WIDTH = 8;
localparam integer OHCI_VERSION_VERSION_LSB    = 16;
localparam integer OHCI_VERSION_VERSION_WIDTH  = 8;
localparam integer OHCI_VERSION_GUID_ROM       = 24;

// ATRetries fields.
localparam integer OHCI_AT_RETRIES_MAX_AT_REQ_RETRIES_LSB      = 0;
localparam integer OHCI_AT_RETRIES_MAX_AT_REQ_RETRIES_WIDTH    = 4;
localparam integer OHCI_AT_RETRIES_MAX_AT_RESP_RETRIES_LSB     = 4;
localparam integer OHCI_AT_RETRIES_MAX_AT_RESP_RETRIES_WIDTH   = 4;
localparam integer OHCI_AT_RETRIES_MAX_PHYS_RESP_RETRIES_LSB   = 8;
localparam integer OHCI_AT_RETRIES_MAX_PHYS_RESP_RETRIES_WIDTH = 4;
localparam integer OHCI_AT_RETRIES_CYCLE_LIMIT_LSB             = 16;
localparam integer OHCI_AT_RETRIES_CYCLE_LIMIT_WIDTH           = 13;
localparam integer OHCI_AT_RETRIES_SECOND_LIMIT_LSB            = 29;
localparam integer OHCI_AT_RETRIES_SECOND_LIMIT_WIDTH          = 3;

// CSRReadData fields.
localparam integer OHCI_CSR_READ_DATA_DATA_LSB   = 0;
localparam integer OHCI_CSR_READ_DATA_DATA_WIDTH = 32;

// CSRCompareData fields.
localparam integer OHCI_CSR_COMPARE_DATA_DATA_LSB   = 0;
localparam integer OHCI_CSR_COMPARE_DATA_DATA_WIDTH = 32;

// CSRControl fields.
localparam integer OHCI_CSR_CONTROL_CSR_SEL_LSB   = 0;
localparam integer OHCI_CSR_CONTROL_CSR_SEL_WIDTH = 2;
localparam integer OHCI_CSR_CONTROL_CSR_DONE      = 31;

// ConfigROMhdr fields.
localparam integer OHCI_CONFIG_ROM_HDR_ROM_CRC_VALUE_LSB   = 0;
localparam integer OHCI_CONFIG_ROM_HDR_ROM_CRC_VALUE_WIDTH = 16;
localparam integer OHCI_CONFIG_ROM_HDR_CRC_LENGTH_LSB      = 16;
localparam integer OHCI_CONFIG_ROM_HDR_CRC_LENGTH_WIDTH    = 8;
localparam integer OHCI_CONFIG_ROM_HDR_INFO_LENGTH_LSB     = 24;
localparam integer OHCI_CONFIG_ROM_HDR_INFO_LENGTH_WIDTH   = 8;

// BusID fields.
localparam integer OHCI_BUS_ID_BUS_NAME_LSB   = 0;
localparam integer OHCI_BUS_ID_BUS_NAME_WIDTH = 32;

// BusOptions fields.
localparam integer OHCI_BUS_OPTIONS_LNK_SPD_LSB       = 0;
localparam integer OHCI_BUS_OPTIONS_LNK_SPD_WIDTH     = 3;
localparam integer OHCI_BUS_OPTIONS_G_LSB             = 6;
localparam integer OHCI_BUS_OPTIONS_G_WIDTH           = 2;
localparam integer OHCI_BUS_OPTIONS_MAX_REC_LSB       = 12;
localparam integer OHCI_BUS_OPTIONS_MAX_REC_WIDTH     = 4;
localparam integer OHCI_BUS_OPTIONS_CYC_CLK_ACC_LSB   = 16;
localparam integer OHCI_BUS_OPTIONS_CYC_CLK_ACC_WIDTH = 8;
localparam integer OHCI_BUS_OPTIONS_PMC               = 27;
localparam integer OHCI_BUS_OPTIONS_BMC               = 28;
localparam integer OHCI_BUS_OPTIONS_ISC               = 29;
localparam integer OHCI_BUS_OPTIONS_CMC               = 30;
localparam integer OHCI_BUS_OPTIONS_IRMC              = 31;

// GUIDHi fields.
localparam integer OHCI_GUID_HI_GUID_LSB   = 0;
localparam integer OHCI_GUID_HI_GUID_WIDTH = 32;

// GUIDLo fields.
localparam integer OHCI_GUID_LO_GUID_LSB   = 0;
localparam integer OHCI_GUID_LO_GUID_WIDTH = 32;

// ConfigROMmap fields.
localparam integer OHCI_CONFIG_ROM_MAP_CONFIG_ROM_ADDR_LSB   = 10;
localparam integer OHCI_CONFIG_ROM_MAP_CONFIG_ROM_ADDR_WIDTH = 22;

// PostedWriteAddressLo fields.
localparam integer OHCI_POSTED_WRITE_ADDRESS_LO_VALUE_LSB   = 0;
localparam integer OHCI_POSTED_WRITE_ADDRESS_LO_VALUE_WIDTH = 32;

// PostedWriteAddressHi fields.
localparam integer OHCI_POSTED_WRITE_ADDRESS_HI_VALUE_LSB   = 0;
localparam integer OHCI_POSTED_WRITE_ADDRESS_HI_VALUE_WIDTH = 32;

// HCControlSet / HCControlClear fields.
localparam integer OHCI_HC_CONTROL_SOFT_RESET           = 16;
localparam integer OHCI_HC_CONTROL_LINK_ENABLE          = 17;
localparam integer OHCI_HC_CONTROL_POSTED_WRITE_ENABLE  = 18;
localparam integer OHCI_HC_CONTROL_LPS                  = 19;
localparam integer OHCI_HC_CONTROL_A_PHY_ENHANCE_ENABLE = 22;
localparam integer OHCI_HC_CONTROL_PROGRAM_PHY_ENABLE   = 23;
localparam integer OHCI_HC_CONTROL_ACK_TARDY_ENABLE     = 29;
localparam integer OHCI_HC_CONTROL_NO_BYTE_SWAP_DATA    = 30;
localparam integer OHCI_HC_CONTROL_BIB_IMAGE_VALID      = 31;

// SelfIDBuffer fields.
localparam integer OHCI_SELF_ID_BUFFER_SELF_ID_BUFFER_PTR_LSB   = 11;
localparam integer OHCI_SELF_ID_BUFFER_SELF_ID_BUFFER_PTR_WIDTH = 21;

// SelfIDCount fields.
localparam integer OHCI_SELF_ID_COUNT_SELF_ID_SIZE_LSB         = 2;
localparam integer OHCI_SELF_ID_COUNT_SELF_ID_SIZE_WIDTH       = 9;
localparam integer OHCI_SELF_ID_COUNT_SELF_ID_GENERATION_LSB   = 16;
localparam integer OHCI_SELF_ID_COUNT_SELF_ID_GENERATION_WIDTH = 8;
localparam integer OHCI_SELF_ID_COUNT_SELF_ID_ERROR            = 31;

// IRMultiChanMaskHiSet / IRMultiChanMaskHiClear fields.
localparam integer OHCI_IR_MULTI_CHAN_MASK_HI_CHANNELS_LSB   = 0;
localparam integer OHCI_IR_MULTI_CHAN_MASK_HI_CHANNELS_WIDTH = 32;

// IRMultiChanMaskLoSet / IRMultiChanMaskLoClear fields.
localparam integer OHCI_IR_MULTI_CHAN_MASK_LO_CHANNELS_LSB   = 0;
localparam integer OHCI_IR_MULTI_CHAN_MASK_LO_CHANNELS_WIDTH = 32;

// IntEventSet / IntEventClear fields.
localparam integer OHCI_INT_EVENT_REQ_TX_COMPLETE     = 0;
localparam integer OHCI_INT_EVENT_RESP_TX_COMPLETE    = 1;
localparam integer OHCI_INT_EVENT_ARRQ                = 2;
localparam integer OHCI_INT_EVENT_ARRS                = 3;
localparam integer OHCI_INT_EVENT_RQ_PKT              = 4;
localparam integer OHCI_INT_EVENT_RS_PKT              = 5;
localparam integer OHCI_INT_EVENT_ISOCH_TX            = 6;
localparam integer OHCI_INT_EVENT_ISOCH_RX            = 7;
localparam integer OHCI_INT_EVENT_POSTED_WRITE_ERR    = 8;
localparam integer OHCI_INT_EVENT_LOCK_RESP_ERR       = 9;
localparam integer OHCI_INT_EVENT_SELF_ID_COMPLETE2   = 15;
localparam integer OHCI_INT_EVENT_SELF_ID_COMPLETE    = 16;
localparam integer OHCI_INT_EVENT_BUS_RESET           = 17;
localparam integer OHCI_INT_EVENT_REG_ACCESS_FAIL     = 18;
localparam integer OHCI_INT_EVENT_PHY                 = 19;
localparam integer OHCI_INT_EVENT_CYCLE_SYNCH         = 20;
localparam integer OHCI_INT_EVENT_CYCLE_64_SECONDS    = 21;
localparam integer OHCI_INT_EVENT_CYCLE_LOST          = 22;
localparam integer OHCI_INT_EVENT_CYCLE_INCONSISTENT  = 23;
localparam integer OHCI_INT_EVENT_UNRECOVERABLE_ERROR = 24;
localparam integer OHCI_INT_EVENT_CYCLE_TOO_LONG      = 25;
localparam integer OHCI_INT_EVENT_PHY_REG_RCVD        = 26;
localparam integer OHCI_INT_EVENT_ACK_TARDY           = 27;
localparam integer OHCI_INT_EVENT_SOFT_INTERRUPT      = 29;
localparam integer OHCI_INT_EVENT_VENDOR_SPECIFIC     = 30;

// IntMaskSet / IntMaskClear fields.
localparam integer OHCI_INT_MASK_REQ_TX_COMPLETE     = 0;
localparam integer OHCI_INT_MASK_RESP_TX_COMPLETE    = 1;
localparam integer OHCI_INT_MASK_ARRQ                = 2;
localparam integer OHCI_INT_MASK_ARRS                = 3;
localparam integer OHCI_INT_MASK_RQ_PKT              = 4;
localparam integer OHCI_INT_MASK_RS_PKT              = 5;
localparam integer OHCI_INT_MASK_ISOCH_TX            = 6;
localparam integer OHCI_INT_MASK_ISOCH_RX            = 7;
localparam integer OHCI_INT_MASK_POSTED_WRITE_ERR    = 8;
localparam integer OHCI_INT_MASK_LOCK_RESP_ERR       = 9;
localparam integer OHCI_INT_MASK_SELF_ID_COMPLETE2   = 15;
localparam integer OHCI_INT_MASK_SELF_ID_COMPLETE    = 16;
localparam integer OHCI_INT_MASK_BUS_RESET           = 17;
localparam integer OHCI_INT_MASK_REG_ACCESS_FAIL     = 18;
localparam integer OHCI_INT_MASK_PHY                 = 19;
localparam integer OHCI_INT_MASK_CYCLE_SYNCH         = 20;
localparam integer OHCI_INT_MASK_CYCLE_64_SECONDS    = 21;
localparam integer OHCI_INT_MASK_CYCLE_LOST          = 22;
localparam integer OHCI_INT_MASK_CYCLE_INCONSISTENT  = 23;
localparam integer OHCI_INT_MASK_UNRECOVERABLE_ERROR = 24;
localparam integer OHCI_INT_MASK_CYCLE_TOO_LONG      = 25;
localparam integer OHCI_INT_MASK_PHY_REG_RCVD        = 26;
localparam integer OHCI_INT_MASK_ACK_TARDY           = 27;
localparam integer OHCI_INT_MASK_SOFT_INTERRUPT      = 29;
localparam integer OHCI_INT_MASK_VENDOR_SPECIFIC     = 30;
localparam integer OHCI_INT_MASK_MASTER_INT_ENABLE   = 31;

// IsoXmitIntEventSet / IsoXmitIntEventClear fields.
localparam integer OHCI_ISO_XMIT_INT_EVENT_CONTEXTS_LSB   = 0;
localparam integer OHCI_ISO_XMIT_INT_EVENT_CONTEXTS_WIDTH = 32;

// IsoXmitIntMaskSet / IsoXmitIntMaskClear fields.
localparam integer OHCI_ISO_XMIT_INT_MASK_CONTEXTS_LSB   = 0;
localparam integer OHCI_ISO_XMIT_INT_MASK_CONTEXTS_WIDTH = 32;

// IsoRecvIntEventSet / IsoRecvIntEventClear fields.
localparam integer OHCI_ISO_RECV_INT_EVENT_CONTEXTS_LSB   = 0;
localparam integer OHCI_ISO_RECV_INT_EVENT_CONTEXTS_WIDTH = 32;

// IsoRecvIntMaskSet / IsoRecvIntMaskClear fields.
localparam integer OHCI_ISO_RECV_INT_MASK_CONTEXTS_LSB   = 0;
localparam integer OHCI_ISO_RECV_INT_MASK_CONTEXTS_WIDTH = 32;

// InitialBandwidthAvailable fields.
localparam integer OHCI_INITIAL_BANDWIDTH_AVAILABLE_INITIAL_BANDWIDTH_AVAILABLE_LSB   = 0;
localparam integer OHCI_INITIAL_BANDWIDTH_AVAILABLE_INITIAL_BANDWIDTH_AVAILABLE_WIDTH = 13;

// InitialChannelsAvailableHi fields.
localparam integer OHCI_INITIAL_CHANNELS_AVAILABLE_HI_CHANNELS_LSB   = 0;
localparam integer OHCI_INITIAL_CHANNELS_AVAILABLE_HI_CHANNELS_WIDTH = 32;

// InitialChannelsAvailableLo fields.
localparam integer OHCI_INITIAL_CHANNELS_AVAILABLE_LO_CHANNELS_LSB   = 0;
localparam integer OHCI_INITIAL_CHANNELS_AVAILABLE_LO_CHANNELS_WIDTH = 32;

// FairnessControl fields.
localparam integer OHCI_FAIRNESS_CONTROL_PRI_REQ_LSB   = 0;
localparam integer OHCI_FAIRNESS_CONTROL_PRI_REQ_WIDTH = 6;

// LinkControlSet / LinkControlClear fields.
localparam integer OHCI_LINK_CONTROL_TAG1_SYNC_FILTER_LOCK = 6;
localparam integer OHCI_LINK_CONTROL_RCV_SELF_ID           = 9;
localparam integer OHCI_LINK_CONTROL_RCV_PHY_PKT           = 10;
localparam integer OHCI_LINK_CONTROL_CYCLE_TIMER_ENABLE    = 20;
localparam integer OHCI_LINK_CONTROL_CYCLE_MASTER          = 21;
localparam integer OHCI_LINK_CONTROL_CYCLE_SOURCE          = 22;

// NodeID fields.
localparam integer OHCI_NODE_ID_NODE_NUMBER_LSB   = 0;
localparam integer OHCI_NODE_ID_NODE_NUMBER_WIDTH = 6;
localparam integer OHCI_NODE_ID_BUS_NUMBER_LSB    = 6;
localparam integer OHCI_NODE_ID_BUS_NUMBER_WIDTH  = 10;
localparam integer OHCI_NODE_ID_CPS               = 27;
localparam integer OHCI_NODE_ID_ROOT              = 30;
localparam integer OHCI_NODE_ID_ID_VALID          = 31;

// PhyControl fields.
localparam integer OHCI_PHY_CONTROL_WR_DATA_LSB    = 0;
localparam integer OHCI_PHY_CONTROL_WR_DATA_WIDTH  = 8;
localparam integer OHCI_PHY_CONTROL_REG_ADDR_LSB   = 8;
localparam integer OHCI_PHY_CONTROL_REG_ADDR_WIDTH = 4;
localparam integer OHCI_PHY_CONTROL_WR_REG         = 14;
localparam integer OHCI_PHY_CONTROL_RD_REG         = 15;
localparam integer OHCI_PHY_CONTROL_RD_DATA_LSB    = 16;
localparam integer OHCI_PHY_CONTROL_RD_DATA_WIDTH  = 8;
localparam integer OHCI_PHY_CONTROL_RD_ADDR_LSB    = 24;
localparam integer OHCI_PHY_CONTROL_RD_ADDR_WIDTH  = 4;
localparam integer OHCI_PHY_CONTROL_RD_DONE        = 31;

// IsochronousCycleTimer fields.
localparam integer OHCI_ISOCHRONOUS_CYCLE_TIMER_CYCLE_OFFSET_LSB    = 0;
localparam integer OHCI_ISOCHRONOUS_CYCLE_TIMER_CYCLE_OFFSET_WIDTH  = 12;
localparam integer OHCI_ISOCHRONOUS_CYCLE_TIMER_CYCLE_COUNT_LSB     = 12;
localparam integer OHCI_ISOCHRONOUS_CYCLE_TIMER_CYCLE_COUNT_WIDTH   = 13;
localparam integer OHCI_ISOCHRONOUS_CYCLE_TIMER_CYCLE_SECONDS_LSB   = 25;
localparam integer OHCI_ISOCHRONOUS_CYCLE_TIMER_CYCLE_SECONDS_WIDTH = 7;

// AsynchronousRequestFilterHiSet / AsynchronousRequestFilterHiClear fields.
localparam integer OHCI_AS_REQ_FILTER_HI_NODES_LSB   = 0;
localparam integer OHCI_AS_REQ_FILTER_HI_NODES_WIDTH = 32;

// AsynchronousRequestFilterLoSet / AsynchronousRequestFilterLoClear fields.
localparam integer OHCI_AS_REQ_FILTER_LO_NODES_LSB   = 0;
localparam integer OHCI_AS_REQ_FILTER_LO_NODES_WIDTH = 32;

// PhysicalRequestFilterHiSet / PhysicalRequestFilterHiClear fields.
localparam integer OHCI_PHY_REQ_FILTER_HI_NODES_LSB   = 0;
localparam integer OHCI_PHY_REQ_FILTER_HI_NODES_WIDTH = 32;

// PhysicalRequestFilterLoSet / PhysicalRequestFilterLoClear fields.
localparam integer OHCI_PHY_REQ_FILTER_LO_NODES_LSB   = 0;
localparam integer OHCI_PHY_REQ_FILTER_LO_NODES_WIDTH = 32;

// PhyUpperBound fields.
localparam integer OHCI_PHY_UPPER_BOUND_PHYS_UPPER_BOUND_LSB   = 0;
localparam integer OHCI_PHY_UPPER_BOUND_PHYS_UPPER_BOUND_WIDTH = 32;

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
localparam integer OHCI_AT_REQUEST_CONTEXT_CONTROL_ASYNC_WAKE = 12;
localparam integer OHCI_AT_REQUEST_CONTEXT_CONTROL_ASYNC_RUN  = 15;

// CommandPtr (asynchronous) fields.
localparam integer OHCI_AT_REQUEST_COMMAND_PTR_ASYNC_COMMAND_LSB   = 0;
localparam integer OHCI_AT_REQUEST_COMMAND_PTR_ASYNC_COMMAND_WIDTH = 32;

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
localparam integer OHCI_AT_RESPONSE_CONTEXT_CONTROL_ASYNC_WAKE = 12;
localparam integer OHCI_AT_RESPONSE_CONTEXT_CONTROL_ASYNC_RUN  = 15;

// CommandPtr (asynchronous) fields.
localparam integer OHCI_AT_RESPONSE_COMMAND_PTR_ASYNC_COMMAND_LSB   = 0;
localparam integer OHCI_AT_RESPONSE_COMMAND_PTR_ASYNC_COMMAND_WIDTH = 32;

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
localparam integer OHCI_AR_REQUEST_CONTEXT_CONTROL_ASYNC_WAKE = 12;
localparam integer OHCI_AR_REQUEST_CONTEXT_CONTROL_ASYNC_RUN  = 15;

// CommandPtr (asynchronous) fields.
localparam integer OHCI_AR_REQUEST_COMMAND_PTR_ASYNC_COMMAND_LSB   = 0;
localparam integer OHCI_AR_REQUEST_COMMAND_PTR_ASYNC_COMMAND_WIDTH = 32;

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
localparam integer OHCI_AR_RESPONSE_CONTEXT_CONTROL_ASYNC_WAKE = 12;
localparam integer OHCI_AR_RESPONSE_CONTEXT_CONTROL_ASYNC_RUN  = 15;

// CommandPtr (asynchronous) fields.
localparam integer OHCI_AR_RESPONSE_COMMAND_PTR_ASYNC_COMMAND_LSB   = 0;
localparam integer OHCI_AR_RESPONSE_COMMAND_PTR_ASYNC_COMMAND_WIDTH = 32;

// ContextControlSet / ContextControlClear fields.
localparam integer OHCI_CONTEXT_CONTROL_EVENT_CODE_LSB   = 0;
localparam integer OHCI_CONTEXT_CONTROL_EVENT_CODE_WIDTH = 5;
localparam integer OHCI_CONTEXT_CONTROL_SPD_LSB          = 5;
localparam integer OHCI_CONTEXT_CONTROL_SPD_WIDTH        = 3;
localparam integer OHCI_CONTEXT_CONTROL_ACTIVE           = 10;
localparam integer OHCI_CONTEXT_CONTROL_DEAD             = 11;
localparam integer OHCI_CONTEXT_CONTROL_WAKE             = 12;
localparam integer OHCI_CONTEXT_CONTROL_RUN              = 15;

// IT ContextControlSet / ContextControlClear fields.
localparam integer OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_LSB    = 16;
localparam integer OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_WIDTH  = 15;
localparam integer OHCI_IT_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE = 31;

// IR ContextControlSet / ContextControlClear fields.
localparam integer OHCI_IR_CONTEXT_CONTROL_DUAL_BUFFER_MODE   = 27;
localparam integer OHCI_IR_CONTEXT_CONTROL_MULTI_CHAN_MODE    = 28;
localparam integer OHCI_IR_CONTEXT_CONTROL_CYCLE_MATCH_ENABLE = 29;
localparam integer OHCI_IR_CONTEXT_CONTROL_ISOCH_HEADER       = 30;
localparam integer OHCI_IR_CONTEXT_CONTROL_BUFFER_FILL        = 31;

// CommandPtr fields.
localparam integer OHCI_COMMAND_PTR_Z_LSB                    = 0;
localparam integer OHCI_COMMAND_PTR_Z_WIDTH                  = 4;
localparam integer OHCI_COMMAND_PTR_DESCRIPTOR_ADDRESS_LSB   = 4;
localparam integer OHCI_COMMAND_PTR_DESCRIPTOR_ADDRESS_WIDTH = 28;

// ContextMatch fields.
localparam integer OHCI_CONTEXT_MATCH_CHANNEL_NUMBER_LSB   = 0;
localparam integer OHCI_CONTEXT_MATCH_CHANNEL_NUMBER_WIDTH = 6;
localparam integer OHCI_CONTEXT_MATCH_TAG1_SYNC_FILTER     = 6;
localparam integer OHCI_CONTEXT_MATCH_SYNC_LSB             = 8;
localparam integer OHCI_CONTEXT_MATCH_SYNC_WIDTH           = 4;
localparam integer OHCI_CONTEXT_MATCH_CYCLE_MATCH_LSB      = 12;
localparam integer OHCI_CONTEXT_MATCH_CYCLE_MATCH_WIDTH    = 15;
localparam integer OHCI_CONTEXT_MATCH_TAG_LSB              = 28;
localparam integer OHCI_CONTEXT_MATCH_TAG_WIDTH            = 4;

// DroppedPackets fields.
localparam integer OHCI_DROPPED_PACKETS_COUNT_LSB   = 0;
localparam integer OHCI_DROPPED_PACKETS_COUNT_WIDTH = 32;

// Values of constant registers.
localparam [31:0] OHCI_VERSION_VALUE = 32'h00010010;
localparam [31:0] OHCI_BUS_ID_VALUE  = 32'h31333934;

// Power-on values of registers whose every field has a reset value.
localparam [31:0] OHCI_AT_RETRIES_RESET                    = 32'h00000000;
localparam [31:0] OHCI_CONFIG_ROM_HDR_RESET                = 32'h00000000;
localparam [31:0] OHCI_BUS_OPTIONS_RESET                   = 32'h0000A002;
localparam [31:0] OHCI_CONFIG_ROM_MAP_RESET                = 32'h00000000;
localparam [31:0] OHCI_POSTED_WRITE_ADDRESS_LO_RESET       = 32'h00000000;
localparam [31:0] OHCI_POSTED_WRITE_ADDRESS_HI_RESET       = 32'h00000000;
localparam [31:0] OHCI_SELF_ID_BUFFER_RESET                = 32'h00000000;
localparam [31:0] OHCI_INITIAL_BANDWIDTH_AVAILABLE_RESET   = 32'h00001333;
localparam [31:0] OHCI_INITIAL_CHANNELS_AVAILABLE_HI_RESET = 32'hFFFFFFFF;
localparam [31:0] OHCI_INITIAL_CHANNELS_AVAILABLE_LO_RESET = 32'hFFFFFFFF;
localparam [31:0] OHCI_FAIRNESS_CONTROL_RESET              = 32'h00000000;
localparam [31:0] OHCI_PHY_UPPER_BOUND_RESET               = 32'h00000000;
localparam [31:0] OHCI_AT_REQUEST_COMMAND_PTR_RESET        = 32'h00000000;
localparam [31:0] OHCI_AT_RESPONSE_COMMAND_PTR_RESET       = 32'h00000000;
localparam [31:0] OHCI_AR_REQUEST_COMMAND_PTR_RESET        = 32'h00000000;
localparam [31:0] OHCI_AR_RESPONSE_COMMAND_PTR_RESET       = 32'h00000000;

// DMA descriptors (16-byte little-endian structures in host memory): quadlet offsets.
localparam [4:0] OHCI_DESC_CONTROL    = 5'h00;
localparam [4:0] OHCI_DESC_DATA       = 5'h04;
localparam [4:0] OHCI_DESC_BRANCH     = 5'h08;
localparam [4:0] OHCI_DESC_STATUS     = 5'h0C;
localparam [4:0] OHCI_DESC_ISO_HEADER = 5'h10;
localparam [4:0] OHCI_DESC_ISO_LENGTH = 5'h14;

// control / reqCount fields.
localparam integer OHCI_DESC_CONTROL_REQ_COUNT_LSB   = 0;
localparam integer OHCI_DESC_CONTROL_REQ_COUNT_WIDTH = 16;
localparam integer OHCI_DESC_CONTROL_WAIT_LSB        = 16;
localparam integer OHCI_DESC_CONTROL_WAIT_WIDTH      = 2;
localparam integer OHCI_DESC_CONTROL_BRANCH_LSB      = 18;
localparam integer OHCI_DESC_CONTROL_BRANCH_WIDTH    = 2;
localparam integer OHCI_DESC_CONTROL_INTERRUPT_LSB   = 20;
localparam integer OHCI_DESC_CONTROL_INTERRUPT_WIDTH = 2;
localparam integer OHCI_DESC_CONTROL_YY              = 22;
localparam integer OHCI_DESC_CONTROL_PING            = 23;
localparam integer OHCI_DESC_CONTROL_KEY_LSB         = 24;
localparam integer OHCI_DESC_CONTROL_KEY_WIDTH       = 3;
localparam integer OHCI_DESC_CONTROL_WRITE_STATUS    = 27;
localparam integer OHCI_DESC_CONTROL_CMD_LSB         = 28;
localparam integer OHCI_DESC_CONTROL_CMD_WIDTH       = 4;

// dataAddress fields.
localparam integer OHCI_DESC_DATA_ADDRESS_LSB   = 0;
localparam integer OHCI_DESC_DATA_ADDRESS_WIDTH = 32;

// branchAddress / Z fields.
localparam integer OHCI_DESC_BRANCH_Z_LSB         = 0;
localparam integer OHCI_DESC_BRANCH_Z_WIDTH       = 4;
localparam integer OHCI_DESC_BRANCH_ADDRESS_LSB   = 4;
localparam integer OHCI_DESC_BRANCH_ADDRESS_WIDTH = 28;

// xferStatus / timeStamp fields.
localparam integer OHCI_DESC_STATUS_TIME_STAMP_LSB    = 0;
localparam integer OHCI_DESC_STATUS_TIME_STAMP_WIDTH  = 16;
localparam integer OHCI_DESC_STATUS_XFER_STATUS_LSB   = 16;
localparam integer OHCI_DESC_STATUS_XFER_STATUS_WIDTH = 16;

// immediate quadlet 0 fields.
localparam integer OHCI_DESC_ISO_HEADER_SY_LSB        = 0;
localparam integer OHCI_DESC_ISO_HEADER_SY_WIDTH      = 4;
localparam integer OHCI_DESC_ISO_HEADER_TCODE_LSB     = 4;
localparam integer OHCI_DESC_ISO_HEADER_TCODE_WIDTH   = 4;
localparam integer OHCI_DESC_ISO_HEADER_CHANNEL_LSB   = 8;
localparam integer OHCI_DESC_ISO_HEADER_CHANNEL_WIDTH = 6;
localparam integer OHCI_DESC_ISO_HEADER_TAG_LSB       = 14;
localparam integer OHCI_DESC_ISO_HEADER_TAG_WIDTH     = 2;
localparam integer OHCI_DESC_ISO_HEADER_SPD_LSB       = 16;
localparam integer OHCI_DESC_ISO_HEADER_SPD_WIDTH     = 3;

// immediate quadlet 1 fields.
localparam integer OHCI_DESC_ISO_LENGTH_DATA_LENGTH_LSB   = 16;
localparam integer OHCI_DESC_ISO_LENGTH_DATA_LENGTH_WIDTH = 16;

// csr_sel encodings (csr_control.csr_sel).
localparam [1:0] OHCI_CSR_SEL_BUS_MANAGER_ID        = 2'h0;
localparam [1:0] OHCI_CSR_SEL_BANDWIDTH_AVAILABLE   = 2'h1;
localparam [1:0] OHCI_CSR_SEL_CHANNELS_AVAILABLE_HI = 2'h2;
localparam [1:0] OHCI_CSR_SEL_CHANNELS_AVAILABLE_LO = 2'h3;

// desc_branch encodings (control.branch).
localparam [1:0] OHCI_DESC_B_NEVER  = 2'h0;
localparam [1:0] OHCI_DESC_B_ALWAYS = 2'h3;

// desc_cmd encodings (control.cmd).
localparam [3:0] OHCI_DESC_CMD_OUTPUT_MORE = 4'h0;
localparam [3:0] OHCI_DESC_CMD_OUTPUT_LAST = 4'h1;
localparam [3:0] OHCI_DESC_CMD_INPUT_MORE  = 4'h2;
localparam [3:0] OHCI_DESC_CMD_INPUT_LAST  = 4'h3;
localparam [3:0] OHCI_DESC_CMD_STORE_VALUE = 4'h8;

// desc_interrupt encodings (control.interrupt).
localparam [1:0] OHCI_DESC_I_NEVER  = 2'h0;
localparam [1:0] OHCI_DESC_I_ALWAYS = 2'h3;

// desc_key encodings (control.key).
localparam [2:0] OHCI_DESC_KEY_DATA      = 3'h0;
localparam [2:0] OHCI_DESC_KEY_IMMEDIATE = 3'h2;
localparam [2:0] OHCI_DESC_KEY_STORE     = 3'h6;

// desc_wait encodings (control.wait).
localparam [1:0] OHCI_DESC_W_NEVER = 2'h0;
localparam [1:0] OHCI_DESC_W_WAIT  = 2'h3;

// event_code encodings (context_control.event_code).
localparam [4:0] OHCI_EVT_NO_STATUS       = 5'h00;
localparam [4:0] OHCI_EVT_LONG_PACKET     = 5'h02;
localparam [4:0] OHCI_EVT_MISSING_ACK     = 5'h03;
localparam [4:0] OHCI_EVT_UNDERRUN        = 5'h04;
localparam [4:0] OHCI_EVT_OVERRUN         = 5'h05;
localparam [4:0] OHCI_EVT_DESCRIPTOR_READ = 5'h06;
localparam [4:0] OHCI_EVT_DATA_READ       = 5'h07;
localparam [4:0] OHCI_EVT_DATA_WRITE      = 5'h08;
localparam [4:0] OHCI_EVT_BUS_RESET       = 5'h09;
localparam [4:0] OHCI_EVT_TIMEOUT         = 5'h0A;
localparam [4:0] OHCI_EVT_TCODE_ERR       = 5'h0B;
localparam [4:0] OHCI_EVT_UNKNOWN         = 5'h0E;
localparam [4:0] OHCI_EVT_FLUSHED         = 5'h0F;
localparam [4:0] OHCI_ACK_COMPLETE        = 5'h11;
localparam [4:0] OHCI_ACK_PENDING         = 5'h12;
localparam [4:0] OHCI_ACK_BUSY_X          = 5'h14;
localparam [4:0] OHCI_ACK_BUSY_A          = 5'h15;
localparam [4:0] OHCI_ACK_BUSY_B          = 5'h16;
localparam [4:0] OHCI_ACK_TARDY           = 5'h1B;
localparam [4:0] OHCI_ACK_DATA_ERROR      = 5'h1D;
localparam [4:0] OHCI_ACK_TYPE_ERROR      = 5'h1E;

// speed encodings (bus_options.lnk_spd, context_control.spd, iso_header.spd).
localparam [2:0] OHCI_SPEED_S100 = 3'h0;
localparam [2:0] OHCI_SPEED_S200 = 3'h1;
localparam [2:0] OHCI_SPEED_S400 = 3'h2;
localparam [2:0] OHCI_SPEED_S800 = 3'h3;

// tcode encodings (iso_header.tcode).
localparam [3:0] OHCI_TCODE_CYCLE_START = 4'h8;
localparam [3:0] OHCI_TCODE_ISO_BLOCK   = 4'hA;

/* verilator lint_on UNUSEDPARAM */
