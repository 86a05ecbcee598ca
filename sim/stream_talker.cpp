#include "stream_talker.hpp"

#include <array>
#include <span>

namespace ohci::sim {
namespace {

std::string text(fw::Status status) {
  return std::string(fw::to_string(status));
}

fw::IsochSpeed isoch_speed(unsigned speed_code) {
  return speed_code == 0   ? fw::IsochSpeed::kS100
         : speed_code == 1 ? fw::IsochSpeed::kS200
                           : fw::IsochSpeed::kS400;
}

}  // namespace

StreamTalker::StreamTalker(StreamNode& node, const StreamPattern& pattern, unsigned channel,
                           unsigned speed_code, unsigned batch, unsigned packets)
    : node_(node),
      pattern_(pattern),
      channel_(channel),
      speed_code_(speed_code),
      batch_(batch),
      packets_(packets),
      batches_((packets + batch - 1) / batch),
      slots_((kBatchesInFlight + 1) * batch),
      descriptors_(slots_) {}

StreamTalker::~StreamTalker() {
  if (!stream_ || stream_->closed()) return;
  auto pending = stream_->resource().pending_descriptors();
  if (!pending.empty()) (void)stream_->resource().detach(std::span(pending.data(), pending.size()));
}

std::size_t StreamTalker::memory_needed(unsigned batch, std::uint32_t max_payload) {
  const std::size_t buffers = (kBatchesInFlight + 1) * std::size_t{batch};
  return buffers * max_payload + buffers * 64 * 2;
}

std::string StreamTalker::start() {
  auto payload =
      fw::DmaBuffer::allocate(node_.hal, std::size_t{slots_} * pattern_.max_length(), 16);
  if (!payload.ok()) return "talker payload: " + text(payload.status());
  payload_ = std::move(payload.value());
  fw::StreamConfig config;
  config.resource.speed = isoch_speed(speed_code_);
  config.resource.flags = fw::kResourceUsedInTalking;
  config.resource.max_bytes_per_frame = pattern_.max_length();
  config.resource.number_of_buffers = kBatchesInFlight * batch_ + 1;
  config.resource.max_buffer_size = pattern_.max_length();
  config.channel = channel_;
  auto stream = fw::IsochStream::open(node_.isoch, config);
  if (!stream.ok()) return "talker stream open: " + text(stream.status());
  stream_ = std::move(stream.value());
  for (unsigned b = 0; b < kBatchesInFlight && error_.empty(); ++b) attach_batch();
  if (!error_.empty()) return error_;
  if (const fw::Status talk = stream_->resource().talk(); talk != fw::Status::Success)
    return "talk: " + text(talk);
  return {};
}

std::uint32_t StreamTalker::run_outs() const {
  return stream_ && !stream_->closed() ? stream_->resource().run_outs() : 0;
}

void StreamTalker::attach_batch() {
  if (batches_attached_ == batches_) return;
  const unsigned index = batches_attached_;
  const unsigned first = index * batch_;
  const unsigned count = std::min(batch_, packets_ - first);
  std::vector<fw::IsochDescriptor*> list(count);
  const auto bytes = payload_.bytes();
  for (unsigned k = 0; k < count; ++k) {
    const unsigned n = first + k;
    const unsigned slot = n % slots_;
    const std::size_t offset = std::size_t{slot} * pattern_.max_length();
    const std::uint32_t length = pattern_.length(n);
    for (std::uint32_t i = 0; i < length; ++i) bytes[offset + i] = std::byte{pattern_.byte(n, i)};
    fw::IsochDescriptor& descriptor = descriptors_[slot];
    descriptor = fw::IsochDescriptor{};
    descriptor.buffer = &payload_;
    descriptor.offset = offset;
    descriptor.length = length;
    descriptor.tag = tag_;
    if (k + 1 == count) {
      descriptor.callback = &StreamTalker::batch_done;
      descriptor.context1 = this;
      descriptor.context2 = reinterpret_cast<void*>(static_cast<std::uintptr_t>(index));
    }
    list[k] = &descriptor;
  }
  const fw::Status status = stream_->resource().attach(std::span(list.data(), list.size()));
  if (status != fw::Status::Success) {
    if (error_.empty())
      error_ = "talker attach of packets " + std::to_string(first) + ".." + ": " + text(status);
    return;
  }
  ++batches_attached_;
}

void StreamTalker::batch_done(void* context1, void* context2) {
  static_cast<StreamTalker*>(context1)->on_batch_done(
      static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(context2)));
}

void StreamTalker::on_batch_done(unsigned batch_index) {
  ++batches_done_;
  const unsigned first = batch_index * batch_;
  const unsigned count = std::min(batch_, packets_ - first);
  std::vector<fw::IsochDescriptor*> list(count);
  for (unsigned k = 0; k < count; ++k) list[k] = &descriptors_[(first + k) % slots_];
  // Read the statuses before detaching: a failed buffer (a dead context) stops the talker.
  for (unsigned k = 0; k < count && error_.empty(); ++k)
    if (list[k]->status != fw::Status::Success)
      error_ = "talker packet " + std::to_string(first + k) + ": " + text(list[k]->status);
  const fw::Status status = stream_->resource().detach(std::span(list.data(), list.size()));
  if (status != fw::Status::Success && error_.empty())
    error_ = "talker detach of packets " + std::to_string(first) + "..: " + text(status);
  if (error_.empty()) attach_batch();
}

}  // namespace ohci::sim
