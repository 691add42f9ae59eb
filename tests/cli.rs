//! The command line through the real binary: formats, standard input, exit codes, missing
//! paths, binary files.

use crate::support::{json_lines, root, run, temp_dir};

const SEED: &str = "samples/twitter/seed-belarus-lithuania-border.txt";

#[test]
fn jsonl_is_the_default_when_stdout_is_not_a_terminal() {
    let out = run(&["scan", SEED], None);
    assert_eq!(out.status.code(), Some(0));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["handle"], "GpkGovBY");
    assert_eq!(recs[0]["source"]["path"], SEED);
    assert_eq!(recs[0]["source"]["line"], 11);
    // IDs are strings, never numbers.
    let out = run(&["scan", "samples/twitter/blockquote-modern.html"], None);
    let recs = json_lines(&out.stdout);
    assert!(recs[0]["post_id"].is_string());
}

#[test]
fn json_format_prints_one_array() {
    let out = run(&["scan", SEED, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(v[0]["date"], "2021-08-17");
    // No posts is still valid JSON.
    let out = run(
        &[
            "scan",
            "samples/negative/byline-like.txt",
            "--format",
            "json",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("empty array");
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn table_format_has_a_header_and_a_row_per_post() {
    let out = run(&["scan", SEED, "--format", "table"], None);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<_> = s.lines().collect();
    assert_eq!(lines.len(), 2, "{s}");
    assert!(lines[0].starts_with("PLATFORM"));
    assert!(lines[1].contains("@GpkGovBY") && lines[1].contains("2021-08-17"));
}

#[test]
fn standard_input_is_read_with_dash_and_when_no_path_is_given() {
    let bytes = std::fs::read(root().join(SEED)).expect("seed");
    for args in [&["scan", "-"][..], &["scan"][..]] {
        let out = run(args, Some(&bytes));
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let recs = json_lines(&out.stdout);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0]["source"]["path"], serde_json::Value::Null);
        assert_eq!(recs[0]["source"]["start"], 681);
    }
}

#[test]
fn a_missing_path_is_named_and_the_rest_still_scanned() {
    let out = run(&["scan", "no/such/file.html", SEED], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/file.html"), "{err}");
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn a_binary_file_is_skipped_with_a_note() {
    let dir = temp_dir("cli-binary");
    let png = dir.join("photo.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").expect("write");
    let html = dir.join("page.html");
    std::fs::copy(root().join("samples/twitter/blockquote-modern.html"), &html).expect("copy");
    let out = run(&["scan", dir.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("photo.png") && err.contains("binary"), "{err}");
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn a_corrupt_gzip_fails_that_input_only() {
    let dir = temp_dir("cli-badgz");
    std::fs::write(
        dir.join("a-broken.html.gz"),
        b"\x1f\x8b\x08\0\0\0\0\0\0\x03garbage",
    )
    .expect("write");
    std::fs::copy(root().join(SEED), dir.join("b-seed.txt")).expect("copy");
    let out = run(&["scan", dir.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a-broken.html.gz"), "{err}");
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let out = run(&["scan", "--format", "xml", SEED], None);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["frobnicate"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["scan", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Exit codes") && help.contains("some inputs failed"),
        "{help}"
    );
}

#[test]
fn folders_are_walked_recursively_in_sorted_order() {
    // A tree with nested and hidden folders; each file holds one post.
    let dir = temp_dir("cli-walk");
    let seed = std::fs::read(root().join(SEED)).expect("seed");
    for rel in [
        "b/inner/deeper/x.txt",
        "a.txt",
        "c/y.txt",
        "b/w.txt",
        ".hidden/z.txt",
        "c/.hidden.txt",
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, &seed).expect("write");
    }
    let out = run(&["scan", dir.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(0));
    let paths: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|r| r["source"]["path"].as_str().unwrap_or("").to_string())
        .map(|p| {
            p.strip_prefix(dir.to_str().unwrap_or(""))
                .unwrap_or(&p)
                .to_string()
        })
        .collect();
    assert_eq!(
        paths,
        ["/a.txt", "/b/inner/deeper/x.txt", "/b/w.txt", "/c/y.txt"]
    );
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    use std::io::Read;
    // The reader takes one line and goes away, as `| head -1` does.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_embedvault"))
        .args(["scan", "samples", "--threads", "1"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("finishes");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn explain_says_what_became_of_every_marker() {
    let page = "samples/negative/comments-and-rails.html";
    let out = run(&["scan", "--explain", page], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    // Every line names the file and line, the marker, and an outcome.
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with(page) && l.contains("  \""))
    );
    // The prose link is a mention; the sidebar feed is page chrome; the comment's URL is at
    // most a mention; the share button's intent link is no post.
    assert!(
        text.contains("mention: twitter 1535986527239762778"),
        "{text}"
    );
    assert!(text.contains("rejected: in page chrome"), "{text}");
    assert!(
        text.contains("mention: youtube Cm7Vide0Lnk") && text.contains("reader comments"),
        "{text}"
    );
    assert!(text.contains("not a post"), "{text}");
    // As JSON lines, with the byte span of each place.
    let out = run(&["scan", "--explain", "--format", "jsonl", SEED], None);
    let recs = json_lines(&out.stdout);
    assert!(recs.iter().any(|r| {
        r["outcome"]
            .as_str()
            .is_some_and(|o| o.starts_with("embed: twitter @GpkGovBY"))
            && r["start"] == 681
            && r["path"] == SEED
    }));
    // A folder is refused by name.
    let out = run(&["scan", "--explain", "samples/negative"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("samples/negative"));
}
