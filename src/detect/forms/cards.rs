//! Cards and containers: an element that names a platform (in its name, class, ID or `data-*`
//! attributes: `div.tweet`, `li.class-TWEET`, `div.TwitterEmbedContainer`, `<BlueskyPost>`) and
//! holds one post of that platform is an embed of that post, not a mention of it. Publishers and
//! newsletter tools render such cards on the server (with the author, text and date in their own
//! markup); lazy loaders and consent tools leave such containers until they load the embed.
//!
//! The card's fields are read by what its parts say they are (the last words of their class
//! names: `…-name`, `…-handle`/`…-username`, `…-text`, `…-date`/`<time>`), and from a JSON blob
//! the card may carry in a `data-*` attribute (`url`, `full_text`, `username`, `name`, `date`).
//! A card without any link to its post (newsletter e-mails link through redirects) is still a
//! post when it shows a handle and a text.
//!
//! Not cards: buttons, share and follow widgets, timelines and lists (more than one post), and
//! anything in reader comments or page chrome (sidebars, rails, feeds of other stories).

use std::ops::Range;

use scraper::ElementRef;
use serde_json::Value;

use super::super::dom::{self, TextOpts};
use super::super::tags::{self, Tag};
use super::super::view::TextView;
use super::super::{DETECTORS, Detector, Page, PostRef, parse_post_url, words};
use crate::post::{Form, Kind, Post};

/// Elements that never are a card: page structure, lists, links and form controls.
const NOT_CARDS: &[&str] = &[
    "a", "html", "body", "head", "main", "header", "footer", "nav", "aside", "section", "ul", "ol",
    "table", "tbody", "tr", "form", "button", "input", "select", "option", "link", "meta",
    "script", "style", "img", "iframe", "source", "picture", "svg", "br", "hr", "textarea",
];

/// Words that mark a widget that is not a post: buttons, share and follow widgets, timelines.
const NOT_POST_WORDS: &[&str] = &[
    "button",
    "btn",
    "share",
    "follow",
    "intent",
    "timeline",
    "timelines",
    "icon",
    "login",
    "subscribe",
    "mention",
    "hashtag",
    "profile",
    "avatar",
    "grid",
    "list",
];

/// The largest element read as a card.
const MAX_CARD: usize = 32 * 1024;

/// The largest element read as a card that does not name its platform.
const MAX_ROLE_CARD: usize = 8 * 1024;

/// Every card in the page: a candidate (see [`candidate`]) that shows its post (see the
/// module docs). Containers that show nothing yet are placeholders, read in `elements.rs`.
pub(super) fn cards(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out: Vec<Post> = Vec::new();
    let mut taken: Option<Range<usize>> = None;
    for tag in page.marked_tags() {
        if super::super::budget::spent() {
            break;
        }
        if taken.as_ref().is_some_and(|t| t.contains(&tag.range.start)) {
            continue;
        }
        if let Some((d, span)) = candidate(page, tag)
            && let Some(post) = card(page, tag, d, &span)
        {
            taken = Some(span.clone());
            out.push(post);
            continue;
        }
        // A card that does not name the platform but says what its parts are (a plugin's
        // static copy of a post): the innermost element around a link to the post whose parts
        // give the post's text, its author and its date.
        let Some(r) = tag.attr(html, "href").and_then(|h| parse_post_url(&h)) else {
            continue;
        };
        if page.is_claimed(tag.range.start) || page.region_at(tag.range.start).is_some() {
            continue;
        }
        let around = tags::ancestors(html, tag.range.start, 5, MAX_ROLE_CARD);
        for anc in around
            .into_iter()
            .filter(|a| a.range.start != tag.range.start)
        {
            if taken.as_ref().is_some_and(|t| t.contains(&anc.range.start)) {
                break;
            }
            let name = anc.name(html);
            if NOT_CARDS.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                break;
            }
            let span = anc.range.start..page.element_end(&anc);
            let holds_a_card = out
                .iter()
                .any(|p| span.start <= p.span.start && p.span.end <= span.end);
            if span.len() > MAX_ROLE_CARD || page.claims_within(&span) || holds_a_card {
                break;
            }
            let frag = dom::parse_fragment(page.fragment(span.clone()));
            let Some(el) = dom::first_element(&frag, name) else {
                break;
            };
            // A copy of a post shows its text, its author and its date; a photo with a credit
            // link or a byline does not.
            let roles = Roles::read(el);
            if roles.text.is_none()
                || roles.date.is_none()
                || (roles.handle.is_none() && roles.name.is_none())
            {
                continue;
            }
            let d = super::super::detector(r.platform);
            if let Some(post) = card(page, &anc, d, &span) {
                taken = Some(span.clone());
                out.push(post);
            }
            break;
        }
    }
    out
}

/// A container of a post that shows nothing of it yet (a lazy or consent container, a
/// component): the element and the one post it holds, as a placeholder.
pub(super) fn container(page: &Page<'_>, tag: &Tag) -> Option<Post> {
    let (d, span) = candidate(page, tag)?;
    let frag = dom::parse_fragment(page.fragment(span.clone()));
    let el = dom::first_element(&frag, tag.name(page.text))?;
    let blob = blob_fields(tag, page.text);
    let [r] = held(page.text, tag, d, el, &blob).try_into().ok()?;
    Some(r.found(Kind::Embed, Form::DataAttr, "data-attr", span))
}

/// An element that may be a card or container: it names one platform (and no button or
/// widget), is not in reader comments or page chrome, and is a small, closed element that wraps
/// no embed already found (an element around an embed is its wrapper or the article). A
/// component may close itself (`<BlueskyPost url="…" />`).
fn candidate(page: &Page<'_>, tag: &Tag) -> Option<(&'static Detector, Range<usize>)> {
    let html = page.text;
    if page.is_claimed(tag.range.start) {
        return None;
    }
    let name = tag.name(html);
    if NOT_CARDS.iter().any(|n| n.eq_ignore_ascii_case(name)) || name.starts_with("amp-") {
        return None;
    }
    let d = named_platform(html, tag)?;
    if page.region_at(tag.range.start).is_some() {
        return None;
    }
    let span = tag.range.start..page.element_end(tag);
    let closed = tag.self_closing
        || html[span.clone()]
            .rsplit_once("</")
            .is_some_and(|(_, end)| end.trim_end_matches('>').trim().eq_ignore_ascii_case(name));
    (closed && span.len() <= MAX_CARD && !page.claims_within(&span)).then_some((d, span))
}

/// The one platform an element's own name, class, ID and data attributes name, when they name
/// one and do not mark a button or widget.
fn named_platform(html: &str, tag: &Tag) -> Option<&'static Detector> {
    let mut said: Vec<String> = words(tag.name(html));
    for (name, value) in tag.attrs(html) {
        let lower = name.to_ascii_lowercase();
        if lower == "class" || lower == "classname" || lower == "id" {
            said.extend(words(value));
        } else if lower.starts_with("data-") && value.len() <= 40 && !value.contains("://") {
            // Short data values name what an element is (`data-embed="twitter"`,
            // `data-twitter="twitter-tweet"`); data names and URLs say what it links to (a
            // share button's `data-twitter-link`), and long values are content.
            said.extend(words(value));
        }
    }
    if said.iter().any(|w| NOT_POST_WORDS.contains(&w.as_str())) {
        return None;
    }
    let mut named = DETECTORS.iter().copied().filter(|d| {
        d.names
            .iter()
            .any(|n| n.len() >= 3 && said.iter().any(|w| w == n))
    });
    let first = named.next()?;
    named.next().is_none().then_some(first)
}

/// The distinct posts of `d`'s platform an element holds: in its blob, its own URL and ID
/// attributes, and the links of its parts (any element with an `href`, outside quoted posts).
fn held(html: &str, tag: &Tag, d: &Detector, el: ElementRef<'_>, blob: &Blob) -> Vec<PostRef> {
    let mut refs: Vec<PostRef> = Vec::new();
    let mut add = |r: PostRef| {
        if r.platform == d.platform && !refs.iter().any(|x| x.post_id == r.post_id) {
            refs.push(r);
        }
    };
    if let Some(u) = blob.url.as_deref().and_then(parse_post_url) {
        add(u);
    }
    for (name, value) in tag.attrs(html) {
        let lower = name.to_ascii_lowercase();
        let value = html_escape::decode_html_entities(value);
        if matches!(
            lower.as_str(),
            "url" | "href" | "src" | "cite" | "permalink"
        ) || lower.starts_with("data-") && lower.ends_with("url")
        {
            if let Some(r) = parse_post_url(&value) {
                add(r);
            }
        } else if lower.ends_with("id") && (lower != "id" || is_component(tag.name(html))) {
            // An ID property of a component (`tweetId`, `videoid`) or placeholder, read as the
            // platform reads its ID attributes.
            let attr = if lower.starts_with("data-") {
                lower.clone()
            } else {
                format!("data-{lower}")
            };
            if let Some(r) = (d.id_attr)(&attr, &value, true) {
                add(r);
            }
        }
    }
    for e in outside_quotes(el) {
        if let Some(r) = e.value().attr("href").and_then(parse_post_url) {
            add(r);
        }
    }
    refs
}

/// Reads one candidate card; `None` when it holds no post or several, or shows nothing of it.
fn card(page: &Page<'_>, tag: &Tag, d: &'static Detector, span: &Range<usize>) -> Option<Post> {
    let html = page.text;
    let frag = dom::parse_fragment(page.fragment(span.clone()));
    let el = dom::first_element(&frag, tag.name(html))?;
    let blob = blob_fields(tag, html);
    let mut refs = held(html, tag, d, el, &blob);
    if refs.len() > 1 {
        return None;
    }
    let roles = Roles::read(el);
    let mut post = match refs.pop() {
        Some(r) => r.to_post(
            Kind::Embed,
            Form::Card,
            &format!("{}/card", d.platform.as_str()),
        ),
        None => {
            // No link to the post: a card still shows it when it shows its author and text.
            if roles.handle.is_none() && blob.handle.is_none() {
                return None;
            }
            if roles.text.is_none() && blob.text.is_none() {
                return None;
            }
            Post::new(
                d.platform,
                Kind::Embed,
                Form::Card,
                &format!("{}/card", d.platform.as_str()),
            )
        }
    };
    let shows = roles.text.is_some() || roles.name.is_some() || blob.text.is_some();
    post.text = blob
        .text
        .clone()
        .or(roles.text.clone())
        .or_else(|| lead_in_text(el, post.url.as_deref()));
    post.display_name = roles.name.clone().or(blob.name.clone());
    if let Some(h) = roles.handle.clone().or(blob.handle.clone()) {
        post.handle = Some(h);
    }
    if let Some(date) = roles.date.as_deref().or(blob.date.as_deref()) {
        post.set_date(date);
    }
    if let Some(t) = &post.text {
        post.media = super::super::text::media_tokens(t);
    }
    if !shows && post.text.is_none() {
        // A container that shows nothing of the post yet is a placeholder (`elements.rs`).
        return None;
    }
    post.span = span.clone();
    if post.post_id.is_none() {
        post.notes
            .push("a card with no link to its post: identified by author, date and text".into());
    }
    Some(post)
}

/// Whether an element name is a component of a page framework (`<Tweet>`, `<BlueskyPost>`),
/// whose `id` is a property rather than an HTML ID.
fn is_component(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
}

/// The descendants of a card that are not inside a post it quotes.
fn outside_quotes(el: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    // Depth first, in document order, not entering quoted posts: each element is visited once.
    let mut out = Vec::new();
    let mut stack: Vec<ElementRef<'_>> = el.children().filter_map(ElementRef::wrap).collect();
    stack.reverse();
    while let Some(e) = stack.pop() {
        if is_quote(e) {
            continue;
        }
        out.push(e);
        let at = stack.len();
        stack.extend(e.children().filter_map(ElementRef::wrap));
        stack[at..].reverse();
    }
    out
}

/// Whether an element holds a quoted post (`div.quoted-tweet`, `div.quote-tweet`).
fn is_quote(e: ElementRef<'_>) -> bool {
    e.value().attr("class").is_some_and(|c| {
        let lower = c.to_ascii_lowercase();
        lower.contains("quote") && words(c).iter().any(|w| w == "quote" || w == "quoted")
    })
}

/// What a part of a card is, by the last words of its class names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Name,
    Handle,
    /// An author or credit part, which gives the handle when it shows `@…`.
    Author,
    Text,
    Date,
    /// Decoration, counters and actions: not the post's text.
    Chrome,
}

fn role_of(e: ElementRef<'_>) -> Option<Role> {
    if e.value().name() == "time" {
        return Some(Role::Date);
    }
    let class = e.value().attr("class")?;
    // Most parts have no role: a cheap look at the class before splitting it into words.
    let lower = class.to_ascii_lowercase();
    if ![
        "name",
        "handle",
        "user",
        "author",
        "attribution",
        "credit",
        "text",
        "body",
        "content",
        "caption",
        "date",
        "time",
        "stamp",
        "created",
        "decoration",
        "separator",
        "ufi",
        "action",
        "stats",
        "count",
        "avatar",
        "contributor",
        "byline",
        "reporter",
        "editor",
    ]
    .iter()
    .any(|k| lower.contains(k))
    {
        return None;
    }
    let w = words(class);
    let last = w.last().map(String::as_str)?;
    let before = w.len().checked_sub(2).map(|i| w[i].as_str()).unwrap_or("");
    if w.iter().any(|x| {
        matches!(
            x.as_str(),
            "decoration"
                | "separator"
                | "ufi"
                | "actions"
                | "stats"
                | "counts"
                | "avatar"
                | "contributor"
                | "byline"
                | "reporter"
                | "editor"
        )
    }) {
        return Some(Role::Chrome);
    }
    Some(match (before, last) {
        ("created", "at") | ("time", "stamp") | (_, "date" | "time" | "timestamp") => Role::Date,
        ("user" | "screen" | "nick", "name") | (_, "handle" | "username" | "screenname") => {
            Role::Handle
        }
        (_, "author" | "attribution" | "credit") => Role::Author,
        (_, "name" | "fullname") => Role::Name,
        (_, "text" | "body" | "content" | "caption")
            if !w.iter().any(|x| x == "header" || x == "footer") =>
        {
            Role::Text
        }
        _ => return None,
    })
}

/// Whether a part is not the post's text (an author, date or decoration part inside it).
fn not_text(e: ElementRef<'_>) -> bool {
    role_of(e).is_some_and(|r| r != Role::Text) || is_quote(e)
}

/// The parts of a card, by what their class names say they are.
#[derive(Debug, Default)]
struct Roles {
    name: Option<String>,
    handle: Option<String>,
    text: Option<String>,
    date: Option<String>,
}

impl Roles {
    fn read(el: ElementRef<'_>) -> Roles {
        let mut r = Roles::default();
        for e in outside_quotes(el) {
            let Some(role) = role_of(e) else { continue };
            let shown = || {
                let t = dom::element_text(e, TextOpts::default());
                (!t.is_empty()).then_some(t)
            };
            match role {
                Role::Date if r.date.is_none() => r.date = shown().map(|t| dom::squash_ws(&t)),
                Role::Handle if r.handle.is_none() => r.handle = shown().and_then(|t| handle(&t)),
                Role::Author if r.handle.is_none() => {
                    // An author or credit part that shows an `@handle` (`Instagram: @name`).
                    r.handle = shown().and_then(|t| {
                        t.split_whitespace()
                            .find(|w| w.starts_with('@') && w.len() > 1)
                            .and_then(handle)
                    });
                }
                Role::Name if r.name.is_none() => r.name = shown().map(|t| dom::squash_ws(&t)),
                Role::Text if r.text.is_none() => {
                    let opts = TextOpts {
                        skip: Some(not_text),
                        ..TextOpts::default()
                    };
                    let t = dom::element_text(e, opts);
                    // A footer left inline in the text part ends in its dash.
                    let t = t
                        .trim_end()
                        .trim_end_matches(['\u{2014}', '\u{2013}', '-'])
                        .trim_end();
                    if !t.is_empty() {
                        r.text = Some(t.to_string());
                    }
                }
                _ => {}
            }
        }
        r
    }
}

/// A handle as shown (`@name`), without the `@`; `None` when it is not one word.
fn handle(t: &str) -> Option<String> {
    let h = t.trim().trim_start_matches('@').trim();
    (!h.is_empty() && h.len() <= 64 && !h.contains(char::is_whitespace)).then(|| h.to_string())
}

/// The text of a card without text parts: the paragraph that holds the link to the post, after
/// a lead-in that ends in a colon and holds the link (`Name <a href=…>tweets:</a> The post's
/// text…`, `<a href=…>tweets</a>: …`).
fn lead_in_text(el: ElementRef<'_>, url: Option<&str>) -> Option<String> {
    url?;
    for p in el
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "p")
    {
        let Some(link) = p.children().filter_map(ElementRef::wrap).find(|c| {
            c.value().name() == "a" && c.value().attr("href").and_then(parse_post_url).is_some()
        }) else {
            continue;
        };
        let label = dom::element_text(link, TextOpts::default());
        let all = dom::element_text(p, TextOpts::default());
        let Some(at) = all.find(label.trim()) else {
            continue;
        };
        let after_label = at + label.trim().len();
        let Some(colon) = all.find(':').filter(|c| *c + 1 >= after_label && *c <= 100) else {
            continue;
        };
        let rest = all[colon + 1..].trim();
        if !rest.is_empty() {
            return Some(rest.to_string());
        }
    }
    None
}

/// What a JSON blob in a `data-*` attribute says about the post.
#[derive(Debug, Default)]
struct Blob {
    url: Option<String>,
    text: Option<String>,
    handle: Option<String>,
    name: Option<String>,
    date: Option<String>,
}

/// Reads the first `data-*` attribute of `tag` that holds a JSON object with a post's fields.
/// Fields are looked for breadth first (the shallowest wins), outside quoted posts, so both a
/// flat blob (`{"url", "full_text", "username"}`) and an API response (`{"data": {"text"},
/// "includes": {"users": [{"name", "username"}]}}`) read right.
fn blob_fields(tag: &Tag, html: &str) -> Blob {
    let mut b = Blob::default();
    for (name, value) in tag.attrs(html) {
        if !name.to_ascii_lowercase().starts_with("data-") {
            continue;
        }
        let value = html_escape::decode_html_entities(value);
        let v = value.trim();
        if !v.starts_with('{') {
            continue;
        }
        let Ok(json) = serde_json::from_str::<Value>(v) else {
            continue;
        };
        let field = |keys: &[&str]| find_field(&json, keys);
        b.url = field(&["url", "permalink", "link", "href", "tweet_url", "post_url"]);
        b.text = field(&["full_text", "text", "caption", "body", "content"]).map(|t| {
            // Texts may carry the markup of links and mentions.
            if t.contains('<') {
                dom::tidy(&TextView::of_html(&t, &[]).text)
            } else {
                t
            }
        });
        b.handle =
            field(&["username", "screen_name", "handle", "user_name"]).and_then(|h| handle(&h));
        b.name = field(&["name", "display_name", "author_name", "full_name"]);
        b.date = field(&["date", "created_at", "timestamp", "published"]);
        if b.url.is_some() || b.text.is_some() {
            break;
        }
    }
    b
}

/// The shallowest non-empty string under one of `keys` in a JSON value, not looking inside
/// quoted or replied-to posts.
fn find_field(json: &Value, keys: &[&str]) -> Option<String> {
    let mut level: Vec<&Value> = vec![json];
    for _ in 0..4 {
        let mut next = Vec::new();
        for v in level {
            match v {
                Value::Object(map) => {
                    for k in keys {
                        if let Some(s) = map.get(*k).and_then(Value::as_str)
                            && !s.trim().is_empty()
                        {
                            return Some(s.trim().to_string());
                        }
                    }
                    next.extend(
                        map.iter()
                            .filter(|(k, _)| !k.contains("quote") && !k.contains("reply"))
                            .map(|(_, v)| v),
                    );
                }
                Value::Array(a) => next.extend(a.iter().take(4)),
                _ => {}
            }
        }
        level = next;
    }
    None
}
