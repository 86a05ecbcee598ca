// IT program blocks: one isochronous packet (or one skipped cycle) written into DMA memory as
// the descriptor block a context executes in one cycle (reference/ohci-isoch.md 2.1, 3.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ohci/dma_buffer.hpp"
#include "ohci/it_descriptor.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// The OUTPUT_MORE-Immediate header takes two of a block's eight units.
inline constexpr std::size_t kMaxPayloadPieces = kMaxBlockZ - 2;

// `length` payload bytes at bus address `address` (any byte alignment).
struct PayloadPiece {
  std::uint32_t address = 0;
  std::uint32_t length = 0;
};

struct ItPacket {
  IsoHeader header;
  // In wire order; empty for a header-only packet. The packet's dataLength is their sum.
  std::span<const PayloadPiece> payload;
  // i = always raises IsoXmitIntEvent[n] when the packet has been sent.
  regs::DescInterrupt interrupt = regs::DescInterrupt::kNever;
};

// Where a block was written, so that it can be started, appended to, or checked for completion.
struct ItBlock {
  BlockRef ref;                   // bus address and Z: the value a branch word or CommandPtr takes
  std::size_t offset = 0;         // byte offset of the block in its DmaBuffer
  std::size_t branch_offset = 0;  // byte offset of the quadlet holding the block's branch word
  std::size_t status_offset = 0;  // byte offset of the quadlet receiving xferStatus|timeStamp

  std::size_t bytes() const { return ref.z * kDescriptorBytes; }
};

// Z of the block for a packet of `payload_pieces` pieces: 2 for a lone OUTPUT_LAST-Immediate,
// else the OUTPUT_MORE-Immediate (2) plus one unit per piece. 0 when there are too many pieces.
constexpr std::uint32_t packet_block_z(std::size_t payload_pieces) {
  if (payload_pieces > kMaxPayloadPieces) return 0;
  return payload_pieces == 0 ? 2 : static_cast<std::uint32_t>(2 + payload_pieces);
}

// Writes the block for `packet` at `offset` in `buffer`: OUTPUT_MORE-Immediate (header),
// OUTPUT_MORE per payload piece but the last, OUTPUT_LAST for the last piece; or a lone
// OUTPUT_LAST-Immediate when there is no payload. The block branches to `next` (by default the
// end of the program). The header's skip address is `skip`, or the block itself when absent (as
// Linux does: a late packet goes out one cycle later instead of ending the program).
// Validation comes first and nothing is written on error: InvalidParameter for a bad header,
// more than kMaxPayloadPieces pieces, an empty piece, a dataLength above the speed's maximum
// (1024/2048/4096 bytes at S100/S200/S400) or a misaligned block, branch or skip address;
// NotSupported for a speed above S400; BufferTooSmall when the block does not fit the buffer.
Result<ItBlock> write_packet_block(DmaBuffer& buffer, std::size_t offset, const ItPacket& packet,
                                   BlockRef next = BlockRef::end(),
                                   std::optional<BlockRef> skip = std::nullopt);

// Writes the lone empty OUTPUT_LAST (Z = 1) that sends nothing for one cycle.
Result<ItBlock> write_skip_cycle_block(DmaBuffer& buffer, std::size_t offset,
                                       BlockRef next = BlockRef::end(),
                                       regs::DescInterrupt interrupt = regs::DescInterrupt::kNever);

// The xferStatus and timeStamp the controller wrote back to `block` (zero until it completes).
Result<ItCompletion> read_completion(const DmaBuffer& buffer, const ItBlock& block);

}  // namespace ohci::fw
