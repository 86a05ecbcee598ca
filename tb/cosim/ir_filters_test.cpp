// IR receive filters (reference/ohci-isoch.md 1.4 ContextMatch, 3.3; docs/decisions.md 19, 24,
// 26): channelNumber, the tag bits, tag1SyncFilter, w = 11 wait-for-sync, the cycleMatch start,
// which of several contexts gets a packet, multichannel mode over IRMultiChanMask, and which
// discarded packets DroppedPackets counts. Node 0 (cycle master) talks, node 1 listens.
//
// Every expected list of stored packets is computed here from the documented rule applied to
// the packets the talker sent, and the stored packets are compared with it one by one: header,
// payload bytes, trailer time stamp (the cycle the packet was sent in, decision 28).
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stream_harness.hpp"

namespace ohci::tb {
namespace {

using regs::EventCode;
using regs::Speed;

// One packet of a ScriptedTalker.
struct Scripted {
  fw::IsoHeader header;
  std::uint32_t length = 0;  // at most ScriptedTalker::kMaxLength
};

// A talker whose packets each carry their own header (the stream harness's Talker sends one
// header for all): IT context `context` of node `node` runs a chain of one block per packet, the
// last ending the program, so the packets go out in consecutive cycles. Packet k carries
// payload_byte(kNumberBase + k, i).
class ScriptedTalker {
 public:
  static constexpr std::uint32_t kMaxLength = 1024;
  static constexpr unsigned kNumberBase = 700;

  ScriptedTalker(BusTest& bus, std::size_t node, std::uint32_t context,
                 std::vector<Scripted> packets)
      : hal_(bus.station(node).hal),
        index_(context),
        packets_(std::move(packets)),
        program_(bus.allocate(node, packets_.size() * kBlockBytes)),
        payload_(bus.allocate(node, packets_.size() * kMaxLength)),
        blocks_(packets_.size()) {
    fw::BlockRef next = fw::BlockRef::end();
    for (std::size_t k = packets_.size(); k-- > 0;) {
      const std::uint32_t offset = static_cast<std::uint32_t>(k) * kMaxLength;
      blocks_[k] = write_packet(program_, k, payload_, number(k),
                                PacketSpec{packets_[k].length, offset}, packets_[k].header, next);
      next = blocks_[k].ref;
    }
  }

  void start() {
    auto context = fw::ItContext::open(hal_, index_);
    ASSERT_TRUE(context.ok()) << fw::to_string(context.status());
    ASSERT_EQ(context.value().start(blocks_.front()), fw::Status::Success);
  }

  std::size_t size() const { return packets_.size(); }
  const Scripted& packet(std::size_t k) const { return packets_.at(k); }
  unsigned number(std::size_t k) const { return kNumberBase + static_cast<unsigned>(k); }
  fw::ItCompletion completion(std::size_t k) const {
    auto completion = fw::read_completion(program_, blocks_.at(k));
    EXPECT_TRUE(completion.ok()) << fw::to_string(completion.status());
    return completion.ok() ? completion.value() : fw::ItCompletion{};
  }
  // The cycle packet k was sent in (cycleSeconds[2:0]:cycleCount).
  std::uint32_t time_stamp(std::size_t k) const { return completion(k).time_stamp; }
  bool all_sent() const { return completion(packets_.size() - 1).done(); }

 private:
  fw::Hal& hal_;
  std::uint32_t index_;
  std::vector<Scripted> packets_;
  fw::DmaBuffer program_;
  fw::DmaBuffer payload_;
  std::vector<fw::ItBlock> blocks_;
};

// One packet a BlockListener stored.
struct Stored {
  fw::IrPacketCompletion completion;
  std::span<const std::byte> stream;
};

// A listener that needs no servicing: IR context `context` of node `node` runs a program of
// `blocks` packet-per-buffer blocks (an INPUT_MORE for trailer and header, an INPUT_LAST for up to
// kMaxLength bytes of payload), the last one ending it (Z = 0). The blocks listed in `waiting`
// have w = 11 on their first descriptor.
class BlockListener {
 public:
  static constexpr std::uint32_t kSlotBytes = 8 + ScriptedTalker::kMaxLength + 64;

  BlockListener(BusTest& bus, std::size_t node, std::uint32_t context, unsigned blocks,
                const std::vector<unsigned>& waiting = {})
      : hal_(bus.station(node).hal),
        index_(context),
        program_(bus.allocate(node, blocks * 32)),
        data_(bus.allocate(node, blocks * kSlotBytes)) {
    std::fill(data_.bytes().begin(), data_.bytes().end(), kGuard);
    for (unsigned k = 0; k < blocks; ++k) {
      const std::uint32_t buffer = data_.bus_address() + k * kSlotBytes;
      const std::array<fw::IrBuffer, 2> buffers{
          fw::IrBuffer{buffer, 8}, fw::IrBuffer{buffer + 8, ScriptedTalker::kMaxLength}};
      const bool wait = std::find(waiting.begin(), waiting.end(), k) != waiting.end();
      const fw::BlockRef next = k + 1 < blocks
                                    ? fw::BlockRef{program_.bus_address() + (k + 1) * 32, 2}
                                    : fw::BlockRef::end();
      auto block = fw::write_packet_per_buffer_block(
          program_, k * 32, fw::IrBlockSpec{.buffers = buffers, .wait_for_sync = wait}, next);
      EXPECT_TRUE(block.ok()) << fw::to_string(block.status());
      blocks_.push_back(block.ok() ? block.value() : fw::IrBlock{});
    }
  }

  void start(const fw::IrStartOptions& options) {
    auto context = fw::IrContext::open(hal_, index_);
    ASSERT_TRUE(context.ok()) << fw::to_string(context.status());
    context_.emplace(context.value());
    ASSERT_EQ(context_->start(blocks_.front(), options), fw::Status::Success);
  }

  // The packets stored so far: the completed blocks from the first up to the first one that is
  // not done.
  std::vector<Stored> stored() const {
    std::vector<Stored> packets;
    for (std::size_t k = 0; k < blocks_.size(); ++k) {
      auto completion = fw::read_packet_completion(program_, blocks_[k]);
      EXPECT_TRUE(completion.ok()) << fw::to_string(completion.status());
      if (!completion.ok() || !completion.value().done()) break;
      packets.push_back(
          Stored{completion.value(),
                 data_.bytes().subspan(k * kSlotBytes, completion.value().stored_bytes)});
    }
    return packets;
  }

  fw::IrContext& context() { return *context_; }

 private:
  fw::Hal& hal_;
  std::uint32_t index_;
  fw::DmaBuffer program_;
  fw::DmaBuffer data_;
  std::vector<fw::IrBlock> blocks_;
  std::optional<fw::IrContext> context_;
};

// Checks that `packet` (parsed from a stored stream) is packet k of `talker`: header fields,
// ack_complete, time stamp = the cycle it was sent in, payload byte for byte.
void expect_packet(const fw::IrPacket& packet, const ScriptedTalker& talker, std::size_t k) {
  const Scripted& sent = talker.packet(k);
  EXPECT_EQ(packet.header.channel, sent.header.channel) << "packet " << k;
  EXPECT_EQ(packet.header.tag, sent.header.tag) << "packet " << k;
  EXPECT_EQ(packet.header.sy, sent.header.sy) << "packet " << k;
  EXPECT_EQ(packet.header.speed, sent.header.speed) << "packet " << k;
  EXPECT_EQ(packet.data_length, sent.length) << "packet " << k;
  EXPECT_EQ(packet.event(), EventCode::kAckComplete) << "packet " << k;
  EXPECT_EQ(packet.trailer.time_stamp, talker.time_stamp(k))
      << "packet " << k << ": timeStamp = the cycle it was sent in";
  const auto expected = expected_payload(talker.number(k), sent.length);
  EXPECT_TRUE(packet.payload.size() == sent.length &&
              std::equal(expected.begin(), expected.end(),
                         reinterpret_cast<const std::uint8_t*>(packet.payload.data())))
      << "packet " << k << " (" << sent.length << " bytes) not byte-exact";
}

// Checks that a BlockListener stored exactly the talker's packets `expected`, in that order.
void expect_stored_packets(const std::vector<Stored>& stored, const ScriptedTalker& talker,
                           const std::vector<std::size_t>& expected, const std::string& who) {
  SCOPED_TRACE(who);
  EXPECT_EQ(stored.size(), expected.size());
  for (std::size_t i = 0; i < std::min(stored.size(), expected.size()); ++i) {
    EXPECT_EQ(stored[i].completion.event(), EventCode::kAckComplete) << "stored packet " << i;
    auto packet = fw::parse_packet_per_buffer(stored[i].stream);
    ASSERT_TRUE(packet.ok()) << "stored packet " << i << ": " << fw::to_string(packet.status());
    expect_packet(packet.value(), talker, expected[i]);
  }
}

// The talker's packets for which `accepts` holds, in order.
template <class Accepts>
std::vector<std::size_t> packets_where(const ScriptedTalker& talker, Accepts accepts) {
  std::vector<std::size_t> chosen;
  for (std::size_t k = 0; k < talker.size(); ++k)
    if (accepts(talker.packet(k))) chosen.push_back(k);
  return chosen;
}

// Payload lengths that vary from packet to packet (0 and kMaxLength included).
std::uint32_t scripted_length(std::size_t k) {
  if (k % 7 == 3) return 0;
  if (k % 7 == 5) return ScriptedTalker::kMaxLength;
  return static_cast<std::uint32_t>(k * 211 + 13) % ScriptedTalker::kMaxLength;
}

fw::IrStartOptions on_channel(std::uint32_t channel) {
  fw::IrStartOptions options;
  options.channel = channel;
  return options;
}

class IrFilters : public BusTest {
 protected:
  // Runs until `talker` has sent everything, then one more cycle so that the last packet is
  // stored (a packet is stored within the cycle it arrives in).
  void run_until_sent(const ScriptedTalker& talker) {
    ASSERT_TRUE(
        world_.run_until([&] { return talker.all_sent(); }, (talker.size() + 4) * kClkPerCycle))
        << "the talker did not send all " << talker.size() << " packets";
    world_.run(kClkPerCycle);
  }
  // The cycle `cycles` after node `node`'s current one, as a 15-bit cycleMatch.
  std::uint32_t cycle_match_ahead(std::size_t node, std::uint32_t cycles) {
    const fw::CycleTime now = station(node).controller.read_cycle_timer();
    return next_cycle((now.seconds & 0x7u) << 13 | now.count, cycles) & 0x7FFFu;
  }
};

TEST_F(IrFilters, AContextStoresExactlyItsChannelInOrderByteExact) {
  // Two IT contexts of node 0 send on channels 5 and 9 in every cycle; node 1's context listens
  // to channel 9 only.
  constexpr unsigned kPackets = 24;
  bring_up_all();
  const auto lengths = [](unsigned n) { return n % 5 == 2 ? 0u : (n * 389u + 3u) % 1025u; };
  Talker other(*this, 0, 0, {.speed = Speed::kS400, .tag = 1, .channel = 5, .sy = 0}, lengths, 0);
  Talker wanted(*this, 0, 1, {.speed = Speed::kS400, .tag = 1, .channel = 9, .sy = 0}, lengths,
                1000);
  Listener listener(*this, 1, 0);
  listener.start(on_channel(9));
  other.start(kPackets);
  wanted.start(kPackets);
  bool ok = true;
  const std::uint64_t limit = world_.cycle() + (kPackets + 6) * kClkPerCycle;
  while (ok && world_.cycle() < limit &&
         (wanted.sent() < kPackets || other.sent() < kPackets || listener.received() < kPackets)) {
    world_.run(kClkPerCycle / 2);
    other.service();
    wanted.service();
    listener.service([&](const ReceivedPacket& received) {
      // expect_stored compares the header quadlet too, so a channel-5 packet fails here.
      ok = received.sequence < kPackets && expect_stored(received, wanted, received.sequence);
      EXPECT_LT(received.sequence, kPackets) << "more packets stored than channel 9 carried";
      return ok;
    });
  }
  EXPECT_EQ(other.sent(), kPackets);
  EXPECT_EQ(wanted.sent(), kPackets);
  world_.run(kClkPerCycle);
  listener.service([&](const ReceivedPacket& received) {
    ADD_FAILURE() << "stored packet " << received.sequence << " after the last channel-9 packet";
    return false;
  });
  EXPECT_EQ(listener.received(), kPackets);
  EXPECT_EQ(listener.context().dropped_packets(), 0u);
}

TEST_F(IrFilters, TagBitsAcceptExactlyTheirTags) {
  // ContextMatch bit tag<t> accepts tag t; only tags 0 and 2 are accepted here.
  constexpr std::uint32_t kTags = 0b0101;
  std::vector<Scripted> script;
  for (std::uint32_t k = 0; k < 16; ++k)
    script.push_back(
        {{.speed = Speed::kS400, .tag = k % 4, .channel = 3, .sy = 0}, scripted_length(k)});
  bring_up_all();
  ScriptedTalker talker(*this, 0, 0, script);
  BlockListener listener(*this, 1, 0, 16);
  fw::IrStartOptions options = on_channel(3);
  options.tags = kTags;
  listener.start(options);
  talker.start();
  run_until_sent(talker);
  const auto expected =
      packets_where(talker, [](const Scripted& p) { return (kTags >> p.header.tag & 1u) != 0; });
  ASSERT_EQ(expected.size(), 8u);
  expect_stored_packets(listener.stored(), talker, expected, "tags 0 and 2");
}

TEST_F(IrFilters, Tag1SyncFilterAcceptsTag1OnlyWithSyTopBitsZero) {
  // Every tag accepted, tag1SyncFilter set: a tag-01b packet is accepted only when sy[3:2] = 00b;
  // packets of the other tags are accepted whatever their sy.
  constexpr std::array<std::uint32_t, 5> kSy{0x0, 0x3, 0x4, 0x8, 0xC};
  std::vector<Scripted> script;
  for (std::uint32_t k = 0; k < 20; ++k)
    script.push_back({{.speed = Speed::kS400, .tag = k % 4, .channel = 12, .sy = kSy[k / 4]},
                      scripted_length(k)});
  bring_up_all();
  ScriptedTalker talker(*this, 0, 0, script);
  BlockListener listener(*this, 1, 0, 20);
  fw::IrStartOptions options = on_channel(12);
  options.tag1_sync_filter = true;
  listener.start(options);
  talker.start();
  run_until_sent(talker);
  const auto expected = packets_where(
      talker, [](const Scripted& p) { return p.header.tag != 1 || (p.header.sy >> 2) == 0; });
  ASSERT_EQ(expected.size(), 17u);  // the tag-1 packets with sy 4, 8 and C are filtered
  expect_stored_packets(listener.stored(), talker, expected, "tag1SyncFilter");
}

TEST_F(IrFilters, WaitForSyncDiscardsPacketsUntilSyMatches) {
  // Blocks 0 and 3 have w = 11: each waits for a packet with sy = ContextMatch.sync (7) and
  // stores it; the blocks without w after it store every packet that follows.
  constexpr std::uint32_t kSync = 7;
  constexpr std::array<std::uint32_t, 16> kSy{1, 2, 3, 7, 2, 1, 0, 4, 7, 6, 5, 9, 7, 3, 2, 1};
  constexpr unsigned kBlocks = 16;
  const std::vector<unsigned> waiting{0, 3};
  std::vector<Scripted> script;
  for (std::uint32_t k = 0; k < kSy.size(); ++k)
    script.push_back(
        {{.speed = Speed::kS400, .tag = 1, .channel = 20, .sy = kSy[k]}, scripted_length(k)});
  bring_up_all();
  ScriptedTalker talker(*this, 0, 0, script);
  BlockListener listener(*this, 1, 0, kBlocks, waiting);
  fw::IrStartOptions options = on_channel(20);
  options.sync = kSync;
  listener.start(options);
  talker.start();
  run_until_sent(talker);
  // The rule applied to what was sent.
  std::vector<std::size_t> expected;
  for (std::size_t k = 0; k < talker.size() && expected.size() < kBlocks; ++k) {
    const bool block_waits =
        std::find(waiting.begin(), waiting.end(), expected.size()) != waiting.end();
    if (!block_waits || talker.packet(k).header.sy == kSync) expected.push_back(k);
  }
  ASSERT_EQ(expected.front(), 3u);
  ASSERT_EQ(expected.at(3), 8u);
  expect_stored_packets(listener.stored(), talker, expected, "wait for sy 7");
}

TEST_F(IrFilters, APacketGoesToTheLowestNumberedAcceptingContextOnly) {
  // Contexts 0, 1 and 2 all receive channel 4; context 0 accepts tag 3 only. Tag-3 packets go to
  // context 0, every other packet to context 1, and context 2 gets nothing (decision 19).
  std::vector<Scripted> script;
  for (std::uint32_t k = 0; k < 16; ++k)
    script.push_back(
        {{.speed = Speed::kS400, .tag = k % 4, .channel = 4, .sy = 0}, scripted_length(k)});
  bring_up_all();
  ScriptedTalker talker(*this, 0, 0, script);
  BlockListener context0(*this, 1, 0, 16), context1(*this, 1, 1, 16), context2(*this, 1, 2, 16);
  fw::IrStartOptions tag3_only = on_channel(4);
  tag3_only.tags = 0b1000;
  context0.start(tag3_only);
  context1.start(on_channel(4));
  context2.start(on_channel(4));
  talker.start();
  run_until_sent(talker);
  expect_stored_packets(context0.stored(), talker,
                        packets_where(talker, [](const Scripted& p) { return p.header.tag == 3; }),
                        "context 0 (tag 3 only)");
  expect_stored_packets(context1.stored(), talker,
                        packets_where(talker, [](const Scripted& p) { return p.header.tag != 3; }),
                        "context 1 (the lowest accepting tags 0-2)");
  expect_stored_packets(context2.stored(), talker, {}, "context 2");
  EXPECT_EQ(context2.context().dropped_packets(), 0u);
}

TEST_F(IrFilters, CycleMatchStartsInTheMatchedCycle) {
  // The talker sends a packet every cycle; the context starts with cycleMatch six cycles ahead.
  // Nothing is stored before that cycle; the first stored packet is the one sent in it
  // (timeStamp == cycleMatch), and every later one follows (decision 26).
  std::vector<Scripted> script;
  for (std::uint32_t k = 0; k < 14; ++k)
    script.push_back(
        {{.speed = Speed::kS400, .tag = 0, .channel = 2, .sy = 0}, scripted_length(k)});
  bring_up_all();
  ScriptedTalker talker(*this, 0, 0, script);
  BlockListener listener(*this, 1, 0, 16);
  talker.start();
  fw::IrStartOptions options = on_channel(2);
  options.cycle_match = cycle_match_ahead(1, 6);
  listener.start(options);
  EXPECT_TRUE(listener.context().status().cycle_match_enable);
  run_until_sent(talker);

  std::size_t first = talker.size();
  for (std::size_t k = 0; k < talker.size(); ++k)
    if ((talker.time_stamp(k) & 0x7FFFu) == *options.cycle_match) first = k;
  ASSERT_LT(first, talker.size()) << "no packet was sent in the matched cycle";
  ASSERT_GT(first, 0u) << "packets before the matched cycle are needed";
  std::vector<std::size_t> expected;
  for (std::size_t k = first; k < talker.size(); ++k) expected.push_back(k);
  const auto stored = listener.stored();
  expect_stored_packets(stored, talker, expected, "cycle-matched context");
  if (!stored.empty()) {
    auto packet = fw::parse_packet_per_buffer(stored.front().stream);
    ASSERT_TRUE(packet.ok());
    EXPECT_EQ(packet.value().trailer.time_stamp & 0x7FFFu, *options.cycle_match);
  }
  EXPECT_FALSE(listener.context().status().cycle_match_enable);
  EXPECT_EQ(listener.context().dropped_packets(), 0u);
}

TEST_F(IrFilters, MultichannelContextReceivesExactlyTheMaskedChannels) {
  // Context 0 in buffer-fill + multiChanMode over IRMultiChanMask = {0, 5, 33, 63}; the talker
  // cycles through channels in and out of the mask (both halves of the mask).
  constexpr std::uint64_t kMask = std::uint64_t{1} << 0 | std::uint64_t{1} << 5 |
                                  std::uint64_t{1} << 33 | std::uint64_t{1} << 63;
  constexpr std::array<std::uint32_t, 8> kChannels{0, 1, 5, 32, 33, 62, 63, 31};
  std::vector<Scripted> script;
  for (std::uint32_t k = 0; k < 24; ++k)
    script.push_back({{.speed = Speed::kS400, .tag = 1, .channel = kChannels[k % 8], .sy = k % 16},
                      scripted_length(k)});
  constexpr unsigned kDescriptors = 4;
  constexpr std::uint32_t kBufferBytes = 4096;
  bring_up_all();
  ScriptedTalker talker(*this, 0, 0, script);
  fw::DmaBuffer program = allocate(1, kDescriptors * 16);
  fw::DmaBuffer data = allocate(1, kDescriptors * kBufferBytes);
  std::fill(data.bytes().begin(), data.bytes().end(), kGuard);
  std::vector<fw::IrBlock> descriptors;
  for (unsigned d = 0; d < kDescriptors; ++d) {
    const fw::BlockRef next = d + 1 < kDescriptors
                                  ? fw::BlockRef{program.bus_address() + (d + 1) * 16, 1}
                                  : fw::BlockRef::end();
    auto descriptor = fw::write_buffer_fill_descriptor(
        program, d * 16,
        fw::IrBufferFillSpec{.buffer = {data.bus_address() + d * kBufferBytes, kBufferBytes}},
        next);
    ASSERT_TRUE(descriptor.ok()) << fw::to_string(descriptor.status());
    descriptors.push_back(descriptor.value());
  }
  station(1).controller.set_ir_channel_mask(kMask);
  ASSERT_EQ(station(1).controller.read_ir_channel_mask(), kMask);
  auto context = fw::IrContext::open(station(1).hal, 0);
  ASSERT_TRUE(context.ok());
  fw::IrStartOptions options;
  options.buffer_fill = true;
  options.multi_channel = true;
  options.channel = 1;  // ignored in multi-channel mode (channel 1 is sent, and not in the mask)
  ASSERT_EQ(context.value().start(descriptors.front(), options), fw::Status::Success);
  talker.start();
  run_until_sent(talker);

  // The descriptors fill in order: the stream is the filled bytes of the adjacent buffers.
  std::size_t filled = 0;
  bool earlier_full = true;
  for (const fw::IrBlock& descriptor : descriptors) {
    auto level = fw::read_buffer_fill_level(program, descriptor);
    ASSERT_TRUE(level.ok());
    if (!earlier_full) {
      EXPECT_EQ(level.value().filled(), 0u) << "a descriptor filled out of order";
    }
    filled += level.value().filled();
    earlier_full = level.value().full();
  }
  const auto expected = packets_where(
      talker, [](const Scripted& p) { return (kMask >> p.header.channel & 1u) != 0; });
  ASSERT_EQ(expected.size(), 12u);
  fw::BufferFillParser parser(data.bytes().first(filled));
  std::size_t i = 0;
  while (!parser.at_end()) {
    auto packet = parser.next();
    ASSERT_TRUE(packet.ok()) << "at byte " << parser.consumed() << ": "
                             << fw::to_string(packet.status());
    ASSERT_LT(i, expected.size()) << "more packets stored than the masked channels carried";
    expect_packet(packet.value(), talker, expected[i]);
    EXPECT_EQ(packet.value().stream_bytes, fw::ir_stream_bytes(talker.packet(expected[i]).length));
    ++i;
  }
  EXPECT_EQ(i, expected.size());
  EXPECT_EQ(context.value().dropped_packets(), 0u);
}

TEST_F(IrFilters, DroppedPacketsCountsOnlyPacketsForAnIdleContext) {
  // Four packet kinds in turn (decision 24 counts only a packet whose context is idle):
  //   a  channel 3, tag 0        -> context 0 (two blocks, then idle: the rest are dropped)
  //   b  channel 3, tag 1, sy 4  -> context 0's tag1SyncFilter rejects it; context 1 takes it but
  //                                 waits for sy 9 (w = 11): filtered
  //   c  channel 6               -> context 2, still waiting for a cycleMatch far ahead: filtered
  //   d  channel 9               -> nobody's (context 3 receives channel 10)
  const std::array<fw::IsoHeader, 4> kinds{
      fw::IsoHeader{.speed = Speed::kS400, .tag = 0, .channel = 3, .sy = 0},
      fw::IsoHeader{.speed = Speed::kS400, .tag = 1, .channel = 3, .sy = 4},
      fw::IsoHeader{.speed = Speed::kS400, .tag = 0, .channel = 6, .sy = 0},
      fw::IsoHeader{.speed = Speed::kS400, .tag = 0, .channel = 9, .sy = 0}};
  std::vector<Scripted> script;
  for (std::uint32_t k = 0; k < 20; ++k) script.push_back({kinds[k % 4], scripted_length(k)});
  bring_up_all();
  ScriptedTalker talker(*this, 0, 0, script);
  BlockListener context0(*this, 1, 0, 2), context1(*this, 1, 1, 4, {0}), context2(*this, 1, 2, 4),
      context3(*this, 1, 3, 4);
  fw::IrStartOptions options0 = on_channel(3);
  options0.tags = 0b0011;
  options0.tag1_sync_filter = true;
  fw::IrStartOptions options1 = on_channel(3);
  options1.tags = 0b0010;
  options1.sync = 9;
  fw::IrStartOptions options2 = on_channel(6);
  options2.cycle_match = cycle_match_ahead(1, 4000);
  context0.start(options0);
  context1.start(options1);
  context2.start(options2);
  context3.start(on_channel(10));
  talker.start();
  run_until_sent(talker);

  const auto kind_a = packets_where(
      talker, [](const Scripted& p) { return p.header.channel == 3 && p.header.tag == 0; });
  ASSERT_EQ(kind_a.size(), 5u);
  expect_stored_packets(context0.stored(), talker, {kind_a[0], kind_a[1]}, "context 0");
  EXPECT_TRUE(context0.context().status().idle()) << "context 0 ran out of blocks";
  EXPECT_EQ(context0.context().dropped_packets(), kind_a.size() - 2)
      << "the channel-3 tag-0 packets after its two blocks";
  expect_stored_packets(context1.stored(), talker, {}, "context 1");
  EXPECT_EQ(context1.context().dropped_packets(), 0u) << "waiting for sync is not dropping";
  expect_stored_packets(context2.stored(), talker, {}, "context 2");
  EXPECT_TRUE(context2.context().status().cycle_match_enable);
  EXPECT_EQ(context2.context().dropped_packets(), 0u) << "waiting for cycleMatch is not dropping";
  EXPECT_EQ(context3.context().dropped_packets(), 0u);
  EXPECT_TRUE(context3.stored().empty());
}

}  // namespace
}  // namespace ohci::tb
