//! Fetching article URLs over HTTP(S) and writing what was fetched as WARC.
