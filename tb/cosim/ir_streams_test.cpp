// Receive streams beyond the plain packet-per-buffer case: buffer-fill mode with packets
// straddling descriptors, isochHeader off, a listener running out of buffers, packets corrupted
// on the bus, and three nodes with two talkers (reference/ohci-isoch.md 2.3, 3.3;
// docs/decisions.md 20-28).
#include <algorithm>
#include <random>
#include <set>

#include "ieee1394_packet.hpp"
#include "stream_harness.hpp"

namespace ohci::tb {
namespace {

using regs::DescInterrupt;
using regs::EventCode;
using regs::Speed;

// The talker packet whose time stamp is `time_stamp` (one packet a cycle), or -1.
int packet_sent_in(const Talker& talker, std::uint32_t time_stamp) {
  for (unsigned n = 0; n < talker.sent(); ++n)
    if (talker.time_stamp(n) == time_stamp) return static_cast<int>(n);
  return -1;
}

// A buffer-fill program: `count` INPUT_MORE descriptors of `bytes` each over one contiguous data
// buffer (so the stream is one span), chained, the last ending the program; i=11 on each.
class BufferFillChain {
 public:
  BufferFillChain(BusTest& bus, std::size_t node, unsigned count, std::uint32_t bytes)
      : count_(count),
        bytes_(bytes),
        program_(bus.allocate(node, count * 16)),
        data_(bus.allocate(node, count * bytes + 64)) {
    std::fill(data_.bytes().begin(), data_.bytes().end(), kGuard);
    for (unsigned k = count; k-- > 0;) {
      const fw::BlockRef next = k + 1 < count
                                    ? fw::BlockRef{program_.bus_address() + (k + 1) * 16, 1}
                                    : fw::BlockRef::end();
      auto block = fw::write_buffer_fill_descriptor(
          program_, k * 16,
          fw::IrBufferFillSpec{.buffer = {data_.bus_address() + k * bytes, bytes},
                               .interrupt = DescInterrupt::kAlways},
          next);
      EXPECT_TRUE(block.ok()) << fw::to_string(block.status());
      if (block.ok()) blocks_.push_back(block.value());
    }
    std::reverse(blocks_.begin(), blocks_.end());
  }

  const fw::IrBlock& first() const { return blocks_.front(); }
  fw::IrFillLevel level(unsigned k) const {
    auto level = fw::read_buffer_fill_level(program_, blocks_.at(k));
    EXPECT_TRUE(level.ok());
    return level.ok() ? level.value() : fw::IrFillLevel{};
  }
  // Bytes filled so far: whole descriptors, then the filled part of the first one not full.
  std::size_t filled() const {
    std::size_t total = 0;
    for (unsigned k = 0; k < count_; ++k) {
      const fw::IrFillLevel fill = level(k);
      total += fill.req_count - fill.status.res_count;
      if (!fill.full()) break;
    }
    return total;
  }
  std::span<const std::byte> stream() const { return data_.bytes().first(filled()); }
  const fw::DmaBuffer& data() const { return data_; }
  unsigned count() const { return count_; }
  std::uint32_t bytes() const { return bytes_; }

 private:
  unsigned count_;
  std::uint32_t bytes_;
  fw::DmaBuffer program_;
  fw::DmaBuffer data_;
  std::vector<fw::IrBlock> blocks_;
};

class IrBufferModes : public BusTest {};

TEST_F(IrBufferModes, BufferFillPacksPacketsAcrossDescriptorsWithHeaderAndTrailer) {
  constexpr unsigned kPackets = 300;
  // 3000-byte descriptors: no packet size divides them, so packets straddle descriptor ends.
  constexpr std::uint32_t kDescriptorBytes = 3000;
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 9, .sy = 0xA};
  bring_up_all();
  Talker talker(*this, 0, 0, header);
  std::size_t stream_bytes = 0;
  for (unsigned n = 0; n < kPackets; ++n) stream_bytes += fw::ir_stream_bytes(talker.length(n));
  const unsigned descriptors = static_cast<unsigned>(stream_bytes / kDescriptorBytes + 2);
  BufferFillChain chain(*this, 1, descriptors, kDescriptorBytes);
  auto context = fw::IrContext::open(station(1).hal, 0);
  ASSERT_TRUE(context.ok());
  fw::IrStartOptions options;
  options.buffer_fill = true;
  options.channel = header.channel;
  ASSERT_EQ(context.value().start(chain.first(), options), fw::Status::Success);
  context.value().enable_interrupt();
  talker.start(kPackets);
  run_streaming(
      *this, kPackets + 20, [&] { talker.service(); },
      [&] { return chain.filled() >= stream_bytes; });

  ASSERT_EQ(talker.sent(), kPackets);
  ASSERT_EQ(chain.filled(), stream_bytes);
  fw::BufferFillParser parser(chain.stream());
  for (unsigned n = 0; n < kPackets; ++n) {
    auto packet = parser.next();
    ASSERT_TRUE(packet.ok()) << "packet " << n << ": " << fw::to_string(packet.status());
    const fw::IrPacket& p = packet.value();
    EXPECT_EQ(p.event(), EventCode::kAckComplete) << "packet " << n;
    EXPECT_EQ(p.header.channel, header.channel);
    EXPECT_EQ(p.header.tag, header.tag);
    EXPECT_EQ(p.header.sy, header.sy);
    EXPECT_EQ(p.header.speed, Speed::kS400);
    EXPECT_EQ(p.data_length, talker.length(n)) << "packet " << n;
    EXPECT_EQ(p.trailer.time_stamp, talker.time_stamp(n)) << "packet " << n;
    const auto expected = expected_payload(talker.number(n), talker.length(n));
    EXPECT_TRUE(p.payload.size() == expected.size() &&
                std::equal(expected.begin(), expected.end(),
                           reinterpret_cast<const std::uint8_t*>(p.payload.data())))
        << "packet " << n << " not byte-exact";
  }
  EXPECT_TRUE(parser.at_end());
  // Every descriptor before the last one touched is full (resCount 0) with an ack_complete
  // status; the one in use has what is left; those after are untouched.
  const unsigned in_use = static_cast<unsigned>(stream_bytes / kDescriptorBytes);
  for (unsigned k = 0; k < descriptors; ++k) {
    const fw::IrFillLevel level = chain.level(k);
    if (k < in_use) {
      EXPECT_TRUE(level.full()) << "descriptor " << k;
      EXPECT_EQ(level.status.event(), EventCode::kAckComplete) << "descriptor " << k;
    } else if (k == in_use) {
      EXPECT_EQ(level.status.res_count, kDescriptorBytes - stream_bytes % kDescriptorBytes);
    } else {
      EXPECT_EQ(level.status.xfer_status, 0u) << "descriptor " << k;
      EXPECT_EQ(level.status.res_count, kDescriptorBytes) << "descriptor " << k;
    }
  }
  // i=11 on every descriptor: one IsoRecvIntEvent per filled descriptor; the bit is set.
  EXPECT_EQ(station(1).hal.read32(regs::kIsoRecvIntEventSet) & 1u, 1u);
  // Nothing written after the stream.
  const auto bytes = chain.data().bytes();
  EXPECT_TRUE(std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(stream_bytes), bytes.end(),
                          [](std::byte b) { return b == kGuard; }));
}

TEST_F(IrBufferModes, BufferFillRunningOutMidPacketCutsItWithEvtLongPacketAndIdles) {
  // Two 1000-byte descriptors; 600-byte packets take 608 bytes each with header and trailer:
  // packet 0 at 0, packet 1 at 608 (straddling into descriptor 1 at 1000), packet 2 at 1216,
  // packet 3 at 1824 is cut at 2000, the end of the last descriptor (decision 22).
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 14, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned) { return 600u; });
  BufferFillChain chain(*this, 1, 2, 1000);
  auto context = fw::IrContext::open(station(1).hal, 0);
  ASSERT_TRUE(context.ok());
  fw::IrStartOptions options;
  options.buffer_fill = true;
  options.channel = header.channel;
  ASSERT_EQ(context.value().start(chain.first(), options), fw::Status::Success);
  talker.start(6);
  run_streaming(
      *this, 12, [&] { talker.service(); }, [&] { return talker.sent() == 6; });
  world_.run(kClkPerCycle);

  EXPECT_TRUE(chain.level(0).full());
  EXPECT_EQ(chain.level(0).status.event(), EventCode::kAckComplete);
  EXPECT_TRUE(chain.level(1).full());
  EXPECT_EQ(chain.level(1).status.event(), EventCode::kEvtLongPacket) << "packet 3 was cut";
  const fw::IrContextStatus status = context.value().status();
  EXPECT_TRUE(status.idle()) << "no descriptor left: idle, not dead";
  EXPECT_EQ(status.event, EventCode::kEvtLongPacket);
  // Packets 0-2 are whole; packet 3's header and first 172 payload bytes fill the rest.
  fw::BufferFillParser parser(chain.stream().first(3 * 608));
  for (unsigned n = 0; n < 3; ++n) {
    auto packet = parser.next();
    ASSERT_TRUE(packet.ok()) << "packet " << n;
    EXPECT_EQ(packet.value().trailer.time_stamp, talker.time_stamp(n));
    const auto expected = expected_payload(talker.number(n), 600);
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(),
                           reinterpret_cast<const std::uint8_t*>(packet.value().payload.data())));
  }
  const auto cut = expected_payload(talker.number(3), 2000 - 1824 - 4);
  EXPECT_TRUE(
      std::equal(cut.begin(), cut.end(),
                 reinterpret_cast<const std::uint8_t*>(chain.data().bytes().data() + 1828)));
  // Packets 4 and 5 arrived for an idle context: dropped and counted, nothing written.
  EXPECT_EQ(context.value().dropped_packets(), 2u);
  EXPECT_TRUE(std::all_of(chain.data().bytes().begin() + 2000, chain.data().bytes().end(),
                          [](std::byte b) { return b == kGuard; }));
}

TEST_F(IrBufferModes, BufferFillWithoutIsochHeaderStoresOnlyThePaddedPayloads) {
  constexpr unsigned kPackets = 40;
  const fw::IsoHeader header{.speed = Speed::kS200, .tag = 0, .channel = 3, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned n) { return (n * 37u + 5u) % 2049u; });
  std::size_t stream_bytes = 0;
  for (unsigned n = 0; n < kPackets; ++n)
    stream_bytes += fw::padded_payload_bytes(talker.length(n));
  BufferFillChain chain(*this, 1, static_cast<unsigned>(stream_bytes / 1000 + 2), 1000);
  auto context = fw::IrContext::open(station(1).hal, 0);
  ASSERT_TRUE(context.ok());
  fw::IrStartOptions options;
  options.buffer_fill = true;
  options.isoch_header = false;
  options.channel = header.channel;
  ASSERT_EQ(context.value().start(chain.first(), options), fw::Status::Success);
  talker.start(kPackets);
  run_streaming(
      *this, kPackets + 20, [&] { talker.service(); },
      [&] { return chain.filled() >= stream_bytes; });
  ASSERT_EQ(chain.filled(), stream_bytes);
  std::size_t at = 0;
  for (unsigned n = 0; n < kPackets; ++n) {
    const std::uint32_t length = talker.length(n);
    auto expected = expected_payload(talker.number(n), length);
    expected.resize(fw::padded_payload_bytes(length), 0);
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(),
                           reinterpret_cast<const std::uint8_t*>(chain.stream().data() + at)))
        << "packet " << n;
    at += expected.size();
  }
}

TEST_F(IrBufferModes, PacketPerBufferWithoutIsochHeaderStoresOnlyThePayload) {
  constexpr unsigned kPackets = 40;
  const fw::IsoHeader header{.speed = Speed::kS100, .tag = 2, .channel = 63, .sy = 1};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned n) { return (n * 53u) % 1025u; });
  // One 1024-byte buffer per packet: INPUT_LAST alone (Z = 1) in a ring.
  constexpr unsigned kSlots = 8;
  fw::DmaBuffer program = allocate(1, kSlots * 16);
  fw::DmaBuffer data = allocate(1, kSlots * 1024);
  std::vector<fw::IrBlock> blocks(kSlots);
  auto arm = [&](unsigned slot) {
    const std::array<fw::IrBuffer, 1> buffer{fw::IrBuffer{data.bus_address() + slot * 1024, 1024}};
    auto block = fw::write_packet_per_buffer_block(
        program, slot * 16, fw::IrBlockSpec{.buffers = buffer},
        fw::BlockRef{program.bus_address() + ((slot + 1) % kSlots) * 16, 1});
    ASSERT_TRUE(block.ok());
    blocks[slot] = block.value();
  };
  for (unsigned slot = 0; slot < kSlots; ++slot) arm(slot);
  auto context = fw::IrContext::open(station(1).hal, 0);
  ASSERT_TRUE(context.ok());
  fw::IrStartOptions options;
  options.isoch_header = false;
  options.channel = header.channel;
  ASSERT_EQ(context.value().start(blocks[0], options), fw::Status::Success);
  talker.start(kPackets);
  unsigned received = 0;
  run_streaming(
      *this, kPackets + 20,
      [&] {
        talker.service();
        while (received < kPackets) {
          const unsigned slot = received % kSlots;
          auto completion = fw::read_packet_completion(program, blocks[slot]);
          ASSERT_TRUE(completion.ok());
          if (!completion.value().done()) break;
          const std::uint32_t length = talker.length(received);
          EXPECT_EQ(completion.value().event(), EventCode::kAckComplete);
          EXPECT_EQ(completion.value().speed(), Speed::kS100);
          EXPECT_EQ(completion.value().status.res_count, 1024 - fw::padded_payload_bytes(length));
          const auto expected = expected_payload(talker.number(received), length);
          EXPECT_TRUE(
              std::equal(expected.begin(), expected.end(),
                         reinterpret_cast<const std::uint8_t*>(data.bytes().data() + slot * 1024)))
              << "packet " << received;
          arm(slot);
          ++received;
        }
      },
      [&] { return received == kPackets; });
  EXPECT_EQ(received, kPackets);
}

class IrRunOut : public BusTest {};

TEST_F(IrRunOut, DroppedPacketsAreCountedAndReceptionResumesWithTheNextWholePacket) {
  constexpr unsigned kPackets = 60;
  constexpr unsigned kIdleCycles = 12;
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 7, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header);
  Listener listener(*this, 1, 0, kMaxS400Payload, /*circular=*/false);
  fw::IrStartOptions options;
  options.channel = header.channel;
  listener.start(options);
  talker.start(kPackets);

  std::vector<int> got;  // talker packet numbers, in the order received
  const auto check = [&](const ReceivedPacket& received) {
    auto packet = fw::parse_packet_per_buffer(received.stream);
    EXPECT_TRUE(packet.ok());
    if (!packet.ok()) return false;
    const int n = packet_sent_in(talker, packet.value().trailer.time_stamp);
    EXPECT_GE(n, 0) << "a packet with a time stamp no packet was sent in";
    if (n < 0) return false;
    got.push_back(n);
    return expect_stored(received, talker, static_cast<unsigned>(n));
  };
  // The listener's 16 blocks fill and it goes idle with run = 1, active = 0.
  run_streaming(
      *this, 40,
      [&] {
        talker.service();
        listener.service(check);
      },
      [&] { return listener.received() == Listener::kSlots; });
  world_.run(kClkPerCycle);
  const fw::IrContextStatus idle = listener.context().status();
  EXPECT_TRUE(idle.run && !idle.active && !idle.dead) << "idle at the end of its program";
  // Packets keep coming for kIdleCycles cycles: each is dropped and counted, none written.
  world_.run(kIdleCycles * kClkPerCycle);
  talker.service();
  listener.service(check);
  EXPECT_EQ(listener.received(), Listener::kSlots);
  // Re-arm: patch the end, then wake; reception resumes with the next packet.
  listener.append_consumed();
  run_streaming(
      *this, kPackets + 20,
      [&] {
        talker.service();
        listener.service(check);
        listener.append_consumed();
      },
      [&] {
        return talker.sent() == kPackets &&
               listener.received() + listener.context().dropped_packets() == kPackets;
      });

  ASSERT_EQ(talker.sent(), kPackets);
  const std::uint32_t dropped_count = listener.context().dropped_packets();
  EXPECT_EQ(listener.received() + dropped_count, kPackets);
  EXPECT_GE(dropped_count, kIdleCycles);
  // Received: 0..15, then a gap of exactly the dropped packets, then every packet to the end.
  ASSERT_EQ(got.size(), listener.received());
  for (unsigned k = 0; k < got.size(); ++k) {
    const int expected =
        k < Listener::kSlots ? static_cast<int>(k) : static_cast<int>(k + dropped_count);
    EXPECT_EQ(got[k], expected) << "received packet " << k;
  }
}

// 1% of the talker's packets corrupted on the bus (half in the header CRC, half in the data
// CRC), chosen by a seeded draw per packet; cycle starts are left alone.
class IrCorruption : public BusTest {
 protected:
  IrCorruption() {
    world_.bus().set_fault_hook([this](const sim::RepeatInfo& info) {
      sim::BusFault fault;
      if (info.cycle_start || info.sender != 0) return fault;
      std::uniform_real_distribution<double> draw(0.0, 1.0);
      const double x = draw(rng_);
      fault.corrupt_header_crc = x < 0.005;
      fault.corrupt_data_crc = x >= 0.005 && x < 0.01;
      return fault;
    });
  }
  std::mt19937_64 rng_{20261123};
  std::size_t scanned_cycle_starts_ = 0;
};

TEST_F(IrCorruption, CorruptPacketsAreFlaggedOrDroppedAndNeverDeliveredAsGood) {
  constexpr unsigned kPackets = 1500;
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 12, .sy = 0};
  bring_up_all();
  Talker talker(*this, 0, 0, header, [](unsigned n) { return 4u + (n * 733u) % 1021u; });
  Listener listener(*this, 1, 0, 1024);
  fw::IrStartOptions options;
  options.channel = header.channel;
  listener.start(options);
  talker.start(kPackets);

  // The talker's packets on the bus, in order, with the faults the bus applied.
  std::vector<sim::BusFault> faults;
  const auto bus_faults = [&] {
    for (std::size_t k = faults.size() + scanned_cycle_starts_; k < world_.bus().packets().size();
         ++k) {
      const sim::BusPacket& packet = world_.bus().packets()[k];
      if (packet.sender == 0 && sim::tcode_of(packet.bytes) == 0xA)
        faults.push_back(packet.faults);
      else
        ++scanned_cycle_starts_;
    }
  };
  unsigned good = 0, data_errors = 0;
  std::set<int> seen;
  const auto check = [&](const ReceivedPacket& received) {
    bus_faults();
    auto packet = fw::parse_packet_per_buffer(received.stream);
    EXPECT_TRUE(packet.ok());
    if (!packet.ok()) return false;
    const int n = packet_sent_in(talker, packet.value().trailer.time_stamp);
    EXPECT_GE(n, 0);
    if (n < 0 || static_cast<std::size_t>(n) >= faults.size()) return false;
    EXPECT_TRUE(seen.insert(n).second) << "packet " << n << " received twice";
    EXPECT_FALSE(faults[n].corrupt_header_crc) << "packet " << n << ": a bad header CRC is dropped";
    if (faults[n].corrupt_data_crc) {
      ++data_errors;
      EXPECT_EQ(received.completion.event(), EventCode::kAckDataError) << "packet " << n;
      EXPECT_EQ(packet.value().event(), EventCode::kAckDataError) << "packet " << n;
      return true;
    }
    ++good;
    EXPECT_EQ(received.completion.event(), EventCode::kAckComplete) << "packet " << n;
    const auto expected = expected_payload(talker.number(n), talker.length(n));
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(),
                           reinterpret_cast<const std::uint8_t*>(packet.value().payload.data())))
        << "packet " << n;
    return !HasFailure();
  };
  run_streaming(
      *this, kPackets + 20,
      [&] {
        talker.service();
        listener.service(check);
      },
      [&] { return talker.sent() == kPackets && world_.bus().idle(); });
  world_.run(kClkPerCycle);
  listener.service(check);
  bus_faults();

  ASSERT_EQ(faults.size(), kPackets);
  unsigned header_faults = 0, data_faults = 0;
  for (const sim::BusFault& fault : faults) {
    header_faults += fault.corrupt_header_crc;
    data_faults += fault.corrupt_data_crc;
  }
  EXPECT_GT(header_faults + data_faults, kPackets / 200) << "about 1% of the packets";
  EXPECT_EQ(world_.bus().stats().header_crc_faults, header_faults);
  EXPECT_EQ(world_.bus().stats().data_crc_faults, data_faults);
  EXPECT_EQ(data_errors, data_faults) << "every data CRC fault flagged ack_data_error";
  EXPECT_EQ(good, kPackets - header_faults - data_faults) << "every good packet intact";
  EXPECT_EQ(listener.received(), kPackets - header_faults);
  EXPECT_EQ(listener.context().dropped_packets(), 0u);
}

// Node 0 (cycle master) and node 1 talk on channels 1 and 2 in the same cycles; node 2 listens
// to both with two IR contexts.
class ThreeNodes : public BusTest {
 protected:
  ThreeNodes() : BusTest(3) {}
};

TEST_F(ThreeNodes, TwoTalkersInTheSameCyclesReachTwoContextsOfOneListener) {
  constexpr unsigned kPackets = 200;
  // Two packets share each cycle: at most 2048 bytes each keeps both within the cycle at S400.
  const auto lengths = [](unsigned n) { return stream_length(n) % 2049u; };
  const fw::IsoHeader header_a{.speed = Speed::kS400, .tag = 1, .channel = 1, .sy = 0};
  const fw::IsoHeader header_b{.speed = Speed::kS400, .tag = 1, .channel = 2, .sy = 0};
  bring_up_all();
  Talker talker_a(*this, 0, 0, header_a, lengths, 0);
  Talker talker_b(*this, 1, 0, header_b, lengths, 100000);
  Listener listener_a(*this, 2, 0);
  Listener listener_b(*this, 2, 1);
  fw::IrStartOptions options;
  options.channel = header_a.channel;
  listener_a.start(options);
  options.channel = header_b.channel;
  listener_b.start(options);
  // Both start in the same cycle, a few cycles from now (node 1 counts cycles from the cycle
  // starts it receives).
  const std::uint32_t timer = station(0).hal.read32(regs::kIsochronousCycleTimer);
  const std::uint32_t now = (timer >> 25 & 0x3u) << 13 | (timer >> 12 & 0x1FFFu);
  const std::uint32_t start = next_cycle(now, 5) & 0x7FFF;
  talker_a.start(kPackets, start);
  talker_b.start(kPackets, start);

  bool ok = true;
  run_streaming(
      *this, kPackets + 30,
      [&] {
        talker_a.service();
        talker_b.service();
        listener_a.service([&](const ReceivedPacket& received) {
          ok = ok && expect_stored(received, talker_a, received.sequence);
          return ok;
        });
        listener_b.service([&](const ReceivedPacket& received) {
          ok = ok && expect_stored(received, talker_b, received.sequence);
          return ok;
        });
      },
      [&] {
        return !ok || (listener_a.received() == kPackets && listener_b.received() == kPackets);
      });

  EXPECT_EQ(listener_a.received(), kPackets);
  EXPECT_EQ(listener_b.received(), kPackets);
  for (unsigned n = 0; n < std::min(talker_a.sent(), talker_b.sent()); ++n)
    EXPECT_EQ(talker_a.time_stamp(n), talker_b.time_stamp(n)) << "packet " << n << ": same cycle";
  EXPECT_EQ(talker_a.time_stamp(0) & 0x7FFF, start);
}

}  // namespace
}  // namespace ohci::tb
