//! The 12-call sample corpus (`fixtures/sample-12-calls.jsonl.gz`) through
//! call state: realistic shapes, whole calls, fleet statistics.
//!
//! The bodies go through the real wire-to-event converter (`calls::convert`),
//! so these snapshots also pin what it reads.

use std::collections::BTreeMap;

use calltap_protocol::model::Envelope;

use super::super::analytics::{fleet_stats, FleetQuery, GroupBy};
use super::super::convert::{call_event, call_id};
use super::super::detail::CallSummary;
use super::super::event::{CallEvent, EventKind};
use super::super::state::CallState;

fn convert(seq: i64, body: &[u8]) -> (String, CallEvent) {
    let envelope = Envelope::from_slice(body).expect("corpus bodies parse");
    let id = call_id(&envelope.message)
        .expect("every corpus message names its call")
        .to_owned();
    (
        id,
        call_event(crate::ids::Seq::new(seq), 0, &envelope.message),
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
