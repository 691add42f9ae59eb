//! The HTTP message inside a WARC `response` record: the status line and headers, then the
//! body with its transfer coding (chunked) and content codings (`gzip`, `deflate`, `br`)
//! undone, under the input size cap.

use std::io::Read;

/// The head of an HTTP response: status and headers, and where the body starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Head {
    /// The status code.
    pub status: u16,
    /// The headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The offset of the body in the message.
    pub body_start: usize,
}

impl Head {
    /// The first header named `name` (any case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The most bytes an HTTP head may take; a longer one is not an HTTP response.
const HEAD_CAP: usize = 256 * 1024;

/// Reads the status line and headers of `msg`. `None` when it does not start like an HTTP
/// response or its head does not end within [`HEAD_CAP`]. Lines may end in CRLF or LF, and
/// folded header lines are joined, as lenient readers of crawls do.
pub(crate) fn head(msg: &[u8]) -> Option<Head> {
    if !msg.starts_with(b"HTTP/") {
        return None;
    }
    let window = &msg[..msg.len().min(HEAD_CAP)];
    let (head_len, body_start) = head_end(window)?;
    let text = String::from_utf8_lossy(&window[..head_len]);
    let mut lines = text.lines();
    let status_line = lines.next()?;
    let status = status_line
        .split_ascii_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = headers.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    Some(Head {
        status,
        headers,
        body_start,
    })
}

/// The length of the head (without the blank line) and where the body starts.
fn head_end(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'\n', &b[i..]) {
        let nl = i + n;
        let next = nl + 1;
        if b[next..].starts_with(b"\r\n") {
            return Some((nl, next + 2));
        }
        if b[next..].starts_with(b"\n") {
            return Some((nl, next + 1));
        }
        i = next;
    }
    None
}

/// The media type of a `Content-Type` value, lower-cased, without parameters.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a `Content-Type` value.
pub(crate) fn charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    })
}

/// Whether a media type is a page embedvault reads: HTML, XHTML, any text, or none given.
pub(crate) fn is_text(media: &str) -> bool {
    media.is_empty()
        || media.starts_with("text/")
        || media == "application/xhtml+xml"
        || media == "application/xml"
        || media == "application/json"
        || media.ends_with("+json")
        || media.ends_with("+xml") && (media.contains("rss") || media.contains("atom"))
}

/// Why a body could not be decoded.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The chunked coding or a content coding is corrupt or truncated.
    Corrupt(String),
    /// The decoded body passed the cap (the size reached).
    TooLarge(u64),
}

/// The body of a response as the server meant it: chunked transfer coding undone, then each
/// content coding in reverse order of application. An unknown coding (`compress`, `zstd`) is
/// an error: the bytes would not be the page.
pub(crate) fn body(head: &Head, msg: &[u8], cap: u64) -> Result<Vec<u8>, BodyError> {
    let raw = &msg[head.body_start.min(msg.len())..];
    let chunked = head
        .get("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let mut bytes = if chunked {
        dechunk(raw, cap)?
    } else {
        raw.to_vec()
    };
    let codings: Vec<String> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-encoding"))
        .flat_map(|(_, v)| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    for coding in codings.iter().rev() {
        bytes = decode(coding, &bytes, cap)?;
    }
    Ok(bytes)
}

/// [`body`] taking the message: a body without transfer or content coding is the message's
/// own allocation with the head cut off, not a copy.
pub(crate) fn into_body(head: &Head, mut msg: Vec<u8>, cap: u64) -> Result<Vec<u8>, BodyError> {
    let coded = head.headers.iter().any(|(n, v)| {
        (n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked"))
            || (n.eq_ignore_ascii_case("content-encoding")
                && v.split(',').any(|c| {
                    let c = c.trim();
                    !c.is_empty() && !c.eq_ignore_ascii_case("identity")
                }))
    });
    if coded {
        return body(head, &msg, cap);
    }
    msg.drain(..head.body_start.min(msg.len()));
    Ok(msg)
}

/// Undoes one content coding under `cap`.
fn decode(coding: &str, bytes: &[u8], cap: u64) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    let read = |r: &mut dyn Read, out: &mut Vec<u8>| -> Result<(), BodyError> {
        r.take(cap.saturating_add(1))
            .read_to_end(out)
            .map_err(|e| BodyError::Corrupt(format!("its {coding} content coding: {e}")))?;
        if out.len() as u64 > cap {
            return Err(BodyError::TooLarge(out.len() as u64));
        }
        Ok(())
    };
    match coding {
        "gzip" | "x-gzip" => read(&mut flate2::bufread::MultiGzDecoder::new(bytes), &mut out)?,
        "deflate" => {
            // Servers send zlib-wrapped data as the standard says, or raw deflate as some do.
            if read(&mut flate2::bufread::ZlibDecoder::new(bytes), &mut out).is_err() {
                out.clear();
                read(&mut flate2::bufread::DeflateDecoder::new(bytes), &mut out)?;
            }
        }
        "br" => read(
            &mut brotli_decompressor::Decompressor::new(bytes, 64 * 1024),
            &mut out,
        )?,
        other => {
            return Err(BodyError::Corrupt(format!(
                "its content coding {other:?} is not one embedvault reads (gzip, deflate, br)"
            )));
        }
    }
    Ok(out)
}

/// Undoes the chunked transfer coding. A body that ends before its last chunk is corrupt.
fn dechunk(mut b: &[u8], cap: u64) -> Result<Vec<u8>, BodyError> {
    let corrupt = |why: &str| BodyError::Corrupt(format!("its chunked body {why}"));
    let mut out = Vec::with_capacity(b.len());
    loop {
        let nl = memchr::memchr(b'\n', b).ok_or_else(|| corrupt("ends inside a chunk size"))?;
        let line = String::from_utf8_lossy(&b[..nl]);
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| corrupt(&format!("has a bad chunk size {size_text:?}")))?;
        b = &b[nl + 1..];
        if size == 0 {
            return Ok(out);
        }
        if size > b.len() {
            return Err(corrupt("ends inside a chunk (truncated)"));
        }
        out.extend_from_slice(&b[..size]);
        if out.len() as u64 > cap {
            return Err(BodyError::TooLarge(out.len() as u64));
        }
        b = &b[size..];
        b = b
            .strip_prefix(b"\r\n")
            .or_else(|| b.strip_prefix(b"\n"))
            .unwrap_or(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_chunked_and_codings_are_undone() {
        let msg = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"windows-1251\"\r\nTransfer-Encoding: chunked\r\nX-Long: a\r\n b\r\n\r\n4\r\n<p>a\r\n3;ext=1\r\nbc<\r\n3\r\n/p>\r\n0\r\n\r\n";
        let h = head(msg).unwrap();
        assert_eq!(h.status, 200);
        assert_eq!(h.get("x-long"), Some("a b"));
        let ct = h.get("content-type").unwrap();
        assert_eq!(media_type(ct), "text/html");
        assert_eq!(charset(ct).as_deref(), Some("windows-1251"));
        assert_eq!(body(&h, msg, 1000).unwrap(), b"<p>abc</p>");
        assert!(matches!(body(&h, msg, 3), Err(BodyError::TooLarge(_))));
        let cut = &msg[..msg.len() - 12];
        assert!(matches!(body(&h, cut, 1000), Err(BodyError::Corrupt(_))));

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, b"<p>zipped</p>").unwrap();
        let mut msg = b"HTTP/1.0 200 OK\nContent-Encoding: gzip\n\n".to_vec();
        msg.extend(gz.finish().unwrap());
        let h = head(&msg).unwrap();
        assert_eq!(body(&h, &msg, 1000).unwrap(), b"<p>zipped</p>");
        assert_eq!(into_body(&h, msg, 1000).unwrap(), b"<p>zipped</p>");
        let plain = b"HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n\r\n<p>as is</p>".to_vec();
        let h = head(&plain).unwrap();
        assert_eq!(into_body(&h, plain, 1000).unwrap(), b"<p>as is</p>");
        assert!(head(b"<html>").is_none());
        assert!(head(b"HTTP/1.1 200 OK\r\nno end").is_none());
    }
}
