//! Shared helpers for reading flattened embeds: paragraph bounds, small token finders (URLs,
//! `pic.twitter.com` codes, dashes), and the loop that matches a platform's pattern over a
//! page's text view.
//!
//! A flattened embed is what is left of an embed's fallback markup once a page is stripped to
//! text: `TEXT — Name (@handle) Month D, YYYY`. In a text file it is read as is; in an HTML page
//! it is read from the page's text view (`view.rs`), whose positions map back to the page.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The start of the paragraph holding `pos`: just after the previous blank line (or, when
/// `lines` is set, the previous line break), never before `floor`.
pub fn paragraph_start(text: &str, pos: usize, floor: usize, lines: bool) -> usize {
    let before = &text[floor..pos];
    let cut = if lines {
        before.rfind('\n').map(|p| p + 1)
    } else {
        blank_line_end(before)
    };
    floor + cut.unwrap_or(0)
}

/// The end of the last blank line (`\n` + optional spaces + `\n`) in `s`.
fn blank_line_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = b.len();
    while let Some(p) = memchr::memrchr(b'\n', &b[..i]) {
        // Look back over spaces for an earlier newline.
        let mut j = p;
        while j > 0 && matches!(b[j - 1], b' ' | b'\t' | b'\r') {
            j -= 1;
        }
        if j > 0 && b[j - 1] == b'\n' {
            return Some(p + 1);
        }
        i = p;
    }
    None
}

/// Whether the document separates paragraphs with blank lines (otherwise each line is one).
pub fn uses_blank_lines(text: &str) -> bool {
    let blank = memchr::memmem::find_iter(text.as_bytes(), b"\n\n").count()
        + memchr::memmem::find_iter(text.as_bytes(), b"\n\r\n").count();
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    blank > 0 && blank * 4 >= lines
}

static MEDIA: LazyLock<Regex> = LazyLock::new(|| {
    // No word boundary before `pic`: link texts are often glued to a hashtag before them
    // ("#windowspic.twitter.com/…").
    Regex::new(r"(?i)(?:https?://)?pic\.(?:twitter|x)\.com/[A-Za-z0-9]+").expect("valid regex")
});

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bhttps?://[^\s<>"'\u{2014}\u{2026}]+"#).expect("valid regex")
});

/// `pic.twitter.com/…` / `pic.x.com/…` tokens in `s`, as shown, without a scheme.
pub fn media_tokens(s: &str) -> Vec<String> {
    MEDIA
        .find_iter(s)
        .map(|m| strip_scheme(m.as_str()).to_string())
        .collect()
}

/// Absolute http(s) URLs in `s` (trailing punctuation dropped).
pub fn url_tokens(s: &str) -> Vec<String> {
    URL.find_iter(s)
        .map(|m| {
            m.as_str()
                .trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '»', '”'])
                .to_string()
        })
        .collect()
}

/// `s` without a leading `http://`, `https://` or `//`.
pub fn strip_scheme(s: &str) -> &str {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else if let Some(r) = s.strip_prefix("//") {
        r
    } else {
        s
    }
}

/// Dash forms that precede a flattened signature, longest first.
pub const DASHES: &[&str] = &[
    "&mdash;", "&#8212;", "&ndash;", "\u{2014}", "\u{2013}", "--",
];

/// Finds the last dash (see [`DASHES`], or a ` - ` hyphen with spaces, or a hyphen at the very
/// start) in `s`; returns its byte range.
pub fn last_dash(s: &str) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    for d in DASHES {
        if let Some(p) = s.rfind(d)
            && best.as_ref().is_none_or(|b| p > b.start)
        {
            best = Some(p..p + d.len());
        }
    }
    if best.is_none() {
        if let Some(p) = s.rfind(" - ") {
            best = Some(p + 1..p + 2);
        } else if s.trim_start().starts_with('-') {
            let p = s.len() - s.trim_start().len();
            best = Some(p..p + 1);
        }
    }
    best
}

/// Flattened posts matched line by line in a page's text view: `make` turns a match into a post
/// and the span (in view offsets) it covers; spans are mapped back to the page and matches that
/// fall in spans already claimed are dropped.
pub fn view_posts(
    page: &super::Page<'_>,
    re: &Regex,
    mut make: impl FnMut(&regex::Captures<'_>, &str) -> Option<(crate::post::Post, Range<usize>)>,
) -> Vec<crate::post::Post> {
    let view = page.text_view();
    let t = view.text.as_str();
    let mut out = Vec::new();
    for c in re.captures_iter(t) {
        let Some((mut post, span)) = make(&c, t) else {
            continue;
        };
        post.span = page.page_span(span);
        if page.is_claimed(post.span.start) {
            continue;
        }
        out.push(post);
    }
    out
}

/// The paragraph text before `at` (after the previous blank line), trimmed, and where it starts.
pub fn text_before(t: &str, at: usize) -> Option<(String, usize)> {
    let start = paragraph_start(t, at, 0, false);
    let body = t[start..at].trim();
    if body.is_empty() || body.chars().count() > 5000 {
        return None;
    }
    Some((
        body.to_string(),
        start + (t[start..].len() - t[start..].trim_start().len()),
    ))
}
