//! The 12-call sample corpus (`fixtures/sample-12-calls.jsonl.gz`) through
//! call state: realistic shapes, whole calls, fleet statistics.
//!
//! `convert` is a minimal stand-in for the real wire-to-event converter,
//! which lives outside `calls/`; it reads only what these tests need.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::analytics::{fleet_stats, FleetQuery, GroupBy};
use super::super::detail::CallSummary;
use super::super::event::{
    CallEvent, CallInfo, EndOfCallReport, EventKind, HistoryMessage, Role, SpeechStatus,
    TransferKind, TransferTarget,
};
use super::super::state::CallState;

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn iso_ms(v: &Value) -> Option<i64> {
    v.as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.timestamp_millis())
}

fn target(d: &Value) -> TransferTarget {
    TransferTarget {
        kind: TransferKind::parse(d["type"].as_str().unwrap_or("")),
        assistant_name: text(&d["assistantName"]),
        number: text(&d["number"]),
        sip_uri: text(&d["sipUri"]),
    }
}

fn history(messages: &Value) -> Vec<HistoryMessage> {
    messages
        .as_array()
        .map(|ms| {
            ms.iter()
                .map(|m| HistoryMessage {
                    role: m["role"].as_str().unwrap_or("").to_owned(),
                    text: text(&m["message"]),
                    at_ms: m["time"].as_i64(),
                    end_at_ms: m["endTime"].as_i64(),
                    ..HistoryMessage::default()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn convert(seq: i64, body: &[u8]) -> (String, CallEvent) {
    let v: Value = serde_json::from_slice(body).expect("corpus bodies are JSON");
    let m = &v["message"];
    let call_id = text(&m["call"]["id"]).expect("corpus messages carry call.id");
    let call = Some(CallInfo {
        call_type: text(&m["call"]["type"]),
        assistant_id: text(&m["assistant"]["id"]).or_else(|| text(&m["call"]["assistantId"])),
        assistant_name: text(&m["assistant"]["name"]),
        customer_number: text(&m["customer"]["number"]),
        phone_number: text(&m["phoneNumber"]["number"]),
    });
    let kind = match m["type"].as_str().unwrap_or("") {
        "status-update" => EventKind::Status {
            status: text(&m["status"]).unwrap_or_default(),
            ended_reason: text(&m["endedReason"]),
            destination: m.get("destination").map(target),
        },
        "speech-update" => EventKind::Speech {
            role: Role::parse(m["role"].as_str().unwrap_or("")),
            status: SpeechStatus::parse(m["status"].as_str().unwrap_or("")),
            turn: m["turn"].as_u64().map(|t| t as u32),
        },
        "conversation-update" => EventKind::Conversation {
            messages: history(&m["messages"]),
        },
        "transfer-update" => EventKind::Transfer {
            destination: target(&m["destination"]),
            from_assistant: text(&m["fromAssistant"]["name"]),
            to_assistant: text(&m["toAssistant"]["name"]),
            to_step_record: m.get("toStepRecord").cloned(),
            from_step_record: m.get("fromStepRecord").cloned(),
        },
        "end-of-call-report" => EventKind::EndOfCallReport(EndOfCallReport {
            ended_reason: text(&m["endedReason"]),
            started_at_ms: iso_ms(&m["startedAt"]),
            ended_at_ms: iso_ms(&m["endedAt"]),
            cost: m["cost"].as_f64(),
            performance_metrics: m["artifact"].get("performanceMetrics").cloned(),
            messages: history(&m["artifact"]["messages"]),
        }),
        other => EventKind::Other {
            message_type: other.to_owned(),
        },
    };
    let at_ms = m["timestamp"]
        .as_i64()
        .expect("corpus timestamps are integers");
    (
        call_id,
        CallEvent {
            seq,
            at_ms,
            call,
            kind,
        },
    )
}

fn corpus() -> BTreeMap<String, Vec<CallEvent>> {
    let mut calls: BTreeMap<String, Vec<CallEvent>> = BTreeMap::new();
    let deliveries = calltap_protocol::fixtures::sample_deliveries();
    for (i, body) in deliveries.iter().enumerate() {
        let (id, event) = convert(i as i64 + 1, body);
        calls.entry(id).or_default().push(event);
    }
    calls
}

#[test]
fn every_sample_call_is_the_same_in_reverse_order_and_transfers_are_counted_once() {
    let calls = corpus();
    assert_eq!(calls.len(), 12);
    for (id, events) in &calls {
        let detail = CallState::from_events(id.as_str(), events).detail();
        let reversed = CallState::from_events(id.as_str(), events.iter().rev()).detail();
        assert_eq!(detail, reversed, "call {id}");
        assert_eq!(detail.status.as_deref(), Some("ended"), "call {id}");
        assert_eq!(detail.event_count, events.len() as u64);
        let transfer_updates = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Transfer { .. }))
            .count();
        assert_eq!(detail.transfers.len(), transfer_updates, "call {id}");
        assert!(detail.transfers.iter().all(|t| t.forwarding_at.is_some()));
        assert!(!detail.transcript.is_empty(), "call {id}");
    }
}

#[test]
fn the_sample_calls_give_these_summaries_and_fleet_stats() {
    let summaries: Vec<CallSummary> = corpus()
        .iter()
        .map(|(id, events)| {
            CallState::from_events(id.as_str(), events)
                .detail()
                .summary()
        })
        .collect();
    insta::assert_json_snapshot!("sample_summaries", summaries);
    let stats = fleet_stats(
        &summaries,
        &FleetQuery {
            from_ms: 0,
            to_ms: i64::MAX,
            group_by: GroupBy::Assistant,
        },
    );
    insta::assert_json_snapshot!("sample_fleet_by_assistant", stats);
}
