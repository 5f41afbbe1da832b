//! calltap in front of a real app (an axum server on a real port, in the
//! test): questions answered by the app or a fallback, the answers
//! recorded, informational deliveries sent from the outbox in per-call
//! order through an outage, dead letters, and every fault the app can
//! throw at the proxy.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use calltap::config::{Config, ForwardConfig};
use calltap::forward::{Deadlines, RetryPolicy};
use calltap_protocol::auth::VapiSecretPlan;
use calltap_protocol::model::MessageType;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp};

/// What the app does with each request.
#[derive(Clone, Debug)]
pub(crate) enum Behaviour {
    /// Answers tool calls (`done:<name>` per call), `{}` to anything else.
    ToolServer,
    /// Answers this status with a short JSON body.
    Status(u16),
    /// Sleeps, then answers as a tool server.
    Slow(Duration),
    /// Answers 200 with a body that is not JSON.
    NotJson,
    /// Answers 200 with this many bytes.
    Huge(usize),
    /// Answers 307 to another path.
    Redirect,
}

/// One request the app received.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) path: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

#[derive(Clone)]
pub(crate) struct AppState {
    behaviour: Arc<Mutex<Behaviour>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// The team's app, on a real port.
pub(crate) struct Upstream {
    pub(crate) url: String,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Upstream {
    pub(crate) async fn start(behaviour: Behaviour) -> Upstream {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        Upstream::on(listener, behaviour)
    }

    fn on(listener: tokio::net::TcpListener, behaviour: Behaviour) -> Upstream {
        let addr = listener.local_addr().expect("addr");
        let state = AppState {
            behaviour: Arc::new(Mutex::new(behaviour)),
            seen: Arc::default(),
        };
        let app = Router::new().fallback(answer).with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Upstream {
            url: format!("http://{addr}/vapi"),
            state,
            task,
        }
    }

    pub(crate) fn set(&self, behaviour: Behaviour) {
        *self.state.behaviour.lock().expect("lock") = behaviour;
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().expect("lock").clone()
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let behaviour = state.behaviour.lock().expect("lock").clone();
    state.seen.lock().expect("lock").push(Seen {
        path: uri.path().to_owned(),
        headers,
        body: body.clone(),
    });
    match behaviour {
        Behaviour::ToolServer => tool_answer(&body),
        Behaviour::Slow(wait) => {
            tokio::time::sleep(wait).await;
            tool_answer(&body)
        }
        Behaviour::Status(status) => (
            StatusCode::from_u16(status).expect("status"),
            [("content-type", "application/json")],
            format!("{{\"status\":{status}}}"),
        )
            .into_response(),
        Behaviour::NotJson => (
            StatusCode::OK,
            [("content-type", "text/plain"), ("x-app-version", "7")],
            "certainly not json",
        )
            .into_response(),
        Behaviour::Huge(n) => (StatusCode::OK, vec![b'x'; n]).into_response(),
        Behaviour::Redirect => {
            (StatusCode::TEMPORARY_REDIRECT, [("location", "/elsewhere")]).into_response()
        }
    }
}

/// A tool server's answer: `done:<name>` for every tool call.
fn tool_answer(body: &[u8]) -> Response {
    let message: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if message["message"]["type"] != "tool-calls" {
        return axum::Json(json!({})).into_response();
    }
    let results: Vec<Value> = message["message"]["toolCallList"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|call| {
            json!({
                "toolCallId": call["id"],
                "name": call["function"]["name"],
                "result": format!("done:{}", call["function"]["name"].as_str().unwrap_or("")),
            })
        })
        .collect();
    (
        [
            ("content-type", "application/json; charset=utf-8"),
            ("x-app-version", "7"),
        ],
        json!({ "results": results }).to_string(),
    )
        .into_response()
}

static UNIQUE: AtomicUsize = AtomicUsize::new(0);

/// A `tool-calls` delivery of `call` with `n` tool calls, and the
/// assistant's server timeout if given; unique per call of this function.
pub(crate) fn tool_calls(call: &str, n: usize, timeout_seconds: Option<f64>) -> String {
    let unique = UNIQUE.fetch_add(1, Ordering::Relaxed);
    let list: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("tc_{unique}_{i}"), "type": "function",
                   "function": {"name": format!("lookup{i}"), "arguments": {"i": i}}})
        })
        .collect();
    let mut message = json!({
        "type": "tool-calls", "timestamp": 1_750_314_425_773u64 + unique as u64,
        "call": {"id": call}, "toolCallList": list,
    });
    if let Some(timeout) = timeout_seconds {
        message["assistant"] =
            json!({"name": "a", "server": {"url": "x", "timeoutSeconds": timeout}});
    }
    json!({ "message": message }).to_string()
}

/// An informational delivery of `call`, the `n`th of it.
pub(crate) fn status_update(call: &str, n: usize) -> String {
    format!(
        r#"{{"message":{{"type":"status-update","status":"in-progress","timestamp":{},"call":{{"id":"{call}"}},"n":{n}}}}}"#,
        1_750_314_425_773u64 + n as u64
    )
}

/// Forwarding to `url`, presenting `x-vapi-secret: app-secret`.
fn forwarding(url: &str) -> ForwardConfig {
    let mut forward = ForwardConfig::new(url);
    forward.credentials = vec![VapiSecretPlan::new("app-secret").into()];
    forward.retry = RetryPolicy {
        first: Duration::from_millis(50),
        max: Duration::from_millis(200),
        give_up_after: Duration::from_secs(3600),
    };
    forward
}

fn with_fallbacks(mut forward: ForwardConfig) -> ForwardConfig {
    forward.fallbacks.tool_calls = Some("The booking system is down.".to_owned());
    forward.fallbacks.fixed = vec![(
        MessageType::AssistantRequest,
        json!({"assistantId": "fallback-assistant"}),
    )];
    forward
}

async fn serve_forwarding(forward: ForwardConfig) -> TestApp {
    spawn_app_with(move |config: &mut Config| config.forward = Some(forward)).await
}

/// The seq calltap gave a delivery (`x-calltap-seq`).
fn seq_of(response: &reqwest::Response) -> i64 {
    response.headers()["x-calltap-seq"]
        .to_str()
        .expect("text")
        .parse()
        .expect("a seq")
}

/// The recorded answer of `seq`, waiting for it to be committed.
async fn recorded_answer(app: &TestApp, seq: i64) -> Value {
    json_when(app, &format!("/api/v1/events/{seq}"), |event| {
        !event["answer"].is_null()
    })
    .await["answer"]
        .clone()
}

/// GETs `path` until `ready` holds of its JSON (counts and records are
/// written a little after what caused them); panics after 5 s.
pub(crate) async fn json_when(app: &TestApp, path: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..250 {
        last = app.get_json(path).await;
        if ready(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("GET {path} never got there: {last}");
}

#[tokio::test]
async fn vapi_gets_exactly_the_apps_answer_and_the_answer_is_recorded_with_the_delivery() {
    let upstream = Upstream::start(Behaviour::ToolServer).await;
    let app = serve_forwarding(forwarding(&upstream.url)).await;
    let question = tool_calls("call-1", 2, None);

    let response = app.post(question.clone()).await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let seq = seq_of(&response);
    let answered = response.bytes().await.expect("body");
    let expected = tool_answer(question.as_bytes());
    let expected = axum::body::to_bytes(expected.into_body(), usize::MAX)
        .await
        .expect("body");
    assert_eq!(
        answered, expected,
        "Vapi's side receives exactly the app's answer"
    );
    let body: Value = serde_json::from_slice(&answered).expect("JSON");
    assert_eq!(body["results"].as_array().map(Vec::len), Some(2));

    // The app saw the exact bytes, signed as configured, with a webhook-id.
    let seen = upstream.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, question.as_bytes());
    assert_eq!(seen[0].headers["x-vapi-secret"], "app-secret");
    assert!(seen[0].headers["webhook-id"]
        .to_str()
        .expect("text")
        .starts_with("msg_"));

    let recorded = recorded_answer(&app, seq).await;
    assert_eq!(recorded["outcome"], "app");
    assert_eq!(recorded["status"], 200);
    assert_eq!(recorded["body"], body);
    assert_eq!(recorded["headers"]["x-app-version"], "7");
    assert!(recorded["latency_ms"].as_i64().is_some());
    let raw = app.get(&format!("/api/v1/events/{seq}/response/raw")).await;
    assert_eq!(raw.status(), 200);
    assert_eq!(
        raw.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    assert_eq!(raw.bytes().await.expect("bytes"), answered);
    let event = app.get_json(&format!("/api/v1/events/{seq}")).await;
    assert_eq!(event["type"], "tool-calls");
    assert_eq!(event["call_id"], "call-1");
}

#[tokio::test]
async fn a_delivery_that_is_no_question_has_no_answer_and_an_unknown_seq_is_404() {
    let app = crate::helpers::spawn_app().await;
    let response = app.post(status_update("c", 1)).await;
    let seq = seq_of(&response);
    let event = app.get_json(&format!("/api/v1/events/{seq}")).await;
    assert_eq!(event["seq"], seq);
    assert!(event["answer"].is_null());
    assert_eq!(
        app.get(&format!("/api/v1/events/{seq}/response/raw"))
            .await
            .status(),
        404
    );
    assert_eq!(app.get("/api/v1/events/999").await.status(), 404);
    assert_eq!(app.get("/api/v1/events/nine").await.status(), 400);
}

/// A port with nothing listening on it.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/vapi")
}

#[tokio::test]
async fn an_app_that_is_down_gets_the_fallback_or_a_502() {
    let url = closed_port_url();
    let app = serve_forwarding(with_fallbacks(forwarding(&url))).await;
    let response = app.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 200);
    let seq = seq_of(&response);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["results"][0]["result"], "The booking system is down.");
    let recorded = recorded_answer(&app, seq).await;
    assert_eq!(recorded["outcome"], "fallback");
    assert!(recorded["error"]
        .as_str()
        .is_some_and(|e| e.contains("unreachable")));

    let bare = serve_forwarding(forwarding(&url)).await;
    let response = bare.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 502);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["kind"], "app_unreachable");
}

#[tokio::test]
async fn an_app_slower_than_the_deadline_is_cut_off_in_time() {
    let upstream = Upstream::start(Behaviour::Slow(Duration::from_secs(5))).await;
    let mut forward = with_fallbacks(forwarding(&upstream.url));
    forward.deadlines = Deadlines {
        margin: Duration::from_millis(500),
        ..Deadlines::default()
    };
    let app = serve_forwarding(forward).await;

    // The message's server timeout (1.5 s) less the margin: 1 s.
    let started = Instant::now();
    let response = app.post(tool_calls("c", 1, Some(1.5))).await;
    let took = started.elapsed();

    assert_eq!(response.status(), 200);
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_millis(2500),
        "answered after {took:?}"
    );
    let seq = seq_of(&response);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["results"][0]["result"], "The booking system is down.");
    let recorded = recorded_answer(&app, seq).await;
    assert_eq!(recorded["outcome"], "fallback");
    assert!(recorded["latency_ms"].as_i64().is_some_and(|ms| ms >= 950));

    // An assistant-request has its own budget; with no fallback, a 504.
    let mut forward = forwarding(&upstream.url);
    forward.deadlines.assistant_request = Duration::from_millis(300);
    let bare = serve_forwarding(forward).await;
    let started = Instant::now();
    let response = bare
        .post(r#"{"message":{"type":"assistant-request","call":{"id":"c9"}}}"#)
        .await;
    assert_eq!(response.status(), 504);
    assert!(started.elapsed() < Duration::from_secs(2));
    let seq = seq_of(&response);
    assert_eq!(recorded_answer(&bare, seq).await["outcome"], "timeout");
}

#[tokio::test]
async fn an_app_500_gets_the_fallback_or_is_passed_through() {
    let upstream = Upstream::start(Behaviour::Status(500)).await;
    let app = serve_forwarding(with_fallbacks(forwarding(&upstream.url))).await;
    let response = app
        .post(r#"{"message":{"type":"assistant-request","call":{"id":"c1"}}}"#)
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body, json!({"assistantId": "fallback-assistant"}));

    let bare = serve_forwarding(forwarding(&upstream.url)).await;
    let response = bare.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 500);
    let seq = seq_of(&response);
    assert_eq!(response.text().await.expect("text"), "{\"status\":500}");
    let recorded = recorded_answer(&bare, seq).await;
    assert_eq!(
        (recorded["outcome"].clone(), recorded["status"].clone()),
        (json!("error"), json!(500))
    );
}

#[tokio::test]
async fn a_non_json_answer_is_passed_on_and_recorded_as_it_came() {
    let upstream = Upstream::start(Behaviour::NotJson).await;
    let app = serve_forwarding(with_fallbacks(forwarding(&upstream.url))).await;
    let response = app.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/plain");
    let seq = seq_of(&response);
    assert_eq!(response.text().await.expect("text"), "certainly not json");
    let recorded = recorded_answer(&app, seq).await;
    assert_eq!(recorded["outcome"], "app");
    assert_eq!(recorded["body"], "certainly not json");
    let raw = app.get(&format!("/api/v1/events/{seq}/response/raw")).await;
    assert_eq!(raw.headers()["content-type"], "text/plain");
    assert_eq!(raw.text().await.expect("text"), "certainly not json");
}

#[tokio::test]
async fn a_10_mb_answer_is_cut_off_at_the_cap_and_not_passed_on() {
    let upstream = Upstream::start(Behaviour::Huge(10 * 1024 * 1024)).await;
    let app = serve_forwarding(forwarding(&upstream.url)).await;
    let response = app.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 502);
    let seq = seq_of(&response);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["kind"], "app_answer_too_large");
    let recorded = recorded_answer(&app, seq).await;
    assert_eq!(recorded["outcome"], "error");
    assert!(recorded["error"]
        .as_str()
        .is_some_and(|e| e.contains("1048576")));
}

/// An app that reads the request, starts a 100-byte answer, sends 10
/// bytes of it and closes the connection.
async fn app_that_hangs_up() -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 64 * 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"results\"")
                .await;
            let _ = socket.shutdown().await;
        }
    });
    (format!("http://{addr}/vapi"), task)
}

#[tokio::test]
async fn an_app_that_closes_the_connection_mid_answer_gets_the_fallback_or_a_502() {
    let (url, task) = app_that_hangs_up().await;
    let app = serve_forwarding(with_fallbacks(forwarding(&url))).await;
    let response = app.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 200);
    let seq = seq_of(&response);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["results"][0]["result"], "The booking system is down.");
    assert_eq!(recorded_answer(&app, seq).await["outcome"], "fallback");

    let bare = serve_forwarding(forwarding(&url)).await;
    let response = bare.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 502);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["kind"], "app_failed");
    task.abort();
}

#[tokio::test]
async fn a_redirect_is_passed_on_and_not_followed() {
    let upstream = Upstream::start(Behaviour::Redirect).await;
    let app = serve_forwarding(with_fallbacks(forwarding(&upstream.url))).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = client
        .post(format!("{}/", app.base))
        .body(tool_calls("c", 1, None))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 307);
    let seq = seq_of(&response);
    assert_eq!(recorded_answer(&app, seq).await["outcome"], "app");
    let paths: Vec<String> = upstream.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/vapi"], "the redirect was not followed");
}

#[tokio::test]
async fn a_question_the_store_refuses_is_still_forwarded_and_answered() {
    let upstream = Upstream::start(Behaviour::ToolServer).await;
    let app = serve_forwarding(forwarding(&upstream.url)).await;
    // Another process holds the write lock: the commit fails (after the
    // busy timeout) while the app answers.
    let holder = rusqlite::Connection::open(crate::helpers::db_path(&app.dir)).expect("open");
    holder.execute_batch("BEGIN IMMEDIATE").expect("lock");

    let response = app.post(tool_calls("c", 1, None)).await;

    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("x-calltap-seq").is_none(),
        "not recorded"
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["results"][0]["result"], "done:lookup0");
    holder.execute_batch("ROLLBACK").expect("unlock");
    let metrics = app.get("/metrics").await.text().await.expect("text");
    assert!(
        metrics.contains("calltap_answers_unrecorded_total{reason=\"question_not_stored\"}"),
        "{metrics}"
    );
}

/// Waits until `done` holds, or panics after `limit`.
pub(crate) async fn eventually(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The informational deliveries the app received, once per `webhook-id`,
/// as (call, n, seq) in arrival order.
pub(crate) fn delivered(seen: &[Seen]) -> Vec<(String, u64, i64)> {
    let mut ids = HashSet::new();
    seen.iter()
        .filter(|s| ids.insert(s.headers["webhook-id"].clone()))
        .map(|s| {
            let body: Value = serde_json::from_slice(&s.body).expect("JSON");
            let seq = s.headers["x-calltap-seq"]
                .to_str()
                .expect("text")
                .parse()
                .expect("seq");
            (
                body["message"]["call"]["id"]
                    .as_str()
                    .expect("call")
                    .to_owned(),
                body["message"]["n"].as_u64().expect("n"),
                seq,
            )
        })
        .collect()
}

/// Every call's deliveries arrived in seq order.
pub(crate) fn in_per_call_order(delivered: &[(String, u64, i64)]) {
    let mut last: HashMap<&str, i64> = HashMap::new();
    for (call, _, seq) in delivered {
        if let Some(previous) = last.insert(call, *seq) {
            assert!(previous < *seq, "call {call}: seq {seq} after {previous}");
        }
    }
}

/// The app received each of `sent` (`call/n`) exactly once (one
/// `webhook-id` each, no repeat), every call's in seq order.
fn each_once_in_per_call_order(seen: &[Seen], mut sent: Vec<String>) {
    let ids: HashSet<_> = seen
        .iter()
        .map(|s| s.headers["webhook-id"].clone())
        .collect();
    assert_eq!(ids.len(), seen.len(), "no delivery came twice");
    let delivered = delivered(seen);
    in_per_call_order(&delivered);
    let mut got: Vec<String> = delivered
        .iter()
        .map(|(call, n, _)| format!("{call}/{n}"))
        .collect();
    got.sort();
    sent.sort();
    assert_eq!(got, sent, "every delivery, once per webhook-id");
}

/// The issue's outage: the app is down (nothing listens on its port) for
/// `OUTAGE` while calls go on, then comes back on the same port.
const OUTAGE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_built_during_a_30_s_outage_drains_in_per_call_order_exactly_once_per_webhook_id()
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let mut forward = forwarding(&format!("http://{addr}/vapi"));
    // The default first retry (1 s), with the longest wait cut to 5 s so
    // that the app is tried again soon after it comes back.
    forward.retry = RetryPolicy {
        first: Duration::from_secs(1),
        max: Duration::from_secs(5),
        give_up_after: Duration::from_secs(3600),
    };
    let app = serve_forwarding(forward).await;

    // The outage: every second, each call sends its next delivery; ingest
    // answers every one while the app is down.
    let calls = 6;
    let started = Instant::now();
    let mut sent = Vec::new();
    let mut n = 0;
    while started.elapsed() < OUTAGE {
        let round = Instant::now();
        let posts = (0..calls).map(|c| app.post(status_update(&format!("outage-{c}"), n)));
        for response in futures_util::future::join_all(posts).await {
            assert_eq!(response.status(), 200, "ingest never waits for the app");
        }
        sent.extend((0..calls).map(|c| format!("outage-{c}/{n}")));
        n += 1;
        if n == 5 {
            // Early in the outage the outbox already knows the app is down.
            let down = outbox_when(&app, |o| o["failing"].as_u64().is_some_and(|f| f >= 1)).await;
            assert!(
                down["last_error"]["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("unreachable")),
                "{down}"
            );
        }
        tokio::time::sleep(Duration::from_secs(1).saturating_sub(round.elapsed())).await;
    }
    let during = outbox_when(&app, |o| o["pending"] == sent.len()).await;
    assert_eq!(during["name"], "app");
    assert!(
        during["failing"].as_u64().is_some_and(|f| f >= 1),
        "{during}"
    );
    assert!(
        during["oldest_pending_age_ms"]
            .as_i64()
            .is_some_and(|age| age >= 25_000),
        "{during}"
    );

    // The app comes back on the same port.
    let upstream = Upstream::on(
        tokio::net::TcpListener::bind(addr)
            .await
            .expect("the app's port again"),
        Behaviour::ToolServer,
    );
    eventually(Duration::from_secs(30), "the backlog to drain", || {
        upstream.seen().len() >= sent.len()
    })
    .await;
    let settled = outbox_when(&app, |o| o["pending"] == 0).await;
    assert_eq!(settled["lag"], 0, "{settled}");
    assert_eq!(settled["in_flight"], 0, "{settled}");

    each_once_in_per_call_order(&upstream.seen(), sent.clone());

    // The attempts by outcome (the recorder is process-wide: at least).
    let text = app.get("/metrics").await.text().await.expect("metrics");
    for (series, at_least) in [
        (
            "calltap_forward_attempts_total{destination=\"app\",outcome=\"retry\"}",
            calls as f64,
        ),
        (
            "calltap_forward_attempts_total{destination=\"app\",outcome=\"delivered\"}",
            sent.len() as f64,
        ),
    ] {
        let value = crate::api::metric(&text, series)
            .unwrap_or_else(|| panic!("{series} missing in\n{text}"));
        assert!(value >= at_least, "{series} = {value}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbox_whose_handoff_overflows_reads_the_rest_from_the_log_each_once_in_order() {
    let upstream = Upstream::start(Behaviour::ToolServer).await;
    let forward = forwarding(&upstream.url);
    // A handoff of one delivery: every read that finds more than one new
    // delivery finds the older ones dropped, and reads them from the log.
    let app = spawn_app_with(move |config: &mut Config| {
        config.forward = Some(forward);
        config.handoff_bytes = 1;
    })
    .await;

    let calls = 6;
    let mut sent = Vec::new();
    for n in 0..20 {
        let posts = (0..calls).map(|c| app.post(status_update(&format!("small-{c}"), n)));
        for response in futures_util::future::join_all(posts).await {
            assert_eq!(response.status(), 200);
        }
        sent.extend((0..calls).map(|c| format!("small-{c}/{n}")));
    }
    eventually(
        Duration::from_secs(30),
        "every delivery to reach the app",
        || upstream.seen().len() >= sent.len(),
    )
    .await;
    let settled = outbox_when(&app, |o| o["pending"] == 0 && o["lag"] == 0).await;
    assert_eq!(settled["dead"], 0, "{settled}");

    let seen = upstream.seen();
    each_once_in_per_call_order(&seen, sent);
    // Byte for byte as received, whichever way the outbox took it.
    for s in &seen {
        let body: Value = serde_json::from_slice(&s.body).expect("JSON");
        let call = body["message"]["call"]["id"].as_str().expect("call");
        let n = body["message"]["n"].as_u64().expect("n") as usize;
        assert_eq!(s.body, status_update(call, n).as_bytes());
    }
    let text = app.get("/metrics").await.text().await.expect("metrics");
    let from_log = crate::api::metric(
        &text,
        "calltap_forward_read_total{destination=\"app\",from=\"log\"}",
    );
    assert!(from_log.is_some_and(|n| n >= 1.0), "{text}");
}

/// The app destination's outbox, once `ready` holds of it (its counts are
/// published at most every 100 ms).
pub(crate) async fn outbox_when(app: &TestApp, ready: impl Fn(&Value) -> bool) -> Value {
    json_when(app, "/api/v1/forward", |v| ready(&v["destinations"][0])).await["destinations"][0]
        .clone()
}

#[tokio::test]
async fn a_refused_delivery_is_dead_lettered_listed_and_sent_again_on_request() {
    let upstream = Upstream::start(Behaviour::Status(410)).await;
    let app = serve_forwarding(forwarding(&upstream.url)).await;
    let first = seq_of(&app.post(status_update("dead-call", 1)).await);
    let second = seq_of(&app.post(status_update("dead-call", 2)).await);
    eventually(Duration::from_secs(5), "both attempts", || {
        upstream.seen().len() >= 2
    })
    .await;
    let dead = json_when(&app, "/api/v1/forward/dead", |d| {
        d["dead"].as_array().is_some_and(|d| d.len() == 2)
    })
    .await;
    let seqs: Vec<i64> = dead["dead"]
        .as_array()
        .expect("dead")
        .iter()
        .map(|d| d["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(seqs, [first, second], "a dead letter lets its call go on");
    assert!(dead["dead"][0]["last_error"]
        .as_str()
        .is_some_and(|e| e.contains("410")));

    upstream.set(Behaviour::ToolServer);
    let retry = |body: Value| {
        app.client
            .post(format!("{}/api/v1/forward/retry", app.base))
            .json(&body)
            .send()
    };
    assert_eq!(
        retry(json!({"seq": 999})).await.expect("sent").status(),
        404
    );
    assert_eq!(retry(json!({})).await.expect("sent").status(), 400);
    let revived: Value = retry(json!({"all": true}))
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(revived["revived"], 2);
    eventually(Duration::from_secs(5), "the retried deliveries", || {
        upstream.seen().len() >= 4
    })
    .await;
    let left = json_when(&app, "/api/v1/forward/dead", |d| {
        d["dead"].as_array().is_some_and(Vec::is_empty)
    })
    .await;
    assert_eq!(left["dead"], json!([]));
}

#[tokio::test]
async fn without_forwarding_the_forward_api_says_so() {
    let app = crate::helpers::spawn_app().await;
    let status = app.get_json("/api/v1/forward").await;
    assert_eq!(status, json!({"destinations": []}));
    assert_eq!(app.get("/api/v1/forward/dead").await.status(), 404);
    // And questions are answered `{}` as before.
    let response = app.post(tool_calls("c", 1, None)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("text"), "{}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_the_outbox_drains_resumes_skipping_nothing_and_repeats_keep_their_webhook_id()
{
    let upstream = Upstream::start(Behaviour::Slow(Duration::from_millis(20))).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calltap.db");
    let config = dir.path().join("calltap.toml");
    std::fs::write(
        &config,
        format!(
            "[forward]\nurl = \"{}\"\nmax_in_flight = 8\n[forward.retry]\nfirst_retry_ms = 50\nmax_retry_ms = 200\n",
            upstream.url
        ),
    )
    .expect("config");
    let args = ["--config", config.to_str().expect("path")];
    let client = reqwest::Client::new();
    let mut server = crate::process::start_with(&db, &args);
    crate::process::wait_healthy(&mut server, &client).await;

    let (calls, per_call) = (10, 40);
    for n in 0..per_call {
        let posts = (0..calls).map(|c| {
            client
                .post(format!("{}/", server.base))
                .body(status_update(&format!("kill-{c}"), n))
                .send()
        });
        for response in futures_util::future::join_all(posts).await {
            assert_eq!(response.expect("answer").status(), 200);
        }
    }
    // Mid-drain: the app has some of the backlog, not all.
    eventually(Duration::from_secs(10), "the drain to be under way", || {
        upstream.seen().len() >= 60
    })
    .await;
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    let before_restart = upstream.seen().len();
    assert!(
        before_restart < calls * per_call,
        "the kill came after the drain"
    );

    let mut server = crate::process::start_with(&db, &args);
    crate::process::wait_healthy(&mut server, &client).await;
    eventually(
        Duration::from_secs(30),
        "every delivery after the restart",
        || delivered(&upstream.seen()).len() == calls * per_call,
    )
    .await;
    // In a process of its own, the gauges are this outbox's alone: once
    // it has settled everything, nothing is pending and there is no lag.
    let gauges = [
        "calltap_forward_pending{destination=\"app\"}",
        "calltap_forward_lag_seqs{destination=\"app\"}",
        "calltap_forward_in_flight{destination=\"app\"}",
        "calltap_forward_dead{destination=\"app\"}",
    ];
    let mut text = String::new();
    for _ in 0..250 {
        text = client
            .get(format!("{}/metrics", server.base))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        if gauges
            .iter()
            .all(|g| crate::api::metric(&text, g) == Some(0.0))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for gauge in gauges {
        assert_eq!(
            crate::api::metric(&text, gauge),
            Some(0.0),
            "{gauge} in\n{text}"
        );
    }
    let attempts = crate::api::metric(
        &text,
        "calltap_forward_attempts_total{destination=\"app\",outcome=\"delivered\"}",
    )
    .expect("delivered attempts");
    assert!(attempts >= 1.0, "{attempts}");
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();

    let seen = upstream.seen();
    let delivered = delivered(&seen);
    in_per_call_order(&delivered);
    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    for s in &seen {
        ids.entry(s.headers["x-calltap-seq"].to_str().expect("seq").to_owned())
            .or_default()
            .insert(s.headers["webhook-id"].to_str().expect("id").to_owned());
    }
    assert_eq!(ids.len(), calls * per_call, "nothing skipped");
    assert!(
        ids.values().all(|set| set.len() == 1),
        "a repeat carries the same webhook-id"
    );
}

#[tokio::test]
async fn the_call_api_lists_each_tool_call_with_the_result_the_assistant_got_and_the_apps_latency()
{
    let upstream = Upstream::start(Behaviour::ToolServer).await;
    let app = serve_forwarding(with_fallbacks(forwarding(&upstream.url))).await;
    let first = seq_of(&app.post(tool_calls("tools-call", 2, None)).await);
    app.post(status_update("tools-call", 1)).await;
    upstream.set(Behaviour::Status(500));
    let second = seq_of(&app.post(tool_calls("tools-call", 1, None)).await);
    recorded_answer(&app, first).await;
    recorded_answer(&app, second).await;

    let listed = app.get_json("/api/v1/calls/tools-call/tool-calls").await;

    let calls = listed["tool_calls"].as_array().expect("tool calls");
    assert_eq!(calls.len(), 3, "{listed}");
    assert_eq!(calls[0]["seq"], first);
    assert_eq!(calls[0]["name"], "lookup0");
    assert_eq!(calls[0]["arguments"], json!({"i": 0}));
    assert_eq!(calls[0]["result"], "done:lookup0");
    assert_eq!(calls[0]["outcome"], "app");
    assert!(calls[0]["latency_ms"].as_i64().is_some(), "{listed}");
    assert_eq!(calls[1]["result"], "done:lookup1");
    assert_eq!(calls[2]["seq"], second);
    assert_eq!(calls[2]["result"], "The booking system is down.");
    assert_eq!(calls[2]["outcome"], "fallback");
    assert_eq!(listed["next"], Value::Null);

    // Paged by delivery; bad paging is refused with the reason.
    let page = app
        .get_json("/api/v1/calls/tools-call/tool-calls?limit=1")
        .await;
    assert_eq!(page["tool_calls"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["tool_calls"][1]["result"], "done:lookup1", "{page}");
    assert_eq!(page["next"], first);
    let rest = app
        .get_json(&format!(
            "/api/v1/calls/tools-call/tool-calls?after={first}"
        ))
        .await;
    assert_eq!(rest["tool_calls"][0]["seq"], second);
    assert_eq!(
        rest["tool_calls"][0]["outcome"], "fallback",
        "each page reads the answers of its own deliveries: {rest}"
    );
    let bad = app.get("/api/v1/calls/tools-call/tool-calls?limit=0").await;
    assert_eq!(bad.status(), 400);
    let bad: Value = bad.json().await.expect("JSON");
    assert!(
        bad["error"].as_str().is_some_and(|r| r.contains("limit")),
        "{bad}"
    );
    assert_eq!(
        app.get_json("/api/v1/calls/nobody/tool-calls").await,
        json!({"tool_calls": [], "next": null})
    );
}
