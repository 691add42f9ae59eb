#!/usr/bin/env python3
"""Times the Spark job (examples/spark_archive.py, embedvault.scan_warc in mapPartitions)
against the same job with the warcio + BeautifulSoup baseline (scripts/spark_bs4_baseline.py,
the logic of ../shared/peers/run_bs4_warc.py), both with spark-submit in local mode over the
same WARC files, side by side in one run; and, for comparison, `embedvault archive` of the
same WARC files on this machine and `embedvault import` of the Spark job's Parquet output.

The WARC files are the peers' synthetic corpus (500 pages x 100 KB, 758 embeds), one WARC per
section folder (10 files, one gzip member per record) written by make_warc.py. Runs are
interleaved and the best of --repeat is kept. "job s" is the time inside the job from the first
read to the written dataset; "wall s" is the whole spark-submit, JVM start-up included.

Usage: scripts/bench_spark.py [--out DIR] [--repeat N] [--master local[2]] [--peers DIR]
Installs into the project's venv (target/py-venv) what is missing: the wheel
(scripts/ci-python.sh), pyspark and pyarrow, and the baseline's beautifulsoup4, lxml and warcio.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "py-venv"
PY = VENV / "bin" / "python"
BASELINE_PACKAGES = ["beautifulsoup4==4.12.3", "lxml==6.1.3", "warcio==1.8.1"]


def sh(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def spark_submit(master, script, args, log):
    env = dict(os.environ, PYSPARK_PYTHON=str(PY), PYSPARK_DRIVER_PYTHON=str(PY), SPARK_LOCAL_IP="127.0.0.1")
    cmd = [VENV / "bin" / "spark-submit", "--master", master, "--conf", "spark.ui.enabled=false",
           "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
           script] + args
    t0 = time.perf_counter()
    p = subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    Path(log).write_text(p.stdout + p.stderr)
    m = re.search(r"(\d+\.\d+) s \(", p.stdout + p.stderr)
    if p.returncode not in (0,) or not m:
        sys.exit(f"{script} failed (exit {p.returncode}); see {log}")
    return wall, float(m.group(1))


def timed(cmd):
    t0 = time.perf_counter()
    sh(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "bench-out"))
    ap.add_argument("--peers", default=str(ROOT.parent / "shared" / "peers"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--copies", type=int, default=1,
                    help="read the 10 WARC files this many times (hard-linked copies), to amortise Spark's fixed cost")
    a = ap.parse_args()
    out, peers = Path(a.out).resolve(), Path(a.peers).resolve()
    out.mkdir(parents=True, exist_ok=True)

    sh(["bash", ROOT / "scripts" / "ci-python.sh", "--no-tests"])
    missing = [m for m, mod in [("pyspark", "pyspark"), ("pyarrow", "pyarrow"), ("beautifulsoup4", "bs4"),
                                ("lxml", "lxml"), ("warcio", "warcio")]
               if subprocess.run([PY, "-c", f"import {mod}"], capture_output=True).returncode]
    if missing:
        pins = {p.split("==")[0]: p for p in BASELINE_PACKAGES}
        sh([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + [pins.get(m, m) for m in missing])
    binary = ROOT / "target" / "release" / "embedvault"

    folder = out / "synth500"
    if not folder.is_dir():
        sh([sys.executable, peers / "gen_synthetic.py", folder], stdout=subprocess.DEVNULL)
    warcs = out / "spark-warcs"
    warcs.mkdir(exist_ok=True)
    sections = sorted(p for p in folder.iterdir() if p.is_dir())
    paths = []
    for s in sections:
        w = warcs / f"{s.name}.warc.gz"
        if not w.exists():
            sh([sys.executable, peers / "make_warc.py", s, w, "--base-url", f"https://news.example/{s.name}/"],
               stdout=subprocess.DEVNULL)
        paths.append(str(w))
    for k in range(1, a.copies):
        copy = warcs / f"copy-{k}"
        copy.mkdir(exist_ok=True)
        for s in sections:
            link = copy / f"{s.name}.warc.gz"
            if not link.exists():
                os.link(warcs / f"{s.name}.warc.gz", link)
            paths.append(str(link))
    listing = out / "spark-warcs.txt"
    listing.write_text("\n".join(paths) + "\n")
    # Spark's fixed cost of a job (starting tasks and Python workers, writing the dataset),
    # measured with the same job over one WARC file holding one page.
    tiny_dir = out / "spark-tiny"
    tiny_dir.mkdir(exist_ok=True)
    (tiny_dir / "page.html").write_bytes(next(folder.rglob("*.html")).read_bytes())
    tiny = out / "spark-tiny.warc.gz"
    if not tiny.exists():
        sh([sys.executable, peers / "make_warc.py", tiny_dir, tiny], stdout=subprocess.DEVNULL)
    tiny_list = out / "spark-tiny.txt"
    tiny_list.write_text(f"{tiny}\n")
    payload_mb = a.copies * sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
    truth = {json.loads(line)["post_id"] for line in open(str(folder) + ".truth.jsonl")}

    print(f"machine: {os.cpu_count()} cores; Spark master {a.master}; load average before: {load()}")
    best = {}

    def keep(name, value):
        if name not in best or value[0] < best[name][0]:
            best[name] = value

    for _ in range(a.repeat):
        keep("spark-fixed", spark_submit(a.master, ROOT / "examples" / "spark_archive.py",
                                         ["--input-list", tiny_list, "--output", out / "spark-tiny-out", "--mode", "overwrite"],
                                         out / "spark-tiny.log"))
        keep("spark-embedvault", spark_submit(a.master, ROOT / "examples" / "spark_archive.py",
                                              ["--input-list", listing, "--output", out / "spark-ev", "--mode", "overwrite"],
                                              out / "spark-ev.log"))
        keep("spark-bs4", spark_submit(a.master, ROOT / "scripts" / "spark_bs4_baseline.py",
                                       ["--peers", peers, "--input-list", listing, "--output", out / "spark-bs4",
                                        "--mode", "overwrite"], out / "spark-bs4.log"))
        for suffix in ("", "-wal", "-shm"):
            for db in ("bench-archive.db", "bench-import.db"):
                Path(str(out / db) + suffix).unlink(missing_ok=True)
        keep("archive", (timed([binary, "archive", *paths, "--db", out / "bench-archive.db", "-q"]),))
        keep("import", (timed([binary, "import", out / "spark-ev", "--db", out / "bench-import.db", "-q"]),))
    print(f"load average after: {load()}")

    import_check = subprocess.run([sys.executable, ROOT / "scripts" / "compare_archives.py",
                                   out / "bench-import.db", out / "bench-archive.db"], capture_output=True, text=True)
    found = {}
    for name, ds in (("spark-embedvault", out / "spark-ev"), ("spark-bs4", out / "spark-bs4")):
        ids = subprocess.run([PY, "-c", "import sys, pyarrow.dataset as d; "
                              "t = d.dataset(sys.argv[1], format='parquet', partitioning='hive').to_table(columns=['post_id']); "
                              "print('\\n'.join(x for x in t.column('post_id').to_pylist() if x))", ds],
                             check=True, capture_output=True, text=True).stdout.split()
        found[name] = len(truth & set(ids))
    q = subprocess.run([binary, "query", "--db", out / "bench-archive.db", "--format", "jsonl"],
                       check=True, capture_output=True, text=True).stdout
    found["archive"] = len(truth & {json.loads(line)["post_id"] for line in q.splitlines() if line.strip()})

    ev_wall, ev_job = best["spark-embedvault"]
    bs_wall, bs_job = best["spark-bs4"]
    fixed = best["spark-fixed"][1]
    pages = 500 * a.copies
    print()
    print(f"payload: {len(paths)} WARC files, {pages} pages, {payload_mb:.1f} MB uncompressed; best of {a.repeat}; "
          f"Spark's fixed cost of a job (one 1-page WARC): {fixed:.2f} s")
    print()
    print("| run | embeds found | job s | MB/s | job s less the fixed cost | MB/s beyond it | wall s (JVM start-up included) | ratio (job) | ratio (beyond the fixed cost) |")
    print("|---|---|---|---|---|---|---|---|---|")

    def net(t):
        return max(t - fixed, 0.01)

    print(f"| Spark {a.master}: warcio + BeautifulSoup baseline | {found['spark-bs4']}/{len(truth)} | "
          f"{bs_job:.2f} | {payload_mb / bs_job:.1f} | {net(bs_job):.2f} | {payload_mb / net(bs_job):.1f} | {bs_wall:.1f} | 1x | 1x |")
    print(f"| Spark {a.master}: examples/spark_archive.py (embedvault.scan_warc) | {found['spark-embedvault']}/{len(truth)} | "
          f"{ev_job:.2f} | {payload_mb / ev_job:.1f} | {net(ev_job):.2f} | {payload_mb / net(ev_job):.0f} | {ev_wall:.1f} | "
          f"{bs_job / ev_job:.1f}x | {net(bs_job) / net(ev_job):.0f}x |")
    t = best["archive"][0]
    print(f"| one machine: embedvault archive of the same WARC files | {found['archive']}/{len(truth)} | "
          f"{t:.2f} | {payload_mb / t:.0f} | – | – | {t:.2f} | {bs_job / t:.0f}x | {net(bs_job) / t:.0f}x |")
    t = best["import"][0]
    print(f"| embedvault import of the Spark job's Parquet | – | {t:.2f} | – | – | – | {t:.2f} | – | – |")
    print()
    print("import vs archive: " + ("the same archive" if import_check.returncode == 0 else "DIFFERENT") +
          " (" + "; ".join(import_check.stdout.strip().splitlines()) + ")")


if __name__ == "__main__":
    main()
