// OhciPciDevice on a Verilated ohci_core, driven with the messages QEMU's proxy sends: config
// space, BAR accesses turned into AXI4-Lite transactions, the core's DMA into a memfd standing
// for guest RAM (the self-ID receive DMA of a bus reset), and the irq eventfd.
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "Vohci_core.h"
#include "ohci/regmap.hpp"
#include "ohci_pci_device.hpp"

namespace ohci::tb {
namespace {

using namespace sim::qemu;

constexpr std::uint32_t kBar0 = 0xFEBF'F000u;
constexpr std::uint32_t kRamBytes = 1u << 20;
constexpr std::uint32_t kSelfIdBuffer = 0x4'0000u;  // a 2 KiB-aligned guest-physical address

class PciDevice : public ::testing::Test {
 protected:
  PciDevice() : node_(world_.add_node("guest", config())), device_(world_, node_, memory_) {
    world_.reset();
    UniqueFd fd(::memfd_create("guest-ram", MFD_CLOEXEC));
    EXPECT_EQ(::ftruncate(fd.get(), kRamBytes), 0);
    void* view = ::mmap(nullptr, kRamBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    EXPECT_NE(view, MAP_FAILED);
    ram_ = static_cast<std::uint8_t*>(view);
    std::vector<UniqueFd> fds;
    fds.push_back(std::move(fd));
    device_.handle(encode_sysmem({{0, kRamBytes, 0}}, std::move(fds)));
    // As the guest's PCI code: BAR0, then memory decoding and bus mastering.
    config_write(0x10, kBar0, 4);
    config_write(0x04, 0x0006, 2);
  }
  ~PciDevice() override { ::munmap(ram_, kRamBytes); }

  sim::NodeConfig config() {
    sim::NodeConfig node;
    node.dma_memory = &memory_;
    node.memory_size = 64u << 10;
    return node;
  }
  void config_write(std::uint32_t address, std::uint32_t value, int length) {
    device_.handle(encode_config(Command::PciConfigWrite,
                                 {.address = address, .value = value, .length = length}));
  }
  std::uint64_t bar_read(std::uint32_t offset, std::uint32_t size = 4) {
    return *device_.handle(encode_bar(
        Command::BarRead, {.address = kBar0 + offset, .value = 0, .size = size, .memory = true}));
  }
  void bar_write(std::uint32_t offset, std::uint64_t value, std::uint32_t size = 4) {
    device_.handle(
        encode_bar(Command::BarWrite,
                   {.address = kBar0 + offset, .value = value, .size = size, .memory = true}));
  }
  std::uint32_t ram32(std::uint32_t address) const {
    std::uint32_t value;
    std::memcpy(&value, ram_ + address, 4);
    return value;
  }

  GuestMemory memory_;  // before the world: the node's DMA port refers to it
  sim::World world_;
  sim::Node& node_;
  OhciPciDevice device_;
  std::uint8_t* ram_ = nullptr;
};

TEST_F(PciDevice, ABarReadIsARegisterReadOfTheWindowAndCostsItsClkCycles) {
  const std::uint64_t before = world_.cycle();
  EXPECT_EQ(bar_read(regs::kVersion), 0x0001'0010u);
  EXPECT_GE(world_.cycle() - before, 3u) << "a real AXI4-Lite transaction";
  EXPECT_EQ(device_.counters().bar_reads, 1u);
}

TEST_F(PciDevice, SubQuadletReadsReturnTheirBytesAndEightByteReadsTwoQuadlets) {
  EXPECT_EQ(bar_read(regs::kVersion + 2, 1), 0x01u) << "Version bits 23:16";
  EXPECT_EQ(bar_read(regs::kVersion, 2), 0x0010u);
  bar_write(regs::kGuidHi, 0x0011'2233u);
  bar_write(regs::kGuidLo, 0x4455'6677u);
  EXPECT_EQ(bar_read(regs::kGuidHi, 8), 0x4455'6677'0011'2233ull) << "low quadlet first";
}

TEST_F(PciDevice, AByteWriteChangesOnlyItsByteLane) {
  bar_write(regs::kConfigRomHdr, 0x1122'3344u);
  bar_write(regs::kConfigRomHdr + 1, 0xAB, 1);
  EXPECT_EQ(bar_read(regs::kConfigRomHdr), 0x1122'AB44u);
}

TEST_F(PciDevice, AccessesOutsideTheWindowOrWithDecodingOffReadAllOnesAndAreCounted) {
  EXPECT_EQ(bar_read(0x800), 0xFFFF'FFFF'FFFF'FFFFull);
  EXPECT_EQ(bar_read(2, 4), 0xFFFF'FFFF'FFFF'FFFFull) << "a quadlet across two registers";
  config_write(0x04, 0x0000, 2);
  EXPECT_EQ(bar_read(regs::kVersion), 0xFFFF'FFFF'FFFF'FFFFull) << "memory decoding off";
  EXPECT_EQ(device_.counters().outside_window, 3u);
}

TEST_F(PciDevice, TheSelfIdDmaWritesGuestRamAndTheIrqEventfdIsSignalled) {
  UniqueFd irq(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  UniqueFd resample(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  const int irq_fd = irq.get();
  std::vector<UniqueFd> fds;
  fds.push_back(std::move(irq));
  fds.push_back(std::move(resample));
  device_.handle(Message{Command::SetIrqfd, {}, std::move(fds)});
  // The driver's bring-up, through the BAR: LPS, linkEnable, the buffer, rcvSelfID, selfIDComplete.
  bar_write(regs::kHcControlSet,
            regs::hc_control::kLps.mask() | regs::hc_control::kLinkEnable.mask());
  bar_write(regs::kSelfIdBuffer, kSelfIdBuffer);
  bar_write(regs::kLinkControlSet, regs::link_control::kRcvSelfId.mask());
  bar_write(regs::kIntMaskSet,
            regs::int_mask::kMasterIntEnable.mask() | regs::int_mask::kSelfIdComplete.mask());
  // PHY register 5 ISBR through PhyControl: a short bus reset.
  bar_write(regs::kPhyControl, regs::phy_control::kWrReg.mask() | 5u << 8 | 0x40u);
  for (int batch = 0; batch < 40; ++batch) {
    world_.run(64);
    device_.service_irq();
  }
  const std::uint32_t count = static_cast<std::uint32_t>(bar_read(regs::kSelfIdCount));
  EXPECT_EQ(regs::self_id_count::kSelfIdSize.get(count), 3u) << "header + one pair";
  EXPECT_EQ(ram32(kSelfIdBuffer) >> 16, 1u) << "generation 1 in the header";
  const std::uint32_t id = ram32(kSelfIdBuffer + 4);
  EXPECT_EQ(id >> 30, 0x2u) << "a self-ID packet";
  EXPECT_EQ(ram32(kSelfIdBuffer + 8), ~id);
  EXPECT_EQ(id & 0x2u, 0x2u) << "i: this node's PHY initiated the reset";
  EXPECT_TRUE(device_.irq());
  std::uint64_t signalled = 0;
  EXPECT_EQ(::read(irq_fd, &signalled, 8), 8);
  EXPECT_EQ(signalled, 1u) << "one rising edge, one eventfd write";
  EXPECT_EQ(device_.counters().irq_raises, 1u);
}

TEST_F(PciDevice, ADmaOutsideGuestRamIsAnsweredDecerr) {
  bar_write(regs::kHcControlSet,
            regs::hc_control::kLps.mask() | regs::hc_control::kLinkEnable.mask());
  bar_write(regs::kSelfIdBuffer, 0x8000'0000u);  // no guest RAM there
  bar_write(regs::kLinkControlSet, regs::link_control::kRcvSelfId.mask());
  bar_write(regs::kPhyControl, regs::phy_control::kWrReg.mask() | 5u << 8 | 0x40u);
  world_.run(40 * 64);
  EXPECT_GT(node_.dma_port().decode_errors(), 0u);
  EXPECT_EQ(regs::self_id_count::kSelfIdError.get(
                static_cast<std::uint32_t>(bar_read(regs::kSelfIdCount))),
            1u)
      << "the write errors are selfIDError";
}

TEST_F(PciDevice, DeviceResetReturnsTheHeaderToPowerOnAndKeepsTheGuid) {
  bar_write(regs::kGuidHi, 0xAABB'CCDDu);
  device_.handle(Message{Command::DeviceReset, {}, {}});
  EXPECT_EQ(device_.config().bar0(), 0u);
  config_write(0x10, kBar0, 4);
  config_write(0x04, 0x0006, 2);
  EXPECT_EQ(bar_read(regs::kGuidHi), 0xAABB'CCDDu);
}

}  // namespace
}  // namespace ohci::tb
