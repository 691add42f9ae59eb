//! The prefilter: one pass over a document that finds every marker of every platform and of the
//! shared forms, so that a page holding none is never parsed and detectors look only where
//! their markers are.
//!
//! Long markers (four bytes or more) are searched together by a packed multi-literal searcher
//! (Teddy), which stays on its fastest path while there are fewer than about 32 of them; the
//! short markers (`(@`, `/@`) would flood it, so they are found by one `memchr` pass over their
//! last bytes. Each distinct marker wakes every platform that lists it.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::DETECTORS;

/// Markers of the shared forms (`forms/`): embed code escaped inside scripts, attributes and
/// text areas. Elements that carry embeds are found through the platform markers inside them
/// (a host in a URL, a platform word in a class or element name).
const FORM_MARKERS: &[&str] = &["&lt;blockquote", "&lt;iframe", "\\u003"];

/// Every marker occurrence in a text, and which platforms have any.
#[derive(Debug, Default, Clone)]
pub(crate) struct Hits {
    /// (byte offset, pattern index), in text order.
    pub at: Vec<(usize, u16)>,
    /// Per platform in table order: whether any of its markers occurs.
    pub woken: Vec<bool>,
}

impl Hits {
    /// Offsets of the hits whose pattern is one of `patterns`.
    pub fn of<'s>(&'s self, patterns: &'s [&str]) -> impl Iterator<Item = usize> + 's {
        self.at
            .iter()
            .filter(move |(_, id)| patterns.contains(&PREFILTER.patterns[*id as usize]))
            .map(|(p, _)| *p)
    }

    /// Every hit's offset.
    pub fn offsets(&self) -> impl Iterator<Item = usize> + '_ {
        self.at.iter().map(|(p, _)| *p)
    }
}

/// The compiled markers: patterns `..long` go to the packed searcher, the rest are short.
struct Prefilter {
    packed: Option<aho_corasick::packed::Searcher>,
    fallback: AhoCorasick,
    patterns: Vec<&'static str>,
    /// Per pattern: the platforms (table indexes) it wakes.
    owners: Vec<Vec<usize>>,
    long: usize,
    /// The distinct last bytes of the short markers (at most three, for `memchr3`).
    short_ends: Vec<u8>,
}

static PREFILTER: LazyLock<Prefilter> = LazyLock::new(|| {
    let mut patterns: Vec<&'static str> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    fn add(
        patterns: &mut Vec<&'static str>,
        owners: &mut Vec<Vec<usize>>,
        m: &'static str,
        owner: Option<usize>,
    ) {
        let i = patterns.iter().position(|p| *p == m).unwrap_or_else(|| {
            patterns.push(m);
            owners.push(Vec::new());
            patterns.len() - 1
        });
        if let Some(o) = owner
            && !owners[i].contains(&o)
        {
            owners[i].push(o);
        }
    }
    for (i, d) in DETECTORS.iter().enumerate() {
        for m in d.markers {
            add(&mut patterns, &mut owners, m, Some(i));
        }
    }
    for m in FORM_MARKERS {
        add(&mut patterns, &mut owners, m, None);
    }
    let long = patterns.len();
    for (i, d) in DETECTORS.iter().enumerate() {
        for m in d.short_markers {
            add(&mut patterns, &mut owners, m, Some(i));
        }
    }
    let mut short_ends: Vec<u8> = patterns[long..]
        .iter()
        .filter_map(|m| m.as_bytes().last().copied())
        .collect();
    short_ends.sort_unstable();
    short_ends.dedup();
    assert!(
        short_ends.len() <= 3,
        "short markers end in at most three bytes"
    );
    let packed = aho_corasick::packed::Config::new()
        .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(patterns[..long].iter())
        .build();
    let fallback = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&patterns[..long])
        .expect("static marker patterns build");
    Prefilter {
        packed,
        fallback,
        patterns,
        owners,
        long,
        short_ends,
    }
});

/// The marker string of a pattern index (as in [`Hits::at`]).
pub(crate) fn pattern(id: u16) -> &'static str {
    PREFILTER.patterns[id as usize]
}

/// Whether `s` holds any marker (a host word, `/@`, `at://`): a cheap test that spares most
/// attribute values and links the full URL parse of every platform.
pub(crate) fn may_name_a_post(s: &str) -> bool {
    let pf = &*PREFILTER;
    let hit = match &pf.packed {
        Some(searcher) => searcher.find(s).is_some(),
        None => pf.fallback.is_match(s),
    };
    hit || pf.patterns[pf.long..].iter().any(|m| s.contains(m)) || s.starts_with("at://")
}

/// The one pass over the text: every marker occurrence, and which platforms have any.
pub(crate) fn prefilter(text: &str) -> Hits {
    let pf = &*PREFILTER;
    let mut woken = vec![false; DETECTORS.len()];
    let mut at = Vec::new();
    let mut record = |start: usize, pattern: usize| {
        for &o in &pf.owners[pattern] {
            woken[o] = true;
        }
        at.push((start, pattern as u16));
    };
    match &pf.packed {
        Some(searcher) => {
            for m in searcher.find_iter(text) {
                record(m.start(), m.pattern().as_usize());
            }
        }
        None => {
            for m in pf.fallback.find_iter(text) {
                record(m.start(), m.pattern().as_usize());
            }
        }
    }
    // One pass for every short marker: each occurrence of a last byte, kept when a marker ends
    // there.
    let b = text.as_bytes();
    let mut short = false;
    let ends = &pf.short_ends;
    let positions: Box<dyn Iterator<Item = usize>> = match ends.as_slice() {
        [] => Box::new(std::iter::empty()),
        [a] => Box::new(memchr::memchr_iter(*a, b)),
        [a, c] => Box::new(memchr::memchr2_iter(*a, *c, b)),
        [a, c, d, ..] => Box::new(memchr::memchr3_iter(*a, *c, *d, b)),
    };
    for end in positions {
        for (k, m) in pf.patterns[pf.long..].iter().enumerate() {
            let m = m.as_bytes();
            let Some(start) = (end + 1).checked_sub(m.len()) else {
                continue;
            };
            if &b[start..=end] == m {
                record(start, pf.long + k);
                short = true;
            }
        }
    }
    if short {
        at.sort_unstable();
    }
    Hits { at, woken }
}
