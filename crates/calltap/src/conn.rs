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
//! - **Connection limit**: at most `max_connections` are open at once
//!   (served or parked, below); past it the loop stops accepting (the
//!   kernel's backlog holds the rest) until one closes, so the process
//!   never reaches its descriptor limit, and the timeouts above free the
//!   slots slow clients hold. The default leaves it to the open-file limit
//!   (see [`DEFAULT_MAX_CONNECTIONS`]): memory under a pile-up is bounded
//!   by parking instead, which does not make the backlog overflow.
//! - **Parking while ingest is backed up**: while the server's signal says
//!   so (enough ingest requests wait for their answer, `--max-waiting-requests`),
//!   a connection accepted is parked: its socket is kept in a queue, not
//!   served (no hyper connection, no buffers: a few hundred bytes, its
//!   request still in the kernel's socket buffer), against the 25 KB of a
//!   connection whose request waits. Accepting goes on, so the kernel's
//!   backlog never overflows under a burst and the connection limit stays
//!   the only bound. Once the signal drops, parked connections are served
//!   oldest first, one at a time, the signal read again after each has
//!   run, so that a moment's relief serves a few, not thousands that would
//!   all wait again. A parked connection counts against the limit; its
//!   header read timeout starts when it is served. The choice is made when
//!   a connection is accepted: those accepted before anything waits (a
//!   burst of keep-alive senders connecting at once) are served as before.
//!   `/healthz` on a new connection waits in line too (connections already
//!   served answer at once). A connection parked for `max_parked` (the
//!   ingest wait budget) is served whatever the pressure, its first
//!   request told how long it was parked ([`ParkedFor`]), which the ingest
//!   path counts in its wait: under sustained overload the excess is
//!   answered 503 with `Retry-After`, as before parking, rather than held
//!   until its sender times out. At shutdown parked connections are closed
//!   unread: nothing of theirs was read, so nothing of theirs was
//!   acknowledged.
//! - **A cap on connections served** (`max_served`): past it, a
//!   connection accepted is parked too, whether ingest is backed up or
//!   not, and parked connections are served as served ones close. A
//!   served connection costs its buffers and task (about 25 KB) whether
//!   its request waits for the commit, has been answered and not yet
//!   closed, or has not come; parking by pressure alone let the second
//!   after a disk stall's thaw serve about 1,400 at once (the parked ones
//!   released as the queue drained, beside those answered and closing),
//!   and that second was the paced run's peak (BENCHMARKS.md, "A stalled
//!   disk"). A connection that sends no request within a quarter second (a
//!   slow or idle client) holds no place until it does.
//! - **Turnover when others wait**: while every slot is taken or
//!   connections are parked, each response carries `Connection: close`, so
//!   that the connection gives its turn to one waiting (parked or in the
//!   backlog) instead of sending its next request ahead of them
//!   (keep-alive clients would otherwise hold every turn and starve the
//!   rest). As Envoy's overload manager disables keep-alive under
//!   pressure; closing after a response, never between requests, so no
//!   request already sent is dropped.
//! - **A cap on connections kept alive** (`max_kept_alive`): while more are
//!   open, each response closes its connection too. Parking decides at
//!   accept only: a connection already served sends its next request
//!   straight in, so a sender whose pool grew to thousands in one pile-up
//!   (each idle connection costs about 18 KB) brought them all back in
//!   the next (3,109 connections in a 2.5 s disk stall, 47 of them
//!   parked); capped, what exceeds the cap arrives on new connections,
//!   which parking sees. The server sets it at half the served cap, so
//!   that a sender's idle pool leaves room for new connections (a health
//!   probe, the console) rather than holding every served place.
//! - **Header size limit**: headers larger than `max_header_bytes` get 431
//!   (hyper's answer) and the connection is closed.
//! - **Read buffers**: a connection's read buffer is bounded by the same
//!   size (at least 8 KiB, hyper's floor), so that it holds at most that
//!   much of a body the handler has not asked for yet; but up to
//!   `wide_readers` connections at once, served as they came (not after
//!   being parked: under pressure), may read [`WIDE_READ_BUFFER`] at a
//!   time, which takes a typical delivery (about 19 KB) in one read
//!   rather than three (3-9% less CPU a durable delivery under
//!   `tools/ingest-vs-noop.sh`), for a bounded amount of memory more.
//!
//! The body read timeout is the ingest handler's (the only route that reads
//! a body), since it must answer 408 rather than drop the connection.
//!
//! Graceful shutdown as `axum::serve` does it: stop accepting, tell each
//! connection to finish its request in flight and close, wait for all.
//! This module knows nothing of calltap's routes: what "backed up" means
//! is the server's (a `watch` channel it gives [`serve`]).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use axum::Router;
use http::{header, HeaderValue};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// The limits every connection is served within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    /// The longest wait for a request's complete headers (and so for the
    /// next request on an idle keep-alive connection).
    pub header_read_timeout: Duration,
    /// The most connections open at once, served or parked.
    pub max_connections: usize,
    /// The most connections kept open for another request: while more
    /// are open, each response closes its connection (see the module's
    /// doc, "Turnover"). `usize::MAX`: no such cap.
    pub max_kept_alive: usize,
    /// The longest a connection stays parked: then it is served whatever
    /// the pressure, its first request carrying [`ParkedFor`], so that the
    /// route can answer it (a 503 once its wait budget is spent) before its
    /// sender gives up.
    pub max_parked: Duration,
    /// The most connections served at once: past it, a connection
    /// accepted is parked as while ingest is backed up, and parked ones
    /// are served as served ones close. `usize::MAX`: no such cap.
    pub max_served: usize,
    /// The largest request head (request line and headers), in bytes.
    pub max_header_bytes: usize,
    /// The most connections at once whose read buffer may grow to
    /// [`WIDE_READ_BUFFER`] (see the module's doc, "Read buffers").
    pub wide_readers: usize,
}

impl Default for ConnLimits {
    fn default() -> ConnLimits {
        ConnLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_kept_alive: usize::MAX,
            max_parked: Duration::from_secs(15),
            max_served: usize::MAX,
            max_header_bytes: 8 << 10,
            wide_readers: WIDE_READERS,
        }
    }
}

/// How many connections at once may read [`WIDE_READ_BUFFER`] at a time
/// by default: enough for a sender's pool of keep-alive connections
/// (`wrk -c64` in BENCHMARKS.md), few enough that their buffers add a few
/// MiB at most.
pub const WIDE_READERS: usize = 64;

/// The read buffer of a wide reader (see the module's doc): room for most
/// deliveries whole, head included.
pub const WIDE_READ_BUFFER: usize = 32 << 10;

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
/// returns once all have closed. While `backed_up` says true, connections
/// accepted are parked rather than served, and they are served, oldest
/// first, once it says false again (see the module's doc).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    backed_up: watch::Receiver<bool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Whether connections wait for a turn (every slot taken, or some
    // parked), so that responses close theirs.
    let others_wait = Arc::new(AtomicBool::new(false));
    // Connections open, served or parked.
    let open = Arc::new(AtomicUsize::new(0));
    let app = turn_over_when_full(app, Arc::clone(&others_wait), Arc::clone(&open), limits);
    // Dropping `stop_rx` tells every connection to finish; each holds a
    // `closed_rx` clone until it has closed.
    let (stop_tx, stop_rx) = watch::channel(());
    let (closed_tx, closed_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    let serving = Serving {
        app,
        limits,
        stop: stop_tx.clone(),
        closed: closed_rx.clone(),
        served: Arc::new(Served::default()),
        wide_reads: WideReads::new(limits.wide_readers),
    };
    let mut parked = Parked::default();
    // A clone to wait on, so that the accept branch can read `backed_up`
    // while the release branch waits.
    let mut eased = backed_up.clone();
    let mut slot = None;
    loop {
        if slot.is_none() {
            slot = Arc::clone(&slots).try_acquire_owned().ok();
        }
        others_wait.store(slot.is_none() || !parked.is_empty(), Ordering::Relaxed);
        tokio::select! {
            // Stopping first, then the parked connections before new ones.
            biased;
            () = stop_tx.closed() => break,
            // A closed channel (the budget dropped) will never say backed
            // up again: it releases too.
            () = serving.served.turn(&mut eased, limits.max_served), if !parked.is_empty() => {
                serving.start_oldest(&mut parked, &others_wait, slot.is_some());
                // One at a time: the connection just started gets to run
                // (and its request to join the waiters, if it must) before
                // the signal is read again, so that a moment without
                // pressure releases a few, not every parked connection.
                tokio::task::yield_now().await;
            }
            // Parked too long: served whatever the pressure, so that its
            // sender gets an answer (the route's 503, its wait budget
            // spent) rather than its own timeout.
            () = tokio::time::sleep_until(parked.overdue_at(limits.max_parked)), if !parked.is_empty() => {
                if serving.start_oldest(&mut parked, &others_wait, slot.is_some()) {
                    metrics::counter!("calltap_connections_parked_overdue_total").increment(1);
                }
            }
            acquired = Arc::clone(&slots).acquire_owned(), if slot.is_none() => match acquired {
                Ok(acquired) => slot = Some(acquired),
                Err(_closed) => break,
            },
            accepted = listener.accept(), if slot.is_some() => match (accepted, slot.take()) {
                (Ok((stream, _)), Some(slot)) => {
                    let _ = stream.set_nodelay(true);
                    let slot = OpenConnection::new(slot, &open);
                    // Behind those parked already, whatever the signal
                    // says now: oldest first.
                    if !parked.is_empty()
                        || *backed_up.borrow()
                        || serving.served.count() >= limits.max_served
                    {
                        parked.park(stream, slot);
                    } else {
                        serving.start(stream, slot, None);
                    }
                }
                (Err(err), kept) => {
                    slot = kept;
                    accept_failed(&err).await;
                }
                (Ok(_), None) => {}
            },
        }
    }
    // Closed unread: nothing of theirs was read, so nothing of theirs was
    // acknowledged; the senders see a closed connection, as they would
    // from a server stopped before accepting them.
    parked.close_all();
    drop(serving);
    drop(closed_rx);
    drop(listener);
    closed_tx.closed().await;
}

/// Connections accepted and not yet served, oldest first, each with its
/// slot: a socket and its place in line, a few hundred bytes, with its
/// request in the kernel's socket buffer.
#[derive(Default)]
struct Parked {
    queue: VecDeque<(TcpStream, OpenConnection, tokio::time::Instant)>,
}

impl Parked {
    fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    fn park(&mut self, stream: TcpStream, slot: OpenConnection) {
        self.queue
            .push_back((stream, slot, tokio::time::Instant::now()));
        metrics::gauge!("calltap_connections_parked").increment(1.0);
        metrics::counter!("calltap_connections_parked_total").increment(1);
    }

    /// When the oldest will have been parked `max_parked` (now if none).
    fn overdue_at(&self, max_parked: Duration) -> tokio::time::Instant {
        let now = tokio::time::Instant::now();
        self.queue.front().map_or(now, |(_, _, since)| {
            since
                .checked_add(max_parked)
                .unwrap_or(now + Duration::from_secs(86_400))
        })
    }

    fn pop_oldest(&mut self) -> Option<(TcpStream, OpenConnection, tokio::time::Instant)> {
        let oldest = self.queue.pop_front()?;
        metrics::gauge!("calltap_connections_parked").decrement(1.0);
        Some(oldest)
    }

    fn close_all(&mut self) {
        while self.pop_oldest().is_some() {}
    }
}

/// How long a request's connection was parked before it was served: an
/// extension of the connection's first request, so that a route that
/// bounds its requests' waits counts the time parked in them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParkedFor(pub Duration);

/// A connection accepted and not yet closed, served or parked: its slot,
/// counted in `open` and in `calltap_connections` for as long as it lives.
struct OpenConnection {
    _slot: OwnedSemaphorePermit,
    open: Arc<AtomicUsize>,
}

impl OpenConnection {
    fn new(slot: OwnedSemaphorePermit, open: &Arc<AtomicUsize>) -> OpenConnection {
        open.fetch_add(1, Ordering::Relaxed);
        metrics::gauge!("calltap_connections").increment(1.0);
        OpenConnection {
            _slot: slot,
            open: Arc::clone(open),
        }
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        metrics::gauge!("calltap_connections").decrement(1.0);
    }
}

/// The connections being served (not parked), and a wake-up for the
/// loop each time one of them gives its place up (it closes, or stays
/// silent past the grace below). A connection that has sent no
/// request within [`FIRST_REQUEST_GRACE`] (a slow or idle client) stops
/// being counted until it does: it costs little, and counted, 256 clients
/// that never send would hold every place for their header read timeout
/// (10 s); the connection limit and that timeout bound them, as before
/// the cap. Counted from the start, so that a burst of connections
/// accepted before any has sent its request cannot pass the cap.
#[derive(Default)]
struct Served {
    count: AtomicUsize,
    freed: Notify,
}

impl Served {
    fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Counts one more connection served until the guard drops (at the
    /// end of its task, a panic included), which wakes the loop.
    fn enter(served: &Arc<Served>) -> ServedGuard {
        served.count.fetch_add(1, Ordering::Relaxed);
        ServedGuard(Arc::clone(served))
    }

    /// Resolves once a parked connection may be served: ingest is not
    /// backed up (a closed signal never will be again) and fewer than
    /// `max_served` connections are served.
    async fn turn(&self, backed_up: &mut watch::Receiver<bool>, max_served: usize) {
        loop {
            let _ = backed_up.wait_for(|backed_up| !*backed_up).await;
            // Made before the count is read, so that a place freed in
            // between still wakes it.
            let freed = self.freed.notified();
            if self.count() < max_served {
                return;
            }
            freed.await;
        }
    }
}

/// How long a new connection is counted as served without having sent a
/// request: a sender's request follows its handshake at once.
const FIRST_REQUEST_GRACE: Duration = Duration::from_millis(250);

/// What a connection's first request settles: whether it has come, the
/// time parked it carries ([`ParkedFor`]), and the connection's place in
/// [`Served`] while it holds one. One lock, taken once a request.
struct FirstRequest {
    requested: bool,
    parked_for: Option<ParkedFor>,
    place: Option<ServedGuard>,
}

/// One connection's place in [`Served`], given up when dropped.
struct ServedGuard(Arc<Served>);

impl Drop for ServedGuard {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::Relaxed);
        self.0.freed.notify_one();
    }
}

/// What starting to serve a connection takes.
struct Serving<S> {
    app: S,
    limits: ConnLimits,
    /// Closed when the server stops.
    stop: watch::Sender<()>,
    /// Held by each connection until it has closed.
    closed: watch::Receiver<()>,
    /// Counts the connections being served.
    served: Arc<Served>,
    /// The places of connections with a wide read buffer.
    wide_reads: WideReads,
}

impl<S> Serving<S>
where
    S: tower::Service<
            http::Request<hyper::body::Incoming>,
            Response = Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    /// Serves the oldest parked connection, if any (whether there was),
    /// telling it how long it was parked. `others_wait` is set again first,
    /// so that the last one parked is told to close only if others still
    /// wait (`loop_has_slot`: the loop holds a slot for its next accept).
    fn start_oldest(
        &self,
        parked: &mut Parked,
        others_wait: &AtomicBool,
        loop_has_slot: bool,
    ) -> bool {
        let Some((stream, slot, since)) = parked.pop_oldest() else {
            return false;
        };
        others_wait.store(!loop_has_slot || !parked.is_empty(), Ordering::Relaxed);
        self.start(stream, slot, Some(ParkedFor(since.elapsed())));
        true
    }

    /// Serves `stream` on a task of its own, holding `slot` until it closes;
    /// hyper's timers (the header read timeout) start now. A connection
    /// that was parked gives its first request [`ParkedFor`].
    fn start(&self, stream: TcpStream, slot: OpenConnection, parked_for: Option<ParkedFor>) {
        let wide = self.wide_reads.take_for(parked_for.as_ref());
        // Counted as served from now; no longer if no request has come
        // within the grace, and again once one comes (see [`Served`]).
        let first = Arc::new(parking_lot::Mutex::new(FirstRequest {
            requested: false,
            parked_for,
            place: Some(Served::enter(&self.served)),
        }));
        let on_request = Arc::clone(&first);
        let served = Arc::clone(&self.served);
        let service = TowerToHyperService::new(ServiceExt::map_request(
            self.app.clone(),
            move |mut request: http::Request<hyper::body::Incoming>| {
                let mut first = on_request.lock();
                if !first.requested {
                    first.requested = true;
                    if let Some(parked_for) = first.parked_for.take() {
                        request.extensions_mut().insert(parked_for);
                    }
                    if first.place.is_none() {
                        first.place = Some(Served::enter(&served));
                    }
                }
                request
            },
        ));
        let limits = self.limits;
        let stop = self.stop.clone();
        let closed = self.closed.clone();
        tokio::spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .max_header_size(limits.max_header_bytes)
                .max_buf_size(read_buf_size(limits.max_header_bytes, wide.is_some()));
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let mut stopping = std::pin::pin!(stop.closed());
            let mut told = false;
            let grace = tokio::time::sleep(FIRST_REQUEST_GRACE);
            let mut grace = std::pin::pin!(grace);
            let mut graced = false;
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
                    () = &mut grace, if !graced => {
                        graced = true;
                        let mut first = first.lock();
                        if !first.requested {
                            first.place = None;
                        }
                    }
                }
            }
            drop(first.lock().place.take());
            drop(wide);
            drop(slot);
            drop(closed);
        });
    }
}

/// `app`, whose responses carry `Connection: close` while `others_wait`
/// (every slot taken by a connection, or connections parked) or while more
/// than `limits.max_kept_alive` connections are `open`:
/// hyper then closes the connection once the response is written, and the
/// loop serves the next one, parked or from the backlog.
fn turn_over_when_full(
    app: Router,
    others_wait: Arc<AtomicBool>,
    open: Arc<AtomicUsize>,
    limits: ConnLimits,
) -> impl tower::Service<
    http::Request<hyper::body::Incoming>,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone
       + Send
       + 'static {
    ServiceExt::<http::Request<hyper::body::Incoming>>::map_response(app, move |mut response| {
        if others_wait.load(Ordering::Relaxed)
            || open.load(Ordering::Relaxed) > limits.max_kept_alive
        {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            metrics::counter!("calltap_connections_turned_over_total").increment(1);
        }
        response
    })
}

/// The most hyper reads into a connection's buffer at once: just room for
/// the largest head allowed (hyper's floor is 8 KiB), or
/// [`WIDE_READ_BUFFER`] for a connection with a `wide` place. Hyper's
/// default, 400 KiB, let a connection read a whole body, and the next
/// request's, before the handler asked for it; with thousands of
/// connections waiting for the body budget, that was their bodies in our
/// memory rather than in the kernel's socket buffers.
fn read_buf_size(max_header_bytes: usize, wide: bool) -> usize {
    let floor = if wide { WIDE_READ_BUFFER } else { 8 << 10 };
    max_header_bytes.max(floor)
}

/// The places for connections with a wide read buffer: a connection
/// served as it came (not parked) takes one when it starts being served,
/// if one is free, and holds it until it closes.
///
/// Why a fixed number rather than every connection: a connection's buffer
/// keeps its size between requests, and what it reads ahead of its
/// handler stays in memory while the handler waits (for the body budget,
/// for its commit); a fixed number of wide buffers bounds that at any
/// load, where a size for all would grow with the connections served.
#[derive(Debug)]
struct WideReads(Arc<Semaphore>);

/// A connection's place among the wide readers, given back on drop.
type WidePlace = OwnedSemaphorePermit;

impl WideReads {
    fn new(places: usize) -> WideReads {
        WideReads(Arc::new(Semaphore::new(places.min(Semaphore::MAX_PERMITS))))
    }

    /// A free place, if any, for a connection served as it came; none for
    /// one that was parked (`parked_for`): it arrives under pressure, when
    /// memory matters more than the cost of a read.
    fn take_for(&self, parked_for: Option<&ParkedFor>) -> Option<WidePlace> {
        match parked_for {
            None => Arc::clone(&self.0).try_acquire_owned().ok(),
            Some(_) => None,
        }
    }
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use axum::extract::State;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A server whose one route records the request's `x-id` and says
    /// backed up again, as a request joining the waiters would; stopped
    /// when the returned sender is dropped or sent to.
    async fn recording_server(
        backed_up: watch::Receiver<bool>,
        backed_up_again: watch::Sender<bool>,
        served: Arc<Mutex<Vec<String>>>,
        limits: ConnLimits,
    ) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
        type Recorder = (Arc<Mutex<Vec<String>>>, Arc<watch::Sender<bool>>);
        let app = Router::new()
            .route(
                "/",
                get(
                    |State((served, backed_up)): State<Recorder>, headers: http::HeaderMap| async move {
                        let id = headers
                            .get("x-id")
                            .and_then(|id| id.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        served.lock().expect("not poisoned").push(id);
                        backed_up.send_replace(true);
                        "served"
                    },
                ),
            )
            .with_state((served, Arc::new(backed_up_again)));
        let listener = bind(([127, 0, 0, 1], 0).into()).expect("bind");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, app, limits, backed_up, async move {
            let _ = stopped.await;
        }));
        (addr, stop)
    }

    /// Limits whose header read timeout is far shorter than the parking in
    /// the tests: it must not run while a connection is parked.
    fn parking_limits() -> ConnLimits {
        ConnLimits {
            header_read_timeout: Duration::from_millis(100),
            ..ConnLimits::default()
        }
    }

    /// A recording server under [`parking_limits`] whose handler says
    /// backed up again on `backed_up_tx`.
    async fn parking_server(
        backed_up: watch::Receiver<bool>,
        backed_up_tx: &watch::Sender<bool>,
        served: &Arc<Mutex<Vec<String>>>,
    ) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
        recording_server(
            backed_up,
            backed_up_tx.clone(),
            Arc::clone(served),
            parking_limits(),
        )
        .await
    }

    /// Connects and sends a request with `x-id: id`.
    async fn send(addr: std::net::SocketAddr, id: usize) -> TcpStream {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        send_on(&mut stream, id).await;
        stream
    }

    /// Sends a request with `x-id: id` on a connection already open.
    async fn send_on(stream: &mut TcpStream, id: usize) {
        let request = format!("GET / HTTP/1.1\r\nHost: calltap\r\nx-id: {id}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("write");
    }

    /// A recording server under `limits` that is never backed up (its
    /// handler's "backed up again" goes to a channel nobody reads): its
    /// address, its stop and what it served.
    async fn calm_server(
        limits: ConnLimits,
    ) -> (
        std::net::SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        Arc<Mutex<Vec<String>>>,
    ) {
        let (_never, backed_up_rx) = watch::channel(false);
        let served = Arc::new(Mutex::new(Vec::new()));
        let (elsewhere, _) = watch::channel(false);
        let (addr, stop) =
            recording_server(backed_up_rx, elsewhere, Arc::clone(&served), limits).await;
        (addr, stop, served)
    }

    /// Sends request `id` on a fresh connection and checks that it is
    /// answered and kept alive.
    async fn kept_alive(addr: std::net::SocketAddr, id: usize) -> TcpStream {
        let mut client = send(addr, id).await;
        let answer = answer(&mut client).await;
        assert!(answer.starts_with("http/1.1 200"), "{answer}");
        assert!(!answer.contains("connection: close"), "{answer}");
        client
    }

    /// Reads one answer from `client`, lowercased.
    async fn answer(client: &mut TcpStream) -> String {
        let mut answer = vec![0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(5), client.read(&mut answer))
            .await
            .expect("an answer")
            .expect("read");
        String::from_utf8_lossy(&answer[..n]).to_lowercase()
    }

    fn served_now(served: &Mutex<Vec<String>>) -> Vec<String> {
        served.lock().expect("not poisoned").clone()
    }

    #[tokio::test]
    async fn parked_connections_are_served_oldest_first_and_one_per_moment_of_relief() {
        let (backed_up_tx, backed_up_rx) = watch::channel(true);
        let served = Arc::new(Mutex::new(Vec::new()));
        let (addr, _stop) = parking_server(backed_up_rx, &backed_up_tx, &served).await;
        let mut clients = Vec::new();
        for id in 0..4 {
            clients.push(send(addr, id).await);
        }
        // Parked well past the header read timeout, and nothing served.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(served_now(&served), Vec::<String>::new());

        for round in 1..=4 {
            // A moment of relief: the handler says backed up again as soon
            // as it serves one, and only that one may be released.
            backed_up_tx.send_replace(false);
            for _ in 0..500 {
                if served_now(&served).len() >= round {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            let expected: Vec<String> = (0..round).map(|id| id.to_string()).collect();
            assert_eq!(served_now(&served), expected, "round {round}");
        }
        // Each answered (not timed out while parked); all but the last
        // were told to close, since others were parked behind them.
        for (id, client) in clients.iter_mut().enumerate() {
            let answer = answer(client).await;
            assert!(answer.starts_with("http/1.1 200"), "{id}: {answer}");
            assert_eq!(
                answer.contains("connection: close"),
                id < 3,
                "{id}: {answer}"
            );
        }
    }

    #[tokio::test]
    async fn at_shutdown_parked_connections_are_closed_unread() {
        let (backed_up_tx, backed_up_rx) = watch::channel(true);
        let served = Arc::new(Mutex::new(Vec::new()));
        let (addr, stop) = parking_server(backed_up_rx, &backed_up_tx, &served).await;
        let mut parked = send(addr, 0).await;
        tokio::time::sleep(Duration::from_millis(100)).await;

        stop.send(()).expect("server running");
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), parked.read_to_end(&mut answer))
            .await
            .expect("closed");
        assert!(read.is_err() || answer.is_empty(), "answered: {answer:?}");
        assert_eq!(served_now(&served), Vec::<String>::new());
    }

    #[tokio::test]
    async fn without_pressure_connections_are_served_at_once() {
        let (addr, _stop, served) = calm_server(parking_limits()).await;
        kept_alive(addr, 7).await;
        assert_eq!(served_now(&served), ["7"]);
    }

    #[tokio::test]
    async fn past_the_kept_alive_cap_responses_close_their_connection() {
        let (addr, _stop, served) = calm_server(ConnLimits {
            max_kept_alive: 1,
            ..ConnLimits::default()
        })
        .await;
        // Alone, within the cap: kept alive.
        let mut first = kept_alive(addr, 1).await;
        // A second connection open: two past the cap of one, so its answer
        // closes it.
        let mut second = send(addr, 2).await;
        let past = answer(&mut second).await;
        assert!(past.starts_with("http/1.1 200"), "{past}");
        assert!(past.contains("connection: close"), "{past}");
        // An idle one open beside it: the first's next answer closes the
        // first.
        let _idle = TcpStream::connect(addr).await.expect("connect");
        tokio::time::sleep(Duration::from_millis(50)).await;
        send_on(&mut first, 3).await;
        let next = answer(&mut first).await;
        assert!(next.contains("connection: close"), "{next}");
        assert_eq!(served_now(&served), ["1", "2", "3"]);
    }

    #[tokio::test]
    async fn connections_that_send_nothing_hold_no_place_under_the_served_cap() {
        let (addr, _stop, served) = calm_server(ConnLimits {
            max_served: 1,
            ..ConnLimits::default()
        })
        .await;
        // A client that never sends (slow or idle) holds its place for the
        // grace only: one that sends behind it is then answered, well
        // before the silent one's header read timeout.
        let _silent = TcpStream::connect(addr).await.expect("connect");
        tokio::time::sleep(Duration::from_millis(50)).await;
        // (`answer` waits 5 s at most, half the header read timeout.)
        kept_alive(addr, 1).await;
        assert_eq!(served_now(&served), ["1"]);
    }

    #[tokio::test]
    async fn past_the_served_cap_connections_are_parked_until_a_served_one_closes() {
        let (addr, _stop, served) = calm_server(ConnLimits {
            max_served: 1,
            ..ConnLimits::default()
        })
        .await;
        // Alone: served and kept alive.
        let mut first = kept_alive(addr, 1).await;
        // The first, idle, still holds the one place: the second is parked,
        // ingest not backed up at all.
        let mut second = send(addr, 2).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(served_now(&served), ["1"]);
        // The first's next answer gives its place up, since one waits.
        send_on(&mut first, 3).await;
        let next = answer(&mut first).await;
        assert!(next.contains("connection: close"), "{next}");
        // Then the parked one is served.
        let turn = answer(&mut second).await;
        assert!(turn.starts_with("http/1.1 200"), "{turn}");
        assert_eq!(served_now(&served), ["1", "3", "2"]);
    }

    #[test]
    fn a_wide_reader_reads_32_kib_at_a_time_and_the_others_a_head() {
        assert_eq!(read_buf_size(8 << 10, false), 8 << 10);
        assert_eq!(read_buf_size(1 << 10, false), 8 << 10, "hyper's floor");
        assert_eq!(read_buf_size(8 << 10, true), WIDE_READ_BUFFER);
        assert_eq!(
            read_buf_size(64 << 10, true),
            64 << 10,
            "room for the largest head allowed"
        );
    }

    #[test]
    fn wide_read_buffers_go_to_so_many_connections_at_once() {
        let wide = WideReads::new(2);
        let first = wide.take_for(None);
        let second = wide.take_for(None);
        assert!(first.is_some() && second.is_some());
        assert!(wide.take_for(None).is_none(), "both places taken");
        drop(first);
        assert!(
            wide.take_for(None).is_some(),
            "a closed connection's place is free"
        );
        assert!(WideReads::new(0).take_for(None).is_none());
    }

    #[test]
    fn a_connection_that_was_parked_gets_no_wide_read_buffer() {
        let wide = WideReads::new(2);
        let parked = ParkedFor(Duration::from_millis(5));
        assert!(wide.take_for(Some(&parked)).is_none());
        assert!(wide.take_for(None).is_some(), "its place was not taken");
    }
}
