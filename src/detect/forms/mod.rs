//! The shared embed forms every platform uses, found once per page and dispatched by URL
//! through the platform table:
//!
//! - `elements.rs`: iframes and legacy players, AMP components, lazy and CMS placeholders that
//!   carry a post URL or ID in `data-*` attributes, and entity-escaped embed code in attributes;
//! - `scripts.rs`: embed code inside script strings (JSON, `\u003c`-escaped) and text areas,
//!   read as nested documents;
//! - `links.rs`: post URLs standing alone in their block or line (embeds, as CMSs turn them
//!   into embeds) and links in prose (mentions);
//! - `merge.rs`: merging the copies of one post that a page holds.

use std::ops::Range;

use super::Page;
use crate::post::{Kind, Post};

mod elements;
mod links;
mod merge;
mod scripts;

pub(crate) use links::links;
pub(crate) use merge::merge_copies;

/// Finds iframes, objects, AMP components, placeholders and escaped or scripted embed code,
/// and claims their spans.
pub(crate) fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let mut out = elements::elements(page);
    out.extend(scripts::scripts(page));
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
    super::detect_depth(code, true, page.depth + 1, page.exhaustive)
        .into_iter()
        .filter(|p| p.kind == Kind::Embed)
        .map(move |mut p| {
            p.form = form;
            p.span = span.clone();
            p
        })
}
