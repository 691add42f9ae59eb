//! Content sniffing: is an input an HTML page, a text document, or a binary file that is not
//! an article at all?
//!
//! Discovery asks this of every input so that binary files (images, archives, databases that
//! happen to sit among saved pages) are skipped before decoding, and so that decoding knows
//! whether the `<meta>` charset prescan and the HTML detectors apply. The file name's extension
//! decides when it is telling; otherwise the first few KiB of content do. UTF-16 inputs are
//! recognised (by BOM or by their NUL pattern) so that their NUL bytes do not make them look
//! binary.

use encoding_rs::{Encoding, UTF_8};

use crate::decode::{DocKind, utf16_pattern};

/// How many leading bytes [`sniff`] examines for NULs and control bytes.
const SNIFF_LIMIT: usize = 8 * 1024;
/// How many leading bytes [`sniff`] searches for telling HTML tags.
const TAG_LIMIT: usize = 1024;

/// Result of sniffing raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sniff {
    /// Looks like HTML (or the file name says so).
    Html,
    /// Looks like text (or the file name says so).
    Text,
    /// Markdown or MDX source (by the file name, or a front matter block).
    Markdown,
    /// Not a text document: a known binary signature, NUL bytes, or many control bytes.
    Binary,
}

/// Sniffs bytes (and optionally the file name's extension) as HTML, text, Markdown or binary.
///
/// Known binary signatures (PNG, JPEG, GIF, PDF, ZIP, gzip, ELF, SQLite) and NUL bytes in the
/// first 8 KiB (unless the bytes are UTF-16 by BOM or by NUL pattern) always mean
/// [`Sniff::Binary`]. Otherwise the extension decides when telling (`.html .htm .xhtml .shtml` →
/// HTML, `.txt .json` → text, `.md .markdown .mdx` → Markdown; a trailing compression suffix
/// such as `.gz` is ignored, since callers pass decompressed bytes under the original name).
/// Without one, the content decides: JSON (a first `{` or `[`) is text; a start (after BOM,
/// whitespace and comments) of `<!doctype html`, `<html`, `<head`, `<body`, or `<?xml` with
/// "xhtml" nearby, or an `<html`/`<body`/`<div`/`<p>` tag in the first KiB → HTML; a front matter
/// block → Markdown; otherwise mostly printable bytes → text; else binary.
pub fn sniff(bytes: &[u8], file_name: Option<&str>) -> Sniff {
    const MAGIC: &[&[u8]] = &[
        b"\x89PNG\r\n\x1a\n",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"%PDF-",
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"PK\x07\x08",
        b"\x1F\x8B",
        b"\x7FELF",
        b"SQLite format 3\0",
    ];
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return Sniff::Binary;
    }
    let sample = bytes.get(..SNIFF_LIMIT).unwrap_or(bytes);
    let utf16 = match Encoding::for_bom(sample) {
        Some((enc, bom_len)) if enc != UTF_8 => Some((enc, bom_len)),
        _ => utf16_pattern(sample).map(|enc| (enc, 0)),
    };
    if utf16.is_none() && sample.contains(&0) {
        return Sniff::Binary;
    }
    match file_name.and_then(extension_kind) {
        Some(DocKind::Html) => return Sniff::Html,
        Some(DocKind::Text) => return Sniff::Text,
        Some(DocKind::Markdown) => return Sniff::Markdown,
        None => {}
    }
    if let Some((enc, bom_len)) = utf16 {
        // Look at the characters, not the interleaved bytes.
        let body = sample.get(bom_len..).unwrap_or(&[]);
        let body = body.get(..2 * TAG_LIMIT).unwrap_or(body);
        let (head, _) = enc.decode_without_bom_handling(body);
        return if looks_like_html(head.as_bytes()) {
            Sniff::Html
        } else {
            Sniff::Text
        };
    }
    let head = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample);
    if head.trim_ascii_start().starts_with(b"{") || head.trim_ascii_start().starts_with(b"[") {
        // JSON (a feed, an API response): text whose strings may hold markup, not a page.
        return if mostly_printable(sample) {
            Sniff::Text
        } else {
            Sniff::Binary
        };
    }
    if looks_like_html(head) {
        Sniff::Html
    } else if mostly_printable(sample) && has_front_matter(head) {
        Sniff::Markdown
    } else if mostly_printable(sample) {
        Sniff::Text
    } else {
        Sniff::Binary
    }
}

/// The file name's extension, if it tells the kind. A compression suffix is skipped first.
fn extension_kind(file_name: &str) -> Option<DocKind> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (stem, ext) = base.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    let ext = if matches!(ext.as_str(), "gz" | "gzip" | "bz2" | "xz" | "zst" | "br") {
        stem.rsplit_once('.')?.1.to_ascii_lowercase()
    } else {
        ext
    };
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "shtml" => Some(DocKind::Html),
        "txt" | "text" | "json" => Some(DocKind::Text),
        "md" | "markdown" | "mdx" | "mkd" => Some(DocKind::Markdown),
        _ => None,
    }
}

/// Whether the text opens with a static-site generator's front matter block (`---` … `---` of
/// YAML, or `+++` of TOML): the source of a Markdown page.
fn has_front_matter(head: &[u8]) -> bool {
    [&b"---"[..], b"+++"].iter().any(|fence| {
        head.strip_prefix(*fence)
            .and_then(|rest| rest.strip_prefix(b"\r").or(Some(rest)))
            .is_some_and(|rest| {
                rest.starts_with(b"\n")
                    && memchr::memmem::find(&rest[1..], &[b"\n", *fence].concat()).is_some()
            })
    })
}

/// Content test for HTML on the (BOM-less, ASCII-compatible) start of the document.
fn looks_like_html(head: &[u8]) -> bool {
    let head = head.get(..TAG_LIMIT).unwrap_or(head);
    let mut s = skip_space_and_comments(head);
    if starts_with_ci(s, b"<?xml") {
        if find_ci(head, b"xhtml").is_some() {
            return true;
        }
        s = match memchr::memmem::find(s, b"?>") {
            Some(end) => skip_space_and_comments(s.get(end + 2..).unwrap_or(&[])),
            None => &[],
        };
    }
    let starts: [&[u8]; 4] = [b"<!doctype html", b"<html", b"<head", b"<body"];
    if starts.iter().any(|p| starts_with_ci(s, p)) {
        return true;
    }
    has_html_tag(head)
}

/// Skips leading ASCII whitespace and `<!-- … -->` comments.
fn skip_space_and_comments(mut s: &[u8]) -> &[u8] {
    loop {
        s = s.trim_ascii_start();
        if !s.starts_with(b"<!--") {
            return s;
        }
        match s.get(4..).and_then(|r| memchr::memmem::find(r, b"-->")) {
            Some(i) => s = s.get(4 + i + 3..).unwrap_or(&[]),
            None => return &[],
        }
    }
}

/// An `<html`, `<body`, `<div` or `<p>` tag (or `<p attr=`) anywhere in `head`.
fn has_html_tag(head: &[u8]) -> bool {
    let ends_name =
        |b: Option<&u8>| b.is_none_or(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/');
    head.iter().enumerate().any(|(i, &b)| {
        if b != b'<' {
            return false;
        }
        let rest = head.get(i + 1..).unwrap_or(&[]);
        let named: [&[u8]; 3] = [b"html", b"body", b"div"];
        if named
            .iter()
            .any(|n| starts_with_ci(rest, n) && ends_name(rest.get(n.len())))
        {
            return true;
        }
        if !starts_with_ci(rest, b"p") {
            return false;
        }
        match rest.get(1) {
            Some(b'>') => true,
            Some(c) if c.is_ascii_whitespace() => {
                // `<p class=…>`: an attribute name followed by '='.
                let attrs = rest.get(2..).unwrap_or(&[]).trim_ascii_start();
                let name_len = attrs
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic() || **c == b'-')
                    .count();
                name_len > 0 && attrs.get(name_len) == Some(&b'=')
            }
            _ => false,
        }
    })
}

/// Few control bytes (NUL has been ruled out already). Valid UTF-8 gets more slack than bytes in
/// an unknown legacy charset.
fn mostly_printable(sample: &[u8]) -> bool {
    let controls = sample
        .iter()
        .filter(|&&b| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | 0x1B)) || b == 0x7F
        })
        .count();
    let utf8 = match std::str::from_utf8(sample) {
        Ok(_) => true,
        // Cut off by the sample limit mid-character.
        Err(e) => e.error_len().is_none(),
    };
    let allowed = if utf8 {
        sample.len() / 10
    } else {
        sample.len() / 50
    };
    controls <= allowed
}

/// Case-insensitive (ASCII) prefix test.
fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.get(..needle.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(needle))
}

/// First case-insensitive (ASCII) occurrence of `needle` in `hay`.
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    //! Binary signatures, extensions and content, including UTF-16 and XHTML, which a naive
    //! sniffer would get wrong. The samples are shared with the charset tests in `decode`.

    use super::*;
    use crate::decode::fixtures::{
        GERMAN, JAPANESE, POLISH, RUSSIAN, encode, garbage_documents, html,
    };
    use encoding_rs::{ISO_8859_2, SHIFT_JIS, WINDOWS_1251};

    #[test]
    fn sniff_by_extension_and_content() {
        let page = html("", "hi");
        assert_eq!(sniff(page.as_bytes(), None), Sniff::Html);
        assert_eq!(sniff(page.as_bytes(), Some("notes.TXT")), Sniff::Text);
        assert_eq!(sniff(b"just words", Some("dir.v2/page.HTM")), Sniff::Html);
        assert_eq!(sniff(b"just words", Some("page.html.gz")), Sniff::Html);
        assert_eq!(
            sniff(b"just words", Some("C:\\x\\a.markdown")),
            Sniff::Markdown
        );
        assert_eq!(sniff(b"just words", Some("post.mdx")), Sniff::Markdown);
        assert_eq!(sniff(b"---\ntitle: x\n---\n\nBody", None), Sniff::Markdown);
        assert_eq!(sniff(b"---\nnot front matter", None), Sniff::Text);
        assert_eq!(sniff(b"{\"items\": [\"<p>x</p>\"]}", None), Sniff::Text);
        assert_eq!(sniff(b"<p>x</p>", Some("feed.json")), Sniff::Text);
        assert_eq!(sniff(b"just words", None), Sniff::Text);
        assert_eq!(sniff(b"just words", Some("noext")), Sniff::Text);
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  <!-- saved -->\n<HTML>", None),
            Sniff::Html
        );
        assert_eq!(sniff(b"<!-- a --> <!-- b --><body>", None), Sniff::Html);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">", None), Sniff::Html);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><rss></rss>", None),
            Sniff::Text
        );
        assert_eq!(
            sniff(b"Intro text\n<div class=\"x\">embed</div>", None),
            Sniff::Html
        );
        assert_eq!(
            sniff(b"Intro text\n<p class=\"x\">embed</p>", None),
            Sniff::Html
        );
        assert_eq!(sniff(b"a <p> tag", None), Sniff::Html);
        assert_eq!(sniff(b"if a <pb or <divide", None), Sniff::Text);
        assert_eq!(sniff(&encode(WINDOWS_1251, RUSSIAN), None), Sniff::Text);
        assert_eq!(sniff(&encode(SHIFT_JIS, JAPANESE), None), Sniff::Text);
        assert_eq!(sniff(b"", None), Sniff::Text);
    }

    #[test]
    fn sniff_binary() {
        let magics: [&[u8]; 9] = [
            b"\x89PNG\r\n\x1a\n....",
            b"\xFF\xD8\xFF\xE0",
            b"GIF89a",
            b"%PDF-1.7",
            b"PK\x03\x04",
            b"\x1F\x8B\x08",
            b"\x7FELF\x02",
            b"SQLite format 3\0",
            b"<html>\0\0\x01\x02",
        ];
        for m in magics {
            assert_eq!(sniff(m, None), Sniff::Binary, "{m:?}");
            assert_eq!(sniff(m, Some("a.html")), Sniff::Binary, "{m:?}");
        }
        let controls: Vec<u8> = (0..200u8)
            .map(|i| if i % 3 == 0 { 0x01 } else { b'a' })
            .collect();
        assert_eq!(sniff(&controls, None), Sniff::Binary);
        assert_eq!(sniff(&controls, Some("a.txt")), Sniff::Text);
        // A UTF-16 BOM excuses NUL bytes.
        assert_eq!(sniff(b"\xFF\xFEh\0i\0", Some("a.txt")), Sniff::Text);
        assert_eq!(sniff(b"\xFF\xFE<\0p\0>\0", None), Sniff::Html);
    }

    #[test]
    fn sniff_utf16_without_bom() {
        // NULs in every other byte are UTF-16, not binary; the characters then decide.
        let text = html("", GERMAN);
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [le, be] {
            assert_eq!(sniff(&bytes, None), Sniff::Html);
            assert_eq!(sniff(&bytes, Some("a.txt")), Sniff::Text);
        }
    }

    #[test]
    fn sniff_xhtml_with_xml_declaration() {
        // An XHTML page starts with `<?xml`, not `<html`, and must still be HTML so that its
        // XML declaration is honoured when decoding.
        let src = format!(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>{POLISH}</p></body></html>"
        );
        let bytes = encode(ISO_8859_2, &src);
        assert_eq!(sniff(&bytes, None), Sniff::Html);
    }

    #[test]
    fn never_panics() {
        for b in 0..=255u8 {
            let _ = sniff(&[b], None);
            let _ = sniff(&[b], Some("x.html"));
        }
        for bytes in garbage_documents() {
            let _ = sniff(&bytes, None);
            let _ = sniff(&bytes, Some("a/b.c.md"));
        }
    }
}
