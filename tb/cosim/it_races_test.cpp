// Software against hardware in the same clk: stopping a context at every clk offset around the
// moments the DMA engine and the link change its state, soft reset with DMA in flight, and
// underrun state that must not outlive the program. Each sweep builds a fresh world per offset.
#include <memory>
#include <sstream>

#include "cosim_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using regs::EventCode;
using regs::Speed;

constexpr std::uint64_t kClkPerCycle = 6144;
const fw::IsoHeader kHeader{Speed::kS400, 1, 33, 7};

// One node with firmware, as the fixture has it, but cheap to build once per offset (1 MiB of
// host memory is plenty here).
sim::NodeConfig small(sim::NodeConfig config = {}) {
  config.memory_size = 1u << 20;
  return config;
}

struct Bench {
  explicit Bench(const sim::NodeConfig& config = small())
      : node(world.add_node("node0", config)), hal(world, node), controller(hal) {
    world.reset();
    EXPECT_TRUE(controller.bring_up({.cycle_master = true, .interrupts = 0}).ok());
    hal.write32(regs::kIsochronousCycleTimer, 3000);  // the first cycle starts 144 clk from now
    program = std::move(fw::DmaBuffer::allocate(hal, 16 * kBlockBytes, 16).value());
    payload = std::move(fw::DmaBuffer::allocate(hal, 0x4000, 16).value());
    context = std::make_unique<fw::ItContext>(std::move(fw::ItContext::open(hal, 0).value()));
  }

  // Packet `number` (100 bytes, payload at slot * 0x200) in block slot `slot`.
  fw::ItBlock block(std::size_t slot, unsigned number, fw::BlockRef next) {
    return write_packet(program, slot, payload, number,
                        PacketSpec{100, static_cast<std::uint32_t>(slot * 0x200)}, kHeader, next);
  }
  std::vector<fw::ItBlock> chain(std::size_t count) {
    return write_chain(program, payload, uniform_packets(count, 100, 0x200), kHeader);
  }
  std::vector<sim::IsoPacket> iso_packets() const {
    std::vector<sim::IsoPacket> packets;
    for (const auto& wire : node.phy().packets())
      if (sim::tcode_of(wire.bytes) == 0xA) packets.push_back(sim::parse_iso_packet(wire.bytes));
    return packets;
  }
  std::size_t iso_count() { return iso_counter.count(); }
  bool run_until_packets(std::size_t count, std::uint64_t max_cycles) {
    return world.run_until([&] { return iso_count() >= count; }, max_cycles);
  }
  bool protocol_clean() const {
    return node.phy().violations().empty() && node.dma_port().violations().empty();
  }

  sim::World world;
  sim::Node& node;
  sim::CosimHal hal;
  fw::Controller controller;
  fw::DmaBuffer program;
  fw::DmaBuffer payload;
  std::unique_ptr<fw::ItContext> context;
  IsoPacketCounter iso_counter{node.phy()};
};

// After a stop, the context must read stopped, and a restart must send the new program's block,
// never a packet staged or a branch followed for the old one.
std::string stop_then_restart(Bench& bench, unsigned fresh_number, std::size_t fresh_slot) {
  std::ostringstream failure;
  if (bench.context->stop() != fw::Status::Success) return "stop() timed out: active never cleared";
  const fw::ItBlock fresh = bench.block(fresh_slot, fresh_number, fw::BlockRef::end());
  const std::size_t before = bench.iso_count();
  if (bench.context->start(fresh) != fw::Status::Success) return "start() refused";
  if (!bench.run_until_packets(before + 1, 3 * kClkPerCycle)) return "nothing sent after restart";
  const auto packets = bench.iso_packets();
  if (packets[before].payload != expected_payload(fresh_number, 100)) {
    failure << "the restart sent an old packet (" << int(packets[before].payload[0]) << "...)";
    return failure.str();
  }
  if (!bench.protocol_clean()) return "protocol violation";
  return {};
}

TEST(ItStopRace, StopAtEveryClkAfterAPacketMidProgram) {
  // Covers the packet's status write, the next block's fetch and its staging (about 300 clk).
  for (std::uint64_t offset = 0; offset < 320; ++offset) {
    Bench bench;
    const auto blocks = bench.chain(8);
    ASSERT_EQ(bench.context->start(blocks[0]), fw::Status::Success);
    ASSERT_TRUE(bench.run_until_packets(2, 4 * kClkPerCycle));
    bench.world.run(offset);
    const std::string failure = stop_then_restart(bench, 12, 12);
    ASSERT_TRUE(failure.empty()) << "stop " << offset << " clk after packet 1: " << failure;
  }
}

TEST(ItStopRace, StopAtEveryClkAroundTheProgramEnd) {
  // Packet 2, the last (Z = 0), goes out about one cycle after packet 1 ends; sweep the clks
  // around its transmission, status write and the move to idle.
  for (std::uint64_t offset = 5900; offset < 6300; ++offset) {
    Bench bench;
    const auto blocks = bench.chain(3);
    ASSERT_EQ(bench.context->start(blocks[0]), fw::Status::Success);
    ASSERT_TRUE(bench.run_until_packets(2, 5 * kClkPerCycle));
    bench.world.run(offset);
    const std::string failure = stop_then_restart(bench, 12, 12);
    ASSERT_TRUE(failure.empty()) << "stop " << offset << " clk after packet 1: " << failure;
  }
}

TEST(ItStopRace, StopAndImmediateRestartWithSlowMemory) {
  // With 300 clk of read latency the stop lands inside fetches at every phase of the job.
  sim::NodeConfig slow;
  slow.dma.read_latency_min = slow.dma.read_latency_max = 300;
  for (std::uint64_t offset = 0; offset < 700; ++offset) {
    Bench bench(small(slow));
    const auto blocks = bench.chain(8);
    ASSERT_EQ(bench.context->start(blocks[0]), fw::Status::Success);
    ASSERT_TRUE(bench.run_until_packets(2, 6 * kClkPerCycle));
    bench.world.run(offset);
    const std::string failure = stop_then_restart(bench, 12, 12);
    ASSERT_TRUE(failure.empty()) << "stop " << offset << " clk after packet 1: " << failure;
  }
}

TEST(ItSoftReset, WaitsForTheDmaReadInFlightThenLeavesACleanController) {
  sim::NodeConfig slow;
  slow.dma.read_latency_min = slow.dma.read_latency_max = 300;
  for (std::uint64_t offset : {0u, 5u, 50u, 301u, 302u, 310u, 620u}) {
    Bench bench(small(slow));
    const auto blocks = bench.chain(3);
    ASSERT_EQ(bench.context->start(blocks[0]), fw::Status::Success);
    bench.world.run(offset);  // the block or payload read is outstanding
    ASSERT_EQ(bench.controller.soft_reset(), fw::Status::Success) << offset;
    ASSERT_TRUE(bench.controller.bring_up({.cycle_master = true, .interrupts = 0}).ok());
    const fw::ContextStatus after_reset = bench.context->status();
    EXPECT_FALSE(after_reset.run || after_reset.active || after_reset.dead) << offset;
    const std::size_t before = bench.iso_count();
    ASSERT_EQ(bench.context->start(blocks[1]), fw::Status::Success);
    ASSERT_TRUE(bench.run_until_packets(before + 2, 6 * kClkPerCycle)) << offset;
    const auto packets = bench.iso_packets();
    EXPECT_EQ(packets[before].payload, expected_payload(1, 100)) << offset;
    EXPECT_EQ(packets[before + 1].payload, expected_payload(2, 100)) << offset;
    EXPECT_FALSE(bench.context->status().dead) << offset;
    EXPECT_TRUE(bench.protocol_clean()) << offset;
  }
}

TEST(ItUnderrunState, IsForgivenAtProgramEndSoAnAppendedBlockIsNotSkipped) {
  Bench bench;
  // Context 0: one long S100 packet (about 4100 clk on the wire), then the program ends.
  const fw::ItBlock only = write_packet(bench.program, 0, bench.payload, 0, PacketSpec{1024, 0},
                                        fw::IsoHeader{Speed::kS100, 0, 2, 0});
  ASSERT_EQ(bench.context->start(only), fw::Status::Success);
  // Staging 1 KiB takes longer than the 144 clk to the first cycle start, so the packet goes out
  // right after the second one: wait for that cycle start.
  ASSERT_TRUE(bench.world.run_until([&] { return bench.node.phy().packets().size() >= 2; },
                                    3 * kClkPerCycle));
  const std::uint64_t packet_cycle_open = bench.world.cycle();
  // Context 1 starts now with host memory stalled until well into the next cycle: the engine is
  // busy with it when context 0's packet ends, so context 0's status write is still pending
  // when the next cycle opens — it is late though its program is over.
  const fw::ItBlock other = bench.block(4, 4, fw::BlockRef::end());
  auto context1 = fw::ItContext::open(bench.hal, 1);
  bench.node.dma_port().stall_reads(bench.world.cycle(), bench.world.cycle() + kClkPerCycle + 500);
  ASSERT_EQ(context1.value().start(other), fw::Status::Success);
  bench.world.run(3 * kClkPerCycle);
  ASSERT_TRUE(bench.context->status().idle());
  // The scenario happened: context 0's packet went out in that cycle, context 1's only after
  // the stall, two cycle starts later.
  const auto& wire = bench.node.phy().packets();
  ASSERT_GE(wire.size(), 5u);
  ASSERT_EQ(sim::tcode_of(wire[2].bytes), 0xA);
  EXPECT_LT(wire[2].first_data_cycle, packet_cycle_open + 100);
  EXPECT_EQ(sim::tcode_of(wire[3].bytes), 0x8);
  EXPECT_EQ(sim::tcode_of(wire[4].bytes), 0x8);

  // Append to context 0 early in a cycle: it must go out in the next cycle, not be skipped.
  const std::size_t wires = bench.node.phy().packets().size();
  ASSERT_TRUE(bench.world.run_until([&] { return bench.node.phy().packets().size() > wires; },
                                    kClkPerCycle + 200));
  const fw::ItBlock appended = bench.block(2, 2, fw::BlockRef::end());
  const std::size_t before = bench.iso_count();
  ASSERT_EQ(bench.context->append(bench.program, only, appended.ref), fw::Status::Success);
  // The block is fetched and staged long before the next cycle opens; a stale underrun would
  // show now as evt_underrun (the skip path) instead of the last completion's ack_complete.
  bench.world.run(400);
  EXPECT_EQ(bench.context->status().event, EventCode::kAckComplete);
  ASSERT_TRUE(bench.run_until_packets(before + 1, 2 * kClkPerCycle));
  // On the wire since: the cycle start of the append's cycle, the next cycle's start, the block.
  EXPECT_EQ(bench.node.phy().packets().size(), wires + 3) << "sent in the next cycle";
  EXPECT_EQ(bench.iso_packets()[before].payload, expected_payload(2, 100));
  EXPECT_TRUE(bench.protocol_clean());
}

}  // namespace
}  // namespace ohci::tb
