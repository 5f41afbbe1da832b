//! Why a delivery was not authenticated ([`AuthError`]), why a plan is
//! unusable ([`ConfigError`]) and why a request could not be signed
//! ([`SignError`]). No message ever contains a secret, a token or an expected
//! signature: they end up in logs and HTTP responses.

/// A plan whose configuration cannot work (bad base64 secret, invalid header
/// name, a template that needs a header that is not configured, ...).
///
/// Found by [`crate::auth::Verifier::validate`] when the config is loaded, or
/// at verification time if validation was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid authentication plan: `{field}` {reason}")]
pub struct ConfigError {
    /// The config field at fault, in its JSON spelling (`secretKey`, ...).
    pub field: &'static str,
    /// What is wrong with it. Never contains the secret.
    pub reason: String,
}

impl ConfigError {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        ConfigError {
            field,
            reason: reason.into(),
        }
    }
}

/// Why a delivery was rejected. Every variant but [`AuthError::InvalidConfig`]
/// and [`AuthError::NoVerifiers`] is the sender's fault (answer 401); those two
/// are ours (answer 500 and alert). Use [`AuthError::kind`] as a metric label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A header the scheme needs is absent.
    #[error("missing header `{header}`")]
    MissingHeader {
        /// The header's name, as configured.
        header: String,
    },
    /// The credential or signature is well-formed but wrong (wrong secret,
    /// tampered body, wrong URL or method in the signed payload, ...).
    #[error("credential or signature does not match")]
    Mismatch,
    /// The signature header cannot be read: wrong or missing prefix, not
    /// hex/base64, wrong length, no entry of a supported version.
    #[error("malformed signature in `{header}`: {reason}")]
    MalformedSignature {
        /// The header's name, as configured.
        header: String,
        /// What is wrong with it (never the expected value).
        reason: String,
    },
    /// The timestamp header is neither epoch seconds, epoch milliseconds nor
    /// an ISO-8601 date-time.
    #[error("timestamp in `{header}` is not epoch seconds, epoch milliseconds or ISO-8601")]
    InvalidTimestamp {
        /// The header's name, as configured.
        header: String,
    },
    /// The timestamp is readable but too far from now: a replay, or a
    /// sender whose clock is off.
    #[error(
        "timestamp is {} s in the {}, outside the tolerance of {tolerance_seconds} s",
        age_seconds.unsigned_abs(),
        if *age_seconds >= 0 { "past" } else { "future" }
    )]
    TimestampOutsideTolerance {
        /// `now - timestamp` in whole seconds: positive when the timestamp is
        /// in the past, negative when it is in the future.
        age_seconds: i64,
        /// The configured tolerance.
        tolerance_seconds: u64,
    },
    /// The verifier's own configuration is unusable.
    #[error(transparent)]
    InvalidConfig(#[from] ConfigError),
    /// [`crate::auth::verify_any`] was given no verifier at all: fail closed.
    #[error("no verifier is configured")]
    NoVerifiers,
}

impl AuthError {
    /// A stable, low-cardinality name for metrics and structured logs.
    pub fn kind(&self) -> &'static str {
        match self {
            AuthError::MissingHeader { .. } => "missing_header",
            AuthError::Mismatch => "mismatch",
            AuthError::MalformedSignature { .. } => "malformed_signature",
            AuthError::InvalidTimestamp { .. } => "invalid_timestamp",
            AuthError::TimestampOutsideTolerance { .. } => "timestamp_outside_tolerance",
            AuthError::InvalidConfig(_) => "invalid_config",
            AuthError::NoVerifiers => "no_verifiers",
        }
    }

    /// True when the receiver, not the sender, is at fault (a bad or missing
    /// configuration): answer 500 rather than 401.
    pub fn is_server_fault(&self) -> bool {
        matches!(self, AuthError::InvalidConfig(_) | AuthError::NoVerifiers)
    }

    /// How much this error says about the request, used by
    /// [`crate::auth::verify_any`] to report the most useful failure: a
    /// misconfiguration first, then anything that looked at a present header,
    /// then a missing header (which just means "not this scheme").
    pub(crate) fn specificity(&self) -> u8 {
        match self {
            AuthError::NoVerifiers => 0,
            AuthError::MissingHeader { .. } => 1,
            AuthError::InvalidConfig(_) => 3,
            _ => 2,
        }
    }
}

/// Why a request could not be signed (simulator and tests).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The plan's configuration is unusable.
    #[error(transparent)]
    InvalidConfig(#[from] ConfigError),
    /// The scheme signs a message id (Standard Webhooks, or an HMAC template
    /// with `{svix-id}`) and none was given.
    #[error("this scheme needs a message id to sign")]
    MissingMessageId,
    /// A value cannot be carried in an HTTP header (control characters, ...).
    #[error("value for header `{header}` is not a valid header value")]
    InvalidHeaderValue {
        /// The header's name.
        header: String,
    },
}
