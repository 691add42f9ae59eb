//! The archive under faults, load and hostile input, on real SQLite files and through the real
//! binary: concurrent writers, SIGKILL at random points, other applications' databases, newer
//! and older archives, read-only archives, non-UTF-8 file names, huge limits.
//!
//! Archives are compared by content, never by row IDs or times: posts by every column but the
//! row ID and first/last seen, sightings by their post's identity, their source's identity and
//! every column but the run and the time, sources by every column but the first run and the
//! times. Runs and failures rows record what happened and may differ.

#![allow(clippy::print_stderr)] // The random seed and the kill counts are worth seeing in the log.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use embedvault::{Archive, ArchiveOptions, Error, Filter, KindFilter};
use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use crate::support::{json_lines, root, run, temp_dir};

const SEED: &str = "samples/twitter/seed-belarus-lithuania-border.txt";

// ---------------------------------------------------------------------------------------------
// Helpers: a generated corpus, the binary in the background, archive dumps.

/// A small deterministic pseudo-random generator (xorshift64*), so a failing run can be
/// repeated with its seed (printed, and taken from `EMBEDVAULT_TEST_SEED`).
struct Rng(u64);

impl Rng {
    fn new(name: &str) -> Rng {
        let seed = std::env::var("EMBEDVAULT_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("{name}: EMBEDVAULT_TEST_SEED={seed}");
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Tweet `k` of a generated pool: an ID, handle, name and text no sample uses (`tag` keeps
/// two pools apart).
fn tweet(tag: &str, k: usize, name_suffix: &str) -> String {
    let id = 1_600_000_000_000_000_000u64 + (k as u64) * 7919 + tag.len() as u64 * 13;
    format!(
        r#"<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">Reading {k} from gauge {tag}{k} is in: level steady at {k} cm <a href="https://t.co/Gen{k}x">https://t.co/Gen{k}x</a></p>&mdash; Gauge {tag} {k}{name_suffix} (@gauge_{tag}_{k}) <a href="https://twitter.com/gauge_{tag}_{k}/status/{id}?ref_src=twsrc%5Etfw">March {day}, 2023</a></blockquote>"#,
        day = 1 + k % 28
    )
}

/// A prose link to tweet `k` (a mention until an embed of it is seen).
fn mention(tag: &str, k: usize) -> String {
    let id = 1_600_000_000_000_000_000u64 + (k as u64) * 7919 + tag.len() as u64 * 13;
    format!(
        r#"<p>As <a href="https://twitter.com/gauge_{tag}_{k}/status/{id}">the gauge tweeted</a>, all is well.</p>"#
    )
}

/// Writes `n` small HTML articles into `dir`, each embedding or linking one to three tweets of
/// a pool of `n / 2` (so posts are shared between articles, some copies carry a different
/// display name, and some posts are first seen as mentions). Returns `dir`.
fn corpus(dir: &Path, tag: &str, n: usize) -> PathBuf {
    std::fs::create_dir_all(dir).expect("corpus dir");
    let pool = (n / 2).max(1);
    for i in 0..n {
        let mut body = String::new();
        for j in 0..(1 + i % 3) {
            let k = (i * 7 + j * 13) % pool;
            match (i + j) % 5 {
                0 => body.push_str(&mention(tag, k)),
                1 => body.push_str(&tweet(tag, k, " (renamed)")),
                _ => body.push_str(&tweet(tag, k, "")),
            }
            body.push_str("\n<p>Between the embeds.</p>\n");
        }
        let page = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Article {i}</title></head>\n<body><p>Article {i} of the {tag} corpus.</p>\n{body}<p>The end.</p></body></html>\n"
        );
        std::fs::write(dir.join(format!("article-{i:04}.html")), page).expect("write article");
    }
    dir.to_path_buf()
}

/// The binary with `args`, run in the crate root, stdout and stderr captured.
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_embedvault"));
    cmd.args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn spawn(args: &[&str]) -> Child {
    command(args).spawn().expect("the binary starts")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 test path")
}

/// Every row of `sql` as text (columns named in `skip` left out), sorted: a table's content
/// independent of row order.
fn rows(conn: &rusqlite::Connection, sql: &str, skip: &[&str]) -> Vec<String> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
    let mut out: Vec<String> = stmt
        .query_map([], |r| {
            let mut row = Vec::new();
            for (i, name) in names.iter().enumerate() {
                if !skip.contains(&name.as_str()) {
                    row.push(format!("{name}={:?}", r.get::<_, SqlValue>(i)?));
                }
            }
            Ok(row.join(" "))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    out.sort();
    out
}

/// What an archive holds, by content: posts, sightings and sources (see the module docs).
#[derive(Debug, PartialEq, Eq)]
struct Content {
    posts: Vec<String>,
    sightings: Vec<String>,
    sources: Vec<String>,
}

fn content(db: &Path) -> Content {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the archive");
    Content {
        posts: rows(
            &conn,
            "SELECT * FROM posts",
            &["id", "first_seen", "last_seen"],
        ),
        sightings: rows(
            &conn,
            "SELECT p.identity AS post_identity, quote(so.input_key) AS source_key,
                    so.sha256 AS source_sha256, s.*
             FROM sightings s JOIN posts p ON p.id = s.post JOIN sources so ON so.id = s.source",
            &["id", "post", "source", "run", "archived_at"],
        ),
        sources: rows(
            &conn,
            "SELECT * FROM sources",
            &["id", "first_run", "first_archived", "last_archived"],
        ),
    }
}

/// `query --kind all --format jsonl` with what depends on timing taken out: the archive row
/// IDs, and each sighting's run and time. Records and their sightings are sorted, since posts
/// that tie on date come out in row order.
fn query_dump(db: &Path) -> Vec<String> {
    let out = run(
        &["query", "--db", s(db), "--kind", "all", "--format", "jsonl"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut recs: Vec<String> = json_lines(&out.stdout)
        .into_iter()
        .map(|mut r| {
            r["archive_id"] = Value::Null;
            let mut sightings: Vec<String> = r["sightings"]
                .as_array()
                .expect("sightings")
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    s["run"] = Value::Null;
                    s["archived_at"] = Value::Null;
                    s.to_string()
                })
                .collect();
            sightings.sort();
            r["sightings"] = sightings.into();
            r.to_string()
        })
        .collect();
    recs.sort();
    recs
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    // The full-text index agrees with the posts it indexes (once the schema is there: a kill
    // while creating it leaves a blank database).
    let has_fts: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'posts_fts'",
            [],
            |r| r.get(0),
        )
        .expect("schema");
    if has_fts == 1 {
        conn.execute(
            "INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .expect("the full-text index matches the posts");
    }
    ok
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

fn pragma(db: &Path, name: &str) -> i64 {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open")
        .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .expect("pragma")
}

/// The journal mode recorded in a database file's header: 1 rollback, 2 WAL.
fn header_journal(db: &Path) -> u8 {
    std::fs::read(db).expect("read")[18]
}

// ---------------------------------------------------------------------------------------------
// 1. Concurrent writers.

#[test]
fn concurrent_archive_runs_all_finish_and_equal_a_sequential_run() {
    let dir = temp_dir("rel-concurrent");
    // Two processes archive the same inputs, a third different ones. The two sets share no
    // post, so the archive's content does not depend on how the runs interleave: each process
    // writes its inputs in order, so every post's copies are merged in input order whoever
    // writes them first.
    let same = corpus(&dir.join("same"), "same", 150);
    let other = corpus(&dir.join("other"), "other", 150);
    let jobs: [Vec<&str>; 3] = [
        vec!["samples/twitter", s(&same)],
        vec!["samples/twitter", s(&same)],
        vec!["samples/instagram", "samples/tiktok", s(&other)],
    ];
    let args = |db: &Path, job: &[&str]| -> Vec<String> {
        let mut a = vec!["archive".to_string()];
        a.extend(job.iter().map(|p| p.to_string()));
        a.extend(["--db", s(db), "--batch", "4"].map(String::from));
        a
    };
    let concurrent = dir.join("concurrent.db");
    let started = Instant::now();
    let children: Vec<Child> = jobs
        .iter()
        .map(|job| {
            let a = args(&concurrent, job);
            spawn(&a.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("finishes");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let took = started.elapsed();
    let sequential = dir.join("sequential.db");
    for job in &jobs {
        let a = args(&sequential, job);
        let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>(), None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert_eq!(integrity(&concurrent), "ok");
    let want = query_dump(&sequential);
    assert!(want.len() > 150, "{} posts", want.len());
    assert_eq!(query_dump(&concurrent), want);
    assert_eq!(content(&concurrent), content(&sequential));
    // The runs did overlap in time: the test tested concurrency.
    let conn = rusqlite::Connection::open_with_flags(
        &concurrent,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open");
    let spans: Vec<(String, String)> = conn
        .prepare("SELECT started_at, finished_at FROM runs ORDER BY started_at")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("runs")
        .collect::<rusqlite::Result<_>>()
        .expect("spans");
    assert!(
        spans.windows(2).any(|w| w[1].0 < w[0].1),
        "the runs did not overlap: {spans:?}"
    );
    let runs = |db: &Path| {
        pragma_count(
            db,
            "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL",
        )
    };
    assert_eq!((runs(&concurrent), runs(&sequential)), (3, 3));
    eprintln!("three concurrent runs took {took:?}");
}

fn pragma_count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open")
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn many_processes_creating_one_archive_at_once_all_succeed() {
    // The schema is created once, whoever comes first; the others wait and find it made.
    for round in 0..4 {
        let dir = temp_dir(&format!("rel-create-{round}"));
        let db = dir.join("new.db");
        if round % 2 == 1 {
            std::fs::write(&db, b"").expect("a zero-byte file is a new archive too");
        }
        let children: Vec<Child> = (0..5)
            .map(|_| spawn(&["archive", SEED, "--db", s(&db)]))
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("finishes");
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}: {}",
                stderr(&out)
            );
        }
        assert_eq!(
            pragma(&db, "application_id"),
            Archive::APPLICATION_ID as i64
        );
        assert_eq!(pragma(&db, "user_version"), embedvault::SCHEMA_VERSION);
        assert_eq!(pragma_count(&db, "SELECT count(*) FROM runs"), 5);
        assert_eq!(pragma_count(&db, "SELECT count(*) FROM sightings"), 1);
    }
}

#[test]
fn queries_run_while_an_archive_writes_and_never_block_it() {
    let dir = temp_dir("rel-read-while-write");
    let articles = corpus(&dir.join("articles"), "busy", 300);
    let db = dir.join("busy.db");
    // An archive to read from the start, then a long run into it with one input per
    // transaction.
    let out = run(&["archive", SEED, "--db", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A reader holding a read transaction open all along does not stop the writer (WAL).
    let held = rusqlite::Connection::open(&db).expect("open");
    held.execute_batch("BEGIN").expect("begin");
    let before: i64 = held
        .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
        .expect("count");
    let mut writer = spawn(&[
        "archive",
        s(&articles),
        "--db",
        s(&db),
        "--batch",
        "1",
        "--threads",
        "1",
    ]);
    let (mut during, mut seen) = (0, BTreeSet::new());
    while writer.try_wait().expect("wait").is_none() {
        let q = run(
            &[
                "query",
                "--db",
                s(&db),
                "--kind",
                "all",
                "--format",
                "jsonl",
            ],
            None,
        );
        let st = run(&["stats", "--db", s(&db), "--format", "json"], None);
        assert_eq!(q.status.code(), Some(0), "query: {}", stderr(&q));
        assert_eq!(st.status.code(), Some(0), "stats: {}", stderr(&st));
        let stats: Value = serde_json::from_slice(&st.stdout).expect("stats JSON");
        seen.insert(json_lines(&q.stdout).len());
        assert!(stats["posts"].as_i64().is_some_and(|n| n >= before));
        if writer.try_wait().expect("wait").is_none() {
            during += 1;
        }
    }
    let out = writer.wait_with_output().expect("finishes");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The held transaction still sees its snapshot; the readers saw the archive grow.
    let still: i64 = held
        .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
        .expect("count");
    assert_eq!(still, before);
    drop(held);
    assert!(during >= 1, "no query overlapped the archive run");
    assert!(seen.len() >= 2, "the readers saw no progress: {seen:?}");
    assert_eq!(integrity(&db), "ok");
}

// ---------------------------------------------------------------------------------------------
// 2. Crash safety.

#[cfg(unix)]
#[test]
fn an_archive_killed_at_random_points_loses_and_doubles_nothing() {
    use std::os::unix::process::ExitStatusExt;

    let dir = temp_dir("rel-crash");
    let articles = corpus(&dir.join("articles"), "crash", 160);
    let args = |db: &Path| -> Vec<String> {
        ["archive", s(&articles), "--db", s(db), "--batch", "2"]
            .map(String::from)
            .to_vec()
    };
    let clean = dir.join("clean.db");
    let started = Instant::now();
    let out = command(&args(&clean).iter().map(String::as_str).collect::<Vec<_>>())
        .output()
        .expect("runs");
    let full = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let mut rng = Rng::new("crash");
    let crashed = dir.join("crashed.db");
    let (mut kills, mut completed) = (0, 0);
    for _ in 0..80 {
        if kills >= 22 {
            break;
        }
        // Anywhere from before the database is created to near the end of the run.
        let at = Duration::from_micros(rng.below(full.as_micros() as u64 * 9 / 10 + 1));
        let mut child = spawn(
            &args(&crashed)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        std::thread::sleep(at);
        let running = child.try_wait().expect("wait").is_none();
        if running {
            child.kill().expect("SIGKILL");
        }
        let out = child.wait_with_output().expect("reaped");
        if running && out.status.signal() == Some(9) {
            kills += 1;
        } else {
            // It finished before the kill: it must have succeeded.
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            completed += 1;
        }
        if crashed.exists() && std::fs::metadata(&crashed).map_or(0, |m| m.len()) > 0 {
            assert_eq!(integrity(&crashed), "ok", "after a kill at {at:?}");
        }
    }
    eprintln!(
        "{kills} kills, {completed} runs finished before their kill; a full run takes {full:?}"
    );
    assert!(kills >= 20, "only {kills} kills landed");
    let unfinished = pragma_count(
        &crashed,
        "SELECT count(*) FROM runs WHERE finished_at IS NULL",
    );
    assert!(
        unfinished >= 10,
        "only {unfinished} runs were cut short mid-run"
    );
    // Rerunning completes the job: the same posts, sightings and sources as a clean run.
    let out = command(
        &args(&crashed)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
    .output()
    .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(integrity(&crashed), "ok");
    let (got, want) = (content(&crashed), content(&clean));
    assert!(want.posts.len() >= 60 && want.sightings.len() > want.posts.len());
    assert_eq!(got.sources, want.sources);
    assert_eq!(got.posts, want.posts);
    assert_eq!(got.sightings, want.sightings);
    assert_eq!(query_dump(&crashed), query_dump(&clean));
}

// ---------------------------------------------------------------------------------------------
// 3. Other applications' databases, newer and older archives.

/// Everything in `dir`, file by file: names, sizes and SHA-256 of the bytes.
fn snapshot(dir: &Path) -> Vec<(String, u64, String)> {
    use sha2::Digest;
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let bytes = if p.is_file() {
                std::fs::read(&p).expect("read")
            } else {
                Vec::new()
            };
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                bytes.len() as u64,
                hex::encode(sha2::Sha256::digest(&bytes)),
            )
        })
        .collect();
    all.sort();
    all
}

/// Runs every command on `db`, expecting each to refuse it with exit 2 and a message naming
/// the file and containing `says`; the folder is byte-identical afterwards.
fn assert_refused_untouched(db: &Path, says: &str) {
    let dir = db.parent().expect("dir");
    let before = snapshot(dir);
    for args in [
        vec!["archive", SEED, "--db", s(db)],
        vec!["query", "--db", s(db)],
        vec!["stats", "--db", s(db)],
        vec!["show", "1427549064469262372", "--db", s(db)],
    ] {
        let out = run(&args, None);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        let name = db.file_name().expect("name").to_string_lossy();
        assert!(
            err.contains(&*name) && err.contains(says),
            "{args:?}: {err}"
        );
        assert_eq!(snapshot(dir), before, "{args:?} changed {}", db.display());
    }
    // Through the library, too.
    assert!(Archive::open(db).is_err());
    assert!(Archive::open_read_only(db).is_err());
    assert_eq!(snapshot(dir), before);
}

#[test]
fn another_applications_database_is_refused_and_left_byte_identical() {
    let dir = temp_dir("rel-foreign");
    // A notes app with its own `posts` table, in rollback-journal mode.
    let notes = dir.join("notes.sqlite");
    let c = rusqlite::Connection::open(&notes).expect("create");
    c.execute_batch(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);
         INSERT INTO posts (body) VALUES ('my own post');
         PRAGMA user_version = 1;",
    )
    .expect("fill");
    drop(c);
    assert_refused_untouched(&notes, "is not an embedvault archive");
    assert_eq!(header_journal(&notes), 1, "journal mode switched");

    // An application with its own id, in WAL mode.
    let dir = temp_dir("rel-foreign-wal");
    let geo = dir.join("map.gpkg");
    let c = rusqlite::Connection::open(&geo).expect("create");
    let _: String = c
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .expect("wal");
    c.execute_batch(
        "PRAGMA application_id = 1196444487;
         CREATE TABLE gpkg_contents (table_name TEXT);",
    )
    .expect("fill");
    drop(c);
    assert_refused_untouched(&geo, "belongs to another application");

    // Not a SQLite database at all.
    let dir = temp_dir("rel-foreign-text");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "shopping list\n- milk\n").expect("write");
    assert_refused_untouched(&text, "not a SQLite database");
    assert!(matches!(Archive::open(&text), Err(Error::Foreign { .. })));
}

#[test]
fn an_archive_from_a_newer_embedvault_is_refused_before_any_change() {
    let dir = temp_dir("rel-newer");
    let db = dir.join("future.db");
    let out = run(&["archive", SEED, "--db", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A future version, left in rollback-journal mode: refusing it must not switch it to WAL.
    let c = rusqlite::Connection::open(&db).expect("open");
    let _: String = c
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .expect("delete mode");
    c.pragma_update(None, "user_version", embedvault::SCHEMA_VERSION + 1)
        .expect("version");
    drop(c);
    assert_refused_untouched(&db, "newer than");
    assert_eq!(header_journal(&db), 1, "journal mode switched");
    assert!(matches!(Archive::open(&db), Err(Error::Migration { .. })));
}

#[test]
fn an_old_archive_without_the_application_id_opens_and_gets_it() {
    let dir = temp_dir("rel-old");
    let db = dir.join("old.db");
    // Schema version 1 as the first embedvault wrote it: no application id.
    let c = rusqlite::Connection::open(&db).expect("create");
    let _: String = c
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .expect("wal");
    c.execute_batch(include_str!("../src/store/schema.sql"))
        .expect("schema 1");
    c.pragma_update(None, "user_version", 1).expect("version");
    drop(c);
    assert_eq!(pragma(&db, "application_id"), 0);
    // Readable as it is (the read side does not change it)…
    let out = run(&["stats", "--db", s(&db), "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(pragma(&db, "application_id"), 0);
    // …and the next archive run upgrades it and marks it.
    let out = run(&["archive", SEED, "--db", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        pragma(&db, "application_id"),
        Archive::APPLICATION_ID as i64
    );
    assert_eq!(pragma(&db, "user_version"), embedvault::SCHEMA_VERSION);
    let out = run(&["query", "--db", s(&db), "--handle", "GpkGovBY"], None);
    assert_eq!(json_lines(&out.stdout).len(), 1);
    assert_eq!(integrity(&db), "ok");

    // A current archive whose id was cleared is recognised by its tables too.
    let c = rusqlite::Connection::open(&db).expect("open");
    c.pragma_update(None, "application_id", 0).expect("clear");
    drop(c);
    drop(Archive::open(&db).expect("opens"));
    assert_eq!(
        pragma(&db, "application_id"),
        Archive::APPLICATION_ID as i64
    );

    // A zero-byte file and a missing file are new archives.
    for (name, zero) in [("zero.db", true), ("missing.db", false)] {
        let p = dir.join(name);
        if zero {
            std::fs::write(&p, b"").expect("write");
        }
        let out = run(&["archive", SEED, "--db", s(&p)], None);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(pragma(&p, "application_id"), Archive::APPLICATION_ID as i64);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Read-only archives.

/// This process's user ID (Linux), to tell whether permission bits stop it.
#[cfg(target_os = "linux")]
fn uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

#[cfg(unix)]
fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn read_commands_leave_a_read_only_archive_untouched() {
    // A run that failed half-way left the folder read-only: open it up so it can be removed.
    let old = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rel-readonly/shelf");
    if old.is_dir() {
        set_mode(&old, 0o755);
    }
    let base = temp_dir("rel-readonly");
    let source = base.join("source.db");
    let out = run(&["archive", "samples", "--db", s(&source)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A colleague's archive: a copy in a folder of its own, folder and file read-only.
    let shelf = base.join("shelf");
    std::fs::create_dir_all(&shelf).expect("mkdir");
    let db = shelf.join("colleague.db");
    std::fs::copy(&source, &db).expect("copy");
    set_mode(&db, 0o444);
    set_mode(&shelf, 0o555);
    let reads: Vec<Vec<&str>> = vec![
        vec!["query", "--kind", "all", "--format", "jsonl"],
        vec!["stats", "--format", "json"],
        vec!["show", "1427549064469262372", "--format", "json"],
        vec!["query", "--search", "jellyfish", "--format", "csv"],
    ];
    let with_db = |args: &[&str], db: &Path| -> Vec<String> {
        let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        a.extend(["--db".to_string(), s(db).to_string()]);
        a
    };
    let before = snapshot(&shelf);
    for args in &reads {
        let on_copy = with_db(args, &db);
        let on_source = with_db(args, &source);
        let got = run(
            &on_copy.iter().map(String::as_str).collect::<Vec<_>>(),
            None,
        );
        let want = run(
            &on_source.iter().map(String::as_str).collect::<Vec<_>>(),
            None,
        );
        assert_eq!(got.status.code(), Some(0), "{args:?}: {}", stderr(&got));
        assert_eq!(got.stdout, want.stdout, "{args:?}");
        // No -wal, no -shm, not a byte changed.
        assert_eq!(snapshot(&shelf), before, "{args:?}");
    }
    // Where permission bits bind (not root), that is a real read-only folder. As root they do
    // not, so the same reads are also run as an unprivileged user when `setpriv` can.
    #[cfg(target_os = "linux")]
    if uid() == Some(0) {
        let as_nobody = |args: &[String]| {
            Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_embedvault"))
                .args(args)
                .current_dir("/")
                .output()
        };
        // Only where that user can run the binary and read the file at all.
        let can = |cmd: &str, args: &[&str]| {
            Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", cmd])
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
        };
        let probe = can(env!("CARGO_BIN_EXE_embedvault"), &["--version"])
            .and_then(|run| Ok((run, can("cat", &[s(&db)])?)));
        match probe {
            Ok((run, read)) if run.success() && read.success() => {
                for args in &reads {
                    let out = as_nobody(&with_db(args, &db)).expect("setpriv runs");
                    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
                }
                assert_eq!(snapshot(&shelf), before);
            }
            other => eprintln!("not run as an unprivileged user (setpriv: {other:?})"),
        }
    }
    set_mode(&shelf, 0o755);
    set_mode(&db, 0o644);
}

#[test]
fn reading_goes_through_a_live_wal() {
    let dir = temp_dir("rel-live-wal");
    let db = dir.join("live.db");
    let out = run(&["archive", SEED, "--db", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Another process keeps the archive open, so the next run's writes stay in the WAL
    // (nobody checkpoints them into the file): a reader that ignored the WAL would miss them.
    let keeper = rusqlite::Connection::open(&db).expect("open");
    let _: i64 = keeper
        .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
        .expect("read");
    let out = run(&["archive", "samples/instagram", "--db", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let wal = dir.join("live.db-wal");
    assert!(wal.metadata().is_ok_and(|m| m.len() > 0), "no live WAL");
    // The file alone does not have them yet.
    let file_alone = rusqlite::Connection::open_with_flags(
        format!("file:{}?immutable=1", s(&db)),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .expect("open the file alone");
    let in_file: i64 = file_alone
        .query_row(
            "SELECT count(*) FROM posts WHERE platform = 'instagram'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(
        in_file, 0,
        "the run was checkpointed; the test proves nothing"
    );
    drop(file_alone);
    let out = run(
        &[
            "query",
            "--db",
            s(&db),
            "--platform",
            "instagram",
            "--format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !json_lines(&out.stdout).is_empty(),
        "the WAL's posts were not read"
    );
    let archive = Archive::open_read_only(&db).expect("opens");
    let stats = archive.stats().expect("stats");
    assert_eq!(stats.runs, 2);
    drop(keeper);
}

#[test]
fn a_directory_given_as_the_database_is_named_as_one() {
    let dir = temp_dir("rel-dir-db");
    for args in [
        vec!["query", "--db", s(&dir)],
        vec!["stats", "--db", s(&dir)],
        vec!["show", "1", "--db", s(&dir)],
        vec!["archive", SEED, "--db", s(&dir)],
    ] {
        let out = run(&args, None);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(s(&dir)) && err.contains("is a directory"),
            "{args:?}: {err}"
        );
    }
    assert!(matches!(
        Archive::open_read_only(&dir),
        Err(Error::IsDirectory { .. })
    ));
    assert!(matches!(
        Archive::open(&dir),
        Err(Error::IsDirectory { .. })
    ));
    assert!(file_names(&dir).is_empty());
}

// ---------------------------------------------------------------------------------------------
// 5. Non-UTF-8 file names.

#[cfg(target_os = "linux")]
#[test]
fn file_names_that_are_not_utf8_stay_distinct_sources() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = temp_dir("rel-bytes");
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let seed = std::fs::read(root().join(SEED)).expect("seed");
    let names: [&[u8]; 3] = [b"a\xff.txt", b"a\xfe.txt", "a\u{FFFD}.txt".as_bytes()];
    for n in names {
        std::fs::write(inputs.join(OsStr::from_bytes(n)), &seed).expect("write");
    }
    let db = dir.join("bytes.db");
    for round in 0..2 {
        let out = run(&["archive", s(&inputs), "--db", s(&db)], None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let stats = Archive::open_read_only(&db)
            .expect("open")
            .stats()
            .expect("stats");
        // Three files, three sources, three sightings of the one post; a second run adds none.
        assert_eq!(
            (stats.posts, stats.sources, stats.sightings, stats.runs),
            (1, 3, 3, round + 1)
        );
    }
    let out = run(&["query", "--db", s(&db), "--format", "jsonl"], None);
    let recs = json_lines(&out.stdout);
    let mut shown: Vec<String> = recs[0]["sightings"]
        .as_array()
        .expect("sightings")
        .iter()
        .map(|s| s["path"].as_str().expect("path").to_string())
        .collect();
    shown.sort();
    let base = s(&inputs);
    assert_eq!(
        shown,
        [
            format!("{base}/a\\xFE.txt"),
            format!("{base}/a\\xFF.txt"),
            format!("{base}/a\u{FFFD}.txt"),
        ]
    );
    // The identity is the path's bytes: two BLOBs and one text, each the exact absolute path.
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open");
    let mut keys: Vec<Vec<u8>> = conn
        .prepare("SELECT CAST(input_key AS BLOB) FROM sources")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("keys");
    keys.sort();
    let mut want: Vec<Vec<u8>> = names
        .iter()
        .map(|n| {
            let mut p = inputs.as_os_str().as_bytes().to_vec();
            p.push(b'/');
            p.extend_from_slice(n);
            p
        })
        .collect();
    want.sort();
    assert_eq!(keys, want);
}

// ---------------------------------------------------------------------------------------------
// 6. Limits.

#[test]
fn any_limit_is_taken_by_the_library() {
    let dir = temp_dir("rel-limit");
    let mut archive = Archive::open(&dir.join("limit.db")).expect("open");
    archive
        .archive(
            &[root().join("samples/twitter")],
            &ArchiveOptions::default(),
            &mut |_| {},
        )
        .expect("archive");
    let count = |limit: Option<usize>| {
        archive
            .query(&Filter {
                kind: KindFilter::All,
                limit,
                ..Filter::default()
            })
            .expect("a limit is never a database fault")
            .len()
    };
    let all = count(None);
    assert!(all > 3);
    for limit in [usize::MAX, 1 << 63, i64::MAX as usize, all, all + 1] {
        assert_eq!(count(Some(limit)), all, "limit {limit}");
    }
    assert_eq!(count(Some(3)), 3);
    assert_eq!(count(Some(0)), 0);
}
