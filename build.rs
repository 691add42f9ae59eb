//! Tells the test suite whether the labelled corpora are beside the checkout, so that their
//! tests are reported as ignored (with the reason) rather than as passing when they are not.
//! Under CI (`CI` set) the tests always run: a missing corpus is a failure there.

use std::path::{Path, PathBuf};

/// (cfg name, environment variable, folder beside the checkout)
const CORPORA: &[(&str, &str, &str)] = &[
    ("corpus", "EMBEDVAULT_CORPUS", "corpus"),
    ("corpus2", "EMBEDVAULT_CORPUS2", "corpus2"),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CI");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let shared = root.join("../shared");
    // Watch the corpora (or the folder they would appear in) only where it exists: a missing
    // path would make the script, and every build after it, run again each time.
    if shared.is_dir() {
        println!("cargo::rerun-if-changed={}", shared.display());
    }
    // `cargo package` builds a copy of the crate under `target/package/`, where no corpus is
    // beside it, and writes its answer where the checkout's build keeps its own. A path that
    // never exists makes the checkout's next build run this script again rather than keep the
    // copy's answer (once: the checkout's own run does not print it).
    if root.ancestors().any(|a| a.ends_with("target/package")) {
        println!(
            "cargo::rerun-if-changed={}",
            root.join(".never-there").display()
        );
    }
    let ci = std::env::var_os("CI").is_some();
    for (cfg, env, folder) in CORPORA {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={env}");
        let dir = std::env::var_os(env).map_or_else(|| shared.join(folder), PathBuf::from);
        if ci || present(&dir) {
            println!("cargo::rustc-cfg={cfg}");
        }
        if let Some(p) = std::env::var_os(env) {
            let p = PathBuf::from(p);
            if p.is_dir() {
                println!("cargo::rerun-if-changed={}", p.display());
            }
        }
    }
}

fn present(dir: &Path) -> bool {
    dir.join("expected.jsonl").is_file()
}
