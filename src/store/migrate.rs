//! Numbered schema migrations on `PRAGMA user_version`, and what a database file is: an
//! embedvault archive, a blank database, another application's file, or an archive from a
//! newer embedvault.
//!
//! Every missing step is applied in one `BEGIN IMMEDIATE` transaction that first takes the write
//! lock and then reads the version again, so any number of processes opening one database at
//! once create or upgrade it exactly once: the others wait on the lock and find it current. A
//! database newer than the last step, or one that is not an archive, is refused and never
//! touched.

use rusqlite::{Connection, TransactionBehavior};

/// The migration steps, in order. Step 1 is the whole initial schema; later steps change it.
pub const STEPS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("migrate_002.sql"),
    include_str!("migrate_003.sql"),
    include_str!("migrate_004.sql"),
    include_str!("migrate_005.sql"),
];

/// The schema version this build writes.
pub const CURRENT: i64 = STEPS.len() as i64;

/// `PRAGMA application_id` of an embedvault archive: the ASCII bytes `EmVt` (0x456D5674,
/// 1164793460), written in the file header at offset 68. Archives made before the id was set
/// have 0 there and are recognised by their tables; they get the id on their next write open.
pub const APPLICATION_ID: i32 = 0x456D_5674;

/// The tables every version of the schema has: an application-id-less file holding all of them
/// (and a `user_version` of at least 1) is an archive written before the id was set.
const CORE_TABLES: &[&str] = &["runs", "sources", "posts", "sightings", "failures"];

/// What a database file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No schema objects at all: a new archive can be made in it.
    Blank,
    /// An embedvault archive at this schema version; `id_set` says whether it carries the
    /// application id.
    Archive {
        /// Its schema version.
        version: i64,
        /// Whether `PRAGMA application_id` is embedvault's.
        id_set: bool,
    },
    /// An embedvault archive (or a blank file marked with a version) newer than this build.
    TooNew(i64),
    /// Another application's database; the text says what gave it away.
    Foreign(String),
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The schema was already current (the application id may have been set).
    Current,
    /// Steps were applied, from the first version to the second.
    Upgraded(i64, i64),
    /// The database is newer than this build (its version is given); nothing was changed.
    TooNew(i64),
    /// The database is not an embedvault archive; nothing was changed.
    Foreign(String),
}

/// The database's schema version.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Reads what the database is, without writing anything. Run it inside one transaction, so
/// that the header and the tables it reads are of one state of the database.
pub fn inspect(conn: &Connection) -> rusqlite::Result<Found> {
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let v = version(conn)?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if app == APPLICATION_ID || (app == 0 && objects == 0) {
        return Ok(match v {
            v if v > CURRENT => Found::TooNew(v),
            0 if app == 0 => Found::Blank,
            v if app == 0 => {
                Found::Foreign(format!("a database with no tables but user_version {v}"))
            }
            v => Found::Archive {
                version: v,
                id_set: true,
            },
        });
    }
    if app != 0 {
        return Ok(Found::Foreign(format!(
            "application_id {app:#010x} belongs to another application"
        )));
    }
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
         ORDER BY name",
    )?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if v >= 1 && CORE_TABLES.iter().all(|t| tables.iter().any(|n| n == t)) {
        return Ok(if v > CURRENT {
            Found::TooNew(v)
        } else {
            Found::Archive {
                version: v,
                id_set: false,
            }
        });
    }
    let mut shown: Vec<&str> = tables.iter().map(String::as_str).take(5).collect();
    if tables.len() > shown.len() {
        shown.push("…");
    }
    Ok(Found::Foreign(if shown.is_empty() {
        "it holds schema objects other than embedvault's".to_string()
    } else {
        format!("it holds other tables: {}", shown.join(", "))
    }))
}

/// Applies every missing step and sets the application id, in one transaction that holds the
/// write lock from the start (waiting for it up to the connection's busy timeout). What the
/// database is, is decided again inside that transaction, so a file that changed since it was
/// looked at is still refused unchanged.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Outcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (from, id_set) = match inspect(&tx)? {
        Found::Blank => (0, false),
        Found::Archive { version, id_set } => (version, id_set),
        Found::TooNew(v) => return Ok(Outcome::TooNew(v)),
        Found::Foreign(why) => return Ok(Outcome::Foreign(why)),
    };
    if from == CURRENT && id_set {
        // Nothing to write: the transaction ends without changing the file.
        return Ok(Outcome::Current);
    }
    for step in STEPS.iter().skip(from as usize) {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", CURRENT)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(if from == CURRENT {
        Outcome::Current
    } else {
        Outcome::Upgraded(from, CURRENT)
    })
}
