//! `embedvault._native`: the Python extension module. It is a thin layer over the root crate's
//! public API, which stays the single source of detection: every record is the library's own
//! serialised record, turned into Python objects field for field (so a record from
//! `embedvault.scan` equals a line of `embedvault scan --format jsonl`, and one from
//! `Archive.query` a line of `embedvault query --format jsonl`).
//!
//! Scanning and archiving run with the interpreter detached (the GIL released), so Python
//! threads scan in parallel. Library errors become `embedvault.Error` with the library's message.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Mutex, MutexGuard};

use embedvault::exchange::ScannedInput;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};
use serde::Serialize;

pyo3::create_exception!(
    embedvault,
    Error,
    PyException,
    "An embedvault failure: a database that cannot be opened, read or written, a bad filter, a \
     bad argument, an input whose detection ran out of time. The message is the library's."
);

/// An `embedvault.Error` carrying `message`.
fn error(message: impl std::fmt::Display) -> PyErr {
    Error::new_err(message.to_string())
}

/// `value` serialised by serde (the records' one serialised form) as Python objects: structs and
/// maps become dicts in field order, lists lists, IDs stay strings.
fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// The bytes of `data`: `bytes` and `bytearray` as they are, `str` as UTF-8.
fn input_bytes(data: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = data.cast::<PyBytes>() {
        Ok(b.as_bytes().to_vec())
    } else if let Ok(b) = data.cast::<PyByteArray>() {
        Ok(b.to_vec())
    } else if let Ok(s) = data.cast::<PyString>() {
        Ok(s.to_cow()?.as_bytes().to_vec())
    } else {
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "scan() takes bytes or str, not {}",
            data.get_type().name()?
        )))
    }
}

/// The document kinds by the names `kind=` takes.
fn doc_kind(name: &str) -> PyResult<embedvault::DocKind> {
    match name {
        "html" => Ok(embedvault::DocKind::Html),
        "text" => Ok(embedvault::DocKind::Text),
        "markdown" => Ok(embedvault::DocKind::Markdown),
        other => Err(error(format!(
            "kind {other:?} is not one of \"html\", \"text\", \"markdown\""
        ))),
    }
}

/// Scans one article's bytes and returns every post found, in document order.
///
/// Each record is a dict with exactly the fields, in the order and with the values, of a line
/// of `embedvault scan --format jsonl` for the same input (see the README's record table):
/// `platform`, `kind`, `form`, `post_id` (a string, or None), `url`, `handle`, ..., `source`
/// (path, url, sha256, start, end, line, charset, charset_rule), `detector`, `notes`.
///
/// `data` is the input: `bytes` (gzip is undone; the charset is found as for a file) or `str`
/// (scanned as its UTF-8 bytes, so spans are byte offsets of that encoding). `url` is the
/// article's URL, used when the page declares none; `path` is reported in `source.path` and its
/// extension tells HTML from text; `kind` is "html", "text" or "markdown" (sniffed when None);
/// `charset` is the charset the page was served with (the `charset` of its HTTP
/// `Content-Type`), used before the page's own `<meta>` unless the bytes contradict it. Binary
/// data yields no posts. The GIL is released while scanning.
///
/// Raises `embedvault.Error` when detection runs over the per-input limit of 60 seconds (a
/// real page takes milliseconds), as the command line skips such an input.
#[pyfunction]
#[pyo3(signature = (data, *, url = None, path = None, kind = None, charset = None))]
fn scan<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    url: Option<String>,
    path: Option<String>,
    kind: Option<&str>,
    charset: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let opts = embedvault::ScanOptions {
        path,
        url,
        charset,
        kind: kind.map(doc_kind).transpose()?,
        time_limit: embedvault::ReadOptions::default().time_limit,
        ..embedvault::ScanOptions::default()
    };
    let bytes = input_bytes(data)?;
    let scanned = py.detach(|| embedvault::scan(&bytes, &opts));
    if scanned.timed_out {
        let limit = opts.time_limit.unwrap_or_default().as_secs_f64();
        return Err(error(format!(
            "{}: detection took longer than the {limit} s per-input limit; nothing from it was kept",
            opts.path.as_deref().unwrap_or("<bytes>")
        )));
    }
    to_python(py, &scanned.posts)
}

/// What `scan_warc` yields for one record: the input's provenance with its posts and their
/// raw fragments, a failure, or a skip.
fn scanned_to_python<'py>(
    py: Python<'py>,
    o: embedvault::Outcome<ScannedInput>,
) -> PyResult<Bound<'py, PyAny>> {
    let dict = pyo3::types::PyDict::new(py);
    match o {
        embedvault::Outcome::Read(s) => {
            let info = to_python(py, &s.info)?;
            let info = info.cast::<pyo3::types::PyDict>()?;
            dict.update(info.as_mapping())?;
            dict.set_item("posts", to_python(py, &s.posts)?)?;
            let fragments: Vec<Bound<'py, PyBytes>> = s
                .fragments
                .iter()
                .map(|f| PyBytes::new(py, &f.bytes))
                .collect();
            let truncated: Vec<bool> = s.fragments.iter().map(|f| f.truncated).collect();
            dict.set_item("fragments", fragments)?;
            dict.set_item("fragments_truncated", truncated)?;
        }
        embedvault::Outcome::Failed { input, message } => {
            dict.set_item("input", input)?;
            dict.set_item("error", message)?;
        }
        embedvault::Outcome::Skipped { input, reason } => {
            dict.set_item("input", input)?;
            dict.set_item("skipped", reason)?;
        }
    }
    Ok(dict.into_any())
}

/// The records of a web archive as `scan_warc` reads them, in file order. Iterating waits for
/// the next record with the GIL released; dropping the iterator stops the reading.
#[pyclass(module = "embedvault", name = "WarcScan")]
struct WarcScan {
    next: Mutex<Option<Receiver<embedvault::Outcome<ScannedInput>>>>,
    path: String,
}

#[pymethods]
impl WarcScan {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // The receiver is taken out while waiting, so the lock is never held without the GIL;
        // an iterator is meant for one thread at a time.
        let taken = self.next.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(rx) = taken else {
            return Ok(None);
        };
        let (rx, got) = py.detach(move || {
            let got = rx.recv();
            (rx, got)
        });
        match got {
            Ok(o) => {
                *self.next.lock().unwrap_or_else(|e| e.into_inner()) = Some(rx);
                scanned_to_python(py, o).map(Some)
            }
            Err(_) => Ok(None),
        }
    }

    fn __repr__(&self) -> String {
        format!("embedvault.scan_warc({:?})", self.path)
    }
}

/// Reads a web archive (`.warc`, `.warc.gz` with a gzip member per record or compressed whole,
/// or `.wacz`) record by record, as `embedvault archive` does, and yields one dict per record,
/// in file order. The records are read and scanned by the library on `threads` threads (0: one
/// per core) with the GIL released.
///
/// A record scanned yields the input as `embedvault import` takes it: `input` (its identity,
/// `FILE@OFFSET`), `path`, `url` (the `WARC-Target-URI`), `sha256` and `size` of the payload,
/// `gzip`, `charset`, `charset_rule`, `article` (title, canonical_url, published, published_at,
/// authors, site, lang), `warc` (file, offset, length, offsets, record_id, target_uri, date,
/// status, content_type), `version`, then `posts` (the records, as
/// `embedvault scan --format jsonl` writes them for the same WARC), `fragments` (the raw bytes
/// of each post's span in the payload, cut at 64 KiB) and `fragments_truncated`. A record that
/// is truncated or malformed yields `{"input": ..., "error": message}` and the reading goes
/// on; records that hold no page are counted in one `{"input": ..., "skipped": reason}`.
///
/// `name` is the name the WARC is known by when `path` is a local copy of it (an `s3://` or
/// `hdfs://` URI): it replaces the local path in `input`, `path` and the provenance.
///
/// Raises `embedvault.Error` when `path` is not a web archive.
#[pyfunction]
#[pyo3(signature = (path, *, name = None, threads = 0))]
fn scan_warc(path: PathBuf, name: Option<String>, threads: usize) -> PyResult<WarcScan> {
    if !path.is_file() {
        return Err(error(format!("{}: no such file", path.display())));
    }
    if !embedvault::exchange::is_web_archive(&path) {
        return Err(error(format!(
            "{}: not a web archive (.warc, .warc.gz or .wacz)",
            path.display()
        )));
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(64);
    let shown = path.display().to_string();
    std::thread::Builder::new()
        .name("embedvault-warc".into())
        .spawn(move || {
            let inputs = embedvault::Inputs::paths(&[path]);
            let opts = embedvault::ReadOptions {
                threads,
                ..embedvault::ReadOptions::default()
            };
            let _ = embedvault::exchange::scan(&inputs, &opts, |mut o| {
                if let (Some(name), embedvault::Outcome::Read(s)) = (&name, &mut o) {
                    s.rename_warc(name);
                }
                // The iterator was dropped: stop reading.
                tx.send(o).map_err(|_| ())
            });
        })
        .map_err(error)?;
    Ok(WarcScan {
        next: Mutex::new(Some(rx)),
        path: shown,
    })
}

/// The first (`since`) or last (`until`) day of a period as the command line's `--since` and
/// `--until` take it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn bound(s: Option<String>, last: bool) -> PyResult<Option<String>> {
    s.map(|s| {
        embedvault::period(&s)
            .map(|(first, end)| if last { end } else { first })
            .map_err(error)
    })
    .transpose()
}

/// An embedvault archive: a SQLite database of posts, every place each was seen, and the runs
/// that found them (the database `embedvault archive`, `query`, `show` and `stats` use).
///
/// `Archive(path)` opens the archive at `path`, creating it when missing;
/// `Archive(path, read_only=True)` opens an existing one without ever writing (a missing file is
/// an error). Another application's database, or an archive written by a newer embedvault, is
/// refused with `embedvault.Error` and left untouched. One Archive may be used from several
/// threads; its calls take turns.
#[pyclass(module = "embedvault", name = "Archive", frozen)]
struct Archive {
    inner: Mutex<embedvault::Archive>,
    path: PathBuf,
}

impl Archive {
    fn lock(&self) -> MutexGuard<'_, embedvault::Archive> {
        // A panic while holding the lock cannot leave the archive half-written: every write is
        // one SQLite transaction. So a poisoned lock is taken over as it is.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What `Archive.archive` returns: the run and its counts, with every failed and skipped input.
#[derive(Serialize)]
struct RunSummary {
    run: i64,
    counts: embedvault::Counts,
    failures: Vec<Named>,
    skipped: Vec<Named>,
}

/// An input and why it failed or was skipped.
#[derive(Serialize)]
struct Named {
    input: String,
    reason: String,
}

fn named(list: Vec<(String, String)>) -> Vec<Named> {
    list.into_iter()
        .map(|(input, reason)| Named { input, reason })
        .collect()
}

#[pymethods]
impl Archive {
    #[new]
    #[pyo3(signature = (path, *, read_only = false))]
    fn new(py: Python<'_>, path: PathBuf, read_only: bool) -> PyResult<Archive> {
        let inner = py
            .detach(|| {
                if read_only {
                    embedvault::Archive::open_read_only(&path)
                } else {
                    embedvault::Archive::open(&path)
                }
            })
            .map_err(error)?;
        Ok(Archive {
            inner: Mutex::new(inner),
            path,
        })
    }

    /// The database file's path.
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// Archives every input under `paths` (files, and folders walked recursively in sorted
    /// order) as one run, as `embedvault archive PATH...` does, and returns the run's summary:
    ///
    /// `{"run": N, "counts": {"inputs_seen", "inputs_with_posts", "posts_new", "posts_known",
    /// "sightings_new", "sources_new", "failures", "skipped"}, "failures": [{"input", "reason"}],
    /// "skipped": [{"input", "reason"}]}`.
    ///
    /// A bad input (missing, unreadable, corrupt gzip, binary, too large) is counted and listed,
    /// and the run goes on; only the database failing raises `embedvault.Error`. Inputs are
    /// scanned on `threads` threads (0: one per core) with the GIL released. Archiving the same
    /// inputs again adds no posts, sightings or sources, only a run.
    #[pyo3(signature = (paths, *, threads = 0))]
    fn archive<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<PathBuf>,
        threads: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut args = vec!["archive".to_string()];
        args.extend(paths.iter().map(|p| p.display().to_string()));
        let opts = embedvault::ArchiveOptions {
            threads,
            args,
            ..embedvault::ArchiveOptions::default()
        };
        let report = py
            .detach(|| self.lock().archive(&paths, &opts, &mut |_| {}))
            .map_err(error)?;
        to_python(
            py,
            &RunSummary {
                run: report.run,
                counts: report.counts,
                failures: named(report.failures),
                skipped: named(report.skipped),
            },
        )
    }

    /// The posts the filters select, newest first, as `embedvault query --format jsonl` prints
    /// them: each record's fields, then `sightings` (every place the post was seen) and
    /// `archive_id`.
    ///
    /// Filters (all optional, as the command line's): `platform` ("twitter", or an alias as
    /// `--platform` takes it: "x", "fb", "ig", "truthsocial", any case), `handle` (with or
    /// without @, any case), `search` (words over text, handle and display name, all required;
    /// with `fts=True` an SQLite FTS5 expression), `since`/`until` (a year, month or day:
    /// "2021", "2021-08", "2021-08-17"; `since` from its first day, `until` to its last),
    /// `source` (a substring of a sighting's path or URL), `site` (the article's site name or
    /// host, any case), `kind` ("embed", the default, "mention" or "all"), `limit` (at most
    /// this many). An unknown platform (the error lists them), a bad date, kind or search
    /// expression raises `embedvault.Error` with the command line's message.
    #[pyo3(signature = (*, platform = None, handle = None, search = None, since = None,
                        until = None, source = None, kind = "embed", limit = None, fts = false,
                        site = None))]
    #[allow(clippy::too_many_arguments)]
    fn query<'py>(
        &self,
        py: Python<'py>,
        platform: Option<String>,
        handle: Option<String>,
        search: Option<String>,
        since: Option<String>,
        until: Option<String>,
        source: Option<String>,
        kind: &str,
        limit: Option<usize>,
        fts: bool,
        site: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kind = match kind {
            "embed" => embedvault::KindFilter::Embed,
            "mention" => embedvault::KindFilter::Mention,
            "all" => embedvault::KindFilter::All,
            other => {
                return Err(error(format!(
                    "kind {other:?} is not one of \"embed\", \"mention\", \"all\""
                )));
            }
        };
        // The struct update is there for filters the library gains later (see below).
        #[allow(clippy::needless_update)]
        let filter = embedvault::Filter {
            platform: platform
                .map(|p| embedvault::platform_filter(&p))
                .transpose()
                .map_err(error)?,
            handle,
            search,
            since: bound(since, false)?,
            until: bound(until, true)?,
            source,
            site,
            kind,
            limit,
            fts,
            // Filters the library gains later keep their defaults here until they are exposed.
            ..embedvault::Filter::default()
        };
        let posts = py.detach(|| self.lock().query(&filter)).map_err(error)?;
        to_python(py, &posts)
    }

    /// The post `key` names, as `embedvault show KEY --format json` prints it: every field,
    /// every sighting with its raw fragment (`fragment`) and the record as found there
    /// (`record`). `key` is a post ID, any URL form of the post, or `#N` for the archive's row.
    /// None when the archive holds no such post.
    ///
    /// A bare ID that several platforms share names several posts: then `embedvault.Error` is
    /// raised, and `show_all` gives them all.
    fn show<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut posts = py.detach(|| self.lock().show(key)).map_err(error)?;
        match posts.len() {
            0 => Ok(None),
            1 => Ok(Some(to_python(py, &posts.remove(0))?)),
            n => Err(error(format!(
                "{key:?} names {n} posts; show_all() returns every one"
            ))),
        }
    }

    /// Every post `key` names (see `show`), as a list; empty when there is none.
    fn show_all<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let posts = py.detach(|| self.lock().show(key)).map_err(error)?;
        to_python(py, &posts)
    }

    /// What the archive holds, as `embedvault stats --format json` prints it: posts by
    /// platform, kind and form, the top handles, the date span, and the numbers of sightings,
    /// sources, runs and failures.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stats = py.detach(|| self.lock().stats()).map_err(error)?;
        // Through JSON, so that the date span is a list as in the command line's JSON rather
        // than the tuple it is in Rust.
        to_python(py, &serde_json::to_value(&stats).map_err(error)?)
    }

    fn __repr__(&self) -> String {
        format!("embedvault.Archive({:?})", self.path.display().to_string())
    }
}

/// embedvault finds the social-media posts embedded in news articles (HTML and flattened text)
/// and archives them with provenance. This is its compiled core; import `embedvault`.
#[pymodule]
mod _native {
    #[pymodule_export]
    use super::{Archive, Error, WarcScan, scan, scan_warc};

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add(
            "RECORD_FIELDS",
            embedvault::Post::field_names().into_pyobject(m.py())?,
        )?;
        m.add(
            "STORED_FIELDS",
            embedvault::StoredPost::field_names().into_pyobject(m.py())?,
        )
    }
}
