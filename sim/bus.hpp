// Bus: the 1394 cable between the PHYs of every node (reference/ohci-isoch.md 4.1, 4.4). It
// arbitrates between all nodes' bus requests, repeats the packet one node's link transmits to
// every other node's link, injects faults, and records every packet on the bus.
//
// Nodes: node i is the i-th PhyModel attached (at most 63, as on a real 1394 bus). A PhyModel on
// a Bus hands its link's bus requests to the Bus; everything the link side of one PHY does
// (LREQ, link protocol checks, violations(), packets(), on_packet) stays in phy_model.hpp.
//
// Clocking (World::step, in cycle numbers as in phy_model.hpp): drive(cycle) before the falling
// eval decides what every PHY drives towards its link and calls every PhyModel::drive();
// sample(cycle) after it calls every PhyModel::sample() in node order, then queues the new bus
// requests, takes the talker's data and arbitrates. The only same-cycle look from one node to
// another is at the talker link's CTL output in drive(F) (below), which is registered at the edge
// ending F - 1 (ohci_link_tx; the PHY flags an output that changes within a cycle); everything
// else a PHY drives in cycle c was decided in sample(c - 1) or earlier.
//
// Timing:
//   - Arbitration is bus-wide. A bus request (ImmReq, IsoReq, PriReq, FairReq: no priority
//     between them) joins one queue in its stop-bit cycle r; requests that complete in the same
//     cycle queue in node order. One request at a time: the front request starts arbitrating at
//     s = max(r, the cycle the bus became free), and its PHY drives Grant in
//       g = max(s + 1 + arbitration_delay + N,  s + 1 + q)
//     and Idle in g + 1; its link owns the bus from g + 2. arbitration_delay is the requesting
//     PHY's PhyConfig value (the isochronous gap, default 4); N the cycle-start delay below (0
//     unless injected); q the number of cycles the PHYs still drive for a repeat after s (up to
//     and including its closing Idle), so no PHY drives Grant while it drives Receive, and there
//     is at least one Idle between them. With data_on_cycles <= arbitration_delay + 1 the second
//     term never wins (it cannot with the defaults 1 and 4). From s until the first cycle the
//     link no longer drives CTL nobody else is granted; that cycle the bus is free again and the
//     next request may start arbitrating in it. A single node has exactly phy_model.hpp's timing.
//   - Repeating. Let F be the first Transmit cycle of a packet of talker T, n its number of
//     chunks (T drives Transmit in F .. F+n-1, E = F+n is its first other cycle) and D =
//     data_on_cycles. Every other node whose PhyConfig::max_speed is at least the packet's speed
//     (the speed of the granted request) has its PHY drive, with R = F:
//       R .. R+D-1          CTL=10 (Receive), D=0xFF (data-on, 11xxxxxx)
//       R+D                 CTL=10, D = speed code (S100 0x00, S200 0x40, S400 0x50)
//       R+D+1+k, k < n      CTL=10, D = T's chunk k as T drove it in F+k (lines unused at the
//                           speed low: S400 phy_d[7:0], S200 phy_d[7:4], S100 phy_d[7:6])
//       R+D+1+n             CTL=00 (Idle), D=0: one cycle
//     and then drives nothing (the link sees Idle, pulled low). The talker's own PHY drives
//     nothing to its link (the resolved pins show its own Transmit); a node slower than the
//     packet keeps Idle. A packet concatenated in the same grant (after Hold) whose data-on would
//     overlap the previous packet's repeat starts at R = the cycle after that packet's Idle, so
//     its data is delayed more. Cycle starts (the cycle master's PriReq at S100) are repeated
//     like any packet.
//   - Faults, decided once per grant when it starts arbitrating, and applied to the packet(s)
//     its link sends: draws from a std::mt19937_64 seeded with BusConfig::seed, only for rates
//     above 0 and in this order: header CRC, data CRC, drop, cycle-start delay (PriReq only); a
//     draw x = (rng() >> 11) * 2^-53 hits when x < rate. The fault hook's BusFault is OR-ed in
//     (its delay added).
//       - corrupt_header_crc: receivers get the last wire bit (the LSB) of the first header-CRC
//         byte inverted: byte 4 of an isochronous packet (tcode 0xA, one header quadlet), byte
//         16 of a cycle start (tcode 8, four header quadlets; other tcodes by their IEEE 1394
//         header size). The tcode is in byte 3, which passes before.
//       - corrupt_data_crc: the same bit of the packet's last byte, the last of its data CRC:
//         byte 11 + 4*ceil(L/4) of an isochronous packet with data_length L > 0 (known once
//         bytes 0-3 passed); other packets are not changed.
//       - drop: no receiver sees the packet (every other PHY keeps Idle).
//       - delay_cycle_start N: the Grant of a PriReq comes N cycles later (other requests: no
//         effect).
//     stats() counts a CRC fault when its bit was inverted for at least one receiver, a drop
//     for each packet dropped, a delay for each PriReq grant it moved.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ieee1394_packet.hpp"
#include "phy_model.hpp"

namespace ohci::sim {

struct BusConfig {
  // Cycles of data-on (D = 0xFF) before the speed code; at least 1.
  unsigned data_on_cycles = 1;
  // Fault injection, per grant (see above).
  std::uint64_t seed = 0x1394;
  double header_crc_rate = 0.0;
  double data_crc_rate = 0.0;
  double drop_rate = 0.0;
  double cycle_start_delay_rate = 0.0;    // of PriReq grants
  unsigned cycle_start_delay_cycles = 0;  // N when that draw hits
  // Bus reset (request_bus_reset): cycles from the reset status to the first self-ID packet,
  // standing for the reset signal and tree identify: a short (arbitrated) reset, and a long one
  // (a PHY's IBR: the 1394a reset signal lasts 166.7 us, 8192 clk).
  unsigned bus_reset_cycles = 64;
  unsigned long_bus_reset_cycles = 8192;
  // Send every node's self-ID packets in the self-ID phase (see request_bus_reset).
  bool self_id_packets = true;
};

// Faults for one grant (from the hook), or those applied to one packet (BusPacket::faults).
struct BusFault {
  bool corrupt_header_crc = false;
  bool corrupt_data_crc = false;
  bool drop = false;
  unsigned delay_cycle_start = 0;  // extra cycles before the Grant of a PriReq

  bool operator==(const BusFault&) const = default;
};

// What the fault hook knows of a grant when it starts arbitrating.
struct RepeatInfo {
  std::size_t sender = 0;  // node index
  LreqType request = LreqType::FairReq;
  unsigned speed = 0;         // 0 S100, 1 S200, 2 S400
  std::uint64_t ordinal = 0;  // packets on the bus before this one (BusStats::packets_repeated)
  bool cycle_start = false;   // a PriReq: the cycle master's request for a cycle start
  std::uint64_t request_cycle = 0;  // its stop bit
};

struct BusStats {
  std::uint64_t packets_repeated = 0;  // packets any link sent on the bus (dropped ones too)
  std::uint64_t header_crc_faults = 0;
  std::uint64_t data_crc_faults = 0;
  std::uint64_t drops = 0;
  std::uint64_t cycle_start_delays = 0;
  std::uint64_t bus_resets = 0;
  std::uint64_t self_id_packets = 0;            // self-ID packets sent (each to every node)
  std::vector<std::uint64_t> packets_received;  // per node, counted at the closing Idle
};

// The bit a CRC fault inverts in its byte: the last on the wire.
inline constexpr std::uint8_t kCrcFaultMask = 0x01;

// One packet on the bus: the sender's WirePacket (speed, request/grant/first/last data cycles,
// bytes as its link sent them) and what the bus made of it.
struct BusPacket : WirePacket {
  std::size_t sender = 0;
  std::uint64_t receivers = 0;            // bit i: node i's PHY repeated it to its link
  std::uint64_t receive_first_cycle = 0;  // R, the first data-on cycle (0 without receivers)
  BusFault faults;                        // the faults applied (see BusStats)
  std::size_t header_crc_byte = 0;        // the byte a header CRC fault changed
  std::size_t data_crc_byte = 0;          // the byte a data CRC fault changed

  // The bytes every receiver got (empty when dropped).
  std::vector<std::uint8_t> received_bytes() const {
    if (faults.drop) return {};
    std::vector<std::uint8_t> out = bytes;
    if (faults.corrupt_header_crc && header_crc_byte < out.size())
      out[header_crc_byte] ^= kCrcFaultMask;
    if (faults.corrupt_data_crc && data_crc_byte < out.size()) out[data_crc_byte] ^= kCrcFaultMask;
    return out;
  }
};

namespace detail {

// A FIFO on a ring that grows by doubling and never shrinks: no allocation in the steady state.
template <class T>
class Fifo {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const T& front() const { return ring_[head_]; }
  void push(const T& value) {
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_) & (ring_.size() - 1)] = value;
    ++size_;
  }
  void pop() {
    head_ = (head_ + 1) & (ring_.size() - 1);
    --size_;
  }

 private:
  void grow() {
    std::vector<T> bigger(std::max<std::size_t>(16, ring_.size() * 2));
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    head_ = 0;
  }
  std::vector<T> ring_;  // size 0 or a power of 2
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

// Header quadlets before the header CRC, by tcode (IEEE 1394-1995 6.2): 1 for a stream
// (isochronous) packet, 3 for a write response and a read-quadlet request, 4 for the rest (the
// cycle start among them).
inline unsigned header_quadlets(unsigned tcode) {
  switch (tcode) {
    case kTcodeIsochronous:
      return 1;
    case 0x2:
    case 0x4:
      return 3;
    default:
      return 4;
  }
}

}  // namespace detail

template <class Core>
class Bus {
 public:
  static constexpr std::size_t kMaxNodes = 63;

  explicit Bus(const BusConfig& config = {}) { set_config(config); }
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  // Replaces the configuration and reseeds the fault generator (between packets).
  void set_config(const BusConfig& config) {
    if (config.data_on_cycles == 0)
      throw std::invalid_argument("BusConfig::data_on_cycles must be at least 1");
    config_ = config;
    rng_.seed(config.seed);
  }
  const BusConfig& config() const { return config_; }
  // Called once per grant when it starts arbitrating; its faults are added to the drawn ones.
  void set_fault_hook(std::function<BusFault(const RepeatInfo&)> hook) {
    fault_hook_ = std::move(hook);
  }
  // Resets the bus at the first cycle it is free (no grant, nothing repeated): every PHY sends
  // its link a 2-clk status with S2 (bus reset) set, then Idle; then bus_reset_cycles (a long
  // reset: long_bus_reset_cycles) of Idle; then the self-ID phase: in Physical_ID order, each
  // node's self-ID packets (phy_model.hpp's self_id_packets) go to every node's link, its own
  // included, as S100 Receives: D data-on cycles (data_on_cycles), the S100 speed code, the
  // quadlet and its inverse 2 bits per cycle (32 cycles), Idle, and one more Idle before the next
  // packet (so a self-ID packet takes D + 35 cycles); then each PHY in turn sends its link an
  // 8-clk status carrying PHY register 0 (Physical_ID[7:2], R[1], PS[0]), then Idle. Node 0 is
  // the root with the highest Physical_ID (node count - 1); node k >= 1 gets k - 1. The topology
  // is a star: the root's ports 0..n-2 lead to nodes 1..n-1 (child, code 11), each other node's
  // port 0 to the root (parent, 10); remaining ports are not connected (01); the root has
  // max(3, n - 1) ports, the others 3. Self-ID packets are sent for buses of at most 28 nodes
  // (27 root ports is what self-ID packets can describe). The initiator's self-ID has i = 1.
  // A reset requested by a PHY's link (WrReg of reg 1 IBR: long, reg 5 ISBR: short) is done the
  // same way with that node as initiator. Bus requests wait until it is over (they are not
  // cancelled).
  enum class ResetKind { Short, Long };
  void request_bus_reset(ResetKind kind = ResetKind::Short, std::size_t initiator = kNone) {
    reset_pending_ = true;
    reset_kind_ = kind;
    reset_initiator_ = initiator;
  }
  // Cycles of the self-ID phase for the current node count (0 when none are sent): from the
  // first self-ID packet's data-on to the cycle after the last one's second Idle.
  std::uint64_t self_id_phase_cycles() const {
    if (!config_.self_id_packets || members_.size() > kMaxSelfIdNodes) return 0;
    std::uint64_t packets = 0;
    for (std::size_t node = 0; node < members_.size(); ++node)
      packets += self_id_packets(members_[node].phy->registers(), false).size();
    return packets * (config_.data_on_cycles + kSelfIdPacketCycles);
  }
  // The Physical_ID node `node` gets at a bus reset.
  std::uint32_t physical_id(std::size_t node) const {
    return node == 0 ? static_cast<std::uint32_t>(members_.size() - 1)
                     : static_cast<std::uint32_t>(node - 1);
  }

  // Called at the end of every packet on the bus, with its record.
  void set_on_packet(std::function<void(const BusPacket&)> hook) { on_packet_ = std::move(hook); }

  // Joins `phy` (which drives `core`'s PHY pins) to the bus as the next node; returns its index.
  std::size_t attach(PhyModel<Core>& phy, Core& core) {
    if (members_.size() == kMaxNodes) throw std::length_error("a 1394 bus has at most 63 nodes");
    phy.join_bus();
    members_.push_back(Member{&phy, &core});
    stats_.packets_received.push_back(0);
    return members_.size() - 1;
  }
  std::size_t node_count() const { return members_.size(); }
  PhyModel<Core>& phy(std::size_t node) { return *members_.at(node).phy; }

  const std::vector<BusPacket>& packets() const { return packets_; }
  void clear_packets() { packets_.clear(); }
  const BusStats& stats() const { return stats_; }
  // No request queued or granted, nothing being repeated, every PHY idle.
  bool idle() const {
    if (owner_ != kNone || !requests_.empty() || !symbols_.empty()) return false;
    return std::all_of(members_.begin(), members_.end(),
                       [](const Member& member) { return member.phy->idle(); });
  }

  void drive(std::uint64_t cycle) {
    if (owner_ != kNone && !in_packet_) {
      const Member& talker = members_[owner_];
      if (talker.phy->may_transmit() &&
          PhyModel<Core>::link_ctl(*talker.core) == PhyModel<Core>::kCtlTransmit)
        begin_packet(cycle);
    }
    Symbol symbol{};
    if (!symbols_.empty()) {
      symbol = symbols_.front();
      symbols_.pop();
    }
    for (std::size_t node = 0; node < members_.size(); ++node) {
      PhyModel<Core>& phy = *members_[node].phy;
      auto& receive = phy.receive_;
      receive.drive = ((symbol.receivers >> node) & 1u) != 0;
      receive.ctl = symbol.ctl;
      receive.d = symbol.d;
      if (receive.drive && symbol.last) {
        ++phy.packets_received_;
        ++stats_.packets_received[node];
      }
      phy.drive(*members_[node].core);
    }
  }

  void sample(std::uint64_t cycle) {
    for (std::size_t node = 0; node < members_.size(); ++node) {
      PhyModel<Core>& phy = *members_[node].phy;
      phy.sample(*members_[node].core, cycle);
      if (phy.reset_request_ != PhyModel<Core>::ResetKind::None) {
        request_bus_reset(phy.reset_request_ == PhyModel<Core>::ResetKind::Long ? ResetKind::Long
                                                                                : ResetKind::Short,
                          node);
        phy.reset_request_ = PhyModel<Core>::ResetKind::None;
      }
    }
    for (std::size_t node = 0; node < members_.size(); ++node) {
      PhyModel<Core>& phy = *members_[node].phy;
      if (!phy.has_bus_request_) continue;
      phy.has_bus_request_ = false;
      ++phy.queued_on_bus_;
      requests_.push(QueuedRequest{node, phy.bus_request_});
    }
    if (owner_ != kNone) {
      const PhyModel<Core>& talker = *members_[owner_].phy;
      if (talker.sampled_transmit_) {
        // Not seen in drive() only if the link's output changed within the cycle (a violation).
        if (!in_packet_) begin_packet(cycle + 1);
        repeat_chunk(talker.sampled_d_);
      } else if (in_packet_) {
        end_packet();
      }
      if (!talker.arbitrating_or_owned()) owner_ = kNone;  // the bus is free from this cycle
    }
    if (owner_ == kNone && reset_pending_ && !in_packet_) start_bus_reset();
    if (owner_ == kNone && !requests_.empty()) start_arbitration();
  }

 public:
  static constexpr std::size_t kNone = SIZE_MAX;

 private:
  static constexpr std::size_t kMaxSelfIdNodes = 28;
  // A self-ID packet after its data-on: speed code, 32 cycles of data, two Idles.
  static constexpr unsigned kSelfIdPacketCycles = 1 + 32 + 2;
  static constexpr std::uint64_t kNoFlip = UINT64_MAX;
  static constexpr std::uint8_t kCtlIdle = 0b00, kCtlStatus = 0b01, kCtlReceive = 0b10,
                                kDataOn = 0xFF;

  struct Member {
    PhyModel<Core>* phy;
    Core* core;
  };
  struct QueuedRequest {
    std::size_t node = 0;
    LinkRequest request;
  };
  // What the receivers' PHYs drive in one cycle.
  struct Symbol {
    std::uint64_t receivers = 0;  // bit i: node i drives it
    std::uint8_t ctl = 0;
    std::uint8_t d = 0;
    bool last = false;  // the closing Idle of a packet
  };

  static unsigned bits_per_cycle(unsigned speed) { return speed == 0 ? 2 : speed == 1 ? 4 : 8; }
  static std::uint8_t speed_code(unsigned speed) {
    return speed == 0 ? 0x00 : speed == 1 ? 0x40 : 0x50;
  }

  bool draw(double rate) {
    if (rate <= 0.0) return false;
    return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < rate;
  }

  void start_arbitration() {
    const QueuedRequest queued = requests_.front();
    requests_.pop();
    PhyModel<Core>& phy = *members_[queued.node].phy;
    --phy.queued_on_bus_;
    const bool cycle_start = queued.request.type == LreqType::PriReq;
    BusFault fault;
    fault.corrupt_header_crc = draw(config_.header_crc_rate);
    fault.corrupt_data_crc = draw(config_.data_crc_rate);
    fault.drop = draw(config_.drop_rate);
    if (cycle_start && draw(config_.cycle_start_delay_rate))
      fault.delay_cycle_start = config_.cycle_start_delay_cycles;
    if (fault_hook_) {
      const BusFault hooked = fault_hook_(RepeatInfo{.sender = queued.node,
                                                     .request = queued.request.type,
                                                     .speed = queued.request.speed,
                                                     .ordinal = stats_.packets_repeated,
                                                     .cycle_start = cycle_start,
                                                     .request_cycle = queued.request.cycle});
      fault.corrupt_header_crc |= hooked.corrupt_header_crc;
      fault.corrupt_data_crc |= hooked.corrupt_data_crc;
      fault.drop |= hooked.drop;
      fault.delay_cycle_start += hooked.delay_cycle_start;
    }
    if (!cycle_start) fault.delay_cycle_start = 0;
    if (fault.delay_cycle_start > 0) ++stats_.cycle_start_delays;
    grant_faults_ = fault;
    grant_speed_ = queued.request.speed;
    // Grant in g = s + 1 + countdown: after the gap (and the delay), and after the repeat.
    const std::size_t countdown = std::max<std::size_t>(
        std::size_t{phy.config().arbitration_delay} + fault.delay_cycle_start, symbols_.size());
    phy.start_arbitration(queued.request, static_cast<unsigned>(countdown));
    owner_ = queued.node;
  }

  // The status symbols of a bus reset (request_bus_reset). Status bit S(2k) goes on D0 and
  // S(2k+1) on D1 in the k-th cycle of a transfer.
  void start_bus_reset() {
    reset_pending_ = false;
    ++stats_.bus_resets;
    const std::uint64_t all =
        members_.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << members_.size()) - 1;
    symbols_.push(Symbol{all, kCtlStatus, 0x00, false});  // S0 S1
    symbols_.push(Symbol{all, kCtlStatus, 0x80, false});  // S2 (bus reset) S3
    symbols_.push(Symbol{all, kCtlIdle, 0x00, false});
    const unsigned idle =
        reset_kind_ == ResetKind::Long ? config_.long_bus_reset_cycles : config_.bus_reset_cycles;
    for (unsigned i = 0; i < idle; ++i) symbols_.push(Symbol{});
    // Tree identify: the star topology and each PHY's register 0.
    const std::size_t count = members_.size();
    for (std::size_t node = 0; node < count; ++node) {
      PhyRegisters& regs = members_[node].phy->registers();
      regs.set_identity(physical_id(node), node == 0);
      std::vector<PortStatus> ports(node == 0 ? std::max<std::size_t>(3, count - 1) : 3,
                                    PortStatus::NotConnected);
      if (node == 0)
        std::fill(ports.begin(), ports.begin() + static_cast<std::ptrdiff_t>(count - 1),
                  PortStatus::Child);
      else
        ports[0] = PortStatus::Parent;
      regs.set_ports(std::move(ports));
    }
    // Self-identify, in Physical_ID order: node k >= 1 has k - 1, the root the last.
    if (config_.self_id_packets && count <= kMaxSelfIdNodes) {
      for (std::size_t id = 0; id < count; ++id) {
        const std::size_t node = id + 1 == count ? 0 : id + 1;
        for (const std::uint32_t quadlet :
             self_id_packets(members_[node].phy->registers(), node == reset_initiator_)) {
          for (unsigned i = 0; i < config_.data_on_cycles; ++i)
            symbols_.push(Symbol{all, kCtlReceive, kDataOn, false});
          symbols_.push(Symbol{all, kCtlReceive, speed_code(0), false});
          const std::uint64_t bits = std::uint64_t{quadlet} << 32 | std::uint32_t{~quadlet};
          for (unsigned k = 0; k < 32; ++k)
            symbols_.push(Symbol{all, kCtlReceive,
                                 static_cast<std::uint8_t>(((bits >> (62 - 2 * k)) & 0x3u) << 6),
                                 false});
          symbols_.push(Symbol{all, kCtlIdle, 0x00, false});
          symbols_.push(Symbol{all, kCtlIdle, 0x00, false});
          ++stats_.self_id_packets;
        }
      }
    }
    for (std::size_t node = 0; node < count; ++node) {
      const std::uint64_t to = std::uint64_t{1} << node;
      // S0-S3 clear, S4-S7 register address 0, S8-S15 its value MSB first.
      const std::uint16_t bits = members_[node].phy->registers().read(0);
      for (unsigned k = 0; k < 8; ++k) {
        const unsigned pair = (bits >> (14 - 2 * k)) & 0x3u;  // S(2k), S(2k+1) of bits S0..S15
        symbols_.push(Symbol{to, kCtlStatus, static_cast<std::uint8_t>(pair << 6), false});
      }
      symbols_.push(Symbol{to, kCtlIdle, 0x00, false});
    }
  }

  // A packet of the talker begins; `next_drive` is the first cycle its data-on can be driven.
  void begin_packet(std::uint64_t next_drive) {
    in_packet_ = true;
    width_ = bits_per_cycle(grant_speed_);
    bit_pos_ = 0;
    q0_ = 0;
    header_flip_ = data_flip_ = kNoFlip;
    applied_ =
        BusFault{.drop = grant_faults_.drop, .delay_cycle_start = grant_faults_.delay_cycle_start};
    receivers_ = 0;
    if (grant_faults_.drop) {
      ++stats_.drops;
    } else {
      for (std::size_t node = 0; node < members_.size(); ++node)
        if (node != owner_ && members_[node].phy->config().max_speed >= grant_speed_)
          receivers_ |= std::uint64_t{1} << node;
    }
    receive_first_cycle_ = 0;
    if (receivers_ == 0) return;
    receive_first_cycle_ = next_drive + symbols_.size();
    for (unsigned i = 0; i < config_.data_on_cycles; ++i)
      symbols_.push(Symbol{receivers_, kCtlReceive, kDataOn, false});
    symbols_.push(Symbol{receivers_, kCtlReceive, speed_code(grant_speed_), false});
  }

  void repeat_chunk(std::uint8_t chunk) {
    if (bit_pos_ < 32) {
      q0_ = (q0_ << width_) | (chunk >> (8 - width_));
      if (bit_pos_ + width_ == 32) plan_crc_faults();
    }
    chunk = flip(chunk, header_flip_, applied_.corrupt_header_crc, stats_.header_crc_faults);
    chunk = flip(chunk, data_flip_, applied_.corrupt_data_crc, stats_.data_crc_faults);
    bit_pos_ += width_;
    if (receivers_ != 0) symbols_.push(Symbol{receivers_, kCtlReceive, chunk, false});
  }

  // Quadlet 0 has passed: where the grant's CRC faults go.
  void plan_crc_faults() {
    if (receivers_ == 0) return;
    const unsigned tcode = (q0_ >> 4) & 0xFu;
    const std::uint32_t data_length = q0_ >> 16;
    if (grant_faults_.corrupt_header_crc) header_flip_ = 32u * detail::header_quadlets(tcode) + 7u;
    if (grant_faults_.corrupt_data_crc && tcode == kTcodeIsochronous && data_length > 0)
      data_flip_ = 8u * (11u + ((data_length + 3u) & ~3u)) + 7u;
  }

  // Inverts wire bit `target` of the packet if it is in this chunk (D0 = phy_d[7] first).
  std::uint8_t flip(std::uint8_t chunk, std::uint64_t target, bool& applied,
                    std::uint64_t& counter) {
    if (target < bit_pos_ || target >= bit_pos_ + width_) return chunk;
    applied = true;
    ++counter;
    return static_cast<std::uint8_t>(chunk ^ (0x80u >> (target - bit_pos_)));
  }

  void end_packet() {
    in_packet_ = false;
    if (receivers_ != 0) symbols_.push(Symbol{receivers_, kCtlIdle, 0, true});
    BusPacket record;
    static_cast<WirePacket&>(record) = members_[owner_].phy->current_packet();
    record.sender = owner_;
    record.receivers = receivers_;
    record.receive_first_cycle = receive_first_cycle_;
    record.faults = applied_;
    if (header_flip_ != kNoFlip) record.header_crc_byte = header_flip_ / 8;
    if (data_flip_ != kNoFlip) record.data_crc_byte = data_flip_ / 8;
    ++stats_.packets_repeated;
    packets_.push_back(std::move(record));
    if (on_packet_) on_packet_(packets_.back());
  }

  BusConfig config_;
  std::mt19937_64 rng_;
  std::function<BusFault(const RepeatInfo&)> fault_hook_;
  std::function<void(const BusPacket&)> on_packet_;
  std::vector<Member> members_;

  detail::Fifo<QueuedRequest> requests_;  // bus requests waiting to arbitrate, in order
  std::size_t owner_ = kNone;             // the node arbitrating for or owning the bus
  bool reset_pending_ = false;
  ResetKind reset_kind_ = ResetKind::Short;
  std::size_t reset_initiator_ = kNone;
  BusFault grant_faults_;  // decided for its grant
  unsigned grant_speed_ = 0;

  // The talker's packet being repeated.
  bool in_packet_ = false;
  std::uint64_t receivers_ = 0;
  std::uint64_t receive_first_cycle_ = 0;
  BusFault applied_;
  unsigned width_ = 8;                   // bits per chunk
  std::uint64_t bit_pos_ = 0;            // wire bits of the packet so far
  std::uint32_t q0_ = 0;                 // its first quadlet, while it passes
  std::uint64_t header_flip_ = kNoFlip;  // wire bit positions the CRC faults invert
  std::uint64_t data_flip_ = kNoFlip;
  detail::Fifo<Symbol> symbols_;  // what the receivers drive, one entry per cycle from now on

  std::vector<BusPacket> packets_;
  BusStats stats_;
};

}  // namespace ohci::sim
