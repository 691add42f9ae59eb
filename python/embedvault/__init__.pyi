"""Type stubs of the embedvault package (the compiled core is ``embedvault._native``)."""

import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Literal, Optional, Union

__version__: str

#: The field names of a scanned record, in order (a line of ``embedvault scan --format jsonl``).
RECORD_FIELDS: List[str]
#: The field names of a stored record: ``RECORD_FIELDS``, then ``sightings`` and ``archive_id``.
STORED_FIELDS: List[str]

#: A record: ``platform``, ``kind``, ``form``, ``post_id`` (str or None), ``url``, ``handle``,
#: ``display_name``, ``date_text``, ``date``, ``created_at``, ``lang``, ``text``, ``media``,
#: ``links``, ``quoted_url``, ``source`` (a dict), ``detector``, ``notes``; stored records add
#: ``sightings`` and ``archive_id``.
Record = Dict[str, Any]

class Error(Exception):
    """An embedvault failure, with the library's message."""

def scan(
    data: Union[bytes, bytearray, str],
    *,
    url: Optional[str] = None,
    path: Optional[str] = None,
    kind: Optional[Literal["html", "text", "markdown"]] = None,
    charset: Optional[str] = None,
) -> List[Record]:
    """The posts in one article, as ``embedvault scan --format jsonl`` prints them.

    ``data`` is bytes (gzip undone, charset found as for a file) or str (scanned as UTF-8).
    ``url`` is the article's URL when the page declares none; ``path`` goes into
    ``source.path`` and its extension tells HTML from text; ``kind`` overrides sniffing;
    ``charset`` is the charset the page was served with (its HTTP ``Content-Type``), used before
    the page's ``<meta>`` unless the bytes contradict it.
    Releases the GIL. Raises ``Error`` when detection runs over the 60 s per-input limit.
    """

#: One record of a web archive as ``scan_warc`` yields it. Scanned: ``input`` (``FILE@OFFSET``),
#: ``path``, ``url``, ``sha256``, ``size``, ``gzip``, ``charset``, ``charset_rule``, ``article``
#: (a dict), ``warc`` (a dict: file, offset, length, offsets, record_id, target_uri, date,
#: status, content_type), ``version``, ``posts`` (records), ``fragments`` (bytes,
#: one per post) and ``fragments_truncated``. Failed: ``input`` and ``error``. Skipped:
#: ``input`` and ``skipped``.
WarcRecord = Dict[str, Any]

class WarcScan(Iterator[WarcRecord]):
    """The records of a web archive, in file order (from ``scan_warc``)."""

    def __iter__(self) -> "WarcScan": ...
    def __next__(self) -> WarcRecord: ...

def scan_warc(
    path: Union[str, "os.PathLike[str]"],
    *,
    name: Optional[str] = None,
    threads: int = 0,
) -> WarcScan:
    """Reads a web archive (.warc, .warc.gz, .wacz) record by record as ``embedvault archive``
    does, yielding one dict per record with its provenance, posts and raw fragments (the input
    ``embedvault import`` takes). Records are read and scanned on ``threads`` threads (0: one
    per core) with the GIL released. ``name`` replaces the local path in the provenance (a copy
    of an ``s3://`` or ``hdfs://`` file). A bad record yields ``{"input", "error"}`` and the
    reading goes on. Raises ``Error`` when ``path`` is not a web archive.
    """

class Archive:
    """An embedvault archive (SQLite), as the command line's ``--db`` names it."""

    def __init__(self, path: Union[str, os.PathLike[str]], *, read_only: bool = False) -> None:
        """Opens the archive at ``path`` (created when missing, unless ``read_only``)."""
    @property
    def path(self) -> Path:
        """The database file's path."""
    def archive(self, paths: List[Union[str, os.PathLike[str]]], *, threads: int = 0) -> Dict[str, Any]:
        """Archives files and folders as one run; returns ``{"run", "counts", "failures", "skipped"}``."""
    def query(
        self,
        *,
        platform: Optional[str] = None,
        handle: Optional[str] = None,
        search: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        source: Optional[str] = None,
        kind: Literal["embed", "mention", "all"] = "embed",
        limit: Optional[int] = None,
        fts: bool = False,
        site: Optional[str] = None,
    ) -> List[Record]:
        """Posts the filters select, newest first, as ``embedvault query --format jsonl``.

        ``platform`` takes the command line's names and aliases (x, fb, truthsocial, any case);
        ``since``/``until`` a year, month or day (2021, 2021-08, 2021-08-17). An unknown
        platform or a bad date raises ``Error`` with the command line's message."""
    def show(self, key: str) -> Optional[Record]:
        """The post ``key`` names (ID, URL or ``#N``), as ``embedvault show --format json``; None if none."""
    def show_all(self, key: str) -> List[Record]:
        """Every post ``key`` names."""
    def stats(self) -> Dict[str, Any]:
        """What the archive holds, as ``embedvault stats --format json``."""

__all__ = ["Archive", "Error", "RECORD_FIELDS", "STORED_FIELDS", "WarcScan", "__version__", "scan", "scan_warc"]
