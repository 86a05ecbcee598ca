// DmaArena: the bookkeeping of a physically contiguous DMA buffer (a u-dma-buf), first fit.
//
// Offsets run over [0, bytes) of the buffer; alignment is of the bus address (bus_base +
// offset), which is what the controller's descriptors need. Every block starts and ends on a
// quadlet (4-byte) boundary, so blocks can be zeroed and accessed with aligned 32-bit stores.
// Free ranges are kept coalesced: releasing a block merges it with free neighbours, so freeing
// everything gives back one range of the whole buffer. Bus address 0 is never handed out (0
// means "no address" in descriptor branch words). Not thread-safe: its owner locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace ohci::fw::uio {

class DmaArena {
 public:
  static constexpr std::size_t kGranule = 4;

  // Throws std::invalid_argument unless bus_base is quadlet aligned and the buffer is at least
  // one granule.
  DmaArena(std::uint64_t bus_base, std::size_t bytes);

  // The offset of a block of `bytes` whose bus address is a multiple of `alignment`; the lowest
  // that fits. nullopt when nothing fits. Throws std::invalid_argument for bytes 0 or an
  // alignment that is not a power of two.
  std::optional<std::size_t> allocate(std::size_t bytes, std::size_t alignment);
  // Returns a block: `offset` and `bytes` as allocate gave and was asked for. Throws
  // std::invalid_argument (changing nothing) for anything else, e.g. a double free.
  void release(std::size_t offset, std::size_t bytes);

  std::size_t free_bytes() const;
  // Free ranges (1 when everything is free: they are coalesced).
  std::size_t free_ranges() const { return free_.size(); }
  std::size_t allocated_blocks() const { return allocated_.size(); }

 private:
  std::uint64_t bus_base_;
  std::map<std::size_t, std::size_t> free_;       // offset -> length, never adjacent
  std::map<std::size_t, std::size_t> allocated_;  // offset -> length (rounded to the granule)
};

}  // namespace ohci::fw::uio
