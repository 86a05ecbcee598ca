// The 1394 CRC and the isochronous / cycle start packet encoders and parsers
// (reference/ohci-isoch.md 4.2-4.3).
#include "ieee1394_packet.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace ohci::tb {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

std::vector<std::uint8_t> counting_payload(std::size_t length) {
  std::vector<std::uint8_t> payload(length);
  std::iota(payload.begin(), payload.end(), std::uint8_t{1});
  return payload;
}

TEST(Crc32_1394, CheckValueIsThatOfCrc32Bzip2) {
  EXPECT_EQ(sim::crc32_1394(bytes_of("123456789")), 0xFC89'1918u);
}

TEST(Crc32_1394, EmptyInputGivesTheComplementOfTheInitialValue) {
  EXPECT_EQ(sim::crc32_1394({}), 0u);
}

TEST(Crc32_1394, HeaderCrcOfAnIsoHeaderQuadlet) {
  // Q0 = data_length 8 | tag 1 | channel 5 | tcode 0xA | sy 3 = 0x000845A3. The expected CRC was
  // computed independently: CRC-32/BZIP2 is the bit mirror of zlib's reflected CRC-32, so it is
  // reverse32(zlib.crc32(bytes each bit-reversed)) = 0x1C29BA52.
  const std::vector<std::uint8_t> q0{0x00, 0x08, 0x45, 0xA3};
  EXPECT_EQ(sim::crc32_1394(q0), 0x1C29'BA52u);
}

TEST(IsoPacket, EncodeLaysOutHeaderHeaderCrcPaddedDataAndDataCrc) {
  const std::vector<std::uint8_t> payload{0xAA, 0xBB, 0xCC, 0xDD, 0xEE};
  const auto wire = sim::encode_iso_packet({.channel = 5, .tag = 1, .sy = 3}, payload);
  ASSERT_EQ(wire.size(), 4u + 4 + 8 + 4);  // Q0, header CRC, 5 bytes padded to 8, data CRC
  // Q0 = 0x0005_45A3: data_length 5, tag 1, channel 5, tcode 0xA, sy 3.
  EXPECT_EQ(std::vector<std::uint8_t>(wire.begin(), wire.begin() + 4),
            (std::vector<std::uint8_t>{0x00, 0x05, 0x45, 0xA3}));
  const std::uint32_t header_crc = sim::crc32_1394(std::span(wire).first(4));
  EXPECT_EQ(wire[4], header_crc >> 24);
  EXPECT_EQ(wire[7], header_crc & 0xFF);
  EXPECT_EQ(std::vector<std::uint8_t>(wire.begin() + 8, wire.begin() + 16),
            (std::vector<std::uint8_t>{0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0, 0, 0}));
  const std::uint32_t data_crc = sim::crc32_1394(std::span(wire).subspan(8, 8));
  EXPECT_EQ(wire[16], data_crc >> 24);
  EXPECT_EQ(wire[19], data_crc & 0xFF);
}

TEST(IsoPacket, ParseOfEncodeGivesBackEveryFieldAtEveryPadding) {
  for (std::size_t length : {0u, 1u, 2u, 3u, 4u, 5u, 100u, 4096u}) {
    const auto payload = counting_payload(length);
    const auto wire = sim::encode_iso_packet({.channel = 63, .tag = 3, .sy = 15}, payload);
    EXPECT_EQ(wire.size(), length ? 8 + (length + 3) / 4 * 4 + 4 : 8) << length;
    const sim::IsoPacket packet = sim::parse_iso_packet(wire);
    EXPECT_TRUE(packet.error.empty()) << length << ": " << packet.error;
    EXPECT_EQ(packet.data_length, length);
    EXPECT_EQ(packet.channel, 63);
    EXPECT_EQ(packet.tag, 3);
    EXPECT_EQ(packet.tcode, 0xA);
    EXPECT_EQ(packet.sy, 15);
    EXPECT_TRUE(packet.header_crc_ok);
    EXPECT_TRUE(packet.data_crc_ok);
    EXPECT_TRUE(packet.padding_zero);
    EXPECT_EQ(packet.payload, payload);
  }
}

TEST(IsoPacket, ParseDetectsACorruptedHeader) {
  auto wire = sim::encode_iso_packet({.channel = 1}, counting_payload(8));
  wire[2] ^= 0x01;  // channel 1 -> 0
  const sim::IsoPacket packet = sim::parse_iso_packet(wire);
  EXPECT_FALSE(packet.header_crc_ok);
  EXPECT_TRUE(packet.data_crc_ok);
}

TEST(IsoPacket, ParseDetectsCorruptedData) {
  auto wire = sim::encode_iso_packet({}, counting_payload(8));
  wire[10] ^= 0x80;
  const sim::IsoPacket packet = sim::parse_iso_packet(wire);
  EXPECT_TRUE(packet.header_crc_ok);
  EXPECT_FALSE(packet.data_crc_ok);
}

TEST(IsoPacket, ParseDetectsNonZeroPaddingEvenWithAMatchingCrc) {
  auto wire = sim::encode_iso_packet({}, counting_payload(5));
  wire[8 + 6] = 0x77;  // a pad byte
  const std::uint32_t crc = sim::crc32_1394(std::span(wire).subspan(8, 8));
  for (int i = 0; i < 4; ++i) wire[16 + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
  const sim::IsoPacket packet = sim::parse_iso_packet(wire);
  EXPECT_TRUE(packet.data_crc_ok);
  EXPECT_FALSE(packet.padding_zero);
}

TEST(IsoPacket, ParseReportsATooShortPacket) {
  const std::vector<std::uint8_t> wire{0x00, 0x00, 0x00, 0xA0, 0x00, 0x00, 0x00};
  EXPECT_FALSE(sim::parse_iso_packet(wire).error.empty());
  EXPECT_FALSE(sim::parse_iso_packet({}).error.empty());
}

TEST(IsoPacket, ParseReportsALengthThatDisagreesWithDataLength) {
  auto wire = sim::encode_iso_packet({}, counting_payload(8));
  wire.pop_back();
  EXPECT_FALSE(sim::parse_iso_packet(wire).error.empty());
  // A header claiming 100 bytes with only 8 behind it: an error, and nothing read past the end.
  auto claims_more = sim::encode_iso_packet({}, counting_payload(4));
  claims_more[1] = 100;
  const sim::IsoPacket packet = sim::parse_iso_packet(claims_more);
  EXPECT_FALSE(packet.error.empty());
  EXPECT_EQ(packet.data_length, 100);
  EXPECT_TRUE(packet.payload.empty());
}

TEST(IsoPacket, ParseReportsANonIsochronousTcode) {
  const auto wire = sim::encode_cycle_start({});
  EXPECT_FALSE(sim::parse_iso_packet(wire).error.empty());
}

TEST(IsoPacket, EncodeRejectsFieldsThatDoNotFit) {
  EXPECT_THROW(sim::encode_iso_packet({.channel = 64}, {}), std::invalid_argument);
  EXPECT_THROW(sim::encode_iso_packet({.tag = 4}, {}), std::invalid_argument);
  EXPECT_THROW(sim::encode_iso_packet({.sy = 16}, {}), std::invalid_argument);
  EXPECT_THROW(sim::encode_iso_packet({}, std::vector<std::uint8_t>(0x10000)),
               std::invalid_argument);
}

TEST(CycleStartPacket, EncodeOfTheDefaultsIsTheQuadletsLinuxRecognises) {
  const auto wire = sim::encode_cycle_start({.source_id = 0xFFC0, .cycle_time = 0x1234'5678u});
  ASSERT_EQ(wire.size(), 20u);
  // q0 = 0xFFFF0000 | tl 0 << 10 | rt 0 << 8 | tcode 8 << 4 | pri 0xF; q1 = source_ID:0xFFFF;
  // q2 = 0xF0000200; q3 = the cycle time.
  EXPECT_EQ(std::vector<std::uint8_t>(wire.begin(), wire.begin() + 16),
            (std::vector<std::uint8_t>{0xFF, 0xFF, 0x00, 0x8F, 0xFF, 0xC0, 0xFF, 0xFF, 0xF0, 0x00,
                                       0x02, 0x00, 0x12, 0x34, 0x56, 0x78}));
  EXPECT_EQ(sim::tcode_of(wire), 0x8);
}

TEST(CycleStartPacket, ParseOfEncodeGivesBackEveryField) {
  const sim::CycleStartFields fields{.destination_id = 0xFFFF,
                                     .tl = 0x2A,
                                     .rt = 2,
                                     .pri = 0x5,
                                     .source_id = 0xFFC1,
                                     .offset_high = 0xFFFF,
                                     .offset_low = 0xF000'0200u,
                                     .cycle_time = 0x0ABC'DEF0u};
  const sim::CycleStartPacket packet = sim::parse_cycle_start(sim::encode_cycle_start(fields));
  EXPECT_TRUE(packet.error.empty()) << packet.error;
  EXPECT_TRUE(packet.header_crc_ok);
  EXPECT_EQ(packet.destination_id, 0xFFFF);
  EXPECT_EQ(packet.tl, 0x2A);
  EXPECT_EQ(packet.rt, 2);
  EXPECT_EQ(packet.tcode, 0x8);
  EXPECT_EQ(packet.pri, 0x5);
  EXPECT_EQ(packet.source_id, 0xFFC1);
  EXPECT_EQ(packet.offset_high, 0xFFFF);
  EXPECT_EQ(packet.offset_low, 0xF000'0200u);
  EXPECT_EQ(packet.cycle_time, 0x0ABC'DEF0u);
}

TEST(CycleStartPacket, ParseDetectsACorruptedCycleTime) {
  auto wire = sim::encode_cycle_start({});
  wire[13] ^= 0x01;
  EXPECT_FALSE(sim::parse_cycle_start(wire).header_crc_ok);
}

TEST(CycleStartPacket, ParseReportsAWrongLengthOrTcode) {
  auto wire = sim::encode_cycle_start({});
  wire.push_back(0);
  EXPECT_FALSE(sim::parse_cycle_start(wire).error.empty());
  EXPECT_FALSE(sim::parse_cycle_start(std::span(wire).first(3)).error.empty());
  const auto iso = sim::encode_iso_packet({}, counting_payload(8));  // 20 bytes, tcode 0xA
  ASSERT_EQ(iso.size(), 20u);
  EXPECT_FALSE(sim::parse_cycle_start(iso).error.empty());
}

TEST(CycleStartPacket, EncodeRejectsFieldsThatDoNotFit) {
  EXPECT_THROW(sim::encode_cycle_start({.tl = 64}), std::invalid_argument);
  EXPECT_THROW(sim::encode_cycle_start({.rt = 4}), std::invalid_argument);
  EXPECT_THROW(sim::encode_cycle_start({.pri = 16}), std::invalid_argument);
}

TEST(Tcode, IsReadFromBitsSevenToFourOfTheFirstQuadlet) {
  EXPECT_EQ(sim::tcode_of(std::vector<std::uint8_t>{0x00, 0x08, 0x45, 0xA3}), 0xA);
  EXPECT_EQ(sim::tcode_of(std::vector<std::uint8_t>{0x00, 0x08, 0x45}), -1);
}

}  // namespace
}  // namespace ohci::tb
