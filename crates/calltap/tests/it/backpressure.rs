//! Bounded under load: a full writer queue answers 503 with `Retry-After`,
//! a database that cannot be written answers 503, and reads keep working.

use std::time::Duration;

use crate::helpers::{db_path, spawn_app_with, status_update};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_503_with_retry_after_and_reads_keep_working() {
    // Arrange: a one-slot queue, and the write lock held by another
    // connection so that the writer stalls on its first batch.
    let app = spawn_app_with(|c| {
        c.queue_capacity = 1;
        c.max_batch = 1;
        c.retry_after = Duration::from_secs(3);
    })
    .await;
    assert_eq!(app.post(status_update("before")).await.status(), 200);
    let lock = rusqlite::Connection::open(db_path(&app.dir)).expect("second connection");
    lock.execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");

    // Act: a burst the writer cannot take.
    let mut sends = Vec::new();
    for i in 0..12 {
        let client = app.client.clone();
        let url = format!("{}/", app.base);
        sends.push(tokio::spawn(async move {
            client
                .post(url)
                .body(status_update(&format!("burst-{i}")))
                .send()
                .await
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Assert: reads work while the writer is stuck...
    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 1);
    assert_eq!(app.get("/healthz").await.status(), 200);

    lock.execute_batch("ROLLBACK").expect("release the lock");
    drop(lock);
    let mut overloaded = 0;
    let mut ok = 0;
    for send in sends {
        let response = send.await.expect("task").expect("answer");
        match response.status().as_u16() {
            200 => ok += 1,
            503 => {
                assert!(response.headers().contains_key("retry-after"));
                let answer: serde_json::Value = response.json().await.expect("JSON");
                if answer["kind"] == "overloaded" {
                    overloaded += 1;
                }
            }
            other => panic!("unexpected status {other}"),
        }
    }
    // ...and most of the burst was turned away at once instead of queued.
    assert!(
        overloaded >= 8,
        "only {overloaded} were 503 overloaded ({ok} ok)"
    );
    // Every 200 is in the log.
    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 1 + ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_cannot_be_written_answers_503_and_readyz_says_so() {
    let app = spawn_app_with(|c| c.retry_after = Duration::from_secs(7)).await;
    let lock = rusqlite::Connection::open(db_path(&app.dir)).expect("second connection");
    lock.execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");

    // The writer gives up after its busy timeout.
    let response = app.post(status_update("locked-out")).await;

    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "7");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.headers()["retry-after"], "7");
    assert_eq!(app.get("/api/v1/events").await.status(), 200);

    lock.execute_batch("ROLLBACK").expect("release");
    assert_eq!(app.post(status_update("after")).await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
}
