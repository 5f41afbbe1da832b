//! `GET /metrics` in the Prometheus text format.
//!
//! The `metrics` crate has ONE global recorder per process, while the
//! integration tests run many servers in one process. So the Prometheus
//! recorder is installed once ([`install`], guarded by a `OnceLock`) and
//! every server in the process renders the same registry: counters are
//! process-wide, and tests assert with `>=`.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide Prometheus recorder (once) and returns its
/// handle; `None` if another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("calltap_commit_seconds".to_owned()),
                    &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5],
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("calltap_batch_size".to_owned()),
                        &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0],
                    )
                });
            match builder.and_then(|b| b.install_recorder()) {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(err) => {
                    tracing::warn!(error = %err, "metrics recorder not installed; /metrics will be empty");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(
        "calltap_deliveries_received_total",
        "Deliveries received on an ingest path."
    );
    metrics::describe_counter!(
        "calltap_deliveries_stored_total",
        "Deliveries committed to the log."
    );
    metrics::describe_counter!(
        "calltap_deliveries_duplicate_total",
        "Deliveries whose key was already stored."
    );
    metrics::describe_counter!(
        "calltap_dedup_conflicts_total",
        "Deliveries whose signed message id was stored before with other bytes (stored too, and flagged)."
    );
    metrics::describe_counter!(
        "calltap_deliveries_rejected_total",
        "Deliveries rejected as bad input, by reason."
    );
    metrics::describe_counter!(
        "calltap_auth_failures_total",
        "Deliveries that failed ingest auth, by reason."
    );
    metrics::describe_counter!(
        "calltap_overloaded_total",
        "Deliveries answered 503 because the write queue was full."
    );
    metrics::describe_counter!(
        "calltap_commit_failures_total",
        "Batches the database did not take."
    );
    metrics::describe_histogram!("calltap_batch_size", "Jobs per committed batch.");
    metrics::describe_histogram!(
        "calltap_commit_seconds",
        "Time to write and commit one batch."
    );
    metrics::describe_gauge!("calltap_queue_depth", "Jobs waiting for the writer.");
    metrics::describe_gauge!(
        "calltap_body_bytes_in_flight",
        "Request body bytes ingest holds in memory now, read or queued (within --body-budget-bytes)."
    );
    metrics::describe_gauge!(
        "calltap_body_bytes_in_flight_peak",
        "The most request body bytes ingest has held in memory at once since the start."
    );
    metrics::describe_counter!(
        "calltap_feed_elided_total",
        "Deliveries published to live streams without their body, which would have passed --feed-bytes (streams read it from the log)."
    );
    metrics::describe_gauge!(
        "calltap_connections",
        "Open HTTP connections (at most --max-connections)."
    );
    metrics::describe_counter!(
        "calltap_connections_timed_out_total",
        "Connections closed because a request's headers did not arrive within --header-read-timeout (slow or idle clients)."
    );
    metrics::describe_counter!(
        "calltap_connections_turned_over_total",
        "Responses sent with `Connection: close` because other connections waited for a turn (every slot of --max-connections taken, or connections parked) or more than half --max-served-connections were open, so that one of them gets it."
    );
    metrics::describe_gauge!(
        "calltap_connections_parked",
        "Connections accepted but not yet served because ingest is backed up (--max-waiting-requests) or --max-served-connections are served; served oldest first once neither holds."
    );
    metrics::describe_counter!(
        "calltap_connections_parked_total",
        "Connections parked since the start, accepted while ingest was backed up (--max-waiting-requests) or the served connections at their cap (--max-served-connections)."
    );
    metrics::describe_counter!(
        "calltap_connections_parked_overdue_total",
        "Parked connections served while ingest was still backed up or the served connections at their cap, because they had waited --queue-max-wait-ms: their requests count the time parked in their wait budget (a 503 once it is spent)."
    );
    metrics::describe_counter!(
        "calltap_accept_errors_total",
        "Connections the listener failed to accept (e.g. out of file descriptors)."
    );
    metrics::describe_gauge!(
        "calltap_projection_cache_bytes",
        "Estimated bytes of call states in the projector's cache, hot and frozen (bounded by --projector-cache-bytes)."
    );
    metrics::describe_gauge!(
        "calltap_projection_cache_frozen_bytes",
        "Bytes of the call states the projector's cache holds frozen (serialised and packed), part of calltap_projection_cache_bytes."
    );
    metrics::describe_counter!(
        "calltap_projection_cache_thawed_total",
        "Call states the projector thawed from its cache's frozen tier instead of reloading them from the log."
    );
    metrics::describe_counter!(
        "calltap_projection_cache_drops_total",
        "Times the projector's cache went over its byte budget with its frozen states and dropped the least recently used ones."
    );
    metrics::describe_counter!(
        "calltap_projection_loads_total",
        "Call states the projector read from the call's events in the log: a call seen for the first time, or one its cache held neither hot nor frozen."
    );
    metrics::describe_counter!(
        "calltap_projection_cache_evictions_total",
        "Times the projector's cache froze its least recently used hot call states, over their share of its byte budget."
    );
    metrics::describe_gauge!(
        "calltap_queue_bytes",
        "Body bytes waiting for the writer (admitted within --queue-max-bytes)."
    );
    metrics::describe_gauge!(
        "calltap_commit_rate_bytes",
        "The writer's measured commit rate under load, in body bytes per second (admission divides the queued bytes by it)."
    );
    metrics::describe_counter!(
        "calltap_wal_checkpoints_total",
        "Rounds of copying the WAL into the database file, off the writer's thread."
    );
    metrics::describe_gauge!(
        "calltap_wal_frames_after_checkpoint",
        "WAL frames the last checkpoint round could not copy yet (a reader still needed them)."
    );
    metrics::describe_gauge!("calltap_stream_clients", "Open SSE streams.");
    metrics::describe_counter!(
        "calltap_stream_lagged_total",
        "Times an SSE stream fell behind the live feed and caught up from the log."
    );
    metrics::describe_counter!(
        "calltap_projected_events_total",
        "Deliveries folded into the call projections."
    );
    metrics::describe_counter!(
        "calltap_projection_read_back_total",
        "Deliveries the projector read back from the log because the writer had not handed them over in memory (at start, after a failed step, or when it fell behind)."
    );
    metrics::describe_counter!(
        "calltap_projection_whole_body_fallbacks_total",
        "Deliveries the projector read whole because a piece did not read where it stands."
    );
    metrics::describe_gauge!(
        "calltap_projection_position",
        "The last log seq folded into the call projections."
    );
    metrics::describe_gauge!(
        "calltap_projection_lag_seqs",
        "Deliveries committed to the log and not yet folded into the call projections, as the projector's last step began."
    );
    metrics::describe_counter!(
        "calltap_projection_steps_total",
        "Projection steps the server computed, by priority: background (SCHED_IDLE, on CPU that ingest leaves idle) or normal (no background thread, more than 4,096 deliveries behind, or for 5 s after a step there took over half a second)."
    );
    metrics::describe_counter!(
        "calltap_projection_failures_total",
        "Projector steps that failed and will be retried from the log."
    );
    metrics::describe_counter!(
        "calltap_projection_unparsed_total",
        "Stored deliveries that fail typed parsing, projected as opaque events."
    );
    metrics::describe_counter!(
        "calltap_answers_total",
        "Questions forwarded to the app, by how they were answered (app, fallback, timeout, error)."
    );
    metrics::describe_histogram!(
        "calltap_answer_app_seconds",
        "Time the app took to answer a question (or until calltap gave up on it)."
    );
    metrics::describe_counter!(
        "calltap_answers_unrecorded_total",
        "Questions answered without a complete record, by reason (question_not_stored: the store refused the question; answer_not_stored: the answer could not be queued)."
    );
    metrics::describe_counter!(
        "calltap_forward_attempts_total",
        "Outbox delivery attempts, by destination and outcome (delivered, retry, dead)."
    );
    metrics::describe_gauge!(
        "calltap_forward_pending",
        "Deliveries an outbox holds that are neither delivered nor dead."
    );
    metrics::describe_gauge!(
        "calltap_forward_in_flight",
        "Outbox delivery attempts under way."
    );
    metrics::describe_gauge!(
        "calltap_forward_dead",
        "Deliveries an outbox gave up on (dead letters)."
    );
    metrics::describe_gauge!(
        "calltap_forward_lag_seqs",
        "Deliveries committed to the log that an outbox has not yet settled (delivered or dead)."
    );
    metrics::describe_gauge!(
        "calltap_forward_oldest_pending_seconds",
        "Age of the oldest delivery an outbox holds that is neither delivered nor dead."
    );
    metrics::describe_counter!(
        "calltap_forward_read_total",
        "Committed deliveries an outbox took, by destination and where from (memory: the writer's handoff; log: read back, at start or after the handoff overflowed)."
    );
    metrics::describe_counter!(
        "calltap_forward_save_failures_total",
        "Times an outbox could not save its position (it retries)."
    );
}

/// `GET /metrics` (never behind the API token: scrapers need no
/// credential); no state.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/metrics", get(render))
}

/// Renders every metric of the process.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "ops",
    responses((status = 200, description = "Every metric, in the Prometheus text format.", content_type = "text/plain; version=0.0.4", body = String))
)]
pub async fn render() -> impl IntoResponse {
    let text = install().map(|h| h.render()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
