//! Ingest auth: each mode accepts the right credential and rejects the
//! rest with 401 and a reason that reveals no secret; failures are counted,
//! not quarantined.

use calltap::config::{BearerAuth, Secret};

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
    let app = spawn_app_with(|c| c.auth.vapi_secret = Some(Secret::new("s3cret-value"))).await;

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
async fn a_bearer_token_is_checked_with_a_custom_header_and_prefix() {
    let app = spawn_app_with(|c| {
        c.auth.bearer = Some(BearerAuth {
            token: Secret::new("tok-123"),
            header: "x-api-key".to_owned(),
            prefix: "Token ".to_owned(),
        })
    })
    .await;

    assert_rejected(&app, &[], &["tok-123"]).await;
    assert_rejected(&app, &[("x-api-key", "Token tok-12")], &["tok-123"]).await;
    assert_rejected(&app, &[("authorization", "Bearer tok-123")], &["tok-123"]).await;
    assert_nothing_kept(&app).await;

    for value in ["Token tok-123", "tok-123"] {
        let ok = app
            .post_with(status_update(value), &[("x-api-key", value)])
            .await;
        assert_eq!(ok.status(), 200, "{value}");
    }
}

#[tokio::test]
async fn with_several_checks_passing_any_one_is_enough() {
    let app = spawn_app_with(|c| {
        c.auth.vapi_secret = Some(Secret::new("vapi-s"));
        c.auth.bearer = Some(BearerAuth {
            token: Secret::new("bear-t"),
            header: "authorization".to_owned(),
            prefix: "Bearer ".to_owned(),
        });
    })
    .await;

    let by_secret = app
        .post_with(status_update("1"), &[("x-vapi-secret", "vapi-s")])
        .await;
    let by_bearer = app
        .post_with(status_update("2"), &[("authorization", "Bearer bear-t")])
        .await;

    assert_eq!(by_secret.status(), 200);
    assert_eq!(by_bearer.status(), 200);
    assert_rejected(
        &app,
        &[("x-vapi-secret", "nope"), ("authorization", "Bearer nope")],
        &["vapi-s", "bear-t"],
    )
    .await;
}

#[tokio::test]
async fn auth_failures_are_counted() {
    let app = spawn_app_with(|c| c.auth.vapi_secret = Some(Secret::new("x"))).await;
    app.post(status_update("unauth")).await;
    let text = app.get("/metrics").await.text().await.expect("metrics");
    assert!(
        text.contains("calltap_auth_failures_total{reason=\"missing_credentials\"}"),
        "{text}"
    );
}
