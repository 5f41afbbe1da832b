//! The server as a function: [`run`] takes a validated [`Config`], a bound
//! listener and a shutdown future, and serves until the future resolves.
//! `main` and the integration tests call the same function.
//!
//! Shutdown order: stop accepting, end live streams (they would otherwise
//! keep graceful shutdown waiting forever), let in-flight requests finish
//! (each waits for its batch to commit), drop the last queue handle so the
//! writer drains and flushes what is left, join the writer thread, let the
//! projector catch up with the last batch, return. All of it within
//! `shutdown_timeout` of the signal: past it, [`run`] returns and leaves
//! what still runs behind (a request that never completes, a store that
//! keeps failing); nothing unanswered was acknowledged, and what was not
//! projected is projected at the next start.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::FromRef;
use axum::Router;
use bytes::Bytes;
use tokio::net::TcpListener;

use crate::api::error::RetryAfter;
use crate::api::forward::Forwarding;
use crate::api::health::Readiness;
use crate::api::sse::{Shutdown, Streams};
use crate::api::{self, ApiToken};
use crate::config::Config;
use crate::conn::{self, ConnLimits};
use crate::forward::app::{AppDestination, AppTarget};
use crate::forward::nats::NatsDestination;
use crate::forward::outbox;
use crate::forward::proxy::Proxy;
use crate::ingest::auth::IngestAuth;
use crate::ingest::handler::{self, IngestState};
use crate::ingest::Ingestor;
use crate::project::{self, Projection, Projector};
use crate::store::admission::AdmissionRule;
use crate::store::backend::Reader;
use crate::store::feed::Feed;
use crate::store::handoff::Handoff;
use crate::store::open::Store;
use crate::store::writer::{self, Writer};
use crate::store::{Access, StoreError};
use crate::ui::{self, access::ConsoleAccess};

/// What every handler can reach; each router takes only the parts it
/// needs ([`FromRef`]), so that it can be built and tested alone. Shared:
/// axum clones the state for every request, and this costs one count.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Parts>);

/// The parts of the [`AppState`].
#[derive(Debug)]
pub struct Parts {
    /// The ingest pipeline and its limits.
    pub ingest: IngestState,
    /// Read access to the store.
    pub reader: Reader,
    /// Every delivery the writer commits, for live streams.
    pub feed: Feed,
    /// The call projections' position and live updates.
    pub projection: Projection,
    /// Keep-alives and shutdown, for live streams.
    pub streams: Streams,
    /// The API token `/api/v1` requires, if any.
    pub api_token: ApiToken,
    /// The writer's state, for `/readyz`.
    pub readiness: Readiness,
    /// The outboxes, for `/api/v1/forward`.
    pub forwarding: Forwarding,
    /// Who may see the console.
    pub console: ConsoleAccess,
}

/// Implements `FromRef<AppState>` for each part of the state.
macro_rules! parts {
    ($($field:ident: $part:ty),* $(,)?) => {$(
        impl FromRef<AppState> for $part {
            fn from_ref(state: &AppState) -> $part {
                state.0.$field.clone()
            }
        }
    )*};
}

parts! {
    ingest: IngestState,
    reader: Reader,
    feed: Feed,
    projection: Projection,
    streams: Streams,
    api_token: ApiToken,
    readiness: Readiness,
    forwarding: Forwarding,
    console: ConsoleAccess,
}

/// Serves until `shutdown` resolves, then drains and returns.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let local = listener.local_addr().context("reading the bound address")?;
    config.validate(local)?;
    let auth = IngestAuth::new(config.auth.clone(), config.public_url.clone());
    if auth.is_enabled() {
        tracing::info!(checks = ?auth.describe(), "ingest auth: a delivery passing any one check is accepted");
    } else {
        tracing::warn!(
            "NO INGEST AUTH CONFIGURED: anyone who can reach {local} can write to the log. \
             Set --vapi-secret, --bearer-token, --hmac-secret or --standard-webhooks-secret."
        );
    }
    if config.api_token.is_none() {
        tracing::warn!(
            "no --api-token: the query API under /api is open to anyone who can reach {local}"
        );
    }
    api::metrics::install();

    // Held until `run` returns: `calltap rebuild` refuses the database
    // while a server uses it, and a server refuses it during a rebuild.
    let _claim = Store::claim(&config.db, Access::Shared).map_err(|err| match err {
        StoreError::InUse { .. } => anyhow::anyhow!(
            "{err}: {} cannot be served until it finishes; start calltap serve again then",
            config.db.display()
        ),
        other => anyhow::Error::new(other).context(format!("locking {}", config.db.display())),
    })?;
    // Opening and migrating touch the disk: keep them off the async workers.
    let db = config.db.clone();
    let durability = config.durability;
    let store = tokio::task::spawn_blocking(move || Store::open(&db, durability))
        .await?
        .with_context(|| format!("opening the database {}", config.db.display()))?;
    let reader = store
        .reader()
        .with_context(|| format!("opening {} for reading", config.db.display()))?;
    let (log, store_threads) = store
        .log_writer_within(config.writer_memos)
        .with_context(|| format!("opening {} for writing", config.db.display()))?;
    let feed = Feed::new(config.stream_capacity, config.feed_bytes);
    // The handoffs share one byte budget: the projector's, and one for each
    // outbox, which takes the whole bodies from it rather than rebuilding
    // them from the log.
    let handoffs = 1 + usize::from(config.forward.is_some()) + usize::from(config.nats.is_some());
    let handoff_bytes = (config.handoff_bytes / handoffs).max(1);
    let handoff_projector: Handoff = Handoff::bounded_by(handoff_bytes);
    let mut log_writer = Writer::new(log, config.max_batch)
        .with_known_pieces_bytes(config.writer_memos.known_pieces)
        .with_feed(feed.clone())
        .with_handoff(handoff_projector.clone());
    let handoff_app: Option<Handoff<Bytes>> = config
        .forward
        .as_ref()
        .map(|_| Handoff::bounded_by(handoff_bytes));
    let handoff_nats: Option<Handoff<Bytes>> = config
        .nats
        .as_ref()
        .map(|_| Handoff::bounded_by(handoff_bytes));
    for outbox_handoff in handoff_app.iter().chain(&handoff_nats) {
        log_writer = log_writer.with_handoff(outbox_handoff.clone());
    }
    let (writer, writer_thread) = writer::spawn(
        log_writer,
        AdmissionRule {
            max_wait: config.queue_max_wait,
            max_bytes: config.queue_max_bytes,
            one_batch: config.max_batch,
        },
    )
    .context("starting the writer thread")?;
    let projector_store = store.clone();
    let projector_cache_bytes = config.projector_cache_bytes;
    let (projector, upgrade) = tokio::task::spawn_blocking(move || {
        let mut projector = Projector::open(
            &projector_store,
            project::DEFAULT_BATCH,
            projector_cache_bytes,
        )?;
        let upgrade = projector.upgrade()?;
        Ok::<_, StoreError>((projector, upgrade))
    })
    .await?
    .context("opening the projector")?;
    let projector = projector.with_handoff(handoff_projector);
    if let Some(upgrade) = upgrade {
        tracing::warn!(
            from = upgrade.from,
            to = upgrade.to,
            events = upgrade.until.get(),
            "rebuilding projections: they were written in format {} and this calltap writes {}; \
             they are rebuilt from the log in the background while ingest and the API run \
             (the calls API answers from the calls rebuilt so far; /readyz says how far)",
            upgrade.from,
            upgrade.to,
        );
    }
    let projection = projector.projection();
    let projector_task = projector.spawn(writer.committed());

    // calltap in front of the team's app: one connection pool for the
    // questions' proxy and the app's outbox.
    let mut proxy = None;
    let mut handles = Vec::new();
    let mut outbox_tasks = Vec::new();
    if let Some(forward) = &config.forward {
        let target = Arc::new(AppTarget::new(forward).context("building the HTTP client")?);
        proxy = Some(Proxy::new(Arc::clone(&target), forward));
        let destination = Arc::new(AppDestination::new(target, forward));
        let (handle, task) = outbox::spawn(
            destination,
            store
                .outbox_writer()
                .context("opening the outbox's connection")?,
            store.reader().context("opening the outbox's reader")?,
            handoff_app,
            writer.committed(),
            forward.retry.clone(),
            forward.max_in_flight,
        )
        .await
        .context("loading the outbox")?;
        tracing::info!(url = %forward.url, types = ?forward.types, "forwarding to the app");
        handles.push(handle);
        outbox_tasks.push(task);
    }
    // And to NATS JetStream: a second destination on the same outbox
    // machinery. NATS may be down: it connects in the background, and
    // `/readyz` says why until the stream is ensured.
    let mut nats_readiness = None;
    if let Some(nats) = &config.nats {
        let (destination, readiness) = NatsDestination::start(nats)
            .await
            .context("starting the NATS destination")?;
        let (handle, task) = outbox::spawn(
            Arc::new(destination),
            store
                .outbox_writer()
                .context("opening the NATS outbox's connection")?,
            store.reader().context("opening the NATS outbox's reader")?,
            handoff_nats,
            writer.committed(),
            nats.retry.clone(),
            nats.max_in_flight,
        )
        .await
        .context("loading the NATS outbox")?;
        nats_readiness = Some(readiness);
        handles.push(handle);
        outbox_tasks.push(task);
    }
    let forwarding = Forwarding(Arc::new(handles));

    // The HMAC plans' headers are kept with each delivery (to re-check the
    // signature later).
    let kept_headers = auth.kept_headers();
    let mut ingestor = Ingestor::new(
        auth,
        config.body_limit,
        config.max_depth,
        (!config.dry_run).then(|| writer.clone()),
        kept_headers,
    );
    if let Some(proxy) = proxy {
        ingestor = ingestor.with_proxy(proxy);
    }
    if config.dry_run {
        tracing::warn!("--dry-run: deliveries are parsed and answered but NOT stored");
    }
    let (end_streams, streams_shutdown) = Shutdown::new();
    let state = AppState(Arc::new(Parts {
        ingest: IngestState {
            ingestor: Arc::new(ingestor),
            body_limit: config.body_limit,
            body_read_timeout: config.body_read_timeout,
            body_budget: crate::ingest::budget::BodyBudget::backed_up_at(
                config.body_budget_bytes.max(config.body_limit),
                config.max_waiting_requests,
            ),
            max_wait: config.queue_max_wait,
        },
        reader,
        feed,
        projection: projection.clone(),
        streams: Streams {
            keep_alive: config.stream_keep_alive,
            shutdown: streams_shutdown,
        },
        api_token: ApiToken::new(config.api_token.clone()),
        readiness: Readiness {
            writer,
            forwarding: forwarding.clone(),
            nats: nats_readiness,
            projection: projection.clone(),
        },
        forwarding,
        console: ConsoleAccess {
            token: ApiToken::new(config.api_token.clone()),
            open_without_token: local.ip().is_loopback() || config.allow_unauthenticated,
        },
    }));
    let app = router(&config, state.clone());
    tracing::info!(
        addr = %local,
        db = %config.db.display(),
        durability = ?config.durability,
        paths = ?config.ingest_paths,
        "calltap serving"
    );

    // Graceful shutdown waits for every open response to finish, and a live
    // stream never finishes by itself: tell the streams to end as soon as
    // shutdown begins, so that the drain completes promptly.
    let (stopping, stop_asked) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        shutdown.await;
        let _ = stopping.send(());
        end_streams.trigger();
    };
    let limits = connection_limits(&config);
    // New connections are parked while this many ingest requests wait for
    // their answer: each holds its connection's buffers and its body.
    let backed_up = state.0.ingest.body_budget.backed_up();
    let serve_and_drain = async move {
        conn::serve(listener, app, limits, backed_up, shutdown).await;
        tracing::info!("stopped accepting; flushing the writer");

        // Every connection has finished, so the router's clones of the state
        // are gone; dropping ours closes the queue and the writer drains it.
        drop(state);
        tokio::task::spawn_blocking(move || writer_thread.join())
            .await?
            .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
        // The writer is gone, so the projector makes its last catch-up and
        // ends (one attempt, even when its steps fail), and the store's own
        // threads make their last round.
        projector_task.await.context("joining the projector")?;
        for task in outbox_tasks {
            task.await.context("joining an outbox")?;
        }
        tokio::task::spawn_blocking(move || store_threads.join())
            .await?
            .map_err(|err| anyhow::anyhow!(err))?;
        anyhow::Ok(())
    };
    // The bound on a stop: it starts when the stop is asked for (the
    // sender is dropped unsent only if serving failed, and then the drain
    // ends by itself).
    let timeout = config.shutdown_timeout;
    let deadline = async move {
        if stop_asked.await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(timeout).await;
    };
    tokio::select! {
        result = serve_and_drain => result?,
        () = deadline => {
            tracing::warn!(
                timeout = ?timeout,
                "the stop took longer than the shutdown timeout: leaving what still runs; \
                 requests not answered were not acknowledged, and what was not projected \
                 is projected at the next start"
            );
            return Ok(());
        }
    }
    tracing::info!("calltap stopped");
    Ok(())
}

/// Descriptors kept free of connections: the database's files, the
/// outbox's client, the log.
const RESERVED_FILES: u64 = 256;

/// The connection limits of `config`, with the connection limit kept below
/// the open-file limit (raised as far as the system allows first), so that
/// accepting never fails for want of a descriptor.
fn connection_limits(config: &Config) -> ConnLimits {
    let mut max_connections = config.max_connections;
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(files) => {
            let fit =
                usize::try_from(files.saturating_sub(RESERVED_FILES).max(16)).unwrap_or(usize::MAX);
            if fit < max_connections {
                tracing::warn!(
                    max_connections,
                    open_file_limit = files,
                    "lowering the connection limit to {fit} to fit the open-file limit (raise it with `ulimit -n`)"
                );
                max_connections = fit;
            }
        }
        Err(err) => tracing::warn!(error = %err, "could not read the open-file limit"),
    }
    ConnLimits {
        header_read_timeout: config.header_read_timeout,
        max_connections,
        // Half the served, so that a sender's idle pool leaves room for
        // new connections.
        max_kept_alive: match config.max_served_connections {
            0 => usize::MAX,
            served => (served / 2).max(1),
        },
        // Parked past the wait budget: served, to be answered 503 rather
        // than left to the sender's timeout.
        max_parked: config.queue_max_wait,
        max_served: match config.max_served_connections {
            0 => usize::MAX,
            served => served,
        },
        max_header_bytes: config.max_header_bytes,
        wide_readers: crate::conn::WIDE_READERS,
    }
}

/// All routes: the ingest paths, `/api/v1/*` (behind the API token when
/// one is configured), the console under `/ui/` (behind its own rule),
/// health, metrics and the OpenAPI document (never behind it: probes and
/// scrapers need no credential, and the document reveals none of the
/// data). A browser's `GET /` goes to the console. Every 503 gets the
/// configured `Retry-After`.
pub fn router(config: &Config, state: AppState) -> Router {
    let query = Router::new()
        .merge(api::events::router())
        .merge(api::quarantine::router())
        .merge(api::calls::router())
        .merge(api::call_stream::router())
        .merge(api::stats::router())
        .merge(api::forward::router())
        .merge(api::stream::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::require_api_token,
        ));
    let console = {
        let access = ConsoleAccess::from_ref(&state);
        ui::routes::router(access)
    };
    let mut app = Router::new()
        .merge(handler::router(&config.ingest_paths, config.body_limit))
        .merge(query)
        .merge(console)
        .merge(api::openapi::router())
        .merge(api::health::router())
        .merge(api::metrics::router());
    // When `/` is an ingest path its handler sends browsers on; otherwise
    // `/` is only the way in to the console, and any other method finds
    // nothing there, as before.
    if !config.ingest_paths.iter().any(|p| p == "/") {
        app = app.route(
            "/",
            axum::routing::get(|| async { axum::response::Redirect::to("/ui/") })
                .fallback(|| async { http::StatusCode::NOT_FOUND }),
        );
    }
    app.layer(axum::middleware::map_response_with_state(
        RetryAfter(config.retry_after),
        RetryAfter::stamp,
    ))
    .with_state(state)
}
