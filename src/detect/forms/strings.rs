//! Embed code held in strings, whatever the wrapping: JSON string literals (page state in
//! scripts, oEmbed responses, whole JSON documents such as JSON Feeds, at any depth of escaping:
//! `\"`, `\/`, `\u003c`, doubly escaped), entity-escaped markup in text areas and attributes
//! (`data-content='&lt;blockquote …'`, an iframe's `srcdoc`, doubly escaped `&amp;lt;`), and
//! script calls whose argument is a post or player URL (`renderEmbed("https://…/embed/ID")`).
//!
//! One unescaping layer ([`unescape`]) peels the escapes off; what it gives is searched as a
//! nested document, and what that embeds is reported with the span of the string (or the
//! element) that holds it. Script data may carry other articles' content (prefetched related
//! stories): embed code in a string that also holds an article body counts only when that body
//! is this page's.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::super::dom;
use super::super::view::TextView;
use super::super::{Page, detect_depth, parse_post_url};
use crate::decode::DocKind;
use crate::post::{Form, Kind, Post};

/// Markup that makes a decoded string worth searching as a document.
static EMBED_MARKUP: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "<blockquote",
            "<iframe",
            "<amp-",
            "data-telegram-post",
            "<a ",
        ])
        .expect("static patterns build")
});

/// Escapes that a string may still carry: JSON's and HTML's.
static ESCAPES: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(["\\u003c", "\\\"", "\\/", "&lt;", "&quot;", "&amp;"])
        .expect("static patterns build")
});

/// How deep embed code may nest in strings before it is no longer looked into.
const MAX_DEPTH: usize = 3;

/// How many escaping layers are peeled off one string.
const MAX_LAYERS: usize = 4;

/// Peels JSON string escapes and HTML character references off `s`, layer by layer, until it
/// reads as embed markup. `None` when no layer gives markup with an embed in it.
pub(crate) fn unescape(s: &str) -> Option<Cow<'_, str>> {
    let mut cur: Cow<'_, str> = Cow::Borrowed(s);
    for _ in 0..=MAX_LAYERS {
        let escaped = ESCAPES.is_match(cur.as_ref());
        if EMBED_MARKUP.is_match(cur.as_ref()) && !has_json_escapes(&cur) {
            return Some(cur);
        }
        if !escaped {
            return None;
        }
        let next = if has_json_escapes(&cur) {
            json_unescape(&cur)
        } else {
            html_escape::decode_html_entities(cur.as_ref()).into_owned()
        };
        if next == cur.as_ref() {
            return EMBED_MARKUP.is_match(&next).then_some(Cow::Owned(next));
        }
        cur = Cow::Owned(next);
    }
    None
}

/// Whether `s` still carries JSON string escapes around markup (`\"`, `\/`, `\u003c`).
fn has_json_escapes(s: &str) -> bool {
    s.contains("\\\"") || s.contains("\\/") || s.contains("\\u003c") || s.contains("\\u003C")
}

/// Undoes JSON string escapes leniently (a bad escape is kept as written).
fn json_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') | Some('f') => out.push(' '),
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16) {
                    Ok(n) if hex.len() == 4 => {
                        for _ in 0..4 {
                            chars.next();
                        }
                        let c = if (0xD800..0xDC00).contains(&n) {
                            // A surrogate pair: the low half follows as `\uXXXX`.
                            let rest: String = chars.clone().take(6).collect();
                            match rest
                                .strip_prefix("\\u")
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                            {
                                Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                    for _ in 0..6 {
                                        chars.next();
                                    }
                                    char::from_u32(0x10000 + ((n - 0xD800) << 10) + (lo - 0xDC00))
                                }
                                _ => None,
                            }
                        } else {
                            char::from_u32(n)
                        };
                        out.push(c.unwrap_or('\u{fffd}'));
                    }
                    _ => out.push_str("\\u"),
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The embeds in a string that holds escaped embed code, as found in `span` of the page, in
/// `form`; empty when the string holds none.
pub(super) fn embeds_in(
    value: &str,
    page: &Page<'_>,
    form: Form,
    span: &Range<usize>,
) -> Vec<Post> {
    if page.depth >= MAX_DEPTH {
        return Vec::new();
    }
    match unescape(value) {
        Some(code) => super::nested(&code, page, form, span).collect(),
        None => Vec::new(),
    }
}

/// Embed code in scripts (JSON strings, call arguments), in text areas (entity-escaped), and in
/// a document that is itself JSON (a JSON Feed, an API response saved to a file).
pub(super) fn strings(page: &Page<'_>) -> Vec<Post> {
    let text = page.text;
    let mut out = Vec::new();
    if page.depth >= MAX_DEPTH {
        return out;
    }
    if !page.is_html() {
        if is_json(text) {
            out.extend(json_document(page));
        }
        return out;
    }
    let mut visible: Option<String> = None;
    // Only regions holding a marker (escaped code, or a platform word inside raw markup in a
    // JSON string) are read; the rest are skipped unseen.
    let code: Vec<usize> = page.hits.offsets().collect();
    for r in page.opaque().to_vec() {
        if super::super::budget::spent() {
            break;
        }
        let i = code.partition_point(|&p| p < r.start);
        if !page.exhaustive && code.get(i).is_none_or(|&p| p >= r.end) {
            continue;
        }
        let body = &text[r.clone()];
        if body.starts_with("<!--") {
            continue;
        }
        let lt = text[..r.start].rfind('<').unwrap_or(r.start);
        let opener = text[lt..r.start].to_ascii_lowercase();
        if opener.starts_with("<textarea") {
            out.extend(text_area(page, body, lt, r.end));
        } else if opener.starts_with("<script") {
            let found = script_strings(page, &r, &mut visible);
            let literals: Vec<Range<usize>> = found.iter().map(|p| p.span.clone()).collect();
            out.extend(found);
            out.extend(
                script_calls(page, &r)
                    .into_iter()
                    .filter(|p| !literals.iter().any(|l| l.contains(&p.span.start))),
            );
        }
    }
    out
}

/// Whether a text document is JSON: its first character opens an object or an array.
fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

/// A JSON document's string literals that hold markup. They are the document's content (a
/// feed's items), so each is read as a whole page, flattened text included, and what it
/// embeds is reported at the literal.
fn json_document(page: &Page<'_>) -> Vec<Post> {
    let mut out = Vec::new();
    for lit in json_strings(page.text) {
        if super::super::budget::spent() {
            break;
        }
        let Some(decoded) = literal(page.text, &lit) else {
            continue;
        };
        let Some(code) = unescape(&decoded) else {
            continue;
        };
        let found = super::super::detect(&code, DocKind::Html, page.exhaustive, None);
        for mut p in found.unwrap_or_default() {
            if p.kind == Kind::Embed {
                if p.form != Form::Text {
                    p.form = Form::Script;
                }
                p.detector = format!("{}/script", p.platform.as_str());
                p.span = lit.clone();
                out.push(p);
            }
        }
    }
    out
}

/// The decoded value of a JSON string literal (quotes included in `lit`), when it holds markup
/// or escapes worth peeling.
fn literal(text: &str, lit: &Range<usize>) -> Option<String> {
    let raw = &text[lit.clone()];
    let decoded = serde_json::from_str::<String>(raw)
        .unwrap_or_else(|_| json_unescape(&raw[1..raw.len() - 1]));
    (EMBED_MARKUP.is_match(&decoded) || ESCAPES.is_match(&decoded)).then_some(decoded)
}

/// Entity-escaped embed code written out in a text area; the span is the whole element.
fn text_area(page: &Page<'_>, body: &str, lt: usize, body_end: usize) -> Vec<Post> {
    let text = page.text;
    let end =
        memchr::memchr(b'>', &text.as_bytes()[body_end..]).map_or(body_end, |p| body_end + p + 1);
    embeds_in(body, page, Form::DataAttr, &(lt..end))
        .into_iter()
        .map(|mut p| {
            p.notes.push("embed code written out in a text area".into());
            p
        })
        .collect()
}

/// The embeds in a script's JSON string literals.
fn script_strings(page: &Page<'_>, r: &Range<usize>, visible: &mut Option<String>) -> Vec<Post> {
    let text = page.text;
    let mut out = Vec::new();
    for lit in json_strings(&text[r.clone()]) {
        if super::super::budget::spent() {
            break;
        }
        let abs = r.start + lit.start..r.start + lit.end;
        let Some(decoded) = literal(text, &abs) else {
            continue;
        };
        let Some(code) = unescape(&decoded) else {
            continue;
        };
        let found = detect_depth(&code, DocKind::Html, page.depth + 1, page.exhaustive);
        if found.iter().all(|p| p.kind != Kind::Embed) {
            continue;
        }
        if !belongs_to_page(page, &code, visible) {
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
    out
}

/// A string literal passed to a call: `f("…")`, `f(a, '…')`, `new Player("…")`.
static CALL_ARGUMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"[A-Za-z_$][\w$]*\s*\((?:[^()"']{0,80},\s*)?("(?:[^"\\\n]|\\.){8,400}"|'(?:[^'\\\n]|\\.){8,400}')"#,
    )
        .expect("valid regex")
});

/// Script calls whose argument is a post or player URL of a known platform: a loader that
/// renders that post into the page.
fn script_calls(page: &Page<'_>, r: &Range<usize>) -> Vec<Post> {
    let body = &page.text[r.clone()];
    let mut out = Vec::new();
    for c in CALL_ARGUMENT.captures_iter(body) {
        let Some(arg) = c.get(1) else { continue };
        let value = arg.as_str();
        let value = value[1..value.len() - 1].replace("\\/", "/");
        if !(value.starts_with("http") || value.starts_with("//")) {
            continue;
        }
        if let Some(post) = parse_post_url(&value) {
            let span = r.start + arg.start()..r.start + arg.end();
            out.push(post.found(Kind::Embed, Form::Script, "script-call", span));
        }
    }
    out
}

/// Whether embed code found in a script string belongs to this page. A string that is only
/// embed code (an oEmbed `html`, an `embedCode` field) does; a string that also carries an
/// article body does only when that body is this page's.
fn belongs_to_page(page: &Page<'_>, decoded: &str, visible: &mut Option<String>) -> bool {
    let view = TextView::of_html(decoded, &[]);
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
        let v = TextView::of_html(page.text, page.opaque());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_escaping_layer_is_peeled() {
        let plain = r#"<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/1">x</a></blockquote>"#;
        let json = serde_json::to_string(plain).expect("json");
        let json = &json[1..json.len() - 1];
        let slashes = json.replace('/', "\\/");
        let unicode = json.replace('<', "\\u003c").replace('>', "\\u003e");
        let entities = html_escape::encode_double_quoted_attribute(plain).into_owned();
        let double = html_escape::encode_double_quoted_attribute(&entities).into_owned();
        let json_in_json = serde_json::to_string(&unicode).expect("json");
        for s in [
            plain,
            json,
            &slashes,
            &unicode,
            &entities,
            &double,
            &json_in_json[1..json_in_json.len() - 1],
        ] {
            assert_eq!(unescape(s).as_deref(), Some(plain), "{s}");
        }
        assert_eq!(unescape("just text &amp; more"), None);
        assert_eq!(json_unescape(r"\ud83c\udf0a \u00e9"), "🌊 é");
    }
}
