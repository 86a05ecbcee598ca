#include "sc_cpu.hpp"

#include <algorithm>
#include <exception>

#include "sc_time_base.hpp"

namespace ohci::sc {
namespace {

// Time from now to the falling edge that follows rising edge `edge`.
sc_core::sc_time until_after_edge(std::uint64_t edge) {
  const std::uint64_t target_ps = 2 * (edge + 1) * kHalfPeriodPs;
  const std::uint64_t now = now_ps();
  return sc_core::sc_time(static_cast<double>(target_ps > now ? target_ps - now : 0),
                          sc_core::SC_PS);
}

}  // namespace

ScCpu::ScCpu(const sc_core::sc_module_name& name, sc_core::sc_clock& clock, Signal<bool>& irq,
             Signal<bool>& rst, sim::HostMemory& memory, const ScCpuConfig& config)
    : sc_core::sc_module(name),
      socket("socket"),
      clock_(clock),
      irq_(irq),
      rst_(rst),
      memory_(memory),
      config_(config),
      interrupts_(
          {config.interrupt_latency_cycles, config.dpc_latency_cycles},
          [this] { return last_edge(); }, [this] { return irq_.read(); }) {
  SC_THREAD(run);
  thread_ = sc_core::sc_get_current_process_handle();
  SC_METHOD(on_irq);
  sensitive << irq_.value_changed_event();
  dont_initialize();
}

std::uint64_t ScCpu::cycle() const {
  return next_rising_edge();
}

std::uint64_t ScCpu::last_edge() const {
  const std::uint64_t next = next_rising_edge();
  return next == 0 ? 0 : next - 1;
}

void ScCpu::run() {
  while (rst_.read()) wait(rst_.negedge_event());
  if (!in_low_half()) wait(clock_.negedge_event());
  try {
    if (program_) program_();
  } catch (const std::exception& failure) {
    error_ = failure.what();
  }
  finished_ = true;
}

void ScCpu::on_irq() {
  // The core's output changed after a rising edge, in a delta at that edge's time.
  const std::uint64_t edge = now_ps() / (2 * kHalfPeriodPs);
  if (interrupts_.observe_line(irq_.read(), edge) == sim::InterruptModel::LineChange::Raised)
    irq_rose_.notify();
}

std::uint32_t ScCpu::access(tlm::tlm_command command, std::uint32_t offset, std::uint32_t value) {
  // Register accesses take simulated time, so only this CPU's thread can make them (a firmware
  // object destroyed after the simulation, say, cannot): refused like a dead device, and said.
  if (sc_core::sc_get_current_process_handle() != thread_) {
    ++register_errors_;
    if (error_.empty())
      error_ = "register access from outside " + std::string(name()) + "'s program thread";
    return 0xFFFF'FFFFu;
  }
  unsigned char bytes[4];
  for (unsigned byte = 0; byte < 4; ++byte)
    bytes[byte] = static_cast<unsigned char>(value >> (8 * byte));
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(offset);
  trans.set_data_ptr(bytes);
  trans.set_data_length(4);
  trans.set_streaming_width(4);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(trans, delay);
  if (delay > sc_core::SC_ZERO_TIME) wait(delay);
  // The response came at a rising edge; the next access would start at the falling edge after
  // it anyway, and from there every process sees what that edge did (irq among it).
  wait(clock_.negedge_event());
  std::uint32_t result = 0xFFFF'FFFFu;
  if (trans.is_response_ok()) {
    result = 0;
    for (unsigned byte = 0; byte < 4; ++byte) result |= std::uint32_t{bytes[byte]} << (8 * byte);
  } else {
    ++register_errors_;
  }
  service();
  return result;
}

std::uint32_t ScCpu::read32(std::uint32_t offset) {
  return access(tlm::TLM_READ_COMMAND, offset, 0);
}

void ScCpu::write32(std::uint32_t offset, std::uint32_t value) {
  access(tlm::TLM_WRITE_COMMAND, offset, value);
}

std::optional<fw::DmaRegion> ScCpu::dma_alloc(std::size_t bytes, std::size_t alignment) {
  const auto bus_address = memory_.allocate(bytes, alignment);
  if (!bus_address) return std::nullopt;
  return fw::DmaRegion{memory_.cpu_pointer(*bus_address), *bus_address, bytes};
}

void ScCpu::dma_free(const fw::DmaRegion& region) {
  memory_.release(region.bus);
}

void ScCpu::unlock_interrupt() {
  if (interrupts_.unlock()) service();
}

bool ScCpu::idle_until(const std::function<bool()>& done, std::uint64_t max_cycles) {
  const std::uint64_t deadline = last_edge() + max_cycles;
  for (;;) {
    service();
    if (done()) return true;
    const std::uint64_t edge = last_edge();
    if (edge >= deadline) return false;
    // Wake after the first edge something is due at: the deadline, a pending ISR or DPC.
    std::uint64_t wake = deadline;
    if (const auto due = interrupts_.next_due_edge())
      wake = std::min(wake, std::max(edge + 1, *due));
    wait(until_after_edge(wake), irq_rose_);
    if (!in_low_half()) wait(clock_.negedge_event());
  }
}

void ScCpu::idle(std::uint64_t cycles) {
  idle_until([] { return false; }, cycles);
}

}  // namespace ohci::sc
