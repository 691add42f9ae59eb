//! The shared embed forms every platform uses, found once per page and dispatched by URL
//! through the platform table:
//!
//! - `cards.rs`: elements that name a platform and hold one of its posts (publishers' cards,
//!   lazy and consent containers, components);
//! - `elements.rs`: iframes and legacy players, AMP components, lazy and CMS placeholders that
//!   carry a post URL or ID in `data-*` attributes, and entity-escaped embed code in attributes;
//! - `strings.rs`: embed code held in strings (JSON at any depth of escaping, entity-escaped
//!   attributes and text areas, JSON documents, script calls), read as nested documents;
//! - `links.rs`: post URLs standing alone in their block or line (embeds, as CMSs turn them
//!   into embeds) and links in prose (mentions);
//! - `merge.rs`: merging the copies of one post that a page holds.

use std::ops::Range;

use super::Page;
use crate::decode::DocKind;
use crate::post::{Kind, Post};

mod cards;
mod elements;
mod links;
mod merge;
mod strings;

pub(crate) use links::links;
pub(crate) use merge::merge_copies;

/// Finds iframes, objects, AMP components, placeholders and escaped or scripted embed code,
/// and claims their spans.
pub(crate) fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let cards = cards::cards(page);
    for p in &cards {
        page.claim(p.span.clone());
    }
    let mut out = cards;
    out.extend(elements::elements(page));
    out.extend(strings::strings(page));
    for p in &out {
        page.claim(p.span.clone());
    }
    out
}

/// Embed code found nested in a string or an attribute: the embeds in it, in the given form and
/// with the span of the string or element that holds it.
fn nested(
    code: &str,
    page: &Page<'_>,
    form: crate::post::Form,
    span: &Range<usize>,
) -> impl Iterator<Item = Post> {
    let span = span.clone();
    super::detect_depth(code, DocKind::Html, page.depth + 1, page.exhaustive)
        .into_iter()
        .filter(|p| p.kind == Kind::Embed)
        .map(move |mut p| {
            p.form = form;
            p.span = span.clone();
            p
        })
}
