//! Undoing a response's `Content-Encoding`: `gzip` (and `x-gzip`), `br`, `deflate` (zlib, or a
//! raw deflate stream as some servers send), `identity`; several listed are undone last first.
//! The decoded size is capped so a small compressed body cannot grow without bound.

use std::io::Read;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

/// Why a body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum DecodeError {
    /// The decoded body passed the cap.
    TooLarge,
    /// An encoding this reader does not know.
    Unknown(String),
    /// The bytes are not valid for their encoding.
    Corrupt(String),
}

/// The encodings named in a `Content-Encoding` value, in the order they were applied, without
/// `identity`.
pub(super) fn codings(header: &str) -> Vec<String> {
    header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect()
}

/// Undoes `codings` (as [`codings`] lists them) on `body`, keeping the result within `cap` bytes.
pub(super) fn decode(body: &[u8], codings: &[String], cap: u64) -> Result<Vec<u8>, DecodeError> {
    let mut data = body.to_vec();
    for coding in codings.iter().rev() {
        data = match coding.as_str() {
            "gzip" | "x-gzip" => read_capped(MultiGzDecoder::new(&data[..]), cap, "gzip")?,
            "br" => read_capped(
                brotli_decompressor::Decompressor::new(&data[..], 64 * 1024),
                cap,
                "br",
            )?,
            "deflate" => {
                // The standard says zlib; some servers send a raw deflate stream. A zlib
                // stream starts with a header whose 16-bit value is a multiple of 31.
                let zlib = data.len() >= 2
                    && data[0] & 0x0f == 8
                    && u16::from_be_bytes([data[0], data[1]]).is_multiple_of(31);
                if zlib {
                    read_capped(ZlibDecoder::new(&data[..]), cap, "deflate")?
                } else {
                    read_capped(DeflateDecoder::new(&data[..]), cap, "deflate")?
                }
            }
            other => return Err(DecodeError::Unknown(other.to_owned())),
        };
    }
    Ok(data)
}

fn read_capped(reader: impl Read, cap: u64, name: &str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let read = reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Corrupt(format!("{name}: {e}")))?;
    if read as u64 > cap {
        return Err(DecodeError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn codings_are_listed_in_the_order_applied_without_identity() {
        assert_eq!(codings(" GZIP , identity,br"), vec!["gzip", "br"]);
        assert!(codings("identity").is_empty());
    }

    #[test]
    fn gzip_and_zlib_and_raw_deflate_decode() {
        let page = b"<p>hello</p>".repeat(50);
        assert_eq!(
            decode(&gzip(&page), &codings("gzip"), 1 << 20),
            Ok(page.clone())
        );
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&page).unwrap();
        assert_eq!(
            decode(&z.finish().unwrap(), &codings("deflate"), 1 << 20),
            Ok(page.clone())
        );
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        d.write_all(&page).unwrap();
        assert_eq!(
            decode(&d.finish().unwrap(), &codings("deflate"), 1 << 20),
            Ok(page)
        );
    }

    #[test]
    fn decoded_size_is_capped() {
        let bomb = gzip(&vec![b'a'; 100_000]);
        assert_eq!(
            decode(&bomb, &codings("gzip"), 1000),
            Err(DecodeError::TooLarge)
        );
        assert_eq!(
            decode(&bomb, &codings("gzip"), 100_000).map(|v| v.len()),
            Ok(100_000)
        );
    }

    #[test]
    fn unknown_and_corrupt_encodings_are_named() {
        assert_eq!(
            decode(b"x", &codings("zstd"), 10),
            Err(DecodeError::Unknown("zstd".into()))
        );
        assert!(matches!(
            decode(b"not gzip", &codings("gzip"), 10),
            Err(DecodeError::Corrupt(m)) if m.starts_with("gzip")
        ));
    }
}
