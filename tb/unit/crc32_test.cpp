// The RTL CRC-32 datapath (rtl/ohci_crc32.v, Verilated alone) against the C++ reference
// crc32_1394 (reference/ohci-isoch.md 4.3), whose own tests are in ieee1394_packet_test.cpp.
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

TEST(Crc32Rtl, DatapathMatchesTheCheckValue) {
  Vohci_crc32 crc;
  EXPECT_EQ(rtl_crc(crc, bytes_of("123456789")), 0xFC89'1918u);
}

TEST(Crc32Rtl, DatapathMatchesTheReferenceOnEveryByteAndOnLongRuns) {
  Vohci_crc32 crc;
  for (unsigned byte = 0; byte < 256; ++byte) {
    const std::vector<std::uint8_t> one{static_cast<std::uint8_t>(byte)};
    ASSERT_EQ(rtl_crc(crc, one), sim::crc32_1394(one)) << byte;
  }
  std::vector<std::uint8_t> run(4096);
  for (std::size_t i = 0; i < run.size(); ++i) run[i] = static_cast<std::uint8_t>(i * 37 + 11);
  EXPECT_EQ(rtl_crc(crc, run), sim::crc32_1394(run));
}

}  // namespace
}  // namespace ohci::tb
