#include "stand_in_devices.hpp"

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <system_error>
#include <thread>

namespace ohci::tb {
namespace {

using fw::uio::UniqueFd;

UniqueFd memfd_of(const char* name, std::size_t bytes) {
  UniqueFd fd(::memfd_create(name, MFD_CLOEXEC));
  if (!fd.valid()) throw std::system_error(errno, std::generic_category(), "memfd_create");
  if (::ftruncate(fd.get(), static_cast<off_t>(bytes)) != 0) {
    throw std::system_error(errno, std::generic_category(), "ftruncate of a memfd");
  }
  return fd;
}

void check_io(ssize_t done, std::size_t wanted, const char* what) {
  if (done != static_cast<ssize_t>(wanted)) {
    throw std::system_error(errno, std::generic_category(), what);
  }
}

}  // namespace

StandInDevices::StandInDevices()
    : registers_(memfd_of("uio0-registers", kWindowBytes)), dma_(memfd_of("udmabuf0", kDmaBytes)) {
  int ends[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
    throw std::system_error(errno, std::generic_category(), "socketpair");
  }
  interrupt_peer_ = UniqueFd(ends[0]);
  interrupt_backend_ = UniqueFd(ends[1]);
}

std::unique_ptr<fw::uio::UioHal> StandInDevices::make_hal() {
  return std::make_unique<fw::uio::UioHal>(
      fw::uio::RegisterWindowFile{registers_.duplicate(kUioName), kUioName, kWindowBytes, 0},
      fw::uio::InterruptFile{std::move(interrupt_backend_), kUioName},
      fw::uio::DmaBufferFile{dma_.duplicate(kUdmabufName), kUdmabufName, kDmaBytes,
                             kDmaBusAddress});
}

std::uint32_t StandInDevices::register_image(std::uint32_t offset) const {
  std::uint32_t value = 0;
  check_io(::pread(registers_.get(), &value, sizeof value, offset), sizeof value, "pread");
  return value;
}

void StandInDevices::set_register_image(std::uint32_t offset, std::uint32_t value) {
  check_io(::pwrite(registers_.get(), &value, sizeof value, offset), sizeof value, "pwrite");
}

std::vector<std::byte> StandInDevices::dma_image(std::size_t offset, std::size_t bytes) const {
  std::vector<std::byte> image(bytes);
  check_io(::pread(dma_.get(), image.data(), bytes, static_cast<off_t>(offset)), bytes, "pread");
  return image;
}

void StandInDevices::fill_dma_image(std::byte value) {
  const std::vector<std::byte> image(kDmaBytes, value);
  check_io(::pwrite(dma_.get(), image.data(), image.size(), 0), image.size(), "pwrite");
}

std::optional<std::uint32_t> StandInDevices::next_enable() {
  pollfd wait{interrupt_peer_.get(), POLLIN, 0};
  const auto guard_ms = std::chrono::duration_cast<std::chrono::milliseconds>(kHangGuard);
  if (::poll(&wait, 1, static_cast<int>(guard_ms.count())) != 1) return std::nullopt;
  std::uint32_t value = 0;
  if (::recv(interrupt_peer_.get(), &value, sizeof value, 0) != sizeof value) return std::nullopt;
  return value;
}

void StandInDevices::raise_interrupt(std::uint32_t event_count) {
  check_io(::send(interrupt_peer_.get(), &event_count, sizeof event_count, MSG_NOSIGNAL),
           sizeof event_count, "send of an event count");
}

void EventLog::add(std::string entry) {
  {
    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
  }
  changed_.notify_all();
}

bool EventLog::wait_for_size(std::size_t count) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, kHangGuard, [&] { return entries_.size() >= count; });
}

std::vector<std::string> EventLog::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

void Gate::open() {
  {
    std::lock_guard lock(mutex_);
    open_ = true;
  }
  opened_.notify_all();
}

bool Gate::wait() {
  std::unique_lock lock(mutex_);
  return opened_.wait_for(lock, kHangGuard, [&] { return open_; });
}

bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kHangGuard;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    // A polling interval, not an assertion: the condition is what the test waits for.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace ohci::tb
