//! `GET /api/v1/calls/{id}/stream`: the current state first, a new state
//! per event, `Last-Event-ID` resume, and the end of streams at shutdown.

use std::time::Duration;

use serde_json::Value;

use crate::calls::wait_projected;
use crate::helpers::{spawn_app, status_update, TestApp};

/// One SSE message: its `event`, `id` and `data` fields.
#[derive(Debug)]
struct Sse {
    event: String,
    id: Option<i64>,
    data: Value,
}

/// Reads SSE messages off a streaming response.
struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

impl SseReader {
    async fn open(app: &TestApp, id: &str, last_event_id: Option<i64>) -> SseReader {
        let mut request = app
            .client
            .get(format!("{}/api/v1/calls/{id}/stream", app.base));
        if let Some(last) = last_event_id {
            request = request.header("last-event-id", last.to_string());
        }
        let response = request.send().await.expect("stream opens");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        SseReader {
            response,
            buffer: String::new(),
        }
    }

    /// The next message; `None` when the stream ended.
    async fn next(&mut self) -> Option<Sse> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = String::new();
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        event = v.to_owned();
                    } else if let Some(v) = line.strip_prefix("id: ") {
                        id = v.parse().ok();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if event.is_empty() {
                    continue; // a keep-alive comment
                }
                let data = serde_json::from_str(&data).expect("JSON data");
                return Some(Sse { event, id, data });
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.response.chunk())
                .await
                .expect("an SSE message within 10 s")
                .expect("the stream reads");
            match chunk {
                Some(bytes) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                None => return None,
            }
        }
    }
}

fn speech(id: &str, turn: u32) -> String {
    format!(
        r#"{{"message":{{"type":"speech-update","role":"assistant","status":"started","turn":{turn},"timestamp":{},"call":{{"id":"{id}"}}}}}}"#,
        1_750_314_426_000_u64 + u64::from(turn)
    )
}

async fn post_seq(app: &TestApp, body: String) -> i64 {
    let response = app.post(body).await;
    assert_eq!(response.status(), 200);
    response.headers()["x-calltap-seq"]
        .to_str()
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("a seq")
}

#[tokio::test]
async fn the_stream_sends_the_current_state_then_a_new_state_after_each_event() {
    let app = spawn_app().await;
    let first = post_seq(&app, status_update("live")).await;
    wait_projected(&app, first).await;

    let mut stream = SseReader::open(&app, "live", None).await;
    let current = stream.next().await.expect("the current state");
    let second = post_seq(&app, speech("live", 0)).await;
    let updated = stream.next().await.expect("an updated state");

    assert_eq!(current.event, "state");
    assert_eq!(current.id, Some(first));
    assert_eq!(current.data["status"], "in-progress");
    assert_eq!(current.data["event_count"], 1);
    assert_eq!(updated.event, "state");
    assert_eq!(updated.id, Some(second));
    assert_eq!(updated.data["event_count"], 2);
    assert_eq!(
        updated.data,
        app.get_json("/api/v1/calls/live").await,
        "the streamed state is the served detail"
    );
}

#[tokio::test]
async fn resuming_at_the_current_seq_skips_the_current_state() {
    let app = spawn_app().await;
    let first = post_seq(&app, status_update("resume")).await;
    wait_projected(&app, first).await;

    let mut stream = SseReader::open(&app, "resume", Some(first)).await;
    let second = post_seq(&app, speech("resume", 0)).await;
    let message = stream.next().await.expect("a state");

    assert_eq!(
        message.id,
        Some(second),
        "the state at {first} was not resent"
    );
    assert_eq!(message.data["event_count"], 2);
}

#[tokio::test]
async fn a_stream_of_an_unknown_call_is_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/calls/nobody/stream").await.status(), 404);
}

#[tokio::test]
async fn open_streams_end_when_the_server_shuts_down() {
    let app = spawn_app().await;
    let first = post_seq(&app, status_update("bye")).await;
    wait_projected(&app, first).await;
    let mut stream = SseReader::open(&app, "bye", None).await;
    assert!(stream.next().await.is_some());

    let stopped = tokio::time::timeout(Duration::from_secs(10), app.stop()).await;

    assert!(
        stopped.is_ok(),
        "graceful shutdown waited on the open stream"
    );
    assert!(stream.next().await.is_none(), "the stream ended");
}
