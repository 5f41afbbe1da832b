//! Ingest auth: each mode accepts the right credential and rejects the
//! rest with 401 and a reason that reveals no secret; failures are counted,
//! not quarantined.

use std::time::{Duration, SystemTime};

use calltap_protocol::auth::{
    format_timestamp, BearerPlan, HmacAlgorithm, HmacPlan, SignInput, StandardWebhooksPlan,
    TimestampFormat, VapiSecretPlan, Verifier,
};

use crate::helpers::{spawn_app_with, status_update, TestApp};

async fn assert_rejected(app: &TestApp, headers: &[(&str, &str)], secrets: &[&str]) {
    let response = app.post_with(status_update("rejected"), headers).await;
    assert_eq!(response.status(), 401, "{headers:?}");
    let answer: serde_json::Value = response.json().await.expect("JSON error");
    let text = answer.to_string();
    assert!(
        answer["error"].as_str().is_some_and(|r| !r.is_empty()),
        "{text}"
    );
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} revealed in {text}");
    }
}

async fn assert_nothing_kept(app: &TestApp) {
    let events = app.get_json("/api/v1/events").await;
    let quarantine = app.get_json("/api/v1/quarantine").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 0);
    assert_eq!(quarantine["quarantine"].as_array().expect("rows").len(), 0);
}

#[tokio::test]
async fn the_vapi_secret_header_is_checked() {
    let app = spawn_app_with(|c| c.auth.push(VapiSecretPlan::new("s3cret-value").into())).await;

    assert_rejected(&app, &[], &["s3cret-value"]).await;
    assert_rejected(
        &app,
        &[("x-vapi-secret", "s3cret-valuE")],
        &["s3cret-value"],
    )
    .await;
    assert_rejected(&app, &[("x-vapi-secret", "")], &["s3cret-value"]).await;
    assert_nothing_kept(&app).await;

    let ok = app
        .post_with(status_update("ok"), &[("x-vapi-secret", "s3cret-value")])
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_bearer_token_is_checked_in_a_custom_header_with_or_without_prefix() {
    let app = spawn_app_with(|c| {
        let mut plan = BearerPlan::new("tok-123");
        plan.header_name = "x-api-key".to_owned();
        c.auth.push(plan.into());
    })
    .await;

    assert_rejected(&app, &[], &["tok-123"]).await;
    assert_rejected(&app, &[("x-api-key", "Bearer tok-12")], &["tok-123"]).await;
    assert_rejected(&app, &[("authorization", "Bearer tok-123")], &["tok-123"]).await;
    assert_nothing_kept(&app).await;

    for value in ["Bearer tok-123", "tok-123"] {
        let ok = app
            .post_with(status_update(value), &[("x-api-key", value)])
            .await;
        assert_eq!(ok.status(), 200, "{value}");
    }
}

/// The headers `verifier` attaches to `body`, signed at `at`.
fn sign(verifier: &Verifier, body: &str, at: SystemTime, id: &str) -> Vec<(String, String)> {
    let timestamp = format_timestamp(at, TimestampFormat::default());
    verifier
        .sign(&SignInput {
            method: "POST",
            url: "http://unused/",
            body: body.as_bytes(),
            timestamp: &timestamp,
            message_id: Some(id),
        })
        .expect("sign")
        .into_iter()
        .map(|(n, v)| (n.to_string(), v.to_str().expect("ascii").to_owned()))
        .collect()
}

async fn post_signed(app: &TestApp, body: &str, headers: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    app.post_with(body.to_owned(), &pairs).await
}

#[tokio::test]
async fn an_hmac_signature_is_checked_and_the_message_id_it_signs_is_the_dedup_key() {
    let mut plan = HmacPlan::new("hmac-key-1", HmacAlgorithm::Sha256);
    plan.signature_prefix = Some("sha256=".to_owned());
    plan.message_id_header = Some("svix-id".to_owned());
    plan.payload_format = Some("{svix-id}.{timestamp}.{body}".to_owned());
    plan.tolerance_seconds = Some(300);
    let verifier = Verifier::from(plan);
    let app = spawn_app_with({
        let verifier = verifier.clone();
        |c| c.auth.push(verifier)
    })
    .await;
    let body = status_update("hmac");
    let now = SystemTime::now();

    let good = sign(&verifier, &body, now, "msg_a");
    let ok = post_signed(&app, &body, &good).await;
    let tampered = post_signed(&app, &body.replace("hmac", "hmaC"), &good).await;
    let stale = post_signed(
        &app,
        &body,
        &sign(&verifier, &body, now - Duration::from_secs(3600), "msg_b"),
    )
    .await;
    let again = post_signed(&app, &body, &sign(&verifier, &body, now, "msg_a")).await;

    assert_eq!(ok.status(), 200);
    assert_eq!(tampered.status(), 401);
    assert_eq!(stale.status(), 401);
    let stale: serde_json::Value = stale.json().await.expect("JSON");
    assert_eq!(stale["kind"], "timestamp_outside_tolerance");
    assert_eq!(again.headers()["x-calltap-duplicate"], "true");
    let page = app.get_json("/api/v1/events").await;
    assert_eq!(page["events"][0]["key"], "id:msg_a");
    assert_rejected(&app, &[], &["hmac-key-1"]).await;
}

#[tokio::test]
async fn a_standard_webhooks_signature_is_checked() {
    let verifier = Verifier::from(StandardWebhooksPlan::new(
        "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=",
    ));
    let app = spawn_app_with({
        let verifier = verifier.clone();
        |c| c.auth.push(verifier)
    })
    .await;
    let body = status_update("sw");

    let headers = sign(&verifier, &body, SystemTime::now(), "msg_sw");
    let ok = post_signed(&app, &body, &headers).await;
    let tampered = post_signed(&app, &status_update("sw2"), &headers).await;

    assert_eq!(ok.status(), 200);
    assert_eq!(tampered.status(), 401);
    assert_rejected(&app, &[("webhook-id", "x")], &["c2VjcmV0"]).await;
}

#[tokio::test]
async fn auth_failures_are_counted() {
    let app = spawn_app_with(|c| c.auth.push(VapiSecretPlan::new("x").into())).await;
    app.post(status_update("unauth")).await;
    let text = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        text.contains("calltap_auth_failures_total{reason=\"missing_header\"}"),
        "{text}"
    );
}

#[tokio::test]
async fn an_hmac_message_id_outside_the_signed_template_is_not_the_dedup_key() {
    // The default template signs `{timestamp}.{body}`: the id header rides
    // along unsigned, so it cannot be trusted to name the delivery.
    let mut plan = HmacPlan::new("hmac-key-2", HmacAlgorithm::Sha256);
    plan.message_id_header = Some("svix-id".to_owned());
    let verifier = Verifier::from(plan);
    let app = spawn_app_with({
        let verifier = verifier.clone();
        |c| c.auth.push(verifier)
    })
    .await;
    let (a, b) = (
        status_update("unsigned-id-a"),
        status_update("unsigned-id-b"),
    );
    let now = SystemTime::now();

    let first = post_signed(&app, &a, &sign(&verifier, &a, now, "msg_same")).await;
    let second = post_signed(&app, &b, &sign(&verifier, &b, now, "msg_same")).await;

    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    assert!(second.headers().get("x-calltap-duplicate").is_none());
    let page = app.get_json("/api/v1/events").await;
    let keys: Vec<&str> = page["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["key"].as_str().expect("key"))
        .collect();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.starts_with("b3:")), "{keys:?}");
}

#[tokio::test]
async fn a_signed_message_id_repeated_with_another_body_is_stored_and_flagged() {
    // Arrange: Standard Webhooks signs the id with the body.
    let verifier = Verifier::from(StandardWebhooksPlan::new(
        "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=",
    ));
    let app = spawn_app_with({
        let verifier = verifier.clone();
        |c| c.auth.push(verifier)
    })
    .await;
    let (a, b) = (status_update("conflict-a"), status_update("conflict-b"));
    let now = SystemTime::now();

    // Act: the id with one body, again (a redelivery), with another body,
    // and that other body again.
    let first = post_signed(&app, &a, &sign(&verifier, &a, now, "msg_reused")).await;
    let redelivered = post_signed(&app, &a, &sign(&verifier, &a, now, "msg_reused")).await;
    let other = post_signed(&app, &b, &sign(&verifier, &b, now, "msg_reused")).await;
    let other_again = post_signed(&app, &b, &sign(&verifier, &b, now, "msg_reused")).await;

    // Assert
    assert_eq!(first.status(), 200);
    assert_eq!(redelivered.headers()["x-calltap-duplicate"], "true");
    assert_eq!(other.status(), 200);
    assert!(other.headers().get("x-calltap-duplicate").is_none());
    let first_seq = first.headers()["x-calltap-seq"].clone();
    assert_eq!(other.headers()["x-calltap-id-conflict"], first_seq);
    assert_eq!(other_again.headers()["x-calltap-duplicate"], "true");
    assert_eq!(
        other_again.headers()["x-calltap-seq"],
        other.headers()["x-calltap-seq"]
    );
    let page = app.get_json("/api/v1/events").await;
    let events = page["events"].as_array().expect("events");
    assert_eq!(events.len(), 2, "{page}");
    assert_eq!(events[0]["key"], "id:msg_reused");
    assert_eq!(events[0]["conflicts_with"], serde_json::Value::Null);
    assert!(events[1]["key"].as_str().expect("key").starts_with("b3:"));
    assert_eq!(
        events[1]["conflicts_with"].to_string(),
        first_seq.to_str().expect("ascii")
    );
    assert_eq!(events[1]["body"]["message"]["call"]["id"], "conflict-b");
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        metrics.contains("calltap_dedup_conflicts_total"),
        "{metrics}"
    );
}
