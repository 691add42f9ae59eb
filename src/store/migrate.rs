//! Numbered schema migrations on `PRAGMA user_version`. Step N brings a database from version
//! N-1 to N inside one transaction; a database newer than the last step is refused, never
//! touched.

use rusqlite::Connection;

/// The migration steps, in order. Step 1 is the whole initial schema; later steps change it.
pub const STEPS: &[&str] = &[include_str!("schema.sql"), include_str!("migrate_002.sql")];

/// The schema version this build writes.
pub const CURRENT: i64 = STEPS.len() as i64;

/// What [`migrate`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The schema was already current.
    Current,
    /// Steps were applied, from the first version to the second.
    Upgraded(i64, i64),
    /// The database is newer than this build (its version is given).
    TooNew(i64),
}

/// The database's schema version.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies every missing step.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Outcome> {
    let from = version(conn)?;
    if from > CURRENT {
        return Ok(Outcome::TooNew(from));
    }
    if from == CURRENT {
        return Ok(Outcome::Current);
    }
    for (i, step) in STEPS.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(Outcome::Upgraded(from, CURRENT))
}
