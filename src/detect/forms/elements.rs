//! Elements that carry an embed for any platform, dispatched by the URL or ID they hold:
//! AMP components (each platform's own element and identity attribute, plus the generic
//! `amp-iframe` and `amp-embedly-card`), iframes and legacy `<object>`/`<embed>` players, and
//! lazy or CMS placeholders with the post in a `data-*` attribute (a URL in any of them, or a
//! platform's ID attribute), and embed code escaped inside any attribute of any element (a
//! consent tool's `<script data-content='&lt;blockquote …'>`, an iframe's `srcdoc`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::super::dom;
use super::super::tags::{self, Tag, TagKind};
use super::super::{DETECTORS, Page, PostRef, names_any, parse_post_url};
use crate::post::{Form, Kind, Post};

/// Tags whose attributes never hold an embed (links are mentions, the rest are page chrome).
const NOT_EMBEDS: &[&str] = &[
    "a", "link", "meta", "button", "input", "form", "option", "area", "base", "html", "body",
    "head", "source", "track", "script",
];

/// The URL attributes of iframes and players, in the order they are read (lazy loaders move
/// `src` into one of the others).
const PLAYER_URL_ATTRS: &[&str] = &[
    "src",
    "data-src",
    "data-lazy-src",
    "data-url",
    "data-original",
];

/// An element's name (lower case), attributes (names lower-cased, values entity-decoded) and
/// start tag.
struct Element<'t> {
    tag: &'t Tag,
    name: String,
    attrs: Vec<(String, String)>,
}

impl Element<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Elements without content: their span is the start tag.
    fn is_void(&self) -> bool {
        matches!(self.name.as_str(), "img" | "embed" | "param" | "br" | "hr")
            || self.tag.self_closing
    }

    fn span(&self, page: &Page<'_>) -> Range<usize> {
        if self.is_void() {
            self.tag.range.clone()
        } else {
            self.tag.range.start..page.element_end(self.tag)
        }
    }
}

/// Every marked element that is an AMP component, a player or a placeholder of a post.
pub(super) fn elements(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out: Vec<Post> = Vec::new();
    // Only tags holding a marker can carry an embed; the prefilter located them.
    for tag in page.marked_tags() {
        if super::super::budget::spent() {
            break;
        }
        if page.is_claimed(tag.range.start) {
            continue;
        }
        let name = tag.name(html).to_ascii_lowercase();
        if name == "a" {
            continue;
        }
        let el = Element {
            tag,
            attrs: tag
                .attrs(html)
                .map(|(n, v)| {
                    (
                        n.to_ascii_lowercase(),
                        html_escape::decode_html_entities(v).into_owned(),
                    )
                })
                .collect(),
            name,
        };
        let escaped = escaped_code(&el, page);
        if !escaped.is_empty() {
            out.extend(escaped);
            continue;
        }
        if NOT_EMBEDS.contains(&el.name.as_str()) {
            continue;
        }
        match el.name.as_str() {
            n if n.starts_with("amp-") => out.extend(amp(&el, page)),
            // Players that name no post may still be placeholders (`iframe[data-tweet-id]`).
            "iframe" | "frame" | "embed" => match player(&el, page) {
                Some(p) => out.push(p),
                None => out.extend(placeholder(&el, page)),
            },
            "param" | "object" => out.extend(player(&el, page)),
            _ => out.extend(placeholder(&el, page)),
        }
    }
    out
}

/// Embed code escaped in an attribute: entity-escaped markup (once or twice), JSON-escaped
/// markup in a data blob, or an iframe's `srcdoc`, which is the frame's whole content: a
/// consent tool that replaced a widget with a note and a link to the post leaves the post as
/// the frame's one link, and the frame still stands for that post.
fn escaped_code(el: &Element<'_>, page: &Page<'_>) -> Vec<Post> {
    for (k, v) in &el.attrs {
        if v.len() < 8 || !(v.contains('<') || v.contains("&lt;") || v.contains("\\u003c")) {
            continue;
        }
        let srcdoc = k == "srcdoc";
        let form = if srcdoc { Form::Iframe } else { Form::DataAttr };
        let span = el.span(page);
        let found = super::strings::embeds_in(v, page, form, &span);
        if !found.is_empty() {
            return found;
        }
        if srcdoc && let Some(code) = super::strings::unescape(v) {
            let linked: Vec<PostRef> = {
                let mut refs: Vec<PostRef> = Vec::new();
                let doc = dom::parse_fragment(&code);
                for (href, _) in dom::links(doc.root_element()) {
                    if let Some(r) = parse_post_url(&href)
                        && !refs.iter().any(|x| x.post_id == r.post_id)
                    {
                        refs.push(r);
                    }
                }
                refs
            };
            if let [r] = linked.as_slice() {
                return vec![r.found(Kind::Embed, Form::Iframe, "iframe-srcdoc", span)];
            }
        }
    }
    Vec::new()
}

/// An AMP component: a platform's own (its identity attribute holds a URL or a bare ID), or a
/// generic frame or card with the post URL.
fn amp(el: &Element<'_>, page: &Page<'_>) -> Option<Post> {
    let r = if el.name == "amp-embedly-card" || el.name == "amp-iframe" {
        el.get("data-url")
            .or_else(|| el.get("src"))
            .and_then(parse_post_url)?
    } else {
        let (d, a) = DETECTORS
            .iter()
            .find_map(|d| d.amp.iter().find(|a| a.element == el.name).map(|a| (d, a)))?;
        let v = el.get(a.attr)?;
        (d.parse_url)(v).or_else(|| (d.bare_id)(v.trim()))?
    };
    Some(r.found(Kind::Embed, Form::Amp, "amp", el.span(page)))
}

/// Iframes and legacy players: a post URL in the frame's source, an `<object>`'s `movie`
/// parameter or inner `<embed>`.
fn player(el: &Element<'_>, page: &Page<'_>) -> Option<Post> {
    let html = page.text;
    match el.name.as_str() {
        "iframe" | "frame" | "embed" => {
            let (form, how) = if el.name == "embed" {
                (Form::Object, "object")
            } else {
                (Form::Iframe, "iframe")
            };
            let r = PLAYER_URL_ATTRS
                .iter()
                .find_map(|a| el.get(a).and_then(parse_post_url))?;
            Some(r.found(Kind::Embed, form, how, el.span(page)))
        }
        "param" => {
            // A legacy player's movie URL: the post is the whole `<object>` around it.
            let r = parse_post_url(el.get("value")?)?;
            let tag = el.tag;
            let span = tags::ancestors(html, tag.range.start, 4, 16 * 1024)
                .into_iter()
                .find(|t| t.is(html, "object"))
                .map(|t| t.range.start..page.element_end(&t))
                .filter(|sp| sp.end >= tag.range.end)
                .unwrap_or_else(|| tag.range.clone());
            Some(r.found(Kind::Embed, Form::Object, "object", span))
        }
        "object" => {
            let span = el.span(page);
            let r = object_url(&html[span.clone()])?;
            Some(r.found(Kind::Embed, Form::Object, "object", span))
        }
        _ => None,
    }
}

/// The post a legacy `<object>` plays: its `movie` param or inner `<embed src>`.
fn object_url(inner: &str) -> Option<PostRef> {
    for tag in tags::Scanner::new(inner, 0) {
        if tag.kind != TagKind::Start {
            continue;
        }
        let v = if tag.is(inner, "param")
            && tag
                .attr(inner, "name")
                .is_some_and(|n| n.eq_ignore_ascii_case("movie") || n.eq_ignore_ascii_case("src"))
        {
            tag.attr(inner, "value")
        } else if tag.is(inner, "embed") || tag.is(inner, "object") {
            tag.attr(inner, "src").or_else(|| tag.attr(inner, "data"))
        } else {
            None
        };
        if let Some(r) = v.and_then(|v| parse_post_url(&v)) {
            return Some(r);
        }
    }
    None
}

/// A placeholder: a post URL in any `data-*` attribute, a platform's ID attribute, or embed
/// code entity-escaped in an attribute (read as markup).
fn placeholder(el: &Element<'_>, page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    // What the element says about itself: its classes, ID and data values.
    let context = el
        .attrs
        .iter()
        .filter(|(k, _)| k == "class" || k.starts_with("data-") || k == "id")
        .map(|(_, v)| v.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    // Rendered widgets: iframes and the custom elements widget scripts leave behind.
    let (form, how) = if matches!(
        el.name.as_str(),
        "iframe" | "frame" | "twitter-widget" | "twitterwidget"
    ) {
        (Form::Iframe, "iframe")
    } else {
        (Form::DataAttr, "data-attr")
    };
    for (k, v) in &el.attrs {
        if !k.starts_with("data-") && k != "videoid" {
            continue;
        }
        let r = if is_url_attr(k) {
            parse_post_url(v)
        } else {
            None
        };
        let r = r.or_else(|| {
            DETECTORS
                .iter()
                .find_map(|d| (d.id_attr)(k, v, names_any(&context, d.names)))
        });
        if let Some(r) = r {
            let span = el.span(page);
            let mut post = r.found(Kind::Embed, form, how, span.clone());
            placeholder_extras(html, &span, el, &mut post);
            return vec![post];
        }
    }
    // An element that names a platform and holds one of its posts (in a link, a URL or ID
    // property): a lazy or consent container, or a component.
    super::cards::container(page, el.tag).into_iter().collect()
}

/// "Twitter post by @x: …": the label image placeholders give in their alt text, for any
/// platform's name.
static IMAGE_ALT: LazyLock<Regex> = LazyLock::new(|| {
    let names: Vec<&str> = DETECTORS
        .iter()
        .flat_map(|d| d.names.iter().copied())
        .collect();
    Regex::new(&format!(
        r"(?is)^\s*(?:{}) post by @?([A-Za-z0-9_.]{{1,30}})\s*:\s*(.+)$",
        names.join("|")
    ))
    .expect("valid regex")
});

/// What else a placeholder shows: the handle of a link to the same post inside it, and the
/// text an image placeholder gives in its alt ("Twitter post by @x: …").
fn placeholder_extras(html: &str, span: &Range<usize>, el: &Element<'_>, post: &mut Post) {
    if post.handle.is_none() && span.len() < 64 * 1024 {
        let inner = &html[span.clone()];
        let hrefs = tags::Scanner::new(inner, 0)
            .filter(|t| t.kind == TagKind::Start && t.is(inner, "a"))
            .filter_map(|t| t.attr(inner, "href").map(|h| h.into_owned()));
        for href in hrefs {
            if let Some(r) = parse_post_url(&href)
                && r.post_id.as_str() == post.post_id.as_deref().unwrap_or("")
                && r.handle.is_some()
            {
                post.handle = r.handle;
                post.url = Some(r.url);
                break;
            }
        }
    }
    let alt = el
        .attrs
        .iter()
        .find(|(k, _)| k == "data-alt" || (k == "alt" && el.name == "img"))
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if let Some(c) = IMAGE_ALT.captures(alt) {
        if post.handle.is_none() {
            post.handle = Some(c[1].to_string());
        }
        post.text = Some(dom::squash_ws(&c[2]));
    }
}

/// Attributes whose value may be a URL (not tracking blobs or styles).
fn is_url_attr(k: &str) -> bool {
    !matches!(
        k,
        "data-style"
            | "data-tracking"
            | "data-internal-tracking"
            | "data-share-url"
            | "data-shareurl"
    ) && !k.starts_with("data-share")
        && !k.starts_with("data-track")
        && !k.starts_with("data-gtm")
}
