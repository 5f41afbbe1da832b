//! The content-addressed body store seen from outside: whatever pieces a
//! body is cut into, the API gives back the bytes that were posted.

use serde_json::value::RawValue;

use crate::helpers::{corpus, spawn_app, spawn_app_in, TestApp};

/// Posts `body`, asserts 200, returns its seq.
async fn post_seq(app: &TestApp, body: Vec<u8>) -> i64 {
    let response = app.post(body).await;
    assert_eq!(response.status(), 200);
    response.headers()["x-calltap-seq"]
        .to_str()
        .expect("seq header")
        .parse()
        .expect("numeric seq")
}

async fn raw(app: &TestApp, seq: i64) -> Vec<u8> {
    let response = app.get(&format!("/api/v1/events/{seq}/raw")).await;
    assert_eq!(response.status(), 200, "seq {seq}");
    response.bytes().await.expect("bytes").to_vec()
}

/// Every event's body as the listing embeds it, by seq, following the cursor.
async fn listed_bodies(app: &TestApp) -> Vec<(i64, String)> {
    #[derive(serde::Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        events: Vec<Listed<'a>>,
        next: Option<i64>,
    }
    #[derive(serde::Deserialize)]
    struct Listed<'a> {
        seq: i64,
        #[serde(borrow)]
        body: &'a RawValue,
    }
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let text = app
            .get(&format!("/api/v1/events?limit=1000&after={after}"))
            .await
            .text()
            .await
            .expect("page");
        let page: Page<'_> = serde_json::from_str(&text).expect("page JSON");
        out.extend(page.events.iter().map(|e| (e.seq, e.body.get().to_owned())));
        match page.next {
            Some(next) => after = next,
            None => return out,
        }
    }
}

#[tokio::test]
async fn the_whole_corpus_reads_back_byte_identical_raw_and_listed_and_after_a_restart() {
    // Arrange
    let app = spawn_app().await;
    let bodies = corpus();

    // Act
    let mut seqs = Vec::new();
    for body in &bodies {
        seqs.push(post_seq(&app, body.clone()).await);
    }

    // Assert: raw, then embedded in the listing, then after a restart.
    for (seq, body) in seqs.iter().zip(&bodies) {
        assert_eq!(raw(&app, *seq).await, *body, "seq {seq}");
    }
    let listed: std::collections::HashMap<i64, String> =
        listed_bodies(&app).await.into_iter().collect();
    for (seq, body) in seqs.iter().zip(&bodies) {
        assert_eq!(listed[seq].as_bytes(), &body[..], "seq {seq}");
    }
    let dir = app.stop().await;
    let app = spawn_app_in(dir, |_| {}).await;
    for (seq, body) in seqs.iter().zip(&bodies).step_by(37) {
        assert_eq!(raw(&app, *seq).await, *body, "seq {seq} after restart");
    }
    // A redelivery after the restart (empty memo of known pieces) is
    // still recognised, and a new body sharing pieces still reads back.
    let again = app.post(bodies[100].clone()).await;
    assert_eq!(again.headers()["x-calltap-duplicate"], "true");
    let mut changed = bodies[200].clone();
    let at = changed.len() - 2;
    changed.insert(at, b' ');
    let seq = post_seq(&app, changed.clone()).await;
    assert_eq!(raw(&app, seq).await, changed);
}

#[tokio::test]
async fn odd_but_valid_bodies_are_stored_exactly_as_sent() {
    let app = spawn_app().await;
    let pad = "x".repeat(300);
    let bodies = [
        // Pretty-printed, with the pieces' keys escaped or repeated.
        format!(
            "{{\n  \"message\" : {{\n    \"type\" : \"status-update\",\n    \"call\" : {{ \"id\" : \"c1\", \"pad\" : \"{pad}\" }},\n    \"c\\u0061ll\" : {{ \"pad\" : \"{pad}\" }},\n    \"call\" : {{ \"id\" : \"c1\", \"pad\" : \"{pad}\" }}\n  }}\n}}\n"
        ),
        // A history of mixed elements, some too small to cut.
        format!(
            r#"{{"message":{{"type":"conversation-update","messages":[1,"two",{{"role":"user","message":"{pad}"}},[],{{"role":"bot","message":"{pad}"}}],"artifact":{{"messages":[{{"role":"user","message":"{pad}"}}]}}}}}}"#
        ),
        // Escapes inside a piece.
        format!(
            r#"{{"message":{{"type":"status-update","customer":{{"name":"a \"quoted\" \\ name","pad":"{pad}"}}}}}}"#
        ),
    ];
    for body in bodies {
        let seq = post_seq(&app, body.clone().into_bytes()).await;
        assert_eq!(raw(&app, seq).await, body.as_bytes());
    }
}
