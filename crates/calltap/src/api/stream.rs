//! `GET /api/v1/stream`: every stored delivery as it is committed, as
//! Server-Sent Events.
//!
//! The contract (framing in [`sse`](super::sse)):
//!
//! - `event: delivery`, `id: <seq>`, `data:` the same JSON object as an item
//!   of `GET /api/v1/events` (`seq`, `received_at`, `call_id`, `type`,
//!   `timestamp`, `key`, `body` inlined as JSON). Deliveries come in seq
//!   order, each once. Redeliveries of a stored body are not events.
//! - `call_id=` and `type=` filter as on `/api/v1/events`.
//! - Where to start: the `Last-Event-ID` header, else `?after=SEQ`: every
//!   delivery after that seq, from the log, then live, with no gap and no
//!   duplicate (`after=0` replays the whole log first). The header wins
//!   because a reconnecting `EventSource` keeps its URL, `?after=` and all,
//!   and sends the id of the last event it actually got. With neither, the
//!   stream starts live from now: deliveries committed after the request.
//! - `event: lagged`, `data: {"missed":N,"resume_after":SEQ}`: this stream
//!   fell behind the live feed and N deliveries (of any call or type) went
//!   past it; the ones it wants follow, read back from the log after SEQ,
//!   so a lagging client still gets every delivery, in order. It has no
//!   `id`, so it does not move a client's `Last-Event-ID`.
//! - `event: error`, `data: {"error":"...","resume_after":SEQ}`: the log
//!   could not be read; the stream ends. Reconnect with `Last-Event-ID`.
//! - `: keep-alive` comments after each silent keep-alive interval; the
//!   stream ends when the server shuts down.
//!
//! The deliveries come from [`store::feed::follow`](crate::store::feed::follow),
//! which merges the log and the live feed with no gap and no duplicate;
//! this module frames them and counts the clients.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::Stream;
use serde::Deserialize;

use super::events::EventOut;
use super::sse::{Frame, Streams};
use super::{bad_query, ApiError};
use crate::ids::{CallId, Seq};
use crate::store::backend::Reader;
use crate::store::feed::{follow, Feed, FollowFilter, Followed, Follower};

/// `GET /api/v1/stream`, over a store [`Reader`], the live [`Feed`] and the
/// [`Streams`] settings.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
    Feed: FromRef<S>,
    Streams: FromRef<S>,
{
    Router::new().route("/api/v1/stream", get(stream))
}

/// The header a reconnecting SSE client sends with the last id it got.
const LAST_EVENT_ID: &str = "last-event-id";

/// Query string of the stream.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Only this call.
    #[param(value_type = Option<String>)]
    pub call_id: Option<CallId>,
    /// Only this message type.
    #[serde(rename = "type")]
    pub message_type: Option<String>,
    /// Replay the log after this seq first (`Last-Event-ID` wins over it;
    /// 0: the whole log).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub after: Option<Seq>,
}

/// Streams deliveries as they are committed, as Server-Sent Events (one
/// `delivery` event per stored delivery, its SSE id the seq), filtered by
/// `call_id` and `type`; resumes after `Last-Event-ID` or `after` without
/// gaps. 400 for a bad `after` or `Last-Event-ID`.
#[utoipa::path(
    get,
    path = "/api/v1/stream",
    operation_id = "streamEvents",
    tag = "events",
    params(
        StreamQuery,
        ("Last-Event-ID" = Option<i64>, Header, minimum = 0, description = "Resume after this seq (wins over `after`)."),
    ),
    responses(
        (status = 200, description = "Server-Sent Events. `event: delivery` with `id: <seq>` and `data:` an item of `/api/v1/events`, in seq order, each once; `event: lagged` with `data: {\"missed\":N,\"resume_after\":SEQ}` (the missed deliveries follow, read from the log); `event: error` with `data: {\"error\":...,\"resume_after\":SEQ}`, then the end. Without `Last-Event-ID` or `after` the stream starts live. It ends when the server shuts down.", content_type = "text/event-stream", body = String),
        (status = 400, description = "A bad filter, `after` or `Last-Event-ID`.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn stream(
    State(reader): State<Reader>,
    State(feed): State<Feed>,
    State(streams): State<Streams>,
    headers: HeaderMap,
    query: Result<Query<StreamQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let resume = resume_point(&headers, query.after)?;
    let filter = FollowFilter {
        call_id: query.call_id,
        message_type: query.message_type,
    };
    let follower = follow(reader, &feed, filter, resume).await?;
    tracing::debug!(?resume, "stream opened");
    Ok(streams.respond(Deliveries::new(follower).into_frames()))
}

/// Where a stream resumes: `Last-Event-ID`, else `after`, else nowhere.
fn resume_point(headers: &HeaderMap, after: Option<Seq>) -> Result<Option<Seq>, ApiError> {
    let header = match headers.get(LAST_EVENT_ID) {
        None => None,
        Some(value) => {
            let text = value.to_str().map_err(|_| ApiError::BadRequest {
                kind: "invalid_last_event_id",
                reason: "Last-Event-ID must be a seq (an integer)".to_owned(),
            })?;
            // An empty id means "no id" in SSE; browsers then omit the header.
            let text = text.trim();
            if text.is_empty() {
                None
            } else {
                Some(text.parse::<Seq>().map_err(|_| ApiError::BadRequest {
                    kind: "invalid_last_event_id",
                    reason: format!("Last-Event-ID must be a seq (an integer), got {text:?}"),
                })?)
            }
        }
    };
    match header.or(after) {
        Some(seq) if seq < Seq::ZERO => Err(ApiError::BadRequest {
            kind: "invalid_query",
            reason: format!("the seq to resume after must be 0 or more, got {seq}"),
        }),
        resume => Ok(resume),
    }
}

/// One client's deliveries, framed: what its [`Follower`] yields.
struct Deliveries {
    follower: Follower,
    /// The last seq sent, where a client resumes after an error.
    sent: Seq,
    /// Set after an error frame: the stream ends.
    done: bool,
    _client: ClientGauge,
}

impl Deliveries {
    fn new(follower: Follower) -> Deliveries {
        Deliveries {
            sent: follower.cursor(),
            follower,
            done: false,
            _client: ClientGauge::new(),
        }
    }

    fn into_frames(self) -> impl Stream<Item = Frame> + Send + 'static {
        futures_util::stream::unfold(self, |mut deliveries| async move {
            let frame = deliveries.next().await?;
            Some((frame, deliveries))
        })
    }

    /// The next frame to send; `None` ends the stream.
    async fn next(&mut self) -> Option<Frame> {
        if self.done {
            return None;
        }
        match self.follower.next().await? {
            Followed::Delivery(event) => match delivery_frame(&EventOut::from(&*event)) {
                Ok(frame) => {
                    self.sent = event.seq;
                    Some(frame)
                }
                // It cannot happen: the body was parsed as JSON when it
                // was received.
                Err(err) => {
                    tracing::error!(error = %err, seq = event.seq.get(), "could not serialise a delivery");
                    self.done = true;
                    Some(error_frame("a delivery could not be serialised", self.sent))
                }
            },
            Followed::Lagged {
                missed,
                resume_after,
            } => {
                metrics::counter!("calltap_stream_lagged_total").increment(1);
                Some(lagged_frame(missed, resume_after))
            }
            Followed::Failed {
                error,
                resume_after,
            } => {
                self.done = true;
                let error = ApiError::from(error);
                Some(error_frame(&error.to_string(), resume_after))
            }
        }
    }
}

/// Counts open streams (`calltap_stream_clients`), down again on drop.
struct ClientGauge;

impl ClientGauge {
    fn new() -> ClientGauge {
        metrics::gauge!("calltap_stream_clients").increment(1.0);
        ClientGauge
    }
}

impl Drop for ClientGauge {
    fn drop(&mut self) {
        metrics::gauge!("calltap_stream_clients").decrement(1.0);
    }
}

/// `event: delivery` with the seq as its id.
fn delivery_frame(delivery: &EventOut<'_>) -> Result<Frame, serde_json::Error> {
    let json = serde_json::to_string(delivery)?;
    Ok(Frame::event("delivery", Some(delivery.seq), &json))
}

/// `event: lagged`: how many went past, and where the replay starts.
fn lagged_frame(missed: u64, resume_after: Seq) -> Frame {
    let json = serde_json::json!({"missed": missed, "resume_after": resume_after});
    Frame::event("lagged", None, &json.to_string())
}

/// `event: error`: why the stream ends, and where to resume.
fn error_frame(error: &str, resume_after: Seq) -> Frame {
    let json = serde_json::json!({"error": error, "resume_after": resume_after});
    Frame::event("error", None, &json.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(frame: &Frame) -> String {
        String::from_utf8(frame.as_bytes().to_vec()).expect("UTF-8")
    }

    #[test]
    fn the_lagged_event_is_framed_as_documented() {
        // Debug-formatted, so the line ends and the blank line are visible.
        insta::assert_snapshot!(format!("{:?}", text(&lagged_frame(37, Seq::new(120)))));
    }

    #[test]
    fn last_event_id_wins_over_after_and_bad_values_are_refused() {
        let mut headers = HeaderMap::new();
        assert_eq!(resume_point(&headers, None).ok(), Some(None));
        let seq = Seq::new;
        assert_eq!(
            resume_point(&headers, Some(seq(5))).ok(),
            Some(Some(seq(5)))
        );
        headers.insert(LAST_EVENT_ID, " 9 ".parse().expect("header"));
        assert_eq!(
            resume_point(&headers, Some(seq(5))).ok(),
            Some(Some(seq(9)))
        );
        headers.insert(LAST_EVENT_ID, "".parse().expect("header"));
        assert_eq!(
            resume_point(&headers, Some(seq(5))).ok(),
            Some(Some(seq(5)))
        );
        headers.insert(LAST_EVENT_ID, "nine".parse().expect("header"));
        assert!(resume_point(&headers, None).is_err());
        assert!(resume_point(&HeaderMap::new(), Some(seq(-1))).is_err());
    }
}
