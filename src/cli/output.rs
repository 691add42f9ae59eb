//! Printing records: JSON lines, one JSON array, or a table, streamed to standard output as
//! they come (a table is drawn once all its rows are known, to align them).

use std::io::{self, BufWriter, Stdout, Write};

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
            table: Table::new(header, header.len().saturating_sub(1), TEXT_WIDTH),
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

/// `-` for a missing value.
pub(super) fn or_dash(v: Option<&str>) -> String {
    v.map_or_else(|| "-".to_string(), str::to_string)
}

/// A handle as shown: `@handle`, or `-`.
pub(super) fn at_handle(h: Option<&str>) -> String {
    h.map_or_else(|| "-".to_string(), |h| format!("@{h}"))
}
