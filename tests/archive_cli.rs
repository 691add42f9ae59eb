//! `archive`, `query`, `show` and `stats` end to end through the real binary.

use crate::support::{json_lines, root, run, temp_dir};

const SEED: &str = "samples/twitter/seed-belarus-lithuania-border.txt";

fn archived(name: &str) -> String {
    let db = temp_dir(name).join("embedvault.db");
    let db = db.to_str().expect("utf-8 path").to_string();
    let out = run(&["archive", "samples", "--db", &db], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("95 input(s) seen"), "{err}");
    assert!(err.contains("posts 144 new, 3 already known"), "{err}");
    db
}

#[test]
fn archive_then_query_the_seed_with_its_sighting() {
    let db = archived("cli-archive-query");
    let out = run(&["query", "--db", &db, "--handle", "GpkGovBY"], None);
    assert_eq!(out.status.code(), Some(0));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!(r["display_name"], "Госпогранкомитет Беларуси 🇧🇾");
    assert_eq!(r["date"], "2021-08-17");
    let s = &r["sightings"][0];
    assert_eq!(s["path"], SEED);
    let bytes = std::fs::read(root().join(SEED)).expect("seed");
    assert_eq!(s["sha256"], embedvault::scan::sha256_hex(&bytes));
    assert_eq!(
        (s["start"].as_u64(), s["end"].as_u64()),
        (Some(681), Some(1307))
    );
    assert_eq!(s["line"], 11);
    assert_eq!(s["form"], "text");
    assert_eq!(s["kind"], "embed");
    assert!(s["archived_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    // The same names as `scan`, plus sightings.
    let scan = run(&["scan", SEED], None);
    let scanned = &json_lines(&scan.stdout)[0];
    for key in scanned.as_object().expect("object").keys() {
        assert!(r.get(key).is_some(), "query record lacks {key}");
    }
}

#[test]
fn query_filters_formats_and_order() {
    let db = archived("cli-query-filters");
    let q = |args: &[&str]| {
        let mut all = vec!["query", "--db", &db];
        all.extend_from_slice(args);
        let out = run(&all, None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json_lines(&out.stdout)
    };
    let embeds = q(&[]);
    assert_eq!(embeds.len(), 140);
    // Newest first.
    let days: Vec<String> = embeds
        .iter()
        .map(|r| {
            r["created_at"]
                .as_str()
                .map(|t| t[..10].to_string())
                .or_else(|| r["date"].as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect();
    let mut sorted = days.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(days, sorted);
    assert_eq!(q(&["--kind", "mention"]).len(), 4);
    assert_eq!(q(&["--kind", "all"]).len(), 144);
    assert_eq!(q(&["--platform", "twitter", "--limit", "5"]).len(), 5);
    let aug = q(&["--since", "2021-08-17", "--until", "2021-08-17"]);
    assert!(aug.len() >= 10 && aug.iter().all(|r| r["date"] == "2021-08-17"));
    assert!(q(&["--source", "dates-locales"]).len() == 15);
    assert_eq!(q(&["--search", "jellyfish"]).len(), 1);

    let out = run(
        &[
            "query",
            "--db",
            &db,
            "--format",
            "csv",
            "--handle",
            "vozersk_adm",
        ],
        None,
    );
    let csv = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("\"platform\",\"kind\""))
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.contains("\"1427549064469262372\""))
    );

    let out = run(
        &["query", "--db", &db, "--format", "json", "--limit", "2"],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));

    let out = run(
        &[
            "query", "--db", &db, "--format", "table", "--handle", "GpkGovBY",
        ],
        None,
    );
    let t = String::from_utf8(out.stdout).expect("utf-8");
    assert!(t.lines().count() == 2 && t.contains("@GpkGovBY"), "{t}");
}

#[test]
fn show_prints_every_sighting_with_its_fragment() {
    let db = archived("cli-show");
    let out = run(
        &[
            "show",
            "1427549064469262372",
            "--db",
            &db,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let sightings = v["sightings"].as_array().expect("sightings");
    assert_eq!(sightings.len(), 3);
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
            &db,
            "--format",
            "text",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let t = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        t.contains("sightings: 3") && t.contains("| <blockquote"),
        "{t}"
    );
    // An unknown post.
    let out = run(&["show", "123", "--db", &db], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no post"));
}

#[test]
fn every_platform_is_archived_and_queryable() {
    let db = archived("cli-platforms");
    for (platform, at_least) in [
        ("twitter", 60),
        ("instagram", 10),
        ("tiktok", 6),
        ("facebook", 9),
        ("youtube", 8),
        ("bluesky", 4),
        ("mastodon", 4),
        ("threads", 2),
        ("reddit", 5),
        ("telegram", 4),
        ("linkedin", 2),
    ] {
        let out = run(&["query", "--db", &db, "--platform", platform], None);
        assert_eq!(out.status.code(), Some(0));
        let recs = json_lines(&out.stdout);
        assert!(recs.len() >= at_least, "{platform}: {}", recs.len());
        assert!(recs.iter().all(|r| r["platform"] == platform));
        assert!(
            recs.iter()
                .all(|r| r["post_id"].is_string() || r["form"] == "text")
        );
    }
    // An Instagram /reel/ and /p/ URL of one shortcode are one post, seen twice.
    let out = run(
        &["show", "C2F7253SaEu", "--db", &db, "--format", "json"],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one post");
    assert_eq!(v["sightings"].as_array().map(Vec::len), Some(2));
    // Any URL form of any platform's post finds it.
    let out = run(
        &[
            "show",
            "https://instagram.com/reel/C2F7253SaEu/?igsh=x",
            "--db",
            &db,
            "--format",
            "json",
        ],
        None,
    );
    let w: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the same post");
    assert_eq!(w["post_id"], "C2F7253SaEu");
    // Bluesky posts are found by their at-URI, Mastodon posts carry user@host.
    let out = run(&["query", "--db", &db, "--platform", "mastodon"], None);
    assert!(
        json_lines(&out.stdout)
            .iter()
            .all(|r| r["handle"].as_str().is_some_and(|h| h.contains('@')))
    );
}

#[test]
fn stats_sum_up_the_archive() {
    let db = archived("cli-stats");
    let out = run(&["stats", "--db", &db, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["posts"], 144);
    assert_eq!(v["sightings"], 147);
    assert_eq!(v["sources"], 95);
    assert_eq!(v["runs"], 1);
    assert_eq!(v["by_platform"][0]["key"], "twitter");
    assert_eq!(v["top_handles"][0]["key"], "brentonbakes");
    assert_eq!(v["date_span"][0], "2012-05-08");
    let out = run(&["stats", "--db", &db], None);
    let t = String::from_utf8(out.stdout).expect("utf-8");
    assert!(t.contains("by form") && t.contains("@brentonbakes"), "{t}");
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
    // The good input was archived anyway.
    let out = run(
        &[
            "query",
            "--db",
            db.to_str().expect("utf-8"),
            "--handle",
            "GpkGovBY",
        ],
        None,
    );
    assert_eq!(json_lines(&out.stdout).len(), 1);
    // A bad search expression is a clear usage error.
    let out = run(
        &[
            "query",
            "--db",
            db.to_str().expect("utf-8"),
            "--search",
            "foo AND (",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad --search expression"));
    // A bad date is refused by the argument parser.
    let out = run(
        &[
            "query",
            "--db",
            db.to_str().expect("utf-8"),
            "--since",
            "17/08/2021",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn archive_content_does_not_depend_on_the_thread_count() {
    let dump = |threads: &str| {
        let db = temp_dir(&format!("cli-threads-{threads}")).join("t.db");
        let db = db.to_str().expect("utf-8 path").to_string();
        let out = run(
            &["archive", "samples", "--db", &db, "--threads", threads],
            None,
        );
        assert_eq!(out.status.code(), Some(0));
        let out = run(
            &["query", "--db", &db, "--kind", "all", "--format", "jsonl"],
            None,
        );
        // Everything but the wall-clock times of the run.
        json_lines(&out.stdout)
            .into_iter()
            .map(|mut r| {
                for s in r["sightings"].as_array_mut().into_iter().flatten() {
                    s["archived_at"] = serde_json::Value::Null;
                }
                r.to_string()
            })
            .collect::<Vec<_>>()
    };
    let one = dump("1");
    assert!(one.len() > 100);
    assert_eq!(one, dump("4"));
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
