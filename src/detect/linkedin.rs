//! LinkedIn: embedded posts exist only as iframes to
//! `linkedin.com/embed/feed/update/urn:li:<type>:<id>` (read by the shared iframe finder
//! through [`parse_url`]); public post URLs (`/feed/update/<urn>`, `/posts/<slug>-activity-<id>-…`)
//! are read too, for links. Identity is the URN with its type (`share`, `ugcPost`, `activity`):
//! the numbers of one post under different types differ.

use super::{Detector, Look, PostRef, urls};
use crate::post::Platform;

/// Everything about LinkedIn.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Linkedin,
    markers: &["linkedin.com"],
    parse_url,
    names: &["linkedin"],
    hosts: &["linkedin.com"],
    look: Look {
        label: "LinkedIn",
        colour: "#312e81",
        profile: None,
        hashtag: Some("https://www.linkedin.com/feed/hashtag/"),
    },
    ..Detector::BASE
};

/// Reads a LinkedIn post URL or embed URL.
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !PLATFORM.hosts.iter().any(|h| p.host_is(h)) {
        return None;
    }
    let segs = p.segments();
    let urn = match segs.as_slice() {
        ["embed", "feed", "update", urn, ..] | ["feed", "update", urn, ..] => (*urn).to_string(),
        ["posts", slug, ..] => {
            let at = slug.find("-activity-")?;
            let id = urls::leading_digits(&slug[at + 10..])?;
            format!("urn:li:activity:{id}")
        }
        _ => return None,
    };
    let parts: Vec<&str> = urn.split(':').collect();
    let ["urn", "li", kind, id] = parts.as_slice() else {
        return None;
    };
    if !matches!(*kind, "share" | "ugcPost" | "activity") {
        return None;
    }
    let id = urls::leading_digits(id)?;
    let urn = format!("urn:li:{kind}:{id}");
    Some(PostRef {
        platform: Platform::Linkedin,
        url: format!("https://www.linkedin.com/feed/update/{urn}/"),
        post_id: urn,
        handle: None,
    })
}
