// IR error paths and interrupts: a packet longer than its block, a data write error, a malformed
// block, a descriptor read error, and i=11 completion interrupts (reference/ohci-isoch.md 2, 3.3,
// 3.4; docs/decisions.md 20, 23).
#include <algorithm>

#include "stream_harness.hpp"

namespace ohci::tb {
namespace {

using regs::DescInterrupt;
using regs::EventCode;
using regs::Speed;

// A ring of `slots` packet-per-buffer blocks of one INPUT_LAST each (Z = 1) over `bytes`-byte
// buffers, for the tests that need to reach into the program.
struct SmallRing {
  SmallRing(BusTest& bus, std::size_t node, unsigned slot_count, std::uint32_t bytes,
            unsigned interrupt_every = 0)
      : slots(slot_count),
        buffer_bytes(bytes),
        program(bus.allocate(node, slot_count * 16)),
        data(bus.allocate(node, slot_count * bytes)) {
    std::fill(data.bytes().begin(), data.bytes().end(), kGuard);
    for (unsigned slot = 0; slot < slots; ++slot) {
      const std::array<fw::IrBuffer, 1> buffer{
          fw::IrBuffer{data.bus_address() + slot * bytes, bytes}};
      const bool interrupt = interrupt_every && (slot + 1) % interrupt_every == 0;
      auto block = fw::write_packet_per_buffer_block(
          program, slot * 16,
          fw::IrBlockSpec{.buffers = buffer,
                          .interrupt = interrupt ? DescInterrupt::kAlways : DescInterrupt::kNever},
          slot + 1 < slots ? fw::BlockRef{program.bus_address() + (slot + 1) * 16, 1}
                           : fw::BlockRef::end());
      EXPECT_TRUE(block.ok());
      blocks.push_back(block.value());
    }
  }
  fw::IrPacketCompletion completion(unsigned slot) const {
    auto completion = fw::read_packet_completion(program, blocks.at(slot));
    EXPECT_TRUE(completion.ok());
    return completion.ok() ? completion.value() : fw::IrPacketCompletion{};
  }
  bool untouched(unsigned slot) const {
    const auto bytes = data.bytes().subspan(slot * buffer_bytes, buffer_bytes);
    return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == kGuard; });
  }

  unsigned slots;
  std::uint32_t buffer_bytes;
  fw::DmaBuffer program;
  fw::DmaBuffer data;
  std::vector<fw::IrBlock> blocks;
};

fw::IrContext open_ir(Station& station, std::uint32_t index) {
  auto context = fw::IrContext::open(station.hal, index);
  EXPECT_TRUE(context.ok());
  return context.value();
}

fw::IrStartOptions on_channel(std::uint32_t channel) {
  fw::IrStartOptions options;
  options.channel = channel;
  return options;
}

class IrErrors : public BusTest {};

TEST_F(IrErrors, APacketLongerThanItsBlockIsCutThereWithEvtLongPacket) {
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 4, .sy = 0};
  bring_up_all();
  // Odd packets (2000 bytes) do not fit the 8 + 1024 bytes of a Listener slot; even ones (500) do.
  Talker talker(*this, 0, 0, header, [](unsigned n) { return n % 2 ? 2000u : 500u; });
  Listener listener(*this, 1, 0, 1024);
  listener.start(on_channel(header.channel));
  talker.start(8);
  unsigned checked = 0;
  while (listener.received() < 8 && world_.cycle() < 40 * kClkPerCycle) {
    world_.run(kClkPerCycle / 2);
    talker.service();
    listener.service([&](const ReceivedPacket& received) {
      const unsigned n = received.sequence;
      auto packet = fw::parse_packet_per_buffer(received.stream);
      EXPECT_TRUE(packet.ok()) << "packet " << n;
      if (!packet.ok()) return false;
      const std::uint32_t length = talker.length(n);
      const std::uint32_t kept = std::min(length, 1024u);
      const auto expected = expected_payload(talker.number(n), kept);
      EXPECT_TRUE(packet.value().payload.size() >= kept &&
                  std::equal(expected.begin(), expected.end(),
                             reinterpret_cast<const std::uint8_t*>(packet.value().payload.data())))
          << "packet " << n;
      EXPECT_EQ(packet.value().data_length, length) << "packet " << n << ": header as received";
      EXPECT_TRUE(received.guards_intact) << "packet " << n << ": written beyond its block";
      EXPECT_EQ(received.completion.descriptor, 1u) << "status in the INPUT_LAST";
      if (length > 1024) {
        EXPECT_EQ(received.completion.event(), EventCode::kEvtLongPacket) << "packet " << n;
        EXPECT_EQ(packet.value().event(), EventCode::kEvtLongPacket) << "trailer, packet " << n;
        EXPECT_EQ(received.completion.status.res_count, 0u);
        EXPECT_EQ(received.completion.stored_bytes, 8u + 1024u);
      } else {
        EXPECT_EQ(received.completion.event(), EventCode::kAckComplete) << "packet " << n;
        EXPECT_EQ(received.completion.status.res_count, 1024u - 500u);
      }
      EXPECT_EQ(packet.value().trailer.time_stamp, talker.time_stamp(n));
      ++checked;
      return !HasFailure();
    });
  }
  EXPECT_EQ(checked, 8u);
  EXPECT_FALSE(listener.context().status().dead) << "a long packet is not fatal";
}

TEST_F(IrErrors, ADataWriteErrorKillsOnlyThatContextWithEvtDataWrite) {
  const fw::IsoHeader header_a{.speed = Speed::kS400, .tag = 1, .channel = 1, .sy = 0};
  const fw::IsoHeader header_b{.speed = Speed::kS400, .tag = 1, .channel = 2, .sy = 0};
  bring_up_all(regs::int_mask::kUnrecoverableError.mask());
  Talker talker_a(*this, 0, 0, header_a, [](unsigned) { return 256u; });
  Talker talker_b(
      *this, 0, 1, header_b, [](unsigned) { return 256u; }, 1000);
  SmallRing bad(*this, 1, 4, 8 + 256);
  Listener good(*this, 1, 1, 256);
  // Context 0's buffers answer SLVERR to writes.
  station(1).node.dma_port().add_error_range({bad.data.bus_address(),
                                              bad.data.bus_address() + 4 * (8 + 256) - 1, false,
                                              true, sim::AxiResp::SlvErr});
  fw::IrContext context0 = open_ir(station(1), 0);
  ASSERT_EQ(context0.start(bad.blocks[0], on_channel(1)), fw::Status::Success);
  good.start(on_channel(2));
  talker_a.start(6);
  talker_b.start(6);
  while (good.received() < 6 && world_.cycle() < 40 * kClkPerCycle) {
    world_.run(kClkPerCycle / 2);
    talker_a.service();
    talker_b.service();
    good.service([&](const ReceivedPacket& received) {
      auto packet = fw::parse_packet_per_buffer(received.stream);
      EXPECT_TRUE(packet.ok());
      const auto expected = expected_payload(talker_b.number(received.sequence), 256);
      EXPECT_TRUE(packet.ok() &&
                  std::equal(expected.begin(), expected.end(),
                             reinterpret_cast<const std::uint8_t*>(packet.value().payload.data())));
      return true;
    });
  }
  EXPECT_EQ(good.received(), 6u) << "context 1 keeps receiving";
  const fw::IrContextStatus dead = context0.status();
  EXPECT_TRUE(dead.run);
  EXPECT_TRUE(dead.dead);
  EXPECT_FALSE(dead.active);
  EXPECT_EQ(dead.event, EventCode::kEvtDataWrite);
  EXPECT_NE(station(1).hal.read32(regs::kIntEventSet) & regs::int_event::kUnrecoverableError.mask(),
            0u);
  EXPECT_EQ(bad.completion(0).status.xfer_status, 0u) << "no status for the failed packet";
  // Clearing run clears dead.
  ASSERT_EQ(context0.stop(), fw::Status::Success);
  EXPECT_FALSE(context0.status().dead);
}

TEST_F(IrErrors, AMalformedBlockKillsTheContextWithEvtUnknownAndWritesNothing) {
  const fw::IsoHeader header{.speed = Speed::kS200, .tag = 0, .channel = 6, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned) { return 64u; });
  SmallRing ring(*this, 1, 2, 8 + 64);
  // reqCount 70 is not a whole number of quadlets (decision 23).
  const std::uint32_t control = ring.program.read_quadlet(0).value();
  ASSERT_EQ(ring.program.write_quadlet(0, (control & 0xFFFF0000u) | 70u), fw::Status::Success);
  fw::IrContext context = open_ir(station(1), 0);
  ASSERT_EQ(context.start(ring.blocks[0], on_channel(header.channel)), fw::Status::Success);
  talker.start(3);
  world_.run(6 * kClkPerCycle);
  const fw::IrContextStatus status = context.status();
  EXPECT_TRUE(status.dead);
  EXPECT_EQ(status.event, EventCode::kEvtUnknown);
  EXPECT_TRUE(ring.untouched(0) && ring.untouched(1));
  EXPECT_EQ(ring.completion(0).status.xfer_status, 0u);
}

TEST_F(IrErrors, ADescriptorReadErrorKillsTheContextWithEvtDescriptorRead) {
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 0, .channel = 8, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned) { return 32u; });
  SmallRing ring(*this, 1, 2, 8 + 32);
  station(1).node.dma_port().add_error_range({ring.program.bus_address(),
                                              ring.program.bus_address() + 31, true, false,
                                              sim::AxiResp::SlvErr});
  fw::IrContext context = open_ir(station(1), 0);
  ASSERT_EQ(context.start(ring.blocks[0], on_channel(header.channel)), fw::Status::Success);
  talker.start(2);
  world_.run(5 * kClkPerCycle);
  const fw::IrContextStatus status = context.status();
  EXPECT_TRUE(status.dead);
  EXPECT_EQ(status.event, EventCode::kEvtDescriptorRead);
  EXPECT_TRUE(ring.untouched(0));
}

class IrInterrupts : public BusTest {};

TEST_F(IrInterrupts, AnInputLastWithIEqual11RaisesIsoRecvIntEventWhenItsPacketCompletes) {
  constexpr unsigned kPackets = 12;
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 0, .channel = 10, .sy = 0};
  bring_up_all(regs::int_mask::kIsochRx.mask());
  Talker talker(*this, 0, 0, header, [](unsigned n) { return 16u * (n + 1); });
  SmallRing ring(*this, 1, kPackets, 8 + 256, /*interrupt_every=*/4);
  fw::IrContext context = open_ir(station(1), 0);
  // Each ISR entry: which IsoRecvIntEvent bits, and how many blocks were complete by then.
  std::vector<std::pair<std::uint32_t, unsigned>> entries;
  station(1).hal.attach_interrupt([&] {
    auto events = station(1).controller.read_and_clear_events();
    ASSERT_TRUE(events.ok());
    unsigned complete = 0;
    while (complete < kPackets && ring.completion(complete).done()) ++complete;
    entries.emplace_back(events.value().iso_recv, complete);
  });
  context.enable_interrupt();
  ASSERT_EQ(context.start(ring.blocks[0], on_channel(header.channel)), fw::Status::Success);
  talker.start(kPackets);
  world_.run((kPackets + 4) * kClkPerCycle);
  // i=11 on blocks 3, 7 and 11: one interrupt each, taken before the next packet completes.
  ASSERT_EQ(entries.size(), 3u);
  for (unsigned k = 0; k < 3; ++k) {
    EXPECT_EQ(entries[k].first, 1u) << "IsoRecvIntEvent bit 0";
    EXPECT_EQ(entries[k].second, 4 * (k + 1)) << "interrupt " << k;
  }
  EXPECT_EQ(station(1).hal.read32(regs::kIntEventSet) & regs::int_event::kIsochRx.mask(), 0u);
}

class IrContextControl : public BusTest {};

TEST_F(IrContextControl, StoppingMidStreamClearsActiveAndARestartReceivesAgain) {
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 0, .channel = 11, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned) { return 1024u; });
  SmallRing first(*this, 1, 8, 8 + 1024);
  SmallRing second(*this, 1, 8, 8 + 1024);
  fw::IrContext context = open_ir(station(1), 0);
  ASSERT_EQ(context.start(first.blocks[0], on_channel(header.channel)), fw::Status::Success);
  talker.start(40);
  world_.run(3 * kClkPerCycle);
  talker.service();
  ASSERT_EQ(context.stop(), fw::Status::Success);
  const fw::IrContextStatus stopped = context.status();
  EXPECT_FALSE(stopped.run);
  EXPECT_FALSE(stopped.active);
  unsigned stored = 0;
  while (stored < first.slots && first.completion(stored).done()) ++stored;
  EXPECT_GE(stored, 1u);
  // Nothing more lands in the first program once stopped.
  world_.run(3 * kClkPerCycle);
  unsigned after = 0;
  while (after < first.slots && first.completion(after).done()) ++after;
  EXPECT_EQ(after, stored);
  for (unsigned slot = stored; slot < first.slots; ++slot) EXPECT_TRUE(first.untouched(slot));
  // A restart on a new program (CommandPtr is writable again) receives the next packets.
  ASSERT_EQ(context.start(second.blocks[0], on_channel(header.channel)), fw::Status::Success);
  EXPECT_EQ(context.command_ptr(), second.blocks[0].ref.address | 1u);
  world_.run(3 * kClkPerCycle);
  EXPECT_TRUE(second.completion(0).done());
  EXPECT_EQ(second.completion(0).event(), EventCode::kAckComplete);
}

TEST_F(IrContextControl, AWakeWithNothingAppendedLeavesTheContextIdle) {
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 0, .channel = 12, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned) { return 64u; });
  SmallRing ring(*this, 1, 2, 8 + 64);
  fw::IrContext context = open_ir(station(1), 0);
  ASSERT_EQ(context.start(ring.blocks[0], on_channel(header.channel)), fw::Status::Success);
  talker.start(6);
  world_.run(4 * kClkPerCycle);
  EXPECT_TRUE(context.status().idle()) << "both blocks used: idle at the Z=0 branch";
  const std::uint32_t dropped = context.dropped_packets();
  EXPECT_GE(dropped, 1u);
  context.wake();
  world_.run(kClkPerCycle);
  EXPECT_TRUE(context.status().idle());
  EXPECT_EQ(context.command_ptr(), ring.blocks[1].ref.address | 1u) << "still on the last block";
  EXPECT_EQ(context.dropped_packets(), dropped + 1) << "the next packet is dropped too";
}

}  // namespace
}  // namespace ohci::tb
