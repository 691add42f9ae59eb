//! `embedvault scan`: print the posts found in the inputs, in input order.

use embedvault::discover::{self, Item};
use embedvault::post::Post;

use super::output::Printer;
use super::{EXIT_FATAL, EXIT_OK, EXIT_SOME_FAILED, ScanArgs};

/// What one input gave, computed on a worker thread.
enum Outcome {
    Posts(Vec<Post>),
    Skipped(String),
    Failed(String),
}

pub(super) fn run(a: ScanArgs) -> u8 {
    let Some(paths) = super::paths_or_stdin(a.paths) else {
        eprintln!("embedvault: no input given (pass files, folders or `-` for standard input)");
        return EXIT_FATAL;
    };
    let opts = discover::Options {
        max_input: a.max_input,
    };
    let mut out = Printer::new(super::default_format(a.format));
    let (mut seen, mut failed, mut skipped, mut found) = (0usize, 0usize, 0usize, 0usize);
    let mut write_error: Option<std::io::Error> = None;
    let work = |item: Item| match item {
        Item::Input(input) => Outcome::Posts(embedvault::scan::scan(&input).posts),
        Item::Skipped(path, why) => Outcome::Skipped(format!("{}: {why}", path.display())),
        Item::Failed(e) => Outcome::Failed(e.to_string()),
    };
    let sink = |o: Outcome| {
        match o {
            Outcome::Posts(posts) => {
                seen += 1;
                found += posts.len();
                for p in &posts {
                    if let Err(e) = out.post(p) {
                        write_error = Some(e);
                        // Stop the pipeline: nobody reads the output any more.
                        return Err(embedvault::Error::Output);
                    }
                }
            }
            Outcome::Skipped(msg) => {
                skipped += 1;
                eprintln!("embedvault: skipped {msg}");
            }
            Outcome::Failed(msg) => {
                failed += 1;
                eprintln!("embedvault: error: {msg}");
            }
        }
        Ok(())
    };
    let _ = embedvault::archive::pipeline(&paths, opts, a.threads, work, sink);
    if let Some(e) = write_error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return EXIT_OK;
        }
        eprintln!("embedvault: cannot write output: {e}");
        return EXIT_FATAL;
    }
    if let Err(e) = out.finish()
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("embedvault: cannot write output: {e}");
        return EXIT_FATAL;
    }
    eprintln!(
        "embedvault: {seen} input(s) scanned, {found} post(s) found, {skipped} skipped, {failed} failed"
    );
    if failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    }
}
