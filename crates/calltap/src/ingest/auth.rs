//! Ingest authentication: is this delivery from Vapi?
//!
//! [`IngestAuth`] holds every configured check; a delivery passing ANY one
//! is accepted (so a credential can be rotated by configuring old and new
//! side by side, e.g. `x-vapi-secret` and HMAC). With none configured every
//! delivery passes (the server warns at start and refuses non-loopback
//! addresses unless told otherwise; see `config`).
//!
//! Each check is one [`Check`] variant with a `verify` over the request's
//! method, URL, headers and raw body; the signature math belongs to
//! `calltap_protocol::auth`, this module only maps configuration onto it.
//! Failure reasons name the header and the problem, never a secret or a
//! computed signature.

use std::time::SystemTime;

use http::{HeaderMap, Method, Uri};
use subtle::ConstantTimeEq;

use crate::config::{BearerAuth, HmacAuth, IngestAuthConfig, Secret, StandardWebhooksAuth};

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
    /// Machine-readable class, for the metrics label: `missing_credentials`
    /// when no check found its header, `invalid_credentials` otherwise.
    pub kind: &'static str,
    /// What each check found wrong, joined; safe to send back.
    pub reason: String,
}

/// Why one check failed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Failure {
    missing: bool,
    reason: String,
}

impl Failure {
    fn missing(what: impl Into<String>) -> Failure {
        Failure {
            missing: true,
            reason: what.into(),
        }
    }
    fn invalid(what: impl Into<String>) -> Failure {
        Failure {
            missing: false,
            reason: what.into(),
        }
    }
}

/// One configured check.
#[derive(Clone, Debug)]
// The HMAC and Standard Webhooks settings are read once the protocol
// crate's verifiers are wired in.
#[allow(dead_code)]
enum Check {
    VapiSecret(Secret),
    Bearer(BearerAuth),
    Hmac(HmacAuth),
    StandardWebhooks(StandardWebhooksAuth),
}

/// All configured ingest checks.
#[derive(Clone, Debug, Default)]
pub struct IngestAuth {
    checks: Vec<Check>,
}

impl IngestAuth {
    /// Builds the checks from configuration, failing on settings the
    /// verifier cannot use.
    pub fn from_config(config: &IngestAuthConfig) -> anyhow::Result<IngestAuth> {
        let mut checks = Vec::new();
        if let Some(secret) = &config.vapi_secret {
            checks.push(Check::VapiSecret(secret.clone()));
        }
        if let Some(bearer) = &config.bearer {
            checks.push(Check::Bearer(bearer.clone()));
        }
        if let Some(hmac) = &config.hmac {
            checks.push(Check::Hmac(hmac.clone()));
        }
        if let Some(sw) = &config.standard_webhooks {
            checks.push(Check::StandardWebhooks(sw.clone()));
        }
        let auth = IngestAuth { checks };
        auth.preflight()?;
        Ok(auth)
    }

    /// Whether any check is configured.
    pub fn is_enabled(&self) -> bool {
        !self.checks.is_empty()
    }

    /// The names of the configured checks, for the start-up log.
    pub fn describe(&self) -> Vec<&'static str> {
        self.checks.iter().map(Check::name).collect()
    }

    /// Accepts the request if any check passes (or none is configured).
    pub fn verify(&self, request: &Signed<'_>) -> Result<(), AuthRejected> {
        if self.checks.is_empty() {
            return Ok(());
        }
        let mut failures = Vec::with_capacity(self.checks.len());
        for check in &self.checks {
            match check.verify(request) {
                Ok(()) => return Ok(()),
                Err(failure) => failures.push((check.name(), failure)),
            }
        }
        let kind = if failures.iter().all(|(_, f)| f.missing) {
            "missing_credentials"
        } else {
            "invalid_credentials"
        };
        let reason = failures
            .iter()
            .map(|(name, f)| format!("{name}: {}", f.reason))
            .collect::<Vec<_>>()
            .join("; ");
        Err(AuthRejected { kind, reason })
    }

    /// Rejects configurations the verifiers cannot use, before serving.
    fn preflight(&self) -> anyhow::Result<()> {
        for check in &self.checks {
            match check {
                Check::VapiSecret(_) | Check::Bearer(_) => {}
                Check::Hmac(_) | Check::StandardWebhooks(_) => {
                    anyhow::bail!(
                        "{} verification is not available in this build yet",
                        check.name()
                    )
                }
            }
        }
        Ok(())
    }
}

impl Check {
    fn name(&self) -> &'static str {
        match self {
            Check::VapiSecret(_) => "x-vapi-secret",
            Check::Bearer(_) => "bearer",
            Check::Hmac(_) => "hmac",
            Check::StandardWebhooks(_) => "standard-webhooks",
        }
    }

    fn verify(&self, request: &Signed<'_>) -> Result<(), Failure> {
        match self {
            Check::VapiSecret(secret) => {
                let value = header(request.headers, "x-vapi-secret")?;
                constant_time_eq(value.as_bytes(), secret.expose().as_bytes())
                    .then_some(())
                    .ok_or_else(|| Failure::invalid("x-vapi-secret does not match"))
            }
            Check::Bearer(bearer) => {
                let value = header(request.headers, &bearer.header)?;
                // The prefix is optional on the wire (Vapi's bearer plan
                // makes it configurable) and compared case-insensitively.
                let token = strip_prefix_ignore_case(value, &bearer.prefix).unwrap_or(value);
                constant_time_eq(token.trim().as_bytes(), bearer.token.expose().as_bytes())
                    .then_some(())
                    .ok_or_else(|| Failure::invalid(format!("{} does not match", bearer.header)))
            }
            Check::Hmac(_) | Check::StandardWebhooks(_) => {
                Err(Failure::invalid("not available in this build"))
            }
        }
    }
}

/// A header's value as text, or why it is unusable.
fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, Failure> {
    headers
        .get(name)
        .ok_or_else(|| Failure::missing(format!("{name} header missing")))?
        .to_str()
        .map_err(|_| Failure::invalid(format!("{name} header is not text")))
}

fn strip_prefix_ignore_case<'v>(value: &'v str, prefix: &str) -> Option<&'v str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &value[prefix.len()..])
}

/// Compares in time independent of where the inputs differ (the length
/// still leaks, which reveals nothing useful about a random secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(headers: &'a HeaderMap, method: &'a Method, uri: &'a Uri) -> Signed<'a> {
        Signed {
            method,
            uri,
            headers,
            body: b"{}",
            now: SystemTime::now(),
        }
    }

    fn check(auth: &IngestAuth, pairs: &[(&'static str, &str)]) -> Result<(), AuthRejected> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().expect("header value"));
        }
        let (method, uri) = (Method::POST, Uri::from_static("/"));
        auth.verify(&request(&headers, &method, &uri))
    }

    fn both() -> IngestAuth {
        IngestAuth::from_config(&IngestAuthConfig {
            vapi_secret: Some(Secret::new("v-secret")),
            bearer: Some(BearerAuth {
                token: Secret::new("b-token"),
                header: "authorization".to_owned(),
                prefix: "Bearer ".to_owned(),
            }),
            ..IngestAuthConfig::default()
        })
        .expect("valid")
    }

    #[test]
    fn no_checks_accept_everything() {
        assert_eq!(check(&IngestAuth::default(), &[]), Ok(()));
    }

    #[test]
    fn any_one_passing_check_accepts() {
        let auth = both();
        assert_eq!(check(&auth, &[("x-vapi-secret", "v-secret")]), Ok(()));
        assert_eq!(check(&auth, &[("authorization", "Bearer b-token")]), Ok(()));
        assert_eq!(check(&auth, &[("authorization", "bearer b-token")]), Ok(()));
        assert_eq!(check(&auth, &[("authorization", "b-token")]), Ok(()));
        assert_eq!(
            check(
                &auth,
                &[
                    ("x-vapi-secret", "wrong"),
                    ("authorization", "Bearer b-token")
                ]
            ),
            Ok(())
        );
    }

    #[test]
    fn failures_say_why_without_revealing_the_secret() {
        let auth = both();
        let missing = check(&auth, &[]).expect_err("no credentials");
        assert_eq!(missing.kind, "missing_credentials");
        let wrong = check(&auth, &[("x-vapi-secret", "v-secreT")]).expect_err("wrong");
        assert_eq!(wrong.kind, "invalid_credentials");
        for secret in ["v-secret", "b-token"] {
            assert!(!wrong.reason.contains(secret), "{}", wrong.reason);
        }
        assert!(
            wrong.reason.contains("x-vapi-secret does not match"),
            "{}",
            wrong.reason
        );
    }
}
