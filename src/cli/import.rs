//! `embedvault import`: store scan results made elsewhere (a Spark job's Parquet dataset, JSON
//! lines), with a progress bar on a terminal and the same summary as `archive`.

use embedvault::{Archive, ImportOptions, Progress};

use super::{Exit, ImportArgs};

pub(super) fn run(a: ImportArgs) -> anyhow::Result<Exit> {
    let mut archive = Archive::open(&a.db.db)?;
    let opts = ImportOptions {
        batch: a.batch,
        args: std::env::args().skip(1).collect(),
    };
    let message = |p: &Progress, _secs: f64| format!("{} posts", p.posts);
    let (result, bytes) = super::archive::with_progress(a.talk, false, message, |on_progress| {
        archive.import(&a.paths, &opts, on_progress)
    });
    super::archive::summary("imported", &a.db.db, a.talk, &result?, bytes)
}
