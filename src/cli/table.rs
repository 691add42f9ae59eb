//! Aligned tables for reading on a terminal, shared by every command that prints one.
//!
//! Columns are padded to their widest cell by display width (so emoji and CJK characters line
//! up), the last column is not padded. On a terminal the table takes its width: the one
//! flexible column (a post's text) gets the room the others leave, cut with `…`; when even
//! that is too narrow, the widest other columns (a long `user@host` handle) are cut too, so
//! rows never wrap. Cells are cleaned of control characters: text from pages must not act on
//! the terminal. The header is bold when colour is on.

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The narrowest the flexible column is cut to.
const MIN_FLEX: usize = 12;

/// The narrowest another column is cut to when the table would not fit otherwise.
const MIN_CELL: usize = 6;

/// A table: a header, rows of the same length, and the column that may be cut to fit.
pub(super) struct Table {
    header: Vec<String>,
    show_header: bool,
    indent: usize,
    rows: Vec<Vec<String>>,
    flex: usize,
    flex_max: usize,
    bold_header: bool,
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
            bold_header: false,
        }
    }

    /// Draws the header in bold (when colour is on for standard output).
    pub(super) fn bold_header(mut self, on: bool) -> Table {
        self.bold_header = on;
        self
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
        match width {
            // Not a terminal: the text is cut to its usual width, nothing else.
            None => widths[self.flex] = widths[self.flex].min(self.flex_max),
            Some(total) => fit(&mut widths, self.flex, total.saturating_sub(self.indent)),
        }
        let header = self.show_header.then_some(&self.header);
        for (k, r) in header.into_iter().chain(&self.rows).enumerate() {
            let mut line = " ".repeat(self.indent);
            for (i, c) in r.iter().enumerate().take(n) {
                let cell = cut(c, widths[i]);
                let pad = widths[i].saturating_sub(cell.width());
                line.push_str(&cell);
                if i + 1 < n {
                    line.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            let line = line.trim_end();
            if k == 0 && self.show_header && self.bold_header {
                writeln!(w, "\u{1b}[1m{line}\u{1b}[0m")?;
            } else {
                writeln!(w, "{line}")?;
            }
        }
        Ok(())
    }
}

/// Column widths fitted to `total` display columns (two spaces between columns): the flexible
/// column takes the room the others leave (at least [`MIN_FLEX`] when it has that much text);
/// if that is not enough, the widest other columns give up width, down to [`MIN_CELL`] each.
fn fit(widths: &mut [usize], flex: usize, total: usize) {
    let gaps = 2 * widths.len().saturating_sub(1);
    let others = |w: &[usize]| -> usize {
        w.iter()
            .enumerate()
            .filter(|(i, _)| *i != flex)
            .map(|(_, w)| w)
            .sum()
    };
    let room = total.saturating_sub(gaps + others(widths));
    widths[flex] = widths[flex].min(room.max(MIN_FLEX));
    let mut over = (gaps + others(widths) + widths[flex]).saturating_sub(total);
    while over > 0 {
        let widest = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| *i != flex && **w > MIN_CELL)
            .max_by_key(|(i, w)| (**w, std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        let Some(i) = widest else { break };
        widths[i] -= 1;
        over -= 1;
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
    fn a_long_handle_is_cut_before_any_row_wraps_and_text_takes_the_room_left() {
        let mut t = Table::new(&["#", "HANDLE", "POST_ID", "TEXT"], 3, 60);
        t.row(vec![
            "1".into(),
            "@GradyPollockEastfieldCountyCouncilCandidate@truthsocial.example".into(),
            "113985484787263160".into(),
            "word ".repeat(60),
        ]);
        t.row(vec![
            "22".into(),
            "@a".into(),
            "1".into(),
            "短い文 🇧🇾 ok".into(),
        ]);
        for width in [40, 80, 120, 200] {
            let out = render(&t, Some(width));
            for line in out.lines() {
                assert!(
                    line.width() <= width,
                    "{width}: {line:?} is {} wide",
                    line.width()
                );
            }
            // The text column starts at one display column in every row.
            let starts: Vec<usize> = out
                .lines()
                .map(|l| {
                    let at = ["TEXT", "word", "短"]
                        .iter()
                        .find_map(|t| l.find(t))
                        .expect("text");
                    l[..at].width()
                })
                .collect();
            assert!(starts.windows(2).all(|w| w[0] == w[1]), "{width}: {out}");
        }
        // On a wide terminal the text is not held to 60 columns.
        let wide = render(&t, Some(200));
        assert!(
            wide.lines().nth(1).is_some_and(|l| l.width() > 150),
            "{wide}"
        );
        // Off a terminal the text is cut to its usual width.
        let piped = render(&t, None);
        assert!(piped.contains("truthsocial.example"), "{piped}");
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
