// Self-ID: what the controller's self-ID receive DMA leaves in the SelfIDBuffer after a bus
// reset (reference: docs/descriptors.md "Self-ID buffer", IEEE 1394a 4.3.4.1), decoded into the
// facts a driver's bus-reset handling needs: how many nodes there are, which one is root, the
// gap count, and this node's own entry.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ohci/dma_buffer.hpp"
#include "ohci/hal.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// One node's self-ID packet 0 (extended packets only add port states).
struct SelfId {
  std::uint32_t quadlet = 0;
  std::uint32_t phy_id = 0;
  bool link_active = false;
  std::uint32_t gap_count = 0;
  std::uint32_t speed = 0;  // 0 S100, 1 S200, 2 S400
  bool contender = false;
  std::uint32_t power_class = 0;
  bool initiated_reset = false;
  std::vector<std::uint8_t> ports;  // port states, 0 not present .. 3 child, packet order
};

struct SelfIds {
  std::uint32_t generation = 0;  // from the buffer's header quadlet
  std::uint32_t time_stamp = 0;  // cycleSeconds[2:0]:cycleCount
  std::vector<SelfId> nodes;     // in Physical_ID order, 0 .. node_count() - 1

  std::uint32_t node_count() const { return static_cast<std::uint32_t>(nodes.size()); }
  // The root: the highest Physical_ID.
  std::uint32_t root_phy_id() const { return node_count() - 1; }
  // The common gap count, or 0 when the nodes disagree (a bus manager would send a PHY config
  // packet).
  std::uint32_t gap_count() const;
};

// Decodes `buffer` (the SelfIDBuffer's first `self_id_count`.selfIDSize quadlets) as read
// after selfIDComplete. DeviceError when SelfIDCount has selfIDError, when its generation
// differs from the header's (a newer reset is under way), when a quadlet is not followed by its
// inverse, when the packets are not self-ID packets in Physical_ID order starting at 0 (with
// their extended packets), or when there is no self-ID at all; BufferTooSmall when selfIDSize
// says more than `buffer` holds.
Result<SelfIds> parse_self_ids(std::span<const std::uint32_t> buffer, std::uint32_t self_id_count);

// The driver's side of the self-ID receive DMA: a 2 KiB-aligned SelfIDBuffer programmed into
// the controller with LinkControl.rcvSelfID set (enable), and its decoding after each
// selfIDComplete (read). The Hal must outlive it; its buffer is the controller's until it is
// destroyed (which clears rcvSelfID first).
class SelfIdReceiver {
 public:
  static constexpr std::size_t kBufferBytes = 2048;

  // InsufficientResources when no DMA memory is left.
  static Result<SelfIdReceiver> enable(Hal& hal);
  SelfIdReceiver(SelfIdReceiver&&) noexcept = default;
  SelfIdReceiver& operator=(SelfIdReceiver&&) noexcept = default;
  ~SelfIdReceiver();

  // Reads SelfIDCount and the buffer (call it once selfIDComplete is set): the decoded
  // self-IDs, which also become last(); parse_self_ids' errors otherwise (last() is kept).
  Result<SelfIds> read();
  const SelfIds* last() const { return has_last_ ? &last_ : nullptr; }

 private:
  SelfIdReceiver(Hal& hal, DmaBuffer buffer) : hal_(&hal), buffer_(std::move(buffer)) {}

  Hal* hal_;
  DmaBuffer buffer_;
  SelfIds last_;
  bool has_last_ = false;
};
}  // namespace ohci::fw
