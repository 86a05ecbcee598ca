// OhciScNode: one controller on the SystemC platform: the Verilated ohci_core (--sc) with
//   - regs():  a TLM-2.0 target socket for its register window (AxilTlmTarget: each transaction
//              is a real AXI4-Lite transaction on s_axil_*),
//   - dma():   a TLM-2.0 initiator socket through which its AXI4 DMA master reaches memory
//              (AxiTlmBridge),
//   - irq():   its interrupt line, and rst(), its reset,
//   - phy():   its PHY-link pins, for the bus (phy_bus.hpp).
// The core's flops are clocked by the platform's clk; its signals appear under this module's
// name in SystemC's hierarchy.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <memory>
#include <systemc>

#include "axi_tlm_bridge.hpp"
#include "axil_tlm_target.hpp"
#include "core_pins.hpp"

class Vohci_core_sc;

namespace ohci::sc {

struct OhciScNodeConfig {
  unsigned register_timeout_cycles = 256;
  AxiTlmBridgeConfig dma{};
};

class OhciScNode : public sc_core::sc_module {
 public:
  OhciScNode(const sc_core::sc_module_name& name, sc_core::sc_clock& clock,
             const OhciScNodeConfig& config = {});
  ~OhciScNode() override;

  tlm_utils::simple_target_socket<AxilTlmTarget>& regs() { return registers_.socket; }
  tlm_utils::simple_initiator_socket<AxiTlmBridge>& dma() { return dma_.socket; }
  Signal<bool>& irq() { return irq_; }
  Signal<bool>& rst() { return rst_; }
  PhyPins& phy() { return phy_; }
  const AxilTlmTarget& register_target() const { return registers_; }
  const AxiTlmBridge& dma_bridge() const { return dma_; }

 private:
  Signal<bool> rst_{"rst", true};  // high from time 0: the CPUs wait for its release
  Signal<bool> irq_{"irq"};
  AxilPins axil_;
  AxiPins axi_;
  PhyPins phy_;
  std::unique_ptr<Vohci_core_sc> core_;
  AxilTlmTarget registers_;
  AxiTlmBridge dma_;
};

}  // namespace ohci::sc
