// The register sequences IT and IR contexts share (reference/ohci-isoch.md 3.1): start, safe
// append, wake and stop differ between the two kinds only in where their registers are (internal
// to fw/src).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "ohci/dma_buffer.hpp"
#include "ohci/hal.hpp"
#include "ohci/it_descriptor.hpp"
#include "ohci/regmap.hpp"
#include "ohci/status.hpp"
#include "register_poll.hpp"

namespace ohci::fw {

// Where one context's registers are.
struct ContextRegisters {
  std::uint32_t control_set = 0;
  std::uint32_t control_clear = 0;
  std::uint32_t command_ptr = 0;
};

// One register write a start makes between clearing ContextControl and setting run.
struct RegisterWrite {
  std::uint32_t offset = 0;
  std::uint32_t value = 0;
};

// Starts a stopped context (as Linux's context_run): the program must be visible to the
// controller before CommandPtr and run point it there (barrier); CommandPtr, ContextControlClear
// all ones, `before_run` (e.g. IR's ContextMatch, so the first packet is already judged by it),
// ContextControlSet `run`; then a read makes sure the posted writes have reached the controller.
inline void start_context(Hal& hal, const ContextRegisters& registers, std::uint32_t command_ptr,
                          std::uint32_t run, std::optional<RegisterWrite> before_run = {}) {
  hal.write_barrier();
  hal.write32(registers.command_ptr, command_ptr);
  hal.write32(registers.control_clear, 0xFFFFFFFFu);
  if (before_run) hal.write32(before_run->offset, before_run->value);
  hal.write32(registers.control_set, run);
  static_cast<void>(hal.read32(regs::kVersion));
}

inline void wake_context(Hal& hal, const ContextRegisters& registers) {
  hal.write32(registers.control_set, regs::context_control::kWake.mask());
}

// Safe append: the new block `next` is in memory; everything is checked before anything is
// written. The block's descriptors reach memory before the branch that leads to them, and the
// branch before the wake that makes the controller re-read it.
inline Status append_block(Hal& hal, const ContextRegisters& registers, DmaBuffer& buffer,
                           std::size_t branch_offset, BlockRef next) {
  constexpr std::size_t kQuadletBytes = 4;
  const Result<std::uint32_t> branch_word = encode_block_ref(next, /*allow_end=*/false);
  if (!branch_word) return branch_word.status();
  if (branch_offset % kQuadletBytes != 0 || !buffer.contains(branch_offset, kQuadletBytes)) {
    return Status::InvalidParameter;
  }
  hal.write_barrier();
  const Status patched = buffer.write_quadlet(branch_offset, *branch_word);
  if (!succeeded(patched)) return patched;
  hal.write_barrier();
  wake_context(hal, registers);
  return Status::Success;
}

// ContextControlClear run, then poll until active reads 0.
inline Status stop_context(Hal& hal, const ContextRegisters& registers, std::uint32_t poll_limit) {
  hal.write32(registers.control_clear, regs::context_control::kRun.mask());
  return poll_register(hal, registers.control_set, regs::context_control::kActive.mask(), 0,
                       poll_limit);
}

}  // namespace ohci::fw
