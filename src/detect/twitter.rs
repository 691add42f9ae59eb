//! Twitter / X: the publish.twitter.com blockquote in every generation, publishers' frame
//! fallbacks, the flattened text form, status URLs and ID attributes, and the time a
//! status ID encodes.
//!
//! Shapes known here:
//! - `<blockquote class="twitter-tweet">` and `twitter-video`, any `data-*` options, old
//!   embeds with `data-datetime` and no `<p>`, CMS wrappers, tails whose dash is `&mdash;`,
//!   `&#8212;`, `&#x2014;` or a literal dash, tails wrapped in their own `<p>` or entirely
//!   inside the link, nested blockquotes (each parses its own tail), stripped blockquotes that
//!   hold only a status link;
//! - the flattened line `TEXT [pic.twitter.com/…] — Name (@handle) Date`, with an em or en
//!   dash, `--`, or no dash at all (`TEXT  Name (@handle) December 31, 2017Next…`), the dash
//!   ending the line before the name (`TEXT—` / `Name (@handle) Date`), a text of several
//!   lines or paragraphs (joined where its indent, its quote marks or a run of short lines
//!   bounded by article prose say so), in text files and in HTML paragraphs, and the
//!   `Twitter: Name - text` line some publishers' frames leave;
//! - status URLs on twitter.com / x.com (www., mobile., m.), `/status/`, `/statuses/`,
//!   `/i/web/status/`, `/i/status/`, `#!/` hashbangs, mirror hosts; tracking parameters dropped.
//!
//! Not posts: timelines, follow/share/intent buttons, profile links; a status link inside a
//! post's text is part of that post, not another post; bylines that look like a signature (a
//! comment's `Name (@handle) October 26, 2012 at 1:32 am`, a dashless `Name (@handle) Date`
//! starting a line with no post text before it), and other platforms' footers, which those
//! platforms claim before this reader runs (`text_last`).

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use regex::Regex;
use scraper::ElementRef;

use super::dom::{self, TextOpts};
use super::tags::{self, Tag};
use super::text;
use super::view::TextView;
use super::{Amp, Detector, Look, Page, PostRef, dates, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about Twitter / X.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Twitter,
    markers: &["twitter", TWITTER_LABEL, "tweet", "Tweet", "TWEET", "x.com/"],
    short_markers: &[SIGNATURE],
    markup,
    text,
    text_last: true,
    parse_url,
    id_attr,
    bare_id: |v| valid_id(v).map(|id| status_ref(None, id)),
    amp: &[Amp {
        element: "amp-twitter",
        attr: "data-tweetid",
    }],
    id_time: snowflake_time,
    names: &["twitter", "tweet", "x"],
    hosts: HOSTS,
    aliases: &[("x", None), ("tw", None)],
    look: Look {
        label: "X (Twitter)",
        colour: "#0f1419",
        profile: Some("https://x.com/"),
        hashtag: Some("https://x.com/hashtag/"),
    },
    ..Detector::BASE
};

/// The opening of a flattened signature, `(@handle)`.
const SIGNATURE: &str = "(@";
/// The platform's name as a label (`Twitter: Name - text`), also a marker.
const TWITTER_LABEL: &str = "Twitter";
/// The start of a labelled fallback line.
const LABEL_PREFIX: &str = "Twitter: ";

/// A reference to one status, parsed from a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusRef {
    /// The handle in the URL path, when the path has one (not for `/i/web/status/`).
    pub handle: Option<String>,
    /// The status ID, decimal digits, no leading zeros, fits u64.
    pub id: String,
    /// Whether the host is a mirror/proxy (fxtwitter, vxtwitter, nitter…), not Twitter itself.
    pub mirror: bool,
}

const HOSTS: &[&str] = &["twitter.com", "x.com"];
const MIRRORS: &[&str] = &[
    "fxtwitter.com",
    "vxtwitter.com",
    "fixupx.com",
    "fixvx.com",
    "twittpr.com",
    "nitter.net",
];

/// Parses a status URL in any of its host and path forms; `None` for anything else (profiles,
/// intents, timelines, moments, hashtags).
pub(crate) fn parse_status_url(s: &str) -> Option<StatusRef> {
    let s = s.trim();
    let rest = text::strip_scheme(s);
    let (host, path) = match rest.find(['/', '?', '#']) {
        Some(p) => (&rest[..p], &rest[p..]),
        None => (rest, ""),
    };
    let host = host.to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or("");
    let bare = ["www.", "mobile.", "m."]
        .iter()
        .find_map(|p| host.strip_prefix(p))
        .unwrap_or(host);
    let mirror = if HOSTS.contains(&bare) {
        false
    } else if MIRRORS.contains(&bare) || bare.starts_with("nitter.") {
        true
    } else {
        return None;
    };
    // `/#!/handle/status/id` (2010–2012 hashbang URLs) carries the path in the fragment.
    let path = path.strip_prefix("/#!").unwrap_or(path);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let (handle, id) = match segs.as_slice() {
        ["i", "web", "status" | "statuses", id, ..] | ["i", "status" | "statuses", id, ..] => {
            (None, *id)
        }
        [h, "status" | "statuses", id, ..] => (Some(*h), *id),
        _ => return None,
    };
    let id = valid_id(id)?;
    let handle = handle
        .filter(|h| h.len() <= 20 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .map(str::to_string);
    Some(StatusRef { handle, id, mirror })
}

/// A status ID: digits, no leading zeros, fits u64.
fn valid_id(id: &str) -> Option<String> {
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if id.starts_with('0') {
        return None;
    }
    id.parse::<u64>().ok().map(|n| n.to_string())
}

/// The canonical status URL: `https://x.com/<handle>/status/<id>`, or `…/i/status/<id>`.
fn canonical_url(handle: Option<&str>, id: &str) -> String {
    match handle {
        Some(h) if !h.is_empty() => format!("https://x.com/{h}/status/{id}"),
        _ => format!("https://x.com/i/status/{id}"),
    }
}

/// The first snowflake ID (smaller IDs are sequential and encode no time).
const FIRST_SNOWFLAKE: u64 = 29_700_859_247;
/// Twitter's snowflake epoch, Unix milliseconds.
const TWEPOCH_MS: i64 = 1_288_834_974_657;

/// The creation time encoded in a snowflake status ID, RFC 3339 UTC with milliseconds; `None`
/// for pre-snowflake IDs and for IDs that decode to a time in the future (bad IDs).
fn snowflake_time(id: &str) -> Option<DateTime<Utc>> {
    let n: u64 = id.parse().ok()?;
    if n < FIRST_SNOWFLAKE {
        return None;
    }
    let ms = i64::try_from(n >> 22).ok()? + TWEPOCH_MS;
    let t = DateTime::from_timestamp_millis(ms)?;
    (t <= Utc::now()).then_some(t)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Fills `created_at` from the ID and notes a shown date that disagrees with it by more than a
/// day (the tail date is the embed generator's calendar date, so ±1 day is normal).
fn fill_time(post: &mut Post, exact: Option<DateTime<Utc>>) {
    let t = post.post_id.as_deref().and_then(snowflake_time).or(exact);
    if let Some(t) = t {
        post.created_at = Some(rfc3339(t));
        if let Some(d) = post
            .date
            .as_deref()
            .and_then(|d| d.parse::<NaiveDate>().ok())
        {
            let days = (t.date_naive() - d).num_days().abs();
            if days > 1 {
                post.notes.push(format!(
                    "shown date {d} differs from the ID's time {} by {days} days",
                    rfc3339(t)
                ));
            }
        }
    }
}

/// Twitter's own markup: blockquotes of every generation, and the text fallbacks publishers
/// write inside their own tweet frames. (Publishers' cards are read by the shared card reader.)
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let mut out = blockquotes(page);
    out.extend(frame_fallbacks(page));
    out
}

/// Publisher-hosted tweet frames whose only content is a text fallback inside the iframe
/// element (`Twitter: Name - text`), as the Telegraph wrote them.
fn frame_fallbacks(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    for tag in page.start_tags_named("iframe") {
        let end = page.element_end(&tag);
        let inner = &html[tag.range.end..end];
        if !inner.contains(LABEL_PREFIX) {
            continue;
        }
        let view = TextView::of_html(inner, &[]);
        for c in LABELLED_LINE.captures_iter(&view.text) {
            let mut post = Post::new(
                Platform::Twitter,
                Kind::Embed,
                Form::Iframe,
                "twitter/frame-text",
            );
            post.display_name = Some(c[1].trim().to_string());
            let body = c[2].trim();
            post.media = text::media_tokens(body);
            post.text = Some(body.to_string());
            post.span = tag.range.start..end;
            out.push(post);
        }
    }
    out
}

/// Flattened embeds in the page's text.
fn text(page: &Page<'_>) -> Vec<Post> {
    flattened(page)
}

/// Reads a status URL, or a widget URL (`platform.twitter.com/embed/Tweet.html?id=…`).
fn parse_url(s: &str) -> Option<PostRef> {
    if let Some(st) = parse_status_url(s) {
        return Some(status_ref(st.handle, st.id));
    }
    let p = urls::parts(s)?;
    let widget_host = p.host_is("platform.twitter.com") || p.host_is("platform.x.com");
    if widget_host && p.path.to_ascii_lowercase().starts_with("/embed/tweet") {
        let id = valid_id(&p.param("id")?)?;
        return Some(status_ref(None, id));
    }
    None
}

/// Reads a status ID from a placeholder attribute: `data-tweet-id`, `data-tweetid` and
/// `data-status-id` always; `data-embed-id`, `data-id`, `data-post-id` only on an element that
/// names Twitter. The value may also be a whole status URL.
fn id_attr(name: &str, value: &str, context: bool) -> Option<PostRef> {
    let always = matches!(
        name,
        "data-tweet-id" | "data-tweetid" | "data-status-id" | "data-tweet"
    );
    let with_context = matches!(
        name,
        "data-embed-id" | "data-id" | "data-post-id" | "data-social-id" | "data-embedid"
    );
    if !(always || (with_context && context)) {
        return None;
    }
    if let Some(r) = parse_url(value) {
        return Some(r);
    }
    let id = valid_id(value.trim())?;
    // Generic ID attributes hold every kind of number; a status ID has at least 9 digits.
    if !always && id.len() < 9 {
        return None;
    }
    Some(status_ref(None, id))
}

/// The post a status ID (and the handle, when known) names.
fn status_ref(handle: Option<String>, id: String) -> PostRef {
    PostRef {
        platform: Platform::Twitter,
        url: canonical_url(handle.as_deref(), &id),
        post_id: id,
        handle,
    }
}

// ---------------------------------------------------------------------------------------------
// Blockquotes

/// Finds `blockquote.twitter-tweet` / `.twitter-video` start tags and reads each one.
fn blockquotes(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    page.read_elements(
        &["twitter-tweet", "twitter-video"],
        &["blockquote"],
        |tag, bq, _| read_blockquote(bq, tag, html),
    )
}

static HANDLE_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*@([A-Za-z0-9_]{1,20})\s*\)").expect("valid regex"));

/// One link inside a blockquote.
struct Link<'a> {
    el: ElementRef<'a>,
    href: String,
    text: String,
}

fn read_blockquote(bq: ElementRef<'_>, tag: &Tag, html: &str) -> Option<Post> {
    let class = tag.attr(html, "class").unwrap_or_default();
    let detector = if tags::has_class(&class, "twitter-video") {
        "twitter/blockquote-video"
    } else {
        "twitter/blockquote"
    };
    let opts = TextOpts {
        skip_nested_class: Some("twitter-tweet"),
        ..TextOpts::default()
    };

    let mut links = Vec::new();
    collect_links(bq, &mut links);
    // The tail link: the last status link whose text is not itself a URL (a status link shown
    // as a URL inside the text is a quoted post), else the last status link.
    let is_status = |l: &&Link<'_>| parse_status_url(&l.href).is_some();
    let tail = links
        .iter()
        .rev()
        .filter(is_status)
        .find(|l| !looks_like_url(&l.text))
        .or_else(|| links.iter().rev().find(is_status));
    let status = tail.and_then(|l| parse_status_url(&l.href));

    // The whole text, read from the right: the last "(@handle)" followed by no more than a
    // date is the signature; the display name runs back to the dash before it; everything
    // before the dash is the post. CMS auto-paragraphing may have split the post into several
    // <p> and put the tail in its own <p>; reading the flattened text handles every layout.
    let full = dom::element_text(bq, opts);
    let sig = HANDLE_PAREN
        .captures_iter(&full)
        .filter(|c| {
            c.get(0)
                .is_some_and(|m| full[m.end()..].chars().count() <= 80)
        })
        .last();
    let mut post = Post::new(Platform::Twitter, Kind::Embed, Form::Blockquote, detector);
    if status.is_none() && sig.is_none() {
        // Neither a status link nor a signature: not an embedded post (a button or a stub).
        return None;
    }
    let post_text = match &sig {
        Some(c) => {
            let m = c.get(0).map_or(0..0, |m| m.range());
            post.handle = Some(c[1].to_string());
            let before = &full[..m.start];
            let line_start = before.rfind('\n').map_or(0, |p| p + 1);
            let line = &before[line_start..];
            let (text_end, name) = match tail_dash(line) {
                Some(d) => (line_start + d.start, &line[d.end..]),
                None => (line_start, line),
            };
            let name = name.trim();
            if !name.is_empty() {
                post.display_name = Some(dom::squash_ws(name));
            }
            // A date after the signature, when the tail link does not give one.
            let after = dom::squash_ws(&full[m.end..]);
            if !after.is_empty() && dates::parse_date(&after).is_some() {
                post.date_text = Some(after);
            }
            Some(full[..text_end].trim().to_string())
        }
        // No signature (a stripped embed): only a text paragraph can hold the post text.
        None => bq
            .children()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "p")
            .map(|p| dom::element_text(p, opts)),
    };
    let post_text = post_text.filter(|t| !t.is_empty() && !PLACEHOLDER.is_match(t));
    if let Some(l) = tail {
        let t = dom::squash_ws(&l.text);
        // A hand-edited tail may sit wholly inside the link: keep only the date part.
        let t = match HANDLE_PAREN.find_iter(&t).last() {
            Some(m) => t[m.end()..].trim().to_string(),
            None => t,
        };
        // Every date form carries digits; a link text without any ("View on Twitter") is a
        // label, not a date. Dates in locales the parser does not know are still kept as shown.
        if t.chars().any(|c| c.is_numeric()) && parse_status_url(&t).is_none() && !t.contains("://")
        {
            post.date_text = Some(t);
        }
    }
    if let Some(s) = &status {
        post.post_id = Some(s.id.clone());
        if post.handle.is_none() {
            post.handle = s.handle.clone();
        }
        post.url = Some(canonical_url(post.handle.as_deref(), &s.id));
    }
    if let Some(shown) = post.date_text.clone() {
        post.set_date(&shown);
    }
    let exact = tail
        .and_then(|l| l.el.value().attr("data-datetime"))
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&Utc));
    fill_time(&mut post, exact);

    post.lang = bq
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "p" && e.value().attr("lang").is_some())
        .and_then(|p| p.value().attr("lang"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string);
    if let Some(t) = post_text {
        post.media = text::media_tokens(&t);
        post.text = Some(t);
    }
    for l in &links {
        if tail.is_some_and(|t| t.el.id() == l.el.id()) {
            continue;
        }
        if text::media_tokens(&l.text).len() == 1 && l.text.trim().len() < 40 {
            continue;
        }
        if is_profile_or_hashtag(&l.href) || l.href.is_empty() {
            continue;
        }
        // Old embeds keep the expanded URL in `title`; newer ones only the t.co link.
        let expanded =
            l.el.value()
                .attr("data-expanded-url")
                .or_else(|| l.el.value().attr("title"))
                .filter(|t| t.starts_with("http://") || t.starts_with("https://"));
        let url = expanded.unwrap_or(&l.href).trim().to_string();
        // A status link inside the text is a quoted post: named, not a second record.
        if post.quoted_url.is_none()
            && let Some(q) = parse_status_url(&url).or_else(|| parse_status_url(&l.text))
        {
            post.quoted_url = Some(canonical_url(q.handle.as_deref(), &q.id));
        }
        if !post.links.contains(&url) {
            post.links.push(url);
        }
    }
    Some(post)
}

/// Placeholder texts of stripped or unrendered embeds: not post text.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:loading(?: tweet| post)?|tweet may have been deleted|this (?:tweet|post) (?:is|was) (?:unavailable|deleted)|view (?:this )?(?:post|tweet) on (?:twitter|x)|see (?:this )?(?:content|tweet|post) in the original post|watch on (?:twitter|x)|embedded tweet)\b",
    )
    .expect("valid regex")
});

/// Whether a link text is a URL (a t.co or media link inside the post text).
fn looks_like_url(t: &str) -> bool {
    let t = t.trim();
    t.starts_with("http://")
        || t.starts_with("https://")
        || t.starts_with("pic.")
        || t.starts_with("t.co/")
        || t.starts_with("www.")
}

/// The dash that opens a tail line: the last em dash if there is one (display names rarely
/// hold one, post texts often hold hyphens), else the last of the other dash forms.
fn tail_dash(line: &str) -> Option<Range<usize>> {
    if let Some(p) = line.rfind('\u{2014}') {
        return Some(p..p + '\u{2014}'.len_utf8());
    }
    text::last_dash(line)
}

fn collect_links<'a>(el: ElementRef<'a>, out: &mut Vec<Link<'a>>) {
    for child in el.children().filter_map(ElementRef::wrap) {
        let v = child.value();
        if v.attr("class")
            .is_some_and(|c| tags::has_class(c, "twitter-tweet"))
        {
            continue;
        }
        if v.name() == "a" {
            out.push(Link {
                el: child,
                href: v.attr("href").unwrap_or("").trim().to_string(),
                text: dom::element_text(child, TextOpts::default()),
            });
        }
        collect_links(child, out);
    }
}

/// A link to a profile (`twitter.com/<handle>`) or a hashtag search: part of the post's
/// markup, not a link the post carries.
fn is_profile_or_hashtag(href: &str) -> bool {
    let rest = text::strip_scheme(href);
    let Some((host, path)) = rest.split_once('/') else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let bare = host
        .trim_start_matches("www.")
        .trim_start_matches("mobile.");
    if !HOSTS.contains(&bare) {
        return false;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    matches!(segs.as_slice(), [_] | ["hashtag", ..] | ["search", ..])
}

// ---------------------------------------------------------------------------------------------
// Flattened text

/// A flattened signature found in a text view.
struct Signature {
    /// Where the dash (or, without a dash, the display name) starts.
    start: usize,
    /// The dash, when there is one.
    dash: Option<Range<usize>>,
    name: Range<usize>,
    handle: Range<usize>,
    date: Range<usize>,
}

static SIG_HANDLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(@([A-Za-z0-9_]{1,20})\)").expect("valid regex"));

/// Finds every `Name (@handle) Date` signature in `t`.
fn signatures(t: &str) -> Vec<Signature> {
    let mut out = Vec::new();
    for c in SIG_HANDLE.captures_iter(t) {
        let (Some(all), Some(h)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let after = &t[all.end()..];
        // The date follows at once (spaces or a line break in between, nothing else).
        let Some((dr, _)) = dates::date_at_start(after) else {
            continue;
        };
        if after[..dr.start].chars().any(|ch| !ch.is_whitespace()) || dr.start > 4 {
            continue;
        }
        let date = all.end() + dr.start..all.end() + dr.end;
        // A tweet's footer shows a date (old custom styles a bare time after it: `Nov 12 2017
        // 11:06 PM`). A date joined to a clock time by a word (`at 1:32 am`, `um 9:29 PDT`,
        // `в 5:25 PDT`) is a comment's byline or another platform's timestamp.
        if let Some(e) = text::time_tail(t, date.clone())
            && t[date.end..e]
                .trim_start_matches([' ', '\t', ',', '\u{a0}'])
                .starts_with(char::is_alphabetic)
        {
            continue;
        }
        // The name: back to a dash on the same line, or (no dash) back to a double space.
        // Only the window before the handle is looked at: a line that starts before it is
        // too long to be a signature's own line (and looking further back on one long line
        // for every handle would cost the square of its length).
        let window_start = tags::floor_char_boundary(t, all.start().saturating_sub(160));
        let line_start = match t[window_start..all.start()].rfind('\n') {
            Some(p) => window_start + p + 1,
            None if window_start == 0 => 0,
            // The line starts before the window (never equal to `lo` below).
            None => window_start.saturating_sub(1),
        };
        let lo = line_start.max(window_start);
        let before = &t[lo..all.start()];
        let (start, dash, name) = if let Some(d) = dash_before_name(before) {
            let d = lo + d.start..lo + d.end;
            (d.start, Some(d.clone()), d.end..all.start())
        } else if let Some(p) = before.trim_end().rfind("  ") {
            // The name may itself be followed by several spaces (emoji stripped).
            (lo + p + 2, None, lo + p + 2..all.start())
        } else if before.trim().chars().count() <= 50 && lo == line_start {
            // The signature starts its line: the name is the whole prefix. The dash may end the
            // line before (`…acting up?—` / `Name (@handle) Date`).
            if let Some(d) = text::dash_ending_previous_line(t, line_start) {
                (d.start, Some(d), lo..all.start())
            } else if ends_with_post_token(&t[..line_start]) {
                // No dash at all: only a media link or URL right before shows that a post's
                // text ends there. Without one, a name, handle and date starting a line is a
                // byline (a comment's author line, a contributor note), not a post's footer.
                (lo, None, lo..all.start())
            } else {
                continue;
            }
        } else {
            continue;
        };
        let name_text = t[name.clone()].trim();
        if name_text.chars().count() > 60 {
            continue;
        }
        out.push(Signature {
            start,
            dash,
            name,
            handle: h.range(),
            date,
        });
    }
    out
}

/// The words that name a post's author in running text: the handle and the display name's
/// words of four letters or more.
fn author_words<'t>(handle: &'t str, name: &'t str) -> Vec<&'t str> {
    let mut out = vec![handle];
    out.extend(
        name.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4),
    );
    out
}

/// Whether `before` ends with a media link or URL: the last token of a flattened post's text.
fn ends_with_post_token(before: &str) -> bool {
    let last = before
        .trim_end()
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    !last.is_empty() && (!text::media_tokens(last).is_empty() || !text::url_tokens(last).is_empty())
}

/// The dash that opens a signature: the last dash in `before` that is followed only by a
/// plausible display name (no sentence end in between).
fn dash_before_name(before: &str) -> Option<Range<usize>> {
    let d = text::last_dash(before)?;
    let name = &before[d.end..];
    (name.chars().count() <= 60).then_some(d)
}

/// Lead-ins that introduce a quoted post in running text ("… wrote on Twitter: TEXT — …").
static LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:tweeted|tweets|tweet|wrote|writes|posted|posts|said|says|added|shared|replied|on twitter|on x|написал|написала|пишет|schrieb|twitterte|escribió|a écrit|ha scritto)\s*:\s+",
    )
    .expect("valid regex")
});

/// Finds flattened posts in the page's text view.
fn flattened(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    // Only a signature or a labelled line outside the embeds already found needs the text view.
    let labelled = page
        .hits
        .of(&[TWITTER_LABEL])
        .any(|p| html[p..].starts_with(LABEL_PREFIX) && !page.is_claimed(p) && !page.is_opaque(p));
    if !labelled && !page.has_free_hit(&[SIGNATURE]) {
        return Vec::new();
    }
    let view = page.text_view();
    let t = view.text.as_str();
    let lines = !page.is_html() && !text::uses_blank_lines(t);
    let mut out = Vec::new();
    let mut floor = 0usize;
    // Spans other platforms' flattened forms claimed after the view was built.
    let free = |p: usize| !page.is_claimed(page.page_span(p..p).start);
    for sig in signatures(t) {
        if sig.start < floor || !free(sig.handle.start) {
            continue;
        }
        let mut post = Post::new(Platform::Twitter, Kind::Embed, Form::Text, "twitter/text");
        post.handle = Some(t[sig.handle.clone()].to_string());
        let name = dom::squash_ws(t[sig.name.clone()].trim());
        if !name.is_empty() {
            post.display_name = Some(name);
        }
        post.set_date(&t[sig.date.clone()]);
        let mut span_start = sig.start;
        if let Some(dash) = &sig.dash {
            // The text runs from the start of its paragraph (or after a lead-in ending with a
            // colon) to the dash. A signature alone on its line takes the paragraph before.
            // The line start since the previous signature (text before `floor` is taken).
            let line_start = t[floor..dash.start]
                .rfind('\n')
                .map_or(floor, |p| floor + p + 1);
            let mut end = dash.start;
            if t[line_start..dash.start].trim().is_empty() {
                end = t[floor..line_start].trim_end().len() + floor;
            }
            let certain = text::paragraph_start(t, end, floor, lines);
            // Earlier lines or paragraphs of the same post, where structure tells.
            let author = author_words(&t[sig.handle.clone()], &t[sig.name.clone()]);
            let mut start = text::post_start(t, certain, end, floor, lines, &author, free);
            if let Some(m) = LEAD_IN.find_iter(&t[start..end]).last() {
                start += m.end();
            }
            let joined;
            let body = if start < certain {
                joined = text::join_lines(&t[start..end]);
                joined.as_str()
            } else {
                t[start..end].trim()
            };
            if !body.is_empty() {
                let lead = t[start..end].len() - t[start..end].trim_start().len();
                span_start = start + lead;
                post.media = text::media_tokens(body);
                post.links = text::url_tokens(body)
                    .into_iter()
                    .filter(|u| text::media_tokens(u).is_empty())
                    .collect();
                post.text = Some(body.to_string());
            }
        } else {
            // Without a dash the flattening lost where the text starts: keep the media link
            // that sits right before the signature, and say why the text is missing.
            let before = t[floor..sig.start].trim_end();
            if let Some(m) = text::media_tokens(before).last()
                && before.ends_with(m.as_str())
            {
                post.media = vec![m.clone()];
            }
            post.notes
                .push("flattened without a dash: where the post text starts is unknown".into());
        }
        let span = span_start..sig.date.end;
        floor = sig.date.end;
        post.span = page.page_span(span);
        out.push(post);
    }
    out.extend(labelled_lines(page, view, &out));
    out
}

/// Lines of the form `Twitter: Name - text`: the text fallback some publishers (the
/// Telegraph's tweet frames) leave when the embed is flattened. No handle or date survives.
static LABELLED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*Twitter: ([^\n]{1,50}?) - ([^\n]*[^\s])[ \t]*$").expect("valid regex")
});

fn labelled_lines(page: &Page<'_>, view: &TextView, found: &[Post]) -> Vec<Post> {
    let t = view.text.as_str();
    let mut out = Vec::new();
    for c in LABELLED_LINE.captures_iter(t) {
        let (Some(name), Some(body)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let span = name.start()..body.end();
        let span = page.page_span(span);
        if found
            .iter()
            .any(|p| p.span.start < span.end && span.start < p.span.end)
        {
            continue;
        }
        let mut post = Post::new(
            Platform::Twitter,
            Kind::Embed,
            Form::Text,
            "twitter/text-labelled",
        );
        post.display_name = Some(name.as_str().trim().to_string());
        let body = body.as_str().trim();
        post.media = text::media_tokens(body);
        post.links = text::url_tokens(body)
            .into_iter()
            .filter(|u| text::media_tokens(u).is_empty())
            .collect();
        post.text = Some(body.to_string());
        post.span = span;
        out.push(post);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_url_forms() {
        let want = |h: Option<&str>| StatusRef {
            handle: h.map(str::to_string),
            id: "1427632593688211498".into(),
            mirror: false,
        };
        for u in [
            "https://twitter.com/coastal_lab/status/1427632593688211498?ref_src=twsrc%5Etfw",
            "http://www.twitter.com/coastal_lab/statuses/1427632593688211498",
            "//mobile.twitter.com/coastal_lab/status/1427632593688211498/photo/1",
            "https://x.com/coastal_lab/status/1427632593688211498?s=20",
            "https://twitter.com/#!/coastal_lab/status/1427632593688211498",
            "twitter.com/coastal_lab/status/1427632593688211498",
        ] {
            assert_eq!(parse_status_url(u), Some(want(Some("coastal_lab"))), "{u}");
        }
        assert_eq!(
            parse_status_url("https://twitter.com/i/web/status/1427632593688211498"),
            Some(want(None))
        );
        assert_eq!(
            parse_status_url("https://x.com/i/status/1427632593688211498"),
            Some(want(None))
        );
        for u in [
            "https://twitter.com/coastal_lab",
            "https://twitter.com/intent/tweet?text=x",
            "https://twitter.com/i/moments/1427632593688211498",
            "https://twitter.com/hashtag/tide?src=hash",
            "https://example.com/coastal_lab/status/1427632593688211498",
            "https://twitter.com/coastal_lab/status/0123",
            "https://twitter.com/coastal_lab/status/99999999999999999999",
        ] {
            assert_eq!(parse_status_url(u), None, "{u}");
        }
    }

    #[test]
    fn snowflake_decodes_documented_examples() {
        let t = |id| snowflake_time(id).map(rfc3339);
        assert_eq!(
            t("885634330868850689").as_deref(),
            Some("2017-07-13T22:57:33.426Z")
        );
        assert_eq!(
            t("1427632593688211498").as_deref(),
            Some("2021-08-17T14:05:09.123Z")
        );
        assert_eq!(t("20"), None);
    }
}
