#!/usr/bin/env python3
"""Write a GTKWave save file (.gtkw) for an ohci-cosim FST trace.

The trace's top scopes are the nodes (node0, node1, ...), each holding the RTL hierarchy of its
ohci_core. For every node the save file has one group per view people look at first: clock and
cycle timer, the PHY-link pins, the IT and the IR contexts (run, active, dead, wake, state,
CommandPtr), the AXI4 master, and irq. Signal names are read from the trace itself (through
GTKWave's fst2vcd), so every name in the save file exists in the trace; --check verifies that
for an existing save file.

  scripts/gtkw.py TRACE.fst SAVE.gtkw     write SAVE.gtkw next to the trace
  scripts/gtkw.py --check TRACE.fst SAVE.gtkw
"""
import argparse
import os
import re
import subprocess
import sys

# Per node: (group name, [(scope path under the node, signal name pattern)]), in display order.
# Patterns are regular expressions on the signal name within its scope; [n] is a context number.
GROUPS = [
    ("clock and cycle timer", [
        ("ohci_core", r"clk|rst"),
        ("ohci_core.cycle_timer", r"timer_o|cycle_start_o|cycle_inconsistent_o|cycle_lost_o"),
    ]),
    ("PHY-link pins", [
        ("ohci_core", r"phy_ctl_i|phy_ctl_o|phy_ctl_oe|phy_d_i|phy_d_o|phy_d_oe|phy_lreq"),
    ]),
    ("IT contexts", [
        ("ohci_core.it_dma", r"(control_reg|state_reg|command_ptr_reg)\[\d+\]"),
        (r"ohci_core.it_dma.g_ctx\[\d+\]", r"active"),
    ]),
    ("IR contexts", [
        ("ohci_core.ir_dma", r"(control_reg|state_reg|command_ptr_reg)\[\d+\]"),
        (r"ohci_core.ir_dma.g_ctx\[\d+\]", r"active"),
    ]),
    ("AXI4 master", [
        ("ohci_core", r"m_axi_(ar|r|aw|w|b)(addr|len|valid|ready|data|resp|last)"),
    ]),
    ("interrupt", [
        ("ohci_core", r"irq"),
    ]),
]


def trace_signals(trace):
    """Full names (scope.path.name[range]) of every variable in the trace, in trace order."""
    process = subprocess.Popen(["fst2vcd", trace], stdout=subprocess.PIPE, text=True,
                               stderr=subprocess.DEVNULL)
    scopes, names = [], []
    for line in process.stdout:
        words = line.split()
        if not words:
            continue
        if words[0] == "$scope":
            scopes.append(words[2])
        elif words[0] == "$upscope":
            scopes.pop()
        elif words[0] == "$var":
            # $var <type> <width> <id> <name> [<range>] $end
            rest = words[4:-1]
            name = rest[0] + (rest[1] if len(rest) > 1 else "")
            names.append((".".join(scopes), name, int(words[2])))
        elif words[0] == "$enddefinitions":
            break
    process.kill()
    process.wait()
    if not names:
        sys.exit(f"gtkw.py: no signals in {trace} (is it an FST file?)")
    return names


def base_name(name):
    """The signal name without its bit range: state_reg[0][1:0] -> state_reg[0]."""
    return re.sub(r"\[\d+:\d+\]$", "", name)


def save_file(trace, signals):
    nodes = []
    for scope, _, _ in signals:
        node = scope.split(".")[0]
        if node not in nodes:
            nodes.append(node)
    lines = [f'[dumpfile] "{os.path.abspath(trace)}"', "[timestart] 0", "[size] 1600 1000", "[pos] -1 -1",
             "*-14.000000 0"]
    for node in nodes:
        lines.append(f"[treeopen] {node}.")
    for node in nodes:
        for group, selectors in GROUPS:
            picked = []
            for scope_pattern, name_pattern in selectors:
                for scope, name, width in signals:
                    if not re.fullmatch(re.escape(node) + r"\." + scope_pattern, scope):
                        continue
                    if re.fullmatch(name_pattern, base_name(name)):
                        full = f"{scope}.{name}"
                        if full not in [p[0] for p in picked]:
                            picked.append((full, width))
            if not picked:
                continue
            title = f"{node} {group}"
            lines.append("@800200")
            lines.append(f"-{title}")
            for full, width in picked:
                lines.append("@28" if width == 1 else "@22")
                lines.append(full)
            lines.append("@1000200")
            lines.append(f"-{title}")
    return "\n".join(lines) + "\n"


def saved_signals(path):
    names = []
    with open(path) as save:
        for line in save:
            line = line.strip()
            if line and not line.startswith(("[", "@", "-", "*")):
                names.append(line)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="check that every signal of SAVE exists in TRACE")
    parser.add_argument("trace")
    parser.add_argument("save")
    args = parser.parse_args()
    signals = trace_signals(args.trace)
    if args.check:
        existing = {f"{scope}.{name}" for scope, name, _ in signals}
        saved = saved_signals(args.save)
        missing = [name for name in saved if name not in existing]
        if not saved or missing:
            sys.exit(f"gtkw.py: {args.save}: {len(missing)} of {len(saved)} signals not in "
                     f"{args.trace}: {', '.join(missing[:5])}")
        groups = sum(1 for line in open(args.save) if line.startswith("@800200"))
        print(f"gtkw.py: {args.save}: {len(saved)} signals in {groups} groups, all in the trace")
        return
    with open(args.save, "w") as out:
        out.write(save_file(args.trace, signals))


if __name__ == "__main__":
    main()
