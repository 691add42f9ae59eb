//! `embedvault export`: the archive, or the posts the filters select, as records for other
//! tools — one per post or one per sighting, as JSON lines, one JSON array or CSV.

use std::io::{self, BufWriter, Write};

use embedvault::{Sighting, StoredPost};
use serde_json::{Map, Value};

use super::query::{csv_columns, csv_rows, write_csv_rows};
use super::{Exit, ExportArgs, ExportFormat, KindArg};

pub(super) fn run(a: ExportArgs) -> anyhow::Result<Exit> {
    let archive = super::open_read_only(&a.db.db)?;
    let posts = archive.query(&a.filter.filter_or(None, KindArg::All))?;
    let out = BufWriter::new(io::stdout().lock());
    match (a.format, a.sightings) {
        (ExportFormat::Csv, per_sighting) => {
            let rows = csv_rows(&posts, per_sighting)?;
            write_csv_rows(out, &csv_columns(per_sighting), &rows, !a.csv_raw)?;
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
