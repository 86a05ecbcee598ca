#include "ohci/it_block.hpp"

#include "block_image.hpp"

namespace ohci::fw {
namespace {

constexpr std::size_t kBranchQuadlet = 2;  // of a descriptor
constexpr std::size_t kStatusQuadlet = 3;

// The block whose branch and status words are in descriptor unit `unit`.
ItBlock block_at(std::uint32_t address, std::uint32_t z, std::size_t offset, std::size_t unit) {
  const std::size_t descriptor = offset + unit * kDescriptorBytes;
  return ItBlock{BlockRef{address, z}, offset, descriptor + 4 * kBranchQuadlet,
                 descriptor + 4 * kStatusQuadlet};
}

bool valid_payload(std::span<const PayloadPiece> payload, std::uint32_t& data_length) {
  std::uint32_t total = 0;
  for (const PayloadPiece& piece : payload) {
    if (piece.length == 0 || piece.length > kMaxDataLength) return false;
    total += piece.length;  // at most 6 pieces of 0xFFFF: no overflow
    if (total > kMaxDataLength) return false;
  }
  data_length = total;
  return true;
}

}  // namespace

Result<ItBlock> write_packet_block(DmaBuffer& buffer, std::size_t offset, const ItPacket& packet,
                                   BlockRef next, std::optional<BlockRef> skip) {
  const std::uint32_t z = packet_block_z(packet.payload.size());
  if (z == 0) return Status::InvalidParameter;
  const Result<std::uint32_t> address = place_block(buffer, offset, z);
  if (!address) return address.status();
  std::uint32_t data_length = 0;
  if (!valid_payload(packet.payload, data_length)) return Status::InvalidParameter;
  // What this controller sends (docs/decisions.md 5): S100..S400, and at most 1024, 2048 or
  // 4096 payload bytes at those speeds; anything else would make the context dead.
  if (packet.header.speed > regs::Speed::kS400) return Status::NotSupported;
  if (data_length > (1024u << static_cast<std::uint32_t>(packet.header.speed))) {
    return Status::InvalidParameter;
  }

  BlockImage image;
  if (packet.payload.empty()) {
    const Result<ImmediateDescriptor> last =
        encode_output_last_immediate(packet.header, packet.interrupt, next);
    if (!last) return last.status();
    image.append(*last);
    const Status status = image.write_to(buffer, offset);
    if (!succeeded(status)) return status;
    return block_at(*address, z, offset, 0);  // branch and status in its first 16 bytes
  }

  const Result<ImmediateDescriptor> header = encode_output_more_immediate(
      packet.header, data_length, skip.value_or(BlockRef{*address, z}));
  if (!header) return header.status();
  image.append(*header);
  for (const PayloadPiece& piece : packet.payload.first(packet.payload.size() - 1)) {
    const Result<Descriptor> more = encode_output_more(piece.address, piece.length);
    if (!more) return more.status();
    image.append(*more);
  }
  const PayloadPiece& final_piece = packet.payload.back();
  const Result<Descriptor> last =
      encode_output_last(final_piece.address, final_piece.length, packet.interrupt, next);
  if (!last) return last.status();
  image.append(*last);

  const Status status = image.write_to(buffer, offset);
  if (!succeeded(status)) return status;
  return block_at(*address, z, offset, z - 1);
}

Result<ItBlock> write_skip_cycle_block(DmaBuffer& buffer, std::size_t offset, BlockRef next,
                                       regs::DescInterrupt interrupt) {
  constexpr std::uint32_t kZ = 1;
  const Result<std::uint32_t> address = place_block(buffer, offset, kZ);
  if (!address) return address.status();
  const Result<Descriptor> skip = encode_skip_cycle(interrupt, next);
  if (!skip) return skip.status();
  BlockImage image;
  image.append(*skip);
  const Status status = image.write_to(buffer, offset);
  if (!succeeded(status)) return status;
  return block_at(*address, kZ, offset, 0);
}

Result<ItCompletion> read_completion(const DmaBuffer& buffer, const ItBlock& block) {
  const Result<std::uint32_t> quadlet = buffer.read_quadlet(block.status_offset);
  if (!quadlet) return quadlet.status();
  return decode_completion(*quadlet);
}

}  // namespace ohci::fw
