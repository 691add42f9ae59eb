//! Article metadata read from small hand-made pages and texts, one behaviour per test.

use super::{Article, read};
use crate::decode::DocKind;

fn html(page: &str) -> Article {
    read(page, DocKind::Html)
}

fn text(t: &str) -> Article {
    read(t, DocKind::Text)
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn json_ld_article_in_a_graph_with_references() {
    let page = r#"<html lang="en-gb"><head>
<title>Harbour wall repaired | Coastal Times</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","@id":"https://coastal.example/#site","name":"Coastal Times"},
 {"@type":"Organization","@id":"https://coastal.example/#org","name":"Coastal Media Ltd"},
 {"@type":"Person","@id":"https://coastal.example/#ann","name":"Ann Reed"},
 {"@type":["NewsArticle"],"headline":"Harbour wall repaired after storm",
  "mainEntityOfPage":{"@type":"WebPage","@id":"https://coastal.example/news/harbour"},
  "datePublished":"2023-03-04T09:15:00+01:00",
  "author":[{"@id":"https://coastal.example/#ann"},{"@type":"Person","name":"Bo Li"}],
  "publisher":{"@id":"https://coastal.example/#org"},"inLanguage":"en-GB"}]}
</script></head><body><p>Text.</p></body></html>"#;
    assert_eq!(
        html(page),
        Article {
            title: s("Harbour wall repaired after storm"),
            canonical_url: s("https://coastal.example/news/harbour"),
            published: s("2023-03-04T09:15:00+01:00"),
            published_at: s("2023-03-04T08:15:00Z"),
            authors: vec!["Ann Reed".into(), "Bo Li".into()],
            site: s("Coastal Times"),
            lang: s("en-GB"),
        }
    );
}

#[test]
fn json_ld_article_types_arrays_and_string_authors() {
    let page = r#"<script type="application/ld+json">[
      {"@type":"BreadcrumbList","name":"Home"},
      {"@type":"ReportageNewsArticle","headline":"Floods reach the valley",
       "author":"Max Muster","datePublished":"2022-07-01",
       "publisher":{"@type":"Organization","name":"Valley Post"}}]</script>"#;
    let a = html(page);
    assert_eq!(a.title, s("Floods reach the valley"));
    assert_eq!(a.authors, vec!["Max Muster".to_string()]);
    assert_eq!(a.published_at, s("2022-07-01"));
    // No other site name: the publisher's.
    assert_eq!(a.site, s("Valley Post"));
}

#[test]
fn json_ld_with_raw_newlines_and_a_comment_wrapper_is_repaired() {
    let page = "<script type=\"application/ld+json\"><!--\n{\"@type\":\"BlogPosting\",\
                \"headline\":\"Line one\nline two\",\"author\":{\"name\":\"Kim\"}};\n--></script>";
    let a = html(page);
    assert_eq!(a.title, s("Line one line two"));
    assert_eq!(a.authors, vec!["Kim".to_string()]);
}

#[test]
fn opengraph_wins_over_named_meta_and_the_title_element_and_canonical_over_og_url() {
    let page = r#"<html><head>
<meta name="author" content="Meta Name">
<meta property="og:title" content="The OG headline">
<meta content="https://news.example/node/77" property="og:url">
<meta property="og:site_name" content="News Example">
<meta property="article:published_time" content="2020-05-06T07:08:09Z">
<meta property="article:author" content="https://www.facebook.com/someone">
<meta property="og:locale" content="de_DE">
<meta name="date" content="2019-01-01">
<link rel="canonical" href="https://news.example/a/1">
<title>Other title</title></head><body></body></html>"#;
    let a = html(page);
    assert_eq!(a.title, s("The OG headline"));
    assert_eq!(a.canonical_url, s("https://news.example/a/1"));
    assert_eq!(a.site, s("News Example"));
    assert_eq!(a.published, s("2020-05-06T07:08:09Z"));
    assert_eq!(a.published_at, s("2020-05-06T07:08:09Z"));
    // The OpenGraph author is a profile URL, so the named meta gives the author.
    assert_eq!(a.authors, vec!["Meta Name".to_string()]);
    assert_eq!(a.lang, s("de-DE"));
}

#[test]
fn named_meta_keys_in_any_case_and_repeated_citation_authors() {
    let page = r#"<head><meta name="DC.Title" content="A Study of Tides">
<meta name="citation_author" content="Smith, Jane"><meta name="citation_author" content="Doe, John">
<meta name="citation_publication_date" content="2018/02/03">
<meta name="citation_journal_title" content="Journal of Coasts">
<meta http-equiv="Content-Language" content="fr, en"></head>"#;
    let a = html(page);
    assert_eq!(a.title, s("A Study of Tides"));
    assert_eq!(
        a.authors,
        vec!["Smith, Jane".to_string(), "Doe, John".to_string()]
    );
    assert_eq!(a.published_at, s("2018-02-03"));
    assert_eq!(a.site, s("Journal of Coasts"));
    assert_eq!(a.lang, s("fr"));
}

#[test]
fn title_element_loses_the_site_suffix_and_the_host_is_the_last_site() {
    let page = r#"<html lang="EN"><head><title> Storm  closes &amp; floods the port - Harbourwatch </title>
<link rel="canonical" href="https://www.harbourwatch.example/storm"></head>
<body><svg><title>icon</title></svg></body></html>"#;
    let a = html(page);
    assert_eq!(a.title, s("Storm closes & floods the port"));
    assert_eq!(a.site, s("harbourwatch.example"));
    assert_eq!(a.canonical_url, s("https://www.harbourwatch.example/storm"));
    assert_eq!(a.lang, s("en"));
}

#[test]
fn a_title_suffix_that_is_not_the_site_stays() {
    let page = r#"<head><title>Q&amp;A - part two</title><meta property="og:site_name" content="Radio One"></head>"#;
    assert_eq!(html(page).title, s("Q&A - part two"));
}

#[test]
fn svg_titles_in_the_body_are_not_the_page_title() {
    let page = "<html><body><svg><title>Close</title></svg><p>x</p></body></html>";
    assert_eq!(html(page).title, None);
}

#[test]
fn time_pubdate_and_unparsed_dates_are_kept_as_shown() {
    let page = r#"<body><meta name="pubdate" content="{{ publish_date }}">
<p><time itemprop="datePublished" datetime="2017-11-12T10:00:00-05:00">Nov 12</time></p></body>"#;
    let a = html(page);
    // The template placeholder does not parse; the `<time>` does, and wins.
    assert_eq!(a.published, s("2017-11-12T10:00:00-05:00"));
    assert_eq!(a.published_at, s("2017-11-12T15:00:00Z"));

    let only_text = r#"<meta name="date" content="sometime in spring">"#;
    let a = html(only_text);
    assert_eq!(a.published, s("sometime in spring"));
    assert_eq!(a.published_at, None);
}

#[test]
fn values_are_cleaned_and_capped() {
    let long = "x".repeat(5000);
    let page = format!(
        "<meta property=\"og:title\" content=\"a\u{202e}b\u{7}c\tline&#10;two &lt;b&gt;\">\
         <meta property=\"og:site_name\" content=\"{long}\">"
    );
    let a = html(&page);
    assert_eq!(a.title, s("abc line two <b>"));
    assert_eq!(
        a.site.as_deref().map(|v| v.chars().count()),
        Some(super::MAX_VALUE)
    );
}

#[test]
fn relative_and_non_http_urls_are_not_canonical() {
    let page = r#"<link rel="canonical" href="/news/1"><meta property="og:url" content="javascript:alert(1)">"#;
    assert_eq!(html(page).canonical_url, None);
    let page = r#"<link rel="canonical" href="//news.example/1">"#;
    assert_eq!(html(page).canonical_url, s("https://news.example/1"));
}

#[test]
fn authors_are_deduplicated_and_bylines_lose_by() {
    let page = r#"<meta name="author" content="By Jane Doe"><meta name="author" content="jane doe">
<meta name="author" content="Jim Roe">"#;
    assert_eq!(
        html(page).authors,
        vec!["Jane Doe".to_string(), "Jim Roe".to_string()]
    );
}

#[test]
fn an_empty_or_broken_page_gives_the_default() {
    for page in [
        "",
        "<",
        "<meta",
        "<script type=\"application/ld+json\">{",
        "\u{0}\u{0}",
    ] {
        assert_eq!(html(page), Article::default(), "{page:?}");
    }
}

#[test]
fn hostile_pages_are_read_in_bounded_time() {
    // Many unclosed tags, a huge JSON-LD block, deep nesting: the scan stays linear and the
    // caps hold.
    let mut page = "<meta name=author content=".repeat(20_000);
    page.push_str("<script type=\"application/ld+json\">");
    page.push_str(&"[".repeat(100_000));
    page.push_str("</script>");
    page.push_str(&"<meta name=\"author\" content=\"A\">".repeat(50_000));
    let start = std::time::Instant::now();
    let a = html(&page);
    assert!(a.authors.len() <= super::MAX_AUTHORS);
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn text_source_line_at_the_end_gives_the_site() {
    let t = "The port reopened on Tuesday after three days of storms, officials said.\n\n\
             More paragraphs follow here.\n\nSource: BBC";
    let a = text(t);
    assert_eq!(a.site, s("BBC"));
    // The first line is a sentence, not a title.
    assert_eq!(a.title, None);
}

#[test]
fn text_title_byline_and_date_lines() {
    let t = "Storm closes the port\nBy Jane Doe and Jim Roe\nAugust 17, 2021\n\n\
             The port closed on Tuesday.\n\nQuelle: Deutsche Welle.\n";
    let a = text(t);
    assert_eq!(a.title, s("Storm closes the port"));
    assert_eq!(
        a.authors,
        vec!["Jane Doe".to_string(), "Jim Roe".to_string()]
    );
    assert_eq!(a.published, s("August 17, 2021"));
    assert_eq!(a.published_at, s("2021-08-17"));
    assert_eq!(a.site, s("Deutsche Welle"));
}

#[test]
fn text_attribution_in_other_languages_and_as_a_url() {
    assert_eq!(text("Текст.\n\nИсточник: ТАСС").site, s("ТАСС"));
    assert_eq!(text("Texto.\n\nFuente: EFE").site, s("EFE"));
    let a = text("Text.\n\nSource: https://www.bbc.com/news/world-1");
    assert_eq!(a.site, s("bbc.com"));
    assert_eq!(a.canonical_url, s("https://www.bbc.com/news/world-1"));
}

#[test]
fn text_urls_and_long_lines_are_not_titles() {
    assert_eq!(text("https://example.com/a\n\nBody.").title, None);
    let long = "word ".repeat(60);
    assert_eq!(text(&long).title, None);
}

#[test]
fn markdown_front_matter_and_heading() {
    let md = "---\ntitle: \"Notes on tides\"\ndate: 2024-02-03T10:00:00Z\nauthors:\n  - Ann Reed\n  - Bo Li\nlang: en\n---\n\n# Ignored heading\n\nBody.\n";
    let a = read(md, DocKind::Markdown);
    assert_eq!(a.title, s("Notes on tides"));
    assert_eq!(a.published_at, s("2024-02-03T10:00:00Z"));
    assert_eq!(a.authors, vec!["Ann Reed".to_string(), "Bo Li".to_string()]);
    assert_eq!(a.lang, s("en"));

    let a = read("# A heading title\n\nBody text.", DocKind::Markdown);
    assert_eq!(a.title, s("A heading title"));
}

#[test]
fn the_seed_article_names_bbc_as_its_site() {
    let seed = include_str!("../../samples/twitter/seed-belarus-lithuania-border.txt");
    let a = text(seed);
    assert_eq!(a.site, s("BBC"));
}

/// Reads every page of the folders in `EMBEDVAULT_ARTICLE_PAGES` (separated by `:`) and writes
/// what comes out, one JSON line per page, to `EMBEDVAULT_ARTICLE_OUT`, with the share of pages
/// that have each field at the end. A look at real pages, run by hand:
/// `EMBEDVAULT_ARTICLE_PAGES=… EMBEDVAULT_ARTICLE_OUT=… cargo test --lib article -- --ignored`.
#[test]
#[ignore = "reads folders named by the environment"]
fn article_metadata_of_real_pages() {
    use std::fmt::Write as _;
    let dirs = std::env::var("EMBEDVAULT_ARTICLE_PAGES").expect("EMBEDVAULT_ARTICLE_PAGES");
    let out = std::env::var("EMBEDVAULT_ARTICLE_OUT").expect("EMBEDVAULT_ARTICLE_OUT");
    let mut lines = String::new();
    let mut counts = [0usize; 5];
    let mut pages = 0;
    for dir in dirs.split(':') {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for path in files {
            let bytes = std::fs::read(&path).expect("page");
            let name = path.to_string_lossy().to_string();
            let kind = if name.ends_with(".txt") {
                DocKind::Text
            } else if name.ends_with(".md") || name.ends_with(".mdx") {
                DocKind::Markdown
            } else {
                DocKind::Html
            };
            let doc = crate::decode::decode(&bytes, kind);
            let a = read(&doc.text, kind);
            pages += 1;
            for (i, has) in [
                a.title.is_some(),
                a.site.is_some(),
                a.published_at.is_some(),
                !a.authors.is_empty(),
                a.lang.is_some(),
            ]
            .into_iter()
            .enumerate()
            {
                counts[i] += usize::from(has);
            }
            let record = serde_json::json!({"file": name, "article": a});
            writeln!(lines, "{record}").expect("write");
        }
    }
    for (label, n) in ["title", "site", "published", "author", "lang"]
        .iter()
        .zip(counts)
    {
        writeln!(lines, "# {label}: {n}/{pages}").expect("write");
    }
    std::fs::write(out, lines).expect("write report");
    assert!(pages > 0);
}

#[test]
fn an_author_list_in_one_value_is_split_and_loses_the_site() {
    let page = r#"<meta property="og:site_name" content="CNN">
<meta name="author" content="Dana A. Ford, James S.A. Corey, and Tom Watkins, CNN">"#;
    assert_eq!(
        html(page).authors,
        vec![
            "Dana A. Ford".to_string(),
            "James S.A. Corey".to_string(),
            "Tom Watkins".to_string()
        ]
    );
}

#[test]
fn a_review_and_the_first_time_element_give_dates() {
    let page = r#"<script type="application/ld+json">{"@type":"Review","name":"A fast chip",
"author":{"@type":"Person","name":"Anton Mark"},"datePublished":"2017-06-29"}</script>"#;
    assert_eq!(html(page).published_at, s("2017-06-29"));
    let page = r#"<body><p>By X</p><time datetime="2016-12-09T17:51:26-05:00">Dec 9</time>
<time datetime="2020-01-01">later</time></body>"#;
    assert_eq!(html(page).published_at, s("2016-12-09T22:51:26Z"));
}

#[test]
fn text_first_lines_that_are_sentences_or_labels_are_not_titles() {
    let quoted = "The governor defended the slogan “Meth, we’re on it.”\nMore text.";
    assert_eq!(text(quoted).title, None);
    assert_eq!(text("Sports\nDec 27, 2014; more").title, None);
}

#[test]
fn text_bylines_lose_bracketed_remarks() {
    let t = "Der Staat wird umgeformt, schreibt er heute.\nVon STEFAN MUSTER [zuerst bei X erschienen]\nText.";
    assert_eq!(text(t).authors, vec!["STEFAN MUSTER".to_string()]);
}

#[test]
fn mdx_imports_are_not_titles_and_inline_html_is_dropped() {
    let mdx = "import { Post } from '@/components/Post'\n\n# Serving the feed\n\nBody.";
    assert_eq!(read(mdx, DocKind::Markdown).title, s("Serving the feed"));
    let md = "---\ntitle: Die Zeit der <i>hit pieces</i>\n---\nBody.";
    assert_eq!(
        read(md, DocKind::Markdown).title,
        s("Die Zeit der hit pieces")
    );
}

#[test]
fn markup_in_names_goes_and_a_site_given_as_a_url_is_its_host() {
    let page = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
"author":[{"@type":"Person","name":"<a href=\"/profiles/mm\">Mia Mahl</a>"}]}</script>
<meta property="og:site_name" content="https://www.fr.example">"#;
    let a = html(page);
    assert_eq!(a.authors, vec!["Mia Mahl".to_string()]);
    assert_eq!(a.site, s("fr.example"));
}

#[test]
fn title_suffixes_naming_the_site_in_other_spellings() {
    let page = r#"<title>Driver crashes car - CNN.com</title><meta property="og:site_name" content="CNN">"#;
    assert_eq!(html(page).title, s("Driver crashes car"));
    let page = r#"<title>Mystery bag - every woman needs one! - Martina Berg - Lady 50plus</title>
<meta property="og:site_name" content="Martina Berg - Lady 50plus">"#;
    assert_eq!(html(page).title, s("Mystery bag - every woman needs one!"));
    let feed = "<rss><channel><title><![CDATA[Stories by Hodl]]></title></channel></rss>";
    assert_eq!(html(feed).title, s("Stories by Hodl"));
}

#[test]
fn a_placeholder_url_on_a_host_no_other_claim_names_loses() {
    let page = r#"<link rel="canonical" href="https://www.news.example/live/index.html">
<meta property="og:url" content="https://www.news.example/live/h_123">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Live",
"mainEntityOfPage":{"@type":"WebPage","@id":"https://google.com/article"}}</script>"#;
    assert_eq!(
        html(page).canonical_url,
        s("https://www.news.example/live/index.html")
    );
}

#[test]
fn every_prefix_of_a_page_and_a_text_reads_without_panicking() {
    let page = "<html lang=\"fr\"><head><title>Tempête — Météo</title>\
        <meta property=\"og:site_name\" content=\"Météo\"><meta name=\"author\" content=\"Zoë Émile\">\
        <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Tempête\",\
        \"author\":[{\"name\":\"Zoë Émile\"}],\"datePublished\":\"2021-08-17T14:05:09+02:00\"}</script>\
        </head><body><time datetime=\"2021-08-17\">17 août</time></body></html>";
    let text_doc =
        "Tempête sur la côte ouest\nPar Zoë Émile\n17 août 2021\n\nTexte.\n\nSource : Météo";
    for (doc, kind) in [
        (page, DocKind::Html),
        (text_doc, DocKind::Text),
        (text_doc, DocKind::Markdown),
    ] {
        for (i, _) in doc.char_indices() {
            let _ = read(&doc[..i], kind);
        }
        // The whole document reads its fields.
        let whole = read(doc, kind);
        assert_eq!(whole.site, s("Météo"), "{kind:?}");
        assert_eq!(whole.authors, vec!["Zoë Émile".to_string()], "{kind:?}");
    }
}

#[test]
fn long_texts_and_pages_are_read_only_at_their_edges() {
    let long_line = "word ".repeat(2_000_000);
    let start = std::time::Instant::now();
    let t = format!("{long_line}\n\nSource: Example Wire");
    assert_eq!(text(&t).site, s("Example Wire"));
    let page = format!("<title>{}", "<".repeat(8_000_000));
    let _ = html(&page);
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn author_links_give_the_byline_when_nothing_else_does() {
    let page = r#"<body><p class="byline">By <a href="/people/megan" rel="author">Megan French</a>
and <a rel="author" href="/p/x" title="Oli Park"><img src="x.png"></a></p>
<a rel="author" href="/p/me">View my complete profile</a><a rel="author">oradmin</a></body>"#;
    assert_eq!(
        html(page).authors,
        vec!["Megan French".to_string(), "Oli Park".to_string()]
    );
}

#[test]
fn attribute_values_are_decoded_once() {
    // The page shows the title `Tags like &lt;b&gt;` literally.
    let page = r#"<meta property="og:title" content="Tags like &amp;lt;b&amp;gt;">"#;
    assert_eq!(html(page).title, s("Tags like &lt;b&gt;"));
}

/// A page whose body holds `inner` between long runs of ordinary markup (quoted attributes,
/// nested elements, a style sheet), so the body is skimmed the way a real page's is.
fn in_body(inner: &str) -> String {
    let filler = r#"<div class="col" data-x="a>b"><p>Text <span class='s'>more</span></p>
<img src="/i.png" alt="pic" width="4"><ul><li><a href="/n/1" class="nav">News</a></li></ul>
<!-- a comment --></div>"#
        .repeat(40);
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>p {{ color: red }}</style>\
         </head><body>{filler}{inner}{filler}</body></html>"
    )
}

#[test]
fn an_author_link_in_the_body_is_read() {
    let page = in_body(r#"<p class="byline">By <a href="/by/jane" rel="author">Jane Doe</a></p>"#);
    assert_eq!(html(&page).authors, vec!["Jane Doe".to_string()]);
    // Anchors without rel=author are not bylines, whatever their text.
    let page = in_body(r#"<a href="/by/jane" rel="nofollow">Jane Doe</a>"#);
    assert!(html(&page).authors.is_empty());
}

#[test]
fn a_time_element_in_the_body_is_read() {
    let page = in_body(
        r#"<time datetime="2019-05-01">May 1</time><p><time class="publish-date" datetime="2019-04-30T08:00:00Z">Apr 30</time></p>"#,
    );
    // The one whose class says so ranks before the first.
    assert_eq!(html(&page).published_at, s("2019-04-30T08:00:00Z"));
}

#[test]
fn json_ld_and_meta_itemprop_in_the_body_are_read() {
    let page = in_body(
        r#"<article itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="datePublished" content="2018-02-03"><meta itemprop="inLanguage" content="de">
</article><script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge opens",
"author":{"@type":"Person","name":"Ida Berg"}}</script>"#,
    );
    let a = html(&page);
    assert_eq!(a.title, s("Bridge opens"));
    assert_eq!(a.authors, vec!["Ida Berg".to_string()]);
    assert_eq!(a.published_at, s("2018-02-03"));
    assert_eq!(a.lang, s("de"));
}

#[test]
fn markup_inside_scripts_styles_comments_and_text_areas_of_the_body_does_not_count() {
    let page = in_body(
        r#"<script>var s = '<a rel="author">Evil Name</a><time datetime="1999-01-01">';
document.write('<meta itemprop="author" content="Script Writer">');</script>
<!-- <a rel="author">Commented Name</a> <time datetime="1998-01-01"> -->
<style>/* <meta name="author" content="Style Sheet"> */</style>
<textarea><script type="application/ld+json">{"@type":"NewsArticle","headline":"No"}</script></textarea>
<SCRIPT type="text/template"><time datetime="1997-01-01"></SCRIPT>"#,
    );
    assert_eq!(html(&page), Article::default());
}

#[test]
fn the_body_gives_the_claims_the_head_would() {
    // The same tags read alike before and after `<body>` (a title excepted, which counts only
    // before the body).
    let tags = r#"<meta property="og:site_name" content="Hill Herald">
<link rel="canonical" href="https://hill.example/a/1"><a rel="author" href="/p">Ann Ray</a>
<time datetime="2020-02-02">Feb 2</time>"#;
    let head = format!("<html lang=\"en\"><head>{tags}</head><body><p>x</p></body></html>");
    let body = format!("<html lang=\"en\"><head></head><body>{tags}<p>x</p></body></html>");
    assert_eq!(html(&head), html(&body));
    assert_eq!(html(&body).site, s("Hill Herald"));
}

#[test]
fn an_author_link_spelled_in_upper_case_or_with_entities_is_still_read() {
    let page = in_body(r#"<A HREF="/p" REL="AUTHOR">Kim Lee</A>"#);
    assert_eq!(html(&page).authors, vec!["Kim Lee".to_string()]);
    let page = in_body(r#"<a href="/p" rel="&#97;uthor">Kim Lee</a>"#);
    assert_eq!(html(&page).authors, vec!["Kim Lee".to_string()]);
}
