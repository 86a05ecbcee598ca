// generated from regmap/ohci.rdl by regmap/gen_regmap.py — do not edit
//
// The OHCI 1.1 register map for the firmware: register offsets in the 0x800-byte window,
// field positions (regs::<register>::k<Field>), the context-block helpers, the descriptor
// layout (regs::desc) and the encodings. docs/registers.md has the tables.
#pragma once

#include <cstdint>
#include <string_view>

namespace ohci::regs {

// A field of a 32-bit register or descriptor quadlet: `shift` is its least significant bit.
struct Field {
  std::uint32_t shift;
  std::uint32_t width;

  // The field's bits, in place.
  constexpr std::uint32_t mask() const {
    return (width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u) << shift;
  }
  // The field's value in `word`.
  constexpr std::uint32_t get(std::uint32_t word) const { return (word & mask()) >> shift; }
  // `value` moved into the field's bits; bits that do not fit are dropped.
  constexpr std::uint32_t put(std::uint32_t value) const { return (value << shift) & mask(); }
  // Whether `value` fits the field unchanged.
  constexpr bool fits(std::uint32_t value) const { return get(put(value)) == value; }
};

// Register offsets in the window.
// Version
inline constexpr std::uint32_t kVersion = 0x000;
// ATRetries
inline constexpr std::uint32_t kAtRetries = 0x008;
// CSRReadData
inline constexpr std::uint32_t kCsrReadData = 0x00C;
// CSRCompareData
inline constexpr std::uint32_t kCsrCompareData = 0x010;
// CSRControl
inline constexpr std::uint32_t kCsrControl = 0x014;
// ConfigROMhdr
inline constexpr std::uint32_t kConfigRomHdr = 0x018;
// BusID
inline constexpr std::uint32_t kBusId = 0x01C;
// BusOptions
inline constexpr std::uint32_t kBusOptions = 0x020;
// GUIDHi
inline constexpr std::uint32_t kGuidHi = 0x024;
// GUIDLo
inline constexpr std::uint32_t kGuidLo = 0x028;
// ConfigROMmap
inline constexpr std::uint32_t kConfigRomMap = 0x034;
// PostedWriteAddressLo
inline constexpr std::uint32_t kPostedWriteAddressLo = 0x038;
// PostedWriteAddressHi
inline constexpr std::uint32_t kPostedWriteAddressHi = 0x03C;
// HCControlSet
inline constexpr std::uint32_t kHcControlSet = 0x050;
// HCControlClear
inline constexpr std::uint32_t kHcControlClear = 0x054;
// SelfIDBuffer
inline constexpr std::uint32_t kSelfIdBuffer = 0x064;
// SelfIDCount
inline constexpr std::uint32_t kSelfIdCount = 0x068;
// IRMultiChanMaskHiSet
inline constexpr std::uint32_t kIrMultiChanMaskHiSet = 0x070;
// IRMultiChanMaskHiClear
inline constexpr std::uint32_t kIrMultiChanMaskHiClear = 0x074;
// IRMultiChanMaskLoSet
inline constexpr std::uint32_t kIrMultiChanMaskLoSet = 0x078;
// IRMultiChanMaskLoClear
inline constexpr std::uint32_t kIrMultiChanMaskLoClear = 0x07C;
// IntEventSet
inline constexpr std::uint32_t kIntEventSet = 0x080;
// IntEventClear
inline constexpr std::uint32_t kIntEventClear = 0x084;
// IntMaskSet
inline constexpr std::uint32_t kIntMaskSet = 0x088;
// IntMaskClear
inline constexpr std::uint32_t kIntMaskClear = 0x08C;
// IsoXmitIntEventSet
inline constexpr std::uint32_t kIsoXmitIntEventSet = 0x090;
// IsoXmitIntEventClear
inline constexpr std::uint32_t kIsoXmitIntEventClear = 0x094;
// IsoXmitIntMaskSet
inline constexpr std::uint32_t kIsoXmitIntMaskSet = 0x098;
// IsoXmitIntMaskClear
inline constexpr std::uint32_t kIsoXmitIntMaskClear = 0x09C;
// IsoRecvIntEventSet
inline constexpr std::uint32_t kIsoRecvIntEventSet = 0x0A0;
// IsoRecvIntEventClear
inline constexpr std::uint32_t kIsoRecvIntEventClear = 0x0A4;
// IsoRecvIntMaskSet
inline constexpr std::uint32_t kIsoRecvIntMaskSet = 0x0A8;
// IsoRecvIntMaskClear
inline constexpr std::uint32_t kIsoRecvIntMaskClear = 0x0AC;
// InitialBandwidthAvailable
inline constexpr std::uint32_t kInitialBandwidthAvailable = 0x0B0;
// InitialChannelsAvailableHi
inline constexpr std::uint32_t kInitialChannelsAvailableHi = 0x0B4;
// InitialChannelsAvailableLo
inline constexpr std::uint32_t kInitialChannelsAvailableLo = 0x0B8;
// FairnessControl
inline constexpr std::uint32_t kFairnessControl = 0x0DC;
// LinkControlSet
inline constexpr std::uint32_t kLinkControlSet = 0x0E0;
// LinkControlClear
inline constexpr std::uint32_t kLinkControlClear = 0x0E4;
// NodeID
inline constexpr std::uint32_t kNodeId = 0x0E8;
// PhyControl
inline constexpr std::uint32_t kPhyControl = 0x0EC;
// IsochronousCycleTimer
inline constexpr std::uint32_t kIsochronousCycleTimer = 0x0F0;
// AsynchronousRequestFilterHiSet
inline constexpr std::uint32_t kAsReqFilterHiSet = 0x100;
// AsynchronousRequestFilterHiClear
inline constexpr std::uint32_t kAsReqFilterHiClear = 0x104;
// AsynchronousRequestFilterLoSet
inline constexpr std::uint32_t kAsReqFilterLoSet = 0x108;
// AsynchronousRequestFilterLoClear
inline constexpr std::uint32_t kAsReqFilterLoClear = 0x10C;
// PhysicalRequestFilterHiSet
inline constexpr std::uint32_t kPhyReqFilterHiSet = 0x110;
// PhysicalRequestFilterHiClear
inline constexpr std::uint32_t kPhyReqFilterHiClear = 0x114;
// PhysicalRequestFilterLoSet
inline constexpr std::uint32_t kPhyReqFilterLoSet = 0x118;
// PhysicalRequestFilterLoClear
inline constexpr std::uint32_t kPhyReqFilterLoClear = 0x11C;
// PhyUpperBound
inline constexpr std::uint32_t kPhyUpperBound = 0x120;
// ContextControlSet (asynchronous)
inline constexpr std::uint32_t kAtRequestContextControlSet = 0x180;
// ContextControlClear (asynchronous)
inline constexpr std::uint32_t kAtRequestContextControlClear = 0x184;
// CommandPtr (asynchronous)
inline constexpr std::uint32_t kAtRequestCommandPtr = 0x18C;
// ContextControlSet (asynchronous)
inline constexpr std::uint32_t kAtResponseContextControlSet = 0x1A0;
// ContextControlClear (asynchronous)
inline constexpr std::uint32_t kAtResponseContextControlClear = 0x1A4;
// CommandPtr (asynchronous)
inline constexpr std::uint32_t kAtResponseCommandPtr = 0x1AC;
// ContextControlSet (asynchronous)
inline constexpr std::uint32_t kArRequestContextControlSet = 0x1C0;
// ContextControlClear (asynchronous)
inline constexpr std::uint32_t kArRequestContextControlClear = 0x1C4;
// CommandPtr (asynchronous)
inline constexpr std::uint32_t kArRequestCommandPtr = 0x1CC;
// ContextControlSet (asynchronous)
inline constexpr std::uint32_t kArResponseContextControlSet = 0x1E0;
// ContextControlClear (asynchronous)
inline constexpr std::uint32_t kArResponseContextControlClear = 0x1E4;
// CommandPtr (asynchronous)
inline constexpr std::uint32_t kArResponseCommandPtr = 0x1EC;

// Context blocks: context n of a kind at Base + n * Stride.
inline constexpr std::uint32_t kItContextBase = 0x200;
inline constexpr std::uint32_t kItContextStride = 0x10;
inline constexpr std::uint32_t kIrContextBase = 0x400;
inline constexpr std::uint32_t kIrContextStride = 0x20;
inline constexpr std::uint32_t kContextsMax = 32;

// The registers of an IT context block, by offset inside the block.
enum class ItContextReg : std::uint32_t {
  // ContextControlSet
  kContextControlSet = 0x00,
  // ContextControlClear
  kContextControlClear = 0x04,
  // CommandPtr
  kCommandPtr = 0x0C,
};

// The registers of an IR context block, by offset inside the block.
enum class IrContextReg : std::uint32_t {
  // ContextControlSet
  kContextControlSet = 0x00,
  // ContextControlClear
  kContextControlClear = 0x04,
  // CommandPtr
  kCommandPtr = 0x0C,
  // ContextMatch
  kContextMatch = 0x10,
  // DroppedPackets
  kDroppedPackets = 0x1C,
};

// Offset of register `reg` of IT context `n`; n must be below kContextsMax.
constexpr std::uint32_t it_context(std::uint32_t n, ItContextReg reg) {
  return kItContextBase + n * kItContextStride + static_cast<std::uint32_t>(reg);
}

// Offset of register `reg` of IR context `n`; n must be below kContextsMax.
constexpr std::uint32_t ir_context(std::uint32_t n, IrContextReg reg) {
  return kIrContextBase + n * kIrContextStride + static_cast<std::uint32_t>(reg);
}

// Version fields.
namespace version {
// revision: Minor release: 0x10 for OHCI 1.1.
inline constexpr Field kRevision = {0, 8};
// version: Major release: 0x01.
inline constexpr Field kVersion = {16, 8};
// GUID_ROM: 1 when a GUID ROM is attached; this design has none.
inline constexpr Field kGuidRom = {24, 1};
// The register's value in this design.
inline constexpr std::uint32_t kValue = 0x00010010;
}  // namespace version

// ATRetries fields.
namespace at_retries {
// maxATReqRetries: Retries of an AT request.
inline constexpr Field kMaxAtReqRetries = {0, 4};
// maxATRespRetries: Retries of an AT response.
inline constexpr Field kMaxAtRespRetries = {4, 4};
// maxPhysRespRetries: Retries of a physical response.
inline constexpr Field kMaxPhysRespRetries = {8, 4};
// cycleLimit: Dual-phase retry time limit, cycles.
inline constexpr Field kCycleLimit = {16, 13};
// secondLimit: Dual-phase retry time limit, seconds.
inline constexpr Field kSecondLimit = {29, 3};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace at_retries

// CSRReadData fields.
namespace csr_read_data {
// csrData: Swap value (written) or old value (read).
inline constexpr Field kData = {0, 32};
}  // namespace csr_read_data

// CSRCompareData fields.
namespace csr_compare_data {
// csrCompareData: Value the CSR is compared with.
inline constexpr Field kData = {0, 32};
}  // namespace csr_compare_data

// CSRControl fields.
namespace csr_control {
// csrSel: The CSR of the compare-swap.
inline constexpr Field kCsrSel = {0, 2};
// csrDone: The last compare-swap is complete (cleared by writing CSRControl).
inline constexpr Field kCsrDone = {31, 1};
}  // namespace csr_control

// ConfigROMhdr fields.
namespace config_rom_hdr {
// rom_crc_value: CRC of the ROM.
inline constexpr Field kRomCrcValue = {0, 16};
// crc_length: Quadlets the CRC covers.
inline constexpr Field kCrcLength = {16, 8};
// info_length: Quadlets of bus information.
inline constexpr Field kInfoLength = {24, 8};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace config_rom_hdr

// BusID fields.
namespace bus_id {
// busName: 0x31333934, "1394" in ASCII.
inline constexpr Field kBusName = {0, 32};
// The register's value in this design.
inline constexpr std::uint32_t kValue = 0x31333934;
}  // namespace bus_id

// BusOptions fields.
namespace bus_options {
// Lnk_spd: Link speed: S400 (read-only).
inline constexpr Field kLnkSpd = {0, 3};
// g: Generation of the ROM.
inline constexpr Field kG = {6, 2};
// max_rec: Largest asynchronous payload as 2^(max_rec+1) bytes: 0xA (2048 bytes), the S400 maximum.
inline constexpr Field kMaxRec = {12, 4};
// cyc_clk_acc: Cycle master clock accuracy in ppm.
inline constexpr Field kCycClkAcc = {16, 8};
// pmc: Power manager capable.
inline constexpr Field kPmc = {27, 1};
// bmc: Bus manager capable.
inline constexpr Field kBmc = {28, 1};
// isc: Isochronous capable.
inline constexpr Field kIsc = {29, 1};
// cmc: Cycle master capable.
inline constexpr Field kCmc = {30, 1};
// irmc: Isochronous resource manager capable.
inline constexpr Field kIrmc = {31, 1};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x0000A002;
}  // namespace bus_options

// GUIDHi fields.
namespace guid_hi {
// guidHi: GUID bits.
inline constexpr Field kGuid = {0, 32};
}  // namespace guid_hi

// GUIDLo fields.
namespace guid_lo {
// guidLo: GUID bits.
inline constexpr Field kGuid = {0, 32};
}  // namespace guid_lo

// ConfigROMmap fields.
namespace config_rom_map {
// configROMaddr: Address bits 31:10.
inline constexpr Field kConfigRomAddr = {10, 22};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace config_rom_map

// PostedWriteAddressLo fields.
namespace posted_write_address_lo {
// offsetLo: Offset bits 31:0.
inline constexpr Field kValue = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace posted_write_address_lo

// PostedWriteAddressHi fields.
namespace posted_write_address_hi {
// sourceID:offsetHi: Source ID (31:16) and offset bits 47:32 (15:0).
inline constexpr Field kValue = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace posted_write_address_hi

// HCControlSet / HCControlClear fields.
namespace hc_control {
// softReset: Write 1 (Set) to reset the controller; it reads 1 while the reset is in progress and
// clears itself. Poll until it reads 0.
inline constexpr Field kSoftReset = {16, 1};
// linkEnable: Enables the link: cycle timer, packet transmission and reception.
inline constexpr Field kLinkEnable = {17, 1};
// postedWriteEnable: Enables posted writes (asynchronous path).
inline constexpr Field kPostedWriteEnable = {18, 1};
// LPS: Link power status: set before touching SCLK-domain registers.
inline constexpr Field kLps = {19, 1};
// aPhyEnhanceEnable: Use the 1394a PHY enhancements.
inline constexpr Field kAPhyEnhanceEnable = {22, 1};
// programPhyEnable: Software may program the PHY for 1394a enhancements.
inline constexpr Field kProgramPhyEnable = {23, 1};
// ackTardyEnable: Enables ack_tardy responses.
inline constexpr Field kAckTardyEnable = {29, 1};
// noByteSwapData: Do not byte-swap packet data (Linux clears it).
inline constexpr Field kNoByteSwapData = {30, 1};
// BIBimageValid: The configuration ROM image is valid.
inline constexpr Field kBibImageValid = {31, 1};
}  // namespace hc_control

// SelfIDBuffer fields.
namespace self_id_buffer {
// selfIDBufferPtr: Address bits 31:11.
inline constexpr Field kSelfIdBufferPtr = {11, 21};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace self_id_buffer

// SelfIDCount fields.
namespace self_id_count {
// selfIDSize: Quadlets written to the self-ID buffer, the header quadlet included (0 when rcvSelfID
// is clear).
inline constexpr Field kSelfIdSize = {2, 9};
// selfIDGeneration: Bus generation: incremented at every bus reset (modulo 256).
inline constexpr Field kSelfIdGeneration = {16, 8};
// selfIDError: A received self-ID quadlet was not followed by its inverse, a self-ID packet was not
// a whole number of quadlet pairs, or the buffer (2 KiB) or the receive FIFO overflowed.
inline constexpr Field kSelfIdError = {31, 1};
}  // namespace self_id_count

// IRMultiChanMaskHiSet / IRMultiChanMaskHiClear fields.
namespace ir_multi_chan_mask_hi {
// isoChannel: One enable bit per channel.
inline constexpr Field kChannels = {0, 32};
}  // namespace ir_multi_chan_mask_hi

// IRMultiChanMaskLoSet / IRMultiChanMaskLoClear fields.
namespace ir_multi_chan_mask_lo {
// isoChannel: One enable bit per channel.
inline constexpr Field kChannels = {0, 32};
}  // namespace ir_multi_chan_mask_lo

// IntEventSet / IntEventClear fields.
namespace int_event {
// reqTxComplete: AT request context completed a descriptor.
inline constexpr Field kReqTxComplete = {0, 1};
// respTxComplete: AT response context completed a descriptor.
inline constexpr Field kRespTxComplete = {1, 1};
// ARRQ: AR request context completed a descriptor.
inline constexpr Field kArrq = {2, 1};
// ARRS: AR response context completed a descriptor.
inline constexpr Field kArrs = {3, 1};
// RQPkt: A request packet was received.
inline constexpr Field kRqPkt = {4, 1};
// RSPkt: A response packet was received.
inline constexpr Field kRsPkt = {5, 1};
// isochTx: OR of (IsoXmitIntEvent AND IsoXmitIntMask). Read-only in IntEvent: clear the per-context
// bit in IsoXmitIntEventClear instead.
inline constexpr Field kIsochTx = {6, 1};
// isochRx: OR of (IsoRecvIntEvent AND IsoRecvIntMask). Read-only in IntEvent: clear the per-context
// bit in IsoRecvIntEventClear instead.
inline constexpr Field kIsochRx = {7, 1};
// postedWriteErr: A posted write failed.
inline constexpr Field kPostedWriteErr = {8, 1};
// lockRespErr: A lock response could not be sent.
inline constexpr Field kLockRespErr = {9, 1};
// selfIDComplete2: Self-ID phase complete (secondary, not cleared by busReset).
inline constexpr Field kSelfIdComplete2 = {15, 1};
// selfIDComplete: Self-ID phase complete.
inline constexpr Field kSelfIdComplete = {16, 1};
// busReset: The PHY entered bus reset.
inline constexpr Field kBusReset = {17, 1};
// regAccessFail: A register access failed (no SCLK).
inline constexpr Field kRegAccessFail = {18, 1};
// phy: PHY interrupt, delivered by a status transfer.
inline constexpr Field kPhy = {19, 1};
// cycleSynch: A new isochronous cycle began: the low bit of cycleCount toggled.
inline constexpr Field kCycleSynch = {20, 1};
// cycle64Seconds: Bit 6 of cycleSeconds changed.
inline constexpr Field kCycle64Seconds = {21, 1};
// cycleLost: No cycle start between two cycleSynch events.
inline constexpr Field kCycleLost = {22, 1};
// cycleInconsistent: A received cycle start disagreed with the local cycle timer (trigger
// UNCONFIRMED). Clear it before starting a cycle-matched IT context.
inline constexpr Field kCycleInconsistent = {23, 1};
// unrecoverableError: A context went dead; scan every ContextControl.
inline constexpr Field kUnrecoverableError = {24, 1};
// cycleTooLong: A cycle ran too long (threshold UNCONFIRMED); the controller cleared cycleMaster.
inline constexpr Field kCycleTooLong = {25, 1};
// phyRegRcvd: A PHY register value arrived in PhyControl.
inline constexpr Field kPhyRegRcvd = {26, 1};
// ack_tardy: An ack_tardy was sent.
inline constexpr Field kAckTardy = {27, 1};
// softInterrupt: Software-raised interrupt.
inline constexpr Field kSoftInterrupt = {29, 1};
// vendorSpecific: Vendor-specific event.
inline constexpr Field kVendorSpecific = {30, 1};
}  // namespace int_event

// IntMaskSet / IntMaskClear fields.
namespace int_mask {
// reqTxComplete: AT request context completed a descriptor.
inline constexpr Field kReqTxComplete = {0, 1};
// respTxComplete: AT response context completed a descriptor.
inline constexpr Field kRespTxComplete = {1, 1};
// ARRQ: AR request context completed a descriptor.
inline constexpr Field kArrq = {2, 1};
// ARRS: AR response context completed a descriptor.
inline constexpr Field kArrs = {3, 1};
// RQPkt: A request packet was received.
inline constexpr Field kRqPkt = {4, 1};
// RSPkt: A response packet was received.
inline constexpr Field kRsPkt = {5, 1};
// isochTx: Enables isochTx.
inline constexpr Field kIsochTx = {6, 1};
// isochRx: Enables isochRx.
inline constexpr Field kIsochRx = {7, 1};
// postedWriteErr: A posted write failed.
inline constexpr Field kPostedWriteErr = {8, 1};
// lockRespErr: A lock response could not be sent.
inline constexpr Field kLockRespErr = {9, 1};
// selfIDComplete2: Self-ID phase complete (secondary, not cleared by busReset).
inline constexpr Field kSelfIdComplete2 = {15, 1};
// selfIDComplete: Self-ID phase complete.
inline constexpr Field kSelfIdComplete = {16, 1};
// busReset: The PHY entered bus reset.
inline constexpr Field kBusReset = {17, 1};
// regAccessFail: A register access failed (no SCLK).
inline constexpr Field kRegAccessFail = {18, 1};
// phy: PHY interrupt, delivered by a status transfer.
inline constexpr Field kPhy = {19, 1};
// cycleSynch: A new isochronous cycle began: the low bit of cycleCount toggled.
inline constexpr Field kCycleSynch = {20, 1};
// cycle64Seconds: Bit 6 of cycleSeconds changed.
inline constexpr Field kCycle64Seconds = {21, 1};
// cycleLost: No cycle start between two cycleSynch events.
inline constexpr Field kCycleLost = {22, 1};
// cycleInconsistent: A received cycle start disagreed with the local cycle timer (trigger
// UNCONFIRMED). Clear it before starting a cycle-matched IT context.
inline constexpr Field kCycleInconsistent = {23, 1};
// unrecoverableError: A context went dead; scan every ContextControl.
inline constexpr Field kUnrecoverableError = {24, 1};
// cycleTooLong: A cycle ran too long (threshold UNCONFIRMED); the controller cleared cycleMaster.
inline constexpr Field kCycleTooLong = {25, 1};
// phyRegRcvd: A PHY register value arrived in PhyControl.
inline constexpr Field kPhyRegRcvd = {26, 1};
// ack_tardy: An ack_tardy was sent.
inline constexpr Field kAckTardy = {27, 1};
// softInterrupt: Software-raised interrupt.
inline constexpr Field kSoftInterrupt = {29, 1};
// vendorSpecific: Vendor-specific event.
inline constexpr Field kVendorSpecific = {30, 1};
// masterIntEnable: IntMask only: gates the interrupt line.
inline constexpr Field kMasterIntEnable = {31, 1};
}  // namespace int_mask

// IsoXmitIntEventSet / IsoXmitIntEventClear fields.
namespace iso_xmit_int_event {
// context: Bit n belongs to context n.
inline constexpr Field kContexts = {0, 32};
}  // namespace iso_xmit_int_event

// IsoXmitIntMaskSet / IsoXmitIntMaskClear fields.
namespace iso_xmit_int_mask {
// context: Bit n belongs to context n.
inline constexpr Field kContexts = {0, 32};
}  // namespace iso_xmit_int_mask

// IsoRecvIntEventSet / IsoRecvIntEventClear fields.
namespace iso_recv_int_event {
// context: Bit n belongs to context n.
inline constexpr Field kContexts = {0, 32};
}  // namespace iso_recv_int_event

// IsoRecvIntMaskSet / IsoRecvIntMaskClear fields.
namespace iso_recv_int_mask {
// context: Bit n belongs to context n.
inline constexpr Field kContexts = {0, 32};
}  // namespace iso_recv_int_mask

// InitialBandwidthAvailable fields.
namespace initial_bandwidth_available {
// InitBWAvailable: Allocation units (4915: 100 us of S1600 time minus the cycle start).
inline constexpr Field kInitialBandwidthAvailable = {0, 13};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00001333;
}  // namespace initial_bandwidth_available

// InitialChannelsAvailableHi fields.
namespace initial_channels_available_hi {
// InitChannelsHi: One bit per channel: 1 = available.
inline constexpr Field kChannels = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0xFFFFFFFF;
}  // namespace initial_channels_available_hi

// InitialChannelsAvailableLo fields.
namespace initial_channels_available_lo {
// InitChannelsLo: One bit per channel: 1 = available.
inline constexpr Field kChannels = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0xFFFFFFFF;
}  // namespace initial_channels_available_lo

// FairnessControl fields.
namespace fairness_control {
// pri_req: Priority requests allowed.
inline constexpr Field kPriReq = {0, 6};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace fairness_control

// LinkControlSet / LinkControlClear fields.
namespace link_control {
// tag1SyncFilterLock: Locks every IR context's tag1SyncFilter on (OHCI 1.1).
inline constexpr Field kTag1SyncFilterLock = {6, 1};
// rcvSelfID: Receive self-ID packets.
inline constexpr Field kRcvSelfId = {9, 1};
// rcvPhyPkt: Receive PHY packets.
inline constexpr Field kRcvPhyPkt = {10, 1};
// cycleTimerEnable: The cycle timer counts.
inline constexpr Field kCycleTimerEnable = {20, 1};
// cycleMaster: Send cycle starts; only has effect while this node is root. Cleared by the
// controller on cycleTooLong.
inline constexpr Field kCycleMaster = {21, 1};
// cycleSource: Cycle timer driven by an external source.
inline constexpr Field kCycleSource = {22, 1};
}  // namespace link_control

// NodeID fields.
namespace node_id {
// nodeNumber: Physical node number from self-ID.
inline constexpr Field kNodeNumber = {0, 6};
// busNumber: Bus number (0x3FF = local bus).
inline constexpr Field kBusNumber = {6, 10};
// CPS: Cable power status.
inline constexpr Field kCps = {27, 1};
// root: This node is the root.
inline constexpr Field kRoot = {30, 1};
// iDValid: The node number is valid.
inline constexpr Field kIdValid = {31, 1};
}  // namespace node_id

// PhyControl fields.
namespace phy_control {
// wrData: Data to write to the PHY register.
inline constexpr Field kWrData = {0, 8};
// regAddr: PHY register address to read or write.
inline constexpr Field kRegAddr = {8, 4};
// wrReg: Write 1 to write wrData to regAddr; clears when done.
inline constexpr Field kWrReg = {14, 1};
// rdReg: Write 1 to read regAddr; clears when the request was sent.
inline constexpr Field kRdReg = {15, 1};
// rdData: Data read from the PHY.
inline constexpr Field kRdData = {16, 8};
// rdAddr: Address of the PHY register in rdData.
inline constexpr Field kRdAddr = {24, 4};
// rdDone: rdData holds the value read.
inline constexpr Field kRdDone = {31, 1};
}  // namespace phy_control

// IsochronousCycleTimer fields.
namespace isochronous_cycle_timer {
// cycleOffset: 24.576 MHz ticks into the cycle, modulo 3072.
inline constexpr Field kCycleOffset = {0, 12};
// cycleCount: Cycles, modulo 8000 (125 us each).
inline constexpr Field kCycleCount = {12, 13};
// cycleSeconds: Seconds, modulo 128.
inline constexpr Field kCycleSeconds = {25, 7};
}  // namespace isochronous_cycle_timer

// AsynchronousRequestFilterHiSet / AsynchronousRequestFilterHiClear fields.
namespace as_req_filter_hi {
// nodes: Bit n: node 32+n (bit 31 of AsynchronousRequestFilterHi: all buses).
inline constexpr Field kNodes = {0, 32};
}  // namespace as_req_filter_hi

// AsynchronousRequestFilterLoSet / AsynchronousRequestFilterLoClear fields.
namespace as_req_filter_lo {
// nodes: Bit n: node n.
inline constexpr Field kNodes = {0, 32};
}  // namespace as_req_filter_lo

// PhysicalRequestFilterHiSet / PhysicalRequestFilterHiClear fields.
namespace phy_req_filter_hi {
// nodes: Bit n: node 32+n (bit 31 of AsynchronousRequestFilterHi: all buses).
inline constexpr Field kNodes = {0, 32};
}  // namespace phy_req_filter_hi

// PhysicalRequestFilterLoSet / PhysicalRequestFilterLoClear fields.
namespace phy_req_filter_lo {
// nodes: Bit n: node n.
inline constexpr Field kNodes = {0, 32};
}  // namespace phy_req_filter_lo

// PhyUpperBound fields.
namespace phy_upper_bound {
// physUpperBoundOffset: Address bits 47:16.
inline constexpr Field kPhysUpperBound = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace phy_upper_bound

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
namespace at_request_context_control {
// wake: Stored.
inline constexpr Field kAsyncWake = {12, 1};
// run: Stored.
inline constexpr Field kAsyncRun = {15, 1};
}  // namespace at_request_context_control

// CommandPtr (asynchronous) fields.
namespace at_request_command_ptr {
// descriptorAddress:Z: Stored.
inline constexpr Field kAsyncCommand = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace at_request_command_ptr

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
namespace at_response_context_control {
// wake: Stored.
inline constexpr Field kAsyncWake = {12, 1};
// run: Stored.
inline constexpr Field kAsyncRun = {15, 1};
}  // namespace at_response_context_control

// CommandPtr (asynchronous) fields.
namespace at_response_command_ptr {
// descriptorAddress:Z: Stored.
inline constexpr Field kAsyncCommand = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace at_response_command_ptr

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
namespace ar_request_context_control {
// wake: Stored.
inline constexpr Field kAsyncWake = {12, 1};
// run: Stored.
inline constexpr Field kAsyncRun = {15, 1};
}  // namespace ar_request_context_control

// CommandPtr (asynchronous) fields.
namespace ar_request_command_ptr {
// descriptorAddress:Z: Stored.
inline constexpr Field kAsyncCommand = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace ar_request_command_ptr

// ContextControlSet (asynchronous) / ContextControlClear (asynchronous) fields.
namespace ar_response_context_control {
// wake: Stored.
inline constexpr Field kAsyncWake = {12, 1};
// run: Stored.
inline constexpr Field kAsyncRun = {15, 1};
}  // namespace ar_response_context_control

// CommandPtr (asynchronous) fields.
namespace ar_response_command_ptr {
// descriptorAddress:Z: Stored.
inline constexpr Field kAsyncCommand = {0, 32};
// The register's power-on value.
inline constexpr std::uint32_t kReset = 0x00000000;
}  // namespace ar_response_command_ptr

// ContextControlSet / ContextControlClear fields.
namespace context_control {
// event code: Status of the last completed descriptor (or why the context went dead).
inline constexpr Field kEventCode = {0, 5};
// spd: IR: speed of the last received packet. IT: unused.
inline constexpr Field kSpd = {5, 3};
// active: The context is fetching and executing descriptors.
inline constexpr Field kActive = {10, 1};
// dead: Fatal error; event code holds the cause. Cleared when run is cleared.
inline constexpr Field kDead = {11, 1};
// wake: Software sets it after appending a block; the controller clears it on every descriptor
// fetch and re-reads the branch word of the block it is idle on.
inline constexpr Field kWake = {12, 1};
// run: Software runs and stops the context; the controller changes it only on reset.
inline constexpr Field kRun = {15, 1};
}  // namespace context_control

// IT ContextControlSet / ContextControlClear fields.
namespace it_context_control {
// cycleMatch: cycleSeconds[1:0] : cycleCount[12:0] of the cycle the first packet goes out in.
inline constexpr Field kCycleMatch = {16, 15};
// cycleMatchEnable: Start in the cycle given by cycleMatch (IT) or ContextMatch.cycleMatch (IR);
// the controller clears it once the context is active.
inline constexpr Field kCycleMatchEnable = {31, 1};
}  // namespace it_context_control

// IR ContextControlSet / ContextControlClear fields.
namespace ir_context_control {
// dualBufferMode: Dual-buffer mode (OHCI 1.1); forces bufferFill and multiChanMode to 0.
inline constexpr Field kDualBufferMode = {27, 1};
// multiChanMode: Receive the channels of IRMultiChanMask (needs bufferFill; one IR context only).
inline constexpr Field kMultiChanMode = {28, 1};
// cycleMatchEnable: Start in the cycle given by cycleMatch (IT) or ContextMatch.cycleMatch (IR);
// the controller clears it once the context is active.
inline constexpr Field kCycleMatchEnable = {29, 1};
// isochHeader: Store the isochronous header and trailer with the payload.
inline constexpr Field kIsochHeader = {30, 1};
// bufferFill: Buffer-fill mode: packets packed back to back.
inline constexpr Field kBufferFill = {31, 1};
}  // namespace ir_context_control

// CommandPtr fields.
namespace command_ptr {
// Z: Size of the first block in 16-byte units (1-8).
inline constexpr Field kZ = {0, 4};
// descriptorAddress: Bus address of the first block, bits 31:4 (16-byte aligned).
inline constexpr Field kDescriptorAddress = {4, 28};
}  // namespace command_ptr

// ContextMatch fields.
namespace context_match {
// channelNumber: Channel received (ignored in multiChanMode).
inline constexpr Field kChannelNumber = {0, 6};
// tag1SyncFilter: With tag bit 1 (tag 01b) set, accept tag-01b packets only when the top two bits
// of sy are 00b.
inline constexpr Field kTag1SyncFilter = {6, 1};
// sync: sy value a w = wait descriptor waits for.
inline constexpr Field kSync = {8, 4};
// cycleMatch: cycleSeconds[1:0] : cycleCount[12:0] to start in, with cycleMatchEnable.
inline constexpr Field kCycleMatch = {12, 15};
// tag3..tag0: Accept packets whose tag is 11b (bit 31), 10b, 01b, 00b (bit 28).
inline constexpr Field kTag = {28, 4};
}  // namespace context_match

// DroppedPackets fields.
namespace dropped_packets {
// count: Dropped packets since the context was started.
inline constexpr Field kCount = {0, 32};
}  // namespace dropped_packets

// DMA descriptors: 16-byte little-endian structures in host memory (immediate ones are 32
// bytes). Quadlet byte offsets, then the fields of each quadlet.
namespace desc {

// control / reqCount
inline constexpr std::uint32_t kControl = 0x00;
// dataAddress
inline constexpr std::uint32_t kData = 0x04;
// branchAddress / Z
inline constexpr std::uint32_t kBranch = 0x08;
// xferStatus / timeStamp
inline constexpr std::uint32_t kStatus = 0x0C;
// immediate quadlet 0
inline constexpr std::uint32_t kIsoHeader = 0x10;
// immediate quadlet 1
inline constexpr std::uint32_t kIsoLength = 0x14;

// control / reqCount fields.
namespace control {
// reqCount: Bytes to transfer (8 for an immediate descriptor). STORE_VALUE: the value to store.
inline constexpr Field kReqCount = {0, 16};
// w: Wait for sync: IR only, first descriptor of a block.
inline constexpr Field kWait = {16, 2};
// b: Branch control.
inline constexpr Field kBranch = {18, 2};
// i: Interrupt on completion.
inline constexpr Field kInterrupt = {20, 2};
// yy: 0 for isochronous descriptors.
inline constexpr Field kYy = {22, 1};
// p: AT ping; 0 for isochronous descriptors.
inline constexpr Field kPing = {23, 1};
// key: Where the data is.
inline constexpr Field kKey = {24, 3};
// s: 1 = write xferStatus and timeStamp/resCount back to this descriptor.
inline constexpr Field kWriteStatus = {27, 1};
// cmd: Descriptor command.
inline constexpr Field kCmd = {28, 4};
}  // namespace control

// dataAddress fields.
namespace data {
// dataAddress: Bus address of the first data byte.
inline constexpr Field kAddress = {0, 32};
}  // namespace data

// branchAddress / Z fields.
namespace branch {
// Z: Size of the next block in 16-byte units (1-8); 0 = end of program.
inline constexpr Field kZ = {0, 4};
// branchAddress: Bus address of the next block, bits 31:4.
inline constexpr Field kAddress = {4, 28};
}  // namespace branch

// xferStatus / timeStamp fields.
namespace status {
// timeStamp: IT: cycleSeconds[2:0] : cycleCount[12:0] of the cycle the packet went out in. (IR
// descriptors keep resCount, the bytes left unfilled, here.)
inline constexpr Field kTimeStamp = {0, 16};
// xferStatus: ContextControl[15:0] at completion: run, wake, dead, active, spd, event code.
// Non-zero means done.
inline constexpr Field kXferStatus = {16, 16};
}  // namespace status

// immediate quadlet 0 fields.
namespace iso_header {
// sy: Synchronisation code.
inline constexpr Field kSy = {0, 4};
// tcode: 0xA, isochronous block.
inline constexpr Field kTcode = {4, 4};
// chanNum: Isochronous channel.
inline constexpr Field kChannel = {8, 6};
// tag: Data format tag.
inline constexpr Field kTag = {14, 2};
// spd: Transmit speed.
inline constexpr Field kSpd = {16, 3};
}  // namespace iso_header

// immediate quadlet 1 fields.
namespace iso_length {
// dataLength: Payload bytes of the packet.
inline constexpr Field kDataLength = {16, 16};
}  // namespace iso_length

}  // namespace desc

// csr_sel encodings (csr_control.csr_sel).
enum class CsrSel : std::uint32_t {
  // BUS_MANAGER_ID: Bus manager ID (6 bits, reset to 0x3F).
  kBusManagerId = 0x0,
  // BANDWIDTH_AVAILABLE: Bandwidth available (13 bits, reset from InitialBandwidthAvailable).
  kBandwidthAvailable = 0x1,
  // CHANNELS_AVAILABLE_HI: Channels 0-31 available (reset from InitialChannelsAvailableHi).
  kChannelsAvailableHi = 0x2,
  // CHANNELS_AVAILABLE_LO: Channels 32-63 available (reset from InitialChannelsAvailableLo).
  kChannelsAvailableLo = 0x3,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(CsrSel value) {
  switch (value) {
    case CsrSel::kBusManagerId:
      return "BUS_MANAGER_ID";
    case CsrSel::kBandwidthAvailable:
      return "BANDWIDTH_AVAILABLE";
    case CsrSel::kChannelsAvailableHi:
      return "CHANNELS_AVAILABLE_HI";
    case CsrSel::kChannelsAvailableLo:
      return "CHANNELS_AVAILABLE_LO";
  }
  return "reserved";
}

// desc_branch encodings (control.branch).
enum class DescBranch : std::uint32_t {
  // never: No branch: required on *_MORE in IT and packet-per-buffer IR.
  kNever = 0x0,
  // always: Branch always: required on *_LAST and on buffer-fill INPUT_MORE.
  kAlways = 0x3,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(DescBranch value) {
  switch (value) {
    case DescBranch::kNever:
      return "never";
    case DescBranch::kAlways:
      return "always";
  }
  return "reserved";
}

// desc_cmd encodings (control.cmd).
enum class DescCmd : std::uint32_t {
  // OUTPUT_MORE: Transmit: send reqCount bytes, more descriptors follow in the block.
  kOutputMore = 0x0,
  // OUTPUT_LAST: Transmit: last descriptor of a packet's block; holds the branch and the status.
  kOutputLast = 0x1,
  // INPUT_MORE: Receive: buffer for packet data, more may follow (also the buffer-fill descriptor).
  kInputMore = 0x2,
  // INPUT_LAST: Receive: last buffer of a packet-per-buffer block.
  kInputLast = 0x3,
  // STORE_VALUE: IT only, with key = store; semantics UNCONFIRMED.
  kStoreValue = 0x8,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(DescCmd value) {
  switch (value) {
    case DescCmd::kOutputMore:
      return "OUTPUT_MORE";
    case DescCmd::kOutputLast:
      return "OUTPUT_LAST";
    case DescCmd::kInputMore:
      return "INPUT_MORE";
    case DescCmd::kInputLast:
      return "INPUT_LAST";
    case DescCmd::kStoreValue:
      return "STORE_VALUE";
  }
  return "reserved";
}

// desc_interrupt encodings (control.interrupt).
enum class DescInterrupt : std::uint32_t {
  // never: No interrupt when the descriptor completes.
  kNever = 0x0,
  // always: Set IsoXmit/IsoRecvIntEvent bit n when the descriptor completes.
  kAlways = 0x3,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(DescInterrupt value) {
  switch (value) {
    case DescInterrupt::kNever:
      return "never";
    case DescInterrupt::kAlways:
      return "always";
  }
  return "reserved";
}

// desc_key encodings (control.key).
enum class DescKey : std::uint32_t {
  // data: dataAddress points to the data.
  kData = 0x0,
  // immediate: The data (8 bytes of isochronous header) is inside the descriptor, in its second 16
  // bytes.
  kImmediate = 0x2,
  // store: STORE_VALUE descriptor.
  kStore = 0x6,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(DescKey value) {
  switch (value) {
    case DescKey::kData:
      return "data";
    case DescKey::kImmediate:
      return "immediate";
    case DescKey::kStore:
      return "store";
  }
  return "reserved";
}

// desc_wait encodings (control.wait).
enum class DescWait : std::uint32_t {
  // never: Do not wait.
  kNever = 0x0,
  // wait: IR only: drop packets until one's sy matches ContextMatch.sync.
  kWait = 0x3,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(DescWait value) {
  switch (value) {
    case DescWait::kNever:
      return "never";
    case DescWait::kWait:
      return "wait";
  }
  return "reserved";
}

// event_code encodings (context_control.event_code).
enum class EventCode : std::uint32_t {
  // evt_no_status: No event status.
  kEvtNoStatus = 0x00,
  // evt_long_packet: IR: the packet was longer than its buffers.
  kEvtLongPacket = 0x02,
  // evt_missing_ack: AT: no ack.
  kEvtMissingAck = 0x03,
  // evt_underrun: AT/IT: the transmit FIFO ran empty; the packet was skipped.
  kEvtUnderrun = 0x04,
  // evt_overrun: IR: the receive FIFO overflowed.
  kEvtOverrun = 0x05,
  // evt_descriptor_read: A descriptor fetch failed; the context is dead.
  kEvtDescriptorRead = 0x06,
  // evt_data_read: AT/IT: a data fetch failed; the context is dead.
  kEvtDataRead = 0x07,
  // evt_data_write: AR/IR: a data or status write failed; the context is dead.
  kEvtDataWrite = 0x08,
  // evt_bus_reset: AR: bus reset packet.
  kEvtBusReset = 0x09,
  // evt_timeout: AT: response timeout.
  kEvtTimeout = 0x0A,
  // evt_tcode_err: AT/IT: bad tcode in the packet header.
  kEvtTcodeErr = 0x0B,
  // evt_unknown: Unknown error (e.g. a malformed descriptor).
  kEvtUnknown = 0x0E,
  // evt_flushed: AT: flushed by a bus reset.
  kEvtFlushed = 0x0F,
  // ack_complete: Success.
  kAckComplete = 0x11,
  // ack_pending: AT/AR: ack pending.
  kAckPending = 0x12,
  // ack_busy_X: AT: busy.
  kAckBusyX = 0x14,
  // ack_busy_A: AT: busy (dual phase A).
  kAckBusyA = 0x15,
  // ack_busy_B: AT: busy (dual phase B).
  kAckBusyB = 0x16,
  // ack_tardy: AT: tardy.
  kAckTardy = 0x1B,
  // ack_data_error: AT/IR: data CRC or length error.
  kAckDataError = 0x1D,
  // ack_type_error: AT/AR: type error.
  kAckTypeError = 0x1E,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(EventCode value) {
  switch (value) {
    case EventCode::kEvtNoStatus:
      return "evt_no_status";
    case EventCode::kEvtLongPacket:
      return "evt_long_packet";
    case EventCode::kEvtMissingAck:
      return "evt_missing_ack";
    case EventCode::kEvtUnderrun:
      return "evt_underrun";
    case EventCode::kEvtOverrun:
      return "evt_overrun";
    case EventCode::kEvtDescriptorRead:
      return "evt_descriptor_read";
    case EventCode::kEvtDataRead:
      return "evt_data_read";
    case EventCode::kEvtDataWrite:
      return "evt_data_write";
    case EventCode::kEvtBusReset:
      return "evt_bus_reset";
    case EventCode::kEvtTimeout:
      return "evt_timeout";
    case EventCode::kEvtTcodeErr:
      return "evt_tcode_err";
    case EventCode::kEvtUnknown:
      return "evt_unknown";
    case EventCode::kEvtFlushed:
      return "evt_flushed";
    case EventCode::kAckComplete:
      return "ack_complete";
    case EventCode::kAckPending:
      return "ack_pending";
    case EventCode::kAckBusyX:
      return "ack_busy_X";
    case EventCode::kAckBusyA:
      return "ack_busy_A";
    case EventCode::kAckBusyB:
      return "ack_busy_B";
    case EventCode::kAckTardy:
      return "ack_tardy";
    case EventCode::kAckDataError:
      return "ack_data_error";
    case EventCode::kAckTypeError:
      return "ack_type_error";
  }
  return "reserved";
}

// speed encodings (bus_options.lnk_spd, context_control.spd, iso_header.spd).
enum class Speed : std::uint32_t {
  // S100: 98.304 Mb/s.
  kS100 = 0x0,
  // S200: 196.608 Mb/s.
  kS200 = 0x1,
  // S400: 393.216 Mb/s.
  kS400 = 0x2,
  // S800: 1394b only.
  kS800 = 0x3,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(Speed value) {
  switch (value) {
    case Speed::kS100:
      return "S100";
    case Speed::kS200:
      return "S200";
    case Speed::kS400:
      return "S400";
    case Speed::kS800:
      return "S800";
  }
  return "reserved";
}

// tcode encodings (iso_header.tcode).
enum class Tcode : std::uint32_t {
  // cycle start: Cycle start packet (sent by the cycle master).
  kCycleStart = 0x8,
  // isochronous block: Isochronous data block packet.
  kIsoBlock = 0xA,
};

// The specification's name for `value`, or "reserved".
constexpr std::string_view to_string(Tcode value) {
  switch (value) {
    case Tcode::kCycleStart:
      return "cycle start";
    case Tcode::kIsoBlock:
      return "isochronous block";
  }
  return "reserved";
}

}  // namespace ohci::regs
