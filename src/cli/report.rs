//! `embedvault report`: the archive as one self-contained HTML page.

use std::io::{self, Write};

use anyhow::Context;

use super::{Exit, ReportArgs, messages};

pub(super) fn run(a: ReportArgs) -> anyhow::Result<Exit> {
    let archive = super::open_read_only(&a.db.db)?;
    let report = archive.html_report(&a.filter.filter(None))?;
    if a.output.as_os_str() == "-" {
        let mut out = io::stdout().lock();
        out.write_all(report.html.as_bytes())?;
        out.flush()?;
    } else {
        // Written beside the target and renamed over it, so a reader never sees half a page
        // and a failed write leaves the old page.
        let name = a
            .output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let tmp = a
            .output
            .with_file_name(format!(".{}.tmp", name.as_deref().unwrap_or("report.html")));
        std::fs::write(&tmp, &report.html)
            .and_then(|_| std::fs::rename(&tmp, &a.output))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
            .with_context(|| format!("cannot write {}", a.output.display()))?;
        messages::note(format_args!(
            "wrote {} ({} posts, {} sightings, {:.1} MB)",
            a.output.display(),
            report.posts,
            report.sightings,
            report.html.len() as f64 / 1e6
        ));
    }
    Ok(Exit::Ok)
}
