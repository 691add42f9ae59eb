//! `embedvault scan`: print the posts found in the inputs, in input order.

use embedvault::{Outcome, Post, ReadOptions};

use super::output::{POST_HEADER, Printer, Shape, post_cells};
use super::{Exit, Format, ScanArgs, messages};

pub(super) fn run(a: ScanArgs) -> anyhow::Result<Exit> {
    if a.explain {
        let paths = super::paths_or_stdin(a.paths)?;
        return explain(&paths, a.format);
    }
    let inputs = super::inputs(a.paths, a.fetch)?;
    let shape = match super::pick_format(a.format, Format::Table, Format::Jsonl) {
        Format::Jsonl => Shape::Jsonl,
        Format::Json => Shape::Json,
        Format::Table => Shape::Table,
    };
    let header = [&POST_HEADER[..], &["WHERE", "TEXT"]].concat();
    let mut out = Printer::new(shape, &header);
    let (mut seen, mut failed, mut skipped, mut found) = (0usize, 0usize, 0usize, 0usize);
    let mut bytes = 0u64;
    // Skips are reported at the end, binary files counted in one line (see `report_skips`).
    let mut skips: Vec<(String, String)> = Vec::new();
    let opts = ReadOptions {
        max_input: a.max_input,
        threads: a.threads,
        time_limit: super::limit(a.time_limit),
    };
    embedvault::scan_inputs(&inputs, &opts, |o| -> std::io::Result<()> {
        match o {
            Outcome::Read(scanned) => {
                seen += 1;
                bytes += scanned.size as u64;
                found += scanned.posts.len();
                for p in &scanned.posts {
                    out.record(p, || row(p))?;
                }
            }
            Outcome::Skipped { input, reason } => {
                skipped += 1;
                skips.push((input, reason));
            }
            Outcome::Failed { message, .. } => {
                failed += 1;
                messages::error(message);
            }
        }
        Ok(())
    })?;
    out.finish()?;
    super::report_skips(a.talk, skips.iter().map(|(i, w)| (i.as_str(), w.as_str())));
    if !a.talk.quiet {
        messages::note(format!(
            "{seen} input(s) scanned ({bytes} bytes), {found} post(s) found, {skipped} skipped, {failed} failed"
        ));
    }
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

/// `scan --explain`: every marker's place and what became of it, per file.
fn explain(paths: &[std::path::PathBuf], format: Option<Format>) -> anyhow::Result<Exit> {
    use std::io::{Read, Write};
    let json = matches!(format, Some(Format::Jsonl | Format::Json));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for path in paths {
        let (shown, bytes) = if path.as_os_str() == "-" {
            let mut b = Vec::new();
            if let Err(e) = stdin_is_readable().and_then(|()| std::io::stdin().read_to_end(&mut b))
            {
                messages::error(format!("cannot read <stdin>: {e}"));
                failed = true;
                continue;
            }
            ("<stdin>".to_string(), b)
        } else if path.is_dir() {
            messages::error(format!(
                "{}: --explain reads files, not folders",
                path.display()
            ));
            failed = true;
            continue;
        } else if let Some(what) = not_a_file(path) {
            // Never opened: a FIFO would block, a device would never end.
            messages::error(format!(
                "{}: {what}, not a regular file (not opened)",
                path.display()
            ));
            failed = true;
            continue;
        } else {
            match std::fs::read(path) {
                Ok(b) => (path.display().to_string(), b),
                Err(e) => {
                    messages::error(format!("cannot read {}: {e}", path.display()));
                    failed = true;
                    continue;
                }
            }
        };
        let opts = embedvault::ScanOptions {
            path: (shown != "<stdin>").then(|| shown.clone()),
            ..Default::default()
        };
        for e in embedvault::explain(&bytes, &opts) {
            if json {
                let mut v = serde_json::to_value(&e)?;
                v["path"] = serde_json::Value::String(shown.clone());
                serde_json::to_writer(&mut out, &v)?;
                out.write_all(b"\n")?;
            } else {
                writeln!(
                    out,
                    "{}:{}  {:?}  {}",
                    super::table::clean_line(&shown),
                    e.line,
                    e.marker,
                    super::table::clean_line(&e.outcome)
                )?;
            }
        }
    }
    out.flush()?;
    Ok(if failed { Exit::Partial } else { Exit::Ok })
}

/// What `path` is when it exists and is not a regular file or a folder (links followed): a
/// FIFO, a socket, a device. Only its type is looked at. The same rule as the library's reading
/// of paths, for `--explain`, which reads files itself.
fn not_a_file(path: &std::path::Path) -> Option<&'static str> {
    let t = std::fs::metadata(path).ok()?.file_type();
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        } else if t.is_socket() {
            return Some("a socket");
        } else if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

/// Whether standard input can be read for `--explain`: not when it is closed or a device other
/// than a terminal (a closed standard input is reopened on `/dev/null` when the program starts,
/// and would read as an empty page). The same rule as the library's reading of `-`.
fn stdin_is_readable() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::IsTerminal;
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let stdin = std::io::stdin();
        let closed =
            || std::io::Error::other("standard input is closed or a device such as /dev/null");
        let fd = stdin.as_fd().try_clone_to_owned().map_err(|_| closed())?;
        let kind = std::fs::File::from(fd).metadata()?.file_type();
        if (kind.is_char_device() || kind.is_block_device()) && !stdin.is_terminal() {
            return Err(closed());
        }
    }
    Ok(())
}
