"""Type stubs of the embedvault package (the compiled core is ``embedvault._native``)."""

import os
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional, Union

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
) -> List[Record]:
    """The posts in one article, as ``embedvault scan --format jsonl`` prints them.

    ``data`` is bytes (gzip undone, charset found as for a file) or str (scanned as UTF-8).
    ``url`` is the article's URL when the page declares none; ``path`` goes into
    ``source.path`` and its extension tells HTML from text; ``kind`` overrides sniffing.
    Releases the GIL. Raises ``Error`` when detection runs over the 60 s per-input limit.
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
    ) -> List[Record]:
        """Posts the filters select, newest first, as ``embedvault query --format jsonl``."""
    def show(self, key: str) -> Optional[Record]:
        """The post ``key`` names (ID, URL or ``#N``), as ``embedvault show --format json``; None if none."""
    def show_all(self, key: str) -> List[Record]:
        """Every post ``key`` names."""
    def stats(self) -> Dict[str, Any]:
        """What the archive holds, as ``embedvault stats --format json``."""

__all__ = ["Archive", "Error", "RECORD_FIELDS", "STORED_FIELDS", "__version__", "scan"]
