//! Threads: `blockquote.text-post-media` with `data-text-post-permalink` ("Post by @user",
//! "View on Threads"; no text or date in the markup). Hosts threads.net and threads.com are one.
//! Identity is the shortcode (case-sensitive).

use super::dom;
use super::{Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Markers that send a page to this detector.
pub const MARKERS: &[&str] = &["threads.", "text-post-media"];

/// Reads a Threads post URL (`/@user/post/<code>`, `/t/<code>`).
pub fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !(p.host_is("threads.net") || p.host_is("threads.com")) {
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
pub fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let tags = page.start_tags_with_class(&["text-post-media"]);
    let mut out = Vec::new();
    for (tag, span) in dom::located(tags, html, &["blockquote", "div"]) {
        let mut candidates: Vec<String> = tag
            .attr(html, "data-text-post-permalink")
            .map(|u| u.into_owned())
            .into_iter()
            .collect();
        let frag = dom::parse_fragment(page.fragment(span.clone()));
        if let Some(el) = dom::first_element(&frag, tag.name(html)) {
            candidates.extend(dom::links(el).into_iter().map(|(h, _)| h));
        }
        let Some(r) = candidates.iter().find_map(|u| parse_url(u)) else {
            continue;
        };
        let mut post = r.to_post(Kind::Embed, Form::Blockquote, "threads/blockquote");
        post.span = span;
        out.push(post);
    }
    out
}
