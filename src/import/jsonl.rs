//! JSON lines: rows as [`Row`] writes them (`record`, `input`, `fragment`…, with `record` and
//! `input` as objects or as JSON text, as a table's string columns hold them), bare records as
//! `embedvault scan --format jsonl` writes them, or stored posts as `embedvault export` and
//! `query --format jsonl` write them (every sighting one row). Gzip-compressed files are read
//! too.

use serde_json::Value;

use super::{Failed, info_of};
use crate::exchange::{InputInfo, Row};
use crate::post::{Post, UnknownName};

/// Hands every line of `bytes` (from the file `name`) to `put` as a row or as a failure
/// naming the line.
pub(super) fn rows(
    name: &str,
    bytes: &[u8],
    put: &mut dyn FnMut(Result<Row, Failed>) -> crate::Result<()>,
) -> crate::Result<()> {
    let inflated;
    let bytes = if crate::discover::gzip::is_gzip(bytes) {
        match crate::discover::gzip::decompress(bytes, u64::MAX) {
            Ok(b) => {
                inflated = b;
                &inflated[..]
            }
            Err(_) => return put(Err((name.to_string(), "its gzip data is corrupt".into()))),
        }
    } else {
        bytes
    };
    let mut any = false;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        any = true;
        let at = || format!("{name}:{}", i + 1);
        match serde_json::from_slice::<Value>(line)
            .map_err(|e| format!("not JSON ({e})"))
            .and_then(rows_of)
        {
            Ok(rows) => {
                for row in rows {
                    put(Ok(row))?;
                }
            }
            Err(why) => put(Err((at(), why)))?,
        }
    }
    if !any {
        put(Err((name.to_string(), "holds no rows".into())))?;
    }
    Ok(())
}

/// The rows of one JSON value: a row, a bare record, or a stored post (one per sighting).
fn rows_of(v: Value) -> Result<Vec<Row>, String> {
    if let Value::Object(map) = &v
        && let Some(Value::Array(sightings)) = map.get("sightings")
        && map.contains_key("archive_id")
    {
        let sightings = sightings.clone();
        return stored_rows(map.clone(), sightings);
    }
    row_of(v).map(|r| vec![r])
}

/// The rows of a stored post: for each sighting, the record as found there when the line
/// carries it (`show --format json`), else the post with that sighting's provenance, form,
/// kind and detector; the input as the sighting names it, with the version that found it; the
/// fragment when the line carries it.
fn stored_rows(
    mut post: serde_json::Map<String, Value>,
    sightings: Vec<Value>,
) -> Result<Vec<Row>, String> {
    post.remove("sightings");
    post.remove("archive_id");
    let mut rows = Vec::new();
    for (i, s) in sightings.into_iter().enumerate() {
        let bad = |e: String| format!("its sighting {} is not one ({e})", i + 1);
        let sighting: crate::query::Sighting =
            serde_json::from_value(s.clone()).map_err(|e| bad(e.to_string()))?;
        let mut record: Post = match s.get("record") {
            Some(r @ Value::Object(_)) => {
                serde_json::from_value(r.clone()).map_err(|e| bad(e.to_string()))?
            }
            _ => {
                let mut p: Post = serde_json::from_value(Value::Object(post.clone()))
                    .map_err(|e| format!("not a stored post ({e})"))?;
                p.form = sighting
                    .form
                    .parse()
                    .map_err(|e: UnknownName| bad(e.to_string()))?;
                p.kind = sighting
                    .kind
                    .parse()
                    .map_err(|e: UnknownName| bad(e.to_string()))?;
                p.detector = sighting.detector.clone();
                p
            }
        };
        let src = &mut record.source;
        src.path = sighting.path.clone();
        src.url = sighting.url.clone();
        src.sha256 = sighting.sha256.clone();
        src.start = sighting.start.max(0) as usize;
        src.end = sighting.end.max(0) as usize;
        src.line = sighting.line.max(0) as usize;
        src.charset = sighting.charset.clone();
        src.charset_rule = sighting.charset_rule.clone();
        src.copies = sighting.copies.clone();
        src.site = sighting.site.clone();
        src.warc = sighting.warc.clone();
        src.fetch = sighting.fetch.clone();
        let mut input = info_of(&record);
        input.version = sighting.version.clone();
        if let Some(a) = sighting.article.clone() {
            input.article = a;
        }
        rows.push(Row {
            record: Some(record),
            input,
            fragment: sighting.fragment.clone(),
            fragment_hex: None,
            fragment_truncated: sighting.fragment_truncated.unwrap_or(false),
        });
    }
    Ok(rows)
}

/// A row from one JSON value.
fn row_of(v: Value) -> Result<Row, String> {
    let Value::Object(mut map) = v else {
        return Err("not a JSON object".into());
    };
    if !map.contains_key("input") {
        if map.contains_key("platform") && map.contains_key("source") {
            let post: Post = serde_json::from_value(Value::Object(map))
                .map_err(|e| format!("not a record ({e})"))?;
            let input = info_of(&post);
            return Ok(Row {
                record: Some(post),
                input,
                ..Row::default()
            });
        }
        return Err(
            "neither a row (with `input`) nor a record (with `platform` and `source`)".into(),
        );
    }
    let input: InputInfo = from_object_or_text(map.remove("input").unwrap_or(Value::Null))
        .map_err(|e| format!("its `input` is not one ({e})"))?;
    let record: Option<Post> = match map.remove("record") {
        None | Some(Value::Null) => None,
        Some(v) => {
            Some(from_object_or_text(v).map_err(|e| format!("its `record` is not one ({e})"))?)
        }
    };
    let text = |v: Option<Value>| match v {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Ok(Row {
        record,
        input,
        fragment: text(map.remove("fragment")),
        fragment_hex: text(map.remove("fragment_hex")),
        fragment_truncated: map
            .remove("fragment_truncated")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    })
}

/// A value given as a JSON object or as JSON text holding one.
fn from_object_or_text<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, String> {
    match v {
        Value::String(s) => serde_json::from_str(&s).map_err(|e| e.to_string()),
        v => serde_json::from_value(v).map_err(|e| e.to_string()),
    }
}
