//! Serving HTTP/1 connections with limits against slow, idle and too many
//! clients: the accept loop `axum::serve` would run, plus what it lacks.
//!
//! Why not `axum::serve`: it sets no timer on hyper, so a connection that
//! dribbles header bytes (one a second, "slowloris") or never finishes its
//! headers is kept forever, and enough of them exhaust the process's file
//! descriptors, after which nothing, `/healthz` included, is answered.
//! Here:
//!
//! - **Header read timeout**: a request's headers must arrive whole within
//!   it, counted from when the connection starts waiting for them, which is
//!   its opening or the end of the previous response; so it is also the
//!   idle keep-alive timeout (hyper runs one timer for both).
//! - **Connection limit**: at most `max_connections` are served at once;
//!   past it the loop stops accepting (the kernel's backlog holds the
//!   rest) until one closes, so the process never reaches its descriptor
//!   limit, and the timeouts above free the slots slow clients hold.
//!   A limit set low also bounds memory: a connection waiting for the body
//!   budget costs about 25 KB (hyper's two 8 KiB buffers, the request's
//!   head, its task), so when the log writer stalls for seconds it is the
//!   kernel's backlog (as deep as `somaxconn` allows, [`bind`]) that
//!   queues what arrives meanwhile, not the heap; the default leaves that
//!   to the open-file limit (see [`DEFAULT_MAX_CONNECTIONS`]).
//! - **Turnover at the limit**: while every slot is taken, each response
//!   carries `Connection: close`, so that the connection gives its slot to
//!   one waiting in the backlog instead of sending its next request ahead
//!   of them (keep-alive clients would otherwise hold every slot and
//!   starve the rest). As Envoy's overload manager disables keep-alive
//!   under pressure; closing after a response, never between requests,
//!   so no request already sent is dropped.
//! - **Header size limit**: headers larger than `max_header_bytes` get 431
//!   (hyper's answer) and the connection is closed. The connection's read
//!   buffer is bounded by the same size, so that a connection holds at
//!   most that much of a body the handler has not asked for yet.
//!
//! The body read timeout is the ingest handler's (the only route that reads
//! a body), since it must answer 408 rather than drop the connection.
//!
//! Graceful shutdown as `axum::serve` does it: stop accepting, tell each
//! connection to finish its request in flight and close, wait for all.
//! This module knows nothing of calltap's routes.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use axum::Router;
use http::{header, HeaderValue};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{watch, Semaphore, TryAcquireError};
use tower::ServiceExt;

/// The limits every connection is served within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    /// The longest wait for a request's complete headers (and so for the
    /// next request on an idle keep-alive connection).
    pub header_read_timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
    /// The largest request head (request line and headers), in bytes.
    pub max_header_bytes: usize,
}

impl Default for ConnLimits {
    fn default() -> ConnLimits {
        ConnLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_header_bytes: 8 << 10,
        }
    }
}

/// The default connection limit: in effect the open-file limit, which the
/// server lowers it to. A lower one bounds memory (about 25 KB a waiting
/// connection), but a burst of more senders than it and the kernel's
/// backlog (`somaxconn`, 4,096 by default) then waits for its handshakes:
/// 10,000 senders at once against 512 lost 7% of their deliveries to
/// resets and the sender's 20 s timeout, and Vapi would not retry them.
pub const DEFAULT_MAX_CONNECTIONS: usize = 65_536;

/// The backlog asked of `listen(2)`; Linux caps it at
/// `net.core.somaxconn` (4,096 by default), so it is as deep as allowed.
const LISTEN_BACKLOG: u32 = 65_535;

/// Binds a listener on `addr` with the deepest backlog the kernel allows:
/// connections past the connection limit wait there (tokio's own `bind`
/// asks for 1,024).
pub fn bind(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves,
/// then lets each open connection finish its request in flight and
/// returns once all have closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Whether every slot is taken by a connection and the loop waits for
    // one to close.
    let full = Arc::new(AtomicBool::new(false));
    let app = turn_over_when_full(app, Arc::clone(&full));
    // Dropping `stop_rx` tells every connection to finish; each holds a
    // `closed_rx` clone until it has closed.
    let (stop_tx, stop_rx) = watch::channel(());
    let (closed_tx, closed_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    loop {
        let slot = match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => slot,
            Err(TryAcquireError::Closed) => break,
            Err(TryAcquireError::NoPermits) => {
                full.store(true, Ordering::Relaxed);
                let slot = tokio::select! {
                    slot = Arc::clone(&slots).acquire_owned() => slot.ok(),
                    () = stop_tx.closed() => None,
                };
                full.store(false, Ordering::Relaxed);
                match slot {
                    Some(slot) => slot,
                    None => break,
                }
            }
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    accept_failed(&err).await;
                    continue;
                }
            },
            () = stop_tx.closed() => break,
        };
        let _ = stream.set_nodelay(true);
        metrics::gauge!("calltap_connections").increment(1.0);
        let service = TowerToHyperService::new(app.clone());
        let stop = stop_tx.clone();
        let closed = closed_rx.clone();
        tokio::spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .max_header_size(limits.max_header_bytes)
                .max_buf_size(read_buf_size(limits.max_header_bytes));
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let mut stopping = std::pin::pin!(stop.closed());
            let mut told = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(err) = result {
                            if err.is_timeout() {
                                metrics::counter!("calltap_connections_timed_out_total").increment(1);
                            }
                            tracing::debug!(error = %err, "connection ended");
                        }
                        break;
                    }
                    () = &mut stopping, if !told => {
                        told = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
            metrics::gauge!("calltap_connections").decrement(1.0);
            drop(slot);
            drop(closed);
        });
    }
    drop(closed_rx);
    drop(listener);
    closed_tx.closed().await;
}

/// `app`, whose responses carry `Connection: close` while `full` (every
/// slot taken by a connection): hyper then closes the connection once the
/// response is written, and the loop accepts the next one from the
/// backlog.
fn turn_over_when_full(
    app: Router,
    full: Arc<AtomicBool>,
) -> impl tower::Service<
    http::Request<hyper::body::Incoming>,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone
       + Send
       + 'static {
    ServiceExt::<http::Request<hyper::body::Incoming>>::map_response(app, move |mut response| {
        if full.load(Ordering::Relaxed) {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            metrics::counter!("calltap_connections_turned_over_total").increment(1);
        }
        response
    })
}

/// The most hyper reads into a connection's buffer at once: just room for
/// the largest head allowed (hyper's floor is 8 KiB). Its default, 400 KiB,
/// let a connection read a whole body, and the next request's, before the
/// handler asked for it; with thousands of connections waiting for the
/// body budget, that was their bodies in our memory rather than in the
/// kernel's socket buffers.
fn read_buf_size(max_header_bytes: usize) -> usize {
    max_header_bytes.max(8 << 10)
}

/// An accept error: a connection reset before it was accepted is nothing;
/// anything else (out of descriptors, memory) is logged and waited out a
/// little, so the loop does not spin on it.
async fn accept_failed(err: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    metrics::counter!("calltap_accept_errors_total").increment(1);
    tracing::error!(error = %err, "accept error");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
