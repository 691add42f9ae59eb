//! `embedvault stats`: what the archive holds.

use std::io::{self, Write};

use embedvault::query::{self, Count, Stats};

use super::{EXIT_FATAL, EXIT_OK, StatsArgs, StatsFormat};

pub(super) fn run(a: StatsArgs) -> u8 {
    let Some(store) = super::open_read_only(&a.db.db) else {
        return EXIT_FATAL;
    };
    let stats = match query::stats(&store) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("embedvault: {e}");
            return EXIT_FATAL;
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let r = match a.format {
        StatsFormat::Json => serde_json::to_writer_pretty(&mut out, &stats)
            .map_err(io::Error::other)
            .and_then(|_| out.write_all(b"\n")),
        StatsFormat::Table => table(&mut out, &stats),
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

fn table<W: Write>(w: &mut W, s: &Stats) -> io::Result<()> {
    writeln!(w, "posts       {}", s.posts)?;
    writeln!(w, "sightings   {}", s.sightings)?;
    writeln!(w, "sources     {}", s.sources)?;
    writeln!(w, "runs        {}", s.runs)?;
    writeln!(w, "failures    {}", s.failures)?;
    writeln!(
        w,
        "dates       {} .. {}",
        s.date_span.0.as_deref().unwrap_or("-"),
        s.date_span.1.as_deref().unwrap_or("-")
    )?;
    writeln!(w, "last run    {}", s.last_run.as_deref().unwrap_or("-"))?;
    let group = |w: &mut W, title: &str, counts: &[Count]| -> io::Result<()> {
        writeln!(w, "\n{title}")?;
        for c in counts {
            writeln!(w, "  {:<24} {}", c.key, c.count)?;
        }
        Ok(())
    };
    group(w, "by platform", &s.by_platform)?;
    group(w, "by kind", &s.by_kind)?;
    group(w, "by form", &s.by_form)?;
    let handles: Vec<Count> = s
        .top_handles
        .iter()
        .map(|c| Count {
            key: format!("@{}", c.key),
            count: c.count,
        })
        .collect();
    group(w, "top handles (embeds)", &handles)
}
