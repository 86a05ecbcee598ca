// IEEE 1394 packets as they cross the PHY-link pins: the CRC, and decoders for the two kinds the
// transmit path sends (isochronous block, cycle start). Reference: ohci-isoch.md 4.2-4.3.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ohci::sim {

// CRC-32 of 1394 (polynomial 0x04C11DB7, MSB first, init all ones, the one's complement is
// sent): CRC-32/BZIP2; over "123456789" it is 0xFC891918.
std::uint32_t crc32_1394(std::span<const std::uint8_t> bytes);

struct IsoPacket {
  std::uint16_t data_length = 0;
  std::uint8_t tag = 0;
  std::uint8_t channel = 0;
  std::uint8_t tcode = 0;
  std::uint8_t sy = 0;
  std::uint32_t header = 0;
  bool header_crc_ok = false;
  bool data_crc_ok = false;
  bool padding_zero = false;
  std::vector<std::uint8_t> payload;
  std::string error;  // empty when the framing is well formed
};

struct CycleStartPacket {
  std::uint16_t destination_id = 0;
  std::uint8_t tcode = 0;
  std::uint8_t pri = 0;
  std::uint16_t source_id = 0;
  std::uint32_t offset_low = 0;  // q2: CSR offset of CYCLE_TIME
  std::uint32_t cycle_time = 0;  // q3: the sender's cycle timer
  bool header_crc_ok = false;
  std::string error;
};

// The tcode of a packet (bits [7:4] of its first quadlet), or -1 if shorter than 4 bytes.
int tcode_of(std::span<const std::uint8_t> wire_bytes);
IsoPacket parse_iso_packet(std::span<const std::uint8_t> wire_bytes);
CycleStartPacket parse_cycle_start(std::span<const std::uint8_t> wire_bytes);

}  // namespace ohci::sim
