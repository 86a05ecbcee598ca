// What the SPI backend needs from its environment: a full-duplex SPI master that clocks one frame
// with chip select held, and the board's interrupt pin. Implementations: SpidevTransport and
// GpioInterruptSource on Linux (spidev_transport.hpp, gpio_interrupt.hpp), the Verilated
// board's bit-banged pins in tb/board.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

namespace ohci::fw::spi {

class SpiTransport {
 public:
  virtual ~SpiTransport() = default;
  // One frame: chip select asserted, mosi.size() bytes clocked out while as many are clocked in
  // to `miso` (same size), chip select released. Throws on failure.
  virtual void transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso) = 0;
};

// The board's interrupt pin (active-high level: the controller's irq).
class InterruptSource {
 public:
  virtual ~InterruptSource() = default;
  // The pin's level now.
  virtual bool asserted() = 0;
  // Returns as soon as the pin is high (true) or after `timeout` (false if it stayed low).
  virtual bool wait(std::chrono::microseconds timeout) = 0;
};

}  // namespace ohci::fw::spi
