//! Detection: a decoded document in, the posts it embeds or mentions out.
//!
//! Invariants: no I/O, never fails; unrecognised input yields zero posts. Spans in the
//! returned posts are byte ranges of the document's decoded text.
//!
//! This file holds the platform table and the driver. Each platform is described whole by one
//! [`Detector`] in its own file (`twitter.rs`, `vk.rs`, …); the table lists them in the order
//! they run, and nothing outside a platform's file names that platform. The driver runs one
//! prefilter pass over the text, then each woken platform's own markup, then the shared forms
//! (`forms/`), then flattened text and links, and finally merges the copies of one post.

use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::decode::DocKind;
use crate::post::{Form, Kind, Platform, Post};

mod budget;
pub(crate) mod dates;
pub(crate) mod dom;
pub(crate) mod explain;
mod forms;
mod page;
mod prefilter;
pub(crate) mod tags;
pub(crate) mod text;
mod urls;
mod view;

pub(crate) use page::Page;

/// Declares the platform modules and the table in one list: adding a platform is one line here
/// (plus its file, its `Platform` variant and its samples folder).
macro_rules! platforms {
    ($($name:ident,)*) => {
        $(mod $name;)*

        /// The platform table, in try order.
        static DETECTORS: &[&Detector] = &[$(&$name::PLATFORM,)*];
    };
}

platforms! {
    twitter,
    instagram,
    tiktok,
    facebook,
    youtube,
    bluesky,
    mastodon,
    threads,
    reddit,
    telegram,
    linkedin,
    vk,
    tumblr,
}

/// A post named by a URL or an ID in the markup: its platform and canonical identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PostRef {
    /// The platform.
    pub platform: Platform,
    /// The post ID in the platform's canonical form.
    pub post_id: String,
    /// The canonical URL.
    pub url: String,
    /// The author's handle when the URL or attribute carries it.
    pub handle: Option<String>,
}

impl PostRef {
    /// A post record with this identity, and the time its ID encodes where the platform's rule
    /// is confirmed.
    pub fn to_post(&self, kind: Kind, form: Form, detector: &str) -> Post {
        let mut p = Post::new(self.platform, kind, form, detector);
        p.post_id = Some(self.post_id.clone());
        p.url = Some(self.url.clone());
        p.handle = self.handle.clone();
        p.created_at = id_time(self.platform, &self.post_id);
        p
    }

    /// [`PostRef::to_post`] with the detector named `<platform>/<how>` and the span set.
    pub fn found(&self, kind: Kind, form: Form, how: &str, span: Range<usize>) -> Post {
        let mut p = self.to_post(kind, form, &format!("{}/{how}", self.platform.as_str()));
        p.span = span;
        p
    }
}

/// An AMP component of a platform: the element and the attribute that names the post (a URL
/// or a bare ID).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Amp {
    /// The element name (`amp-twitter`).
    pub element: &'static str,
    /// The attribute holding the post's URL or ID (`data-tweetid`).
    pub attr: &'static str,
}

/// Everything embedvault knows about one platform. Each platform file exports one as
/// `PLATFORM`; fields a platform does not need keep the values of [`Detector::BASE`].
pub(crate) struct Detector {
    /// The platform it finds.
    pub platform: Platform,
    /// Strings of four bytes or more of which at least one must occur in the text for this
    /// platform's detectors to run (matched as written; list each spelling pages use).
    pub markers: &'static [&'static str],
    /// Markers shorter than four bytes (`(@`), found by a byte search for their last byte.
    pub short_markers: &'static [&'static str],
    /// Finds the platform's own embed markup (blockquotes, widgets, cards).
    pub markup: fn(&mut Page<'_>) -> Vec<Post>,
    /// Finds flattened embeds in the page's text view (after all markup is claimed).
    pub text: fn(&Page<'_>) -> Vec<Post>,
    /// Its flattened form is a bare signature that other platforms' footers also contain, so
    /// it reads the text after every other platform has claimed its own.
    pub text_last: bool,
    /// Reads a post URL of this platform (any host and path form, embed URLs included).
    pub parse_url: fn(&str) -> Option<PostRef>,
    /// Reads a post from a placeholder attribute (`data-tweet-id`…): the attribute's name, its
    /// value, and whether the element names this platform (in a class or another attribute),
    /// which generic ID attributes need.
    pub id_attr: fn(&str, &str, bool) -> Option<PostRef>,
    /// Reads a bare post ID as the platform writes it in its own attributes (AMP components).
    pub bare_id: fn(&str) -> Option<PostRef>,
    /// The platform's AMP components.
    pub amp: &'static [Amp],
    /// The creation time a post ID encodes, where the platform's rule is confirmed.
    pub id_time: fn(&str) -> Option<DateTime<Utc>>,
    /// The identity key of a post ID: the ID itself, or the ID with the scope it is unique in
    /// (a server's host), read from the post's canonical URL.
    pub identity: fn(&str, Option<&str>) -> String,
    /// Tidies a post text read from any form, so that every copy of one post reads alike.
    pub tidy_text: fn(String) -> String,
    /// Words that name the platform in class names, provider attributes and image labels.
    pub names: &'static [&'static str],
    /// The platform's own web hosts (subdomains included).
    pub hosts: &'static [&'static str],
    /// Other names people give the platform on the command line (`x`, `fb`), each with the
    /// host it narrows the platform to, for a server of a federated platform (`truthsocial`).
    pub aliases: &'static [(&'static str, Option<&'static str>)],
    /// How its posts are drawn in a report.
    pub look: Look,
}

/// How a platform's posts are drawn in a report: its name, its colour (white text on it meets
/// WCAG AA), and where its profiles and hashtags live on the web (the handle or tag is
/// appended).
#[derive(Debug)]
pub(crate) struct Look {
    /// The platform's name as people write it.
    pub label: &'static str,
    /// A `#rrggbb` colour.
    pub colour: &'static str,
    /// The URL a handle is appended to for its profile, where that is one address per handle.
    pub profile: Option<&'static str>,
    /// The URL a hashtag (without `#`) is appended to.
    pub hashtag: Option<&'static str>,
}

impl Detector {
    /// A platform that knows nothing: the defaults a platform file overrides.
    pub const BASE: Detector = Detector {
        platform: Platform::Twitter,
        markers: &[],
        short_markers: &[],
        markup: |_| Vec::new(),
        text: |_| Vec::new(),
        text_last: false,
        parse_url: |_| None,
        id_attr: |_, _, _| None,
        bare_id: |_| None,
        amp: &[],
        id_time: |_| None,
        identity: |id, _| id.to_string(),
        tidy_text: |t| t,
        names: &[],
        hosts: &[],
        aliases: &[],
        look: Look {
            label: "",
            colour: "#57606a",
            profile: None,
            hashtag: None,
        },
    };
}

/// How a platform's posts are drawn in a report.
pub(crate) fn look(platform: Platform) -> &'static Look {
    &detector(platform).look
}

/// The platform's entry in the table.
fn detector(platform: Platform) -> &'static Detector {
    DETECTORS
        .iter()
        .copied()
        .find(|d| d.platform == platform)
        .unwrap_or(&Detector::BASE)
}

/// The platform a name given on the command line means (its own name or an alias, any case),
/// with the host an alias narrows it to.
pub(crate) fn platform_named(name: &str) -> Option<(Platform, Option<&'static str>)> {
    let name = name.trim().to_lowercase();
    DETECTORS.iter().find_map(|d| {
        if d.platform.as_str() == name {
            return Some((d.platform, None));
        }
        d.aliases
            .iter()
            .find(|(a, _)| *a == name)
            .map(|(_, host)| (d.platform, *host))
    })
}

/// Every name [`platform_named`] takes: each platform's own, then its aliases in brackets.
pub(crate) fn platform_names() -> Vec<String> {
    DETECTORS
        .iter()
        .map(|d| {
            let aliases: Vec<&str> = d.aliases.iter().map(|(a, _)| *a).collect();
            if aliases.is_empty() {
                d.platform.as_str().to_string()
            } else {
                format!("{} ({})", d.platform, aliases.join(", "))
            }
        })
        .collect()
}

/// The creation time an ID encodes, RFC 3339 UTC, for the platforms whose rule is confirmed.
pub(crate) fn id_time(platform: Platform, id: &str) -> Option<String> {
    let t = (detector(platform).id_time)(id)?;
    Some(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// The identity key of a post ID on a platform (see [`Detector::identity`]).
pub(crate) fn identity_key(platform: Platform, id: &str, url: Option<&str>) -> String {
    (detector(platform).identity)(id, url)
}

/// Whether `host` belongs to a platform other than `platform`.
pub(crate) fn is_other_platform_host(platform: Platform, host: &urls::Parts<'_>) -> bool {
    DETECTORS
        .iter()
        .filter(|d| d.platform != platform)
        .any(|d| d.hosts.iter().any(|h| host.host_is(h)))
}

/// Reads a post URL of any platform. A URL that wraps another one (an oEmbed or proxy
/// endpoint with `url=`/`href=`, or an image service with the post URL in its path) is read
/// through to the inner URL.
pub(crate) fn parse_post_url(s: &str) -> Option<PostRef> {
    parse_post_url_depth(s, 0)
}

fn parse_post_url_depth(s: &str, depth: usize) -> Option<PostRef> {
    let s = s.trim();
    if s.len() > 4096 || !prefilter::may_name_a_post(s) {
        return None;
    }
    if let Some(r) = DETECTORS.iter().find_map(|d| (d.parse_url)(s)) {
        return Some(r);
    }
    if depth >= 2 {
        return None;
    }
    let p = urls::parts(s)?;
    for name in ["url", "href", "u"] {
        if let Some(inner) = p.param(name)
            && let Some(r) = parse_post_url_depth(&inner, depth + 1)
        {
            return Some(r);
        }
    }
    // An absolute URL inside the path (`…/socialembed/https://twitter.com/…`).
    let path_and_query = &s[s.find(p.path).unwrap_or(0)..];
    for scheme in ["https://", "http://", "https%3A%2F%2F", "https%3a%2f%2f"] {
        if let Some(at) = path_and_query.find(scheme) {
            let inner = &path_and_query[at..];
            let decoded: String = url::form_urlencoded::parse(format!("x={inner}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            if let Some(r) = parse_post_url_depth(&decoded, depth + 1) {
                return Some(r);
            }
        }
    }
    None
}

/// Finds every post in a decoded document, sorted by position. `exhaustive` takes the
/// whole-document path: every detector runs, every start tag and text run is examined and text
/// views are always built, whatever the prefilter saw. It finds exactly what the fast path
/// finds (the tests check this on every sample and the labelled corpora); it exists to prove
/// that the prefilter and the fragment-local search lose nothing, and is several times slower.
///
/// `limit` bounds the time spent (see [`budget`]): `None` when it ran out, so that the input is
/// reported as not read rather than half-read. A detection inside another (a JSON document in a
/// page) ends no later than the outer one.
pub(crate) fn detect(
    text: &str,
    kind: DocKind,
    exhaustive: bool,
    limit: Option<std::time::Duration>,
) -> Option<Vec<Post>> {
    let budget = budget::Budget::start(limit);
    let posts = detect_depth(text, kind, 0, exhaustive);
    (!budget.ran_out()).then_some(posts)
}

/// Detection at a nesting depth: depth 0 is the document; deeper levels are embed code found
/// inside script strings or escaped attributes, where only markup forms are looked for.
fn detect_depth(text: &str, kind: DocKind, depth: usize, exhaustive: bool) -> Vec<Post> {
    let hits = prefilter::prefilter(text);
    let woken: Vec<bool> = if exhaustive {
        vec![true; DETECTORS.len()]
    } else if hits.at.is_empty() {
        return Vec::new();
    } else {
        hits.woken.clone()
    };
    let mut page = Page::new(text, kind, hits, depth, exhaustive);
    let mut posts = Vec::new();
    for (d, _) in DETECTORS.iter().zip(&woken).filter(|(_, w)| **w) {
        if budget::spent() {
            return Vec::new();
        }
        let found = (d.markup)(&mut page);
        for p in &found {
            page.claim(p.span.clone());
        }
        posts.extend(found);
    }
    posts.extend(forms::markup(&mut page));
    if depth == 0 {
        for last in [false, true] {
            let woken = DETECTORS.iter().zip(&woken).filter(|(_, w)| **w);
            for (d, _) in woken.filter(|(d, _)| d.text_last == last) {
                if budget::spent() {
                    return Vec::new();
                }
                let found = (d.text)(&page);
                for p in &found {
                    page.claim(p.span.clone());
                }
                posts.extend(found);
            }
        }
        posts.extend(forms::links(&page));
    }
    if budget::spent() {
        return Vec::new();
    }
    for p in &mut posts {
        // Reader comments are not the article: what they hold is at most a mention.
        if p.kind == Kind::Embed && page.region_at(p.span.start) == Some(page::Region::Comments) {
            p.kind = Kind::Mention;
            p.notes.push("in the page's reader comments".into());
        }
        if let Some(t) = p.text.take() {
            p.text = Some((detector(p.platform).tidy_text)(t)).filter(|t| !t.is_empty());
        }
        if kind != DocKind::Html && p.form != Form::Text {
            unescape_markdown(p);
        }
    }
    let mut posts = forms::merge_copies(posts);
    posts.sort_by(|a, b| {
        (a.span.start, a.span.end, a.kind).cmp(&(b.span.start, b.span.end, b.kind))
    });
    posts.dedup_by(|b, a| a.span == b.span && a.kind == b.kind && a.identity() == b.identity());
    posts
}

/// Embed markup pasted into Markdown sources may carry Markdown's backslash escapes (`I\'m`,
/// `\#tag`, from converters such as Pandoc); a reader sees the characters without them.
fn unescape_markdown(p: &mut Post) {
    fn un(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\'
                && let Some(&n) = chars.peek()
                && "\\'\"`*_{}[]()#+-.!|<>~".contains(n)
            {
                out.push(n);
                chars.next();
                continue;
            }
            out.push(c);
        }
        out
    }
    for f in [&mut p.text, &mut p.display_name] {
        if let Some(v) = f.as_mut()
            && v.contains('\\')
        {
            *v = un(v);
        }
    }
}

/// The lower-case words of a class list, an ID, an attribute or element name: split at every
/// character that is not a letter or digit and between a lower-case letter and an upper-case
/// one (`TwitterEmbedContainer` → `twitter`, `embed`, `container`).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether `hay` (class, ID and data values) names one of `names` as a word.
fn names_any(hay: &str, names: &[&str]) -> bool {
    words(hay).iter().any(|t| names.contains(&t.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_one_entry_and_its_own_file() {
        for p in Platform::ALL {
            let n = DETECTORS.iter().filter(|d| d.platform == *p).count();
            assert_eq!(n, 1, "{p}: {n} table entries");
        }
        assert_eq!(DETECTORS.len(), Platform::ALL.len());
    }

    #[test]
    fn markers_suit_their_searchers() {
        for d in DETECTORS {
            for m in d.markers {
                assert!(m.len() >= 4, "{}: long marker {m:?}", d.platform);
            }
            for m in d.short_markers {
                assert!(
                    (1..4).contains(&m.len()),
                    "{}: short marker {m:?}",
                    d.platform
                );
            }
        }
    }
}
