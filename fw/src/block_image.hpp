// Writing one descriptor block into DMA memory, shared by the IT and IR block writers (internal
// to fw/src): the block is assembled completely and its place checked before anything is written.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ohci/dma_buffer.hpp"
#include "ohci/it_descriptor.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// A block's quadlets, assembled completely before any of them is written to DMA memory.
class BlockImage {
 public:
  void append(std::span<const std::uint32_t> quadlets) {
    std::copy(quadlets.begin(), quadlets.end(), quadlets_.begin() + static_cast<long>(used_));
    used_ += quadlets.size();
  }

  Status write_to(DmaBuffer& buffer, std::size_t offset) const {
    for (std::size_t i = 0; i < used_; ++i) {
      const Status status = buffer.write_quadlet(offset + kQuadletBytes * i, quadlets_[i]);
      if (!succeeded(status)) return status;
    }
    return Status::Success;
  }

 private:
  static constexpr std::size_t kQuadletBytes = 4;
  std::array<std::uint32_t, kMaxBlockZ * kDescriptorBytes / kQuadletBytes> quadlets_{};
  std::size_t used_ = 0;
};

// The bus address of a block of `z` units at `offset` in `buffer`, once its place has been
// checked: InvalidParameter for an empty buffer or a block not 16-byte aligned on the bus,
// BufferTooSmall when it does not fit.
inline Result<std::uint32_t> place_block(const DmaBuffer& buffer, std::size_t offset,
                                         std::uint32_t z) {
  if (buffer.empty()) return Status::InvalidParameter;
  if (!buffer.contains(offset, z * kDescriptorBytes)) return Status::BufferTooSmall;
  const Result<std::uint32_t> address = buffer.bus_address_of(offset);
  if (!address || *address % kDescriptorBytes != 0) return Status::InvalidParameter;
  return *address;
}

}  // namespace ohci::fw
