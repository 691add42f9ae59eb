//! Gzip inputs: saved pages and crawl dumps are often stored compressed. Recognised by the
//! magic bytes (not the name), decompressed with a size cap so a zip bomb cannot exhaust memory.
//!
//! What follows the last member is treated as `gzip -t` / `gzip -d` treat it: NUL bytes alone
//! (the zero padding tape and `dd` tools leave up to a block boundary) are ignored, and the
//! input is read; anything else is an error. GNU gzip decompresses such a file too but warns
//! "decompression OK, trailing garbage ignored" and exits with status 2, so it is not a clean
//! stream: here it fails with a message saying where the garbage starts, rather than being
//! archived as if it were sound. Bytes that start with the gzip magic are a further member and
//! are decompressed (a corrupt one fails, as in gzip).

use std::io::Read;

use flate2::bufread::GzDecoder;

/// Why decompression stopped.
#[derive(Debug)]
pub enum GzError {
    /// The stream is corrupt or truncated, or followed by bytes that are not zero padding.
    Io(std::io::Error),
    /// The decompressed size passed the cap (the size reached is given).
    TooLarge(u64),
}

/// Whether `b` starts with the gzip magic bytes.
pub fn is_gzip(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 0x08
}

/// Decompresses a (possibly multi-member) gzip stream, refusing output over `cap` bytes.
/// Trailing zero padding after the last member is ignored; other trailing bytes are an error.
pub fn decompress(b: &[u8], cap: u64) -> Result<Vec<u8>, GzError> {
    let cap_len = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut out = Vec::with_capacity(b.len().saturating_mul(4).min(cap_len));
    let mut rest = b;
    loop {
        // A `bufread` decoder consumes exactly one member (header, data, trailer) from the
        // slice, so what it leaves is what follows the member.
        let mut member = GzDecoder::new(rest);
        let room = cap.saturating_add(1).saturating_sub(out.len() as u64);
        (&mut member)
            .take(room)
            .read_to_end(&mut out)
            .map_err(GzError::Io)?;
        if out.len() as u64 > cap {
            return Err(GzError::TooLarge(out.len() as u64));
        }
        rest = member.into_inner();
        if rest.is_empty() || rest.iter().all(|&c| c == 0) {
            return Ok(out);
        }
        if !rest.starts_with(&[0x1f, 0x8b]) {
            let at = b.len() - rest.len();
            return Err(GzError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} byte(s) of trailing garbage after the gzip data at byte {at} \
                     (only zero padding may follow it)",
                    rest.len()
                ),
            )));
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("compresses");
        e.finish().expect("finishes")
    }

    #[test]
    fn members_and_zero_padding_are_read() {
        let one = gz(b"<p>one</p>");
        assert_eq!(decompress(&one, 1000).expect("reads"), b"<p>one</p>");
        let two = [gz(b"ab"), gz(b""), gz(b"cd")].concat();
        assert_eq!(decompress(&two, 1000).expect("reads"), b"abcd");
        // Padded with NULs to a 512-byte block, as tar and dd leave it.
        let mut padded = two.clone();
        padded.resize(512, 0);
        assert_eq!(decompress(&padded, 1000).expect("reads"), b"abcd");
        padded.resize(512 + 10_000, 0);
        assert_eq!(decompress(&padded, 1000).expect("reads"), b"abcd");
    }

    #[test]
    fn trailing_garbage_and_corruption_are_errors() {
        let mut garbage = gz(b"abc");
        let at = garbage.len();
        garbage.extend_from_slice(b"\0\0junk");
        let Err(GzError::Io(e)) = decompress(&garbage, 1000) else {
            panic!("garbage accepted")
        };
        assert!(e.to_string().contains(&format!("at byte {at}")), "{e}");
        // A second member that is cut short fails as gzip's would.
        let mut cut = gz(b"abc");
        cut.extend_from_slice(&gz(b"def")[..12]);
        assert!(matches!(decompress(&cut, 1000), Err(GzError::Io(_))));
        assert!(matches!(
            decompress(b"\x1f\x8b\x08\0\0\0\0\0\0\x03garbage", 1000),
            Err(GzError::Io(_))
        ));
    }

    #[test]
    fn the_cap_counts_every_member() {
        let two = [gz(&[b'a'; 600]), gz(&[b'b'; 600])].concat();
        assert!(matches!(
            decompress(&two, 1000),
            Err(GzError::TooLarge(1001))
        ));
        assert_eq!(decompress(&two, 1200).expect("reads").len(), 1200);
    }
}
