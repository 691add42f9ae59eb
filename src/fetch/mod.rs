//! Fetching article URLs over HTTP(S), and writing what was fetched as WARC.
//!
//! [`fetch_all`] takes a list of URLs and hands back, in input order, either the page each one
//! led to ([`Fetched`]: final URL, the redirects on the way, status, headers, the body with its
//! content encoding undone) or a [`FetchError`] naming the URL and the reason. [`WarcWriter`]
//! writes fetched pages as a standard WARC file (`request` and `response` records, one gzip
//! member each) so that what was read can be kept and re-read by any WARC tool.
//!
//! What a fetch does, in order:
//!
//! - The URL must parse and be `http` or `https` (an invalid URL is a named failure, never sent).
//! - Every request (each redirect hop, each retry) first passes the politeness gates: at most
//!   [`FetchOptions::per_host`] requests at once to one host, at least [`FetchOptions::delay`]
//!   between the starts of two requests to it, and at most [`FetchOptions::concurrency`]
//!   requests at once in all.
//! - Redirects (301, 302, 303, 307, 308 with a `Location`) are followed by hand, up to
//!   [`FetchOptions::max_redirects`], and recorded: their URLs in [`Fetched::redirects`], each
//!   whole exchange in [`Fetched::hops`] so the WARC holds them too.
//! - A request that times out (connecting, or [`FetchOptions::timeout`] for the whole request
//!   including its body), fails while its body is read, or answers 429 or a 5xx is tried again,
//!   up to [`FetchOptions::retries`] more times, after an exponential backoff
//!   ([`FetchOptions::backoff`], doubled each time) or after the server's `Retry-After`
//!   (seconds or an HTTP date), capped at [`FetchOptions::max_retry_after`].
//! - Any other status outside 2xx is a failure (`HTTP 404 Not Found`).
//! - The type must be HTML or text (`text/*`, `application/xhtml+xml`, or no `Content-Type`);
//!   anything else is refused before its body is read.
//! - The body is read as it streams, and reading stops once it passes
//!   [`FetchOptions::max_size`] (a failure, "larger than N bytes"); a `Content-Length` over the
//!   cap is refused before reading. `gzip`, `br` and `deflate` encodings are undone, under the
//!   same cap.
//!
//! Requests carry a User-Agent naming embedvault and its version ([`default_user_agent`]).
//! Only rustls is used for TLS, with the Mozilla root certificates built in.
//!
//! The work runs on a Tokio runtime owned by one background thread per [`fetch_all`] call; the
//! caller sees a plain blocking iterator. Memory stays bounded: at most
//! [`FetchOptions::window`] URLs are started ahead of the one the iterator is waiting for.
//!
//! The command line is expected to expose these options as `archive URL…`, `--urls FILE`,
//! `--timeout`, `--connect-timeout`, `--retries`, `--max-page-size`, `--per-host`,
//! `--host-delay`, `--concurrency`, `--user-agent` and `--warc-out FILE`.

mod client;
mod encoding;
mod hosts;
mod warc_out;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use warc_out::WarcWriter;

/// How URLs are fetched. [`Default`] gives polite settings for fetching articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// The longest a TCP (and TLS) connection may take to open. Default 10 s.
    pub connect_timeout: Duration,
    /// The longest one request may take, from sending it to the last byte of its body.
    /// Default 30 s.
    pub timeout: Duration,
    /// How many times a request is tried again after a timeout, an interrupted body, 429 or a
    /// 5xx. Default 2 (three attempts in all).
    pub retries: u32,
    /// The wait before the first retry; each further retry waits twice as long. Default 1 s.
    pub backoff: Duration,
    /// The longest wait honoured from a `Retry-After` header (and from the backoff). Default 60 s.
    pub max_retry_after: Duration,
    /// The largest body accepted, in bytes, as received and once decoded. Default 32 MiB.
    pub max_size: u64,
    /// How many redirects are followed before the fetch fails. Default 10.
    pub max_redirects: usize,
    /// At most this many requests at once to one host (0 is taken as 1). Default 2.
    pub per_host: usize,
    /// At least this long between the starts of two requests to one host. Default 500 ms.
    pub delay: Duration,
    /// At most this many requests at once in all (0 is taken as 1). Default 8.
    pub concurrency: usize,
    /// How many URLs may be in progress or finished ahead of the one the iterator waits for;
    /// bounds memory (0 is taken as `4 × concurrency`). Default 0.
    pub window: usize,
    /// The `User-Agent` header. Default [`default_user_agent`].
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            max_size: 32 * 1024 * 1024,
            max_redirects: 10,
            per_host: 2,
            delay: Duration::from_millis(500),
            concurrency: 8,
            window: 0,
            user_agent: default_user_agent(),
        }
    }
}

/// `embedvault/<version>`, followed by `(+<repository>)` when the package names its repository.
pub fn default_user_agent() -> String {
    let version = env!("CARGO_PKG_VERSION");
    match env!("CARGO_PKG_REPOSITORY") {
        "" => format!("embedvault/{version}"),
        repository => format!("embedvault/{version} (+{repository})"),
    }
}

/// A page fetched: where it was asked for, where it ended, and what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL as given.
    pub requested: String,
    /// The URL the page was finally served from (after redirects, normalised by the URL parser).
    pub final_url: String,
    /// The URLs that redirected, in order: the requested URL first (as parsed, so
    /// `HTTP://Example.org` reads `http://example.org/`); empty when none did.
    pub redirects: Vec<String>,
    /// The redirect responses themselves, in order, as received (their bodies capped at 64 KiB).
    pub hops: Vec<Exchange>,
    /// The final response's status code (2xx).
    pub status: u16,
    /// The HTTP version of the final response (`HTTP/1.1`).
    pub http_version: String,
    /// The media type of `Content-Type`, lower-cased, without parameters (`text/html`).
    pub content_type: Option<String>,
    /// The `charset` parameter of `Content-Type` exactly as sent (unquoted), if any.
    pub charset: Option<String>,
    /// The final response's headers, in the order received (names lower-cased; bytes that are
    /// not UTF-8 in a value read as U+FFFD).
    pub headers: Vec<(String, String)>,
    /// The body with its content encoding (`gzip`, `br`, `deflate`) undone.
    pub body: Vec<u8>,
    /// The body exactly as received, when a content encoding was undone; `None` when the body
    /// came unencoded (then `body` is those bytes).
    pub encoded_body: Option<Vec<u8>>,
    /// When the final request was sent.
    pub fetched_at: DateTime<Utc>,
    /// The headers sent with the final request, `host` first.
    pub request_headers: Vec<(String, String)>,
    /// The server's address, when known (`127.0.0.1:8080`).
    pub remote_addr: Option<String>,
}

impl Fetched {
    /// The body as received: [`Fetched::encoded_body`] when there is one, else [`Fetched::body`].
    pub fn raw_body(&self) -> &[u8] {
        self.encoded_body.as_deref().unwrap_or(&self.body)
    }
}

/// One request and its response on the way to a page (a redirect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The URL requested.
    pub url: String,
    /// The response's status code.
    pub status: u16,
    /// The response's HTTP version (`HTTP/1.1`).
    pub http_version: String,
    /// The response's headers, in the order received (names lower-cased).
    pub headers: Vec<(String, String)>,
    /// The response's body as received, at most 64 KiB of it.
    pub body: Vec<u8>,
    /// Why `body` is cut, if it is, in the words of the WARC standard's `WARC-Truncated`:
    /// `length` (at 64 KiB), `time` (the rest did not come in time: a redirect's or an error
    /// answer's body is kept as evidence, never waited for long) or `disconnect`.
    pub body_truncated: Option<String>,
    /// When the request was sent.
    pub fetched_at: DateTime<Utc>,
    /// The headers sent, `host` first.
    pub request_headers: Vec<(String, String)>,
    /// The server's address, when known.
    pub remote_addr: Option<String>,
}

/// A URL that could not be fetched: which one, why, and after how many attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    /// The URL as given.
    pub url: String,
    /// What went wrong.
    pub kind: FetchErrorKind,
    /// How many requests were made for the step that failed (1 when it was not retried, 0 when
    /// none was sent).
    pub attempts: u32,
    /// What was exchanged on the way, in order: the redirects followed and, when the server
    /// answered with an error status, that answer (its body up to 64 KiB, as for redirects).
    /// [`WarcWriter::write_failed`] writes them: a page that answered 404 is evidence too.
    pub exchanges: Vec<Exchange>,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.kind)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for FetchError {}

/// Why a URL could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchErrorKind {
    /// The URL does not parse, is not `http`/`https`, or has no host.
    InvalidUrl(String),
    /// The host name did not resolve.
    Dns(String),
    /// The server refused the connection.
    Refused,
    /// The connection failed otherwise (reset, TLS handshake, unreachable).
    Connect(String),
    /// Connecting took longer than the connect timeout.
    ConnectTimeout(Duration),
    /// The request (with its body) took longer than the timeout.
    Timeout(Duration),
    /// The server answered with a status outside 2xx that was not a followed redirect.
    Status {
        /// The status code.
        code: u16,
        /// The URL that answered it, when redirects led there from the requested one.
        url: Option<String>,
    },
    /// The body is larger than the cap, as sent or once decoded.
    TooLarge {
        /// The cap in bytes.
        limit: u64,
        /// Whether it was the decoded body that passed the cap.
        decoded: bool,
    },
    /// The page's type is neither HTML nor text.
    NotText(String),
    /// More redirects than allowed.
    TooManyRedirects(usize),
    /// A redirect without a usable `Location`.
    BadRedirect(String),
    /// The body's content encoding is unknown or the body does not decode.
    Encoding(String),
    /// The body could not be read to its end, or another HTTP-level failure.
    Http(String),
}

impl fmt::Display for FetchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl(why) => write!(f, "invalid URL: {why}"),
            Self::Dns(why) => write!(f, "DNS failure: {why}"),
            Self::Refused => f.write_str("connection refused"),
            Self::Connect(why) => write!(f, "cannot connect: {why}"),
            Self::ConnectTimeout(d) => write!(f, "connect timeout after {} s", secs(*d)),
            Self::Timeout(d) => write!(f, "timeout after {} s", secs(*d)),
            Self::Status { code, url } => {
                write!(f, "HTTP {code}")?;
                if let Some(reason) = reqwest::StatusCode::from_u16(*code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                {
                    write!(f, " {reason}")?;
                }
                match url {
                    Some(url) => write!(f, " from {url}"),
                    None => Ok(()),
                }
            }
            Self::TooLarge { limit, decoded } => {
                write!(f, "larger than {limit} bytes")?;
                if *decoded {
                    f.write_str(" once decoded")?;
                }
                Ok(())
            }
            Self::NotText(t) => write!(f, "not HTML or text: content type {t}"),
            Self::TooManyRedirects(n) => write!(f, "too many redirects (more than {n})"),
            Self::BadRedirect(why) => write!(f, "bad redirect: {why}"),
            Self::Encoding(why) => write!(f, "cannot decode the body: {why}"),
            Self::Http(why) => write!(f, "HTTP failure: {why}"),
        }
    }
}

/// A duration in seconds, as short as it reads well (`30`, `0.5`).
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        let text = format!("{s:.3}");
        text.trim_end_matches('0').to_owned()
    }
}

/// What one URL gave: the URL as given and its page or failure.
pub type FetchResult = (String, Result<Fetched, FetchError>);

/// Fetches `urls` and yields each one's result **in input order**, as soon as it and every URL
/// before it are done (a reorder buffer holds later ones meanwhile, at most
/// [`FetchOptions::window`] of them).
///
/// Memory stays bounded: at most [`FetchOptions::window`] URLs are in flight or waiting in the
/// reorder buffer, each holding at most [`FetchOptions::max_size`] bytes of body (twice that
/// when it came encoded). A slow URL holds back the ones after it by at most that window.
///
/// The fetching runs on a background thread; dropping the iterator early stops it (requests in
/// flight are abandoned). A URL given twice is fetched twice.
pub fn fetch_all(urls: Vec<String>, opts: &FetchOptions) -> Fetches {
    let total = urls.len();
    let (tx, rx) = mpsc::channel();
    let cancel = Arc::new(tokio::sync::Notify::new());
    let driver = {
        let opts = opts.clone();
        let cancel = Arc::clone(&cancel);
        std::thread::Builder::new()
            .name("embedvault-fetch".into())
            .spawn(move || client::run(urls, &opts, &tx, &cancel))
    };
    Fetches {
        rx,
        ready: BTreeMap::new(),
        next: 0,
        total,
        cancel,
        driver: driver.ok(),
        setup_failed: false,
    }
}

/// The iterator [`fetch_all`] returns.
#[derive(Debug)]
pub struct Fetches {
    rx: mpsc::Receiver<client::Done>,
    /// Results that came before their turn, by input index.
    ready: BTreeMap<usize, client::Done>,
    next: usize,
    total: usize,
    cancel: Arc<tokio::sync::Notify>,
    driver: Option<JoinHandle<()>>,
    setup_failed: bool,
}

impl Iterator for Fetches {
    type Item = FetchResult;

    fn next(&mut self) -> Option<FetchResult> {
        if self.next >= self.total || self.setup_failed {
            return None;
        }
        loop {
            if let Some(done) = self.ready.remove(&self.next) {
                self.next += 1;
                // Dropping `done.slot` lets the driver start one more URL.
                return Some((done.url, done.result));
            }
            match self.rx.recv() {
                Ok(done) => {
                    self.ready.insert(done.index, done);
                }
                Err(_) => {
                    // The driver ended without sending every result: the runtime or the HTTP
                    // client could not be set up. Nothing more will come.
                    self.setup_failed = true;
                    return None;
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total - self.next;
        (0, Some(left))
    }
}

impl Drop for Fetches {
    fn drop(&mut self) {
        self.cancel.notify_one();
        if let Some(driver) = self.driver.take() {
            // Once cancelled the driver returns at its next await and its runtime drops every
            // task in flight, so this wait is short.
            let _ = driver.join();
        }
    }
}
