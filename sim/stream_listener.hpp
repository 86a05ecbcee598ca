// ohci-sim's listener driver: an IsochStream listening (no claims: the talker owns the channel)
// with a ring of buffers attached, each with a callback; the callback (from the node's DPC)
// hands every packet of its buffer to the scoreboard, detaches the buffer, clears it and
// attaches it again. Packet mode: one packet per slot of 8 + max payload bytes (trailer, header,
// payload). Buffer-fill mode: packets back to back (header, payload, trailer), walked across
// buffer boundaries.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ohci/dma_buffer.hpp"
#include "ohci/isoch_descriptor.hpp"
#include "ohci/isoch_stream.hpp"
#include "stream_mode.hpp"
#include "stream_node.hpp"
#include "stream_pattern.hpp"
#include "stream_scoreboard.hpp"

namespace ohci::sim {

class StreamListener {
 public:
  static constexpr unsigned kBuffers = 8;

  StreamListener(StreamNode& node, const StreamPattern& pattern, unsigned channel, ListenMode mode,
                 unsigned packets_per_buffer);
  ~StreamListener();

  std::string start();
  // Called with every packet the listener takes, before the scoreboard sees it.
  void set_on_packet(std::function<void(const fw::IrPacket&)> hook) {
    on_packet_ = std::move(hook);
  }
  // The stream is over: stop the context and take the packets of a buffer not yet full.
  void finish();

  StreamScoreboard& scoreboard() { return scoreboard_; }
  const StreamScoreboard& scoreboard() const { return scoreboard_; }
  unsigned callbacks() const { return callbacks_; }
  std::uint64_t overruns() const { return overruns_; }
  std::uint64_t missed() const { return missed_; }
  const std::string& error() const { return error_; }
  static std::size_t memory_needed(ListenMode mode, unsigned packets_per_buffer,
                                   std::uint32_t max_payload);

 private:
  static void buffer_done(void* context1, void* context2);
  void on_buffer_done(unsigned sequence);
  // Hands the packets stored in ring buffer `position` to the scoreboard; `complete`: the buffer
  // is full (else stop at the first slot not written).
  void take(unsigned position, bool complete);
  void take_stream(std::span<const std::byte> bytes);
  void attach(unsigned sequence);
  void deliver(const fw::IrPacket& packet);

  StreamNode& node_;
  StreamPattern pattern_;
  StreamScoreboard scoreboard_;
  unsigned channel_;
  ListenMode mode_;
  unsigned per_buffer_;
  std::uint32_t slot_;          // packet mode: bytes per packet slot
  std::uint32_t buffer_bytes_;  // bytes per buffer
  std::vector<fw::IsochDescriptor> descriptors_;
  fw::DmaBuffer data_;
  std::unique_ptr<fw::IsochStream> stream_;
  std::vector<std::byte> carry_;  // buffer-fill: bytes of a packet cut by a buffer's end
  unsigned next_ = 0;             // sequence of the next buffer to complete
  unsigned callbacks_ = 0;
  std::uint64_t overruns_ = 0;
  std::uint64_t missed_ = 0;
  bool finished_ = false;
  bool failed_ = false;  // the driver failed a buffer (a dead context): the stream stopped
  std::string error_;
  std::function<void(const fw::IrPacket&)> on_packet_;
};

}  // namespace ohci::sim
