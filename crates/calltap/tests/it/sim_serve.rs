//! The proof of the simulator against calltap itself: `calltap simulate
//! --to` a `calltap serve` started by the test, then every call's state, as
//! calltap serves it at `GET /api/v1/calls/{id}`, equals the simulator's
//! truth.

use calltap_protocol::auth::{HmacAlgorithm, HmacPlan};
use serde_json::Value;

use crate::helpers::spawn_app_with;
use crate::sim::assert_matches_truth;

/// Every event the server holds, through `GET /api/v1/events`, page by page.
async fn served_events(base: &str, client: &reqwest::Client) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after: Option<i64> = None;
    loop {
        let url = match after {
            Some(a) => format!("{base}/api/v1/events?limit=1000&after={a}"),
            None => format!("{base}/api/v1/events?limit=1000"),
        };
        let page: Value = client
            .get(url)
            .send()
            .await
            .expect("GET events")
            .json()
            .await
            .expect("JSON");
        out.extend(page["events"].as_array().cloned().unwrap_or_default());
        match page["next"].as_i64() {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulated_calls_sent_to_calltap_serve_are_all_acked_and_their_state_equals_the_truth() {
    // Arrange: a server that requires the same HMAC secret the simulator
    // signs with, so every accepted delivery was verified.
    let secret = "e2e-hmac-secret";
    let app = spawn_app_with(|c| {
        c.auth
            .push(HmacPlan::new(secret, HmacAlgorithm::Sha256).into());
    })
    .await;
    let truth_path = app.dir.path().join("truth.json");

    // Act
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args([
            "simulate",
            "--to",
            &format!("{}/", app.base),
            "--calls",
            "40",
            "--concurrency",
            "20",
            "--max-speed",
            "--seed",
            "2026",
            "--transfer-updates",
            "--transfer-rate",
            "0.4",
            "--interruption-rate",
            "0.3",
            "--hmac-secret",
            secret,
            "--truth",
            truth_path.to_str().expect("utf-8 path"),
            "--no-progress",
        ])
        .output()
        .await
        .expect("calltap simulate runs");

    // Assert: every delivery acked.
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let truth: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&truth_path).expect("truth written"))
            .expect("truth is JSON");
    let deliveries: u64 = truth
        .iter()
        .map(|t| t["deliveries"].as_u64().expect("a count"))
        .sum();
    assert!(
        stdout.contains(&format!(
            "{deliveries} sent, {deliveries} acked (2xx), 0 failed"
        )),
        "{stdout}"
    );

    // Every delivery stored once.
    let events = served_events(&app.base, &app.client).await;
    assert_eq!(
        events.len() as u64,
        deliveries,
        "every delivery stored once"
    );
    let last_seq = events
        .iter()
        .filter_map(|e| e["seq"].as_i64())
        .max()
        .expect("events were stored");

    // The call API, once the projector has caught up with the log, serves
    // for every call exactly the simulator's truth.
    wait_for_projection(&app.base, &app.client, last_seq).await;
    let listed: Value = app.get_json("/api/v1/calls?limit=1000").await;
    assert_eq!(
        listed["calls"].as_array().map(Vec::len),
        Some(truth.len()),
        "one call per simulated call"
    );
    for call in &truth {
        let id = call["id"].as_str().expect("an id");
        let served = app.get_json(&format!("/api/v1/calls/{id}")).await;
        assert_matches_truth(&served, call);
    }
}

/// Waits (bounded) until the call projections cover the log up to `seq`, as
/// the call API reports it in `x-calltap-projected-seq`.
async fn wait_for_projection(base: &str, client: &reqwest::Client, seq: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let response = client
            .get(format!("{base}/api/v1/calls?limit=1"))
            .send()
            .await
            .expect("GET calls");
        let projected = response
            .headers()
            .get("x-calltap-projected-seq")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        if projected >= seq {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "projections stuck at seq {projected}, log at {seq}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_from_the_serve_database_resends_every_stored_body_byte_exact() {
    // Arrange: a served log of 6 simulated calls, and the same calls as a file.
    let app = spawn_app_with(|_| {}).await;
    let file = app.dir.path().join("calls.jsonl");
    let file = file.to_str().expect("utf-8 path").to_owned();
    let simulate = tokio::process::Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args([
            "simulate",
            "--to",
            &format!("{}/", app.base),
            "--calls",
            "6",
        ])
        .args([
            "--max-speed",
            "--seed",
            "8",
            "--out",
            &file,
            "--no-progress",
        ])
        .output()
        .await
        .expect("calltap simulate runs");
    assert!(simulate.status.success());
    let (target_url, recorded) = crate::sim::start_recorder(crate::sim::Answer::Now).await;
    let db = crate::helpers::db_path(&app.dir);

    // Act
    let replay = tokio::process::Command::new(env!("CARGO_BIN_EXE_calltap"))
        .args(["replay", "--to", &target_url, "--db"])
        .arg(&db)
        .args(["--vapi-secret", "s3cret", "--no-progress"])
        .output()
        .await
        .expect("calltap replay runs");

    // Assert: the very bytes of the file, all of them, each signed.
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let mut sent: Vec<Vec<u8>> = std::fs::read(&file)
        .expect("the file")
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let requests = recorded.requests.lock().expect("not poisoned").clone();
    assert!(requests
        .iter()
        .all(|(h, _)| h.get("x-vapi-secret").is_some_and(|v| v == "s3cret")));
    let mut received: Vec<Vec<u8>> = requests.into_iter().map(|(_, b)| b.to_vec()).collect();
    sent.sort();
    received.sort();
    assert_eq!(received.len(), sent.len());
    assert!(
        received == sent,
        "replayed bodies differ from what was stored"
    );
}
