#include "stream_harness.hpp"

#include <algorithm>
#include <cstring>

namespace ohci::tb {

std::uint32_t stream_length(unsigned n) {
  if (n % 500 == 1) return kMaxS400Payload;
  if (n % 500 == 2) return 0;
  return (n * 1103u + 7u) % (kMaxS400Payload + 1);
}

std::uint32_t iso_header_quadlet(std::uint32_t length, const fw::IsoHeader& header) {
  return length << 16 | header.tag << 14 | header.channel << 8 | 0xAu << 4 | header.sy;
}

Talker::Talker(BusTest& bus, std::size_t node, std::uint32_t context, const fw::IsoHeader& header,
               Lengths lengths, unsigned number_base)
    : hal_(bus.station(node).hal),
      index_(context),
      program_(bus.allocate(node, kSlots * kBlockBytes)),
      payload_(bus.allocate(node, kSlots * kMaxS400Payload)),
      header_(header),
      lengths_(std::move(lengths)),
      number_base_(number_base) {}

void Talker::start(unsigned packets, std::optional<std::uint32_t> cycle_match) {
  total_ = packets;
  for (unsigned n = 0; n < std::min(kSlots, packets); ++n) write(n);
  auto context = fw::ItContext::open(hal_, index_);
  ASSERT_TRUE(context.ok()) << fw::to_string(context.status());
  context_.emplace(context.value());
  ASSERT_EQ(context_->start(blocks_[0], cycle_match), fw::Status::Success);
}

void Talker::service() {
  while (next_done_ < total_) {
    const unsigned slot = next_done_ % kSlots;
    auto completion = fw::read_completion(program_, blocks_[slot]);
    if (!completion.ok() || !completion.value().done()) break;
    time_stamps_.push_back(completion.value().time_stamp);
    EXPECT_EQ(completion.value().event(), regs::EventCode::kAckComplete)
        << "talker packet " << next_done_;
    if (next_done_ + kSlots < total_) write(next_done_ + kSlots);
    ++next_done_;
  }
}

void Talker::write(unsigned n) {
  const unsigned slot = n % kSlots;
  const fw::BlockRef next =
      n + 1 < total_
          ? fw::BlockRef{program_.bus_address() + ((slot + 1) % kSlots) * kBlockBytes, z_of(n + 1)}
          : fw::BlockRef::end();
  blocks_[slot] = write_packet(program_, slot, payload_, number(n),
                               PacketSpec{lengths_(n), slot * kMaxS400Payload}, header_, next);
}

std::uint32_t Talker::z_of(unsigned n) const {
  return fw::packet_block_z(lengths_(n) ? 1 : 0);
}

Listener::Listener(BusTest& bus, std::size_t node, std::uint32_t context,
                   std::uint32_t payload_bytes, bool circular)
    : hal_(bus.station(node).hal),
      index_(context),
      payload_bytes_(payload_bytes),
      slot_stride_(8 + payload_bytes + kGuardBytes),
      circular_(circular),
      program_(bus.allocate(node, kSlots * 32)),
      data_(bus.allocate(node, kGuardBytes + kSlots * slot_stride_)) {
  std::fill(data_.bytes().begin(), data_.bytes().end(), kGuard);
  for (unsigned slot = 0; slot < kSlots; ++slot)
    arm(slot, circular_ || slot + 1 < kSlots ? ref((slot + 1) % kSlots) : fw::BlockRef::end());
}

fw::BlockRef Listener::ref(unsigned slot) const {
  return fw::BlockRef{program_.bus_address() + slot * 32, 2};
}

void Listener::arm(unsigned slot, fw::BlockRef next) {
  const std::uint32_t buffer = data_.bus_address() + static_cast<std::uint32_t>(slot_offset(slot));
  const std::array<fw::IrBuffer, 2> buffers{fw::IrBuffer{buffer, 8},
                                            fw::IrBuffer{buffer + 8, payload_bytes_}};
  auto block = fw::write_packet_per_buffer_block(program_, slot * 32,
                                                 fw::IrBlockSpec{.buffers = buffers}, next);
  ASSERT_TRUE(block.ok()) << fw::to_string(block.status());
  blocks_[slot] = block.value();
}

void Listener::start(const fw::IrStartOptions& options) {
  auto context = fw::IrContext::open(hal_, index_);
  ASSERT_TRUE(context.ok()) << fw::to_string(context.status());
  context_.emplace(context.value());
  ASSERT_EQ(context_->start(blocks_[0], options), fw::Status::Success);
}

unsigned Listener::service(const std::function<bool(const ReceivedPacket&)>& check) {
  unsigned handled = 0;
  while (circular_ || received_ < appended_) {
    const unsigned slot = received_ % kSlots;
    auto completion = fw::read_packet_completion(program_, blocks_[slot]);
    EXPECT_TRUE(completion.ok()) << fw::to_string(completion.status());
    if (!completion.ok() || !completion.value().done()) break;
    const std::size_t base = slot_offset(slot);
    const std::size_t stored = completion.value().stored_bytes;
    ReceivedPacket packet{received_, completion.value(), data_.bytes().subspan(base, stored), true,
                          payload_bytes_};
    const auto bytes = data_.bytes();
    for (std::size_t i = base + stored; i < base + slot_stride_; ++i)
      packet.guards_intact = packet.guards_intact && bytes[i] == kGuard;
    if (!check(packet)) return handled;
    std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(base),
              bytes.begin() + static_cast<std::ptrdiff_t>(base + stored), kGuard);
    if (circular_) arm(slot, ref((slot + 1) % kSlots));
    ++received_;
    ++handled;
  }
  return handled;
}

void Listener::append_consumed() {
  // The blocks the context may still use are received_ .. appended_ - 1; the consumed ones
  // before them are free. Each is re-armed as the new end and the previous end is patched.
  while (appended_ < received_ + kSlots) {
    const unsigned slot = appended_ % kSlots;
    const unsigned previous = (appended_ - 1) % kSlots;
    arm(slot, fw::BlockRef::end());
    ASSERT_EQ(context_->append(program_, blocks_[previous], ref(slot)), fw::Status::Success);
    ++appended_;
  }
}

bool expect_stored(const ReceivedPacket& received, const Talker& talker, unsigned n) {
  const std::uint32_t length = talker.length(n);
  const std::uint32_t padded = (length + 3) & ~3u;
  const fw::IrPacketCompletion& completion = received.completion;
  EXPECT_EQ(completion.descriptor, length ? 1u : 0u) << "packet " << n;
  EXPECT_EQ(completion.status.event(), regs::EventCode::kAckComplete) << "packet " << n;
  EXPECT_EQ(completion.status.speed(), talker.header().speed) << "packet " << n;
  EXPECT_EQ(completion.status.res_count, length ? received.payload_bytes - padded : 0u)
      << "packet " << n;
  EXPECT_EQ(completion.stored_bytes, 8 + padded) << "packet " << n;
  auto packet = fw::parse_packet_per_buffer(received.stream);
  EXPECT_TRUE(packet.ok()) << "packet " << n << ": " << fw::to_string(packet.status());
  if (!packet.ok()) return false;
  EXPECT_EQ(packet.value().trailer.xfer_status, completion.status.xfer_status) << "packet " << n;
  EXPECT_EQ(packet.value().trailer.time_stamp, talker.time_stamp(n))
      << "packet " << n << ": timeStamp = the cycle it was sent in";
  std::uint32_t header_quadlet = 0;
  std::memcpy(&header_quadlet, received.stream.data() + 4, 4);  // little-endian host
  EXPECT_EQ(header_quadlet, iso_header_quadlet(length, talker.header())) << "packet " << n;
  const auto expected = expected_payload(talker.number(n), length);
  const auto payload = packet.value().payload;
  bool intact =
      payload.size() == length && std::equal(expected.begin(), expected.end(),
                                             reinterpret_cast<const std::uint8_t*>(payload.data()));
  for (std::uint32_t i = 8 + length; i < 8 + padded; ++i)
    intact = intact && received.stream[i] == std::byte{0};
  EXPECT_TRUE(intact) << "packet " << n << " (" << length << " bytes) not byte-exact";
  EXPECT_TRUE(received.guards_intact) << "packet " << n << ": written beyond its stream";
  return !::testing::Test::HasFailure();
}

bool run_streaming(BusTest& bus, std::uint64_t max_cycles, const std::function<void()>& service,
                   const std::function<bool()>& done) {
  constexpr std::uint64_t kClkPerCycle = 6144;
  const std::uint64_t limit = bus.world().cycle() + max_cycles * kClkPerCycle;
  while (!done() && bus.world().cycle() < limit) {
    bus.world().run(kClkPerCycle / 2);
    service();
  }
  return done();
}

bool stream_checked(BusTest& bus, Talker& talker, Listener& listener, unsigned packets,
                    std::uint64_t max_cycles) {
  bool intact = true;
  run_streaming(
      bus, max_cycles,
      [&] {
        talker.service();
        listener.service([&](const ReceivedPacket& received) {
          intact = expect_stored(received, talker, received.sequence);
          return intact;
        });
      },
      [&] { return !intact || listener.received() >= packets; });
  return intact && listener.received() >= packets;
}

}  // namespace ohci::tb
