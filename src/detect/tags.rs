//! Locating markup in raw text: a byte-exact tag scanner, element ends, the regions whose text
//! is not markup (scripts, styles, comments, text areas), and the page's declared URL.
//!
//! html5ever builds a correct tree but does not say where in the input an element was. The
//! record's provenance needs exact byte spans, so embeds are *located* here, by a small scanner
//! that knows the few lexical rules that matter (comments, raw-text elements such as `<script>`
//! and `<style>`, quoted attribute values containing `>`); each located fragment is then
//! *parsed* (see `dom.rs`) to read its fields, which also keeps the expensive parse to the bytes
//! that matter.
//!
//! Edge cases handled: upper-case tags and attributes, attributes in any order, unquoted and
//! single-quoted values, `>` inside quoted values, unclosed elements (the span then runs to the
//! next unmatched end tag or a cap), comments and `<!DOCTYPE>`, and `<script>`/`<style>` bodies
//! that contain markup-looking strings.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};

/// The longest span an element may take when its end tag is missing.
pub const MAX_UNCLOSED: usize = 32 * 1024;

/// What kind of markup token a [`Tag`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `<name …>`
    Start,
    /// `</name>`
    End,
    /// `<!-- … -->`, `<!…>`, `<?…>`
    Other,
}

/// One tag found by [`Scanner`], with its byte range in the scanned text.
#[derive(Debug, Clone)]
pub struct Tag {
    /// Start, end or other.
    pub kind: TagKind,
    /// Byte range of the whole tag, `<` to `>` inclusive.
    pub range: Range<usize>,
    /// Byte range of the tag name.
    pub name: Range<usize>,
    /// Whether the start tag ends in `/>`.
    pub self_closing: bool,
}

impl Tag {
    /// The tag name as written.
    pub fn name<'a>(&self, html: &'a str) -> &'a str {
        &html[self.name.clone()]
    }

    /// Whether the tag's name is `name` (ASCII case-insensitive).
    pub fn is(&self, html: &str, name: &str) -> bool {
        self.name(html).eq_ignore_ascii_case(name)
    }

    /// The value of attribute `name` (ASCII case-insensitive), entities decoded.
    pub fn attr<'a>(&self, html: &'a str, name: &str) -> Option<Cow<'a, str>> {
        attrs(&html[self.name.end..self.range.end])
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| html_escape::decode_html_entities(v))
    }

    /// Every attribute as (name, raw value) pairs, in source order.
    pub fn attrs<'a>(&self, html: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        attrs(&html[self.name.end..self.range.end])
    }
}

/// Whether a whitespace-separated class list contains `token` (ASCII case-insensitive).
pub fn has_class(class: &str, token: &str) -> bool {
    class
        .split_ascii_whitespace()
        .any(|c| c.eq_ignore_ascii_case(token))
}

/// Iterates the attributes in the text after a tag name.
fn attrs(s: &str) -> impl Iterator<Item = (&str, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                return None;
            }
            let ns = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>') {
                // A `/` ends a name only before `>` (`<br/>`).
                if b[i] == b'/' && b.get(i + 1) == Some(&b'>') {
                    break;
                }
                i += 1;
            }
            let name = &s[ns..i];
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let vs = i + 1;
                    let ve = memchr::memchr(q, &b[vs..]).map_or(b.len(), |p| vs + p);
                    i = (ve + 1).min(b.len());
                    &s[vs..ve]
                } else {
                    let vs = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &s[vs..i]
                };
                if name.is_empty() {
                    continue;
                }
                return Some((name, value));
            }
            if name.is_empty() {
                // A stray character: step over it so the loop always advances.
                i += 1;
                continue;
            }
            return Some((name, ""));
        }
    })
}

/// Elements whose content is raw text: no tags inside them are real. Of these, scripts,
/// styles and text areas (with comments) are also *opaque* to detection: their contents are
/// not part of the page's markup or text (see [`opaque_regions`]). Iframe and title contents are
/// raw text too, but a fallback written inside an iframe is still read.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// Scans tags from a position onwards, skipping comments' and raw-text elements' contents.
pub struct Scanner<'a> {
    html: &'a str,
    pos: usize,
    /// Where scanning stops (a raw-text element's end is not looked for past it).
    limit: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner over `html` starting at byte `pos`.
    pub fn new(html: &'a str, pos: usize) -> Scanner<'a> {
        Scanner::within(html, pos, html.len())
    }

    /// A scanner over `html` from `pos` that looks no further than `limit`: a caller that
    /// needs only a stretch of the page pays only for that stretch, however the page is made.
    pub fn within(html: &'a str, pos: usize, limit: usize) -> Scanner<'a> {
        let limit = floor_char_boundary(html, limit.min(html.len()));
        Scanner {
            html,
            pos: pos.min(limit),
            limit,
        }
    }

    /// The current position (just after the last tag returned).
    pub fn pos(&self) -> usize {
        self.pos
    }
}

impl Iterator for Scanner<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        let html = self.html;
        let b = html.as_bytes();
        loop {
            if self.pos >= self.limit {
                return None;
            }
            let lt = self.pos + memchr::memchr(b'<', &b[self.pos..self.limit])?;
            let tag = match lex_tag(html, lt) {
                Some(t) => t,
                None => {
                    self.pos = lt + 1;
                    continue;
                }
            };
            self.pos = tag.range.end;
            if tag.kind == TagKind::Start && !tag.self_closing {
                let name = tag.name(html);
                if let Some(raw) = RAW_TEXT.iter().find(|r| r.eq_ignore_ascii_case(name)) {
                    self.pos = find_raw_end(html, self.pos, raw, self.limit);
                }
            }
            return Some(tag);
        }
    }
}

/// Scans like [`Scanner`] but returns only the start tags named in a short list, and lexes no
/// other tag: at any other `<` it reads the name and moves on to the next `<`. Comments,
/// `<!…>`/`<?…>` declarations and the raw-text elements (scripts, styles, titles…) are still
/// stepped over whole, so nothing inside them is met.
///
/// For a reader that wants a few kinds of tags out of a long stretch of markup this is several
/// times cheaper than [`Scanner`], which reads every tag's attributes to find where it ends. What
/// it gives up: a `<` inside a quoted attribute value of a tag it passes over (`<div
/// title="<time …>">`) is met as a tag, where [`Scanner`] steps over the whole value.
pub struct Skimmer<'a> {
    html: &'a str,
    pos: usize,
    limit: usize,
    names: &'a [&'a str],
}

impl<'a> Skimmer<'a> {
    /// A skimmer over `html` from `pos`, looking no further than `limit` (as
    /// [`Scanner::within`]), returning the start tags named in `names` (ASCII
    /// case-insensitive).
    pub fn within(html: &'a str, pos: usize, limit: usize, names: &'a [&'a str]) -> Skimmer<'a> {
        let limit = floor_char_boundary(html, limit.min(html.len()));
        Skimmer {
            html,
            pos: pos.min(limit),
            limit,
            names,
        }
    }

    /// The current position (just after the last tag returned, or after a raw-text element's
    /// body: at its end tag).
    pub fn pos(&self) -> usize {
        self.pos
    }
}

impl Iterator for Skimmer<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        let html = self.html;
        let b = html.as_bytes();
        loop {
            if self.pos >= self.limit {
                return None;
            }
            let lt = self.pos + memchr::memchr(b'<', &b[self.pos..self.limit])?;
            let ns = lt + 1;
            if !b.get(ns).is_some_and(u8::is_ascii_alphabetic) {
                // Comments and declarations are stepped over whole, as the scanner does; an
                // end tag or a stray `<` is passed.
                self.pos = match b.get(ns) {
                    Some(b'!' | b'?') => lex_tag(html, lt).map_or(lt + 1, |t| t.range.end),
                    _ => lt + 1,
                };
                continue;
            }
            let name = &html[ns..name_end(b, ns)];
            let raw = RAW_TEXT.iter().find(|r| r.eq_ignore_ascii_case(name));
            let wanted = self.names.iter().any(|n| n.eq_ignore_ascii_case(name));
            if raw.is_none() && !wanted {
                self.pos = lt + 1;
                continue;
            }
            let Some(tag) = lex_tag(html, lt) else {
                self.pos = lt + 1;
                continue;
            };
            self.pos = tag.range.end;
            if let Some(raw) = raw
                && !tag.self_closing
            {
                self.pos = find_raw_end(html, self.pos, raw, self.limit);
            }
            if wanted {
                return Some(tag);
            }
        }
    }
}

/// Finds the start of `</name` (ASCII case-insensitive) at or after `from` and before `limit`,
/// or `limit`.
fn find_raw_end(html: &str, from: usize, name: &str, limit: usize) -> usize {
    let b = &html.as_bytes()[..limit];
    let mut i = from.min(limit);
    while let Some(p) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + p;
        let n = at + 2;
        if b.len() >= n + name.len() && b[n..n + name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return at;
        }
        i = at + 2;
    }
    limit
}

/// Where a tag name starting at `from` ends: at whitespace, `/`, `>`, `<` or the end.
fn name_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>' | b'<'))
        .map_or(b.len(), |p| from + p)
}

/// Lexes one tag at `lt` (which holds `<`), or `None` when the `<` does not open a tag.
pub fn lex_tag(html: &str, lt: usize) -> Option<Tag> {
    let b = html.as_bytes();
    let next = *b.get(lt + 1)?;
    if next == b'!' {
        let end = if b[lt..].starts_with(b"<!--") {
            memchr::memmem::find(&b[lt + 4..], b"-->").map_or(html.len(), |p| lt + 4 + p + 3)
        } else {
            memchr::memchr(b'>', &b[lt..]).map_or(html.len(), |p| lt + p + 1)
        };
        return Some(Tag {
            kind: TagKind::Other,
            range: lt..end,
            name: lt..lt,
            self_closing: false,
        });
    }
    if next == b'?' {
        let end = memchr::memchr(b'>', &b[lt..]).map_or(html.len(), |p| lt + p + 1);
        return Some(Tag {
            kind: TagKind::Other,
            range: lt..end,
            name: lt..lt,
            self_closing: false,
        });
    }
    let (kind, ns) = if next == b'/' {
        (TagKind::End, lt + 2)
    } else {
        (TagKind::Start, lt + 1)
    };
    if !b.get(ns)?.is_ascii_alphabetic() {
        return None;
    }
    let mut i = name_end(b, ns);
    let name = ns..i;
    // Find the closing `>`, stepping over quoted attribute values. A `<` outside a quoted value
    // means the tag was never closed (the `<` opens the next one): the tag is broken. Stopping
    // there keeps every lex short, so reading tags from many places stays linear on pages of
    // unclosed tags.
    while i < b.len() {
        match b[i] {
            b'>' => {
                let self_closing = b[i - 1] == b'/';
                return Some(Tag {
                    kind,
                    range: lt..i + 1,
                    name,
                    self_closing,
                });
            }
            b'<' => return None,
            c @ (b'"' | b'\'') => {
                // Quotes only open a value after `=`; elsewhere they are junk characters.
                let mut j = i;
                while j > name.end && b[j - 1].is_ascii_whitespace() {
                    j -= 1;
                }
                if j > name.end && b[j - 1] == b'=' {
                    // The value runs to the matching quote; without one the tag never ends.
                    i += 1 + memchr::memchr(c, &b[i + 1..])?;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Finds the end (one past `>` of the matching end tag) of the element whose start tag is
/// `start`, counting nested elements of the same name and looking at most `max` bytes past the
/// start tag. An unclosed element ends at the first unmatched end tag of an ancestor-looking
/// element, or at the limit.
pub fn element_end_within(html: &str, start: &Tag, max: usize) -> usize {
    if start.self_closing {
        return start.range.end;
    }
    let name = start.name(html);
    let limit = (start.range.end + max).min(html.len());
    let mut depth = 0usize;
    for tag in Scanner::within(html, start.range.end, limit) {
        if tag.range.start >= limit {
            break;
        }
        if tag.is(html, name) {
            match tag.kind {
                TagKind::Start if !tag.self_closing => depth += 1,
                TagKind::End if depth == 0 => return tag.range.end,
                TagKind::End => depth -= 1,
                _ => {}
            }
        } else if tag.kind == TagKind::End
            && (tag.is(html, "body") || tag.is(html, "html") || tag.is(html, "article"))
        {
            return tag.range.start;
        }
    }
    floor_char_boundary(html, limit)
}

/// The largest char boundary not above `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary not below `i`.
pub fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The article's own URL as the page declares it: `<link rel="canonical">`, else
/// `<meta property="og:url">`; only absolute http(s) URLs, read from the `<head>`.
pub fn page_url(html: &str) -> Option<String> {
    let mut og = None;
    for tag in Scanner::new(html, 0) {
        if tag.kind == TagKind::Start && tag.is(html, "body") {
            break;
        }
        if tag.kind == TagKind::End && tag.is(html, "head") {
            break;
        }
        if tag.kind != TagKind::Start {
            continue;
        }
        let absolute = |u: &str| {
            let u = u.trim();
            (u.starts_with("http://") || u.starts_with("https://")).then(|| u.to_string())
        };
        if tag.is(html, "link")
            && tag.attr(html, "rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            })
            && let Some(u) = tag.attr(html, "href").and_then(|h| absolute(&h))
        {
            return Some(u);
        }
        if og.is_none()
            && tag.is(html, "meta")
            && tag
                .attr(html, "property")
                .is_some_and(|p| p.eq_ignore_ascii_case("og:url"))
        {
            og = tag.attr(html, "content").and_then(|c| absolute(&c));
        }
    }
    og
}

/// The tag whose `<…>` contains `pos`: the nearest `<` before it that lexes to a tag
/// spanning `pos` (a few candidates back, since attribute values may hold `<`).
pub fn enclosing_tag(html: &str, pos: usize) -> Option<Tag> {
    let b = html.as_bytes();
    // A marker may start at the tag's own `<` (`<iframe`).
    let mut hi = (pos + 1).min(b.len());
    for _ in 0..4 {
        let lt =
            memchr::memrchr(b'<', &b[pos.saturating_sub(4096)..hi])? + pos.saturating_sub(4096);
        if let Some(tag) = lex_tag(html, lt)
            && tag.range.end > pos
        {
            return (tag.kind == TagKind::Start).then_some(tag);
        }
        hi = lt;
    }
    None
}

/// Void elements: they have no end tag and hold nothing.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Whether an element name is a void element (no end tag, no content).
pub fn is_void(name: &str) -> bool {
    VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
}

/// The start tags of the elements that contain `pos` (a start tag that `pos` is in counts: the
/// element contains its own tag), innermost first: at most `max` of them, found by reading tags
/// backwards from `pos` for at most `reach` bytes (end tags met on the way close the elements
/// they match, so only open ones are ancestors).
pub fn ancestors(html: &str, pos: usize, max: usize, reach: usize) -> Vec<Tag> {
    let b = html.as_bytes();
    let floor = pos.saturating_sub(reach);
    let mut closed: Vec<Range<usize>> = Vec::new();
    let mut out = Vec::new();
    let mut hi = (pos + 1).min(b.len());
    while out.len() < max {
        let Some(lt) = memchr::memrchr(b'<', &b[floor..hi]).map(|p| floor + p) else {
            break;
        };
        hi = lt;
        let Some(tag) = lex_tag(html, lt) else {
            continue;
        };
        if tag.range.end > pos && tag.range.start <= pos {
            // The tag `pos` is in: its element contains `pos` when it is a start tag.
            if tag.kind == TagKind::Start && !tag.self_closing && !is_void(tag.name(html)) {
                out.push(tag);
            }
            continue;
        }
        match tag.kind {
            TagKind::End => closed.push(tag.name.clone()),
            TagKind::Start if tag.self_closing => {}
            TagKind::Start => {
                let name = tag.name(html);
                if is_void(name) {
                    continue;
                }
                match closed
                    .iter()
                    .rposition(|c| html[c.clone()].eq_ignore_ascii_case(name))
                {
                    Some(i) => {
                        closed.remove(i);
                    }
                    None => out.push(tag),
                }
            }
            TagKind::Other => {}
        }
    }
    out
}

/// Openers of opaque regions, in the spellings pages use (a packed searcher has no case
/// folding, so upper- and title-case forms are listed); pattern `i` maps to `OPAQUE_KIND[i]`:
/// 0 a comment, else the index of the element in `OPAQUE_ELEMENTS` plus one.
const OPAQUE_PATTERNS: &[&str] = &[
    "<!--",
    "<script",
    "<SCRIPT",
    "<Script",
    "<style",
    "<STYLE",
    "<textarea",
    "<TEXTAREA",
];
const OPAQUE_KIND: &[usize] = &[0, 1, 1, 1, 2, 2, 3, 3];
const OPAQUE_ELEMENTS: [&str; 3] = ["script", "style", "textarea"];

static OPAQUE_OPEN: LazyLock<aho_corasick::packed::Searcher> = LazyLock::new(|| {
    aho_corasick::packed::Config::new()
        .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(OPAQUE_PATTERNS)
        .build()
        .or_else(|| {
            aho_corasick::packed::Config::new()
                .only_rabin_karp(true)
                .builder()
                .extend(OPAQUE_PATTERNS)
                .build()
        })
        .expect("static patterns build")
});

/// Finders for the end tags of the opaque elements.
static CLOSERS: LazyLock<[AhoCorasick; 3]> = LazyLock::new(|| {
    OPAQUE_ELEMENTS.map(|c| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build([format!("</{c}")])
            .expect("static pattern builds")
    })
});

/// The contents of scripts, styles, text areas and comments: regions whose text is neither
/// markup nor visible text. The start tags stay outside (their attributes may name a post, as
/// Telegram's widget script does).
pub fn opaque_regions(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let Some(m) = OPAQUE_OPEN.find(&b[pos..]) else {
            break;
        };
        let start = pos + m.start();
        let (region_start, end) = match OPAQUE_KIND[m.pattern().as_usize()] {
            0 => (
                start,
                memchr::memmem::find(&b[start + 4..], b"-->")
                    .map_or(b.len(), |p| start + 4 + p + 3),
            ),
            k => {
                let name = OPAQUE_ELEMENTS[k - 1];
                debug_assert!(RAW_TEXT.contains(&name));
                // Must be a real tag name, not `<scripts` or `<styleguide`.
                let after = b.get(start + 1 + name.len()).copied().unwrap_or(b'>');
                if !(after.is_ascii_whitespace() || after == b'>' || after == b'/') {
                    pos = start + 1;
                    continue;
                }
                let body = lex_tag(text, start).map_or(start, |t| t.range.end);
                let end = CLOSERS[k - 1]
                    .find(&b[body..])
                    .map_or(b.len(), |c| body + c.start());
                (body, end)
            }
        };
        if end > region_start {
            out.push(region_start..end);
        }
        pos = end.max(start + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(tags: impl Iterator<Item = Tag>, html: &str) -> Vec<String> {
        tags.map(|t| t.name(html).to_ascii_lowercase()).collect()
    }

    #[test]
    fn the_skimmer_meets_the_start_tags_the_scanner_meets_among_those_asked_for() {
        let html = r#"<!DOCTYPE html><html><head><title><a>not a tag</a></title>
<script>if (a<b) document.write("<time>");</script></head><body class="b">
<div title="x>y"><A HREF=/1>one</A><!-- <a href=/2> --><p>t</p><a href='/3'/>
<style>a { } <a></style><TIME datetime=2020>t</TIME><?php echo "<a>"; ?><xmp><a></xmp>
<textarea><time></textarea><a href="/4" <b>broken</b> <time datetime="x"></div></body>"#;
        let wanted = ["a", "time"];
        let scanned: Vec<String> = names(
            Scanner::new(html, 0)
                .filter(|t| t.kind == TagKind::Start && wanted.iter().any(|w| t.is(html, w))),
            html,
        );
        let skimmed = names(Skimmer::within(html, 0, html.len(), &wanted), html);
        assert_eq!(skimmed, scanned);
        assert_eq!(skimmed, ["a", "a", "time", "time"]);
    }

    #[test]
    fn the_skimmer_stops_at_its_limit_and_after_a_raw_text_body_stands_at_its_end_tag() {
        let html = "<script type=x>var a = '<a>';</script><a href=1><time>";
        let mut s = Skimmer::within(html, 0, html.len(), &["script", "a"]);
        assert!(s.next().is_some_and(|t| t.is(html, "script")));
        assert_eq!(&html[s.pos()..s.pos() + 9], "</script>");
        assert!(s.next().is_some_and(|t| t.is(html, "a")));
        assert!(s.next().is_none());
        let cut = html.find("<a href").expect("link");
        assert_eq!(Skimmer::within(html, 0, cut, &["a"]).count(), 0);
    }

    #[test]
    fn the_skimmer_meets_a_tag_inside_a_quoted_value_it_did_not_lex() {
        // The price of not lexing every tag, as its documentation says.
        let html = r#"<div data-x="<a href=/in>"><a href=/out>"#;
        assert_eq!(Skimmer::within(html, 0, html.len(), &["a"]).count(), 2);
        let scanned = Scanner::new(html, 0).filter(|t| t.is(html, "a")).count();
        assert_eq!(scanned, 1);
    }
}
