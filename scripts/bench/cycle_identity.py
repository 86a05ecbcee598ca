#!/usr/bin/env python3
"""Proves that two builds of ohci-sim simulate the same cycles.

Each configuration below runs ohci-sim with --event-log: the log holds every event of the run
(DMA writes, packets on the wire, irq edges, ISR and DPC entries, each with its clk cycle) and,
last, a digest of every pin of every node on every clk. Two builds that give the same log and
the same JSON report (less its wall time) went through the same pin values on every clk.

  cycle_identity.py record SIM GOLDEN [--set short|long|all]  run SIM, write the digests to GOLDEN
  cycle_identity.py check  SIM GOLDEN [--set ...]             run SIM, compare with GOLDEN
  cycle_identity.py compare SIM_A SIM_B [--set ...]           run both, show the first difference

GOLDEN (tb/identity/golden.json) is a recording of the build it names, not a derived value: it
says "the simulation is unchanged since that commit". A change that alters cycles on purpose
re-records it in the same commit, and says why in the commit message.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

# name -> (set, ohci-sim arguments). The short set runs in CTest (about a minute before the
# speed work); the long one is the default run of `make run`, 12.3 M clk.
CONFIGS = {
    "stream-packet-s400": ("short", ["--packets", "400"]),
    "stream-buffer-fill-s200": ("short", ["--packets", "300", "--mode", "buffer-fill",
                                          "--speed", "s200", "--payload", "1:2048", "--seed", "7"]),
    "three-nodes-faults": ("short", ["--nodes", "3", "--packets", "300",
                                     "--fault", "crc=0.02,drop=0.01", "--seed", "3"]),
    "s100-batch1-small": ("short", ["--packets", "150", "--speed", "s100", "--batch", "1",
                                    "--payload", "1:512", "--seed", "11"]),
    "axi-error": ("short", ["--packets", "300", "--fault", "axi-error=0.0002", "--seed", "5"]),
    "default-2000": ("long", []),
}
VOLATILE = ("wall_seconds", "sim_hz")


def selected(which):
    return {name: args for name, (group, args) in CONFIGS.items()
            if which == "all" or group == which}


def run(sim, args, workdir, tag):
    log = os.path.join(workdir, tag + ".log")
    report = os.path.join(workdir, tag + ".json")
    proc = subprocess.run([sim, "--quiet", "--event-log", log, "--json", report] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not os.path.exists(report) or not os.path.exists(log):
        sys.exit(f"{sim} {' '.join(args)} wrote no report (exit {proc.returncode}):\n{proc.stdout}")
    with open(report) as f:
        result = json.load(f)
    for key in VOLATILE:
        result.pop(key, None)
    with open(log, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return {"args": args, "exit": proc.returncode, "event_log_sha256": digest,
            "report": result}, log


def first_difference(log_a, log_b):
    with open(log_a) as a, open(log_b) as b:
        for number, (line_a, line_b) in enumerate(zip(a, b), 1):
            if line_a != line_b:
                return f"line {number}:\n  A: {line_a.rstrip()}\n  B: {line_b.rstrip()}"
    return "one log is a prefix of the other"


def differences(expected, actual):
    lines = []
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            lines.append(f"  {key}: {expected.get(key)!r} -> {actual.get(key)!r}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("verb", choices=["record", "check", "compare"])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--set", default="short", choices=["short", "long", "all"])
    parser.add_argument("--label", default="", help="record: which build this is (a commit)")
    options = parser.parse_args()
    configs = selected(options.set)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="ohci-identity-") as workdir:
        if options.verb == "record":
            golden = {"recorded_from": options.label, "configs": {}}
            if os.path.exists(options.second):
                with open(options.second) as f:
                    golden["configs"] = json.load(f).get("configs", {})
            for name, args in configs.items():
                golden["configs"][name], _ = run(options.first, args, workdir, name)
                print(f"recorded {name}: {golden['configs'][name]['report']['sim_cycles']} clk, "
                      f"{golden['configs'][name]['report'].get('pin_digest')}")
            with open(options.second, "w") as f:
                json.dump(golden, f, indent=2)
                f.write("\n")
            return 0
        if options.verb == "check":
            with open(options.second) as f:
                golden = json.load(f)["configs"]
            for name, args in configs.items():
                if name not in golden:
                    print(f"FAIL {name}: not in the golden record")
                    failures += 1
                    continue
                actual, _ = run(options.first, args, workdir, name)
                diff = differences(golden[name], actual)
                diff += differences(golden[name]["report"], actual["report"]) if diff else []
                print(("FAIL " if diff else "same ") + name +
                      f": {actual['report'].get('sim_cycles')} clk, "
                      f"{actual['report'].get('pin_digest')}")
                for line in diff:
                    print(line)
                failures += 1 if diff else 0
        else:
            for name, args in configs.items():
                a, log_a = run(options.first, args, workdir, name + ".a")
                b, log_b = run(options.second, args, workdir, name + ".b")
                same = a == b
                print(("same " if same else "DIFFERENT ") + name +
                      f": {a['report'].get('sim_cycles')} / {b['report'].get('sim_cycles')} clk")
                if not same:
                    for line in differences(a["report"], b["report"]):
                        print(line)
                    if a["event_log_sha256"] != b["event_log_sha256"]:
                        print("  event log, " + first_difference(log_a, log_b))
                    failures += 1
    print(f"{len(configs)} configurations, {failures} different")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
