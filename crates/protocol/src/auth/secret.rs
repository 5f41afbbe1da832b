//! [`Secret`]: a credential that never shows up in logs.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A secret value (shared secret, bearer token, HMAC key) that cannot be
/// printed by accident: `Debug` and `Display` both write `Secret(***)`.
///
/// It deserializes from a plain JSON/TOML string so that config files can
/// embed Vapi's credential JSON as is. It deliberately does not implement
/// `Serialize` or `PartialEq`: secrets are compared in constant time by the
/// verifiers, never with `==`, and never written back out.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Call it only where the value is needed (computing a
    /// MAC, writing an outgoing header), never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (always a misconfiguration).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}
