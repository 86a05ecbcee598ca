// IEEE 1394 packets as they cross the PHY-link pins (reference/ohci-isoch.md 4.2-4.3): the CRC,
// parsers for the two kinds the transmit path sends (isochronous block, cycle start) and encoders
// for both (for tests, and for a receive-side PHY).
//
// On the wire a packet is big-endian quadlets, MSB first. Parsers never read past their input:
// a malformed packet (too short, length not matching data_length, wrong tcode) is reported in
// `error`, with every field that could be read filled in.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ohci::sim {

// CRC-32 of 1394 over `bytes`: polynomial 0x04C11DB7, MSB first, register initialised to all
// ones, no reflection; the result is the one's complement of the register, sent MSB first
// (CRC-32/BZIP2; over ASCII "123456789" it is 0xFC891918).
std::uint32_t crc32_1394(std::span<const std::uint8_t> bytes);

inline constexpr std::uint8_t kTcodeIsochronous = 0xA;
inline constexpr std::uint8_t kTcodeCycleStart = 0x8;

// What an encoder needs to build an isochronous packet besides its payload.
struct IsoFields {
  std::uint8_t channel = 0;  // 6 bits
  std::uint8_t tag = 0;      // 2 bits
  std::uint8_t sy = 0;       // 4 bits
};

struct IsoPacket {
  std::uint16_t data_length = 0;      // Q0[31:16]
  std::uint8_t tag = 0;               // Q0[15:14]
  std::uint8_t channel = 0;           // Q0[13:8]
  std::uint8_t tcode = 0;             // Q0[7:4], 0xA
  std::uint8_t sy = 0;                // Q0[3:0]
  std::uint32_t header = 0;           // Q0
  bool header_crc_ok = false;         // Q1 == crc32_1394(Q0)
  bool data_crc_ok = false;           // the quadlet after the padded data == its CRC
  bool padding_zero = false;          // the pad bytes after the payload are 0
  std::vector<std::uint8_t> payload;  // data_length bytes
  std::string error;                  // empty when the framing is well formed
};

struct CycleStartFields {
  std::uint16_t destination_id = 0xFFFF;   // q0[31:16]: broadcast
  std::uint8_t tl = 0;                     // q0[15:10]
  std::uint8_t rt = 0;                     // q0[9:8]
  std::uint8_t pri = 0xF;                  // q0[3:0]; Linux recognises 0xFFFF008F
  std::uint16_t source_id = 0;             // q1[31:16]
  std::uint16_t offset_high = 0xFFFF;      // q1[15:0]  } CSR CYCLE_TIME,
  std::uint32_t offset_low = 0xF000'0200;  // q2        } 0xFFFF_F000_0200
  std::uint32_t cycle_time = 0;            // q3: the sender's cycle timer
};

struct CycleStartPacket {
  std::uint16_t destination_id = 0;
  std::uint8_t tl = 0;
  std::uint8_t rt = 0;
  std::uint8_t tcode = 0;  // q0[7:4], 8
  std::uint8_t pri = 0;
  std::uint16_t source_id = 0;
  std::uint16_t offset_high = 0;
  std::uint32_t offset_low = 0;  // q2: CSR offset of CYCLE_TIME
  std::uint32_t cycle_time = 0;  // q3
  bool header_crc_ok = false;    // q4 == crc32_1394(q0..q3)
  std::string error;             // empty when the framing is well formed
};

// The tcode of a packet (bits [7:4] of its first quadlet), or -1 if it is shorter than 4 bytes.
int tcode_of(std::span<const std::uint8_t> wire_bytes);

// Q0, Q1 = header CRC, then (if data_length > 0) the payload zero-padded to a quadlet and its
// data CRC. A zero-length packet is header and header CRC only (docs/decisions.md #4).
IsoPacket parse_iso_packet(std::span<const std::uint8_t> wire_bytes);
// q0..q3, q4 = header CRC: 20 bytes.
CycleStartPacket parse_cycle_start(std::span<const std::uint8_t> wire_bytes);

// Wire bytes of an isochronous packet carrying `payload` (tcode 0xA, data_length = its size),
// in the layout parse_iso_packet reads. Throws std::invalid_argument for a field that does not
// fit (channel > 63, tag > 3, sy > 15, payload longer than 65535 bytes).
std::vector<std::uint8_t> encode_iso_packet(const IsoFields& fields,
                                            std::span<const std::uint8_t> payload);
// Wire bytes of a cycle start (tcode 8). Throws std::invalid_argument if tl > 63, rt > 3 or
// pri > 15.
std::vector<std::uint8_t> encode_cycle_start(const CycleStartFields& fields);

}  // namespace ohci::sim
