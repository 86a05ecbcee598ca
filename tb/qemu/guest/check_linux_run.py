#!/usr/bin/env python3
"""Decides the "unmodified Linux firewire-ohci drives our RTL" run from what it left behind.

Usage: check_linux_run.py CONSOLE_LOG REPORT_JSON [--wall-seconds S] [--print-log]
                          [--protocol sim/qemu/fwtest_protocol.h]

CONSOLE_LOG is the guest's serial console as ohci-qemu captured it (the kernel's messages, the
FWTEST lines of tb/qemu/guest/init.sh and fwtest.c, and the whole dmesg between
"FWTEST DMESG BEGIN" and "FWTEST DMESG END"). REPORT_JSON is ohci-qemu's report. Four checks,
each printed as PASS or FAIL with its evidence, then the figures; exit status 0 only if all four
pass. A missing file or key fails the check that needs it (never a traceback).

The report keys read here (the contract with ohci-qemu, sim/qemu/):
  guid                      the card's GUID, hex string ("0011223344556677"; "0x" allowed)
  contexts.ir, contexts.it  number of IR / IT contexts the core implements
  peer_rx.packets           packets the peer received on peer_rx.channel (guest -> peer)
  peer_rx.mismatches        payload bytes (or packets) that differed from fwtest_payload_byte
  peer_rx.channel           the channel the peer listened on
  peer_rx.packets_list      [{"seq": n, "cycle": c, "length": bytes}, ...] in arrival order;
                            cycle is cycleSeconds:cycleCount as the guest sees it (bits 15:13
                            seconds mod 8, bits 12:0 the count); higher bits are ignored
  peer_tx.packets           packets the peer transmitted (peer -> guest)
  exit                      how the run ended; "guest powered off" is the good end
  boot_seconds              QEMU start to the first BAR access (figure)
  mmio.reads, mmio.writes   BAR accesses (figures)
  sim_cycles, sim_seconds   simulated SCLK cycles and seconds (figures)
  guest_seconds             guest run time as ohci-qemu measured it (figure)
  wall_seconds              optional; --wall-seconds wins (figure)

The forbidden kernel-log patterns of check 4 are FORBIDDEN below; ALLOWED lists the lines that
match one of them but are expected (see docs/linux-guest.md).
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTOCOL = os.path.join(HERE, "..", "..", "..", "sim", "qemu", "fwtest_protocol.h")

# Check 4: any console or dmesg line matching one of these (case-insensitive) fails the run.
FORBIDDEN = [
    (r"WARNING:", "a kernel WARN"),
    (r"\bOops\b", "an oops"),
    (r"\bBUG:", "a kernel BUG"),
    (r"Call Trace", "a stack dump"),
    (r"Kernel panic", "a panic"),
    (r"general protection fault", "a GPF"),
    (r"hung_task|blocked for more than", "a hung task"),
    (r"soft lockup|rcu.*stall", "a lockup"),
    (r"firewire.*(timeout|timed out)", "a firewire timeout"),
    (r"firewire_ohci.*(still active|unrecoverable|cycle too long|inconsistent|failed|error)",
     "a firewire_ohci error"),
    (r"firewire_core.*(failed|error|giving up)", "a firewire_core error"),
]
# Expected although they match: the co-simulated peer is an isochronous node without
# asynchronous transactions, so firewire_core cannot read its configuration ROM.
ALLOWED = [
    r"firewire_core.*giving up on (node|config rom).*reading config rom failed",
]

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1bc")


class Missing(Exception):
    """A file, key or line the check needs is not there."""


# ------------------------------------------------------------------------------------------------
# The protocol: constants from the header (one source of truth), the length function mirrored
# (test_check_linux_run.py compares it with the header's C function).


def read_protocol(path):
    consts = {}
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise SystemExit(f"check_linux_run: cannot read the protocol header {path}: {e}")
    for name, value in re.findall(r"#define\s+(FWTEST_\w+)\s+(\d+)u?\b", text):
        consts[name] = int(value)
    need = ["FWTEST_IT_CHANNEL", "FWTEST_IR_CHANNEL", "FWTEST_IT_PACKETS",
            "FWTEST_IT_INTERRUPT_EVERY", "FWTEST_IR_PACKETS", "FWTEST_STREAM_IT"]
    lost = [n for n in need if n not in consts]
    if lost:
        raise SystemExit(f"check_linux_run: {path} defines no {', '.join(lost)}")
    return consts


def fwtest_length(stream, n):
    """fwtest_length() of fwtest_protocol.h."""
    return (8 + 4 * ((n * 37 + stream * 101) % 255)) & 0xFFFFFFFF


def next_cycle(c):
    """The 16-bit cycle stamp (seconds mod 8 : count mod 8000) one cycle after c."""
    sec, count = (c >> 13) & 7, c & 0x1FFF
    count += 1
    if count == 8000:
        count, sec = 0, (sec + 1) & 7
    return sec << 13 | count


# ------------------------------------------------------------------------------------------------
# Inputs.


def read_console(path):
    """The console's lines, without carriage returns and terminal escapes, or None."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    return [ANSI.sub("", line).replace("\r", "") for line in text.split("\n")]


def read_report(path):
    """(report dict or None, error text or None)."""
    try:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
    except OSError as e:
        return None, f"no report {path}: {e.strerror}"
    except ValueError as e:
        return None, f"report {path} is not JSON: {e}"
    if not isinstance(report, dict):
        return None, f"report {path} is not a JSON object"
    return report, None


def key(report, dotted, kind=None):
    """report["a"]["b"] for "a.b"; raises Missing when absent or of the wrong kind."""
    if report is None:
        raise Missing(f"no report, so no {dotted}")
    value = report
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            raise Missing(f"report has no {dotted}")
        value = value[part]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise Missing(f"report {dotted} = {value!r} is not an integer")
    if kind is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise Missing(f"report {dotted} = {value!r} is not a number")
    if kind is not None and kind not in (int, float) and not isinstance(value, kind):
        raise Missing(f"report {dotted} = {value!r} is not a {kind.__name__}")
    return value


def norm_guid(text):
    text = str(text).strip().lower()
    if text.startswith("0x"):
        text = text[2:]
    if not re.fullmatch(r"[0-9a-f]{1,16}", text):
        raise Missing(f"GUID {text!r} is not hex")
    return text.rjust(16, "0")


class Run:
    """The console log split into what the checks look at."""

    def __init__(self, lines):
        self.lines = lines or []
        # FWTEST lines may follow other output on the same line; the protocol part starts there.
        self.fwtest = [l[l.index("FWTEST "):].strip() for l in self.lines if "FWTEST " in l]
        self.dmesg = []
        inside = False
        for l in self.lines:
            if "FWTEST DMESG BEGIN" in l:
                inside = True
            elif "FWTEST DMESG END" in l:
                inside = False
            elif inside:
                self.dmesg.append(l)

    def first(self, pattern):
        """The first FWTEST line matching pattern (as a match), or None."""
        for l in self.fwtest:
            m = re.match(pattern, l)
            if m:
                return m
        return None

    def all(self, pattern):
        return [m for m in (re.match(pattern, l) for l in self.fwtest) if m]

    def kernel(self, pattern):
        """The first kernel-log line (console or dmesg) matching pattern, as a match."""
        for l in self.lines:
            m = re.search(pattern, l)
            if m:
                return m
        return None


# ------------------------------------------------------------------------------------------------
# The four checks. Each returns a list of evidence lines and raises Missing or returns failures.


class Check:
    def __init__(self):
        self.evidence, self.failures = [], []

    def ok(self, text):
        self.evidence.append(text)

    def bad(self, text):
        self.failures.append(text)

    def expect(self, cond, good, wrong):
        (self.ok if cond else self.bad)(good if cond else wrong)
        return cond


def check_probe(run, report, P):
    c = Check()
    m = run.kernel(r"firewire_ohci \S+: added OHCI v(\d+)\.(\d+) device as card (\d+), "
                   r"(\d+) IR \+ (\d+) IT contexts")
    if not m:
        c.bad('no "firewire_ohci ...: added OHCI v1.10 device as card 0, N IR + N IT contexts"')
    else:
        c.expect((m.group(1), m.group(2), m.group(3)) == ("1", "10", "0"),
                 f"probe: {m.group(0)}",
                 f"probe says {m.group(0)!r}, want OHCI v1.10 as card 0")
        try:
            ir, it = key(report, "contexts.ir", int), key(report, "contexts.it", int)
            c.expect((int(m.group(4)), int(m.group(5))) == (ir, it),
                     f"contexts: {ir} IR + {it} IT, as the report says",
                     f"Linux found {m.group(4)} IR + {m.group(5)} IT contexts, "
                     f"the report says {ir} IR + {it} IT")
        except Missing as e:
            c.bad(str(e))
    for l in run.lines:
        if re.search(r"firewire_ohci.*(probe.*(fail|error)|failed|error -\d+)", l, re.I):
            c.bad(f"probe error: {l.strip()}")
            break
    try:
        guid = norm_guid(key(report, "guid"))
    except Missing as e:
        guid = None
        c.bad(str(e))
    m = run.kernel(r"firewire_core \S+: created device fw0: GUID ([0-9a-fA-F]{16}), S400")
    if not m:
        c.bad('no "firewire_core ...: created device fw0: GUID <16 hex>, S400"')
    elif guid:
        c.expect(m.group(1).lower() == guid, f"fw0: {m.group(0)}",
                 f"fw0 has GUID {m.group(1)}, the report says {guid}")
    info = run.first(r"FWTEST INFO guid=0x([0-9a-fA-F]{16}) node_id=0x([0-9a-fA-F]{4}) "
                     r"generation=(\d+)")
    if not info:
        c.bad("no FWTEST INFO line from the guest")
    elif guid:
        c.expect(info.group(1).lower() == guid, f"guest: {info.group(0)}",
                 f"guest INFO guid {info.group(1)} is not the report's {guid}")
    return c


def check_transmit(run, report, P):
    c = Check()
    n_pkt, every = P["FWTEST_IT_PACKETS"], P["FWTEST_IT_INTERRUPT_EVERY"]
    n_irq = n_pkt // every
    done = run.first(r"FWTEST IT DONE packets=(\d+) interrupts=(\d+)")
    if not done:
        c.bad("no FWTEST IT DONE line from the guest")
    else:
        c.expect((int(done.group(1)), int(done.group(2))) == (n_pkt, n_irq),
                 f"guest: {done.group(0)}",
                 f"guest: {done.group(0)}, want packets={n_pkt} interrupts={n_irq}")
    for m in run.all(r"FWTEST FAIL (IT.*)"):
        c.bad(f"guest: {m.group(0)}")
    irqs = [(int(m.group(1)), int(m.group(2)))
            for m in run.all(r"FWTEST IT-IRQ seq=(\d+) cycle=(\d+)")]
    want_seqs = [every * (i + 1) - 1 for i in range(n_irq)]
    c.expect([s for s, _ in irqs] == want_seqs,
             f"guest: {len(irqs)} IT-IRQ lines, seq {want_seqs[0]}, {want_seqs[1]}, ... "
             f"{want_seqs[-1]}",
             f"guest IT-IRQ seqs {[s for s, _ in irqs][:6]}... ({len(irqs)} lines), "
             f"want {want_seqs[:3]}... ({n_irq})")
    try:
        rx_packets = key(report, "peer_rx.packets", int)
        mism = key(report, "peer_rx.mismatches", int)
        channel = key(report, "peer_rx.channel", int)
        plist = key(report, "peer_rx.packets_list", list)
    except Missing as e:
        c.bad(str(e))
        return c
    c.expect(rx_packets == n_pkt and mism == 0 and channel == P["FWTEST_IT_CHANNEL"],
             f"peer: {rx_packets} packets on channel {channel}, {mism} mismatches",
             f"peer: {rx_packets} packets on channel {channel}, {mism} mismatches; want "
             f"{n_pkt} on channel {P['FWTEST_IT_CHANNEL']}, 0 mismatches")
    try:
        seqs = [int(p["seq"]) for p in plist]
        cycles = [int(p["cycle"]) & 0xFFFF for p in plist]
        lengths = [int(p["length"]) for p in plist]
    except (TypeError, KeyError, ValueError) as e:
        c.bad(f"report peer_rx.packets_list entries need seq, cycle and length: {e!r}")
        return c
    c.expect(seqs == list(range(n_pkt)), f"peer: seq 0..{n_pkt - 1} in order",
             f"peer: {len(seqs)} packets, seq {seqs[:4]}...{seqs[-2:]}, want 0..{n_pkt - 1}")
    stream = P["FWTEST_STREAM_IT"]
    bad_len = [(s, l) for s, l in zip(seqs, lengths) if l != fwtest_length(stream, s)]
    c.expect(not bad_len, "peer: every packet has its protocol length",
             f"peer: lengths differ from fwtest_length, first (seq, length) {bad_len[:3]}")
    gaps = [i for i in range(1, len(cycles)) if cycles[i] != next_cycle(cycles[i - 1])]
    if gaps:
        g = gaps[0]
        c.bad(f"peer: cycles not consecutive at {len(gaps)} places, first: seq {seqs[g - 1]} "
              f"in {cycles[g - 1]:#06x}, seq {seqs[g]} in {cycles[g]:#06x}")
    elif cycles:
        c.ok(f"peer: one packet per cycle, {cycles[0]:#06x}..{cycles[-1]:#06x}")
    by_seq = dict(zip(seqs, cycles))
    wrong = [(s, cy, by_seq.get(s)) for s, cy in irqs if by_seq.get(s) != (cy & 0xFFFF)]
    if irqs:
        c.expect(not wrong, "every IT-IRQ cycle is the peer's cycle for that seq",
                 f"IT-IRQ cycles differ from the peer's, first (seq, guest, peer): "
                 f"{', '.join(str(w) for w in wrong[:3])}")
    return c


def check_receive(run, report, P):
    c = Check()
    done = run.first(r"FWTEST IR DONE packets=(\d+) bytes=(\d+) mismatches=(\d+) first_seq=(\d+)")
    if not done:
        c.bad("no FWTEST IR DONE line from the guest")
        packets = first = None
    else:
        packets, mism, first = int(done.group(1)), int(done.group(3)), int(done.group(4))
        c.expect(packets >= P["FWTEST_IR_PACKETS"] and mism == 0, f"guest: {done.group(0)}",
                 f"guest: {done.group(0)}, want packets >= {P['FWTEST_IR_PACKETS']}, "
                 f"mismatches=0")
    for m in run.all(r"FWTEST (FAIL IR.*|IR (MISMATCH|BAD).*)"):
        c.bad(f"guest: {m.group(0)}")
    try:
        tx = key(report, "peer_tx.packets", int)
        c.expect(tx > 0, f"peer: transmitted {tx} packets", "peer: transmitted no packets")
        if packets is not None and tx > 0:
            c.expect(first + packets <= tx,
                     f"guest's seq {first}..{first + packets - 1} were all sent by the peer",
                     f"guest received up to seq {first + packets - 1}, "
                     f"but the peer sent only {tx} packets")
    except Missing as e:
        c.bad(str(e))
    return c


def forbidden_lines(run):
    """(line, why) for every console or dmesg line check 4 forbids."""
    found = []
    for l in run.lines:
        if "FWTEST " in l:
            continue  # the guest's own lines (its FAIL lines are judged by the checks above)
        if any(re.search(a, l, re.I) for a in ALLOWED):
            continue
        for pattern, why in FORBIDDEN:
            if re.search(pattern, l, re.I):
                found.append((l.strip(), why))
                break
    return found


def check_stop(run, report, P):
    c = Check()
    c.expect(run.first(r"FWTEST STOP ok") is not None, "guest: FWTEST STOP ok",
             "no FWTEST STOP ok from the guest")
    c.expect(run.first(r"FWTEST MODULES unloaded") is not None, "guest: FWTEST MODULES unloaded",
             "no FWTEST MODULES unloaded from the guest "
             f"({'; '.join(m.group(0) for m in run.all(r'FWTEST MODULES FAIL.*')) or 'no line'})")
    result = run.first(r"FWTEST RESULT (PASS|FAIL.*)")
    c.expect(result is not None and result.group(1) == "PASS", "guest: FWTEST RESULT PASS",
             f"guest: {result.group(0) if result else 'no FWTEST RESULT line'}")
    c.expect(bool(run.dmesg), f"dmesg: {len(run.dmesg)} lines between the markers",
             "no dmesg between FWTEST DMESG BEGIN and END")
    found = forbidden_lines(run)
    c.expect(not found, "no warning, oops, BUG, stack dump, hang or firewire error in the log",
             f"{len(found)} forbidden lines, first: {found[0][1]}: {found[0][0]}" if found else "")
    for l, why in found[1:4]:
        c.bad(f"also {why}: {l}")
    try:
        end = key(report, "exit")
        c.expect(end == "guest powered off", f"exit: {end}",
                 f"exit: {end!r}, want 'guest powered off'")
    except Missing as e:
        c.bad(str(e))
    return c


CHECKS = [
    ("probe and bring-up", check_probe),
    ("isochronous transmit", check_transmit),
    ("isochronous receive", check_receive),
    ("stop and close", check_stop),
]


# ------------------------------------------------------------------------------------------------
# Figures.


def figure(report, dotted, fmt):
    try:
        return fmt.format(key(report, dotted, float))
    except Missing:
        return "(not reported)"


def figures(run, report, wall):
    def uptime(pattern):
        m = run.first(pattern + r".*uptime=([0-9.]+)")
        return f"{m.group(1)} s" if m else "(no line)"

    rows = [
        ("boot: QEMU start to first BAR access", figure(report, "boot_seconds", "{:.2f} s")),
        ("guest uptime at /init", uptime(r"FWTEST INIT")),
        ("guest uptime at fw0 ready (INFO)", uptime(r"FWTEST INFO")),
        ("guest uptime at power-off", uptime(r"FWTEST POWEROFF")),
        ("MMIO reads / writes", figure(report, "mmio.reads", "{:.0f}") + " / "
         + figure(report, "mmio.writes", "{:.0f}")),
        ("simulated cycles", figure(report, "sim_cycles", "{:.0f}")),
        ("simulated seconds", figure(report, "sim_seconds", "{:.4f} s")),
        ("guest seconds", figure(report, "guest_seconds", "{:.2f} s")),
    ]
    if wall is None:
        try:
            wall = key(report, "wall_seconds", float)
        except Missing:
            pass
    rows.append(("wall seconds", f"{wall:.1f} s" if wall is not None else "(not measured)"))
    try:
        cycles = key(report, "sim_cycles", float)
        if wall:
            rows.append(("simulation speed",
                         f"{cycles / wall / 1e6:.3f} MHz of SCLK per wall second"))
    except Missing:
        pass
    ir = run.first(r"FWTEST IR DONE packets=(\d+)")
    rows += [
        ("packets guest -> peer (peer received)", figure(report, "peer_rx.packets", "{:.0f}")),
        ("packets peer -> guest (peer sent / guest checked)",
         figure(report, "peer_tx.packets", "{:.0f}") + " / " + (ir.group(1) if ir else "?")),
    ]
    width = max(len(r[0]) for r in rows)
    return [f"  {name.ljust(width)}  {value}" for name, value in rows]


def print_log(run):
    """The guest's kernel log (the dmesg section, else the whole console) and its FWTEST lines."""
    print("---- guest kernel log " + ("(dmesg)" if run.dmesg else "(console; no dmesg section)"))
    for l in run.dmesg or [l for l in run.lines if "FWTEST " not in l]:
        print(l)
    print("---- guest FWTEST lines")
    for l in run.fwtest:
        if not l.startswith("FWTEST DMESG"):
            print(l)
    print("----")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("console_log")
    ap.add_argument("report_json")
    ap.add_argument("--wall-seconds", type=float)
    ap.add_argument("--print-log", action="store_true", help="print the guest's log first")
    ap.add_argument("--protocol", default=DEFAULT_PROTOCOL)
    args = ap.parse_args(argv)
    P = read_protocol(args.protocol)

    lines = read_console(args.console_log)
    report, report_error = read_report(args.report_json)
    run = Run(lines)
    if args.print_log and lines is not None:
        print_log(run)
    if lines is None:
        print(f"no console log {args.console_log}")
    if report_error:
        print(report_error)

    passed = 0
    for number, (name, fn) in enumerate(CHECKS, 1):
        try:
            c = fn(run, report, P) if lines is not None else None
        except Missing as e:
            c = Check()
            c.bad(str(e))
        if c is None:
            c = Check()
            c.bad("no console log")
        verdict = "FAIL" if c.failures else "PASS"
        passed += not c.failures
        print(f"check {number} {name}: {verdict}")
        for text in c.failures + c.evidence:
            print(f"    {'FAIL: ' if text in c.failures else ''}{text}")
    print("figures:")
    for row in figures(run, report, args.wall_seconds):
        print(row)
    print(f"linux run: {passed} of {len(CHECKS)} checks passed")
    return 0 if passed == len(CHECKS) else 1


if __name__ == "__main__":
    sys.exit(main())
