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
/// Known binary signatures (PNG, JPEG, GIF, WebP and other RIFF, PDF, ZIP, gzip, bzip2, xz,
/// zstd, 7-Zip, RAR, ELF, Java class, WebAssembly, SQLite, Office, TIFF, MP4, Matroska, Ogg,
/// WOFF) always mean [`Sniff::Binary`]. NUL bytes in the first 8 KiB (unless the bytes are
/// UTF-16 by BOM or by NUL pattern) are weighed, not taken as proof: a stray NUL in a saved
/// page happens (a truncated download patched with zeros, a CMS bug), and dropping a whole
/// article for it loses its posts. Such bytes are read when the evidence says text (see
/// [`text_despite_nuls`]): markup or a telling extension and few control bytes, or, with
/// neither, hardly any NULs at all. Otherwise they are binary.
///
/// Then the extension decides when telling (`.html .htm .xhtml .shtml` → HTML, `.txt .json` →
/// text, `.md .markdown .mdx` → Markdown; a trailing compression suffix such as `.gz` is
/// ignored, since callers pass decompressed bytes under the original name). Without one, the
/// content decides: JSON (a first `{` or `[`) is text; a start (after BOM, whitespace and
/// comments) of `<!doctype html`, `<html`, `<head`, `<body`, or `<?xml` with "xhtml" nearby, or
/// an `<html`/`<body`/`<div`/`<p>` tag in the first KiB → HTML; a front matter block →
/// Markdown; otherwise mostly printable bytes → text; else binary.
pub fn sniff(bytes: &[u8], file_name: Option<&str>) -> Sniff {
    if is_binary_signature(bytes) {
        return Sniff::Binary;
    }
    let sample = bytes.get(..SNIFF_LIMIT).unwrap_or(bytes);
    let utf16 = match Encoding::for_bom(sample) {
        Some((enc, bom_len)) if enc != UTF_8 => Some((enc, bom_len)),
        _ => utf16_pattern(sample).map(|enc| (enc, 0)),
    };
    if utf16.is_none() && sample.contains(&0) && !text_despite_nuls(sample, file_name) {
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

/// Whether `bytes` start with the signature of a known binary format.
fn is_binary_signature(bytes: &[u8]) -> bool {
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
        b"\xFD7zXZ\0",
        b"\x28\xB5\x2F\xFD",
        b"7z\xBC\xAF\x27\x1C",
        b"Rar!\x1A\x07",
        b"\x7FELF",
        b"\xCA\xFE\xBA\xBE",
        b"\0asm",
        b"SQLite format 3\0",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        b"II*\0",
        b"MM\0*",
        b"\x1A\x45\xDF\xA3",
        b"OggS\0",
        b"wOFF",
        b"wOF2",
    ];
    // RIFF (WebP, WAV, AVI) and ISO media (MP4, MOV, HEIC) by their form type, so that text
    // starting with the word "RIFF" is not taken for one.
    let riff =
        bytes.starts_with(b"RIFF") && matches!(bytes.get(8..12), Some(b"WEBP" | b"WAVE" | b"AVI "));
    let iso_media = bytes.first() == Some(&0) && bytes.get(4..8) == Some(b"ftyp");
    // bzip2: `BZh`, a block size digit and the block magic.
    let bzip2 = bytes.starts_with(b"BZh")
        && bytes.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
        && bytes.get(4..10) == Some(b"1AY&SY");
    MAGIC.iter().any(|m| bytes.starts_with(m)) || riff || bzip2 || iso_media
}

/// Whether bytes with NULs (and not UTF-16) are still text, by the weight of the evidence:
///
/// - markup (an HTML start or tag, as [`looks_like_html`] finds, or tags making up a good part
///   of the sample) or an extension that names a text kind, and control bytes (NULs included)
///   no more than a page can hold: a tenth of valid UTF-8, a fiftieth of bytes in another
///   charset, as for NUL-free text;
/// - neither: hardly any NULs (one in a thousand bytes, at least one allowed) and the same
///   bound on control bytes.
///
/// Images, archives and executables fail both: their bytes are a tenth or more control bytes,
/// rarely valid UTF-8, and NULs come in runs.
fn text_despite_nuls(sample: &[u8], file_name: Option<&str>) -> bool {
    if !mostly_printable(sample) {
        return false;
    }
    let head = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample);
    let markup = looks_like_html(head) || tag_starts(sample) * 200 >= sample.len();
    let named = file_name.and_then(extension_kind).is_some();
    if markup || named {
        return true;
    }
    let nuls = memchr::memchr_iter(0, sample).count();
    nuls <= (sample.len() / 1000).max(1)
}

/// How many places in `s` start a tag: `<` and a letter, `/` or `!`.
fn tag_starts(s: &[u8]) -> usize {
    memchr::memchr_iter(b'<', s)
        .filter(|&i| {
            s.get(i + 1)
                .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'/' || c == b'!')
        })
        .count()
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

/// Few control bytes (NULs count as control bytes). Valid UTF-8 gets more slack than bytes in
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

    /// Pseudo-random bytes, as compressed or encrypted data look.
    fn noise(n: usize) -> Vec<u8> {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn a_stray_nul_does_not_make_a_page_binary() {
        let page = html("", GERMAN);
        let at = page.find("<body").expect("body");
        let with_nul = |n: usize| {
            let mut b = page.as_bytes().to_vec();
            b.splice(at..at, std::iter::repeat_n(0u8, n));
            b
        };
        // Markup and a few NULs: HTML, by name or by content.
        for n in [1, 3] {
            assert_eq!(sniff(&with_nul(n), None), Sniff::Html, "{n}");
            assert_eq!(sniff(&with_nul(n), Some("a.html")), Sniff::Html, "{n}");
            assert_eq!(sniff(&with_nul(n), Some("a.txt")), Sniff::Text, "{n}");
        }
        // In a legacy charset too.
        let mut legacy = encode(WINDOWS_1251, &html("", RUSSIAN));
        legacy.insert(40, 0);
        assert_eq!(sniff(&legacy, None), Sniff::Html);
        // Text named as such, or with hardly any NULs, is text; Markdown stays Markdown.
        let prose = format!("{RUSSIAN}\n{GERMAN}\n").repeat(4).into_bytes();
        let mut one = prose.clone();
        let line_end = one.iter().position(|&b| b == b'\n').expect("a line");
        one.insert(line_end, 0);
        assert_eq!(sniff(&one, None), Sniff::Text);
        assert_eq!(sniff(&one, Some("notes.md")), Sniff::Markdown);
        // Unnamed text without markup and with many NULs is binary; named, it is text.
        let text = String::from_utf8(prose).expect("utf-8");
        let many: Vec<u8> = text
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let nul = (i % 60 == 0).then_some('\0');
                nul.into_iter().chain([c])
            })
            .collect::<String>()
            .into_bytes();
        assert_eq!(sniff(&many, None), Sniff::Binary);
        assert_eq!(sniff(&many, Some("notes.txt")), Sniff::Text);
    }

    #[test]
    fn binaries_with_nuls_stay_binary_whatever_their_name() {
        let mut noisy = noise(8192);
        noisy[10] = 0;
        let mut page_of_zeros = b"<html><body><p>x</p>".to_vec();
        page_of_zeros.resize(4096, 0);
        let mut controls_and_tags = Vec::new();
        for _ in 0..200 {
            controls_and_tags.extend_from_slice(b"<p>\0\x01\x02\x03\x04\x05\x06</p>");
        }
        for bytes in [noisy, page_of_zeros, controls_and_tags] {
            for name in [None, Some("a.html"), Some("a.txt"), Some("a.md")] {
                assert_eq!(sniff(&bytes, name), Sniff::Binary, "{name:?}");
            }
        }
    }

    #[test]
    fn more_binary_signatures_and_words_that_look_like_them() {
        let magics: [&[u8]; 12] = [
            b"RIFF\x24\x08\0\0WEBPVP8 ",
            b"RIFF\x24\x08\0\0WAVEfmt ",
            b"\0\0\0\x18ftypmp42",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            b"BZh91AY&SY",
            b"\xFD7zXZ\0\0",
            b"\x28\xB5\x2F\xFD",
            b"7z\xBC\xAF\x27\x1C",
            b"Rar!\x1A\x07\x01\0",
            b"\0asm\x01\0\0\0",
            b"wOF2\0\x01\0\0",
            b"\x1A\x45\xDF\xA3",
        ];
        for m in magics {
            assert_eq!(sniff(m, Some("a.html")), Sniff::Binary, "{m:?}");
        }
        for words in [
            &b"RIFFs and licks: a guitar column"[..],
            b"BZh is not bzip2 without its block magic",
        ] {
            assert_eq!(sniff(words, None), Sniff::Text, "{words:?}");
        }
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
