//! The command line through the real binary: formats, standard input, exit codes, missing
//! paths, binary files.

use crate::support::{json_lines, root, run, temp_dir};

const SEED: &str = "samples/twitter/seed-belarus-lithuania-border.txt";

#[test]
fn jsonl_is_the_default_when_stdout_is_not_a_terminal() {
    let out = run(&["scan", SEED], None);
    assert_eq!(out.status.code(), Some(0));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["handle"], "GpkGovBY");
    assert_eq!(recs[0]["source"]["path"], SEED);
    assert_eq!(recs[0]["source"]["line"], 11);
    // IDs are strings, never numbers.
    let out = run(&["scan", "samples/twitter/blockquote-modern.html"], None);
    let recs = json_lines(&out.stdout);
    assert!(recs[0]["post_id"].is_string());
}

#[test]
fn json_format_prints_one_array() {
    let out = run(&["scan", SEED, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(v[0]["date"], "2021-08-17");
    // No posts is still valid JSON.
    let out = run(
        &[
            "scan",
            "samples/negative/byline-like.txt",
            "--format",
            "json",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("empty array");
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn table_format_has_a_header_and_a_row_per_post() {
    let out = run(&["scan", SEED, "--format", "table"], None);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<_> = s.lines().collect();
    assert_eq!(lines.len(), 2, "{s}");
    assert!(lines[0].starts_with("PLATFORM"));
    assert!(lines[1].contains("@GpkGovBY") && lines[1].contains("2021-08-17"));
}

#[test]
fn standard_input_is_read_with_dash_and_when_no_path_is_given() {
    let bytes = std::fs::read(root().join(SEED)).expect("seed");
    for args in [&["scan", "-"][..], &["scan"][..]] {
        let out = run(args, Some(&bytes));
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let recs = json_lines(&out.stdout);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0]["source"]["path"], serde_json::Value::Null);
        assert_eq!(recs[0]["source"]["start"], 681);
    }
}

#[test]
fn a_missing_path_is_named_and_the_rest_still_scanned() {
    let out = run(&["scan", "no/such/file.html", SEED], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/file.html"), "{err}");
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn a_binary_file_is_skipped_with_a_note() {
    let dir = temp_dir("cli-binary");
    let png = dir.join("photo.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").expect("write");
    let html = dir.join("page.html");
    std::fs::copy(root().join("samples/twitter/blockquote-modern.html"), &html).expect("copy");
    let out = run(&["scan", dir.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("skipped 1 binary file(s)"), "{err}");
    assert_eq!(json_lines(&out.stdout).len(), 1);
    // Named with -v; nothing but the records with -q.
    let out = run(&["scan", dir.to_str().expect("utf-8 path"), "-v"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("photo.png") && err.contains("binary"), "{err}");
    let out = run(&["scan", dir.to_str().expect("utf-8 path"), "-q"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn a_corrupt_gzip_fails_that_input_only() {
    let dir = temp_dir("cli-badgz");
    std::fs::write(
        dir.join("a-broken.html.gz"),
        b"\x1f\x8b\x08\0\0\0\0\0\0\x03garbage",
    )
    .expect("write");
    std::fs::copy(root().join(SEED), dir.join("b-seed.txt")).expect("copy");
    let out = run(&["scan", dir.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a-broken.html.gz"), "{err}");
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let out = run(&["scan", "--format", "xml", SEED], None);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["frobnicate"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["scan", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Exit codes") && help.contains("some inputs failed"),
        "{help}"
    );
}

#[test]
fn folders_are_walked_recursively_in_sorted_order() {
    // A tree with nested and hidden folders; each file holds one post.
    let dir = temp_dir("cli-walk");
    let seed = std::fs::read(root().join(SEED)).expect("seed");
    for rel in [
        "b/inner/deeper/x.txt",
        "a.txt",
        "c/y.txt",
        "b/w.txt",
        ".hidden/z.txt",
        "c/.hidden.txt",
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, &seed).expect("write");
    }
    let out = run(&["scan", dir.to_str().expect("utf-8 path")], None);
    assert_eq!(out.status.code(), Some(0));
    let paths: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|r| r["source"]["path"].as_str().unwrap_or("").to_string())
        .map(|p| {
            p.strip_prefix(dir.to_str().unwrap_or(""))
                .unwrap_or(&p)
                .to_string()
        })
        .collect();
    assert_eq!(
        paths,
        ["/a.txt", "/b/inner/deeper/x.txt", "/b/w.txt", "/c/y.txt"]
    );
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    use std::io::Read;
    // The reader takes one line and goes away, as `| head -1` does.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_embedvault"))
        .args(["scan", "samples", "--threads", "1"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("finishes");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn explain_says_what_became_of_every_marker() {
    let page = "samples/negative/comments-and-rails.html";
    let out = run(&["scan", "--explain", page], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    // Every line names the file and line, the marker, and an outcome.
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with(page) && l.contains("  \""))
    );
    // The prose link is a mention; the sidebar feed is page chrome; the comment's URL is at
    // most a mention; the share button's intent link is no post.
    assert!(
        text.contains("mention: twitter 1535986527239762778"),
        "{text}"
    );
    assert!(text.contains("rejected: in page chrome"), "{text}");
    assert!(
        text.contains("mention: youtube Cm7Vide0Lnk") && text.contains("reader comments"),
        "{text}"
    );
    assert!(text.contains("not a post"), "{text}");
    // As JSON lines, with the byte span of each place.
    let out = run(&["scan", "--explain", "--format", "jsonl", SEED], None);
    let recs = json_lines(&out.stdout);
    assert!(recs.iter().any(|r| {
        r["outcome"]
            .as_str()
            .is_some_and(|o| o.starts_with("embed: twitter @GpkGovBY"))
            && r["start"] == 681
            && r["path"] == SEED
    }));
    // A folder is refused by name.
    let out = run(&["scan", "--explain", "samples/negative"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("samples/negative"));
}

/// Runs the real binary like [`run`], failing the test instead of hanging when it does not end
/// within `secs` seconds (a FIFO opened for reading blocks until a writer comes).
fn run_within(secs: u64, args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_embedvault"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    drop(child.stdin.take());
    let start = std::time::Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(secs) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("ends once killed");
            panic!(
                "{args:?} still running after {secs} s; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("the binary finishes")
}

/// Makes a FIFO with the system's `mkfifo`.
fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success(), "mkfifo {}", path.display());
}

#[test]
fn only_regular_files_are_read_fifos_sockets_and_devices_are_named_and_skipped() {
    let dir = temp_dir("cli-special");
    // Named on the command line: a FIFO, a device.
    let fifo = dir.join("named.fifo");
    mkfifo(&fifo);
    // Found in a folder: a page, a FIFO, links to devices, a socket.
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::copy(root().join(SEED), folder.join("a-seed.txt")).expect("copy");
    mkfifo(&folder.join("b-pipe.html"));
    std::os::unix::fs::symlink("/dev/zero", folder.join("c-zero.html")).expect("symlink");
    std::os::unix::fs::symlink("/dev/null", folder.join("d-null.txt")).expect("symlink");
    let _socket =
        std::os::unix::net::UnixListener::bind(folder.join("e-socket")).expect("binds a socket");
    let (fifo, folder) = (
        fifo.to_str().expect("utf-8"),
        folder.to_str().expect("utf-8"),
    );
    let out = run_within(10, &["scan", fifo, "/dev/null", folder]);
    let err = String::from_utf8_lossy(&out.stderr);
    // Skipped like a binary file: every regular file was read.
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(json_lines(&out.stdout).len(), 1, "{err}");
    for (name, what) in [
        ("named.fifo", "a FIFO"),
        ("/dev/null", "a character device"),
        ("b-pipe.html", "a FIFO"),
        ("c-zero.html", "a symbolic link to a character device"),
        ("d-null.txt", "a symbolic link to a character device"),
        ("e-socket", "a socket"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains("skipped") && l.contains(name) && l.contains(what)),
            "{name}: {err}"
        );
    }
    assert!(
        err.contains("1 input(s) scanned") && err.contains("6 skipped"),
        "{err}"
    );
    // `--explain` reads files itself and refuses the same.
    let out = run_within(10, &["scan", "--explain", fifo]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("named.fifo") && err.contains("FIFO"), "{err}");
    // The archive records them as skipped and finishes.
    let db = dir.join("special.db");
    let out = run_within(
        10,
        &["archive", folder, "--db", db.to_str().expect("utf-8")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("4 skipped") && err.contains("c-zero.html"),
        "{err}"
    );
}

/// Runs the binary through `sh` with its standard input closed.
fn run_with_stdin_closed(args: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec 0<&-; exec \"$0\" {args}"))
        .arg(env!("CARGO_BIN_EXE_embedvault"))
        .current_dir(root())
        .output()
        .expect("sh runs")
}

#[test]
fn a_closed_standard_input_is_a_named_failure_and_an_empty_one_an_empty_input() {
    for args in [
        "scan -",
        "scan",
        "scan --explain -",
        "scan - samples/twitter/blockquote-modern.html",
    ] {
        let out = run_with_stdin_closed(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args}: {err}");
        assert!(
            err.contains("<stdin>") && err.contains("standard input is closed"),
            "{args}: {err}"
        );
    }
    // The other input is still read.
    let out = run_with_stdin_closed("scan - samples/twitter/blockquote-modern.html");
    assert_eq!(json_lines(&out.stdout).len(), 1);
    // /dev/null is what a closed standard input becomes: the same failure.
    let out = run(&["scan", "-"], None);
    assert_eq!(out.status.code(), Some(1));
    // An empty pipe is an empty input, read, and the summary says 0 bytes.
    let out = run(&["scan", "-"], Some(b""));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("1 input(s) scanned (0 bytes)"), "{err}");
    let db = temp_dir("cli-empty-stdin").join("e.db");
    let out = run(
        &["archive", "-", "--db", db.to_str().expect("utf-8")],
        Some(b""),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("1 input(s) seen (0 bytes)"), "{err}");
}

#[test]
fn gzip_with_trailing_zero_padding_is_read_and_other_trailing_bytes_fail() {
    use std::io::Write;
    let seed = std::fs::read(root().join(SEED)).expect("seed");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&seed).expect("compresses");
    let member = e.finish().expect("finishes");
    let dir = temp_dir("cli-gz-padding");
    // Padded with NULs to a 4 KiB block, as tape and dd tools leave it; `gzip -t` accepts it.
    let mut padded = member.clone();
    padded.resize(member.len().next_multiple_of(4096) + 4096, 0);
    let mut garbage = member.clone();
    garbage.extend_from_slice(b"\0\0\nnot gzip\n");
    std::fs::write(dir.join("a-padded.txt.gz"), &padded).expect("write");
    std::fs::write(dir.join("b-garbage.txt.gz"), &garbage).expect("write");
    // Where gzip is installed, it agrees: padding is clean, garbage is not (status 2, a warning).
    for (name, clean) in [("a-padded.txt.gz", true), ("b-garbage.txt.gz", false)] {
        if let Ok(st) = std::process::Command::new("gzip")
            .arg("-tq")
            .arg(dir.join(name))
            .status()
        {
            assert_eq!(st.success(), clean, "gzip -t {name}");
        }
    }
    let out = run(&["scan", dir.to_str().expect("utf-8")], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1, "{err}");
    assert!(
        recs[0]["source"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("a-padded.txt.gz"))
    );
    // The span is the same as in the plain file's bytes: padding is not part of the input.
    assert_eq!(recs[0]["source"]["start"], 681);
    assert_eq!(
        recs[0]["source"]["sha256"],
        json_lines(&run(&["scan", SEED], None).stdout)[0]["source"]["sha256"]
    );
    assert!(
        err.lines()
            .any(|l| l.contains("b-garbage.txt.gz") && l.contains("trailing garbage")),
        "{err}"
    );
    assert!(!err.contains("a-padded"), "{err}");
}

#[test]
fn a_page_with_stray_nul_bytes_is_read_and_real_binaries_are_skipped_by_name() {
    let dir = temp_dir("cli-nul");
    let page = std::fs::read(root().join("samples/twitter/blockquote-modern.html")).expect("page");
    let at = |needle: &[u8]| {
        page.windows(needle.len())
            .position(|w| w == needle)
            .expect("in the page")
    };
    // A NUL in the head and another in the post's text; the same page without its extension.
    let (head, text) = (at(b"<body"), at(b"All eleven") + 3);
    let mut with_nuls = page.clone();
    with_nuls.insert(text, 0);
    with_nuls.insert(head, 0);
    std::fs::write(dir.join("a-page.html"), &with_nuls).expect("write");
    std::fs::write(dir.join("b-saved-page"), &with_nuls).expect("write");
    // Binaries: a signature, and noise named as a page.
    std::fs::write(dir.join("c-photo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    std::fs::write(dir.join("d-noise.html"), &noise).expect("write");
    let out = run(&["scan", dir.to_str().expect("utf-8"), "-v"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2, "{err}");
    // The spans cut the embed out of the file's bytes, NULs and all.
    let (start, end) = (
        at(b"<blockquote"),
        at(b"</blockquote>") + "</blockquote>".len(),
    );
    for r in &recs {
        assert_eq!(r["handle"], "tidewater_srv");
        assert_eq!(r["source"]["start"], start + 1);
        assert_eq!(r["source"]["end"], end + 2);
        assert!(r["text"].as_str().is_some_and(|t| t.contains("gauges")));
    }
    // Each skip is named, with the reason, and counted.
    for name in ["c-photo.png", "d-noise.html"] {
        assert!(
            err.lines()
                .any(|l| l.contains("skipped") && l.contains(name) && l.contains("binary")),
            "{name}: {err}"
        );
    }
    assert!(err.contains("2 skipped"), "{err}");
}

#[test]
fn thread_batch_size_and_limit_arguments_are_bounded_and_checked() {
    let db = temp_dir("cli-bounds").join("b.db");
    let db = db.to_str().expect("utf-8");
    for args in [
        &["scan", SEED, "--threads", "18446744073709551615"][..],
        &["scan", SEED, "--threads", "4611686018427387904"],
        &["scan", SEED, "--threads", "257"],
        &["scan", SEED, "--threads=-1"],
        &[
            "archive",
            SEED,
            "--db",
            db,
            "--batch",
            "18446744073709551615",
        ],
        &["archive", SEED, "--db", db, "--batch", "0"],
        &["scan", SEED, "--max-input", "12XB"],
        &["scan", SEED, "--max-input=-1"],
        &["scan", SEED, "--max-input", "17179869184GiB"],
    ] {
        let out = run(args, None);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("invalid value"), "{args:?}: {err}");
    }
    for threads in ["0", "1", "256"] {
        let out = run(&["scan", SEED, "--threads", threads], None);
        assert_eq!(out.status.code(), Some(0), "{threads}");
        assert_eq!(json_lines(&out.stdout).len(), 1);
    }
    // Sizes take units: k is 1000, Ki is 1024.
    let dir = temp_dir("cli-sizes");
    let page = dir.join("page.txt");
    std::fs::write(&page, vec![b'a'; 1500]).expect("write");
    let page = page.to_str().expect("utf-8");
    for (cap, skipped) in [
        ("1k", true),
        ("1.5k", false),
        ("1KiB", true),
        ("2KiB", false),
    ] {
        let out = run(&["scan", page, "--max-input", cap], None);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{cap}: {err}");
        assert_eq!(err.contains("1 skipped"), skipped, "{cap}: {err}");
    }
    let out = run(&["scan", page, "--max-input", "1KiB"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("over the 1024-byte input cap"));
    // --limit: never a crash, whatever the number.
    let out = run(&["archive", SEED, "--db", db], None);
    assert_eq!(out.status.code(), Some(0));
    for limit in ["0", "1", "9223372036854775807", "18446744073709551615"] {
        let out = run(&["query", "--db", db, "--limit", limit], None);
        assert_ne!(out.status.code(), Some(101), "{limit}");
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{limit}"
        );
    }
}

#[test]
fn a_run_that_cannot_start_its_threads_still_reads_everything_in_order() {
    // An unprivileged user's process limit stops threads from starting: with 1 the walker
    // cannot start, with 2 no worker can, with 3 one can. Needs root to switch users.
    let bin = env!("CARGO_BIN_EXE_embedvault");
    let as_nobody = |nproc: &str| {
        std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "prlimit",
            ])
            .arg(format!("--nproc={nproc}"))
            .args([bin, "scan", "samples/twitter", "--threads", "8"])
            .current_dir(root())
            .output()
    };
    match as_nobody("100") {
        Ok(out) if out.status.success() => {}
        // No setpriv/prlimit, or not allowed to switch users: nothing to check here.
        _ => return,
    }
    let expected = run(&["scan", "samples/twitter", "--threads", "1"], None).stdout;
    assert!(!expected.is_empty());
    for nproc in ["1", "2", "3"] {
        let out = as_nobody(nproc).expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "nproc {nproc}: {err}");
        assert!(out.stdout == expected, "nproc {nproc}: {err}");
    }
}

/// The control characters in `out` other than newline and tab: what could act on a terminal.
fn controls(out: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(out)
        .chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .collect()
}

#[test]
fn control_characters_from_pages_and_file_names_never_reach_the_terminal() {
    let dir = temp_dir("cli-controls");
    let page = std::fs::read_to_string(root().join("samples/twitter/blockquote-modern.html"))
        .expect("page");
    // Raw ESC sequences (colour, OSC 0 title, OSC 8 link, OSC 52 clipboard), the same written as
    // `&#27;`, a bare carriage return, a C1 CSI (U+009B) and a bell, in the text and the name.
    let text = "All \u{1b}[31meleven\u{1b}]0;pwned\u{7} &#27;[2J gauges \
                \u{1b}]8;;http://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ \
                \u{1b}]52;c;ZXZpbA==\u{7} are\rlive \u{9b}2J";
    let name = "Tide\u{1b}]0;x\u{7}water&#27;[1m Sur\rvey \u{9b}31m";
    let evil = page
        .replace("All eleven gauges are live", text)
        .replace("Tidewater Survey", name);
    assert_ne!(evil, page);
    // A page and a broken gzip whose file names hold an escape sequence and a newline.
    let page_path = dir.join("a-page\u{1b}]0;title\u{7}\u{9b}.html");
    std::fs::write(&page_path, &evil).expect("write");
    std::fs::write(
        dir.join("b-broken\u{1b}[2J\nembedvault: error: forged.html.gz"),
        b"\x1f\x8b\x08\0\0\0\0\0\0\x03garbage",
    )
    .expect("write");
    std::fs::write(dir.join("c-photo\u{1b}[5m.png"), b"\x89PNG\r\n\x1a\n\0\0").expect("write");
    let (dir_s, page_s) = (
        dir.to_str().expect("utf-8"),
        page_path.to_str().expect("utf-8"),
    );
    let db = dir.join("db\u{1b}]0;x\u{7}.sqlite");
    let db = db.to_str().expect("utf-8");
    let check = |what: &str, out: &std::process::Output| {
        assert_eq!(controls(&out.stdout), Vec::<char>::new(), "{what} stdout");
        assert_eq!(controls(&out.stderr), Vec::<char>::new(), "{what} stderr");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.lines().all(|l| l.starts_with("embedvault: ")),
            "{what}: a line not written by embedvault: {err}"
        );
        assert!(
            !err.lines()
                .any(|l| l.starts_with("embedvault: error: forged")),
            "{what}: a file name forged a message: {err}"
        );
    };
    // The page is read and its post found, fields as they are in the JSON.
    let out = run(&["scan", page_s, "--format", "jsonl"], None);
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert!(
        recs[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains('\u{1b}'))
    );
    assert!(
        recs[0]["display_name"]
            .as_str()
            .is_some_and(|t| t.contains('\u{9b}'))
    );
    let post_id = recs[0]["post_id"].as_str().expect("an ID").to_string();

    let out = run(&["scan", dir_s, "--format", "table"], None);
    assert_eq!(out.status.code(), Some(1));
    check("scan table", &out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("@tidewater_srv"));
    let out = run(&["scan", "--explain", page_s], None);
    check("explain", &out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("embed: twitter"));
    let out = run(&["archive", dir_s, "--db", db], None);
    assert_eq!(out.status.code(), Some(1));
    check("archive", &out);
    let out = run(&["query", "--db", db, "--format", "table"], None);
    assert_eq!(out.status.code(), Some(0));
    check("query table", &out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("@tidewater_srv"));
    let out = run(&["show", &post_id, "--db", db, "--format", "text"], None);
    assert_eq!(out.status.code(), Some(0));
    check("show", &out);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("display_name") && shown.contains("fragment"),
        "{shown}"
    );
    let out = run(&["show", "no\u{1b}[2Jsuch", "--db", db], None);
    assert_eq!(out.status.code(), Some(1));
    check("show missing", &out);
    let out = run(&["stats", "--db", db], None);
    assert_eq!(out.status.code(), Some(0));
    check("stats", &out);
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised_unless_raw() {
    let dir = temp_dir("cli-csv-formula");
    let page = std::fs::read_to_string(root().join("samples/twitter/blockquote-modern.html"))
        .expect("page");
    // A display name and a text that are formulas, and a YouTube ID that starts with `-`.
    let evil = page
        .replace(
            "Tidewater Survey 🌊",
            "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)",
        )
        .replace("All eleven gauges are live", "+1+cmd|' /C calc'!A0 gauges")
        .replace(
            "</article>",
            "<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/-dQw4w9WgXc\" \
             frameborder=\"0\" allowfullscreen></iframe>\n</article>",
        );
    std::fs::write(dir.join("page.html"), evil).expect("write");
    let db = dir.join("f.db");
    let db = db.to_str().expect("utf-8");
    let out = run(&["archive", dir.to_str().expect("utf-8"), "--db", db], None);
    assert_eq!(out.status.code(), Some(0));
    let rows = |raw: bool| {
        let mut args = vec!["query", "--db", db, "--format", "csv"];
        if raw {
            args.push("--csv-raw");
        }
        let out = run(&args, None);
        assert_eq!(out.status.code(), Some(0));
        let mut r = csv::Reader::from_reader(&out.stdout[..]);
        let header = r.headers().expect("header").clone();
        r.records()
            .map(|rec| {
                let rec = rec.expect("a row");
                header
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect::<std::collections::BTreeMap<_, _>>()
            })
            .collect::<Vec<_>>()
    };
    let safe = rows(false);
    let tweet = safe
        .iter()
        .find(|r| r["platform"] == "twitter")
        .expect("the tweet");
    assert_eq!(
        tweet["display_name"],
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert!(tweet["text"].starts_with("'+1+cmd|"), "{}", tweet["text"]);
    assert_eq!(tweet["post_id"], "1536750592617394181");
    let video = safe
        .iter()
        .find(|r| r["platform"] == "youtube")
        .expect("the video");
    assert_eq!(video["post_id"], "-dQw4w9WgXc");
    assert!(video["url"].starts_with("https://"));
    // No cell of the safe output starts like a formula, but a post ID.
    for r in &safe {
        for (k, v) in r {
            assert!(
                k == "post_id" || !v.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{k}: {v}"
            );
        }
    }
    let raw = rows(true);
    let tweet = raw
        .iter()
        .find(|r| r["platform"] == "twitter")
        .expect("the tweet");
    assert_eq!(
        tweet["display_name"],
        "=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert!(tweet["text"].starts_with("+1+cmd|"));
}
