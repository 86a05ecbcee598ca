#include "guest_memory.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ohci::sim::qemu {

GuestMemory::~GuestMemory() {
  unmap(regions_);
}

void GuestMemory::unmap(std::vector<Region>& regions) {
  for (const Region& region : regions) ::munmap(region.host, region.size);
  regions.clear();
}

void GuestMemory::replace(const std::vector<SysmemRegion>& regions, std::vector<UniqueFd> fds) {
  if (regions.size() != fds.size()) throw ProtocolError("SYNC_SYSMEM: regions and fds differ");
  std::vector<Region> mapped;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const SysmemRegion& r = regions[i];
    if (r.size == 0 || r.offset < 0 || r.gpa + r.size < r.gpa) {
      unmap(mapped);
      throw ProtocolError("SYNC_SYSMEM: bad region " + std::to_string(i));
    }
    void* host = ::mmap(nullptr, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i].get(),
                        static_cast<off_t>(r.offset));
    if (host == MAP_FAILED) {
      const std::string why = std::strerror(errno);
      unmap(mapped);
      throw ProtocolError("SYNC_SYSMEM: mmap of region " + std::to_string(i) + ": " + why);
    }
    mapped.push_back(Region{r.gpa, r.size, static_cast<std::uint8_t*>(host)});
  }
  std::sort(mapped.begin(), mapped.end(),
            [](const Region& a, const Region& b) { return a.gpa < b.gpa; });
  for (std::size_t i = 1; i < mapped.size(); ++i) {
    if (mapped[i - 1].gpa + mapped[i - 1].size > mapped[i].gpa) {
      unmap(mapped);
      throw ProtocolError("SYNC_SYSMEM: overlapping regions");
    }
  }
  // (the fds can close now: a mapping keeps its memory)
  unmap(regions_);
  regions_ = std::move(mapped);
}

std::uint64_t GuestMemory::bytes_mapped() const {
  std::uint64_t total = 0;
  for (const Region& region : regions_) total += region.size;
  return total;
}

const GuestMemory::Region* GuestMemory::find(std::uint64_t address, std::uint64_t length) const {
  for (const Region& region : regions_)
    if (address >= region.gpa && address + length <= region.gpa + region.size) return &region;
  return nullptr;
}

bool GuestMemory::contains(std::uint32_t address, std::uint32_t length) const {
  return find(address, length) != nullptr;
}

std::uint32_t GuestMemory::read32(std::uint32_t address) const {
  const Region* region = find(address, 4);
  if (region == nullptr) return 0xFFFF'FFFFu;  // (never reached: contains() is asked first)
  std::uint32_t value;
  std::memcpy(&value, region->host + (address - region->gpa), 4);
  return value;  // x86 host: little-endian, as host memory is
}

void GuestMemory::write32(std::uint32_t address, std::uint32_t value) {
  const Region* region = find(address, 4);
  if (region == nullptr) return;
  std::memcpy(region->host + (address - region->gpa), &value, 4);
}

}  // namespace ohci::sim::qemu
