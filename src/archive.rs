//! The archive as a whole: [`Archive`] opens a database and runs discover → scan → store over
//! any number of inputs, and answers queries through the read side.
//!
//! A bad input (missing, unreadable, corrupt gzip, too large, binary) is counted, recorded in
//! the `failures` table and reported, never fatal; only the database itself failing stops a
//! run. Inputs are scanned on all cores and written by this thread alone, in input order, in
//! batches of whole inputs, one transaction per batch.

use std::path::{Path, PathBuf};

use crate::discover::{self, Input};
use crate::error::Result;
use crate::pipeline::{self, Inputs, Outcome};
use crate::query::{self, Failure, Filter, Stats, StoredPost};
use crate::scan;
use crate::store::{Counts, FRAGMENT_CAP, Fragment, InputKey, Prepared, Store, shown_path};

/// An embedvault archive: a SQLite database of posts, their sightings and the runs that found
/// them.
pub struct Archive {
    store: Store,
}

/// Options for [`Archive::archive`].
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    /// Inputs larger than this (after decompression) are skipped with a note.
    pub max_input: u64,
    /// How many inputs go into one transaction.
    pub batch: usize,
    /// Worker threads for reading and scanning (0: one per core; at most 256, however many
    /// are asked for).
    pub threads: usize,
    /// The most time detection may take on one input (`None`: no limit); an input over it is
    /// skipped, recorded and reported with a reason naming the limit.
    pub time_limit: Option<std::time::Duration>,
    /// The command line recorded with the run.
    pub args: Vec<String>,
    /// Globs a file found in a folder must match to be read (any of them; none: every file).
    /// A glob is matched against the file's path as found (`*` crosses `/`) and against its
    /// name: `*.html`, `2021/**/*.htm`, `article-??.txt`. Files named on their own are always
    /// read.
    pub globs: Vec<String>,
    /// Extensions a file found in a folder must have to be read, without the dot, any case
    /// (`html`, `txt.gz`); none: every file. Combined with `globs`, a file matching either is
    /// read.
    pub extensions: Vec<String>,
}

impl Default for ArchiveOptions {
    fn default() -> ArchiveOptions {
        ArchiveOptions {
            max_input: discover::DEFAULT_MAX_INPUT,
            batch: 256,
            threads: 0,
            time_limit: Some(scan::DEFAULT_TIME_LIMIT),
            args: Vec::new(),
            globs: Vec::new(),
            extensions: Vec::new(),
        }
    }
}

/// Options for [`Archive::import`].
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// How many inputs go into one transaction.
    pub batch: usize,
    /// The command line recorded with the run.
    pub args: Vec<String>,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            batch: 256,
            args: Vec::new(),
        }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The run's ID in the archive.
    pub run: i64,
    /// The run's counts.
    pub counts: Counts,
    /// Inputs that failed: (input, reason).
    pub failures: Vec<(String, String)>,
    /// Inputs skipped: (input, reason).
    pub skipped: Vec<(String, String)>,
    /// The archive's own files (the database, its `-wal`, `-shm` or `-journal`) met among the
    /// inputs and left out: a run never reads its own database.
    pub own_files: Vec<String>,
}

/// Progress, reported after each input.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Inputs handled so far (read, failed or skipped).
    pub inputs: u64,
    /// Bytes of input read so far.
    pub bytes: u64,
    /// Posts found so far.
    pub posts: u64,
    /// Inputs in the run, counted before it starts (standard input is one).
    pub total_inputs: u64,
    /// Bytes of the run's files on disk, summed before it starts (compressed files count as
    /// stored; standard input counts nothing).
    pub total_bytes: u64,
    /// Of [`Progress::total_bytes`], the bytes done so far: a file's size once it is read, and
    /// a web archive's bytes up to the end of the last record handled (its whole size once the
    /// next input begins). A web archive is one file but many inputs, so this, not
    /// [`Progress::inputs`], says how far a run over web archives has come.
    pub done_bytes: u64,
}

impl Archive {
    /// The `PRAGMA application_id` every archive carries in its file header: the ASCII bytes
    /// `EmVt` (0x456D5674). A file with another id, or with none and other tables, is not an
    /// archive and is never written to.
    pub const APPLICATION_ID: i32 = crate::store::migrate::APPLICATION_ID;

    /// Opens (creating if needed) the archive at `path` for writing, and migrates its schema.
    ///
    /// Any number of processes may open and write one archive at once: creating and migrating
    /// the schema, and every write transaction, take SQLite's write lock up front and wait for
    /// it (up to a minute), so they take turns instead of failing. A missing or zero-byte file
    /// becomes a new archive. A directory ([`Error::IsDirectory`](crate::Error::IsDirectory)),
    /// another application's database or a file that is not SQLite
    /// ([`Error::Foreign`](crate::Error::Foreign)), and an archive written by a newer
    /// embedvault ([`Error::Migration`](crate::Error::Migration)) are refused before anything
    /// is written: the file is left byte for byte as it was. An archive made before the
    /// application id existed is recognised by its tables and gets the id.
    pub fn open(path: &Path) -> Result<Archive> {
        Ok(Archive {
            store: Store::open(path)?,
        })
    }

    /// Opens an existing archive read-only. Never creates or changes a file, and leaves no
    /// `-wal` or `-shm` file behind, so archives in folders the user cannot write (a read-only
    /// mount, a colleague's archive) can be read; while a writer has the archive open, reading
    /// goes on beside it. A missing file, a directory, a file without the schema, another
    /// application's database or a newer schema are errors.
    pub fn open_read_only(path: &Path) -> Result<Archive> {
        Ok(Archive {
            store: Store::open_read_only(path)?,
        })
    }

    /// An archive in memory (for tests and examples).
    pub fn open_in_memory() -> Result<Archive> {
        Ok(Archive {
            store: Store::open_in_memory()?,
        })
    }

    /// The database's path (`:memory:` for an in-memory archive).
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Archives every input under `paths` (files, folders, `-` for standard input) as one run.
    /// Inputs are read and scanned on `opts.threads` threads; this thread alone writes, in
    /// input order, one transaction per batch of whole inputs. `progress` is called after each
    /// input.
    pub fn archive(
        &mut self,
        paths: &[PathBuf],
        opts: &ArchiveOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Report> {
        self.archive_inputs(&Inputs::paths(paths), opts, progress)
    }

    /// [`Archive::archive`] over paths and URLs: web archives are read record by record, URLs
    /// fetched (and written to [`Inputs::warc_out`] when given). A fetched page is kept in the
    /// archive (gzip-compressed), so its spans can be cut again after the page changes.
    pub fn archive_inputs(
        &mut self,
        inputs: &Inputs,
        opts: &ArchiveOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Report> {
        let select = Select::new(opts, self.store.path())?;
        let store = &mut self.store;
        let run = store.begin_run(&opts.args)?;
        let mut report = Report {
            run,
            ..Report::default()
        };
        let mut prog = Progress::default();
        let mut entries = Vec::new();
        for entry in discover::walk::expand(&inputs.paths) {
            if let Ok(Some(path)) = &entry {
                // One look at the file serves both the own-file check and the total.
                let meta = std::fs::metadata(path).ok();
                if select.is_own(path, meta.as_ref()) {
                    report.own_files.push(shown_path(path));
                    continue;
                }
                if !select.wants(&inputs.paths, path) {
                    continue;
                }
                prog.total_bytes += meta.map_or(0, |m| m.len());
            }
            prog.total_inputs += 1;
            entries.push(entry);
        }
        prog.total_inputs += inputs.urls.len() as u64;
        let work = |input: Input| prepared(&input, opts.time_limit);
        let jobs = || inputs.jobs_from(entries.into_iter(), opts.max_input);
        let writer = RunWriter::new(store, report, prog, opts.batch, progress);
        let writer = std::cell::RefCell::new(writer);
        pipeline::run(
            jobs,
            opts.max_input,
            opts.threads,
            work,
            |o| writer.borrow_mut().take(o),
            |waited| writer.borrow_mut().pause(waited),
        )?;
        writer.into_inner().finish()
    }

    /// Stores scan results made elsewhere as one run: the Parquet datasets a Spark job writes
    /// with the Python package, and JSON lines of the same rows or of bare records (as
    /// `embedvault scan` writes them). `paths` are files, folders (read for `.parquet`,
    /// `.jsonl`, `.ndjson` and `.json` files, gzip-compressed or not) or `-` for standard
    /// input. The rows of one input are gathered wherever they are, and each input is written
    /// as [`Archive::archive`] writes what it scans, with the same identity and merging: an
    /// import of what a cluster found gives the archive `archive` gives on the same inputs,
    /// and importing it again adds nothing but the run. A file or row that cannot be read is a
    /// failure of the run, named by file and line or row; the rest is still read.
    pub fn import(
        &mut self,
        paths: &[PathBuf],
        opts: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Report> {
        let staged = crate::import::stage(crate::import::files(paths))?;
        let prog = Progress {
            total_inputs: staged.input_count() + staged.failures.len() as u64,
            ..Progress::default()
        };
        let run = self.store.begin_run(&opts.args)?;
        let report = Report {
            run,
            ..Report::default()
        };
        let mut writer = RunWriter::new(&mut self.store, report, prog, opts.batch, progress);
        for (input, message) in &staged.failures {
            writer.take(Outcome::Failed {
                input: input.clone(),
                message: format!("{input}: {message}"),
            })?;
        }
        staged.inputs(|o| writer.take(o))?;
        writer.finish()
    }

    /// Posts matching `filter`, newest first, each with every sighting.
    pub fn query(&self, filter: &Filter) -> Result<Vec<StoredPost>> {
        query::query(&self.store, filter)
    }

    /// The posts `key` names, with every sighting, its raw fragment and the record as found
    /// there: a post ID, any URL form of a post, or `#N` for the archive's row. A bare number
    /// that is no post's ID names the archive's row too; `#N` asks for the row alone, whatever
    /// post IDs there are.
    pub fn show(&self, key: &str) -> Result<Vec<StoredPost>> {
        query::show(&self.store, key)
    }

    /// The exact bytes of sighting `n` (1-based, oldest first) of the post `key` names (as
    /// [`Archive::show`] takes it): cut again from the file (gzip undone), from the web-archive
    /// record's payload, or from the page kept when it was fetched, after checking that the
    /// input still has the SHA-256 it had when archived. `Ok(None)` when there is no such post
    /// or sighting. Standard input is not kept: its sighting gives the stored fragment when it
    /// was not cut.
    pub fn raw(&self, key: &str, n: usize) -> Result<Option<Vec<u8>>> {
        let Some(src) = query::raw_source(&self.store, key, n)? else {
            return Ok(None);
        };
        let fail = |message: String| crate::Error::Evidence {
            key: key.to_string(),
            sighting: n,
            message,
        };
        let bytes = if let Some(page) = &src.page {
            crate::discover::gzip::decompress(page, u64::MAX)
                .map_err(|_| fail("the kept page is corrupt".into()))?
        } else if let Some(place) = src
            .warc
            .as_ref()
            .filter(|w| w.file != crate::discover::warc::STDIN)
        {
            crate::discover::warc::payload_at(place, u64::MAX).map_err(fail)?
        } else if let Some(path) = &src.path {
            let raw = std::fs::read(path).map_err(|e| fail(format!("cannot read {path}: {e}")))?;
            if crate::discover::gzip::is_gzip(&raw) {
                crate::discover::gzip::decompress(&raw, u64::MAX)
                    .map_err(|_| fail(format!("{path}: its gzip data is corrupt now")))?
            } else {
                raw
            }
        } else if !src.fragment_truncated {
            return Ok(Some(src.fragment));
        } else {
            return Err(fail(
                "it was read from standard input, which is not kept, and its stored fragment is \
                 cut at 64 KiB"
                    .into(),
            ));
        };
        if scan::sha256_hex(&bytes) != src.sha256 {
            let what = src.path.as_deref().unwrap_or("the input");
            return Err(fail(format!(
                "{what} changed since it was archived (its SHA-256 is not the one recorded)"
            )));
        }
        let end = src.end.min(bytes.len());
        Ok(Some(bytes[src.start.min(end)..end].to_vec()))
    }

    /// The posts closest to a key that names none (for "did you mean"): posts whose ID, URL
    /// or handle holds the key or is a few edits away from it, closest first, at most `n`.
    /// Without their sightings.
    pub fn suggest(&self, key: &str, n: usize) -> Result<Vec<StoredPost>> {
        query::suggest(&self.store, key, n)
    }

    /// What the archive holds.
    pub fn stats(&self) -> Result<Stats> {
        query::stats(&self.store)
    }

    /// Every input a run could not read or skipped, as recorded: newest run first.
    pub fn failures(&self) -> Result<Vec<Failure>> {
        query::failures(&self.store)
    }

    /// The posts `filter` selects as one self-contained HTML page: an overview (totals, a
    /// timeline, top handles, sites and forms, the failed inputs) and a card per post with
    /// every sighting, filtered and sorted in the page. It works offline and loads nothing.
    pub fn html_report(&self, filter: &Filter) -> Result<crate::report::HtmlReport> {
        crate::report::render(self, filter)
    }

    /// [`Archive::query`] with each sighting's raw fragment and record as found, as `show`
    /// gives them.
    pub(crate) fn query_full(&self, filter: &Filter) -> Result<Vec<StoredPost>> {
        query::query_with(&self.store, filter, true)
    }
}

/// The writing side of a run (`archive`, `import`): each input's outcome counted into the
/// progress and the report, and written in batches of whole inputs, one transaction each (the
/// write lock is held only while a batch is written). A batch is written when it holds
/// `batch_size` inputs; when it holds [`LULL_BATCH`] or is [`BATCH_AGE`] old and no result is
/// waiting (the writer has caught up with the scanning, so writing costs the run nothing and
/// little is left to write at its end); and whenever the run waits (a slow page, a long input),
/// so that what is archived so far can be read.
struct RunWriter<'a> {
    store: &'a mut Store,
    report: Report,
    prog: Progress,
    batch: Vec<Outcome<Prepared>>,
    /// The bytes the batch holds (fragments, kept pages).
    batch_bytes: usize,
    /// When the first input of the batch came.
    began: Option<std::time::Instant>,
    batch_size: usize,
    progress: &'a mut dyn FnMut(Progress),
    disk: DiskDone,
}

/// A batch this large is written as soon as the writer has caught up with the scanning.
const LULL_BATCH: usize = 32;

/// A batch this old is written as soon as the writer has caught up with the scanning.
const BATCH_AGE: std::time::Duration = std::time::Duration::from_millis(250);

/// A batch whose fragments and kept pages pass this many bytes is written at once, however
/// few inputs it holds: a batch waits in memory.
const BATCH_BYTES: usize = 64 * 1024 * 1024;

/// The bytes on disk a run has done (for [`Progress::done_bytes`]), from the inputs read in
/// order: files by their size, a web archive by the end of its latest record.
#[derive(Default)]
struct DiskDone {
    /// Bytes of the files done whole.
    whole: u64,
    /// The web archive being read: its file, its size, and the end of its latest record.
    warc: Option<(String, u64, u64)>,
}

impl DiskDone {
    /// Takes one input read; the bytes done after it.
    fn read(&mut self, p: &Prepared) -> u64 {
        let path = p.path.as_deref();
        self.read_parts(p.scanned.warc.as_ref(), path, p.gzip, p.scanned.size as u64)
    }

    /// [`DiskDone::read`] from the input's parts: its web-archive record, else its path, whether
    /// it was gzip, and its size read.
    fn read_parts(
        &mut self,
        warc: Option<&crate::post::WarcRecord>,
        path: Option<&str>,
        gzip: bool,
        size: u64,
    ) -> u64 {
        match warc {
            Some(w) => {
                if self.warc.as_ref().is_none_or(|(file, ..)| *file != w.file) {
                    self.close();
                    // A web archive piped in has no size to measure.
                    let size = match w.file.as_str() {
                        crate::discover::warc::STDIN => 0,
                        file => std::fs::metadata(file).map_or(0, |m| m.len()),
                    };
                    self.warc = Some((w.file.clone(), size, 0));
                }
                if let Some((_, size, end)) = self.warc.as_mut()
                    && matches!(w.offsets.as_str(), "file" | "gzip-member")
                {
                    // Offsets in the file itself; elsewhere (a decompressed stream, a deflated
                    // package entry) they do not measure the file, which then counts when done.
                    *end = (*end).max(w.offset.saturating_add(w.length)).min(*size);
                }
            }
            None => {
                self.close();
                self.whole += match (path, gzip) {
                    (Some(path), true) => std::fs::metadata(path).map_or(0, |m| m.len()),
                    (Some(_), false) => size,
                    (None, _) => 0,
                };
            }
        }
        self.done()
    }

    /// Takes one input skipped or failed, named `input`; the bytes done after it. A file's
    /// size counts (one over the size cap, a binary file); the closing tally of a web archive
    /// ends it; a web-archive record (`FILE@OFFSET`) or a URL adds nothing.
    fn passed(&mut self, input: &str) -> u64 {
        let named_file = input != "<stdin>" && input != crate::discover::warc::STDIN;
        if let Some(meta) = std::fs::metadata(input)
            .ok()
            .filter(|m| named_file && m.is_file())
        {
            let abs = std::path::absolute(input).map(|p| p.to_string_lossy().into_owned());
            let ends_warc = self
                .warc
                .as_ref()
                .is_some_and(|(file, ..)| abs.as_deref().is_ok_and(|a| a == file));
            self.close();
            if !ends_warc {
                self.whole += meta.len();
            }
        }
        self.done()
    }

    /// The web archive being read is done.
    fn close(&mut self) {
        if let Some((_, size, _)) = self.warc.take() {
            self.whole += size;
        }
    }

    fn done(&self) -> u64 {
        self.whole + self.warc.as_ref().map_or(0, |(_, _, end)| *end)
    }
}

impl<'a> RunWriter<'a> {
    fn new(
        store: &'a mut Store,
        report: Report,
        prog: Progress,
        batch_size: usize,
        progress: &'a mut dyn FnMut(Progress),
    ) -> RunWriter<'a> {
        RunWriter {
            store,
            report,
            prog,
            batch: Vec::with_capacity(batch_size.clamp(1, 4096)),
            batch_bytes: 0,
            began: None,
            batch_size: batch_size.max(1),
            progress,
            disk: DiskDone::default(),
        }
    }

    /// Counts one input's outcome, reports progress, and writes the batch when it is full.
    fn take(&mut self, o: Outcome<Prepared>) -> Result<()> {
        match &o {
            Outcome::Read(p) => {
                self.prog.posts += p.scanned.posts.len() as u64;
                self.prog.bytes += p.scanned.size as u64;
                self.prog.done_bytes = self.disk.read(p);
            }
            Outcome::Skipped { input, reason } => {
                self.prog.done_bytes = self.disk.passed(input);
                self.report.skipped.push((input.clone(), reason.clone()))
            }
            Outcome::Failed { input, message } => {
                self.prog.done_bytes = self.disk.passed(input);
                self.report.failures.push((input.clone(), message.clone()))
            }
        }
        self.prog.inputs += 1;
        (self.progress)(self.prog);
        if let Outcome::Read(p) = &o {
            self.batch_bytes += p.fragments.iter().map(|f| f.bytes.len()).sum::<usize>()
                + p.page.as_ref().map_or(0, Vec::len);
        }
        self.batch.push(o);
        self.began.get_or_insert_with(std::time::Instant::now);
        if self.batch.len() >= self.batch_size || self.batch_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// No result is waiting to be written: `waited` when none came for a while (a slow page,
    /// a long input), else the writer has only caught up with the scanning.
    fn pause(&mut self, waited: bool) -> Result<()> {
        let due = waited
            || self.batch.len() >= LULL_BATCH
            || self.began.is_some_and(|b| b.elapsed() >= BATCH_AGE);
        if due { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> Result<()> {
        if !self.batch.is_empty() {
            let counts = self.store.write_batch(self.report.run, &self.batch)?;
            self.report.counts.add(&counts);
            self.batch.clear();
        }
        self.batch_bytes = 0;
        self.began = None;
        Ok(())
    }

    /// Writes what is left and closes the run with its counts.
    fn finish(mut self) -> Result<Report> {
        self.flush()?;
        self.store
            .finish_run(self.report.run, &self.report.counts)?;
        Ok(self.report)
    }
}

/// Which of the files a run meets it reads: never the archive's own files, and in folders only
/// those the globs or extensions choose.
struct Select {
    /// The database and the files SQLite keeps beside it, made absolute and canonical where
    /// they exist.
    own: Vec<PathBuf>,
    /// The identities (device and inode) of those of them that existed when the run began.
    own_ids: Vec<FileId>,
    /// Those that did not exist then (a rollback journal comes and goes with transactions):
    /// looked at again for each input.
    own_missing: Vec<PathBuf>,
    globs: Option<globset::GlobSet>,
    extensions: Vec<String>,
}

impl Select {
    fn new(opts: &ArchiveOptions, db: &Path) -> Result<Select> {
        let mut own = Vec::new();
        let mut own_ids = Vec::new();
        let mut own_missing = Vec::new();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = db.as_os_str().to_os_string();
            p.push(suffix);
            let p = PathBuf::from(p);
            own.push(std::path::absolute(&p).unwrap_or_else(|_| p.clone()));
            if let Ok(c) = p.canonicalize() {
                own.push(c);
            }
            match std::fs::metadata(&p).ok().as_ref().and_then(file_id) {
                Some(id) => own_ids.push(id),
                None => own_missing.push(p),
            }
        }
        let globs = if opts.globs.is_empty() {
            None
        } else {
            let mut set = globset::GlobSetBuilder::new();
            for g in &opts.globs {
                let glob = globset::Glob::new(g).map_err(|e| crate::Error::Glob {
                    glob: g.clone(),
                    message: e.kind().to_string(),
                })?;
                set.add(glob);
            }
            Some(set.build().map_err(|e| crate::Error::Glob {
                glob: opts.globs.join(" "),
                message: e.to_string(),
            })?)
        };
        let extensions = opts
            .extensions
            .iter()
            .map(|e| format!(".{}", e.trim_start_matches('.').to_lowercase()))
            .collect();
        Ok(Select {
            own,
            own_ids,
            own_missing,
            globs,
            extensions,
        })
    }

    /// Whether `path` (whose metadata, links followed, is `meta` when it could be read) is the
    /// archive's database or one of the files beside it: by its absolute path, else by its
    /// device and inode, which also catch links and other names for them. Where there are no
    /// inodes to compare, the canonical path is compared instead, which costs a system call
    /// per component of the path.
    fn is_own(&self, path: &Path, meta: Option<&std::fs::Metadata>) -> bool {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if self.own.contains(&abs) {
            return true;
        }
        match meta.and_then(file_id) {
            Some(id) => {
                self.own_ids.contains(&id)
                    || self.own_missing.iter().any(|p| {
                        std::fs::metadata(p)
                            .ok()
                            .as_ref()
                            .and_then(file_id)
                            .is_some_and(|own| own == id)
                    })
            }
            None => path.canonicalize().is_ok_and(|c| self.own.contains(&c)),
        }
    }

    /// Whether a file is read: one named on the command line always is; one found in a folder
    /// when it matches a glob or has an extension asked for (or none were given).
    fn wants(&self, named: &[PathBuf], path: &Path) -> bool {
        if self.globs.is_none() && self.extensions.is_empty() {
            return true;
        }
        if named.iter().any(|n| n == path) {
            return true;
        }
        let by_glob = self.globs.as_ref().is_some_and(|set| {
            set.is_match(path) || path.file_name().is_some_and(|n| set.is_match(n))
        });
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let by_ext = self.extensions.iter().any(|e| name.ends_with(e.as_str()));
        by_glob || by_ext
    }
}

/// A file's identity: its device and inode.
type FileId = (u64, u64);

/// The identity of the file `meta` describes (`None` where the system has no inodes).
fn file_id(meta: &std::fs::Metadata) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// [`prepare`], or the input's skip when detection ran over `limit`: what a worker of a run
/// hands the writer.
pub(crate) fn prepared(input: &Input, limit: Option<std::time::Duration>) -> Outcome<Prepared> {
    let p = prepare(input, limit);
    scan::over_time(input, p.scanned.timed_out, limit).unwrap_or(Outcome::Read(p))
}

/// Scans one input and cuts out the raw fragment of each post.
fn prepare(input: &Input, limit: Option<std::time::Duration>) -> Prepared {
    let origin = input.origin.path.as_deref();
    // Paths are stored absolute, so that a sighting's path (and the `dd` that cuts its span)
    // works from any folder; the records carry the same readable path as the source row.
    let abs = origin.map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    let path = abs.as_deref().map(shown_path);
    let scanned = scan::scan_input(input, path.as_deref(), None, false, limit);
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
    // A fetched page is kept whole: the server may change or drop it.
    let page = input.origin.fetch.is_some().then(|| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &input.bytes)
            .and_then(|()| gz.finish())
            .unwrap_or_default()
    });
    Prepared {
        input_key: input_key(input, abs.as_deref()),
        path,
        gzip: input.origin.gzip,
        scanned,
        fragments,
        page,
        version: None,
    }
}

/// The identity of an input across runs: a file's absolute path (so `samples` and `./samples`
/// are the same input; symbolic links are not resolved, which would cost system calls per
/// input), byte for byte ([`InputKey`]); a web-archive record's file and offset
/// (`FILE@OFFSET`, `FILE!ENTRY@OFFSET` in a WACZ, `-@OFFSET#RECORD-ID` from standard input);
/// a fetched page's URL as given; `-` for standard input.
fn input_key(input: &Input, abs: Option<&Path>) -> InputKey {
    if let Some(f) = &input.origin.fetch {
        return InputKey::Text(f.requested_url.clone());
    }
    match (abs, &input.origin.warc) {
        // Piped web archives share the name `-`: a record's own identity keeps two of them
        // apart (its ID, else its target URI and date).
        (None, Some(w)) => {
            let name =
                crate::discover::warc::record_name(Path::new(crate::discover::warc::STDIN), w);
            let id = w.record_id.clone().unwrap_or_else(|| {
                format!(
                    "{} {}",
                    w.target_uri.as_deref().unwrap_or_default(),
                    w.date.as_deref().unwrap_or_default()
                )
            });
            InputKey::Text(format!("{name}#{id}"))
        }
        (None, None) => InputKey::Text("-".into()),
        (Some(p), Some(w)) => InputKey::Text(crate::discover::warc::record_name(p, w)),
        (Some(p), None) => InputKey::of_path(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_files_read_or_passed_by_their_size_and_a_web_archive_by_its_records() {
        let dir = std::env::temp_dir().join(format!("embedvault-disk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (page, big, warc) = (
            dir.join("a.html"),
            dir.join("big.bin"),
            dir.join("c.warc.gz"),
        );
        std::fs::write(&page, [b'x'; 300]).unwrap();
        std::fs::write(&big, [0u8; 1000]).unwrap();
        std::fs::write(&warc, [0u8; 5000]).unwrap();
        let abs = std::path::absolute(&warc)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let record = |offset, length| crate::post::WarcRecord {
            file: abs.clone(),
            offset,
            length,
            offsets: "gzip-member".into(),
            ..Default::default()
        };
        let mut d = DiskDone::default();
        assert_eq!(
            d.read_parts(None, Some(page.to_str().unwrap()), false, 300),
            300
        );
        // A file skipped (binary, over the cap) counts too.
        assert_eq!(d.passed(big.to_str().unwrap()), 1300);
        // A web archive counts up to its latest record, never past its size...
        assert_eq!(
            d.read_parts(Some(&record(100, 900)), None, false, 40_000),
            2300
        );
        assert_eq!(
            d.read_parts(Some(&record(1000, 2000)), None, false, 40_000),
            4300
        );
        assert_eq!(d.passed(&format!("{}@3000", warc.display())), 4300);
        // ...and whole once its closing tally comes, which adds nothing more.
        assert_eq!(d.passed(warc.to_str().unwrap()), 6300);
        // A URL or standard input adds nothing.
        assert_eq!(d.passed("https://news.example/a"), 6300);
        assert_eq!(d.read_parts(None, None, false, 500), 6300);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[cfg(unix)]
    fn links_and_other_names_for_the_archives_files_are_never_read() {
        let dir = std::env::temp_dir().join(format!("embedvault-own-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let inputs = dir.join("pages");
        std::fs::create_dir_all(&inputs).unwrap();
        std::fs::write(inputs.join("a.html"), "<p>An article.</p>").unwrap();
        let db = dir.join("run.db");
        let mut archive = Archive::open(&db).unwrap();
        // Under names no path comparison would catch: a symbolic link to the database, a hard
        // link to its WAL.
        std::os::unix::fs::symlink(&db, inputs.join("b.html")).unwrap();
        std::fs::hard_link(dir.join("run.db-wal"), inputs.join("c.html")).unwrap();
        let report = archive
            .archive(
                std::slice::from_ref(&inputs),
                &ArchiveOptions::default(),
                &mut |_| {},
            )
            .unwrap();
        assert_eq!(report.counts.inputs_seen, 1, "{report:?}");
        assert_eq!(report.own_files.len(), 2, "{report:?}");
        assert!(report.failures.is_empty() && report.skipped.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
