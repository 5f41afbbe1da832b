//! The dedup key of a delivery and the request headers kept beside it.
//!
//! Vapi sends no delivery id of its own, and a retried delivery arrives
//! byte-identical, so by default the key is a blake3 hash of the raw body.
//! When a message-id header is present (Svix / Standard Webhooks `svix-id`,
//! `webhook-id`, or the HMAC plan's message-id header) it is the key instead.

use http::HeaderMap;

use crate::ids::DedupKey;

/// The message-id headers always consulted, in order of preference.
pub const STANDARD_ID_HEADERS: [&str; 2] = ["webhook-id", "svix-id"];

/// Headers worth keeping with a delivery: enough to re-check a signature
/// later and to trace the sender. Credentials (`authorization`,
/// `x-vapi-secret`, a configured bearer header) are never kept.
const KEPT_HEADERS: [&str; 11] = [
    "content-type",
    "user-agent",
    "x-forwarded-for",
    "x-real-ip",
    "x-request-id",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
];

/// The dedup key: `id:<message id>` from the verified message id (auth
/// found one), else the first message-id header present (`extra` first, then
/// the standard ones), else `b3:<hex>` of the body.
pub fn dedup_key(
    verified: Option<&str>,
    headers: &HeaderMap,
    extra: Option<&str>,
    body: &[u8],
) -> DedupKey {
    let from_headers = extra
        .into_iter()
        .chain(STANDARD_ID_HEADERS)
        .filter_map(|name| headers.get(name))
        .filter_map(|value| value.to_str().ok())
        .map(str::trim)
        .find(|value| !value.is_empty());
    match verified.filter(|id| !id.is_empty()).or(from_headers) {
        Some(id) => DedupKey::message_id(id),
        None => DedupKey::body_hash(body),
    }
}

/// The kept headers (plus `extra`, e.g. the HMAC signature headers) as a
/// JSON object of strings; values that are not UTF-8 are skipped.
pub fn kept_headers(headers: &HeaderMap, extra: &[String]) -> String {
    let mut kept = serde_json::Map::new();
    let names = KEPT_HEADERS
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str));
    for name in names {
        if kept.contains_key(name) {
            continue;
        }
        if let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) {
            kept.insert(name.to_owned(), serde_json::Value::String(value.to_owned()));
        }
    }
    serde_json::Value::Object(kept).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_hash_is_the_key_without_an_id_header() {
        let key = dedup_key(None, &HeaderMap::new(), None, b"{}");
        assert_eq!(key.as_str(), format!("b3:{}", blake3::hash(b"{}").to_hex()));
    }

    #[test]
    fn a_message_id_header_wins_and_the_configured_one_first() {
        let mut headers = HeaderMap::new();
        headers.insert("svix-id", "msg_1".parse().expect("value"));
        assert_eq!(dedup_key(None, &headers, None, b"{}"), "id:msg_1");
        headers.insert("x-message-id", "m2".parse().expect("value"));
        assert_eq!(
            dedup_key(None, &headers, Some("x-message-id"), b"{}"),
            "id:m2"
        );
        assert_eq!(dedup_key(Some("v"), &headers, None, b"{}"), "id:v");
    }

    #[test]
    fn credentials_are_never_kept() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer s3cret".parse().expect("value"));
        headers.insert("x-vapi-secret", "s3cret".parse().expect("value"));
        headers.insert("content-type", "application/json".parse().expect("value"));
        let kept = kept_headers(&headers, &[]);
        assert!(!kept.contains("s3cret"), "{kept}");
        assert!(kept.contains("application/json"), "{kept}");
    }
}
