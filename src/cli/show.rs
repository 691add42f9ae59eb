//! `embedvault show`: one post with every field and every sighting, raw fragment included.

use std::io::{self, Write};

use embedvault::StoredPost;
use serde_json::Value;

use super::table::{clean, clean_line};
use super::{Exit, ShowArgs, ShowFormat, messages};

pub(super) fn run(a: ShowArgs) -> anyhow::Result<Exit> {
    let archive = super::open_read_only(&a.db.db)?;
    let key = a.key.trim();
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
