//! Instagram: the `blockquote.instagram-media` fallback in every generation (v7 `A photo
//! posted by … on <time>`, v8–12 `A post shared by <a>Name</a> (@handle) on <time>`, v12–14
//! captionless `A post shared by Name (@handle)`), localized tails, and the flattened text
//! form in the same locales (`Ein Beitrag geteilt von …`, `Публикация от …`). Iframes
//! (`/p/<code>/embed/captioned/`), `amp-instagram` and placeholders are read by the shared
//! finders through [`parse_url`] and [`id_attr`].
//!
//! Identity is the shortcode (case-sensitive), whatever the path: `/p/`, `/reel/`, `/reels/`,
//! `/tv/`, `/<handle>/p/`. Profile embeds (`instagram.com/<handle>/`) are not posts.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;
use scraper::ElementRef;

use super::dom::{self, TextOpts};
use super::{Amp, Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Instagram.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Instagram,
    markers: &["instagr", SHARED_BY_WORDS, POSTED_BY],
    short_markers: &[HANDLE_OPEN],
    markup,
    text,
    parse_url,
    id_attr,
    bare_id,
    amp: &[Amp {
        element: "amp-instagram",
        attr: "data-shortcode",
    }],
    names: &["instagram"],
    hosts: &["instagram.com", "instagr.am"],
    aliases: &[("ig", None), ("insta", None)],
    look: Look {
        label: "Instagram",
        colour: "#a21caf",
        profile: Some("https://www.instagram.com/"),
        hashtag: Some("https://www.instagram.com/explore/tags/"),
    },
    ..Detector::BASE
};

/// Words of the flattened tail ("A post shared by", "A photo posted by").
const SHARED_BY_WORDS: &str = "shared by";
const POSTED_BY: &str = "posted by";
/// The opening of the `(@handle)` every author line holds, in every locale: a short marker.
const HANDLE_OPEN: &str = "(@";

/// Reads an Instagram post URL.
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !PLATFORM.hosts.iter().any(|h| p.host_is(h)) {
        return None;
    }
    let segs = p.segments();
    let (handle, code) = match segs.as_slice() {
        ["p" | "reel" | "reels" | "tv", code, ..] => (None, *code),
        [h, "p" | "reel" | "tv", code, ..] if *h != "explore" => (Some(*h), *code),
        _ => return None,
    };
    shortcode(code, handle)
}

fn shortcode(code: &str, handle: Option<&str>) -> Option<PostRef> {
    if !urls::is_code(code, 5..=40) {
        return None;
    }
    Some(PostRef {
        platform: Platform::Instagram,
        post_id: code.to_string(),
        url: format!("https://www.instagram.com/p/{code}/"),
        handle: handle.map(str::to_string),
    })
}

/// Reads a shortcode attribute (`data-shortcode`, `data-instgrm-shortcode`; `data-id` and
/// `data-embed-id` on an element that names Instagram).
fn id_attr(name: &str, value: &str, context: bool) -> Option<PostRef> {
    let always = matches!(name, "data-shortcode" | "data-instgrm-shortcode");
    let ctx = matches!(
        name,
        "data-id" | "data-embed-id" | "data-code" | "data-media-id"
    );
    if !(always || ctx && context) {
        return None;
    }
    parse_url(value).or_else(|| bare_id(value.trim()))
}

/// A bare shortcode is 10 or 11 characters (12 allowed); other values are page IDs.
fn bare_id(v: &str) -> Option<PostRef> {
    (10..=12).contains(&v.len()).then(|| shortcode(v, None))?
}

/// The phrase that opens the author line ("A post shared by", "A photo posted by") in English
/// and in the locales Instagram's embeds print, as a regex alternation (matched ignoring
/// case). The blockquote reader and the flattened-text reader both use it.
const SHARED_PHRASES: &str = r"a (?:post|photo|video) (?:shared|posted) by|une publication partagée par|ein beitrag geteilt von|eine? (?:foto|video|beitrag) (?:gepostet|geteilt) von|una publicación compartida (?:de|por)|un post condiviso da|uma publicação compartilhada por|een bericht gedeeld door|post udostępniony przez|публикация от";

/// "A post shared by Name (@handle)" and its older and localized forms.
static SHARED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?is)(?:{SHARED_PHRASES})\s*(.*?)\s*\(@([A-Za-z0-9._]{{1,30}})\)"
    ))
    .expect("valid regex")
});

/// `blockquote.instagram-media`. Publishers' own cards are read by the shared card reader.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    blockquotes(page)
}

/// `blockquote.instagram-media` (only blockquotes: themes also use the class on layout `div`s).
fn blockquotes(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    page.read_elements(&["instagram-media"], &["blockquote"], |tag, bq, _| {
        let permalink = tag
            .attr(html, "data-instgrm-permalink")
            .map(|s| s.into_owned())
            .into_iter()
            .chain(dom::links(bq).into_iter().map(|(h, _)| h));
        let r = permalink.into_iter().find_map(|u| parse_url(&u))?;
        let mut post = r.to_post(Kind::Embed, Form::Blockquote, "instagram/blockquote");
        read_fields(bq, &mut post);
        Some(post)
    })
}

fn read_fields(bq: ElementRef<'_>, post: &mut Post) {
    let ps: Vec<ElementRef<'_>> = bq
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "p")
        .collect();
    // The tail: the last paragraph naming the author.
    let tail = ps
        .iter()
        .rev()
        .find(|p| SHARED_BY.is_match(&dom::element_text(**p, TextOpts::default())));
    if let Some(t) = tail {
        let text = dom::squash_ws(&dom::element_text(*t, TextOpts::default()));
        if let Some(c) = SHARED_BY.captures(&text) {
            let name = c[1].trim();
            if !name.is_empty() {
                post.display_name = Some(name.to_string());
            }
            post.handle = Some(c[2].to_string());
            // Without a <time>, the date follows as text: "(@handle) on Apr 27, 2020 at …".
            if let Some(m) = c.get(0) {
                let rest = text[m.end()..].trim();
                let rest = rest
                    .strip_prefix("on ")
                    .or_else(|| rest.strip_prefix("le "))
                    .or_else(|| rest.strip_prefix("am "))
                    .unwrap_or(rest)
                    .trim();
                if !rest.is_empty() && rest.chars().any(|ch| ch.is_ascii_digit()) {
                    post.set_date(rest);
                }
            }
        }
        if let Some(time) = t
            .descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "time")
        {
            let shown = dom::squash_ws(&dom::element_text(time, TextOpts::default()));
            if !shown.is_empty() {
                post.set_date(&shown);
            }
            // The exact UTC time the markup gives.
            if let Some(dt) = time
                .value()
                .attr("datetime")
                .and_then(|d| DateTime::parse_from_rfc3339(d.trim()).ok())
            {
                let utc = dt.with_timezone(&Utc);
                post.created_at = Some(utc.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                if post.date.is_none() {
                    post.date = Some(utc.date_naive().to_string());
                }
            }
        }
        // The caption: a paragraph before the tail that is not the "View this post" label.
        let caption = ps
            .iter()
            .take_while(|p| p.id() != t.id())
            .map(|p| dom::element_text(*p, TextOpts::default()))
            .filter(|s| !s.is_empty() && !is_label(s))
            .last();
        if let Some(c) = caption {
            post.text = Some(c);
        }
    }
}

/// Labels of the embed's chrome, not captions.
fn is_label(s: &str) -> bool {
    let l = s.to_lowercase();
    l.contains("view this post on instagram")
        || l.contains("diesen beitrag auf instagram")
        || l.contains("voir cette publication sur instagram")
        || l.contains("ver esta publicación en instagram")
        || l.starts_with("view more on instagram")
}

/// The flattened author line: the phrase, the name on the same line, the handle.
static FLAT_SHARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:{SHARED_PHRASES})\s+([^\n()]{{0,60}}?)\s*\(@([A-Za-z0-9._]{{1,30}})\)"
    ))
    .expect("valid regex")
});

/// Flattened embeds: "… A post shared by Name (@handle)", "A photo posted by Name (@handle)
/// on May 8, 2012 at 2:58am PDT", and the localized lines ("Ein Beitrag geteilt von Name
/// (@handle) am Apr 28, 2020 um 9:29 PDT", "Публикация от Name (@handle)5 Апр 2020 в 5:25
/// PDT"), whose date, when shown, follows the handle after at most one short word.
///
/// The caption, when shown, is the text before the author line on its paragraph; when the
/// author line starts its paragraph in a document whose paragraphs are lines, the one line
/// before it (unless that line is the embed's label or another embed's footer).
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[SHARED_BY_WORDS, POSTED_BY, HANDLE_OPEN]) {
        return Vec::new();
    }
    let view = page.text_view();
    let t = view.text.as_str();
    let lines = !page.is_html() && !super::text::uses_blank_lines(t);
    let mut out = Vec::new();
    let mut floor = 0;
    for c in FLAT_SHARED.captures_iter(t) {
        let (Some(all), Some(name), Some(handle)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if all.start() < floor {
            continue;
        }
        let mut post = Post::new(
            Platform::Instagram,
            Kind::Embed,
            Form::Text,
            "instagram/text",
        );
        let name = dom::squash_ws(name.as_str().trim());
        if !name.is_empty() {
            post.display_name = Some(name);
        }
        post.handle = Some(handle.as_str().to_string());
        let mut end = all.end();
        if let Some(d) = super::text::footer_date(&t[end..], true) {
            post.set_date(&t[end + d.start..end + d.end]);
            end += d.end;
        }
        let mut start = all.start();
        if let Some((caption, at)) = caption(t, all.start(), floor, lines) {
            post.text = Some(caption);
            start = at;
        }
        post.span = page.page_span(start..end);
        if page.is_claimed(post.span.start) || page.is_claimed(page.page_span(all.range()).start) {
            continue;
        }
        floor = end;
        out.push(post);
    }
    out
}

/// The caption before an author line that starts at `at`, and where it starts: the text before
/// it on its paragraph, or (when `lines` and the author line starts its line) the line before.
fn caption(t: &str, at: usize, floor: usize, lines: bool) -> Option<(String, usize)> {
    let para = super::text::paragraph_start(t, at, floor, lines);
    let mut from = para;
    let mut before = t[para..at].trim();
    if before.is_empty() && lines && para > floor {
        // The line before, when it is whole after the floor.
        let prev_end = para - 1;
        let prev_start = t[..prev_end].rfind('\n').map_or(0, |p| p + 1);
        if prev_start >= floor {
            from = prev_start;
            before = t[prev_start..prev_end].trim();
        }
    }
    let before = before
        .strip_prefix("View this post on Instagram")
        .unwrap_or(before)
        .trim();
    if before.is_empty()
        || before.chars().count() >= 2200
        || is_label(before)
        || super::text::ends_with_signature(before)
    {
        return None;
    }
    // `before` is a slice of `t`: its offset is where the caption starts.
    let start = (before.as_ptr() as usize).saturating_sub(t.as_ptr() as usize);
    Some((before.to_string(), start.max(from)))
}
