#include "ohci/isoch_stream.hpp"

#include <vector>

namespace ohci::fw {
namespace {

// FREE_BANDWIDTH / FREE_CHANNEL after a bus reset: the reset already freed the claim.
bool freed(Status status) {
  return status == Status::Success || status == Status::InvalidGeneration;
}

}  // namespace

Result<std::unique_ptr<IsochStream>> IsochStream::open(IsochBus& bus, const StreamConfig& config) {
  std::unique_ptr<IsochStream> stream(new IsochStream(bus, config));
  stream->generation_ = bus.generation();
  if (config.claim_bandwidth) {
    const Result<BandwidthAllocation> bandwidth =
        bus.allocate_bandwidth(stream->priced_bytes(), config.resource.speed);
    if (!bandwidth) return bandwidth.status();
    stream->bandwidth_ = bandwidth->handle;
    stream->has_bandwidth_ = true;
  }
  if (config.claim_channel) {
    const Result<ChannelAllocation> channel = bus.allocate_channel(config.channel);
    if (!channel) {
      stream->release_claims();
      return channel.status();
    }
    stream->channel_ = channel->handle;
    stream->has_channel_ = true;
    stream->config_.resource.channel = channel->handle.channel;
  } else {
    stream->channel_ = ChannelHandle{config.resource.channel, bus.generation()};
  }
  Result<std::unique_ptr<IsochResource>> resource =
      bus.allocate_resources(stream->config_.resource);
  if (!resource) {
    stream->release_claims();
    return resource.status();
  }
  stream->resource_ = std::move(*resource);
  return stream;
}

IsochStream::~IsochStream() {
  if (resource_) {
    static_cast<void>(resource_->stop());
    resource_.reset();  // cancels whatever is still pending
  }
  release_claims();
}

std::uint32_t IsochStream::priced_bytes() const {
  return config_.bandwidth_bytes_per_frame != 0 ? config_.bandwidth_bytes_per_frame
                                                : config_.resource.max_bytes_per_frame;
}

void IsochStream::release_claims() {
  if (has_bandwidth_) static_cast<void>(bus_.free_bandwidth(bandwidth_));
  if (has_channel_) static_cast<void>(bus_.free_channel(channel_));
  has_bandwidth_ = false;
  has_channel_ = false;
}

bool IsochStream::stale() const {
  return (has_bandwidth_ || has_channel_) && generation_ != bus_.generation();
}

Result<StreamRecovery> IsochStream::recover() {
  if (closed()) return Status::InvalidDeviceState;
  if (!stale()) return StreamRecovery::kNotNeeded;

  // The reset freed the claims: freeing the stale handles reports InvalidGeneration.
  if (has_bandwidth_ && !freed(bus_.free_bandwidth(bandwidth_))) return Status::DeviceError;
  if (has_channel_ && !freed(bus_.free_channel(channel_))) return Status::DeviceError;
  const bool claim_channel = has_channel_;
  const bool claim_bandwidth = has_bandwidth_;
  has_bandwidth_ = false;
  has_channel_ = false;
  generation_ = bus_.generation();

  const auto lose = [&]() -> Result<StreamRecovery> {
    release_claims();
    lost_ = true;
    const Status stopped = resource_->stop();
    if (!succeeded(stopped)) return stopped;
    return StreamRecovery::kLost;
  };

  // The same channel again; if someone else took it first, any other.
  bool moved = false;
  if (claim_channel) {
    Result<ChannelAllocation> channel = bus_.allocate_channel(channel_.channel);
    if (!channel) {
      channel = bus_.allocate_channel(kIsochAnyChannel);
      moved = true;
    }
    if (!channel) return lose();
    channel_ = channel->handle;
    has_channel_ = true;
  }
  if (claim_bandwidth) {
    const Result<BandwidthAllocation> bandwidth =
        bus_.allocate_bandwidth(priced_bytes(), config_.resource.speed);
    if (!bandwidth) return lose();
    bandwidth_ = bandwidth->handle;
    has_bandwidth_ = true;
  }
  if (!moved) return StreamRecovery::kReclaimed;

  // The stream moves to the new channel: the pending buffers are detached, the resource
  // retuned, and the same buffers attached again (their blocks carry the new channel).
  IsochResource& resource = *resource_;
  const bool was_started = resource.state() != StreamState::kStopped;
  Status status = resource.stop();
  if (!succeeded(status)) return status;
  const std::vector<IsochDescriptor*> pending = resource.pending_descriptors();
  if (!pending.empty()) {
    status = resource.detach(pending);
    if (!succeeded(status)) return status;
  }
  status = resource.modify_stream_properties(channel_.channel, resource.config().speed);
  if (!succeeded(status)) return status;
  config_.resource.channel = channel_.channel;
  if (!pending.empty()) {
    status = resource.attach(pending);
    if (!succeeded(status)) return status;
  }
  if (was_started) {
    status = resource.kind() == ContextKind::Transmit ? resource.talk() : resource.listen();
    if (!succeeded(status)) return status;
  }
  return StreamRecovery::kChannelMoved;
}

Status IsochStream::close() {
  if (closed()) return Status::Success;
  const Status stopped = resource_->stop();
  if (!succeeded(stopped)) return stopped;
  const Status freed_resource = bus_.free_resources(resource_);
  if (!succeeded(freed_resource)) return freed_resource;
  release_claims();
  return Status::Success;
}

}  // namespace ohci::fw
