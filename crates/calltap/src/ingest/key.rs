//! The dedup key of a delivery and the request headers kept beside it.
//!
//! Vapi sends no delivery id of its own, and a retried delivery arrives
//! byte-identical, so the key is a blake3 hash of the raw body. A message
//! id replaces it only when the signature that verified the delivery
//! covers the id (its exact bytes went into the MAC): Standard Webhooks'
//! `webhook-id`, or the HMAC plan's message-id header when its template
//! has `{svix-id}`. A header nobody signed, or one beside a shared secret
//! or bearer token, could carry any id, and would let a new body pass as
//! a redelivery of an old one; it is kept with the delivery, never used
//! as its key. (Should a signed id come back with another body, the store
//! keeps both and flags the second: see `Outcome::StoredConflicting`.)

use http::HeaderMap;

use crate::ids::DedupKey;

/// Headers worth keeping with a delivery: enough to re-check a signature
/// later and to trace the sender. Credentials (`authorization`,
/// `x-vapi-secret`, a configured bearer header) are never kept.
const KEPT_HEADERS: [&str; 12] = [
    "content-type",
    "content-encoding",
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

/// The dedup key: `id:<message id>` when auth verified a signature over
/// the id (`signed_id`, see the module doc), else `b3:<hex>` of the body.
pub fn dedup_key(signed_id: Option<&str>, body: &[u8]) -> DedupKey {
    match signed_id.filter(|id| !id.is_empty()) {
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
    fn the_body_hash_is_the_key_without_a_signed_id() {
        let key = dedup_key(None, b"{}");
        assert_eq!(
            key,
            *format!("b3:{}", blake3::hash(b"{}").to_hex()).as_str()
        );
        assert_eq!(dedup_key(Some(""), b"{}"), key, "an empty id names nothing");
    }

    #[test]
    fn a_signed_id_is_the_key() {
        assert_eq!(dedup_key(Some("msg_1"), b"{}"), *"id:msg_1");
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
