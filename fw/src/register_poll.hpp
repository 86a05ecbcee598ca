// Bounded register polling, shared by the controller and the contexts (internal to fw/src).
#pragma once

#include <cstdint>

#include "ohci/hal.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// Reads `offset` until (value & mask) == expected: Success, or Timeout after `poll_limit` reads
// (a limit of 0 reads nothing and times out).
inline Status poll_register(Hal& hal, std::uint32_t offset, std::uint32_t mask,
                            std::uint32_t expected, std::uint32_t poll_limit) {
  for (std::uint32_t reads = 0; reads < poll_limit; ++reads) {
    if ((hal.read32(offset) & mask) == expected) return Status::Success;
  }
  return Status::Timeout;
}

}  // namespace ohci::fw
