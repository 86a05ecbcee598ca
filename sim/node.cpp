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

std::uint64_t Node::fold_pins(std::uint64_t digest) const {
  const Vohci_core& c = *core_;
  const std::uint64_t pins[] = {
      c.rst,
      c.s_axil_awaddr | std::uint64_t{c.s_axil_awvalid} << 11 |
          std::uint64_t{c.s_axil_awready} << 12,
      c.s_axil_wdata | std::uint64_t{c.s_axil_wstrb} << 32 | std::uint64_t{c.s_axil_wvalid} << 36 |
          std::uint64_t{c.s_axil_wready} << 37,
      c.s_axil_bresp | std::uint64_t{c.s_axil_bvalid} << 2 | std::uint64_t{c.s_axil_bready} << 3,
      c.s_axil_araddr | std::uint64_t{c.s_axil_arvalid} << 11 |
          std::uint64_t{c.s_axil_arready} << 12,
      c.s_axil_rdata | std::uint64_t{c.s_axil_rresp} << 32 | std::uint64_t{c.s_axil_rvalid} << 34 |
          std::uint64_t{c.s_axil_rready} << 35,
      c.m_axi_araddr | std::uint64_t{c.m_axi_arlen} << 32 | std::uint64_t{c.m_axi_arsize} << 40 |
          std::uint64_t{c.m_axi_arburst} << 43 | std::uint64_t{c.m_axi_arvalid} << 45 |
          std::uint64_t{c.m_axi_arready} << 46,
      c.m_axi_rdata | std::uint64_t{c.m_axi_rresp} << 32 | std::uint64_t{c.m_axi_rlast} << 34 |
          std::uint64_t{c.m_axi_rvalid} << 35 | std::uint64_t{c.m_axi_rready} << 36,
      c.m_axi_awaddr | std::uint64_t{c.m_axi_awlen} << 32 | std::uint64_t{c.m_axi_awsize} << 40 |
          std::uint64_t{c.m_axi_awburst} << 43 | std::uint64_t{c.m_axi_awvalid} << 45 |
          std::uint64_t{c.m_axi_awready} << 46,
      c.m_axi_wdata | std::uint64_t{c.m_axi_wstrb} << 32 | std::uint64_t{c.m_axi_wlast} << 36 |
          std::uint64_t{c.m_axi_wvalid} << 37 | std::uint64_t{c.m_axi_wready} << 38,
      c.m_axi_bresp | std::uint64_t{c.m_axi_bvalid} << 2 | std::uint64_t{c.m_axi_bready} << 3 |
          std::uint64_t{c.irq} << 4,
      c.phy_ctl_i | std::uint64_t{c.phy_ctl_o} << 2 | std::uint64_t{c.phy_ctl_oe} << 4 |
          std::uint64_t{c.phy_d_i} << 8 | std::uint64_t{c.phy_d_o} << 16 |
          std::uint64_t{c.phy_d_oe} << 24 | std::uint64_t{c.phy_lreq} << 25 |
          std::uint64_t{c.phy_lps} << 26 | std::uint64_t{c.phy_linkon} << 27,
  };
  for (const std::uint64_t pin : pins) {
    for (int byte = 0; byte < 8; ++byte) {
      digest ^= (pin >> (8 * byte)) & 0xff;
      digest *= 0x0000'0100'0000'01b3;  // FNV-1a 64-bit prime
    }
  }
  return digest;
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
