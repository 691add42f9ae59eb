#!/usr/bin/env python3
"""Times `embedvault archive` on the synthetic corpus as a web archive and as a folder, against
the BeautifulSoup baseline on the same inputs, side by side in one run.

The corpus is the peers' synthetic one (500 pages x 100 KB, 758 embeds); make_warc.py packs it
into a WARC with one gzip member per record, as the standard recommends. The baseline is what
users run today: run_bs4_warc.py (warcio reads each record, BeautifulSoup finds the embeds) on
the WARC, run_bs4.py on the folder. Every embed of the ground truth must be found. Runs are
interleaved (embedvault, baseline, ...) and the best of --repeat is kept; CPU seconds (user +
system) are printed beside wall seconds because the machine may be shared.

Usage: scripts/bench_warc.py [--out DIR] [--repeat N] [--peers DIR]
Standard library only; the baseline's packages (beautifulsoup4, lxml, warcio, pinned) are
installed into OUT/venv on first use.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PACKAGES = ["beautifulsoup4==4.12.3", "lxml==6.1.3", "warcio==1.8.1"]


def sh(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def timed(cmd):
    """Runs cmd: (wall s, CPU s, peak RSS MB, stderr). Wall time by the monotonic clock, CPU time
    (user + system) and peak RSS from the child's own resource usage (os.wait4), to the
    microsecond: at a tenth of a second, /usr/bin/time's hundredths would be 10 % steps."""
    start = time.perf_counter()
    p = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def fresh(db):
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "bench-out"))
    ap.add_argument("--peers", default=str(ROOT.parent / "shared" / "peers"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    out, peers = Path(a.out), Path(a.peers)
    out.mkdir(parents=True, exist_ok=True)

    sh(["cargo", "build", "--release", "--quiet", "--manifest-path", ROOT / "Cargo.toml"])
    binary = ROOT / "target" / "release" / "embedvault"
    folder = out / "synth500"
    if not folder.is_dir():
        sh([sys.executable, peers / "gen_synthetic.py", folder], stdout=subprocess.DEVNULL)
    warc = out / "synth500.warc.gz"
    if not warc.exists():
        sh([sys.executable, peers / "make_warc.py", folder, warc], stdout=subprocess.DEVNULL)
    python = out / "venv" / "bin" / "python"
    if not python.exists():
        sh([sys.executable, "-m", "venv", out / "venv"])
        sh([out / "venv" / "bin" / "pip", "install", "--quiet"] + BASELINE_PACKAGES)

    files = [p for p in folder.rglob("*") if p.is_file()]
    payload_mb = sum(p.stat().st_size for p in files) / 1e6
    truth = {json.loads(line)["post_id"] for line in open(str(folder) + ".truth.jsonl")}
    inputs = [
        ("WARC (.warc.gz, gzip per record)", warc,
         [python, peers / "run_bs4_warc.py", warc]),
        ("folder", folder, [python, peers / "run_bs4.py", folder, "--quiet"]),
    ]
    print(f"machine: {os.cpu_count()} cores; load average before: {load()}")
    rows = []
    for name, path, baseline in inputs:
        db = out / "bench-warc.db"
        best = bbest = None
        for _ in range(a.repeat):
            fresh(db)
            run = timed([binary, "archive", path, "--db", db])
            if best is None or run[0] < best[0]:
                best = run
            run = timed(baseline)
            if bbest is None or run[0] < bbest[0]:
                bbest = run
        q = subprocess.run([str(binary), "query", "--db", str(db), "--format", "jsonl"],
                           check=True, capture_output=True, text=True).stdout
        found = len(truth & {json.loads(line)["post_id"] for line in q.splitlines() if line.strip()})
        rows.append((name, found, best, bbest))
    print(f"load average after: {load()}")
    print()
    print(f"payload: {len(files)} pages, {payload_mb:.1f} MB uncompressed; best of {a.repeat}")
    print()
    print("| input | embeds found | embedvault s | MB/s | CPU s | peak RSS MB | baseline s | "
          "baseline MB/s | baseline CPU s | baseline RSS MB | ratio (wall) | ratio (CPU) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, found, ev, bs in rows:
        print(f"| {name} | {found}/{len(truth)} | {ev[0]:.3f} | {payload_mb / ev[0]:.0f} | {ev[1]:.3f} | "
              f"{ev[2]:.0f} | {bs[0]:.2f} | {payload_mb / bs[0]:.2f} | {bs[1]:.2f} | {bs[2]:.0f} | "
              f"{bs[0] / ev[0]:.0f}x | {bs[1] / ev[1]:.0f}x |")


if __name__ == "__main__":
    main()
