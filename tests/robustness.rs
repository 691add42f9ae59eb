//! Bad input never panics: every sample cut at many points (mid-tag, mid-character, mid-escape),
//! and hand-made pathological inputs, go through the whole scan, on both detection paths.

use embedvault::{DocKind, ScanOptions};

use crate::support::sample_files;

/// Scans `bytes` as `kind` on the fast or the whole-document path and checks that every span
/// lies inside the input; returns the number of posts.
fn scan(bytes: &[u8], kind: DocKind, exhaustive: bool) -> usize {
    let opts = ScanOptions {
        kind: Some(kind),
        exhaustive,
        ..ScanOptions::default()
    };
    let found = embedvault::scan(bytes, &opts);
    for p in &found.posts {
        assert!(
            p.source.start <= p.source.end && p.source.end <= found.size,
            "span {}..{} outside {} bytes",
            p.source.start,
            p.source.end,
            found.size
        );
    }
    found.posts.len()
}

#[test]
fn truncated_samples_never_panic() {
    let mut cuts = 0;
    let files = sample_files();
    for path in &files {
        let bytes = std::fs::read(path).expect("read");
        let step = (bytes.len() / 40).max(1);
        for end in (0..bytes.len())
            .step_by(step)
            .chain([bytes.len().saturating_sub(1)])
        {
            for kind in [DocKind::Html, DocKind::Text] {
                scan(&bytes[..end], kind, false);
                cuts += 1;
            }
        }
    }
    // At least one cut per sample and kind, so every sample was cut.
    assert!(
        cuts >= 2 * files.len(),
        "only {cuts} cuts of {} files",
        files.len()
    );
}

#[test]
fn pathological_inputs_never_panic() {
    let cases: Vec<Vec<u8>> = vec![
        b"<".repeat(100_000),
        b"<blockquote class=\"twitter-tweet\">".repeat(2_000),
        "<blockquote class=\"twitter-tweet\"><a href=\"https://twitter.com/a/status/1".into(),
        b"<a href='".repeat(10_000),
        "(@a) August 17, 2021 — (@b) (@".repeat(3_000).into_bytes(),
        "é—€😀(@x) 17 августа 2021 г.".repeat(2_000).into_bytes(),
        b"<script>\"\\u003cblockquote class=\\\"twitter-tweet\\\"\\u003e".to_vec(),
        b"<iframe src=\"https://www.youtube.com/embed/".to_vec(),
        b"<amp-twitter data-tweetid=\"99999999999999999999999\">".to_vec(),
        b"<div data-tweet-id=\"00001\" data-iframe=\"&lt;iframe src=&quot;".to_vec(),
        (0..=255u8).cycle().take(70_000).collect(),
        b"\xff\xfe<\x00a\x00".to_vec(),
        b"<!--".repeat(1000),
        b"https://twitter.com/a/status/1 https://x.com/i/status/".repeat(500),
    ];
    for c in &cases {
        for kind in [DocKind::Html, DocKind::Text] {
            // Both paths see the same posts, and every span stays inside the input.
            assert_eq!(scan(c, kind, false), scan(c, kind, true));
        }
    }
}
