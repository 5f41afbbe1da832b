//! `GET /api/v1/stats`: fleet statistics over the calls in a time range,
//! grouped by assistant or by day. The numbers are `calls::fleet_stats`
//! over the stored summaries; nothing is computed here.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::calls::{parse_time, projected, with_projected};
use super::{bad_query, read, ApiError};
use crate::calls::{fleet_stats, CallSummary, FleetQuery, FleetStats, GroupBy};
use crate::project::Projection;
use crate::store::backend::Reader;

/// `GET /api/v1/stats`, over a store [`Reader`] and the projector's
/// [`Projection`] (for `x-calltap-projected-seq`).
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Reader: FromRef<S>,
    Projection: FromRef<S>,
{
    Router::new().route("/api/v1/stats", get(stats))
}

/// The default end of the range: 10000-01-01T00:00:00Z, later than any call.
pub const UNTIL_DEFAULT_MS: i64 = 253_402_300_800_000;

/// How to group, as the query string says it.
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupByIn {
    /// By the assistant the call started with (id, else name, else `unknown`).
    #[default]
    Assistant,
    /// By UTC day of the call's time.
    Day,
}

/// Query string of the statistics.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// `assistant` (default) or `day`.
    pub group_by: Option<GroupByIn>,
    /// Calls whose time (`started_at`, else the first event's) is at or
    /// after this: epoch ms or RFC 3339 (default: 0, the epoch).
    #[param(schema_with = super::time_schema)]
    pub since: Option<String>,
    /// Calls whose time is before this: epoch ms or RFC 3339 (default:
    /// year 10000).
    #[param(schema_with = super::time_schema)]
    pub until: Option<String>,
}

/// Fleet statistics: call counts, durations, ended reasons, pooled turn
/// latency percentiles, interruption and transfer rates, per group.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    operation_id = "getStats",
    tag = "calls",
    params(StatsQuery),
    responses(
        (status = 200, description = "Statistics per group and in total. `x-calltap-projected-seq`: the log seq they cover.", body = FleetStats),
        (status = 400, description = "A bad `group_by`, `since` or `until`.", body = super::ErrorOut),
        (status = 401, description = "Missing or wrong API token.", body = super::ErrorOut),
    ),
    security(("api_token" = []))
)]
pub async fn stats(
    State(reader): State<Reader>,
    State(projection): State<Projection>,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let fleet = FleetQuery {
        from_ms: query
            .since
            .as_deref()
            .map(|t| parse_time(t, "since"))
            .transpose()?
            .unwrap_or(0),
        to_ms: query
            .until
            .as_deref()
            .map(|t| parse_time(t, "until"))
            .transpose()?
            .unwrap_or(UNTIL_DEFAULT_MS),
        group_by: match query.group_by.unwrap_or_default() {
            GroupByIn::Assistant => GroupBy::Assistant,
            GroupByIn::Day => GroupBy::Day,
        },
    };
    let projected = projected(&projection);
    let (from, to) = (fleet.from_ms, fleet.to_ms);
    let rows = read(&reader, move |r| r.call_summaries(from, to)).await?;
    let summaries = rows
        .iter()
        .map(|row| serde_json::from_str::<CallSummary>(row))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| ApiError::Internal(anyhow::Error::new(err).context("a stored summary")))?;
    Ok(with_projected(
        Json(fleet_stats(&summaries, &fleet)),
        projected,
    ))
}
