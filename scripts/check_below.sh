#!/usr/bin/env bash
# Proves that rtl/ohci_below.vh's two bodies are one function: the plain-logic chain synthesis
# reads (SYNTHESIS defined) and the x < k that simulators read. Yosys SAT over every 16-bit x
# and k (a miter of the two; exit 0 only when no input tells them apart).
#   scripts/check_below.sh [RTL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
rtl_dir=${1:-rtl}
yosys -q -p "read_verilog -I$rtl_dir tb/formal/below_chain.v;
             read_verilog -nosynthesis -I$rtl_dir tb/formal/below_lt.v; proc;
             miter -equiv -flatten -make_assert below_chain below_lt miter; hierarchy -top miter;
             sat -verify -prove-asserts miter"
echo "below(): the synthesis chain and x < k agree on every x and k"
