//! Archiving: discover → decode → detect → store, for any number of inputs.
//!
//! A bad input (missing, unreadable, corrupt gzip, too large) is counted, recorded in the
//! `failures` table and reported, never fatal; only the database itself failing stops a run.
//! Inputs are written in batches of whole inputs, one transaction per batch.

use std::path::{Path, PathBuf};

use crate::discover::{self, Input, Item};
use crate::error::Result;
use crate::scan;
use crate::store::{Counts, Event, FRAGMENT_CAP, Fragment, Prepared, Store};

/// Options for [`archive`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Inputs larger than this (after decompression) are refused.
    pub max_input: u64,
    /// How many inputs go into one transaction.
    pub batch: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_input: discover::DEFAULT_MAX_INPUT,
            batch: 64,
        }
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// The run's ID in the archive.
    pub run: i64,
    /// The run's counts.
    pub counts: Counts,
    /// Inputs that failed: (input, reason).
    pub failures: Vec<(String, String)>,
    /// Inputs skipped: (input, reason).
    pub skipped: Vec<(String, String)>,
}

/// Progress, reported after each input.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Inputs handled so far (read, failed or skipped).
    pub inputs: u64,
    /// Bytes of input read so far.
    pub bytes: u64,
    /// Posts found so far.
    pub posts: u64,
}

/// Scans one input and cuts out the raw fragment of each post.
pub fn prepare(input: &Input) -> Prepared {
    let scanned = scan::scan(input);
    let fragments = scanned
        .posts
        .iter()
        .map(|p| {
            let end = p.source.end.min(input.bytes.len());
            let start = p.source.start.min(end);
            let cut = end.min(start + FRAGMENT_CAP);
            Fragment {
                bytes: input.bytes[start..cut].to_vec(),
                truncated: cut < end,
            }
        })
        .collect();
    Prepared {
        input_key: input_key(input.origin.path.as_deref()),
        path: input
            .origin
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        gzip: input.origin.gzip,
        scanned,
        fragments,
    }
}

/// The identity of an input across runs: its absolute path (so `samples` and `./samples` are
/// the same input), or `-` for standard input.
pub fn input_key(path: Option<&Path>) -> String {
    match path {
        None => "-".into(),
        Some(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .to_string_lossy()
            .into_owned(),
    }
}

/// Archives every input under `paths` into `store`, as one run recorded with `args`.
pub fn archive(
    store: &mut Store,
    paths: &[PathBuf],
    args: &[String],
    opts: Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report> {
    let run = store.begin_run(args)?;
    let mut report = Report {
        run,
        ..Report::default()
    };
    let mut batch: Vec<Event> = Vec::with_capacity(opts.batch);
    let mut prog = Progress {
        inputs: 0,
        bytes: 0,
        posts: 0,
    };
    let dopts = discover::Options {
        max_input: opts.max_input,
    };
    for item in discover::discover(paths, dopts) {
        let ev = match item {
            Item::Input(input) => {
                prog.bytes += input.bytes.len() as u64;
                let prepared = prepare(&input);
                prog.posts += prepared.scanned.posts.len() as u64;
                Event::Input(Box::new(prepared))
            }
            Item::Skipped(path, reason) => {
                let input = path.display().to_string();
                report.skipped.push((input.clone(), reason.clone()));
                Event::Skipped { input, reason }
            }
            Item::Failed(e) => {
                let input = e.input().unwrap_or_default();
                report.failures.push((input.clone(), e.to_string()));
                Event::Failed {
                    input,
                    message: e.to_string(),
                }
            }
        };
        batch.push(ev);
        prog.inputs += 1;
        progress(prog);
        if batch.len() >= opts.batch.max(1) {
            report.counts.add(&store.write_batch(run, &batch)?);
            batch.clear();
        }
    }
    if !batch.is_empty() {
        report.counts.add(&store.write_batch(run, &batch)?);
    }
    store.finish_run(run, &report.counts)?;
    Ok(report)
}
