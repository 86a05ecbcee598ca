#include "ohci/spi/spi_link.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

namespace ohci::fw::spi {

namespace {

void check_register_offset(std::uint32_t offset) {
  if (offset % 4 != 0) throw std::invalid_argument("SpiLink: register offset not a quadlet");
  if (offset >= kRegisterWindowBytes)
    throw std::invalid_argument("SpiLink: register offset past 0x7FC");
}

}  // namespace

SpiLink::SpiLink(SpiTransport& transport, const SpiLinkConfig& config)
    : transport_(transport), config_(config) {
  config_.max_memory_bytes_per_frame =
      std::clamp<std::size_t>(config_.max_memory_bytes_per_frame, 1, kMaxMemoryBytesPerFrame);
}

StatusByte SpiLink::frame(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso,
                          std::size_t status_index) {
  transport_.transfer(mosi, miso);
  ++statistics_.frames;
  statistics_.bytes += mosi.size();
  const StatusByte status = parse_status(miso[status_index]);
  if (status.valid) last_irq_ = status.irq;
  return status;
}

StatusByte SpiLink::register_frame(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso,
                                   std::size_t status_index) {
  StatusByte status = frame(mosi, miso, status_index);
  for (unsigned retry = 0;
       retry < config_.busy_retries && status.valid && status.code == StatusCode::Busy; ++retry)
    status = frame(mosi, miso, status_index);
  return status;
}

void SpiLink::check(StatusByte status, const char* what, std::uint32_t address) const {
  if (status.valid && status.code == StatusCode::Ok) return;
  std::ostringstream text;
  text << "SpiLink: " << what << " 0x" << std::hex << address << ": ";
  if (status.valid)
    text << to_string(status.code);
  else
    text << "no status byte (read 0x" << unsigned{status.raw} << "): is the board there?";
  throw SpiLinkError(text.str(), status);
}

std::uint32_t SpiLink::read32(std::uint32_t offset) {
  check_register_offset(offset);
  const auto mosi = reg_read_frame(static_cast<std::uint16_t>(offset));
  std::vector<std::uint8_t> miso(mosi.size());
  check(register_frame(mosi, miso, kRegReadStatusIndex), "register read", offset);
  ++statistics_.register_reads;
  return reg_read_value(miso);
}

void SpiLink::write32(std::uint32_t offset, std::uint32_t value) {
  check_register_offset(offset);
  const auto mosi = reg_write_frame(static_cast<std::uint16_t>(offset), value);
  std::vector<std::uint8_t> miso(mosi.size());
  check(register_frame(mosi, miso, kRegWriteStatusIndex), "register write", offset);
  ++statistics_.register_writes;
}

void SpiLink::read_memory(std::uint32_t address, std::span<std::uint8_t> destination) {
  std::vector<std::uint8_t> miso;
  while (!destination.empty()) {
    const std::size_t length = std::min(destination.size(), config_.max_memory_bytes_per_frame);
    const auto mosi = mem_read_frame(address, static_cast<std::uint16_t>(length));
    miso.resize(mosi.size());
    check(frame(mosi, miso, kMemReadStatusIndex), "memory read", address);
    const auto data = mem_read_data(miso);
    std::copy_n(data.begin(), length, destination.begin());
    statistics_.memory_bytes_read += length;
    destination = destination.subspan(length);
    address += static_cast<std::uint32_t>(length);
  }
}

void SpiLink::write_memory(std::uint32_t address, std::span<const std::uint8_t> source) {
  std::vector<std::uint8_t> miso;
  while (!source.empty()) {
    const std::size_t length = std::min(source.size(), config_.max_memory_bytes_per_frame);
    const auto mosi = mem_write_frame(address, source.first(length));
    miso.resize(mosi.size());
    check(frame(mosi, miso, mem_write_status_index(length)), "memory write", address);
    statistics_.memory_bytes_written += length;
    source = source.subspan(length);
    address += static_cast<std::uint32_t>(length);
  }
}

BoardInfo SpiLink::board_info() {
  const auto mosi = status_frame();
  std::vector<std::uint8_t> miso(mosi.size());
  check(frame(mosi, miso, kStatusStatusIndex), "status", 0);
  return parse_board_info(miso);
}

}  // namespace ohci::fw::spi
