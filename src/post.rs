//! The record: one embedded (or mentioned) post, with where it was found.
//!
//! The JSON names of [`Post`] and [`Source`] are a public interface: people script against them.
//! Fields may be added, never renamed or removed. The struct is the one list of the record's
//! fields: merging, the store's columns and the command line's outputs all go through its
//! serialised form rather than naming the fields again.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Declares a closed set of names: the enum, its list, its name as written in records and on
/// the command line, and parsing from that name.
macro_rules! names {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $( $(#[$doc:meta])* $variant:ident = $name:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $ty {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant,)*];

            /// The name, as in the JSON record and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                }
            }
        }

        impl FromStr for $ty {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<$ty, UnknownName> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownName {
                        what: stringify!($ty),
                        name: s.to_string(),
                    })
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A name that is not one of a closed set (a platform, kind or form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being named (`Platform`, `Kind`, `Form`).
    pub what: &'static str,
    /// The name given.
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.what.to_lowercase(), self.name)
    }
}

impl std::error::Error for UnknownName {}

names! {
    /// The platform a post belongs to. The name is the word used everywhere for it:
    /// `samples/<name>/`, `src/detect/<name>.rs`, `--platform <name>`. Everything else embedvault
    /// knows about a platform lives in its detector file.
    pub enum Platform {
        /// Twitter / X.
        Twitter = "twitter",
        /// Instagram.
        Instagram = "instagram",
        /// TikTok.
        Tiktok = "tiktok",
        /// Facebook.
        Facebook = "facebook",
        /// YouTube.
        Youtube = "youtube",
        /// Bluesky.
        Bluesky = "bluesky",
        /// Mastodon and compatible servers (Truth Social included).
        Mastodon = "mastodon",
        /// Threads.
        Threads = "threads",
        /// Reddit.
        Reddit = "reddit",
        /// Telegram.
        Telegram = "telegram",
        /// LinkedIn.
        Linkedin = "linkedin",
        /// VK (VKontakte).
        Vk = "vk",
        /// Tumblr.
        Tumblr = "tumblr",
    }
}

names! {
    /// Whether the page shows the post (an embed) or only links to it in prose (a mention).
    pub enum Kind {
        /// The page embeds the post: its markup (or its flattened text) shows the post.
        Embed = "embed",
        /// The page only links to the post in running prose.
        Mention = "mention",
    }
}

names! {
    /// The shape the post had in the input.
    pub enum Form {
        /// The platform's fallback blockquote (publish.twitter.com and kin).
        Blockquote = "blockquote",
        /// A flattened embed in plain text (or in an HTML paragraph).
        Text = "text",
        /// A bare link to the post (mentions, and URLs alone on their line).
        Link = "link",
        /// A rendered widget or embed iframe.
        Iframe = "iframe",
        /// An AMP component.
        Amp = "amp",
        /// Embed code found only inside script data.
        Script = "script",
        /// A lazy or CMS placeholder carrying the post in `data-*` attributes.
        DataAttr = "data-attr",
        /// A publisher's own server-rendered card of the post.
        Card = "card",
        /// A legacy `<object>`/`<embed>` player.
        Object = "object",
    }
}

/// Where a post was found: the input, and the exact span in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The input's path as given on the command line or found by walking a folder; `None` for
    /// standard input.
    pub path: Option<String>,
    /// The article's URL when known (the page's canonical link or `og:url`).
    pub url: Option<String>,
    /// Hex SHA-256 of the input bytes (after decompression).
    pub sha256: String,
    /// Byte offset of the embed's first byte in the input bytes (after decompression, before
    /// charset decoding).
    pub start: usize,
    /// Byte offset one past the embed's last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// The charset the input was decoded with (WHATWG name).
    pub charset: String,
    /// Which rule chose the charset: `bom`, `meta`, `utf8`, `detected`, `meta-overridden`, `default`.
    pub charset_rule: String,
    /// Other places in the same input that hold a copy of this post (page state that repeats
    /// the story, a second copy of the article): one post in one input is one record. Absent
    /// when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<Copy>,
    /// The site or publication the article belongs to, as it names itself (`og:site_name`,
    /// the publisher), when it does. Absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// For an input read from a web archive: the record it is (file, offset, length, record
    /// ID, target URI, date). `path` is then the archive file and the span is in the record's
    /// payload. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warc: Option<WarcRecord>,
    /// For a page fetched from a URL: the request and what answered it. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchInfo>,
}

/// Where a record of a web archive (WARC, or a WARC inside a WACZ package) is, and what its
/// headers say.
///
/// With `offsets: "file"`, `dd if=FILE bs=1 skip=OFFSET count=LENGTH` gives the record; with
/// `"gzip-member"`, it gives the gzip member holding the record (pipe it through `zcat`); with
/// `"decompressed"` (a WARC compressed as one gzip stream), the offset and length are in the
/// decompressed file (`zcat FILE | dd …`). In a WACZ package whose WARC is stored uncompressed
/// (as the format asks), offsets are in the package file itself; in one stored deflated they are
/// in its `entry`, and `offsets` says so (`entry-file`, `entry-gzip-member`,
/// `entry-decompressed`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarcRecord {
    /// The WARC (or WACZ) file, absolute; `-` for a web archive read from standard input.
    pub file: String,
    /// The WARC's name inside a WACZ package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Where the record (or its gzip member) starts.
    pub offset: u64,
    /// How many bytes it takes from there.
    pub length: u64,
    /// What `offset` and `length` count: `file`, `gzip-member` or `decompressed` (prefixed
    /// `entry-` inside a deflated WACZ entry).
    pub offsets: String,
    /// `WARC-Record-ID`.
    pub record_id: Option<String>,
    /// `WARC-Target-URI`: the article's URL.
    pub target_uri: Option<String>,
    /// `WARC-Date`.
    pub date: Option<String>,
    /// The HTTP status of a `response` record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The payload's `Content-Type` as served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// How a page was fetched: the URL asked for, where it ended, and the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchInfo {
    /// The URL as given.
    pub requested_url: String,
    /// The URL the page was served from, after redirects.
    pub final_url: String,
    /// The URLs redirected through, in order (empty when none).
    #[serde(default)]
    pub redirects: Vec<String>,
    /// The HTTP status of the final response.
    pub status: u16,
    /// The `Content-Type` it was served with.
    pub content_type: Option<String>,
    /// When it was fetched (RFC 3339 UTC).
    pub fetched_at: String,
}

/// Another place in an input that holds a copy of a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copy {
    /// Byte offset of the copy's first byte in the input bytes.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
}

/// One post found in an input. Two records are equal when every field of the record is
/// (provenance included).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Post {
    /// The platform.
    pub platform: Platform,
    /// Embed or mention.
    pub kind: Kind,
    /// The shape it had in the input.
    pub form: Form,
    /// The platform's post ID, as a string; `None` when the input does not carry it (flattened
    /// text).
    pub post_id: Option<String>,
    /// The canonical post URL.
    pub url: Option<String>,
    /// The author's handle, without `@`, as shown.
    pub handle: Option<String>,
    /// The author's display name as shown (entities decoded, emoji kept).
    pub display_name: Option<String>,
    /// The date exactly as shown.
    pub date_text: Option<String>,
    /// `YYYY-MM-DD` parsed from `date_text`.
    pub date: Option<String>,
    /// RFC 3339 UTC time decoded from the post ID, where the ID encodes one.
    pub created_at: Option<String>,
    /// The post's language as marked in the markup (`<p lang>`).
    pub lang: Option<String>,
    /// The post's text as displayed.
    pub text: Option<String>,
    /// Media links (`pic.twitter.com/…`, image/video URLs).
    pub media: Vec<String>,
    /// Other links in the text.
    pub links: Vec<String>,
    /// The canonical URL of a post this one quotes (a status link inside its text).
    pub quoted_url: Option<String>,
    /// Where it was found.
    pub source: Source,
    /// Which detector found it, e.g. `twitter/blockquote`.
    pub detector: String,
    /// Remarks about doubtful or conflicting fields (e.g. a shown date that disagrees with the
    /// ID's time).
    pub notes: Vec<String>,
    /// The span in the decoded text (internal; the byte span of the input is in `source`).
    #[serde(skip)]
    pub(crate) span: Range<usize>,
    /// The spans in the decoded text of other copies of this post (internal; see
    /// `Source::copies`).
    #[serde(skip)]
    pub(crate) copy_spans: Vec<Range<usize>>,
}

impl PartialEq for Post {
    fn eq(&self, other: &Post) -> bool {
        self.to_map() == other.to_map()
    }
}

impl Eq for Post {}

/// Fields of the serialised record that say how and where a copy was found rather than what the
/// post is: merging copies leaves them to the copy that leads.
const NOT_CONTENT: &[&str] = &["platform", "kind", "form", "source", "detector", "notes"];

/// Values of a post's fields that one copy gives differently from another: field name → the
/// other copy's value.
pub type Conflicts = Map<String, Value>;

impl Post {
    /// A post with only the platform, kind, form and detector set; detectors fill the rest.
    pub(crate) fn new(platform: Platform, kind: Kind, form: Form, detector: &str) -> Post {
        Post {
            platform,
            kind,
            form,
            post_id: None,
            url: None,
            handle: None,
            display_name: None,
            date_text: None,
            date: None,
            created_at: None,
            lang: None,
            text: None,
            media: Vec::new(),
            links: Vec::new(),
            quoted_url: None,
            source: Source::default(),
            detector: detector.to_string(),
            notes: Vec::new(),
            span: 0..0,
            copy_spans: Vec::new(),
        }
    }

    /// The JSON field names of the record, in order.
    pub fn field_names() -> Vec<String> {
        Post::new(Platform::Twitter, Kind::Embed, Form::Text, "")
            .to_map()
            .keys()
            .cloned()
            .collect()
    }

    /// The post's identity key: platform + post ID where there is one (with the scope the
    /// platform's IDs need, such as a Mastodon server's host), otherwise platform + handle +
    /// date + normalised text. Two records with the same key are the same post.
    pub fn identity(&self) -> String {
        match &self.post_id {
            Some(id) => {
                let key = crate::detect::identity_key(self.platform, id, self.url.as_deref());
                format!("{}:id:{key}", self.platform.as_str())
            }
            None => format!(
                "{}:sig:{}|{}|{}",
                self.platform.as_str(),
                self.handle.as_deref().unwrap_or("").to_lowercase(),
                self.date.as_deref().unwrap_or(""),
                normalise_text(self.text.as_deref().unwrap_or(""))
            ),
        }
    }

    /// The key that joins copies of one post whether or not they carry its ID: platform,
    /// handle, date and normalised text. `None` when any of them is missing.
    pub fn signature(&self) -> Option<String> {
        let handle = self.handle.as_deref()?.to_lowercase();
        let date = self.date.as_deref()?;
        let text = normalise_text(self.text.as_deref()?);
        if text.is_empty() {
            return None;
        }
        Some(format!("{}|{handle}|{date}|{text}", self.platform.as_str()))
    }

    /// Sets the date as shown (white space collapsed) and the day parsed from it.
    pub(crate) fn set_date(&mut self, shown: &str) {
        let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        self.date = crate::detect::dates::parse_date(&shown).map(|d| d.to_string());
        self.date_text = Some(shown);
    }

    /// The record's fields as a JSON object (provenance included).
    pub(crate) fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// A record from its JSON object (as [`Post::to_map`] gives it).
    pub(crate) fn from_map(map: Map<String, Value>) -> Option<Post> {
        serde_json::from_value(Value::Object(map)).ok()
    }

    /// How many content fields carry a value; the richer of two copies of one post leads.
    pub(crate) fn richness(&self) -> usize {
        self.to_map()
            .iter()
            .filter(|(k, v)| !NOT_CONTENT.contains(&k.as_str()) && !is_empty(v))
            .count()
    }

    /// Merges another copy of this post into this one: fields this copy lacks are taken from
    /// `other`, fields both have are kept, and `other`'s values that differ (beyond white space,
    /// or case for handles) are returned. Notes accumulate. Provenance (form, detector, source,
    /// span) stays this copy's.
    pub(crate) fn merge_from(&mut self, other: &Post) -> Conflicts {
        let mut mine = self.to_map();
        let mut conflicts = Conflicts::new();
        for (name, theirs) in other.to_map() {
            if NOT_CONTENT.contains(&name.as_str()) || is_empty(&theirs) {
                continue;
            }
            match mine.get(&name) {
                Some(v) if !is_empty(v) => {
                    if !same_value(&name, v, &theirs) {
                        conflicts.insert(name, theirs);
                    }
                }
                _ => {
                    mine.insert(name, theirs);
                }
            }
        }
        let span = self.span.clone();
        let copy_spans = std::mem::take(&mut self.copy_spans);
        let mut notes = std::mem::take(&mut self.notes);
        for n in &other.notes {
            if !notes.contains(n) {
                notes.push(n.clone());
            }
        }
        if let Some(mut merged) = Post::from_map(mine) {
            merged.span = span;
            merged.copy_spans = copy_spans;
            merged.notes = notes;
            *self = merged;
        } else {
            self.copy_spans = copy_spans;
            self.notes = notes;
        }
        conflicts
    }
}

/// A field value that says nothing: null, an empty list or an empty string.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Whether two values of a field are the same up to white space and Unicode normalisation
/// (and, for handles, case).
fn same_value(name: &str, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) if name == "handle" => a.eq_ignore_ascii_case(b),
        (Value::String(a), Value::String(b)) => a == b || normalise_text(a) == normalise_text(b),
        _ => a == b,
    }
}

/// Lower-cased, NFC, white space collapsed: how two copies of one text are compared.
pub(crate) fn normalise_text(t: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    // Most text is already composed (ASCII always is): the quick check spares the copy.
    let composed: std::borrow::Cow<'_, str> = if is_nfc_quick(t.chars()) == IsNormalized::Yes {
        t.into()
    } else {
        t.nfc().collect::<String>().into()
    };
    composed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::normalise_text;

    #[test]
    fn normalised_text_is_composed_collapsed_and_lowercased_whatever_form_it_came_in() {
        // Composed and decomposed `é`, and text that is composed already (the quick path).
        assert_eq!(normalise_text("Cafe\u{301}  au\tlait"), "café au lait");
        assert_eq!(normalise_text("Caf\u{e9} au lait"), "café au lait");
        assert_eq!(normalise_text(" Plain  ASCII\ntext "), "plain ascii text");
    }
}
