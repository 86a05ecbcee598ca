// ItContext: run, append to, wake and stop one isochronous-transmit DMA context
// (reference/ohci-isoch.md 3.1, 3.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "ohci/context_status.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/hal.hpp"
#include "ohci/it_block.hpp"
#include "ohci/it_descriptor.hpp"
#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// A handle on IT context `index`: cheap to copy, owns nothing. The Hal must outlive it.
class ItContext {
 public:
  // InvalidParameter unless index < kContextsMax and bit `index` of `available` is set (pass
  // ContextSupport::it_mask from Controller::discover_contexts).
  static Result<ItContext> open(Hal& hal, std::uint32_t index,
                                std::uint32_t available = 0xFFFFFFFF);

  std::uint32_t index() const { return index_; }

  // Starts the program at `first` (Z 1..8), in the cycle `cycle_match` (cycleSeconds[1:0] :
  // cycleCount, 15 bits) when given. Writes CommandPtr, ContextControlClear all ones,
  // ContextControlSet run (| cycleMatchEnable | cycleMatch), then reads Version so the writes
  // have reached the controller before this returns (as Linux does). InvalidDeviceState unless
  // the context is stopped (run = 0, active = 0); InvalidParameter for a bad block or cycle.
  Status start(BlockRef first, std::optional<std::uint32_t> cycle_match = std::nullopt);
  Status start(const ItBlock& first, std::optional<std::uint32_t> cycle_match = std::nullopt) {
    return start(first.ref, cycle_match);
  }

  // Safe append: the new block `next` is already in memory. Write barrier, patch the branch word
  // at `branch_offset` in `buffer` to next.address | next.Z, write barrier, then set wake. The
  // wake must follow the patch: a controller that already read Z = 0 went idle and re-reads the
  // branch only when woken after it. Everything is checked before anything is written.
  Status append(DmaBuffer& buffer, std::size_t branch_offset, BlockRef next);
  Status append(DmaBuffer& buffer, const ItBlock& previous, BlockRef next) {
    return append(buffer, previous.branch_offset, next);
  }

  // ContextControlSet wake: re-read the branch word of the block the context is idle on.
  void wake();

  // ContextControlClear run, then poll until active reads 0; Timeout after `poll_limit` reads.
  Status stop(std::uint32_t poll_limit = kDefaultPollLimit);

  ContextStatus status();
  std::uint32_t command_ptr();

  // The context's bit in IsoXmitIntMask and IsoXmitIntEvent.
  void enable_interrupt();
  void disable_interrupt();
  void clear_interrupt_event();

 private:
  ItContext(Hal& hal, std::uint32_t index) : hal_(&hal), index_(index) {}
  std::uint32_t offset(regs::ItContextReg reg) const { return regs::it_context(index_, reg); }
  std::uint32_t bit() const { return 1u << index_; }

  Hal* hal_;
  std::uint32_t index_;
};

}  // namespace ohci::fw
