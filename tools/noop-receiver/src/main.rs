//! A receiver that does nothing with a delivery: it reads the whole body
//! and answers `200 {}`, on any path. What is left of a receiver when
//! verifying, parsing, storing and projecting cost nothing, so calltap's
//! CPU per delivery is measured against it under the same `wrk` load.
//!
//! With `--append FILE` it is the floor of a *durable* receiver instead:
//! each body is appended to FILE (after its length) by one thread that
//! writes whatever is queued in one `write` and one `fdatasync`, and it
//! answers only after that sync (group commit). Nothing is parsed,
//! deduplicated or indexed: what "200 means on disk" costs at the least on
//! this machine, beside calltap's `durability = full`.
//!
//!     noop-receiver [ADDR] [--append FILE]

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use tokio::sync::{mpsc, oneshot};

/// A body to append, and where to say that it is synced.
type Append = (Bytes, oneshot::Sender<()>);

/// Reads the body (axum buffers it whole into `Bytes`) and answers `{}`.
async fn receive(body: Bytes) -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    std::hint::black_box(body.len());
    ([(CONTENT_TYPE, "application/json")], "{}")
}

/// [`receive`], answering once the body is appended and synced.
async fn receive_durably(
    State(appender): State<mpsc::UnboundedSender<Append>>,
    body: Bytes,
) -> impl IntoResponse {
    let (synced, wait) = oneshot::channel();
    let status = if appender.send((body, synced)).is_ok() && wait.await.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, [(CONTENT_TYPE, "application/json")], "{}")
}

/// The appending thread: each round takes everything queued, writes it in
/// one call, syncs, then answers every sender of the round.
fn append_loop(mut file: File, mut queue: mpsc::UnboundedReceiver<Append>) {
    let mut buffer = Vec::new();
    let mut waiting = Vec::new();
    while let Some(first) = queue.blocking_recv() {
        let mut next = Some(first);
        while let Some((body, synced)) = next {
            buffer.extend_from_slice(&(body.len() as u32).to_le_bytes());
            buffer.extend_from_slice(&body);
            waiting.push(synced);
            next = queue.try_recv().ok();
        }
        // A failed write or sync answers no one: their senders get 503.
        if file
            .write_all(&buffer)
            .and_then(|()| file.sync_data())
            .is_ok()
        {
            for synced in waiting.drain(..) {
                let _ = synced.send(());
            }
        } else {
            waiting.clear();
        }
        buffer.clear();
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut listen = "127.0.0.1:4300".to_owned();
    let mut append: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--append" => append = args.next().map(PathBuf::from),
            _ => listen = arg,
        }
    }
    let app = match append {
        Some(path) => {
            let file = OpenOptions::new().create(true).append(true).open(path)?;
            let (tx, rx) = mpsc::unbounded_channel();
            std::thread::Builder::new()
                .name("append".to_owned())
                .spawn(move || append_loop(file, rx))?;
            Router::new().fallback(receive_durably).with_state(tx)
        }
        None => Router::new().fallback(receive),
    };
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await
}
