//! Article metadata in HTML: `<meta>` (OpenGraph, `article:*`, Twitter cards, named keys,
//! `itemprop`, `http-equiv`), `<title>`, `<link rel=canonical>`, `<html lang>`, `<time>`,
//! `<a rel=author>` and the JSON-LD blocks, which `jsonld.rs` reads.
//!
//! The page is never parsed whole: within its first [`SCAN_LIMIT`] bytes, the byte-exact tag
//! scanner locates every tag of the head, the body is skimmed for the few tags that can carry
//! metadata there (see [`read`]), and only the attribute values and the few element bodies
//! needed (`<title>`, JSON-LD scripts) are read, each capped. The `<title>` taken is the first
//! before `<body>`, so an SVG's `<title>` in the body is not read as the page's.
//!
//! Edge cases: keys in any case (`DC.Title`), one `<meta>` carrying both `name` and
//! `property`, `content` before the key, repeated keys (`citation_author` once per author),
//! `article:author` holding a profile URL (dropped), `og:locale` in `en_US` form.

use crate::detect::tags::{Scanner, Skimmer, Tag, TagKind, element_end_within};

use super::rank::{DOCUMENT, META, OPEN_GRAPH};
use super::{Claims, Field, SCAN_LIMIT, jsonld};

/// The longest `<title>` body read.
const MAX_TITLE_BYTES: usize = 4096;

/// `<meta>` keys (the lower-cased value of `property`, `name`, `itemprop` or `http-equiv`),
/// the field each declares and its rank; within a place, earlier keys rank first.
const META_KEYS: &[(&str, Field, u16)] = &[
    // OpenGraph, its article namespace, and Twitter cards.
    ("og:title", Field::Title, OPEN_GRAPH),
    ("twitter:title", Field::Title, OPEN_GRAPH + 1),
    ("og:url", Field::Url, OPEN_GRAPH + 1),
    ("twitter:url", Field::Url, OPEN_GRAPH + 2),
    ("og:site_name", Field::Site, OPEN_GRAPH),
    ("article:published_time", Field::Published, OPEN_GRAPH),
    ("og:published_time", Field::Published, OPEN_GRAPH + 1),
    ("article:published", Field::Published, OPEN_GRAPH + 2),
    ("og:pubdate", Field::Published, OPEN_GRAPH + 3),
    ("article:author", Field::Author, OPEN_GRAPH),
    ("og:article:author", Field::Author, OPEN_GRAPH + 1),
    ("article:author_name", Field::Author, OPEN_GRAPH + 2),
    ("og:locale", Field::Lang, OPEN_GRAPH),
    // Named metadata: Parse.ly, Sailthru, Dublin Core, Highwire/Google Scholar, microdata.
    ("parsely-title", Field::Title, META),
    ("sailthru.title", Field::Title, META + 1),
    ("dc.title", Field::Title, META + 2),
    ("dcterms.title", Field::Title, META + 3),
    ("citation_title", Field::Title, META + 4),
    ("headline", Field::Title, META + 5),
    ("title", Field::Title, META + 6),
    ("parsely-link", Field::Url, META),
    ("citation_public_url", Field::Url, META + 1),
    ("citation_fulltext_html_url", Field::Url, META + 2),
    ("datepublished", Field::Published, META),
    ("article.published", Field::Published, META + 1),
    ("parsely-pub-date", Field::Published, META + 2),
    ("sailthru.date", Field::Published, META + 3),
    ("pubdate", Field::Published, META + 4),
    ("publishdate", Field::Published, META + 5),
    ("publish-date", Field::Published, META + 6),
    ("publish_date", Field::Published, META + 7),
    ("publication_date", Field::Published, META + 8),
    ("date.release", Field::Published, META + 9),
    ("dc.date.issued", Field::Published, META + 10),
    ("dcterms.issued", Field::Published, META + 11),
    ("dc.date.created", Field::Published, META + 12),
    ("dcterms.created", Field::Published, META + 13),
    ("dc.date", Field::Published, META + 14),
    ("dcterms.date", Field::Published, META + 15),
    ("citation_publication_date", Field::Published, META + 16),
    ("citation_online_date", Field::Published, META + 17),
    ("citation_date", Field::Published, META + 18),
    ("datecreated", Field::Published, META + 19),
    ("date", Field::Published, META + 20),
    ("author", Field::Author, META),
    ("parsely-author", Field::Author, META + 1),
    ("sailthru.author", Field::Author, META + 2),
    ("dc.creator", Field::Author, META + 3),
    ("dcterms.creator", Field::Author, META + 4),
    ("citation_author", Field::Author, META + 5),
    ("byl", Field::Author, META + 6),
    ("application-name", Field::Site, META),
    ("apple-mobile-web-app-title", Field::Site, META + 1),
    ("dc.publisher", Field::Site, META + 2),
    ("dcterms.publisher", Field::Site, META + 3),
    ("citation_publisher", Field::Site, META + 4),
    ("citation_journal_title", Field::Site, META + 5),
    ("content-language", Field::Lang, META),
    ("inlanguage", Field::Lang, META + 1),
    ("language", Field::Lang, META + 2),
    ("dc.language", Field::Lang, META + 3),
    ("dcterms.language", Field::Lang, META + 4),
    ("citation_language", Field::Lang, META + 5),
];

/// How many `<a rel=author>` links are read: a byline's few, not a page of author lists.
const MAX_AUTHOR_LINKS: usize = 4;
/// How far a link's end is looked for.
const MAX_LINK_BYTES: usize = 1024;

/// Whether a link's text reads as a person's name: one to five words, beginning with a
/// capital or an uncased letter, with no `by` in it and no lower-case word but short
/// particles (`View all posts by …`, `View my complete profile` are link labels, not names).
fn looks_like_name(text: &str) -> bool {
    let Some(v) = super::clean(text) else {
        return false;
    };
    let words = v.split_whitespace().count();
    // Lower-case words in a name are short particles (`de`, `van`, `bin`).
    let lower: Vec<&str> = v
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .collect();
    (1..=5).contains(&words)
        && v.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() && !c.is_lowercase())
        && !v.split_whitespace().any(|w| w.eq_ignore_ascii_case("by"))
        && lower.len() <= 2
        && lower.iter().all(|w| w.chars().count() <= 3)
}

/// Whether `raw` holds `author` in any case.
fn holds_author(raw: &[u8]) -> bool {
    memchr::memchr2_iter(b'a', b'A', raw).any(|i| {
        raw.get(i..i + 6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"author"))
    })
}

/// An attribute's value as written: the claim's cleaning decodes its entities, once.
fn value<'a>(tag: &Tag, html: &'a str, name: &str) -> Option<&'a str> {
    tag.attrs(html)
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The attributes that name a `<meta>`'s key.
const KEY_ATTRS: &[&str] = &["property", "name", "itemprop", "http-equiv"];

/// The start tags the reader looks for in the body: everything else there is passed over.
/// (`<html>` counts only when none came before; a `<title>` counts only before the body.)
const BODY_TAGS: &[&str] = &["meta", "link", "script", "a", "time", "html"];

/// Reads every claim an HTML page makes about itself.
///
/// The head (everything before the first `<body>` tag) is read tag by tag with [`Scanner`]; the
/// body, usually most of the page and most of its tags, is skimmed ([`Skimmer`]) for the few
/// tags that can carry metadata there: `<meta>` and `<link>` (microdata), JSON-LD scripts,
/// `<time>` and `<a rel=author>`. Scripts, styles and comments are stepped over in both, so a
/// tag written inside them does not count.
pub(super) fn read(html: &str, claims: &mut Claims) {
    let mut reader = Reader::default();
    let mut scanner = Scanner::within(html, 0, SCAN_LIMIT);
    while let Some(tag) = scanner.next() {
        if tag.kind == TagKind::Start {
            reader.start_tag(html, &tag, scanner.pos(), claims);
            if reader.in_body {
                break;
            }
        }
    }
    if reader.in_body {
        let mut skimmer = Skimmer::within(html, scanner.pos(), SCAN_LIMIT, BODY_TAGS);
        while let Some(tag) = skimmer.next() {
            reader.start_tag(html, &tag, skimmer.pos(), claims);
        }
    }
    if let Some(t) = reader.title {
        // Feeds wrap their titles in CDATA.
        let t = t.trim();
        let t = t
            .strip_prefix("<![CDATA[")
            .map_or(t, |inner| inner.strip_suffix("]]>").unwrap_or(inner));
        claims.add(Field::Title, DOCUMENT, t);
    }
    jsonld::read(&reader.blocks, claims);
}

/// What the reader has met so far on a page.
#[derive(Default)]
struct Reader<'a> {
    in_body: bool,
    seen_html: bool,
    first_time: bool,
    author_links: usize,
    title: Option<&'a str>,
    blocks: Vec<&'a str>,
}

impl<'a> Reader<'a> {
    /// Reads one start tag; `after` is where the scan stands after it (for a raw-text element,
    /// the start of its end tag).
    fn start_tag(&mut self, html: &'a str, tag: &Tag, after: usize, claims: &mut Claims) {
        let name = tag.name(html);
        if name.eq_ignore_ascii_case("meta") {
            let Some(content) = value(tag, html, "content") else {
                return;
            };
            for key_attr in KEY_ATTRS {
                let Some(key) = tag.attr(html, key_attr) else {
                    continue;
                };
                let key = key.trim().to_ascii_lowercase();
                if let Some((_, field, rank)) = META_KEYS.iter().find(|(k, ..)| *k == key) {
                    claims.add(*field, *rank, content);
                }
            }
        } else if name.eq_ignore_ascii_case("link") {
            let canonical = tag.attr(html, "rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            });
            // The canonical link is the page's own statement of its URL and ranks before
            // `og:url`, which some sites point at a node ID or a live-blog entry.
            if canonical && let Some(href) = value(tag, html, "href") {
                claims.add(Field::Url, OPEN_GRAPH, href);
            }
        } else if name.eq_ignore_ascii_case("script") {
            let is_json_ld = tag
                .attr(html, "type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
            if is_json_ld {
                // The scan stops at the script's end tag (or its limit).
                let end = after.max(tag.range.end);
                self.blocks.push(&html[tag.range.end..end]);
            }
        } else if name.eq_ignore_ascii_case("title") {
            if self.title.is_none() && !self.in_body {
                let end = after.max(tag.range.end);
                let end = end.min(tag.range.end + MAX_TITLE_BYTES);
                let end = crate::detect::tags::floor_char_boundary(html, end);
                self.title = Some(&html[tag.range.end..end]);
            }
        } else if name.eq_ignore_ascii_case("html") {
            if !self.seen_html {
                self.seen_html = true;
                for attr in ["lang", "xml:lang"] {
                    if let Some(lang) = value(tag, html, attr) {
                        claims.add(Field::Lang, DOCUMENT, lang);
                    }
                }
            }
        } else if name.eq_ignore_ascii_case("body") {
            self.in_body = true;
        } else if name.eq_ignore_ascii_case("a") {
            // Most links are not bylines: one whose tag holds neither `author` (in any case) nor
            // an entity that could spell it is passed without reading its attributes.
            let raw = &html.as_bytes()[tag.range.clone()];
            if memchr::memchr(b'&', raw).is_none() && !holds_author(raw) {
                return;
            }
            let author_link = tag.attr(html, "rel").is_some_and(|r| {
                r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("author"))
            });
            if author_link && self.author_links < MAX_AUTHOR_LINKS {
                // Every look costs up to `MAX_LINK_BYTES`, so rejected links count too.
                self.author_links += 1;
                let end = element_end_within(html, tag, MAX_LINK_BYTES);
                let inner = &html[tag.range.end..end.max(tag.range.end)];
                let shown = super::strip_tags(inner);
                let shown = if shown.trim().is_empty() {
                    value(tag, html, "title")
                        .map(str::to_string)
                        .unwrap_or_default()
                } else {
                    shown
                };
                if looks_like_name(&shown) {
                    claims.add(Field::Author, DOCUMENT, &shown);
                }
            }
        } else if name.eq_ignore_ascii_case("time") {
            // A `<time>` marked as the publication time; else one whose class says so; else
            // the first, which on an article page is almost always the byline's.
            let Some(at) = value(tag, html, "datetime") else {
                return;
            };
            let marked = tag.attr(html, "pubdate").is_some()
                || tag
                    .attr(html, "itemprop")
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("datePublished"));
            let classed = tag
                .attr(html, "class")
                .is_some_and(|c| c.to_ascii_lowercase().contains("publish"));
            if marked {
                claims.add(Field::Published, DOCUMENT, at);
            } else if classed {
                claims.add(Field::Published, DOCUMENT + 1, at);
            } else if !self.first_time {
                self.first_time = true;
                claims.add(Field::Published, DOCUMENT + 2, at);
            }
        }
    }
}
