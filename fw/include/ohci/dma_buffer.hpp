// DmaBuffer: the owner of one block of DMA-able memory from the Hal.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ohci/hal.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// Owns a Hal DmaRegion and returns it to the Hal when destroyed; move-only. Every accessor checks
// its range against the buffer and reports InvalidParameter instead of touching memory outside
// it. Quadlets are little-endian (the controller's byte order) and quadlet-aligned within the
// buffer. The Hal must outlive its buffers.
class DmaBuffer {
 public:
  // `bytes` > 0 of memory aligned to `alignment` (a power of two); InsufficientResources when the
  // Hal has no more.
  static Result<DmaBuffer> allocate(Hal& hal, std::size_t bytes, std::size_t alignment = 16);

  DmaBuffer() = default;  // empty: holds nothing
  ~DmaBuffer();
  DmaBuffer(DmaBuffer&& other) noexcept;
  DmaBuffer& operator=(DmaBuffer&& other) noexcept;
  DmaBuffer(const DmaBuffer&) = delete;
  DmaBuffer& operator=(const DmaBuffer&) = delete;

  bool empty() const { return hal_ == nullptr; }
  std::size_t size() const { return region_.size; }
  // Bus address of the first byte, as the controller's DMA master sees it.
  std::uint32_t bus_address() const { return region_.bus; }
  // Bus address of byte `offset`, which must lie within the buffer.
  Result<std::uint32_t> bus_address_of(std::size_t offset) const;
  // Whether [offset, offset + length) lies within the buffer.
  bool contains(std::size_t offset, std::size_t length) const;

  // The whole buffer, for bulk CPU access.
  std::span<std::byte> bytes() { return {region_.cpu, region_.size}; }
  std::span<const std::byte> bytes() const { return {region_.cpu, region_.size}; }

  Status write_bytes(std::size_t offset, std::span<const std::byte> source);
  Status read_bytes(std::size_t offset, std::span<std::byte> destination) const;
  Status fill(std::size_t offset, std::size_t length, std::byte value);

  Status write_quadlet(std::size_t offset, std::uint32_t value);
  Result<std::uint32_t> read_quadlet(std::size_t offset) const;

  // Returns the memory to the Hal now; the buffer is empty afterwards.
  void reset();

 private:
  DmaBuffer(Hal& hal, const DmaRegion& region) : hal_(&hal), region_(region) {}
  bool quadlet_in_range(std::size_t offset) const;
  std::atomic_ref<std::uint32_t> quadlet_ref(std::size_t offset) const;

  Hal* hal_ = nullptr;
  DmaRegion region_{};
};

}  // namespace ohci::fw
