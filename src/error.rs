//! The library's error type. Every variant names what failed and carries the path (or other
//! origin) it failed on, so a message printed by the CLI always says which input was bad.

use std::path::PathBuf;

/// Everything the library can fail at. Detection never fails; errors come from reading inputs
/// and from the archive.
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
    /// The database could not be opened, read or written.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file (`:memory:` for an in-memory store).
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The database does not exist (read-only commands never create one).
    #[error("database {path} does not exist (create it with `embedvault archive`)")]
    NoDatabase {
        /// The path that was looked for.
        path: PathBuf,
    },
    /// The database was written by a newer embedvault than this one.
    #[error(
        "database {path} has schema version {found}, newer than the {supported} this embedvault knows; upgrade embedvault"
    )]
    Migration {
        /// The database file.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// The file is not an embedvault archive (no schema), and read-only commands cannot make it one.
    #[error("{path} is not an embedvault archive (no schema found)")]
    NotArchive {
        /// The file.
        path: PathBuf,
    },
    /// The file is another application's database (or not a SQLite database at all). It is
    /// refused before anything is written to it: its bytes, journal mode and neighbouring files
    /// are left as they were.
    #[error("{path} is not an embedvault archive ({found}); it was left untouched")]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What gave it away (its application id, its tables, its header).
        found: String,
    },
    /// The database path names a directory.
    #[error("database {path} is a directory, not an archive file")]
    IsDirectory {
        /// The directory.
        path: PathBuf,
    },
    /// A sighting's bytes could not be cut again from its input (gone, changed, not kept).
    #[error("cannot give the bytes of sighting {sighting} of {key}: {message}")]
    Evidence {
        /// The post as named.
        key: String,
        /// The sighting's number (1-based).
        sighting: usize,
        /// Why: the input, and what is wrong with it.
        message: String,
    },
    /// A pattern choosing the files to read in folders that is not a glob.
    #[error("bad --glob pattern {glob:?}: {message}")]
    Glob {
        /// The pattern as given.
        glob: String,
        /// What is wrong with it.
        message: String,
    },
    /// A full-text search expression that SQLite's FTS5 cannot parse.
    #[error("bad --search expression {query:?}: {message}")]
    Search {
        /// The expression as given.
        query: String,
        /// What FTS5 said.
        message: String,
    },
}

impl Error {
    /// The input (path) an input error is about, as shown to the user; `None` for errors that
    /// are not about one input.
    pub(crate) fn input(&self) -> Option<String> {
        match self {
            Error::ReadInput { path, .. }
            | Error::Decompress { path, .. }
            | Error::TooLarge { path, .. }
            | Error::Walk { path, .. } => Some(path.display().to_string()),
            _ => None,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
