//! What a search means: the text folding shared by the full-text index and the query, and the
//! turning of what people type into an FTS5 expression.
//!
//! Folding makes a search blind to case and diacritics in every language, further than SQLite's
//! `unicode61` tokenizer goes: it decomposes (NFKD), drops every combining mark, lowercases, and
//! spells out the letters that are not a base letter plus a mark (`ß` → `ss`, `æ` → `ae`,
//! `ø` → `o`, `ł` → `l`). So `ё` reads as `е` and `й` as `и`, as Russian readers expect; `Ü`,
//! `ü` and `u` are one letter; `ﬁ` and fullwidth letters are plain ones. The index holds the
//! folded text and the query is folded the same way, so both sides always agree.
//!
//! Plain search (the default) takes words as typed: each whitespace-separated term is quoted,
//! so hashtags, `@handles`, hyphens (`COVID-19`), apostrophes, dots (`U.S.`) and URLs
//! (`pic.twitter.com`) are phrases of their words rather than FTS5 syntax; every term is
//! required; a term ending in `*` is a prefix. The full FTS5 syntax is there on request
//! ([`fts_query`]), folded outside its operators.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `s` folded for searching: decomposed, combining marks dropped, lowercased, and letters that
/// do not decompose spelled out.
pub(crate) fn fold(s: &str) -> String {
    // ASCII decomposes to itself and has no marks: lowercasing is all there is to do.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    fold_chars(s)
}

/// [`fold`] character by character, whatever the text.
fn fold_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for l in c.to_lowercase() {
            match l {
                'ß' => out.push_str("ss"),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'ø' => out.push('o'),
                'đ' | 'ð' => out.push('d'),
                'ł' => out.push('l'),
                'ı' => out.push('i'),
                'þ' => out.push_str("th"),
                'ħ' => out.push('h'),
                // Lowercasing `İ` gives `i` and a combining dot: the dot goes like any mark.
                l if is_combining_mark(l) => {}
                l => out.push(l),
            }
        }
    }
    out
}

/// The FTS5 expression for words typed as plain text: each term folded and quoted as a phrase,
/// all required; `term*` a prefix. Terms with no letter or digit (a lone `-` or `#`) are
/// dropped; `None` when nothing is left to search for.
pub(crate) fn plain_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split_whitespace()
        .filter_map(|term| {
            let core = term.trim_end_matches('*');
            let prefix = core.len() < term.len();
            let folded = fold(core);
            if !folded.chars().any(char::is_alphanumeric) {
                return None;
            }
            let star = if prefix { "*" } else { "" };
            Some(format!("\"{}\"{star}", folded.replace('"', "\"\"")))
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// An FTS5 expression as written, with its words folded: the text of every quoted phrase and
/// every bare word, but not the operators `AND`, `OR`, `NOT` and `NEAR`. A bare word whose
/// folded form holds anything but letters, digits and `_` is quoted, so folding never changes
/// the expression's syntax.
pub(crate) fn fts_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    let mut chars = q.char_indices().peekable();
    let bare = |c: char| c.is_alphanumeric() || c == '_' || !c.is_ascii();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            // A phrase runs to the next lone `"`; `""` inside it is a quote character.
            let mut phrase = String::new();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                if c == '"' {
                    if chars.peek().is_some_and(|&(_, n)| n == '"') {
                        chars.next();
                        phrase.push('"');
                        continue;
                    }
                    closed = true;
                    break;
                }
                phrase.push(c);
            }
            out.push('"');
            out.push_str(&fold(&phrase).replace('"', "\"\""));
            if closed {
                out.push('"');
            }
        } else if bare(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if !bare(n) {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            let word = &q[i..end];
            if matches!(word, "AND" | "OR" | "NOT" | "NEAR") {
                out.push_str(word);
                continue;
            }
            let folded = fold(word);
            if folded.chars().all(|c| c.is_alphanumeric() || c == '_') && !folded.is_empty() {
                out.push_str(&folded);
            } else {
                out.push('"');
                out.push_str(&folded.replace('"', "\"\""));
                out.push('"');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_folds_as_every_other_text_does() {
        let all: String = (0u8..=127).map(char::from).collect();
        assert_eq!(fold(&all), fold_chars(&all));
        assert_eq!(fold("Hello, World 42!"), "hello, world 42!");
    }

    #[test]
    fn folding_joins_what_readers_take_for_one_letter() {
        for (a, b) in [
            ("Верхнеозёрска", "верхнеозерска"),
            ("ЙОД", "иод"),
            ("Straße", "strasse"),
            ("STRASSE", "strasse"),
            ("30-Jährigen", "30-jahrigen"),
            ("Café Crème", "cafe creme"),
            ("Łódź", "lodz"),
            ("İstanbul", "istanbul"),
            ("ﬁne", "fine"),
            ("ＡＢＣ", "abc"),
            ("Ærø", "aero"),
            ("#Europawahl", "#europawahl"),
        ] {
            assert_eq!(fold(a), b, "{a}");
        }
    }

    #[test]
    fn plain_words_become_quoted_required_phrases() {
        assert_eq!(
            plain_query("COVID-19 don't").as_deref(),
            Some("\"covid-19\" \"don't\"")
        );
        assert_eq!(plain_query("демократ*").as_deref(), Some("\"демократ\"*"));
        assert_eq!(
            plain_query("say \"hi\"").as_deref(),
            Some("\"say\" \"\"\"hi\"\"\"")
        );
        assert_eq!(plain_query(" - # * ").as_deref(), None);
        assert_eq!(plain_query("").as_deref(), None);
    }

    #[test]
    fn fts_expressions_keep_their_operators_and_fold_their_words() {
        assert_eq!(
            fts_query("Border AND (Ёлка OR \"Straße X\") NOT x*"),
            "border AND (елка OR \"strasse x\") NOT x*"
        );
        assert_eq!(fts_query("NEAR(a B, 5)"), "NEAR(a b, 5)");
        assert_eq!(fts_query("handle:Foo"), "handle:foo");
        // A word whose folded form is not a bare word is quoted (½ decomposes to 1⁄2).
        assert_eq!(fts_query("x½"), "\"x1⁄2\"");
    }
}
