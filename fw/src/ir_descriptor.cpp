#include "ohci/ir_descriptor.hpp"

namespace ohci::fw {
namespace {

namespace control = regs::desc::control;
namespace status = regs::desc::status;
namespace iso_header = regs::desc::iso_header;
namespace iso_length = regs::desc::iso_length;

constexpr std::uint32_t value_of(auto encoding) {
  return static_cast<std::uint32_t>(encoding);
}

// Quadlet 0 of an IR descriptor. key is always 0 (data) and s always 1: the controller writes
// status to whichever descriptor a packet ends in, and software finds it there.
struct Control {
  regs::DescCmd cmd;
  regs::DescInterrupt interrupt;
  regs::DescBranch branch;
  regs::DescWait wait;
  std::uint32_t req_count;

  std::uint32_t word() const {
    return control::kCmd.put(value_of(cmd)) | control::kKey.put(value_of(regs::DescKey::kData)) |
           control::kWriteStatus.put(1) | control::kInterrupt.put(value_of(interrupt)) |
           control::kBranch.put(value_of(branch)) | control::kWait.put(value_of(wait)) |
           control::kReqCount.put(req_count);
  }
};

// The descriptor as software hands it over: quadlet 3 holds resCount = reqCount and
// xferStatus = 0, so "not done" and "nothing filled" read as such before the controller writes.
Descriptor descriptor(const Control& control, std::uint32_t data_address,
                      std::uint32_t branch_word) {
  return Descriptor{control.word(), data_address, branch_word,
                    status::kTimeStamp.put(control.req_count)};
}

bool valid_interrupt(regs::DescInterrupt interrupt) {
  return interrupt == regs::DescInterrupt::kNever || interrupt == regs::DescInterrupt::kAlways;
}

bool valid_wait(regs::DescWait wait) {
  return wait == regs::DescWait::kNever || wait == regs::DescWait::kWait;
}

}  // namespace

Result<Descriptor> encode_input_more(IrBuffer buffer, regs::DescWait wait) {
  if (!valid_ir_buffer(buffer) || !valid_wait(wait)) return Status::InvalidParameter;
  const Control control{.cmd = regs::DescCmd::kInputMore,
                        .interrupt = regs::DescInterrupt::kNever,
                        .branch = regs::DescBranch::kNever,
                        .wait = wait,
                        .req_count = buffer.length};
  return descriptor(control, buffer.address, 0);
}

Result<Descriptor> encode_input_last(IrBuffer buffer, regs::DescInterrupt interrupt, BlockRef next,
                                     regs::DescWait wait) {
  const Result<std::uint32_t> branch_word = encode_block_ref(next);
  if (!valid_ir_buffer(buffer) || !valid_interrupt(interrupt) || !valid_wait(wait) ||
      !branch_word) {
    return Status::InvalidParameter;
  }
  const Control control{.cmd = regs::DescCmd::kInputLast,
                        .interrupt = interrupt,
                        .branch = regs::DescBranch::kAlways,
                        .wait = wait,
                        .req_count = buffer.length};
  return descriptor(control, buffer.address, *branch_word);
}

Result<Descriptor> encode_buffer_fill_input_more(IrBuffer buffer, regs::DescInterrupt interrupt,
                                                 BlockRef next, regs::DescWait wait) {
  const Result<std::uint32_t> branch_word = encode_block_ref(next);
  // The next block is another buffer-fill descriptor (Z = 1), or the end of the program.
  if (!valid_ir_buffer(buffer) || !valid_interrupt(interrupt) || !valid_wait(wait) ||
      !branch_word || next.z > 1) {
    return Status::InvalidParameter;
  }
  // Unlike packet-per-buffer's INPUT_MORE it branches: each buffer-fill descriptor is a block.
  const Control control{.cmd = regs::DescCmd::kInputMore,
                        .interrupt = interrupt,
                        .branch = regs::DescBranch::kAlways,
                        .wait = wait,
                        .req_count = buffer.length};
  return descriptor(control, buffer.address, *branch_word);
}

IrStatus decode_ir_status(std::uint32_t status_quadlet) {
  // resCount sits where IT descriptors keep their timeStamp.
  return {status::kXferStatus.get(status_quadlet), status::kTimeStamp.get(status_quadlet)};
}

IrTrailer decode_ir_trailer(std::uint32_t quadlet) {
  return {status::kXferStatus.get(quadlet), status::kTimeStamp.get(quadlet)};
}

IrHeader decode_ir_header(std::uint32_t quadlet) {
  IrHeader header;
  header.iso.tag = iso_header::kTag.get(quadlet);
  header.iso.channel = iso_header::kChannel.get(quadlet);
  header.iso.sy = iso_header::kSy.get(quadlet);
  // data_length sits where an immediate descriptor's second quadlet keeps its dataLength.
  header.data_length = iso_length::kDataLength.get(quadlet);
  header.tcode = iso_header::kTcode.get(quadlet);
  return header;
}

Result<std::uint32_t> encode_ir_header(const IsoHeader& header, std::uint32_t data_length) {
  if (!iso_header::kTag.fits(header.tag) || !iso_header::kChannel.fits(header.channel) ||
      !iso_header::kSy.fits(header.sy) || data_length > kMaxDataLength) {
    return Status::InvalidParameter;
  }
  return iso_length::kDataLength.put(data_length) | iso_header::kTag.put(header.tag) |
         iso_header::kChannel.put(header.channel) |
         iso_header::kTcode.put(value_of(regs::Tcode::kIsoBlock)) | iso_header::kSy.put(header.sy);
}

}  // namespace ohci::fw
