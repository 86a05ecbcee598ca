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
      dma_port_(std::make_unique<AxiMemorySlave<Vohci_core>>(
          config.dma_memory ? *config.dma_memory : static_cast<MemoryPort&>(memory_), config.dma)),
      register_bus_(std::make_unique<AxilMaster<Vohci_core>>(config.register_timeout_cycles)),
      phy_(std::make_unique<PhyModel<Vohci_core>>(config.phy)),
      interrupts_(
          {config.interrupt_latency_cycles, config.dpc_latency_cycles},
          [this] { return world_cycle_ == 0 ? 0 : world_cycle_ - 1; },
          [this] { return core_->irq != 0; }) {
  interrupts_.set_observer([this](InterruptModel::Step step, std::uint64_t edge) {
    static constexpr EventKind kKinds[] = {EventKind::IsrEntered, EventKind::IsrReturned,
                                           EventKind::DpcEntered, EventKind::DpcReturned};
    log_.add(edge, name_, kKinds[static_cast<int>(step)]);
  });
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

void Node::unlock_interrupt() {
  if (interrupts_.unlock() && world_cycle_ > 0) service_interrupt(world_cycle_);
}

void Node::service_interrupt(std::uint64_t cycle_after_edge) {
  const std::uint64_t edge = cycle_after_edge - 1;
  if (edge < last_serviced_edge_) return;  // stale: time moved on inside another ISR
  if (edge > last_serviced_edge_ || edge == 0) {
    switch (interrupts_.observe_line(core_->irq != 0, edge)) {
      case InterruptModel::LineChange::Raised:
        log_.add(edge, name_, EventKind::IrqRaised);
        break;
      case InterruptModel::LineChange::Dropped:
        log_.add(edge, name_, EventKind::IrqDropped);
        break;
      case InterruptModel::LineChange::None:
        break;
    }
  }
  last_serviced_edge_ = edge;
  // Between register accesses only: an ISR must not reuse the bus an access holds.
  if (cpu_access_ || register_bus_->busy()) return;
  interrupts_.service();
}

}  // namespace ohci::sim
