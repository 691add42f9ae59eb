//! JSON lines: rows as [`Row`] writes them (`record`, `input`, `fragment`…, with `record` and
//! `input` as objects or as JSON text, as a table's string columns hold them), or bare records
//! as `embedvault scan --format jsonl` writes them. Gzip-compressed files are read too.

use serde_json::Value;

use super::{Failed, info_of};
use crate::exchange::{InputInfo, Row};
use crate::post::Post;

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
        let row = serde_json::from_slice::<Value>(line)
            .map_err(|e| format!("not JSON ({e})"))
            .and_then(row_of);
        put(row.map_err(|why| (at(), why)))?;
    }
    if !any {
        put(Err((name.to_string(), "holds no rows".into())))?;
    }
    Ok(())
}

/// A row from one JSON value.
pub(super) fn row_of(v: Value) -> Result<Row, String> {
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
