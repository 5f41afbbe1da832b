//! The proof of the simulator against calltap itself: `calltap simulate
//! --to` a `calltap serve` started by the test, then every call's state, as
//! calltap rebuilds it from the events it serves, equals the simulator's
//! truth.

use std::collections::HashMap;

use calltap::calls::{convert, CallEvent, CallState};
use calltap_protocol::auth::{HmacAlgorithm, HmacPlan};
use calltap_protocol::model::Envelope;
use serde_json::Value;

use crate::helpers::spawn_app_with;

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

    // The served events, converted by the one converter, projected by
    // calls/: the same path the call API takes.
    let events = served_events(&app.base, &app.client).await;
    assert_eq!(
        events.len() as u64,
        deliveries,
        "every delivery stored once"
    );
    let mut by_call: HashMap<String, Vec<CallEvent>> = HashMap::new();
    for e in &events {
        let envelope = Envelope::from_value(e["body"].clone()).expect("a stored envelope");
        let seq = e["seq"].as_i64().expect("seq");
        let received_at = e["received_at"].as_i64().expect("received_at");
        let id = convert::call_id(&envelope.message)
            .expect("a call id")
            .to_owned();
        by_call.entry(id).or_default().push(convert::call_event(
            seq,
            received_at,
            &envelope.message,
        ));
    }
    assert_eq!(by_call.len(), truth.len());
    for call in &truth {
        let id = call["id"].as_str().expect("an id");
        let detail = CallState::from_events(id, &by_call[id]).detail();
        let served = serde_json::to_value(&detail).expect("serialises");
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
            assert_eq!(served[field], call[field], "call {id}, field {field}");
        }
        for metric in [
            "turn_count",
            "interruptions_by_user",
            "interruptions_by_assistant",
        ] {
            assert_eq!(
                served["metrics"][metric], call["metrics"][metric],
                "call {id}, metric {metric}"
            );
        }
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
    let (target_url, recorded) = crate::sim::start_recorder(std::time::Duration::ZERO).await;
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
