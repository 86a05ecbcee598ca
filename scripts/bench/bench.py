#!/usr/bin/env python3
"""make bench: how fast the co-simulation runs, as figures (never as a pass/fail on time).

For the build under test and, with --baseline REV, for the same program built from another
commit in the same run (side by side, so both see the same machine load):
  - sim_hz of the default two-node stream (`ohci-sim`, 2000 packets): the median of --runs runs;
  - sim_hz of a one-node IT-only stream (`ohci-sim --nodes 1`: a talker alone on the bus),
    where the program supports it;
  - instructions per simulated clk under callgrind (a short run: repeatable, whatever the load),
    and for the build under test the instructions per clk by block (Verilated module or kernel
    class);
  - the Icarus/Verilator ratio on identical RTL and stimulus (scripts/bench/sim_ratio.py).
Writes everything to BUILD/bench/bench.json.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Callgrind's per-function costs, bucketed. In the everyday build Verilator inlines every module
# into a few functions, so they count as "model"; a build with -DOHCI_PROF_CFUNCS=ON (--by-block)
# names one function per always block after its module (PROF__<module>__l<line>), and those
# are summed per module. Kernel and firmware by their C++ names. First match wins.
KERNEL_BLOCKS = [
    ("AxiMemorySlave", r"AxiMemorySlave|HostMemory"), ("AxilMaster", r"AxilMaster"),
    ("Bus", r"ohci::sim::Bus<"), ("PhyModel", r"PhyModel|PhyRegisters"),
    ("Node", r"ohci::sim::Node::|InterruptModel"), ("World", r"ohci::sim::World::"),
    ("model: eval and scheduling", r"Vohci_core|verilated"),
    ("firmware and stream", r"ohci::fw::|ohci::sim::Stream|CosimHal"),
]
PROF_FUNCTION = re.compile(r"(ico|nba)_sequent__TOP__\d+__PROF__(\w+?)__l\d+")


def bucket(name):
    prof = PROF_FUNCTION.search(name)
    if prof:
        return f"rtl {prof.group(2)} ({prof.group(1)})"
    return next((b for b, pattern in KERNEL_BLOCKS if re.search(pattern, name)), "other")


def run_stream(sim, args, workdir):
    report = os.path.join(workdir, "run.json")
    proc = subprocess.run([sim, "--quiet", "--json", report] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        return None, proc.stdout.strip().splitlines()[-1:] or ["exit %d" % proc.returncode]
    with open(report) as f:
        return json.load(f), None


def median_sim_hz(sim, args, runs, workdir):
    rates, cycles = [], None
    for _ in range(runs):
        result, error = run_stream(sim, args, workdir)
        if result is None:
            return {"error": " ".join(error)}
        rates.append(result["sim_hz"])
        cycles = result["sim_cycles"]
    return {"sim_hz_median": statistics.median(rates), "sim_hz_runs": rates, "sim_cycles": cycles}


def callgrind(sim, args, workdir, by_block):
    out = os.path.join(workdir, "callgrind.out")
    report = os.path.join(workdir, "cg.json")
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, sim,
                           "--quiet", "--json", report] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0 or not os.path.exists(report):
        return {"error": "callgrind run failed: " + proc.stdout[-300:]}
    with open(report) as f:
        cycles = json.load(f)["sim_cycles"]
    annotate = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no",
                               "--threshold=100", out],
                              stdout=subprocess.PIPE, text=True).stdout
    total = None
    blocks = {}
    for line in annotate.splitlines():
        match = re.match(r"\s*([\d,]+)\s+(?:\([\s\d.%]+\)\s+)?(?:\*\s+)?PROGRAM TOTALS", line)
        if match:
            total = int(match.group(1).replace(",", ""))
            continue
        match = re.match(r"\s*([\d,]+)\s+(?:\([\s\d.%]+\)\s+)?(?:\*\s+)?(\S.*)$", line)
        if not match or total is None:
            continue
        cost = int(match.group(1).replace(",", ""))
        name = match.group(2)
        block = bucket(name)
        blocks[block] = blocks.get(block, 0) + cost
    os.remove(out)
    result = {"sim_cycles": cycles, "instructions": total,
              "instructions_per_clk": round(total / cycles, 1) if total else None}
    if by_block:
        result["per_clk_by_block"] = {b: round(c / cycles, 1) for b, c in
                                      sorted(blocks.items(), key=lambda item: -item[1])}
    return result


def build_baseline(rev, build_dir):
    """ohci-sim of commit `rev`, built once in BUILD/bench/baseline-REV (kept for the next run)."""
    sha = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", rev], stdout=subprocess.PIPE,
                         text=True, check=True).stdout.strip()
    root = os.path.join(build_dir, "bench", "baseline-" + sha)
    source, binary = os.path.join(root, "src"), os.path.join(root, "build")
    sim = os.path.join(binary, "sim", "ohci-sim")
    if os.path.exists(sim):
        return sha, sim
    if os.path.exists(source):
        shutil.rmtree(source)
    os.makedirs(source)
    archive = subprocess.Popen(["git", "-C", REPO, "archive", sha], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", source], stdin=archive.stdout, check=True)
    archive.wait()
    python = os.path.join(os.path.abspath(build_dir), "venv", "bin", "python")
    print(f"bench: building ohci-sim of {sha} in {binary} (once)", flush=True)
    subprocess.run(["cmake", "-S", source, "-B", binary, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DOHCI_PYTHON=" + python], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", binary, "-j2", "--target", "ohci-sim"], check=True,
                   stdout=subprocess.DEVNULL)
    return sha, sim


def build_variant(build_dir, name, flag):
    """ohci-sim of this source tree with a CMake flag, in BUILD/bench/NAME (rebuilt as needed)."""
    binary = os.path.join(build_dir, "bench", name)
    python = os.path.join(os.path.abspath(build_dir), "venv", "bin", "python")
    print(f"bench: building ohci-sim with {flag} in {binary}", flush=True)
    subprocess.run(["cmake", "-S", REPO, "-B", binary, "-DCMAKE_BUILD_TYPE=RelWithDebInfo", flag,
                    "-DOHCI_PYTHON=" + python], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", binary, "-j2", "--target", "ohci-sim"], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(binary, "sim", "ohci-sim")


def build_pgo(build_dir):
    return build_variant(build_dir, "pgo", "-DOHCI_PGO=ON")


def measure(label, sim, options, workdir, by_block):
    print(f"bench: {label}: default stream x{options.runs}", flush=True)
    figures = {"program": sim, "default_stream": median_sim_hz(sim, [], options.runs, workdir)}
    print(f"bench: {label}: one-node IT-only stream x{options.runs}", flush=True)
    figures["it_only_stream"] = median_sim_hz(sim, ["--nodes", "1"], options.runs, workdir)
    if not options.no_callgrind:
        print(f"bench: {label}: callgrind, --packets {options.callgrind_packets}", flush=True)
        figures["callgrind"] = callgrind(sim, ["--packets", str(options.callgrind_packets)],
                                         workdir, by_block)
    return figures


def mhz(figure):
    return f"{figure['sim_hz_median'] / 1e6:.3f}" if "sim_hz_median" in figure else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True, help="the build directory under test")
    parser.add_argument("--baseline", help="a git revision to build and measure beside it")
    parser.add_argument("--pgo", action="store_true",
                        help="also measure this tree built with -DOHCI_PGO=ON")
    parser.add_argument("--by-block", action="store_true",
                        help="instructions per clk by RTL module, from a -DOHCI_PROF_CFUNCS=ON "
                             "build (Verilator --prof-cfuncs: about 5 %% more instructions)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--callgrind-packets", type=int, default=100)
    parser.add_argument("--no-callgrind", action="store_true")
    parser.add_argument("--no-ratio", action="store_true")
    options = parser.parse_args()
    if options.runs < 1 or options.callgrind_packets < 1:
        sys.exit("bench: --runs and --callgrind-packets must be at least 1")
    sim = os.path.join(options.build, "sim", "ohci-sim")
    if not os.path.exists(sim):
        sys.exit(f"bench: {sim} not found (make build)")
    if not options.no_callgrind and shutil.which("valgrind") is None:
        sys.exit("bench: valgrind not found (make deps installs it)")
    results = {"builds": {}}
    with tempfile.TemporaryDirectory(prefix="ohci-bench-") as workdir:
        builds = [("this build", sim, True)]
        if options.pgo:
            builds.append(("this build, PGO", build_pgo(options.build), False))
        if options.baseline:
            sha, baseline_sim = build_baseline(options.baseline, options.build)
            builds.append((f"baseline {sha}", baseline_sim, False))
        # Interleaved per figure would be fairer still; one build after the other within one
        # run of the script is what "side by side" means here (same minute, same load).
        for label, program, by_block in builds:
            results["builds"][label] = measure(label, program, options, workdir, by_block)
        if options.by_block and not options.no_callgrind:
            prof_sim = build_variant(options.build, "prof", "-DOHCI_PROF_CFUNCS=ON")
            print("bench: callgrind by block (--prof-cfuncs build)", flush=True)
            results["by_block"] = callgrind(prof_sim, ["--packets", str(options.callgrind_packets)],
                                            workdir, True)
        if not options.no_ratio:
            ratio_json = os.path.join(workdir, "ratio.json")
            proc = subprocess.run([sys.executable, os.path.join(REPO, "scripts/bench/sim_ratio.py"),
                                   "--rtl-dir", os.path.join(REPO, "rtl"),
                                   "--tb-dir", os.path.join(REPO, "tb/bench"),
                                   "--work-dir", os.path.join(options.build, "bench", "ratio"),
                                   "--json", ratio_json])
            if proc.returncode == 0 and os.path.exists(ratio_json):
                with open(ratio_json) as f:
                    results["icarus_verilator"] = json.load(f)
            else:
                results["icarus_verilator"] = {"error": f"sim_ratio.py exit {proc.returncode}"}

    print("\n%-22s %14s %14s %12s" % ("build", "default M clk/s", "IT-only M clk/s", "instr/clk"))
    for label, figures in results["builds"].items():
        per_clk = figures.get("callgrind", {}).get("instructions_per_clk")
        print("%-22s %14s %14s %12s" % (label, mhz(figures["default_stream"]),
                                        mhz(figures["it_only_stream"]),
                                        per_clk if per_clk is not None else "n/a"))
    if options.baseline:
        base_label = next(k for k in results["builds"] if k.startswith("baseline"))
        base = results["builds"][base_label]
        results["speedup_over_baseline"] = {}
        for label, figures in results["builds"].items():
            if label == base_label:
                continue
            entry = {}
            this_hz = figures["default_stream"].get("sim_hz_median")
            base_hz = base["default_stream"].get("sim_hz_median")
            if this_hz and base_hz:
                entry["sim_hz"] = this_hz / base_hz
            this_ir = figures.get("callgrind", {}).get("instructions_per_clk")
            base_ir = base.get("callgrind", {}).get("instructions_per_clk")
            if this_ir and base_ir:
                entry["fewer_instructions_per_clk"] = base_ir / this_ir
            results["speedup_over_baseline"][label] = entry
            print(f"{label} over {base_label}: " +
                  ", ".join(f"{key} {value:.2f}x" for key, value in entry.items()))
    blocks = results.get("by_block", {}).get("per_clk_by_block") or \
        results["builds"]["this build"].get("callgrind", {}).get("per_clk_by_block", {})
    if blocks:
        print("instructions per clk by block" +
              (" (the --prof-cfuncs build)" if "by_block" in results else " (this build)") + ":")
        for block, cost in blocks.items():
            print(f"  {block:22s} {cost:10.1f}")
    ratio = results.get("icarus_verilator", {})
    if "ratio_icarus_over_verilator" in ratio:
        print(f"Icarus/Verilator run time on the IT-path testbench (tb/bench): "
              f"{ratio['ratio_icarus_over_verilator']:.1f}x")
    elif ratio:
        print(f"Icarus/Verilator: {ratio.get('error', 'n/a')}")
    out = os.path.join(options.build, "bench", "bench.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
