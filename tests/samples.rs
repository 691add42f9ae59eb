//! Every sample's posts as a reviewed snapshot, plus exact checks of the behaviours the
//! samples exist for: the seed article, charsets, negatives, spans.

use embedvault::{Form, Kind};

use crate::support::{input_bytes, root, sample_files, scan_file};

#[test]
fn sample_snapshots() {
    insta::glob!("../samples", "**/*.*", |path| {
        if path.file_name().is_some_and(|n| n == "README.md") {
            return;
        }
        let (posts, scanned) = scan_file(path);
        let record = serde_json::json!({
            "charset": scanned.charset,
            "charset_rule": scanned.charset_rule,
            "posts": posts,
        });
        let record = sorted(record);
        insta::assert_snapshot!(serde_json::to_string_pretty(&record).expect("serialises"));
    });
}

/// The value with every object's keys in sorted order, as the snapshots are written.
fn sorted(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[test]
fn seed_post_comes_out_exactly() {
    let path = root().join("samples/twitter/seed-belarus-lithuania-border.txt");
    let bytes = std::fs::read(&path).expect("seed is readable");
    let (posts, _) = scan_file(&path);
    assert_eq!(posts.len(), 1, "exactly one post in the seed: {posts:#?}");
    let p = &posts[0];
    assert_eq!(p.kind, Kind::Embed);
    assert_eq!(p.form, Form::Text);
    assert_eq!(p.post_id, None);
    assert_eq!(p.handle.as_deref(), Some("GpkGovBY"));
    assert_eq!(
        p.display_name.as_deref(),
        Some("Госпогранкомитет Беларуси 🇧🇾")
    );
    assert_eq!(p.date_text.as_deref(), Some("August 17, 2021"));
    assert_eq!(p.date.as_deref(), Some("2021-08-17"));
    assert_eq!(p.media, vec!["pic.twitter.com/BrjUE2qZO5".to_string()]);
    let text = p.text.as_deref().expect("text");
    assert!(text.starts_with("Очередные свидетельства «демократии» по-литовски"));
    assert!(text.ends_with("игнорируют. pic.twitter.com/BrjUE2qZO5"));
    let cut = std::str::from_utf8(&bytes[p.source.start..p.source.end]).expect("span is UTF-8");
    assert_eq!(
        cut,
        format!("{text} — Госпогранкомитет Беларуси 🇧🇾 (@GpkGovBY) August 17, 2021")
    );
    assert_eq!(p.source.line, 11);
}

/// Cuts every post's span out of the input bytes, decodes it with the input's charset, and
/// checks that it is the embed: whole markup (tag to tag), or the flattened passage ending in
/// its date.
#[test]
fn spans_cut_the_embed_out_of_every_input() {
    let mut checked = 0;
    let mut expected = 0;
    for path in sample_files() {
        let bytes = input_bytes(&path);
        let (posts, scanned) = scan_file(&path);
        expected += posts.len();
        let enc =
            encoding_rs::Encoding::for_label(scanned.charset.as_bytes()).expect("known charset");
        let markdown = path.extension().is_some_and(|e| e == "md");
        for p in &posts {
            let (cut, _) = enc.decode_without_bom_handling(&bytes[p.source.start..p.source.end]);
            let cut = cut.trim();
            let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            match p.form {
                // The flattened passage: the post's text (when it has one) and its signature
                // through the date (or, for forms that show none, the handle).
                Form::Text => {
                    let squashed = squash(cut);
                    let text = squash(p.text.as_deref().unwrap_or(""));
                    assert!(squashed.contains(&text), "{}: {cut}", path.display());
                    match p.date_text.as_deref() {
                        Some(date) => assert!(
                            squashed.ends_with(&squash(date)),
                            "{}: {cut}",
                            path.display()
                        ),
                        None => assert!(
                            p.handle.as_deref().is_some_and(|h| cut.contains(h))
                                || p.display_name.as_deref().is_some_and(|n| cut.contains(n)),
                            "{}: the span names neither handle nor name: {cut}",
                            path.display()
                        ),
                    }
                }
                // A JSON string literal holding the embed code, or the widget script tag.
                Form::Script => {
                    assert!(
                        cut.starts_with('"') && cut.ends_with('"') || cut.starts_with('<'),
                        "{}: {cut}",
                        path.display()
                    );
                }
                Form::Link if !cut.starts_with('<') => {
                    assert!(
                        cut.contains("://") || cut.contains("www."),
                        "{}: {cut}",
                        path.display()
                    );
                }
                _ => {
                    assert!(
                        cut.starts_with('<') && cut.ends_with('>'),
                        "{}: {:?} {cut}",
                        path.display(),
                        p.form
                    );
                }
            }
            if p.form == Form::Blockquote && !markdown {
                let lower = cut.to_ascii_lowercase();
                assert!(
                    lower.starts_with("<blockquote") || lower.starts_with("<div"),
                    "{}: {cut}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, expected);
    assert!(checked > 0);
}

#[test]
fn negatives_have_no_embeds() {
    for entry in std::fs::read_dir(root().join("samples/negative")).expect("negative dir") {
        let path = entry.expect("entry").path();
        let (posts, _) = scan_file(&path);
        let embeds: Vec<_> = posts.iter().filter(|p| p.kind == Kind::Embed).collect();
        assert!(embeds.is_empty(), "{}: {embeds:#?}", path.display());
    }
}

#[test]
fn charsets_decode_and_dates_parse_in_every_encoding() {
    let cases = [
        ("cp1251-meta.html", "windows-1251", "meta", "2021-08-17"),
        (
            "cp1251-undeclared.html",
            "windows-1251",
            "detected",
            "2021-08-17",
        ),
        (
            "cp1251-claims-utf8.html",
            "windows-1251",
            "meta-overridden",
            "2021-08-17",
        ),
        ("koi8r.html", "KOI8-R", "meta", "2017-11-07"),
        ("cp1252-french.html", "windows-1252", "meta", "2021-08-17"),
        ("iso8859-2-polish.html", "ISO-8859-2", "meta", "2021-08-17"),
        ("shift_jis.html", "Shift_JIS", "meta", "2021-08-17"),
        ("gb18030.html", "gb18030", "meta", "2021-08-17"),
        ("utf16le-bom.html", "UTF-16LE", "bom", "2023-01-19"),
        ("utf8-bom.txt", "UTF-8", "bom", "2020-09-04"),
        ("gzip-page.html.gz", "UTF-8", "meta", "2018-06-21"),
        ("gzip-text.txt.gz", "UTF-8", "utf8", "2015-07-09"),
    ];
    for (file, charset, rule, date) in cases {
        let (posts, scanned) = scan_file(&root().join("samples/inputs").join(file));
        assert_eq!(scanned.charset, charset, "{file}");
        assert_eq!(scanned.charset_rule, rule, "{file}");
        assert_eq!(posts.len(), 1, "{file}: {posts:#?}");
        assert_eq!(posts[0].date.as_deref(), Some(date), "{file}");
        assert!(
            posts[0]
                .display_name
                .as_deref()
                .is_some_and(|n| !n.contains('\u{fffd}')),
            "{file}: {:?}",
            posts[0].display_name
        );
    }
}

#[test]
fn every_embed_locale_date_parses() {
    let (posts, _) = scan_file(&root().join("samples/twitter/dates-locales.html"));
    assert_eq!(posts.len(), 15);
    for p in &posts {
        let date = p
            .date
            .as_deref()
            .unwrap_or_else(|| panic!("no date: {p:#?}"));
        // The shown date agrees with the time in the status ID.
        let created = p.created_at.as_deref().expect("snowflake time");
        assert_eq!(&created[..10], date, "{:?}", p.date_text);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
    }
}

#[test]
fn nested_and_thread_blockquotes_each_yield_their_own_post() {
    let (posts, _) = scan_file(&root().join("samples/twitter/blockquote-thread.html"));
    let ids: Vec<_> = posts.iter().filter_map(|p| p.post_id.as_deref()).collect();
    assert_eq!(
        ids,
        [
            "1243538841150332965",
            "1243539485756055558",
            "598191089768644646",
            "598194215536689179"
        ]
    );
}

#[test]
fn quoted_status_link_is_not_a_second_post() {
    let (posts, _) = scan_file(&root().join("samples/twitter/quoted-post.html"));
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert_eq!(posts[0].post_id.as_deref(), Some("1579855904488312840"));
    assert!(
        posts[0]
            .links
            .iter()
            .any(|l| l.contains("/status/1579578461882245148"))
    );
}

#[test]
fn prose_links_are_mentions_never_embeds() {
    let (posts, _) = scan_file(&root().join("samples/twitter/mention-prose.html"));
    assert!(!posts.is_empty());
    assert!(
        posts
            .iter()
            .all(|p| p.kind == Kind::Mention && p.form == Form::Link)
    );
}

#[test]
fn stripped_blockquotes_keep_id_and_handle_but_no_placeholder_text() {
    let (posts, _) = scan_file(&root().join("samples/twitter/blockquote-stripped.html"));
    let got: Vec<_> = posts
        .iter()
        .map(|p| (p.post_id.as_deref(), p.handle.as_deref(), p.text.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("522363805781385217"), Some("orbital_fan"), None),
            (Some("966768210230857762"), None, None),
            (Some("1303647100122890250"), Some("nightshift_nurse"), None),
        ]
    );
    assert_eq!(
        posts[1].url.as_deref(),
        Some("https://x.com/i/status/966768210230857762")
    );
}

#[test]
fn dashless_flattening_keeps_signature_and_adjacent_media() {
    let (posts, _) = scan_file(&root().join("samples/twitter/flattened-nodash.txt"));
    assert_eq!(posts.len(), 3);
    assert!(
        posts
            .iter()
            .all(|p| p.text.is_none() && !p.notes.is_empty())
    );
    assert_eq!(
        posts[0].display_name.as_deref(),
        Some("Mayor Dana Whitfield")
    );
    assert_eq!(posts[0].media, ["pic.twitter.com/5gEMcjQTbX"]);
}

/// The fast path (prefilter hits, fragment-local search) and the whole-document path find the
/// same posts with the same fields and spans in every sample.
#[test]
fn fast_and_whole_document_paths_agree_on_every_sample() {
    let files = sample_files();
    let posts: usize = files
        .iter()
        .map(|p| crate::support::assert_paths_agree(p))
        .sum();
    assert!(posts > 0 && !files.is_empty());
}
