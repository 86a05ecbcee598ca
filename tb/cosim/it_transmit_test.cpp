// Isochronous transmit end to end: descriptor programs in host memory, the IT contexts, the link
// and the PHY-link pins (reference/ohci-isoch.md 2, 3.1, 3.2, 4.2-4.4).
#include <chrono>
#include <iostream>
#include <sstream>
#include <string>

#include "cosim_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using regs::DescInterrupt;
using regs::EventCode;
using regs::Speed;

// How the event log writes a DMA write's address (sim/node.cpp): "0x<address> <- ...".
std::string address_prefix(std::uint32_t address) {
  std::ostringstream text;
  text << "0x" << std::hex << address << " <-";
  return text.str();
}

// One packet of a test program: its payload length, where in its 0x1100-byte payload slot it
// starts (the bus address modulo 4), and its interrupt bits.
struct Packet {
  std::uint32_t length = 0;
  std::uint32_t misalign = 0;
  DescInterrupt interrupt = DescInterrupt::kNever;
};

class ItTransmit : public CosimTest {
 protected:
  explicit ItTransmit(const sim::NodeConfig& config = {}) : CosimTest(config) {}

  static constexpr std::uint32_t kPayloadStride = 0x1100;  // room for 4096 bytes + misalignment

  // Writes a program of `packets` into `program`, packet k's payload in slot k of `payload`.
  std::vector<fw::ItBlock> write_program(fw::DmaBuffer& program, fw::DmaBuffer& payload,
                                         const std::vector<Packet>& packets,
                                         const fw::IsoHeader& header, unsigned first_number = 0) {
    std::vector<PacketSpec> specs;
    for (std::size_t k = 0; k < packets.size(); ++k) {
      specs.push_back(PacketSpec{
          packets[k].length, static_cast<std::uint32_t>(k) * kPayloadStride + packets[k].misalign,
          packets[k].interrupt});
    }
    return write_chain(program, payload, specs, header, first_number);
  }

  // Expects packet `number` with `length` bytes on `channel`, intact.
  static void expect_packet(const SentPacket& sent, unsigned number, std::uint32_t length,
                            const fw::IsoHeader& header) {
    EXPECT_TRUE(sent.packet.error.empty()) << sent.packet.error;
    EXPECT_EQ(sent.packet.tcode, 0xA);
    EXPECT_EQ(sent.packet.data_length, length);
    EXPECT_EQ(sent.packet.channel, header.channel);
    EXPECT_EQ(sent.packet.tag, header.tag);
    EXPECT_EQ(sent.packet.sy, header.sy);
    EXPECT_TRUE(sent.packet.header_crc_ok);
    EXPECT_TRUE(sent.packet.data_crc_ok);
    EXPECT_TRUE(sent.packet.padding_zero);
    EXPECT_EQ(sent.packet.payload, expected_payload(number, length)) << "packet " << number;
    EXPECT_EQ(sent.wire.speed, static_cast<unsigned>(header.speed));
    EXPECT_EQ(sent.wire.request, sim::LreqType::IsoReq);
  }

  fw::DmaBuffer program_ = allocate(16 * kBlockBytes);
  fw::DmaBuffer payload_ = allocate(16 * kPayloadStride);
};

TEST_F(ItTransmit, ThreePacketProgramSendsInThreeConsecutiveCyclesWithTimeStamps) {
  bring_up();
  set_cycle_timer(2, 7998, 2900);  // the program runs across a second wrap
  const fw::IsoHeader header{Speed::kS400, 1, 5, 3};
  const auto blocks = write_program(program_, payload_, {{100, 0}, {37, 1}, {8, 3}}, header);
  fw::ItContext context = open_context(0);
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  // The simulated clock rate of this run is reported (never asserted: see docs).
  const auto wall_start = std::chrono::steady_clock::now();
  const std::uint64_t first_edge = world_.cycle();
  ASSERT_TRUE(run_until_iso_packets(3, 4 * kClkPerCycle));
  world_.run(200);  // the last status write-back
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double clk_per_second = static_cast<double>(world_.cycle() - first_edge) / wall;
  RecordProperty("sim_clk_per_second", std::to_string(static_cast<std::uint64_t>(clk_per_second)));
  std::cout << "simulated " << world_.cycle() - first_edge << " clk in " << wall * 1e3
            << " ms: " << clk_per_second / 1e6 << " M clk/s\n";

  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 3u);
  const std::uint32_t lengths[] = {100, 37, 8};
  for (unsigned k = 0; k < 3; ++k) {
    expect_packet(sent[k], k, lengths[k], header);
    if (k > 0) {
      EXPECT_EQ(sent[k].cycle, next_cycle(sent[k - 1].cycle)) << k;
    }
    auto completion = fw::read_completion(program_, blocks[k]);
    ASSERT_TRUE(completion.ok());
    EXPECT_EQ(completion.value().event(), EventCode::kAckComplete);
    EXPECT_EQ(completion.value().time_stamp, sent[k].cycle) << "packet " << k;
  }
  EXPECT_TRUE(context.status().idle());
}

TEST_F(ItTransmit, CycleMatchedStartSendsFirstPacketInExactlyTheMatchedCycle) {
  bring_up();
  set_cycle_timer(1, 500, 3000);
  const fw::IsoHeader header{Speed::kS400, 0, 9, 0};
  const auto blocks = write_program(program_, payload_, {{64, 0}, {64, 0}}, header);
  fw::ItContext context = open_context(0);
  // cycleMatch = cycleSeconds[1:0]:cycleCount; the timer reaches cycle 501 within 72 offsets,
  // so cycle 505 of second 1 is five cycle starts away.
  const std::uint32_t match = (1u << 13) | 505u;
  ASSERT_EQ(context.start(blocks[0], match), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(2, 8 * kClkPerCycle));
  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].cycle, match);
  EXPECT_EQ(sent[1].cycle, next_cycle(match));
  // Cycle starts of cycles 501..504 went out with no isochronous packet after them.
  std::size_t cycle_starts_before = 0;
  for (const auto& wire : node_.phy().packets()) {
    if (wire.first_data_cycle >= sent[0].wire.first_data_cycle) break;
    cycle_starts_before += sim::tcode_of(wire.bytes) == 0x8;
  }
  EXPECT_EQ(cycle_starts_before, 5u);
  EXPECT_EQ(context.status().raw & regs::it_context_control::kCycleMatchEnable.mask(), 0u)
      << "hardware clears cycleMatchEnable";
}

TEST_F(ItTransmit, RunningOffTheProgramLeavesTheContextIdleAndWakeSendsTheAppendedBlock) {
  bring_up();
  const fw::IsoHeader header{Speed::kS400, 1, 7, 0};
  // Blocks 0 and 1 now; block 2 is written later into slot 2 and appended.
  const auto blocks = write_program(program_, payload_, {{40, 0}, {44, 2}}, header);
  fw::ItContext context = open_context(0);
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(2, 4 * kClkPerCycle));
  world_.run(3 * kClkPerCycle);  // nothing more goes out
  EXPECT_EQ(iso_packet_count(), 2u);
  const fw::ContextStatus idle = context.status();
  EXPECT_TRUE(idle.run);
  EXPECT_FALSE(idle.active);
  EXPECT_FALSE(idle.dead);

  // Append block 2 early in a cycle: it goes out in the next one.
  const std::size_t cycle_starts = node_.phy().packets().size();
  ASSERT_TRUE(world_.run_until([&] { return node_.phy().packets().size() > cycle_starts; },
                               kClkPerCycle + 200));
  const std::uint32_t wake_cycle = iso_packets_on_wire().back().cycle + 4;  // 1 + 3 idle cycles
  const fw::ItBlock block2 =
      write_packet(program_, 2, payload_, 2, PacketSpec{48, 2 * kPayloadStride}, header);
  ASSERT_EQ(context.append(program_, blocks[1], block2.ref), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(3, 2 * kClkPerCycle));
  world_.run(2 * kClkPerCycle);

  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 3u) << "no packet lost or repeated";
  expect_packet(sent[0], 0, 40, header);
  expect_packet(sent[1], 1, 44, header);
  expect_packet(sent[2], 2, 48, header);
  EXPECT_EQ(sent[2].cycle, next_cycle(wake_cycle));
  EXPECT_TRUE(context.status().idle());
}

// The host memory answers slowly, so the context is still fetching its only block when the
// append's wake arrives: the wake must survive (hardware clears wake when a fetch starts, not
// when it ends) and the appended block follows in the very next cycle.
class ItTransmitSlowMemory : public ItTransmit {
 protected:
  static sim::NodeConfig slow() {
    sim::NodeConfig config;
    config.dma.read_latency_min = 60;
    config.dma.read_latency_max = 60;
    return config;
  }
  ItTransmitSlowMemory() : ItTransmit(slow()) {}
};

TEST_F(ItTransmitSlowMemory, WakeDuringTheFetchOfTheLastBlockIsNotLost) {
  bring_up();
  const fw::IsoHeader header{Speed::kS200, 0, 3, 0};
  const auto first = write_program(program_, payload_, {{64, 0}}, header);
  const fw::ItBlock second =
      write_packet(program_, 1, payload_, 1, PacketSpec{64, kPayloadStride}, header);
  fw::ItContext context = open_context(0);
  const std::uint64_t start_edge = world_.cycle();
  ASSERT_EQ(context.start(first[0]), fw::Status::Success);
  ASSERT_EQ(context.append(program_, first[0], second.ref), fw::Status::Success);
  // The block fetch (>= 61 clk per burst) and the payload fetch cannot be done yet.
  EXPECT_LT(world_.cycle() - start_edge, 2u * 61u);
  EXPECT_EQ(iso_packet_count(), 0u);
  ASSERT_TRUE(run_until_iso_packets(2, 4 * kClkPerCycle));
  world_.run(2 * kClkPerCycle);
  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 2u);
  expect_packet(sent[0], 0, 64, header);
  expect_packet(sent[1], 1, 64, header);
  EXPECT_EQ(sent[1].cycle, next_cycle(sent[0].cycle));
}

TEST_F(ItTransmit, BatchWithInterruptOnLastRaisesOneInterruptAtTheDocumentedCycle) {
  bring_up(regs::int_mask::kIsochTx.mask());
  fw::ItContext context = open_context(2);
  context.enable_interrupt();
  std::vector<Packet> specs(8, Packet{32, 0, DescInterrupt::kNever});
  specs.back().interrupt = DescInterrupt::kAlways;
  const fw::IsoHeader header{Speed::kS400, 1, 11, 0};
  const auto blocks = write_program(program_, payload_, specs, header);
  std::vector<std::uint32_t> iso_xmit_seen;
  hal_.attach_interrupt([&] {
    auto events = controller_.read_and_clear_events();
    ASSERT_TRUE(events.ok());
    iso_xmit_seen.push_back(events.value().iso_xmit);
  });
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(8, 10 * kClkPerCycle));
  world_.run(kClkPerCycle);

  const auto raised = world_.log().cycles_of("node0", sim::EventKind::IrqRaised);
  ASSERT_EQ(raised.size(), 1u);
  ASSERT_EQ(iso_xmit_seen.size(), 1u);
  EXPECT_EQ(iso_xmit_seen[0], 1u << 2);
  // The last OUTPUT_LAST's status write: its W beat at edge w, BVALID seen at w+1 (the memory
  // answers in the next edge), the engine pulses the event at w+2, IsoXmitIntEvent[2] is set
  // at w+3 and the registered irq rises at w+4 (rtl/ohci_it_dma.v, rtl/ohci_regs.v).
  const std::uint32_t status_address =
      program_.bus_address() + static_cast<std::uint32_t>(blocks[7].status_offset);
  std::uint64_t status_write_edge = 0;
  for (const auto& event : world_.log().events()) {
    if (event.kind == sim::EventKind::DmaWrite &&
        event.detail.rfind(address_prefix(status_address), 0) == 0)
      status_write_edge = event.cycle;
  }
  ASSERT_NE(status_write_edge, 0u);
  EXPECT_EQ(raised[0], status_write_edge + 4);
  const auto sent = iso_packets_on_wire();
  for (unsigned k = 1; k < 8; ++k) EXPECT_EQ(sent[k].cycle, next_cycle(sent[k - 1].cycle));
}

TEST_F(ItTransmit, DescriptorReadErrorKillsOnlyThatContext) {
  bring_up(regs::int_mask::kUnrecoverableError.mask());
  const fw::IsoHeader good_header{Speed::kS400, 0, 1, 0};
  const auto good = write_program(program_, payload_, {{16, 0}, {16, 0}, {16, 0}}, good_header);
  // Context 1's program lives in a block of memory that answers SLVERR.
  fw::DmaBuffer bad_program = allocate(kBlockBytes);
  fw::DmaBuffer bad_payload = allocate(kPayloadStride);
  const auto bad = write_program(bad_program, bad_payload, {{16, 0}}, {Speed::kS400, 0, 2, 0}, 10);
  node_.dma_port().add_error_range({bad_program.bus_address(),
                                    bad_program.bus_address() + kBlockBytes - 1, true, false,
                                    sim::AxiResp::SlvErr});
  fw::ItContext context0 = open_context(0);
  fw::ItContext context1 = open_context(1);
  ASSERT_EQ(context1.start(bad[0]), fw::Status::Success);
  ASSERT_EQ(context0.start(good[0]), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(3, 5 * kClkPerCycle));
  world_.run(kClkPerCycle);

  const fw::ContextStatus dead = context1.status();
  EXPECT_TRUE(dead.run);
  EXPECT_TRUE(dead.dead);
  EXPECT_FALSE(dead.active);
  EXPECT_EQ(dead.event, EventCode::kEvtDescriptorRead);
  EXPECT_NE(hal_.read32(regs::kIntEventSet) & regs::int_event::kUnrecoverableError.mask(), 0u);
  EXPECT_EQ(node_.core().irq, 1);
  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 3u) << "context 0 keeps sending";
  for (unsigned k = 0; k < 3; ++k) expect_packet(sent[k], k, 16, good_header);
  // Clearing run clears dead.
  ASSERT_EQ(context1.stop(), fw::Status::Success);
  EXPECT_FALSE(context1.status().dead);
}

class ItTransmitAtSpeed : public ItTransmit, public ::testing::WithParamInterface<Speed> {};

TEST_P(ItTransmitAtSpeed, TwoContextsOnDifferentChannelsSendInTheSameCycle) {
  bring_up();
  const Speed speed = GetParam();
  const fw::IsoHeader header_a{speed, 1, 20, 1};
  const fw::IsoHeader header_b{speed, 2, 21, 2};
  fw::DmaBuffer program_b = allocate(16 * kBlockBytes);
  fw::DmaBuffer payload_b = allocate(16 * kPayloadStride);
  const auto blocks_a = write_program(program_, payload_, {{200, 1}, {333, 2}}, header_a, 0);
  const auto blocks_b = write_program(program_b, payload_b, {{512, 0}, {5, 3}}, header_b, 100);
  fw::ItContext context_a = open_context(0);
  fw::ItContext context_b = open_context(3);
  ASSERT_EQ(context_b.start(blocks_b[0]), fw::Status::Success);
  ASSERT_EQ(context_a.start(blocks_a[0]), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(4, 4 * kClkPerCycle));
  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 4u);
  // Per cycle, lower context first: a0 b0 | a1 b1.
  EXPECT_EQ(sent[0].cycle, sent[1].cycle);
  EXPECT_EQ(sent[2].cycle, sent[3].cycle);
  EXPECT_EQ(sent[2].cycle, next_cycle(sent[0].cycle));
  expect_packet(sent[0], 0, 200, header_a);
  expect_packet(sent[1], 100, 512, header_b);
  expect_packet(sent[2], 1, 333, header_a);
  expect_packet(sent[3], 101, 5, header_b);
}

INSTANTIATE_TEST_SUITE_P(Speeds, ItTransmitAtSpeed,
                         ::testing::Values(Speed::kS100, Speed::kS200, Speed::kS400),
                         [](const auto& param_info) {
                           return std::string(param_info.param == Speed::kS100   ? "S100"
                                              : param_info.param == Speed::kS200 ? "S200"
                                                                                 : "S400");
                         });

}  // namespace
}  // namespace ohci::tb
