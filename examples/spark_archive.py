#!/usr/bin/env python3
"""Finds the social-media posts embedded in the pages of web-archive crawls (WARC files) on
Apache Spark, in the manner of Common Crawl's cc-pyspark jobs, and writes them as a Parquet
dataset: one row per sighting (a post found in one WARC record), partitioned by platform.

    spark-submit examples/spark_archive.py [--input-list PATHS.txt] [WARC ...] --output DIR
                 [--mode error|overwrite|append] [--partitions N] [--read-with-spark]

Inputs are WARC paths as arguments and/or a text file listing one per line (blank lines and
`#` comments skipped). Each Spark task opens its WARC files itself and streams them record by
record, as cc-pyspark does: local paths (or `file://`) with `open`, other URIs (`hdfs://`,
`s3://`) through `pyarrow.fs`. With `--read-with-spark`, Spark's own Hadoop file systems read
each file whole instead (`binaryFiles`: `s3a://`, `hdfs://`, globs), for clusters set up for
those.

Every `response`, `resource` and `conversion` record whose Content-Type is HTML, text, Markdown
or JSON is scanned by `embedvault.scan(payload, url=WARC-Target-URI, kind=...)`: the Rust
library's own detection, with the GIL released.

Columns (see the README's "Python and Spark" section):

- the record's fields with the names, order and nesting of `embedvault scan --format jsonl`:
  `platform` (the partition column), `kind`, `form`, `post_id` (a string: IDs never become
  numbers), `url`, `handle`, `display_name`, `date_text`, `date` (`YYYY-MM-DD` text, as in the
  record), `created_at` (RFC 3339 text), `lang`, `text`, `media`, `links` (arrays of strings),
  `quoted_url`, `source` (a struct: `path` (null), `url`, `sha256` of the payload, `start`/`end`
  byte span in the payload, `line`, `charset`, `charset_rule`, `copies`), `detector`, `notes`
  (array of strings);
- `record`: the whole record as the JSON line `embedvault scan` prints (so fields the record
  gains later are never lost);
- the WARC provenance: `warc_file` (the path as given), `warc_record_offset` and
  `warc_record_length` (the record's bytes in the WARC file, gzip member included, as in Common
  Crawl's index), `warc_record_id`, `warc_target_uri`, `warc_date`, `warc_content_type`.

A WARC file that cannot be opened or is corrupt is named on stderr and counted; the rows read
from it before the fault are kept, the other files are read, and the job exits 1 at the end.
"""

import argparse
import io
import json
import sys
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
]
SOURCE_FIELDS = ["path", "url", "sha256", "start", "end", "line", "charset", "charset_rule"]
SCANNED_RECORD_TYPES = ("response", "resource", "conversion")


def ddl():
    """The rows' schema as a Spark DDL string."""
    return ", ".join(f"`{name}` {kind}" for name, kind in RECORD_COLUMNS + PROVENANCE_COLUMNS)


def kind_of(content_type):
    """embedvault's document kind for a Content-Type, or None for content that holds no page."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if "html" in ct:
        return "html"
    if "markdown" in ct:
        return "markdown"
    if ct.startswith("text/") or ct.endswith("json"):
        return "text"
    return None


def open_warc(path):
    """A binary stream of the WARC at `path`: local files with `open`, other URIs (hdfs://,
    s3://) through pyarrow's file systems, never decompressed on the way (warcio reads the
    gzip members itself, which keeps each record's offset exact)."""
    if path.startswith("file://"):
        return open(path[len("file://") :], "rb")
    if "://" not in path:
        return open(path, "rb")
    from pyarrow import fs

    filesystem, inner = fs.FileSystem.from_uri(path)
    return filesystem.open_input_stream(inner, compression=None)


def to_row(record, provenance):
    """A Spark row (a tuple in schema order) of one record and its WARC record's provenance."""
    src = record["source"]
    source = tuple(src.get(k) for k in SOURCE_FIELDS) + (
        [(c["start"], c["end"], c["line"]) for c in src.get("copies", [])],
    )
    values = [source if name == "source" else record.get(name) for name, _ in RECORD_COLUMNS]
    values.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return tuple(values) + provenance


def warc_rows(warc_file, stream, counters):
    """The rows of every post in one WARC file, record by record.

    TODO(scan_warc): once the Rust library reads WARC files, `embedvault.scan_warc(path)` is the
    fast path here for local paths (records read and scanned in Rust, provenance included); this
    warcio loop stays for streams from other file systems.
    """
    import embedvault
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(stream)
    for rec in records:
        if rec.rec_type not in SCANNED_RECORD_TYPES:
            continue
        if rec.rec_type == "response":
            ctype = rec.http_headers.get_header("Content-Type") if rec.http_headers else None
        else:
            ctype = rec.rec_headers.get_header("Content-Type")
        kind = kind_of(ctype)
        if kind is None:
            continue
        payload = rec.content_stream().read()
        uri = rec.rec_headers.get_header("WARC-Target-URI")
        provenance = (
            warc_file,
            records.get_record_offset(),
            records.get_record_length(),
            rec.rec_headers.get_header("WARC-Record-ID"),
            uri,
            rec.rec_headers.get_header("WARC-Date"),
            ctype,
        )
        counters["records"].add(1)
        counters["bytes"].add(len(payload))
        try:
            found = embedvault.scan(payload, url=uri, kind=kind)
        except embedvault.Error as e:
            counters["failures"].add([f"{warc_file} record {provenance[3]}: {e}"])
            continue
        for record in found:
            yield to_row(record, provenance)


def scan_paths(paths, counters):
    """mapPartitions over WARC paths: each task opens and streams its own files."""
    for path in paths:
        try:
            with open_warc(path) as stream:
                yield from warc_rows(path, stream, counters)
            counters["files"].add(1)
        except Exception as e:  # a bad file is named and counted; the partition goes on
            counters["failures"].add([f"{path}: {type(e).__name__}: {e}"])


def scan_contents(files, counters):
    """mapPartitions over (path, bytes) pairs read by Spark's `binaryFiles`."""
    for path, content in files:
        try:
            yield from warc_rows(path, io.BytesIO(content), counters)
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
    ap.add_argument("warc", nargs="*", help="WARC files (local paths, file://, hdfs://, s3://)")
    ap.add_argument("--input-list", help="a text file listing WARC paths, one per line")
    ap.add_argument("--output", required=True, help="the Parquet dataset's folder or URI")
    ap.add_argument("--mode", default="error", choices=["error", "overwrite", "append"])
    ap.add_argument("--partitions", type=int, default=0, help="input partitions (default: one per WARC file)")
    ap.add_argument("--read-with-spark", action="store_true", help="read whole files with Spark's binaryFiles")
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
    slices = args.partitions or len(paths)
    if args.read_with_spark:
        rdd = sc.binaryFiles(",".join(paths), minPartitions=slices).mapPartitions(
            lambda it: scan_contents(it, counters)
        )
    else:
        rdd = sc.parallelize(paths, slices).mapPartitions(lambda it: scan_paths(it, counters))
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
