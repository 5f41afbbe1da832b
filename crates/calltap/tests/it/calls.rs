//! Call state over HTTP: the projection equals a rebuild and equals
//! `CallState::from_events` over each call's events; the list's filters,
//! order and cursor; stats; the per-call events page.

use std::collections::BTreeMap;

use calltap::calls::{self, CallState, CallSummary, FleetQuery, GroupBy};
use calltap_protocol::model::Envelope;
use serde_json::Value;

use crate::helpers::{corpus, db_path, spawn_app_in, spawn_app_with, status_update, TestApp};

/// A deterministic shuffle (xorshift), so a failure reproduces.
fn shuffled<T>(mut items: Vec<T>, mut seed: u64) -> Vec<T> {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    items
}

/// POSTs every body, 8 at a time; returns the highest seq acknowledged.
pub async fn post_all(app: &TestApp, bodies: Vec<Vec<u8>>) -> i64 {
    let mut max = 0;
    for chunk in bodies.chunks(8) {
        let responses =
            futures_util::future::join_all(chunk.iter().map(|b| app.post(b.clone()))).await;
        for response in responses {
            assert_eq!(response.status(), 200);
            let seq = response.headers()["x-calltap-seq"]
                .to_str()
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .expect("a seq header");
            max = max.max(seq);
        }
    }
    max
}

/// Waits until the projections cover the log up to `seq`.
pub async fn wait_projected(app: &TestApp, seq: i64) {
    for _ in 0..500 {
        let response = app.get("/api/v1/calls?limit=1").await;
        let projected = response.headers()["x-calltap-projected-seq"]
            .to_str()
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .expect("a projected-seq header");
        if projected >= seq {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the projector did not reach seq {seq}");
}

/// Every call of the list, following the cursor with pages of `limit`.
async fn all_calls(app: &TestApp, query: &str, limit: u32) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/calls?limit={limit}&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = app.get_json(&path).await;
        out.extend(page["calls"].as_array().expect("calls").iter().cloned());
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return out,
        }
    }
}

/// Every call's served detail, by id.
async fn details(app: &TestApp) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for call in all_calls(app, "", 5).await {
        let id = call["id"].as_str().expect("id").to_owned();
        let detail = app.get_json(&format!("/api/v1/calls/{id}")).await;
        out.insert(id, detail);
    }
    out
}

/// The call's events as served, folded by the pure domain.
async fn recomputed(app: &TestApp, id: &str) -> Value {
    let mut events = Vec::new();
    let mut after = 0;
    loop {
        let page = app
            .get_json(&format!(
                "/api/v1/calls/{id}/events?after={after}&limit=100"
            ))
            .await;
        for event in page["events"].as_array().expect("events") {
            let body = serde_json::to_vec(&event["body"]).expect("body");
            let envelope = Envelope::from_slice(&body).expect("a sample body parses");
            let seq = event["seq"].as_i64().expect("seq");
            let received_at = event["received_at"].as_i64().expect("received_at");
            events.push(calls::convert::call_event(
                calltap::ids::Seq::new(seq),
                received_at,
                &envelope.message,
            ));
        }
        match page["next"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    serde_json::to_value(CallState::from_events(id, &events).detail()).expect("detail JSON")
}

#[tokio::test]
async fn the_incremental_projection_equals_a_rebuild_and_the_pure_fold_of_each_call() {
    // Arrange: the corpus, shuffled, with every fifth body sent twice.
    let app = spawn_app_with(|c| c.durability = calltap::config::Durability::Normal).await;
    let mut bodies = corpus();
    let again: Vec<Vec<u8>> = bodies.iter().step_by(5).cloned().collect();
    bodies.extend(again);
    let last = post_all(&app, shuffled(bodies, 0x9e37_79b9_7f4a_7c15)).await;
    wait_projected(&app, last).await;

    // Act: read every call, then rebuild and read them again.
    let incremental = details(&app).await;
    let mut folded = BTreeMap::new();
    for id in incremental.keys() {
        folded.insert(id.clone(), recomputed(&app, id).await);
    }
    let dir = app.stop().await;
    let (events, seq) = calltap::cli::rebuild::rebuild(&db_path(&dir)).expect("rebuild");
    let app = spawn_app_in(dir, |_| {}).await;
    let rebuilt = details(&app).await;

    // Assert
    assert_eq!(incremental.len(), 12, "the sample has 12 calls");
    assert_eq!(seq, last);
    assert_eq!(events, last as u64, "the rebuild read the whole log");
    assert_eq!(incremental, folded, "the projector adds nothing of its own");
    assert_eq!(incremental, rebuilt, "rebuild equals incremental");
    let total: u64 = incremental
        .values()
        .map(|d| d["event_count"].as_u64().expect("event_count"))
        .sum();
    assert!(total > 0 && total <= last as u64);
}

#[tokio::test]
async fn the_list_is_newest_first_filters_and_pages_and_rejects_bad_input() {
    let app = spawn_app_with(|c| c.durability = calltap::config::Durability::Normal).await;
    let last = post_all(&app, corpus()).await;
    wait_projected(&app, last).await;

    let all = all_calls(&app, "", 1000).await;
    let paged = all_calls(&app, "", 5).await;
    assert_eq!(all, paged, "paging with the cursor yields the same list");
    let time = |c: &Value| {
        c["started_at"]
            .as_i64()
            .or(c["first_event_at"].as_i64())
            .expect("a time")
    };
    assert!(
        all.windows(2).all(|w| time(&w[0]) >= time(&w[1])),
        "newest first"
    );

    let first = &all[0];
    let name = first["assistant"]["name"].as_str().expect("assistant name");
    let by_name = all_calls(&app, &format!("assistant={name}"), 3).await;
    assert!(!by_name.is_empty());
    assert!(by_name.iter().all(|c| c["assistant"]["name"] == name));
    if let Some(id) = first["assistant"]["id"].as_str() {
        let by_id = all_calls(&app, &format!("assistant={id}"), 3).await;
        assert!(by_id.iter().all(|c| c["assistant"]["id"] == id));
        assert!(by_id.iter().any(|c| c["id"] == first["id"]));
    }
    let ended = all_calls(&app, "status=ended", 3).await;
    let expected_ended = all.iter().filter(|c| c["status"] == "ended").count();
    assert_eq!(ended.len(), expected_ended);
    let reason = all
        .iter()
        .find_map(|c| c["ended_reason"].as_str())
        .expect("an ended reason");
    let by_reason = all_calls(&app, &format!("ended_reason={reason}"), 3).await;
    assert!(!by_reason.is_empty());
    assert!(by_reason.iter().all(|c| c["ended_reason"] == reason));

    // since is inclusive, until exclusive; epoch ms and RFC 3339 agree.
    let t = time(first);
    let rfc = chrono::DateTime::from_timestamp_millis(t)
        .expect("a time")
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let from_ms = all_calls(&app, &format!("since={t}"), 100).await;
    let from_rfc = all_calls(&app, &format!("since={}", rfc.replace('+', "%2B")), 100).await;
    assert_eq!(from_ms, from_rfc);
    assert!(from_ms.iter().any(|c| c["id"] == first["id"]));
    let before = all_calls(&app, &format!("until={t}"), 100).await;
    assert!(before.iter().all(|c| time(c) < t));
    assert_eq!(before.len() + from_ms.len(), all.len());

    for query in [
        "cursor=not-a-cursor",
        "since=yesterday",
        "until=2025-13-01",
        "limit=0",
        "statuss=ended",
    ] {
        let response = app.get(&format!("/api/v1/calls?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
    }
    assert_eq!(app.get("/api/v1/calls/no-such-call").await.status(), 404);
}

#[tokio::test]
async fn stats_are_fleet_stats_over_the_listed_summaries() {
    let app = spawn_app_with(|c| c.durability = calltap::config::Durability::Normal).await;
    let last = post_all(&app, corpus()).await;
    wait_projected(&app, last).await;
    let summaries: Vec<CallSummary> = all_calls(&app, "", 1000)
        .await
        .into_iter()
        .map(|c| serde_json::from_value(c).expect("a summary"))
        .collect();

    for (group_by, name) in [(GroupBy::Assistant, "assistant"), (GroupBy::Day, "day")] {
        let served = app
            .get_json(&format!(
                "/api/v1/stats?group_by={name}&since=0&until=4102444800000"
            ))
            .await;
        let expected = calls::fleet_stats(
            &summaries,
            &FleetQuery {
                from_ms: 0,
                to_ms: 4_102_444_800_000,
                group_by,
            },
        );
        assert_eq!(
            served,
            serde_json::to_value(&expected).expect("JSON"),
            "{name}"
        );
        assert_eq!(served["total"]["calls"], 12);
    }
    assert_eq!(app.get("/api/v1/stats?group_by=week").await.status(), 400);
}

#[tokio::test]
async fn a_calls_events_page_is_the_event_logs_page_for_that_call() {
    let app = spawn_app_with(|c| c.durability = calltap::config::Durability::Normal).await;
    for body in [status_update("c-a"), status_update("c-b")] {
        assert_eq!(app.post(body).await.status(), 200);
    }
    let speech = r#"{"message":{"type":"speech-update","role":"user","status":"started","turn":0,"timestamp":1750314426000,"call":{"id":"c-a"}}}"#;
    assert_eq!(app.post(speech).await.status(), 200);

    let by_call = app.get_json("/api/v1/calls/c-a/events?limit=1").await;
    let by_filter = app.get_json("/api/v1/events?call_id=c-a&limit=1").await;
    assert_eq!(by_call, by_filter);
    assert_eq!(by_call["events"].as_array().map(Vec::len), Some(1));
    let rest = app
        .get_json(&format!(
            "/api/v1/calls/c-a/events?after={}",
            by_call["next"]
        ))
        .await;
    assert_eq!(rest["events"][0]["type"], "speech-update");
    assert!(rest["next"].is_null());
    assert_eq!(
        app.get("/api/v1/calls/c-a/events?after=x").await.status(),
        400
    );
}

#[tokio::test]
async fn the_openapi_document_is_served_without_the_api_token() {
    let app = spawn_app_with(|c| c.api_token = Some(calltap::config::Secret::new("tok"))).await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let served = response.text().await.expect("body");
    assert_eq!(served, calltap::api::openapi::document());
    assert_eq!(app.get("/api/v1/calls").await.status(), 401);
}
