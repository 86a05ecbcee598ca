// The isochronous streaming API's behaviours on the co-simulation (docs/isoch-streaming.md), each
// through the real interrupt path (ISR, DPC, InterruptDispatcher) of a two-node bus: run-out and
// re-arm, detach (release, cancel) and free, listen with sy/tag synchronisation and completion
// time stamps, and a stream that recovers its claims across a bus reset and never stops.
//
// Expected cycles are derived from the documented latencies (docs/architecture.md) and decisions
// (docs/decisions.md), never copied from a run:
//   - a register access costs 3 clk; a read issued (VALID on the bus) in cycle s samples the
//     register at edge s + 1, i.e. the value the edge s left (rtl/ohci_regs.v);
//   - IT status write-back: last W beat at w, B at w + 1, the completion (event pulse, branch
//     followed; Z = 0: idle) at edge w + 2 (rtl/ohci_it_dma.v, the completion-interrupt row);
//   - a packet is sent in the first cycle whose isochronous period opens after it is staged
//     (decision 1); the fetch of a 512-byte packet (branch re-read 1 beat, a 48-byte block, 128
//     payload beats in bursts of 16, each burst one setup edge + AR + R beats with the memory's
//     default latency 0) takes well under 256 clk, so a wake or a start in the idle part of
//     cycle C, at least 256 clk before its end, gives a packet stamped C + 1.
#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "isoch_harness.hpp"
#include "ohci/ir_block.hpp"
#include "ohci/ir_descriptor.hpp"

namespace ohci::tb {
namespace {

using std::chrono::steady_clock;

constexpr std::uint32_t kCyclesPerStampWrap = 8 * 8000;  // a time stamp names 8 s of cycles
// The fetch of one 512-byte packet fits in this, with room to spare (see above), in offsets.
constexpr std::uint32_t kFetchBudgetOffsets = 256 / 2;
constexpr std::uint32_t kOffsetsPerCycle = 3072;

std::uint32_t stamp_index(std::uint32_t stamp) {
  return (stamp >> 13 & 0x7u) * 8000u + (stamp & 0x1FFFu);
}
// Cycles from stamp `from` to stamp `to` (both cycleSeconds[2:0]:cycleCount).
std::uint32_t cycles_between(std::uint32_t from, std::uint32_t to) {
  return (stamp_index(to) + kCyclesPerStampWrap - stamp_index(from)) % kCyclesPerStampWrap;
}
// A CycleTime as a time stamp.
std::uint32_t stamp_of(const fw::CycleTime& time) {
  return (time.seconds & 0x7u) << 13 | time.count;
}

// The packet number fill_payload wrote into a payload (byte 0 = 31 n + 1 mod 256; 223 is 31's
// inverse mod 256), if the whole payload is that packet's; the tests number fewer than 256.
std::optional<unsigned> packet_number(std::span<const std::uint8_t> payload) {
  if (payload.empty()) return std::nullopt;
  const auto n = static_cast<unsigned>(((payload[0] + 255u) * 223u) & 0xFFu);
  const auto expected = expected_payload(n, payload.size());
  if (!std::equal(expected.begin(), expected.end(), payload.begin())) return std::nullopt;
  return n;
}

// An isochronous packet a node sent, with the cycle it went out in (the cycle start before it).
struct WireIso {
  std::uint32_t cycle = 0;
  sim::IsoPacket packet;
  std::optional<unsigned> number;  // its payload's packet number, if intact on kChannel
  std::uint64_t first_data_cycle = 0;
  std::uint64_t last_data_cycle = 0;
};

// A packet the stream harness's Listener on node 1 stored.
struct Heard {
  std::optional<unsigned> number;
  std::uint32_t cycle = 0;  // the trailer's timeStamp
  bool intact = false;      // ack_complete, kPayload bytes of one packet, nothing written beyond
};

class IsochBehaviour : public BusTest {
 protected:
  void SetUp() override {
    BusTest::SetUp();
    wall_start_ = steady_clock::now();
  }
  void TearDown() override {
    const double wall = std::chrono::duration<double>(steady_clock::now() - wall_start_).count();
    const std::uint64_t clk = world_.cycle();
    RecordProperty("simulated_clk", std::to_string(clk));
    std::cout << "simulated " << clk << " clk (" << clk / kClkPerCycle << " cycles) in " << wall
              << " s\n";
    BusTest::TearDown();
  }

  // Node 0 (cycle master) and node 1 up with their own IntMask bits, then two cycles.
  void bring_up(std::uint32_t node0_interrupts, std::uint32_t node1_interrupts) {
    const std::uint32_t interrupts[] = {node0_interrupts, node1_interrupts};
    for (std::size_t i = 0; i < 2; ++i) {
      auto result = station(i).controller.bring_up(
          fw::BringUpConfig{.cycle_master = i == kCycleMaster, .interrupts = interrupts[i]});
      ASSERT_TRUE(result.ok()) << fw::to_string(result.status());
    }
    world_.run(2 * kClkPerCycle);
  }

  // Every isochronous packet `node` has sent so far, in order.
  std::vector<WireIso> sent_by(std::size_t node) const {
    std::vector<WireIso> sent;
    std::uint32_t cycle = 0;
    for (const sim::BusPacket& wire : world_.bus().packets()) {
      const int tcode = sim::tcode_of(wire.bytes);
      if (tcode == sim::kTcodeCycleStart && wire.sender == kCycleMaster) {
        const sim::CycleStartPacket start = sim::parse_cycle_start(wire.bytes);
        cycle = (start.cycle_time >> 25 & 0x7u) << 13 | (start.cycle_time >> 12 & 0x1FFFu);
      } else if (tcode == sim::kTcodeIsochronous && wire.sender == node) {
        WireIso iso{cycle, sim::parse_iso_packet(wire.bytes), std::nullopt, wire.first_data_cycle,
                    wire.last_data_cycle};
        if (iso.packet.error.empty() && iso.packet.header_crc_ok && iso.packet.data_crc_ok &&
            iso.packet.channel == kChannel)
          iso.number = packet_number(iso.packet.payload);
        sent.push_back(std::move(iso));
      }
    }
    return sent;
  }
  std::size_t sent_count(std::size_t node) {
    const auto& packets = world_.bus().packets();
    for (; scanned_ < packets.size(); ++scanned_) {
      const sim::BusPacket& wire = packets[scanned_];
      if (sim::tcode_of(wire.bytes) == sim::kTcodeIsochronous) ++sent_[wire.sender];
      if (sim::tcode_of(wire.bytes) == sim::kTcodeCycleStart) ++cycle_starts_;
    }
    return sent_[node];
  }
  // Node 0's DMA writes so far: with no IR context there, its IT context's status write-backs,
  // one per packet (the event's cycle is that of the W beat).
  const std::vector<sim::Event>& status_writes() {
    const auto& events = world_.log().events();
    for (; events_scanned_ < events.size(); ++events_scanned_) {
      const sim::Event& event = events[events_scanned_];
      if (event.kind == sim::EventKind::DmaWrite && event.node == "node0")
        status_writes_.push_back(event);
    }
    return status_writes_;
  }
  std::size_t cycle_starts() {
    sent_count(0);
    return cycle_starts_;
  }

  // The stream harness's Listener on node 1, IR context 0, channel kChannel.
  void start_listener() {
    listener_ = std::make_unique<Listener>(*this, 1, 0, 1024);
    fw::IrStartOptions options;
    options.channel = kChannel;
    listener_->start(options);
  }
  void service_listener() {
    if (!listener_) return;
    listener_->service([&](const ReceivedPacket& received) {
      auto packet = fw::parse_packet_per_buffer(received.stream);
      EXPECT_TRUE(packet.ok()) << "listener packet " << received.sequence;
      if (!packet.ok()) return false;
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(packet.value().payload.data());
      Heard heard;
      heard.cycle = packet.value().trailer.time_stamp;
      heard.number = packet_number({bytes, packet.value().payload.size()});
      heard.intact = packet.value().event() == regs::EventCode::kAckComplete &&
                     packet.value().data_length == kPayload &&
                     packet.value().payload.size() == kPayload && heard.number &&
                     received.guards_intact;
      EXPECT_TRUE(heard.intact) << "listener packet " << received.sequence;
      heard_.push_back(heard);
      return true;
    });
  }
  // Runs in half cycles, servicing the listener, until `done` or `cycles` cycles have passed.
  bool run_until(const std::function<bool()>& done, std::uint64_t cycles) {
    const std::uint64_t limit = world_.cycle() + cycles * kClkPerCycle;
    while (!done() && world_.cycle() < limit && !HasFailure()) {
      world_.run(kClkPerCycle / 2);
      service_listener();
    }
    return done();
  }
  void run_cycles(std::uint64_t cycles) {
    for (std::uint64_t half = 0; half < 2 * cycles; ++half) {
      world_.run(kClkPerCycle / 2);
      service_listener();
    }
  }
  // Runs until the next cycle start of the cycle master has been on the wire, then `clk` more.
  void run_into_next_cycle(std::uint64_t clk) {
    const std::size_t starts = cycle_starts();
    ASSERT_TRUE(world_.run_until([&] { return cycle_starts() > starts; }, kClkPerCycle + 400));
    world_.run(clk);
  }

  fw::CycleTime cycle_time(std::size_t node) {
    return fw::Controller(station(node).hal).read_cycle_timer();
  }

  std::unique_ptr<Listener> listener_;
  std::vector<Heard> heard_;

 private:
  steady_clock::time_point wall_start_;
  std::size_t scanned_ = 0;
  std::map<std::size_t, std::size_t> sent_;
  std::size_t cycle_starts_ = 0;
  std::size_t events_scanned_ = 0;
  std::vector<sim::Event> status_writes_;
};

// ---------------------------------------------------------------------------------------------
// 2. Run-out and re-arm

class IsochRunOut : public IsochBehaviour {};

TEST_F(IsochRunOut, TheContextIdlesRightAfterTheLastPacketAndALaterAttachResumesInTheNextCycle) {
  constexpr unsigned kFirst = kBatchesInFlight * kBatch;  // attached before talk
  constexpr unsigned kTotal = kFirst + kBatch;            // one more batch after the run-out
  constexpr std::uint32_t kIdleWait = 10;                 // cycles between run-out and attach
  bring_up(regs::int_mask::kIsochTx.mask() | regs::int_mask::kUnrecoverableError.mask(), 0);
  TalkDriver driver(*this, 0, kTotal);
  driver.refill = false;  // the callbacks only detach: the context runs out after kFirst
  start_listener();

  driver.start();
  ASSERT_TRUE(run_until([&] { return status_writes().size() >= kFirst - 1; }, kFirst + 4));
  // Edge by edge to the status write-back of the last attached packet: W beat at w.
  ASSERT_TRUE(world_.run_until([&] { return status_writes().size() == kFirst; }, kClkPerCycle + 1));
  const std::uint64_t w = status_writes().back().cycle;
  ASSERT_EQ(world_.cycle(), w + 1);
  // Read 1 is issued in cycle w + 1 and sees the state of edge w + 1 (B taken, completion not yet
  // registered): still active. Read 2, issued 3 clk later, sees edge w + 4, after the completion
  // at w + 2 found Z = 0: idle, run = 1, active = 0.
  // (The register bus is free: each read is issued in the cycle it is called in.)
  const std::uint64_t before_issue = world_.cycle();
  const fw::ContextStatus before = driver.resource().context_status();
  const std::uint64_t after_issue = world_.cycle();
  const fw::ContextStatus after = driver.resource().context_status();
  EXPECT_EQ(before_issue, w + 1);
  EXPECT_EQ(after_issue, w + 4);
  EXPECT_TRUE(before.run && before.active) << "the status write-back is still under way";
  EXPECT_TRUE(after.idle()) << "run = 1, active = 0 right after the last attached packet";
  EXPECT_TRUE(after.run);
  EXPECT_FALSE(after.active);

  // The written status: xferStatus run | active | ack_complete (decision 13) : the cycle the last
  // packet went out in (decision 17).
  std::vector<WireIso> sent = sent_by(0);
  ASSERT_EQ(sent.size(), kFirst);
  const std::uint32_t last_cycle = sent.back().cycle;
  const std::string& detail = status_writes().back().detail;
  const std::uint32_t written =
      static_cast<std::uint32_t>(std::stoul(detail.substr(detail.find("<- ") + 3), nullptr, 16));
  EXPECT_EQ(written, 0x8411u << 16 | last_cycle);
  EXPECT_GT(w, sent.back().last_data_cycle) << "written after the packet left the wire";

  // kIdleWait cycles later, a third into a cycle (its isochronous period long open, far more than
  // a fetch before its end): attach the next batch from the driver's own code.
  run_cycles(kIdleWait);
  run_into_next_cycle(kClkPerCycle / 3);
  EXPECT_TRUE(driver.resource().context_status().idle()) << "nothing attached: still idle";
  EXPECT_EQ(sent_count(0), kFirst) << "nothing sent while idle";
  const std::uint64_t isrs = driver.dispatcher().isr_count();
  const fw::CycleTime wake_before = cycle_time(0);
  ASSERT_EQ(driver.attach_batch(), fw::Status::Success);  // the append's wake
  const fw::CycleTime wake_after = cycle_time(0);
  ASSERT_EQ(driver.dispatcher().isr_count(), isrs);
  ASSERT_EQ(stamp_of(wake_before), stamp_of(wake_after)) << "the wake's cycle is known";
  ASSERT_LT(wake_after.offset + kFetchBudgetOffsets, kOffsetsPerCycle);
  const std::uint32_t wake_cycle = stamp_of(wake_after);
  const std::uint32_t idle_cycles = cycles_between(last_cycle, wake_cycle);
  EXPECT_GE(idle_cycles, kIdleWait);

  ASSERT_TRUE(run_until([&] { return heard_.size() >= kTotal; }, idle_cycles + 20));
  world_.run(kClkPerCycle);  // the last batch's callback
  service_listener();

  sent = sent_by(0);
  ASSERT_EQ(sent.size(), kTotal) << "one packet per attached buffer, none repeated";
  for (unsigned n = 0; n < kTotal; ++n) {
    EXPECT_EQ(sent[n].number, n) << "packet " << n << " on the wire, in order and intact";
    if (n == kFirst) {
      EXPECT_EQ(sent[n].cycle, next_cycle(wake_cycle)) << "the first re-armed packet";
    } else if (n > 0) {
      EXPECT_EQ(sent[n].cycle, next_cycle(sent[n - 1].cycle)) << "packet " << n;
    }
  }
  // The listener: every packet intact and in order; the time stamps jump by the idle cycles.
  ASSERT_EQ(heard_.size(), kTotal);
  for (unsigned n = 0; n < kTotal; ++n) {
    EXPECT_TRUE(heard_[n].intact) << "packet " << n;
    EXPECT_EQ(heard_[n].number, n);
    if (n > 0) {
      EXPECT_EQ(cycles_between(heard_[n - 1].cycle, heard_[n].cycle),
                n == kFirst ? idle_cycles + 1 : 1u)
          << "packet " << n;
    }
  }
  EXPECT_EQ(driver.resource().run_outs(), 1u);
  EXPECT_EQ(driver.resource().missed_packets(), idle_cycles);
  EXPECT_EQ(driver.callbacks(), kTotal / kBatch);
}

// ---------------------------------------------------------------------------------------------
// 3. Detach and free

// A talker on the streaming API (node `node`, IT context 0, channel kChannel): `buffers` buffers
// of kPacketsPerBuffer packets of kPayload bytes (buffer b carries packets b * 4 .. b * 4 + 3),
// each with a callback that only records it. Through an IsochStream, or a bare resource.
class BufferTalker {
 public:
  static constexpr unsigned kPacketsPerBuffer = 4;
  enum class Allocation { kStream, kResource };

  BufferTalker(BusTest& bus, std::size_t node, unsigned buffers, Allocation allocation)
      : world_(bus.world()),
        station_(bus.station(node)),
        dispatcher_(station_.hal),
        isoch_(station_.hal, dispatcher_),
        payload_(bus.allocate(node, buffers * kPacketsPerBuffer * kPayload)),
        descriptors_(buffers) {
    fw::ResourceConfig config;
    config.speed = fw::IsochSpeed::kS400;
    config.flags = fw::kResourceUsedInTalking;
    config.channel = kChannel;
    config.max_bytes_per_frame = kPayload;
    config.number_of_buffers = buffers + 1;
    config.max_buffer_size = kPacketsPerBuffer * kPayload;
    if (allocation == Allocation::kStream) {
      fw::StreamConfig stream_config;
      stream_config.resource = config;
      stream_config.channel = kChannel;
      auto stream = fw::IsochStream::open(isoch_, stream_config);
      EXPECT_TRUE(stream.ok()) << fw::to_string(stream.status());
      if (stream.ok()) stream_ = std::move(stream.value());
    } else {
      auto resource = isoch_.allocate_resources(config);
      EXPECT_TRUE(resource.ok()) << fw::to_string(resource.status());
      if (resource.ok()) resource_ = std::move(resource.value());
    }
    for (unsigned b = 0; b < buffers; ++b) {
      const std::size_t offset = std::size_t{b} * kPacketsPerBuffer * kPayload;
      for (unsigned k = 0; k < kPacketsPerBuffer; ++k)
        fill_payload(payload_, offset + k * kPayload, b * kPacketsPerBuffer + k, kPayload);
      fw::IsochDescriptor& descriptor = descriptors_[b];
      descriptor.buffer = &payload_;
      descriptor.offset = offset;
      descriptor.length = kPacketsPerBuffer * kPayload;
      descriptor.callback = &BufferTalker::buffer_done;
      descriptor.context1 = this;
      descriptor.context2 = reinterpret_cast<void*>(static_cast<std::uintptr_t>(b));
    }
  }

  fw::Status attach(unsigned first, unsigned count) {
    return resource().attach(std::span(descriptors_).subspan(first, count));
  }
  fw::Status detach(unsigned first, unsigned count = 1) {
    return resource().detach(std::span(descriptors_).subspan(first, count));
  }

  fw::IsochResource& resource() { return stream_ ? stream_->resource() : *resource_; }
  std::unique_ptr<fw::IsochResource>& bare_resource() { return resource_; }
  fw::IsochStream& stream() { return *stream_; }
  fw::IsochBus& isoch() { return isoch_; }
  fw::InterruptDispatcher& dispatcher() { return dispatcher_; }
  fw::IsochDescriptor& descriptor(unsigned b) { return descriptors_.at(b); }
  // The buffers whose callbacks ran, in the order they ran.
  const std::vector<unsigned>& called() const { return called_; }

 private:
  static void buffer_done(void* context1, void* context2) {
    auto* talker = static_cast<BufferTalker*>(context1);
    talker->called_.push_back(static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(context2)));
  }

  sim::World& world_;
  Station& station_;
  fw::InterruptDispatcher dispatcher_;
  fw::IsochBus isoch_;
  fw::DmaBuffer payload_;
  std::vector<fw::IsochDescriptor> descriptors_;
  std::unique_ptr<fw::IsochStream> stream_;
  std::unique_ptr<fw::IsochResource> resource_;
  std::vector<unsigned> called_;
};

class IsochDetach : public IsochBehaviour {
 protected:
  static constexpr unsigned kPer = BufferTalker::kPacketsPerBuffer;

  void SetUp() override {
    IsochBehaviour::SetUp();
    bring_up(regs::int_mask::kIsochTx.mask() | regs::int_mask::kUnrecoverableError.mask(), 0);
  }

  // The packet numbers of `sent`, in order.
  static std::vector<unsigned> numbers(const std::vector<WireIso>& sent) {
    std::vector<unsigned> result;
    for (const WireIso& iso : sent) result.push_back(iso.number.value_or(~0u));
    return result;
  }
  static std::vector<unsigned> range(unsigned first, unsigned end) {
    std::vector<unsigned> result;
    for (unsigned n = first; n < end; ++n) result.push_back(n);
    return result;
  }
  static void expect_consecutive(const std::vector<WireIso>& sent, std::size_t first,
                                 std::size_t end) {
    for (std::size_t k = first + 1; k < end; ++k)
      EXPECT_EQ(sent[k].cycle, next_cycle(sent[k - 1].cycle)) << "wire packet " << k;
  }
};

TEST_F(IsochDetach, ACompletedBufferIsReleasedKeepingItsSuccessStatusWithNoSecondCallback) {
  constexpr unsigned kBuffers = 3;
  BufferTalker talker(*this, 0, kBuffers, BufferTalker::Allocation::kStream);
  ASSERT_EQ(talker.attach(0, kBuffers), fw::Status::Success);
  ASSERT_EQ(talker.resource().talk(), fw::Status::Success);
  ASSERT_TRUE(run_until([&] { return !talker.called().empty(); }, kPer + 4));
  EXPECT_EQ(talker.called(), std::vector<unsigned>{0});
  EXPECT_EQ(talker.descriptor(0).status, fw::Status::Success);

  ASSERT_EQ(talker.detach(0), fw::Status::Success);
  EXPECT_EQ(talker.descriptor(0).status, fw::Status::Success) << "released, not cancelled";
  EXPECT_EQ(talker.resource().attached(), kBuffers - 1);
  ASSERT_TRUE(run_until([&] { return talker.called().size() == kBuffers; }, 2 * kPer + 4));
  world_.run(2 * kClkPerCycle);
  EXPECT_EQ(talker.called(), (std::vector<unsigned>{0, 1, 2})) << "no second callback for 0";

  // The release did not touch the context: every packet, one per cycle, none missed.
  const std::vector<WireIso> sent = sent_by(0);
  EXPECT_EQ(numbers(sent), range(0, kBuffers * kPer));
  expect_consecutive(sent, 0, sent.size());
  EXPECT_EQ(talker.resource().run_outs(), 0u);
  EXPECT_EQ(talker.resource().missed_packets(), 0u);
}

TEST_F(IsochDetach, ABufferCompletedBeforeTheDpcSawItIsReleasedAndItsQueuedCallbackNeverRuns) {
  constexpr unsigned kBuffers = 3;
  BufferTalker talker(*this, 0, kBuffers, BufferTalker::Allocation::kStream);
  ASSERT_EQ(talker.attach(0, kBuffers), fw::Status::Success);
  ASSERT_EQ(talker.resource().talk(), fw::Status::Success);
  {
    // The driver holds the interrupt lock: neither ISR nor DPC runs until it is released.
    fw::InterruptLock lock(station(0).hal);
    const std::uint64_t isrs = talker.dispatcher().isr_count();
    // To the status write-back of buffer 0's last packet, and the edges its B and completion
    // take (w + 1, w + 2).
    ASSERT_TRUE(run_until([&] { return status_writes().size() >= kPer - 1; }, kPer + 4));
    ASSERT_TRUE(world_.run_until([&] { return status_writes().size() == kPer; }, kClkPerCycle));
    world_.run(2);
    ASSERT_EQ(talker.detach(0), fw::Status::Success);
    EXPECT_EQ(talker.dispatcher().isr_count(), isrs) << "no ISR, no DPC saw buffer 0 complete";
    EXPECT_EQ(talker.descriptor(0).status, fw::Status::Success)
        << "complete, so released (not cancelled) although the DPC has not seen it";
    EXPECT_TRUE(talker.called().empty());
  }
  ASSERT_TRUE(run_until([&] { return talker.called().size() == kBuffers - 1; }, 2 * kPer + 4));
  world_.run(2 * kClkPerCycle);
  EXPECT_EQ(talker.called(), (std::vector<unsigned>{1, 2}))
      << "a buffer detached before its queued callback ran never gets it";
  const std::vector<WireIso> sent = sent_by(0);
  EXPECT_EQ(numbers(sent), range(0, kBuffers * kPer));
  expect_consecutive(sent, 0, sent.size());
}

// Detach of a buffer not yet complete: the context is stopped, the buffer unlinked (Cancelled,
// no callback) and the context restarted at the first block not yet done, in the next cycle.
class IsochCancel : public IsochDetach {
 protected:
  static constexpr unsigned kBuffers = 5;

  // Talks kBuffers buffers to the listener and detaches buffer `cancel` right after packet
  // `after` - 1 has left the wire. Returns the cycle the restart was written in.
  std::uint32_t talk_and_cancel(BufferTalker& talker, unsigned cancel, unsigned after) {
    start_listener();
    EXPECT_EQ(talker.attach(0, kBuffers), fw::Status::Success);
    EXPECT_EQ(talker.resource().talk(), fw::Status::Success);
    EXPECT_TRUE(run_until([&] { return sent_count(0) >= after - 1; }, after + 4));
    EXPECT_TRUE(world_.run_until([&] { return sent_count(0) == after; }, kClkPerCycle + 1));
    // The restart (CommandPtr, run) is written between these two reads of the cycle timer.
    const fw::CycleTime before = cycle_time(0);
    EXPECT_EQ(talker.detach(cancel), fw::Status::Success);
    const fw::CycleTime after_detach = cycle_time(0);
    EXPECT_EQ(stamp_of(before), stamp_of(after_detach)) << "the restart's cycle is known";
    EXPECT_LT(after_detach.offset + kFetchBudgetOffsets, kOffsetsPerCycle);
    EXPECT_EQ(sent_count(0), after) << "nothing sent during the detach";
    EXPECT_EQ(talker.descriptor(cancel).status, fw::Status::Cancelled);
    EXPECT_EQ(talker.resource().attached(), kBuffers - 1);
    return stamp_of(after_detach);
  }
};

TEST_F(IsochCancel, ABufferPartlySentIsCancelledItsRestNeverGoesOutAndTheNextBuffersFollow) {
  // Buffer 1 has sent 2 of its 4 packets. The rule (docs/isoch-streaming.md, Detach): not yet
  // complete, so Cancelled and no callback; the context restarts at the first block not yet done
  // of the remaining buffers: buffer 2's first. What was on the wire stays sent.
  constexpr unsigned kSentOfCancelled = 2;
  BufferTalker talker(*this, 0, kBuffers, BufferTalker::Allocation::kStream);
  const std::uint32_t restart_cycle = talk_and_cancel(talker, 1, kPer + kSentOfCancelled);
  ASSERT_FALSE(HasFailure());
  constexpr unsigned kExpected = kBuffers * kPer - (kPer - kSentOfCancelled);
  ASSERT_TRUE(run_until([&] { return heard_.size() >= kExpected; }, kExpected + 6));
  world_.run(3 * kClkPerCycle);
  service_listener();

  std::vector<unsigned> expected = range(0, kPer + kSentOfCancelled);
  for (unsigned n = 2 * kPer; n < kBuffers * kPer; ++n) expected.push_back(n);
  const std::vector<WireIso> sent = sent_by(0);
  EXPECT_EQ(numbers(sent), expected) << "none of buffer 1's packets after the detach";
  ASSERT_EQ(sent.size(), expected.size());
  EXPECT_EQ(sent[kPer + kSentOfCancelled].cycle, next_cycle(restart_cycle))
      << "restarted in the cycle after the restart's write";
  expect_consecutive(sent, 0, kPer + kSentOfCancelled);
  expect_consecutive(sent, kPer + kSentOfCancelled, sent.size());
  ASSERT_EQ(heard_.size(), expected.size());
  for (std::size_t k = 0; k < heard_.size(); ++k) {
    EXPECT_TRUE(heard_[k].intact) << "listener packet " << k;
    EXPECT_EQ(heard_[k].number, expected[k]) << "listener packet " << k;
    EXPECT_EQ(heard_[k].cycle, sent[k].cycle) << "listener packet " << k;
  }
  EXPECT_EQ(talker.called(), (std::vector<unsigned>{0, 2, 3, 4})) << "no callback for 1";
  for (unsigned b : {0u, 2u, 3u, 4u}) EXPECT_EQ(talker.descriptor(b).status, fw::Status::Success);
  EXPECT_EQ(talker.descriptor(1).status, fw::Status::Cancelled);
}

TEST_F(IsochCancel, ABufferNotYetStartedIsCancelledNoneOfItsPacketsGoOutTheOthersAllDo) {
  // Buffer 3 is cancelled while buffer 1 is half sent: the stop drops buffer 1's staged packet
  // (decision 16), the restart sends it again from the first block not yet done, in the next
  // cycle; buffer 3 is unlinked, buffer 2 branches to buffer 4.
  constexpr unsigned kSentBefore = kPer + 2;
  BufferTalker talker(*this, 0, kBuffers, BufferTalker::Allocation::kStream);
  const std::uint32_t restart_cycle = talk_and_cancel(talker, 3, kSentBefore);
  ASSERT_FALSE(HasFailure());
  constexpr unsigned kExpected = (kBuffers - 1) * kPer;
  ASSERT_TRUE(run_until([&] { return heard_.size() >= kExpected; }, kExpected + 6));
  world_.run(3 * kClkPerCycle);
  service_listener();

  std::vector<unsigned> expected = range(0, 3 * kPer);
  for (unsigned n = 4 * kPer; n < kBuffers * kPer; ++n) expected.push_back(n);
  const std::vector<WireIso> sent = sent_by(0);
  EXPECT_EQ(numbers(sent), expected) << "every packet once, in order, none of buffer 3";
  ASSERT_EQ(sent.size(), expected.size());
  EXPECT_EQ(sent[kSentBefore].cycle, next_cycle(restart_cycle));
  expect_consecutive(sent, kSentBefore, sent.size());
  ASSERT_EQ(heard_.size(), expected.size());
  for (std::size_t k = 0; k < heard_.size(); ++k) {
    EXPECT_TRUE(heard_[k].intact) << "listener packet " << k;
    EXPECT_EQ(heard_[k].number, expected[k]) << "listener packet " << k;
  }
  EXPECT_EQ(talker.called(), (std::vector<unsigned>{0, 1, 2, 4})) << "no callback for 3";
  EXPECT_EQ(talker.descriptor(3).status, fw::Status::Cancelled);
}

TEST_F(IsochDetach, FreeResourcesWithBuffersAttachedIsDeniedAndFreesNothingUntilAllAreDetached) {
  constexpr unsigned kBuffers = 3;
  BufferTalker talker(*this, 0, kBuffers, BufferTalker::Allocation::kResource);
  std::unique_ptr<fw::IsochResource>& resource = talker.bare_resource();
  ASSERT_TRUE(resource);
  const std::uint32_t context = resource->context_index();
  ASSERT_EQ(talker.attach(0, kBuffers), fw::Status::Success);
  ASSERT_EQ(resource->talk(), fw::Status::Success);
  ASSERT_TRUE(run_until([&] { return sent_count(0) >= 2; }, 6));

  const fw::IsochResource* const kept = resource.get();
  const std::size_t free_slots = resource->free_slots();
  EXPECT_EQ(talker.isoch().free_resources(resource), fw::Status::AccessDenied);
  ASSERT_EQ(resource.get(), kept) << "the handle is kept";
  EXPECT_EQ(resource->attached(), kBuffers);
  EXPECT_EQ(resource->free_slots(), free_slots) << "no block slot released";
  EXPECT_EQ(talker.dispatcher().owner(fw::ContextKind::Transmit, context), kept);
  EXPECT_EQ(resource->state(), fw::StreamState::kRunning);
  for (unsigned b = 0; b < kBuffers; ++b)
    EXPECT_NE(talker.descriptor(b).status, fw::Status::Cancelled) << "buffer " << b;

  // Nothing was stopped either: every buffer completes, one packet per cycle.
  ASSERT_TRUE(run_until([&] { return talker.called().size() == kBuffers; }, kBuffers * kPer + 4));
  std::vector<WireIso> sent = sent_by(0);
  EXPECT_EQ(numbers(sent), range(0, kBuffers * kPer));
  expect_consecutive(sent, 0, sent.size());

  EXPECT_EQ(talker.isoch().free_resources(resource), fw::Status::AccessDenied)
      << "completed buffers are still attached";
  ASSERT_EQ(talker.detach(0, kBuffers), fw::Status::Success);
  for (unsigned b = 0; b < kBuffers; ++b)
    EXPECT_EQ(talker.descriptor(b).status, fw::Status::Success);
  EXPECT_EQ(talker.isoch().free_resources(resource), fw::Status::Success);
  EXPECT_FALSE(resource);
  EXPECT_EQ(talker.dispatcher().owner(fw::ContextKind::Transmit, context), nullptr);
  auto it = fw::ItContext::open(station(0).hal, context);
  ASSERT_TRUE(it.ok());
  EXPECT_TRUE(it.value().status().stopped()) << "freeing stops the context";
  world_.run(2 * kClkPerCycle);
  EXPECT_EQ(sent_count(0), kBuffers * kPer);
}

TEST_F(IsochDetach, CloseWithBuffersAttachedIsDeniedAndKeepsEveryClaimUntilAllAreDetached) {
  constexpr unsigned kBuffers = 2;
  BufferTalker talker(*this, 0, kBuffers, BufferTalker::Allocation::kStream);
  fw::IsochBus& isoch = talker.isoch();
  // units(512, S400) = 4 * (3 + 512 / 4) (docs/isoch-streaming.md, Bandwidth).
  constexpr std::uint32_t kUnits = 4 * (3 + kPayload / 4);
  ASSERT_EQ(isoch.units_available(), fw::kIsochBandwidthPool - kUnits);
  ASSERT_EQ(isoch.channels_claimed(), std::uint64_t{1} << kChannel);
  ASSERT_EQ(talker.attach(0, kBuffers), fw::Status::Success);
  ASSERT_EQ(talker.resource().talk(), fw::Status::Success);
  ASSERT_TRUE(run_until([&] { return talker.called().size() == kBuffers; }, kBuffers * kPer + 4));

  EXPECT_EQ(talker.stream().close(), fw::Status::AccessDenied);
  EXPECT_FALSE(talker.stream().closed());
  EXPECT_EQ(talker.resource().attached(), kBuffers);
  EXPECT_EQ(isoch.units_available(), fw::kIsochBandwidthPool - kUnits);
  EXPECT_EQ(isoch.channels_claimed(), std::uint64_t{1} << kChannel);

  ASSERT_EQ(talker.detach(0, kBuffers), fw::Status::Success);
  EXPECT_EQ(talker.stream().close(), fw::Status::Success);
  EXPECT_TRUE(talker.stream().closed());
  EXPECT_EQ(isoch.units_available(), fw::kIsochBandwidthPool);
  EXPECT_EQ(isoch.channels_claimed(), 0u);
}

// ---------------------------------------------------------------------------------------------
// 4. Listen with sync on sy / tag, completion time stamps

// A listener on the streaming API on node 1: packet-based (one packet per kSlot-byte slot,
// trailer and header kept), kBuffers buffers of kSlotsPerBuffer slots, a callback on each that
// records whether it ran inside node 1's DPC.
class ListenDriver {
 public:
  static constexpr unsigned kBuffers = 3;
  static constexpr unsigned kSlotsPerBuffer = 4;
  static constexpr std::uint32_t kSlot = 8 + kPayload;  // trailer, header, payload

  ListenDriver(BusTest& bus, std::size_t node)
      : world_(bus.world()),
        name_(bus.world().node(node).name()),
        station_(bus.station(node)),
        dispatcher_(station_.hal),
        isoch_(station_.hal, dispatcher_),
        data_(bus.allocate(node, kBuffers * kSlotsPerBuffer * kSlot)) {
    fw::ResourceConfig config;
    config.flags = fw::kResourceUsedInListening | fw::kResourceUsePacketBased;
    config.channel = kChannel;
    config.max_bytes_per_frame = kSlot;
    config.number_of_buffers = kBuffers + 1;
    config.max_buffer_size = kSlotsPerBuffer * kSlot;
    auto resource = isoch_.allocate_resources(config);
    EXPECT_TRUE(resource.ok()) << fw::to_string(resource.status());
    if (resource.ok()) resource_ = std::move(resource.value());
    for (unsigned b = 0; b < kBuffers; ++b) {
      fw::IsochDescriptor& descriptor = descriptors_[b];
      descriptor.flags = fw::kDescriptorTimeStampOnCompletion;
      descriptor.buffer = &data_;
      descriptor.offset = std::size_t{b} * kSlotsPerBuffer * kSlot;
      descriptor.length = kSlotsPerBuffer * kSlot;
      descriptor.callback = &ListenDriver::buffer_done;
      descriptor.context1 = this;
      descriptor.context2 = reinterpret_cast<void*>(static_cast<std::uintptr_t>(b));
    }
  }

  fw::IsochDescriptor& descriptor(unsigned b) { return descriptors_.at(b); }
  fw::IsochResource& resource() { return *resource_; }
  fw::Status attach_all_and_listen() {
    const fw::Status attached = resource_->attach(std::span(descriptors_));
    if (attached != fw::Status::Success) return attached;
    return resource_->listen();
  }
  // The packet stored in slot `slot` of buffer `b` (the whole slot: 8 + kPayload bytes).
  fw::Result<fw::IrPacket> packet(unsigned b, unsigned slot) const {
    const std::size_t offset = descriptors_[b].offset + std::size_t{slot} * kSlot;
    return fw::parse_packet_per_buffer(data_.bytes().subspan(offset, kSlot));
  }
  const std::vector<unsigned>& called() const { return called_; }
  bool every_callback_in_dpc() const { return every_callback_in_dpc_; }

 private:
  static void buffer_done(void* context1, void* context2) {
    auto* driver = static_cast<ListenDriver*>(context1);
    driver->called_.push_back(static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(context2)));
    // Inside a DPC: node 1's latest DPC event is its entry, not yet its return.
    const auto& events = driver->world_.log().events();
    bool in_dpc = false;
    for (auto event = events.rbegin(); event != events.rend(); ++event) {
      if (event->node != driver->name_) continue;
      if (event->kind == sim::EventKind::DpcEntered) in_dpc = true;
      if (event->kind == sim::EventKind::DpcEntered || event->kind == sim::EventKind::DpcReturned)
        break;
    }
    driver->every_callback_in_dpc_ = driver->every_callback_in_dpc_ && in_dpc;
  }

  sim::World& world_;
  std::string name_;
  Station& station_;
  fw::InterruptDispatcher dispatcher_;
  fw::IsochBus isoch_;
  fw::DmaBuffer data_;
  std::array<fw::IsochDescriptor, kBuffers> descriptors_{};
  std::unique_ptr<fw::IsochResource> resource_;
  std::vector<unsigned> called_;
  bool every_callback_in_dpc_ = true;
};

class IsochSyncListen : public IsochBehaviour {
 protected:
  static constexpr unsigned kHeard = ListenDriver::kBuffers * ListenDriver::kSlotsPerBuffer;

  void SetUp() override {
    IsochBehaviour::SetUp();
    const std::uint32_t interrupts = regs::int_mask::kIsochTx.mask() |
                                     regs::int_mask::kIsochRx.mask() |
                                     regs::int_mask::kUnrecoverableError.mask();
    bring_up(interrupts, interrupts);
  }

  // Runs the talker until it has sent every packet and the listener's buffers are complete;
  // then checks that the buffers hold the packets `expected` in order, each byte-exact with the
  // trailer stamped with its wire cycle, and each buffer's completion stamp is its last packet's
  // wire cycle and the talker's IT completion stamp of that packet.
  void run_and_check(TalkDriver& talker, ListenDriver& listener, unsigned total,
                     const std::vector<unsigned>& expected,
                     const std::function<void(unsigned n, const fw::IsoHeader&)>& header_check) {
    ASSERT_EQ(expected.size(), kHeard);
    talker.start();
    ASSERT_TRUE(
        run_until([&] { return listener.called().size() == ListenDriver::kBuffers; }, total + 8));
    world_.run(2 * kClkPerCycle);

    const std::vector<WireIso> sent = sent_by(0);
    ASSERT_EQ(sent.size(), total);
    std::map<unsigned, std::uint32_t> wire_cycle;
    for (const WireIso& iso : sent) {
      ASSERT_TRUE(iso.number) << "an intact packet";
      wire_cycle[*iso.number] = iso.cycle;
    }
    EXPECT_EQ(listener.called(), (std::vector<unsigned>{0, 1, 2}));
    EXPECT_TRUE(listener.every_callback_in_dpc()) << "callbacks from node 1's DPC";
    for (unsigned b = 0; b < ListenDriver::kBuffers; ++b) {
      EXPECT_EQ(listener.descriptor(b).status, fw::Status::Success) << "buffer " << b;
      for (unsigned slot = 0; slot < ListenDriver::kSlotsPerBuffer; ++slot) {
        const unsigned n = expected[b * ListenDriver::kSlotsPerBuffer + slot];
        auto packet = listener.packet(b, slot);
        ASSERT_TRUE(packet.ok()) << "buffer " << b << " slot " << slot;
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(packet.value().payload.data());
        EXPECT_EQ(packet_number({bytes, packet.value().payload.size()}), n)
            << "buffer " << b << " slot " << slot;
        EXPECT_EQ(packet.value().event(), regs::EventCode::kAckComplete);
        EXPECT_EQ(packet.value().data_length, kPayload);
        EXPECT_EQ(packet.value().header.channel, kChannel);
        header_check(n, packet.value().header);
        EXPECT_EQ(packet.value().trailer.time_stamp, wire_cycle[n]) << "packet " << n;
      }
      const unsigned last = expected[(b + 1) * ListenDriver::kSlotsPerBuffer - 1];
      EXPECT_EQ(stamp_of(listener.descriptor(b).cycle_time), wire_cycle[last])
          << "buffer " << b << ": the cycle of its last packet, " << last;
      ASSERT_TRUE(talker.completion_stamps().contains(last));
      EXPECT_EQ(stamp_of(listener.descriptor(b).cycle_time),
                stamp_of(talker.completion_stamps().at(last)))
          << "buffer " << b << ": the talker's completion stamp of packet " << last;
    }
    EXPECT_EQ(listener.resource().missed_packets(), 0u)
        << "no packet for the context arrived while it had no block";
  }
};

TEST_F(IsochSyncListen, SynchOnSyDropsEveryPacketBeforeTheFirstMatchThenFillsTheBuffersInOrder) {
  constexpr unsigned kBeforeSync = 5;  // packets 0..4 carry sy 0, the rest sy 7
  constexpr unsigned kTotal = kBeforeSync + kHeard;
  ListenDriver listener(*this, 1);
  listener.descriptor(0).flags |= fw::kDescriptorSynchOnSy;
  listener.descriptor(0).synch = 7;
  ASSERT_EQ(listener.attach_all_and_listen(), fw::Status::Success);
  TalkDriver talker(*this, 0, kTotal);
  talker.shape = [](unsigned n, fw::IsochDescriptor& descriptor) {
    descriptor.synch = n < kBeforeSync ? 0 : 7;
    descriptor.flags |= fw::kDescriptorTimeStampOnCompletion;
  };
  std::vector<unsigned> expected;
  for (unsigned n = kBeforeSync; n < kTotal; ++n) expected.push_back(n);
  run_and_check(talker, listener, kTotal, expected, [](unsigned n, const fw::IsoHeader& header) {
    EXPECT_EQ(header.sy, 7u) << "packet " << n;
    EXPECT_EQ(header.tag, 0u) << "packet " << n;
  });
}

TEST_F(IsochSyncListen, SynchOnTagLetsNoPacketOfAnotherTagLand) {
  // Every third packet (n % 3 == 1) carries tag 2, the others tag 1; the listener takes tag 1.
  constexpr unsigned kTotal = kHeard * 3 / 2;
  const auto tag_of = [](unsigned n) { return n % 3 == 1 ? 2u : 1u; };
  ListenDriver listener(*this, 1);
  listener.descriptor(0).flags |= fw::kDescriptorSynchOnTag;
  listener.descriptor(0).tag = 1;
  ASSERT_EQ(listener.attach_all_and_listen(), fw::Status::Success);
  TalkDriver talker(*this, 0, kTotal);
  talker.shape = [&](unsigned n, fw::IsochDescriptor& descriptor) {
    descriptor.tag = tag_of(n);
    descriptor.flags |= fw::kDescriptorTimeStampOnCompletion;
  };
  std::vector<unsigned> expected;
  for (unsigned n = 0; n < kTotal; ++n)
    if (tag_of(n) == 1) expected.push_back(n);
  run_and_check(talker, listener, kTotal, expected, [](unsigned n, const fw::IsoHeader& header) {
    EXPECT_EQ(header.tag, 1u) << "packet " << n;
  });
}

TEST_F(IsochSyncListen, CompletionStampsCarryTheWholeCycleTimeAcrossASecondWrap) {
  // The controller stamps cycleSeconds[2:0]; the resource completes the seconds from the cycle
  // timer in the DPC. With the master's timer loaded to 9 s, cycle 7993, the stream starts
  // within a few cycles and crosses into second 10: a stamp of cycle >= 7993 is of second 9,
  // one below it of second 10.
  constexpr std::uint32_t kSeconds = 9, kCount = 7993;
  station(0).hal.write32(regs::kIsochronousCycleTimer, kSeconds << 25 | kCount << 12);
  world_.run(2 * kClkPerCycle);  // node 1's timer follows from the next cycle start
  ListenDriver listener(*this, 1);
  ASSERT_EQ(listener.attach_all_and_listen(), fw::Status::Success);
  TalkDriver talker(*this, 0, kHeard);
  talker.shape = [](unsigned, fw::IsochDescriptor& descriptor) {
    descriptor.flags |= fw::kDescriptorTimeStampOnCompletion;
  };
  std::vector<unsigned> expected;
  for (unsigned n = 0; n < kHeard; ++n) expected.push_back(n);
  run_and_check(talker, listener, kHeard, expected, [](unsigned, const fw::IsoHeader&) {});
  const auto whole_seconds = [](const fw::CycleTime& time) {
    return time.count >= kCount ? kSeconds : kSeconds + 1;
  };
  for (unsigned b = 0; b < ListenDriver::kBuffers; ++b) {
    const fw::CycleTime& stamp = listener.descriptor(b).cycle_time;
    EXPECT_EQ(stamp.seconds, whole_seconds(stamp)) << "buffer " << b;
  }
  ASSERT_EQ(talker.completion_stamps().size(), kHeard);
  for (const auto& [n, stamp] : talker.completion_stamps())
    EXPECT_EQ(stamp.seconds, whole_seconds(stamp)) << "talker packet " << n;
  EXPECT_LT(talker.completion_stamps().at(0).count, 8000u);
  EXPECT_EQ(talker.completion_stamps().at(kHeard - 1).seconds, kSeconds + 1) << "it wrapped";
}

// ---------------------------------------------------------------------------------------------
// 10. Bus reset mid-stream

class IsochBusReset : public IsochBehaviour {};

TEST_F(IsochBusReset, TheStreamReclaimsItsChannelAndBandwidthAndKeepsSendingEveryPacket) {
  constexpr unsigned kPackets = 100;
  constexpr unsigned kResetAfter = 40;  // packets the listener has heard when the bus resets
  bring_up(regs::int_mask::kIsochTx.mask() | regs::int_mask::kUnrecoverableError.mask() |
               regs::int_mask::kBusReset.mask() | regs::int_mask::kSelfIdComplete.mask(),
           0);
  TalkDriver driver(*this, 0, kPackets);
  fw::IsochBus& isoch = driver.isoch();
  unsigned reset_events = 0;
  auto self_ids = fw::SelfIdReceiver::enable(station(0).hal);
  ASSERT_TRUE(self_ids.ok());
  isoch.attach_self_ids(&self_ids.value());
  unsigned self_id_phases = 0;
  driver.dispatcher().set_event_handler([&](const fw::InterruptEvents& events) {
    if (isoch.handle_bus_reset_event(events)) ++reset_events;
    if (isoch.handle_self_id_event(events)) ++self_id_phases;
  });
  std::vector<std::uint32_t> notified;
  std::optional<fw::Result<fw::StreamRecovery>> recovery;
  isoch.register_bus_reset_notification([&](std::uint32_t generation) {
    notified.push_back(generation);
    recovery.emplace(driver.stream().recover());
  });
  const fw::BandwidthHandle old_bandwidth = driver.stream().bandwidth_handle();
  const fw::ChannelHandle old_channel = driver.stream().channel_handle();
  ASSERT_EQ(old_channel.channel, kChannel);
  ASSERT_EQ(old_bandwidth.generation, 0u);
  start_listener();
  driver.start();

  ASSERT_TRUE(run_until([&] { return heard_.size() >= kResetAfter; }, kResetAfter + 8));
  // In the idle part of a cycle (its packet long on the wire): the reset's status transfers
  // (3 + bus_reset_cycles + 3 * 9 clk) end long before the next cycle start.
  run_into_next_cycle(kClkPerCycle / 3);
  world_.bus().request_bus_reset();
  ASSERT_TRUE(run_until([&] { return recovery.has_value(); }, 2));
  EXPECT_EQ(world_.bus().stats().bus_resets, 1u);
  EXPECT_EQ(reset_events, 1u);
  EXPECT_EQ(notified, std::vector<std::uint32_t>{1});
  // The driver read the new bus from its self-IDs: two nodes, node 0 the root (Physical_ID 1).
  ASSERT_TRUE(run_until([&] { return self_id_phases == 1; }, 1));
  ASSERT_NE(isoch.topology(), nullptr);
  EXPECT_EQ(isoch.topology()->node_count(), 2u);
  EXPECT_EQ(isoch.topology()->root_phy_id(), 1u);
  EXPECT_EQ(isoch.topology()->gap_count(), 63u);
  EXPECT_EQ(isoch.topology()->generation, 1u);
  isoch.attach_self_ids(nullptr);
  EXPECT_EQ(isoch.generation(), 1u);
  ASSERT_TRUE(recovery->ok()) << fw::to_string(recovery->status());
  EXPECT_EQ(recovery->value(), fw::StreamRecovery::kReclaimed);
  EXPECT_FALSE(driver.stream().stale());
  EXPECT_EQ(driver.stream().channel(), kChannel);
  EXPECT_EQ(driver.stream().channel_handle().generation, 1u);
  EXPECT_EQ(driver.stream().bandwidth_handle().generation, 1u);
  // The handles saved before the reset are stale: InvalidGeneration, and they free nothing.
  EXPECT_EQ(isoch.free_bandwidth(old_bandwidth), fw::Status::InvalidGeneration);
  EXPECT_EQ(isoch.free_channel(old_channel), fw::Status::InvalidGeneration);
  constexpr std::uint32_t kUnits = 4 * (3 + kPayload / 4);  // units(512, S400)
  EXPECT_EQ(isoch.units_available(), fw::kIsochBandwidthPool - kUnits);
  EXPECT_EQ(isoch.channels_claimed(), std::uint64_t{1} << kChannel);
  // The handler cleared busReset and unmasked it again.
  EXPECT_EQ(station(0).hal.read32(regs::kIntEventSet) & regs::int_event::kBusReset.mask(), 0u);
  EXPECT_NE(station(0).hal.read32(regs::kIntMaskSet) & regs::int_mask::kBusReset.mask(), 0u);

  ASSERT_TRUE(run_until([&] { return heard_.size() >= kPackets; }, kPackets));
  world_.run(kClkPerCycle);
  service_listener();
  ASSERT_EQ(heard_.size(), kPackets) << "every packet across the reset";
  for (unsigned n = 0; n < kPackets; ++n) {
    EXPECT_TRUE(heard_[n].intact) << "packet " << n;
    EXPECT_EQ(heard_[n].number, n) << "in order";
    if (n > 0) {
      EXPECT_EQ(heard_[n].cycle, next_cycle(heard_[n - 1].cycle)) << "packet " << n;
    }
  }
  EXPECT_EQ(driver.resource().state(), fw::StreamState::kRunning);
  EXPECT_EQ(driver.resource().run_outs(), 0u);
  EXPECT_EQ(driver.resource().missed_packets(), 0u);
  EXPECT_EQ(driver.callbacks(), kPackets / kBatch + (kPackets % kBatch ? 1 : 0));
}

}  // namespace
}  // namespace ohci::tb
