//! The archive's write side: a SQLite database (bundled, with FTS5) holding sources, posts,
//! sightings, runs and failures.
//!
//! Posts are found, inserted and merged in `posts.rs`; here are the database itself (opening,
//! migrating, read-only access), runs, sources and sightings.
//!
//! Idempotence: sources are unique per (input, sha256), sightings per (post, source, span), so
//! archiving the same inputs again adds only a run row. Each batch of whole inputs is one
//! transaction: a crash never leaves half an input stored, and a rerun completes the job.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
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
    /// In a cell so that a read-only store can reopen it when the file changed under a read.
    conn: RefCell<Connection>,
    path: PathBuf,
    /// For a read-only store opened `immutable`: the file's fingerprint when it was opened.
    snapshot: RefCell<Option<Fingerprint>>,
    /// The posts the current run has met, so that each is counted once.
    met: RunMet,
}

/// The posts a run has met so far: those it created, and those it found in the archive.
#[derive(Default)]
struct RunMet {
    created: std::collections::HashSet<i64>,
    known: std::collections::HashSet<i64>,
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
    /// The input's identity: its absolute path, byte for byte, a web-archive record's place, a
    /// fetched page's URL, or `-` for standard input (see `archive::input_key`).
    pub input_key: InputKey,
    /// The path as given or found, for people to read ([`shown_path`]).
    pub path: Option<String>,
    /// Whether the input was gzip-compressed.
    pub gzip: bool,
    /// What scanning found.
    pub scanned: Scanned,
    /// One fragment per post, in the same order.
    pub fragments: Vec<Fragment>,
    /// A fetched page's bytes, gzip-compressed, to keep.
    pub page: Option<Vec<u8>>,
    /// The embedvault version that scanned it, when another than this one (an import).
    pub version: Option<String>,
}

/// An input's identity as stored in `sources.input_key`, byte-exact.
///
/// A path that is valid UTF-8 is stored as text, as archives always stored it, so existing
/// sources keep their identity. Any other path (a Linux file name with bytes that are not
/// UTF-8) is stored as a BLOB of its bytes (`OsStr::as_encoded_bytes`: the raw bytes on Unix).
/// SQLite never finds a BLOB equal to a TEXT, so such a name can not collide with any UTF-8 name
/// (not even its own escaped spelling), and names that differ in one byte stay different
/// sources with their own sightings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InputKey {
    /// A UTF-8 path, or `-` for standard input.
    Text(String),
    /// A path that is not UTF-8: its bytes.
    Bytes(Vec<u8>),
}

impl InputKey {
    /// The key of a path (made absolute by the caller).
    pub fn of_path(path: &Path) -> InputKey {
        match path.to_str() {
            Some(s) => InputKey::Text(s.to_string()),
            None => InputKey::Bytes(path.as_os_str().as_encoded_bytes().to_vec()),
        }
    }
}

impl rusqlite::ToSql for InputKey {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            InputKey::Text(s) => s.to_sql(),
            InputKey::Bytes(b) => b.to_sql(),
        }
    }
}

/// A path as shown to people (`sources.path`, a sighting's `path`): the path itself when it is
/// UTF-8; otherwise each byte that is not part of valid UTF-8 written as `\xFF` (two
/// upper-case hex digits), so `a\xff.html`, `a\xfe.html` and `a\u{FFFD}.html` read as three
/// different names. It is for reading only; a file literally named with a backslash, `x` and two
/// hex digits reads the same, which is why the identity is [`InputKey`], not this.
pub(crate) fn shown_path(path: &Path) -> String {
    match path.to_str() {
        Some(s) => s.to_string(),
        None => shown_bytes(path.as_os_str().as_encoded_bytes()),
    }
}

/// Bytes of a name as [`shown_path`] shows them: UTF-8 as it is, any other byte as `\xFF`.
pub(crate) fn shown_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Counts of what a run (or a batch) did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Inputs read and scanned.
    pub inputs_seen: u64,
    /// Inputs in which at least one post was found.
    pub inputs_with_posts: u64,
    /// Posts new to the archive (each counted once).
    pub posts_new: u64,
    /// Posts that were in the archive before this run and were seen again (each counted once).
    pub posts_known: u64,
    /// Records merged into a post this run had already met: the other copies of a post found
    /// in several inputs (or places) of the run.
    pub copies_merged: u64,
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
        self.copies_merged += o.copies_merged;
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
    ///
    /// The file is looked at read-only first: a directory, another application's database,
    /// a file that is not SQLite at all, or an archive from a newer embedvault is refused with
    /// its bytes, journal mode and neighbouring files exactly as they were. A missing or
    /// zero-byte file becomes a new archive.
    pub fn open(path: &Path) -> Result<Store> {
        match examine(path)? {
            Examined::Missing | Examined::Empty => {}
            Examined::Db(reader) => {
                refuse_unless_archive(path, &reader.found)?;
                // The look was read-only; the writer opens its own connection.
                drop(reader);
            }
        }
        // As a URI, so that SQLite opens exactly the file looked at (a name that begins with
        // `file:` or holds `?` is a plain name here).
        let conn = Connection::open_with_flags(
            sqlite_uri(path, "mode=rwc"),
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sql_err(path, e))?;
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
        register_fold(&conn).map_err(e)?;
        // WAL lets readers go on while an archive run writes; the mode is kept in the file.
        // Only a file found to be an archive or blank gets here (see `open`). On a new file this
        // writes the header, so the schema itself is then written through the WAL: a crash
        // while creating it leaves a blank database, never a half-made one.
        wal_mode(&conn).map_err(e)?;
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
            migrate::Outcome::Foreign(found) => {
                return Err(Error::Foreign {
                    path: path.to_path_buf(),
                    found,
                });
            }
            migrate::Outcome::Current | migrate::Outcome::Upgraded(..) => {}
        }
        Ok(Store {
            conn: RefCell::new(conn),
            path: path.to_path_buf(),
            snapshot: RefCell::new(None),
            met: RunMet::default(),
        })
    }

    /// Opens an existing archive read-only. Never creates or changes a file, nor leaves a
    /// `-wal` or `-shm` file behind; a missing file, a directory, a file without the schema,
    /// another application's database or a newer schema are errors.
    ///
    /// When no WAL file is beside the archive (no writer has it open, and none crashed with
    /// its last transactions in the WAL), the file alone is the whole archive and is read as
    /// `immutable`: no locks and no shared-memory file, so archives in read-only folders and
    /// on read-only mounts can be read. Each read then checks that the file did not change
    /// under it (see [`Store::read`]). When a WAL file is there, the archive is read through it
    /// as any SQLite reader does, beside the live writer.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let reader = match examine(path)? {
            Examined::Missing => {
                return Err(Error::NoDatabase {
                    path: path.to_path_buf(),
                });
            }
            Examined::Empty => {
                return Err(Error::NotArchive {
                    path: path.to_path_buf(),
                });
            }
            Examined::Db(reader) => reader,
        };
        refuse_unless_archive(path, &reader.found)?;
        if reader.found == migrate::Found::Blank {
            return Err(Error::NotArchive {
                path: path.to_path_buf(),
            });
        }
        Ok(Store {
            conn: RefCell::new(reader.conn),
            path: path.to_path_buf(),
            snapshot: RefCell::new(reader.snapshot),
            met: RunMet::default(),
        })
    }

    /// The connection (for tests inside the crate; the read side goes through [`Store::read`]).
    #[cfg(test)]
    pub(crate) fn conn(&self) -> std::cell::Ref<'_, Connection> {
        self.conn.borrow()
    }

    /// Runs `f`, a read of the archive, and returns what it returned.
    ///
    /// A store opened read-only as `immutable` (no WAL present) takes no locks, so a writer
    /// starting meanwhile could change the file under it. The file's fingerprint (size,
    /// modification and change times, inode, whether a `-wal` or `-journal` is beside it) is
    /// taken before the connection was opened and compared after every read; when it differs,
    /// the read is thrown away and done again on a fresh connection, through the WAL when a
    /// writer now has one. A writer that starts, commits, checkpoints and closes entirely
    /// within one read, inside one tick of the file system's clock and without changing the
    /// file's size, would go unseen; that is the one window left.
    pub(crate) fn read<T>(&self, mut f: impl FnMut(&Connection) -> Result<T>) -> Result<T> {
        for _ in 0..SNAPSHOT_TRIES {
            let snapshot = self.snapshot.borrow().clone();
            // One read transaction: a query and the sightings it attaches, or all the counts
            // of `stats`, see one state of the archive even while a writer commits.
            let out = {
                let conn = self.conn.borrow();
                match conn.unchecked_transaction() {
                    Ok(tx) => f(&tx),
                    Err(err) => Err(sql_err(&self.path, err)),
                }
            };
            let Some(before) = snapshot else {
                return out;
            };
            if Fingerprint::of(&self.path).ok().as_ref() == Some(&before) {
                return out;
            }
            let reader = match examine(&self.path)? {
                Examined::Db(reader) => reader,
                Examined::Missing => {
                    return Err(Error::NoDatabase {
                        path: self.path.clone(),
                    });
                }
                Examined::Empty => {
                    return Err(Error::NotArchive {
                        path: self.path.clone(),
                    });
                }
            };
            refuse_unless_archive(&self.path, &reader.found)?;
            *self.conn.borrow_mut() = reader.conn;
            *self.snapshot.borrow_mut() = reader.snapshot;
        }
        Err(kept_changing(&self.path))
    }

    /// The database's path (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a write transaction that holds the write lock from its first statement
    /// (`BEGIN IMMEDIATE`), waiting up to [`BUSY_TIMEOUT`] for another writer to finish.
    /// Taking it up front means a transaction never reads first and then finds another
    /// process has written meanwhile (which SQLite reports at once as busy, without waiting).
    fn write_tx(&mut self) -> Result<Transaction<'_>> {
        let path = &self.path;
        self.conn
            .get_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_err(path, e))
    }

    /// Starts a run and returns its ID.
    pub fn begin_run(&mut self, args: &[String]) -> Result<i64> {
        let path = self.path.clone();
        let e = |err| sql_err(&path, err);
        let args = serde_json::to_string(args).unwrap_or_else(|_| "[]".into());
        self.met = RunMet::default();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO runs (started_at, version, args) VALUES (?1, ?2, ?3)",
            params![now(), VERSION, args],
        )
        .map_err(e)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(e)?;
        Ok(id)
    }

    /// Writes a batch of whole inputs' outcomes in one transaction.
    pub fn write_batch(&mut self, run: i64, events: &[Outcome<Prepared>]) -> Result<Counts> {
        let path = self.path.clone();
        let e = |err| sql_err(&path, err);
        let mut met = std::mem::take(&mut self.met);
        let tx = self.write_tx()?;
        let mut counts = Counts::default();
        let at = now();
        for ev in events {
            match ev {
                Outcome::Read(p) => {
                    write_input(&tx, run, p, &at, &mut counts, &mut met).map_err(e)?
                }
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
        self.met = met;
        Ok(counts)
    }

    /// Closes a run with its counts.
    pub fn finish_run(&mut self, run: i64, c: &Counts) -> Result<()> {
        let path = self.path.clone();
        let e = |err| sql_err(&path, err);
        let tx = self.write_tx()?;
        tx.execute(
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
        .map_err(e)?;
        tx.commit().map_err(e)
    }
}

/// Switches the database to WAL, waiting for other processes as the busy timeout would: the
/// switch needs the file to itself for a moment, and SQLite reports it busy at once, without
/// waiting, while another process has the file open in the old mode (several processes creating
/// one archive). An in-memory database stays `memory`; a file system without the shared memory
/// WAL needs keeps its mode after a few tries.
fn wal_mode(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut other_mode = 0;
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory") => {
                return Ok(());
            }
            Ok(_) if other_mode >= 5 => return Ok(()),
            Ok(_) => other_mode += 1,
            Err(err)
                if err.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline => {}
            Err(err) => return Err(err),
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Registers `embedvault_fold(text)`, the folding the full-text index holds (see
/// [`crate::search::fold`]); the writer's index statement and the index's triggers call it, so
/// every connection that writes posts needs it. `NULL` stays `NULL`.
fn register_fold(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::ValueRef;
    conn.create_scalar_function(
        "embedvault_fold",
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(t) => Some(crate::search::fold(&String::from_utf8_lossy(t))),
                _ => None,
            })
        },
    )
}

/// How many times a read is done again when the file changed under it.
const SNAPSHOT_TRIES: usize = 5;

/// What a database path holds, looked at without writing anything. Made once per open and
/// taken apart at once, so its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Examined {
    /// Nothing there (or nothing that can be looked at).
    Missing,
    /// A zero-byte file with no WAL beside it.
    Empty,
    /// A SQLite database, opened read-only.
    Db(Reader),
}

/// A read-only connection and what it found.
struct Reader {
    conn: Connection,
    /// `Some` when opened `immutable`: the file's fingerprint just before.
    snapshot: Option<Fingerprint>,
    found: migrate::Found,
}

/// What identifies one state of the database file, cheaply: see [`Store::read`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode_ctime: (u64, u64, i64, i64),
    wal: bool,
    /// The WAL's size: a writer committing into an empty WAL left by an earlier one changes it.
    wal_len: u64,
    /// Whether a `-shm` is beside the file: every connection to a WAL archive has one (and
    /// makes one), so without it no writer is connected.
    shm: bool,
    journal: bool,
}

impl Fingerprint {
    fn of(path: &Path) -> std::io::Result<Fingerprint> {
        let m = std::fs::metadata(path)?;
        #[cfg(unix)]
        let inode_ctime = {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino(), m.ctime(), m.ctime_nsec())
        };
        Ok(Fingerprint {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            inode_ctime,
            wal: beside(path, "-wal").exists(),
            wal_len: std::fs::metadata(beside(path, "-wal")).map_or(0, |m| m.len()),
            shm: beside(path, "-shm").exists(),
            journal: beside(path, "-journal").exists(),
        })
    }
}

/// The file SQLite keeps beside the database: `path` + `suffix` (`-wal`, `-shm`, `-journal`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Looks at `path` without writing anything: not to the file, not beside it. What was read
/// through an `immutable` connection is only trusted when the file did not change meanwhile;
/// otherwise it is looked at again (a writer creating or checkpointing the archive).
fn examine(path: &Path) -> Result<Examined> {
    for _ in 0..SNAPSHOT_TRIES {
        let before = Fingerprint::of(path).ok();
        let outcome = examine_once(path);
        let changed = |before: &Fingerprint| Fingerprint::of(path).ok().as_ref() != Some(before);
        match (&outcome, &before) {
            // Read as immutable while a writer changed the file: not to be trusted.
            (
                Ok(Examined::Db(Reader {
                    snapshot: Some(snapshot),
                    ..
                })),
                _,
            ) if changed(snapshot) => continue,
            // A read that failed (a page torn by a writer) while the file changed.
            (Err(Error::Sqlite { .. } | Error::Foreign { .. }), Some(before))
                if changed(before) =>
            {
                continue;
            }
            _ => return outcome,
        }
    }
    Err(kept_changing(path))
}

fn kept_changing(path: &Path) -> Error {
    sql_err(
        path,
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("the archive kept changing while it was read; try again".into()),
        ),
    )
}

fn examine_once(path: &Path) -> Result<Examined> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => return Ok(Examined::Missing),
    };
    if meta.is_dir() {
        return Err(Error::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let fingerprint = Fingerprint::of(path).map_err(|err| io_err(path, err))?;
    if meta.len() > 0 {
        let mut head = [0u8; 16];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .map_err(|err| io_err(path, err))?;
        if n < head.len() || &head != SQLITE_MAGIC {
            return Err(Error::Foreign {
                path: path.to_path_buf(),
                found: "it is not a SQLite database".into(),
            });
        }
    } else if !fingerprint.wal {
        return Ok(Examined::Empty);
    }
    // With no WAL or rollback journal beside it, the file is the whole database: read it as
    // immutable (no locks, no `-shm`). So it is when an empty WAL is left without a `-shm`
    // (an earlier writer's, or one a tool left): nothing is in it and no writer is connected.
    // Otherwise the archive is read through its WAL as SQLite readers do, beside a live writer
    // (which has made the `-shm` already). Only a WAL holding transactions without its `-shm`
    // (a killed writer's, its `-shm` removed) gets a `-shm` made by SQLite to read it: a
    // read-only connection cannot take the lock that reading it without one needs.
    let empty_wal = fingerprint.wal && fingerprint.wal_len == 0 && !fingerprint.shm;
    let live = (fingerprint.wal && !empty_wal) || fingerprint.journal;
    let uri = sqlite_uri(path, if live { "mode=ro" } else { "immutable=1" });
    let e = |err| sql_err(path, err);
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(e)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(e)?;
    // One read transaction, so that everything inspected is of one state of the database.
    let found = conn
        .unchecked_transaction()
        .and_then(|tx| migrate::inspect(&tx))
        .map_err(|err| match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Error::Foreign {
                path: path.to_path_buf(),
                found: "it is not a SQLite database".into(),
            },
            _ => sql_err(path, err),
        })?;
    Ok(Examined::Db(Reader {
        conn,
        snapshot: (!live).then_some(fingerprint),
        found,
    }))
}

/// Turns what [`examine`] found into the refusal it calls for, if any.
fn refuse_unless_archive(path: &Path, found: &migrate::Found) -> Result<()> {
    match found {
        migrate::Found::Blank | migrate::Found::Archive { .. } => Ok(()),
        migrate::Found::TooNew(v) => Err(Error::Migration {
            path: path.to_path_buf(),
            found: *v,
            supported: migrate::CURRENT,
        }),
        migrate::Found::Foreign(why) => Err(Error::Foreign {
            path: path.to_path_buf(),
            found: why.clone(),
        }),
    }
}

/// A SQLite `file:` URI for `path` with the query `query`: the absolute path, every byte but
/// unreserved ones and `/` percent-encoded (so `?`, `#`, `%` and non-UTF-8 names survive).
fn sqlite_uri(path: &Path, query: &str) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file://");
    let bytes = abs.as_os_str().as_encoded_bytes();
    if bytes.first() != Some(&b'/') {
        uri.push('/');
    }
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    uri
}

fn io_err(path: &Path, err: std::io::Error) -> Error {
    sql_err(
        path,
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(err.to_string()),
        ),
    )
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
    met: &mut RunMet,
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
            let w = s.warc.as_ref();
            let f = s.fetch.as_ref();
            let a = &s.article;
            tx.prepare_cached(
                "INSERT INTO sources (input_key, path, url, sha256, size, gzip, charset,
                 charset_rule, first_archived, last_archived, first_run,
                 warc_path, warc_entry, warc_offset, warc_length, warc_offsets, warc_record_id,
                 warc_target_uri, warc_date,
                 requested_url, final_url, redirects, http_status, content_type, fetched_at,
                 page, page_compression,
                 title, canonical_url, published, published_at, authors, site, lang)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10,
                 ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26,
                 ?27, ?28, ?29, ?30, ?31, ?32, ?33)",
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
                run,
                w.map(|w| &w.file),
                w.and_then(|w| w.entry.as_ref()),
                w.map(|w| w.offset as i64),
                w.map(|w| w.length as i64),
                w.map(|w| &w.offsets),
                w.and_then(|w| w.record_id.as_ref()),
                w.and_then(|w| w.target_uri.as_ref()),
                w.and_then(|w| w.date.as_ref()),
                f.map(|f| &f.requested_url),
                f.map(|f| &f.final_url),
                f.map(|f| serde_json::to_string(&f.redirects).unwrap_or_else(|_| "[]".into())),
                f.map(|f| f.status)
                    .or_else(|| w.and_then(|w| w.status))
                    .map(i64::from),
                f.and_then(|f| f.content_type.as_ref())
                    .or_else(|| w.and_then(|w| w.content_type.as_ref())),
                f.map(|f| &f.fetched_at),
                p.page,
                p.page.as_ref().map(|_| "gzip"),
                a.title,
                a.canonical_url,
                a.published,
                a.published_at,
                serde_json::to_string(&a.authors).unwrap_or_else(|_| "[]".into()),
                a.site,
                a.lang
            ])?;
            counts.sources_new += 1;
            tx.last_insert_rowid()
        }
    };
    for (post, frag) in s.posts.iter().zip(&p.fragments) {
        let keys = posts::Keys::of(post);
        let (row, conflicts) = match posts::lookup(tx, post, &keys)? {
            Some(row) => {
                if met.created.contains(&row) || !met.known.insert(row) {
                    counts.copies_merged += 1;
                } else {
                    counts.posts_known += 1;
                }
                (row, posts::merge(tx, row, post, &keys, at)?)
            }
            None => {
                counts.posts_new += 1;
                let row = posts::insert(tx, post, &keys, at)?;
                met.created.insert(row);
                (row, Default::default())
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
                p.version.as_deref().unwrap_or(VERSION),
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
