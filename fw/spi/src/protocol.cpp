#include "ohci/spi/protocol.hpp"

#include <stdexcept>

namespace ohci::fw::spi {

std::string to_string(StatusCode code) {
  switch (code) {
    case StatusCode::Ok:
      return "OK";
    case StatusCode::BadCommand:
      return "BAD_COMMAND";
    case StatusCode::BadAddress:
      return "BAD_ADDRESS";
    case StatusCode::BusError:
      return "BUS_ERROR";
    case StatusCode::Busy:
      return "BUSY";
  }
  return "UNKNOWN";
}

StatusByte parse_status(std::uint8_t raw) {
  StatusByte status;
  status.raw = raw;
  const unsigned code = raw & 0x7u;
  status.valid = (raw & 0xF0u) == kStatusMark && code <= static_cast<unsigned>(StatusCode::Busy);
  status.irq = (raw & 0x08u) != 0;
  status.code = static_cast<StatusCode>(code);
  return status;
}

namespace {

void put_be32(std::vector<std::uint8_t>& frame, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    frame.push_back(static_cast<std::uint8_t>(value >> shift));
}

void put_be16(std::vector<std::uint8_t>& frame, std::uint16_t value) {
  frame.push_back(static_cast<std::uint8_t>(value >> 8));
  frame.push_back(static_cast<std::uint8_t>(value));
}

std::uint32_t get_be32(std::span<const std::uint8_t> bytes) {
  return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
         std::uint32_t{bytes[2]} << 8 | bytes[3];
}

void need(std::span<const std::uint8_t> miso, std::size_t bytes, const char* what) {
  if (miso.size() < bytes) throw std::invalid_argument(std::string(what) + ": answer too short");
}

}  // namespace

std::vector<std::uint8_t> reg_read_frame(std::uint16_t offset) {
  std::vector<std::uint8_t> frame{static_cast<std::uint8_t>(Command::RegRead)};
  put_be16(frame, offset);
  frame.resize(kRegReadFrameBytes, 0);
  return frame;
}

std::vector<std::uint8_t> reg_write_frame(std::uint16_t offset, std::uint32_t value) {
  std::vector<std::uint8_t> frame{static_cast<std::uint8_t>(Command::RegWrite)};
  put_be16(frame, offset);
  put_be32(frame, value);
  frame.resize(kRegWriteFrameBytes, 0);
  return frame;
}

std::vector<std::uint8_t> mem_read_frame(std::uint32_t address, std::uint16_t length) {
  std::vector<std::uint8_t> frame{static_cast<std::uint8_t>(Command::MemRead)};
  put_be32(frame, address);
  put_be16(frame, length);
  frame.resize(mem_read_frame_bytes(length), 0);
  return frame;
}

std::vector<std::uint8_t> mem_write_frame(std::uint32_t address,
                                          std::span<const std::uint8_t> data) {
  if (data.size() > kMaxMemoryBytesPerFrame)
    throw std::invalid_argument("mem_write_frame: more than 65535 bytes");
  std::vector<std::uint8_t> frame{static_cast<std::uint8_t>(Command::MemWrite)};
  put_be32(frame, address);
  put_be16(frame, static_cast<std::uint16_t>(data.size()));
  frame.insert(frame.end(), data.begin(), data.end());
  frame.resize(mem_write_frame_bytes(data.size()), 0);
  return frame;
}

std::vector<std::uint8_t> status_frame() {
  std::vector<std::uint8_t> frame{static_cast<std::uint8_t>(Command::Status)};
  frame.resize(kStatusFrameBytes, 0);
  return frame;
}

std::uint32_t reg_read_value(std::span<const std::uint8_t> miso) {
  need(miso, kRegReadFrameBytes, "REG_READ");
  return get_be32(miso.subspan(kRegReadStatusIndex + 1, 4));
}

std::span<const std::uint8_t> mem_read_data(std::span<const std::uint8_t> miso) {
  need(miso, kMemReadStatusIndex + 1, "MEM_READ");
  return miso.subspan(kMemReadStatusIndex + 1);
}

BoardInfo parse_board_info(std::span<const std::uint8_t> miso) {
  need(miso, kStatusFrameBytes, "STATUS");
  const auto info = miso.subspan(kStatusStatusIndex + 1);
  return BoardInfo{info[0], info[1], (info[2] & 0x1u) != 0, get_be32(info.subspan(4, 4))};
}

}  // namespace ohci::fw::spi
