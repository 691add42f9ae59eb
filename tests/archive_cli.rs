//! `archive`, `query`, `show` and `stats` end to end through the real binary. The samples are
//! archived once for the whole module; what the archive should hold is derived from `scan`'s
//! output of the same samples, never typed in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{json_lines, root, run, temp_dir};

const SEED: &str = "samples/twitter/seed-belarus-lithuania-border.txt";

/// The samples as `scan` sees them: the records and the number of inputs read.
struct Scanned {
    records: Vec<Value>,
    inputs: u64,
}

/// The shared archive of the samples: its database path and the archive run's summary.
struct Archived {
    db: String,
    summary: String,
    scanned: Scanned,
}

fn scanned() -> Scanned {
    let out = run(&["scan", "samples", "--format", "jsonl"], None);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    let inputs = number_before(&err, " input(s) scanned");
    Scanned {
        records: json_lines(&out.stdout),
        inputs,
    }
}

/// The number written just before `label` in `text`.
fn number_before(text: &str, label: &str) -> u64 {
    let at = text
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {text}"));
    text[..at]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number before {label:?} in {text}"))
}

fn archived() -> &'static Archived {
    static ONCE: OnceLock<Archived> = OnceLock::new();
    ONCE.get_or_init(|| {
        let db = temp_dir("cli-archive").join("embedvault.db");
        let db = db.to_str().expect("utf-8 path").to_string();
        let out = run(&["archive", "samples", "--db", &db], None);
        let summary = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{summary}");
        Archived {
            db,
            summary,
            scanned: scanned(),
        }
    })
}

fn query(db: &str, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["query", "--db", db];
    all.extend_from_slice(args);
    let out = run(&all, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

/// A record's post key: platform and post ID.
fn key(r: &Value) -> Option<(String, String)> {
    Some((
        r["platform"].as_str()?.to_string(),
        r["post_id"].as_str()?.to_string(),
    ))
}

#[test]
fn the_archive_holds_what_scan_finds() {
    let a = archived();
    let records = &a.scanned.records;
    assert!(!records.is_empty());
    let s = &a.summary;
    // Every input scan reads is seen; every record is a new or a known post, and a sighting.
    assert_eq!(number_before(s, " input(s) seen"), a.scanned.inputs);
    let new = number_before(s, " new, ");
    let known = number_before(s, " already known");
    let copies = number_before(s, " copies merged");
    // A fresh archive knows nothing before the run: every record is a new post or a copy of
    // one the run met before.
    assert_eq!(known, 0, "{s}");
    assert_eq!(new + copies, records.len() as u64, "{s}");
    let all = query(&a.db, &["--kind", "all"]);
    assert_eq!(all.len() as u64, new);
    let sightings: usize = all
        .iter()
        .map(|r| r["sightings"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(sightings as u64, number_before(s, " new sighting(s)"));
    // The same posts (by ID) as scan found, each once.
    let scanned_ids: BTreeSet<_> = records.iter().filter_map(key).collect();
    let stored_ids: Vec<_> = all.iter().filter_map(key).collect();
    assert_eq!(stored_ids.len(), scanned_ids.len());
    assert_eq!(stored_ids.into_iter().collect::<BTreeSet<_>>(), scanned_ids);
    // A post is a mention only when every copy of it is.
    let mut kinds: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for r in records {
        if let Some(k) = key(r) {
            kinds
                .entry(k)
                .or_default()
                .insert(r["kind"].as_str().unwrap_or("").to_string());
        }
    }
    let mentions = kinds
        .values()
        .filter(|k| k.len() == 1 && k.contains("mention"))
        .count();
    assert_eq!(query(&a.db, &["--kind", "mention"]).len(), mentions);
    assert_eq!(query(&a.db, &[]).len(), all.len() - mentions);
}

#[test]
fn archive_then_query_the_seed_with_its_sighting() {
    let a = archived();
    let recs = query(&a.db, &["--handle", "GpkGovBY"]);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!(r["display_name"], "Госпогранкомитет Беларуси 🇧🇾");
    assert_eq!(r["date"], "2021-08-17");
    let s = &r["sightings"][0];
    // Stored absolute, so that the path (and a `dd` on it) works from any folder.
    let abs = std::path::absolute(SEED).expect("absolute");
    assert_eq!(s["path"].as_str(), abs.to_str());
    let scan = run(&["scan", SEED], None);
    let scanned = &json_lines(&scan.stdout)[0];
    assert_eq!(s["sha256"], scanned["source"]["sha256"]);
    assert_eq!(
        (s["start"].as_u64(), s["end"].as_u64()),
        (Some(681), Some(1307))
    );
    assert_eq!(s["line"], 11);
    assert_eq!(s["form"], "text");
    assert_eq!(s["kind"], "embed");
    assert!(s["archived_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    // The same names as `scan`, plus sightings and the archive row.
    for k in scanned.as_object().expect("object").keys() {
        assert!(r.get(k).is_some(), "query record lacks {k}");
    }
    assert!(r["archive_id"].is_i64());
}

#[test]
fn query_filters_formats_and_order() {
    let a = archived();
    let db = a.db.as_str();
    let embeds = query(db, &[]);
    // Newest first.
    let day = |r: &Value| {
        r["created_at"]
            .as_str()
            .map(|t| t[..10].to_string())
            .or_else(|| r["date"].as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let days: Vec<String> = embeds.iter().map(day).collect();
    let mut sorted = days.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(days, sorted);
    assert_eq!(
        query(db, &["--platform", "twitter", "--limit", "5"]).len(),
        5
    );
    let aug = query(db, &["--since", "2021-08-17", "--until", "2021-08-17"]);
    let want_aug = embeds.iter().filter(|r| day(r) == "2021-08-17").count();
    assert!(want_aug > 1);
    assert_eq!(aug.len(), want_aug);
    // Every post seen in one sample file, by a part of its path.
    let in_file: BTreeSet<_> = a
        .scanned
        .records
        .iter()
        .filter(|r| {
            r["kind"] == "embed"
                && r["source"]["path"]
                    .as_str()
                    .is_some_and(|p| p.contains("dates-locales"))
        })
        .filter_map(key)
        .collect();
    assert!(!in_file.is_empty());
    let found: BTreeSet<_> = query(db, &["--source", "dates-locales"])
        .iter()
        .filter_map(key)
        .collect();
    assert_eq!(found, in_file);
    assert_eq!(query(db, &["--search", "jellyfish"]).len(), 1);

    let out = run(
        &[
            "query",
            "--db",
            db,
            "--format",
            "csv",
            "--handle",
            "vozersk_adm",
        ],
        None,
    );
    let csv = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("\"platform\",\"kind\""), "{header}");
    assert!(header.contains("\"quoted_url\"") && header.contains("\"archive_id\""));
    assert!(
        lines
            .next()
            .is_some_and(|l| l.contains("\"1427549064469262372\""))
    );

    let out = run(
        &["query", "--db", db, "--format", "json", "--limit", "2"],
        None,
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));

    let out = run(
        &[
            "query", "--db", db, "--format", "table", "--handle", "GpkGovBY",
        ],
        None,
    );
    let t = String::from_utf8(out.stdout).expect("utf-8");
    assert!(t.lines().count() == 2 && t.contains("@GpkGovBY"), "{t}");
}

#[test]
fn show_prints_every_sighting_with_its_fragment() {
    let a = archived();
    let db = a.db.as_str();
    let copies = a
        .scanned
        .records
        .iter()
        .filter(|r| r["post_id"] == "1427549064469262372")
        .count();
    assert!(copies > 1);
    let out = run(
        &[
            "show",
            "1427549064469262372",
            "--db",
            db,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let sightings = v["sightings"].as_array().expect("sightings");
    assert_eq!(sightings.len(), copies);
    for s in sightings {
        let frag = s["fragment"].as_str().expect("fragment");
        assert!(frag.starts_with("<blockquote") && frag.contains("17 августа 2021 г."));
        assert_eq!(s["record"]["post_id"], "1427549064469262372");
    }
    // By any URL form of the post, and as text.
    let out = run(
        &[
            "show",
            "https://mobile.twitter.com/vozersk_adm/status/1427549064469262372?s=20",
            "--db",
            db,
            "--format",
            "text",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let t = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        t.contains(&format!("sightings: {copies}")) && t.contains("| <blockquote"),
        "{t}"
    );
    // An unknown post (a number that is neither a post ID nor a row).
    let out = run(&["show", "999999999", "--db", db], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no post"));
}

#[test]
fn every_platform_is_archived_and_queryable() {
    let a = archived();
    let db = a.db.as_str();
    // Every platform with a samples folder has its posts stored under its name.
    for dir in std::fs::read_dir(root().join("samples")).expect("samples") {
        let dir = dir.expect("entry").path();
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !dir.is_dir() || name.parse::<embedvault::Platform>().is_err() {
            continue;
        }
        let scanned: BTreeSet<_> = a
            .scanned
            .records
            .iter()
            .filter(|r| r["platform"] == name && r["kind"] == "embed")
            .filter_map(key)
            .collect();
        let recs = query(db, &["--platform", name]);
        assert!(!recs.is_empty(), "{name}: nothing stored");
        assert!(recs.iter().all(|r| r["platform"] == name));
        // Only flattened text and a card that does not link its post lack an ID.
        assert!(
            recs.iter()
                .all(|r| r["post_id"].is_string() || r["form"] == "text" || r["form"] == "card")
        );
        let stored: BTreeSet<_> = recs.iter().filter_map(key).collect();
        assert_eq!(stored, scanned, "{name}");
    }
    // An Instagram /reel/ and /p/ URL of one shortcode are one post, seen twice.
    let out = run(
        &["show", "C2F7253SaEu", "--db", db, "--format", "json"],
        None,
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one post");
    assert_eq!(v["sightings"].as_array().map(Vec::len), Some(2));
    // Any URL form of any platform's post finds it.
    let out = run(
        &[
            "show",
            "https://instagram.com/reel/C2F7253SaEu/?igsh=x",
            "--db",
            db,
            "--format",
            "json",
        ],
        None,
    );
    let w: Value = serde_json::from_slice(&out.stdout).expect("the same post");
    assert_eq!(w["post_id"], "C2F7253SaEu");
    // Mastodon posts carry user@host.
    assert!(
        query(db, &["--platform", "mastodon"])
            .iter()
            .all(|r| r["handle"].as_str().is_some_and(|h| h.contains('@')))
    );
}

#[test]
fn stats_sum_up_the_archive() {
    let a = archived();
    let db = a.db.as_str();
    let all = query(db, &["--kind", "all"]);
    let embeds = query(db, &[]);
    let out = run(&["stats", "--db", db, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["posts"], all.len());
    let sightings: usize = all
        .iter()
        .map(|r| r["sightings"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(v["sightings"], sightings);
    assert_eq!(v["sources"], a.scanned.inputs);
    assert_eq!(v["runs"], 1);
    // The platform and handle with the most embedded posts, and the earliest post date.
    let mut by_platform: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_handle: BTreeMap<String, usize> = BTreeMap::new();
    for r in &all {
        *by_platform
            .entry(r["platform"].as_str().unwrap_or("").into())
            .or_default() += 1;
    }
    for r in &embeds {
        if let Some(h) = r["handle"].as_str() {
            *by_handle.entry(h.to_lowercase()).or_default() += 1;
        }
    }
    let top = |m: &BTreeMap<String, usize>| {
        m.iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| k.clone())
    };
    assert_eq!(
        v["by_platform"][0]["key"].as_str(),
        top(&by_platform).as_deref()
    );
    assert_eq!(
        v["top_handles"][0]["key"].as_str().map(str::to_lowercase),
        top(&by_handle)
    );
    let earliest = embeds
        .iter()
        .filter_map(|r| {
            r["created_at"]
                .as_str()
                .map(|t| t[..10].to_string())
                .or_else(|| r["date"].as_str().map(str::to_string))
        })
        .min();
    assert_eq!(v["date_span"][0].as_str(), earliest.as_deref());
    let out = run(&["stats", "--db", db], None);
    let t = String::from_utf8(out.stdout).expect("utf-8");
    let handle = v["top_handles"][0]["key"].as_str().expect("a top handle");
    assert!(
        t.contains("by form") && t.contains(&format!("@{handle}")),
        "{t}"
    );
}

#[test]
fn read_commands_never_create_a_database() {
    let dir = temp_dir("cli-missing-db");
    let db = dir.join("none.db");
    let db_s = db.to_str().expect("utf-8 path");
    for args in [
        vec!["query", "--db", db_s],
        vec!["show", "1", "--db", db_s],
        vec!["stats", "--db", db_s],
    ] {
        let out = run(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("none.db") && err.contains("does not exist"),
            "{err}"
        );
        assert!(!db.exists());
    }
}

#[test]
fn archive_exit_codes_and_env_database() {
    let dir = temp_dir("cli-archive-exit");
    let db = dir.join("env.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_embedvault"))
        .args(["archive", SEED, "no/such/page.html"])
        .env("EMBEDVAULT_DB", &db)
        .current_dir(root())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such/page.html") && err.contains("1 failed"),
        "{err}"
    );
    assert!(db.exists());
    let db = db.to_str().expect("utf-8");
    // The good input was archived anyway.
    assert_eq!(query(db, &["--handle", "GpkGovBY"]).len(), 1);
    // A bad FTS5 expression is a clear usage error.
    let out = run(
        &["query", "--db", db, "--fts", "--search", "foo AND ("],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad --search expression"));
    // A bad date is refused by the argument parser.
    let out = run(&["query", "--db", db, "--since", "17/08/2021"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn archive_content_does_not_depend_on_the_thread_count() {
    let dump = |db: &str| {
        // Everything but the wall-clock times of the run.
        query(db, &["--kind", "all", "--format", "jsonl"])
            .into_iter()
            .map(|mut r| {
                for s in r["sightings"].as_array_mut().into_iter().flatten() {
                    s["archived_at"] = Value::Null;
                }
                r.to_string()
            })
            .collect::<Vec<_>>()
    };
    let db = temp_dir("cli-threads-1").join("t.db");
    let db = db.to_str().expect("utf-8 path");
    let out = run(&["archive", "samples", "--db", db, "--threads", "1"], None);
    assert_eq!(out.status.code(), Some(0));
    let one = dump(db);
    assert!(!one.is_empty());
    // The shared archive was written with one worker per core.
    assert_eq!(one, dump(&archived().db));
    // Scan output order is the input order whatever the thread count.
    let a = run(&["scan", "samples", "--threads", "1"], None);
    let b = run(&["scan", "samples", "--threads", "3"], None);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn an_input_over_the_size_cap_is_skipped_with_a_note() {
    let dir = temp_dir("cli-cap");
    let big = dir.join("big.html");
    let page = std::fs::read_to_string(root().join("samples/twitter/blockquote-modern.html"))
        .expect("sample");
    std::fs::write(&big, page.repeat(3)).expect("write");
    let db = dir.join("c.db");
    let (db, big) = (db.to_str().expect("utf-8"), big.to_str().expect("utf-8"));
    let out = run(
        &["archive", SEED, big, "--db", db, "--max-input", "5000"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("skipped") && err.contains("big.html") && err.contains("5000-byte input cap"),
        "{err}"
    );
    assert!(
        err.contains("1 input(s) seen") && err.contains("1 skipped"),
        "{err}"
    );
}

#[test]
fn an_archive_from_before_schema_step_3_is_read_as_it_is() {
    let dir = temp_dir("archive-step-2");
    let db = dir.join("old.db");
    let d = db.to_str().expect("utf-8");
    let out = run(&["archive", SEED, "--db", d], None);
    assert_eq!(out.status.code(), Some(0));
    // Back to version 2: the columns step 3 added are gone.
    let c = rusqlite::Connection::open(&db).expect("open");
    let added: Vec<String> = include_str!("../src/store/migrate_003.sql")
        .lines()
        .filter_map(|l| l.strip_prefix("ALTER TABLE sources ADD COLUMN "))
        .map(|l| l.split_whitespace().next().expect("name").to_string())
        .collect();
    assert!(added.len() > 20);
    for col in &added {
        c.execute_batch(&format!("ALTER TABLE sources DROP COLUMN {col}"))
            .expect("drop");
    }
    c.pragma_update(None, "user_version", 2).expect("version");
    drop(c);
    // Read without upgrading: query (with --site), show, show --raw, stats.
    for args in [
        vec!["query", "--db", d, "--handle", "GpkGovBY"],
        vec!["query", "--db", d, "--site", "example"],
        vec!["show", "#1", "--db", d, "--format", "json"],
        vec!["show", "#1", "--db", d, "--raw"],
        vec!["stats", "--db", d, "--format", "json"],
    ] {
        let out = run(&args, None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let c = rusqlite::Connection::open(&db).expect("open");
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(v, 2, "a read upgraded the archive");
}
