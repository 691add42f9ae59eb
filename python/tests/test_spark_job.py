"""The Spark job's reading of WARC files (examples/spark_archive.py) and `scan_warc`, without
Spark: the job's rows of a WARC file written here hold exactly the records `embedvault scan`
gives for that WARC, each row's offset and length cut its record out of the file, a corrupt
record is named while the records after it are still read, and the rows, written as JSON lines
and imported, give the archive `embedvault archive` gives. `scripts/ci-spark.sh` runs the whole
job under spark-submit and imports its Parquet output.
"""

import gzip
import importlib.util
import json
import subprocess
import sys
import threading
import uuid

import pytest

import embedvault
from support import ROOT, SAMPLES, jsonl


spec = importlib.util.spec_from_file_location("spark_archive", ROOT / "examples" / "spark_archive.py")
job = importlib.util.module_from_spec(spec)
spec.loader.exec_module(job)


class Counter:
    def __init__(self, zero):
        self.value = zero

    def add(self, v):
        self.value += v


def counters():
    return {"files": Counter(0), "records": Counter(0), "bytes": Counter(0), "failures": Counter([])}


def warc_record(headers, block):
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode() + f"Content-Length: {len(block)}\r\n\r\n".encode() + block + b"\r\n\r\n"


def response(uri, body, ctype):
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    return warc_record(
        [
            ("WARC-Type", "response"),
            ("WARC-Date", "2021-08-17T12:00:00Z"),
            ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
            ("WARC-Target-URI", uri),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        http,
    )


PAGES = [
    ("twitter/blockquote-modern.html", "text/html; charset=utf-8"),
    ("instagram", None),  # a folder: every page in it
    ("twitter/flattened.txt", "text/plain"),
]


def pages():
    found = []
    for name, ctype in PAGES:
        path = SAMPLES / name
        files = sorted(p for p in path.iterdir() if p.suffix == ".html") if path.is_dir() else [path]
        for f in files:
            found.append((f, ctype or "text/html"))
    return found


def write_warc(path, extra=b""):
    members = []
    for f, ctype in pages():
        uri = "https://news.example/" + f.relative_to(SAMPLES).as_posix()
        members.append(gzip.compress(response(uri, f.read_bytes(), ctype), mtime=0))
    members.append(gzip.compress(response("https://news.example/logo.png", b"\x89PNG....", "image/png"), mtime=0))
    path.write_bytes(b"".join(members) + extra)


def test_rows_equal_the_cli_scan_of_the_warc_and_carry_exact_provenance(tmp_path, cli):
    warc = tmp_path / "a.warc.gz"
    write_warc(warc)
    c = counters()
    rows = list(job.scan_paths([str(warc)], c))
    names = [n for n, _ in job.RECORD_COLUMNS + job.PROVENANCE_COLUMNS]
    rows = [dict(zip(names, row)) for row in rows]
    expected = jsonl(cli("scan", "--format", "jsonl", warc)[1])
    posts = [r for r in rows if r["record"] is not None]
    assert [json.loads(r["record"]) for r in posts] == expected
    assert len(expected) > 10
    assert c["files"].value == 1 and c["failures"].value == []
    assert c["records"].value == len(pages())  # the image is not scanned
    data = warc.read_bytes()
    for r in posts:
        record = json.loads(r["record"])
        assert r["post_id"] == record["post_id"] and (r["post_id"] is None or isinstance(r["post_id"], str))
        assert r["media"] == record["media"] and r["source"][2] == record["source"]["sha256"]
        member = gzip.decompress(data[r["warc_record_offset"] : r["warc_record_offset"] + r["warc_record_length"]])
        assert member.startswith(b"WARC/1.1\r\n")
        assert f"WARC-Record-ID: {r['warc_record_id']}".encode() in member
        assert f"WARC-Target-URI: {r['warc_target_uri']}".encode() in member
        assert r["warc_date"] == "2021-08-17T12:00:00Z" and r["warc_file"] == str(warc)
        # The fragment is the payload's bytes at the record's span.
        assert bytes(r["fragment"]) in member and not r["fragment_truncated"]
        assert json.loads(r["input"])["input"] == f"{warc}@{r['warc_record_offset']}"


def test_scan_warc_yields_every_record_with_its_provenance(tmp_path, cli):
    warc = tmp_path / "b.warc.gz"
    write_warc(warc)
    records = list(embedvault.scan_warc(warc))
    scanned = [r for r in records if "posts" in r]
    assert len(scanned) == len(pages())
    assert [p for r in scanned for p in r["posts"]] == jsonl(cli("scan", "--format", "jsonl", warc)[1])
    assert any("skipped" in r for r in records)  # the image and the warcinfo, counted
    for r in scanned:
        assert r["warc"]["file"] == str(warc) and r["input"] == f"{warc}@{r['warc']['offset']}"
        assert len(r["fragments"]) == len(r["posts"]) == len(r["fragments_truncated"])
        assert r["version"] == embedvault.__version__ and len(r["sha256"]) == 64
    # Threads change nothing; a name given for a local copy replaces its path everywhere.
    assert list(embedvault.scan_warc(str(warc), threads=1)) == records
    named = [r for r in embedvault.scan_warc(warc, name="s3://bucket/b.warc.gz") if "posts" in r]
    assert all(r["input"].startswith("s3://bucket/b.warc.gz@") for r in named)
    assert all(p["source"]["path"] == "s3://bucket/b.warc.gz" for r in named for p in r["posts"])
    assert all(p["source"]["warc"]["file"] == "s3://bucket/b.warc.gz" for r in named for p in r["posts"])


def test_scan_warc_can_be_dropped_early_and_used_from_threads(tmp_path):
    warc = tmp_path / "c.warc.gz"
    write_warc(warc)
    it = embedvault.scan_warc(warc)
    first = next(it)
    assert "input" in first
    del it  # the reading stops; nothing hangs
    results = [None] * 4

    def work(i):
        results[i] = list(embedvault.scan_warc(warc))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == results[0] for r in results) and results[0]


def test_scan_warc_refuses_what_is_not_a_web_archive(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>hi</p>")
    with pytest.raises(embedvault.Error, match="not a web archive"):
        embedvault.scan_warc(page)
    with pytest.raises(embedvault.Error, match="no such file"):
        embedvault.scan_warc(tmp_path / "missing.warc.gz")


def test_a_corrupt_record_is_named_and_the_records_after_it_are_read(tmp_path):
    good, bad = tmp_path / "good.warc.gz", tmp_path / "bad.warc.gz"
    write_warc(good)
    members = good.read_bytes()
    broken = gzip.compress(b"WARC/1.1\r\nnot a header\r\n\r\n")[:-12] + b"\x00" * 40
    bad.write_bytes(broken + members)
    c = counters()
    rows_good = [r for r in job.scan_paths([str(good)], counters()) if r[0] is not None]
    rows = list(job.scan_paths([str(bad), str(tmp_path / "missing.warc.gz"), str(good)], c))
    assert len([r for r in rows if r[0] is not None]) == 2 * len(rows_good)
    assert c["files"].value == 2
    assert len(c["failures"].value) == 2
    assert c["failures"].value[0].startswith(str(bad))
    assert c["failures"].value[1].startswith(str(tmp_path / "missing.warc.gz"))


def test_the_rows_as_json_lines_import_to_the_archive_archive_gives(tmp_path, cli):
    warc = tmp_path / "d.warc.gz"
    write_warc(warc)
    names = [n for n, _ in job.RECORD_COLUMNS + job.PROVENANCE_COLUMNS]
    lines = []
    for row in job.scan_paths([str(warc)], counters()):
        r = dict(zip(names, row))
        fragment = None if r["fragment"] is None else bytes(r["fragment"]).decode("utf-8")
        lines.append(json.dumps({"record": r["record"], "input": r["input"], "fragment": fragment,
                                 "fragment_truncated": r["fragment_truncated"]}))
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(reversed(lines)) + "\n")  # any order
    cli("import", rows, "--db", tmp_path / "imported.db")
    cli("archive", warc, "--db", tmp_path / "archived.db", "-q")
    compare = [sys.executable, ROOT / "scripts" / "compare_archives.py", tmp_path / "imported.db", tmp_path / "archived.db"]
    out = subprocess.run(compare, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout
    assert "sightings: " in out.stdout and ", the same" in out.stdout


def test_the_rows_schema_covers_every_record_field():
    assert [n for n, _ in job.RECORD_COLUMNS] == embedvault.RECORD_FIELDS


def test_a_warc_given_by_url_is_downloaded_and_named_by_its_url(tmp_path, monkeypatch):
    import functools
    import http.server
    import tempfile

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(downloads))

    warc = tmp_path / "served.warc.gz"
    write_warc(warc)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/served.warc.gz"
        c = counters()
        remote = list(job.scan_paths([url, url.replace("served", "absent")], c))
    finally:
        server.shutdown()
    local = list(job.scan_paths([str(warc)], counters()))
    names = [n for n, _ in job.RECORD_COLUMNS + job.PROVENANCE_COLUMNS]
    assert len(remote) == len(local) > 10
    for r, l in zip(remote, local):
        r, l = dict(zip(names, r)), dict(zip(names, l))
        assert r["warc_file"] == url and l["warc_file"] == str(warc)
        assert r["warc_record_offset"] == l["warc_record_offset"] and r["fragment"] == l["fragment"]
        assert json.loads(r["input"])["input"] == f"{url}@{r['warc_record_offset']}"
    assert c["files"].value == 1 and len(c["failures"].value) == 1
    assert c["failures"].value[0].startswith(url.replace("served", "absent"))
    # The downloaded copies are gone once read (the failed one too).
    assert list(downloads.iterdir()) == []
