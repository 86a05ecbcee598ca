// IsochStream: one talker's or listener's allocations kept together, set up and torn down in
// the bus-driver model's order and recovered after a bus reset as a 1394 camera driver does
// (reference/wdk-isoch-and-kmdf-dma.md 1.2, 1.9): free the stale bandwidth, re-claim the same
// channel, re-allocate the bandwidth; if the channel was lost, move the stream to another one; if
// the bandwidth is gone, stop and report the stream lost.
#pragma once

#include <cstdint>
#include <memory>

#include "ohci/isoch_bus.hpp"
#include "ohci/isoch_resource.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

struct StreamConfig {
  // The resource to allocate; its channel is replaced by the channel claimed (when
  // claim_channel), and max_bytes_per_frame and speed also price the bandwidth.
  ResourceConfig resource;
  // The channel to claim, or kIsochAnyChannel.
  std::uint32_t channel = kIsochAnyChannel;
  // The talker claims the channel and the bandwidth; a listener to someone else's stream
  // claims neither (and then resource.channel is used as given).
  bool claim_channel = true;
  bool claim_bandwidth = true;
  // The payload priced (without any stripped header); 0: resource.max_bytes_per_frame.
  std::uint32_t bandwidth_bytes_per_frame = 0;
};

enum class StreamRecovery {
  kNotNeeded,     // no bus reset since the allocations
  kReclaimed,     // the same channel and the bandwidth are claimed again; the stream ran on
  kChannelMoved,  // the channel was taken: the stream now uses another one (buffers re-attached)
  kLost,          // no channel or no bandwidth: the stream is stopped, its claims released
};

class IsochStream {
 public:
  // ALLOCATE_BANDWIDTH, ALLOCATE_CHANNEL, ALLOCATE_RESOURCES in that order; a failure frees what
  // was allocated before it and is returned.
  static Result<std::unique_ptr<IsochStream>> open(IsochBus& bus, const StreamConfig& config);
  // close(), best effort.
  ~IsochStream();
  IsochStream(const IsochStream&) = delete;
  IsochStream& operator=(const IsochStream&) = delete;

  // Precondition: not closed.
  IsochResource& resource() { return *resource_; }
  bool closed() const { return resource_ == nullptr; }
  std::uint32_t channel() const { return channel_.channel; }
  ChannelHandle channel_handle() const { return channel_; }
  BandwidthHandle bandwidth_handle() const { return bandwidth_; }
  // Whether a bus reset made the claims stale (recover() is due).
  bool stale() const;
  // Whether recover() reported kLost.
  bool lost() const { return lost_; }

  // The recovery, for the driver's bus-reset work (not from an ISR). kChannelMoved: the resource
  // was stopped, its pending buffers detached (Cancelled), its channel changed, the same
  // buffers attached again in order (Pending: they are sent/received from their start) and
  // talk/listen restarted if it was running; completed buffers stay attached for the driver to
  // detach. kLost: the resource is stopped (buffers stay attached). A failure of the resource
  // itself is returned as an error.
  Result<StreamRecovery> recover();

  // STOP, FREE_RESOURCES, FREE_CHANNEL, FREE_BANDWIDTH in that order (stale claims count as
  // freed). AccessDenied, with everything kept, while buffers are attached: detach them first.
  Status close();

 private:
  IsochStream(IsochBus& bus, const StreamConfig& config) : bus_(bus), config_(config) {}
  std::uint32_t priced_bytes() const;
  void release_claims();

  IsochBus& bus_;
  StreamConfig config_;
  std::unique_ptr<IsochResource> resource_;
  BandwidthHandle bandwidth_{};
  ChannelHandle channel_{};
  bool has_bandwidth_ = false;
  bool has_channel_ = false;
  std::uint32_t generation_ = 0;
  bool lost_ = false;
};

}  // namespace ohci::fw
