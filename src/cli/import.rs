//! `embedvault import`: store scan results made elsewhere (a Spark job's Parquet dataset, JSON
//! lines), with a progress bar on a terminal and the same summary as `archive`.

use std::io::IsTerminal;

use embedvault::{Archive, ImportOptions, Progress};

use super::{Exit, ImportArgs};

pub(super) fn run(a: ImportArgs) -> anyhow::Result<Exit> {
    let mut archive = Archive::open(&a.db.db)?;
    let bar = (!a.talk.quiet && std::io::stderr().is_terminal()).then(super::archive::progress_bar);
    let opts = ImportOptions {
        batch: a.batch,
        args: std::env::args().skip(1).collect(),
    };
    let mut bytes = 0u64;
    let mut on_progress = |p: Progress| {
        bytes = p.bytes;
        if let Some(b) = &bar {
            b.set_length(p.total_inputs.max(p.inputs));
            b.set_position(p.inputs);
            b.set_message(format!("{} posts", p.posts));
        }
    };
    let result = archive.import(&a.paths, &opts, &mut on_progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    super::archive::summary("imported", &a.db.db, a.talk, &result?, bytes)
}
