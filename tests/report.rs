//! `report` and `export` through the real binary; the report's page opened in a real headless
//! Chromium, whose DOM is checked after the page's own script built it.

#![allow(clippy::print_stderr)] // The 50,000-post timings are worth seeing in the test log.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::browser::Browser;
use crate::support::{json_lines, root, run, temp_dir};

/// A page holding one tweet whose text and display name carry markup, script, a
/// `javascript:` link and terminal escapes, all entity-escaped as an embed has them.
const HOSTILE: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>Hostile</title></head><body>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">&lt;script&gt;window.__pwned=1&lt;/script&gt; &lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt; <a href="javascript:window.__pwned=3">javascript:window.__pwned=3</a> &#27;]0;owned&#7; &#27;[2J #injected</p>&mdash; &lt;b onmouseover=&quot;window.__pwned=4&quot;&gt;Mallory&lt;/b&gt; (@mallory_x) <a href="https://twitter.com/mallory_x/status/1390000000000000001">May 5, 2021</a></blockquote>
</body></html>
"#;

/// Archives `inputs` into the database `db` through the binary.
fn archive_into(db: &Path, inputs: &[&Path]) {
    let mut args = vec!["archive", "--db", db.to_str().unwrap()];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let out = run(&args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An archive of the samples and the hostile page, in a fresh folder.
fn archive(dir: &Path) -> PathBuf {
    let db = dir.join("a.db");
    let page = dir.join("hostile.html");
    std::fs::write(&page, HOSTILE).unwrap();
    archive_into(&db, &[Path::new("samples"), &page]);
    db
}

fn export(db: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["export", "--db", db.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(&args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

fn report(db: &Path, to: &Path, extra: &[&str]) {
    let mut args = vec![
        "report",
        "--db",
        db.to_str().unwrap(),
        "-o",
        to.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = run(&args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().unwrap().display())
}

#[test]
fn export_writes_every_post_or_every_sighting_in_each_format() {
    let dir = temp_dir("export-formats");
    let db = archive(&dir);
    let posts = export(&db, &[]);
    let sightings = export(&db, &["--sightings"]);
    let total: usize = posts
        .iter()
        .map(|p| p["sightings"].as_array().unwrap().len())
        .sum();
    assert!(posts.len() > 150, "{}", posts.len());
    assert_eq!(sightings.len(), total);
    // Export is the whole archive: mentions too, unless --kind says otherwise.
    assert!(posts.iter().any(|p| p["kind"] == "mention"));
    assert!(
        export(&db, &["--kind", "embed"])
            .iter()
            .all(|p| p["kind"] == "embed")
    );
    // A sighting record is the post with that sighting's provenance in `source`.
    for s in &sightings {
        let sg = &s["sighting"];
        assert_eq!(s["source"]["start"], sg["start"]);
        assert_eq!(s["source"]["path"], sg["path"]);
        assert!(s["archive_id"].as_i64().is_some() && s.get("sightings").is_none());
    }
    // JSON is one array of the same records; CSV one row per record, IDs quoted as text.
    let out = run(
        &["export", "--db", db.to_str().unwrap(), "--format", "json"],
        None,
    );
    let array: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(array.as_array().unwrap(), &posts);
    let out = run(
        &[
            "export",
            "--db",
            db.to_str().unwrap(),
            "--format",
            "csv",
            "--sightings",
        ],
        None,
    );
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let header = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), total);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let tweet = rows
        .iter()
        .find(|r| &r[col("post_id")] == "1390000000000000001")
        .expect("the hostile page's tweet");
    assert_eq!(&tweet[col("handle")], "mallory_x");
    assert!(tweet[col("path")].ends_with("hostile.html"));
    assert_eq!(&tweet[col("sighting")], "1");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("\"platform\""));
    // Filters apply as in query.
    let vk = export(&db, &["--platform", "vk"]);
    assert!(!vk.is_empty() && vk.iter().all(|p| p["platform"] == "vk"));
}

#[test]
fn the_report_is_one_offline_page_with_the_posts_as_data() {
    let dir = temp_dir("report-offline");
    let db = archive(&dir);
    let page = dir.join("r.html");
    report(&db, &page, &[]);
    let html = std::fs::read_to_string(&page).unwrap();
    // Nothing is fetched: no external script, style, image or frame, and a policy that forbids it.
    for outside in ["src=\"http", "href=\"http", "<link", "@import", "url(http"] {
        assert!(!html.contains(outside), "{outside}");
    }
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    // The post's markup is data, never markup: no raw `<script` from the page in the HTML.
    assert_eq!(
        html.matches("<script").count(),
        2,
        "the data block and the script"
    );
    assert!(!html.contains("<img src=x"));
    let posts = export(&db, &["--kind", "embed"]);
    assert!(html.contains(&format!("<b id=\"t-posts\">{}</b>", posts.len())));
    // The site filter: the posts seen on a site the articles name.
    let site = dir.join("site.html");
    report(&db, &site, &["--site", "HarbourGazette"]);
    let on_site = export(&db, &["--kind", "embed", "--site", "harbourgazette"]);
    assert!(!on_site.is_empty());
    let html = std::fs::read_to_string(&site).unwrap();
    assert!(html.contains(&format!("<b id=\"t-posts\">{}</b>", on_site.len())));
    assert!(html.contains("site HarbourGazette"));
    // Written to stdout with `-`.
    let out = run(&["report", "--db", db.to_str().unwrap(), "-o", "-"], None);
    assert!(
        out.stdout.starts_with(b"<!DOCTYPE html>") || out.stdout.starts_with(b"<!doctype html>")
    );
}

/// A fresh folder holding an archive of the samples and the hostile page, and its report:
/// (the database, the page).
fn archived_report(name: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let db = archive(&dir);
    let page = dir.join("report.html");
    report(&db, &page, &[]);
    (db, page)
}

/// Draws the whole list, as the page does before printing.
fn draw_all(b: &Browser) {
    b.eval("window.dispatchEvent(new Event('beforeprint')); return true");
}

/// Opens a report and waits until its script has drawn it.
fn open(b: &Browser, page: &Path, fragment: &str) -> Duration {
    let t = Instant::now();
    b.goto(&format!("{}{fragment}", file_url(page)));
    assert!(
        b.wait_for(
            "return document.documentElement.getAttribute('data-ready') === '1'",
            Duration::from_secs(60)
        ),
        "the report's script never finished"
    );
    t.elapsed()
}

fn cards(b: &Browser) -> u64 {
    b.eval("return document.querySelectorAll('#results article.card').length")
        .as_u64()
        .unwrap()
}

#[test]
fn the_report_in_a_real_browser_shows_every_post_and_filters_through_its_controls() {
    let Some(b) = Browser::start(1280, 900) else {
        return;
    };
    let (db, page) = archived_report("report-browser");
    let posts = export(&db, &["--kind", "embed"]);
    open(&b, &page, "");

    // Every post is a card once the list is drawn to its end (as for printing).
    draw_all(&b);
    assert_eq!(cards(&b), posts.len() as u64);
    assert_eq!(
        b.eval("return document.getElementById('count').textContent"),
        Value::from(format!("{} posts", posts.len()))
    );

    // A known post: its fields and its sighting, as the card shows them.
    let known = posts
        .iter()
        .find(|p| p["post_id"] == "1536750592617394181")
        .expect("the sample tweet");
    let id = known["archive_id"].as_i64().unwrap();
    let card = b.eval(&format!(
        "var c = document.getElementById('post-{id}'); return c && {{
           name: c.querySelector('.name').textContent,
           handle: c.querySelector('.handle').textContent,
           text: c.querySelector('.card-text').textContent,
           links: Array.from(c.querySelectorAll('.card-text a')).map(a => a.getAttribute('href')),
           time: c.querySelector('time').textContent,
           original: c.querySelector('.meta a').getAttribute('href'),
           sighting: c.querySelector('.prov li').textContent,
           platform: c.getAttribute('data-platform') }}"
    ));
    assert_eq!(card["name"], "Tidewater Survey 🌊");
    assert_eq!(card["handle"], "@tidewater_srv");
    assert!(
        card["text"]
            .as_str()
            .unwrap()
            .starts_with("All eleven gauges are live")
    );
    assert_eq!(card["text"], known["text"]);
    assert_eq!(card["time"], "June 14, 2022");
    assert_eq!(card["platform"], "twitter");
    assert_eq!(card["original"], known["url"]);
    assert!(
        known["url"]
            .as_str()
            .unwrap()
            .ends_with("/tidewater_srv/status/1536750592617394181")
    );
    let links: Vec<&str> = card["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        links.contains(&"https://x.com/hashtag/CitizenScience"),
        "{links:?}"
    );
    assert!(
        links.contains(&"https://x.com/harbourmaster_ex"),
        "{links:?}"
    );
    assert!(links.contains(&"https://t.co/Vq3LmT8sKe"), "{links:?}");
    let sighting = card["sighting"].as_str().unwrap();
    let s = &known["sightings"][0];
    assert!(sighting.contains("blockquote-modern.html"), "{sighting}");
    // The article as it names itself: its title links to it, its site is given.
    let article = &s["article"];
    assert!(
        sighting.starts_with(article["title"].as_str().unwrap()),
        "{sighting}"
    );
    assert!(sighting.contains(s["site"].as_str().unwrap()), "{sighting}");
    assert!(
        sighting.contains(&format!(
            "bytes {}–{}, line {}",
            s["start"], s["end"], s["line"]
        )),
        "{sighting}"
    );

    // A filter typed into the page's own controls, kept in the address.
    let top =
        "return Math.round(document.getElementById('find').getBoundingClientRect().top + scrollY)";
    let find_top = b.eval(top);
    let by_handle = posts
        .iter()
        .filter(|p| p["handle"].as_str() == Some("tidewater_srv"))
        .count();
    assert!(by_handle >= 1);
    let handle = b.find("#f-handle");
    b.type_into(&handle, "Tidewater_Srv");
    assert!(b.wait_for(
        &format!(
            "return document.querySelectorAll('#results article.card').length === {by_handle}"
        ),
        Duration::from_secs(10)
    ));
    assert_eq!(
        b.eval("return document.getElementById('count').textContent"),
        Value::from(format!("{by_handle} of {} posts match", posts.len()))
    );
    // Filtering does not move what is above the list.
    assert_eq!(b.eval(top), find_top);
    assert_eq!(
        b.eval("return location.hash"),
        Value::from("#handle=Tidewater_Srv")
    );
    // The same address opened afresh shows the same view.
    b.goto("about:blank");
    open(&b, &page, "#handle=Tidewater_Srv");
    assert_eq!(cards(&b), by_handle as u64);
    assert_eq!(
        b.eval("return document.getElementById('f-handle').value"),
        Value::from("Tidewater_Srv")
    );
    // Platform through its select, and clearing.
    b.click(&b.find("#f-reset"));
    b.eval(
        "var s = document.getElementById('f-platform'); s.value = 'youtube';
         s.dispatchEvent(new Event('change')); return true",
    );
    let youtube = posts.iter().filter(|p| p["platform"] == "youtube").count();
    draw_all(&b);
    assert_eq!(cards(&b), youtube as u64);
    assert!(youtube > 0);
    let words = b.find("#f-q");
    b.click(&b.find("#f-reset"));
    b.type_into(&words, "gauges live");
    assert!(b.wait_for(
        "return document.querySelectorAll('#results article.card').length === 1",
        Duration::from_secs(10)
    ));
}

#[test]
fn the_report_fits_a_phone_without_sideways_scrolling() {
    let Some(b) = Browser::start(390, 844) else {
        return;
    };
    let (_, page) = archived_report("report-phone");
    open(&b, &page, "");
    draw_all(&b);
    let v = b.eval(
        "var d = document.documentElement;
         return {width: d.clientWidth, scroll: d.scrollWidth,
                 cards: document.querySelectorAll('#results article.card').length}",
    );
    assert_eq!(v["width"], 390, "{v}");
    assert_eq!(v["scroll"], v["width"], "{v}");
    assert!(v["cards"].as_u64().unwrap() > 150, "{v}");
}

#[test]
fn a_post_carrying_markup_script_and_escapes_is_drawn_inert() {
    let Some(b) = Browser::start(1280, 900) else {
        return;
    };
    let (_, page) = archived_report("report-hostile");
    open(&b, &page, "#handle=mallory_x");
    assert_eq!(cards(&b), 1);
    let v = b.eval(
        "var c = document.querySelector('#results article.card');
         c.querySelector('.prov').open = true;
         c.querySelectorAll('details.raw').forEach(d => { d.open = true; });
         return {
           pwned: window.__pwned === undefined ? null : window.__pwned,
           elements: Array.from(c.querySelectorAll('*')).map(e => e.tagName.toLowerCase()),
           hrefs: Array.from(c.querySelectorAll('a')).map(a => a.getAttribute('href')),
           handlers: Array.from(c.querySelectorAll('*')).filter(e =>
             Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
           text: c.querySelector('.card-text').textContent,
           name: c.querySelector('.name').textContent,
           scripts: document.scripts.length };",
    );
    // Nothing ran, nothing was made from the post's text: its markup is shown as text.
    assert_eq!(v["pwned"], Value::Null, "{v}");
    assert_eq!(v["scripts"], 2);
    assert_eq!(v["handlers"], 0);
    for tag in v["elements"].as_array().unwrap() {
        let tag = tag.as_str().unwrap();
        assert!(
            !["script", "img", "b", "iframe"].contains(&tag),
            "{tag} in {v}"
        );
    }
    for href in v["hrefs"].as_array().unwrap() {
        let href = href.as_str().unwrap();
        assert!(
            href.starts_with("https://") || href.starts_with("http://"),
            "{href}"
        );
    }
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("<script>window.__pwned=1</script>"), "{text}");
    assert!(text.contains("onerror="), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(v["name"].as_str().unwrap().contains("<b onmouseover="));
    // The page waits a moment for anything deferred, then checks again.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        b.eval("return window.__pwned === undefined"),
        Value::Bool(true)
    );
}

/// Pages of generated tweets: `files` pages of `per` posts each, distinct IDs, handles, dates
/// and words, so the report has that many posts.
fn generate(dir: &Path, files: usize, per: usize) {
    let words = [
        "harbour", "flood", "gauge", "council", "river", "bridge", "storm", "vote", "market",
        "rail", "school", "heat",
    ];
    for f in 0..files {
        let mut page =
            String::from("<!doctype html><meta charset=utf-8><title>Generated</title>\n");
        for i in 0..per {
            let n = f * per + i;
            let id = 1_300_000_000_000_000_000u64 + n as u64 * 7919;
            let handle = format!("acct_{}", n % 997);
            let (y, m, d) = (2015 + n % 10, 1 + n % 12, 1 + n % 28);
            let month = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ][m - 1];
            page.push_str(&format!(
                "<blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">Post {n} about the {} and the {} #{} <a href=\"https://t.co/x{n}\">pic.twitter.com/x{n}</a></p>&mdash; Account {} (@{handle}) <a href=\"https://twitter.com/{handle}/status/{id}\">{month} {d}, {y}</a></blockquote>\n",
                words[n % words.len()],
                words[(n / 7) % words.len()],
                words[(n / 3) % words.len()],
                n % 997
            ));
        }
        std::fs::write(dir.join(format!("page-{f:04}.html")), page).unwrap();
    }
}

#[test]
fn a_report_of_fifty_thousand_posts_opens_and_filters_in_seconds() {
    let Some(b) = Browser::start(1280, 900) else {
        return;
    };
    let dir = temp_dir("report-50k");
    let pages = dir.join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    generate(&pages, 250, 200);
    let db = dir.join("big.db");
    archive_into(&db, &[&pages]);
    let page = dir.join("big.html");
    report(&db, &page, &[]);
    let size = std::fs::metadata(&page).unwrap().len();

    let opened = open(&b, &page, "");
    assert_eq!(
        b.eval("return document.getElementById('count').textContent"),
        Value::from("50000 posts")
    );
    // A post's ID typed into the search box, timed until the matching card is drawn.
    let id = (1_300_000_000_000_000_000u64 + 4242 * 7919).to_string();
    let t = Instant::now();
    let q = b.find("#f-q");
    b.type_into(&q, &id);
    assert!(b.wait_for(
        "return document.getElementById('count').textContent === '1 of 50000 posts match'",
        Duration::from_secs(60)
    ));
    let filtered = t.elapsed();
    let t = Instant::now();
    b.click(&b.find("#f-reset"));
    b.eval(
        "var s = document.getElementById('f-sort'); s.value = 'sightings';
         s.dispatchEvent(new Event('change')); return true",
    );
    assert!(b.wait_for(
        "return document.getElementById('count').textContent === '50000 posts'",
        Duration::from_secs(60)
    ));
    let sorted = t.elapsed();
    eprintln!(
        "report of 50000 posts: {:.1} MB; opened in {:.2} s, one word filtered in {:.2} s, \
         cleared and re-sorted in {:.2} s",
        size as f64 / 1e6,
        opened.as_secs_f64(),
        filtered.as_secs_f64(),
        sorted.as_secs_f64()
    );
    // "Within a few seconds here", with room for a loaded machine.
    assert!(opened < Duration::from_secs(15), "{opened:?}");
    assert!(filtered < Duration::from_secs(10), "{filtered:?}");
    let _ = root();
}

/// Screenshots of the overview and of a card at 1280 and 390 pixels wide, for the README;
/// run by `scripts/report-screenshots.sh`, which names the folder in `EMBEDVAULT_SCREENSHOTS`.
#[test]
#[ignore = "writes the README's screenshots; run by scripts/report-screenshots.sh"]
fn screenshots() {
    let Some(to) = std::env::var_os("EMBEDVAULT_SCREENSHOTS").map(PathBuf::from) else {
        panic!("EMBEDVAULT_SCREENSHOTS names the folder to write to");
    };
    std::fs::create_dir_all(&to).unwrap();
    let dir = temp_dir("report-screenshots");
    let db = dir.join("a.db");
    archive_into(&db, &[Path::new("samples")]);
    let page = dir.join("report.html");
    report(&db, &page, &[]);
    for (width, height) in [(1280, 1000), (390, 844)] {
        let b = Browser::start(width, height).expect("chromium and chromedriver");
        open(&b, &page, "");
        b.screenshot(None, &to.join(format!("report-overview-{width}.png")));
        open(&b, &page, "#handle=tidewater_srv");
        b.eval(
            "var c = document.querySelector('#results article.card');
             c.querySelector('.prov').open = true; c.scrollIntoView(); return true",
        );
        let card = b.find("#results article.card");
        b.screenshot(Some(&card), &to.join(format!("report-card-{width}.png")));
    }
}
