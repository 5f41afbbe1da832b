//! Signature and credential header parsing for every scheme: arbitrary
//! header values (and a body) never panic a verifier, and a request signed
//! by a plan verifies with it whatever else the headers hold.
#![no_main]

use std::time::SystemTime;

use calltap_protocol::auth::{
    format_timestamp, BearerPlan, HmacAlgorithm, HmacPlan, SignInput, SignedRequest,
    StandardWebhooksPlan, TimestampFormat, VapiSecretPlan, Verifier,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;

/// The headers every scheme reads.
const NAMES: [&str; 10] = [
    "x-vapi-secret",
    "authorization",
    "x-signature",
    "x-timestamp",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
];

fn verifiers() -> Vec<Verifier> {
    vec![
        VapiSecretPlan::new("s3cret").into(),
        BearerPlan::new("tok").into(),
        HmacPlan::new("hmac-key", HmacAlgorithm::Sha256).into(),
        StandardWebhooksPlan::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").into(),
    ]
}

fuzz_target!(|data: &[u8]| {
    // The input: header values separated by 0xff, the rest the body.
    let mut parts = data.split(|b| *b == 0xff);
    let mut headers = HeaderMap::new();
    for name in NAMES {
        let Some(value) = parts.next() else { break };
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    let body: Vec<u8> = parts.flat_map(|p| p.iter().copied()).collect();
    let now = SystemTime::now();
    let request = SignedRequest::new("POST", "http://localhost/webhook", &headers, &body);
    for verifier in verifiers() {
        let _ = verifier.verify(&request, now);
        // Signed as a sender would, over the same body: it verifies.
        // As the simulator signs (seconds; every scheme reads them).
        let timestamp = format_timestamp(now, TimestampFormat::Seconds);
        let input = SignInput {
            method: "POST",
            url: "http://localhost/webhook",
            body: &body,
            timestamp: &timestamp,
            message_id: Some("msg_fuzz"),
        };
        if let Ok(signed) = verifier.sign(&input) {
            let mut fresh = HeaderMap::new();
            for (name, value) in signed {
                fresh.insert(name, value);
            }
            let request = SignedRequest::new("POST", "http://localhost/webhook", &fresh, &body);
            assert!(
                verifier.verify(&request, now).is_ok(),
                "{:?} refused its own signature",
                verifier.scheme()
            );
        }
    }
});
