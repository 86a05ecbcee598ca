// The world most co-simulation tests start from: one node, reset, firmware backend attached,
// and a waveform per test when OHCI_TRACE is set (build/traces/<suite>.<test>.fst).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "Vohci_core.h"
#include "cosim_hal.hpp"
#include "ohci/controller.hpp"
#include "world.hpp"

namespace ohci::tb {

class CosimTest : public ::testing::Test {
 protected:
  // Documented latencies the tests derive their cycle numbers from.
  static constexpr std::uint64_t kClkPerCycle = 6144;        // 3072 offsets at SCLK/2
  static constexpr std::uint64_t kRegisterAccessCycles = 3;  // sim/axil_master.hpp

  CosimTest();
  ~CosimTest() override;
  void SetUp() override;
  void TearDown() override;

  // Controller up as cycle master with the cycle timer running and the given IntMask bits.
  void bring_up(std::uint32_t interrupts);

  sim::World world_;
  sim::Node& node_;
  sim::CosimHal hal_;
  fw::Controller controller_;
};

}  // namespace ohci::tb
