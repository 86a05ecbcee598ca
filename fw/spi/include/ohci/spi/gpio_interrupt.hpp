// GpioInterruptSource: the board's interrupt pin on a Linux GPIO line, through the GPIO character
// device's v2 interface (/dev/gpiochipN, GPIO_V2_GET_LINE_IOCTL): the line is requested as an
// input with rising-edge events; asserted() reads its level, wait() polls the line's descriptor
// for an edge event. The pin is a level (high while the controller's irq is), so wait() checks
// the level before sleeping: an edge that came before the wait is never needed.
#pragma once

#include <chrono>
#include <string>

#include "ohci/linux/unique_fd.hpp"
#include "ohci/spi/spi_transport.hpp"

namespace ohci::fw::spi {

struct GpioLineConfig {
  std::string chip = "/dev/gpiochip0";
  unsigned line = 25;  // offset of the line on the chip (e.g. BCM GPIO25 on a Raspberry Pi)
  std::string consumer = "ohci-irq";
};

class GpioInterruptSource final : public InterruptSource {
 public:
  // Throws std::system_error naming the chip when it cannot be opened or the line requested.
  explicit GpioInterruptSource(const GpioLineConfig& config);

  bool asserted() override;
  bool wait(std::chrono::microseconds timeout) override;

 private:
  void drain_events();

  uio::UniqueFd chip_;
  uio::UniqueFd line_;
  std::string name_;
};

}  // namespace ohci::fw::spi
