//! `embedvault show`: one post with every field and every sighting, raw fragment included.

use std::io::{self, Write};

use embedvault::StoredPost;
use serde_json::Value;

use super::table::{clean, clean_line};
use super::{Exit, ShowArgs, ShowFormat, messages};

pub(super) fn run(a: ShowArgs) -> anyhow::Result<Exit> {
    let archive = super::open_read_only(&a.db.db)?;
    let key = a.key.trim();
    if let Some(n) = a.raw {
        return raw(&archive, &a, n);
    }
    let posts = archive.show(key)?;
    if posts.is_empty() {
        messages::note(format!("no post {key:?} in {}", a.db.db.display()));
        let near = archive.suggest(key, 5)?;
        if !near.is_empty() {
            messages::note("closest matches:");
            for p in &near {
                messages::note(format!("  {}", one_line(p)));
            }
        }
        return Ok(Exit::Partial);
    }
    // A bare number that is a post's ID and also an archive row number is not guessed at.
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
        let named_by_id = posts.iter().any(|p| p.post.post_id.as_deref() == Some(key));
        let row = archive.show(&format!("#{key}"))?;
        if named_by_id && row.iter().any(|r| r.post.post_id.as_deref() != Some(key)) {
            messages::error(format!("{key:?} names more than one post:"));
            for p in posts.iter().chain(&row) {
                messages::note(format!("  {}", one_line(p)));
            }
            messages::note(format!(
                "say `show '#{key}'` for archive row {key}, or give the post's URL"
            ));
            return Ok(Exit::Usage);
        }
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    match super::pick_format(a.format, ShowFormat::Text, ShowFormat::Json) {
        ShowFormat::Json => {
            // One post is one object; a key that names several (rare) gives an array.
            if posts.len() == 1 {
                serde_json::to_writer_pretty(&mut out, &posts[0])?;
            } else {
                serde_json::to_writer_pretty(&mut out, &posts)?;
            }
            out.write_all(b"\n")?;
        }
        ShowFormat::Text => {
            for p in &posts {
                text(&mut out, p)?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// `show --raw N`: the sighting's exact bytes, to standard output.
fn raw(archive: &embedvault::Archive, a: &ShowArgs, n: usize) -> anyhow::Result<Exit> {
    match archive.raw(&a.key, n)? {
        Some(bytes) => {
            let mut out = io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
            Ok(Exit::Ok)
        }
        None => {
            messages::note(format!(
                "no post {:?} with a sighting {n} in {}",
                a.key,
                a.db.db.display()
            ));
            Ok(Exit::Partial)
        }
    }
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A post on one line, as a suggestion: its row, platform, ID, handle and date.
fn one_line(p: &StoredPost) -> String {
    let dash = |v: Option<&str>| v.unwrap_or("-").to_string();
    format!(
        "#{}  {}  {}  {}  {}",
        p.archive_id,
        p.post.platform,
        dash(p.post.post_id.as_deref()),
        p.post
            .handle
            .as_deref()
            .map_or_else(|| "-".to_string(), |h| format!("@{h}")),
        dash(p.post.date.as_deref())
    )
}

/// Fields shown elsewhere in the text form: in the heading, as the text block, or as the
/// sightings.
const SHOWN_APART: &[&str] = &[
    "platform",
    "kind",
    "form",
    "text",
    "source",
    "sightings",
    "archive_id",
];

/// A field's value for reading: `-` when missing, lists joined.
fn value(name: &str, v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) if name == "handle" => format!("@{s}"),
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(if name == "notes" { "; " } else { " " }),
        other => other.to_string(),
    }
}

fn text<W: Write>(w: &mut W, s: &StoredPost) -> io::Result<()> {
    let p = &s.post;
    writeln!(
        w,
        "post #{}  {} {} ({})",
        s.archive_id, p.platform, p.kind, p.form
    )?;
    // One line per field: a newline in a name or a date must not start a line of its own.
    if let Value::Object(fields) = serde_json::to_value(p)? {
        for (k, v) in &fields {
            if !SHOWN_APART.contains(&k.as_str()) {
                writeln!(w, "  {k:<13} {}", clean_line(&value(k, v)))?;
            }
        }
    }
    writeln!(w, "  text:")?;
    for line in clean(p.text.as_deref().unwrap_or("-")).lines() {
        writeln!(w, "    {line}")?;
    }
    writeln!(w, "  sightings: {}", s.sightings.len())?;
    for (i, s) in s.sightings.iter().enumerate() {
        let place = s.path.as_deref().or(s.url.as_deref()).unwrap_or("<stdin>");
        // Everything read from the database is cleaned: the file may not be one we wrote.
        let line = format!(
            "  [{}] {} bytes {}..{} line {} ({} {}, {}; {} {}; run {}, {})",
            i + 1,
            clean_line(place),
            s.start,
            s.end,
            s.line,
            s.kind,
            s.form,
            s.detector,
            s.charset,
            s.charset_rule,
            s.run,
            s.archived_at
        );
        writeln!(w, "{}", clean_line(&line))?;
        writeln!(w, "      sha256 {}", clean_line(&s.sha256))?;
        if let Some(u) = &s.url {
            writeln!(w, "      article {}", clean_line(u))?;
        }
        if let Some(site) = &s.site {
            writeln!(w, "      site {}", clean_line(site))?;
        }
        if let Some(a) = &s.article {
            if let Some(t) = &a.title {
                writeln!(w, "      title {}", clean_line(t))?;
            }
            if let Some(p) = a.published_at.as_ref().or(a.published.as_ref()) {
                writeln!(w, "      published {}", clean_line(p))?;
            }
            if !a.authors.is_empty() {
                writeln!(w, "      by {}", clean_line(&a.authors.join(", ")))?;
            }
            if let Some(l) = &a.lang {
                writeln!(w, "      lang {}", clean_line(l))?;
            }
            if let Some(c) = a
                .canonical_url
                .as_ref()
                .filter(|c| Some(*c) != s.url.as_ref())
            {
                writeln!(w, "      canonical {}", clean_line(c))?;
            }
        }
        if let Some(f) = &s.fetch {
            let via = if f.redirects.is_empty() {
                String::new()
            } else {
                format!(" via {}", f.redirects.join(" -> "))
            };
            let line = format!(
                "      fetched {} (HTTP {}, {}){via} at {}; the page is kept: show --raw {}",
                f.final_url,
                f.status,
                f.content_type.as_deref().unwrap_or("no type"),
                f.fetched_at,
                i + 1
            );
            writeln!(w, "{}", clean_line(&line))?;
        }
        if let Some(r) = &s.warc {
            let line = format!(
                "      warc record {} {} at {} ({} bytes, {}){}",
                r.record_id.as_deref().unwrap_or("-"),
                r.date.as_deref().unwrap_or("-"),
                r.offset,
                r.length,
                r.offsets,
                r.entry
                    .as_ref()
                    .map(|e| format!(" in {e}"))
                    .unwrap_or_default()
            );
            writeln!(w, "{}", clean_line(&line))?;
            let file = shell_word(&r.file);
            let cut = format!("tail -c +{} | head -c {}", r.offset + 1, r.length);
            let get = match (r.offsets.strip_prefix("entry-"), &r.entry) {
                // Offsets in a deflated entry of a WACZ package: through `unzip -p`.
                (Some(kind), Some(entry)) => {
                    let entry = shell_word(entry);
                    match kind {
                        "gzip-member" => format!("unzip -p {file} {entry} | {cut} | zcat"),
                        "decompressed" => format!("unzip -p {file} {entry} | zcat | {cut}"),
                        _ => format!("unzip -p {file} {entry} | {cut}"),
                    }
                }
                _ => {
                    let dd = format!(
                        "dd if={file} bs=1 skip={} count={} status=none",
                        r.offset, r.length
                    );
                    match r.offsets.as_str() {
                        "gzip-member" => format!("{dd} | zcat"),
                        "decompressed" => format!("zcat {file} | {cut}"),
                        _ => dd,
                    }
                }
            };
            writeln!(w, "      record: {}", clean_line(&get))?;
            writeln!(
                w,
                "      span {}..{} of the record's payload: show --raw {}",
                s.start,
                s.end,
                i + 1
            )?;
        } else if let Some(path) = s.path.as_deref().filter(|_| s.fetch.is_none()) {
            // Spans of a gzip input are in its decompressed bytes.
            let dd = if path.to_ascii_lowercase().ends_with(".gz") {
                format!(
                    "zcat {} | tail -c +{} | head -c {}",
                    shell_word(path),
                    s.start + 1,
                    s.end - s.start
                )
            } else {
                format!(
                    "dd if={} bs=1 skip={} count={} status=none",
                    shell_word(path),
                    s.start,
                    s.end - s.start
                )
            };
            writeln!(w, "      bytes: {}", clean_line(&dd))?;
        }
        if s.conflicts.as_object().is_some_and(|m| !m.is_empty()) {
            writeln!(
                w,
                "      differs here: {}",
                clean_line(&s.conflicts.to_string())
            )?;
        }
        if let Some(f) = &s.fragment {
            let cut = if s.fragment_truncated == Some(true) {
                " (cut at 64 KiB)"
            } else {
                ""
            };
            writeln!(w, "      fragment{cut}:")?;
            for line in clean(f).lines() {
                writeln!(w, "      | {line}")?;
            }
        }
    }
    Ok(())
}
