#!/usr/bin/env sh
# The check behind `make wave`, also a CTest case: trace a short two-node run of OHCI_SIM into
# DIR/ohci.fst, write DIR/ohci.gtkw next to it, and check with GTKWave's own fst2vcd that the
# trace opens and that every signal the save file names is in it.
#   scripts/check_wave.sh OHCI_SIM DIR
set -eu
sim=$1
dir=$2
here=$(dirname "$0")
mkdir -p "$dir"
"$sim" --quiet --packets 12 --trace "$dir/ohci.fst" >/dev/null
fst2vcd "$dir/ohci.fst" >/dev/null 2>&1 || { echo "check_wave: fst2vcd cannot read $dir/ohci.fst"; exit 1; }
python3 "$here/gtkw.py" "$dir/ohci.fst" "$dir/ohci.gtkw"
python3 "$here/gtkw.py" --check "$dir/ohci.fst" "$dir/ohci.gtkw"
