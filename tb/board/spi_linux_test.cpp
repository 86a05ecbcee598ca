// The Linux SPI backend's refusals, without spidev or GPIO hardware: what a missing device or a
// speed the board cannot follow looks like.
#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "ohci/spi/gpio_interrupt.hpp"
#include "ohci/spi/spidev_transport.hpp"

namespace ohci::tb {
namespace {

TEST(SpidevTransport, MissingDeviceThrowsSystemErrorNamingIt) {
  try {
    fw::spi::SpidevTransport transport(fw::spi::SpidevConfig{"/nonexistent/spidev9.9", 1'000'000});
    FAIL() << "no exception";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/spidev9.9"), std::string::npos);
  }
}

TEST(SpidevTransport, SpeedAboveClkOverEightIsRefused) {
  EXPECT_THROW(fw::spi::SpidevTransport(fw::spi::SpidevConfig{"/dev/null", 6'144'001}),
               std::invalid_argument);
  EXPECT_THROW(fw::spi::SpidevTransport(fw::spi::SpidevConfig{"/dev/null", 0}),
               std::invalid_argument);
}

TEST(SpidevTransport, DeviceThatIsNotSpidevFailsConfiguration) {
  // /dev/null opens but knows no SPI ioctl: the mode ioctl fails and names the device.
  try {
    fw::spi::SpidevTransport transport(fw::spi::SpidevConfig{"/dev/null", 1'000'000});
    FAIL() << "no exception";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find("/dev/null: SPI_IOC_WR_MODE"), std::string::npos);
  }
}

TEST(GpioInterruptSource, MissingChipThrowsSystemErrorNamingIt) {
  try {
    fw::spi::GpioInterruptSource source(fw::spi::GpioLineConfig{"/nonexistent/gpiochip9", 3});
    FAIL() << "no exception";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/gpiochip9"), std::string::npos);
  }
}

}  // namespace
}  // namespace ohci::tb
