//! Article metadata: what a source says about itself (title, canonical URL, published time,
//! authors, site name, language).

use serde::Serialize;

use crate::decode::DocKind;

/// What an article says about itself. Every field is optional: a page that declares nothing
/// gives the default.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Article {
    /// The headline.
    pub title: Option<String>,
    /// The article's own URL as it declares it.
    pub canonical_url: Option<String>,
    /// The publication time as the page shows it.
    pub published: Option<String>,
    /// The publication time parsed: RFC 3339 in UTC, or a date (`YYYY-MM-DD`) when only the
    /// day is known.
    pub published_at: Option<String>,
    /// The authors' names, in the order given, without repeats.
    pub authors: Vec<String>,
    /// The site or publication name.
    pub site: Option<String>,
    /// The language tag (`en`, `de-AT`).
    pub lang: Option<String>,
}

/// Reads the metadata of a decoded document.
#[allow(dead_code, reason = "the store does not keep article metadata yet")]
pub(crate) fn read(_text: &str, _kind: DocKind) -> Article {
    Article::default()
}
