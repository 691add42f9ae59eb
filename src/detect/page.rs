//! A document being searched: its text, the prefilter's hits, where the opaque regions
//! (scripts, styles, comments, text areas) are, which spans detectors have already claimed as
//! embeds, and the lazily built text view and marked tags.
//!
//! Also the loops every platform shares: locate the marked elements of some classes, parse
//! each fragment and read it ([`Page::read_elements`]); map a span found in the text view back
//! to the page ([`Page::page_span`]).

use std::cell::{Cell, OnceCell};
use std::ops::Range;

use scraper::ElementRef;

use super::budget;
use super::dom;
use super::prefilter::Hits;
use super::tags::{self, Tag};
use super::view::TextView;
use crate::decode::DocKind;
use crate::post::Post;

/// Fragments past the parse budget are cut to this many bytes.
const CLIPPED_FRAGMENT: usize = 2048;

/// A document being searched.
pub(crate) struct Page<'a> {
    /// The decoded text.
    pub text: &'a str,
    kind: DocKind,
    opaque: Vec<Range<usize>>,
    claimed: Vec<Range<usize>>,
    view: OnceCell<TextView>,
    /// Every marker occurrence, from the prefilter pass.
    pub hits: Hits,
    tags: OnceCell<Vec<Tag>>,
    /// 0 for the document itself, more inside script strings and escaped markup.
    pub depth: usize,
    /// The whole-document path: look everywhere, not only where the prefilter saw markers.
    pub exhaustive: bool,
    /// Bytes of fragments parsed so far (see [`Page::fragment`]).
    parsed: Cell<usize>,
    /// Bytes read looking for element ends so far (see [`Page::element_end`]).
    ended: Cell<usize>,
}

impl<'a> Page<'a> {
    /// A page over `text` (HTML when `html`, otherwise text that may carry raw embed HTML).
    pub fn new(
        text: &'a str,
        kind: DocKind,
        hits: Hits,
        depth: usize,
        exhaustive: bool,
    ) -> Page<'a> {
        Page {
            text,
            kind,
            opaque: tags::opaque_regions(text),
            claimed: Vec::new(),
            view: OnceCell::new(),
            hits,
            tags: OnceCell::new(),
            depth,
            exhaustive,
            parsed: Cell::new(0),
            ended: Cell::new(0),
        }
    }

    /// Whether the document is HTML (otherwise it is text, possibly carrying raw embed HTML).
    pub fn is_html(&self) -> bool {
        self.kind == DocKind::Html
    }

    /// Whether the document is Markdown (or MDX) source, which a site renders into a page.
    pub fn is_markdown(&self) -> bool {
        self.kind == DocKind::Markdown
    }

    /// The text of a located element, to be parsed. Fragments of one page may overlap (nested
    /// or unclosed embeds), so the bytes parsed are budgeted: past twice the page's size (and at
    /// least 256 KiB), each further fragment is cut to its first 2 KiB. Real pages stay far below
    /// the budget; a page of thousands of unclosed embeds stays linear instead of quadratic.
    pub fn fragment(&self, span: Range<usize>) -> &'a str {
        if budget::spent() {
            return "";
        }
        let budget = (2 * self.text.len()).max(256 * 1024);
        let used = self.parsed.get();
        let end = if used > budget {
            tags::floor_char_boundary(self.text, (span.start + CLIPPED_FRAGMENT).min(span.end))
        } else {
            span.end
        };
        self.parsed.set(used + (end - span.start));
        &self.text[span.start..end.max(span.start)]
    }

    /// The end of the element whose start tag is `tag` (see [`tags::element_end_within`]). Elements
    /// of one page may overlap (nested or unclosed embeds), so the bytes read looking for ends
    /// are budgeted like the fragments parsed: past four times the page's size (and at least
    /// 1 MiB), an end is looked for within 2 KiB only. Real pages stay far below the budget; a
    /// page of thousands of unclosed embeds stays linear instead of quadratic.
    pub fn element_end(&self, tag: &Tag) -> usize {
        if budget::spent() {
            return tag.range.end;
        }
        let budget = (4 * self.text.len()).max(1 << 20);
        let used = self.ended.get();
        let max = if used > budget {
            CLIPPED_FRAGMENT
        } else {
            tags::MAX_UNCLOSED
        };
        let end = tags::element_end_within(self.text, tag, max);
        self.ended.set(used + end.saturating_sub(tag.range.start));
        end
    }

    /// Marks a span as an embed, so later detectors leave its inside alone.
    pub fn claim(&mut self, span: Range<usize>) {
        if span.is_empty() {
            return;
        }
        let i = self.claimed.partition_point(|r| r.start < span.start);
        self.claimed.insert(i, span);
    }

    /// Whether a claimed span lies inside `span`.
    pub fn claims_within(&self, span: &Range<usize>) -> bool {
        let i = self.claimed.partition_point(|r| r.start < span.start);
        self.claimed[i..]
            .iter()
            .take_while(|r| r.start < span.end)
            .any(|r| r.end <= span.end)
    }

    /// Whether `pos` lies inside a claimed span.
    pub fn is_claimed(&self, pos: usize) -> bool {
        in_ranges(&self.claimed, pos)
    }

    /// Whether `pos` lies in a script, style, comment or textarea.
    pub fn is_opaque(&self, pos: usize) -> bool {
        in_ranges(&self.opaque, pos)
    }

    /// The contents of scripts, styles, comments and textareas.
    pub fn opaque(&self) -> &[Range<usize>] {
        &self.opaque
    }

    /// The visible text, built on first use (claimed spans left out).
    pub fn text_view(&self) -> &TextView {
        self.view.get_or_init(|| {
            if self.is_html() {
                TextView::of_html(self.text, &merge(&self.claimed))
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
                TextView::identity(&t)
            }
        })
    }

    /// The page span of a span of the text view.
    pub fn page_span(&self, view_span: Range<usize>) -> Range<usize> {
        if self.is_html() {
            self.text_view().page_span(view_span, self.text)
        } else {
            view_span
        }
    }

    /// The start tags that hold a marker (in a name, class, attribute or URL), outside
    /// opaque regions, in text order: the only tags the detectors look at.
    pub fn marked_tags(&self) -> &[Tag] {
        self.tags.get_or_init(|| {
            if self.exhaustive {
                return tags::Scanner::new(self.text, 0)
                    .filter(|t| t.kind == tags::TagKind::Start && !self.is_opaque(t.range.start))
                    .collect();
            }
            let mut out: Vec<Tag> = Vec::new();
            for pos in self.hits.offsets() {
                if out.last().is_some_and(|t| t.range.contains(&pos)) || self.is_opaque(pos) {
                    continue;
                }
                if let Some(tag) = tags::enclosing_tag(self.text, pos)
                    && out.last().is_none_or(|t| t.range.start < tag.range.start)
                {
                    out.push(tag);
                }
            }
            out
        })
    }

    /// Marked start tags whose `class` (or JSX `className`) holds one of `classes` as a token,
    /// or whose `data-*` attribute holds one: lazy loaders and consent tools keep an embed's
    /// class in a data attribute (`data-twitter="twitter-tweet"`) until they render it.
    pub fn start_tags_with_class(&self, classes: &[&str]) -> Vec<Tag> {
        let html = self.text;
        self.marked_tags()
            .iter()
            .filter(|tag| {
                tag.attrs(html).any(|(name, value)| {
                    let is_class = name.eq_ignore_ascii_case("class")
                        || name.eq_ignore_ascii_case("classname")
                        || name.len() > 5 && name.as_bytes()[..5].eq_ignore_ascii_case(b"data-");
                    is_class && classes.iter().any(|k| tags::has_class(value, k))
                })
            })
            .cloned()
            .collect()
    }

    /// The region of the page `pos` lies in when it is not the article: reader comments or
    /// page chrome (sidebars, navigation, related-content rails and feeds). Read from the
    /// elements around `pos` (their names and the words of their classes and IDs), found by
    /// reading tags backwards from it for a bounded stretch, so a page pays only for the places
    /// it asks about, and each question costs at most that stretch. Each comment of a comments
    /// section is itself marked as one, so the bound does not lose a long section's later
    /// comments.
    pub fn region_at(&self, pos: usize) -> Option<Region> {
        if !self.is_html() {
            return None;
        }
        let mut found = None;
        for tag in tags::ancestors(self.text, pos, REGION_DEPTH, REGION_REACH) {
            match region_of(self.text, &tag) {
                Some(Region::Comments) => return Some(Region::Comments),
                Some(Region::Chrome) => found = Some(Region::Chrome),
                None => {}
            }
        }
        found
    }

    /// Marked start tags named `name`.
    pub fn start_tags_named(&self, name: &str) -> Vec<Tag> {
        self.marked_tags()
            .iter()
            .filter(|t| t.is(self.text, name))
            .cloned()
            .collect()
    }

    /// Whether a hit of one of `patterns` lies outside claimed spans and opaque regions.
    pub fn has_free_hit(&self, patterns: &[&str]) -> bool {
        self.exhaustive
            || self
                .hits
                .of(patterns)
                .any(|p| !self.is_claimed(p) && !self.is_opaque(p))
    }

    /// The loop every platform's markup reader shares: each marked element whose start tag
    /// carries one of `classes` and is named one of `names` (any name when empty) is located,
    /// its fragment parsed, and `read` given the start tag, the parsed element and the
    /// element's span in the page; the post it returns gets that span.
    pub fn read_elements(
        &self,
        classes: &[&str],
        names: &[&str],
        mut read: impl FnMut(&Tag, ElementRef<'_>, &Range<usize>) -> Option<Post>,
    ) -> Vec<Post> {
        let html = self.text;
        let mut out = Vec::new();
        for tag in self.start_tags_with_class(classes) {
            if budget::spent() {
                break;
            }
            if !names.is_empty() && !names.iter().any(|n| tag.is(html, n)) {
                continue;
            }
            let span = tag.range.start..self.element_end(&tag);
            let frag = dom::parse_fragment(self.fragment(span.clone()));
            let Some(el) = dom::first_element(&frag, tag.name(html)) else {
                continue;
            };
            if let Some(mut post) = read(&tag, el, &span) {
                post.span = span;
                out.push(post);
            }
        }
        out
    }
}

/// A part of a page that is not the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region {
    /// Reader comments.
    Comments,
    /// Sidebars, navigation, related-content rails and feeds.
    Chrome,
}

/// Words of class and ID names that mark reader comments.
const COMMENT_WORDS: &[&str] = &["comment", "comments", "commentlist", "disqus"];

/// Words of class and ID names that mark page chrome.
const CHROME_WORDS: &[&str] = &[
    "sidebar",
    "rail",
    "related",
    "recommended",
    "trending",
    "popular",
    "feed",
    "promo",
];

/// How many elements around a place, and how far back, are read to find its region.
const REGION_DEPTH: usize = 24;
const REGION_REACH: usize = 16 * 1024;

/// The region a start tag opens, by its name (`aside`, `nav`) or the words of its class and ID.
fn region_of(html: &str, tag: &Tag) -> Option<Region> {
    if tag.is(html, "aside") || tag.is(html, "nav") {
        return Some(Region::Chrome);
    }
    let mut found = None;
    for (name, value) in tag.attrs(html) {
        if !(name.eq_ignore_ascii_case("class") || name.eq_ignore_ascii_case("id")) {
            continue;
        }
        for word in super::words(value) {
            if COMMENT_WORDS.contains(&word.as_str()) {
                return Some(Region::Comments);
            }
            if CHROME_WORDS.contains(&word.as_str()) {
                found = Some(Region::Chrome);
            }
        }
    }
    found
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
