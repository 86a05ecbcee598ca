#!/usr/bin/env bash
# Runs the "unmodified Linux firewire-ohci drives our RTL" test: ohci-qemu boots the guest that
# scripts/linux/make-guest.sh made (QEMU is ohci-qemu's child), then tb/qemu/guest/check_linux_run.py
# decides the four checks from the console log and ohci-qemu's report and prints the guest's
# kernel log and the figures. Exit status 0 only if all four checks pass.
# Usage: scripts/linux/run-linux-test.sh BUILD_DIR
set -euo pipefail

die() {
  echo "run-linux-test: error: $*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
build_dir=$(cd "$1" && pwd)
repo=$(cd -P "$(dirname "$0")/../.." && pwd)
out=$build_dir/linux
ohci_qemu=$build_dir/sim/qemu/ohci-qemu

[ -x "$ohci_qemu" ] || die "no $ohci_qemu: build it first (make build)"
for f in vmlinuz initramfs.cpio.gz; do
  [ -f "$out/$f" ] || die "no $out/$f: run scripts/linux/make-guest.sh $1 first"
done
command -v qemu-system-x86_64 >/dev/null ||
  die "no qemu-system-x86_64 (scripts/install-deps.sh installs qemu-system-x86)"

# Results of an earlier run must not be mistaken for this one's.
rm -f "$out/console.log" "$out/report.json" "$out/ohci-qemu.log"

echo "run-linux-test: booting the guest under ohci-qemu (TCG; takes a minute or two)"
start=$(date +%s.%N)
status=0
# ohci-qemu stops QEMU itself after --timeout seconds; the outer timeout only guards against
# ohci-qemu itself hanging.
timeout --kill-after=10 660 "$ohci_qemu" \
  --kernel "$out/vmlinuz" \
  --initrd "$out/initramfs.cpio.gz" \
  --console-log "$out/console.log" \
  --report "$out/report.json" \
  --timeout 600 >"$out/ohci-qemu.log" 2>&1 || status=$?
wall=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')

if [ "$status" -ne 0 ]; then
  echo "run-linux-test: ohci-qemu exited with status $status after $wall s; its last lines" \
    "($out/ohci-qemu.log):"
  tail -n 20 "$out/ohci-qemu.log" | sed 's/^/  | /'
fi

checked=0
python3 "$repo/tb/qemu/guest/check_linux_run.py" --print-log --wall-seconds "$wall" \
  "$out/console.log" "$out/report.json" || checked=$?
echo "run-linux-test: console $out/console.log, report $out/report.json, ohci-qemu output" \
  "$out/ohci-qemu.log"
[ "$checked" -eq 0 ] && [ "$status" -eq 0 ]
