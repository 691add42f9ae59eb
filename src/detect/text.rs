//! Shared helpers for reading flattened embeds: paragraph bounds, small token finders (URLs,
//! `pic.twitter.com` codes, dashes), footer dates with their clock-time tails, where a post's
//! text starts when it runs over several lines, and the loop that matches a platform's pattern
//! over a page's text view.
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
        if super::budget::spent() {
            break;
        }
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

/// The longest clock-time tail after a footer's date (`at 1:32 am`, `um 9:29 PDT`, `в 5:25 PDT`,
/// `à 11h25`): up to six more words on the date's line that the date parser still reads as
/// one date with its time. Returns where the tail ends in `t`; `None` when no time follows.
pub fn time_tail(t: &str, date: Range<usize>) -> Option<usize> {
    // The tail is short: only the next 64 bytes are looked at (a date on one long line must
    // not cost the rest of the line).
    let rest = &t[date.end..super::tags::floor_char_boundary(t, date.end + 64)];
    if !rest.starts_with([' ', '\t', ',', '\u{a0}']) {
        return None;
    }
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let mut best = None;
    let mut words = 0;
    let mut i = 0;
    while words < 6 {
        // The end of the next word.
        let Some(ws) = line[i..].find(|c: char| !c.is_whitespace()) else {
            break;
        };
        let w = i + ws;
        let e = line[w..]
            .find(char::is_whitespace)
            .map_or(line.len(), |p| w + p);
        words += 1;
        i = e;
        let tail = line[..e].trim_end_matches(['.', ',', ';', ')']);
        if tail.bytes().any(|b| b.is_ascii_digit())
            && super::dates::parse_date(&t[date.start..date.end + tail.len()]).is_some()
        {
            best = Some(date.end + tail.len());
        }
    }
    best
}

/// The date that opens `s` after a footer's signature: at most four bytes of white space (a
/// line break too) or none, with `connector` at most one short word before the date (`on`,
/// `am`, `le`), then a date the parser reads, through its clock-time tail ([`time_tail`]).
/// Returns the date's range in `s`.
pub fn footer_date(s: &str, connector: bool) -> Option<Range<usize>> {
    let at_start = |from: usize| -> Option<Range<usize>> {
        let (r, _) = super::dates::date_at_start(&s[from..])?;
        s[from..from + r.start]
            .chars()
            .all(char::is_whitespace)
            .then(|| from + r.start..from + r.end)
    };
    let lead = s.len() - s.trim_start().len();
    if lead > 4 {
        return None;
    }
    let date = at_start(lead).or_else(|| {
        if !connector {
            return None;
        }
        let word_end = s[lead..]
            .find(char::is_whitespace)
            .map_or(s.len(), |p| lead + p);
        let word = &s[lead..word_end];
        let short =
            (1..=4).contains(&word.chars().count()) && word.chars().all(char::is_alphabetic);
        let gap = s[word_end..].len() - s[word_end..].trim_start().len();
        (short && (1..=2).contains(&gap))
            .then(|| at_start(word_end))
            .flatten()
    })?;
    let end = time_tail(s, date.clone()).unwrap_or(date.end);
    Some(date.start..end)
}

/// Whether `line` ends with a footer signature, `Name (@handle) Date` (with or without a
/// connector word or a clock time): the tail of some embed, not a caption or a post's text.
pub fn ends_with_signature(line: &str) -> bool {
    let line = line.trim_end();
    let Some(open) = line.rfind("(@") else {
        return false;
    };
    let Some(close) = line[open..].find(')') else {
        return false;
    };
    let rest = &line[open + close + 1..];
    footer_date(rest, true).is_some_and(|r| r.end == rest.len())
}

/// The dash that ends the line before `line_start` (or the paragraph before, one blank line
/// between), when only white space lies between (`…acting up?—` then `Name (@handle) Date`
/// on the next line): an em or en dash, `--`, `&mdash;`…, or a hyphen with a space before it.
pub fn dash_ending_previous_line(t: &str, line_start: usize) -> Option<Range<usize>> {
    let prev = t[..line_start].trim_end();
    let gap = &t[prev.len()..line_start];
    if !(1..=2).contains(&gap.matches('\n').count()) {
        return None;
    }
    if let Some(d) = DASHES.iter().find(|d| prev.ends_with(*d)) {
        return Some(prev.len() - d.len()..prev.len());
    }
    prev.ends_with(" -").then(|| prev.len() - 1..prev.len())
}

/// The longest text a post of the platforms with a length limit can have (Twitter's 280
/// characters): a run of lines longer than this is not one post.
const POST_MAX_CHARS: usize = 280;

/// How far back the quote-indent and quote-mark rules look for the start of a post.
const QUOTE_LOOKBACK: usize = 4000;

/// Where a flattened post's text starts when it runs over several lines or paragraphs.
///
/// `start..end` is the paragraph (a line, when `lines`) that certainly belongs to the post,
/// the one that ends at its footer. Earlier lines join it only when the structure says they
/// belong to the same quote, and the quote's start is certain:
/// 1. indent: the post's lines share a quote indent (spaces, tabs or `>`) that the line before
///    them does not have (blank lines in between are skipped);
/// 2. quote marks: the last paragraph ends with a closing quote mark whose opening mark it lacks,
///    and an earlier line opens that quote, with no other quote mark in between;
/// 3. short lines (only when `lines`: every line is a paragraph): a run of lines, no blank line
///    among them, that together fit one post (280 characters), bounded above by article prose:
///    a line too long to be part of a post, a lead-in ending with a colon, or a sentence naming
///    the post's author (one of the `author` words: the handle, the display name's longer
///    words), which introduces the post rather than belongs to it.
///
/// When it cannot be told (the run reaches the document's start, a blank line, `floor` — where
/// the previous post ended — or a position `free` says is inside an embed already found),
/// `start` is kept: a text that swallows article prose is worse than a short one.
pub fn post_start(
    t: &str,
    start: usize,
    end: usize,
    floor: usize,
    lines: bool,
    author: &[&str],
    free: impl Fn(usize) -> bool,
) -> usize {
    if start > 0 && !t[..start].ends_with('\n') {
        return start;
    }
    let walk = Lines { t, pos: start };
    let usable = |l: &Line| l.start >= floor && free(l.start);
    indent_run(t, start, walk.clone(), &usable)
        .or_else(|| quote_run(t, start, end, walk.clone(), &usable))
        .or_else(|| {
            lines
                .then(|| short_run(t, start, end, author, walk, &usable))
                .flatten()
        })
        .unwrap_or(start)
}

/// A line of text: where it starts and its text (without the line break).
struct Line<'a> {
    start: usize,
    text: &'a str,
}

/// The lines before a position, last first.
#[derive(Clone)]
struct Lines<'a> {
    t: &'a str,
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.pos == 0 {
            return None;
        }
        let end = self.pos - 1;
        let start = self.t[..end].rfind('\n').map_or(0, |p| p + 1);
        self.pos = start;
        Some(Line {
            start,
            text: self.t[start..end].trim_end_matches('\r'),
        })
    }
}

/// A line's quote indent: its leading spaces, tabs and `>` marks.
fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t', '>']).len()]
}

/// Rule 1 of [`post_start`]: lines sharing the post's quote indent.
fn indent_run(
    t: &str,
    start: usize,
    walk: Lines<'_>,
    usable: &dyn Fn(&Line) -> bool,
) -> Option<usize> {
    // The first line of the post (a quote line is short: looking further costs on one long
    // line).
    let near = &t[start..super::tags::floor_char_boundary(t, start + QUOTE_LOOKBACK)];
    let first = &near[..near.find('\n').unwrap_or(near.len())];
    let indent = indent_of(first);
    if indent.is_empty() {
        return None;
    }
    let mut run = None;
    for l in walk {
        if start - l.start > QUOTE_LOOKBACK || !usable(&l) {
            return None;
        }
        if l.text.trim().is_empty() {
            continue;
        }
        if indent_of(l.text) != indent {
            return run;
        }
        run = Some(l.start);
    }
    None
}

/// Quote marks, opening and closing, in the pairs languages use.
const QUOTE_PAIRS: &[(char, char)] = &[
    ('\u{201c}', '\u{201d}'), // “ ”
    ('\u{201e}', '\u{201c}'), // „ “
    ('\u{201e}', '\u{201d}'), // „ ”
    ('\u{ab}', '\u{bb}'),     // « »
    ('\u{bb}', '\u{ab}'),     // » «
    ('"', '"'),
];

/// Rule 2 of [`post_start`]: a quote closed in the last paragraph and opened on an earlier line.
fn quote_run(
    t: &str,
    start: usize,
    end: usize,
    walk: Lines<'_>,
    usable: &dyn Fn(&Line) -> bool,
) -> Option<usize> {
    // The last paragraph without the media and links a flattened post ends with.
    let mut last = t[start..end].trim();
    while let Some((rest, word)) = last.rsplit_once(char::is_whitespace) {
        if media_tokens(word).is_empty() && url_tokens(word).is_empty() {
            break;
        }
        last = rest.trim_end();
    }
    let is_mark = |c: char| QUOTE_PAIRS.iter().any(|&(o, cl)| c == o || c == cl);
    let close = last.chars().next_back().filter(|&c| is_mark(c))?;
    // The marks that open a quote this mark closes.
    let opens: Vec<char> = QUOTE_PAIRS
        .iter()
        .filter(|&&(_, cl)| cl == close)
        .map(|&(o, _)| o)
        .collect();
    let straight = opens.contains(&close);
    let opened_here = if straight {
        last.matches(close).count() > 1
    } else {
        last.contains(|c| opens.contains(&c))
    };
    if opens.is_empty() || opened_here {
        return None;
    }
    for l in walk {
        if start - l.start > QUOTE_LOOKBACK || !usable(&l) {
            return None;
        }
        let text = l.text.trim();
        let mut chars = text.chars();
        if chars.next().is_some_and(|c| opens.contains(&c)) {
            // The quote opens here and nothing else on the line opens or closes one.
            return (!chars.as_str().contains(is_mark)).then_some(l.start);
        }
        if text.contains(is_mark) {
            return None;
        }
    }
    None
}

/// Rule 3 of [`post_start`]: a run of short lines bounded above by article prose.
fn short_run(
    t: &str,
    start: usize,
    end: usize,
    author: &[&str],
    walk: Lines<'_>,
    usable: &dyn Fn(&Line) -> bool,
) -> Option<usize> {
    let author: Vec<String> = author.iter().map(|a| a.to_lowercase()).collect();
    // A sentence naming the author introduces the post ("The harbour master welcomed it.").
    let introduces = |line: &str| {
        line.ends_with(['.', '!', ':'])
            && line
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| author.contains(&w.to_lowercase()))
    };
    let mut total = t[start..end].trim().chars().count();
    let mut run = None;
    for l in walk {
        let text = l.text.trim();
        if text.is_empty() || !usable(&l) {
            return None;
        }
        let n = text.chars().count();
        if n > POST_MAX_CHARS || text.ends_with(':') || introduces(text) {
            return run;
        }
        total += n + 1;
        if total > POST_MAX_CHARS {
            return None;
        }
        run = Some(l.start);
    }
    None
}

/// A post text that runs over several lines, each line without its quote indent.
pub fn join_lines(s: &str) -> String {
    s.lines()
        .map(|l| l.trim_start_matches([' ', '\t', '>']).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text a helper's range covers.
    fn cut(s: &str, r: Option<Range<usize>>) -> Option<&str> {
        r.map(|r| &s[r])
    }

    #[test]
    fn footer_dates_read_each_locale_through_their_time() {
        let cases = [
            (
                " on Apr 18, 2020 at 12:12pm PDT",
                "Apr 18, 2020 at 12:12pm PDT",
            ),
            (" am Apr 28, 2020 um 9:29 PDT", "Apr 28, 2020 um 9:29 PDT"),
            (" 5 Апр 2020 в 5:25 PDT", "5 Апр 2020 в 5:25 PDT"),
            (
                "19 Июн 2020 в 4:11 PDT\nNext line",
                "19 Июн 2020 в 4:11 PDT",
            ),
            (
                " on May 8, 2012 at 2:58am PDT.",
                "May 8, 2012 at 2:58am PDT",
            ),
            (" December 29, 2017That makes", "December 29, 2017"),
        ];
        for (s, want) in cases {
            assert_eq!(cut(s, footer_date(s, true)), Some(want), "{s:?}");
            assert!(super::super::dates::parse_date(want).is_some(), "{want:?}");
        }
        // A connector word only when asked for; never a long word or a sentence.
        assert_eq!(footer_date(" on Apr 18, 2020", false), None);
        assert_eq!(footer_date(" yesterday Apr 18, 2020", true), None);
        assert_eq!(footer_date(" said hello", true), None);
    }

    #[test]
    fn time_tails_stay_on_the_date_line() {
        let t = "October 26, 2012 at 1:32 am\nGreat recipe";
        assert_eq!(
            time_tail(t, 0..16).map(|e| &t[..e]),
            Some("October 26, 2012 at 1:32 am")
        );
        let t = "November 14, 2022\n10:30 update";
        assert_eq!(time_tail(t, 0..17), None);
        let t = "August 17, 2021 at the harbour";
        assert_eq!(time_tail(t, 0..15), None);
    }

    #[test]
    fn signatures_at_a_line_end() {
        assert!(ends_with_signature("Text — Name (@name) August 17, 2021"));
        assert!(ends_with_signature(
            "A post shared by N (@n.x) on Apr 18, 2020 at 1:12pm PDT"
        ));
        assert!(!ends_with_signature("Write to Name (@name) for tips."));
    }

    #[test]
    fn a_dash_ending_the_line_before() {
        let t = "Is anyone listening?\u{2014}\nName (@h) March 6, 2024";
        let at = t.find("Name").unwrap();
        assert_eq!(cut(t, dash_ending_previous_line(t, at)), Some("\u{2014}"));
        let t = "We want a roster that works -\nName (@h) March 6, 2024";
        let at = t.find("Name").unwrap();
        assert_eq!(cut(t, dash_ending_previous_line(t, at)), Some("-"));
        let t = "Is anyone listening? \u{2013}\n\nName (@h) March 6, 2024";
        let at = t.find("Name").unwrap();
        assert_eq!(cut(t, dash_ending_previous_line(t, at)), Some("\u{2013}"));
        for t in [
            "A well-\nName (@h)",
            "Text.\n\nName (@h)",
            "Text\nName (@h)",
            "Text \u{2014}\n\n\nName (@h)",
        ] {
            let at = t.find("Name").unwrap();
            assert_eq!(dash_ending_previous_line(t, at), None, "{t:?}");
        }
    }

    /// The text from `post_start` to the end of the last paragraph, which ends at `last_end`.
    fn post(t: &str, last: &str, lines: bool, author: &[&str]) -> String {
        let end = t.find(last).unwrap() + last.len();
        let certain = paragraph_start(t, end, 0, lines);
        let start = post_start(t, certain, end, 0, lines, author, |_| true);
        join_lines(&t[start..end])
    }

    #[test]
    fn several_lines_join_only_where_structure_tells() {
        let prose = "Article prose. ".repeat(25);
        // Short lines bounded by prose.
        let t = format!("{prose}\nFirst line.\nSecond line.\n— N (@n) May 1, 2020");
        assert_eq!(
            post(&t, "Second line.", true, &["n"]),
            "First line.\nSecond line."
        );
        // A lead-in, or a sentence naming the author, is the bound and stays out.
        let t = format!("{prose}\nShe wrote:\nFirst line.\nSecond line.");
        assert_eq!(
            post(&t, "Second line.", true, &[]),
            "First line.\nSecond line."
        );
        let t = format!("{prose}\nThe harbour master agreed.\nFirst line.\nSecond line.");
        assert_eq!(
            post(&t, "Second line.", true, &["harbour", "master"]),
            "First line.\nSecond line."
        );
        // Unbounded (the document's start) or too long for one post: the last line only.
        let t = "Title\nShort line.\nLast line.";
        assert_eq!(post(t, "Last line.", true, &[]), "Last line.");
        let t = format!("{prose}\n{}\nLast line.", "Word ".repeat(60));
        assert_eq!(post(&t, "Last line.", true, &[]), "Last line.");
        // Paragraphs split by blank lines join only by indent or quote marks.
        let t = "Prose before.\n\n    One.\n\n    Two.";
        assert_eq!(post(t, "Two.", false, &[]), "One.\n\nTwo.");
        let t = "Prose before.\n\nOne.\n\nTwo.";
        assert_eq!(post(t, "Two.", false, &[]), "Two.");
        let t = "Prose before.\n\n\u{201e}One.\n\nTwo.\u{201c} pic.twitter.com/abc";
        assert_eq!(
            post(t, "pic.twitter.com/abc", false, &[]),
            "\u{201e}One.\n\nTwo.\u{201c} pic.twitter.com/abc"
        );
        // A quote opened and closed in the last paragraph is whole already.
        let t = "\u{201c}Quote.\u{201d}\n\nSaid \u{201c}two.\u{201d}";
        assert_eq!(
            post(t, "two.\u{201d}", false, &[]),
            "Said \u{201c}two.\u{201d}"
        );
    }
}
