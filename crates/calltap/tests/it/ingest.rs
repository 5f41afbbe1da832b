//! The ingest path: store, dedup, bad input, limits, restart.

use crate::helpers::{corpus, spawn_app, spawn_app_in, spawn_app_with, status_update};

#[tokio::test]
async fn every_corpus_delivery_is_stored_and_reads_back_byte_identical() {
    // Arrange
    let app = spawn_app().await;
    let bodies: Vec<Vec<u8>> = corpus().into_iter().step_by(16).collect();

    // Act
    let mut seqs = Vec::new();
    for body in &bodies {
        let response = app.post(body.clone()).await;
        assert_eq!(response.status(), 200);
        let seq = response.headers()["x-calltap-seq"]
            .to_str()
            .expect("seq")
            .to_owned();
        assert_eq!(response.text().await.expect("body"), "{}");
        seqs.push(seq);
    }

    // Assert
    for (seq, body) in seqs.iter().zip(&bodies) {
        let raw = app.get(&format!("/api/v1/events/{seq}/raw")).await;
        assert_eq!(raw.status(), 200);
        assert_eq!(raw.headers()["content-type"], "application/json");
        assert_eq!(raw.bytes().await.expect("bytes").as_ref(), &body[..]);
    }
}

#[tokio::test]
async fn a_redelivery_is_acknowledged_and_stored_once() {
    let app = spawn_app().await;
    let body = status_update("call-redelivered");

    let first = app.post(body.clone()).await;
    let second = app.post(body.clone()).await;

    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["x-calltap-duplicate"], "true");
    assert_eq!(
        first.headers()["x-calltap-seq"],
        second.headers()["x-calltap-seq"]
    );
    let page = app.get_json("/api/v1/events").await;
    assert_eq!(page["events"].as_array().expect("events").len(), 1);
}

#[tokio::test]
async fn a_message_id_header_no_signature_covers_does_not_decide_dedup() {
    // No check verifies the `webhook-id` here, so anyone could send an id
    // already seen with another body: the key is each body's hash.
    let app = spawn_app().await;

    let a = app
        .post_with(status_update("a"), &[("webhook-id", "msg_1")])
        .await;
    let b = app
        .post_with(status_update("b"), &[("webhook-id", "msg_1")])
        .await;
    let b_again = app
        .post_with(status_update("b"), &[("webhook-id", "msg_1")])
        .await;

    assert_eq!(a.status(), 200);
    assert_eq!(b.status(), 200);
    assert!(b.headers().get("x-calltap-duplicate").is_none());
    assert_eq!(b_again.headers()["x-calltap-duplicate"], "true");
    let page = app.get_json("/api/v1/events").await;
    let events = page["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    for event in events {
        assert!(
            event["key"].as_str().expect("key").starts_with("b3:"),
            "{event}"
        );
        assert_eq!(event["conflicts_with"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn each_class_of_bad_input_gets_400_with_its_reason_and_is_quarantined() {
    let app = spawn_app().await;
    let cases: [(&[u8], &str); 7] = [
        (b"", "empty_body"),
        (b"hello", "not_json"),
        (b"{\"message\": {\"type\": \"status", "truncated_json"),
        (b"[1, 2]", "wrong_root_type"),
        (b"{\"msg\": {}}", "missing_message"),
        (b"{\"message\": {\"status\": \"ended\"}}", "missing_type"),
        (b"\xff\xfe{}", "not_json"),
    ];

    for (body, kind) in cases {
        let response = app.post(body.to_vec()).await;
        assert_eq!(response.status(), 400, "{kind}");
        let answer: serde_json::Value = response.json().await.expect("JSON error");
        assert_eq!(answer["kind"], kind, "{answer}");
        assert!(!answer["error"].as_str().expect("reason").is_empty());
    }

    let quarantine = app.get_json("/api/v1/quarantine").await;
    let rows = quarantine["quarantine"].as_array().expect("rows");
    assert_eq!(rows.len(), cases.len());
    for (row, (body, kind)) in rows.iter().zip(cases) {
        assert_eq!(row["kind"], kind);
        assert!(!row["reason"].as_str().expect("reason").is_empty());
        let raw = app
            .get(&format!("/api/v1/quarantine/{}/raw", row["id"]))
            .await;
        assert_eq!(raw.bytes().await.expect("bytes").as_ref(), body);
    }
    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 0);
}

#[tokio::test]
async fn a_get_on_an_ingest_path_gets_405_saying_to_post_there() {
    let app = spawn_app().await;

    for path in ["/", "/webhook"] {
        let response = app.get(path).await;

        assert_eq!(response.status(), 405, "{path}");
        assert_eq!(response.headers()["allow"], "POST", "{path}");
        let answer: serde_json::Value = response.json().await.expect("JSON error");
        assert_eq!(answer["kind"], "method_not_allowed", "{answer}");
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|e| e.contains("POST Vapi server messages")),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_naming_the_limit_and_is_not_stored() {
    let app = spawn_app_with(|c| c.body_limit = 1000).await;
    let body = format!(
        r#"{{"message":{{"type":"x","pad":"{}"}}}}"#,
        "a".repeat(2000)
    );

    let response = app.post(body).await;

    assert_eq!(response.status(), 413);
    let answer: serde_json::Value = response.json().await.expect("JSON error");
    assert!(
        answer["error"].as_str().expect("reason").contains("1000"),
        "{answer}"
    );
    let quarantine = app.get_json("/api/v1/quarantine").await;
    assert_eq!(quarantine["quarantine"].as_array().expect("rows").len(), 0);
}

#[tokio::test]
async fn json_nested_deeper_than_the_limit_gets_400_and_is_quarantined() {
    let app = spawn_app().await;
    let body = format!(
        r#"{{"message":{{"type":"status-update","x":{}{}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );

    let response = app.post(body).await;

    assert_eq!(response.status(), 400);
    let answer: serde_json::Value = response.json().await.expect("JSON error");
    assert_eq!(answer["kind"], "too_deep");
    assert!(
        answer["error"].as_str().expect("reason").contains("128"),
        "{answer}"
    );
    let quarantine = app.get_json("/api/v1/quarantine?kind=too_deep").await;
    assert_eq!(quarantine["quarantine"].as_array().expect("rows").len(), 1);
}

#[tokio::test]
async fn types_that_expect_a_response_get_an_empty_object_for_now() {
    let app = spawn_app().await;
    for kind in [
        "assistant-request",
        "tool-calls",
        "transfer-destination-request",
    ] {
        let body = format!(r#"{{"message":{{"type":"{kind}","call":{{"id":"c"}}}}}}"#);
        let response = app.post(body).await;
        assert_eq!(response.status(), 200, "{kind}");
        assert_eq!(response.text().await.expect("body"), "{}");
    }
}

#[tokio::test]
async fn every_configured_path_accepts_and_others_do_not() {
    let app =
        spawn_app_with(|c| c.ingest_paths = vec!["/webhook".into(), "/vapi/events".into()]).await;
    for (path, expected) in [("/webhook", 200), ("/vapi/events", 200), ("/", 404)] {
        let response = app
            .client
            .post(format!("{}{path}", app.base))
            .body(status_update(path))
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), expected, "{path}");
    }
}

#[tokio::test]
async fn a_restart_keeps_every_event_and_quarantined_body() {
    let app = spawn_app().await;
    for i in 0..20 {
        assert_eq!(
            app.post(status_update(&format!("c{i}"))).await.status(),
            200
        );
    }
    assert_eq!(app.post("nope").await.status(), 400);
    let dir = app.stop().await;

    let app = spawn_app_in(dir, |_| {}).await;

    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 20);
    let quarantine = app.get_json("/api/v1/quarantine").await;
    assert_eq!(quarantine["quarantine"].as_array().expect("rows").len(), 1);
    // And redelivery after the restart is still recognised.
    let again = app.post(status_update("c3")).await;
    assert_eq!(again.headers()["x-calltap-duplicate"], "true");
}

#[tokio::test]
async fn dry_run_answers_200_and_stores_nothing() {
    let app = spawn_app_with(|c| c.dry_run = true).await;

    let response = app.post(status_update("dry")).await;

    assert_eq!(response.status(), 200);
    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 0);
}
