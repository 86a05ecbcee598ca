// Encoding of isochronous-receive (IR) DMA descriptors, and decoding of what the controller
// writes back and stores (reference/ohci-isoch.md 2, 2.3, 3.3; docs/decisions.md 20-25): pure
// functions from validated fields to quadlets and back. Writing descriptors into DMA memory, as
// the blocks of a program, and walking received data is ir_block.hpp's job.
//
// The general descriptor vocabulary (Descriptor, BlockRef, encode_block_ref, kDescriptorBytes,
// kMaxBlockZ, IsoHeader) is shared with IT and lives in it_descriptor.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ohci/context_status.hpp"
#include "ohci/it_descriptor.hpp"
#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// The controller writes received data as whole little-endian quadlets, so IR buffers start on a
// quadlet and hold whole quadlets; anything else makes the context dead with evt_unknown.
inline constexpr std::uint32_t kIrBufferAlignment = 4;
// The largest reqCount that is a multiple of 4.
inline constexpr std::uint32_t kMaxIrBufferLength = 0xFFFC;
// With isochHeader = 1 every packet's stored stream carries two quadlets besides its payload:
// the isochronous header quadlet and the trailer (xferStatus | timeStamp).
inline constexpr std::size_t kIsoHeaderBytes = 8;

// The bytes of DMA memory a payload of `data_length` bytes takes: the controller pads it with
// zeros to a whole quadlet.
constexpr std::size_t padded_payload_bytes(std::uint32_t data_length) {
  return (static_cast<std::size_t>(data_length) + 3) / 4 * 4;
}

// The stream a packet of `data_length` payload bytes stores: the padded payload, plus the header
// and trailer quadlets with isochHeader = 1. In buffer-fill mode (with isochHeader) this is also
// the distance from one packet to the next.
constexpr std::size_t ir_stream_bytes(std::uint32_t data_length, bool isoch_header = true) {
  return padded_payload_bytes(data_length) + (isoch_header ? kIsoHeaderBytes : 0);
}

// A receive buffer: `length` bytes at bus address `address`. Valid (valid_ir_buffer) when the
// address is quadlet-aligned and the length a multiple of 4 in 4..kMaxIrBufferLength.
struct IrBuffer {
  std::uint32_t address = 0;
  std::uint32_t length = 0;

  friend constexpr bool operator==(const IrBuffer&, const IrBuffer&) = default;
};

constexpr bool valid_ir_buffer(IrBuffer buffer) {
  return buffer.address % kIrBufferAlignment == 0 && buffer.length != 0 &&
         buffer.length % kIrBufferAlignment == 0 && buffer.length <= kMaxIrBufferLength;
}

// Packet-per-buffer INPUT_MORE: cmd 2, s = 1 (status lands here if the packet ends in this
// buffer), key 0, i = never, b = never; w = `wait` (kWait only on the first descriptor of a
// block). Quadlet 3 starts as resCount = reqCount, xferStatus = 0, as the controller expects.
// InvalidParameter for an invalid buffer or wait encoding.
Result<Descriptor> encode_input_more(IrBuffer buffer, regs::DescWait wait = regs::DescWait::kNever);

// INPUT_LAST, the last descriptor of a packet-per-buffer block: cmd 3, s = 1, key 0, b = always,
// i = `interrupt` (always: IsoRecvIntEvent[n] when the packet completes), branch to `next`
// (Z = 0 ends the program); w = `wait` when it is also the block's first descriptor (Z = 1).
Result<Descriptor> encode_input_last(IrBuffer buffer, regs::DescInterrupt interrupt, BlockRef next,
                                     regs::DescWait wait = regs::DescWait::kNever);

// Buffer-fill INPUT_MORE, a block of its own (Z = 1): cmd 2, s = 1, key 0, b = always,
// i = `interrupt` (always: IsoRecvIntEvent[n] when the buffer becomes full), branch to `next`:
// the next buffer-fill descriptor (Z = 1) or the end (Z = 0); any other Z is InvalidParameter.
// w = kWait drops packets until one's sy matches ContextMatch.sync, while the buffer is empty.
Result<Descriptor> encode_buffer_fill_input_more(IrBuffer buffer, regs::DescInterrupt interrupt,
                                                 BlockRef next,
                                                 regs::DescWait wait = regs::DescWait::kNever);

// What the controller wrote back to an IR descriptor's quadlet 3: xferStatus | resCount.
struct IrStatus {
  std::uint32_t xfer_status = 0;  // ContextControl[15:0] at completion; 0 = not written yet
  std::uint32_t res_count = 0;    // bytes of the descriptor's buffer left unfilled

  // Linux's test: a descriptor is done once its xferStatus is non-zero.
  bool done() const { return xfer_status != 0; }
  // run, wake, dead, active, spd and event of the xferStatus.
  ContextStatus control() const { return decode_context_control(xfer_status); }
  regs::EventCode event() const {
    return static_cast<regs::EventCode>(regs::context_control::kEventCode.get(xfer_status));
  }
  // The speed the packet was received at.
  regs::Speed speed() const {
    return static_cast<regs::Speed>(regs::context_control::kSpd.get(xfer_status));
  }
};

IrStatus decode_ir_status(std::uint32_t status_quadlet);

// The trailer quadlet the controller stores with a packet when isochHeader = 1 (packet-per-
// buffer: the stream's quadlet 0; buffer-fill: after the payload).
struct IrTrailer {
  std::uint32_t xfer_status = 0;  // as IrStatus::xfer_status, for this packet
  std::uint32_t time_stamp = 0;   // cycleSeconds[2:0] : cycleCount[12:0] of the receive cycle

  regs::EventCode event() const {
    return static_cast<regs::EventCode>(regs::context_control::kEventCode.get(xfer_status));
  }
  regs::Speed speed() const {
    return static_cast<regs::Speed>(regs::context_control::kSpd.get(xfer_status));
  }
  std::uint32_t cycle_count() const { return time_stamp & 0x1FFFu; }
  std::uint32_t cycle_seconds() const { return time_stamp >> 13; }
};

IrTrailer decode_ir_trailer(std::uint32_t quadlet);

// The isochronous header quadlet as stored (the first quadlet of the packet on the wire, kept
// as a little-endian word): data_length[31:16] tag[15:14] channel[13:8] tcode[7:4] sy[3:0].
struct IrHeader {
  // tag, channel and sy. The quadlet carries no speed: `iso.speed` stays S100 here, and the
  // stream parsers set it from the trailer's spd.
  IsoHeader iso;
  std::uint32_t data_length = 0;
  std::uint32_t tcode = 0;

  // Every packet an IR context stores is an isochronous block packet (tcode 0xA); anything else
  // means the bytes are not a header.
  bool isochronous() const { return tcode == static_cast<std::uint32_t>(regs::Tcode::kIsoBlock); }
};

IrHeader decode_ir_header(std::uint32_t quadlet);

// The header quadlet the controller stores for a packet with `header` (its speed is not part of
// it) and `data_length` payload bytes; InvalidParameter if a field does not fit.
Result<std::uint32_t> encode_ir_header(const IsoHeader& header, std::uint32_t data_length);

}  // namespace ohci::fw
