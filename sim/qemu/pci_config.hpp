// PciConfigSpace: the 256-byte type 0 configuration header of the PCI OHCI 1394 function that
// ohci-qemu presents (class 0x0C0010: serial bus, IEEE 1394, OHCI). QEMU's proxy forwards every
// guest config read here and every write too (reference/linux-qemu-bridge.md 1.4), so the
// write masks, BAR sizing included, are this class's job:
//   0x00 vendor 0x1234 / device 0x1394 (read-only; 0x1234 is the placeholder vendor QEMU's own
//        emulated devices use, so no vendor quirk of firewire-ohci matches; the driver binds by
//        class), 0x04 command (I/O, memory, bus master, parity, SERR, INTx disable writable),
//        0x06 status (interrupt status bit 3 = the controller's irq), 0x08 revision 1,
//        prog-if 0x10, class 0x0C00; 0x0C cache line size and 0x0D latency timer writable;
//   0x10 BAR0: 2 KiB, 32-bit, non-prefetchable memory: bits 31:11 writable, so an all-ones
//        write reads back 0xFFFFF800; the other BARs, the CardBus CIS pointer and the
//        expansion ROM read 0 and ignore writes; 0x2C subsystem vendor/device as 0x00;
//   0x3C interrupt line writable, 0x3D interrupt pin 1 (INTA#); no capabilities;
//   0x40 PCI_HCI_Control (the OHCI PCI register Linux writes 0): 32 bits of storage.
// Accesses of 1, 2 or 4 bytes at any offset inside the header; anything else reads 0 and
// writes nothing (a rejected access is counted).
#pragma once

#include <array>
#include <cstdint>

namespace ohci::sim::qemu {

class PciConfigSpace {
 public:
  static constexpr std::uint16_t kVendor = 0x1234;
  static constexpr std::uint16_t kDevice = 0x1394;
  static constexpr std::uint32_t kClass = 0x0C0010;
  static constexpr std::uint32_t kBarBytes = 0x800;
  static constexpr std::uint16_t kCommandMemory = 0x0002;

  PciConfigSpace();
  // Power-on state (DEVICE_RESET).
  void reset();

  std::uint32_t read(std::uint32_t address, int length) const;
  void write(std::uint32_t address, std::uint32_t value, int length);

  // BAR0's base address, and whether memory decoding is on (command bit 1).
  std::uint32_t bar0() const;
  bool memory_enabled() const;
  void set_interrupt_status(bool asserted);
  std::uint64_t rejected() const { return rejected_; }

 private:
  std::array<std::uint8_t, 256> bytes_{};
  std::array<std::uint8_t, 256> writable_{};  // per byte: the bits a write may change
  std::uint64_t rejected_ = 0;
};

}  // namespace ohci::sim::qemu
