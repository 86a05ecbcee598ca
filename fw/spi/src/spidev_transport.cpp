#include "ohci/spi/spidev_transport.hpp"

#include <fcntl.h>
#include <linux/spi/spidev.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace ohci::fw::spi {

namespace {

[[noreturn]] void fail(const std::string& device, const char* what) {
  throw std::system_error(errno, std::generic_category(), device + ": " + what);
}

}  // namespace

SpidevTransport::SpidevTransport(const SpidevConfig& config)
    : device_(config.device), speed_hz_(config.speed_hz) {
  if (speed_hz_ == 0 || speed_hz_ > kMaxSckHz)
    throw std::invalid_argument("SpidevTransport: speed must be 1.." + std::to_string(kMaxSckHz) +
                                " Hz");
  fd_ = uio::UniqueFd::open(device_, O_RDWR);
  const std::uint8_t mode = SPI_MODE_0;
  const std::uint8_t bits = 8;
  const std::uint8_t lsb_first = 0;
  if (::ioctl(fd_.get(), SPI_IOC_WR_MODE, &mode) < 0) fail(device_, "SPI_IOC_WR_MODE");
  if (::ioctl(fd_.get(), SPI_IOC_WR_BITS_PER_WORD, &bits) < 0)
    fail(device_, "SPI_IOC_WR_BITS_PER_WORD");
  if (::ioctl(fd_.get(), SPI_IOC_WR_LSB_FIRST, &lsb_first) < 0)
    fail(device_, "SPI_IOC_WR_LSB_FIRST");
  if (::ioctl(fd_.get(), SPI_IOC_WR_MAX_SPEED_HZ, &speed_hz_) < 0)
    fail(device_, "SPI_IOC_WR_MAX_SPEED_HZ");
}

void SpidevTransport::transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso) {
  if (mosi.size() != miso.size())
    throw std::invalid_argument("SpidevTransport::transfer: MOSI and MISO sizes differ");
  if (mosi.empty()) return;
  spi_ioc_transfer message{};
  message.tx_buf = reinterpret_cast<std::uintptr_t>(mosi.data());
  message.rx_buf = reinterpret_cast<std::uintptr_t>(miso.data());
  message.len = static_cast<std::uint32_t>(mosi.size());
  message.speed_hz = speed_hz_;
  message.bits_per_word = 8;
  message.cs_change = 0;  // chip select released after this (the frame's) last byte
  if (::ioctl(fd_.get(), SPI_IOC_MESSAGE(1), &message) < 0) fail(device_, "SPI_IOC_MESSAGE");
}

}  // namespace ohci::fw::spi
