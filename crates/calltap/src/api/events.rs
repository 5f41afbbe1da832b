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
use utoipa::{IntoParams, ToSchema};

use super::{bad_query, page_limit, path_id, read, ApiError};
use crate::server::AppState;
use crate::store::{Event, EventFilter};

/// Query string of the events listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
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
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// Position in the log.
    seq: i64,
    /// When calltap received it (epoch ms).
    received_at: i64,
    /// `message.call.id`, if any.
    call_id: Option<String>,
    /// `message.type`.
    #[serde(rename = "type")]
    message_type: String,
    /// `message.timestamp` (epoch ms), if any.
    timestamp: Option<i64>,
    /// The dedup key.
    key: String,
    /// The delivery's JSON body as received.
    #[schema(value_type = Object)]
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
#[derive(Debug, Serialize, ToSchema)]
pub struct EventsOut {
    /// The events, by seq.
    events: Vec<EventOut>,
    /// The `after` of the next page; `null` on the last page.
    next: Option<i64>,
}

/// A page of `limit` or fewer events as served.
pub(crate) fn page(events: Vec<Event>, limit: u32) -> EventsOut {
    let next = (events.len() == limit as usize)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    EventsOut {
        events: events.into_iter().map(EventOut::from).collect(),
        next,
    }
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
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    params(EventsQuery),
    responses(
        (status = 200, description = "A page of the log, by seq.", body = EventsOut),
        (status = 400, description = "A bad filter, cursor or limit.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
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
    Ok(Json(page(events, limit)))
}

/// The exact bytes received for `seq`, as `application/json`; 404 when absent.
#[utoipa::path(
    get,
    path = "/api/v1/events/{seq}/raw",
    tag = "events",
    params(("seq" = i64, Path, description = "The event's seq.")),
    responses(
        (status = 200, description = "The exact bytes received.", content_type = "application/json", body = Object),
        (status = 400, description = "`seq` is not an integer.", body = super::ErrorOut),
        (status = 404, description = "No event with this seq.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
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
