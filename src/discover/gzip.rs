//! Gzip inputs: saved pages and crawl dumps are often stored compressed. Recognised by the
//! magic bytes (not the name), decompressed with a size cap so a zip bomb cannot exhaust memory.

use std::io::Read;

use flate2::read::MultiGzDecoder;

/// Why decompression stopped.
#[derive(Debug)]
pub enum GzError {
    /// The stream is corrupt or truncated.
    Io(std::io::Error),
    /// The decompressed size passed the cap (the size reached is given).
    TooLarge(u64),
}

/// Whether `b` starts with the gzip magic bytes.
pub fn is_gzip(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 0x08
}

/// Decompresses a (possibly multi-member) gzip stream, refusing output over `cap` bytes.
pub fn decompress(b: &[u8], cap: u64) -> Result<Vec<u8>, GzError> {
    let mut out = Vec::with_capacity(b.len().saturating_mul(4));
    MultiGzDecoder::new(b)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(GzError::Io)?;
    if out.len() as u64 > cap {
        return Err(GzError::TooLarge(out.len() as u64));
    }
    Ok(out)
}

/// A file name without its `.gz` suffix (`page.html.gz` → `page.html`).
pub fn strip_gz(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".gz") {
        name[..name.len() - 3].to_string()
    } else if lower.ends_with(".tgz") {
        name[..name.len() - 4].to_string()
    } else {
        name.to_string()
    }
}
