//! The threaded pipeline `scan` and `archive` share: a walker names the inputs, worker threads
//! read and process them, and the calling thread receives the results in input order.
//!
//! Queues are bounded, so memory stays flat however many inputs there are, and a reorder
//! buffer hands results on in discovery order, so output and archive content do not depend on
//! the thread count. Every input ends as one [`Outcome`]: read (with what processing gave),
//! skipped, or failed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::discover::{self, Input};

/// What became of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// The input was read; what processing it gave.
    Read(T),
    /// The input is not an article (binary) or is over the size cap.
    Skipped {
        /// The input as named to the user (its path, or `<stdin>`).
        input: String,
        /// Why it was skipped.
        reason: String,
    },
    /// The input could not be read (missing, unreadable, corrupt compression).
    Failed {
        /// The input as named to the user.
        input: String,
        /// What went wrong, naming the input.
        message: String,
    },
}

impl<T> Outcome<T> {
    /// The same outcome with the read value transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Read(t) => Outcome::Read(f(t)),
            Outcome::Skipped { input, reason } => Outcome::Skipped { input, reason },
            Outcome::Failed { input, message } => Outcome::Failed { input, message },
        }
    }
}

/// The most worker threads a run starts, whatever is asked: reading and scanning are bound by
/// the cores and the disk long before this, and every thread holds an input's bytes.
pub(crate) const MAX_THREADS: usize = 256;

/// Where a run's inputs come from: paths (files, folders, web archives, `-` for standard
/// input) and URLs to fetch.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Files, folders (walked recursively, in sorted order) and `-` for standard input. A
    /// `.warc`, `.warc.gz` or `.wacz` file is read record by record.
    pub paths: Vec<PathBuf>,
    /// URLs to fetch (after the paths), in order.
    pub urls: Vec<String>,
    /// How the URLs are fetched.
    pub fetch: crate::fetch::FetchOptions,
    /// Also write what was fetched to this WARC file (request and response records).
    pub warc_out: Option<PathBuf>,
    /// The article's URL for standard input.
    pub stdin_url: Option<String>,
}

impl Inputs {
    /// Inputs that are only paths.
    pub fn paths(paths: &[PathBuf]) -> Inputs {
        Inputs {
            paths: paths.to_vec(),
            ..Inputs::default()
        }
    }

    /// Every input as a job, in order: paths walked (web archives split into records), then
    /// the URLs as they are fetched.
    pub(crate) fn jobs(&self, max_input: u64) -> impl Iterator<Item = Job> + '_ {
        self.jobs_from(discover::walk::expand(&self.paths), max_input)
    }

    /// [`Inputs::jobs`] with the paths already walked (and perhaps some files left out) by the
    /// caller: `entries` are what [`discover::walk::expand`] gives.
    pub(crate) fn jobs_from<'a>(
        &'a self,
        entries: impl Iterator<Item = crate::Result<Option<PathBuf>>> + 'a,
        max_input: u64,
    ) -> impl Iterator<Item = Job> + 'a {
        let stdin_url = self.stdin_url.clone();
        let files = entries.flat_map(move |entry| -> Box<dyn Iterator<Item = Job>> {
            match entry {
                // The name is looked at first: an article's file costs no system call here.
                Ok(Some(p))
                    if discover::warc::may_be_warc(&p)
                        && std::fs::metadata(&p).is_ok_and(|m| m.is_file())
                        && discover::warc::looks_like_warc(&p) =>
                {
                    let shown = p.display().to_string();
                    Box::new(web_archive(discover::warc::read(p, max_input), shown))
                }
                // Standard input: a web archive is read record by record, a page whole.
                Ok(None) => match discover::peek_stdin() {
                    Some(head) if discover::warc::starts_web_archive(&head) == Some(true) => {
                        let rest = Box::new(std::io::stdin());
                        let records = discover::warc::read_stdin(head, rest, max_input);
                        Box::new(web_archive(records, "<stdin>".into()))
                    }
                    Some(head) => Box::new(std::iter::once(Job::Stdin(head, stdin_url.clone()))),
                    None => Box::new(std::iter::once(Job::Path(Ok(None), stdin_url.clone()))),
                },
                entry => Box::new(std::iter::once(Job::Path(entry, None))),
            }
        });
        let pages = std::iter::once(()).flat_map(move |()| -> Box<dyn Iterator<Item = Job>> {
            if self.urls.is_empty() {
                return Box::new(std::iter::empty());
            }
            Box::new(discover::page::fetch(
                self.urls.clone(),
                &self.fetch,
                self.warc_out.as_deref(),
            ))
        });
        files.chain(pages)
    }
}

/// The jobs of a web archive's records, read on the walking thread. A bug on one archive must
/// cost that archive only, as a panic on a worker costs one input: its later records are then
/// not read, and the failure says so.
fn web_archive(
    records: impl Iterator<Item = discover::warc::Item> + Send,
    shown: String,
) -> impl Iterator<Item = Job> {
    let mut records = Some(records);
    std::iter::from_fn(move || {
        let next =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| records.as_mut()?.next()));
        match next {
            Ok(Some(discover::warc::Item::Record(r))) => Some(Job::Record(Box::new(r))),
            Ok(Some(discover::warc::Item::Done(o))) => Some(Job::Done(o)),
            Ok(None) => None,
            Err(panic) => {
                records = None;
                Some(Job::Done(Outcome::Failed {
                    message: format!(
                        "{shown}: embedvault failed reading this web archive (internal error: \
                         {}); its later records were not read; please report it with the file",
                        panic_text(&*panic)
                    ),
                    input: shown.clone(),
                }))
            }
        }
    })
}

/// One input to read, as the walking thread hands it to the workers.
pub(crate) enum Job {
    /// A path to read (`Ok(None)`: standard input, with its article URL if given).
    Path(crate::Result<Option<PathBuf>>, Option<String>),
    /// Standard input as a page: its first bytes (already read), and its article URL if given.
    Stdin(Vec<u8>, Option<String>),
    /// A web-archive record to open.
    Record(Box<discover::warc::RawRecord>),
    /// A fetched page.
    Page(Box<crate::fetch::Fetched>),
    /// What became of an input already (a failed fetch, a malformed record, a tally).
    Done(Outcome<Input>),
}

impl Job {
    /// Reads or opens the input (on a worker).
    fn open(self, max_input: u64) -> Outcome<Input> {
        match self {
            Job::Path(entry, url) => {
                let mut o = discover::read(entry, max_input);
                if let (Outcome::Read(input), Some(url)) = (&mut o, url) {
                    input.origin.url = Some(url);
                }
                o
            }
            Job::Stdin(head, url) => {
                let mut o = discover::read_stdin_after(head, max_input);
                if let (Outcome::Read(input), Some(url)) = (&mut o, url) {
                    input.origin.url = Some(url);
                }
                o
            }
            Job::Record(r) => discover::warc::open(*r, max_input),
            Job::Page(f) => discover::page::open(*f, max_input),
            Job::Done(o) => o,
        }
    }
}

/// How long the calling thread waits for the next result before it calls `idle(true)`.
const IDLE_AFTER: std::time::Duration = std::time::Duration::from_millis(20);

/// Reads every input of `inputs` on `threads` worker threads (0: one per core; at most
/// [`MAX_THREADS`]), runs `work` on each input read there, and hands what became of every input
/// to `sink` on the calling thread in discovery order. A `sink` error stops the run and is
/// returned.
///
/// A panic in `work` is a bug, but it costs one input, not the run: the input ends as
/// [`Outcome::Failed`] with the panic's message, named like any other failure.
///
/// Never panics for want of threads: a worker that cannot be started (the system's thread
/// limit, memory for its stack) leaves the run to those that could; with none, the calling
/// thread does the work itself, in order.
///
/// `idle` tells the calling thread when no result is waiting to be handed to `sink`:
/// `idle(false)` when it has just handed on all there was (it has caught up with the workers),
/// `idle(true)` when nothing has been handed on for a moment ([`IDLE_AFTER`]: a slow input or
/// page). A writer writes what it holds there.
pub(crate) fn run<U, E, W, S, F, I>(
    jobs: F,
    max_input: u64,
    threads: usize,
    work: W,
    mut sink: S,
    mut idle: impl FnMut(bool) -> Result<(), E>,
) -> Result<(), E>
where
    U: Send,
    F: FnOnce() -> I + Send,
    I: Iterator<Item = Job>,
    W: Fn(Input) -> Outcome<U> + Sync,
    S: FnMut(Outcome<U>) -> Result<(), E>,
{
    let work = |o: Outcome<Input>| guarded(&work, o);
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, MAX_THREADS);
    // Inputs in flight hold their whole bytes: few of them. Results are small (records and
    // capped fragments), so more of them may wait while the sink writes a batch; that keeps the
    // workers busy during database commits. The walker only names inputs (and splits web
    // archives into records); workers read them (reading is a good part of the cost, so one
    // reading thread would bound the whole run).
    let (item_tx, item_rx) = crossbeam_channel::bounded::<(u64, Job)>(threads.saturating_mul(4));
    let (done_tx, done_rx) = crossbeam_channel::bounded::<(u64, Outcome<U>)>(1024);
    // The jobs are made where they are walked: on the walker thread, or here when it could not
    // be started.
    let held = std::sync::Mutex::new(Some(jobs));
    let cell = &held;
    let take =
        |cell: &std::sync::Mutex<Option<F>>| cell.lock().unwrap_or_else(|e| e.into_inner()).take();
    std::thread::scope(|scope| -> Result<(), E> {
        let walker = std::thread::Builder::new()
            .name("embedvault-walk".into())
            .spawn_scoped(scope, move || {
                let Some(jobs) = take(cell) else {
                    return;
                };
                for (seq, job) in jobs().enumerate() {
                    if item_tx.send((seq as u64, job)).is_err() {
                        break;
                    }
                }
            });
        if walker.is_err() {
            // Not even one more thread: walk, read and work here, in order.
            drop((item_rx, done_tx, done_rx));
            let Some(jobs) = take(cell) else {
                return Ok(());
            };
            for job in jobs() {
                sink(work(job.open(max_input)))?;
            }
            return Ok(());
        }
        let mut started = 0;
        for i in 0..threads {
            let rx = item_rx.clone();
            let tx = done_tx.clone();
            let work = &work;
            let worker = std::thread::Builder::new()
                .name(format!("embedvault-{i}"))
                .spawn_scoped(scope, move || {
                    for (seq, job) in rx {
                        let input = job.open(max_input);
                        if tx.send((seq, work(input))).is_err() {
                            break;
                        }
                    }
                });
            if worker.is_err() {
                break;
            }
            started += 1;
        }
        drop(done_tx);
        if started == 0 {
            // No worker could start: this thread takes the walker's inputs in order.
            drop(done_rx);
            for (_, job) in item_rx {
                sink(work(job.open(max_input)))?;
            }
            return Ok(());
        }
        drop(item_rx);
        // Reorder: results arrive as workers finish; hand them on in sequence.
        let mut next = 0u64;
        let mut waiting = BTreeMap::new();
        let mut handed_at = std::time::Instant::now();
        loop {
            match done_rx.recv_timeout(IDLE_AFTER) {
                Ok((seq, out)) => {
                    waiting.insert(seq, out);
                }
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
            }
            let mut handed = false;
            while let Some(out) = waiting.remove(&next) {
                next += 1;
                handed = true;
                if let Err(e) = sink(out) {
                    // Dropping the receiver stops the workers and the walker.
                    drop(done_rx);
                    return Err(e);
                }
            }
            // Caught up (all there was handed on), or nothing handed on for a while (no
            // result, or only later ones while an earlier input is still being worked on).
            let pause = if handed {
                handed_at = std::time::Instant::now();
                done_rx.is_empty().then_some(false)
            } else if handed_at.elapsed() >= IDLE_AFTER {
                handed_at = std::time::Instant::now();
                Some(true)
            } else {
                None
            };
            if let Some(waited) = pause
                && let Err(e) = idle(waited)
            {
                drop(done_rx);
                return Err(e);
            }
        }
        Ok(())
    })
}

/// A panic's message.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

/// Runs `work` on an input that was read, turning a panic into a failure of that input.
fn guarded<U>(work: &impl Fn(Input) -> Outcome<U>, o: Outcome<Input>) -> Outcome<U> {
    let input = match o {
        Outcome::Read(input) => input,
        Outcome::Skipped { input, reason } => return Outcome::Skipped { input, reason },
        Outcome::Failed { input, message } => return Outcome::Failed { input, message },
    };
    let name = input.shown();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(input))).unwrap_or_else(|panic| {
        let what = panic_text(&*panic);
        Outcome::Failed {
            message: format!(
                "{name}: embedvault failed on this input (internal error: {what}); \
                 nothing from it was kept; please report it with the input"
            ),
            input: name,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::DocKind;
    use crate::discover::Origin;

    #[test]
    fn idle_is_called_while_an_earlier_input_is_still_worked_on_and_order_is_kept() {
        let dir = std::env::temp_dir().join(format!("embedvault-idle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["a.html", "b.html", "c.html", "d.html"] {
            std::fs::write(dir.join(name), format!("<p>{name}</p>")).unwrap();
        }
        let inputs = Inputs::paths(std::slice::from_ref(&dir));
        // Each event: an input handed on, or an idle call.
        let events = std::cell::RefCell::new(Vec::new());
        let work = |input: Input| -> Outcome<String> {
            let shown = input.shown();
            if shown.ends_with("b.html") {
                std::thread::sleep(IDLE_AFTER * 10);
            }
            Outcome::Read(shown)
        };
        run(
            || inputs.jobs(1 << 20),
            1 << 20,
            2,
            work,
            |o| {
                let Outcome::Read(p) = o else { panic!("{o:?}") };
                events
                    .borrow_mut()
                    .push(p.rsplit('/').next().unwrap().to_string());
                Ok::<(), ()>(())
            },
            |waited| {
                if waited {
                    events.borrow_mut().push("idle".into());
                }
                Ok(())
            },
        )
        .unwrap();
        let events = events.into_inner();
        let handed: Vec<&str> = events
            .iter()
            .map(String::as_str)
            .filter(|e| *e != "idle")
            .collect();
        assert_eq!(handed, ["a.html", "b.html", "c.html", "d.html"]);
        // While b was worked on (after a was handed on, before b), the sink was told.
        let a = events.iter().position(|e| e == "a.html").unwrap();
        let b = events.iter().position(|e| e == "b.html").unwrap();
        assert!(
            events[a..b].iter().any(|e| e == "idle"),
            "no idle call while b was scanned: {events:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_panic_on_one_input_is_a_named_failure_of_that_input_and_the_rest_are_read() {
        let dir = std::env::temp_dir().join(format!("embedvault-guarded-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["a.html", "b.html", "c.html"] {
            std::fs::write(dir.join(name), format!("<p>{name}</p>")).unwrap();
        }
        for threads in [1, 2] {
            let mut seen = Vec::new();
            let work = |input: Input| -> Outcome<String> {
                let shown = input.shown();
                assert!(!shown.ends_with("b.html"), "a bug on this input");
                Outcome::Read(shown)
            };
            let inputs = Inputs::paths(std::slice::from_ref(&dir));
            run(
                || inputs.jobs(1 << 20),
                1 << 20,
                threads,
                work,
                |o| {
                    seen.push(o);
                    Ok::<(), ()>(())
                },
                |_| Ok(()),
            )
            .unwrap();
            assert_eq!(seen.len(), 3);
            assert!(matches!(&seen[0], Outcome::Read(p) if p.ends_with("a.html")));
            match &seen[1] {
                Outcome::Failed { input, message } => {
                    assert!(input.ends_with("b.html"));
                    assert!(message.contains("b.html") && message.contains("a bug on this input"));
                }
                other => panic!("{other:?}"),
            }
            assert!(matches!(&seen[2], Outcome::Read(p) if p.ends_with("c.html")));
        }
        let input = Input {
            bytes: Vec::new(),
            origin: Origin::file(None, false),
            kind: DocKind::Html,
        };
        assert_eq!(input.shown(), "<stdin>");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
