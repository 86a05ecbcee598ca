#include "ohci/dma_buffer.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

namespace ohci::fw {
namespace {

// Host memory is little-endian; on a big-endian CPU the byte order is swapped (an involution).
constexpr std::uint32_t to_little_endian(std::uint32_t value) {
  if constexpr (std::endian::native == std::endian::little) {
    return value;
  } else {
    return (value >> 24) | ((value >> 8) & 0xFF00u) | ((value << 8) & 0xFF0000u) | (value << 24);
  }
}

}  // namespace

namespace {

constexpr std::size_t kQuadletBytes = 4;

bool is_power_of_two(std::size_t value) {
  return value != 0 && (value & (value - 1)) == 0;
}

}  // namespace

Result<DmaBuffer> DmaBuffer::allocate(Hal& hal, std::size_t bytes, std::size_t alignment) {
  if (bytes == 0 || !is_power_of_two(alignment)) return Status::InvalidParameter;
  // Quadlets are accessed as single aligned 32-bit words, so every buffer is at least
  // quadlet-aligned, for the CPU as for the controller.
  alignment = std::max(alignment, kQuadletBytes);
  std::optional<DmaRegion> region = hal.dma_alloc(bytes, alignment);
  if (!region) return Status::InsufficientResources;
  // A region the controller could not address as promised would corrupt memory later; refuse it
  // now, while the failure still points at the Hal.
  const bool usable = region->cpu != nullptr && region->size >= bytes &&
                      region->bus % alignment == 0 &&
                      reinterpret_cast<std::uintptr_t>(region->cpu) % kQuadletBytes == 0 &&
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
  // memmove: the source may be part of this very buffer.
  if (!source.empty()) std::memmove(region_.cpu + offset, source.data(), source.size());
  return Status::Success;
}

Status DmaBuffer::read_bytes(std::size_t offset, std::span<std::byte> destination) const {
  if (!contains(offset, destination.size())) return Status::InvalidParameter;
  if (!destination.empty())
    std::memmove(destination.data(), region_.cpu + offset, destination.size());
  return Status::Success;
}

Status DmaBuffer::fill(std::size_t offset, std::size_t length, std::byte value) {
  if (!contains(offset, length)) return Status::InvalidParameter;
  std::fill_n(region_.cpu + offset, length, value);
  return Status::Success;
}

std::atomic_ref<std::uint32_t> DmaBuffer::quadlet_ref(std::size_t offset) const {
  // In range and aligned (quadlet_in_range, and allocate() aligned the buffer).
  return std::atomic_ref<std::uint32_t>(
      *std::launder(reinterpret_cast<std::uint32_t*>(region_.cpu + offset)));
}

Status DmaBuffer::write_quadlet(std::size_t offset, std::uint32_t value) {
  if (!quadlet_in_range(offset)) return Status::InvalidParameter;
  // One aligned 32-bit store, never four byte stores: the controller may read this quadlet at
  // any moment (a branch word being patched), and must see either the old or the new value.
  quadlet_ref(offset).store(to_little_endian(value), std::memory_order_relaxed);
  return Status::Success;
}

Result<std::uint32_t> DmaBuffer::read_quadlet(std::size_t offset) const {
  if (!quadlet_in_range(offset)) return Status::InvalidParameter;
  // One aligned 32-bit load: a status quadlet is written by the controller as a whole.
  return to_little_endian(quadlet_ref(offset).load(std::memory_order_relaxed));
}

}  // namespace ohci::fw
