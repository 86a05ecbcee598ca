#!/usr/bin/env bash
# Builds the Linux guest of the "unmodified firewire-ohci drives our RTL" test from Debian's own
# packages, without installing any of them:
#   BUILD_DIR/linux/vmlinuz             the kernel of the package linux-image-amd64 points at
#   BUILD_DIR/linux/initramfs.cpio.gz   busybox-static, the kernel's crc-itu-t, firewire-core and
#                                       firewire-ohci modules (dependency order from their
#                                       depends=), /fwtest (tb/qemu/guest/fwtest.c, gcc -static)
#                                       and /init (tb/qemu/guest/init.sh)
# The .debs are cached in BUILD_DIR/linux/debs and downloaded only when missing; nothing is
# rebuilt (and nothing is printed) when the inputs are unchanged.
# Usage: scripts/linux/make-guest.sh BUILD_DIR
set -euo pipefail

die() {
  echo "make-guest: error: $*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
build_dir=$1
repo=$(cd -P "$(dirname "$0")/../.." && pwd)
guest_src=$repo/tb/qemu/guest
out=$build_dir/linux
debs=$out/debs
work=$out/work
mkdir -p "$debs" "$work"
out=$(cd "$out" && pwd)
debs=$out/debs
work=$out/work

# The modules firewire-ohci needs come in through their depends=; this is where we start.
top_module=firewire-ohci

for tool in apt-cache apt-get dpkg-deb tar cpio gzip gcc modinfo sha256sum; do
  command -v "$tool" >/dev/null ||
    die "'$tool' is missing (scripts/install-deps.sh installs cpio, kmod and the rest)"
done

# --- Resolve the package names and versions from apt's lists (the kernel ABI moves with
# Debian's security updates, so it is never pinned here). -------------------------------------
candidate_version() { # package -> its candidate version, or nothing
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

kernel_for_metapackage() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
kernel_pkg=$(kernel_for_metapackage)
if [ -z "$kernel_pkg" ] && [ "$(id -u)" -eq 0 ]; then
  # A fresh machine (or image) may have empty package lists; as root we may fill them.
  echo "make-guest: apt knows no linux-image-amd64 yet: apt-get update" >&2
  apt-get update -qq >/dev/null 2>"$work/apt.err" ||
    die "apt-get update failed (no network?): $(tail -n 3 "$work/apt.err")"
  kernel_pkg=$(kernel_for_metapackage)
fi
[ -n "$kernel_pkg" ] ||
  die "apt knows no 'linux-image-amd64' (its package lists may be empty: run 'apt-get update')"

# deb_for PACKAGE: the cached .deb of the candidate version, downloaded when missing.
deb_for() {
  local pkg=$1 ver file
  ver=$(candidate_version "$pkg")
  [ -n "$ver" ] || die "apt has no installable version of '$pkg' (run 'apt-get update'?)"
  # apt-get download names the file package_version_arch.deb, the epoch's ':' as %3a.
  file=$(find "$debs" -maxdepth 1 -name "${pkg}_${ver//:/%3a}_*.deb" -print -quit)
  if [ -z "$file" ]; then
    # Older versions of the same package are stale now; the kernel one is 70 MB.
    find "$debs" -maxdepth 1 -name "${pkg}_*.deb" -delete
    local sandbox=()
    # As root apt drops to the _apt user, who may not write into the build tree.
    [ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
    echo "make-guest: downloading $pkg $ver" >&2
    (cd "$debs" && apt-get download -qq "${sandbox[@]}" "$pkg=$ver" >/dev/null 2>"$work/apt.err") ||
      die "apt-get download $pkg=$ver failed (no network, or stale lists: 'apt-get update'): $(tail -n 3 "$work/apt.err")"
    file=$(find "$debs" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
    [ -n "$file" ] || die "apt-get download $pkg left no .deb in $debs"
  fi
  echo "$file"
}

kernel_deb=$(deb_for "$kernel_pkg")
busybox_deb=$(deb_for busybox-static)
kver=${kernel_pkg#linux-image-}

# --- Up to date? The stamp names every input; the outputs are remade only when it changes. ---
inputs_hash=$(
  {
    basename "$kernel_deb"
    basename "$busybox_deb"
    sha256sum "$0" "$guest_src/fwtest.c" "$guest_src/init.sh" "$repo/sim/qemu/fwtest_protocol.h" |
      awk '{ print $1 }'
    gcc -dumpfullversion
  } | sha256sum | awk '{ print $1 }'
)
stamp=$out/.guest-inputs
if [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio.gz" ] &&
  [ "$(cat "$stamp" 2>/dev/null)" = "$inputs_hash" ]; then
  exit 0
fi

# --- Kernel and modules: only the files we need come out of the 400 MB data archive. ---------
kdir=$work/kernel-$kver
extract_from_kernel() { # tar member patterns...
  dpkg-deb --fsys-tarfile "$kernel_deb" | tar -x -C "$kdir" --wildcards "$@" 2>/dev/null || true
}
if [ ! -f "$kdir/.listing" ]; then
  rm -rf "$kdir"
  mkdir -p "$kdir"
  dpkg-deb -c "$kernel_deb" | awk '{ print $NF }' | grep -E '\.ko(\.(xz|zst|gz))?$' >"$kdir/.listing.tmp" ||
    die "$kernel_deb holds no kernel modules"
  extract_from_kernel "./boot/vmlinuz-$kver"
  [ -f "$kdir/boot/vmlinuz-$kver" ] || die "$kernel_deb has no boot/vmlinuz-$kver"
  mv "$kdir/.listing.tmp" "$kdir/.listing"
fi

# module_member NAME: the package's path of module NAME ('-' and '_' are the same to kmod).
module_member() {
  local pattern
  pattern=${1//[-_]/[-_]}
  grep -m 1 -E "/${pattern}\.ko(\.(xz|zst|gz))?$" "$kdir/.listing" || true
}

# module_file NAME: the uncompressed .ko of NAME on disk (extracted and decompressed once).
# busybox's insmod takes a plain ELF object, so a compressed module is unpacked here.
module_file() {
  local member ko
  member=$(module_member "$1")
  [ -n "$member" ] || die "$kernel_pkg has no module '$1'"
  ko=$kdir/${member%.ko*}.ko
  if [ ! -f "$ko" ]; then
    [ -f "$kdir/$member" ] || extract_from_kernel "$member"
    [ -f "$kdir/$member" ] || die "could not extract $member from $kernel_deb"
    case $member in
    *.ko.xz) xz -dc "$kdir/$member" >"$ko" ;;
    *.ko.zst) zstd -qdc "$kdir/$member" >"$ko" ;;
    *.ko.gz) gzip -dc "$kdir/$member" >"$ko" ;;
    esac
  fi
  echo "$ko"
}

# Depth-first over depends=, so every module comes after the modules it needs.
load_order=()
visit() {
  local name=$1 ko dep seen
  for seen in "${load_order[@]+"${load_order[@]}"}"; do
    [ "$(basename "${seen%.ko}" | tr _ -)" != "$(echo "$name" | tr _ -)" ] || return 0
  done
  ko=$(module_file "$name")
  for dep in $(modinfo -F depends "$ko" | tr , ' '); do
    visit "$dep"
  done
  load_order+=("$ko")
}
visit "$top_module"

# --- The initramfs tree. ----------------------------------------------------------------------
root=$work/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc} "$root/lib/modules/$kver"

bbdir=$work/busybox
rm -rf "$bbdir"
mkdir -p "$bbdir"
dpkg-deb -x "$busybox_deb" "$bbdir"
cp "$bbdir/bin/busybox" "$root/bin/busybox"
# busybox-static runs on the build host too, so it tells its own applet paths.
# The links point at the guest's /bin/busybox, so test them with -L, not -e, here.
"$root/bin/busybox" --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
[ -L "$root/bin/sh" ] || die "busybox from $busybox_deb has no sh applet"

: >"$root/etc/modules-load-order"
for ko in "${load_order[@]}"; do
  cp "$ko" "$root/lib/modules/$kver/"
  echo "/lib/modules/$kver/$(basename "$ko")" >>"$root/etc/modules-load-order"
done

gcc -static -O2 -s -Wall -Wextra -Werror -o "$root/fwtest" "$guest_src/fwtest.c" ||
  die "compiling tb/qemu/guest/fwtest.c failed"
install -m 0755 "$guest_src/init.sh" "$root/init"

# --- newc cpio, gzip'd. Owners are 0 and the order sorted so the image is reproducible. --------
# /dev/console must exist before /init starts, or init gets no stdin/stdout: it is a character
# device node, which needs no root here because it is written as a cpio entry directly.
newc_entry() { # name mode rdevmajor rdevminor: one header and name, no data (GNU cpio's layout)
  local name=$1 mode=$2 major=$3 minor=$4 namesize len pad
  namesize=$((${#name} + 1))
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    1 "$mode" 0 0 1 0 0 0 0 "$major" "$minor" "$namesize" 0
  printf '%s\0' "$name"
  len=$((110 + namesize))
  pad=$(((4 - len % 4) % 4))
  [ "$pad" -eq 0 ] || head -c "$pad" /dev/zero
}
find "$root" -exec touch -h -d @0 {} +
{
  (cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc --owner=0:0 --reproducible --quiet)
  # A second archive after the first one's trailer: the kernel unpacks them one after another.
  newc_entry dev/console $((0020000 | 0600)) 5 1
  newc_entry TRAILER!!! 0 0 0
} | gzip -9n >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
cp "$kdir/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "$inputs_hash" >"$stamp"

modules=$(for ko in "${load_order[@]}"; do basename "${ko%.ko}"; done | paste -sd ' ')
echo "make-guest: $out/vmlinuz ($kernel_pkg $(dpkg-deb -f "$kernel_deb" Version)), initramfs" \
  "$(du -k "$out/initramfs.cpio.gz" | cut -f1) KiB (busybox $(dpkg-deb -f "$busybox_deb" Version); modules: $modules)"
