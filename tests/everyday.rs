//! What people type, through the real binary: plain-word search, filters that say when they
//! cannot match, every post nameable, read commands that leave nothing behind, archive runs
//! that report once and never read their own database, output that fits, help that teaches.
//! The archive is built from `tests/fixtures/everyday/` (invented accounts), whose pages hold
//! the words, names and forms that went wrong before.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{json_lines, root, run, temp_dir};

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

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
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

#[test]
fn platform_names_and_aliases_are_checked_and_an_unknown_one_is_a_usage_error() {
    let twitter = query(&["--platform", "twitter"]);
    assert_eq!(twitter.len(), 4);
    for alias in ["X", "x", "Twitter", "tw"] {
        assert_eq!(query(&["--platform", alias]), twitter, "{alias}");
    }
    assert_eq!(
        handles(&query(&["--platform", "truthsocial"])),
        ["GradyPollockEastfield@truthsocial.com"]
    );
    assert_eq!(query(&["--platform", "mastodon"]).len(), 1);
    assert!(query(&["--platform", "fb"]).is_empty());
    let out = run(&["query", "--db", db(), "--platform", "twiter"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown platform \"twiter\""), "{err}");
    assert!(
        err.contains("twitter (x, tw)") && err.contains("mastodon (truthsocial"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn source_is_any_case_and_handle_finds_user_at_host_by_its_user() {
    let lower = query(&["--source", "themirror"]);
    assert_eq!(handles(&lower), ["wahlblick_nord"]);
    assert_eq!(query(&["--source", "TheMirror"]), lower);
    assert_eq!(query(&["--source", "THEMIRROR"]), lower);
    for h in [
        "GradyPollockEastfield",
        "@gradypollockeastfield",
        "GradyPollockEastfield@truthsocial.com",
    ] {
        assert_eq!(
            handles(&query(&["--handle", h])),
            ["GradyPollockEastfield@truthsocial.com"],
            "{h}"
        );
    }
    // The user part must be whole: a prefix of it is not the user.
    assert!(query(&["--handle", "GradyPollock"]).is_empty());
}

#[test]
fn dates_take_a_year_a_month_or_a_day_and_sizes_take_units() {
    let days = |args: &[&str]| -> Vec<String> {
        let mut d: Vec<String> = query(args)
            .iter()
            .filter_map(|r| r["date"].as_str().map(str::to_string))
            .collect();
        d.sort();
        d
    };
    assert_eq!(
        days(&["--since", "2020-03", "--until", "2020-04"]),
        ["2020-04-02"]
    );
    assert_eq!(
        days(&["--since", "2020", "--until", "2020"]),
        ["2020-04-02"]
    );
    assert_eq!(days(&["--until", "2020-04-02"]), ["2020-04-02"]);
    assert_eq!(days(&["--until", "2020-04-01"]), Vec::<String>::new());
    assert_eq!(days(&["--since", "2022"]), ["2022-04-02", "2024-06-02"]);
    let out = run(&["query", "--db", db(), "--since", "2020-3"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("YYYY, YYYY-MM or YYYY-MM-DD"),
        "{}",
        stderr(&out)
    );
    for size in ["1M", "128MiB", "2k"] {
        let out = run(
            &["scan", FIXTURES, "--max-input", size, "--format", "jsonl"],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{size}: {}", stderr(&out));
    }
    // 1k is below the largest fixture: that one is skipped, with a note.
    let out = run(
        &["scan", FIXTURES, "--max-input", "1k", "--format", "jsonl"],
        None,
    );
    assert!(stderr(&out).contains("skipped"), "{}", stderr(&out));
}

/// The `#` column of the table and the `archive_id` CSV column, by handle.
fn row_numbers() -> Vec<(String, String)> {
    let out = run(&["query", "--db", db(), "--format", "table"], None);
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = table.lines();
    assert!(
        lines.next().is_some_and(|h| h.starts_with("#  PLATFORM")),
        "{table}"
    );
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (
                cells[0].to_string(),
                cells[5].trim_start_matches('@').to_string(),
            )
        })
        .collect()
}

#[test]
fn every_post_is_nameable_by_its_row_in_table_csv_and_show() {
    let rows = row_numbers();
    assert_eq!(rows.len(), query(&[]).len());
    // The CSV's archive_id column holds the same numbers, as text.
    let out = run(&["query", "--db", db(), "--format", "csv"], None);
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    let header = csv.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (id_col, handle_col) = (at("archive_id"), at("handle"));
    let mut from_csv: Vec<(String, String)> = csv
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[id_col].to_string(), r[handle_col].to_string())
        })
        .collect();
    let mut from_table = rows.clone();
    from_csv.sort();
    from_table.sort();
    assert_eq!(from_csv, from_table);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("\"{}\"", rows[0].0)));
    // The post without an ID is named by its row, bare or with `#`.
    let (row, handle) = rows
        .iter()
        .find(|(_, h)| h == "harbourswim_x")
        .expect("the flattened post");
    for key in [row.clone(), format!("#{row}")] {
        let out = run(&["show", &key, "--db", db(), "--format", "json"], None);
        assert_eq!(out.status.code(), Some(0), "{key}: {}", stderr(&out));
        let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(shown["handle"], handle.as_str(), "{key}");
        assert!(shown["post_id"].is_null());
    }
}

#[test]
fn a_miss_suggests_the_closest_posts_and_a_clash_is_reported_not_guessed() {
    // Two digits of a status ID swapped, and a handle's beginning.
    for (key, near) in [
        ("1245678901234567809", "1245678901234567890"),
        ("cohealth", "@cohealth_desk"),
    ] {
        let out = run(&["show", key, "--db", db()], None);
        assert_eq!(out.status.code(), Some(1), "{key}");
        let err = stderr(&out);
        assert!(err.contains(&format!("no post {key:?}")), "{err}");
        assert!(
            err.contains("closest matches") && err.contains(near),
            "{err}"
        );
    }
    let out = run(&["show", "zzzzzz", "--db", db()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("closest"), "{}", stderr(&out));

    // A post whose ID is also another post's row number.
    let dir = temp_dir("everyday-clash");
    let copy = dir.join("clash.db");
    std::fs::copy(db(), &copy).expect("copy");
    let rows = row_numbers();
    let (other_row, _) = rows
        .iter()
        .find(|(_, h)| h == "rayon_vestnik")
        .expect("row");
    let c = rusqlite::Connection::open(&copy).expect("open");
    c.execute(
        "UPDATE posts SET post_id = ?1 WHERE handle = 'wahlblick_nord'",
        [other_row],
    )
    .expect("update");
    drop(c);
    let copy = copy.to_str().expect("utf-8");
    let out = run(&["show", other_row, "--db", copy], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("names more than one post"), "{err}");
    assert!(
        err.contains("@wahlblick_nord") && err.contains("@rayon_vestnik"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    // `#N` is the row alone.
    let hash = format!("#{other_row}");
    let out = run(&["show", &hash, "--db", copy, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0));
    let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(shown["handle"], "rayon_vestnik");
}

/// The names in a folder, sorted.
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn read_commands_leave_no_shm_or_wal_behind() {
    let dir = temp_dir("everyday-readonly");
    let db = dir.join("a.db");
    let db_s = db.to_str().expect("utf-8");
    let out = run(&["archive", FIXTURES, "--db", db_s, "--quiet"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(names_in(&dir), ["a.db"]);
    let reads: [&[&str]; 4] = [
        &["query", "--db", db_s, "--search", "covid"],
        &["stats", "--db", db_s],
        &["show", "1", "--db", db_s],
        &["query", "--db", db_s, "--format", "csv", "--sightings"],
    ];
    for args in reads {
        let out = run(args, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(names_in(&dir), ["a.db"], "{args:?}");
    }
    // An empty WAL left beside the archive (no writer connected: no -shm) is nothing to read
    // through: no -shm is made for it.
    std::fs::write(dir.join("a.db-wal"), b"").expect("empty wal");
    for args in reads {
        let out = run(args, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(names_in(&dir), ["a.db", "a.db-wal"], "{args:?}");
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

/// A folder as `archive .` meets it: the fixtures, one of them twice, a saved page's
/// `_files/` folder of images, and (once archived) the database itself.
fn saved_folder(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for f in crate::support::files(&root().join(FIXTURES)) {
        std::fs::copy(&f, dir.join(f.file_name().expect("name"))).expect("copy");
    }
    std::fs::copy(
        root().join(FIXTURES).join("covid-briefing.html"),
        dir.join("covid-briefing-copy.html"),
    )
    .expect("copy");
    let files = dir.join("covid-briefing_files");
    std::fs::create_dir_all(&files).expect("dir");
    for (i, name) in ["logo.png", "chart.png", "font.woff2"].iter().enumerate() {
        let bytes: Vec<u8> = (0..4000u32).map(|b| (b * 7 + i as u32) as u8).collect();
        std::fs::write(files.join(name), bytes).expect("binary");
    }
    dir
}

fn archive_in(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_embedvault"));
    let out = cmd
        .arg("archive")
        .arg(".")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    (out.status.code(), stderr(&out))
}

#[test]
fn an_archive_run_counts_each_post_once_summarises_binaries_and_never_reads_its_database() {
    let dir = saved_folder("everyday-run");
    let (code, err) = archive_in(&dir, &[]);
    assert_eq!(code, Some(0), "{err}");
    // Fresh: 5 posts new, none known before, the copied page's post merged once.
    assert_eq!(number_before(&err, " new, "), 5, "{err}");
    assert_eq!(number_before(&err, " already known"), 0, "{err}");
    assert_eq!(number_before(&err, " copies merged"), 1, "{err}");
    assert_eq!(number_before(&err, " new sighting(s)"), 6, "{err}");
    // Binary files: one line with the count, none named.
    assert!(err.contains("skipped 3 binary file(s)"), "{err}");
    assert!(!err.contains("logo.png"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    // Again: the database and its WAL are beside the inputs now, and never read.
    let (code, err) = archive_in(&dir, &["-v"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(number_before(&err, " new, "), 0, "{err}");
    assert_eq!(number_before(&err, " already known"), 5, "{err}");
    assert_eq!(number_before(&err, " copies merged"), 1, "{err}");
    assert_eq!(number_before(&err, " input(s) seen"), 6, "{err}");
    assert_eq!(number_before(&err, " skipped;"), 3, "{err}");
    for name in ["logo.png", "chart.png", "font.woff2"] {
        assert!(
            err.lines()
                .any(|l| l.contains("skipped") && l.contains(name) && l.contains("binary")),
            "{name}: {err}"
        );
    }
    assert!(
        err.contains("left out the archive's own file(s): ./embedvault.db"),
        "{err}"
    );
    assert!(
        !err.lines()
            .any(|l| l.starts_with("embedvault: skipped") && l.contains("embedvault.db")),
        "{err}"
    );
    // Quiet: nothing at all, and the exit code says how it went.
    let (code, err) = archive_in(&dir, &["--quiet"]);
    assert_eq!(code, Some(0));
    assert_eq!(err, "");
    let (code, err) = archive_in(&dir, &["-q", "-v"]);
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn glob_and_ext_choose_the_files_read_in_folders() {
    let dir = saved_folder("everyday-select");
    // The files chosen: read (seen) or skipped (the binaries).
    for (args, chosen) in [
        (&["--ext", "html"][..], 5),
        (&["--ext", ".HTML", "--ext", "woff2"][..], 6),
        (&["--ext", "TXT,png"][..], 3),
        (&["--glob", "*.txt"][..], 1),
        (&["--glob", "covid*", "--ext", "txt"][..], 3),
        (&["--glob", "**/*_files/*"][..], 3),
    ] {
        let db = dir.join(format!(
            "{}.db",
            args.join("_").replace(['*', '/', ','], "")
        ));
        let mut all = args.to_vec();
        let db = db.to_str().expect("utf-8").to_string();
        all.extend(["--db", &db]);
        let (code, err) = archive_in(&dir, &all);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        let seen = number_before(&err, " input(s) seen") + number_before(&err, " skipped;");
        assert_eq!(seen, chosen, "{args:?}: {err}");
    }
    let (code, err) = archive_in(&dir, &["--glob", "[oops"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a glob"), "{err}");
}

#[test]
fn csv_sightings_has_one_row_per_sighting_with_ids_as_text() {
    let dir = saved_folder("everyday-csv");
    let (code, err) = archive_in(&dir, &["-q"]);
    assert_eq!(code, Some(0), "{err}");
    let db = dir.join("embedvault.db");
    let db = db.to_str().expect("utf-8");
    let out = run(
        &[
            "query",
            "--db",
            db,
            "--format",
            "csv",
            "--sightings",
            "--search",
            "covid",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // Every cell is quoted: a spreadsheet keeps the 19-digit ID as text.
    assert!(text.contains("\"1245678901234567890\""), "{text}");
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header = csv.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("row")).collect();
    // One post, seen in the page and in its copy: two rows.
    assert_eq!(rows.len(), 2, "{text}");
    let paths: Vec<&str> = rows
        .iter()
        .map(|r| r.get(at("path")).expect("path"))
        .collect();
    assert!(
        paths[0].ends_with("covid-briefing-copy.html")
            || paths[1].ends_with("covid-briefing-copy.html"),
        "{paths:?}"
    );
    assert_ne!(paths[0], paths[1]);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(&r[at("post_id")], "1245678901234567890");
        assert_eq!(&r[at("sighting")], (i + 1).to_string());
        assert_eq!(&r[at("sighting_kind")], "embed");
        assert_eq!(&r[at("sighting_form")], "blockquote");
        assert_eq!(&r[at("sightings")], "2");
        assert_eq!(&r[at("archive_id")], &rows[0][at("archive_id")]);
        assert!(r[at("start")].parse::<u64>().is_ok());
    }
    // One row per post without it.
    let out = run(
        &["query", "--db", db, "--format", "csv", "--search", "covid"],
        None,
    );
    assert_eq!(
        csv::Reader::from_reader(&out.stdout[..]).records().count(),
        1
    );
    // It is a CSV layout only.
    let out = run(
        &["query", "--db", db, "--format", "jsonl", "--sightings"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--format csv"), "{}", stderr(&out));
}

#[test]
fn colour_is_asked_for_or_follows_the_terminal_and_no_color() {
    let table = |extra: &[&str], no_color: bool| -> String {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_embedvault"));
        cmd.args(["query", "--db", db(), "--format", "table"])
            .args(extra);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let bold = "\u{1b}[1m#  PLATFORM";
    assert!(table(&["--color", "always"], false).starts_with(bold));
    assert!(table(&["--color", "always"], true).starts_with(bold));
    // Into a pipe, auto is no colour; never is never.
    for (extra, no_color) in [
        (&[][..], false),
        (&["--color", "never"][..], false),
        (&["--color", "auto"][..], true),
    ] {
        let t = table(extra, no_color);
        assert!(
            t.starts_with("#  PLATFORM") && !t.contains('\u{1b}'),
            "{extra:?}: {t:?}"
        );
    }
    // Messages: the error label is red when asked for.
    let out = run(
        &["query", "--db", "/nonexistent/x.db", "--color", "always"],
        None,
    );
    assert!(
        stderr(&out).contains("\u{1b}[1;31merror:\u{1b}[0m"),
        "{}",
        stderr(&out)
    );
    let out = run(&["query", "--db", "/nonexistent/x.db"], None);
    assert!(!stderr(&out).contains('\u{1b}'));
}

#[test]
fn every_subcommand_help_teaches_with_examples_and_completions_and_man_are_generated() {
    let out = run(&["--help"], None);
    let top = stdout(&out);
    let subcommands: Vec<&str> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|s| *s != "help")
        .collect();
    assert!(subcommands.len() >= 8, "{top}");
    for sub in &subcommands {
        let out = run(&[sub, "--help"], None);
        assert_eq!(out.status.code(), Some(0), "{sub}");
        let help = stdout(&out);
        let examples = help
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{sub} --help has no examples:\n{help}"));
        assert!(
            examples.contains(&format!("embedvault {sub}"))
                || examples.contains(&format!("embedvault {sub} ")),
            "{sub}: {help}"
        );
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell], None);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        for word in [
            "archive",
            "query",
            "search",
            "platform",
            "color",
            "sightings",
        ] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    // The bash script is valid bash.
    let script = temp_dir("everyday-completions").join("embedvault.bash");
    std::fs::write(&script, run(&["completions", "bash"], None).stdout).expect("write");
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash runs");
    assert!(checked.success());
    let out = run(&["man"], None);
    let page = stdout(&out);
    assert!(page.contains(".TH embedvault 1"), "{page}");
    assert!(
        page.contains("archive") && page.contains("completions"),
        "{page}"
    );
    let out = run(&["man", "query"], None);
    let page = stdout(&out);
    assert!(page.contains(".TH embedvault-query 1"), "{page}");
    assert!(
        page.contains("\\-\\-search") && page.contains("Examples"),
        "{page}"
    );
    let out = run(&["man", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the subcommands are: scan, archive"));
}
