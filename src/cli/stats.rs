//! `embedvault stats`: what the archive holds.

use std::io::{self, Write};

use embedvault::{Count, Stats};

use super::table::{Table, terminal_width};
use super::{Exit, StatsArgs, StatsFormat};

pub(super) fn run(a: StatsArgs) -> anyhow::Result<Exit> {
    let stats = super::open_read_only(&a.db.db)?.stats()?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match a.format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &stats)?;
            out.write_all(b"\n")?;
        }
        StatsFormat::Table => table(&mut out, &stats)?,
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn table<W: Write>(w: &mut W, s: &Stats) -> io::Result<()> {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut totals = Table::headless(2, 0, 1, 80);
    for (k, v) in [
        ("posts", s.posts.to_string()),
        ("sightings", s.sightings.to_string()),
        ("sources", s.sources.to_string()),
        ("runs", s.runs.to_string()),
        ("failures", s.failures.to_string()),
        (
            "dates",
            format!("{} .. {}", dash(&s.date_span.0), dash(&s.date_span.1)),
        ),
        ("last run", dash(&s.last_run)),
    ] {
        totals.row(vec![k.to_string(), v]);
    }
    totals.write(w, terminal_width())?;
    let handles: Vec<Count> = s
        .top_handles
        .iter()
        .map(|c| Count {
            key: format!("@{}", c.key),
            count: c.count,
        })
        .collect();
    for (title, counts) in [
        ("by platform", &s.by_platform),
        ("by kind", &s.by_kind),
        ("by form", &s.by_form),
        ("top handles (embeds)", &handles),
        ("by site (posts seen there)", &s.by_site),
    ] {
        writeln!(w, "\n{title}")?;
        let mut t = Table::headless(2, 2, 0, 60);
        for c in counts.iter() {
            t.row(vec![c.key.clone(), c.count.to_string()]);
        }
        t.write(w, terminal_width())?;
    }
    Ok(())
}
