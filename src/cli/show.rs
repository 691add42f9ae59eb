//! `embedvault show`: one post with every field and every sighting, raw fragment included.

use std::io::{self, IsTerminal, Write};

use embedvault::query::{self, StoredPost};

use super::{EXIT_FATAL, EXIT_OK, EXIT_SOME_FAILED, ShowArgs, ShowFormat};

pub(super) fn run(a: ShowArgs) -> u8 {
    let Some(store) = super::open_read_only(&a.db.db) else {
        return EXIT_FATAL;
    };
    let posts = match query::show(&store, &a.key) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("embedvault: {e}");
            return EXIT_FATAL;
        }
    };
    if posts.is_empty() {
        eprintln!("embedvault: no post {:?} in {}", a.key, a.db.db.display());
        return EXIT_SOME_FAILED;
    }
    let format = a.format.unwrap_or(if io::stdout().is_terminal() {
        ShowFormat::Text
    } else {
        ShowFormat::Json
    });
    let mut out = io::BufWriter::new(io::stdout().lock());
    let r = match format {
        ShowFormat::Json => {
            // One post is one object; a key that names several (rare) gives an array.
            let written = if posts.len() == 1 {
                serde_json::to_writer_pretty(&mut out, &posts[0])
            } else {
                serde_json::to_writer_pretty(&mut out, &posts)
            };
            written
                .map_err(io::Error::other)
                .and_then(|_| out.write_all(b"\n"))
        }
        ShowFormat::Text => posts.iter().try_for_each(|p| text(&mut out, p)),
    }
    .and_then(|_| out.flush());
    match r {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("embedvault: cannot write output: {e}");
            EXIT_FATAL
        }
        _ => EXIT_OK,
    }
}

fn text<W: Write>(w: &mut W, p: &StoredPost) -> io::Result<()> {
    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(
        w,
        "post #{}  {} {} ({})",
        p.archive_id, p.platform, p.kind, p.form
    )?;
    let fields = [
        ("post_id", o(&p.post_id)),
        ("url", o(&p.url)),
        (
            "handle",
            p.handle.as_deref().map_or("-".into(), |h| format!("@{h}")),
        ),
        ("display_name", o(&p.display_name)),
        ("date_text", o(&p.date_text)),
        ("date", o(&p.date)),
        ("created_at", o(&p.created_at)),
        ("lang", o(&p.lang)),
        ("media", p.media.join(" ")),
        ("links", p.links.join(" ")),
        ("detector", p.detector.clone()),
        ("notes", p.notes.join("; ")),
    ];
    for (k, v) in fields {
        writeln!(w, "  {k:<13} {v}")?;
    }
    writeln!(w, "  text:")?;
    for line in p.text.as_deref().unwrap_or("-").lines() {
        writeln!(w, "    {line}")?;
    }
    writeln!(w, "  sightings: {}", p.sightings.len())?;
    for (i, s) in p.sightings.iter().enumerate() {
        writeln!(
            w,
            "  [{}] {} bytes {}..{} line {} ({} {}, {}; {} {}; run {}, {})",
            i + 1,
            s.path.as_deref().or(s.url.as_deref()).unwrap_or("<stdin>"),
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
        )?;
        writeln!(w, "      sha256 {}", s.sha256)?;
        if let Some(u) = &s.url {
            writeln!(w, "      article {u}")?;
        }
        if s.conflicts.as_object().is_some_and(|m| !m.is_empty()) {
            writeln!(w, "      differs here: {}", s.conflicts)?;
        }
        if let Some(f) = &s.fragment {
            let cut = if s.fragment_truncated == Some(true) {
                " (cut at 64 KiB)"
            } else {
                ""
            };
            writeln!(w, "      fragment{cut}:")?;
            for line in f.lines() {
                writeln!(w, "      | {line}")?;
            }
        }
    }
    Ok(())
}
