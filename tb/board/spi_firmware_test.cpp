// The firmware through its SPI backend (SpiHal over the simulated board's SPI pins): the shadow
// of the board's host memory, and controller bring-up followed by an isochronous transmit whose
// packets the PHY model captures on the board's PHY-link pins and whose completion interrupt
// comes back on the board's irq pin to the firmware's ISR and DPC.
#include <array>
#include <chrono>
#include <iostream>
#include <vector>

#include "board_fixture.hpp"
#include "ieee1394_packet.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/it_block.hpp"
#include "ohci/it_context.hpp"
#include "ohci/regmap.hpp"
#include "ohci/spi/spi_hal.hpp"

namespace ohci::tb {
namespace {

std::uint8_t payload_byte(unsigned packet, std::size_t index) {
  return static_cast<std::uint8_t>(packet * 31u + index * 7u + 1u);
}

TEST_F(BoardTest, SpiHalRefreshKeepsUnwrittenCpuStoresAndTakesControllerWrites) {
  fw::spi::SpiHal hal(link_, transport_);
  EXPECT_EQ(hal.memory_base(), kMemoryBase);
  EXPECT_EQ(hal.memory_bytes(), kMemoryBytes);
  auto buffer = fw::DmaBuffer::allocate(hal, 16);
  ASSERT_TRUE(buffer.ok());
  auto bytes = buffer->bytes();
  // The CPU stores byte 0 (not yet written back); "the controller" writes byte 8 on the board.
  bytes[0] = std::byte{0xC1};
  link_.write_memory(buffer->bus_address() + 8, std::vector<std::uint8_t>{0xD8});
  hal.sync_from_device();
  EXPECT_EQ(bytes[0], std::byte{0xC1}) << "a CPU store survives the refresh";
  EXPECT_EQ(bytes[8], std::byte{0xD8}) << "the board's write reaches the CPU";
  hal.write_barrier();
  std::vector<std::uint8_t> board(16);
  link_.read_memory(buffer->bus_address(), board);
  EXPECT_EQ(board[0], 0xC1);
  EXPECT_EQ(board[8], 0xD8);
  EXPECT_EQ(hal.statistics().written_back_bytes, 1u) << "only the changed byte is written";
}

TEST_F(BoardTest, FirmwareTransmitsThroughSpiAndServicesTheCompletionInterruptFromTheIrqPin) {
  fw::spi::SpiHal hal(link_, transport_);
  fw::Controller controller(hal);
  const auto up = controller.bring_up(
      fw::BringUpConfig{.cycle_master = true, .interrupts = regs::int_mask::kIsochTx.mask()});
  ASSERT_TRUE(up.ok()) << fw::to_string(up.status());
  EXPECT_EQ(up->version.raw, 0x0001'0010u);
  EXPECT_EQ(up->contexts.it_count(), 4u);

  // Three packets, the interrupt bit only on the last (attach several, callback on the last).
  constexpr std::size_t kBlockBytes = 8 * 16;
  constexpr std::array<std::uint32_t, 3> kLengths{64, 37, 8};
  constexpr std::uint32_t kStride = 64;
  auto program = fw::DmaBuffer::allocate(hal, kLengths.size() * kBlockBytes);
  auto payload = fw::DmaBuffer::allocate(hal, kLengths.size() * kStride);
  ASSERT_TRUE(program.ok() && payload.ok());
  const fw::IsoHeader header{regs::Speed::kS400, 1, 5, 3};
  std::vector<fw::ItBlock> blocks(kLengths.size());
  fw::BlockRef next = fw::BlockRef::end();
  for (std::size_t k = kLengths.size(); k-- > 0;) {
    for (std::size_t i = 0; i < kLengths[k]; ++i)
      payload->bytes()[k * kStride + i] = std::byte{payload_byte(static_cast<unsigned>(k), i)};
    const std::array<fw::PayloadPiece, 1> piece{fw::PayloadPiece{
        payload->bus_address() + static_cast<std::uint32_t>(k * kStride), kLengths[k]}};
    const fw::ItPacket packet{
        header, piece,
        k + 1 == kLengths.size() ? regs::DescInterrupt::kAlways : regs::DescInterrupt::kNever};
    auto block = fw::write_packet_block(*program, k * kBlockBytes, packet, next);
    ASSERT_TRUE(block.ok());
    blocks[k] = *block;
    next = block->ref;
  }

  auto context = fw::ItContext::open(hal, 0, up->contexts.it_mask);
  ASSERT_TRUE(context.ok());
  context->enable_interrupt();
  unsigned isr_calls = 0;
  std::uint32_t iso_xmit_events = 0;
  std::vector<fw::ItCompletion> completions;
  hal.attach_interrupt([&] {
    ++isr_calls;
    const auto events = controller.read_and_clear_events();
    if (!events.ok() || (events->iso_xmit & 1u) == 0) return;
    iso_xmit_events |= events->iso_xmit;
    // The DPC reads the descriptors' status words from the shadow SpiHal refreshed on entry.
    hal.schedule_dpc([&] {
      for (const fw::ItBlock& block : blocks) {
        const auto completion = fw::read_completion(*program, block);
        if (completion.ok()) completions.push_back(*completion);
      }
    });
  });

  const auto wall_start = std::chrono::steady_clock::now();
  const std::uint64_t start = model_.cycle();
  ASSERT_EQ(context->start(blocks[0]), fw::Status::Success);
  // At most a few isochronous cycles (6144 clk each) plus the SPI traffic of the ISR and DPC.
  while (completions.empty() && model_.cycle() - start < 20 * 6144)
    hal.wait_and_service(std::chrono::microseconds(100));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::cout << "transmit through SPI: " << model_.cycle() - start << " clk in " << wall * 1e3
            << " ms; " << transport_.frames() << " SPI frames in all\n";

  // The completion interrupt came in on the pin and was serviced: ISR, then DPC.
  EXPECT_EQ(iso_xmit_events, 1u);
  EXPECT_GE(isr_calls, 1u);
  EXPECT_GE(hal.statistics().dpc_runs, 1u);
  EXPECT_FALSE(transport_.asserted()) << "the ISR acknowledged the event";

  // The packets on the PHY-link pins, byte-exact, each in the cycle its time stamp names.
  std::vector<std::pair<std::uint32_t, sim::IsoPacket>> sent;
  std::uint32_t cycle = 0;
  for (const sim::WirePacket& wire : model_.phy().packets()) {
    if (sim::tcode_of(wire.bytes) == 0x8) {
      const sim::CycleStartPacket start_packet = sim::parse_cycle_start(wire.bytes);
      EXPECT_TRUE(start_packet.header_crc_ok);
      cycle =
          (start_packet.cycle_time >> 25 & 0x7u) << 13 | (start_packet.cycle_time >> 12 & 0x1FFFu);
    } else {
      sent.emplace_back(cycle, sim::parse_iso_packet(wire.bytes));
    }
  }
  ASSERT_EQ(sent.size(), kLengths.size());
  ASSERT_EQ(completions.size(), kLengths.size());
  for (std::size_t k = 0; k < kLengths.size(); ++k) {
    const sim::IsoPacket& packet = sent[k].second;
    EXPECT_TRUE(packet.error.empty()) << packet.error;
    EXPECT_TRUE(packet.header_crc_ok && packet.data_crc_ok && packet.padding_zero) << k;
    EXPECT_EQ(packet.channel, header.channel);
    EXPECT_EQ(packet.tag, header.tag);
    EXPECT_EQ(packet.sy, header.sy);
    std::vector<std::uint8_t> expected(kLengths[k]);
    for (std::size_t i = 0; i < kLengths[k]; ++i)
      expected[i] = payload_byte(static_cast<unsigned>(k), i);
    EXPECT_EQ(packet.payload, expected) << "packet " << k;
    EXPECT_TRUE(completions[k].done());
    EXPECT_EQ(completions[k].event(), regs::EventCode::kAckComplete);
    EXPECT_EQ(completions[k].time_stamp, sent[k].first) << "packet " << k;
  }
}

}  // namespace
}  // namespace ohci::tb
