//! Web archives: WARC files the tests write (plain, one gzip member per record, gzip as a whole,
//! inside a WACZ package) give exactly the posts of the same pages read from files, each with
//! its record's URL and place; malformed and truncated records are named failures and the
//! records around them are read.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use embedvault::{Inputs, Outcome, Post, ReadOptions, Scanned};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::support::{json_lines, root, run, temp_dir};

/// A record as written: its bytes, and for pages the sample it carries.
struct Rec {
    bytes: Vec<u8>,
    page: Option<Page>,
    /// Written with a Content-Length longer than its block.
    truncated: bool,
}

/// A page record: the sample file and the URL it was archived under.
#[derive(Clone)]
struct Page {
    file: PathBuf,
    url: String,
}

pub(crate) fn record(
    kind: &str,
    uri: Option<&str>,
    content_type: &str,
    block: &[u8],
    n: usize,
) -> Vec<u8> {
    let mut head = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Date: 2024-05-0{}T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012}>\r\n",
        1 + n % 9
    );
    if let Some(u) = uri {
        head.push_str(&format!("WARC-Target-URI: {u}\r\n"));
    }
    head.push_str(&format!(
        "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    ));
    let mut out = head.into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

pub(crate) fn http(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    out.extend_from_slice(body);
    out
}

pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

fn sample(rel: &str) -> PathBuf {
    root().join("samples").join(rel)
}

/// The records of the test archive, in order: pages in several HTTP shapes, one truncated
/// record in the middle, and records that are not articles.
fn records() -> Vec<Rec> {
    let response = "application/http; msgtype=response";
    let mut out = Vec::new();
    let mut n = 0;
    let mut push = |bytes: Vec<u8>, page: Option<Page>, truncated: bool| {
        out.push(Rec {
            bytes,
            page,
            truncated,
        })
    };
    let info = record(
        "warcinfo",
        None,
        "application/warc-fields",
        b"software: test\r\n",
        n,
    );
    push(info, None, false);
    n += 1;
    // A request, then the plain response to it.
    let req = record(
        "request",
        Some("https://a.example/news/one"),
        "application/http; msgtype=request",
        b"GET /news/one HTTP/1.1\r\nHost: a.example\r\n\r\n",
        n,
    );
    push(req, None, false);
    n += 1;
    let a = sample("twitter/blockquote-modern.html");
    let body = std::fs::read(&a).expect("sample");
    let block = http(
        &format!(
            "Content-Type: text/html\r\nContent-Length: {}\r\n",
            body.len()
        ),
        &body,
    );
    let page = Page {
        file: a,
        url: "https://a.example/news/one".into(),
    };
    push(
        record("response", Some(&page.url), response, &block, n),
        Some(page),
        false,
    );
    n += 1;
    // gzip content coding.
    let b = sample("instagram/blockquote-v14.html");
    let body = std::fs::read(&b).expect("sample");
    let block = http(
        "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n",
        &gzip(&body),
    );
    let page = Page {
        file: b,
        url: "https://b.example/two".into(),
    };
    push(
        record("response", Some(&page.url), response, &block, n),
        Some(page),
        false,
    );
    n += 1;
    // A record cut short: its Content-Length promises more than its block holds.
    let t = std::fs::read(sample("twitter/blockquote-thread.html")).expect("sample");
    let block = http("Content-Type: text/html\r\n", &t);
    let mut cut = record(
        "response",
        Some("https://t.example/cut"),
        response,
        &block,
        n,
    );
    let keep = cut.len() / 2;
    cut.truncate(keep);
    push(cut, None, true);
    n += 1;
    // Chunked transfer coding.
    let c = sample("twitter/blockquote-x-com.html");
    let body = std::fs::read(&c).expect("sample");
    let mut chunked = Vec::new();
    for part in body.chunks(700) {
        chunked.extend_from_slice(format!("{:x};x=1\r\n", part.len()).as_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let block = http(
        "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
        &chunked,
    );
    let page = Page {
        file: c,
        url: "https://c.example/three?x=1".into(),
    };
    push(
        record("response", Some(&page.url), response, &block, n),
        Some(page),
        false,
    );
    n += 1;
    // A revisit (no payload of its own), metadata, and an image: counted, not read.
    let revisit = record(
        "revisit",
        Some("https://a.example/news/one"),
        response,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
        n,
    );
    push(revisit, None, false);
    n += 1;
    let meta = record(
        "metadata",
        Some("https://a.example/news/one"),
        "application/warc-fields",
        b"outlinks: https://b.example/two\r\n",
        n,
    );
    push(meta, None, false);
    n += 1;
    let png = http(
        "Content-Type: image/png\r\n",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    );
    push(
        record(
            "response",
            Some("https://a.example/logo.png"),
            response,
            &png,
            n,
        ),
        None,
        false,
    );
    n += 1;
    // br content coding.
    let e = sample("twitter/blockquote-2012.html");
    let body = std::fs::read(&e).expect("sample");
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
        w.write_all(&body).expect("br");
    }
    let block = http("Content-Type: text/html\r\nContent-Encoding: br\r\n", &br);
    let page = Page {
        file: e,
        url: "https://e.example/2012/09/ponte".into(),
    };
    push(
        record("response", Some(&page.url), response, &block, n),
        Some(page),
        false,
    );
    n += 1;
    // A resource record: the payload is the block itself.
    let r = sample("twitter/flattened.txt");
    let body = std::fs::read(&r).expect("sample");
    let page = Page {
        file: r,
        url: "https://r.example/flattened.txt".into(),
    };
    push(
        record("resource", Some(&page.url), "text/plain", &body, n),
        Some(page),
        false,
    );
    out
}

/// How the records are laid into a file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Layout {
    Plain,
    GzipPerRecord,
    GzipWhole,
}

/// Writes the records; returns the file and each record's (offset, length) as a reader should
/// report it.
pub(crate) fn write_warc(dir: &Path, layout: Layout) -> (PathBuf, Vec<(u64, u64)>) {
    let recs = records();
    let name = match layout {
        Layout::Plain => "crawl.warc",
        _ => "crawl.warc.gz",
    };
    let mut file = Vec::new();
    let mut places = Vec::new();
    let mut plain_at = 0u64;
    for r in &recs {
        match layout {
            Layout::Plain | Layout::GzipWhole => {
                places.push((plain_at, r.bytes.len() as u64));
                file.extend_from_slice(&r.bytes);
                plain_at += r.bytes.len() as u64;
            }
            Layout::GzipPerRecord => {
                let member = gzip(&r.bytes);
                places.push((file.len() as u64, member.len() as u64));
                file.extend_from_slice(&member);
            }
        }
    }
    if layout == Layout::GzipWhole {
        file = gzip(&file);
    }
    let path = dir.join(name);
    std::fs::write(&path, &file).expect("write warc");
    (path, places)
}

/// The pages of the test archive, in record order, with their record index.
fn pages() -> Vec<(usize, Page)> {
    records()
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| r.page.map(|p| (i, p)))
        .collect()
}

fn truncated_index() -> usize {
    records()
        .iter()
        .position(|r| r.truncated)
        .expect("one truncated record")
}

/// What a post is without where it was found.
fn content(p: &Post) -> serde_json::Value {
    let mut v = serde_json::to_value(p).expect("json");
    v.as_object_mut().expect("object").remove("source");
    v
}

fn scan_all(path: &Path) -> Vec<Outcome<Scanned>> {
    let mut out = Vec::new();
    let inputs = Inputs::paths(&[path.to_path_buf()]);
    embedvault::scan_inputs(&inputs, &ReadOptions::default(), |o| {
        out.push(o);
        Ok::<(), ()>(())
    })
    .expect("scan");
    out
}

/// Checks a scan of a test archive: exactly the posts of the pages read as files, in record
/// order, each with its record's URL, place and span; the truncated record a named failure;
/// the other records tallied once.
fn check_scan(path: &Path, places: &[(u64, u64)], offsets: &str, entry: Option<&str>) {
    let outcomes = scan_all(path);
    let shown = path.display().to_string();
    let mut read = Vec::new();
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Read(s) => read.push(s),
            Outcome::Failed { input, message } => failures.push((input, message)),
            Outcome::Skipped { input, reason } => skipped.push((input, reason)),
        }
    }
    let pages = pages();
    assert_eq!(read.len(), pages.len(), "{shown}: {failures:?} {skipped:?}");
    let abs = std::path::absolute(path).expect("absolute");
    for (scanned, (i, page)) in read.iter().zip(&pages) {
        let bytes = std::fs::read(&page.file).expect("sample");
        let opts = embedvault::ScanOptions {
            path: Some(page.file.display().to_string()),
            ..Default::default()
        };
        let alone = embedvault::scan(&bytes, &opts);
        assert!(!alone.posts.is_empty(), "{}", page.file.display());
        assert_eq!(scanned.sha256, alone.sha256, "{}", page.file.display());
        assert_eq!(
            scanned.posts.iter().map(content).collect::<Vec<_>>(),
            alone.posts.iter().map(content).collect::<Vec<_>>(),
            "{} in {shown}",
            page.file.display()
        );
        let w = scanned.warc.as_ref().expect("record place");
        assert_eq!(w.target_uri.as_deref(), Some(page.url.as_str()));
        assert_eq!(scanned.url.as_deref(), Some(page.url.as_str()));
        assert_eq!((w.offset, w.length), places[*i], "{}", page.file.display());
        assert_eq!(w.offsets, offsets);
        assert_eq!(w.entry.as_deref(), entry);
        assert_eq!(w.file, abs.to_string_lossy());
        for (p, q) in scanned.posts.iter().zip(&alone.posts) {
            assert_eq!(
                (p.source.start, p.source.end),
                (q.source.start, q.source.end)
            );
            assert_eq!(p.source.url.as_deref(), Some(page.url.as_str()));
            assert_eq!(p.source.warc.as_ref(), Some(w));
            assert_eq!(p.source.path.as_deref(), Some(shown.as_str()));
        }
    }
    // The truncated record: one failure naming the file and its offset.
    let (t_off, _) = places[truncated_index()];
    assert_eq!(failures.len(), 1, "{failures:?}");
    let (input, message) = &failures[0];
    match entry {
        Some(e) => assert_eq!(input, &format!("{shown}!{e}@{t_off}")),
        None => assert_eq!(input, &format!("{shown}@{t_off}")),
    }
    assert!(message.contains(input.as_str()), "{message}");
    assert!(
        message.contains("truncated") || message.contains("Content-Length"),
        "{message}"
    );
    // Everything else, counted once for the file.
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].0, shown);
    assert_eq!(
        skipped[0].1,
        "5 record(s) not articles: 1 metadata, 1 request, 1 response(s) of type image/png, \
         1 revisit, 1 warcinfo"
    );
}

/// The bytes at `offset..offset + length` of `file`.
fn cut(file: &Path, offset: u64, length: u64) -> Vec<u8> {
    let bytes = std::fs::read(file).expect("read");
    bytes[offset as usize..(offset + length) as usize].to_vec()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

#[test]
fn a_plain_warc_gives_the_posts_of_its_pages_each_with_its_url_and_record_offset() {
    let dir = temp_dir("warc-plain");
    let (path, places) = write_warc(&dir, Layout::Plain);
    check_scan(&path, &places, "file", None);
    // `dd` on the offset and length gives the record.
    for (i, r) in records().iter().enumerate() {
        assert_eq!(cut(&path, places[i].0, places[i].1), r.bytes);
    }
}

#[test]
fn a_warc_gz_with_one_member_per_record_gives_member_offsets() {
    let dir = temp_dir("warc-members");
    let (path, places) = write_warc(&dir, Layout::GzipPerRecord);
    check_scan(&path, &places, "gzip-member", None);
    for (i, r) in records().iter().enumerate() {
        assert_eq!(gunzip(&cut(&path, places[i].0, places[i].1)), r.bytes);
    }
}

#[test]
fn a_warc_gzipped_as_a_whole_gives_offsets_in_the_decompressed_file() {
    let dir = temp_dir("warc-whole");
    let (path, places) = write_warc(&dir, Layout::GzipWhole);
    check_scan(&path, &places, "decompressed", None);
}

#[test]
fn a_wacz_package_is_read_through_its_warc_with_offsets_in_the_package() {
    let dir = temp_dir("warc-wacz");
    let (warc, member_places) = write_warc(&dir, Layout::GzipPerRecord);
    let data = std::fs::read(&warc).expect("read");
    let path = dir.join("crawl.wacz");
    {
        let f = std::fs::File::create(&path).expect("create");
        let mut zip = zip::ZipWriter::new(f);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("datapackage.json", stored).expect("entry");
        zip.write_all(br#"{"profile":"data-package","resources":[]}"#)
            .expect("write");
        zip.start_file("archive/data.warc.gz", stored)
            .expect("entry");
        zip.write_all(&data).expect("write");
        zip.finish().expect("finish");
    }
    // The entry's data starts where the WARC's bytes are found in the package.
    let package = std::fs::read(&path).expect("read");
    let start = package
        .windows(data.len())
        .position(|w| w == data.as_slice())
        .expect("stored entry") as u64;
    let places: Vec<(u64, u64)> = member_places.iter().map(|(o, l)| (start + o, *l)).collect();
    check_scan(&path, &places, "gzip-member", Some("archive/data.warc.gz"));
}

#[test]
fn a_warc_cut_inside_its_last_member_names_the_failure_and_keeps_the_records_before() {
    let dir = temp_dir("warc-cut-end");
    let (path, places) = write_warc(&dir, Layout::GzipPerRecord);
    let bytes = std::fs::read(&path).expect("read");
    let (last_off, last_len) = *places.last().expect("records");
    std::fs::write(&path, &bytes[..(last_off + last_len / 2) as usize]).expect("write");
    let outcomes = scan_all(&path);
    let read = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Read(_)))
        .count();
    assert_eq!(read, pages().len() - 1);
    let failed: Vec<&String> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed { input, .. } => Some(input),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[1], &format!("{}@{last_off}", path.display()));
}

#[test]
fn archiving_a_warc_stores_each_posts_record_and_show_raw_gives_its_exact_bytes() {
    let dir = temp_dir("warc-archive");
    let (path, places) = write_warc(&dir, Layout::GzipPerRecord);
    let db = dir.join("a.db");
    let (p, d) = (path.to_str().expect("utf-8"), db.to_str().expect("utf-8"));
    let out = run(&["archive", p, "--db", d], None);
    // The truncated record fails the run by name; everything else is archived.
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let (t_off, _) = places[truncated_index()];
    assert!(err.contains(&format!("{p}@{t_off}")), "{err}");
    // The same pages archived from their files: the same posts.
    let folder = dir.join("pages");
    std::fs::create_dir_all(&folder).expect("dir");
    for (_, page) in pages() {
        std::fs::copy(
            &page.file,
            folder.join(page.file.file_name().expect("name")),
        )
        .expect("copy");
    }
    let db2 = dir.join("b.db");
    let out = run(
        &[
            "archive",
            folder.to_str().expect("utf-8"),
            "--db",
            db2.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = |r: &serde_json::Value| format!("{}|{}|{}", r["platform"], r["post_id"], r["text"]);
    let query = |db: &str| {
        let out = run(
            &["query", "--db", db, "--kind", "all", "--format", "jsonl"],
            None,
        );
        assert_eq!(out.status.code(), Some(0));
        json_lines(&out.stdout)
    };
    let from_warc = query(d);
    let from_files = query(db2.to_str().expect("utf-8"));
    let mut a: Vec<String> = from_warc.iter().map(key).collect();
    let mut b: Vec<String> = from_files.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let abs = std::path::absolute(&path).expect("absolute");
    let urls: Vec<(String, u64)> = pages()
        .into_iter()
        .map(|(i, p)| (p.url, places[i].0))
        .collect();
    for r in &from_warc {
        let s = &r["sightings"][0];
        assert_eq!(s["path"].as_str(), abs.to_str());
        let url = s["url"].as_str().expect("url");
        let (_, offset) = urls.iter().find(|(u, _)| u == url).expect("a record's URL");
        assert_eq!(s["warc"]["offset"].as_u64(), Some(*offset));
        assert_eq!(s["warc"]["offsets"], "gzip-member");
        assert_eq!(s["warc"]["target_uri"], url);
        assert!(
            s["warc"]["record_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("<urn:uuid:"))
        );
        // The site: the page's own name for it, else the host it was archived from.
        let host = url.split('/').nth(2);
        assert_eq!(
            s["site"].as_str(),
            s["article"]["site"].as_str().or(host),
            "{s}"
        );
        // The exact bytes, cut again from the record's payload.
        let id = format!("#{}", r["archive_id"]);
        let raw = run(&["show", &id, "--db", d, "--raw"], None);
        assert_eq!(
            raw.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&raw.stderr)
        );
        let page = pages()
            .into_iter()
            .find(|(_, p)| p.url == url)
            .expect("page")
            .1;
        let bytes = std::fs::read(&page.file).expect("sample");
        let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
        assert_eq!(raw.stdout, bytes[start as usize..end as usize]);
    }
    // `show` prints the command that gives the record, and it works from any folder.
    let first = &from_warc[0];
    let id = format!("#{}", first["archive_id"]);
    let shown = run(&["show", &id, "--db", d, "--format", "text"], None);
    let text = String::from_utf8_lossy(&shown.stdout);
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("record: "))
        .expect("a record line");
    let got = std::process::Command::new("sh")
        .args(["-c", line])
        .current_dir("/")
        .output()
        .expect("sh");
    let offset = first["sightings"][0]["warc"]["offset"].as_u64().unwrap();
    let i = places.iter().position(|p| p.0 == offset).expect("record");
    assert_eq!(got.stdout, records()[i].bytes);
}

#[test]
fn query_site_and_stats_by_site_follow_each_records_url() {
    let dir = temp_dir("warc-site");
    let (path, _) = write_warc(&dir, Layout::Plain);
    let db = dir.join("a.db");
    let d = db.to_str().expect("utf-8");
    let out = run(&["archive", path.to_str().expect("utf-8"), "--db", d], None);
    assert_eq!(out.status.code(), Some(1));
    let all = json_lines(
        &run(
            &["query", "--db", d, "--kind", "all", "--format", "jsonl"],
            None,
        )
        .stdout,
    );
    // Any case, a part of the host: only the posts of the record archived from b.example.
    let site = json_lines(
        &run(
            &[
                "query",
                "--db",
                d,
                "--kind",
                "all",
                "--site",
                "B.EXAMPLE",
                "--format",
                "jsonl",
            ],
            None,
        )
        .stdout,
    );
    let from_b: Vec<&serde_json::Value> = all
        .iter()
        .filter(|r| r["sightings"][0]["url"] == "https://b.example/two")
        .collect();
    assert!(!from_b.is_empty());
    assert_eq!(site.len(), from_b.len());
    assert!(
        site.iter()
            .all(|r| r["sightings"][0]["url"] == "https://b.example/two")
    );
    // Stats count the posts seen on each site.
    let stats: serde_json::Value =
        serde_json::from_slice(&run(&["stats", "--db", d, "--format", "json"], None).stdout)
            .expect("json");
    let by_site = stats["by_site"].as_array().expect("by_site");
    let total: i64 = by_site.iter().map(|c| c["count"].as_i64().unwrap()).sum();
    assert_eq!(total as usize, all.len());
    let b_site = from_b[0]["sightings"][0]["site"].as_str().expect("site");
    assert!(
        by_site
            .iter()
            .any(|c| c["key"] == b_site && c["count"].as_u64() == Some(from_b.len() as u64))
    );
}

#[test]
fn a_record_over_the_input_cap_is_skipped_by_name_and_never_held() {
    let dir = temp_dir("warc-cap");
    let (path, places) = write_warc(&dir, Layout::Plain);
    // Under the cap: the small resource record; over it: every page response.
    let out = run(
        &[
            "scan",
            path.to_str().expect("utf-8"),
            "--max-input",
            "3k",
            "--format",
            "jsonl",
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    // Pages whose payload (after the codings are undone) is over the cap are skipped by name.
    let over: Vec<u64> = pages()
        .iter()
        .filter(|(_, p)| std::fs::metadata(&p.file).expect("sample").len() > 3000)
        .map(|(i, _)| places[*i].0)
        .collect();
    for offset in over {
        assert!(
            err.contains(&format!("skipped {}@{offset}: ", path.display()))
                && err.contains("over the 3000-byte input cap"),
            "{err}"
        );
    }
}

#[test]
fn every_cut_and_corruption_of_a_web_archive_reads_without_panicking() {
    let dir = temp_dir("warc-hostile");
    for layout in [Layout::Plain, Layout::GzipPerRecord, Layout::GzipWhole] {
        let (path, _) = write_warc(&dir, layout);
        let whole = std::fs::read(&path).expect("read");
        let bad = dir.join(path.file_name().expect("name"));
        let mut tried = 0;
        // Every 61st prefix, and every 61st byte flipped: each ends as outcomes, never a panic
        // or a hang; in a plain WARC each page read is the record at its offset, with that
        // record's own target URI.
        for i in (0..whole.len()).step_by(61) {
            let mut flipped = whole.clone();
            flipped[i] ^= 0x5a;
            for bytes in [whole[..i].to_vec(), flipped] {
                std::fs::write(&bad, &bytes).expect("write");
                for o in scan_all(&bad) {
                    let Outcome::Read(s) = o else { continue };
                    let w = s.warc.as_ref().expect("record place");
                    if layout != Layout::Plain {
                        continue;
                    }
                    let at = &bytes[w.offset as usize..];
                    let head_end = at
                        .windows(4)
                        .position(|x| x == b"\r\n\r\n")
                        .expect("header end");
                    let head = String::from_utf8_lossy(&at[..head_end]);
                    let url = s.url.clone().unwrap_or_default();
                    assert!(
                        head.starts_with("WARC/1.")
                            && format!("{head}\n")
                                .lines()
                                .any(|l| l.trim_end() == format!("WARC-Target-URI: {url}")),
                        "{layout:?} at {i}: {url} from a record that does not name it"
                    );
                }
                tried += 1;
            }
        }
        assert!(tried > 100);
    }
}

#[test]
fn a_web_archive_under_another_name_or_on_standard_input_is_read_record_by_record() {
    let dir = temp_dir("warc-renamed");
    let (path, places) = write_warc(&dir, Layout::GzipPerRecord);
    let renamed = dir.join("crawl-2024-05.data");
    std::fs::rename(&path, &renamed).expect("rename");
    check_scan(&renamed, &places, "gzip-member", None);
    // Piped in, it is read record by record too: the same records, each with its own URL and
    // offset, the file given as `-` (there is no path), failures named `-@OFFSET`.
    let bytes = std::fs::read(&renamed).expect("read");
    let file = renamed.to_str().expect("utf-8");
    let from_file = run(&["scan", file, "--format", "jsonl"], None);
    let from_stdin = run(&["scan", "-", "--format", "jsonl"], Some(&bytes));
    assert_eq!(from_stdin.status.code(), from_file.status.code());
    let records = json_lines(&from_stdin.stdout);
    let expected: Vec<serde_json::Value> = json_lines(&from_file.stdout)
        .into_iter()
        .map(|mut r| {
            r["source"]["path"] = serde_json::Value::Null;
            r["source"]["warc"]["file"] = "-".into();
            r
        })
        .collect();
    assert!(!records.is_empty());
    assert_eq!(records, expected);
    let abs = std::path::absolute(&renamed).expect("absolute");
    let file_err = String::from_utf8_lossy(&from_file.stderr).replace(file, "-");
    let stdin_err = String::from_utf8_lossy(&from_stdin.stderr).replace("<stdin>", "-");
    let failures = |err: &str| -> Vec<String> {
        err.lines()
            .filter(|l| l.contains("-@"))
            .map(str::to_string)
            .collect()
    };
    assert!(!failures(&stdin_err).is_empty(), "{stdin_err}");
    assert_eq!(failures(&stdin_err), failures(&file_err));
    // Archived from standard input, each sighting's exact bytes come from the stored
    // fragment, and equal those cut from the file.
    let (db_stdin, db_file) = (dir.join("stdin.db"), dir.join("file.db"));
    let (ds, df) = (
        db_stdin.to_str().expect("utf-8"),
        db_file.to_str().expect("utf-8"),
    );
    run(&["archive", "-", "--db", ds], Some(&bytes));
    run(&["archive", file, "--db", df], None);
    let query = |d: &str| json_lines(&run(&["query", "--db", d, "--format", "jsonl"], None).stdout);
    let (stored, by_file) = (query(ds), query(df));
    assert_eq!(stored.len(), by_file.len());
    let place = |s: &serde_json::Value| (s["warc"]["offset"].clone(), s["start"].clone());
    for r in &stored {
        let s = &r["sightings"][0];
        assert!(s["path"].is_null(), "{s}");
        assert_eq!(s["warc"]["file"], "-");
        let twin = by_file
            .iter()
            .find(|f| place(&f["sightings"][0]) == place(s))
            .expect("the same sighting from the file");
        let raw = |db: &str, row: &serde_json::Value| {
            let key = format!("#{}", row["archive_id"]);
            run(&["show", &key, "--db", db, "--raw"], None)
        };
        let (a, b) = (raw(ds, r), raw(df, twin));
        assert_eq!(
            a.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&a.stderr)
        );
        assert!(!a.stdout.is_empty());
        assert_eq!(a.stdout, b.stdout);
    }
    // The file's records went by its absolute path; nothing of it leaks into the other.
    assert!(
        !String::from_utf8_lossy(&run(&["query", "--db", ds, "--format", "jsonl"], None).stdout)
            .contains(abs.to_str().expect("utf-8"))
    );
}

#[test]
fn a_wacz_whose_warc_is_deflated_gives_offsets_in_the_entry_and_show_raw_still_cuts() {
    let dir = temp_dir("warc-wacz-deflated");
    let (warc, member_places) = write_warc(&dir, Layout::GzipPerRecord);
    let data = std::fs::read(&warc).expect("read");
    let path = dir.join("crawl.wacz");
    {
        let f = std::fs::File::create(&path).expect("create");
        let mut zip = zip::ZipWriter::new(f);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("archive/data.warc.gz", deflated)
            .expect("entry");
        zip.write_all(&data).expect("write");
        zip.finish().expect("finish");
    }
    check_scan(
        &path,
        &member_places,
        "entry-gzip-member",
        Some("archive/data.warc.gz"),
    );
    let db = dir.join("a.db");
    let d = db.to_str().expect("utf-8");
    let out = run(&["archive", path.to_str().expect("utf-8"), "--db", d], None);
    assert_eq!(out.status.code(), Some(1));
    let recs = json_lines(&run(&["query", "--db", d, "--format", "jsonl"], None).stdout);
    assert!(!recs.is_empty());
    for r in &recs {
        let s = &r["sightings"][0];
        let url = s["url"].as_str().expect("url");
        let page = pages()
            .into_iter()
            .find(|(_, p)| p.url == url)
            .expect("page")
            .1;
        let bytes = std::fs::read(&page.file).expect("sample");
        let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
        let id = format!("#{}", r["archive_id"]);
        let raw = run(&["show", &id, "--db", d, "--raw"], None);
        assert_eq!(
            raw.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&raw.stderr)
        );
        assert_eq!(raw.stdout, bytes[start as usize..end as usize]);
    }
    // The printed command goes through the entry.
    let id = format!("#{}", recs[0]["archive_id"]);
    let shown = run(&["show", &id, "--db", d, "--format", "text"], None);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("record: unzip -p ") && text.contains(" archive/data.warc.gz | tail -c +"),
        "{text}"
    );
}

#[test]
fn a_records_content_type_charset_comes_before_the_pages_meta() {
    let dir = temp_dir("warc-charset");
    // A windows-1251 page whose <meta> claims UTF-8, served with the right charset.
    let page = std::fs::read(sample("inputs/cp1251-claims-utf8.html")).expect("sample");
    let block = http("Content-Type: text/html; charset=windows-1251\r\n", &page);
    let bytes = record(
        "response",
        Some("https://ru.example/news/1"),
        "application/http; msgtype=response",
        &block,
        1,
    );
    let path = dir.join("ru.warc");
    std::fs::write(&path, &bytes).expect("write");
    let read: Vec<Scanned> = scan_all(&path)
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Read(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(read.len(), 1);
    let s = &read[0];
    assert_eq!((s.charset, s.charset_rule), ("windows-1251", "transport"));
    // The same posts, and the same text, as the file read alone (where detection finds it).
    let alone = embedvault::scan(&page, &embedvault::ScanOptions::default());
    assert!(!alone.posts.is_empty());
    assert_eq!(
        s.posts.iter().map(content).collect::<Vec<_>>(),
        alone.posts.iter().map(content).collect::<Vec<_>>()
    );
}

#[test]
fn a_web_archives_records_come_out_in_file_order_whatever_the_thread_count() {
    let dir = temp_dir("warc-threads");
    let (path, _) = write_warc(&dir, Layout::GzipPerRecord);
    let inputs = Inputs::paths(&[path]);
    let run_with = |threads: usize| {
        let mut out = Vec::new();
        let opts = ReadOptions {
            threads,
            ..ReadOptions::default()
        };
        embedvault::scan_inputs(&inputs, &opts, |o| {
            out.push(o);
            Ok::<(), ()>(())
        })
        .expect("scan");
        out
    };
    let one = run_with(1);
    assert!(one.len() > pages().len());
    for threads in [2, 8] {
        assert_eq!(run_with(threads), one, "{threads} threads");
    }
}

#[test]
fn a_member_whose_checksum_fails_makes_no_record_and_its_failure_names_its_own_offset() {
    let dir = temp_dir("warc-bad-crc");
    let (path, places) = write_warc(&dir, Layout::GzipPerRecord);
    let intact = std::fs::read(&path).expect("read");
    let file = path.to_str().expect("utf-8");
    let scan = || run(&["scan", file, "--format", "jsonl"], None);
    let before = json_lines(&scan().stdout);
    // The page records with posts, by their member's offset.
    let with_posts: Vec<u64> = places
        .iter()
        .map(|p| p.0)
        .filter(|o| before.iter().any(|r| r["source"]["warc"]["offset"] == *o))
        .collect();
    assert!(with_posts.len() >= 2);
    for &offset in &with_posts {
        // Its stored CRC-32 changed: the data inflates whole, and only its end says it is wrong.
        let (at, len) = *places.iter().find(|p| p.0 == offset).unwrap();
        let mut damaged = intact.clone();
        damaged[(at + len - 8) as usize] ^= 0x01;
        std::fs::write(&path, &damaged).expect("write");
        let out = scan();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        let named = format!("{file}@{offset}: the record's gzip member is damaged");
        assert!(err.contains(&named), "{err}");
        // No other record is blamed for it: the failures are the damaged one and the file's
        // own truncated record, each at its own offset.
        let failures: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
        assert_eq!(failures.len(), 2, "{err}");
        // Every other record gives what it gave intact; the damaged one gives nothing.
        let after = json_lines(&out.stdout);
        let expected: Vec<&serde_json::Value> = before
            .iter()
            .filter(|r| r["source"]["warc"]["offset"] != offset)
            .collect();
        assert_eq!(after.iter().collect::<Vec<_>>(), expected);
    }
}

#[test]
fn a_damaged_member_not_holding_a_page_or_holding_the_whole_stream_is_named_by_its_offset() {
    let dir = temp_dir("warc-bad-crc-other");
    // A member holding a request record: its damage is told, at its own offset.
    let (path, places) = write_warc(&dir, Layout::GzipPerRecord);
    let file = path.to_str().expect("utf-8");
    let intact = std::fs::read(&path).expect("read");
    let before = json_lines(&run(&["scan", file, "--format", "jsonl"], None).stdout);
    let request = records()
        .iter()
        .position(|r| r.bytes.starts_with(b"WARC/1.1\r\nWARC-Type: request"))
        .expect("a request record");
    let (at, len) = places[request];
    let mut damaged = intact.clone();
    damaged[(at + len - 8) as usize] ^= 0x01;
    std::fs::write(&path, &damaged).expect("write");
    let out = run(&["scan", file, "--format", "jsonl"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{file}@{at}: the file cannot be read here")),
        "{err}"
    );
    assert_eq!(json_lines(&out.stdout), before);
    // A stream gzipped as one: its one check, at its end, cannot say which record was
    // damaged; every record is read, and the failure names the member.
    let whole_dir = temp_dir("warc-bad-crc-whole");
    let (path, _) = write_warc(&whole_dir, Layout::GzipWhole);
    let file = path.to_str().expect("utf-8");
    let before = json_lines(&run(&["scan", file, "--format", "jsonl"], None).stdout);
    let mut damaged = std::fs::read(&path).expect("read");
    let n = damaged.len();
    damaged[n - 8] ^= 0x01;
    std::fs::write(&path, &damaged).expect("write");
    let out = run(&["scan", file, "--format", "jsonl"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{file}@0: ")), "{err}");
    assert!(err.contains("checksum"), "{err}");
    assert_eq!(json_lines(&out.stdout), before);
}

#[test]
fn records_piped_in_from_two_web_archives_keep_their_own_provenance() {
    let dir = temp_dir("warc-stdin-two");
    let db = dir.join("a.db");
    let d = db.to_str().expect("utf-8");
    let page = std::fs::read(sample("twitter/blockquote-modern.html")).expect("sample");
    let block = http("Content-Type: text/html\r\n", &page);
    // The same page at the same offset, from two crawls: other URLs, other record IDs.
    for (uri, n) in [("https://one.example/a", 1), ("https://two.example/a", 2)] {
        let warc = record(
            "response",
            Some(uri),
            "application/http; msgtype=response",
            &block,
            n,
        );
        let out = run(&["archive", "-", "--db", d], Some(&warc));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let recs = json_lines(&run(&["query", "--db", d, "--format", "jsonl"], None).stdout);
    assert_eq!(recs.len(), 1);
    let mut urls: Vec<&str> = recs[0]["sightings"]
        .as_array()
        .expect("sightings")
        .iter()
        .map(|s| s["warc"]["target_uri"].as_str().expect("uri"))
        .collect();
    urls.sort();
    assert_eq!(urls, ["https://one.example/a", "https://two.example/a"]);
}
