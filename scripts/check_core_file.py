#!/usr/bin/env python3
"""Checks that ohci_core.core (FuseSoC CAPI2) lists every RTL file: rtl/*.v and rtl/*.vh, the
boards' fpga/rtl/*.v, and each board's fpga/<board>/*.v top and .lpf/.pcf constraints.

Fails naming every RTL file missing from the core's filesets, every file a fileset lists that does
not exist, and every .vh not marked is_include_file: true (FuseSoC would hand it to the tools as a
source instead of adding its directory to the include path).

Usage: check_core_file.py [REPO_ROOT]   (needs PyYAML, which FuseSoC brings into the build venv)
"""
import sys
from pathlib import Path

import yaml


def listed_files(core):
    """(path, attributes) of every file in every fileset of a parsed CAPI2 core."""
    for fileset in (core.get("filesets") or {}).values():
        for entry in (fileset or {}).get("files") or []:
            if isinstance(entry, dict):  # - rtl/x.vh: {is_include_file: true}
                for name, attrs in entry.items():
                    yield name, attrs or {}
            else:
                yield entry, {}


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    core_path = root / "ohci_core.core"
    text = core_path.read_text()
    if not text.startswith("CAPI=2:"):
        print(f"{core_path}: does not start with 'CAPI=2:'", file=sys.stderr)
        return 1
    core = yaml.safe_load(text)

    listed = {}
    for name, attrs in listed_files(core):
        listed[name] = attrs
    patterns = ("rtl/*.v", "rtl/*.vh", "fpga/rtl/*.v", "fpga/*/*_top.v", "fpga/*/*.lpf",
                "fpga/*/*.pcf")
    on_disk = sorted({p.relative_to(root).as_posix() for pattern in patterns
                      for p in root.glob(pattern)})

    errors = []
    for name in on_disk:
        if name not in listed:
            errors.append(f"{name}: not in any fileset of ohci_core.core")
    for name, attrs in sorted(listed.items()):
        if not (root / name).is_file():
            errors.append(f"{name}: listed in ohci_core.core but does not exist")
        elif name.endswith(".vh") and attrs.get("is_include_file") is not True:
            errors.append(f"{name}: an include file, but not marked is_include_file: true")
    for error in errors:
        print(f"ohci_core.core: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
