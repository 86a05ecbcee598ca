#include "ohci/dma_program.hpp"

#include <algorithm>
#include <array>

namespace ohci::fw {
namespace {

// An IT packet block of one payload piece: OUTPUT_MORE-Immediate (2) + OUTPUT_LAST (1).
constexpr std::size_t kItBlockBytes = 3 * kDescriptorBytes;
// The underrun trap, an empty OUTPUT_LAST, sits at the start of the program memory.
constexpr std::size_t kTrapBytes = kDescriptorBytes;
// An IR block of one INPUT_LAST.
constexpr std::size_t kIrBlockBytes = kDescriptorBytes;

Status error_for(regs::EventCode event) {
  switch (event) {
    case regs::EventCode::kEvtOverrun:
      return Status::DataOverrun;
    case regs::EventCode::kEvtLongPacket:
      return Status::BufferTooSmall;
    case regs::EventCode::kEvtUnderrun:
      return Status::DataLate;
    default:
      return Status::DeviceError;
  }
}

TransferOutcome failed(std::size_t bytes, regs::EventCode event, Status error) {
  return TransferOutcome{TransferState::Failed, bytes, event, error};
}

}  // namespace

Result<TransferProgram> TransferProgram::allocate(Hal& hal, std::size_t max_packets) {
  if (max_packets == 0 || max_packets > (1u << 20)) return Status::InvalidParameter;
  auto memory = DmaBuffer::allocate(hal, kTrapBytes + max_packets * kItBlockBytes, 16);
  if (!memory.ok()) return memory.status();
  return TransferProgram(std::move(memory.value()), max_packets);
}

Result<BlockRef> TransferProgram::build_transmit(const DmaTransfer& transfer,
                                                 const ItTransferOptions& options) {
  const std::uint32_t packet_bytes = options.max_bytes_per_packet;
  if (options.header.speed > regs::Speed::kS400) return Status::NotSupported;
  if (packet_bytes == 0 || packet_bytes > (1024u << static_cast<unsigned>(options.header.speed))) {
    return Status::InvalidParameter;
  }
  if (encode_iso_header(options.header).status() == Status::InvalidParameter ||
      transfer.length == 0) {
    return Status::InvalidParameter;
  }
  const std::size_t packets = packets_for(transfer.length, packet_bytes);
  if (packets > max_packets_) return Status::InsufficientResources;

  kind_ = Kind::None;
  auto trap = write_skip_cycle_block(memory_, 0, BlockRef::end(), regs::DescInterrupt::kAlways);
  if (!trap.ok()) return trap.status();
  trap_ = trap.value();
  lengths_.assign(packets, 0);
  it_blocks_.assign(packets, ItBlock{});
  // Last block first, so that each block knows the next one's address and Z.
  BlockRef next = BlockRef::end();
  for (std::size_t k = packets; k-- > 0;) {
    const std::size_t offset = k * packet_bytes;
    const auto length =
        static_cast<std::uint32_t>(std::min<std::size_t>(packet_bytes, transfer.length - offset));
    const std::array<PayloadPiece, 1> piece{
        PayloadPiece{transfer.address + static_cast<std::uint32_t>(offset), length}};
    const ItPacket packet{
        options.header, piece,
        k + 1 == packets ? regs::DescInterrupt::kAlways : regs::DescInterrupt::kNever};
    auto block =
        write_packet_block(memory_, kTrapBytes + k * kItBlockBytes, packet, next, trap_.ref);
    if (!block.ok()) return block.status();
    it_blocks_[k] = block.value();
    lengths_[k] = length;
    next = block.value().ref;
  }
  kind_ = Kind::Transmit;
  first_ = next;
  return first_;
}

Result<BlockRef> TransferProgram::build_receive(const DmaTransfer& transfer,
                                                const IrTransferOptions& options) {
  const std::uint32_t slot = options.bytes_per_packet;
  if (!valid_ir_buffer(IrBuffer{0, slot})) return Status::InvalidParameter;
  if (transfer.length == 0 || transfer.length % kIrBufferAlignment != 0 ||
      transfer.address % kIrBufferAlignment != 0) {
    return Status::InvalidParameter;
  }
  const std::size_t blocks = packets_for(transfer.length, slot);
  if (blocks > max_packets_) return Status::InsufficientResources;

  kind_ = Kind::None;
  lengths_.assign(blocks, 0);
  ir_blocks_.assign(blocks, IrBlock{});
  BlockRef next = BlockRef::end();
  for (std::size_t k = blocks; k-- > 0;) {
    const std::size_t offset = k * slot;
    const auto length =
        static_cast<std::uint32_t>(std::min<std::size_t>(slot, transfer.length - offset));
    const std::array<IrBuffer, 1> buffer{
        IrBuffer{transfer.address + static_cast<std::uint32_t>(offset), length}};
    const IrBlockSpec spec{
        buffer, false,
        k + 1 == blocks ? regs::DescInterrupt::kAlways : regs::DescInterrupt::kNever};
    auto block = write_packet_per_buffer_block(memory_, k * kIrBlockBytes, spec, next);
    if (!block.ok()) return block.status();
    ir_blocks_[k] = block.value();
    lengths_[k] = length;
    next = block.value().ref;
  }
  kind_ = Kind::Receive;
  bytes_per_packet_ = slot;
  first_ = next;
  return first_;
}

Result<TransferOutcome> TransferProgram::outcome(const ContextStatus& context) const {
  switch (kind_) {
    case Kind::Transmit:
      return transmit_outcome(context);
    case Kind::Receive:
      return receive_outcome(context);
    case Kind::None:
      break;
  }
  return Status::InvalidDeviceState;
}

Result<TransferOutcome> TransferProgram::transmit_outcome(const ContextStatus& context) const {
  // Packets go out in order: count the sent ones up to the first that is not.
  std::size_t bytes = 0;
  std::size_t sent = 0;
  for (; sent < it_blocks_.size(); ++sent) {
    auto completion = read_completion(memory_, it_blocks_[sent]);
    if (!completion.ok()) return completion.status();
    if (!completion.value().done()) break;
    const regs::EventCode event = completion.value().event();
    if (event != regs::EventCode::kAckComplete) return failed(bytes, event, error_for(event));
    bytes += lengths_[sent];
  }
  // The trap is reached only through a skipAddress: a packet was late.
  auto trap = read_completion(memory_, trap_);
  if (!trap.ok()) return trap.status();
  if (trap.value().done()) return failed(bytes, regs::EventCode::kEvtUnderrun, Status::DataLate);
  if (context.dead) return failed(bytes, context.event, Status::DeviceError);
  if (sent == it_blocks_.size()) {
    return TransferOutcome{TransferState::Completed, bytes, regs::EventCode::kAckComplete,
                           Status::Success};
  }
  return TransferOutcome{TransferState::InProgress, bytes, regs::EventCode::kEvtNoStatus,
                         Status::Success};
}

Result<TransferOutcome> TransferProgram::receive_outcome(const ContextStatus& context) const {
  // Blocks are filled in order, one packet each.
  std::size_t bytes = 0;
  for (std::size_t k = 0; k < ir_blocks_.size(); ++k) {
    auto completion = read_packet_completion(memory_, ir_blocks_[k]);
    if (!completion.ok()) return completion.status();
    if (!completion.value().done()) break;
    const regs::EventCode event = completion.value().event();
    if (event != regs::EventCode::kAckComplete) return failed(bytes, event, error_for(event));
    bytes = k * bytes_per_packet_ + completion.value().stored_bytes;
    if (k + 1 == ir_blocks_.size()) {
      return TransferOutcome{TransferState::Completed, bytes, regs::EventCode::kAckComplete,
                             Status::Success};
    }
  }
  if (context.dead) return failed(bytes, context.event, Status::DeviceError);
  return TransferOutcome{TransferState::InProgress, bytes, regs::EventCode::kEvtNoStatus,
                         Status::Success};
}

Status program_transmit(ItContext& context, TransferProgram& program, const DmaTransfer& transfer,
                        const ItTransferOptions& options) {
  auto first = program.build_transmit(transfer, options);
  if (!first.ok()) return first.status();
  if (!context.status().stopped()) {
    if (const Status stopped = context.stop(); stopped != Status::Success) return stopped;
  }
  return context.start(first.value());
}

Status program_receive(IrContext& context, TransferProgram& program, const DmaTransfer& transfer,
                       const IrTransferOptions& options, const IrStartOptions& start) {
  auto first = program.build_receive(transfer, options);
  if (!first.ok()) return first.status();
  if (!context.status().stopped()) {
    if (const Status stopped = context.stop(); stopped != Status::Success) return stopped;
  }
  return context.start(first.value(), start);
}

DmaCompletion complete_transfer(DmaTransaction& transaction, const TransferOutcome& outcome) {
  switch (outcome.state) {
    case TransferState::InProgress:
      break;
    case TransferState::Completed:
      return transaction.direction() == DmaDirection::ToDevice
                 ? transaction.completed()
                 : transaction.completed_with_length(outcome.bytes);
    case TransferState::Failed:
      return transaction.completed_final(outcome.bytes, outcome.error);
  }
  return {false, Status::Pending};
}

}  // namespace ohci::fw
