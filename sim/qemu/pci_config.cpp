#include "pci_config.hpp"

namespace ohci::sim::qemu {
namespace {

bool valid(std::uint32_t address, int length) {
  return (length == 1 || length == 2 || length == 4) &&
         address + static_cast<std::uint32_t>(length) <= 256;
}

}  // namespace

PciConfigSpace::PciConfigSpace() {
  reset();
}

void PciConfigSpace::reset() {
  bytes_.fill(0);
  writable_.fill(0);
  const auto put16 = [&](std::size_t at, std::uint16_t v) {
    bytes_[at] = static_cast<std::uint8_t>(v);
    bytes_[at + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  put16(0x00, kVendor);
  put16(0x02, kDevice);
  bytes_[0x08] = 0x01;                                     // revision
  bytes_[0x09] = static_cast<std::uint8_t>(kClass);        // prog-if: OHCI
  bytes_[0x0A] = static_cast<std::uint8_t>(kClass >> 8);   // sub-class: IEEE 1394
  bytes_[0x0B] = static_cast<std::uint8_t>(kClass >> 16);  // base class: serial bus
  bytes_[0x3D] = 1;                                        // INTA#
  // command: I/O (0), memory (1), bus master (2), parity (6), SERR (8), INTx disable (10)
  writable_[0x04] = 0x47;
  writable_[0x05] = 0x05;
  writable_[0x0C] = 0xFF;  // cache line size
  writable_[0x0D] = 0xFF;  // latency timer
  // BAR0: 2 KiB memory BAR, address bits 31:11
  writable_[0x11] = 0xF8;
  writable_[0x12] = 0xFF;
  writable_[0x13] = 0xFF;
  writable_[0x3C] = 0xFF;                                         // interrupt line
  for (std::size_t i = 0x40; i < 0x44; ++i) writable_[i] = 0xFF;  // PCI_HCI_Control
}

std::uint32_t PciConfigSpace::read(std::uint32_t address, int length) const {
  if (!valid(address, length)) return 0;
  std::uint32_t value = 0;
  for (int i = length - 1; i >= 0; --i)
    value = value << 8 | bytes_[address + static_cast<std::uint32_t>(i)];
  return value;
}

void PciConfigSpace::write(std::uint32_t address, std::uint32_t value, int length) {
  if (!valid(address, length)) {
    ++rejected_;
    return;
  }
  for (int i = 0; i < length; ++i) {
    const std::size_t at = address + static_cast<std::uint32_t>(i);
    const auto byte = static_cast<std::uint8_t>(value >> (8 * i));
    bytes_[at] = static_cast<std::uint8_t>((bytes_[at] & ~writable_[at]) | (byte & writable_[at]));
  }
}

std::uint32_t PciConfigSpace::bar0() const {
  return read(0x10, 4) & ~(kBarBytes - 1);
}

bool PciConfigSpace::memory_enabled() const {
  return (read(0x04, 2) & kCommandMemory) != 0;
}

void PciConfigSpace::set_interrupt_status(bool asserted) {
  bytes_[0x06] = static_cast<std::uint8_t>(asserted ? bytes_[0x06] | 0x08 : bytes_[0x06] & ~0x08);
}

}  // namespace ohci::sim::qemu
