//! The legacy shared secret: Vapi sends the assistant's or phone number's
//! `server.secret` verbatim in an `x-vapi-secret` header.

use http::{HeaderName, HeaderValue};
use serde::Deserialize;

use super::mac::credentials_equal;
use super::{
    header_name, header_value, required_header, AuthError, ConfigError, Scheme, Secret, SignError,
    SignInput, SignedRequest, Verified,
};

/// Accepts a delivery whose `x-vapi-secret` header (or the configured
/// header) equals the shared secret, compared in constant time.
///
/// JSON form: `{"type": "vapi-secret", "secret": "...", "headerName": "x-vapi-secret"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VapiSecretPlan {
    /// The shared secret.
    pub secret: Secret,
    /// The header carrying it; defaults to `x-vapi-secret`.
    #[serde(default = "default_header")]
    pub header_name: String,
}

fn default_header() -> String {
    "x-vapi-secret".to_owned()
}

impl VapiSecretPlan {
    /// A plan with the default header `x-vapi-secret`.
    pub fn new(secret: impl Into<Secret>) -> Self {
        VapiSecretPlan {
            secret: secret.into(),
            header_name: default_header(),
        }
    }

    /// Checks the configuration without a request.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.secret.is_empty() {
            return Err(ConfigError::new("secret", "is empty"));
        }
        header_name("headerName", &self.header_name).map(drop)
    }

    /// Verifies one delivery.
    pub fn verify(&self, request: &SignedRequest<'_>) -> Result<Verified, AuthError> {
        self.validate()?;
        let received = required_header(request, &self.header_name)?;
        if credentials_equal(received.as_bytes(), self.secret.expose().as_bytes()) {
            Ok(Verified::new(Scheme::VapiSecret, None))
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
        let mut value = header_value(&name, self.secret.expose())?;
        value.set_sensitive(true);
        Ok(vec![(name, value)])
    }
}
