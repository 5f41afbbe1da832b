//! `Content-Encoding` on ingest: gzip and deflate bodies are decompressed
//! (within the body limit) before anything else, signatures verify over the
//! decompressed bytes, the event body is the decompressed JSON and the
//! encoding is kept with it; anything else gets a clear refusal.

use std::io::Write;
use std::time::SystemTime;

use calltap_protocol::auth::{format_timestamp, SignInput, StandardWebhooksPlan, Verifier};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;

use crate::helpers::{db_path, spawn_app, spawn_app_with, status_update, TestApp};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

/// The headers kept with the event at `seq`, read from the database.
fn kept_headers(app: &TestApp, seq: &str) -> serde_json::Value {
    let conn = rusqlite::Connection::open(db_path(&app.dir)).expect("open");
    let text: String = conn
        .query_row("SELECT headers FROM events WHERE seq = ?1", [seq], |row| {
            row.get(0)
        })
        .expect("the event");
    serde_json::from_str(&text).expect("JSON headers")
}

async fn raw_event(app: &TestApp, seq: &str) -> Vec<u8> {
    let raw = app.get(&format!("/api/v1/events/{seq}/raw")).await;
    assert_eq!(raw.status(), 200);
    raw.bytes().await.expect("bytes").to_vec()
}

#[tokio::test]
async fn a_gzip_or_deflate_body_is_stored_decompressed_with_its_encoding_kept() {
    let app = spawn_app().await;
    for (encoding, id, compress) in [
        ("gzip", "gz", gzip as fn(&[u8]) -> Vec<u8>),
        ("x-gzip", "xgz", gzip),
        ("deflate", "zl", zlib),
        ("identity", "plain", |b: &[u8]| b.to_vec()),
    ] {
        let body = status_update(&format!("encoded-{id}"));

        let response = app
            .post_with(compress(body.as_bytes()), &[("content-encoding", encoding)])
            .await;

        assert_eq!(response.status(), 200, "{encoding}");
        let seq = response.headers()["x-calltap-seq"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert_eq!(raw_event(&app, &seq).await, body.as_bytes(), "{encoding}");
        assert_eq!(kept_headers(&app, &seq)["content-encoding"], encoding);
    }
    let calls = app.get_json("/api/v1/events?call_id=encoded-gz").await;
    assert_eq!(calls["events"][0]["type"], "status-update");
}

#[tokio::test]
async fn a_signature_verifies_over_the_decompressed_body() {
    let verifier = Verifier::from(StandardWebhooksPlan::new(
        "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=",
    ));
    let app = spawn_app_with({
        let verifier = verifier.clone();
        |c| c.auth.push(verifier)
    })
    .await;
    let body = status_update("signed-gzip");
    let timestamp = format_timestamp(SystemTime::now(), Default::default());
    let signed = verifier
        .sign(&SignInput {
            method: "POST",
            url: "",
            body: body.as_bytes(),
            timestamp: &timestamp,
            message_id: Some("msg_gz"),
        })
        .expect("sign");
    let mut headers: Vec<(String, String)> = signed
        .into_iter()
        .map(|(n, v)| (n.to_string(), v.to_str().expect("ascii").to_owned()))
        .collect();
    headers.push(("content-encoding".to_owned(), "gzip".to_owned()));
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();

    let response = app.post_with(gzip(body.as_bytes()), &pairs).await;

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_body_that_decompresses_past_the_limit_gets_413_and_is_not_stored() {
    let app = spawn_app_with(|c| c.body_limit = 64 * 1024).await;
    // A zip bomb: 32 MiB of one byte, about 32 KiB compressed.
    let bomb = gzip(&vec![b' '; 32 << 20]);
    assert!(bomb.len() < 64 * 1024);

    let response = app.post_with(bomb, &[("content-encoding", "gzip")]).await;

    assert_eq!(response.status(), 413);
    let answer: serde_json::Value = response.json().await.expect("JSON error");
    let reason = answer["error"].as_str().expect("reason");
    assert!(
        reason.contains("decompress") && reason.contains("65536"),
        "{answer}"
    );
    let quarantine = app.get_json("/api/v1/quarantine").await;
    assert_eq!(quarantine["quarantine"].as_array().expect("rows").len(), 0);
    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 0);
}

#[tokio::test]
async fn an_unknown_or_broken_encoding_is_refused_with_the_reason_and_quarantined() {
    let app = spawn_app().await;
    let body = status_update("refused-encoding");
    let cases: [(&str, Vec<u8>, u16, &str); 3] = [
        ("br", body.clone().into_bytes(), 415, "unsupported_encoding"),
        (
            "compress",
            body.clone().into_bytes(),
            415,
            "unsupported_encoding",
        ),
        ("gzip", b"not gzip at all".to_vec(), 400, "bad_encoding"),
    ];

    for (encoding, sent, status, kind) in &cases {
        let response = app
            .post_with(sent.clone(), &[("content-encoding", encoding)])
            .await;

        assert_eq!(response.status(), *status, "{encoding}");
        let answer: serde_json::Value = response.json().await.expect("JSON error");
        assert_eq!(answer["kind"], *kind, "{answer}");
        let reason = answer["error"].as_str().expect("reason");
        assert!(reason.contains(encoding), "{answer}");
        if *status == 415 {
            assert!(
                reason.contains("gzip") && reason.contains("deflate"),
                "{answer}"
            );
        }
    }
    let quarantine = app.get_json("/api/v1/quarantine").await;
    let rows = quarantine["quarantine"].as_array().expect("rows");
    assert_eq!(rows.len(), cases.len());
    for (row, (_, sent, _, kind)) in rows.iter().zip(&cases) {
        assert_eq!(row["kind"], *kind);
        let raw = app
            .get(&format!("/api/v1/quarantine/{}/raw", row["id"]))
            .await;
        assert_eq!(raw.bytes().await.expect("bytes").as_ref(), &sent[..]);
    }
    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 0);
}
