//! `GET /api/v1/stream`: live deliveries as Server-Sent Events, filters,
//! resuming without gaps, lagging clients, stuck clients and shutdown.
//!
//! The client is a raw `TcpStream`, so a test controls its receive buffer
//! (a small one makes a client that stops reading push back on the server
//! quickly) and sees the exact bytes on the wire.

use std::time::Duration;

use calltap::config::{Durability, Secret};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinSet;

use crate::helpers::{spawn_app_with, status_update, TestApp};

/// How long a test waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(10);
/// The keep-alive interval the tests run with: short, so that a keep-alive
/// after the expected deliveries shows that nothing else was queued.
const KEEP_ALIVE: Duration = Duration::from_millis(200);

/// One SSE message as received.
#[derive(Debug)]
struct Message {
    /// Exactly as on the wire, blank line included.
    raw: String,
    id: Option<i64>,
    event: Option<String>,
    data: Option<String>,
}

impl Message {
    fn is_keep_alive(&self) -> bool {
        self.raw == ": keep-alive\n\n"
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.data.as_deref().expect("a data field")).expect("JSON data")
    }

    fn delivery_seq(&self) -> Option<i64> {
        (self.event.as_deref() == Some("delivery")).then_some(self.id)?
    }
}

/// An SSE client over HTTP/1.1 with chunked transfer decoding.
struct SseClient {
    conn: BufReader<TcpStream>,
    /// Decoded stream text not yet split into messages.
    pending: String,
    content_type: String,
}

impl SseClient {
    /// Opens `path` and reads the response head (so the server has
    /// subscribed by the time this returns).
    async fn open(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> SseClient {
        SseClient::open_with(app, path, headers, None).await
    }

    /// Like [`open`], with the socket's receive buffer set to `recv_buffer`
    /// bytes before connecting.
    async fn open_with(
        app: &TestApp,
        path: &str,
        headers: &[(&str, &str)],
        recv_buffer: Option<u32>,
    ) -> SseClient {
        let socket = TcpSocket::new_v4().expect("socket");
        if let Some(size) = recv_buffer {
            socket.set_recv_buffer_size(size).expect("SO_RCVBUF");
        }
        let mut stream = socket.connect(app.addr).await.expect("connect");
        let mut request = format!("GET {path} HTTP/1.1\r\nhost: {}\r\n", app.addr);
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("send request");
        let mut conn = BufReader::new(stream);
        let mut status = String::new();
        conn.read_line(&mut status).await.expect("status line");
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let mut content_type = String::new();
        loop {
            let mut line = String::new();
            conn.read_line(&mut line).await.expect("header line");
            let line = line.trim_end().to_ascii_lowercase();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("content-type:") {
                content_type = value.trim().to_owned();
            }
            if let Some(value) = line.strip_prefix("transfer-encoding:") {
                assert_eq!(value.trim(), "chunked");
            }
        }
        SseClient {
            conn,
            pending: String::new(),
            content_type,
        }
    }

    /// The next decoded chunk of the body; `None` at its end.
    async fn chunk(&mut self) -> Option<String> {
        let mut size = String::new();
        if self.conn.read_line(&mut size).await.expect("chunk size") == 0 {
            return None;
        }
        let size = usize::from_str_radix(size.trim_end(), 16).expect("hex chunk size");
        let mut data = vec![0; size + 2];
        self.conn.read_exact(&mut data).await.expect("chunk data");
        if size == 0 {
            return None;
        }
        data.truncate(size);
        Some(String::from_utf8(data).expect("UTF-8 stream"))
    }

    /// The next message, keep-alives included; `None` when the stream ends.
    async fn message(&mut self) -> Option<Message> {
        let next = async {
            // Where to look for the blank line: what was searched before
            // holds none (less one byte, in case a chunk split the pair).
            let mut from = 0;
            loop {
                let unsearched = &self.pending.as_bytes()[from..];
                if let Some(end) = unsearched.windows(2).position(|w| w == b"\n\n") {
                    let rest = self.pending.split_off(from + end + 2);
                    let raw = std::mem::replace(&mut self.pending, rest);
                    return Some(parse(raw));
                }
                from = self.pending.len().saturating_sub(1);
                let chunk = self.chunk().await?;
                self.pending.push_str(&chunk);
            }
        };
        tokio::time::timeout(PATIENCE, next)
            .await
            .expect("the stream went quiet")
    }

    /// The next message that is not a keep-alive.
    async fn event(&mut self) -> Message {
        loop {
            let message = self.message().await.expect("the stream ended");
            if !message.is_keep_alive() {
                return message;
            }
        }
    }

    /// The seqs of the next `n` deliveries, failing on any other event.
    async fn delivery_seqs(&mut self, n: usize) -> Vec<i64> {
        let mut seqs = Vec::with_capacity(n);
        while seqs.len() < n {
            let message = self.event().await;
            seqs.push(message.delivery_seq().unwrap_or_else(|| {
                panic!("expected a delivery, got {:?}", message.raw);
            }));
        }
        seqs
    }

    /// Asserts that nothing but a keep-alive comes next.
    async fn assert_nothing_more(&mut self) {
        let message = self.message().await.expect("the stream ended");
        assert!(message.is_keep_alive(), "unexpected: {:?}", message.raw);
    }
}

fn parse(raw: String) -> Message {
    let mut message = Message {
        raw: String::new(),
        id: None,
        event: None,
        data: None,
    };
    for line in raw.lines() {
        if let Some(id) = line.strip_prefix("id: ") {
            message.id = Some(id.parse().expect("numeric id"));
        } else if let Some(event) = line.strip_prefix("event: ") {
            message.event = Some(event.to_owned());
        } else if let Some(data) = line.strip_prefix("data: ") {
            assert!(message.data.is_none(), "data is one line: {raw:?}");
            message.data = Some(data.to_owned());
        }
    }
    message.raw = raw;
    message
}

/// A delivery of about `pad` bytes for `call`, unique per `n`.
fn padded(call: &str, n: usize, pad: usize) -> String {
    format!(
        r#"{{"message":{{"type":"status-update","status":"in-progress","n":{n},"pad":"{}","call":{{"id":"{call}"}}}}}}"#,
        "x".repeat(pad)
    )
}

/// Posts `bodies` 8 at a time; the statuses in order.
async fn post_all(app: &TestApp, bodies: Vec<String>) -> Vec<u16> {
    let mut statuses = Vec::new();
    for batch in bodies.chunks(8) {
        let mut posts = JoinSet::new();
        for (i, body) in batch.iter().cloned().enumerate() {
            let client = app.client.clone();
            let url = format!("{}/", app.base);
            posts.spawn(async move {
                let response = client.post(url).body(body).send().await;
                (i, response.map(|r| r.status().as_u16()).unwrap_or(0))
            });
        }
        let mut done = posts.join_all().await;
        done.sort();
        statuses.extend(done.into_iter().map(|(_, status)| status));
    }
    statuses
}

async fn stream_app() -> TestApp {
    spawn_app_with(|c| c.stream_keep_alive = KEEP_ALIVE).await
}

#[tokio::test]
async fn a_delivery_posted_after_connecting_arrives_with_its_seq_as_id_and_its_body_as_json() {
    let app = stream_app().await;
    let mut client = SseClient::open(&app, "/api/v1/stream", &[]).await;

    assert_eq!(app.post(status_update("call-live")).await.status(), 200);
    let message = client.event().await;

    assert_eq!(client.content_type, "text/event-stream");
    assert_eq!(message.event.as_deref(), Some("delivery"));
    assert_eq!(message.id, Some(1));
    let listed = app.get_json("/api/v1/events").await;
    let item = &listed["events"][0];
    assert_eq!(message.json(), *item, "the data is the /api/v1/events item");
    assert_eq!(message.json()["body"]["message"]["call"]["id"], "call-live");
    let received_at = item["received_at"].as_i64().expect("received_at");
    insta::assert_snapshot!(format!(
        "{:?}",
        message
            .raw
            .replace(&received_at.to_string(), "[received_at]")
    ));
}

#[tokio::test]
async fn the_stream_keeps_only_the_requested_call_and_type() {
    let app = stream_app().await;
    let mut client = SseClient::open(
        &app,
        "/api/v1/stream?call_id=call-a&type=speech-update",
        &[],
    )
    .await;
    let speech = |call: &str, turn: u32| {
        format!(
            r#"{{"message":{{"type":"speech-update","status":"started","role":"user","turn":{turn},"call":{{"id":"{call}"}}}}}}"#
        )
    };

    for body in [
        status_update("call-a"),
        speech("call-b", 0),
        speech("call-a", 0),
        speech("call-b", 1),
        speech("call-a", 1),
    ] {
        assert_eq!(app.post(body).await.status(), 200);
    }

    let first = client.event().await;
    let second = client.event().await;
    client.assert_nothing_more().await;
    assert_eq!((first.id, second.id), (Some(3), Some(5)));
    for message in [first, second] {
        assert_eq!(message.json()["call_id"], "call-a");
        assert_eq!(message.json()["type"], "speech-update");
    }
}

#[tokio::test]
async fn reconnecting_with_last_event_id_gets_exactly_the_missed_deliveries() {
    let app = stream_app().await;
    let mut first = SseClient::open(&app, "/api/v1/stream", &[]).await;
    for i in 1..=3 {
        app.post(status_update(&format!("before-{i}"))).await;
    }
    assert_eq!(first.delivery_seqs(3).await, [1, 2, 3]);
    drop(first);

    for i in 4..=7 {
        app.post(status_update(&format!("while-away-{i}"))).await;
    }
    // The header wins over `after`: a reconnecting EventSource keeps its URL.
    let mut again =
        SseClient::open(&app, "/api/v1/stream?after=1", &[("Last-Event-ID", "3")]).await;
    for i in 8..=9 {
        app.post(status_update(&format!("after-{i}"))).await;
    }

    assert_eq!(again.delivery_seqs(6).await, [4, 5, 6, 7, 8, 9]);
    again.assert_nothing_more().await;
}

#[tokio::test]
async fn a_resume_point_past_the_end_of_the_log_resumes_from_the_end() {
    let app = stream_app().await;
    for i in 1..=2 {
        app.post(status_update(&format!("old-{i}"))).await;
    }
    // A client of an earlier database that had reached seq 500.
    let mut client = SseClient::open(&app, "/api/v1/stream", &[("Last-Event-ID", "500")]).await;

    app.post(status_update("new")).await;

    assert_eq!(client.delivery_seqs(1).await, [3]);
    client.assert_nothing_more().await;
}

#[tokio::test]
async fn after_zero_replays_the_whole_log_and_then_continues_live() {
    let app = stream_app().await;
    for i in 1..=3 {
        app.post(status_update(&format!("old-{i}"))).await;
    }
    let mut live_only = SseClient::open(&app, "/api/v1/stream", &[]).await;
    let mut everything = SseClient::open(&app, "/api/v1/stream?after=0", &[]).await;

    app.post(status_update("new")).await;

    assert_eq!(everything.delivery_seqs(4).await, [1, 2, 3, 4]);
    assert_eq!(live_only.delivery_seqs(1).await, [4]);
    everything.assert_nothing_more().await;
}

#[tokio::test]
async fn a_lagging_client_is_told_so_and_still_gets_every_delivery_in_order() {
    // A feed that holds 4 events, and a client with a small receive buffer
    // that stops reading: once the connection is full, the stream stops
    // taking events from the feed and falls behind.
    let app = spawn_app_with(|c| {
        c.stream_capacity = 4;
        c.stream_keep_alive = KEEP_ALIVE;
        c.durability = Durability::Normal;
    })
    .await;
    let mut client = SseClient::open_with(&app, "/api/v1/stream", &[], Some(64 * 1024)).await;

    let statuses = post_all(
        &app,
        (0..200).map(|n| padded("lag", n, 32 * 1024)).collect(),
    )
    .await;
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");

    let mut seqs = Vec::new();
    let mut lagged = Vec::new();
    while seqs.len() < 200 {
        let message = client.event().await;
        match message.event.as_deref() {
            Some("delivery") => seqs.push(message.id.expect("an id")),
            Some("lagged") => {
                let data = message.json();
                assert!(message.id.is_none(), "lagged has no id");
                assert!(data["missed"].as_u64().expect("missed") > 0, "{data}");
                assert_eq!(
                    data["resume_after"].as_i64(),
                    seqs.last().copied().or(Some(0))
                );
                lagged.push(data);
            }
            other => panic!("unexpected event {other:?}"),
        }
    }
    assert!(!lagged.is_empty(), "the client never lagged");
    assert_eq!(seqs, (1..=200).collect::<Vec<i64>>());
    client.assert_nothing_more().await;
}

#[tokio::test]
async fn a_client_that_never_reads_slows_neither_ingest_nor_other_clients() {
    let app = spawn_app_with(|c| {
        c.stream_capacity = 4;
        c.stream_keep_alive = KEEP_ALIVE;
        c.durability = Durability::Normal;
    })
    .await;
    let _stuck = SseClient::open_with(&app, "/api/v1/stream", &[], Some(4096)).await;
    let mut reading = SseClient::open(&app, "/api/v1/stream?call_id=watched", &[]).await;
    // With a 4-event feed this client lags too (a batch publishes up to 8
    // at once), which is fine: it must still get its deliveries, promptly.
    let watcher = tokio::spawn(async move {
        let mut seqs = Vec::new();
        while seqs.len() < 10 {
            let message = reading.event().await;
            if let Some(seq) = message.delivery_seq() {
                seqs.push(seq);
            }
        }
        seqs
    });

    // Far more than the stuck client's connection and the feed can hold.
    let mut bodies: Vec<String> = (0..150).map(|n| padded("bulk", n, 64 * 1024)).collect();
    bodies.extend((0..10).map(|n| padded("watched", n, 16)));
    let statuses = tokio::time::timeout(PATIENCE * 3, post_all(&app, bodies))
        .await
        .expect("ingest was held up by a client that does not read");

    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    let watched = tokio::time::timeout(PATIENCE, watcher)
        .await
        .expect("the reading client was held up")
        .expect("watcher task");
    let stored = app.get_json("/api/v1/events?call_id=watched").await;
    let stored: Vec<i64> = stored["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(watched, stored);
}

#[tokio::test]
async fn shutting_down_ends_open_streams_promptly() {
    let app = stream_app().await;
    let mut client = SseClient::open(&app, "/api/v1/stream?after=0", &[]).await;

    tokio::time::timeout(Duration::from_secs(3), app.stop())
        .await
        .expect("the server waited for the open stream");

    let end = async { while client.message().await.is_some() {} };
    tokio::time::timeout(Duration::from_secs(1), end)
        .await
        .expect("the stream was ended");
}

#[tokio::test]
async fn bad_resume_points_and_unknown_parameters_get_400_with_a_reason() {
    let app = stream_app().await;
    let url = format!("{}/api/v1/stream", app.base);
    let requests = [
        app.client.get(format!("{url}?after=abc")),
        app.client.get(format!("{url}?after=-1")),
        app.client.get(format!("{url}?cal_id=x")),
        app.client.get(&url).header("last-event-id", "abc"),
    ];
    for request in requests {
        let response = request.send().await.expect("GET");
        assert_eq!(response.status(), 400);
        let answer: serde_json::Value = response.json().await.expect("JSON error");
        assert!(!answer["error"].as_str().expect("a reason").is_empty());
    }
}

#[tokio::test]
async fn the_stream_needs_the_api_token() {
    let app = spawn_app_with(|c| c.api_token = Some(Secret::new("api-tok"))).await;
    let url = format!("{}/api/v1/stream", app.base);

    let without = app.client.get(&url).send().await.expect("GET");
    let with = app
        .client
        .get(&url)
        .bearer_auth("api-tok")
        .send()
        .await
        .expect("GET");

    assert_eq!(without.status(), 401);
    assert_eq!(with.status(), 200);
    assert_eq!(
        with.headers()["content-type"].to_str().ok(),
        Some("text/event-stream")
    );
}
