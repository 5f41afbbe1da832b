//! The call-state table: hand-built event sequences and the call JSON they
//! must give, as committed snapshots (`snapshots/`). The snapshots are the
//! spec: each was read by hand before it was committed.

use serde_json::json;

use super::super::detail::CallDetail;
use super::super::event::{
    CallEvent, CallInfo, EndOfCallReport, EventKind, HistoryMessage, Role, SpeechStatus,
};
use super::super::state::CallState;
use super::{number, said, sip, to_assistant, tool_calls, tool_result, Events, T0};

/// Builds the call from `events` as given and in reverse, requires both to
/// agree, and compares the JSON with the snapshot `name`.
fn check(name: &str, events: Vec<CallEvent>) {
    let detail = CallState::from_events("call-1", &events).detail();
    let reversed = CallState::from_events("call-1", events.iter().rev()).detail();
    assert_eq!(detail, reversed, "arrival order changed the call");
    insta::assert_json_snapshot!(name, detail);
}

fn report(reason: &str, started: Option<i64>, ended: Option<i64>) -> EndOfCallReport {
    EndOfCallReport {
        ended_reason: Some(reason.to_owned()),
        started_at_ms: started.map(|t| T0 + t),
        ended_at_ms: ended.map(|t| T0 + t),
        cost: Some(0.12),
        performance_metrics: None,
        messages: Vec::new(),
    }
}

#[test]
fn a_normal_call_with_three_turns_has_three_latencies_and_a_greeting() {
    let greeting = vec![
        said("system", "You are Riley.", 0),
        said("bot", "Hi, this is Riley from Bright Smile.", 3200),
    ];
    let mut full = greeting.clone();
    full.extend([
        said("user", "I'd like to book a cleaning.", 7000),
        said("bot", "Sure, which day suits you?", 9800),
        said("user", "Thursday.", 12500),
        tool_calls(
            "check_availability",
            "call_1",
            r#"{"date":"thursday"}"#,
            14200,
        ),
        tool_result(
            "check_availability",
            "call_1",
            r#"{"slots":["9:00"]}"#,
            14900,
        ),
        said("bot", "Thursday at nine is free.", 15200),
        said("user", "Great, thanks.", 17400),
        said("bot", "You're booked. Goodbye.", 18600),
    ]);
    let events = Events::new()
        .status(0, "queued")
        .status(500, "ringing")
        .status(3000, "in-progress")
        .speaks(Role::Assistant, 0, 3200, 6000)
        .conversation(6100, greeting)
        .speaks(Role::User, 0, 7000, 9000)
        .speaks(Role::Assistant, 1, 9800, 12000)
        .speaks(Role::User, 1, 12500, 14000)
        .other(14300, "tool-calls")
        .speaks(Role::Assistant, 2, 15200, 17000)
        .speaks(Role::User, 2, 17400, 18000)
        .speaks(Role::Assistant, 3, 18600, 20000)
        .conversation(20100, full.clone())
        .ended(21000, "customer-ended-call")
        .report(
            23000,
            EndOfCallReport {
                performance_metrics: Some(
                    json!({"turnLatencyAverage": 870, "numUserInterrupted": 0}),
                ),
                messages: full,
                ..report("customer-ended-call", Some(2990), Some(20500))
            },
        )
        .build();
    check("normal_call_with_three_turns", events);
}

#[test]
fn a_user_barge_in_flags_the_interrupted_turn_and_an_early_assistant_start_has_no_latency() {
    let events = Events::new()
        .status(0, "in-progress")
        .speaks(Role::Assistant, 0, 100, 2000)
        .speaks(Role::User, 0, 2500, 4000)
        // The user cuts the assistant off at 6000; it stops at 6300.
        .speaks(Role::Assistant, 1, 4600, 6300)
        .speaks(Role::User, 1, 6000, 7500)
        .speaks(Role::Assistant, 2, 8200, 9000)
        // The assistant starts at 11000 while the user speaks until 12000.
        .speaks(Role::User, 2, 9500, 12000)
        .speaks(Role::Assistant, 3, 11000, 13000)
        .ended(14000, "customer-ended-call")
        .build();
    check("barge_in", events);
}

#[test]
fn a_missing_stopped_or_started_leaves_a_half_interval_that_still_anchors_turns() {
    let events = Events::new()
        .status(0, "in-progress")
        .started(100, Role::Assistant, 0)
        .speaks(Role::User, 0, 3000, 4000)
        .speaks(Role::Assistant, 1, 4500, 6000)
        .stopped(8000, Role::User, 1)
        .speaks(Role::Assistant, 2, 8700, 9500)
        .ended(10000, "assistant-ended-call")
        .build();
    check("missing_stopped", events);
}

#[test]
fn an_assistant_transfer_then_ended_keeps_the_first_assistant_and_the_step_records() {
    let billing = CallInfo {
        assistant_id: Some("asst-billing".to_owned()),
        assistant_name: Some("Billing".to_owned()),
        ..super::info()
    };
    let events = Events::new()
        .status(0, "in-progress")
        .speaks(Role::Assistant, 0, 100, 1500)
        .speaks(Role::User, 0, 2000, 3000)
        .push(
            3500,
            EventKind::Transfer {
                destination: to_assistant("Billing"),
                from_assistant: Some("Riley".to_owned()),
                to_assistant: Some("Billing".to_owned()),
                to_step_record: Some(json!({"stepName": "billing", "state": "started"})),
                from_step_record: Some(json!({"stepName": "triage", "state": "finished"})),
            },
        )
        .with_info(Some(billing.clone()))
        .speaks(Role::Assistant, 1, 4000, 5000)
        .with_info(Some(billing))
        .ended(6000, "customer-ended-call")
        .build();
    check("assistant_transfer_then_ended", events);
}

#[test]
fn a_sip_transfer_with_its_forwarding_status_is_counted_once() {
    let uri = "sip:support@pbx.example.com";
    let events = Events::new()
        .status(0, "in-progress")
        .speaks(Role::Assistant, 0, 100, 1000)
        .speaks(Role::User, 0, 1500, 2500)
        .speaks(Role::Assistant, 1, 3000, 4000)
        .transfer(4100, sip(uri), None, None)
        .forwarding(4700, Some(sip(uri)))
        .ended(60000, "assistant-forwarded-call")
        .build();
    check("sip_transfer_with_forwarding", events);
}

#[test]
fn a_forwarding_status_without_a_matching_transfer_update_is_a_transfer_of_its_own() {
    let events = Events::new()
        .status(0, "in-progress")
        .transfer(4000, sip("sip:desk@pbx.example.com"), None, None)
        .forwarding(4200, Some(number("+15550142")))
        .ended(9000, "assistant-forwarded-call")
        .build();
    check("forwarding_without_transfer_update", events);
}

#[test]
fn an_unanswered_call_goes_queued_ringing_ended_with_no_start_and_no_speech() {
    let events = Events::new()
        .status(0, "queued")
        .status(800, "ringing")
        .ended(30800, "customer-did-not-answer")
        .report(
            31500,
            EndOfCallReport {
                cost: Some(0.0),
                ..report("customer-did-not-answer", None, None)
            },
        )
        .build();
    check("no_answer", events);
}

#[test]
fn a_late_ringing_after_ended_is_recorded_but_does_not_move_the_status() {
    let events = Events::new()
        .status(0, "in-progress")
        .ended(5000, "customer-ended-call")
        .status(6000, "ringing")
        .status(7000, "queued")
        .build();
    check("late_ringing_after_ended", events);
}

#[test]
fn an_unknown_status_is_recorded_but_does_not_move_the_status() {
    let events = Events::new()
        .status(0, "queued")
        .status(200, "not-found")
        .build();
    check("unknown_status", events);
}

#[test]
fn duplicate_events_are_applied_once() {
    let events = Events::new()
        .status(0, "in-progress")
        .speaks(Role::Assistant, 0, 100, 1000)
        .speaks(Role::User, 0, 1500, 2500)
        .speaks(Role::Assistant, 1, 3000, 4000)
        .ended(5000, "customer-ended-call")
        .build();
    // Every event delivered twice, the copies in reverse order after the originals.
    let twice: Vec<CallEvent> = events.iter().chain(events.iter().rev()).cloned().collect();
    let once = CallState::from_events("call-1", &events).detail();
    assert_eq!(CallState::from_events("call-1", &twice).detail(), once);
    check("duplicate_events", twice);
}

#[test]
fn an_event_redelivered_under_other_bytes_is_one_fact_of_the_call() {
    // A transfer and speech without turn numbers: counted twice, the copy
    // would be a second transfer and an utterance that never stopped.
    let events = Events::new()
        .status(0, "in-progress")
        .speech(100, Role::Assistant, SpeechStatus::Started, None)
        .speech(1000, Role::Assistant, SpeechStatus::Stopped, None)
        .speaks(Role::User, 0, 1500, 2500)
        .transfer(3000, sip("sip:desk@pbx.example.com"), None, None)
        .forwarding(3100, Some(sip("sip:desk@pbx.example.com")))
        .ended(5000, "assistant-forwarded-call")
        .build();
    // Every event again under a seq of its own (a new delivery, as the log
    // numbers a body it has not seen), once after the originals and once
    // interleaved before them.
    let again = |offset: i64| -> Vec<CallEvent> {
        events
            .iter()
            .map(|e| CallEvent {
                seq: crate::ids::Seq::new(e.seq.get() + offset),
                ..e.clone()
            })
            .collect()
    };
    let once = CallState::from_events("call-1", &events).detail();
    let after: Vec<CallEvent> = events.iter().cloned().chain(again(100)).collect();
    let before: Vec<CallEvent> = again(100)
        .into_iter()
        .rev()
        .zip(events.iter().cloned())
        .flat_map(|(copy, original)| [copy, original])
        .collect();
    for redelivered in [after, before] {
        let detail = CallState::from_events("call-1", &redelivered).detail();
        assert_eq!(detail.event_count, 2 * once.event_count);
        assert_eq!(
            CallDetail {
                event_count: once.event_count,
                ..detail
            },
            once
        );
    }
    assert_eq!(once.transfers.len(), 1);
    assert_eq!(once.speech.len(), 2);
}

#[test]
fn the_real_four_second_web_call_has_a_greeting_and_no_turn_latency() {
    // The six real deliveries of fixtures/real/, reduced by hand.
    let info = CallInfo {
        call_type: Some("webCall".to_owned()),
        assistant_id: Some("7a338cbe-2c73-4f65-b6d0-7326db57c06c".to_owned()),
        assistant_name: Some("test_vapi_assistant".to_owned()),
        customer_number: None,
        phone_number: None,
    };
    let history = vec![
        HistoryMessage {
            role: "system".to_owned(),
            text: Some("This is a blank template with minimal defaults.".to_owned()),
            at_ms: Some(1750314423842),
            ..HistoryMessage::default()
        },
        HistoryMessage {
            role: "bot".to_owned(),
            text: Some("Hello.".to_owned()),
            at_ms: Some(1750314424927),
            end_at_ms: Some(1750314425487),
            ..HistoryMessage::default()
        },
    ];
    let event = |seq: i64, at_ms: i64, kind: EventKind| CallEvent {
        seq: crate::ids::Seq::new(seq),
        at_ms,
        call: Some(info.clone()),
        kind,
    };
    let status = |status: &str, ended_reason: Option<&str>| EventKind::Status {
        status: status.to_owned(),
        ended_reason: ended_reason.map(str::to_owned),
        destination: None,
    };
    let speech = |status| EventKind::Speech {
        role: Role::Assistant,
        status,
        turn: Some(0),
    };
    let events = vec![
        event(1, 1750314425773, status("in-progress", None)),
        event(2, 1750314425860, speech(SpeechStatus::Started)),
        event(3, 1750314426610, speech(SpeechStatus::Stopped)),
        event(
            4,
            1750314426784,
            EventKind::Conversation {
                messages: history.clone(),
            },
        ),
        event(
            5,
            1750314432411,
            status("ended", Some("customer-ended-call")),
        ),
        event(
            6,
            1750314434599,
            EventKind::EndOfCallReport(EndOfCallReport {
                ended_reason: Some("customer-ended-call".to_owned()),
                started_at_ms: Some(1750314425775),
                ended_at_ms: Some(1750314429910),
                cost: Some(0.0),
                performance_metrics: None,
                messages: history,
            }),
        ),
    ];
    check("real_web_call_greeting_only", events);
}

#[test]
fn an_end_of_call_report_alone_ends_the_call() {
    let events = Events::new()
        .status(0, "in-progress")
        .speaks(Role::Assistant, 0, 100, 1000)
        .report(9000, report("silence-timed-out", Some(0), Some(8000)))
        .build();
    check("report_without_ended_status", events);
}

#[test]
fn speech_updates_without_turn_numbers_pair_in_time_order() {
    let events = Events::new()
        .status(0, "in-progress")
        .speech(100, Role::Assistant, SpeechStatus::Started, None)
        .speech(900, Role::Assistant, SpeechStatus::Stopped, None)
        .speech(1200, Role::User, SpeechStatus::Started, None)
        .speech(2000, Role::User, SpeechStatus::Stopped, None)
        .speech(2600, Role::Assistant, SpeechStatus::Started, None)
        // This start lost its stop: a second start follows.
        .speech(4000, Role::Assistant, SpeechStatus::Started, None)
        .speech(5000, Role::Assistant, SpeechStatus::Stopped, None)
        .speech(
            5100,
            Role::Other("tool".to_owned()),
            SpeechStatus::Other("paused".to_owned()),
            None,
        )
        .build();
    check("speech_without_turn_numbers", events);
}
