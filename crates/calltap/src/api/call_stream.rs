//! `GET /api/v1/calls/{id}/stream`: a call's state, live, as Server-Sent
//! Events.
//!
//! Framing: every message is `event: state`, `id: <seq>`, `data: <the
//! CallDetail JSON>`, where `seq` is the highest log seq folded into that
//! state. First the current state, then a new state after each projected
//! event of the call (several events projected in one batch give one
//! state). Resuming with `Last-Event-ID: <seq>` sends the current state only
//! if it is newer than `seq`: a state stream has no history to replay, the
//! latest state already contains every earlier event.
//!
//! Fan-out never slows ingest: updates come from the projector on a bounded
//! broadcast. A client that falls behind by more than its capacity gets
//! `event: lagged` (data `{"skipped": n}`) followed by the current state
//! read from the store. Streams end when the server shuts down. Framing,
//! keep-alives and shutdown are `api::sse`'s, shared with `/api/v1/stream`.

use axum::extract::{FromRef, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::sse::{Frame, Streams};
use super::{read, ApiError};
use crate::ids::{CallId, Seq};
use crate::project::{CallUpdate, Projection};
use crate::store::backend::Reader;

/// `GET /api/v1/calls/{id}/stream`, over a store [`Reader`], the
/// projector's [`Projection`] (its updates) and the [`Streams`] settings.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
    Projection: FromRef<S>,
    Streams: FromRef<S>,
{
    Router::new().route("/api/v1/calls/{id}/stream", get(stream))
}

/// A call's state, live.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{id}/stream",
    operation_id = "streamCall",
    tag = "calls",
    params(
        ("id" = String, Path, description = "The call id."),
        ("Last-Event-ID" = Option<i64>, Header, minimum = 0, description = "Resume: send the current state only if its seq is greater."),
    ),
    responses(
        (status = 200, description = "Server-Sent Events. `event: state` with `id: <log seq>` and `data: <CallDetail JSON>`: first the current state, then one after each projected event of the call. `event: lagged` with `data: {\"skipped\": n}` when this client fell behind, followed by the current state. The stream ends when the server shuts down.", content_type = "text/event-stream", body = String),
        (status = 404, description = "No event of this call has been projected.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn stream(
    State(reader): State<Reader>,
    State(projection): State<Projection>,
    State(streams): State<Streams>,
    Path(id): Path<CallId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Subscribe before reading the current state, so that no update falls
    // between the two.
    let updates = projection.updates.subscribe();
    let key = id.clone();
    let Some(current) = read(&reader, move |r| r.call_detail(&key)).await? else {
        return Err(ApiError::NotFound(format!("no call with id {id:?}")));
    };
    let resume_after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<Seq>().ok());
    let mut pending = Vec::new();
    let mut sent = resume_after;
    if Some(current.last_seq) > resume_after {
        pending.push(state_event(current.last_seq, &current.detail));
        sent = Some(current.last_seq);
    }
    let call = CallStream {
        id,
        sent,
        pending,
        updates,
        reader,
    };
    Ok(streams.respond(call.into_stream()))
}

fn state_event(seq: Seq, detail: &str) -> Frame {
    Frame::event("state", Some(seq), detail)
}

/// One client's stream: what it has been sent and where updates come from.
struct CallStream {
    id: CallId,
    /// The seq of the last state sent (or resumed from), if any.
    sent: Option<Seq>,
    /// Frames to send before waiting again.
    pending: Vec<Frame>,
    updates: broadcast::Receiver<CallUpdate>,
    reader: Reader,
}

impl CallStream {
    fn into_stream(self) -> impl Stream<Item = Frame> + Send {
        stream::unfold(self, |mut s| async move {
            s.next().await.map(|frame| (frame, s))
        })
    }

    /// The next frame, or `None` to end the stream (the projector stopped).
    /// Shutdown is `sse::response`'s job.
    async fn next(&mut self) -> Option<Frame> {
        loop {
            if !self.pending.is_empty() {
                return Some(self.pending.remove(0));
            }
            match self.updates.recv().await {
                Ok(update) => {
                    if update.id == self.id && Some(update.seq) > self.sent {
                        self.sent = Some(update.seq);
                        return Some(state_event(update.seq, &update.detail));
                    }
                }
                Err(RecvError::Lagged(skipped)) => {
                    metrics::counter!("calltap_stream_lagged_total").increment(1);
                    let lagged = format!("{{\"skipped\":{skipped}}}");
                    self.pending.push(Frame::event("lagged", None, &lagged));
                    let key = self.id.clone();
                    if let Ok(Some(current)) =
                        read(&self.reader, move |r| r.call_detail(&key)).await
                    {
                        if Some(current.last_seq) > self.sent {
                            self.sent = Some(current.last_seq);
                            self.pending
                                .push(state_event(current.last_seq, &current.detail));
                        }
                    }
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::open::Store;
    use crate::store::projections::CallRow;
    use crate::store::Durability;

    fn row(last_seq: i64) -> CallRow {
        CallRow {
            id: CallId::new("c"),
            status: None,
            ended_reason: None,
            assistant_id: None,
            assistant_name: None,
            call_type: None,
            started_at: None,
            ended_at: None,
            sort_at: 0,
            last_event_at: None,
            event_count: 1,
            last_seq: Seq::new(last_seq),
            summary: "{}".to_owned(),
            detail: format!("{{\"at\":{last_seq}}}"),
            detail_shared: None,
        }
    }

    fn framed(frame: &Frame) -> String {
        String::from_utf8_lossy(frame.as_bytes()).into_owned()
    }

    #[tokio::test]
    async fn a_lagging_client_is_told_and_gets_the_current_state_and_stale_updates_are_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("s.db"), Durability::Normal).expect("open");
        let mut projections = store.projection_writer().expect("projector connection");
        projections
            .write_batch(&[row(9)], &[], Seq::new(9))
            .expect("write");
        let (updates, receiver) = broadcast::channel(2);
        let mut stream = CallStream {
            id: CallId::new("c"),
            sent: Some(Seq::new(1)),
            pending: Vec::new(),
            updates: receiver,
            reader: store.reader().expect("reader"),
        };
        for seq in 2..=6 {
            let _ = updates.send(CallUpdate {
                id: CallId::new("c"),
                seq: Seq::new(seq),
                detail: Arc::from("{}"),
                summary: Arc::from("{}"),
            });
        }

        let lagged = stream.next().await.expect("lagged");
        let current = stream.next().await.expect("the current state");
        // The two updates still buffered (5, 6) are older than the state
        // sent, so they are skipped; then the projector goes away.
        drop(updates);
        let end = stream.next().await;

        assert_eq!(framed(&lagged), "event: lagged\ndata: {\"skipped\":3}\n\n");
        assert_eq!(
            framed(&current),
            "id: 9\nevent: state\ndata: {\"at\":9}\n\n"
        );
        assert!(end.is_none(), "the stream ends when its updates end");
    }
}
