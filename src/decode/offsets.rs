//! Decoding with a known encoding while recording where each character came from: the map
//! from decoded-text offsets back to input byte offsets that makes every reported span
//! byte-exact.
//!
//! For valid UTF-8 the text *is* the input minus the BOM, so the input offset of text offset `p`
//! is `p + bom_len` and no table is stored. Every other decode stores checkpoints
//! `(text_offset, input_offset)` at the characters where the running difference between the two
//! changes; offsets between checkpoints advance in lockstep, and a lookup is a binary search.
//!
//! encoding_rs does not say which input bytes produced which characters, so each decoder family
//! gets a decoder of its own here that produces exactly encoding_rs's text and maps each
//! character to the first byte of the input sequence that produced it:
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
//! Nothing here panics on any input (slicing goes through `get`), and the byte-by-byte loops are
//! bounded even against a decoder that stops making progress.

use encoding_rs::{DecoderResult, Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};

/// Text offset → input offset.
#[derive(Debug, Clone)]
pub(super) enum OffsetMap {
    /// Valid UTF-8: the text is the input after a BOM of this length.
    Shift(usize),
    /// Checkpoints `(text_offset, input_offset)`, sorted, starting at text offset 0; between
    /// checkpoints both offsets advance together.
    Table(Vec<(usize, usize)>),
}

impl OffsetMap {
    /// The input offset of the character that starts at text offset `p`. The caller moves `p`
    /// to a character boundary and clamps the result to the input length.
    pub(super) fn input_offset(&self, p: usize) -> usize {
        match self {
            OffsetMap::Shift(bom_len) => p + bom_len,
            OffsetMap::Table(cps) => {
                let idx = cps.partition_point(|&(t, _)| t <= p);
                match idx.checked_sub(1).and_then(|i| cps.get(i)) {
                    Some(&(t, i)) => i + (p - t),
                    None => p,
                }
            }
        }
    }
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

/// Decodes `bytes[start..]` (after a BOM of length `start`) with `encoding`. `valid` is the whole
/// input already validated as UTF-8, when it was.
pub(super) fn decode_as(
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

#[cfg(test)]
mod tests {
    //! Each decoder family produces exactly encoding_rs's text, and spans of the text map to the
    //! input bytes that encode them.

    use super::*;
    use crate::decode::fixtures::{
        JAPANESE, RUSSIAN, assert_monotonic, assert_roundtrip, assert_roundtrip_sampled, encode,
        garbage, html,
    };
    use crate::decode::{CharsetRule, DocKind, Document, decode};
    use encoding_rs::{
        BIG5, EUC_JP, EUC_KR, GB18030, GBK, ISO_2022_JP, ISO_8859_2, ISO_8859_5, KOI8_R, SHIFT_JIS,
        WINDOWS_1251, WINDOWS_1252, X_USER_DEFINED,
    };

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
}
