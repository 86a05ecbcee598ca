#!/usr/bin/env bash
# FuseSoC runs ohci_core.core's lint target (Verilator --lint-only -Wall on ohci_core).
#   fusesoc --cores-root . run --build-root BUILD_DIR/fusesoc --target lint ohci-cosim:ip:ohci_core
# FuseSoC's work tree goes under BUILD_DIR/fusesoc (its default, ./build, is our CMake build dir),
# and so do its cache and the fusesoc.conf written here, which makes it skip the build trees
# (BUILD_DIR and every build*/ of the repository) when it looks for .core files under --cores-root.
# Quiet on success; on failure prints FuseSoC's whole output and exits non-zero.
# Usage: scripts/fusesoc_lint.sh BUILD_DIR [FUSESOC]
#   FUSESOC defaults to BUILD_DIR/venv/bin/fusesoc (pinned in scripts/requirements.txt; `make deps`).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BUILD_DIR [FUSESOC]" >&2
  exit 2
fi
build_dir=$(mkdir -p "$1" && cd "$1" && pwd -P)
fusesoc=${2:-$build_dir/venv/bin/fusesoc}
cd "$(dirname "$0")/.."
repo=$(pwd -P)

if [ ! -x "$fusesoc" ]; then
  echo "fusesoc_lint: $fusesoc not found (run \`make deps\`, which installs the pinned FuseSoC)" >&2
  exit 1
fi
# FuseSoC runs verilator through edalize's Makefile: make sure it finds the venv's tools first.
export PATH="$(dirname "$fusesoc"):$PATH"

work="$build_dir/fusesoc"
log="$work/lint.log"
mkdir -p "$work"
ignored=("$build_dir")
for dir in "$repo"/build*/; do
  if [ -d "$dir" ]; then ignored+=("$(cd "$dir" && pwd -P)"); fi
done
printf '[main]\nbuild_root = %s\ncache_root = %s\nignored_dirs = %s\n' \
  "$work" "$work/cache" "${ignored[*]}" >"$work/fusesoc.conf"

if ! "$fusesoc" --config "$work/fusesoc.conf" --cores-root . run --build-root "$work" \
  --target lint ohci-cosim:ip:ohci_core >"$log" 2>&1; then
  cat "$log" >&2
  echo "fusesoc_lint: FAILED: fusesoc run --target lint ohci-cosim:ip:ohci_core (log: $log)" >&2
  exit 1
fi
