//! Scanning speed on representative pages through the public API: a whole input scan (charset
//! decoding, SHA-256, prefilter, detection, provenance) on the fast path and on the
//! whole-document path, side by side. Throughput is in bytes of input. Pages are built from the
//! bundled samples, padded with article prose to the size of a saved news page.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use embedvault::{DocKind, ScanOptions};

const PROSE: &str = "<p>The council said the works would continue through the winter, with \
    further closures expected on the eastern approach. Residents were asked to follow the \
    signed diversions and to check the timetable before travelling; a spokesperson added that \
    the budget for the project had not changed since it was approved last spring.</p>\n";

/// A page of about `size` bytes: the sample's markup in the middle of padding prose, with the
/// chrome real pages carry (share links, a script, a style block).
fn page(sample: &str, size: usize) -> String {
    let embed = std::fs::read_to_string(format!("{}/samples/{sample}", env!("CARGO_MANIFEST_DIR")))
        .expect("sample exists");
    let chrome = r#"<head><meta charset="utf-8"><style>.share a{color:#333}</style>
<script>window.__config={"share":["twitter","facebook"],"track":true};</script></head>
<body><nav><a href="https://twitter.com/newsroom">Follow us on Twitter</a>
<a href="https://www.facebook.com/newsroom">Facebook</a></nav>"#;
    let mut out = String::with_capacity(size + embed.len());
    out.push_str(chrome);
    while out.len() < size / 2 {
        out.push_str(PROSE);
    }
    out.push_str(&embed);
    while out.len() < size {
        out.push_str(PROSE);
    }
    out.push_str("</body>");
    out
}

fn benches(c: &mut Criterion) {
    let pages = [
        (
            "blockquote",
            page("twitter/blockquote-modern.html", 100_000),
        ),
        (
            "placeholders",
            page("twitter/forms-placeholders.html", 100_000),
        ),
        ("instagram", page("instagram/blockquote-v14.html", 100_000)),
        ("no-embed", page("negative/buttons.html", 100_000)),
    ];
    let html = |exhaustive| ScanOptions {
        kind: Some(DocKind::Html),
        exhaustive,
        ..ScanOptions::default()
    };

    // A whole input: charset decoding, SHA-256, prefilter, detection and provenance.
    let mut g = c.benchmark_group("scan");
    for (name, p) in &pages {
        g.throughput(Throughput::Bytes(p.len() as u64));
        let opts = html(false);
        g.bench_function(*name, |b| {
            b.iter(|| embedvault::scan(black_box(p.as_bytes()), &opts))
        });
    }
    g.finish();

    // The same inputs on the whole-document path (every tag and text run, no prefilter): the
    // ratio to `scan` is what the prefilter and fragment-local parsing save.
    let mut g = c.benchmark_group("scan-exhaustive");
    for (name, p) in &pages {
        g.throughput(Throughput::Bytes(p.len() as u64));
        let opts = html(true);
        g.bench_function(*name, |b| {
            b.iter(|| embedvault::scan(black_box(p.as_bytes()), &opts))
        });
    }
    g.finish();
}

criterion_group!(detect, benches);
criterion_main!(detect);
