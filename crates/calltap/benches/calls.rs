//! Call-state read paths (criterion):
//!
//! - `detail_500_turns`: one call of 500 turns (2,000 speech-updates, 500
//!   conversation-updates each repeating the history so far, status-updates
//!   and an end-of-call report). `projection` reads the stored detail (what
//!   `GET /api/v1/calls/{id}` serves), `http_get` is that GET through a real
//!   server on loopback, and the baseline `recompute_from_log` reads the
//!   call's events from the log, parses and folds them with
//!   `CallState::from_events` and serialises the detail.
//!   `ui_page` is the console's page of the same call (`GET /ui/calls/{id}`,
//!   rendered on the server) through the same server, in the same run.
//! - `list_100k`: 100,000 seeded projection rows; filtered first pages and a
//!   deep page by cursor, with the list's indexes (`indexed`) and on a copy
//!   of the same database with them dropped (`no_index`, the baseline);
//!   `http/api_first_page` and `http/ui_calls_page` are the API's first page
//!   of 50 and the console's calls page (50 rows) through a real server.
//! - With `CALLTAP_TEST_CHROMEDRIVER` set (a chromedriver; Chromium at
//!   `/usr/bin/chromium`), `browser_500_turns` opens the call page in a
//!   headless Chromium 15 times and prints the median time from navigation
//!   to the timeline drawn (`performance.mark`), beside the median time the
//!   same page takes to fetch the call's JSON from the API.
//!
//! Run: `cargo bench -p calltap --bench calls`

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use calltap::calls::CallState;
use calltap::config::Config;
use calltap::ids::{DedupKey, Seq};
use calltap::project::{self, Projector};
use calltap::store::backend::{LogRead, ProjectionRead, ProjectionWrite};
use calltap::store::open::Store;
use calltap::store::projections::{CallCursor, CallFilter, CallRow};
use calltap::store::sqlite::{Sqlite, SqliteReader};
use calltap::store::writer::Writer;
use calltap::store::{Durability, EventFilter, Job, NewEvent};
use criterion::Criterion;

const CALL: &str = "call-500";
const T0: i64 = 1_750_000_000_000;

fn body(message: serde_json::Value) -> Vec<u8> {
    let mut message = message;
    message["call"] = serde_json::json!({"id": CALL, "type": "inboundPhoneCall"});
    message["assistant"] = serde_json::json!({"id": "asst-1", "name": "Bench"});
    serde_json::to_vec(&serde_json::json!({ "message": message })).unwrap_or_default()
}

/// The deliveries of a 500-turn call, in time order.
fn long_call() -> Vec<(Option<i64>, String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut push = |at: i64, kind: &str, message: serde_json::Value| {
        out.push((Some(at), kind.to_owned(), body(message)));
    };
    push(
        T0,
        "status-update",
        serde_json::json!({"type": "status-update", "status": "in-progress", "timestamp": T0}),
    );
    let mut history =
        vec![serde_json::json!({"role": "system", "message": "Be brief.", "time": T0})];
    let mut t = T0 + 1_000;
    for turn in 0..500_u32 {
        for (role, status, at) in [
            ("user", "started", t),
            ("user", "stopped", t + 2_000),
            ("assistant", "started", t + 2_700),
            ("assistant", "stopped", t + 5_000),
        ] {
            push(
                at,
                "speech-update",
                serde_json::json!({
                    "type": "speech-update", "role": role, "status": status, "turn": turn, "timestamp": at
                }),
            );
        }
        history.push(serde_json::json!({"role": "user", "message": format!("question number {turn}, please"), "time": t, "endTime": t + 2_000}));
        history.push(serde_json::json!({"role": "bot", "message": format!("answer number {turn}, certainly"), "time": t + 2_700, "endTime": t + 5_000}));
        push(
            t + 5_001,
            "conversation-update",
            serde_json::json!({
                "type": "conversation-update", "timestamp": t + 5_001, "messages": history
            }),
        );
        t += 6_000;
    }
    push(
        t,
        "status-update",
        serde_json::json!({"type": "status-update", "status": "ended", "endedReason": "customer-ended-call", "timestamp": t}),
    );
    push(
        t + 1,
        "end-of-call-report",
        serde_json::json!({
            "type": "end-of-call-report", "timestamp": t + 1, "endedReason": "customer-ended-call",
            "artifact": {"messages": history}
        }),
    );
    out
}

fn seed_long_call(path: &Path) {
    let store = Store::open(path, Durability::Normal).expect("open");
    let (log, _checkpoints) = store.log_writer().expect("log writer");
    let mut writer = Writer::new(log, 256);
    let jobs: Vec<Job> = long_call()
        .into_iter()
        .enumerate()
        .map(|(i, (timestamp, kind, body))| {
            // Cut as ingest cuts it, so reads rebuild bodies as in production.
            let split = calltap::store::body::split(&body, &Default::default());
            Job::Event(NewEvent {
                received_at: T0 + i as i64,
                call_id: Some(CALL.into()),
                message_type: kind,
                timestamp,
                key: DedupKey::stored(&format!("k{i}")),
                body: body.into(),
                headers: "{}".to_owned(),
                split,
            })
        })
        .collect();
    for chunk in jobs.chunks(256) {
        writer
            .process_batch(&chunk.iter().collect::<Vec<_>>())
            .expect("commit");
    }
    let mut projector =
        Projector::open(&store, project::DEFAULT_BATCH, project::DEFAULT_CACHE).expect("projector");
    // This build's format recorded, as a server does at start: a server
    // finding another would rebuild the rows (404 until it has).
    projector.upgrade().expect("format");
    projector.catch_up().expect("project");
}

/// What serving the detail would cost without the projection.
fn recompute(reader: &SqliteReader) -> String {
    let mut events = Vec::new();
    let mut after = Seq::ZERO;
    loop {
        let page = reader
            .events(&EventFilter {
                call_id: Some(CALL.into()),
                after: Some(after),
                limit: 1000,
                ..EventFilter::default()
            })
            .expect("events");
        events.extend(page.iter().map(project::call_event));
        match page.last() {
            Some(last) if page.len() == 1000 => after = last.seq,
            _ => break,
        }
    }
    serde_json::to_string(&CallState::from_events(CALL, &events).detail()).expect("JSON")
}

fn detail_500_turns(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("long.db");
    seed_long_call(&path);
    let reader = SqliteReader::open(&path).expect("reader");
    let stored = reader
        .call_detail(&CALL.into())
        .expect("read")
        .expect("projected");
    let recomputed = recompute(&reader);
    assert_eq!(
        stored.detail, recomputed,
        "the projection is the recomputed detail"
    );
    eprintln!(
        "detail_500_turns: {} events, {} log bytes, detail {} bytes",
        reader.count_events().unwrap_or(0),
        long_call().iter().map(|(_, _, b)| b.len()).sum::<usize>(),
        stored.detail.len()
    );

    let server = Served::start(&path);
    let detail_path = format!("/api/v1/calls/{CALL}");
    let get = || server.get(&detail_path);
    assert_eq!(get(), stored.detail.len());

    let mut group = c.benchmark_group("detail_500_turns");
    group.sample_size(20);
    group.bench_function("projection", |b| {
        b.iter(|| reader.call_detail(&CALL.into()).expect("read"))
    });
    group.bench_function("http_get", |b| b.iter(get));
    let page_path = format!("/ui/calls/{CALL}");
    let page = || server.get(&page_path);
    eprintln!("detail_500_turns: the console's page is {} bytes", page());
    group.bench_function("ui_page", |b| b.iter(page));
    group.sample_size(10);
    group.bench_function("recompute_from_log", |b| b.iter(|| recompute(&reader)));
    group.finish();
    if let Some(driver) = std::env::var_os("CALLTAP_TEST_CHROMEDRIVER") {
        server
            .runtime
            .block_on(browser_500_turns(driver, &server.base));
    }
    server.stop();
}

/// A real server on loopback over a seeded database, for the HTTP cases.
struct Served {
    runtime: tokio::runtime::Runtime,
    base: String,
    client: reqwest::Client,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Served {
    fn start(db: &Path) -> Served {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let config = Config {
            db: db.to_path_buf(),
            ..Config::default()
        };
        let task = runtime.spawn(calltap::server::run(config, listener, async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if runtime
                .block_on(client.get(format!("{base}/healthz")).send())
                .is_ok()
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Served {
            runtime,
            base,
            client,
            stop,
            task,
        }
    }

    /// GETs `path`, asserting 200; the body's length.
    fn get(&self, path: &str) -> usize {
        self.body(path).len()
    }

    /// GETs `path`, asserting 200; the body.
    fn body(&self, path: &str) -> bytes::Bytes {
        self.runtime.block_on(async {
            let response = self
                .client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("GET");
            assert_eq!(response.status(), 200, "{path}");
            response.bytes().await.expect("body")
        })
    }

    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.runtime.block_on(self.task);
    }
}

/// The browser's time until the 500-turn timeline is drawn, and its time
/// to fetch the same call's JSON, medians of 15 loads.
async fn browser_500_turns(driver: std::ffi::OsString, base: &str) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let profile = tempfile::tempdir().expect("profile dir");
    let capabilities = serde_json::json!({"goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1440,900", format!("--user-data-dir={}", profile.path().display())],
    }});
    let serde_json::Value::Object(capabilities) = capabilities else {
        return;
    };
    let mut chromedriver = std::process::Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver");
    let mut client = None;
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(c) = fantoccini::ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            client = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let client = client.expect("a WebDriver session");
    let mut drawn = Vec::new();
    let mut fetched = Vec::new();
    for _ in 0..15 {
        client
            .goto(&format!("{base}/ui/calls/{CALL}"))
            .await
            .expect("the page");
        let times = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const drawn = performance.getEntriesByName('calltap-timeline-drawn')[0].startTime;
                 const t = performance.now();
                 fetch('/api/v1/calls/call-500').then((r) => r.json()).then(() => done([drawn, performance.now() - t]));",
                Vec::new(),
            )
            .await
            .ok()
            .and_then(|v| v.as_array().cloned())
            .expect("times");
        drawn.push(times[0].as_f64().unwrap_or(f64::NAN));
        fetched.push(times[1].as_f64().unwrap_or(f64::NAN));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    eprintln!(
        "browser_500_turns: timeline drawn {:.0} ms after navigation (median of 15); \
         the same page fetches the call's JSON from the API in {:.0} ms",
        median(&mut drawn),
        median(&mut fetched)
    );
    let _ = client.close().await;
    let _ = chromedriver.kill();
    let _ = chromedriver.wait();
}

const CALLS: usize = 100_000;
const ASSISTANTS: usize = 50;
const REASONS: [&str; 5] = [
    "customer-ended-call",
    "assistant-ended-call",
    "silence-timed-out",
    "customer-did-not-answer",
    "pipeline-error-openai-llm-failed",
];
const DAY: i64 = 86_400_000;

fn seed_calls(path: &Path) {
    let sqlite = Sqlite::open(path, Durability::Normal).expect("open");
    let mut store = sqlite.projections().expect("projector connection");
    // In this build's format, as a server records it: a server finding
    // another would empty the rows to rebuild them from the (empty) log.
    store
        .reset(calltap::calls::detail::PROJECTION_FORMAT)
        .expect("format");
    let rows: Vec<CallRow> = (0..CALLS)
        .map(|i| {
            // Spread over 30 days; a cheap deterministic mix of the fields.
            let mix = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16;
            let sort_at = T0 + (mix % (30 * DAY as u64)) as i64;
            let ended = mix % 10 != 0;
            let assistant = format!("asst-{}", (mix >> 8) as usize % ASSISTANTS);
            let reason = ended.then(|| REASONS[(mix >> 20) as usize % REASONS.len()].to_owned());
            let summary = serde_json::json!({
                "id": format!("call-{i:06}"), "type": "inboundPhoneCall",
                "status": if ended { "ended" } else { "in-progress" },
                "ended_reason": reason, "assistant": {"id": assistant, "name": format!("Assistant {assistant}")},
                "customer_number": "+15550100", "phone_number": "+15550199",
                "started_at": sort_at, "ended_at": sort_at + 120_000, "duration_ms": 120_000,
                "cost": 0.12, "event_count": 60, "first_event_at": sort_at,
                "last_event_at": sort_at + 121_000, "turn_count": 12,
                "turn_latencies_ms": [700, 820, 650, 900, 710, 1200, 640, 800, 760, 690, 880, 720],
                "interruptions_by_user": 1, "interruptions_by_assistant": 0,
                "interrupted_turns": 1, "transfer_count": 0
            })
            .to_string();
            CallRow {
                id: format!("call-{i:06}").into(),
                status: Some(if ended { "ended" } else { "in-progress" }.to_owned()),
                ended_reason: reason,
                assistant_name: Some(format!("Assistant {assistant}")),
                assistant_id: Some(assistant),
                call_type: Some("inboundPhoneCall".to_owned()),
                started_at: Some(sort_at),
                ended_at: Some(sort_at + 120_000),
                sort_at,
                last_event_at: Some(sort_at + 121_000),
                event_count: 60,
                last_seq: Seq::new(i as i64 + 1),
                detail: summary.clone(),
                detail_shared: None,
                summary,
            }
        })
        .collect();
    for chunk in rows.chunks(5_000) {
        store.write_batch(chunk, &[], Seq::ZERO).expect("seed");
    }
    store.analyze().expect("analyze");
}

fn list_100k(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let indexed = dir.path().join("indexed.db");
    seed_calls(&indexed);
    let bare = dir.path().join("bare.db");
    std::fs::copy(&indexed, &bare).expect("copy");
    Sqlite::open(&bare, Durability::Normal)
        .and_then(|sqlite| sqlite.projections())
        .expect("open")
        .drop_filter_indexes()
        .expect("drop indexes");

    let by_assistant = CallFilter {
        status: Some("ended".to_owned()),
        assistant: Some("asst-7".to_owned()),
        limit: 50,
        ..CallFilter::default()
    };
    let by_reason_in_range = CallFilter {
        ended_reason: Some("silence-timed-out".to_owned()),
        since: Some(T0 + 10 * DAY),
        until: Some(T0 + 20 * DAY),
        limit: 50,
        ..CallFilter::default()
    };
    let unfiltered = CallFilter {
        limit: 50,
        ..CallFilter::default()
    };
    let cases: Vec<(&str, CallFilter)> = {
        let reader = SqliteReader::open(&indexed).expect("reader");
        // The 20th page of the assistant filter, reached by cursor.
        let mut deep = by_assistant.clone();
        for _ in 0..19 {
            let page = reader.calls(&deep).expect("page");
            let last = page.last().expect("a full page");
            deep.after = Some(CallCursor {
                sort_at: last.sort_at,
                id: last.id.clone(),
            });
        }
        vec![
            ("status+assistant", by_assistant),
            ("status+assistant_page20", deep),
            ("reason+since+until", by_reason_in_range),
            ("unfiltered", unfiltered),
        ]
    };

    let mut group = c.benchmark_group("list_100k");
    group.sample_size(20);
    http_pages(&indexed, &mut group);
    for (db, label) in [(&indexed, "indexed"), (&bare, "no_index")] {
        let reader = Arc::new(SqliteReader::open(db).expect("reader"));
        for (name, filter) in &cases {
            let rows = reader.calls(filter).expect("list");
            assert_eq!(rows.len(), 50, "{label}/{name}");
            group.bench_function(format!("{label}/{name}"), |b| {
                b.iter(|| reader.calls(filter).expect("list"))
            });
        }
    }
    group.finish();
}

/// The API's first page and the console's calls page over the same
/// 100,000 calls, each through a real server on loopback.
fn http_pages(
    db: &Path,
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
) {
    let server = Served::start(db);
    // A full first page, or the pages measured would be of nothing.
    let first_page = server.body("/api/v1/calls?limit=50");
    let listed = serde_json::from_slice::<serde_json::Value>(&first_page)
        .ok()
        .and_then(|page| Some(page.get("calls")?.as_array()?.len()));
    assert_eq!(
        listed,
        Some(50),
        "the first page of the 100,000 seeded calls"
    );
    group.bench_function("http/api_first_page", |b| {
        b.iter(|| server.get("/api/v1/calls?limit=50"))
    });
    group.bench_function("http/ui_calls_page", |b| b.iter(|| server.get("/ui/")));
    server.stop();
}

// What `criterion_group!`/`criterion_main!` expand to, written out because
// the macro's generated `pub fn` trips the workspace's `missing_docs` lint.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    detail_500_turns(&mut criterion);
    list_100k(&mut criterion);
    criterion.final_summary();
}
