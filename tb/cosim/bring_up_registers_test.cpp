// What an OS driver's probe and bus-reset path need beyond the isochronous contexts (Linux's
// firewire-ohci, ../shared/reference/linux-qemu-bridge.md 2.1): PHY register access through
// PhyControl (OHCI 1.1 5.12), the self-ID receive DMA into the SelfIDBuffer (OHCI 1.1 11), the
// bus-management CSR compare-swap, the write-once GUID and the storage registers.
#include <span>

#include "bus_fixture.hpp"
#include "cosim_fixture.hpp"
#include "ohci/self_id.hpp"

namespace ohci::tb {
namespace {

using PhyControl = CosimTest;

TEST_F(PhyControl, AReadReturnsThePhysRegisterWithRdDoneAndItsAddress) {
  bring_up();
  auto extended = controller_.read_phy_register(2);
  ASSERT_TRUE(extended.ok()) << fw::to_string(extended.status());
  EXPECT_EQ(extended.value(), 0xE3u) << "1394a: Extended = 7, three ports";
  const std::uint32_t value = hal_.read32(regs::kPhyControl);
  EXPECT_EQ(regs::phy_control::kRdDone.get(value), 1u);
  EXPECT_EQ(regs::phy_control::kRdAddr.get(value), 2u);
  EXPECT_EQ(regs::phy_control::kRdReg.get(value), 0u) << "cleared once the request was sent";
  auto gap = controller_.read_phy_register(1);
  ASSERT_TRUE(gap.ok());
  EXPECT_EQ(gap.value(), 63u) << "the power-on gap count";
  const auto& requests = node_.phy().link_requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[requests.size() - 2].type, sim::LreqType::RdReg);
  EXPECT_EQ(requests[requests.size() - 2].address, 2u);
  EXPECT_EQ(requests.back().address, 1u);
  EXPECT_TRUE(node_.phy().violations().empty());
}

TEST_F(PhyControl, RdDoneIsClearFromTheReadRequestUntilThePhyAnswers) {
  bring_up();
  hal_.write32(regs::kPhyControl, regs::phy_control::kRdReg.mask() | 3u << 8);
  // The very next read comes 3 clk later: the 9-bit RdReg alone takes longer than that.
  EXPECT_EQ(regs::phy_control::kRdDone.get(hal_.read32(regs::kPhyControl)), 0u);
  ASSERT_EQ(fw::Status::Success, [&] {
    for (int reads = 0; reads < 20; ++reads)
      if (regs::phy_control::kRdDone.get(hal_.read32(regs::kPhyControl))) {
        return fw::Status::Success;
      }
    return fw::Status::Timeout;
  }());
  EXPECT_EQ(regs::phy_control::kRdData.get(hal_.read32(regs::kPhyControl)), 0x40u)
      << "register 3: Max_speed S400";
  EXPECT_NE(hal_.read32(regs::kIntEventSet) & regs::int_event::kPhyRegRcvd.mask(), 0u);
}

TEST_F(PhyControl, AWriteGoesOutAsWrRegAndWrRegClears) {
  bring_up();
  ASSERT_EQ(controller_.write_phy_register(4, 0xC0), fw::Status::Success);
  EXPECT_EQ(regs::phy_control::kWrReg.get(hal_.read32(regs::kPhyControl)), 0u);
  EXPECT_EQ(node_.phy().registers().read(4), 0xC0u) << "Link_active and Contender";
  const sim::LinkRequest& request = node_.phy().link_requests().back();
  EXPECT_EQ(request.type, sim::LreqType::WrReg);
  EXPECT_EQ(request.address, 4u);
  EXPECT_EQ(request.data, 0xC0u);
  auto back = controller_.read_phy_register(4);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), 0xC0u);
}

TEST_F(PhyControl, PhyRegistersAreReachableWithLpsBeforeLinkEnable) {
  // As Linux's probe: LPS, then the PHY, and linkEnable only later.
  ASSERT_EQ(controller_.soft_reset(), fw::Status::Success);
  ASSERT_EQ(controller_.set_link_power(), fw::Status::Success);
  auto extended = controller_.read_phy_register(2);
  ASSERT_TRUE(extended.ok()) << fw::to_string(extended.status());
  EXPECT_EQ(extended.value(), 0xE3u);
}

TEST_F(PhyControl, WithoutLpsTheRequestIsNeverSentAndTheReadTimesOut) {
  ASSERT_EQ(controller_.soft_reset(), fw::Status::Success);
  EXPECT_EQ(controller_.read_phy_register(2, 20).status(), fw::Status::Timeout);
  EXPECT_TRUE(node_.phy().link_requests().empty());
}

TEST_F(PhyControl, WritingIsbrResetsTheBusAndRaisesBusResetAndSelfIdComplete) {
  bring_up();
  ASSERT_EQ(controller_.write_phy_register(5, 0x40), fw::Status::Success);
  world_.run(3 + world_.bus().config().bus_reset_cycles + world_.bus().self_id_phase_cycles() + 9 +
             8);
  EXPECT_EQ(world_.bus().stats().bus_resets, 1u);
  EXPECT_EQ(node_.phy().bus_resets_requested(), 1u);
  const std::uint32_t events = hal_.read32(regs::kIntEventSet);
  EXPECT_NE(events & regs::int_event::kBusReset.mask(), 0u);
  EXPECT_NE(events & regs::int_event::kSelfIdComplete.mask(), 0u);
}

// Two nodes; both store their self-IDs.
class SelfIdReceive : public BusTest {
 protected:
  static constexpr std::uint32_t kBufferBytes = 2048;

  void SetUp() override {
    BusTest::SetUp();
    bring_up_all();
    for (std::size_t node = 0; node < 2; ++node) {
      buffers_.push_back(allocate(node, kBufferBytes, kBufferBytes));
      ASSERT_EQ(buffers_.back().fill(0, kBufferBytes, std::byte{0xEE}), fw::Status::Success);
    }
  }
  void enable(std::size_t node) {
    station(node).hal.write32(regs::kSelfIdBuffer, buffers_[node].bus_address());
    station(node).hal.write32(regs::kLinkControlSet, regs::link_control::kRcvSelfId.mask());
  }
  // The reset starts at the first cycle the bus is free (a cycle start may be on it); from
  // then to the last register 0 status, plus the header write, with margin.
  void reset_and_wait() {
    const std::uint64_t before = world_.bus().stats().bus_resets;
    world_.bus().request_bus_reset();
    ASSERT_TRUE(
        world_.run_until([&] { return world_.bus().stats().bus_resets > before; }, kClkPerCycle));
    const sim::BusConfig& config = world_.bus().config();
    world_.run(3 + config.bus_reset_cycles + world_.bus().self_id_phase_cycles() + 2 * 9 + 16);
  }
  std::uint32_t quadlet(std::size_t node, std::size_t index) {
    return buffers_[node].read_quadlet(4 * index).value();
  }

  std::vector<fw::DmaBuffer> buffers_;
};

// Self-ID packet 0 as sim/bus.hpp's star topology makes it: 10b, phy_ID, L = 1 (the PHY's
// power-on LCtrl), gap count 63, S400, C = 0, power class 0, ports p0-p2, i = 0, m = 0.
constexpr std::uint32_t self_id(std::uint32_t phy_id, std::uint32_t port0) {
  return 0x8000'0000u | phy_id << 24 | 1u << 22 | 63u << 16 | 2u << 14 | port0 << 6 | 1u << 4 |
         1u << 2;
}

TEST_F(SelfIdReceive, EveryNodesSelfIdAndItsInverseLandInTheBufferAfterTheHeader) {
  enable(0);
  enable(1);
  reset_and_wait();
  const std::uint32_t leaf = self_id(0, 0b10), root = self_id(1, 0b11);
  for (std::size_t node = 0; node < 2; ++node) {
    const std::uint32_t count = station(node).hal.read32(regs::kSelfIdCount);
    EXPECT_EQ(regs::self_id_count::kSelfIdSize.get(count), 5u) << "header + 2 pairs";
    EXPECT_EQ(regs::self_id_count::kSelfIdGeneration.get(count), 1u);
    EXPECT_EQ(regs::self_id_count::kSelfIdError.get(count), 0u);
    EXPECT_EQ(quadlet(node, 0) >> 16, 1u) << "the header's selfIDGeneration";
    EXPECT_EQ(quadlet(node, 1), leaf) << "Physical_ID 0 first: node 1";
    EXPECT_EQ(quadlet(node, 2), ~leaf);
    EXPECT_EQ(quadlet(node, 3), root);
    EXPECT_EQ(quadlet(node, 4), ~root);
    EXPECT_EQ(quadlet(node, 5), 0xEEEE'EEEEu) << "nothing past selfIDSize";
    const std::uint32_t events = station(node).hal.read32(regs::kIntEventSet);
    EXPECT_NE(events & regs::int_event::kSelfIdComplete.mask(), 0u);
  }
}

TEST_F(SelfIdReceive, TheFirmwareDecodesNodeCountRootAndGapCount) {
  enable(1);
  reset_and_wait();
  std::vector<std::uint32_t> words(16);
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = quadlet(1, i);
  auto ids = fw::parse_self_ids(words, station(1).hal.read32(regs::kSelfIdCount));
  ASSERT_TRUE(ids.ok()) << fw::to_string(ids.status());
  EXPECT_EQ(ids.value().node_count(), 2u);
  EXPECT_EQ(ids.value().root_phy_id(), 1u);
  EXPECT_EQ(ids.value().gap_count(), 63u);
  EXPECT_EQ(ids.value().generation, 1u);
  EXPECT_EQ(ids.value().nodes[1].ports[0], 3u) << "the root's port 0 leads to its child";
  EXPECT_EQ(ids.value().nodes[0].ports[0], 2u) << "the leaf's port 0 to its parent";
}

TEST_F(SelfIdReceive, PhyRegister4sLinkActiveAndContenderBitsAppearInTheNodesSelfId) {
  enable(1);
  // Node 1's firmware clears Link_active and sets Contender, as a driver may.
  ASSERT_EQ(station(1).controller.write_phy_register(4, 0x40), fw::Status::Success);
  reset_and_wait();
  const std::uint32_t leaf = quadlet(1, 1);
  EXPECT_EQ((leaf >> 22) & 1u, 0u) << "L from reg 4 bit 7";
  EXPECT_EQ((leaf >> 11) & 1u, 1u) << "C from reg 4 bit 6";
  EXPECT_EQ(quadlet(1, 3), self_id(1, 0b11)) << "the root's own bits unchanged";
}

TEST_F(SelfIdReceive, WithoutRcvSelfIdNothingIsWrittenAndSelfIdSizeIsZero) {
  station(0).hal.write32(regs::kSelfIdBuffer, buffers_[0].bus_address());
  reset_and_wait();
  const std::uint32_t count = station(0).hal.read32(regs::kSelfIdCount);
  EXPECT_EQ(regs::self_id_count::kSelfIdSize.get(count), 0u);
  EXPECT_EQ(regs::self_id_count::kSelfIdGeneration.get(count), 1u);
  EXPECT_EQ(quadlet(0, 0), 0xEEEE'EEEEu);
  EXPECT_NE(station(0).hal.read32(regs::kIntEventSet) & regs::int_event::kSelfIdComplete.mask(),
            0u);
}

TEST_F(SelfIdReceive, TheSelfIdBufferKeepsOnly2KiBAlignedAddresses) {
  station(0).hal.write32(regs::kSelfIdBuffer, 0x1234'5FFFu);
  EXPECT_EQ(station(0).hal.read32(regs::kSelfIdBuffer), 0x1234'5800u);
}

using ConfigRegisters = CosimTest;

TEST_F(ConfigRegisters, TheGuidTakesOneWriteAfterPowerOnAndKeepsItThroughSoftReset) {
  EXPECT_EQ(hal_.read32(regs::kGuidHi), 0u) << "no GUID ROM: 0 until platform firmware writes it";
  hal_.write32(regs::kGuidHi, 0x0011'2233u);
  hal_.write32(regs::kGuidLo, 0x4455'6677u);
  hal_.write32(regs::kGuidHi, 0xFFFF'FFFFu);  // a second write is ignored
  EXPECT_EQ(hal_.read32(regs::kGuidHi), 0x0011'2233u);
  EXPECT_EQ(hal_.read32(regs::kGuidLo), 0x4455'6677u);
  ASSERT_EQ(controller_.soft_reset(), fw::Status::Success);
  EXPECT_EQ(hal_.read32(regs::kGuidHi), 0x0011'2233u);
}

TEST_F(ConfigRegisters, BusOptionsReportsS400AndMaxRec2048AndStoresTheRest) {
  EXPECT_EQ(hal_.read32(regs::kBusOptions), regs::bus_options::kReset);
  EXPECT_EQ(regs::bus_options::kLnkSpd.get(hal_.read32(regs::kBusOptions)), 2u);
  EXPECT_EQ(regs::bus_options::kMaxRec.get(hal_.read32(regs::kBusOptions)), 0xAu);
  hal_.write32(regs::kBusOptions, 0xFFFF'FFF8u);  // Lnk_spd written 0: it stays S400
  EXPECT_EQ(hal_.read32(regs::kBusOptions), 0xF8FF'F0C2u) << "irmc..pmc, cyc_clk_acc, max_rec, g";
  EXPECT_EQ(hal_.read32(regs::kBusId), 0x3133'3934u) << "\"1394\"";
}

TEST_F(ConfigRegisters, StorageRegistersHoldTheirWritableBits) {
  EXPECT_EQ(hal_.read32(regs::kInitialBandwidthAvailable), 0x1333u);
  EXPECT_EQ(hal_.read32(regs::kInitialChannelsAvailableHi), 0xFFFF'FFFFu);
  hal_.write32(regs::kAtRetries, 0x00C8'082Fu);
  EXPECT_EQ(hal_.read32(regs::kAtRetries), 0x00C8'082Fu);
  hal_.write32(regs::kFairnessControl, 0xFFu);
  EXPECT_EQ(hal_.read32(regs::kFairnessControl), 0x3Fu);
  hal_.write32(regs::kConfigRomMap, 0x1234'5678u);
  EXPECT_EQ(hal_.read32(regs::kConfigRomMap), 0x1234'5400u) << "1 KiB aligned";
  hal_.write32(regs::kPhyUpperBound, 0x0001'0000u);
  EXPECT_EQ(hal_.read32(regs::kPhyUpperBound), 0x0001'0000u);
  hal_.write32(regs::kAsReqFilterHiSet, 0x8000'0001u);
  hal_.write32(regs::kAsReqFilterHiClear, 0x0000'0001u);
  EXPECT_EQ(hal_.read32(regs::kAsReqFilterHiClear), 0x8000'0000u);
}

TEST_F(ConfigRegisters, AsynchronousContextsStoreRunAndWakeButNeverBecomeActive) {
  hal_.write32(regs::kArRequestCommandPtr, 0x0010'0001u);
  hal_.write32(regs::kArRequestContextControlSet, 0x0000'9000u);  // run | wake
  world_.run(100);
  EXPECT_EQ(hal_.read32(regs::kArRequestContextControlSet), 0x0000'9000u) << "active stays 0";
  EXPECT_EQ(hal_.read32(regs::kArRequestCommandPtr), 0x0010'0001u);
  hal_.write32(regs::kArRequestContextControlClear, 0x0000'8000u);
  EXPECT_EQ(hal_.read32(regs::kArRequestContextControlSet), 0x0000'1000u);
  EXPECT_EQ(hal_.read32(regs::kAtRequestContextControlSet), 0u) << "the other blocks untouched";
}

TEST_F(ConfigRegisters, ABusManagerIdCompareSwapReturnsTheOldValueAndSwapsOnlyOnAMatch) {
  auto swap = [&](std::uint32_t sel, std::uint32_t compare, std::uint32_t data) {
    hal_.write32(regs::kCsrReadData, data);
    hal_.write32(regs::kCsrCompareData, compare);
    hal_.write32(regs::kCsrControl, sel);
    EXPECT_EQ(regs::csr_control::kCsrDone.get(hal_.read32(regs::kCsrControl)), 1u);
    return hal_.read32(regs::kCsrReadData);
  };
  EXPECT_EQ(swap(0, 0x3F, 0x01), 0x3Fu) << "BUS_MANAGER_ID was 0x3F: node 1 became manager";
  EXPECT_EQ(swap(0, 0x3F, 0x02), 0x01u) << "no match: unchanged, the old value returned";
  EXPECT_EQ(swap(1, 0x1333, 0x1000), 0x1333u) << "BANDWIDTH_AVAILABLE from its initial value";
  EXPECT_EQ(swap(2, 0xFFFF'FFFF, 0xFFFF'FFFE), 0xFFFF'FFFFu);
  EXPECT_EQ(swap(2, 0, 0), 0xFFFF'FFFEu);
}

TEST_F(ConfigRegisters, ABusResetPutsTheBusManagementCsrsBack) {
  bring_up();
  hal_.write32(regs::kCsrReadData, 0x05);
  hal_.write32(regs::kCsrCompareData, 0x3F);
  hal_.write32(regs::kCsrControl, 0);
  hal_.write32(regs::kInitialBandwidthAvailable, 0x0100);
  world_.bus().request_bus_reset();
  world_.run(3 + world_.bus().config().bus_reset_cycles + world_.bus().self_id_phase_cycles() + 9 +
             8);
  hal_.write32(regs::kCsrCompareData, 0);
  hal_.write32(regs::kCsrControl, 0);
  EXPECT_EQ(hal_.read32(regs::kCsrReadData), 0x3Fu);
  hal_.write32(regs::kCsrControl, 1);
  EXPECT_EQ(hal_.read32(regs::kCsrReadData), 0x0100u) << "from InitialBandwidthAvailable";
}

}  // namespace
}  // namespace ohci::tb
