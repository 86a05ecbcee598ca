// A talker/listener stream on the SystemC platform: the same firmware and stream drivers as
// ohci-sim (sim/stream_*.hpp: the isochronous buffer-attachment API, batches with a callback on
// the last buffer, a listener ring re-armed from its callbacks), each in its CPU's SC_THREAD
// through ScCpu as its Hal, the DMA through the TLM bridge into TLM memory, and every payload
// byte checked by the scoreboard against the talker's pattern.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "ieee1394_packet.hpp"
#include "ohci/regmap.hpp"
#include "sc_fixture.hpp"
#include "stream_listener.hpp"
#include "stream_node.hpp"
#include "stream_talker.hpp"

namespace ohci::sc::test {
namespace {

constexpr std::uint64_t kClkPerCycle = 6144;  // one 125 us isochronous cycle
constexpr unsigned kPackets = 240;
constexpr unsigned kBatch = 8;
constexpr unsigned kChannel = 5;
constexpr unsigned kS400 = 2;

// What each program found, kept after its firmware objects are gone (they touch registers when
// destroyed, so they live and die in their CPU's thread).
struct TalkerOutcome {
  std::string error;
  bool done = false;
  unsigned callbacks = 0;
  std::uint32_t run_outs = 0;
};
struct ListenerOutcome {
  std::string error;
  std::uint64_t received = 0, bytes = 0, mismatches = 0, lost = 0;
  std::string first_mismatch;
};

TEST(ScStream, TalkerToListenerAtS400ArrivesByteExact) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  ScPlatform platform("top", {.nodes = 2});
  ScCpu& talker_cpu = platform.cpu(0);
  ScCpu& listener_cpu = platform.cpu(1);
  const sim::StreamPattern pattern(7, 64, 1024);
  const std::uint32_t interrupts = regs::int_mask::kIsochTx.mask() |
                                   regs::int_mask::kIsochRx.mask() |
                                   regs::int_mask::kUnrecoverableError.mask();
  bool listening = false, talked = false;
  unsigned sent = 0;
  TalkerOutcome talk;
  ListenerOutcome listen;

  talker_cpu.set_program([&] {
    sim::StreamNode node("node0", talker_cpu, [&] { return talker_cpu.cycle(); });
    if (!node.controller.bring_up({.cycle_master = true, .interrupts = interrupts}).ok()) {
      talk.error = "bring-up failed";
      return;
    }
    sim::StreamTalker talker(node, pattern, kChannel, kS400, kBatch, kPackets);
    talker_cpu.idle_until([&] { return listening; }, 4 * kClkPerCycle);
    talk.error = talker.start();
    if (talk.error.empty()) {
      talker_cpu.idle_until([&] { return talker.done() || !talker.error().empty(); },
                            (kPackets + 64) * kClkPerCycle);
      talk.error = talker.error();
    }
    talk.done = talker.done();
    talk.callbacks = talker.callbacks();
    talk.run_outs = talker.run_outs();
    talked = true;
  });
  listener_cpu.set_program([&] {
    sim::StreamNode node("node1", listener_cpu, [&] { return listener_cpu.cycle(); });
    if (!node.controller.bring_up({.cycle_master = false, .interrupts = interrupts}).ok()) {
      listen.error = "bring-up failed";
      return;
    }
    sim::StreamListener listener(node, pattern, kChannel, sim::ListenMode::kPacket, kBatch);
    platform.bus().bus().set_on_packet([&](const sim::BusPacket& packet) {
      if (packet.sender != 0 || sim::tcode_of(packet.bytes) != sim::kTcodeIsochronous) return;
      listener.scoreboard().on_wire(sent++, ((packet.receivers >> 1) & 1u) != 0, false);
    });
    listener_cpu.idle(2 * kClkPerCycle);
    listen.error = listener.start();
    listening = listen.error.empty();
    if (listening) {
      listener_cpu.idle_until([&] { return talked; }, (kPackets + 80) * kClkPerCycle);
      listener_cpu.idle(4 * kClkPerCycle);  // the last packets reach the listener
      listener.finish();
      if (listen.error.empty()) listen.error = listener.error();
    }
    platform.bus().bus().set_on_packet(nullptr);
    sim::StreamScoreboard& board = listener.scoreboard();
    board.finish();
    listen.received = board.received();
    listen.bytes = board.bytes();
    listen.mismatches = board.mismatches();
    listen.lost = board.lost();
    if (board.first_mismatch()) listen.first_mismatch = board.first_mismatch()->what;
  });

  ASSERT_TRUE(run_until_programs_finish(platform, (kPackets + 100) * kClkPerCycle));
  EXPECT_EQ(talker_cpu.error(), "");
  EXPECT_EQ(listener_cpu.error(), "");
  EXPECT_EQ(talk.error, "");
  EXPECT_EQ(listen.error, "");
  ASSERT_TRUE(talk.done);
  EXPECT_EQ(talk.callbacks, kPackets / kBatch);
  EXPECT_EQ(talk.run_outs, 0u);
  EXPECT_EQ(sent, kPackets);

  std::uint64_t payload_bytes = 0;
  for (unsigned n = 0; n < kPackets; ++n) payload_bytes += pattern.length(n);
  EXPECT_EQ(listen.received, kPackets);
  EXPECT_EQ(listen.bytes, payload_bytes);
  EXPECT_EQ(listen.mismatches, 0u) << listen.first_mismatch;
  EXPECT_EQ(listen.lost, 0u);

  for (std::size_t i = 0; i < platform.node_count(); ++i) {
    EXPECT_TRUE(platform.node(i).dma_bridge().violations().empty());
    EXPECT_TRUE(platform.bus().phy(i).violations().empty());
    EXPECT_EQ(platform.cpu(i).register_errors(), 0u);
  }
  RecordProperty("sim_clk", std::to_string(talker_cpu.cycle()));
}

}  // namespace
}  // namespace ohci::sc::test
