// The boards' SPI host-link protocol (docs/host-link.md): frame encoders and answer decoders.
// Pure functions over byte buffers, shared by every transport (Linux spidev, the Verilated
// board's bit-banged pins); nothing here talks to hardware.
//
// A frame is one chip-select period. Bytes go most significant bit first (SPI mode 0); the
// master sends the MOSI bytes below and receives, byte for byte, the MISO bytes:
//   REG_READ  0x01 AH AL          T S D3 D2 D1 D0      (register value, most significant first)
//   REG_WRITE 0x02 AH AL D3 D2 D1 D0 T S
//   MEM_READ  0x03 A3 A2 A1 A0 LH LL T S data[0..L-1]
//   MEM_WRITE 0x04 A3 A2 A1 A0 LH LL data[0..L-1] T S
//   STATUS    0x05                T S V M F 00 B3 B2 B1 B0
// T is the turnaround byte (the board's time to do the access; MOSI 0, MISO 0), S the status
// byte {0xA, irq, code}. A = bus address (big-endian), L = byte count 1..65535.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ohci::fw::spi {

enum class Command : std::uint8_t {
  RegRead = 0x01,
  RegWrite = 0x02,
  MemRead = 0x03,
  MemWrite = 0x04,
  Status = 0x05,
};

enum class StatusCode : std::uint8_t {
  Ok = 0,
  BadCommand = 1,
  BadAddress = 2,  // register offset not a quadlet in 0x000-0x7FC, memory range outside or empty
  BusError = 3,    // ohci_core answered SLVERR/DECERR
  Busy = 4,        // the register access had not completed when S was sent
};

std::string to_string(StatusCode code);

// The byte S: the high nibble 0xA marks a board that is present and in step with the frame
// (MISO stuck at 0x00 or 0xFF never looks like a status byte).
struct StatusByte {
  std::uint8_t raw = 0;
  bool valid = false;  // high nibble 0xA and a defined code
  bool irq = false;    // the controller's interrupt line when S was composed
  StatusCode code = StatusCode::Ok;
};
StatusByte parse_status(std::uint8_t raw);

inline constexpr std::uint8_t kStatusMark = 0xA0;
inline constexpr std::uint8_t kProtocolVersion = 0x01;
// Register window of ohci_core: offsets 0x000-0x7FC.
inline constexpr std::uint32_t kRegisterWindowBytes = 0x800;
inline constexpr std::size_t kMaxMemoryBytesPerFrame = 0xFFFF;

// Frame lengths and the index of S in each.
inline constexpr std::size_t kRegReadFrameBytes = 9;
inline constexpr std::size_t kRegReadStatusIndex = 4;
inline constexpr std::size_t kRegWriteFrameBytes = 9;
inline constexpr std::size_t kRegWriteStatusIndex = 8;
inline constexpr std::size_t kMemHeaderBytes = 7;
inline constexpr std::size_t kMemReadStatusIndex = 8;
inline constexpr std::size_t kStatusFrameBytes = 11;
inline constexpr std::size_t kStatusStatusIndex = 2;
inline constexpr std::size_t mem_read_frame_bytes(std::size_t length) {
  return 9 + length;
}
inline constexpr std::size_t mem_write_frame_bytes(std::size_t length) {
  return 9 + length;
}
inline constexpr std::size_t mem_write_status_index(std::size_t length) {
  return 8 + length;
}

// MOSI bytes of each frame (the answer positions hold 0x00).
std::vector<std::uint8_t> reg_read_frame(std::uint16_t offset);
std::vector<std::uint8_t> reg_write_frame(std::uint16_t offset, std::uint32_t value);
std::vector<std::uint8_t> mem_read_frame(std::uint32_t address, std::uint16_t length);
std::vector<std::uint8_t> mem_write_frame(std::uint32_t address,
                                          std::span<const std::uint8_t> data);
std::vector<std::uint8_t> status_frame();

// From the MISO bytes of the matching frame.
std::uint32_t reg_read_value(std::span<const std::uint8_t> miso);
std::span<const std::uint8_t> mem_read_data(std::span<const std::uint8_t> miso);

// The STATUS frame's answer: what the board is.
struct BoardInfo {
  std::uint8_t protocol_version = 0;
  std::uint8_t memory_log2_bytes = 0;
  bool irq = false;
  std::uint32_t memory_base = 0;
  std::size_t memory_bytes() const { return std::size_t{1} << memory_log2_bytes; }
};
BoardInfo parse_board_info(std::span<const std::uint8_t> miso);

}  // namespace ohci::fw::spi
