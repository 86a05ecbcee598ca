#include "ohci/linux/dma_arena.hpp"

#include <iterator>
#include <sstream>
#include <stdexcept>

namespace ohci::fw::uio {
namespace {

bool is_power_of_two(std::size_t value) {
  return value != 0 && (value & (value - 1)) == 0;
}

std::size_t round_up(std::size_t value, std::size_t granule) {
  return (value + granule - 1) / granule * granule;
}

}  // namespace

DmaArena::DmaArena(std::uint64_t bus_base, std::size_t bytes) : bus_base_(bus_base) {
  if (bus_base % kGranule != 0) throw std::invalid_argument("DMA bus base is not quadlet aligned");
  // A buffer at bus address 0 loses its first granule, so no block can start at 0.
  const std::size_t first = bus_base == 0 ? kGranule : 0;
  const std::size_t usable_end = bytes / kGranule * kGranule;
  if (usable_end <= first) throw std::invalid_argument("DMA buffer too small for one block");
  free_.emplace(first, usable_end - first);
}

std::optional<std::size_t> DmaArena::allocate(std::size_t bytes, std::size_t alignment) {
  if (bytes == 0) throw std::invalid_argument("DMA allocation of 0 bytes");
  if (!is_power_of_two(alignment)) {
    throw std::invalid_argument("DMA alignment " + std::to_string(alignment) +
                                " is not a power of two");
  }
  if (alignment < kGranule) alignment = kGranule;
  const std::size_t length = round_up(bytes, kGranule);
  if (length < bytes) return std::nullopt;  // bytes near SIZE_MAX: cannot fit anyway
  for (auto range = free_.begin(); range != free_.end(); ++range) {
    const auto [range_start, range_length] = *range;
    const std::uint64_t bus = bus_base_ + range_start;
    const std::uint64_t aligned_bus = (bus + alignment - 1) / alignment * alignment;
    const std::uint64_t padding = aligned_bus - bus;
    if (padding > range_length || length > range_length - padding) continue;
    const std::size_t start = range_start + static_cast<std::size_t>(padding);
    const std::size_t tail_start = start + length;
    const std::size_t range_end = range_start + range_length;
    // Split the range: padding before the block stays free, and so does the tail after it.
    free_.erase(range);
    if (padding > 0) free_.emplace(range_start, static_cast<std::size_t>(padding));
    if (tail_start < range_end) free_.emplace(tail_start, range_end - tail_start);
    allocated_.emplace(start, length);
    return start;
  }
  return std::nullopt;
}

void DmaArena::release(std::size_t offset, std::size_t bytes) {
  const auto block = allocated_.find(offset);
  if (block == allocated_.end() || block->second != round_up(bytes, kGranule)) {
    std::ostringstream message;
    message << "DMA free of " << bytes << " bytes at bus address 0x" << std::hex
            << bus_base_ + offset << ", which is not an allocated block";
    throw std::invalid_argument(message.str());
  }
  std::size_t start = block->first;
  std::size_t length = block->second;
  allocated_.erase(block);
  // Merge with the free range that ends where this block starts, and the one that starts where
  // it ends, so neighbouring free space is always one range.
  auto next = free_.lower_bound(start);
  if (next != free_.begin()) {
    auto previous = std::prev(next);
    if (previous->first + previous->second == start) {
      start = previous->first;
      length += previous->second;
      free_.erase(previous);
    }
  }
  if (next != free_.end() && next->first == start + length) {
    length += next->second;
    free_.erase(next);
  }
  free_.emplace(start, length);
}

std::size_t DmaArena::free_bytes() const {
  std::size_t total = 0;
  for (const auto& [start, length] : free_) total += length;
  return total;
}

}  // namespace ohci::fw::uio
