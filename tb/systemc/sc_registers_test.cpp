// The register window through the TLM-2.0 target socket: each b_transport is a real AXI4-Lite
// transaction, timed as sim/axil_master.hpp documents (VALID at s, handshake at s + 1, response
// at s + 2: 3 clk from a rising edge), and refused when it is not a quadlet access.
#include <gtest/gtest.h>

#include <tlm>

#include "ohci/regmap.hpp"
#include "sc_fixture.hpp"

namespace ohci::sc::test {
namespace {

constexpr std::uint32_t kVersionValue = 0x0001'0010;  // docs/registers.md: Version (0x000)

struct Access {
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  std::uint32_t data = 0;
  sc_core::sc_time elapsed;
  sc_core::sc_time delay_after;
};

// One b_transport from `cpu`'s thread, with `delay` annotated.
Access transport(ScCpu& cpu, tlm::tlm_command command, std::uint64_t address,
                 std::uint32_t value = 0, unsigned length = 4,
                 sc_core::sc_time delay = sc_core::SC_ZERO_TIME) {
  unsigned char bytes[8] = {};
  for (unsigned byte = 0; byte < 4; ++byte)
    bytes[byte] = static_cast<unsigned char>(value >> (8 * byte));
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(bytes);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  cpu.socket->b_transport(trans, delay);
  Access access;
  access.status = trans.get_response_status();
  for (unsigned byte = 0; byte < 4; ++byte) access.data |= std::uint32_t{bytes[byte]} << (8 * byte);
  access.elapsed = sc_core::sc_time_stamp() - start;
  access.delay_after = delay;
  return access;
}

TEST(ScRegisters, AReadStartedAtARisingEdgeReturnsTheValueThreeClkLater) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  ScPlatform platform("top", {.nodes = 1});
  Access access;
  platform.cpu(0).set_program([&] {
    sc_core::wait(platform.clock().posedge_event());
    access = transport(platform.cpu(0), tlm::TLM_READ_COMMAND, regs::kVersion);
  });
  ASSERT_TRUE(run_until_programs_finish(platform, 1000));
  EXPECT_EQ(access.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(access.data, kVersionValue);
  EXPECT_EQ(access.elapsed, clk_period() * 3.0);
  EXPECT_EQ(access.delay_after, sc_core::SC_ZERO_TIME);
  EXPECT_EQ(platform.node(0).register_target().last_access().cycles(), 3u);
}

TEST(ScRegisters, AWriteIsThreeClkAndLandsInTheRegister) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  ScPlatform platform("top", {.nodes = 1});
  const std::uint32_t kIsochTx = regs::int_mask::kIsochTx.mask();
  Access write;
  std::uint32_t read_back = 0;
  platform.cpu(0).set_program([&] {
    ScCpu& cpu = platform.cpu(0);
    sc_core::wait(platform.clock().posedge_event());
    write = transport(cpu, tlm::TLM_WRITE_COMMAND, regs::kIntMaskSet, kIsochTx);
    read_back = cpu.read32(regs::kIntMaskSet);  // reads IntMask
  });
  ASSERT_TRUE(run_until_programs_finish(platform, 1000));
  EXPECT_EQ(write.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(write.elapsed, clk_period() * 3.0);
  EXPECT_EQ(read_back, kIsochTx);
}

TEST(ScRegisters, TheAnnotatedDelayPassesBeforeTheAccessStarts) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  ScPlatform platform("top", {.nodes = 1});
  Access access;
  platform.cpu(0).set_program([&] {
    sc_core::wait(platform.clock().posedge_event());
    access =
        transport(platform.cpu(0), tlm::TLM_READ_COMMAND, regs::kVersion, 0, 4, clk_period() * 5.0);
  });
  ASSERT_TRUE(run_until_programs_finish(platform, 1000));
  EXPECT_EQ(access.data, kVersionValue);
  // 5 clk of local time, then the 3-clk transaction from that rising edge.
  EXPECT_EQ(access.elapsed, clk_period() * 8.0);
  EXPECT_EQ(access.delay_after, sc_core::SC_ZERO_TIME);
}

TEST(ScRegisters, AccessesThatAreNotQuadletsInTheWindowAreRefusedWithoutBusCycles) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  ScPlatform platform("top", {.nodes = 1});
  Access outside, unaligned, two_bytes;
  platform.cpu(0).set_program([&] {
    ScCpu& cpu = platform.cpu(0);
    outside = transport(cpu, tlm::TLM_READ_COMMAND, AxilTlmTarget::kWindowBytes);
    unaligned = transport(cpu, tlm::TLM_READ_COMMAND, regs::kVersion + 2);
    two_bytes = transport(cpu, tlm::TLM_WRITE_COMMAND, regs::kVersion, 0, 2);
  });
  ASSERT_TRUE(run_until_programs_finish(platform, 1000));
  EXPECT_EQ(outside.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(unaligned.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(two_bytes.status, tlm::TLM_BURST_ERROR_RESPONSE);
  for (const Access* access : {&outside, &unaligned, &two_bytes})
    EXPECT_EQ(access->elapsed, sc_core::SC_ZERO_TIME);
}

TEST(ScPlatformConfig, ABusOfNoNodesIsRefused) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  EXPECT_THROW(ScPlatform("empty", {.nodes = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace ohci::sc::test
