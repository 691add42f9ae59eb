//! Test fixtures shared by the unit tests of `decode`, its submodules and content sniffing:
//! sample texts in several scripts, a page template, encoders and deterministic garbage, and
//! the checks that an offset map is exact.
//!
//! They live in one test-only module because the charset tests, the prescan tests, the offset
//! map tests and the sniffing tests all decode or sniff the same samples; copying them into each
//! test module would let the copies drift apart.

use encoding_rs::Encoding;

use super::{CharsetRule, DocKind, Document, decode};

// Sample news paragraphs, each long enough for chardetng to be sure of its charset.

/// Russian, with typographic quotes and a dash (windows-1251, not KOI8-R or ISO-8859-5).
pub(crate) const RUSSIAN: &str = "Опубликовано в Твиттере: «Мы открываем новую пекарню на набережной уже в этот \
    четверг», — написала владелица. 17 августа 2021 г. пост набрал тысячи отметок «нравится» и \
    сотни комментариев. Жители района обсуждают новость, а журналисты местной газеты выяснили, \
    что здание раньше занимала типография. Ремонт продолжался почти год, и теперь здесь будут \
    печь хлеб, булочки и пироги по старинным рецептам.";
/// German (windows-1252).
pub(crate) const GERMAN: &str = "Die Bäckerei am Hafen öffnet am Donnerstag eine neue Filiale. Die Inhaberin \
    schrieb auf Instagram, sie freue sich über die große Unterstützung der Nachbarschaft. Über \
    tausend Menschen haben den Beitrag geteilt; viele fragen nach Öffnungszeiten, Brötchenpreisen \
    und ob es weiterhin süße Teilchen gibt. Die Straße vor dem Geschäft wird für die Eröffnung \
    gesperrt, heißt es in der Mitteilung der Stadtverwaltung.";
/// Polish (ISO-8859-2, windows-1250).
pub(crate) const POLISH: &str = "To jest test kodowania znaków. Piekarnia przy porcie otwiera w czwartek nowy \
    sklep. Właścicielka napisała na Instagramie, że dziękuje wszystkim za wsparcie, a wpis \
    udostępniło ponad tysiąc osób. Mieszkańcy dzielnicy pytają o godziny otwarcia, ceny bułek i \
    czy nadal będą sprzedawane słodkie wypieki. Ulica przed sklepem zostanie zamknięta w dniu \
    otwarcia, poinformował urząd miasta. Zażółć gęślą jaźń.";
/// Japanese (Shift_JIS, EUC-JP, ISO-2022-JP).
pub(crate) const JAPANESE: &str = "港のパン屋が木曜日に新しい店舗を開店します。店主はインスタグラムで「皆さんの\
    応援に感謝しています」と投稿しました。投稿には千件以上のいいねが付き、地域の住民の間で話題に\
    なっています。開店当日は店の前の道路が一部通行止めになると市役所が発表しました。";
/// Simplified Chinese (GBK, gb18030).
pub(crate) const CHINESE: &str = "港口面包店周四开业。店主在微博上写道：“感谢大家一直以来的支持。”该帖子获得了\
    上千次点赞和数百条评论，附近居民纷纷讨论这一消息。市政府表示，开业当天店铺前的道路将临时封闭，\
    请市民提前规划出行路线。";
/// Korean (EUC-KR).
pub(crate) const KOREAN: &str = "항구 빵집이 목요일에 새 매장을 엽니다. 사장님은 인스타그램에 여러분의 응원에 \
    감사드립니다라고 올렸습니다. 이 게시물은 천 개 이상의 좋아요를 받았고 주민들 사이에서 화제가 \
    되고 있습니다. 시청은 개업 당일 매장 앞 도로가 일시적으로 통제된다고 밝혔습니다.";

/// `s` in `enc`; panics if `enc` cannot represent it, so a sample never silently loses text.
pub(crate) fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = enc.encode(s);
    assert!(!unmappable, "{} cannot encode the sample", enc.name());
    bytes.into_owned()
}

/// A minimal page with `meta` in its head and `body` in an article paragraph.
pub(crate) fn html(meta: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"xx\"><head>{meta}<title>Hafen</title></head>\n\
         <body><article><p>{body}</p></article></body></html>\n"
    )
}

/// Every pair of character boundaries (sampled) maps to an input span that re-decodes to the
/// same substring.
pub(crate) fn assert_roundtrip(doc: &Document, bytes: &[u8]) {
    assert_roundtrip_sampled(doc, bytes, 60);
}

/// [`assert_roundtrip`] over about `samples` boundaries in each direction.
pub(crate) fn assert_roundtrip_sampled(doc: &Document, bytes: &[u8], samples: usize) {
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

/// Input offsets never decrease along the text, stay within `len`, and the end maps to `len`.
pub(crate) fn assert_monotonic(doc: &Document, len: usize) {
    let mut prev = 0;
    for p in 0..=doc.text.len() + 2 {
        let o = doc.input_offset(p);
        assert!(o >= prev && o <= len, "offset {p} -> {o}");
        prev = o;
    }
    assert_eq!(doc.input_offset(doc.text.len()), len);
}

/// Deterministic garbage (xorshift), so a failing input can be reproduced from its seed.
pub(crate) fn garbage(seed: u64, len: usize) -> Vec<u8> {
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

/// Decodes `body` encoded in `enc` with a meta declaration (label `label`) and without one,
/// checking text and rule; `detected` lists the encodings detection may legitimately choose.
pub(crate) fn check_charset(
    enc: &'static Encoding,
    label: &str,
    body: &str,
    detected: &[&Encoding],
) {
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

/// Sixty pieces of garbage up to 3000 bytes long, every third one behind a `<meta charset=…>`
/// naming a multi-byte or stateful encoding, so that the declared-charset decoders get garbage
/// too. Whatever reads untrusted bytes must survive all of them.
pub(crate) fn garbage_documents() -> Vec<Vec<u8>> {
    (0..60u64)
        .map(|seed| {
            let bytes = garbage(seed, (seed as usize * 131) % 3000);
            if seed % 3 != 0 {
                return bytes;
            }
            let mut prefixed = b"<meta charset=".to_vec();
            prefixed.extend_from_slice(
                ["shift_jis", "gb18030", "utf-8", "iso-2022-jp"][seed as usize % 4].as_bytes(),
            );
            prefixed.extend_from_slice(&bytes);
            prefixed
        })
        .collect()
}
