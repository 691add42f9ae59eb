//! Discovery: command-line paths in, inputs (bytes + origin + kind) out.
//!
//! Files and folders (walked recursively, sorted by name, hidden entries skipped, so the order
//! is the same on every machine), and `-` for standard input. Gzip-compressed inputs are
//! decompressed here, so every later stage sees the bytes the offsets refer to, and the bytes
//! are sniffed as HTML, text or neither. Binary files and inputs over the size cap are skipped
//! with a reason; unreadable ones fail with an error naming the path.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::decode::DocKind;
use crate::error::{Error, Result};
use crate::pipeline::Outcome;

pub(crate) mod gzip;
pub(crate) mod http;
pub(crate) mod page;
pub(crate) mod sniff;
pub(crate) mod walk;
pub(crate) mod warc;

use sniff::Sniff;

/// The default cap on one input's size (after decompression): 128 MiB. Larger inputs are
/// skipped with a note (raise the cap with `--max-input` to read them); the cap bounds the
/// memory one input can take (its bytes and its decoded text).
pub const DEFAULT_MAX_INPUT: u64 = 128 * 1024 * 1024;

/// Where an input came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The path as given or found (for a web-archive record, the archive file); `None` for
    /// standard input and fetched pages.
    pub path: Option<PathBuf>,
    /// Whether the bytes were gzip-decompressed.
    pub gzip: bool,
    /// The article's URL as the input came with it: a record's target URI, a fetched page's
    /// final URL, `--url` for standard input.
    pub url: Option<String>,
    /// The charset the page was served with (its `Content-Type`), for the transport rule.
    pub charset: Option<String>,
    /// The web-archive record the input is.
    pub warc: Option<Box<crate::post::WarcRecord>>,
    /// How the page was fetched.
    pub fetch: Option<Box<crate::post::FetchInfo>>,
}

impl Origin {
    /// The origin of a file (or of standard input, `None`).
    pub fn file(path: Option<PathBuf>, gzip: bool) -> Origin {
        Origin {
            path,
            gzip,
            ..Origin::default()
        }
    }
}

/// One input: its bytes (decompressed), origin and kind.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    /// The bytes offsets refer to.
    pub bytes: Vec<u8>,
    /// Where they came from.
    pub origin: Origin,
    /// HTML, text or Markdown (the last two may still carry raw embed HTML).
    pub kind: DocKind,
}

impl Input {
    /// The input as named to the user: its path, or `<stdin>`.
    pub fn shown(&self) -> String {
        if let Some(f) = &self.origin.fetch {
            return f.requested_url.clone();
        }
        match (&self.origin.path, &self.origin.warc) {
            (Some(p), Some(place)) => warc::record_name(p, place),
            (Some(p), None) => p.display().to_string(),
            (None, Some(place)) => warc::record_name(Path::new(warc::STDIN), place),
            (None, None) => "<stdin>".into(),
        }
    }
}

/// Reads one expanded path (see [`walk::expand`]: `Ok(None)` is standard input) into an
/// input, or says why it was skipped or failed. Reading happens on worker threads.
///
/// Only regular files are opened: a FIFO would block the read for ever, a device would never
/// end (`/dev/zero`) or give nothing (`/dev/null`), so those (and sockets, and links to any of
/// them) are skipped with a reason naming what they are, found by their type without opening
/// them.
pub(crate) fn read(r: Result<Option<PathBuf>>, max_input: u64) -> Outcome<Input> {
    let (shown, read) = match r {
        Err(e) => return failed(e),
        Ok(None) => ("<stdin>".to_string(), read_stdin(max_input)),
        Ok(Some(p)) => {
            if let Some(what) = not_a_file(&p) {
                return Outcome::Skipped {
                    input: p.display().to_string(),
                    reason: format!("{what}, not a regular file (not opened)"),
                };
            }
            (p.display().to_string(), read_path(&p, max_input))
        }
    };
    match read {
        Ok((raw, path)) => finish(raw, path, &shown, max_input),
        Err(e) => failed(e),
    }
}

/// An input that could not be read; one over the size cap is not a failure of the input but a
/// skip, with a note that says how to read it.
fn failed<T>(e: Error) -> Outcome<T> {
    match e {
        Error::TooLarge { path, size, cap } => Outcome::Skipped {
            input: path.display().to_string(),
            reason: format!(
                "{size} bytes is over the {cap}-byte input cap (raise it with --max-input)"
            ),
        },
        e => Outcome::Failed {
            input: e.input().unwrap_or_default(),
            message: e.to_string(),
        },
    }
}

/// Standard input read as a page: `head` (what was read of it already, see [`peek_stdin`]),
/// then the rest.
pub(crate) fn read_stdin_after(head: Vec<u8>, max_input: u64) -> Outcome<Input> {
    let read = read_stdin_from(head, max_input);
    match read {
        Ok((raw, path)) => finish(raw, path, "<stdin>", max_input),
        Err(e) => failed(e),
    }
}

/// The first bytes of standard input, enough to tell a web archive from a page (see
/// [`warc::starts_web_archive`]); `None` when standard input cannot be read as an input (its
/// reading then names why).
pub(crate) fn peek_stdin() -> Option<Vec<u8>> {
    stdin_is_readable().ok()?;
    let mut head = Vec::new();
    let mut stdin = std::io::stdin().lock();
    let mut chunk = [0u8; 4096];
    while head.len() < 64 * 1024 && warc::starts_web_archive(&head).is_none() {
        match stdin.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // Read again where the reading of the page names the error.
            Err(_) => break,
        }
    }
    Some(head)
}

fn read_stdin(max_input: u64) -> Result<(Vec<u8>, Option<PathBuf>)> {
    read_stdin_from(Vec::new(), max_input)
}

fn read_stdin_from(head: Vec<u8>, max_input: u64) -> Result<(Vec<u8>, Option<PathBuf>)> {
    let err = |source| Error::ReadInput {
        path: PathBuf::from("<stdin>"),
        source,
    };
    stdin_is_readable().map_err(err)?;
    let mut raw = head;
    let room = max_input.saturating_add(1).saturating_sub(raw.len() as u64);
    std::io::stdin()
        .lock()
        .take(room)
        .read_to_end(&mut raw)
        .map_err(err)?;
    Ok((raw, None))
}

/// Whether standard input can be read as an input: an error when it is closed or a device.
///
/// Rust's standard library reads a closed standard input as empty, and its runtime reopens a
/// descriptor 0 that was closed at start-up on `/dev/null`; either way the input would be read
/// as an empty article without a word. So a standard input that is not a descriptor at all, or
/// is a device other than a terminal (`/dev/null`, what a closed one becomes; `/dev/zero`,
/// which never ends), is an error naming it. A pipe, a socket, a file or a terminal is read; an
/// empty pipe or file is an empty input.
fn stdin_is_readable() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::IsTerminal;
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let stdin = std::io::stdin();
        let closed = || {
            std::io::Error::other(
                "standard input is closed or a device such as /dev/null, not a file or a pipe \
                 (pipe or redirect an article into it, or name the files)",
            )
        };
        // Duplicating the descriptor fails when it is closed; the copy is only looked at.
        let fd = stdin.as_fd().try_clone_to_owned().map_err(|_| closed())?;
        let kind = std::fs::File::from(fd).metadata()?.file_type();
        if (kind.is_char_device() || kind.is_block_device()) && !stdin.is_terminal() {
            return Err(closed());
        }
    }
    Ok(())
}

/// What `path` is when it exists and is not a regular file (after following links): a FIFO, a
/// socket, a device. Only its type is looked at; it is never opened. `None` for a regular file,
/// and for a path whose type cannot be read (opening it then reports why).
fn not_a_file(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return None;
    }
    let what = describe(&meta.file_type());
    let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    Some(if linked {
        format!("a symbolic link to {what}")
    } else {
        what.to_string()
    })
}

/// A file type in words, with its article.
fn describe(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

fn read_path(path: &Path, cap: u64) -> Result<(Vec<u8>, Option<PathBuf>)> {
    let err = |source| Error::ReadInput {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(path).map_err(err)?;
    let meta = f.metadata().map_err(err)?;
    if !meta.is_file() {
        // Replaced by something else since its type was checked.
        return Err(err(std::io::Error::other(format!(
            "{}, not a regular file",
            describe(&meta.file_type())
        ))));
    }
    let len = meta.len();
    if len > cap {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size: len,
            cap,
        });
    }
    // The size is known: the file is read in one call (a capped `read_to_end` would not know
    // it and probe in growing steps), then up to the cap in case it grew since.
    let mut f = f;
    let mut buf = vec![0; len as usize];
    let mut filled = 0;
    while filled < buf.len() {
        match f.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(err(e)),
        }
    }
    buf.truncate(filled);
    if filled as u64 == len {
        f.take(cap.saturating_add(1) - len)
            .read_to_end(&mut buf)
            .map_err(err)?;
    }
    Ok((buf, Some(path.to_path_buf())))
}

/// Checks the size, undoes gzip and sniffs the kind of bytes read from `path` (`None`: standard
/// input, shown as `shown`).
fn finish(raw: Vec<u8>, path: Option<PathBuf>, shown: &str, max_input: u64) -> Outcome<Input> {
    let too_large = |size: u64| Error::TooLarge {
        path: PathBuf::from(shown),
        size,
        cap: max_input,
    };
    if raw.len() as u64 > max_input {
        return failed(too_large(raw.len() as u64));
    }
    let name = path
        .as_deref()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    let is_gz = gzip::is_gzip(&raw);
    let (bytes, name) = if is_gz {
        match gzip::decompress(&raw, max_input) {
            Ok(b) => (b, name.map(|n| gzip::strip_gz(&n))),
            Err(gzip::GzError::TooLarge(size)) => return failed(too_large(size)),
            Err(gzip::GzError::Io(source)) => {
                return failed(Error::Decompress {
                    path: PathBuf::from(shown),
                    source,
                });
            }
        }
    } else {
        (raw, name)
    };
    if warc::is_warc_start(&bytes) {
        // Read as one page, every record's posts would get one URL: never.
        return Outcome::Failed {
            input: shown.to_string(),
            message: if path.is_some() {
                format!(
                    "{shown}: this is a web archive (WARC); name it as a file (.warc, .warc.gz) \
                     to read it record by record"
                )
            } else {
                format!(
                    "{shown}: this starts as a web archive (WARC) but is too short to be read \
                     record by record"
                )
            },
        };
    }
    let Some(kind) = kind_of(sniff::sniff(&bytes, name.as_deref())) else {
        return Outcome::Skipped {
            input: shown.to_string(),
            reason: "binary file, not an article".into(),
        };
    };
    Outcome::Read(Input {
        bytes,
        origin: Origin::file(path, is_gz),
        kind,
    })
}

/// The document kind of bytes handed to the library directly: gzip undone when the bytes are
/// gzip (under the default cap), then sniffed with the file name when there is one. `None` for
/// binary content.
pub(crate) fn from_bytes(bytes: &[u8], name: Option<&str>, kind: Option<DocKind>) -> Option<Input> {
    let (bytes, gz) = if gzip::is_gzip(bytes) {
        match gzip::decompress(bytes, DEFAULT_MAX_INPUT) {
            Ok(b) => (b, true),
            Err(_) => (bytes.to_vec(), false),
        }
    } else {
        (bytes.to_vec(), false)
    };
    let name = name.map(|n| if gz { gzip::strip_gz(n) } else { n.to_string() });
    let kind = match kind {
        Some(k) => k,
        None => kind_of(sniff::sniff(&bytes, name.as_deref()))?,
    };
    Some(Input {
        bytes,
        origin: Origin::file(None, gz),
        kind,
    })
}

/// The document kind a sniff found; `None` for binary content.
fn kind_of(s: Sniff) -> Option<DocKind> {
    match s {
        Sniff::Html => Some(DocKind::Html),
        Sniff::Text => Some(DocKind::Text),
        Sniff::Markdown => Some(DocKind::Markdown),
        Sniff::Binary => None,
    }
}
