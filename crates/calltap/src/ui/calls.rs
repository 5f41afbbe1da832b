//! `GET /ui/`: the calls, newest first, filtered by status, assistant,
//! ended reason and time range (kept in the URL), paged by the API's
//! cursor, and live: `assets/console.js` follows `/ui/live/calls` with the
//! same filters and puts each new or changed row in place.
//!
//! The rows are the API's list (`ProjectionRead::calls` with a
//! `CallFilter`) and each call's figures are `calls::analytics` over its
//! stored summary; one template writes a row, for the page and the live
//! stream alike.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::format::{self, Clock};
use super::{parse_stored, read, render, Shell, UiError};
use crate::api::calls::{decode_cursor, encode_cursor, parse_time};
use crate::calls::analytics::{call_time, latency_stats};
use crate::calls::CallSummary;
use crate::store::backend::Reader;
use crate::store::projections::{CallCursor, CallFilter};

/// Calls per page.
pub const PAGE_SIZE: u32 = 50;

/// The statuses offered in the filter (any other is kept when in the URL).
const STATUSES: [&str; 5] = ["queued", "ringing", "in-progress", "forwarding", "ended"];

/// The list's query string, as the filter form writes it (an empty field
/// means no filter).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Only this assistant (id or name).
    pub assistant: Option<String>,
    /// Only this ended reason.
    pub ended_reason: Option<String>,
    /// Only calls at or after this time (epoch ms or RFC 3339).
    pub since: Option<String>,
    /// Only calls before this time.
    pub until: Option<String>,
    /// The page after this cursor (the API's).
    pub cursor: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl ListQuery {
    /// The store filter this query asks for, or why it is malformed.
    pub fn filter(&self, limit: u32) -> Result<CallFilter, UiError> {
        let time = |value: &Option<String>, what: &str| {
            given(value)
                .map(|t| parse_time(&t, what))
                .transpose()
                .map_err(|err| UiError::BadRequest(err.to_string()))
        };
        Ok(CallFilter {
            status: given(&self.status),
            assistant: given(&self.assistant),
            ended_reason: given(&self.ended_reason),
            since: time(&self.since, "since")?,
            until: time(&self.until, "until")?,
            after: given(&self.cursor)
                .map(|c| decode_cursor(&c))
                .transpose()
                .map_err(|err| UiError::BadRequest(err.to_string()))?,
            limit,
        })
    }

    /// The query string of the filters alone (no cursor), for links and
    /// the live stream.
    pub fn filters_query(&self) -> String {
        let mut pairs = Vec::new();
        for (name, value) in [
            ("status", &self.status),
            ("assistant", &self.assistant),
            ("ended_reason", &self.ended_reason),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if let Some(value) = given(value) {
                pairs.push((name, value));
            }
        }
        encode_pairs(&pairs)
    }
}

/// `name=value&...`, percent-encoded.
pub fn encode_pairs(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", format::query_value(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether a call belongs in a list with this filter (what the store's
/// query selects, applied to one summary the projector just published).
pub fn matches(filter: &CallFilter, summary: &CallSummary) -> bool {
    let time = call_time(summary).unwrap_or(0);
    filter
        .status
        .as_ref()
        .is_none_or(|s| summary.status.as_ref() == Some(s))
        && filter.assistant.as_ref().is_none_or(|a| {
            summary.assistant.id.as_ref() == Some(a) || summary.assistant.name.as_ref() == Some(a)
        })
        && filter
            .ended_reason
            .as_ref()
            .is_none_or(|r| summary.ended_reason.as_ref() == Some(r))
        && filter.since.is_none_or(|since| time >= since)
        && filter.until.is_none_or(|until| time < until)
}

/// One row of the list, ready to write.
#[derive(Clone, Debug)]
pub struct CallRowView {
    /// The call id.
    pub id: String,
    /// The call page's URL.
    pub href: String,
    /// The list's order key (`started_at`, else the first event's time).
    pub sort_at: i64,
    /// When the call started (a `<time>` element), or a dash.
    pub started: String,
    /// How long it lasted.
    pub duration: String,
    /// Its status.
    pub status: String,
    /// Its assistant's name, else its id.
    pub assistant: String,
    /// Its customer's number.
    pub customer: String,
    /// Assistant utterances.
    pub turns: u64,
    /// Median turn latency.
    pub p50: String,
    /// 95th-percentile turn latency.
    pub p95: String,
    /// Barge-ins and talk-overs.
    pub interruptions: u64,
    /// Why it ended.
    pub ended_reason: String,
    /// Whether it was transferred.
    pub transferred: bool,
}

impl CallRowView {
    /// The row of a call's summary.
    pub fn new(summary: &CallSummary) -> CallRowView {
        let latency = latency_stats(&summary.turn_latencies_ms);
        let dash = || "—".to_owned();
        CallRowView {
            id: summary.id.to_string(),
            href: format!("/ui/calls/{}", format::path_segment(&summary.id)),
            sort_at: call_time(summary).unwrap_or(0),
            started: summary
                .started_at
                .or(summary.first_event_at)
                .map_or_else(dash, |t| format::time_tag(t, Clock::DateTime)),
            duration: summary.duration_ms.map_or_else(dash, format::duration),
            status: summary
                .status
                .clone()
                .unwrap_or_else(|| "unknown".to_owned()),
            assistant: summary
                .assistant
                .name
                .clone()
                .or_else(|| summary.assistant.id.clone())
                .unwrap_or_else(dash),
            customer: summary.customer_number.clone().unwrap_or_else(dash),
            turns: summary.turn_count,
            p50: latency
                .as_ref()
                .map_or_else(dash, |l| format::duration(l.p50)),
            p95: latency
                .as_ref()
                .map_or_else(dash, |l| format::duration(l.p95)),
            interruptions: summary.interruptions_by_user + summary.interruptions_by_assistant,
            ended_reason: summary.ended_reason.clone().unwrap_or_else(dash),
            transferred: summary.transfer_count > 0,
        }
    }
}

/// One row alone (what the live stream sends).
#[derive(Template)]
#[template(path = "call_row_only.html")]
pub struct RowFragment {
    /// The row.
    pub row: CallRowView,
}

/// The calls page.
#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    shell: Shell,
    query: ListQuery,
    statuses: Vec<(String, bool)>,
    rows: Vec<CallRowView>,
    /// The next (older) page's URL.
    older: Option<String>,
    /// The first page's URL with the same filters, when not on it.
    newest: Option<String>,
    /// The live stream's URL (on the first page only).
    live: Option<String>,
    error: Option<String>,
}

/// `GET /ui/`: the calls page.
pub async fn page(
    State(reader): State<Reader>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, UiError> {
    let Query(query) = query.map_err(|err| UiError::BadRequest(err.body_text()))?;
    let mut statuses: Vec<(String, bool)> = STATUSES
        .iter()
        .map(|s| ((*s).to_owned(), given(&query.status).as_deref() == Some(*s)))
        .collect();
    if let Some(other) = given(&query.status).filter(|s| !STATUSES.contains(&s.as_str())) {
        statuses.push((other, true));
    }
    let filter = match query.filter(PAGE_SIZE) {
        Ok(filter) => filter,
        Err(UiError::BadRequest(reason)) => {
            let page = CallsPage {
                shell: Shell::new("Calls", "calls"),
                query,
                statuses,
                rows: Vec::new(),
                older: None,
                newest: None,
                live: None,
                error: Some(reason),
            };
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
        Err(other) => return Err(other),
    };
    let first_page = filter.after.is_none();
    let rows = read(&reader, move |r| r.calls(&filter)).await?;
    let older = (rows.len() == PAGE_SIZE as usize)
        .then(|| rows.last())
        .flatten()
        .map(|row| {
            let cursor = encode_cursor(&CallCursor {
                sort_at: row.sort_at,
                id: row.id.clone(),
            });
            link(&query, Some(cursor))
        });
    let rows = rows
        .iter()
        .map(|row| {
            parse_stored::<CallSummary>(&row.summary, "summary").map(|s| CallRowView::new(&s))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let filters = query.filters_query();
    let page = CallsPage {
        shell: Shell::new("Calls", "calls"),
        newest: (!first_page).then(|| link(&query, None)),
        live: first_page.then(|| {
            if filters.is_empty() {
                "/ui/live/calls".to_owned()
            } else {
                format!("/ui/live/calls?{filters}")
            }
        }),
        query,
        statuses,
        rows,
        older,
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The list's URL with the same filters and this cursor.
fn link(query: &ListQuery, cursor: Option<String>) -> String {
    let mut q = query.filters_query();
    if let Some(cursor) = cursor {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str(&encode_pairs(&[("cursor", cursor)]));
    }
    if q.is_empty() {
        "/ui/".to_owned()
    } else {
        format!("/ui/?{q}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::detail::AssistantRef;

    fn summary() -> CallSummary {
        CallSummary {
            id: "c1".into(),
            call_type: None,
            status: Some("ended".into()),
            ended_reason: Some("customer-ended-call".into()),
            assistant: AssistantRef {
                id: Some("a1".into()),
                name: Some("Morgan".into()),
            },
            customer_number: Some("+1555".into()),
            phone_number: None,
            started_at: Some(1_000),
            ended_at: Some(61_000),
            duration_ms: Some(60_000),
            cost: None,
            event_count: 9,
            first_event_at: Some(900),
            last_event_at: Some(61_000),
            turn_count: 3,
            turn_latencies_ms: vec![400, 900, 2_000],
            interruptions_by_user: 1,
            interruptions_by_assistant: 1,
            interrupted_turns: 2,
            transfer_count: 1,
        }
    }

    #[test]
    fn a_summary_matches_the_filters_the_store_would_select_it_by() {
        let s = summary();
        let filter = |f: CallFilter| matches(&f, &s);
        assert!(filter(CallFilter::default()));
        assert!(filter(CallFilter {
            status: Some("ended".into()),
            assistant: Some("Morgan".into()),
            ended_reason: Some("customer-ended-call".into()),
            since: Some(1_000),
            until: Some(1_001),
            ..CallFilter::default()
        }));
        assert!(filter(CallFilter {
            assistant: Some("a1".into()),
            ..CallFilter::default()
        }));
        assert!(!filter(CallFilter {
            status: Some("in-progress".into()),
            ..CallFilter::default()
        }));
        assert!(!filter(CallFilter {
            since: Some(1_001),
            ..CallFilter::default()
        }));
        assert!(!filter(CallFilter {
            until: Some(1_000),
            ..CallFilter::default()
        }));
    }

    #[test]
    fn a_row_shows_the_calls_figures_as_people_read_them() {
        let row = CallRowView::new(&summary());
        assert_eq!(row.duration, "1 min 00 s");
        assert_eq!(row.p50, "900 ms");
        assert_eq!(row.p95, "2.00 s");
        assert_eq!(row.interruptions, 2);
        assert!(row.transferred);
        assert_eq!(row.assistant, "Morgan");
        assert_eq!(row.href, "/ui/calls/c1");
    }

    #[test]
    fn empty_form_fields_are_no_filter_and_a_bad_time_is_a_bad_request() {
        let query = ListQuery {
            status: Some(String::new()),
            since: Some("1000".into()),
            ..ListQuery::default()
        };
        let filter = query.filter(10).expect("valid");
        assert_eq!(filter.status, None);
        assert_eq!(filter.since, Some(1_000));
        assert_eq!(query.filters_query(), "since=1000");
        let bad = ListQuery {
            until: Some("tomorrow".into()),
            ..ListQuery::default()
        };
        assert!(matches!(bad.filter(10), Err(UiError::BadRequest(_))));
    }
}
