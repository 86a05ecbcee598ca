// The mpqemu wire protocol (sim/qemu/mpqemu.hpp, reference/linux-qemu-bridge.md 1.1-1.2) over a
// socket pair, the PCI configuration header QEMU's probe and the guest see, and guest memory.
#include "mpqemu.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "guest_memory.hpp"
#include "pci_config.hpp"

namespace ohci::tb {
namespace {

using namespace sim::qemu;

struct Pair {
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    proxy = std::make_unique<Channel>(UniqueFd(fds[0]));
    remote = std::make_unique<Channel>(UniqueFd(fds[1]));
  }
  std::unique_ptr<Channel> proxy, remote;
};

// Raw bytes on the proxy's side: a header {cmd, pad, size} and `payload` bytes.
void send_raw(int fd, std::int32_t command, std::uint64_t size, std::size_t payload_bytes) {
  std::vector<std::uint8_t> bytes(16 + payload_bytes);
  std::memcpy(bytes.data(), &command, 4);
  std::memcpy(bytes.data() + 8, &size, 8);
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
}

UniqueFd memfd(std::size_t bytes) {
  UniqueFd fd(::memfd_create("guest-ram", MFD_CLOEXEC));
  EXPECT_EQ(::ftruncate(fd.get(), static_cast<off_t>(bytes)), 0);
  return fd;
}

TEST(Mpqemu, ABarReadTravelsWithItsAddressSizeAndKindAndTheRetCarriesTheValue) {
  Pair pair;
  pair.proxy->send(encode_bar(Command::BarRead,
                              {.address = 0xFEBF'F0E8, .value = 0, .size = 4, .memory = true}));
  const Message message = pair.remote->receive();
  EXPECT_EQ(message.command, Command::BarRead);
  const BarAccess access = decode_bar(message);
  EXPECT_EQ(access.address, 0xFEBF'F0E8u);
  EXPECT_EQ(access.size, 4u);
  EXPECT_TRUE(access.memory);
  pair.remote->send_ret(0x1234'5678'9ABC'DEF0ull);
  const Message ret = pair.proxy->receive_reply();
  EXPECT_EQ(ret.command, Command::Ret);
  ASSERT_EQ(ret.payload.size(), 8u);
  std::uint64_t value;
  std::memcpy(&value, ret.payload.data(), 8);
  EXPECT_EQ(value, 0x1234'5678'9ABC'DEF0ull);
}

TEST(Mpqemu, SyncSysmemCarriesOneFdPerRegion) {
  Pair pair;
  std::vector<UniqueFd> fds;
  fds.push_back(memfd(4096));
  fds.push_back(memfd(8192));
  pair.proxy->send(encode_sysmem({{0, 4096, 0}, {0x100000, 8192, 0}}, std::move(fds)));
  const Message message = pair.remote->receive();
  ASSERT_EQ(message.fds.size(), 2u);
  const auto regions = decode_sysmem(message);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[1].gpa, 0x100000u);
  EXPECT_EQ(regions[1].size, 8192u);
}

TEST(Mpqemu, AConfigAccessOfTheWrongSizeIsRefused) {
  Pair pair;
  send_raw(pair.proxy->fd(), static_cast<std::int32_t>(Command::PciConfigRead), 8, 8);
  EXPECT_THROW(pair.remote->receive(), ProtocolError);
}

TEST(Mpqemu, AnUnknownCommandIsRefused) {
  Pair pair;
  send_raw(pair.proxy->fd(), 42, 0, 0);
  EXPECT_THROW(pair.remote->receive(), ProtocolError);
}

TEST(Mpqemu, APayloadAbove192BytesIsRefused) {
  Pair pair;
  send_raw(pair.proxy->fd(), static_cast<std::int32_t>(Command::BarWrite), 200, 0);
  EXPECT_THROW(pair.remote->receive(), ProtocolError);
}

TEST(Mpqemu, SyncSysmemWithoutAnFdAndSetIrqfdWithOneAreRefused) {
  Pair pair;
  send_raw(pair.proxy->fd(), static_cast<std::int32_t>(Command::SyncSysmem), 192, 192);
  EXPECT_THROW(pair.remote->receive(), ProtocolError);
  Pair other;
  std::vector<UniqueFd> one;
  one.push_back(memfd(16));
  other.proxy->send(Message{Command::SetIrqfd, {}, std::move(one)});
  EXPECT_THROW(other.remote->receive(), ProtocolError);
}

TEST(Mpqemu, AMessageCutShortIsAProtocolErrorAndAClosedSocketEndsTheConnection) {
  Pair pair;
  send_raw(pair.proxy->fd(), static_cast<std::int32_t>(Command::BarRead), 24, 10);
  pair.proxy.reset();  // closed after 10 of the 24 payload bytes
  EXPECT_THROW(pair.remote->receive(), ProtocolError);
  Pair closed;
  closed.proxy.reset();
  EXPECT_THROW(closed.remote->receive(), ConnectionClosed);
}

TEST(PciConfig, IdentifiesAsAnOhci1394FunctionWithInterruptPinA) {
  PciConfigSpace config;
  EXPECT_EQ(config.read(0x00, 2), PciConfigSpace::kVendor);
  EXPECT_EQ(config.read(0x02, 2), PciConfigSpace::kDevice);
  EXPECT_EQ(config.read(0x09, 1), 0x10u) << "prog-if: OHCI";
  EXPECT_EQ(config.read(0x0A, 2), 0x0C00u) << "serial bus, IEEE 1394";
  EXPECT_EQ(config.read(0x3D, 1), 1u) << "INTA#";
}

TEST(PciConfig, Bar0SizesAs2KiBOfMemoryAndTheOtherBarsAsAbsent) {
  PciConfigSpace config;
  // QEMU's probe: for each BAR, read, write all ones, read, write back.
  for (std::uint32_t bar = 0x10; bar <= 0x28; bar += 4) {
    const std::uint32_t old = config.read(bar, 4);
    config.write(bar, 0xFFFF'FFFFu, 4);
    const std::uint32_t sized = config.read(bar, 4);
    EXPECT_EQ(sized, bar == 0x10 ? 0xFFFF'F800u : 0u) << std::hex << bar;
    config.write(bar, old, 4);
  }
  config.write(0x10, 0xFEBF'F000u, 4);
  config.write(0x04, 0x0006, 2);  // memory, bus master
  EXPECT_EQ(config.bar0(), 0xFEBF'F000u);
  EXPECT_TRUE(config.memory_enabled());
  EXPECT_EQ(config.read(0x00, 4), 0x1394'1234u) << "read-only identity";
  config.write(0x00, 0, 4);
  EXPECT_EQ(config.read(0x00, 2), PciConfigSpace::kVendor);
}

TEST(PciConfig, AnAccessOutsideTheHeaderOrOfAnOddSizeIsRejected) {
  PciConfigSpace config;
  config.write(0xFE, 0xFFFF'FFFFu, 4);
  config.write(0x3C, 0xFF, 3);
  EXPECT_EQ(config.rejected(), 2u);
  EXPECT_EQ(config.read(0xFE, 4), 0u);
}

TEST(GuestMemory, QuadletsReachTheMemfdAndAnAddressOutsideEveryRegionIsNotMemory) {
  GuestMemory memory;
  std::vector<UniqueFd> fds;
  fds.push_back(memfd(8192));
  const int raw = fds[0].get();
  void* view = ::mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, raw, 0);
  ASSERT_NE(view, MAP_FAILED);
  memory.replace({{0x10000, 8192, 0}}, std::move(fds));
  EXPECT_TRUE(memory.contains(0x10000, 4));
  EXPECT_TRUE(memory.contains(0x11FFC, 4));
  EXPECT_FALSE(memory.contains(0x11FFE, 4)) << "crosses the end";
  EXPECT_FALSE(memory.contains(0x0FFFC, 4));
  memory.write32(0x10004, 0xA1B2'C3D4u);
  std::uint32_t seen;
  std::memcpy(&seen, static_cast<std::uint8_t*>(view) + 4, 4);
  EXPECT_EQ(seen, 0xA1B2'C3D4u) << "a DMA write is in guest RAM at once";
  // A new map replaces the old one entirely.
  std::vector<UniqueFd> again;
  again.push_back(memfd(4096));
  memory.replace({{0x20000, 4096, 0}}, std::move(again));
  EXPECT_FALSE(memory.contains(0x10000, 4));
  EXPECT_TRUE(memory.contains(0x20000, 4));
  ::munmap(view, 8192);
}

TEST(GuestMemory, OverlappingRegionsAreRefusedAndTheOldMapKept) {
  GuestMemory memory;
  std::vector<UniqueFd> fds;
  fds.push_back(memfd(4096));
  memory.replace({{0, 4096, 0}}, std::move(fds));
  std::vector<UniqueFd> bad;
  bad.push_back(memfd(8192));
  bad.push_back(memfd(8192));
  EXPECT_THROW(memory.replace({{0x1000, 8192, 0}, {0x2000, 8192, 0}}, std::move(bad)),
               ProtocolError);
  EXPECT_TRUE(memory.contains(0, 4));
  EXPECT_EQ(memory.region_count(), 1u);
}

}  // namespace
}  // namespace ohci::tb
