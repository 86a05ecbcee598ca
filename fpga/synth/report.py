#!/usr/bin/env python3
"""Figures of scripts/synth.sh (make synth): one board's result, the Xilinx estimate, the table.

  report.py board --board B --device D --family ecp5|ice40 --mode board|ooc --params P
                  --stat STAT.json --pnr REPORT.json --bitstream FILE --seconds S P B --out OUT.json
      Reads Yosys' `stat -json` and nextpnr's --report, writes OUT.json, and exits 1 (naming
      the clock) when a clock's achieved Fmax is below its constraint.
  report.py xilinx --stat STAT.json --seconds S --out OUT.json
  report.py table SUMMARY.json...   prints the summary table.

Figures: LUTs are the LUT4 sites nextpnr used (ECP5 TRELLIS_COMB: LUT4s, carry halves and
distributed-RAM LUTs; iCE40 ICESTORM_LC: logic cells, each one LUT4 and one flip-flop, counting
cells used for a flip-flop alone), FFs the flip-flops, RAM the block RAMs (ECP5 DP16KD 18 Kbit,
iCE40 RAM40_4K 4 Kbit), Fmax nextpnr's achieved frequency of the slowest clock.
"""
import argparse
import json
import sys


def cells_by_type(stat_path):
    with open(stat_path) as f:
        stat = json.load(f)
    return stat["design"]["num_cells_by_type"]


def count(cells, *prefixes):
    return sum(n for cell, n in cells.items() if cell.startswith(prefixes))


def board(args):
    cells = cells_by_type(args.stat)
    with open(args.pnr) as f:
        pnr = json.load(f)
    util = pnr["utilization"]
    if args.family == "ecp5":
        luts, ffs, ram = util["TRELLIS_COMB"], util["TRELLIS_FF"], util["DP16KD"]
        ram_kind = "DP16KD"
    else:
        luts, ram = util["ICESTORM_LC"], util["ICESTORM_RAM"]
        ffs = {"used": count(cells, "SB_DFF"), "available": luts["available"]}
        ram_kind = "RAM40_4K"
    clocks = {name: (c["achieved"], c["constraint"]) for name, c in pnr["fmax"].items()}
    if not clocks:
        print(f"synth: {args.board}: nextpnr reports no clock", file=sys.stderr)
        return 1
    summary = {
        "board": args.board,
        "device": args.device,
        "mode": args.mode,
        "params": args.params,
        "luts": [luts["used"], luts["available"]],
        "ffs": [ffs["used"], ffs["available"]],
        "ram": [ram["used"], ram["available"], ram_kind],
        "clocks": clocks,
        "fmax": min(a for a, _ in clocks.values()),
        "bitstream": args.bitstream,
        "seconds": args.seconds,
    }
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=1)
    failed = [(n, a, c) for n, (a, c) in clocks.items() if a < c]
    for name, achieved, constraint in failed:
        print(f"synth: {args.board}: clock {name}: Fmax {achieved:.2f} MHz < {constraint:.3f} MHz",
              file=sys.stderr)
    return 1 if failed else 0


def xilinx(args):
    cells = cells_by_type(args.stat)
    summary = {
        "board": "xc7 (estimate)",
        "device": "Zynq-7000 PL (xc7)",
        "luts": count(cells, "LUT"),
        "lutram": count(cells, "RAM16", "RAM32", "RAM64", "RAM128", "RAM256"),
        "srl": count(cells, "SRL"),
        "ffs": count(cells, "FD"),
        "carry4": count(cells, "CARRY4"),
        "bram36": count(cells, "RAMB36"),
        "bram18": count(cells, "RAMB18"),
        "dsp": count(cells, "DSP48"),
        "seconds": args.seconds,
    }
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=1)
    return 0


def table(args):
    rows = []
    xc7 = None
    for path in args.summaries:  # boards, then the estimate
        with open(path) as f:
            s = json.load(f)
        if "clocks" not in s:
            xc7 = s
            continue
        if s["mode"] == "board":
            built = "board top" + (f" (ohci_core {s['params']})" if s["params"] else "")
        else:
            built = f"ohci_core out of context ({s['params']})"
        met = all(a >= c for a, c in s["clocks"].values())
        rows.append([
            s["board"], s["device"],
            f"{s['luts'][0]}/{s['luts'][1]}",
            f"{s['ffs'][0]}/{s['ffs'][1]}",
            f"{s['ram'][0]}/{s['ram'][1]} {s['ram'][2]}",
            f"{s['fmax']:.2f} MHz" + ("" if met else " FAIL"),
            "+".join(str(t) for t in s["seconds"]) + " s",
            s["bitstream"] if met else "none (timing not met)", built,
        ])
    head = ["board", "device", "LUTs", "FFs", "RAM", "Fmax", "time (syn+pnr+pack)", "bitstream",
            "built"]
    if rows:
        widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
        line = "  ".join("{:<%d}" % w for w in widths)
        print(line.format(*head).rstrip())
        for r in rows:
            print(line.format(*r).rstrip())
        print("Fmax target: 49.152 MHz (the PHY's SCLK) on every clock.")
    if xc7:
        print(f"Zynq-7000 (synth_xilinx, ohci_core with default parameters, no place and route): "
              f"{xc7['luts']} LUTs ({xc7['lutram']} LUTRAM, {xc7['srl']} SRL), {xc7['ffs']} FFs, "
              f"{xc7['bram36']} RAMB36 + {xc7['bram18']} RAMB18, {xc7['dsp']} DSP48, "
              f"{xc7['carry4']} CARRY4 ({xc7['seconds']} s)")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("board")
    for opt in ("--board", "--device", "--family", "--mode", "--params", "--stat", "--pnr",
                "--bitstream", "--out"):
        b.add_argument(opt, required=True)
    b.add_argument("--seconds", nargs=3, type=int, required=True)
    x = sub.add_parser("xilinx")
    x.add_argument("--stat", required=True)
    x.add_argument("--out", required=True)
    x.add_argument("--seconds", type=int, required=True)
    t = sub.add_parser("table")
    t.add_argument("summaries", nargs="+")
    args = p.parse_args()
    return {"board": board, "xilinx": xilinx, "table": table}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
