#include "bus_fixture.hpp"

#include "cosim_fixture.hpp"

namespace ohci::tb {

BusTest::BusTest(std::size_t nodes, const std::vector<sim::NodeConfig>& configs) {
  for (std::size_t i = 0; i < nodes; ++i) {
    sim::Node& node = world_.add_node("node" + std::to_string(i),
                                      i < configs.size() ? configs[i] : sim::NodeConfig{});
    stations_.push_back(std::make_unique<Station>(world_, node));
  }
}

BusTest::~BusTest() = default;

void BusTest::SetUp() {
  open_requested_trace(world_);
  world_.reset();
}

void BusTest::TearDown() {
  world_.close_trace();
  for (const auto& station : stations_) {
    const auto& axi = station->node.dma_port().violations();
    EXPECT_TRUE(axi.empty()) << station->node.name() << " AXI protocol: " << axi.front();
    const auto& phy = station->node.phy().violations();
    EXPECT_TRUE(phy.empty()) << station->node.name() << " PHY-link protocol: " << phy.front();
  }
}

void BusTest::bring_up_all(std::uint32_t interrupts, unsigned cycles) {
  for (std::size_t i = 0; i < stations_.size(); ++i) {
    auto result = station(i).controller.bring_up(
        fw::BringUpConfig{.cycle_master = i == kCycleMaster, .interrupts = interrupts});
    ASSERT_TRUE(result.ok()) << station(i).node.name() << ": " << fw::to_string(result.status());
  }
  world_.run(cycles * kClkPerCycle);
}

fw::DmaBuffer BusTest::allocate(std::size_t node, std::size_t bytes, std::size_t alignment) {
  auto buffer = fw::DmaBuffer::allocate(station(node).hal, bytes, alignment);
  EXPECT_TRUE(buffer.ok()) << fw::to_string(buffer.status());
  return std::move(buffer.value());
}

}  // namespace ohci::tb
