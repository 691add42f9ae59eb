//! Embed code held in strings: JSON string literals inside scripts (page state, oEmbed
//! responses, `\u003c`-escaped or doubly escaped markup) and entity-escaped markup written out in
//! text areas. Each string is decoded and searched as a nested document; what it embeds is
//! reported with the span of the string (or the text area) that holds it.
//!
//! Script data may carry other articles' content (prefetched related stories): embed code in a
//! string that also holds an article body counts only when that body is this page's.

use std::ops::Range;
use std::sync::LazyLock;

use super::super::dom;
use super::super::view::TextView;
use super::super::{Page, detect_depth};
use crate::post::{Form, Kind, Post};

/// Markers of embed code inside script strings and text areas (raw, escaped).
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

/// How deep embed code may nest in strings before it is no longer looked into.
const MAX_DEPTH: usize = 3;

/// Embed code inside scripts (JSON strings) and text areas (entity-escaped).
pub(super) fn scripts(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    if page.depth >= MAX_DEPTH {
        return out;
    }
    let mut visible: Option<String> = None;
    // Only regions holding a marker (escaped code, or a platform word inside raw markup in a
    // JSON string) are read; the rest are skipped unseen.
    let code: Vec<usize> = page.hits.offsets().collect();
    for r in page.opaque().to_vec() {
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
            out.extend(text_area(page, body, lt, r.end));
        } else if opener.starts_with("<script") {
            out.extend(script_strings(page, &r, &mut visible));
        }
    }
    out
}

/// Entity-escaped embed code written out in a text area; the span is the whole element.
fn text_area(page: &Page<'_>, body: &str, lt: usize, body_end: usize) -> Vec<Post> {
    let html = page.text;
    let decoded = html_escape::decode_html_entities(body);
    let end =
        memchr::memchr(b'>', &html.as_bytes()[body_end..]).map_or(body_end, |p| body_end + p + 1);
    super::nested(&decoded, page, Form::DataAttr, &(lt..end))
        .map(|mut p| {
            p.notes.push("embed code written out in a text area".into());
            p
        })
        .collect()
}

/// The embeds in a script's JSON string literals.
fn script_strings(page: &Page<'_>, r: &Range<usize>, visible: &mut Option<String>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    for lit in json_strings(&html[r.clone()]) {
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
        let found = detect_depth(&decoded, true, page.depth + 1, page.exhaustive);
        if found.iter().all(|p| p.kind != Kind::Embed) {
            continue;
        }
        if !belongs_to_page(page, &decoded, visible) {
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
