//! Aligned tables for reading on a terminal, shared by every command that prints one.
//!
//! Columns are padded to their widest cell by display width (so emoji and CJK characters line
//! up), the last column is not padded, and when the table is wider than the terminal the one
//! flexible column (a post's text) is cut with `…` so that rows never wrap. Cells are cleaned
//! of control characters: text from pages must not act on the terminal.

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The narrowest the flexible column is cut to.
const MIN_FLEX: usize = 12;

/// A table: a header, rows of the same length, and the column that may be cut to fit.
pub(super) struct Table {
    header: Vec<String>,
    show_header: bool,
    indent: usize,
    rows: Vec<Vec<String>>,
    flex: usize,
    flex_max: usize,
}

impl Table {
    /// A table with these column names; column `flex` is cut to fit the terminal, and to at
    /// most `flex_max` characters in any case.
    pub(super) fn new(header: &[&str], flex: usize, flex_max: usize) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            show_header: true,
            indent: 0,
            rows: Vec::new(),
            flex,
            flex_max,
        }
    }

    /// A table of `columns` columns without a header row, indented by `indent` spaces.
    pub(super) fn headless(columns: usize, indent: usize, flex: usize, flex_max: usize) -> Table {
        Table {
            header: vec![String::new(); columns],
            show_header: false,
            indent,
            ..Table::new(&[], flex, flex_max)
        }
    }

    /// Adds a row (cells are cleaned; white space in them collapses to single spaces).
    pub(super) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .iter()
                .map(|c| clean(&c.split_whitespace().collect::<Vec<_>>().join(" ")))
                .collect(),
        );
    }

    /// Writes the table, fitted to `width` columns when given.
    pub(super) fn write(&self, w: &mut impl Write, width: Option<usize>) -> io::Result<()> {
        let n = self.header.len();
        let mut widths = vec![0usize; n];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(c.width());
            }
        }
        let mut flex_width = widths[self.flex].min(self.flex_max);
        if let Some(total) = width {
            let others: usize = widths
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != self.flex)
                .map(|(_, w)| w + 2)
                .sum();
            let room =
                total.saturating_sub(self.indent + others + if self.flex + 1 < n { 2 } else { 0 });
            flex_width = flex_width.min(room.max(MIN_FLEX));
        }
        widths[self.flex] = widths[self.flex].min(flex_width);
        let header = self.show_header.then_some(&self.header);
        for r in header.into_iter().chain(&self.rows) {
            let mut line = " ".repeat(self.indent);
            for (i, c) in r.iter().enumerate().take(n) {
                let cell = if i == self.flex {
                    cut(c, flex_width)
                } else {
                    c.clone()
                };
                let pad = widths[i].saturating_sub(cell.width());
                line.push_str(&cell);
                if i + 1 < n {
                    line.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            writeln!(w, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// `s` cut to at most `width` display columns, ending in `…` when cut.
pub(super) fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` with every control character (C0, DEL, C1: escape sequences, bells, carriage returns)
/// shown as U+FFFD, except newlines and tabs.
pub(super) fn clean(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// `s` for one line: every control character shown as U+FFFD, newlines and tabs included, so
/// that a name or a field cannot act on the terminal nor start a line of its own (a file named
/// `a\nembedvault: error: …` must not forge a message).
pub(super) fn clean_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// The terminal's width when standard output is one.
pub(super) fn terminal_width() -> Option<usize> {
    let term = console::Term::stdout();
    if !term.is_term() {
        return None;
    }
    term.size_checked().map(|(_, cols)| cols as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &Table, width: Option<usize>) -> String {
        let mut out = Vec::new();
        t.write(&mut out, width).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn rows_fit_the_width_and_align_wide_characters() {
        let mut t = Table::new(&["NAME", "TEXT", "SEEN"], 1, 60);
        t.row(vec!["@a".into(), "word ".repeat(30), "1".into()]);
        t.row(vec!["日本語".into(), "short".into(), "2".into()]);
        let out = render(&t, Some(40));
        for line in out.lines() {
            assert!(line.width() <= 40, "{line:?} is {} wide", line.width());
        }
        let seen: Vec<usize> = out
            .lines()
            .map(|l| {
                l.find(|c: char| c.is_ascii_digit() || c == 'S')
                    .map_or(0, |i| l[..i].width())
            })
            .collect();
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{out}");
        assert!(out.contains('…'));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let mut t = Table::new(&["TEXT"], 0, 60);
        t.row(vec!["a\u{1b}]52;c;ZXZpbA==\u{7}b\rc\u{9b}2J".into()]);
        let out = render(&t, None);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        // C0, DEL and the whole of C1 (U+0080–U+009F: CSI, OSC, ST…) are replaced.
        let all: String = (0u32..0x20)
            .chain(0x7F..0xA0)
            .filter_map(char::from_u32)
            .collect();
        let cleaned = clean(&all);
        assert_eq!(
            cleaned.chars().filter(|&c| c == '\u{fffd}').count(),
            all.chars().count() - 2
        );
        assert!(cleaned.contains('\n') && cleaned.contains('\t'));
        assert!(clean_line(&all).chars().all(|c| c == '\u{fffd}'));
    }

    #[test]
    fn cutting_a_cell_never_leaves_half_an_escape_sequence() {
        // Cells are cleaned when added and cut when drawn: an ESC is gone before any cut, so
        // whatever is cut away, no sequence can start. The cut falls inside an OSC here.
        for at in 0..70 {
            let cell = format!(
                "{}\u{1b}]8;;http://evil.example\u{7}link\u{9b}2J",
                "x".repeat(at)
            );
            let mut t = Table::new(&["TEXT", "N"], 0, 60);
            t.row(vec![cell, "1".into()]);
            for width in [None, Some(20), Some(61)] {
                let out = render(&t, width);
                assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
            }
        }
    }
}
