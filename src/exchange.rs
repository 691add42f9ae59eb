//! Scan results as they move between machines: workers of a cluster scan with the Python
//! package, `embedvault import` stores what they found.
//!
//! A [`ScannedInput`] is one input with everything an archive keeps of it: the records, the raw
//! fragment of each, and the input's identity, checksum, size, charset, article metadata and
//! web-archive or fetch provenance ([`InputInfo`]). Storing it through `import` gives exactly
//! what `archive` stores for the same input: the same sources, posts, sightings and provenance,
//! merged by the same identity, and nothing new on a second import.
//!
//! Flat, one row per sighting (a Parquet dataset, JSON lines), an input travels as [`Row`]s:
//! each carries the record, the input's [`InputInfo`] and the fragment; an input in which
//! nothing was found is one row without a record, so the archive still knows it was read.

use serde::{Deserialize, Serialize};

use crate::archive;
use crate::article::Article;
use crate::pipeline::{self, Inputs, Outcome};
use crate::post::{FetchInfo, Post, WarcRecord};
use crate::scan::{ReadOptions, Scanned};
use crate::store::{Fragment, InputKey, Prepared, VERSION};

/// What an archive keeps of one input besides its records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    /// The input's identity in the archive: a file's absolute path, `FILE@OFFSET` for a record
    /// of a web archive (`FILE!ENTRY@OFFSET` inside a WACZ, `-@OFFSET#RECORD-ID` for one piped
    /// into standard input), a fetched page's URL as requested, `-` for standard input. Bytes of
    /// a path that are not UTF-8 are written `\xFF`.
    pub input: String,
    /// The path as shown (the web archive's, for one of its records).
    #[serde(default)]
    pub path: Option<String>,
    /// The article's URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Hex SHA-256 of the input bytes (after decompression).
    pub sha256: String,
    /// The input's size in bytes (after decompression).
    #[serde(default)]
    pub size: u64,
    /// Whether the input was gzip-compressed.
    #[serde(default)]
    pub gzip: bool,
    /// The charset used (WHATWG name).
    #[serde(default)]
    pub charset: String,
    /// The rule that chose it.
    #[serde(default)]
    pub charset_rule: String,
    /// What the article says about itself.
    #[serde(default)]
    pub article: Article,
    /// The web-archive record the input was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warc: Option<WarcRecord>,
    /// How the page was fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchInfo>,
    /// The embedvault version that scanned it.
    #[serde(default)]
    pub version: String,
}

/// The raw bytes of one sighting: the input's bytes at the record's span, cut at 64 KiB.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFragment {
    /// The bytes (after decompression, before charset decoding).
    pub bytes: Vec<u8>,
    /// Whether the span was longer than the cap (or the bytes were not kept at all).
    pub truncated: bool,
}

/// One input as scanned, with everything an archive keeps of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScannedInput {
    /// The input.
    pub info: InputInfo,
    /// Every post found, in document order, with `source` filled.
    pub posts: Vec<Post>,
    /// The raw fragment of each post, in the same order.
    pub fragments: Vec<RawFragment>,
}

/// One sighting with its input, flat: a line of JSON or a row of a table. A row without a
/// record stands for an input in which nothing was found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The record, as `embedvault scan` writes it.
    #[serde(default)]
    pub record: Option<Post>,
    /// The input it was found in.
    pub input: InputInfo,
    /// The raw fragment as text, when its bytes are UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragment: Option<String>,
    /// The raw fragment in hexadecimal, when its bytes are not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragment_hex: Option<String>,
    /// Whether the fragment was cut at the cap.
    #[serde(default)]
    pub fragment_truncated: bool,
}

impl ScannedInput {
    /// The input's rows: one per post, or one without a record when none was found.
    pub fn rows(&self) -> Vec<Row> {
        if self.posts.is_empty() {
            return vec![Row {
                input: self.info.clone(),
                ..Row::default()
            }];
        }
        self.posts
            .iter()
            .zip(&self.fragments)
            .map(|(post, frag)| {
                let (fragment, fragment_hex) = match std::str::from_utf8(&frag.bytes) {
                    Ok(s) => (Some(s.to_string()), None),
                    Err(_) => (None, Some(hex::encode(&frag.bytes))),
                };
                Row {
                    record: Some(post.clone()),
                    input: self.info.clone(),
                    fragment,
                    fragment_hex,
                    fragment_truncated: frag.truncated,
                }
            })
            .collect()
    }

    /// Names the web-archive file `name` instead of the local path it was read from (a copy
    /// of a file that lives on HDFS or S3): in the input's identity, its path and every
    /// record's provenance.
    pub fn rename_warc(&mut self, name: &str) {
        let Some(warc) = &mut self.info.warc else {
            return;
        };
        let local = std::mem::replace(&mut warc.file, name.to_string());
        let renamed = |s: &mut Option<String>| {
            if s.as_deref() == Some(local.as_str()) {
                *s = Some(name.to_string());
            }
        };
        renamed(&mut self.info.path);
        if let Some(rest) = self.info.input.strip_prefix(local.as_str()) {
            self.info.input = format!("{name}{rest}");
        }
        for p in &mut self.posts {
            renamed(&mut p.source.path);
            if let Some(w) = &mut p.source.warc {
                w.file = name.to_string();
            }
        }
    }
}

/// Scans every input of `inputs` as `archive` would (on all cores, web archives record by
/// record) and hands each to `sink`, in input order, with everything an archive keeps of it.
/// A `sink` error stops the run and is returned.
pub fn scan<E>(
    inputs: &Inputs,
    opts: &ReadOptions,
    mut sink: impl FnMut(Outcome<ScannedInput>) -> Result<(), E>,
) -> Result<(), E> {
    pipeline::run(
        || inputs.jobs(opts.max_input),
        opts.max_input,
        opts.threads,
        |input| archive::prepared(&input, opts.time_limit),
        |o: Outcome<Prepared>| sink(o.map(from_prepared)),
        |_| Ok(()),
    )
}

/// Whether `path` names a web archive `archive` reads record by record (`.warc`, `.warc.gz`,
/// `.wacz`, or a file that starts as a WARC does).
pub fn is_web_archive(path: &std::path::Path) -> bool {
    crate::discover::warc::looks_like_warc(path)
}

/// The exchange form of what `archive` would write.
pub(crate) fn from_prepared(p: Prepared) -> ScannedInput {
    let s = p.scanned;
    let input = match &p.input_key {
        InputKey::Text(t) => t.clone(),
        InputKey::Bytes(b) => crate::store::shown_bytes(b),
    };
    ScannedInput {
        info: InputInfo {
            input,
            path: p.path,
            url: s.url,
            sha256: s.sha256,
            size: s.size as u64,
            gzip: p.gzip,
            charset: s.charset.to_string(),
            charset_rule: s.charset_rule.to_string(),
            article: s.article,
            warc: s.warc,
            fetch: s.fetch,
            version: p.version.unwrap_or_else(|| VERSION.to_string()),
        },
        posts: s.posts,
        fragments: p
            .fragments
            .into_iter()
            .map(|f| RawFragment {
                bytes: f.bytes,
                truncated: f.truncated,
            })
            .collect(),
    }
}

/// What the archive's writer takes for an input that arrives from elsewhere.
pub(crate) fn to_prepared(input: ScannedInput) -> Prepared {
    let info = input.info;
    let charset =
        encoding_rs::Encoding::for_label(info.charset.as_bytes()).map_or("UTF-8", |e| e.name());
    let charset_rule = crate::decode::CharsetRule::named(&info.charset_rule)
        .map_or("default", crate::decode::CharsetRule::as_str);
    let version = (!info.version.is_empty() && info.version != VERSION).then_some(info.version);
    Prepared {
        input_key: InputKey::Text(info.input),
        path: info.path,
        gzip: info.gzip,
        scanned: Scanned {
            posts: input.posts,
            sha256: info.sha256,
            charset,
            charset_rule,
            url: info.url,
            size: info.size as usize,
            timed_out: false,
            article: info.article,
            warc: info.warc,
            fetch: info.fetch,
        },
        fragments: input
            .fragments
            .into_iter()
            .map(|f| Fragment {
                bytes: f.bytes,
                truncated: f.truncated,
            })
            .collect(),
        page: None,
        version,
    }
}
