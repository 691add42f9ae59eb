//! Article metadata: what a source says about itself (title, canonical URL, published time,
//! authors, site name, language).
//!
//! A page declares these in several places, often more than once and not always alike. Every
//! declaration found is a *claim* with a rank; for each field the best-ranked claim wins
//! (authors: every claim of the best-ranked place, in order). The order of preference:
//!
//! 1. the JSON-LD article object (`NewsArticle`, `Article`, `BlogPosting`,
//!    `ReportageNewsArticle`…, found at the top level, in arrays, in `@graph` or as a page's
//!    `mainEntity`; see `jsonld.rs`);
//! 2. OpenGraph and its `article:` namespace, then Twitter-card tags (`og:title`, `og:url`,
//!    `og:site_name`, `article:published_time`, `article:author` when it is a name, not a URL);
//!    for the URL, `<link rel=canonical>` comes first here, before `og:url`, which some sites
//!    point at a node ID or a live-blog entry;
//! 3. the JSON-LD `WebSite` name (site) and `WebPage` object (for pages that declare no
//!    article);
//! 4. named `<meta>` (author, date, pubdate, `parsely-*`, `sailthru.*`, Dublin Core `DC.*`,
//!    `citation_*`, `itemprop`), and the `Content-Language` header as `<meta http-equiv>`;
//! 5. the document itself: `<title>`, `<html lang>`, a `<time pubdate>` (else the first
//!    `<time datetime>`), `<a rel=author>` links; for text and Markdown, the title line, a
//!    byline, a date line and an attribution line such as `Source: BBC` (see `text.rs`);
//! 6. the site name falls back to the JSON-LD publisher's name, then the canonical URL's host.
//!
//! A title that ends with the site name after a separator (`Headline | Site`, `Headline - Site`)
//! loses that suffix. A URL on a host that no other claim names, while the others agree, is a
//! template's placeholder and is passed over. The published time is the best-ranked claim
//! that parses (see `date.rs`); `published` keeps it as shown and `published_at` holds it
//! normalized.
//!
//! Reading is bounded whatever the input: HTML is read by the byte-exact tag scanner (the body
//! skimmed) over the first [`SCAN_LIMIT`] bytes (never parsed whole), JSON-LD blocks and the number of claims
//! are capped, and every value is cleaned: entities decoded, control and invisible formatting
//! characters dropped, white space collapsed, length capped at [`MAX_VALUE`] characters.

mod date;
mod html;
mod jsonld;
mod text;

use serde::{Deserialize, Serialize};

use crate::decode::DocKind;

/// How many bytes of a page are looked at. Metadata sits in the `<head>` and JSON-LD near it;
/// the few pages that put JSON-LD at the very end of a long body are the price of the bound.
const SCAN_LIMIT: usize = 2 * 1024 * 1024;

/// The longest value kept, in characters.
const MAX_VALUE: usize = 1000;

/// How many claims one source may make; more is a hostile or broken page.
const MAX_CLAIMS: usize = 512;

/// How many authors are kept.
const MAX_AUTHORS: usize = 20;

/// What an article says about itself. Every field is optional: a page that declares nothing
/// gives the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Article {
    /// The headline.
    pub title: Option<String>,
    /// The article's own URL as it declares it (absolute http or https).
    pub canonical_url: Option<String>,
    /// The publication time as the page shows it.
    pub published: Option<String>,
    /// The publication time parsed: RFC 3339 in UTC (`2021-08-17T14:05:09Z`) when the time
    /// and its zone are known, else the date (`2021-08-17`).
    pub published_at: Option<String>,
    /// The authors' names, in the order given, without repeats.
    pub authors: Vec<String>,
    /// The site or publication name.
    pub site: Option<String>,
    /// The language tag (`en`, `de-AT`).
    pub lang: Option<String>,
}

/// Reads the metadata of a decoded document.
pub(crate) fn read(text: &str, kind: DocKind) -> Article {
    let mut claims = Claims::default();
    match kind {
        DocKind::Html => html::read(text, &mut claims),
        DocKind::Text => text::read(text, false, &mut claims),
        DocKind::Markdown => text::read(text, true, &mut claims),
    }
    claims.into_article()
}

/// Which field a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Url,
    Published,
    Author,
    Site,
    Lang,
}

/// The ranks of the places a claim comes from (lower wins); a place adds a small offset to
/// order its own keys.
mod rank {
    /// The JSON-LD article object.
    pub const JSON_LD: u16 = 0;
    /// OpenGraph, `article:*` and Twitter-card tags; `<link rel=canonical>`.
    pub const OPEN_GRAPH: u16 = 100;
    /// JSON-LD `WebSite` and `WebPage` objects.
    pub const JSON_LD_PAGE: u16 = 150;
    /// Named `<meta>` tags and front matter keys.
    pub const META: u16 = 200;
    /// The document itself: `<title>`, `<html lang>`, `<time>`, author links, text lines.
    pub const DOCUMENT: u16 = 300;
    /// The JSON-LD publisher's name, for the site only.
    pub const PUBLISHER: u16 = 350;
}

/// One value a source declares.
#[derive(Debug)]
struct Claim {
    field: Field,
    rank: u16,
    value: String,
}

/// Every claim a source makes, in the order found.
#[derive(Debug, Default)]
struct Claims(Vec<Claim>);

impl Claims {
    /// Records `raw` (cleaned; empty values and values that cannot be what the field holds are
    /// dropped) as a claim on `field`.
    fn add(&mut self, field: Field, rank: u16, raw: &str) {
        if self.0.len() >= MAX_CLAIMS {
            return;
        }
        if field == Field::Author {
            for name in author_names(raw) {
                if self.0.len() < MAX_CLAIMS {
                    self.0.push(Claim {
                        field,
                        rank,
                        value: name,
                    });
                }
            }
            return;
        }
        let value = match field {
            Field::Url => absolute_url(raw),
            Field::Author => None,
            Field::Lang => lang_tag(raw),
            // A site named by its address (`https://www.example.de`) is its host.
            Field::Site => clean(&strip_tags(raw)).map(|v| {
                if is_link(&v) {
                    absolute_url(&v).and_then(|u| host_name(&u)).unwrap_or(v)
                } else {
                    v
                }
            }),
            Field::Title | Field::Published => clean(raw),
        };
        if let Some(value) = value {
            self.0.push(Claim { field, rank, value });
        }
    }

    /// The claims on `field`, best-ranked first, in document order within a rank.
    fn ranked(&self, field: Field) -> Vec<&Claim> {
        let mut out: Vec<&Claim> = self.0.iter().filter(|c| c.field == field).collect();
        // A stable sort keeps the document order within a rank.
        out.sort_by_key(|c| c.rank);
        out
    }

    fn best(&self, field: Field) -> Option<String> {
        self.ranked(field).first().map(|c| c.value.clone())
    }

    /// The best-ranked URL, unless it is on a host that no other claim names while others
    /// agree among themselves: a template's placeholder (`https://google.com/article`) in
    /// JSON-LD loses to the canonical link and `og:url` of the page.
    fn canonical_url(&self) -> Option<String> {
        let urls = self.ranked(Field::Url);
        let hosts: Vec<Option<String>> = urls.iter().map(|c| host_name(&c.value)).collect();
        let shared = |i: usize| {
            hosts
                .iter()
                .enumerate()
                .any(|(j, h)| j != i && h.is_some() && *h == hosts[i])
        };
        let any_shared = (0..urls.len()).any(shared);
        urls.iter()
            .enumerate()
            .find(|(i, _)| !any_shared || shared(*i))
            .map(|(_, c)| c.value.clone())
    }

    fn into_article(self) -> Article {
        let canonical_url = self.canonical_url();
        let site = self
            .best(Field::Site)
            .or_else(|| canonical_url.as_deref().and_then(host_name));
        let title = self
            .best(Field::Title)
            .map(|t| strip_site(&t, site.as_deref(), canonical_url.as_deref()));
        let dates = self.ranked(Field::Published);
        let (published, published_at) = dates
            .iter()
            .find_map(|c| date::normalize(&c.value).map(|at| (c.value.clone(), at)))
            .map_or_else(
                || (dates.first().map(|c| c.value.clone()), None),
                |(shown, at)| (Some(shown), Some(at)),
            );
        let authors = self.ranked(Field::Author);
        let first_rank = authors.first().map(|c| c.rank);
        let mut names: Vec<String> = Vec::new();
        for c in authors.iter().filter(|c| Some(c.rank) == first_rank) {
            if names.len() < MAX_AUTHORS && !names.iter().any(|n| same_name(n, &c.value)) {
                names.push(c.value.clone());
            }
        }
        // A list that ends with the publication (`A, B and C, CNN`) names people, not it.
        if names.len() > 1
            && let Some(site) = &site
        {
            names.retain(|n| !same_name(n, site));
        }
        Article {
            title,
            canonical_url,
            published,
            published_at,
            authors: names,
            site,
            lang: self.best(Field::Lang),
        }
    }
}

/// A value as it may be stored: entities decoded, control and invisible formatting characters
/// dropped, runs of white space collapsed to one space, trimmed, at most [`MAX_VALUE`]
/// characters. `None` when nothing is left.
fn clean(raw: &str) -> Option<String> {
    // Only a bounded prefix can survive the cap; decoding more would be wasted work.
    let raw = &raw[..crate::detect::tags::floor_char_boundary(raw, MAX_VALUE * 8)];
    let decoded = html_escape::decode_html_entities(raw);
    let mut out = String::with_capacity(decoded.len().min(MAX_VALUE * 4));
    let mut space = false;
    let mut count = 0;
    for c in decoded.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if count + usize::from(space) >= MAX_VALUE {
            break;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        out.push(c);
        count += 1;
    }
    (!out.is_empty()).then_some(out)
}

/// Zero-width and bidirectional formatting characters: invisible, but able to reorder or hide
/// what is shown around them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
    )
}

/// An absolute http(s) URL (a scheme-relative `//host/…` one is taken as https), or `None`.
fn absolute_url(raw: &str) -> Option<String> {
    let v = clean(raw)?;
    let v = if v.starts_with("//") {
        format!("https:{v}")
    } else {
        v
    };
    let url = url::Url::parse(&v).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then_some(v)
}

/// The host of a URL without a leading `www.`, as a last resort for the site name.
fn host_name(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_string())
}

/// Whether a value is a URL or an e-mail address rather than a name.
fn is_link(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("//")
        || lower.starts_with("www.")
        || lower.starts_with('/')
        || lower.contains("://")
        || lower.starts_with("mailto:")
        || (lower.contains('@') && !lower.contains(' ') && !lower.starts_with('@'))
}

/// A person's or organisation's name as bylines give it: markup and a leading `By` dropped,
/// an affiliation after ` | ` dropped; URLs, e-mail addresses and values without letters
/// refused.
fn author_name(raw: &str) -> Option<String> {
    let v = clean(&strip_tags(raw))?;
    // `Jane Doe | Example Media`: the name, then an affiliation.
    let v = v.split(" | ").next().unwrap_or(&v).to_string();
    let v = strip_by(&v).unwrap_or(&v).trim();
    let v = v.trim_matches(|c: char| c == ',' || c == ';' || c == '|' || c == '-');
    let v = v.trim();
    if v.is_empty() || is_link(v) || !v.chars().any(char::is_alphabetic) || v.chars().count() > 200
    {
        return None;
    }
    Some(v.to_string())
}

/// The names in one author value: a list (`A, B and C`, `A & B`) is split when at least two
/// of its parts are names of two words or more, so `Smith, Jane` stays one name.
fn author_names(raw: &str) -> Vec<String> {
    let Some(whole) = author_name(raw) else {
        return Vec::new();
    };
    let mut parts = vec![whole.as_str()];
    for sep in [", ", " and ", " & ", "; "] {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    let parts: Vec<&str> = parts
        .into_iter()
        .map(|p| p.trim().trim_start_matches("and ").trim())
        .filter(|p| !p.is_empty())
        .collect();
    let words = |p: &&str| p.split_whitespace().count();
    let names = parts.iter().filter(|p| words(p) >= 2).count();
    if parts.len() < 2 || names < 2 || parts.iter().any(|p| words(p) > 6) {
        return vec![whole];
    }
    parts.into_iter().filter_map(author_name).collect()
}

/// The name after a leading `By ` (any case), when there is one.
fn strip_by(v: &str) -> Option<&str> {
    let head = v.get(..3)?;
    head.eq_ignore_ascii_case("by ")
        .then(|| v[3..].trim_start())
}

/// A value without the markup some sites write into names and JSON-LD strings
/// (`<a href="/profiles/x">Jane Doe</a>`): tags go, their text stays. Entities are still
/// encoded here, so an escaped `&lt;b&gt;` is text and stays.
fn strip_tags(v: &str) -> String {
    // Only a bounded prefix can survive cleaning's cap.
    let v = &v[..crate::detect::tags::floor_char_boundary(v, MAX_VALUE * 8)];
    if !v.contains('<') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut pos = 0;
    while let Some(p) = v[pos..].find('<') {
        let lt = pos + p;
        out.push_str(&v[pos..lt]);
        match crate::detect::tags::lex_tag(v, lt) {
            Some(tag) => pos = tag.range.end,
            None => {
                out.push('<');
                pos = lt + 1;
            }
        }
    }
    out.push_str(&v[pos..]);
    out
}

/// Whether two names are the same but for case and spacing.
fn same_name(a: &str, b: &str) -> bool {
    squash(a) == squash(b)
}

/// Letters and digits only, lower-cased: the part of a name that survives restyling
/// (`The Guardian`, `theguardian`).
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A language tag in its usual spelling (`en`, `pt-BR`), from `en_US`, `EN-us` or a
/// `Content-Language` list (the first entry); `None` unless it looks like a BCP 47 tag.
fn lang_tag(raw: &str) -> Option<String> {
    let v = clean(raw)?;
    let first = v.split([',', ';', ' ']).find(|s| !s.is_empty())?;
    let first = first.replace('_', "-");
    let mut parts = first.split('-');
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = primary.to_ascii_lowercase();
    for part in parts {
        if part.is_empty() || part.len() > 8 || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        if part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic()) {
            out.push_str(&part.to_ascii_uppercase());
        } else if part.len() == 4 && part.chars().all(|c| c.is_ascii_alphabetic()) {
            // A script subtag: `Hant`, `Latn`.
            let mut cs = part.chars();
            out.extend(cs.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(&cs.as_str().to_ascii_lowercase());
        } else {
            out.push_str(&part.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// Separators between a headline and the site name in titles.
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » "];

/// The title without a trailing (or leading) ` | Site` part, when that part names the site:
/// equal to the site name, or to the canonical host's name, but for case, spaces and
/// punctuation. A title that would be left empty is kept whole.
fn strip_site(title: &str, site: Option<&str>, url: Option<&str>) -> String {
    let mut names: Vec<String> = Vec::new();
    if let Some(s) = site {
        names.push(squash(s));
    }
    if let Some(host) = url.and_then(host_name) {
        // `theguardian.com` → `theguardian`; `bbc.co.uk` → `bbc`.
        let labels: Vec<&str> = host.split('.').collect();
        names.push(squash(&host));
        if let Some(first) = labels.first() {
            names.push(squash(first));
        }
    }
    names.retain(|n| !n.is_empty());
    if names.is_empty() {
        return title.to_string();
    }
    // `CNN.com` names the site `CNN` as well as the host `cnn.com`.
    let names_site = |part: &str| {
        let part = part.trim();
        let bare = part.split('.').next().unwrap_or(part);
        [squash(part), squash(bare)]
            .iter()
            .any(|p| !p.is_empty() && names.contains(p))
    };
    // Every separator position is tried, the earliest first, since the site name may itself
    // hold a separator (`Headline - Jane Doe - Blog` with the site `Jane Doe - Blog`).
    let mut seps: Vec<(usize, usize)> = TITLE_SEPARATORS
        .iter()
        .flat_map(|sep| title.match_indices(sep).map(|(i, m)| (i, m.len())))
        .collect();
    seps.sort_unstable();
    let mut t = title;
    if let Some(&(i, _)) = seps
        .iter()
        .find(|(i, len)| names_site(&title[i + len..]) && !title[..*i].trim().is_empty())
    {
        t = title[..i].trim_end();
    } else if let Some(&(i, len)) = seps
        .iter()
        .rev()
        .find(|(i, len)| names_site(&title[..*i]) && !title[i + len..].trim().is_empty())
    {
        t = title[i + len..].trim_start();
    }
    t.to_string()
}

#[cfg(test)]
mod tests;
