#include "ieee1394_packet.hpp"

#include <stdexcept>

namespace ohci::sim {
namespace {

constexpr std::uint32_t kCrcPolynomial = 0x04C1'1DB7u;
constexpr std::size_t kCycleStartBytes = 20;

std::uint32_t quadlet_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return std::uint32_t{bytes[offset]} << 24 | std::uint32_t{bytes[offset + 1]} << 16 |
         std::uint32_t{bytes[offset + 2]} << 8 | std::uint32_t{bytes[offset + 3]};
}

void append_quadlet(std::vector<std::uint8_t>& bytes, std::uint32_t quadlet) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<std::uint8_t>(quadlet >> shift));
}

std::size_t padded_length(std::size_t length) {
  return (length + 3u) & ~std::size_t{3};
}

}  // namespace

std::uint32_t crc32_1394(std::span<const std::uint8_t> bytes) {
  std::uint32_t crc = 0xFFFF'FFFFu;
  for (std::uint8_t byte : bytes) {
    for (int bit = 7; bit >= 0; --bit) {
      const bool feedback = ((crc >> 31) ^ (byte >> bit)) & 1u;
      crc = (crc << 1) ^ (feedback ? kCrcPolynomial : 0u);
    }
  }
  return ~crc;
}

int tcode_of(std::span<const std::uint8_t> wire_bytes) {
  return wire_bytes.size() < 4 ? -1 : (wire_bytes[3] >> 4) & 0xF;
}

IsoPacket parse_iso_packet(std::span<const std::uint8_t> wire_bytes) {
  IsoPacket packet;
  if (wire_bytes.size() < 8) {
    packet.error =
        std::to_string(wire_bytes.size()) + " bytes: shorter than a header quadlet and its CRC";
    return packet;
  }
  packet.header = quadlet_at(wire_bytes, 0);
  packet.data_length = static_cast<std::uint16_t>(packet.header >> 16);
  packet.tag = (packet.header >> 14) & 0x3;
  packet.channel = (packet.header >> 8) & 0x3F;
  packet.tcode = (packet.header >> 4) & 0xF;
  packet.sy = packet.header & 0xF;
  packet.header_crc_ok = crc32_1394(wire_bytes.first(4)) == quadlet_at(wire_bytes, 4);
  if (packet.tcode != kTcodeIsochronous) {
    packet.error = "tcode " + std::to_string(packet.tcode) + " is not isochronous (0xA)";
    return packet;
  }
  const std::size_t padded = padded_length(packet.data_length);
  const std::size_t expected = 8 + (packet.data_length ? padded + 4 : 0);
  if (wire_bytes.size() != expected) {
    packet.error = std::to_string(wire_bytes.size()) + " bytes, but data_length " +
                   std::to_string(packet.data_length) + " needs " + std::to_string(expected);
    return packet;
  }
  if (packet.data_length == 0) {
    packet.data_crc_ok = true;
    packet.padding_zero = true;
    return packet;
  }
  const auto block = wire_bytes.subspan(8, padded);
  packet.payload.assign(block.begin(), block.begin() + packet.data_length);
  packet.padding_zero = true;
  for (std::size_t i = packet.data_length; i < padded; ++i) packet.padding_zero &= block[i] == 0;
  packet.data_crc_ok = crc32_1394(block) == quadlet_at(wire_bytes, 8 + padded);
  return packet;
}

CycleStartPacket parse_cycle_start(std::span<const std::uint8_t> wire_bytes) {
  CycleStartPacket packet;
  if (wire_bytes.size() < 4) {
    packet.error = std::to_string(wire_bytes.size()) + " bytes: no first quadlet";
    return packet;
  }
  const std::uint32_t q0 = quadlet_at(wire_bytes, 0);
  packet.destination_id = static_cast<std::uint16_t>(q0 >> 16);
  packet.tl = (q0 >> 10) & 0x3F;
  packet.rt = (q0 >> 8) & 0x3;
  packet.tcode = (q0 >> 4) & 0xF;
  packet.pri = q0 & 0xF;
  if (packet.tcode != kTcodeCycleStart) {
    packet.error = "tcode " + std::to_string(packet.tcode) + " is not a cycle start (8)";
    return packet;
  }
  if (wire_bytes.size() != kCycleStartBytes) {
    packet.error = "a cycle start is 20 bytes, got " + std::to_string(wire_bytes.size());
    return packet;
  }
  const std::uint32_t q1 = quadlet_at(wire_bytes, 4);
  packet.source_id = static_cast<std::uint16_t>(q1 >> 16);
  packet.offset_high = static_cast<std::uint16_t>(q1);
  packet.offset_low = quadlet_at(wire_bytes, 8);
  packet.cycle_time = quadlet_at(wire_bytes, 12);
  packet.header_crc_ok = crc32_1394(wire_bytes.first(16)) == quadlet_at(wire_bytes, 16);
  return packet;
}

std::vector<std::uint8_t> encode_iso_packet(const IsoFields& fields,
                                            std::span<const std::uint8_t> payload) {
  if (fields.channel > 63 || fields.tag > 3 || fields.sy > 15 || payload.size() > 0xFFFF)
    throw std::invalid_argument(
        "encode_iso_packet: channel > 63, tag > 3, sy > 15 or payload over 65535 bytes");
  const std::uint32_t header =
      static_cast<std::uint32_t>(payload.size()) << 16 | std::uint32_t{fields.tag} << 14 |
      std::uint32_t{fields.channel} << 8 | std::uint32_t{kTcodeIsochronous} << 4 | fields.sy;
  std::vector<std::uint8_t> wire;
  wire.reserve(12 + padded_length(payload.size()));
  append_quadlet(wire, header);
  append_quadlet(wire, crc32_1394(wire));
  if (payload.empty()) return wire;
  const std::size_t data_start = wire.size();
  wire.insert(wire.end(), payload.begin(), payload.end());
  wire.resize(data_start + padded_length(payload.size()), 0);
  append_quadlet(wire, crc32_1394(std::span(wire).subspan(data_start)));
  return wire;
}

std::vector<std::uint8_t> encode_cycle_start(const CycleStartFields& fields) {
  if (fields.tl > 63 || fields.rt > 3 || fields.pri > 15)
    throw std::invalid_argument("encode_cycle_start: tl > 63, rt > 3 or pri > 15");
  std::vector<std::uint8_t> wire;
  wire.reserve(kCycleStartBytes);
  append_quadlet(wire, std::uint32_t{fields.destination_id} << 16 | std::uint32_t{fields.tl} << 10 |
                           std::uint32_t{fields.rt} << 8 | std::uint32_t{kTcodeCycleStart} << 4 |
                           fields.pri);
  append_quadlet(wire, std::uint32_t{fields.source_id} << 16 | fields.offset_high);
  append_quadlet(wire, fields.offset_low);
  append_quadlet(wire, fields.cycle_time);
  append_quadlet(wire, crc32_1394(wire));
  return wire;
}

}  // namespace ohci::sim
