// SpidevTransport: the SPI frames of the host link through Linux's spidev driver
// (/dev/spidevB.C, e.g. a Raspberry Pi's SPI0 with CE0 = /dev/spidev0.0), one SPI_IOC_MESSAGE
// transfer per frame so chip select stays asserted for the whole frame. Mode 0, 8-bit words,
// most significant bit first, at most kMaxSckHz (docs/host-link.md: the board oversamples SCK
// with its 49.152 MHz SCLK and needs at least 8 SCLK per SCK period).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "ohci/linux/unique_fd.hpp"
#include "ohci/spi/spi_transport.hpp"

namespace ohci::fw::spi {

struct SpidevConfig {
  std::string device = "/dev/spidev0.0";
  std::uint32_t speed_hz = 6'000'000;
};

class SpidevTransport final : public SpiTransport {
 public:
  // SCLK / 8.
  static constexpr std::uint32_t kMaxSckHz = 6'144'000;

  // Opens the device and sets mode 0, 8 bits per word and the speed. Throws std::system_error
  // naming the device when it cannot be opened or configured, std::invalid_argument for a speed
  // of 0 or above kMaxSckHz.
  explicit SpidevTransport(const SpidevConfig& config);

  // Throws std::system_error when the ioctl fails (e.g. a frame longer than spidev's bufsiz,
  // 4096 bytes unless the module parameter says otherwise), std::invalid_argument when the two
  // buffers differ in size.
  void transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso) override;

  const std::string& device() const { return device_; }
  std::uint32_t speed_hz() const { return speed_hz_; }

 private:
  uio::UniqueFd fd_;
  std::string device_;
  std::uint32_t speed_hz_ = 0;
};

}  // namespace ohci::fw::spi
