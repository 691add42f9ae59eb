//! Tumblr: the embed code, a `<div class="tumblr-post">` whose `data-href` is the embed URL
//! `https://embed.tumblr.com/embed/post/<blog key>/<id>`, holding a fallback link to the post and
//! followed by `assets.tumblr.com/post.js`. Two generations: 2015→ with a 22-character key and
//! the link on `<blog>.tumblr.com/post/<id>/<slug>`; 2022→ with a `t:` key, a `/v2` tail and the
//! link on `www.tumblr.com/<blog>/<id>/<slug>`. The script replaces the element with
//! `<iframe class="tumblr-embed" src="https://embed.tumblr.com/embed/post/…">`, which the shared
//! iframe finder reads through [`parse_url`]; the WordPress AMP plugin rewrites the code into an
//! `amp-iframe` of the embed URL, read here for the blog its fallback link names.
//!
//! Identity is the numeric post ID (unique across blogs). The handle is the blog's name where
//! a URL gives it (the fallback link, or a post URL); the embed URL names the blog only by an
//! opaque key, so a blog on its own domain, whose fallback link is not on tumblr.com, stays
//! without a handle and keeps the embed URL as its URL.
//!
//! No flattened form: the rendered post lives in the frame, and the fallback's only text is the
//! post URL, which in a page stripped to text stands alone on its line and is read by the
//! shared link rules.
//!
//! Not posts: blog home pages, tag and search pages, reblog and share links, follow buttons.

use super::tags::{self, TagKind};
use super::{Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Tumblr.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Tumblr,
    markers: &["tumblr"],
    markup,
    parse_url,
    names: &["tumblr"],
    hosts: &["tumblr.com"],
    look: Look {
        label: "Tumblr",
        colour: "#9d174d",
        profile: Some("https://www.tumblr.com/"),
        hashtag: Some("https://www.tumblr.com/tagged/"),
    },
    ..Detector::BASE
};

/// First path words of `www.tumblr.com` that are site pages, not blogs.
const SITE_PAGES: &[&str] = &[
    "about",
    "account",
    "activity",
    "apps",
    "blog",
    "business",
    "communities",
    "dashboard",
    "docs",
    "embed",
    "explore",
    "following",
    "help",
    "inbox",
    "likes",
    "login",
    "logout",
    "new",
    "oauth",
    "policy",
    "post",
    "privacy",
    "reblog",
    "register",
    "search",
    "settings",
    "share",
    "tagged",
    "widgets",
];

/// Subdomains of tumblr.com that serve the site, not a blog.
const SITE_HOSTS: &[&str] = &[
    "api", "assets", "embed", "help", "media", "platform", "secure", "static", "www",
];

/// Reads a Tumblr post URL: `<blog>.tumblr.com/post/<id>[/<slug>]`,
/// `www.tumblr.com/<blog>/<id>[/<slug>]`, `www.tumblr.com/blog/view/<blog>/<id>`, and the
/// embed URL `embed.tumblr.com/embed/post/<key>/<id>[/v2]`.
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !p.host_is("tumblr.com") {
        return None;
    }
    let segs = p.segments();
    if p.host == "tumblr.com" {
        return match segs.as_slice() {
            ["blog", "view", blog, id, ..] => post(Some(blog), id, None),
            [blog, id, ..] if !SITE_PAGES.contains(&blog.to_ascii_lowercase().as_str()) => {
                post(Some(blog), id, None)
            }
            _ => None,
        };
    }
    if p.host == "embed.tumblr.com" {
        return match segs.as_slice() {
            // The 2022→ code ends the embed URL in `/v2`, which the URL keeps.
            ["embed", "post", key, id, rest @ ..] => {
                let tail = if rest.first() == Some(&"v2") { "/v2" } else { "" };
                post(None, id, Some((key, tail)))
            }
            _ => None,
        };
    }
    let blog = p.host.strip_suffix(".tumblr.com")?;
    if blog.contains('.') || SITE_HOSTS.contains(&blog) {
        return None;
    }
    match segs.as_slice() {
        ["post", id, ..] => post(Some(blog), id, None),
        _ => None,
    }
}

/// A post from its ID and the blog name or the embed key (with the embed URL's tail) that comes
/// with it.
fn post(blog: Option<&str>, id: &str, key: Option<(&str, &str)>) -> Option<PostRef> {
    let digits = urls::leading_digits(id)?;
    if digits.len() > 20
        || digits.starts_with('0')
        || id[digits.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let blog = match blog {
        Some(b) => {
            let b = b.to_ascii_lowercase();
            if !urls::is_code(&b, 1..=32) || b.contains('_') {
                return None;
            }
            Some(b)
        }
        None => None,
    };
    let url = match (&blog, key) {
        (Some(b), _) => format!("https://www.tumblr.com/{b}/{digits}"),
        (None, Some((k, tail))) => {
            let ok = (8..=40).contains(&k.len())
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':'));
            if !ok {
                return None;
            }
            format!("https://embed.tumblr.com/embed/post/{k}/{digits}{tail}")
        }
        (None, None) => return None,
    };
    Some(PostRef {
        platform: Platform::Tumblr,
        post_id: digits.to_string(),
        url,
        handle: blog,
    })
}

/// `div.tumblr-post[data-href]` (the embed code) and `amp-iframe` frames of an embed URL (the
/// WordPress AMP plugin's rewrite of it): the post from the embed URL, the blog from the
/// fallback link to the same post.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    let embeds = page
        .start_tags_with_class(&["tumblr-post"])
        .into_iter()
        .filter(|t| t.is(html, "div") || t.is(html, "blockquote"))
        .filter_map(|t| {
            let r = parse_url(&t.attr(html, "data-href")?)?;
            Some((t, r, Form::Blockquote, "blockquote"))
        });
    let frames = page.start_tags_named("amp-iframe").into_iter().filter_map(|t| {
        let r = parse_url(&t.attr(html, "src")?)?;
        Some((t, r, Form::Amp, "amp"))
    });
    for (tag, r, form, how) in embeds.chain(frames).collect::<Vec<_>>() {
        let span = tag.range.start..page.element_end(&tag);
        let mut post = r.found(Kind::Embed, form, how, span.clone());
        if r.handle.is_none()
            && let Some(link) = blog_link(&html[span], &r.post_id)
        {
            post.handle = link.handle;
            post.url = Some(link.url);
        }
        out.push(post);
    }
    out
}

/// The first link in `inner` to the post `id` that names its blog.
fn blog_link(inner: &str, id: &str) -> Option<PostRef> {
    tags::Scanner::new(inner, 0)
        .filter(|t| t.kind == TagKind::Start && t.is(inner, "a"))
        .filter_map(|t| parse_url(&t.attr(inner, "href")?))
        .find(|l| l.post_id == id && l.handle.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got(u: &str) -> Option<(String, Option<String>, String)> {
        parse_url(u).map(|r| (r.post_id, r.handle, r.url))
    }

    #[test]
    fn post_url_forms() {
        let want = |id: &str, blog: &str| {
            Some((
                id.to_string(),
                Some(blog.to_string()),
                format!("https://www.tumblr.com/{blog}/{id}"),
            ))
        };
        for u in [
            "https://quietharbour.tumblr.com/post/139231574131/low-tide-at-the-pier",
            "http://quietharbour.tumblr.com/post/139231574131",
            "//QuietHarbour.tumblr.com/post/139231574131/",
            "https://www.tumblr.com/quietharbour/139231574131/low-tide-at-the-pier",
            "https://tumblr.com/quietharbour/139231574131",
            "https://www.tumblr.com/blog/view/quietharbour/139231574131",
            "quietharbour.tumblr.com/post/139231574131?source=share",
        ] {
            assert_eq!(got(u), want("139231574131", "quietharbour"), "{u}");
        }
        assert_eq!(
            got("https://www.tumblr.com/tide-tables-daily/756810519223189504"),
            want("756810519223189504", "tide-tables-daily")
        );
        for (u, key) in [
            (
                "https://embed.tumblr.com/embed/post/Qx4mT9bLw2HcVn7pRs5yKd/139231574131",
                "Qx4mT9bLw2HcVn7pRs5yKd/139231574131",
            ),
            (
                "https://embed.tumblr.com/embed/post/t:Qx4mT9bLw2HcVn7pRs5yKd/139231574131/v2?width=542&language=en_US&did=5a1f",
                "t:Qx4mT9bLw2HcVn7pRs5yKd/139231574131/v2",
            ),
        ] {
            assert_eq!(
                got(u),
                Some((
                    "139231574131".to_string(),
                    None,
                    format!("https://embed.tumblr.com/embed/post/{key}")
                )),
                "{u}"
            );
        }
    }

    #[test]
    fn pages_that_are_not_posts() {
        for u in [
            "https://quietharbour.tumblr.com/",
            "https://quietharbour.tumblr.com/tagged/tides",
            "https://quietharbour.tumblr.com/archive",
            "https://www.tumblr.com/quietharbour",
            "https://www.tumblr.com/tagged/2024",
            "https://www.tumblr.com/search/139231574131",
            "https://www.tumblr.com/reblog/139231574131/Xk2pQ9",
            "https://www.tumblr.com/dashboard/blog/quietharbour/139231574131",
            "https://www.tumblr.com/share/link?url=https%3A%2F%2Fnews.example%2Fa",
            "https://www.tumblr.com/widgets/share/tool?canonicalUrl=https%3A%2F%2Fnews.example%2Fa",
            "https://assets.tumblr.com/post.js",
            "https://secure.assets.tumblr.com/post.js",
            "https://platform.tumblr.com/v2/follow_button.html?type=follow&tumblelog=quietharbour",
            "https://embed.tumblr.com/share",
            "https://embed.tumblr.com/embed/post/short/139231574131",
            "https://64.media.tumblr.com/abc/tumblr_xyz_540.jpg",
            "https://quietharbour.tumblr.com/post/0139231574131",
            "https://quietharbour.tumblr.com/post/139231574131abc",
            "https://example.com/post/139231574131/slug",
            "https://nottumblr.com/quietharbour/139231574131",
        ] {
            assert_eq!(parse_url(u), None, "{u}");
        }
    }
}
