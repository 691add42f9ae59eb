//! `embedvault query`: filtered posts from the archive as a table, JSON lines, JSON or CSV.

use std::io::{self, Write};

use embedvault::StoredPost;
use serde_json::{Map, Value};

use super::output::{POST_HEADER, Printer, Shape, post_cells};
use super::{Exit, QueryArgs, QueryFormat};

pub(super) fn run(a: QueryArgs) -> anyhow::Result<Exit> {
    let archive = super::open_read_only(&a.db.db)?;
    let filter = a.filter.filter(a.limit);
    let posts = archive.query(&filter)?;
    let shape = match super::pick_format(a.format, QueryFormat::Table, QueryFormat::Jsonl) {
        QueryFormat::Csv => {
            return write_csv(io::stdout().lock(), &posts, !a.csv_raw, a.sightings)
                .map(|_| Exit::Ok);
        }
        _ if a.sightings => {
            anyhow::bail!("--sightings is a CSV layout: use it with --format csv");
        }
        QueryFormat::Jsonl => Shape::Jsonl,
        QueryFormat::Json => Shape::Json,
        QueryFormat::Table => Shape::Table,
    };
    // `#` is the archive's row number: every post can be named to `show`, with an ID or not.
    let header = [&["#"][..], &POST_HEADER[..], &["SEEN", "TEXT"]].concat();
    let mut out = Printer::new(shape, &header);
    for p in &posts {
        out.record(p, || row(p))?;
    }
    out.finish()?;
    Ok(Exit::Ok)
}

fn row(s: &StoredPost) -> Vec<String> {
    let text = s.post.text.clone().unwrap_or_else(|| "-".into());
    let mut cells = vec![s.archive_id.to_string()];
    cells.extend(post_cells(&s.post, [s.sightings.len().to_string(), text]));
    cells
}

/// The CSV columns in their published order; fields added to the record later follow them.
pub(super) const CSV_COLUMNS: &[&str] = &[
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
    "detector",
    "notes",
    "sightings",
    "path",
    "source_url",
    "sha256",
    "start",
    "end",
    "line",
];

/// A record's fields by CSV column: the record's own fields, its first sighting's provenance
/// inline, lists joined (notes by `; `, others by a space), and the number of sightings.
pub(super) fn csv_fields(p: &StoredPost) -> io::Result<Map<String, Value>> {
    let Value::Object(mut m) = serde_json::to_value(p)? else {
        return Ok(Map::new());
    };
    if let Some(Value::Object(src)) = m.remove("source") {
        for (k, v) in src {
            let k = if k == "url" {
                "source_url".to_string()
            } else {
                k
            };
            if matches!(
                k.as_str(),
                "path" | "source_url" | "sha256" | "start" | "end" | "line"
            ) {
                m.insert(k, v);
            }
        }
    }
    m.insert("sightings".into(), Value::from(p.sightings.len()));
    Ok(m)
}

fn cell(name: &str, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(if name == "notes" { "; " } else { " " }),
        Some(other) => other.to_string(),
    }
}

/// What a cell a spreadsheet would run as a formula starts with (OWASP's list, and the fullwidth
/// forms some spreadsheets read as the same).
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A cell made safe for a spreadsheet: one that starts like a formula gets a `'` in front (the
/// spreadsheet then shows it as text, without the quote). A post ID made of ID characters only
/// is left as it is: YouTube and Instagram IDs may start with `-`, and without brackets or
/// operators it cannot call anything.
fn neutralise(column: &str, cell: String) -> String {
    if !cell.starts_with(FORMULA_START) {
        return cell;
    }
    let id_like = cell
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/'));
    if column == "post_id" && id_like {
        return cell;
    }
    format!("'{cell}")
}

/// The columns a row per sighting adds after the post's: how the post was seen there. Where it
/// was seen (path, source_url, sha256, start, end, line) fills the post's provenance columns.
pub(super) const SIGHTING_COLUMNS: &[&str] = &[
    "sighting",
    "sighting_kind",
    "sighting_form",
    "sighting_detector",
    "archived_at",
    "run",
    "version",
    "charset",
    "charset_rule",
    "conflicts",
];

/// One row per sighting: the post's fields with this sighting's provenance and how it was
/// seen there.
pub(super) fn sighting_rows(p: &StoredPost) -> io::Result<Vec<Map<String, Value>>> {
    let post = csv_fields(p)?;
    let mut rows = Vec::new();
    for (i, s) in p.sightings.iter().enumerate() {
        let mut m = post.clone();
        let Value::Object(seen) = serde_json::to_value(s)? else {
            continue;
        };
        for (k, v) in seen {
            let k = match k.as_str() {
                "url" => "source_url".to_string(),
                "kind" | "form" | "detector" => format!("sighting_{k}"),
                "conflicts" if v.as_object().is_some_and(|o| o.is_empty()) => continue,
                "conflicts" => {
                    m.insert(k, Value::String(v.to_string()));
                    continue;
                }
                _ => k,
            };
            if k == "copies" {
                continue;
            }
            m.insert(k, v);
        }
        m.insert("sighting".into(), Value::from(i + 1));
        rows.push(m);
    }
    Ok(rows)
}

/// The CSV columns of a post row (and, with `per_sighting`, of a sighting row): the published
/// ones, then any the record has gained since, in record order.
pub(super) fn csv_columns(per_sighting: bool) -> Vec<String> {
    let mut columns: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
    for k in StoredPost::field_names() {
        if !columns.contains(&k) && k != "source" {
            columns.push(k);
        }
    }
    if per_sighting {
        columns.extend(SIGHTING_COLUMNS.iter().map(|c| c.to_string()));
    }
    columns
}

/// CSV rows, one per post or, with `per_sighting`, one per sighting. Every field is quoted so
/// that spreadsheet tools keep 19-digit IDs as text; with `safe`, cells that would run as
/// formulas are neutralised (see [`neutralise`]).
pub(super) fn csv_rows(
    posts: &[StoredPost],
    per_sighting: bool,
) -> io::Result<Vec<Map<String, Value>>> {
    if per_sighting {
        let mut rows = Vec::new();
        for p in posts {
            rows.extend(sighting_rows(p)?);
        }
        Ok(rows)
    } else {
        posts.iter().map(csv_fields).collect()
    }
}

fn write_csv<W: Write>(
    out: W,
    posts: &[StoredPost],
    safe: bool,
    per_sighting: bool,
) -> anyhow::Result<()> {
    let rows = csv_rows(posts, per_sighting)?;
    write_csv_rows(out, &csv_columns(per_sighting), &rows, safe)
}

/// CSV rows by column name, every cell quoted, neutralised when `safe`.
pub(super) fn write_csv_rows<W: Write>(
    out: W,
    columns: &[String],
    rows: &[Map<String, Value>],
    safe: bool,
) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(out);
    w.write_record(columns)?;
    for m in rows {
        w.write_record(columns.iter().map(|c| {
            let v = cell(c, m.get(c));
            if safe { neutralise(c, v) } else { v }
        }))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised_and_ids_kept() {
        for (column, given, written) in [
            (
                "display_name",
                "=HYPERLINK(\"http://evil.example\")",
                "'=HYPERLINK(\"http://evil.example\")",
            ),
            ("text", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("text", "-2+3", "'-2+3"),
            (
                "text",
                "@SUM(1+1)*cmd|' /C calc'!A0",
                "'@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            ("handle", "\t=1", "'\t=1"),
            ("notes", "\r=1", "'\r=1"),
            ("text", "＝1+1", "'＝1+1"),
            ("text", "plain = text", "plain = text"),
            ("text", "", ""),
            ("post_id", "-dQw4w9WgXc", "-dQw4w9WgXc"),
            ("post_id", "wall-1_45616", "wall-1_45616"),
            ("post_id", "-1+cmd|x", "'-1+cmd|x"),
            ("post_id", "=1", "'=1"),
            ("path", "-page.html", "'-page.html"),
        ] {
            assert_eq!(
                neutralise(column, given.to_string()),
                written,
                "{column} {given:?}"
            );
        }
    }
}
