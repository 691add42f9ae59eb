//! Detection: a decoded document in, the posts it embeds or mentions out.
//!
//! Invariants: no I/O, never fails; unrecognised input yields zero posts. Spans in the
//! returned posts are byte ranges of the document's decoded text.
//!
//! One detector per platform, listed in [`DETECTORS`] in the order they run. A single
//! multi-pattern pass over the text (the prefilter) finds every detector's markers first, so a
//! page with none of them is never parsed at all.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::decode::DocKind;
use crate::post::{Platform, Post};

pub mod dates;
pub mod dom;
pub mod text;
pub mod twitter;

/// One platform's detector: the markers that make it worth running, and the function.
pub struct Detector {
    /// The platform it finds.
    pub platform: Platform,
    /// Byte strings (ASCII case-insensitive) of which at least one must occur in the text.
    pub markers: &'static [&'static str],
    /// Finds the platform's posts in a page.
    pub run: fn(&mut Page<'_>) -> Vec<Post>,
}

/// The platform table, in try order.
pub static DETECTORS: &[Detector] = &[Detector {
    platform: Platform::Twitter,
    markers: twitter::MARKERS,
    run: twitter::detect,
}];

/// The prefilter: every marker of every detector in one automaton; pattern `i` belongs to
/// detector `PREFILTER_OWNER[i]`.
static PREFILTER: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for (i, d) in DETECTORS.iter().enumerate() {
        for m in d.markers {
            patterns.push(*m);
            owner.push(i);
        }
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .expect("static marker patterns build");
    (ac, owner)
});

/// Which detectors have at least one marker in `text`.
pub fn prefilter(text: &str) -> Vec<bool> {
    let (ac, owner) = &*PREFILTER;
    let mut hit = vec![false; DETECTORS.len()];
    let mut left = DETECTORS.len();
    for m in ac.find_overlapping_iter(text) {
        let d = owner[m.pattern().as_usize()];
        if !hit[d] {
            hit[d] = true;
            left -= 1;
            if left == 0 {
                break;
            }
        }
    }
    hit
}

/// Finds every post in a decoded document, sorted by position.
pub fn detect(text: &str, kind: DocKind) -> Vec<Post> {
    let hits = prefilter(text);
    if !hits.iter().any(|h| *h) {
        return Vec::new();
    }
    let mut page = Page::new(text, kind);
    let mut posts = Vec::new();
    for (d, hit) in DETECTORS.iter().zip(hits) {
        if hit {
            posts.extend((d.run)(&mut page));
        }
    }
    posts.sort_by(|a, b| {
        (a.span.start, a.span.end, a.kind).cmp(&(b.span.start, b.span.end, b.kind))
    });
    posts.dedup_by(|b, a| a.span == b.span && a.identity() == b.identity() && a.kind == b.kind);
    posts
}

/// A document being searched: its text, where the opaque regions (scripts, styles, comments)
/// are, and which spans detectors have already claimed as embeds.
pub struct Page<'a> {
    /// The decoded text.
    pub text: &'a str,
    kind: DocKind,
    opaque: Vec<Range<usize>>,
    claimed: Vec<Range<usize>>,
    view: OnceCell<text::TextView>,
}

static OPAQUE_OPEN: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(["<!--", "<script", "<style", "<textarea"])
        .expect("static patterns build")
});

impl<'a> Page<'a> {
    /// A page over `text`.
    pub fn new(text: &'a str, kind: DocKind) -> Page<'a> {
        Page {
            text,
            kind,
            opaque: opaque_regions(text),
            claimed: Vec::new(),
            view: OnceCell::new(),
        }
    }

    /// Whether the document is HTML (otherwise it is text, possibly carrying raw embed HTML).
    pub fn is_html(&self) -> bool {
        self.kind == DocKind::Html
    }

    /// Marks a span as an embed, so later detectors leave its inside alone.
    pub fn claim(&mut self, span: Range<usize>) {
        if span.is_empty() {
            return;
        }
        let i = self.claimed.partition_point(|r| r.start < span.start);
        self.claimed.insert(i, span);
    }

    /// Whether `pos` lies inside a claimed span.
    pub fn is_claimed(&self, pos: usize) -> bool {
        in_ranges(&self.claimed, pos)
    }

    /// Whether `pos` lies in a script, style, comment or textarea.
    pub fn is_opaque(&self, pos: usize) -> bool {
        in_ranges(&self.opaque, pos)
    }

    /// The visible text, built on first use (claimed spans left out).
    pub fn text_view(&self) -> &text::TextView {
        self.view.get_or_init(|| {
            if self.is_html() {
                text::TextView::of_html(self.text, &merge(&self.claimed))
            } else {
                // Blank out claimed spans byte for byte (keeping offsets and line breaks) so
                // their text is not read twice.
                let mut t = String::with_capacity(self.text.len());
                let mut last = 0;
                for r in merge(&self.claimed) {
                    t.push_str(&self.text[last..r.start]);
                    for c in self.text[r.clone()].chars() {
                        if c == '\n' {
                            t.push('\n');
                        } else {
                            t.extend(std::iter::repeat_n(' ', c.len_utf8()));
                        }
                    }
                    last = r.end;
                }
                t.push_str(&self.text[last..]);
                text::TextView::identity(&t)
            }
        })
    }

    /// Start tags (outside opaque regions) whose `class` holds one of `classes` as a token.
    pub fn start_tags_with_class(&self, classes: &[&str]) -> Vec<dom::Tag> {
        let html = self.text;
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(classes)
            .expect("class patterns build");
        let mut out: Vec<dom::Tag> = Vec::new();
        for m in ac.find_iter(html) {
            if self.is_opaque(m.start()) {
                continue;
            }
            let Some(tag) = enclosing_tag(html, m.start()) else {
                continue;
            };
            if out.last().is_some_and(|t| t.range.start == tag.range.start) {
                continue;
            }
            let has = tag
                .attr(html, "class")
                .or_else(|| tag.attr(html, "classname"))
                .is_some_and(|c| classes.iter().any(|k| dom::has_class(&c, k)));
            if has {
                out.push(tag);
            }
        }
        out
    }

    /// Start tags named `name` outside opaque regions.
    pub fn start_tags_named(&self, name: &str) -> Vec<dom::Tag> {
        let html = self.text;
        let b = html.as_bytes();
        let needle = format!("<{name}");
        let finder = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build([needle.as_str()])
            .expect("tag pattern builds");
        let mut out = Vec::new();
        for m in finder.find_iter(html) {
            let next = b.get(m.end()).copied().unwrap_or(b'>');
            if !(next.is_ascii_whitespace() || next == b'>' || next == b'/') {
                continue;
            }
            if self.is_opaque(m.start()) {
                continue;
            }
            if let Some(tag) = dom::lex_tag(html, m.start())
                && tag.kind == dom::TagKind::Start
            {
                out.push(tag);
            }
        }
        out
    }
}

fn in_ranges(ranges: &[Range<usize>], pos: usize) -> bool {
    let i = ranges.partition_point(|r| r.start <= pos);
    ranges[..i].iter().rev().take(8).any(|r| r.contains(&pos))
}

fn merge(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r.clone()),
        }
    }
    out
}

/// The tag whose `<…>` contains `pos`: the nearest `<` before it that lexes to a tag
/// spanning `pos` (a few candidates back, since attribute values may hold `<`).
fn enclosing_tag(html: &str, pos: usize) -> Option<dom::Tag> {
    let b = html.as_bytes();
    let mut hi = pos;
    for _ in 0..4 {
        let lt =
            memchr::memrchr(b'<', &b[pos.saturating_sub(4096)..hi])? + pos.saturating_sub(4096);
        if let Some(tag) = dom::lex_tag(html, lt)
            && tag.range.end > pos
        {
            return (tag.kind == dom::TagKind::Start).then_some(tag);
        }
        hi = lt;
    }
    None
}

/// Scripts, styles, comments and textareas: regions whose text is not markup.
fn opaque_regions(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let Some(m) = OPAQUE_OPEN.find(&b[pos..]) else {
            break;
        };
        let start = pos + m.start();
        let end = match m.pattern().as_usize() {
            0 => {
                memchr::memmem::find(&b[start + 4..], b"-->").map_or(b.len(), |p| start + 4 + p + 3)
            }
            k => {
                let name = ["", "script", "style", "textarea"][k];
                // Must be a real tag name, not `<scripts` or `<styleguide`.
                let after = b.get(start + 1 + name.len()).copied().unwrap_or(b'>');
                if !(after.is_ascii_whitespace() || after == b'>' || after == b'/') {
                    pos = start + 1;
                    continue;
                }
                let close = format!("</{name}");
                let finder = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .build([close.as_str()])
                    .expect("close pattern builds");
                finder
                    .find(&b[start..])
                    .map_or(b.len(), |c| start + c.start())
            }
        };
        out.push(start..end);
        pos = end.max(start + 1);
    }
    out
}
