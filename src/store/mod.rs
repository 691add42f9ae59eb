//! The archive's write side: a SQLite database (bundled, with FTS5) holding sources, posts,
//! sightings, runs and failures.
//!
//! Identity: a post is platform + post ID where it has one, otherwise platform + handle + date +
//! normalised text. A flattened copy (no ID) and an HTML copy (with ID) of the same post share
//! handle, date and text, so they are joined through `sig_key` into one post.
//!
//! Merging: a post seen again with more fields gets the missing ones filled; a known field is
//! never overwritten, by null or by a different value; a different value is kept on the
//! sighting (`conflicts`), and each sighting keeps the whole record as found there.
//!
//! Idempotence: sources are unique per (input, sha256), sightings per (post, source, span), so
//! archiving the same inputs again adds only a run row. Each batch of whole inputs is one
//! transaction: a crash never leaves half an input stored, and a rerun completes the job.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::post::{Kind, Post};
use crate::scan::Scanned;

pub mod migrate;

/// The most bytes of an embed kept as its raw fragment on a sighting.
pub const FRAGMENT_CAP: usize = 64 * 1024;

/// How long a writer waits for another process holding the database before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The embedvault version recorded on runs and sightings.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// An open archive.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The raw bytes of one post's span, capped at [`FRAGMENT_CAP`].
#[derive(Debug, Clone)]
pub struct Fragment {
    /// The bytes (after decompression, before charset decoding).
    pub bytes: Vec<u8>,
    /// Whether the span was longer than the cap.
    pub truncated: bool,
}

/// One scanned input, ready to be written: everything the writer needs, nothing more (not
/// the whole input), so inputs can be scanned in parallel and written by one thread.
#[derive(Debug)]
pub struct Prepared {
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

/// One event for the writer.
#[derive(Debug)]
pub enum Event {
    /// An input was scanned.
    Input(Box<Prepared>),
    /// An input could not be read.
    Failed {
        /// The input as named to the user.
        input: String,
        /// Why.
        message: String,
    },
    /// An input was skipped (binary).
    Skipped {
        /// The input as named to the user.
        input: String,
        /// Why.
        reason: String,
    },
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
    pub fn conn(&self) -> &Connection {
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

    /// Writes a batch of events (whole inputs) in one transaction.
    pub fn write_batch(&mut self, run: i64, events: &[Event]) -> Result<Counts> {
        let path = self.path.clone();
        let e = |err| sql_err(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        let mut counts = Counts::default();
        let at = now();
        for ev in events {
            match ev {
                Event::Input(p) => write_input(&tx, run, p, &at, &mut counts).map_err(e)?,
                Event::Failed { input, message } => {
                    counts.failures += 1;
                    tx.execute(
                        "INSERT INTO failures (run, input, message, at) VALUES (?1, ?2, ?3, ?4)",
                        params![run, input, message, at],
                    )
                    .map_err(e)?;
                }
                Event::Skipped { .. } => counts.skipped += 1,
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
        let (row, new, conflicts) = upsert_post(tx, post, at)?;
        if new {
            counts.posts_new += 1;
        } else {
            counts.posts_known += 1;
        }
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

/// The key that joins copies of one post that lack an ID: platform, handle, date and
/// normalised text. `None` when any of them is missing.
pub fn sig_key(p: &Post) -> Option<String> {
    let handle = p.handle.as_deref()?.to_lowercase();
    let date = p.date.as_deref()?;
    let text = normalise_text(p.text.as_deref()?);
    if text.is_empty() {
        return None;
    }
    Some(format!("{}|{handle}|{date}|{text}", p.platform.as_str()))
}

/// Lower-cased, NFC, white space collapsed: how two copies of one text are compared.
pub fn normalise_text(t: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    t.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The scalar fields merged between copies, with their column names.
const FIELDS: &[&str] = &[
    "url",
    "handle",
    "display_name",
    "date_text",
    "date",
    "created_at",
    "lang",
    "text",
    "quoted_url",
];

fn field(p: &Post, name: &str) -> Option<String> {
    match name {
        "url" => p.url.clone(),
        "handle" => p.handle.clone(),
        "display_name" => p.display_name.clone(),
        "date_text" => p.date_text.clone(),
        "date" => p.date.clone(),
        "created_at" => p.created_at.clone(),
        "lang" => p.lang.clone(),
        "text" => p.text.clone(),
        "quoted_url" => p.quoted_url.clone(),
        _ => None,
    }
}

/// Finds the post a record belongs to, merges the record into it (or inserts it), and returns
/// (row ID, whether it is new, the conflicting values).
fn upsert_post(
    tx: &Transaction<'_>,
    p: &Post,
    at: &str,
) -> rusqlite::Result<(i64, bool, Map<String, Value>)> {
    let identity = p.identity();
    let sig = sig_key(p);
    let by_identity = |tx: &Transaction<'_>| -> rusqlite::Result<Option<i64>> {
        tx.prepare_cached("SELECT id FROM posts WHERE identity = ?1")?
            .query_row([&identity], |r| r.get(0))
            .optional()
    };
    let found = if p.post_id.is_some() {
        match by_identity(tx)? {
            Some(id) => Some(id),
            // An ID-less copy archived earlier becomes this post.
            None => match &sig {
                Some(k) => tx
                    .prepare_cached(
                        "SELECT id FROM posts WHERE sig_key = ?1 AND post_id IS NULL
                         ORDER BY id LIMIT 1",
                    )?
                    .query_row([k], |r| r.get(0))
                    .optional()?,
                None => None,
            },
        }
    } else {
        match &sig {
            Some(k) => tx
                .prepare_cached(
                    "SELECT id FROM posts WHERE sig_key = ?1 ORDER BY post_id IS NULL, id LIMIT 1",
                )?
                .query_row([k], |r| r.get(0))
                .optional()?,
            None => by_identity(tx)?,
        }
    };
    let Some(row) = found else {
        tx.prepare_cached(
            "INSERT INTO posts (identity, sig_key, platform, kind, form, post_id, url, handle,
             display_name, date_text, date, created_at, lang, text, media, links, notes,
             detector, first_seen, last_seen, quoted_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?19, ?20)",
        )?
        .execute(params![
            identity,
            sig,
            p.platform.as_str(),
            p.kind.as_str(),
            p.form.as_str(),
            p.post_id,
            p.url,
            p.handle,
            p.display_name,
            p.date_text,
            p.date,
            p.created_at,
            p.lang,
            p.text,
            json_list(&p.media),
            json_list(&p.links),
            json_list(&p.notes),
            p.detector,
            at,
            p.quoted_url
        ])?;
        return Ok((tx.last_insert_rowid(), true, Map::new()));
    };

    // Merge into the stored post.
    let (kind, post_id, stored, media, links, notes): (
        String,
        Option<String>,
        Vec<Option<String>>,
        String,
        String,
        String,
    ) = tx.prepare_cached("SELECT kind, post_id, url, handle, display_name, date_text, date, created_at, lang, text,
         media, links, notes FROM posts WHERE id = ?1")?.query_row([row],
        |r| {
            let mut stored = Vec::with_capacity(FIELDS.len());
            for i in 0..FIELDS.len() {
                stored.push(r.get::<_, Option<String>>(2 + i)?);
            }
            Ok((
                r.get(0)?,
                r.get(1)?,
                stored,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        },
    )?;
    let mut conflicts = Map::new();
    let mut sets: Vec<(&str, Value)> = Vec::new();
    for (i, name) in FIELDS.iter().enumerate() {
        let new = field(p, name);
        match (&stored[i], new) {
            (None, Some(v)) => sets.push((name, Value::String(v))),
            (Some(old), Some(v)) if !same_value(name, old, &v) => {
                conflicts.insert((*name).to_string(), Value::String(v));
            }
            _ => {}
        }
    }
    for (name, stored_json, new) in [("media", &media, &p.media), ("links", &links, &p.links)] {
        let old: Vec<String> = serde_json::from_str(stored_json).unwrap_or_default();
        if old.is_empty() && !new.is_empty() {
            sets.push((name, Value::String(json_list(new))));
        } else if !new.is_empty() && old != *new {
            conflicts.insert(name.to_string(), Value::from(new.clone()));
        }
    }
    // Notes accumulate: each says something true about one copy.
    let mut all_notes: Vec<String> = serde_json::from_str(&notes).unwrap_or_default();
    let before = all_notes.len();
    for n in &p.notes {
        if !all_notes.contains(n) {
            all_notes.push(n.clone());
        }
    }
    if all_notes.len() != before {
        sets.push(("notes", Value::String(json_list(&all_notes))));
    }
    if post_id.is_none()
        && let Some(id) = &p.post_id
    {
        sets.push(("post_id", Value::String(id.clone())));
        sets.push(("identity", Value::String(identity.clone())));
    }
    if kind == Kind::Mention.as_str() && p.kind == Kind::Embed {
        sets.push(("kind", Value::String(p.kind.as_str().into())));
        sets.push(("form", Value::String(p.form.as_str().into())));
        sets.push(("detector", Value::String(p.detector.clone())));
    }
    sets.push(("last_seen", Value::String(at.to_string())));
    for (name, v) in &sets {
        // Column names come from the fixed lists above, never from input.
        let sql = format!("UPDATE posts SET {name} = ?2 WHERE id = ?1");
        let v = v.as_str().unwrap_or_default();
        tx.prepare_cached(&sql)?.execute(params![row, v])?;
    }
    // Keep the join key current once the merged post has everything it needs.
    tx.prepare_cached("UPDATE posts SET sig_key = coalesce(sig_key, ?2) WHERE id = ?1")?
        .execute(params![row, sig])?;
    Ok((row, false, conflicts))
}

/// Whether two values of a field are the same up to white space (and, for handles, case).
fn same_value(name: &str, a: &str, b: &str) -> bool {
    if name == "handle" {
        return a.eq_ignore_ascii_case(b);
    }
    a == b || normalise_text(a) == normalise_text(b)
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}
