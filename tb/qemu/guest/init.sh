#!/bin/sh
# /init of the Linux guest (busybox sh; scripts/linux/make-guest.sh puts it into the initramfs).
# Loads Debian's unmodified firewire modules, runs /fwtest against /dev/fw0, unloads the modules,
# prints the whole kernel log between markers and powers the machine off, so QEMU exits (it runs
# with -no-reboot). It depends on nothing on the kernel command line but console=ttyS0 (and
# irqpoll under TCG, for the kernel, not for us). Every line meant for the host starts "FWTEST ".
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

say() { echo "FWTEST $*"; }
uptime_s() {
  read -r up _ </proc/uptime
  echo "$up"
}

# The end is the same whatever happened before: log, then power off. Never returns, since the
# kernel panics when init exits.
finish() {
  say "DMESG BEGIN"
  dmesg -s 1048576
  say "DMESG END"
  say "POWEROFF uptime=$(uptime_s)"
  sync
  poweroff -f
  sleep 10
  say "POWEROFF failed"
  while :; do sleep 60; done
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say "INIT uptime=$(uptime_s) kernel=$(uname -r)"

# From here the console shows only kernel errors (level < 4) as they happen: the kernel's lines
# would otherwise interleave with ours mid-line. The complete log follows at the end.
dmesg -n 4

modules_ok=1
while read -r ko; do
  if ! out=$(insmod "$ko" 2>&1); then
    say "MODULES FAIL insmod $ko: $out"
    modules_ok=0
    break
  fi
done </etc/modules-load-order
if [ "$modules_ok" = 1 ]; then
  say "MODULES loaded uptime=$(uptime_s)"
  # fwtest bounds every wait itself; the timeout only guards against a hang in the kernel.
  timeout 300 /fwtest
  rc=$?
  case $rc in
  0 | 1) ;;
  *) say "RESULT FAIL fwtest ended with status $rc (killed, crashed or timed out)" ;;
  esac
else
  say "RESULT FAIL modules not loaded"
fi

# Unload in reverse dependency order; the module names use '_' where the files have '-'.
unload=""
while read -r ko; do
  name=$(basename "$ko" .ko | tr - _)
  unload="$name $unload"
done </etc/modules-load-order
# A module that does not unload within 60 s is reported (with the blocked tasks' stacks in the
# kernel log, from SysRq w) instead of hanging the run.
echo 1 >/proc/sys/kernel/sysrq 2>/dev/null
for name in $unload; do
  grep -q "^$name " /proc/modules || continue
  rmmod "$name" >/tmp/rmmod.out 2>&1 &
  pid=$!
  waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "MODULES FAIL rmmod $name still running after 60 s"
    echo w >/proc/sysrq-trigger 2>/dev/null
    break
  fi
  wait "$pid" || say "MODULES FAIL rmmod $name: $(cat /tmp/rmmod.out)"
done
if grep -qE '^(firewire_ohci|firewire_core) ' /proc/modules; then
  say "MODULES FAIL still loaded: $(grep -E '^firewire' /proc/modules | cut -d' ' -f1 | tr '\n' ' ')"
else
  say "MODULES unloaded uptime=$(uptime_s)"
fi

finish
