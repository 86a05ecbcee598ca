#include "cosim_hal.hpp"

#include <sstream>

namespace ohci::sim {

void CosimHal::wait_for_bus() {
  auto& bus = node_.register_bus();
  while (bus.busy()) world_.step();
}

std::uint32_t CosimHal::read32(std::uint32_t offset) {
  auto& bus = node_.register_bus();
  wait_for_bus();
  bus.start_read(offset);
  wait_for_bus();
  const auto& result = bus.result();
  last_access_cycles_ = result.cycles();
  if (result.timed_out) {
    std::ostringstream detail;
    detail << "read 0x" << std::hex << offset;
    world_.log().add(world_.cycle(), node_.name(), EventKind::RegisterTimeout, detail.str());
    return 0xFFFF'FFFFu;  // what a PCI read of a dead device returns
  }
  return result.data;
}

void CosimHal::write32(std::uint32_t offset, std::uint32_t value) {
  auto& bus = node_.register_bus();
  wait_for_bus();
  bus.start_write(offset, value);
  wait_for_bus();
  const auto& result = bus.result();
  last_access_cycles_ = result.cycles();
  if (result.timed_out) {
    std::ostringstream detail;
    detail << "write 0x" << std::hex << offset;
    world_.log().add(world_.cycle(), node_.name(), EventKind::RegisterTimeout, detail.str());
  }
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

}  // namespace ohci::sim
