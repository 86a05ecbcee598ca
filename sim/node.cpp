#include "node.hpp"

#include <sstream>

#include "Vohci_core.h"
#include "verilated.h"

namespace ohci::sim {

Node::Node(VerilatedContext& context, std::string name, const NodeConfig& config, EventLog& log,
           const std::uint64_t& world_cycle)
    : name_(std::move(name)),
      config_(config),
      log_(log),
      world_cycle_(world_cycle),
      core_(std::make_unique<Vohci_core>(&context, name_.c_str())),
      memory_(config.memory_base, config.memory_size),
      dma_port_(std::make_unique<AxiMemorySlave<Vohci_core>>(memory_, config.dma)),
      register_bus_(std::make_unique<AxilMaster<Vohci_core>>(config.register_timeout_cycles)),
      phy_(std::make_unique<PhyModel<Vohci_core>>(config.phy)) {
  dma_port_->set_on_write([this](const AxiWriteRecord& record) {
    std::ostringstream detail;
    detail << "0x" << std::hex << record.address << " <- 0x" << record.data.front();
    log_.add(record.cycle, name_, EventKind::DmaWrite, detail.str());
  });
  phy_->set_on_packet([this](const WirePacket& packet) {
    std::ostringstream detail;
    detail << packet.bytes.size() << " bytes at S" << (100u << packet.speed);
    log_.add(packet.first_data_cycle, name_, EventKind::PacketOnWire, detail.str());
  });
  core_->rst = 1;
  core_->clk = 0;
}

Node::~Node() {
  core_->final();
}

void Node::drive() {
  dma_port_->drive(*core_);
  register_bus_->drive(*core_);
}

void Node::sample(std::uint64_t cycle) {
  dma_port_->sample(*core_, cycle);
  register_bus_->sample(*core_, cycle);
}

void Node::schedule_dpc(std::function<void()> dpc) {
  // Queued by an ISR: due once that ISR has returned (run_isr sets the edge). Otherwise (a
  // backend or test queuing one directly) due from the current edge.
  const std::uint64_t now = world_cycle_ == 0 ? 0 : world_cycle_ - 1;
  dpcs_.push_back(
      QueuedDpc{std::move(dpc), in_isr_ ? kDueAfterIsr : now + config_.dpc_latency_cycles});
}

void Node::unlock_interrupt() {
  if (lock_depth_ == 0) return;
  if (--lock_depth_ == 0 && world_cycle_ > 0) service_interrupt(world_cycle_);
}

void Node::service_interrupt(std::uint64_t cycle_after_edge) {
  const std::uint64_t edge = cycle_after_edge - 1;
  if (edge < last_serviced_edge_) return;  // stale: time moved on inside another ISR
  if (edge > last_serviced_edge_ || edge == 0) {
    const bool irq = core_->irq;
    if (irq && !irq_high_) {
      irq_high_ = true;
      irq_raised_edge_ = edge;
      log_.add(edge, name_, EventKind::IrqRaised);
    } else if (!irq && irq_high_) {
      irq_high_ = false;
      log_.add(edge, name_, EventKind::IrqDropped);
    }
  }
  last_serviced_edge_ = edge;
  if (in_isr_ || cpu_access_ || lock_depth_ > 0 || register_bus_->busy()) return;
  if (irq_high_ && isr_ && edge >= irq_raised_edge_ + config_.interrupt_latency_cycles) {
    run_isr(edge);
  }
  if (!in_dpc_) run_dpcs();
}

void Node::run_isr(std::uint64_t edge) {
  // in_isr_ is cleared however the ISR ends (a test's ASSERT, an exception).
  struct InIsr {
    bool& flag;
    explicit InIsr(bool& in_isr) : flag(in_isr) { flag = true; }
    ~InIsr() { flag = false; }
  };
  {
    InIsr guard(in_isr_);
    log_.add(edge, name_, EventKind::IsrEntered);
    isr_();
  }
  const std::uint64_t returned_edge = world_cycle_ - 1;
  log_.add(returned_edge, name_, EventKind::IsrReturned);
  for (QueuedDpc& queued : dpcs_) {
    if (queued.due_edge == kDueAfterIsr)
      queued.due_edge = returned_edge + config_.dpc_latency_cycles;
  }
  // Still pending (the ISR did not clear every event): the line is taken again after the
  // modelled latency, counted from the return.
  if (core_->irq) irq_raised_edge_ = returned_edge;
}

void Node::run_dpcs() {
  struct InDpc {
    bool& flag;
    explicit InDpc(bool& in_dpc) : flag(in_dpc) { flag = true; }
    ~InDpc() { flag = false; }
  };
  while (!dpcs_.empty() && !in_isr_ && !cpu_access_ && lock_depth_ == 0 && !register_bus_->busy()) {
    const std::uint64_t now = world_cycle_ - 1;
    if (dpcs_.front().due_edge > now) return;
    std::function<void()> dpc = std::move(dpcs_.front().dpc);
    dpcs_.pop_front();
    {
      InDpc guard(in_dpc_);
      log_.add(now, name_, EventKind::DpcEntered);
      dpc();
    }
    log_.add(world_cycle_ - 1, name_, EventKind::DpcReturned);
  }
}

}  // namespace ohci::sim
