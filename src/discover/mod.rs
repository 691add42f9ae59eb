//! Discovery: command-line paths in, inputs (bytes + origin) out.
//!
//! Files and folders (walked recursively, sorted by name, hidden entries skipped, so the order
//! is the same on every machine), and `-` for standard input. Gzip-compressed inputs are
//! decompressed here, so every later stage sees the bytes the offsets refer to. Binary files
//! are skipped with a reason; unreadable ones become errors naming the path.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::decode::{self, Sniff};
use crate::error::{Error, Result};

pub mod gzip;
pub mod walk;

/// The default cap on one input's size (after decompression): 128 MiB. Larger inputs are
/// skipped with a note (raise the cap with `--max-input` to read them); the cap bounds the
/// memory one input can take (its bytes and its decoded text).
pub const DEFAULT_MAX_INPUT: u64 = 128 * 1024 * 1024;

/// Where an input came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The path as given or found; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The name used to sniff the kind (the file name without `.gz`).
    pub name: Option<String>,
    /// Whether the bytes were gzip-decompressed.
    pub gzip: bool,
}

impl Origin {
    /// The path for messages: the path, or `<stdin>`.
    pub fn display(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string())
    }
}

/// One input: its bytes (decompressed) and origin.
#[derive(Debug, Clone)]
pub struct Input {
    /// The bytes offsets refer to.
    pub bytes: Vec<u8>,
    /// Where they came from.
    pub origin: Origin,
    /// What the bytes sniff as.
    pub sniff: Sniff,
}

/// What reading one discovered path gave.
#[derive(Debug)]
pub enum Item {
    /// An input to scan.
    Input(Input),
    /// A file that is not an article (binary); the string says why.
    Skipped(PathBuf, String),
    /// A path that could not be read.
    Failed(Error),
}

/// Options for discovery.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Inputs larger than this (after decompression) are refused with [`Error::TooLarge`].
    pub max_input: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_input: DEFAULT_MAX_INPUT,
        }
    }
}

/// Expands the given paths (`-` is standard input) into a deterministic sequence of items.
pub fn discover(paths: &[PathBuf], opts: Options) -> impl Iterator<Item = Item> + '_ {
    walk::expand(paths).map(move |r| read(r, opts))
}

/// Reads one expanded path (see [`walk::expand`]: `Ok(None)` is standard input) into an item.
/// Split from [`discover`] so that reading can happen on worker threads.
pub fn read(r: Result<Option<PathBuf>>, opts: Options) -> Item {
    let item = match r {
        Err(e) => Item::Failed(e),
        Ok(None) => read_stdin(opts),
        Ok(Some(p)) => read_path(&p, opts),
    };
    over_cap_is_a_skip(item)
}

/// An input over the size cap is not a failure of the input: it is skipped with a note that
/// says how to read it.
fn over_cap_is_a_skip(item: Item) -> Item {
    match item {
        Item::Failed(Error::TooLarge { path, size, cap }) => Item::Skipped(
            path,
            format!("{size} bytes is over the {cap}-byte input cap (raise it with --max-input)"),
        ),
        other => other,
    }
}

fn read_stdin(opts: Options) -> Item {
    let mut raw = Vec::new();
    let stdin = std::io::stdin();
    let r = stdin
        .lock()
        .take(opts.max_input.saturating_add(1))
        .read_to_end(&mut raw);
    if let Err(source) = r {
        return Item::Failed(Error::ReadInput {
            path: PathBuf::from("<stdin>"),
            source,
        });
    }
    finish(raw, None, None, opts)
}

/// Reads one file into an item.
pub fn read_path(path: &Path, opts: Options) -> Item {
    let raw = match read_capped(path, opts.max_input) {
        Ok(b) => b,
        Err(e) => return Item::Failed(e),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    finish(raw, Some(path.to_path_buf()), name, opts)
}

fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let err = |source| Error::ReadInput {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(path).map_err(err)?;
    let len = f.metadata().map_err(err)?.len();
    if len > cap {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size: len,
            cap,
        });
    }
    let mut buf = Vec::with_capacity(len as usize);
    f.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(err)?;
    Ok(buf)
}

fn finish(raw: Vec<u8>, path: Option<PathBuf>, name: Option<String>, opts: Options) -> Item {
    let shown = || path.clone().unwrap_or_else(|| PathBuf::from("<stdin>"));
    if raw.len() as u64 > opts.max_input {
        return Item::Failed(Error::TooLarge {
            path: shown(),
            size: raw.len() as u64,
            cap: opts.max_input,
        });
    }
    let is_gz = gzip::is_gzip(&raw);
    let (bytes, name) = if is_gz {
        match gzip::decompress(&raw, opts.max_input) {
            Ok(b) => (b, name.map(|n| gzip::strip_gz(&n))),
            Err(gzip::GzError::TooLarge(size)) => {
                return Item::Failed(Error::TooLarge {
                    path: shown(),
                    size,
                    cap: opts.max_input,
                });
            }
            Err(gzip::GzError::Io(source)) => {
                return Item::Failed(Error::Decompress {
                    path: shown(),
                    source,
                });
            }
        }
    } else {
        (raw, name)
    };
    let sniff = decode::sniff(&bytes, name.as_deref());
    if sniff == Sniff::Binary {
        return Item::Skipped(shown(), "binary file, not an article".into());
    }
    Item::Input(Input {
        bytes,
        origin: Origin {
            path,
            name,
            gzip: is_gz,
        },
        sniff,
    })
}
