#include "ohci/spi/spi_hal.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace ohci::fw::spi {

namespace {

// Sets a flag for a scope, and clears it however the scope ends (an ISR that throws).
class FlagScope {
 public:
  explicit FlagScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  bool& flag_;
};

constexpr std::size_t kQuadlet = 4;

std::size_t round_up(std::size_t value, std::size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace

SpiHal::SpiHal(SpiLink& link, InterruptSource& interrupt, const SpiHalConfig& config)
    : link_(link), interrupt_(interrupt), memory_base_(config.memory_base) {
  std::size_t bytes = config.memory_bytes;
  if (bytes == 0) {
    const BoardInfo info = link_.board_info();
    memory_base_ = info.memory_base;
    bytes = info.memory_bytes();
  }
  if (bytes < 16 || !std::has_single_bit(bytes))
    throw std::invalid_argument("SpiHal: host memory size is not a power of two >= 16");
  if (memory_base_ % bytes != 0)
    throw std::invalid_argument("SpiHal: host memory base not aligned to its size");
  shadow_.assign(bytes, std::byte{0});
  mirror_.assign(bytes, 0);
}

std::uint32_t SpiHal::read32(std::uint32_t offset) {
  std::uint32_t value = 0xFFFF'FFFFu;
  try {
    value = link_.read32(offset);
  } catch (const SpiLinkError& error) {
    if (error.status().valid) throw;  // the board answered: a real error, not a missing board
  }
  service_interrupts();
  return value;
}

void SpiHal::write32(std::uint32_t offset, std::uint32_t value) {
  sync_to_device();
  link_.write32(offset, value);
  service_interrupts();
}

std::optional<DmaRegion> SpiHal::dma_alloc(std::size_t bytes, std::size_t alignment) {
  if (bytes == 0 || !std::has_single_bit(alignment))
    throw std::invalid_argument("SpiHal::dma_alloc: bytes 0 or alignment not a power of two");
  // The memory base is aligned to the memory's size, so an offset aligned to `alignment` is a
  // bus address aligned to it.
  alignment = std::max(alignment, kQuadlet);
  const std::size_t reserved = round_up(bytes, kQuadlet);
  std::size_t candidate = 0;
  for (const auto& [offset, size] : regions_) {
    if (round_up(candidate, alignment) + reserved <= offset) break;
    candidate = offset + size;
  }
  candidate = round_up(candidate, alignment);
  if (candidate + reserved > shadow_.size() || alignment > shadow_.size()) return std::nullopt;
  regions_.emplace(candidate, reserved);
  std::fill_n(shadow_.begin() + static_cast<std::ptrdiff_t>(candidate), reserved, std::byte{0});
  std::fill_n(mirror_.begin() + static_cast<std::ptrdiff_t>(candidate), reserved, 0);
  const std::vector<std::uint8_t> zeros(reserved, 0);
  link_.write_memory(memory_base_ + static_cast<std::uint32_t>(candidate), zeros);
  return DmaRegion{shadow_.data() + candidate, memory_base_ + static_cast<std::uint32_t>(candidate),
                   bytes};
}

void SpiHal::dma_free(const DmaRegion& region) {
  const auto offset = static_cast<std::size_t>(region.cpu - shadow_.data());
  const auto found = regions_.find(offset);
  if (region.cpu < shadow_.data() || found == regions_.end() || region.bus != memory_base_ + offset)
    throw std::invalid_argument("SpiHal::dma_free: not a region of this SpiHal");
  regions_.erase(found);
}

void SpiHal::sync_to_device() {
  bool wrote = false;
  for (const auto& [offset, size] : regions_) {
    const std::uint8_t* shadow = shadow_at(offset);
    std::uint8_t* mirror = mirror_.data() + offset;
    std::size_t i = 0;
    while (i < size) {
      if (shadow[i] == mirror[i]) {
        ++i;
        continue;
      }
      std::size_t end = i + 1;
      while (end < size && shadow[end] != mirror[end]) ++end;
      link_.write_memory(memory_base_ + static_cast<std::uint32_t>(offset + i),
                         std::span<const std::uint8_t>(shadow + i, end - i));
      std::copy(shadow + i, shadow + end, mirror + i);
      statistics_.written_back_bytes += end - i;
      ++statistics_.write_back_frames;
      wrote = true;
      i = end;
    }
  }
  if (wrote) ++statistics_.write_backs;
}

void SpiHal::sync_from_device() {
  std::vector<std::uint8_t> board;
  for (const auto& [offset, size] : regions_) {
    board.resize(size);
    link_.read_memory(memory_base_ + static_cast<std::uint32_t>(offset), board);
    std::uint8_t* shadow = shadow_at(offset);
    std::uint8_t* mirror = mirror_.data() + offset;
    for (std::size_t i = 0; i < size; ++i) {
      if (shadow[i] == mirror[i]) shadow[i] = board[i];  // not changed by the CPU: take the board's
      mirror[i] = board[i];
    }
    statistics_.refreshed_bytes += size;
  }
  ++statistics_.refreshes;
}

void SpiHal::attach_interrupt(std::function<void()> isr) {
  isr_ = isr ? std::make_shared<const std::function<void()>>(std::move(isr)) : nullptr;
}

void SpiHal::schedule_dpc(std::function<void()> dpc) {
  dpcs_.push_back(std::move(dpc));
}

void SpiHal::unlock_interrupt() {
  if (lock_depth_ == 0) throw std::logic_error("SpiHal::unlock_interrupt: lock not held");
  if (--lock_depth_ == 0) service_interrupts();
}

void SpiHal::service_interrupts() {
  if (in_isr_ || lock_depth_ > 0) return;
  if (isr_ && interrupt_.asserted()) run_isr();
  if (!in_dpc_) run_dpcs();
}

void SpiHal::run_isr() {
  // A copy: the ISR may replace itself (attach_interrupt) while it runs.
  const std::shared_ptr<const std::function<void()>> isr = isr_;
  FlagScope scope(in_isr_);
  sync_from_device();
  ++statistics_.isr_runs;
  (*isr)();
}

void SpiHal::run_dpcs() {
  while (!dpcs_.empty() && lock_depth_ == 0 && !in_isr_) {
    std::function<void()> dpc = std::move(dpcs_.front());
    dpcs_.pop_front();
    FlagScope scope(in_dpc_);
    sync_from_device();
    ++statistics_.dpc_runs;
    dpc();
  }
}

bool SpiHal::wait_and_service(std::chrono::microseconds timeout) {
  const std::uint64_t before = statistics_.isr_runs;
  if (interrupt_.wait(timeout) || !dpcs_.empty()) service_interrupts();
  return statistics_.isr_runs != before;
}

}  // namespace ohci::fw::spi
