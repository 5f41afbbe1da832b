//! The server as a function: [`run`] takes a validated [`Config`], a bound
//! listener and a shutdown future, and serves until the future resolves.
//! `main` and the integration tests call the same function.
//!
//! Shutdown order: stop accepting, end live streams (they would otherwise
//! keep graceful shutdown waiting forever), let in-flight requests finish
//! (each waits for its batch to commit), drop the last queue handle so the
//! writer drains and flushes what is left, join the writer thread, let the
//! projector catch up with the last batch, return.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use axum::Router;
use tokio::net::TcpListener;

use crate::api;
use crate::api::sse::Shutdown;
use crate::config::Config;
use crate::ingest::auth::IngestAuth;
use crate::ingest::{handler, Ingestor};
use crate::project::{self, Projection, Projector};
use crate::store::checkpointer;
use crate::store::feed::Feed;
use crate::store::handoff::Handoff;
use crate::store::sqlite::{self, Reader};
use crate::store::turns::WriteTurns;
use crate::store::writer::{self, Writer, WriterHandle};

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    /// The configuration the server runs with.
    pub config: Config,
    /// The ingest pipeline.
    pub ingestor: Ingestor,
    /// Read access to the log.
    pub reader: Arc<Reader>,
    /// The writer queue (for `/readyz`; it runs in `--dry-run` too).
    pub writer: WriterHandle,
    /// Every delivery the writer commits, for live streams.
    pub feed: Feed,
    /// The call projections' position and live updates.
    pub projection: Projection,
    /// Fires when the server starts shutting down, to end live streams.
    pub shutdown: Shutdown,
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

    // Opening and migrating touch the disk: keep them off the async workers.
    let db = config.db.clone();
    let durability = config.durability;
    let conn = tokio::task::spawn_blocking(move || sqlite::open_writer(&db, durability))
        .await?
        .with_context(|| format!("opening the database {}", config.db.display()))?;
    let reader = Arc::new(
        Reader::open(&config.db)
            .with_context(|| format!("opening {} for reading", config.db.display()))?,
    );
    let checkpoint_conn = checkpointer::open(&config.db)
        .with_context(|| format!("opening {} for checkpoints", config.db.display()))?;
    let (wal_growth, checkpoint_thread) =
        checkpointer::spawn(checkpoint_conn).context("starting the checkpoint thread")?;
    let feed = Feed::new(config.stream_capacity);
    let turns = WriteTurns::default();
    let handoff = Handoff::default();
    let (writer, writer_thread) = writer::spawn(
        Writer::new(conn, config.max_batch)
            .with_feed(feed.clone())
            .with_handoff(handoff.clone())
            .with_checkpointer(wal_growth)
            .with_write_turns(turns.clone()),
        config.queue_capacity,
    )
    .context("starting the writer thread")?;
    let db = config.db.clone();
    let projector = tokio::task::spawn_blocking(move || {
        Projector::open(&db, project::DEFAULT_BATCH, project::DEFAULT_CACHE)
    })
    .await?
    .context("opening the projector")?
    .with_write_turns(turns)
    .with_handoff(handoff);
    let projection = projector.projection();
    let projector_task = projector.spawn(writer.committed());

    // The HMAC plans' headers are kept with each delivery (to re-check the
    // signature later) and their message-id header is a dedup key.
    let id_header = auth.message_id_header();
    let kept_headers = auth.kept_headers();
    let ingestor = Ingestor::new(
        auth,
        config.max_depth,
        (!config.dry_run).then(|| writer.clone()),
        id_header,
        kept_headers,
    );
    if config.dry_run {
        tracing::warn!("--dry-run: deliveries are parsed and answered but NOT stored");
    }
    let (end_streams, streams_shutdown) = Shutdown::new();
    let state = Arc::new(AppState {
        config,
        ingestor,
        reader,
        writer,
        feed,
        projection,
        shutdown: streams_shutdown,
    });
    let app = router(Arc::clone(&state));
    tracing::info!(
        addr = %local,
        db = %state.config.db.display(),
        durability = ?state.config.durability,
        paths = ?state.config.ingest_paths,
        "calltap serving"
    );

    // Graceful shutdown waits for every open response to finish, and a live
    // stream never finishes by itself: tell the streams to end as soon as
    // shutdown begins, so that the drain completes promptly.
    let shutdown = async move {
        shutdown.await;
        end_streams.trigger();
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
    tracing::info!("stopped accepting; flushing the writer");

    // Every connection has finished, so the router's clones of the state
    // are gone; dropping ours closes the queue and the writer drains it.
    drop(state);
    tokio::task::spawn_blocking(move || writer_thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    // The writer is gone, so the projector makes its last catch-up and ends,
    // and the checkpointer makes its last round.
    projector_task.await.context("joining the projector")?;
    tokio::task::spawn_blocking(move || checkpoint_thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the checkpoint thread panicked"))?;
    tracing::info!("calltap stopped");
    Ok(())
}

/// All routes: the ingest paths, `/api/v1/*`, health and metrics.
pub fn router(state: Arc<AppState>) -> Router {
    let mut ingest = Router::new();
    for path in &state.config.ingest_paths {
        ingest = ingest.route(path, post(handler::receive).fallback(handler::not_post));
    }
    let ingest = ingest.layer(DefaultBodyLimit::max(state.config.body_limit));
    Router::new()
        .merge(ingest)
        .merge(api::router(Arc::clone(&state)))
        .merge(api::ops_router())
        .with_state(state)
}
