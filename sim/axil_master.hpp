// AxilMaster: the CPU's side of ohci_core's AXI4-Lite register window. One access at a time;
// an access that gets no response within the timeout completes with timed_out set and every
// VALID dropped, instead of hanging (ZipCPU's bus models do the same).
//
// Cost: start_x() before a World::step() puts VALID on the bus for edge s = World::cycle().
// Against ohci_regs (READY one edge after VALID, response one edge after the handshake) a read
// completes at edge s+2 and a write at edge s+2: result().cycles() == 3 edges for either.
#pragma once

#include <cstdint>

namespace ohci::sim {

struct AxilResult {
  std::uint32_t data = 0;
  std::uint8_t resp = 0;
  std::uint64_t start_edge = 0;  // first edge with VALID on the bus
  std::uint64_t done_edge = 0;   // edge of the R or B handshake
  bool timed_out = false;
  std::uint64_t cycles() const { return done_edge - start_edge + 1; }
};

template <class Core>
class AxilMaster {
 public:
  explicit AxilMaster(unsigned timeout_cycles = 256) : timeout_cycles_(timeout_cycles) {}

  bool busy() const { return state_ != State::Idle; }
  const AxilResult& result() const { return result_; }

  void start_read(std::uint32_t address) {
    begin(State::ReadAddress);
    address_ = address;
  }
  void start_write(std::uint32_t address, std::uint32_t data, std::uint8_t strobe = 0xF) {
    begin(State::WriteAddressData);
    address_ = address;
    data_ = data;
    strobe_ = strobe;
    aw_done_ = false;
    w_done_ = false;
  }

  void drive(Core& core) {
    core.s_axil_arvalid = state_ == State::ReadAddress;
    core.s_axil_araddr = static_cast<std::uint16_t>(address_ & 0x7FF);
    core.s_axil_rready = state_ == State::ReadData;
    core.s_axil_awvalid = state_ == State::WriteAddressData && !aw_done_;
    core.s_axil_awaddr = static_cast<std::uint16_t>(address_ & 0x7FF);
    core.s_axil_wvalid = state_ == State::WriteAddressData && !w_done_;
    core.s_axil_wdata = data_;
    core.s_axil_wstrb = strobe_;
    core.s_axil_bready = state_ == State::WriteResponse;
  }

  void sample(Core& core, std::uint64_t edge) {
    if (state_ == State::Idle) {
      next_edge_ = edge + 1;
      return;
    }
    if (!started_) {
      result_.start_edge = edge;
      started_ = true;
    }
    switch (state_) {
      case State::ReadAddress:
        if (core.s_axil_arvalid && core.s_axil_arready) state_ = State::ReadData;
        break;
      case State::ReadData:
        if (core.s_axil_rvalid && core.s_axil_rready) {
          result_.data = core.s_axil_rdata;
          result_.resp = core.s_axil_rresp;
          finish(edge, false);
          return;
        }
        break;
      case State::WriteAddressData:
        if (core.s_axil_awvalid && core.s_axil_awready) aw_done_ = true;
        if (core.s_axil_wvalid && core.s_axil_wready) w_done_ = true;
        if (aw_done_ && w_done_) state_ = State::WriteResponse;
        break;
      case State::WriteResponse:
        if (core.s_axil_bvalid && core.s_axil_bready) {
          result_.resp = core.s_axil_bresp;
          finish(edge, false);
          return;
        }
        break;
      case State::Idle:
        break;
    }
    if (edge - result_.start_edge + 1 >= timeout_cycles_) finish(edge, true);
  }

 private:
  enum class State { Idle, ReadAddress, ReadData, WriteAddressData, WriteResponse };

  void begin(State state) {
    result_ = AxilResult{};
    state_ = state;
    started_ = false;
  }
  void finish(std::uint64_t edge, bool timed_out) {
    result_.done_edge = edge;
    result_.timed_out = timed_out;
    state_ = State::Idle;
  }

  unsigned timeout_cycles_;
  State state_ = State::Idle;
  bool started_ = false;
  std::uint32_t address_ = 0;
  std::uint32_t data_ = 0;
  std::uint8_t strobe_ = 0xF;
  bool aw_done_ = false;
  bool w_done_ = false;
  std::uint64_t next_edge_ = 0;
  AxilResult result_;
};

}  // namespace ohci::sim
