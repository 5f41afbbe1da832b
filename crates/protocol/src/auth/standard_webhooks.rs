//! Standard Webhooks (<https://www.standardwebhooks.com>, the scheme Svix
//! popularised): HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`
//! with a `whsec_`-prefixed base64 secret; the `webhook-signature` header
//! holds space-separated `v1,<base64>` entries, several during key rotation.

use http::{HeaderName, HeaderValue};
use serde::Deserialize;

use super::mac::{decode_base64_lenient, macs_equal, HmacAlgorithm, SignatureEncoding};
use super::time::check_tolerance;
use super::{
    header_value, required_header, AuthError, ConfigError, Scheme, Secret, SignError, SignInput,
    SignedRequest, Verified,
};

/// The message id header.
pub const WEBHOOK_ID: &str = "webhook-id";
/// The timestamp header (integer seconds since the Unix epoch).
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// The signature header.
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";
/// The replay window of the specification: five minutes either way.
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// A Standard Webhooks signature check.
///
/// JSON form: `{"type": "standard-webhooks", "secret": "whsec_...", "toleranceSeconds": 300}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StandardWebhooksPlan {
    /// The signing secret, `whsec_` followed by base64 of the key (the
    /// prefix is optional).
    pub secret: Secret,
    /// Reject timestamps further than this from now, either way (default
    /// 300, as the specification says; `null` disables the check).
    #[serde(default = "default_tolerance")]
    pub tolerance_seconds: Option<u64>,
}

fn default_tolerance() -> Option<u64> {
    Some(DEFAULT_TOLERANCE_SECONDS)
}

impl StandardWebhooksPlan {
    /// A plan with the specification's five-minute tolerance.
    pub fn new(secret: impl Into<Secret>) -> Self {
        StandardWebhooksPlan {
            secret: secret.into(),
            tolerance_seconds: default_tolerance(),
        }
    }

    fn key(&self) -> Result<Vec<u8>, ConfigError> {
        let secret = self.secret.expose();
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        match decode_base64_lenient(encoded) {
            Some(key) if !key.is_empty() => Ok(key),
            Some(_) => Err(ConfigError::new("secret", "is empty")),
            // The decoder's error names the offending character: not logged.
            None => Err(ConfigError::new("secret", "is not `whsec_` + base64")),
        }
    }

    /// Checks the configuration without a request.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.key().map(drop)
    }

    /// Verifies one delivery at time `now`. The `webhook-id` becomes
    /// [`Verified::message_id`].
    pub fn verify(
        &self,
        request: &SignedRequest<'_>,
        now: std::time::SystemTime,
    ) -> Result<Verified, AuthError> {
        let key = self.key()?;
        required_header(request, WEBHOOK_SIGNATURE)?;
        let id = required_header(request, WEBHOOK_ID)?.as_bytes();
        let timestamp = required_header(request, WEBHOOK_TIMESTAMP)?.as_bytes();

        let seconds = std::str::from_utf8(timestamp)
            .ok()
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse::<i64>().ok())
            .ok_or_else(|| AuthError::InvalidTimestamp {
                header: WEBHOOK_TIMESTAMP.to_owned(),
            })?;
        if let Some(tolerance) = self.tolerance_seconds {
            check_tolerance(seconds.saturating_mul(1000), now, tolerance)?;
        }

        let expected = HmacAlgorithm::Sha256.mac(&key, &[id, b".", timestamp, b".", request.body]);
        match_v1_signatures(request, &expected)?;
        Ok(Verified::new(
            Scheme::StandardWebhooks,
            Some(String::from_utf8_lossy(id).into_owned()),
        ))
    }

    /// The three headers a Standard Webhooks sender attaches. Needs
    /// `input.message_id`; `input.timestamp` must be integer seconds (see
    /// [`crate::auth::TimestampFormat::Seconds`]).
    pub fn sign(&self, input: &SignInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>, SignError> {
        let key = self.key()?;
        let id = input.message_id.ok_or(SignError::MissingMessageId)?;
        let mac = HmacAlgorithm::Sha256.mac(
            &key,
            &[
                id.as_bytes(),
                b".",
                input.timestamp.as_bytes(),
                b".",
                input.body,
            ],
        );
        let signature = format!("v1,{}", SignatureEncoding::Base64.encode(&mac));
        let mut headers = Vec::with_capacity(3);
        for (name, value) in [
            (WEBHOOK_ID, id),
            (WEBHOOK_TIMESTAMP, input.timestamp),
            (WEBHOOK_SIGNATURE, signature.as_str()),
        ] {
            let name = HeaderName::from_static(name);
            headers.push((name.clone(), header_value(&name, value)?));
        }
        Ok(headers)
    }
}

/// Accepts when any `v1,` entry matches; entries of other versions (`v1a`
/// asymmetric signatures, future ones) are skipped, as the spec asks.
fn match_v1_signatures(request: &SignedRequest<'_>, expected: &[u8]) -> Result<(), AuthError> {
    let mut first_problem: Option<&'static str> = None;
    let mut any_well_formed = false;
    for value in request.headers.get_all(WEBHOOK_SIGNATURE) {
        let Ok(text) = value.to_str() else {
            first_problem.get_or_insert("not visible ASCII");
            continue;
        };
        for entry in text.split_ascii_whitespace() {
            let Some((version, encoded)) = entry.split_once(',') else {
                first_problem.get_or_insert("an entry is not `<version>,<signature>`");
                continue;
            };
            if version != "v1" {
                first_problem.get_or_insert("no `v1` entry");
                continue;
            }
            match decode_base64_lenient(encoded) {
                Some(received) if received.len() == expected.len() => {
                    any_well_formed = true;
                    if macs_equal(&received, expected) {
                        return Ok(());
                    }
                }
                Some(_) => {
                    first_problem.get_or_insert("a v1 signature is not 32 bytes");
                }
                None => {
                    first_problem.get_or_insert("a v1 signature is not valid base64");
                }
            }
        }
    }
    if any_well_formed {
        Err(AuthError::Mismatch)
    } else {
        Err(AuthError::MalformedSignature {
            header: WEBHOOK_SIGNATURE.to_owned(),
            reason: first_problem.unwrap_or("empty").to_owned(),
        })
    }
}
