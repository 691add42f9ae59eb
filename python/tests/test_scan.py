"""`embedvault.scan` against the command line: the same records, field for field, on every
sample; bytes and str give the same; threads give what one thread gives; errors are
`embedvault.Error`."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import embedvault
from support import ROOT, SAMPLES, jsonl, sample_files

FILES = sample_files()


def rel(path):
    return path.relative_to(ROOT).as_posix()


def scan_file(path):
    return embedvault.scan(path.read_bytes(), path=rel(path))


def test_the_package_is_the_installed_wheel():
    # The source folder has no compiled core; importing it would test nothing.
    assert embedvault._native.__file__.endswith((".so", ".pyd"))
    assert embedvault.__version__


def test_there_are_samples_of_every_kind():
    suffixes = {p.suffix for p in FILES}
    assert len(FILES) >= 100
    assert {".html", ".txt", ".md", ".gz"} <= suffixes


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_records_equal_the_cli_on_every_sample(cli, path):
    _, out, _ = cli("scan", "--format", "jsonl", rel(path), ok=(0, 1))
    assert scan_file(path) == jsonl(out)


def test_the_samples_hold_posts_of_every_platform():
    platforms = {r["platform"] for p in FILES for r in scan_file(p)}
    assert len(platforms) >= 13, platforms


def test_records_have_exactly_the_fixtures_fields_in_order(schema, cli):
    assert embedvault.RECORD_FIELDS == schema["record"]
    assert embedvault.STORED_FIELDS == schema["stored"]
    _, out, _ = cli("scan", "--format", "jsonl", "samples")
    from_cli = jsonl(out)
    from_package = [r for p in FILES for r in scan_file(p)]
    assert len(from_cli) == len(from_package) > 100
    for record in from_cli + from_package:
        assert list(record) == schema["record"]


def test_ids_stay_strings():
    ids = [r["post_id"] for p in FILES for r in scan_file(p) if r["post_id"] is not None]
    assert ids and all(isinstance(i, str) for i in ids)
    # A snowflake past 2**53 would lose digits as a float.
    assert any(len(i) >= 19 and i.isdigit() for i in ids)


def test_bytes_bytearray_and_str_give_the_same_records():
    compared = 0
    for path in FILES:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # a legacy-charset sample has no str form with the same bytes
        if data.startswith(b"\x1f\x8b"):
            continue
        name = rel(path)
        as_bytes = embedvault.scan(data, path=name)
        assert embedvault.scan(text, path=name) == as_bytes, name
        assert embedvault.scan(bytearray(data), path=name) == as_bytes, name
        compared += bool(as_bytes)
    assert compared >= 80


def test_a_threaded_scan_equals_a_sequential_one():
    inputs = [(p.read_bytes(), rel(p)) for p in FILES]
    sequential = [embedvault.scan(d, path=n) for d, n in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            threaded = list(pool.map(lambda i: embedvault.scan(i[0], path=i[1]), inputs))
            assert threaded == sequential


def test_url_path_and_kind_are_taken():
    page = (
        '<blockquote class="twitter-tweet"><p lang="en">Gauge test.</p>&mdash; Lab (@coastal_lab) '
        '<a href="https://twitter.com/coastal_lab/status/1427632593688211498">August 17, 2021</a>'
        "</blockquote>"
    )
    [r] = embedvault.scan(page, url="https://news.example/a", path="a.html")
    assert r["post_id"] == "1427632593688211498"
    assert r["source"]["url"] == "https://news.example/a"
    assert r["source"]["path"] == "a.html"
    assert r["source"]["start"] == 0 and r["source"]["end"] == len(page.encode())
    [plain] = embedvault.scan(page)
    assert plain["source"]["path"] is None and plain["source"]["url"] is None
    for kind in ("html", "text", "markdown"):
        assert [x["post_id"] for x in embedvault.scan(page, kind=kind)] == ["1427632593688211498"]


def test_a_str_spans_count_utf8_bytes():
    page = "Привет. " + (
        '<blockquote class="twitter-tweet"><p lang="ru">Да</p>&mdash; Lab (@coastal_lab) '
        '<a href="https://twitter.com/coastal_lab/status/1427632593688211498">August 17, 2021</a>'
        "</blockquote>"
    )
    [r] = embedvault.scan(page)
    data = page.encode("utf-8")
    assert data[r["source"]["start"] : r["source"]["end"]].startswith(b"<blockquote")


def test_nothing_found_is_an_empty_list():
    assert embedvault.scan(b"") == []
    assert embedvault.scan("<p>No embeds here.</p>") == []
    assert embedvault.scan(bytes(range(256)) * 64) == []


def test_errors_are_embedvault_errors_with_the_librarys_message():
    assert issubclass(embedvault.Error, Exception)
    with pytest.raises(embedvault.Error, match='kind "pdf" is not one of'):
        embedvault.scan(b"x", kind="pdf")
    with pytest.raises(TypeError, match="bytes or str"):
        embedvault.scan(42)


def test_the_gil_is_released_while_scanning():
    # While one thread scans a large page, another Python thread keeps running: with the GIL
    # held it could run only in the moments before and after the call.
    page = (SAMPLES / "twitter" / "blockquote-modern.html").read_bytes()
    data = page * (40_000_000 // len(page))
    span = {}

    def worker():
        span["start"] = time.perf_counter()
        span["posts"] = len(embedvault.scan(data, kind="html"))
        span["end"] = time.perf_counter()

    thread = threading.Thread(target=worker)
    ticks = []
    thread.start()
    while thread.is_alive():
        ticks.append(time.perf_counter())
    thread.join()
    inside = [t for t in ticks if span["start"] < t < span["end"]]
    took = span["end"] - span["start"]
    assert span["posts"] > 1000
    assert took > 0.05, f"the scan took {took:.3f} s, too short to tell"
    assert inside and inside[-1] - inside[0] > took / 2, (len(inside), took)


def test_the_served_charset_comes_before_the_pages_meta():
    text = "Очередные просьбы игнорируют. pic.twitter.com/BrjUE2qZO5 — Госпогранкомитет (@GpkGovBY) August 17, 2021"
    page = ('<html><head><meta charset="iso-8859-1"></head><body><blockquote class="twitter-tweet"><p>'
            + text + '</p></blockquote></body></html>').encode("windows-1251")
    served = embedvault.scan(page, kind="html", charset="windows-1251")
    assert served and served[0]["source"]["charset"] == "windows-1251"
    assert served[0]["source"]["charset_rule"] == "transport"
    assert "Очередные" in served[0]["text"]
    unserved = embedvault.scan(page, kind="html")
    assert unserved[0]["source"]["charset_rule"] != "transport"
