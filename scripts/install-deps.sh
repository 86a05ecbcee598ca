#!/usr/bin/env bash
# Installs what the build needs, and nothing when it is all there (quiet, idempotent).
#   Debian packages through apt-get (as root, or through sudo);
#   pinned PyPI tools into a venv inside the build tree (scripts/requirements.txt).
# Usage: scripts/install-deps.sh BUILD_DIR
set -euo pipefail
build_dir=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)

packages=(cmake g++ make ccache verilator libgtest-dev googletest libsystemc-dev
  libcli11-dev nlohmann-json3-dev yosys iverilog gtkwave clang-format python3-venv
  nextpnr-ice40 fpga-icestorm
  qemu-system-x86 cpio kmod) # the Linux guest test: QEMU (TCG), its initramfs, modinfo

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "deps: installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv="$build_dir/venv"
stamp="$venv/.requirements"
if ! cmp -s "$here/requirements.txt" "$stamp" 2>/dev/null; then
  echo "deps: creating the Python venv in $venv (pinned tools from scripts/requirements.txt)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$stamp"
fi
