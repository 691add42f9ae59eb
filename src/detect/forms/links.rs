//! Links to posts outside any embed. A post URL written as bare text alone in its block (HTML)
//! or alone in its paragraph (Markdown source) is an embed: live blogs and CMSs turn such URLs
//! into embeds, and Markdown renderers (oEmbed transformers, auto-embeds) do the same. Every
//! other link to a post is a mention: a link in prose, a URL a page already rendered as a link
//! (a renderer that embeds would have replaced it), and a URL line in plain text (text stripped
//! from a page keeps an embed's footer, not its URL). Only the places the prefilter marked are
//! looked at (every tag and text run on the whole-document path).

use super::super::dom;
use super::super::tags::{self, Tag, TagKind};
use super::super::{Page, parse_post_url};
use crate::post::{Form, Kind, Post};

/// Links to posts outside any embed (see the module docs).
pub(crate) fn links(page: &Page<'_>) -> Vec<Post> {
    if page.is_html() {
        html_links(page)
    } else {
        text_links(page)
    }
}

fn html_links(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    for tag in page.start_tags_named("a") {
        if super::super::budget::spent() {
            break;
        }
        if page.is_claimed(tag.range.start) {
            continue;
        }
        let Some(href) = tag.attr(html, "href") else {
            continue;
        };
        let Some(r) = parse_post_url(&href) else {
            continue;
        };
        let end = page.element_end(&tag);
        out.push(r.found(Kind::Mention, Form::Link, "link", tag.range.start..end));
    }
    // Bare URLs in the text (not inside a tag): embeds when alone in their block. The prefilter's
    // hits say where to look; the whole-document path looks at every text run.
    let b = html.as_bytes();
    let candidates: Vec<usize> = if page.exhaustive {
        tags::Scanner::new(html, 0).map(|t| t.range.end).collect()
    } else {
        page.hits.offsets().collect()
    };
    let mut last_end = 0;
    // Each look back for the run's start goes only as far as the previous candidate's: many
    // candidates in one long run (or one long tag) share its start, and its verdict.
    let mut looked_back = 0;
    let mut run_start = 0;
    let mut rejected = None;
    for pos in candidates {
        if pos >= b.len() || b[pos] == b'<' {
            continue;
        }
        if pos < last_end || page.is_claimed(pos) || page.is_opaque(pos) {
            continue;
        }
        let from = if pos >= looked_back { looked_back } else { 0 };
        let start = match memchr::memrchr2(b'>', b'<', &b[from..pos]) {
            Some(p) => from + p + 1,
            None if from > 0 => run_start,
            None => 0,
        };
        (looked_back, run_start) = (pos, start);
        if rejected == Some(start) {
            continue;
        }
        if start > 0 && b[start - 1] == b'<' {
            rejected = Some(start);
            continue; // inside a tag
        }
        if start > 0 && link_text(html, start) {
            rejected = Some(start);
            continue; // a link's own text: the link was read above
        }
        let end = memchr::memchr(b'<', &b[pos..]).map_or(b.len(), |p| pos + p);
        last_end = end;
        let run = &html[start..end];
        let token = run.trim();
        if token.is_empty() || token.contains(char::is_whitespace) || token.len() > 400 {
            continue;
        }
        let Some(r) = parse_post_url(&html_escape::decode_html_entities(token)) else {
            continue;
        };
        let lead = run.len() - run.trim_start().len();
        let span = start + lead..start + lead + token.len();
        let (kind, d) = if alone_in_block(html, start, end) {
            (Kind::Embed, "link-line")
        } else {
            (Kind::Mention, "link")
        };
        out.push(r.found(kind, Form::Link, d, span));
    }
    out
}

/// Whether the line `line_start..line_end` is a paragraph of its own: the lines around it are
/// blank (or the text ends there).
fn blank_around(t: &str, line_start: usize, line_end: usize) -> bool {
    let before = t[..line_start].trim_end_matches(['\n', '\r']);
    let prev = before.rfind('\n').map_or(before, |p| &before[p + 1..]);
    let after = t.get(line_end + 1..).unwrap_or("");
    let next = after.split('\n').next().unwrap_or("");
    let blank_line_between = t[before.len()..line_start].matches('\n').count() >= 2;
    let prev_blank = before.is_empty() || blank_line_between || prev.trim().is_empty();
    prev_blank && next.trim().is_empty()
}

/// Whether the text starting at `start` (just after a `>`) is inside an `<a>` element: the tag
/// that ends there, or one a few inline tags before it, opens a link.
fn link_text(html: &str, start: usize) -> bool {
    let b = html.as_bytes();
    let mut end = start;
    for _ in 0..4 {
        let Some(lt) = memchr::memrchr(b'<', &b[..end]) else {
            return false;
        };
        let Some(tag) = tags::lex_tag(html, lt) else {
            return false;
        };
        if tag.range.end != end {
            return false;
        }
        match tag.kind {
            TagKind::Start if tag.is(html, "a") => return true,
            // Formatting inside a link (`<a><span>URL</span></a>`).
            TagKind::Start if !dom::is_block(tag.name(html)) => end = lt,
            _ => return false,
        }
    }
    false
}

/// Whether `start..end` is the only content of its block: the nearest tags before and after
/// are block boundaries (or line breaks) with only white space in between.
fn alone_in_block(html: &str, start: usize, end: usize) -> bool {
    let b = html.as_bytes();
    let before = html[..start].trim_end();
    let after_start = end + (html[end..].len() - html[end..].trim_start().len());
    let prev_ok = before.is_empty()
        || (before.ends_with('>') && {
            let lt = memchr::memrchr(b'<', &b[..before.len()]).unwrap_or(0);
            tags::lex_tag(html, lt).is_some_and(|t| breaks_line(html, &t))
        });
    let next_ok = after_start >= html.len()
        || (b[after_start] == b'<'
            && tags::lex_tag(html, after_start).is_some_and(|t| breaks_line(html, &t)));
    prev_ok && next_ok
}

fn breaks_line(html: &str, t: &Tag) -> bool {
    let n = t.name(html);
    t.kind != TagKind::Other && (dom::is_block(n) || n.eq_ignore_ascii_case("br"))
}

/// Text documents: the URL tokens around marker hits; alone on their line they are embeds.
fn text_links(page: &Page<'_>) -> Vec<Post> {
    let t = page.text;
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut last_end = 0;
    let candidates: Vec<usize> = if page.exhaustive {
        let mut c: Vec<usize> = memchr::memmem::find_iter(b, b"://")
            .chain(memchr::memmem::find_iter(b, b"www."))
            .collect();
        c.sort_unstable();
        c
    } else {
        page.hits.offsets().collect()
    };
    for pos in candidates {
        if pos < last_end || page.is_claimed(pos) {
            continue;
        }
        let is_space = |c: u8| {
            c.is_ascii_whitespace() || c == b'<' || c == b'>' || c == b'"' || c == b'(' || c == b')'
        };
        let start = b[..pos]
            .iter()
            .rposition(|&c| is_space(c))
            .map_or(0, |p| p + 1);
        let end = b[pos..]
            .iter()
            .position(|&c| is_space(c))
            .map_or(b.len(), |p| pos + p);
        last_end = end;
        let token = t[start..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if !(token.contains("://") || token.starts_with("www.")) {
            continue;
        }
        let Some(r) = parse_post_url(token) else {
            continue;
        };
        let span = start..start + token.len();
        let line_start = t[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = t[end..].find('\n').map_or(t.len(), |p| end + p);
        let alone = t[line_start..start].trim().is_empty()
            && t[span.end..line_end].trim().is_empty()
            && blank_around(t, line_start, line_end);
        let (kind, d) = if alone && page.is_markdown() {
            (Kind::Embed, "link-line")
        } else {
            (Kind::Mention, "link")
        };
        out.push(r.found(kind, Form::Link, d, span));
    }
    out
}
