//! Printing records: JSON lines, one JSON array, or a table, streamed to standard output as
//! they come (a table is drawn once all its rows are known, to align them).

use std::io::{self, BufWriter, Stdout, Write};

use embedvault::Post;
use serde::Serialize;

use super::table::{Table, terminal_width};

/// The widest a post's text is shown in a table.
pub(super) const TEXT_WIDTH: usize = 60;

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// A table, drawn at the end.
    Table,
}

/// Writes records to stdout in one shape.
pub(super) struct Printer {
    shape: Shape,
    out: BufWriter<Stdout>,
    count: usize,
    table: Table,
}

impl Printer {
    /// A printer whose table (if any) has these columns, the last one being the post's text.
    pub(super) fn new(shape: Shape, header: &[&str]) -> Printer {
        Printer {
            shape,
            out: BufWriter::new(io::stdout()),
            count: 0,
            table: Table::new(header, header.len().saturating_sub(1), TEXT_WIDTH)
                .bold_header(super::colour_stdout()),
        }
    }

    /// Writes one record; `row` gives its table cells.
    pub(super) fn record<T: Serialize>(
        &mut self,
        r: &T,
        row: impl FnOnce() -> Vec<String>,
    ) -> io::Result<()> {
        match self.shape {
            Shape::Jsonl => {
                serde_json::to_writer(&mut self.out, r)?;
                self.out.write_all(b"\n")?;
            }
            Shape::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, r)?;
            }
            Shape::Table => self.table.row(row()),
        }
        self.count += 1;
        Ok(())
    }

    /// Ends the output (closes the array, draws the table) and flushes it.
    pub(super) fn finish(mut self) -> io::Result<()> {
        match self.shape {
            Shape::Jsonl => {}
            Shape::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
            }
            Shape::Table => self.table.write(&mut self.out, terminal_width())?,
        }
        self.out.flush()
    }
}

/// The table columns every list of posts starts with.
pub(super) const POST_HEADER: [&str; 6] = ["PLATFORM", "KIND", "FORM", "POST_ID", "HANDLE", "DATE"];

/// A post's cells under [`POST_HEADER`], followed by `more`.
pub(super) fn post_cells(p: &Post, more: impl IntoIterator<Item = String>) -> Vec<String> {
    let dash = |v: Option<&str>| v.map_or_else(|| "-".to_string(), str::to_string);
    let mut cells = vec![
        p.platform.to_string(),
        p.kind.to_string(),
        p.form.to_string(),
        dash(p.post_id.as_deref()),
        p.handle
            .as_deref()
            .map_or_else(|| "-".to_string(), |h| format!("@{h}")),
        dash(p.date.as_deref()),
    ];
    cells.extend(more);
    cells
}
