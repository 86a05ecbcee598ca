// AxilMaster against a fake AXI4-Lite register slave that behaves as the header's cost model
// assumes (READY in the cycle after it first sees VALID, the response one cycle after the
// handshake), and against a slave that never answers.
#include "axil_master.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <stdexcept>

#include "fake_core.hpp"

namespace ohci::tb {
namespace {

using Master = sim::AxilMaster<FakeCore>;

// Registers at quadlet offsets; all outputs registered. `response_delay` is the number of
// cycles from the address handshake to the cycle the response is on the bus (1 = the next).
class FakeRegisterSlave {
 public:
  FakeRegisterSlave(FakeCore& core, unsigned response_delay = 1)
      : core_(core), response_delay_(response_delay) {}

  std::map<std::uint32_t, std::uint32_t> registers;
  bool answer = true;

  void edge(std::uint64_t cycle) {
    // Read channel.
    if (core_.s_axil_arvalid && core_.s_axil_arready) {
      read_due_ = cycle + response_delay_;
      read_address_ = core_.s_axil_araddr;
    }
    if (core_.s_axil_rvalid && core_.s_axil_rready) core_.s_axil_rvalid = 0;
    core_.s_axil_arready = core_.s_axil_arvalid && !core_.s_axil_arready;
    if (answer && read_due_ && cycle + 1 == read_due_) {
      core_.s_axil_rvalid = 1;
      core_.s_axil_rdata = registers[read_address_];
      core_.s_axil_rresp = 0;
      read_due_ = 0;
    }
    // Write channels.
    if (core_.s_axil_awvalid && core_.s_axil_awready) write_address_ = core_.s_axil_awaddr;
    if (core_.s_axil_wvalid && core_.s_axil_wready) {
      write_data_ = core_.s_axil_wdata;
      write_strobe_ = core_.s_axil_wstrb;
    }
    const bool aw_done = core_.s_axil_awvalid && core_.s_axil_awready;
    const bool w_done = core_.s_axil_wvalid && core_.s_axil_wready;
    aw_taken_ |= aw_done;
    w_taken_ |= w_done;
    if (aw_taken_ && w_taken_) {
      std::uint32_t& value = registers[write_address_];
      for (unsigned lane = 0; lane < 4; ++lane) {
        if (write_strobe_ & (1u << lane)) {
          const std::uint32_t mask = 0xFFu << (8 * lane);
          value = (value & ~mask) | (write_data_ & mask);
        }
      }
      write_due_ = cycle + response_delay_;
      aw_taken_ = w_taken_ = false;
    }
    if (core_.s_axil_bvalid && core_.s_axil_bready) core_.s_axil_bvalid = 0;
    core_.s_axil_awready = core_.s_axil_awvalid && !core_.s_axil_awready && !aw_done;
    core_.s_axil_wready = core_.s_axil_wvalid && !core_.s_axil_wready && !w_done;
    if (answer && write_due_ && cycle + 1 == write_due_) {
      core_.s_axil_bvalid = 1;
      core_.s_axil_bresp = 0;
      write_due_ = 0;
    }
  }

 private:
  FakeCore& core_;
  unsigned response_delay_;
  std::uint64_t read_due_ = 0, write_due_ = 0;
  std::uint32_t read_address_ = 0, write_address_ = 0, write_data_ = 0;
  unsigned write_strobe_ = 0;
  bool aw_taken_ = false, w_taken_ = false;
};

class AxilMasterTest : public ::testing::Test {
 protected:
  // Steps until the master is idle (at most `limit` cycles); returns the cycles stepped.
  std::uint64_t run_until_idle(std::uint64_t limit = 1000) {
    const std::uint64_t start = cycle_;
    while (master_.busy() && cycle_ - start < limit) step();
    return cycle_ - start;
  }
  void step() {
    const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) { slave_.edge(cycle); }};
    run_cycle(core_, cycle_++, rtl, master_);
  }

  FakeCore core_;
  FakeRegisterSlave slave_{core_};
  Master master_;
  std::uint64_t cycle_ = 0;
};

TEST_F(AxilMasterTest, ReadTakesThreeCyclesAgainstAOneCycleReadySlave) {
  slave_.registers[0x0F0] = 0x1234'5678u;
  step();  // idle cycle 0
  master_.start_read(0x0F0);
  EXPECT_TRUE(master_.busy());
  run_until_idle();
  const sim::AxilResult& result = master_.result();
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.data, 0x1234'5678u);
  EXPECT_EQ(result.resp, 0);
  EXPECT_EQ(result.issue_cycle, 1u);  // VALID in the first cycle after start_read
  EXPECT_EQ(result.done_cycle, 1 + 2u);
  EXPECT_EQ(result.cycles(), 3u);
  EXPECT_TRUE(master_.violations().empty());
}

TEST_F(AxilMasterTest, WriteTakesThreeCyclesAndAppliesTheStrobe) {
  slave_.registers[0x080] = 0xAABB'CCDDu;
  master_.start_write(0x080, 0x1122'3344u, 0b0011);
  run_until_idle();
  const sim::AxilResult& result = master_.result();
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.issue_cycle, 0u);
  EXPECT_EQ(result.cycles(), 3u);
  EXPECT_EQ(slave_.registers[0x080], 0xAABB'3344u);
}

TEST_F(AxilMasterTest, TheNextAccessCanStartRightAfterTheLastCompletes) {
  master_.start_write(0x100, 7);
  run_until_idle();
  const std::uint64_t write_done = master_.result().done_cycle;
  master_.start_read(0x100);
  run_until_idle();
  EXPECT_EQ(master_.result().issue_cycle, write_done + 1);
  EXPECT_EQ(master_.result().data, 7u);
}

TEST_F(AxilMasterTest, DrivesValidOnlyUntilEachHandshake) {
  master_.start_write(0x010, 1);
  step();  // cycle 0: AW and W valid, not yet ready
  EXPECT_EQ(core_.s_axil_awvalid, 1);
  EXPECT_EQ(core_.s_axil_wvalid, 1);
  EXPECT_EQ(core_.s_axil_bready, 0);
  step();  // cycle 1: both handshakes
  master_.drive(core_);
  EXPECT_EQ(core_.s_axil_awvalid, 0);
  EXPECT_EQ(core_.s_axil_wvalid, 0);
  EXPECT_EQ(core_.s_axil_bready, 1);
}

TEST_F(AxilMasterTest, ASlowerSlaveCostsItsExtraCycles) {
  FakeRegisterSlave slow(core_, 4);
  const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) { slow.edge(cycle); }};
  master_.start_read(0x000);
  for (std::uint64_t cycle = 0; master_.busy() && cycle < 100; ++cycle)
    run_cycle(core_, cycle, rtl, master_);
  // VALID at 0, handshake at 1, response 4 cycles after the handshake.
  EXPECT_EQ(master_.result().cycles(), 1 + 1 + 4u);
}

TEST_F(AxilMasterTest, GivesUpAfterTheTimeoutAndDropsEveryValid) {
  Master master(16);
  FakeCore core;  // nothing answers
  master.start_read(0x080);
  std::uint64_t cycle = 0;
  for (; master.busy() && cycle < 100; ++cycle) run_cycle(core, cycle, FakeRtl{}, master);
  EXPECT_TRUE(master.result().timed_out);
  EXPECT_EQ(master.result().cycles(), 16u);
  EXPECT_EQ(master.result().done_cycle, 15u);
  master.drive(core);
  EXPECT_EQ(core.s_axil_arvalid, 0);
  EXPECT_EQ(core.s_axil_rready, 0);
}

TEST_F(AxilMasterTest, TimesOutWaitingForAResponseAndReportsItsLateArrival) {
  Master master(16);
  slave_.answer = false;  // takes the address, never responds
  const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) { slave_.edge(cycle); }};
  master.start_write(0x084, 1);
  std::uint64_t cycle = 0;
  for (; master.busy(); ++cycle) run_cycle(core_, cycle, rtl, master);
  EXPECT_TRUE(master.result().timed_out);
  EXPECT_EQ(master.result().cycles(), 16u);
  master.drive(core_);
  EXPECT_EQ(core_.s_axil_bready, 0);
  core_.s_axil_bvalid = 1;  // the answer comes after all
  run_cycle(core_, cycle, FakeRtl{}, master);
  ASSERT_EQ(master.violations().size(), 1u);
  EXPECT_EQ(master.violations()[0], "cycle 16: BVALID with no write waiting");
}

TEST_F(AxilMasterTest, RejectsASecondStartAndOffsetsOutsideTheWindow) {
  EXPECT_THROW(master_.start_read(0x800), std::out_of_range);
  EXPECT_FALSE(master_.busy());
  master_.start_read(0x7FC);
  EXPECT_THROW(master_.start_write(0x000, 0), std::logic_error);
  EXPECT_THROW(Master(0), std::invalid_argument);
}

}  // namespace
}  // namespace ohci::tb
