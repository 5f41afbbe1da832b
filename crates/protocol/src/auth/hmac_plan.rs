//! Vapi's HMAC credential (`HMACAuthenticationPlan` in the 2026-08 spec):
//! an HMAC over a payload built from a template, sent hex or base64 in a
//! header, optionally with a prefix, a timestamp header and a message-id
//! header.

use std::borrow::Cow;

use http::{HeaderName, HeaderValue};
use serde::Deserialize;

use super::mac::{decode_base64_lenient, macs_equal, HmacAlgorithm, SignatureEncoding};
use super::time::{check_tolerance, parse_timestamp};
use super::{
    header_name, header_value, required_header, AuthError, ConfigError, Scheme, Secret, SignError,
    SignInput, SignedRequest, Verified,
};

/// The payload template when `includeTimestamp` is true (Vapi's default).
pub const DEFAULT_PAYLOAD_FORMAT: &str = "{timestamp}.{body}";
/// The payload template when `includeTimestamp` is false and no
/// `payloadFormat` is set: the body alone.
pub const DEFAULT_PAYLOAD_FORMAT_WITHOUT_TIMESTAMP: &str = "{body}";

/// An HMAC signature check, field for field Vapi's `HMACAuthenticationPlan`
/// (JSON names in camelCase, Vapi's defaults), plus our `toleranceSeconds`.
///
/// JSON form: `{"type": "hmac", "secretKey": "...", "algorithm": "sha256",
/// "signatureHeader": "x-signature", "timestampHeader": "x-timestamp",
/// "signaturePrefix": "sha256=", "includeTimestamp": true,
/// "payloadFormat": "{timestamp}.{body}", "messageIdHeader": "svix-id",
/// "signatureEncoding": "hex", "secretIsBase64": false, "toleranceSeconds": 300}`;
/// only `secretKey` and `algorithm` are required.
///
/// The payload is `payloadFormat` with each placeholder replaced, in one
/// pass, by: `{body}` the raw body bytes, `{timestamp}` the timestamp header
/// value as sent, `{method}` the HTTP method, `{url}` the URL Vapi posted to,
/// `{svix-id}` the value of `messageIdHeader`. Any other text, including
/// unknown `{...}`, is signed literally.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HmacPlan {
    /// The HMAC key (its UTF-8 bytes, or base64 of the key when
    /// `secretIsBase64`).
    pub secret_key: Secret,
    /// The hash function.
    pub algorithm: HmacAlgorithm,
    /// The header carrying the signature; defaults to `x-signature`.
    #[serde(default = "default_signature_header")]
    pub signature_header: String,
    /// The header carrying the timestamp; defaults to `x-timestamp`.
    #[serde(default = "default_timestamp_header")]
    pub timestamp_header: String,
    /// Text before the encoded signature, e.g. `sha256=` (GitHub style) or
    /// `v1,` (Svix style). Matched case-insensitively when verifying.
    #[serde(default)]
    pub signature_prefix: Option<String>,
    /// Whether a timestamp header is sent and may be signed (default true).
    /// When false the timestamp header is neither sent nor read.
    #[serde(default = "default_true")]
    pub include_timestamp: bool,
    /// The payload template; defaults to [`DEFAULT_PAYLOAD_FORMAT`], or to
    /// [`DEFAULT_PAYLOAD_FORMAT_WITHOUT_TIMESTAMP`] when `includeTimestamp`
    /// is false.
    #[serde(default)]
    pub payload_format: Option<String>,
    /// The header carrying a unique message id (Svix style, e.g. `svix-id`).
    /// Needed when the template uses `{svix-id}`, and only then does its
    /// value become [`Verified::message_id`]: an id the signature does not
    /// cover could be anything.
    #[serde(default)]
    pub message_id_header: Option<String>,
    /// How the signature is written (default hex).
    #[serde(default)]
    pub signature_encoding: SignatureEncoding,
    /// Whether `secretKey` is base64 of the key (default false). A Svix-style
    /// `whsec_` prefix is stripped before decoding.
    #[serde(default)]
    pub secret_is_base64: bool,
    /// Our addition: reject deliveries whose timestamp is more than this many
    /// seconds from now, either way (replay protection). `None` (the
    /// default) checks no window; needs `includeTimestamp`.
    #[serde(default)]
    pub tolerance_seconds: Option<u64>,
}

fn default_signature_header() -> String {
    "x-signature".to_owned()
}

fn default_timestamp_header() -> String {
    "x-timestamp".to_owned()
}

fn default_true() -> bool {
    true
}

/// One piece of a parsed payload template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'t> {
    Literal(&'t str),
    Body,
    Timestamp,
    Method,
    Url,
    MessageId,
}

const PLACEHOLDERS: [(&str, Segment<'static>); 5] = [
    ("{body}", Segment::Body),
    ("{timestamp}", Segment::Timestamp),
    ("{method}", Segment::Method),
    ("{url}", Segment::Url),
    ("{svix-id}", Segment::MessageId),
];

/// Splits a template into literals and placeholders in one left-to-right
/// pass, so a placeholder-like text inside the body is never expanded.
fn parse_template(template: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    while i < template.len() {
        // `{` is ASCII, so `i` is a char boundary whenever it matches.
        if template.as_bytes()[i] == b'{' {
            if let Some((text, segment)) = PLACEHOLDERS
                .iter()
                .find(|(text, _)| template[i..].starts_with(text))
            {
                if literal_start < i {
                    segments.push(Segment::Literal(&template[literal_start..i]));
                }
                segments.push(*segment);
                i += text.len();
                literal_start = i;
                continue;
            }
        }
        i += 1;
    }
    if literal_start < template.len() {
        segments.push(Segment::Literal(&template[literal_start..]));
    }
    segments
}

/// The values the placeholders expand to.
struct PayloadFields<'a> {
    method: &'a str,
    url: &'a str,
    body: &'a [u8],
    timestamp: &'a str,
    message_id: &'a [u8],
}

impl HmacPlan {
    /// A plan with Vapi's defaults for everything but the key and algorithm.
    pub fn new(secret_key: impl Into<Secret>, algorithm: HmacAlgorithm) -> Self {
        HmacPlan {
            secret_key: secret_key.into(),
            algorithm,
            signature_header: default_signature_header(),
            timestamp_header: default_timestamp_header(),
            signature_prefix: None,
            include_timestamp: true,
            payload_format: None,
            message_id_header: None,
            signature_encoding: SignatureEncoding::Hex,
            secret_is_base64: false,
            tolerance_seconds: None,
        }
    }

    /// The payload template in effect (explicit, or the default).
    pub fn payload_format(&self) -> &str {
        match &self.payload_format {
            Some(format) => format,
            None if self.include_timestamp => DEFAULT_PAYLOAD_FORMAT,
            None => DEFAULT_PAYLOAD_FORMAT_WITHOUT_TIMESTAMP,
        }
    }

    fn uses(&self, wanted: Segment<'static>) -> bool {
        parse_template(self.payload_format()).contains(&wanted)
    }

    /// The HMAC key bytes.
    fn key(&self) -> Result<Cow<'_, [u8]>, ConfigError> {
        let secret = self.secret_key.expose();
        let key: Cow<'_, [u8]> = if self.secret_is_base64 {
            let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
            // The decoder's error names the offending character: not logged.
            Cow::Owned(decode_base64_lenient(encoded).ok_or_else(|| {
                ConfigError::new("secretKey", "is not valid base64 (secretIsBase64 is true)")
            })?)
        } else {
            Cow::Borrowed(secret.as_bytes())
        };
        if key.is_empty() {
            return Err(ConfigError::new("secretKey", "is empty"));
        }
        Ok(key)
    }

    /// Checks the configuration without a request.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.key()?;
        header_name("signatureHeader", &self.signature_header)?;
        if self.include_timestamp {
            header_name("timestampHeader", &self.timestamp_header)?;
        } else {
            if self.uses(Segment::Timestamp) {
                return Err(ConfigError::new(
                    "payloadFormat",
                    "uses {timestamp} but includeTimestamp is false",
                ));
            }
            if self.tolerance_seconds.is_some() {
                return Err(ConfigError::new(
                    "toleranceSeconds",
                    "is set but includeTimestamp is false",
                ));
            }
        }
        match &self.message_id_header {
            Some(name) => header_name("messageIdHeader", name).map(drop),
            None if self.uses(Segment::MessageId) => Err(ConfigError::new(
                "messageIdHeader",
                "must be set when payloadFormat uses {svix-id}",
            )),
            None => Ok(()),
        }
    }

    /// The MAC of the payload, fed to the hash piece by piece so the body is
    /// never copied.
    fn compute(&self, key: &[u8], fields: &PayloadFields<'_>) -> Vec<u8> {
        let parts: Vec<&[u8]> = parse_template(self.payload_format())
            .into_iter()
            .map(|segment| match segment {
                Segment::Literal(text) => text.as_bytes(),
                Segment::Body => fields.body,
                Segment::Timestamp => fields.timestamp.as_bytes(),
                Segment::Method => fields.method.as_bytes(),
                Segment::Url => fields.url.as_bytes(),
                Segment::MessageId => fields.message_id,
            })
            .collect();
        self.algorithm.mac(key, &parts)
    }

    /// Verifies one delivery at time `now`.
    pub fn verify(
        &self,
        request: &SignedRequest<'_>,
        now: std::time::SystemTime,
    ) -> Result<Verified, AuthError> {
        self.validate()?;
        let key = self.key()?;

        // Read the signature first: a request without one is not for this
        // verifier, whatever else it carries.
        required_header(request, &self.signature_header)?;

        let timestamp = if self.include_timestamp {
            let value = required_header(request, &self.timestamp_header)?;
            let invalid = || AuthError::InvalidTimestamp {
                header: self.timestamp_header.clone(),
            };
            let text = value.to_str().map_err(|_| invalid())?;
            if let Some(tolerance) = self.tolerance_seconds {
                let at = parse_timestamp(text).ok_or_else(invalid)?;
                check_tolerance(at, now, tolerance)?;
            }
            text
        } else {
            ""
        };

        let message_id = match &self.message_id_header {
            Some(name) => match request.headers.get(name.as_str()) {
                Some(value) => Some(value.as_bytes()),
                None if self.uses(Segment::MessageId) => {
                    return Err(AuthError::MissingHeader {
                        header: name.clone(),
                    })
                }
                None => None,
            },
            None => None,
        };

        let expected = self.compute(
            &key,
            &PayloadFields {
                method: request.method,
                url: request.url,
                body: request.body,
                timestamp,
                message_id: message_id.unwrap_or_default(),
            },
        );
        self.match_signatures(request, &expected)?;
        let message_id = message_id
            .filter(|_| self.uses(Segment::MessageId))
            .map(|id| String::from_utf8_lossy(id).into_owned());
        Ok(Verified::new(Scheme::Hmac, message_id))
    }

    /// Compares every signature in the header (space-separated entries, or
    /// repeated headers, as senders rotating keys do) with `expected`.
    fn match_signatures(
        &self,
        request: &SignedRequest<'_>,
        expected: &[u8],
    ) -> Result<(), AuthError> {
        let header = &self.signature_header;
        let malformed = |reason: String| AuthError::MalformedSignature {
            header: header.clone(),
            reason,
        };
        let prefix = self.signature_prefix.as_deref().unwrap_or("");
        let mut first_problem: Option<String> = None;
        let mut any_well_formed = false;
        for value in request.headers.get_all(header.as_str()) {
            let Ok(text) = value.to_str() else {
                first_problem.get_or_insert_with(|| "not visible ASCII".to_owned());
                continue;
            };
            for entry in text.split_ascii_whitespace() {
                let encoded = match entry.get(..prefix.len()) {
                    Some(head) if head.eq_ignore_ascii_case(prefix) => &entry[prefix.len()..],
                    _ => {
                        first_problem
                            .get_or_insert_with(|| format!("does not start with `{prefix}`"));
                        continue;
                    }
                };
                let Some(received) = self.signature_encoding.decode(encoded) else {
                    first_problem.get_or_insert_with(|| {
                        format!("not valid {}", self.signature_encoding.name())
                    });
                    continue;
                };
                if received.len() != self.algorithm.output_len() {
                    first_problem.get_or_insert_with(|| {
                        format!(
                            "{} bytes, expected {} for {:?}",
                            received.len(),
                            self.algorithm.output_len(),
                            self.algorithm
                        )
                    });
                    continue;
                }
                any_well_formed = true;
                if macs_equal(&received, expected) {
                    return Ok(());
                }
            }
        }
        if any_well_formed {
            Err(AuthError::Mismatch)
        } else {
            Err(malformed(
                first_problem.unwrap_or_else(|| "empty".to_owned()),
            ))
        }
    }

    /// The headers Vapi attaches to a request signed with this plan:
    /// signature, then timestamp (when `includeTimestamp`), then message id
    /// (when `messageIdHeader` is set and `input.message_id` is given).
    pub fn sign(&self, input: &SignInput<'_>) -> Result<Vec<(HeaderName, HeaderValue)>, SignError> {
        self.validate()?;
        let key = self.key()?;
        if self.uses(Segment::MessageId) && input.message_id.is_none() {
            return Err(SignError::MissingMessageId);
        }
        let timestamp = if self.include_timestamp {
            input.timestamp
        } else {
            ""
        };
        let mac = self.compute(
            &key,
            &PayloadFields {
                method: input.method,
                url: input.url,
                body: input.body,
                timestamp,
                message_id: input.message_id.unwrap_or("").as_bytes(),
            },
        );
        let prefix = self.signature_prefix.as_deref().unwrap_or("");
        let signature = format!("{prefix}{}", self.signature_encoding.encode(&mac));

        let mut headers = Vec::with_capacity(3);
        let name = header_name("signatureHeader", &self.signature_header)?;
        headers.push((name.clone(), header_value(&name, &signature)?));
        if self.include_timestamp {
            let name = header_name("timestampHeader", &self.timestamp_header)?;
            headers.push((name.clone(), header_value(&name, input.timestamp)?));
        }
        if let (Some(header), Some(id)) = (&self.message_id_header, input.message_id) {
            let name = header_name("messageIdHeader", header)?;
            headers.push((name.clone(), header_value(&name, id)?));
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_literals_and_placeholders_in_one_pass() {
        assert_eq!(
            parse_template("{method}:{url}|{svix-id}.{timestamp}.{body}{unknown}"),
            vec![
                Segment::Method,
                Segment::Literal(":"),
                Segment::Url,
                Segment::Literal("|"),
                Segment::MessageId,
                Segment::Literal("."),
                Segment::Timestamp,
                Segment::Literal("."),
                Segment::Body,
                Segment::Literal("{unknown}"),
            ]
        );
    }

    #[test]
    fn a_template_without_placeholders_is_one_literal() {
        assert_eq!(parse_template("{ {body"), vec![Segment::Literal("{ {body")]);
        assert!(parse_template("").is_empty());
    }
}
