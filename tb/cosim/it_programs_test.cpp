// IT descriptor programs beyond one-piece packets: every block form, the underrun skip path,
// error paths and stopping (reference/ohci-isoch.md 2, 3.1, 3.2; docs/decisions.md).
#include <array>

#include "cosim_fixture.hpp"
#include "ohci/regmap.hpp"

namespace ohci::tb {
namespace {

using regs::DescInterrupt;
using regs::EventCode;
using regs::Speed;

class ItPrograms : public CosimTest {
 protected:
  // A chain of `count` one-piece packets of `length` bytes, numbered from 0.
  std::vector<fw::ItBlock> chain(std::size_t count, std::uint32_t length,
                                 const fw::IsoHeader& header) {
    return write_chain(program_, payload_, uniform_packets(count, length, 0x200), header);
  }

  fw::DmaBuffer program_ = allocate(16 * kBlockBytes);
  fw::DmaBuffer payload_ = allocate(0x4000);
  const fw::IsoHeader header_{Speed::kS400, 1, 33, 7};
};

TEST_F(ItPrograms, EveryBlockFormGoesOutInItsOwnCycle) {
  bring_up();
  // Block 3: one piece. Block 2: the empty OUTPUT_LAST, which uses up a cycle and sends nothing.
  const fw::ItBlock last =
      write_packet(program_, 3, payload_, 3, PacketSpec{12, 0x300}, header_, fw::BlockRef::end());
  auto skip = fw::write_skip_cycle_block(program_, 2 * kBlockBytes, last.ref);
  ASSERT_TRUE(skip.ok());
  // Block 1: OUTPUT_LAST-Immediate alone, a header-only packet.
  auto header_only = fw::write_packet_block(program_, 1 * kBlockBytes, fw::ItPacket{header_, {}},
                                            skip.value().ref);
  ASSERT_TRUE(header_only.ok());
  // Block 0: three pieces (OUTPUT_MORE, OUTPUT_MORE, OUTPUT_LAST) at odd byte addresses; the
  // packet's payload is their concatenation.
  fill_payload(payload_, 0x101, 0, 18);
  const std::uint32_t base = payload_.bus_address() + 0x101;
  std::array<fw::PayloadPiece, 3> pieces{fw::PayloadPiece{base, 5}, fw::PayloadPiece{base + 5, 3},
                                         fw::PayloadPiece{base + 8, 10}};
  auto first =
      fw::write_packet_block(program_, 0, fw::ItPacket{header_, pieces}, header_only.value().ref);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first.value().ref.z, 5u);  // OMI (2) + 3 payload descriptors

  fw::ItContext context = open_context(0);
  ASSERT_EQ(context.start(first.value()), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(3, 6 * kClkPerCycle));
  world_.run(300);
  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].packet.payload, expected_payload(0, 18));
  EXPECT_TRUE(sent[0].packet.data_crc_ok);
  EXPECT_EQ(sent[1].packet.data_length, 0u);
  EXPECT_EQ(sent[1].wire.bytes.size(), 8u) << "header and header CRC only";
  EXPECT_TRUE(sent[1].packet.header_crc_ok);
  EXPECT_EQ(sent[1].cycle, next_cycle(sent[0].cycle));
  EXPECT_EQ(sent[2].cycle, next_cycle(sent[0].cycle, 3)) << "the empty block used up a cycle";
  EXPECT_EQ(sent[2].packet.payload, expected_payload(3, 12));
  auto skipped = fw::read_completion(program_, skip.value());
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped.value().event(), EventCode::kAckComplete);
  EXPECT_EQ(skipped.value().time_stamp, next_cycle(sent[0].cycle, 2));
}

TEST_F(ItPrograms, UnderrunTakesTheSkipAddressAndSendsThePacketOneCycleLate) {
  bring_up();
  const auto blocks = chain(3, 64, header_);  // skipAddress = the block itself, as Linux does
  fw::ItContext context = open_context(0);
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(1, 3 * kClkPerCycle));
  // Packet 0 is on the wire in cycle N. Host memory now stalls until 1000 clk into cycle N+1,
  // so block 1 is not staged when N+1 opens: the context must skip, not send late data.
  const std::uint64_t packet0_edge = world_.cycle();
  node_.dma_port().stall_reads(packet0_edge, packet0_edge + kClkPerCycle + 1000);
  world_.run(kClkPerCycle + 1200);
  EXPECT_EQ(context.status().event, EventCode::kEvtUnderrun);
  EXPECT_EQ(iso_packet_count(), 1u);
  ASSERT_TRUE(run_until_iso_packets(3, 4 * kClkPerCycle));
  world_.run(300);

  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].cycle, next_cycle(sent[0].cycle, 2));
  EXPECT_EQ(sent[2].cycle, next_cycle(sent[0].cycle, 3));
  for (unsigned k = 0; k < 3; ++k) {
    EXPECT_EQ(sent[k].packet.payload, expected_payload(k, 64)) << k;
    EXPECT_TRUE(sent[k].packet.data_crc_ok) << k;
  }
  auto late = fw::read_completion(program_, blocks[1]);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late.value().time_stamp, sent[1].cycle);
  EXPECT_EQ(late.value().event(), EventCode::kAckComplete);
}

TEST_F(ItPrograms, PayloadReadErrorKillsTheContextWithEvtDataRead) {
  bring_up(regs::int_mask::kUnrecoverableError.mask());
  const auto blocks = chain(2, 32, header_);
  node_.dma_port().add_error_range({payload_.bus_address() + 0x200, payload_.bus_address() + 0x21F,
                                    true, false, sim::AxiResp::SlvErr});
  fw::ItContext context = open_context(1);
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  world_.run(4 * kClkPerCycle);
  EXPECT_EQ(iso_packet_count(), 1u) << "packet 0 went out, packet 1 never";
  const fw::ContextStatus status = context.status();
  EXPECT_TRUE(status.dead);
  EXPECT_FALSE(status.active);
  EXPECT_EQ(status.event, EventCode::kEvtDataRead);
  EXPECT_NE(hal_.read32(regs::kIntEventSet) & regs::int_event::kUnrecoverableError.mask(), 0u);
}

TEST_F(ItPrograms, MalformedBlockKillsTheContextWithEvtUnknown) {
  bring_up();
  const auto blocks = chain(1, 16, header_);
  // Turn the OUTPUT_MORE-Immediate into an INPUT_MORE: not an IT descriptor.
  auto control = program_.read_quadlet(blocks[0].offset);
  ASSERT_TRUE(control.ok());
  ASSERT_EQ(
      program_.write_quadlet(blocks[0].offset, (control.value() & 0x0FFF'FFFFu) | 0x2000'0000u),
      fw::Status::Success);
  fw::ItContext context = open_context(0);
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  world_.run(2 * kClkPerCycle);
  EXPECT_EQ(iso_packet_count(), 0u);
  EXPECT_TRUE(context.status().dead);
  EXPECT_EQ(context.status().event, EventCode::kEvtUnknown);
}

TEST_F(ItPrograms, DataLengthThatIsNotThePayloadKillsTheContextWithEvtTcodeErr) {
  bring_up();
  const auto blocks = chain(1, 16, header_);
  // imm1 (quadlet 5 of the block) holds dataLength: claim 20 bytes for a 16-byte payload.
  ASSERT_EQ(program_.write_quadlet(blocks[0].offset + 20, 20u << 16), fw::Status::Success);
  fw::ItContext context = open_context(0);
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  world_.run(2 * kClkPerCycle);
  EXPECT_EQ(iso_packet_count(), 0u);
  EXPECT_TRUE(context.status().dead);
  EXPECT_EQ(context.status().event, EventCode::kEvtTcodeErr);
}

TEST_F(ItPrograms, StopClearsActiveAndNothingMoreIsSent) {
  bring_up();
  const auto blocks = chain(8, 100, header_);
  fw::ItContext context = open_context(0);
  ASSERT_EQ(context.start(blocks[0]), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(2, 4 * kClkPerCycle));
  ASSERT_EQ(context.stop(), fw::Status::Success);
  EXPECT_TRUE(context.status().stopped());
  world_.run(3 * kClkPerCycle);
  EXPECT_EQ(iso_packet_count(), 2u);
  // Stopped, CommandPtr is writable again and a restart sends from the new block.
  ASSERT_EQ(context.start(blocks[5]), fw::Status::Success);
  ASSERT_TRUE(run_until_iso_packets(3, 3 * kClkPerCycle));
  EXPECT_EQ(iso_packets_on_wire()[2].packet.payload, expected_payload(5, 100));
}

}  // namespace
}  // namespace ohci::tb
