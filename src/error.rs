//! The library's error type. Every variant names what failed and carries the path (or other
//! origin) it failed on, so a message printed by the CLI always says which input was bad.

use std::path::PathBuf;

/// Everything the library can fail at. Detection never fails (see `detect`); errors come from
/// reading inputs and, later, from the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input path could not be read (missing, permission, I/O error).
    #[error("cannot read {path}: {source}")]
    ReadInput {
        /// The path as given or found.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A gzip input could not be decompressed.
    #[error("cannot decompress {path}: {source}")]
    Decompress {
        /// The path as given or found.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// An input is larger than the configured cap.
    #[error("{path}: {size} bytes is over the {cap}-byte input cap")]
    TooLarge {
        /// The path as given or found.
        path: PathBuf,
        /// The input's size in bytes (after decompression, as far as read).
        size: u64,
        /// The cap in bytes.
        cap: u64,
    },
    /// A folder walk failed part-way (unreadable directory entry).
    #[error("cannot walk {path}: {message}")]
    Walk {
        /// The folder or entry that failed.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
