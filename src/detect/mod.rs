//! Detection: a decoded document in, the posts it embeds or mentions out.
//!
//! Invariants: no I/O, never fails; unrecognised input yields zero posts. Spans in the
//! returned posts are byte ranges of the document's decoded text.
//!
//! One detector per platform, listed in [`DETECTORS`] in the order they run. A single
//! multi-pattern pass over the text (the prefilter) finds every detector's markers first, so a
//! page with none of them is never parsed at all.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::decode::DocKind;
use crate::post::{Form, Kind, Platform, Post};

pub mod bluesky;
pub mod dates;
pub mod dom;
pub mod facebook;
pub mod forms;
pub mod instagram;
pub mod linkedin;
pub mod mastodon;
pub mod reddit;
pub mod telegram;
pub mod text;
pub mod threads;
pub mod tiktok;
pub mod twitter;
pub mod urls;
pub mod youtube;

/// A post named by a URL or an ID in the markup: its platform and canonical identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRef {
    /// The platform.
    pub platform: Platform,
    /// The post ID in the platform's canonical form (EMBED_FORMATS.md §14).
    pub post_id: String,
    /// The canonical URL.
    pub url: String,
    /// The author's handle when the URL or attribute carries it.
    pub handle: Option<String>,
}

impl PostRef {
    /// A post record with this identity, and the time its ID encodes where the platform's rule
    /// is confirmed (Twitter snowflakes, Mastodon IDs, Bluesky TIDs).
    pub fn to_post(&self, kind: Kind, form: Form, detector: &str) -> Post {
        let mut p = Post::new(self.platform, kind, form, detector);
        p.post_id = Some(self.post_id.clone());
        p.url = Some(self.url.clone());
        p.handle = self.handle.clone();
        p.created_at = id_time(self.platform, &self.post_id);
        p
    }
}

/// The creation time an ID encodes, RFC 3339 UTC, for the platforms whose rule is confirmed.
pub fn id_time(platform: Platform, id: &str) -> Option<String> {
    let t = match platform {
        Platform::Twitter => twitter::snowflake_time(id),
        Platform::Mastodon => mastodon::id_time(id),
        Platform::Bluesky => bluesky::tid_time(id),
        _ => None,
    }?;
    Some(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

/// One platform's detector: the markers that make it worth running, its own markup, its
/// flattened-text forms, and how it reads its URLs and ID attributes (used by the shared
/// finders in [`forms`] for iframes, AMP, placeholders, scripts and links).
pub struct Detector {
    /// The platform it finds.
    pub platform: Platform,
    /// Strings (ASCII case-insensitive) of which at least one must occur in the text.
    pub markers: &'static [&'static str],
    /// Finds the platform's own embed markup (blockquotes, widgets); claims their spans.
    pub markup: fn(&mut Page<'_>) -> Vec<Post>,
    /// Finds flattened embeds in the page's text view (after all markup is claimed).
    pub text: fn(&Page<'_>) -> Vec<Post>,
    /// Reads a post URL of this platform (any host and path form, embed URLs included).
    pub parse_url: fn(&str) -> Option<PostRef>,
    /// Reads a post from an ID attribute (`data-tweet-id`…); `context` says whether the element
    /// names this platform (in a class or another attribute), which bare ID attributes need.
    pub id_attr: fn(&str, &str, bool) -> Option<PostRef>,
    /// AMP components of this platform: (element, identity attribute).
    pub amp: &'static [(&'static str, &'static str)],
    /// Words that name the platform in class names and provider attributes.
    pub names: &'static [&'static str],
}

fn no_text(_: &Page<'_>) -> Vec<Post> {
    Vec::new()
}

fn no_markup(_: &mut Page<'_>) -> Vec<Post> {
    Vec::new()
}

fn no_id_attr(_: &str, _: &str, _: bool) -> Option<PostRef> {
    None
}

/// The platform table, in try order.
pub static DETECTORS: &[Detector] = &[
    Detector {
        platform: Platform::Twitter,
        markers: twitter::MARKERS,
        markup: twitter::markup,
        text: twitter::text,
        parse_url: twitter::parse_url,
        id_attr: twitter::id_attr,
        amp: &[("amp-twitter", "data-tweetid")],
        names: &["twitter", "tweet", "x"],
    },
    Detector {
        platform: Platform::Instagram,
        markers: instagram::MARKERS,
        markup: instagram::markup,
        text: instagram::text,
        parse_url: instagram::parse_url,
        id_attr: instagram::id_attr,
        amp: &[("amp-instagram", "data-shortcode")],
        names: &["instagram"],
    },
    Detector {
        platform: Platform::Tiktok,
        markers: tiktok::MARKERS,
        markup: tiktok::markup,
        text: tiktok::text,
        parse_url: tiktok::parse_url,
        id_attr: tiktok::id_attr,
        amp: &[("amp-tiktok", "data-src")],
        names: &["tiktok"],
    },
    Detector {
        platform: Platform::Facebook,
        markers: facebook::MARKERS,
        markup: facebook::markup,
        text: facebook::text,
        parse_url: facebook::parse_url,
        id_attr: no_id_attr,
        amp: &[("amp-facebook", "data-href")],
        names: &["facebook"],
    },
    Detector {
        platform: Platform::Youtube,
        markers: youtube::MARKERS,
        markup: youtube::markup,
        text: no_text,
        parse_url: youtube::parse_url,
        id_attr: youtube::id_attr,
        amp: &[("amp-youtube", "data-videoid")],
        names: &["youtube"],
    },
    Detector {
        platform: Platform::Bluesky,
        markers: bluesky::MARKERS,
        markup: bluesky::markup,
        text: bluesky::text,
        parse_url: bluesky::parse_url,
        id_attr: no_id_attr,
        amp: &[],
        names: &["bluesky"],
    },
    Detector {
        platform: Platform::Mastodon,
        markers: mastodon::MARKERS,
        markup: mastodon::markup,
        text: mastodon::text,
        parse_url: mastodon::parse_url,
        id_attr: no_id_attr,
        amp: &[],
        names: &["mastodon"],
    },
    Detector {
        platform: Platform::Threads,
        markers: threads::MARKERS,
        markup: threads::markup,
        text: no_text,
        parse_url: threads::parse_url,
        id_attr: no_id_attr,
        amp: &[],
        names: &["threads"],
    },
    Detector {
        platform: Platform::Reddit,
        markers: reddit::MARKERS,
        markup: reddit::markup,
        text: reddit::text,
        parse_url: reddit::parse_url,
        id_attr: no_id_attr,
        amp: &[("amp-reddit", "data-src")],
        names: &["reddit"],
    },
    Detector {
        platform: Platform::Telegram,
        markers: telegram::MARKERS,
        markup: telegram::markup,
        text: no_text,
        parse_url: telegram::parse_url,
        id_attr: no_id_attr,
        amp: &[],
        names: &["telegram"],
    },
    Detector {
        platform: Platform::Linkedin,
        markers: linkedin::MARKERS,
        markup: no_markup,
        text: no_text,
        parse_url: linkedin::parse_url,
        id_attr: no_id_attr,
        amp: &[],
        names: &["linkedin"],
    },
];

/// Reads a post URL of any platform. A URL that wraps another one (an oEmbed or proxy
/// endpoint with `url=`/`href=`, or an image service with the post URL in its path) is read
/// through to the inner URL.
pub fn parse_post_url(s: &str) -> Option<PostRef> {
    parse_post_url_depth(s, 0)
}

fn parse_post_url_depth(s: &str, depth: usize) -> Option<PostRef> {
    let s = s.trim();
    if s.len() > 4096 || !may_name_a_post(s) {
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

/// Whether `s` holds any platform marker (a host word, `/@`, `at://`): a cheap test that spares
/// most attribute values and links the full URL parse of every platform.
fn may_name_a_post(s: &str) -> bool {
    let pf = &*PREFILTER;
    let hit = match &pf.packed {
        Some(searcher) => searcher.find(s).is_some(),
        None => pf.fallback.is_match(s),
    };
    hit || s.contains("/@") || s.starts_with("at://")
}

/// Markers of the shared forms (`forms.rs`): elements that carry embeds for any platform, and
/// embed code escaped inside scripts, attributes and text areas.
///
/// Elements are found through the platform markers inside them (a host in a URL, a platform
/// word in a class or element name), so only escaped embed code needs markers of its own. Every
/// marker is at least four bytes long and there are fewer than 32 in all, which keeps the packed
/// searcher on its fastest path; the two-byte signature markers `(@` and `/@` are found by a
/// separate `memmem` pass.
pub const FORM_MARKERS: &[&str] = &["&lt;blockquote", "&lt;iframe", "\\u003"];

/// Short markers found by `memmem` rather than the packed searcher: the flattened signature
/// `(@handle)` and Mastodon's `/@user` paths.
pub const SHORT_MARKERS: &[&str] = &["(@", "/@"];

/// The prefilter: every marker of every detector and of the shared forms, searched in one pass
/// with a packed multi-literal searcher (Teddy); pattern `i` wakes detector `owner[i]` (`None`:
/// the shared forms only).
struct Prefilter {
    packed: Option<aho_corasick::packed::Searcher>,
    fallback: AhoCorasick,
    owner: Vec<Option<usize>>,
    patterns: Vec<&'static str>,
}

static PREFILTER: LazyLock<Prefilter> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for (i, d) in DETECTORS.iter().enumerate() {
        for m in d.markers {
            patterns.push(*m);
            owner.push(Some(i));
        }
    }
    for m in FORM_MARKERS {
        patterns.push(*m);
        owner.push(None);
    }
    // Owners of the short markers (searched apart, but named in the same table).
    for m in SHORT_MARKERS {
        patterns.push(*m);
        owner.push(match *m {
            "(@" => Some(0),
            _ => DETECTORS
                .iter()
                .position(|d| d.platform == Platform::Mastodon),
        });
    }
    let searched = patterns.len() - SHORT_MARKERS.len();
    let packed = aho_corasick::packed::Config::new()
        .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(patterns[..searched].iter())
        .build();
    let fallback = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&patterns[..searched])
        .expect("static marker patterns build");
    Prefilter {
        packed,
        fallback,
        owner,
        patterns,
    }
});

/// Every marker occurrence in a text: (byte offset, pattern index).
#[derive(Debug, Default, Clone)]
pub struct Hits {
    /// Occurrences in text order.
    pub at: Vec<(usize, u16)>,
}

impl Hits {
    /// The pattern string of a hit.
    pub fn pattern(&self, id: u16) -> &'static str {
        PREFILTER.patterns[id as usize]
    }

    /// Offsets of the hits whose pattern is one of `patterns`.
    pub fn of<'s>(&'s self, patterns: &'s [&str]) -> impl Iterator<Item = usize> + 's {
        self.at
            .iter()
            .filter(move |(_, id)| patterns.contains(&PREFILTER.patterns[*id as usize]))
            .map(|(p, _)| *p)
    }
}

/// The one pass over the text: every marker occurrence, and which detectors have any.
pub fn prefilter(text: &str) -> (Vec<bool>, Hits) {
    let pf = &*PREFILTER;
    let mut hit = vec![false; DETECTORS.len()];
    let mut at = Vec::new();
    let mut record = |start: usize, pattern: usize| {
        if let Some(d) = pf.owner[pattern] {
            hit[d] = true;
        }
        at.push((start, pattern as u16));
    };
    match &pf.packed {
        Some(searcher) => {
            for m in searcher.find_iter(text) {
                record(m.start(), m.pattern().as_usize());
            }
        }
        None => {
            for m in pf.fallback.find_iter(text) {
                record(m.start(), m.pattern().as_usize());
            }
        }
    }
    // One pass for both short markers: every `@`, kept when `(` or `/` comes before it.
    let first_short = pf.patterns.len() - SHORT_MARKERS.len();
    let b = text.as_bytes();
    let mut short = false;
    for p in memchr::memchr_iter(b'@', b) {
        let k = match p.checked_sub(1).map(|q| b[q]) {
            Some(b'(') => 0,
            Some(b'/') => 1,
            _ => continue,
        };
        record(p - 1, first_short + k);
        short = true;
    }
    if short {
        at.sort_unstable();
    }
    (hit, Hits { at })
}

/// Finds every post in a decoded document, sorted by position.
pub fn detect(text: &str, kind: DocKind) -> Vec<Post> {
    detect_depth(text, kind, 0, false)
}

/// The whole-document path: every detector runs, every start tag and every text run of the
/// document is examined, and text views are always built, whatever the prefilter saw. It finds
/// exactly what [`detect`] finds (the tests check this on every sample and the whole corpus);
/// it exists to prove that the prefilter and the fragment-local search lose nothing, and is
/// several times slower.
pub fn detect_exhaustive(text: &str, kind: DocKind) -> Vec<Post> {
    detect_depth(text, kind, 0, true)
}

/// Detection at a nesting depth: depth 0 is the document; deeper levels are embed code found
/// inside script strings or escaped attributes, where only markup forms are looked for.
pub(crate) fn detect_depth(text: &str, kind: DocKind, depth: usize, exhaustive: bool) -> Vec<Post> {
    let (mut hits, marks) = prefilter(text);
    if exhaustive {
        hits = vec![true; DETECTORS.len()];
    } else if marks.at.is_empty() {
        return Vec::new();
    }
    let mut page = Page::new(text, kind, marks);
    page.depth = depth;
    page.exhaustive = exhaustive;
    let mut posts = Vec::new();
    for (d, hit) in DETECTORS.iter().zip(&hits) {
        if *hit {
            let found = (d.markup)(&mut page);
            for p in &found {
                page.claim(p.span.clone());
            }
            posts.extend(found);
        }
    }
    let found = forms::markup(&mut page);
    posts.extend(found);
    if depth == 0 {
        for (d, hit) in DETECTORS.iter().zip(&hits) {
            if *hit {
                let found = (d.text)(&page);
                for p in &found {
                    page.claim(p.span.clone());
                }
                posts.extend(found);
            }
        }
        posts.extend(forms::links(&page));
    }
    let mut posts = forms::merge_copies(posts);
    if kind == DocKind::Text {
        for p in &mut posts {
            if p.form != Form::Text {
                unescape_markdown(p);
            }
        }
    }
    posts.sort_by(|a, b| {
        (a.span.start, a.span.end, a.kind).cmp(&(b.span.start, b.span.end, b.kind))
    });
    posts.dedup_by(|b, a| a.span == b.span && a.identity() == b.identity() && a.kind == b.kind);
    posts
}

/// A document being searched: its text, where the opaque regions (scripts, styles, comments)
/// are, and which spans detectors have already claimed as embeds.
pub struct Page<'a> {
    /// The decoded text.
    pub text: &'a str,
    kind: DocKind,
    opaque: Vec<Range<usize>>,
    claimed: Vec<Range<usize>>,
    view: OnceCell<text::TextView>,
    /// Every marker occurrence, from the prefilter pass.
    pub hits: Hits,
    tags: OnceCell<Vec<dom::Tag>>,
    /// 0 for the document itself, more inside script strings and escaped markup.
    pub depth: usize,
    /// The whole-document path: look everywhere, not only where the prefilter saw markers.
    pub exhaustive: bool,
    /// Bytes of fragments parsed so far (see [`Page::fragment`]).
    parsed: std::cell::Cell<usize>,
}

/// Fragments past the parse budget are cut to this many bytes.
const CLIPPED_FRAGMENT: usize = 2048;

/// Openers of opaque regions, in the spellings pages use (a packed searcher has no case
/// folding, so upper- and title-case forms are listed); pattern `i` maps to `OPAQUE_KIND[i]`.
const OPAQUE_PATTERNS: &[&str] = &[
    "<!--",
    "<script",
    "<SCRIPT",
    "<Script",
    "<style",
    "<STYLE",
    "<textarea",
    "<TEXTAREA",
];
const OPAQUE_KIND: &[usize] = &[0, 1, 1, 1, 2, 2, 3, 3];

static OPAQUE_OPEN: LazyLock<aho_corasick::packed::Searcher> = LazyLock::new(|| {
    aho_corasick::packed::Config::new()
        .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(OPAQUE_PATTERNS)
        .build()
        .or_else(|| {
            aho_corasick::packed::Config::new()
                .only_rabin_karp(true)
                .builder()
                .extend(OPAQUE_PATTERNS)
                .build()
        })
        .expect("static patterns build")
});

impl<'a> Page<'a> {
    /// A page over `text`.
    pub fn new(text: &'a str, kind: DocKind, hits: Hits) -> Page<'a> {
        Page {
            text,
            kind,
            opaque: opaque_regions(text),
            claimed: Vec::new(),
            view: OnceCell::new(),
            hits,
            tags: OnceCell::new(),
            exhaustive: false,
            parsed: std::cell::Cell::new(0),
            depth: 0,
        }
    }

    /// Whether the document is HTML (otherwise it is text, possibly carrying raw embed HTML).
    pub fn is_html(&self) -> bool {
        self.kind == DocKind::Html
    }

    /// The text of a located element, to be parsed. Fragments of one page may overlap (nested
    /// or unclosed embeds), so the bytes parsed are budgeted: past twice the page's size (and at
    /// least 256 KiB), each further fragment is cut to its first 2 KiB. Real pages stay far below
    /// the budget; a page of thousands of unclosed embeds stays linear instead of quadratic.
    pub fn fragment(&self, span: Range<usize>) -> &'a str {
        let budget = (2 * self.text.len()).max(256 * 1024);
        let used = self.parsed.get();
        let end = if used > budget {
            dom::floor_char_boundary(self.text, (span.start + CLIPPED_FRAGMENT).min(span.end))
        } else {
            span.end
        };
        self.parsed.set(used + (end - span.start));
        &self.text[span.start..end.max(span.start)]
    }

    /// Marks a span as an embed, so later detectors leave its inside alone.
    pub fn claim(&mut self, span: Range<usize>) {
        if span.is_empty() {
            return;
        }
        let i = self.claimed.partition_point(|r| r.start < span.start);
        self.claimed.insert(i, span);
    }

    /// Whether `pos` lies inside a claimed span.
    pub fn is_claimed(&self, pos: usize) -> bool {
        in_ranges(&self.claimed, pos)
    }

    /// Whether `pos` lies in a script, style, comment or textarea.
    pub fn is_opaque(&self, pos: usize) -> bool {
        in_ranges(&self.opaque, pos)
    }

    /// The contents of scripts, styles, comments and textareas.
    pub fn opaque(&self) -> &[Range<usize>] {
        &self.opaque
    }

    /// The visible text, built on first use (claimed spans left out).
    pub fn text_view(&self) -> &text::TextView {
        self.view.get_or_init(|| {
            if self.is_html() {
                text::TextView::of_html(self.text, &merge(&self.claimed))
            } else {
                // Blank out claimed spans byte for byte (keeping offsets and line breaks) so
                // their text is not read twice.
                let mut t = String::with_capacity(self.text.len());
                let mut last = 0;
                for r in merge(&self.claimed) {
                    t.push_str(&self.text[last..r.start]);
                    for c in self.text[r.clone()].chars() {
                        if c == '\n' {
                            t.push('\n');
                        } else {
                            t.extend(std::iter::repeat_n(' ', c.len_utf8()));
                        }
                    }
                    last = r.end;
                }
                t.push_str(&self.text[last..]);
                text::TextView::identity(&t)
            }
        })
    }

    /// The start tags that hold a marker (in a name, class, attribute or URL), outside
    /// opaque regions, in text order: the only tags the detectors look at.
    pub fn marked_tags(&self) -> &[dom::Tag] {
        self.tags.get_or_init(|| {
            if self.exhaustive {
                return dom::Scanner::new(self.text, 0)
                    .filter(|t| t.kind == dom::TagKind::Start && !self.is_opaque(t.range.start))
                    .collect();
            }
            let mut out: Vec<dom::Tag> = Vec::new();
            for &(pos, _) in &self.hits.at {
                if out.last().is_some_and(|t| t.range.contains(&pos)) || self.is_opaque(pos) {
                    continue;
                }
                if let Some(tag) = enclosing_tag(self.text, pos)
                    && out.last().is_none_or(|t| t.range.start < tag.range.start)
                {
                    out.push(tag);
                }
            }
            out
        })
    }

    /// Marked start tags whose `class` (or JSX `className`) holds one of `classes` as a token.
    pub fn start_tags_with_class(&self, classes: &[&str]) -> Vec<dom::Tag> {
        let html = self.text;
        self.marked_tags()
            .iter()
            .filter(|tag| {
                tag.attr(html, "class")
                    .or_else(|| tag.attr(html, "classname"))
                    .is_some_and(|c| classes.iter().any(|k| dom::has_class(&c, k)))
            })
            .cloned()
            .collect()
    }

    /// Marked start tags named `name`.
    pub fn start_tags_named(&self, name: &str) -> Vec<dom::Tag> {
        self.marked_tags()
            .iter()
            .filter(|t| t.is(self.text, name))
            .cloned()
            .collect()
    }

    /// Whether a hit of one of `patterns` lies outside claimed spans and opaque regions.
    pub fn has_free_hit(&self, patterns: &[&str]) -> bool {
        self.exhaustive
            || self
                .hits
                .of(patterns)
                .any(|p| !self.is_claimed(p) && !self.is_opaque(p))
    }
}

fn in_ranges(ranges: &[Range<usize>], pos: usize) -> bool {
    let i = ranges.partition_point(|r| r.start <= pos);
    ranges[..i].iter().rev().take(8).any(|r| r.contains(&pos))
}

fn merge(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r.clone()),
        }
    }
    out
}

/// The tag whose `<…>` contains `pos`: the nearest `<` before it that lexes to a tag
/// spanning `pos` (a few candidates back, since attribute values may hold `<`).
fn enclosing_tag(html: &str, pos: usize) -> Option<dom::Tag> {
    let b = html.as_bytes();
    // A marker may start at the tag's own `<` (`<iframe`).
    let mut hi = (pos + 1).min(b.len());
    for _ in 0..4 {
        let lt =
            memchr::memrchr(b'<', &b[pos.saturating_sub(4096)..hi])? + pos.saturating_sub(4096);
        if let Some(tag) = dom::lex_tag(html, lt)
            && tag.range.end > pos
        {
            return (tag.kind == dom::TagKind::Start).then_some(tag);
        }
        hi = lt;
    }
    None
}

/// Finders for the end tags of the raw-text elements in `OPAQUE_OPEN` (script, style, textarea).
static CLOSERS: LazyLock<[AhoCorasick; 3]> = LazyLock::new(|| {
    ["</script", "</style", "</textarea"].map(|c| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build([c])
            .expect("static pattern builds")
    })
});

/// Scripts, styles, comments and textareas: regions whose text is not markup.
fn opaque_regions(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let Some(m) = OPAQUE_OPEN.find(&b[pos..]) else {
            break;
        };
        let start = pos + m.start();
        let (region_start, end) = match OPAQUE_KIND[m.pattern().as_usize()] {
            0 => (
                start,
                memchr::memmem::find(&b[start + 4..], b"-->")
                    .map_or(b.len(), |p| start + 4 + p + 3),
            ),
            k => {
                let name = ["", "script", "style", "textarea"][k];
                // Must be a real tag name, not `<scripts` or `<styleguide`.
                let after = b.get(start + 1 + name.len()).copied().unwrap_or(b'>');
                if !(after.is_ascii_whitespace() || after == b'>' || after == b'/') {
                    pos = start + 1;
                    continue;
                }
                // The start tag itself stays visible (its attributes may name a post, as
                // Telegram's widget script does); only the contents are opaque.
                let body = dom::lex_tag(text, start).map_or(start, |t| t.range.end);
                let end = CLOSERS[k - 1]
                    .find(&b[body..])
                    .map_or(b.len(), |c| body + c.start());
                (body, end)
            }
        };
        if end > region_start {
            out.push(region_start..end);
        }
        pos = end.max(start + 1);
    }
    out
}
