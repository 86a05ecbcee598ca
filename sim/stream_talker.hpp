// ohci-sim's talker driver: an IsochStream talking through the streaming API, fed in batches of
// one-packet buffers with a callback on the last of each; the callback (from node A's DPC, via
// the InterruptDispatcher) detaches its batch and attaches the next until every packet is
// attached.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ohci/dma_buffer.hpp"
#include "ohci/isoch_descriptor.hpp"
#include "ohci/isoch_stream.hpp"
#include "stream_node.hpp"
#include "stream_pattern.hpp"

namespace ohci::sim {

class StreamTalker {
 public:
  static constexpr unsigned kBatchesInFlight = 4;

  StreamTalker(StreamNode& node, const StreamPattern& pattern, unsigned channel,
               unsigned speed_code, unsigned batch, unsigned packets);
  ~StreamTalker();

  // The tag every packet carries (0..3; default 0). Set before start().
  void set_tag(unsigned tag) { tag_ = tag; }
  // Opens the stream, attaches the first batches and talks; an error says what failed.
  std::string start();
  // Every batch's callback has run.
  bool done() const { return batches_done_ == batches_; }
  unsigned callbacks() const { return batches_done_; }
  std::uint32_t run_outs() const;
  // The first failure seen in a callback (attach, detach, a buffer's status), or empty.
  const std::string& error() const { return error_; }
  // Bytes of host memory the talker needs.
  static std::size_t memory_needed(unsigned batch, std::uint32_t max_payload);

 private:
  static void batch_done(void* context1, void* context2);
  void attach_batch();
  void on_batch_done(unsigned batch_index);

  StreamNode& node_;
  StreamPattern pattern_;
  unsigned channel_;
  unsigned speed_code_;
  unsigned batch_;
  unsigned packets_;
  unsigned batches_;
  unsigned slots_;
  std::vector<fw::IsochDescriptor> descriptors_;  // before the stream: outlive its resource
  fw::DmaBuffer payload_;
  std::unique_ptr<fw::IsochStream> stream_;
  unsigned tag_ = 0;
  unsigned batches_attached_ = 0;
  unsigned batches_done_ = 0;
  std::string error_;
};

}  // namespace ohci::sim
