#include "ohci_pci_device.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "Vohci_core.h"
#include "ohci/regmap.hpp"

namespace ohci::sim::qemu {
namespace {

constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};
// A register access that has not completed after this many clk is given up (the core answers
// within 3; the AxilMaster's own timeout comes first).
constexpr std::uint64_t kAccessBudget = 1024;
// Reads of HCControl a DEVICE_RESET waits for softReset to clear (it takes a few clk).
constexpr int kResetPolls = 100;

}  // namespace

OhciPciDevice::OhciPciDevice(World& world, Node& node, GuestMemory& memory)
    : world_(world), node_(node), memory_(memory) {}

bool OhciPciDevice::irq() const {
  return node_.core().irq != 0;
}

std::uint32_t OhciPciDevice::read_register(std::uint32_t offset) {
  auto& bus = node_.register_bus();
  world_.run_until([&] { return !bus.busy(); }, kAccessBudget);
  bus.start_read(offset);
  world_.run_until([&] { return !bus.busy(); }, kAccessBudget);
  if (bus.result().timed_out || bus.busy()) {
    ++counters_.register_timeouts;
    return 0xFFFF'FFFFu;
  }
  return bus.result().data;
}

void OhciPciDevice::write_register(std::uint32_t offset, std::uint32_t value, std::uint8_t strobe) {
  auto& bus = node_.register_bus();
  world_.run_until([&] { return !bus.busy(); }, kAccessBudget);
  bus.start_write(offset, value, strobe);
  world_.run_until([&] { return !bus.busy(); }, kAccessBudget);
  if (bus.result().timed_out || bus.busy()) ++counters_.register_timeouts;
}

std::optional<std::uint32_t> OhciPciDevice::window_offset(const BarAccess& access) {
  if (!first_bar_cycle_) first_bar_cycle_ = world_.cycle();
  const std::uint64_t base = config_.bar0();
  const bool sized = access.size == 1 || access.size == 2 || access.size == 4 || access.size == 8;
  if (!access.memory || !config_.memory_enabled() || base == 0 || !sized || access.address < base ||
      access.address - base + access.size > PciConfigSpace::kBarBytes) {
    ++counters_.outside_window;
    return std::nullopt;
  }
  const auto offset = static_cast<std::uint32_t>(access.address - base);
  // within one quadlet, or two whole quadlets
  if (access.size == 8 ? (offset & 3u) != 0 : (offset & 3u) + access.size > 4) {
    ++counters_.outside_window;
    return std::nullopt;
  }
  return offset;
}

std::uint64_t OhciPciDevice::bar_read(const BarAccess& access) {
  ++counters_.bar_reads;
  const auto offset = window_offset(access);
  if (!offset) return kAllOnes;
  if (access.size == 8)
    return std::uint64_t{read_register(*offset + 4)} << 32 | read_register(*offset);
  const std::uint32_t quadlet = read_register(*offset & ~3u);
  const unsigned shift = 8 * (*offset & 3u);
  const std::uint64_t mask = access.size == 4 ? 0xFFFF'FFFFu : (1u << (8 * access.size)) - 1u;
  return (quadlet >> shift) & mask;
}

void OhciPciDevice::bar_write(const BarAccess& access) {
  ++counters_.bar_writes;
  const auto offset = window_offset(access);
  if (!offset) return;
  if (access.size == 8) {
    write_register(*offset, static_cast<std::uint32_t>(access.value));
    write_register(*offset + 4, static_cast<std::uint32_t>(access.value >> 32));
    return;
  }
  const unsigned lane = *offset & 3u;
  const auto strobe = static_cast<std::uint8_t>(((1u << access.size) - 1u) << lane);
  write_register(*offset & ~3u, static_cast<std::uint32_t>(access.value << (8 * lane)), strobe);
}

std::optional<std::uint64_t> OhciPciDevice::handle(Message message) {
  switch (message.command) {
    case Command::SyncSysmem: {
      const std::vector<SysmemRegion> regions = decode_sysmem(message);  // before the fds move
      memory_.replace(regions, std::move(message.fds));
      ++counters_.sysmem_updates;
      return std::nullopt;
    }
    case Command::PciConfigRead: {
      const ConfigAccess access = decode_config(message);
      ++counters_.config_reads;
      config_.set_interrupt_status(irq());
      return config_.read(access.address, access.length);
    }
    case Command::PciConfigWrite: {
      const ConfigAccess access = decode_config(message);
      ++counters_.config_writes;
      config_.write(access.address, access.value, access.length);
      return 0;
    }
    case Command::BarRead:
      return bar_read(decode_bar(message));
    case Command::BarWrite:
      bar_write(decode_bar(message));
      return 0;
    case Command::SetIrqfd:
      irq_fd_ = std::move(message.fds[0]);
      resample_fd_ = std::move(message.fds[1]);
      // (polled after every batch of clk cycles: it must not block)
      ::fcntl(resample_fd_.get(), F_SETFL, ::fcntl(resample_fd_.get(), F_GETFL) | O_NONBLOCK);
      if (irq_level_) irq_notify();
      return std::nullopt;
    case Command::DeviceReset:
      // The function's reset: its configuration header to power-on, and the controller soft
      // reset (as a host reset line would; the GUID the platform wrote stays, decision 37).
      ++counters_.device_resets;
      config_.reset();
      write_register(regs::kHcControlSet, regs::hc_control::kSoftReset.mask());
      for (int reads = 0; reads < kResetPolls; ++reads)
        if ((read_register(regs::kHcControlSet) & regs::hc_control::kSoftReset.mask()) == 0) break;
      return 0;
    case Command::Ret:
      break;
  }
  throw ProtocolError("unexpected command");
}

void OhciPciDevice::irq_notify() {
  if (!irq_fd_) return;
  const std::uint64_t one = 1;
  // (an eventfd write fails only when its counter would overflow: then it is signalled anyway)
  [[maybe_unused]] const ssize_t written = ::write(irq_fd_.get(), &one, sizeof one);
}

void OhciPciDevice::service_irq() {
  const bool level = irq();
  if (level && !irq_level_) {
    ++counters_.irq_raises;
    irq_notify();
  }
  irq_level_ = level;
  if (resample_fd_ && level) {
    std::uint64_t count;
    if (::read(resample_fd_.get(), &count, sizeof count) == sizeof count) irq_notify();
  }
}

}  // namespace ohci::sim::qemu
