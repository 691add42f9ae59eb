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
    /// Worker threads for reading and scanning (0: one per core).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_input: discover::DEFAULT_MAX_INPUT,
            batch: 256,
            threads: 0,
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
/// the same input; symbolic links are not resolved, which would cost system calls per input),
/// or `-` for standard input.
pub fn input_key(path: Option<&Path>) -> String {
    match path {
        None => "-".into(),
        Some(p) => std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .to_string_lossy()
            .into_owned(),
    }
}

/// Archives every input under `paths` into `store`, as one run recorded with `args`. Inputs are
/// read and scanned on `opts.threads` threads; this thread alone writes, in discovery order, one
/// transaction per batch of whole inputs.
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
    let work = |item: Item| -> (Event, u64) {
        match item {
            Item::Input(input) => {
                let size = input.bytes.len() as u64;
                (Event::Input(Box::new(prepare(&input))), size)
            }
            Item::Skipped(path, reason) => (
                Event::Skipped {
                    input: path.display().to_string(),
                    reason,
                },
                0,
            ),
            Item::Failed(e) => (
                Event::Failed {
                    input: e.input().unwrap_or_default(),
                    message: e.to_string(),
                },
                0,
            ),
        }
    };
    pipeline(paths, dopts, opts.threads, work, |(ev, size)| {
        match &ev {
            Event::Input(p) => prog.posts += p.scanned.posts.len() as u64,
            Event::Skipped { input, reason } => {
                report.skipped.push((input.clone(), reason.clone()))
            }
            Event::Failed { input, message } => {
                report.failures.push((input.clone(), message.clone()))
            }
        }
        prog.bytes += size;
        prog.inputs += 1;
        progress(prog);
        batch.push(ev);
        if batch.len() >= opts.batch.max(1) {
            report.counts.add(&store.write_batch(run, &batch)?);
            batch.clear();
        }
        Ok(())
    })?;
    if !batch.is_empty() {
        report.counts.add(&store.write_batch(run, &batch)?);
    }
    store.finish_run(run, &report.counts)?;
    Ok(report)
}

/// Runs `work` on every discovered item on `threads` worker threads (0: one per core) and hands
/// the results to `sink` on the calling thread, in discovery order, so that output and archive
/// content do not depend on the thread count. Queues are bounded: memory stays flat however
/// many inputs there are. A `sink` error stops the run and is returned.
pub fn pipeline<T, W, S>(
    paths: &[PathBuf],
    opts: discover::Options,
    threads: usize,
    work: W,
    mut sink: S,
) -> Result<()>
where
    T: Send,
    W: Fn(Item) -> T + Sync,
    S: FnMut(T) -> Result<()>,
{
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    // Inputs in flight hold their whole bytes: few of them. Results are small (records and
    // capped fragments), so more of them may wait while the sink writes a batch; that keeps the
    // workers busy during database commits.
    // The walker only names inputs; workers read them (reading is a good part of the cost, so
    // one reading thread would bound the whole run).
    let (item_tx, item_rx) =
        crossbeam_channel::bounded::<(u64, crate::Result<Option<PathBuf>>)>(threads * 4);
    let (done_tx, done_rx) = crossbeam_channel::bounded::<(u64, T)>(1024);
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            for (seq, entry) in discover::walk::expand(paths).enumerate() {
                if item_tx.send((seq as u64, entry)).is_err() {
                    break;
                }
            }
        });
        for _ in 0..threads {
            let rx = item_rx.clone();
            let tx = done_tx.clone();
            let work = &work;
            scope.spawn(move || {
                for (seq, entry) in rx {
                    let item = discover::read(entry, opts);
                    if tx.send((seq, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(item_rx);
        drop(done_tx);
        // Reorder: results arrive as workers finish; hand them on in sequence.
        let mut next = 0u64;
        let mut waiting = std::collections::BTreeMap::new();
        for (seq, out) in done_rx.iter() {
            waiting.insert(seq, out);
            while let Some(out) = waiting.remove(&next) {
                next += 1;
                if let Err(e) = sink(out) {
                    // Dropping the receiver stops the workers and the reader.
                    drop(done_rx);
                    return Err(e);
                }
            }
        }
        Ok(())
    })
}
