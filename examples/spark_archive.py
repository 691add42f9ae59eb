#!/usr/bin/env python3
"""Finds the social-media posts embedded in the pages of web-archive crawls (WARC files) on
Apache Spark, in the manner of Common Crawl's cc-pyspark jobs, and writes them as a Parquet
dataset: one row per sighting (a post found in one WARC record), partitioned by platform.

    spark-submit examples/spark_archive.py [--input-list PATHS.txt] [WARC ...] --output DIR
                 [--mode error|overwrite|append] [--partitions N] [--read-with-spark]
                 [--threads N]

Inputs are WARC paths as arguments and/or a text file listing one per line (blank lines and
`#` comments skipped). Each Spark task opens its WARC files itself, as cc-pyspark does: local
paths (or `file://`) directly; http(s) URLs (Common Crawl's `https://data.commoncrawl.org/…`)
downloaded, and other URIs (`hdfs://`, `s3://`) read through `pyarrow.fs`, to the task's local
disk first. With `--read-with-spark`, Spark's own Hadoop file systems read
each file whole instead (`binaryFiles`: `s3a://`, `hdfs://`, globs), for clusters set up for
those.

Each task reads its WARC files with `embedvault.scan_warc`: the Rust library reads the records
(gzip members, chunked and compressed HTTP bodies, the served charset) and scans every page on
the task's threads with the GIL released, exactly as `embedvault archive` does. A file on
another file system is first copied to the task's local disk (as cc-pyspark does for S3).

Columns (see the README's "Python and Spark" section):

- the record's fields with the names, order and nesting of `embedvault scan --format jsonl`:
  `platform` (the partition column), `kind`, `form`, `post_id` (a string: IDs never become
  numbers), `url`, `handle`, `display_name`, `date_text`, `date` (`YYYY-MM-DD` text, as in the
  record), `created_at` (RFC 3339 text), `lang`, `text`, `media`, `links` (arrays of strings),
  `quoted_url`, `source` (a struct: `path` (the WARC file), `url`, `sha256` of the payload,
  `start`/`end` byte span in the payload, `line`, `charset`, `charset_rule`, `copies`),
  `detector`, `notes` (array of strings);
- `record`: the whole record as the JSON line `embedvault scan` prints (so fields the record
  gains later are never lost);
- the WARC provenance: `warc_file` (the path as given), `warc_record_offset` and
  `warc_record_length` (the record's bytes in the WARC file, gzip member included, as in Common
  Crawl's index), `warc_record_id`, `warc_target_uri`, `warc_date`, `warc_content_type`;
- the article: `article_title`, `article_site`, `article_published_at`;
- what `embedvault import` needs to store the rows exactly as `embedvault archive` stores the
  same WARC files: `input` (the record's provenance, checksum, charset and article as JSON),
  `fragment` (the raw bytes of the post's span, cut at 64 KiB) and `fragment_truncated`.

A record in which no post was found is one row with a null record (and `platform`), so the
archive knows every article that was read; `WHERE platform IS NOT NULL` leaves such rows out.

A WARC file that cannot be opened, or a record that is truncated or malformed, is named on
stderr and counted; the other records and files are read, and the job exits 1 at the end.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

# The record's fields and their Spark types, in the record's order.
RECORD_COLUMNS = [
    ("platform", "string"),
    ("kind", "string"),
    ("form", "string"),
    ("post_id", "string"),
    ("url", "string"),
    ("handle", "string"),
    ("display_name", "string"),
    ("date_text", "string"),
    ("date", "string"),
    ("created_at", "string"),
    ("lang", "string"),
    ("text", "string"),
    ("media", "array<string>"),
    ("links", "array<string>"),
    ("quoted_url", "string"),
    (
        "source",
        "struct<path:string,url:string,sha256:string,start:bigint,end:bigint,line:bigint,"
        "charset:string,charset_rule:string,copies:array<struct<start:bigint,end:bigint,line:bigint>>>",
    ),
    ("detector", "string"),
    ("notes", "array<string>"),
]
PROVENANCE_COLUMNS = [
    ("record", "string"),
    ("warc_file", "string"),
    ("warc_record_offset", "bigint"),
    ("warc_record_length", "bigint"),
    ("warc_record_id", "string"),
    ("warc_target_uri", "string"),
    ("warc_date", "string"),
    ("warc_content_type", "string"),
    ("article_title", "string"),
    ("article_site", "string"),
    ("article_published_at", "string"),
    ("input", "string"),
    ("fragment", "binary"),
    ("fragment_truncated", "boolean"),
]
SOURCE_FIELDS = ["path", "url", "sha256", "start", "end", "line", "charset", "charset_rule"]
# What a scanned record's dict holds besides its input's description.
PER_POST_KEYS = ("posts", "fragments", "fragments_truncated")


def ddl():
    """The rows' schema as a Spark DDL string."""
    return ", ".join(f"`{name}` {kind}" for name, kind in RECORD_COLUMNS + PROVENANCE_COLUMNS)


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_rows(scanned):
    """The Spark rows (tuples in schema order) of one WARC record as `embedvault.scan_warc`
    yields it: one per post, or one with a null record when it holds none."""
    info = {k: v for k, v in scanned.items() if k not in PER_POST_KEYS}
    warc = info.get("warc") or {}
    article = info.get("article") or {}
    common = (
        warc.get("file"),
        warc.get("offset"),
        warc.get("length"),
        warc.get("record_id"),
        warc.get("target_uri"),
        warc.get("date"),
        warc.get("content_type"),
        article.get("title"),
        article.get("site"),
        article.get("published_at"),
        dumps(info),
    )
    posts = scanned["posts"]
    if not posts:
        return [(None,) * len(RECORD_COLUMNS) + (None,) + common + (None, None)]
    rows = []
    for record, fragment, cut in zip(posts, scanned["fragments"], scanned["fragments_truncated"]):
        src = record["source"]
        source = tuple(src.get(k) for k in SOURCE_FIELDS) + (
            [(c["start"], c["end"], c["line"]) for c in src.get("copies", [])],
        )
        values = [source if name == "source" else record.get(name) for name, _ in RECORD_COLUMNS]
        rows.append(tuple(values) + (dumps(record),) + common + (bytearray(fragment), cut))
    return rows


def local_copy(path):
    """A local file holding the WARC at `path` (None when `path` is local already): http(s) URLs
    (Common Crawl's https://data.commoncrawl.org/...) are downloaded, other URIs (hdfs://,
    s3://, ...) copied through pyarrow's file systems, never decompressed on the way, so every
    record's offset stays the one in the original file."""
    if path.startswith("file://") or "://" not in path:
        return None
    name = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    suffix = "".join(s for s in (".warc", ".gz", ".wacz") if s in name)
    tmp = tempfile.NamedTemporaryFile(prefix="embedvault-", suffix=suffix or ".warc.gz", delete=False)
    try:
        with tmp:
            if path.startswith(("http://", "https://")):
                import urllib.request

                request = urllib.request.Request(path, headers={"User-Agent": "embedvault-spark"})
                with urllib.request.urlopen(request, timeout=60) as stream:
                    shutil.copyfileobj(stream, tmp, 1 << 20)
            else:
                from pyarrow import fs

                filesystem, inner = fs.FileSystem.from_uri(path)
                with filesystem.open_input_stream(inner, compression=None) as stream:
                    shutil.copyfileobj(stream, tmp, 1 << 20)
    except BaseException:
        os.unlink(tmp.name)
        raise
    return tmp.name


def scan_warc_file(name, local, counters, threads):
    """The rows of every record of the WARC file `local`, known as `name`."""
    import embedvault

    for scanned in embedvault.scan_warc(local, name=name if local != name else None, threads=threads):
        if "error" in scanned:
            counters["failures"].add([scanned["error"]])
            continue
        if "skipped" in scanned:
            continue
        counters["records"].add(1)
        counters["bytes"].add(scanned["size"])
        yield from to_rows(scanned)


def scan_paths(paths, counters, threads=1):
    """mapPartitions over WARC paths: each task reads its own files."""
    for path in paths:
        local = None
        try:
            local = local_copy(path)
            plain = path[len("file://") :] if path.startswith("file://") else path
            yield from scan_warc_file(path, local or plain, counters, threads)
            counters["files"].add(1)
        except Exception as e:  # a bad file is named and counted; the partition goes on
            counters["failures"].add([f"{path}: {type(e).__name__}: {e}"])
        finally:
            if local:
                os.unlink(local)


def scan_contents(files, counters, threads=1):
    """mapPartitions over (path, bytes) pairs read by Spark's `binaryFiles`."""
    for path, content in files:
        base = os.path.basename(path)
        suffix = ".warc.gz" if base.endswith(".gz") else ".wacz" if base.endswith(".wacz") else ".warc"
        with tempfile.NamedTemporaryFile(prefix="embedvault-", suffix=suffix) as tmp:
            try:
                tmp.write(content)
                tmp.flush()
                yield from scan_warc_file(path, tmp.name, counters, threads)
                counters["files"].add(1)
            except Exception as e:
                counters["failures"].add([f"{path}: {type(e).__name__}: {e}"])


def read_paths(args):
    paths = list(args.warc)
    if args.input_list:
        with open(args.input_list, encoding="utf-8") as fh:
            paths += [s for s in (line.strip() for line in fh) if s and not s.startswith("#")]
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warc", nargs="*", help="WARC files (local paths, file://, http(s)://, hdfs://, s3://)")
    ap.add_argument("--input-list", help="a text file listing WARC paths, one per line")
    ap.add_argument("--output", required=True, help="the Parquet dataset's folder or URI")
    ap.add_argument("--mode", default="error", choices=["error", "overwrite", "append"])
    ap.add_argument("--partitions", type=int, default=0,
                    help="input partitions (default: one per WARC file, at most four per core of the cluster)")
    ap.add_argument("--read-with-spark", action="store_true", help="read whole files with Spark's binaryFiles")
    ap.add_argument("--threads", type=int, default=1, help="threads each task scans with (0: one per core)")
    args = ap.parse_args(argv)
    paths = read_paths(args)
    if not paths:
        ap.error("no WARC paths given")

    from pyspark import AccumulatorParam
    from pyspark.sql import SparkSession

    class ListParam(AccumulatorParam):
        def zero(self, value):
            return []

        def addInPlace(self, a, b):
            return a + b

    spark = SparkSession.builder.appName("embedvault-warc").getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    counters = {
        "files": sc.accumulator(0),
        "records": sc.accumulator(0),
        "bytes": sc.accumulator(0),
        "failures": sc.accumulator([], ListParam()),
    }
    started = time.perf_counter()
    # A task costs Spark about a tenth of a second whatever it reads: with many small files,
    # tasks of several files each keep that cost from outweighing the scanning.
    slices = args.partitions or min(len(paths), 4 * max(1, sc.defaultParallelism))
    if args.read_with_spark:
        rdd = sc.binaryFiles(",".join(paths), minPartitions=slices).mapPartitions(
            lambda it: scan_contents(it, counters, args.threads)
        )
    else:
        rdd = sc.parallelize(paths, slices).mapPartitions(lambda it: scan_paths(it, counters, args.threads))
    df = spark.createDataFrame(rdd, schema=ddl())
    df.write.mode(args.mode).partitionBy("platform").parquet(args.output)
    seconds = time.perf_counter() - started
    rows = spark.read.parquet(args.output).count() if args.mode != "append" else None

    failures = counters["failures"].value
    for message in failures:
        print(f"embedvault-warc: error: {message}", file=sys.stderr)
    mb = counters["bytes"].value / 1e6
    print(
        f"embedvault-warc: {counters['files'].value} of {len(paths)} WARC file(s), "
        f"{counters['records'].value} record(s) scanned ({mb:.1f} MB), "
        + (f"{rows} row(s) in {args.output}, " if rows is not None else "")
        + f"{len(failures)} failure(s), {seconds:.2f} s ({mb / seconds if seconds else 0:.1f} MB/s)",
        file=sys.stderr,
    )
    spark.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
