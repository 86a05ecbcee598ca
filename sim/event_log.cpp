#include "event_log.hpp"

namespace ohci::sim {

const char* to_string(EventKind kind) {
  switch (kind) {
    case EventKind::IrqRaised:
      return "irq raised";
    case EventKind::IrqDropped:
      return "irq dropped";
    case EventKind::IsrEntered:
      return "ISR entered";
    case EventKind::IsrReturned:
      return "ISR returned";
    case EventKind::DpcEntered:
      return "DPC entered";
    case EventKind::DpcReturned:
      return "DPC returned";
    case EventKind::PacketOnWire:
      return "packet on wire";
    case EventKind::DmaWrite:
      return "DMA write";
    case EventKind::RegisterTimeout:
      return "register timeout";
    case EventKind::Note:
      return "note";
  }
  return "?";
}

std::vector<std::uint64_t> EventLog::cycles_of(const std::string& node, EventKind kind) const {
  std::vector<std::uint64_t> cycles;
  for (const Event& event : events_) {
    if (event.node == node && event.kind == kind) cycles.push_back(event.cycle);
  }
  return cycles;
}

void EventLog::print(std::ostream& out) const {
  for (const Event& event : events_) {
    out << "cycle " << event.cycle << "  " << event.node << "  " << to_string(event.kind);
    if (!event.detail.empty()) out << "  " << event.detail;
    out << '\n';
  }
}

}  // namespace ohci::sim
