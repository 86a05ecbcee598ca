#include "cosim_fixture.hpp"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ohci/regmap.hpp"

namespace ohci::tb {

void open_requested_trace(sim::World& world) {
  const char* trace = std::getenv("OHCI_TRACE");
  if (!trace || !*trace || std::string(trace) == "0") return;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::create_directories(OHCI_TRACE_DIR);
  world.open_trace(std::string(OHCI_TRACE_DIR) + "/" + info->test_suite_name() + "." +
                   info->name() + ".fst");
}

CosimTest::CosimTest(const sim::NodeConfig& config)
    : node_(world_.add_node("node0", config)), hal_(world_, node_), controller_(hal_) {}

CosimTest::~CosimTest() = default;

void CosimTest::SetUp() {
  open_requested_trace(world_);
  world_.reset();
}

void CosimTest::TearDown() {
  world_.close_trace();
  EXPECT_TRUE(node_.dma_port().violations().empty())
      << "AXI protocol: " << node_.dma_port().violations().front();
  EXPECT_TRUE(node_.phy().violations().empty())
      << "PHY-link protocol: " << node_.phy().violations().front();
}

void CosimTest::bring_up(std::uint32_t interrupts) {
  auto result =
      controller_.bring_up(fw::BringUpConfig{.cycle_master = true, .interrupts = interrupts});
  ASSERT_TRUE(result.ok()) << fw::to_string(result.status());
}

void CosimTest::set_cycle_timer(std::uint32_t seconds, std::uint32_t count, std::uint32_t offset) {
  hal_.write32(regs::kIsochronousCycleTimer, seconds << 25 | count << 12 | offset);
}

std::vector<CosimTest::SentPacket> CosimTest::iso_packets_on_wire() const {
  std::vector<SentPacket> sent;
  std::uint32_t cycle = 0;
  bool cycle_known = false;
  for (const sim::WirePacket& wire : node_.phy().packets()) {
    const int tcode = sim::tcode_of(wire.bytes);
    if (tcode == 0x8) {
      const sim::CycleStartPacket start = sim::parse_cycle_start(wire.bytes);
      EXPECT_TRUE(start.error.empty()) << start.error;
      EXPECT_TRUE(start.header_crc_ok) << "cycle start header CRC";
      cycle = (start.cycle_time >> 25 & 0x7u) << 13 | (start.cycle_time >> 12 & 0x1FFFu);
      cycle_known = true;
    } else {
      EXPECT_TRUE(cycle_known) << "an isochronous packet before any cycle start";
      sent.push_back(SentPacket{cycle, sim::parse_iso_packet(wire.bytes), wire});
    }
  }
  return sent;
}

std::size_t IsoPacketCounter::count() {
  const auto& packets = phy_.packets();
  if (packets.size() < scanned_) scanned_ = count_ = 0;  // the PHY's list was cleared
  for (; scanned_ < packets.size(); ++scanned_)
    count_ += sim::tcode_of(packets[scanned_].bytes) != 0x8;
  return count_;
}

std::vector<PacketSpec> uniform_packets(std::size_t count, std::uint32_t length,
                                        std::uint32_t stride) {
  std::vector<PacketSpec> specs(count);
  for (std::size_t k = 0; k < count; ++k)
    specs[k] = PacketSpec{length, static_cast<std::uint32_t>(k * stride)};
  return specs;
}

fw::ItBlock write_packet(fw::DmaBuffer& program, std::size_t slot, fw::DmaBuffer& payload,
                         unsigned number, const PacketSpec& spec, const fw::IsoHeader& header,
                         fw::BlockRef next) {
  fill_payload(payload, spec.payload_offset, number, spec.length);
  const std::array<fw::PayloadPiece, 1> piece{
      fw::PayloadPiece{payload.bus_address() + spec.payload_offset, spec.length}};
  const fw::ItPacket packet{header,
                            std::span<const fw::PayloadPiece>(piece.data(), spec.length ? 1u : 0u),
                            spec.interrupt};
  auto block = fw::write_packet_block(program, slot * kBlockBytes, packet, next);
  EXPECT_TRUE(block.ok()) << fw::to_string(block.status());
  return block.ok() ? block.value() : fw::ItBlock{};
}

std::vector<fw::ItBlock> write_chain(fw::DmaBuffer& program, fw::DmaBuffer& payload,
                                     const std::vector<PacketSpec>& specs,
                                     const fw::IsoHeader& header, unsigned first_number) {
  std::vector<fw::ItBlock> blocks(specs.size());
  fw::BlockRef next = fw::BlockRef::end();
  for (std::size_t k = specs.size(); k-- > 0;) {
    blocks[k] = write_packet(program, k, payload, first_number + static_cast<unsigned>(k), specs[k],
                             header, next);
    next = blocks[k].ref;
  }
  return blocks;
}

bool CosimTest::run_until_iso_packets(std::size_t count, std::uint64_t max_cycles) {
  return world_.run_until([&] { return iso_packet_count() >= count; }, max_cycles);
}

void fill_payload(fw::DmaBuffer& buffer, std::size_t offset, unsigned packet, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i)
    buffer.bytes()[offset + i] = std::byte{payload_byte(packet, i)};
}

std::vector<std::uint8_t> expected_payload(unsigned packet, std::size_t length) {
  std::vector<std::uint8_t> bytes(length);
  for (std::size_t i = 0; i < length; ++i) bytes[i] = payload_byte(packet, i);
  return bytes;
}

fw::DmaBuffer CosimTest::allocate(std::size_t bytes) {
  auto buffer = fw::DmaBuffer::allocate(hal_, bytes, 16);
  EXPECT_TRUE(buffer.ok());
  return std::move(buffer.value());
}

fw::ItContext CosimTest::open_context(std::uint32_t index) {
  auto context = fw::ItContext::open(hal_, index);
  EXPECT_TRUE(context.ok()) << fw::to_string(context.status());
  return std::move(context.value());
}

}  // namespace ohci::tb
