//! `embedvault report`: the archive (or a filtered part of it) as one self-contained HTML page.
//!
//! The page needs nothing but itself: CSS, script and charts are inline, the posts travel as a
//! JSON data block that the script draws as cards, and a Content-Security-Policy allows only the
//! page's own script (by its hash) and no network at all. Nothing from the archive is ever
//! written as markup: the overview's labels are escaped here, and the cards are built by the
//! script with `textContent`, so a post holding `<script>` or `<img onerror>` shows as text.

mod charts;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::archive::Archive;
use crate::detect;
use crate::error::Result;
use crate::post::{Kind, Platform};
use crate::query::{Failure, Filter, Sighting, StoredPost};
use charts::esc;

const CSS: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/report.js");

/// Raw fragments are cut to this many characters in the page (the archive keeps them whole up
/// to its own cap; `embedvault show ID --raw` gives the exact bytes).
const FRAGMENT_CHARS: usize = 4096;
/// Failures listed in the overview; the rest are counted.
const FAILURES_SHOWN: usize = 200;

/// What a report was made of.
#[derive(Debug, Clone)]
pub struct HtmlReport {
    /// The page.
    pub html: String,
    /// Posts drawn.
    pub posts: usize,
    /// Sightings listed.
    pub sightings: usize,
}

/// What the page's script reads: the platforms' names and link bases, and the posts.
#[derive(Serialize)]
struct PageData<'a> {
    names: BTreeMap<&'static str, &'static str>,
    links: BTreeMap<&'static str, (Option<&'static str>, Option<&'static str>)>,
    posts: Vec<CardData<'a>>,
}

/// A post as the page's script reads it: the record's fields plus its sightings.
#[derive(Serialize)]
struct CardData<'a> {
    archive_id: i64,
    platform: Platform,
    kind: Kind,
    form: &'a str,
    post_id: Option<String>,
    url: Option<String>,
    handle: Option<String>,
    display_name: Option<String>,
    date_text: Option<String>,
    date: Option<&'a str>,
    created_at: Option<&'a str>,
    lang: Option<String>,
    text: Option<String>,
    media: Vec<String>,
    quoted_url: Option<String>,
    sightings: Vec<SightingData>,
}

#[derive(Serialize)]
struct SightingData {
    path: Option<String>,
    url: Option<String>,
    title: Option<String>,
    site: Option<String>,
    published: Option<String>,
    authors: Vec<String>,
    /// Where in a web archive: the file, the record's offset and length, its date.
    warc: Option<String>,
    /// How a fetched page was got: final URL after redirects, status, when.
    fetched: Option<String>,
    start: i64,
    end: i64,
    line: i64,
    kind: String,
    form: String,
    detector: String,
    archived_at: String,
    run: i64,
    version: String,
    fragment: Option<String>,
    fragment_cut: bool,
}

/// Text from the archive, fit for the page: control characters (other than newline and tab in
/// texts) replaced, so nothing can act on a terminal a page is copied into either.
fn clean(s: &str, keep_lines: bool) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && !(keep_lines && (c == '\n' || c == '\t')) {
                if c == '\r' && keep_lines {
                    '\n'
                } else {
                    '\u{fffd}'
                }
            } else {
                c
            }
        })
        .collect()
}

fn clean_opt(s: &Option<String>, keep_lines: bool) -> Option<String> {
    s.as_deref().map(|s| clean(s, keep_lines))
}

fn sighting_data(s: &Sighting) -> SightingData {
    let (fragment, cut) = match &s.fragment {
        Some(f) => {
            let end = f
                .char_indices()
                .nth(FRAGMENT_CHARS)
                .map_or(f.len(), |(i, _)| i);
            (
                Some(clean(&f[..end], true)),
                end < f.len() || s.fragment_truncated == Some(true),
            )
        }
        None => (None, false),
    };
    SightingData {
        path: clean_opt(&s.path, false),
        url: clean_opt(&s.url, false),
        title: s.article.as_ref().and_then(|a| clean_opt(&a.title, false)),
        site: clean_opt(&s.site, false),
        published: s
            .article
            .as_ref()
            .and_then(|a| a.published_at.as_ref().or(a.published.as_ref()))
            .map(|d| clean(d, false)),
        authors: s
            .article
            .as_ref()
            .map(|a| a.authors.iter().map(|n| clean(n, false)).collect())
            .unwrap_or_default(),
        warc: s.warc.as_ref().map(|w| {
            clean(
                &format!(
                    "{}{} @ {} ({} bytes{}){}",
                    w.file,
                    w.entry
                        .as_deref()
                        .map(|e| format!(" → {e}"))
                        .unwrap_or_default(),
                    w.offset,
                    w.length,
                    if w.offsets == "file" {
                        String::new()
                    } else {
                        format!(", {}", w.offsets)
                    },
                    w.date
                        .as_deref()
                        .map(|d| format!(", {d}"))
                        .unwrap_or_default()
                ),
                false,
            )
        }),
        fetched: s.fetch.as_ref().map(|f| {
            clean(
                &format!(
                    "HTTP {} from {}{} at {}",
                    f.status,
                    f.final_url,
                    if f.redirects.is_empty() {
                        String::new()
                    } else {
                        format!(" after {} redirect(s)", f.redirects.len())
                    },
                    f.fetched_at
                ),
                false,
            )
        }),
        start: s.start,
        end: s.end,
        line: s.line,
        kind: s.kind.clone(),
        form: s.form.clone(),
        detector: s.detector.clone(),
        archived_at: s.archived_at.clone(),
        run: s.run,
        version: s.version.clone(),
        fragment,
        fragment_cut: cut,
    }
}

fn card_data(p: &StoredPost) -> CardData<'_> {
    let r = &p.post;
    CardData {
        archive_id: p.archive_id,
        platform: r.platform,
        kind: r.kind,
        form: r.form.as_str(),
        post_id: clean_opt(&r.post_id, false),
        url: clean_opt(&r.url, false),
        handle: clean_opt(&r.handle, false),
        display_name: clean_opt(&r.display_name, false),
        date_text: clean_opt(&r.date_text, false),
        date: r.date.as_deref(),
        created_at: r.created_at.as_deref(),
        lang: clean_opt(&r.lang, false),
        text: clean_opt(&r.text, true),
        media: r.media.iter().map(|m| clean(m, false)).collect(),
        quoted_url: clean_opt(&r.quoted_url, false),
        sightings: p.sightings.iter().map(sighting_data).collect(),
    }
}

/// JSON made safe inside a `<script>` element: no `<`, `>` or `&` (so no `</script>` or
/// `<!--` can end or change the block), and no line separators.
fn script_json(v: &impl Serialize) -> String {
    // Cannot fail: every map key is a string and every value plain data.
    let json = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Where a sighting was: the site the article names, else the article URL's host without
/// `www.`, else "local files".
fn site_of(s: &Sighting) -> String {
    if let Some(site) = s.site.as_deref().filter(|x| !x.trim().is_empty()) {
        return clean(site, false);
    }
    s.url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
        .unwrap_or_else(|| "local files".into())
}

/// The day a post is placed on: the time its ID encodes, else its shown date.
fn day(p: &StoredPost) -> Option<&str> {
    p.post
        .created_at
        .as_deref()
        .or(p.post.date.as_deref())
        .filter(|d| d.len() >= 7)
}

fn ranked(counts: HashMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Describes the filter in words, for the page's subtitle.
fn filter_words(f: &Filter) -> String {
    let mut parts = Vec::new();
    let mut add = |name: &str, v: &Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{name} {v}"));
        }
    };
    add("platform", &f.platform);
    add("handle", &f.handle);
    add("search", &f.search);
    add("since", &f.since);
    add("until", &f.until);
    add("source", &f.source);
    add("site", &f.site);
    let kind = match f.kind {
        crate::query::KindFilter::Embed => "embeds",
        crate::query::KindFilter::Mention => "mentions",
        crate::query::KindFilter::All => "embeds and mentions",
    };
    if parts.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}; {}", parts.join(", "))
    }
}

/// The report of the posts `filter` selects in `archive`.
pub(crate) fn render(archive: &Archive, filter: &Filter) -> Result<HtmlReport> {
    let posts = archive.query_full(filter)?;
    let failures = archive.failures()?;
    let title = format!(
        "embedvault report — {}",
        archive
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| archive.path().display().to_string())
    );
    page(&title, filter, &posts, &failures)
}

/// The page for `posts` and `failures`.
fn page(
    title: &str,
    filter: &Filter,
    posts: &[StoredPost],
    failures: &[Failure],
) -> Result<HtmlReport> {
    let mut by_platform: BTreeMap<Platform, usize> = BTreeMap::new();
    let mut months: BTreeMap<String, BTreeMap<Platform, usize>> = BTreeMap::new();
    let mut handles: HashMap<String, usize> = HashMap::new();
    let mut sites: HashMap<String, usize> = HashMap::new();
    let mut forms: HashMap<String, usize> = HashMap::new();
    let (mut embeds, mut sightings, mut undated) = (0usize, 0usize, 0usize);
    let mut articles: std::collections::HashSet<String> = std::collections::HashSet::new();
    for p in posts {
        let r = &p.post;
        *by_platform.entry(r.platform).or_insert(0) += 1;
        if r.kind == Kind::Embed {
            embeds += 1;
        }
        match day(p) {
            Some(d) => {
                *months
                    .entry(d[..7].to_string())
                    .or_default()
                    .entry(r.platform)
                    .or_insert(0) += 1
            }
            None => undated += 1,
        }
        if let Some(h) = &r.handle {
            let h = format!(
                "@{} ({})",
                h.trim_start_matches('@'),
                detect::look(r.platform).label
            );
            *handles.entry(h).or_insert(0) += 1;
        }
        *forms.entry(r.form.as_str().to_string()).or_insert(0) += 1;
        let mut post_sites = std::collections::HashSet::new();
        for s in &p.sightings {
            sightings += 1;
            post_sites.insert(site_of(s));
            articles.insert(format!(
                "{}\u{0}{}",
                s.sha256,
                s.path.as_deref().unwrap_or("")
            ));
        }
        for s in post_sites {
            *sites.entry(s).or_insert(0) += 1;
        }
    }
    let names: BTreeMap<&'static str, &'static str> = Platform::ALL
        .iter()
        .map(|p| (p.as_str(), detect::look(*p).label))
        .collect();
    let looks: BTreeMap<&'static str, (Option<&'static str>, Option<&'static str>)> = Platform::ALL
        .iter()
        .map(|p| {
            let l = detect::look(*p);
            (p.as_str(), (l.profile, l.hashtag))
        })
        .collect();
    let data = script_json(&PageData {
        names,
        links: looks,
        posts: posts.iter().map(card_data).collect(),
    });
    let script_hash = base64_sha256(SCRIPT);

    let mut h = String::with_capacity(data.len() + 64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; img-src data:; \
         base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"generator\" content=\"embedvault {}\">\n<title>{}</title>\n<style>\n{CSS}",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );
    for p in Platform::ALL {
        let _ = writeln!(
            h,
            ".pf-{} {{ --pf: {}; }}",
            p.as_str(),
            detect::look(*p).colour
        );
    }
    let _ = write!(
        h,
        "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"wrap\"><h1>{}</h1>\
         <p>{} · generated {} by embedvault {}</p></div></header>\n<main class=\"wrap\">\n",
        esc(title),
        esc(&filter_words(filter)),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        env!("CARGO_PKG_VERSION"),
    );

    // Overview.
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"ov\"><h2 id=\"ov\">Overview</h2><ul class=\"totals\">\
         <li><b id=\"t-posts\">{}</b><span>posts</span></li>\
         <li><b>{embeds}</b><span>embedded</span></li>\
         <li><b>{}</b><span>only mentioned</span></li>\
         <li><b>{sightings}</b><span>sightings</span></li>\
         <li><b>{}</b><span>articles</span></li>\
         <li><b>{}</b><span>platforms</span></li>\
         <li><b>{}</b><span>failed or skipped inputs</span></li></ul>",
        posts.len(),
        posts.len() - embeds,
        articles.len(),
        by_platform.len(),
        failures.len(),
    );
    let _ = writeln!(
        h,
        "<div class=\"panels\"><div class=\"panel wide chart\"><h3>Posts per month by platform\
         </h3><div class=\"scroll\" tabindex=\"0\" role=\"region\" \
         aria-label=\"Timeline, scrolls sideways on narrow screens\">{}</div>{}{}</div>",
        charts::timeline(&months),
        charts::legend(&by_platform),
        if undated > 0 {
            format!("<p class=\"none\">{undated} posts have no date and are not drawn.</p>")
        } else {
            String::new()
        }
    );
    let _ = write!(
        h,
        "<div class=\"panel\"><h3>Top handles</h3>{}</div>\n\
         <div class=\"panel\"><h3>Top sites</h3>{}</div>\n\
         <div class=\"panel\"><h3>Forms</h3>{}</div>\n",
        charts::bars(&ranked(handles), 15, "Top handles"),
        charts::bars(&ranked(sites), 15, "Top sites"),
        charts::bars(&ranked(forms), 15, "Forms"),
    );
    h.push_str("<div class=\"panel wide\"><h3>Failed and skipped inputs</h3>");
    if failures.is_empty() {
        h.push_str("<p class=\"none\">None: every input was read.</p>");
    } else {
        h.push_str(
            "<table class=\"failures\"><thead><tr><th scope=\"col\">run</th>\
             <th scope=\"col\">input</th><th scope=\"col\">reason</th></tr></thead><tbody>",
        );
        for f in failures.iter().take(FAILURES_SHOWN) {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                f.run,
                esc(&clean(&f.input, false)),
                esc(&clean(&f.message, false))
            );
        }
        h.push_str("</tbody></table>");
        if failures.len() > FAILURES_SHOWN {
            let _ = write!(
                h,
                "<p class=\"none\">and {} more (see <code>embedvault stats</code>)</p>",
                failures.len() - FAILURES_SHOWN
            );
        }
    }
    h.push_str("</div></div></section>\n");

    // Find.
    h.push_str(
        "<section aria-labelledby=\"posts-h\"><h2 id=\"posts-h\">Posts</h2>\
         <div class=\"find\"><form id=\"find\" role=\"search\" aria-label=\"Filter posts\">",
    );
    h.push_str(
        "<label>Platform<select id=\"f-platform\" name=\"platform\"><option value=\"\">All\
         </option>",
    );
    for (p, n) in &by_platform {
        let _ = write!(
            h,
            "<option value=\"{}\">{} ({n})</option>",
            p.as_str(),
            esc(detect::look(*p).label)
        );
    }
    h.push_str(
        "</select></label>\
         <label>Handle<input id=\"f-handle\" name=\"handle\" type=\"search\" \
         autocomplete=\"off\" spellcheck=\"false\" placeholder=\"@handle\"></label>\
         <label class=\"q\">Words<input id=\"f-q\" name=\"q\" type=\"search\" \
         autocomplete=\"off\" placeholder=\"words in the text\"></label>\
         <label>From<input id=\"f-since\" name=\"since\" type=\"date\"></label>\
         <label>To<input id=\"f-until\" name=\"until\" type=\"date\"></label>\
         <label>Sort<select id=\"f-sort\" name=\"sort\"><option value=\"date\">Newest first\
         </option><option value=\"oldest\">Oldest first</option><option value=\"sightings\">\
         Most sightings</option></select></label>\
         <button type=\"button\" id=\"f-reset\">Clear</button></form>\
         <p class=\"count\" id=\"count\" role=\"status\" aria-live=\"polite\"></p></div>\
         <ol id=\"results\" aria-label=\"Posts\"></ol>\
         <button type=\"button\" class=\"more\" id=\"more\" hidden>Show more</button>\
         <noscript><p>The post cards are drawn by the page's script; the data is in the \
         page's <code>ev-data</code> block.</p></noscript></section>\n</main>\n",
    );
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"ev-data\">{data}</script>\n<script>{SCRIPT}\
         </script>\n</body>\n</html>\n"
    );
    Ok(HtmlReport {
        html: h,
        posts: posts.len(),
        sightings,
    })
}

/// The base64 of a text's SHA-256, as a Content-Security-Policy hash source writes it.
fn base64_sha256(s: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(44);
    for chunk in digest.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let c = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    }

    #[test]
    fn platform_colours_are_distinct_and_readable_under_white_text() {
        let mut seen = Vec::new();
        for p in crate::Platform::ALL {
            let colour = detect::look(*p).colour;
            assert!(
                colour.len() == 7 && colour.starts_with('#'),
                "{p:?} {colour}"
            );
            let contrast = 1.05 / (luminance(colour) + 0.05);
            assert!(contrast >= 4.5, "{p:?} {colour}: {contrast:.2} under white");
            assert!(!seen.contains(&colour), "{p:?} shares {colour}");
            seen.push(colour);
        }
    }

    #[test]
    fn the_script_hash_is_base64_of_sha256() {
        // SHA-256 of "abc" in base64, as `openssl dgst -sha256 -binary | base64` gives it.
        assert_eq!(
            base64_sha256("abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn data_cannot_end_its_script_block() {
        let v = serde_json::json!({"t": "</script><script>alert(1)</script><!-- & \u{2028}"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn control_characters_are_replaced_and_lines_kept_in_texts() {
        assert_eq!(clean("a\u{1b}[2Jb\nc\r", true), "a\u{fffd}[2Jb\nc\n");
        assert_eq!(clean("a\nb\u{9b}", false), "a\u{fffd}b\u{fffd}");
    }
}
