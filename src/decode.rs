//! Bytes → [`Document`]: charset selection, decoding, and a map from decoded-text offsets back to
//! input byte offsets (byte-exact provenance).
//!
//! The input is the already-decompressed file. Saved pages have lost their HTTP headers, so the
//! charset is chosen from the bytes alone, in this order (see EMBED_FORMATS.md §13.4):
//!
//! 1. **BOM** (UTF-8, UTF-16LE, UTF-16BE) wins over everything ([`CharsetRule::Bom`]). The BOM is not
//!    part of the text, so `input_offset(0)` is 3 or 2.
//! 2. **HTML only:** the HTML standard's prescan of the first 1024 bytes for `<meta charset>` and
//!    `<meta http-equiv="Content-Type" content="…charset=…">` (comments skipped, attributes in any
//!    order, any quoting, case-insensitive), falling back to an XML declaration
//!    `<?xml … encoding="…"?>`. Labels go through [`Encoding::for_label`] (so `latin1`, `iso-8859-1`
//!    and `ascii` mean windows-1252, `cp1251` means windows-1251). As the standard says, a UTF-16
//!    label in a meta means UTF-8 (the bytes are evidently ASCII-compatible) and `x-user-defined`
//!    means windows-1252. Labels of the WHATWG "replacement" encoding (e.g. `iso-2022-kr`) are
//!    ignored: decoding a saved page to a single U+FFFD would hide every embed in it.
//!    * The declaration is not UTF-8 but the bytes are valid UTF-8 containing non-ASCII: the page
//!      was re-encoded on save and kept its old meta, so UTF-8 wins ([`CharsetRule::MetaOverridden`]).
//!    * The declaration is UTF-8 but the bytes are not valid UTF-8: chardetng decides
//!      ([`CharsetRule::MetaOverridden`]).
//!    * Otherwise the declaration is used ([`CharsetRule::Meta`]).
//! 3. **No declaration** (and always for text documents): valid UTF-8, pure ASCII included, is
//!    UTF-8 ([`CharsetRule::Utf8`]); anything else goes to chardetng ([`CharsetRule::Detected`]).
//!    BOM-less UTF-16 whose first KiB shows the "every other byte is NUL" pattern is also reported
//!    as [`CharsetRule::Detected`], because chardetng does not detect UTF-16 and such a file would
//!    otherwise pass as (NUL-riddled) valid UTF-8.
//! 4. Empty input is UTF-8 with [`CharsetRule::Default`].
//!
//! "Valid UTF-8" tolerates one edge case: a multi-byte sequence cut off by the end of the file
//! (truncated downloads), provided the rest already contains non-ASCII UTF-8 (or a meta says
//! UTF-8). The cut-off sequence becomes U+FFFD; without that tolerance one missing byte would
//! send a whole UTF-8 page to the detector and garble it.
//!
//! **Offset map.** For valid UTF-8 the text *is* the input minus the BOM, so `input_offset(p)` is
//! `p + bom_len` and no table is stored. Every other decode stores checkpoints
//! `(text_offset, input_offset)` at the characters where the running difference between the two
//! changes; offsets between checkpoints advance in lockstep, and a lookup is a binary search.
//! The table is built per decoder family so that each character maps to the first byte of the
//! input sequence that produced it:
//! * lossy UTF-8 walks [`<[u8]>::utf8_chunks`] (one U+FFFD per maximal invalid subpart, exactly as
//!   encoding_rs does);
//! * UTF-16 is decoded by hand from code units (same error handling as encoding_rs);
//! * single-byte encodings map character *n* to byte *n*;
//! * ASCII-compatible multi-byte encodings (Shift_JIS, EUC-JP, EUC-KR, Big5, GBK, gb18030) copy
//!   ASCII runs directly and decode every other character with a fresh decoder fed byte by byte,
//!   so the decoder's own error report (`Malformed(bad, after)`) says exactly where the next
//!   character starts, including gb18030's re-processed bytes;
//! * ISO-2022-JP (stateful, reachable only through a declaration) is streamed byte by byte; a
//!   character maps to the first byte not yet accounted for, so text after an escape sequence maps
//!   to the escape sequence.
//!
//! Nothing here prints, uses `unsafe`, or panics on any input.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    DecoderResult, Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED,
};

/// How many leading bytes the HTML prescan (meta and XML declaration) may look at.
const PRESCAN_LIMIT: usize = 1024;
/// How many leading bytes [`sniff`] examines for NULs and control bytes.
const SNIFF_LIMIT: usize = 8 * 1024;
/// How many leading bytes [`sniff`] searches for telling HTML tags.
const TAG_LIMIT: usize = 1024;

/// What kind of document the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// HTML (or XHTML); the charset prescan of `<meta>` and `<?xml?>` applies.
    Html,
    /// Plain text or Markdown; only BOM, UTF-8 validity and detection apply.
    Text,
}

/// Result of sniffing raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sniff {
    /// Looks like HTML (or the file name says so).
    Html,
    /// Looks like text (or the file name says so).
    Text,
    /// Not a text document: a known binary signature, NUL bytes, or many control bytes.
    Binary,
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
}

impl CharsetRule {
    /// Stable lowercase name for reports: `"bom"`, `"meta"`, `"utf8"`, `"detected"`,
    /// `"meta-overridden"` or `"default"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetRule::Bom => "bom",
            CharsetRule::Meta => "meta",
            CharsetRule::Utf8 => "utf8",
            CharsetRule::Detected => "detected",
            CharsetRule::MetaOverridden => "meta-overridden",
            CharsetRule::Default => "default",
        }
    }
}

/// A decoded document: the text, how its charset was chosen, and a map back to input offsets.
#[derive(Debug, Clone)]
pub struct Document {
    /// The decoded text, without any BOM; malformed input became U+FFFD.
    pub text: String,
    /// Whether the document was decoded as HTML or text.
    pub kind: DocKind,
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
        let mapped = match &self.map {
            OffsetMap::Shift(bom_len) => p + bom_len,
            OffsetMap::Table(cps) => {
                let idx = cps.partition_point(|&(t, _)| t <= p);
                match idx.checked_sub(1).and_then(|i| cps.get(i)) {
                    Some(&(t, i)) => i + (p - t),
                    None => p,
                }
            }
        };
        mapped.min(self.input_len)
    }
}

/// Text offset → input offset.
#[derive(Debug, Clone)]
enum OffsetMap {
    /// Valid UTF-8: the text is the input after a BOM of this length.
    Shift(usize),
    /// Checkpoints `(text_offset, input_offset)`, sorted, starting at text offset 0; between
    /// checkpoints both offsets advance together.
    Table(Vec<(usize, usize)>),
}

/// Collects checkpoints, emitting one only where lockstep advancing would predict wrongly.
struct MapBuilder {
    cps: Vec<(usize, usize)>,
    last_input: usize,
}

impl MapBuilder {
    fn new() -> Self {
        MapBuilder {
            cps: Vec::new(),
            last_input: 0,
        }
    }

    /// Records that the character at `text_pos` starts at `input_pos`. Calls come in increasing
    /// `text_pos` order. Input offsets are kept non-decreasing so that spans never invert.
    fn note(&mut self, text_pos: usize, input_pos: usize) {
        let input_pos = input_pos.max(self.last_input);
        self.last_input = input_pos;
        if let Some(&(t, i)) = self.cps.last()
            && text_pos.checked_sub(t).map(|d| i + d) == Some(input_pos)
        {
            return;
        }
        self.cps.push((text_pos, input_pos));
    }

    /// Records every character of `text[from..]` as starting at `input_pos` (they came from one
    /// input sequence, e.g. Big5's two-character mappings).
    fn note_chars(&mut self, text: &str, from: usize, input_pos: usize) {
        if let Some(tail) = text.get(from..) {
            for (off, _) in tail.char_indices() {
                self.note(from + off, input_pos);
            }
        }
    }

    fn finish(self) -> OffsetMap {
        OffsetMap::Table(self.cps)
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

/// Sniffs bytes (and optionally the file name's extension) as HTML, text or binary.
///
/// Known binary signatures (PNG, JPEG, GIF, PDF, ZIP, gzip, ELF, SQLite) and NUL bytes in the
/// first 8 KiB (unless the bytes are UTF-16 by BOM or by NUL pattern) always mean
/// [`Sniff::Binary`]. Otherwise the extension decides when telling (`.html .htm .xhtml .shtml` →
/// HTML, `.txt .md .markdown` → text; a trailing compression suffix such as `.gz` is ignored, since
/// callers pass decompressed bytes under the original name). Without one, the content decides: a
/// start (after BOM, whitespace and comments) of `<!doctype html`, `<html`, `<head`, `<body`, or
/// `<?xml` with "xhtml" nearby, or an `<html`/`<body`/`<div`/`<p>` tag in the first KiB → HTML;
/// otherwise mostly printable bytes → text; else binary.
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
    if looks_like_html(head) {
        Sniff::Html
    } else if mostly_printable(sample) {
        Sniff::Text
    } else {
        Sniff::Binary
    }
}

/// Decodes `bytes` as a document of the given kind (see the module docs for the rules). Never
/// fails, never panics.
pub fn decode(bytes: &[u8], kind: DocKind) -> Document {
    if bytes.is_empty() {
        return Document {
            text: String::new(),
            kind,
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
            kind,
            encoding,
            rule: CharsetRule::Bom,
            map,
            input_len: bytes.len(),
        };
    }
    let declared = match kind {
        DocKind::Html => {
            let head = bytes.get(..PRESCAN_LIMIT).unwrap_or(bytes);
            prescan(head).or_else(|| xml_declaration(head))
        }
        DocKind::Text => None,
    };
    // The one full UTF-8 validation pass; its result is reused for decoding.
    let status = Utf8Status::of(bytes);
    let (encoding, rule) = match declared {
        Some(enc) if enc == UTF_8 => match status {
            // A few broken sequences in a page that is otherwise UTF-8 (a server cut a string
            // mid-character) do not make the declaration wrong.
            Utf8Status::Invalid if mostly_utf8(bytes) => (UTF_8, CharsetRule::Meta),
            Utf8Status::Invalid => (detect(bytes), CharsetRule::MetaOverridden),
            _ => (UTF_8, CharsetRule::Meta),
        },
        Some(enc) => {
            if status.has_utf8_evidence() || mostly_utf8(bytes) {
                (UTF_8, CharsetRule::MetaOverridden)
            } else {
                (enc, CharsetRule::Meta)
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
                (detect(bytes), CharsetRule::Detected)
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
        kind,
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

/// chardetng over the whole input. ISO-2022-JP is not allowed (browsers deny it for pages that
/// can run scripts, and it is stateful); UTF-8 is allowed but cannot win on invalid input.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, Utf8Detection::Allow)
}

/// Decodes `bytes[start..]` (after a BOM of length `start`) with `encoding`. `valid` is the whole
/// input already validated as UTF-8, when it was.
fn decode_as(
    bytes: &[u8],
    start: usize,
    encoding: &'static Encoding,
    valid: Option<&str>,
) -> (String, OffsetMap) {
    let body = bytes.get(start..).unwrap_or(&[]);
    if let Some(s) = valid {
        // ASCII-compatible encodings decode pure ASCII exactly like UTF-8: stay zero-cost.
        if encoding == UTF_8 || (encoding.is_ascii_compatible() && s.is_ascii()) {
            return (s.to_owned(), OffsetMap::Shift(start));
        }
    }
    if encoding == UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(s) => (s.to_owned(), OffsetMap::Shift(start)),
            Err(_) => decode_utf8_lossy(body, start),
        };
    }
    if encoding == UTF_16LE || encoding == UTF_16BE {
        return decode_utf16(body, start, encoding == UTF_16BE);
    }
    if encoding == REPLACEMENT {
        // Unreachable through `decode` (replacement labels are ignored); keep the text usable.
        return decode_utf8_lossy(body, start);
    }
    if encoding.is_single_byte()
        && let Some(done) = decode_single_byte(body, start, encoding)
    {
        return done;
    }
    if encoding.is_ascii_compatible() {
        decode_probing(body, start, encoding)
    } else {
        decode_streaming(body, start, encoding)
    }
}

/// UTF-8 with U+FFFD for each maximal invalid subpart (the WHATWG/encoding_rs behaviour).
fn decode_utf8_lossy(body: &[u8], base: usize) -> (String, OffsetMap) {
    let mut text = String::with_capacity(body.len() + 16);
    let mut map = MapBuilder::new();
    let mut pos = base;
    for chunk in body.utf8_chunks() {
        let valid = chunk.valid();
        if !valid.is_empty() {
            map.note(text.len(), pos);
            text.push_str(valid);
            pos += valid.len();
        }
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            map.note(text.len(), pos);
            text.push(char::REPLACEMENT_CHARACTER);
            pos += invalid.len();
        }
    }
    (text, map.finish())
}

/// UTF-16 from code units, with encoding_rs's error handling: each unpaired surrogate is one
/// U+FFFD, and a trailing odd byte is one U+FFFD (merged with an unpaired high surrogate right
/// before it).
fn decode_utf16(body: &[u8], base: usize, big_endian: bool) -> (String, OffsetMap) {
    let (pairs, odd) = body.as_chunks::<2>();
    let mut text = String::with_capacity(body.len() + body.len() / 2);
    let mut map = MapBuilder::new();
    let units = pairs.iter().map(|&p| {
        if big_endian {
            u16::from_be_bytes(p)
        } else {
            u16::from_le_bytes(p)
        }
    });
    let mut pos = base;
    for decoded in char::decode_utf16(units) {
        map.note(text.len(), pos);
        match decoded {
            Ok(c) => {
                text.push(c);
                pos += 2 * c.len_utf16();
            }
            Err(_) => {
                text.push(char::REPLACEMENT_CHARACTER);
                pos += 2;
            }
        }
    }
    if !odd.is_empty() {
        let last_unit = pairs.last().map(|&p| {
            if big_endian {
                u16::from_be_bytes(p)
            } else {
                u16::from_le_bytes(p)
            }
        });
        let dangling_high = last_unit.is_some_and(|u| (0xD800..0xDC00).contains(&u));
        if !dangling_high {
            map.note(text.len(), pos);
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    (text, map.finish())
}

/// Single-byte encodings: character n comes from byte n. Returns `None` if that invariant does
/// not hold (it always should), so the caller can fall back to the general path.
fn decode_single_byte(
    body: &[u8],
    base: usize,
    encoding: &'static Encoding,
) -> Option<(String, OffsetMap)> {
    let (decoded, _) = encoding.decode_without_bom_handling(body);
    let text = decoded.into_owned();
    let mut map = MapBuilder::new();
    let mut count = 0usize;
    for (t, _) in text.char_indices() {
        map.note(t, base + count);
        count += 1;
    }
    (count == body.len()).then(|| (text, map.finish()))
}

/// ASCII-compatible multi-byte encodings. Between characters these decoders hold no state, so
/// decoding each non-ASCII character with a fresh decoder gives the same text as one streaming
/// decode while revealing exactly which bytes each character came from.
fn decode_probing(body: &[u8], base: usize, encoding: &'static Encoding) -> (String, OffsetMap) {
    let mut text = String::with_capacity(body.len() + body.len() / 2 + 16);
    let mut map = MapBuilder::new();
    let mut pos = 0usize;
    while let Some(rest) = body.get(pos..).filter(|r| !r.is_empty()) {
        let ascii = Encoding::ascii_valid_up_to(rest);
        if ascii > 0 {
            map.note(text.len(), base + pos);
            if let Some(run) = rest.get(..ascii).and_then(|r| std::str::from_utf8(r).ok()) {
                text.push_str(run);
            }
            pos += ascii;
            continue;
        }
        let before = text.len();
        let next = probe_char(encoding, body, pos, &mut text);
        map.note_chars(&text, before, base + pos);
        pos = next.max(pos + 1);
    }
    (text, map.finish())
}

/// Decodes the character (or malformed sequence) starting at `start` with a fresh decoder fed one
/// byte at a time; appends it to `text` and returns where the next character starts.
fn probe_char(encoding: &'static Encoding, body: &[u8], start: usize, text: &mut String) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let before = text.len();
    let mut pos = start;
    // A character is at most a handful of bytes; the bound only guards against a decoder that
    // never makes progress.
    for _ in 0..64 {
        let last = pos >= body.len();
        let src = body.get(pos..(pos + 1).min(body.len())).unwrap_or(&[]);
        reserve_for(&decoder, src.len(), text);
        let (result, read) = decoder.decode_to_string_without_replacement(src, text, last);
        pos += read;
        match result {
            DecoderResult::Malformed(_, after) => {
                text.push(char::REPLACEMENT_CHARACTER);
                // Bytes consumed after the malformed sequence are re-decoded from scratch, which is
                // what the decoder would have done with them.
                return pos.saturating_sub(usize::from(after)).max(start + 1);
            }
            DecoderResult::InputEmpty => {
                if last || text.len() > before {
                    return pos.max(start + 1);
                }
            }
            DecoderResult::OutputFull => {
                let spare = text.capacity() - text.len();
                text.reserve(spare + 64);
            }
        }
    }
    text.push(char::REPLACEMENT_CHARACTER);
    start + 1
}

/// Stateful encodings (ISO-2022-JP): one streaming decode fed byte by byte. Each emitted character
/// maps to the first input byte not yet attributed to an earlier character.
fn decode_streaming(body: &[u8], base: usize, encoding: &'static Encoding) -> (String, OffsetMap) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(body.len() + 16);
    let mut map = MapBuilder::new();
    let mut pos = 0usize;
    let mut seq_start = 0usize;
    let mut stalls = 0usize;
    loop {
        let last = pos >= body.len();
        let src = body.get(pos..(pos + 1).min(body.len())).unwrap_or(&[]);
        reserve_for(&decoder, src.len(), &mut text);
        let before = text.len();
        let (result, read) = decoder.decode_to_string_without_replacement(src, &mut text, last);
        pos += read;
        let progressed = read > 0 || text.len() > before;
        if text.len() > before {
            map.note_chars(&text, before, base + seq_start);
            seq_start = pos;
        }
        match result {
            DecoderResult::Malformed(bad, after) => {
                let after = usize::from(after);
                let bad_start = pos.saturating_sub(after + usize::from(bad));
                map.note(text.len(), base + bad_start.max(seq_start));
                text.push(char::REPLACEMENT_CHARACTER);
                seq_start = pos.saturating_sub(after).max(seq_start);
                stalls = 0;
                continue;
            }
            DecoderResult::InputEmpty if last => break,
            DecoderResult::InputEmpty => {}
            DecoderResult::OutputFull => {
                let spare = text.capacity() - text.len();
                text.reserve(spare + 64);
            }
        }
        if progressed {
            stalls = 0;
        } else {
            stalls += 1;
            if stalls > 64 {
                break;
            }
        }
    }
    (text, map.finish())
}

/// Ensures `text` has room for whatever `decoder` may emit for `len` more bytes.
fn reserve_for(decoder: &encoding_rs::Decoder, len: usize, text: &mut String) {
    let need = decoder
        .max_utf8_buffer_length_without_replacement(len)
        .unwrap_or(64);
    text.reserve(need.max(16));
}

/// BOM-less UTF-16 recognised by NULs in every other byte (mostly-Latin text) within the first
/// KiB. Returns the byte order.
fn utf16_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
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
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0usize;
    while let Some(rest) = head.get(pos..).filter(|r| !r.is_empty()) {
        if rest.starts_with(b"<!--") {
            // The closing "--" may overlap the opening one ("<!-->").
            let after_open = pos + 2;
            let close = find(head.get(after_open..)?, b"-->")?;
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
        i += find(value.get(i..)?, b"charset")? + b"charset".len();
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
fn xml_declaration(head: &[u8]) -> Option<&'static Encoding> {
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let s = head.get(start..)?;
    if !s.starts_with(b"<?xml") {
        return None;
    }
    let decl = s.get(..find(s, b"?>")?)?;
    let mut i = find(decl, b"encoding")? + b"encoding".len();
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
        "txt" | "md" | "markdown" => Some(DocKind::Text),
        _ => None,
    }
}

/// Content test for HTML on the (BOM-less, ASCII-compatible) start of the document.
fn looks_like_html(head: &[u8]) -> bool {
    let head = head.get(..TAG_LIMIT).unwrap_or(head);
    let mut s = skip_space_and_comments(head);
    if starts_with_ci(s, b"<?xml") {
        if find_ci(head, b"xhtml").is_some() {
            return true;
        }
        s = match find(s, b"?>") {
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
        match s.get(4..).and_then(|r| find(r, b"-->")) {
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

/// First occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
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
    use super::*;
    use encoding_rs::{
        BIG5, EUC_JP, EUC_KR, GB18030, GBK, ISO_2022_JP, ISO_8859_2, ISO_8859_5, KOI8_R, KOI8_U,
        SHIFT_JIS, WINDOWS_1250, WINDOWS_1251,
    };

    const RUSSIAN: &str = "Опубликовано в Твиттере: «Мы открываем новую пекарню на набережной уже в этот \
        четверг», — написала владелица. 17 августа 2021 г. пост набрал тысячи отметок «нравится» и \
        сотни комментариев. Жители района обсуждают новость, а журналисты местной газеты выяснили, \
        что здание раньше занимала типография. Ремонт продолжался почти год, и теперь здесь будут \
        печь хлеб, булочки и пироги по старинным рецептам.";
    const GERMAN: &str = "Die Bäckerei am Hafen öffnet am Donnerstag eine neue Filiale. Die Inhaberin \
        schrieb auf Instagram, sie freue sich über die große Unterstützung der Nachbarschaft. Über \
        tausend Menschen haben den Beitrag geteilt; viele fragen nach Öffnungszeiten, Brötchenpreisen \
        und ob es weiterhin süße Teilchen gibt. Die Straße vor dem Geschäft wird für die Eröffnung \
        gesperrt, heißt es in der Mitteilung der Stadtverwaltung.";
    const POLISH: &str = "To jest test kodowania znaków. Piekarnia przy porcie otwiera w czwartek nowy \
        sklep. Właścicielka napisała na Instagramie, że dziękuje wszystkim za wsparcie, a wpis \
        udostępniło ponad tysiąc osób. Mieszkańcy dzielnicy pytają o godziny otwarcia, ceny bułek i \
        czy nadal będą sprzedawane słodkie wypieki. Ulica przed sklepem zostanie zamknięta w dniu \
        otwarcia, poinformował urząd miasta. Zażółć gęślą jaźń.";
    const JAPANESE: &str = "港のパン屋が木曜日に新しい店舗を開店します。店主はインスタグラムで「皆さんの\
        応援に感謝しています」と投稿しました。投稿には千件以上のいいねが付き、地域の住民の間で話題に\
        なっています。開店当日は店の前の道路が一部通行止めになると市役所が発表しました。";
    const CHINESE: &str = "港口面包店周四开业。店主在微博上写道：“感谢大家一直以来的支持。”该帖子获得了\
        上千次点赞和数百条评论，附近居民纷纷讨论这一消息。市政府表示，开业当天店铺前的道路将临时封闭，\
        请市民提前规划出行路线。";
    const KOREAN: &str = "항구 빵집이 목요일에 새 매장을 엽니다. 사장님은 인스타그램에 여러분의 응원에 \
        감사드립니다라고 올렸습니다. 이 게시물은 천 개 이상의 좋아요를 받았고 주민들 사이에서 화제가 \
        되고 있습니다. 시청은 개업 당일 매장 앞 도로가 일시적으로 통제된다고 밝혔습니다.";

    /// RUSSIAN without the typographic quotes and dash that KOI8-R and ISO-8859-5 lack.
    fn plain_russian() -> String {
        RUSSIAN.replace(['«', '»'], "\"").replace('—', "-")
    }

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = enc.encode(s);
        assert!(!unmappable, "{} cannot encode the sample", enc.name());
        bytes.into_owned()
    }

    fn html(meta: &str, body: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"xx\"><head>{meta}<title>Hafen</title></head>\n\
             <body><article><p>{body}</p></article></body></html>\n"
        )
    }

    /// Every pair of character boundaries (sampled) maps to an input span that re-decodes to the
    /// same substring.
    fn assert_roundtrip(doc: &Document, bytes: &[u8]) {
        assert_roundtrip_sampled(doc, bytes, 60);
    }

    fn assert_roundtrip_sampled(doc: &Document, bytes: &[u8], samples: usize) {
        let bounds: Vec<usize> = doc
            .text
            .char_indices()
            .map(|(i, _)| i)
            .chain([doc.text.len()])
            .collect();
        assert_eq!(doc.input_offset(doc.text.len()), bytes.len());
        let step = (bounds.len() / samples).max(1);
        for (ai, &a) in bounds.iter().enumerate().step_by(step) {
            for &b in bounds.iter().skip(ai).step_by(step) {
                let (s, e) = (doc.input_offset(a), doc.input_offset(b));
                assert!(s <= e && e <= bytes.len());
                let (redecoded, _) = doc.encoding.decode_without_bom_handling(&bytes[s..e]);
                assert_eq!(
                    redecoded,
                    &doc.text[a..b],
                    "{}: span {a}..{b} -> {s}..{e} in {:02X?}",
                    doc.charset(),
                    &bytes[s..e]
                );
            }
        }
    }

    fn assert_monotonic(doc: &Document, len: usize) {
        let mut prev = 0;
        for p in 0..=doc.text.len() + 2 {
            let o = doc.input_offset(p);
            assert!(o >= prev && o <= len, "offset {p} -> {o}");
            prev = o;
        }
        assert_eq!(doc.input_offset(doc.text.len()), len);
    }

    /// Deterministic garbage.
    fn garbage(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
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
            assert_eq!(sniff(&bytes, None), Sniff::Html);
            assert_eq!(sniff(&bytes, Some("a.txt")), Sniff::Text);
        }
    }

    /// Decodes `body` encoded in `enc` with a meta declaration (label `label`) and without one,
    /// checking text and rule; `detected` lists the encodings detection may legitimately choose.
    fn check_charset(enc: &'static Encoding, label: &str, body: &str, detected: &[&Encoding]) {
        let with_meta = html(&format!("<meta charset=\"{label}\">"), body);
        let bytes = encode(enc, &with_meta);
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!(doc.text, with_meta, "{label} with meta");
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Meta, enc));
        assert_roundtrip(&doc, &bytes);

        let http_equiv = html(
            &format!("<META CONTENT='text/html; Charset={label}' HTTP-EQUIV=Content-Type>"),
            body,
        );
        let bytes = encode(enc, &http_equiv);
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!(doc.text, http_equiv, "{label} http-equiv");
        assert_eq!((doc.rule, doc.encoding), (CharsetRule::Meta, enc));

        let bare = html("", body);
        let bytes = encode(enc, &bare);
        for kind in [DocKind::Html, DocKind::Text] {
            let doc = decode(&bytes, kind);
            assert_eq!(doc.rule, CharsetRule::Detected, "{label} detection");
            assert!(
                detected.contains(&doc.encoding),
                "{label}: detected {}",
                doc.charset()
            );
            assert_eq!(doc.text, bare, "{label} detected as {}", doc.charset());
            assert_roundtrip(&doc, &bytes);
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
    fn iso_2022_jp_by_declaration() {
        let src = html("<meta charset=iso-2022-jp>", JAPANESE);
        let bytes = encode(ISO_2022_JP, &src);
        let doc = decode(&bytes, DocKind::Html);
        assert_eq!(
            (doc.text.as_str(), doc.rule),
            (src.as_str(), CharsetRule::Meta)
        );
        assert_monotonic(&doc, bytes.len());
        // Spans starting in ASCII mode re-decode exactly.
        let p = doc.text.find("<title>").unwrap();
        let (s, e) = (doc.input_offset(p), doc.input_offset(p + 7));
        assert_eq!(&bytes[s..e], b"<title>");
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
        assert_eq!(sniff(&bytes, None), Sniff::Html);
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
        assert_eq!(doc.kind, DocKind::Text);
        assert_eq!(doc.text, src);
    }

    #[test]
    fn lossy_utf8_maps_exactly() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice("Пост «".as_bytes());
        bytes.extend_from_slice(b"\xFF\xE2\x82\x41\xC0\x80 ok \xF0\x9F\x98");
        bytes.extend_from_slice(" конец 😀 ".as_bytes());
        bytes.extend_from_slice(b"\xED\xA0\x80!");
        let doc = decode(&bytes, DocKind::Text);
        assert_eq!(doc.rule, CharsetRule::Bom);
        let (reference, _) = UTF_8.decode_without_bom_handling(&bytes[3..]);
        assert_eq!(doc.text, reference);
        assert_roundtrip(&doc, &bytes);
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
    fn mapping_of_encoded_spans() {
        // The span of a phrase in the text is the span of its encoded bytes in the input.
        let phrase = "17 августа 2021 г.";
        let src = html("<meta charset=windows-1251>", RUSSIAN);
        let bytes = encode(WINDOWS_1251, &src);
        let doc = decode(&bytes, DocKind::Html);
        let start = doc.text.find(phrase).unwrap();
        let (s, e) = (
            doc.input_offset(start),
            doc.input_offset(start + phrase.len()),
        );
        assert_eq!(bytes[s..e], encode(WINDOWS_1251, phrase)[..]);
        let phrase = "「皆さんの応援に感謝しています」";
        let bytes = encode(SHIFT_JIS, &html("", JAPANESE));
        let doc = decode(&bytes, DocKind::Html);
        let start = doc.text.find(phrase).unwrap();
        let (s, e) = (
            doc.input_offset(start),
            doc.input_offset(start + phrase.len()),
        );
        assert_eq!(bytes[s..e], encode(SHIFT_JIS, phrase)[..]);
    }

    /// Every decoder path produces exactly encoding_rs's text, with a monotonic map; for most
    /// encodings every span re-decodes to its substring even on garbage.
    #[test]
    fn garbage_matches_encoding_rs() {
        let encodings = [
            UTF_8,
            UTF_16LE,
            UTF_16BE,
            WINDOWS_1251,
            WINDOWS_1252,
            ISO_8859_2,
            ISO_8859_5,
            KOI8_R,
            SHIFT_JIS,
            EUC_JP,
            EUC_KR,
            GBK,
            GB18030,
            BIG5,
            ISO_2022_JP,
            X_USER_DEFINED,
        ];
        let mut inputs: Vec<Vec<u8>> = (0..40u64)
            .map(|s| garbage(s * 7919 + 1, (s as usize * 37) % 300))
            .collect();
        // Garbage biased towards lead/trail ranges and ASCII digits (gb18030 four-byte forms).
        inputs.extend((0..40u64).map(|s| {
            garbage(s + 99, 200)
                .into_iter()
                .map(|b| match b % 4 {
                    0 => 0x30 + b % 10,
                    1 => 0x81 + b % 0x7E,
                    2 => 0x1B,
                    _ => b,
                })
                .collect()
        }));
        inputs.push(b"\x81\x30".to_vec());
        inputs.push(b"\x81\x30\x81".to_vec());
        inputs.push(b"\x81\x30\x81\x20x".to_vec());
        inputs.push(b"\x81\x35\x20".to_vec());
        inputs.push(b"\x00\xD8\x41".to_vec());
        inputs.push(b"\x00\xD8\x00\xD8\x41\x00".to_vec());
        for bytes in &inputs {
            for enc in encodings {
                let (text, map) = decode_as(bytes, 0, enc, None);
                let (reference, _) = enc.decode_without_bom_handling(bytes);
                assert_eq!(text, reference, "{} on {bytes:02X?}", enc.name());
                let doc = Document {
                    text,
                    kind: DocKind::Text,
                    encoding: enc,
                    rule: CharsetRule::Detected,
                    map,
                    input_len: bytes.len(),
                };
                assert_monotonic(&doc, bytes.len());
                // Not for ISO-2022-JP (stateful) and gb18030/GBK: there a malformed "lead digit"
                // pair decodes as U+FFFD + digit in context but as one U+FFFD at end of input, so
                // a correctly mapped span can still re-decode differently.
                if ![ISO_2022_JP, GBK, GB18030].contains(&enc) {
                    assert_roundtrip_sampled(&doc, bytes, 12);
                }
            }
        }
    }

    #[test]
    fn never_panics() {
        for b in 0..=255u8 {
            for kind in [DocKind::Html, DocKind::Text] {
                let doc = decode(&[b], kind);
                assert_monotonic(&doc, 1);
            }
            let _ = sniff(&[b], None);
            let _ = sniff(&[b], Some("x.html"));
            let _ = prescan(&[b]);
            let _ = xml_declaration(&[b]);
        }
        for seed in 0..60u64 {
            let mut bytes = garbage(seed, (seed as usize * 131) % 3000);
            if seed % 3 == 0 {
                let mut prefixed = b"<meta charset=".to_vec();
                prefixed.extend_from_slice(
                    ["shift_jis", "gb18030", "utf-8", "iso-2022-jp"][seed as usize % 4].as_bytes(),
                );
                prefixed.extend_from_slice(&bytes);
                bytes = prefixed;
            }
            for kind in [DocKind::Html, DocKind::Text] {
                let doc = decode(&bytes, kind);
                assert_monotonic(&doc, bytes.len());
            }
            let _ = sniff(&bytes, None);
            let _ = sniff(&bytes, Some("a/b.c.md"));
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

    #[test]
    fn sniff_by_extension_and_content() {
        let page = html("", "hi");
        assert_eq!(sniff(page.as_bytes(), None), Sniff::Html);
        assert_eq!(sniff(page.as_bytes(), Some("notes.TXT")), Sniff::Text);
        assert_eq!(sniff(b"just words", Some("dir.v2/page.HTM")), Sniff::Html);
        assert_eq!(sniff(b"just words", Some("page.html.gz")), Sniff::Html);
        assert_eq!(sniff(b"just words", Some("C:\\x\\a.markdown")), Sniff::Text);
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
}
