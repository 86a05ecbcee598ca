// Encoding of isochronous-transmit (IT) DMA descriptors (reference/ohci-isoch.md section 2):
// pure functions from validated fields to the descriptor's quadlets, in memory order. Writing
// them into DMA memory, as the blocks of a program, is it_block.hpp's job.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

inline constexpr std::size_t kDescriptorBytes = 16;
// Blocks are 1 to 8 descriptor units (Z); an immediate descriptor counts two.
inline constexpr std::uint32_t kMaxBlockZ = 8;
// reqCount and dataLength are 16 bits.
inline constexpr std::uint32_t kMaxDataLength = 0xFFFF;

// One 16-byte descriptor, and a 32-byte immediate one, as quadlets in memory order.
using Descriptor = std::array<std::uint32_t, 4>;
using ImmediateDescriptor = std::array<std::uint32_t, 8>;

// A block as a branch word or CommandPtr names it: its bus address (16-byte aligned) and its
// size Z in 16-byte units. Z = 0 in a branch word ends the program.
struct BlockRef {
  std::uint32_t address = 0;
  std::uint32_t z = 0;

  // The end of the program: the context goes idle here until woken.
  static constexpr BlockRef end() { return {}; }
  friend constexpr bool operator==(const BlockRef&, const BlockRef&) = default;
};

// The branchAddress|Z word for `ref`: InvalidParameter unless the address is 16-byte aligned and
// Z is 0..8 (`allow_end`) or 1..8 (a block that must exist, e.g. in CommandPtr).
Result<std::uint32_t> encode_block_ref(BlockRef ref, bool allow_end = true);

// The isochronous packet header fields an immediate descriptor carries (its dataLength comes
// from the payload).
struct IsoHeader {
  regs::Speed speed = regs::Speed::kS100;
  std::uint32_t tag = 0;      // 2 bits
  std::uint32_t channel = 0;  // 6 bits
  std::uint32_t sy = 0;       // 4 bits
};

// Immediate quadlet 0: spd | tag | chanNum | tcode 0xA | sy; InvalidParameter if a field does
// not fit.
Result<std::uint32_t> encode_iso_header(const IsoHeader& header);

// OUTPUT_MORE: cmd 0, key 0, b = never, i = never; `req_count` bytes (1..0xFFFF) at
// `data_address` (any byte alignment).
Result<Descriptor> encode_output_more(std::uint32_t data_address, std::uint32_t req_count);

// OUTPUT_MORE-Immediate: the 8-byte packet header for a packet of `data_length` payload bytes;
// its quadlet 2 holds the skip block the controller takes instead of sending a late packet.
Result<ImmediateDescriptor> encode_output_more_immediate(const IsoHeader& header,
                                                         std::uint32_t data_length, BlockRef skip);

// OUTPUT_LAST: cmd 1, s = 1, key 0, b = always; `req_count` bytes (1..0xFFFF) at `data_address`,
// then the branch to `next`. Its quadlet 3 receives xferStatus | timeStamp.
Result<Descriptor> encode_output_last(std::uint32_t data_address, std::uint32_t req_count,
                                      regs::DescInterrupt interrupt, BlockRef next);

// OUTPUT_LAST-Immediate: a header-only packet (dataLength 0) in one 32-byte descriptor; branch
// and status live in its first 16 bytes.
Result<ImmediateDescriptor> encode_output_last_immediate(const IsoHeader& header,
                                                         regs::DescInterrupt interrupt,
                                                         BlockRef next);

// The lone empty OUTPUT_LAST (reqCount 0, Z = 1): sends nothing and uses up one cycle.
Result<Descriptor> encode_skip_cycle(regs::DescInterrupt interrupt, BlockRef next);

// What the controller wrote back to an OUTPUT_LAST's quadlet 3.
struct ItCompletion {
  std::uint32_t xfer_status = 0;  // ContextControl[15:0] at completion; 0 = not yet done
  std::uint32_t time_stamp = 0;   // cycleSeconds[2:0] : cycleCount[12:0] of the send cycle

  bool done() const { return xfer_status != 0; }
  regs::EventCode event() const {
    return static_cast<regs::EventCode>(regs::context_control::kEventCode.get(xfer_status));
  }
  std::uint32_t cycle_count() const { return time_stamp & 0x1FFFu; }
  std::uint32_t cycle_seconds() const { return time_stamp >> 13; }
};

ItCompletion decode_completion(std::uint32_t status_quadlet);

}  // namespace ohci::fw
