//! The charset a page declares in its first 1024 bytes: the HTML standard's "prescan a byte
//! stream to determine its encoding" (`<meta charset>` and
//! `<meta http-equiv="Content-Type" content="…charset=…">`), and, for XHTML pages that declare
//! their charset only the XML way, an XML declaration `<?xml … encoding="…"?>`.
//!
//! Browsers decide a saved page's charset by this prescan when there is no HTTP header, so it
//! is followed step by step here to read the same declaration a browser would: comments are
//! skipped, other tags' attributes are stepped over (a `<meta` inside an attribute value does
//! not count), attributes may come in any order and with any quoting, names and values are
//! case-insensitive, and running off the end aborts. Labels go through [`Encoding::for_label`]
//! and are then normalised as the standard says: a UTF-16 label means UTF-8, `x-user-defined`
//! means windows-1252, and labels of the "replacement" encoding are ignored.
//!
//! The caller cuts the input to the first 1024 bytes and decides, against the bytes, whether to
//! believe the declaration.

use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

/// Maps a declared encoding as the HTML standard does after the prescan; `None` for labels that
/// should be ignored.
fn normalize_declared(enc: &'static Encoding) -> Option<&'static Encoding> {
    if enc == UTF_16LE || enc == UTF_16BE {
        Some(UTF_8)
    } else if enc == X_USER_DEFINED {
        Some(WINDOWS_1252)
    } else if enc == REPLACEMENT {
        None
    } else {
        Some(enc)
    }
}

/// HTML whitespace as the prescan defines it.
fn is_space(b: u8) -> bool {
    matches!(b, 0x09 | 0x0A | 0x0C | 0x0D | 0x20)
}

/// The HTML standard's "prescan a byte stream to determine its encoding" over `head` (already
/// cut to 1024 bytes). Running off the end aborts with `None`, as the standard says.
pub(super) fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0usize;
    while let Some(rest) = head.get(pos..).filter(|r| !r.is_empty()) {
        if rest.starts_with(b"<!--") {
            // The closing "--" may overlap the opening one ("<!-->").
            let after_open = pos + 2;
            let close = memchr::memmem::find(head.get(after_open..)?, b"-->")?;
            pos = after_open + close + 3;
            continue;
        }
        if starts_with_ci(rest, b"<meta") && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            pos += 6;
            if let Some(enc) = meta_charset(head, &mut pos)? {
                return Some(enc);
            }
        } else if rest.first() == Some(&b'<')
            && (rest.get(1).is_some_and(u8::is_ascii_alphabetic)
                || (rest.get(1) == Some(&b'/') && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            pos += if rest.get(1) == Some(&b'/') { 2 } else { 1 };
            while !is_space(*head.get(pos)?) && head.get(pos) != Some(&b'>') {
                pos += 1;
            }
            loop {
                match get_attribute(head, &mut pos) {
                    Attr::Eof => return None,
                    Attr::End => break,
                    Attr::Pair(..) => {}
                }
            }
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            pos += 1 + rest.get(1..)?.iter().position(|&b| b == b'>')?;
        }
        pos += 1;
    }
    None
}

/// Processes the attributes of a `<meta>` whose name has been consumed. Outer `None`: ran off the
/// end (abort the prescan); inner `None`: this meta declares nothing usable.
fn meta_charset(head: &[u8], pos: &mut usize) -> Option<Option<&'static Encoding>> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    // None: null; Some(None): failure; Some(Some(e)): an encoding.
    let mut charset: Option<Option<&'static Encoding>> = None;
    loop {
        let (name, value) = match get_attribute(head, pos) {
            Attr::Eof => return None,
            Attr::End => break,
            Attr::Pair(name, value) => (name, value),
        };
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" => {
                if charset.is_none()
                    && let Some(enc) = charset_from_content(&value)
                {
                    charset = Some(Some(enc));
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Some(Encoding::for_label(&value));
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    let usable = match need_pragma {
        None => None,
        Some(true) if !got_pragma => None,
        Some(_) => charset.flatten().and_then(normalize_declared),
    };
    Some(usable)
}

/// One step of the prescan's "get an attribute".
enum Attr {
    /// An attribute (name and value lowercased).
    Pair(Vec<u8>, Vec<u8>),
    /// Reached `>`: no more attributes.
    End,
    /// Ran off the end of the prescanned bytes.
    Eof,
}

/// The HTML standard's "get an attribute" algorithm.
fn get_attribute(head: &[u8], pos: &mut usize) -> Attr {
    macro_rules! byte {
        () => {
            match head.get(*pos) {
                Some(&b) => b,
                None => return Attr::Eof,
            }
        };
    }
    loop {
        let b = byte!();
        if is_space(b) || b == b'/' {
            *pos += 1;
        } else if b == b'>' {
            return Attr::End;
        } else {
            break;
        }
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // Attribute name.
    loop {
        let b = byte!();
        if b == b'=' && !name.is_empty() {
            *pos += 1;
            break;
        }
        if is_space(b) {
            // Spaces, then either '=' or the end of a value-less attribute.
            loop {
                let b = byte!();
                if is_space(b) {
                    *pos += 1;
                } else if b == b'=' {
                    *pos += 1;
                    break;
                } else {
                    return Attr::Pair(name, value);
                }
            }
            break;
        }
        if b == b'/' || b == b'>' {
            return Attr::Pair(name, value);
        }
        name.push(b.to_ascii_lowercase());
        *pos += 1;
    }
    // Attribute value.
    loop {
        let b = byte!();
        if is_space(b) {
            *pos += 1;
        } else {
            break;
        }
    }
    let b = byte!();
    if b == b'"' || b == b'\'' {
        loop {
            *pos += 1;
            let c = byte!();
            if c == b {
                *pos += 1;
                return Attr::Pair(name, value);
            }
            value.push(c.to_ascii_lowercase());
        }
    }
    if b == b'>' {
        return Attr::Pair(name, value);
    }
    value.push(b.to_ascii_lowercase());
    *pos += 1;
    loop {
        let c = byte!();
        if is_space(c) || c == b'>' {
            return Attr::Pair(name, value);
        }
        value.push(c.to_ascii_lowercase());
        *pos += 1;
    }
}

/// The HTML standard's "extract a character encoding from a meta element" on a (lowercased)
/// `content` value such as `text/html; charset=windows-1251`.
fn charset_from_content(value: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0usize;
    loop {
        i += memchr::memmem::find(value.get(i..)?, b"charset")? + b"charset".len();
        while value.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        if value.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while value.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        let rest = value.get(i..)?;
        return match rest.first()? {
            &q @ (b'"' | b'\'') => {
                let inner = rest.get(1..)?;
                let end = inner.iter().position(|&b| b == q)?;
                Encoding::for_label(inner.get(..end)?)
            }
            _ => {
                let end = rest
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(rest.len());
                Encoding::for_label(rest.get(..end)?)
            }
        };
    }
}

/// `encoding="…"` from an XML declaration at the start of `head` (after whitespace).
pub(super) fn xml_declaration(head: &[u8]) -> Option<&'static Encoding> {
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let s = head.get(start..)?;
    if !s.starts_with(b"<?xml") {
        return None;
    }
    let decl = s.get(..memchr::memmem::find(s, b"?>")?)?;
    let mut i = memchr::memmem::find(decl, b"encoding")? + b"encoding".len();
    while decl.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if decl.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while decl.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    let q = *decl.get(i)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let inner = decl.get(i + 1..)?;
    let end = inner.iter().position(|&b| b == q)?;
    Encoding::for_label(inner.get(..end)?).and_then(normalize_declared)
}

/// Case-insensitive (ASCII) prefix test.
fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.get(..needle.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    //! The prescan's parsing details, the label mapping, and (through `decode`) that a
    //! declaration found here is what the document is decoded with.

    use super::*;
    use crate::decode::fixtures::{GERMAN, POLISH, RUSSIAN, check_charset, encode, html};
    use crate::decode::{CharsetRule, DocKind, decode};
    use encoding_rs::ISO_8859_2;

    #[test]
    fn windows_1252_and_latin1_label() {
        check_charset(WINDOWS_1252, "windows-1252", GERMAN, &[WINDOWS_1252]);
        for label in ["iso-8859-1", "latin1", "ascii", "x-user-defined"] {
            let src = html(&format!("<meta charset='{label}'>"), GERMAN);
            let doc = decode(&encode(WINDOWS_1252, &src), DocKind::Html);
            assert_eq!(doc.text, src, "{label}");
            assert_eq!(
                (doc.rule, doc.charset()),
                (CharsetRule::Meta, "windows-1252")
            );
        }
    }

    #[test]
    fn meta_utf16_means_utf8_and_replacement_is_ignored() {
        let src = html("<meta charset=utf-16le>", "x");
        assert_eq!(decode(src.as_bytes(), DocKind::Html).encoding, UTF_8);
        let src = html("<meta charset=iso-2022-kr>", RUSSIAN);
        let doc = decode(src.as_bytes(), DocKind::Html);
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Utf8, UTF_8));
        assert_eq!(doc.text, src);
    }

    #[test]
    fn prescan_details() {
        let cases: &[(&str, Option<&str>)] = &[
            ("<meta charset=koi8-r>", Some("KOI8-R")),
            ("<meta charset = 'koi8-r' >", Some("KOI8-R")),
            ("<meta/charset=\"KOI8-R\"/>", Some("KOI8-R")),
            (
                "<META Content=\"text/html;charset=koi8-r\" http-equiv=\"content-type\">",
                Some("KOI8-R"),
            ),
            (
                "<meta content=\"text/html; charset='koi8-r'\" http-equiv=content-type>",
                Some("KOI8-R"),
            ),
            // content without http-equiv does not count
            ("<meta content=\"text/html; charset=koi8-r\">", None),
            // duplicate attributes: first wins
            ("<meta charset=koi8-r charset=windows-1251>", Some("KOI8-R")),
            // charset attribute beats content
            (
                "<meta http-equiv=content-type content=\"charset=windows-1251\" charset=koi8-r>",
                Some("KOI8-R"),
            ),
            // commented out
            (
                "<!-- <meta charset=windows-1251> --><meta charset=koi8-r>",
                Some("KOI8-R"),
            ),
            ("<!--><meta charset=koi8-r>", Some("KOI8-R")),
            // inside another tag's attribute value
            (
                "<a title='<meta charset=windows-1251>'><meta charset=koi8-r>",
                Some("KOI8-R"),
            ),
            (
                "<script>var a='<meta charset=koi8-r>'</script>",
                Some("KOI8-R"),
            ),
            ("<metadata charset=koi8-r>", None),
            ("<meta charset=bogus><meta charset=koi8-r>", Some("KOI8-R")),
            ("<meta charset=koi8-r", None),
        ];
        for (head, want) in cases {
            let got = prescan(head.as_bytes()).map(|e| e.name());
            assert_eq!(got, *want, "{head}");
        }
        // Only the first 1024 bytes are prescanned.
        let late = format!("{}<meta charset=koi8-r>", " ".repeat(1100));
        assert_eq!(
            decode(late.as_bytes(), DocKind::Html).rule,
            CharsetRule::Utf8
        );
    }

    #[test]
    fn xml_declaration_counts_as_meta() {
        let src = format!(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>{POLISH}</p></body></html>"
        );
        let bytes = encode(ISO_8859_2, &src);
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!(doc.text, src);
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Meta, ISO_8859_2));
        // That such a page sniffs as HTML in the first place is tested in discover::sniff.
    }

    #[test]
    fn never_panics() {
        for b in 0..=255u8 {
            let _ = prescan(&[b]);
            let _ = xml_declaration(&[b]);
        }
        // Truncated prescan constructs.
        for head in [
            "<meta",
            "<meta ",
            "<meta charset",
            "<meta charset='x",
            "<!--",
            "<a b=",
            "<?",
            "</x",
        ] {
            assert_eq!(prescan(head.as_bytes()), None, "{head}");
        }
        assert_eq!(charset_from_content(b"charset="), None);
        assert_eq!(charset_from_content(b"charset='koi8-r"), None);
        assert_eq!(
            charset_from_content(b"charset charset=koi8-r").map(|e| e.name()),
            Some("KOI8-R")
        );
    }
}
