//! The one place that writes to standard error: messages about inputs (skipped, failed),
//! summaries, and the error that ends a command, each with the `embedvault:` prefix and on one
//! line. Every message is cleaned of control characters (C0 including newlines and tabs, DEL,
//! C1) first, so a hostile file name or page text cannot act on the terminal or forge a line.

use std::fmt::Display;

/// The prefix of every message.
const PREFIX: &str = "embedvault";

/// A message about the run (a skip, a summary, a note).
pub(super) fn note(msg: impl Display) {
    eprintln!("{PREFIX}: {}", super::table::clean_line(&msg.to_string()));
}

/// An error about one input, or the error that ends a command (`error:` in red when colour
/// is on for standard error).
pub(super) fn error(msg: impl Display) {
    let label = if super::colour_stderr() {
        "\u{1b}[1;31merror:\u{1b}[0m"
    } else {
        "error:"
    };
    eprintln!(
        "{PREFIX}: {label} {}",
        super::table::clean_line(&msg.to_string())
    );
}

/// Whether an error is the reader of our output going away (`| head`): not an error to report.
pub(super) fn is_closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
