//! Hostile and broken clients over raw sockets (issue 14, defect 8): headers
//! dribbled a byte at a time, bodies sent slowly, idle keep-alive
//! connections, more slow connections than the server serves at once,
//! oversized headers, and chunked bodies. Each test asserts what happened
//! to the connection ("closed", "answered 408"), never how fast; the
//! bounded loops only keep a broken server from hanging the suite.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_app_with, status_update, TestApp};

/// Reads until the server closes the connection (or resets it); `None`
/// if it is still open after `patience`.
async fn read_until_closed(stream: &mut TcpStream, patience: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(patience, read).await.ok()?;
    Some(received)
}

/// A connection that has sent the start of a request's headers and no more.
async fn half_headers(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: calltap\r\nX-Slow: ")
        .await
        .expect("write");
    stream
}

const PATIENCE: Duration = Duration::from_secs(60);

/// `count` half-sent requests (see [`half_headers`]), held open.
async fn slow_clients(addr: SocketAddr, count: usize) -> Vec<TcpStream> {
    let mut slow = Vec::new();
    for _ in 0..count {
        slow.push(half_headers(addr).await);
    }
    slow
}

/// Asks `/healthz` on a new connection and checks it answers 200 within
/// `patience`.
async fn healthz_within(app: &TestApp, patience: Duration) {
    let health = reqwest::Client::builder()
        .timeout(patience)
        .build()
        .expect("client")
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .expect("/healthz answers within the patience");
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_dribbled_a_byte_at_a_time_are_cut_off() {
    let app = spawn_app_with(|c| c.header_read_timeout = Duration::from_secs(1)).await;
    let mut stream = half_headers(app.addr).await;

    // One byte every 100 ms, for far longer than the timeout: the server
    // must close the connection before the headers could ever complete.
    let mut closed = false;
    for _ in 0..600 {
        if stream.write_all(b"a").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 256];
        let read = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await;
        if let Ok(Ok(0) | Err(_)) = read {
            closed = true;
            break;
        }
    }

    assert!(closed, "a connection dribbling its headers was kept open");
    // A new connection: the test client's pooled one has been idle past
    // the timeout too, and the server has closed it.
    let health = reqwest::get(format!("{}/healthz", app.base))
        .await
        .expect("/healthz answers");
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_slow_connections_than_the_limit_do_not_stop_healthz_and_are_all_closed() {
    let app = spawn_app_with(|c| {
        c.header_read_timeout = Duration::from_secs(1);
        c.max_connections = 8;
    })
    .await;
    // Twice the limit: the first 8 take every slot, the rest wait in the
    // listener's backlog.
    let mut slow = slow_clients(app.addr, 16).await;

    // /healthz waits for a slot, which the header timeout frees.
    healthz_within(&app, PATIENCE).await;

    for (i, stream) in slow.iter_mut().enumerate() {
        assert!(
            read_until_closed(stream, PATIENCE).await.is_some(),
            "slow connection {i} was never closed"
        );
    }
    let metrics = app.get("/metrics").await.text().await.expect("text");
    assert!(
        metrics.contains("calltap_connections_timed_out_total"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_past_the_served_cap_do_not_park_healthz() {
    // Twice the served cap in half-sent requests, under a header read
    // timeout longer than the patience below: were they counted until it
    // cut them off, /healthz would be parked behind them until served as
    // overdue (the 15 s wait budget), past that patience.
    let app = spawn_app_with(|c| {
        c.header_read_timeout = Duration::from_secs(120);
        c.max_served_connections = 4;
    })
    .await;
    let _slow = slow_clients(app.addr, 8).await;
    healthz_within(&app, Duration::from_secs(10)).await;
}

/// Sends `GET path` on `stream` and reads its response's head and body
/// (by its `content-length`), leaving the connection as the server left
/// it; the head is lowercased, to look up headers.
async fn get(stream: &mut TcpStream, path: &str) -> (String, Vec<u8>) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: calltap\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut received = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    return (head, received[end + 4..end + 4 + length].to_vec());
                }
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => panic!("closed before a whole response: {received:?}"),
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(PATIENCE, read)
        .await
        .expect("a response within the patience")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_limit_responses_close_their_connection_to_serve_the_backlog() {
    // Keep-alive clients that keep sending would otherwise hold every slot
    // for ever (they never go idle for the header timeout), starving the
    // connections waiting to be accepted.
    let app = spawn_app_with(|c| {
        c.header_read_timeout = Duration::from_secs(600);
        // The test client's pooled connection may hold one more.
        c.max_connections = 3;
    })
    .await;
    let mut idle = TcpStream::connect(app.addr).await.expect("connect");
    let (head, _) = get(&mut idle, "/healthz").await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        !head.contains("connection: close"),
        "a slot was still free, yet the connection was closed: {head}"
    );

    // Busy clients take the other slots and send until told to stop or
    // their connection is closed; past the limit, they wait in the backlog.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let busy: Vec<_> = (0..2)
        .map(|_| {
            let stop = std::sync::Arc::clone(&stop);
            let answered = std::sync::Arc::clone(&answered);
            let addr = app.addr;
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.expect("connect");
                let mut first = true;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let (head, _) = get(&mut stream, "/healthz").await;
                    if std::mem::take(&mut first) {
                        answered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    if head.contains("connection: close") {
                        return true;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                false
            })
        })
        .collect();
    // Both busy clients served (one of them perhaps only after the other
    // gave its slot up) before the one below connects: every slot is then
    // held by a connection that never goes idle, so it is served only if
    // a busy one is told to close.
    for _ in 0..500 {
        if answered.load(std::sync::atomic::Ordering::Relaxed) == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut waiting = TcpStream::connect(app.addr).await.expect("connect");
    let (head, _) = get(&mut waiting, "/healthz").await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);

    let mut turned_over = 0;
    for client in busy {
        turned_over += usize::from(client.await.expect("busy client"));
    }
    assert!(turned_over > 0, "no busy connection gave its slot up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed() {
    let app = spawn_app_with(|c| c.header_read_timeout = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: calltap\r\n\r\n")
        .await
        .expect("write");

    // The answer, then nothing more from us: the server closes it.
    let received = read_until_closed(&mut stream, PATIENCE)
        .await
        .expect("the idle connection was never closed");
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_slowly_gets_408_and_nothing_is_stored() {
    let app = spawn_app_with(|c| c.body_read_timeout = Duration::from_secs(1)).await;
    let body = status_update("slow-body");
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: calltap\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");

    // A byte every 100 ms: the body would take far longer than the timeout.
    let mut answer = Vec::new();
    for byte in body.as_bytes() {
        if stream.write_all(&[*byte]).await.is_err() {
            break;
        }
        let mut buf = [0u8; 4096];
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                break;
            }
            Err(_) => {}
        }
    }
    if let Some(rest) = read_until_closed(&mut stream, PATIENCE).await {
        answer.extend(rest);
    }

    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("body_timeout"), "{text}");
    let events = app.get_json("/api/v1/events").await;
    assert_eq!(events["events"].as_array().expect("events").len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_headers_get_431_and_the_server_keeps_serving() {
    head_past_the_limit_gets_431(16 << 10, 32 << 10).await;
}

/// Up to 64 connections served as they came read 32 KiB at a time
/// (`conn`'s wide readers): the head limit is hyper's own check, not the buffer's size,
/// so a head between the two is still refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_past_the_limit_gets_431_from_a_connection_with_a_wide_read_buffer() {
    head_past_the_limit_gets_431(8 << 10, 20 << 10).await;
}

/// A server whose head limit is `limit` answers a request with a header
/// of `header_len` bytes 431, closes it, and serves the next delivery.
async fn head_past_the_limit_gets_431(limit: usize, header_len: usize) {
    let app = spawn_app_with(|c| c.max_header_bytes = limit).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: calltap\r\nX-Big: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(header_len)
    );
    // The server may close before reading it all.
    let _ = stream.write_all(request.as_bytes()).await;

    let answer = read_until_closed(&mut stream, PATIENCE)
        .await
        .expect("closed");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    assert_eq!(app.post(status_update("after")).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_is_stored_byte_exact() {
    let app = spawn_app_with(|_| {}).await;
    let body = status_update("chunked");
    let (first, second) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: calltap\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");

    let answer = read_until_closed(&mut stream, PATIENCE)
        .await
        .expect("closed");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let raw = app.get("/api/v1/events/1/raw").await;
    assert_eq!(raw.text().await.expect("text"), body);
}
