#!/usr/bin/env bash
# The Spark job's check: runs examples/spark_archive.py with spark-submit in local mode
# (local[2]) over WARC files made from samples/, then checks its Parquet output against the
# `embedvault` binary on the same pages: the same number of rows as `embedvault scan` finds
# posts, the same records field for field (but for the path and URL, which the WARC records
# give), IDs stored as strings, and one partition folder per platform.
#
# Installs what is missing: Debian's openjdk-17-jre-headless when there is no `java`, and
# pyspark, pyarrow and warcio from PyPI into the project's venv (target/py-venv); the wheel is
# built and installed by scripts/ci-python.sh --no-tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv=target/py-venv
py="$venv/bin/python"
step() { printf '== %s\n' "$*" >&2; }

if ! command -v java >/dev/null; then
    step "installing openjdk-17-jre-headless"
    as_root=""
    [ "$(id -u)" -eq 0 ] || as_root="sudo"
    $as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

bash scripts/ci-python.sh --no-tests
missing=()
for module in pyspark pyarrow warcio; do
    "$py" -c "import $module" 2>/dev/null || missing+=("$module")
done
if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]} into $venv"
    "$py" -m pip install -q --disable-pip-version-check "${missing[@]}"
fi

peers=../shared/peers
[ -f "$peers/make_warc.py" ] || { echo "error: $peers/make_warc.py is missing" >&2; exit 2; }
work=target/spark-check
rm -rf "$work"
mkdir -p "$work/pages" "$work/warc"
step "writing WARC files from samples/"
# One WARC per samples/ folder, of the files make_warc.py packs. Markdown sources are left out:
# make_warc.py serves them as text/plain, while `embedvault scan` reads a .md file as Markdown.
for dir in samples/*/; do
    name=$(basename "$dir")
    mkdir -p "$work/pages/$name"
    (cd "$dir" && find . -type f \( -name '*.html' -o -name '*.htm' -o -name '*.txt' \) \
        -exec cp --parents {} "$root/$work/pages/$name/" \;)
    [ -n "$(ls -A "$work/pages/$name")" ] || continue
    python3 "$peers/make_warc.py" "$work/pages/$name" "$work/warc/$name.warc.gz" \
        --base-url "https://news.example/$name/" >/dev/null
    echo "$root/$work/warc/$name.warc.gz" >>"$work/warcs.txt"
done

step "spark-submit --master local[2] examples/spark_archive.py ($(wc -l <"$work/warcs.txt") WARC files)"
export PYSPARK_PYTHON="$root/$py" PYSPARK_DRIVER_PYTHON="$root/$py"
# Spark's driver and block manager listen on loopback only.
export SPARK_LOCAL_IP=127.0.0.1
start=$(date +%s%N)
status=0
"$venv/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    examples/spark_archive.py --input-list "$work/warcs.txt" --output "$work/parquet" \
    --mode overwrite >"$work/spark.log" 2>&1 || status=$?
# The job's own lines; the whole log (JVM and Spark included) when it failed.
if [ "$status" -ne 0 ]; then
    cat "$work/spark.log" >&2
    echo "error: the Spark job failed (exit $status)" >&2
    exit 1
fi
grep '^embedvault-warc:' "$work/spark.log" >&2
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
step "spark job: $((ms / 1000)).$(printf %03d $((ms % 1000))) s wall (JVM start-up included)"

step "checking the Parquet output against embedvault scan"
target/release/embedvault scan --format jsonl "$work/pages" >"$work/scan.jsonl" 2>/dev/null
"$py" - "$work" <<'PY'
import json, sys
from pathlib import Path
import pyarrow as pa
import pyarrow.dataset as ds

work = Path(sys.argv[1])
table = ds.dataset(work / "parquet", format="parquet", partitioning="hive").to_table()
schema = table.schema
assert pa.types.is_string(schema.field("post_id").type), schema.field("post_id")
assert pa.types.is_list(schema.field("media").type), schema.field("media")
platforms = sorted(p.name.split("=", 1)[1] for p in (work / "parquet").glob("platform=*"))

def key(record, where):
    r = dict(record)
    src = dict(r.pop("source"))
    src.pop("path"), src.pop("url")
    return json.dumps({**r, "source": src, "where": where}, sort_keys=True, ensure_ascii=False)

cli = []
for line in (work / "scan.jsonl").read_text(encoding="utf-8").splitlines():
    r = json.loads(line)
    cli.append(key(r, r["source"]["path"].split("/pages/", 1)[1]))
rows = table.to_pylist()
spark = [key(json.loads(r["record"]), r["warc_target_uri"].split("news.example/", 1)[1]) for r in rows]
ids = [r["post_id"] for r in rows if r["post_id"] is not None]
assert all(isinstance(i, str) for i in ids)
assert {r["platform"] for r in rows} == set(platforms)
for r in rows:
    record = json.loads(r["record"])
    assert record["platform"] == r["platform"] and record["post_id"] == r["post_id"]
    assert r["source"]["url"] == record["source"]["url"]
    assert r["warc_record_id"].startswith("<urn:uuid:") and r["warc_record_length"] > 0
print(f"parquet: {len(rows)} rows, {len(ids)} with IDs (all strings), {len(platforms)} platform partitions; "
      f"embedvault scan: {len(cli)} posts")
assert len(rows) == len(cli), (len(rows), len(cli))
assert sorted(spark) == sorted(cli), "the records differ from embedvault scan's"
assert len(rows) > 100 and len(platforms) >= 13
print("spark check: 1 passed, 0 failed")
PY
