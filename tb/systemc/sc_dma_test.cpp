// The DMA path of the SystemC platform: AXI4 bursts become TLM transactions on the node's
// initiator socket, and an error the TLM memory answers comes back as an AXI error response
// (axi_tlm_bridge.hpp: TLM_GENERIC_ERROR_RESPONSE -> SLVERR), which makes the IT context dead
// (rtl/ohci_it_dma.v: a descriptor read error -> evt_descriptor_read) and the driver fail the
// stream's buffers with DeviceError (fw isoch_resource).
#include <gtest/gtest.h>

#include <string>
#include <tlm>

#include "ohci/regmap.hpp"
#include "sc_fixture.hpp"
#include "stream_node.hpp"
#include "stream_talker.hpp"

namespace ohci::sc::test {
namespace {

constexpr std::uint64_t kClkPerCycle = 6144;
constexpr std::uint32_t kItContexts = 4;  // ohci_core's default N_IT

TEST(ScDma, AMemoryErrorOnTheFirstDescriptorReadKillsTheTalkersContext) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  ScPlatform platform("top", {.nodes = 1});
  ScCpu& cpu = platform.cpu(0);
  TlmMemory& memory = platform.memory(0);
  // Every read of the controller fails; the CPU's own view of memory is not a TLM access.
  memory.add_error_range(0, memory.memory().size() - 1, tlm::TLM_READ_COMMAND);
  std::string talker_error;
  bool done = false;
  std::uint32_t context_control = 0;
  cpu.set_program([&] {
    sim::StreamNode node("node0", cpu, [&] { return cpu.cycle(); });
    const std::uint32_t interrupts =
        regs::int_mask::kIsochTx.mask() | regs::int_mask::kUnrecoverableError.mask();
    ASSERT_TRUE(node.controller.bring_up({.cycle_master = true, .interrupts = interrupts}).ok());
    const sim::StreamPattern pattern(1, 64, 64);
    sim::StreamTalker talker(node, pattern, 5, 2, 4, 8);
    talker_error = talker.start();
    if (!talker_error.empty()) return;
    cpu.idle_until([&] { return !talker.error().empty(); }, 8 * kClkPerCycle);
    talker_error = talker.error();
    done = talker.done();
    for (std::uint32_t n = 0; n < kItContexts; ++n)
      context_control |=
          cpu.read32(regs::kItContextBase + n * regs::kItContextStride +
                     static_cast<std::uint32_t>(regs::ItContextReg::kContextControlSet));
  });
  ASSERT_TRUE(run_until_programs_finish(platform, 16 * kClkPerCycle));
  EXPECT_EQ(cpu.error(), "");
  EXPECT_NE(talker_error.find("DeviceError"), std::string::npos) << talker_error;
  // Both batches were attached at start (StreamTalker keeps 4 in flight); the driver failed both,
  // so both callbacks ran.
  EXPECT_TRUE(done);
  EXPECT_GE(platform.node(0).dma_bridge().error_responses(), 1u);
  EXPECT_GE(memory.errors(), 1u);
  for (const std::string& violation : platform.node(0).dma_bridge().violations())
    ADD_FAILURE() << violation;
  // The driver cleared run after the death (isoch_resource: stop_context), so no IT context is
  // running or active any more (OR of all four ContextControls).
  EXPECT_EQ(context_control &
                (regs::context_control::kRun.mask() | regs::context_control::kActive.mask()),
            0u);
}

}  // namespace
}  // namespace ohci::sc::test
