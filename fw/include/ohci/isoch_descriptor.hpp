// IsochDescriptor: one buffer a driver attaches to an IsochResource, the 1394 bus-driver model's
// ISOCH_DESCRIPTOR (reference/wdk-isoch-and-kmdf-dma.md 1.5, 1.6). The driver owns it and keeps
// it alive, unchanged, from attach until detach returns; the resource writes only `status` and
// (with a time stamp) `cycle_time`. docs/isoch-streaming.md says how each field is used.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// DESCRIPTOR_* flags (exact WDK values).
// Listen: drop packets whose sy is not `synch` (OHCI w = wait on the blocks; see the guide for
// how long the filter lasts).
inline constexpr std::uint32_t kDescriptorSynchOnSy = 0x01;
// Listen: accept only packets whose tag is `tag` (ContextMatch, for the whole context).
inline constexpr std::uint32_t kDescriptorSynchOnTag = 0x02;
// Talk/listen: start in the cycle `cycle_time` (only on the first buffer of a stopped resource).
inline constexpr std::uint32_t kDescriptorSynchOnTime = 0x04;
// Listen with kDescriptorSynchOnSy: wait for the first match only, then pass every packet.
inline constexpr std::uint32_t kDescriptorUseSyTagInFirst = 0x08;
// Write the cycle of the buffer's last packet to `cycle_time` when it completes.
inline constexpr std::uint32_t kDescriptorTimeStampOnCompletion = 0x10;
// Not supported here (NotSupported): a late packet is always sent one cycle later.
inline constexpr std::uint32_t kDescriptorPriorityTimeDelivery = 0x20;
// Not supported here (NotSupported): the controller inserts no header arrays.
inline constexpr std::uint32_t kDescriptorHeaderScatterGather = 0x40;
// Defined by the WDK only; NotSupported.
inline constexpr std::uint32_t kDescriptorSynchOnAllTags = 0x80;

// Called from the DPC when the buffer is ready to be detached (it is not detached by this).
using IsochCallback = void (*)(void* context1, void* context2);

struct IsochDescriptor {
  std::uint32_t flags = 0;  // kDescriptor*
  // The data (the WDK's Mdl): `length` bytes at `offset` in `buffer`. Listen buffers are
  // quadlet-aligned; talk buffers may start on any byte.
  DmaBuffer* buffer = nullptr;
  std::size_t offset = 0;
  std::uint32_t length = 0;
  // Talk: the payload of each packet (the last one carries the rest). Listen, packet-based: the
  // size of each packet's slot. 0: the resource's max_bytes_per_frame; never more than it.
  std::uint32_t max_bytes_per_frame = 0;
  std::uint32_t synch = 0;  // talk: the sy of every packet; listen: the sy waited for (0..15)
  std::uint32_t tag = 0;    // talk: the tag of every packet; listen: the tag accepted (0..3)
  // In: the start cycle with kDescriptorSynchOnTime. Out: the completion time stamp.
  CycleTime cycle_time{};
  IsochCallback callback = nullptr;  // nullptr: no callback and no interrupt for this buffer
  void* context1 = nullptr;
  void* context2 = nullptr;
  // Out. Pending while attached; Success (or DeviceError: a packet reported an error, or the
  // context died) once complete; Cancelled when detached before it completed; on a refused
  // attach, the reason this buffer was refused.
  Status status = Status::Success;
  // The driver's own (the WDK's DeviceReserved): never touched by the resource.
  std::array<std::uintptr_t, 8> device_reserved{};
};

}  // namespace ohci::fw
