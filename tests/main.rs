//! The one integration-test binary: samples (snapshots), the seed article, charsets, the CLI
//! through the real binary, and the labelled corpus when it is present.

mod archive_cli;
mod cli;
mod corpus;
mod everyday;
mod fetch;
mod import;
mod reliability;
mod report;
mod robustness;
mod samples;
mod store;
mod support;
mod terminal;
mod urls;
mod warc;
