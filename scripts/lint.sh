#!/usr/bin/env bash
# make lint: the RTL through every tool that must accept it, and the generated files' freshness.
#   Verilator --lint-only -Wall (no warnings; waivers are inline, each with a comment saying why),
#     on ohci_core and on ohci_board (fpga/rtl: the boards' SPI host link and on-chip memory)
#   Yosys synth_ice40 of ohci_core (prints the cell and LUT counts)
#   Icarus Verilog -g2012
#   regmap/gen_regmap.py --check (rtl/ohci_regmap.vh, fw/include/ohci/regmap.hpp, docs/registers.md)
#   clang-format --dry-run --Werror on tracked C++
set -euo pipefail
build_dir=${1:-build}
cd "$(dirname "$0")/.."
mkdir -p "$build_dir/lint"

echo "lint: verilator -Wall"
verilator --lint-only -Wall -Irtl rtl/*.v --top-module ohci_core
verilator --lint-only -Wall -Irtl rtl/ohci_crc32.v --top-module ohci_crc32
verilator --lint-only -Wall -Irtl -Ifpga/rtl rtl/*.v fpga/rtl/*.v --top-module ohci_board

echo "lint: iverilog -g2012"
iverilog -g2012 -Irtl -s ohci_core -o "$build_dir/lint/ohci_core.vvp" rtl/*.v
iverilog -g2012 -Irtl -Ifpga/rtl -s ohci_board -o "$build_dir/lint/ohci_board.vvp" rtl/*.v fpga/rtl/*.v

echo "lint: yosys synth_ice40"
yosys -q -l "$build_dir/lint/yosys.log" \
  -p "read_verilog -Irtl $(ls rtl/*.v | tr '\n' ' '); synth_ice40 -top ohci_core; tee -o $build_dir/lint/yosys_stat.txt stat" >/dev/null
awk '/Number of cells/ {cells=$4} /SB_LUT4/ {luts=$2} /SB_RAM40_4K/ {rams=$2} END {printf "lint: ohci_core on iCE40: %s cells, %s LUT4, %s RAM40_4K\n", cells, luts, rams}' \
  "$build_dir/lint/yosys_stat.txt"

echo "lint: yosys reads and synthesises the board tops (place and route: make synth)"
board_rtl="$(ls rtl/*.v fpga/rtl/*.v | tr '\n' ' ')"
yosys -q -l "$build_dir/lint/yosys_ulx3s.log" \
  -p "read_verilog -Irtl -Ifpga/rtl $board_rtl fpga/ulx3s/ulx3s_top.v; synth_ecp5 -top ulx3s_top" >/dev/null
yosys -q -l "$build_dir/lint/yosys_hx8k.log" \
  -p "read_verilog -Irtl -Ifpga/rtl $board_rtl fpga/hx8k/hx8k_top.v; synth_ice40 -top hx8k_top" >/dev/null

echo "lint: register map is generated from regmap/ohci.rdl"
"$build_dir/venv/bin/python" regmap/gen_regmap.py --check

echo "lint: clang-format"
git ls-files '*.cpp' '*.hpp' | xargs -r clang-format --dry-run --Werror
echo "lint: clean"
