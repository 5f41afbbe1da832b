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
//! How "no gap, no duplicate" holds: the writer publishes a delivery only
//! after its commit, and seqs are committed in order by one writer. A
//! stream subscribes to the feed BEFORE each read of the log, so a delivery
//! is either visible to that read or published after the subscription.
//! `cursor`, the last seq sent, drops whatever arrives twice that way.

use std::collections::VecDeque;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::events::EventOut;
use super::sse::{self, Frame};
use super::{bad_query, read, ApiError};
use crate::server::AppState;
use crate::store::feed::Subscription;
use crate::store::sqlite::Reader;
use crate::store::{Event, EventFilter};

/// How many events one read of the log returns while replaying.
const REPLAY_PAGE: u32 = 256;

/// The header a reconnecting SSE client sends with the last id it got.
const LAST_EVENT_ID: &str = "last-event-id";

/// Query string of the stream.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Only this call.
    pub call_id: Option<String>,
    /// Only this message type.
    #[serde(rename = "type")]
    pub message_type: Option<String>,
    /// Replay the log after this seq first (`Last-Event-ID` wins over it).
    pub after: Option<i64>,
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
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this seq (wins over `after`)."),
    ),
    responses(
        (status = 200, description = "Server-Sent Events. `event: delivery` with `id: <seq>` and `data:` an item of `/api/v1/events`, in seq order, each once; `event: lagged` with `data: {\"missed\":N,\"resume_after\":SEQ}` (the missed deliveries follow, read from the log); `event: error` with `data: {\"error\":...,\"resume_after\":SEQ}`, then the end. Without `Last-Event-ID` or `after` the stream starts live. It ends when the server shuts down.", content_type = "text/event-stream", body = String),
        (status = 400, description = "A bad filter, `after` or `Last-Event-ID`.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn stream(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<StreamQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let resume = resume_point(&headers, query.after)?;
    let filter = StreamFilter {
        call_id: query.call_id,
        message_type: query.message_type,
    };
    // Subscribe before reading where "now" is, so that nothing committed
    // after that read can slip between the two.
    let live = app.feed.subscribe();
    let now = read(&app.reader, |r| r.last_seq()).await?;
    let deliveries = match resume {
        // A resume point past the end of the log (a client of a database that
        // was since replaced) would silently skip the next deliveries up to
        // it: resume from the end instead.
        Some(after) => Deliveries::new(Arc::clone(&app.reader), filter, live, after.min(now), true),
        None => Deliveries::new(Arc::clone(&app.reader), filter, live, now, false),
    };
    tracing::debug!(?resume, "stream opened");
    Ok(sse::response(
        deliveries.into_frames(),
        app.config.stream_keep_alive,
        app.shutdown.clone(),
    ))
}

/// Where a stream resumes: `Last-Event-ID`, else `after`, else nowhere.
fn resume_point(headers: &HeaderMap, after: Option<i64>) -> Result<Option<i64>, ApiError> {
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
                Some(text.parse::<i64>().map_err(|_| ApiError::BadRequest {
                    kind: "invalid_last_event_id",
                    reason: format!("Last-Event-ID must be a seq (an integer), got {text:?}"),
                })?)
            }
        }
    };
    match header.or(after) {
        Some(seq) if seq < 0 => Err(ApiError::BadRequest {
            kind: "invalid_query",
            reason: format!("the seq to resume after must be 0 or more, got {seq}"),
        }),
        resume => Ok(resume),
    }
}

/// Which deliveries a stream wants.
#[derive(Clone, Debug, Default)]
struct StreamFilter {
    call_id: Option<String>,
    message_type: Option<String>,
}

impl StreamFilter {
    fn matches(&self, event: &Event) -> bool {
        self.call_id
            .as_deref()
            .is_none_or(|id| event.call_id.as_deref() == Some(id))
            && self
                .message_type
                .as_deref()
                .is_none_or(|t| event.message_type == t)
    }
}

/// One client's deliveries: replayed from the log, then live from the feed,
/// back to the log after a lag. Produces frames on demand, so a client
/// that reads slowly is read for slowly (and lags the feed, not the writer).
struct Deliveries {
    reader: Arc<Reader>,
    filter: StreamFilter,
    live: Subscription,
    /// The last seq sent, or the one the stream starts after: nothing at or
    /// below it is sent (again).
    cursor: i64,
    /// Whether the next deliveries come from the log (else from the feed).
    replaying: bool,
    /// Deliveries read from the log and not yet sent.
    backlog: VecDeque<Event>,
    /// Set after an error frame: the stream ends.
    done: bool,
    _client: ClientGauge,
}

impl Deliveries {
    fn new(
        reader: Arc<Reader>,
        filter: StreamFilter,
        live: Subscription,
        cursor: i64,
        replaying: bool,
    ) -> Deliveries {
        Deliveries {
            reader,
            filter,
            live,
            cursor,
            replaying,
            backlog: VecDeque::new(),
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
        loop {
            if self.done {
                return None;
            }
            if let Some(event) = self.backlog.pop_front() {
                let frame = delivery_frame(&EventOut::from(&event));
                return Some(self.sent(event.seq, frame));
            }
            if self.replaying {
                match self.read_page().await {
                    Ok(page) => {
                        // A short page is the end of the log as of this read;
                        // everything after it is in the subscription.
                        self.replaying = page.len() == REPLAY_PAGE as usize;
                        self.backlog.extend(page);
                        continue;
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, cursor = self.cursor, "stream could not read the log");
                        self.done = true;
                        return Some(error_frame(&err.to_string(), self.cursor));
                    }
                }
            }
            match self.live.recv().await {
                Ok(event) => {
                    if event.seq <= self.cursor || !self.filter.matches(&event) {
                        continue;
                    }
                    let frame = delivery_frame(&EventOut::from(&*event));
                    return Some(self.sent(event.seq, frame));
                }
                Err(RecvError::Lagged(missed)) => {
                    metrics::counter!("calltap_stream_lagged_total").increment(1);
                    tracing::info!(
                        missed,
                        cursor = self.cursor,
                        "stream lagged; replaying from the log"
                    );
                    self.replaying = true;
                    return Some(lagged_frame(missed, self.cursor));
                }
                // Every sender is gone: the server is stopping.
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// The next page of the log after the cursor.
    async fn read_page(&mut self) -> Result<Vec<Event>, ApiError> {
        // A fresh subscription before every read keeps the rule "subscribed
        // before the read", and drops what the old one holds: all of that
        // was committed before this read, so the read returns it (or it was
        // sent already). Without it a long replay would fill the old
        // subscription and end in a needless `lagged`.
        self.live = self.live.resubscribe();
        let filter = EventFilter {
            call_id: self.filter.call_id.clone(),
            message_type: self.filter.message_type.clone(),
            after: Some(self.cursor),
            up_to: None,
            limit: REPLAY_PAGE,
        };
        read(&self.reader, move |r| r.events(&filter)).await
    }

    /// Moves the cursor to `seq` and returns its frame; or, should the
    /// delivery not serialise (it cannot: its body was parsed as JSON when
    /// it was received), an error frame that ends the stream.
    fn sent(&mut self, seq: i64, frame: Result<Frame, serde_json::Error>) -> Frame {
        match frame {
            Ok(frame) => {
                self.cursor = seq;
                frame
            }
            Err(err) => {
                tracing::error!(error = %err, seq, "could not serialise a delivery");
                self.done = true;
                error_frame("a delivery could not be serialised", self.cursor)
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
fn lagged_frame(missed: u64, resume_after: i64) -> Frame {
    let json = serde_json::json!({"missed": missed, "resume_after": resume_after});
    Frame::event("lagged", None, &json.to_string())
}

/// `event: error`: why the stream ends, and where to resume.
fn error_frame(error: &str, resume_after: i64) -> Frame {
    let json = serde_json::json!({"error": error, "resume_after": resume_after});
    Frame::event("error", None, &json.to_string())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::Durability;
    use crate::store::feed::Feed;
    use crate::store::sqlite;
    use crate::store::writer::{Job, Writer};
    use crate::store::NewEvent;

    fn job(i: usize, call: &str) -> Job {
        Job::Event(NewEvent {
            received_at: 1_750_000_000_000,
            call_id: Some(call.to_owned()),
            message_type: "status-update".to_owned(),
            timestamp: Some(1_750_314_425_773),
            key: format!("k{i}"),
            body: bytes::Bytes::from(format!(
                r#"{{"message":{{"type":"status-update","n":{i}}}}}"#
            )),
            headers: "{}".to_owned(),
            split: None,
        })
    }

    /// A log with a writer publishing on a feed of `capacity`.
    fn log(capacity: usize) -> (tempfile::TempDir, Writer, Feed, Arc<Reader>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.db");
        let conn = sqlite::open_writer(&path, Durability::Normal).expect("open");
        let feed = Feed::new(capacity);
        let writer = Writer::new(conn, 8).with_feed(feed.clone());
        let reader = Arc::new(Reader::open(&path).expect("reader"));
        (dir, writer, feed, reader)
    }

    fn text(frame: &Frame) -> String {
        String::from_utf8(frame.as_bytes().to_vec()).expect("UTF-8")
    }

    fn seq_of(frame: &Frame) -> Option<i64> {
        text(frame)
            .strip_prefix("id: ")?
            .lines()
            .next()?
            .parse()
            .ok()
    }

    async fn next_or_nothing(deliveries: &mut Deliveries) -> Option<Frame> {
        tokio::time::timeout(Duration::from_millis(50), deliveries.next())
            .await
            .ok()
            .flatten()
    }

    #[tokio::test]
    async fn a_stream_that_lags_says_so_then_gets_the_gap_from_the_log_without_duplicates() {
        let (_dir, mut writer, feed, reader) = log(2);
        let mut deliveries =
            Deliveries::new(reader, StreamFilter::default(), feed.subscribe(), 0, false);
        for i in 1..=10 {
            writer.process_batch(&[&job(i, "c")]).expect("commit");
        }

        let first = deliveries.next().await.expect("a frame");
        assert_eq!(
            text(&first),
            "event: lagged\ndata: {\"missed\":8,\"resume_after\":0}\n\n"
        );
        let mut seqs = Vec::new();
        while let Some(frame) = next_or_nothing(&mut deliveries).await {
            seqs.push(seq_of(&frame).expect("a delivery"));
        }
        assert_eq!(seqs, (1..=10).collect::<Vec<_>>());

        // And live again afterwards.
        writer.process_batch(&[&job(11, "c")]).expect("commit");
        let frame = next_or_nothing(&mut deliveries).await.expect("live");
        assert_eq!(seq_of(&frame), Some(11));
    }

    #[tokio::test]
    async fn a_resumed_stream_replays_matching_deliveries_in_pages_then_goes_live() {
        let (_dir, mut writer, feed, reader) = log(4);
        let total = REPLAY_PAGE as usize * 2 + 10;
        for chunk in (1..=total).collect::<Vec<_>>().chunks(8) {
            let jobs: Vec<Job> = chunk
                .iter()
                .map(|&i| job(i, if i % 2 == 0 { "even" } else { "odd" }))
                .collect();
            writer
                .process_batch(&jobs.iter().collect::<Vec<_>>())
                .expect("commit");
        }
        let filter = StreamFilter {
            call_id: Some("even".to_owned()),
            message_type: None,
        };
        let mut deliveries = Deliveries::new(reader, filter, feed.subscribe(), 100, true);

        let mut seqs = Vec::new();
        while let Some(frame) = next_or_nothing(&mut deliveries).await {
            seqs.push(seq_of(&frame).expect("a delivery, no lagged"));
        }
        writer
            .process_batch(&[&job(total + 1, "odd"), &job(total + 2, "even")])
            .expect("commit");
        let live = next_or_nothing(&mut deliveries).await.expect("live");

        let expected: Vec<i64> = (102..=total as i64).step_by(2).collect();
        assert_eq!(seqs, expected);
        assert_eq!(seq_of(&live), Some(total as i64 + 2));
    }

    #[tokio::test]
    async fn dropping_a_stream_drops_its_subscription() {
        let (_dir, _writer, feed, reader) = log(4);
        let deliveries =
            Deliveries::new(reader, StreamFilter::default(), feed.subscribe(), 0, true);
        assert_eq!(feed.subscribers(), 1);
        drop(deliveries);
        assert_eq!(feed.subscribers(), 0);
    }

    #[test]
    fn the_lagged_event_is_framed_as_documented() {
        // Debug-formatted, so the line ends and the blank line are visible.
        insta::assert_snapshot!(format!("{:?}", text(&lagged_frame(37, 120))));
    }

    #[test]
    fn last_event_id_wins_over_after_and_bad_values_are_refused() {
        let mut headers = HeaderMap::new();
        assert_eq!(resume_point(&headers, None).ok(), Some(None));
        assert_eq!(resume_point(&headers, Some(5)).ok(), Some(Some(5)));
        headers.insert(LAST_EVENT_ID, " 9 ".parse().expect("header"));
        assert_eq!(resume_point(&headers, Some(5)).ok(), Some(Some(9)));
        headers.insert(LAST_EVENT_ID, "".parse().expect("header"));
        assert_eq!(resume_point(&headers, Some(5)).ok(), Some(Some(5)));
        headers.insert(LAST_EVENT_ID, "nine".parse().expect("header"));
        assert!(resume_point(&headers, None).is_err());
        assert!(resume_point(&HeaderMap::new(), Some(-1)).is_err());
    }
}
