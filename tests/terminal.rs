//! The binary on a pseudo-terminal, as people see it: the progress line of an archive run, and
//! tables fitted to 80 and 120 columns. The terminal's size is set before the binary starts,
//! so it is the size the binary reads.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use expectrl::{Eof, Expect};
use unicode_width::UnicodeWidthStr;

use crate::support::{root, temp_dir};

/// Runs the binary with `args` on a terminal of `cols` columns (in `dir`) and returns all it
/// wrote there, standard output and standard error together, as the terminal received it.
fn on_terminal(dir: &Path, cols: u16, args: &[&str]) -> String {
    // The shell waits for a line before it starts the binary, so that the size is set (by
    // this side, after the terminal's own set-up) before the binary reads it.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("read _ && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_embedvault"))
        .args(args)
        .current_dir(dir)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR");
    let mut session = expectrl::Session::spawn(cmd).expect("a pseudo-terminal");
    session
        .get_process_mut()
        .set_window_size(cols, 50)
        .expect("the terminal's size");
    session.set_expect_timeout(Some(Duration::from_secs(120)));
    session.send_line("").expect("the go-ahead");
    let all = session.expect(Eof).expect("the binary ends");
    String::from_utf8_lossy(all.as_bytes()).into_owned()
}

/// What is left on screen line by line: escape sequences removed, each line the text after
/// its last carriage return.
fn screen_lines(raw: &str) -> Vec<String> {
    let plain = strip_escapes(raw);
    plain
        .split('\n')
        .map(|l| {
            l.rsplit('\r')
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// `s` without ANSI escape sequences (CSI and two-byte ones).
fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    out
}

/// The character that starts at display column `col` of `line`, if one does.
fn char_at(line: &str, col: usize) -> Option<char> {
    let mut at = 0;
    for c in line.chars() {
        if at == col {
            return Some(c);
        }
        at += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if at > col {
            return None;
        }
    }
    None
}

#[test]
fn archive_of_a_web_archive_measures_progress_in_the_files_bytes() {
    // Enough records for the line to be drawn several times during the run.
    let n = 1500;
    let dir = many_pages("terminal-warc", n);
    // The pages as one .warc.gz, one gzip member per record, a request before each response.
    let mut warc = Vec::new();
    for (i, page) in crate::support::files(&dir.join("pages")).iter().enumerate() {
        let url = format!("https://news.example/{i}");
        let request = format!("GET /{i} HTTP/1.1\r\nHost: news.example\r\n\r\n");
        warc.extend(crate::warc::gzip(&crate::warc::record(
            "request",
            Some(&url),
            "application/http; msgtype=request",
            request.as_bytes(),
            2 * i,
        )));
        let body = std::fs::read(page).unwrap();
        let block = crate::warc::http("Content-Type: text/html; charset=utf-8\r\n", &body);
        warc.extend(crate::warc::gzip(&crate::warc::record(
            "response",
            Some(&url),
            "application/http; msgtype=response",
            &block,
            2 * i + 1,
        )));
    }
    std::fs::write(dir.join("pages.warc.gz"), &warc).unwrap();
    let raw = on_terminal(
        &dir,
        120,
        &["archive", "pages.warc.gz", "--db", "w.db", "--threads", "1"],
    );
    let plain = strip_escapes(&raw);
    // Measured in the file's bytes: a share of its size, never more, while the inputs (its
    // records) are counted as they come.
    let of_total = format!(" of {}, ", indicatif::HumanBytes(warc.len() as u64));
    let lines: Vec<&str> = plain
        .split(['\r', '\n'])
        .filter(|l| l.contains(" inputs, ") && l.contains(&of_total))
        .collect();
    assert!(!lines.is_empty(), "no progress line in {raw:?}");
    let percents: Vec<u64> = lines
        .iter()
        .filter_map(|l| l.split('%').next()?.rsplit(' ').next()?.parse().ok())
        .collect();
    assert!(!percents.is_empty(), "{lines:?}");
    assert!(percents.iter().all(|p| *p <= 100), "{percents:?}");
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    // Past the start: the first records' bytes were counted before the run ended.
    assert!(percents.iter().any(|p| *p > 0 && *p < 100), "{percents:?}");
    let summary = screen_lines(&raw);
    assert!(
        summary
            .last()
            .is_some_and(|l| l.contains(&format!("{n} input(s) seen"))),
        "{summary:?}"
    );
}

/// A folder of `n` pages: the everyday fixtures over and over, under new names.
fn many_pages(name: &str, n: usize) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let pages = dir.join("pages");
    std::fs::create_dir_all(&pages).expect("dir");
    let fixtures = crate::support::files(&root().join("tests/fixtures/everyday"));
    for i in 0..n {
        let from = &fixtures[i % fixtures.len()];
        let ext = from.extension().and_then(|e| e.to_str()).unwrap_or("html");
        let mut bytes = std::fs::read(from).expect("fixture");
        // Each a different input (its own SHA-256), most holding a post already met.
        bytes.extend_from_slice(format!("\n<!-- page {i} -->\n").as_bytes());
        std::fs::write(pages.join(format!("page-{i:04}.{ext}")), bytes).expect("write");
    }
    dir
}

#[test]
fn archive_draws_progress_with_totals_on_a_terminal_and_tables_fit_80_and_120_columns() {
    let n = 600;
    let dir = many_pages("terminal", n);
    let raw = on_terminal(
        &dir,
        100,
        &["archive", "pages", "--db", "t.db", "--threads", "1"],
    );
    // The progress line over files: the share of their bytes done, the inputs so far, bytes
    // done of the total, posts, rate, ETA.
    let plain = strip_escapes(&raw);
    let total: u64 = crate::support::files(&dir.join("pages"))
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    let of_total = format!(" of {}, ", indicatif::HumanBytes(total));
    let progress = plain
        .split(['\r', '\n'])
        .rfind(|l| l.contains(" inputs, ") && l.contains(&of_total) && l.contains(" posts, "))
        .unwrap_or_else(|| panic!("no progress line in {raw:?}"));
    for part in ["%, ", " posts, ", "/s, ", "ETA "] {
        assert!(progress.contains(part), "{part:?} in {progress:?}");
    }
    assert!(!progress.contains(&format!("/{n}")), "{progress:?}");
    // It is cleared at the end: the summary is what stays.
    let lines = screen_lines(&raw);
    let last = lines.last().expect("a summary");
    assert!(last.contains(&format!("{} input(s) seen", n)), "{lines:?}");

    // The table takes the terminal's width, cut, never wrapped, aligned by display width.
    for cols in [80usize, 120] {
        let raw = on_terminal(
            &dir,
            cols as u16,
            &["query", "--db", "t.db", "--kind", "all"],
        );
        let lines = screen_lines(&raw);
        assert!(lines[0].starts_with("#  PLATFORM"), "{lines:?}");
        assert!(lines.len() > 4, "{lines:?}");
        for l in &lines {
            assert!(l.width() <= cols, "{cols}: {l:?} is {} wide", l.width());
        }
        assert!(lines.iter().any(|l| l.ends_with('…')), "{cols}: {lines:?}");
        // The text column starts at the same display column in every row.
        let header_text = lines[0].find("TEXT").expect("TEXT");
        let at = lines[0][..header_text].width();
        for l in &lines[1..] {
            assert_eq!(char_at(l, at - 1), Some(' '), "{cols}: {l:?}");
            assert!(char_at(l, at).is_some_and(|c| c != ' '), "{cols}: {l:?}");
        }
        // `stats` too, its long `user@host` handle included, with the counts in one column.
        let raw = on_terminal(&dir, cols as u16, &["stats", "--db", "t.db"]);
        let lines = screen_lines(&raw);
        for l in &lines {
            assert!(l.width() <= cols, "{cols}: {l:?} is {} wide", l.width());
        }
        let handles: Vec<&String> = lines
            .iter()
            .skip_while(|l| !l.starts_with("top handles"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .collect();
        assert!(
            handles.iter().any(|l| l.contains("@GradyPollockEastfield")),
            "{lines:?}"
        );
        let count_at = |l: &str| l.trim_end().rfind(' ').map(|i| l[..=i].width());
        let first = count_at(handles[0]);
        assert!(handles.iter().all(|l| count_at(l) == first), "{handles:?}");
        let raw = on_terminal(
            &dir,
            cols as u16,
            &["query", "--db", "t.db", "--kind", "all"],
        );
        let lines = screen_lines(&raw);
        // The widest row uses the room: a wider terminal shows more of the text.
        let widest = lines.iter().map(|l| l.width()).max().unwrap_or(0);
        assert!(widest > cols - 10, "{cols}: widest row {widest}");
    }
}
