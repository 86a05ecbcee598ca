#include "cosim_hal.hpp"

#include <sstream>

namespace ohci::sim {

void CosimHal::wait_for_bus() {
  auto& bus = node_.register_bus();
  while (bus.busy()) world_.step();
}

AxilResult CosimHal::access(bool write, std::uint32_t offset, std::uint32_t value) {
  auto& bus = node_.register_bus();
  wait_for_bus();
  // From here until the result is copied the CPU is inside this access: no ISR may start and
  // reuse the bus (its own access would overwrite this one's result).
  node_.set_cpu_access(true);
  if (write) {
    bus.start_write(offset, value);
  } else {
    bus.start_read(offset);
  }
  wait_for_bus();
  const AxilResult result = bus.result();
  node_.set_cpu_access(false);
  last_access_cycles_ = result.cycles();
  if (result.timed_out) {
    std::ostringstream detail;
    detail << (write ? "write 0x" : "read 0x") << std::hex << offset;
    world_.log().add(result.done_cycle, node_.name(), EventKind::RegisterTimeout, detail.str());
  }
  // An interrupt that became deliverable during the access is taken now, between accesses.
  node_.service_interrupt(world_.cycle());
  return result;
}

std::uint32_t CosimHal::read32(std::uint32_t offset) {
  const AxilResult result = access(false, offset, 0);
  return result.timed_out ? 0xFFFF'FFFFu : result.data;  // a dead device reads all ones, as on PCI
}

void CosimHal::write32(std::uint32_t offset, std::uint32_t value) {
  access(true, offset, value);
}

std::optional<fw::DmaRegion> CosimHal::dma_alloc(std::size_t bytes, std::size_t alignment) {
  auto bus_address = node_.memory().allocate(bytes, alignment);
  if (!bus_address) return std::nullopt;
  return fw::DmaRegion{node_.memory().cpu_pointer(*bus_address), *bus_address, bytes};
}

void CosimHal::dma_free(const fw::DmaRegion& region) {
  node_.memory().release(region.bus);
}

void CosimHal::attach_interrupt(std::function<void()> isr) {
  node_.attach_interrupt(std::move(isr));
}

void CosimHal::schedule_dpc(std::function<void()> dpc) {
  node_.schedule_dpc(std::move(dpc));
}

void CosimHal::lock_interrupt() {
  node_.lock_interrupt();
}

void CosimHal::unlock_interrupt() {
  node_.unlock_interrupt();
}

}  // namespace ohci::sim
