//! Fetching URLs against a real HTTP server on 127.0.0.1 that each test starts in-process:
//! redirects, statuses, retries, timeouts, size caps, content encodings, content types,
//! politeness limits counted on the server side, and the WARC written from what was fetched.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use embedvault::fetch::{FetchErrorKind, FetchOptions, Fetched, WarcWriter, fetch_all};

use crate::support::temp_dir;

/// What the server answers to one request.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// Wait this long before answering.
    hold: Duration,
    /// Send the body in this many pieces with a pause before each.
    trickle: Option<(usize, Duration)>,
    /// Send the body chunked, without a Content-Length.
    chunked: bool,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
            hold: Duration::ZERO,
            trickle: None,
            chunked: false,
        }
    }

    fn html(body: &str) -> Self {
        Self::new(200, "text/html; charset=utf-8", body)
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn hold(mut self, hold: Duration) -> Self {
        self.hold = hold;
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: HashMap<String, String>,
    at: Instant,
}

type Handler = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// A tiny HTTP/1.1 server: one thread per connection, `Connection: close` on every answer, and
/// a count of the requests being answered at once.
struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    max_in_flight: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server whose `handler` gets each request's path and how many times that path
    /// was asked for before.
    fn start(handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept = {
            let (seen, max, stop) = (seen.clone(), max_in_flight.clone(), stop.clone());
            let in_flight = Arc::new(AtomicUsize::new(0));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (seen, max, in_flight, handler) = (
                        seen.clone(),
                        max.clone(),
                        in_flight.clone(),
                        handler.clone(),
                    );
                    std::thread::spawn(move || serve(stream, &seen, &max, &in_flight, &*handler));
                }
            })
        };
        Self {
            addr,
            seen,
            max_in_flight,
            stop,
            accept: Some(accept),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The same server under another host name (`localhost`), for per-host limits.
    fn url_on_localhost(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.addr.port())
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn hits(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(
    mut stream: TcpStream,
    seen: &Mutex<Vec<Seen>>,
    max_in_flight: &AtomicUsize,
    in_flight: &AtomicUsize,
    handler: &Handler,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    max_in_flight.fetch_max(now, Ordering::SeqCst);
    let before = {
        let mut seen = seen.lock().unwrap();
        let before = seen.iter().filter(|s| s.path == path).count();
        seen.push(Seen {
            path: path.clone(),
            headers,
            at: Instant::now(),
        });
        before
    };
    let reply = handler(&path, before);
    std::thread::sleep(reply.hold);
    let _ = answer(&mut stream, &reply);
    in_flight.fetch_sub(1, Ordering::SeqCst);
}

fn answer(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} Test\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if reply.chunked {
        head.push_str("Transfer-Encoding: chunked\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    let (pieces, pause) = reply.trickle.unwrap_or((1, Duration::ZERO));
    let size = reply.body.len().div_ceil(pieces.max(1)).max(1);
    for piece in reply.body.chunks(size) {
        std::thread::sleep(pause);
        if reply.chunked {
            stream.write_all(format!("{:x}\r\n", piece.len()).as_bytes())?;
            stream.write_all(piece)?;
            stream.write_all(b"\r\n")?;
        } else {
            stream.write_all(piece)?;
        }
        stream.flush()?;
    }
    if reply.chunked {
        stream.write_all(b"0\r\n\r\n")?;
    }
    stream.flush()
}

/// Options for tests: short timeouts and backoff, no politeness delay.
fn quick() -> FetchOptions {
    FetchOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(3),
        retries: 2,
        backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(3),
        delay: Duration::ZERO,
        ..FetchOptions::default()
    }
}

fn fetch_one(url: &str, opts: &FetchOptions) -> Result<Fetched, embedvault::fetch::FetchError> {
    let mut results = fetch_all(vec![url.to_owned()], opts).collect::<Vec<_>>();
    assert_eq!(results.len(), 1);
    let (given, result) = results.remove(0);
    assert_eq!(given, url);
    result
}

const PAGE: &str = "<!doctype html><title>Article</title><p>Body text.</p>";

#[test]
fn a_page_comes_back_with_its_headers_and_the_user_agent_names_embedvault() {
    let server = Server::start(|_, _| Reply::html(PAGE).header("X-Extra", "yes"));
    let page = fetch_one(&server.url("/article?id=1"), &quick()).expect("fetched");
    assert_eq!(page.status, 200);
    assert_eq!(page.final_url, server.url("/article?id=1"));
    assert!(page.redirects.is_empty() && page.hops.is_empty());
    assert_eq!(page.body, PAGE.as_bytes());
    assert_eq!(page.encoded_body, None);
    assert_eq!(page.content_type.as_deref(), Some("text/html"));
    assert_eq!(page.charset.as_deref(), Some("utf-8"));
    assert_eq!(page.http_version, "HTTP/1.1");
    assert!(page.headers.contains(&("x-extra".into(), "yes".into())));
    assert_eq!(page.remote_addr, Some(server.addr.to_string()));
    let seen = server.seen();
    let ua = &seen[0].headers["user-agent"];
    assert_eq!(ua, &FetchOptions::default().user_agent);
    assert!(ua.starts_with(&format!("embedvault/{}", env!("CARGO_PKG_VERSION"))));
    // What was sent is what is recorded.
    for (name, value) in &page.request_headers {
        assert_eq!(&seen[0].headers[name], value, "{name}");
    }
}

#[test]
fn a_redirect_chain_is_followed_across_hosts_and_recorded() {
    // A relative hop, then an absolute one to the same server under another host name, whose
    // port is known once the server runs.
    let target = Arc::new(Mutex::new(String::new()));
    let location = target.clone();
    let server = Server::start(move |path, _| match path {
        "/r1" => Reply::new(301, "text/html", "moved").header("Location", "/r2"),
        "/r2" => {
            Reply::new(302, "text/html", "").header("Location", location.lock().unwrap().clone())
        }
        _ => Reply::html(PAGE),
    });
    *target.lock().unwrap() = server.url_on_localhost("/r3");
    let page = fetch_one(&server.url("/r1"), &quick()).expect("fetched");
    assert_eq!(page.requested, server.url("/r1"));
    assert_eq!(page.redirects, vec![server.url("/r1"), server.url("/r2")]);
    assert_eq!(page.final_url, server.url_on_localhost("/r3"));
    assert_eq!(
        page.hops.iter().map(|h| h.status).collect::<Vec<_>>(),
        vec![301, 302]
    );
    assert_eq!(page.hops[0].body, b"moved");
    assert_eq!(page.body, PAGE.as_bytes());
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn too_many_redirects_is_a_named_failure() {
    let server = Server::start(|_, _| Reply::new(302, "text/html", "").header("Location", "/loop"));
    let opts = FetchOptions {
        max_redirects: 3,
        ..quick()
    };
    let error = fetch_one(&server.url("/loop"), &opts).unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::TooManyRedirects(3));
    assert_eq!(server.hits("/loop"), 4);
    assert_eq!(
        error.to_string(),
        format!("{}: too many redirects (more than 3)", server.url("/loop"))
    );
}

#[test]
fn not_found_fails_at_once_with_the_status_named() {
    let server = Server::start(|_, _| Reply::new(404, "text/html", "gone"));
    let url = server.url("/missing");
    let error = fetch_one(&url, &quick()).unwrap_err();
    assert_eq!(
        error.kind,
        FetchErrorKind::Status {
            code: 404,
            url: None
        }
    );
    assert_eq!(error.attempts, 1);
    assert_eq!(server.hits("/missing"), 1);
    assert_eq!(error.to_string(), format!("{url}: HTTP 404 Not Found"));
}

#[test]
fn a_status_after_a_redirect_names_the_url_that_answered_it() {
    let server = Server::start(|path, _| match path {
        "/old" => Reply::new(302, "text/html", "").header("Location", "/gone"),
        _ => Reply::new(410, "text/html", "gone"),
    });
    let error = fetch_one(&server.url("/old"), &quick()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: HTTP 410 Gone from {}",
            server.url("/old"),
            server.url("/gone")
        )
    );
    // What was exchanged on the way is kept: the redirect, then the error answer with its body.
    let exchanged: Vec<(&str, u16, &[u8])> = error
        .exchanges
        .iter()
        .map(|e| (e.url.as_str(), e.status, e.body.as_slice()))
        .collect();
    let (old, gone) = (server.url("/old"), server.url("/gone"));
    assert_eq!(
        exchanged,
        [
            (old.as_str(), 302, &b""[..]),
            (gone.as_str(), 410, &b"gone"[..])
        ]
    );
    // Written to a WARC, each is a request and a response record.
    let mut warc = WarcWriter::new(Vec::new(), "failed.warc.gz").unwrap();
    warc.write_failed(&error).unwrap();
    let records = read_warc(&warc.finish().unwrap());
    let kinds: Vec<(&str, &str)> = records
        .iter()
        .map(|r| {
            (
                r.fields["WARC-Type"].as_str(),
                r.fields.get("WARC-Target-URI").map_or("", |u| u.as_str()),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("warcinfo", ""),
            ("request", old.as_str()),
            ("response", old.as_str()),
            ("request", gone.as_str()),
            ("response", gone.as_str()),
        ]
    );
    assert!(records[4].block.starts_with(b"HTTP/1.1 410 Gone\r\n"));
    assert!(records[4].block.ends_with(b"\r\n\r\ngone"));
}

#[test]
fn a_server_error_is_retried_until_the_page_comes() {
    let server = Server::start(|_, before| match before {
        0 => Reply::new(500, "text/plain", "oops"),
        _ => Reply::html(PAGE),
    });
    let page = fetch_one(&server.url("/flaky"), &quick()).expect("fetched on the second try");
    assert_eq!(page.body, PAGE.as_bytes());
    assert_eq!(server.hits("/flaky"), 2);
}

#[test]
fn a_server_error_that_persists_fails_after_every_retry_with_backoff() {
    let server = Server::start(|_, _| Reply::new(503, "text/plain", "down"));
    let url = server.url("/down");
    let started = Instant::now();
    let error = fetch_one(&url, &quick()).unwrap_err();
    assert_eq!(
        error.kind,
        FetchErrorKind::Status {
            code: 503,
            url: None
        }
    );
    assert_eq!(error.attempts, 3);
    assert_eq!(server.hits("/down"), 3);
    // The last answer is kept.
    assert_eq!(error.exchanges.len(), 1);
    assert_eq!(error.exchanges[0].status, 503);
    assert_eq!(error.exchanges[0].body, b"down");
    // Backoff 20 ms then 40 ms.
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert_eq!(
        error.to_string(),
        format!("{url}: HTTP 503 Service Unavailable (after 3 attempts)")
    );
}

#[test]
fn too_many_requests_is_retried_after_the_servers_retry_after() {
    let server = Server::start(|_, before| match before {
        0 => Reply::new(429, "text/plain", "slow down").header("Retry-After", "1"),
        _ => Reply::html(PAGE),
    });
    let page = fetch_one(&server.url("/busy"), &quick()).expect("fetched after waiting");
    assert_eq!(page.status, 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(waited >= Duration::from_millis(990), "waited {waited:?}");
}

#[test]
fn a_long_retry_after_is_capped() {
    let server = Server::start(|_, before| match before {
        0 => Reply::new(503, "text/plain", "").header("Retry-After", "3600"),
        _ => Reply::html(PAGE),
    });
    let opts = FetchOptions {
        max_retry_after: Duration::from_millis(100),
        ..quick()
    };
    let started = Instant::now();
    assert!(fetch_one(&server.url("/busy"), &opts).is_ok());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.hits("/busy"), 2);
}

#[test]
fn a_slow_body_times_out_and_is_tried_again() {
    let server = Server::start(|_, _| {
        let mut reply = Reply::html(&PAGE.repeat(10));
        reply.trickle = Some((10, Duration::from_millis(150)));
        reply
    });
    let url = server.url("/slow");
    let opts = FetchOptions {
        timeout: Duration::from_millis(400),
        retries: 1,
        ..quick()
    };
    let started = Instant::now();
    let error = fetch_one(&url, &opts).unwrap_err();
    assert_eq!(
        error.kind,
        FetchErrorKind::Timeout(Duration::from_millis(400))
    );
    assert_eq!(error.attempts, 2);
    assert_eq!(server.hits("/slow"), 2);
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(
        error.to_string(),
        format!("{url}: timeout after 0.4 s (after 2 attempts)")
    );
}

#[test]
fn an_oversized_body_is_refused_whether_its_length_is_declared_or_not() {
    let big = "x".repeat(5000);
    let server = Server::start(move |path, _| {
        let mut reply = Reply::new(200, "text/plain", big.clone());
        reply.chunked = path == "/chunked";
        reply
    });
    let opts = FetchOptions {
        max_size: 1000,
        ..quick()
    };
    for path in ["/declared", "/chunked"] {
        let error = fetch_one(&server.url(path), &opts).unwrap_err();
        assert_eq!(
            error.kind,
            FetchErrorKind::TooLarge {
                limit: 1000,
                decoded: false
            },
            "{path}"
        );
        assert!(error.to_string().ends_with(": larger than 1000 bytes"));
        assert_eq!(error.attempts, 1);
    }
    // At the cap exactly is fine.
    let opts = FetchOptions {
        max_size: 5000,
        ..quick()
    };
    assert_eq!(
        fetch_one(&server.url("/chunked"), &opts)
            .unwrap()
            .body
            .len(),
        5000
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
    writer.write_all(data).unwrap();
    drop(writer);
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn gzip_br_and_deflate_bodies_are_decoded_and_the_bytes_received_kept() {
    let page = PAGE.repeat(20);
    let encoded: Vec<(&str, Vec<u8>)> = vec![
        ("gzip", gzip(page.as_bytes())),
        ("br", brotli(page.as_bytes())),
        ("deflate", deflate(page.as_bytes())),
    ];
    let served = encoded.clone();
    let server = Server::start(move |path, _| {
        let (coding, bytes) = served
            .iter()
            .find(|(c, _)| path == format!("/{c}"))
            .unwrap();
        Reply::new(200, "text/html", bytes.clone())
            .header("Content-Encoding", *coding)
            .header("Vary", "Accept-Encoding")
    });
    let urls = encoded
        .iter()
        .map(|(c, _)| server.url(&format!("/{c}")))
        .collect();
    let results = fetch_all(urls, &quick()).collect::<Vec<_>>();
    for ((coding, bytes), (_, result)) in encoded.iter().zip(results) {
        let fetched = result.unwrap_or_else(|e| panic!("{coding}: {e}"));
        assert_eq!(fetched.body, page.as_bytes(), "{coding}");
        assert_eq!(fetched.encoded_body.as_ref(), Some(bytes), "{coding}");
        assert!(
            fetched
                .headers
                .contains(&("content-encoding".into(), (*coding).into()))
        );
    }
    let accept = &server.seen()[0].headers["accept-encoding"];
    assert!(
        ["gzip", "br", "deflate"].iter().all(|c| accept.contains(c)),
        "{accept}"
    );
}

#[test]
fn a_decompression_bomb_stops_at_the_cap() {
    let bomb = gzip(&vec![b' '; 2_000_000]);
    assert!(bomb.len() < 10_000);
    let server = Server::start(move |_, _| {
        Reply::new(200, "text/html", bomb.clone()).header("Content-Encoding", "gzip")
    });
    let opts = FetchOptions {
        max_size: 100_000,
        ..quick()
    };
    let error = fetch_one(&server.url("/bomb"), &opts).unwrap_err();
    assert_eq!(
        error.kind,
        FetchErrorKind::TooLarge {
            limit: 100_000,
            decoded: true
        }
    );
    assert!(
        error
            .to_string()
            .ends_with("larger than 100000 bytes once decoded")
    );
}

#[test]
fn the_transport_charset_is_passed_through_even_when_the_meta_says_otherwise() {
    // "Привет" in windows-1251, in a page whose <meta> claims UTF-8.
    let mut body = b"<html><head><meta charset=\"utf-8\"></head><body><p>".to_vec();
    body.extend_from_slice(&[0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]);
    body.extend_from_slice(b"</p></body></html>");
    let served = body.clone();
    let server = Server::start(move |_, _| {
        Reply::new(200, "text/html; charset=\"Windows-1251\"", served.clone())
    });
    let page = fetch_one(&server.url("/cp1251"), &quick()).expect("fetched");
    assert_eq!(page.charset.as_deref(), Some("Windows-1251"));
    assert_eq!(page.content_type.as_deref(), Some("text/html"));
    assert_eq!(page.body, body, "the bytes are left as sent");
}

#[test]
fn a_type_that_is_neither_html_nor_text_is_refused() {
    let server = Server::start(|path, _| match path {
        "/image" => Reply::new(200, "image/png", vec![0x89, b'P', b'N', b'G']),
        "/xhtml" => Reply::new(200, "application/xhtml+xml", PAGE),
        "/untyped" => {
            let mut reply = Reply::html(PAGE);
            reply.headers.clear();
            reply
        }
        _ => Reply::new(200, "text/plain", "plain text"),
    });
    let url = server.url("/image");
    let error = fetch_one(&url, &quick()).unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::NotText("image/png".into()));
    assert_eq!(
        error.to_string(),
        format!("{url}: not HTML or text: content type image/png")
    );
    assert!(fetch_one(&server.url("/xhtml"), &quick()).is_ok());
    assert!(fetch_one(&server.url("/text"), &quick()).is_ok());
    let untyped = fetch_one(&server.url("/untyped"), &quick()).expect("a page without a type");
    assert_eq!(untyped.content_type, None);
}

#[test]
fn a_refused_connection_and_an_invalid_url_are_named_failures() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let refused = format!("http://127.0.0.1:{port}/article");
    let urls = vec![
        refused.clone(),
        "not a url".into(),
        "ftp://example.org/a".into(),
    ];
    let results = fetch_all(urls, &quick()).collect::<Vec<_>>();
    let error = results[0].1.as_ref().unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Refused);
    assert_eq!(error.to_string(), format!("{refused}: connection refused"));
    assert_eq!(results[1].0, "not a url");
    let error = results[1].1.as_ref().unwrap_err();
    assert!(
        matches!(error.kind, FetchErrorKind::InvalidUrl(_)),
        "{error}"
    );
    assert!(error.to_string().starts_with("not a url: invalid URL: "));
    let error = results[2].1.as_ref().unwrap_err();
    assert_eq!(
        error.to_string(),
        "ftp://example.org/a: invalid URL: ftp URLs are not fetched (only http and https)"
    );
}

#[test]
fn requests_to_one_host_never_exceed_the_per_host_limit() {
    let server = Server::start(|_, _| Reply::html(PAGE).hold(Duration::from_millis(150)));
    let urls = (0..6).map(|i| server.url(&format!("/p{i}"))).collect();
    let opts = FetchOptions {
        per_host: 2,
        concurrency: 8,
        ..quick()
    };
    let results = fetch_all(urls, &opts).collect::<Vec<_>>();
    assert!(results.iter().all(|(_, r)| r.is_ok()));
    assert_eq!(server.max_in_flight.load(Ordering::SeqCst), 2);
}

#[test]
fn requests_in_all_never_exceed_the_global_limit() {
    let server = Server::start(|_, _| Reply::html(PAGE).hold(Duration::from_millis(150)));
    let urls = (0..8)
        .map(|i| match i % 2 {
            0 => server.url(&format!("/p{i}")),
            _ => server.url_on_localhost(&format!("/p{i}")),
        })
        .collect();
    let opts = FetchOptions {
        per_host: 3,
        concurrency: 4,
        ..quick()
    };
    let results = fetch_all(urls, &opts).collect::<Vec<_>>();
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    assert_eq!(server.max_in_flight.load(Ordering::SeqCst), 4);
}

#[test]
fn requests_to_one_host_start_at_least_the_delay_apart() {
    let server = Server::start(|_, _| Reply::html(PAGE));
    let urls = (0..3).map(|i| server.url(&format!("/p{i}"))).collect();
    let opts = FetchOptions {
        per_host: 3,
        delay: Duration::from_millis(200),
        ..quick()
    };
    assert_eq!(fetch_all(urls, &opts).filter(|(_, r)| r.is_ok()).count(), 3);
    let mut starts = server.seen().iter().map(|s| s.at).collect::<Vec<_>>();
    starts.sort();
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(190), "gap {gap:?}");
    }
}

#[test]
fn results_come_in_input_order_whatever_finishes_first() {
    let server = Server::start(|path, _| {
        let hold = if path == "/slow" { 300 } else { 0 };
        Reply::html(path).hold(Duration::from_millis(hold))
    });
    let urls: Vec<String> = ["/slow", "/a", "/b", "/c"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let opts = FetchOptions {
        per_host: 4,
        ..quick()
    };
    let results = fetch_all(urls.clone(), &opts).collect::<Vec<_>>();
    let given = results.iter().map(|(u, _)| u.clone()).collect::<Vec<_>>();
    assert_eq!(given, urls);
    for (url, result) in &results {
        assert!(url.ends_with(std::str::from_utf8(&result.as_ref().unwrap().body).unwrap()));
    }
}

#[test]
fn dropping_the_iterator_early_stops_the_fetching() {
    let server = Server::start(|_, _| Reply::html(PAGE).hold(Duration::from_millis(100)));
    let urls = (0..40).map(|i| server.url(&format!("/p{i}"))).collect();
    let opts = FetchOptions {
        per_host: 1,
        concurrency: 1,
        window: 2,
        ..quick()
    };
    let started = Instant::now();
    let first = fetch_all(urls, &opts).next();
    assert!(first.is_some_and(|(_, r)| r.is_ok()));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(server.seen().len() < 5);
}

/// One WARC record read back: its header fields and its block.
struct Record {
    fields: HashMap<String, String>,
    block: Vec<u8>,
}

/// Reads a WARC written one gzip member per record, checking each member holds exactly one
/// record with an exact Content-Length and the closing blank lines.
fn read_warc(bytes: &[u8]) -> Vec<Record> {
    let mut cursor = std::io::Cursor::new(bytes);
    let mut records = Vec::new();
    while (cursor.position() as usize) < bytes.len() {
        let mut member = Vec::new();
        flate2::bufread::GzDecoder::new(&mut cursor)
            .read_to_end(&mut member)
            .expect("a gzip member");
        let end = member
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        let head = std::str::from_utf8(&member[..end]).unwrap();
        let mut lines = head.split("\r\n");
        assert_eq!(lines.next(), Some("WARC/1.1"));
        let fields: HashMap<String, String> = lines
            .map(|l| {
                let (n, v) = l.split_once(": ").unwrap();
                (n.to_owned(), v.to_owned())
            })
            .collect();
        let length: usize = fields["Content-Length"].parse().unwrap();
        let block = member[end + 4..end + 4 + length].to_vec();
        assert_eq!(
            &member[end + 4 + length..],
            b"\r\n\r\n",
            "one record per member"
        );
        records.push(Record { fields, block });
    }
    records
}

fn sha1_base32(data: &[u8]) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(data);
    let mut bits = String::new();
    for byte in digest.iter() {
        bits.push_str(&format!("{byte:08b}"));
    }
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let text: String = bits
        .as_bytes()
        .chunks(5)
        .map(|c| {
            alphabet[usize::from_str_radix(std::str::from_utf8(c).unwrap(), 2).unwrap()] as char
        })
        .collect();
    format!("sha1:{text}")
}

#[test]
fn the_warc_holds_each_request_and_response_with_exact_lengths_and_digests() {
    let page = PAGE.repeat(5);
    let encoded = gzip(page.as_bytes());
    let served = encoded.clone();
    let server = Server::start(move |path, _| match path {
        "/old" => Reply::new(301, "text/html", "").header("Location", "/new"),
        _ => {
            let mut reply = Reply::new(200, "text/html; charset=utf-8", served.clone())
                .header("Content-Encoding", "gzip");
            reply.chunked = true;
            reply
        }
    });
    let url = server.url("/old");
    let fetched = fetch_one(&url, &quick()).expect("fetched");
    let dir = temp_dir("fetch-warc");
    let path = dir.join("out.warc.gz");
    let mut warc = WarcWriter::create(&path).unwrap();
    warc.write(&fetched).unwrap();
    warc.finish().unwrap();

    let records = read_warc(&std::fs::read(&path).unwrap());
    let types = records
        .iter()
        .map(|r| r.fields["WARC-Type"].as_str())
        .collect::<Vec<_>>();
    assert_eq!(
        types,
        ["warcinfo", "request", "response", "request", "response"]
    );
    assert_eq!(records[0].fields["WARC-Filename"], "out.warc.gz");
    let info_id = &records[0].fields["WARC-Record-ID"];
    for record in &records {
        let id = &record.fields["WARC-Record-ID"];
        assert!(
            id.starts_with("<urn:uuid:") && id.ends_with('>') && id.len() == 47,
            "{id}"
        );
        assert_eq!(
            record.fields["WARC-Block-Digest"],
            sha1_base32(&record.block)
        );
        assert!(record.fields["WARC-Date"].ends_with('Z'));
    }
    for pair in records[1..].chunks(2) {
        let (request, response) = (&pair[0], &pair[1]);
        assert_eq!(
            request.fields["WARC-Concurrent-To"],
            response.fields["WARC-Record-ID"]
        );
        assert_eq!(
            response.fields["WARC-Concurrent-To"],
            request.fields["WARC-Record-ID"]
        );
        assert_eq!(
            request.fields["WARC-Target-URI"],
            response.fields["WARC-Target-URI"]
        );
        assert_eq!(&request.fields["WARC-Warcinfo-ID"], info_id);
        assert_eq!(response.fields["WARC-IP-Address"], "127.0.0.1");
    }
    assert_eq!(records[1].fields["WARC-Target-URI"], url);
    let request = std::str::from_utf8(&records[1].block).unwrap();
    assert!(
        request.starts_with("GET /old HTTP/1.1\r\nhost: 127.0.0.1:"),
        "{request}"
    );
    assert!(request.contains("\r\nuser-agent: embedvault/"));
    assert!(request.ends_with("\r\n\r\n"));
    assert!(
        records[2]
            .block
            .starts_with(b"HTTP/1.1 301 Moved Permanently\r\n")
    );
    assert_eq!(records[3].fields["WARC-Target-URI"], server.url("/new"));

    // The page's response: the body as received (still gzip), its encoding header kept, the
    // chunked framing undone and the length exact.
    let response = &records[4];
    let split = response
        .block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap();
    let head = std::str::from_utf8(&response.block[..split])
        .unwrap()
        .to_ascii_lowercase();
    let payload = &response.block[split + 4..];
    assert_eq!(payload, encoded);
    assert!(head.starts_with("http/1.1 200 ok\r\n"));
    assert!(head.contains("\r\ncontent-encoding: gzip"));
    assert!(!head.contains("transfer-encoding"));
    assert!(head.contains(&format!("\r\ncontent-length: {}", encoded.len())));
    assert_eq!(
        response.fields["WARC-Payload-Digest"],
        sha1_base32(&encoded)
    );
    assert_eq!(
        response.fields["Content-Type"],
        "application/http; msgtype=response"
    );
}

#[test]
fn what_a_run_has_archived_can_be_read_while_it_waits_on_a_slow_page() {
    let release = Arc::new(AtomicBool::new(false));
    let held = release.clone();
    let server = Server::start(move |_, _| {
        let start = Instant::now();
        while !held.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(10));
        }
        Reply::html(PAGE)
    });
    let dir = temp_dir("fetch-readable-while-waiting");
    let db = dir.join("archive.db");
    let inputs = embedvault::Inputs {
        paths: vec![crate::support::root().join("samples/twitter/blockquote-modern.html")],
        urls: vec![server.url("/slow")],
        fetch: FetchOptions {
            timeout: Duration::from_secs(40),
            ..quick()
        },
        ..embedvault::Inputs::default()
    };
    let run = {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut archive = embedvault::Archive::open(&db).unwrap();
            archive
                .archive_inputs(&inputs, &embedvault::ArchiveOptions::default(), &mut |_| {})
                .unwrap()
        })
    };
    // The page is held until the file's post can be read from another connection.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut during = Vec::new();
    while during.is_empty() && Instant::now() < deadline {
        if let Ok(archive) = embedvault::Archive::open_read_only(&db) {
            during = archive
                .query(&embedvault::Filter::default())
                .unwrap_or_default();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let waited = server.hits("/slow");
    release.store(true, Ordering::SeqCst);
    let report = run.join().unwrap();
    assert_eq!(waited, 1, "the slow page was being fetched meanwhile");
    assert_eq!(
        during.len(),
        1,
        "the file's post was readable during the run"
    );
    assert_eq!(report.counts.inputs_seen, 2);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let after = embedvault::Archive::open_read_only(&db)
        .unwrap()
        .query(&embedvault::Filter::default())
        .unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].post.post_id, during[0].post.post_id);
}

#[test]
fn a_server_that_never_answers_the_connection_is_a_connect_timeout_tried_again() {
    // A listener whose accept queue has no room: once one connection fills it, the kernel
    // drops further connection requests, so connecting to it hangs (on loopback, too).
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    socket.bind(&any.into()).expect("bind 127.0.0.1");
    socket.listen(0).expect("listen");
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let _filler = TcpStream::connect(addr).expect("the one connection it takes");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_err(),
        "a further connection must hang for this test to mean anything"
    );
    let opts = FetchOptions {
        connect_timeout: Duration::from_millis(300),
        timeout: Duration::from_secs(10),
        retries: 1,
        ..quick()
    };
    let url = format!("http://{addr}/page");
    let started = Instant::now();
    let error = fetch_one(&url, &opts).unwrap_err();
    let took = started.elapsed();
    assert_eq!(
        error.kind,
        FetchErrorKind::ConnectTimeout(Duration::from_millis(300))
    );
    assert_eq!(error.attempts, 2);
    assert!(error.exchanges.is_empty());
    // Two attempts of 0.3 s each (and the backoff), well before the total timeout.
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(8),
        "{took:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("{url}: connect timeout after 0.3 s (after 2 attempts)")
    );
}

#[test]
fn an_error_answer_whose_body_stalls_keeps_its_status_and_the_start_of_its_body() {
    let server = Server::start(|_, _| {
        let mut reply = Reply::new(404, "text/html", "<p>gone</p><p>for good</p>");
        // The first half after 1.5 s, the rest after 3 s: past the wait for evidence.
        reply.trickle = Some((2, Duration::from_millis(1500)));
        reply
    });
    let url = server.url("/gone");
    let opts = FetchOptions {
        timeout: Duration::from_secs(20),
        ..quick()
    };
    let started = Instant::now();
    let error = fetch_one(&url, &opts).unwrap_err();
    let took = started.elapsed();
    assert_eq!(
        error.kind,
        FetchErrorKind::Status {
            code: 404,
            url: None
        }
    );
    assert_eq!(error.attempts, 1);
    assert!(took < Duration::from_millis(2900), "{took:?}");
    let answer = &error.exchanges[0];
    assert_eq!(answer.body, b"<p>gone</p><p");
    assert_eq!(answer.body_truncated.as_deref(), Some("time"));
    // Written to a WARC, the cut answer says so.
    let mut warc = WarcWriter::new(Vec::new(), "gone.warc.gz").unwrap();
    warc.write_failed(&error).unwrap();
    let records = read_warc(&warc.finish().unwrap());
    assert_eq!(records.len(), 3);
    assert_eq!(records[2].fields["WARC-Truncated"], "time");
    assert!(!records[1].fields.contains_key("WARC-Truncated"));
    assert!(records[2].block.ends_with(b"\r\n\r\n<p>gone</p><p"));
}
