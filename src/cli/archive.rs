//! `embedvault archive`: scan inputs and store what is found, with a progress bar on a
//! terminal and a summary on stderr.

use std::io::IsTerminal;

use embedvault::{Archive, ArchiveOptions, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{ArchiveArgs, Exit, messages};

pub(super) fn run(a: ArchiveArgs) -> anyhow::Result<Exit> {
    let inputs = super::inputs(a.paths, a.fetch)?;
    let mut archive = Archive::open(&a.db.db)?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {pos} inputs, {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    });
    let opts = ArchiveOptions {
        max_input: a.max_input,
        batch: a.batch,
        threads: a.threads,
        time_limit: super::limit(a.time_limit),
        args: std::env::args().skip(1).collect(),
    };
    let mut bytes = 0u64;
    let mut on_progress = |p: Progress| {
        bytes = p.bytes;
        if let Some(b) = &bar {
            b.set_position(p.inputs);
            b.set_message(format!("{:.1} MB, {} posts", p.bytes as f64 / 1e6, p.posts));
        }
    };
    let result = archive.archive_inputs(&inputs, &opts, &mut on_progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = result?;
    for (input, why) in &report.skipped {
        messages::note(format!("skipped {input}: {why}"));
    }
    for (_, why) in &report.failures {
        messages::error(why);
    }
    let c = report.counts;
    messages::note(format!(
        "archived into {} (run {}): {} input(s) seen ({} bytes), {} with posts; posts {} new, {} already known; {} new sighting(s); {} skipped; {} failed",
        a.db.db.display(),
        report.run,
        c.inputs_seen,
        bytes,
        c.inputs_with_posts,
        c.posts_new,
        c.posts_known,
        c.sightings_new,
        c.skipped,
        c.failures
    ));
    Ok(if c.failures > 0 {
        Exit::Partial
    } else {
        Exit::Ok
    })
}
