//! Parsing of the localized dates that embeds show as plain text.
//!
//! Tweet tails (`— Name (@handle) August 17, 2021`), Facebook `Posted by … on <date>` tails,
//! old Instagram `<time>` texts, Bluesky tails and BuzzFeed-style cards all print the post
//! date as text in the embedder's locale. This module
//! turns such text into a [`NaiveDate`] with a small hand-written tokenizer: no regex, and the
//! month / weekday lexicon is built once in a [`LazyLock`].
//!
//! Shapes understood (all case-insensitive; NFC and NFD accents both accepted):
//! * month first: `August 17, 2021`, `Aug. 17th, 2021`, `Sept 5, 2019`, 2012-era
//!   `Settembre 19, 2012`, and the Twitter API form `Fri Sep 30 15:13:45 UTC+0000 2016`;
//! * day first: `17 August 2021`, `17. Aug. 2021` (de), `1er août 2021` (fr),
//!   `17 de agosto de 2021` (es/pt), `17 августа 2021 г.` (ru/be, `р.` for uk, `r.` for pl);
//! * numeric: ISO `2021-08-17` (also with `T…` time), `2021/08/17`, `2021. 8. 17.`,
//!   `17.08.2021`;
//! * CJK: `2021年8月17日`, `2021년 8월 17일`, and 2012-era `3月 6, 2012` / `2월 8, 2012`.
//!
//! Month names: English, German, French, Spanish, Portuguese, Italian, Dutch, Polish, Turkish,
//! Russian, Ukrainian, Belarusian (nominative, genitive and common abbreviations), plus a few
//! Scandinavian / Indonesian spellings that cost nothing.
//!
//! [`parse_date`] accepts a whole string, which may carry a leading weekday
//! (`Thursday, `, `Вторник, `, `segunda-feira, `), a leading clock time
//! (`05:38 PM - 07 Jun 2019`), and a trailing weekday, time, zone or offset
//! (`at 4:20 PM`, `à 11h25 PDT`, `Pazartesi`, `T21:48:40.709Z`). Anything else left over
//! makes it `None`. [`date_at_start`] reads a date at the start of running text and reports
//! where it ends, so text glued after the year (`2021Next sentence`) does not matter.
//!
//! Edge cases: years must have exactly four digits and lie in 1990..=2100; impossible calendar
//! dates (`February 30, 2021`) are `None`; Arabic-Indic, Devanagari and full-width digits are
//! read as ASCII digits; zero-width and bidi control characters count as whitespace.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Embeds in the corpus start in 2006; 1990 leaves room for odd back-dated pages while still
/// rejecting numbers that merely look like years.
const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;

/// A whole date string with time and zone needs about 25 tokens; more than this is prose.
const MAX_TOKENS_WHOLE: usize = 64;
/// `date_at_start` reads running text: a date with leading weekday and time fits in this many
/// tokens, and the cap keeps the cost independent of the text length.
const MAX_TOKENS_PREFIX: usize = 40;
/// Longer words are never month or weekday names; skipping them bounds the folding work.
const MAX_WORD_BYTES: usize = 64;

// Word classes. One word may have several (e.g. "a" is a connector, an ordinal and the first
// letter of "a.m."), so they are bit flags rather than an enum.
const WEEKDAY: u16 = 1;
const CJK_WEEKDAY: u16 = 1 << 1;
const CONNECTOR: u16 = 1 << 2;
const OF: u16 = 1 << 3;
const ORDINAL: u16 = 1 << 4;
const SUFFIX: u16 = 1 << 5;
const TZ: u16 = 1 << 6;
const AMPM: u16 = 1 << 7;
const AP_LETTER: u16 = 1 << 8;
const M_LETTER: u16 = 1 << 9;
const HOUR_H: u16 = 1 << 10;
const YEAR_MARK: u16 = 1 << 11;
const MONTH_MARK: u16 = 1 << 12;
const DAY_MARK: u16 = 1 << 13;

/// Month tables: twelve entries each, variants separated by `|`. Keys are folded (NFD,
/// marks stripped, lowercased) when the lexicon is built, so accents here are only for the
/// reader; "maerz" is listed because folding "März" gives "marz", not the German transliteration.
const MONTH_TABLES: &[[&str; 12]] = &[
    // en
    [
        "january|jan",
        "february|feb",
        "march|mar",
        "april|apr",
        "may",
        "june|jun",
        "july|jul",
        "august|aug",
        "september|sep|sept",
        "october|oct",
        "november|nov",
        "december|dec",
    ],
    // de (with Austrian Jänner/Feber)
    [
        "januar|jänner|jan",
        "februar|feber|feb",
        "märz|maerz|mär|mrz",
        "april|apr",
        "mai",
        "juni|jun",
        "juli|jul",
        "august|aug",
        "september|sep|sept",
        "oktober|okt",
        "november|nov",
        "dezember|dez",
    ],
    // fr
    [
        "janvier|janv",
        "février|févr|fév",
        "mars",
        "avril|avr",
        "mai",
        "juin",
        "juillet|juil",
        "août",
        "septembre|sept",
        "octobre|oct",
        "novembre|nov",
        "décembre|déc",
    ],
    // es (Latin American "setiembre" too)
    [
        "enero|ene",
        "febrero|feb",
        "marzo|mar",
        "abril|abr",
        "mayo|may",
        "junio|jun",
        "julio|jul",
        "agosto|ago",
        "septiembre|setiembre|sep|sept|set",
        "octubre|oct",
        "noviembre|nov",
        "diciembre|dic",
    ],
    // pt
    [
        "janeiro|jan",
        "fevereiro|fev",
        "março|mar",
        "abril|abr",
        "maio|mai",
        "junho|jun",
        "julho|jul",
        "agosto|ago",
        "setembro|set",
        "outubro|out",
        "novembro|nov",
        "dezembro|dez",
    ],
    // it
    [
        "gennaio|gen",
        "febbraio|feb",
        "marzo|mar",
        "aprile|apr",
        "maggio|mag",
        "giugno|giu",
        "luglio|lug",
        "agosto|ago",
        "settembre|set",
        "ottobre|ott",
        "novembre|nov",
        "dicembre|dic",
    ],
    // nl
    [
        "januari|jan",
        "februari|feb",
        "maart|mrt",
        "april|apr",
        "mei",
        "juni|jun",
        "juli|jul",
        "augustus|aug",
        "september|sep|sept",
        "oktober|okt",
        "november|nov",
        "december|dec",
    ],
    // pl (nominative, genitive, abbreviation)
    [
        "styczeń|stycznia|sty",
        "luty|lutego|lut",
        "marzec|marca|mar",
        "kwiecień|kwietnia|kwi",
        "maj|maja",
        "czerwiec|czerwca|cze",
        "lipiec|lipca|lip",
        "sierpień|sierpnia|sie",
        "wrzesień|września|wrz",
        "październik|października|paź",
        "listopad|listopada|lis",
        "grudzień|grudnia|gru",
    ],
    // tr
    [
        "ocak|oca",
        "şubat|şub",
        "mart|mar",
        "nisan|nis",
        "mayıs|may",
        "haziran|haz",
        "temmuz|tem",
        "ağustos|ağu",
        "eylül|eyl",
        "ekim|eki",
        "kasım|kas",
        "aralık|ara",
    ],
    // ru (genitive, nominative, abbreviation)
    [
        "января|январь|янв",
        "февраля|февраль|февр|фев",
        "марта|март|мар",
        "апреля|апрель|апр",
        "мая|май",
        "июня|июнь|июн",
        "июля|июль|июл",
        "августа|август|авг",
        "сентября|сентябрь|сент|сен",
        "октября|октябрь|окт",
        "ноября|ноябрь|нояб|ноя",
        "декабря|декабрь|дек",
    ],
    // uk
    [
        "січня|січень|січ",
        "лютого|лютий|лют",
        "березня|березень|бер",
        "квітня|квітень|квіт|кві",
        "травня|травень|трав|тра",
        "червня|червень|черв|чер",
        "липня|липень|лип",
        "серпня|серпень|серп|сер",
        "вересня|вересень|вер",
        "жовтня|жовтень|жовт|жов",
        "листопада|листопад|лист|лис",
        "грудня|грудень|груд|гру",
    ],
    // be
    [
        "студзеня|студзень",
        "лютага|люты",
        "сакавіка|сакавік",
        "красавіка|красавік",
        "мая|май",
        "чэрвеня|чэрвень",
        "ліпеня|ліпень",
        "жніўня|жнівень",
        "верасня|верасень",
        "кастрычніка|кастрычнік",
        "лістапада|лістапад",
        "снежня|снежань",
    ],
    // sv / da / no / id spellings not covered above
    [
        "januari|januar",
        "februari|februar",
        "maret|mars",
        "april",
        "mei|maj|mai",
        "juni",
        "juli",
        "augusti|agustus|august",
        "september",
        "oktober",
        "november",
        "desember|december",
    ],
];

/// Non-month words, whitespace separated, with the class they belong to.
const FLAG_WORDS: &[(&str, u16)] = &[
    // Weekdays: skipped before the date (Facebook "Thursday, May 2, 2024") and after it
    // (Turkish "9 Ocak 2017 Pazartesi"). "feira" lets "segunda-feira" pass as two words.
    (
        "monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri \
         saturday sat sunday sun \
         lunes martes miércoles jueves viernes sábado domingo \
         segunda terça quarta quinta sexta feira \
         lundi mardi mercredi jeudi vendredi samedi dimanche \
         montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag \
         lunedì martedì mercoledì giovedì venerdì sabato domenica \
         maandag dinsdag woensdag donderdag vrijdag zaterdag zondag \
         poniedziałek wtorek środa czwartek piątek sobota niedziela \
         pazartesi salı çarşamba perşembe cuma cumartesi pazar \
         понедельник вторник среда четверг пятница суббота воскресенье \
         понеділок вівторок середа четвер п'ятниця пятниця субота неділя \
         панядзелак аўторак серада чацвер пятніца нядзеля",
        WEEKDAY,
    ),
    // Japanese / Korean one-character weekdays, as in "2021年8月17日(火)"; only trailing.
    ("月 火 水 木 金 土 日 월 화 수 목 금 토 일", CJK_WEEKDAY),
    // Filler between a date and its time: "at 4:20 PM", "à 11h25", "a las 10:00",
    // "um 10 Uhr", "в 10:00", "alle ore 10", "om 10:00", "saat 10:00", "o godz. 10";
    // "t" is the ISO date/time separator.
    (
        "at à às a las la um uhr в во о o alle ore om saat kl klo godz godzina de del du le \
         t h hs horas ч",
        CONNECTOR,
    ),
    ("de del of", OF),
    // Ordinal endings glued to the day: "17th", "1er", "1re", "2e", "2ème", "1º", "1ª".
    ("st nd rd th er re e eme ème o a º ª", ORDINAL),
    // Year words after the year: ru/be "г." / "года", uk "р." / "року", pl "r." / "roku".
    ("г года году год р року році рік r roku", SUFFIX),
    (
        "utc ut gmt z pst pdt mst mdt cst cdt est edt akst akdt hst bst ist cet cest eet eest \
         wet west msk jst kst aest aedt acst acdt awst nzst nzdt sgt hkt",
        TZ,
    ),
    ("am pm", AMPM),
    ("a p", AP_LETTER),
    ("m", M_LETTER),
    ("h", HOUR_H),
    ("年 년", YEAR_MARK),
    ("月 월", MONTH_MARK),
    ("日 일 号 號", DAY_MARK),
];

/// What the lexicon knows about one folded word: its month (0 = none) and class flags.
#[derive(Clone, Copy, Debug, Default)]
struct Info {
    month: u32,
    flags: u16,
}

static LEXICON: LazyLock<HashMap<String, Info>> = LazyLock::new(build_lexicon);

fn build_lexicon() -> HashMap<String, Info> {
    let mut map: HashMap<String, Info> = HashMap::new();
    let mut key = String::new();
    for table in MONTH_TABLES {
        for (month, variants) in (1u32..).zip(table.iter()) {
            for variant in variants.split('|') {
                fold_into(&mut key, variant);
                let entry = map.entry(key.clone()).or_default();
                // First table wins; the tests check that no two tables disagree.
                if entry.month == 0 {
                    entry.month = month;
                }
            }
        }
    }
    for &(words, flag) in FLAG_WORDS {
        for word in words.split_whitespace() {
            fold_into(&mut key, word);
            map.entry(key.clone()).or_default().flags |= flag;
        }
    }
    map
}

/// Folds a word to its lookup key: NFD, combining marks and apostrophes removed, lowercased,
/// Turkish dotless ı read as i. This makes NFC/NFD input, capitalisation ("Mars", "KASIM",
/// "PAZARTESİ") and missing accents ("aout", "Agustos") all land on the same key.
fn fold_into(buf: &mut String, word: &str) {
    buf.clear();
    for c in word.nfd() {
        if is_combining_mark(c) || is_apostrophe(c) {
            continue;
        }
        for l in c.to_lowercase() {
            if !is_combining_mark(l) {
                buf.push(if l == 'ı' { 'i' } else { l });
            }
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Whitespace plus invisible characters that CMSs and extractors leave inside dates.
fn is_ignorable(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Decimal digit value for ASCII, Arabic-Indic, Extended Arabic-Indic, Devanagari and
/// full-width digits (the last occur in Japanese text).
fn digit_value(c: char) -> Option<u32> {
    let zero = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{0966}'..='\u{096F}' => '\u{0966}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    Some(u32::from(c) - u32::from(zero))
}

/// The CJK date marks become one-character tokens because the text after "日" / "일" is often
/// glued on ("17日のツイート"), and a word token would swallow it.
fn is_split_char(c: char) -> bool {
    matches!(c, '年' | '月' | '日' | '년' | '월' | '일')
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || is_combining_mark(c)
}

/// Maps full-width and dash-like punctuation onto the ASCII forms the parser checks for.
fn normalize_punct(c: char) -> char {
    match c {
        '，' | '、' => ',',
        '．' | '。' => '.',
        '：' => ':',
        '（' => '(',
        '）' => ')',
        '／' => '/',
        '＋' => '+',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '－' => '-',
        other => other,
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Num { value: u32, digits: u32 },
    Word(Info),
    Punct(char),
}

/// One token with its byte range in the input (always on char boundaries).
#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Splits `s` into numbers, words and single punctuation characters, skipping whitespace.
/// Stops after `max` tokens; the flag says whether the whole input was consumed.
fn tokenize(s: &str, max: usize) -> (Vec<Tok>, bool) {
    let lexicon = &*LEXICON;
    let mut toks = Vec::new();
    let mut key = String::new();
    let char_at = |i: usize| s.get(i..).and_then(|rest| rest.chars().next());
    let mut i = 0;
    while let Some(c) = char_at(i) {
        if is_ignorable(c) {
            i += c.len_utf8();
            continue;
        }
        if toks.len() >= max {
            return (toks, false);
        }
        let start = i;
        if digit_value(c).is_some() {
            let (mut value, mut digits) = (0u32, 0u32);
            while let Some(d) = char_at(i).and_then(|c| digit_value(c).map(|d| (c, d))) {
                value = value.saturating_mul(10).saturating_add(d.1);
                digits = digits.saturating_add(1);
                i += d.0.len_utf8();
            }
            toks.push(Tok {
                kind: Kind::Num { value, digits },
                start,
                end: i,
            });
            continue;
        }
        if is_split_char(c) || is_word_char(c) {
            i += c.len_utf8();
            if !is_split_char(c) {
                while let Some(n) = char_at(i) {
                    if is_split_char(n) || digit_value(n).is_some() {
                        break;
                    }
                    if is_word_char(n) {
                        i += n.len_utf8();
                    } else if is_apostrophe(n)
                        && char_at(i + n.len_utf8())
                            .is_some_and(|m| is_word_char(m) && !is_split_char(m))
                    {
                        // "п'ятниця": an apostrophe between letters stays inside the word.
                        i += n.len_utf8();
                    } else {
                        break;
                    }
                }
            }
            let word = s.get(start..i).unwrap_or("");
            let info = if word.len() <= MAX_WORD_BYTES {
                fold_into(&mut key, word);
                lexicon.get(key.as_str()).copied().unwrap_or_default()
            } else {
                Info::default()
            };
            toks.push(Tok {
                kind: Kind::Word(info),
                start,
                end: i,
            });
            continue;
        }
        i += c.len_utf8();
        toks.push(Tok {
            kind: Kind::Punct(normalize_punct(c)),
            start,
            end: i,
        });
    }
    (toks, true)
}

/// Recursive-descent matcher over a token slice. Every method takes a token index and returns
/// the index after what it matched; out-of-range indices simply fail to match.
struct Parser<'a> {
    toks: &'a [Tok],
}

impl Parser<'_> {
    fn num(&self, i: usize) -> Option<(u32, u32)> {
        match self.toks.get(i)?.kind {
            Kind::Num { value, digits } => Some((value, digits)),
            _ => None,
        }
    }

    fn info(&self, i: usize) -> Option<Info> {
        match self.toks.get(i)?.kind {
            Kind::Word(info) => Some(info),
            _ => None,
        }
    }

    fn has(&self, i: usize, flag: u16) -> bool {
        self.info(i).is_some_and(|w| w.flags & flag != 0)
    }

    fn month_word(&self, i: usize) -> Option<u32> {
        self.info(i).map(|w| w.month).filter(|&m| m != 0)
    }

    fn punct(&self, i: usize) -> Option<char> {
        match self.toks.get(i)?.kind {
            Kind::Punct(c) => Some(c),
            _ => None,
        }
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        self.punct(i) == Some(c)
    }

    /// True when token `i` follows token `i - 1` with nothing in between ("17th", "11h25").
    fn adjacent(&self, i: usize) -> bool {
        match (
            i.checked_sub(1).and_then(|p| self.toks.get(p)),
            self.toks.get(i),
        ) {
            (Some(a), Some(b)) => a.end == b.start,
            _ => false,
        }
    }

    fn year(&self, i: usize) -> Option<i32> {
        let (value, digits) = self.num(i)?;
        let year = i32::try_from(value).ok()?;
        (digits == 4 && (MIN_YEAR..=MAX_YEAR).contains(&year)).then_some(year)
    }

    fn day(&self, i: usize) -> Option<u32> {
        let (value, digits) = self.num(i)?;
        ((1..=2).contains(&digits) && (1..=31).contains(&value)).then_some(value)
    }

    fn month_num(&self, i: usize) -> Option<u32> {
        let (value, digits) = self.num(i)?;
        ((1..=2).contains(&digits) && (1..=12).contains(&value)).then_some(value)
    }

    /// A date, optionally preceded by a weekday ("Thursday, ") or a clock time
    /// ("05:38 PM - " on BuzzFeed cards). Returns the index after the date proper.
    fn date_from(&self, i: usize) -> Option<(usize, NaiveDate)> {
        let mut j = i;
        if self.has(j, WEEKDAY) {
            j += 1;
            while self.is_punct(j, '-') && self.has(j + 1, WEEKDAY) {
                j += 2;
            }
            if matches!(self.punct(j), Some(',' | '.')) {
                j += 1;
            }
        }
        if let Some(found) = self.core(j) {
            return Some(found);
        }
        let mut k = self.time(j)?;
        // Separators between a clock time and the date: `-`, `,`, `|`, and the dots cards use
        // (`·` middle dot, `∙` bullet operator, `•` bullet).
        if matches!(self.punct(k), Some('-' | ',' | '·' | '∙' | '•' | '|')) {
            k += 1;
        }
        self.core(k)
    }

    fn core(&self, i: usize) -> Option<(usize, NaiveDate)> {
        self.ymd_numeric(i)
            .or_else(|| self.cjk(i))
            .or_else(|| self.cjk_old(i))
            .or_else(|| self.day_first(i))
            .or_else(|| self.dmy_numeric(i))
            .or_else(|| self.month_first(i))
    }

    /// "2021-08-17", "2021/08/17", "2021.08.17", Korean "2021. 8. 17".
    fn ymd_numeric(&self, i: usize) -> Option<(usize, NaiveDate)> {
        let y = self.year(i)?;
        let sep = self.punct(i + 1).filter(|c| matches!(c, '-' | '/' | '.'))?;
        let m = self.month_num(i + 2)?;
        if !self.is_punct(i + 3, sep) {
            return None;
        }
        let d = self.day(i + 4)?;
        Some((i + 5, NaiveDate::from_ymd_opt(y, m, d)?))
    }

    /// "2021年8月17日", "2021년 8월 17일".
    fn cjk(&self, i: usize) -> Option<(usize, NaiveDate)> {
        let y = self.year(i)?;
        if !self.has(i + 1, YEAR_MARK) {
            return None;
        }
        let m = self.month_num(i + 2)?;
        if !self.has(i + 3, MONTH_MARK) {
            return None;
        }
        let d = self.day(i + 4)?;
        if !self.has(i + 5, DAY_MARK) {
            return None;
        }
        Some((i + 6, NaiveDate::from_ymd_opt(y, m, d)?))
    }

    /// 2012-era Twitter widgets printed the English order with a localized month:
    /// "3月 6, 2012", "2월 8, 2012".
    fn cjk_old(&self, i: usize) -> Option<(usize, NaiveDate)> {
        let m = self.month_num(i)?;
        if !self.has(i + 1, MONTH_MARK) {
            return None;
        }
        let d = self.day(i + 2)?;
        let mut j = i + 3;
        if self.is_punct(j, ',') {
            j += 1;
        }
        let y = self.year(j)?;
        Some((j + 1, NaiveDate::from_ymd_opt(y, m, d)?))
    }

    /// "17 August 2021", "17. Aug. 2021", "1er août 2021", "17 de agosto de 2021",
    /// "17 августа 2021 г.".
    fn day_first(&self, i: usize) -> Option<(usize, NaiveDate)> {
        let d = self.day(i)?;
        let mut j = i + 1;
        if self.has(j, ORDINAL) && self.adjacent(j) {
            j += 1;
        }
        if self.is_punct(j, '.') {
            j += 1;
        }
        if self.has(j, OF) {
            j += 1;
        }
        let m = self.month_word(j)?;
        j += 1;
        if self.is_punct(j, '.') && self.adjacent(j) {
            j += 1;
        }
        if self.is_punct(j, ',') {
            j += 1;
        }
        if self.has(j, OF) {
            j += 1;
        }
        let y = self.year(j)?;
        Some((self.suffix(j + 1), NaiveDate::from_ymd_opt(y, m, d)?))
    }

    /// "17.08.2021" (de/ru/pl/tr numeric style).
    fn dmy_numeric(&self, i: usize) -> Option<(usize, NaiveDate)> {
        let d = self.day(i)?;
        if !self.is_punct(i + 1, '.') {
            return None;
        }
        let m = self.month_num(i + 2)?;
        if !self.is_punct(i + 3, '.') {
            return None;
        }
        let y = self.year(i + 4)?;
        Some((self.suffix(i + 5), NaiveDate::from_ymd_opt(y, m, d)?))
    }

    /// "August 17, 2021", "Aug. 17th, 2021", "Settembre 19, 2012", and the Twitter API's
    /// "Sep 30 15:13:45 UTC+0000 2016" with the time between day and year.
    fn month_first(&self, i: usize) -> Option<(usize, NaiveDate)> {
        let m = self.month_word(i)?;
        let mut j = i + 1;
        if self.is_punct(j, '.') {
            j += 1;
        }
        let d = self.day(j)?;
        j += 1;
        if self.has(j, ORDINAL) && self.adjacent(j) {
            j += 1;
        }
        if self.is_punct(j, ',') {
            j += 1;
        }
        let y = match self.year(j) {
            Some(y) => y,
            None => {
                j = self.time(j)?;
                if self.is_punct(j, ',') {
                    j += 1;
                }
                self.year(j)?
            }
        };
        Some((self.suffix(j + 1), NaiveDate::from_ymd_opt(y, m, d)?))
    }

    /// Skips "г." / "р." / "года" / "r." after the year; the dot only when glued to it.
    fn suffix(&self, j: usize) -> usize {
        if !self.has(j, SUFFIX) {
            return j;
        }
        if self.is_punct(j + 1, '.') && self.adjacent(j + 1) {
            j + 2
        } else {
            j + 1
        }
    }

    /// A clock time with optional seconds, fraction, am/pm and zone: "4:20 PM", "2:10am PDT",
    /// "11h25", "15:13:45 UTC+0000", "21:48:40.709Z", "4 PM".
    fn time(&self, i: usize) -> Option<usize> {
        let (hour, digits) = self.num(i)?;
        if !(1..=2).contains(&digits) || hour > 24 {
            return None;
        }
        let two_digits = |k: usize, limit: u32| {
            self.num(k)
                .is_some_and(|(v, d)| d == 2 && v < limit && self.adjacent(k))
        };
        let mut j = i + 1;
        if matches!(self.punct(j), Some(':' | '.')) && self.adjacent(j) && two_digits(j + 1, 60) {
            j += 2;
            if self.is_punct(j, ':') && self.adjacent(j) && two_digits(j + 1, 61) {
                j += 2;
                if self.is_punct(j, '.') && self.adjacent(j) && self.num(j + 1).is_some() {
                    j += 2;
                }
            }
        } else if self.has(j, HOUR_H) && self.adjacent(j) {
            // French "11h25" or "11h".
            j += 1;
            if two_digits(j, 60) {
                j += 1;
            }
        } else if !self.has(j, AMPM) {
            return None;
        }
        if self.has(j, AMPM) {
            j += 1;
        } else if self.has(j, AP_LETTER) && self.is_punct(j + 1, '.') && self.has(j + 2, M_LETTER) {
            // "a.m." / "p.m."
            j += 3;
            if self.is_punct(j, '.') && self.adjacent(j) {
                j += 1;
            }
        }
        Some(self.tz(j).unwrap_or(j))
    }

    /// A zone name with optional offset ("PDT", "UTC+0000", "GMT-7", "Z") or a bare offset
    /// ("+00:00", "-0700").
    fn tz(&self, i: usize) -> Option<usize> {
        if self.has(i, TZ) {
            let j = i + 1;
            return Some(self.offset(j, true).unwrap_or(j));
        }
        self.offset(i, false)
    }

    fn offset(&self, i: usize, after_zone: bool) -> Option<usize> {
        if !matches!(self.punct(i), Some('+' | '-')) || !self.adjacent(i + 1) {
            return None;
        }
        let (value, digits) = self.num(i + 1)?;
        match digits {
            4 if value % 100 < 60 => Some(i + 2),
            1 | 2 => {
                let colon = self.is_punct(i + 2, ':') && self.adjacent(i + 2);
                if colon && self.num(i + 3).is_some_and(|(_, d)| d == 2) && self.adjacent(i + 3) {
                    Some(i + 4)
                } else if after_zone {
                    Some(i + 2)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Whether everything from `j` on is time, zone, weekday, connector words or separators.
    fn tail_ok(&self, mut j: usize) -> bool {
        while let Some(tok) = self.toks.get(j) {
            if let Some(k) = self.time(j).or_else(|| self.tz(j)) {
                j = k;
                continue;
            }
            let ok = match tok.kind {
                Kind::Punct(c) => matches!(
                    c,
                    ',' | '.' | '-' | '·' | '∙' | '•' | '|' | '(' | ')' | '[' | ']' | '@' | '/'
                ),
                Kind::Word(info) => info.flags & (WEEKDAY | CJK_WEEKDAY | CONNECTOR | AMPM) != 0,
                Kind::Num { .. } => false,
            };
            if !ok {
                return false;
            }
            j += 1;
        }
        true
    }
}

/// Parses a date string as shown in an embed (whole string, trimmed; trailing time like
/// "at 4:20 PM", "à 11h25 PDT", a leading weekday "Thursday, " or trailing weekday "Pazartesi",
/// Russian "г.", Ukrainian "р." are allowed). None when it is not a date.
///
/// Examples of accepted input: `August 17, 2021`, `17 августа 2021 г.`, `2021年8月17日`,
/// `Jueves, 12 de noviembre de 2020`, `2024-04-15T21:48:40.709Z`,
/// `Fri Sep 30 15:13:45 UTC+0000 2016`. Years outside 1990..=2100 and impossible dates give
/// `None`, as do strings with other words left over ("August 17, 2021 hello").
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let (toks, complete) = tokenize(s, MAX_TOKENS_WHOLE);
    if !complete {
        return None;
    }
    let parser = Parser { toks: &toks };
    let (end, date) = parser.date_from(0)?;
    parser.tail_ok(end).then_some(date)
}

/// Finds a date that begins at the start of `s` (leading whitespace, incl. newlines, allowed) and
/// returns the byte range of the date text inside `s` (from its first to last character, e.g. for
/// "  August 17, 2021Next sentence" → 2..17 and 2021-08-17) and the date. Used to read the date
/// after "(@handle)" in flattened text, where the next sentence may follow with no space.
/// The year must be exactly 4 digits and must not be followed by another digit.
///
/// The range covers a leading weekday or clock time when present and ends after the year, or
/// after a year word ("г.", "р."), or after "日" / "일"; trailing times ("at 4:20 PM") and
/// weekdays are left outside it. Only the first few dozen tokens of `s` are looked at, so the
/// cost does not grow with the length of the text.
pub fn date_at_start(s: &str) -> Option<(Range<usize>, NaiveDate)> {
    let (toks, _) = tokenize(s, MAX_TOKENS_PREFIX);
    let parser = Parser { toks: &toks };
    let (end, date) = parser.date_from(0)?;
    let first = toks.first()?;
    let last = toks.get(end.checked_sub(1)?)?;
    Some((first.start..last.end, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(s: &str) -> Option<NaiveDate> {
        parse_date(s)
    }

    /// date_at_start, returning the sliced text instead of the range for readable asserts.
    fn at(s: &str) -> Option<(&str, NaiveDate)> {
        date_at_start(s).map(|(r, date)| (&s[r], date))
    }

    #[test]
    fn english_month_first() {
        assert_eq!(p("August 17, 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("Aug 17, 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("Aug. 17, 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("Sept 5, 2019"), Some(d(2019, 9, 5)));
        assert_eq!(p("august 17 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("AUGUST 17, 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("Aug 17th, 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("  December 31, 2017  "), Some(d(2017, 12, 31)));
    }

    #[test]
    fn english_day_first() {
        assert_eq!(p("17 August 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("17 Aug 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("7 Oct 2016"), Some(d(2016, 10, 7)));
        assert_eq!(p("17th of August, 2021"), Some(d(2021, 8, 17)));
    }

    #[test]
    fn english_weekdays_and_times() {
        assert_eq!(p("Thursday, May 2, 2024"), Some(d(2024, 5, 2)));
        assert_eq!(p("Monday, 26 October 2020"), Some(d(2020, 10, 26)));
        assert_eq!(p("Wednesday, August 30, 2023"), Some(d(2023, 8, 30)));
        assert_eq!(p("March 4, 2025 at 4:20 PM"), Some(d(2025, 3, 4)));
        assert_eq!(p("Nov 27, 2024 at 9:42 AM"), Some(d(2024, 11, 27)));
        assert_eq!(p("June 10, 2025 at 6:19 PM"), Some(d(2025, 6, 10)));
        assert_eq!(p("20 January 2025 at 10:00"), Some(d(2025, 1, 20)));
        assert_eq!(p("Apr 27, 2019 at 2:10am PDT"), Some(d(2019, 4, 27)));
        assert_eq!(p("May 8, 2012 at 2:58am PDT"), Some(d(2012, 5, 8)));
        assert_eq!(p("May 8, 2012 at 2:58 a.m. PDT"), Some(d(2012, 5, 8)));
        assert_eq!(p("May 8, 2012 at 4 PM"), Some(d(2012, 5, 8)));
        // Cards write the clock time first, then a dot of some kind.
        assert_eq!(p("1:25 PM · May 25, 2021"), Some(d(2021, 5, 25)));
        assert_eq!(p("8:44 AM ∙ Mar 15, 2023"), Some(d(2023, 3, 15)));
        assert_eq!(p("8:44 AM • Mar 15, 2023"), Some(d(2023, 3, 15)));
        assert_eq!(p("December 12th 2022, 4:40am EST"), Some(d(2022, 12, 12)));
        assert_eq!(p("June 12th 2022"), Some(d(2022, 6, 12)));
    }

    #[test]
    fn iso_forms() {
        assert_eq!(p("2021-08-17"), Some(d(2021, 8, 17)));
        assert_eq!(p("2024-04-15T21:48:40.709Z"), Some(d(2024, 4, 15)));
        assert_eq!(p("2012-09-19T15:23:56+00:00"), Some(d(2012, 9, 19)));
        assert_eq!(p("2012-09-19T15:23:56-0700"), Some(d(2012, 9, 19)));
        assert_eq!(p("2021/08/17"), Some(d(2021, 8, 17)));
        assert_eq!(p("2021-13-01"), None);
        assert_eq!(p("2021-08"), None);
        assert_eq!(p("2021-08-17 garbage"), None);
    }

    #[test]
    fn buzzfeed_card_forms() {
        assert_eq!(p("05:38 PM - 07 Jun 2019"), Some(d(2019, 6, 7)));
        assert_eq!(p("Fri Sep 30 15:13:45 UTC+0000 2016"), Some(d(2016, 9, 30)));
        assert_eq!(p("Fri Sep 30 15:13:45 +0000 2016"), Some(d(2016, 9, 30)));
    }

    #[test]
    fn russian() {
        assert_eq!(p("17 августа 2021 г."), Some(d(2021, 8, 17)));
        assert_eq!(p("7 июля 2016\nг."), Some(d(2016, 7, 7)));
        assert_eq!(p("Вторник, 17 марта 2020 г."), Some(d(2020, 3, 17)));
        assert_eq!(p("17 август 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("1 мая 2019 года"), Some(d(2019, 5, 1)));
        assert_eq!(p("5 МАЯ 2019 Г."), Some(d(2019, 5, 5)));
        // NFD "й" in the nominative "май".
        assert_eq!(p("5 маи\u{306} 2019"), Some(d(2019, 5, 5)));
        assert_eq!(p("17 авг. 2021 г."), Some(d(2021, 8, 17)));
    }

    #[test]
    fn ukrainian() {
        assert_eq!(p("17 серпня 2021 р."), Some(d(2021, 8, 17)));
        assert_eq!(p("17 серпень 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("3 листопада 2020 р."), Some(d(2020, 11, 3)));
        assert_eq!(p("1 лютого 2022 року"), Some(d(2022, 2, 1)));
        assert_eq!(p("П'ятниця, 3 квітня 2020 р."), Some(d(2020, 4, 3)));
    }

    #[test]
    fn belarusian() {
        assert_eq!(p("17 жніўня 2021 г."), Some(d(2021, 8, 17)));
        // NFD "ў".
        assert_eq!(p("17 жні\u{443}\u{306}ня 2021 г."), Some(d(2021, 8, 17)));
        let genitive = [
            "студзеня",
            "лютага",
            "сакавіка",
            "красавіка",
            "мая",
            "чэрвеня",
            "ліпеня",
            "жніўня",
            "верасня",
            "кастрычніка",
            "лістапада",
            "снежня",
        ];
        for (m, name) in (1u32..).zip(genitive) {
            assert_eq!(
                p(&format!("2 {name} 2020 г.")),
                Some(d(2020, m, 2)),
                "{name}"
            );
        }
    }

    #[test]
    fn german() {
        assert_eq!(p("17. August 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("17. Aug. 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("3. März 2020"), Some(d(2020, 3, 3)));
        assert_eq!(p("3. Ma\u{308}rz 2020"), Some(d(2020, 3, 3)));
        assert_eq!(p("3. Maerz 2020"), Some(d(2020, 3, 3)));
        assert_eq!(p("3. Marz 2020"), Some(d(2020, 3, 3)));
        assert_eq!(p("1. Dezember 2019"), Some(d(2019, 12, 1)));
        assert_eq!(p("17.08.2021"), Some(d(2021, 8, 17)));
    }

    #[test]
    fn french() {
        assert_eq!(p("17 août 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("17 aou\u{302}t 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("17 aout 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("1er août 2021"), Some(d(2021, 8, 1)));
        assert_eq!(p("29 Mars 2017 à 11h25 PDT"), Some(d(2017, 3, 29)));
        assert_eq!(p("29 mars 2017 a\u{300} 11h25 PDT"), Some(d(2017, 3, 29)));
        assert_eq!(p("5 février 2020"), Some(d(2020, 2, 5)));
        assert_eq!(p("24 DÉCEMBRE 2018"), Some(d(2018, 12, 24)));
    }

    #[test]
    fn spanish() {
        assert_eq!(p("17 de agosto de 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("Jueves, 12 de noviembre de 2020"), Some(d(2020, 11, 12)));
        assert_eq!(p("3 de setiembre de 2019"), Some(d(2019, 9, 3)));
        assert_eq!(p("3 de septiembre de 2019"), Some(d(2019, 9, 3)));
        assert_eq!(p("Miércoles, 1 de enero de 2020"), Some(d(2020, 1, 1)));
    }

    #[test]
    fn portuguese() {
        assert_eq!(p("17 de agosto de 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("17 de março de 2020"), Some(d(2020, 3, 17)));
        assert_eq!(p("17 de marc\u{327}o de 2020"), Some(d(2020, 3, 17)));
        assert_eq!(
            p("Segunda-feira, 2 de outubro de 2017"),
            Some(d(2017, 10, 2))
        );
    }

    #[test]
    fn italian() {
        assert_eq!(p("17 agosto 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("Settembre 19, 2012"), Some(d(2012, 9, 19)));
        assert_eq!(p("2 giugno 2016"), Some(d(2016, 6, 2)));
    }

    #[test]
    fn dutch() {
        assert_eq!(p("17 augustus 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("3 maart 2020"), Some(d(2020, 3, 3)));
        assert_eq!(p("3 mrt 2020"), Some(d(2020, 3, 3)));
    }

    #[test]
    fn polish() {
        assert_eq!(p("17 sierpnia 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("17 sie 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("5 października 2020 r."), Some(d(2020, 10, 5)));
        assert_eq!(p("5 wrzesień 2020"), Some(d(2020, 9, 5)));
    }

    #[test]
    fn turkish() {
        assert_eq!(p("17 Ağustos 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("17 Agu\u{306}stos 2021"), Some(d(2021, 8, 17)));
        assert_eq!(p("9 Ocak 2017 Pazartesi"), Some(d(2017, 1, 9)));
        assert_eq!(p("9 OCAK 2017 PAZARTESİ"), Some(d(2017, 1, 9)));
        assert_eq!(p("3 KASIM 2020"), Some(d(2020, 11, 3)));
        assert_eq!(p("3 Kasım 2020 Salı"), Some(d(2020, 11, 3)));
    }

    #[test]
    fn japanese_and_chinese() {
        assert_eq!(p("2021年8月17日"), Some(d(2021, 8, 17)));
        assert_eq!(p("2021年08月17日"), Some(d(2021, 8, 17)));
        assert_eq!(p("２０２１年８月１７日"), Some(d(2021, 8, 17)));
        assert_eq!(p("2021年8月17日(火)"), Some(d(2021, 8, 17)));
        assert_eq!(p("3月 6, 2012"), Some(d(2012, 3, 6)));
        assert_eq!(p("2021年8月"), None);
        assert_eq!(p("2021年2月30日"), None);
    }

    #[test]
    fn korean() {
        assert_eq!(p("2021년 8월 17일"), Some(d(2021, 8, 17)));
        assert_eq!(p("2021년8월17일"), Some(d(2021, 8, 17)));
        assert_eq!(p("2월 8, 2012"), Some(d(2012, 2, 8)));
        assert_eq!(p("2021. 8. 17."), Some(d(2021, 8, 17)));
        // NFD Hangul (conjoining jamo) folds to the same keys.
        let nfd: String = "2021년 8월 17일".nfd().collect();
        assert_eq!(p(&nfd), Some(d(2021, 8, 17)));
    }

    #[test]
    fn other_digit_scripts() {
        assert_eq!(p("١٧ August ٢٠٢١"), Some(d(2021, 8, 17)));
        assert_eq!(p("۲۰۲۱-۰۸-۱۷"), Some(d(2021, 8, 17)));
    }

    #[test]
    fn invalid_calendar_dates_and_year_range() {
        assert_eq!(p("February 30, 2021"), None);
        assert_eq!(p("February 29, 2021"), None);
        assert_eq!(p("February 29, 2020"), Some(d(2020, 2, 29)));
        assert_eq!(p("31 июня 2020 г."), None);
        assert_eq!(p("August 17, 1989"), None);
        assert_eq!(p("August 17, 1990"), Some(d(1990, 8, 17)));
        assert_eq!(p("August 17, 2100"), Some(d(2100, 8, 17)));
        assert_eq!(p("August 17, 2101"), None);
        assert_eq!(p("August 17, 20211"), None);
        assert_eq!(p("August 17, 021"), None);
        assert_eq!(p("August 32, 2021"), None);
        assert_eq!(p("August 0, 2021"), None);
    }

    #[test]
    fn non_dates() {
        for s in [
            "",
            "   ",
            "hello",
            "August",
            "17",
            "2021",
            "(@handle)",
            "August 17",
            "17 August",
            "17.08",
            "August 2021",
            "Thursday",
            "Thursday, 2021",
            "August 17, 2021 hello",
            "foo August 17, 2021",
            "17 hello 2021",
            "at 4:20 PM",
            "05:38 PM",
            "— Name (@handle) August 17, 2021",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn at_start_basic_ranges() {
        let s = "  August 17, 2021Next sentence";
        assert_eq!(date_at_start(s), Some((2..17, d(2021, 8, 17))));
        assert_eq!(
            at("August 17, 2021Next sentence…"),
            Some(("August 17, 2021", d(2021, 8, 17)))
        );
        assert_eq!(
            at("December 31, 2017 That makes"),
            Some(("December 31, 2017", d(2017, 12, 31)))
        );
        assert_eq!(
            date_at_start("October 9, 2018\n"),
            Some((0..15, d(2018, 10, 9)))
        );
        assert_eq!(
            at("\n\n  17 Aug 2021. More"),
            Some(("17 Aug 2021", d(2021, 8, 17)))
        );
    }

    #[test]
    fn at_start_localized_suffixes() {
        assert_eq!(
            at("17 августа 2021 г. Дальше"),
            Some(("17 августа 2021 г.", d(2021, 8, 17)))
        );
        assert_eq!(
            at("7 июля 2016\nг. Дальше"),
            Some(("7 июля 2016\nг.", d(2016, 7, 7)))
        );
        assert_eq!(
            at("17 серпня 2021 р.Далі"),
            Some(("17 серпня 2021 р.", d(2021, 8, 17)))
        );
        assert_eq!(
            at("2021年8月17日 …"),
            Some(("2021年8月17日", d(2021, 8, 17)))
        );
        assert_eq!(
            at("2021年8月17日のツイート"),
            Some(("2021年8月17日", d(2021, 8, 17)))
        );
        assert_eq!(
            at("2021년 8월 17일에 올린"),
            Some(("2021년 8월 17일", d(2021, 8, 17)))
        );
        assert_eq!(
            at("17 de agosto de 2021 Texto"),
            Some(("17 de agosto de 2021", d(2021, 8, 17)))
        );
    }

    #[test]
    fn at_start_stops_before_time_and_weekday() {
        assert_eq!(
            at("March 4, 2025 at 4:20 PM"),
            Some(("March 4, 2025", d(2025, 3, 4)))
        );
        assert_eq!(
            at("29 Mars 2017 à 11h25 PDT"),
            Some(("29 Mars 2017", d(2017, 3, 29)))
        );
        assert_eq!(
            at("9 Ocak 2017 Pazartesi"),
            Some(("9 Ocak 2017", d(2017, 1, 9)))
        );
        assert_eq!(
            at("Thursday, May 2, 2024 more"),
            Some(("Thursday, May 2, 2024", d(2024, 5, 2)))
        );
        assert_eq!(
            at("05:38 PM - 07 Jun 2019 Retweets"),
            Some(("05:38 PM - 07 Jun 2019", d(2019, 6, 7)))
        );
        assert_eq!(
            at("2024-04-15T21:48:40.709Z"),
            Some(("2024-04-15", d(2024, 4, 15)))
        );
    }

    #[test]
    fn at_start_rejections() {
        assert_eq!(date_at_start("foo August 17, 2021"), None);
        assert_eq!(date_at_start("— August 17, 2021"), None);
        assert_eq!(date_at_start("August 17, 20211"), None);
        assert_eq!(date_at_start("August 17, 202"), None);
        assert_eq!(date_at_start("August 17"), None);
        assert_eq!(date_at_start(""), None);
        assert_eq!(date_at_start("\n\n"), None);
        assert_eq!(date_at_start("February 30, 2021 text"), None);
    }

    #[test]
    fn at_start_on_long_text_is_bounded() {
        let long = format!("August 17, 2021 {}", "word ".repeat(100_000));
        assert_eq!(date_at_start(&long), Some((0..15, d(2021, 8, 17))));
        let giant_word = format!("{} August 17, 2021", "x".repeat(100_000));
        assert_eq!(date_at_start(&giant_word), None);
        assert_eq!(parse_date(&long), None);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let samples = [
            "\u{301}\u{301}17 août 2021",
            "17 \u{301} 2021",
            "9999999999999999999999 August 2021",
            "August 99999999999999999999, 2021",
            "2021年",
            "年月日",
            "🌊 August 17, 2021",
            "August 17, 2021🌊",
            "'''",
            "п'",
            "a.m.",
            "+",
            "-0",
            "17.",
            "\u{FEFF}August 17, 2021",
            "\u{0}\u{7f}\u{10FFFF}",
        ];
        for s in samples {
            let _ = parse_date(s);
            if let Some((r, _)) = date_at_start(s) {
                assert!(s.get(r).is_some());
            }
            // Every char-boundary suffix as well.
            for (i, _) in s.char_indices() {
                let _ = parse_date(&s[i..]);
                let _ = date_at_start(&s[i..]);
            }
        }
        assert_eq!(parse_date("\u{FEFF}August 17, 2021"), Some(d(2021, 8, 17)));
        assert_eq!(parse_date("🌊 August 17, 2021"), None);
    }

    #[test]
    fn month_tables_do_not_conflict() {
        let lexicon = &*LEXICON;
        let mut key = String::new();
        for table in MONTH_TABLES {
            for (month, variants) in (1u32..).zip(table.iter()) {
                for variant in variants.split('|') {
                    fold_into(&mut key, variant);
                    let info = lexicon.get(key.as_str()).copied().unwrap_or_default();
                    assert_eq!(info.month, month, "{variant}");
                    // A month name must never be taken for a weekday or filler word.
                    assert_eq!(
                        info.flags & (WEEKDAY | CONNECTOR | OF | ORDINAL | SUFFIX),
                        0,
                        "{variant}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_month_of_every_table_parses() {
        for table in MONTH_TABLES {
            for (month, variants) in (1u32..).zip(table.iter()) {
                for variant in variants.split('|') {
                    assert_eq!(
                        p(&format!("3 {variant} 2020")),
                        Some(d(2020, month, 3)),
                        "{variant}"
                    );
                    assert_eq!(
                        p(&format!("{variant} 3, 2020")),
                        Some(d(2020, month, 3)),
                        "{variant}"
                    );
                    let upper = variant.to_uppercase();
                    assert_eq!(
                        p(&format!("3 {upper} 2020")),
                        Some(d(2020, month, 3)),
                        "{upper}"
                    );
                    let nfd: String = variant.nfd().collect();
                    assert_eq!(
                        p(&format!("3 {nfd} 2020")),
                        Some(d(2020, month, 3)),
                        "{variant}"
                    );
                }
            }
        }
    }
}
