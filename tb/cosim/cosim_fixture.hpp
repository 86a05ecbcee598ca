// The world most co-simulation tests start from: one node, reset, firmware backend attached,
// and a waveform per test when OHCI_TRACE is set (build/traces/<suite>.<test>.fst).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "Vohci_core.h"
#include "cosim_hal.hpp"
#include "ieee1394_packet.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/it_block.hpp"
#include "ohci/it_context.hpp"
#include "ohci/regmap.hpp"
#include "world.hpp"

namespace ohci::tb {

// A recognisable payload: byte i of packet `packet` (no two packets alike).
inline std::uint8_t payload_byte(unsigned packet, std::size_t index) {
  return static_cast<std::uint8_t>(packet * 31u + index * 7u + 1u);
}
// Writes packet `packet`'s payload of `length` bytes at `offset` of `buffer`.
void fill_payload(fw::DmaBuffer& buffer, std::size_t offset, unsigned packet, std::size_t length);
// The payload `fill_payload` wrote.
std::vector<std::uint8_t> expected_payload(unsigned packet, std::size_t length);

// With OHCI_TRACE set (not "0"), opens build/traces/<suite>.<test>.fst for the running test.
void open_requested_trace(sim::World& world);

// Room for the largest IT block (Z = 8); block slot k of a program starts at k * kBlockBytes.
inline constexpr std::uint32_t kBlockBytes = 8 * 16;

// One packet of a test program: `length` payload bytes (0: header only) at `payload_offset` of
// the payload buffer, in one piece.
struct PacketSpec {
  std::uint32_t length = 0;
  std::uint32_t payload_offset = 0;
  regs::DescInterrupt interrupt = regs::DescInterrupt::kNever;
};
// `count` packets of `length` bytes, packet k's payload at k * `stride`.
std::vector<PacketSpec> uniform_packets(std::size_t count, std::uint32_t length,
                                        std::uint32_t stride);
// Writes packet `number` (payload from fill_payload) and its block in slot `slot` of `program`,
// branching to `next`.
fw::ItBlock write_packet(fw::DmaBuffer& program, std::size_t slot, fw::DmaBuffer& payload,
                         unsigned number, const PacketSpec& spec, const fw::IsoHeader& header,
                         fw::BlockRef next = fw::BlockRef::end());
// A program: packet k (number `first_number` + k) in slot k, the last one ending it (Z = 0).
std::vector<fw::ItBlock> write_chain(fw::DmaBuffer& program, fw::DmaBuffer& payload,
                                     const std::vector<PacketSpec>& specs,
                                     const fw::IsoHeader& header, unsigned first_number = 0);

// Counts the isochronous packets a PHY has captured, looking at each packet once, so waiting
// for a count costs the same every clk however many packets went before.
class IsoPacketCounter {
 public:
  explicit IsoPacketCounter(const sim::PhyModel<Vohci_core>& phy) : phy_(phy) {}
  std::size_t count();

 private:
  const sim::PhyModel<Vohci_core>& phy_;
  std::size_t scanned_ = 0;
  std::size_t count_ = 0;
};

class CosimTest : public ::testing::Test {
 protected:
  // Documented latencies the tests derive their cycle numbers from.
  static constexpr std::uint64_t kClkPerCycle = 6144;        // 3072 offsets at SCLK/2
  static constexpr std::uint64_t kRegisterAccessCycles = 3;  // sim/axil_master.hpp

  // An isochronous packet the PHY saw, with the cycle it was sent in: the
  // cycleSeconds[2:0]:cycleCount carried by the cycle start before it on the wire.
  struct SentPacket {
    std::uint32_t cycle = 0;
    sim::IsoPacket packet;
    sim::WirePacket wire;
  };

  explicit CosimTest(const sim::NodeConfig& config = {});
  ~CosimTest() override;
  void SetUp() override;
  void TearDown() override;

  // Controller up as cycle master with the cycle timer running and the given IntMask bits.
  void bring_up(std::uint32_t interrupts = 0);
  // Loads the cycle timer (seconds, count, offset).
  void set_cycle_timer(std::uint32_t seconds, std::uint32_t count, std::uint32_t offset);

  // Every isochronous packet on the wire so far, in order; checks every cycle start's CRC.
  std::vector<SentPacket> iso_packets_on_wire() const;
  std::size_t iso_packet_count() { return iso_counter_.count(); }
  // Steps until `count` isochronous packets have been on the wire (at most `max_cycles`).
  bool run_until_iso_packets(std::size_t count, std::uint64_t max_cycles);

  fw::DmaBuffer allocate(std::size_t bytes);
  fw::ItContext open_context(std::uint32_t index);

  // The cycle `steps` after `cycle`, both as cycleSeconds[2:0]:cycleCount (time stamp form).
  static std::uint32_t next_cycle(std::uint32_t cycle, std::uint32_t steps = 1) {
    std::uint32_t seconds = cycle >> 13, count = (cycle & 0x1FFF) + steps;
    seconds += count / 8000;
    return (seconds & 0x7) << 13 | count % 8000;
  }

  sim::World world_;
  sim::Node& node_;
  sim::CosimHal hal_;
  fw::Controller controller_;
  IsoPacketCounter iso_counter_{node_.phy()};
};

}  // namespace ohci::tb
