// PhyBus: the C++ kernel's 1394 bus model (sim/bus.hpp: arbitration, repeating, fault
// injection, packet records) clocked by SystemC, between the PHY-link pins of the platform's
// nodes. Each node's pins are copied into a plain view of ohci_core's PHY ports that the
// Bus/PhyModel templates work on.
//
// Timing: at the falling edge that opens cycle c the bus does what the C++ kernel does for that
// cycle: Bus::drive(c), then Bus::sample(c) (the links' outputs were registered at rising edge
// c - 1 and do not change before edge c), and the PHY inputs it decided are written to the pins,
// so the links see them at rising edge c. Packet and arbitration cycles match the C++ kernel's.
#pragma once

#include <cstdint>
#include <memory>
#include <systemc>
#include <vector>

#include "bus.hpp"
#include "core_pins.hpp"
#include "phy_model.hpp"

namespace ohci::sc {

// ohci_core's PHY ports as plain members, for sim::Bus and sim::PhyModel.
struct PhyPortView {
  std::uint8_t phy_ctl_i = 0, phy_ctl_o = 0, phy_ctl_oe = 0;
  std::uint8_t phy_d_i = 0, phy_d_o = 0, phy_d_oe = 0;
  std::uint8_t phy_lreq = 0, phy_linkon = 0;
};

class PhyBus : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(PhyBus);
  PhyBus(const sc_core::sc_module_name& name, sc_core::sc_clock& clock,
         const sim::BusConfig& config = {});

  // Joins a node's PHY-link pins as the next node (before sc_start); returns its index.
  std::size_t attach(PhyPins& pins, const sim::PhyConfig& phy = {});
  sim::Bus<PhyPortView>& bus() { return bus_; }
  sim::PhyModel<PhyPortView>& phy(std::size_t node) { return *members_.at(node).phy; }

 private:
  struct Member {
    PhyPins* pins = nullptr;
    std::unique_ptr<PhyPortView> view;
    std::unique_ptr<sim::PhyModel<PhyPortView>> phy;
  };

  void on_falling_edge();

  sc_core::sc_clock& clock_;
  sim::Bus<PhyPortView> bus_;
  std::vector<Member> members_;
};

}  // namespace ohci::sc
