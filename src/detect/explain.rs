//! What became of every place a marker was seen: the post it is part of, or why it is not one.
//! This is how a reader reports "you missed this one", and how the next mechanism is found: a
//! marker that no detector took, and the reason, points at the markup to look at.
//!
//! The explanation is worked out after detection, from the posts found and from what is known
//! about the place (an opaque region, reader comments, page chrome, the tag the marker is in and
//! what its URL names), so the detectors stay as they are.

use std::ops::Range;

use super::page::{Page, Region};
use super::tags::{self, TagKind};
use super::{DETECTORS, parse_post_url, prefilter, urls, words};
use crate::decode::DocKind;
use crate::post::{Kind, Post};

/// One place a marker was seen, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// The text span of the place (the tag, or the post that took it).
    pub span: Range<usize>,
    /// The marker seen there (the first one, when several are in one place).
    pub marker: String,
    /// What became of it.
    pub outcome: String,
}

/// Explains every marker of `text` (see the module docs); `posts` are what detection found.
pub(crate) fn explain(text: &str, kind: DocKind, posts: &[Post]) -> Vec<Place> {
    let hits = prefilter::prefilter(text);
    let page = Page::new(text, kind, hits.clone(), 0, false);
    let mut out: Vec<Place> = Vec::new();
    for &(at, id) in &hits.at {
        let marker = prefilter::pattern(id).to_string();
        if out.last().is_some_and(|p| p.span.contains(&at)) {
            continue;
        }
        let found = posts
            .iter()
            .find(|p| p.span.contains(&at) || p.copy_spans.iter().any(|c| c.contains(&at)));
        let (span, outcome) = match found {
            Some(p) => (p.span.clone(), describe(p)),
            None => why_not(&page, at),
        };
        out.push(Place {
            span,
            marker,
            outcome,
        });
    }
    out
}

/// A found post, in a few words.
fn describe(p: &Post) -> String {
    let what = match p.kind {
        Kind::Embed => "embed",
        Kind::Mention => "mention",
    };
    let who = p
        .post_id
        .clone()
        .or_else(|| p.handle.as_ref().map(|h| format!("@{h}")))
        .unwrap_or_else(|| "(no ID)".into());
    let mut s = format!("{what}: {} {who} ({})", p.platform, p.detector);
    if !p.notes.is_empty() {
        s.push_str(&format!("; {}", p.notes.join("; ")));
    }
    s
}

/// Why the marker at `at` is part of no post, and the span the reason is about.
fn why_not(page: &Page<'_>, at: usize) -> (Range<usize>, String) {
    let text = page.text;
    let here = at..(at + 1).min(text.len());
    if page.is_opaque(at) {
        return (
            here,
            "rejected: inside a script, style, comment or text area, with no embed code or post URL there"
                .into(),
        );
    }
    match page.region_at(at) {
        Some(Region::Comments) => {
            return (here, "rejected: in the page's reader comments".into());
        }
        Some(Region::Chrome) => {
            return (
                here,
                "rejected: in page chrome (a sidebar, navigation or feed of other stories)".into(),
            );
        }
        None => {}
    }
    if let Some(tag) = tags::enclosing_tag(text, at)
        && tag.kind == TagKind::Start
    {
        let span = tag.range.clone();
        let urls_in_tag: Vec<String> = tag
            .attrs(text)
            .map(|(_, v)| html_escape::decode_html_entities(v).into_owned())
            .filter(|v| v.contains("://") || v.starts_with("//"))
            .collect();
        if urls_in_tag.iter().any(|u| parse_post_url(u).is_some()) {
            return (
                span,
                "rejected: names a post, but the element is not an embed (a button or page chrome)"
                    .into(),
            );
        }
        if let Some(u) = urls_in_tag.first() {
            let host = urls::parts(u).map(|p| p.host).unwrap_or_default();
            return (
                span,
                format!(
                    "rejected: a link or resource on {host} that is not a post (a profile, share, intent, script or image)"
                ),
            );
        }
        let said: Vec<String> = tag
            .attrs(text)
            .flat_map(|(_, v)| words(v))
            .chain(words(tag.name(text)))
            .collect();
        if DETECTORS
            .iter()
            .any(|d| d.names.iter().any(|n| said.iter().any(|w| w == n)))
        {
            return (
                span,
                "rejected: an element that names a platform but carries no post URL or ID (a widget, timeline, button or an embed whose post is gone)"
                    .into(),
            );
        }
        return (
            span,
            "rejected: markup that mentions a platform but is no embed".into(),
        );
    }
    (
        here,
        "rejected: text that mentions a platform, with no post URL or flattened footer (name, @handle and date) there"
            .into(),
    )
}
