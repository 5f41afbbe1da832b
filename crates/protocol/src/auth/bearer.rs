//! Bearer credentials (`BearerAuthenticationPlan` in Vapi's spec): a token in
//! a configurable header (default `Authorization`), with or without the
//! `Bearer ` prefix.

use http::{HeaderName, HeaderValue};
use serde::Deserialize;

use super::mac::credentials_equal;
use super::{
    header_name, header_value, required_header, AuthError, ConfigError, Scheme, Secret, SignError,
    SignInput, SignedRequest, Verified,
};

/// Accepts a delivery whose configured header holds the token, either bare
/// or after a `Bearer ` prefix (any case), compared in constant time.
///
/// JSON form, as in Vapi's `BearerAuthenticationPlan`:
/// `{"type": "bearer", "token": "...", "headerName": "Authorization", "bearerPrefixEnabled": true}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BearerPlan {
    /// The expected token.
    pub token: Secret,
    /// The header carrying it; defaults to `authorization` (header names are
    /// case-insensitive).
    #[serde(default = "default_header")]
    pub header_name: String,
    /// Whether the sender writes `Bearer <token>` rather than the bare token
    /// (default true). Only signing depends on it: verification accepts both.
    #[serde(default = "default_true")]
    pub bearer_prefix_enabled: bool,
}

fn default_header() -> String {
    "authorization".to_owned()
}

fn default_true() -> bool {
    true
}

impl BearerPlan {
    /// A plan with the default header `authorization` and the prefix enabled.
    pub fn new(token: impl Into<Secret>) -> Self {
        BearerPlan {
            token: token.into(),
            header_name: default_header(),
            bearer_prefix_enabled: true,
        }
    }

    /// Checks the configuration without a request.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.token.is_empty() {
            return Err(ConfigError::new("token", "is empty"));
        }
        header_name("headerName", &self.header_name).map(drop)
    }

    /// Verifies one delivery.
    pub fn verify(&self, request: &SignedRequest<'_>) -> Result<Verified, AuthError> {
        self.validate()?;
        let received = required_header(request, &self.header_name)?.as_bytes();
        let token = self.token.expose().as_bytes();
        // Both comparisons always run, so timing does not tell which form was
        // used; the bare comparison also covers a token that itself starts
        // with "Bearer ".
        let bare = credentials_equal(received, token);
        let prefixed = strip_bearer(received).is_some_and(|rest| credentials_equal(rest, token));
        if bare | prefixed {
            Ok(Verified::new(Scheme::Bearer, None))
        } else {
            Err(AuthError::Mismatch)
        }
    }

    /// The header Vapi attaches (marked sensitive, so `http` never prints it).
    pub fn sign(
        &self,
        _input: &SignInput<'_>,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, SignError> {
        self.validate()?;
        let name = header_name("headerName", &self.header_name)?;
        let text = if self.bearer_prefix_enabled {
            format!("Bearer {}", self.token.expose())
        } else {
            self.token.expose().to_owned()
        };
        let mut value = header_value(&name, &text)?;
        value.set_sensitive(true);
        Ok(vec![(name, value)])
    }
}

/// The token after a case-insensitive `Bearer` and at least one space.
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    const PREFIX: &[u8] = b"bearer";
    if value.len() <= PREFIX.len() || !value[..PREFIX.len()].eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    let rest = &value[PREFIX.len()..];
    let trimmed = rest.trim_ascii_start();
    (trimmed.len() < rest.len()).then_some(trimmed)
}
