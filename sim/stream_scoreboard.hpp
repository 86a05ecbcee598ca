// A listener's scoreboard: the talker's packets as the bus carried them (in order, with the
// faults the bus applied) against what the listener's firmware received, byte for byte. A packet
// the bus dropped or corrupted counts as deliberately faulted whether or not it arrives; any
// other packet must arrive byte-exact and in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>

#include "stream_pattern.hpp"

namespace ohci::sim {

struct Mismatch {
  std::uint64_t cycle = 0;  // world cycle the listener saw it in
  unsigned packet = 0;      // the talker's packet number expected
  std::size_t offset = 0;   // first payload byte that differs (the length when it differs)
  std::string what;
};

// One packet a listener received, as its firmware parsed it.
struct ReceivedStreamPacket {
  std::uint32_t data_length = 0;  // as its header says
  std::span<const std::byte> payload;
  bool complete = false;  // ack_complete
  std::uint64_t cycle = 0;
};

class StreamScoreboard {
 public:
  explicit StreamScoreboard(const StreamPattern& pattern) : pattern_(pattern) {}

  // The bus carried talker packet `number`; `delivered`: the listener's PHY repeated it;
  // `faulted`: the bus corrupted or dropped it.
  void on_wire(unsigned number, bool delivered, bool faulted);
  void on_received(const ReceivedStreamPacket& packet);
  // The run is over: delivered clean packets never received are lost. `stopped_by_fault`: the
  // listener's context died of an injected fault (an AXI error), so the packets after the last
  // one it received count as deliberately faulted instead.
  void finish(bool stopped_by_fault = false);

  std::uint64_t received() const { return received_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t mismatches() const { return mismatches_; }
  std::uint64_t lost() const { return lost_; }
  std::uint64_t faulted_received() const { return faulted_received_; }
  std::uint64_t faulted_lost() const { return faulted_lost_; }
  const std::optional<Mismatch>& first_mismatch() const { return first_; }

 private:
  struct Expected {
    unsigned number = 0;
    bool delivered = false;
    bool faulted = false;
  };
  // The first differing payload offset, or nullopt when byte-exact.
  std::optional<std::size_t> compare(unsigned number, const ReceivedStreamPacket& packet) const;
  void mismatch(unsigned number, const ReceivedStreamPacket& packet, std::size_t offset,
                std::string what);

  StreamPattern pattern_;
  std::deque<Expected> expected_;
  std::uint64_t received_ = 0, bytes_ = 0, mismatches_ = 0, lost_ = 0;
  std::uint64_t faulted_received_ = 0, faulted_lost_ = 0;
  std::optional<Mismatch> first_;
};

}  // namespace ohci::sim
