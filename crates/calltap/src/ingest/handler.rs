//! The HTTP edge of ingest: extract a [`Delivery`], run the pipeline, map
//! the result. No decisions are made here.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{Ack, Delivery};
use crate::api::ApiError;
use crate::server::AppState;

/// Any other method on an ingest path (a browser's GET, say): 405 with
/// `Allow: POST` and a line saying what the path is for.
pub async fn not_post() -> ApiError {
    ApiError::NotPost
}

/// `POST` on an ingest path: `200 {}` once the delivery is committed (or
/// was already stored), 400 with the reason for bad input (quarantined),
/// 401, 413, or 503 with `Retry-After`. The seq is in `x-calltap-seq`.
pub async fn receive(
    State(app): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            metrics::counter!("calltap_deliveries_rejected_total", "reason" => "too_large")
                .increment(1);
            ApiError::PayloadTooLarge {
                limit: app.config.body_limit,
            }
        } else {
            ApiError::BadRequest {
                kind: "unreadable_body",
                reason: rejection.body_text(),
            }
        }
    })?;
    let delivery = Delivery {
        method,
        uri,
        headers,
        body,
    };
    let ack = app
        .ingestor
        .ingest(delivery)
        .await
        .map_err(|err| ApiError::from_ingest(err, app.config.retry_after))?;
    let mut response = (StatusCode::OK, Json(serde_json::json!({}))).into_response();
    let (seq, duplicate) = match ack {
        Ack::Stored(seq) => (Some(seq), false),
        Ack::Duplicate(seq) => (Some(seq), true),
        Ack::DryRun => (None, false),
    };
    if let Some(seq) = seq.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
        response.headers_mut().insert("x-calltap-seq", seq);
    }
    if duplicate {
        response
            .headers_mut()
            .insert("x-calltap-duplicate", HeaderValue::from_static("true"));
    }
    Ok(response)
}
