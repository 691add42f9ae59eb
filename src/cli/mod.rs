//! The command line: clap types and dispatch. Commands return a result; [`run`] is the one
//! place that turns it into an exit code, reporting a fatal error once (through `messages`) and
//! treating a closed output pipe as a normal end. Only this module prints.
//!
//! Exit codes: 0 every input was read, 1 some inputs failed (the rest were still processed),
//! 2 usage or fatal error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

mod archive;
mod export;
mod import;
mod messages;
mod output;
mod query;
mod report;
mod scan;
mod show;
mod stats;
mod table;

/// Exit code: every input was read.
const EXIT_OK: u8 = 0;
/// Exit code: some inputs failed (the rest were processed); `show`: no such post.
const EXIT_SOME_FAILED: u8 = 1;
/// Exit code: usage or fatal error.
const EXIT_FATAL: u8 = 2;

/// How a command that did not fail outright ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// Everything asked for was done.
    Ok,
    /// Some inputs failed, or the thing asked for does not exist.
    Partial,
    /// The command line was wrong in a way found only once the archive was read (a key that
    /// names more than one post); the message has been written.
    Usage,
}

const AFTER_HELP: &str = "\
Exit codes:
  0  every input was read (query, show, stats: success)
  1  some inputs failed (each is named on stderr; the rest were still processed); show: no such post
  2  usage or fatal error (a missing or unreadable database, a bad --search expression)

Data goes to stdout, messages to stderr.";

const SCAN_HELP: &str = "\
Examples:
  embedvault scan article.html                    # a table on a terminal, JSON lines in a pipe
  embedvault scan saved-pages/ --format jsonl > posts.jsonl
  curl -s https://example.org/story | embedvault scan -
  embedvault scan --explain article.html          # what became of every marker in the page

Exit codes: 0 every input was read; 1 some inputs failed (each named on stderr); 2 usage or
fatal error.";

const ARCHIVE_HELP: &str = "\
Examples:
  embedvault archive saved-pages/                 # into ./embedvault.db
  embedvault archive . --ext html,htm -q          # this folder, pages only, errors only
  embedvault archive corpus/ --glob '2021/**' --db 2021.db
  EMBEDVAULT_DB=~/archive.db embedvault archive -v today/

Archiving the same inputs again adds nothing but a run. The archive's own files are never
read as inputs.

Exit codes: 0 every input was read; 1 some inputs failed (each named on stderr, recorded in
the archive); 2 usage or fatal error (the database could not be opened or written).";

const IMPORT_HELP: &str = "\
Examples:
  embedvault import crawl-results/                # the Parquet dataset examples/spark_archive.py writes
  embedvault import part-0001.parquet part-0002.parquet --db crawl.db
  embedvault scan --format jsonl pages/ > found.jsonl && embedvault import found.jsonl

Folders are read for .parquet, .jsonl, .ndjson and .json files (gzip-compressed or not); `-`
reads JSON lines from standard input. A row is one sighting with its input (the Spark job's
columns `record`, `input`, `fragment`, `fragment_truncated`, or the same keys in JSON); a bare
record as `embedvault scan` writes it, and a post as `embedvault export` writes it (every
sighting), are read too, without their raw fragments. The rows of one
input are gathered from every file and partition, and stored with the same identity and merging
as `archive`: importing what a cluster found gives the archive `archive` gives on the same
inputs, and importing it again adds nothing but a run.

Exit codes: 0 every row was read; 1 some files or rows could not be read (each named on
stderr, recorded in the archive); 2 usage or fatal error (the database could not be opened or
written).";

const QUERY_HELP: &str = "\
Examples:
  embedvault query --search 'COVID-19 #Europawahl'      # words as typed, all required
  embedvault query --search 'верхнеозерск*'             # a prefix; ё/е, case and accents ignored
  embedvault query --fts --search 'border AND (migrants OR refugees)'
  embedvault query --platform x --since 2021-08 --until 2021
  embedvault query --handle realDonaldTrump --platform truthsocial
  embedvault query --source themirror --format csv > posts.csv
  embedvault query --format csv --sightings > sightings.csv  # one row per place seen

The table's # column is the archive's row number: `embedvault show 462`.

Exit codes: 0 success (also when nothing matches); 2 usage or fatal error (an unknown
platform, a bad date, a bad --fts expression, a missing or unreadable database).";

const SHOW_HELP: &str = "\
Examples:
  embedvault show 1427549064469262372             # a post ID
  embedvault show https://x.com/GpkGovBY/status/1427549064469262372
  embedvault show 462                             # the archive's row (the # column of query)
  embedvault show '#462' --format json            # the row, even where 462 is also a post ID

Exit codes: 0 shown; 1 no such post (the closest are suggested); 2 usage or fatal error (a
number that names two posts, a missing or unreadable database).";

const STATS_HELP: &str = "\
Examples:
  embedvault stats
  embedvault stats --db 2021.db --format json | jq .by_platform

Exit codes: 0 success; 2 a missing or unreadable database.";

const COMPLETIONS_HELP: &str = "\
Examples:
  embedvault completions bash > ~/.local/share/bash-completion/completions/embedvault
  embedvault completions zsh > ~/.zfunc/_embedvault       # with fpath+=(~/.zfunc)
  embedvault completions fish > ~/.config/fish/completions/embedvault.fish";

const MAN_HELP: &str = "\
Examples:
  embedvault man > embedvault.1 && man ./embedvault.1
  embedvault man query | man -l -                 # one subcommand's page
  sudo embedvault man > /usr/local/share/man/man1/embedvault.1";

/// Finds social-media posts embedded in article HTML and text, with exact provenance.
#[derive(Debug, Parser)]
#[command(name = "embedvault", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour in tables and messages: auto (on a terminal, unless NO_COLOR is set), always,
    /// never.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    color: ColorChoice,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set to something.
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

/// The colour choice of this run, set once by [`run`].
static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

/// Whether to colour what goes to a stream that is (or is not) a terminal.
fn colour_for(terminal: bool) -> bool {
    match COLOR.get().copied().unwrap_or(ColorChoice::Auto) {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Whether standard output is coloured.
fn colour_stdout() -> bool {
    colour_for(std::io::stdout().is_terminal())
}

/// Whether standard error is coloured.
fn colour_stderr() -> bool {
    colour_for(std::io::stderr().is_terminal())
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find posts in files, folders (recursive) or standard input (`-`) and print one record per post.
    #[command(after_help = SCAN_HELP)]
    Scan(ScanArgs),
    /// Find posts and archive them, with provenance, into a SQLite database.
    #[command(after_help = ARCHIVE_HELP)]
    Archive(ArchiveArgs),
    /// Store scan results made elsewhere (a Spark job's Parquet dataset, JSON lines) in the
    /// archive, as `archive` stores what it scans.
    #[command(after_help = IMPORT_HELP)]
    Import(ImportArgs),
    /// Query the archive: filter posts and print them with every sighting.
    #[command(after_help = QUERY_HELP)]
    Query(QueryArgs),
    /// Show one post (by post ID, post URL or row number) with every sighting and its raw fragment.
    #[command(after_help = SHOW_HELP)]
    Show(ShowArgs),
    /// Summarise the archive: posts by platform, kind and form, top handles, sources, runs.
    #[command(after_help = STATS_HELP)]
    Stats(StatsArgs),
    /// Write the archive (or the posts the filters select) as one self-contained HTML page:
    /// an overview and a card per post with every sighting, searchable offline.
    #[command(after_help = REPORT_HELP)]
    Report(ReportArgs),
    /// Write the archive (or the posts the filters select) as records for other tools: JSON
    /// lines, one JSON array or CSV, one record per post or one per sighting.
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output: the whole command, or one subcommand.
    #[command(after_help = MAN_HELP)]
    Man(ManArgs),
}

const EXPORT_HELP: &str = "\
Examples:
  embedvault export > archive.jsonl                  # every post, embeds and mentions
  embedvault export --format csv --sightings > sightings.csv
  embedvault export --format json --platform twitter --since 2021 > twitter.json

A post record is the one `query --format jsonl` writes (the record, its sightings and its
archive_id). With --sightings each record is one place a post was seen: the post's fields, its
archive_id, `source` set to that sighting's provenance, and the whole sighting under `sighting`.
CSV quotes every cell (IDs stay text) and neutralises cells a spreadsheet would run as formulas
(see --csv-raw).

Exit codes: 0 written; 2 a missing or unreadable database.";

/// Output formats for `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// CSV with a header, every cell quoted.
    Csv,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    filter: FilterArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormat,
    /// One record per sighting instead of one per post.
    #[arg(long)]
    sightings: bool,
    /// With --format csv, write every cell exactly as stored (see `query --help`).
    #[arg(long)]
    csv_raw: bool,
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
struct ManArgs {
    /// A subcommand whose page to print (scan, archive, query, show, stats, report…).
    #[arg(value_name = "SUBCOMMAND")]
    subcommand: Option<String>,
}

/// `embedvault completions SHELL`: the script, generated from the clap definitions.
fn completions(a: CompletionsArgs) -> anyhow::Result<Exit> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(a.shell, &mut cmd, "embedvault", &mut out);
    std::io::Write::flush(&mut out)?;
    Ok(Exit::Ok)
}

/// `embedvault man [SUBCOMMAND]`: a roff page generated from the clap definitions.
fn man(a: ManArgs) -> anyhow::Result<Exit> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let page = match &a.subcommand {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            let Some(sub) = cmd.find_subcommand(name).cloned() else {
                anyhow::bail!(
                    "no subcommand {name:?}; the subcommands are: {}",
                    names.join(", ")
                );
            };
            sub.display_name(format!("embedvault-{name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(page).render(&mut out)?;
    std::io::Write::flush(&mut out)?;
    Ok(Exit::Ok)
}

const REPORT_HELP: &str = "\
Examples:
  embedvault report                              # every embed, to report.html
  embedvault report -o twitter.html --platform twitter --since 2021
  embedvault report --kind all -o - > all.html   # embeds and mentions, to stdout

The page needs no network and no server: open it from a disk or a USB stick. Filter and sort
in the page; its address (after #) keeps the filter, so a view can be shared.

Exit codes: 0 written; 2 a missing or unreadable database, or the page could not be written.";

#[derive(Debug, clap::Args)]
struct ReportArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    filter: FilterArgs,
    /// Where to write the page (`-` for standard output).
    #[arg(short, long, value_name = "FILE", default_value = "report.html")]
    output: PathBuf,
}

/// The database option shared by the archive commands.
#[derive(Debug, clap::Args)]
struct DbArg {
    /// The archive database.
    #[arg(
        long,
        value_name = "FILE",
        env = "EMBEDVAULT_DB",
        default_value = "embedvault.db"
    )]
    db: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ArchiveArgs {
    /// Files, folders, web archives (.warc, .warc.gz, .wacz), http(s) URLs, or `-` for standard
    /// input. Without any, standard input is read when it is not a terminal.
    #[arg(value_name = "PATH|URL|-")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    fetch: FetchArgs,
    /// Skip inputs larger than this (after decompression), with a note. A number of bytes, or
    /// with a unit: k, M, G, T are powers of 1000 (500k = 500000), Ki, Mi, Gi, Ti powers of
    /// 1024 (128Mi = 134217728); a trailing B is allowed (128MiB, 2GB), as is a fraction
    /// (1.5G).
    #[arg(long, value_name = "SIZE", default_value = "128MiB", value_parser = parse_size)]
    max_input: u64,
    /// Most inputs per transaction (1 to 65536); smaller batches are written whenever the writer
    /// has caught up with the scanning or the run waits for an input.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = bounded(1, 65_536))]
    batch: usize,
    /// Threads reading and scanning inputs: 1 to 256, or 0 for one per core. Results do not
    /// depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = bounded(0, MAX_THREADS))]
    threads: usize,
    /// The most time detection may take on one input; an input over it is skipped and named
    /// (nothing from it is kept). Seconds, or with a unit: 90s, 2m, 1h; 0 for no limit.
    /// Detection is linear in the input: a real page takes milliseconds.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    time_limit: std::time::Duration,
    /// In folders, read only files matching this glob (matched against the path and the
    /// name; repeat for more): --glob '*.html' --glob '2021/**'. Files named on their own are
    /// always read.
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    glob: Vec<String>,
    /// In folders, read only files with this extension (any case; repeat or separate with
    /// commas): --ext html,htm,txt.gz. With --glob, a file matching either is read.
    #[arg(long, value_name = "EXT")]
    ext: Vec<String>,
    #[command(flatten)]
    talk: Talk,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// Parquet files, JSON lines files, folders holding them, or `-` for JSON lines on standard
    /// input.
    #[arg(value_name = "PATH|-", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArg,
    /// Inputs per transaction (1 to 65536).
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = bounded(1, 65_536))]
    batch: usize,
    #[command(flatten)]
    talk: Talk,
}

/// How much a run says on stderr, shared by `scan`, `archive` and `import`.
#[derive(Debug, Clone, Copy, clap::Args)]
struct Talk {
    /// Print nothing but errors: no progress, no notes, no summary.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Name every skipped file (binary files are otherwise counted in one line).
    #[arg(short, long)]
    verbose: bool,
}

/// The reason the library gives for a binary file's skip starts so (see `discover`).
const BINARY_SKIP: &str = "binary file";

/// Reports skipped inputs as `talk` asks: binary files counted in one line (each named with
/// `-v`), every other skip named with its reason; nothing with `-q`.
fn report_skips<'a>(talk: Talk, skipped: impl IntoIterator<Item = (&'a str, &'a str)>) {
    if talk.quiet {
        return;
    }
    let mut binary = 0usize;
    for (input, why) in skipped {
        if why.starts_with(BINARY_SKIP) && !talk.verbose {
            binary += 1;
        } else {
            messages::note(format!("skipped {input}: {why}"));
        }
    }
    if binary > 0 {
        messages::note(format!(
            "skipped {binary} binary file(s), not articles (-v names them)"
        ));
    }
}

/// A glob for --glob, checked when the command line is read.
fn parse_glob(s: &str) -> Result<String, String> {
    globset::Glob::new(s)
        .map(|_| s.to_string())
        .map_err(|e| format!("{s:?} is not a glob: {}", e.kind()))
}

/// Where URLs come from and how they are fetched, shared by `scan` and `archive`.
#[derive(Debug, clap::Args)]
struct FetchArgs {
    /// Read URLs from FILE, one per line (`-` for standard input); blank lines and lines
    /// starting with # are ignored.
    #[arg(long, value_name = "FILE")]
    urls: Option<PathBuf>,
    /// The article's URL for standard input (`-`).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Also write what was fetched to FILE as a WARC (request and response records, one gzip
    /// member each), the format web archivists read.
    #[arg(long, value_name = "FILE")]
    warc_out: Option<PathBuf>,
    /// The longest one request may take, body included.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    timeout: std::time::Duration,
    /// The longest opening a connection may take.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    connect_timeout: std::time::Duration,
    /// Tries after a timeout, 429 or 5xx (with backoff, honouring Retry-After).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=20))]
    retries: u32,
    /// The largest page accepted (as received and decoded); larger ones fail by name.
    #[arg(long, value_name = "SIZE", default_value = "32MiB", value_parser = parse_size)]
    max_page_size: u64,
    /// At most N requests at once to one host.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = bounded(1, 64))]
    per_host: usize,
    /// At least this long between two requests to one host.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration)]
    host_delay: std::time::Duration,
    /// At most N requests at once in all.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = bounded(1, 256))]
    concurrency: usize,
    /// The User-Agent header [default: embedvault/VERSION].
    #[arg(long, value_name = "TEXT")]
    user_agent: Option<String>,
}

/// Whether a command-line argument is a URL to fetch rather than a path.
fn is_url(arg: &std::path::Path) -> bool {
    arg.to_str().is_some_and(|s| {
        let l = s.get(..8).unwrap_or(s).to_ascii_lowercase();
        l.starts_with("http://") || l.starts_with("https://")
    })
}

/// The inputs of `scan` and `archive`: paths and URLs as given (URLs after paths), URLs from
/// `--urls`, and standard input when nothing is given and it is piped.
fn inputs(args: Vec<PathBuf>, f: FetchArgs) -> anyhow::Result<embedvault::Inputs> {
    use std::io::Read;
    let (url_args, paths): (Vec<PathBuf>, Vec<PathBuf>) = args.into_iter().partition(|a| is_url(a));
    let mut urls: Vec<String> = url_args
        .iter()
        .filter_map(|u| u.to_str().map(str::to_string))
        .collect();
    if let Some(list) = &f.urls {
        let text = if list.as_os_str() == "-" {
            let mut t = String::new();
            std::io::stdin().read_to_string(&mut t)?;
            t
        } else {
            std::fs::read_to_string(list)
                .map_err(|e| anyhow::anyhow!("cannot read --urls {}: {e}", list.display()))?
        };
        urls.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    let paths = if paths.is_empty() && (!urls.is_empty() || f.urls.is_some()) {
        paths
    } else {
        paths_or_stdin(paths)?
    };
    let mut fetch = embedvault::fetch::FetchOptions {
        timeout: f.timeout,
        connect_timeout: f.connect_timeout,
        retries: f.retries,
        max_size: f.max_page_size,
        per_host: f.per_host,
        delay: f.host_delay,
        concurrency: f.concurrency,
        ..embedvault::fetch::FetchOptions::default()
    };
    if let Some(ua) = f.user_agent {
        fetch.user_agent = ua;
    }
    Ok(embedvault::Inputs {
        paths,
        urls,
        fetch,
        warc_out: f.warc_out,
        stdin_url: f.url,
    })
}

/// Which posts by kind, on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KindArg {
    /// Posts embedded somewhere.
    Embed,
    /// Posts only linked to in prose.
    Mention,
    /// Both.
    All,
}

/// Output formats for query results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum QueryFormat {
    /// An aligned table.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// CSV with a header (every field quoted, so IDs stay text; cells a spreadsheet would run
    /// as a formula start with `'`, see --csv-raw).
    Csv,
}

/// The most `--threads` accepts: reading and scanning are bound by the cores and the disk long
/// before this (the library starts no more either).
const MAX_THREADS: u64 = 256;

/// A parser for a count between `min` and `max`, both included.
fn bounded(min: u64, max: u64) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(min..=max)
}

/// A size in bytes: a number, optionally with a fraction, and a unit. `k`, `M`, `G`, `T` (any
/// case) are powers of 1000, as in the SI; `Ki`, `Mi`, `Gi`, `Ti` are powers of 1024, as in IEC
/// 80000-13; either may end in `B`, and a bare `B` is bytes. A fraction is rounded down to whole
/// bytes. Values beyond 2⁶⁴−1 bytes are refused.
fn parse_size(s: &str) -> Result<u64, String> {
    let bad = |why: &str| format!("{s:?} is not a size: {why} (e.g. 5000000, 500k, 128MiB, 2G)");
    let t = s.trim();
    let digits_end = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits_end);
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(bad("no number"));
    }
    if frac.contains('.') {
        return Err(bad("two decimal points"));
    }
    let unit = unit.trim_start();
    let unit = if unit.eq_ignore_ascii_case("b") {
        ""
    } else {
        unit.strip_suffix(['B', 'b']).unwrap_or(unit)
    };
    let multiplier: u64 = match unit.to_ascii_lowercase().as_str() {
        "" => 1,
        "k" => 1000,
        "m" => 1000u64.pow(2),
        "g" => 1000u64.pow(3),
        "t" => 1000u64.pow(4),
        "ki" => 1 << 10,
        "mi" => 1 << 20,
        "gi" => 1 << 30,
        "ti" => 1 << 40,
        _ => {
            return Err(bad(
                "unknown unit (k M G T or Ki Mi Gi Ti, optionally with B)",
            ));
        }
    };
    let too_large = || bad("larger than 2^64-1 bytes");
    let whole: u64 = match whole {
        "" => 0,
        w => w.parse().map_err(|_| too_large())?,
    };
    let bytes = whole.checked_mul(multiplier).ok_or_else(too_large)?;
    // The fraction in exact integer arithmetic, rounded down (digits past the 18th dropped).
    let frac = frac.get(..18).unwrap_or(frac);
    let part = match frac {
        "" => 0,
        f => {
            let n = u128::from(f.parse::<u64>().map_err(|_| bad("bad fraction"))?);
            let exact = n * u128::from(multiplier) / 10u128.pow(f.len() as u32);
            u64::try_from(exact).map_err(|_| too_large())?
        }
    };
    let bytes = bytes.checked_add(part).ok_or_else(too_large)?;
    Ok(bytes)
}

/// A duration: seconds (a fraction allowed), or a number with `ms`, `s`, `m` or `h`. Zero means
/// no limit where a limit is asked for (see [`limit`]).
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("{s:?} is not a duration (e.g. 60, 90s, 2m, 1h; 0 for no limit)");
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: f64 = number.parse().map_err(|_| bad())?;
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    std::time::Duration::try_from_secs_f64(n * scale).map_err(|_| bad())
}

/// A limit given on the command line: zero is none.
fn limit(d: std::time::Duration) -> Option<std::time::Duration> {
    (!d.is_zero()).then_some(d)
}

/// `--since`: the first day of the period given.
fn parse_since(s: &str) -> Result<String, String> {
    embedvault::period(s).map(|(first, _)| first)
}

/// `--until`: the last day of the period given.
fn parse_until(s: &str) -> Result<String, String> {
    embedvault::period(s).map(|(_, last)| last)
}

/// `--platform`: a platform's name or alias, any case; anything else is a usage error that
/// lists the names there are.
fn parse_platform(s: &str) -> Result<String, String> {
    embedvault::platform_filter(s)
}

/// The filters that select posts, shared by `query` and `report`.
#[derive(Debug, clap::Args)]
struct FilterArgs {
    /// Only this platform: twitter, instagram, tiktok, facebook, youtube, bluesky, mastodon,
    /// threads, reddit, telegram, linkedin, vk, tumblr, or an alias (x, fb, ig, yt, tt, bsky,
    /// tg; truthsocial is mastodon on truthsocial.com), any case.
    #[arg(long, value_name = "NAME", value_parser = parse_platform)]
    platform: Option<String>,
    /// Only this author handle (with or without @, any case); a user@host handle (Mastodon,
    /// Truth Social) is found by its user part too.
    #[arg(long)]
    handle: Option<String>,
    /// Search text, handle and display name for these words, all required, whatever their case
    /// and diacritics (ё = е, й = и, ß = ss, é = e). Words are taken as typed: #hashtags,
    /// @handles, COVID-19, don't, U.S., pic.twitter.com; a word ending in * is a prefix
    /// (демократ*).
    #[arg(long, value_name = "WORDS")]
    search: Option<String>,
    /// Read --search as a full SQLite FTS5 expression: AND, OR, NOT, NEAR(), "phrases",
    /// prefix*, column:word (columns text, handle, display_name).
    #[arg(long, requires = "search")]
    fts: bool,
    /// Posts dated on or after the start of this year, month or day (YYYY, YYYY-MM, YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    since: Option<String>,
    /// Posts dated on or before the end of this year, month or day (YYYY, YYYY-MM, YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_until)]
    until: Option<String>,
    /// Posts seen in an input whose path or URL contains TEXT (any case).
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    /// Posts seen on a site whose name or host contains TEXT (any case).
    #[arg(long, value_name = "TEXT")]
    site: Option<String>,
    /// Embeds, mentions, or all [default: embed; for export: all].
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
}

impl FilterArgs {
    /// The library's filter, with at most `limit` posts; embeds only unless `--kind` says.
    fn filter(self, limit: Option<usize>) -> embedvault::Filter {
        self.filter_or(limit, KindArg::Embed)
    }

    /// The library's filter, with `kind` when `--kind` is not given.
    fn filter_or(self, limit: Option<usize>, kind: KindArg) -> embedvault::Filter {
        embedvault::Filter {
            platform: self.platform,
            handle: self.handle,
            search: self.search,
            fts: self.fts,
            since: self.since,
            until: self.until,
            source: self.source,
            site: self.site,
            kind: match self.kind.unwrap_or(kind) {
                KindArg::Embed => embedvault::KindFilter::Embed,
                KindArg::Mention => embedvault::KindFilter::Mention,
                KindArg::All => embedvault::KindFilter::All,
            },
            limit,
        }
    }
}

#[derive(Debug, clap::Args)]
struct QueryArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    filter: FilterArgs,
    /// At most N posts.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Output format [default: table on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    format: Option<QueryFormat>,
    /// With --format csv, write every cell exactly as stored. By default a cell that starts
    /// with = + - @, a tab or a carriage return (or the fullwidth ＝ ＋ － ＠), which a
    /// spreadsheet would run as a formula (a display name `=HYPERLINK(…)`), is written with a
    /// single quote `'` in front, as OWASP recommends against CSV injection. This applies to
    /// every column that can hold text from a page or a path (text, display_name, handle,
    /// date_text, lang, url, links, media, notes, path, source_url…), not to a post_id made
    /// only of ID characters (letters, digits, _ - . : /), so a YouTube or Instagram ID that
    /// starts with - stays exact.
    #[arg(long)]
    csv_raw: bool,
    /// With --format csv, one row per sighting instead of one per post: the post's columns,
    /// then where it was seen (path, source_url, sha256, start, end, line) and how
    /// (sighting, sighting_kind, sighting_form, sighting_detector, archived_at, run, charset,
    /// charset_rule, conflicts). Every cell is quoted, so IDs stay text in a spreadsheet.
    #[arg(long, requires = "format")]
    sightings: bool,
}

/// Output formats for `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ShowFormat {
    /// Fields and sightings for reading.
    Text,
    /// Pretty JSON.
    Json,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// A post ID, a post URL, or the archive's row number (`462` or `#462`, as in the `#`
    /// column of `query`; a number that is also a post's ID must be written `#462`).
    #[arg(value_name = "ID|URL")]
    key: String,
    #[command(flatten)]
    db: DbArg,
    /// Output format [default: text on a terminal, json otherwise].
    #[arg(long, value_enum)]
    format: Option<ShowFormat>,
    /// Write the exact bytes of sighting N (default 1) to standard output, cut again from the
    /// file, the web-archive record or the kept page (checked against its SHA-256).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1")]
    raw: Option<usize>,
}

/// Output formats for `stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatsFormat {
    /// Tables for reading.
    Table,
    /// One JSON object.
    Json,
}

#[derive(Debug, clap::Args)]
struct StatsArgs {
    #[command(flatten)]
    db: DbArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: StatsFormat,
}

/// Output formats for records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
    /// An aligned table for reading.
    Table,
}

#[derive(Debug, clap::Args)]
struct ScanArgs {
    /// Files, folders, web archives (.warc, .warc.gz, .wacz), http(s) URLs, or `-` for standard
    /// input. Without any, standard input is read when it is not a terminal.
    #[arg(value_name = "PATH|URL|-")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    fetch: FetchArgs,
    /// Output format [default: table on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Skip inputs larger than this (after decompression), with a note. A number of bytes, or
    /// with a unit: k, M, G, T are powers of 1000 (500k = 500000), Ki, Mi, Gi, Ti powers of
    /// 1024 (128Mi = 134217728); a trailing B is allowed (128MiB, 2GB), as is a fraction
    /// (1.5G).
    #[arg(long, value_name = "SIZE", default_value = "128MiB", value_parser = parse_size)]
    max_input: u64,
    /// Threads reading and scanning inputs: 1 to 256, or 0 for one per core. Output order
    /// does not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = bounded(0, MAX_THREADS))]
    threads: usize,
    /// The most time detection may take on one input; an input over it is skipped and named
    /// (nothing from it is kept). Seconds, or with a unit: 90s, 2m, 1h; 0 for no limit.
    /// Detection is linear in the input: a real page takes milliseconds.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    time_limit: std::time::Duration,
    #[command(flatten)]
    talk: Talk,
    /// Instead of records, say for every place in each file where a platform's marker was
    /// seen what became of it: the post it is part of, or why it is not one (to report a
    /// missed or wrong post).
    #[arg(long)]
    explain: bool,
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let _ = COLOR.set(cli.color);
    let result = match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Archive(a) => archive::run(a),
        Command::Query(a) => query::run(a),
        Command::Show(a) => show::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Report(a) => report::run(a),
        Command::Export(a) => export::run(a),
        Command::Import(a) => import::run(a),
        Command::Completions(a) => completions(a),
        Command::Man(a) => man(a),
    };
    match result {
        Ok(Exit::Ok) => EXIT_OK,
        Ok(Exit::Partial) => EXIT_SOME_FAILED,
        Ok(Exit::Usage) => EXIT_FATAL,
        Err(e) if messages::is_closed_pipe(&e) => EXIT_OK,
        Err(e) => {
            messages::error(format!("{e:#}"));
            EXIT_FATAL
        }
    }
}

/// The paths to read: as given, or `-` when none are given and stdin is piped.
fn paths_or_stdin(paths: Vec<PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    if !paths.is_empty() {
        return Ok(paths);
    }
    if std::io::stdin().is_terminal() {
        anyhow::bail!("no input given (pass files, folders or `-` for standard input)");
    }
    Ok(vec![PathBuf::from("-")])
}

/// The output format: the one asked for, else one for reading on a terminal and one for
/// programs otherwise.
fn pick_format<F>(given: Option<F>, terminal: F, piped: F) -> F {
    given.unwrap_or(if std::io::stdout().is_terminal() {
        terminal
    } else {
        piped
    })
}

/// Opens the archive read-only.
fn open_read_only(db: &std::path::Path) -> anyhow::Result<embedvault::Archive> {
    Ok(embedvault::Archive::open_read_only(db)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_run_from_their_first_to_their_last_day() {
        for (given, since, until) in [
            ("2020", "2020-01-01", "2020-12-31"),
            ("2020-03", "2020-03-01", "2020-03-31"),
            ("2020-02", "2020-02-01", "2020-02-29"),
            ("2021-02", "2021-02-01", "2021-02-28"),
            ("2020-12", "2020-12-01", "2020-12-31"),
            ("2020-03-15", "2020-03-15", "2020-03-15"),
        ] {
            assert_eq!(parse_since(given).as_deref(), Ok(since), "{given}");
            assert_eq!(parse_until(given).as_deref(), Ok(until), "{given}");
        }
        for bad in [
            "",
            "20",
            "2020-3",
            "2020-13",
            "2020-02-30",
            "2020/03",
            "2020-03-15-1",
            "x",
        ] {
            let err = parse_since(bad).expect_err(bad);
            assert!(err.contains("YYYY-MM"), "{err}");
        }
    }

    #[test]
    fn sizes_with_units() {
        for (given, bytes) in [
            ("0", 0),
            ("5000", 5000),
            ("5000B", 5000),
            ("500k", 500_000),
            ("500K", 500_000),
            ("500kB", 500_000),
            ("1M", 1_000_000),
            ("2G", 2_000_000_000),
            ("2 GB", 2_000_000_000),
            ("1T", 1_000_000_000_000),
            ("1Ki", 1024),
            ("2KiB", 2048),
            ("128MiB", 134_217_728),
            ("128mib", 134_217_728),
            ("1GiB", 1 << 30),
            ("1.5KiB", 1536),
            ("1.5G", 1_500_000_000),
            (".5M", 500_000),
            ("1.2345B", 1),
        ] {
            assert_eq!(parse_size(given), Ok(bytes), "{given}");
        }
        assert_eq!(parse_size("128MiB"), Ok(embedvault::DEFAULT_MAX_INPUT));
        assert_eq!(parse_size("18446744073709551615"), Ok(u64::MAX));
        for bad in [
            "",
            "B",
            "-1",
            "+5",
            "1..5",
            "1.2.3",
            "12XB",
            "1e6",
            "bb",
            "5 bytes",
            "1MiBB",
            "18446744073709551616",
            "17179869184Gi",
            "20000000T",
            "1\u{1b}[2J",
        ] {
            let err = parse_size(bad).expect_err(bad);
            assert!(err.contains("is not a size"), "{bad}: {err}");
            assert!(!err.contains('\u{1b}'), "{err}");
        }
    }
}
