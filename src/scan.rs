//! Scanning one input: decode → detect → provenance. The archive adds the store on top.
//!
//! The detector reports spans in the decoded text; here they become byte offsets of the input
//! (after decompression, before charset decoding), with the 1-based line, the input's SHA-256,
//! its path and the article's own URL when the page declares one.

use sha2::{Digest, Sha256};

use crate::decode::{self, DocKind, Document, Sniff};
use crate::detect;
use crate::discover::Input;
use crate::post::Post;

/// What scanning one input gave.
#[derive(Debug)]
pub struct Scanned {
    /// Every post found, in document order, with `source` filled.
    pub posts: Vec<Post>,
    /// Hex SHA-256 of the input bytes.
    pub sha256: String,
    /// The charset used (WHATWG name).
    pub charset: &'static str,
    /// The rule that chose it.
    pub charset_rule: &'static str,
    /// The article's URL when the page declares one.
    pub url: Option<String>,
    /// The input's size in bytes.
    pub size: usize,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Scans one input. Never fails: undecodable bytes are decoded lossily, unrecognised content
/// yields no posts.
pub fn scan(input: &Input) -> Scanned {
    let kind = match input.sniff {
        Sniff::Html => DocKind::Html,
        _ => DocKind::Text,
    };
    let doc = decode::decode(&input.bytes, kind);
    let sha256 = sha256_hex(&input.bytes);
    let path = input
        .origin
        .path
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned());
    let posts = detect::detect(&doc.text, doc.kind);
    let url = if doc.kind == DocKind::Html && !posts.is_empty() {
        detect::dom::page_url(&doc.text)
    } else {
        None
    };
    let posts = with_provenance(posts, &doc, path.as_deref(), url.as_deref(), &sha256);
    Scanned {
        posts,
        sha256,
        charset: doc.charset(),
        charset_rule: doc.rule.as_str(),
        url,
        size: input.bytes.len(),
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
    // Lines are counted incrementally: posts come sorted by start.
    let mut line = 1usize;
    let mut counted = 0usize;
    for p in &mut posts {
        let start = p.span.start.min(text.len());
        if start >= counted {
            line += memchr::memchr_iter(b'\n', &text[counted..start]).count();
        } else {
            line = 1 + memchr::memchr_iter(b'\n', &text[..start]).count();
        }
        counted = start;
        p.source.path = path.map(str::to_string);
        p.source.url = url.map(str::to_string);
        p.source.sha256 = sha256.to_string();
        p.source.start = doc.input_offset(p.span.start);
        p.source.end = doc.input_offset(p.span.end);
        p.source.line = line;
        p.source.charset = doc.charset().to_string();
        p.source.charset_rule = doc.rule.as_str().to_string();
    }
    posts
}
