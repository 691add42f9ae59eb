"""`embedvault.Archive` on a real SQLite file, against the command line on the same file:
archive the samples, query by platform, show by ID, stats; errors are `embedvault.Error`."""

import json

import pytest

import embedvault
from support import SAMPLES, jsonl


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    db = tmp_path_factory.mktemp("archive") / "samples.db"
    archive = embedvault.Archive(db)
    summary = archive.archive([str(SAMPLES)])
    return db, archive, summary


def test_a_run_summary_counts_what_was_archived(archived, schema):
    db, archive, summary = archived
    assert list(summary) == ["run", "counts", "failures", "skipped"]
    assert summary["run"] == 1
    counts = summary["counts"]
    assert counts["inputs_seen"] >= 100
    assert counts["posts_new"] > 100
    assert counts["sightings_new"] >= counts["posts_new"]
    assert counts["failures"] == len(summary["failures"])
    stored = archive.query(kind="all")
    assert len(stored) == counts["posts_new"]
    for record in stored:
        assert list(record) == schema["stored"]


def test_query_by_platform_equals_the_cli(archived, cli):
    db, archive, _ = archived
    for platform in ("twitter", "instagram", "youtube", "bluesky"):
        _, out, _ = cli("query", "--db", db, "--platform", platform, "--format", "jsonl")
        from_cli = jsonl(out)
        assert from_cli, platform
        assert archive.query(platform=platform) == from_cli


def test_every_filter_equals_the_cli(archived, cli):
    db, archive, _ = archived
    cases = [
        ({}, []),
        ({"kind": "all"}, ["--kind", "all"]),
        ({"kind": "mention"}, ["--kind", "mention"]),
        ({"handle": "@GpkGovBY"}, ["--handle", "@GpkGovBY"]),
        ({"search": "gauges"}, ["--search", "gauges"]),
        ({"search": "gauge*", "fts": True}, ["--search", "gauge*", "--fts"]),
        ({"since": "2021-01-01", "until": "2021-12-31"}, ["--since", "2021-01-01", "--until", "2021-12-31"]),
        ({"source": "samples/tiktok"}, ["--source", "samples/tiktok"]),
        ({"platform": "twitter", "limit": 3}, ["--platform", "twitter", "--limit", "3"]),
        # The command line's forms: aliases in any case, a year or a month.
        ({"platform": "X"}, ["--platform", "X"]),
        ({"platform": "truthsocial"}, ["--platform", "truthsocial"]),
        ({"since": "2021", "until": "2021-08"}, ["--since", "2021", "--until", "2021-08"]),
        ({"site": "bbc"}, ["--site", "bbc"]),
    ]
    for filters, args in cases:
        _, out, _ = cli("query", "--db", db, "--format", "jsonl", *args)
        assert archive.query(**filters) == jsonl(out), filters
    assert len(archive.query(platform="twitter", limit=3)) == 3


def test_show_by_id_equals_the_cli(archived, cli):
    db, archive, _ = archived
    ids = [r["post_id"] for r in archive.query(platform="twitter") if r["post_id"]][:5]
    assert ids
    for post_id in ids:
        _, out, _ = cli("show", post_id, "--db", db, "--format", "json")
        shown = archive.show(post_id)
        assert shown == json.loads(out)
        assert shown["post_id"] == post_id and shown["sightings"][0]["fragment"]
        assert archive.show_all(post_id) == [shown]
    row = archive.query(platform="twitter")[0]["archive_id"]
    assert archive.show(f"#{row}")["archive_id"] == row
    assert archive.show("999999999999999999999") is None
    assert archive.show_all("999999999999999999999") == []


def test_stats_equal_the_cli(archived, cli):
    db, archive, _ = archived
    _, out, _ = cli("stats", "--db", db, "--format", "json")
    assert archive.stats() == json.loads(out)


def test_archiving_again_adds_nothing_but_a_run(archived):
    db, archive, _ = archived
    before = archive.query(kind="all")
    again = archive.archive([str(SAMPLES)])
    assert again["run"] == 2
    assert again["counts"]["posts_new"] == 0
    assert again["counts"]["sightings_new"] == 0
    assert again["counts"]["sources_new"] == 0
    assert archive.query(kind="all") == before


def test_a_bad_input_is_listed_and_the_run_goes_on(tmp_path):
    archive = embedvault.Archive(tmp_path / "a.db")
    missing = tmp_path / "missing.html"
    summary = archive.archive([str(missing), str(SAMPLES / "twitter")])
    assert summary["counts"]["failures"] == 1
    [failure] = summary["failures"]
    assert failure["input"].endswith("missing.html") and str(missing) in failure["reason"]
    assert summary["counts"]["posts_new"] > 0


def test_errors_are_embedvault_errors_with_the_librarys_message(tmp_path):
    with pytest.raises(embedvault.Error, match="is a directory"):
        embedvault.Archive(tmp_path)
    with pytest.raises(embedvault.Error, match="does not exist"):
        embedvault.Archive(tmp_path / "none.db", read_only=True)
    assert not (tmp_path / "none.db").exists()
    foreign = tmp_path / "notes.txt"
    foreign.write_bytes(b"not a database at all, just text " * 100)
    with pytest.raises(embedvault.Error, match="not an embedvault archive"):
        embedvault.Archive(foreign)
    assert foreign.read_bytes() == b"not a database at all, just text " * 100
    archive = embedvault.Archive(tmp_path / "a.db")
    with pytest.raises(embedvault.Error, match="is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"):
        archive.query(since="17 August 2021")
    with pytest.raises(embedvault.Error, match="is not a date"):
        archive.query(until="2021-02-30")
    with pytest.raises(embedvault.Error, match='unknown platform "twiter"; the platforms are: twitter'):
        archive.query(platform="twiter")
    with pytest.raises(embedvault.Error, match='kind "posts" is not one of'):
        archive.query(kind="posts")
    with pytest.raises(embedvault.Error):
        archive.query(search='"unbalanced', fts=True)


def test_a_read_only_archive_reads_what_was_written(archived):
    db, archive, _ = archived
    reader = embedvault.Archive(db, read_only=True)
    assert reader.query(kind="all") == archive.query(kind="all")
    assert reader.path == db
