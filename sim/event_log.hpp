// Everything that happened in a co-simulation, each with the clk cycle it happened on.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ohci::sim {

enum class EventKind {
  IrqRaised,   // a node's irq line was first seen high
  IrqDropped,  // and seen low again
  IsrEntered,  // firmware interrupt service routine called
  IsrReturned,
  DpcEntered,  // a deferred procedure call an ISR queued was called
  DpcReturned,
  PacketOnWire,     // a packet's first data chunk was on the PHY-link pins
  DmaWrite,         // the controller wrote host memory (at the last W beat of the burst)
  RegisterTimeout,  // a register access got no response
  Note,             // free text from a test or program
};

const char* to_string(EventKind kind);

struct Event {
  std::uint64_t cycle = 0;
  std::string node;
  EventKind kind = EventKind::Note;
  std::string detail;
};

class EventLog {
 public:
  void add(std::uint64_t cycle, std::string node, EventKind kind, std::string detail = {}) {
    events_.push_back(Event{cycle, std::move(node), kind, std::move(detail)});
  }
  const std::vector<Event>& events() const { return events_; }
  // Cycles of every event of one kind on one node, in order.
  std::vector<std::uint64_t> cycles_of(const std::string& node, EventKind kind) const;
  void clear() { events_.clear(); }
  void print(std::ostream& out) const;

 private:
  std::vector<Event> events_;
};

}  // namespace ohci::sim
