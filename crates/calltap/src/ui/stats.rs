//! `GET /ui/stats`: the fleet over a time range (a preset or since/until,
//! kept in the URL), for every assistant or one: calls per minute, hour or
//! day (as suits the span), latency p50/p95/p99 over time, ended reasons,
//! transfer rate and interruptions per call, and a table per assistant.
//!
//! The numbers are `calls::fleet_stats` and `calls::analytics::fleet_series`
//! over the stored summaries, as `GET /api/v1/stats` computes them; the
//! charts are `chart`'s SVG.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::chart::{self, Bar, Series};
use super::{format, parse_stored, read, render, Shell, UiError};
use crate::api::calls::parse_time;
use crate::api::stats::UNTIL_DEFAULT_MS;
use crate::calls::analytics::{assistant_key, call_time, fleet_series, FleetBucket};
use crate::calls::{fleet_stats, CallSummary, FleetGroup, FleetQuery, GroupBy};
use crate::store::backend::Reader;

/// The range presets, by their URL value: (value, label, span in ms).
const RANGES: [(&str, &str, Option<i64>); 5] = [
    ("1h", "Last hour", Some(3_600_000)),
    ("24h", "Last 24 hours", Some(86_400_000)),
    ("7d", "Last 7 days", Some(7 * 86_400_000)),
    ("30d", "Last 30 days", Some(30 * 86_400_000)),
    ("all", "All time", None),
];

/// The page's query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StatsQuery {
    /// A preset (`1h`, `24h`, `7d`, `30d`, `all`); ignored when `since`
    /// or `until` is given.
    pub range: Option<String>,
    /// Calls at or after this time (epoch ms or RFC 3339).
    pub since: Option<String>,
    /// Calls before this time.
    pub until: Option<String>,
    /// One assistant (its fleet key: id, else name).
    pub assistant: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// One row of the per-assistant table.
#[derive(Clone, Debug)]
struct GroupRow {
    key: String,
    name: String,
    calls: u64,
    mean_duration: String,
    p50: String,
    p95: String,
    p99: String,
    transfer_rate: String,
    interruptions_per_call: String,
    /// The stats page for this assistant alone.
    href: String,
    /// The calls page for this assistant.
    calls_href: String,
}

/// The fleet page.
#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    shell: Shell,
    ranges: Vec<(&'static str, &'static str, bool)>,
    since: String,
    until: String,
    assistants: Vec<(String, String, bool)>,
    kpis: Vec<(&'static str, String)>,
    bucket_name: &'static str,
    calls_chart: Option<String>,
    latency_chart: Option<String>,
    reasons_chart: Option<String>,
    groups: Vec<GroupRow>,
    error: Option<String>,
}

/// `GET /ui/stats`.
pub async fn page(
    State(reader): State<Reader>,
    query: Result<Query<StatsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, UiError> {
    let Query(query) = query.map_err(|err| UiError::BadRequest(err.body_text()))?;
    let range = given(&query.range).unwrap_or("all").to_owned();
    let custom = given(&query.since).is_some() || given(&query.until).is_some();
    let bounds = (|| -> Result<(i64, i64), UiError> {
        let time = |value: Option<&str>, what: &str| {
            value
                .map(|t| parse_time(t, what))
                .transpose()
                .map_err(|err| UiError::BadRequest(err.to_string()))
        };
        if custom {
            return Ok((
                time(given(&query.since), "since")?.unwrap_or(0),
                time(given(&query.until), "until")?.unwrap_or(UNTIL_DEFAULT_MS),
            ));
        }
        let span = RANGES
            .iter()
            .find(|(value, _, _)| *value == range)
            .ok_or_else(|| UiError::BadRequest(format!("no time range called {range:?}")))?
            .2;
        let now = chrono::Utc::now().timestamp_millis();
        Ok(span.map_or((0, UNTIL_DEFAULT_MS), |span| (now - span, UNTIL_DEFAULT_MS)))
    })();
    let mut page = StatsPage {
        shell: Shell::new("Fleet", "stats"),
        ranges: RANGES
            .iter()
            .map(|(value, label, _)| (*value, *label, !custom && *value == range))
            .collect(),
        since: given(&query.since).unwrap_or_default().to_owned(),
        until: given(&query.until).unwrap_or_default().to_owned(),
        assistants: Vec::new(),
        kpis: Vec::new(),
        bucket_name: "hour",
        calls_chart: None,
        latency_chart: None,
        reasons_chart: None,
        groups: Vec::new(),
        error: None,
    };
    let (from, to) = match bounds {
        Ok(bounds) => bounds,
        Err(UiError::BadRequest(reason)) => {
            page.error = Some(reason);
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
        Err(other) => return Err(other),
    };
    let rows = read(&reader, move |r| r.call_summaries(from, to)).await?;
    let summaries = rows
        .iter()
        .map(|row| parse_stored::<CallSummary>(row, "summary"))
        .collect::<Result<Vec<_>, _>>()?;
    let by_assistant = fleet_stats(
        &summaries,
        &FleetQuery {
            from_ms: from,
            to_ms: to,
            group_by: GroupBy::Assistant,
        },
    );
    let chosen = given(&query.assistant).map(str::to_owned);
    let base = page_query(&query);
    page.assistants = by_assistant
        .groups
        .iter()
        .map(|g| {
            let label = g.assistant_name.clone().unwrap_or_else(|| g.key.clone());
            (
                g.key.clone(),
                label,
                chosen.as_deref() == Some(g.key.as_str()),
            )
        })
        .collect();
    page.groups = by_assistant
        .groups
        .iter()
        .map(|g| group_row(g, &base))
        .collect();
    let selected: Vec<CallSummary> = match &chosen {
        Some(key) => summaries
            .into_iter()
            .filter(|s| assistant_key(s) == *key)
            .collect(),
        None => summaries,
    };
    let total = match &chosen {
        Some(key) => by_assistant
            .groups
            .iter()
            .find(|g| g.key == *key)
            .cloned()
            .unwrap_or_else(|| by_assistant.total.clone()),
        None => by_assistant.total.clone(),
    };
    page.kpis = kpis(&total);
    let times: Vec<i64> = selected.iter().filter_map(call_time).collect();
    let span = times
        .iter()
        .max()
        .zip(times.iter().min())
        .map_or(0, |(a, b)| a - b);
    let (bucket_ms, bucket_name, style) = if span <= 3 * 3_600_000 {
        (60_000, "minute", "hm")
    } else if span <= 14 * 86_400_000 {
        (3_600_000, "hour", "dh")
    } else {
        (86_400_000, "day", "date")
    };
    page.bucket_name = bucket_name;
    let series = fleet_series(&selected, from, to, bucket_ms);
    if !series.is_empty() {
        page.calls_chart = Some(calls_chart(&series, bucket_name, style));
        page.latency_chart = latency_chart(&series, style);
    }
    let mut reasons: Vec<(String, u64)> = total.ended_reasons.clone().into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    reasons.truncate(12);
    if !reasons.is_empty() {
        page.reasons_chart = Some(chart::hbars("Calls per ended reason", &reasons));
    }
    Ok(render(StatusCode::OK, &page))
}

/// The range part of the page's query string (for per-assistant links).
fn page_query(query: &StatsQuery) -> String {
    let mut pairs = Vec::new();
    for (name, value) in [
        ("range", &query.range),
        ("since", &query.since),
        ("until", &query.until),
    ] {
        if let Some(value) = given(value) {
            pairs.push(format!("{name}={}", format::query_value(value)));
        }
    }
    pairs.join("&")
}

fn group_row(g: &FleetGroup, base: &str) -> GroupRow {
    let pct = |p: Option<f64>| p.map_or_else(|| "—".to_owned(), format::percent);
    let latency = |f: fn(&crate::calls::detail::LatencyStats) -> i64| {
        g.latency_ms
            .as_ref()
            .map_or_else(|| "—".to_owned(), |l| format::duration(f(l)))
    };
    let assistant = format!("assistant={}", format::query_value(&g.key));
    GroupRow {
        key: g.key.clone(),
        name: g.assistant_name.clone().unwrap_or_else(|| g.key.clone()),
        calls: g.calls,
        mean_duration: g
            .mean_duration_ms
            .map_or_else(|| "—".to_owned(), format::duration),
        p50: latency(|l| l.p50),
        p95: latency(|l| l.p95),
        p99: latency(|l| l.p99),
        transfer_rate: pct(g.transfer_rate),
        interruptions_per_call: per_call(g),
        href: if base.is_empty() {
            format!("/ui/stats?{assistant}")
        } else {
            format!("/ui/stats?{base}&{assistant}")
        },
        calls_href: format!("/ui/?{assistant}"),
    }
}

fn per_call(g: &FleetGroup) -> String {
    if g.calls == 0 {
        "—".to_owned()
    } else {
        format!("{:.2}", g.interrupted_turns as f64 / g.calls as f64)
    }
}

fn kpis(total: &FleetGroup) -> Vec<(&'static str, String)> {
    let dash = || "—".to_owned();
    let l = total.latency_ms.as_ref();
    vec![
        ("Calls", total.calls.to_string()),
        (
            "Mean duration",
            total.mean_duration_ms.map_or_else(dash, format::duration),
        ),
        (
            "Latency p50",
            l.map_or_else(dash, |l| format::duration(l.p50)),
        ),
        (
            "Latency p95",
            l.map_or_else(dash, |l| format::duration(l.p95)),
        ),
        (
            "Latency p99",
            l.map_or_else(dash, |l| format::duration(l.p99)),
        ),
        (
            "Transfer rate",
            total.transfer_rate.map_or_else(dash, format::percent),
        ),
        ("Interruptions per call", per_call(total)),
        ("Turns", total.turns.to_string()),
    ]
}

/// An axis label the browser writes in its own time zone.
fn time_label(ms: i64, style: &str) -> String {
    let fallback =
        chrono::DateTime::from_timestamp_millis(ms).map_or_else(String::new, |t| match style {
            "date" => t.format("%m-%d").to_string(),
            "dh" => t.format("%m-%d %H:00").to_string(),
            _ => t.format("%H:%M").to_string(),
        });
    format!(r#"<tspan data-ms="{ms}" data-style="{style}">{fallback}</tspan>"#)
}

fn x_labels(series: &[FleetBucket], style: &str) -> Vec<(usize, String)> {
    let every = series.len().div_ceil(8).max(1);
    (0..series.len())
        .step_by(every)
        .map(|i| (i, time_label(series[i].start_ms, style)))
        .collect()
}

fn point_label(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

fn calls_chart(series: &[FleetBucket], bucket_name: &str, style: &str) -> String {
    let bars: Vec<Bar> = series
        .iter()
        .map(|b| Bar {
            label: point_label(b.start_ms),
            value: Some(b.group.calls as f64),
            class: "",
        })
        .collect();
    chart::bars(
        &format!("Calls per {bucket_name}"),
        &bars,
        &[],
        &x_labels(series, style),
        &|v| format!("{v:.0}"),
        true,
    )
}

fn latency_chart(series: &[FleetBucket], style: &str) -> Option<String> {
    if series.iter().all(|b| b.group.latency_ms.is_none()) {
        return None;
    }
    let line = |name: &str,
                class: &'static str,
                f: fn(&crate::calls::detail::LatencyStats) -> i64| Series {
        name: name.to_owned(),
        class,
        values: series
            .iter()
            .map(|b| b.group.latency_ms.as_ref().map(|l| f(l) as f64))
            .collect(),
    };
    let lines = [
        line("p50", "p50", |l| l.p50),
        line("p95", "p95", |l| l.p95),
        line("p99", "p99", |l| l.p99),
    ];
    let labels: Vec<String> = series.iter().map(|b| point_label(b.start_ms)).collect();
    Some(chart::lines(
        "Turn latency p50, p95 and p99 over time",
        &lines,
        &labels,
        &x_labels(series, style),
        &|v| format::duration(v.round() as i64),
    ))
}
