// IT descriptor encodings, bit for bit. Expected quadlets are built here from the field rules of
// reference/ohci-isoch.md section 2 (cmd[31:28] s[27] key[26:24] i[21:20] b[19:18] reqCount[15:0];
// immediate q4 = spd[18:16] tag[15:14] chan[13:8] tcode[7:4] sy[3:0], q5 = dataLength << 16),
// not from the generated register map, so the two are checked against each other.
#include "ohci/it_descriptor.hpp"

#include <gtest/gtest.h>

namespace ohci::fw {
namespace {

constexpr std::uint32_t cmd(std::uint32_t v) {
  return v << 28;
}
constexpr std::uint32_t s(std::uint32_t v) {
  return v << 27;
}
constexpr std::uint32_t key(std::uint32_t v) {
  return v << 24;
}
constexpr std::uint32_t i(std::uint32_t v) {
  return v << 20;
}
constexpr std::uint32_t b(std::uint32_t v) {
  return v << 18;
}

constexpr IsoHeader kHeader{regs::Speed::kS400, /*tag=*/1, /*channel=*/5, /*sy=*/3};
// spd 2, tag 1, channel 5, tcode 0xA, sy 3.
constexpr std::uint32_t kHeaderQuadlet = (2u << 16) | (1u << 14) | (5u << 8) | (0xAu << 4) | 3u;
static_assert(kHeaderQuadlet == 0x000245A3);

TEST(ItDescriptor, IsoHeaderQuadlet) {
  const Result<std::uint32_t> quadlet = encode_iso_header(kHeader);
  ASSERT_TRUE(quadlet.ok());
  EXPECT_EQ(*quadlet, 0x000245A3u);

  const IsoHeader widest{regs::Speed::kS800, 3, 63, 15};
  EXPECT_EQ(*encode_iso_header(widest), (3u << 16) | (3u << 14) | (63u << 8) | 0xA0u | 15u);
}

TEST(ItDescriptor, IsoHeaderRejectsFieldsThatDoNotFit) {
  EXPECT_EQ(encode_iso_header({regs::Speed::kS100, 4, 0, 0}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_iso_header({regs::Speed::kS100, 0, 64, 0}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_iso_header({regs::Speed::kS100, 0, 0, 16}).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_iso_header({static_cast<regs::Speed>(8), 0, 0, 0}).status(),
            Status::InvalidParameter);
}

TEST(ItDescriptor, OutputMore) {
  const Result<Descriptor> d = encode_output_more(0x00123457, 100);
  ASSERT_TRUE(d.ok());
  // cmd 0, s 0, key 0, i 00, b 00: the control half is zero.
  EXPECT_EQ(*d, (Descriptor{100, 0x00123457, 0, 0}));
}

TEST(ItDescriptor, OutputMoreImmediateHoldsHeaderAndSkip) {
  const Result<ImmediateDescriptor> d =
      encode_output_more_immediate(kHeader, 0x200, BlockRef{0x1000, 4});
  ASSERT_TRUE(d.ok());
  const ImmediateDescriptor expected{cmd(0) | key(2) | 8, 0, 0x1004, 0, kHeaderQuadlet,
                                     0x200u << 16,        0, 0};
  EXPECT_EQ(*d, expected);
  EXPECT_EQ((*d)[0], 0x02000008u);
}

TEST(ItDescriptor, OutputLast) {
  const Result<Descriptor> plain =
      encode_output_last(0x00200000, 0x40, regs::DescInterrupt::kNever, BlockRef{0x2000, 3});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain,
            (Descriptor{cmd(1) | s(1) | key(0) | i(0) | b(3) | 0x40, 0x00200000, 0x2003, 0}));
  EXPECT_EQ((*plain)[0], 0x180C0040u);

  const Result<Descriptor> interrupting =
      encode_output_last(0x00200000, 0x40, regs::DescInterrupt::kAlways, BlockRef::end());
  ASSERT_TRUE(interrupting.ok());
  EXPECT_EQ((*interrupting)[0], 0x183C0040u);
  EXPECT_EQ((*interrupting)[2], 0u);  // Z = 0: the program ends here
}

TEST(ItDescriptor, OutputLastImmediateIsAHeaderOnlyPacket) {
  const Result<ImmediateDescriptor> d =
      encode_output_last_immediate(kHeader, regs::DescInterrupt::kAlways, BlockRef{0x3000, 2});
  ASSERT_TRUE(d.ok());
  const ImmediateDescriptor expected{
      cmd(1) | s(1) | key(2) | i(3) | b(3) | 8, 0, 0x3002, 0, kHeaderQuadlet, 0, 0, 0};
  EXPECT_EQ(*d, expected);
  EXPECT_EQ((*d)[0], 0x1A3C0008u);
}

TEST(ItDescriptor, SkipCycleIsAnEmptyOutputLast) {
  const Result<Descriptor> d = encode_skip_cycle(regs::DescInterrupt::kNever, BlockRef{0x4010, 1});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Descriptor{cmd(1) | s(1) | b(3) | 0, 0, 0x4011, 0}));
  EXPECT_EQ((*d)[0], 0x180C0000u);
}

TEST(ItDescriptor, RejectsBadCountsBranchesAndInterrupts) {
  EXPECT_EQ(encode_output_more(0, 0).status(), Status::InvalidParameter);
  EXPECT_EQ(encode_output_more(0, 0x10000).status(), Status::InvalidParameter);
  EXPECT_TRUE(encode_output_more(0, 0xFFFF).ok());

  const auto never = regs::DescInterrupt::kNever;
  EXPECT_EQ(encode_output_last(0, 4, never, BlockRef{0x1008, 2}).status(),
            Status::InvalidParameter);  // branch not 16-byte aligned
  EXPECT_EQ(encode_output_last(0, 4, never, BlockRef{0x1000, 9}).status(),
            Status::InvalidParameter);  // Z above 8
  EXPECT_EQ(encode_output_last(0, 4, static_cast<regs::DescInterrupt>(1), BlockRef{}).status(),
            Status::InvalidParameter);  // i = 01 is UNCONFIRMED for isoch: refused
  EXPECT_EQ(encode_output_more_immediate(kHeader, 0x10000, BlockRef{}).status(),
            Status::InvalidParameter);
  EXPECT_EQ(encode_output_more_immediate(kHeader, 8, BlockRef{0x1004, 1}).status(),
            Status::InvalidParameter);
  EXPECT_EQ(encode_skip_cycle(never, BlockRef{0x10, 10}).status(), Status::InvalidParameter);
}

TEST(ItDescriptor, BlockRefWord) {
  EXPECT_EQ(*encode_block_ref(BlockRef{0xFFFFFFF0, 8}), 0xFFFFFFF8u);
  EXPECT_EQ(*encode_block_ref(BlockRef::end()), 0u);
  EXPECT_EQ(encode_block_ref(BlockRef::end(), /*allow_end=*/false).status(),
            Status::InvalidParameter);
  EXPECT_EQ(encode_block_ref(BlockRef{0x100, 0}, /*allow_end=*/false).status(),
            Status::InvalidParameter);
}

TEST(ItDescriptor, DecodesCompletionStatus) {
  // xferStatus = run | active | ack_complete (0x11); timeStamp = seconds 5, cycle 0x0123.
  const std::uint32_t xfer_status = (1u << 15) | (1u << 10) | 0x11u;
  const std::uint32_t time_stamp = (5u << 13) | 0x0123u;
  const ItCompletion completion = decode_completion(xfer_status << 16 | time_stamp);
  EXPECT_TRUE(completion.done());
  EXPECT_EQ(completion.xfer_status, 0x8411u);
  EXPECT_EQ(completion.time_stamp, 0xA123u);
  EXPECT_EQ(completion.event(), regs::EventCode::kAckComplete);
  EXPECT_EQ(completion.cycle_seconds(), 5u);
  EXPECT_EQ(completion.cycle_count(), 0x123u);
  EXPECT_FALSE(decode_completion(0).done());
}

}  // namespace
}  // namespace ohci::fw
