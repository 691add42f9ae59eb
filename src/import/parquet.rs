//! Parquet files, as the Spark job writes them: one row per sighting with the columns `record`
//! (the record as JSON text), `input` (the input's [`InputInfo`] as JSON text), `fragment`
//! (the raw bytes) and `fragment_truncated`; other columns (the record's fields spread out for
//! SQL) are not needed and not read. A file without `input` is read as bare records.

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;

use super::{Failed, info_of};
use crate::exchange::{InputInfo, Row};
use crate::post::Post;

/// The first bytes of every Parquet file.
pub(super) const MAGIC: &[u8] = b"PAR1";

/// The columns read.
const COLUMNS: [&str; 4] = ["record", "input", "fragment", "fragment_truncated"];

/// Hands every row of the Parquet file `name` (its `bytes`) to `put`, as a row or as a failure
/// naming the row.
pub(super) fn rows(
    name: &str,
    bytes: Vec<u8>,
    put: &mut dyn FnMut(Result<Row, Failed>) -> crate::Result<()>,
) -> crate::Result<()> {
    let fail = |why: String| Err((name.to_string(), why));
    let reader = match SerializedFileReader::new(bytes::Bytes::from(bytes)) {
        Ok(r) => r,
        Err(e) => return put(fail(format!("not a readable Parquet file ({e})"))),
    };
    let schema = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema();
    let fields: Vec<_> = schema
        .get_fields()
        .iter()
        .filter(|f| COLUMNS.contains(&f.name()))
        .cloned()
        .collect();
    if !fields.iter().any(|f| f.name() == "record") {
        return put(fail(
            "has no `record` column (the record as JSON text)".into(),
        ));
    }
    let projection = match Type::group_type_builder(schema.name())
        .with_fields(fields)
        .build()
    {
        Ok(t) => t,
        Err(e) => return put(fail(format!("its columns cannot be read ({e})"))),
    };
    let iter = match reader.get_row_iter(Some(projection)) {
        Ok(i) => i,
        Err(e) => return put(fail(format!("its rows cannot be read ({e})"))),
    };
    for (i, row) in iter.enumerate() {
        let at = || format!("{name} row {}", i + 1);
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                put(Err((
                    at(),
                    format!("cannot be read ({e}); the file's later rows were not read"),
                )))?;
                break;
            }
        };
        let mut record = None;
        let mut input = None;
        let mut fragment = None;
        let mut truncated = false;
        for (col, value) in row.get_column_iter() {
            match (col.as_str(), value) {
                ("record", Field::Str(s)) => record = Some(s.as_str()),
                ("input", Field::Str(s)) => input = Some(s.as_str()),
                ("fragment", Field::Bytes(b)) => fragment = Some(b.data().to_vec()),
                ("fragment", Field::Str(s)) => fragment = Some(s.as_bytes().to_vec()),
                ("fragment_truncated", Field::Bool(b)) => truncated = *b,
                _ => {}
            }
        }
        put(row_of(record, input, fragment, truncated).map_err(|why| (at(), why)))?;
    }
    Ok(())
}

fn row_of(
    record: Option<&str>,
    input: Option<&str>,
    fragment: Option<Vec<u8>>,
    truncated: bool,
) -> Result<Row, String> {
    let record: Option<Post> = record
        .map(|s| serde_json::from_str(s).map_err(|e| format!("its `record` is not one ({e})")))
        .transpose()?;
    let input: InputInfo = match (input, &record) {
        (Some(s), _) => {
            serde_json::from_str(s).map_err(|e| format!("its `input` is not one ({e})"))?
        }
        (None, Some(post)) => info_of(post),
        (None, None) => return Err("has neither a record nor an input".into()),
    };
    let (fragment, fragment_hex) = match fragment {
        Some(b) => match String::from_utf8(b) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(hex::encode(e.as_bytes()))),
        },
        None => (None, None),
    };
    Ok(Row {
        record,
        input,
        fragment,
        fragment_hex,
        fragment_truncated: truncated,
    })
}
