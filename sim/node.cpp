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
  if (!irq_high_ || !isr_ || in_isr_ || cpu_access_ || register_bus_->busy()) return;
  if (edge < irq_raised_edge_ + config_.interrupt_latency_cycles) return;

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
  // Still pending (the ISR did not clear every event): the line is taken again after the
  // modelled latency, counted from the return.
  if (core_->irq) irq_raised_edge_ = returned_edge;
}

}  // namespace ohci::sim
