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

/// The per-input time limit is the last line of defence: an input over it is skipped by name,
/// with nothing half-kept, and the run reads the other inputs and archives nothing twice.
#[test]
fn an_input_over_the_time_limit_is_skipped_by_name_and_the_run_goes_on() {
    use crate::support::{json_lines, run, temp_dir};
    let dir = temp_dir("time-limit");
    let big = dir.join("big.html");
    let mut page = String::from("<html><body>");
    for i in 0..3_000u64 {
        page.push_str(&format!(
            "<blockquote class=\"twitter-tweet\"><p>Post {i}</p>&mdash; A (@a) \
             <a href=\"https://twitter.com/a/status/{}\">August 17, 2021</a></blockquote>\n",
            1_427_632_593_688_211_498u64 + i
        ));
    }
    page.push_str("</body></html>");
    std::fs::write(&big, page).expect("write");
    let small = crate::support::root().join("samples/twitter/blockquote-modern.html");
    let (big_s, small_s) = (big.to_string_lossy(), small.to_string_lossy());

    // Without a limit that binds, the big page gives its 3,000 posts.
    let all = run(&["scan", &big_s, "--format", "jsonl"], None);
    assert_eq!(json_lines(&all.stdout).len(), 3_000);

    // With 1 ms, it is skipped and named; the small page is still read.
    let out = run(
        &[
            "scan",
            &big_s,
            &small_s,
            "--format",
            "jsonl",
            "--time-limit",
            "1ms",
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "skipped {big_s}: detection took longer than the 0.001 s"
        )),
        "{err}"
    );
    assert!(err.contains("1 skipped"), "{err}");
    let posts = json_lines(&out.stdout);
    assert!(!posts.is_empty());
    assert!(
        posts.iter().all(|p| p["source"]["path"] == *small_s),
        "nothing half-kept"
    );

    // In an archive: the skip is reported, nothing from the page is stored, and a rerun with
    // no limit archives the page once.
    let db = dir.join("a.db");
    let db_s = db.to_string_lossy();
    let out = run(
        &["archive", &big_s, "--db", &db_s, "--time-limit", "1ms"],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("detection took longer"));
    let q = run(
        &["query", "--db", &db_s, "--format", "jsonl", "--kind", "all"],
        None,
    );
    assert_eq!(json_lines(&q.stdout).len(), 0);
    let out = run(
        &["archive", &big_s, "--db", &db_s, "--time-limit", "0"],
        None,
    );
    assert!(out.status.success());
    let q = run(
        &["query", "--db", &db_s, "--format", "jsonl", "--kind", "all"],
        None,
    );
    assert_eq!(json_lines(&q.stdout).len(), 3_000);
}
