#!/usr/bin/env python3
"""Unit tests of check_linux_run.py on hand-made console logs and reports (no QEMU).

A passing run is built from the protocol (fwtest_protocol.h's counts, lengths and channels);
each failing case changes one thing and must fail exactly the check that covers it.
"""

import contextlib
import copy
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_linux_run as checker  # noqa: E402

P = checker.read_protocol(checker.DEFAULT_PROTOCOL)
GUID = "0011223344556677"
FIRST_CYCLE = 7 << 13 | 7990  # seconds 7, count 7990: the run crosses 7 -> 0 seconds


def cycle_after(c, k):
    for _ in range(k):
        c = checker.next_cycle(c)
    return c


def passing_report():
    n = P["FWTEST_IT_PACKETS"]
    return {
        "guid": GUID,
        "contexts": {"ir": 4, "it": 4},
        "peer_rx": {
            "packets": n,
            "mismatches": 0,
            "channel": P["FWTEST_IT_CHANNEL"],
            "packets_list": [
                {"seq": s, "cycle": cycle_after(FIRST_CYCLE, s),
                 "length": checker.fwtest_length(P["FWTEST_STREAM_IT"], s)}
                for s in range(n)
            ],
        },
        "peer_tx": {"packets": 5000},
        "exit": "guest powered off",
        "boot_seconds": 6.1,
        "mmio": {"reads": 1234, "writes": 2345},
        "sim_cycles": 49152000,
        "sim_seconds": 1.0,
        "guest_seconds": 12.5,
    }


def passing_console():
    n, every = P["FWTEST_IT_PACKETS"], P["FWTEST_IT_INTERRUPT_EVERY"]
    kernel = [
        "[    4.700000] firewire_ohci 0000:00:04.0: enabling device (0000 -> 0002)",
        "[    4.900000] firewire_ohci 0000:00:04.0: added OHCI v1.10 device as card 0, "
        "4 IR + 4 IT contexts, quirks 0x0",
        f"[    5.400000] firewire_core 0000:00:04.0: created device fw0: GUID {GUID}, S400",
        "[    6.000000] firewire_core 0000:00:04.0: giving up on node ffc1: reading config rom "
        "failed: no ack",
    ]
    lines = ["\x1bc\x1b[?7l\x1b[2JSeaBIOS (version 1.16.2-debian-1.16.2-1)\r",
             "[    2.531273] Run /init as init process\r",
             "FWTEST INIT uptime=2.54 kernel=6.1.0-57-amd64\r",
             "FWTEST MODULES loaded uptime=2.60\r",
             "FWTEST START uptime=2.63\r",
             f"FWTEST INFO guid=0x{GUID} node_id=0xffc0 generation=2 uptime=5.50\r",
             "FWTEST IT QUEUED packets=256 bytes=131000 page_crossings=31\r"]
    for i in range(n // every):
        seq = every * (i + 1) - 1
        lines.append(f"FWTEST IT-IRQ seq={seq} cycle={cycle_after(FIRST_CYCLE, seq)}\r")
    lines += [f"FWTEST IT DONE packets={n} interrupts={n // every} uptime=6.00\r",
              "FWTEST IR FIRST header=0x00a406a0 cycle=1234\r",
              "FWTEST IR DONE packets=256 bytes=130000 mismatches=0 first_seq=321 uptime=6.5\r",
              "FWTEST STOP ok\r",
              "FWTEST RESULT PASS\r",
              "FWTEST MODULES unloaded uptime=6.7\r",
              "FWTEST DMESG BEGIN\r"]
    lines += [k + "\r" for k in kernel]
    lines += ["FWTEST DMESG END\r", "FWTEST POWEROFF uptime=7.0\r", "[    7.1] reboot: Power down"]
    return lines


class CheckerTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="check_linux_run.")
        self.console = os.path.join(self.dir, "console.log")
        self.report = os.path.join(self.dir, "report.json")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_checker(self, console, report, raw_report=None):
        """Writes the inputs (None: no file) and runs main(): (status, {check: verdict}, out)."""
        if console is not None:
            with open(self.console, "w") as f:
                f.write("\n".join(console) + "\n")
        if raw_report is not None:
            with open(self.report, "w") as f:
                f.write(raw_report)
        elif report is not None:
            with open(self.report, "w") as f:
                json.dump(report, f)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = checker.main([self.console, self.report, "--wall-seconds", "30"])
        text = out.getvalue()
        verdicts = {}
        for line in text.splitlines():
            if line.startswith("check "):
                number, rest = line[6:].split(" ", 1)
                verdicts[int(number)] = rest.rsplit(": ", 1)[1]
        self.assertEqual(sorted(verdicts), [1, 2, 3, 4], text)
        return status, verdicts, text

    def assert_only_fails(self, failing, console=None, report=None, raw_report=None):
        status, verdicts, text = self.run_checker(
            passing_console() if console is None else console,
            passing_report() if report is None and raw_report is None else report,
            raw_report)
        want = {n: ("FAIL" if n in failing else "PASS") for n in (1, 2, 3, 4)}
        self.assertEqual(verdicts, want, text)
        self.assertEqual(status, 1 if failing else 0, text)
        return text

    # -- the good run ----------------------------------------------------------------------------
    def test_passing_run_passes_all_four_and_prints_figures(self):
        text = self.assert_only_fails(set())
        self.assertIn("linux run: 4 of 4 checks passed", text)
        self.assertIn("1234 / 2345", text)  # MMIO reads / writes
        self.assertIn("1.638 MHz", text)  # 49152000 cycles in 30 wall seconds
        self.assertIn("5000 / 256", text)

    def test_higher_cycle_bits_in_the_report_are_ignored(self):
        report = passing_report()
        for p in report["peer_rx"]["packets_list"]:
            p["cycle"] |= 0x50000  # e.g. 7-bit seconds: the guest sees only seconds mod 8
        self.assert_only_fails(set(), report=report)

    # -- check 1 ---------------------------------------------------------------------------------
    def test_guid_mismatch_fails_probe(self):
        report = passing_report()
        report["guid"] = "0x0011223344556678"
        text = self.assert_only_fails({1}, report=report)
        self.assertIn("GUID 0011223344556677, the report says 0011223344556678", text)

    def test_context_count_mismatch_fails_probe(self):
        report = passing_report()
        report["contexts"]["it"] = 8
        self.assert_only_fails({1}, report=report)

    def test_probe_error_fails_probe(self):
        console = passing_console()
        console.insert(3, "[ 4.8] firewire_ohci: probe of 0000:00:04.0 failed with error -5")
        self.assert_only_fails({1, 4}, console=console)

    def test_missing_fw0_line_fails_probe(self):
        console = [l for l in passing_console() if "created device fw0" not in l]
        self.assert_only_fails({1}, console=console)

    # -- check 2 ---------------------------------------------------------------------------------
    def test_cycle_gap_on_the_wire_fails_transmit(self):
        report = passing_report()
        for p in report["peer_rx"]["packets_list"][100:]:
            p["cycle"] = checker.next_cycle(p["cycle"])  # a skipped cycle before seq 100
        text = self.assert_only_fails({2}, report=report)
        self.assertIn("not consecutive at 1 places, first: seq 99", text)

    def test_guest_interrupt_cycle_differs_from_the_wire_fails_transmit(self):
        console = [l.replace("FWTEST IT-IRQ seq=15 cycle=", "FWTEST IT-IRQ seq=15 cycle=1")
                   for l in passing_console()]
        self.assert_only_fails({2}, console=console)

    def test_peer_mismatch_or_missing_packet_fails_transmit(self):
        report = passing_report()
        report["peer_rx"]["mismatches"] = 3
        self.assert_only_fails({2}, report=report)
        report = passing_report()
        del report["peer_rx"]["packets_list"][17]
        report["peer_rx"]["packets"] -= 1
        self.assert_only_fails({2}, report=report)

    def test_wrong_length_or_channel_fails_transmit(self):
        report = passing_report()
        report["peer_rx"]["packets_list"][5]["length"] += 4
        self.assert_only_fails({2}, report=report)
        report = passing_report()
        report["peer_rx"]["channel"] = P["FWTEST_IR_CHANNEL"]
        self.assert_only_fails({2}, report=report)

    def test_guest_it_counts_fail_transmit(self):
        console = [l.replace("interrupts=32", "interrupts=31") for l in passing_console()]
        self.assert_only_fails({2}, console=console)

    def test_malformed_packets_list_fails_without_traceback(self):
        report = passing_report()
        report["peer_rx"]["packets_list"][3] = {"seq": 3}
        text = self.assert_only_fails({2}, report=report)
        self.assertNotIn("Traceback", text)

    # -- check 3 ---------------------------------------------------------------------------------
    def test_receive_mismatch_fails_receive(self):
        console = [l.replace("mismatches=0", "mismatches=1") for l in passing_console()]
        console.insert(-6, "FWTEST IR MISMATCH seq=400 offset=9 got=0x00 want=0x5a")
        self.assert_only_fails({3}, console=console)

    def test_too_few_received_packets_fails_receive(self):
        console = [l.replace("IR DONE packets=256", "IR DONE packets=199")
                   for l in passing_console()]
        self.assert_only_fails({3}, console=console)

    def test_guest_cannot_receive_more_than_the_peer_sent(self):
        report = passing_report()
        report["peer_tx"]["packets"] = 300  # the guest claims seq 321..576
        self.assert_only_fails({3}, report=report)

    # -- check 4 ---------------------------------------------------------------------------------
    def test_kernel_warning_in_dmesg_fails_stop(self):
        console = passing_console()
        console.insert(-3, "[ 6.6] WARNING: CPU: 0 PID: 57 at drivers/firewire/ohci.c:1234")
        text = self.assert_only_fails({4}, console=console)
        self.assertIn("a kernel WARN", text)

    def test_firewire_timeout_fails_stop(self):
        console = passing_console()
        console.insert(-3, "[ 6.6] firewire_core 0000:00:04.0: BM lock failed (timeout), "
                           "making local node (ffc0) root")
        self.assert_only_fails({4}, console=console)

    def test_missing_stop_or_unload_fails_stop(self):
        console = [l for l in passing_console() if "STOP ok" not in l]
        self.assert_only_fails({4}, console=console)
        console = [l.replace("MODULES unloaded", "MODULES FAIL rmmod firewire_ohci: busy")
                   for l in passing_console()]
        self.assert_only_fails({4}, console=console)

    def test_exit_other_than_power_off_fails_stop(self):
        report = passing_report()
        report["exit"] = "timeout"
        self.assert_only_fails({4}, report=report)

    def test_guest_result_fail_fails_stop(self):
        console = [l.replace("RESULT PASS", "RESULT FAIL IT packet 3: xferStatus 0")
                   for l in passing_console()]
        self.assert_only_fails({4}, console=console)

    # -- missing inputs --------------------------------------------------------------------------
    def test_empty_report_fails_every_report_check_without_traceback(self):
        text = self.assert_only_fails({1, 2, 3, 4}, report={})
        self.assertIn("report has no guid", text)
        self.assertIn("(not reported)", text)
        self.assertNotIn("Traceback", text)

    def test_no_or_broken_report_file(self):
        status, verdicts, text = self.run_checker(passing_console(), None)
        self.assertEqual(status, 1)
        self.assertIn("no report", text)
        text = self.assert_only_fails({1, 2, 3, 4}, raw_report="{ not json")
        self.assertIn("is not JSON", text)

    def test_no_console_log(self):
        status, verdicts, text = self.run_checker(None, passing_report())
        self.assertEqual(set(verdicts.values()), {"FAIL"})
        self.assertIn("no console log", text)

    def test_wrong_types_in_report_fail_cleanly(self):
        report = passing_report()
        report["peer_rx"] = "lots"
        report["contexts"] = {"ir": "4", "it": 4}
        text = self.assert_only_fails({1, 2}, report=report)
        self.assertNotIn("Traceback", text)


class ProtocolTest(unittest.TestCase):
    def test_next_cycle_carries_into_seconds_and_wraps(self):
        self.assertEqual(checker.next_cycle(0 << 13 | 7999), 1 << 13 | 0)
        self.assertEqual(checker.next_cycle(7 << 13 | 7999), 0)
        self.assertEqual(checker.next_cycle(3 << 13 | 10), 3 << 13 | 11)

    def test_python_length_is_the_headers_length(self):
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            self.skipTest("no C compiler")
        with tempfile.TemporaryDirectory() as d:
            src, exe = os.path.join(d, "len.c"), os.path.join(d, "len")
            with open(src, "w") as f:
                f.write('#include <stdio.h>\n#include "%s"\nint main(void) {\n'
                        '  for (unsigned s = 0; s < 2; ++s)\n'
                        '    for (unsigned n = 0; n < 600; ++n)\n'
                        '      printf("%%u\\n", fwtest_length(s, n));\n'
                        '  return 0;\n}\n' % os.path.abspath(checker.DEFAULT_PROTOCOL))
            subprocess.run([cc, "-std=c99", "-o", exe, src], check=True)
            got = [int(x) for x in subprocess.run([exe], check=True, capture_output=True,
                                                  text=True).stdout.split()]
        want = [checker.fwtest_length(s, n) for s in range(2) for n in range(600)]
        self.assertEqual(got, want)


if __name__ == "__main__":
    unittest.main()
