//! Facebook: `div.fb-post` / `div.fb-video` with `data-href` and the inner
//! `blockquote.fb-xfbml-parse-ignore` fallback (`cite`, excerpt, "Posted by <a>Name</a> on
//! <a>date</a>", localized), and bare fallback blockquotes. Plugin iframes
//! (`plugins/post.php?href=…`, `plugins/video.php`), `amp-facebook` and placeholders go through
//! [`parse_url`].
//!
//! Flattened text: `<excerpt> Posted by Name on Thursday, May 2, 2024` (no ID or handle).
//!
//! Not posts: Page plugins (`div.fb-page`, `plugins/page.php`, a parse-ignore blockquote citing
//! a page URL), profile URLs. An opaque `pfbid…` ID is kept as it stands; a numeric ID from a
//! `graph.facebook.com/<owner>/posts/<id>` cite is preferred when the markup gives both.

use std::ops::Range;

use scraper::ElementRef;

use super::dom::{self, TextOpts};
use super::{Amp, Detector, Look, Page, PostRef, dates, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Facebook.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Facebook,
    markers: &["facebook", "fb-post", POSTED_BY],
    markup,
    text,
    parse_url,
    amp: &[Amp {
        element: "amp-facebook",
        attr: "data-href",
    }],
    names: &["facebook"],
    hosts: &["facebook.com", "fb.com"],
    aliases: &[("fb", None)],
    look: Look {
        label: "Facebook",
        colour: "#1d4ed8",
        profile: Some("https://www.facebook.com/"),
        hashtag: Some("https://www.facebook.com/hashtag/"),
    },
    ..Detector::BASE
};

/// The words of the flattened tail (`Posted by Name on date`).
const POSTED_BY: &str = "Posted by";

/// Reads a Facebook post, video or photo URL (plugin URLs are read through their `href`).
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !PLATFORM.hosts.iter().any(|h| p.host_is(h)) {
        return None;
    }
    let segs = p.segments();
    // Plugins carry the post URL in `href`.
    if segs.contains(&"plugins") {
        let last = segs.last().copied().unwrap_or("");
        if last.starts_with("page") || last.starts_with("like") || last.starts_with("share") {
            return None;
        }
        return p.param("href").and_then(|h| parse_url(&h));
    }
    let clean = |id: &str| -> Option<String> {
        let id = id.split(':').next().unwrap_or(id);
        let ok = (id.len() >= 5 && id.bytes().all(|b| b.is_ascii_digit()))
            || (id.starts_with("pfbid") && urls::is_code(id, 10..=80));
        ok.then(|| id.to_string())
    };
    let mk = |id: String, handle: Option<&str>, url: String| PostRef {
        platform: Platform::Facebook,
        post_id: id,
        url,
        handle: handle
            .filter(|h| !h.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string),
    };
    match segs.as_slice() {
        [h, "posts" | "activity", id, ..] => {
            let id = clean(id)?;
            let url = format!("https://www.facebook.com/{h}/posts/{id}");
            Some(mk(id, Some(h), url))
        }
        [h, "videos", .., last] => {
            let id = clean(last).or_else(|| segs.get(2).and_then(|s| clean(s)))?;
            let url = format!("https://www.facebook.com/{h}/videos/{id}/");
            Some(mk(id, Some(h), url))
        }
        [h, "photos", .., last] => {
            let id = clean(last)?;
            let url = format!("https://www.facebook.com/{h}/photos/{id}/");
            Some(mk(id, Some(h), url))
        }
        ["groups", g, "posts" | "permalink", id, ..] => {
            let id = clean(id)?;
            let url = format!("https://www.facebook.com/groups/{g}/posts/{id}/");
            Some(mk(id, None, url))
        }
        ["permalink.php" | "story.php"] => {
            let id = clean(&p.param("story_fbid")?)?;
            let owner = p.param("id").unwrap_or_default();
            let url = format!("https://www.facebook.com/permalink.php?story_fbid={id}&id={owner}");
            Some(mk(id, None, url))
        }
        ["photo.php" | "photo"] => {
            let id = clean(&p.param("fbid")?)?;
            let url = format!("https://www.facebook.com/photo.php?fbid={id}");
            Some(mk(id, None, url))
        }
        ["video.php"] | ["watch"] => {
            let id = clean(&p.param("v")?)?;
            let url = format!("https://www.facebook.com/watch/?v={id}");
            Some(mk(id, None, url))
        }
        ["reel", id, ..] => {
            let id = clean(id)?;
            let url = format!("https://www.facebook.com/reel/{id}");
            Some(mk(id, None, url))
        }
        // graph.facebook.com/<owner>/posts/<id> is handled by the first arm (host graph.).
        _ => None,
    }
}

/// `div.fb-post`, `div.fb-video` and bare `blockquote.fb-xfbml-parse-ignore` citing a post.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    // A fallback blockquote inside an `fb-post` div is part of that embed, not another one.
    let mut taken: Vec<Range<usize>> = Vec::new();
    let classes = ["fb-post", "fb-video", "fb-xfbml-parse-ignore"];
    page.read_elements(&classes, &[], |tag, el, span| {
        if taken
            .iter()
            .any(|t| t.start <= span.start && span.end <= t.end)
        {
            return None;
        }
        let bq = if el.value().name() == "blockquote" {
            Some(el)
        } else {
            el.descendants()
                .filter_map(ElementRef::wrap)
                .find(|e| e.value().name() == "blockquote")
        };
        let href = tag.attr(html, "data-href").map(|h| h.into_owned());
        let cite = bq.and_then(|b| b.value().attr("cite")).map(str::to_string);
        // A numeric graph cite beats an opaque pfbid href.
        let from_href = href.as_deref().and_then(parse_url);
        let from_cite = cite.as_deref().and_then(parse_url);
        let r = match (from_href, from_cite) {
            (Some(h), Some(c))
                if h.post_id.starts_with("pfbid") && !c.post_id.starts_with("pfbid") =>
            {
                PostRef {
                    handle: h.handle.or(c.handle),
                    ..c
                }
            }
            (Some(h), _) => h,
            (None, Some(c)) => c,
            (None, None) => return None,
        };
        let form = if bq.is_some() {
            Form::Blockquote
        } else {
            Form::DataAttr
        };
        let mut post = r.to_post(Kind::Embed, form, "facebook/blockquote");
        if let Some(b) = bq {
            read_fields(b, &mut post);
        }
        taken.push(span.clone());
        Some(post)
    })
}

fn read_fields(bq: ElementRef<'_>, post: &mut Post) {
    let ps: Vec<ElementRef<'_>> = bq
        .children()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "p")
        .collect();
    // The tail ("Posted by <a>Name</a> on <a>date</a>") is either the blockquote's own links
    // after the excerpt, or a last paragraph holding the links.
    let has_links = |e: &ElementRef<'_>| {
        e.children()
            .filter_map(ElementRef::wrap)
            .any(|c| c.value().name() == "a")
    };
    let (text_p, tail) = match ps.as_slice() {
        [.., last] if ps.len() >= 2 && has_links(last) => (ps.first().copied(), *last),
        [first, ..] => (Some(*first), bq),
        [] => (None, bq),
    };
    if let Some(p) = text_p {
        let t = dom::element_text(p, TextOpts::default());
        if !t.is_empty() {
            post.text = Some(t);
        }
    }
    // Links after the excerpt only: video embeds put a title link before it.
    let after_text =
        |e: &ElementRef<'_>| tail.id() != bq.id() || text_p.is_none_or(|p| p.id() < e.id());
    let links: Vec<ElementRef<'_>> = tail
        .children()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "a" && after_text(e))
        .collect();
    if let Some(a) = links.first() {
        let name = dom::squash_ws(&dom::element_text(*a, TextOpts::default()));
        if !name.is_empty() {
            post.display_name = Some(name);
        }
        if post.handle.is_none()
            && let Some(h) = a.value().attr("href").and_then(profile_handle)
        {
            post.handle = Some(h);
        }
    }
    let date_text = links
        .get(1)
        .map(|a| dom::squash_ws(&dom::element_text(*a, TextOpts::default())))
        .or_else(|| {
            // Video tails write the date as plain text after "on".
            let full = dom::squash_ws(&dom::element_text(tail, TextOpts::default()));
            let rest = full.rsplit(" on ").next()?.trim().to_string();
            dates::parse_date(&rest).map(|_| rest)
        });
    if let Some(d) = date_text.filter(|d| !d.is_empty()) {
        post.set_date(&d);
    }
}

/// The page or user name in a profile URL (`facebook.com/<name>`).
fn profile_handle(href: &str) -> Option<String> {
    let p = urls::parts(href)?;
    if !p.host_is("facebook.com") {
        return None;
    }
    match p.segments().as_slice() {
        [h] if !h.contains('.') || h.len() > 4 => Some((*h).to_string()),
        _ => None,
    }
}

static FLAT_POSTED_BY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?m)\bPosted by ([^\n]{1,60}?) on ([^\n]{6,40})$").expect("valid regex")
});

/// Flattened embeds: `<excerpt> Posted by Harbour Bakery on Thursday, May 2, 2024`.
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[POSTED_BY]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT_POSTED_BY, |c, t| {
        let all = c.get(0)?;
        // The fallback ends the post's excerpt; a "Posted by … on …" line with nothing before
        // it on its line is a blog post's byline.
        let line_start = t[..all.start()].rfind('\n').map_or(0, |p| p + 1);
        if t[line_start..all.start()].trim().is_empty() {
            return None;
        }
        let date_text = c[2].trim();
        dates::parse_date(date_text)?;
        let mut post = Post::new(Platform::Facebook, Kind::Embed, Form::Text, "facebook/text");
        post.display_name = Some(c[1].trim().to_string());
        post.set_date(date_text);
        let mut start = all.start();
        if let Some((body, at)) = super::text::text_before(t, all.start()) {
            post.text = Some(body);
            start = at;
        }
        Some((post, start..all.end()))
    })
}
