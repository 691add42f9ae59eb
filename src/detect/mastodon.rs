//! Mastodon and compatible servers (Truth Social included): `iframe.mastodon-embed` and the
//! newer `blockquote.mastodon-embed` ("Post by @user@host", "View on Mastodon", no text), on any
//! instance. URLs of the form `https://<host>/@<user>/<id>[/embed]` are read on any host when
//! the ID is long enough to be a modern status ID or the path ends in `/embed`.
//!
//! Flattened text: the blockquote's "Post by @user@host View on Mastodon" (and Threads' identical
//! "Post by @user View on Threads", read here too since the two differ only in the last word).
//!
//! Status IDs are local to their server, so the host is part of the identity; `handle` is
//! `user@host`. The ID encodes its time: `unix_ms = id >> 16`.

use chrono::{DateTime, Utc};

use super::dom::{self, TextOpts};
use super::{Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Markers that send a page to this detector.
pub const MARKERS: &[&str] = &["mastodon", "/embed", "/statuses", "View on"];

/// Reads a status URL: `/@user/<id>`, `/@user/<id>/embed`, `/users/<user>/statuses/<id>`.
pub fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if KNOWN_OTHERS.iter().any(|d| p.host_is(d)) {
        return None;
    }
    let segs = p.segments();
    let (user, raw_id, embed) = match segs.as_slice() {
        [u, id, "embed", ..] if u.starts_with('@') => (&u[1..], *id, true),
        [u, id] if u.starts_with('@') => (&u[1..], *id, false),
        ["users", u, "statuses", id, ..] => (*u, *id, false),
        _ => return None,
    };
    let id = urls::leading_digits(raw_id)?;
    // Long IDs are modern status IDs; short ones only count on an embed URL.
    if id.len() > 20 || !(id.len() >= 15 || embed) || user.is_empty() {
        return None;
    }
    // A remote account seen through another server: `@user@origin`.
    let handle = if user.contains('@') {
        user.to_string()
    } else {
        format!("{user}@{}", p.host)
    };
    Some(PostRef {
        platform: Platform::Mastodon,
        post_id: id.to_string(),
        url: format!("https://{}/@{user}/{id}", p.host),
        handle: Some(handle),
    })
}

/// Hosts whose `/@user/<digits>` paths are not Mastodon statuses.
const KNOWN_OTHERS: &[&str] = &[
    "tiktok.com",
    "medium.com",
    "youtube.com",
    "threads.net",
    "threads.com",
    "instagram.com",
    "twitter.com",
    "x.com",
];

/// The time a status ID encodes (`unix_ms = id >> 16`), for IDs in the modern scheme.
pub fn id_time(id: &str) -> Option<DateTime<Utc>> {
    let n: u64 = id.parse().ok()?;
    let ms = i64::try_from(n >> 16).ok()?;
    let t = DateTime::from_timestamp_millis(ms)?;
    // Pre-2017 sequential IDs decode to 1970: no time.
    (t.timestamp() > 1_480_000_000 && t <= Utc::now()).then_some(t)
}

/// `blockquote.mastodon-embed` and `iframe.mastodon-embed` (also Truth Social's class).
pub fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let tags = page.start_tags_with_class(&["mastodon-embed", "truthsocial-embed"]);
    let mut out = Vec::new();
    for (tag, span) in dom::located(tags, html, &["blockquote", "iframe"]) {
        let mut urls_to_try: Vec<String> = ["data-embed-url", "src", "data-src", "cite"]
            .iter()
            .filter_map(|a| tag.attr(html, a).map(|v| v.into_owned()))
            .collect();
        let frag = dom::parse_fragment(page.fragment(span.clone()));
        let el = dom::first_element(&frag, tag.name(html));
        if let Some(el) = el {
            urls_to_try.extend(dom::links(el).into_iter().map(|(h, _)| h));
        }
        let Some(r) = urls_to_try.iter().find_map(|u| parse_url(u)) else {
            continue;
        };
        let form = if tag.is(html, "iframe") {
            Form::Iframe
        } else {
            Form::Blockquote
        };
        let mut post = r.to_post(Kind::Embed, form, "mastodon/embed");
        // "Post by @user@host" names the full account.
        if let Some(el) = el {
            let t = dom::squash_ws(&dom::element_text(el, TextOpts::default()));
            if let Some(acct) = t
                .split_whitespace()
                .find(|w| w.starts_with('@') && w[1..].contains('@'))
            {
                post.handle = Some(acct.trim_start_matches('@').to_string());
            }
        }
        post.span = span;
        out.push(post);
    }
    out
}

static FLAT_POST_BY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"Post by @([A-Za-z0-9_.]{1,30})(?:@([A-Za-z0-9.\-]+\.[A-Za-z]{2,}))?\s*View on (Mastodon|Threads)",
    )
    .expect("valid regex")
});

/// Flattened blockquote embeds of Mastodon and Threads, which read alike:
/// `Post by @user@host View on Mastodon`, `Post by @user View on Threads`.
pub fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&["View on"]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT_POST_BY, |c, _| {
        let all = c.get(0)?;
        let (platform, handle) = match (&c[3], c.get(2)) {
            ("Mastodon", Some(host)) => {
                (Platform::Mastodon, format!("{}@{}", &c[1], host.as_str()))
            }
            ("Mastodon", None) => (Platform::Mastodon, c[1].to_string()),
            _ => (Platform::Threads, c[1].to_string()),
        };
        let det = if platform == Platform::Threads {
            "threads/text"
        } else {
            "mastodon/text"
        };
        let mut post = Post::new(platform, Kind::Embed, Form::Text, det);
        post.handle = Some(handle);
        Some((post, all.range()))
    })
}
