#!/usr/bin/env python3
"""The yardstick for examples/spark_archive.py: the same Spark job with the path users take
today, the logic of ../shared/peers/run_bs4_warc.py (warcio reads every `response` record with
an HTML or text body, BeautifulSoup with lxml finds `blockquote.twitter-tweet`), in
`mapPartitions` over WARC paths, writing a Parquet dataset partitioned by platform.

    spark-submit scripts/spark_bs4_baseline.py --peers ../shared/peers --input-list PATHS.txt \
                 --output DIR [--mode overwrite]

Only for the benchmark (scripts/bench_spark.py); needs beautifulsoup4, lxml and warcio.
"""

import argparse
import sys
import time


def scan_paths(paths, peers, counters):
    sys.path.insert(0, peers)
    from warcio.archiveiterator import ArchiveIterator
    from run_bs4 import extract

    class Args:
        extra = False

    for path in paths:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type != "response":
                    continue
                ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
                if "html" not in ctype and "text" not in ctype:
                    continue
                body = rec.content_stream().read()
                counters["records"].add(1)
                counters["bytes"].add(len(body))
                uri = rec.rec_headers.get_header("WARC-Target-URI")
                for post in extract(uri, body, Args):
                    yield (post["file"], post["platform"], post["post_id"], post["url"], post["handle"],
                           post["date_text"], post["text"], post["media"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", required=True)
    ap.add_argument("--input-list", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--mode", default="error")
    args = ap.parse_args()
    paths = [s for s in (line.strip() for line in open(args.input_list)) if s and not s.startswith("#")]

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("bs4-warc").getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    counters = {"records": sc.accumulator(0), "bytes": sc.accumulator(0)}
    started = time.perf_counter()
    peers = args.peers
    # Partitioned as examples/spark_archive.py partitions by default.
    slices = min(len(paths), 4 * max(1, sc.defaultParallelism))
    rdd = sc.parallelize(paths, slices).mapPartitions(lambda it: scan_paths(it, peers, counters))
    schema = ("file string, platform string, post_id string, url string, handle string, "
              "date_text string, text string, media array<string>")
    df = spark.createDataFrame(rdd, schema=schema)
    df.write.mode(args.mode).partitionBy("platform").parquet(args.output)
    seconds = time.perf_counter() - started
    rows = spark.read.parquet(args.output).count()
    mb = counters["bytes"].value / 1e6
    print(f"bs4-warc-spark: {len(paths)} WARC file(s), {counters['records'].value} record(s) scanned "
          f"({mb:.1f} MB), {rows} row(s) in {args.output}, {seconds:.2f} s ({mb / seconds:.1f} MB/s)",
          file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
