#include "phy_bus.hpp"

#include "sc_time_base.hpp"

namespace ohci::sc {

PhyBus::PhyBus(const sc_core::sc_module_name& name, sc_core::sc_clock& clock,
               const sim::BusConfig& config)
    : sc_core::sc_module(name), clock_(clock), bus_(config) {
  SC_METHOD(on_falling_edge);
  sensitive << clock_.negedge_event();
}

std::size_t PhyBus::attach(PhyPins& pins, const sim::PhyConfig& phy) {
  Member member;
  member.pins = &pins;
  member.view = std::make_unique<PhyPortView>();
  member.phy = std::make_unique<sim::PhyModel<PhyPortView>>(phy);
  const std::size_t index = bus_.attach(*member.phy, *member.view);
  members_.push_back(std::move(member));
  return index;
}

void PhyBus::on_falling_edge() {
  const std::uint64_t cycle = now_ps() / (2 * kHalfPeriodPs);
  for (Member& member : members_) {
    PhyPortView& view = *member.view;
    const PhyPins& pins = *member.pins;
    view.phy_ctl_o = static_cast<std::uint8_t>(pins.ctl_o.read());
    view.phy_ctl_oe = pins.ctl_oe.read();
    view.phy_d_o = static_cast<std::uint8_t>(pins.d_o.read());
    view.phy_d_oe = pins.d_oe.read();
    view.phy_lreq = pins.lreq.read();
  }
  bus_.drive(cycle);
  bus_.sample(cycle);
  for (Member& member : members_) {
    PhyPins& pins = *member.pins;
    pins.ctl_i.write(member.view->phy_ctl_i);
    pins.d_i.write(member.view->phy_d_i);
    pins.linkon.write(member.view->phy_linkon != 0);
  }
}

}  // namespace ohci::sc
