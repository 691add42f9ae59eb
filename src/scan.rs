//! Scanning: one input through decode → detect → provenance, and many inputs through the
//! threaded pipeline.
//!
//! The detector reports spans in the decoded text; here they become byte offsets of the input
//! (after decompression, before charset decoding), with the 1-based line, the input's SHA-256,
//! its path and the article's own URL when the page declares one.

use std::path::PathBuf;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::article::Article;
use crate::decode::{self, DocKind, Document};
use crate::detect;
use crate::discover::{self, Input};
use crate::pipeline::Inputs;
use crate::pipeline::{self, Outcome};
use crate::post::{Copy, FetchInfo, Post, WarcRecord};

/// What scanning one input gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Scanned {
    /// Every post found, in document order, with `source` filled.
    pub posts: Vec<Post>,
    /// Hex SHA-256 of the input bytes (after decompression).
    pub sha256: String,
    /// The charset used (WHATWG name).
    pub charset: &'static str,
    /// The rule that chose it.
    pub charset_rule: &'static str,
    /// The article's URL: the one the page declares, else the one given with the input.
    pub url: Option<String>,
    /// The input's size in bytes (after decompression).
    pub size: usize,
    /// Detection ran out of its time limit (see [`ScanOptions::time_limit`]); `posts` is then
    /// empty, and the input should be reported as not read.
    pub timed_out: bool,
    /// What the article says about itself (title, canonical URL, published time, authors,
    /// site, language).
    pub article: Article,
    /// The web-archive record the input was, if it was one.
    pub warc: Option<WarcRecord>,
    /// How the page was fetched, if it was.
    pub fetch: Option<FetchInfo>,
}

// Every field compares as equal or not (the article's are strings).
impl Eq for Scanned {}

/// What is known about bytes handed to [`scan`] besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// The input's path or file name, reported in each post's `source.path`; its extension
    /// also tells HTML from text when `kind` is not given.
    pub path: Option<String>,
    /// The article's URL, used when the page does not declare its own.
    pub url: Option<String>,
    /// Whether the bytes are HTML or text; sniffed from the path and the bytes when `None`.
    pub kind: Option<DocKind>,
    /// Look at every tag and text run instead of only where the prefilter found markers.
    /// Several times slower; finds the same posts (it exists to prove the fast path loses
    /// nothing).
    pub exhaustive: bool,
    /// The most time detection may take (`None`: no limit). Detection is linear in the input,
    /// so this is a last line of defence, not a tuning knob; past it the result has no posts
    /// and [`Scanned::timed_out`] is set.
    pub time_limit: Option<Duration>,
    /// The charset the bytes were served with (the `charset` of an HTTP `Content-Type`): used
    /// before the page's own `<meta>`, as the HTML standard orders it, unless the bytes
    /// contradict it (the rule is then `transport-overridden`).
    pub charset: Option<String>,
}

/// Scans the bytes of one article (gzip is undone first). Never fails: undecodable bytes are
/// decoded lossily, unrecognised or binary content yields no posts.
pub fn scan(bytes: &[u8], opts: &ScanOptions) -> Scanned {
    match discover::from_bytes(bytes, opts.path.as_deref(), opts.kind) {
        Some(mut input) => {
            input.origin.charset = opts.charset.clone();
            scan_input(
                &input,
                opts.path.as_deref(),
                opts.url.as_deref(),
                opts.exhaustive,
                opts.time_limit,
            )
        }
        None => Scanned {
            posts: Vec::new(),
            sha256: sha256_hex(bytes),
            charset: "UTF-8",
            charset_rule: "default",
            url: opts.url.clone(),
            size: bytes.len(),
            timed_out: false,
            article: Article::default(),
            warc: None,
            fetch: None,
        },
    }
}

/// The posts in the bytes of one article: [`scan`] without the input's summary.
pub fn scan_bytes(bytes: &[u8], opts: &ScanOptions) -> Vec<Post> {
    scan(bytes, opts).posts
}

/// One place in an input where a platform's marker was seen, and what became of it: the post
/// it is part of, or why it is not one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explained {
    /// Byte offset of the place in the input bytes (after decompression).
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// The marker seen there (a platform's word or host, a footer's `(@`).
    pub marker: String,
    /// What became of it: `embed: …`, `mention: …`, or `rejected: <why>`.
    pub outcome: String,
}

/// Explains, for every place in one article where a platform's marker was seen, what became
/// of it (see [`Explained`]). For reporting a missed or wrong post, and for finding why.
pub fn explain(bytes: &[u8], opts: &ScanOptions) -> Vec<Explained> {
    let Some(input) = discover::from_bytes(bytes, opts.path.as_deref(), opts.kind) else {
        return Vec::new();
    };
    let doc = decode::decode(&input.bytes, input.kind);
    let posts = detect::detect(&doc.text, input.kind, false, opts.time_limit).unwrap_or_default();
    let text = doc.text.as_bytes();
    detect::explain::explain(&doc.text, input.kind, &posts)
        .into_iter()
        .map(|p| Explained {
            start: doc.input_offset(p.span.start),
            end: doc.input_offset(p.span.end),
            line: 1 + memchr::memchr_iter(b'\n', &text[..p.span.start.min(text.len())]).count(),
            marker: p.marker,
            outcome: p.outcome,
        })
        .collect()
}

/// Options for reading inputs from paths.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Inputs larger than this (after decompression) are skipped with a note.
    pub max_input: u64,
    /// Worker threads reading and scanning (0: one per core; at most 256, however many are
    /// asked for). Results do not depend on it.
    pub threads: usize,
    /// The most time detection may take on one input (`None`: no limit); an input over it is
    /// skipped with a reason naming the limit (see [`ScanOptions::time_limit`]).
    pub time_limit: Option<Duration>,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            max_input: discover::DEFAULT_MAX_INPUT,
            threads: 0,
            time_limit: Some(DEFAULT_TIME_LIMIT),
        }
    }
}

/// Scans every input under `paths` (files, folders walked in sorted order, `-` for standard
/// input) on all cores and hands what became of each to `sink`, in input order. A `sink` error
/// stops the run and is returned.
pub fn scan_paths<E>(
    paths: &[PathBuf],
    opts: &ReadOptions,
    sink: impl FnMut(Outcome<Scanned>) -> Result<(), E>,
) -> Result<(), E> {
    scan_inputs(&Inputs::paths(paths), opts, sink)
}

/// [`scan_paths`] over paths and URLs: web archives are read record by record, URLs fetched
/// (and written to [`Inputs::warc_out`] when given); every record and page is one input.
pub fn scan_inputs<E>(
    inputs: &Inputs,
    opts: &ReadOptions,
    sink: impl FnMut(Outcome<Scanned>) -> Result<(), E>,
) -> Result<(), E> {
    pipeline::run(
        || inputs.jobs(opts.max_input),
        opts.max_input,
        opts.threads,
        |input: Input| {
            let scanned = scan_input(&input, None, None, false, opts.time_limit);
            over_time(&input, scanned.timed_out, opts.time_limit).unwrap_or(Outcome::Read(scanned))
        },
        sink,
        |_| Ok(()),
    )
}

/// The default per-input limit on detection time in [`ReadOptions`] and the archive's
/// options: a minute, where a real page takes milliseconds and the largest input allowed by
/// default (128 MiB) takes a few seconds.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);

/// The skip of an input whose detection ran out of time, naming the limit.
pub(crate) fn over_time<U>(
    input: &Input,
    timed_out: bool,
    limit: Option<Duration>,
) -> Option<Outcome<U>> {
    timed_out.then(|| Outcome::Skipped {
        input: input.shown(),
        reason: format!(
            "detection took longer than the {} s per-input limit; nothing from it was kept \
             (raise it with --time-limit)",
            limit.unwrap_or_default().as_secs_f64()
        ),
    })
}

/// Hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Scans one input read by discovery; `path` overrides the origin's path as reported, `url` is
/// the article's URL when the page declares none.
pub(crate) fn scan_input(
    input: &Input,
    path: Option<&str>,
    url: Option<&str>,
    exhaustive: bool,
    limit: Option<Duration>,
) -> Scanned {
    let doc = decode::decode_served(&input.bytes, input.kind, input.origin.charset.as_deref());
    let sha256 = sha256_hex(&input.bytes);
    let path = path.map(str::to_string).or_else(|| {
        input
            .origin
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
    });
    let detected = detect::detect(&doc.text, input.kind, exhaustive, limit);
    let timed_out = detected.is_none();
    let posts = detected.unwrap_or_default();
    let article = crate::article::read(&doc.text, input.kind);
    // The URL the input came with (a record's target, a fetched page's final URL, `--url`)
    // is where the article was read from; else the one the page declares, else the caller's.
    let declared = || {
        if input.kind == DocKind::Html && !posts.is_empty() {
            detect::tags::page_url(&doc.text)
        } else {
            None
        }
    };
    let url = input
        .origin
        .url
        .clone()
        .or_else(declared)
        .or_else(|| url.map(str::to_string));
    let warc = input.origin.warc.as_deref().cloned();
    let fetch = input.origin.fetch.as_deref().cloned();
    let mut posts = with_provenance(posts, &doc, path.as_deref(), url.as_deref(), &sha256);
    for p in &mut posts {
        p.source.site = article.site.clone();
        p.source.warc = warc.clone();
        p.source.fetch = fetch.clone();
    }
    Scanned {
        posts,
        sha256,
        charset: doc.charset(),
        charset_rule: doc.rule.as_str(),
        url,
        size: input.bytes.len(),
        timed_out,
        article,
        warc,
        fetch,
    }
}

/// Fills each post's `source` from its text span.
fn with_provenance(
    mut posts: Vec<Post>,
    doc: &Document,
    path: Option<&str>,
    url: Option<&str>,
    sha256: &str,
) -> Vec<Post> {
    let text = doc.text.as_bytes();
    // Where every line break is, found once: a post's line and each copy's is then a binary
    // search, however many copies a page holds.
    let breaks: Vec<usize> = if posts.is_empty() {
        Vec::new()
    } else {
        memchr::memchr_iter(b'\n', text).collect()
    };
    let line_of = |at: usize| 1 + breaks.partition_point(|&b| b < at.min(text.len()));
    for p in &mut posts {
        let line = line_of(p.span.start);
        p.source.path = path.map(str::to_string);
        p.source.url = url.map(str::to_string);
        p.source.sha256 = sha256.to_string();
        p.source.start = doc.input_offset(p.span.start);
        p.source.end = doc.input_offset(p.span.end);
        p.source.line = line;
        p.source.charset = doc.charset().to_string();
        p.source.charset_rule = doc.rule.as_str().to_string();
        p.source.copies = p
            .copy_spans
            .iter()
            .map(|c| Copy {
                start: doc.input_offset(c.start),
                end: doc.input_offset(c.end),
                line: line_of(c.start),
            })
            .collect();
    }
    posts
}
