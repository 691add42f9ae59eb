//! Bad input never panics: every sample cut at many points (mid-tag, mid-character, mid-escape),
//! and hand-made pathological inputs, go through the whole scan.

use embedvault::decode::Sniff;
use embedvault::discover::{Input, Origin};

use crate::support::root;

fn scan(bytes: &[u8], sniff: Sniff) -> usize {
    let input = Input {
        bytes: bytes.to_vec(),
        origin: Origin {
            path: None,
            name: None,
            gzip: false,
        },
        sniff,
    };
    let found = embedvault::scan::scan(&input);
    // Spans stay inside the input whatever was cut.
    for p in &found.posts {
        assert!(p.source.start <= p.source.end && p.source.end <= bytes.len());
    }
    found.posts.len()
}

#[test]
fn truncated_samples_never_panic() {
    let mut cuts = 0;
    for dir in [
        "twitter",
        "instagram",
        "facebook",
        "bluesky",
        "tiktok",
        "inputs",
    ] {
        for e in std::fs::read_dir(root().join("samples").join(dir)).expect("dir") {
            let bytes = std::fs::read(e.expect("entry").path()).expect("read");
            let step = (bytes.len() / 40).max(1);
            for end in (0..bytes.len())
                .step_by(step)
                .chain([bytes.len().saturating_sub(1)])
            {
                for sniff in [Sniff::Html, Sniff::Text] {
                    scan(&bytes[..end], sniff);
                    cuts += 1;
                }
            }
        }
    }
    assert!(cuts > 2000, "only {cuts} cuts");
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
    for (i, c) in cases.iter().enumerate() {
        for sniff in [Sniff::Html, Sniff::Text] {
            let _ = scan(c, sniff);
        }
        // The whole-document path as well.
        let text = String::from_utf8_lossy(c);
        let _ = embedvault::detect::detect_exhaustive(&text, embedvault::decode::DocKind::Html);
        assert!(i < cases.len());
    }
}
