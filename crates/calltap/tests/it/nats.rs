//! The NATS JetStream destination against a real NATS server: a consumer
//! reads every committed delivery byte-exact, in per-call seq order, with
//! its headers; NATS down at start, NATS restarting mid-stream, a delivery
//! over the server's max_payload, and `kill -9` of calltap while it drains.
//!
//! They run when `CALLTAP_TEST_NATS_URL` names a server with JetStream
//! (`.ci/run` starts one and sets it), and must then pass; without it they
//! say so and pass. The faults need a server of their own, started and
//! killed here: `nats-server` from `CALLTAP_TEST_NATS_SERVER`, else
//! `/usr/sbin/nats-server`, else the `PATH`. Each test uses its own stream
//! and subjects, so they run side by side on the shared server.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer};
use calltap::config::{Config, NatsConfig};
use calltap::forward::nats::{
    CALL_ID_HEADER, MSG_ID_HEADER, RECEIVED_AT_HEADER, SEQ_HEADER, TYPE_HEADER,
};
use calltap::forward::RetryPolicy;
use futures_util::StreamExt;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;
use tempfile::TempDir;

use crate::forward::json_when;
use crate::helpers::{spawn_app_with, TestApp};
use crate::process::free_port;

/// The shared server's URL, or `None` (and a line on stderr).
fn shared_url() -> Option<String> {
    let url = std::env::var("CALLTAP_TEST_NATS_URL").ok();
    if url.is_none() {
        eprintln!("CALLTAP_TEST_NATS_URL is not set: the NATS tests do not run");
    }
    url
}

/// A name no other test (or run) uses: the stream's, and its subjects'
/// first token.
fn unique(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "T{}_{}_{}_{nanos}",
        tag.to_uppercase(),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Settings publishing to `url` on a stream of its own, retrying fast.
fn settings(url: &str, name: &str) -> NatsConfig {
    let mut nats = NatsConfig::new(url);
    nats.stream = name.to_owned();
    nats.subjects = vec![format!("{name}.>")];
    nats.subject = format!("{name}.vapi.{{type}}.{{call_id}}")
        .parse()
        .expect("template");
    nats.retry = RetryPolicy {
        first: Duration::from_millis(50),
        max: Duration::from_millis(500),
        give_up_after: Duration::from_secs(3600),
    };
    nats.attempt_timeout = Duration::from_millis(1000);
    nats
}

async fn serve(nats: NatsConfig) -> TestApp {
    spawn_app_with(move |config: &mut Config| config.nats = Some(nats)).await
}

/// A JetStream context on `url`.
async fn jetstream_at(url: &str) -> jetstream::Context {
    let client = async_nats::connect(url)
        .await
        .expect("the test connects to NATS");
    jetstream::new(client)
}

/// A delivery of call `call`, numbered `n` within it.
fn status_update(call: &str, n: usize) -> String {
    format!(
        r#"{{"message":{{"type":"status-update","status":"in-progress","n":{n},"timestamp":1750314425773,"call":{{"id":"{call}"}}}}}}"#
    )
}

/// Posts `body`, asserts 200 and returns its seq.
async fn post(app: &TestApp, body: impl Into<reqwest::Body>) -> i64 {
    let response = app.post(body).await;
    assert_eq!(response.status(), 200, "ingest never waits for NATS");
    response.headers()["x-calltap-seq"]
        .to_str()
        .expect("text")
        .parse()
        .expect("a seq")
}

/// One message as a consumer reads it.
#[derive(Debug)]
struct Read {
    subject: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Read {
    fn seq(&self) -> i64 {
        self.headers[SEQ_HEADER].parse().expect("a seq header")
    }
}

/// Reads the whole stream with an ephemeral consumer, in stream order,
/// until it has `expect` messages (panics after 20 s), then checks that
/// the stream holds no more.
async fn consume(js: &jetstream::Context, stream: &str, expect: usize) -> Vec<Read> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    // It may be being created (again) by calltap.
    let stream = loop {
        match js.get_stream(stream).await {
            Ok(stream) => break stream,
            Err(err) => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "no stream {stream}: {err}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let consumer = stream
        .create_consumer(consumer::pull::Config {
            deliver_policy: consumer::DeliverPolicy::All,
            ack_policy: consumer::AckPolicy::None,
            ..Default::default()
        })
        .await
        .expect("a consumer");
    let mut messages = consumer.messages().await.expect("messages");
    let mut read = Vec::new();
    while read.len() < expect {
        let message = tokio::time::timeout_at(deadline, messages.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {expect} messages came", read.len()))
            .expect("the consumer goes on")
            .expect("a message");
        let headers = message
            .headers
            .as_ref()
            .map(|h| {
                h.iter()
                    .map(|(name, values)| {
                        let name: &str = name.as_ref();
                        (name.to_owned(), values[0].as_str().to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        read.push(Read {
            subject: message.subject.to_string(),
            headers,
            body: message.payload.to_vec(),
        });
    }
    let mut stream = stream;
    let info = stream.info().await.expect("stream info");
    assert_eq!(
        info.state.messages, expect as u64,
        "the stream holds exactly the deliveries"
    );
    read
}

/// Every seq once, and every call's messages in seq order.
fn once_each_in_per_call_order(read: &[Read], seqs: &BTreeSet<i64>) {
    let got: Vec<i64> = read.iter().map(Read::seq).collect();
    let unique: BTreeSet<i64> = got.iter().copied().collect();
    assert_eq!(got.len(), unique.len(), "no seq twice");
    assert_eq!(&unique, seqs, "every committed delivery, nothing else");
    let mut last: HashMap<&str, i64> = HashMap::new();
    for message in read {
        let call = message
            .headers
            .get(CALL_ID_HEADER)
            .map_or("", String::as_str);
        if let Some(previous) = last.insert(call, message.seq()) {
            assert!(
                previous < message.seq(),
                "call {call}: seq {} after {previous}",
                message.seq()
            );
        }
    }
}

/// The NATS destination's outbox, once `ready` holds of it.
async fn nats_outbox_when(app: &TestApp, ready: impl Fn(&Value) -> bool) -> Value {
    let pick = |v: &Value| {
        v["destinations"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["name"] == "nats"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let all = json_when(app, "/api/v1/forward", |v| ready(&pick(v))).await;
    pick(&all)
}

/// Polls `/readyz` until it answers `status` with a body that contains
/// `text` (panics after 15 s); returns the body.
async fn readyz_when(base: &str, status: u16, text: &str) -> Value {
    let client = reqwest::Client::new();
    let start = Instant::now();
    loop {
        let response = client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .expect("readyz");
        let got = response.status().as_u16();
        let body: Value = response.json().await.expect("JSON");
        if got == status && body.to_string().contains(text) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "/readyz stayed {got}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Deletes a test's stream from the shared server (a failure to is only
/// said: it is not what the test checks).
async fn clean_up(js: &jetstream::Context, name: &str) {
    if let Err(err) = js.delete_stream(name).await {
        eprintln!("could not delete the stream {name}: {err}");
    }
}

#[tokio::test]
async fn every_committed_delivery_reaches_the_stream_byte_exact_in_per_call_order_with_its_headers()
{
    let Some(url) = shared_url() else { return };
    let name = unique("exact");
    let app = serve(settings(&url, &name)).await;
    readyz_when(&app.base, 200, "ok").await;
    let js = jetstream_at(&url).await;
    let mut stream = js.get_stream(&name).await.expect("calltap created it");
    let created = stream.info().await.expect("info").config.clone();
    assert_eq!(created.subjects, vec![format!("{name}.>")]);

    // The realistic corpus, calls interleaved, a type of tomorrow with no
    // call, and a call id that is no subject token.
    let mut sent: HashMap<i64, Vec<u8>> = HashMap::new();
    for body in crate::helpers::corpus() {
        let seq = post(&app, body.clone()).await;
        sent.insert(seq, body);
    }
    for n in 0..10 {
        for c in 0..4 {
            let body = status_update(&format!("exact-{c}"), n);
            sent.insert(post(&app, body.clone()).await, body.into_bytes());
        }
    }
    let odd = br#"{"message":{"type":"a-type.of tomorrow","call":{"id":"call.with space*>"}}}"#;
    let odd_seq = post(&app, &odd[..]).await;
    sent.insert(odd_seq, odd.to_vec());
    let orphan = br#"{"message":{"type":"phone-call-control"}}"#;
    let orphan_seq = post(&app, &orphan[..]).await;
    sent.insert(orphan_seq, orphan.to_vec());

    let seqs: BTreeSet<i64> = sent.keys().copied().collect();
    let read = consume(&js, &name, seqs.len()).await;
    once_each_in_per_call_order(&read, &seqs);
    let mut ids = BTreeSet::new();
    for message in &read {
        let seq = message.seq();
        assert_eq!(message.body, sent[&seq], "seq {seq}: the exact bytes");
        let event = app.get_json(&format!("/api/v1/events/{seq}")).await;
        let call = event["call_id"].as_str();
        let kind = event["type"].as_str().expect("type");
        assert_eq!(message.headers[TYPE_HEADER], kind);
        assert_eq!(
            message.headers.get(CALL_ID_HEADER).map(String::as_str),
            call
        );
        assert_eq!(
            message.headers[RECEIVED_AT_HEADER],
            event["received_at"].to_string()
        );
        let key = calltap::ids::DedupKey::stored(event["key"].as_str().expect("key"));
        assert_eq!(
            message.headers[MSG_ID_HEADER],
            calltap::forward::webhook_id(&key),
            "the dedup id is the delivery's webhook-id"
        );
        assert!(ids.insert(message.headers[MSG_ID_HEADER].clone()));
        if seq != odd_seq && seq != orphan_seq {
            assert_eq!(
                message.subject,
                format!("{name}.vapi.{kind}.{}", call.unwrap_or("_"))
            );
        }
    }
    let subject_of = |seq| &read.iter().find(|m| m.seq() == seq).expect("read").subject;
    assert_eq!(
        subject_of(odd_seq),
        &format!("{name}.vapi.a-type_of_tomorrow.call_with_space__"),
        "each value made one subject-safe token"
    );
    assert_eq!(
        subject_of(orphan_seq),
        &format!("{name}.vapi.phone-call-control._"),
        "no call: a fixed token"
    );
    let outbox = nats_outbox_when(&app, |o| o["lag"] == 0 && o["pending"] == 0).await;
    assert_eq!(outbox["dead"], 0, "{outbox}");

    app.stop().await;
    clean_up(&js, &name).await;
}

#[tokio::test]
async fn an_existing_stream_that_takes_other_subjects_keeps_calltap_unready_with_the_reason() {
    let Some(url) = shared_url() else { return };
    let name = unique("other");
    let js = jetstream_at(&url).await;
    js.create_stream(jetstream::stream::Config {
        name: name.clone(),
        subjects: vec![format!("{name}.elsewhere.>")],
        ..Default::default()
    })
    .await
    .expect("a stream of someone else's");
    let app = serve(settings(&url, &name)).await;
    let body = readyz_when(&app.base, 503, "do not take the subject template").await;
    assert_eq!(body["kind"], "nats_not_ready", "{body}");
    assert_eq!(post(&app, status_update("other", 0)).await, 1);
    app.stop().await;
    clean_up(&js, &name).await;
}

/// A `nats-server` of a test's own, with JetStream, on `port`, keeping its
/// store in `dir` (so that a restart finds the stream again).
struct OwnNats {
    child: Option<Child>,
    port: u16,
    dir: TempDir,
    extra: Vec<String>,
}

impl OwnNats {
    fn binary() -> PathBuf {
        if let Some(path) = std::env::var_os("CALLTAP_TEST_NATS_SERVER") {
            return path.into();
        }
        let usual = PathBuf::from("/usr/sbin/nats-server");
        if usual.exists() {
            return usual;
        }
        PathBuf::from("nats-server")
    }

    /// A server not started yet, on a free port.
    fn new(extra: &[&str]) -> OwnNats {
        OwnNats {
            child: None,
            port: free_port(),
            dir: tempfile::tempdir().expect("temp dir"),
            extra: extra.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts it and waits until it takes connections.
    async fn start(&mut self) {
        let child = Command::new(Self::binary())
            .args([
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-js",
                "-sd",
            ])
            .arg(self.dir.path())
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "nats-server starts (CALLTAP_TEST_NATS_URL is set, so the fault tests must run)",
            );
        self.child = Some(child);
        let start = Instant::now();
        while async_nats::connect(self.url()).await.is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "nats-server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn signal(&self, signal: Signal) {
        let child = self.child.as_ref().expect("started");
        let pid = i32::try_from(child.id()).expect("pid");
        kill(Pid::from_raw(pid), signal).expect("signal nats-server");
    }

    /// Kills it (SIGKILL) and waits for it to be gone.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            // A stopped server must be woken to die.
            let pid = i32::try_from(child.id()).unwrap_or(0);
            let _ = kill(Pid::from_raw(pid), Signal::SIGCONT);
        }
        self.kill();
    }
}

#[tokio::test]
async fn nats_down_at_start_serve_starts_readyz_says_why_and_publishing_resumes_when_it_comes_back()
{
    let Some(_) = shared_url() else { return };
    let mut nats = OwnNats::new(&[]);
    let name = unique("down");
    let app = serve(settings(&nats.url(), &name)).await;

    let body = readyz_when(&app.base, 503, "not connected to NATS").await;
    assert!(
        body.to_string()
            .contains(&format!("127.0.0.1:{}", nats.port)),
        "{body}"
    );
    let mut seqs = BTreeSet::new();
    for n in 0..5 {
        for c in 0..4 {
            seqs.insert(post(&app, status_update(&format!("down-{c}"), n)).await);
        }
    }
    let outbox = nats_outbox_when(&app, |o| o["failing"].as_u64() >= Some(1)).await;
    assert_eq!(outbox["pending"], 20, "{outbox}");
    assert!(
        outbox["last_error"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("NATS")),
        "{outbox}"
    );

    nats.start().await;
    readyz_when(&app.base, 200, "ok").await;
    let js = jetstream_at(&nats.url()).await;
    let read = consume(&js, &name, seqs.len()).await;
    once_each_in_per_call_order(&read, &seqs);
    nats_outbox_when(&app, |o| o["lag"] == 0 && o["pending"] == 0).await;
    app.stop().await;
}

#[tokio::test]
async fn nats_restarting_mid_stream_is_retried_and_nothing_is_skipped() {
    let Some(_) = shared_url() else { return };
    let mut nats = OwnNats::new(&[]);
    nats.start().await;
    let name = unique("restart");
    let app = serve(settings(&nats.url(), &name)).await;
    readyz_when(&app.base, 200, "ok").await;
    let js = jetstream_at(&nats.url()).await;

    let mut seqs = BTreeSet::new();
    // Four calls, five deliveries each per round.
    let batch = |round: usize| {
        (0..5).flat_map(move |n| {
            (0..4).map(move |c| status_update(&format!("restart-{c}"), round * 5 + n))
        })
    };
    for body in batch(0) {
        seqs.insert(post(&app, body).await);
    }
    consume(&js, &name, seqs.len()).await;

    nats.kill();
    for body in batch(1) {
        seqs.insert(post(&app, body).await);
    }
    nats_outbox_when(&app, |o| o["failing"].as_u64() >= Some(1)).await;
    assert_eq!(
        readyz_when(&app.base, 200, "ok").await["status"],
        "ok",
        "NATS going away later does not stop ingest"
    );

    nats.start().await;
    for body in batch(2) {
        seqs.insert(post(&app, body).await);
    }
    let js = jetstream_at(&nats.url()).await;
    let read = consume(&js, &name, seqs.len()).await;
    once_each_in_per_call_order(&read, &seqs);
    nats_outbox_when(&app, |o| o["lag"] == 0 && o["pending"] == 0).await;
    app.stop().await;
}

#[tokio::test]
async fn a_delivery_over_the_servers_max_payload_is_dead_lettered_with_the_reason_and_its_call_goes_on(
) {
    let Some(_) = shared_url() else { return };
    let conf = tempfile::NamedTempFile::new().expect("conf");
    std::fs::write(conf.path(), "max_payload: 4096\n").expect("write conf");
    let conf_path = conf.path().to_str().expect("path").to_owned();
    let mut nats = OwnNats::new(&["-c", &conf_path]);
    nats.start().await;
    let name = unique("big");
    let app = serve(settings(&nats.url(), &name)).await;
    readyz_when(&app.base, 200, "ok").await;

    let first = post(&app, status_update("big", 0)).await;
    let padding = "x".repeat(10_000);
    let big = format!(
        r#"{{"message":{{"type":"status-update","status":"in-progress","pad":"{padding}","call":{{"id":"big"}}}}}}"#
    );
    let big_seq = post(&app, big).await;
    let last = post(&app, status_update("big", 2)).await;

    let js = jetstream_at(&nats.url()).await;
    let read = consume(&js, &name, 2).await;
    let got: Vec<i64> = read.iter().map(Read::seq).collect();
    assert_eq!(got, [first, last], "the call goes on without it");
    let outbox = nats_outbox_when(&app, |o| o["dead"] == 1 && o["pending"] == 0).await;
    assert!(
        outbox["last_error"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("max_payload")),
        "{outbox}"
    );
    let dead = app.get_json("/api/v1/forward/dead?destination=nats").await;
    assert_eq!(dead["dead"][0]["seq"], big_seq, "{dead}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_draining_to_nats_resumes_skipping_nothing_and_jetstream_drops_the_repeats() {
    let Some(_) = shared_url() else { return };
    let mut nats = OwnNats::new(&[]);
    nats.start().await;
    let name = unique("kill");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calltap.db");
    let config = dir.path().join("calltap.toml");
    std::fs::write(
        &config,
        format!(
            "[nats]\nurl = \"{}\"\nstream = \"{name}\"\nsubjects = [\"{name}.>\"]\n\
             subject = \"{name}.{{type}}.{{call_id}}\"\nmax_in_flight = 8\nattempt_timeout_ms = 500\n\
             [nats.retry]\nfirst_retry_ms = 50\nmax_retry_ms = 200\n",
            nats.url()
        ),
    )
    .expect("config");
    let args = ["--config", config.to_str().expect("path")];
    let client = reqwest::Client::new();
    let mut server = crate::process::start_with(&db, &args);
    crate::process::wait_healthy(&mut server, &client).await;
    readyz_when(&server.base, 200, "ok").await;

    let (calls, per_call) = (10, 25);
    let post_round = |base: String, n: usize| {
        let client = client.clone();
        async move {
            let posts = (0..calls).map(|c| {
                client
                    .post(format!("{base}/"))
                    .body(status_update(&format!("kill-{c}"), n))
                    .send()
            });
            for response in futures_util::future::join_all(posts).await {
                assert_eq!(response.expect("answer").status(), 200);
            }
        }
    };
    for n in 0..5 {
        post_round(server.base.clone(), n).await;
    }
    let js = jetstream_at(&nats.url()).await;
    consume(&js, &name, calls * 5).await;

    // NATS stops answering mid-drain: publishes hang unacknowledged, some
    // already in the server's socket, and calltap dies with them in flight.
    nats.signal(Signal::SIGSTOP);
    for n in 5..per_call {
        post_round(server.base.clone(), n).await;
    }
    let start = Instant::now();
    loop {
        let outbox: Value = client
            .get(format!("{}/api/v1/forward", server.base))
            .send()
            .await
            .expect("forward")
            .json()
            .await
            .expect("JSON");
        let nats_outbox = &outbox["destinations"][0];
        if nats_outbox["in_flight"].as_u64() >= Some(1)
            && nats_outbox["pending"].as_u64() >= Some(100)
        {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{outbox}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    nats.signal(Signal::SIGCONT);

    let mut server = crate::process::start_with(&db, &args);
    crate::process::wait_healthy(&mut server, &client).await;
    let total = calls * per_call;
    let read = consume(&js, &name, total).await;
    let seqs: BTreeSet<i64> = (1..=i64::try_from(total).expect("count")).collect();
    once_each_in_per_call_order(&read, &seqs);
    // The outbox settles, and nothing more arrives: JetStream dropped
    // every repeat by its Nats-Msg-Id.
    let start = Instant::now();
    loop {
        let outbox: Value = client
            .get(format!("{}/api/v1/forward", server.base))
            .send()
            .await
            .expect("forward")
            .json()
            .await
            .expect("JSON");
        if outbox["destinations"][0]["lag"] == 0 && outbox["destinations"][0]["pending"] == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "{outbox}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut stream = js.get_stream(&name).await.expect("stream");
    assert_eq!(
        stream.info().await.expect("info").state.messages,
        total as u64,
        "every repeat dropped by JetStream"
    );
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
}

#[tokio::test]
async fn a_stream_deleted_under_calltap_is_created_again_and_publishing_goes_on() {
    let Some(url) = shared_url() else { return };
    let name = unique("deleted");
    let app = serve(settings(&url, &name)).await;
    readyz_when(&app.base, 200, "ok").await;
    let js = jetstream_at(&url).await;
    let first = post(&app, status_update("deleted", 0)).await;
    let read = consume(&js, &name, 1).await;
    assert_eq!(read[0].seq(), first);

    js.delete_stream(&name)
        .await
        .expect("someone deletes the stream");
    let mut seqs = BTreeSet::new();
    for n in 1..=5 {
        seqs.insert(post(&app, status_update("deleted", n)).await);
    }
    // The first publish finds no stream; calltap creates it again and
    // the deliveries after the deletion all arrive, in order.
    let read = consume(&js, &name, seqs.len()).await;
    once_each_in_per_call_order(&read, &seqs);
    readyz_when(&app.base, 200, "ok").await;
    app.stop().await;
    clean_up(&js, &name).await;
}
