//! Printing records as JSON lines, one JSON array, or a table.

use std::io::{self, BufWriter, Stdout, Write};

use embedvault::Post;

use super::Format;

/// Writes records to stdout in one format.
pub(super) struct Printer {
    format: Format,
    out: BufWriter<Stdout>,
    count: usize,
    rows: Vec<[String; 8]>,
}

impl Printer {
    pub(super) fn new(format: Format) -> Printer {
        Printer {
            format,
            out: BufWriter::new(io::stdout()),
            count: 0,
            rows: Vec::new(),
        }
    }

    pub(super) fn post(&mut self, p: &Post) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, p)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, p)?;
            }
            Format::Table => self.rows.push(row(p)),
        }
        self.count += 1;
        Ok(())
    }

    pub(super) fn finish(mut self) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {}
            Format::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
            }
            Format::Table => {
                let header = [
                    "PLATFORM", "KIND", "FORM", "POST_ID", "HANDLE", "DATE", "WHERE", "TEXT",
                ]
                .map(String::from);
                let mut rows = vec![header];
                rows.append(&mut self.rows);
                write_table(&mut self.out, &rows)?;
            }
        }
        self.out.flush()
    }
}

fn row(p: &Post) -> [String; 8] {
    let dash = || "-".to_string();
    let place = format!(
        "{}:{}",
        p.source.path.as_deref().unwrap_or("<stdin>"),
        p.source.line
    );
    let text = p
        .text
        .as_deref()
        .map(|t| truncate(&t.split_whitespace().collect::<Vec<_>>().join(" "), 60))
        .unwrap_or_else(dash);
    [
        p.platform.as_str().to_string(),
        p.kind.as_str().to_string(),
        p.form.as_str().to_string(),
        p.post_id.clone().unwrap_or_else(dash),
        p.handle.as_deref().map_or_else(dash, |h| format!("@{h}")),
        p.date.clone().unwrap_or_else(dash),
        place,
        text,
    ]
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Writes rows with columns padded to their widest cell (in characters); the last column is
/// not padded.
pub(super) fn write_table<W: Write, const N: usize>(
    w: &mut W,
    rows: &[[String; N]],
) -> io::Result<()> {
    let mut widths = [0usize; N];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i + 1 < N {
                let pad = widths[i] - c.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}
