//! Bytes → [`Document`]: charset selection and decoding, keeping a map from decoded-text
//! offsets back to input byte offsets so that every reported span is byte-exact.
//!
//! The input is the already-decompressed file. Saved pages have lost their HTTP headers, so the
//! charset has to be chosen from the bytes alone. The rules, in the order they are tried:
//!
//! 1. **BOM.** A UTF-8, UTF-16LE or UTF-16BE byte-order mark wins over everything
//!    ([`CharsetRule::Bom`]). The BOM is not part of the text, so `input_offset(0)` is 3 or 2.
//! 2. **Transport.** The `charset` parameter of the HTTP `Content-Type` the page was served
//!    with (a WARC record, a fetched URL), as the HTML standard orders it: after the BOM and
//!    before anything in the page ([`CharsetRule::Transport`]). It is checked against the bytes
//!    as a declaration is (below), since servers that label everything `iso-8859-1` are common:
//!    a contradicted header gives [`CharsetRule::TransportOverridden`]. Saved files have no
//!    transport layer and skip this rule.
//! 3. **Declaration (HTML only).** The HTML standard's prescan of the first 1024 bytes looks for
//!    `<meta charset>` and `<meta http-equiv="Content-Type" content="…charset=…">` (comments
//!    skipped, attributes in any order, any quoting, case-insensitive), falling back to an XML
//!    declaration `<?xml … encoding="…"?>`. Labels go through [`Encoding::for_label`], so
//!    `latin1`, `iso-8859-1` and `ascii` mean windows-1252 and `cp1251` means windows-1251. As
//!    the standard says, a UTF-16 label in a meta means UTF-8 (the bytes are evidently
//!    ASCII-compatible) and `x-user-defined` means windows-1252. Labels of the WHATWG
//!    "replacement" encoding (e.g. `iso-2022-kr`) are ignored: decoding a saved page to a single
//!    U+FFFD would hide every embed in it. A declaration found this way is then checked against
//!    the bytes:
//!    * The declaration is not UTF-8 but the bytes are valid UTF-8 containing non-ASCII: the
//!      page was re-encoded on save and kept its old meta, so UTF-8 wins
//!      ([`CharsetRule::MetaOverridden`]).
//!    * The declaration is UTF-8 but the bytes are not valid UTF-8: chardetng decides
//!      ([`CharsetRule::MetaOverridden`]).
//!    * Otherwise the declaration is used ([`CharsetRule::Meta`]).
//! 4. **No declaration** (and always for text documents, which have no `<meta>`): valid UTF-8,
//!    pure ASCII included, is UTF-8 ([`CharsetRule::Utf8`]); anything else goes to chardetng
//!    ([`CharsetRule::Detected`]). BOM-less UTF-16 whose first KiB shows the "every other byte
//!    is NUL" pattern is also reported as [`CharsetRule::Detected`], because chardetng does not
//!    detect UTF-16 and such a file would otherwise pass as (NUL-riddled) valid UTF-8.
//! 5. **Empty input** is UTF-8 with [`CharsetRule::Default`].
//!
//! "Valid UTF-8" in these rules tolerates two kinds of damage, which decode to U+FFFD; without
//! that tolerance one bad byte would send a whole UTF-8 page to the detector and garble it:
//! * a multi-byte sequence cut off by the end of the file (truncated downloads), provided the
//!   rest already contains non-ASCII UTF-8 (or a meta says UTF-8);
//! * invalid sequences that are rare next to valid multi-byte ones (at least 20 valid non-ASCII
//!   characters per invalid sequence), as when a server cut a string mid-character.
//!
//! The work is split in three: this module applies the rules above, `prescan` reads the
//! declaration out of the first KiB, and `offsets` decodes with the chosen encoding while
//! building the text → input offset map. Content sniffing (is this HTML, text or binary?) is a
//! discovery concern and lives in [`crate::discover::sniff`].
//!
//! Nothing here prints, uses `unsafe`, or panics on any input.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use offsets::{OffsetMap, decode_as};
use prescan::{prescan, xml_declaration};

#[cfg(test)]
pub(crate) mod fixtures;
mod offsets;
mod prescan;

/// How many leading bytes the HTML prescan (meta and XML declaration) may look at. The UTF-16
/// NUL pattern is looked for in the same window.
const PRESCAN_LIMIT: usize = 1024;

/// What kind of document the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// HTML (or XHTML); the charset prescan of `<meta>` and `<?xml?>` applies.
    Html,
    /// Plain text, such as an article stripped to its text; only BOM, UTF-8 validity and
    /// detection apply.
    Text,
    /// Markdown or MDX source, which a site renders: raw embed HTML and components in it are
    /// markup, and a post URL alone in its paragraph is what the renderer turns into an embed.
    Markdown,
}

/// Which rule chose the charset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharsetRule {
    /// A byte-order mark.
    Bom,
    /// A `<meta>` charset declaration or an XML declaration.
    Meta,
    /// No declaration, and the bytes are valid UTF-8.
    Utf8,
    /// No declaration, and chardetng (or the UTF-16 NUL pattern) decided.
    Detected,
    /// A declaration existed but the bytes contradicted it (see the module docs).
    MetaOverridden,
    /// Empty input: UTF-8 by default.
    Default,
    /// The `charset` of the HTTP `Content-Type` the page was served with.
    Transport,
    /// A `Content-Type` charset existed but the bytes contradicted it (see the module docs).
    TransportOverridden,
}

impl CharsetRule {
    /// Every rule, in the order of the module docs.
    pub const ALL: [CharsetRule; 8] = [
        CharsetRule::Bom,
        CharsetRule::Meta,
        CharsetRule::Utf8,
        CharsetRule::Detected,
        CharsetRule::MetaOverridden,
        CharsetRule::Default,
        CharsetRule::Transport,
        CharsetRule::TransportOverridden,
    ];

    /// The rule named `name` (as [`CharsetRule::as_str`] writes it).
    pub fn named(name: &str) -> Option<CharsetRule> {
        CharsetRule::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Stable lowercase name for reports: `"bom"`, `"meta"`, `"utf8"`, `"detected"`,
    /// `"meta-overridden"`, `"default"`, `"transport"` or `"transport-overridden"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetRule::Bom => "bom",
            CharsetRule::Meta => "meta",
            CharsetRule::Utf8 => "utf8",
            CharsetRule::Detected => "detected",
            CharsetRule::MetaOverridden => "meta-overridden",
            CharsetRule::Default => "default",
            CharsetRule::Transport => "transport",
            CharsetRule::TransportOverridden => "transport-overridden",
        }
    }
}

/// A decoded document: the text, how its charset was chosen, and a map back to input offsets.
#[derive(Debug, Clone)]
pub struct Document {
    /// The decoded text, without any BOM; malformed input became U+FFFD.
    pub text: String,
    /// The encoding used to decode the bytes.
    pub encoding: &'static Encoding,
    /// The rule that chose `encoding`.
    pub rule: CharsetRule,
    /// Text offset → input offset.
    map: OffsetMap,
    /// Length of the input bytes; the image of `text.len()`.
    input_len: usize,
}

impl Document {
    /// The charset's WHATWG name, e.g. `"UTF-8"`, `"windows-1251"`.
    pub fn charset(&self) -> &'static str {
        self.encoding.name()
    }

    /// Maps a byte offset in `text` to the byte offset in the input bytes where that character
    /// starts; `text.len()` (or anything beyond) maps to the input length. An offset inside a
    /// character is moved back to that character's start rather than panicking.
    pub fn input_offset(&self, text_pos: usize) -> usize {
        if text_pos >= self.text.len() {
            return self.input_len;
        }
        let mut p = text_pos;
        // Offset 0 is always a boundary, so this terminates.
        while p > 0 && !self.text.is_char_boundary(p) {
            p -= 1;
        }
        self.map.input_offset(p).min(self.input_len)
    }
}

/// Outcome of validating the whole input as UTF-8.
enum Utf8Status<'a> {
    /// Entirely valid.
    Valid(&'a str),
    /// Valid except for a multi-byte sequence cut off by the end of input.
    TruncatedTail { non_ascii_before: bool },
    /// Invalid somewhere before the end.
    Invalid,
}

impl Utf8Status<'_> {
    fn of(bytes: &[u8]) -> Utf8Status<'_> {
        // The SIMD validator answers the common case (valid) several times faster; the standard
        // one then explains an invalid input.
        if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
            return Utf8Status::Valid(s);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Utf8Status::Valid(s),
            Err(e) if e.error_len().is_none() => Utf8Status::TruncatedTail {
                non_ascii_before: bytes.get(..e.valid_up_to()).is_some_and(|b| !b.is_ascii()),
            },
            Err(_) => Utf8Status::Invalid,
        }
    }

    /// Whether the bytes positively look like UTF-8 (valid and containing non-ASCII).
    fn has_utf8_evidence(&self) -> bool {
        match self {
            Utf8Status::Valid(s) => !s.is_ascii(),
            Utf8Status::TruncatedTail { non_ascii_before } => *non_ascii_before,
            Utf8Status::Invalid => false,
        }
    }
}

/// Decodes `bytes` as a document of the given kind (see the module docs for the rules). Never
/// fails, never panics.
pub fn decode(bytes: &[u8], kind: DocKind) -> Document {
    decode_served(bytes, kind, None)
}

/// The encoding a `Content-Type` charset label names, as the transport layer gives it: any
/// label the Encoding standard knows (UTF-16 included); the "replacement" encoding's labels
/// are ignored, as in a `<meta>`, so a page is never decoded to a single U+FFFD.
pub(crate) fn transport_encoding(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().trim_matches(['"', '\'']).as_bytes())
        .filter(|e| *e != encoding_rs::REPLACEMENT)
}

/// [`decode`] for a page that was served with a `Content-Type` charset (`transport`): the
/// transport rule applies between the BOM and the page's own declaration.
pub fn decode_served(bytes: &[u8], kind: DocKind, transport: Option<&str>) -> Document {
    if bytes.is_empty() {
        return Document {
            text: String::new(),
            encoding: UTF_8,
            rule: CharsetRule::Default,
            map: OffsetMap::Shift(0),
            input_len: 0,
        };
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, map) = decode_as(bytes, bom_len, encoding, None);
        return Document {
            text,
            encoding,
            rule: CharsetRule::Bom,
            map,
            input_len: bytes.len(),
        };
    }
    let served = transport.and_then(transport_encoding);
    let declared = match (served, kind) {
        (Some(enc), _) => Some((
            enc,
            CharsetRule::Transport,
            CharsetRule::TransportOverridden,
        )),
        (None, DocKind::Html) => {
            let head = bytes.get(..PRESCAN_LIMIT).unwrap_or(bytes);
            prescan(head)
                .or_else(|| xml_declaration(head))
                .map(|enc| (enc, CharsetRule::Meta, CharsetRule::MetaOverridden))
        }
        (None, DocKind::Text | DocKind::Markdown) => None,
    };
    // The one full UTF-8 validation pass; its result is reused for decoding.
    let status = Utf8Status::of(bytes);
    let (encoding, rule) = match declared {
        Some((enc, kept, _)) if enc == UTF_16LE || enc == UTF_16BE => (enc, kept),
        Some((enc, kept, overridden)) if enc == UTF_8 => match status {
            // A few broken sequences in a page that is otherwise UTF-8 (a server cut a string
            // mid-character) do not make the declaration wrong.
            Utf8Status::Invalid if mostly_utf8(bytes) => (UTF_8, kept),
            Utf8Status::Invalid => (guess_charset(bytes), overridden),
            _ => (UTF_8, kept),
        },
        Some((enc, kept, overridden)) => {
            if status.has_utf8_evidence() || mostly_utf8(bytes) {
                (UTF_8, overridden)
            } else {
                (enc, kept)
            }
        }
        None => {
            if let Some(enc) = utf16_pattern(bytes) {
                (enc, CharsetRule::Detected)
            } else if matches!(status, Utf8Status::Valid(_))
                || status.has_utf8_evidence()
                || mostly_utf8(bytes)
            {
                (UTF_8, CharsetRule::Utf8)
            } else {
                (guess_charset(bytes), CharsetRule::Detected)
            }
        }
    };
    let valid = match status {
        Utf8Status::Valid(s) => Some(s),
        _ => None,
    };
    let (text, map) = decode_as(bytes, 0, encoding, valid);
    Document {
        text,
        encoding,
        rule,
        map,
        input_len: bytes.len(),
    }
}

/// Whether invalid bytes are rare next to valid multi-byte UTF-8 sequences (at least 20 valid
/// non-ASCII characters per invalid sequence): a UTF-8 file with a few damaged characters, which
/// decodes far better as lossy UTF-8 than as any legacy charset.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut invalid = 0usize;
    let mut multibyte = 0usize;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    invalid > 0 && multibyte >= 20 * invalid
}

/// The charset chardetng guesses from the whole input, for bytes whose charset neither a
/// declaration nor UTF-8 validity settles. ISO-2022-JP is not allowed (browsers deny it for pages that can run scripts, and
/// it is stateful); UTF-8 is allowed but cannot win on invalid input.
fn guess_charset(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, Utf8Detection::Allow)
}

/// BOM-less UTF-16 recognised by NULs in every other byte (mostly-Latin text) within the first
/// KiB. Returns the byte order.
///
/// Content sniffing needs the same test, so that such a file is not mistaken for binary because
/// of its NULs; hence `pub(crate)`.
pub(crate) fn utf16_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..PRESCAN_LIMIT).unwrap_or(bytes);
    if !head.contains(&0) {
        return None;
    }
    let (pairs, _) = head.as_chunks::<2>();
    if pairs.len() < 2 {
        return None;
    }
    let zero_even = pairs.iter().filter(|p| p[0] == 0).count();
    let zero_odd = pairs.iter().filter(|p| p[1] == 0).count();
    let n = pairs.len();
    if zero_odd * 10 >= n * 7 && zero_even * 10 <= n {
        Some(UTF_16LE)
    } else if zero_even * 10 >= n * 7 && zero_odd * 10 <= n {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    //! The charset rules end to end: which rule fires and which encoding wins, and that the text
    //! and its offsets come out right. The prescan's parsing details, the per-decoder offset maps
    //! and sniffing are tested in their own modules.

    use super::fixtures::{
        CHINESE, GERMAN, JAPANESE, KOREAN, POLISH, RUSSIAN, assert_monotonic, assert_roundtrip,
        check_charset, encode, garbage_documents, html,
    };
    use super::*;
    use encoding_rs::{
        BIG5, EUC_JP, EUC_KR, GB18030, GBK, ISO_8859_2, ISO_8859_5, KOI8_R, KOI8_U, SHIFT_JIS,
        WINDOWS_1250, WINDOWS_1251,
    };

    /// RUSSIAN without the typographic quotes and dash that KOI8-R and ISO-8859-5 lack.
    fn plain_russian() -> String {
        RUSSIAN.replace(['«', '»'], "\"").replace('—', "-")
    }

    #[test]
    fn rule_names() {
        let all = [
            (CharsetRule::Bom, "bom"),
            (CharsetRule::Meta, "meta"),
            (CharsetRule::Utf8, "utf8"),
            (CharsetRule::Detected, "detected"),
            (CharsetRule::MetaOverridden, "meta-overridden"),
            (CharsetRule::Default, "default"),
        ];
        for (rule, name) in all {
            assert_eq!(rule.as_str(), name);
        }
    }

    #[test]
    fn empty_input_is_default_utf8() {
        for kind in [DocKind::Html, DocKind::Text] {
            let doc = decode(b"", kind);
            assert_eq!(doc.text, "");
            assert_eq!(doc.rule, CharsetRule::Default);
            assert_eq!(doc.charset(), "UTF-8");
            assert_eq!(doc.input_offset(0), 0);
            assert_eq!(doc.input_offset(5), 0);
        }
    }

    #[test]
    fn utf8_happy_path_is_identity() {
        let src = html("<meta charset=\"utf-8\">", RUSSIAN);
        let doc = decode(src.as_bytes(), DocKind::Html);
        assert_eq!(doc.text, src);
        assert_eq!(doc.rule, CharsetRule::Meta);
        assert!(matches!(doc.map, OffsetMap::Shift(0)));
        let doc = decode(src.as_bytes(), DocKind::Text);
        assert_eq!(doc.rule, CharsetRule::Utf8);
        assert!(matches!(doc.map, OffsetMap::Shift(0)));
        let plain = html("", JAPANESE);
        let doc = decode(plain.as_bytes(), DocKind::Html);
        assert_eq!((doc.rule, doc.charset()), (CharsetRule::Utf8, "UTF-8"));
        let ascii = decode(b"<p>hello</p>", DocKind::Html);
        assert_eq!(ascii.rule, CharsetRule::Utf8);
        assert_eq!(ascii.input_offset(3), 3);
    }

    #[test]
    fn input_offset_clamps() {
        let doc = decode("añb".as_bytes(), DocKind::Text);
        assert_eq!(doc.input_offset(2), 1); // inside 'ñ' → its start
        assert_eq!(doc.input_offset(3), 3);
        assert_eq!(doc.input_offset(4), 4);
        assert_eq!(doc.input_offset(usize::MAX), 4);
        let doc = decode(&encode(WINDOWS_1251, &html("", RUSSIAN)), DocKind::Html);
        let inside = doc.text.find('О').unwrap() + 1;
        assert_eq!(doc.input_offset(inside), doc.input_offset(inside - 1));
        assert_eq!(
            doc.input_offset(usize::MAX),
            doc.input_offset(doc.text.len())
        );
    }

    #[test]
    fn utf8_bom() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(html("<meta charset=windows-1251>", RUSSIAN).as_bytes());
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!(doc.rule, CharsetRule::Bom);
        assert_eq!(doc.charset(), "UTF-8");
        assert!(doc.text.starts_with("<!DOCTYPE"));
        assert_eq!(doc.input_offset(0), 3);
        assert_roundtrip(&doc, &bytes);
    }

    #[test]
    fn utf16_with_bom() {
        let text = html(
            "<meta charset=\"utf-16\">",
            &format!("{JAPANESE} 😀 {GERMAN}"),
        );
        for (enc, bom) in [(UTF_16LE, &b"\xFF\xFE"[..]), (UTF_16BE, &b"\xFE\xFF"[..])] {
            let mut bytes = bom.to_vec();
            for unit in text.encode_utf16() {
                if enc == UTF_16LE {
                    bytes.extend_from_slice(&unit.to_le_bytes());
                } else {
                    bytes.extend_from_slice(&unit.to_be_bytes());
                }
            }
            for kind in [DocKind::Html, DocKind::Text] {
                let doc = decode(&bytes, kind);
                assert_eq!(doc.text, text);
                assert_eq!((doc.rule, doc.encoding), (CharsetRule::Bom, enc));
                assert_eq!(doc.input_offset(0), 2);
                assert_roundtrip(&doc, &bytes);
            }
        }
    }

    #[test]
    fn utf16_without_bom_by_nul_pattern() {
        let text = html("", GERMAN);
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, enc) in [(le, UTF_16LE), (be, UTF_16BE)] {
            let doc = decode(&bytes, DocKind::Html);
            assert_eq!(doc.text, text);
            assert_eq!((doc.rule, doc.encoding), (CharsetRule::Detected, enc));
            assert_roundtrip(&doc, &bytes);
            // That the same bytes sniff as HTML (or as text by name) is tested in discover::sniff.
        }
    }

    #[test]
    fn windows_1251() {
        check_charset(WINDOWS_1251, "windows-1251", RUSSIAN, &[WINDOWS_1251]);
        // cp1251 is a label of windows-1251.
        let src = html("<meta charset=cp1251>", RUSSIAN);
        let doc = decode(&encode(WINDOWS_1251, &src), DocKind::Html);
        assert_eq!(
            (doc.text.as_str(), doc.charset()),
            (src.as_str(), "windows-1251")
        );
    }

    #[test]
    fn iso_8859_2_and_5() {
        check_charset(ISO_8859_2, "iso-8859-2", POLISH, &[ISO_8859_2]);
        check_charset(WINDOWS_1250, "windows-1250", POLISH, &[WINDOWS_1250]);
        check_charset(ISO_8859_5, "ISO-8859-5", &plain_russian(), &[ISO_8859_5]);
    }

    #[test]
    fn koi8_r() {
        // chardetng reports KOI8-U, which decodes Russian identically.
        check_charset(KOI8_R, "koi8-r", &plain_russian(), &[KOI8_R, KOI8_U]);
    }

    #[test]
    fn shift_jis_euc_jp() {
        check_charset(SHIFT_JIS, "shift_jis", JAPANESE, &[SHIFT_JIS]);
        check_charset(EUC_JP, "euc-jp", JAPANESE, &[EUC_JP]);
    }

    #[test]
    fn gb18030_gbk_big5() {
        // chardetng reports GBK; encoding_rs decodes GBK with the gb18030 decoder.
        check_charset(GB18030, "gb18030", CHINESE, &[GBK, GB18030]);
        check_charset(GBK, "gb2312", CHINESE, &[GBK, GB18030]);
        // Four-byte gb18030 sequences map correctly too.
        let src = html(
            "<meta charset=gb18030>",
            &format!("{CHINESE} Ä😀é€ {CHINESE}"),
        );
        let bytes = encode(GB18030, &src);
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!(doc.text, src);
        assert_roundtrip(&doc, &bytes);
        let src = html(
            "<meta charset=big5>",
            "港口麵包店週四開業。店主在臉書上寫道：感謝大家的支持。",
        );
        let bytes = encode(BIG5, &src);
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!((doc.text.as_str(), doc.encoding), (src.as_str(), BIG5));
        assert_roundtrip(&doc, &bytes);
    }

    #[test]
    fn euc_kr() {
        check_charset(EUC_KR, "euc-kr", KOREAN, &[EUC_KR]);
    }

    #[test]
    fn meta_overridden_by_valid_utf8() {
        let src = html(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">",
            RUSSIAN,
        );
        let doc = decode(src.as_bytes(), DocKind::Html);
        assert_eq!(doc.text, src);
        assert_eq!(
            (doc.rule, doc.encoding),
            (CharsetRule::MetaOverridden, UTF_8)
        );
        assert!(matches!(doc.map, OffsetMap::Shift(0)));
    }

    #[test]
    fn meta_utf8_overridden_by_detection() {
        let src = html("<meta charset=\"UTF-8\">", RUSSIAN);
        let bytes = encode(WINDOWS_1251, &src);
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!(doc.text, src);
        assert_eq!(
            (doc.rule, doc.encoding),
            (CharsetRule::MetaOverridden, WINDOWS_1251)
        );
        assert_roundtrip(&doc, &bytes);
    }

    #[test]
    fn meta_on_pure_ascii_is_zero_cost() {
        let src = html("<meta charset=windows-1251>", "plain ascii");
        let doc = decode(src.as_bytes(), DocKind::Html);
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Meta, WINDOWS_1251));
        assert!(matches!(doc.map, OffsetMap::Shift(0)));
        assert_eq!(doc.text, src);
    }

    #[test]
    fn text_ignores_meta() {
        let src = html("<meta charset=utf-8>", RUSSIAN);
        let bytes = encode(WINDOWS_1251, &src);
        let doc = decode(&bytes, DocKind::Text);
        assert_eq!(
            (doc.rule, doc.encoding),
            (CharsetRule::Detected, WINDOWS_1251)
        );
        assert_eq!(doc.text, src);
    }

    #[test]
    fn truncated_utf8_tail_stays_utf8() {
        let mut bytes = html("", RUSSIAN).into_bytes();
        bytes.extend_from_slice("Ж".as_bytes().get(..1).unwrap());
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Utf8, UTF_8));
        assert!(doc.text.ends_with('\u{FFFD}'));
        assert_roundtrip(&doc, &bytes);
        let mut meta = html("<meta charset=utf-8>", "ascii only").into_bytes();
        meta.push(0xD0);
        let doc = decode(&meta, DocKind::Html);
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Meta, UTF_8));
    }

    #[test]
    fn the_transport_charset_comes_before_the_meta_and_is_checked_like_it() {
        // A header naming windows-1251 on a page whose meta says UTF-8: the header decides.
        let page = encode(WINDOWS_1251, &html("<meta charset=\"utf-8\">", RUSSIAN));
        let doc = decode_served(&page, DocKind::Html, Some("windows-1251"));
        assert_eq!(
            (doc.rule, doc.encoding),
            (CharsetRule::Transport, WINDOWS_1251)
        );
        assert_roundtrip(&doc, &page);
        // Labels as servers write them: quoted, any case; text documents take it too.
        let doc = decode_served(&page, DocKind::Text, Some("\"CP1251\""));
        assert_eq!(
            (doc.rule, doc.encoding),
            (CharsetRule::Transport, WINDOWS_1251)
        );
        // The classic misconfiguration: UTF-8 bytes served as iso-8859-1.
        let utf8 = html("", RUSSIAN);
        let doc = decode_served(utf8.as_bytes(), DocKind::Html, Some("iso-8859-1"));
        assert_eq!(
            (doc.rule, doc.encoding),
            (CharsetRule::TransportOverridden, UTF_8)
        );
        // A UTF-8 header on bytes that are not UTF-8 goes to detection.
        let doc = decode_served(&page, DocKind::Html, Some("utf-8"));
        assert_eq!(
            (doc.rule, doc.encoding),
            (CharsetRule::TransportOverridden, WINDOWS_1251)
        );
        // An unknown or replacement label is no transport charset: the page's own rules apply.
        for label in ["no-such-charset", "iso-2022-kr", ""] {
            let doc = decode_served(&page, DocKind::Html, Some(label));
            assert_eq!(doc.rule, CharsetRule::MetaOverridden, "{label}");
        }
        // The BOM still wins over the header.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(utf8.as_bytes());
        let doc = decode_served(&bom, DocKind::Html, Some("windows-1251"));
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Bom, UTF_8));
        assert_eq!(CharsetRule::Transport.as_str(), "transport");
        assert_eq!(
            CharsetRule::TransportOverridden.as_str(),
            "transport-overridden"
        );
    }

    #[test]
    fn never_panics() {
        for b in 0..=255u8 {
            for kind in [DocKind::Html, DocKind::Text] {
                let doc = decode(&[b], kind);
                assert_monotonic(&doc, 1);
            }
        }
        for bytes in garbage_documents() {
            for kind in [DocKind::Html, DocKind::Text] {
                let doc = decode(&bytes, kind);
                assert_monotonic(&doc, bytes.len());
            }
        }
    }
}
