//! `GET /ui/live/calls`: the calls page's live rows, as Server-Sent
//! Events. Every call the projector updates comes as `event: row` (data:
//! `{"id", "sort_at", "html"}`, the row written by the page's own
//! template) when it matches the page's filters, else as `event: gone`
//! (data: `{"id"}`, so a row whose status left the filter goes away). A
//! client that falls behind gets `event: lagged` and reloads the list.
//!
//! Fan-out never slows ingest: updates come from the projector's bounded
//! broadcast, as for `/api/v1/calls/{id}/stream`; framing, keep-alives and
//! shutdown are `api::sse`'s.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use futures_util::stream;
use serde::Serialize;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::calls::{matches, CallRowView, ListQuery, RowFragment};
use super::UiError;
use crate::api::sse::{Frame, Streams};
use crate::calls::analytics::call_time;
use crate::calls::CallSummary;
use crate::project::{CallUpdate, Projection};
use crate::store::projections::CallFilter;

/// The data of a `row` event.
#[derive(Debug, Serialize)]
struct RowOut<'a> {
    id: &'a str,
    sort_at: i64,
    html: String,
}

/// The data of a `gone` event.
#[derive(Debug, Serialize)]
struct GoneOut<'a> {
    id: &'a str,
}

/// `GET /ui/live/calls`: live rows for the calls page's filters.
pub async fn calls(
    State(projection): State<Projection>,
    State(streams): State<Streams>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, UiError> {
    let Query(query) = query.map_err(|err| UiError::BadRequest(err.body_text()))?;
    let filter = query.filter(1)?;
    let updates = projection.updates.subscribe();
    Ok(streams.respond(stream::unfold(
        (updates, filter),
        |(mut updates, filter)| async move {
            let frame = next_frame(&mut updates, &filter).await?;
            Some((frame, (updates, filter)))
        },
    )))
}

/// The next frame for this filter, or `None` when the projector is gone.
async fn next_frame(
    updates: &mut broadcast::Receiver<CallUpdate>,
    filter: &CallFilter,
) -> Option<Frame> {
    loop {
        match updates.recv().await {
            Ok(update) => {
                if let Some(frame) = frame_of(&update, filter) {
                    return Some(frame);
                }
            }
            Err(RecvError::Lagged(skipped)) => {
                metrics::counter!("calltap_stream_lagged_total").increment(1);
                return Some(Frame::event(
                    "lagged",
                    None,
                    &format!("{{\"skipped\":{skipped}}}"),
                ));
            }
            Err(RecvError::Closed) => return None,
        }
    }
}

/// The frame of one update: its row, or that it left the list.
fn frame_of(update: &CallUpdate, filter: &CallFilter) -> Option<Frame> {
    let summary: CallSummary = match serde_json::from_str(&update.summary) {
        Ok(summary) => summary,
        Err(err) => {
            tracing::error!(call = %update.id, error = %err, "a published summary does not read");
            return None;
        }
    };
    let json = if matches(filter, &summary) {
        let html = RowFragment {
            row: CallRowView::new(&summary),
        }
        .render()
        .ok()?;
        serde_json::to_string(&RowOut {
            id: &summary.id,
            sort_at: call_time(&summary).unwrap_or(0),
            html,
        })
        .ok()?
    } else {
        return serde_json::to_string(&GoneOut { id: &summary.id })
            .ok()
            .map(|json| Frame::event("gone", Some(update.seq), &json));
    };
    Some(Frame::event("row", Some(update.seq), &json))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ids::{CallId, Seq};

    fn update(status: &str) -> CallUpdate {
        CallUpdate {
            id: CallId::new("c1"),
            seq: Seq::new(7),
            detail: Arc::from("{}"),
            summary: Arc::from(
                format!(
                    r#"{{"id":"c1","type":null,"status":"{status}","ended_reason":null,
                    "assistant":{{"id":null,"name":"Sam"}},"customer_number":null,
                    "phone_number":null,"started_at":5,"ended_at":null,"duration_ms":null,
                    "cost":null,"event_count":1,"first_event_at":5,"last_event_at":5,
                    "turn_count":0,"turn_latencies_ms":[],"interruptions_by_user":0,
                    "interruptions_by_assistant":0,"interrupted_turns":0,"transfer_count":0}}"#
                )
                .as_str(),
            ),
        }
    }

    fn text(frame: &Frame) -> String {
        String::from_utf8_lossy(frame.as_bytes()).into_owned()
    }

    #[test]
    fn a_matching_call_comes_as_its_row_and_one_that_left_the_filter_as_gone() {
        let filter = CallFilter {
            status: Some("in-progress".into()),
            ..CallFilter::default()
        };
        let row = text(&frame_of(&update("in-progress"), &filter).expect("a frame"));
        let gone = text(&frame_of(&update("ended"), &filter).expect("a frame"));
        assert!(
            row.starts_with("id: 7\nevent: row\ndata: {\"id\":\"c1\",\"sort_at\":5,\"html\":\"<tr"),
            "{row}"
        );
        assert!(row.contains("Sam"), "{row}");
        assert_eq!(gone, "id: 7\nevent: gone\ndata: {\"id\":\"c1\"}\n\n");
    }
}
