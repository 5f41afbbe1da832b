//! `GET /api/v1/events` (a page of the log), `GET /api/v1/events/{seq}`
//! (one delivery and, for a question, the answer calltap gave),
//! `GET /api/v1/events/{seq}/raw` (the exact bytes of one delivery) and
//! `GET /api/v1/events/{seq}/response/raw` (the exact bytes answered).

use std::borrow::Cow;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::{after_seq, bad_query, page_limit, path_id, read, ApiError};
use crate::ids::{CallId, Seq};
use crate::store::backend::Reader;
use crate::store::{AnswerRecord, Event, EventFilter};

/// `GET /api/v1/events`, `GET /api/v1/events/{seq}`,
/// `GET /api/v1/events/{seq}/raw` and `GET /api/v1/events/{seq}/response/raw`,
/// over a store [`Reader`].
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
{
    Router::new()
        .route("/api/v1/events", get(list))
        .route("/api/v1/events/{seq}", get(one))
        .route("/api/v1/events/{seq}/raw", get(raw))
        .route("/api/v1/events/{seq}/response/raw", get(response_raw))
}

/// Query string of the events listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Only this call.
    #[param(value_type = Option<String>)]
    pub call_id: Option<CallId>,
    /// Only this message type.
    #[serde(rename = "type")]
    pub message_type: Option<String>,
    /// Only events after this seq (0: from the beginning).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub after: Option<Seq>,
    /// Page size (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u32>,
}

// One shape, one serialiser, borrowed from the stored `Event`: the listings
// and the live stream write deliveries through this type only.
/// One logged delivery: an item of `/api/v1/events`, and the data of each
/// `delivery` event of `/api/v1/stream`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut<'a> {
    /// Position in the log.
    #[schema(value_type = i64)]
    pub(crate) seq: Seq,
    /// When calltap received it (epoch ms).
    received_at: i64,
    /// `message.call.id`, if any.
    call_id: Option<&'a str>,
    /// `message.type`.
    #[serde(rename = "type")]
    message_type: &'a str,
    /// `message.timestamp` (epoch ms), if any.
    timestamp: Option<i64>,
    /// The dedup key: `id:<message id>` when a verified signature covers
    /// the id, else `b3:<blake3 hex of the body>`.
    key: &'a str,
    /// The seq of the delivery first stored with the same signed message
    /// id, when this one came with the same id and other bytes (the sender
    /// reused an id); `null` otherwise.
    #[schema(value_type = Option<i64>)]
    conflicts_with: Option<Seq>,
    /// The delivery's JSON body as received.
    #[schema(value_type = Object)]
    body: BodyOut<'a>,
}

/// The body: embedded JSON as it is, or (defensively: bodies are parsed
/// before they are stored) the text as a JSON string if it is not JSON.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum BodyOut<'a> {
    Json(&'a RawValue),
    Text(Cow<'a, str>),
}

impl<'a> BodyOut<'a> {
    fn new(body: &'a [u8]) -> BodyOut<'a> {
        match serde_json::from_slice::<&RawValue>(body) {
            Ok(raw) => BodyOut::Json(raw),
            Err(_) => BodyOut::Text(String::from_utf8_lossy(body)),
        }
    }
}

impl<'a> From<&'a Event> for EventOut<'a> {
    fn from(event: &'a Event) -> Self {
        EventOut {
            seq: event.seq,
            received_at: event.received_at,
            call_id: event.call_id.as_deref(),
            message_type: &event.message_type,
            timestamp: event.timestamp,
            key: event.key.as_str(),
            conflicts_with: event.conflicts_with,
            body: BodyOut::new(&event.body),
        }
    }
}

/// One delivery, and the answer calltap gave if it was a question that
/// was forwarded to the app.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDetailOut<'a> {
    /// The delivery, as in the listing.
    #[serde(flatten)]
    event: EventOut<'a>,
    /// The answer sent back for it; `null` for a delivery that is not a
    /// forwarded question (or whose answer is not recorded yet).
    answer: Option<AnswerOut<'a>>,
}

/// The answer calltap sent for a question.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerOut<'a> {
    /// `app` (the app's answer, as sent), `fallback` (the configured
    /// stand-in), `timeout` (504) or `error` (the app's 5xx, else 502).
    outcome: &'a str,
    /// The status sent.
    status: u16,
    /// How long the app took, or until calltap gave up on it (ms).
    latency_ms: i64,
    /// When the answer was sent (epoch ms).
    answered_at: i64,
    /// The app's response headers kept with it.
    #[schema(value_type = Object)]
    headers: &'a RawValue,
    /// The body sent: embedded JSON, or a string if it is not JSON.
    #[schema(value_type = Object)]
    body: BodyOut<'a>,
    /// Why the app's answer was not used, when it was not.
    error: Option<&'a str>,
}

impl<'a> From<&'a AnswerRecord> for AnswerOut<'a> {
    fn from(answer: &'a AnswerRecord) -> Self {
        AnswerOut {
            outcome: &answer.outcome,
            status: answer.status,
            latency_ms: answer.latency_ms,
            answered_at: answer.answered_at,
            headers: serde_json::from_str(&answer.headers).unwrap_or_else(|_| empty_object()),
            body: BodyOut::new(&answer.body),
            error: answer.error.as_deref(),
        }
    }
}

/// `{}` as a raw value.
fn empty_object() -> &'static RawValue {
    serde_json::from_str("{}").unwrap_or_else(|_| unreachable!("{{}} is JSON"))
}

/// A page of events; `next` is the `after` of the following page.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventsOut<'a> {
    /// The events, by seq.
    events: Vec<EventOut<'a>>,
    /// The `after` of the next page; `null` on the last page.
    #[schema(value_type = Option<i64>)]
    next: Option<Seq>,
}

/// A page of `limit` or fewer events as served (a full page has a `next`).
pub(crate) fn page(events: &[Event], limit: u32) -> Response {
    Json(EventsOut {
        events: events.iter().map(EventOut::from).collect(),
        next: next_after(events, limit),
    })
    .into_response()
}

/// The `after` of the page that follows `events`, read with `limit`: the
/// last seq of a full page, `None` after the last page.
pub(crate) fn next_after(events: &[Event], limit: u32) -> Option<Seq> {
    (events.len() == limit as usize)
        .then(|| events.last().map(|e| e.seq))
        .flatten()
}

/// Lists events by seq, filtered by `call_id` and `type`, after a cursor.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    operation_id = "listEvents",
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
    State(reader): State<Reader>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let limit = page_limit(query.limit)?;
    let filter = EventFilter {
        call_id: query.call_id,
        message_type: query.message_type,
        after: after_seq(query.after)?,
        up_to: None,
        limit,
    };
    let events = read(&reader, move |r| r.events(&filter)).await?;
    Ok(page(&events, limit))
}

/// One delivery with its answer, if it was a forwarded question.
#[utoipa::path(
    get,
    path = "/api/v1/events/{seq}",
    operation_id = "getEvent",
    tag = "events",
    params(("seq" = i64, Path, description = "The event's seq.")),
    responses(
        (status = 200, description = "The delivery, and the answer calltap gave (`null` if none).", body = EventDetailOut),
        (status = 400, description = "`seq` is not an integer.", body = super::ErrorOut),
        (status = 404, description = "No event with this seq.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn one(
    State(reader): State<Reader>,
    Path(seq): Path<String>,
) -> Result<Response, ApiError> {
    let seq = Seq::new(path_id(&seq, "seq")?);
    let filter = EventFilter {
        after: Some(seq.prev()),
        up_to: Some(seq),
        limit: 1,
        ..EventFilter::default()
    };
    let (mut events, answer) =
        read(&reader, move |r| Ok((r.events(&filter)?, r.answer(seq)?))).await?;
    let Some(event) = events.pop() else {
        return Err(ApiError::NotFound(format!("no event with seq {seq}")));
    };
    Ok(Json(EventDetailOut {
        event: EventOut::from(&event),
        answer: answer.as_ref().map(AnswerOut::from),
    })
    .into_response())
}

/// The exact bytes answered to the question at `seq`, with the
/// `content-type` sent; 404 when no answer is recorded.
#[utoipa::path(
    get,
    path = "/api/v1/events/{seq}/response/raw",
    operation_id = "getEventResponseRaw",
    tag = "events",
    params(("seq" = i64, Path, description = "The question's seq.")),
    responses(
        (status = 200, description = "The exact bytes sent back, with the `content-type` sent.", body = Object),
        (status = 400, description = "`seq` is not an integer.", body = super::ErrorOut),
        (status = 404, description = "No answer recorded for this seq.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn response_raw(
    State(reader): State<Reader>,
    Path(seq): Path<String>,
) -> Result<Response, ApiError> {
    let seq = Seq::new(path_id(&seq, "seq")?);
    let Some(answer) = read(&reader, move |r| r.answer(seq)).await? else {
        return Err(ApiError::NotFound(format!(
            "no answer recorded for seq {seq}"
        )));
    };
    let headers: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&answer.headers).unwrap_or_default();
    let mut response = answer.body.into_response();
    let sent = headers
        .get(header::CONTENT_TYPE.as_str())
        .and_then(|v| header::HeaderValue::from_str(v).ok());
    let content_type = match (answer.outcome.as_str(), sent) {
        (_, Some(sent)) => sent,
        ("app", None) => header::HeaderValue::from_static("application/octet-stream"),
        _ => header::HeaderValue::from_static("application/json"),
    };
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    Ok(response)
}

/// The exact bytes received for `seq`, as `application/json`; 404 when absent.
#[utoipa::path(
    get,
    path = "/api/v1/events/{seq}/raw",
    operation_id = "getEventRaw",
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
    State(reader): State<Reader>,
    Path(seq): Path<String>,
) -> Result<Response, ApiError> {
    let seq = Seq::new(path_id(&seq, "seq")?);
    match read(&reader, move |r| r.event_body(seq)).await? {
        Some(body) => Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response()),
        None => Err(ApiError::NotFound(format!("no event with seq {seq}"))),
    }
}
