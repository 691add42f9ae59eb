//! Article metadata in JSON-LD (`<script type="application/ld+json">`), as schema.org
//! describes it.
//!
//! The article object is the first node whose `@type` (a string or an array, bare or as a
//! `schema:`/URL form) is an article type: any type ending in `Article` (`NewsArticle`,
//! `ReportageNewsArticle`, `ScholarlyArticle`…), `BlogPosting`, `LiveBlogPosting`, `Report`
//! or `Review`. Nodes are looked for at the top level, in arrays, in `@graph` and in a page's
//! `mainEntity`. From it: `headline` (else `name`), `mainEntityOfPage` or `url`,
//! `datePublished` (else `dateCreated`, `uploadDate`), `author` or `creator` (a string, an
//! object with a `name`, an `@id` reference to a node in the graph, or an array of these),
//! `inLanguage` and `publisher.name`. A `WebSite` node's `name` gives the site; a `WebPage`
//! node stands in for a page that declares no article, at a lower rank.
//!
//! Pages often break JSON: raw newlines and tabs inside strings, HTML comment or CDATA
//! wrappers, a trailing `;`. Those are repaired; anything else that does not parse is skipped.
//! Blocks, their size, the nodes looked at and the nesting followed are all capped.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::rank::{JSON_LD, JSON_LD_PAGE, PUBLISHER};
use super::{Claims, Field};

/// How many JSON-LD blocks are read.
const MAX_BLOCKS: usize = 16;
/// The largest block read.
const MAX_BLOCK_BYTES: usize = 1024 * 1024;
/// How many nodes are looked at, over all blocks.
const MAX_NODES: usize = 1024;
/// How deep arrays, `@graph` and `mainEntity` are followed.
const MAX_DEPTH: usize = 8;

type Node = Map<String, Value>;

/// Reads the claims of the JSON-LD blocks of a page, in page order.
pub(super) fn read(blocks: &[&str], claims: &mut Claims) {
    let values: Vec<Value> = blocks
        .iter()
        .take(MAX_BLOCKS)
        .filter(|b| b.len() <= MAX_BLOCK_BYTES)
        .filter_map(|b| parse(b))
        .collect();
    let mut nodes: Vec<&Node> = Vec::new();
    for v in &values {
        collect(v, 0, &mut nodes);
    }
    let ids: HashMap<&str, &Node> = nodes
        .iter()
        .filter_map(|n| Some((n.get("@id")?.as_str()?, *n)))
        .collect();
    let graph = Graph { ids };

    if let Some(article) = nodes.iter().find(|n| has_type(n, is_article_type)) {
        graph.claims(article, JSON_LD, claims);
    } else if let Some(page) = nodes.iter().find(|n| has_type(n, |t| t.ends_with("Page"))) {
        graph.claims(page, JSON_LD_PAGE, claims);
    }
    if let Some(site) = nodes.iter().find(|n| has_type(n, |t| t == "WebSite"))
        && let Some(name) = site.get("name").and_then(text)
    {
        claims.add(Field::Site, JSON_LD_PAGE, &name);
    }
}

/// Parses a block, repairing the usual breakage.
fn parse(block: &str) -> Option<Value> {
    let mut s = block.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = s.strip_prefix(open) {
            s = inner.strip_suffix(close).unwrap_or(inner).trim();
        }
    }
    let s = s.strip_suffix(';').unwrap_or(s).trim_end();
    if let Ok(v) = serde_json::from_str(s) {
        return Some(v);
    }
    // Raw control characters are not allowed in JSON strings, but pages write newlines and
    // tabs into them; outside strings a space means the same.
    if s.bytes().any(|b| b < 0x20) {
        let repaired: String = s
            .chars()
            .map(|c| if c < '\u{20}' { ' ' } else { c })
            .collect();
        return serde_json::from_str(&repaired).ok();
    }
    None
}

/// Collects the nodes of a value: itself when an object, array members, `@graph` members and
/// `mainEntity`.
fn collect<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a Node>) {
    if depth > MAX_DEPTH || out.len() >= MAX_NODES {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                collect(item, depth + 1, out);
            }
        }
        Value::Object(node) => {
            out.push(node);
            for key in ["@graph", "mainEntity"] {
                if let Some(inner) = node.get(key) {
                    collect(inner, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

/// Whether a node's `@type` (a string or an array of them) satisfies `pred`, each type taken
/// without a `schema:` or URL prefix.
fn has_type(node: &Node, pred: impl Fn(&str) -> bool) -> bool {
    let bare = |t: &str| t.rsplit(['/', ':', '#']).next().unwrap_or(t).to_string();
    match node.get("@type") {
        Some(Value::String(t)) => pred(&bare(t)),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(|t| pred(&bare(t))),
        _ => false,
    }
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article") || matches!(t, "BlogPosting" | "LiveBlogPosting" | "Report" | "Review")
}

/// The text of a value: a string, a number, or the `name` / `@value` of an object; the first
/// of an array.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(super::strip_tags(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o.get("name").or_else(|| o.get("@value")).and_then(text),
        Value::Array(a) => a.iter().find_map(text),
        _ => None,
    }
}

/// The nodes of a page by `@id`, to follow references.
struct Graph<'a> {
    ids: HashMap<&'a str, &'a Node>,
}

impl Graph<'_> {
    /// Adds the claims of an article (or page) node at `rank`.
    fn claims(&self, node: &Node, rank: u16, claims: &mut Claims) {
        if let Some(t) = node.get("headline").and_then(text) {
            claims.add(Field::Title, rank, &t);
        }
        if let Some(t) = node.get("name").and_then(text) {
            claims.add(Field::Title, rank + 1, &t);
        }
        if let Some(page) = node.get("mainEntityOfPage") {
            let url = match page {
                Value::Object(o) => o.get("@id").or_else(|| o.get("url")).and_then(text),
                other => text(other),
            };
            if let Some(u) = url {
                claims.add(Field::Url, rank, &u);
            }
        }
        if let Some(u) = node.get("url").and_then(text) {
            claims.add(Field::Url, rank + 1, &u);
        }
        for (i, key) in ["datePublished", "dateCreated", "uploadDate"]
            .into_iter()
            .enumerate()
        {
            if let Some(d) = node.get(key).and_then(text) {
                claims.add(Field::Published, rank + i as u16, &d);
            }
        }
        for (i, key) in ["author", "creator"].into_iter().enumerate() {
            if let Some(a) = node.get(key) {
                for name in self.names(a) {
                    claims.add(Field::Author, rank + i as u16, &name);
                }
            }
        }
        if let Some(lang) = node.get("inLanguage") {
            let tag = match lang {
                Value::Object(o) => o
                    .get("alternateName")
                    .or_else(|| o.get("name"))
                    .and_then(text),
                other => text(other),
            };
            if let Some(t) = tag {
                claims.add(Field::Lang, rank, &t);
            }
        }
        if let Some(p) = node.get("publisher")
            && let Some(name) = self.names(p).into_iter().next()
        {
            claims.add(Field::Site, PUBLISHER, &name);
        }
    }

    /// The names in a person or organisation value: a string, an object with a name, a
    /// reference to a node with a name, or an array of these.
    fn names(&self, v: &Value) -> Vec<String> {
        let one = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => match o.get("name") {
                    Some(n) => text(n),
                    None => {
                        let id = o.get("@id").and_then(Value::as_str)?;
                        self.ids.get(id)?.get("name").and_then(text)
                    }
                },
                _ => None,
            }
        };
        match v {
            Value::Array(items) => items.iter().take(64).filter_map(one).collect(),
            other => one(other).into_iter().collect(),
        }
    }
}
