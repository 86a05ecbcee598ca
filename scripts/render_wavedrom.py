#!/usr/bin/env python3
"""Render WaveDrom sources (WaveJSON) to SVG with the pinned `wavedrom` package.

  scripts/render_wavedrom.py docs/timing/*.json     writes docs/timing/NAME.svg beside each

`make diagrams` runs it with the build's venv Python after ohci-timing-diagrams has written the
sources, so the SVGs in docs/ are always drawn from the cycle numbers of a run of the RTL.
"""
import argparse
import pathlib
import sys

import wavedrom


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=pathlib.Path, help="WaveJSON files")
    args = parser.parse_args()
    for source in args.sources:
        svg = source.with_suffix(".svg")
        try:
            drawing = wavedrom.render(source.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as error:
            print(f"render_wavedrom: {source}: {error}", file=sys.stderr)
            return 1
        drawing.saveas(str(svg))
        print(svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
