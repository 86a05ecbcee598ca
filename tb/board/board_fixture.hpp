// The world of the board tests: one Verilated ohci_board out of reset, the host's SPI master on
// its SPI pins, a SpiLink over it, and a waveform per test when OHCI_TRACE is set
// (build/traces/<suite>.<test>.fst).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "board_model.hpp"
#include "ohci/spi/protocol.hpp"
#include "ohci/spi/spi_link.hpp"

namespace ohci::tb {

class BoardTest : public ::testing::Test {
 protected:
  // ohci_board's defaults (fpga/rtl/ohci_board.v): 64 KiB at 0x1000'0000.
  static constexpr std::uint32_t kMemoryBase = 0x1000'0000;
  static constexpr std::uint32_t kMemoryBytes = 0x1'0000;
  // SCK = clk / 8: one SPI bit is 8 clk.
  static constexpr std::uint64_t kClksPerBit = 8;
  // The status byte with the controller's irq low.
  static constexpr std::uint8_t status_byte(fw::spi::StatusCode code, bool irq = false) {
    return static_cast<std::uint8_t>(fw::spi::kStatusMark | (irq ? 0x08u : 0u) |
                                     static_cast<std::uint8_t>(code));
  }

  void SetUp() override {
    const char* trace = std::getenv("OHCI_TRACE");
    if (trace && *trace && std::string(trace) != "0") {
      const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
      std::filesystem::create_directories(OHCI_TRACE_DIR);
      model_.open_trace(std::string(OHCI_TRACE_DIR) + "/" + info->test_suite_name() + "." +
                        info->name() + ".fst");
    }
    model_.reset();
  }

  void TearDown() override {
    EXPECT_TRUE(model_.phy().violations().empty())
        << "PHY-link protocol: " << model_.phy().violations().front();
  }

  // One raw frame; returns the MISO bytes.
  std::vector<std::uint8_t> frame(const std::vector<std::uint8_t>& mosi) {
    std::vector<std::uint8_t> miso(mosi.size());
    transport_.transfer(mosi, miso);
    return miso;
  }

  BoardModel model_;
  VerilatedSpiTransport transport_{model_};
  fw::spi::SpiLink link_{transport_};
};

}  // namespace ohci::tb
