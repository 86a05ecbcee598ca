// The 1394 CRC-32 (reference/ohci-isoch.md 4.3): the C++ reference and the RTL datapath
// (rtl/ohci_crc32.v, Verilated alone) against known vectors.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "Vohci_crc32.h"
#include "ieee1394_packet.hpp"

namespace ohci::tb {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

// Runs the RTL byte step over `bytes` from the all-ones start and returns the value sent on the
// wire (the one's complement of the register).
std::uint32_t rtl_crc(Vohci_crc32& crc, const std::vector<std::uint8_t>& bytes) {
  std::uint32_t value = 0xFFFF'FFFFu;
  for (std::uint8_t byte : bytes) {
    crc.crc_i = value;
    crc.data_i = byte;
    crc.eval();
    value = crc.crc_o;
  }
  return ~value;
}

TEST(Crc32, CheckValueIsThatOfCrc32Bzip2) {
  // CRC-32/BZIP2's published check value over the nine ASCII digits.
  EXPECT_EQ(sim::crc32_1394(bytes_of("123456789")), 0xFC89'1918u);
}

TEST(Crc32, RtlDatapathMatchesTheCheckValue) {
  Vohci_crc32 crc;
  EXPECT_EQ(rtl_crc(crc, bytes_of("123456789")), 0xFC89'1918u);
}

TEST(Crc32, RtlDatapathMatchesTheReferenceOnEveryByteAndOnLongRuns) {
  Vohci_crc32 crc;
  for (unsigned byte = 0; byte < 256; ++byte) {
    const std::vector<std::uint8_t> one{static_cast<std::uint8_t>(byte)};
    ASSERT_EQ(rtl_crc(crc, one), sim::crc32_1394(one)) << byte;
  }
  std::vector<std::uint8_t> run(4096);
  for (std::size_t i = 0; i < run.size(); ++i) run[i] = static_cast<std::uint8_t>(i * 37 + 11);
  EXPECT_EQ(rtl_crc(crc, run), sim::crc32_1394(run));
}

TEST(Crc32, EmptyInputGivesZero) {
  // No bytes: the register stays all ones, and its complement is zero.
  EXPECT_EQ(sim::crc32_1394({}), 0u);
}

TEST(Crc32, CycleStartHeaderCrcCoversItsFourQuadlets) {
  // A cycle start as Linux recognises it (0xFFFF008F) from node 0x3FF:00, time 0: the header
  // CRC is the CRC of those 16 bytes, and a flipped bit changes it.
  std::vector<std::uint8_t> header{0xFF, 0xFF, 0x00, 0x8F, 0xFF, 0xC0, 0xFF, 0xFF,
                                   0xF0, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00};
  const std::uint32_t crc = sim::crc32_1394(header);
  std::vector<std::uint8_t> wire = header;
  for (int shift = 24; shift >= 0; shift -= 8)
    wire.push_back(static_cast<std::uint8_t>(crc >> shift));
  const sim::CycleStartPacket packet = sim::parse_cycle_start(wire);
  EXPECT_TRUE(packet.error.empty());
  EXPECT_TRUE(packet.header_crc_ok);
  EXPECT_EQ(packet.source_id, 0xFFC0u);
  wire[13] ^= 0x01;
  EXPECT_FALSE(sim::parse_cycle_start(wire).header_crc_ok);
}

}  // namespace
}  // namespace ohci::tb
