// Status codes of the firmware, and Result<T>: a value or the Status that explains its absence.
// The names follow the NTSTATUS codes a Windows 1394 / KMDF driver reports, so the layers above
// (buffer attachment, DMA transactions) can hand them through unchanged.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

namespace ohci::fw {

enum class Status {
  Success,
  // The operation was started and completes later.
  Pending,
  // A DMA transaction needs another transfer programmed (KMDF's "more processing required").
  MoreProcessingRequired,
  // An argument is out of range, misaligned or inconsistent; nothing was changed.
  InvalidParameter,
  // The hardware is not in a state that allows the operation (e.g. a running context).
  InvalidDeviceState,
  // The caller does not own the resource.
  AccessDenied,
  // The request names a bus generation that a bus reset has since replaced.
  InvalidGeneration,
  // Out of DMA memory, contexts, channels or bandwidth.
  InsufficientResources,
  // A block or record does not fit the buffer given for it.
  BufferTooSmall,
  // The request was cancelled before it completed.
  Cancelled,
  // The hardware reported an error or an impossible value.
  DeviceError,
  // The hardware is not one this firmware supports (e.g. not OHCI 1.1).
  NotSupported,
  // A bounded wait for the hardware ran out.
  Timeout,
  // Received data did not fit where it had to go in time (NTSTATUS DATA_OVERRUN): an IR packet
  // the controller had no room for (evt_overrun).
  DataOverrun,
  // Data to send was not there in time (NTSTATUS DATA_LATE_ERROR): an IT packet whose payload
  // was not staged when its cycle began (evt_underrun).
  DataLate,
};

std::string_view to_string(Status status);

constexpr bool succeeded(Status status) {
  return status == Status::Success;
}

// A T, or the Status saying why there is none. A Result made from a Status never holds a value;
// constructing one from Status::Success is a programming error and reads as DeviceError.
template <typename T>
class Result {
 public:
  Result(T value) : status_(Status::Success), value_(std::move(value)) {}
  Result(Status status) : status_(status == Status::Success ? Status::DeviceError : status) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  Status status() const { return status_; }

  // Precondition: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ohci::fw
