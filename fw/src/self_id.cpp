#include "ohci/self_id.hpp"

#include "ohci/regmap.hpp"

namespace ohci::fw {
namespace {

constexpr std::uint32_t kSelfIdTag = 0x2u;  // bits 31:30 of every self-ID packet

std::uint32_t bits(std::uint32_t quadlet, unsigned lsb, unsigned width) {
  return (quadlet >> lsb) & ((1u << width) - 1u);
}

}  // namespace

std::uint32_t SelfIds::gap_count() const {
  if (nodes.empty()) return 0;
  const std::uint32_t gap = nodes.front().gap_count;
  for (const SelfId& node : nodes)
    if (node.gap_count != gap) return 0;
  return gap;
}

Result<SelfIds> parse_self_ids(std::span<const std::uint32_t> buffer, std::uint32_t self_id_count) {
  namespace field = regs::self_id_count;
  if (field::kSelfIdError.get(self_id_count) != 0) return Status::DeviceError;
  const std::uint32_t size = field::kSelfIdSize.get(self_id_count);
  if (size > buffer.size()) return Status::BufferTooSmall;
  if (size < 3 || size % 2 == 0) return Status::DeviceError;  // header + pairs, at least one
  SelfIds ids;
  ids.generation = bits(buffer[0], 16, 8);
  ids.time_stamp = bits(buffer[0], 0, 16);
  if (ids.generation != field::kSelfIdGeneration.get(self_id_count)) return Status::DeviceError;
  std::uint32_t next_extended = 0;  // the n of the extended packet that may follow
  bool more = false;
  for (std::uint32_t i = 1; i + 1 < size; i += 2) {
    const std::uint32_t q = buffer[i];
    if (buffer[i + 1] != ~q || bits(q, 30, 2) != kSelfIdTag) return Status::DeviceError;
    const std::uint32_t phy_id = bits(q, 24, 6);
    const bool extended = bits(q, 23, 1) != 0;
    if (!extended) {
      if (more || phy_id != ids.node_count()) return Status::DeviceError;
      SelfId node;
      node.quadlet = q;
      node.phy_id = phy_id;
      node.link_active = bits(q, 22, 1) != 0;
      node.gap_count = bits(q, 16, 6);
      node.speed = bits(q, 14, 2);
      node.contender = bits(q, 11, 1) != 0;
      node.power_class = bits(q, 8, 3);
      node.initiated_reset = bits(q, 1, 1) != 0;
      for (unsigned p = 0; p < 3; ++p)
        node.ports.push_back(static_cast<std::uint8_t>(bits(q, 6 - 2 * p, 2)));
      ids.nodes.push_back(std::move(node));
      next_extended = 0;
    } else {
      if (!more || ids.nodes.empty() || phy_id != ids.nodes.back().phy_id ||
          bits(q, 20, 3) != next_extended)
        return Status::DeviceError;
      for (unsigned p = 0; p < 8; ++p)
        ids.nodes.back().ports.push_back(static_cast<std::uint8_t>(bits(q, 16 - 2 * p, 2)));
      ++next_extended;
    }
    more = bits(q, 0, 1) != 0;
  }
  if (more || ids.nodes.empty()) return Status::DeviceError;
  return ids;
}

Result<SelfIdReceiver> SelfIdReceiver::enable(Hal& hal) {
  auto buffer = DmaBuffer::allocate(hal, kBufferBytes, kBufferBytes);
  if (!buffer.ok()) return buffer.status();
  hal.write32(regs::kSelfIdBuffer, buffer.value().bus_address());
  hal.write32(regs::kLinkControlSet, regs::link_control::kRcvSelfId.mask());
  return SelfIdReceiver(hal, std::move(buffer.value()));
}

SelfIdReceiver::~SelfIdReceiver() {
  // (moved-from: no buffer, nothing to stop)
  if (hal_ != nullptr && !buffer_.empty())
    hal_->write32(regs::kLinkControlClear, regs::link_control::kRcvSelfId.mask());
}

Result<SelfIds> SelfIdReceiver::read() {
  const std::uint32_t count = hal_->read32(regs::kSelfIdCount);
  std::vector<std::uint32_t> words(kBufferBytes / 4);
  const std::uint32_t size = regs::self_id_count::kSelfIdSize.get(count);
  for (std::uint32_t i = 0; i < size && i < words.size(); ++i)
    words[i] = buffer_.read_quadlet(4 * i).value();
  auto ids = parse_self_ids(words, count);
  if (ids.ok()) {
    last_ = ids.value();
    has_last_ = true;
  }
  return ids;
}

}  // namespace ohci::fw
