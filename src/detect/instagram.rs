//! Instagram: the `blockquote.instagram-media` fallback in every generation (v7 `A photo
//! posted by … on <time>`, v8–12 `A post shared by <a>Name</a> (@handle) on <time>`, v12–14
//! captionless `A post shared by Name (@handle)`), localized tails, and the flattened text
//! form. Iframes (`/p/<code>/embed/captioned/`), `amp-instagram` and placeholders are read by
//! the shared finders through [`parse_url`] and [`id_attr`].
//!
//! Identity is the shortcode (case-sensitive), whatever the path: `/p/`, `/reel/`, `/reels/`,
//! `/tv/`, `/<handle>/p/`. Profile embeds (`instagram.com/<handle>/`) are not posts.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;
use scraper::ElementRef;

use super::dom::{self, TextOpts};
use super::{Amp, Detector, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Instagram.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Instagram,
    markers: &["instagr", SHARED_BY_WORDS, POSTED_BY],
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
    ..Detector::BASE
};

/// Words of the flattened tail ("A post shared by", "A photo posted by").
const SHARED_BY_WORDS: &str = "shared by";
const POSTED_BY: &str = "posted by";

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

/// "A post shared by Name (@handle)" and its older and localized forms.
static SHARED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)(?:a (?:post|photo|video) (?:shared|posted) by|une publication partagée par|ein beitrag geteilt von|eine? (?:foto|video|beitrag) (?:gepostet|geteilt) von|una publicación compartida (?:de|por)|un post condiviso da|uma publicação compartilhada por|een bericht gedeeld door|post udostępniony przez|публикация от)\s*(.*?)\s*\(@([A-Za-z0-9._]{1,30})\)",
    )
    .expect("valid regex")
});

/// `blockquote.instagram-media`, and publishers' own cards (`div.subbuzz-instagram`).
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let mut out = blockquotes(page);
    out.extend(cards(page));
    out
}

static CARD_HANDLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)instagram:\s*@([A-Za-z0-9._]{1,30})").expect("valid regex"));

fn cards(page: &Page<'_>) -> Vec<Post> {
    page.read_elements(&["subbuzz-instagram"], &["div"], |_, card, _| {
        let r = dom::links(card)
            .into_iter()
            .find_map(|(h, _)| parse_url(&h))?;
        let mut post = r.to_post(Kind::Embed, Form::Card, "instagram/card");
        let t = dom::squash_ws(&dom::element_text(card, TextOpts::default()));
        if let Some(c) = CARD_HANDLE.captures(&t) {
            post.handle = Some(c[1].to_string());
        }
        Some(post)
    })
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

static FLAT_SHARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:a (?:post|photo|video) (?:shared|posted) by)\s+([^\n()]{0,60}?)\s*\(@([A-Za-z0-9._]{1,30})\)(?:\s+on\s+([A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}(?: at \d{1,2}:\d{2}\s*[ap]m(?: [A-Z]{2,4})?)?))?",
    )
    .expect("valid regex")
});

/// Flattened embeds: "… A post shared by Name (@handle)" / "A photo posted by Name (@handle)
/// on May 8, 2012 at 2:58am PDT".
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[SHARED_BY_WORDS, POSTED_BY]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT_SHARED, |c, t| {
        let all = c.get(0)?;
        let mut post = Post::new(
            Platform::Instagram,
            Kind::Embed,
            Form::Text,
            "instagram/text",
        );
        let name = c[1].trim();
        if !name.is_empty() {
            post.display_name = Some(name.to_string());
        }
        post.handle = Some(c[2].to_string());
        if let Some(d) = c.get(3) {
            post.set_date(d.as_str());
        }
        // The caption, when shown, is the text before the tail on the same paragraph.
        let para = super::text::paragraph_start(t, all.start(), 0, false);
        let before = t[para..all.start()].trim();
        let before = before
            .strip_prefix("View this post on Instagram")
            .unwrap_or(before)
            .trim();
        let mut start = all.start();
        if !before.is_empty() && before.chars().count() < 2200 {
            post.text = Some(before.to_string());
            start = para + (t[para..].len() - t[para..].trim_start().len());
        }
        Some((post, start..all.end()))
    })
}
