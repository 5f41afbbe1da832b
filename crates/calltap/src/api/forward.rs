//! `GET /api/v1/forward` (each destination's outbox: pending, in flight,
//! oldest pending age, failing, dead-lettered, last error),
//! `GET /api/v1/forward/dead` (the dead letters, with their last error) and
//! `POST /api/v1/forward/retry` (send one dead letter again, or all).
//!
//! The counts come from the running outboxes ([`Forwarding`]); the dead
//! letters from the store, where each outbox keeps them.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRef, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{bad_query, page_limit, read, ApiError};
use crate::forward::now_ms;
use crate::forward::outbox::{OutboxHandle, OutboxStatus};
use crate::ids::{CallId, Seq};
use crate::store::backend::Reader;
use crate::store::PendingState;

/// The running outboxes, one per destination (none when nothing is
/// forwarded); cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Forwarding(pub Arc<Vec<OutboxHandle>>);

impl Forwarding {
    fn find(&self, name: Option<&str>) -> Result<&OutboxHandle, ApiError> {
        let found = match name {
            Some(name) => self.0.iter().find(|h| h.name == name),
            None => self.0.first(),
        };
        found.ok_or_else(|| {
            ApiError::NotFound(match name {
                Some(name) => format!("no destination named {name:?}"),
                None => "nothing is forwarded (no [forward] url or --forward-to)".to_owned(),
            })
        })
    }
}

/// The forwarding routes, over the store [`Reader`] and the [`Forwarding`].
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
    Forwarding: FromRef<S>,
{
    Router::new()
        .route("/api/v1/forward", get(status))
        .route("/api/v1/forward/dead", get(dead))
        .route("/api/v1/forward/retry", post(retry))
}

/// Every destination's outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardOut {
    /// One per destination; empty when nothing is forwarded.
    destinations: Vec<DestinationOut>,
}

/// One destination's outbox, as of its last count (at most 100 ms old).
#[derive(Debug, Serialize, ToSchema)]
pub struct DestinationOut {
    /// Its name (`app`, `nats`).
    name: String,
    /// Deliveries not yet delivered nor dead: ready, in flight, failing or
    /// waiting behind an earlier delivery of their call.
    pending: u64,
    /// Attempts under way.
    in_flight: u64,
    /// Deliveries whose last attempt failed, to be retried.
    failing: u64,
    /// Deliveries given up on (see `/api/v1/forward/dead`).
    dead: u64,
    /// How long ago the oldest pending delivery was received (ms).
    oldest_pending_age_ms: Option<i64>,
    /// The last error an attempt met.
    last_error: Option<LastErrorOut>,
    /// The last seq committed to the log.
    #[schema(value_type = i64)]
    committed_seq: Seq,
    /// Every delivery up to this seq is delivered or dead.
    #[schema(value_type = i64)]
    settled_seq: Seq,
    /// Deliveries committed and not yet settled (`committed_seq - settled_seq`).
    lag: i64,
}

/// An attempt's error and the delivery it was for.
#[derive(Debug, Serialize, ToSchema)]
pub struct LastErrorOut {
    /// The delivery's seq.
    #[schema(value_type = i64)]
    seq: Seq,
    /// What went wrong.
    error: String,
}

impl From<OutboxStatus> for DestinationOut {
    fn from(status: OutboxStatus) -> Self {
        DestinationOut {
            name: status.destination,
            pending: status.pending,
            in_flight: status.in_flight,
            failing: status.failing,
            dead: status.dead,
            oldest_pending_age_ms: status
                .oldest_pending_received_at
                .map(|at| (now_ms() - at).max(0)),
            last_error: status
                .last_error
                .map(|(seq, error)| LastErrorOut { seq, error }),
            committed_seq: status.committed,
            settled_seq: status.settled_to,
            lag: (status.committed.get() - status.settled_to.get()).max(0),
        }
    }
}

/// The outbox of every destination.
#[utoipa::path(
    get,
    path = "/api/v1/forward",
    operation_id = "getForward",
    tag = "forward",
    responses(
        (status = 200, description = "Each destination's outbox.", body = ForwardOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn status(State(forwarding): State<Forwarding>) -> Json<ForwardOut> {
    Json(ForwardOut {
        destinations: forwarding
            .0
            .iter()
            .map(|handle| handle.status().into())
            .collect(),
    })
}

/// Query string of the dead letters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadQuery {
    /// The destination, `app` or `nats` (default: the first configured,
    /// `app` when forwarding).
    pub destination: Option<String>,
    /// Only dead letters after this seq (the `next` of the previous page;
    /// 0: from the beginning).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub after: Option<Seq>,
    /// Page size (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u32>,
}

/// A page of dead letters, by seq.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadOut {
    /// The dead letters.
    dead: Vec<DeadLetterOut>,
    /// The `after` of the next page; `null` on the last page.
    #[schema(value_type = Option<i64>)]
    next: Option<Seq>,
}

/// A delivery given up on.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterOut {
    /// Its seq (`/api/v1/events/{seq}` has the delivery).
    #[schema(value_type = i64)]
    seq: Seq,
    /// Its call, if any.
    #[schema(value_type = Option<String>)]
    call_id: Option<CallId>,
    /// Attempts made.
    attempts: u32,
    /// When the first attempt was made (epoch ms).
    first_attempt_at: Option<i64>,
    /// The last attempt's error.
    last_error: Option<String>,
}

/// The dead letters of a destination, with their last error.
#[utoipa::path(
    get,
    path = "/api/v1/forward/dead",
    operation_id = "listForwardDead",
    tag = "forward",
    params(DeadQuery),
    responses(
        (status = 200, description = "A page of dead letters, by seq.", body = DeadOut),
        (status = 400, description = "A bad cursor or limit.", body = super::ErrorOut),
        (status = 404, description = "No such destination, or nothing is forwarded.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn dead(
    State(reader): State<Reader>,
    State(forwarding): State<Forwarding>,
    query: Result<Query<DeadQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let limit = page_limit(query.limit)?;
    let after = super::after_seq(query.after)?;
    let name = forwarding.find(query.destination.as_deref())?.name.clone();
    let rows = read(&reader, move |r| {
        r.pending(&name, Some(PendingState::Dead), after, limit)
    })
    .await?;
    let next = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.seq))
        .flatten();
    Ok(Json(DeadOut {
        dead: rows
            .into_iter()
            .map(|row| DeadLetterOut {
                seq: row.seq,
                call_id: row.call_id,
                attempts: row.attempts,
                first_attempt_at: row.first_attempt_at,
                last_error: row.last_error,
            })
            .collect(),
        next,
    })
    .into_response())
}

/// What to send again: one dead letter by seq, or every one. Its schema
/// (written by hand below) says exactly what the handler takes: `seq`
/// (with `all` absent or false), or `all: true` (without `seq`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryIn {
    /// The destination, `app` or `nats` (default: the first configured,
    /// `app` when forwarding).
    pub destination: Option<String>,
    /// The dead letter to send again (an integer, which JSON may also
    /// write as `5.0`).
    #[serde(default, deserialize_with = "integral_seq")]
    pub seq: Option<Seq>,
    /// Send every dead letter again, oldest first, as many as the outbox
    /// has room for (50,000 less what it holds): `revived` says how many;
    /// ask again for the rest.
    #[serde(default)]
    pub all: bool,
}

/// A seq written as any JSON number with an integral value in the 64-bit
/// range (`5` or `5.0`: JSON Schema's `integer` is both), or `null`.
fn integral_seq<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<Seq>, D::Error> {
    let Some(number) = Option::<serde_json::Number>::deserialize(de)? else {
        return Ok(None);
    };
    if let Some(n) = number.as_i64() {
        return Ok(Some(Seq::new(n)));
    }
    match number.as_f64() {
        // `i64::MAX as f64` rounds up to 2^63, so that bound is exclusive.
        Some(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
            Ok(Some(Seq::new(f as i64)))
        }
        _ => Err(serde::de::Error::custom(format!(
            "seq must be an integer seq, got {number}"
        ))),
    }
}

impl utoipa::PartialSchema for RetryIn {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
            Type,
        };
        let destination = || {
            ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                    Type::String,
                    Type::Null,
                ]))
                .description(Some("The destination (default: the first, `app`)."))
        };
        let flag = |value: bool, description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .enum_values(Some([value]))
                .description(Some(description))
        };
        let one = ObjectBuilder::new()
            .property("destination", destination())
            .property(
                "seq",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                    .description(Some("The dead letter to send again.")),
            )
            .required("seq")
            .property("all", flag(false, "Absent or false with `seq`."))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let all = ObjectBuilder::new()
            .property("destination", destination())
            .property("all", flag(true, "Send every dead letter again, oldest first, as many as the outbox has room for (50,000 less what it holds); ask again for the rest."))
            .required("all")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        Schema::OneOf(
            OneOfBuilder::new()
                .item(one)
                .item(all)
                .description(Some(
                    "`{\"seq\": N}`: one dead letter; `{\"all\": true}`: every one.",
                ))
                .build(),
        )
        .into()
    }
}

impl ToSchema for RetryIn {}

/// How many dead letters were sent again.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetryOut {
    /// The number revived; each is attempted at once, outside its call's
    /// order (the call's later deliveries went on without it).
    revived: usize,
}

/// Sends dead letters again: `{"seq": N}` or `{"all": true}`.
#[utoipa::path(
    post,
    path = "/api/v1/forward/retry",
    operation_id = "retryForwardDead",
    tag = "forward",
    request_body = RetryIn,
    responses(
        (status = 200, description = "The dead letters were queued again.", body = RetryOut),
        (status = 400, description = "Neither `seq` nor `all`, or both.", body = super::ErrorOut),
        (status = 404, description = "No dead letter with this seq, no such destination, or nothing is forwarded.", body = super::ErrorOut),
        (status = 503, description = "The outbox has stopped.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn retry(
    State(forwarding): State<Forwarding>,
    body: Result<Json<RetryIn>, JsonRejection>,
) -> Result<Json<RetryOut>, ApiError> {
    let Json(request) = body.map_err(|rejection| ApiError::BadRequest {
        kind: "invalid_body",
        reason: rejection.body_text(),
    })?;
    let seq = match (request.seq, request.all) {
        (Some(seq), false) => Some(seq),
        (None, true) => None,
        _ => {
            return Err(ApiError::BadRequest {
                kind: "invalid_body",
                reason: "give either `seq` (one dead letter) or `all: true`".to_owned(),
            })
        }
    };
    let handle = forwarding.find(request.destination.as_deref())?;
    let revived = handle.revive(seq).await.ok_or(ApiError::Unavailable {
        kind: "outbox_stopped",
        reason: "the outbox has stopped".to_owned(),
    })?;
    if let (Some(seq), 0) = (seq, revived) {
        return Err(ApiError::NotFound(format!(
            "no dead letter with seq {seq} for {}",
            handle.name
        )));
    }
    Ok(Json(RetryOut { revived }))
}
