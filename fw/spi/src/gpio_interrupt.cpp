#include "ohci/spi/gpio_interrupt.hpp"

#include <fcntl.h>
#include <linux/gpio.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace ohci::fw::spi {

namespace {

[[noreturn]] void fail(const std::string& name, const char* what) {
  throw std::system_error(errno, std::generic_category(), name + ": " + what);
}

}  // namespace

GpioInterruptSource::GpioInterruptSource(const GpioLineConfig& config)
    : name_(config.chip + " line " + std::to_string(config.line)) {
  chip_ = uio::UniqueFd::open(config.chip, O_RDWR);
  gpio_v2_line_request request{};
  request.offsets[0] = config.line;
  request.num_lines = 1;
  std::strncpy(request.consumer, config.consumer.c_str(), sizeof(request.consumer) - 1);
  request.config.flags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING;
  if (::ioctl(chip_.get(), GPIO_V2_GET_LINE_IOCTL, &request) < 0)
    fail(name_, "GPIO_V2_GET_LINE_IOCTL");
  line_ = uio::UniqueFd(request.fd);
}

bool GpioInterruptSource::asserted() {
  gpio_v2_line_values values{};
  values.mask = 1;
  if (::ioctl(line_.get(), GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0)
    fail(name_, "GPIO_V2_LINE_GET_VALUES_IOCTL");
  return (values.bits & 1u) != 0;
}

void GpioInterruptSource::drain_events() {
  pollfd ready{line_.get(), POLLIN, 0};
  while (::poll(&ready, 1, 0) > 0 && (ready.revents & POLLIN) != 0) {
    gpio_v2_line_event event{};
    if (::read(line_.get(), &event, sizeof event) != static_cast<ssize_t>(sizeof event)) break;
  }
}

bool GpioInterruptSource::wait(std::chrono::microseconds timeout) {
  // Events queued for edges already serviced are dropped first; an edge from now on wakes the
  // poll, and the level decides.
  drain_events();
  if (asserted()) return true;
  const auto milliseconds =
      std::chrono::ceil<std::chrono::milliseconds>(std::max(timeout, std::chrono::microseconds{0}));
  pollfd ready{line_.get(), POLLIN, 0};
  const int result = ::poll(&ready, 1, static_cast<int>(milliseconds.count()));
  if (result < 0 && errno != EINTR) fail(name_, "poll");
  drain_events();
  return asserted();
}

}  // namespace ohci::fw::spi
