// GuestMemory: the QEMU guest's RAM as the controller's DMA sees it. Each SYNC_SYSMEM message
// carries the whole current map (guest-physical address, size, offset into its memfd) and
// replaces the previous one (reference/linux-qemu-bridge.md 1.3): the regions are mmapped
// MAP_SHARED, so a DMA write is in guest RAM at once and a guest write is seen by the next DMA
// read. A burst beat outside every region is refused (contains() false: the AXI slave answers
// DECERR), and nothing outside a mapping is ever touched. Bus addresses are the guest-physical
// ones (no IOMMU), below 4 GiB.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "memory_port.hpp"
#include "mpqemu.hpp"

namespace ohci::sim::qemu {

class GuestMemory final : public MemoryPort {
 public:
  GuestMemory() = default;
  ~GuestMemory() override;
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;

  // Replaces the map: `fds[i]` backs `regions[i]`. Throws ProtocolError (and keeps the old map)
  // when a region cannot be mapped or overlaps another.
  void replace(const std::vector<SysmemRegion>& regions, std::vector<UniqueFd> fds);
  std::size_t region_count() const { return regions_.size(); }
  std::uint64_t bytes_mapped() const;

  bool contains(std::uint32_t address, std::uint32_t length) const override;
  std::uint32_t read32(std::uint32_t address) const override;
  void write32(std::uint32_t address, std::uint32_t value) override;

 private:
  struct Region {
    std::uint64_t gpa = 0;
    std::uint64_t size = 0;
    std::uint8_t* host = nullptr;
  };
  const Region* find(std::uint64_t address, std::uint64_t length) const;
  static void unmap(std::vector<Region>& regions);

  std::vector<Region> regions_;
};

}  // namespace ohci::sim::qemu
