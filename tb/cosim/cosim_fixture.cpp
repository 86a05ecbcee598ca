#include "cosim_fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ohci::tb {

CosimTest::CosimTest() : node_(world_.add_node("node0")), hal_(world_, node_), controller_(hal_) {}

CosimTest::~CosimTest() = default;

void CosimTest::SetUp() {
  if (const char* trace = std::getenv("OHCI_TRACE"); trace && *trace && std::string(trace) != "0") {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::filesystem::create_directories(OHCI_TRACE_DIR);
    world_.open_trace(std::string(OHCI_TRACE_DIR) + "/" + info->test_suite_name() + "." +
                      info->name() + ".fst");
  }
  world_.reset();
}

void CosimTest::TearDown() {
  world_.close_trace();
  EXPECT_TRUE(node_.dma_port().violations().empty())
      << "AXI protocol: " << node_.dma_port().violations().front();
  EXPECT_TRUE(node_.phy().violations().empty())
      << "PHY-link protocol: " << node_.phy().violations().front();
}

void CosimTest::bring_up(std::uint32_t interrupts) {
  auto result =
      controller_.bring_up(fw::BringUpConfig{.cycle_master = true, .interrupts = interrupts});
  ASSERT_TRUE(result.ok()) << fw::to_string(result.status());
}

}  // namespace ohci::tb
