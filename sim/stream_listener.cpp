#include "stream_listener.hpp"

#include <algorithm>
#include <cstring>
#include <span>

#include "ohci/ir_block.hpp"

namespace ohci::sim {
namespace {

std::string text(fw::Status status) {
  return std::string(fw::to_string(status));
}

std::uint32_t round4(std::uint32_t bytes) {
  return (bytes + 3u) & ~3u;
}

}  // namespace

StreamListener::StreamListener(StreamNode& node, const StreamPattern& pattern, unsigned channel,
                               ListenMode mode, unsigned packets_per_buffer)
    : node_(node),
      pattern_(pattern),
      scoreboard_(pattern),
      channel_(channel),
      mode_(mode),
      per_buffer_(packets_per_buffer),
      slot_(8 + round4(pattern.max_length())),
      buffer_bytes_(slot_ * packets_per_buffer),
      descriptors_(kBuffers) {}

StreamListener::~StreamListener() {
  if (!stream_ || stream_->closed()) return;
  (void)stream_->resource().stop();
  auto pending = stream_->resource().pending_descriptors();
  if (!pending.empty()) (void)stream_->resource().detach(std::span(pending.data(), pending.size()));
}

std::size_t StreamListener::memory_needed(ListenMode, unsigned packets_per_buffer,
                                          std::uint32_t max_payload) {
  return std::size_t{kBuffers} * packets_per_buffer * (8 + round4(max_payload)) +
         std::size_t{kBuffers} * packets_per_buffer * 64;
}

std::string StreamListener::start() {
  auto data = fw::DmaBuffer::allocate(node_.hal, std::size_t{kBuffers} * buffer_bytes_, 16);
  if (!data.ok()) return "listener buffers: " + text(data.status());
  data_ = std::move(data.value());
  std::fill(data_.bytes().begin(), data_.bytes().end(), std::byte{0});
  fw::StreamConfig config;
  config.resource.flags = fw::kResourceUsedInListening |
                          (mode_ == ListenMode::kPacket ? fw::kResourceUsePacketBased : 0u);
  config.resource.channel = channel_;
  config.resource.max_bytes_per_frame = slot_;
  config.resource.number_of_buffers = kBuffers + 1;
  config.resource.max_buffer_size = buffer_bytes_;
  config.channel = channel_;
  config.claim_channel = false;
  config.claim_bandwidth = false;
  auto stream = fw::IsochStream::open(node_.isoch, config);
  if (!stream.ok()) return "listener stream open: " + text(stream.status());
  stream_ = std::move(stream.value());
  for (unsigned sequence = 0; sequence < kBuffers && error_.empty(); ++sequence) attach(sequence);
  if (!error_.empty()) return error_;
  if (const fw::Status listen = stream_->resource().listen(); listen != fw::Status::Success)
    return "listen: " + text(listen);
  return {};
}

void StreamListener::attach(unsigned sequence) {
  const unsigned position = sequence % kBuffers;
  fw::IsochDescriptor& descriptor = descriptors_[position];
  descriptor = fw::IsochDescriptor{};
  descriptor.buffer = &data_;
  descriptor.offset = std::size_t{position} * buffer_bytes_;
  descriptor.length = buffer_bytes_;
  descriptor.callback = &StreamListener::buffer_done;
  descriptor.context1 = this;
  descriptor.context2 = reinterpret_cast<void*>(static_cast<std::uintptr_t>(sequence));
  fw::IsochDescriptor* list[1] = {&descriptor};
  const fw::Status status = stream_->resource().attach(std::span(list, 1));
  if (status != fw::Status::Success && error_.empty()) error_ = "listener attach: " + text(status);
}

void StreamListener::buffer_done(void* context1, void* context2) {
  static_cast<StreamListener*>(context1)->on_buffer_done(
      static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(context2)));
}

void StreamListener::on_buffer_done(unsigned sequence) {
  ++callbacks_;
  const unsigned position = sequence % kBuffers;
  fw::IsochDescriptor* list[1] = {&descriptors_[position]};
  if (stream_->resource().last_error() != fw::Status::Success) {
    // The stream stopped: its context died (a DMA error) and the driver failed the pending
    // buffers, so what they hold is not to be trusted. (A buffer with a packet the bus
    // corrupted also completes with an error status; its packets go to the scoreboard.)
    if (error_.empty())
      error_ = "listener buffer " + std::to_string(sequence) + ": context dead, stream stopped (" +
               text(stream_->resource().last_error()) + ")";
    failed_ = true;
    (void)stream_->resource().detach(std::span(list, 1));
    return;
  }
  if (sequence != next_ && error_.empty())
    error_ = "listener buffer " + std::to_string(sequence) + " completed out of order";
  const fw::Status detached = stream_->resource().detach(std::span(list, 1));
  if (detached != fw::Status::Success && error_.empty())
    error_ = "listener detach: " + text(detached);
  take(position, true);
  next_ = sequence + 1;
  const auto bytes = data_.bytes().subspan(std::size_t{position} * buffer_bytes_, buffer_bytes_);
  std::fill(bytes.begin(), bytes.end(), std::byte{0});
  if (!finished_) attach(sequence + kBuffers);
}

void StreamListener::deliver(const fw::IrPacket& packet) {
  if (on_packet_) on_packet_(packet);
  if (packet.event() == regs::EventCode::kEvtOverrun) ++overruns_;
  scoreboard_.on_received(
      ReceivedStreamPacket{.data_length = packet.data_length,
                           .payload = packet.payload,
                           .complete = packet.event() == regs::EventCode::kAckComplete,
                           .cycle = node_.cycle()});
}

void StreamListener::take(unsigned position, bool complete) {
  const auto bytes = data_.bytes().subspan(std::size_t{position} * buffer_bytes_, buffer_bytes_);
  if (mode_ == ListenMode::kBufferFill) {
    take_stream(bytes);
    return;
  }
  for (unsigned k = 0; k < per_buffer_; ++k) {
    const auto slot = bytes.subspan(std::size_t{k} * slot_, slot_);
    std::uint32_t trailer = 0, header = 0;
    std::memcpy(&trailer, slot.data(), 4);
    std::memcpy(&header, slot.data() + 4, 4);
    if (trailer == 0) {
      if (complete && error_.empty()) error_ = "listener: a full buffer with an empty slot";
      return;
    }
    const std::size_t stored = std::min<std::size_t>(slot_, 8 + round4(header >> 16));
    auto packet = fw::parse_packet_per_buffer(slot.first(stored));
    if (!packet.ok()) {
      scoreboard_.on_received(ReceivedStreamPacket{
          .data_length = 0, .payload = {}, .complete = false, .cycle = node_.cycle()});
      continue;
    }
    deliver(packet.value());
  }
}

void StreamListener::take_stream(std::span<const std::byte> bytes) {
  carry_.insert(carry_.end(), bytes.begin(), bytes.end());
  fw::BufferFillParser parser(carry_);
  while (!parser.at_end()) {
    auto packet = parser.next();
    if (!packet.ok()) break;
    deliver(packet.value());
  }
  carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(parser.consumed()));
}

void StreamListener::finish() {
  if (!stream_ || finished_) return;
  finished_ = true;
  fw::IsochResource& resource = stream_->resource();
  if (const fw::Status stop = resource.stop(); stop != fw::Status::Success && error_.empty())
    error_ = "listener stop: " + text(stop);
  missed_ = resource.missed_packets();
  // The buffer the stream ended in, not full: its packets up to the first empty slot (unless the
  // driver failed the stream's buffers).
  if (!failed_) take(next_ % kBuffers, false);
  auto pending = resource.pending_descriptors();
  if (!pending.empty()) (void)resource.detach(std::span(pending.data(), pending.size()));
}

}  // namespace ohci::sim
