//! The fetcher itself: the runtime that drives many URLs, one URL through its redirects, one
//! hop through its retries, and one request through the checks on its response.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::mpsc;
use std::task::Poll;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinError, JoinSet};
use url::Url;

use super::encoding::{self, DecodeError};
use super::hosts::Gates;
use super::{Exchange, FetchError, FetchErrorKind, FetchOptions, Fetched};

/// What a redirect response keeps of its body.
const HOP_BODY_CAP: u64 = 64 * 1024;

/// The `Accept` header: HTML first, text next, anything else last (it is refused anyway, but a
/// server that has only that should say so rather than answer 406).
const ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1";

/// The encodings this fetcher can undo.
const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// One URL's result on its way to the iterator.
pub(super) struct Done {
    pub(super) index: usize,
    pub(super) url: String,
    pub(super) result: Result<Fetched, FetchError>,
    /// The URL's place in the window; dropped when the iterator hands the result out.
    pub(super) _slot: Option<OwnedSemaphorePermit>,
}

impl std::fmt::Debug for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Done")
            .field("index", &self.index)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// What every task shares.
struct Context {
    client: reqwest::Client,
    opts: FetchOptions,
    gates: Gates,
}

/// Runs the fetches of `urls` to completion (or until cancelled), sending each result to `tx`.
pub(super) fn run(
    urls: Vec<String>,
    opts: &FetchOptions,
    tx: &mpsc::Sender<Done>,
    cancel: &Notify,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => return fail_all(urls, &format!("cannot start the fetcher: {e}"), tx),
    };
    runtime.block_on(async {
        let client = match build_client(opts) {
            Ok(client) => client,
            Err(e) => return fail_all(urls, &format!("cannot set up the HTTP client: {e}"), tx),
        };
        let context = Arc::new(Context {
            client,
            opts: opts.clone(),
            gates: Gates::new(opts.per_host, opts.concurrency, opts.delay),
        });
        drive(urls, context, tx, cancel).await;
    });
    // A host-name lookup runs on a blocking thread that cannot be interrupted; once the driver
    // is done (or cancelled) nothing waits for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
}

fn build_client(opts: &FetchOptions) -> reqwest::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(30));
    if !opts.connect_timeout.is_zero() {
        builder = builder.connect_timeout(opts.connect_timeout);
    }
    builder.build()
}

fn fail_all(urls: Vec<String>, why: &str, tx: &mpsc::Sender<Done>) {
    for (index, url) in urls.into_iter().enumerate() {
        let error = FetchError {
            url: url.clone(),
            kind: FetchErrorKind::Http(why.to_owned()),
            attempts: 0,
            exchanges: Vec::new(),
        };
        let _ = tx.send(Done {
            index,
            url,
            result: Err(error),
            _slot: None,
        });
    }
}

/// Starts one task per URL, in input order, never more than the window ahead of the
/// iterator: a URL's window slot travels with its result and is freed when the iterator hands
/// it out, so finished pages waiting in the reorder buffer are bounded too.
async fn drive(urls: Vec<String>, context: Arc<Context>, tx: &mpsc::Sender<Done>, cancel: &Notify) {
    let window = match context.opts.window {
        0 => context.opts.concurrency.max(1).saturating_mul(4),
        n => n,
    };
    let window = Arc::new(Semaphore::new(window));
    let mut tasks = Tasks {
        set: JoinSet::new(),
        urls: HashMap::new(),
    };
    for (index, url) in urls.into_iter().enumerate() {
        let slot = match until_cancelled(cancel, Arc::clone(&window).acquire_owned()).await {
            Some(Ok(slot)) => slot,
            _ => return,
        };
        while let Some(joined) = tasks.set.try_join_next_with_id() {
            tasks.joined(joined, tx);
        }
        let context = Arc::clone(&context);
        let task_tx = tx.clone();
        let task_url = url.clone();
        let handle = tasks.set.spawn(async move {
            let result = fetch_one(&context, &task_url).await;
            let _ = task_tx.send(Done {
                index,
                url: task_url,
                result,
                _slot: Some(slot),
            });
        });
        tasks.urls.insert(handle.id(), (index, url));
    }
    until_cancelled(cancel, async {
        while let Some(joined) = tasks.set.join_next_with_id().await {
            tasks.joined(joined, tx);
        }
    })
    .await;
}

/// The tasks in flight, with the URL each one fetches so that a task that panics still gives
/// its URL a result: a named failure, and the iterator moves on.
struct Tasks {
    set: JoinSet<()>,
    urls: HashMap<tokio::task::Id, (usize, String)>,
}

impl Tasks {
    fn joined(
        &mut self,
        joined: Result<(tokio::task::Id, ()), JoinError>,
        tx: &mpsc::Sender<Done>,
    ) {
        let id = match &joined {
            Ok((id, ())) => *id,
            Err(e) => e.id(),
        };
        let Some((index, url)) = self.urls.remove(&id) else {
            return;
        };
        if joined.is_err() {
            let error = FetchError {
                url: url.clone(),
                kind: FetchErrorKind::Http("internal error: the fetch of this URL panicked".into()),
                attempts: 0,
                exchanges: Vec::new(),
            };
            let _ = tx.send(Done {
                index,
                url,
                result: Err(error),
                _slot: None,
            });
        }
    }
}

/// `future`'s output, or `None` as soon as `cancel` is notified.
async fn until_cancelled<F: Future>(cancel: &Notify, future: F) -> Option<F::Output> {
    let mut notified = pin!(cancel.notified());
    let mut future = pin!(future);
    std::future::poll_fn(|cx| {
        if notified.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        future.as_mut().poll(cx).map(Some)
    })
    .await
}

/// A failed request: why, whether trying again may help, and how long the server asked us to
/// wait first.
struct Failure {
    kind: FetchErrorKind,
    retry: bool,
    retry_after: Option<Duration>,
    /// The response that failed, when a server answered (an error status).
    exchange: Option<Box<Exchange>>,
}

impl Failure {
    fn fatal(kind: FetchErrorKind) -> Self {
        Self {
            kind,
            retry: false,
            retry_after: None,
            exchange: None,
        }
    }

    fn transient(kind: FetchErrorKind) -> Self {
        Self {
            kind,
            retry: true,
            retry_after: None,
            exchange: None,
        }
    }
}

/// A successful request: a redirect to follow, or the page.
enum Hop {
    Redirect(Exchange, Url),
    Page(Page),
}

/// The final response, its body not yet decoded.
struct Page {
    exchange: Exchange,
    content_type: Option<String>,
    charset: Option<String>,
}

/// One URL: redirects followed and recorded, each hop with its retries.
async fn fetch_one(context: &Context, requested: &str) -> Result<Fetched, FetchError> {
    let error = |kind, attempts, exchanges| FetchError {
        url: requested.to_owned(),
        kind,
        attempts,
        exchanges,
    };
    let mut url = parse_url(requested)
        .map_err(|why| error(FetchErrorKind::InvalidUrl(why), 0, Vec::new()))?;
    let mut hops: Vec<Exchange> = Vec::new();
    loop {
        let redirected = !hops.is_empty();
        let (hop, attempts) = with_retries(context, &url, redirected).await;
        let hop = match hop {
            Ok(hop) => hop,
            Err(failure) => {
                hops.extend(failure.exchange.map(|e| *e));
                return Err(error(failure.kind, attempts, hops));
            }
        };
        match hop {
            Hop::Redirect(exchange, next) => {
                hops.push(exchange);
                if hops.len() > context.opts.max_redirects {
                    let kind = FetchErrorKind::TooManyRedirects(context.opts.max_redirects);
                    return Err(error(kind, attempts, hops));
                }
                url = next;
            }
            Hop::Page(page) => {
                return finish(context, requested, hops, page)
                    .map_err(|(kind, hops)| error(kind, attempts, hops));
            }
        }
    }
}

/// The page with its content encoding undone.
fn finish(
    context: &Context,
    requested: &str,
    hops: Vec<Exchange>,
    page: Page,
) -> Result<Fetched, (FetchErrorKind, Vec<Exchange>)> {
    let Page {
        exchange,
        content_type,
        charset,
    } = page;
    let codings = exchange
        .headers
        .iter()
        .filter(|(name, _)| name == "content-encoding")
        .flat_map(|(_, value)| encoding::codings(value))
        .collect::<Vec<_>>();
    let (body, encoded_body) = if codings.is_empty() {
        (exchange.body, None)
    } else {
        let decoded = encoding::decode(&exchange.body, &codings, context.opts.max_size);
        let decoded = decoded.map_err(|e| {
            let kind = match e {
                DecodeError::TooLarge => FetchErrorKind::TooLarge {
                    limit: context.opts.max_size,
                    decoded: true,
                },
                DecodeError::Unknown(coding) => {
                    FetchErrorKind::Encoding(format!("unknown content encoding {coding}"))
                }
                DecodeError::Corrupt(why) => FetchErrorKind::Encoding(why),
            };
            (kind, hops.clone())
        })?;
        (decoded, Some(exchange.body))
    };
    Ok(Fetched {
        requested: requested.to_owned(),
        final_url: exchange.url,
        redirects: hops.iter().map(|hop| hop.url.clone()).collect(),
        hops,
        status: exchange.status,
        http_version: exchange.http_version,
        content_type,
        charset,
        headers: exchange.headers,
        body,
        encoded_body,
        fetched_at: exchange.fetched_at,
        request_headers: exchange.request_headers,
        remote_addr: exchange.remote_addr,
    })
}

/// One hop, tried again after transient failures; returns how many attempts it took.
async fn with_retries(
    context: &Context,
    url: &Url,
    redirected: bool,
) -> (Result<Hop, Failure>, u32) {
    let opts = &context.opts;
    let host = url.host_str().unwrap_or_default();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let Some(pass) = context.gates.enter(host).await else {
            let kind = FetchErrorKind::Http("the fetcher was shut down".into());
            return (Err(Failure::fatal(kind)), attempts);
        };
        let outcome = if opts.timeout.is_zero() {
            request(context, url, redirected).await
        } else {
            tokio::time::timeout(opts.timeout, request(context, url, redirected))
                .await
                .unwrap_or_else(|_| Err(Failure::transient(FetchErrorKind::Timeout(opts.timeout))))
        };
        drop(pass);
        match outcome {
            Ok(hop) => return (Ok(hop), attempts),
            Err(failure) if !failure.retry || attempts > opts.retries => {
                return (Err(failure), attempts);
            }
            Err(failure) => {
                let backoff = opts.backoff.saturating_mul(1u32 << (attempts - 1).min(16));
                let wait = failure
                    .retry_after
                    .unwrap_or(backoff)
                    .min(opts.max_retry_after);
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// One request: sent, its response checked, its body read within the cap.
async fn request(context: &Context, url: &Url, redirected: bool) -> Result<Hop, Failure> {
    let opts = &context.opts;
    let started = tokio::time::Instant::now();
    let fetched_at = Utc::now();
    let request_headers = request_headers(url, &opts.user_agent);
    let mut builder = context.client.get(url.clone());
    for (name, value) in request_headers.iter().skip(1) {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let mut response = builder.send().await.map_err(|e| classify(&e, opts))?;
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let mut exchange = Exchange {
        url: url.to_string(),
        status,
        http_version: format!("{:?}", response.version()),
        headers: Vec::new(),
        body: Vec::new(),
        body_truncated: None,
        fetched_at,
        request_headers,
        remote_addr: response.remote_addr().map(|a| a.to_string()),
    };
    let status_failure = |retry, exchange| Failure {
        kind: FetchErrorKind::Status {
            code: status,
            url: redirected.then(|| url.to_string()),
        },
        retry,
        retry_after: retry
            .then(|| header("retry-after").and_then(|v| retry_after(v, Utc::now())))
            .flatten(),
        exchange: Some(Box::new(exchange)),
    };
    if matches!(status, 301 | 302 | 303 | 307 | 308) {
        let Some(location) = header("location") else {
            let why = format!("HTTP {status} without a Location header");
            return Err(Failure::fatal(FetchErrorKind::BadRedirect(why)));
        };
        let next = url
            .join(location.trim())
            .map_err(|e| format!("Location {location:?}: {e}"))
            .and_then(|next| {
                check_scheme(next).map_err(|why| format!("Location {location:?}: {why}"))
            })
            .map_err(|why| Failure::fatal(FetchErrorKind::BadRedirect(why)))?;
        let (body, truncated) = read_evidence(&mut response, started, opts.timeout).await;
        exchange.headers = headers;
        exchange.body = body;
        exchange.body_truncated = truncated;
        return Ok(Hop::Redirect(exchange, next));
    }
    let retryable = status == 429 || (500..600).contains(&status) && !matches!(status, 501 | 505);
    if retryable || !(200..300).contains(&status) {
        // The answer is evidence too (a page gone, a server down): its start is kept with the
        // failure, for a WARC of what was fetched.
        let (body, truncated) = read_evidence(&mut response, started, opts.timeout).await;
        exchange.headers = headers.clone();
        exchange.body = body;
        exchange.body_truncated = truncated;
        return Err(status_failure(retryable, exchange));
    }
    let (content_type, charset) = match header("content-type") {
        Some(value) => split_content_type(value),
        None => (None, None),
    };
    if let Some(essence) = &content_type
        && !is_text(essence)
    {
        return Err(Failure::fatal(FetchErrorKind::NotText(essence.clone())));
    }
    let too_large = || {
        Failure::fatal(FetchErrorKind::TooLarge {
            limit: opts.max_size,
            decoded: false,
        })
    };
    if response.content_length().is_some_and(|n| n > opts.max_size) {
        return Err(too_large());
    }
    let (body, over) = read_body(&mut response, opts.max_size)
        .await
        .map_err(|e| classify(&e, opts))?;
    if over {
        return Err(too_large());
    }
    exchange.headers = headers;
    exchange.body = body;
    Ok(Hop::Page(Page {
        exchange,
        content_type,
        charset,
    }))
}

/// How long the body of a redirect or an error answer is waited for: it is kept as evidence,
/// never needed, so a body that stalls costs at most this, and the answer's status stands.
const EVIDENCE_WAIT: Duration = Duration::from_secs(2);

/// The body of a redirect or an error answer, at most [`HOP_BODY_CAP`] of it, read until
/// [`EVIDENCE_WAIT`] has passed or the request's own `timeout` (from `started`) is near; and
/// why it was cut, in the WARC standard's words (`WARC-Truncated`): `length` at the cap, `time`
/// by the wait, `disconnect` by an error.
async fn read_evidence(
    response: &mut reqwest::Response,
    started: tokio::time::Instant,
    timeout: Duration,
) -> (Vec<u8>, Option<String>) {
    let mut deadline = tokio::time::Instant::now() + EVIDENCE_WAIT;
    if !timeout.is_zero() {
        // Leave the request's timeout a moment to report the status rather than a timeout.
        let margin = (timeout / 10).min(Duration::from_millis(200));
        deadline = deadline.min(started + timeout.saturating_sub(margin));
    }
    let mut body = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                let room = usize::try_from(HOP_BODY_CAP.saturating_sub(body.len() as u64))
                    .unwrap_or(usize::MAX);
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    return (body, Some("length".into()));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Ok(None)) => return (body, None),
            Ok(Err(_)) => return (body, Some("disconnect".into())),
            Err(_) => return (body, Some("time".into())),
        }
    }
}

/// Reads the body as it streams, stopping once it passes `cap`: the bytes up to the cap, and
/// whether there were more.
async fn read_body(response: &mut reqwest::Response, cap: u64) -> reqwest::Result<(Vec<u8>, bool)> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = usize::try_from(cap.saturating_sub(body.len() as u64)).unwrap_or(usize::MAX);
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// The headers sent with every request, `host` first as it goes on the wire.
fn request_headers(url: &Url, user_agent: &str) -> Vec<(String, String)> {
    let host = url.host_str().unwrap_or_default();
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    [
        ("host", host.as_str()),
        ("user-agent", user_agent),
        ("accept", ACCEPT),
        ("accept-encoding", ACCEPT_ENCODING),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}

fn parse_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| e.to_string())?;
    check_scheme(url)
}

fn check_scheme(url: Url) -> Result<Url, String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{} URLs are not fetched (only http and https)",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("no host".into());
    }
    Ok(url)
}

/// HTML, XHTML and every `text/*` type.
fn is_text(essence: &str) -> bool {
    essence.starts_with("text/") || essence == "application/xhtml+xml"
}

/// The media type (lower-cased, without parameters) and the `charset` parameter as sent.
fn split_content_type(value: &str) -> (Option<String>, Option<String>) {
    let mut parts = value.split(';');
    let essence = parts
        .next()
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty());
    let charset = parts
        .filter_map(|part| part.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, value)| value.trim().trim_matches('"').trim().to_owned())
        .filter(|c| !c.is_empty());
    (essence, charset)
}

/// The wait a `Retry-After` value asks for: delay-seconds, or an HTTP date (IMF-fixdate, or
/// the obsolete RFC 850 and asctime forms) counted from `now`; a date in the past means now.
fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(value, "%A, %d-%b-%y %H:%M:%S GMT").map(|d| d.and_utc())
        })
        .or_else(|_| {
            NaiveDateTime::parse_from_str(value, "%a %b %e %H:%M:%S %Y").map(|d| d.and_utc())
        })
        .ok()?;
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

/// Names a transport failure, and says whether trying again may help (timeouts and
/// interrupted transfers may; a refused connection or an unknown host will not change).
fn classify(error: &reqwest::Error, opts: &FetchOptions) -> Failure {
    let mut messages = Vec::new();
    let mut refused = false;
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            refused = true;
        }
        messages.push(e.to_string());
        source = e.source();
    }
    let innermost = messages.last().cloned().unwrap_or_default();
    if error.is_timeout() {
        return Failure::transient(if error.is_connect() {
            FetchErrorKind::ConnectTimeout(opts.connect_timeout)
        } else {
            FetchErrorKind::Timeout(opts.timeout)
        });
    }
    if error.is_connect() {
        return Failure::fatal(if refused {
            FetchErrorKind::Refused
        } else if messages.iter().any(|m| m.starts_with("dns error")) {
            FetchErrorKind::Dns(innermost)
        } else {
            FetchErrorKind::Connect(innermost)
        });
    }
    if error.is_builder() {
        return Failure::fatal(FetchErrorKind::Http(messages.join(": ")));
    }
    // The connection closed or broke while the request was sent or the body read.
    Failure::transient(FetchErrorKind::Http(innermost))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_takes_seconds_and_all_three_http_date_forms() {
        let now = Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 30).unwrap();
        assert_eq!(retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        let seven = Some(Duration::from_secs(7));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), seven);
        assert_eq!(retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), seven);
        assert_eq!(retry_after("Sun Nov  6 08:49:37 1994", now), seven);
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn content_type_keeps_the_charset_as_sent() {
        assert_eq!(
            split_content_type("Text/HTML; Charset=\"Windows-1251\""),
            (Some("text/html".into()), Some("Windows-1251".into()))
        );
        assert_eq!(
            split_content_type("text/plain"),
            (Some("text/plain".into()), None)
        );
        assert_eq!(split_content_type(""), (None, None));
        assert!(is_text("text/html") && is_text("application/xhtml+xml") && !is_text("image/png"));
    }

    #[test]
    fn only_http_urls_with_a_host_are_fetched() {
        assert!(parse_url("https://example.org/a").is_ok());
        assert!(
            parse_url("ftp://example.org/a")
                .unwrap_err()
                .contains("only http and https")
        );
        assert!(parse_url("not a url").is_err());
        assert!(parse_url("http://").is_err());
        assert!(parse_url("data:text/html,x").is_err());
    }

    #[test]
    fn the_host_header_carries_a_port_only_when_it_is_not_the_default() {
        let url = Url::parse("http://127.0.0.1:8080/x").unwrap();
        assert_eq!(request_headers(&url, "ua")[0].1, "127.0.0.1:8080");
        let url = Url::parse("https://example.org:443/x").unwrap();
        assert_eq!(request_headers(&url, "ua")[0].1, "example.org");
    }
}
