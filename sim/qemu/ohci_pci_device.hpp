// OhciPciDevice: one Verilated ohci_core as QEMU's remote PCI OHCI 1394 function. It handles
// the proxy's messages (mpqemu.hpp): SYNC_SYSMEM maps guest RAM for the core's DMA
// (guest_memory.hpp), config reads and writes go to the configuration header (pci_config.hpp),
// BAR0 reads and writes become real AXI4-Lite transactions on the core's register window at
// clk edges (the World steps until each completes: a quadlet costs 3 clk), SET_IRQFD gives the
// eventfds the irq line is delivered through, DEVICE_RESET resets the function.
//
// BAR accesses: the address is absolute (BAR0's guest-physical base + offset); 1 and 2 bytes
// are a quadlet access with byte strobes (a read returns those bytes), 4 bytes a quadlet, 8
// bytes two quadlets (low first). An access outside the 2 KiB window, across a quadlet, to a
// disabled BAR or of another size reads all ones, writes nothing, and is counted.
//
// Interrupts: when irq rises, 1 is written to the irq eventfd; when the resample eventfd fires
// (KVM's end of interrupt) and irq is still high it is written again. Under TCG QEMU 7.2 wires
// neither (reference/linux-qemu-bridge.md 1.6): the guest then runs with `irqpoll`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "guest_memory.hpp"
#include "mpqemu.hpp"
#include "node.hpp"
#include "pci_config.hpp"
#include "world.hpp"

namespace ohci::sim::qemu {

struct DeviceCounters {
  std::uint64_t bar_reads = 0, bar_writes = 0;
  std::uint64_t config_reads = 0, config_writes = 0;
  std::uint64_t outside_window = 0;  // rejected BAR accesses
  std::uint64_t register_timeouts = 0;
  std::uint64_t sysmem_updates = 0;
  std::uint64_t irq_raises = 0;
  std::uint64_t device_resets = 0;
};

class OhciPciDevice {
 public:
  OhciPciDevice(World& world, Node& node, GuestMemory& memory);

  // Handles one validated message; returns the RET value to send, or nullopt for none.
  std::optional<std::uint64_t> handle(Message message);
  // To be called after every batch of clk cycles: follows the irq line.
  void service_irq();

  // A register access at the window's `offset` (quadlet aligned), as the platform's firmware
  // would make it (e.g. writing the GUID before the guest boots).
  std::uint32_t read_register(std::uint32_t offset);
  void write_register(std::uint32_t offset, std::uint32_t value, std::uint8_t strobe = 0xF);

  const DeviceCounters& counters() const { return counters_; }
  const PciConfigSpace& config() const { return config_; }
  bool irq() const;
  // Cycle of the first BAR access, or nullopt.
  std::optional<std::uint64_t> first_bar_access_cycle() const { return first_bar_cycle_; }

 private:
  std::uint64_t bar_read(const BarAccess& access);
  void bar_write(const BarAccess& access);
  std::optional<std::uint32_t> window_offset(const BarAccess& access);
  void irq_notify();

  World& world_;
  Node& node_;
  GuestMemory& memory_;
  PciConfigSpace config_;
  UniqueFd irq_fd_;
  UniqueFd resample_fd_;
  bool irq_level_ = false;
  DeviceCounters counters_;
  std::optional<std::uint64_t> first_bar_cycle_;
};

}  // namespace ohci::sim::qemu
