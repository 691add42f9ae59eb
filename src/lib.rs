//! embedvault finds social-media posts embedded in news articles, in their HTML and in text
//! where the embed was flattened, and reports each with exact provenance.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`discover`]: paths (files, folders, `-`) → inputs: bytes + origin, gzip undone.
//! 2. [`decode`]: bytes → text, choosing the charset (BOM, `<meta>`, detection) and keeping a
//!    map back to byte offsets.
//! 3. [`detect`]: text → posts, one detector per platform behind a single prefilter pass.
//! 4. [`post`]: the record every stage speaks, with its identity key and provenance.
//! 5. [`scan`]: wires the stages for one input and turns text spans into byte spans.
//! 6. [`store`]: the SQLite archive (sources, posts, sightings, runs, failures, full-text index).
//! 7. [`query`]: the archive's read side: filters, one post with its sightings, statistics.
//! 8. [`archive`]: discover → scan → store for many inputs, one transaction per batch.
//!
//! Scanning a page and archiving it into an in-memory store, then asking where the post was
//! seen:
//!
//! ```
//! use embedvault::decode::Sniff;
//! use embedvault::discover::{Input, Origin};
//! use embedvault::query::{self, Filter};
//! use embedvault::store::{Event, Store};
//!
//! let page = r#"<p>Intro.</p><blockquote class="twitter-tweet"><p lang="en" dir="ltr">Tide gauge test went fine.</p>&mdash; Coastal Lab (@coastal_lab) <a href="https://twitter.com/coastal_lab/status/1427632593688211498?ref_src=twsrc%5Etfw">August 17, 2021</a></blockquote>"#;
//! let input = Input {
//!     bytes: page.as_bytes().to_vec(),
//!     origin: Origin { path: Some("page.html".into()), name: Some("page.html".into()), gzip: false },
//!     sniff: Sniff::Html,
//! };
//!
//! // Scan: every field, and the span that cuts the embed out of the input bytes.
//! let found = embedvault::scan::scan(&input);
//! let post = &found.posts[0];
//! assert_eq!(post.post_id.as_deref(), Some("1427632593688211498"));
//! assert_eq!(post.handle.as_deref(), Some("coastal_lab"));
//! assert_eq!(post.date.as_deref(), Some("2021-08-17"));
//! assert_eq!(post.created_at.as_deref(), Some("2021-08-17T14:05:09.123Z"));
//! assert_eq!(post.text.as_deref(), Some("Tide gauge test went fine."));
//! assert!(page[post.source.start..post.source.end].starts_with("<blockquote"));
//!
//! // Archive it and query it back, with its sighting.
//! let mut store = Store::open_in_memory()?;
//! let run = store.begin_run(&["example".to_string()])?;
//! let counts = store.write_batch(run, &[Event::Input(Box::new(embedvault::archive::prepare(&input)))])?;
//! assert_eq!(counts.posts_new, 1);
//! let hits = query::query(&store, &Filter { search: Some("gauge".into()), ..Filter::default() })?;
//! assert_eq!(hits.len(), 1);
//! assert_eq!(hits[0].sightings[0].path.as_deref(), Some("page.html"));
//! assert_eq!(hits[0].sightings[0].start as usize, post.source.start);
//! # Ok::<(), embedvault::Error>(())
//! ```

pub mod error;

pub mod discover;

pub mod decode;

pub mod detect;

pub mod post;

pub mod scan;

pub mod store;

pub mod query;

pub mod archive;

pub use error::{Error, Result};
pub use post::{Form, Kind, Platform, Post, Source};
