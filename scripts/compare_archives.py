#!/usr/bin/env python3
"""Compares two embedvault archives (SQLite files) for what they hold: every source (its
provenance, checksum, charset, web-archive record, article), every post (every field) and every
sighting (the post and source it joins, span, line, form, kind, detector, version, raw fragment,
the record as found, conflicts). Row IDs, runs and the times of archiving are left out: they say
when, not what.

    scripts/compare_archives.py A.db B.db     # exit 0 when they hold the same, else 1

Standard library only.
"""
import sqlite3
import sys

# Columns that say when or in which run, not what.
VOLATILE = {"id", "first_archived", "last_archived", "first_run", "first_seen", "last_seen",
            "run", "archived_at", "post", "source"}


def columns(db, table):
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] not in VOLATILE]


def content(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = {}
    src = columns(db, "sources")
    out["sources"] = sorted(db.execute(f"SELECT {', '.join(src)} FROM sources").fetchall(), key=repr)
    post = columns(db, "posts")
    out["posts"] = sorted(db.execute(f"SELECT {', '.join(post)} FROM posts").fetchall(), key=repr)
    sig = columns(db, "sightings")
    out["sightings"] = sorted(
        db.execute(
            f"SELECT p.identity, s.input_key, s.sha256, {', '.join('g.' + c for c in sig)} "
            "FROM sightings g JOIN posts p ON p.id = g.post JOIN sources s ON s.id = g.source"
        ).fetchall(),
        key=repr,
    )
    return out, {"sources": src, "posts": post, "sightings": ["identity", "input_key", "sha256"] + sig}


def main(a, b):
    ca, names = content(a)
    cb, _ = content(b)
    same = True
    for table in ("sources", "posts", "sightings"):
        ra, rb = ca[table], cb[table]
        if ra == rb:
            print(f"{table}: {len(ra)} rows, the same")
            continue
        same = False
        only_a = [r for r in ra if r not in rb]
        only_b = [r for r in rb if r not in ra]
        print(f"{table}: {len(ra)} rows in {a}, {len(rb)} in {b}; {len(only_a)} only in the first, "
              f"{len(only_b)} only in the second")
        for ra_row, rb_row in list(zip(only_a, only_b))[:3]:
            diff = {n: (x, y) for n, x, y in zip(names[table], ra_row, rb_row) if x != y}
            print(f"  e.g. {diff}")
    return 0 if same else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
