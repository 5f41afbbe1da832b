//! The HMAC primitives shared by the signing schemes: algorithms, signature
//! encodings, lenient base64, and constant-time comparison.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use subtle::ConstantTimeEq;

/// The hash function of an HMAC, as named in Vapi's `HMACAuthenticationPlan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum HmacAlgorithm {
    /// HMAC-SHA-256 (32-byte MAC).
    Sha256,
    /// HMAC-SHA-512 (64-byte MAC).
    Sha512,
    /// HMAC-SHA-1 (20-byte MAC), for legacy receivers.
    Sha1,
}

impl HmacAlgorithm {
    /// The MAC's length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HmacAlgorithm::Sha256 => 32,
            HmacAlgorithm::Sha512 => 64,
            HmacAlgorithm::Sha1 => 20,
        }
    }

    /// The MAC of the concatenation of `parts` under `key`.
    ///
    /// Taking the message in parts lets the verifiers feed a payload template
    /// (`{timestamp}.{body}`) straight into the hash, so the body is never
    /// copied.
    pub fn mac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            HmacAlgorithm::Sha256 => mac_parts::<Hmac<sha2::Sha256>>(key, parts),
            HmacAlgorithm::Sha512 => mac_parts::<Hmac<sha2::Sha512>>(key, parts),
            HmacAlgorithm::Sha1 => mac_parts::<Hmac<sha1::Sha1>>(key, parts),
        }
    }
}

fn mac_parts<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
        // HMAC takes keys of any length (RFC 2104 §2), so this never happens.
        // An empty MAC matches no received signature, so we fail closed.
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// How a signature is written in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SignatureEncoding {
    /// Lower-case hex when signing; either case accepted when verifying.
    #[default]
    Hex,
    /// Standard base64 with padding when signing; padded or not, standard or
    /// URL-safe alphabet accepted when verifying.
    Base64,
}

impl SignatureEncoding {
    /// Writes MAC bytes in this encoding.
    pub fn encode(self, mac: &[u8]) -> String {
        match self {
            SignatureEncoding::Hex => hex::encode(mac),
            SignatureEncoding::Base64 => STANDARD.encode(mac),
        }
    }

    /// Reads a received signature back into bytes, or `None` if it is not
    /// valid in this encoding.
    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            SignatureEncoding::Hex => hex::decode(text).ok(),
            SignatureEncoding::Base64 => decode_base64_lenient(text),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            SignatureEncoding::Hex => "hex",
            SignatureEncoding::Base64 => "base64",
        }
    }
}

/// Base64 in any of the common dialects (padded or not, standard or
/// URL-safe): senders and config writers are not consistent about it.
pub(crate) fn decode_base64_lenient(text: &str) -> Option<Vec<u8>> {
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

/// Constant-time equality of a received MAC and the expected one. A length
/// difference returns early, which reveals only the (public) MAC length.
pub(crate) fn macs_equal(received: &[u8], expected: &[u8]) -> bool {
    !expected.is_empty() && bool::from(received.ct_eq(expected))
}

/// Constant-time equality of two credentials of possibly different lengths:
/// comparing their SHA-256 digests hides the length of the secret too.
pub(crate) fn credentials_equal(received: &[u8], secret: &[u8]) -> bool {
    use sha2::Digest as _;
    let received = sha2::Sha256::digest(received);
    let secret = sha2::Sha256::digest(secret);
    bool::from(received.ct_eq(&secret))
}
