//! The query API: listing, filters, cursors, raw bytes, the API token,
//! health and metrics.

use crate::helpers::{spawn_app, spawn_app_with, status_update};
use calltap::config::Secret;
use calltap_protocol::auth::VapiSecretPlan;

#[tokio::test]
async fn events_are_listed_by_seq_with_filters_and_a_cursor() {
    // call-0 gets one status-update (the same body thrice is one event) and
    // three speech-updates; call-1 one and two.
    let app = spawn_app().await;
    for i in 0..5 {
        app.post(status_update(&format!("call-{}", i % 2))).await;
        app.post(format!(
            r#"{{"message":{{"type":"speech-update","turn":{i},"call":{{"id":"call-{}"}}}}}}"#,
            i % 2
        ))
        .await;
    }

    let page = app.get_json("/api/v1/events?call_id=call-0&limit=2").await;
    let events = page["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e["call_id"] == "call-0"));
    assert!(events[0]["seq"].as_i64() < events[1]["seq"].as_i64());
    assert_eq!(events[0]["body"]["message"]["call"]["id"], "call-0");
    assert_eq!(events[0]["timestamp"], 1_750_314_425_773_i64);
    assert!(events[0]["received_at"].as_i64().expect("ms") > 1_700_000_000_000);
    let next = page["next"].as_i64().expect("a next cursor");

    let rest = app
        .get_json(&format!(
            "/api/v1/events?call_id=call-0&after={next}&limit=100"
        ))
        .await;
    assert_eq!(rest["events"].as_array().expect("events").len(), 2);
    assert!(rest["next"].is_null());

    let speech = app.get_json("/api/v1/events?type=speech-update").await;
    assert_eq!(speech["events"].as_array().expect("events").len(), 5);
}

#[tokio::test]
async fn bad_query_parameters_get_400_with_a_reason() {
    let app = spawn_app().await;
    for query in [
        "after=abc",
        "limit=0",
        "limit=1001",
        "limit=-1",
        "calll_id=x",
    ] {
        let response = app.get(&format!("/api/v1/events?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let answer: serde_json::Value = response.json().await.expect("JSON error");
        assert!(!answer["error"].as_str().expect("reason").is_empty());
    }
    assert_eq!(app.get("/api/v1/events/abc/raw").await.status(), 400);
}

#[tokio::test]
async fn a_missing_event_or_quarantined_body_is_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/events/42/raw").await.status(), 404);
    assert_eq!(app.get("/api/v1/quarantine/42/raw").await.status(), 404);
}

#[tokio::test]
async fn the_api_token_is_required_and_ingest_credentials_do_not_grant_access() {
    let app = spawn_app_with(|c| {
        c.api_token = Some(Secret::new("api-tok"));
        c.auth.push(VapiSecretPlan::new("ingest-secret").into());
    })
    .await;
    let url = format!("{}/api/v1/events", app.base);

    let none = app.client.get(&url).send().await.expect("GET");
    let ingest_secret = app
        .client
        .get(&url)
        .header("x-vapi-secret", "ingest-secret")
        .bearer_auth("ingest-secret")
        .send()
        .await
        .expect("GET");
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("api-to")
        .send()
        .await
        .expect("GET");
    let right = app
        .client
        .get(&url)
        .bearer_auth("api-tok")
        .send()
        .await
        .expect("GET");

    assert_eq!(none.status(), 401);
    assert_eq!(ingest_secret.status(), 401);
    assert_eq!(wrong.status(), 401);
    assert_eq!(right.status(), 200);
    let answer = wrong.text().await.expect("body");
    assert!(!answer.contains("api-tok"), "{answer}");
    // Probes stay open.
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
}

#[tokio::test]
async fn metrics_count_what_happened() {
    let app = spawn_app().await;
    app.post(status_update("m1")).await;
    app.post(status_update("m1")).await;
    app.post("garbage").await;

    let text = app.get("/metrics").await.text().await.expect("metrics");

    // The recorder is process-wide and tests run in parallel: assert >=.
    for (name, at_least) in [
        ("calltap_deliveries_received_total", 3.0),
        ("calltap_deliveries_stored_total", 1.0),
        ("calltap_deliveries_duplicate_total", 1.0),
        (
            "calltap_deliveries_rejected_total{reason=\"not_json\"}",
            1.0,
        ),
        ("calltap_commit_seconds_count", 1.0),
        ("calltap_batch_size_count", 1.0),
    ] {
        let value = metric(&text, name).unwrap_or_else(|| panic!("{name} missing in\n{text}"));
        assert!(value >= at_least, "{name} = {value}");
    }
    assert!(text.contains("calltap_queue_depth"), "{text}");
}

/// The value of the series `name` (with its labels) in a Prometheus page.
pub(crate) fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(name) && line[name.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn the_events_router_serves_a_store_on_its_own() {
    // Arrange: a store with two deliveries, and only the events router over
    // a read handle on it: no ingest, projector, feed or app state.
    use calltap::store::open::Store;
    use calltap::store::writer::Writer;
    use calltap::store::{Durability, Job, NewEvent};
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("alone.db"), Durability::Normal).expect("open");
    let (log, _checkpoints) = store.log_writer().expect("log writer");
    let jobs: Vec<Job> = ["call-a", "call-b"]
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            Job::Event(NewEvent {
                received_at: 1_750_000_000_000,
                call_id: Some(id.into()),
                message_type: "status-update".to_owned(),
                timestamp: Some(1_750_314_425_773),
                key: calltap::ids::DedupKey::stored(&format!("k{i}")),
                body: status_update(id).into(),
                headers: "{}".to_owned(),
                split: None,
            })
        })
        .collect();
    Writer::new(log, 8)
        .process_batch(&jobs.iter().collect::<Vec<_>>())
        .expect("commit");
    let router = calltap::api::events::router().with_state(store.reader().expect("reader"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind port 0");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::new();

    // Act
    let page: serde_json::Value = client
        .get(format!("{base}/api/v1/events?call_id=call-b"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    let raw = client
        .get(format!("{base}/api/v1/events/1/raw"))
        .send()
        .await
        .expect("GET");
    let calls = client
        .get(format!("{base}/api/v1/calls"))
        .send()
        .await
        .expect("GET");

    // Assert
    let events = page["events"].as_array().expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["seq"], 2);
    assert_eq!(events[0]["body"]["message"]["call"]["id"], "call-b");
    assert_eq!(raw.text().await.expect("body"), status_update("call-a"));
    assert_eq!(calls.status(), 404, "only the events routes are there");
    server.abort();
}

#[tokio::test]
async fn every_metric_family_on_metrics_has_help_and_type_after_traffic() {
    // Arrange: traffic that touches ingest (stored, duplicate, rejected),
    // the writer, the projector and a live stream.
    let app = spawn_app().await;
    let stored = app.post(status_update("help-1")).await;
    let seq: i64 = stored.headers()["x-calltap-seq"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("a seq");
    app.post(status_update("help-1")).await;
    app.post("garbage").await;
    let stream = app.get("/api/v1/stream?after=0").await;
    assert_eq!(stream.status(), 200);
    drop(stream);
    let mut projected = 0;
    for _ in 0..200 {
        let calls = app.get("/api/v1/calls").await;
        projected = calls.headers()["x-calltap-projected-seq"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("a seq");
        if projected >= seq {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(projected >= seq, "the projector never reached {seq}");

    // Act
    let text = app.get("/metrics").await.text().await.expect("metrics");

    // Assert: what `promtool check metrics` checks of metadata.
    let problems = exposition_problems(&text);
    assert!(problems.is_empty(), "{problems:#?}\n{text}");
    assert!(text.contains("calltap_projection_position"), "{text}");
    // The projector computed on its background thread: a server's first
    // step always does (nothing is behind yet, nothing has starved).
    assert!(
        text.contains(r#"calltap_projection_steps_total{priority="background"}"#),
        "{text}"
    );
    assert!(text.contains("calltap_projection_lag_seqs"), "{text}");
}

/// What is wrong with a Prometheus text exposition's metadata: a sample
/// whose family has no `# HELP` (or an empty one) or no `# TYPE` before
/// it, a family described twice, a `# TYPE` that is not a known type.
fn exposition_problems(text: &str) -> Vec<String> {
    use std::collections::HashMap;
    let mut help: HashMap<&str, &str> = HashMap::new();
    let mut kind: HashMap<&str, &str> = HashMap::new();
    let mut problems = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, doc) = rest.split_once(' ').unwrap_or((rest, ""));
            if doc.trim().is_empty() {
                problems.push(format!("{name}: empty HELP"));
            }
            if help.insert(name, doc).is_some() {
                problems.push(format!("{name}: HELP twice"));
            }
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, t) = rest.split_once(' ').unwrap_or((rest, ""));
            if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&t) {
                problems.push(format!("{name}: unknown TYPE {t:?}"));
            }
            if kind.insert(name, t).is_some() {
                problems.push(format!("{name}: TYPE twice"));
            }
        } else if line.starts_with('#') {
            continue;
        } else {
            let name = line.split(['{', ' ']).next().unwrap_or(line);
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .filter_map(|suffix| name.strip_suffix(suffix))
                .find(|base| matches!(kind.get(base), Some(&"histogram") | Some(&"summary")))
                .unwrap_or(name);
            if !kind.contains_key(family) {
                problems.push(format!("{family}: sample without a TYPE before it"));
            }
            if !help.contains_key(family) {
                problems.push(format!("{family}: sample without a HELP"));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}
