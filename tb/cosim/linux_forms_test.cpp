// Linux 6.1 firewire-ohci's own isochronous DMA programs, replayed on the RTL without QEMU: the
// descriptors are written into host memory exactly as the driver lays them out and the contexts
// started with the driver's register sequence (linux_forms.hpp; reference/linux-qemu-bridge.md
// 2.3), and the results are checked against the OHCI rules (reference/ohci-isoch.md 2, 3) and
// the documented behaviour (docs/decisions.md, docs/architecture.md latencies).
//
// IT: the skip-to-self blocks (OUTPUT_MORE-Immediate + OUTPUT_LAST), header bytes through an
// extra OUTPUT_MORE, header-only and empty packets, the skip packet, payloads split at 4 KiB
// pages, and a late packet taking its skip-to-self branch. IR: packet-per-buffer with
// isochHeader (header buffer after the block, the payload split at pages), and the multichannel
// buffer-fill context. Every expected byte is built from the spec, every cycle from the
// documented latencies.
#include "linux_forms.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "bus_fixture.hpp"
#include "cosim_fixture.hpp"

namespace ohci::tb {
namespace {

namespace lf = linux_forms;
using regs::EventCode;
using regs::Speed;

// xferStatus = ContextControl[15:0] when the descriptor completes (reference 2.2). IT: run |
// active | ack_complete (decision 13; the driver never sets wake in these programs).
constexpr std::uint32_t kItXferStatus = 0x8411;
// IR: run | active | spd = S400 (2 << 5) | ack_complete (rtl/ohci_ir_dma.v: spd is the speed
// the packet was received at).
constexpr std::uint32_t kIrXferStatusS400 = 0x8451;
constexpr std::byte kGuard{0xEE};
// irq rises 4 edges after the status write that completes an i = 11 descriptor: its last W beat
// at w, B at w+1, the engine's event pulse at w+2, Iso*IntEvent[n] at w+3, the registered irq at
// w+4 (docs/architecture.md: the completion interrupt row for IT; the IR store row,
// "IsoRecvIntEvent pulse the edge after the completing B", and rtl/ohci_ir_dma.v's header say the
// same for IR).
constexpr std::uint64_t kStatusWriteToIrq = 4;

// The edges at which `node` completed a DMA write burst starting at `address` (the event log
// records each burst at its last W beat, as "0x<address> <- ...").
std::vector<std::uint64_t> write_edges(const sim::EventLog& log, const std::string& node,
                                       std::uint32_t address) {
  std::ostringstream prefix;
  prefix << "0x" << std::hex << address << " <-";
  std::vector<std::uint64_t> edges;
  for (const sim::Event& event : log.events())
    if (event.kind == sim::EventKind::DmaWrite && event.node == node &&
        event.detail.rfind(prefix.str(), 0) == 0)
      edges.push_back(event.cycle);
  return edges;
}

// A quadlet as the controller stores it: a little-endian word.
void append_le(std::vector<std::uint8_t>& bytes, std::uint32_t quadlet) {
  for (unsigned b = 0; b < 4; ++b) bytes.push_back(static_cast<std::uint8_t>(quadlet >> 8 * b));
}

// ------------------------------------------------------------------------------------------
// Transmit

// One IT context programmed as the driver programs it: packets queued back to back in a cdev iso
// buffer of `pages` pages, packet k's payload payload_byte(number_base + k, i).
class LinuxTalker {
 public:
  static constexpr std::uint32_t kTag = 1;

  LinuxTalker(fw::Hal& hal, std::uint32_t context, std::uint32_t channel, std::size_t pages,
              unsigned number_base = 0)
      : hal_(hal),
        context_(context),
        channel_(channel),
        number_base_(number_base),
        program_(hal),
        payload_(hal, pages, std::byte{0}) {}

  // Queues packet `packet` (the next number); its payload at the running offset of the buffer.
  const lf::ItQueued& queue(const lf::ItPacket& packet) {
    const unsigned number = number_base_ + static_cast<unsigned>(packets_.size());
    for (std::uint32_t i = 0; i < packet.payload_length; ++i)
      payload_.at(index_ + i) = std::byte{payload_byte(number, i)};
    queued_.push_back(
        lf::queue_transmit(program_, payload_, index_, packet, channel_, Speed::kS400));
    packets_.push_back(packet);
    indices_.push_back(index_);
    index_ += packet.payload_length;
    return queued_.back();
  }
  // A plain packet: `length` payload bytes, tag 1, sy = its number mod 16.
  const lf::ItQueued& queue(std::uint32_t length, bool interrupt = false) {
    return queue(lf::ItPacket{.payload_length = length,
                              .interrupt = interrupt,
                              .tag = kTag,
                              .sy = static_cast<std::uint32_t>(packets_.size() % 16),
                              .header = {}});
  }

  void start() { lf::start_it(hal_, context_, program_); }

  std::size_t size() const { return packets_.size(); }
  const lf::ItPacket& packet(std::size_t k) const { return packets_.at(k); }
  const lf::ItQueued& queued(std::size_t k) const { return queued_.at(k); }
  std::size_t payload_index(std::size_t k) const { return indices_.at(k); }
  std::uint32_t channel() const { return channel_; }
  lf::DescriptorProgram& program() { return program_; }
  const lf::DescriptorProgram& program() const { return program_; }
  const lf::IsoBuffer& payload() const { return payload_; }

  // The data block packet k carries: its header bytes, then its payload (cdev: header_length
  // bytes are sent before the payload, and dataLength counts both).
  std::vector<std::uint8_t> data_block(std::size_t k) const {
    std::vector<std::uint8_t> bytes = packets_.at(k).header;
    const auto payload =
        expected_payload(number_base_ + static_cast<unsigned>(k), packets_.at(k).payload_length);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return bytes;
  }
  // Packet k on the wire as 1394 defines it (reference 4.2, decision 4): header quadlet
  // data_length | tag | channel | tcode 0xA | sy, header CRC, the data block zero-padded to a
  // quadlet, data CRC (none for an empty data block). Built by the bus model's encoder.
  std::vector<std::uint8_t> wire_bytes(std::size_t k) const {
    const auto& p = packets_.at(k);
    return sim::encode_iso_packet(sim::IsoFields{.channel = static_cast<std::uint8_t>(channel_),
                                                 .tag = static_cast<std::uint8_t>(p.tag),
                                                 .sy = static_cast<std::uint8_t>(p.sy)},
                                  data_block(k));
  }
  // The isochronous header quadlet of packet k, as a receiver stores it.
  std::uint32_t header_quadlet(std::size_t k) const {
    const auto& p = packets_.at(k);
    const auto length = static_cast<std::uint32_t>(p.header.size() + p.payload_length);
    return length << 16 | p.tag << 14 | channel_ << 8 | 0xAu << 4 | p.sy;
  }

  // The status quadlet (xferStatus | timeStamp) of packet k's OUTPUT_LAST.
  std::uint32_t status(std::size_t k) const {
    return program_.read32(queued_.at(k).last + regs::desc::kStatus);
  }
  std::uint32_t status_address(std::size_t k) const {
    return program_.bus(queued_.at(k).last + regs::desc::kStatus);
  }
  bool all_sent() const { return !packets_.empty() && status(packets_.size() - 1) != 0; }

 private:
  fw::Hal& hal_;
  std::uint32_t context_;
  std::uint32_t channel_;
  unsigned number_base_;
  lf::DescriptorProgram program_;
  lf::IsoBuffer payload_;
  std::vector<lf::ItPacket> packets_;
  std::vector<lf::ItQueued> queued_;
  std::vector<std::size_t> indices_;
  std::size_t index_ = 0;
};

class LinuxItForms : public CosimTest {
 protected:
  static constexpr std::uint32_t kContext = 0;  // the driver takes the lowest free IT context
  static constexpr std::uint32_t kChannel = 5;

  void SetUp() override {
    CosimTest::SetUp();
    bring_up(regs::int_mask::kIsochTx.mask());
    hal_.attach_interrupt([this] { irqs_.push_back(lf::linux_irq_handler(hal_)); });
  }

  // Starts the context with the driver's sequence right after a cycle start has gone out, and
  // returns the cycle it opened, C. The isochronous period of C opens as the cycle start leaves
  // the wire (rtl/ohci_link_tx.v: iso_start two Idle clk after its last chunk); the start
  // sequence alone (6 register accesses, 18 clk) and the block fetch come after that, so the
  // first packet is staged during C and goes out in C + 1 (decision 1).
  std::uint32_t start_after_a_cycle_start() {
    const std::size_t seen = node_.phy().packets().size();
    EXPECT_TRUE(
        world_.run_until([&] { return node_.phy().packets().size() > seen; }, 2 * kClkPerCycle));
    const sim::WirePacket& last = node_.phy().packets().back();
    EXPECT_EQ(sim::tcode_of(last.bytes), sim::kTcodeCycleStart);
    const sim::CycleStartPacket start = sim::parse_cycle_start(last.bytes);
    talker_.start();
    return (start.cycle_time >> 25 & 0x7u) << 13 | (start.cycle_time >> 12 & 0x1FFFu);
  }

  // Sends the whole program: starts it, waits for `packets` packets and the last status write.
  std::uint32_t send(std::size_t packets) {
    snapshot_.assign(talker_.program().memory().bytes().begin(),
                     talker_.program().memory().bytes().end());
    const std::uint32_t opened = start_after_a_cycle_start();
    EXPECT_TRUE(run_until_iso_packets(packets, (packets + 4) * kClkPerCycle));
    world_.run(300);  // the last status write-back
    return opened;
  }

  // Every byte of the descriptor page is as written, but the status quadlets of the blocks'
  // OUTPUT_LASTs: the controller writes nothing else (no skip status, no branch, no header).
  void expect_only_status_quadlets_written() const {
    const auto now = talker_.program().memory().bytes();
    std::vector<bool> status(now.size(), false);
    for (std::size_t k = 0; k < talker_.size(); ++k)
      for (std::size_t b = 0; b < 4; ++b)
        status[talker_.queued(k).last + regs::desc::kStatus + b] = true;
    for (std::size_t i = 0; i < now.size(); ++i)
      if (!status[i]) {
        ASSERT_EQ(now[i], snapshot_[i]) << "descriptor page byte 0x" << std::hex << i;
      }
  }

  void expect_wire(const std::vector<SentPacket>& sent) const {
    ASSERT_EQ(sent.size(), talker_.size());
    for (std::size_t k = 0; k < sent.size(); ++k) {
      EXPECT_EQ(sent[k].wire.bytes, talker_.wire_bytes(k)) << "packet " << k << " on the wire";
      EXPECT_EQ(sent[k].wire.speed, static_cast<unsigned>(Speed::kS400)) << "packet " << k;
      EXPECT_EQ(sent[k].wire.request, sim::LreqType::IsoReq) << "packet " << k;
    }
  }

  LinuxTalker talker_{hal_, kContext, kChannel, 3};
  std::vector<std::byte> snapshot_;
  std::vector<lf::LinuxIrq> irqs_;
};

// The program the reference measured Linux building for isotx (3 x 64 bytes, tag 1, sy 0,
// channel 5, S400, interrupt on the last): its words, checked against the measured numbers.
void queue_measured_program(LinuxTalker& talker) {
  for (unsigned k = 0; k < 3; ++k)
    talker.queue(
        lf::ItPacket{.payload_length = 64, .interrupt = k == 2, .tag = 1, .sy = 0, .header = {}});
  for (unsigned k = 0; k < 3; ++k) {
    const lf::ItQueued& q = talker.queued(k);
    const auto& program = talker.program();
    ASSERT_EQ(q.z, 3u);
    EXPECT_EQ(program.read32(q.block), 0x0200'0008u) << "OUTPUT_MORE-Immediate, reqCount 8";
    EXPECT_EQ(program.read32(q.block + 8), program.bus(q.block) | 3u) << "skip = the block | 3";
    EXPECT_EQ(program.read32(q.block + 16), 0x0002'45A0u) << "spd 2, tag 1, ch 5, tcode A";
    EXPECT_EQ(program.read32(q.block + 20), 0x0040'0000u) << "dataLength 64";
    EXPECT_EQ(q.last, q.block + 32);
    EXPECT_EQ(program.read32(q.last), (k == 2 ? 0x183Cu : 0x180Cu) << 16 | 64u);
    EXPECT_EQ(program.read32(q.last + 4), talker.payload().bus(64 * k));
    const std::uint32_t next = k < 2 ? program.bus(talker.queued(k + 1).block) | 3u : 0u;
    EXPECT_EQ(program.read32(q.last + 8), next) << "branch to the next block, 0 at the end";
  }
  EXPECT_EQ(talker.program().command_ptr(), talker.program().bus(talker.queued(0).block) | 3u);
}

TEST_F(LinuxItForms, SkipToSelfBlocksSendEveryPacketByteExactInConsecutiveCycles) {
  queue_measured_program(talker_);
  const std::uint32_t opened = send(3);
  const auto sent = iso_packets_on_wire();
  expect_wire(sent);
  for (std::size_t k = 0; k < sent.size(); ++k)
    EXPECT_EQ(sent[k].cycle, next_cycle(opened, static_cast<std::uint32_t>(k + 1)))
        << "packet " << k << ": the first in the cycle after the start, then one a cycle";
}

TEST_F(LinuxItForms, EveryOutputLastGetsAckCompleteAndItsTransmitCycleAndNothingElseIsWritten) {
  queue_measured_program(talker_);
  send(3);
  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    // Decisions 13 and 17: xferStatus run | active | ack_complete, timeStamp the cycle sent in.
    EXPECT_EQ(talker_.status(k), kItXferStatus << 16 | sent[k].cycle) << "packet " << k;
    EXPECT_EQ(write_edges(world_.log(), node_.name(), talker_.status_address(k)).size(), 1u)
        << "one status write per packet";
  }
  expect_only_status_quadlets_written();
}

TEST_F(LinuxItForms, TheInterruptPacketRaisesIsoXmitIntEventFourEdgesAfterItsStatusWrite) {
  queue_measured_program(talker_);
  send(3);
  world_.run(kClkPerCycle);
  // Only the third packet has i = 11: one interrupt, for context 0, after its status write.
  const auto raised = world_.log().cycles_of(node_.name(), sim::EventKind::IrqRaised);
  const auto writes = write_edges(world_.log(), node_.name(), talker_.status_address(2));
  ASSERT_EQ(raised.size(), 1u);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(raised[0], writes[0] + kStatusWriteToIrq);
  ASSERT_EQ(irqs_.size(), 1u);
  EXPECT_NE(irqs_[0].event & regs::int_event::kIsochTx.mask(), 0u);
  EXPECT_EQ(irqs_[0].iso_xmit, 1u << kContext);
}

TEST_F(LinuxItForms, TheContextIdlesAtTheZeroBranchWithCommandPtrOnTheLastBlock) {
  queue_measured_program(talker_);
  send(3);
  world_.run(3 * kClkPerCycle);
  EXPECT_EQ(iso_packet_count(), 3u) << "nothing after the program end";
  const std::uint32_t control =
      hal_.read32(regs::it_context(kContext, regs::ItContextReg::kContextControlSet));
  EXPECT_NE(control & regs::context_control::kRun.mask(), 0u);
  EXPECT_EQ(control & regs::context_control::kActive.mask(), 0u);
  EXPECT_EQ(control & regs::context_control::kDead.mask(), 0u);
  // Decision 3: an idle context's CommandPtr holds the last block of the program.
  EXPECT_EQ(hal_.read32(regs::it_context(kContext, regs::ItContextReg::kCommandPtr)),
            talker_.program().bus(talker_.queued(2).block) | 3u);
}

// Header bytes of varied lengths (4, 8, 16, 20: one or two units kept after the block).
std::vector<std::uint8_t> header_bytes(std::size_t length, unsigned k) {
  std::vector<std::uint8_t> bytes(length);
  for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::uint8_t>(0xC0 + 17 * k + i);
  return bytes;
}

TEST_F(LinuxItForms, HeaderBytesThroughTheExtraOutputMoreGoOnTheWireBeforeThePayload) {
  const std::array<std::pair<std::size_t, std::uint32_t>, 4> shapes{
      {{8, 64}, {16, 100}, {20, 7}, {4, 256}}};
  for (unsigned k = 0; k < shapes.size(); ++k)
    talker_.queue(lf::ItPacket{.payload_length = shapes[k].second,
                               .interrupt = k + 1 == shapes.size(),
                               .tag = 1,
                               .sy = k,
                               .header = header_bytes(shapes[k].first, k)});
  const auto& program = talker_.program();
  for (unsigned k = 0; k < shapes.size(); ++k) {
    const lf::ItQueued& q = talker_.queued(k);
    ASSERT_EQ(q.z, 4u) << "OUTPUT_MORE-Immediate (2), header OUTPUT_MORE, payload OUTPUT_LAST";
    EXPECT_EQ(program.read32(q.block + 20), (shapes[k].first + shapes[k].second) << 16);
    EXPECT_EQ(program.read32(q.block + 32), shapes[k].first) << "OUTPUT_MORE, header_length";
    EXPECT_EQ(program.read32(q.block + 36), program.bus(q.block + 64)) << "bytes after the block";
    EXPECT_EQ(q.last, q.block + 48);
  }
  const std::uint32_t opened = send(shapes.size());
  const auto sent = iso_packets_on_wire();
  expect_wire(sent);
  for (std::size_t k = 0; k < sent.size(); ++k) {
    EXPECT_EQ(sent[k].cycle, next_cycle(opened, static_cast<std::uint32_t>(k + 1)));
    EXPECT_EQ(talker_.status(k), kItXferStatus << 16 | sent[k].cycle);
  }
  expect_only_status_quadlets_written();
}

TEST_F(LinuxItForms, AHeaderOnlyPacketHasItsHeaderDescriptorAsTheOutputLast) {
  // A CIP-style stream: header bytes on every packet, the middle one without payload.
  for (unsigned k = 0; k < 3; ++k)
    talker_.queue(lf::ItPacket{.payload_length = k == 1 ? 0u : 32u,
                               .interrupt = k == 2,
                               .tag = 1,
                               .sy = 0,
                               .header = header_bytes(8, k)});
  const lf::ItQueued& empty = talker_.queued(1);
  ASSERT_EQ(empty.z, 3u);
  EXPECT_EQ(empty.last, empty.block + 32);
  EXPECT_EQ(talker_.program().read32(empty.last), 0x180Cu << 16 | 8u)
      << "the header descriptor is the OUTPUT_LAST";
  const std::uint32_t opened = send(3);
  const auto sent = iso_packets_on_wire();
  expect_wire(sent);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].wire.bytes.size(), 4u + 4u + 8u + 4u) << "header, CRC, 8 bytes, data CRC";
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(sent[k].cycle, next_cycle(opened, static_cast<std::uint32_t>(k + 1)));
    EXPECT_EQ(talker_.status(k), kItXferStatus << 16 | sent[k].cycle);
  }
  expect_only_status_quadlets_written();
}

TEST_F(LinuxItForms, AnEmptyPacketIsALoneOutputLastImmediateSentInItsOwnCycle) {
  talker_.queue(64);
  talker_.queue(0);
  talker_.queue(64, true);
  const lf::ItQueued& empty = talker_.queued(1);
  const auto& program = talker_.program();
  ASSERT_EQ(empty.z, 2u);
  EXPECT_EQ(empty.last, empty.block);
  EXPECT_EQ(program.read32(empty.block), 0x1A0Cu << 16 | 8u) << "OUTPUT_LAST-Immediate";
  // The driver first points its branch word (in the first 16 bytes) at the block itself, then
  // links the next block there.
  EXPECT_EQ(program.read32(empty.block + 8), program.bus(talker_.queued(2).block) | 3u);
  const std::uint32_t opened = send(3);
  const auto sent = iso_packets_on_wire();
  expect_wire(sent);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].wire.bytes.size(), 8u) << "header and header CRC only (decision 4)";
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(sent[k].cycle, next_cycle(opened, static_cast<std::uint32_t>(k + 1)));
    EXPECT_EQ(talker_.status(k), kItXferStatus << 16 | sent[k].cycle);
  }
  expect_only_status_quadlets_written();
}

TEST_F(LinuxItForms, ASkipPacketUsesUpOneCycleAndSendsNothing) {
  talker_.queue(64);
  talker_.queue(lf::ItPacket{.skip = true, .header = {}});
  talker_.queue(64, true);
  const lf::ItQueued& skip = talker_.queued(1);
  ASSERT_EQ(skip.z, 1u);
  EXPECT_EQ(talker_.program().read32(skip.block), 0x180Cu << 16) << "OUTPUT_LAST, reqCount 0";
  const std::uint32_t opened = send(2);
  const auto sent = iso_packets_on_wire();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].wire.bytes, talker_.wire_bytes(0));
  EXPECT_EQ(sent[1].wire.bytes, talker_.wire_bytes(2));
  EXPECT_EQ(sent[0].cycle, next_cycle(opened, 1));
  EXPECT_EQ(sent[1].cycle, next_cycle(opened, 3)) << "the skip block used up cycle C + 2";
  EXPECT_EQ(talker_.status(0), kItXferStatus << 16 | sent[0].cycle);
  EXPECT_EQ(talker_.status(1), kItXferStatus << 16 | next_cycle(opened, 2));
  EXPECT_EQ(talker_.status(2), kItXferStatus << 16 | sent[1].cycle);
  expect_only_status_quadlets_written();
}

TEST_F(LinuxItForms, APayloadCrossingAPageIsOneDescriptorPerPageAndGoesOutConcatenated) {
  // Packets back to back in a 3-page iso buffer whose pages are not adjacent in bus memory:
  // packet 4 (4096 bytes at 4006) and packet 5 (999 bytes at 8102) cross a page.
  const std::array<std::uint32_t, 6> lengths{1000, 1001, 1002, 1003, 4096, 999};
  for (unsigned k = 0; k < lengths.size(); ++k) talker_.queue(lengths[k], k + 1 == lengths.size());
  const auto& program = talker_.program();
  for (unsigned k = 0; k < lengths.size(); ++k) {
    const std::size_t index = talker_.payload_index(k);
    const std::size_t first = std::min<std::size_t>(lengths[k], lf::kPageSize - index % 4096);
    const lf::ItQueued& q = talker_.queued(k);
    if (first == lengths[k]) {
      EXPECT_EQ(q.z, 3u) << "packet " << k;
      continue;
    }
    ASSERT_EQ(q.z, 4u) << "packet " << k << ": one payload descriptor per page";
    EXPECT_EQ(program.read32(q.block + 32), first) << "OUTPUT_MORE up to the page end";
    EXPECT_EQ(program.read32(q.block + 36), talker_.payload().bus(index));
    EXPECT_EQ(program.read32(q.block + 48) & 0xFFFFu, lengths[k] - first);
    EXPECT_EQ(program.read32(q.block + 52), talker_.payload().bus(index + first));
    EXPECT_NE(talker_.payload().bus(index + first), talker_.payload().bus(index) + first)
        << "the next page is elsewhere in bus memory";
    EXPECT_EQ(q.last, q.block + 48);
  }
  ASSERT_EQ(talker_.queued(4).z, 4u);
  ASSERT_EQ(talker_.queued(5).z, 4u);
  const std::uint32_t opened = send(lengths.size());
  const auto sent = iso_packets_on_wire();
  expect_wire(sent);
  for (std::size_t k = 0; k < sent.size(); ++k) {
    EXPECT_EQ(sent[k].cycle, next_cycle(opened, static_cast<std::uint32_t>(k + 1)));
    EXPECT_EQ(talker_.status(k), kItXferStatus << 16 | sent[k].cycle);
  }
  expect_only_status_quadlets_written();
}

TEST_F(LinuxItForms, ALatePacketTakesTheSkipToSelfAddressAndGoesOutOneCycleLater) {
  for (unsigned k = 0; k < 3; ++k) talker_.queue(64, k == 2);
  snapshot_.assign(talker_.program().memory().bytes().begin(),
                   talker_.program().memory().bytes().end());
  start_after_a_cycle_start();
  ASSERT_TRUE(run_until_iso_packets(1, 3 * kClkPerCycle));
  // Packet 0 has left the wire in cycle N. Host memory now holds every read until 1000 clk
  // past the next cycle's opening (which comes less than a cycle from now), so block 1, whose
  // fetch starts after packet 0's status write, is not staged when cycle N + 1 opens: the
  // context has underrun (decision 2) and takes the skipAddress, the block itself, when the
  // fetch completes.
  const std::uint64_t packet0_edge = world_.cycle();
  node_.dma_port().stall_reads(packet0_edge, packet0_edge + kClkPerCycle + 1000);
  world_.run(kClkPerCycle + 1200);
  const std::uint32_t control =
      hal_.read32(regs::it_context(kContext, regs::ItContextReg::kContextControlSet));
  EXPECT_EQ(regs::context_control::kEventCode.get(control),
            static_cast<std::uint32_t>(EventCode::kEvtUnderrun));
  EXPECT_NE(control & regs::context_control::kActive.mask(), 0u) << "still running";
  EXPECT_EQ(iso_packet_count(), 1u) << "nothing sent in cycle N + 1";
  EXPECT_EQ(talker_.status(1), 0u) << "no status written for the skip";
  ASSERT_TRUE(run_until_iso_packets(3, 4 * kClkPerCycle));
  world_.run(300);

  const auto sent = iso_packets_on_wire();
  expect_wire(sent);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].cycle, next_cycle(sent[0].cycle, 2)) << "packet 1 one cycle late";
  EXPECT_EQ(sent[2].cycle, next_cycle(sent[0].cycle, 3));
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(talker_.status(k), kItXferStatus << 16 | sent[k].cycle) << "packet " << k;
    EXPECT_EQ(write_edges(world_.log(), node_.name(), talker_.status_address(k)).size(), 1u);
  }
  expect_only_status_quadlets_written();  // the skipAddress still points at the block itself
}

// ------------------------------------------------------------------------------------------
// Receive

// Node 0 talks (the driver's IT programs), node 1 listens with the driver's IR programs.
class LinuxIrForms : public BusTest {
 protected:
  static constexpr std::size_t kTalkerNode = 0;
  static constexpr std::size_t kListenerNode = 1;
  static constexpr std::uint32_t kContext = 0;  // the driver takes the lowest free IR context
  static constexpr std::uint32_t kChannel = 5;

  void SetUp() override {
    BusTest::SetUp();
    bring_up_all(regs::int_mask::kIsochRx.mask());
    station(kListenerNode).hal.attach_interrupt([this] {
      irqs_.push_back(lf::linux_irq_handler(station(kListenerNode).hal));
      if (on_irq_) on_irq_();
    });
  }

  fw::Hal& talker_hal() { return station(kTalkerNode).hal; }
  fw::Hal& listener_hal() { return station(kListenerNode).hal; }
  const std::string& listener_name() { return station(kListenerNode).node.name(); }
  std::vector<lf::WireIso> talker_wire() {
    return lf::iso_packets_sent(station(kTalkerNode).node.phy());
  }

  // Starts the talkers right after a cycle start (so they all send from the next cycle on),
  // runs until each has sent everything, then one more cycle for the last store (a packet is
  // stored within the cycle it arrives in).
  void talk(const std::vector<LinuxTalker*>& talkers) {
    const sim::PhyModel<Vohci_core>& phy = station(kTalkerNode).node.phy();
    const std::size_t seen = phy.packets().size();
    ASSERT_TRUE(world_.run_until([&] { return phy.packets().size() > seen; }, 2 * kClkPerCycle));
    std::size_t longest = 0;
    for (LinuxTalker* talker : talkers) {
      talker->start();
      longest = std::max(longest, talker->size());
    }
    ASSERT_TRUE(world_.run_until(
        [&] {
          return std::all_of(talkers.begin(), talkers.end(),
                             [](const LinuxTalker* t) { return t->all_sent(); });
        },
        (longest + 4) * kClkPerCycle));
    world_.run(kClkPerCycle);
  }

  std::vector<lf::LinuxIrq> irqs_;
  std::function<void()> on_irq_;  // called in the listener's ISR after the driver's steps
};

// ---- packet-per-buffer

// Payload lengths: 0 (the header-only OUTPUT_LAST-Immediate on the talker), odd lengths that
// need padding, the whole 600-byte buffer, and two packets whose buffer crosses a page: packet 6
// ends in its INPUT_LAST, packet 13 in the INPUT_MORE before it.
constexpr std::array<std::uint32_t, 14> kPpbLengths{64, 0,   1, 599, 600, 333, 580,
                                                    4,  100, 7, 256, 13,  120, 100};
constexpr std::array<std::size_t, 2> kPpbInterrupts{6, 13};

// The stream a packet-per-buffer block stores with isochHeader = 1 (reference 2.3): trailer
// (xferStatus | timeStamp), the header quadlet (both little-endian), then the data block in
// wire order, zero-padded to a quadlet.
std::vector<std::uint8_t> packet_per_buffer_stream(const LinuxTalker& talker, std::size_t k,
                                                   std::uint32_t cycle) {
  std::vector<std::uint8_t> stream;
  append_le(stream, kIrXferStatusS400 << 16 | cycle);
  append_le(stream, talker.header_quadlet(k));
  const auto data = talker.data_block(k);
  stream.insert(stream.end(), data.begin(), data.end());
  stream.resize((stream.size() + 3) / 4 * 4, 0);
  return stream;
}

class LinuxIrPacketPerBuffer : public LinuxIrForms {
 protected:
  static constexpr std::uint32_t kPayloadBytes = 600;  // each packet's payload buffer

  // One block per packet of kPpbLengths, as the driver queues them for a context with
  // `header_size` (cdev), payload buffer k at k * kPayloadBytes of a 3-page iso buffer; the
  // talker sends them, one a cycle. The iso buffer and the header buffers (which the driver
  // zeroes) are filled with kGuard first, so every byte the controller did not store shows.
  void receive(std::uint32_t header_size) {
    for (std::size_t k = 0; k < kPpbLengths.size(); ++k) {
      const bool interrupt =
          std::find(kPpbInterrupts.begin(), kPpbInterrupts.end(), k) != kPpbInterrupts.end();
      blocks_.push_back(lf::queue_packet_per_buffer(program_, buffer_, k * kPayloadBytes,
                                                    kPayloadBytes, header_size, interrupt));
      talker_.queue(kPpbLengths[k]);
    }
    for (const lf::IrQueued& q : blocks_) {
      const std::size_t units = (q.header_size + lf::kUnit - 1) / lf::kUnit;
      std::fill_n(program_.memory().bytes().begin() + static_cast<std::ptrdiff_t>(q.header_buffer),
                  units * lf::kUnit, kGuard);
    }
    snapshot_.assign(program_.memory().bytes().begin(), program_.memory().bytes().end());
    lf::start_ir(listener_hal(), kContext, program_, lf::kIrPacketPerBuffer, kChannel);
    talk({&talker_});
    const auto wire = talker_wire();
    ASSERT_EQ(wire.size(), kPpbLengths.size());
    for (std::size_t k = 0; k < wire.size(); ++k) {
      ASSERT_EQ(wire[k].wire.bytes, talker_.wire_bytes(k)) << "talker packet " << k;
      // Decision 28: the receiver stamps a packet with the cycle it was sent in.
      streams_.push_back(packet_per_buffer_stream(talker_, k, wire[k].cycle));
    }
  }

  // A buffer of block k, in the order the controller fills them: the header buffer (an offset
  // in the descriptor page), then the payload pieces (logical offsets in the iso buffer).
  struct Buffer {
    bool header;
    std::size_t offset;
    std::uint32_t length;
  };
  std::vector<Buffer> buffers(std::size_t k) const {
    const lf::IrQueued& q = blocks_.at(k);
    std::vector<Buffer> list{{true, q.header_buffer, q.header_size}};
    for (const auto& [offset, length] : q.pieces) list.push_back({false, offset, length});
    return list;
  }
  // The descriptor block k's stream ends in (its last byte, or descriptor 0 for none), and the
  // bytes of that descriptor's buffer the stream used.
  std::pair<std::size_t, std::uint32_t> end_of_stream(std::size_t k) const {
    std::size_t left = streams_.at(k).size();
    const auto list = buffers(k);
    for (std::size_t j = 0; j < list.size(); ++j) {
      if (left <= list[j].length) return {j, static_cast<std::uint32_t>(left)};
      left -= list[j].length;
    }
    ADD_FAILURE() << "stream " << k << " longer than its block";
    return {list.size() - 1, list.back().length};
  }

  // How many blocks from the first on are done as the driver sees it (handle_ir_packet_per_buffer:
  // some descriptor of the block has a non-zero xferStatus).
  std::size_t blocks_done() const {
    std::size_t done = 0;
    for (const lf::IrQueued& q : blocks_) {
      bool any = false;
      for (std::uint32_t j = 0; j < q.z; ++j)
        any = any || (program_.read32(q.descriptor(j) + regs::desc::kStatus) >> 16) != 0;
      if (!any) break;
      ++done;
    }
    return done;
  }

  // Every buffer byte: block k's stream laid over its buffers in order, the rest untouched (the
  // guard), in the header buffers (their whole units) and in the iso buffer's allocation, its
  // unused pages included.
  void expect_streams_stored() {
    ASSERT_EQ(streams_.size(), blocks_.size());
    std::vector<std::byte> data(buffer_.memory().bytes().size(), kGuard);
    for (std::size_t k = 0; k < blocks_.size(); ++k) {
      const auto& stream = streams_[k];
      std::size_t pos = 0;
      for (const Buffer& b : buffers(k)) {
        if (b.header) {
          const std::size_t bytes = (b.length + lf::kUnit - 1) / lf::kUnit * lf::kUnit;
          const auto stored = program_.memory().bytes().subspan(b.offset, bytes);
          for (std::size_t i = 0; i < bytes; ++i) {
            const std::byte expected =
                i < b.length && pos + i < stream.size() ? std::byte{stream[pos + i]} : kGuard;
            EXPECT_EQ(stored[i], expected) << "block " << k << " header buffer byte " << i;
          }
        } else {
          for (std::size_t i = 0; i < b.length && pos + i < stream.size(); ++i)
            data[buffer_.physical(b.offset + i)] = std::byte{stream[pos + i]};
        }
        pos += b.length;
      }
    }
    const auto stored = buffer_.memory().bytes();
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (stored[i] != data[i] && wrong++ < 8)
        ADD_FAILURE() << "iso buffer allocation byte 0x" << std::hex << i << ": 0x"
                      << static_cast<unsigned>(stored[i]) << ", expected 0x"
                      << static_cast<unsigned>(data[i]);
    }
    EXPECT_EQ(wrong, 0u) << "bytes of the iso buffer not as the streams put them";
  }

  // Decision 20: xferStatus | resCount goes to the descriptor the stream ended in (s = 1 on
  // all of them), resCount = its reqCount minus the bytes the stream put there (the padding
  // counted); every other descriptor keeps what the driver wrote (resCount = reqCount,
  // xferStatus 0), and nothing else in the descriptor page changes but the header buffers.
  void expect_status_where_the_streams_ended() {
    ASSERT_EQ(streams_.size(), blocks_.size());
    std::vector<std::byte> expected = snapshot_;
    for (std::size_t k = 0; k < blocks_.size(); ++k) {
      const auto [end, used] = end_of_stream(k);
      const auto list = buffers(k);
      for (std::size_t j = 0; j < list.size(); ++j) {
        const std::size_t at = blocks_[k].descriptor(j) + regs::desc::kStatus;
        const std::uint32_t status =
            j == end ? kIrXferStatusS400 << 16 | (list[j].length - used) : list[j].length;
        EXPECT_EQ(program_.read32(at), status) << "block " << k << " descriptor " << j;
        for (unsigned b = 0; b < 4; ++b)
          expected[at + b] = std::byte{static_cast<std::uint8_t>(status >> 8 * b)};
      }
      // The header buffer is checked by expect_streams_stored; take it as it is here.
      const std::size_t units = (blocks_[k].header_size + lf::kUnit - 1) / lf::kUnit;
      for (std::size_t i = 0; i < units * lf::kUnit; ++i)
        expected[blocks_[k].header_buffer + i] =
            program_.memory().bytes()[blocks_[k].header_buffer + i];
    }
    const auto now = program_.memory().bytes();
    for (std::size_t i = 0; i < now.size(); ++i)
      ASSERT_EQ(now[i], expected[i]) << "descriptor page byte 0x" << std::hex << i;
  }

  lf::DescriptorProgram program_{listener_hal()};
  lf::IsoBuffer buffer_{listener_hal(), 3, kGuard};
  LinuxTalker talker_{talker_hal(), 0, kChannel, 1};
  std::vector<lf::IrQueued> blocks_;
  std::vector<std::byte> snapshot_;
  std::vector<std::vector<std::uint8_t>> streams_;
};

TEST_F(LinuxIrPacketPerBuffer, TrailerHeaderAndPayloadFillTheBuffersInOrderAndNothingElse) {
  receive(8);
  // Header size 8: the header buffer holds exactly trailer and header; the payload starts in
  // the first payload buffer (and continues across the page for packets 6 and 13).
  ASSERT_EQ(blocks_[6].z, 3u);
  ASSERT_EQ(blocks_[13].z, 3u);
  expect_streams_stored();
}

TEST_F(LinuxIrPacketPerBuffer, StatusGoesToTheDescriptorTheStreamEndedInWithItsResCount) {
  receive(8);
  // Spelled out for three of the blocks: packet 1 (no payload) ends in the header buffer,
  // packet 6 (580 bytes from a buffer split 496 + 104 at the page) in its INPUT_LAST, packet 13
  // (100 bytes from a buffer split 392 + 208) in the INPUT_MORE before it.
  EXPECT_EQ(program_.read32(blocks_[1].descriptor(0) + 12), kIrXferStatusS400 << 16 | 0u);
  EXPECT_EQ(program_.read32(blocks_[6].descriptor(2) + 12), kIrXferStatusS400 << 16 | 20u);
  EXPECT_EQ(program_.read32(blocks_[13].descriptor(1) + 12), kIrXferStatusS400 << 16 | 292u);
  EXPECT_EQ(program_.read32(blocks_[13].descriptor(2) + 12), 208u) << "the INPUT_LAST untouched";
  expect_status_where_the_streams_ended();
}

TEST_F(LinuxIrPacketPerBuffer, AnInterruptBlockRaisesIsoRecvIntEventOnceItsStatusIsInMemory) {
  std::vector<std::size_t> done_at_irq;
  on_irq_ = [&] { done_at_irq.push_back(blocks_done()); };
  receive(8);
  // i = 11 on the INPUT_LASTs of blocks 6 and 13 only: one interrupt each, for context 0, raised
  // after the status write that completes the block (to its INPUT_LAST for 6, to the INPUT_MORE
  // the stream ended in for 13), so the ISR finds that block and every one before it done, and
  // none after it (the next packet arrives a cycle later).
  const auto raised = world_.log().cycles_of(listener_name(), sim::EventKind::IrqRaised);
  ASSERT_EQ(raised.size(), kPpbInterrupts.size());
  ASSERT_EQ(irqs_.size(), kPpbInterrupts.size());
  ASSERT_EQ(done_at_irq.size(), kPpbInterrupts.size());
  for (std::size_t n = 0; n < kPpbInterrupts.size(); ++n) {
    const std::size_t k = kPpbInterrupts[n];
    const auto writes =
        write_edges(world_.log(), listener_name(),
                    program_.bus(blocks_[k].descriptor(end_of_stream(k).first) + 12));
    ASSERT_EQ(writes.size(), 1u) << "block " << k;
    EXPECT_GT(raised[n], writes[0]) << "block " << k;
    EXPECT_NE(irqs_[n].event & regs::int_event::kIsochRx.mask(), 0u);
    EXPECT_EQ(irqs_[n].iso_recv, 1u << kContext);
    EXPECT_EQ(done_at_irq[n], k + 1) << "interrupt for block " << k;
  }
}

// docs/architecture.md (IR store row) and rtl/ohci_ir_dma.v: IsoRecvIntEvent is pulsed the
// edge after the completing write's B handshake, which with the register stages of the IT row
// puts irq at w + 4 (w = the status write's last W beat), for the status write that ends a
// packet as for a buffer-fill descriptor filled mid-packet.
TEST_F(LinuxIrPacketPerBuffer, AnInterruptBlockRaisesIrqFourEdgesAfterItsStatusWriteAsDocumented) {
  receive(8);
  const auto raised = world_.log().cycles_of(listener_name(), sim::EventKind::IrqRaised);
  ASSERT_EQ(raised.size(), kPpbInterrupts.size());
  for (std::size_t n = 0; n < kPpbInterrupts.size(); ++n) {
    const std::size_t k = kPpbInterrupts[n];
    const auto writes =
        write_edges(world_.log(), listener_name(),
                    program_.bus(blocks_[k].descriptor(end_of_stream(k).first) + 12));
    ASSERT_EQ(writes.size(), 1u) << "block " << k;
    EXPECT_EQ(raised[n], writes[0] + kStatusWriteToIrq) << "block " << k;
  }
}

TEST_F(LinuxIrPacketPerBuffer, HeaderSizeSixteenStoresThePayloadsFirstEightBytesInTheHeaderBuffer) {
  // A context header of 16 bytes (iso header, time stamp and two payload quadlets, as CIP
  // streams use it): the header buffer is 16 bytes, so the stream's bytes 8..15, the first
  // eight payload bytes, land there and the payload buffer gets the rest; a packet of at most
  // 8 bytes ends in the header buffer.
  receive(16);
  ASSERT_EQ(blocks_[0].header_size, 16u);
  EXPECT_EQ(program_.read32(blocks_[9].descriptor(0) + 12), kIrXferStatusS400 << 16 | 0u)
      << "7 bytes: a 16-byte stream fills the header buffer exactly";
  EXPECT_EQ(program_.read32(blocks_[9].descriptor(1) + 12), kPayloadBytes) << "untouched";
  expect_streams_stored();
  expect_status_where_the_streams_ended();
}

// ---- multichannel buffer-fill

// Node 0 sends on channels 5 and 40 (in IRMultiChanMask) and 7 (not), one IT context each, a
// packet per context per cycle; node 1's multichannel context (bufferFill | multiChanMode |
// isochHeader) receives into two chunks a cdev client queued, [0, 6000) and [6000, 12288) of a
// 3-page iso buffer, both with the interrupt flag: four one-descriptor blocks, one per page
// piece: 4096 and 1904 bytes (i = 11), 2192 and 4096 bytes (i = 11).
class LinuxIrMultichannel : public LinuxIrForms {
 protected:
  static constexpr std::uint64_t kMask = std::uint64_t{1} << 5 | std::uint64_t{1} << 40;
  static constexpr unsigned kPackets = 8;  // per talker
  static constexpr std::array<std::uint32_t, 4> kReqCounts{4096, 1904, 2192, 4096};

  void receive() {
    descriptors_ = lf::queue_buffer_fill(program_, buffer_, 0, 6000, true);
    const auto second = lf::queue_buffer_fill(program_, buffer_, 6000, 6288, true);
    descriptors_.insert(descriptors_.end(), second.begin(), second.end());
    ASSERT_EQ(descriptors_.size(), kReqCounts.size());
    for (std::size_t d = 0; d < descriptors_.size(); ++d) {
      const std::uint32_t interrupt = d % 2 == 1 ? lf::kInterruptAlways : 0;
      ASSERT_EQ(program_.read32(descriptors_[d]), (0x200Cu | interrupt) << 16 | kReqCounts[d])
          << "INPUT_MORE | b = 11, s = 0";
    }
    snapshot_.assign(program_.memory().bytes().begin(), program_.memory().bytes().end());
    lf::set_multichannel_mask(listener_hal(), kMask);
    lf::start_ir(listener_hal(), kContext, program_, lf::kIrMultichannel, 0);
    for (unsigned k = 0; k < kPackets; ++k) {
      talkers_[0].queue(300 + 61 * k);
      talkers_[1].queue(500 - 37 * k + k % 3);
      talkers_[2].queue(200);
    }
    talk({&talkers_[0], &talkers_[1], &talkers_[2]});

    // The expected stream, in the order the packets went out: per packet of a masked channel
    // its header quadlet, data block padded to a quadlet, trailer (reference 2.3, buffer-fill),
    // stamped with the cycle it was sent in (decision 28).
    const auto wire = talker_wire();
    ASSERT_EQ(wire.size(), 3 * kPackets);
    std::array<std::size_t, 3> next{};
    for (const lf::WireIso& sent : wire) {
      const sim::IsoPacket packet = sim::parse_iso_packet(sent.wire.bytes);
      const auto t =
          static_cast<std::size_t>(std::find_if(talkers_.begin(), talkers_.end(),
                                                [&](const LinuxTalker& talker) {
                                                  return talker.channel() == packet.channel;
                                                }) -
                                   talkers_.begin());
      ASSERT_LT(t, talkers_.size()) << "a packet on channel " << unsigned{packet.channel};
      const std::size_t k = next[t]++;
      ASSERT_EQ(sent.wire.bytes, talkers_[t].wire_bytes(k));
      if ((kMask >> packet.channel & 1u) == 0) continue;
      append_le(stream_, talkers_[t].header_quadlet(k));
      const auto data = talkers_[t].data_block(k);
      stream_.insert(stream_.end(), data.begin(), data.end());
      stream_.resize((stream_.size() + 3) / 4 * 4, 0);
      append_le(stream_, kIrXferStatusS400 << 16 | sent.cycle);
    }
    // The test's design: the stream fills the first chunk and ends in descriptor 2.
    ASSERT_GT(stream_.size(), 6000u);
    ASSERT_LT(stream_.size(), 8192u);
  }

  lf::DescriptorProgram program_{listener_hal()};
  lf::IsoBuffer buffer_{listener_hal(), 3, kGuard};
  std::array<LinuxTalker, 3> talkers_{LinuxTalker{talker_hal(), 0, 5, 2, 0},
                                      LinuxTalker{talker_hal(), 1, 40, 2, 100},
                                      LinuxTalker{talker_hal(), 2, 7, 1, 200}};
  std::vector<std::size_t> descriptors_;
  std::vector<std::byte> snapshot_;
  std::vector<std::uint8_t> stream_;
};

TEST_F(LinuxIrMultichannel, BothMaskedChannelsArePackedWithHeaderAndTrailerAcrossThePages) {
  receive();
  // The descriptors' buffers are the iso buffer from 0 on, page by page: the stream is its
  // first bytes; every other byte of the allocation is untouched.
  std::vector<std::byte> expected(buffer_.memory().bytes().size(), kGuard);
  for (std::size_t i = 0; i < stream_.size(); ++i)
    expected[buffer_.physical(i)] = std::byte{stream_[i]};
  const auto stored = buffer_.memory().bytes();
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (stored[i] != expected[i] && wrong++ < 8)
      ADD_FAILURE() << "iso buffer allocation byte 0x" << std::hex << i << ": 0x"
                    << static_cast<unsigned>(stored[i]) << ", expected 0x"
                    << static_cast<unsigned>(expected[i]);
  }
  EXPECT_EQ(wrong, 0u);
  EXPECT_EQ(listener_hal().read32(regs::ir_context(kContext, regs::IrContextReg::kDroppedPackets)),
            0u)
      << "channel 7 is filtered, not dropped";
}

TEST_F(LinuxIrMultichannel, ResCountIsWrittenWithoutTheSBitAndAFilledChunkInterrupts) {
  receive();
  // The driver's buffer-fill descriptors have s = 0 and it reads their resCount to see how far
  // the stream got (handle_ir_buffer_fill): decision 22's bookkeeping. Descriptors 0 and 1 are
  // full (resCount 0), descriptor 2 holds the rest of the stream, descriptor 3 is untouched.
  const std::size_t in_2 = stream_.size() - 6000;
  const std::array<std::uint32_t, 4> status{
      kIrXferStatusS400 << 16, kIrXferStatusS400 << 16,
      kIrXferStatusS400 << 16 | static_cast<std::uint32_t>(2192 - in_2), 4096};
  std::vector<std::byte> expected = snapshot_;
  for (std::size_t d = 0; d < descriptors_.size(); ++d) {
    const std::size_t at = descriptors_[d] + regs::desc::kStatus;
    EXPECT_EQ(program_.read32(at), status[d]) << "descriptor " << d;
    for (unsigned b = 0; b < 4; ++b)
      expected[at + b] = std::byte{static_cast<std::uint8_t>(status[d] >> 8 * b)};
  }
  const auto now = program_.memory().bytes();
  for (std::size_t i = 0; i < now.size(); ++i)
    ASSERT_EQ(now[i], expected[i]) << "descriptor page byte 0x" << std::hex << i;
  // i = 11 on descriptors 1 and 3: only descriptor 1 filled, so one interrupt, four edges after
  // the status write that filled it (its last).
  const auto raised = world_.log().cycles_of(listener_name(), sim::EventKind::IrqRaised);
  const auto writes =
      write_edges(world_.log(), listener_name(), program_.bus(descriptors_[1] + 12));
  ASSERT_EQ(raised.size(), 1u);
  ASSERT_FALSE(writes.empty());
  EXPECT_EQ(raised[0], writes.back() + kStatusWriteToIrq);
  ASSERT_EQ(irqs_.size(), 1u);
  EXPECT_EQ(irqs_[0].iso_recv, 1u << kContext);
}

}  // namespace
}  // namespace ohci::tb
