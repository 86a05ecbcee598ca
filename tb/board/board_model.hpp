// The Verilated ohci_board with a PhyModel on its PHY-link pins, clocked as the co-simulation
// clocks a node (sim/world.hpp: inputs driven while clk is low, the PHY sampled just before the
// rising edge), and VerilatedSpiTransport, the host's SPI master bit-banging the board's SPI
// pins while it steps the model: the fw/spi backend talks to the simulated board exactly as it
// talks to a real one through spidev.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "Vohci_board.h"
#include "ohci/spi/spi_transport.hpp"
#include "phy_model.hpp"

class VerilatedContext;
class VerilatedFstC;

namespace ohci::tb {

class BoardModel {
 public:
  static constexpr double kClkHz = 49.152e6;

  BoardModel();
  ~BoardModel();
  BoardModel(const BoardModel&) = delete;
  BoardModel& operator=(const BoardModel&) = delete;

  Vohci_board& pins() { return *board_; }
  sim::PhyModel<Vohci_board>& phy() { return phy_; }
  // The number of the next rising clk edge.
  std::uint64_t cycle() const { return cycle_; }

  // One clk: PHY drives, falling half, PHY samples, rising edge.
  void step();
  void run(std::uint64_t cycles);
  // rst_i high for `cycles` clk, then low until the board's reset synchroniser releases
  // (2 + RESET_HOLD_CLKS = 18 clk, fpga/rtl/board_reset_sync.v).
  void reset(unsigned cycles = 4);
  static constexpr unsigned kResetReleaseClks = 18;

  void open_trace(const std::string& path);
  // Called after every rising edge with that edge's number (cycle() - 1).
  void set_on_edge(std::function<void(std::uint64_t)> hook) { on_edge_ = std::move(hook); }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vohci_board> board_;
  sim::PhyModel<Vohci_board> phy_;
  std::unique_ptr<VerilatedFstC> trace_;
  std::uint64_t cycle_ = 0;
  std::function<void(std::uint64_t)> on_edge_;
};

// SCK timing in clk. The default is the fastest the board allows: SCK = clk / 8
// (docs/host-link.md), each half period 4 clk.
struct SpiTiming {
  unsigned half_period_clks = 4;
  unsigned cs_setup_clks = 8;  // CS# low -> first SCK edge
  unsigned cs_hold_clks = 4;   // last SCK falling -> CS# high
  unsigned cs_idle_clks = 8;   // CS# high between frames
};

class VerilatedSpiTransport final : public fw::spi::SpiTransport, public fw::spi::InterruptSource {
 public:
  explicit VerilatedSpiTransport(BoardModel& model, const SpiTiming& timing = {});

  // Mode 0: MOSI changes with SCK falling, MISO is sampled just before SCK rises. A MISO the
  // board does not drive reads 1 (a pulled-up line), so a missing answer never looks valid.
  void transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso) override;
  bool asserted() override { return model_.pins().irq_o != 0; }
  // Steps the model until irq_o is high or `timeout` of simulated time has passed.
  bool wait(std::chrono::microseconds timeout) override;

  // The clk every frame costs: setup + 16 half periods per byte + hold + idle.
  std::uint64_t frame_clks(std::size_t bytes) const {
    return timing_.cs_setup_clks + 16ull * timing_.half_period_clks * bytes + timing_.cs_hold_clks +
           timing_.cs_idle_clks;
  }
  std::uint64_t frames() const { return frames_; }

 private:
  BoardModel& model_;
  SpiTiming timing_;
  std::uint64_t frames_ = 0;
};

}  // namespace ohci::tb
