#!/usr/bin/env bash
# The Spark job's check: runs examples/spark_archive.py with spark-submit in local mode
# (local[2]) over WARC files made from samples/, then checks its Parquet output against the
# `embedvault` binary on the same WARC files: the records equal `embedvault scan`'s field for
# field, IDs are strings, there is one partition folder per platform; `embedvault import` of the
# dataset gives the archive `embedvault archive` gives (sources, posts, sightings, provenance,
# fragments: scripts/compare_archives.py), and a second import adds nothing.
#
# Installs what is missing: Debian's openjdk-17-jre-headless when there is no `java`, and
# pyspark and pyarrow from PyPI into the project's venv (target/py-venv); the wheel is
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
for module in pyspark pyarrow; do
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

step "checking the Parquet output against embedvault scan of the same WARC files"
mapfile -t warcs <"$work/warcs.txt"
target/release/embedvault scan --format jsonl "${warcs[@]}" >"$work/scan.jsonl" 2>/dev/null
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
assert pa.types.is_binary(schema.field("fragment").type), schema.field("fragment")
platforms = sorted(p.name.split("=", 1)[1] for p in (work / "parquet").glob("platform=*"))
rows = table.to_pylist()
posts = [r for r in rows if r["record"] is not None]
empty = [r for r in rows if r["record"] is None]
cli = sorted((work / "scan.jsonl").read_text(encoding="utf-8").splitlines())
spark = sorted(json.dumps(json.loads(r["record"]), ensure_ascii=False, separators=(",", ":")) for r in posts)
ids = [r["post_id"] for r in posts if r["post_id"] is not None]
assert all(isinstance(i, str) for i in ids)
for r in posts:
    record = json.loads(r["record"])
    assert record["platform"] == r["platform"] and record["post_id"] == r["post_id"]
    assert r["source"]["url"] == record["source"]["url"] == r["warc_target_uri"]
    assert r["warc_record_id"].startswith("<urn:uuid:") and r["warc_record_length"] > 0
    assert json.loads(r["input"])["sha256"] == record["source"]["sha256"]
    assert r["fragment"] and len(r["fragment"]) <= 65536
for r in empty:
    assert r["platform"] is None and json.loads(r["input"])["input"].startswith(r["warc_file"] + "@")
print(f"parquet: {len(rows)} rows: {len(posts)} sightings ({len(ids)} with IDs, all strings) in "
      f"{len(platforms)} platform partitions, {len(empty)} records without posts; "
      f"embedvault scan: {len(cli)} posts")
assert len(posts) == len(cli), (len(posts), len(cli))
assert spark == cli, "the records differ from embedvault scan's"
assert len(posts) > 100 and len(platforms) >= 13
print("spark check: records equal embedvault scan's")
PY

step "embedvault import of the Parquet dataset against embedvault archive of the same WARC files"
rm -f "$work"/imported.db* "$work"/archived.db*
target/release/embedvault import "$work/parquet" --db "$work/imported.db"
target/release/embedvault archive "${warcs[@]}" --db "$work/archived.db" -q
python3 scripts/compare_archives.py "$work/imported.db" "$work/archived.db"
# A second import finds everything already there: no new post, source or sighting.
again=$(target/release/embedvault import "$work/parquet" --db "$work/imported.db" 2>&1)
echo "$again" >&2
case "$again" in
*"posts 0 new,"*"; 0 new sighting(s);"*) ;;
*) echo "error: importing the same rows again changed the archive" >&2; exit 1 ;;
esac
python3 scripts/compare_archives.py "$work/imported.db" "$work/archived.db" >/dev/null
echo "spark check: 3 passed, 0 failed" >&2
