//! Web archives: WARC files (plain, one gzip member per record, or gzip as a whole) and WACZ
//! packages (a zip holding WARCs under `archive/`).
//!
//! The file is streamed, never held whole: this side (the walking thread) splits it into
//! records, inflating gzip as it goes, and hands each `response` or `resource` record with an
//! HTML or text payload on as one input; workers then parse its HTTP message, undo its codings
//! and scan it ([`open`]). Other records (`request`, `metadata`, `revisit`, `warcinfo`,
//! `conversion`, non-text payloads, non-2xx responses) are counted and reported once per file.
//!
//! A record's place is kept so that `dd` (or a WARC reader) can fetch it again: its offset and
//! length in the file, or of the gzip member that holds it alone (the standard's
//! recommendation), or, for a WARC compressed as one stream, in the decompressed bytes.
//!
//! A record that is truncated or malformed is a failure named by the file and the offset; the
//! reader then looks for the next `WARC/1.` line and goes on, so the records around it are
//! still read. A record larger than the input cap is skipped (its bytes are read past, never
//! held).

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::http;
use super::{Input, Origin};
use crate::decode::DocKind;
use crate::pipeline::Outcome;
use crate::post::WarcRecord;

/// The most bytes a record's WARC header may take.
const HEADER_CAP: usize = 64 * 1024;

/// How much is read from the file at a time.
const CHUNK: usize = 256 * 1024;

/// Whether `path` names a web archive by its extension: `.warc`, `.warc.gz`, `.wacz`.
pub(crate) fn is_web_archive(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz") || name.ends_with(".wacz")
}

/// Whether [`looks_like_warc`] may say yes for `path`, by its name alone: a web archive's name,
/// or any name but an article's (`.html`, `.txt`, `.md`, … and their `.gz`). No file is looked
/// at, so a walk can pass article files without a system call.
pub(crate) fn may_be_warc(path: &Path) -> bool {
    if is_web_archive(path) {
        return true;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    const ARTICLES: &[&str] = &[
        ".html",
        ".htm",
        ".xhtml",
        ".shtml",
        ".txt",
        ".md",
        ".markdown",
        ".mdx",
        ".json",
        ".xml",
    ];
    !ARTICLES.iter().any(|ext| name.ends_with(ext))
}

/// Whether `path` is a web archive: by its name (see [`is_web_archive`]), or, for a name that is
/// not an article's (`.html`, `.txt`, `.md`, … and their `.gz`), by its first bytes (a
/// `WARC/1.` version line, plain or in a gzip member), so that a crawl saved under another name
/// is still read record by record and never as one page.
pub(crate) fn looks_like_warc(path: &Path) -> bool {
    if is_web_archive(path) {
        return true;
    }
    if !may_be_warc(path) {
        return false;
    }
    let Ok(f) = File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(16);
    let mut reader = BufReader::new(f.take(64 * 1024));
    if reader.fill_buf().is_ok_and(super::gzip::is_gzip) {
        let _ = flate2::bufread::GzDecoder::new(reader)
            .take(8)
            .read_to_end(&mut head);
    } else {
        let _ = reader.take(8).read_to_end(&mut head);
    }
    is_warc_start(&head)
}

/// Whether bytes start like a WARC file.
pub(crate) fn is_warc_start(bytes: &[u8]) -> bool {
    bytes.starts_with(b"WARC/1.")
}

/// One record split from a web archive, not yet opened.
#[derive(Debug)]
pub(crate) struct RawRecord {
    /// The archive file as given or found.
    pub path: PathBuf,
    /// Where the record is and what its headers say.
    pub place: WarcRecord,
    /// `WARC-Type`.
    pub warc_type: String,
    /// The record's own `Content-Type` (for a `resource`, the payload's).
    pub content_type: Option<String>,
    /// The record block (for a `response`, the HTTP message).
    pub block: Vec<u8>,
}

/// What reading a web archive yields, in file order.
#[derive(Debug)]
pub(crate) enum Item {
    /// A record to open and scan.
    Record(RawRecord),
    /// A record that failed or was skipped, or the file's closing tally.
    Done(Outcome<Input>),
}

/// The name of a record in messages: the file and the record's offset.
pub(crate) fn record_name(path: &Path, place: &WarcRecord) -> String {
    match &place.entry {
        Some(entry) => format!("{}!{entry}@{}", path.display(), place.offset),
        None => format!("{}@{}", path.display(), place.offset),
    }
}

/// Reads the web archive at `path` record by record.
pub(crate) fn read(path: PathBuf, max_input: u64) -> impl Iterator<Item = Item> + Send {
    let shown = path.display().to_string();
    let abs = std::path::absolute(&path)
        .unwrap_or_else(|_| path.clone())
        .to_string_lossy()
        .into_owned();
    let lower = shown.to_ascii_lowercase();
    let streams: Result<Vec<Stream>, String> = if lower.ends_with(".wacz") {
        wacz_streams(&path)
    } else {
        File::open(&path)
            .map_err(|e| format!("cannot read {shown}: {e}"))
            .map(|f| {
                vec![Stream {
                    reader: Box::new(f),
                    base: 0,
                    entry: None,
                }]
            })
    };
    records_of(streams, path, abs, shown, max_input)
}

/// The name a web archive read from standard input goes by: in its records' places (their
/// `file`) and in messages (`-@OFFSET`).
pub(crate) const STDIN: &str = "-";

/// Reads a web archive from standard input record by record: `head` is what was read of it
/// already (to tell it from a page), `rest` the rest. Its records are named `-@OFFSET`, and
/// their places give `-` as the file.
pub(crate) fn read_stdin(
    head: Vec<u8>,
    rest: Box<dyn Read + Send>,
    max_input: u64,
) -> impl Iterator<Item = Item> + Send {
    let stream = Stream {
        reader: Box::new(io::Cursor::new(head).chain(rest)),
        base: 0,
        entry: None,
    };
    records_of(
        Ok(vec![stream]),
        PathBuf::from(STDIN),
        STDIN.to_string(),
        "<stdin>".to_string(),
        max_input,
    )
}

/// Whether `head`, the first bytes of an input, starts a web archive: a WARC version line, or
/// gzip whose first inflated bytes are one. `None` while too few bytes are there to say.
pub(crate) fn starts_web_archive(head: &[u8]) -> Option<bool> {
    if !super::gzip::is_gzip(head) {
        return (head.len() >= 8).then(|| is_warc_start(head));
    }
    let mut first = [0u8; 8];
    let mut got = 0;
    let mut decoder = flate2::bufread::GzDecoder::new(head);
    while got < first.len() {
        match decoder.read(&mut first[got..]) {
            Ok(0) => return Some(false),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return None,
            Err(_) => return Some(false),
        }
    }
    Some(is_warc_start(&first))
}

/// The records of `streams` (one file's), in order, then the file's tally of records passed
/// over; a file that could not be opened is one failure.
fn records_of(
    streams: Result<Vec<Stream>, String>,
    path: PathBuf,
    abs: String,
    shown: String,
    max_input: u64,
) -> impl Iterator<Item = Item> + Send {
    let (streams, first) = match streams {
        Ok(s) => (s, None),
        Err(message) => (
            Vec::new(),
            Some(Item::Done(Outcome::Failed {
                input: shown.clone(),
                message,
            })),
        ),
    };
    let mut tally = Tally::default();
    let mut done = false;
    let mut streams = streams.into_iter();
    let mut current: Option<Records> = None;
    first.into_iter().chain(std::iter::from_fn(move || {
        loop {
            if done {
                return None;
            }
            if current.is_none() {
                match streams.next() {
                    Some(s) => {
                        current = Some(Records::new(s, path.clone(), abs.clone(), max_input))
                    }
                    None => {
                        done = true;
                        return tally.close(&shown).map(Item::Done);
                    }
                }
            }
            let records = current.as_mut()?;
            match records.next_item(&mut tally) {
                Some(item) => return Some(item),
                None => current = None,
            }
        }
    }))
}

/// One WARC byte stream: a file, or an entry of a WACZ package.
struct Stream {
    reader: Box<dyn Read + Send>,
    /// Added to offsets: where the stream starts in the file (a stored WACZ entry), else 0.
    base: u64,
    /// The entry's name inside a WACZ package.
    entry: Option<String>,
}

/// The WARCs of a WACZ package, in name order: those under `archive/` (any `.warc` or
/// `.warc.gz` when none is there). A stored entry is read straight from the package file, so
/// record offsets are offsets in the package; a deflated one is inflated, and offsets are in
/// the entry.
fn wacz_streams(path: &Path) -> Result<Vec<Stream>, String> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("{shown}: not a readable WACZ (zip) package: {e}"))?;
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| format!("{shown}: entry {i} of the package cannot be read: {e}"))?;
        let Ok(name) = f.name().map(|n| n.into_owned()) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if f.is_dir() || !(lower.ends_with(".warc") || lower.ends_with(".warc.gz")) {
            continue;
        }
        let Some(start) = f.data_start() else {
            continue;
        };
        entries.push((name, f.compression(), start, f.compressed_size()));
    }
    if entries.iter().any(|e| e.0.starts_with("archive/")) {
        entries.retain(|e| e.0.starts_with("archive/"));
    }
    if entries.is_empty() {
        return Err(format!("{shown}: the WACZ package holds no WARC file"));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut streams = Vec::new();
    for (name, method, start, size) in entries {
        let mut f = File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        f.seek(SeekFrom::Start(start))
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        let raw = f.take(size);
        let (reader, base): (Box<dyn Read + Send>, u64) = match method {
            zip::CompressionMethod::Stored => (Box::new(raw), start),
            zip::CompressionMethod::Deflated => {
                (Box::new(flate2::read::DeflateDecoder::new(raw)), 0)
            }
            other => {
                return Err(format!(
                    "{shown}: {name} is compressed with {other}, which embedvault does not read \
                     (WACZ stores WARCs uncompressed)"
                ));
            }
        };
        streams.push(Stream {
            reader,
            base,
            entry: Some(name),
        });
    }
    Ok(streams)
}

/// Records not read as articles, by why.
#[derive(Debug, Default)]
struct Tally {
    by_reason: BTreeMap<String, u64>,
}

impl Tally {
    fn count(&mut self, why: String) {
        // The reasons name types found in the file: a hostile one could make each differ.
        const MOST: usize = 16;
        let why = if self.by_reason.len() >= MOST && !self.by_reason.contains_key(&why) {
            "other".to_string()
        } else {
            why.chars().take(80).collect()
        };
        *self.by_reason.entry(why).or_default() += 1;
    }

    /// The one message per file saying how many records were passed over and why.
    fn close(&mut self, shown: &str) -> Option<Outcome<Input>> {
        if self.by_reason.is_empty() {
            return None;
        }
        let total: u64 = self.by_reason.values().sum();
        let parts: Vec<String> = self
            .by_reason
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect();
        Some(Outcome::Skipped {
            input: shown.to_string(),
            reason: format!("{total} record(s) not articles: {}", parts.join(", ")),
        })
    }
}

/// gzip members met in a stream: where each starts in the decompressed bytes and in the file.
type Boundaries = VecDeque<(u64, u64)>;

/// The bytes of a stream, gzip undone member by member when the stream is gzip, with the
/// members' boundaries.
enum Layer {
    Plain(Box<dyn Read + Send>),
    Gzip(Box<Members>),
}

impl Read for Layer {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Layer::Plain(r) => r.read(buf),
            Layer::Gzip(m) => m.read(buf),
        }
    }
}

/// A reader that counts the bytes consumed from it.
struct Counted {
    inner: BufReader<Box<dyn Read + Send>>,
    pos: u64,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl BufRead for Counted {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.pos += n as u64;
        self.inner.consume(n);
    }
}

/// gzip members read one after another. A `bufread` decoder consumes exactly one member, so
/// the count of bytes consumed says where each member ends in the file.
struct Members {
    decoder: Option<flate2::bufread::GzDecoder<Counted>>,
    /// The reader between members (or after the last).
    idle: Option<Counted>,
    /// Decompressed bytes produced so far.
    out: u64,
    base: u64,
    boundaries: Boundaries,
    /// The file offset of the member being read.
    member_start: u64,
    /// Where in the decompressed bytes the member being read began.
    member_out: u64,
    /// A member that failed (its check at the end, or its data): where its decompressed bytes
    /// start and end, and its offset in the file. Cleared when reading goes on past it.
    bad: Option<(u64, u64, u64)>,
}

impl Members {
    fn new(reader: Box<dyn Read + Send>, base: u64) -> Members {
        let counted = Counted {
            inner: BufReader::with_capacity(CHUNK, reader),
            pos: 0,
        };
        let mut boundaries = Boundaries::new();
        boundaries.push_back((0, base));
        Members {
            decoder: Some(flate2::bufread::GzDecoder::new(counted)),
            idle: None,
            out: 0,
            base,
            boundaries,
            member_start: base,
            member_out: 0,
            bad: None,
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(dec) = self.decoder.as_mut() {
                match dec.read(buf) {
                    Ok(0) if !buf.is_empty() => {
                        let Some(dec) = self.decoder.take() else {
                            return Ok(0);
                        };
                        let inner = dec.into_inner();
                        self.boundaries.push_back((self.out, self.base + inner.pos));
                        self.idle = Some(inner);
                    }
                    Ok(n) => {
                        self.out += n as u64;
                        return Ok(n);
                    }
                    Err(e) => {
                        // The member is corrupt or cut: go on at the next member found. What it
                        // gave before the error (all of it, when only its check failed) is
                        // marked, so that no record is made of it.
                        let at = self.member_start;
                        self.bad = Some((self.member_out, self.out, at));
                        if let Some(dec) = self.decoder.take() {
                            self.idle = Some(dec.into_inner());
                        }
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("the gzip member at byte {at} is corrupt or truncated ({e})"),
                        ));
                    }
                }
            }
            let Some(mut idle) = self.idle.take() else {
                return Ok(0);
            };
            let head = idle.fill_buf()?;
            if head.is_empty() {
                return Ok(0);
            }
            if head.starts_with(&[0x1f, 0x8b]) {
                self.member_start = self.base + idle.pos;
                self.member_out = self.out;
                self.decoder = Some(flate2::bufread::GzDecoder::new(idle));
                continue;
            }
            if head.iter().all(|&b| b == 0) {
                // Zero padding after the last member, as `gzip -t` accepts it.
                let n = head.len();
                idle.consume(n);
                self.idle = Some(idle);
                continue;
            }
            let at = self.base + idle.pos;
            // Whatever follows is not gzip: skip to the next member, if any.
            self.skip_to_member(idle);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bytes at {at} are not a gzip member"),
            ));
        }
    }

    /// After a bad member: drops bytes up to the next gzip magic (a new member), or to the end.
    fn resync(&mut self) {
        self.bad = None;
        if let Some(idle) = self.idle.take() {
            self.skip_to_member(idle);
        }
    }

    fn skip_to_member(&mut self, mut idle: Counted) {
        loop {
            // Skip at least one byte, so a bad member's own magic is not taken again.
            let at_bad = idle.pos + self.base == self.member_start;
            let Ok(head) = idle.fill_buf() else {
                return;
            };
            if head.is_empty() {
                self.idle = Some(idle);
                return;
            }
            let from = usize::from(head.len() > 1 && at_bad);
            match memchr::memmem::find(&head[from..], &[0x1f, 0x8b, 0x08]) {
                Some(i) => {
                    idle.consume(from + i);
                    self.member_start = self.base + idle.pos;
                    self.member_out = self.out;
                    self.boundaries.push_back((self.out, self.member_start));
                    self.decoder = Some(flate2::bufread::GzDecoder::new(idle));
                    return;
                }
                None => {
                    // Keep the last two bytes: the magic may straddle the refill.
                    let keep = head.len().min(2);
                    let n = head.len() - keep;
                    if n == 0 {
                        let n = head.len();
                        idle.consume(n);
                    } else {
                        idle.consume(n);
                    }
                    self.member_start = u64::MAX;
                }
            }
        }
    }
}

/// A buffered view of a stream's (decompressed) bytes, with their position, that can look
/// ahead and give bytes back.
struct Buf {
    layer: Layer,
    buf: Vec<u8>,
    start: usize,
    /// The stream position of `buf[start]`.
    pos: u64,
    eof: bool,
    /// An error the layer gave, to report once.
    error: Option<String>,
}

impl Buf {
    fn available(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Reads until at least `want` bytes are available, or the end (or an error) comes.
    fn fill(&mut self, want: usize) -> usize {
        while self.buf.len() - self.start < want && !self.eof {
            if self.start > 0 && self.start >= self.buf.len() / 2 {
                self.buf.drain(..self.start);
                self.start = 0;
            }
            let have = self.buf.len();
            let room = want.saturating_sub(have - self.start).max(CHUNK);
            self.buf.reserve(room);
            // Into the spare capacity, without zeroing it first; what was read before an
            // error is kept.
            match (&mut self.layer)
                .take(room as u64)
                .read_to_end(&mut self.buf)
            {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e.to_string());
                    self.eof = true;
                }
            }
        }
        self.buf.len() - self.start
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len() - self.start);
        self.start += n;
        self.pos += n as u64;
    }

    /// Takes `n` bytes (fewer at the end).
    fn take(&mut self, n: usize) -> Vec<u8> {
        self.fill(n);
        let n = n.min(self.buf.len() - self.start);
        let out = self.buf[self.start..self.start + n].to_vec();
        self.consume(n);
        out
    }

    /// Reads past `n` bytes without keeping them; the number passed.
    fn skip(&mut self, mut n: u64) -> u64 {
        let mut passed = 0;
        while n > 0 {
            let got = self.fill(1);
            if got == 0 {
                break;
            }
            let k = (got as u64).min(n) as usize;
            self.consume(k);
            n -= k as u64;
            passed += k as u64;
        }
        passed
    }

    /// Gives bytes back: they are read again next.
    fn unread(&mut self, bytes: &[u8]) {
        let mut v = bytes.to_vec();
        v.extend_from_slice(&self.buf[self.start..]);
        self.buf = v;
        self.start = 0;
        self.pos -= bytes.len() as u64;
    }

    /// Drops bytes up to the next `WARC/1.x` version line (a record's first line), or to the
    /// end.
    fn seek_record(&mut self) {
        loop {
            let got = self.fill(8);
            if got == 0 {
                return;
            }
            let hay = self.available();
            // A version line (`WARC/1.0` or `WARC/1.1` and a line end), wherever it starts: a
            // truncated record ends anywhere, not at a line end.
            let hit = memchr::memmem::find_iter(hay, b"WARC/1.").find(|&i| {
                let rest = &hay[i + 7..];
                rest.len() >= 3
                    && rest[0].is_ascii_digit()
                    && (rest[1..].starts_with(b"\r\n") || rest[1] == b'\n')
            });
            match hit {
                Some(i) => {
                    self.consume(i);
                    return;
                }
                None if self.eof => {
                    let n = got;
                    self.consume(n);
                    return;
                }
                None => {
                    let n = got.saturating_sub(8);
                    self.consume(n);
                    self.fill(got + CHUNK);
                }
            }
        }
    }
}

/// The records of one stream.
struct Records {
    buf: Buf,
    path: PathBuf,
    abs: String,
    entry: Option<String>,
    base: u64,
    max_input: u64,
    finished: bool,
}

impl Records {
    fn new(stream: Stream, path: PathBuf, abs: String, max_input: u64) -> Records {
        let mut reader = stream.reader;
        // The first bytes say whether the stream is gzip.
        let mut head = [0u8; 3];
        let mut got = 0;
        while got < head.len() {
            match reader.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let prefix = head[..got].to_vec();
        let gzip = super::gzip::is_gzip(&prefix);
        let reader: Box<dyn Read + Send> = Box::new(io::Cursor::new(prefix).chain(reader));
        let layer = if gzip {
            Layer::Gzip(Box::new(Members::new(reader, stream.base)))
        } else {
            Layer::Plain(reader)
        };
        Records {
            buf: Buf {
                layer,
                buf: Vec::new(),
                start: 0,
                pos: 0,
                eof: false,
                error: None,
            },
            path,
            abs,
            entry: stream.entry,
            base: stream.base,
            max_input,
            finished: false,
        }
    }

    /// The place of a record found at `start..end` of the decompressed stream.
    fn place(&mut self, start: u64, end: u64) -> WarcRecord {
        let (offset, length, offsets) = if let Layer::Gzip(m) = &mut self.buf.layer {
            while m.boundaries.len() > 1 && m.boundaries[1].0 <= start {
                m.boundaries.pop_front();
            }
            let at = |d: u64| m.boundaries.iter().find(|b| b.0 == d).map(|b| b.1);
            match (at(start), at(end)) {
                (Some(a), Some(b)) if b > a => (a, b - a, "gzip-member"),
                _ => (start, end - start, "decompressed"),
            }
        } else {
            (self.base + start, end - start, "file")
        };
        // A WACZ entry stored deflated is read through its inflation: offsets count in the
        // entry, not in the package.
        let in_entry = self.entry.is_some() && self.base == 0;
        WarcRecord {
            file: self.abs.clone(),
            entry: self.entry.clone(),
            offset,
            length,
            offsets: if in_entry {
                format!("entry-{offsets}")
            } else {
                offsets.to_string()
            },
            ..WarcRecord::default()
        }
    }

    /// A failure of the record at `offset`. An error of the gzip layer met meanwhile is told
    /// with it, and reading goes on at the next gzip member.
    fn failed(&mut self, offset: u64, why: String) -> Item {
        // The layer's error is about the bytes after those buffered (the reading runs ahead):
        // it belongs to this failure only once they are used up.
        let exhausted = self.buf.available().is_empty();
        let why = match self.buf.error.take_if(|_| exhausted) {
            Some(e) => {
                if let Layer::Gzip(m) = &mut self.buf.layer {
                    m.resync();
                    self.buf.eof = false;
                }
                format!("{why} ({e})")
            }
            None => why,
        };
        let place = WarcRecord {
            offset,
            entry: self.entry.clone(),
            ..WarcRecord::default()
        };
        let input = record_name(&self.path, &place);
        Item::Done(Outcome::Failed {
            message: format!("{input}: {why}"),
            input,
        })
    }

    /// Where a record starting at stream position `at` is, for messages: its file offset when
    /// known.
    fn shown_offset(&mut self, at: u64) -> u64 {
        match &self.buf.layer {
            // The member that starts there, else the offset in the decompressed stream.
            Layer::Gzip(m) => m.boundaries.iter().find(|b| b.0 == at).map_or(at, |b| b.1),
            Layer::Plain(_) => self.base + at,
        }
    }

    /// The next record to scan, or a failure or skip; `None` at the end of the stream.
    fn next_item(&mut self, tally: &mut Tally) -> Option<Item> {
        loop {
            if self.finished {
                return None;
            }
            if self.buf.error.is_some() && self.buf.available().is_empty() {
                let at = self.buf.pos;
                // A failed member is named by its own offset in the file.
                let offset = match &self.buf.layer {
                    Layer::Gzip(m) => m.bad.map(|(.., member)| member),
                    Layer::Plain(_) => None,
                }
                .unwrap_or_else(|| self.shown_offset(at));
                self.buf.seek_record();
                return Some(self.failed(offset, "the file cannot be read here".into()));
            }
            // Blank lines between records.
            loop {
                let got = self.buf.fill(1);
                if got == 0 {
                    break;
                }
                let skip = self
                    .buf
                    .available()
                    .iter()
                    .take_while(|&&b| matches!(b, b'\r' | b'\n'))
                    .count();
                if skip == 0 {
                    break;
                }
                self.buf.consume(skip);
            }
            if self.buf.fill(1) == 0 {
                if self.buf.error.is_some() {
                    continue;
                }
                self.finished = true;
                return None;
            }
            let start = self.buf.pos;
            self.buf.fill(HEADER_CAP);
            let hay = self.buf.available();
            let end = memchr::memmem::find(hay, b"\r\n\r\n")
                .map(|i| (i, i + 4))
                .or_else(|| memchr::memmem::find(hay, b"\n\n").map(|i| (i, i + 2)));
            if !hay.starts_with(b"WARC/") {
                let offset = self.shown_offset(start);
                self.buf.consume(1);
                self.buf.seek_record();
                return Some(self.failed(
                    offset,
                    "not a WARC record (no WARC/ version line here); reading on at the next record"
                        .into(),
                ));
            }
            let Some((head_len, body_start)) = end else {
                let offset = self.shown_offset(start);
                let why = if self.buf.eof {
                    "the record is truncated inside its header".to_string()
                } else {
                    format!("the record's header is longer than {HEADER_CAP} bytes")
                };
                self.buf.consume(1);
                self.buf.seek_record();
                return Some(self.failed(offset, why));
            };
            let headers = parse_headers(&hay[..head_len]);
            let get = |name: &str| {
                headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            let Some(length) = get("Content-Length").and_then(|v| v.trim().parse::<u64>().ok())
            else {
                let offset = self.shown_offset(start);
                self.buf.consume(body_start);
                self.buf.seek_record();
                return Some(self.failed(
                    offset,
                    "the record has no valid Content-Length; reading on at the next record".into(),
                ));
            };
            let warc_type = get("WARC-Type").unwrap_or_default().to_ascii_lowercase();
            let content_type = get("Content-Type");
            let mut place_info = WarcRecord {
                record_id: get("WARC-Record-ID"),
                target_uri: get("WARC-Target-URI"),
                date: get("WARC-Date"),
                ..WarcRecord::default()
            };
            self.buf.consume(body_start);
            let wanted = matches!(warc_type.as_str(), "response" | "resource");
            if !wanted || length > self.max_input {
                let passed = self.buf.skip(length);
                if passed < length {
                    let offset = self.shown_offset(start);
                    return Some(self.failed(
                        offset,
                        format!(
                            "the record is truncated: its Content-Length is {length} bytes but \
                             only {passed} remain"
                        ),
                    ));
                }
                self.end_of_record();
                if !wanted {
                    tally.count(if warc_type.is_empty() {
                        "without WARC-Type".into()
                    } else {
                        warc_type
                    });
                    continue;
                }
                let end = self.buf.pos;
                let place = self.place(start, end);
                return Some(Item::Done(Outcome::Skipped {
                    input: record_name(&self.path, &place),
                    reason: format!(
                        "the record's {length} bytes are over the {}-byte input cap (raise it \
                         with --max-input)",
                        self.max_input
                    ),
                }));
            }
            let block = self.buf.take(length as usize);
            let terminated = {
                self.buf.fill(4);
                let after = self.buf.available();
                after.is_empty()
                    || after.starts_with(b"\r\n\r\n")
                    || after.starts_with(b"\n\n")
                    || (self.buf.eof && after.iter().all(|&b| matches!(b, b'\r' | b'\n')))
            };
            if (block.len() as u64) < length || !terminated {
                let offset = self.shown_offset(start);
                let why = if (block.len() as u64) < length {
                    format!(
                        "the record is truncated: its Content-Length is {length} bytes but only \
                         {} remain",
                        block.len()
                    )
                } else {
                    "the record's block does not end where its Content-Length says (malformed or \
                     truncated); reading on at the next record"
                        .to_string()
                };
                // The next record may start inside what was taken as this one's block.
                self.buf.unread(&block);
                self.buf.seek_record();
                return Some(self.failed(offset, why));
            }
            self.end_of_record();
            let end = self.buf.pos;
            // A record in whose bytes a gzip member that failed begins (most often its checksum,
            // found only at the member's end, after its bytes came out) makes no record: it fails,
            // named by its own offset. A member that began before the record (a stream gzipped
            // as one) cannot say which of its records were damaged: those are read as before,
            // and the failure is told after them.
            if let Layer::Gzip(m) = &self.buf.layer
                && m.bad.is_some_and(|(from, ..)| start <= from && from < end)
            {
                let offset = self.shown_offset(start);
                return Some(self.failed(
                    offset,
                    "the record's gzip member is damaged, so its bytes are not used".into(),
                ));
            }
            let place = self.place(start, end);
            place_info.file = place.file;
            place_info.entry = place.entry;
            place_info.offset = place.offset;
            place_info.length = place.length;
            place_info.offsets = place.offsets;
            // Responses and resources that are not pages are counted, not opened.
            match classify(&warc_type, content_type.as_deref(), &block) {
                Ok((status, media)) => {
                    place_info.status = status;
                    place_info.content_type = media;
                }
                Err(why) => {
                    tally.count(why);
                    continue;
                }
            }
            return Some(Item::Record(RawRecord {
                path: self.path.clone(),
                place: place_info,
                warc_type,
                content_type,
                block,
            }));
        }
    }

    /// Consumes the CRLF CRLF after a record's block, and looks one byte further so that a
    /// gzip member that ends there is seen to end.
    fn end_of_record(&mut self) {
        self.buf.fill(4);
        let n = self
            .buf
            .available()
            .iter()
            .take(4)
            .take_while(|&&b| matches!(b, b'\r' | b'\n'))
            .count();
        self.buf.consume(n);
        self.buf.fill(1);
    }
}

/// The `name: value` lines of a WARC header (the version line skipped; folded lines joined).
fn parse_headers(head: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(head);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines().skip(1) {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            out.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// Whether a `response` or `resource` record holds a page: its HTTP status (responses) and
/// the payload's type as served, or why it is passed over.
fn classify(
    warc_type: &str,
    content_type: Option<&str>,
    block: &[u8],
) -> Result<(Option<u16>, Option<String>), String> {
    let (status, served) = if warc_type == "response" && block.starts_with(b"HTTP/") {
        let head = http::head(block).ok_or("response(s) with a malformed HTTP header")?;
        if !(200..300).contains(&head.status) {
            return Err(format!(
                "response(s) with HTTP status {}xx",
                head.status / 100
            ));
        }
        (
            Some(head.status),
            head.get("content-type").map(str::to_string),
        )
    } else {
        (None, content_type.map(str::to_string))
    };
    let media = served.as_deref().map(http::media_type).unwrap_or_default();
    if !http::is_text(&media) {
        return Err(format!("{warc_type}(s) of type {media}"));
    }
    Ok((status, served))
}

/// Opens a record on a worker: parses its HTTP message, undoes chunking and content codings,
/// and tells HTML from text by the type served (else by sniffing).
pub(crate) fn open(raw: RawRecord, max_input: u64) -> Outcome<Input> {
    let name = record_name(&raw.path, &raw.place);
    let (payload, served) = if raw.warc_type == "response" && raw.block.starts_with(b"HTTP/") {
        let Some(head) = http::head(&raw.block) else {
            return Outcome::Failed {
                message: format!("{name}: the record's HTTP header is malformed"),
                input: name,
            };
        };
        match http::into_body(&head, raw.block, max_input) {
            Ok(b) => (b, head.get("content-type").map(str::to_string)),
            Err(http::BodyError::TooLarge(size)) => {
                return Outcome::Skipped {
                    input: name,
                    reason: format!(
                        "its payload passed {size} bytes, over the {max_input}-byte input cap \
                         (raise it with --max-input)"
                    ),
                };
            }
            Err(http::BodyError::Corrupt(why)) => {
                return Outcome::Failed {
                    message: format!("{name}: {why}"),
                    input: name,
                };
            }
        }
    } else {
        (raw.block, raw.content_type.clone())
    };
    let media = served.as_deref().map(http::media_type).unwrap_or_default();
    let kind = match media.as_str() {
        "text/html" | "application/xhtml+xml" => Some(DocKind::Html),
        "text/markdown" | "text/x-markdown" => Some(DocKind::Markdown),
        _ => None,
    };
    let kind = match kind {
        Some(k) => k,
        None => {
            // The URL's file name tells Markdown from text as a file's name would.
            let from_url = raw
                .place
                .target_uri
                .as_deref()
                .and_then(url_file_name)
                .filter(|n| n.contains('.'));
            let name_hint = from_url.or_else(|| (media == "text/plain").then(|| "page.txt".into()));
            match super::kind_of(super::sniff::sniff(&payload, name_hint.as_deref())) {
                Some(k) => k,
                None => {
                    return Outcome::Skipped {
                        input: name,
                        reason: "its payload is binary, not an article".into(),
                    };
                }
            }
        }
    };
    let charset = served.as_deref().and_then(http::charset);
    let url = raw.place.target_uri.clone();
    // A web archive read from standard input has no path.
    let path = (raw.place.file != STDIN).then_some(raw.path);
    Outcome::Read(Input {
        bytes: payload,
        origin: Origin {
            path,
            gzip: false,
            url,
            charset,
            warc: Some(Box::new(raw.place)),
            fetch: None,
        },
        kind,
    })
}

/// The last segment of a URL's path (`https://a.example/x/post.md?q` → `post.md`).
fn url_file_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let after_host = path.split_once("://").map_or(path, |(_, rest)| rest);
    let (_, tail) = after_host.split_once('/')?;
    let name = tail.rsplit('/').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

/// Reads the record at `place` again and gives its payload, as scanning saw it: for
/// `show --raw`.
pub(crate) fn payload_at(place: &WarcRecord, max_input: u64) -> Result<Vec<u8>, String> {
    let file = Path::new(&place.file);
    let shown = file.display();
    let mut f = File::open(file).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let stream: Box<dyn Read + Send> = match place.offsets.as_str() {
        "file" | "gzip-member" => {
            f.seek(SeekFrom::Start(place.offset))
                .map_err(|e| format!("cannot read {shown}: {e}"))?;
            Box::new(f.take(place.length))
        }
        _ => {
            // Offsets in a decompressed stream or a deflated entry: read the stream from its
            // start up to the record.
            let streams: Vec<Stream> = match &place.entry {
                Some(entry) => wacz_streams(file)?
                    .into_iter()
                    .filter(|s| s.entry.as_deref() == Some(entry.as_str()))
                    .collect(),
                None => vec![Stream {
                    reader: Box::new(f),
                    base: 0,
                    entry: None,
                }],
            };
            let Some(s) = streams.into_iter().next() else {
                return Err(format!("{shown}: no entry {:?}", place.entry));
            };
            let mut records = Records::new(s, file.to_path_buf(), place.file.clone(), max_input);
            let mut tally = Tally::default();
            while let Some(item) = records.next_item(&mut tally) {
                if let Item::Record(r) = item
                    && r.place.offset == place.offset
                {
                    return payload_of(r, max_input);
                }
            }
            return Err(format!(
                "{shown}: no page record at offset {} any more",
                place.offset
            ));
        }
    };
    let s = Stream {
        reader: stream,
        base: place.offset,
        entry: place.entry.clone(),
    };
    let mut records = Records::new(s, file.to_path_buf(), place.file.clone(), max_input);
    let mut tally = Tally::default();
    match records.next_item(&mut tally) {
        Some(Item::Record(r)) => payload_of(r, max_input),
        Some(Item::Done(Outcome::Failed { message, .. })) => Err(message),
        _ => Err(format!(
            "{shown}: no page record at offset {} any more",
            place.offset
        )),
    }
}

fn payload_of(r: RawRecord, max_input: u64) -> Result<Vec<u8>, String> {
    match open(r, max_input) {
        Outcome::Read(input) => Ok(input.bytes),
        Outcome::Failed { message, .. } => Err(message),
        Outcome::Skipped { input, reason } => Err(format!("{input}: {reason}")),
    }
}
