// Stand-ins for the devices UioHal drives on a board, so it is tested without hardware:
// - /dev/uio0's register window: a memfd of kWindowBytes (the test reads and writes the register
//   image with pread/pwrite);
// - /dev/udmabuf0: a memfd of kDmaBytes "at" physical address kDmaBusAddress;
// - /dev/uio0's interrupt side: one end of a SOCK_SEQPACKET socket pair, which keeps each 4-byte
//   write a message of its own, like UIO's 32-bit writes and reads: the test receives the
//   backend's enables (its writes of 1) and sends it event counts.
// Also small synchronisation helpers; their timeouts are hang guards, never assertions on time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ohci/linux/uio_hal.hpp"
#include "ohci/linux/unique_fd.hpp"

namespace ohci::tb {

// Long enough never to fire on a loaded machine; it only turns a hang into a failure.
inline constexpr std::chrono::seconds kHangGuard{30};

class StandInDevices {
 public:
  static constexpr std::size_t kWindowBytes = 0x1000;
  static constexpr std::size_t kDmaBytes = 0x10000;
  static constexpr std::uint32_t kDmaBusAddress = 0x3F00'0000;
  static constexpr const char* kUioName = "stand-in /dev/uio0";
  static constexpr const char* kUdmabufName = "stand-in /dev/udmabuf0";

  StandInDevices();

  // A UioHal over duplicates of the memfds and the backend's end of the socket pair (which it
  // takes: call once).
  std::unique_ptr<fw::uio::UioHal> make_hal();

  std::uint32_t register_image(std::uint32_t offset) const;
  void set_register_image(std::uint32_t offset, std::uint32_t value);
  std::vector<std::byte> dma_image(std::size_t offset, std::size_t bytes) const;
  void fill_dma_image(std::byte value);

  // The next 4-byte message the backend wrote (its interrupt enable), or nullopt if none comes
  // before the hang guard or the backend's end is closed.
  std::optional<std::uint32_t> next_enable();
  // The device's interrupt: the kernel's running event count becomes readable.
  void raise_interrupt(std::uint32_t event_count);
  // The device goes away: the backend's reads see end of file.
  void hang_up() { interrupt_peer_.reset(); }

 private:
  fw::uio::UniqueFd registers_;
  fw::uio::UniqueFd dma_;
  fw::uio::UniqueFd interrupt_peer_;     // the test's end
  fw::uio::UniqueFd interrupt_backend_;  // handed to the UioHal
};

// A log written from the interrupt and DPC threads and read by the test.
class EventLog {
 public:
  void add(std::string entry);
  // Waits until it holds at least `count` entries; false after the hang guard.
  bool wait_for_size(std::size_t count);
  std::vector<std::string> entries() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> entries_;
};

// A gate a DPC or ISR waits at until the test opens it.
class Gate {
 public:
  void open();
  // False if the gate was not opened before the hang guard.
  bool wait();

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// Polls `condition` until it holds (false after the hang guard): for the backend's statistics,
// which have no notification of their own.
bool eventually(const std::function<bool()>& condition);

}  // namespace ohci::tb
