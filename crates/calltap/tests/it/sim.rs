//! `calltap simulate` and `calltap replay`, run as the real binary against a
//! small recording HTTP server started by each test.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use calltap::calls::{convert, CallState};
use calltap_protocol::auth::{HmacAlgorithm, HmacPlan, SignedRequest, Verifier};
use calltap_protocol::model::Envelope;
use calltap_protocol::validate::{validate, Mode};
use serde_json::Value;

/// Asserts that a call's state, as calltap's call API writes it, equals the
/// simulator's truth for that call: status path, ended reason, times, turns
/// (latencies, interruptions), transfers, the interruption counts, and one
/// event per delivery.
pub(crate) fn assert_matches_truth(served: &Value, truth: &Value) {
    let id = &truth["id"];
    for field in [
        "type",
        "status",
        "ended_reason",
        "started_at",
        "ended_at",
        "status_history",
        "turns",
        "transfers",
    ] {
        assert_eq!(served[field], truth[field], "call {id}, field {field}");
    }
    for metric in [
        "turn_count",
        "interruptions_by_user",
        "interruptions_by_assistant",
    ] {
        assert_eq!(
            served["metrics"][metric], truth["metrics"][metric],
            "call {id}, metric {metric}"
        );
    }
    assert_eq!(served["event_count"], truth["deliveries"], "call {id}");
}

/// What the recording server saw.
#[derive(Default)]
pub(crate) struct Recorded {
    pub(crate) requests: Mutex<Vec<(HeaderMap, Bytes)>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// Set once [`Answer::WhenOpen`]'s count of open requests was reached.
    opened: tokio::sync::watch::Sender<bool>,
}

/// When the recording server answers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// At once.
    Now,
    /// Not before this many requests are open at the same time (then every
    /// request at once), or after [`MAX_HOLD`] if that never happens. A
    /// gate rather than a fixed delay: on a loaded machine the sender may
    /// need more than any fixed delay to open them all, and the test is
    /// whether it holds them open, not how fast it opens them.
    WhenOpen(usize),
}

/// The longest [`Answer::WhenOpen`] holds a request.
const MAX_HOLD: Duration = Duration::from_secs(10);

/// A server on 127.0.0.1 that records every POST and answers 200 as
/// `answer` says; it runs until the returned runtime is dropped.
pub(crate) struct TestServer {
    pub(crate) url: String,
    pub(crate) recorded: Arc<Recorded>,
    _runtime: tokio::runtime::Runtime,
}

fn test_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

pub(crate) fn spawn_server(answer: Answer) -> TestServer {
    let runtime = test_runtime();
    let (url, recorded) = runtime.block_on(start_recorder(answer));
    TestServer {
        url,
        recorded,
        _runtime: runtime,
    }
}

/// Starts the recording server on the current runtime; returns its URL.
pub(crate) async fn start_recorder(answer: Answer) -> (String, Arc<Recorded>) {
    let recorded = Arc::new(Recorded::default());
    let state = (Arc::clone(&recorded), answer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let app = Router::new()
        .route("/webhook", post(record))
        .with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/webhook"), recorded)
}

async fn record(
    State((recorded, answer)): State<(Arc<Recorded>, Answer)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let now = recorded.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    recorded.max_in_flight.fetch_max(now, Ordering::SeqCst);
    if let Answer::WhenOpen(count) = answer {
        if now >= count {
            recorded.opened.send_replace(true);
        }
        let mut opened = recorded.opened.subscribe();
        // Timing out is an answer too: the test then sees the maximum fall short.
        let _ = tokio::time::timeout(MAX_HOLD, opened.wait_for(|open| *open)).await;
    }
    recorded
        .requests
        .lock()
        .expect("not poisoned")
        .push((headers, body));
    recorded.in_flight.fetch_sub(1, Ordering::SeqCst);
    StatusCode::OK
}

/// The reason [`spawn_refusing_server`] answers with.
const REFUSAL: &str = "missing header `x-vapi-secret`";

/// A server on 127.0.0.1 that refuses every POST with 401 and a reason, as
/// calltap does to a sender without the right secret; it runs until the
/// returned runtime is dropped.
fn spawn_refusing_server() -> (String, tokio::runtime::Runtime) {
    let runtime = test_runtime();
    let url = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let addr = listener.local_addr().expect("an address");
        let app = Router::new().route(
            "/webhook",
            post(|| async {
                (
                    StatusCode::UNAUTHORIZED,
                    format!("{{\"error\":\"{REFUSAL}\"}}"),
                )
            }),
        );
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}/webhook")
    });
    (url, runtime)
}

fn calltap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args(args)
        .output()
        .expect("the calltap binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lines(path: &Path) -> Vec<Vec<u8>> {
    std::fs::read(path)
        .expect("the file exists")
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

#[test]
fn simulate_without_to_or_out_fails_with_a_clear_error_and_exit_2() {
    let run = calltap(&["simulate", "--calls", "1"]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("--to") && stderr.contains("--out"),
        "{stderr}"
    );
}

#[test]
fn simulate_rejects_a_rate_outside_0_to_1_with_exit_2() {
    let run = calltap(&[
        "simulate",
        "--out",
        "/dev/null",
        "--interruption-rate",
        "1.5",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("--interruption-rate"));
}

#[test]
fn out_jsonl_round_trips_through_envelope_from_slice_and_passes_strict_validation() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("calls.jsonl");
    let run = calltap(&[
        "simulate",
        "--calls",
        "40",
        "--seed",
        "9",
        "--transfer-updates",
        "--transcripts",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let bodies = lines(&out);
    assert!(bodies.len() > 1_000, "{} deliveries", bodies.len());
    for body in &bodies {
        let envelope = Envelope::from_slice(body).expect("a line is an envelope");
        let again = envelope.to_vec().expect("serialises");
        let differs_at = again.iter().zip(body).position(|(a, b)| a != b);
        assert!(
            again == *body,
            "parse then serialise differs at byte {differs_at:?}: {}",
            text(&body[differs_at.unwrap_or(0).saturating_sub(80)..][..160.min(body.len())])
        );
        assert_eq!(validate(body, Mode::Strict).expect("an envelope"), vec![]);
    }
}

#[test]
fn the_same_seed_writes_identical_files_and_another_seed_does_not() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    for (name, seed) in [("a", "1"), ("b", "1"), ("c", "2")] {
        let run = calltap(&[
            "simulate",
            "--calls",
            "15",
            "--seed",
            seed,
            "--out",
            &path(name),
        ]);
        assert!(run.status.success());
    }
    let read = |n: &str| std::fs::read(path(n)).expect("written");
    assert_eq!(read("a"), read("b"));
    assert_ne!(read("a"), read("c"));
}

#[test]
fn every_delivery_is_acked_signed_and_the_call_state_equals_the_truth() {
    // Arrange
    let server = spawn_server(Answer::Now);
    let dir = tempfile::tempdir().expect("a temp dir");
    let truth_path = dir.path().join("truth.json");
    let secret = "sim-hmac-secret";

    // Act
    let run = calltap(&[
        "simulate",
        "--to",
        &server.url,
        "--calls",
        "30",
        "--concurrency",
        "10",
        "--speed",
        "2000",
        "--seed",
        "17",
        "--transfer-updates",
        "--transfer-rate",
        "0.5",
        "--hmac-secret",
        secret,
        "--truth",
        truth_path.to_str().expect("utf-8 path"),
        "--no-progress",
    ]);

    // Assert: every delivery acked, per the report.
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", text(&run.stderr));
    let requests = server
        .recorded
        .requests
        .lock()
        .expect("not poisoned")
        .clone();
    assert!(
        stdout.contains(&format!(
            "{n} sent, {n} acked (2xx), 0 failed",
            n = requests.len()
        )),
        "{stdout}"
    );

    // Every request carries a valid HMAC signature.
    let verifier: Verifier = HmacPlan::new(secret, HmacAlgorithm::Sha256).into();
    for (headers, body) in &requests {
        let request = SignedRequest::new("POST", &server.url, headers, body);
        verifier
            .verify(&request, SystemTime::now())
            .expect("the signature verifies");
    }

    // The call state of every call equals the truth.
    let truth: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&truth_path).expect("truth written"))
            .expect("truth is JSON");
    assert_eq!(truth.len(), 30);
    let mut events: std::collections::HashMap<String, Vec<_>> = Default::default();
    for (seq, (_, body)) in requests.iter().enumerate() {
        let envelope = Envelope::from_slice(body).expect("an envelope");
        let id = convert::call_id(&envelope.message)
            .expect("a call id")
            .to_owned();
        let event = convert::call_event(calltap::ids::Seq::new(seq as i64), 0, &envelope.message);
        events.entry(id).or_default().push(event);
    }
    for call in &truth {
        let id = call["id"].as_str().expect("an id");
        let detail = CallState::from_events(id, &events[id]).detail();
        assert_matches_truth(&serde_json::to_value(&detail).expect("serialises"), call);
    }
}

#[test]
fn replay_from_a_jsonl_file_sends_every_line_byte_exact_in_order() {
    let server = spawn_server(Answer::Now);
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("calls.jsonl");
    let file = file.to_str().expect("utf-8 path");
    let run = calltap(&["simulate", "--calls", "8", "--seed", "4", "--out", file]);
    assert!(run.status.success());

    let run = calltap(&[
        "replay",
        "--to",
        &server.url,
        "--from",
        file,
        "--bearer-token",
        "t0ken",
        "--no-progress",
    ]);

    assert!(run.status.success(), "{}", text(&run.stderr));
    let sent: Vec<Vec<u8>> = lines(Path::new(file));
    let requests = server.recorded.requests.lock().expect("not poisoned");
    let received: Vec<Vec<u8>> = requests.iter().map(|(_, b)| b.to_vec()).collect();
    assert_eq!(received.len(), sent.len());
    assert!(received == sent, "replayed bodies differ from the file");
    assert!(requests
        .iter()
        .all(|(h, _)| h.get("authorization").is_some_and(|v| v == "Bearer t0ken")));
}

#[test]
fn replay_reads_a_gzipped_file_as_the_lines_inside_and_counts_its_calls() {
    use std::io::Write;

    let server = spawn_server(Answer::Now);
    let dir = tempfile::tempdir().expect("a temp dir");
    let plain = dir.path().join("calls.jsonl");
    let plain = plain.to_str().expect("utf-8 path");
    assert!(
        calltap(&["simulate", "--calls", "6", "--seed", "9", "--out", plain])
            .status
            .success()
    );
    let gzipped = dir.path().join("calls.jsonl.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gzipped).expect("created"),
        flate2::Compression::fast(),
    );
    encoder
        .write_all(&std::fs::read(plain).expect("read"))
        .expect("written");
    encoder.finish().expect("finished");

    let run = calltap(&[
        "replay",
        "--to",
        &server.url,
        "--from",
        gzipped.to_str().expect("utf-8 path"),
        "--no-progress",
    ]);

    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", text(&run.stderr));
    // In stored order all six calls go out as one sequence; the report
    // still counts calls, not sequences.
    assert!(stdout.contains("calls:       6\n"), "{stdout}");
    let sent = lines(Path::new(plain));
    let requests = server.recorded.requests.lock().expect("not poisoned");
    let received: Vec<Vec<u8>> = requests.iter().map(|(_, b)| b.to_vec()).collect();
    assert!(
        received == sent,
        "replayed bodies differ from the file's lines"
    );
}

#[test]
fn refused_deliveries_exit_1_and_the_report_quotes_the_reason() {
    let (url, _runtime) = spawn_refusing_server();
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("calls.jsonl");
    let file = file.to_str().expect("utf-8 path");

    let simulate = calltap(&[
        "simulate",
        "--to",
        &url,
        "--calls",
        "2",
        "--max-speed",
        "--out",
        file,
        "--no-progress",
    ]);
    let replay = calltap(&["replay", "--to", &url, "--from", file, "--no-progress"]);

    for run in [simulate, replay] {
        let stdout = text(&run.stdout);
        assert_eq!(run.status.code(), Some(1), "{stdout}{}", text(&run.stderr));
        assert!(stdout.contains(" 0 acked (2xx)"), "{stdout}");
        assert!(
            stdout.contains(&format!(
                "HTTP 401 Unauthorized from {url}: {{\"error\":\"{REFUSAL}\"}}"
            )),
            "{stdout}"
        );
    }
}

#[test]
fn replay_of_one_call_sends_only_that_calls_deliveries() {
    let server = spawn_server(Answer::Now);
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("calls.jsonl");
    let file = file.to_str().expect("utf-8 path");
    assert!(calltap(&["simulate", "--calls", "5", "--out", file])
        .status
        .success());
    let first = Envelope::from_slice(&lines(Path::new(file))[0]).expect("an envelope");
    let id = convert::call_id(&first.message)
        .expect("a call id")
        .to_owned();

    let run = calltap(&["replay", "--to", &server.url, "--from", file, "--call", &id]);

    assert!(run.status.success());
    let requests = server.recorded.requests.lock().expect("not poisoned");
    assert!(!requests.is_empty());
    for (_, body) in requests.iter() {
        let e = Envelope::from_slice(body).expect("an envelope");
        assert_eq!(convert::call_id(&e.message), Some(id.as_str()));
    }
}

#[test]
fn two_thousand_calls_in_flight_are_held_open_at_once_without_failures() {
    // No answer comes before 2,000 requests are open at once (or 10 s have
    // passed): the server records the most it saw open together, which is
    // what the test asserts (not a time, which a loaded machine stretches).
    let server = spawn_server(Answer::WhenOpen(2_000));

    let run = calltap(&[
        "simulate",
        "--to",
        &server.url,
        "--calls",
        "2000",
        "--concurrency",
        "2000",
        "--max-speed",
        "--min-turns",
        "1",
        "--max-turns",
        "1",
        "--mix",
        "0,1,0",
        "--no-answer-rate",
        "1",
        "--no-progress",
    ]);

    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", text(&run.stderr));
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    let max = server.recorded.max_in_flight.load(Ordering::SeqCst);
    assert!(max >= 1_950, "only {max} requests were in flight at once");
}
