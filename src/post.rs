//! The record: one embedded (or mentioned) post, with where it was found.
//!
//! The JSON names of [`Post`] and [`Source`] are a public interface: people script against them.
//! Fields may be added, never renamed or removed.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// The platform a post belongs to. The lower-case name is the word used everywhere for it:
/// `samples/<name>/`, `detect/<name>.rs`, `--platform <name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Twitter / X.
    Twitter,
    /// Instagram.
    Instagram,
    /// TikTok.
    Tiktok,
    /// Facebook.
    Facebook,
    /// YouTube.
    Youtube,
    /// Bluesky.
    Bluesky,
    /// Mastodon and compatible servers (Truth Social included).
    Mastodon,
    /// Threads.
    Threads,
    /// Reddit.
    Reddit,
    /// Telegram.
    Telegram,
    /// LinkedIn.
    Linkedin,
}

impl Platform {
    /// Every platform, in the order detectors run.
    pub const ALL: [Platform; 11] = [
        Platform::Twitter,
        Platform::Instagram,
        Platform::Tiktok,
        Platform::Facebook,
        Platform::Youtube,
        Platform::Bluesky,
        Platform::Mastodon,
        Platform::Threads,
        Platform::Reddit,
        Platform::Telegram,
        Platform::Linkedin,
    ];

    /// The lower-case name, as in the JSON record.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Twitter => "twitter",
            Platform::Instagram => "instagram",
            Platform::Tiktok => "tiktok",
            Platform::Facebook => "facebook",
            Platform::Youtube => "youtube",
            Platform::Bluesky => "bluesky",
            Platform::Mastodon => "mastodon",
            Platform::Threads => "threads",
            Platform::Reddit => "reddit",
            Platform::Telegram => "telegram",
            Platform::Linkedin => "linkedin",
        }
    }
}

/// Whether the page shows the post (an embed) or only links to it in prose (a mention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The page embeds the post: its markup (or its flattened text) shows the post.
    Embed,
    /// The page only links to the post in running prose.
    Mention,
}

impl Kind {
    /// The lower-case name, as in the JSON record.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Embed => "embed",
            Kind::Mention => "mention",
        }
    }
}

/// The shape the post had in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// The platform's fallback blockquote (publish.twitter.com and kin).
    Blockquote,
    /// A flattened embed in plain text (or in an HTML paragraph).
    Text,
    /// A bare link to the post (mentions).
    Link,
    /// A rendered widget or embed iframe.
    Iframe,
    /// An AMP component.
    Amp,
    /// Embed code found only inside script data.
    Script,
    /// A lazy or CMS placeholder carrying the post in `data-*` attributes.
    DataAttr,
    /// A publisher's own server-rendered card of the post.
    Card,
    /// A legacy `<object>`/`<embed>` player.
    Object,
}

impl Form {
    /// The name, as in the JSON record.
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Blockquote => "blockquote",
            Form::Text => "text",
            Form::Link => "link",
            Form::Iframe => "iframe",
            Form::Amp => "amp",
            Form::Script => "script",
            Form::DataAttr => "data-attr",
            Form::Card => "card",
            Form::Object => "object",
        }
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
}

/// One post found in an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub span: Range<usize>,
}

impl Post {
    /// A post with only the platform, kind, form and detector set; detectors fill the rest.
    pub fn new(platform: Platform, kind: Kind, form: Form, detector: &str) -> Post {
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
        }
    }

    /// The post's identity key: platform + post ID where there is one, otherwise platform +
    /// handle + date + normalised text. Two records with the same key are the same post.
    pub fn identity(&self) -> String {
        match &self.post_id {
            // Mastodon status IDs are local to their server: the host is part of the key.
            Some(id) if self.platform == Platform::Mastodon => {
                let host = self
                    .url
                    .as_deref()
                    .and_then(|u| u.split('/').nth(2))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                format!("mastodon:id:{host}/{id}")
            }
            Some(id) => format!("{}:id:{}", self.platform.as_str(), id),
            None => {
                let text: String = self
                    .text
                    .as_deref()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
                format!(
                    "{}:sig:{}|{}|{}",
                    self.platform.as_str(),
                    self.handle.as_deref().unwrap_or("").to_lowercase(),
                    self.date.as_deref().unwrap_or(""),
                    text
                )
            }
        }
    }

    /// How many fields carry a value; used to keep the richer of two copies of one post.
    pub fn richness(&self) -> usize {
        [
            self.post_id.is_some(),
            self.url.is_some(),
            self.handle.is_some(),
            self.display_name.is_some(),
            self.date_text.is_some(),
            self.text.is_some(),
            self.lang.is_some(),
            !self.media.is_empty(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }
}
