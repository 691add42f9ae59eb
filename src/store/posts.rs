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

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Row, Transaction, params, params_from_iter};
use serde_json::{Map, Value};

use crate::post::{Conflicts, Kind, Post, Source};

/// The record's fields stored as columns of `posts`, by their JSON names (lists as JSON text).
/// Provenance (`source`) lives in `sources` and `sightings`. A test checks that every other
/// field of the record has its column here.
pub(crate) const RECORD_COLUMNS: &[&str] = &[
    "platform",
    "kind",
    "form",
    "post_id",
    "url",
    "handle",
    "display_name",
    "date_text",
    "date",
    "created_at",
    "lang",
    "text",
    "media",
    "links",
    "quoted_url",
    "detector",
    "notes",
];

/// The record columns as a select list, each prefixed with `prefix` (`p.`).
pub(crate) fn select_list(prefix: &str) -> String {
    RECORD_COLUMNS
        .iter()
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A record's column values, in [`RECORD_COLUMNS`] order.
fn values(p: &Post) -> Vec<SqlValue> {
    let map = p.to_map();
    RECORD_COLUMNS
        .iter()
        .map(|c| to_sql(map.get(*c).unwrap_or(&Value::Null)))
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
    for (i, name) in RECORD_COLUMNS.iter().enumerate() {
        let v: Option<String> = r.get(at + i)?;
        let v = match v {
            None => Value::Null,
            Some(s) if matches!(*name, "media" | "links" | "notes") => {
                serde_json::from_str(&s).unwrap_or(Value::Array(Vec::new()))
            }
            Some(s) => Value::String(s),
        };
        map.insert((*name).to_string(), v);
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

/// The stored post a record belongs to: by identity, or by signature when one of the two
/// copies lacks the ID.
pub(crate) fn lookup(tx: &Transaction<'_>, p: &Post) -> rusqlite::Result<Option<i64>> {
    let by_identity = |tx: &Transaction<'_>| -> rusqlite::Result<Option<i64>> {
        tx.prepare_cached("SELECT id FROM posts WHERE identity = ?1")?
            .query_row([p.identity()], |r| r.get(0))
            .optional()
    };
    let by_signature = |tx: &Transaction<'_>, sql: &str, sig: &str| {
        tx.prepare_cached(sql)?
            .query_row([sig], |r| r.get::<_, i64>(0))
            .optional()
    };
    let sig = p.signature();
    if p.post_id.is_some() {
        if let Some(id) = by_identity(tx)? {
            return Ok(Some(id));
        }
        // An ID-less copy archived earlier becomes this post.
        return match &sig {
            Some(k) => by_signature(
                tx,
                "SELECT id FROM posts WHERE sig_key = ?1 AND post_id IS NULL ORDER BY id LIMIT 1",
                k,
            ),
            None => Ok(None),
        };
    }
    match &sig {
        Some(k) => by_signature(
            tx,
            "SELECT id FROM posts WHERE sig_key = ?1 ORDER BY post_id IS NULL, id LIMIT 1",
            k,
        ),
        None => by_identity(tx),
    }
}

/// Inserts a new post and returns its row ID.
pub(crate) fn insert(tx: &Transaction<'_>, p: &Post, at: &str) -> rusqlite::Result<i64> {
    let cols = RECORD_COLUMNS.join(", ");
    let marks = (0..RECORD_COLUMNS.len())
        .map(|i| format!("?{}", i + 5))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO posts (identity, sig_key, first_seen, last_seen, {cols})
         VALUES (?1, ?2, ?3, ?4, {marks})"
    );
    let mut args = vec![
        SqlValue::Text(p.identity()),
        p.signature().map_or(SqlValue::Null, SqlValue::Text),
        SqlValue::Text(at.to_string()),
        SqlValue::Text(at.to_string()),
    ];
    args.extend(values(p));
    tx.prepare_cached(&sql)?.execute(params_from_iter(args))?;
    Ok(tx.last_insert_rowid())
}

/// Merges a copy into the stored post `row` and returns the copy's conflicting values. A post
/// known only as a mention becomes an embed (with that copy's form and detector) once any copy
/// is an embed.
pub(crate) fn merge(
    tx: &Transaction<'_>,
    row: i64,
    p: &Post,
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
    for (i, name) in RECORD_COLUMNS.iter().enumerate() {
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
    .execute(params![row, at, p.signature()])?;
    Ok(conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_record_has_a_column() {
        let p = Post::new(
            crate::post::Platform::Twitter,
            Kind::Embed,
            crate::post::Form::Text,
            "x",
        );
        for name in p.to_map().keys() {
            assert!(
                name == "source" || RECORD_COLUMNS.contains(&name.as_str()),
                "the record's field {name} has no column"
            );
        }
        assert_eq!(RECORD_COLUMNS.len() + 1, p.to_map().len());
    }
}
