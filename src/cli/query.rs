//! `embedvault query`: filtered posts from the archive as a table, JSON lines, JSON or CSV.

use std::io::{self, IsTerminal, Write};

use embedvault::query::{self, Filter, KindFilter, StoredPost};

use super::output::write_table;
use super::{EXIT_FATAL, EXIT_OK, KindArg, QueryArgs, QueryFormat};

pub(super) fn run(a: QueryArgs) -> u8 {
    let Some(store) = super::open_read_only(&a.db.db) else {
        return EXIT_FATAL;
    };
    let filter = Filter {
        platform: a.platform,
        handle: a.handle,
        search: a.search,
        since: a.since,
        until: a.until,
        source: a.source,
        kind: match a.kind {
            KindArg::Embed => KindFilter::Embed,
            KindArg::Mention => KindFilter::Mention,
            KindArg::All => KindFilter::All,
        },
        limit: a.limit,
    };
    let posts = match query::query(&store, &filter) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("embedvault: {e}");
            return EXIT_FATAL;
        }
    };
    let format = a.format.unwrap_or(if io::stdout().is_terminal() {
        QueryFormat::Table
    } else {
        QueryFormat::Jsonl
    });
    let r = print(&posts, format);
    match r {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("embedvault: cannot write output: {e}");
            EXIT_FATAL
        }
        _ => EXIT_OK,
    }
}

fn print(posts: &[StoredPost], format: QueryFormat) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        QueryFormat::Jsonl => {
            for p in posts {
                serde_json::to_writer(&mut out, p)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Json => {
            serde_json::to_writer_pretty(&mut out, posts)?;
            out.write_all(b"\n")?;
        }
        QueryFormat::Csv => write_csv(&mut out, posts)?,
        QueryFormat::Table => {
            let mut rows = vec![
                [
                    "PLATFORM", "KIND", "FORM", "POST_ID", "HANDLE", "DATE", "SEEN", "TEXT",
                ]
                .map(String::from),
            ];
            for p in posts {
                let dash = || "-".to_string();
                let text: String = p
                    .text
                    .as_deref()
                    .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                    .unwrap_or_else(dash);
                let text = if text.chars().count() > 60 {
                    let mut t: String = text.chars().take(59).collect();
                    t.push('…');
                    t
                } else {
                    text
                };
                rows.push([
                    p.platform.clone(),
                    p.kind.clone(),
                    p.form.clone(),
                    p.post_id.clone().unwrap_or_else(dash),
                    p.handle.as_deref().map_or_else(dash, |h| format!("@{h}")),
                    p.date.clone().unwrap_or_else(dash),
                    p.sightings.len().to_string(),
                    text,
                ]);
            }
            write_table(&mut out, &rows)?;
        }
    }
    out.flush()
}

const CSV_HEADER: &[&str] = &[
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

/// CSV: one row per post, the first sighting's provenance inline, list fields joined by a
/// space. Every field is quoted so that spreadsheet tools keep 19-digit IDs as text.
fn write_csv<W: Write>(out: W, posts: &[StoredPost]) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(out);
    w.write_record(CSV_HEADER)?;
    for p in posts {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let s = &p.source;
        w.write_record([
            p.platform.clone(),
            p.kind.clone(),
            p.form.clone(),
            o(&p.post_id),
            o(&p.url),
            o(&p.handle),
            o(&p.display_name),
            o(&p.date_text),
            o(&p.date),
            o(&p.created_at),
            o(&p.lang),
            o(&p.text),
            p.media.join(" "),
            p.links.join(" "),
            p.detector.clone(),
            p.notes.join("; "),
            p.sightings.len().to_string(),
            o(&s.path),
            o(&s.url),
            s.sha256.clone(),
            s.start.to_string(),
            s.end.to_string(),
            s.line.to_string(),
        ])?;
    }
    w.flush()
}
