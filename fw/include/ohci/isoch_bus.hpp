// IsochBus: the isochronous resources of one 1394 bus in the bus-driver model
// (reference/wdk-isoch-and-kmdf-dma.md 1.2-1.9, 5a): the bandwidth pool (4915 units per cycle,
// priced per speed), the 64-channel map, the bus generation that a bus reset advances (making
// older bandwidth and channel handles stale), the cycle timer, and the IsochResources bound to
// the controller's IT and IR contexts. docs/isoch-streaming.md is the programmer's guide.
//
// The driver's bus-reset path (its InterruptDispatcher event handler on IntEvent.busReset, see
// handle_bus_reset_event) calls bus_reset(); a test may call it directly. Isochronous contexts
// keep running through a reset (docs/decisions.md 29); IsochStream::recover re-claims a stream's
// channel and bandwidth afterwards.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "ohci/controller.hpp"
#include "ohci/hal.hpp"
#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/isoch_resource.hpp"
#include "ohci/isoch_speed.hpp"
#include "ohci/self_id.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

inline constexpr std::uint32_t kIsochChannels = 64;
// ISOCH_ANY_CHANNEL: allocate_channel picks the lowest free channel.
inline constexpr std::uint32_t kIsochAnyChannel = 0xFFFFFFFF;

// A bandwidth claim, valid in the generation it was made in. id 0 names nothing.
struct BandwidthHandle {
  std::uint32_t id = 0;
  std::uint32_t generation = 0;
};

// A channel claim, valid in the generation it was made in.
struct ChannelHandle {
  std::uint32_t channel = 0;
  std::uint32_t generation = 0;
};

struct BandwidthAllocation {
  BandwidthHandle handle;
  std::uint32_t units = 0;               // what the claim costs
  IsochSpeed speed = IsochSpeed::kS100;  // the speed priced (kFastest resolved)
  // What is left, as the payload of one more stream at `speed` (advisory).
  std::uint32_t bytes_per_frame_available = 0;
};

struct ChannelAllocation {
  ChannelHandle handle;
  std::uint64_t channels_available = 0;  // bit n = channel n is free, after this claim
};

// QUERY_RESOURCES.
struct IsochResourcesAvailable {
  std::uint32_t units = 0;
  std::uint32_t bytes_per_frame_available = 0;  // at the speed asked about
  std::uint64_t channels_available = 0;         // bit n = channel n is free
};

struct IsochBusConfig {
  // The contexts resources may bind to (Controller::discover_contexts / BringUpResult).
  ContextSupport contexts{0xF, 0xF};
  // The fastest speed of the bus (what kFastest selects); faster requests are NotSupported.
  IsochSpeed max_speed = IsochSpeed::kS400;
};

class IsochBus {
 public:
  // The Hal and the dispatcher must outlive the bus; the bus must outlive its resources.
  IsochBus(Hal& hal, InterruptDispatcher& dispatcher, const IsochBusConfig& config = {});
  IsochBus(const IsochBus&) = delete;
  IsochBus& operator=(const IsochBus&) = delete;

  // Advanced by every bus_reset(); handles of older generations are stale.
  std::uint32_t generation() const { return generation_; }

  // ALLOCATE_BANDWIDTH for packets of up to `max_bytes_per_frame` payload bytes (without any
  // stripped header; not rounded) at `speed` (one speed, or kFastest). InvalidParameter for a
  // payload above the speed's maximum or a speed that is not one; NotSupported above the bus's
  // max_speed; InsufficientResources when the pool has fewer units left (nothing claimed: the
  // caller may retry later, e.g. after a bus reset).
  Result<BandwidthAllocation> allocate_bandwidth(std::uint32_t max_bytes_per_frame,
                                                 IsochSpeed speed);
  // FREE_BANDWIDTH. InvalidGeneration for a handle of an older generation (the reset already
  // freed it: treat as success and do not free again); InvalidParameter for one that names no
  // claim.
  Status free_bandwidth(BandwidthHandle handle);
  // SET_CHANNEL_BANDWIDTH: the claim becomes that of `max_bytes_per_frame` at its speed.
  // InsufficientResources (claim unchanged) if the pool cannot cover the increase; otherwise as
  // free_bandwidth.
  Status set_channel_bandwidth(BandwidthHandle handle, std::uint32_t max_bytes_per_frame);
  // ALLOCATE_CHANNEL: channel `requested` (0..63) or kIsochAnyChannel. InvalidParameter for
  // another value; InsufficientResources when taken (or, for any, when none is free).
  Result<ChannelAllocation> allocate_channel(std::uint32_t requested);
  // FREE_CHANNEL: as free_bandwidth (InvalidGeneration when stale; InvalidParameter when the
  // channel is not claimed).
  Status free_channel(ChannelHandle handle);
  // QUERY_RESOURCES at `speed` (one speed or kFastest).
  IsochResourcesAvailable query_resources(IsochSpeed speed) const;

  // QUERY_CYCLE_TIME: the controller's IsochronousCycleTimer.
  CycleTime query_cycle_time();

  // The bus was reset: the generation advances, the whole pool and every channel are free, every
  // handle made before is stale, and the bus-reset listeners run (in registration order, from
  // the caller's context). Resources and their streams are untouched.
  void bus_reset();
  // For the driver's InterruptDispatcher event handler: if `events` has busReset, bus_reset(),
  // then IntEventClear busReset and IntMaskSet busReset (the dispatcher's ISR masked it).
  // Returns whether it did.
  bool handle_bus_reset_event(const InterruptEvents& events);
  // For the same handler: if `events` has selfIDComplete and self-IDs are received (a
  // SelfIdReceiver attached), reads them so that topology() describes the new bus; returns
  // whether it did. A self-ID phase that cannot be decoded (selfIDError, a newer reset under
  // way, a malformed packet) leaves the previous topology and returns false.
  bool handle_self_id_event(const InterruptEvents& events);
  // The receiver whose buffer the controller fills (it must outlive the bus, or be detached
  // with nullptr).
  void attach_self_ids(SelfIdReceiver* receiver) { self_ids_ = receiver; }
  // The bus as the last decoded self-ID phase showed it (node count, root, gap count), or
  // nullptr before one was read.
  const SelfIds* topology() const { return self_ids_ ? self_ids_->last() : nullptr; }
  // REQUEST_BUS_RESET_NOTIFICATION (register / deregister); the listener gets the new
  // generation. The id is never 0.
  std::uint32_t register_bus_reset_notification(std::function<void(std::uint32_t)> listener);
  void deregister_bus_reset_notification(std::uint32_t id);

  // ALLOCATE_RESOURCES: a resource bound to an IT context (kResourceUsedInTalking) or an IR
  // context (kResourceUsedInListening): config.context, or the lowest-numbered one the dispatcher
  // has no owner for. InvalidParameter / NotSupported for the configuration (isoch_resource.hpp);
  // InvalidParameter for a context the controller does not have; AccessDenied when
  // config.context is owned; InsufficientResources when no context is free or DMA memory runs
  // out. The resource owns the context's interrupt (IsoXmit/IsoRecvIntMask bit set).
  Result<std::unique_ptr<IsochResource>> allocate_resources(const ResourceConfig& config);
  // FREE_RESOURCES: AccessDenied while buffers are attached (the handle is kept); otherwise the
  // context is stopped, its interrupt masked and released, and `resource` reset.
  // InvalidParameter for an empty pointer.
  Status free_resources(std::unique_ptr<IsochResource>& resource);

  Hal& hal() { return hal_; }
  InterruptDispatcher& dispatcher() { return dispatcher_; }
  const IsochBusConfig& config() const { return config_; }
  // Bandwidth units not claimed in this generation.
  std::uint32_t units_available() const { return units_available_; }
  // Bit n = channel n is claimed in this generation.
  std::uint64_t channels_claimed() const { return channels_claimed_; }

 private:
  struct Claim {
    std::uint32_t id = 0;
    std::uint32_t units = 0;
    IsochSpeed speed = IsochSpeed::kS100;
  };
  struct Listener {
    std::uint32_t id = 0;
    std::function<void(std::uint32_t)> notify;
  };

  // kFastest resolved; InvalidParameter / NotSupported as allocate_bandwidth says.
  Result<IsochSpeed> resolve_speed(IsochSpeed speed) const;
  Claim* find_claim(BandwidthHandle handle);

  Hal& hal_;
  InterruptDispatcher& dispatcher_;
  IsochBusConfig config_;
  SelfIdReceiver* self_ids_ = nullptr;
  std::uint32_t generation_ = 0;
  std::uint32_t units_available_ = kIsochBandwidthPool;
  std::uint64_t channels_claimed_ = 0;
  std::vector<Claim> claims_;
  std::uint32_t next_claim_id_ = 1;
  std::vector<Listener> listeners_;
  std::uint32_t next_listener_id_ = 1;
};

}  // namespace ohci::fw
