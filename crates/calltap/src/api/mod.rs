//! The read side over HTTP: the query API under `/api/v1`, health and
//! metrics, and [`ApiError`], the one error type of every handler.
//!
//! Handlers here translate query strings into store filters and store rows
//! into JSON; the SQL is in `store`. Each endpoint module has its own
//! `router()`, generic over the app's state, needing only the parts of it
//! it uses (axum's `FromRef`: a [`Reader`], the projector's
//! [`Projection`](crate::project::Projection), the live feed, the
//! [`sse::Streams`] settings), so that it can be built and tested alone;
//! `server.rs` assembles them. This module holds what they share and
//! imports none of them.

pub mod call_stream;
pub mod calls;
pub mod error;
pub mod events;
pub mod forward;
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
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

pub use error::ApiError;

use crate::config::Secret;
use crate::ids::Seq;
use crate::store::backend::{ReadStore, Reader};
use crate::store::StoreError;

/// The API token that `/api/v1` requires, if one is configured (the
/// state of [`require_api_token`]); cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct ApiToken(Option<Arc<Secret>>);

/// The cookie in which the console keeps the API token (base64url, so
/// that any token fits a cookie value): the browser's own fetches and its
/// `EventSource`, which cannot send an `Authorization` header, present it
/// instead. Set `HttpOnly` and `SameSite=Strict` by the console's login.
pub const TOKEN_COOKIE: &str = "calltap_api_token";

/// What a request's credentials amount to, against the [`ApiToken`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No token is configured: everyone may read.
    Open,
    /// The request presented the token (header or cookie).
    Granted,
    /// A token is configured and the request presented none.
    Missing,
    /// The request presented something else.
    Invalid,
}

impl ApiToken {
    /// Requires `token`, or nothing.
    pub fn new(token: Option<Secret>) -> ApiToken {
        ApiToken(token.map(Arc::new))
    }

    /// Whether a token is configured.
    pub fn is_required(&self) -> bool {
        self.0.is_some()
    }

    /// Whether `presented` is the token (constant-time); true when none is
    /// configured.
    pub fn accepts(&self, presented: &str) -> bool {
        self.0.as_ref().is_none_or(|token| {
            presented.len() == token.expose().len()
                && bool::from(presented.as_bytes().ct_eq(token.expose().as_bytes()))
        })
    }

    /// Judges a request by its `Authorization: Bearer` header, else by the
    /// console's [`TOKEN_COOKIE`].
    pub fn access(&self, headers: &http::HeaderMap) -> Access {
        if !self.is_required() {
            return Access::Open;
        }
        let bearer = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.get(..7)
                    .filter(|p| p.eq_ignore_ascii_case("bearer "))
                    .map(|_| v[7..].trim().to_owned())
            });
        match bearer.or_else(|| cookie_token(headers)) {
            None => Access::Missing,
            Some(presented) if self.accepts(&presented) => Access::Granted,
            Some(_) => Access::Invalid,
        }
    }
}

/// The value of [`TOKEN_COOKIE`] for `token`.
pub fn token_cookie_value(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(token)
}

/// The token a request's [`TOKEN_COOKIE`] holds, if it holds one.
fn cookie_token(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == TOKEN_COOKIE)
        .and_then(|(_, value)| URL_SAFE_NO_PAD.decode(value.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

/// Rejects `/api/*` requests without the API token when one is
/// configured: `Authorization: Bearer <api token>`, or the console's
/// cookie ([`TOKEN_COOKIE`]). Ingest credentials never pass here.
/// A `route_layer` over the `/api/v1` routes
/// (`axum::middleware::from_fn_with_state`).
pub async fn require_api_token(
    State(token): State<ApiToken>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let kind = match token.access(request.headers()) {
        Access::Open | Access::Granted => return Ok(next.run(request).await),
        Access::Missing => "missing_credentials",
        Access::Invalid => "invalid_credentials",
    };
    Err(ApiError::Unauthorized {
        kind,
        reason: "the API needs `Authorization: Bearer <api token>`".to_owned(),
    })
}

/// Runs a blocking read on the blocking pool.
async fn read<T: Send + 'static>(
    reader: &Reader,
    f: impl FnOnce(&dyn ReadStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let reader = Arc::clone(reader);
    tokio::task::spawn_blocking(move || f(&*reader))
        .await
        .map_err(|err| ApiError::Internal(err.into()))?
        .map_err(ApiError::from)
}

/// The page size when the query names none.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest page size.
pub const MAX_LIMIT: u32 = 1000;

/// Checks a cursor seq (`after`): 0 or more, as the OpenAPI document says
/// (seqs start at 1, so 0 means from the beginning).
fn after_seq(after: Option<Seq>) -> Result<Option<Seq>, ApiError> {
    match after {
        Some(seq) if seq < Seq::ZERO => Err(ApiError::BadRequest {
            kind: "invalid_query",
            reason: format!("after must be 0 or more, got {seq}"),
        }),
        after => Ok(after),
    }
}

/// The OpenAPI schema of a time in a query, exactly what
/// `calls::parse_time` reads: epoch milliseconds (an integer) or an
/// RFC 3339 date-time; anything else (the empty string too) is a 400.
fn time_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{
        KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
    };
    Schema::OneOf(
        OneOfBuilder::new()
            .description(Some(
                "A call's time bound (`started_at`, else its first event's time): \
                 `since` is inclusive, `until` exclusive. Epoch milliseconds (an \
                 integer) or an RFC 3339 date-time; anything else, the empty string \
                 too, is a 400.",
            ))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            )
            .build(),
    )
}

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
