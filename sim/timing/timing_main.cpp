// ohci-timing-diagrams OUTPUT_DIR: runs the timing scenario (timing_scenario.hpp) on the RTL and
// writes the WaveJSON sources of docs/timing.md's diagrams into OUTPUT_DIR:
//   it_packet_pins.json      an isochronous packet on the PHY-link pins, clk by clk;
//   attach_to_callback.json  attach -> packets -> irq -> ISR -> DPC -> callback.
// `make diagrams` runs it into docs/timing/ and renders each file to SVG; the CTest
// timing_diagrams_match_the_rtl runs it into a scratch directory and compares.
// Exit status 0 when written, 1 when the scenario failed or a file could not be written, 2 for
// bad arguments.
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "timing_diagrams.hpp"
#include "timing_scenario.hpp"
#include "wave_json.hpp"

namespace {

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out.flush());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ohci::sim::timing;
  if (argc != 2) {
    std::cerr << "usage: ohci-timing-diagrams OUTPUT_DIR\n";
    return 2;
  }
  const std::filesystem::path output_dir = argv[1];
  try {
    const TimingRecord record = run_timing_scenario();
    const std::vector<std::pair<std::string, WaveDiagram>> files{
        {"it_packet_pins.json", pin_diagram(record)},
        {"attach_to_callback.json", attach_diagram(record)},
    };
    std::filesystem::create_directories(output_dir);
    for (const auto& [name, diagram] : files) {
      if (!write_file(output_dir / name, to_wavejson(diagram))) {
        std::cerr << "ohci-timing-diagrams: cannot write " << (output_dir / name).string() << '\n';
        return 1;
      }
      std::cout << (output_dir / name).string() << '\n';
    }
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "ohci-timing-diagrams: " << error.what() << '\n';
    return 1;
  }
}
