//! `GET /api/v1/quarantine` (rejected bodies with their reasons) and
//! `GET /api/v1/quarantine/{id}/raw` (the exact bytes).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{bad_query, page_limit, path_id, read, ApiError};
use crate::server::AppState;
use crate::store::{QuarantineFilter, Quarantined};

/// Query string of the quarantine listing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuarantineQuery {
    /// Only this kind (`not_json`, `missing_type`, `too_deep`, ...).
    pub kind: Option<String>,
    /// Only rows after this id.
    pub after: Option<i64>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// One quarantined body as served. The body is not JSON (that is why it is
/// here), so it is given as lossy UTF-8 text; `/raw` has the exact bytes.
#[derive(Debug, Serialize)]
pub struct QuarantinedOut {
    id: i64,
    received_at: i64,
    kind: String,
    reason: String,
    headers: BTreeMap<String, String>,
    size: usize,
    body: String,
}

/// A page of quarantined bodies.
#[derive(Debug, Serialize)]
pub struct QuarantineOut {
    quarantine: Vec<QuarantinedOut>,
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
pub async fn list(
    State(app): State<Arc<AppState>>,
    query: Result<Query<QuarantineQuery>, QueryRejection>,
) -> Result<Json<QuarantineOut>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let limit = page_limit(query.limit)?;
    let filter = QuarantineFilter {
        kind: query.kind,
        after: query.after,
        limit,
    };
    let rows = read(&app.reader, move |r| r.quarantine(&filter)).await?;
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
pub async fn raw(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, "id")?;
    match read(&app.reader, move |r| r.quarantine_body(id)).await? {
        Some(body) => {
            Ok(([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response())
        }
        None => Err(ApiError::NotFound(format!(
            "no quarantined body with id {id}"
        ))),
    }
}
