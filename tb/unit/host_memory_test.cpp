// HostMemory: byte order, range checks and the DMA allocator.
#include "host_memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace ohci::tb {
namespace {

using sim::HostMemory;

TEST(HostMemory, DefaultsToSixteenMebibytesAtBusAddressZero) {
  const HostMemory memory;
  EXPECT_EQ(memory.base(), 0u);
  EXPECT_EQ(memory.size(), 16u * 1024 * 1024);
}

TEST(HostMemory, QuadletsAreLittleEndianOverWireOrderBytes) {
  HostMemory memory(0, 0x1000);
  memory.write32(0x100, 0x1122'3344u);
  EXPECT_EQ(memory.read_bytes(0x100, 4), (std::vector<std::uint8_t>{0x44, 0x33, 0x22, 0x11}));
  const std::vector<std::uint8_t> wire{0xDE, 0xAD, 0xBE, 0xEF};
  memory.write_bytes(0x200, wire);
  EXPECT_EQ(memory.read32(0x200), 0xEFBE'ADDEu);
  EXPECT_EQ(memory.read8(0x201), 0xAD);
}

TEST(HostMemory, CpuPointerSeesTheSameBytesAsTheBus) {
  HostMemory memory(0x8000'0000u, 0x1000);
  std::byte* cpu = memory.cpu_pointer(0x8000'0010u);
  cpu[0] = std::byte{0x5A};
  EXPECT_EQ(memory.read8(0x8000'0010u), 0x5A);
  memory.write8(0x8000'0011u, 0xA5);
  EXPECT_EQ(cpu[1], std::byte{0xA5});
  EXPECT_EQ(memory.bytes_from(0x8000'0010u), 0x1000u - 0x10u);
}

TEST(HostMemory, AccessOutsideTheMemoryThrowsOutOfRange) {
  HostMemory memory(0x1000, 0x100);
  EXPECT_THROW(memory.read32(0x10FE), std::out_of_range);  // straddles the end
  EXPECT_THROW(memory.read8(0x0FFF), std::out_of_range);   // below the base
  EXPECT_THROW(memory.write32(0x1100, 0), std::out_of_range);
  EXPECT_THROW(memory.read_bytes(0x1080, 0x81), std::out_of_range);
  EXPECT_THROW(memory.write_bytes(0xFFFF'FFFEu, std::vector<std::uint8_t>(4)), std::out_of_range);
  EXPECT_THROW(memory.cpu_pointer(0x1101), std::out_of_range);
  EXPECT_NO_THROW(memory.read32(0x10FC));
  EXPECT_FALSE(memory.contains(0xFFFF'FFFFu, 2));  // no 32-bit wrap-around
}

TEST(HostMemory, RejectsAMemoryThatDoesNotFitTheBus) {
  EXPECT_THROW(HostMemory(0, 0), std::invalid_argument);
  EXPECT_THROW(HostMemory(0xFFFF'F000u, 0x2000), std::invalid_argument);
}

TEST(HostMemory, AllocateAlignsZeroesAndNeverOverlaps) {
  HostMemory memory(0, 0x10000);
  memory.write32(0x100, 0xFFFF'FFFFu);
  const auto first = memory.allocate(10, 16);
  const auto second = memory.allocate(0x100, 0x100);
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, 0u) << "bus address 0 means none";
  EXPECT_EQ(*first % 16, 0u);
  EXPECT_EQ(*second % 0x100, 0u);
  EXPECT_TRUE(*first + 10 <= *second || *second + 0x100 <= *first);
  for (std::uint32_t i = 0; i < 0x100; ++i) ASSERT_EQ(memory.read8(*second + i), 0) << i;
}

TEST(HostMemory, ReleasedBlockIsReusedFirstFit) {
  HostMemory memory(0, 0x10000);
  const auto a = memory.allocate(64, 64);
  const auto b = memory.allocate(64, 64);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(memory.release(*a));
  EXPECT_EQ(memory.allocate(32, 64), a);
  EXPECT_EQ(memory.allocated_blocks(), 2u);
}

TEST(HostMemory, AllocateFailsCleanlyOnBadArgumentsOrWhenFull) {
  HostMemory memory(0, 0x1000);
  EXPECT_FALSE(memory.allocate(0, 4));
  EXPECT_FALSE(memory.allocate(16, 0));
  EXPECT_FALSE(memory.allocate(16, 12));  // not a power of two
  EXPECT_FALSE(memory.allocate(0x1000, 4)) << "address 0 is reserved, so 4 KiB cannot fit";
  EXPECT_TRUE(memory.allocate(0x800, 0x800));
  EXPECT_FALSE(memory.allocate(0x801, 4));
}

TEST(HostMemory, ReleaseOfAnUnknownAddressReportsFalse) {
  HostMemory memory(0, 0x1000);
  const auto block = memory.allocate(16, 16);
  ASSERT_TRUE(block);
  EXPECT_FALSE(memory.release(*block + 4));
  EXPECT_TRUE(memory.release(*block));
  EXPECT_FALSE(memory.release(*block)) << "double free";
}

}  // namespace
}  // namespace ohci::tb
