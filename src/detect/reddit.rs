//! Reddit: `blockquote.reddit-embed-bq` (2023→: title link, "by u/user in sub"),
//! `blockquote.reddit-card` (≈2015–2022: "Title from r/sub"), and `div.reddit-embed` comment
//! embeds. Iframes (`embed.reddit.com/r/<sub>/comments/<id>/…`) and `amp-reddit` go through
//! [`parse_url`].
//!
//! Flattened text: `Title by u/user in subreddit` on a line of its own.
//!
//! Identity is the base36 post ID, plus the comment ID for comments (`<post>/<comment>`);
//! subreddit and slug are metadata. `data-card-created` is when the embed was made, not the post.

use std::sync::LazyLock;

use regex::Regex;

use super::dom::{self, TextOpts};
use super::{Amp, Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Reddit.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Reddit,
    markers: &["reddit", "redd.it", BY_USER_WORDS],
    markup,
    text,
    parse_url,
    amp: &[Amp {
        element: "amp-reddit",
        attr: "data-src",
    }],
    names: &["reddit"],
    hosts: &["reddit.com", "redd.it", "redditmedia.com"],
    look: Look {
        label: "Reddit",
        colour: "#c2410c",
        profile: None,
        hashtag: None,
    },
    ..Detector::BASE
};

/// The words before the author in a flattened embed (`Title by u/user in sub`).
const BY_USER_WORDS: &str = "by u/";

/// Reads a Reddit post or comment URL.
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    let segs = p.segments();
    let (sub, id, comment) = if p.host == "redd.it" {
        (None, *segs.first()?, None)
    } else if p.host_is("reddit.com") || p.host_is("redditmedia.com") {
        match segs.as_slice() {
            ["r", sub, "comments", id, _slug, cid, ..] => (Some(*sub), *id, Some(*cid)),
            ["r", sub, "comments", id, ..] => (Some(*sub), *id, None),
            ["comments", id, ..] => (None, *id, None),
            _ => return None,
        }
    } else {
        return None;
    };
    let base36 =
        |x: &str| x.len() >= 4 && x.len() <= 12 && x.bytes().all(|b| b.is_ascii_alphanumeric());
    if !base36(id) {
        return None;
    }
    let id = id.to_ascii_lowercase();
    let comment = comment.filter(|c| base36(c)).map(str::to_ascii_lowercase);
    let base = match sub {
        Some(s) => format!("https://www.reddit.com/r/{s}/comments/{id}/"),
        None => format!("https://www.reddit.com/comments/{id}/"),
    };
    Some(match comment {
        Some(c) => PostRef {
            platform: Platform::Reddit,
            post_id: format!("{id}/{c}"),
            url: format!("{base}_/{c}/"),
            handle: None,
        },
        None => PostRef {
            platform: Platform::Reddit,
            post_id: id,
            url: base,
            handle: None,
        },
    })
}

static BY_USER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bu/([A-Za-z0-9_-]{3,20})\b").expect("valid regex"));

/// `blockquote.reddit-embed-bq`, `blockquote.reddit-card`, `div.reddit-embed`.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let classes = ["reddit-embed-bq", "reddit-card", "reddit-embed"];
    page.read_elements(&classes, &["blockquote", "div"], |_, el, _| {
        // The first link names the post (or the comment, for comment embeds).
        let (r, title) = dom::links(el)
            .into_iter()
            .find_map(|(h, t)| parse_url(&h).map(|r| (r, t)))?;
        let mut post = r.to_post(Kind::Embed, Form::Blockquote, "reddit/blockquote");
        let title = dom::squash_ws(&title);
        if !title.is_empty() && !title.eq_ignore_ascii_case("comment") {
            post.text = Some(title);
        }
        let full = dom::element_text(el, TextOpts::default());
        if let Some(c) = BY_USER.captures(&full) {
            post.handle = Some(c[1].to_string());
        }
        Some(post)
    })
}

static FLAT_BY_USER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*([^\n]{3,300}?) by u/([A-Za-z0-9_-]{3,20}) in (?:r/)?([A-Za-z0-9_]{2,21})[ \t]*$")
        .expect("valid regex")
});

/// Flattened embeds: `Night survey results by u/polar_desk in tidepools`, a line of its own.
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[BY_USER_WORDS]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT_BY_USER, |c, _| {
        let all = c.get(0)?;
        let mut post = Post::new(Platform::Reddit, Kind::Embed, Form::Text, "reddit/text");
        post.text = Some(c[1].trim().to_string());
        post.handle = Some(c[2].to_string());
        let lead = all.as_str().len() - all.as_str().trim_start().len();
        Some((post, all.start() + lead..all.end()))
    })
}
