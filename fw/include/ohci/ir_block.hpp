// IR program blocks and received data (reference/ohci-isoch.md 2.1, 2.3, 3.3; docs/decisions.md
// 20-25): the descriptor blocks an IR context fills, written into DMA memory; what the controller
// wrote back to them; and parsers for the byte streams it stored in their buffers.
//
// Packet-per-buffer (ContextControl.bufferFill = 0): one block per packet, Z - 1 INPUT_MOREs and
// an INPUT_LAST whose branch leads to the next block. The packet's stream fills the buffers in
// order: with isochHeader = 1 the trailer (xferStatus | timeStamp), the header quadlet, then the
// payload; without, the payload only. Always padded to a whole quadlet.
//
// Buffer-fill (bufferFill = 1): a chain of one-descriptor blocks (INPUT_MORE, Z = 1), each
// branching to the next. Packets are packed back to back and may straddle descriptors; with
// isochHeader = 1 each is the header quadlet, the padded payload, then the trailer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ohci/dma_buffer.hpp"
#include "ohci/ir_descriptor.hpp"
#include "ohci/it_descriptor.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// A packet-per-buffer block is one descriptor per buffer, at most kMaxBlockZ of them.
inline constexpr std::size_t kMaxIrBlockBuffers = kMaxBlockZ;

// One packet-per-buffer block.
struct IrBlockSpec {
  // 1..kMaxIrBlockBuffers valid IrBuffers (valid_ir_buffer), filled in this order. With
  // isochHeader = 1 they must hold the 8 bytes of trailer and header too; a stream longer than
  // all of them is cut with evt_long_packet.
  std::span<const IrBuffer> buffers;
  // w = wait on the first descriptor: the block drops packets until one's sy equals
  // ContextMatch.sync.
  bool wait_for_sync = false;
  // i = always on the INPUT_LAST: IsoRecvIntEvent[n] when the packet completes.
  regs::DescInterrupt interrupt = regs::DescInterrupt::kNever;
};

// One buffer-fill descriptor.
struct IrBufferFillSpec {
  IrBuffer buffer;  // valid_ir_buffer
  // i = always: IsoRecvIntEvent[n] when the buffer becomes full (resCount reaches 0).
  regs::DescInterrupt interrupt = regs::DescInterrupt::kNever;
  // w = wait: while the buffer is still empty, drop packets until one's sy equals
  // ContextMatch.sync.
  bool wait_for_sync = false;
};

// Where a block was written, so that it can be started, appended to, or read back.
struct IrBlock {
  BlockRef ref;                   // bus address and Z: the value a branch word or CommandPtr takes
  std::size_t offset = 0;         // byte offset of the block in its DmaBuffer
  std::size_t branch_offset = 0;  // byte offset of the quadlet holding the block's branch word

  std::size_t bytes() const { return ref.z * kDescriptorBytes; }
  // One descriptor per buffer; index 0 is the first one filled.
  std::uint32_t descriptors() const { return ref.z; }
  // Byte offset of descriptor `index` (< descriptors()) in the DmaBuffer.
  std::size_t descriptor_offset(std::size_t index) const {
    return offset + index * kDescriptorBytes;
  }
  // Byte offset of descriptor `index`'s quadlet 3, where xferStatus | resCount is written.
  std::size_t status_offset(std::size_t index) const {
    return descriptor_offset(index) + regs::desc::kStatus;
  }
};

// Writes the packet-per-buffer block for `spec` at `offset` in `buffer`: one INPUT_MORE per
// buffer but the last (w = wait on the first if asked), then the INPUT_LAST, which branches to
// `next` (by default the end of the program). Each descriptor starts with resCount = reqCount and
// xferStatus = 0. Validation comes first and nothing is written on error: InvalidParameter for no
// buffers or more than kMaxIrBlockBuffers, a buffer that is not quadlet-aligned or whose length
// is not a multiple of 4 in 4..0xFFFC, a bad interrupt encoding, a misaligned block or a bad
// `next`; BufferTooSmall when the block does not fit the buffer.
Result<IrBlock> write_packet_per_buffer_block(DmaBuffer& buffer, std::size_t offset,
                                              const IrBlockSpec& spec,
                                              BlockRef next = BlockRef::end());

// Writes the buffer-fill INPUT_MORE for `spec` (a block of Z = 1) at `offset`, branching to
// `next`, another buffer-fill descriptor (Z = 1) or the end; the same validation as
// write_packet_per_buffer_block, and InvalidParameter for a `next` with Z above 1.
Result<IrBlock> write_buffer_fill_descriptor(DmaBuffer& buffer, std::size_t offset,
                                             const IrBufferFillSpec& spec,
                                             BlockRef next = BlockRef::end());

// How a packet-per-buffer block completed.
struct IrPacketCompletion {
  IrStatus status;               // of the descriptor the packet ended in; zero while not done
  std::uint32_t descriptor = 0;  // that descriptor's index in the block
  // Bytes of the block's stream the packet filled, quadlet padding included: the reqCounts of
  // the descriptors before it plus its reqCount - resCount. With isochHeader = 1 that is
  // trailer, header and payload; pass that many bytes of the stream to parse_packet_per_buffer.
  std::size_t stored_bytes = 0;

  bool done() const { return status.done(); }
  // ack_complete; ack_data_error (data CRC or length error); evt_long_packet (cut at the end of
  // the block's buffers); evt_overrun (the controller ran out of room for it).
  regs::EventCode event() const { return status.event(); }
  regs::Speed speed() const { return status.speed(); }
};

// The first descriptor of `block` with a non-zero xferStatus (as Linux looks for it) and what it
// says; a completion that is not done() when there is none yet. InvalidParameter when the block
// does not lie in `buffer` or Z is not 1..8; DeviceError when a resCount exceeds its reqCount.
Result<IrPacketCompletion> read_packet_completion(const DmaBuffer& buffer, const IrBlock& block);

// How full a buffer-fill descriptor is. The controller writes xferStatus | resCount after every
// packet that ends in it, and when it becomes full.
struct IrFillLevel {
  IrStatus status;              // xferStatus is 0 until a packet ended in (or filled) it
  std::uint32_t req_count = 0;  // the buffer's size

  std::uint32_t filled() const { return req_count - status.res_count; }
  // A full descriptor is finished: the controller has moved on along its branch.
  bool full() const { return status.res_count == 0; }
};

// InvalidParameter unless `descriptor` is a one-descriptor block in `buffer`; DeviceError when its
// resCount exceeds its reqCount.
Result<IrFillLevel> read_buffer_fill_level(const DmaBuffer& buffer, const IrBlock& descriptor);

// Copies the first `bytes` bytes of `block`'s stream, its buffers taken in order (their
// dataAddress and reqCount read back from `program`), out of `data` into `destination`; returns
// `bytes`. Use it to gather a packet whose buffers are not adjacent in memory, or a buffer-fill
// descriptor's filled part. Everything is checked before anything is copied: InvalidParameter
// when the block does not lie in `program`, `bytes` exceeds its buffers, or a buffer does not
// lie in `data`; BufferTooSmall when `destination` is shorter than `bytes`.
Result<std::size_t> copy_block_stream(const DmaBuffer& program, const IrBlock& block,
                                      const DmaBuffer& data, std::size_t bytes,
                                      std::span<std::byte> destination);

// One received packet, parsed out of a stored stream (isochHeader = 1).
struct IrPacket {
  // tag, channel and sy from the header quadlet; speed from the trailer's spd.
  IsoHeader header;
  std::uint32_t data_length = 0;  // as the header says
  IrTrailer trailer;              // xferStatus and timeStamp of this packet
  // The payload bytes stored, in wire order: data_length of them, or fewer when the packet was
  // cut (evt_long_packet) or arrived short (ack_data_error, evt_overrun). Points into the stream.
  std::span<const std::byte> payload;
  // Bytes of the stream the packet took (buffer-fill: the distance to the next packet).
  std::size_t stream_bytes = 0;

  regs::EventCode event() const { return trailer.event(); }
  bool truncated() const { return payload.size() < data_length; }
};

// Parses a packet-per-buffer stream with isochHeader = 1: exactly the bytes the packet stored
// (IrPacketCompletion::stored_bytes of them, gathered with copy_block_stream if its buffers are
// not adjacent): trailer, header quadlet, payload. BufferTooSmall when `stream` is shorter than
// the two quadlets; DeviceError when its header is not an isochronous packet's (tcode 0xA) or its
// trailer lacks the active bit that every xferStatus has (the bytes are not a stored packet).
Result<IrPacket> parse_packet_per_buffer(std::span<const std::byte> stream);

// Walks the packets packed back to back in a buffer-fill stream with isochHeader = 1: header
// quadlet, payload padded to a quadlet, trailer; each ir_stream_bytes(data_length) bytes. The
// stream is the filled bytes of consecutive descriptors; when their buffers are adjacent in memory
// it is one span of DMA memory, otherwise gather it with copy_block_stream. (With isochHeader = 0
// packets carry no length and cannot be told apart; this parser needs the headers.)
class BufferFillParser {
 public:
  explicit BufferFillParser(std::span<const std::byte> stream) : stream_(stream) {}

  // The next packet, its payload pointing into the stream. BufferTooSmall when the stream ends
  // inside it (it is still being stored, or was cut when the descriptors ran out: see the last
  // descriptor's evt_long_packet); consumed() then still points at its start, where a parser
  // over a longer stream can take over. DeviceError when the bytes at consumed() do not frame as a
  // packet (a header that is not tcode 0xA, or a trailer without the active bit that every
  // xferStatus has), e.g. a stream that does not start at a packet boundary.
  Result<IrPacket> next();

  // Whether every byte of the stream has been walked.
  bool at_end() const { return consumed_ == stream_.size(); }
  // Bytes of whole packets walked so far: the offset of the next packet.
  std::size_t consumed() const { return consumed_; }

 private:
  std::span<const std::byte> stream_;
  std::size_t consumed_ = 0;
};

}  // namespace ohci::fw
