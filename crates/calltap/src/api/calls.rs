//! `GET /api/v1/calls` (the list, filtered, newest first, paged by an
//! opaque cursor), `GET /api/v1/calls/{id}` (one call's detail),
//! `GET /api/v1/calls/{id}/events` (its deliveries, by seq) and
//! `GET /api/v1/calls/{id}/tool-calls` (its tool calls with the answers
//! they got, when calltap forwards them to the app).
//!
//! Call state is eventually consistent with the log: ingest answers before
//! the projector has run, so a call may trail its latest delivery by a
//! batch (normally milliseconds). The list and the detail carry
//! `x-calltap-projected-seq`, the log seq the projections cover; a call's
//! events are read from the log itself, so they are never behind.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use calltap_protocol::model::MessageType;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::events::{self, EventsOut};
use super::{after_seq, bad_query, page_limit, read, ApiError};
use crate::calls::{CallDetail, CallSummary};
use crate::forward::tool_calls::{answered_tool_calls, AnsweredToolCall};
use crate::ids::{CallId, Seq};
use crate::project::Projection;
use crate::store::backend::Reader;
use crate::store::projections::{CallCursor, CallFilter};
use crate::store::{seq_span, EventFilter};

/// `GET /api/v1/calls`, `GET /api/v1/calls/{id}` and
/// `GET /api/v1/calls/{id}/events`, over a store [`Reader`] and the
/// projector's [`Projection`] (for `x-calltap-projected-seq`).
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
    Projection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/calls", get(list))
        .route("/api/v1/calls/{id}", get(detail))
        .route("/api/v1/calls/{id}/events", get(events))
        .route("/api/v1/calls/{id}/tool-calls", get(tool_calls))
}

/// The header with the log seq the call projections cover.
pub const PROJECTED_SEQ: &str = "x-calltap-projected-seq";

/// Query string of the call list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallsQuery {
    /// Only calls with this status (`queued`, `ringing`, `in-progress`,
    /// `forwarding`, `ended`, ...).
    pub status: Option<String>,
    /// Only calls whose assistant (the one the call started with) has this
    /// id **or** this name.
    pub assistant: Option<String>,
    /// Only calls that ended for this reason (`customer-ended-call`, ...).
    pub ended_reason: Option<String>,
    /// Only calls whose time (`started_at`, else the first event's time) is
    /// at or after this: epoch milliseconds or RFC 3339.
    #[param(schema_with = super::time_schema)]
    pub since: Option<String>,
    /// Only calls whose time is before this: epoch milliseconds or RFC 3339.
    #[param(schema_with = super::time_schema)]
    pub until: Option<String>,
    /// Page size (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u32>,
    /// The `next` of the previous page (a position in the list: anything
    /// of this form is one, whether this server handed it out or not).
    #[param(pattern = r"^-?[0-9]{1,19}\.([0-9a-fA-F]{2})*$")]
    pub cursor: Option<String>,
}

/// A page of calls, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallsOut {
    /// The calls' summaries.
    #[schema(value_type = Vec<CallSummary>)]
    calls: Vec<Box<RawValue>>,
    /// The cursor of the next page; `null` on the last page.
    next: Option<String>,
}

/// Query string of a call's events.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallEventsQuery {
    /// Only events after this seq (the `next` of the previous page; 0:
    /// from the beginning).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub after: Option<Seq>,
    /// Page size (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u32>,
}

/// Lists calls, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/calls",
    operation_id = "listCalls",
    tag = "calls",
    params(CallsQuery),
    responses(
        (status = 200, description = "A page of calls, newest first (`started_at`, else the first event's time; then id). `x-calltap-projected-seq`: the log seq the projections cover.", body = CallsOut),
        (status = 400, description = "A bad filter, time, limit or cursor.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn list(
    State(reader): State<Reader>,
    State(projection): State<Projection>,
    query: Result<Query<CallsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let limit = page_limit(query.limit)?;
    let filter = CallFilter {
        status: query.status,
        assistant: query.assistant,
        ended_reason: query.ended_reason,
        since: query
            .since
            .as_deref()
            .map(|t| parse_time(t, "since"))
            .transpose()?,
        until: query
            .until
            .as_deref()
            .map(|t| parse_time(t, "until"))
            .transpose()?,
        after: query.cursor.as_deref().map(decode_cursor).transpose()?,
        limit,
    };
    let projected = projected(&projection);
    let rows = read(&reader, move |r| r.calls(&filter)).await?;
    let next = (rows.len() == limit as usize)
        .then(|| rows.last())
        .flatten()
        .map(|row| {
            encode_cursor(&CallCursor {
                sort_at: row.sort_at,
                id: row.id.clone(),
            })
        });
    let calls = rows
        .into_iter()
        .map(|row| RawValue::from_string(row.summary))
        .collect::<Result<_, _>>()
        .map_err(|err| ApiError::Internal(anyhow::Error::new(err).context("a stored summary")))?;
    Ok(with_projected(Json(CallsOut { calls, next }), projected))
}

/// One call: its status timeline, speech, turns and latency, metrics,
/// transcript and transfers.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{id}",
    operation_id = "getCall",
    tag = "calls",
    params(("id" = String, Path, description = "The call id.")),
    responses(
        (status = 200, description = "The call's detail. `x-calltap-projected-seq`: the log seq the projections cover.", body = CallDetail),
        (status = 404, description = "No event of this call has been projected.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn detail(
    State(reader): State<Reader>,
    State(projection): State<Projection>,
    Path(id): Path<CallId>,
) -> Result<Response, ApiError> {
    let projected = projected(&projection);
    let key = id.clone();
    match read(&reader, move |r| r.call_detail(&key)).await? {
        // The stored text is served as it is: no parse, no re-serialise.
        Some(stored) => Ok(with_projected(
            ([(header::CONTENT_TYPE, "application/json")], stored.detail),
            projected,
        )),
        None => Err(ApiError::NotFound(format!("no call with id {id:?}"))),
    }
}

/// The call's deliveries, by seq: the same items and paging as
/// `/api/v1/events?call_id=`. Read from the log, so never behind.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{id}/events",
    operation_id = "listCallEvents",
    tag = "calls",
    params(("id" = String, Path, description = "The call id."), CallEventsQuery),
    responses(
        (status = 200, description = "A page of the call's events by seq (empty for an unknown call).", body = EventsOut),
        (status = 400, description = "A bad `after` or `limit`.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn events(
    State(reader): State<Reader>,
    Path(id): Path<CallId>,
    query: Result<Query<CallEventsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = call_events(id, None, query)?;
    let limit = filter.limit;
    let page = read(&reader, move |r| r.events(&filter)).await?;
    Ok(events::page(&page, limit))
}

/// A page of a call's tool calls, with the answers they got.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToolCallsOut {
    /// Each tool call of the page's `tool-calls` deliveries, by seq and
    /// then as listed.
    tool_calls: Vec<AnsweredToolCall>,
    /// The `after` of the next page (the last delivery's seq); `null` on
    /// the last page.
    #[schema(value_type = Option<i64>)]
    next: Option<Seq>,
}

/// The call's tool calls: per tool call, the tool, its arguments, the
/// result (or error) the assistant got, how that answer came about and
/// how long the app took. Paged by `tool-calls` delivery; read from the
/// log and the recorded answers, so never behind.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{id}/tool-calls",
    operation_id = "listCallToolCalls",
    tag = "calls",
    params(("id" = String, Path, description = "The call id."), CallEventsQuery),
    responses(
        (status = 200, description = "The tool calls of a page of the call's `tool-calls` deliveries (empty for an unknown call). An answer not recorded (nothing is forwarded) leaves `result`, `outcome` and `latency_ms` null.", body = ToolCallsOut),
        (status = 400, description = "A bad `after` or `limit`.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn tool_calls(
    State(reader): State<Reader>,
    Path(id): Path<CallId>,
    query: Result<Query<CallEventsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = call_events(id.clone(), Some(MessageType::ToolCalls), query)?;
    let limit = filter.limit;
    let (page, answers) = read(&reader, move |r| {
        let page = r.events(&filter)?;
        let answers = r.answers_of_call(&id, seq_span(&page))?;
        Ok((page, answers))
    })
    .await?;
    Ok(Json(ToolCallsOut {
        tool_calls: answered_tool_calls(&page, &answers),
        next: events::next_after(&page, limit),
    })
    .into_response())
}

/// The filter of a page of one call's events (of one type, if given), from
/// the query's cursor and limit.
fn call_events(
    id: CallId,
    message_type: Option<MessageType>,
    query: Result<Query<CallEventsQuery>, QueryRejection>,
) -> Result<EventFilter, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    Ok(EventFilter {
        call_id: Some(id),
        message_type: message_type.map(|t| t.as_str().to_owned()),
        after: after_seq(query.after)?,
        up_to: None,
        limit: page_limit(query.limit)?,
    })
}

/// The projector's position now (read before the query, so the header
/// never claims more than the answer holds).
pub(super) fn projected(projection: &Projection) -> Seq {
    *projection.position.borrow()
}

/// Adds `x-calltap-projected-seq` to a response.
pub(super) fn with_projected(response: impl IntoResponse, seq: Seq) -> Response {
    let mut response = response.into_response();
    if let Ok(value) = HeaderValue::from_str(&seq.to_string()) {
        response.headers_mut().insert(PROJECTED_SEQ, value);
    }
    response
}

/// A time in a query: epoch milliseconds (an integer) or RFC 3339.
pub(crate) fn parse_time(text: &str, what: &str) -> Result<i64, ApiError> {
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(ms);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|_| ApiError::BadRequest {
            kind: "invalid_query",
            reason: format!("{what} must be epoch milliseconds or an RFC 3339 time, got {text:?}"),
        })
}

/// The cursor: `sort_at`, a dot, and the id in hex (so any id fits a query
/// string unescaped). Opaque to clients, but every string of its form (the
/// document's pattern) is a position in the list, so none is refused.
pub fn encode_cursor(cursor: &CallCursor) -> String {
    use std::fmt::Write;
    let mut out = format!("{}.", cursor.sort_at);
    for byte in cursor.id.as_bytes() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Reads a cursor of [`encode_cursor`]'s form; anything else is a 400.
/// A `sort_at` beyond the 64-bit range stands for that end of the list,
/// and an id that is not UTF-8 for the position its bytes would have.
pub fn decode_cursor(text: &str) -> Result<CallCursor, ApiError> {
    let bad = || ApiError::BadRequest {
        kind: "invalid_cursor",
        reason: "cursor must be the `next` of a page (digits, a dot, hex)".to_owned(),
    };
    let (sort_at, id) = text.split_once('.').ok_or_else(bad)?;
    let digits = sort_at.strip_prefix('-').unwrap_or(sort_at);
    if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let sort_at = sort_at
        .parse::<i128>()
        .map_err(|_| bad())?
        .clamp(i64::MIN.into(), i64::MAX.into()) as i64;
    if id.len() % 2 != 0 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let bytes = (0..id.len())
        .step_by(2)
        .map(|i| {
            id.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    Ok(CallCursor {
        sort_at,
        id: CallId::new(String::from_utf8_lossy(&bytes).as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cursor_of_the_documented_form_is_a_position_and_nothing_else_is() {
        for good in ["0.", "-5.6162", "9999999999999999999.", "17.00ff"] {
            assert!(decode_cursor(good).is_ok(), "{good}");
        }
        let far = decode_cursor("-9999999999999999999.").expect("a position");
        assert_eq!(far.sort_at, i64::MIN, "beyond the range: that end");
        for bad in [
            "",
            ".",
            "1",
            "1.f",
            "1.+f",
            "x.00",
            "1:00",
            "--1.",
            "99999999999999999999.",
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cursor_reads_back_as_written_even_with_colons_in_the_id() {
        let cursor = CallCursor {
            sort_at: -5,
            id: CallId::new("a:b"),
        };
        let decoded = decode_cursor(&encode_cursor(&cursor)).expect("round trip");
        assert_eq!(decoded, cursor);
    }

    #[test]
    fn garbage_cursors_and_times_are_bad_requests() {
        for cursor in ["!!", "bm9jb2xvbg", "eDox"] {
            assert!(
                matches!(
                    decode_cursor(cursor),
                    Err(ApiError::BadRequest {
                        kind: "invalid_cursor",
                        ..
                    })
                ),
                "{cursor}"
            );
        }
        assert!(parse_time("yesterday", "since").is_err());
        assert_eq!(
            parse_time("1750314425773", "since").ok(),
            Some(1_750_314_425_773)
        );
        assert_eq!(
            parse_time("2025-06-19T06:27:05.773Z", "since").ok(),
            Some(1_750_314_425_773)
        );
    }
}
