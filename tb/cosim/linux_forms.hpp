// Linux 6.1 firewire-ohci's isochronous DMA programs, written into host memory byte for byte as
// the driver lays them out, and the register sequences it starts contexts with, so that
// linux_forms_test.cpp can replay them on the RTL without QEMU.
//
// The facts come from ../shared/reference/linux-qemu-bridge.md 2.3 and, where it is silent, from
// reading drivers/firewire/ohci.c of linux-source-6.1 (6.1.192): queue_iso_transmit,
// queue_iso_packet_per_buffer, queue_iso_buffer_fill, context_add_buffer, context_init,
// context_get_descriptors, context_append, find_branch_descriptor, context_run, ohci_start_iso
// and set_multichannel_mask. No driver code is used; what each function produces is restated in
// the comments below in terms of the OHCI descriptor fields (reference/ohci-isoch.md 2).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "Vohci_core.h"
#include "ieee1394_packet.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/hal.hpp"
#include "ohci/regmap.hpp"
#include "phy_model.hpp"

namespace ohci::tb::linux_forms {

inline constexpr std::size_t kPageSize = 4096;
inline constexpr std::size_t kUnit = 16;  // one descriptor

// The upper half of a descriptor's quadlet 0 (the driver's le16 `control`) from its OHCI fields:
// cmd[15:12] s[11] key[10:8] i[5:4] b[3:2] w[1:0]; reqCount is the lower half.
constexpr std::uint32_t control(std::uint32_t cmd, std::uint32_t s, std::uint32_t key,
                                std::uint32_t i, std::uint32_t b, std::uint32_t w) {
  return cmd << 12 | s << 11 | key << 8 | i << 4 | b << 2 | w;
}

// The control values the driver builds its isochronous programs from.
inline constexpr std::uint32_t kOutputMoreImmediate = control(0, 0, 2, 0, 0, 0);
inline constexpr std::uint32_t kOutputMore = control(0, 0, 0, 0, 0, 0);
// OUTPUT_LAST | s | b = 11, or'ed onto the block's last descriptor (the OUTPUT_MORE-Immediate
// itself in a header-only block, which makes it an OUTPUT_LAST-Immediate).
inline constexpr std::uint32_t kOutputLast = control(1, 1, 0, 0, 3, 0);
inline constexpr std::uint32_t kInputMoreStatus = control(2, 1, 0, 0, 0, 0);  // packet-per-buffer
inline constexpr std::uint32_t kInputLast = control(3, 1, 0, 0, 3, 0);
// Buffer-fill: INPUT_MORE | b = 11, without s (the driver does not set it there).
inline constexpr std::uint32_t kInputMoreBufferFill = control(2, 0, 0, 0, 3, 0);
inline constexpr std::uint32_t kInterruptAlways = control(0, 0, 0, 3, 0, 0);
inline constexpr std::uint32_t kWait = control(0, 0, 0, 0, 0, 3);
// The numbers the reference quotes from the measured programs.
static_assert(kOutputMoreImmediate == 0x0200);
static_assert(kOutputLast == 0x180C && (kOutputLast | kInterruptAlways) == 0x183C);
static_assert((kOutputMoreImmediate | kOutputLast) == 0x1A0C);
static_assert(kInputMoreStatus == 0x2800 && kInputLast == 0x380C && kInputMoreBufferFill == 0x200C);

// The dummy descriptor context_init puts first: an OUTPUT_LAST that looks sent (xferStatus
// 0x8011), branch 0 until the first block is appended to it. Never executed.
inline constexpr std::uint32_t kDummyControl = control(1, 0, 0, 0, 0, 0);
inline constexpr std::uint32_t kDummyXferStatus = 0x8011;
// context_add_buffer's page: a bookkeeping header (list head, bus address, size, used: 40 bytes
// on x86-64, padded to the 16-byte alignment of a descriptor) before the descriptors, and 16
// bytes left free at the end (the JMicron padding).
inline constexpr std::size_t kDescriptorsStart = 0x30;
inline constexpr std::size_t kDescriptorsEnd = kPageSize - 0x10;

// One IT or IR context's descriptor memory: a page the driver fills from kDescriptorsStart on,
// each call taking the next units (zeroed), a block followed by the extra units it keeps after it
// (IT header bytes, IR header buffers), never spilling over the page (the driver would take a new
// page; these tests stay within one).
class DescriptorProgram {
 public:
  explicit DescriptorProgram(fw::Hal& hal) {
    auto page = fw::DmaBuffer::allocate(hal, kPageSize, kPageSize);
    EXPECT_TRUE(page.ok()) << fw::to_string(page.status());
    if (page.ok()) memory_ = std::move(page.value());
    write32(kDescriptorsStart, kDummyControl << 16);
    write32(kDescriptorsStart + regs::desc::kStatus, kDummyXferStatus << 16);
    prev_ = kDescriptorsStart;
    used_ = kDescriptorsStart + kUnit;
  }

  // `units` zeroed units after those in use (context_get_descriptors); their offset.
  std::size_t take(std::size_t units) {
    EXPECT_LE(used_ + units * kUnit, kDescriptorsEnd) << "the test's program outgrew its page";
    const std::size_t offset = used_;
    std::fill_n(memory_.bytes().begin() + static_cast<std::ptrdiff_t>(offset), units * kUnit,
                std::byte{0});
    used_ += units * kUnit;
    return offset;
  }
  // context_append: the previous block's branch word becomes `block` | z. The branch word of a
  // block lives in its first descriptor when Z = 2 and that descriptor has b = 11 (an
  // *_LAST-Immediate), otherwise in its last (find_branch_descriptor).
  void link(std::size_t block, std::uint32_t z) {
    const bool first = prev_z_ == 2 && (read32(prev_) >> 16 & control(0, 0, 0, 0, 3, 0)) != 0;
    const std::size_t branch = first ? prev_ : prev_ + (prev_z_ - 1) * kUnit;
    write32(branch + regs::desc::kBranch, bus(block) | z);
    prev_ = block;
    prev_z_ = z;
  }

  // What context_run writes to CommandPtr: the dummy's branch word, the first block | Z.
  std::uint32_t command_ptr() const { return read32(kDescriptorsStart + regs::desc::kBranch); }

  std::uint32_t bus(std::size_t offset) const {
    return memory_.bus_address() + static_cast<std::uint32_t>(offset);
  }
  std::uint32_t read32(std::size_t offset) const {
    auto value = memory_.read_quadlet(offset);
    EXPECT_TRUE(value.ok());
    return value.ok() ? value.value() : 0;
  }
  void write32(std::size_t offset, std::uint32_t value) {
    EXPECT_EQ(memory_.write_quadlet(offset, value), fw::Status::Success);
  }
  fw::DmaBuffer& memory() { return memory_; }
  const fw::DmaBuffer& memory() const { return memory_; }

 private:
  fw::DmaBuffer memory_;
  std::size_t used_ = 0;
  std::size_t prev_ = 0;
  std::uint32_t prev_z_ = 1;
};

// A cdev iso buffer (fw_iso_buffer): pages the driver allocated one by one, so their bus addresses
// are neither adjacent nor in order. Here logical page p lies at page 2 * (pages - 1 - p) of one
// allocation: descending, with an unused page after each, which any stray write would hit.
class IsoBuffer {
 public:
  IsoBuffer(fw::Hal& hal, std::size_t pages, std::byte fill) : pages_(pages) {
    auto memory = fw::DmaBuffer::allocate(hal, 2 * pages * kPageSize, kPageSize);
    EXPECT_TRUE(memory.ok()) << fw::to_string(memory.status());
    if (memory.ok()) memory_ = std::move(memory.value());
    std::fill(memory_.bytes().begin(), memory_.bytes().end(), fill);
  }

  std::size_t size() const { return pages_ * kPageSize; }
  // page_private(pages[page]) + offset: the bus address of logical byte `offset`.
  std::uint32_t bus(std::size_t offset) const {
    return memory_.bus_address() + static_cast<std::uint32_t>(physical(offset));
  }
  std::byte& at(std::size_t offset) { return memory_.bytes()[physical(offset)]; }
  std::byte at(std::size_t offset) const { return memory_.bytes()[physical(offset)]; }
  std::vector<std::uint8_t> read(std::size_t offset, std::size_t length) const {
    std::vector<std::uint8_t> bytes(length);
    for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::uint8_t>(at(offset + i));
    return bytes;
  }
  void write(std::size_t offset, std::span<const std::uint8_t> bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) at(offset + i) = std::byte{bytes[i]};
  }
  // The whole allocation, the unused pages included.
  const fw::DmaBuffer& memory() const { return memory_; }
  // Where in memory() logical byte `offset` lies.
  std::size_t physical(std::size_t offset) const {
    const std::size_t page = offset / kPageSize;
    EXPECT_LT(page, pages_);
    return 2 * (pages_ - 1 - page) * kPageSize + offset % kPageSize;
  }

 private:
  std::size_t pages_;
  fw::DmaBuffer memory_;
};

// The fields of one fw_cdev_iso_packet for a transmit context.
struct ItPacket {
  std::uint32_t payload_length = 0;
  bool interrupt = false;
  bool skip = false;
  std::uint32_t tag = 0;
  std::uint32_t sy = 0;
  std::vector<std::uint8_t>
      header;  // header_length bytes (a multiple of 4), sent before the payload
};

// Where queue_transmit put a packet's block.
struct ItQueued {
  std::size_t block = 0;  // offset in the DescriptorProgram
  std::uint32_t z = 0;
  std::size_t last = 0;           // the OUTPUT_LAST(-Immediate): its quadlet 3 gets the status
  std::size_t header_bytes = 0;   // where the header bytes are kept (right after the block)
  std::size_t payload_units = 0;  // descriptors for payload pieces (one per page touched)
};

// queue_iso_transmit for a context on `channel` at `speed`: a block of Z units at the next free
// offset, then ceil(header_length / 16) units holding the header bytes:
//  - unless skip: an OUTPUT_MORE-Immediate (control 0x0200, reqCount 8) whose branch word, the
//    skipAddress, is the block itself | Z; immediate q0 = spd << 16 | tag << 14 | channel << 8 |
//    0xA << 4 | sy, q1 = (header_length + payload_length) << 16;
//  - with header bytes: descriptor 2 an OUTPUT_MORE of header_length bytes at the bytes kept
//    right after the block;
//  - one OUTPUT_MORE per 4 KiB page of the iso buffer the payload touches, at that page's bus
//    address;
//  - OUTPUT_LAST | s | b = 11 (| i = 11 on an interrupt packet) or'ed onto the last descriptor (the
//    first when Z = 2), its branch 0 until the next block is linked behind it.
// The payload is `payload_length` bytes at `payload_index` of `payload`.
inline ItQueued queue_transmit(DescriptorProgram& program, const IsoBuffer& payload,
                               std::size_t payload_index, const ItPacket& packet,
                               std::uint32_t channel, regs::Speed speed) {
  std::uint32_t z = packet.skip ? 1 : 2;
  if (!packet.header.empty()) ++z;
  const std::size_t end = payload_index + packet.payload_length;
  const std::size_t payload_z =
      packet.payload_length ? (end + kPageSize - 1) / kPageSize - payload_index / kPageSize : 0;
  z += static_cast<std::uint32_t>(payload_z);
  const std::size_t header_z = (packet.header.size() + kUnit - 1) / kUnit;
  const std::size_t d = program.take(z + header_z);
  if (!packet.skip) {
    program.write32(d, kOutputMoreImmediate << 16 | 8);
    program.write32(d + regs::desc::kBranch, program.bus(d) | z);
    program.write32(d + regs::desc::kIsoHeader, static_cast<std::uint32_t>(speed) << 16 |
                                                    packet.tag << 14 | channel << 8 | 0xAu << 4 |
                                                    packet.sy);
    program.write32(d + regs::desc::kIsoLength,
                    static_cast<std::uint32_t>(packet.header.size() + packet.payload_length) << 16);
  }
  if (!packet.header.empty()) {
    const std::size_t kept = d + z * kUnit;
    program.write32(d + 2 * kUnit, static_cast<std::uint32_t>(packet.header.size()));
    program.write32(d + 2 * kUnit + regs::desc::kData, program.bus(kept));
    for (std::size_t i = 0; i < packet.header.size(); ++i)
      program.memory().bytes()[kept + i] = std::byte{packet.header[i]};
  }
  std::size_t index = payload_index;
  for (std::size_t i = 0; i < payload_z; ++i) {
    const std::size_t piece = d + (z - payload_z + i) * kUnit;
    const std::size_t length = std::min((index / kPageSize + 1) * kPageSize, end) - index;
    program.write32(piece, kOutputMore << 16 | static_cast<std::uint32_t>(length));
    program.write32(piece + regs::desc::kData, payload.bus(index));
    index += length;
  }
  const std::size_t last = z == 2 ? d : d + (z - 1) * kUnit;
  program.write32(
      last, program.read32(last) | (kOutputLast | (packet.interrupt ? kInterruptAlways : 0)) << 16);
  program.link(d, z);
  return ItQueued{d, z, last, d + z * kUnit, payload_z};
}

// Where queue_packet_per_buffer put a packet's block.
struct IrQueued {
  std::size_t block = 0;  // offset in the DescriptorProgram
  std::uint32_t z = 0;
  std::size_t header_buffer = 0;  // offset in the DescriptorProgram, right after the block
  std::uint32_t header_size = 0;  // its reqCount
  // The payload pieces: logical offset in the IsoBuffer and reqCount, for descriptors 1..z-1.
  std::vector<std::pair<std::size_t, std::uint32_t>> pieces;
  std::size_t descriptor(std::size_t k) const { return block + k * kUnit; }
};

// queue_iso_packet_per_buffer for one packet (header_length = one context header): with
// header_size = max(the context's header size, 8), a block of Z = 1 + (pages the payload buffer
// touches) units, then ceil(header_size / 16) units of header buffer:
//  - descriptor 0: INPUT_MORE | s (| w = 11 when skip, i.e. wait for sync), reqCount header_size,
//    resCount = reqCount, xferStatus 0, dataAddress = the header buffer right after the block;
//  - one INPUT_MORE | s per page piece of the `payload_bytes` at `payload_index` of `payload`,
//    resCount = reqCount, the last one turned into INPUT_LAST | s | b = 11 (| i = 11 on an
//    interrupt packet), its branch 0 until the next block is linked behind it.
inline IrQueued queue_packet_per_buffer(DescriptorProgram& program, const IsoBuffer& payload,
                                        std::size_t payload_index, std::uint32_t payload_bytes,
                                        std::uint32_t context_header_size, bool interrupt,
                                        bool skip = false) {
  const std::uint32_t header_size = std::max<std::uint32_t>(context_header_size, 8);
  const std::size_t header_z = (header_size + kUnit - 1) / kUnit;
  std::size_t page = payload_index / kPageSize;
  std::size_t offset = payload_index % kPageSize;
  const std::uint32_t z =
      static_cast<std::uint32_t>((payload_bytes + offset + kPageSize - 1) / kPageSize + 1);
  const std::size_t d = program.take(z + header_z);
  IrQueued queued{d, z, d + z * kUnit, header_size, {}};
  program.write32(d, (kInputMoreStatus | (skip ? kWait : 0)) << 16 | header_size);
  program.write32(d + regs::desc::kData, program.bus(queued.header_buffer));
  program.write32(d + regs::desc::kStatus, header_size);
  std::uint32_t rest = payload_bytes;
  std::size_t pd = d;
  for (std::uint32_t j = 1; j < z; ++j) {
    pd += kUnit;
    const std::uint32_t length =
        offset + rest < kPageSize ? rest : static_cast<std::uint32_t>(kPageSize - offset);
    program.write32(pd, kInputMoreStatus << 16 | length);
    program.write32(pd + regs::desc::kStatus, length);
    program.write32(pd + regs::desc::kData, payload.bus(page * kPageSize + offset));
    queued.pieces.emplace_back(page * kPageSize + offset, length);
    offset = (offset + length) % kPageSize;
    rest -= length;
    if (offset == 0) ++page;
  }
  program.write32(
      pd, (kInputLast | (interrupt ? kInterruptAlways : 0)) << 16 | (program.read32(pd) & 0xFFFFu));
  program.link(d, z);
  return queued;
}

// queue_iso_buffer_fill for one chunk of `length` bytes (a multiple of 4) at `payload_index`
// (quadlet-aligned) of `buffer`: one block of a single INPUT_MORE | b = 11 per page the chunk
// touches (s = 0; w = 11 on the first when skip; i = 11 on the last for an interrupt chunk),
// reqCount = resCount = the bytes in that page, each linked behind the previous. Returns their
// offsets.
inline std::vector<std::size_t> queue_buffer_fill(DescriptorProgram& program,
                                                  const IsoBuffer& buffer,
                                                  std::size_t payload_index, std::uint32_t length,
                                                  bool interrupt, bool skip = false) {
  std::size_t page = payload_index / kPageSize;
  std::size_t offset = payload_index % kPageSize;
  std::uint32_t rest = length;
  const std::size_t z = (offset + rest + kPageSize - 1) / kPageSize;
  std::vector<std::size_t> descriptors;
  for (std::size_t i = 0; i < z; ++i) {
    const std::size_t d = program.take(1);
    std::uint32_t bits = kInputMoreBufferFill;
    if (skip && i == 0) bits |= kWait;
    if (interrupt && i == z - 1) bits |= kInterruptAlways;
    const std::uint32_t piece =
        offset + rest < kPageSize ? rest : static_cast<std::uint32_t>(kPageSize - offset);
    program.write32(d, bits << 16 | piece);
    program.write32(d + regs::desc::kStatus, piece);
    program.write32(d + regs::desc::kData, buffer.bus(page * kPageSize + offset));
    rest -= piece;
    offset = 0;
    ++page;
    program.link(d, 1);
    descriptors.push_back(d);
  }
  return descriptors;
}

// context_run: CommandPtr = the dummy's branch, ContextControlClear ~0, ContextControlSet run |
// `extra`, then a read of Version (flush_writes).
inline void context_run(fw::Hal& hal, std::uint32_t set, std::uint32_t clear,
                        std::uint32_t command_ptr, const DescriptorProgram& program,
                        std::uint32_t extra) {
  hal.write32(command_ptr, program.command_ptr());
  hal.write32(clear, ~0u);
  hal.write32(set, regs::context_control::kRun.mask() | extra);
  static_cast<void>(hal.read32(regs::kVersion));
}

// ohci_start_iso for IT context `n`: IsoXmitIntEventClear bit n, IsoXmitIntMaskSet bit n, then
// context_run with cycleMatchEnable | (cycle & 0x7FFF) << 16 when a cycle is given (>= 0).
inline void start_it(fw::Hal& hal, std::uint32_t n, const DescriptorProgram& program,
                     int cycle = -1) {
  using regs::ItContextReg;
  const std::uint32_t match = cycle >= 0 ? regs::it_context_control::kCycleMatchEnable.mask() |
                                               (static_cast<std::uint32_t>(cycle) & 0x7FFFu) << 16
                                         : 0u;
  hal.write32(regs::kIsoXmitIntEventClear, 1u << n);
  hal.write32(regs::kIsoXmitIntMaskSet, 1u << n);
  context_run(hal, regs::it_context(n, ItContextReg::kContextControlSet),
              regs::it_context(n, ItContextReg::kContextControlClear),
              regs::it_context(n, ItContextReg::kCommandPtr), program, match);
}

// The ContextControl mode bits ohci_start_iso sets for IR: always isochHeader, and bufferFill |
// multiChanMode for the multichannel context.
inline constexpr std::uint32_t kIrPacketPerBuffer = regs::ir_context_control::kIsochHeader.mask();
inline constexpr std::uint32_t kIrMultichannel = regs::ir_context_control::kIsochHeader.mask() |
                                                 regs::ir_context_control::kBufferFill.mask() |
                                                 regs::ir_context_control::kMultiChanMode.mask();
inline constexpr std::uint32_t kAllTags = 0xF;  // FW_CDEV_ISO_CONTEXT_MATCH_ALL_TAGS

// ohci_start_iso for IR context `n` (cycle < 0: no cycle match): IsoRecvIntEventClear bit n,
// IsoRecvIntMaskSet bit n, ContextMatch = tags << 28 | sync << 8 | channel, then context_run
// with the mode bits.
inline void start_ir(fw::Hal& hal, std::uint32_t n, const DescriptorProgram& program,
                     std::uint32_t mode, std::uint32_t channel, std::uint32_t tags = kAllTags,
                     std::uint32_t sync = 0) {
  using regs::IrContextReg;
  hal.write32(regs::kIsoRecvIntEventClear, 1u << n);
  hal.write32(regs::kIsoRecvIntMaskSet, 1u << n);
  hal.write32(regs::ir_context(n, IrContextReg::kContextMatch), tags << 28 | sync << 8 | channel);
  context_run(hal, regs::ir_context(n, IrContextReg::kContextControlSet),
              regs::ir_context(n, IrContextReg::kContextControlClear),
              regs::ir_context(n, IrContextReg::kCommandPtr), program, mode);
}

// set_multichannel_mask: HiClear ~hi, LoClear ~lo, HiSet hi, LoSet lo.
inline void set_multichannel_mask(fw::Hal& hal, std::uint64_t channels) {
  const auto hi = static_cast<std::uint32_t>(channels >> 32);
  const auto lo = static_cast<std::uint32_t>(channels);
  hal.write32(regs::kIrMultiChanMaskHiClear, ~hi);
  hal.write32(regs::kIrMultiChanMaskLoClear, ~lo);
  hal.write32(regs::kIrMultiChanMaskHiSet, hi);
  hal.write32(regs::kIrMultiChanMaskLoSet, lo);
}

// The irq_handler steps for isochronous events: read IntEventClear and write it back (all but
// busReset and postedWriteErr), then for isochRx / isochTx read IsoRecv / IsoXmitIntEventClear and
// write the same value back. What it found.
struct LinuxIrq {
  std::uint32_t event = 0;
  std::uint32_t iso_recv = 0;
  std::uint32_t iso_xmit = 0;
};
inline LinuxIrq linux_irq_handler(fw::Hal& hal) {
  LinuxIrq seen;
  seen.event = hal.read32(regs::kIntEventClear);
  hal.write32(regs::kIntEventClear, seen.event & ~(regs::int_event::kBusReset.mask() |
                                                   regs::int_event::kPostedWriteErr.mask()));
  if (seen.event & regs::int_event::kIsochRx.mask()) {
    seen.iso_recv = hal.read32(regs::kIsoRecvIntEventClear);
    hal.write32(regs::kIsoRecvIntEventClear, seen.iso_recv);
  }
  if (seen.event & regs::int_event::kIsochTx.mask()) {
    seen.iso_xmit = hal.read32(regs::kIsoXmitIntEventClear);
    hal.write32(regs::kIsoXmitIntEventClear, seen.iso_xmit);
  }
  return seen;
}

// An isochronous packet a node's PHY saw its link send, with the cycle it went out in: the
// cycleSeconds[2:0]:cycleCount of the cycle start before it on the wire.
struct WireIso {
  std::uint32_t cycle = 0;
  sim::WirePacket wire;
};
inline std::vector<WireIso> iso_packets_sent(const sim::PhyModel<Vohci_core>& phy) {
  std::vector<WireIso> sent;
  std::uint32_t cycle = 0;
  bool cycle_known = false;
  for (const sim::WirePacket& wire : phy.packets()) {
    if (sim::tcode_of(wire.bytes) == sim::kTcodeCycleStart) {
      const sim::CycleStartPacket start = sim::parse_cycle_start(wire.bytes);
      EXPECT_TRUE(start.error.empty() && start.header_crc_ok) << start.error;
      cycle = (start.cycle_time >> 25 & 0x7u) << 13 | (start.cycle_time >> 12 & 0x1FFFu);
      cycle_known = true;
    } else {
      EXPECT_TRUE(cycle_known) << "an isochronous packet before any cycle start";
      sent.push_back(WireIso{cycle, wire});
    }
  }
  return sent;
}

}  // namespace ohci::tb::linux_forms
