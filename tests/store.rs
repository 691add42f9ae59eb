//! The archive on real SQLite files (temporary folders), never a mock: round trips, identity,
//! merging, idempotence, full-text search, migrations.

use std::path::{Path, PathBuf};

use embedvault::{Archive, ArchiveOptions, Counts, Error, Filter, KindFilter, StoredPost};

use crate::support::{root, temp_dir};

const TWEET: &str = r#"<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">Tide gauge field test went fine. Logs below <a href="https://t.co/Q1w2E3r4T5">https://t.co/Q1w2E3r4T5</a> <a href="https://t.co/Z9x8C7v6B5">pic.twitter.com/Z9x8C7v6B5</a> quoting <a href="https://twitter.com/harbour_ops/status/1427600000000000000">twitter.com/harbour_ops/s…</a></p>&mdash; Coastal Lab 🌊 (@coastal_lab) <a href="https://twitter.com/coastal_lab/status/1427632593688211498?ref_src=twsrc%5Etfw">August 17, 2021</a></blockquote>"#;

fn page(intro: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{intro}</title></head><body><p>{intro}</p>{body}<p>More prose.</p></body></html>"
    )
}

/// Writes each (name, content) into `dir` and archives them as one run.
fn archive_files(archive: &mut Archive, dir: &Path, files: &[(&str, &str)]) -> Counts {
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, content)| {
            let p = dir.join(name);
            std::fs::write(&p, content).expect("write input");
            p
        })
        .collect();
    archive
        .archive(&paths, &ArchiveOptions::default(), &mut |_| {})
        .expect("archive")
        .counts
}

fn all(archive: &Archive) -> Vec<StoredPost> {
    archive
        .query(&Filter {
            kind: KindFilter::All,
            ..Filter::default()
        })
        .expect("query")
}

/// A fresh folder and an archive file in it.
fn fresh(name: &str) -> (PathBuf, Archive) {
    let dir = temp_dir(name);
    let archive = Archive::open(&dir.join("archive.db")).expect("open");
    (dir, archive)
}

fn name_of(s: &embedvault::Sighting) -> String {
    s.path
        .as_deref()
        .and_then(|p| Path::new(p).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn every_field_round_trips() {
    let (dir, mut archive) = fresh("store-roundtrip");
    let content = page("Gauges", TWEET);
    let file = dir.join("article.html");
    let found = embedvault::scan_bytes(
        content.as_bytes(),
        &embedvault::ScanOptions {
            path: Some(file.to_string_lossy().into_owned()),
            ..Default::default()
        },
    );
    assert_eq!(found.len(), 1);
    let found = &found[0];
    assert!(found.quoted_url.is_some() && !found.media.is_empty() && !found.links.is_empty());
    archive_files(&mut archive, &dir, &[("article.html", &content)]);
    let got = all(&archive);
    assert_eq!(got.len(), 1);
    // The stored record is the scanned record, field for field (provenance included).
    assert_eq!(&got[0].post, found);
    assert_eq!(got[0].sightings.len(), 1);
    let s = &got[0].sightings[0];
    assert_eq!(
        (s.start as usize, s.end as usize),
        (found.source.start, found.source.end)
    );
    assert_eq!(&content[s.start as usize..s.end as usize], TWEET);
    // `show` returns the raw fragment, byte for byte.
    let shown = archive.show("1427632593688211498").expect("show");
    assert_eq!(shown[0].sightings[0].fragment.as_deref(), Some(TWEET));
    assert!(shown[0].sightings[0].record.is_some());
}

#[test]
fn one_tweet_in_three_articles_is_one_post_with_three_sightings() {
    let (dir, mut archive) = fresh("store-three");
    let pages: Vec<(String, String)> = ["a.html", "b.html", "c.html"]
        .iter()
        .map(|n| (n.to_string(), page(n, TWEET)))
        .collect();
    let files: Vec<(&str, &str)> = pages
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_str()))
        .collect();
    let c = archive_files(&mut archive, &dir, &files);
    // One post new, none known before the run, the other two copies merged into it.
    assert_eq!(
        (c.posts_new, c.posts_known, c.copies_merged, c.sightings_new),
        (1, 0, 2, 3)
    );
    let got = all(&archive);
    assert_eq!(got.len(), 1);
    let names: Vec<_> = got[0].sightings.iter().map(name_of).collect();
    assert_eq!(names, ["a.html", "b.html", "c.html"]);
}

#[test]
fn archiving_twice_changes_nothing_but_a_run_row() {
    let (_, mut archive) = fresh("store-twice");
    let samples = [root().join("samples")];
    let opts = ArchiveOptions::default();
    let first = archive
        .archive(&samples, &opts, &mut |_| {})
        .expect("first");
    let before = archive.stats().expect("stats");
    let snapshot = serde_json::to_string(&all(&archive)).expect("json");
    let second = archive
        .archive(&samples, &opts, &mut |_| {})
        .expect("second");
    assert!(first.counts.posts_new > 0);
    assert_eq!(second.counts.posts_new, 0);
    assert_eq!(second.counts.sightings_new, 0);
    assert_eq!(second.counts.sources_new, 0);
    // Every post is known now, each counted once; the copies merge as they did.
    assert_eq!(first.counts.posts_known, 0);
    assert_eq!(second.counts.posts_known, first.counts.posts_new);
    assert_eq!(second.counts.copies_merged, first.counts.copies_merged);
    let after = archive.stats().expect("stats");
    assert_eq!(
        (before.posts, before.sightings, before.sources),
        (after.posts, after.sightings, after.sources)
    );
    assert_eq!(
        snapshot,
        serde_json::to_string(&all(&archive)).expect("json")
    );
    assert_eq!((before.runs, after.runs), (1, 2));
}

#[test]
fn a_changed_file_is_a_new_source_version_and_its_posts_are_linked_again() {
    let (dir, mut archive) = fresh("store-changed");
    archive_files(&mut archive, &dir, &[("live.html", &page("v1", TWEET))]);
    let c = archive_files(
        &mut archive,
        &dir,
        &[("live.html", &page("v2 with a longer intro", TWEET))],
    );
    assert_eq!(c.sources_new, 1);
    assert_eq!(c.posts_new, 0);
    assert_eq!(c.sightings_new, 1);
    assert_eq!(archive.stats().expect("stats").sources, 2);
    let got = all(&archive);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].sightings.len(), 2);
    assert_ne!(got[0].sightings[0].sha256, got[0].sightings[1].sha256);
}

#[test]
fn merge_fills_missing_fields_and_keeps_conflicts_on_the_sighting() {
    let (dir, mut archive) = fresh("store-merge");
    // First only a prose link (a mention: ID and handle), then the embed with every field.
    let mention = page(
        "Link",
        r#"<p>As <a href="https://twitter.com/coastal_lab/status/1427632593688211498">they tweeted</a>, all went well.</p>"#,
    );
    archive_files(&mut archive, &dir, &[("mention.html", &mention)]);
    let got = all(&archive);
    assert_eq!(
        (got.len(), got[0].post.kind, got[0].post.text.as_deref()),
        (1, embedvault::Kind::Mention, None)
    );
    archive_files(&mut archive, &dir, &[("embed.html", &page("Embed", TWEET))]);
    let got = all(&archive);
    assert_eq!(got.len(), 1);
    let p = &got[0].post;
    assert_eq!(p.kind, embedvault::Kind::Embed);
    assert_eq!(p.form, embedvault::Form::Blockquote);
    assert_eq!(p.display_name.as_deref(), Some("Coastal Lab 🌊"));
    assert!(
        p.text
            .as_deref()
            .is_some_and(|t| t.starts_with("Tide gauge"))
    );

    // A copy whose display name differs: the post keeps its value, the sighting records the other.
    let renamed = TWEET.replace("Coastal Lab 🌊", "Coastal Lab (renamed)");
    // A stripped copy: nulls never overwrite known fields.
    let stripped = r#"<blockquote class="twitter-tweet"><a href="https://twitter.com/coastal_lab/status/1427632593688211498"></a></blockquote>"#;
    archive_files(
        &mut archive,
        &dir,
        &[("renamed.html", &page("Renamed", &renamed))],
    );
    archive_files(
        &mut archive,
        &dir,
        &[("stripped.html", &page("Stripped", stripped))],
    );
    let got = all(&archive);
    assert_eq!(got.len(), 1);
    let p = &got[0].post;
    assert_eq!(p.display_name.as_deref(), Some("Coastal Lab 🌊"));
    assert!(p.text.is_some() && p.date.is_some() && p.quoted_url.is_some());
    assert_eq!(got[0].sightings.len(), 4);
    let renamed_sighting = got[0]
        .sightings
        .iter()
        .find(|s| name_of(s) == "renamed.html")
        .expect("renamed sighting");
    assert_eq!(
        renamed_sighting.conflicts,
        serde_json::json!({"display_name": "Coastal Lab (renamed)"})
    );
}

#[test]
fn a_flattened_copy_and_the_html_copy_are_one_post() {
    let flat = "Intro paragraph.\n\nTide gauge field test went fine. Logs below https://t.co/Q1w2E3r4T5 pic.twitter.com/Z9x8C7v6B5 quoting twitter.com/harbour_ops/s… — Coastal Lab 🌊 (@coastal_lab) August 17, 2021\n\nMore.\n";
    let html = page("Gauges", TWEET);
    // Text first (no ID), then HTML (ID): the ID-less post takes the ID; and the other order.
    let (dir, mut text_first) = fresh("store-flat-html");
    archive_files(&mut text_first, &dir, &[("flat.txt", flat)]);
    archive_files(&mut text_first, &dir, &[("page.html", &html)]);
    let (dir, mut html_first) = fresh("store-html-flat");
    archive_files(&mut html_first, &dir, &[("page.html", &html)]);
    archive_files(&mut html_first, &dir, &[("flat.txt", flat)]);
    for a in [&text_first, &html_first] {
        let got = all(a);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].post.post_id.as_deref(), Some("1427632593688211498"));
        let mut forms: Vec<_> = got[0].sightings.iter().map(|s| s.form.as_str()).collect();
        forms.sort();
        assert_eq!(forms, ["blockquote", "text"]);
    }
}

#[test]
fn full_text_search_finds_words_in_english_and_russian() {
    let (_, mut archive) = fresh("store-fts");
    archive
        .archive(
            &[root().join("samples")],
            &ArchiveOptions::default(),
            &mut |_| {},
        )
        .expect("archive");
    let search = |q: &str| {
        archive
            .query(&Filter {
                search: Some(q.into()),
                ..Filter::default()
            })
            .expect("search")
    };
    let ru = search("демократии");
    assert_eq!(ru.len(), 1);
    assert_eq!(ru[0].post.handle.as_deref(), Some("GpkGovBY"));
    let en = search("jellyfish");
    assert_eq!(en.len(), 1);
    assert_eq!(en[0].post.handle.as_deref(), Some("harbourswim_cl"));
    // Handles and display names are indexed too.
    assert!(!search("Госпогранкомитет").is_empty());
    // A syntax error in an FTS5 expression is a clear error, not a crash.
    let bad = archive.query(&Filter {
        search: Some("foo AND (".into()),
        fts: true,
        ..Filter::default()
    });
    assert!(matches!(bad, Err(Error::Search { .. })));
}

#[test]
fn an_archive_from_before_folded_search_is_reindexed_when_opened_for_writing() {
    let dir = temp_dir("store-fold");
    let path = dir.join("v2.db");
    let c = rusqlite::Connection::open(&path).expect("create");
    c.execute_batch(include_str!("../src/store/schema.sql"))
        .expect("schema 1");
    c.execute_batch(include_str!("../src/store/migrate_002.sql"))
        .expect("schema 2");
    c.pragma_update(None, "user_version", 2).expect("version");
    c.execute(
        "INSERT INTO posts (identity, platform, kind, form, detector, first_seen, last_seen,
         handle, text) VALUES ('twitter:id:1', 'twitter', 'embed', 'text', 'twitter/text',
         '2024-01-01', '2024-01-01', 'Zoë_Ёж', 'Жители Верхнеозёрска и Straße')",
        [],
    )
    .expect("a post");
    drop(c);
    let archive = Archive::open(&path).expect("migrates");
    for words in ["верхнеозерска", "strasse", "zoe_еж", "Ёж"] {
        let hits = archive
            .query(&Filter {
                search: Some(words.into()),
                ..Filter::default()
            })
            .expect("search");
        assert_eq!(hits.len(), 1, "{words}");
    }
    drop(archive);
    assert_eq!(user_version(&path), embedvault::SCHEMA_VERSION);
}

#[test]
fn every_new_post_enters_the_search_index_before_and_after_an_upgrade() {
    // Posts enter the index through the writer, not a trigger: every post archived is found by
    // its handle, in a new archive and in one upgraded from an older schema.
    let dir = temp_dir("store-fts-every");
    let old = dir.join("v2.db");
    let c = rusqlite::Connection::open(&old).expect("create");
    c.execute_batch(include_str!("../src/store/schema.sql"))
        .expect("schema 1");
    c.execute_batch(include_str!("../src/store/migrate_002.sql"))
        .expect("schema 2");
    c.pragma_update(None, "user_version", 2).expect("version");
    drop(c);
    for path in [dir.join("new.db"), old] {
        let mut archive = Archive::open(&path).expect("open");
        archive
            .archive(
                &[root().join("samples")],
                &ArchiveOptions::default(),
                &mut |_| {},
            )
            .expect("archive");
        let posts = all(&archive);
        assert!(posts.len() > 100, "{}", posts.len());
        let mut checked = 0;
        for stored in &posts {
            let Some(handle) = stored.post.handle.as_deref() else {
                continue;
            };
            let hits = archive
                .query(&Filter {
                    search: Some(handle.into()),
                    kind: KindFilter::All,
                    ..Filter::default()
                })
                .expect("search");
            assert!(
                hits.iter().any(|h| h.archive_id == stored.archive_id),
                "{handle} in {}",
                path.display()
            );
            checked += 1;
        }
        assert!(checked > 50, "{checked}");
        assert_eq!(user_version(&path), embedvault::SCHEMA_VERSION);
    }
}

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

#[test]
fn migrations_run_from_an_empty_database_and_newer_schemas_are_refused() {
    let dir = temp_dir("store-migrate");
    let path = dir.join("empty.db");
    rusqlite::Connection::open(&path).expect("create empty");
    // Read-only commands do not create or migrate: an empty file is not an archive.
    assert!(matches!(
        Archive::open_read_only(&path),
        Err(Error::NotArchive { .. })
    ));
    drop(Archive::open(&path).expect("migrates"));
    assert_eq!(user_version(&path), embedvault::SCHEMA_VERSION);
    assert!(Archive::open_read_only(&path).is_ok());

    let newer = dir.join("newer.db");
    let c = rusqlite::Connection::open(&newer).expect("create");
    c.pragma_update(None, "user_version", embedvault::SCHEMA_VERSION + 1)
        .expect("set version");
    drop(c);
    assert!(matches!(
        Archive::open(&newer),
        Err(Error::Migration { .. })
    ));
    assert!(matches!(
        Archive::open_read_only(&newer),
        Err(Error::Migration { .. })
    ));
    assert_eq!(user_version(&newer), embedvault::SCHEMA_VERSION + 1);

    let missing = dir.join("missing.db");
    assert!(matches!(
        Archive::open_read_only(&missing),
        Err(Error::NoDatabase { .. })
    ));
    assert!(!missing.exists());
}

#[test]
fn failures_are_recorded_and_the_rest_archived() {
    let dir = temp_dir("store-failures");
    std::fs::write(dir.join("a.html.gz"), b"\x1f\x8b\x08\0\0\0\0\0\0\x03broken").expect("write");
    std::fs::write(dir.join("b.html"), page("ok", TWEET)).expect("write");
    let mut archive = Archive::open(&dir.join("x.db")).expect("open");
    let r = archive
        .archive(
            &[
                dir.join("a.html.gz"),
                dir.join("b.html"),
                dir.join("missing.html"),
            ],
            &ArchiveOptions::default(),
            &mut |_| {},
        )
        .expect("archive");
    assert_eq!(r.counts.failures, 2);
    assert_eq!(r.counts.posts_new, 1);
    assert_eq!(archive.stats().expect("stats").failures, 2);
    let inputs: Vec<String> = r.failures.iter().map(|(i, _)| i.clone()).collect();
    assert!(inputs[0].ends_with("a.html.gz") && inputs[1].ends_with("missing.html"));
}

#[test]
fn every_form_of_a_bluesky_post_reads_alike_and_joins() {
    // The blockquote ends its text with an "[image or embed]" link; the flattened copy keeps the
    // label as plain text. Both are one post, with the same text.
    let bq = r#"<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:c4i5buqotz5zutjdnnas6cji/app.bsky.feed.post/3ljkunn6qo3lf"><p lang="en">Comet through the 8-inch last night.<br><br><a href="https://bsky.app/profile/did:plc:c4i5buqotz5zutjdnnas6cji/post/3ljkunn6qo3lf?ref_src=embed">[image or embed]</a></p>&mdash; Marsh Lane Observatory (<a href="https://bsky.app/profile/did:plc:c4i5buqotz5zutjdnnas6cji?ref_src=embed">@marshlaneobs.bsky.social</a>) <a href="https://bsky.app/profile/did:plc:c4i5buqotz5zutjdnnas6cji/post/3ljkunn6qo3lf?ref_src=embed">March 4, 2025 at 4:20 PM</a></blockquote>"#;
    let flat = "Intro.\n\nComet through the 8-inch last night. [image or embed]\n— Marsh Lane Observatory (@marshlaneobs.bsky.social) March 4, 2025 at 4:20 PM\n\nMore.\n";
    let (dir, mut archive) = fresh("store-bluesky-forms");
    archive_files(&mut archive, &dir, &[("flat.txt", flat)]);
    archive_files(&mut archive, &dir, &[("page.html", &page("Comet", bq))]);
    let got = all(&archive);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        got[0].post.text.as_deref(),
        Some("Comet through the 8-inch last night.")
    );
    assert_eq!(got[0].sightings.len(), 2);
    assert!(
        got[0]
            .sightings
            .iter()
            .all(|s| s.conflicts == serde_json::json!({}))
    );
}
