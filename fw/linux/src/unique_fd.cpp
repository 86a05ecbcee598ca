#include "ohci/linux/unique_fd.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace ohci::fw::uio {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void UniqueFd::reset() noexcept {
  // Not retried on EINTR: on Linux the descriptor is released even then, and a retry could close
  // a descriptor another thread has just been given.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

UniqueFd UniqueFd::open(const std::string& path, int flags) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
  return UniqueFd(fd);
}

UniqueFd UniqueFd::duplicate(const std::string& name) const {
  const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot duplicate " + name);
  return UniqueFd(fd);
}

SharedMapping& SharedMapping::operator=(SharedMapping&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

SharedMapping SharedMapping::map(int fd, std::size_t bytes, off_t offset, const std::string& name) {
  void* address = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
  if (address == MAP_FAILED) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot mmap " + std::to_string(bytes) + " bytes at offset " +
                                std::to_string(offset) + " of " + name);
  }
  SharedMapping mapping;
  mapping.data_ = static_cast<std::byte*>(address);
  mapping.bytes_ = bytes;
  return mapping;
}

void SharedMapping::reset() noexcept {
  if (data_ != nullptr) ::munmap(data_, bytes_);
  data_ = nullptr;
  bytes_ = 0;
}

}  // namespace ohci::fw::uio
