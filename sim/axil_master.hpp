// AxilMaster: the CPU's side of ohci_core's AXI4-Lite register window (s_axil_*), one access at
// a time. An access that gets no response within the timeout completes with timed_out set and
// every VALID and READY dropped, instead of hanging the simulation (as ZipCPU's bus "bomb" does).
//
// Pins owned (driven in drive()): s_axil_awaddr, s_axil_awvalid, s_axil_wdata, s_axil_wstrb,
// s_axil_wvalid, s_axil_bready, s_axil_araddr, s_axil_arvalid, s_axil_rready.
//
// Sequence: a write drives AWVALID and WVALID together and drops each at its own handshake;
// after both, BREADY is high until the B handshake. A read drives ARVALID until its handshake,
// then RREADY until the R handshake. (R/BREADY are low while the address is pending.)
//
// Cycle cost, with the kernel's discipline (drive, eval, sample(cycle), rising edge): start_x()
// called between cycles puts VALID on the bus in the next drive(); the cycle number of that
// sample() is issue_cycle. The transaction completes in the sample() of its R/B handshake,
// done_cycle, and cycles() = done_cycle - issue_cycle + 1. Against a slave that raises READY in
// the cycle after it first sees VALID and VALID on its response one cycle after the address
// handshake (ohci_regs):
//   issue_cycle s: VALID, READY low; s + 1: address (and W) handshake; s + 2: R/B handshake.
// so cycles() == 3 for a read and for a write, and busy() is false again after the step of
// cycle s + 2; the next access can have its VALID on the bus at s + 3.
// Timeout: an access still incomplete in the sample() of cycle issue_cycle + timeout - 1 ends
// there with timed_out set (cycles() == timeout); its VALIDs and READYs are low from the next
// drive(). A response the slave gives after that is recorded in violations() as a late response
// (and a slave that keeps RVALID/BVALID high would answer the next access with the old value).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace ohci::sim {

struct AxilResult {
  std::uint32_t data = 0;         // RDATA (reads)
  std::uint8_t resp = 0;          // RRESP or BRESP
  std::uint64_t issue_cycle = 0;  // first cycle with VALID on the bus
  std::uint64_t done_cycle = 0;   // cycle of the R or B handshake, or of the timeout
  bool timed_out = false;
  std::uint64_t cycles() const { return done_cycle - issue_cycle + 1; }
};

template <class Core>
class AxilMaster {
 public:
  static constexpr std::uint32_t kWindowBytes = 0x800;  // s_axil_*addr[10:0]

  // Throws std::invalid_argument for a timeout of 0 cycles.
  explicit AxilMaster(unsigned timeout_cycles = 256) : timeout_cycles_(timeout_cycles) {
    if (timeout_cycles == 0) throw std::invalid_argument("AxilMaster: timeout of 0 cycles");
  }

  bool busy() const { return state_ != State::Idle; }
  // The last completed access (valid once busy() is false after a start).
  const AxilResult& result() const { return result_; }
  // Responses nobody asked for (after a timeout, or from a broken slave).
  const std::vector<std::string>& violations() const { return violations_; }

  // Both throw std::logic_error while busy() and std::out_of_range for an address outside the
  // 2 KiB window.
  void start_read(std::uint32_t address) { begin(State::ReadAddress, address); }
  void start_write(std::uint32_t address, std::uint32_t data, std::uint8_t strobe = 0xF) {
    begin(State::WriteAddressData, address);
    data_ = data;
    strobe_ = static_cast<std::uint8_t>(strobe & 0xFu);
    aw_done_ = w_done_ = false;
  }

  void drive(Core& core) {
    // Idle and already showing it (the pins hold the last access's address and data): the pins
    // would be written with the values they have.
    if (state_ == State::Idle && idle_driven_) return;
    idle_driven_ = state_ == State::Idle;
    using Address = std::remove_cvref_t<decltype(core.s_axil_araddr)>;
    const bool writing = state_ == State::WriteAddressData;
    core.s_axil_arvalid = state_ == State::ReadAddress;
    core.s_axil_araddr = static_cast<Address>(address_);
    core.s_axil_rready = state_ == State::ReadData;
    core.s_axil_awvalid = writing && !aw_done_;
    core.s_axil_awaddr = static_cast<Address>(address_);
    core.s_axil_wvalid = writing && !w_done_;
    core.s_axil_wdata = data_;
    core.s_axil_wstrb = strobe_;
    core.s_axil_bready = state_ == State::WriteResponse;
  }

  void sample(Core& core, std::uint64_t cycle) {
    check_unexpected(core, cycle);
    if (state_ == State::Idle) return;
    if (!issued_) {
      result_.issue_cycle = cycle;
      issued_ = true;
    }
    switch (state_) {
      case State::ReadAddress:
        if (core.s_axil_arvalid && core.s_axil_arready) state_ = State::ReadData;
        break;
      case State::ReadData:
        if (core.s_axil_rvalid && core.s_axil_rready) {
          result_.data = core.s_axil_rdata;
          result_.resp = static_cast<std::uint8_t>(core.s_axil_rresp);
          return finish(cycle, false);
        }
        break;
      case State::WriteAddressData:
        if (core.s_axil_awvalid && core.s_axil_awready) aw_done_ = true;
        if (core.s_axil_wvalid && core.s_axil_wready) w_done_ = true;
        if (aw_done_ && w_done_) state_ = State::WriteResponse;
        break;
      case State::WriteResponse:
        if (core.s_axil_bvalid && core.s_axil_bready) {
          result_.resp = static_cast<std::uint8_t>(core.s_axil_bresp);
          return finish(cycle, false);
        }
        break;
      case State::Idle:
        break;
    }
    if (cycle - result_.issue_cycle + 1 >= timeout_cycles_) finish(cycle, true);
  }

 private:
  enum class State { Idle, ReadAddress, ReadData, WriteAddressData, WriteResponse };

  void begin(State state, std::uint32_t address) {
    if (busy()) throw std::logic_error("AxilMaster: an access is already in flight");
    if (address >= kWindowBytes)
      throw std::out_of_range("AxilMaster: register offset " + std::to_string(address) +
                              " outside the 0x800-byte window");
    result_ = AxilResult{};
    state_ = state;
    idle_driven_ = false;
    address_ = address;
    issued_ = false;
  }

  void finish(std::uint64_t cycle, bool timed_out) {
    result_.done_cycle = cycle;
    result_.timed_out = timed_out;
    state_ = State::Idle;
  }

  // A response VALID while no access waits for it; reported once per rising VALID.
  void check_unexpected(const Core& core, std::uint64_t cycle) {
    const bool stray_r = core.s_axil_rvalid && state_ != State::ReadData;
    const bool stray_b = core.s_axil_bvalid && state_ != State::WriteResponse;
    if (stray_r && !stray_r_)
      violations_.push_back("cycle " + std::to_string(cycle) + ": RVALID with no read waiting");
    if (stray_b && !stray_b_)
      violations_.push_back("cycle " + std::to_string(cycle) + ": BVALID with no write waiting");
    stray_r_ = stray_r;
    stray_b_ = stray_b;
  }

  unsigned timeout_cycles_;
  State state_ = State::Idle;
  bool issued_ = false;
  bool idle_driven_ = false;  // the last drive() showed an idle master (see drive())
  std::uint32_t address_ = 0;
  std::uint32_t data_ = 0;
  std::uint8_t strobe_ = 0xF;
  bool aw_done_ = false;
  bool w_done_ = false;
  bool stray_r_ = false;
  bool stray_b_ = false;
  std::vector<std::string> violations_;
  AxilResult result_;
};

}  // namespace ohci::sim
