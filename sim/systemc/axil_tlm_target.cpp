#include "axil_tlm_target.hpp"

#include <stdexcept>

#include "sc_time_base.hpp"

namespace ohci::sc {
namespace {

constexpr std::uint32_t kRespSlvErr = 2;
constexpr std::uint32_t kRespDecErr = 3;

tlm::tlm_response_status check(const tlm::tlm_generic_payload& trans) {
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_COMMAND_ERROR_RESPONSE;
  if (trans.get_data_length() != 4 || trans.get_streaming_width() != 4)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  const std::uint64_t address = trans.get_address();
  if (address >= AxilTlmTarget::kWindowBytes || address % 4 != 0)
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

bool enabled(const tlm::tlm_generic_payload& trans, unsigned byte) {
  const unsigned char* enables = trans.get_byte_enable_ptr();
  const unsigned length = trans.get_byte_enable_length();
  return enables == nullptr || length == 0 || enables[byte % length] == TLM_BYTE_ENABLED;
}

}  // namespace

AxilTlmTarget::AxilTlmTarget(const sc_core::sc_module_name& name, sc_core::sc_clock& clock,
                             AxilPins& pins, unsigned timeout_cycles)
    : sc_core::sc_module(name),
      socket("socket"),
      clock_(clock),
      pins_(pins),
      timeout_cycles_(timeout_cycles) {
  if (timeout_cycles == 0) throw std::invalid_argument("AxilTlmTarget: timeout of 0 cycles");
  socket.register_b_transport(this, &AxilTlmTarget::b_transport);
  SC_THREAD(run);
}

void AxilTlmTarget::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (const tlm::tlm_response_status status = check(trans); status != tlm::TLM_OK_RESPONSE) {
    trans.set_response_status(status);
    return;
  }
  if (delay > sc_core::SC_ZERO_TIME) {
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  Job job;
  job.write = trans.is_write();
  job.address = static_cast<std::uint32_t>(trans.get_address());
  unsigned char* data = trans.get_data_ptr();
  if (job.write) {
    job.strobe = 0;
    for (unsigned byte = 0; byte < 4; ++byte) {
      job.data |= std::uint32_t{data[byte]} << (8 * byte);
      if (enabled(trans, byte)) job.strobe |= 1u << byte;
    }
  }
  queue_.push_back(&job);
  queued_.notify();
  while (!job.done) wait(job.finished);
  if (job.timed_out) {
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  if (!job.write) {
    for (unsigned byte = 0; byte < 4; ++byte)
      if (enabled(trans, byte)) data[byte] = static_cast<unsigned char>(job.data >> (8 * byte));
  }
  trans.set_response_status(job.resp == kRespSlvErr   ? tlm::TLM_GENERIC_ERROR_RESPONSE
                            : job.resp == kRespDecErr ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                      : tlm::TLM_OK_RESPONSE);
}

void AxilTlmTarget::run() {
  release_pins();
  for (;;) {
    while (queue_.empty()) wait(queued_);
    Job& job = *queue_.front();
    queue_.pop_front();
    if (!in_low_half()) wait(clock_.negedge_event());
    perform(job);
    job.done = true;
    job.finished.notify();
    // The response was taken at this rising edge: the pins go idle in the next low half unless
    // another access starts there.
    wait(clock_.negedge_event());
    if (queue_.empty()) release_pins();
  }
}

void AxilTlmTarget::perform(Job& job) {
  const std::uint64_t issue = next_rising_edge();
  bool address_done = false;
  bool data_done = !job.write;  // a read has no W
  bool response_ready = false;
  if (job.write) {
    pins_.awaddr.write(job.address);
    pins_.awvalid.write(true);
    pins_.wdata.write(job.data);
    pins_.wstrb.write(job.strobe);
    pins_.wvalid.write(true);
    pins_.bready.write(false);
  } else {
    pins_.araddr.write(job.address);
    pins_.arvalid.write(true);
    pins_.rready.write(false);
  }
  for (std::uint64_t cycle = issue;; ++cycle) {
    wait(clock_.posedge_event());  // every process still sees the values before the edge
    if (response_ready) {
      const bool valid = job.write ? pins_.bvalid.read() : pins_.rvalid.read();
      if (valid) {
        job.resp = job.write ? pins_.bresp.read() : pins_.rresp.read();
        if (!job.write) job.data = pins_.rdata.read();
        last_ = AxilAccess{issue, cycle, false};
        return;
      }
    }
    if (job.write) {
      address_done = address_done || pins_.awready.read();
      data_done = data_done || pins_.wready.read();
    } else {
      address_done = address_done || pins_.arready.read();
    }
    if (cycle + 1 >= issue + timeout_cycles_) {
      job.timed_out = true;
      ++timeouts_;
      last_ = AxilAccess{issue, cycle, true};
      wait(clock_.negedge_event());
      release_pins();
      return;
    }
    wait(clock_.negedge_event());
    response_ready = address_done && data_done;
    if (job.write) {
      pins_.awvalid.write(!address_done);
      pins_.wvalid.write(!data_done);
      pins_.bready.write(response_ready);
    } else {
      pins_.arvalid.write(!address_done);
      pins_.rready.write(response_ready);
    }
  }
}

void AxilTlmTarget::release_pins() {
  pins_.awvalid.write(false);
  pins_.wvalid.write(false);
  pins_.bready.write(false);
  pins_.arvalid.write(false);
  pins_.rready.write(false);
}

}  // namespace ohci::sc
