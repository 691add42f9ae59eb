//! URLs as inputs, through the real binary and a real HTTP server on 127.0.0.1 that the test
//! starts: pages fetched (redirects recorded), failures named and the run going on, the page
//! kept so its spans are cut again after it changes, and `--warc-out` giving a WARC that
//! archives to the same posts.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::support::{json_lines, root, run, temp_dir};

/// A canned answer: status, headers, body.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// A server answering paths from a table it can change while running.
struct Server {
    base: String,
    table: Arc<Mutex<Vec<(String, Answer)>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let table: Arc<Mutex<Vec<(String, Answer)>>> = Arc::default();
        let t = Arc::clone(&table);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let t = Arc::clone(&t);
                std::thread::spawn(move || serve(stream, &t));
            }
        });
        Server { base, table }
    }

    fn set(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        let mut t = self.table.lock().expect("table");
        t.retain(|(p, _)| p != path);
        let headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        t.push((path.to_string(), (status, headers, body.to_vec())));
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn serve(mut stream: TcpStream, table: &Mutex<Vec<(String, Answer)>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let answer = table
        .lock()
        .expect("table")
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, a)| a.clone())
        .unwrap_or((404, Vec::new(), b"not here".to_vec()));
    let (status, headers, body) = answer;
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(root().join("samples").join(rel)).expect("sample")
}

/// Polite but quick fetching for a loopback server.
const QUICK: &[&str] = &["--host-delay", "0", "--timeout", "5s", "--retries", "0"];

fn archive(args: &[&str]) -> std::process::Output {
    let all: Vec<&str> = ["archive"]
        .iter()
        .copied()
        .chain(args.iter().copied())
        .chain(QUICK.iter().copied())
        .collect();
    run(&all, None)
}

fn query(db: &str) -> Vec<serde_json::Value> {
    let out = run(
        &["query", "--db", db, "--kind", "all", "--format", "jsonl"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

fn key(r: &serde_json::Value) -> String {
    format!("{}|{}|{}", r["platform"], r["post_id"], r["text"])
}

#[test]
fn urls_are_fetched_kept_and_written_to_a_warc_that_archives_to_the_same_posts() {
    let server = Server::start();
    let page_a = sample("twitter/blockquote-modern.html");
    let page_b = sample("instagram/blockquote-v14.html");
    let html = [("Content-Type", "text/html; charset=utf-8")];
    server.set("/a", 200, &html, &page_a);
    server.set("/old", 301, &[("Location", "/b")], b"moved");
    server.set("/b", 200, &html, &page_b);
    let dir = temp_dir("urls-archive");
    let db = dir.join("a.db");
    let warc = dir.join("fetched.warc.gz");
    let list = dir.join("urls.txt");
    std::fs::write(
        &list,
        format!(
            "# the second page, by its old address\n\n{}\n  \n",
            server.url("/old")
        ),
    )
    .expect("list");
    let d = db.to_str().expect("utf-8");
    let out = archive(&[
        &server.url("/a"),
        &server.url("/missing"),
        "--urls",
        list.to_str().expect("utf-8"),
        "--db",
        d,
        "--warc-out",
        warc.to_str().expect("utf-8"),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    // The missing page is a named failure with its status; the run goes on and exits 1.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&server.url("/missing")) && err.contains("404"),
        "{err}"
    );
    let recs = query(d);
    assert!(!recs.is_empty());
    let mut seen_a = false;
    let mut seen_b = false;
    for r in &recs {
        let s = &r["sightings"][0];
        let f = &s["fetch"];
        if f["requested_url"] == server.url("/a").as_str() {
            seen_a = true;
            assert_eq!(s["url"], server.url("/a").as_str());
            assert_eq!(f["redirects"], serde_json::json!([]));
        } else {
            seen_b = true;
            assert_eq!(f["requested_url"], server.url("/old").as_str());
            assert_eq!(f["final_url"], server.url("/b").as_str());
            assert_eq!(s["url"], server.url("/b").as_str());
            assert_eq!(f["redirects"], serde_json::json!([server.url("/old")]));
        }
        assert_eq!(f["status"], 200);
        assert_eq!(f["content_type"], "text/html; charset=utf-8");
        assert!(f["fetched_at"].as_str().is_some_and(|t| t.ends_with('Z')));
        assert!(s["path"].is_null());
    }
    assert!(seen_a && seen_b);
    // The page changes on the server; the kept copy still gives each sighting's exact bytes.
    server.set("/a", 200, &html, b"<p>gone</p>");
    for r in &recs {
        let s = &r["sightings"][0];
        let page = if s["fetch"]["requested_url"] == server.url("/a").as_str() {
            &page_a
        } else {
            &page_b
        };
        let id = format!("#{}", r["archive_id"]);
        let raw = run(&["show", &id, "--db", d, "--raw", "1"], None);
        assert_eq!(
            raw.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&raw.stderr)
        );
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(raw.stdout, page[start..end]);
    }
    // The missing page's answer is in the WARC too, request and response, as evidence: the
    // status and the body the server sent.
    let mut text = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(std::fs::File::open(&warc).expect("warc")),
        &mut text,
    )
    .expect("gzip");
    let text = String::from_utf8_lossy(&text);
    let missing = format!("WARC-Target-URI: {}\r\n", server.url("/missing"));
    let records: Vec<&str> = text
        .split("WARC/1.1\r\n")
        .filter(|r| r.contains(&missing))
        .collect();
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(
        records[0].contains("WARC-Type: request\r\n"),
        "{}",
        records[0]
    );
    assert!(
        records[1].contains("WARC-Type: response\r\n")
            && records[1].contains("HTTP/1.1 404 Not Found\r\n")
            && records[1].ends_with("\r\n\r\nnot here\r\n\r\n"),
        "{}",
        records[1]
    );
    // What was fetched, written as a WARC and archived again: the same posts and URLs; the
    // error answer is no article and is counted as skipped.
    let db2 = dir.join("b.db");
    let d2 = db2.to_str().expect("utf-8");
    let out = archive(&[warc.to_str().expect("utf-8"), "--db", d2, "-v"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("response(s) with HTTP status 4xx"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = query(d2);
    let mut a: Vec<String> = recs
        .iter()
        .map(|r| format!("{} {}", key(r), r["sightings"][0]["url"]))
        .collect();
    let mut b: Vec<String> = again
        .iter()
        .map(|r| format!("{} {}", key(r), r["sightings"][0]["url"]))
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    for r in &again {
        let s = &r["sightings"][0];
        assert_eq!(s["warc"]["target_uri"], s["url"]);
        assert_eq!(s["warc"]["offsets"], "gzip-member");
    }
}

#[test]
fn a_refused_connection_is_a_named_failure_and_the_other_inputs_are_read() {
    // A port nothing listens on: bind one, then close it.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let dir = temp_dir("urls-refused");
    let db = dir.join("a.db");
    let url = format!("http://127.0.0.1:{port}/page");
    let seed = "samples/twitter/seed-belarus-lithuania-border.txt";
    let out = archive(&[seed, &url, "--db", db.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&url) && err.contains("refused"), "{err}");
    assert!(err.contains("1 input(s) seen"), "{err}");
}

#[test]
fn standard_input_takes_its_article_url_from_the_url_option() {
    let page = sample("twitter/blockquote-modern.html");
    let out = run(
        &[
            "scan",
            "-",
            "--url",
            "https://news.example/2022/06/gauges",
            "--format",
            "jsonl",
        ],
        Some(&page),
    );
    assert_eq!(out.status.code(), Some(0));
    let recs = json_lines(&out.stdout);
    assert!(!recs.is_empty());
    for r in recs {
        assert_eq!(r["source"]["url"], "https://news.example/2022/06/gauges");
        assert!(r["source"]["path"].is_null());
    }
}
