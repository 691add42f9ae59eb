//! The archive's write side: a SQLite database (bundled, with FTS5) holding sources, posts,
//! sightings, runs and failures.
//!
//! Posts are found, inserted and merged in `posts.rs`; here are the database itself (opening,
//! migrating, read-only access), runs, sources and sightings.
//!
//! Idempotence: sources are unique per (input, sha256), sightings per (post, source, span), so
//! archiving the same inputs again adds only a run row. Each batch of whole inputs is one
//! transaction: a crash never leaves half an input stored, and a rerun completes the job.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::pipeline::Outcome;
use crate::scan::Scanned;

pub(crate) mod migrate;
pub(crate) mod posts;

/// The most bytes of an embed kept as its raw fragment on a sighting.
pub(crate) const FRAGMENT_CAP: usize = 64 * 1024;

/// How long a writer waits for another process holding the database before failing.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The embedvault version recorded on runs and sightings.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// An open archive.
pub(crate) struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The raw bytes of one post's span, capped at [`FRAGMENT_CAP`].
#[derive(Debug, Clone)]
pub(crate) struct Fragment {
    /// The bytes (after decompression, before charset decoding).
    pub bytes: Vec<u8>,
    /// Whether the span was longer than the cap.
    pub truncated: bool,
}

/// One scanned input, ready to be written: everything the writer needs, nothing more (not
/// the whole input), so inputs can be scanned in parallel and written by one thread.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The input's identity: its absolute path, or `-` for standard input.
    pub input_key: String,
    /// The path as given or found.
    pub path: Option<String>,
    /// Whether the input was gzip-compressed.
    pub gzip: bool,
    /// What scanning found.
    pub scanned: Scanned,
    /// One fragment per post, in the same order.
    pub fragments: Vec<Fragment>,
}

/// Counts of what a run (or a batch) did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Inputs read and scanned.
    pub inputs_seen: u64,
    /// Inputs in which at least one post was found.
    pub inputs_with_posts: u64,
    /// Records that became new posts.
    pub posts_new: u64,
    /// Records that matched a post already in the archive.
    pub posts_known: u64,
    /// New sightings.
    pub sightings_new: u64,
    /// New sources (new inputs or new versions of changed inputs).
    pub sources_new: u64,
    /// Inputs that failed.
    pub failures: u64,
    /// Inputs skipped (not articles).
    pub skipped: u64,
}

impl Counts {
    /// Adds another batch's counts.
    pub fn add(&mut self, o: &Counts) {
        self.inputs_seen += o.inputs_seen;
        self.inputs_with_posts += o.inputs_with_posts;
        self.posts_new += o.posts_new;
        self.posts_known += o.posts_known;
        self.sightings_new += o.sightings_new;
        self.sources_new += o.sources_new;
        self.failures += o.failures;
        self.skipped += o.skipped;
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Opens (creating if needed) the archive at `path` for writing, and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|e| sql_err(path, e))?;
        Store::setup(conn, path)
    }

    /// An archive in memory (for tests and examples).
    pub fn open_in_memory() -> Result<Store> {
        let path = Path::new(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| sql_err(path, e))?;
        Store::setup(conn, path)
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Store> {
        let e = |err| sql_err(path, err);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(e)?;
        // WAL lets readers go on while an archive run writes; the mode is kept in the file.
        let _: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(e)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(e)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(e)?;
        match migrate::migrate(&mut conn).map_err(e)? {
            migrate::Outcome::TooNew(found) => {
                return Err(Error::Migration {
                    path: path.to_path_buf(),
                    found,
                    supported: migrate::CURRENT,
                });
            }
            migrate::Outcome::Current | migrate::Outcome::Upgraded(..) => {}
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing archive read-only. Never creates a file; a missing file, a file
    /// without the schema, or a newer schema are errors.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(Error::NoDatabase {
                path: path.to_path_buf(),
            });
        }
        let e = |err| sql_err(path, err);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(e)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(e)?;
        let v = migrate::version(&conn).map_err(e)?;
        if v > migrate::CURRENT {
            return Err(Error::Migration {
                path: path.to_path_buf(),
                found: v,
                supported: migrate::CURRENT,
            });
        }
        if v == 0 {
            return Err(Error::NotArchive {
                path: path.to_path_buf(),
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The connection, for the read side ([`crate::query`]).
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The database's path (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a run and returns its ID.
    pub fn begin_run(&mut self, args: &[String]) -> Result<i64> {
        let args = serde_json::to_string(args).unwrap_or_else(|_| "[]".into());
        self.conn
            .execute(
                "INSERT INTO runs (started_at, version, args) VALUES (?1, ?2, ?3)",
                params![now(), VERSION, args],
            )
            .map_err(|e| sql_err(&self.path, e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Writes a batch of whole inputs' outcomes in one transaction.
    pub fn write_batch(&mut self, run: i64, events: &[Outcome<Prepared>]) -> Result<Counts> {
        let path = self.path.clone();
        let e = |err| sql_err(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        let mut counts = Counts::default();
        let at = now();
        for ev in events {
            match ev {
                Outcome::Read(p) => write_input(&tx, run, p, &at, &mut counts).map_err(e)?,
                Outcome::Failed { input, message } => {
                    counts.failures += 1;
                    tx.execute(
                        "INSERT INTO failures (run, input, message, at) VALUES (?1, ?2, ?3, ?4)",
                        params![run, input, message, at],
                    )
                    .map_err(e)?;
                }
                Outcome::Skipped { .. } => counts.skipped += 1,
            }
        }
        tx.commit().map_err(e)?;
        Ok(counts)
    }

    /// Closes a run with its counts.
    pub fn finish_run(&mut self, run: i64, c: &Counts) -> Result<()> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?2, inputs_seen = ?3, inputs_with_posts = ?4,
                 posts_new = ?5, posts_known = ?6, sightings_new = ?7, sources_new = ?8,
                 failures = ?9, skipped = ?10 WHERE id = ?1",
                params![
                    run,
                    now(),
                    c.inputs_seen as i64,
                    c.inputs_with_posts as i64,
                    c.posts_new as i64,
                    c.posts_known as i64,
                    c.sightings_new as i64,
                    c.sources_new as i64,
                    c.failures as i64,
                    c.skipped as i64
                ],
            )
            .map_err(|e| sql_err(&self.path, e))?;
        Ok(())
    }
}

fn sql_err(path: &Path, source: rusqlite::Error) -> Error {
    Error::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

fn write_input(
    tx: &Transaction<'_>,
    run: i64,
    p: &Prepared,
    at: &str,
    counts: &mut Counts,
) -> rusqlite::Result<()> {
    counts.inputs_seen += 1;
    let s = &p.scanned;
    if !s.posts.is_empty() {
        counts.inputs_with_posts += 1;
    }
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM sources WHERE input_key = ?1 AND sha256 = ?2")?
        .query_row(params![p.input_key, s.sha256], |r| r.get(0))
        .optional()?;
    let source = match existing {
        Some(id) => {
            tx.prepare_cached(
                "UPDATE sources SET last_archived = ?2, url = coalesce(url, ?3) WHERE id = ?1",
            )?
            .execute(params![id, at, s.url])?;
            id
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO sources (input_key, path, url, sha256, size, gzip, charset,
                 charset_rule, first_archived, last_archived, first_run)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
            )?
            .execute(params![
                p.input_key,
                p.path,
                s.url,
                s.sha256,
                s.size as i64,
                p.gzip,
                s.charset,
                s.charset_rule,
                at,
                run
            ])?;
            counts.sources_new += 1;
            tx.last_insert_rowid()
        }
    };
    for (post, frag) in s.posts.iter().zip(&p.fragments) {
        let (row, conflicts) = match posts::lookup(tx, post)? {
            Some(row) => {
                counts.posts_known += 1;
                (row, posts::merge(tx, row, post, at)?)
            }
            None => {
                counts.posts_new += 1;
                (posts::insert(tx, post, at)?, Default::default())
            }
        };
        let record = serde_json::to_string(post).unwrap_or_else(|_| "{}".into());
        let n = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO sightings (post, source, run, kind, form, detector, version,
             start, \"end\", line, fragment, fragment_truncated, record, conflicts, archived_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                row,
                source,
                run,
                post.kind.as_str(),
                post.form.as_str(),
                post.detector,
                VERSION,
                post.source.start as i64,
                post.source.end as i64,
                post.source.line as i64,
                frag.bytes,
                frag.truncated,
                record,
                Value::Object(conflicts).to_string(),
                at
            ])?;
        counts.sightings_new += n as u64;
    }
    Ok(())
}
