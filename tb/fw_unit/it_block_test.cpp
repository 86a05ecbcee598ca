// IT packet blocks in DMA memory: layout, Z, where the branch and status words are, validation.
#include "ohci/it_block.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>
#include <vector>

#include "fake_hal.hpp"

namespace ohci::fw {
namespace {

using test::FakeHal;

constexpr IsoHeader kHeader{regs::Speed::kS200, /*tag=*/1, /*channel=*/9, /*sy=*/0};
// spd 1, tag 1, channel 9, tcode 0xA, sy 0.
constexpr std::uint32_t kHeaderQuadlet = (1u << 16) | (1u << 14) | (9u << 8) | (0xAu << 4);
// Control halves, from the field rules: cmd[31:28] s[27] key[26:24] i[21:20] b[19:18].
constexpr std::uint32_t kOutputMoreImmediate = (2u << 24) | 8;
constexpr std::uint32_t kOutputLast = (1u << 28) | (1u << 27) | (3u << 18);
constexpr std::uint32_t kOutputLastImmediate = kOutputLast | (2u << 24) | 8;
constexpr std::uint32_t kInterruptAlways = 3u << 20;

class ItBlockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    buffer_ = std::move(*DmaBuffer::allocate(hal_, 1024, 16));
    ASSERT_EQ(buffer_.fill(0, buffer_.size(), std::byte{0xEE}), Status::Success);
  }

  std::vector<std::uint32_t> quadlets(std::size_t offset, std::size_t count) const {
    std::vector<std::uint32_t> result;
    for (std::size_t i = 0; i < count; ++i) result.push_back(*buffer_.read_quadlet(offset + 4 * i));
    return result;
  }

  bool untouched() const {
    for (std::byte byte : buffer_.bytes()) {
      if (byte != std::byte{0xEE}) return false;
    }
    return true;
  }

  std::uint32_t bus(std::size_t offset) const {
    return buffer_.bus_address() + static_cast<std::uint32_t>(offset);
  }

  FakeHal hal_;
  DmaBuffer buffer_;
};

TEST_F(ItBlockTest, BlockZCountsImmediateDescriptorsTwice) {
  static_assert(packet_block_z(0) == 2);  // lone OUTPUT_LAST-Immediate
  static_assert(packet_block_z(1) == 3);  // OMI + OUTPUT_LAST
  static_assert(packet_block_z(6) == 8);
  static_assert(packet_block_z(7) == 0);  // would not fit in 8 units
  static_assert(kMaxPayloadPieces == 6);
}

TEST_F(ItBlockTest, HeaderOnlyPacketIsALoneOutputLastImmediate) {
  const ItPacket packet{kHeader, {}, regs::DescInterrupt::kAlways};
  const Result<ItBlock> block = write_packet_block(buffer_, 64, packet, BlockRef{bus(256), 3});
  ASSERT_TRUE(block.ok()) << to_string(block.status());
  EXPECT_EQ(block->ref, (BlockRef{bus(64), 2}));
  EXPECT_EQ(block->bytes(), 32u);
  // The exception of 2.1: the branch word is in the first 16 bytes.
  EXPECT_EQ(block->branch_offset, 64u + 8);
  EXPECT_EQ(block->status_offset, 64u + 12);
  EXPECT_EQ(quadlets(64, 8),
            (std::vector<std::uint32_t>{kOutputLastImmediate | kInterruptAlways, 0, bus(256) | 3, 0,
                                        kHeaderQuadlet, 0, 0, 0}));
  EXPECT_EQ(quadlets(96, 1), (std::vector<std::uint32_t>{0xEEEEEEEE}));  // nothing beyond Z
}

TEST_F(ItBlockTest, OnePiecePacketSkipsToItselfByDefault) {
  const std::array pieces{PayloadPiece{0x00ABC001, 500}};
  const ItPacket packet{kHeader, pieces, regs::DescInterrupt::kNever};
  const Result<ItBlock> block = write_packet_block(buffer_, 0, packet);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ref, (BlockRef{bus(0), 3}));
  EXPECT_EQ(block->branch_offset, 32u + 8);
  EXPECT_EQ(block->status_offset, 32u + 12);
  EXPECT_EQ(quadlets(0, 12),
            (std::vector<std::uint32_t>{kOutputMoreImmediate, 0, bus(0) | 3, 0,  // skip to self
                                        kHeaderQuadlet, 500u << 16, 0, 0,        // dataLength 500
                                        kOutputLast | 500, 0x00ABC001, 0, 0}));  // branch: end
}

TEST_F(ItBlockTest, ManyPiecesAreOutputMoresThenOneOutputLast) {
  const std::array pieces{PayloadPiece{0x1000, 8}, PayloadPiece{0x2003, 100},
                          PayloadPiece{0x3000, 4}};
  const ItPacket packet{kHeader, pieces, regs::DescInterrupt::kAlways};
  const Result<ItBlock> block =
      write_packet_block(buffer_, 128, packet, BlockRef{bus(512), 2}, BlockRef{bus(768), 1});
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ref, (BlockRef{bus(128), 5}));
  EXPECT_EQ(block->branch_offset, 128u + 4 * 16 + 8);
  EXPECT_EQ(block->status_offset, 128u + 4 * 16 + 12);
  EXPECT_EQ(quadlets(128, 20), (std::vector<std::uint32_t>{kOutputMoreImmediate,
                                                           0,
                                                           bus(768) | 1,
                                                           0,  // given skip
                                                           kHeaderQuadlet,
                                                           112u << 16,
                                                           0,
                                                           0,  // 8 + 100 + 4
                                                           8,
                                                           0x1000,
                                                           0,
                                                           0,  // OUTPUT_MORE
                                                           100,
                                                           0x2003,
                                                           0,
                                                           0,  // OUTPUT_MORE
                                                           kOutputLast | kInterruptAlways | 4,
                                                           0x3000,
                                                           bus(512) | 2,
                                                           0}));
}

TEST_F(ItBlockTest, SixPiecesFillAllEightUnits) {
  const std::array<PayloadPiece, 6> pieces{{{0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1}}};
  const Result<ItBlock> block = write_packet_block(buffer_, 0, ItPacket{kHeader, pieces});
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ref.z, 8u);
  EXPECT_EQ(block->branch_offset, 7u * 16 + 8);
}

TEST_F(ItBlockTest, InvalidPacketsWriteNothing) {
  const std::array<PayloadPiece, 7> seven{};
  EXPECT_EQ(write_packet_block(buffer_, 0, ItPacket{kHeader, seven}).status(),
            Status::InvalidParameter);

  const std::array too_long{PayloadPiece{0, 40000}, PayloadPiece{0, 40000}};
  EXPECT_EQ(write_packet_block(buffer_, 0, ItPacket{kHeader, too_long}).status(),
            Status::InvalidParameter);  // dataLength 80000 > 65535

  const std::array empty_piece{PayloadPiece{0x1000, 4}, PayloadPiece{0x2000, 0}};
  EXPECT_EQ(write_packet_block(buffer_, 0, ItPacket{kHeader, empty_piece}).status(),
            Status::InvalidParameter);

  const std::array one{PayloadPiece{0x1000, 4}};
  EXPECT_EQ(write_packet_block(buffer_, 8, ItPacket{kHeader, one}).status(),
            Status::InvalidParameter);  // block not 16-byte aligned
  EXPECT_EQ(write_packet_block(buffer_, 0, ItPacket{kHeader, one}, BlockRef{bus(520), 2}).status(),
            Status::InvalidParameter);  // branch not aligned
  EXPECT_EQ(
      write_packet_block(buffer_, 0, ItPacket{kHeader, one}, BlockRef{}, BlockRef{bus(512), 9})
          .status(),
      Status::InvalidParameter);  // skip Z above 8
  EXPECT_EQ(write_packet_block(buffer_, 0, ItPacket{{regs::Speed::kS100, 0, 64, 0}, one}).status(),
            Status::InvalidParameter);  // channel 64
  EXPECT_EQ(
      write_packet_block(buffer_, 0, ItPacket{kHeader, one, static_cast<regs::DescInterrupt>(2)})
          .status(),
      Status::InvalidParameter);
  EXPECT_EQ(write_packet_block(buffer_, 1024 - 32, ItPacket{kHeader, one}).status(),
            Status::BufferTooSmall);  // 48 bytes do not fit in the last 32
  DmaBuffer none;
  EXPECT_EQ(write_packet_block(none, 0, ItPacket{kHeader, one}).status(), Status::InvalidParameter);
  EXPECT_TRUE(untouched());
}

TEST_F(ItBlockTest, RefusesWhatTheControllerCannotSend) {
  // docs/decisions.md 5: S100..S400 only; at most 1024 << speed payload bytes.
  const std::array s100_max{PayloadPiece{0x1000, 1000}, PayloadPiece{0x2000, 24}};
  const std::array s100_over{PayloadPiece{0x1000, 1000}, PayloadPiece{0x2000, 25}};
  const IsoHeader s100{regs::Speed::kS100, 0, 1, 0};
  EXPECT_EQ(write_packet_block(buffer_, 0, ItPacket{s100, s100_over}).status(),
            Status::InvalidParameter);
  const std::array one{PayloadPiece{0x1000, 4}};
  EXPECT_EQ(write_packet_block(buffer_, 0, ItPacket{{regs::Speed::kS800, 0, 1, 0}, one}).status(),
            Status::NotSupported);
  EXPECT_TRUE(untouched());
  EXPECT_TRUE(write_packet_block(buffer_, 0, ItPacket{s100, s100_max}).ok());
}

TEST_F(ItBlockTest, SkipCycleBlockIsOneEmptyOutputLast) {
  const Result<ItBlock> block =
      write_skip_cycle_block(buffer_, 48, BlockRef{bus(0), 3}, regs::DescInterrupt::kAlways);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ref, (BlockRef{bus(48), 1}));
  EXPECT_EQ(block->branch_offset, 48u + 8);
  EXPECT_EQ(quadlets(48, 4),
            (std::vector<std::uint32_t>{kOutputLast | kInterruptAlways, 0, bus(0) | 3, 0}));
  EXPECT_EQ(write_skip_cycle_block(buffer_, 1024, BlockRef{}).status(), Status::BufferTooSmall);
}

TEST_F(ItBlockTest, ReadsBackWhatTheControllerWroteToTheStatusQuadlet) {
  const Result<ItBlock> block = write_packet_block(buffer_, 0, ItPacket{kHeader, {}});
  ASSERT_TRUE(block.ok());
  EXPECT_FALSE(read_completion(buffer_, *block)->done());  // the builder zeroes it
  // As the controller would: xferStatus = run | ack_complete, timeStamp = cycle 7999 of second 1.
  ASSERT_EQ(buffer_.write_quadlet(block->status_offset, 0x8011u << 16 | (1u << 13 | 7999u)),
            Status::Success);
  const Result<ItCompletion> completion = read_completion(buffer_, *block);
  ASSERT_TRUE(completion.ok());
  EXPECT_TRUE(completion->done());
  EXPECT_EQ(completion->event(), regs::EventCode::kAckComplete);
  EXPECT_EQ(completion->cycle_count(), 7999u);
  EXPECT_EQ(completion->cycle_seconds(), 1u);

  ItBlock outside = *block;
  outside.status_offset = 4096;
  EXPECT_EQ(read_completion(buffer_, outside).status(), Status::InvalidParameter);
}

}  // namespace
}  // namespace ohci::fw
