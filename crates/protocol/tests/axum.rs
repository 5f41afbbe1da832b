//! The axum extractor (`calltap_protocol::axum`) on a real server and port:
//! each credential scheme, the limits, and refusals that answer what
//! `calltap serve` answers (status, `kind`, `error`).

use std::time::SystemTime;

use axum::routing;
use axum::{Json, Router};
use calltap_protocol::auth::{
    format_timestamp, BearerPlan, HmacPlan, SignInput, StandardWebhooksPlan, TimestampFormat,
    VapiSecretPlan, Verifier,
};
use calltap_protocol::axum::{Receiver, Vapi};
use calltap_protocol::model::{Envelope, ServerMessage};
use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};
use serde_json::{json, Value};

/// Answers tool calls, and echoes every other message's type and the scheme
/// that accepted it.
async fn webhook(vapi: Vapi) -> axum::response::Response {
    use axum::response::IntoResponse;
    let scheme = vapi.verified.as_ref().map(|v| v.scheme.as_str());
    match vapi.message {
        ServerMessage::ToolCalls(message) => {
            ToolCallsResponse::for_each_call(&message, |call| ToolCallResult::success(call, "ok"))
                .into_response()
        }
        other => Json(json!({"type": other.message_type(), "scheme": scheme})).into_response(),
    }
}

/// The envelope view keeps the body's key order.
async fn echo(vapi: Vapi<Envelope>) -> Json<Value> {
    Json(vapi.message.to_value().expect("serialises"))
}

/// Serves `receiver` on a free port; returns the webhook URL.
async fn serve(receiver: Receiver) -> String {
    let app = Router::new()
        .route("/vapi", routing::post(webhook))
        .route("/echo", routing::post(echo))
        .with_state(receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/vapi")
}

fn body(file: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/messages/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("a message body")
}

/// Headers signed by `verifier` for a POST of `body` to `url`.
fn signed(verifier: &Verifier, url: &str, body: &[u8]) -> reqwest::header::HeaderMap {
    let timestamp = format_timestamp(SystemTime::now(), TimestampFormat::Seconds);
    let input = SignInput {
        method: "POST",
        url,
        body,
        timestamp: &timestamp,
        message_id: Some("msg_1"),
    };
    verifier.sign(&input).expect("signs").into_iter().collect()
}

async fn post(url: &str, headers: reqwest::header::HeaderMap, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("answers")
}

async fn refusal(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let answer: Value = response.json().await.expect("JSON");
    let field = |key: &str| answer[key].as_str().unwrap_or_default().to_owned();
    (status, field("kind"), field("error"))
}

fn schemes() -> Vec<Verifier> {
    vec![
        VapiSecretPlan::new("s3cret").into(),
        BearerPlan::new("t0ken").into(),
        serde_json::from_value::<HmacPlan>(json!({"secretKey": "hm4c-key", "algorithm": "sha256", "signatureHeader": "x-signature"}))
            .expect("an HMAC plan")
            .into(),
        StandardWebhooksPlan::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").into(),
    ]
}

#[tokio::test]
async fn each_scheme_alone_accepts_its_signed_delivery_and_says_which_it_was() {
    for verifier in schemes() {
        let url = serve(Receiver::new([verifier.clone()])).await;
        let body = body("hang.json");
        let response = post(&url, signed(&verifier, &url, &body), body).await;
        assert_eq!(response.status(), 200, "{:?}", verifier.scheme());
        let answer: Value = response.json().await.expect("JSON");
        assert_eq!(
            answer,
            json!({"type": "hang", "scheme": verifier.scheme().as_str()})
        );
    }
}

#[tokio::test]
async fn a_tool_call_answer_is_returned_as_json() {
    let verifier: Verifier = VapiSecretPlan::new("s3cret").into();
    let url = serve(Receiver::new([verifier.clone()])).await;
    let body = body("tool-calls.json");
    let response = post(&url, signed(&verifier, &url, &body), body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(answer["results"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_delivery_with_no_credential_hears_every_configured_scheme_with_a_401() {
    let url = serve(Receiver::new(schemes())).await;
    let response = post(&url, Default::default(), body("hang.json")).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (status, kind, error) = refusal(response).await;
    assert_eq!((status, kind.as_str()), (401, "missing_header"));
    assert!(
        error.ends_with(
            "(no credential of any configured scheme: vapi-secret, bearer, hmac, standard-webhooks)"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_a_mismatch() {
    let url = serve(Receiver::new([VapiSecretPlan::new("s3cret")])).await;
    let wrong: Verifier = VapiSecretPlan::new("guess").into();
    let body = body("hang.json");
    let response = post(&url, signed(&wrong, &url, &body), body).await;
    assert_eq!(
        refusal(response).await,
        (
            401,
            "mismatch".to_owned(),
            "credential or signature does not match".to_owned()
        )
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_a_deep_one_400_too_deep() {
    let receiver = Receiver::without_authentication()
        .with_body_limit(1024)
        .with_max_depth(8);
    let url = serve(receiver).await;
    let (status, kind, error) =
        refusal(post(&url, Default::default(), vec![b' '; 4096]).await).await;
    assert_eq!((status, kind.as_str()), (413, "too_large"));
    assert_eq!(error, "body is larger than the limit of 1024 bytes");

    let deep = format!("{{\"message\":{}{}}}", "[".repeat(8), "]".repeat(8));
    let (status, kind, error) =
        refusal(post(&url, Default::default(), deep.into_bytes()).await).await;
    assert_eq!((status, kind.as_str()), (400, "too_deep"));
    assert_eq!(error, "JSON nesting deeper than 8 levels (at byte 18)");
}

#[tokio::test]
async fn a_body_that_is_not_a_server_message_is_400_with_the_parse_errors_kind() {
    let url = serve(Receiver::without_authentication()).await;
    let cases: [(&[u8], &str); 4] = [
        (b"", "empty_body"),
        (b"{\"message\": ", "truncated_json"),
        (b"[1]", "wrong_root_type"),
        (
            b"{\"message\": {\"type\": \"status-update\", \"status\": 7}}",
            "invalid_field",
        ),
    ];
    for (bad, expected) in cases {
        let (status, kind, error) =
            refusal(post(&url, Default::default(), bad.to_vec()).await).await;
        assert_eq!((status, kind.as_str()), (400, expected), "{error}");
        assert!(!error.is_empty());
    }
}

#[tokio::test]
async fn a_receiver_with_no_verifiers_refuses_as_misconfigured_without_detail() {
    let url = serve(Receiver::new(Vec::<Verifier>::new())).await;
    let response = post(&url, Default::default(), body("hang.json")).await;
    assert_eq!(
        refusal(response).await,
        (500, "internal".to_owned(), "internal error".to_owned())
    );
}

#[tokio::test]
async fn the_envelope_view_serialises_back_to_the_body_in_its_key_order() {
    let url = serve(Receiver::without_authentication()).await;
    let url = url.replace("/vapi", "/echo");
    let body = body("assistant.speechStarted.json");
    let response = post(&url, Default::default(), body.clone()).await;
    let echoed = response.text().await.expect("text");
    let input: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(echoed, input.to_string());
}
