// The host link's error answers (docs/host-link.md): the status byte after the turnaround says
// what was wrong, and nothing is accessed.
#include <algorithm>
#include <vector>

#include "board_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using fw::spi::StatusCode;

TEST_F(BoardTest, UnknownCommandAnswersBadCommandAfterTheTurnaround) {
  const auto miso = frame({0x7E, 0x12, 0x34, 0x56, 0x78});
  EXPECT_EQ(miso, (std::vector<std::uint8_t>{0, 0, status_byte(StatusCode::BadCommand), 0, 0}));
  // The next frame is decoded normally.
  EXPECT_EQ(link_.read32(regs::kVersion), 0x0001'0010u);
}

TEST_F(BoardTest, RegisterOffsetPastTheWindowAnswersBadAddress) {
  const auto miso = frame(fw::spi::reg_read_frame(0x800));
  EXPECT_EQ(miso[fw::spi::kRegReadStatusIndex], status_byte(StatusCode::BadAddress));
  EXPECT_TRUE(std::all_of(miso.begin() + 5, miso.end(), [](auto b) { return b == 0; }));
}

TEST_F(BoardTest, UnalignedRegisterWriteAnswersBadAddressAndWritesNothing) {
  const auto miso = frame(fw::spi::reg_write_frame(regs::kIrMultiChanMaskHiSet + 2, 0xFFFF'FFFF));
  EXPECT_EQ(miso[fw::spi::kRegWriteStatusIndex], status_byte(StatusCode::BadAddress));
  EXPECT_EQ(link_.read32(regs::kIrMultiChanMaskHiSet), 0u);
}

TEST_F(BoardTest, MemoryRangePastTheEndAnswersBadAddressAndWritesNothing) {
  link_.write_memory(kMemoryBase + kMemoryBytes - 4, std::vector<std::uint8_t>(4, 0x11));
  const std::vector<std::uint8_t> data{1, 2, 3, 4};
  const auto miso = frame(fw::spi::mem_write_frame(kMemoryBase + kMemoryBytes - 2, data));
  EXPECT_EQ(miso[fw::spi::mem_write_status_index(4)], status_byte(StatusCode::BadAddress));
  std::vector<std::uint8_t> back(4);
  link_.read_memory(kMemoryBase + kMemoryBytes - 4, back);
  EXPECT_EQ(back, std::vector<std::uint8_t>(4, 0x11));
  EXPECT_THROW(link_.read_memory(kMemoryBase + kMemoryBytes - 2, back), fw::spi::SpiLinkError);
}

TEST_F(BoardTest, MemoryAddressBelowTheBaseOrEmptyRangeAnswersBadAddress) {
  auto miso = frame(fw::spi::mem_read_frame(kMemoryBase - 1, 2));
  EXPECT_EQ(miso[fw::spi::kMemReadStatusIndex], status_byte(StatusCode::BadAddress));
  EXPECT_EQ(miso[9], 0);
  miso = frame(fw::spi::mem_read_frame(kMemoryBase, 0));
  EXPECT_EQ(miso[fw::spi::kMemReadStatusIndex], status_byte(StatusCode::BadAddress));
}

TEST_F(BoardTest, StatusFrameDescribesTheBoard) {
  const auto miso = frame(fw::spi::status_frame());
  EXPECT_EQ(miso[fw::spi::kStatusStatusIndex], status_byte(StatusCode::Ok));
  const fw::spi::BoardInfo info = fw::spi::parse_board_info(miso);
  EXPECT_EQ(info.protocol_version, fw::spi::kProtocolVersion);
  EXPECT_EQ(info.memory_log2_bytes, 16);
  EXPECT_EQ(info.memory_base, kMemoryBase);
  EXPECT_FALSE(info.irq);
}

}  // namespace
}  // namespace ohci::tb
