//! The archive's read side: filtered queries, one post with every sighting, and statistics.
//!
//! Records carry the same field names as `scan` prints, plus `sightings`: every place the post
//! was seen. `source` is the first sighting's provenance, so scripts written against `scan`
//! output work on `query` output too.

use rusqlite::{Connection, OptionalExtension, Row, params_from_iter, types::Value as SqlValue};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::article::Article;
use crate::error::{Error, Result};
use crate::post::{Copy, FetchInfo, Post, Source, WarcRecord};
use crate::store::{Store, posts};

/// Which posts by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KindFilter {
    /// Posts embedded in at least one input (the default).
    #[default]
    Embed,
    /// Posts only ever linked to in prose.
    Mention,
    /// Both.
    All,
}

/// Query filters; every `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Platform name (`twitter`) or an alias ([`platform_named`]: `x`, `fb`, `truthsocial`…),
    /// any case. A name no platform has matches nothing.
    pub platform: Option<String>,
    /// Handle, with or without `@`, case-insensitive; a `user@host` handle (Mastodon, Truth
    /// Social) is also found by its user part alone.
    pub handle: Option<String>,
    /// Words to search for in text, handle and display name, all required, folded for case and
    /// diacritics (`ё` = `е`, `ß` = `ss`); `word*` is a prefix. Hashtags, `@handles`, hyphens,
    /// apostrophes and URLs are taken as typed. With `fts`, an FTS5 expression instead.
    pub search: Option<String>,
    /// Whether `search` is a full FTS5 expression (`border AND (migrants OR refugees)`).
    pub fts: bool,
    /// Earliest post date (`YYYY-MM-DD`, inclusive): the ID's time, else the shown date.
    pub since: Option<String>,
    /// Latest post date (inclusive).
    pub until: Option<String>,
    /// A substring of a sighting's source path or URL (ASCII letters in any case).
    pub source: Option<String>,
    /// A substring (any case) of a sighting's site name or of its article URL's host.
    pub site: Option<String>,
    /// Embeds, mentions or both.
    pub kind: KindFilter,
    /// At most this many posts.
    pub limit: Option<usize>,
}

/// One place a post was seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sighting {
    /// The input's path as given or found.
    pub path: Option<String>,
    /// The article's URL when known.
    pub url: Option<String>,
    /// SHA-256 of the input bytes.
    pub sha256: String,
    /// Byte offset of the embed in the input bytes.
    pub start: i64,
    /// Byte offset one past its end.
    pub end: i64,
    /// 1-based line of `start`.
    pub line: i64,
    /// The form it had there.
    pub form: String,
    /// Embed or mention there.
    pub kind: String,
    /// When it was archived (RFC 3339 UTC).
    pub archived_at: String,
    /// The detector that found it.
    pub detector: String,
    /// The embedvault version that found it.
    pub version: String,
    /// The run that archived it.
    pub run: i64,
    /// The input's charset and the rule that chose it.
    pub charset: String,
    /// The rule that chose the charset.
    pub charset_rule: String,
    /// Fields whose value here differs from the post's.
    pub conflicts: Value,
    /// Other places in this input that hold a copy of the post (absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<Copy>,
    /// The raw embed, decoded with the input's charset (only from `show`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment: Option<String>,
    /// Whether the stored fragment was cut at the cap (only from `show`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment_truncated: Option<bool>,
    /// The record as found here (only from `show`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<Value>,
    /// The site or publication the article belongs to (its own name for itself, else its
    /// URL's host), or null.
    pub site: Option<String>,
    /// What the article says about itself (absent when it says nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
    /// The web-archive record the sighting is in (absent for other inputs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc: Option<WarcRecord>,
    /// How the page was fetched (absent for other inputs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchInfo>,
}

/// A stored post: the record (as merged from every copy) plus every place it was seen.
#[derive(Debug, Clone, Serialize)]
pub struct StoredPost {
    /// The record. Its `source` is the first sighting's provenance, so scripts written against
    /// `scan` output work on `query` output too; its `kind` is `embed` once any sighting is one,
    /// and its `form` and `detector` are those of the first embed sighting.
    #[serde(flatten)]
    pub post: Post,
    /// Every place it was seen, oldest first.
    pub sightings: Vec<Sighting>,
    /// The archive's row ID (`#N` in `show`).
    pub archive_id: i64,
}

impl StoredPost {
    /// The JSON field names of a stored post, in order: the record's, then `sightings` and
    /// `archive_id`.
    pub fn field_names() -> Vec<String> {
        let mut names = Post::field_names();
        names.extend(["sightings".to_string(), "archive_id".to_string()]);
        names
    }
}

/// `p.id` and the record columns.
fn post_columns() -> String {
    format!("p.id, {}", posts::select_list("p."))
}

fn post_from_row(r: &Row<'_>) -> rusqlite::Result<StoredPost> {
    Ok(StoredPost {
        archive_id: r.get(0)?,
        post: posts::read(r, 1)?,
        sightings: Vec::new(),
    })
}

fn sql_err(store: &Store, e: rusqlite::Error) -> Error {
    Error::Sqlite {
        path: store.path().to_path_buf(),
        source: e,
    }
}

/// A limit as SQLite takes it: its integers are 64-bit and signed, so a `usize` above
/// `i64::MAX` (more rows than any database can hold) means "no limit" and is clamped, never
/// written into the SQL as a number SQLite would read as a float.
fn sql_limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Posts matching `f`, newest first (by the ID's time, else the shown date), with sightings.
/// Any `limit` is taken: one above what SQLite counts to is no limit.
pub(crate) fn query(store: &Store, f: &Filter) -> Result<Vec<StoredPost>> {
    query_with(store, f, false)
}

/// [`query`], with each sighting's raw fragment and record as found when `full`.
pub(crate) fn query_with(store: &Store, f: &Filter, full: bool) -> Result<Vec<StoredPost>> {
    let mut sql = format!("SELECT {} FROM posts p WHERE 1 = 1", post_columns());
    let mut args: Vec<SqlValue> = Vec::new();
    let mut arg = |sql: &mut String, clause: &str, v: String| {
        args.push(SqlValue::Text(v));
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(p) = &f.platform {
        match platform_named(p) {
            Some((platform, host)) => {
                arg(&mut sql, " AND p.platform = ?", platform.as_str().into());
                if let Some(host) = host {
                    arg(
                        &mut sql,
                        " AND instr(lower(p.url), ?) > 0",
                        format!("://{host}/"),
                    );
                }
            }
            None => arg(&mut sql, " AND p.platform = ?", p.to_lowercase()),
        }
    }
    if let Some(h) = &f.handle {
        // `user@host` handles are found by their user part too.
        arg(
            &mut sql,
            " AND (p.handle = ? COLLATE NOCASE OR (instr(p.handle, '@') > 1
              AND substr(p.handle, 1, instr(p.handle, '@') - 1) = ? COLLATE NOCASE))",
            h.trim_start_matches('@').to_string(),
        );
    }
    match f.kind {
        KindFilter::Embed => sql.push_str(" AND p.kind = 'embed'"),
        KindFilter::Mention => sql.push_str(" AND p.kind = 'mention'"),
        KindFilter::All => {}
    }
    if let Some(q) = &f.search {
        let expr = if f.fts {
            Some(crate::search::fts_query(q))
        } else {
            crate::search::plain_query(q)
        };
        if let Some(expr) = expr {
            check_search(store, q, &expr)?;
            arg(
                &mut sql,
                " AND p.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)",
                expr,
            );
        }
    }
    let day = "coalesce(substr(p.created_at, 1, 10), p.date)";
    if let Some(d) = &f.since {
        arg(&mut sql, &format!(" AND {day} >= ?"), d.clone());
    }
    if let Some(d) = &f.until {
        arg(&mut sql, &format!(" AND {day} <= ?"), d.clone());
    }
    if let Some(s) = &f.source {
        arg(
            &mut sql,
            " AND EXISTS (SELECT 1 FROM sightings s JOIN sources so ON so.id = s.source
              WHERE s.post = p.id AND (instr(lower(so.path), ?) > 0 OR instr(lower(so.url), ?) > 0))",
            s.to_ascii_lowercase(),
        );
    }
    if let Some(site) = &f.site {
        let details = store.read(|conn| has_source_details(conn).map_err(|e| sql_err(store, e)))?;
        arg(
            &mut sql,
            &format!(
                " AND EXISTS (SELECT 1 FROM sightings s JOIN sources so ON so.id = s.source
                  WHERE s.post = p.id AND (instr(lower({}), lower(?)) > 0
                  OR instr(lower({}), lower(?)) > 0))",
                if details { "so.site" } else { "NULL" },
                host_sql("so.url")
            ),
            site.clone(),
        );
    }
    sql.push_str(" ORDER BY coalesce(p.created_at, p.date) DESC NULLS LAST, p.id DESC");
    if let Some(n) = f.limit {
        args.push(SqlValue::Integer(sql_limit(n)));
        sql.push_str(&format!(" LIMIT ?{}", args.len()));
    }
    fetch(store, &sql, &args, full)
}

/// What a platform name given to a filter means: the platform, and for an alias of a server
/// (`truthsocial`) the host it narrows the platform to. Takes each platform's name and its
/// aliases (`x`, `tw`, `fb`, `ig`, `yt`, `tt`, `bsky`, `tg`…) in any case; `None` for a name no
/// platform has.
pub fn platform_named(name: &str) -> Option<(crate::Platform, Option<&'static str>)> {
    crate::detect::platform_named(name)
}

/// A period as `--since` and `--until` take it, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: its first and
/// last day (`YYYY-MM-DD`), for [`Filter::since`] and [`Filter::until`]. The error names the
/// forms taken.
///
/// ```
/// assert_eq!(embedvault::period("2020-02").unwrap(), ("2020-02-01".into(), "2020-02-29".into()));
/// assert!(embedvault::period("2020-13").is_err());
/// ```
pub fn period(s: &str) -> std::result::Result<(String, String), String> {
    period_days(s).map(|(a, b)| (a.to_string(), b.to_string()))
}

fn period_days(s: &str) -> std::result::Result<(chrono::NaiveDate, chrono::NaiveDate), String> {
    use chrono::{Datelike, NaiveDate};
    let bad = || {
        format!("{s:?} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (2020, 2020-03, 2020-03-15)")
    };
    let t = s.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let num = |p: &str, len: usize| -> std::result::Result<u32, String> {
        if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)? as i32;
            let first = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
            let last = NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(bad)?;
            Ok((first, last))
        }
        [y, m] => {
            let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
            let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)
            }
            .ok_or_else(bad)?;
            let last = next.pred_opt().ok_or_else(bad)?;
            debug_assert_eq!(last.month(), m);
            Ok((first, last))
        }
        [y, m, d] => {
            let day = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)
                .ok_or_else(bad)?;
            Ok((day, day))
        }
        _ => Err(bad()),
    }
}

/// A platform filter as `--platform` takes it: the name or alias ([`platform_named`]), any
/// case, normalised; else an error listing the names there are.
pub fn platform_filter(s: &str) -> std::result::Result<String, String> {
    match platform_named(s) {
        Some(_) => Ok(s.trim().to_lowercase()),
        None => Err(format!(
            "unknown platform {s:?}; the platforms are: {}",
            platform_names().join(", ")
        )),
    }
}

/// Every platform name [`platform_named`] takes, one entry per platform with its aliases in
/// brackets (`twitter (x, tw)`), for messages that list them.
pub fn platform_names() -> Vec<String> {
    crate::detect::platform_names()
}

/// Runs a post query and attaches each post's sightings (with fragments and records when
/// `full`).
fn fetch(store: &Store, sql: &str, args: &[SqlValue], full: bool) -> Result<Vec<StoredPost>> {
    store.read(|conn| fetch_on(store, conn, sql, args, full))
}

fn fetch_on(
    store: &Store,
    conn: &Connection,
    sql: &str,
    args: &[SqlValue],
    full: bool,
) -> Result<Vec<StoredPost>> {
    let e = |err| sql_err(store, err);
    let mut posts = {
        let mut stmt = conn.prepare(sql).map_err(e)?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), post_from_row)
            .map_err(e)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(e)?
    };
    for p in &mut posts {
        attach_sightings(conn, p, full).map_err(e)?;
    }
    Ok(posts)
}

/// Runs the search expression alone so that an FTS5 syntax error becomes a clear message
/// naming what was typed (`q`; `expr` is what it became).
fn check_search(store: &Store, q: &str, expr: &str) -> Result<()> {
    store.read(|conn| {
        conn.query_row(
            "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?1",
            [expr],
            |r| r.get::<_, i64>(0),
        )
        .map(|_| ())
        .map_err(|e| Error::Search {
            query: q.to_string(),
            message: e.to_string(),
        })
    })
}

/// The host of the URL in column `col`, in SQL (`https://www.example.com/a` → `www.example.com`).
fn host_sql(col: &str) -> String {
    let rest = format!("substr({col}, instr({col}, '://') + 3)");
    format!(
        "(CASE WHEN instr({col}, '://') = 0 THEN NULL WHEN instr({rest}, '/') > 0 \
         THEN substr({rest}, 1, instr({rest}, '/') - 1) ELSE {rest} END)"
    )
}

/// The columns of a sighting and its source, in the order [`sighting_from_row`] reads them.
const SIGHTING_COLUMNS: &str = "so.path, so.url, so.sha256, s.start, s.\"end\", s.line, s.form,
    s.kind, s.archived_at, s.detector, s.version, s.run, so.charset, so.charset_rule, s.conflicts,
    s.fragment, s.fragment_truncated, s.record, so.site, so.title, so.canonical_url,
    so.published, so.published_at, so.authors, so.lang, so.warc_path, so.warc_entry,
    so.warc_offset, so.warc_length, so.warc_offsets, so.warc_record_id, so.warc_target_uri,
    so.warc_date, so.http_status, so.content_type, so.requested_url, so.final_url,
    so.redirects, so.fetched_at";

/// The first schema version with the source columns of web archives, fetched pages and
/// article metadata; an older archive (read as it is, never upgraded by a read) has none.
const SOURCE_DETAILS_VERSION: i64 = 3;

/// Whether the archive has the source columns of schema step 3.
fn has_source_details(conn: &Connection) -> rusqlite::Result<bool> {
    Ok(crate::store::migrate::version(conn)? >= SOURCE_DETAILS_VERSION)
}

/// [`SIGHTING_COLUMNS`] for an archive with or without the step-3 columns (NULL in their
/// place).
fn sighting_columns(details: bool) -> String {
    if details {
        return SIGHTING_COLUMNS.to_string();
    }
    SIGHTING_COLUMNS
        .split(',')
        .enumerate()
        .map(|(i, c)| if i >= 18 { " NULL" } else { c })
        .collect::<Vec<_>>()
        .join(",")
}

fn attach_sightings(conn: &Connection, p: &mut StoredPost, full: bool) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {}, {host} FROM sightings s JOIN sources so ON so.id = s.source
         WHERE s.post = ?1 ORDER BY s.id",
        sighting_columns(has_source_details(conn)?),
        host = host_sql("so.url")
    ))?;
    let rows = stmt.query_map([p.archive_id], |r| sighting_from_row(r, full))?;
    p.sightings = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(s) = p.sightings.first() {
        p.post.source = Source {
            path: s.path.clone(),
            url: s.url.clone(),
            sha256: s.sha256.clone(),
            start: s.start as usize,
            end: s.end as usize,
            line: s.line as usize,
            charset: s.charset.clone(),
            charset_rule: s.charset_rule.clone(),
            copies: s.copies.clone(),
            site: s.article.as_ref().and_then(|a| a.site.clone()),
            warc: s.warc.clone(),
            fetch: s.fetch.clone(),
        };
    }
    Ok(())
}

fn sighting_from_row(r: &Row<'_>, full: bool) -> rusqlite::Result<Sighting> {
    let conflicts: String = r.get(14)?;
    let charset: String = r.get(12)?;
    // The copies are in the record as found; read it only when it has any.
    let record_text: String = r.get(17)?;
    let copies: Vec<Copy> = if record_text.contains("\"copies\"") {
        serde_json::from_str::<Post>(&record_text)
            .map(|p| p.source.copies)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let (fragment, truncated, record) = if full {
        let bytes: Vec<u8> = r.get(15)?;
        let enc =
            encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap_or(encoding_rs::UTF_8);
        let (text, _) = enc.decode_without_bom_handling(&bytes);
        (
            Some(text.into_owned()),
            Some(r.get::<_, bool>(16)?),
            serde_json::from_str(&record_text).ok(),
        )
    } else {
        (None, None, None)
    };
    let article = Article {
        site: r.get(18)?,
        title: r.get(19)?,
        canonical_url: r.get(20)?,
        published: r.get(21)?,
        published_at: r.get(22)?,
        authors: r
            .get::<_, Option<String>>(23)?
            .and_then(|a| serde_json::from_str(&a).ok())
            .unwrap_or_default(),
        lang: r.get(24)?,
    };
    let warc = match r.get::<_, Option<String>>(25)? {
        Some(file) => Some(WarcRecord {
            file,
            entry: r.get(26)?,
            offset: r.get::<_, i64>(27)? as u64,
            length: r.get::<_, i64>(28)? as u64,
            offsets: r.get(29)?,
            record_id: r.get(30)?,
            target_uri: r.get(31)?,
            date: r.get(32)?,
            status: r.get::<_, Option<i64>>(33)?.map(|s| s as u16),
            content_type: r.get(34)?,
        }),
        None => None,
    };
    let fetch = match r.get::<_, Option<String>>(35)? {
        Some(requested_url) => Some(FetchInfo {
            requested_url,
            final_url: r.get(36)?,
            redirects: r
                .get::<_, Option<String>>(37)?
                .and_then(|a| serde_json::from_str(&a).ok())
                .unwrap_or_default(),
            status: r.get::<_, Option<i64>>(33)?.unwrap_or(0) as u16,
            content_type: r.get(34)?,
            fetched_at: r.get(38)?,
        }),
        None => None,
    };
    let host: Option<String> = r.get(39)?;
    Ok(Sighting {
        path: r.get(0)?,
        url: r.get(1)?,
        sha256: r.get(2)?,
        start: r.get(3)?,
        end: r.get(4)?,
        line: r.get(5)?,
        form: r.get(6)?,
        kind: r.get(7)?,
        archived_at: r.get(8)?,
        detector: r.get(9)?,
        version: r.get(10)?,
        run: r.get(11)?,
        charset,
        charset_rule: r.get(13)?,
        conflicts: serde_json::from_str(&conflicts).unwrap_or(Value::Null),
        copies,
        fragment,
        fragment_truncated: truncated,
        record,
        site: article.site.clone().or(host),
        article: (article != Article::default()).then_some(article),
        warc,
        fetch,
    })
}

/// What `show --raw` needs to cut a sighting's bytes again: where its input is and the span.
#[derive(Debug, Clone)]
pub(crate) struct RawSource {
    /// The file (absolute as stored), or `None` for standard input and fetched pages.
    pub path: Option<String>,
    /// SHA-256 of the input bytes, to check what is read again.
    pub sha256: String,
    /// The span.
    pub start: usize,
    /// One past its end.
    pub end: usize,
    /// The kept page (gzip), for a fetched page.
    pub page: Option<Vec<u8>>,
    /// The web-archive record.
    pub warc: Option<WarcRecord>,
    /// The stored fragment and whether it was cut.
    pub fragment: Vec<u8>,
    /// Whether the stored fragment was cut at the cap.
    pub fragment_truncated: bool,
}

/// The source of sighting `n` (1-based, oldest first) of the post `key` names.
pub(crate) fn raw_source(store: &Store, key: &str, n: usize) -> Result<Option<RawSource>> {
    let posts = show(store, key)?;
    let Some(post) = posts.first() else {
        return Ok(None);
    };
    let Some(s) = n.checked_sub(1).and_then(|i| post.sightings.get(i)) else {
        return Ok(None);
    };
    let (start, end) = (s.start, s.end);
    store.read(|conn| {
        let page = if has_source_details(conn).map_err(|e| sql_err(store, e))? {
            "so.page"
        } else {
            "NULL"
        };
        conn.query_row(
            &format!(
                "SELECT {page}, s.fragment, s.fragment_truncated FROM sightings s
                 JOIN sources so ON so.id = s.source
                 WHERE s.post = ?1 ORDER BY s.id LIMIT 1 OFFSET ?2"
            ),
            rusqlite::params![post.archive_id, (n - 1) as i64],
            |r| {
                Ok(RawSource {
                    path: s.path.clone(),
                    sha256: s.sha256.clone(),
                    start: start as usize,
                    end: end as usize,
                    page: r.get(0)?,
                    warc: s.warc.clone(),
                    fragment: r.get(1)?,
                    fragment_truncated: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(|e| sql_err(store, e))
    })
}

/// The posts `key` names, with every sighting, its raw fragment and record: a post ID, a post
/// URL (any form the detectors read), the canonical URL, or `#N` for the archive's row.
pub(crate) fn show(store: &Store, key: &str) -> Result<Vec<StoredPost>> {
    let key = key.trim();
    let text = |v: &str| SqlValue::Text(v.to_string());
    let (clause, args) = if let Some(n) = key.strip_prefix('#').and_then(|n| n.parse::<i64>().ok())
    {
        ("p.id = ?1", vec![SqlValue::Integer(n)])
    } else if let Some(r) = crate::detect::parse_post_url(key) {
        (
            "(p.platform = ?1 AND p.post_id = ?2) OR p.url = ?3 OR p.url = ?4",
            vec![
                text(r.platform.as_str()),
                text(&r.post_id),
                text(&r.url),
                text(key),
            ],
        )
    } else {
        ("p.post_id = ?1 OR p.url = ?1", vec![text(key)])
    };
    let sql = format!(
        "SELECT {} FROM posts p WHERE {clause} ORDER BY p.id",
        post_columns()
    );
    let found = fetch(store, &sql, &args, true)?;
    // A bare number that is no post's ID is the archive's row number.
    if found.is_empty() && !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
        return show(store, &format!("#{key}"));
    }
    Ok(found)
}

/// The most characters of a key or an ID compared by edit distance (the distance is quadratic
/// in them; no post ID is longer).
const SUGGEST_CHARS: usize = 80;

/// Edit distance (insertions, deletions, substitutions) between `a` and `b`, by characters.
fn edits(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// See [`crate::Archive::suggest`].
pub(crate) fn suggest(store: &Store, key: &str, n: usize) -> Result<Vec<StoredPost>> {
    let key = key.trim().trim_start_matches(['#', '@']).to_lowercase();
    if key.is_empty() || n == 0 {
        return Ok(Vec::new());
    }
    let k: Vec<char> = key.chars().take(SUGGEST_CHARS).collect();
    // Few edits for a short key, more for a long one; a 19-digit ID with two digits swapped
    // or one missing is still found.
    let most = (k.len() / 4).max(1);
    let mut scored: Vec<(usize, i64)> = store.read(|conn| {
        let e = |err| sql_err(store, err);
        let mut stmt = conn
            .prepare("SELECT id, post_id, url, handle FROM posts")
            .map_err(e)?;
        let mut rows = stmt.query([]).map_err(e)?;
        let mut scored = Vec::new();
        while let Some(r) = rows.next().map_err(e)? {
            let id: i64 = r.get(0).map_err(e)?;
            let mut best = usize::MAX;
            for col in 1..=3 {
                let Some(v) = r.get::<_, Option<String>>(col).map_err(e)? else {
                    continue;
                };
                let v = v.to_lowercase();
                let score = if v == key {
                    0
                } else if key.len() >= 3 && v.contains(&key) {
                    1
                } else if col == 1 {
                    let v: Vec<char> = v.chars().take(SUGGEST_CHARS).collect();
                    let d = edits(&k, &v);
                    if d <= most { 1 + d } else { usize::MAX }
                } else {
                    usize::MAX
                };
                best = best.min(score);
            }
            if best != usize::MAX {
                scored.push((best, id));
            }
        }
        Ok(scored)
    })?;
    scored.sort();
    scored.truncate(n);
    let mut out = Vec::new();
    for (_, id) in scored {
        let sql = format!("SELECT {} FROM posts p WHERE p.id = ?1", post_columns());
        out.extend(fetch(store, &sql, &[SqlValue::Integer(id)], false)?);
    }
    Ok(out)
}

/// An input a run could not read, or skipped, as recorded.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// The run.
    pub run: i64,
    /// The input as named to the user.
    pub input: String,
    /// What went wrong, or why it was skipped.
    pub message: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// Every failure recorded, newest run first, in input order within a run.
pub(crate) fn failures(store: &Store) -> Result<Vec<Failure>> {
    store.read(|conn| {
        let e = |err| sql_err(store, err);
        let mut stmt = conn
            .prepare("SELECT run, input, message, at FROM failures ORDER BY run DESC, id")
            .map_err(e)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Failure {
                    run: r.get(0)?,
                    input: r.get(1)?,
                    message: r.get(2)?,
                    at: r.get(3)?,
                })
            })
            .map_err(e)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(e)
    })
}

/// A count by some key.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Count {
    /// The key (platform, kind, form, handle…).
    pub key: String,
    /// How many.
    pub count: i64,
}

/// What the archive holds.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// All posts.
    pub posts: i64,
    /// Posts by platform.
    pub by_platform: Vec<Count>,
    /// Posts by kind.
    pub by_kind: Vec<Count>,
    /// Posts by form.
    pub by_form: Vec<Count>,
    /// The handles with the most embedded posts.
    pub top_handles: Vec<Count>,
    /// The sites with the most posts (the site's name for itself, else its URL's host).
    pub by_site: Vec<Count>,
    /// Earliest and latest post date.
    pub date_span: (Option<String>, Option<String>),
    /// Sightings.
    pub sightings: i64,
    /// Sources (input versions).
    pub sources: i64,
    /// Runs.
    pub runs: i64,
    /// Failures recorded across runs.
    pub failures: i64,
    /// When the last run started, if any.
    pub last_run: Option<String>,
}

/// Statistics over the whole archive.
pub(crate) fn stats(store: &Store) -> Result<Stats> {
    store.read(|conn| stats_on(store, conn))
}

fn stats_on(store: &Store, conn: &Connection) -> Result<Stats> {
    let e = |err| sql_err(store, err);
    let one = |sql: &str| -> Result<i64> { conn.query_row(sql, [], |r| r.get(0)).map_err(e) };
    let counts = |sql: &str| -> Result<Vec<Count>> {
        let mut stmt = conn.prepare(sql).map_err(e)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Count {
                    key: r.get(0)?,
                    count: r.get(1)?,
                })
            })
            .map_err(e)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(e)
    };
    let day = "coalesce(substr(created_at, 1, 10), date)";
    let date_span = conn
        .query_row(
            &format!("SELECT min({day}), max({day}) FROM posts WHERE kind = 'embed'"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(e)?;
    let last_run = conn
        .query_row("SELECT max(started_at) FROM runs", [], |r| r.get(0))
        .optional()
        .map_err(e)?
        .flatten();
    Ok(Stats {
        posts: one("SELECT count(*) FROM posts")?,
        by_platform: counts(
            "SELECT platform, count(*) FROM posts GROUP BY platform ORDER BY count(*) DESC, platform",
        )?,
        by_kind: counts(
            "SELECT kind, count(*) FROM posts GROUP BY kind ORDER BY count(*) DESC, kind",
        )?,
        by_form: counts(
            "SELECT form, count(*) FROM posts GROUP BY form ORDER BY count(*) DESC, form",
        )?,
        top_handles: counts(
            "SELECT handle, count(*) FROM posts WHERE handle IS NOT NULL AND kind = 'embed'
             GROUP BY lower(handle) ORDER BY count(*) DESC, lower(handle) LIMIT 10",
        )?,
        by_site: counts(&format!(
            "SELECT coalesce({site}, {host}) AS site_name, count(DISTINCT s.post) FROM sightings s
             JOIN sources so ON so.id = s.source WHERE site_name IS NOT NULL
             GROUP BY site_name ORDER BY count(DISTINCT s.post) DESC, site_name LIMIT 20",
            site = if has_source_details(conn).map_err(e)? {
                "so.site"
            } else {
                "NULL"
            },
            host = host_sql("so.url")
        ))?,
        date_span,
        sightings: one("SELECT count(*) FROM sightings")?,
        sources: one("SELECT count(*) FROM sources")?,
        runs: one("SELECT count(*) FROM runs")?,
        failures: one("SELECT count(*) FROM failures")?,
        last_run,
    })
}
