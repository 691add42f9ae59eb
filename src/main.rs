//! The `embedvault` command: parses the command line and hands it to [`cli::run`].

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    ExitCode::from(cli::run(args))
}
