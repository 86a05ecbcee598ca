#include "ohci/dma_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace ohci::fw {
namespace {

constexpr std::size_t kQuadletBytes = 4;

bool is_power_of_two(std::size_t value) {
  return value != 0 && (value & (value - 1)) == 0;
}

}  // namespace

Result<DmaBuffer> DmaBuffer::allocate(Hal& hal, std::size_t bytes, std::size_t alignment) {
  if (bytes == 0 || !is_power_of_two(alignment)) return Status::InvalidParameter;
  std::optional<DmaRegion> region = hal.dma_alloc(bytes, alignment);
  if (!region) return Status::InsufficientResources;
  // A region the controller could not address as promised would corrupt memory later; refuse it
  // now, while the failure still points at the Hal.
  const bool usable = region->cpu != nullptr && region->size >= bytes &&
                      region->bus % alignment == 0 &&
                      region->size - 1 <= std::numeric_limits<std::uint32_t>::max() - region->bus;
  if (!usable) {
    hal.dma_free(*region);
    return Status::DeviceError;
  }
  return DmaBuffer(hal, *region);
}

DmaBuffer::~DmaBuffer() {
  reset();
}

DmaBuffer::DmaBuffer(DmaBuffer&& other) noexcept
    : hal_(std::exchange(other.hal_, nullptr)), region_(std::exchange(other.region_, {})) {}

DmaBuffer& DmaBuffer::operator=(DmaBuffer&& other) noexcept {
  if (this != &other) {
    reset();
    hal_ = std::exchange(other.hal_, nullptr);
    region_ = std::exchange(other.region_, {});
  }
  return *this;
}

void DmaBuffer::reset() {
  if (hal_ != nullptr) hal_->dma_free(region_);
  hal_ = nullptr;
  region_ = {};
}

bool DmaBuffer::contains(std::size_t offset, std::size_t length) const {
  return offset <= region_.size && length <= region_.size - offset;
}

Result<std::uint32_t> DmaBuffer::bus_address_of(std::size_t offset) const {
  if (empty() || offset >= region_.size) return Status::InvalidParameter;
  // allocate() checked that the whole region lies below 4 GiB, so this cannot wrap.
  return static_cast<std::uint32_t>(region_.bus + offset);
}

bool DmaBuffer::quadlet_in_range(std::size_t offset) const {
  return offset % kQuadletBytes == 0 && contains(offset, kQuadletBytes);
}

Status DmaBuffer::write_bytes(std::size_t offset, std::span<const std::byte> source) {
  if (!contains(offset, source.size())) return Status::InvalidParameter;
  if (!source.empty()) std::memcpy(region_.cpu + offset, source.data(), source.size());
  return Status::Success;
}

Status DmaBuffer::read_bytes(std::size_t offset, std::span<std::byte> destination) const {
  if (!contains(offset, destination.size())) return Status::InvalidParameter;
  if (!destination.empty())
    std::memcpy(destination.data(), region_.cpu + offset, destination.size());
  return Status::Success;
}

Status DmaBuffer::fill(std::size_t offset, std::size_t length, std::byte value) {
  if (!contains(offset, length)) return Status::InvalidParameter;
  std::fill_n(region_.cpu + offset, length, value);
  return Status::Success;
}

Status DmaBuffer::write_quadlet(std::size_t offset, std::uint32_t value) {
  if (!quadlet_in_range(offset)) return Status::InvalidParameter;
  std::byte* target = region_.cpu + offset;
  for (std::size_t i = 0; i < kQuadletBytes; ++i) {
    target[i] = static_cast<std::byte>((value >> (8 * i)) & 0xFFu);
  }
  return Status::Success;
}

Result<std::uint32_t> DmaBuffer::read_quadlet(std::size_t offset) const {
  if (!quadlet_in_range(offset)) return Status::InvalidParameter;
  const std::byte* source = region_.cpu + offset;
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < kQuadletBytes; ++i) {
    value |= std::to_integer<std::uint32_t>(source[i]) << (8 * i);
  }
  return value;
}

}  // namespace ohci::fw
