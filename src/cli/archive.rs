//! `embedvault archive`: scan inputs and store what is found, with a progress bar on a
//! terminal and a summary on stderr.

use std::io::IsTerminal;

use embedvault::archive::{self, Progress};
use embedvault::store::Store;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{ArchiveArgs, EXIT_FATAL, EXIT_OK, EXIT_SOME_FAILED};

pub(super) fn run(a: ArchiveArgs) -> u8 {
    let Some(paths) = super::paths_or_stdin(a.paths) else {
        eprintln!("embedvault: no input given (pass files, folders or `-` for standard input)");
        return EXIT_FATAL;
    };
    let mut store = match Store::open(&a.db.db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("embedvault: {e}");
            return EXIT_FATAL;
        }
    };
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {pos} inputs, {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        Some(b)
    } else {
        None
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = archive::Options {
        max_input: a.max_input,
        batch: a.batch,
        threads: a.threads,
    };
    let mut on_progress = |p: Progress| {
        if let Some(b) = &bar {
            b.set_position(p.inputs);
            b.set_message(format!("{:.1} MB, {} posts", p.bytes as f64 / 1e6, p.posts));
        }
    };
    let result = archive::archive(&mut store, &paths, &args, opts, &mut on_progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("embedvault: {e}");
            return EXIT_FATAL;
        }
    };
    for (input, why) in &report.skipped {
        eprintln!("embedvault: skipped {input}: {why}");
    }
    for (_, why) in &report.failures {
        eprintln!("embedvault: error: {why}");
    }
    let c = report.counts;
    eprintln!(
        "embedvault: archived into {} (run {}): {} input(s) seen, {} with posts; posts {} new, {} already known; {} new sighting(s); {} skipped; {} failed",
        a.db.db.display(),
        report.run,
        c.inputs_seen,
        c.inputs_with_posts,
        c.posts_new,
        c.posts_known,
        c.sightings_new,
        c.skipped,
        c.failures
    );
    if c.failures > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    }
}
