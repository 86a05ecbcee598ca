#include "ohci/isoch_bus.hpp"

#include <algorithm>
#include <bit>

namespace ohci::fw {
namespace {

constexpr std::uint64_t kAllChannels = ~std::uint64_t{0};

bool single_speed(IsochSpeed speed) {
  return bandwidth_units_per_quadlet(speed) != 0 || speed == IsochSpeed::kS3200;
}

}  // namespace

IsochBus::IsochBus(Hal& hal, InterruptDispatcher& dispatcher, const IsochBusConfig& config)
    : hal_(hal), dispatcher_(dispatcher), config_(config) {}

Result<IsochSpeed> IsochBus::resolve_speed(IsochSpeed speed) const {
  if (speed == IsochSpeed::kFastest) return config_.max_speed;
  if (!single_speed(speed)) return Status::InvalidParameter;
  if (!speed_at_most(speed, config_.max_speed)) return Status::NotSupported;
  return speed;
}

IsochBus::Claim* IsochBus::find_claim(BandwidthHandle handle) {
  const auto claim = std::find_if(claims_.begin(), claims_.end(),
                                  [&](const Claim& c) { return c.id == handle.id; });
  return claim == claims_.end() ? nullptr : &*claim;
}

Result<BandwidthAllocation> IsochBus::allocate_bandwidth(std::uint32_t max_bytes_per_frame,
                                                         IsochSpeed speed) {
  const Result<IsochSpeed> resolved = resolve_speed(speed);
  if (!resolved) return resolved.status();
  const Result<std::uint32_t> units = bandwidth_units(max_bytes_per_frame, *resolved);
  if (!units) return units.status();
  if (*units > units_available_) return Status::InsufficientResources;
  units_available_ -= *units;
  const std::uint32_t id = next_claim_id_++;
  claims_.push_back(Claim{id, *units, *resolved});
  return BandwidthAllocation{BandwidthHandle{id, generation_}, *units, *resolved,
                             bytes_per_frame_for(units_available_, *resolved)};
}

Status IsochBus::free_bandwidth(BandwidthHandle handle) {
  if (handle.generation != generation_) return Status::InvalidGeneration;
  const Claim* claim = find_claim(handle);
  if (handle.id == 0 || claim == nullptr) return Status::InvalidParameter;
  units_available_ += claim->units;
  claims_.erase(claims_.begin() + (claim - claims_.data()));
  return Status::Success;
}

Status IsochBus::set_channel_bandwidth(BandwidthHandle handle, std::uint32_t max_bytes_per_frame) {
  if (handle.generation != generation_) return Status::InvalidGeneration;
  Claim* claim = find_claim(handle);
  if (handle.id == 0 || claim == nullptr) return Status::InvalidParameter;
  const Result<std::uint32_t> units = bandwidth_units(max_bytes_per_frame, claim->speed);
  if (!units) return units.status();
  if (*units > units_available_ + claim->units) return Status::InsufficientResources;
  units_available_ = units_available_ + claim->units - *units;
  claim->units = *units;
  return Status::Success;
}

Result<ChannelAllocation> IsochBus::allocate_channel(std::uint32_t requested) {
  std::uint32_t channel = requested;
  if (requested == kIsochAnyChannel) {
    if (channels_claimed_ == kAllChannels) return Status::InsufficientResources;
    channel = static_cast<std::uint32_t>(std::countr_one(channels_claimed_));
  } else if (requested >= kIsochChannels) {
    return Status::InvalidParameter;
  }
  const std::uint64_t bit = std::uint64_t{1} << channel;
  if ((channels_claimed_ & bit) != 0) return Status::InsufficientResources;
  channels_claimed_ |= bit;
  return ChannelAllocation{ChannelHandle{channel, generation_}, ~channels_claimed_};
}

Status IsochBus::free_channel(ChannelHandle handle) {
  if (handle.generation != generation_) return Status::InvalidGeneration;
  if (handle.channel >= kIsochChannels) return Status::InvalidParameter;
  const std::uint64_t bit = std::uint64_t{1} << handle.channel;
  if ((channels_claimed_ & bit) == 0) return Status::InvalidParameter;
  channels_claimed_ &= ~bit;
  return Status::Success;
}

IsochResourcesAvailable IsochBus::query_resources(IsochSpeed speed) const {
  const Result<IsochSpeed> resolved = resolve_speed(speed);
  return IsochResourcesAvailable{units_available_,
                                 resolved ? bytes_per_frame_for(units_available_, *resolved) : 0,
                                 ~channels_claimed_};
}

CycleTime IsochBus::query_cycle_time() {
  return Controller(hal_).read_cycle_timer();
}

void IsochBus::bus_reset() {
  ++generation_;
  units_available_ = kIsochBandwidthPool;
  channels_claimed_ = 0;
  claims_.clear();
  // A listener may deregister itself (or register another) while being notified.
  const std::vector<Listener> listeners = listeners_;
  for (const Listener& listener : listeners) {
    const bool still_registered =
        std::any_of(listeners_.begin(), listeners_.end(),
                    [&](const Listener& current) { return current.id == listener.id; });
    if (still_registered && listener.notify) listener.notify(generation_);
  }
}

bool IsochBus::handle_bus_reset_event(const InterruptEvents& events) {
  if (!events.has(regs::int_event::kBusReset)) return false;
  bus_reset();
  hal_.write32(regs::kIntEventClear, regs::int_event::kBusReset.mask());
  hal_.write32(regs::kIntMaskSet, regs::int_mask::kBusReset.mask());
  return true;
}

bool IsochBus::handle_self_id_event(const InterruptEvents& events) {
  if (self_ids_ == nullptr || !events.has(regs::int_event::kSelfIdComplete)) return false;
  return self_ids_->read().ok();
}

std::uint32_t IsochBus::register_bus_reset_notification(
    std::function<void(std::uint32_t)> listener) {
  const std::uint32_t id = next_listener_id_++;
  listeners_.push_back(Listener{id, std::move(listener)});
  return id;
}

void IsochBus::deregister_bus_reset_notification(std::uint32_t id) {
  std::erase_if(listeners_, [id](const Listener& listener) { return listener.id == id; });
}

Result<std::unique_ptr<IsochResource>> IsochBus::allocate_resources(const ResourceConfig& config) {
  const bool talk = (config.flags & kResourceUsedInTalking) != 0;
  const ContextKind kind = talk ? ContextKind::Transmit : ContextKind::Receive;
  const std::uint32_t available = talk ? config_.contexts.it_mask : config_.contexts.ir_mask;
  if (config.context &&
      (*config.context >= regs::kContextsMax || (available & (1u << *config.context)) == 0)) {
    return Status::InvalidParameter;
  }
  // The configuration is checked, and the memory allocated, before a context is taken.
  Result<std::unique_ptr<IsochResource>> created =
      IsochResource::create(*this, config, kind, config.context.value_or(0));
  if (!created) return created.status();
  std::unique_ptr<IsochResource> resource = std::move(*created);

  for (std::uint32_t index = 0; index < regs::kContextsMax; ++index) {
    if (config.context ? index != *config.context : (available & (1u << index)) == 0) continue;
    const Status registered = dispatcher_.register_owner(kind, index, *resource);
    if (registered == Status::AccessDenied && !config.context) continue;
    if (!succeeded(registered)) return registered;
    resource->bind(index);
    return resource;
  }
  return Status::InsufficientResources;
}

Status IsochBus::free_resources(std::unique_ptr<IsochResource>& resource) {
  if (!resource) return Status::InvalidParameter;
  if (resource->attached() != 0) return Status::AccessDenied;
  resource.reset();
  return Status::Success;
}

}  // namespace ohci::fw
