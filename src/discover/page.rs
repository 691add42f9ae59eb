//! Pages fetched from URLs as inputs: the fetcher's results in input order, each page written
//! to `--warc-out` as it comes, then opened on a worker (type checked, charset from
//! `Content-Type` kept for the transport rule).

use std::path::{Path, PathBuf};

use super::{Input, Origin, http};
use crate::decode::DocKind;
use crate::fetch::{FetchOptions, Fetched, WarcWriter};
use crate::pipeline::{Job, Outcome};
use crate::post::FetchInfo;

/// Fetches `urls` (see [`crate::fetch::fetch_all`]) and yields each as a job: a page to open,
/// or the failure of a URL named with its reason. With `warc_out`, every page is also written
/// there, and what a failed URL exchanged (redirects, an error answer); a WARC that cannot be
/// written is a failure named by its path, and fetching goes on.
pub(crate) fn fetch(
    urls: Vec<String>,
    opts: &FetchOptions,
    warc_out: Option<&Path>,
) -> impl Iterator<Item = Job> {
    let mut writer: Option<(PathBuf, WarcWriter<std::io::BufWriter<std::fs::File>>)> = None;
    let mut opening = warc_out.map(|p| match WarcWriter::create(p) {
        Ok(w) => {
            writer = Some((p.to_path_buf(), w));
            None
        }
        Err(e) => Some(warc_failure(p, &e)),
    });
    let first = opening.take().flatten();
    let mut fetches = crate::fetch::fetch_all(urls, opts);
    let mut pending: Option<Job> = None;
    let mut done = false;
    first.into_iter().chain(std::iter::from_fn(move || {
        if let Some(job) = pending.take() {
            return Some(job);
        }
        if done {
            return None;
        }
        match fetches.next() {
            Some((_, Ok(page))) => {
                if let Some((path, w)) = writer.as_mut()
                    && let Err(e) = w.write(&page)
                {
                    pending = Some(warc_failure(path, &e));
                    writer = None;
                }
                Some(Job::Page(Box::new(page)))
            }
            Some((url, Err(e))) => {
                if let Some((path, w)) = writer.as_mut()
                    && let Err(err) = w.write_failed(&e)
                {
                    pending = Some(warc_failure(path, &err));
                    writer = None;
                }
                Some(Job::Done(Outcome::Failed {
                    message: format!("{e}"),
                    input: url,
                }))
            }
            None => {
                done = true;
                let (path, w) = writer.take()?;
                w.finish().err().map(|e| warc_failure(&path, &e))
            }
        }
    }))
}

fn warc_failure(path: &Path, e: &std::io::Error) -> Job {
    let input = path.display().to_string();
    Job::Done(Outcome::Failed {
        message: format!("cannot write the WARC {input} (--warc-out): {e}"),
        input,
    })
}

/// A fetched page as an input.
pub(crate) fn open(page: Fetched, max_input: u64) -> Outcome<Input> {
    let name = page.requested.clone();
    if page.body.len() as u64 > max_input {
        return Outcome::Skipped {
            input: name,
            reason: format!(
                "its {} bytes are over the {max_input}-byte input cap (raise it with --max-input)",
                page.body.len()
            ),
        };
    }
    let media = page
        .content_type
        .as_deref()
        .map(http::media_type)
        .unwrap_or_default();
    let kind = match media.as_str() {
        "text/html" | "application/xhtml+xml" => Some(DocKind::Html),
        "text/markdown" | "text/x-markdown" => Some(DocKind::Markdown),
        _ => None,
    };
    let kind = match kind.or_else(|| {
        let hint = (media == "text/plain").then_some("page.txt");
        super::kind_of(super::sniff::sniff(&page.body, hint))
    }) {
        Some(k) => k,
        None => {
            return Outcome::Skipped {
                input: name,
                reason: "the page is binary, not an article".into(),
            };
        }
    };
    let served = page
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .or_else(|| page.content_type.clone());
    let info = FetchInfo {
        requested_url: page.requested,
        final_url: page.final_url.clone(),
        redirects: page.redirects,
        status: page.status,
        content_type: served,
        fetched_at: page
            .fetched_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    Outcome::Read(Input {
        bytes: page.body,
        origin: Origin {
            path: None,
            gzip: false,
            url: Some(page.final_url),
            charset: page.charset,
            warc: None,
            fetch: Some(Box::new(info)),
        },
        kind,
    })
}
