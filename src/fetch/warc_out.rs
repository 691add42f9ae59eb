//! Writing fetched pages as a WARC/1.1 file, the format web archivists keep crawls in.
//!
//! The file opens with a `warcinfo` record. Each [`Fetched`] page then gives, for every redirect
//! on its way and for the page itself, a `request` record (the request line and headers sent)
//! and a `response` record (the status line, the headers received and the body), linked both
//! ways by `WARC-Concurrent-To`. Every record is its own gzip member, as the standard
//! recommends, so a reader can seek to any record's offset.
//!
//! The body is stored **as received**: still in its content encoding (`gzip`, `br`…) with the
//! `Content-Encoding` header kept, as crawlers store it and as WARC readers expect (they undo
//! the encoding themselves). Only the transfer framing is normalised: the body is stored
//! de-chunked, so `Transfer-Encoding` is left out and `Content-Length` gives the stored
//! body's exact length. Header names are lower-cased, as the HTTP client reports them.
//!
//! Each record carries `WARC-Record-ID` (`<urn:uuid:…>`), `WARC-Date` (when the request was
//! sent), `WARC-Target-URI`, `WARC-Block-Digest` and, for responses, `WARC-Payload-Digest`
//! (SHA-1 in base 32, the form archivists use), `WARC-IP-Address` when known, and an exact
//! `Content-Length`. The body of a redirect or an error answer is kept up to 64 KiB and waited
//! for briefly; one cut short carries `WARC-Truncated` (`length`, `time` or `disconnect`), as the
//! standard asks.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha1::{Digest, Sha1};

use super::{Exchange, Fetched, default_user_agent};

/// Writes fetched pages to a WARC file, one gzip member per record.
///
/// ```no_run
/// use embedvault::fetch::{FetchOptions, WarcWriter, fetch_all};
///
/// let mut warc = WarcWriter::create("pages.warc.gz".as_ref())?;
/// for (_, result) in fetch_all(vec!["https://example.org/".into()], &FetchOptions::default()) {
///     if let Ok(page) = result {
///         warc.write(&page)?;
///     }
/// }
/// warc.finish()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct WarcWriter<W: Write> {
    out: W,
    warcinfo_id: String,
}

impl WarcWriter<BufWriter<File>> {
    /// Creates (or truncates) the file at `path` and writes its `warcinfo` record.
    pub fn create(path: &Path) -> io::Result<Self> {
        let file = BufWriter::new(File::create(path)?);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::new(file, &name)
    }
}

impl<W: Write> WarcWriter<W> {
    /// Starts a WARC on `out` with its `warcinfo` record, naming the file `filename`.
    pub fn new(out: W, filename: &str) -> io::Result<Self> {
        let mut writer = Self {
            out,
            warcinfo_id: record_id(),
        };
        let block = format!(
            "software: {}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
            default_user_agent()
        );
        let mut headers = vec![
            ("WARC-Type", "warcinfo".to_owned()),
            ("WARC-Record-ID", writer.warcinfo_id.clone()),
            ("WARC-Date", warc_date(Utc::now())),
        ];
        if !filename.is_empty() {
            headers.push(("WARC-Filename", one_line(filename)));
        }
        headers.push(("Content-Type", "application/warc-fields".to_owned()));
        writer.record(&headers, block.as_bytes())?;
        Ok(writer)
    }

    /// Writes a page: a request and a response record for each redirect, then for the page.
    pub fn write(&mut self, page: &Fetched) -> io::Result<()> {
        for hop in &page.hops {
            self.exchange(&View::hop(hop))?;
        }
        self.exchange(&View::page(page))
    }

    /// Writes what a failed fetch exchanged (see [`super::FetchError::exchanges`]): a request
    /// and a response record for each redirect followed and for the error answer that ended it.
    /// Nothing more is written for a failure without an error status (no answer, a type that is
    /// not read, a body over the cap): its redirects only.
    pub fn write_failed(&mut self, failure: &super::FetchError) -> io::Result<()> {
        for hop in &failure.exchanges {
            self.exchange(&View::hop(hop))?;
        }
        Ok(())
    }

    /// Flushes the output and hands it back.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    fn exchange(&mut self, view: &View<'_>) -> io::Result<()> {
        let request_id = record_id();
        let response_id = record_id();
        let date = warc_date(view.fetched_at);

        let mut request = format!("GET {} HTTP/1.1\r\n", request_target(view.url));
        for (name, value) in view.request_headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut headers = vec![
            ("WARC-Type", "request".to_owned()),
            ("WARC-Record-ID", request_id.clone()),
            ("WARC-Date", date.clone()),
            ("WARC-Target-URI", one_line(view.url)),
            ("WARC-Concurrent-To", response_id.clone()),
            ("WARC-Warcinfo-ID", self.warcinfo_id.clone()),
        ];
        if let Some(ip) = view.ip() {
            headers.push(("WARC-IP-Address", ip));
        }
        headers.push((
            "Content-Type",
            "application/http; msgtype=request".to_owned(),
        ));
        self.record(&headers, request.as_bytes())?;

        let reason = reqwest::StatusCode::from_u16(view.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut head = format!("{} {} {reason}\r\n", view.http_version, view.status);
        for (name, value) in view.headers {
            if name.eq_ignore_ascii_case("transfer-encoding")
                || name.eq_ignore_ascii_case("content-length")
            {
                continue;
            }
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", view.payload.len()));
        let mut block = head.into_bytes();
        block.extend_from_slice(view.payload);
        let mut headers = vec![
            ("WARC-Type", "response".to_owned()),
            ("WARC-Record-ID", response_id),
            ("WARC-Date", date),
            ("WARC-Target-URI", one_line(view.url)),
            ("WARC-Concurrent-To", request_id),
            ("WARC-Warcinfo-ID", self.warcinfo_id.clone()),
        ];
        if let Some(ip) = view.ip() {
            headers.push(("WARC-IP-Address", ip));
        }
        headers.push(("WARC-Payload-Digest", sha1_base32(view.payload)));
        if let Some(why) = view.truncated {
            headers.push(("WARC-Truncated", one_line(why)));
        }
        headers.push((
            "Content-Type",
            "application/http; msgtype=response".to_owned(),
        ));
        self.record(&headers, &block)
    }

    /// One record as its own gzip member; adds the block digest and `Content-Length`.
    fn record(&mut self, headers: &[(&str, String)], block: &[u8]) -> io::Result<()> {
        let mut head = String::from("WARC/1.1\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("WARC-Block-Digest: {}\r\n", sha1_base32(block)));
        head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
        let mut gz = GzEncoder::new(&mut self.out, Compression::default());
        gz.write_all(head.as_bytes())?;
        gz.write_all(block)?;
        gz.write_all(b"\r\n\r\n")?;
        gz.finish()?;
        Ok(())
    }
}

/// What one request/response pair records, from a redirect or the page.
struct View<'a> {
    url: &'a str,
    status: u16,
    http_version: &'a str,
    headers: &'a [(String, String)],
    payload: &'a [u8],
    fetched_at: DateTime<Utc>,
    request_headers: &'a [(String, String)],
    remote_addr: Option<&'a str>,
    /// Why the payload is cut (`WARC-Truncated`), if it is.
    truncated: Option<&'a str>,
}

impl<'a> View<'a> {
    fn hop(hop: &'a Exchange) -> Self {
        Self {
            url: &hop.url,
            status: hop.status,
            http_version: &hop.http_version,
            headers: &hop.headers,
            payload: &hop.body,
            fetched_at: hop.fetched_at,
            request_headers: &hop.request_headers,
            remote_addr: hop.remote_addr.as_deref(),
            truncated: hop.body_truncated.as_deref(),
        }
    }

    fn page(page: &'a Fetched) -> Self {
        Self {
            url: &page.final_url,
            status: page.status,
            http_version: &page.http_version,
            headers: &page.headers,
            payload: page.raw_body(),
            fetched_at: page.fetched_at,
            request_headers: &page.request_headers,
            remote_addr: page.remote_addr.as_deref(),
            truncated: None,
        }
    }

    /// The server's IP address without its port.
    fn ip(&self) -> Option<String> {
        let addr: std::net::SocketAddr = self.remote_addr?.parse().ok()?;
        Some(addr.ip().to_string())
    }
}

/// The path and query of `url`, as the request line carries them.
fn request_target(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => url[url::Position::BeforePath..url::Position::AfterQuery].to_owned(),
        Err(_) => "/".to_owned(),
    }
}

fn record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

fn warc_date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A header value kept on one line (control characters dropped).
fn one_line(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// `sha1:` and the SHA-1 of `data` in RFC 4648 base 32 (32 characters, no padding needed).
fn sha1_base32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha1::digest(data);
    let mut out = String::from("sha1:");
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in digest.iter() {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_base32_matches_known_digests() {
        // The SHA-1 of the empty string, as WARC files from other tools record it.
        assert_eq!(sha1_base32(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
        assert_eq!(sha1_base32(b"abc"), "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    }

    #[test]
    fn the_request_line_carries_path_and_query() {
        assert_eq!(request_target("http://h:1/a/b?c=d#frag"), "/a/b?c=d");
        assert_eq!(request_target("http://h"), "/");
    }
}
