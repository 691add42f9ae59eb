"""embedvault finds the social-media posts embedded in news articles -- X/Twitter, Instagram,
TikTok, Facebook, YouTube, Bluesky, Mastodon, Threads, Reddit, Telegram, LinkedIn, VK, Tumblr --
in their HTML and in text where the embed was flattened, and archives them with provenance.

- ``scan(data, *, url=None, path=None, kind=None)``: the posts in one article's bytes or text,
  as dicts equal, field for field, to the lines of ``embedvault scan --format jsonl``.
- ``scan_warc(path, *, name=None, threads=0)``: the records of a web archive (.warc, .warc.gz,
  .wacz), read and scanned by the library, each with its provenance, posts and raw fragments
  (what ``embedvault import`` stores).
- ``Archive(path)``: the SQLite archive, with ``archive(paths)``, ``query(**filters)``,
  ``show(key)``, ``show_all(key)`` and ``stats()``, whose records equal the command line's.
- ``Error``: raised with the library's message when something fails.
- ``RECORD_FIELDS`` / ``STORED_FIELDS``: the field names of a scanned and of a stored record.

Detection is the Rust crate's own; scanning and archiving release the GIL, so threads scan in
parallel.
"""

from ._native import (
    RECORD_FIELDS,
    STORED_FIELDS,
    Archive,
    Error,
    WarcScan,
    __version__,
    scan,
    scan_warc,
)

__all__ = [
    "Archive",
    "Error",
    "RECORD_FIELDS",
    "STORED_FIELDS",
    "WarcScan",
    "__version__",
    "scan",
    "scan_warc",
]
