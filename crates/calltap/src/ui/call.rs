//! `GET /ui/calls/{id}`: one call. A header (status, ended reason,
//! duration, assistant, customer, cost), the timeline (drawn in the
//! browser by `assets/timeline.js` from the call's stored detail, the same
//! JSON `GET /api/v1/calls/{id}` serves, embedded in the page), latency
//! per turn (an SVG chart with the call's p50/p95, Vapi's own
//! `performanceMetrics` beside calltap's figures), the transcript and the
//! deliveries. While the call is in progress the page follows
//! `/api/v1/calls/{id}/stream` and refreshes itself.
//!
//! Also the fragments the page fetches: a further page of deliveries
//! (`/ui/calls/{id}/deliveries?after=`) and one delivery's bytes,
//! pretty-printed, with its kept headers masked, and the answer calltap
//! sent back when it was a question (`/ui/deliveries/{seq}`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::chart::{self, Bar, Rule};
use super::format::{self, Clock};
use super::{assets, parse_stored, read, render, Shell, UiError};
use crate::calls::detail::{CallDetail, TranscriptEntry};
use crate::ids::{CallId, Seq};
use crate::store::backend::Reader;
use crate::store::{seq_span, AnswerRecord, Event, EventFilter};

/// Deliveries per page of the call's list.
pub const DELIVERIES_PAGE: u32 = 100;

/// The call page.
#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    shell: Shell,
    timeline_js: String,
    d: CallDetail,
    /// The stored detail, safe inside a `<script type="application/json">`.
    detail_json: String,
    facts: Vec<(&'static str, String)>,
    figures: Vec<(&'static str, String)>,
    latency_chart: Option<String>,
    vapi_metrics: Vec<(String, String)>,
    calltap_metrics: Vec<(&'static str, String)>,
    system_prompt: Option<String>,
    lines: Vec<LineView>,
    deliveries: Vec<DeliveryRow>,
    more_deliveries: Option<String>,
    live: bool,
    started: String,
    ended: String,
    /// The call's live state stream (the API's).
    stream_url: String,
}

/// One line of the transcript.
#[derive(Clone, Debug)]
pub struct LineView {
    /// `user`, `assistant`, `tool_calls`, `tool_call_result`, ...
    pub role: String,
    /// The role for a person.
    pub who: &'static str,
    /// What was said.
    pub text: String,
    /// When it started (epoch ms), for the timeline.
    pub at: Option<i64>,
    /// When it ended.
    pub end: Option<i64>,
    /// Its time from the call's start (`m:ss`).
    pub offset: String,
    /// `(tool, arguments)` of a tool-call line.
    pub tools: Vec<(String, String)>,
}

/// One delivery in the call's list.
#[derive(Clone, Debug)]
pub struct DeliveryRow {
    /// Its seq.
    pub seq: i64,
    /// `message.type`.
    pub message_type: String,
    /// Its message time, else when it was received (a `<time>`).
    pub at: String,
    /// Its size in bytes, as received.
    pub size: String,
    /// How it was answered (`app 200`), when it was a question calltap
    /// forwarded.
    pub answered: Option<String>,
}

impl DeliveryRow {
    fn new(event: &Event, answers: &[AnswerRecord]) -> DeliveryRow {
        DeliveryRow {
            answered: answers
                .iter()
                .find(|a| a.seq == event.seq)
                .map(|a| format!("{} {}", a.outcome, a.status)),
            seq: event.seq.get(),
            message_type: event.message_type.clone(),
            at: format::time_tag(event.timestamp.unwrap_or(event.received_at), Clock::Precise),
            size: format::bytes(event.body.len()),
        }
    }
}

/// A page of delivery rows (what "more" fetches).
#[derive(Template)]
#[template(path = "delivery_rows.html")]
struct DeliveryRows {
    deliveries: Vec<DeliveryRow>,
}

/// One delivery: what it was, its kept headers and its bytes.
#[derive(Template)]
#[template(path = "delivery.html")]
struct DeliveryView {
    seq: Seq,
    message_type: String,
    received: String,
    timestamp: String,
    key: String,
    shown: format::Shown,
    answer: Option<AnswerView>,
}

/// The answer calltap sent back to a question, as a page shows it.
#[derive(Clone, Debug)]
struct AnswerView {
    /// `app`, `fallback`, `timeout` or `error`.
    outcome: String,
    /// The status sent.
    status: u16,
    /// How long the app took, or until calltap gave up.
    latency: String,
    /// When it was sent (a `<time>`).
    answered: String,
    /// Why the app's answer was not used, when it was not.
    error: Option<String>,
    /// Its bytes and the app's headers kept.
    shown: format::Shown,
}

impl AnswerView {
    fn new(answer: &AnswerRecord) -> AnswerView {
        AnswerView {
            outcome: answer.outcome.clone(),
            status: answer.status,
            latency: format::duration(answer.latency_ms),
            answered: format::time_tag(answer.answered_at, Clock::Precise),
            error: answer.error.clone(),
            shown: format::shown(&answer.body, &answer.headers),
        }
    }
}

/// `GET /ui/calls/{id}`.
pub async fn page(
    State(reader): State<Reader>,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let key = CallId::new(&id);
    let events_of = key.clone();
    let (stored, events, answers) = read(&reader, move |r| {
        let stored = r.call_detail(&key)?;
        let events = r.events(&EventFilter {
            call_id: Some(events_of.clone()),
            limit: DELIVERIES_PAGE,
            ..EventFilter::default()
        })?;
        let answers = r.answers_of_call(&events_of, seq_span(&events))?;
        Ok((stored, events, answers))
    })
    .await?;
    let Some(stored) = stored else {
        return Err(UiError::NotFound(format!(
            "No call with id {id} has been recorded."
        )));
    };
    let d: CallDetail = parse_stored(&stored.detail, "detail")?;
    let page = CallPage {
        shell: Shell::new(format!("Call {}", short_id(&d.id)), "calls"),
        timeline_js: assets::url(assets::TIMELINE_JS),
        detail_json: script_safe(&stored.detail),
        facts: facts(&d),
        figures: figures(&d),
        latency_chart: latency_chart(&d),
        vapi_metrics: vapi_metrics(&d),
        calltap_metrics: calltap_metrics(&d),
        system_prompt: d
            .transcript
            .iter()
            .find(|e| e.role == "system")
            .and_then(|e| e.text.clone()),
        lines: lines(&d),
        more_deliveries: more(&d.id, &events),
        deliveries: events
            .iter()
            .map(|e| DeliveryRow::new(e, &answers))
            .collect(),
        live: d.status.as_deref() != Some("ended"),
        started: d
            .started_at
            .map_or_else(|| "—".to_owned(), |t| format::time_tag(t, Clock::DateTime)),
        ended: d
            .ended_at
            .map_or_else(|| "—".to_owned(), |t| format::time_tag(t, Clock::DateTime)),
        stream_url: format!("/api/v1/calls/{}/stream", format::path_segment(&d.id)),
        d,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The query of a further page of deliveries.
#[derive(Debug, Deserialize)]
pub struct MoreQuery {
    /// Deliveries after this seq.
    pub after: Option<i64>,
}

/// `GET /ui/calls/{id}/deliveries?after=N`: the next rows, and in
/// `x-calltap-next` the URL of the page after them (empty at the end).
pub async fn deliveries(
    State(reader): State<Reader>,
    Path(id): Path<String>,
    Query(query): Query<MoreQuery>,
) -> Result<Response, UiError> {
    let key = CallId::new(&id);
    let (events, answers) = read(&reader, move |r| {
        let events = r.events(&EventFilter {
            call_id: Some(key.clone()),
            after: query.after.map(Seq::new),
            limit: DELIVERIES_PAGE,
            ..EventFilter::default()
        })?;
        let answers = r.answers_of_call(&key, seq_span(&events))?;
        Ok((events, answers))
    })
    .await?;
    let next = more(&id, &events).unwrap_or_default();
    let mut response = render(
        StatusCode::OK,
        &DeliveryRows {
            deliveries: events
                .iter()
                .map(|e| DeliveryRow::new(e, &answers))
                .collect(),
        },
    );
    if let Ok(value) = HeaderValue::from_str(&next) {
        response.headers_mut().insert("x-calltap-next", value);
    }
    Ok(response)
}

/// `GET /ui/deliveries/{seq}`: one delivery's bytes and kept headers.
pub async fn delivery(
    State(reader): State<Reader>,
    Path(seq): Path<String>,
) -> Result<Response, UiError> {
    let seq: Seq = seq
        .parse()
        .map_err(|_| UiError::BadRequest(format!("a delivery is named by its seq, not {seq:?}")))?;
    let (events, headers, answer) = read(&reader, move |r| {
        let events = r.events(&EventFilter {
            after: Some(seq.prev()),
            up_to: Some(seq),
            limit: 1,
            ..EventFilter::default()
        })?;
        Ok((events, r.event_headers(seq)?, r.answer(seq)?))
    })
    .await?;
    let Some(event) = events.into_iter().next() else {
        return Err(UiError::NotFound(format!("No delivery with seq {seq}.")));
    };
    let view = DeliveryView {
        seq,
        message_type: event.message_type.clone(),
        received: format::time_tag(event.received_at, Clock::DateTime),
        timestamp: event
            .timestamp
            .map_or_else(|| "—".to_owned(), |t| format::time_tag(t, Clock::DateTime)),
        key: event.key.to_string(),
        shown: format::shown(&event.body, headers.as_deref().unwrap_or("{}")),
        answer: answer.as_ref().map(AnswerView::new),
    };
    Ok(render(StatusCode::OK, &view).into_response())
}

/// The URL of the deliveries after a full page, if it was full.
fn more(id: &str, events: &[Event]) -> Option<String> {
    (events.len() == DELIVERIES_PAGE as usize)
        .then(|| events.last())
        .flatten()
        .map(|last| {
            format!(
                "/ui/calls/{}/deliveries?after={}",
                format::path_segment(id),
                last.seq
            )
        })
}

/// A JSON text that can stand inside `<script type="application/json">`:
/// every `<` (only ever inside a string) written as `\u003c`, so no
/// `</script>` or `<!--` can end or bend the block.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The first 8 characters of an id, for titles.
fn short_id(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

/// The header's facts about the call.
fn facts(d: &CallDetail) -> Vec<(&'static str, String)> {
    let dash = || "—".to_owned();
    let mut facts = vec![
        ("Ended reason", d.ended_reason.clone().unwrap_or_else(dash)),
        (
            "Duration",
            d.duration_ms.map_or_else(dash, format::duration),
        ),
        (
            "Assistant",
            match (&d.assistant.name, &d.assistant.id) {
                (Some(name), _) => name.clone(),
                (None, Some(id)) => id.clone(),
                (None, None) => dash(),
            },
        ),
        ("Customer", d.customer_number.clone().unwrap_or_else(dash)),
        ("Phone number", d.phone_number.clone().unwrap_or_else(dash)),
        ("Type", d.call_type.clone().unwrap_or_else(dash)),
    ];
    if let Some(cost) = d.cost {
        facts.push(("Cost", format!("${cost:.4}")));
    }
    facts
}

/// The header's figures, each with its value written for a person; the
/// templates mark times (`<time>`) as safe markup, so these are plain.
fn figures(d: &CallDetail) -> Vec<(&'static str, String)> {
    let m = &d.metrics;
    let dash = || "—".to_owned();
    let mut out = vec![("Turns", m.turn_count.to_string())];
    if let Some(l) = &m.latency_ms {
        out.push(("Latency p50", format::duration(l.p50)));
        out.push(("Latency p95", format::duration(l.p95)));
        out.push(("Latency max", format::duration(l.max)));
    }
    out.extend([
        ("Barge-ins", m.interruptions_by_user.to_string()),
        ("Talk-overs", m.interruptions_by_assistant.to_string()),
        ("Assistant talk", format::duration(m.assistant_talk_ms)),
        ("User talk", format::duration(m.user_talk_ms)),
        ("Silence", m.silence_ms.map_or_else(dash, format::duration)),
        (
            "Greeting after",
            m.greeting_latency_ms.map_or_else(dash, format::duration),
        ),
        ("Deliveries", d.event_count.to_string()),
    ]);
    if m.incomplete_speech > 0 {
        out.push(("Incomplete speech", m.incomplete_speech.to_string()));
    }
    out
}

/// Latency per turn, with the call's p50 and p95; `None` without any.
fn latency_chart(d: &CallDetail) -> Option<String> {
    let stats = d.metrics.latency_ms.as_ref()?;
    let bars: Vec<Bar> = d
        .turns
        .iter()
        .enumerate()
        .map(|(i, t)| Bar {
            label: format!(
                "turn {}{}",
                t.turn.map_or(i as u32, |n| n),
                if t.interrupted {
                    " (barge-in)"
                } else if t.talked_over_user {
                    " (talk-over)"
                } else {
                    ""
                }
            ),
            value: t.latency_ms.map(|v| v as f64),
            class: if t.interrupted || t.talked_over_user {
                "flag"
            } else {
                ""
            },
        })
        .collect();
    let every = bars.len().div_ceil(12).max(1);
    let x_labels: Vec<(usize, String)> = (0..bars.len())
        .step_by(every)
        .map(|i| {
            let n = d.turns[i].turn.map_or(i as u32, |n| n);
            (i, n.to_string())
        })
        .collect();
    let rules = [
        Rule {
            name: "p50".to_owned(),
            value: stats.p50 as f64,
            class: "p50",
        },
        Rule {
            name: "p95".to_owned(),
            value: stats.p95 as f64,
            class: "p95",
        },
    ];
    Some(chart::bars(
        "Response latency per turn, with the call's p50 and p95",
        &bars,
        &rules,
        &x_labels,
        &|v| format::duration(v.round() as i64),
        false,
    ))
}

/// Vapi's `performanceMetrics` (when the end-of-call report carried
/// them), shown beside calltap's own figures: every number at the top of
/// the object, its name in words, a latency in ms or s. Nothing here reads
/// a particular key: the object is whatever Vapi sent.
pub fn vapi_metrics(d: &CallDetail) -> Vec<(String, String)> {
    let Some(serde_json::Value::Object(vapi)) = &d.vapi_performance_metrics else {
        return Vec::new();
    };
    vapi.iter()
        .filter_map(|(key, value)| {
            let n = value.as_f64()?;
            let shown = if key.to_ascii_lowercase().contains("latency") {
                format::duration(n.round() as i64)
            } else if n.fract() == 0.0 {
                format!("{n:.0}")
            } else {
                format!("{n:.2}")
            };
            Some((words(key), shown))
        })
        .collect()
}

/// calltap's figures for the same call, to read beside Vapi's.
fn calltap_metrics(d: &CallDetail) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(l) = &d.metrics.latency_ms {
        out.push(("Turn latency mean", format::duration(l.mean)));
        out.push(("Turn latency p50", format::duration(l.p50)));
        out.push(("Turn latency p95", format::duration(l.p95)));
    }
    out.push((
        "User barge-ins",
        d.metrics.interruptions_by_user.to_string(),
    ));
    out.push((
        "Assistant talk-overs",
        d.metrics.interruptions_by_assistant.to_string(),
    ));
    out
}

/// `modelLatencyAverage` → `Model latency average`.
fn words(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The transcript lines (the system prompt apart), with their times from
/// the call's start.
fn lines(d: &CallDetail) -> Vec<LineView> {
    let start = d.started_at.or(d.first_event_at).unwrap_or(0);
    d.transcript
        .iter()
        .filter(|e| e.role != "system")
        .map(|e| line(e, start))
        .collect()
}

fn line(e: &TranscriptEntry, start: i64) -> LineView {
    // Tool lines by what they hold; speech by its role.
    let who = if e.tool_result.is_some() {
        "Tool result"
    } else if !e.tool_calls.is_empty() {
        "Tool call"
    } else {
        match e.role.as_str() {
            "user" => "User",
            "assistant" => "Assistant",
            _ => "Other",
        }
    };
    let text = match &e.tool_result {
        Some(result) => format!(
            "{}: {}",
            result.name.as_deref().unwrap_or("tool"),
            result.result.as_deref().unwrap_or("")
        ),
        None => e.text.clone().unwrap_or_default(),
    };
    LineView {
        role: e.role.clone(),
        who,
        text,
        at: e.at,
        end: e.end_at,
        offset: e.at.map_or_else(String::new, |at| clock(at - start)),
        tools: e
            .tool_calls
            .iter()
            .map(|t| {
                (
                    t.name.clone().unwrap_or_else(|| "tool".to_owned()),
                    t.arguments.clone().unwrap_or_default(),
                )
            })
            .collect(),
    }
}

/// A time from the call's start as `m:ss` (`h:mm:ss` past an hour).
pub fn clock(ms: i64) -> String {
    let sign = if ms < 0 { "−" } else { "" };
    let s = ms.unsigned_abs() / 1_000;
    if s >= 3_600 {
        format!("{sign}{}:{:02}:{:02}", s / 3_600, s / 60 % 60, s % 60)
    } else {
        format!("{sign}{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_end_its_script_block() {
        let json = r#"{"text":"</script><script>alert(1)</script><!--"}"#;
        let safe = script_safe(json);
        assert!(!safe.contains('<'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back["text"], "</script><script>alert(1)</script><!--");
    }

    #[test]
    fn vapis_metrics_are_shown_as_sent_latencies_in_ms_or_s_and_other_values_skipped() {
        let mut d: CallDetail = serde_json::from_str(
            r#"{"id":"c","type":null,"status":"ended","ended_reason":null,
                "assistant":{"id":null,"name":null},"customer_number":null,"phone_number":null,
                "started_at":null,"ended_at":null,"duration_ms":null,"cost":null,
                "status_history":[],"speech":[],"turns":[],
                "metrics":{"turn_count":0,"latency_ms":null,"user_talk_ms":0,"assistant_talk_ms":0,
                  "silence_ms":null,"interruptions_by_user":2,"interruptions_by_assistant":0,
                  "greeting_latency_ms":null,"incomplete_speech":0},
                "transcript":[],"transfers":[],"vapi_performance_metrics":null,
                "event_count":1,"first_event_at":null,"last_event_at":null}"#,
        )
        .expect("a detail");
        assert!(vapi_metrics(&d).is_empty());
        d.vapi_performance_metrics = Some(serde_json::json!({
            "modelLatencyAverage": 812.4, "numUserInterrupted": 2, "turnLatencies": [], "ratio": 0.25
        }));
        assert_eq!(
            vapi_metrics(&d),
            vec![
                ("Model latency average".to_owned(), "812 ms".to_owned()),
                ("Num user interrupted".to_owned(), "2".to_owned()),
                ("Ratio".to_owned(), "0.25".to_owned()),
            ]
        );
        assert!(calltap_metrics(&d).contains(&("User barge-ins", "2".to_owned())));
    }

    #[test]
    fn clock_times_read_from_the_calls_start() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(65_400), "1:05");
        assert_eq!(clock(3_723_000), "1:02:03");
        assert_eq!(clock(-2_000), "−0:02");
        assert_eq!(words("modelLatencyAverage"), "Model latency average");
    }
}
