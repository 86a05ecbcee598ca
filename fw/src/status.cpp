#include "ohci/status.hpp"

namespace ohci::fw {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::Success:
      return "Success";
    case Status::Pending:
      return "Pending";
    case Status::MoreProcessingRequired:
      return "MoreProcessingRequired";
    case Status::InvalidParameter:
      return "InvalidParameter";
    case Status::InvalidDeviceState:
      return "InvalidDeviceState";
    case Status::AccessDenied:
      return "AccessDenied";
    case Status::InvalidGeneration:
      return "InvalidGeneration";
    case Status::InsufficientResources:
      return "InsufficientResources";
    case Status::BufferTooSmall:
      return "BufferTooSmall";
    case Status::Cancelled:
      return "Cancelled";
    case Status::DeviceError:
      return "DeviceError";
    case Status::NotSupported:
      return "NotSupported";
    case Status::Timeout:
      return "Timeout";
    case Status::DataOverrun:
      return "DataOverrun";
    case Status::DataLate:
      return "DataLate";
  }
  return "UnknownStatus";
}

}  // namespace ohci::fw
