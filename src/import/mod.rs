//! import: scan results made elsewhere (a Spark job's Parquet dataset, JSON lines) → the inputs
//! the archive's writer takes, so they are stored as `archive` stores what it scans.
//!
//! Rows arrive one sighting at a time and in any order: a Parquet dataset partitioned by
//! platform holds the posts of one article in as many folders as there are platforms. They are
//! first staged in a temporary SQLite file of their own (so a crawl's worth of rows never has
//! to fit in memory), then read back grouped by input, in input order (a web archive's records
//! by file and offset), each input with its posts in document order. Identical rows (the same
//! file given twice, a partition read twice) are kept once.
//!
//! A file that cannot be read, or a row that is not one, is a failure named by file and line or
//! row; the other rows and files are still read.

mod jsonl;
mod parquet;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use crate::exchange::{InputInfo, RawFragment, Row, ScannedInput};
use crate::pipeline::Outcome;
use crate::post::Post;
use crate::store::Prepared;

/// A failure met while reading: (input as named, message).
pub(crate) type Failed = (String, String);

/// Rows staged for grouping, in a temporary SQLite file removed when this is dropped.
pub(crate) struct Staged {
    db: Connection,
    path: PathBuf,
    /// Files and rows that could not be read, in the order met.
    pub failures: Vec<Failed>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = self.path.as_os_str().to_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// What `import` reads: every named file, and in folders the files a Spark job or a user
/// writes (`.parquet`, `.jsonl`, `.ndjson`, `.json`, gzip-compressed or not), in sorted order,
/// leaving out the job's markers (`_SUCCESS`, hidden `.crc` files). `-` is standard input.
pub(crate) fn files(paths: &[PathBuf]) -> Vec<Result<PathBuf, Failed>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" || !p.is_dir() {
            out.push(Ok(p.clone()));
            continue;
        }
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() && wanted(e.path()) => found.push(e.into_path()),
                Ok(_) => {}
                Err(e) => out.push(Err((p.display().to_string(), e.to_string()))),
            }
        }
        if found.is_empty() {
            out.push(Err((
                p.display().to_string(),
                "no Parquet or JSON lines files in this folder".into(),
            )));
        }
        out.extend(found.into_iter().map(Ok));
    }
    out
}

fn wanted(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.starts_with('_') || name.starts_with('.') {
        return false;
    }
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".parquet", ".jsonl", ".ndjson", ".json"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Reads every row of `files` into a staging file.
pub(crate) fn stage(files: Vec<Result<PathBuf, Failed>>) -> crate::Result<Staged> {
    let path = std::env::temp_dir().join(format!(
        "embedvault-import-{}-{}.db",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let sql = |e| crate::Error::Sqlite {
        path: path.clone(),
        source: e,
    };
    let db = Connection::open(&path).map_err(sql)?;
    let mut staged = Staged {
        db,
        path: path.clone(),
        failures: Vec::new(),
    };
    staged
        .db
        .execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE TABLE rows (
                 input TEXT NOT NULL, sha256 TEXT NOT NULL,
                 sort_file TEXT NOT NULL, sort_entry TEXT NOT NULL, sort_offset INTEGER NOT NULL,
                 info TEXT NOT NULL, record TEXT, start INTEGER,
                 fragment BLOB, truncated INTEGER,
                 UNIQUE (input, sha256, record));
             BEGIN;",
        )
        .map_err(sql)?;
    for file in files {
        let file = match file {
            Ok(f) => f,
            Err(failed) => {
                staged.failures.push(failed);
                continue;
            }
        };
        let name = crate::store::shown_path(&file);
        let bytes = if file.as_os_str() == "-" {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map(|_| b)
        } else {
            std::fs::read(&file)
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                staged.failures.push((name, format!("cannot read it: {e}")));
                continue;
            }
        };
        let (db, failures) = (&staged.db, &mut staged.failures);
        let mut put = |row: Result<Row, Failed>| -> crate::Result<()> {
            match row {
                Ok(row) => put_row(db, &row).map_err(sql),
                Err(f) => {
                    failures.push(f);
                    Ok(())
                }
            }
        };
        if bytes.starts_with(parquet::MAGIC) {
            parquet::rows(&name, bytes, &mut put)?;
        } else {
            jsonl::rows(&name, &bytes, &mut put)?;
        }
    }
    staged.db.execute_batch("COMMIT;").map_err(sql)?;
    Ok(staged)
}

fn put_row(db: &Connection, row: &Row) -> rusqlite::Result<()> {
    let info = &row.input;
    let (file, entry, offset) = match &info.warc {
        Some(w) => (
            w.file.clone(),
            w.entry.clone().unwrap_or_default(),
            w.offset as i64,
        ),
        None => (info.input.clone(), String::new(), 0),
    };
    let record = row
        .record
        .as_ref()
        .map(|p| serde_json::to_string(p).unwrap_or_default());
    let fragment = match (&row.fragment, &row.fragment_hex) {
        (Some(text), _) => Some(text.as_bytes().to_vec()),
        (None, Some(h)) => hex::decode(h).ok(),
        (None, None) => None,
    };
    db.prepare_cached(
        "INSERT OR IGNORE INTO rows (input, sha256, sort_file, sort_entry, sort_offset, info,
             record, start, fragment, truncated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        info.input,
        info.sha256,
        file,
        entry,
        offset,
        serde_json::to_string(info).unwrap_or_default(),
        record,
        row.record.as_ref().map(|p| p.source.start as i64),
        fragment.as_deref().unwrap_or_default(),
        // A fragment that did not come with the row was not kept: it counts as cut.
        row.fragment_truncated || fragment.is_none(),
    ])?;
    Ok(())
}

impl Staged {
    /// How many inputs the staged rows hold.
    pub(crate) fn input_count(&self) -> u64 {
        self.db
            .query_row(
                "SELECT count(*) FROM (SELECT DISTINCT input, sha256 FROM rows)",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_or(0, |n| n as u64)
    }

    /// Every staged input, grouped and in input order, as the archive's writer takes it.
    pub(crate) fn inputs(
        &self,
        mut sink: impl FnMut(Outcome<Prepared>) -> crate::Result<()>,
    ) -> crate::Result<()> {
        let sql = |e| crate::Error::Sqlite {
            path: self.path.clone(),
            source: e,
        };
        let mut stmt = self
            .db
            .prepare(
                "SELECT input, sha256, info, record, fragment, truncated FROM rows
                 ORDER BY sort_file, sort_entry, sort_offset, input, sha256, start, rowid",
            )
            .map_err(sql)?;
        let mut rows = stmt.query([]).map_err(sql)?;
        let mut current: Option<(String, String, ScannedInput)> = None;
        while let Some(r) = rows.next().map_err(sql)? {
            let input: String = r.get(0).map_err(sql)?;
            let sha: String = r.get(1).map_err(sql)?;
            let same = current
                .as_ref()
                .is_some_and(|(i, s, _)| *i == input && *s == sha);
            if !same {
                if let Some((_, _, done)) = current.take() {
                    sink(Outcome::Read(crate::exchange::to_prepared(done)))?;
                }
                let info: String = r.get(2).map_err(sql)?;
                let info: InputInfo = serde_json::from_str(&info).unwrap_or_default();
                current = Some((
                    input,
                    sha,
                    ScannedInput {
                        info,
                        ..ScannedInput::default()
                    },
                ));
            }
            let record: Option<String> = r.get(3).map_err(sql)?;
            let Some(post) = record.and_then(|s| serde_json::from_str::<Post>(&s).ok()) else {
                continue;
            };
            if let Some((_, _, group)) = &mut current {
                group.posts.push(post);
                group.fragments.push(RawFragment {
                    bytes: r.get(4).map_err(sql)?,
                    truncated: r.get(5).map_err(sql)?,
                });
            }
        }
        if let Some((_, _, done)) = current {
            sink(Outcome::Read(crate::exchange::to_prepared(done)))?;
        }
        Ok(())
    }
}

/// The input a bare record (as `embedvault scan` writes it) was found in, from its `source`:
/// the web-archive record, the fetched URL, the path, or standard input. The version that
/// found it is not in the record.
pub(crate) fn info_of(post: &Post) -> InputInfo {
    let s = &post.source;
    let input = if let Some(w) = &s.warc {
        crate::discover::warc::record_name(Path::new(&w.file), w)
    } else if let Some(f) = &s.fetch {
        f.requested_url.clone()
    } else if let Some(p) = &s.path {
        std::path::absolute(p).map_or_else(|_| p.clone(), |a| crate::store::shown_path(&a))
    } else {
        "-".into()
    };
    InputInfo {
        input,
        path: s.warc.as_ref().map(|w| w.file.clone()).or(s.path.clone()),
        url: s.url.clone(),
        sha256: s.sha256.clone(),
        charset: s.charset.clone(),
        charset_rule: s.charset_rule.clone(),
        article: crate::article::Article {
            site: s.site.clone(),
            ..Default::default()
        },
        warc: s.warc.clone(),
        fetch: s.fetch.clone(),
        version: "unknown".into(),
        ..InputInfo::default()
    }
}
