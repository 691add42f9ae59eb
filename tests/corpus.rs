//! The labelled corpora beside the checkout (`../shared/corpus` and `../shared/corpus2`, or
//! `$EMBEDVAULT_CORPUS` and `$EMBEDVAULT_CORPUS2`): scan each with the real binary and score it
//! with the corpus's own scorer, per platform. The floors are what was measured when they were
//! set; a regression below them fails the build. The fast and the whole-document paths must
//! agree on every file.
//!
//! Without a corpus (a checkout on its own) its test is reported as ignored, with the reason
//! (`build.rs` looks for it when the tests are built), except under CI (`CI` set), where the
//! test runs and a missing corpus is a failure rather than a silent skip.

#![allow(clippy::print_stderr)] // The scores are worth seeing in the test log.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{root, run, temp_dir};

/// A labelled corpus and the floors it must stay above: (platform or "" for all, recall,
/// precision, fields).
struct Corpus {
    name: &'static str,
    env: &'static str,
    floors: &'static [(&'static str, f64, f64, f64)],
}

/// Corpus 1: every platform at its measured figures. Mastodon's field floor is lower because
/// the corpus labels Truth Social's handle without its host, while records carry `user@host`
/// for every Mastodon-compatible server.
const CORPUS: Corpus = Corpus {
    name: "corpus",
    env: "EMBEDVAULT_CORPUS",
    floors: &[
        ("", 1.0, 1.0, 0.99),
        ("twitter", 1.0, 1.0, 0.99),
        ("instagram", 1.0, 1.0, 0.99),
        ("facebook", 1.0, 1.0, 0.99),
        ("youtube", 1.0, 1.0, 0.99),
        ("bluesky", 1.0, 1.0, 0.99),
        ("threads", 1.0, 1.0, 0.99),
        ("telegram", 1.0, 1.0, 0.99),
        ("mastodon", 1.0, 1.0, 0.5),
        ("tiktok", 1.0, 1.0, 0.99),
    ],
};

/// Corpus 2: other sources (readers' saved pages, newsletter e-mails, feeds, MDX, German news
/// text). YouTube's precision floor stands below 1 for two `data-urlVideo` outline items whose
/// label the corpus's notes leave disputed (reported as placeholders here).
const CORPUS2: Corpus = Corpus {
    name: "corpus2",
    env: "EMBEDVAULT_CORPUS2",
    floors: &[
        ("", 1.0, 0.99, 0.99),
        ("twitter", 1.0, 1.0, 0.99),
        ("instagram", 1.0, 1.0, 0.99),
        ("facebook", 1.0, 1.0, 0.99),
        ("youtube", 1.0, 0.88, 0.99),
        ("bluesky", 1.0, 1.0, 0.99),
        ("tiktok", 1.0, 1.0, 0.99),
    ],
};

fn locate(c: &Corpus) -> Option<PathBuf> {
    let p = std::env::var_os(c.env)
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared").join(c.name));
    p.join("expected.jsonl").is_file().then_some(p)
}

/// Runs score.py; returns (recall, precision, fields, field tries) from its output.
fn score(corpus: &Path, found: &Path, extra: &[&str]) -> (f64, f64, f64, u64) {
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
    // Per-field lines read "  handle        371/373"; their denominators are the tries.
    let tries: u64 = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1)?.split_once('/'))
        .filter_map(|(_, d)| d.parse::<u64>().ok())
        .sum();
    eprintln!("score {extra:?}: {last}");
    (num("recall "), num("precision "), num("fields "), tries)
}

/// Scans a corpus, scores it against its floors, and checks the two detection paths agree on
/// every file. Returns the scan's output file.
fn check(c: &Corpus) -> Option<PathBuf> {
    let Some(corpus) = locate(c) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the labelled corpus {} is missing under CI",
            c.name
        );
        eprintln!(
            "{} not found beside the checkout: its scoring was not run",
            c.name
        );
        return None;
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
    let found = temp_dir(c.name).join("found.jsonl");
    std::fs::write(&found, &out.stdout).expect("write found posts");
    for (platform, fr, fp, ff) in c.floors {
        let extra: Vec<&str> = if platform.is_empty() {
            vec![]
        } else {
            vec!["--platform", platform]
        };
        let (r, p, f, tries) = score(&corpus, &found, &extra);
        assert!(r >= *fr, "{} {platform} recall {r} below {fr}", c.name);
        assert!(p >= *fp, "{} {platform} precision {p} below {fp}", c.name);
        // A platform whose labels hold no fields to compare (YouTube) has nothing to score.
        if tries > 0 {
            assert!(f >= *ff, "{} {platform} fields {f} below {ff}", c.name);
        }
    }
    for dir in ["html", "markdown", "text"] {
        for path in crate::support::files(&corpus.join(dir)) {
            crate::support::assert_paths_agree(&path);
        }
    }
    Some(found)
}

#[test]
#[cfg_attr(
    not(corpus),
    ignore = "the labelled corpus is not beside the checkout (../shared/corpus or $EMBEDVAULT_CORPUS)"
)]
fn corpus_scores_stay_above_the_floors_on_every_platform() {
    let Some(found) = check(&CORPUS) else {
        return;
    };
    // The flattened text form on its own, since it is the form no other tool reads.
    let corpus = locate(&CORPUS).expect("located above");
    let (r, p, f, _) = score(&corpus, &found, &["--forms", "text"]);
    assert!(r >= 1.0 && p >= 1.0 && f >= 0.99, "text form {r} {p} {f}");
}

#[test]
#[cfg_attr(
    not(corpus2),
    ignore = "the second labelled corpus is not beside the checkout (../shared/corpus2 or $EMBEDVAULT_CORPUS2)"
)]
fn second_corpus_scores_stay_above_the_floors_on_every_platform() {
    check(&CORPUS2);
}
