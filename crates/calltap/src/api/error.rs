//! The one error type every HTTP handler returns, and its response:
//! a status, `{"error": "...", "kind": "..."}` for the client, and the full
//! cause chain in the log for the operator.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::store::StoreError;

/// An HTTP error: what the client is told, and why in the log.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is wrong; `kind` says how.
    #[error("{reason}")]
    BadRequest {
        /// Machine-readable class.
        kind: &'static str,
        /// Human-readable reason.
        reason: String,
    },
    /// 401: missing or wrong credentials.
    #[error("{reason}")]
    Unauthorized {
        /// Machine-readable class.
        kind: &'static str,
        /// What was wrong, never the secret.
        reason: String,
    },
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 405 with `Allow: POST`: a method other than POST on an ingest path.
    #[error("this is a calltap ingest path: POST Vapi server messages here; read them back under /api/v1")]
    NotPost,
    /// 413: the body is over the limit.
    #[error("body is larger than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// 503 with `Retry-After`: try again later.
    #[error("{reason}")]
    Unavailable {
        /// Machine-readable class.
        kind: &'static str,
        /// Human-readable reason.
        reason: String,
        /// When to retry.
        retry_after: Duration,
    },
    /// 500: a bug or an unexpected failure; the client sees no detail.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::NotPost => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ApiError::BadRequest { kind, .. }
            | ApiError::Unauthorized { kind, .. }
            | ApiError::Unavailable { kind, .. } => kind,
            ApiError::NotFound(_) => "not_found",
            ApiError::NotPost => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "too_large",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Busy(_) => ApiError::Unavailable {
                kind: "store_busy",
                reason: err.to_string(),
                retry_after: Duration::from_secs(1),
            },
            other => ApiError::Internal(other.into()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let status = self.status();
        let body = serde_json::json!({"error": self.to_string(), "kind": self.kind()});
        let mut response = (status, Json(body)).into_response();
        if let ApiError::Unavailable { retry_after, .. } = &self {
            let secs = retry_after.as_secs().max(1);
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if let ApiError::NotPost = &self {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        if let ApiError::Unauthorized { .. } = &self {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
