//! Telegram: the widget script `<script data-telegram-post="channel/123">` (the element has no
//! text: only the reference is recoverable), `blockquote.telegram-post` from embed libraries,
//! and `t.me/<channel>/<n>?embed=1` iframes (through [`parse_url`]).
//!
//! Identity is channel + message number (`post_id` = `channel/number`, `handle` = channel).
//! Not posts: the discussion, login and share widgets; private `t.me/c/…` links.

use super::{Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Telegram.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Telegram,
    markers: &["telegram", "t.me/"],
    markup,
    parse_url,
    names: &["telegram"],
    hosts: &["t.me", "telegram.me", "telegram.dog"],
    aliases: &[("tg", None)],
    look: Look {
        label: "Telegram",
        colour: "#15803d",
        profile: Some("https://t.me/"),
        hashtag: None,
    },
    ..Detector::BASE
};

/// Reads a public channel post URL (`t.me/<channel>/<n>`, telegram.me).
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !(p.host == "t.me" || p.host_is("telegram.me") || p.host == "telegram.dog") {
        return None;
    }
    match p.segments().as_slice() {
        ["s", ch, n, ..] | [ch, n, ..] if *ch != "c" => reference(&format!("{ch}/{n}")),
        _ => None,
    }
}

/// Reads `channel/number`.
fn reference(v: &str) -> Option<PostRef> {
    let (ch, n) = v.trim().split_once('/')?;
    let n = urls::leading_digits(n)?;
    let ok = ch.len() >= 4
        && ch.len() <= 32
        && ch.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && ch != "joinchat"
        && ch != "share";
    if !ok {
        return None;
    }
    let ch = ch.to_ascii_lowercase();
    Some(PostRef {
        platform: Platform::Telegram,
        post_id: format!("{ch}/{n}"),
        url: format!("https://t.me/{ch}/{n}"),
        handle: Some(ch),
    })
}

/// `script[data-telegram-post]` and `blockquote.telegram-post[data-telegram-post]`.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    for tag in page.marked_tags().to_vec() {
        let Some(r) = tag
            .attr(html, "data-telegram-post")
            .and_then(|v| reference(&v))
        else {
            continue;
        };
        let is_script = tag.is(html, "script");
        let end = page.element_end(&tag);
        let (form, det) = if is_script {
            (Form::Script, "telegram/widget-script")
        } else {
            (Form::Blockquote, "telegram/blockquote")
        };
        let mut post = r.to_post(Kind::Embed, form, det);
        post.span = tag.range.start..end;
        out.push(post);
    }
    out
}
