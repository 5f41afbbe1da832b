//! A delivery's `Content-Encoding`: the body is decompressed before
//! anything else reads it, within the body limit.
//!
//! Supported: `gzip` (and its alias `x-gzip`), `deflate` (zlib, as HTTP
//! means it, or the raw deflate stream some senders use instead) and
//! `identity`, one or several in the order the header lists them. Anything
//! else (`br`, `compress`, `zstd`, ...) is refused (415, naming what is
//! supported), and so is a body that is not what its encoding says (400).
//! A body that decompresses past the limit is refused as too large (413)
//! as soon as it passes it, so a small "zip bomb" costs at most the limit.
//!
//! Signatures are checked over the decompressed bytes, and those are the
//! event's body: a sender (Vapi) signs the JSON it sends; compression is a
//! transport step after signing, and the stored body must be what a later
//! re-check of the signature reads. The encoding is kept with the
//! delivery's headers.

use std::io::Read;

use bytes::Bytes;
use http::header::CONTENT_ENCODING;
use http::HeaderMap;

/// The encodings ingest reads, as a reason names them.
pub const SUPPORTED: &str = "gzip, deflate or identity";

/// Why a body could not be decompressed.
#[derive(Debug, thiserror::Error)]
pub enum EncodingError {
    /// An encoding calltap does not read.
    #[error("Content-Encoding {0:?} is not supported: send the body as {SUPPORTED}")]
    Unsupported(String),
    /// The body is not what its encoding says.
    #[error("the body is not valid {encoding} ({reason})")]
    Corrupt {
        /// The encoding it claimed.
        encoding: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The decompressed body is over the limit.
    #[error("the body decompresses to more than the limit of {limit} bytes")]
    TooLarge {
        /// The body limit in bytes.
        limit: usize,
    },
}

/// One step of a `Content-Encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
        }
    }
}

/// The body as the sender wrote it before any `Content-Encoding`, at most
/// `limit` bytes; the body itself when there is no encoding to undo.
pub fn decode(headers: &HeaderMap, body: Bytes, limit: usize) -> Result<Bytes, EncodingError> {
    let mut codings = Vec::new();
    for value in headers.get_all(CONTENT_ENCODING) {
        let text = value.to_str().map_err(|_| {
            EncodingError::Unsupported(String::from_utf8_lossy(value.as_bytes()).into_owned())
        })?;
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name.to_ascii_lowercase().as_str() {
                "identity" => {}
                "gzip" | "x-gzip" => codings.push(Coding::Gzip),
                "deflate" => codings.push(Coding::Deflate),
                _ => return Err(EncodingError::Unsupported(name.to_owned())),
            }
        }
    }
    // Listed in the order they were applied: undo the last first.
    codings.into_iter().rev().try_fold(body, |body, coding| {
        undo(coding, &body, limit).map(Bytes::from)
    })
}

/// Undoes one coding of `body`, stopping past `limit` bytes.
fn undo(coding: Coding, body: &[u8], limit: usize) -> Result<Vec<u8>, EncodingError> {
    let corrupt = |err: std::io::Error| EncodingError::Corrupt {
        encoding: coding.name(),
        reason: err.to_string(),
    };
    match coding {
        Coding::Gzip => bounded(flate2::read::MultiGzDecoder::new(body), limit).map_err(corrupt),
        // HTTP's deflate is zlib; some senders send the raw stream, which
        // a zlib header check tells apart at once.
        Coding::Deflate => bounded(flate2::read::ZlibDecoder::new(body), limit)
            .or_else(|zlib| {
                bounded(flate2::read::DeflateDecoder::new(body), limit).map_err(|_| zlib)
            })
            .map_err(corrupt),
    }?
}

/// Reads `decoder` to the end, or [`EncodingError::TooLarge`] once it
/// yields more than `limit` bytes.
fn bounded(decoder: impl Read, limit: usize) -> std::io::Result<Result<Vec<u8>, EncodingError>> {
    let mut out = Vec::new();
    decoder.take(limit as u64 + 1).read_to_end(&mut out)?;
    if out.len() > limit {
        return Ok(Err(EncodingError::TooLarge { limit }));
    }
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(CONTENT_ENCODING, value.parse().expect("value"));
        map
    }

    fn compress(mut encoder: impl Write, bytes: &[u8]) {
        encoder.write_all(bytes).expect("compress");
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        compress(
            flate2::write::GzEncoder::new(&mut out, Default::default()),
            bytes,
        );
        out
    }

    #[test]
    fn no_encoding_leaves_the_body_as_it_came() {
        let body = Bytes::from_static(b"{}");
        let decoded = decode(&HeaderMap::new(), body.clone(), 10).expect("plain");
        assert_eq!(decoded, body);
    }

    #[test]
    fn raw_deflate_and_stacked_encodings_are_undone_in_reverse_order() {
        let mut raw = Vec::new();
        compress(
            flate2::write::DeflateEncoder::new(&mut raw, Default::default()),
            b"{\"a\":1}",
        );
        let decoded =
            decode(&headers("deflate"), Bytes::from(raw.clone()), 100).expect("raw deflate");
        assert_eq!(&decoded[..], b"{\"a\":1}");

        let twice = gzip(&raw);
        let decoded = decode(&headers("deflate, gzip"), Bytes::from(twice), 100).expect("both");
        assert_eq!(&decoded[..], b"{\"a\":1}");
    }

    #[test]
    fn exactly_the_limit_passes_and_one_byte_more_does_not() {
        let body = Bytes::from(gzip(&[b'x'; 100]));
        assert_eq!(
            decode(&headers("gzip"), body.clone(), 100)
                .expect("at the limit")
                .len(),
            100
        );
        assert!(matches!(
            decode(&headers("gzip"), body, 99),
            Err(EncodingError::TooLarge { limit: 99 })
        ));
    }
}
