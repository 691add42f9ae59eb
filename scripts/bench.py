#!/usr/bin/env python3
"""Times `embedvault archive` end to end against the BeautifulSoup baseline, side by side.

Generates the synthetic corpora with the peers' generator (500 pages x 100 KB with 758 embeds;
and the sparse variant, --embed-rate 0.05, where one page in twenty carries embeds), archives
each into a fresh database with the release binary, runs the baseline (run_bs4.py) on the same
folder in the same run, checks every embed was found, and prints MB/s, files/s, peak RSS and the
ratio. --big N also archives N hard-linked copies of the dense corpus (N x 51 MB: 100 gives
5 GB) to show that peak memory does not grow with the number of files.

Usage: scripts/bench.py [--out DIR] [--repeat N] [--big N] [--peers DIR] [--no-baseline]
Standard library only; the baseline's packages are installed into OUT/venv from the peers'
pinned requirements on first use.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS in MB, stderr text)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + cmd, stdout=stdout,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{p.stderr}")
    m = re.findall(r"RSS_KB=(\d+)", p.stderr)
    return wall, int(m[-1]) / 1024 if m else float("nan"), p.stderr


def corpus_size(folder):
    files = [p for p in Path(folder).rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "bench-out"))
    ap.add_argument("--peers", default=str(ROOT.parent / "shared" / "peers"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--big", type=int, default=0)
    ap.add_argument("--no-baseline", action="store_true")
    a = ap.parse_args()
    out, peers = Path(a.out), Path(a.peers)
    out.mkdir(parents=True, exist_ok=True)

    sh(["cargo", "build", "--release", "--quiet", "--manifest-path", str(ROOT / "Cargo.toml")])
    binary = ROOT / "target" / "release" / "embedvault"

    corpora = [("synthetic", out / "synth500", []), ("sparse", out / "sparse500", ["--embed-rate", "0.05"])]
    for _, folder, extra in corpora:
        if not folder.is_dir():
            sh([sys.executable, str(peers / "gen_synthetic.py"), str(folder)] + extra, stdout=subprocess.DEVNULL)

    python = out / "venv" / "bin" / "python"
    if not a.no_baseline and not python.exists():
        sh([sys.executable, "-m", "venv", str(out / "venv")])
        sh([str(out / "venv" / "bin" / "pip"), "install", "--quiet", "-r", str(peers / "requirements.txt")])

    rows = []
    for name, folder, _ in corpora:
        files, size = corpus_size(folder)
        truth = sum(1 for _ in open(str(folder) + ".truth.jsonl"))
        best = None
        for _ in range(a.repeat):
            db = out / f"{name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            wall, rss, err = timed([str(binary), "archive", str(folder), "--db", str(db)])
            if best is None or wall < best[0]:
                best = (wall, rss, err)
        # Every embed of the ground truth must be in the archive, by post ID.
        truth_ids = {json.loads(l)["post_id"] for l in open(str(folder) + ".truth.jsonl")}
        q = subprocess.run([str(binary), "query", "--db", str(out / f"{name}.db"), "--format", "jsonl"],
                           check=True, capture_output=True, text=True).stdout
        got_ids = {json.loads(l)["post_id"] for l in q.splitlines() if l.strip()}
        found = len(truth_ids & got_ids)
        row = {"corpus": name, "files": files, "mb": size / 1e6, "embeds": truth, "found": found,
               "ev_wall": best[0], "ev_rss": best[1]}
        if not a.no_baseline:
            bbest = None
            for _ in range(a.repeat):
                wall, rss, _ = timed([str(python), str(peers / "run_bs4.py"), str(folder), "--quiet"])
                if bbest is None or wall < bbest[0]:
                    bbest = (wall, rss)
            row.update({"bs4_wall": bbest[0], "bs4_rss": bbest[1]})
        rows.append(row)

    if a.big:
        big = out / f"big{a.big}"
        src = out / "synth500"
        if not big.is_dir():
            for i in range(a.big):
                shutil.copytree(src, big / f"copy-{i:03d}", copy_function=os.link)
        files, size = corpus_size(big)
        db = out / "big.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        wall, rss, err = timed([str(binary), "archive", str(big), "--db", str(db)])
        # Every record found is a post new to the archive, one it held before, or a copy of
        # one this run had met already.
        found = sum(int(re.search(p, err).group(1))
                    for p in (r"posts (\d+) new", r"(\d+) already known", r"(\d+) copies merged"))
        rows.append({"corpus": f"{a.big} x synthetic", "files": files, "mb": size / 1e6,
                     "embeds": 758 * a.big, "found": found, "ev_wall": wall, "ev_rss": rss})

    # What bounds the archive: the same inputs scanned without a database (all cores, one core),
    # and the raw cost of reading the files and hashing them.
    bounds = []
    for name, folder, _ in corpora:
        files, size = corpus_size(folder)
        for threads in ("0", "1"):
            best = min(timed([str(binary), "scan", str(folder), "--threads", threads])[0] for _ in range(a.repeat))
            bounds.append((name, f"scan, no database, {'all cores' if threads == '0' else '1 core'}", size / 1e6 / best))
        paths = sorted(p for p in Path(folder).rglob("*") if p.is_file())
        t0 = time.perf_counter()
        blobs = [p.read_bytes() for p in paths]
        t1 = time.perf_counter()
        import hashlib
        for b in blobs:
            hashlib.sha256(b).digest()
        t2 = time.perf_counter()
        bounds.append((name, "read every file (one thread)", size / 1e6 / (t1 - t0)))
        bounds.append((name, "SHA-256 of every file (one core)", size / 1e6 / (t2 - t1)))

    print(f"machine: {os.cpu_count()} cores; embedvault archive into a fresh database, best of {a.repeat}"
          + ("" if a.no_baseline else "; BeautifulSoup baseline (run_bs4.py) on the same folder, same run"))
    print()
    print("| corpus | files | MB | embeds found | embedvault s | MB/s | files/s | peak RSS MB | baseline s | baseline MB/s | baseline RSS MB | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ev_mbs = r["mb"] / r["ev_wall"]
        line = (f"| {r['corpus']} | {r['files']} | {r['mb']:.1f} | {r['found']}/{r['embeds']} | {r['ev_wall']:.2f} | "
                f"{ev_mbs:.0f} | {r['files'] / r['ev_wall']:.0f} | {r['ev_rss']:.0f} | ")
        if "bs4_wall" in r:
            b_mbs = r["mb"] / r["bs4_wall"]
            line += f"{r['bs4_wall']:.2f} | {b_mbs:.2f} | {r['bs4_rss']:.0f} | {ev_mbs / b_mbs:.0f}x |"
        else:
            line += "- | - | - | - |"
        print(line)
    print()
    print("| corpus | step | MB/s |")
    print("|---|---|---|")
    for name, step, mbs in bounds:
        print(f"| {name} | {step} | {mbs:.0f} |")
    print()
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
