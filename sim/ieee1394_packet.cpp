#include "ieee1394_packet.hpp"

namespace ohci::sim {
namespace {

std::uint32_t crc_register(std::span<const std::uint8_t> bytes) {
  std::uint32_t crc = 0xFFFF'FFFFu;
  for (std::uint8_t byte : bytes) {
    for (int bit = 7; bit >= 0; --bit) {
      const bool feedback = ((crc >> 31) ^ (byte >> bit)) & 1u;
      crc = (crc << 1) ^ (feedback ? 0x04C1'1DB7u : 0u);
    }
  }
  return crc;
}

std::uint32_t quadlet_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return std::uint32_t{bytes[offset]} << 24 | std::uint32_t{bytes[offset + 1]} << 16 |
         std::uint32_t{bytes[offset + 2]} << 8 | std::uint32_t{bytes[offset + 3]};
}

}  // namespace

std::uint32_t crc32_1394(std::span<const std::uint8_t> bytes) {
  return ~crc_register(bytes);
}

int tcode_of(std::span<const std::uint8_t> wire_bytes) {
  return wire_bytes.size() < 4 ? -1 : (wire_bytes[3] >> 4) & 0xF;
}

IsoPacket parse_iso_packet(std::span<const std::uint8_t> wire_bytes) {
  IsoPacket packet;
  if (wire_bytes.size() < 8) {
    packet.error = "shorter than a header and its CRC";
    return packet;
  }
  packet.header = quadlet_at(wire_bytes, 0);
  packet.data_length = static_cast<std::uint16_t>(packet.header >> 16);
  packet.tag = (packet.header >> 14) & 0x3;
  packet.channel = (packet.header >> 8) & 0x3F;
  packet.tcode = (packet.header >> 4) & 0xF;
  packet.sy = packet.header & 0xF;
  packet.header_crc_ok = crc32_1394(wire_bytes.first(4)) == quadlet_at(wire_bytes, 4);
  const std::size_t padded = (packet.data_length + 3u) & ~3u;
  // A zero-length packet has no data block and no data CRC (docs/decisions.md).
  const std::size_t expected = 8 + (packet.data_length ? padded + 4 : 0);
  if (wire_bytes.size() != expected) {
    packet.error = "length " + std::to_string(wire_bytes.size()) + " bytes, data_length " +
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
  if (wire_bytes.size() != 20) {
    packet.error = "a cycle start is 20 bytes, got " + std::to_string(wire_bytes.size());
    return packet;
  }
  const std::uint32_t q0 = quadlet_at(wire_bytes, 0);
  packet.destination_id = static_cast<std::uint16_t>(q0 >> 16);
  packet.tcode = (q0 >> 4) & 0xF;
  packet.pri = q0 & 0xF;
  packet.source_id = static_cast<std::uint16_t>(quadlet_at(wire_bytes, 4) >> 16);
  packet.offset_low = quadlet_at(wire_bytes, 8);
  packet.cycle_time = quadlet_at(wire_bytes, 12);
  packet.header_crc_ok = crc32_1394(wire_bytes.first(16)) == quadlet_at(wire_bytes, 16);
  return packet;
}

}  // namespace ohci::sim
