#include "ohci/linux/uio_hal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "sysfs.hpp"

namespace ohci::fw::uio {
namespace {

std::size_t page_size() {
  return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

std::string hex(std::uint64_t value) {
  std::ostringstream text;
  text << "0x" << std::hex << value;
  return text.str();
}

[[noreturn]] void throw_unusable(const std::string& what) {
  throw std::system_error(std::make_error_code(std::errc::invalid_argument), what);
}

// Opens /dev/<uio> and reads its map 0 from sysfs. The same descriptor maps the registers and
// carries the interrupt, so the interrupt gets a duplicate.
std::pair<RegisterWindowFile, InterruptFile> open_uio(const UioDeviceNames& names) {
  const std::string device = (names.dev_dir / names.uio).string();
  // The device first, so that a board without it is told which device is missing.
  UniqueFd fd = UniqueFd::open(device, O_RDWR);
  const std::filesystem::path map0 =
      names.sysfs_dir / "class" / "uio" / names.uio / "maps" / "map0";
  const std::uint64_t size = read_sysfs_number(map0 / "size");
  // The registers' offset inside the first mapped page. Current kernels refuse to mmap a map
  // whose address is not page aligned, so anything but 0 is a board set-up error.
  const std::uint64_t in_page = read_optional_sysfs_number(map0 / "offset").value_or(0);
  if (in_page != 0) {
    throw_unusable((map0 / "offset").string() + " is " + hex(in_page) +
                   ": give the core's AXI4-Lite window a page-aligned address");
  }
  if (size > std::numeric_limits<std::size_t>::max()) {
    throw_unusable((map0 / "size").string() + " is too large to map");
  }
  InterruptFile interrupt{fd.duplicate(device), device};
  // Map 0: the UIO ABI selects map N with mmap offset N * page size.
  RegisterWindowFile registers{std::move(fd), device, static_cast<std::size_t>(size), 0};
  return {std::move(registers), std::move(interrupt)};
}

DmaBufferFile open_udmabuf(const UioDeviceNames& names) {
  const std::string device = (names.dev_dir / names.udmabuf).string();
  // O_SYNC: u-dma-buf (sync_mode 1, its default) then maps the buffer uncached, so the CPU's
  // stores reach memory without cache maintenance, which user space cannot do on the Zynq-7000.
  UniqueFd fd = UniqueFd::open(device, O_RDWR | O_SYNC);
  const std::filesystem::path attributes = names.sysfs_dir / "class" / "u-dma-buf" / names.udmabuf;
  const std::uint64_t phys_addr = read_sysfs_number(attributes / "phys_addr");
  const std::uint64_t size = read_sysfs_number(attributes / "size");
  if (size > std::numeric_limits<std::size_t>::max()) {
    throw_unusable((attributes / "size").string() + " is too large to map");
  }
  return DmaBufferFile{std::move(fd), device, static_cast<std::size_t>(size), phys_addr};
}

// Writes a whole 32-bit word; false with errno set on failure. send(MSG_NOSIGNAL) first, so a
// socket standing in for the device (the tests) fails with EPIPE instead of raising SIGPIPE when
// its peer is gone; a real UIO device is no socket and gets write(2).
bool write_word(int fd, std::uint32_t value) {
  bool socket = true;
  for (;;) {
    const ssize_t written =
        socket ? ::send(fd, &value, sizeof value, MSG_NOSIGNAL) : ::write(fd, &value, sizeof value);
    if (written == static_cast<ssize_t>(sizeof value)) return true;
    if (written >= 0) {
      errno = EIO;  // a short write of 4 bytes: not a UIO device
      return false;
    }
    if (socket && errno == ENOTSOCK) {
      socket = false;
    } else if (errno != EINTR) {
      return false;
    }
  }
}

// Orders this CPU's earlier stores before its later ones for every observer, the controller's
// DMA master included. The C++ fence orders them for other CPUs (dmb ish on ARM); ARM needs a
// full-system barrier beyond that for a bus master outside the inner-shareable domain, as Linux's
// wmb() (dsb st) before a doorbell write.
void device_store_barrier() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
#if defined(__aarch64__) || defined(__arm__)
  asm volatile("dsb st" ::: "memory");
#endif
}

// After a register read: later loads (descriptor status the controller wrote before raising the
// event just read) must not be satisfied before it, as Linux's readl() (__iormb) ensures.
void device_load_barrier() {
  std::atomic_thread_fence(std::memory_order_acquire);
#if defined(__aarch64__)
  asm volatile("dmb oshld" ::: "memory");
#elif defined(__arm__)
  asm volatile("dmb osh" ::: "memory");
#endif
}

}  // namespace

UioHal::OpenedDevices UioHal::open_devices(const UioDeviceNames& names) {
  auto [registers, interrupt] = open_uio(names);
  return OpenedDevices{std::move(registers), std::move(interrupt), open_udmabuf(names)};
}

UioHal::UioHal(const UioDeviceNames& names) : UioHal(open_devices(names)) {}

UioHal::UioHal(OpenedDevices devices)
    : UioHal(std::move(devices.registers), std::move(devices.interrupt), std::move(devices.dma)) {}

UioHal::UioHal(RegisterWindowFile registers, InterruptFile interrupt, DmaBufferFile dma)
    : register_bytes_(registers.bytes),
      register_name_(registers.name),
      interrupt_fd_(std::move(interrupt.fd)),
      interrupt_name_(std::move(interrupt.name)) {
  if (register_bytes_ < kOhciWindowBytes) {
    throw_unusable(register_name_ + ": register window of " + hex(register_bytes_) +
                   " bytes is smaller than the OHCI window (" + hex(kOhciWindowBytes) + ")");
  }
  register_mapping_ = SharedMapping::map(registers.fd.get(), register_bytes_, registers.mmap_offset,
                                         register_name_);
  registers_ = register_mapping_.data();

  if (dma.bus_address % page_size() != 0) {
    throw_unusable(dma.name + ": DMA buffer at physical " + hex(dma.bus_address) +
                   " is not page aligned");
  }
  // The core's DMA master drives 32 address bits.
  if (dma.bytes == 0 || dma.bus_address + dma.bytes > (std::uint64_t{1} << 32) ||
      dma.bus_address + dma.bytes < dma.bus_address) {
    throw_unusable(dma.name + ": DMA buffer of " + hex(dma.bytes) + " bytes at physical " +
                   hex(dma.bus_address) + " is empty or not below 4 GiB, where the core's " +
                   "32-bit DMA master can reach it");
  }
  dma_mapping_ = SharedMapping::map(dma.fd.get(), dma.bytes, 0, dma.name);
  dma_bus_base_ = static_cast<std::uint32_t>(dma.bus_address);
  dma_arena_.emplace(dma.bus_address, dma.bytes);

  wake_fd_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
  if (!wake_fd_.valid()) {
    throw std::system_error(errno, std::generic_category(), "cannot create the wake eventfd");
  }
  // The DPC thread first: the interrupt thread queues DPCs as soon as it runs an ISR.
  dpc_thread_ = std::jthread([this](std::stop_token stop) { dpc_loop(stop); });
  interrupt_thread_ = std::jthread([this](std::stop_token stop) { interrupt_loop(stop); });
}

// The jthreads stop and join themselves, interrupt thread first (declared last).
UioHal::~UioHal() = default;

std::uint32_t* UioHal::register_at(std::uint32_t offset) const {
  if (offset % 4 != 0) {
    throw std::invalid_argument("register offset " + hex(offset) + " of " + register_name_ +
                                " is not a multiple of 4");
  }
  // Checked against the OHCI window, not the (page-sized) map: the core decodes 11 address bits,
  // so an offset past 0x7FC would alias a real register on the board rather than fail.
  if (offset > kOhciWindowBytes - 4) {
    throw std::out_of_range("register offset " + hex(offset) + " is outside the " +
                            hex(kOhciWindowBytes) + "-byte OHCI register window of " +
                            register_name_);
  }
  return reinterpret_cast<std::uint32_t*>(registers_ + offset);
}

// Volatile, so each call is exactly one access of the device (never merged, split or elided),
// and done through the atomic builtins, so it is one 32-bit access and, for the ISR on its thread
// and the driver on another touching the same register, not a data race.
std::uint32_t UioHal::read32(std::uint32_t offset) {
  volatile std::uint32_t* const address = register_at(offset);
  const std::uint32_t value = __atomic_load_n(address, __ATOMIC_RELAXED);
  device_load_barrier();
  return value;
}

void UioHal::write32(std::uint32_t offset, std::uint32_t value) {
  volatile std::uint32_t* const address = register_at(offset);
  __atomic_store_n(address, value, __ATOMIC_RELAXED);
}

std::optional<DmaRegion> UioHal::dma_alloc(std::size_t bytes, std::size_t alignment) {
  std::optional<std::size_t> offset;
  {
    std::lock_guard lock(dma_mutex_);
    offset = dma_arena_->allocate(bytes, alignment);
  }
  if (!offset) return std::nullopt;
  std::byte* const cpu = dma_mapping_.data() + *offset;
  // Zeroed with aligned 32-bit stores (blocks are quadlet aligned and sized): memset may use
  // unaligned stores or DC ZVA, which fault on an uncached (device-type) ARM mapping.
  volatile std::uint32_t* const words = reinterpret_cast<std::uint32_t*>(cpu);
  for (std::size_t word = 0; word < (bytes + 3) / 4; ++word) words[word] = 0;
  return DmaRegion{cpu, dma_bus_base_ + static_cast<std::uint32_t>(*offset), bytes};
}

void UioHal::dma_free(const DmaRegion& region) {
  const std::size_t offset = region.bus - dma_bus_base_;
  if (region.bus < dma_bus_base_ || offset >= dma_mapping_.size() ||
      region.cpu != dma_mapping_.data() + offset) {
    throw std::invalid_argument("DMA free of a region at bus address " + hex(region.bus) +
                                " that is not inside " + hex(dma_bus_base_) + " + " +
                                hex(dma_mapping_.size()) + " as dma_alloc gave it");
  }
  std::lock_guard lock(dma_mutex_);
  dma_arena_->release(offset, region.size);
}

void UioHal::write_barrier() {
  device_store_barrier();
}

void UioHal::attach_interrupt(std::function<void()> isr) {
  auto next = isr ? std::make_shared<const std::function<void()>>(std::move(isr)) : nullptr;
  RecursiveInterruptLock::Guard lock(interrupt_lock_);
  isr_ = std::move(next);
}

void UioHal::schedule_dpc(std::function<void()> dpc) {
  {
    std::lock_guard lock(dpc_mutex_);
    dpcs_.push_back(std::move(dpc));
  }
  dpc_queued_.notify_one();
}

void UioHal::lock_interrupt() {
  interrupt_lock_.lock();
}

void UioHal::unlock_interrupt() {
  interrupt_lock_.unlock();
}

UioInterruptStatistics UioHal::interrupt_statistics() const {
  UioInterruptStatistics statistics;
  statistics.enables = enables_.load();
  statistics.events = events_.load();
  statistics.last_event_count = last_event_count_.load();
  statistics.isr_runs = isr_runs_.load();
  statistics.dpc_runs = dpc_runs_.load();
  statistics.isr_lock_waits = isr_lock_waits_.load();
  statistics.dpc_lock_waits = dpc_lock_waits_.load();
  return statistics;
}

std::optional<std::string> UioHal::interrupt_failure() const {
  std::lock_guard lock(failure_mutex_);
  return failure_;
}

void UioHal::fail_interrupts(std::string reason) {
  std::lock_guard lock(failure_mutex_);
  failure_ = std::move(reason);
}

void UioHal::interrupt_loop(const std::stop_token& stop) {
  // Runs in the thread asking to stop (the destructor): poll() below returns at once.
  const std::stop_callback wake(stop, [this] {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(wake_fd_.get(), &one, sizeof one);
  });
  while (!stop.stop_requested()) {
    // uio_pdrv_genirq disabled the line in its kernel handler; a 1 written here enables it again.
    // Written before every wait and only after the ISR has acknowledged the events it found, so
    // a line still high fires again at once and one the ISR cleared stays quiet.
    // Counted first, so whoever sees the enable arrive also sees it counted.
    enables_.fetch_add(1);
    if (!write_word(interrupt_fd_.get(), 1)) {
      fail_interrupts("cannot enable the interrupt by writing 1 to " + interrupt_name_ + ": " +
                      std::generic_category().message(errno));
      return;
    }
    pollfd waits[2] = {{interrupt_fd_.get(), POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
    int ready = 0;
    do {
      ready = ::poll(waits, 2, -1);
    } while (ready < 0 && errno == EINTR);  // a signal: wait on, the line is already enabled
    if (ready < 0) {
      fail_interrupts("poll of " + interrupt_name_ +
                      " failed: " + std::generic_category().message(errno));
      return;
    }
    if (waits[1].revents != 0) return;  // asked to stop
    if ((waits[0].revents & POLLIN) == 0) {
      fail_interrupts(interrupt_name_ + " reported an error or hung up (poll revents " +
                      hex(static_cast<std::uint16_t>(waits[0].revents)) + ")");
      return;
    }
    std::uint32_t count = 0;
    const ssize_t got = ::read(interrupt_fd_.get(), &count, sizeof count);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got != static_cast<ssize_t>(sizeof count)) {
      fail_interrupts(got == 0  ? "end of file on " + interrupt_name_
                      : got < 0 ? "read of " + interrupt_name_ +
                                      " failed: " + std::generic_category().message(errno)
                                : "read of " + interrupt_name_ + " returned " +
                                      std::to_string(got) + " bytes, not the 4 of an event count");
      return;
    }
    last_event_count_.store(count);
    events_.fetch_add(1);
    service_interrupt();
  }
}

void UioHal::service_interrupt() {
  RecursiveInterruptLock::Guard lock(interrupt_lock_, &isr_lock_waits_);
  // A copy: the ISR may replace or detach itself, and must still finish.
  const std::shared_ptr<const std::function<void()>> isr = isr_;
  if (!isr) return;
  (*isr)();
  isr_runs_.fetch_add(1);
}

void UioHal::dpc_loop(const std::stop_token& stop) {
  for (;;) {
    std::function<void()> dpc;
    {
      std::unique_lock lock(dpc_mutex_);
      // False when asked to stop: DPCs still queued are dropped.
      if (!dpc_queued_.wait(lock, stop, [this] { return !dpcs_.empty(); })) return;
      dpc = std::move(dpcs_.front());
      dpcs_.pop_front();
    }
    // Holding the interrupt lock: no ISR runs meanwhile, and a thread holding the lock (the
    // driver, or the ISR that queued this DPC) has released it before the DPC starts.
    RecursiveInterruptLock::Guard lock(interrupt_lock_, &dpc_lock_waits_);
    if (dpc) dpc();
    dpc_runs_.fetch_add(1);
  }
}

}  // namespace ohci::fw::uio
