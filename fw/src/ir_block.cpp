#include "ohci/ir_block.hpp"

#include <algorithm>
#include <array>

#include "block_image.hpp"

namespace ohci::fw {
namespace {

constexpr std::size_t kQuadletBytes = 4;

IrBlock block_at(std::uint32_t address, std::uint32_t z, std::size_t offset) {
  // The branch word is in the block's last descriptor.
  const std::size_t last = offset + (z - 1) * kDescriptorBytes;
  return IrBlock{BlockRef{address, z}, offset, last + regs::desc::kBranch};
}

// A block read back from memory must lie in its buffer and have a Z a block can have.
bool readable(const DmaBuffer& buffer, const IrBlock& block) {
  return block.ref.z >= 1 && block.ref.z <= kMaxBlockZ && block.offset % kQuadletBytes == 0 &&
         buffer.contains(block.offset, block.bytes());
}

// Quadlet 0's reqCount and quadlet 1's dataAddress of a descriptor in memory.
struct StoredBuffer {
  std::uint32_t req_count = 0;
  std::uint32_t address = 0;
};

Result<StoredBuffer> read_buffer(const DmaBuffer& buffer, std::size_t descriptor_offset) {
  const Result<std::uint32_t> control =
      buffer.read_quadlet(descriptor_offset + regs::desc::kControl);
  const Result<std::uint32_t> address = buffer.read_quadlet(descriptor_offset + regs::desc::kData);
  if (!control || !address) return Status::InvalidParameter;
  return StoredBuffer{regs::desc::control::kReqCount.get(*control), *address};
}

// A little-endian quadlet of a stored stream (header and trailer are stored as such words).
std::uint32_t load_quadlet(std::span<const std::byte> stream, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < kQuadletBytes; ++i) {
    value |= std::to_integer<std::uint32_t>(stream[at + i]) << (8 * i);
  }
  return value;
}

// Every xferStatus the controller writes is ContextControl[15:0] of a context processing the
// packet, so it has active set; a trailer without it means the bytes are not a stored packet.
bool plausible_trailer(const IrTrailer& trailer) {
  return regs::context_control::kActive.get(trailer.xfer_status) != 0;
}

IrPacket packet_of(const IrHeader& header, const IrTrailer& trailer,
                   std::span<const std::byte> payload, std::size_t stream_bytes) {
  IrPacket packet;
  packet.header = header.iso;
  packet.header.speed = trailer.speed();
  packet.data_length = header.data_length;
  packet.trailer = trailer;
  packet.payload = payload;
  packet.stream_bytes = stream_bytes;
  return packet;
}

}  // namespace

Result<IrBlock> write_packet_per_buffer_block(DmaBuffer& buffer, std::size_t offset,
                                              const IrBlockSpec& spec, BlockRef next) {
  if (spec.buffers.empty() || spec.buffers.size() > kMaxIrBlockBuffers) {
    return Status::InvalidParameter;
  }
  const auto z = static_cast<std::uint32_t>(spec.buffers.size());
  const Result<std::uint32_t> address = place_block(buffer, offset, z);
  if (!address) return address.status();

  const regs::DescWait first_wait =
      spec.wait_for_sync ? regs::DescWait::kWait : regs::DescWait::kNever;
  BlockImage image;
  for (std::size_t i = 0; i + 1 < spec.buffers.size(); ++i) {
    const Result<Descriptor> more =
        encode_input_more(spec.buffers[i], i == 0 ? first_wait : regs::DescWait::kNever);
    if (!more) return more.status();
    image.append(*more);
  }
  // A lone INPUT_LAST is also the block's first descriptor, so it carries the wait.
  const Result<Descriptor> last = encode_input_last(spec.buffers.back(), spec.interrupt, next,
                                                    z == 1 ? first_wait : regs::DescWait::kNever);
  if (!last) return last.status();
  image.append(*last);

  const Status status = image.write_to(buffer, offset);
  if (!succeeded(status)) return status;
  return block_at(*address, z, offset);
}

Result<IrBlock> write_buffer_fill_descriptor(DmaBuffer& buffer, std::size_t offset,
                                             const IrBufferFillSpec& spec, BlockRef next) {
  constexpr std::uint32_t kZ = 1;
  const Result<std::uint32_t> address = place_block(buffer, offset, kZ);
  if (!address) return address.status();
  const Result<Descriptor> more = encode_buffer_fill_input_more(
      spec.buffer, spec.interrupt, next,
      spec.wait_for_sync ? regs::DescWait::kWait : regs::DescWait::kNever);
  if (!more) return more.status();
  BlockImage image;
  image.append(*more);
  const Status status = image.write_to(buffer, offset);
  if (!succeeded(status)) return status;
  return block_at(*address, kZ, offset);
}

Result<IrPacketCompletion> read_packet_completion(const DmaBuffer& buffer, const IrBlock& block) {
  if (!readable(buffer, block)) return Status::InvalidParameter;
  std::size_t before = 0;  // reqCounts of the descriptors the packet filled completely
  for (std::uint32_t index = 0; index < block.descriptors(); ++index) {
    const Result<std::uint32_t> quadlet = buffer.read_quadlet(block.status_offset(index));
    const Result<StoredBuffer> stored = read_buffer(buffer, block.descriptor_offset(index));
    if (!quadlet || !stored) return Status::InvalidParameter;
    const IrStatus status = decode_ir_status(*quadlet);
    // Status goes to the descriptor the packet ended in only; the ones before it are full.
    if (!status.done()) {
      before += stored->req_count;
      continue;
    }
    if (status.res_count > stored->req_count) return Status::DeviceError;
    return IrPacketCompletion{status, index, before + stored->req_count - status.res_count};
  }
  return IrPacketCompletion{};
}

Result<IrFillLevel> read_buffer_fill_level(const DmaBuffer& buffer, const IrBlock& descriptor) {
  if (descriptor.ref.z != 1 || !readable(buffer, descriptor)) return Status::InvalidParameter;
  const Result<std::uint32_t> quadlet = buffer.read_quadlet(descriptor.status_offset(0));
  const Result<StoredBuffer> stored = read_buffer(buffer, descriptor.descriptor_offset(0));
  if (!quadlet || !stored) return Status::InvalidParameter;
  const IrStatus status = decode_ir_status(*quadlet);
  if (status.res_count > stored->req_count) return Status::DeviceError;
  return IrFillLevel{status, stored->req_count};
}

Result<std::size_t> copy_block_stream(const DmaBuffer& program, const IrBlock& block,
                                      const DmaBuffer& data, std::size_t bytes,
                                      std::span<std::byte> destination) {
  if (!readable(program, block) || data.empty()) return Status::InvalidParameter;
  // First pass: every piece is checked before anything is copied.
  std::array<StoredBuffer, kMaxBlockZ> buffers{};
  std::size_t capacity = 0;
  for (std::uint32_t index = 0; index < block.descriptors(); ++index) {
    const Result<StoredBuffer> stored = read_buffer(program, block.descriptor_offset(index));
    if (!stored) return stored.status();
    buffers[index] = *stored;
    const std::size_t take = std::min<std::size_t>(stored->req_count, bytes - capacity);
    capacity += take;
    if (take == 0) continue;
    // The buffer must lie in `data` (an address below it wraps to a huge offset and fails too).
    const std::size_t at = stored->address - data.bus_address();
    if (!data.contains(at, take)) return Status::InvalidParameter;
  }
  if (capacity < bytes) return Status::InvalidParameter;
  if (destination.size() < bytes) return Status::BufferTooSmall;

  std::size_t copied = 0;
  for (std::uint32_t index = 0; index < block.descriptors() && copied < bytes; ++index) {
    const std::size_t take = std::min<std::size_t>(buffers[index].req_count, bytes - copied);
    const std::size_t at = buffers[index].address - data.bus_address();
    const Status status = data.read_bytes(at, destination.subspan(copied, take));
    if (!succeeded(status)) return status;
    copied += take;
  }
  return bytes;
}

Result<IrPacket> parse_packet_per_buffer(std::span<const std::byte> stream) {
  if (stream.size() < kIsoHeaderBytes) return Status::BufferTooSmall;
  const IrTrailer trailer = decode_ir_trailer(load_quadlet(stream, 0));
  const IrHeader header = decode_ir_header(load_quadlet(stream, kQuadletBytes));
  if (!header.isochronous() || !plausible_trailer(trailer)) return Status::DeviceError;
  const std::span<const std::byte> stored = stream.subspan(kIsoHeaderBytes);
  const std::size_t payload = std::min<std::size_t>(header.data_length, stored.size());
  const std::size_t stream_bytes =
      std::min(stream.size(), ir_stream_bytes(header.data_length, /*isoch_header=*/true));
  return packet_of(header, trailer, stored.first(payload), stream_bytes);
}

Result<IrPacket> BufferFillParser::next() {
  const std::span<const std::byte> rest = stream_.subspan(consumed_);
  if (rest.size() < kQuadletBytes) return Status::BufferTooSmall;
  const IrHeader header = decode_ir_header(load_quadlet(rest, 0));
  if (!header.isochronous()) return Status::DeviceError;
  const std::size_t size = ir_stream_bytes(header.data_length, /*isoch_header=*/true);
  if (rest.size() < size) return Status::BufferTooSmall;
  const IrTrailer trailer = decode_ir_trailer(load_quadlet(rest, size - kQuadletBytes));
  if (!plausible_trailer(trailer)) return Status::DeviceError;
  consumed_ += size;
  return packet_of(header, trailer, rest.subspan(kQuadletBytes, header.data_length), size);
}

}  // namespace ohci::fw
