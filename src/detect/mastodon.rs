//! Mastodon and compatible servers (Truth Social included): `iframe.mastodon-embed` and the
//! newer `blockquote.mastodon-embed` ("Post by @user@host", "View on Mastodon", no text), on any
//! instance. URLs of the form `https://<host>/@<user>/<id>[/embed]` are read on any host when
//! the ID is long enough to be a modern status ID or the path ends in `/embed`.
//!
//! Flattened text: the blockquote's "Post by @user@host View on Mastodon".
//!
//! Status IDs are local to their server, so the host is part of the identity; `handle` is
//! `user@host`. The ID encodes its time: `unix_ms = id >> 16`.

use chrono::{DateTime, Utc};

use super::dom::{self, TextOpts};
use super::{Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Mastodon and compatible servers.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Mastodon,
    markers: &["mastodon", "/embed", "/statuses", VIEW_ON_MASTODON],
    short_markers: &["/@"],
    markup,
    text,
    parse_url,
    id_time,
    identity,
    names: &["mastodon"],
    aliases: &[("truthsocial", Some("truthsocial.com")), ("truth", Some("truthsocial.com"))],
    look: Look {
        label: "Mastodon",
        colour: "#6d28d9",
        profile: None,
        hashtag: None,
    },
    ..Detector::BASE
};

/// The label that ends the flattened embed.
const VIEW_ON_MASTODON: &str = "View on Mastodon";

/// Status IDs are local to their server: the identity is `host/id`, the host read from the
/// canonical URL (`https://<host>/@user/<id>`).
fn identity(id: &str, url: Option<&str>) -> String {
    let host = url
        .and_then(|u| u.split('/').nth(2))
        .unwrap_or("")
        .to_ascii_lowercase();
    format!("{host}/{id}")
}

/// Hosts that are no platform of embedvault's but whose `/@user/<digits>` paths are not
/// Mastodon statuses either.
const NOT_MASTODON: &[&str] = &["medium.com"];

/// Reads a status URL: `/@user/<id>`, `/@user/<id>/embed`, `/users/<user>/statuses/<id>`, on
/// any host but another platform's.
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if NOT_MASTODON.iter().any(|d| p.host_is(d))
        || super::is_other_platform_host(Platform::Mastodon, &p)
    {
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

/// The time a status ID encodes (`unix_ms = id >> 16`), for IDs in the modern scheme.
fn id_time(id: &str) -> Option<DateTime<Utc>> {
    let n: u64 = id.parse().ok()?;
    let ms = i64::try_from(n >> 16).ok()?;
    let t = DateTime::from_timestamp_millis(ms)?;
    // Pre-2017 sequential IDs decode to 1970: no time.
    (t.timestamp() > 1_480_000_000 && t <= Utc::now()).then_some(t)
}

/// `blockquote.mastodon-embed` and `iframe.mastodon-embed` (also Truth Social's class).
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let classes = ["mastodon-embed", "truthsocial-embed"];
    page.read_elements(&classes, &["blockquote", "iframe"], |tag, el, _| {
        let r = ["data-embed-url", "src", "data-src", "cite"]
            .iter()
            .filter_map(|a| tag.attr(html, a).map(|v| v.into_owned()))
            .chain(dom::links(el).into_iter().map(|(h, _)| h))
            .find_map(|u| parse_url(&u))?;
        let form = if tag.is(html, "iframe") {
            Form::Iframe
        } else {
            Form::Blockquote
        };
        let mut post = r.to_post(Kind::Embed, form, "mastodon/embed");
        // "Post by @user@host" names the full account.
        let t = dom::squash_ws(&dom::element_text(el, TextOpts::default()));
        if let Some(acct) = t
            .split_whitespace()
            .find(|w| w.starts_with('@') && w[1..].contains('@'))
        {
            post.handle = Some(acct.trim_start_matches('@').to_string());
        }
        Some(post)
    })
}

static FLAT_POST_BY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"Post by @([A-Za-z0-9_.]{1,30})(?:@([A-Za-z0-9.\-]+\.[A-Za-z]{2,}))?\s*View on Mastodon",
    )
    .expect("valid regex")
});

/// Flattened blockquote embeds: `Post by @user@host View on Mastodon`.
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[VIEW_ON_MASTODON]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT_POST_BY, |c, _| {
        let all = c.get(0)?;
        let handle = match c.get(2) {
            Some(host) => format!("{}@{}", &c[1], host.as_str()),
            None => c[1].to_string(),
        };
        let mut post = Post::new(Platform::Mastodon, Kind::Embed, Form::Text, "mastodon/text");
        post.handle = Some(handle);
        Some((post, all.range()))
    })
}
