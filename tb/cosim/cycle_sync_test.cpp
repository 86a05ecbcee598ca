// A node that is not cycle master follows the master's cycle starts (reference/ohci-isoch.md
// 1.2, 4.1; docs/decisions.md 8, 9, 27, 28; rtl/ohci_cycle_timer.v): its IsochronousCycleTimer
// stays within one cycleOffset tick of the master's, cycleInconsistent says when a received cycle
// start disagrees with it, cycleLost when cycle starts stop coming, and its IT contexts send in
// the isochronous periods the received cycle starts open. Node 0 is cycle master, node 1 follows.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <vector>

#include "stream_harness.hpp"

namespace ohci::tb {
namespace {

using regs::Speed;

constexpr std::uint32_t kOffsetsPerCycle = 3072;
constexpr std::int64_t kOffsetsPer128Seconds = std::int64_t{128} * 8000 * kOffsetsPerCycle;

// A cycle timer value as offsets since second 0 (of its 128-second epoch).
std::int64_t offsets_of(std::uint32_t timer) {
  const std::int64_t seconds = regs::isochronous_cycle_timer::kCycleSeconds.get(timer);
  const std::int64_t count = regs::isochronous_cycle_timer::kCycleCount.get(timer);
  const std::int64_t offset = regs::isochronous_cycle_timer::kCycleOffset.get(timer);
  return (seconds * 8000 + count) * kOffsetsPerCycle + offset;
}

// a - b in offsets, modulo 128 seconds, as the nearest signed difference.
std::int64_t offsets_apart(std::uint32_t a, std::uint32_t b) {
  std::int64_t gap = (offsets_of(a) - offsets_of(b)) % kOffsetsPer128Seconds;
  if (gap > kOffsetsPer128Seconds / 2) gap -= kOffsetsPer128Seconds;
  if (gap < -kOffsetsPer128Seconds / 2) gap += kOffsetsPer128Seconds;
  return gap;
}

// A timer value `offsets` later than `timer`.
std::uint32_t advanced(std::uint32_t timer, std::int64_t offsets) {
  const std::int64_t total = (offsets_of(timer) + offsets) % kOffsetsPer128Seconds;
  const auto offset = static_cast<std::uint32_t>(total % kOffsetsPerCycle);
  const auto count = static_cast<std::uint32_t>(total / kOffsetsPerCycle % 8000);
  const auto seconds = static_cast<std::uint32_t>(total / kOffsetsPerCycle / 8000);
  return seconds << 25 | count << 12 | offset;
}

// cycleSeconds[2:0]:cycleCount of a cycle start's cycle_time (the time stamp form).
std::uint32_t stamp_of(std::uint32_t cycle_time) {
  return (cycle_time >> 25 & 0x7u) << 13 | (cycle_time >> 12 & 0x1FFFu);
}

class CycleSync : public BusTest {
 protected:
  struct TimerPair {
    std::uint32_t master = 0;
    std::uint32_t follower = 0;
  };

  // Both nodes' IsochronousCycleTimer, read by register accesses that start in the same clk and
  // so sample the two timers at the same edge (ohci_regs: the value is sampled at the AR
  // handshake, one edge after VALID is seen).
  TimerPair read_timers_together() {
    auto& master = station(0).node.register_bus();
    auto& follower = station(1).node.register_bus();
    while (master.busy() || follower.busy()) world_.step();
    master.start_read(regs::kIsochronousCycleTimer);
    follower.start_read(regs::kIsochronousCycleTimer);
    while (master.busy() || follower.busy()) world_.step();
    EXPECT_EQ(master.result().issue_cycle, follower.result().issue_cycle);
    EXPECT_EQ(master.result().done_cycle, follower.result().done_cycle);
    return {master.result().data, follower.result().data};
  }

  // One access on node `node`'s register bus, with its cycle numbers.
  sim::AxilResult access(std::size_t node, bool write, std::uint32_t offset,
                         std::uint32_t value = 0) {
    auto& bus = station(node).node.register_bus();
    while (bus.busy()) world_.step();
    if (write) {
      bus.start_write(offset, value);
    } else {
      bus.start_read(offset);
    }
    while (bus.busy()) world_.step();
    return bus.result();
  }

  // IntEvent as it is (reading IntEventSet returns the raw value, whatever the mask).
  std::uint32_t raw_events(std::size_t node) {
    return station(node).hal.read32(regs::kIntEventSet);
  }
  void clear_events(std::size_t node) {
    station(node).hal.write32(regs::kIntEventClear, 0xFFFFFFFFu);
  }

  // Runs until node `node`'s cycleOffset is about `offset` (within a few ticks).
  void run_to_offset(std::size_t node, std::uint32_t offset) {
    const fw::CycleTime now = station(node).controller.read_cycle_timer();
    const std::uint32_t ahead = (offset + kOffsetsPerCycle - now.offset) % kOffsetsPerCycle;
    world_.run(std::uint64_t{ahead} * 2);
  }

  // The cycle starts on the bus so far, in order.
  std::vector<sim::BusPacket> cycle_starts() const {
    std::vector<sim::BusPacket> starts;
    for (const sim::BusPacket& packet : world_.bus().packets())
      if (sim::tcode_of(packet.bytes) == sim::kTcodeCycleStart) starts.push_back(packet);
    return starts;
  }
};

TEST_F(CycleSync, FollowerTimerStaysWithinOneOffsetOfTheMaster) {
  // Decision 27: node 1 loads each received cycle start advanced by its propagation, so it runs
  // within one cycleOffset tick of the master. Sampled at 300 points over 30 cycles (611 clk
  // apart: every phase of the cycle), then back to back across three cycle wraps.
  bring_up_all();
  unsigned samples = 0;
  const auto check = [&](const TimerPair& pair) {
    ++samples;
    const std::int64_t gap = offsets_apart(pair.master, pair.follower);
    EXPECT_LE(std::llabs(gap), 1) << std::hex << "master 0x" << pair.master << ", follower 0x"
                                  << pair.follower << " at clk " << std::dec << world_.cycle();
    return std::llabs(gap) <= 1;
  };
  for (unsigned i = 0; i < 300; ++i) {
    world_.run(608);
    if (!check(read_timers_together())) break;
  }
  for (unsigned wrap = 0; wrap < 3; ++wrap) {
    run_to_offset(1, 3040);
    // 40 reads of 3 clk: from about offset 3040 to 3072 + 28, across the wrap.
    for (unsigned i = 0; i < 40; ++i)
      if (!check(read_timers_together())) break;
  }
  EXPECT_EQ(samples, 420u);
}

TEST_F(CycleSync, FollowerCycleSynchComesAtItsTimerWraps6144ClkApart) {
  // cycleSynch on node 1 follows its own timer's wraps: irq rises exactly 6144 clk apart, within
  // 2 clk (one offset tick, decision 27) of the master's cycleSynch, and the ISR finds the timer
  // just past the wrap into the next cycleCount.
  bring_up_all();
  struct Seen {
    std::uint64_t cycle;
    fw::CycleTime time;
  };
  std::vector<Seen> seen;
  for (std::size_t node = 0; node < 2; ++node) {
    station(node).hal.attach_interrupt([this, node, &seen] {
      auto events = station(node).controller.read_and_clear_events();
      ASSERT_TRUE(events.ok());
      if (node == 1 && events.value().has(regs::int_event::kCycleSynch))
        seen.push_back({world_.cycle(), station(1).controller.read_cycle_timer()});
    });
    station(node).controller.enable_interrupts(regs::int_mask::kCycleSynch.mask());
  }
  // The first interrupt is for the cycleSynch events left from bring-up.
  const std::uint64_t from = world_.cycle() + kClkPerCycle / 2;
  world_.run(12 * kClkPerCycle);

  const auto after = [&](const std::vector<std::uint64_t>& edges) {
    std::vector<std::uint64_t> kept;
    for (std::uint64_t edge : edges)
      if (edge >= from) kept.push_back(edge);
    return kept;
  };
  const auto master =
      after(world_.log().cycles_of(station(0).node.name(), sim::EventKind::IrqRaised));
  const auto follower =
      after(world_.log().cycles_of(station(1).node.name(), sim::EventKind::IrqRaised));
  ASSERT_GE(follower.size(), 11u);
  ASSERT_FALSE(master.empty());
  for (std::size_t i = 0; i < follower.size(); ++i) {
    if (i > 0) {
      EXPECT_EQ(follower[i] - follower[i - 1], kClkPerCycle) << i;
    }
    long long gap = INT64_MAX;
    for (std::uint64_t edge : master)
      gap = std::min(gap, std::llabs(static_cast<std::int64_t>(follower[i]) -
                                     static_cast<std::int64_t>(edge)));
    EXPECT_LE(gap, 2) << "cycleSynch " << i << ": the timers are a tick apart at most";
  }
  std::vector<Seen> kept;
  for (const Seen& s : seen)
    if (s.cycle >= from) kept.push_back(s);
  ASSERT_EQ(kept.size(), follower.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    // irq rises 2 edges after the wrap; the ISR's three accesses of 3 clk come right after it,
    // so the timer read is fewer than 16 clk = 8 offsets into the new cycle.
    EXPECT_LT(kept[i].time.offset, 8u) << i;
    if (i > 0) {
      EXPECT_EQ(kept[i].time.count, (kept[i - 1].time.count + 1) % 8000) << i;
    }
  }
}

TEST_F(CycleSync, CycleInconsistentWhenTheFollowerCycleCountDisagreesThenItFollowsAgain) {
  bring_up_all();
  clear_events(1);
  world_.run(3 * kClkPerCycle);
  EXPECT_EQ(raw_events(1) & regs::int_event::kCycleInconsistent.mask(), 0u)
      << "raised while following";
  // Mid-cycle, software moves node 1's timer 100 cycles ahead. A write raises no event
  // (decision 15); the next received cycle start disagrees and is loaded.
  run_to_offset(1, 1536);
  const fw::CycleTime now = station(1).controller.read_cycle_timer();
  station(1).hal.write32(regs::kIsochronousCycleTimer,
                         advanced(now.raw, std::int64_t{100} * kOffsetsPerCycle));
  EXPECT_EQ(raw_events(1) & regs::int_event::kCycleInconsistent.mask(), 0u) << "by the write";
  EXPECT_EQ(station(1).controller.read_cycle_timer().count, (now.count + 100) % 8000);
  world_.run(kClkPerCycle);
  EXPECT_NE(raw_events(1) & regs::int_event::kCycleInconsistent.mask(), 0u)
      << "the cycle start after the write";
  const TimerPair pair = read_timers_together();
  EXPECT_LE(std::llabs(offsets_apart(pair.master, pair.follower)), 1) << "follows again";
  clear_events(1);
  world_.run(3 * kClkPerCycle);
  EXPECT_EQ(raw_events(1) & regs::int_event::kCycleInconsistent.mask(), 0u)
      << "raised again after following again";
}

TEST_F(CycleSync, CycleInconsistentWhenTheFollowerOffsetIsMoreThanTwoTicksOff) {
  // Decision 27: cycleInconsistent also when only the offsets differ, by more than 2. Mid-cycle,
  // node 1's timer is read and at once rewritten 64 offsets ahead of it (the write loads 3 clk =
  // 1.5 offsets after the read sampled, so the step is 64 +- 2 offsets): no event by the write,
  // one at the next cycle start, and then it follows again.
  constexpr std::int64_t kAhead = 64;
  bring_up_all();
  clear_events(1);
  run_to_offset(1, 1000);
  const sim::AxilResult read = access(1, false, regs::kIsochronousCycleTimer);
  const sim::AxilResult write =
      access(1, true, regs::kIsochronousCycleTimer, advanced(read.data, kAhead + 2));
  EXPECT_EQ(write.issue_cycle, read.done_cycle + 1) << "back to back";
  EXPECT_EQ(regs::isochronous_cycle_timer::kCycleCount.get(read.data),
            regs::isochronous_cycle_timer::kCycleCount.get(advanced(read.data, kAhead + 2)))
      << "only the offset changes";
  EXPECT_EQ(raw_events(1) & regs::int_event::kCycleInconsistent.mask(), 0u) << "by the write";
  world_.run(kClkPerCycle);
  EXPECT_NE(raw_events(1) & regs::int_event::kCycleInconsistent.mask(), 0u)
      << "64 offsets ahead at the cycle start";
  const TimerPair pair = read_timers_together();
  EXPECT_LE(std::llabs(offsets_apart(pair.master, pair.follower)), 1) << "follows again";
}

TEST_F(CycleSync, CycleLostWhenCycleStartsStop) {
  // Decision 9: following a master, cycleLost is raised at a wrap of the local timer when no
  // cycle start was received since the previous wrap. The master's last cycle start is for cycle
  // N: the wrap into N + 1 still had it; every wrap from N + 2 on raises cycleLost, none before.
  bring_up_all();
  struct Flags {
    bool synch = false;
    bool lost = false;
  };
  std::map<std::uint32_t, Flags> by_cycle;  // node 1's cycleCount when the ISR ran
  station(1).hal.attach_interrupt([&] {
    auto events = station(1).controller.read_and_clear_events();
    ASSERT_TRUE(events.ok());
    Flags& flags = by_cycle[station(1).controller.read_cycle_timer().count];
    flags.synch |= events.value().has(regs::int_event::kCycleSynch);
    flags.lost |= events.value().has(regs::int_event::kCycleLost);
  });
  station(1).controller.enable_interrupts(regs::int_mask::kCycleSynch.mask() |
                                          regs::int_mask::kCycleLost.mask());
  world_.run(4 * kClkPerCycle);
  EXPECT_EQ(raw_events(0) & regs::int_event::kCycleLost.mask(), 0u);
  run_to_offset(0, 1536);
  station(0).hal.write32(regs::kLinkControlClear, regs::link_control::kCycleMaster.mask());
  world_.run(6 * kClkPerCycle);

  const auto starts = cycle_starts();
  ASSERT_FALSE(starts.empty());
  const sim::CycleStartPacket last = sim::parse_cycle_start(starts.back().bytes);
  const std::uint32_t n = last.cycle_time >> 12 & 0x1FFFu;
  ASSERT_LT(starts.back().last_data_cycle + 2 * kClkPerCycle, world_.cycle())
      << "cycle starts did not stop";
  ASSERT_FALSE(by_cycle.empty());
  ASSERT_GE(by_cycle.rbegin()->first, n + 5);
  for (std::uint32_t count = by_cycle.begin()->first; count <= by_cycle.rbegin()->first; ++count) {
    ASSERT_TRUE(by_cycle.count(count)) << "no cycleSynch for cycle " << count;
    EXPECT_TRUE(by_cycle[count].synch) << count;
    EXPECT_EQ(by_cycle[count].lost, count >= n + 2)
        << "cycle " << count << ", the last cycle start was for cycle " << n;
  }
}

TEST_F(CycleSync, CycleStartDelayedByLessThanACycleRaisesNoCycleLost) {
  // Every other cycle start is granted 5000 clk late (of the 6144 of a cycle), so it still
  // arrives before the next wrap of either timer: neither node raises cycleLost.
  constexpr unsigned kDelay = 5000;
  bring_up_all();
  unsigned cycle_starts_seen = 0;
  world_.bus().set_fault_hook([&](const sim::RepeatInfo& info) {
    sim::BusFault fault;
    if (info.cycle_start && cycle_starts_seen++ % 2 == 1) fault.delay_cycle_start = kDelay;
    return fault;
  });
  const std::size_t before = cycle_starts().size();
  clear_events(0);
  clear_events(1);
  world_.run(10 * kClkPerCycle);
  const auto starts = cycle_starts();
  unsigned delayed = 0;
  for (std::size_t i = before; i < starts.size(); ++i) {
    if (starts[i].faults.delay_cycle_start == 0) continue;
    ++delayed;
    // The late start carries its late time (decision 8): at least kDelay / 2 offsets.
    const sim::CycleStartPacket start = sim::parse_cycle_start(starts[i].bytes);
    EXPECT_GE(start.cycle_time & 0xFFFu, kDelay / 2) << "cycle start " << i;
  }
  EXPECT_GE(delayed, 4u);
  EXPECT_EQ(raw_events(0) & regs::int_event::kCycleLost.mask(), 0u) << "master";
  EXPECT_EQ(raw_events(1) & regs::int_event::kCycleLost.mask(), 0u) << "follower";
}

TEST_F(CycleSync, FollowerAcceptsADelayedCycleStartWithoutCycleInconsistent) {
  // A late cycle start carries the master's time at its Grant, so the follower's advanced value
  // agrees with its own timer: no cycleInconsistent, and it stays within a tick of the master.
  constexpr unsigned kDelay = 3000;
  bring_up_all();
  unsigned cycle_starts_seen = 0;
  world_.bus().set_fault_hook([&](const sim::RepeatInfo& info) {
    sim::BusFault fault;
    if (info.cycle_start && cycle_starts_seen++ % 2 == 1) fault.delay_cycle_start = kDelay;
    return fault;
  });
  clear_events(1);
  for (unsigned i = 0; i < 24; ++i) {
    world_.run(2500);
    const TimerPair pair = read_timers_together();
    EXPECT_LE(std::llabs(offsets_apart(pair.master, pair.follower)), 1) << "sample " << i;
  }
  EXPECT_GE(world_.bus().stats().cycle_start_delays, 4u);
  EXPECT_EQ(raw_events(1) & regs::int_event::kCycleInconsistent.mask(), 0u);
}

TEST_F(CycleSync, FollowerTalkerSendsInTheCyclesTheMasterOpened) {
  // An IT context of node 1 (not cycle master) sends in the isochronous periods opened by the
  // cycle starts it receives: each packet is on the wire after the cycle start of its cycle, and
  // its time stamp is that cycle start's number (decision 17), also when the cycle start came
  // 2000 clk late. Node 0 stores every packet with the same time stamp (decision 28).
  constexpr unsigned kPackets = 16;
  const fw::IsoHeader header{.speed = Speed::kS400, .tag = 1, .channel = 7, .sy = 2};
  bring_up_all();
  unsigned cycle_starts_seen = 0;
  world_.bus().set_fault_hook([&](const sim::RepeatInfo& info) {
    sim::BusFault fault;
    if (info.cycle_start && cycle_starts_seen++ % 3 == 1) fault.delay_cycle_start = 2000;
    return fault;
  });
  Talker talker(*this, 1, 0, header, [](unsigned n) { return (n * 613u + 1u) % 1025u; });
  Listener listener(*this, 0, 0);
  fw::IrStartOptions options;
  options.channel = header.channel;
  listener.start(options);
  talker.start(kPackets);
  EXPECT_TRUE(stream_checked(*this, talker, listener, kPackets, kPackets + 6));
  ASSERT_EQ(talker.sent(), kPackets);
  EXPECT_EQ(listener.received(), kPackets);

  std::uint32_t cycle = 0;
  bool cycle_known = false, delayed = false;
  unsigned n = 0, in_delayed_cycles = 0;
  for (const sim::BusPacket& packet : world_.bus().packets()) {
    if (packet.sender == kCycleMaster && sim::tcode_of(packet.bytes) == sim::kTcodeCycleStart) {
      cycle = stamp_of(sim::parse_cycle_start(packet.bytes).cycle_time);
      cycle_known = true;
      delayed = packet.faults.delay_cycle_start > 0;
      continue;
    }
    if (packet.sender != 1) continue;
    ASSERT_TRUE(cycle_known) << "node 1 sent before any cycle start";
    ASSERT_LT(n, kPackets);
    EXPECT_EQ(talker.time_stamp(n), cycle) << "packet " << n;
    in_delayed_cycles += delayed;
    ++n;
  }
  EXPECT_EQ(n, kPackets);
  EXPECT_GE(in_delayed_cycles, 3u) << "packets in cycles whose start came late";
}

}  // namespace
}  // namespace ohci::tb
