//! TikTok: the `blockquote.tiktok-embed` fallback (`cite`, `data-video-id`, a `<section>` with
//! the @handle link, caption, hashtag links and the ♬ sound link; the WordPress/oEmbed variant
//! wraps the caption in `<p>`). Iframes (`/embed/v2/<id>`, `/embed/v3/<id>`, `/player/v1/<id>`),
//! `amp-tiktok` and script copies go through [`parse_url`] and [`id_attr`].
//!
//! Flattened text: `@handle caption #tags ♬ original sound - Name` on a line of its own.
//!
//! Identity is the video ID; the handle in `cite` may be a placeholder (`@username`), so it is
//! metadata only. Creator-profile embeds are not posts.

use scraper::ElementRef;

use super::dom;
use super::{Amp, Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about TikTok.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Tiktok,
    markers: &["tiktok", SOUND],
    markup,
    text,
    parse_url,
    id_attr,
    bare_id: |v| video(v, None),
    amp: &[Amp {
        element: "amp-tiktok",
        attr: "data-src",
    }],
    names: &["tiktok"],
    hosts: &["tiktok.com"],
    aliases: &[("tt", None)],
    look: Look {
        label: "TikTok",
        colour: "#0f766e",
        profile: Some("https://www.tiktok.com/@"),
        hashtag: Some("https://www.tiktok.com/tag/"),
    },
    ..Detector::BASE
};

/// The note that opens the sound line of a flattened embed (`♬ original sound - Name`).
const SOUND: &str = "\u{266c} ";

/// Reads a TikTok video URL.
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !PLATFORM.hosts.iter().any(|h| p.host_is(h)) {
        return None;
    }
    let segs = p.segments();
    let (handle, id) = match segs.as_slice() {
        [h, "video" | "photo", id, ..] if h.starts_with('@') => (Some(&h[1..]), *id),
        ["embed", "v2" | "v3", id, ..] | ["player", "v1", id, ..] | ["embed", id, ..] => {
            (None, *id)
        }
        ["video", id, ..] => (None, *id),
        _ => return None,
    };
    video(id, handle)
}

fn video(id: &str, handle: Option<&str>) -> Option<PostRef> {
    let id = urls::leading_digits(id)?;
    if id.len() < 15 || id.len() > 20 || id.parse::<u64>().is_err() {
        return None;
    }
    let handle = handle.filter(|h| !h.is_empty() && !matches!(*h, "username" | "tiktok"));
    Some(PostRef {
        platform: Platform::Tiktok,
        post_id: id.to_string(),
        url: match handle {
            Some(h) => format!("https://www.tiktok.com/@{h}/video/{id}"),
            None => format!("https://www.tiktok.com/embed/v2/{id}"),
        },
        handle: handle.map(str::to_string),
    })
}

/// Reads a video ID attribute (`data-video-id` on an element that names TikTok).
fn id_attr(name: &str, value: &str, context: bool) -> Option<PostRef> {
    if !(matches!(name, "data-video-id" | "data-id" | "data-tiktok-id") && context) {
        return None;
    }
    parse_url(value).or_else(|| video(value.trim(), None))
}

/// `blockquote.tiktok-embed`.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    page.read_elements(&["tiktok-embed"], &["blockquote"], |tag, bq, _| {
        let cite = tag.attr(html, "cite").map(|c| c.into_owned());
        let r = cite.as_deref().and_then(parse_url).or_else(|| {
            tag.attr(html, "data-video-id")
                .and_then(|v| video(v.trim(), None))
        })?;
        let mut post = r.to_post(Kind::Embed, Form::Blockquote, "tiktok/blockquote");
        read_section(bq, &mut post);
        Some(post)
    })
}

/// The caption: the section's text without the leading @handle link and the trailing ♬ sound
/// link; the handle from the first link titled `@…` when the URL had none.
fn read_section(bq: ElementRef<'_>, post: &mut Post) {
    let Some(section) = bq
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "section")
    else {
        return;
    };
    let mut text = String::new();
    for node in section.descendants() {
        if let Some(t) = node.value().as_text() {
            // Skip the text of the handle link and the sound link.
            let parent_link = node
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|e| e.value().name() == "a");
            if let Some(a) = parent_link {
                let title = a.value().attr("title").unwrap_or("");
                let href = a.value().attr("href").unwrap_or("");
                if title.starts_with('@') && !href.contains("/tag/") {
                    if post.handle.is_none() {
                        post.handle = Some(title.trim_start_matches('@').trim().to_string());
                    }
                    continue;
                }
                if title.starts_with('♬') || href.contains("/music/") {
                    continue;
                }
            }
            text.push_str(t);
        }
    }
    let text = dom::squash_ws(&text);
    if !text.is_empty() {
        post.text = Some(text);
    }
}

static FLAT_SOUND: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?m)^[ \t]*@([A-Za-z0-9._]{2,24})[ \t]+([^\n\u{266c}]*?)[ \t]*\u{266c}[ \t]*([^\n]+?)[ \t]*$")
        .expect("valid regex")
});

/// Flattened embeds: `@handle caption #tags ♬ original sound - Name`, a line of its own.
fn text(page: &Page<'_>) -> Vec<Post> {
    if !page.has_free_hit(&[SOUND]) {
        return Vec::new();
    }
    super::text::view_posts(page, &FLAT_SOUND, |c, _| {
        let all = c.get(0)?;
        let mut post = Post::new(Platform::Tiktok, Kind::Embed, Form::Text, "tiktok/text");
        post.handle = Some(c[1].to_string());
        let caption = c[2].trim();
        if !caption.is_empty() {
            post.text = Some(caption.to_string());
        }
        let lead = all.as_str().len() - all.as_str().trim_start().len();
        Some((post, all.start() + lead..all.end()))
    })
}
