//! `GET /api/v1/quarantine` (rejected bodies with their reasons) and
//! `GET /api/v1/quarantine/{id}/raw` (the exact bytes).

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{bad_query, page_limit, path_id, read, ApiError};
use crate::store::backend::Reader;
use crate::store::{QuarantineFilter, Quarantined};

/// `GET /api/v1/quarantine` and `GET /api/v1/quarantine/{id}/raw`, over a
/// store [`Reader`].
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
{
    Router::new()
        .route("/api/v1/quarantine", get(list))
        .route("/api/v1/quarantine/{id}/raw", get(raw))
}

/// Query string of the quarantine listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuarantineQuery {
    /// Only this kind (`not_json`, `missing_type`, `too_deep`, ...).
    pub kind: Option<String>,
    /// Only rows after this id (0: from the beginning).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Page size (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u32>,
}

/// One quarantined body as served. The body is not JSON (that is why it is
/// here), so it is given as lossy UTF-8 text; `/raw` has the exact bytes.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantinedOut {
    /// Position in the quarantine.
    id: i64,
    /// When calltap received it (epoch ms).
    received_at: i64,
    /// Machine-readable class of the rejection.
    kind: String,
    /// The reason given to the sender.
    reason: String,
    /// The relevant request headers.
    headers: BTreeMap<String, String>,
    /// The body's size in bytes.
    size: usize,
    /// The body as (lossy) UTF-8 text.
    body: String,
}

/// A page of quarantined bodies.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantineOut {
    /// The rows, by id.
    quarantine: Vec<QuarantinedOut>,
    /// The `after` of the next page; `null` on the last page.
    next: Option<i64>,
}

impl From<Quarantined> for QuarantinedOut {
    fn from(row: Quarantined) -> Self {
        QuarantinedOut {
            id: row.id,
            received_at: row.received_at,
            kind: row.kind,
            reason: row.reason,
            headers: serde_json::from_str(&row.headers).unwrap_or_default(),
            size: row.body.len(),
            body: String::from_utf8_lossy(&row.body).into_owned(),
        }
    }
}

/// Lists quarantined bodies by id.
#[utoipa::path(
    get,
    path = "/api/v1/quarantine",
    operation_id = "listQuarantine",
    tag = "quarantine",
    params(QuarantineQuery),
    responses(
        (status = 200, description = "A page of rejected bodies with their reasons.", body = QuarantineOut),
        (status = 400, description = "A bad filter, cursor or limit.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn list(
    State(reader): State<Reader>,
    query: Result<Query<QuarantineQuery>, QueryRejection>,
) -> Result<Json<QuarantineOut>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let limit = page_limit(query.limit)?;
    let filter = QuarantineFilter {
        kind: query.kind,
        after: match query.after {
            Some(id) if id < 0 => {
                return Err(ApiError::BadRequest {
                    kind: "invalid_query",
                    reason: format!("after must be 0 or more, got {id}"),
                })
            }
            after => after,
        },
        limit,
    };
    let rows = read(&reader, move |r| r.quarantine(&filter)).await?;
    let next = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(Json(QuarantineOut {
        quarantine: rows.into_iter().map(QuarantinedOut::from).collect(),
        next,
    }))
}

/// The exact bytes quarantined under `id` (`application/octet-stream`:
/// they are usually not valid JSON); 404 when absent.
#[utoipa::path(
    get,
    path = "/api/v1/quarantine/{id}/raw",
    operation_id = "getQuarantineRaw",
    tag = "quarantine",
    params(("id" = i64, Path, description = "The quarantined body's id.")),
    responses(
        (status = 200, description = "The exact bytes received.", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "`id` is not an integer.", body = super::ErrorOut),
        (status = 404, description = "No quarantined body with this id.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn raw(
    State(reader): State<Reader>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, "id")?;
    match read(&reader, move |r| r.quarantine_body(id)).await? {
        Some(body) => {
            Ok(([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response())
        }
        None => Err(ApiError::NotFound(format!(
            "no quarantined body with id {id}"
        ))),
    }
}
