//! The `posts` table: finding the post a record belongs to, inserting a new one, merging a
//! copy into a stored one, and reading stored posts back as records.
//!
//! Identity: a post is platform and post ID where it has one, otherwise platform, handle, date
//! and normalised text ([`Post::identity`]). A flattened copy (no ID) and an HTML copy (with ID)
//! of the same post share handle, date and text, so they are joined through their signature
//! (`sig_key`, [`Post::signature`]) into one post.
//!
//! Merging: the stored post takes the fields it lacks from the copy and keeps the ones it has;
//! the copy's differing values are returned as conflicts (kept on the sighting). This is the
//! same merge that joins copies of a post within one page ([`Post::merge_from`]).

use std::sync::LazyLock;

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Row, Transaction, params, params_from_iter};
use serde_json::{Map, Value};

use crate::post::{Conflicts, Form, Kind, Platform, Post, Source};

/// The record's fields as columns of `posts`: every field of the serialised record but `source`
/// (a stored post's provenance is its sightings), with whether the field is a list (stored as
/// JSON text). Derived from the record itself, so a new field needs only its schema step; a test
/// checks that the schema has a column for each.
struct Columns {
    names: Vec<String>,
    lists: Vec<bool>,
}

static COLUMNS: LazyLock<Columns> = LazyLock::new(|| {
    let template = Post::new(Platform::Twitter, Kind::Embed, Form::Text, "");
    let (names, lists) = template
        .to_map()
        .into_iter()
        .filter(|(k, _)| k != "source")
        .map(|(k, v)| (k, v.is_array()))
        .unzip();
    Columns { names, lists }
});

/// The record columns as a select list, each prefixed with `prefix` (`p.`).
pub(crate) fn select_list(prefix: &str) -> String {
    COLUMNS
        .names
        .iter()
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A record's column values, in column order.
fn values(p: &Post) -> Vec<SqlValue> {
    let map = p.to_map();
    COLUMNS
        .names
        .iter()
        .map(|c| to_sql(map.get(c).unwrap_or(&Value::Null)))
        .collect()
}

fn to_sql(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// Reads the record columns (selected with [`select_list`]) starting at column `at`. The
/// record's `source` is left empty: a stored post's provenance is its sightings.
pub(crate) fn read(r: &Row<'_>, at: usize) -> rusqlite::Result<Post> {
    let mut map = Map::new();
    for (i, (name, list)) in COLUMNS.names.iter().zip(&COLUMNS.lists).enumerate() {
        let v: Option<String> = r.get(at + i)?;
        let v = match v {
            None => Value::Null,
            Some(s) if *list => serde_json::from_str(&s).unwrap_or(Value::Array(Vec::new())),
            Some(s) => Value::String(s),
        };
        map.insert(name.clone(), v);
    }
    map.insert(
        "source".into(),
        serde_json::to_value(Source::default()).unwrap_or(Value::Null),
    );
    Post::from_map(map).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            at,
            rusqlite::types::Type::Text,
            "a stored post that is not a record".into(),
        )
    })
}

/// A record's identity and signature ([`Post::identity`], [`Post::signature`]), worked out once
/// for the look-up, the insert and the merge that follow.
pub(crate) struct Keys {
    identity: String,
    signature: Option<String>,
}

impl Keys {
    pub(crate) fn of(p: &Post) -> Keys {
        Keys {
            identity: p.identity(),
            signature: p.signature(),
        }
    }
}

/// The stored post a record belongs to: by identity, or by signature when one of the two
/// copies lacks the ID.
pub(crate) fn lookup(tx: &Transaction<'_>, p: &Post, keys: &Keys) -> rusqlite::Result<Option<i64>> {
    let by_identity = |tx: &Transaction<'_>| -> rusqlite::Result<Option<i64>> {
        tx.prepare_cached("SELECT id FROM posts WHERE identity = ?1")?
            .query_row([&keys.identity], |r| r.get(0))
            .optional()
    };
    let by_signature = |tx: &Transaction<'_>, sql: &str, sig: &str| {
        tx.prepare_cached(sql)?
            .query_row([sig], |r| r.get::<_, i64>(0))
            .optional()
    };
    let sig = &keys.signature;
    if p.post_id.is_some() {
        if let Some(id) = by_identity(tx)? {
            return Ok(Some(id));
        }
        // An ID-less copy archived earlier becomes this post.
        return match sig {
            Some(k) => by_signature(
                tx,
                "SELECT id FROM posts WHERE sig_key = ?1 AND post_id IS NULL ORDER BY id LIMIT 1",
                k,
            ),
            None => Ok(None),
        };
    }
    match sig {
        Some(k) => by_signature(
            tx,
            "SELECT id FROM posts WHERE sig_key = ?1 ORDER BY post_id IS NULL, id LIMIT 1",
            k,
        ),
        None => by_identity(tx),
    }
}

/// Inserts a new post and returns its row ID.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    p: &Post,
    keys: &Keys,
    at: &str,
) -> rusqlite::Result<i64> {
    let cols = COLUMNS.names.join(", ");
    let marks = (0..COLUMNS.names.len())
        .map(|i| format!("?{}", i + 5))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO posts (identity, sig_key, first_seen, last_seen, {cols})
         VALUES (?1, ?2, ?3, ?4, {marks})"
    );
    let mut args = vec![
        SqlValue::Text(keys.identity.clone()),
        keys.signature
            .clone()
            .map_or(SqlValue::Null, SqlValue::Text),
        SqlValue::Text(at.to_string()),
        SqlValue::Text(at.to_string()),
    ];
    args.extend(values(p));
    tx.prepare_cached(&sql)?.execute(params_from_iter(&args))?;
    let row = tx.last_insert_rowid();
    // The index entry, as stored (see `migrate_005.sql` for why no trigger makes it).
    let column = |name: &str| {
        COLUMNS
            .names
            .iter()
            .position(|c| c == name)
            .map_or(SqlValue::Null, |i| args[4 + i].clone())
    };
    tx.prepare_cached(
        "INSERT INTO posts_fts(rowid, text, handle, display_name)
         VALUES (?1, embedvault_fold(?2), embedvault_fold(?3), embedvault_fold(?4))",
    )?
    .execute(params![
        row,
        column("text"),
        column("handle"),
        column("display_name")
    ])?;
    Ok(row)
}

/// Merges a copy into the stored post `row` and returns the copy's conflicting values. A post
/// known only as a mention becomes an embed (with that copy's form and detector) once any copy
/// is an embed.
pub(crate) fn merge(
    tx: &Transaction<'_>,
    row: i64,
    p: &Post,
    keys: &Keys,
    at: &str,
) -> rusqlite::Result<Conflicts> {
    let sql = format!("SELECT {} FROM posts WHERE id = ?1", select_list(""));
    let before = tx.prepare_cached(&sql)?.query_row([row], |r| read(r, 0))?;
    let mut merged = before.clone();
    let conflicts = merged.merge_from(p);
    if merged.kind == Kind::Mention && p.kind == Kind::Embed {
        merged.kind = Kind::Embed;
        merged.form = p.form;
        merged.detector = p.detector.clone();
    }
    let (old, new) = (values(&before), values(&merged));
    for (i, name) in COLUMNS.names.iter().enumerate() {
        if old[i] != new[i] {
            // Column names come from the fixed list above, never from input.
            let sql = format!("UPDATE posts SET {name} = ?2 WHERE id = ?1");
            tx.prepare_cached(&sql)?
                .execute(params![row, new[i].clone()])?;
        }
    }
    if before.post_id.is_none() && merged.post_id.is_some() {
        tx.prepare_cached("UPDATE posts SET identity = ?2 WHERE id = ?1")?
            .execute(params![row, merged.identity()])?;
    }
    // Keep the join key current once the merged post has everything it needs.
    tx.prepare_cached(
        "UPDATE posts SET last_seen = ?2, sig_key = coalesce(sig_key, ?3) WHERE id = ?1",
    )?
    .execute(params![row, at, keys.signature])?;
    Ok(conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_has_a_column_for_every_field_of_the_record() {
        let store = super::super::Store::open_in_memory().expect("store");
        let conn = store.conn();
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info('posts')")
            .expect("table info");
        let have: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("names");
        for name in &COLUMNS.names {
            assert!(
                have.contains(name),
                "the record's field {name} has no column"
            );
        }
        assert_eq!(COLUMNS.names.len() + 1, Post::field_names().len());
        assert!(COLUMNS.lists.iter().filter(|l| **l).count() >= 3);
    }
}
