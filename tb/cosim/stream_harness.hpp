// Stream harnesses for the multi-node tests: a talker that keeps an IT context streaming from a
// circular program, and a listener that keeps a packet-per-buffer IR context fed from a ring of
// blocks, hands each received packet to the test and re-arms its block.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "bus_fixture.hpp"
#include "cosim_fixture.hpp"
#include "ohci/ir_block.hpp"
#include "ohci/ir_context.hpp"
#include "ohci/it_block.hpp"
#include "ohci/it_context.hpp"

namespace ohci::tb {

inline constexpr std::uint32_t kMaxS400Payload = 4096;
inline constexpr std::byte kGuard{0xEE};

// Payload length of packet n: pseudo-random over 0..4096 with the extremes included.
std::uint32_t stream_length(unsigned n);

// The 1394 isochronous header quadlet of a packet (reference 4.2).
std::uint32_t iso_header_quadlet(std::uint32_t length, const fw::IsoHeader& header);

// A talker: IT context `context` of node `node` runs a circular program of kSlots blocks; the
// block of packet n is slot n % kSlots and is rewritten with packet n + kSlots once packet n has
// been sent. Packet n carries payload_byte(number_base + n, i) and `lengths(n)` bytes.
class Talker {
 public:
  static constexpr unsigned kSlots = 16;
  using Lengths = std::function<std::uint32_t(unsigned)>;

  Talker(BusTest& bus, std::size_t node, std::uint32_t context, const fw::IsoHeader& header,
         Lengths lengths = stream_length, unsigned number_base = 0);

  // Starts sending `packets` packets, the first in cycle `cycle_match` when given.
  void start(unsigned packets, std::optional<std::uint32_t> cycle_match = std::nullopt);
  // Records the time stamps of packets sent since the last call and refills their slots.
  void service();

  std::uint32_t time_stamp(unsigned n) const { return time_stamps_.at(n); }
  unsigned sent() const { return next_done_; }
  std::uint32_t length(unsigned n) const { return lengths_(n); }
  unsigned number(unsigned n) const { return number_base_ + n; }
  const fw::IsoHeader& header() const { return header_; }

 private:
  void write(unsigned n);
  std::uint32_t z_of(unsigned n) const;

  fw::Hal& hal_;
  std::uint32_t index_;
  fw::DmaBuffer program_;
  fw::DmaBuffer payload_;
  fw::IsoHeader header_;
  Lengths lengths_;
  unsigned number_base_;
  std::array<fw::ItBlock, kSlots> blocks_{};
  std::optional<fw::ItContext> context_;
  unsigned total_ = 0;
  unsigned next_done_ = 0;
  std::vector<std::uint32_t> time_stamps_;
};

// One packet a Listener received: the completion of its block and the stream it stored.
struct ReceivedPacket {
  unsigned sequence = 0;  // 0 for the first packet the listener received
  fw::IrPacketCompletion completion;
  std::span<const std::byte> stream;  // completion.stored_bytes of the slot's buffer
  bool guards_intact = true;          // nothing written between the stream's end and the next slot
  std::uint32_t payload_bytes = 0;    // the slot's payload buffer (its INPUT_LAST's reqCount)
};

// A listener: IR context `context` of node `node` runs a circular packet-per-buffer program of
// kSlots blocks, each an INPUT_MORE for the 8 bytes of trailer and header and an INPUT_LAST for
// up to `payload_bytes` of payload (as Linux builds them), in one buffer per slot with guard
// bytes between the slots. `interrupt_every` > 0 puts i=11 on every that-many-th block.
class Listener {
 public:
  static constexpr unsigned kSlots = 16;

  Listener(BusTest& bus, std::size_t node, std::uint32_t context,
           std::uint32_t payload_bytes = kMaxS400Payload, bool circular = true);

  void start(const fw::IrStartOptions& options);
  // Hands every packet received since the last call to `check` in order, then re-arms its slot
  // (guard bytes restored, status cleared). Stops early when `check` returns false.
  unsigned service(const std::function<bool(const ReceivedPacket&)>& check);

  // A listener that is not circular: its last block ends the program (Z = 0). Re-arms the
  // slots `service` consumed and appends them behind the program's end (patch, then wake).
  void append_consumed();

  unsigned received() const { return received_; }
  fw::IrContext& context() { return *context_; }
  fw::DmaBuffer& data() { return data_; }
  std::size_t slot_offset(unsigned slot) const { return kGuardBytes + slot * slot_stride_; }
  std::uint32_t slot_stride() const { return slot_stride_; }

 private:
  static constexpr std::uint32_t kGuardBytes = 64;
  void arm(unsigned slot, fw::BlockRef next);
  fw::BlockRef ref(unsigned slot) const;

  fw::Hal& hal_;
  std::uint32_t index_;
  std::uint32_t payload_bytes_;
  std::uint32_t slot_stride_;
  bool circular_;
  fw::DmaBuffer program_;
  fw::DmaBuffer data_;
  std::array<fw::IrBlock, kSlots> blocks_{};
  std::optional<fw::IrContext> context_;
  unsigned received_ = 0;
  unsigned appended_ = kSlots;  // blocks handed to the context so far
};

// Checks that `received` is packet n of `talker`, stored packet-per-buffer with isochHeader in a
// Listener slot big enough for it: status in the descriptor the stream ended in
// (ack_complete, the talker's speed, resCount), trailer (xferStatus, timeStamp = the cycle the
// talker sent it in), header quadlet, payload byte for byte, zero padding, and nothing written
// beyond the stream. Returns whether all of that held.
bool expect_stored(const ReceivedPacket& received, const Talker& talker, unsigned n);

// Runs the world half a cycle at a time, calling `service` after each half, until `done` returns
// true or `max_cycles` 125-us cycles have passed. Returns whether `done` held.
bool run_streaming(BusTest& bus, std::uint64_t max_cycles, const std::function<void()>& service,
                   const std::function<bool()>& done);

// Streams `packets` packets of `talker` into `listener`, each checked with expect_stored against
// the talker's packet of the same number, for at most `max_cycles` cycles; stops at the first
// packet that is not intact. Returns whether all of them arrived intact.
bool stream_checked(BusTest& bus, Talker& talker, Listener& listener, unsigned packets,
                    std::uint64_t max_cycles);

}  // namespace ohci::tb
