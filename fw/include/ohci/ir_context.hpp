// IrContext: run, append to, wake and stop one isochronous-receive DMA context, and its receive
// filter (reference/ohci-isoch.md 1.4, 3.1, 3.3; docs/decisions.md 19-26).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "ohci/context_status.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/hal.hpp"
#include "ohci/ir_block.hpp"
#include "ohci/it_descriptor.hpp"
#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// Accept packets of every tag (ContextMatch tag3..tag0 all set; Linux: MATCH_ALL_TAGS).
inline constexpr std::uint32_t kAllTags = 0xF;

// IR ContextControl decoded: the shared run/active state plus the IR mode bits.
struct IrContextStatus : ContextStatus {
  bool buffer_fill = false;
  bool isoch_header = false;
  // Still waiting for ContextMatch.cycleMatch: the controller clears it when that cycle begins.
  bool cycle_match_enable = false;
  bool multi_channel = false;
};

IrContextStatus decode_ir_context_control(std::uint32_t value);

// ContextMatch, the receive filter.
struct IrContextMatch {
  // Bit t accepts packets with tag t (bit 3 = tag 11b ... bit 0 = tag 00b).
  std::uint32_t tags = kAllTags;
  // cycleSeconds[1:0] : cycleCount; used only with ContextControl.cycleMatchEnable.
  std::uint32_t cycle_match = 0;
  // The sy a block whose first descriptor has w = wait waits for.
  std::uint32_t sync = 0;
  // With tag 01b accepted: accept tag-01b packets only when sy[3:2] = 00b.
  bool tag1_sync_filter = false;
  // The channel received (ignored in multi-channel mode, where IRMultiChanMask decides).
  std::uint32_t channel = 0;

  friend constexpr bool operator==(const IrContextMatch&, const IrContextMatch&) = default;
};

// The ContextMatch word; InvalidParameter when tags or sync exceed 0xF, cycle_match 0x7FFF or
// channel 63.
Result<std::uint32_t> encode_context_match(const IrContextMatch& match);
IrContextMatch decode_context_match(std::uint32_t value);

struct IrStartOptions {
  // Buffer-fill mode: the program is a chain of buffer-fill descriptors (the first block has
  // Z = 1). Otherwise packet-per-buffer.
  bool buffer_fill = false;
  // Store each packet's header and trailer (time stamp, status) with its payload. Linux always
  // receives this way; without it nothing tells where a buffer-fill packet ends.
  bool isoch_header = true;
  // Receive the channels set in IRMultiChanMask (Controller::set_ir_channel_mask) instead of
  // `channel`. Needs buffer_fill; the controller honours it only in the lowest-numbered context
  // that sets it.
  bool multi_channel = false;
  std::uint32_t channel = 0;  // 0..63
  std::uint32_t tags = kAllTags;
  std::uint32_t sync = 0;  // 0..15
  bool tag1_sync_filter = false;
  // Store nothing before the cycle cycleSeconds[1:0] : cycleCount (15 bits, count below 8000)
  // begins; absent: from now on.
  std::optional<std::uint32_t> cycle_match;
};

// A handle on IR context `index`: cheap to copy, owns nothing. The Hal must outlive it.
class IrContext {
 public:
  // InvalidParameter unless index < kContextsMax and bit `index` of `available` is set (pass
  // ContextSupport::ir_mask from Controller::discover_contexts).
  static Result<IrContext> open(Hal& hal, std::uint32_t index,
                                std::uint32_t available = 0xFFFFFFFF);

  std::uint32_t index() const { return index_; }

  // Starts the program at `first`, as Linux's context_run does: CommandPtr = first | Z,
  // ContextControlClear all ones (mode bits may change only while stopped), ContextMatch,
  // ContextControlSet run | mode bits (| cycleMatchEnable), then a read of Version so the writes
  // have reached the controller before this returns. A write barrier comes first, so the program
  // is in memory before CommandPtr names it. Arguments are checked before any register access:
  // InvalidParameter for a bad block (Z 1..8; exactly 1 in buffer-fill mode), multi_channel
  // without buffer_fill, channel above 63, tags or sync above 0xF, or a cycle_match above 0x7FFF
  // or with a cycleCount of 8000 or more (that cycle never comes). InvalidDeviceState unless the
  // context is stopped (run = 0, active = 0).
  Status start(BlockRef first, const IrStartOptions& options = {});
  Status start(const IrBlock& first, const IrStartOptions& options = {}) {
    return start(first.ref, options);
  }

  // Safe append: the new block `next` is already in memory. Write barrier, patch the branch word
  // at `branch_offset` in `buffer` (the previous block's INPUT_LAST, or the previous buffer-fill
  // INPUT_MORE) to next.address | next.Z, write barrier, then set wake. The wake must follow the
  // patch: a context that already read Z = 0 is idle and re-reads the branch only when woken after
  // it. Everything is checked before anything is written.
  Status append(DmaBuffer& buffer, std::size_t branch_offset, BlockRef next);
  Status append(DmaBuffer& buffer, const IrBlock& previous, BlockRef next) {
    return append(buffer, previous.branch_offset, next);
  }

  // ContextControlSet wake: re-read the branch word of the block the context is idle on.
  void wake();

  // ContextControlClear run, then poll until active reads 0; Timeout after `poll_limit` reads.
  Status stop(std::uint32_t poll_limit = kDefaultPollLimit);

  IrContextStatus status();
  std::uint32_t command_ptr();
  IrContextMatch context_match();
  // Packets meant for this context that arrived while it was idle (no block to store them in),
  // since run was last set: DroppedPackets, an implementation-specific register (+0x1C).
  std::uint32_t dropped_packets();

  // The context's bit in IsoRecvIntMask and IsoRecvIntEvent.
  void enable_interrupt();
  void disable_interrupt();
  void clear_interrupt_event();

 private:
  IrContext(Hal& hal, std::uint32_t index) : hal_(&hal), index_(index) {}
  std::uint32_t offset(regs::IrContextReg reg) const { return regs::ir_context(index_, reg); }
  std::uint32_t bit() const { return 1u << index_; }

  Hal* hal_;
  std::uint32_t index_;
};

}  // namespace ohci::fw
