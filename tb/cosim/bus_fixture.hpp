// The world of the multi-node tests: N nodes on one modelled 1394 bus, each with its own host
// memory, register bus, firmware backend and Controller. Node 0 is the cycle master; the others
// follow its cycle starts. A waveform per test when OHCI_TRACE is set, as in cosim_fixture.hpp.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "Vohci_core.h"
#include "cosim_hal.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/regmap.hpp"
#include "world.hpp"

namespace ohci::tb {

// One node as the firmware sees it.
struct Station {
  Station(sim::World& world, sim::Node& simulated)
      : node(simulated), hal(world, simulated), controller(hal) {}
  sim::Node& node;
  sim::CosimHal hal;
  fw::Controller controller;
};

class BusTest : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kClkPerCycle = 6144;
  static constexpr std::uint32_t kCycleMaster = 0;

  explicit BusTest(std::size_t nodes = 2, const std::vector<sim::NodeConfig>& configs = {});
  ~BusTest() override;
  void SetUp() override;
  void TearDown() override;

  // Every node up (node 0 cycle master, the others following it) with `interrupts` enabled,
  // then runs until every node has seen `cycles` cycle starts go by.
  void bring_up_all(std::uint32_t interrupts = 0, unsigned cycles = 2);

 public:
  // For the stream harnesses (talkers, listeners) the tests build on.
  Station& station(std::size_t index) { return *stations_.at(index); }
  fw::DmaBuffer allocate(std::size_t node, std::size_t bytes, std::size_t alignment = 16);

  // The cycle `steps` after `cycle`, both as cycleSeconds[2:0]:cycleCount (time stamp form).
  sim::World& world() { return world_; }

 protected:
  static std::uint32_t next_cycle(std::uint32_t cycle, std::uint32_t steps = 1) {
    std::uint32_t seconds = cycle >> 13, count = (cycle & 0x1FFF) + steps;
    seconds += count / 8000;
    return (seconds & 0x7) << 13 | count % 8000;
  }

  sim::World world_;
  std::vector<std::unique_ptr<Station>> stations_;
};

}  // namespace ohci::tb
