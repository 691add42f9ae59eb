//! Bluesky: the `blockquote.bluesky-embed` fallback (`data-bluesky-uri` at-URI or bsky.app URL,
//! `<p lang>` text ending in an "[image or embed]" link, tail "— Name (@handle) <a>date</a>",
//! hand-made variants in `div`s and with the whole "Name (@handle)" inside the profile link),
//! and the flattened text form. Iframes (`embed.bsky.app/embed/<did>/app.bsky.feed.post/<rkey>`)
//! go through [`parse_url`].
//!
//! Identity is the at-URI `at://<did>/app.bsky.feed.post/<rkey>`; when only a handle is known the
//! at-URI names the handle (handles can change, so that key is weaker). Record keys are TIDs:
//! their time is decoded into `created_at`.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;
use scraper::ElementRef;

use super::dom::{self, TextOpts};
use super::{Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Bluesky.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Bluesky,
    markers: &["bsky", "bluesky"],
    markup,
    text,
    parse_url,
    id_time: tid_time,
    tidy_text,
    names: &["bluesky"],
    hosts: &["bsky.app"],
    aliases: &[("bsky", None)],
    look: Look {
        label: "Bluesky",
        colour: "#0369a1",
        profile: Some("https://bsky.app/profile/"),
        hashtag: Some("https://bsky.app/hashtag/"),
    },
    ..Detector::BASE
};

/// The opening of a flattened signature, `(@handle.bsky.social)`.
const SIGNATURE: &str = "(@";

/// The label Bluesky's embed shows for attached media: not part of the post's text.
const MEDIA_LABEL: &str = "[image or embed]";

/// A post text without the trailing media label, in every form of the post.
fn tidy_text(t: String) -> String {
    match t.trim_end().strip_suffix(MEDIA_LABEL) {
        Some(rest) => rest.trim_end().to_string(),
        None => t,
    }
}

/// Reads a Bluesky post URL or at-URI.
fn parse_url(s: &str) -> Option<PostRef> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix("at://") {
        let segs: Vec<&str> = rest
            .split(['/', '?', '#'])
            .filter(|x| !x.is_empty())
            .collect();
        return match segs.as_slice() {
            [who, "app.bsky.feed.post", rkey, ..] => post_ref(who, rkey),
            _ => None,
        };
    }
    let p = urls::parts(s)?;
    if !p.host_is("bsky.app") {
        return None;
    }
    match p.segments().as_slice() {
        ["profile", who, "post", rkey, ..] => post_ref(who, rkey),
        ["embed", who, "app.bsky.feed.post", rkey, ..] => post_ref(who, rkey),
        _ => None,
    }
}

fn post_ref(who: &str, rkey: &str) -> Option<PostRef> {
    if !urls::is_code(rkey, 3..=20) || who.is_empty() {
        return None;
    }
    let who = who.trim_start_matches('@');
    let handle = (!who.starts_with("did:")).then(|| who.to_ascii_lowercase());
    Some(PostRef {
        platform: Platform::Bluesky,
        post_id: format!("at://{who}/app.bsky.feed.post/{rkey}"),
        url: format!("https://bsky.app/profile/{who}/post/{rkey}"),
        handle,
    })
}

const TID_ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The time a TID record key encodes (`unix_us = value >> 10`), from the post ID's last segment.
fn tid_time(post_id: &str) -> Option<DateTime<Utc>> {
    let rkey = post_id.rsplit('/').next()?;
    if rkey.len() != 13 {
        return None;
    }
    let mut v: u64 = 0;
    for b in rkey.bytes() {
        let d = TID_ALPHABET.iter().position(|&c| c == b)? as u64;
        v = v.checked_mul(32)?.checked_add(d)?;
    }
    if v >> 63 != 0 {
        return None;
    }
    let us = (v >> 10) as i64;
    let t = DateTime::from_timestamp_micros(us)?;
    (t <= Utc::now() && t.timestamp() > 1_600_000_000).then_some(t)
}

static HANDLE_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*@([A-Za-z0-9.\-]{3,253})\s*\)").expect("valid regex"));

/// `blockquote.bluesky-embed` (or a `div` with that class).
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    page.read_elements(&["bluesky-embed"], &["blockquote", "div"], |tag, bq, _| {
        let links = dom::links(bq);
        let uri = tag.attr(html, "data-bluesky-uri").map(|u| u.into_owned());
        let r = uri
            .as_deref()
            .and_then(parse_url)
            .or_else(|| links.iter().rev().find_map(|(h, _)| parse_url(h)))?;
        let mut post = r.to_post(Kind::Embed, Form::Blockquote, "bluesky/blockquote");
        read_fields(bq, &links, &mut post);
        Some(post)
    })
}

fn read_fields(bq: ElementRef<'_>, links: &[(String, String)], post: &mut Post) {
    let full = dom::element_text(bq, TextOpts::default());
    if let Some(p) = bq
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "p")
    {
        let t = dom::element_text(p, TextOpts::default());
        if !t.is_empty() {
            post.text = Some(t);
        }
        post.lang = p.value().attr("lang").map(str::to_string);
    }
    if let Some(c) = HANDLE_PAREN.captures_iter(&full).last()
        && let Some(m) = c.get(0)
    {
        post.handle = Some(c[1].to_ascii_lowercase());
        let before = &full[..m.start()];
        let line = before.rsplit('\n').next().unwrap_or(before);
        // The dash may be an em dash, or `---`/`--` in Markdown sources.
        let name = ["\u{2014}", "---", "--"]
            .iter()
            .find_map(|d| line.rfind(d).map(|at| &line[at + d.len()..]))
            .unwrap_or(line);
        let name = dom::squash_ws(name);
        if !name.is_empty() {
            post.display_name = Some(name);
        }
    }
    // The date is the text of the last link to the post itself.
    if let Some((_, t)) = links
        .iter()
        .rev()
        .find(|(h, t)| parse_url(h).is_some() && t.chars().any(|c| c.is_ascii_digit()))
    {
        post.set_date(t);
    }
}

static FLAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\u{2014}|&mdash;|--)\s*([^\n()]{0,64}?)\s*\(@([a-z0-9][a-z0-9.\-]*\.[a-z]{2,}|[a-z0-9.\-]+\.bsky\.social)\)\s*([A-Z][a-z]+ \d{1,2}, \d{4}(?: at \d{1,2}:\d{2}(?:\s?[AP]M)?)?)")
        .expect("valid regex")
});

/// Flattened embeds: `TEXT [image or embed] — Name (@handle.bsky.social) March 4, 2025 at 4:20 PM`.
/// Handles with a dot tell Bluesky apart from Twitter's dotless ones.
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[SIGNATURE]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT, |c, t| {
        let all = c.get(0)?;
        let mut post = Post::new(Platform::Bluesky, Kind::Embed, Form::Text, "bluesky/text");
        let name = c[1].trim();
        if !name.is_empty() {
            post.display_name = Some(name.to_string());
        }
        post.handle = Some(c[2].to_string());
        post.set_date(&c[3]);
        let para = super::text::paragraph_start(t, all.start(), 0, false);
        let body = t[para..all.start()].trim();
        let mut start = all.start();
        if !body.is_empty() {
            post.text = Some(body.to_string());
            start = para + (t[para..].len() - t[para..].trim_start().len());
        }
        Some((post, start..all.end()))
    })
}
