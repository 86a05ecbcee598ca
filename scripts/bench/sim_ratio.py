#!/usr/bin/env python3
"""Times the same Verilog testbench on Icarus Verilog and on Verilator: the speed ratio.

  sim_ratio.py --rtl-dir rtl --tb-dir tb/bench --work-dir DIR [--cycles N] [--json OUT]

The testbench (tb/bench/it_path_tb.v: ohci_core, a Verilog AXI4 host memory, a minimal PHY,
the firmware's bring-up and an IT context streaming one packet per isochronous cycle) is built
in DIR twice, from the same RTL and the same stimulus:

  icarus     iverilog -g2012, run by vvp
  verilator  verilator --binary --timing (its own C++ main), built with -j 1 by default

Each binary runs the testbench for the same number of clk cycles (+cycles=N; without --cycles
the testbench's default). Both must print the same result line
("it_path_tb: cycles N packets P cycle_starts C checksum 0x..."), i.e. the same packets with the
same bytes on the PHY-link pins. Icarus runs once (it is the slow one); Verilator runs several
times and its median wall time counts. Printed: a table of build seconds, run seconds and clk/s
per simulator, and the ratio Icarus run time / Verilator run time; --json writes the same.
Exit status 1 if a build or a run fails, a run prints no result line, or the simulators disagree.
"""
import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

TOP = "it_path_tb"
RESULT = re.compile(
    r"^it_path_tb: cycles (?P<cycles>\d+) packets (?P<packets>\d+) "
    r"cycle_starts (?P<cycle_starts>\d+) checksum (?P<checksum>0x[0-9a-fA-F]{8})\s*$", re.M)
RUN_TIMEOUT_SECONDS = 1800


class Failure(Exception):
    pass


def sources(rtl_dir, tb_dir):
    rtl = sorted(glob.glob(os.path.join(rtl_dir, "*.v")))
    tb = sorted(glob.glob(os.path.join(tb_dir, "*.v")))
    if not rtl:
        raise Failure(f"no Verilog sources in {rtl_dir}")
    if not any(os.path.basename(f) == TOP + ".v" for f in tb):
        raise Failure(f"no {TOP}.v in {tb_dir}")
    return rtl + tb


def timed(cmd, log_path, cwd=None, timeout=None):
    """Runs cmd with its output in log_path; returns (seconds, output). Raises on failure."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"timed out after {timeout} s: {' '.join(cmd)}")
    seconds = time.perf_counter() - start
    with open(log_path, "a") as log:
        log.write("$ " + " ".join(cmd) + "\n" + proc.stdout + "\n")
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-15:])
        raise Failure(f"exit {proc.returncode}: {' '.join(cmd)}\n{tail}\n(full log: {log_path})")
    return seconds, proc.stdout


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "?"
    except OSError:
        return "not found"


def fresh_dir(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def build_icarus(files, rtl_dir, work_dir):
    out_dir = fresh_dir(os.path.join(work_dir, "icarus"))
    binary = os.path.join(out_dir, TOP + ".vvp")
    log = os.path.join(out_dir, "build.log")
    seconds, _ = timed(["iverilog", "-g2012", "-I" + rtl_dir, "-s", TOP, "-o", binary] + files,
                       log)
    return seconds, ["vvp", "-n", binary]


def build_verilator(files, rtl_dir, work_dir, jobs):
    out_dir = fresh_dir(os.path.join(work_dir, "verilator"))
    log = os.path.join(out_dir, "build.log")
    # The project's flags for its Verilated model (rtl/CMakeLists.txt: -Wall, --x-assign fast,
    # --x-initial fast, OPT_FAST -O2), with Verilator's own main and timing scheduler.
    cmd = ["verilator", "--binary", "--timing", "-Wall", "--x-assign", "fast", "--x-initial",
           "fast", "-I" + rtl_dir, "--top-module", TOP, "-Mdir", out_dir,
           "-MAKEFLAGS", "OPT_FAST=-O2", "-j", str(jobs)] + files
    seconds, _ = timed(cmd, log)
    return seconds, [os.path.join(out_dir, "V" + TOP)]


def run_once(cmd, plusargs, log):
    seconds, output = timed(cmd + plusargs, log, timeout=RUN_TIMEOUT_SECONDS)
    match = RESULT.search(output)
    if not match:
        raise Failure(f"no result line from {' '.join(cmd + plusargs)} (log: {log})")
    if "ERROR" in output:
        raise Failure(f"the testbench reported an error (log: {log})")
    return seconds, match.group(0).strip(), {k: match.group(k) for k in RESULT.groupindex}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtl-dir", required=True, help="the RTL (rtl/, with ohci_regmap.vh)")
    parser.add_argument("--tb-dir", required=True, help="the testbench sources (tb/bench/)")
    parser.add_argument("--work-dir", required=True, help="where both builds go")
    parser.add_argument("--cycles", type=int, help="clk cycles to run (default: the testbench's)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--verilator-runs", type=int, default=5,
                        help="Verilator runs; the median counts (default 5)")
    parser.add_argument("--icarus-runs", type=int, default=1,
                        help="Icarus runs; the median counts (default 1)")
    parser.add_argument("--jobs", type=int, default=1, choices=(1, 2),
                        help="parallel jobs of Verilator's C++ build (default 1; 2 cores)")
    args = parser.parse_args()
    if args.cycles is not None and args.cycles < 1:
        parser.error("--cycles must be positive")
    if args.verilator_runs < 1 or args.icarus_runs < 1:
        parser.error("runs must be at least 1")

    rtl_dir = os.path.abspath(args.rtl_dir)
    tb_dir = os.path.abspath(args.tb_dir)
    work_dir = os.path.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    plusargs = [f"+cycles={args.cycles}"] if args.cycles is not None else []

    report = {
        "testbench": TOP,
        "tools": {"icarus": tool_version(["iverilog", "-V"]),
                  "verilator": tool_version(["verilator", "--version"])},
        "load_average_at_start": list(os.getloadavg()),
        "simulators": {},
    }
    try:
        files = sources(rtl_dir, tb_dir)
        results = {}
        for name, build, runs in (
                ("icarus", lambda: build_icarus(files, rtl_dir, work_dir), args.icarus_runs),
                ("verilator", lambda: build_verilator(files, rtl_dir, work_dir, args.jobs),
                 args.verilator_runs)):
            print(f"sim_ratio: building with {name} ...", flush=True)
            build_seconds, cmd = build()
            log = os.path.join(work_dir, name, "run.log")
            times, lines = [], set()
            for n in range(runs):
                print(f"sim_ratio: running {name} ({n + 1}/{runs}) ...", flush=True)
                seconds, line, fields = run_once(cmd, plusargs, log)
                times.append(seconds)
                lines.add(line)
            if len(lines) != 1:
                raise Failure(f"{name} printed different results in its runs: {sorted(lines)}")
            run_seconds = statistics.median(times)
            cycles = int(fields["cycles"])
            results[name] = line
            report["simulators"][name] = {
                "build_seconds": round(build_seconds, 3),
                "run_seconds": round(run_seconds, 4),
                "run_seconds_all": [round(t, 4) for t in times],
                "clk_per_second": round(cycles / run_seconds),
                "result": line,
                "cycles": cycles,
                "packets": int(fields["packets"]),
                "cycle_starts": int(fields["cycle_starts"]),
                "checksum": fields["checksum"].lower(),
            }
        if results["icarus"] != results["verilator"]:
            raise Failure("the simulators disagree:\n  icarus:    " + results["icarus"] +
                          "\n  verilator: " + results["verilator"])
    except Failure as failure:
        report["error"] = str(failure)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=2)
                f.write("\n")
        print(f"sim_ratio: FAILED: {failure}", file=sys.stderr)
        return 1

    icarus, verilator = report["simulators"]["icarus"], report["simulators"]["verilator"]
    ratio = icarus["run_seconds"] / verilator["run_seconds"]
    report["ratio_icarus_over_verilator"] = round(ratio, 2)
    report["agreed_result"] = icarus["result"]

    print(f"sim_ratio: both print: {icarus['result']}")
    print(f"{'simulator':<11} {'build s':>9} {'run s':>9} {'clk/s':>12}")
    for name in ("icarus", "verilator"):
        sim = report["simulators"][name]
        print(f"{name:<11} {sim['build_seconds']:>9.2f} {sim['run_seconds']:>9.3f} "
              f"{sim['clk_per_second']:>12,}")
    print(f"ratio (Icarus run time / Verilator run time): {ratio:.1f}")
    print(f"(Icarus: {args.icarus_runs} run(s), Verilator: median of {args.verilator_runs}; "
          f"load average at start {report['load_average_at_start'][0]:.2f})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
