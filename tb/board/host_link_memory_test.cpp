// The host link's memory frames against the board's on-chip host memory (docs/host-link.md).
#include <algorithm>
#include <numeric>
#include <vector>

#include "board_fixture.hpp"

namespace ohci::tb {
namespace {

using fw::spi::StatusCode;

std::vector<std::uint8_t> pattern(std::size_t length, std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(length);
  for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::uint8_t>(seed + i * 13);
  return bytes;
}

TEST_F(BoardTest, MemoryBurstWriteReadsBackByteExactWithGuardBytesUntouched) {
  constexpr std::uint32_t kArea = kMemoryBase + 0x100;
  link_.write_memory(kArea, std::vector<std::uint8_t>(64, 0x55));
  // 37 bytes from an odd address: partial words at both ends.
  const auto data = pattern(37, 0x21);
  const auto miso = frame(fw::spi::mem_write_frame(kArea + 5, data));
  EXPECT_EQ(miso[fw::spi::mem_write_status_index(data.size())], status_byte(StatusCode::Ok));

  std::vector<std::uint8_t> back(64);
  link_.read_memory(kArea, back);
  EXPECT_TRUE(std::all_of(back.begin(), back.begin() + 5, [](auto b) { return b == 0x55; }));
  EXPECT_TRUE(std::equal(data.begin(), data.end(), back.begin() + 5));
  EXPECT_TRUE(std::all_of(back.begin() + 42, back.end(), [](auto b) { return b == 0x55; }));
}

TEST_F(BoardTest, MemoryReadFrameAnswersStatusThenTheBytesInAddressOrder) {
  const auto data = pattern(9, 0x90);
  link_.write_memory(kMemoryBase + 0x2002, data);
  const auto miso = frame(fw::spi::mem_read_frame(kMemoryBase + 0x2002, 9));
  ASSERT_EQ(miso.size(), fw::spi::mem_read_frame_bytes(9));
  EXPECT_TRUE(std::all_of(miso.begin(), miso.begin() + 8, [](auto b) { return b == 0; }));
  EXPECT_EQ(miso[fw::spi::kMemReadStatusIndex], status_byte(StatusCode::Ok));
  EXPECT_TRUE(std::equal(data.begin(), data.end(), miso.begin() + 9));
}

TEST_F(BoardTest, MemoryEndsAreAddressableAcrossFrames) {
  // The first and the last bytes of the memory, and a transfer longer than one frame (SpiLink
  // splits at 2048 bytes).
  const auto data = pattern(2100, 0x07);
  link_.write_memory(kMemoryBase + kMemoryBytes - 2100, data);
  std::vector<std::uint8_t> back(2100);
  link_.read_memory(kMemoryBase + kMemoryBytes - 2100, back);
  EXPECT_EQ(back, data);
  link_.write_memory(kMemoryBase, std::vector<std::uint8_t>{0xEE});
  std::vector<std::uint8_t> first(1);
  link_.read_memory(kMemoryBase, first);
  EXPECT_EQ(first[0], 0xEE);
}

}  // namespace
}  // namespace ohci::tb
