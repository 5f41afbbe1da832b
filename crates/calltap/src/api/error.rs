//! The one error type every HTTP handler returns, and its response:
//! a status, `{"error": "...", "kind": "..."}` for the client, and the full
//! cause chain in the log for the operator.
//!
//! `Retry-After` is not the error's to choose: [`RetryAfter`], a layer
//! over every route, stamps the configured value on each 503 that does not
//! carry one, whichever handler or extractor produced it.

use std::time::Duration;

use axum::extract::State;
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
    /// 408 with `Connection: close`: the body did not arrive whole in time.
    #[error("the body did not arrive within {} s", timeout.as_secs_f64())]
    RequestTimeout {
        /// The configured body read timeout.
        timeout: Duration,
    },
    /// 413: the body is over the limit (as sent, or once decompressed).
    #[error("body {} than the limit of {limit} bytes", if *decompressed { "decompresses to more" } else { "is larger" })]
    PayloadTooLarge {
        /// The configured limit in bytes.
        limit: usize,
        /// Whether it was the decompressed body that passed the limit.
        decompressed: bool,
    },
    /// 415: the body's `Content-Encoding` cannot be read.
    #[error("{reason}")]
    UnsupportedMediaType {
        /// Machine-readable class.
        kind: &'static str,
        /// What was wrong, and what is supported.
        reason: String,
    },
    /// 503: try again later (`Retry-After` is added by [`RetryAfter`]).
    #[error("{reason}")]
    Unavailable {
        /// Machine-readable class.
        kind: &'static str,
        /// Human-readable reason.
        reason: String,
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
            ApiError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ApiError::BadRequest { kind, .. }
            | ApiError::Unauthorized { kind, .. }
            | ApiError::UnsupportedMediaType { kind, .. }
            | ApiError::Unavailable { kind, .. } => kind,
            ApiError::NotFound(_) => "not_found",
            ApiError::NotPost => "method_not_allowed",
            ApiError::RequestTimeout { .. } => "body_timeout",
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
        if let ApiError::NotPost = &self {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        if let ApiError::RequestTimeout { .. } = &self {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let ApiError::Unauthorized { .. } = &self {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The configured `Retry-After`, stamped on every 503 that does not carry
/// one (`axum::middleware::map_response_with_state` over the whole app), so
/// that a busy database, a full queue, a stopped writer or `/readyz` all
/// tell a client the same, configured, wait.
#[derive(Clone, Copy, Debug)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Adds `Retry-After` (whole seconds, at least 1) to a 503 without one.
    pub async fn stamp(State(retry_after): State<RetryAfter>, mut response: Response) -> Response {
        if response.status() == StatusCode::SERVICE_UNAVAILABLE
            && !response.headers().contains_key(header::RETRY_AFTER)
        {
            let secs = retry_after.0.as_secs().max(1);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    async fn answer(router: Router, path: &str) -> Response {
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .expect("request");
        router.oneshot(request).await.expect("infallible")
    }

    #[tokio::test]
    async fn a_busy_store_answers_503_with_the_configured_retry_after() {
        let router = Router::new()
            .route(
                "/busy",
                get(|| async { Err::<(), _>(ApiError::from(StoreError::Busy("locked".into()))) }),
            )
            .route(
                "/own",
                get(|| async {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::RETRY_AFTER, "30")],
                    )
                }),
            )
            .route("/ok", get(|| async { "ok" }))
            .layer(axum::middleware::map_response_with_state(
                RetryAfter(Duration::from_secs(7)),
                RetryAfter::stamp,
            ));

        let busy = answer(router.clone(), "/busy").await;
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "7");
        let own = answer(router.clone(), "/own").await;
        assert_eq!(
            own.headers()[header::RETRY_AFTER],
            "30",
            "a chosen wait stays"
        );
        let ok = answer(router, "/ok").await;
        assert!(!ok.headers().contains_key(header::RETRY_AFTER));
    }
}
