// parse_self_ids: the SelfIDBuffer as the controller leaves it (header quadlet, then each
// self-ID quadlet and its inverse; docs/decisions.md 35) decoded per IEEE 1394a 4.3.4.1.
#include "ohci/self_id.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using fw::Status;

// Self-ID packet 0: 10b, phy_ID, L, gap count, speed, C, power class, p0-p2, i, m.
std::uint32_t self_id(std::uint32_t phy, std::uint32_t gap, std::uint32_t p0, bool more = false) {
  return 0x8000'0000u | phy << 24 | 1u << 22 | gap << 16 | 2u << 14 | 1u << 11 | p0 << 6 | 1u << 4 |
         1u << 2 | (more ? 1u : 0u);
}

// The buffer and the SelfIDCount value for `ids` in generation `generation`.
struct Phase {
  std::vector<std::uint32_t> buffer;
  std::uint32_t count = 0;
};
Phase phase(const std::vector<std::uint32_t>& ids, std::uint32_t generation = 3) {
  Phase p;
  p.buffer.push_back(generation << 16 | 0x1234u);
  for (std::uint32_t id : ids) {
    p.buffer.push_back(id);
    p.buffer.push_back(~id);
  }
  p.count = generation << 16 | static_cast<std::uint32_t>(p.buffer.size()) << 2;
  return p;
}

TEST(SelfIds, NodeCountRootGapCountAndEachNodesFieldsAreDecoded) {
  const Phase p = phase({self_id(0, 5, 0b10), self_id(1, 5, 0b11)});
  auto ids = fw::parse_self_ids(p.buffer, p.count);
  ASSERT_TRUE(ids.ok()) << fw::to_string(ids.status());
  EXPECT_EQ(ids.value().node_count(), 2u);
  EXPECT_EQ(ids.value().root_phy_id(), 1u);
  EXPECT_EQ(ids.value().gap_count(), 5u);
  EXPECT_EQ(ids.value().generation, 3u);
  EXPECT_EQ(ids.value().time_stamp, 0x1234u);
  const fw::SelfId& root = ids.value().nodes[1];
  EXPECT_TRUE(root.link_active);
  EXPECT_TRUE(root.contender);
  EXPECT_EQ(root.speed, 2u);
  EXPECT_EQ(root.ports, (std::vector<std::uint8_t>{3, 1, 1}));
}

TEST(SelfIds, DifferingGapCountsReadAsZero) {
  const Phase p = phase({self_id(0, 5, 0b10), self_id(1, 63, 0b11)});
  EXPECT_EQ(fw::parse_self_ids(p.buffer, p.count).value().gap_count(), 0u);
}

TEST(SelfIds, ExtendedPacketsAddPortsToTheirNode) {
  const std::uint32_t extended = 0x8000'0000u | 0u << 24 | 1u << 23 | 0u << 20 | 3u << 16;
  const Phase p = phase({self_id(0, 63, 0b11, true), extended});
  auto ids = fw::parse_self_ids(p.buffer, p.count);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids.value().nodes.size(), 1u);
  EXPECT_EQ(ids.value().nodes[0].ports.size(), 11u);
  EXPECT_EQ(ids.value().nodes[0].ports[3], 3u) << "port 3 from the extended packet's pa";
}

TEST(SelfIds, AQuadletNotFollowedByItsInverseIsADeviceError) {
  Phase p = phase({self_id(0, 63, 0b10), self_id(1, 63, 0b11)});
  p.buffer[4] ^= 1u;
  EXPECT_EQ(fw::parse_self_ids(p.buffer, p.count).status(), Status::DeviceError);
}

TEST(SelfIds, ANewerGenerationInSelfIdCountMeansAnotherResetAndIsADeviceError) {
  Phase p = phase({self_id(0, 63, 0b10)});
  p.count += 1u << 16;
  EXPECT_EQ(fw::parse_self_ids(p.buffer, p.count).status(), Status::DeviceError);
}

TEST(SelfIds, SelfIdErrorOrNoSelfIdAtAllIsADeviceError) {
  Phase p = phase({self_id(0, 63, 0b10)});
  EXPECT_EQ(
      fw::parse_self_ids(p.buffer, p.count | regs::self_id_count::kSelfIdError.mask()).status(),
      Status::DeviceError);
  const Phase empty = phase({});
  EXPECT_EQ(fw::parse_self_ids(empty.buffer, empty.count).status(), Status::DeviceError);
}

TEST(SelfIds, PhysicalIdsOutOfOrderAreADeviceError) {
  const Phase p = phase({self_id(1, 63, 0b10), self_id(0, 63, 0b11)});
  EXPECT_EQ(fw::parse_self_ids(p.buffer, p.count).status(), Status::DeviceError);
}

TEST(SelfIds, ASizeBeyondTheBufferGivenIsBufferTooSmall) {
  const Phase p = phase({self_id(0, 63, 0b10), self_id(1, 63, 0b11)});
  const std::vector<std::uint32_t> short_buffer(p.buffer.begin(), p.buffer.begin() + 3);
  EXPECT_EQ(fw::parse_self_ids(short_buffer, p.count).status(), Status::BufferTooSmall);
}

}  // namespace
}  // namespace ohci::tb
