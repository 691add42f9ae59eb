//! VK (VKontakte): the post widget, `amp-vk`, video players and links.
//!
//! The post widget is an empty element, by default `<div id="vk_post_<owner>_<post>">`, that a
//! script fills: `VK.Widgets.Post("vk_post_-1_45616", -1, 45616, 'hash')`, with single or double
//! quotes, wrapped in `(function() { … }())` or in the 2014-era `if (!window.VK || …
//! !VK.Widgets.Post(…)) setTimeout(arguments.callee, 50)` retry loop, after the `openapi.js`
//! loader (a `<script src>` or inlined in the same script). The call is read from the script's
//! body (scripts are opaque to the other detectors) and joined to the element it names, found
//! by its `id`; the widget is one post whose span runs from the element through its call when
//! the two stand together (loaders, `<br>` and the paragraph a CMS wraps the scripts in may sit
//! between). An element whose call is elsewhere in the page is reported at the element alone; a
//! `vk_post_…` element whose script is gone is still the widget's place; a call whose element is
//! not in the page is reported at its script. Saved pages may hold the rendered frame
//! (`widget_post.php?owner_id=…&post_id=…`) inside the element; it is part of the same post.
//!
//! Video players (`video_ext.php?oid=…&id=…` on vk.com, vk.ru, vkvideo.ru, vkontakte.ru; the
//! clip player `clip_ext.php`) go through [`parse_url`], as do links: `vk.com/wall-1_45616`,
//! `vk.com/video-1_456239017`, `vk.com/clip-1_456239017`, and a post or video opened over
//! another page (`vk.com/<page>?w=wall-1_45616`, `vk.com/videos-1?z=video-1_456239017%2F…`).
//!
//! Identity keeps the object's type, since a wall post and a video may share owner and number:
//! `post_id` = `wall-1_45616` or `video-1_456239017` (a clip is a video: the same owner and
//! number open the same object under either word). The handle stays empty: no embed form
//! carries a screen name, and the page a `?w=` link opens over is not the author.
//!
//! No flattened form: the widget has no fallback text (the post renders inside a frame), so a
//! page stripped to text keeps nothing of it but a link, which the shared link rules read.
//!
//! Not posts: profile and community pages (`vk.com/durov`, `vk.com/club1`), whole walls and
//! video lists, the other widgets (`VK.Widgets.Group`, `Comments`, `Like`, `Playlist`), polls in
//! `amp-vk`, and calls written with variables rather than literal IDs.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::tags::{self, Tag, TagKind};
use super::{Detector, Look, Page, PostRef, urls};
use crate::post::{Form, Kind, Platform, Post};

/// Everything about VK.
pub(crate) static PLATFORM: Detector = Detector {
    platform: Platform::Vk,
    markers: &[
        "vk.com",
        "vk.ru",
        "vkvideo",
        "vkontakte",
        WIDGET_ID_PREFIX,
        WIDGET_CALL,
        "amp-vk",
    ],
    markup,
    parse_url,
    names: &["vk", "vkontakte"],
    hosts: &["vk.com", "vk.ru", "vkvideo.ru", "vkontakte.ru"],
    aliases: &[("vkontakte", None)],
    look: Look {
        label: "VK",
        colour: "#854d0e",
        profile: Some("https://vk.com/"),
        hashtag: None,
    },
    ..Detector::BASE
};

/// The ID the widget code gives its element by default (`vk_post_<owner>_<post>`).
const WIDGET_ID_PREFIX: &str = "vk_post_";

/// The widget call, without the `VK.` (which pages also write as `window.VK.`).
const WIDGET_CALL: &str = "Widgets.Post";

/// How far apart an element and its call may be and still be read as one piece of embed code.
const MAX_GAP: usize = 8 * 1024;

/// How many calls naming an element other than `vk_post_…` a page may have looked up; a page of
/// thousands of such calls stays linear (the rest count as calls without an element).
const MAX_SEARCHES: usize = 64;

/// How many occurrences of an element ID are examined when looking for the element.
const MAX_CANDIDATES: usize = 256;

/// Reads a VK wall post or video URL (see the module docs for the forms).
fn parse_url(s: &str) -> Option<PostRef> {
    let p = urls::parts(s)?;
    if !PLATFORM.hosts.iter().any(|h| p.host_is(h)) {
        return None;
    }
    match p.segments().as_slice() {
        ["video_ext.php" | "clip_ext.php" | "video_embed"] => {
            let (oid, id) = (p.param("oid")?, p.param("id")?);
            return object("video", &format!("{}_{}", oid.trim(), id.trim()));
        }
        ["widget_post.php"] => {
            let (oid, id) = (p.param("owner_id")?, p.param("post_id")?);
            return object("wall", &format!("{}_{}", oid.trim(), id.trim()));
        }
        [first, ..] => {
            if let Some(r) = typed(first) {
                return Some(r);
            }
        }
        [] => {}
    }
    // A post or video opened as a layer over another page; the value may carry a list after
    // a slash (`video-1_2/pl_-1_-2`).
    ["w", "z"].iter().find_map(|name| {
        let v = p.param(name)?;
        typed(v.split('/').next().unwrap_or(""))
    })
}

/// Reads `wall<owner>_<n>`, `video<owner>_<n>` or `clip<owner>_<n>` (a clip is a video).
fn typed(s: &str) -> Option<PostRef> {
    if let Some(rest) = s.strip_prefix("wall") {
        object("wall", rest)
    } else if let Some(rest) = s.strip_prefix("video") {
        object("video", rest)
    } else if let Some(rest) = s.strip_prefix("clip") {
        object("video", rest)
    } else {
        None
    }
}

/// Reads `<owner>_<n>` (the owner negative for communities) as an object of type `kind`. What
/// follows the number must not continue it (`wall-1_2_r3` is a comment, not the post).
fn object(kind: &str, s: &str) -> Option<PostRef> {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let owner = urls::leading_digits(rest)?;
    let after = rest[owner.len()..].strip_prefix('_')?;
    let n = urls::leading_digits(after)?;
    let tail = &after[n.len()..];
    let number = |d: &str| d.len() <= 12 && !d.starts_with('0');
    if !number(owner)
        || !number(n)
        || tail.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let id = format!("{kind}{sign}{owner}_{n}");
    Some(PostRef {
        platform: Platform::Vk,
        url: format!("https://vk.com/{id}"),
        post_id: id,
        handle: None,
    })
}

/// `VK.Widgets.Post("<element id>", <owner>, <post>, …)`: the element's ID as a string literal,
/// the numbers as literals (quoted or not).
static CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\bVK\.Widgets\.Post\s*\(\s*["']([^"'\\\r\n]{1,200})["']\s*,\s*["']?(-?\d{1,12})["']?\s*,\s*["']?(\d{1,12})["']?\s*[,)]"#,
    )
    .expect("valid regex")
});

/// A widget call found in a script.
struct Call {
    /// The ID of the element it fills.
    element: String,
    /// The post it shows.
    post: PostRef,
    /// The whole `<script>…</script>` element.
    script: Range<usize>,
}

/// A widget element, with the call that fills it when the page has one.
struct Widget {
    tag: Tag,
    id: String,
    call: Option<Call>,
}

/// The post widget and `amp-vk`.
fn markup(page: &mut Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = amp(page);
    let mut widgets: Vec<Widget> = page
        .marked_tags()
        .iter()
        .filter(|t| can_hold_widget(html, t) && !page.is_claimed(t.range.start))
        .filter_map(|t| {
            let id = t.attr(html, "id")?;
            id.starts_with(WIDGET_ID_PREFIX).then(|| Widget {
                tag: t.clone(),
                id: id.into_owned(),
                call: None,
            })
        })
        .collect();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, w) in widgets.iter().enumerate() {
        by_id.entry(w.id.clone()).or_insert(i);
    }
    let mut orphans = Vec::new();
    let mut searches = 0;
    for call in calls(page) {
        if let Some(&i) = by_id.get(&call.element) {
            // A second call for one element shows nothing more.
            if widgets[i].call.is_none() {
                widgets[i].call = Some(call);
            }
            continue;
        }
        // Each search reads the page; a page is allowed a bounded number of them.
        searches += 1;
        match (searches <= MAX_SEARCHES)
            .then(|| element_by_id(page, &call.element))
            .flatten()
        {
            Some(tag) => {
                by_id.insert(call.element.clone(), widgets.len());
                widgets.push(Widget {
                    tag,
                    id: call.element.clone(),
                    call: Some(call),
                });
            }
            None => orphans.push(call),
        }
    }
    for w in widgets {
        let r = match &w.call {
            Some(c) => c.post.clone(),
            None => match object("wall", &w.id[WIDGET_ID_PREFIX.len()..]) {
                Some(r) => r,
                None => continue,
            },
        };
        let el_end = page.element_end(&w.tag);
        let (end, how) = match &w.call {
            Some(c) => (
                together(page, el_end, &c.script).unwrap_or(el_end),
                "widget",
            ),
            None => (el_end, "widget-div"),
        };
        out.push(r.found(Kind::Embed, Form::DataAttr, how, w.tag.range.start..end));
    }
    // One script may call for the same missing element more than once: one post.
    orphans.dedup_by(|b, a| a.script == b.script && a.post == b.post);
    for c in orphans {
        out.push(
            c.post
                .found(Kind::Embed, Form::Script, "widget-script", c.script),
        );
    }
    out
}

/// `<amp-vk data-embedtype="post" data-owner-id data-post-id>`; polls are not posts.
fn amp(page: &Page<'_>) -> Vec<Post> {
    let html = page.text;
    let mut out = Vec::new();
    for tag in page.start_tags_named("amp-vk") {
        let is_post = tag
            .attr(html, "data-embedtype")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("post"));
        let (Some(owner), Some(n)) = (
            tag.attr(html, "data-owner-id"),
            tag.attr(html, "data-post-id"),
        ) else {
            continue;
        };
        if is_post
            && let Some(r) = object("wall", &format!("{}_{}", owner.trim(), n.trim()))
        {
            let span = tag.range.start..page.element_end(&tag);
            out.push(r.found(Kind::Embed, Form::Amp, "amp", span));
        }
    }
    out
}

/// Every widget call in the page's scripts (not in comments, styles or text areas). On the
/// fast path only scripts holding a marker hit are read; every call holds one.
fn calls(page: &Page<'_>) -> Vec<Call> {
    let html = page.text;
    let hits: Vec<usize> = page.hits.of(&[WIDGET_CALL]).collect();
    let mut out = Vec::new();
    for r in page.opaque() {
        let i = hits.partition_point(|&p| p < r.start);
        if !page.exhaustive && hits.get(i).is_none_or(|&p| p >= r.end) {
            continue;
        }
        let Some(lt) = html[..r.start].rfind('<') else {
            continue;
        };
        // The region must be the body of this very script start tag.
        let is_script = tags::lex_tag(html, lt).is_some_and(|t| {
            t.kind == TagKind::Start && t.is(html, "script") && t.range.end == r.start
        });
        if !is_script {
            continue;
        }
        let end = end_tag_end(html, r.end, "script");
        for c in CALL.captures_iter(&html[r.clone()]) {
            let Some(post) = object("wall", &format!("{}_{}", &c[2], &c[3])) else {
                continue;
            };
            out.push(Call {
                element: c[1].trim().to_string(),
                post,
                script: lt..end,
            });
        }
    }
    out
}

/// Whether a start tag may be a widget's element (not a script, style or void element).
fn can_hold_widget(html: &str, t: &Tag) -> bool {
    let name = t.name(html);
    !t.self_closing
        && ![
            "script", "style", "link", "meta", "input", "img", "br", "a", "textarea",
        ]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// The element with `id="<id>"` outside opaque regions and claimed spans, if the page has one.
/// Only occurrences shaped like an attribute value (after `=` or a quote, before a quote, space
/// or `>`) are examined, and at most [`MAX_CANDIDATES`] of them.
fn element_by_id(page: &Page<'_>, id: &str) -> Option<Tag> {
    let html = page.text;
    let b = html.as_bytes();
    if id.is_empty() {
        return None;
    }
    memchr::memmem::find_iter(b, id.as_bytes())
        .filter(|&p| {
            let before = p.checked_sub(1).map(|i| b[i]);
            let after = b.get(p + id.len()).copied();
            matches!(before, Some(b'"' | b'\'' | b'='))
                && after.is_some_and(|c| matches!(c, b'"' | b'\'' | b'>' | b'/') || c.is_ascii_whitespace())
        })
        .take(MAX_CANDIDATES)
        .filter(|&p| !page.is_opaque(p) && !page.is_claimed(p))
        .filter_map(|p| tags::enclosing_tag(html, p))
        .find(|t| can_hold_widget(html, t) && t.attr(html, "id").is_some_and(|v| v == id))
}

/// Where the embed ends when the element and its call stand together: between the element's
/// end and the call's script there is only white space, `<br>`, paragraph start tags (a CMS
/// wrapping the scripts) and the `openapi.js` loader. The paragraphs opened there are closed
/// after the call, so the span stays balanced. `None` when they are apart.
fn together(page: &Page<'_>, el_end: usize, script: &Range<usize>) -> Option<usize> {
    let html = page.text;
    if script.start < el_end || script.start - el_end > MAX_GAP {
        return None;
    }
    let mut pos = el_end;
    let mut paragraphs = 0;
    while pos < script.start {
        pos = skip_space(html, pos);
        if pos >= script.start {
            break;
        }
        let tag = tags::lex_tag(html, pos)?;
        if tag.kind != TagKind::Start {
            return None;
        }
        if tag.is(html, "br") {
            pos = tag.range.end;
        } else if tag.is(html, "p") {
            paragraphs += 1;
            pos = tag.range.end;
        } else if tag.is(html, "script") {
            // The body is an opaque region starting right after the start tag (none when empty).
            let opaque = page.opaque();
            let i = opaque.partition_point(|r| r.start < tag.range.end);
            let body_end = opaque
                .get(i)
                .filter(|r| r.start == tag.range.end)
                .map_or(tag.range.end, |r| r.end);
            let end = end_tag_end(html, body_end, "script");
            if !html[tag.range.start..end].contains("openapi.js") {
                return None;
            }
            pos = end;
        } else {
            return None;
        }
    }
    if pos != script.start {
        return None;
    }
    let mut end = script.end;
    while paragraphs > 0 {
        let at = skip_space(html, end);
        match tags::lex_tag(html, at) {
            Some(t) if t.kind == TagKind::Start && t.is(html, "br") => end = t.range.end,
            Some(t) if t.kind == TagKind::End && t.is(html, "p") => {
                end = t.range.end;
                paragraphs -= 1;
            }
            _ => break,
        }
    }
    Some(end)
}

/// The end of the end tag `</name>` that starts at `at`, or `at` when there is none.
fn end_tag_end(html: &str, at: usize, name: &str) -> usize {
    tags::lex_tag(html, at)
        .filter(|t| t.kind == TagKind::End && t.is(html, name))
        .map_or(at, |t| t.range.end)
}

/// The first position at or after `pos` that is not white space or `&nbsp;`.
fn skip_space(html: &str, mut pos: usize) -> usize {
    loop {
        let rest = &html[pos..];
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        if trimmed.starts_with("&nbsp;") {
            pos += 6;
        } else {
            return pos;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(u: &str) -> Option<String> {
        parse_url(u).map(|r| r.post_id)
    }

    #[test]
    fn wall_and_video_url_forms() {
        for u in [
            "https://vk.com/wall-1_45616",
            "http://vk.com/wall-1_45616?reply=12&thread=10",
            "https://m.vk.com/wall-1_45616",
            "https://new.vk.com/wall-1_45616",
            "vk.com/wall-1_45616",
            "https://vk.ru/wall-1_45616",
            "https://vkontakte.ru/wall-1_45616",
            "https://vk.com/club1?w=wall-1_45616",
            "https://vk.com/feed?w=wall-1_45616%2Fall",
            "https://vk.com/widget_post.php?app=0&width=100%25&owner_id=-1&post_id=45616&hash=x",
        ] {
            assert_eq!(id(u).as_deref(), Some("wall-1_45616"), "{u}");
        }
        assert_eq!(
            id("https://vk.com/durov?w=wall1_45616").as_deref(),
            Some("wall1_45616")
        );
        for u in [
            "https://vk.com/video_ext.php?oid=-22822305&id=456242140&hash=3f0c1e2a9b8d7c6e&hd=2",
            "//vk.com/video_ext.php?oid=-22822305&id=456242140",
            "https://vkvideo.ru/video_ext.php?oid=-22822305&id=456242140&hd=2&autoplay=1",
            "https://vk.ru/video_ext.php?oid=-22822305&id=456242140",
            "http://vkontakte.ru/video_ext.php?oid=-22822305&id=456242140&hash=ab",
            "https://vk.com/video-22822305_456242140",
            "https://m.vk.com/video-22822305_456242140?list=ln-Xy12",
            "https://vkvideo.ru/video-22822305_456242140",
            "https://vk.com/videos-22822305?z=video-22822305_456242140%2Fpl_-22822305_-2",
            "https://vk.com/clip-22822305_456242140",
            "https://vk.com/clips-22822305?z=clip-22822305_456242140",
            "https://vk.com/clip_ext.php?oid=-22822305&id=456242140",
        ] {
            assert_eq!(id(u).as_deref(), Some("video-22822305_456242140"), "{u}");
        }
        assert_eq!(
            parse_url("https://m.vk.com/video22822305_456242140").map(|r| r.url),
            Some("https://vk.com/video22822305_456242140".to_string())
        );
        let r = parse_url("https://vk.ru/wall-1_45616").expect("wall");
        assert_eq!(r.url, "https://vk.com/wall-1_45616");
        assert_eq!(r.handle, None);
    }

    #[test]
    fn a_wall_post_and_a_video_with_one_number_are_two_objects() {
        let wall = parse_url("https://vk.com/wall-1_456239017").expect("wall");
        let video = parse_url("https://vk.com/video-1_456239017").expect("video");
        assert_eq!(wall.post_id, "wall-1_456239017");
        assert_eq!(video.post_id, "video-1_456239017");
        assert_eq!(video.url, "https://vk.com/video-1_456239017");
    }

    #[test]
    fn pages_that_are_not_posts() {
        for u in [
            "https://vk.com/durov",
            "https://vk.com/club1",
            "https://vk.com/public1",
            "https://vk.com/id1",
            "https://vk.com/wall-1",
            "https://vk.com/videos-22822305",
            "https://vk.com/video",
            "https://vk.com/wall-1_45616_r45700",
            "https://vk.com/wall0_45616",
            "https://vk.com/wall-1_045616",
            "https://vk.com/photo-1_45616",
            "https://vk.com/video_ext.php?oid=-22822305",
            "https://vk.com/share.php?url=https%3A%2F%2Fnews.example%2Fa",
            "https://vk.com/js/api/openapi.js?169",
            "https://example.com/wall-1_45616",
            "https://notvk.com/wall-1_45616",
        ] {
            assert_eq!(parse_url(u), None, "{u}");
        }
    }

    #[test]
    fn widget_calls_in_every_quoting() {
        for s in [
            r#"VK.Widgets.Post("vk_post_-1_45616", -1, 45616, 'h');"#,
            "VK.Widgets.Post('vk_post_-1_45616', -1, 45616, 'h', {width: 500});",
            r#"window.VK.Widgets.Post( "vk_post_-1_45616" , "-1", '45616', "h")"#,
            "!VK.Widgets.Post(\"vk_post_-1_45616\",-1,45616,'h')) setTimeout",
        ] {
            let c = CALL.captures(s).expect(s);
            assert_eq!((&c[1], &c[2], &c[3]), ("vk_post_-1_45616", "-1", "45616"), "{s}");
        }
        for s in [
            "VK.Widgets.Post(div.id, owner, post, hash);",
            "VK.Widgets.Comments('vk_comments', {limit: 10});",
            "VK.Widgets.Group('vk_groups', {mode: 3}, 1);",
            "if (!VK.Widgets.Post) return;",
        ] {
            assert!(CALL.captures(s).is_none(), "{s}");
        }
    }
}
