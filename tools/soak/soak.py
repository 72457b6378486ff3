#!/usr/bin/env python3
"""Soak run of `afterimage live` (not a CI test): does the show hold up for hours?

Runs `afterimage live` under Xvfb for --minutes (default 60) on a looping
synthesized track (`afterimage demo-track`), while a copy of the set file is
edited every few seconds, good and broken edits in turn (as a person in an
editor would), and samples the process's resident memory. At the end it
prints: RSS at start (after warm-up) and end, growth in % and MiB/hour,
presentation frame-time percentiles and missed presentations (from
`live --stats`), presented and generated fps, and the set reloads/errors the
show reported against the edits made.

    tools/soak/soak.py --minutes 3 --size 64x64
    tools/soak/soak.py                       # 1 h on the set's own size

Every child process starts from an argument vector (no shell). The work
folder keeps the track, the edited set, the show's log, stats.csv, rss.csv
and summary.txt.
"""
import argparse
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A presentation counts as missed when it came this much later than the
# display's period (the median time between presentations).
MISSED_FACTOR = 1.5
# Memory settles once the model, the pipelines and the first frames are in:
# growth is measured from the first sample after this.
WARMUP_SECONDS = 20.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=60.0, help="how long the show runs (default 60)")
    p.add_argument("--binary", default=str(ROOT / "build" / "afterimage"))
    p.add_argument("--set", default=str(ROOT / "sets" / "default.toml"), help="the set to copy and edit")
    p.add_argument("--size", help="generation size WxH (default: the set's)")
    p.add_argument("--edit-every", type=float, default=5.0, help="seconds between edits of the set (default 5)")
    p.add_argument("--sample-every", type=float, default=2.0, help="seconds between RSS samples (default 2)")
    p.add_argument("--work", help="work folder (default: a new temporary one, kept)")
    p.add_argument("--gpu", help="AFTERIMAGE_GPU for the show (e.g. llvmpipe)")
    return p.parse_args()


def start_xvfb():
    """Xvfb on a free display it picks itself (-displayfd): no guessing of numbers."""
    if not shutil.which("Xvfb"):
        sys.exit("soak: Xvfb is not installed (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=[write_end], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        number = f.readline().strip()
    if not number:
        xvfb.kill()
        sys.exit("soak: Xvfb did not start")
    return xvfb, ":" + number


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def replace_atomically(path, text):
    """As editors save: a whole new file renamed over the old, never half a set."""
    temporary = path.with_name("." + path.name + ".soak")
    temporary.write_text(text)
    os.replace(temporary, path)


class SetEditor:
    """Good edits (a new bpm) and broken ones (an unclosed table) in turn."""

    def __init__(self, path, original):
        self.path, self.original = path, original
        self.good = self.broken = 0
        if not re.search(r"^bpm = .*$", original, re.M):
            sys.exit(f"soak: {path}: no 'bpm = ' line to edit")

    def edit(self):
        if (self.good + self.broken) % 2 == 0:
            self.good += 1
            bpm = 100 + self.good % 40
            replace_atomically(self.path, re.sub(r"^bpm = .*$", f"bpm = {bpm}", self.original, count=1, flags=re.M))
        else:
            self.broken += 1
            replace_atomically(self.path, self.original + "\n[[scene]\n")


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def slope_per_hour(samples):
    """Least-squares slope of RSS (MiB) against time, in MiB per hour."""
    if len(samples) < 2:
        return float("nan")
    n = len(samples)
    mt = sum(t for t, _ in samples) / n
    mr = sum(r for _, r in samples) / n
    var = sum((t - mt) ** 2 for t, _ in samples)
    return 0.0 if var == 0 else sum((t - mt) * (r - mr) for t, r in samples) / var / 1024 * 3600


def summarize(args, work, samples, stats_rows, log_text, editor, returncode, seconds):
    lines = [f"soak: {args.minutes:g} min of `afterimage live` ({work})"]
    warm = [(t, r) for t, r in samples if t >= WARMUP_SECONDS] or samples
    if warm:
        start, end = warm[0][1], warm[-1][1]
        peak = max(r for _, r in samples)
        lines.append(f"RSS: start {start / 1024:.1f} MiB (t={warm[0][0]:.0f}s), end {end / 1024:.1f} MiB "
                     f"(t={warm[-1][0]:.0f}s), growth {100 * (end - start) / start:+.2f}%, "
                     f"trend {slope_per_hour(warm):+.1f} MiB/h, peak {peak / 1024:.1f} MiB")
    rows = [r for r in stats_rows if float(r["time_s"]) >= WARMUP_SECONDS] or stats_rows
    frame_ms = sorted(float(r["frame_ms"]) for r in rows[1:])
    if frame_ms:
        median = percentile(frame_ms, 50)
        missed = sum(1 for v in frame_ms if v > MISSED_FACTOR * median)
        span = float(rows[-1]["time_s"]) - float(rows[0]["time_s"])
        presented = int(rows[-1]["presented"]) - int(rows[0]["presented"])
        generated = int(rows[-1]["generated"]) - int(rows[0]["generated"])
        shown = int(rows[-1]["new_frames"]) - int(rows[0]["new_frames"])
        lines.append(f"presentation frame time: p50 {median:.2f} ms, p95 {percentile(frame_ms, 95):.2f}, "
                     f"p99 {percentile(frame_ms, 99):.2f}, max {frame_ms[-1]:.2f} ms over {len(frame_ms)} frames")
        lines.append(f"missed presentations (> {MISSED_FACTOR:g} x p50): {missed} "
                     f"({100 * missed / len(frame_ms):.2f}%)")
        lines.append(f"presented {presented / span:.1f} fps, generated {generated / span:.2f} fps, "
                     f"new frames shown {shown / span:.2f}/s (after the {WARMUP_SECONDS:g} s warm-up)")
    else:
        lines.append("no presentations recorded (see live.log)")
    # The show's own event lines ("live: t=... : set reloaded ..."); errors
    # are echoed on stderr too, which is not counted twice.
    events = [line for line in log_text.splitlines() if line.startswith("live: ")]
    reloads = sum(": set reloaded" in line for line in events)
    errors = sum(": set error" in line for line in events)
    lines.append(f"set edits: {editor.good} good, {editor.broken} broken; the show reported {reloads} reloads, "
                 f"{errors} set errors")
    lines.append(f"afterimage live exit code {returncode} after {seconds:.0f} s"
                 + ("" if returncode == 0 else " (see live.log)"))
    return "\n".join(lines)


def main():
    args = parse_args()
    binary = Path(args.binary)
    if not binary.exists():
        sys.exit(f"soak: {binary}: not built (./afterimage.sh build)")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="afterimage-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    track, set_copy = work / "track.wav", work / "live.toml"
    stats_path, log_path = work / "stats.csv", work / "live.log"

    made = subprocess.run([str(binary), "demo-track", "-o", str(track)], capture_output=True, text=True)
    if made.returncode != 0:
        sys.exit(f"soak: demo-track failed: {made.stdout}{made.stderr}")
    original = Path(args.set).read_text()
    shutil.copyfile(args.set, set_copy)
    editor = SetEditor(set_copy, original)

    xvfb, display = start_xvfb()
    env = dict(os.environ, DISPLAY=display)
    if args.gpu:
        env["AFTERIMAGE_GPU"] = args.gpu
    seconds = args.minutes * 60
    # The set copy sits in the work folder: a relative model folder in the
    # set would no longer resolve; "default" (the embedded model) does.
    command = [str(binary), "live", "--set", str(set_copy), "--audio-file", str(track), "--seconds", f"{seconds:g}",
               "--stats", str(stats_path)]
    if args.size:
        command += ["--size", args.size]
    print("soak:", " ".join(command), f"(DISPLAY={display}, work {work})", flush=True)
    samples = []
    began = time.monotonic()
    with open(log_path, "w") as log:
        show = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            next_edit = began + args.edit_every
            next_report = began + 60
            while show.poll() is None:
                now = time.monotonic()
                kib = rss_kib(show.pid)
                if kib is not None:
                    samples.append((now - began, kib))
                if now >= next_edit:
                    editor.edit()
                    next_edit += args.edit_every
                if now >= next_report:
                    print(f"soak: t={now - began:.0f}s RSS {kib / 1024 if kib else 0:.1f} MiB", flush=True)
                    next_report += 60
                # The show stops itself at --seconds; a hung one is stopped a minute later.
                if now - began > seconds + 60:
                    show.send_signal(signal.SIGTERM)
                    break
                time.sleep(args.sample_every)
            returncode = show.wait(timeout=30)
        finally:
            if show.poll() is None:
                show.kill()
            xvfb.terminate()
            xvfb.wait(timeout=10)
    elapsed = time.monotonic() - began

    with open(work / "rss.csv", "w") as f:
        f.write("time_s,rss_kib\n" + "".join(f"{t:.1f},{r}\n" for t, r in samples))
    stats_rows = list(csv.DictReader(open(stats_path))) if stats_path.exists() else []
    summary = summarize(args, work, samples, stats_rows, log_path.read_text(), editor, returncode, elapsed)
    (work / "summary.txt").write_text(summary + "\n")
    print(summary)
    return 0 if returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
