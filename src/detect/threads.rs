//! Threads: `blockquote.text-post-media` with `data-text-post-permalink` ("Post by @user",
//! "View on Threads"; no text or date in the markup), and its flattened text `Post by @user View
//! on Threads`. Hosts threads.net and threads.com are one. Identity is the shortcode
//! (case-sensitive).

use std::sync::LazyLock;

use regex::Regex;

use super::dom;
use super::{Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Threads.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Threads,
    markers: &["threads.", "text-post-media", VIEW_ON_THREADS],
    markup,
    text,
    parse_url,
    names: &["threads"],
    hosts: &["threads.net", "threads.com"],
    look: Look {
        label: "Threads",
        colour: "#57534e",
        profile: Some("https://www.threads.net/@"),
        hashtag: None,
    },
    ..Detector::BASE
};

/// The label that ends the flattened embed.
const VIEW_ON_THREADS: &str = "View on Threads";

/// Reads a Threads post URL (`/@user/post/<code>`, `/t/<code>`).
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !PLATFORM.hosts.iter().any(|h| p.host_is(h)) {
        return None;
    }
    let (handle, code) = match p.segments().as_slice() {
        [u, "post", code, ..] if u.starts_with('@') => (Some(u[1..].to_string()), *code),
        ["t", code, ..] => (None, *code),
        _ => return None,
    };
    if !urls::is_code(code, 5..=40) {
        return None;
    }
    Some(PostRef {
        platform: Platform::Threads,
        post_id: code.to_string(),
        url: match &handle {
            Some(h) => format!("https://www.threads.com/@{h}/post/{code}"),
            None => format!("https://www.threads.com/t/{code}"),
        },
        handle,
    })
}

/// `blockquote.text-post-media`.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    page.read_elements(&["text-post-media"], &["blockquote", "div"], |tag, el, _| {
        let r = tag
            .attr(html, "data-text-post-permalink")
            .map(|u| u.into_owned())
            .into_iter()
            .chain(dom::links(el).into_iter().map(|(h, _)| h))
            .find_map(|u| parse_url(&u))?;
        Some(r.to_post(Kind::Embed, Form::Blockquote, "threads/blockquote"))
    })
}

static FLAT_POST_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"Post by @([A-Za-z0-9_.]{1,30})(?:@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})?\s*View on Threads",
    )
    .expect("valid regex")
});

/// Flattened blockquote embeds: `Post by @user View on Threads`.
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[VIEW_ON_THREADS]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT_POST_BY, |c, _| {
        let all = c.get(0)?;
        let mut post = Post::new(Platform::Threads, Kind::Embed, Form::Text, "threads/text");
        post.handle = Some(c[1].to_string());
        Some((post, all.range()))
    })
}
