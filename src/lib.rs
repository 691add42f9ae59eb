//! embedvault finds social-media posts embedded in news articles, in their HTML and in text
//! where the embed was flattened, and reports each with exact provenance.
//!
//! The pipeline, one module per stage:
//!
//! 1. discover: paths (files, folders, `-`) → inputs: bytes + origin, gzip undone, HTML or text.
//! 2. decode: bytes → text, choosing the charset (BOM, `<meta>`, detection) and keeping a map
//!    back to byte offsets.
//! 3. detect: text → posts, one detector per platform behind a single prefilter pass.
//! 4. post: the record every stage speaks ([`Post`]), with its identity key.
//! 5. scan: one input through decode → detect, text spans turned into byte spans; many inputs
//!    through the threaded pipeline ([`scan`], [`scan_bytes`], [`scan_paths`]).
//! 6. store: the SQLite archive (sources, posts, sightings, runs, failures, full-text index).
//! 7. query: the archive's read side: filters, one post with its sightings, statistics.
//! 8. archive: discover → scan → store for many inputs ([`Archive`]).
//!
//! The public surface is small: [`scan_bytes`] (and [`scan`], which also says how the bytes
//! were decoded), [`scan_paths`] for files and folders, [`Archive`] for the database, and the
//! record types.
//!
//! Scanning a page, archiving it, then asking where the post was seen:
//!
//! ```
//! use embedvault::{Archive, ArchiveOptions, Filter, ScanOptions};
//!
//! let page = r#"<p>Intro.</p><blockquote class="twitter-tweet"><p lang="en" dir="ltr">Tide gauge test went fine.</p>&mdash; Coastal Lab (@coastal_lab) <a href="https://twitter.com/coastal_lab/status/1427632593688211498?ref_src=twsrc%5Etfw">August 17, 2021</a></blockquote>"#;
//!
//! // Scan: every field, and the span that cuts the embed out of the input bytes.
//! let opts = ScanOptions { path: Some("page.html".into()), ..ScanOptions::default() };
//! let posts = embedvault::scan_bytes(page.as_bytes(), &opts);
//! let post = &posts[0];
//! assert_eq!(post.post_id.as_deref(), Some("1427632593688211498"));
//! assert_eq!(post.handle.as_deref(), Some("coastal_lab"));
//! assert_eq!(post.date.as_deref(), Some("2021-08-17"));
//! assert_eq!(post.created_at.as_deref(), Some("2021-08-17T14:05:09.123Z"));
//! assert_eq!(post.text.as_deref(), Some("Tide gauge test went fine."));
//! assert!(page[post.source.start..post.source.end].starts_with("<blockquote"));
//!
//! // Archive the file and query it back, with its sighting.
//! let dir = std::env::temp_dir().join(format!("embedvault-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let file = dir.join("page.html");
//! std::fs::write(&file, page)?;
//! let mut archive = Archive::open_in_memory()?;
//! let report = archive.archive(&[file.clone()], &ArchiveOptions::default(), &mut |_| {})?;
//! assert_eq!(report.counts.posts_new, 1);
//! let hits = archive.query(&Filter { search: Some("gauge".into()), ..Filter::default() })?;
//! assert_eq!(hits.len(), 1);
//! assert_eq!(hits[0].sightings[0].path.as_deref(), file.to_str());
//! assert_eq!(hits[0].sightings[0].start as usize, post.source.start);
//! std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;

mod discover;

pub mod fetch;

mod decode;

mod detect;

pub(crate) mod article;

mod post;

mod pipeline;

mod scan;

mod store;

mod search;

mod query;

mod archive;

pub mod exchange;

mod import;

mod report;

pub use archive::{Archive, ArchiveOptions, ImportOptions, Progress, Report};
pub use article::Article;
pub use decode::DocKind;
pub use discover::DEFAULT_MAX_INPUT;
pub use error::{Error, Result};
pub use pipeline::{Inputs, Outcome};
pub use post::{Copy, FetchInfo, Form, Kind, Platform, Post, Source, UnknownName, WarcRecord};
pub use query::{
    Count, Failure, Filter, KindFilter, Sighting, Stats, StoredPost, period, platform_filter,
    platform_named, platform_names,
};
pub use report::HtmlReport;
pub use scan::{
    Explained, ReadOptions, ScanOptions, Scanned, explain, scan, scan_bytes, scan_inputs,
    scan_paths,
};
pub use store::Counts;

/// The archive schema version this build writes (databases of a newer version are refused).
pub const SCHEMA_VERSION: i64 = store::migrate::CURRENT;
