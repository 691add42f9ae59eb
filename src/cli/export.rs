//! `embedvault export`: the archive, or the posts the filters select, as records for other
//! tools — one per post or one per sighting, as JSON lines, one JSON array or CSV.

use std::io::{self, BufWriter, Write};

use embedvault::{Sighting, StoredPost};
use serde_json::{Map, Value};

use super::query::{csv_columns, csv_fields, write_csv_rows};
use super::{Exit, ExportArgs, ExportFormat, KindArg};

pub(super) fn run(a: ExportArgs) -> anyhow::Result<Exit> {
    let archive = super::open_read_only(&a.db.db)?;
    let posts = archive.query(&a.filter.filter_or(None, KindArg::All))?;
    let out = BufWriter::new(io::stdout().lock());
    match (a.format, a.sightings) {
        (ExportFormat::Csv, false) => {
            let rows = posts
                .iter()
                .map(csv_fields)
                .collect::<io::Result<Vec<_>>>()?;
            write_csv_rows(out, &csv_columns(), &rows, !a.csv_raw)?;
        }
        (ExportFormat::Csv, true) => {
            let mut columns = csv_columns();
            columns.extend(SIGHTING_COLUMNS.iter().map(|c| c.to_string()));
            let mut rows = Vec::new();
            for p in &posts {
                for (i, s) in p.sightings.iter().enumerate() {
                    rows.push(sighting_row(p, i, s)?);
                }
            }
            write_csv_rows(out, &columns, &rows, !a.csv_raw)?;
        }
        (format, per_sighting) => {
            let mut w = Records::new(out, format == ExportFormat::Json);
            for p in &posts {
                if per_sighting {
                    for (i, s) in p.sightings.iter().enumerate() {
                        w.write(&sighting_record(p, i, s)?)?;
                    }
                } else {
                    w.write(&serde_json::to_value(p)?)?;
                }
            }
            w.finish()?;
        }
    }
    Ok(Exit::Ok)
}

/// The columns a sighting row adds to a post row (the sighting's path, URL, SHA-256, span and
/// line replace the first sighting's in the post's columns).
const SIGHTING_COLUMNS: &[&str] = &[
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

/// A post's record for one of its sightings: the post's fields and archive_id, `source` set to
/// this sighting's provenance, the sighting itself under `sighting` (with its 1-based number).
fn sighting_record(p: &StoredPost, i: usize, s: &Sighting) -> io::Result<Value> {
    let Value::Object(mut m) = serde_json::to_value(p)? else {
        return Ok(Value::Null);
    };
    m.remove("sightings");
    let mut source = Map::new();
    source.insert("path".into(), serde_json::to_value(&s.path)?);
    source.insert("url".into(), serde_json::to_value(&s.url)?);
    source.insert("sha256".into(), Value::from(s.sha256.clone()));
    source.insert("start".into(), Value::from(s.start));
    source.insert("end".into(), Value::from(s.end));
    source.insert("line".into(), Value::from(s.line));
    source.insert("charset".into(), Value::from(s.charset.clone()));
    source.insert("charset_rule".into(), Value::from(s.charset_rule.clone()));
    m.insert("source".into(), Value::Object(source));
    let mut sighting = match serde_json::to_value(s)? {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    sighting.insert("number".into(), Value::from(i + 1));
    m.insert("sighting".into(), Value::Object(sighting));
    Ok(Value::Object(m))
}

/// A CSV row for one sighting: the post's cells with this sighting's provenance in place of the
/// first's, then the sighting's own columns.
fn sighting_row(p: &StoredPost, i: usize, s: &Sighting) -> io::Result<Map<String, Value>> {
    let mut m = csv_fields(p)?;
    for (k, v) in [
        ("path", serde_json::to_value(&s.path)?),
        ("source_url", serde_json::to_value(&s.url)?),
        ("sha256", Value::from(s.sha256.clone())),
        ("start", Value::from(s.start)),
        ("end", Value::from(s.end)),
        ("line", Value::from(s.line)),
        ("sighting", Value::from(i + 1)),
        ("sighting_kind", Value::from(s.kind.clone())),
        ("sighting_form", Value::from(s.form.clone())),
        ("sighting_detector", Value::from(s.detector.clone())),
        ("archived_at", Value::from(s.archived_at.clone())),
        ("run", Value::from(s.run)),
        ("version", Value::from(s.version.clone())),
        ("charset", Value::from(s.charset.clone())),
        ("charset_rule", Value::from(s.charset_rule.clone())),
        ("conflicts", s.conflicts.clone()),
    ] {
        m.insert(k.into(), v);
    }
    Ok(m)
}

/// JSON lines, or one JSON array, written as they come.
struct Records<W: Write> {
    out: W,
    array: bool,
    count: usize,
}

impl<W: Write> Records<W> {
    fn new(out: W, array: bool) -> Self {
        Records {
            out,
            array,
            count: 0,
        }
    }

    fn write(&mut self, v: &Value) -> io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        }
        serde_json::to_writer(&mut self.out, v)?;
        if !self.array {
            self.out.write_all(b"\n")?;
        }
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}
