#include "axi_tlm_bridge.hpp"

#include <cstring>

#include "sc_time_base.hpp"

namespace ohci::sc {
namespace {

constexpr std::uint32_t kRespOkay = 0, kRespSlvErr = 2, kRespDecErr = 3;
constexpr std::uint32_t kSize4Bytes = 2, kBurstIncr = 1;

// The cycle of the edge (rising or falling) at the current time.
std::uint64_t edge_cycle() {
  return now_ps() / (2 * kHalfPeriodPs);
}

}  // namespace

AxiTlmBridge::AxiTlmBridge(const sc_core::sc_module_name& name, sc_core::sc_clock& clock,
                           AxiPins& pins, const AxiTlmBridgeConfig& config)
    : sc_core::sc_module(name), socket("socket"), clock_(clock), pins_(pins), config_(config) {
  SC_METHOD(on_rising_edge);
  sensitive << clock_.posedge_event();
  dont_initialize();
  SC_METHOD(on_falling_edge);
  sensitive << clock_.negedge_event();
}

void AxiTlmBridge::on_rising_edge() {
  const std::uint64_t cycle = edge_cycle();
  // Every process sees the pins as they were before this edge: the handshakes of `cycle`.
  if (arready_ && pins_.arvalid.read()) accept_read(cycle);
  if (r_on_bus_ && pins_.rready.read()) {
    r_on_bus_ = false;
    ReadBurst& burst = reads_.front();
    if (++burst.next_beat == burst.data.size()) reads_.pop_front();
    next_r_cycle_ = cycle + 1;
  }
  if (awready_ && pins_.awvalid.read()) {
    check_burst(cycle, "AW", pins_.awlen.read(), pins_.awsize.read(), pins_.awburst.read());
    write_addresses_.push_back(WriteAddress{pins_.awaddr.read(), (pins_.awlen.read() & 0xFF) + 1});
    ++writes_awaiting_b_;
  }
  if (wready_ && pins_.wvalid.read())
    write_beats_.push_back(WriteBeat{pins_.wdata.read(), pins_.wstrb.read(), pins_.wlast.read()});
  complete_writes(cycle);
  if (b_on_bus_ && pins_.bready.read()) {
    b_on_bus_ = false;
    responses_.pop_front();
    --writes_awaiting_b_;
  }
}

void AxiTlmBridge::on_falling_edge() {
  const std::uint64_t cycle = edge_cycle();  // the cycle this falling edge opens
  arready_ = reads_.size() < config_.max_outstanding_reads;
  awready_ = writes_awaiting_b_ < config_.max_outstanding_writes;
  wready_ = write_beats_.size() < kMaxBufferedWBeats;
  pins_.arready.write(arready_);
  pins_.awready.write(awready_);
  pins_.wready.write(wready_);
  if (!r_on_bus_ && !reads_.empty() && reads_.front().due_cycle <= cycle &&
      next_r_cycle_ <= cycle) {
    const ReadBurst& burst = reads_.front();
    r_on_bus_ = true;
    pins_.rdata.write(burst.data[burst.next_beat]);
    pins_.rresp.write(burst.resp);
    pins_.rlast.write(burst.next_beat + 1 == burst.data.size());
  }
  pins_.rvalid.write(r_on_bus_);
  if (!b_on_bus_ && !responses_.empty() && responses_.front().due_cycle <= cycle) {
    b_on_bus_ = true;
    pins_.bresp.write(responses_.front().resp);
  }
  pins_.bvalid.write(b_on_bus_);
}

void AxiTlmBridge::accept_read(std::uint64_t cycle) {
  check_burst(cycle, "AR", pins_.arlen.read(), pins_.arsize.read(), pins_.arburst.read());
  const unsigned beats = (pins_.arlen.read() & 0xFF) + 1;
  std::vector<unsigned char> bytes(std::size_t{beats} * 4);
  std::uint64_t latency = 0;
  ReadBurst burst;
  burst.resp = transact(tlm::TLM_READ_COMMAND, pins_.araddr.read() & ~3u, bytes, nullptr, latency);
  burst.data.assign(beats, 0);
  if (burst.resp == kRespOkay) std::memcpy(burst.data.data(), bytes.data(), bytes.size());
  burst.due_cycle = cycle + 1 + latency;
  reads_.push_back(std::move(burst));
  ++read_bursts_;
}

void AxiTlmBridge::complete_writes(std::uint64_t cycle) {
  while (!write_addresses_.empty() && write_beats_.size() >= write_addresses_.front().beats) {
    const WriteAddress address = write_addresses_.front();
    write_addresses_.pop_front();
    std::vector<unsigned char> bytes(std::size_t{address.beats} * 4);
    std::vector<unsigned char> enables(bytes.size());
    for (unsigned beat = 0; beat < address.beats; ++beat) {
      const WriteBeat& w = write_beats_.front();
      if (w.last != (beat + 1 == address.beats))
        violation(cycle, "WLAST not on exactly the last beat of the burst");
      for (unsigned byte = 0; byte < 4; ++byte) {
        bytes[beat * 4 + byte] = static_cast<unsigned char>(w.data >> (8 * byte));
        enables[beat * 4 + byte] = (w.strobe >> byte) & 1u ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
      }
      write_beats_.pop_front();
    }
    std::uint64_t latency = 0;
    const std::uint32_t resp =
        transact(tlm::TLM_WRITE_COMMAND, address.address & ~3u, bytes, &enables, latency);
    responses_.push_back(WriteResponse{resp, cycle + 1 + latency});
    ++write_bursts_;
  }
}

std::uint32_t AxiTlmBridge::transact(tlm::tlm_command command, std::uint32_t address,
                                     std::vector<unsigned char>& bytes,
                                     std::vector<unsigned char>* enables,
                                     std::uint64_t& latency_cycles) {
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(bytes.data());
  trans.set_data_length(static_cast<unsigned>(bytes.size()));
  trans.set_streaming_width(static_cast<unsigned>(bytes.size()));
  if (enables != nullptr) {
    trans.set_byte_enable_ptr(enables->data());
    trans.set_byte_enable_length(static_cast<unsigned>(enables->size()));
  }
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(trans, delay);
  latency_cycles = cycles_covering(delay);
  switch (trans.get_response_status()) {
    case tlm::TLM_OK_RESPONSE:
      return kRespOkay;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE:
      ++error_responses_;
      return kRespDecErr;
    default:
      ++error_responses_;
      return kRespSlvErr;
  }
}

void AxiTlmBridge::check_burst(std::uint64_t cycle, const char* channel, std::uint32_t len,
                               std::uint32_t size, std::uint32_t burst) {
  if (len > 15) violation(cycle, std::string(channel) + "LEN above 15");
  if (size != kSize4Bytes) violation(cycle, std::string(channel) + "SIZE other than 4 bytes");
  if (burst != kBurstIncr) violation(cycle, std::string(channel) + "BURST other than INCR");
}

void AxiTlmBridge::violation(std::uint64_t cycle, const std::string& what) {
  violations_.push_back("cycle " + std::to_string(cycle) + ": " + what);
}

}  // namespace ohci::sc
