//! Detection time grows linearly with the input, for every family of pathological input known
//! to have gone quadratic (and a few more of the same kind): each input is built at a base size
//! and doubled three times (×1, ×2, ×4, ×8), scanned in-process through [`embedvault::scan`]
//! with no time limit. The largest doubling (×4 → ×8, the longest and steadiest times) must take
//! under three times as long, and the whole range (×1 → ×8) under 3³ times: a linear pass
//! doubles, an n log n pass a little more, a quadratic one quadruples at every step (×64 over
//! the range). A single jump between two small sizes (a buffer or a budget crossing its
//! threshold, or noise on a few milliseconds) is not growth and does not fail the test; it is
//! printed. Only ratios measured side by side in one run are compared, never absolute times.
//!
//! Time is the scanning thread's time on a CPU where Linux tells it (else the wall clock), so
//! other processes holding the cores do not count. The sizes are interleaved (×1, ×2, ×4, ×8,
//! then again) and the minimum of several runs is kept, so a burst of load on the machine
//! touches every size alike; a ratio over the bound is measured again (up to [`MAX_RUNS`] runs)
//! before the test fails, since the minimum can only fall with more runs. Each family also
//! checks that its input reaches the path it is meant to load: the number of posts found at
//! every size is the one the input holds, most inputs ending with a real embed that must still
//! be found after the hostile part.
//!
//! The base sizes keep the whole file within a few tens of seconds in the test profile; a
//! quadratic pass that only shows at larger sizes is looked for with
//! `EMBEDVAULT_LINEAR_SCALE=4 cargo test --release --test linear` (every size times four).
//! This file is its own test binary, so no other test runs beside it; its tests take turns
//! through one lock.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use embedvault::{DocKind, ScanOptions};

/// One family of pathological input.
struct Family {
    /// What the input is.
    name: &'static str,
    /// How it is scanned.
    kind: DocKind,
    /// The number of repeats at ×1, chosen so that the smallest scan takes a few tens of
    /// milliseconds in the test profile.
    base: usize,
    /// The input with `n` repeats.
    build: fn(usize) -> Vec<u8>,
    /// The number of posts the input with `n` repeats holds: a check that the input reaches
    /// the path it is meant to load.
    posts: fn(usize) -> usize,
}

/// The tests take turns: timings are only comparable when nothing else runs beside them.
static TURN: Mutex<()> = Mutex::new(());

/// Runs per size at first.
const RUNS: usize = 2;
/// Runs per size at most, when a ratio looks too high.
const MAX_RUNS: usize = 9;
/// The highest ratio allowed per doubling.
const MAX_RATIO: f64 = 3.0;

/// The factor every base size is multiplied by (`EMBEDVAULT_LINEAR_SCALE`, default 1).
fn scale() -> f64 {
    std::env::var("EMBEDVAULT_LINEAR_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(1.0)
}

/// The time the calling thread has spent on a CPU, where the system says (Linux's
/// `/proc/thread-self/schedstat`, in nanoseconds): unlike the wall clock, it does not grow
/// while other processes hold the cores, which would weigh on long scans more than short ones.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then(|| Duration::from_nanos(ns))
}

/// Scans `bytes` as `kind` with no time limit; the time taken (on the CPU where that can be
/// measured, else on the wall clock) and the posts found, every span checked to lie inside the
/// input.
fn scan_time(bytes: &[u8], kind: DocKind) -> (Duration, usize) {
    let opts = ScanOptions {
        kind: Some(kind),
        time_limit: None,
        ..ScanOptions::default()
    };
    let cpu = thread_cpu_time();
    let t = Instant::now();
    let found = embedvault::scan(bytes, &opts);
    let wall = t.elapsed();
    let took = match (cpu, thread_cpu_time()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => wall,
    };
    assert!(!found.timed_out);
    for p in &found.posts {
        assert!(p.source.start <= p.source.end && p.source.end <= bytes.len());
    }
    (took, found.posts.len())
}

/// Measures a family and asserts every doubling's ratio and the posts found at every size.
fn check(f: &Family) {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let base = ((f.base as f64 * scale()) as usize).max(1);
    let inputs: Vec<Vec<u8>> = (0..4).map(|k| (f.build)(base << k)).collect();
    let mut best = [Duration::MAX; 4];
    let mut runs = 0;
    let ratios = loop {
        for (i, input) in inputs.iter().enumerate() {
            let (took, posts) = scan_time(input, f.kind);
            assert_eq!(
                posts,
                (f.posts)(base << i),
                "{}: posts found at ×{}",
                f.name,
                1 << i
            );
            best[i] = best[i].min(took);
        }
        runs += 1;
        let ratios: Vec<f64> = best
            .windows(2)
            .map(|w| w[1].as_secs_f64() / w[0].as_secs_f64().max(1e-9))
            .collect();
        if runs >= MAX_RUNS || (runs >= RUNS && linear(&ratios)) {
            break ratios;
        }
    };
    // The figures are printed for `cargo test -- --nocapture`.
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "{:<40} sizes {:>9}..{:>9} B  times {:?} ms  ratios {:.2?}  runs {runs}",
            f.name,
            inputs[0].len(),
            inputs[3].len(),
            best.iter().map(|d| d.as_millis()).collect::<Vec<_>>(),
            ratios
        );
    }
    assert!(
        linear(&ratios),
        "{}: times grew faster than the input: ratios per doubling {ratios:.2?} (the last must \
         be under {MAX_RATIO}, their product under {}; times {:?}, sizes {} to {} bytes, best of \
         {runs} runs)",
        f.name,
        MAX_RATIO.powi(3),
        best,
        inputs[0].len(),
        inputs[3].len()
    );
}

/// Whether the ratios of three doublings show linear growth: the last under [`MAX_RATIO`] and
/// the whole range under its cube.
fn linear(ratios: &[f64]) -> bool {
    let last = ratios.last().copied().unwrap_or(f64::MAX);
    let whole: f64 = ratios.iter().product();
    last < MAX_RATIO && whole < MAX_RATIO.powi(ratios.len() as i32)
}

const STATUS: &str = "https://twitter.com/a/status/1427632593688211498";

/// A full modern tweet blockquote with status ID `1427632593688211498 + i`.
fn tweet(i: usize) -> String {
    format!(
        "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">Post number {i} \
         about the tide</p>&mdash; A Person (@a_person) <a href=\"https://twitter.com/a_person/\
         status/{}\">August 17, 2021</a></blockquote>\n",
        1_427_632_593_688_211_498u64 + i as u64
    )
}

/// A tweet after the hostile part, in a paragraph of its own: it must still be found.
fn tail() -> String {
    format!("\n<p>After.</p>\n{}", tweet(999_999))
}

/// An article page around `body`.
fn page(body: &str) -> Vec<u8> {
    format!("<!DOCTYPE html><html><body><p>Story.</p>{body}</body></html>").into_bytes()
}

/// `s` escaped once as the inside of a JSON string, with `<`, `>` and `/` escaped as pages'
/// serialisers do.
fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).expect("a string serialises");
    quoted[1..quoted.len() - 1]
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('/', "\\/")
}

macro_rules! families {
    ($($test:ident: $family:expr;)*) => {
        $(
            #[test]
            fn $test() {
                check(&$family);
            }
        )*
    };
}

families! {
    start_tags_without_gt_after_an_embed_opener: Family {
        name: "openers without >",
        kind: DocKind::Html,
        base: 4_000,
        build: |n| page(&format!("{}{}", "<blockquote class=\"twitter-tweet\" ".repeat(n), tail())),
        posts: |_| 1,
    };
    status_links_without_gt: Family {
        name: "status links without >",
        kind: DocKind::Html,
        base: 16_000,
        build: |n| page(&format!("{}{}", format!("<a href=\"{STATUS}\" ").repeat(n), tail())),
        posts: |_| 1,
    };
    many_distinct_posts: Family {
        name: "many distinct posts",
        kind: DocKind::Html,
        base: 360,
        build: |n| page(&(0..n).map(tweet).collect::<String>()),
        posts: |n| n,
    };
    many_copies_of_one_post: Family {
        name: "many copies of one post",
        kind: DocKind::Html,
        base: 200,
        build: |n| page(&tweet(0).repeat(n)),
        posts: |n| n,
    };
    many_script_copies_of_one_post: Family {
        name: "many script copies of one post",
        kind: DocKind::Html,
        base: 80,
        build: |n| {
            let script = format!("<script>var s = \"{}\";</script>\n", json_escaped(&tweet(0)));
            page(&format!("{}{}", tweet(0), script.repeat(n)))
        },
        posts: |_| 1,
    };
    many_flattened_posts_in_text: Family {
        name: "many flattened posts in text",
        kind: DocKind::Text,
        base: 250,
        build: |n| {
            (0..n)
                .map(|i| format!("Post number {i} about the tide.\n— A Person (@a_person) August 17, 2021\n\n"))
                .collect::<String>()
                .into_bytes()
        },
        posts: |n| n,
    };
    flattened_footers_on_one_line: Family {
        name: "footers on one line",
        kind: DocKind::Text,
        base: 500,
        build: |n| "(@a) August 17, 2021 ".repeat(n).into_bytes(),
        posts: |_| 0,
    };
    dash_footers_on_one_line: Family {
        name: "dash footers on one line",
        kind: DocKind::Text,
        base: 400,
        build: |n| "— Name (@a) August 17, 2021 ".repeat(n).into_bytes(),
        posts: |n| n,
    };
    dash_footers_on_one_line_in_html: Family {
        name: "dash footers in an HTML paragraph",
        kind: DocKind::Html,
        base: 400,
        build: |n| {
            page(&format!("<p>{}</p>{}", "— Name (@a) August 17, 2021 ".repeat(n), tail()))
        },
        posts: |n| n + 1,
    };
    escaped_markup_run_in_an_attribute: Family {
        name: "\\u003c run in an attribute",
        kind: DocKind::Html,
        base: 4_000,
        build: |n| {
            page(&format!(
                "<div data-embed=\"\\u003cblockquote class=\\u0022twitter-tweet\\u0022\\u003e{}\">x</div>{}",
                "\\u003c".repeat(n),
                tail()
            ))
        },
        posts: |_| 1,
    };
    escaped_markup_run_in_a_plain_attribute: Family {
        name: "\\u003c run in a plain attribute",
        kind: DocKind::Html,
        base: 20_000,
        build: |n| {
            page(&format!("<div title=\"{}\">x</div>{}", "\\u003c".repeat(n), tail()))
        },
        posts: |_| 1,
    };
    escaped_markup_run_in_a_script_string: Family {
        name: "\\u003c run in a script string",
        kind: DocKind::Html,
        base: 10_000,
        build: |n| {
            page(&format!(
                "<script>var s = \"\\u003cblockquote class=\\\"twitter-tweet\\\"\\u003e{}\";</script>{}",
                "\\u003c".repeat(n),
                tail()
            ))
        },
        posts: |_| 1,
    };
    entity_escaped_run_in_an_attribute: Family {
        name: "&lt; run in an attribute",
        kind: DocKind::Html,
        base: 20_000,
        build: |n| {
            page(&format!(
                "<div data-content=\"&lt;blockquote class=&quot;twitter-tweet&quot;&gt;{}\">x</div>{}",
                "&lt;".repeat(n),
                tail()
            ))
        },
        posts: |_| 1,
    };
    deeply_escaped_embed_strings: Family {
        name: "embed code escaped three times in scripts",
        kind: DocKind::Html,
        base: 70,
        build: |n| {
            let mut s = String::new();
            for i in 0..n {
                let once = json_escaped(&tweet(i));
                let twice = json_escaped(&once);
                let thrice = json_escaped(&twice);
                s.push_str(&format!("<script>var s = \"{thrice}\";</script>\n"));
            }
            page(&s)
        },
        posts: |n| n,
    };
    unclosed_iframes: Family {
        name: "unclosed iframes",
        kind: DocKind::Html,
        base: 150,
        build: |n| {
            page(&(0..n).map(|i| format!(
                "<iframe class=\"twitter-tweet\" src=\"https://platform.twitter.com/embed/Tweet.html?id={}\">",
                1_427_632_593_688_211_498u64 + i as u64
            )).collect::<String>())
        },
        posts: |n| n,
    };
    nested_blockquotes: Family {
        name: "nested blockquotes",
        kind: DocKind::Html,
        base: 250,
        build: |n| page(&format!("{}{}", "<blockquote class=\"twitter-tweet\">".repeat(n), tail())),
        posts: |_| 1,
    };
    unclosed_tweet_divs_with_status_links: Family {
        name: "unclosed tweet divs with status links",
        kind: DocKind::Html,
        base: 100,
        build: |n| page(&format!("<div class=\"tweet\"><a href=\"{STATUS}\">").repeat(n)),
        posts: |n| n,
    };
    a_json_document_of_embed_strings: Family {
        name: "JSON document of embed strings",
        kind: DocKind::Text,
        base: 100,
        build: |n| {
            let items: Vec<String> = (0..n)
                .map(|i| serde_json::json!({ "id": i, "content_html": tweet(i) }).to_string())
                .collect();
            format!("{{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{}]}}", items.join(","))
                .into_bytes()
        },
        posts: |n| n,
    };
    an_attribute_with_an_unclosed_quote: Family {
        name: "attribute with an unclosed quote",
        kind: DocKind::Html,
        base: 120,
        build: |n| {
            page(&format!(
                "<blockquote class=\"twitter-tweet\" title=\"{}",
                (0..n).map(tweet).collect::<String>()
            ))
        },
        posts: |n| n,
    };
    comments_holding_embeds: Family {
        name: "comments holding embeds",
        kind: DocKind::Html,
        base: 2_000,
        build: |n| page(&format!("{}{}", (0..n).map(|i| format!("<!-- {} -->", tweet(i))).collect::<String>(), tail())),
        posts: |_| 1,
    };
}

#[test]
fn the_growth_check_passes_linear_ratios_and_fails_quadratic_ones() {
    // Linear, n log n, and a one-time jump between the two smallest sizes pass.
    assert!(linear(&[2.0, 2.0, 2.0]));
    assert!(linear(&[2.2, 2.3, 2.4]));
    assert!(linear(&[3.22, 1.67, 2.0]));
    // Quadratic at every step, at the largest step, or over the range fails.
    assert!(!linear(&[4.0, 4.0, 4.0]));
    assert!(!linear(&[2.0, 2.0, 3.1]));
    assert!(!linear(&[3.5, 3.5, 2.9]));
}
