//! YouTube: a post only as an embedded video. `lite-youtube[videoid]` is read here; iframes
//! (`/embed/<id>` on youtube.com and youtube-nocookie.com, lazy `data-src`), `amp-youtube`,
//! legacy `<object>` players (`/v/<id>`) and WordPress wrappers go through [`parse_url`].
//!
//! Not posts: playlists (`/embed/videoseries`), live-stream and channel embeds, channel and
//! user pages. IDs are 11 characters, case-sensitive.

use super::{Amp, Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about YouTube.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Youtube,
    markers: &["youtu"],
    markup,
    parse_url,
    id_attr,
    bare_id: video,
    amp: &[Amp {
        element: "amp-youtube",
        attr: "data-videoid",
    }],
    names: &["youtube"],
    hosts: &["youtube.com", "youtu.be", "youtube-nocookie.com"],
    aliases: &[("yt", None)],
    look: Look {
        label: "YouTube",
        colour: "#b91c1c",
        profile: Some("https://www.youtube.com/@"),
        hashtag: Some("https://www.youtube.com/hashtag/"),
    },
    ..Detector::BASE
};

/// Reads a YouTube video URL in any of its forms.
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    let segs = p.segments();
    let id = if p.host == "youtu.be" {
        segs.first().copied()?.to_string()
    } else if p.host_is("youtube.com") || p.host_is("youtube-nocookie.com") {
        match segs.as_slice() {
            ["watch"] => p.param("v")?,
            ["watch", id, ..]
            | ["embed", id, ..]
            | ["v", id, ..]
            | ["e", id, ..]
            | ["shorts", id, ..]
            | ["live", id, ..] => (*id).to_string(),
            _ => return None,
        }
    } else {
        return None;
    };
    video(&id)
}

fn video(id: &str) -> Option<PostRef> {
    // Legacy player URLs glue options to the ID (`/v/<id>&hl=en`).
    let id = id.split(['&', '?', '%', ';']).next().unwrap_or("");
    // Playlist and live-stream embeds use path words of the same length as an ID.
    if !urls::is_code(id, 11..=11) || matches!(id, "videoseries" | "live_stream") {
        return None;
    }
    Some(PostRef {
        platform: Platform::Youtube,
        post_id: id.to_string(),
        url: format!("https://www.youtube.com/watch?v={id}"),
        handle: None,
    })
}

/// Reads a video ID attribute (`videoid` of lite-youtube, `data-videoid`, `data-video-id` and
/// `data-youtube-id` on an element that names YouTube).
fn id_attr(name: &str, value: &str, context: bool) -> Option<PostRef> {
    let always = matches!(name, "data-youtube-id" | "data-ytid");
    let ctx = matches!(
        name,
        "videoid" | "data-videoid" | "data-video-id" | "data-id" | "data-embed-id"
    );
    if !(always || ctx && context) {
        return None;
    }
    parse_url(value).or_else(|| video(value.trim()))
}

/// `<lite-youtube videoid>` (both the paulirish and justinribeiro components).
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    for tag in page.start_tags_named("lite-youtube") {
        let Some(r) = tag.attr(html, "videoid").and_then(|v| video(v.trim())) else {
            continue;
        };
        let mut post = r.to_post(Kind::Embed, Form::Iframe, "youtube/lite-youtube");
        post.span = tag.range.start..page.element_end(&tag);
        out.push(post);
    }
    out
}
