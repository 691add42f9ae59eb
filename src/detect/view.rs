//! The text view of an HTML page: its visible text, with block elements as paragraph breaks
//! and `<br>` as line breaks, entities decoded and white space collapsed, and a map from every
//! position of the view back to a byte offset in the page, so that a post found in the view
//! still gets an exact span in the file.

use std::ops::Range;

use super::dom;
use super::tags::{self, Scanner, TagKind};

/// Visible text of (part of) a page, with a map back to the page's byte offsets.
#[derive(Debug, Default)]
pub struct TextView {
    /// The text: paragraphs separated by blank lines, `<br>` as a newline.
    pub text: String,
    /// Checkpoints (view offset, page offset), sorted by view offset. Between two checkpoints
    /// the view copies the page byte for byte.
    map: Vec<(usize, usize)>,
}

impl TextView {
    /// A view that is the text itself (for text documents): identity map.
    pub fn identity(text: &str) -> TextView {
        TextView {
            text: text.to_string(),
            map: vec![(0, 0)],
        }
    }

    /// Builds the view of an HTML page, leaving out `skip` ranges (embeds already found, which
    /// become paragraph breaks), comments, and the contents of scripts, styles and other
    /// raw-text elements.
    pub fn of_html(html: &str, skip: &[Range<usize>]) -> TextView {
        let mut v = TextView::default();
        let mut pos = 0usize;
        let mut skip_i = 0usize;
        let mut scanner = Scanner::new(html, 0);
        while let Some(tag) = scanner.next() {
            if tag.range.start > pos {
                v.push_run(html, pos..tag.range.start);
            }
            pos = tag.range.end;
            // Jump over a skipped range that starts at or before this tag.
            while skip_i < skip.len() && skip[skip_i].end <= tag.range.start {
                skip_i += 1;
            }
            if skip_i < skip.len() && skip[skip_i].start <= tag.range.start {
                let end = skip[skip_i].end;
                v.paragraph_break(tag.range.start);
                scanner = Scanner::new(html, end);
                pos = end;
                skip_i += 1;
                continue;
            }
            if tag.kind != TagKind::Start && tag.kind != TagKind::End {
                continue;
            }
            let name = tag.name(html);
            if name.eq_ignore_ascii_case("br") {
                v.push_str("\n", tag.range.start);
            } else if dom::is_block(name) {
                v.paragraph_break(tag.range.start);
            }
            // The scanner jumps over raw-text contents; the gap up to the end tag is not text.
            if tag.kind == TagKind::Start && scanner.pos() > tag.range.end {
                pos = scanner.pos();
            }
        }
        if pos < html.len() {
            v.push_run(html, pos..html.len());
        }
        v
    }

    fn push_str(&mut self, s: &str, page_pos: usize) {
        self.map.push((self.text.len(), page_pos));
        self.text.push_str(s);
    }

    fn paragraph_break(&mut self, page_pos: usize) {
        if self.text.is_empty() || self.text.ends_with("\n\n") {
            return;
        }
        let s = if self.text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        self.push_str(s, page_pos);
    }

    /// Appends a run of character data: entities decoded, white space collapsed, with a
    /// checkpoint wherever the view stops copying byte for byte.
    fn push_run(&mut self, html: &str, range: Range<usize>) {
        let run = &html[range.clone()];
        let b = run.as_bytes();
        let mut i = 0;
        let mut copy_from = 0;
        let mut checkpoint = true;
        while i < b.len() {
            let c = b[i];
            let special_len = if c == b'&' {
                entity_len(&b[i..])
            } else if c.is_ascii_whitespace() {
                let mut j = i;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                // A single plain space is copied as is.
                if j - i == 1 && c == b' ' { 0 } else { j - i }
            } else {
                0
            };
            if special_len == 0 {
                i += 1;
                continue;
            }
            if i > copy_from {
                if checkpoint {
                    self.map.push((self.text.len(), range.start + copy_from));
                }
                self.text.push_str(&run[copy_from..i]);
            }
            let piece = &run[i..i + special_len];
            let replacement: std::borrow::Cow<'_, str> = if c == b'&' {
                html_escape::decode_html_entities(piece)
            } else {
                " ".into()
            };
            self.map.push((self.text.len(), range.start + i));
            // Collapse a space next to a space already in the view.
            if !(replacement == " " && (self.text.ends_with(' ') || self.text.ends_with('\n'))) {
                self.text.push_str(&replacement);
            }
            i += special_len;
            copy_from = i;
            checkpoint = true;
        }
        if copy_from < b.len() {
            if checkpoint {
                self.map.push((self.text.len(), range.start + copy_from));
            }
            self.text.push_str(&run[copy_from..]);
        }
    }

    /// The page offset of view offset `v`.
    pub fn page_offset(&self, v: usize) -> usize {
        let i = self.map.partition_point(|&(vo, _)| vo <= v);
        if i == 0 {
            return 0;
        }
        let (vo, po) = self.map[i - 1];
        let guess = po + (v - vo);
        // Never run past the next checkpoint's page offset (the view shrank there).
        match self.map.get(i) {
            Some(&(_, next_po)) if next_po >= po => guess.min(next_po),
            _ => guess,
        }
    }

    /// Maps a view span to a page span. The end maps through the span's last character.
    pub fn page_span(&self, span: Range<usize>, page: &str) -> Range<usize> {
        let start = self.page_offset(span.start);
        let end = match self.text[..span.end].chars().next_back() {
            Some(c) if span.end > span.start => {
                let last = span.end - c.len_utf8();
                let p = self.page_offset(last);
                // The character may have come from an entity; step over the entity too.
                let rest = &page.as_bytes()[p.min(page.len())..];
                let n = if rest.first() == Some(&b'&') {
                    entity_len(rest).max(1)
                } else {
                    c.len_utf8()
                };
                p + n
            }
            _ => start,
        };
        let end = tags::ceil_char_boundary(page, end.max(start));
        tags::floor_char_boundary(page, start)..end
    }
}

/// The length of a character reference at the start of `b` (`&amp;`, `&#8212;`, `&#x2014;`),
/// or 0 when `&` does not start one.
fn entity_len(b: &[u8]) -> usize {
    let mut j = 1;
    if b.get(1) == Some(&b'#') {
        j = 2;
        if matches!(b.get(2), Some(b'x' | b'X')) {
            j = 3;
        }
    }
    let start = j;
    while j < b.len() && j < 40 && b[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if j == start {
        return 0;
    }
    if b.get(j) == Some(&b';') { j + 1 } else { 0 }
}
