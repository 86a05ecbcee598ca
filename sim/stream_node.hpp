// One node of ohci-sim as its firmware sees it: the co-simulation Hal, the controller, the
// interrupt dispatcher (ISR + DPC) and the isochronous bus-driver layer.
#pragma once

#include "cosim_hal.hpp"
#include "ohci/controller.hpp"
#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/isoch_bus.hpp"
#include "world.hpp"

namespace ohci::sim {

struct StreamNode {
  StreamNode(World& world, Node& simulated)
      : node(simulated),
        hal(world, simulated),
        controller(hal),
        dispatcher(hal),
        isoch(hal, dispatcher) {}
  Node& node;
  CosimHal hal;
  fw::Controller controller;
  fw::InterruptDispatcher dispatcher;
  fw::IsochBus isoch;
};

}  // namespace ohci::sim
