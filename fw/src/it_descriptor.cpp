#include "ohci/it_descriptor.hpp"

namespace ohci::fw {
namespace {

namespace control = regs::desc::control;
namespace branch = regs::desc::branch;
namespace status = regs::desc::status;
namespace iso_header = regs::desc::iso_header;
namespace iso_length = regs::desc::iso_length;

constexpr std::uint32_t kImmediateReqCount = 8;  // the two header quadlets

constexpr std::uint32_t value_of(auto encoding) {
  return static_cast<std::uint32_t>(encoding);
}

// Quadlet 0 of a descriptor.
struct Control {
  regs::DescCmd cmd;
  regs::DescKey key;
  bool write_status;
  regs::DescInterrupt interrupt;
  regs::DescBranch branch;
  std::uint32_t req_count;

  std::uint32_t word() const {
    return control::kCmd.put(value_of(cmd)) | control::kKey.put(value_of(key)) |
           control::kWriteStatus.put(write_status ? 1u : 0u) |
           control::kInterrupt.put(value_of(interrupt)) | control::kBranch.put(value_of(branch)) |
           control::kWait.put(value_of(regs::DescWait::kNever)) | control::kReqCount.put(req_count);
  }
};

// A 32-byte immediate descriptor: control, no dataAddress, branch (or skip), status (zeroed),
// then the two header quadlets and two unused ones.
ImmediateDescriptor immediate(const Control& control, std::uint32_t branch_word,
                              std::uint32_t header_quadlet, std::uint32_t data_length) {
  return ImmediateDescriptor{control.word(),
                             0,
                             branch_word,
                             0,
                             header_quadlet,
                             iso_length::kDataLength.put(data_length),
                             0,
                             0};
}

bool valid_interrupt(regs::DescInterrupt interrupt) {
  return interrupt == regs::DescInterrupt::kNever || interrupt == regs::DescInterrupt::kAlways;
}

bool valid_req_count(std::uint32_t req_count) {
  return req_count >= 1 && req_count <= kMaxDataLength;
}

}  // namespace

Result<std::uint32_t> encode_block_ref(BlockRef ref, bool allow_end) {
  const std::uint32_t min_z = allow_end ? 0 : 1;
  if (ref.z < min_z || ref.z > kMaxBlockZ) return Status::InvalidParameter;
  if (ref.address % kDescriptorBytes != 0) return Status::InvalidParameter;
  return ref.address | branch::kZ.put(ref.z);
}

Result<std::uint32_t> encode_iso_header(const IsoHeader& header) {
  const std::uint32_t speed = value_of(header.speed);
  if (!iso_header::kSpd.fits(speed) || !iso_header::kTag.fits(header.tag) ||
      !iso_header::kChannel.fits(header.channel) || !iso_header::kSy.fits(header.sy)) {
    return Status::InvalidParameter;
  }
  return iso_header::kSpd.put(speed) | iso_header::kTag.put(header.tag) |
         iso_header::kChannel.put(header.channel) |
         iso_header::kTcode.put(value_of(regs::Tcode::kIsoBlock)) | iso_header::kSy.put(header.sy);
}

Result<Descriptor> encode_output_more(std::uint32_t data_address, std::uint32_t req_count) {
  if (!valid_req_count(req_count)) return Status::InvalidParameter;
  const Control control{.cmd = regs::DescCmd::kOutputMore,
                        .key = regs::DescKey::kData,
                        .write_status = false,
                        .interrupt = regs::DescInterrupt::kNever,
                        .branch = regs::DescBranch::kNever,
                        .req_count = req_count};
  return Descriptor{control.word(), data_address, 0, 0};
}

Result<ImmediateDescriptor> encode_output_more_immediate(const IsoHeader& header,
                                                         std::uint32_t data_length, BlockRef skip) {
  const Result<std::uint32_t> header_quadlet = encode_iso_header(header);
  const Result<std::uint32_t> skip_word = encode_block_ref(skip);
  if (!header_quadlet || !skip_word || data_length > kMaxDataLength) {
    return Status::InvalidParameter;
  }
  const Control control{.cmd = regs::DescCmd::kOutputMore,
                        .key = regs::DescKey::kImmediate,
                        .write_status = false,
                        .interrupt = regs::DescInterrupt::kNever,
                        .branch = regs::DescBranch::kNever,
                        .req_count = kImmediateReqCount};
  // The skip address sits where other descriptors keep their branch.
  return immediate(control, *skip_word, *header_quadlet, data_length);
}

Result<Descriptor> encode_output_last(std::uint32_t data_address, std::uint32_t req_count,
                                      regs::DescInterrupt interrupt, BlockRef next) {
  const Result<std::uint32_t> branch_word = encode_block_ref(next);
  if (!valid_req_count(req_count) || !valid_interrupt(interrupt) || !branch_word) {
    return Status::InvalidParameter;
  }
  const Control control{.cmd = regs::DescCmd::kOutputLast,
                        .key = regs::DescKey::kData,
                        .write_status = true,
                        .interrupt = interrupt,
                        .branch = regs::DescBranch::kAlways,
                        .req_count = req_count};
  return Descriptor{control.word(), data_address, *branch_word, 0};
}

Result<ImmediateDescriptor> encode_output_last_immediate(const IsoHeader& header,
                                                         regs::DescInterrupt interrupt,
                                                         BlockRef next) {
  const Result<std::uint32_t> header_quadlet = encode_iso_header(header);
  const Result<std::uint32_t> branch_word = encode_block_ref(next);
  if (!header_quadlet || !branch_word || !valid_interrupt(interrupt)) {
    return Status::InvalidParameter;
  }
  const Control control{.cmd = regs::DescCmd::kOutputLast,
                        .key = regs::DescKey::kImmediate,
                        .write_status = true,
                        .interrupt = interrupt,
                        .branch = regs::DescBranch::kAlways,
                        .req_count = kImmediateReqCount};
  return immediate(control, *branch_word, *header_quadlet, /*data_length=*/0);
}

Result<Descriptor> encode_skip_cycle(regs::DescInterrupt interrupt, BlockRef next) {
  const Result<std::uint32_t> branch_word = encode_block_ref(next);
  if (!valid_interrupt(interrupt) || !branch_word) return Status::InvalidParameter;
  const Control control{.cmd = regs::DescCmd::kOutputLast,
                        .key = regs::DescKey::kData,
                        .write_status = true,
                        .interrupt = interrupt,
                        .branch = regs::DescBranch::kAlways,
                        .req_count = 0};
  return Descriptor{control.word(), 0, *branch_word, 0};
}

ItCompletion decode_completion(std::uint32_t status_quadlet) {
  return {status::kXferStatus.get(status_quadlet), status::kTimeStamp.get(status_quadlet)};
}

}  // namespace ohci::fw
