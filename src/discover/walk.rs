//! Expands command-line paths into files: folders recursively, sorted by name at every level,
//! hidden files and folders (names starting with `.`) skipped, symlinks followed.
//!
//! Every entry of a folder that is not a folder is named, whatever its type: FIFOs, sockets and
//! devices (or links to them) are not dropped here but handed on, so that [`super::read`] can
//! report each one by name and skip it without opening it.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Error, Result};

/// Expands `paths` in order. `Ok(None)` stands for standard input (`-`).
pub fn expand(paths: &[PathBuf]) -> impl Iterator<Item = Result<Option<PathBuf>>> + '_ {
    paths.iter().flat_map(|p| -> Box<dyn Iterator<Item = _>> {
        if p.as_os_str() == "-" {
            return Box::new(std::iter::once(Ok(None)));
        }
        match std::fs::metadata(p) {
            Err(source) => Box::new(std::iter::once(Err(Error::ReadInput {
                path: p.clone(),
                source,
            }))),
            Ok(m) if m.is_dir() => Box::new(walk_dir(p)),
            Ok(_) => Box::new(std::iter::once(Ok(Some(p.clone())))),
        }
    })
}

fn walk_dir(root: &Path) -> impl Iterator<Item = Result<Option<PathBuf>>> + use<> {
    WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|r| match r {
            // With links followed, a link's type is its target's.
            Ok(e) if e.file_type().is_dir() => None,
            Ok(e) => Some(Ok(Some(e.into_path()))),
            Err(e) => Some(Err(Error::Walk {
                path: e.path().map(Path::to_path_buf).unwrap_or_default(),
                message: e.to_string(),
            })),
        })
}
