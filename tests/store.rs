//! The archive on real SQLite files (temporary folders), never a mock: round trips, identity,
//! merging, idempotence, full-text search, migrations.

use std::path::{Path, PathBuf};

use embedvault::archive::{self, Options};
use embedvault::decode::Sniff;
use embedvault::discover::{Input, Origin};
use embedvault::query::{self, Filter, KindFilter};
use embedvault::store::{Event, Store, migrate};

use crate::support::{root, temp_dir};

const TWEET: &str = r#"<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">Tide gauge field test went fine. Logs below <a href="https://t.co/Q1w2E3r4T5">https://t.co/Q1w2E3r4T5</a> <a href="https://t.co/Z9x8C7v6B5">pic.twitter.com/Z9x8C7v6B5</a></p>&mdash; Coastal Lab 🌊 (@coastal_lab) <a href="https://twitter.com/coastal_lab/status/1427632593688211498?ref_src=twsrc%5Etfw">August 17, 2021</a></blockquote>"#;

fn page(intro: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{intro}</title></head><body><p>{intro}</p>{body}<p>More prose.</p></body></html>"
    )
}

fn input(path: &Path, content: &str) -> Input {
    Input {
        bytes: content.as_bytes().to_vec(),
        origin: Origin {
            path: Some(path.to_path_buf()),
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            gzip: false,
        },
        sniff: if path.extension().is_some_and(|e| e == "txt") {
            Sniff::Text
        } else {
            Sniff::Html
        },
    }
}

fn write(store: &mut Store, inputs: &[Input]) -> embedvault::store::Counts {
    let run = store.begin_run(&["test".into()]).expect("run");
    let events: Vec<Event> = inputs
        .iter()
        .map(|i| Event::Input(Box::new(archive::prepare(i))))
        .collect();
    let c = store.write_batch(run, &events).expect("batch");
    store.finish_run(run, &c).expect("finish");
    c
}

fn all(store: &Store) -> Vec<query::StoredPost> {
    query::query(
        store,
        &Filter {
            kind: KindFilter::All,
            ..Filter::default()
        },
    )
    .expect("query")
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

fn db(name: &str) -> PathBuf {
    temp_dir(name).join("archive.db")
}

#[test]
fn every_field_round_trips() {
    let mut store = Store::open(&db("store-roundtrip")).expect("open");
    let content = page("Gauges", TWEET);
    let inp = input(Path::new("article.html"), &content);
    let scanned = embedvault::scan::scan(&inp);
    let found = &scanned.posts[0];
    write(&mut store, &[inp]);
    let got = all(&store);
    assert_eq!(got.len(), 1);
    let g = &got[0];
    assert_eq!(g.platform, found.platform.as_str());
    assert_eq!(g.kind, found.kind.as_str());
    assert_eq!(g.form, found.form.as_str());
    assert_eq!(g.post_id, found.post_id);
    assert_eq!(g.url, found.url);
    assert_eq!(g.handle, found.handle);
    assert_eq!(g.display_name, found.display_name);
    assert_eq!(g.date_text, found.date_text);
    assert_eq!(g.date, found.date);
    assert_eq!(g.created_at, found.created_at);
    assert_eq!(g.lang, found.lang);
    assert_eq!(g.text, found.text);
    assert_eq!(g.media, found.media);
    assert_eq!(g.links, found.links);
    assert_eq!(g.detector, found.detector);
    assert_eq!(g.notes, found.notes);
    assert_eq!(g.source, found.source);
    assert_eq!(g.sightings.len(), 1);
    let s = &g.sightings[0];
    assert_eq!(
        (s.start as usize, s.end as usize),
        (found.source.start, found.source.end)
    );
    assert_eq!(&content[s.start as usize..s.end as usize], TWEET);
    // `show` returns the raw fragment, byte for byte.
    let shown = query::show(&store, "1427632593688211498").expect("show");
    assert_eq!(shown[0].sightings[0].fragment.as_deref(), Some(TWEET));
    assert!(shown[0].sightings[0].record.is_some());
}

#[test]
fn one_tweet_in_three_articles_is_one_post_with_three_sightings() {
    let mut store = Store::open(&db("store-three")).expect("open");
    let inputs: Vec<Input> = ["a.html", "b.html", "c.html"]
        .iter()
        .map(|n| input(Path::new(n), &page(n, TWEET)))
        .collect();
    let c = write(&mut store, &inputs);
    assert_eq!((c.posts_new, c.posts_known, c.sightings_new), (1, 2, 3));
    let got = all(&store);
    assert_eq!(got.len(), 1);
    let paths: Vec<_> = got[0]
        .sightings
        .iter()
        .filter_map(|s| s.path.clone())
        .collect();
    assert_eq!(paths, ["a.html", "b.html", "c.html"]);
}

#[test]
fn archiving_twice_changes_nothing_but_a_run_row() {
    let path = db("store-twice");
    let mut store = Store::open(&path).expect("open");
    let dir = root().join("samples");
    let first = archive::archive(
        &mut store,
        std::slice::from_ref(&dir),
        &[],
        Options::default(),
        &mut |_| {},
    )
    .expect("first");
    let before = (
        count(&store, "posts"),
        count(&store, "sightings"),
        count(&store, "sources"),
    );
    let snapshot: Vec<String> = all(&store)
        .iter()
        .map(|p| {
            serde_json::to_string(&(&p.post_id, &p.text, &p.handle, &p.date, &p.media))
                .expect("json")
        })
        .collect();
    let second =
        archive::archive(&mut store, &[dir], &[], Options::default(), &mut |_| {}).expect("second");
    assert!(first.counts.posts_new > 50);
    assert_eq!(second.counts.posts_new, 0);
    assert_eq!(second.counts.sightings_new, 0);
    assert_eq!(second.counts.sources_new, 0);
    assert_eq!(
        before,
        (
            count(&store, "posts"),
            count(&store, "sightings"),
            count(&store, "sources")
        )
    );
    let again: Vec<String> = all(&store)
        .iter()
        .map(|p| {
            serde_json::to_string(&(&p.post_id, &p.text, &p.handle, &p.date, &p.media))
                .expect("json")
        })
        .collect();
    assert_eq!(snapshot, again);
    assert_eq!(count(&store, "runs"), 2);
}

#[test]
fn a_changed_file_is_a_new_source_version_and_its_posts_are_linked_again() {
    let dir = temp_dir("store-changed");
    let file = dir.join("live.html");
    let mut store = Store::open(&dir.join("a.db")).expect("open");
    std::fs::write(&file, page("v1", TWEET)).expect("write");
    archive::archive(
        &mut store,
        std::slice::from_ref(&file),
        &[],
        Options::default(),
        &mut |_| {},
    )
    .expect("v1");
    std::fs::write(&file, page("v2 with a longer intro", TWEET)).expect("write");
    let r =
        archive::archive(&mut store, &[file], &[], Options::default(), &mut |_| {}).expect("v2");
    assert_eq!(r.counts.sources_new, 1);
    assert_eq!(r.counts.posts_new, 0);
    assert_eq!(r.counts.sightings_new, 1);
    assert_eq!(count(&store, "sources"), 2);
    let got = all(&store);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].sightings.len(), 2);
    assert_ne!(got[0].sightings[0].sha256, got[0].sightings[1].sha256);
}

#[test]
fn merge_fills_missing_fields_and_keeps_conflicts_on_the_sighting() {
    let mut store = Store::open(&db("store-merge")).expect("open");
    // First only a prose link (a mention: ID and handle), then the embed with every field.
    let mention = page(
        "Link",
        r#"<p>As <a href="https://twitter.com/coastal_lab/status/1427632593688211498">they tweeted</a>, all went well.</p>"#,
    );
    write(&mut store, &[input(Path::new("mention.html"), &mention)]);
    let got = all(&store);
    assert_eq!(
        (got.len(), got[0].kind.as_str(), got[0].text.as_deref()),
        (1, "mention", None)
    );

    write(
        &mut store,
        &[input(Path::new("embed.html"), &page("Embed", TWEET))],
    );
    let got = all(&store);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, "embed");
    assert_eq!(got[0].form, "blockquote");
    assert_eq!(got[0].display_name.as_deref(), Some("Coastal Lab 🌊"));
    assert!(
        got[0]
            .text
            .as_deref()
            .is_some_and(|t| t.starts_with("Tide gauge"))
    );

    // A copy whose display name differs: the post keeps its value, the sighting records the other.
    let renamed = TWEET.replace("Coastal Lab 🌊", "Coastal Lab (renamed)");
    write(
        &mut store,
        &[input(Path::new("renamed.html"), &page("Renamed", &renamed))],
    );
    // A stripped copy: nulls never overwrite known fields.
    let stripped = r#"<blockquote class="twitter-tweet"><a href="https://twitter.com/coastal_lab/status/1427632593688211498"></a></blockquote>"#;
    write(
        &mut store,
        &[input(
            Path::new("stripped.html"),
            &page("Stripped", stripped),
        )],
    );
    let got = all(&store);
    assert_eq!(got.len(), 1);
    let p = &got[0];
    assert_eq!(p.display_name.as_deref(), Some("Coastal Lab 🌊"));
    assert!(p.text.is_some() && p.date.is_some());
    assert_eq!(p.sightings.len(), 4);
    let renamed_sighting = p
        .sightings
        .iter()
        .find(|s| s.path.as_deref() == Some("renamed.html"))
        .expect("renamed sighting");
    assert_eq!(
        renamed_sighting.conflicts["display_name"],
        "Coastal Lab (renamed)"
    );
}

#[test]
fn a_flattened_copy_and_the_html_copy_are_one_post() {
    let mut store = Store::open(&db("store-flat-html")).expect("open");
    let flat = "Intro paragraph.\n\nTide gauge field test went fine. Logs below https://t.co/Q1w2E3r4T5 pic.twitter.com/Z9x8C7v6B5 — Coastal Lab 🌊 (@coastal_lab) August 17, 2021\n\nMore.\n";
    // Text first (no ID), then HTML (ID): the ID-less post takes the ID.
    write(&mut store, &[input(Path::new("flat.txt"), flat)]);
    write(
        &mut store,
        &[input(Path::new("page.html"), &page("Gauges", TWEET))],
    );
    // And the other order, in a second archive.
    let mut other = Store::open(&db("store-html-flat")).expect("open");
    write(
        &mut other,
        &[input(Path::new("page.html"), &page("Gauges", TWEET))],
    );
    write(&mut other, &[input(Path::new("flat.txt"), flat)]);
    for s in [&store, &other] {
        let got = all(s);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].post_id.as_deref(), Some("1427632593688211498"));
        let forms: Vec<_> = got[0].sightings.iter().map(|s| s.form.as_str()).collect();
        assert_eq!(forms.len(), 2);
        assert!(forms.contains(&"text") && forms.contains(&"blockquote"));
    }
}

#[test]
fn full_text_search_finds_words_in_english_and_russian() {
    let mut store = Store::open(&db("store-fts")).expect("open");
    archive::archive(
        &mut store,
        &[root().join("samples")],
        &[],
        Options::default(),
        &mut |_| {},
    )
    .expect("archive");
    let search = |q: &str| {
        query::query(
            &store,
            &Filter {
                search: Some(q.into()),
                ..Filter::default()
            },
        )
        .expect("search")
    };
    let ru = search("демократии");
    assert_eq!(ru.len(), 1);
    assert_eq!(ru[0].handle.as_deref(), Some("GpkGovBY"));
    let en = search("jellyfish");
    assert_eq!(en.len(), 1);
    assert_eq!(en[0].handle.as_deref(), Some("harbourswim_cl"));
    // Handles and display names are indexed too.
    assert!(!search("Госпогранкомитет").is_empty());
    // A syntax error is a clear error, not a crash.
    let bad = query::query(
        &store,
        &Filter {
            search: Some("foo AND (".into()),
            ..Filter::default()
        },
    );
    assert!(matches!(bad, Err(embedvault::Error::Search { .. })));
}

#[test]
fn migrations_run_from_an_empty_database_and_newer_schemas_are_refused() {
    let dir = temp_dir("store-migrate");
    let path = dir.join("empty.db");
    rusqlite::Connection::open(&path).expect("create empty");
    // Read-only commands do not create or migrate: an empty file is not an archive.
    assert!(matches!(
        Store::open_read_only(&path),
        Err(embedvault::Error::NotArchive { .. })
    ));
    let store = Store::open(&path).expect("migrates");
    assert_eq!(
        migrate::version(store.conn()).expect("version"),
        migrate::CURRENT
    );
    drop(store);
    assert!(Store::open_read_only(&path).is_ok());

    let newer = dir.join("newer.db");
    let c = rusqlite::Connection::open(&newer).expect("create");
    c.pragma_update(None, "user_version", migrate::CURRENT + 1)
        .expect("set version");
    drop(c);
    assert!(matches!(
        Store::open(&newer),
        Err(embedvault::Error::Migration { .. })
    ));
    assert!(matches!(
        Store::open_read_only(&newer),
        Err(embedvault::Error::Migration { .. })
    ));

    let missing = dir.join("missing.db");
    assert!(matches!(
        Store::open_read_only(&missing),
        Err(embedvault::Error::NoDatabase { .. })
    ));
    assert!(!missing.exists());
}

#[test]
fn failures_are_recorded_and_the_rest_archived() {
    let dir = temp_dir("store-failures");
    std::fs::write(dir.join("a.html.gz"), b"\x1f\x8b\x08\0\0\0\0\0\0\x03broken").expect("write");
    std::fs::write(dir.join("b.html"), page("ok", TWEET)).expect("write");
    let mut store = Store::open(&dir.join("x.db")).expect("open");
    let r = archive::archive(
        &mut store,
        &[
            dir.join("a.html.gz"),
            dir.join("b.html"),
            dir.join("missing.html"),
        ],
        &[],
        Options::default(),
        &mut |_| {},
    )
    .expect("archive");
    assert_eq!(r.counts.failures, 2);
    assert_eq!(r.counts.posts_new, 1);
    assert_eq!(count(&store, "failures"), 2);
    let inputs: Vec<String> = r.failures.iter().map(|(i, _)| i.clone()).collect();
    assert!(inputs[0].ends_with("a.html.gz") && inputs[1].ends_with("missing.html"));
}
