//! `embedvault scan`: print the posts found in the inputs, in input order.

use embedvault::{Outcome, Post, ReadOptions};

use super::output::{Printer, Shape, at_handle, or_dash};
use super::{Exit, Format, ScanArgs, messages};

const HEADER: &[&str] = &[
    "PLATFORM", "KIND", "FORM", "POST_ID", "HANDLE", "DATE", "WHERE", "TEXT",
];

pub(super) fn run(a: ScanArgs) -> anyhow::Result<Exit> {
    let paths = super::paths_or_stdin(a.paths)?;
    let shape = match super::pick_format(a.format, Format::Table, Format::Jsonl) {
        Format::Jsonl => Shape::Jsonl,
        Format::Json => Shape::Json,
        Format::Table => Shape::Table,
    };
    let mut out = Printer::new(shape, HEADER);
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
    vec![
        p.platform.to_string(),
        p.kind.to_string(),
        p.form.to_string(),
        or_dash(p.post_id.as_deref()),
        at_handle(p.handle.as_deref()),
        or_dash(p.date.as_deref()),
        format!(
            "{}:{}",
            p.source.path.as_deref().unwrap_or("<stdin>"),
            p.source.line
        ),
        or_dash(p.text.as_deref()),
    ]
}
