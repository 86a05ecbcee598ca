// AxiMemorySlave against a fake AXI4 master with registered outputs, as ohci_it_dma has: the
// documented timing (first R beat at AR + 1 + latency, B at last W + 1 + latency), data and order
// under random latency and back-pressure, error responses, and each protocol check.
#include "axi_memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_core.hpp"
#include "host_memory.hpp"

namespace ohci::tb {
namespace {

using sim::AxiMemoryConfig;
using sim::AxiResp;
using Slave = sim::AxiMemorySlave<FakeCore>;

// A DMA master that issues queued bursts, one address at a time per channel, and records what
// comes back. Its outputs change only at the rising edge (edge()).
class FakeAxiMaster {
 public:
  struct Beat {
    std::uint64_t cycle;
    std::uint32_t data;
    std::uint8_t resp;
    bool last;
  };
  struct Response {
    std::uint64_t cycle;
    std::uint8_t resp;
  };

  explicit FakeAxiMaster(FakeCore& core, double rready_probability = 1.0, unsigned seed = 7)
      : core_(core), rready_probability_(rready_probability), random_(seed) {
    core_.m_axi_rready = 1;
    core_.m_axi_bready = 1;
  }

  void read(std::uint32_t address, unsigned length) { reads_.push_back({address, length}); }
  void write(std::uint32_t address, std::vector<std::uint32_t> data, std::uint8_t strobe = 0xF) {
    aw_.push_back({address, data, strobe});
    w_.push_back({address, std::move(data), strobe});
  }
  // AWVALID is held back until this cycle (to send W first).
  void hold_aw_until(std::uint64_t cycle) { aw_not_before_ = cycle; }

  // The rising edge ending `cycle`: take the handshakes seen in it, set next cycle's outputs.
  void edge(std::uint64_t cycle) {
    if (core_.m_axi_arvalid && core_.m_axi_arready) {
      ar_cycles.push_back(cycle);
      reads_.pop_front();
    }
    if (core_.m_axi_rvalid && core_.m_axi_rready)
      beats.push_back({cycle, core_.m_axi_rdata, core_.m_axi_rresp, core_.m_axi_rlast != 0});
    if (core_.m_axi_awvalid && core_.m_axi_awready) aw_.pop_front();
    if (core_.m_axi_wvalid && core_.m_axi_wready) {
      w_cycles.push_back(cycle);
      if (++w_beat_ == w_.front().data.size()) {
        w_.pop_front();
        w_beat_ = 0;
      }
    }
    if (core_.m_axi_bvalid && core_.m_axi_bready) responses.push_back({cycle, core_.m_axi_bresp});

    core_.m_axi_arvalid = !reads_.empty();
    if (!reads_.empty()) {
      core_.m_axi_araddr = reads_.front().address;
      core_.m_axi_arlen = static_cast<std::uint8_t>(reads_.front().beats - 1);
    }
    core_.m_axi_rready = chance(rready_probability_);
    core_.m_axi_awvalid = !aw_.empty() && cycle + 1 >= aw_not_before_;
    if (!aw_.empty()) {
      core_.m_axi_awaddr = aw_.front().address;
      core_.m_axi_awlen = static_cast<std::uint8_t>(aw_.front().data.size() - 1);
    }
    core_.m_axi_wvalid = !w_.empty();
    if (!w_.empty()) {
      core_.m_axi_wdata = w_.front().data[w_beat_];
      core_.m_axi_wstrb = w_.front().strobe;
      core_.m_axi_wlast = w_beat_ + 1 == w_.front().data.size();
    }
  }

  bool done() const { return reads_.empty() && aw_.empty() && w_.empty(); }

  std::vector<std::uint64_t> ar_cycles;
  std::vector<std::uint64_t> w_cycles;
  std::vector<Beat> beats;
  std::vector<Response> responses;

 private:
  struct Read {
    std::uint32_t address;
    unsigned beats;
  };
  struct Write {
    std::uint32_t address;
    std::vector<std::uint32_t> data;
    std::uint8_t strobe;
  };

  bool chance(double probability) {
    return probability >= 1.0 || std::uniform_real_distribution<>(0, 1)(random_) < probability;
  }

  FakeCore& core_;
  double rready_probability_;
  std::mt19937 random_;
  std::deque<Read> reads_;
  std::deque<Write> aw_;
  std::deque<Write> w_;
  std::size_t w_beat_ = 0;
  std::uint64_t aw_not_before_ = 0;
};

// Runs `cycles` cycles (from cycle 0) of the slave against the master.
void run(Slave& slave, FakeCore& core, FakeAxiMaster& master, std::uint64_t cycles) {
  const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) { master.edge(cycle); }};
  for (std::uint64_t cycle = 0; cycle < cycles; ++cycle) run_cycle(core, cycle, rtl, slave);
}

// Drives the AR/AW/W pins straight from `pins(cycle)` (set at the edge before each cycle), for
// the protocol checks.
void run_pins(Slave& slave, FakeCore& core, std::uint64_t cycles,
              const std::function<void(std::uint64_t)>& pins) {
  pins(0);
  const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) { pins(cycle + 1); }};
  for (std::uint64_t cycle = 0; cycle < cycles; ++cycle) run_cycle(core, cycle, rtl, slave);
}

sim::HostMemory patterned_memory() {
  sim::HostMemory memory(0, 0x10000);
  for (std::uint32_t address = 0; address < memory.size(); address += 4)
    memory.write32(address, 0xC000'0000u | address);
  return memory;
}

TEST(AxiMemorySlave, AtLatencyZeroTheFirstBeatComesOneCycleAfterAr) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory);
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x100, 4);
  run(slave, core, master, 10);
  // ARVALID is registered at edge 0, so AR completes at cycle 1 and beats at 2, 3, 4, 5.
  ASSERT_EQ(master.ar_cycles, std::vector<std::uint64_t>{1});
  ASSERT_EQ(master.beats.size(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(master.beats[i].cycle, 2 + i);
    EXPECT_EQ(master.beats[i].data, 0xC000'0100u + 4 * i);
    EXPECT_EQ(master.beats[i].resp, 0);
    EXPECT_EQ(master.beats[i].last, i == 3);
  }
  EXPECT_TRUE(slave.violations().empty()) << slave.violations().front();
  EXPECT_EQ(slave.read_bursts(), 1u);
  EXPECT_EQ(slave.read_beats(), 4u);
}

TEST(AxiMemorySlave, ReadLatencyDelaysTheFirstBeatByThatManyCycles) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory, {.read_latency_min = 3, .read_latency_max = 3});
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x200, 2);
  run(slave, core, master, 12);
  ASSERT_EQ(master.beats.size(), 2u);
  EXPECT_EQ(master.beats[0].cycle, 1 + 1 + 3u);  // AR at 1, latency 3
  EXPECT_EQ(master.beats[1].cycle, 1 + 1 + 3 + 1u);
}

TEST(AxiMemorySlave, OutstandingReadsAreAnsweredInOrderBackToBack) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory);
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x000, 4);
  master.read(0x400, 2);
  master.read(0x800, 1);
  run(slave, core, master, 16);
  EXPECT_EQ(master.ar_cycles, (std::vector<std::uint64_t>{1, 2, 3}));
  // Burst 1 at 2-5; bursts 2 and 3 were due long before, so they follow without a gap.
  const std::vector<std::uint32_t> addresses{0x000, 0x004, 0x008, 0x00C, 0x400, 0x404, 0x800};
  ASSERT_EQ(master.beats.size(), addresses.size());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    EXPECT_EQ(master.beats[i].cycle, 2 + i);
    EXPECT_EQ(master.beats[i].data, 0xC000'0000u | addresses[i]);
  }
  EXPECT_EQ(slave.read_bursts(), 3u);
}

TEST(AxiMemorySlave, AtMostMaxOutstandingReadsAreAccepted) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory, {.read_latency_min = 10, .read_latency_max = 10, .max_outstanding_reads = 2});
  FakeCore core;
  FakeAxiMaster master(core);
  for (int i = 0; i < 3; ++i) master.read(0x100, 1);
  run(slave, core, master, 30);
  // AR 1 and 2 at cycles 1 and 2; burst 1's only beat at 1 + 1 + 10 = 12 frees a slot, so
  // ARREADY is high again at 13.
  EXPECT_EQ(master.ar_cycles, (std::vector<std::uint64_t>{1, 2, 13}));
}

TEST(AxiMemorySlave, StalledReadsWaitForTheEndOfTheStall) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory, {.read_latency_min = 2, .read_latency_max = 2});
  slave.stall_reads(0, 20);
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x100, 1);
  run(slave, core, master, 30);
  ASSERT_EQ(master.beats.size(), 1u);
  EXPECT_EQ(master.beats[0].cycle, 20 + 1 + 2u);
}

TEST(AxiMemorySlave, WriteUpdatesMemoryByStrobeAndAnswersBOneCycleAfterTheLastBeat) {
  sim::HostMemory memory(0, 0x1000);
  memory.write32(0x40, 0x1122'3344u);
  memory.write32(0x44, 0x5566'7788u);
  Slave slave(memory);
  FakeCore core;
  FakeAxiMaster master(core);
  master.write(0x40, {0xAABB'CCDDu, 0x0102'0304u}, 0b0101);
  run(slave, core, master, 8);
  EXPECT_EQ(memory.read32(0x40), 0x11BB'33DDu);
  EXPECT_EQ(memory.read32(0x44), 0x5502'7704u);
  EXPECT_EQ(master.w_cycles, (std::vector<std::uint64_t>{1, 2}));
  ASSERT_EQ(master.responses.size(), 1u);
  EXPECT_EQ(master.responses[0].cycle, 2 + 1u);
  EXPECT_EQ(master.responses[0].resp, 0);
  EXPECT_EQ(slave.write_bursts(), 1u);
  EXPECT_EQ(slave.write_beats(), 2u);
  EXPECT_TRUE(slave.violations().empty()) << slave.violations().front();
}

TEST(AxiMemorySlave, WriteResponseLatencyDelaysB) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory, {.write_response_latency = 5});
  FakeCore core;
  FakeAxiMaster master(core);
  master.write(0x40, {1});
  run(slave, core, master, 12);
  ASSERT_EQ(master.responses.size(), 1u);
  EXPECT_EQ(master.responses[0].cycle, 1 + 1 + 5u);
}

TEST(AxiMemorySlave, WBeatsBeforeTheirAwAreTakenAndWrittenWhenTheAwArrives) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory);
  std::vector<sim::AxiBurstRecord> bursts;
  slave.set_on_burst([&](const sim::AxiBurstRecord& burst) { bursts.push_back(burst); });
  FakeCore core;
  FakeAxiMaster master(core);
  master.write(0x80, {0xA, 0xB});
  master.hold_aw_until(6);
  std::uint32_t before_aw = 1;
  const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) {
                      master.edge(cycle);
                      if (cycle == 5) before_aw = memory.read32(0x80);
                    }};
  for (std::uint64_t cycle = 0; cycle < 12; ++cycle) run_cycle(core, cycle, rtl, slave);
  EXPECT_EQ(master.w_cycles, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(before_aw, 0u) << "nothing written before the address is known";
  EXPECT_EQ(memory.read32(0x80), 0xAu);
  EXPECT_EQ(memory.read32(0x84), 0xBu);
  ASSERT_EQ(bursts.size(), 1u);
  EXPECT_EQ(bursts[0].cycle, 6u);  // the AW handshake completes the burst
  ASSERT_EQ(master.responses.size(), 1u);
  EXPECT_EQ(master.responses[0].cycle, 7u);
  EXPECT_TRUE(slave.violations().empty()) << slave.violations().front();
}

TEST(AxiMemorySlave, RandomLatencyAndBackPressureKeepDataOrderAndTheRules) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    sim::HostMemory memory = patterned_memory();
    const AxiMemoryConfig config{.read_latency_min = 1,
                                 .read_latency_max = 9,
                                 .write_response_latency = 0,
                                 .ar_stall_probability = 0.4,
                                 .aw_stall_probability = 0.4,
                                 .w_stall_probability = 0.4,
                                 .r_gap_probability = 0.4,
                                 .max_outstanding_reads = 3,
                                 .max_outstanding_writes = 3,
                                 .seed = seed};
    Slave slave(memory, config);
    FakeCore core;
    FakeAxiMaster master(core, 0.6, static_cast<unsigned>(seed));
    std::vector<std::uint32_t> expected;
    for (std::uint32_t burst = 0; burst < 20; ++burst) {
      const unsigned beats = 1 + burst % 16;
      master.read(0x1000 * (burst % 4) + 0x40 * burst, beats);
      for (unsigned i = 0; i < beats; ++i)
        expected.push_back(0xC000'0000u | (0x1000 * (burst % 4) + 0x40 * burst + 4 * i));
      master.write(0x8000 + 0x40 * burst, std::vector<std::uint32_t>(beats, burst));
    }
    // The slave must hold an R beat it offered until RREADY takes it.
    bool offered = false;
    std::uint32_t offered_data = 0;
    int withdrawn = 0;
    const FakeRtl rtl{.eval = {}, .rising_edge = [&](std::uint64_t cycle) {
                        if (offered && (!core.m_axi_rvalid || core.m_axi_rdata != offered_data))
                          ++withdrawn;
                        offered = core.m_axi_rvalid && !core.m_axi_rready;
                        offered_data = core.m_axi_rdata;
                        master.edge(cycle);
                      }};
    for (std::uint64_t cycle = 0; cycle < 3000 && !(master.done() && slave.idle()); ++cycle)
      run_cycle(core, cycle, rtl, slave);
    ASSERT_TRUE(master.done() && slave.idle()) << "seed " << seed;
    ASSERT_EQ(master.beats.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
      ASSERT_EQ(master.beats[i].data, expected[i]) << "seed " << seed << " beat " << i;
    for (std::uint32_t burst = 0; burst < 20; ++burst)
      EXPECT_EQ(memory.read32(0x8000 + 0x40 * burst), burst);
    EXPECT_EQ(master.responses.size(), 20u);
    EXPECT_EQ(withdrawn, 0);
    // Every burst's first beat comes at least 1 + latency_min cycles after its AR.
    std::size_t beat = 0;
    for (std::uint32_t burst = 0; burst < 20; ++burst) {
      EXPECT_GE(master.beats[beat].cycle, master.ar_cycles[burst] + 1 + 1);
      beat += 1 + burst % 16;
    }
    EXPECT_EQ(slave.read_bursts(), 20u);
    EXPECT_EQ(slave.write_bursts(), 20u);
    EXPECT_TRUE(slave.violations().empty()) << slave.violations().front();
  }
}

TEST(AxiMemorySlave, TheSameSeedGivesTheSameTiming) {
  std::vector<std::uint64_t> runs[2];
  for (auto& cycles : runs) {
    sim::HostMemory memory = patterned_memory();
    Slave slave(memory, {.read_latency_min = 0,
                         .read_latency_max = 20,
                         .ar_stall_probability = 0.5,
                         .r_gap_probability = 0.5,
                         .seed = 42});
    FakeCore core;
    FakeAxiMaster master(core);
    for (int i = 0; i < 10; ++i) master.read(0x100, 4);
    run(slave, core, master, 400);
    for (const auto& beat : master.beats) cycles.push_back(beat.cycle);
  }
  EXPECT_EQ(runs[0].size(), 40u);
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(AxiMemorySlave, BeatsTouchingAnErrorRangeGetItsResponse) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory);
  slave.add_error_range({.first = 0x206, .last = 0x20B, .resp = AxiResp::SlvErr});
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x1F8, 6);  // beats at 0x1F8 .. 0x20C; 0x204 and 0x208 touch the range
  run(slave, core, master, 12);
  ASSERT_EQ(master.beats.size(), 6u);
  const std::uint8_t expected[] = {0, 0, 0, 2, 2, 0};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(master.beats[i].resp, expected[i]) << i;
    EXPECT_EQ(master.beats[i].data, expected[i] ? Slave::kErrorData : 0xC000'01F8u + 4 * i);
  }
  EXPECT_TRUE(slave.violations().empty());
}

TEST(AxiMemorySlave, WritesIntoAnErrorRangeAreNotPerformedAndBCarriesTheError) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory);
  slave.add_error_range({.first = 0x104, .last = 0x107, .on_read = false, .resp = AxiResp::DecErr});
  slave.add_error_range({.first = 0x200, .last = 0x2FF, .on_write = false});  // reads only
  FakeCore core;
  FakeAxiMaster master(core);
  master.write(0x100, {0x11, 0x22, 0x33});
  master.write(0x200, {0x44});
  run(slave, core, master, 12);
  EXPECT_EQ(memory.read32(0x100), 0x11u);
  EXPECT_EQ(memory.read32(0x104), 0u) << "not performed";
  EXPECT_EQ(memory.read32(0x108), 0x33u);
  EXPECT_EQ(memory.read32(0x200), 0x44u) << "a read-only error range does not stop writes";
  ASSERT_EQ(master.responses.size(), 2u);
  EXPECT_EQ(master.responses[0].resp, 3);
  EXPECT_EQ(master.responses[1].resp, 0);
}

TEST(AxiMemorySlave, AnErrorRateOfOneFailsEveryBurstWholeAndWritesNothing) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory, {.error_rate = 1.0});
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x100, 2);
  master.write(0x300, {0x55, 0x66});
  run(slave, core, master, 12);
  ASSERT_EQ(master.beats.size(), 2u);
  for (const auto& beat : master.beats) {
    EXPECT_EQ(beat.resp, 2) << "SLVERR";
    EXPECT_EQ(beat.data, Slave::kErrorData);
  }
  ASSERT_EQ(master.responses.size(), 1u);
  EXPECT_EQ(master.responses[0].resp, 2);
  EXPECT_EQ(memory.read32(0x300), 0xC000'0300u) << "not performed";
  EXPECT_EQ(slave.injected_errors(), 2u);
}

TEST(AxiMemorySlave, AnErrorRateOfZeroDrawsNothingAndFailsNothing) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory, {.error_rate = 0.0});
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x100, 2);
  master.write(0x300, {0x55});
  run(slave, core, master, 12);
  ASSERT_EQ(master.beats.size(), 2u);
  EXPECT_EQ(master.beats[0].resp, 0);
  EXPECT_EQ(master.responses.at(0).resp, 0);
  EXPECT_EQ(memory.read32(0x300), 0x55u);
  EXPECT_EQ(slave.injected_errors(), 0u);
}

TEST(AxiMemorySlave, AccessesOutsideTheMemoryGetDecerr) {
  sim::HostMemory memory(0x1000, 0x1000);  // [0x1000, 0x2000)
  Slave slave(memory);
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x1FF8, 4);  // two beats inside, two past the end (and a 4 KiB crossing)
  master.write(0x0F00, {1});
  run(slave, core, master, 12);
  ASSERT_EQ(master.beats.size(), 4u);
  EXPECT_EQ(master.beats[0].resp, 0);
  EXPECT_EQ(master.beats[1].resp, 0);
  EXPECT_EQ(master.beats[2].resp, 3);
  EXPECT_EQ(master.beats[3].resp, 3);
  ASSERT_EQ(master.responses.size(), 1u);
  EXPECT_EQ(master.responses[0].resp, 3);
}

TEST(AxiMemorySlave, BurstHookAndCountersSeeEveryBurst) {
  sim::HostMemory memory = patterned_memory();
  Slave slave(memory);
  std::vector<sim::AxiBurstRecord> bursts;
  std::vector<sim::AxiBurstRecord> writes;
  slave.set_on_burst([&](const sim::AxiBurstRecord& burst) { bursts.push_back(burst); });
  slave.set_on_write([&](const sim::AxiBurstRecord& burst) { writes.push_back(burst); });
  FakeCore core;
  FakeAxiMaster master(core);
  master.read(0x300, 2);
  master.write(0x900, {7, 8, 9});
  run(slave, core, master, 10);
  ASSERT_EQ(bursts.size(), 2u);
  // The write's beats are at 1, 2, 3; the read's at 2, 3: the read completes first.
  EXPECT_FALSE(bursts[0].write);
  EXPECT_EQ(bursts[0].cycle, 3u);
  EXPECT_EQ(bursts[0].address, 0x300u);
  EXPECT_EQ(bursts[0].beats, 2u);
  EXPECT_EQ(bursts[0].data, (std::vector<std::uint32_t>{0xC000'0300u, 0xC000'0304u}));
  EXPECT_TRUE(bursts[1].write);
  EXPECT_EQ(bursts[1].cycle, 3u);
  EXPECT_EQ(bursts[1].address, 0x900u);
  EXPECT_EQ(bursts[1].beats, 3u);
  EXPECT_EQ(bursts[1].resp, AxiResp::Okay);
  EXPECT_EQ(bursts[1].data, (std::vector<std::uint32_t>{7, 8, 9}));
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].address, 0x900u);
  EXPECT_EQ(slave.read_beats(), 2u);
  EXPECT_EQ(slave.write_beats(), 3u);
}

TEST(AxiMemorySlave, RejectsABadConfigurationOrErrorRange) {
  sim::HostMemory memory(0, 0x1000);
  EXPECT_THROW(Slave(memory, {.read_latency_min = 2, .read_latency_max = 1}),
               std::invalid_argument);
  EXPECT_THROW(Slave(memory, {.r_gap_probability = 1.5}), std::invalid_argument);
  EXPECT_THROW(Slave(memory, {.max_outstanding_reads = 0}), std::invalid_argument);
  Slave slave(memory);
  EXPECT_THROW(slave.add_error_range({.first = 8, .last = 4}), std::invalid_argument);
  EXPECT_THROW(slave.add_error_range({.first = 0, .last = 4, .resp = AxiResp::Okay}),
               std::invalid_argument);
}

// One AR at cycle 1 with the given fields; returns the slave's findings.
std::vector<std::string> violations_of_read(std::uint32_t address, std::uint8_t len,
                                            std::uint8_t size, std::uint8_t burst) {
  sim::HostMemory memory(0, 0x4000);
  Slave slave(memory);
  FakeCore core;
  core.m_axi_rready = 1;
  run_pins(slave, core, 24, [&](std::uint64_t cycle) {
    core.m_axi_arvalid = cycle == 1;
    core.m_axi_araddr = address;
    core.m_axi_arlen = len;
    core.m_axi_arsize = size;
    core.m_axi_arburst = burst;
  });
  return slave.violations();
}

void expect_one(const std::vector<std::string>& violations, const std::string& text) {
  ASSERT_EQ(violations.size(), 1u) << (violations.empty() ? "none" : violations.back());
  EXPECT_NE(violations[0].find(text), std::string::npos) << violations[0];
  EXPECT_EQ(violations[0].rfind("cycle 1:", 0), 0u) << violations[0];
}

TEST(AxiMemorySlaveChecks, AFourBeatIncrReadIsClean) {
  EXPECT_TRUE(violations_of_read(0x100, 3, 2, 1).empty());
}

TEST(AxiMemorySlaveChecks, BurstLongerThanSixteenBeats) {
  expect_one(violations_of_read(0x100, 16, 2, 1), "burst of 17 beats");
}

TEST(AxiMemorySlaveChecks, SizeOtherThanFourBytes) {
  expect_one(violations_of_read(0x100, 0, 1, 1), "size 1");
}

TEST(AxiMemorySlaveChecks, BurstTypeOtherThanIncr) {
  expect_one(violations_of_read(0x100, 3, 2, 2), "not INCR");
}

TEST(AxiMemorySlaveChecks, BurstCrossingA4KiBBoundary) {
  expect_one(violations_of_read(0xFF8, 3, 2, 1), "4 KiB");
  EXPECT_TRUE(violations_of_read(0xFC0, 15, 2, 1).empty()) << "ends exactly at the boundary";
}

TEST(AxiMemorySlaveChecks, WlastOnTheWrongBeat) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory);
  FakeCore core;
  core.m_axi_bready = 1;
  run_pins(slave, core, 8, [&](std::uint64_t cycle) {
    core.m_axi_awvalid = cycle == 1;
    core.m_axi_awlen = 1;
    core.m_axi_wvalid = cycle == 1 || cycle == 2;
    core.m_axi_wstrb = 0xF;
    core.m_axi_wlast = cycle == 1;  // should be on the second beat
  });
  ASSERT_EQ(slave.violations().size(), 2u);  // WLAST early on beat 0, missing on beat 1
  EXPECT_NE(slave.violations()[0].find("WLAST on beat 0"), std::string::npos);
  EXPECT_NE(slave.violations()[1].find("WLAST missing from beat 1"), std::string::npos);
}

TEST(AxiMemorySlaveChecks, ArvalidDroppedBeforeArready) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory, {.ar_stall_probability = 1.0});  // ARREADY never high
  FakeCore core;
  run_pins(slave, core, 6, [&](std::uint64_t cycle) {
    core.m_axi_arvalid = cycle == 0;
    core.m_axi_araddr = 0x40;
  });
  ASSERT_EQ(slave.violations().size(), 1u);
  EXPECT_EQ(slave.violations()[0], "cycle 1: ARVALID dropped before ARREADY");
}

TEST(AxiMemorySlaveChecks, AraddrChangedWhileWaitingForArready) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory, {.ar_stall_probability = 1.0});
  FakeCore core;
  run_pins(slave, core, 2, [&](std::uint64_t cycle) {
    core.m_axi_arvalid = 1;
    core.m_axi_araddr = cycle == 0 ? 0x40 : 0x80;
  });
  ASSERT_EQ(slave.violations().size(), 1u);
  EXPECT_EQ(slave.violations()[0], "cycle 1: AR payload changed before ARREADY");
}

TEST(AxiMemorySlaveChecks, AwvalidDroppedBeforeAwready) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory, {.aw_stall_probability = 1.0});
  FakeCore core;
  run_pins(slave, core, 3, [&](std::uint64_t cycle) { core.m_axi_awvalid = cycle == 0; });
  ASSERT_EQ(slave.violations().size(), 1u);
  EXPECT_EQ(slave.violations()[0], "cycle 1: AWVALID dropped before AWREADY");
}

TEST(AxiMemorySlaveChecks, WdataChangedWhileWaitingForWready) {
  sim::HostMemory memory(0, 0x1000);
  Slave slave(memory, {.w_stall_probability = 1.0});
  FakeCore core;
  run_pins(slave, core, 2, [&](std::uint64_t cycle) {
    core.m_axi_wvalid = 1;
    core.m_axi_wlast = 1;
    core.m_axi_wdata = static_cast<std::uint32_t>(cycle);
  });
  ASSERT_EQ(slave.violations().size(), 1u);
  EXPECT_EQ(slave.violations()[0], "cycle 1: W payload changed before WREADY");
}

}  // namespace
}  // namespace ohci::tb
