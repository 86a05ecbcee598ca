// One node of a stream run as its firmware sees it: a Hal (any backend: the co-simulation, the
// SystemC platform), the controller, the interrupt dispatcher (ISR + DPC) and the isochronous
// bus-driver layer, plus the clock the scoreboard stamps received packets with. Nothing here
// knows which simulator is underneath.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "ohci/controller.hpp"
#include "ohci/hal.hpp"
#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/isoch_bus.hpp"

namespace ohci::sim {

struct StreamNode {
  // `clock` returns the current clk cycle of the environment.
  StreamNode(std::string node_name, fw::Hal& node_hal, std::function<std::uint64_t()> clock)
      : name(std::move(node_name)),
        hal(node_hal),
        controller(hal),
        dispatcher(hal),
        isoch(hal, dispatcher),
        cycle(std::move(clock)) {}
  std::string name;
  fw::Hal& hal;
  fw::Controller controller;
  fw::InterruptDispatcher dispatcher;
  fw::IsochBus isoch;
  std::function<std::uint64_t()> cycle;
};

}  // namespace ohci::sim
