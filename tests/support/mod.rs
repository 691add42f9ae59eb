//! Helpers shared by the integration tests: scanning sample files through the public API,
//! running the real binary, temporary folders.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use embedvault::{Post, ScanOptions, Scanned};

/// The crate's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bytes the offsets of a file's posts refer to: the file's, gzip undone.
pub fn input_bytes(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .expect("gzip sample decompresses");
        out
    } else {
        raw
    }
}

/// The path shown for a file: relative to the crate root, so that snapshots do not depend on
/// where the checkout lives.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Scans one file through the public library surface.
pub fn scan_file(path: &Path) -> (Vec<Post>, Scanned) {
    let bytes = std::fs::read(path).expect("readable");
    let opts = ScanOptions {
        path: Some(shown(path)),
        ..ScanOptions::default()
    };
    let scanned = embedvault::scan(&bytes, &opts);
    (scanned.posts.clone(), scanned)
}

/// Every file under `dir`, recursively, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The sample files (not the samples' README).
pub fn sample_files() -> Vec<PathBuf> {
    files(&root().join("samples"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect()
}

/// Runs the real binary with `args` (and optional standard input) in the crate root.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_embedvault"));
    cmd.args(args)
        .current_dir(root())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    if let Some(bytes) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(bytes).expect("stdin takes the bytes");
    }
    child.wait_with_output().expect("the binary finishes")
}

/// Parses JSON lines into values.
pub fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// A fresh temporary folder under the target directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Asserts that the fast and the whole-document detection paths agree on a file; returns how
/// many posts they found.
pub fn assert_paths_agree(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("readable");
    let fast = ScanOptions {
        path: Some(shown(path)),
        ..ScanOptions::default()
    };
    let whole = ScanOptions {
        exhaustive: true,
        ..fast.clone()
    };
    let a = embedvault::scan(&bytes, &fast);
    let b = embedvault::scan(&bytes, &whole);
    assert_eq!(a, b, "{}", path.display());
    a.posts.len()
}
pub mod browser;
