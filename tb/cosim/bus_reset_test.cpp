// Bus reset from the bus model: every link sees the PHY's bus-reset status, then its PHY
// register 0; the controller raises busReset and selfIDComplete, counts the generation and takes
// its node number and root bit; isochronous contexts keep running (reference/ohci-isoch.md 1.2,
// 3.4; docs/decisions.md 29).
#include "stream_harness.hpp"

namespace ohci::tb {
namespace {

using regs::Speed;

class BusReset : public BusTest {
 protected:
  BusReset() : BusTest(3) {}

  // From the request on a free bus to every node's register 0 status being done, plus 4 clk
  // for the controller to take it: 3 + bus_reset_cycles + 3 self-ID packets of
  // data_on_cycles + 35 clk + 3 register statuses of 9 clk.
  std::uint64_t reset_cycles() {
    const sim::BusConfig& config = world_.bus().config();
    return 3 + config.bus_reset_cycles + 3 * (config.data_on_cycles + 35) + 3 * 9 + 4;
  }

  // Node 0 talks kPackets packets of `length(n)` bytes on channel 4 to node 2, and the bus is
  // reset once node 2 has received 10; returns how many arrived, each checked byte for byte
  // (expect_stored) and in order.
  static constexpr unsigned kPackets = 40;
  unsigned stream_across_a_reset(Talker::Lengths length) {
    const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 4, .sy = 0};
    Talker talker(*this, 0, 0, header, length);
    Listener listener(*this, 2, 0, 1024);
    fw::IrStartOptions options;
    options.channel = header.channel;
    listener.start(options);
    talker.start(kPackets);
    bool ok = true;
    run_streaming(
        *this, kPackets + 20,
        [&] {
          if (listener.received() == 10 && world_.bus().stats().bus_resets == 0)
            world_.bus().request_bus_reset();
          talker.service();
          listener.service([&](const ReceivedPacket& received) {
            return ok = expect_stored(received, talker, received.sequence);
          });
        },
        [&] { return !ok || listener.received() == kPackets; });
    EXPECT_FALSE(listener.context().status().dead);
    return listener.received();
  }

  std::uint32_t int_events(std::size_t node) {
    return station(node).hal.read32(regs::kIntEventSet);
  }
};

TEST_F(BusReset, EveryNodeSeesBusResetThenItsNodeNumberAndANewGeneration) {
  bring_up_all();
  for (std::size_t node = 0; node < 3; ++node) {
    EXPECT_EQ(
        regs::self_id_count::kSelfIdGeneration.get(station(node).hal.read32(regs::kSelfIdCount)),
        0u);
    EXPECT_EQ(int_events(node) & regs::int_event::kBusReset.mask(), 0u);
  }
  world_.bus().request_bus_reset();
  // The reset status (2 clk) + Idle, bus_reset_cycles, the self-ID phase (one packet per node,
  // sim/bus.hpp), then 3 register statuses of 9 clk.
  world_.run(reset_cycles());
  EXPECT_EQ(world_.bus().stats().bus_resets, 1u);
  for (std::size_t node = 0; node < 3; ++node) {
    const std::uint32_t events = int_events(node);
    EXPECT_NE(events & regs::int_event::kBusReset.mask(), 0u) << "node " << node;
    EXPECT_NE(events & regs::int_event::kSelfIdComplete.mask(), 0u) << "node " << node;
    EXPECT_NE(events & regs::int_event::kSelfIdComplete2.mask(), 0u) << "node " << node;
    EXPECT_EQ(
        regs::self_id_count::kSelfIdGeneration.get(station(node).hal.read32(regs::kSelfIdCount)),
        1u);
    const std::uint32_t node_id = station(node).hal.read32(regs::kNodeId);
    EXPECT_EQ(regs::node_id::kIdValid.get(node_id), 1u) << "node " << node;
    EXPECT_EQ(regs::node_id::kNodeNumber.get(node_id), world_.bus().physical_id(node));
    EXPECT_EQ(regs::node_id::kRoot.get(node_id), node == 0 ? 1u : 0u) << "node " << node;
    EXPECT_EQ(regs::node_id::kBusNumber.get(node_id), 0x3FFu);
  }
  EXPECT_EQ(regs::node_id::kNodeNumber.get(station(0).hal.read32(regs::kNodeId)), 2u);
  // A second reset counts another generation.
  world_.bus().request_bus_reset();
  world_.run(reset_cycles());
  EXPECT_EQ(regs::self_id_count::kSelfIdGeneration.get(station(1).hal.read32(regs::kSelfIdCount)),
            2u);
}

TEST_F(BusReset, NodeIdIsNotValidBetweenTheResetAndThePhysRegisterStatus) {
  bring_up_all();
  world_.bus().request_bus_reset();
  world_.run(3 + 8);  // the reset status has arrived, register 0 has not
  EXPECT_EQ(regs::node_id::kIdValid.get(station(1).hal.read32(regs::kNodeId)), 0u);
  EXPECT_NE(int_events(1) & regs::int_event::kBusReset.mask(), 0u);
  EXPECT_EQ(int_events(1) & regs::int_event::kSelfIdComplete.mask(), 0u);
}

TEST_F(BusReset, IsochronousStreamsKeepRunningThroughABusReset) {
  bring_up_all();
  EXPECT_EQ(stream_across_a_reset([](unsigned n) { return 64u + 8u * n; }), kPackets)
      << "every packet, in order, across the reset";
  EXPECT_EQ(world_.bus().stats().bus_resets, 1u);
  EXPECT_NE(int_events(2) & regs::int_event::kBusReset.mask(), 0u);
}

// The self-ID DMA shares the AXI write path with the IR engine storing a stream: both get
// through, nothing is lost or reordered.
TEST_F(BusReset, SelfIdsAreStoredWhileAStreamIsBeingReceived) {
  bring_up_all();
  std::vector<fw::DmaBuffer> buffers;
  for (std::size_t node = 0; node < 3; ++node) {
    buffers.push_back(allocate(node, 2048, 2048));
    station(node).hal.write32(regs::kSelfIdBuffer, buffers.back().bus_address());
    station(node).hal.write32(regs::kLinkControlSet, regs::link_control::kRcvSelfId.mask());
  }
  EXPECT_EQ(stream_across_a_reset([](unsigned n) { return 512u + 8u * n; }), kPackets);
  for (std::size_t node = 0; node < 3; ++node) {
    const std::uint32_t count = station(node).hal.read32(regs::kSelfIdCount);
    EXPECT_EQ(regs::self_id_count::kSelfIdSize.get(count), 7u) << "header + 3 pairs, node " << node;
    EXPECT_EQ(regs::self_id_count::kSelfIdError.get(count), 0u);
    for (std::uint32_t pair = 0; pair < 3; ++pair) {
      const std::uint32_t id = buffers[node].read_quadlet(4 + 8 * pair).value();
      EXPECT_EQ(buffers[node].read_quadlet(8 + 8 * pair).value(), ~id);
      EXPECT_EQ((id >> 24) & 0x3Fu, pair) << "in Physical_ID order";
    }
  }
}

}  // namespace
}  // namespace ohci::tb
