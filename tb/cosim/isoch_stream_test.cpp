// The isochronous streaming API (the 1394 bus-driver model, docs/isoch-streaming.md) on the
// co-simulation: a driver on node 0 keeps a talk resource fed in batches with a callback on the
// last buffer of each, through the real interrupt path (ISR, DPC, InterruptDispatcher); node 1
// listens and checks every packet.
#include <memory>

#include "isoch_harness.hpp"

namespace ohci::tb {
namespace {

using regs::Speed;

class IsochTalk : public BusTest {
 protected:
  // Node 1 listens on kChannel through the stream harness; each received packet is checked
  // against packet `received.sequence` of the driver and its time stamp recorded.
  void listen() {
    listener_ = std::make_unique<Listener>(*this, 1, 0, 1024);
    fw::IrStartOptions options;
    options.channel = kChannel;
    listener_->start(options);
  }
  void check_received() {
    listener_->service([&](const ReceivedPacket& received) {
      auto packet = fw::parse_packet_per_buffer(received.stream);
      EXPECT_TRUE(packet.ok());
      if (!packet.ok()) return false;
      const auto expected = expected_payload(received.sequence, kPayload);
      const bool intact =
          packet.value().event() == regs::EventCode::kAckComplete &&
          packet.value().payload.size() == kPayload &&
          std::equal(expected.begin(), expected.end(),
                     reinterpret_cast<const std::uint8_t*>(packet.value().payload.data()));
      EXPECT_TRUE(intact) << "packet " << received.sequence;
      received_cycles_.push_back(packet.value().trailer.time_stamp);
      return intact;
    });
  }

  std::unique_ptr<Listener> listener_;
  std::vector<std::uint32_t> received_cycles_;
};

TEST_F(IsochTalk, BatchesOfEightWithACallbackOnTheLastGiveOneInterruptPerBatchAndNoGap) {
  constexpr unsigned kPackets = 4000;
  bring_up_all(regs::int_mask::kIsochTx.mask() | regs::int_mask::kUnrecoverableError.mask());
  TalkDriver driver(*this, 0, kPackets);
  listen();
  driver.start();
  const std::uint64_t limit = world_.cycle() + (kPackets + 20) * kClkPerCycle;
  while (listener_->received() < kPackets && world_.cycle() < limit && !HasFailure()) {
    world_.run(kClkPerCycle / 2);
    check_received();
  }
  world_.run(kClkPerCycle);  // the last callback

  constexpr unsigned kBatches = (kPackets + kBatch - 1) / kBatch;
  EXPECT_EQ(listener_->received(), kPackets);
  EXPECT_EQ(driver.callbacks(), kBatches);
  EXPECT_EQ(driver.dispatcher().isr_count(), kBatches) << "one interrupt per batch";
  EXPECT_EQ(driver.resource().run_outs(), 0u);
  // Every packet in the cycle after the one before: no gap.
  for (std::size_t k = 1; k < received_cycles_.size(); ++k)
    ASSERT_EQ(received_cycles_[k], next_cycle(received_cycles_[k - 1])) << "packet " << k;
  // Each callback comes after the last packet of its batch has left the wire.
  std::vector<std::uint64_t> last_data_cycle;
  for (const sim::BusPacket& packet : world_.bus().packets())
    if (packet.sender == 0 && sim::tcode_of(packet.bytes) == 0xA)
      last_data_cycle.push_back(packet.last_data_cycle);
  ASSERT_EQ(last_data_cycle.size(), kPackets);
  for (const auto& [cycle, last] : driver.callback_cycles())
    EXPECT_GT(cycle, last_data_cycle.at(last)) << "callback of the batch ending at " << last;
}

}  // namespace
}  // namespace ohci::tb
