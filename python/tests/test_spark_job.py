"""The Spark job's WARC reading (examples/spark_archive.py) without Spark: the rows of a WARC
file written here equal `embedvault.scan` on its pages, each row's offset and length cut its
record out of the WARC file, and a corrupt file keeps the rows read before the fault and is
named. `scripts/ci-spark.sh` runs the whole job under spark-submit."""

import gzip
import importlib.util
import json
import uuid

import warcio  # noqa: F401  (installed by scripts/ci-python.sh; the job reads WARC files with it)

import embedvault
from support import ROOT, SAMPLES


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


def test_rows_equal_scan_and_carry_exact_warc_provenance(tmp_path):
    warc = tmp_path / "a.warc.gz"
    write_warc(warc)
    c = counters()
    rows = list(job.scan_paths([str(warc)], c))
    names = [n for n, _ in job.RECORD_COLUMNS + job.PROVENANCE_COLUMNS]
    expected = []
    for f, ctype in pages():
        uri = "https://news.example/" + f.relative_to(SAMPLES).as_posix()
        expected += embedvault.scan(f.read_bytes(), url=uri, kind=job.kind_of(ctype))
    assert len(rows) == len(expected) > 10
    assert c["files"].value == 1 and c["failures"].value == []
    assert c["records"].value == len(pages())  # the image is not scanned
    data = warc.read_bytes()
    for row, record in zip(rows, expected):
        r = dict(zip(names, row))
        assert json.loads(r["record"]) == record
        assert r["post_id"] == record["post_id"] and (r["post_id"] is None or isinstance(r["post_id"], str))
        assert r["media"] == record["media"] and r["source"][2] == record["source"]["sha256"]
        member = gzip.decompress(data[r["warc_record_offset"] : r["warc_record_offset"] + r["warc_record_length"]])
        assert member.startswith(b"WARC/1.1\r\n")
        assert f"WARC-Record-ID: {r['warc_record_id']}".encode() in member
        assert f"WARC-Target-URI: {r['warc_target_uri']}".encode() in member
        assert r["warc_date"] == "2021-08-17T12:00:00Z" and r["warc_file"] == str(warc)


def test_a_corrupt_warc_keeps_the_rows_before_the_fault_and_is_named(tmp_path):
    good, bad = tmp_path / "good.warc.gz", tmp_path / "bad.warc.gz"
    write_warc(good)
    write_warc(bad, extra=gzip.compress(b"WARC/1.1\r\nnot a header\r\n\r\n")[:-12] + b"\x00" * 40)
    c = counters()
    rows_good = list(job.scan_paths([str(good)], counters()))
    rows = list(job.scan_paths([str(bad), str(tmp_path / "missing.warc.gz"), str(good)], c))
    assert len(rows) == 2 * len(rows_good)
    assert c["files"].value == 1
    assert len(c["failures"].value) == 2
    assert c["failures"].value[0].startswith(str(bad))
    assert c["failures"].value[1].startswith(str(tmp_path / "missing.warc.gz"))


def test_content_types_choose_the_kind():
    assert job.kind_of("text/html; charset=windows-1251") == "html"
    assert job.kind_of("application/xhtml+xml") == "html"
    assert job.kind_of("text/markdown") == "markdown"
    assert job.kind_of("text/plain") == "text"
    assert job.kind_of("application/json") == "text"
    assert job.kind_of("image/png") is None and job.kind_of(None) is None


def test_the_rows_schema_covers_every_record_field():
    assert [n for n, _ in job.RECORD_COLUMNS] == embedvault.RECORD_FIELDS
