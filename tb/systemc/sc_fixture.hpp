// What every SystemC platform test needs: a fresh elaboration (one per process) and a way to
// run the simulation until the CPUs' programs are done.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <systemc>

#include "sc_platform.hpp"
#include "sc_time_base.hpp"

namespace ohci::sc::test {

// Skips a case that cannot elaborate because an earlier case in this process already did.
#define OHCI_REQUIRE_FRESH_SYSTEMC()                                                        \
  do {                                                                                      \
    if (sc_core::sc_get_status() != sc_core::SC_ELABORATION)                                \
      GTEST_SKIP() << "SystemC elaborates once per process: run this case alone (as ctest " \
                      "does, or with --gtest_filter)";                                      \
  } while (0)

// Runs the simulation in slices until every CPU's program has returned or `max_cycles` pass;
// returns whether they all finished.
inline bool run_until_programs_finish(ScPlatform& platform, std::uint64_t max_cycles) {
  const sc_core::sc_time slice = clk_period() * 6144.0;  // one isochronous cycle
  const sc_core::sc_time end = clk_period() * static_cast<double>(max_cycles);
  for (;;) {
    bool all = true;
    for (std::size_t i = 0; i < platform.node_count(); ++i) all = all && platform.cpu(i).finished();
    if (all) return true;
    if (sc_core::sc_time_stamp() >= end) return false;
    sc_core::sc_start(slice);
  }
}

}  // namespace ohci::sc::test
