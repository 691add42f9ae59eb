//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use embedvault::Post;
use embedvault::discover::{self, Item};

/// The crate's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Scans one file through the public library surface, with its path shown relative to the
/// crate root so that snapshots do not depend on where the checkout lives.
pub fn scan_file(path: &Path) -> (Vec<Post>, embedvault::scan::Scanned) {
    let item = discover::read_path(path, discover::Options::default());
    let Item::Input(mut input) = item else {
        panic!("{} did not read as an input: {item:?}", path.display());
    };
    let rel = path.strip_prefix(root()).unwrap_or(path).to_path_buf();
    input.origin.path = Some(rel);
    let scanned = embedvault::scan::scan(&input);
    (scanned.posts.clone(), scanned)
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

/// Asserts that the fast and the whole-document detection paths agree on an input.
pub fn assert_paths_agree(input: &embedvault::discover::Input, path: &Path) {
    use embedvault::decode::{DocKind, Sniff};
    let kind = if input.sniff == Sniff::Html {
        DocKind::Html
    } else {
        DocKind::Text
    };
    let doc = embedvault::decode::decode(&input.bytes, kind);
    let fast = embedvault::detect::detect(&doc.text, kind);
    let whole = embedvault::detect::detect_exhaustive(&doc.text, kind);
    let show = |posts: &[Post]| -> Vec<String> {
        posts
            .iter()
            .map(|p| {
                format!(
                    "{:?} {}",
                    p.span,
                    serde_json::to_string(p).expect("serialises")
                )
            })
            .collect()
    };
    assert_eq!(show(&fast), show(&whole), "{}", path.display());
}
