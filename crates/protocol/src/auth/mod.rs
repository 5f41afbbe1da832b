//! Signature and credential checks on a delivery, as Vapi sends them: pure
//! functions over the request's method, URL, headers and **raw** body bytes
//! (re-serialised JSON breaks signatures), with the current time passed in.
//!
//! Four schemes, each a plan struct that deserializes from Vapi's credential
//! JSON (camelCase, Vapi's defaults) and can both verify and sign:
//!
//! - [`VapiSecretPlan`], the legacy shared secret: the `x-vapi-secret`
//!   header equals `server.secret`.
//! - [`BearerPlan`], Vapi's `BearerAuthenticationPlan`: a token in a
//!   configurable header (default `Authorization`), `Bearer ` prefix optional.
//! - [`HmacPlan`], Vapi's `HMACAuthenticationPlan`: an HMAC (SHA-256, SHA-512
//!   or SHA-1) over a payload template (default `{timestamp}.{body}`; also
//!   `{method}`, `{url}`, `{svix-id}`), hex or base64, optional prefix such as
//!   `sha256=`, optional replay window on the timestamp header.
//! - [`StandardWebhooksPlan`], <https://www.standardwebhooks.com>:
//!   `webhook-id` / `webhook-timestamp` / `webhook-signature: v1,<base64>`.
//!
//! [`Verifier`] is the sum of the four, tagged by `type` as Vapi's
//! `authenticationPlan` is (`"hmac"`, `"bearer"`, plus our `"vapi-secret"` and
//! `"standard-webhooks"`). Ingest holds a `Vec<Verifier>` and calls
//! [`verify_any`]: a delivery is accepted when one verifier accepts it, which
//! also covers secret rotation (configure the old and the new secret).
//! Each scheme's `sign` produces the headers a sender attaches, for the
//! simulator and tests.
//!
//! Every comparison is constant-time (`subtle`), on decoded MAC bytes, not
//! strings. Errors ([`AuthError`]) never contain a secret or an expected
//! signature, and [`Secret`] never prints its value.
//!
//! This module knows nothing of HTTP servers, config files or clocks.

mod bearer;
mod error;
mod hmac_plan;
mod mac;
mod secret;
mod standard_webhooks;
mod time;
mod vapi_secret;

use std::time::SystemTime;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;

pub use bearer::BearerPlan;
pub use error::{AuthError, ConfigError, SignError};
pub use hmac_plan::{HmacPlan, DEFAULT_PAYLOAD_FORMAT, DEFAULT_PAYLOAD_FORMAT_WITHOUT_TIMESTAMP};
pub use mac::{HmacAlgorithm, SignatureEncoding};
pub use secret::Secret;
pub use standard_webhooks::{
    StandardWebhooksPlan, DEFAULT_TOLERANCE_SECONDS, WEBHOOK_ID, WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP,
};
pub use time::{format_timestamp, parse_timestamp, TimestampFormat};
pub use vapi_secret::VapiSecretPlan;

/// A received request, as far as authentication needs it.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The HTTP method as received (`POST`).
    pub method: &'a str,
    /// The URL the sender posted to, as the sender wrote it (scheme, host,
    /// path and query, e.g. `https://hooks.example.com/vapi?x=1`). Only
    /// HMAC templates with `{url}` use it; behind a proxy, rebuild it from the
    /// configured public base URL, not from the Host header.
    pub url: &'a str,
    /// All request headers.
    pub headers: &'a HeaderMap,
    /// The raw body bytes, exactly as received.
    pub body: &'a [u8],
}

impl<'a> SignedRequest<'a> {
    /// Bundles the parts of a request.
    pub fn new(method: &'a str, url: &'a str, headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        SignedRequest {
            method,
            url,
            headers,
            body,
        }
    }
}

/// What a sender signs: the request, and the timestamp and message id it
/// will send alongside.
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    /// The HTTP method (`POST`).
    pub method: &'a str,
    /// The URL posted to.
    pub url: &'a str,
    /// The raw body bytes.
    pub body: &'a [u8],
    /// The timestamp header value, as it will be sent (see
    /// [`format_timestamp`]). Ignored by the shared-secret and bearer schemes.
    pub timestamp: &'a str,
    /// The unique message id (`svix-id`, `webhook-id`), when the scheme uses one.
    pub message_id: Option<&'a str>,
}

/// Which scheme accepted a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// [`VapiSecretPlan`].
    VapiSecret,
    /// [`BearerPlan`].
    Bearer,
    /// [`HmacPlan`].
    Hmac,
    /// [`StandardWebhooksPlan`].
    StandardWebhooks,
}

impl Scheme {
    /// A stable name for metrics and logs, the same as the `type` tag.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::VapiSecret => "vapi-secret",
            Scheme::Bearer => "bearer",
            Scheme::Hmac => "hmac",
            Scheme::StandardWebhooks => "standard-webhooks",
        }
    }
}

/// An accepted delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The scheme that accepted it.
    pub scheme: Scheme,
    /// The sender's unique message id, only when the signature that
    /// verified covers it (its exact bytes are an input of the MAC): always
    /// Standard Webhooks' `webhook-id`; the HMAC plan's `messageIdHeader`
    /// when its template has `{svix-id}`. `None` otherwise, even when the
    /// header is there: an id nobody signed could name any delivery, so it
    /// must not decide which deliveries are the same.
    pub message_id: Option<String>,
}

impl Verified {
    fn new(scheme: Scheme, message_id: Option<String>) -> Self {
        Verified { scheme, message_id }
    }
}

/// One configured way of authenticating deliveries.
///
/// Deserializes from an object tagged by `type`, so a Vapi credential's
/// `authenticationPlan` (`"hmac"`, `"bearer"`) can be pasted into a config
/// file as is. Vapi's `oauth2` plan is not a receiver-side check and is not
/// supported.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Verifier {
    /// `{"type": "vapi-secret", ...}`: see [`VapiSecretPlan`].
    VapiSecret(VapiSecretPlan),
    /// `{"type": "bearer", ...}`: see [`BearerPlan`].
    Bearer(BearerPlan),
    /// `{"type": "hmac", ...}`: see [`HmacPlan`].
    Hmac(HmacPlan),
    /// `{"type": "standard-webhooks", ...}`: see [`StandardWebhooksPlan`].
    StandardWebhooks(StandardWebhooksPlan),
}

impl Verifier {
    /// Checks the configuration without a request; call it when loading
    /// config so that a bad plan stops startup rather than every delivery.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            Verifier::VapiSecret(plan) => plan.validate(),
            Verifier::Bearer(plan) => plan.validate(),
            Verifier::Hmac(plan) => plan.validate(),
            Verifier::StandardWebhooks(plan) => plan.validate(),
        }
    }

    /// Verifies one delivery at time `now` (only timestamped schemes read it).
    pub fn verify(
        &self,
        request: &SignedRequest<'_>,
        now: SystemTime,
    ) -> Result<Verified, AuthError> {
        match self {
            Verifier::VapiSecret(plan) => plan.verify(request),
            Verifier::Bearer(plan) => plan.verify(request),
            Verifier::Hmac(plan) => plan.verify(request, now),
            Verifier::StandardWebhooks(plan) => plan.verify(request, now),
        }
    }

    /// The headers a sender using this plan attaches to the request.
    pub fn sign(&self, input: &SignInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>, SignError> {
        match self {
            Verifier::VapiSecret(plan) => plan.sign(input),
            Verifier::Bearer(plan) => plan.sign(input),
            Verifier::Hmac(plan) => plan.sign(input),
            Verifier::StandardWebhooks(plan) => plan.sign(input),
        }
    }

    /// The scheme this verifier checks.
    pub fn scheme(&self) -> Scheme {
        match self {
            Verifier::VapiSecret(_) => Scheme::VapiSecret,
            Verifier::Bearer(_) => Scheme::Bearer,
            Verifier::Hmac(_) => Scheme::Hmac,
            Verifier::StandardWebhooks(_) => Scheme::StandardWebhooks,
        }
    }
}

impl From<VapiSecretPlan> for Verifier {
    fn from(plan: VapiSecretPlan) -> Self {
        Verifier::VapiSecret(plan)
    }
}

impl From<BearerPlan> for Verifier {
    fn from(plan: BearerPlan) -> Self {
        Verifier::Bearer(plan)
    }
}

impl From<HmacPlan> for Verifier {
    fn from(plan: HmacPlan) -> Self {
        Verifier::Hmac(plan)
    }
}

impl From<StandardWebhooksPlan> for Verifier {
    fn from(plan: StandardWebhooksPlan) -> Self {
        Verifier::StandardWebhooks(plan)
    }
}

/// Accepts a delivery when any verifier accepts it, trying them in order.
///
/// When all reject, returns the most telling failure: a misconfiguration,
/// else the first rejection that examined a present header (a mismatch, a
/// bad timestamp, ...), else the first missing header. With no verifiers at
/// all it fails closed with [`AuthError::NoVerifiers`]; a deployment that
/// wants no authentication should not call it.
pub fn verify_any(
    verifiers: &[Verifier],
    request: &SignedRequest<'_>,
    now: SystemTime,
) -> Result<Verified, AuthError> {
    let mut best = AuthError::NoVerifiers;
    for verifier in verifiers {
        match verifier.verify(request, now) {
            Ok(verified) => return Ok(verified),
            Err(error) if error.specificity() > best.specificity() => best = error,
            Err(_) => {}
        }
    }
    Err(best)
}

/// Parses a configured header name.
fn header_name(field: &'static str, name: &str) -> Result<HeaderName, ConfigError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ConfigError::new(field, format!("{name:?} is not a valid HTTP header name")))
}

/// Makes an outgoing header value.
fn header_value(name: &HeaderName, value: &str) -> Result<HeaderValue, SignError> {
    HeaderValue::from_str(value).map_err(|_| SignError::InvalidHeaderValue {
        header: name.as_str().to_owned(),
    })
}

/// The first value of a header the scheme cannot do without.
fn required_header<'r>(
    request: &SignedRequest<'r>,
    name: &str,
) -> Result<&'r HeaderValue, AuthError> {
    request
        .headers
        .get(name)
        .ok_or_else(|| AuthError::MissingHeader {
            header: name.to_owned(),
        })
}
