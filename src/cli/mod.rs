//! The command line: clap types, dispatch, and all printing (only this module prints).
//!
//! Exit codes: 0 every input was read, 1 some inputs failed (the rest were still processed),
//! 2 usage or fatal error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

mod output;
mod scan;

/// Exit code: every input was read.
pub const EXIT_OK: u8 = 0;
/// Exit code: some inputs failed; the rest were processed.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit code: usage or fatal error.
pub const EXIT_FATAL: u8 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  every input was read
  1  some inputs failed (each is named on stderr; the rest were still processed)
  2  usage or fatal error

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
}

/// Output formats for records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
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
    /// Refuse inputs larger than this many bytes (after decompression).
    #[arg(long, value_name = "BYTES", default_value_t = embedvault::discover::DEFAULT_MAX_INPUT)]
    max_input: u64,
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Scan(a) => scan::run(a),
    }
}

/// The paths to read: as given, or `-` when none are given and stdin is piped.
fn paths_or_stdin(paths: Vec<PathBuf>) -> Option<Vec<PathBuf>> {
    if !paths.is_empty() {
        return Some(paths);
    }
    if std::io::stdin().is_terminal() {
        return None;
    }
    Some(vec![PathBuf::from("-")])
}

fn default_format(f: Option<Format>) -> Format {
    f.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    })
}
