//! `GET /api/v1/events` (a page of the log) and
//! `GET /api/v1/events/{seq}/raw` (the exact bytes of one delivery).

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{bad_query, page_limit, path_id, read, ApiError};
use crate::server::AppState;
use crate::store::{Event, EventFilter};

/// Query string of the events listing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Only this call.
    pub call_id: Option<String>,
    /// Only this message type.
    #[serde(rename = "type")]
    pub message_type: Option<String>,
    /// Only events after this seq.
    pub after: Option<i64>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// One event as served.
#[derive(Debug, Serialize)]
pub struct EventOut {
    seq: i64,
    received_at: i64,
    call_id: Option<String>,
    #[serde(rename = "type")]
    message_type: String,
    timestamp: Option<i64>,
    key: String,
    body: BodyOut,
}

/// The body: embedded JSON, or (defensively) text if it somehow is not JSON.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum BodyOut {
    Json(Box<RawValue>),
    Text(String),
}

/// A page of events; `next` is the `after` of the following page.
#[derive(Debug, Serialize)]
pub struct EventsOut {
    events: Vec<EventOut>,
    next: Option<i64>,
}

impl From<Event> for EventOut {
    fn from(event: Event) -> Self {
        EventOut {
            seq: event.seq,
            received_at: event.received_at,
            call_id: event.call_id,
            message_type: event.message_type,
            timestamp: event.timestamp,
            key: event.key,
            body: json_body(event.body),
        }
    }
}

/// The stored body embedded as JSON as it is. Bodies are parsed before they
/// are stored, so the fallback (the body as a JSON string) is defensive.
fn json_body(body: Vec<u8>) -> BodyOut {
    match serde_json::from_slice::<&RawValue>(&body) {
        Ok(raw) => BodyOut::Json(raw.to_owned()),
        Err(_) => BodyOut::Text(String::from_utf8_lossy(&body).into_owned()),
    }
}

/// Lists events by seq, filtered by `call_id` and `type`, after a cursor.
pub async fn list(
    State(app): State<Arc<AppState>>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<EventsOut>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let limit = page_limit(query.limit)?;
    let filter = EventFilter {
        call_id: query.call_id,
        message_type: query.message_type,
        after: query.after,
        limit,
    };
    let events = read(&app.reader, move |r| r.events(&filter)).await?;
    let next = (events.len() == limit as usize)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    Ok(Json(EventsOut {
        events: events.into_iter().map(EventOut::from).collect(),
        next,
    }))
}

/// The exact bytes received for `seq`, as `application/json`; 404 when absent.
pub async fn raw(
    State(app): State<Arc<AppState>>,
    Path(seq): Path<String>,
) -> Result<Response, ApiError> {
    let seq = path_id(&seq, "seq")?;
    match read(&app.reader, move |r| r.event_body(seq)).await? {
        Some(body) => Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response()),
        None => Err(ApiError::NotFound(format!("no event with seq {seq}"))),
    }
}
