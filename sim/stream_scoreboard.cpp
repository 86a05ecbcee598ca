#include "stream_scoreboard.hpp"

#include <algorithm>
#include <utility>

namespace ohci::sim {

void StreamScoreboard::on_wire(unsigned number, bool delivered, bool faulted) {
  expected_.push_back(Expected{number, delivered, faulted});
}

std::optional<std::size_t> StreamScoreboard::compare(unsigned number,
                                                     const ReceivedStreamPacket& packet) const {
  const std::uint32_t length = pattern_.length(number);
  const std::size_t common = std::min<std::size_t>(length, packet.payload.size());
  for (std::size_t i = 0; i < common; ++i)
    if (packet.payload[i] != std::byte{pattern_.byte(number, static_cast<std::uint32_t>(i))})
      return i;
  if (packet.data_length != length || packet.payload.size() != length) return common;
  return std::nullopt;
}

void StreamScoreboard::mismatch(unsigned number, const ReceivedStreamPacket& packet,
                                std::size_t offset, std::string what) {
  ++mismatches_;
  if (!first_) first_ = Mismatch{packet.cycle, number, offset, std::move(what)};
}

void StreamScoreboard::on_received(const ReceivedStreamPacket& packet) {
  while (!expected_.empty()) {
    const Expected next = expected_.front();
    expected_.pop_front();
    if (!next.delivered) {
      ++(next.faulted ? faulted_lost_ : lost_);
      continue;
    }
    const auto offset = compare(next.number, packet);
    if (!offset && packet.complete) {
      ++received_;
      bytes_ += packet.data_length;
      return;
    }
    if (next.faulted) {
      // Corrupted on the bus: it arrived marked bad, or the link threw it away and this is a
      // later packet.
      if (packet.data_length == pattern_.length(next.number) && !packet.complete) {
        ++faulted_received_;
        return;
      }
      ++faulted_lost_;
      continue;
    }
    if (!packet.complete) {
      mismatch(next.number, packet, offset.value_or(0), "not ack_complete");
    } else if (packet.data_length != pattern_.length(next.number)) {
      mismatch(next.number, packet, *offset,
               "length " + std::to_string(packet.data_length) + ", expected " +
                   std::to_string(pattern_.length(next.number)));
    } else {
      mismatch(next.number, packet, *offset, "payload differs");
    }
    return;
  }
  mismatch(0, packet, 0, "a packet the talker never sent");
}

void StreamScoreboard::finish(bool stopped_by_fault) {
  for (const Expected& next : expected_) {
    ++(next.faulted || stopped_by_fault ? faulted_lost_ : lost_);
  }
  expected_.clear();
}

}  // namespace ohci::sim
