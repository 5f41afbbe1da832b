//! Ingest authentication: is this delivery from Vapi?
//!
//! [`IngestAuth`] holds every configured check (`calltap_protocol::auth`
//! verifiers: `x-vapi-secret`, bearer, HMAC, Standard Webhooks); a delivery
//! passing ANY one is accepted (so a credential can be rotated by
//! configuring old and new side by side). With none configured every
//! delivery passes: the server warns at start and refuses non-loopback
//! addresses unless told otherwise (see `config`).
//!
//! The signature math lives in the protocol crate; this module only builds
//! the request it verifies (the URL from `public_url` or the Host header)
//! and maps its errors. Failure reasons never contain a secret or an
//! expected signature.

use std::time::SystemTime;

use calltap_protocol::auth::{verify_any, AuthError, SignedRequest, Verifier};
use http::{HeaderMap, Method, Uri};

/// The parts of a request a check may look at.
#[derive(Clone, Copy, Debug)]
pub struct Signed<'a> {
    /// The HTTP method.
    pub method: &'a Method,
    /// The request URI as received.
    pub uri: &'a Uri,
    /// All request headers.
    pub headers: &'a HeaderMap,
    /// The raw body, exactly as received.
    pub body: &'a [u8],
    /// Now, for timestamp tolerance.
    pub now: SystemTime,
}

/// A delivery that passed no configured check.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct AuthRejected {
    /// Machine-readable class, for the metrics label and the response
    /// (`missing_header`, `mismatch`, `timestamp_outside_tolerance`, ...).
    pub kind: &'static str,
    /// What was wrong; safe to send back.
    pub reason: String,
    /// The configuration, not the sender, is at fault (answer 500).
    pub server_fault: bool,
}

/// A delivery that passed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Authenticated {
    /// The scheme that accepted it (`None` when no check is configured).
    pub scheme: Option<&'static str>,
    /// The sender's message id, when the signature that verified covers it
    /// (see `calltap_protocol::auth::Verified::message_id`): the dedup key.
    pub message_id: Option<String>,
}

/// All configured ingest checks.
#[derive(Clone, Debug, Default)]
pub struct IngestAuth {
    verifiers: Vec<Verifier>,
    public_url: Option<String>,
}

impl IngestAuth {
    /// The checks, and the public base URL for `{url}` in HMAC templates.
    pub fn new(verifiers: Vec<Verifier>, public_url: Option<String>) -> IngestAuth {
        IngestAuth {
            verifiers,
            public_url,
        }
    }

    /// The headers kept with each delivery so that its signature can be
    /// re-checked later: the HMAC plans' signature, timestamp and message-id
    /// headers, lower-cased.
    pub fn kept_headers(&self) -> Vec<String> {
        let mut kept = Vec::new();
        for plan in self.hmac_plans() {
            kept.push(plan.signature_header.to_ascii_lowercase());
            kept.push(plan.timestamp_header.to_ascii_lowercase());
            kept.extend(
                plan.message_id_header
                    .as_ref()
                    .map(|h| h.to_ascii_lowercase()),
            );
        }
        kept
    }

    fn hmac_plans(&self) -> impl Iterator<Item = &calltap_protocol::auth::HmacPlan> {
        self.verifiers.iter().filter_map(|verifier| match verifier {
            Verifier::Hmac(plan) => Some(plan),
            _ => None,
        })
    }

    /// Whether any check is configured.
    pub fn is_enabled(&self) -> bool {
        !self.verifiers.is_empty()
    }

    /// The names of the configured schemes, each once (a scheme may have
    /// several secrets), for the start-up log and the 401's reason.
    pub fn describe(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for name in self.verifiers.iter().map(|v| v.scheme().as_str()) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Accepts the request if any check passes (or none is configured).
    pub fn verify(&self, request: &Signed<'_>) -> Result<Authenticated, AuthRejected> {
        if self.verifiers.is_empty() {
            return Ok(Authenticated::default());
        }
        let url = self.url(request);
        let signed =
            SignedRequest::new(request.method.as_str(), &url, request.headers, request.body);
        match verify_any(&self.verifiers, &signed, request.now) {
            Ok(verified) => Ok(Authenticated {
                scheme: Some(verified.scheme.as_str()),
                message_id: verified.message_id,
            }),
            Err(err) => {
                let mut reason = err.to_string();
                // No credential of any configured scheme came: the one
                // missing header named is only one of the ways in. Names
                // of schemes, never secrets.
                if matches!(err, AuthError::MissingHeader { .. }) && self.verifiers.len() > 1 {
                    reason = format!(
                        "{reason} (no credential of any configured scheme: {})",
                        self.describe().join(", ")
                    );
                }
                Err(AuthRejected {
                    kind: err.kind(),
                    reason,
                    server_fault: err.is_server_fault(),
                })
            }
        }
    }

    /// The URL Vapi posted to: the configured public base URL, else
    /// `http://` + Host, followed by the path and query as received.
    fn url(&self, request: &Signed<'_>) -> String {
        let path = request.uri.path_and_query().map_or("/", |pq| pq.as_str());
        match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => {
                let host = request
                    .headers
                    .get(http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("localhost");
                format!("http://{host}{path}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calltap_protocol::auth::{BearerPlan, SignInput, StandardWebhooksPlan, VapiSecretPlan};

    fn check(auth: &IngestAuth, headers: &HeaderMap) -> Result<Authenticated, AuthRejected> {
        let (method, uri) = (Method::POST, Uri::from_static("/"));
        auth.verify(&Signed {
            method: &method,
            uri: &uri,
            headers,
            body: b"{}",
            now: SystemTime::now(),
        })
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().expect("header value"));
        }
        headers
    }

    fn both() -> IngestAuth {
        IngestAuth::new(
            vec![
                VapiSecretPlan::new("v-secret").into(),
                BearerPlan::new("b-token").into(),
            ],
            None,
        )
    }

    #[test]
    fn no_checks_accept_everything() {
        assert!(check(&IngestAuth::default(), &HeaderMap::new()).is_ok());
    }

    #[test]
    fn any_one_passing_check_accepts() {
        let auth = both();
        for pairs in [
            &[("x-vapi-secret", "v-secret")][..],
            &[("authorization", "Bearer b-token")],
            &[("authorization", "b-token")],
            &[
                ("x-vapi-secret", "wrong"),
                ("authorization", "Bearer b-token"),
            ],
        ] {
            assert!(check(&auth, &headers(pairs)).is_ok(), "{pairs:?}");
        }
    }

    #[test]
    fn a_scheme_with_several_secrets_is_named_once() {
        let mut auth = both();
        auth.verifiers.push(VapiSecretPlan::new("v-old").into());
        assert_eq!(auth.describe(), ["vapi-secret", "bearer"]);
        let old = check(&auth, &headers(&[("x-vapi-secret", "v-old")]));
        assert!(old.is_ok(), "the second secret verifies too");
    }

    #[test]
    fn failures_say_why_without_revealing_the_secret() {
        let auth = both();
        let missing = check(&auth, &HeaderMap::new()).expect_err("no credentials");
        assert_eq!(missing.kind, "missing_header");
        assert!(
            missing
                .reason
                .ends_with("(no credential of any configured scheme: vapi-secret, bearer)"),
            "{}",
            missing.reason
        );
        let wrong = check(&auth, &headers(&[("x-vapi-secret", "v-secreT")])).expect_err("wrong");
        assert_eq!(wrong.kind, "mismatch");
        assert!(!wrong.server_fault);
        for secret in ["v-secret", "b-token"] {
            assert!(!wrong.reason.contains(secret), "{}", wrong.reason);
        }
    }

    #[test]
    fn a_standard_webhooks_message_id_is_handed_on_for_dedup() {
        let plan = StandardWebhooksPlan::new("whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=");
        let now = calltap_protocol::auth::format_timestamp(
            SystemTime::now(),
            calltap_protocol::auth::TimestampFormat::default(),
        );
        let signed = Verifier::from(plan.clone())
            .sign(&SignInput {
                method: "POST",
                url: "http://localhost/",
                body: b"{}",
                timestamp: &now,
                message_id: Some("msg_42"),
            })
            .expect("sign");
        let mut map = HeaderMap::new();
        for (name, value) in signed {
            map.insert(name, value);
        }
        let auth = IngestAuth::new(vec![plan.into()], None);
        let ok = check(&auth, &map).expect("verified");
        assert_eq!(ok.message_id.as_deref(), Some("msg_42"));
        assert_eq!(ok.scheme, Some("standard-webhooks"));
    }
}
