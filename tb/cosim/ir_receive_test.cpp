// Isochronous receive end to end: node 0's IT context streams over the modelled bus into
// node 1's IR context, packet-per-buffer with isochHeader (reference/ohci-isoch.md 2.3, 3.3).
#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>

#include "bus_fixture.hpp"
#include "cosim_fixture.hpp"
#include "ohci/ir_block.hpp"
#include "ohci/ir_context.hpp"
#include "ohci/it_block.hpp"
#include "ohci/it_context.hpp"

namespace ohci::tb {
namespace {

using regs::DescInterrupt;
using regs::EventCode;
using regs::Speed;

constexpr std::uint32_t kMaxPayload = 4096;  // S400
constexpr std::byte kGuard{0xEE};

// Payload length of packet n: pseudo-random over 0..4096 with the extremes included.
std::uint32_t stream_length(unsigned n) {
  if (n % 500 == 1) return kMaxPayload;
  if (n % 500 == 2) return 0;
  return (n * 1103u + 7u) % (kMaxPayload + 1);
}

// The 1394 isochronous header quadlet of a packet (reference 4.2).
std::uint32_t iso_header_quadlet(std::uint32_t length, const fw::IsoHeader& header) {
  return length << 16 | header.tag << 14 | header.channel << 8 | 0xAu << 4 | header.sy;
}

// A talker: a circular IT program of kSlots blocks; the block of packet n is slot n % kSlots and
// is rewritten with packet n + kSlots once packet n has been sent.
class Talker {
 public:
  static constexpr unsigned kSlots = 16;

  Talker(BusTest& bus, std::size_t node, const fw::IsoHeader& header)
      : hal_(bus.station(node).hal),
        program_(bus.allocate(node, kSlots * kBlockBytes)),
        payload_(bus.allocate(node, kSlots * kMaxPayload)),
        header_(header) {}

  void start(unsigned packets) {
    total_ = packets;
    for (unsigned n = 0; n < std::min(kSlots, packets); ++n) write(n);
    auto context = fw::ItContext::open(hal_, 0);
    ASSERT_TRUE(context.ok());
    context_.emplace(context.value());
    ASSERT_EQ(context_->start(blocks_[0]), fw::Status::Success);
  }

  // Records the time stamps of packets sent since the last call and refills their slots.
  void service() {
    while (next_done_ < total_) {
      const unsigned slot = next_done_ % kSlots;
      auto completion = fw::read_completion(program_, blocks_[slot]);
      if (!completion.ok() || !completion.value().done()) break;
      time_stamps_.push_back(completion.value().time_stamp);
      EXPECT_EQ(completion.value().event(), EventCode::kAckComplete) << "packet " << next_done_;
      if (next_done_ + kSlots < total_) write(next_done_ + kSlots);
      ++next_done_;
    }
  }

  std::uint32_t time_stamp(unsigned n) const { return time_stamps_.at(n); }
  unsigned sent() const { return next_done_; }

 private:
  // Packet n into slot n % kSlots, branching to the next slot (the last packet ends the program).
  void write(unsigned n) {
    const unsigned slot = n % kSlots;
    const fw::BlockRef next =
        n + 1 < total_ ? fw::BlockRef{program_.bus_address() + ((slot + 1) % kSlots) * kBlockBytes,
                                      z_of(n + 1)}
                       : fw::BlockRef::end();
    blocks_[slot] = write_packet(program_, slot, payload_, n,
                                 PacketSpec{stream_length(n), slot * kMaxPayload}, header_, next);
  }
  static std::uint32_t z_of(unsigned n) { return fw::packet_block_z(stream_length(n) ? 1 : 0); }

  fw::Hal& hal_;
  fw::DmaBuffer program_;
  fw::DmaBuffer payload_;
  fw::IsoHeader header_;
  std::array<fw::ItBlock, kSlots> blocks_{};
  std::optional<fw::ItContext> context_;
  unsigned total_ = 0;
  unsigned next_done_ = 0;
  std::vector<std::uint32_t> time_stamps_;
};

// A listener: a circular packet-per-buffer IR program of kSlots blocks, each an INPUT_MORE for
// the trailer and header quadlets and an INPUT_LAST for up to 4096 payload bytes, as Linux
// builds them, in one 8 + 4096-byte buffer per slot with guard bytes between the slots.
class Listener {
 public:
  static constexpr unsigned kSlots = 16;
  static constexpr std::uint32_t kSlotBytes = 8 + kMaxPayload;
  static constexpr std::uint32_t kSlotStride = kSlotBytes + 64;  // guard bytes between slots

  Listener(BusTest& bus, std::size_t node, std::uint32_t index = 0)
      : hal_(bus.station(node).hal),
        index_(index),
        program_(bus.allocate(node, kSlots * 32)),
        data_(bus.allocate(node, kSlots * kSlotStride + 64)) {
    std::fill(data_.bytes().begin(), data_.bytes().end(), kGuard);
    for (unsigned slot = kSlots; slot-- > 0;) arm(slot);
  }

  // Starts the context, packet-per-buffer with isochHeader, on `options.channel`.
  void start(fw::IrStartOptions options) {
    auto context = fw::IrContext::open(hal_, index_);
    ASSERT_TRUE(context.ok()) << fw::to_string(context.status());
    context_.emplace(context.value());
    ASSERT_EQ(context_->start(blocks_[0], options), fw::Status::Success);
  }

  // Checks every packet received since the last call against what the talker sent (packet n
  // is in slot n % kSlots) and re-arms its slot. Returns false on the first mismatch.
  bool service(const Talker& talker, const fw::IsoHeader& header) {
    while (true) {
      const unsigned slot = received_ % kSlots;
      auto completion = fw::read_packet_completion(program_, blocks_[slot]);
      EXPECT_TRUE(completion.ok()) << fw::to_string(completion.status());
      if (!completion.ok()) return false;
      if (!completion.value().status.done()) return true;
      const unsigned n = received_;
      const std::uint32_t length = stream_length(n);
      const std::uint32_t padded = (length + 3) & ~3u;
      const std::size_t base = data_offset(slot);
      const fw::IrStatus& status = completion.value().status;
      // Status goes to the descriptor the stream ended in: the INPUT_LAST when there is payload.
      EXPECT_EQ(completion.value().descriptor, length ? 1u : 0u) << "packet " << n;
      EXPECT_EQ(status.event(), EventCode::kAckComplete) << "packet " << n;
      EXPECT_EQ(status.speed(), Speed::kS400) << "packet " << n;
      EXPECT_EQ(status.res_count, length ? kMaxPayload - padded : 0u) << "packet " << n;
      EXPECT_EQ(completion.value().stored_bytes, 8 + padded) << "packet " << n;

      const auto stream = data_.bytes().subspan(base, 8 + padded);
      auto packet = fw::parse_packet_per_buffer(stream);
      EXPECT_TRUE(packet.ok()) << "packet " << n << ": " << fw::to_string(packet.status());
      if (!packet.ok()) return false;
      EXPECT_EQ(packet.value().trailer.xfer_status, status.xfer_status) << "packet " << n;
      EXPECT_EQ(packet.value().trailer.time_stamp, talker.time_stamp(n))
          << "packet " << n << ": timeStamp = the cycle it was sent in";
      EXPECT_EQ(quadlet(data_, base + 4), iso_header_quadlet(length, header)) << "packet " << n;
      const auto expected = expected_payload(n, length);
      const auto payload = packet.value().payload;
      bool intact = payload.size() == length &&
                    std::equal(expected.begin(), expected.end(),
                               reinterpret_cast<const std::uint8_t*>(payload.data()));
      const auto bytes = data_.bytes();
      for (std::uint32_t i = length; i < padded; ++i)
        intact = intact && bytes[base + 8 + i] == std::byte{0};
      for (std::size_t i = base + 8 + padded; i < base + kSlotStride; ++i)
        intact = intact && bytes[i] == kGuard;
      EXPECT_TRUE(intact) << "packet " << n << " (" << length << " bytes) not byte-exact";
      if (::testing::Test::HasFailure()) return false;
      std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(base),
                bytes.begin() + static_cast<std::ptrdiff_t>(base + 8 + padded), kGuard);
      arm(slot);
      ++received_;
    }
  }

  unsigned received() const { return received_; }
  fw::IrContext& context() { return *context_; }

 private:
  std::size_t data_offset(unsigned slot) const { return 64 + slot * kSlotStride; }
  static std::uint32_t quadlet(const fw::DmaBuffer& buffer, std::size_t offset) {
    return buffer.read_quadlet(offset).value();
  }

  // Slot `slot`: INPUT_MORE (8 bytes) + INPUT_LAST (4096 bytes), branching to the next slot.
  void arm(unsigned slot) {
    const std::uint32_t buffer =
        data_.bus_address() + static_cast<std::uint32_t>(data_offset(slot));
    const std::array<fw::IrBuffer, 2> buffers{fw::IrBuffer{buffer, 8},
                                              fw::IrBuffer{buffer + 8, kMaxPayload}};
    const fw::BlockRef next{program_.bus_address() + ((slot + 1) % kSlots) * 32, 2};
    auto block = fw::write_packet_per_buffer_block(program_, slot * 32,
                                                   fw::IrBlockSpec{.buffers = buffers}, next);
    ASSERT_TRUE(block.ok()) << fw::to_string(block.status());
    blocks_[slot] = block.value();
  }

  fw::Hal& hal_;
  std::uint32_t index_;
  fw::DmaBuffer program_;
  fw::DmaBuffer data_;
  std::array<fw::IrBlock, kSlots> blocks_{};
  std::optional<fw::IrContext> context_;
  unsigned received_ = 0;
};

class IrReceive : public BusTest {};

TEST_F(IrReceive, OneSecondAtS400ArrivesByteExactWithTheTransmitCycleAsTimeStamp) {
  constexpr unsigned kPackets = 8000;
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 5, .sy = 3};
  bring_up_all();
  Talker talker(*this, 0, header);
  Listener listener(*this, 1);
  fw::IrStartOptions options;
  options.channel = header.channel;
  listener.start(options);
  talker.start(kPackets);

  const auto wall_start = std::chrono::steady_clock::now();
  const std::uint64_t first_cycle = world_.cycle();
  // A packet a cycle: both sides are serviced twice a cycle, well within their 16 slots.
  const std::uint64_t limit = world_.cycle() + (kPackets + 16) * kClkPerCycle;
  while (listener.received() < kPackets && world_.cycle() < limit) {
    world_.run(kClkPerCycle / 2);
    talker.service();
    if (!listener.service(talker, header)) break;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  EXPECT_EQ(talker.sent(), kPackets);
  EXPECT_EQ(listener.received(), kPackets);
  const std::uint64_t clk = world_.cycle() - first_cycle;
  std::cout << "[ sim rate ] " << clk << " clk (2 nodes) in " << wall
            << " s = " << static_cast<double>(clk) / wall / 1e6 << " M clk/s\n";
  RecordProperty("sim_clk_per_second",
                 std::to_string(static_cast<std::uint64_t>(static_cast<double>(clk) / wall)));
}

}  // namespace
}  // namespace ohci::tb
