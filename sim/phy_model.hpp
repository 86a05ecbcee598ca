// PhyModel: a behavioural 1394a PHY on one node's PHY-link pins: it decodes LREQ, gets the link
// its grants, checks the link's side of the CTL/D protocol, captures every packet the link
// transmits, and drives Receive to the link when the bus repeats another node's packet.
// Reference: ../shared/reference/ohci-isoch.md 4.4.
//
// On its own a PhyModel is a bus of one node: it arbitrates for its link alone (the timing
// below) and never receives. Attached to a Bus (bus.hpp) it hands its link's bus requests to the
// Bus, which arbitrates between all nodes with the same timing, decides when this PHY drives
// Grant, and tells it what to drive while it repeats another node's packet; the Bus then calls
// drive() and sample().
//
// Pins owned (driven in drive()): phy_ctl_i, phy_d_i, phy_linkon (always 0).
// Bit order (DESIGN.md): phy_d[7] is D0, the first bit on the wire; phy_ctl[1] is CTL0, so the
// CTL values read 2'b00 Idle, 2'b01 Status (PHY) / Hold (link), 2'b10 Receive / Transmit,
// 2'b11 Grant (PHY only).
// CTL and D are split tri-states: drive() puts the resolved bus on phy_ctl_i/phy_d_i: the PHY's
// value while it drives, else the link's phy_ctl_o/phy_d_o while phy_ctl_oe/phy_d_oe, else 0
// (pulled low). If both drive in one cycle that is a violation and the PHY's value wins. The
// link's outputs are read in drive(): they must be registered (they are in ohci_link_tx), and a
// change between drive() and sample() is recorded as a violation.
//
// Timing, in the cycle numbers of sample(core, cycle) (drive, eval, sample, rising edge):
//   - LREQ is shifted in one bit per cycle, MSB first, idle low: start 1, type[2:0], then for bus
//     requests (ImmReq, IsoReq, PriReq, FairReq) speed[2:0] (000 S100, 010 S200, 100 S400) and a
//     stop 0: 8 bits. RdReg adds address[3:0] (9 bits), WrReg address[3:0] and data[7:0] (17
//     bits), AccelCtl one control bit (6 bits); those are recorded in link_requests() and
//     otherwise ignored. A request is complete at cycle r, the one whose sample() sees its stop
//     bit.
//   - Arbitration: a bus request starts arbitrating at cycle s = the later of r and the cycle the
//     bus became free; the PHY drives Grant (CTL=11, D=0) in cycle g = s + 1 + arbitration_delay
//     (grant_cycle), Idle (CTL=00, D=0) in g + 1, and releases CTL and D from g + 2. Requests are
//     served in the order they complete; while the link owns the bus no Grant is given.
//     Default delay 4: with the bus free, Grant is seen 5 cycles after the stop bit. On a Bus the
//     same rule holds bus-wide (the bus is free when no node's link owns it), and the Bus may
//     put g later (a delayed cycle start, a repeat still under way): bus.hpp.
//   - The link owns the bus from g + 2. It may drive at most one Idle, then Hold (at most 47
//     cycles), then Transmit with data on D at the request's speed: S400 all of D0-D7
//     (phy_d[7:0]), S200 D0-D3 (phy_d[7:4]), S100 D0-D1 (phy_d[7:6]), unused lines low. Bits are
//     assembled MSB first (D0 first). first_data_cycle is the first Transmit cycle. The packet
//     ends at the first cycle the link drives Idle (or Hold: a concatenated packet follows in
//     the same grant); the link drives Idle for 2 cycles in total, then releases (oe low). The
//     first cycle it does not drive CTL is the cycle the bus becomes free.
//   - A link that does not drive at g + 2, or drives Idle and releases without a packet, gives
//     the grant back (counted in unused_grants(), no violation).
//   - Receive (on a Bus only): while the Bus repeats another node's packet to this PHY, the PHY
//     drives CTL=10 with data-on, the speed code and the data, then CTL=00 Idle for one cycle
//     (bus.hpp has the cycles); packets_received() counts the packets it delivered this way.
//     PhyConfig::max_speed is the fastest packet the PHY can receive; slower PHYs get nothing of a
//     faster packet.
//   - PHY registers (1394a): base registers 0-7 and the paged registers 8-15 (page 0: the
//     status of the port in reg 7's Port_select; page 1: the vendor ID page), PhyRegisters
//     below. A WrReg is applied at its stop-bit cycle r: reg 1's IBR asks for a long bus reset,
//     reg 5's ISBR for a short one (both self-clear; on a Bus the Bus performs them), reg 5's
//     interrupt bits (5:2) are write-1-to-clear; registers 0, 2, 3 and the paged ones ignore
//     writes. A RdReg is answered with a register status transfer (CTL=01, 8 cycles: S0-S3 0,
//     S4-S7 the address, S8-S15 the value, 2 bits per cycle on D0-D1), then one cycle of Idle:
//     in r + 1 .. r + 8 (Idle r + 9) when the PHY has nothing else to drive to its link then,
//     otherwise from the first cycle it has not (a Grant or a Receive that interrupts it starts
//     it again from S0 afterwards; while a status is under way a pending Grant waits).
// Violations (each "cycle N: ..."): link driving while the PHY does (Grant, Idle after Grant,
// Receive) or without a grant, the reserved CTL code 11 from the link, more than 47 Hold cycles,
// Transmit without D driven, data on D lines unused at the speed, a packet that is not a whole
// number of bytes, a release without 2 Idle cycles, Idle beyond 2 cycles (not releasing), Hold
// or Transmit after the release Idle, a malformed LREQ (stop bit 1, speed code not
// S100/S200/S400, type 111). A PHY told to drive Grant and Receive in one cycle records a
// violation too (a Bus that breaks its own rule; it never should).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ohci::sim {

struct PhyConfig {
  // Grant comes arbitration_delay + 1 cycles after a request starts arbitrating (see above): on
  // a Bus this is the isochronous gap.
  unsigned arbitration_delay = 4;
  // The fastest packet this PHY receives: 0 S100, 1 S200, 2 S400 (on a Bus).
  unsigned max_speed = 2;
  // Power-on register values that go into this node's self-ID packet (1394a register map).
  unsigned gap_count = 63;       // reg 1
  bool link_active = true;       // reg 4 L (LCtrl)
  bool contender = false;        // reg 4 C
  unsigned power_class = 0;      // reg 4 Pwr_class
  std::uint32_t vendor_id = 0;   // page 1, regs 10-12 (24 bits)
  std::uint32_t product_id = 0;  // page 1, regs 13-15 (24 bits)
};

// The connection of one PHY port, as the Bus's topology has it (self-ID codes).
enum class PortStatus : std::uint8_t { NotPresent = 0, NotConnected = 1, Parent = 2, Child = 3 };

// A 1394a PHY's registers.
class PhyRegisters {
 public:
  static constexpr unsigned kPorts = 3;        // ports reported in reg 2 (at least; see set_ports)
  static constexpr std::uint8_t kIbr = 0x40;   // reg 1: initiate (long) bus reset
  static constexpr std::uint8_t kIsbr = 0x40;  // reg 5: initiate short bus reset
  static constexpr std::uint8_t kInterruptBits =
      0x3C;                                          // reg 5: Loop, Pwr_fail, Timeout, Port_event
  static constexpr std::uint8_t kLinkActive = 0x80;  // reg 4 L
  static constexpr std::uint8_t kContender = 0x40;   // reg 4 C
  static constexpr std::uint8_t kCompliance1394a = 0x01;

  explicit PhyRegisters(const PhyConfig& config) {
    base_[1] = static_cast<std::uint8_t>(config.gap_count & 0x3Fu);
    base_[3] = static_cast<std::uint8_t>((config.max_speed & 0x7u) << 5);  // Max_speed, Delay 0
    base_[4] = static_cast<std::uint8_t>((config.link_active ? kLinkActive : 0) |
                                         (config.contender ? kContender : 0) |
                                         (config.power_class & 0x7u));
    vendor_id_ = config.vendor_id & 0xFFFFFFu;
    product_id_ = config.product_id & 0xFFFFFFu;
    set_ports(std::vector<PortStatus>(kPorts, PortStatus::NotConnected));
  }

  // Register `address` (0-15) as a RdReg reads it.
  std::uint8_t read(unsigned address) const {
    address &= 0xFu;
    if (address < 8) return base_[address];
    const unsigned page = base_[7] >> 5, port = base_[7] & 0xFu;
    if (page == 0) {  // the port status page
      if (port >= ports_.size() || address > 9) return 0;
      const PortStatus status = ports_[port];
      const bool connected = status == PortStatus::Parent || status == PortStatus::Child;
      if (address == 8)
        return static_cast<std::uint8_t>((status == PortStatus::Child ? 0x08 : 0) |
                                         (connected ? 0x04 : 0));
      return static_cast<std::uint8_t>(connected ? (base_[3] & 0xE0u) : 0);  // Negotiated_speed
    }
    if (page == 1) {  // the vendor ID page
      switch (address) {
        case 8:
          return kCompliance1394a;
        case 10:
          return static_cast<std::uint8_t>(vendor_id_ >> 16);
        case 11:
          return static_cast<std::uint8_t>(vendor_id_ >> 8);
        case 12:
          return static_cast<std::uint8_t>(vendor_id_);
        case 13:
          return static_cast<std::uint8_t>(product_id_ >> 16);
        case 14:
          return static_cast<std::uint8_t>(product_id_ >> 8);
        case 15:
          return static_cast<std::uint8_t>(product_id_);
        default:
          return 0;
      }
    }
    return 0;
  }

  // What a WrReg does to the registers; returns what it asks of the bus.
  enum class ResetRequest { None, Long, Short };
  ResetRequest write(unsigned address, std::uint8_t value) {
    switch (address & 0xFu) {
      case 1:
        base_[1] = static_cast<std::uint8_t>(value & ~kIbr);
        return (value & kIbr) ? ResetRequest::Long : ResetRequest::None;
      case 4:
        base_[4] = value;
        return ResetRequest::None;
      case 5:
        base_[5] = static_cast<std::uint8_t>((base_[5] & ~value & kInterruptBits) |
                                             (value & ~(kIsbr | kInterruptBits)));
        return (value & kIsbr) ? ResetRequest::Short : ResetRequest::None;
      case 6:
      case 7:
        base_[address & 0xFu] = value;
        return ResetRequest::None;
      default:
        return ResetRequest::None;  // read-only
    }
  }

  // Set by the Bus at a bus reset: register 0 (Physical_ID, R, PS = 1) and the ports.
  void set_identity(unsigned physical_id, bool root) {
    base_[0] = static_cast<std::uint8_t>((physical_id & 0x3Fu) << 2 | (root ? 0x2u : 0x0u) | 0x1u);
  }
  void set_ports(std::vector<PortStatus> ports) {
    ports_ = std::move(ports);
    base_[2] = static_cast<std::uint8_t>(0xE0u | (std::min<std::size_t>(ports_.size(), 15) & 0xFu));
  }
  const std::vector<PortStatus>& ports() const { return ports_; }
  unsigned physical_id() const { return base_[0] >> 2; }
  unsigned gap_count() const { return base_[1] & 0x3Fu; }
  bool link_active() const { return (base_[4] & kLinkActive) != 0; }
  bool contender() const { return (base_[4] & kContender) != 0; }
  unsigned power_class() const { return base_[4] & 0x7u; }
  unsigned max_speed() const { return base_[3] >> 5; }

 private:
  std::array<std::uint8_t, 8> base_{};
  std::vector<PortStatus> ports_;
  std::uint32_t vendor_id_ = 0;
  std::uint32_t product_id_ = 0;
};

// The self-ID packet(s) of a PHY (IEEE 1394a 4.3.4.1): packet 0 with ports 0-2, then extended
// packets n = 0, 1, 2 with 8 ports each while ports remain. `initiated`: this PHY started the
// reset. Only the first quadlet of each packet; the wire carries it and its inverse.
inline std::vector<std::uint32_t> self_id_packets(const PhyRegisters& regs, bool initiated) {
  const std::vector<PortStatus>& ports = regs.ports();
  auto port = [&](std::size_t i) {
    return i < ports.size() ? static_cast<std::uint32_t>(ports[i]) : 0u;
  };
  const std::uint32_t id = (0x2u << 30) | ((regs.physical_id() & 0x3Fu) << 24);
  std::vector<std::uint32_t> packets;
  packets.push_back(id | (regs.link_active() ? 1u << 22 : 0u) | (regs.gap_count() << 16) |
                    (std::min(regs.max_speed(), 3u) << 14) | (regs.contender() ? 1u << 11 : 0u) |
                    (regs.power_class() << 8) | (port(0) << 6) | (port(1) << 4) | (port(2) << 2) |
                    (initiated ? 1u << 1 : 0u));
  for (std::uint32_t n = 0; n < 3 && 3 + 8 * n < ports.size(); ++n) {
    std::uint32_t q = id | (1u << 23) | (n << 20);
    for (std::uint32_t k = 0; k < 8; ++k) q |= port(3 + 8 * n + k) << (16 - 2 * k);
    packets.back() |= 1u;  // m: more packets follow
    packets.push_back(q);
  }
  return packets;
}

enum class LreqType : std::uint8_t {
  ImmReq = 0,
  IsoReq = 1,
  PriReq = 2,
  FairReq = 3,
  RdReg = 4,
  WrReg = 5,
  AccelCtl = 6,
  Reserved = 7,
};

// One decoded LREQ.
struct LinkRequest {
  std::uint64_t cycle = 0;  // the cycle whose sample() saw its stop bit
  LreqType type = LreqType::FairReq;
  unsigned speed = 0;        // bus requests: 0 S100, 1 S200, 2 S400
  std::uint8_t address = 0;  // RdReg, WrReg
  std::uint8_t data = 0;     // WrReg: the byte; AccelCtl: the control bit
};

// One packet as the link put it on D.
struct WirePacket {
  LreqType request = LreqType::FairReq;  // the bus request it was granted for
  unsigned speed = 0;                    // 0 S100, 1 S200, 2 S400 (as in OHCI's spd)
  std::uint64_t request_cycle = 0;       // the request's stop bit (LinkRequest::cycle)
  std::uint64_t grant_cycle = 0;         // the cycle the PHY drove Grant
  std::uint64_t first_data_cycle = 0;    // the first Transmit cycle
  std::uint64_t last_data_cycle = 0;     // the last Transmit cycle
  std::vector<std::uint8_t> bytes;       // in wire order
  bool whole_bytes = true;               // false if the bit count was not a multiple of 8
};

template <class Core>
class Bus;

template <class Core>
class PhyModel {
 public:
  explicit PhyModel(const PhyConfig& config = {}) : config_(config), registers_(config) {}

  const PhyConfig& config() const { return config_; }
  const PhyRegisters& registers() const { return registers_; }
  PhyRegisters& registers() { return registers_; }
  // Bus resets its link asked for through reg 1 (IBR) or reg 5 (ISBR), in order.
  std::uint64_t bus_resets_requested() const { return bus_resets_requested_; }
  // Register statuses this PHY sent its link in answer to RdReg.
  std::uint64_t register_reads() const { return register_reads_; }
  void set_on_packet(std::function<void(const WirePacket&)> hook) { on_packet_ = std::move(hook); }
  const std::vector<WirePacket>& packets() const { return packets_; }
  void clear_packets() { packets_.clear(); }
  const std::vector<LinkRequest>& link_requests() const { return link_requests_; }
  const std::vector<std::string>& violations() const { return violations_; }
  std::uint64_t unused_grants() const { return unused_grants_; }
  // Packets this PHY repeated to its link (each counted at its closing Idle).
  std::uint64_t packets_received() const { return packets_received_; }
  // No request of this link queued or being shifted in, its link owns no grant and the PHY
  // drives no Receive.
  bool idle() const {
    return state_ == State::Free && pending_.empty() && queued_on_bus_ == 0 && lreq_bits_ == 0 &&
           !receive_.drive && status_.empty();
  }

  void drive(Core& core) {
    core.phy_linkon = 0;
    const bool granting = state_ == State::Grant || state_ == State::GrantIdle;
    if (granting && receive_.drive)
      violation(next_cycle_, "PHY told to drive Grant and Receive in one cycle (bus model error)");
    const bool free = state_ == State::Free || state_ == State::Arbitrating;
    const bool status = !granting && !receive_.drive && free && !status_.empty();
    if ((granting || receive_.drive) && status_position_ != 0) status_position_ = 0;  // cut: resend
    phy_drives_ = granting || receive_.drive || status;
    if (granting) {
      driven_ctl_ = state_ == State::Grant ? kCtlGrant : kCtlIdle;
      driven_d_ = 0;
    } else if (receive_.drive) {
      driven_ctl_ = receive_.ctl;
      driven_d_ = receive_.d;
    } else if (status) {
      const StatusTransfer& transfer = status_.front();
      if (status_position_ < 8) {
        driven_ctl_ = kCtlStatus;
        driven_d_ =
            static_cast<std::uint8_t>(((transfer.bits >> (14 - 2 * status_position_)) & 0x3u) << 6);
      } else {
        driven_ctl_ = kCtlIdle;
        driven_d_ = 0;
      }
      if (++status_position_ == 9) {
        status_position_ = 0;
        status_.pop_front();
        ++register_reads_;
      }
    } else {
      driven_ctl_ = link_ctl(core);
      driven_d_ = link_d(core);
    }
    core.phy_ctl_i = driven_ctl_;
    core.phy_d_i = driven_d_;
  }

  void sample(Core& core, std::uint64_t cycle) {
    const bool link_drives = core.phy_ctl_oe || core.phy_d_oe;
    const bool stale = !phy_drives_ && (link_ctl(core) != driven_ctl_ || link_d(core) != driven_d_);
    once(stale, stale_flagged_, cycle,
         "link CTL/D outputs changed between drive() and sample() (combinational path?)");
    next_cycle_ = cycle + 1;
    sampled_transmit_ = false;
    // (most clks: no request under way and LREQ low, nothing to decode)
    if (lreq_bits_ != 0 || core.phy_lreq) decode_lreq(core.phy_lreq != 0, cycle);
    switch (state_) {
      case State::Free:
      case State::Arbitrating:
        if (phy_drives_)
          once(link_drives, contention_flagged_, cycle, "link and PHY both drive (Receive)");
        else
          once(link_drives, unowned_flagged_, cycle, "link drives CTL/D without a grant");
        // (a register status under way finishes first: the Grant waits)
        if (state_ == State::Arbitrating && countdown_ > 1)
          --countdown_;
        else if (state_ == State::Arbitrating && status_position_ == 0)
          state_ = State::Grant;
        break;
      case State::Grant:
        once(link_drives, contention_flagged_, cycle, "link and PHY both drive (Grant)");
        current_.grant_cycle = cycle;
        state_ = State::GrantIdle;
        break;
      case State::GrantIdle:
        once(link_drives, contention_flagged_, cycle, "link and PHY both drive (Idle after Grant)");
        state_ = State::LinkOwns;
        phase_ = Phase::Start;
        break;
      case State::LinkOwns:
        observe_link(core, cycle);
        break;
    }
    if (!link_drives) unowned_flagged_ = contention_flagged_ = false;
    if (state_ == State::Free && !pending_.empty()) {
      start_arbitration(pending_.front(), config_.arbitration_delay);
      pending_.pop_front();
    }
  }

 private:
  friend class Bus<Core>;

  enum class State { Free, Arbitrating, Grant, GrantIdle, LinkOwns };
  // Where the link is in its use of a grant.
  enum class Phase { Start, AfterIdle, Hold, Data, Ending };
  static constexpr std::uint8_t kCtlIdle = 0b00, kCtlHold = 0b01, kCtlTransmit = 0b10,
                                kCtlGrant = 0b11, kCtlStatus = 0b01;
  static constexpr unsigned kMaxHold = 47;
  static constexpr unsigned kReleaseIdles = 2;

  static std::uint8_t link_ctl(const Core& core) {
    return core.phy_ctl_oe ? static_cast<std::uint8_t>(core.phy_ctl_o & 0x3u) : 0;
  }
  static std::uint8_t link_d(const Core& core) {
    return core.phy_d_oe ? static_cast<std::uint8_t>(core.phy_d_o) : 0;
  }
  static unsigned bits_per_cycle(unsigned speed) { return speed == 0 ? 2 : speed == 1 ? 4 : 8; }

  // Grants `request`: Grant is driven countdown + 1 cycles after the current one.
  void start_arbitration(const LinkRequest& request, unsigned countdown) {
    current_.bytes.clear();  // keeps its capacity
    current_ = WirePacket{.request = request.type,
                          .speed = request.speed,
                          .request_cycle = request.cycle,
                          .bytes = std::move(current_.bytes)};
    countdown_ = countdown;
    state_ = countdown_ == 0 ? State::Grant : State::Arbitrating;
  }

  // --- the Bus's side (friend Bus<Core>) ---
  // What the Bus has this PHY drive towards its link in the next drive().
  struct ReceiveDrive {
    bool drive = false;
    std::uint8_t ctl = 0;
    std::uint8_t d = 0;
  };
  // Attached to a Bus: bus requests go to the Bus (bus_request_) instead of pending_.
  void join_bus() { on_bus_ = true; }
  // The link may start a packet in this cycle (it owns the bus and has not begun its release).
  bool may_transmit() const { return state_ == State::LinkOwns && phase_ != Phase::Ending; }
  bool arbitrating_or_owned() const { return state_ != State::Free; }
  const WirePacket& current_packet() const { return current_; }

  void decode_lreq(bool bit, std::uint64_t cycle) {
    if (lreq_bits_ == 0 && !bit) return;  // idle low until a start bit
    lreq_value_ = (lreq_value_ << 1) | (bit ? 1u : 0u);
    ++lreq_bits_;
    if (lreq_bits_ < 4) return;
    const auto type = static_cast<LreqType>((lreq_value_ >> (lreq_bits_ - 4)) & 0x7u);
    const unsigned length = type == LreqType::RdReg      ? 9
                            : type == LreqType::WrReg    ? 17
                            : type == LreqType::AccelCtl ? 6
                                                         : 8;
    if (lreq_bits_ < length) return;
    LinkRequest request;
    request.cycle = cycle;
    request.type = type;
    const std::uint32_t fields = lreq_value_ >> 1;  // without the stop bit
    if (lreq_value_ & 1u) violation(cycle, "LREQ stop bit is 1");
    switch (type) {
      case LreqType::ImmReq:
      case LreqType::IsoReq:
      case LreqType::PriReq:
      case LreqType::FairReq: {
        const unsigned code = fields & 0x7u;
        request.speed = code == 0 ? 0 : code == 2 ? 1 : code == 4 ? 2 : 0;
        if (code != 0 && code != 2 && code != 4)
          violation(cycle, "LREQ speed code " + std::to_string(code) + " is not S100/S200/S400");
        if (on_bus_) {
          bus_request_ = request;
          has_bus_request_ = true;
        } else {
          pending_.push_back(request);
        }
        break;
      }
      case LreqType::RdReg:
        request.address = static_cast<std::uint8_t>(fields & 0xFu);
        status_.push_back(StatusTransfer{
            static_cast<std::uint16_t>(request.address << 8 | registers_.read(request.address))});
        break;
      case LreqType::WrReg:
        request.address = static_cast<std::uint8_t>((fields >> 8) & 0xFu);
        request.data = static_cast<std::uint8_t>(fields & 0xFFu);
        switch (registers_.write(request.address, request.data)) {
          case PhyRegisters::ResetRequest::Long:
            ++bus_resets_requested_;
            reset_request_ = ResetKind::Long;
            break;
          case PhyRegisters::ResetRequest::Short:
            ++bus_resets_requested_;
            reset_request_ = ResetKind::Short;
            break;
          case PhyRegisters::ResetRequest::None:
            break;
        }
        break;
      case LreqType::AccelCtl:
        request.data = static_cast<std::uint8_t>(fields & 0x1u);
        break;
      case LreqType::Reserved:
        violation(cycle, "LREQ type 111 is reserved");
        break;
    }
    link_requests_.push_back(request);
    lreq_bits_ = 0;
    lreq_value_ = 0;
  }

  void observe_link(const Core& core, std::uint64_t cycle) {
    if (!core.phy_ctl_oe) {
      if (core.phy_d_oe) violation(cycle, "link drives D without CTL");
      release(cycle);
      return;
    }
    switch (core.phy_ctl_o & 0x3u) {
      case kCtlIdle:
        if (phase_ == Phase::Start) {
          phase_ = Phase::AfterIdle;
        } else if (phase_ == Phase::Ending) {
          if (++idles_ == kReleaseIdles + 1)
            violation(cycle, "link drives Idle beyond " + std::to_string(kReleaseIdles) +
                                 " cycles instead of releasing");
        } else {
          // A second Idle straight after the first gives the grant back with the ordinary
          // release; otherwise this Idle ends a packet (or a Hold) and starts the release.
          idles_ = phase_ == Phase::AfterIdle ? 2 : 1;
          if (phase_ == Phase::Data) finish_packet(cycle);
          phase_ = Phase::Ending;
        }
        break;
      case kCtlHold:
        if (phase_ == Phase::Ending) {
          violation(cycle, "link drives Hold after its release Idle");
        } else if (phase_ == Phase::Hold) {
          if (++hold_ == kMaxHold + 1)
            violation(cycle,
                      "link holds the bus longer than " + std::to_string(kMaxHold) + " cycles");
        } else {
          if (phase_ == Phase::Data) finish_packet(cycle);  // a concatenated packet follows
          phase_ = Phase::Hold;
          hold_ = 1;
        }
        break;
      case kCtlTransmit:
        if (phase_ == Phase::Ending) {
          violation(cycle, "link drives Transmit after its release Idle");
          break;
        }
        if (phase_ != Phase::Data) start_packet(cycle);
        take_data(core, cycle);
        break;
      default:
        violation(cycle, "link drives the reserved CTL code 11");
        break;
    }
  }

  // The link no longer drives CTL: the bus is free again.
  void release(std::uint64_t cycle) {
    switch (phase_) {
      case Phase::Start:
      case Phase::AfterIdle:
        break;
      case Phase::Hold:
        violation(cycle, "link releases the bus from Hold without Idle");
        break;
      case Phase::Data:
        finish_packet(cycle);
        violation(cycle, "link releases the bus without driving Idle");
        break;
      case Phase::Ending:
        if (idles_ < kReleaseIdles)
          violation(cycle, "link releases the bus after " + std::to_string(idles_) +
                               " Idle cycle(s) instead of " + std::to_string(kReleaseIdles));
        break;
    }
    if (!sent_in_grant_) ++unused_grants_;
    sent_in_grant_ = false;
    state_ = State::Free;
  }

  void start_packet(std::uint64_t cycle) {
    current_.bytes.clear();
    current_.whole_bytes = true;
    current_.first_data_cycle = cycle;
    bits_ = 0;
    bit_count_ = 0;
    unused_lines_flagged_ = false;
    phase_ = Phase::Data;
  }

  void take_data(const Core& core, std::uint64_t cycle) {
    current_.last_data_cycle = cycle;
    if (!core.phy_d_oe) violation(cycle, "link drives Transmit without driving D");
    const std::uint8_t pins = link_d(core);
    const unsigned width = bits_per_cycle(current_.speed);
    const auto unused_mask = static_cast<std::uint8_t>(0xFFu >> width);
    const bool unused_lines = (pins & unused_mask) != 0;
    if (unused_lines && !unused_lines_flagged_)
      violation(cycle, "data on D lines unused at S" + std::to_string(100u << current_.speed));
    unused_lines_flagged_ = unused_lines;
    sampled_transmit_ = true;
    sampled_d_ = static_cast<std::uint8_t>(pins & ~unused_mask);
    bits_ = (bits_ << width) | (pins >> (8 - width));
    bit_count_ += width;
    if (bit_count_ >= 8) {
      bit_count_ -= 8;
      current_.bytes.push_back(static_cast<std::uint8_t>(bits_ >> bit_count_));
      bits_ &= (1u << bit_count_) - 1u;
    }
  }

  void finish_packet(std::uint64_t cycle) {
    current_.whole_bytes = bit_count_ == 0;
    if (!current_.whole_bytes)
      violation(cycle, "packet of " + std::to_string(current_.bytes.size() * 8 + bit_count_) +
                           " bits is not a whole number of bytes");
    sent_in_grant_ = true;
    packets_.push_back(current_);
    if (on_packet_) on_packet_(packets_.back());
  }

  // Records `what` when `condition` rises; `flagged` remembers it was reported.
  // (A literal, not a std::string: this runs every cycle and must not allocate.)
  void once(bool condition, bool& flagged, std::uint64_t cycle, const char* what) {
    if (condition && !flagged) violation(cycle, what);
    flagged = condition;
  }

  void violation(std::uint64_t cycle, const std::string& what) {
    violations_.push_back("cycle " + std::to_string(cycle) + ": " + what);
  }

  // A register status transfer for the link: S0-S15 (S0 at bit 15).
  struct StatusTransfer {
    std::uint16_t bits = 0;
  };
  enum class ResetKind { None, Long, Short };

  PhyConfig config_;
  PhyRegisters registers_;
  std::deque<StatusTransfer> status_;
  unsigned status_position_ = 0;  // cycles of the front transfer driven (8 status + 1 Idle)
  ResetKind reset_request_ = ResetKind::None;  // for the Bus, from a WrReg
  std::uint64_t bus_resets_requested_ = 0;
  std::uint64_t register_reads_ = 0;
  State state_ = State::Free;
  Phase phase_ = Phase::Start;
  std::deque<LinkRequest> pending_;  // bus requests waiting for arbitration
  WirePacket current_;               // the granted request, and its packet being received
  unsigned countdown_ = 0;
  unsigned hold_ = 0;
  unsigned idles_ = 0;
  bool sent_in_grant_ = false;
  std::uint32_t bits_ = 0;  // received bits not yet a byte
  unsigned bit_count_ = 0;
  std::uint32_t lreq_value_ = 0;
  unsigned lreq_bits_ = 0;
  std::uint64_t next_cycle_ = 0;  // the cycle of the next drive()

  // On a Bus.
  bool on_bus_ = false;
  bool has_bus_request_ = false;  // bus_request_ completed in this sample(), for the Bus
  LinkRequest bus_request_;
  unsigned queued_on_bus_ = 0;     // this link's requests waiting in the Bus's queue
  bool sampled_transmit_ = false;  // the link drove a data chunk in this sample()
  std::uint8_t sampled_d_ = 0;     // that chunk (unused lines cleared)
  ReceiveDrive receive_;           // set by the Bus before drive()
  std::uint64_t packets_received_ = 0;

  bool phy_drives_ = false;
  std::uint8_t driven_ctl_ = 0;
  std::uint8_t driven_d_ = 0;
  bool stale_flagged_ = false;
  bool unowned_flagged_ = false;
  bool contention_flagged_ = false;
  bool unused_lines_flagged_ = false;

  std::vector<WirePacket> packets_;
  std::vector<LinkRequest> link_requests_;
  std::vector<std::string> violations_;
  std::uint64_t unused_grants_ = 0;
  std::function<void(const WirePacket&)> on_packet_;
};

}  // namespace ohci::sim
