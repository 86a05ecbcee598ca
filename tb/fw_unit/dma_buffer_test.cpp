#include "ohci/dma_buffer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>

#include "fake_hal.hpp"

namespace ohci::fw {
namespace {

using test::FakeHal;

TEST(DmaBuffer, AllocatesAlignedMemoryAndFreesItOnDestruction) {
  FakeHal hal;
  {
    Result<DmaBuffer> buffer = DmaBuffer::allocate(hal, 100, 64);
    ASSERT_TRUE(buffer.ok());
    EXPECT_FALSE(buffer->empty());
    EXPECT_EQ(buffer->size(), 100u);
    EXPECT_EQ(buffer->bus_address() % 64, 0u);
    EXPECT_TRUE(hal.freed.empty());
  }
  ASSERT_EQ(hal.freed.size(), 1u);
  EXPECT_EQ(hal.freed[0].size, 100u);
}

TEST(DmaBuffer, MovingTransfersOwnershipSoItIsFreedOnce) {
  FakeHal hal;
  DmaBuffer outer;
  EXPECT_TRUE(outer.empty());
  {
    DmaBuffer first = std::move(*DmaBuffer::allocate(hal, 32));
    const std::uint32_t bus = first.bus_address();
    DmaBuffer second(std::move(first));
    EXPECT_TRUE(first.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    outer = std::move(second);
    EXPECT_EQ(outer.bus_address(), bus);
  }
  EXPECT_TRUE(hal.freed.empty());
  outer = DmaBuffer();  // move-assigning over an owner frees what it held
  EXPECT_EQ(hal.freed.size(), 1u);
  outer.reset();
  EXPECT_EQ(hal.freed.size(), 1u);
}

TEST(DmaBuffer, RejectsBadRequestsAndReportsExhaustion) {
  FakeHal hal;
  EXPECT_EQ(DmaBuffer::allocate(hal, 0).status(), Status::InvalidParameter);
  EXPECT_EQ(DmaBuffer::allocate(hal, 16, 3).status(), Status::InvalidParameter);
  EXPECT_EQ(DmaBuffer::allocate(hal, FakeHal::kMemoryBytes + 1).status(),
            Status::InsufficientResources);
  hal.fail_allocations = true;
  EXPECT_EQ(DmaBuffer::allocate(hal, 16).status(), Status::InsufficientResources);
}

TEST(DmaBuffer, RefusesARegionTheHalMisaligned) {
  FakeHal hal;
  hal.misalign_by = 4;
  EXPECT_EQ(DmaBuffer::allocate(hal, 64, 16).status(), Status::DeviceError);
  EXPECT_EQ(hal.freed.size(), 1u);  // handed straight back
}

TEST(DmaBuffer, QuadletsAreLittleEndian) {
  FakeHal hal;
  DmaBuffer buffer = std::move(*DmaBuffer::allocate(hal, 16));
  ASSERT_EQ(buffer.write_quadlet(4, 0x11223344), Status::Success);
  std::array<std::byte, 4> raw{};
  ASSERT_EQ(buffer.read_bytes(4, raw), Status::Success);
  EXPECT_EQ(raw, (std::array{std::byte{0x44}, std::byte{0x33}, std::byte{0x22}, std::byte{0x11}}));
  EXPECT_EQ(*buffer.read_quadlet(4), 0x11223344u);
  EXPECT_EQ(hal.memory_quadlet(buffer.bus_address() + 4), 0x11223344u);
}

TEST(DmaBuffer, AccessorsCheckBoundsAndAlignment) {
  FakeHal hal;
  DmaBuffer buffer = std::move(*DmaBuffer::allocate(hal, 16));
  EXPECT_EQ(buffer.write_quadlet(12, 1), Status::Success);
  EXPECT_EQ(buffer.write_quadlet(16, 1), Status::InvalidParameter);
  EXPECT_EQ(buffer.write_quadlet(2, 1), Status::InvalidParameter);
  EXPECT_EQ(buffer.write_quadlet(SIZE_MAX - 1, 1), Status::InvalidParameter);
  EXPECT_EQ(buffer.read_quadlet(14).status(), Status::InvalidParameter);

  const std::array<std::byte, 4> bytes{};
  EXPECT_EQ(buffer.write_bytes(12, bytes), Status::Success);
  EXPECT_EQ(buffer.write_bytes(13, bytes), Status::InvalidParameter);
  EXPECT_EQ(buffer.fill(0, 17, std::byte{0}), Status::InvalidParameter);
  EXPECT_EQ(buffer.fill(0, 16, std::byte{0xAB}), Status::Success);
  EXPECT_EQ(*buffer.read_quadlet(0), 0xABABABABu);

  EXPECT_EQ(*buffer.bus_address_of(15), buffer.bus_address() + 15);
  EXPECT_EQ(buffer.bus_address_of(16).status(), Status::InvalidParameter);

  DmaBuffer empty;
  EXPECT_EQ(empty.read_quadlet(0).status(), Status::InvalidParameter);
  EXPECT_EQ(empty.bus_address_of(0).status(), Status::InvalidParameter);
}

TEST(StatusCodes, HaveReadableNames) {
  EXPECT_EQ(to_string(Status::Success), "Success");
  EXPECT_EQ(to_string(Status::MoreProcessingRequired), "MoreProcessingRequired");
  EXPECT_EQ(to_string(Status::Timeout), "Timeout");
  EXPECT_EQ(to_string(static_cast<Status>(999)), "UnknownStatus");
  EXPECT_TRUE(succeeded(Status::Success));
  EXPECT_FALSE(succeeded(Status::Pending));
  // A Result never claims success without a value.
  EXPECT_EQ(Result<int>(Status::Success).status(), Status::DeviceError);
  EXPECT_FALSE(Result<int>(Status::Success).ok());
}

}  // namespace
}  // namespace ohci::fw
