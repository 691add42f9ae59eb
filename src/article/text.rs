//! Article metadata in plain text and Markdown: the title line, a byline, a date line near the
//! top, and an attribution line near the end (`Source: BBC`); for Markdown also the front
//! matter (`title:`, `date:`, `author:`…) and the first `#` heading.
//!
//! Text carries no markup, so each reading is a shape test on a whole line:
//! * the title is the first non-empty line when it looks like one: three words or more, at
//!   most [`MAX_TITLE_CHARS`] characters and [`MAX_TITLE_WORDS`] words, not a URL, a byline,
//!   a date or an attribution, and not ending like a sentence (`.`, `,`, `;`, `:`); in
//!   Markdown the front matter's `title` or the first `#` heading (MDX imports skipped);
//! * a byline (`By Jane Doe`, `Von …`, `Por …`, `Par …`, `Автор: …`) within the first
//!   [`HEAD_LINES`] lines gives the authors (split at `and`, `&`, `,`), and a date after a
//!   `|` or `·` on it the published time;
//! * a line that is only a date, or `Published`/`Posted`/`Date:` and a date, within those
//!   lines gives the published time;
//! * an attribution within the last [`TAIL_LINES`] lines (`Source:`, `Quelle:`, `Источник:`,
//!   `Fuente:`, `Fonte:`, `Źródło:`… and a short value) gives the site, or the host and the
//!   canonical URL when the value is a URL.
//!
//! Only the first and last few kilobytes are looked at, so the cost does not grow with the
//! text.

use super::rank::{DOCUMENT, META};
use super::{Claims, Field, date, is_link, strip_by, strip_tags};

/// How many non-empty lines at the top may hold the title, byline and date.
const HEAD_LINES: usize = 8;
/// How many non-empty lines at the end may hold the attribution.
const TAIL_LINES: usize = 6;
/// How many bytes at each end are looked at.
const EDGE_BYTES: usize = 16 * 1024;
/// A title is at most this long.
const MAX_TITLE_CHARS: usize = 200;
const MAX_TITLE_WORDS: usize = 30;
/// A byline's or an attribution's value is at most this long.
const MAX_NAME_CHARS: usize = 120;
/// How many front-matter lines are read.
const MAX_FRONT_MATTER_LINES: usize = 200;

/// Byline openers: the name follows.
const BYLINES: &[&str] = &[
    "by ",
    "written by ",
    "words by ",
    "author: ",
    "authors: ",
    "von ",
    "autor: ",
    "autorin: ",
    "por ",
    "par ",
    "di ",
    "door ",
    "av ",
    "autore: ",
    "auteur : ",
    "auteur: ",
    "автор: ",
    "автор ",
];

/// Attribution openers, each followed by `:` (or a dash) and the source's name.
const SOURCES: &[&str] = &[
    "source",
    "sources",
    "quelle",
    "quellen",
    "источник",
    "джерело",
    "крыніца",
    "fuente",
    "fonte",
    "źródło",
    "zdroj",
    "kaynak",
    "bron",
    "källa",
    "kilde",
    "lähde",
    "forrás",
    "sursa",
    "πηγή",
    "nguồn",
    "출처",
    "出典",
    "来源",
    "來源",
    "المصدر",
    "מקור",
];

/// Date-line openers.
const DATE_LABELS: &[&str] = &[
    "published on",
    "published",
    "posted on",
    "posted",
    "date",
    "veröffentlicht am",
    "veröffentlicht",
    "publié le",
    "publicado el",
    "publicado em",
    "pubblicato il",
    "opublikowano",
    "опубликовано",
    "опубліковано",
];

/// Reads the claims of a text or Markdown document.
pub(super) fn read(text: &str, markdown: bool, claims: &mut Claims) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let head_end = crate::detect::tags::floor_char_boundary(text, EDGE_BYTES);
    let mut head = &text[..head_end];
    if markdown && let Some(rest) = front_matter(head, claims) {
        head = rest;
    }
    // MDX opens with its imports and exports; they are code, not text.
    let lines: Vec<&str> = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| !(markdown && (l.starts_with("import ") || l.starts_with("export "))))
        .take(HEAD_LINES)
        .collect();
    // The title: in text the first line when it reads as one; in Markdown the first `#`
    // heading, since its first line may be anything a renderer takes.
    if markdown {
        if let Some(h) = lines.iter().find_map(|l| l.strip_prefix("# ")) {
            claims.add(Field::Title, DOCUMENT, &strip_tags(h));
        }
    } else if let Some(first) = lines.first()
        && looks_like_title(first)
    {
        claims.add(Field::Title, DOCUMENT, first);
    }
    for line in &lines {
        byline_or_date(line, claims);
    }

    // A short text is read whole; a long one only at its end.
    let tail_start = if text.len() <= EDGE_BYTES * 2 {
        0
    } else {
        crate::detect::tags::ceil_char_boundary(text, text.len() - EDGE_BYTES)
    };
    let tail: Vec<&str> = text[tail_start..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for line in tail.iter().rev().take(TAIL_LINES) {
        if attribution(line, claims) {
            break;
        }
    }
}

/// Reads YAML (`---`) or TOML (`+++`) front matter and returns the text after it.
fn front_matter<'a>(text: &'a str, claims: &mut Claims) -> Option<&'a str> {
    let start = text.trim_start_matches(['\n', '\r']);
    let fence = if start.starts_with("---") {
        "---"
    } else if start.starts_with("+++") {
        "+++"
    } else {
        return None;
    };
    let mut lines = start.split_inclusive('\n');
    let opening = lines.next()?;
    if opening.trim() != fence {
        return None;
    }
    let mut consumed = text.len() - start.len() + opening.len();
    let mut list_key: Option<Field> = None;
    for line in lines.take(MAX_FRONT_MATTER_LINES) {
        consumed += line.len();
        let l = line.trim();
        if l == fence || (fence == "---" && l == "...") {
            return Some(&text[consumed..]);
        }
        // A YAML list item under `authors:`.
        if let Some(item) = l.strip_prefix("- ")
            && let Some(field) = list_key
        {
            claims.add(field, META, &strip_tags(unquote(item)));
            continue;
        }
        list_key = None;
        let Some((key, value)) = l.split_once(':').or_else(|| l.split_once('=')) else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let field = match key.as_str() {
            "title" => Field::Title,
            "date" | "published" | "publishdate" | "pubdate" | "date_published" => Field::Published,
            "author" | "authors" => Field::Author,
            "lang" | "language" | "locale" => Field::Lang,
            "canonical" | "canonical_url" | "canonicalurl" => Field::Url,
            _ => continue,
        };
        let value = value.trim();
        if value.is_empty() {
            list_key = (field == Field::Author).then_some(field);
            continue;
        }
        if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            for item in inner.split(',') {
                claims.add(field, META, &strip_tags(unquote(item)));
            }
        } else {
            claims.add(field, META, &strip_tags(unquote(value)));
        }
    }
    None
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// Whether the first line of a text reads as a headline: short, of three words or more (or
/// an unspaced script), not ending like a sentence (closing quotes and brackets aside).
fn looks_like_title(line: &str) -> bool {
    let chars = line.chars().count();
    let words = line.split_whitespace().count();
    let end = line.trim_end_matches(['"', '\'', '”', '’', '»', '«', '“', ')', ']']);
    (words >= 3 || (words == 1 && chars >= 6 && !line.is_ascii()))
        && chars <= MAX_TITLE_CHARS
        && words <= MAX_TITLE_WORDS
        && line.chars().any(char::is_alphabetic)
        && !end.ends_with(['.', ',', ';', ':'])
        && !is_link(line)
        && strip_by(line).is_none()
        && date::normalize(line).is_none()
        && label_value(line, SOURCES).is_none()
}

/// The value after a label (`Source: BBC` → `BBC`): the label in any case, then `:`, a dash
/// or (for date labels) a space.
fn label_value<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    for label in labels {
        let Some(head) = line.get(..label.len()) else {
            continue;
        };
        if head.to_lowercase() != *label {
            continue;
        }
        let rest = &line[label.len()..];
        let value = rest
            .strip_prefix(':')
            .or_else(|| rest.strip_prefix('：'))
            .or_else(|| rest.trim_start().strip_prefix(['-', '–', '—']))
            .or_else(|| rest.trim_start().strip_prefix(':'));
        if let Some(v) = value {
            return Some(v.trim());
        }
    }
    None
}

/// A byline or a date line near the top.
fn byline_or_date(line: &str, claims: &mut Claims) {
    let lower = line.to_lowercase();
    if let Some(label) = BYLINES.iter().find(|b| lower.starts_with(*b))
        && let Some(rest) = line.get(label.len()..)
    {
        // `By Jane Doe | August 17, 2021`: the name, then perhaps a date.
        let mut parts = rest.split(['|', '·', '•']);
        let names = drop_brackets(parts.next().unwrap_or(""));
        let names = names.trim();
        if names.chars().count() <= MAX_NAME_CHARS && starts_upper(names) {
            for name in split_names(names) {
                claims.add(Field::Author, DOCUMENT, name);
            }
        }
        for part in parts {
            if date::normalize(part).is_some() {
                claims.add(Field::Published, DOCUMENT, part);
            }
        }
        return;
    }
    if line.chars().count() > 80 {
        return;
    }
    let value = DATE_LABELS
        .iter()
        .find_map(|l| {
            let head = line.get(..l.len())?;
            (head.to_lowercase() == *l).then(|| {
                line[l.len()..]
                    .trim_start_matches([':', ' ', '\u{a0}'])
                    .trim()
            })
        })
        .unwrap_or(line);
    if date::normalize(value).is_some() {
        claims.add(Field::Published, DOCUMENT, value);
    }
}

/// A byline without its bracketed remarks (`Jane Doe [first in X]`, `Jane Doe (Reuters)`).
fn drop_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// The names in a byline: `A and B`, `A & B`, `A, B` (also `und`, `y`, `et`, `e`, `i`, `и`).
fn split_names(s: &str) -> Vec<&str> {
    let mut out = vec![s];
    for sep in [
        ", ", " and ", " & ", " und ", " y ", " et ", " e ", " i ", " и ",
    ] {
        out = out.iter().flat_map(|p| p.split(sep)).collect();
    }
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.split_whitespace().count() <= 6)
        .collect()
}

/// An attribution line near the end: the site (or, for a URL, the canonical URL and its
/// host). Returns whether the line was one.
fn attribution(line: &str, claims: &mut Claims) -> bool {
    let Some(value) = label_value(line, SOURCES) else {
        return false;
    };
    let value = value.trim_end_matches(['.', ';']).trim();
    if value.is_empty()
        || value.chars().count() > MAX_NAME_CHARS
        || value.split_whitespace().count() > 10
    {
        return false;
    }
    if is_link(value) {
        let url = if value.contains("://") {
            value.to_string()
        } else {
            format!("https://{}", value.trim_start_matches('/'))
        };
        claims.add(Field::Url, DOCUMENT, &url);
        if let Some(host) = super::host_name(&url) {
            claims.add(Field::Site, DOCUMENT, &host);
        }
    } else {
        claims.add(Field::Site, DOCUMENT, value);
    }
    true
}
