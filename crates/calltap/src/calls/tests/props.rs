//! Property tests: arrival order and redelivery do not change a call.
//!
//! The events are arbitrary, not realistic: random kinds, roles, statuses
//! (known and unknown), destinations and histories, stamped from a narrow
//! range of times so that equal timestamps (the tie-breaking paths) are
//! common. Order independence must hold for any set of events.

use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::json;

use super::super::detail::CallDetail;
use super::super::event::{
    CallEvent, CallInfo, EndOfCallReport, EventKind, HistoryMessage, Role, SpeechStatus, ToolCall,
    TransferKind, TransferTarget,
};
use super::super::state::CallState;
use super::T0;

fn maybe(values: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(select(values).prop_map(str::to_owned))
}

fn time() -> impl Strategy<Value = i64> {
    (0i64..40).prop_map(|t| T0 + t * 250)
}

fn target() -> impl Strategy<Value = TransferTarget> {
    (
        select(vec![
            TransferKind::Assistant,
            TransferKind::Number,
            TransferKind::Sip,
            TransferKind::Other("queue".to_owned()),
        ]),
        maybe(&["Billing", "Sales"]),
        maybe(&["+15550001", "+15550002"]),
        maybe(&["sip:a@pbx", "sip:b@pbx"]),
    )
        .prop_map(|(kind, assistant_name, number, sip_uri)| TransferTarget {
            kind,
            assistant_name,
            number,
            sip_uri,
        })
}

fn history() -> impl Strategy<Value = Vec<HistoryMessage>> {
    prop::collection::vec(
        (
            select(&["system", "user", "bot", "tool_calls", "tool_call_result"][..]),
            maybe(&["hi", "bye", "ok"]),
            proptest::option::of(time()),
            any::<bool>(),
        )
            .prop_map(|(role, text, at_ms, with_call)| HistoryMessage {
                role: role.to_owned(),
                text,
                at_ms,
                end_at_ms: None,
                tool_calls: if with_call {
                    vec![ToolCall {
                        id: Some("c1".to_owned()),
                        name: Some("lookup".to_owned()),
                        arguments: Some("{}".to_owned()),
                    }]
                } else {
                    Vec::new()
                },
                tool_result: None,
            }),
        0..4,
    )
}

fn kind() -> impl Strategy<Value = EventKind> {
    let status = (
        select(
            &[
                "scheduled",
                "queued",
                "ringing",
                "in-progress",
                "forwarding",
                "ended",
                "not-found",
            ][..],
        ),
        maybe(&["customer-ended-call", "silence-timed-out"]),
        proptest::option::of(target()),
    )
        .prop_map(|(status, ended_reason, destination)| EventKind::Status {
            status: status.to_owned(),
            ended_reason,
            destination,
        });
    let speech = (
        select(vec![
            Role::User,
            Role::Assistant,
            Role::Other("tool".to_owned()),
        ]),
        select(vec![
            SpeechStatus::Started,
            SpeechStatus::Stopped,
            SpeechStatus::Other("paused".to_owned()),
        ]),
        proptest::option::of(0u32..4),
    )
        .prop_map(|(role, status, turn)| EventKind::Speech { role, status, turn });
    let transfer = (
        target(),
        maybe(&["Riley"]),
        maybe(&["Billing"]),
        proptest::option::of(0u8..3),
    )
        .prop_map(
            |(destination, from_assistant, to_assistant, step)| EventKind::Transfer {
                destination,
                from_assistant,
                to_assistant,
                to_step_record: step.map(|s| json!({ "step": s })),
                from_step_record: None,
            },
        );
    let report = (
        maybe(&["customer-ended-call", "assistant-ended-call"]),
        proptest::option::of(time()),
        proptest::option::of(time()),
        proptest::option::of(select(&[0.0, 0.25][..])),
        any::<bool>(),
        history(),
    )
        .prop_map(|(ended_reason, started, ended, cost, perf, messages)| {
            EventKind::EndOfCallReport(EndOfCallReport {
                ended_reason,
                started_at_ms: started,
                ended_at_ms: ended,
                cost,
                performance_metrics: perf.then(|| json!({ "turnLatencyAverage": 900 })),
                messages,
            })
        });
    prop_oneof![
        3 => status,
        6 => speech,
        2 => history().prop_map(|messages| EventKind::Conversation { messages }),
        1 => transfer,
        1 => report,
        1 => maybe(&["tool-calls", "hang"]).prop_map(|t| EventKind::Other {
            message_type: t.unwrap_or_default(),
        }),
    ]
}

fn info() -> impl Strategy<Value = Option<CallInfo>> {
    proptest::option::of(
        (
            maybe(&["webCall", "inboundPhoneCall"]),
            maybe(&["asst-1", "asst-2"]),
            maybe(&["Riley", "Billing"]),
            maybe(&["+15550100"]),
            maybe(&["+15550199", "+15550198"]),
        )
            .prop_map(
                |(call_type, assistant_id, assistant_name, customer_number, phone_number)| {
                    CallInfo {
                        call_type,
                        assistant_id,
                        assistant_name,
                        customer_number,
                        phone_number,
                    }
                },
            ),
    )
}

/// A call's events (seq 1..=n) and a delivery of them: shuffled, with some
/// delivered again at random places, and numbered again in the order they
/// arrive, as the log numbers them (a redelivery keeps its first copy's seq,
/// since the log stores it once). So nothing about the original order, seqs
/// included, survives into the delivery.
pub(crate) fn delivery() -> impl Strategy<Value = (Vec<CallEvent>, Vec<CallEvent>)> {
    prop::collection::vec((time(), info(), kind()), 0..30)
        .prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (at_ms, call, kind))| CallEvent {
                    seq: crate::ids::Seq::new(i as i64 + 1),
                    at_ms,
                    call,
                    kind,
                })
                .collect::<Vec<_>>()
        })
        .prop_flat_map(|events| {
            (
                Just(events.clone()),
                Just(events).prop_shuffle(),
                prop::collection::vec((any::<Index>(), any::<Index>()), 0..8),
            )
        })
        .prop_map(|(events, mut delivered, copies)| {
            if !events.is_empty() {
                for (which, place) in copies {
                    let copy = events[which.index(events.len())].clone();
                    let at = place.index(delivered.len() + 1);
                    delivered.insert(at, copy);
                }
            }
            (events, renumber_in_arrival_order(delivered))
        })
}

/// Gives each distinct event (by its original seq) the seq the log would:
/// 1, 2, ... in order of first arrival; copies get their original's.
fn renumber_in_arrival_order(delivered: Vec<CallEvent>) -> Vec<CallEvent> {
    let mut assigned = std::collections::HashMap::new();
    delivered
        .into_iter()
        .map(|mut event| {
            let next = crate::ids::Seq::new(assigned.len() as i64 + 1);
            event.seq = *assigned.entry(event.seq).or_insert(next);
            event
        })
        .collect()
}

/// A call's events (seq 1..=n) and a delivery of them in any order with
/// some delivered again under seqs of their own, after n: the same event
/// under other bytes (a retry with a new envelope), which the log stores
/// as a new one.
fn redelivery_under_new_seqs() -> impl Strategy<Value = (Vec<CallEvent>, Vec<CallEvent>)> {
    delivery()
        .prop_flat_map(|(events, _)| {
            (
                Just(events.clone()),
                Just(events).prop_shuffle(),
                prop::collection::vec((any::<Index>(), any::<Index>()), 1..8),
            )
        })
        .prop_map(|(events, mut delivered, copies)| {
            if !events.is_empty() {
                for (n, (which, place)) in copies.into_iter().enumerate() {
                    let copy = CallEvent {
                        seq: crate::ids::Seq::new((events.len() + n + 1) as i64),
                        ..events[which.index(events.len())].clone()
                    };
                    let at = place.index(delivered.len() + 1);
                    delivered.insert(at, copy);
                }
            }
            (events, delivered)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_arrival_order_with_redeliveries_gives_the_same_call((events, delivered) in delivery()) {
        let expected = CallState::from_events("c", &events);
        let got = CallState::from_events("c", &delivered);
        // The seqs differ (the log numbers in arrival order), so the states'
        // seen-sets do; what the call says must not.
        prop_assert_eq!(got.detail(), expected.detail());
    }

    #[test]
    fn an_event_delivered_again_under_a_new_seq_changes_only_the_count(
        (events, delivered) in redelivery_under_new_seqs()
    ) {
        let expected = CallState::from_events("c", &events).detail();
        let got = CallState::from_events("c", &delivered).detail();
        prop_assert_eq!(got.event_count, delivered.len() as u64);
        prop_assert_eq!(
            CallDetail {
                event_count: expected.event_count,
                ..got
            },
            expected
        );
    }

    #[test]
    fn incremental_apply_equals_from_events_at_every_step((events, delivered) in delivery()) {
        let mut state = CallState::new("c");
        let mut seen = std::collections::BTreeMap::new();
        for event in &delivered {
            let fresh = state.apply(event.clone());
            prop_assert_eq!(fresh, seen.insert(event.seq, event.clone()).is_none());
            // The state so far is the state of the set seen so far, built in seq order.
            let so_far = CallState::from_events("c", seen.values());
            prop_assert_eq!(&state, &so_far);
        }
        prop_assert_eq!(state.event_count(), events.len() as u64);
        prop_assert_eq!(state.detail(), CallState::from_events("c", &events).detail());
    }

    #[test]
    fn a_call_never_reports_a_negative_latency_or_talk_time((events, _) in delivery()) {
        let detail = CallState::from_events("c", &events).detail();
        for turn in &detail.turns {
            prop_assert!(turn.latency_ms.is_none_or(|l| l >= 0));
        }
        prop_assert!(detail.metrics.user_talk_ms >= 0);
        prop_assert!(detail.metrics.assistant_talk_ms >= 0);
        prop_assert!(detail.metrics.silence_ms.is_none_or(|s| s >= 0));
    }
}
