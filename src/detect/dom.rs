//! Reading located fragments: parsing one with html5ever, finding elements and links in it,
//! and the text of an element as a browser would display it.

use scraper::{ElementRef, Html, Node};

use super::tags::has_class;

/// Parses a located fragment and returns the tree; the caller selects the element it needs.
pub fn parse_fragment(fragment: &str) -> Html {
    Html::parse_fragment(fragment)
}

/// Options for [`element_text`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOpts {
    /// Skip descendants that are themselves embeds of this class (nested blockquotes).
    pub skip_nested_class: Option<&'static str>,
    /// Skip descendants for which this says so (a card's author and date parts).
    pub skip: Option<for<'a> fn(ElementRef<'a>) -> bool>,
}

/// The text of an element as a browser would display it: entities decoded, runs of white
/// space collapsed to one space, `<br>` as a newline, block boundaries (`<p>`, `<div>`) as a
/// newline, link texts as shown; scripts and styles dropped. Leading and trailing white space
/// is trimmed.
pub fn element_text(el: ElementRef<'_>, opts: TextOpts) -> String {
    let mut out = String::new();
    push_text(el, opts, &mut out);
    tidy(&out)
}

fn push_text(el: ElementRef<'_>, opts: TextOpts, out: &mut String) {
    for child in el.children() {
        match child.value() {
            // A newline inside a text node is plain white space; only `<br>` and block
            // boundaries are line breaks.
            Node::Text(t) => out.extend(t.chars().map(|c| if c == '\n' { ' ' } else { c })),
            Node::Element(e) => {
                let name = e.name();
                if name.eq_ignore_ascii_case("br") {
                    out.push('\n');
                    continue;
                }
                if matches!(name, "script" | "style" | "template" | "svg") {
                    continue;
                }
                if let Some(cls) = opts.skip_nested_class
                    && e.attr("class").is_some_and(|c| has_class(c, cls))
                {
                    continue;
                }
                if let Some(skip) = opts.skip
                    && ElementRef::wrap(child).is_some_and(skip)
                {
                    continue;
                }
                let block = is_block(name);
                if block {
                    out.push('\n');
                }
                if let Some(child_el) = ElementRef::wrap(child) {
                    push_text(child_el, opts, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// Block-level elements: their boundaries separate text.
pub fn is_block(name: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "blockquote",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "td",
        "th",
        "aside",
        "main",
        "nav",
        "pre",
        "hr",
        "dd",
        "dt",
        "dl",
        "body",
        "html",
        "center",
        "form",
        "fieldset",
        "address",
        "details",
        "summary",
        "noscript",
    ];
    BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

/// Collapses white space like a browser: runs of spaces, tabs and newlines become one space,
/// but explicit line breaks (`\n` from `<br>` or blocks) survive as single newlines; trims.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Newlines here come only from `<br>` and block boundaries: `push_text` turns newlines
    // inside text nodes into spaces.
    let mut pending_space = false;
    let mut pending_newlines = 0usize;
    for c in s.chars() {
        if c == '\n' {
            pending_newlines += 1;
            pending_space = false;
        } else if is_html_ws(c) {
            if pending_newlines == 0 {
                pending_space = true;
            }
        } else {
            if !out.is_empty() {
                if pending_newlines > 0 {
                    out.push('\n');
                } else if pending_space {
                    out.push(' ');
                }
            }
            pending_newlines = 0;
            pending_space = false;
            out.push(c);
        }
    }
    out
}

/// HTML's white space (plus the no-break space, which browsers show as a space but which
/// text extraction treats as one).
pub fn is_html_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\x0c' | '\u{a0}')
}

/// Collapses all white space (newlines included) to single spaces and trims.
pub fn squash_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first element named `name` (ASCII case-insensitive) in a parsed fragment.
pub fn first_element<'a>(doc: &'a Html, name: &str) -> Option<ElementRef<'a>> {
    doc.root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name().eq_ignore_ascii_case(name))
}

/// Every `<a href>` under `el`, with its href and displayed text.
pub fn links(el: ElementRef<'_>) -> Vec<(String, String)> {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "a")
        .map(|e| {
            (
                e.value().attr("href").unwrap_or("").trim().to_string(),
                element_text(e, TextOpts::default()),
            )
        })
        .collect()
}
