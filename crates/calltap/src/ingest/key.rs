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
/// JSON object of strings, in the order of [`KEPT_HEADERS`] then `extra`,
/// each name once with its first value; a first value that is not UTF-8
/// skips its header.
///
/// Why written by hand: it runs for every delivery stored, and looking up
/// each of the twelve names (each a parse and a hash of the name) and
/// building a `serde_json` map cost more than the request's few headers,
/// walked once.
pub fn kept_headers(headers: &HeaderMap, extra: &[String]) -> String {
    let names = || {
        KEPT_HEADERS
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
    };
    // The first value of each kept name, at the name's first place in the
    // list; `Some(None)` for a first value that is not UTF-8.
    let mut found: Vec<Option<Option<&str>>> = vec![None; KEPT_HEADERS.len() + extra.len()];
    for (name, value) in headers {
        let name = name.as_str();
        let Some(at) = names().position(|kept| kept.eq_ignore_ascii_case(name)) else {
            continue;
        };
        if found[at].is_none() {
            found[at] = Some(value.to_str().ok());
        }
    }
    let mut out = String::from("{");
    for (name, value) in names().zip(found) {
        let Some(Some(value)) = value else { continue };
        if out.len() > 1 {
            out.push(',');
        }
        push_json_string(&mut out, name);
        out.push(':');
        push_json_string(&mut out, value);
    }
    out.push('}');
    out
}

/// `text` as a JSON string, escaped as `serde_json` escapes it.
fn push_json_string(out: &mut String, text: &str) {
    match serde_json::to_string(text) {
        Ok(json) => out.push_str(&json),
        // Serialising a `str` cannot fail; an empty string keeps the JSON valid.
        Err(_) => out.push_str("\"\""),
    }
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
    fn kept_headers_are_the_first_value_of_each_name_in_list_order() {
        let mut headers = HeaderMap::new();
        headers.append("x-sig", "v1,\"q\"\\".parse().expect("value"));
        headers.append("webhook-id", "msg_1".parse().expect("value"));
        headers.append("webhook-id", "msg_2".parse().expect("value"));
        headers.append("content-type", "application/json".parse().expect("value"));
        headers.append(
            "user-agent",
            http::HeaderValue::from_bytes(b"caf\xc3\xa9").expect("value"),
        );
        headers.append("user-agent", "second".parse().expect("value"));
        headers.append("x-other", "dropped".parse().expect("value"));
        let extra = ["x-sig".to_owned(), "webhook-id".to_owned()];
        assert_eq!(
            kept_headers(&headers, &extra),
            r#"{"content-type":"application/json","webhook-id":"msg_1","x-sig":"v1,\"q\"\\"}"#
        );
        assert_eq!(kept_headers(&HeaderMap::new(), &extra), "{}");
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
