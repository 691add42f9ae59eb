//! The shared embed forms every platform uses, found once per page and dispatched by URL:
//! iframes and legacy `<object>`/`<embed>` players, AMP components, lazy and CMS placeholders
//! that carry a post URL or ID in `data-*` attributes, embed code inside script strings (JSON,
//! `\u003c`-escaped) and entity-escaped attributes or textareas, bare post URLs standing alone
//! on a line (which CMSs turn into embeds), and prose links (mentions).
//!
//! Also here: merging the copies of one post that a page holds (an AMP placeholder inside its
//! component, a noscript fallback beside a lazy placeholder, a JSON copy of an HTML embed) into
//! one record, the richer copy winning.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::dom::{self, Tag, TagKind};
use super::{DETECTORS, Page, PostRef, detect_depth, parse_post_url};
use crate::decode::DocKind;
use crate::post::{Form, Kind, Post};

/// Tags whose attributes never hold an embed (links are mentions, the rest are page chrome).
const NOT_EMBEDS: &[&str] = &[
    "a", "link", "meta", "button", "input", "form", "option", "area", "base", "html", "body",
    "head", "source", "track",
];

/// Finds iframes, objects, AMP components, placeholders and escaped or scripted embed code.
pub fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out: Vec<Post> = Vec::new();
    // Only tags holding a marker can carry an embed; the prefilter located them.
    for tag in page.marked_tags().to_vec() {
        if page.is_claimed(tag.range.start) {
            continue;
        }
        let name = tag.name(html).to_ascii_lowercase();
        if NOT_EMBEDS.contains(&name.as_str()) || name == "script" {
            continue;
        }
        if let Some(p) = element(page, &tag, &name) {
            out.extend(p);
        }
    }
    out.extend(scripts(page));
    for p in &out {
        page.claim(p.span.clone());
    }
    out
}

/// What one start tag yields.
fn element(page: &Page<'_>, tag: &Tag, name: &str) -> Option<Vec<Post>> {
    let html = page.text;
    let void = matches!(name, "img" | "embed" | "param" | "br" | "hr") || tag.self_closing;
    let span = || {
        if void {
            tag.range.clone()
        } else {
            tag.range.start..dom::element_end(html, tag)
        }
    };
    let attrs: Vec<(String, String)> = tag
        .attrs(html)
        .map(|(n, v)| {
            (
                n.to_ascii_lowercase(),
                html_escape::decode_html_entities(v).into_owned(),
            )
        })
        .collect();
    let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());

    // AMP components: the platform's identity attribute.
    if name.starts_with("amp-") {
        if name == "amp-embedly-card" || name == "amp-iframe" {
            let r = get("data-url")
                .or_else(|| get("src"))
                .and_then(parse_post_url)?;
            return Some(vec![with_span(
                r.to_post(Kind::Embed, Form::Amp, &det(&r, "amp")),
                span(),
            )]);
        }
        for d in DETECTORS {
            for (el, attr) in d.amp {
                if *el == name
                    && let Some(v) = get(attr)
                {
                    let r = (d.parse_url)(v).or_else(|| amp_id(d.platform, v))?;
                    return Some(vec![with_span(
                        r.to_post(Kind::Embed, Form::Amp, &det(&r, "amp")),
                        span(),
                    )]);
                }
            }
        }
        return None;
    }

    // Iframes and legacy players.
    if matches!(name, "iframe" | "frame" | "embed") {
        for a in [
            "src",
            "data-src",
            "data-lazy-src",
            "data-url",
            "data-original",
        ] {
            if let Some(r) = get(a).and_then(parse_post_url) {
                let form = if name == "embed" {
                    Form::Object
                } else {
                    Form::Iframe
                };
                let d = if name == "embed" { "object" } else { "iframe" };
                return Some(vec![with_span(
                    r.to_post(Kind::Embed, form, &det(&r, d)),
                    span(),
                )]);
            }
        }
    }
    if name == "param" {
        // A legacy player's movie URL: the post is the whole `<object>` around it.
        let v = get("value")?;
        let r = parse_post_url(v)?;
        let sp = html[..tag.range.start]
            .to_ascii_lowercase()
            .rfind("<object")
            .and_then(|lt| dom::lex_tag(html, lt))
            .map(|t| t.range.start..dom::element_end(html, &t))
            .filter(|sp| sp.end >= tag.range.end)
            .unwrap_or_else(|| tag.range.clone());
        return Some(vec![with_span(
            r.to_post(Kind::Embed, Form::Object, &det(&r, "object")),
            sp,
        )]);
    }
    if name == "object" {
        let sp = span();
        let inner = &html[sp.clone()];
        let r = object_url(inner)?;
        return Some(vec![with_span(
            r.to_post(Kind::Embed, Form::Object, &det(&r, "object")),
            sp,
        )]);
    }

    // Placeholders: a post URL in any data-* attribute, or a platform's ID attribute.
    let context_text = attrs
        .iter()
        .filter(|(k, _)| k == "class" || k.starts_with("data-") || k == "id")
        .map(|(_, v)| v.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    // Rendered widgets: iframes and the custom elements widget scripts leave behind.
    let form = if matches!(
        name,
        "iframe" | "frame" | "twitter-widget" | "twitterwidget"
    ) {
        Form::Iframe
    } else {
        Form::DataAttr
    };
    for (k, v) in &attrs {
        if !k.starts_with("data-") && k != "videoid" {
            continue;
        }
        if v.len() > 2 && (v.contains("<iframe") || v.contains("<blockquote")) {
            // Entity-escaped embed code in an attribute: read it as markup.
            let sp = span();
            let nested: Vec<Post> = detect_depth(v, DocKind::Html, page.depth + 1, page.exhaustive)
                .into_iter()
                .filter(|p| p.kind == Kind::Embed)
                .map(|mut p| {
                    p.form = Form::DataAttr;
                    p.span = sp.clone();
                    p
                })
                .collect();
            if !nested.is_empty() {
                return Some(nested);
            }
        }
        let r = if is_url_attr(k) {
            parse_post_url(v)
        } else {
            None
        };
        let r = r.or_else(|| {
            DETECTORS.iter().find_map(|d| {
                let ctx = d.names.iter().any(|n| mentions_word(&context_text, n));
                (d.id_attr)(k, v, ctx)
            })
        });
        if let Some(r) = r {
            let d = if form == Form::Iframe {
                "iframe"
            } else {
                "data-attr"
            };
            let sp = span();
            let mut post = with_span(r.to_post(Kind::Embed, form, &det(&r, d)), sp.clone());
            placeholder_extras(html, &sp, name, &attrs, &mut post);
            return Some(vec![post]);
        }
    }
    None
}

static IMAGE_ALT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*(?:twitter|instagram|facebook|tiktok) post by @?([A-Za-z0-9_.]{1,30})\s*:\s*(.+)$")
        .expect("valid regex")
});

/// What else a placeholder shows: the handle of a link to the same post inside it, and the
/// text an image placeholder gives in its alt ("Twitter post by @x: …").
fn placeholder_extras(
    html: &str,
    span: &Range<usize>,
    name: &str,
    attrs: &[(String, String)],
    post: &mut Post,
) {
    if post.handle.is_none() && span.len() < 64 * 1024 {
        let inner = &html[span.clone()];
        for tag in page_links(inner) {
            if let Some(r) = parse_post_url(&tag)
                && r.post_id.as_str() == post.post_id.as_deref().unwrap_or("")
                && r.handle.is_some()
            {
                post.handle = r.handle;
                post.url = Some(r.url);
                break;
            }
        }
    }
    {
        let alt = attrs
            .iter()
            .find(|(k, _)| k == "data-alt" || (k == "alt" && name == "img"))
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if let Some(c) = IMAGE_ALT.captures(alt) {
            if post.handle.is_none() {
                post.handle = Some(c[1].to_string());
            }
            post.text = Some(dom::squash_ws(&c[2]));
        }
    }
}

/// The hrefs of the links in a fragment.
fn page_links(inner: &str) -> Vec<String> {
    dom::Scanner::new(inner, 0)
        .filter(|t| t.kind == TagKind::Start && t.is(inner, "a"))
        .filter_map(|t| t.attr(inner, "href").map(|h| h.into_owned()))
        .collect()
}

/// Attributes whose value may be a URL (not tracking blobs or styles).
fn is_url_attr(k: &str) -> bool {
    !matches!(
        k,
        "data-style"
            | "data-tracking"
            | "data-internal-tracking"
            | "data-share-url"
            | "data-shareurl"
    ) && !k.starts_with("data-share")
        && !k.starts_with("data-track")
        && !k.starts_with("data-gtm")
}

/// Whether `hay` (lower-case class and data values) names `word` as a token.
fn mentions_word(hay: &str, word: &str) -> bool {
    hay.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|t| t == word)
}

fn det(r: &PostRef, form: &str) -> String {
    format!("{}/{form}", r.platform.as_str())
}

fn with_span(mut p: Post, span: Range<usize>) -> Post {
    p.span = span;
    p
}

/// An AMP identity attribute that holds a bare ID rather than a URL.
fn amp_id(platform: crate::post::Platform, v: &str) -> Option<PostRef> {
    use crate::post::Platform as P;
    let v = v.trim();
    match platform {
        P::Twitter => super::twitter::id_attr("data-tweetid", v, true),
        P::Instagram => super::instagram::id_attr("data-shortcode", v, true),
        P::Youtube => super::youtube::id_attr("data-videoid", v, true),
        P::Tiktok => super::tiktok::id_attr("data-video-id", v, true),
        _ => None,
    }
}

/// The post a legacy `<object>` plays: its `movie` param or inner `<embed src>`.
fn object_url(inner: &str) -> Option<PostRef> {
    for tag in dom::Scanner::new(inner, 0) {
        if tag.kind != TagKind::Start {
            continue;
        }
        let v = if tag.is(inner, "param")
            && tag
                .attr(inner, "name")
                .is_some_and(|n| n.eq_ignore_ascii_case("movie") || n.eq_ignore_ascii_case("src"))
        {
            tag.attr(inner, "value")
        } else if tag.is(inner, "embed") || tag.is(inner, "object") {
            tag.attr(inner, "src").or_else(|| tag.attr(inner, "data"))
        } else {
            None
        };
        if let Some(r) = v.and_then(|v| parse_post_url(&v)) {
            return Some(r);
        }
    }
    None
}

/// Markers of embed code inside script strings and textareas (raw, escaped).
static SCRIPT_MARKERS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "<blockquote",
            "\\u003cblockquote",
            "<iframe",
            "\\u003ciframe",
            "&lt;blockquote",
            "&lt;iframe",
            "data-telegram-post",
        ])
        .expect("static patterns build")
});

/// Embed code inside scripts (JSON strings) and textareas (entity-escaped).
fn scripts(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    if page.depth >= 3 {
        return out;
    }
    let mut visible: Option<String> = None;
    // Scripts and text areas holding any marker (escaped code, or a platform word inside raw
    // markup in a JSON string) are read; the rest are skipped unseen.
    let code: Vec<usize> = page.hits.at.iter().map(|(p, _)| *p).collect();
    for r in page.opaque().to_vec() {
        // Only regions the prefilter saw embed code in.
        let i = code.partition_point(|&p| p < r.start);
        if !page.exhaustive && code.get(i).is_none_or(|&p| p >= r.end) {
            continue;
        }
        let body = &html[r.clone()];
        if body.starts_with("<!--") || !SCRIPT_MARKERS.is_match(body) {
            continue;
        }
        let lt = html[..r.start].rfind('<').unwrap_or(r.start);
        let opener = html[lt..r.start].to_ascii_lowercase();
        if opener.starts_with("<textarea") {
            let decoded = html_escape::decode_html_entities(body);
            // The whole element, `<textarea …>` to `</textarea>`.
            let end =
                memchr::memchr(b'>', &html.as_bytes()[r.end..]).map_or(r.end, |p| r.end + p + 1);
            for mut p in detect_depth(&decoded, DocKind::Html, page.depth + 1, page.exhaustive) {
                if p.kind == Kind::Embed {
                    p.form = Form::DataAttr;
                    p.span = lt..end;
                    p.notes.push("embed code written out in a text area".into());
                    out.push(p);
                }
            }
            continue;
        }
        if !opener.starts_with("<script") {
            continue;
        }
        for lit in json_strings(body) {
            let abs = r.start + lit.start..r.start + lit.end;
            let Ok(decoded) = serde_json::from_str::<String>(&html[abs.clone()]) else {
                continue;
            };
            if !SCRIPT_MARKERS.is_match(&decoded) {
                continue;
            }
            // JSON inside JSON: one more level of string escapes.
            let decoded = if decoded.contains("\\\"") || decoded.contains("\\u003c") {
                json_strings(&decoded)
                    .into_iter()
                    .filter_map(|l| serde_json::from_str::<String>(&decoded[l]).ok())
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                decoded
            };
            let found = detect_depth(&decoded, DocKind::Html, page.depth + 1, page.exhaustive);
            if found.iter().all(|p| p.kind != Kind::Embed) {
                continue;
            }
            if !belongs_to_page(page, &decoded, &mut visible) {
                continue;
            }
            for mut p in found {
                if p.kind == Kind::Embed {
                    p.form = Form::Script;
                    p.detector = format!("{}/script", p.platform.as_str());
                    p.span = abs.clone();
                    out.push(p);
                }
            }
        }
    }
    out
}

/// Whether embed code found in a script string belongs to this page. A string that is only
/// embed code (an oEmbed `html`, an `embedCode` field) does; a string that also carries an
/// article body does only when that body is this page's (some pages ship the content of other
/// articles, prefetched, in their scripts).
fn belongs_to_page(page: &Page<'_>, decoded: &str, visible: &mut Option<String>) -> bool {
    let view = super::text::TextView::of_html(decoded, &[]);
    let prose: Vec<&str> = view
        .text
        .split('\n')
        .map(str::trim)
        .filter(|l| l.chars().count() >= 120)
        .collect();
    if prose.len() < 2 {
        return true;
    }
    let visible = visible.get_or_insert_with(|| {
        let v = super::text::TextView::of_html(page.text, page.opaque());
        dom::squash_ws(&v.text)
    });
    prose.iter().any(|l| {
        let probe: String = l.chars().take(80).collect();
        visible.contains(&dom::squash_ws(&probe))
    })
}

/// Byte ranges of the double-quoted string literals in `s` that carry escapes (serialised data,
/// not hand-written JavaScript), quotes included.
fn json_strings(s: &str) -> Vec<Range<usize>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'"', &b[i..]) {
        let start = i + p;
        let mut j = start + 1;
        let mut escaped = false;
        while j < b.len() {
            match b[j] {
                b'\\' => {
                    escaped = true;
                    j += 2;
                    continue;
                }
                b'"' => break,
                b'\n' => break,
                _ => j += 1,
            }
        }
        if j >= b.len() || b[j] != b'"' {
            i = start + 1;
            continue;
        }
        if escaped && j - start > 20 {
            out.push(start..j + 1);
        }
        i = j + 1;
    }
    out
}

/// Links to posts outside any embed: a post URL alone in its block or on its line is an embed
/// (CMSs and live blogs turn such lines into embeds); any other link to a post is a mention.
/// Only the places the prefilter marked are looked at.
pub fn links(page: &Page<'_>) -> Vec<Post> {
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
        let end = dom::element_end(html, &tag);
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
        out.push(with_span(
            r.to_post(kind, form, &det(&r, d)),
            tag.range.start..end,
        ));
    }
    // Bare URLs in the text (not inside a tag): embeds when alone in their block. The prefilter's
    // hits say where to look; the whole-document path looks at every text run.
    let b = html.as_bytes();
    let candidates: Vec<usize> = if page.exhaustive {
        dom::Scanner::new(html, 0).map(|t| t.range.end).collect()
    } else {
        page.hits.at.iter().map(|(p, _)| *p).collect()
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
        out.push(with_span(r.to_post(kind, Form::Link, &det(&r, d)), span));
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
            dom::lex_tag(html, lt).is_some_and(|t| breaks_line(html, &t))
        });
    let next_ok = after_start >= html.len()
        || (b[after_start] == b'<'
            && dom::lex_tag(html, after_start).is_some_and(|t| breaks_line(html, &t)));
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
        page.hits.at.iter().map(|(p, _)| *p).collect()
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
        out.push(with_span(r.to_post(kind, Form::Link, &det(&r, d)), span));
    }
    out
}

/// Forms that show the post in full; two of these with one ID are two embeds of it.
fn is_full(f: Form) -> bool {
    matches!(f, Form::Blockquote | Form::Text | Form::Card)
}

/// Merges the copies of one post that a page holds into one record: nested spans (a wrapper or
/// an AMP component around a fallback), adjacent placeholder + fallback pairs, and script
/// copies of markup found in the HTML. The copy with more fields wins; the other fills gaps.
/// Two full embeds of one post in different places stay two records.
pub fn merge_copies(mut posts: Vec<Post>) -> Vec<Post> {
    posts.sort_by_key(|p| (p.span.start, std::cmp::Reverse(p.span.end)));
    let mut out: Vec<Post> = Vec::with_capacity(posts.len());
    'next: for p in posts {
        if p.kind == Kind::Embed && p.post_id.is_some() {
            let id = p.identity();
            for q in out.iter_mut().rev() {
                if q.kind != Kind::Embed || q.identity() != id {
                    continue;
                }
                let nested = q.span.start <= p.span.start && p.span.end <= q.span.end;
                let near = p.span.start.saturating_sub(q.span.end) <= 400
                    && !(is_full(p.form) && is_full(q.form));
                let script = (p.form == Form::Script) != (q.form == Form::Script);
                if nested || near || script {
                    merge_into(q, p, nested);
                    continue 'next;
                }
            }
        }
        out.push(p);
    }
    out
}

fn merge_into(q: &mut Post, p: Post, nested: bool) {
    // The HTML copy keeps its place over a script copy; otherwise the richer copy's fields lead.
    let p_leads = if (p.form == Form::Script) != (q.form == Form::Script) {
        q.form == Form::Script
    } else {
        p.richness() > q.richness()
    };
    let outer_span = q.span.start.min(p.span.start)..q.span.end.max(p.span.end);
    let outer_form = if nested && q.form == Form::Amp {
        Some(Form::Amp)
    } else {
        None
    };
    let (mut lead, other) = if p_leads {
        (
            p,
            std::mem::replace(q, Post::new(q.platform, q.kind, q.form, "")),
        )
    } else {
        (
            std::mem::replace(q, Post::new(q.platform, q.kind, q.form, "")),
            p,
        )
    };
    fill(&mut lead, &other);
    if lead.form == Form::Script && other.form != Form::Script {
        lead.form = other.form;
        lead.detector = other.detector.clone();
        lead.span = other.span.clone();
    } else if other.form != Form::Script {
        lead.span = outer_span;
    }
    if let Some(f) = outer_form {
        lead.form = f;
    }
    *q = lead;
}

fn fill(a: &mut Post, b: &Post) {
    macro_rules! take {
        ($($f:ident),*) => { $( if a.$f.is_none() { a.$f = b.$f.clone(); } )* };
    }
    take!(
        post_id,
        url,
        handle,
        display_name,
        date_text,
        date,
        created_at,
        lang,
        text,
        quoted_url
    );
    if a.media.is_empty() {
        a.media = b.media.clone();
    }
    if a.links.is_empty() {
        a.links = b.links.clone();
    }
    for n in &b.notes {
        if !a.notes.contains(n) {
            a.notes.push(n.clone());
        }
    }
}
