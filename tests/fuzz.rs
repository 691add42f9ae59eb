//! The mutation harness: real pages, mutated, through the whole scan.
//!
//! The inputs are the project's samples (`samples/**`) and, when they are beside the checkout,
//! the pages of the labelled corpora (`../shared/corpus*/{html,markdown,text,pages}`); gzip is
//! undone first. A case takes a window of one input around a platform marker (at most
//! [`MAX_WINDOW`] bytes, so cases stay fast in the test profile; a small input may be taken
//! whole) and applies a few mutations: bit flips, bytes set to anything (NUL, invalid UTF-8),
//! deletions, slices duplicated elsewhere, embed markup and escapes spliced in (openers,
//! unclosed tags, `&lt;`, `\u003c`, comments, scripts, footers), fragments repeated (nesting,
//! long runs), slices re-escaped as JSON or HTML, and truncation.
//!
//! Every case checks:
//!
//! - no panic anywhere in the scan;
//! - every post's span, and every copy's, lies inside the input (`start <= end <= len`);
//! - the span cuts the embed out: where a post has an ID, the ID's longest run of ASCII
//!   letters or of ASCII digits occurs (ASCII case ignored) in the bytes of its span or of one
//!   of its copies, decoded with the input's charset, as written or with JSON and HTML escapes
//!   undone (an ID may keep an escape its URL was written with), or with the span's tags taken
//!   out as a reader sees it (a flattened post is read from the page's text, so a tag inside
//!   a handle does not split it); where it has no ID but a
//!   handle, the handle's does. The longest run, not the whole ID, because
//!   some IDs are composed from several attributes or from a URL (VK's `video<owner>_<id>`,
//!   Bluesky's `at://` URI from a post URL); a post found in escaped code has the span of the
//!   string or attribute that holds the code, so escapes are undone before looking; a post
//!   merged from copies may take its ID from any of them; a placeholder that a script
//!   elsewhere fills with the post (VK's `VK.Widgets.Post("id", owner, post)`) is the one
//!   exception, its ID only needing to be in the input;
//! - the same result when the same bytes are scanned again, in-process and from a file through
//!   [`embedvault::scan_paths`] with one thread;
//! - the same results, in the same order, for a folder of the last [`BATCH`] cases' files
//!   scanned with two threads as with one.
//!
//! The number of cases is `EMBEDVAULT_FUZZ_CASES` (default 10,000, what CI runs) and the seed
//! `EMBEDVAULT_FUZZ_SEED` (default fixed, so a CI failure reproduces); a failure names both,
//! with the failing case (input, window, mutations) as proptest shrank it. The test asserts
//! that every case ran. `scripts/fuzz.sh` runs this harness in release mode with a large
//! count.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use embedvault::{Outcome, ReadOptions, ScanOptions, Scanned};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

/// The most bytes a case's window takes.
const MAX_WINDOW: usize = 32 * 1024;
/// The most marker places kept per input, spread over it.
const PLACES_PER_INPUT: usize = 64;
/// Cases whose files are scanned together with one and two threads.
const BATCH: usize = 24;
/// The default number of cases and seed.
const DEFAULT_CASES: u32 = 10_000;
const DEFAULT_SEED: u64 = 20_211_017;

/// Words around which windows are taken: the places where detection has work to do.
const MARKERS: &[&[u8]] = &[
    b"blockquote",
    b"iframe",
    b"twitter",
    b"x.com",
    b"instagram",
    b"tiktok",
    b"facebook",
    b"youtube",
    b"bsky",
    b"mastodon",
    b"threads",
    b"reddit",
    b"t.me",
    b"linkedin",
    b"vk.com",
    b"tumblr",
    b"(@",
    b"status",
    b"embed",
    b"\\u003c",
    b"&lt;",
    b"<script",
];

/// Markup, escapes and text spliced into inputs.
const FRAGMENTS: &[&[u8]] = &[
    b"<blockquote class=\"twitter-tweet\">",
    b"<blockquote class=\"twitter-tweet\"",
    b"</blockquote>",
    b"<blockquote class=\"instagram-media\" data-instgrm-permalink=\"https://www.instagram.com/p/CabcDEF123/\">",
    b"<iframe class=\"twitter-tweet\" src=\"https://platform.twitter.com/embed/Tweet.html?id=1427632593688211498\">",
    b"<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\"",
    b"<a href=\"https://twitter.com/a/status/1427632593688211498\">",
    b"<a href=\"https://twitter.com/a/status/1427632593688211498\"",
    b"https://x.com/i/status/1427632593688211498",
    b"</a>",
    b"<p lang=\"en\" dir=\"ltr\">",
    b"&mdash; A Person (@a_person) ",
    b"(@a) August 17, 2021",
    b"\xe2\x80\x94 Name (@name) 17 August 2021\n",
    b"<script>var s = \"",
    b"</script>",
    b"\\u003cblockquote class=\\\"twitter-tweet\\\"\\u003e",
    b"\\u003c",
    b"\\\"",
    b"\\\\\\\"",
    b"\\/",
    b"&lt;blockquote class=&quot;twitter-tweet&quot;&gt;",
    b"&lt;",
    b"&amp;lt;",
    b"&#27;",
    b"<!--",
    b"-->",
    b"<textarea>",
    b"<div class=\"tweet\">",
    b"<amp-twitter data-tweetid=\"1427632593688211498\">",
    b"<meta charset=\"shift_jis\">",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\0",
    b"\"",
    b"'",
    b"<",
    b">",
    b"\n\n",
    b"\r",
];

/// One input: the name it is written under (its extension tells HTML from text) and its bytes.
struct Input {
    /// The seed file.
    source: PathBuf,
    /// The name cases are written under.
    name: String,
    bytes: Vec<u8>,
}

/// A place to take a window around: an input and an offset in it.
struct Place {
    input: usize,
    at: usize,
}

struct Seeds {
    inputs: Vec<Input>,
    places: Vec<Place>,
}

/// Every file under `dir`, recursively, sorted; nothing when `dir` is absent.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The seed inputs: the samples, then the corpora's pages when present.
fn seed_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<PathBuf> = files(&root.join("samples"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    let shared = root.join("../shared");
    let mut corpora: Vec<PathBuf> = std::fs::read_dir(&shared)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("corpus"))
                })
                .collect()
        })
        .unwrap_or_default();
    corpora.sort();
    for c in corpora {
        for sub in ["html", "markdown", "text", "pages"] {
            out.extend(files(&c.join(sub)));
        }
    }
    out
}

/// Reads a seed: gzip undone, the name it is written under (its extension, `.gz` dropped).
fn read_seed(path: &Path) -> Option<Input> {
    use std::io::Read;
    let raw = std::fs::read(path).ok()?;
    let mut name = path.file_name()?.to_string_lossy().into_owned();
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .ok()?;
        name = name.trim_end_matches(".gz").to_string();
        out
    } else {
        raw
    };
    let ext = Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("txt")
        .to_ascii_lowercase();
    Some(Input {
        source: path.to_path_buf(),
        name: format!("input.{ext}"),
        bytes,
    })
}

static SEEDS: LazyLock<Seeds> = LazyLock::new(|| {
    let finder = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(MARKERS)
        .expect("markers build");
    let mut inputs = Vec::new();
    let mut places = Vec::new();
    for path in seed_files() {
        let Some(input) = read_seed(&path) else {
            continue;
        };
        let found: Vec<usize> = finder.find_iter(&input.bytes).map(|m| m.start()).collect();
        let i = inputs.len();
        if found.is_empty() {
            places.push(Place { input: i, at: 0 });
        } else {
            let step = found.len().div_ceil(PLACES_PER_INPUT);
            places.extend(found.iter().step_by(step).map(|&at| Place { input: i, at }));
        }
        inputs.push(input);
    }
    Seeds { inputs, places }
});

/// One mutation; positions and lengths are taken modulo the current length.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit { at: u32, bit: u8 },
    SetByte { at: u32, byte: u8 },
    Delete { at: u32, len: u16 },
    Duplicate { from: u32, len: u16, to: u32 },
    Insert { at: u32, fragment: u8 },
    Repeat { at: u32, fragment: u8, times: u8 },
    Escape { at: u32, len: u16, json: bool },
    Truncate { at: u32 },
}

/// One case: a place, the window's reach before and after it, and the mutations.
#[derive(Debug, Clone)]
struct Case {
    place: usize,
    before: u16,
    after: u16,
    mutations: Vec<Mutation>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<u32>(), 0..8u8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(at, byte)| Mutation::SetByte { at, byte }),
        2 => (any::<u32>(), 1..512u16).prop_map(|(at, len)| Mutation::Delete { at, len }),
        2 => (any::<u32>(), 1..2048u16, any::<u32>())
            .prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
        4 => (any::<u32>(), any::<u8>()).prop_map(|(at, fragment)| Mutation::Insert { at, fragment }),
        1 => (any::<u32>(), any::<u8>(), 2..64u8)
            .prop_map(|(at, fragment, times)| Mutation::Repeat { at, fragment, times }),
        1 => (any::<u32>(), 1..1024u16, any::<bool>())
            .prop_map(|(at, len, json)| Mutation::Escape { at, len, json }),
        1 => any::<u32>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..SEEDS.places.len().max(1),
        0..(MAX_WINDOW / 2) as u16,
        0..(MAX_WINDOW / 2) as u16,
        proptest::collection::vec(mutation(), 0..6),
    )
        .prop_map(|(place, before, after, mutations)| Case {
            place,
            // Most windows are small: a few KB around the marker.
            before: before >> (before % 4),
            after: after >> (after % 4),
            mutations,
        })
}

/// The case's input: its name and mutated bytes.
fn build(case: &Case) -> (String, Vec<u8>) {
    let place = &SEEDS.places[case.place];
    let input = &SEEDS.inputs[place.input];
    let all = &input.bytes;
    let start = place.at.saturating_sub(usize::from(case.before));
    let end = (place.at + usize::from(case.after)).min(all.len());
    let mut b = all[start..end].to_vec();
    for m in &case.mutations {
        apply(&mut b, m);
    }
    (input.name.clone(), b)
}

fn apply(b: &mut Vec<u8>, m: &Mutation) {
    let pos = |at: u32, len: usize| at as usize % (len + 1);
    match *m {
        Mutation::FlipBit { at, bit } => {
            if !b.is_empty() {
                let i = at as usize % b.len();
                b[i] ^= 1 << bit;
            }
        }
        Mutation::SetByte { at, byte } => {
            if !b.is_empty() {
                let i = at as usize % b.len();
                b[i] = byte;
            }
        }
        Mutation::Delete { at, len } => {
            let i = pos(at, b.len());
            let j = (i + usize::from(len)).min(b.len());
            b.drain(i..j);
        }
        Mutation::Duplicate { from, len, to } => {
            let i = pos(from, b.len());
            let j = (i + usize::from(len)).min(b.len());
            let slice = b[i..j].to_vec();
            let t = pos(to, b.len());
            b.splice(t..t, slice);
        }
        Mutation::Insert { at, fragment } => {
            let f = FRAGMENTS[usize::from(fragment) % FRAGMENTS.len()];
            let i = pos(at, b.len());
            b.splice(i..i, f.iter().copied());
        }
        Mutation::Repeat {
            at,
            fragment,
            times,
        } => {
            let f = FRAGMENTS[usize::from(fragment) % FRAGMENTS.len()].repeat(usize::from(times));
            let i = pos(at, b.len());
            b.splice(i..i, f);
        }
        Mutation::Escape { at, len, json } => {
            let i = pos(at, b.len());
            let j = (i + usize::from(len)).min(b.len());
            let mut out = Vec::with_capacity(2 * (j - i));
            for &c in &b[i..j] {
                match (c, json) {
                    (b'<', true) => out.extend_from_slice(b"\\u003c"),
                    (b'>', true) => out.extend_from_slice(b"\\u003e"),
                    (b'"', true) => out.extend_from_slice(b"\\\""),
                    (b'/', true) => out.extend_from_slice(b"\\/"),
                    (b'<', false) => out.extend_from_slice(b"&lt;"),
                    (b'>', false) => out.extend_from_slice(b"&gt;"),
                    (b'"', false) => out.extend_from_slice(b"&quot;"),
                    (b'&', false) => out.extend_from_slice(b"&amp;"),
                    _ => out.push(c),
                }
            }
            b.splice(i..j, out);
        }
        Mutation::Truncate { at } => {
            let i = pos(at, b.len());
            b.truncate(i);
        }
    }
}

/// Lower-case text with JSON escapes and HTML character references undone, layer by layer:
/// what a post's span says once the escapes of the code it holds are peeled off.
fn unescaped(text: &str) -> String {
    let mut cur = text.to_string();
    for _ in 0..4 {
        let mut next = html_escape::decode_html_entities(&cur).into_owned();
        next = next
            .replace("\\\\", "\\")
            .replace("\\/", "/")
            .replace("\\\"", "\"");
        next = decode_unicode_escapes(&next);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur.to_ascii_lowercase()
}

/// Text with its tags taken out, as a reader of the page sees it: a flattened post is read
/// from the page's text, so markup inside its words (`@p<a …>olgraingreens`) does not split them.
fn untagged(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        match rest[lt..].find('>') {
            Some(gt) => rest = &rest[lt + gt + 1..],
            None => {
                rest = &rest[lt..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `\uXXXX` escapes decoded (invalid ones kept as written).
fn decode_unicode_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find("\\u") {
        out.push_str(&rest[..p]);
        let hex = rest.get(p + 2..p + 6);
        match hex
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
        {
            Some(c) => {
                out.push(c);
                rest = &rest[p + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[p + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The longest run of ASCII letters, or of ASCII digits, in `s` (the first of equal ones),
/// lower-cased.
fn longest_run(s: &str) -> String {
    let mut best = "";
    let mut start = 0;
    let class = |c: u8| {
        if c.is_ascii_digit() {
            1
        } else if c.is_ascii_alphabetic() {
            2
        } else {
            0
        }
    };
    let b = s.as_bytes();
    for i in 1..=b.len() {
        if i == b.len() || class(b[i]) != class(b[start]) {
            if class(b[start]) != 0 && i - start > best.len() {
                best = &s[start..i];
            }
            start = i;
        }
    }
    best.to_ascii_lowercase()
}

/// Detectors whose span is a placeholder that a script elsewhere in the page fills with the
/// post: the ID is in that script, not in the span.
const FILLED_ELSEWHERE: &[&str] = &["vk/widget"];

/// Checks one scan of `bytes`: spans inside the input and cutting the post (see the module
/// docs).
fn check_spans(bytes: &[u8], found: &Scanned) -> Result<(), TestCaseError> {
    let encoding =
        encoding_rs::Encoding::for_label(found.charset.as_bytes()).unwrap_or(encoding_rs::UTF_8);
    for p in &found.posts {
        let spans: Vec<(usize, usize)> = std::iter::once((p.source.start, p.source.end))
            .chain(p.source.copies.iter().map(|c| (c.start, c.end)))
            .collect();
        for &(s, e) in &spans {
            prop_assert!(
                s <= e && e <= bytes.len(),
                "span {s}..{e} outside {} bytes: {:?}",
                bytes.len(),
                p.detector
            );
        }
        let key = p.post_id.as_deref().or(p.handle.as_deref());
        let Some(key) = key else { continue };
        let texts: Vec<String> = spans
            .iter()
            .flat_map(|&(s, e)| {
                let text = encoding.decode_without_bom_handling(&bytes[s..e]).0;
                let shown = untagged(&text);
                [
                    text.to_ascii_lowercase(),
                    unescaped(&text),
                    unescaped(&shown),
                ]
            })
            .collect();
        let run = longest_run(key);
        let whole = || encoding.decode_without_bom_handling(bytes).0;
        if FILLED_ELSEWHERE.contains(&p.detector.as_str()) {
            prop_assert!(
                whole().to_ascii_lowercase().contains(&run) || unescaped(&whole()).contains(&run),
                "{:?} of {} not in the input",
                run,
                key
            );
        } else {
            prop_assert!(
                texts.iter().any(|t| t.contains(&run)),
                "{:?} of {} ({}) not in its spans {spans:?}: {:?}",
                run,
                p.detector,
                key,
                texts
                    .iter()
                    .map(|t| t.chars().take(300).collect::<String>())
                    .collect::<Vec<_>>()
            );
        }
    }
    Ok(())
}

/// Cases run (successful or not).
static RAN: AtomicUsize = AtomicUsize::new(0);

/// The last cases' files and their one-thread results, scanned again together with two
/// threads when the batch is full; the first disagreement is kept for the end of the run.
struct Batch {
    dir: PathBuf,
    done: Vec<(PathBuf, Outcome<Scanned>)>,
    failure: Option<String>,
    checked: usize,
}

static BATCH_STATE: LazyLock<Mutex<Batch>> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("embedvault-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    Mutex::new(Batch {
        dir,
        done: Vec::new(),
        failure: None,
        checked: 0,
    })
});

fn read_opts(threads: usize) -> ReadOptions {
    ReadOptions {
        threads,
        time_limit: None,
        ..ReadOptions::default()
    }
}

fn scan_files(paths: &[PathBuf], threads: usize) -> Vec<Outcome<Scanned>> {
    let mut out = Vec::new();
    embedvault::scan_paths::<std::convert::Infallible>(paths, &read_opts(threads), |o| {
        out.push(o);
        Ok(())
    })
    .expect("the sink never fails");
    out
}

/// Scans the batch's folder with two threads and compares with the one-thread results.
fn check_batch(batch: &mut Batch) {
    let results = scan_files(std::slice::from_ref(&batch.dir), 2);
    let expected: Vec<&Outcome<Scanned>> = batch.done.iter().map(|(_, o)| o).collect();
    if batch.failure.is_none() && results.iter().collect::<Vec<_>>() != expected {
        let kept = batch
            .dir
            .with_extension(format!("failed-{}", batch.checked));
        let _ = std::fs::rename(&batch.dir, &kept);
        let _ = std::fs::create_dir_all(&batch.dir);
        batch.failure = Some(format!(
            "two threads disagree with one on the batch kept in {}",
            kept.display()
        ));
    }
    for (path, _) in batch.done.drain(..) {
        let _ = std::fs::remove_file(path);
    }
    batch.checked += 1;
}

fn run_case(case: &Case) -> Result<(), TestCaseError> {
    let n = RAN.fetch_add(1, Ordering::Relaxed);
    let (name, bytes) = build(case);
    let dir = BATCH_STATE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .dir
        .clone();
    let path = dir.join(format!("{n:07}-{name}"));
    let opts = ScanOptions {
        path: Some(path.to_string_lossy().into_owned()),
        time_limit: None,
        ..ScanOptions::default()
    };
    let once = embedvault::scan(&bytes, &opts);
    check_spans(&bytes, &once)?;
    std::fs::write(&path, &bytes).expect("write the case");
    let mut from_file = scan_files(std::slice::from_ref(&path), 1);
    prop_assert_eq!(from_file.len(), 1);
    let from_file = from_file.remove(0);
    // The library's own scan of the bytes is the file's, unless sniffing found them binary.
    if let Outcome::Read(scanned) = &from_file {
        prop_assert!(
            scanned == &once,
            "scanning again from a file gave another result"
        );
    } else {
        prop_assert!(once.posts.is_empty(), "a skipped input had posts");
    }
    let mut batch = BATCH_STATE.lock().unwrap_or_else(|e| e.into_inner());
    batch.done.push((path, from_file));
    if batch.done.len() >= BATCH {
        check_batch(&mut batch);
    }
    Ok(())
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

#[test]
fn mutated_pages_scan_safely_and_alike() {
    let cases: u32 = env_or("EMBEDVAULT_FUZZ_CASES", DEFAULT_CASES);
    let seed: u64 = env_or("EMBEDVAULT_FUZZ_SEED", DEFAULT_SEED);
    assert!(
        !SEEDS.places.is_empty(),
        "no seed inputs: the samples are missing"
    );
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let started = Instant::now();
    let mut runner = TestRunner::new(config);
    // Panics are failures the runner catches and shrinks; their messages would only repeat.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = runner.run(&case(), |c| run_case(&c));
    std::panic::set_hook(hook);
    let mut batch = BATCH_STATE.lock().unwrap_or_else(|e| e.into_inner());
    if let Err(e) = result {
        let (why, case) = match e {
            TestError::Fail(why, case) => (why.to_string(), format!("{case:?}")),
            TestError::Abort(why) => (why.to_string(), String::new()),
        };
        panic!(
            "EMBEDVAULT_FUZZ_SEED={seed} EMBEDVAULT_FUZZ_CASES={cases}: {why}\nminimal failing \
             case: {case}\ninput: {:?}",
            case_input(&case)
        );
    }
    if !batch.done.is_empty() {
        check_batch(&mut batch);
    }
    let _ = std::fs::remove_dir_all(&batch.dir);
    if let Some(f) = &batch.failure {
        panic!("EMBEDVAULT_FUZZ_SEED={seed} EMBEDVAULT_FUZZ_CASES={cases}: {f}");
    }
    let ran = RAN.load(Ordering::Relaxed);
    // The figures are printed for `cargo test -- --nocapture` and scripts/fuzz.sh.
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "fuzz: {cases} cases ({ran} runs), seed {seed}, {} seed inputs, \
             {} places, {} batches with two threads, {:.1} s",
            SEEDS.inputs.len(),
            SEEDS.places.len(),
            batch.checked,
            started.elapsed().as_secs_f64()
        );
    }
    assert_eq!(ran, cases as usize, "every case ran once");
}

/// The seed input a failing case was cut from, for the failure message.
fn case_input(case: &str) -> String {
    let place: Option<usize> = case
        .split("place: ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|s| s.trim().parse().ok());
    place
        .and_then(|p| SEEDS.places.get(p))
        .map(|p| {
            format!(
                "{} (offset {})",
                SEEDS.inputs[p.input].source.display(),
                p.at
            )
        })
        .unwrap_or_default()
}

/// Inputs the harness found a fault with, each scanned as a case with no mutation.
const FOUND: &[&str] = &[
    // An attribute name with a multi-byte character across its fifth byte, in a marked tag.
    "<blockquote ta\u{ff}\u{15f}rget=\"x\" class=\"twitter-tweet\"><p>Tide.</p>&mdash; A (@a) \
     <a href=\"https://twitter.com/a/status/1427632593688211498\">August 17, 2021</a></blockquote>",
    // A JSON escape written into a post URL's handle: the ID keeps it as written.
    "<p>As <a href=\"https://bsky.app/profile/\\u003cbrian.example.com/post/3m3d7uv77i22k\">Brian</a> \
     wrote.</p>",
];

#[test]
fn inputs_the_harness_found_scan_safely() {
    for (i, input) in FOUND.iter().enumerate() {
        let bytes = input.as_bytes();
        let opts = ScanOptions {
            path: Some(format!("found-{i}.html")),
            time_limit: None,
            ..ScanOptions::default()
        };
        let once = embedvault::scan(bytes, &opts);
        check_spans(bytes, &once).unwrap_or_else(|e| panic!("input {i}: {e}"));
        assert_eq!(once, embedvault::scan(bytes, &opts), "input {i}");
        assert_eq!(once.posts.len(), 1, "input {i}: {:?}", once.posts);
    }
}
