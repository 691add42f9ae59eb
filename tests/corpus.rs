//! The labelled corpus beside the checkout (`../shared/corpus`, or `$EMBEDVAULT_CORPUS`): scan it
//! with the real binary and score the Twitter embeds with the corpus's own scorer. The floors
//! are what was measured when they were set; a regression below them fails the build.
//!
//! Without the corpus (a checkout on its own) the test says so on stderr and passes, except
//! under CI (`CI` set), where a missing corpus is a failure rather than a silent skip.

#![allow(clippy::print_stderr)] // The scores are worth seeing in the test log.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{root, run, temp_dir};

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("EMBEDVAULT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    p.join("expected.jsonl").is_file().then_some(p)
}

/// Runs score.py and returns (recall, precision, fields) from its last line.
fn score(corpus: &std::path::Path, found: &std::path::Path, extra: &[&str]) -> (f64, f64, f64) {
    let scorer = corpus.join("../score.py");
    let out = Command::new("python3")
        .arg(&scorer)
        .arg(corpus.join("expected.jsonl"))
        .arg(found)
        .args(extra)
        .output()
        .expect("python3 runs the scorer");
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or("");
    let num = |key: &str| -> f64 {
        let at = last
            .find(key)
            .unwrap_or_else(|| panic!("no {key} in {last:?}"));
        last[at + key.len()..]
            .split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("bad {key} in {last:?}"))
    };
    eprintln!("score {extra:?}: {last}");
    (num("recall "), num("precision "), num("fields "))
}

#[test]
fn corpus_twitter_scores_stay_above_the_floors() {
    let Some(corpus) = corpus() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the corpus (../shared/corpus) is missing under CI"
        );
        eprintln!("corpus not found beside the checkout: corpus scoring not run");
        return;
    };
    let dirs: Vec<String> = ["html", "markdown", "text"]
        .iter()
        .map(|d| corpus.join(d).to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["scan", "--format", "jsonl"];
    args.extend(dirs.iter().map(String::as_str));
    let out = run(&args, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = temp_dir("corpus").join("found.jsonl");
    std::fs::write(&found, &out.stdout).expect("write found posts");

    // The forms this detector set covers: the blockquote and the flattened text.
    let (r, p, f) = score(
        &corpus,
        &found,
        &["--platform", "twitter", "--forms", "blockquote,text"],
    );
    assert!(r >= 0.99, "twitter blockquote+text recall {r}");
    assert!(p >= 0.99, "twitter blockquote+text precision {p}");
    assert!(f >= 0.99, "twitter blockquote+text fields {f}");

    // Every Twitter form: nothing found may be wrong, whatever is not yet found.
    let (r, p, f) = score(&corpus, &found, &["--platform", "twitter"]);
    assert!(r >= 0.83, "twitter recall {r}");
    assert!(p >= 0.99, "twitter precision {p}");
    assert!(f >= 0.99, "twitter fields {f}");
}
