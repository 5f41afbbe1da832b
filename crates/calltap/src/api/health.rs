//! `GET /healthz` (the process is up) and `GET /readyz` (the database
//! takes writes, every outbox runs, and the NATS stream, if any, is
//! ensured; and whether the call projections are being rebuilt after an
//! upgrade).

use axum::extract::{FromRef, State};
use axum::routing::get;
use axum::{Json, Router};

use super::forward::Forwarding;
use super::ApiError;
use crate::forward::nats::StreamReadiness;
use crate::project::Projection;
use crate::store::writer::WriterHandle;

/// What `/readyz` looks at: the writer, the outboxes, the NATS stream, the
/// projector.
#[derive(Clone, Debug)]
pub struct Readiness {
    /// The writer queue (it runs in `--dry-run` too).
    pub writer: WriterHandle,
    /// The outboxes, which must be running (an app that is down does not
    /// make calltap unready: its deliveries wait in the outbox).
    pub forwarding: Forwarding,
    /// The NATS stream, when deliveries are published to NATS: not ready
    /// until calltap has connected and ensured the stream (at start, or
    /// while it creates a stream that vanished). NATS going away later
    /// does not make calltap unready: deliveries wait in the outbox.
    pub nats: Option<StreamReadiness>,
    /// The projector, which may be rebuilding projections of an older
    /// format ([`Projection::rebuilding`]).
    pub projection: Projection,
}

/// `GET /healthz` and `GET /readyz` (never behind the API token: probes
/// need no credential).
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Readiness: FromRef<S>,
{
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// 200 while the process serves HTTP.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "ops",
    responses((status = 200, description = "`{\"status\": \"ok\"}`.", body = Object))
)]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// 200 when the writer is running and its last commit succeeded (or it has
/// not had to commit yet), every outbox runs and the NATS stream (if any)
/// is ensured; 503 with the reason otherwise, e.g. while the disk is full
/// or NATS has not been reached since the start. While the call
/// projections are rebuilt after an upgrade changed their format, still
/// 200 (deliveries are taken and kept as ever; a 503 would make a load
/// balancer turn them away, and Vapi does not retry by default) but
/// `status` is `rebuilding` and `detail` says how far: the calls API
/// answers from the calls rebuilt so far until then.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "ops",
    responses(
        (status = 200, description = "`{\"status\": \"ok\"}`: the database takes writes. `{\"status\": \"rebuilding\", \"detail\": \"rebuilding projections (N of M)\"}`: it does, and the call projections are being rebuilt from the log after an upgrade (the calls API answers from the calls rebuilt so far).", body = Object),
        (status = 503, description = "The writer stopped, its last commit failed, an outbox stopped or the NATS stream is not ensured yet; `Retry-After` says when to ask again.", body = super::ErrorOut),
    )
)]
pub async fn readyz(
    State(readiness): State<Readiness>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let writer = &readiness.writer;
    if !writer.is_running() {
        return Err(ApiError::Unavailable {
            kind: "writer_stopped",
            reason: "the database writer has stopped".to_owned(),
        });
    }
    if !writer.health().is_writable() {
        return Err(ApiError::Unavailable {
            kind: "store_unavailable",
            reason: "the last commit failed; the database is not taking writes".to_owned(),
        });
    }
    if let Some(stopped) = readiness.forwarding.0.iter().find(|h| !h.is_running()) {
        return Err(ApiError::Unavailable {
            kind: "outbox_stopped",
            reason: format!("the outbox of {} has stopped", stopped.name),
        });
    }
    if let Some(reason) = readiness.nats.as_ref().and_then(|n| n.unready_reason()) {
        return Err(ApiError::Unavailable {
            kind: "nats_not_ready",
            reason,
        });
    }
    if let Some((position, until)) = readiness.projection.rebuilding() {
        return Ok(Json(serde_json::json!({
            "status": "rebuilding",
            "detail": format!("rebuilding projections ({position} of {until})"),
        })));
    }
    Ok(Json(serde_json::json!({"status": "ok"})))
}
