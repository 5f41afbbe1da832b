//! The read side over HTTP: the query API under `/api/v1`, health and
//! metrics, and [`ApiError`], the one error type of every handler.
//!
//! Handlers here translate query strings into store filters and store rows
//! into JSON; the SQL is in `store`.

pub mod call_stream;
pub mod calls;
pub mod error;
pub mod events;
pub mod health;
pub mod metrics;
pub mod openapi;
pub mod quarantine;
pub mod sse;
pub mod stats;
pub mod stream;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use subtle::ConstantTimeEq;

pub use error::ApiError;

use crate::server::AppState;
use crate::store::sqlite::Reader;

/// The `/api/v1` routes, behind the API token when one is configured.
pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/events", get(events::list))
        .route("/api/v1/events/{seq}/raw", get(events::raw))
        .route("/api/v1/quarantine", get(quarantine::list))
        .route("/api/v1/quarantine/{id}/raw", get(quarantine::raw))
        .route("/api/v1/calls", get(calls::list))
        .route("/api/v1/calls/{id}", get(calls::detail))
        .route("/api/v1/calls/{id}/events", get(calls::events))
        .route("/api/v1/calls/{id}/stream", get(call_stream::stream))
        .route("/api/v1/stats", get(stats::stats))
        .route("/api/v1/stream", get(stream::stream))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            require_api_token,
        ))
}

/// Rejects `/api/*` requests without `Authorization: Bearer <api token>`
/// when a token is configured. Ingest credentials never pass here.
async fn require_api_token(
    State(app): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(token) = &app.config.api_token {
        let presented = request
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.get(..7)
                    .filter(|p| p.eq_ignore_ascii_case("bearer "))
                    .map(|_| &v[7..])
            })
            .map(str::trim);
        let ok = presented.is_some_and(|p| {
            p.len() == token.expose().len()
                && bool::from(p.as_bytes().ct_eq(token.expose().as_bytes()))
        });
        if !ok {
            return Err(ApiError::Unauthorized {
                kind: if presented.is_none() {
                    "missing_credentials"
                } else {
                    "invalid_credentials"
                },
                reason: "the API needs `Authorization: Bearer <api token>`".to_owned(),
            });
        }
    }
    Ok(next.run(request).await)
}

/// Runs a blocking read on the blocking pool.
async fn read<T: Send + 'static>(
    reader: &Arc<Reader>,
    f: impl FnOnce(&Reader) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let reader = Arc::clone(reader);
    tokio::task::spawn_blocking(move || f(&reader))
        .await
        .map_err(|err| ApiError::Internal(err.into()))?
        .map_err(ApiError::from)
}

/// The page size when the query names none.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest page size.
pub const MAX_LIMIT: u32 = 1000;

/// Checks a requested page size.
fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n),
        n => Err(ApiError::BadRequest {
            kind: "invalid_query",
            reason: format!("limit must be between 1 and {MAX_LIMIT}, got {n}"),
        }),
    }
}

/// A query-string rejection as a 400 with serde's reason.
fn bad_query(rejection: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::BadRequest {
        kind: "invalid_query",
        reason: rejection.body_text(),
    }
}

/// Parses a path id, answering 400 with the reason.
fn path_id(text: &str, what: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| ApiError::BadRequest {
        kind: "invalid_path",
        reason: format!("{what} must be an integer, got {text:?}"),
    })
}

/// The body of every error answer (see [`ApiError`]).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorOut {
    /// What went wrong, for a person.
    pub error: String,
    /// What went wrong, for a program (`invalid_query`, `not_found`, ...).
    pub kind: String,
}

/// The health and metrics routes and the OpenAPI document (never behind
/// the API token: probes and scrapers need no credential, and the document
/// describes the API without revealing any of its data).
pub fn ops_router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/openapi.json", get(openapi::serve))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
}
