//! `embedvault archive`: scan inputs and store what is found, with a progress bar on a
//! terminal and a summary on stderr.

use std::io::IsTerminal;
use std::time::Duration;

use embedvault::{Archive, ArchiveOptions, Progress};
use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{ArchiveArgs, Exit, messages};

pub(super) fn run(a: ArchiveArgs) -> anyhow::Result<Exit> {
    let inputs = super::inputs(a.paths, a.fetch)?;
    let mut archive = Archive::open(&a.db.db)?;
    let opts = ArchiveOptions {
        max_input: a.max_input,
        batch: a.batch,
        threads: a.threads,
        time_limit: super::limit(a.time_limit),
        args: std::env::args().skip(1).collect(),
        globs: a.glob,
        extensions: a
            .ext
            .iter()
            .flat_map(|e| e.split(','))
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect(),
    };
    // Files alone are measured in bytes (a web archive is one file but many inputs); with URLs,
    // whose sizes are unknown until fetched, in inputs, with the bytes read.
    let by_bytes = inputs.urls.is_empty();
    let message = |p: &Progress, secs: f64| {
        let (done, total) = if by_bytes && p.total_bytes > 0 {
            (p.done_bytes, format!(" of {}", HumanBytes(p.total_bytes)))
        } else {
            (p.bytes, String::new())
        };
        format!(
            "{}{total}, {} posts, {}/s",
            HumanBytes(done),
            p.posts,
            HumanBytes((done as f64 / secs) as u64)
        )
    };
    let (result, bytes) = with_progress(a.talk, by_bytes, message, |on_progress| {
        archive.archive_inputs(&inputs, &opts, on_progress)
    });
    let report = result?;
    // -v and -q exclude each other.
    if a.talk.verbose && !report.own_files.is_empty() {
        messages::note(format!(
            "left out the archive's own file(s): {}",
            report.own_files.join(", ")
        ));
    }
    summary("archived", &a.db.db, a.talk, &report, bytes)
}

/// The closing lines of a run that stores (`archive`, `import`): skips, failures, and what was
/// stored; the exit code.
pub(super) fn summary(
    verb: &str,
    db: &std::path::Path,
    talk: super::Talk,
    report: &embedvault::Report,
    bytes: u64,
) -> anyhow::Result<Exit> {
    let c = report.counts;
    super::report_skips(
        talk,
        report.skipped.iter().map(|(i, w)| (i.as_str(), w.as_str())),
    );
    for (_, why) in &report.failures {
        messages::error(why);
    }
    if !talk.quiet {
        messages::note(format!(
            "{verb} into {} (run {}): {} input(s) seen ({} bytes), {} with posts; posts {} new, {} already known (in the archive before this run), {} copies merged; {} new sighting(s); {} skipped; {} failed",
            db.display(),
            report.run,
            c.inputs_seen,
            bytes,
            c.inputs_with_posts,
            c.posts_new,
            c.posts_known,
            c.copies_merged,
            c.sightings_new,
            c.skipped,
            c.failures
        ));
    }
    Ok(if c.failures > 0 {
        Exit::Partial
    } else {
        Exit::Ok
    })
}

/// Runs `run` with a progress line on a terminal (none with `-q`) whose message `message`
/// writes from the progress and the seconds so far; gives its result and the bytes read. The
/// bar measures the bytes of the run's files when `by_bytes` (and they are known), else the
/// inputs.
pub(super) fn with_progress<T>(
    talk: super::Talk,
    by_bytes: bool,
    message: impl Fn(&Progress, f64) -> String,
    run: impl FnOnce(&mut dyn FnMut(Progress)) -> T,
) -> (T, u64) {
    let bar = (!talk.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(false));
    let mut in_bytes = None;
    let mut bytes = 0u64;
    let result = run(&mut |p: Progress| {
        bytes = p.bytes;
        let Some(b) = &bar else {
            return;
        };
        // The totals are known from the first report on.
        let in_bytes = *in_bytes.get_or_insert_with(|| {
            let yes = by_bytes && p.total_bytes > 0;
            if yes {
                b.set_style(style(true));
            }
            yes
        });
        let secs = b.elapsed().as_secs_f64().max(0.001);
        if in_bytes {
            b.set_length(p.total_bytes.max(p.done_bytes));
            b.set_position(p.done_bytes);
            b.set_message(format!("{} inputs, {}", p.inputs, message(&p, secs)));
        } else {
            b.set_length(p.total_inputs.max(p.inputs));
            b.set_position(p.inputs);
            b.set_message(message(&p, secs));
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    (result, bytes)
}

/// The progress line: inputs done of all (or, `by_bytes`, the share of the files' bytes done
/// and the inputs so far), bytes, posts, rate and time left.
fn progress_bar(by_bytes: bool) -> ProgressBar {
    let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    b.set_style(style(by_bytes));
    b.enable_steady_tick(Duration::from_millis(200));
    b
}

fn style(by_bytes: bool) -> ProgressStyle {
    let template = if by_bytes {
        "{bar:20} {percent}%, {msg}, ETA {eta} [{elapsed}]"
    } else {
        "{bar:20} {pos}/{len} inputs ({percent}%), {msg}, ETA {eta} [{elapsed}]"
    };
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}
