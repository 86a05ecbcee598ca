#include "timing_scenario.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "Vohci_core.h"
#include "cosim_hal.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/isoch_bus.hpp"
#include "ohci/isoch_descriptor.hpp"
#include "ohci/isoch_stream.hpp"
#include "ohci/regmap.hpp"
#include "world.hpp"

namespace ohci::sim::timing {
namespace {

// Packet-based listen keeps the trailer (xferStatus | timeStamp) and the isochronous header in
// front of each packet's payload in its slot (docs/isoch-streaming.md).
constexpr std::uint32_t kListenSlotBytes = 8 + kPayloadBytes;

void require(bool condition, const std::string& what) {
  if (!condition) throw std::runtime_error(what);
}

void require_success(fw::Status status, const std::string& what) {
  require(status == fw::Status::Success, what + ": " + std::string(fw::to_string(status)));
}

template <class T>
T take(fw::Result<T> result, const std::string& what) {
  require(result.ok(), what + ": " + std::string(fw::to_string(result.status())));
  return std::move(result.value());
}

// Byte k of packet n: the packet number in the high nibble and the byte number in the low one,
// so each byte on the D lane says where it belongs.
std::uint8_t payload_byte(unsigned packet, unsigned byte) {
  return static_cast<std::uint8_t>(0x10u * (packet + 1) + byte);
}

// Where the callback of the batch's last buffer writes the edge it was called after.
struct CallbackProbe {
  World* world = nullptr;
  std::optional<std::uint64_t> called_after_edge;
};

void on_batch_complete(void* context1, void* /*context2*/) {
  auto* probe = static_cast<CallbackProbe*>(context1);
  probe->called_after_edge = probe->world->cycle() - 1;
}

// The only event of `kind` node 0 logged from `first_cycle` on.
std::uint64_t only_event(World& world, EventKind kind, std::uint64_t first_cycle) {
  std::vector<std::uint64_t> cycles;
  for (const std::uint64_t cycle : world.log().cycles_of("node0", kind))
    if (cycle >= first_cycle) cycles.push_back(cycle);
  require(cycles.size() == 1, std::string("node0 logged ") + std::to_string(cycles.size()) + " '" +
                                  to_string(kind) + "' events after the attach, expected 1");
  return cycles.front();
}

// One cycle stepped with the pins sampled around it: the link's registered outputs before the
// step (they hold through the cycle), the resolved CTL/D the PHY models drove in it after.
// Returns nothing when firmware ran inside the step (an ISR or DPC steps the World itself, so
// the pins read afterwards are of a later cycle).
std::optional<PinSample> sampled_step(World& world, Vohci_core& talker, Vohci_core& listener) {
  PinSample sample;
  sample.cycle = world.cycle();
  sample.talker_lreq = talker.phy_lreq != 0;
  sample.talker_link_drives = talker.phy_ctl_oe != 0;
  world.step();
  if (world.cycle() != sample.cycle + 1) return std::nullopt;
  sample.talker_ctl = static_cast<std::uint8_t>(talker.phy_ctl_i);
  sample.talker_d = static_cast<std::uint8_t>(talker.phy_d_i);
  sample.listener_ctl = static_cast<std::uint8_t>(listener.phy_ctl_i);
  sample.listener_d = static_cast<std::uint8_t>(listener.phy_d_i);
  return sample;
}

}  // namespace

TimingRecord run_timing_scenario() {
  World world;
  Node& talker_node = world.add_node("node0");
  Node& listener_node = world.add_node("node1");
  CosimHal talker_hal(world, talker_node);
  CosimHal listener_hal(world, listener_node);
  world.reset();

  // Bring-up as the bus tests do it: node 0 cycle master, then both see two cycle starts go by.
  fw::Controller talker_controller(talker_hal);
  fw::Controller listener_controller(listener_hal);
  const std::uint32_t unrecoverable = regs::int_mask::kUnrecoverableError.mask();
  const auto talker_up = take(
      talker_controller.bring_up(
          {.cycle_master = true, .interrupts = regs::int_mask::kIsochTx.mask() | unrecoverable}),
      "node0 bring-up");
  const auto listener_up = take(
      listener_controller.bring_up(
          {.cycle_master = false, .interrupts = regs::int_mask::kIsochRx.mask() | unrecoverable}),
      "node1 bring-up");
  world.run(2 * kClkPerCycle);

  // Node 1: one buffer of kPackets slots, no callback (no interrupt), listening on kChannel.
  fw::InterruptDispatcher listener_dispatcher(listener_hal);
  fw::IsochBus listener_bus(listener_hal, listener_dispatcher, {.contexts = listener_up.contexts});
  fw::DmaBuffer received =
      take(fw::DmaBuffer::allocate(listener_hal, kPackets * kListenSlotBytes), "node1 buffer");
  fw::StreamConfig listen_config;
  listen_config.resource.speed = fw::IsochSpeed::kS400;
  listen_config.resource.flags = fw::kResourceUsedInListening | fw::kResourceUsePacketBased;
  listen_config.resource.channel = kChannel;
  listen_config.resource.max_bytes_per_frame = kListenSlotBytes;
  listen_config.resource.number_of_buffers = 2;
  listen_config.resource.max_buffer_size = kPackets * kListenSlotBytes;
  listen_config.claim_channel = false;  // node 0's channel and bandwidth
  listen_config.claim_bandwidth = false;
  auto listen_stream = take(fw::IsochStream::open(listener_bus, listen_config), "node1 stream");
  fw::IsochDescriptor listen_buffer{.buffer = &received, .length = kPackets * kListenSlotBytes};
  require_success(listen_stream->resource().attach(std::span(&listen_buffer, 1)), "node1 attach");
  require_success(listen_stream->resource().listen(), "node1 listen");

  // Node 0: the talker, waiting for its first buffers.
  fw::InterruptDispatcher talker_dispatcher(talker_hal);
  fw::IsochBus talker_bus(talker_hal, talker_dispatcher, {.contexts = talker_up.contexts});
  fw::DmaBuffer payload =
      take(fw::DmaBuffer::allocate(talker_hal, kPackets * kPayloadBytes), "node0 payload");
  for (unsigned n = 0; n < kPackets; ++n)
    for (unsigned k = 0; k < kPayloadBytes; ++k)
      payload.bytes()[n * kPayloadBytes + k] = std::byte{payload_byte(n, k)};
  fw::StreamConfig talk_config;
  talk_config.resource.speed = fw::IsochSpeed::kS400;
  talk_config.resource.flags = fw::kResourceUsedInTalking;
  talk_config.resource.max_bytes_per_frame = kPayloadBytes;
  talk_config.resource.number_of_buffers = kPackets + 1;
  talk_config.resource.max_buffer_size = kPayloadBytes;
  talk_config.channel = kChannel;
  auto talk_stream = take(fw::IsochStream::open(talker_bus, talk_config), "node0 stream");
  fw::IsochResource& talker = talk_stream->resource();
  require_success(talker.talk(), "node0 talk");

  // The batch: one packet per buffer, the callback (and so the only interrupt) on the last.
  CallbackProbe probe;
  probe.world = &world;
  std::array<fw::IsochDescriptor, kPackets> batch{};
  for (unsigned n = 0; n < kPackets; ++n)
    batch[n] = {.buffer = &payload, .offset = n * kPayloadBytes, .length = kPayloadBytes};
  batch.back().callback = on_batch_complete;
  batch.back().context1 = &probe;

  TimingRecord record;
  record.arbitration_delay = talker_node.phy().config().arbitration_delay;
  record.data_on_cycles = world.bus().config().data_on_cycles;
  const std::size_t bus_packets_before = world.bus().packets().size();
  const std::size_t requests_before = talker_node.phy().link_requests().size();
  record.attach.called = world.cycle() - 1;
  require_success(talker.attach(std::span(batch)), "node0 attach");
  record.attach.returned = world.cycle() - 1;

  const std::uint64_t limit = world.cycle() + (kPackets + 2) * kClkPerCycle;
  while (!probe.called_after_edge && world.cycle() < limit) {
    if (auto sample = sampled_step(world, talker_node.core(), listener_node.core()))
      record.pins.push_back(*sample);
  }
  require(probe.called_after_edge.has_value(), "the callback never came");
  record.callback = *probe.called_after_edge;

  std::optional<BusPacket> last_cycle_start;
  for (std::size_t i = bus_packets_before; i < world.bus().packets().size(); ++i) {
    const BusPacket& packet = world.bus().packets()[i];
    if (packet.sender != 0) continue;
    if (packet.request == LreqType::PriReq && record.packets.empty()) last_cycle_start = packet;
    if (packet.request == LreqType::IsoReq) record.packets.push_back(packet);
  }
  require(last_cycle_start.has_value(), "no cycle start before the first isochronous packet");
  record.cycle_start = *last_cycle_start;
  const auto& requests = talker_node.phy().link_requests();
  for (std::size_t i = requests_before; i < requests.size(); ++i)
    if (requests[i].type == LreqType::IsoReq) record.requests.push_back(requests[i]);
  require(record.packets.size() == kPackets && record.requests.size() == kPackets,
          "node0 sent " + std::to_string(record.packets.size()) + " isochronous packets (" +
              std::to_string(record.requests.size()) + " IsoReqs), expected " +
              std::to_string(kPackets));
  for (const std::uint64_t cycle : world.log().cycles_of("node0", EventKind::DmaWrite))
    if (cycle > record.attach.returned) record.status_writes.push_back(cycle);
  require(record.status_writes.size() == kPackets,
          "node0 made " + std::to_string(record.status_writes.size()) +
              " DMA writes after the attach, expected one status write-back per packet");
  record.irq_raised = only_event(world, EventKind::IrqRaised, record.attach.called);
  record.irq_dropped = only_event(world, EventKind::IrqDropped, record.attach.called);
  record.isr = {only_event(world, EventKind::IsrEntered, record.attach.called),
                only_event(world, EventKind::IsrReturned, record.attach.called)};
  record.dpc = {only_event(world, EventKind::DpcEntered, record.attach.called),
                only_event(world, EventKind::DpcReturned, record.attach.called)};

  // The stream worked: every buffer completed, node 1 got every byte, no protocol rule broken.
  for (const fw::IsochDescriptor& buffer : batch)
    require(buffer.status == fw::Status::Success, "a node0 buffer did not complete");
  world.run(kClkPerCycle);  // node 1's last status write-back
  listen_stream->resource().poll();
  require(listen_buffer.status == fw::Status::Success, "node1's buffer did not complete");
  for (unsigned n = 0; n < kPackets; ++n)
    for (unsigned k = 0; k < kPayloadBytes; ++k)
      require(received.bytes()[n * kListenSlotBytes + 8 + k] == std::byte{payload_byte(n, k)},
              "node1 received packet " + std::to_string(n) + " wrong at byte " + std::to_string(k));
  for (Node* node : {&talker_node, &listener_node}) {
    const auto& phy = node->phy().violations();
    if (!phy.empty()) throw std::runtime_error(node->name() + " PHY-link protocol: " + phy.front());
    const auto& axi = node->dma_port().violations();
    if (!axi.empty()) throw std::runtime_error(node->name() + " AXI protocol: " + axi.front());
  }

  require_success(talker.detach(std::span(batch)), "node0 detach");
  require_success(listen_stream->resource().detach(std::span(&listen_buffer, 1)), "node1 detach");
  require_success(talk_stream->close(), "node0 close");
  require_success(listen_stream->close(), "node1 close");
  return record;
}

const PinSample* find_sample(const TimingRecord& record, std::uint64_t cycle) {
  const auto found = std::lower_bound(
      record.pins.begin(), record.pins.end(), cycle,
      [](const PinSample& sample, std::uint64_t wanted) { return sample.cycle < wanted; });
  return found != record.pins.end() && found->cycle == cycle ? &*found : nullptr;
}

}  // namespace ohci::sim::timing
