//! What people type, through the real binary: plain-word search, filters that say when they
//! cannot match, every post nameable, read commands that leave nothing behind, archive runs
//! that report once and never read their own database, output that fits, help that teaches.
//! The archive is built from `tests/fixtures/everyday/` (invented accounts), whose pages hold
//! the words, names and forms that went wrong before.

use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{json_lines, run, temp_dir};

/// The fixture pages.
const FIXTURES: &str = "tests/fixtures/everyday";

/// The shared archive of the fixtures.
fn db() -> &'static str {
    static ONCE: OnceLock<String> = OnceLock::new();
    ONCE.get_or_init(|| {
        let db = temp_dir("everyday").join("everyday.db");
        let db = db.to_str().expect("utf-8 path").to_string();
        let out = run(&["archive", FIXTURES, "--db", &db], None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        db
    })
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `query` on the shared archive with `args`, as JSON lines; asserts exit 0.
fn query(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["query", "--db", db(), "--format", "jsonl"];
    all.extend_from_slice(args);
    let out = run(&all, None);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    json_lines(&out.stdout)
}

fn handles(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["handle"].as_str().unwrap_or("-").to_string())
        .collect()
}

#[test]
fn plain_search_takes_words_as_typed() {
    for (words, handle) in [
        ("COVID-19", "cohealth_desk"),
        ("30-Jährigen", "wahlblick_nord"),
        ("#Europawahl", "wahlblick_nord"),
        ("@elonmusk", "cohealth_desk"),
        ("don't", "cohealth_desk"),
        ("U.S.", "cohealth_desk"),
        ("Верхнеозерска", "rayon_vestnik"),
        ("верхнеозёрска", "rayon_vestnik"),
        ("ВЕРХНЕОЗЕР*", "rayon_vestnik"),
        ("иодированную", "rayon_vestnik"),
        ("strasse", "wahlblick_nord"),
        ("STRAẞE cafe MULLER", "wahlblick_nord"),
        ("30-jahrigen", "wahlblick_nord"),
        ("covid-19 u.s.", "cohealth_desk"),
        ("Районный", "rayon_vestnik"),
    ] {
        assert_eq!(handles(&query(&["--search", words])), [handle], "{words}");
    }
    // Every word is required, and a URL is a phrase of its words.
    assert!(query(&["--search", "COVID-19 Верхнеозерска"]).is_empty());
    let mut both = handles(&query(&["--search", "pic.twitter.com"]));
    both.sort();
    assert_eq!(both, ["cohealth_desk", "harbourswim_x"]);
    // Words that are no word at all select nothing away.
    assert_eq!(query(&["--search", "# * —"]).len(), query(&[]).len());
}

#[test]
fn fts_syntax_is_there_on_request_and_a_bad_expression_is_a_usage_error() {
    let either = handles(&query(&["--fts", "--search", "Covid OR Верхнеозёрска"]));
    assert_eq!(either.len(), 2, "{either:?}");
    let not = query(&["--fts", "--search", "pic NOT jellyfish"]);
    assert_eq!(handles(&not), ["cohealth_desk"]);
    assert_eq!(
        handles(&query(&["--fts", "--search", "handle:rayon*"])),
        ["rayon_vestnik"]
    );
    let out = run(
        &["query", "--db", db(), "--fts", "--search", "covid AND ("],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad --search expression \"covid AND (\""),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
