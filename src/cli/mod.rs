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
mod messages;
mod output;
mod query;
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
}

const AFTER_HELP: &str = "\
Exit codes:
  0  every input was read (query, show, stats: success)
  1  some inputs failed (each is named on stderr; the rest were still processed); show: no such post
  2  usage or fatal error (a missing or unreadable database, a bad --search expression)

Data goes to stdout, messages to stderr.";

/// Finds social-media posts embedded in article HTML and text, with exact provenance.
#[derive(Debug, Parser)]
#[command(name = "embedvault", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find posts in files, folders (recursive) or standard input (`-`) and print one record per post.
    #[command(after_help = AFTER_HELP)]
    Scan(ScanArgs),
    /// Find posts and archive them, with provenance, into a SQLite database.
    #[command(after_help = AFTER_HELP)]
    Archive(ArchiveArgs),
    /// Query the archive: filter posts and print them with every sighting.
    #[command(after_help = AFTER_HELP)]
    Query(QueryArgs),
    /// Show one post (by post ID, post URL or `#N`) with every sighting and its raw fragment.
    #[command(after_help = AFTER_HELP)]
    Show(ShowArgs),
    /// Summarise the archive: posts by platform, kind and form, top handles, sources, runs.
    #[command(after_help = AFTER_HELP)]
    Stats(StatsArgs),
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
    /// Files, folders or `-` for standard input. Without any, standard input is read when it is not a terminal.
    #[arg(value_name = "PATH|-")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArg,
    /// Skip inputs larger than this many bytes (after decompression), with a note.
    #[arg(long, value_name = "BYTES", default_value_t = embedvault::DEFAULT_MAX_INPUT)]
    max_input: u64,
    /// Inputs per transaction.
    #[arg(long, value_name = "N", default_value_t = 256)]
    batch: usize,
    /// Threads reading and scanning inputs (0: one per core). Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
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
    /// CSV with a header (every field quoted, so IDs stay text).
    Csv,
}

fn parse_day(s: &str) -> Result<String, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.to_string())
        .map_err(|_| format!("{s:?} is not a date in the form YYYY-MM-DD"))
}

#[derive(Debug, clap::Args)]
struct QueryArgs {
    #[command(flatten)]
    db: DbArg,
    /// Only this platform (e.g. twitter).
    #[arg(long)]
    platform: Option<String>,
    /// Only this author handle (with or without @, any case).
    #[arg(long)]
    handle: Option<String>,
    /// Full-text search over text, handle and display name (SQLite FTS5 syntax).
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Posts dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    since: Option<String>,
    /// Posts dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    until: Option<String>,
    /// Posts seen in an input whose path or URL contains TEXT.
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    /// Embeds (default), mentions, or all.
    #[arg(long, value_enum, default_value = "embed")]
    kind: KindArg,
    /// At most N posts.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Output format [default: table on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    format: Option<QueryFormat>,
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
    /// A post ID, a post URL, or `#N` (the archive's row number).
    #[arg(value_name = "ID|URL")]
    key: String,
    #[command(flatten)]
    db: DbArg,
    /// Output format [default: text on a terminal, json otherwise].
    #[arg(long, value_enum)]
    format: Option<ShowFormat>,
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
    /// Files, folders or `-` for standard input. Without any, standard input is read when it is not a terminal.
    #[arg(value_name = "PATH|-")]
    paths: Vec<PathBuf>,
    /// Output format [default: table on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Skip inputs larger than this many bytes (after decompression), with a note.
    #[arg(long, value_name = "BYTES", default_value_t = embedvault::DEFAULT_MAX_INPUT)]
    max_input: u64,
    /// Threads reading and scanning inputs (0: one per core). Output order does not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Instead of records, say for every place in each file where a platform's marker was
    /// seen what became of it: the post it is part of, or why it is not one (to report a
    /// missed or wrong post).
    #[arg(long)]
    explain: bool,
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Archive(a) => archive::run(a),
        Command::Query(a) => query::run(a),
        Command::Show(a) => show::run(a),
        Command::Stats(a) => stats::run(a),
    };
    match result {
        Ok(Exit::Ok) => EXIT_OK,
        Ok(Exit::Partial) => EXIT_SOME_FAILED,
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
