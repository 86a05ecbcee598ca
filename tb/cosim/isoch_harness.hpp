// A talker driver in the 1394 bus-driver model (docs/isoch-streaming.md) for the co-simulation
// tests: batches of one-packet buffers with a callback on the last buffer of each; the callback
// (from the DPC) detaches the batch and attaches the next one.
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/isoch_bus.hpp"
#include "ohci/isoch_resource.hpp"
#include "ohci/isoch_stream.hpp"
#include "stream_harness.hpp"

namespace ohci::tb {

inline constexpr std::uint32_t kPayload = 512;
inline constexpr std::uint32_t kBatch = 8;
inline constexpr unsigned kBatchesInFlight = 4;
inline constexpr unsigned kSlots =
    (kBatchesInFlight + 1) * kBatch;  // payload slots, reused in turn
inline constexpr std::uint32_t kChannel = 5;

// A talker driver as the bus-driver model has it: batches of kBatch one-packet buffers, a
// callback on the last buffer of each batch; the callback (from the DPC) detaches the batch and
// attaches the next one until `total` packets have been attached.
class TalkDriver {
 public:
  TalkDriver(BusTest& bus, std::size_t node, unsigned total)
      : world_(bus.world()),
        station_(bus.station(node)),
        dispatcher_(station_.hal),
        isoch_(station_.hal, dispatcher_),
        payload_(bus.allocate(node, kSlots * kPayload)),
        total_(total) {
    fw::StreamConfig config;
    config.resource.speed = fw::IsochSpeed::kS400;
    config.resource.flags = fw::kResourceUsedInTalking;
    config.resource.max_bytes_per_frame = kPayload;
    config.resource.number_of_buffers = kBatchesInFlight * kBatch + 1;
    config.resource.max_buffer_size = kPayload;
    config.channel = kChannel;
    auto stream = fw::IsochStream::open(isoch_, config);
    EXPECT_TRUE(stream.ok()) << fw::to_string(stream.status());
    if (stream.ok()) stream_ = std::move(stream.value());
  }

  // Attaches the first batches and starts talking.
  void start(unsigned batches = kBatchesInFlight) {
    for (unsigned b = 0; b < batches; ++b) attach_batch();
    ASSERT_EQ(stream_->resource().talk(), fw::Status::Success);
  }

  // Attaches the next batch of up to kBatch packets (fewer at the end), a callback on its last.
  fw::Status attach_batch() {
    const unsigned count = std::min(kBatch, total_ - attached_);
    if (count == 0) return fw::Status::Success;
    std::array<fw::IsochDescriptor*, kBatch> batch{};
    for (unsigned k = 0; k < count; ++k) {
      const unsigned n = attached_ + k;
      const unsigned slot = n % kSlots;
      fill_payload(payload_, slot * kPayload, n, kPayload);
      fw::IsochDescriptor& descriptor = descriptors_[slot];
      descriptor = fw::IsochDescriptor{};
      descriptor.buffer = &payload_;
      descriptor.offset = slot * kPayload;
      descriptor.length = kPayload;
      if (shape) shape(n, descriptor);
      if (k + 1 == count) {
        descriptor.callback = &TalkDriver::batch_done;
        descriptor.context1 = this;
        descriptor.context2 = reinterpret_cast<void*>(static_cast<std::uintptr_t>(n));
      }
      batch[k] = &descriptor;
    }
    const fw::Status status = stream_->resource().attach(std::span(batch.data(), count));
    EXPECT_EQ(status, fw::Status::Success) << "attach of packets " << attached_ << "..";
    if (status == fw::Status::Success) attached_ += count;
    return status;
  }

  unsigned callbacks() const { return static_cast<unsigned>(callback_cycles_.size()); }
  // The world cycle of each callback and the last packet number of its batch.
  const std::vector<std::pair<std::uint64_t, unsigned>>& callback_cycles() const {
    return callback_cycles_;
  }
  fw::InterruptDispatcher& dispatcher() { return dispatcher_; }
  fw::IsochResource& resource() { return stream_->resource(); }
  fw::IsochStream& stream() { return *stream_; }
  fw::IsochBus& isoch() { return isoch_; }
  unsigned attached() const { return attached_; }
  // The completion time stamp of packet n, for buffers `shape` gave
  // kDescriptorTimeStampOnCompletion (recorded by their batch's callback).
  const std::map<unsigned, fw::CycleTime>& completion_stamps() const { return completion_stamps_; }
  bool refill = true;  // whether a callback attaches the next batch
  // Called for packet n's buffer before it is attached (its sy, tag, flags); the batch's
  // callback is set after it.
  std::function<void(unsigned n, fw::IsochDescriptor& descriptor)> shape;

 private:
  static void batch_done(void* context1, void* context2) {
    auto* driver = static_cast<TalkDriver*>(context1);
    const auto last = static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(context2));
    driver->callback_cycles_.emplace_back(driver->world_.cycle(), last);
    // Detach the batch ending at `last` (its buffers are complete), then attach the next one.
    const unsigned first = last + 1 - ((last % kBatch) + 1);
    std::array<fw::IsochDescriptor*, kBatch> done{};
    unsigned count = 0;
    for (unsigned n = first; n <= last; ++n) done[count++] = &driver->descriptors_[n % kSlots];
    EXPECT_EQ(driver->stream_->resource().detach(std::span(done.data(), count)),
              fw::Status::Success);
    for (unsigned k = 0; k < count; ++k) {
      EXPECT_EQ(done[k]->status, fw::Status::Success) << "packet " << first + k;
      if ((done[k]->flags & fw::kDescriptorTimeStampOnCompletion) != 0)
        driver->completion_stamps_[first + k] = done[k]->cycle_time;
    }
    if (driver->refill) driver->attach_batch();
  }

  sim::World& world_;
  Station& station_;
  fw::InterruptDispatcher dispatcher_;
  fw::IsochBus isoch_;
  fw::DmaBuffer payload_;
  std::array<fw::IsochDescriptor, kSlots> descriptors_{};
  std::unique_ptr<fw::IsochStream> stream_;
  unsigned total_;
  unsigned attached_ = 0;
  std::vector<std::pair<std::uint64_t, unsigned>> callback_cycles_;
  std::map<unsigned, fw::CycleTime> completion_stamps_;
};

}  // namespace ohci::tb
