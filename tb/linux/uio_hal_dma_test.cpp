// UioHal's DMA memory: a physically contiguous buffer (u-dma-buf), here a memfd "at" a physical
// address, carved up first fit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "stand_in_devices.hpp"

namespace ohci::tb {
namespace {

using fw::DmaRegion;

constexpr std::size_t kBufferBytes = StandInDevices::kDmaBytes;
constexpr std::uint32_t kBase = StandInDevices::kDmaBusAddress;

TEST(UioHalDma, AllocationsAreAlignedDisjointAndAtTheBusBasePlusTheirOffset) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  struct Request {
    std::size_t bytes;
    std::size_t alignment;
  };
  const std::vector<Request> requests = {{5, 1},       {100, 16}, {3, 4},
                                         {4096, 4096}, {64, 64},  {1, 2048}};
  std::vector<DmaRegion> regions;
  for (const Request& request : requests) {
    const auto region = hal->dma_alloc(request.bytes, request.alignment);
    ASSERT_TRUE(region.has_value()) << request.bytes << " bytes";
    EXPECT_EQ(region->size, request.bytes);
    EXPECT_EQ(region->bus % request.alignment, 0u) << "bus 0x" << std::hex << region->bus;
    ASSERT_GE(region->bus, kBase);
    ASSERT_LE(region->bus + region->size, kBase + kBufferBytes);
    regions.push_back(*region);
  }
  // The CPU pointer and the bus address are the same offset into the buffer.
  for (const DmaRegion& region : regions) {
    EXPECT_EQ(region.cpu - regions.front().cpu,
              static_cast<std::ptrdiff_t>(region.bus) - regions.front().bus);
  }
  std::vector<DmaRegion> sorted = regions;
  std::sort(sorted.begin(), sorted.end(),
            [](const DmaRegion& a, const DmaRegion& b) { return a.bus < b.bus; });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    EXPECT_LE(sorted[i - 1].bus + sorted[i - 1].size, sorted[i].bus) << "overlap at " << i;
  }
  // A store through the CPU pointer lands in the buffer at bus address - physical base.
  for (std::size_t i = 0; i < regions.size(); ++i) {
    std::memset(regions[i].cpu, static_cast<int>(0xA0 + i), regions[i].size);
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const auto image = devices.dma_image(regions[i].bus - kBase, regions[i].size);
    EXPECT_TRUE(std::all_of(image.begin(), image.end(),
                            [&](std::byte b) { return b == std::byte(0xA0 + i); }))
        << "region " << i;
  }
}

TEST(UioHalDma, AllocationsAreZeroed) {
  StandInDevices devices;
  devices.fill_dma_image(std::byte{0xEE});
  auto hal = devices.make_hal();
  const auto region = hal->dma_alloc(37, 8);
  ASSERT_TRUE(region.has_value());
  const auto image = devices.dma_image(region->bus - kBase, region->size);
  EXPECT_TRUE(
      std::all_of(image.begin(), image.end(), [](std::byte b) { return b == std::byte{0}; }));
}

TEST(UioHalDma, ExhaustionGivesNothingUntilSpaceIsFreed) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  const auto all = hal->dma_alloc(kBufferBytes, 4096);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->bus, kBase);
  EXPECT_FALSE(hal->dma_alloc(4, 4).has_value());
  EXPECT_FALSE(hal->dma_alloc(1, 1).has_value());
  hal->dma_free(*all);
  EXPECT_TRUE(hal->dma_alloc(4, 4).has_value());
}

TEST(UioHalDma, FreedNeighboursCoalesceSoTheWholeBufferFitsAgain) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  constexpr std::size_t kQuarter = kBufferBytes / 4;
  std::vector<DmaRegion> quarters;
  for (int i = 0; i < 4; ++i) {
    const auto region = hal->dma_alloc(kQuarter, 4);
    ASSERT_TRUE(region.has_value()) << "quarter " << i;
    quarters.push_back(*region);
  }
  EXPECT_FALSE(hal->dma_alloc(4, 4).has_value());
  // Quarters 1 and 3 free but apart: nothing larger than a quarter fits.
  hal->dma_free(quarters[1]);
  hal->dma_free(quarters[3]);
  EXPECT_FALSE(hal->dma_alloc(kQuarter + 4, 4).has_value());
  // Freeing 2 joins it with both neighbours: three quarters in one piece.
  hal->dma_free(quarters[2]);
  const auto three_quarters = hal->dma_alloc(3 * kQuarter, 4);
  ASSERT_TRUE(three_quarters.has_value());
  EXPECT_EQ(three_quarters->bus, quarters[1].bus);
  hal->dma_free(*three_quarters);
  hal->dma_free(quarters[0]);
  const auto whole = hal->dma_alloc(kBufferBytes, 4);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->bus, kBase);
}

TEST(UioHalDma, AlignmentPaddingIsReturnedOnFree) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  const auto small = hal->dma_alloc(4, 4);
  const auto aligned = hal->dma_alloc(4096, 4096);  // leaves padding after `small`
  ASSERT_TRUE(small && aligned);
  EXPECT_EQ(aligned->bus, kBase + 4096);
  hal->dma_free(*aligned);
  hal->dma_free(*small);
  EXPECT_TRUE(hal->dma_alloc(kBufferBytes, 1).has_value());
}

TEST(UioHalDma, FreeingARegionTwiceIsRejected) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  const auto region = hal->dma_alloc(64, 16);
  ASSERT_TRUE(region.has_value());
  hal->dma_free(*region);
  EXPECT_THROW(hal->dma_free(*region), std::invalid_argument);
  DmaRegion outside{region->cpu, kBase + kBufferBytes, 4};
  EXPECT_THROW(hal->dma_free(outside), std::invalid_argument);
}

TEST(UioHalDma, BadAlignmentOrZeroBytesIsRejected) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  EXPECT_THROW(hal->dma_alloc(16, 3), std::invalid_argument);
  EXPECT_THROW(hal->dma_alloc(16, 0), std::invalid_argument);
  EXPECT_THROW(hal->dma_alloc(0, 4), std::invalid_argument);
}

}  // namespace
}  // namespace ohci::tb
