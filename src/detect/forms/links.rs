//! Links to posts outside any embed. A post URL alone in its block (HTML) or on its line (text)
//! is an embed, as CMSs and live blogs turn such lines into embeds; any other link to a post is
//! a mention. Only the places the prefilter marked are looked at (every tag and text run on the
//! whole-document path).

use super::super::dom;
use super::super::tags::{self, Tag, TagKind};
use super::super::{Page, parse_post_url};
use crate::post::{Form, Kind, Post};

/// Links to posts outside any embed: a post URL alone in its block or on its line is an embed
/// (CMSs and live blogs turn such lines into embeds); any other link to a post is a mention.
/// Only the places the prefilter marked are looked at.
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
        if page.is_claimed(tag.range.start) {
            continue;
        }
        let Some(href) = tag.attr(html, "href") else {
            continue;
        };
        let Some(r) = parse_post_url(&href) else {
            continue;
        };
        let end = tags::element_end(html, &tag);
        let alone = alone_in_block(html, tag.range.start, end);
        let text_is_url = {
            let inner = &html[tag.range.end..end];
            let inner = inner.rsplit_once("</").map_or(inner, |(a, _)| a);
            let inner = inner.trim();
            parse_post_url(&html_escape::decode_html_entities(inner)).is_some()
        };
        let (kind, form, d) = if alone && text_is_url {
            (Kind::Embed, Form::Link, "link-line")
        } else {
            (Kind::Mention, Form::Link, "link")
        };
        out.push(r.found(kind, form, d, tag.range.start..end));
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
    for pos in candidates {
        if pos >= b.len() || b[pos] == b'<' {
            continue;
        }
        if pos < last_end || page.is_claimed(pos) || page.is_opaque(pos) {
            continue;
        }
        let start = memchr::memrchr2(b'>', b'<', &b[..pos]).map_or(0, |p| p + 1);
        if start > 0 && b[start - 1] == b'<' {
            continue; // inside a tag
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
        let alone =
            t[line_start..start].trim().is_empty() && t[span.end..line_end].trim().is_empty();
        let (kind, d) = if alone {
            (Kind::Embed, "link-line")
        } else {
            (Kind::Mention, "link")
        };
        out.push(r.found(kind, Form::Link, d, span));
    }
    out
}
