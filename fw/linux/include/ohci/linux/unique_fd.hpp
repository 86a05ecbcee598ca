// RAII owners of the two kernel resources the Linux backends hold: a file descriptor and a shared
// memory mapping of one. Both are move-only; destruction closes or unmaps, so a constructor that
// throws half-way leaks nothing.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <utility>

namespace ohci::fw::uio {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes the descriptor now (if any).
  void reset() noexcept;

  // open(2) with O_CLOEXEC added; throws std::system_error naming `path` on failure.
  static UniqueFd open(const std::string& path, int flags);
  // A close-on-exec duplicate; throws std::system_error naming `name` on failure.
  UniqueFd duplicate(const std::string& name) const;

 private:
  int fd_ = -1;
};

class SharedMapping {
 public:
  SharedMapping() = default;
  ~SharedMapping() { reset(); }
  SharedMapping(SharedMapping&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
  SharedMapping& operator=(SharedMapping&& other) noexcept;
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;

  // mmap(PROT_READ | PROT_WRITE, MAP_SHARED) of `bytes` at `offset` of `fd`; throws
  // std::system_error naming `name` on failure. MAP_SHARED because the other side (the device,
  // or the test holding the memfd) must see every store.
  static SharedMapping map(int fd, std::size_t bytes, off_t offset, const std::string& name);

  std::byte* data() const { return data_; }
  std::size_t size() const { return bytes_; }
  void reset() noexcept;

 private:
  std::byte* data_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace ohci::fw::uio
