//! `embedvault scan`: print the posts found in the inputs, in input order.

use embedvault::{Outcome, Post, ReadOptions};

use super::output::{POST_HEADER, Printer, Shape, post_cells};
use super::{Exit, Format, ScanArgs, messages};

pub(super) fn run(a: ScanArgs) -> anyhow::Result<Exit> {
    let paths = super::paths_or_stdin(a.paths)?;
    let shape = match super::pick_format(a.format, Format::Table, Format::Jsonl) {
        Format::Jsonl => Shape::Jsonl,
        Format::Json => Shape::Json,
        Format::Table => Shape::Table,
    };
    let header = [&POST_HEADER[..], &["WHERE", "TEXT"]].concat();
    let mut out = Printer::new(shape, &header);
    let (mut seen, mut failed, mut skipped, mut found) = (0usize, 0usize, 0usize, 0usize);
    let opts = ReadOptions {
        max_input: a.max_input,
        threads: a.threads,
    };
    embedvault::scan_paths(&paths, &opts, |o| -> std::io::Result<()> {
        match o {
            Outcome::Read(scanned) => {
                seen += 1;
                found += scanned.posts.len();
                for p in &scanned.posts {
                    out.record(p, || row(p))?;
                }
            }
            Outcome::Skipped { input, reason } => {
                skipped += 1;
                messages::note(format!("skipped {input}: {reason}"));
            }
            Outcome::Failed { message, .. } => {
                failed += 1;
                messages::error(message);
            }
        }
        Ok(())
    })?;
    out.finish()?;
    messages::note(format!(
        "{seen} input(s) scanned, {found} post(s) found, {skipped} skipped, {failed} failed"
    ));
    Ok(if failed > 0 { Exit::Partial } else { Exit::Ok })
}

fn row(p: &Post) -> Vec<String> {
    let place = format!(
        "{}:{}",
        p.source.path.as_deref().unwrap_or("<stdin>"),
        p.source.line
    );
    post_cells(p, [place, p.text.clone().unwrap_or_else(|| "-".into())])
}
