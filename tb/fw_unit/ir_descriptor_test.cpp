// IR descriptor encodings and write-back decoders, bit for bit. Expected quadlets are built here
// from the field rules (q0 = cmd[31:28] s[27] key[26:24] i[21:20] b[19:18] w[17:16]
// reqCount[15:0]; q3 = xferStatus[31:16] | resCount[15:0]; the stored header quadlet =
// data_length[31:16] tag[15:14] channel[13:8] tcode[7:4] sy[3:0]), not from the generated
// register map, so the two are checked against each other.
#include "ohci/ir_descriptor.hpp"

#include <gtest/gtest.h>

namespace ohci::fw {
namespace {

constexpr std::uint32_t cmd(std::uint32_t v) {
  return v << 28;
}
constexpr std::uint32_t s(std::uint32_t v) {
  return v << 27;
}
constexpr std::uint32_t i(std::uint32_t v) {
  return v << 20;
}
constexpr std::uint32_t b(std::uint32_t v) {
  return v << 18;
}
constexpr std::uint32_t w(std::uint32_t v) {
  return v << 16;
}

constexpr std::uint32_t kInputMore = cmd(2) | s(1);  // key 0
constexpr std::uint32_t kInputLast = cmd(3) | s(1) | b(3);

// xferStatus bits: run[15] wake[12] dead[11] active[10] spd[7:5] event[4:0].
constexpr std::uint32_t kRun = 1u << 15;
constexpr std::uint32_t kActive = 1u << 10;
constexpr std::uint32_t spd(std::uint32_t v) {
  return v << 5;
}

TEST(IrDescriptor, SizesOfWhatTheControllerStores) {
  static_assert(kIsoHeaderBytes == 8);
  static_assert(padded_payload_bytes(0) == 0);
  static_assert(padded_payload_bytes(1) == 4);
  static_assert(padded_payload_bytes(4) == 4);
  static_assert(padded_payload_bytes(5) == 8);
  static_assert(ir_stream_bytes(5) == 16);  // header, 5 bytes + 3 padding, trailer
  static_assert(ir_stream_bytes(5, /*isoch_header=*/false) == 8);
  static_assert(ir_stream_bytes(0) == 8);
}

TEST(IrDescriptor, BuffersAreWholeAlignedQuadlets) {
  static_assert(valid_ir_buffer({0x1000, 4}));
  static_assert(valid_ir_buffer({0x1004, 0xFFFC}));
  static_assert(!valid_ir_buffer({0x1002, 4}));        // not quadlet-aligned
  static_assert(!valid_ir_buffer({0x1000, 0}));        // empty
  static_assert(!valid_ir_buffer({0x1000, 6}));        // not whole quadlets
  static_assert(!valid_ir_buffer({0x1000, 0x10000}));  // reqCount is 16 bits
}

TEST(IrDescriptor, PacketPerBufferInputMore) {
  const Result<Descriptor> d = encode_input_more({0x00123450, 64});
  ASSERT_TRUE(d.ok());
  // No branch, no interrupt; quadlet 3 starts as resCount = reqCount, xferStatus = 0.
  EXPECT_EQ(*d, (Descriptor{kInputMore | 64, 0x00123450, 0, 64}));

  const Result<Descriptor> waiting = encode_input_more({0x00123450, 8}, regs::DescWait::kWait);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(*waiting, (Descriptor{kInputMore | w(3) | 8, 0x00123450, 0, 8}));
  EXPECT_EQ((*waiting)[0], 0x2803'0008u);
}

TEST(IrDescriptor, InputLastBranches) {
  const Result<Descriptor> d =
      encode_input_last({0x2000, 512}, regs::DescInterrupt::kAlways, BlockRef{0x3000, 4});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Descriptor{kInputLast | i(3) | 512, 0x2000, 0x3004, 512}));
  EXPECT_EQ((*d)[0], 0x383C'0200u);

  // Z = 0: the end of the program. A lone INPUT_LAST may wait for sync.
  const Result<Descriptor> end = encode_input_last({0x2000, 4}, regs::DescInterrupt::kNever,
                                                   BlockRef::end(), regs::DescWait::kWait);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, (Descriptor{kInputLast | w(3) | 4, 0x2000, 0, 4}));
}

TEST(IrDescriptor, BufferFillInputMoreBranches) {
  const Result<Descriptor> d = encode_buffer_fill_input_more(
      {0x4000, 0x1000}, regs::DescInterrupt::kAlways, BlockRef{0x5010, 1});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Descriptor{kInputMore | i(3) | b(3) | 0x1000, 0x4000, 0x5011, 0x1000}));
  EXPECT_EQ((*d)[0], 0x283C'1000u);

  const Result<Descriptor> waiting = encode_buffer_fill_input_more(
      {0x4000, 16}, regs::DescInterrupt::kNever, BlockRef::end(), regs::DescWait::kWait);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(*waiting, (Descriptor{kInputMore | b(3) | w(3) | 16, 0x4000, 0, 16}));
}

TEST(IrDescriptor, RejectsWhatWouldMakeTheContextDead) {
  const auto never = regs::DescInterrupt::kNever;
  EXPECT_EQ(encode_input_more({0x1001, 4}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_input_more({0x1000, 5}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_input_more({0x1000, 0}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_input_more({0x1000, 4}, static_cast<regs::DescWait>(1)).status(),
            Status::InvalidParameter);
  EXPECT_EQ(encode_input_last({0x1000, 0x10000}, never, BlockRef::end()).status(),
            Status::InvalidParameter);
  EXPECT_EQ(
      encode_input_last({0x1000, 4}, static_cast<regs::DescInterrupt>(1), BlockRef::end()).status(),
      Status::InvalidParameter);
  EXPECT_EQ(encode_input_last({0x1000, 4}, never, BlockRef{0x2008, 2}).status(),
            Status::InvalidParameter);  // branch not 16-byte aligned
  EXPECT_EQ(encode_buffer_fill_input_more({0x1000, 4}, never, BlockRef{0x2000, 9}).status(),
            Status::InvalidParameter);  // Z above 8
  EXPECT_EQ(encode_buffer_fill_input_more({0x1002, 4}, never, BlockRef::end()).status(),
            Status::InvalidParameter);
  // A buffer-fill descriptor leads to another one (Z = 1), never to a larger block.
  EXPECT_EQ(encode_buffer_fill_input_more({0x1000, 4}, never, BlockRef{0x2000, 2}).status(),
            Status::InvalidParameter);
}

TEST(IrDescriptor, DecodesStatusWriteBack) {
  // run | active | S400 | ack_complete, 1000 bytes left.
  const std::uint32_t xfer = kRun | kActive | spd(2) | 0x11;
  static_assert(xfer == 0x8451);
  const IrStatus status = decode_ir_status(xfer << 16 | 1000);
  EXPECT_TRUE(status.done());
  EXPECT_EQ(status.xfer_status, 0x8451u);
  EXPECT_EQ(status.res_count, 1000u);
  EXPECT_EQ(status.event(), regs::EventCode::kAckComplete);
  EXPECT_EQ(status.speed(), regs::Speed::kS400);
  EXPECT_TRUE(status.control().run);
  EXPECT_TRUE(status.control().active);
  EXPECT_FALSE(status.control().dead);

  // As software initialised it: not done, nothing filled.
  const IrStatus fresh = decode_ir_status(512);
  EXPECT_FALSE(fresh.done());
  EXPECT_EQ(fresh.res_count, 512u);
}

TEST(IrDescriptor, DecodesTrailer) {
  // ack_data_error at S100, received in cycle 1234 of second 5 (mod 8).
  const IrTrailer trailer = decode_ir_trailer((kRun | kActive | 0x1D) << 16 | (5u << 13 | 1234u));
  EXPECT_EQ(trailer.event(), regs::EventCode::kAckDataError);
  EXPECT_EQ(trailer.speed(), regs::Speed::kS100);
  EXPECT_EQ(trailer.cycle_seconds(), 5u);
  EXPECT_EQ(trailer.cycle_count(), 1234u);
  EXPECT_EQ(trailer.time_stamp, 5u << 13 | 1234u);
}

TEST(IrDescriptor, HeaderQuadletBothWays) {
  // data_length 500, tag 1, channel 5, tcode 0xA, sy 3.
  constexpr std::uint32_t kQuadlet = (500u << 16) | (1u << 14) | (5u << 8) | (0xAu << 4) | 3u;
  static_assert(kQuadlet == 0x01F4'45A3);
  const IrHeader header = decode_ir_header(kQuadlet);
  EXPECT_EQ(header.data_length, 500u);
  EXPECT_EQ(header.iso.tag, 1u);
  EXPECT_EQ(header.iso.channel, 5u);
  EXPECT_EQ(header.iso.sy, 3u);
  EXPECT_EQ(header.iso.speed, regs::Speed::kS100);  // not in the quadlet
  EXPECT_EQ(header.tcode, 0xAu);
  EXPECT_TRUE(header.isochronous());
  EXPECT_FALSE(decode_ir_header(0x0000'0083).isochronous());  // a cycle start's tcode 8

  // The speed is not stored, so it does not matter to the encoding.
  EXPECT_EQ(*encode_ir_header({regs::Speed::kS400, 1, 5, 3}, 500), kQuadlet);
  EXPECT_EQ(*encode_ir_header({regs::Speed::kS100, 3, 63, 15}, 0xFFFF), 0xFFFF'FFAFu);
  EXPECT_EQ(encode_ir_header({regs::Speed::kS100, 0, 64, 0}, 4).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_ir_header({regs::Speed::kS100, 4, 0, 0}, 4).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_ir_header({regs::Speed::kS100, 0, 0, 16}, 4).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_ir_header({regs::Speed::kS100, 0, 0, 0}, 0x10000).status(),
            Status::InvalidParameter);
}

}  // namespace
}  // namespace ohci::fw
