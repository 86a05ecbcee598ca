// TlmMemory, the DMA side's target: loosely timed (its latency annotated, never waited), byte
// enables honoured, and transactions it cannot serve refused without touching memory.
#include <gtest/gtest.h>

#include <array>
#include <tlm>

#include "sc_fixture.hpp"
#include "tlm_memory.hpp"

namespace ohci::sc::test {
namespace {

// Fills `trans` (payloads cannot be copied).
void fill(tlm::tlm_generic_payload& trans, tlm::tlm_command command, std::uint64_t address,
          unsigned char* data, unsigned length) {
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

// Calls the memory's b_transport the way a bound initiator would (it never waits, so this
// works outside a process too).
void transport(TlmMemory& memory, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  memory.socket.get_base_interface().b_transport(trans, delay);
}

TEST(TlmMemoryTarget, AWriteWithByteEnablesChangesOnlyTheEnabledBytesAndAddsTheLatency) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  const sc_core::sc_time latency(30, sc_core::SC_NS);
  TlmMemory memory("memory", {.base = 0x1000, .size = 0x100, .latency = latency});
  memory.memory().write32(0x1010, 0x4433'2211);
  std::array<unsigned char, 4> data = {0xAA, 0xBB, 0xCC, 0xDD};
  std::array<unsigned char, 2> enables = {TLM_BYTE_DISABLED, TLM_BYTE_ENABLED};  // cyclic
  tlm::tlm_generic_payload trans;
  fill(trans, tlm::TLM_WRITE_COMMAND, 0x1010, data.data(), 4);
  trans.set_byte_enable_ptr(enables.data());
  trans.set_byte_enable_length(2);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  transport(memory, trans, delay);
  EXPECT_EQ(trans.get_response_status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(memory.memory().read32(0x1010), 0xDD33'BB11u);
  EXPECT_EQ(delay, latency);
}

TEST(TlmMemoryTarget, ATransactionReachingPastTheEndIsAnAddressErrorAndWritesNothing) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  TlmMemory memory("memory", {.base = 0x1000, .size = 0x100});
  std::array<unsigned char, 8> data = {1, 2, 3, 4, 5, 6, 7, 8};
  tlm::tlm_generic_payload trans;
  fill(trans, tlm::TLM_WRITE_COMMAND, 0x10FC, data.data(), 8);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  transport(memory, trans, delay);
  EXPECT_EQ(trans.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(memory.memory().read32(0x10FC), 0u);
  EXPECT_EQ(memory.errors(), 1u);
}

TEST(TlmMemoryTarget, AnErrorRangeFailsTheTransactionsOfItsDirectionOnly) {
  OHCI_REQUIRE_FRESH_SYSTEMC();
  TlmMemory memory("memory", {.base = 0, .size = 0x100});
  memory.add_error_range(0x40, 0x4F, tlm::TLM_READ_COMMAND);
  std::array<unsigned char, 4> data = {9, 9, 9, 9};
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  tlm::tlm_generic_payload write, read;
  fill(write, tlm::TLM_WRITE_COMMAND, 0x4C, data.data(), 4);
  transport(memory, write, delay);
  fill(read, tlm::TLM_READ_COMMAND, 0x3E, data.data(), 4);  // touches 0x40
  transport(memory, read, delay);
  EXPECT_EQ(write.get_response_status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read.get_response_status(), tlm::TLM_GENERIC_ERROR_RESPONSE);
}

}  // namespace
}  // namespace ohci::sc::test
