// PhyModel: a behavioural 1394a PHY on one node's PHY-link pins, enough for the transmit path:
// it decodes LREQ, grants the bus, and captures what the link transmits.
//
// Pins (DESIGN.md): phy_d[7] is D0, the first bit on the wire; phy_ctl[1] is CTL0. CTL and D are
// split tri-states: the model drives phy_ctl_i/phy_d_i with the resolved bus (the PHY's value
// while it drives, else the link's while phy_ctl_oe/phy_d_oe, else 0) and records contention.
//
// Timing (edges as numbered by World::step()):
//   - LREQ is 8 bits {1, type[2:0], speed[2:0], 0} sampled one per edge; a request is complete
//     at the edge that samples its stop bit, r;
//   - the PHY drives Grant (CTL=11) for edge r + 1 + arbitration_delay, Idle (00) for the next
//     edge, then releases CTL and D;
//   - the link may drive at most one Idle, then Hold (01), then Transmit (10) with data at the
//     granted speed (S400: 8 bits on D0-D7, S200: 4 on D0-D3, S100: 2 on D0-D1, others low),
//     then Idle for two edges, then release.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace ohci::sim {

struct PhyConfig {
  unsigned arbitration_delay = 4;  // edges from a complete request to its Grant, minus one
};

enum class LreqType : std::uint8_t {
  ImmReq = 0,
  IsoReq = 1,
  PriReq = 2,
  FairReq = 3,
  RdReg = 4,
  WrReg = 5,
  AccelCtl = 6
};

struct WirePacket {
  LreqType request = LreqType::FairReq;
  unsigned speed = 0;                 // 0 S100, 1 S200, 2 S400
  std::uint64_t request_edge = 0;     // edge that sampled the request's stop bit
  std::uint64_t grant_edge = 0;       // edge at which the link saw Grant
  std::uint64_t first_data_edge = 0;  // first edge sampling Transmit with data
  std::uint64_t last_data_edge = 0;
  std::vector<std::uint8_t> bytes;
  bool whole_bytes = true;
};

template <class Core>
class PhyModel {
 public:
  explicit PhyModel(const PhyConfig& config = {}) : config_(config) {}

  void set_on_packet(std::function<void(const WirePacket&)> hook) { on_packet_ = std::move(hook); }
  const std::vector<WirePacket>& packets() const { return packets_; }
  const std::vector<std::string>& violations() const { return violations_; }
  void clear_packets() { packets_.clear(); }

  void drive(Core& core) {
    core.phy_linkon = 0;
    if (state_ == State::Grant || state_ == State::GrantIdle) {
      core.phy_ctl_i = state_ == State::Grant ? kCtlGrant : kCtlIdle;
      core.phy_d_i = 0;
    } else {
      core.phy_ctl_i = core.phy_ctl_oe ? core.phy_ctl_o : 0;
      core.phy_d_i = core.phy_d_oe ? core.phy_d_o : 0;
    }
  }

  void sample(Core& core, std::uint64_t edge) {
    decode_lreq(core.phy_lreq, edge);
    const bool link_drives = core.phy_ctl_oe || core.phy_d_oe;
    switch (state_) {
      case State::Free:
        if (link_drives) violation(edge, "link drives CTL/D without a grant");
        if (!requests_.empty()) {
          current_ = requests_.front();
          requests_.pop_front();
          countdown_ = config_.arbitration_delay;
          state_ = State::Arbitrating;
          if (countdown_ == 0) state_ = State::Grant;
        }
        break;
      case State::Arbitrating:
        if (link_drives) violation(edge, "link drives CTL/D without a grant");
        if (--countdown_ == 0) state_ = State::Grant;
        break;
      case State::Grant:
        if (link_drives) violation(edge, "contention: link drives during Grant");
        current_.grant_edge = edge;
        state_ = State::GrantIdle;
        break;
      case State::GrantIdle:
        if (link_drives) violation(edge, "contention: link drives during the PHY's Idle");
        state_ = State::LinkOwns;
        link_idle_ = 0;
        not_driving_ = 0;
        hold_ = 0;
        seen_data_ = false;
        bits_ = 0;
        bit_count_ = 0;
        break;
      case State::LinkOwns:
        observe_link(core, edge);
        break;
    }
  }

 private:
  enum class State { Free, Arbitrating, Grant, GrantIdle, LinkOwns };
  static constexpr std::uint8_t kCtlIdle = 0b00, kCtlHold = 0b01, kCtlTransmit = 0b10,
                                kCtlGrant = 0b11;

  void decode_lreq(bool bit, std::uint64_t edge) {
    if (lreq_bits_ == 0) {
      if (!bit) return;  // idle low until a start bit
      lreq_value_ = 1;
      lreq_bits_ = 1;
      return;
    }
    lreq_value_ = (lreq_value_ << 1) | (bit ? 1u : 0u);
    ++lreq_bits_;
    const unsigned type = lreq_bits_ >= 4 ? (lreq_value_ >> (lreq_bits_ - 4)) & 0x7 : 0;
    const unsigned length = type <= 3 ? 8 : type == 4 ? 9 : type == 5 ? 17 : 8;
    if (lreq_bits_ < length) return;
    if (lreq_value_ & 1u) violation(edge, "LREQ stop bit is not 0");
    if (type <= 3) {
      WirePacket request;
      request.request = static_cast<LreqType>(type);
      const unsigned speed_field = (lreq_value_ >> 1) & 0x7;
      request.speed = speed_field == 0 ? 0 : speed_field == 2 ? 1 : speed_field == 4 ? 2 : 3;
      if (request.speed == 3) violation(edge, "LREQ speed field is not S100/S200/S400");
      request.request_edge = edge;
      requests_.push_back(request);
    }
    lreq_bits_ = 0;
  }

  void observe_link(Core& core, std::uint64_t edge) {
    if (!core.phy_ctl_oe) {
      if (seen_data_) {
        if (link_idle_ == 0) violation(edge, "link released the bus without driving Idle");
        state_ = State::Free;
      } else if (hold_ > 0 || ++not_driving_ > 2) {
        state_ = State::Free;  // the link gave the grant back, or never took it
      }
      return;
    }
    const unsigned ctl = core.phy_ctl_o;
    if (ctl == kCtlTransmit) {
      if (!seen_data_) current_.first_data_edge = edge;
      seen_data_ = true;
      current_.last_data_edge = edge;
      take_data(core.phy_d_o, edge);
    } else if (ctl == kCtlHold) {
      if (seen_data_) violation(edge, "Hold after data");
      if (++hold_ > 47) violation(edge, "Hold longer than 47 cycles");
    } else if (ctl == kCtlIdle) {
      if (seen_data_) {
        if (link_idle_ == 0) finish_packet();
        if (++link_idle_ > 2) violation(edge, "link keeps driving Idle for more than 2 cycles");
      } else if (++link_idle_ > 1 || hold_ > 0) {
        violation(edge, "Idle before data beyond the one allowed");
      }
    } else {
      violation(edge, "link drives the reserved CTL code 11");
    }
  }

  void take_data(std::uint8_t pins, std::uint64_t edge) {
    const unsigned width = current_.speed == 0 ? 2 : current_.speed == 1 ? 4 : 8;
    const std::uint8_t unused_mask = static_cast<std::uint8_t>(0xFFu >> width);
    if (pins & unused_mask) violation(edge, "data on D lines unused at this speed");
    bits_ = (bits_ << width) | (pins >> (8 - width));
    bit_count_ += width;
    if (bit_count_ >= 8) {
      current_.bytes.push_back(static_cast<std::uint8_t>(bits_ >> (bit_count_ - 8)));
      bit_count_ -= 8;
      bits_ &= (1u << bit_count_) - 1u;
    }
  }

  void finish_packet() {
    current_.whole_bytes = bit_count_ == 0;
    packets_.push_back(current_);
    if (on_packet_) on_packet_(packets_.back());
    current_.bytes.clear();
  }

  void violation(std::uint64_t edge, const std::string& what) {
    std::ostringstream text;
    text << "cycle " << edge << ": " << what;
    violations_.push_back(text.str());
  }

  PhyConfig config_;
  State state_ = State::Free;
  std::deque<WirePacket> requests_;
  WirePacket current_;
  unsigned countdown_ = 0;
  unsigned link_idle_ = 0;
  unsigned not_driving_ = 0;  // cycles after the grant before the link drives
  unsigned hold_ = 0;
  bool seen_data_ = false;
  std::uint32_t bits_ = 0;
  unsigned bit_count_ = 0;
  std::uint32_t lreq_value_ = 0;
  unsigned lreq_bits_ = 0;
  std::vector<WirePacket> packets_;
  std::vector<std::string> violations_;
  std::function<void(const WirePacket&)> on_packet_;
};

}  // namespace ohci::sim
