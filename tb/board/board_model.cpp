#include "board_model.hpp"

#include <stdexcept>

#include "verilated.h"
#include "verilated_fst_c.h"

namespace ohci::tb {

BoardModel::BoardModel()
    : context_(std::make_unique<VerilatedContext>()),
      board_(std::make_unique<Vohci_board>(context_.get(), "board")) {
  context_->traceEverOn(true);
  board_->clk = 0;
  board_->rst_i = 1;
  board_->spi_cs_n_i = 1;
  board_->spi_sck_i = 0;
  board_->spi_mosi_i = 0;
}

BoardModel::~BoardModel() {
  if (trace_) trace_->close();
  board_->final();
}

void BoardModel::step() {
  phy_.drive(*board_);
  board_->clk = 0;
  board_->eval();
  if (trace_) trace_->dump(2 * cycle_ * 10173);
  phy_.sample(*board_, cycle_);
  board_->clk = 1;
  board_->eval();
  if (trace_) trace_->dump((2 * cycle_ + 1) * 10173);
  ++cycle_;
  if (on_edge_) on_edge_(cycle_ - 1);
}

void BoardModel::run(std::uint64_t cycles) {
  for (std::uint64_t i = 0; i < cycles; ++i) step();
}

void BoardModel::reset(unsigned cycles) {
  board_->rst_i = 1;
  run(cycles);
  board_->rst_i = 0;
  run(kResetReleaseClks);
}

void BoardModel::open_trace(const std::string& path) {
  trace_ = std::make_unique<VerilatedFstC>();
  board_->trace(trace_.get(), 99);
  trace_->open(path.c_str());
  if (!trace_->isOpen()) {
    trace_.reset();
    throw std::runtime_error("cannot open trace file " + path);
  }
}

VerilatedSpiTransport::VerilatedSpiTransport(BoardModel& model, const SpiTiming& timing)
    : model_(model), timing_(timing) {}

void VerilatedSpiTransport::transfer(std::span<const std::uint8_t> mosi,
                                     std::span<std::uint8_t> miso) {
  if (mosi.size() != miso.size())
    throw std::invalid_argument("VerilatedSpiTransport: MOSI and MISO sizes differ");
  Vohci_board& pins = model_.pins();
  pins.spi_sck_i = 0;
  pins.spi_cs_n_i = 0;
  model_.run(timing_.cs_setup_clks);
  for (std::size_t k = 0; k < mosi.size(); ++k) {
    std::uint8_t in = 0;
    for (int bit = 7; bit >= 0; --bit) {
      pins.spi_sck_i = 0;
      pins.spi_mosi_i = (mosi[k] >> bit) & 1u;
      model_.run(timing_.half_period_clks);
      const unsigned level = pins.spi_miso_oe ? pins.spi_miso_o : 1u;
      in = static_cast<std::uint8_t>(in << 1 | level);
      pins.spi_sck_i = 1;
      model_.run(timing_.half_period_clks);
    }
    miso[k] = in;
  }
  pins.spi_sck_i = 0;
  pins.spi_mosi_i = 0;
  model_.run(timing_.cs_hold_clks);
  pins.spi_cs_n_i = 1;
  model_.run(timing_.cs_idle_clks);
  ++frames_;
}

bool VerilatedSpiTransport::wait(std::chrono::microseconds timeout) {
  const auto clks =
      static_cast<std::uint64_t>(static_cast<double>(timeout.count()) * 1e-6 * BoardModel::kClkHz);
  for (std::uint64_t i = 0; i < clks && !asserted(); ++i) model_.step();
  return asserted();
}

}  // namespace ohci::tb
