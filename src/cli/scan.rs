//! `embedvault scan`: print the posts found in the inputs.

use embedvault::discover::{self, Item};

use super::output::Printer;
use super::{EXIT_FATAL, EXIT_OK, EXIT_SOME_FAILED, ScanArgs};

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
    for item in discover::discover(&paths, opts) {
        match item {
            Item::Input(input) => {
                seen += 1;
                let scanned = embedvault::scan::scan(&input);
                found += scanned.posts.len();
                for p in &scanned.posts {
                    if let Err(e) = out.post(p) {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            return EXIT_OK;
                        }
                        eprintln!("embedvault: cannot write output: {e}");
                        return EXIT_FATAL;
                    }
                }
            }
            Item::Skipped(path, why) => {
                skipped += 1;
                eprintln!("embedvault: skipped {}: {why}", path.display());
            }
            Item::Failed(e) => {
                failed += 1;
                eprintln!("embedvault: error: {e}");
            }
        }
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
