//! The simulator's own checks: what it emits is valid, deterministic, and
//! its truth is what calltap's call projection makes of its messages.

use std::sync::Arc;

use calltap_protocol::model::{Envelope, ServerMessage};
use calltap_protocol::validate::{validate, Mode};

use super::jsonl::write_calls;
use super::{MessageTypes, Renderer, SimConfig};
use crate::calls::{convert, CallState};

fn config_with_everything(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        transfer_rate: 0.4,
        tool_call_rate: 0.4,
        interruption_rate: 0.3,
        messages: MessageTypes {
            transfer_update: true,
            transcript: true,
        },
        ..SimConfig::default()
    }
}

fn bodies(cfg: &SimConfig, calls: u64) -> Vec<Vec<u8>> {
    let renderer = Arc::new(Renderer::new(cfg));
    let mut out = Vec::new();
    (0..calls)
        .flat_map(|i| {
            let mut call = renderer.call(i);
            std::iter::from_fn(move || call.next_body().map(|(_, b)| b))
        })
        .for_each(|b| out.push(b));
    out
}

#[test]
fn thousands_of_generated_messages_pass_strict_validation_with_zero_violations() {
    let cfg = config_with_everything(11);
    let all = bodies(&cfg, 120);
    assert!(all.len() > 3_000, "only {} messages", all.len());
    for body in &all {
        let violations = validate(body, Mode::Strict).expect("an envelope");
        assert!(
            violations.is_empty(),
            "{:?}\nin {}",
            violations,
            String::from_utf8_lossy(&body[..body.len().min(400)])
        );
    }
}

#[test]
fn every_message_the_simulator_sends_parses_into_its_typed_variant() {
    let cfg = config_with_everything(5);
    let mut tool_calls = 0;
    for body in bodies(&cfg, 60) {
        let env = Envelope::from_slice(&body).expect("parses");
        let message_type = env.message.message_type().to_owned();
        match env.message {
            ServerMessage::Other(_) => panic!("{message_type} is not typed"),
            ServerMessage::ToolCalls(m) => {
                tool_calls += 1;
                assert!(m
                    .calls()
                    .iter()
                    .all(|c| c.id.is_some() && c.name().is_some()));
            }
            _ => {}
        }
    }
    assert!(tool_calls > 0, "no tool calls were generated");
}

#[test]
fn every_tool_calls_question_carries_the_one_tool_call_its_script_made() {
    // The script sorts its history by commit time once the call is over;
    // the questions' indexes into it must follow, or a question goes out
    // with an empty (or another entry's) tool call list.
    for seed in [1613, 5, 2026] {
        let cfg = SimConfig {
            seed,
            tool_call_rate: 0.6,
            ..SimConfig::default()
        };
        let mut asked = 0;
        for body in bodies(&cfg, 30) {
            let Ok(ServerMessage::ToolCalls(m)) =
                Envelope::from_slice(&body).map(|env| env.message)
            else {
                continue;
            };
            asked += 1;
            let calls = m.calls();
            assert_eq!(
                calls.len(),
                1,
                "seed {seed}: {}",
                String::from_utf8_lossy(&body)
            );
            assert!(calls[0]
                .id
                .as_deref()
                .is_some_and(|id| id.starts_with("call_")));
        }
        assert!(asked > 10, "seed {seed}: only {asked} tool calls");
    }
}

#[test]
fn every_message_type_the_model_knows_is_generated_and_sizes_look_like_real_ones() {
    let cfg = config_with_everything(3);
    let all = bodies(&cfg, 150);
    let mut types = std::collections::BTreeSet::new();
    for body in &all {
        let env = Envelope::from_slice(body).expect("parses");
        types.insert(env.message.message_type().to_owned());
    }
    for t in [
        "status-update",
        "speech-update",
        "conversation-update",
        "tool-calls",
        "transfer-update",
        "transcript",
        "user-interrupted",
        "end-of-call-report",
    ] {
        assert!(types.contains(t), "no {t} in {types:?}");
    }
    let max = all.iter().map(Vec::len).max().unwrap_or(0);
    let min = all.iter().map(Vec::len).min().unwrap_or(0);
    assert!(min > 3_000 && max < 120_000, "sizes {min}..{max}");
}

#[test]
fn the_same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let cfg = SimConfig {
        seed: 42,
        ..SimConfig::default()
    };
    let a = bodies(&cfg, 20);
    let b = bodies(&cfg, 20);
    let c = bodies(
        &SimConfig {
            seed: 43,
            ..SimConfig::default()
        },
        20,
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn a_call_is_the_same_whatever_the_number_of_calls_in_the_run() {
    let cfg = SimConfig::default();
    let few = bodies(&cfg, 3);
    let many = bodies(&cfg, 10);
    assert_eq!(few[..], many[..few.len()]);
}

#[test]
fn the_jsonl_writer_interleaves_calls_by_timestamp_and_writes_every_message() {
    let cfg = SimConfig::default();
    let renderer = Arc::new(Renderer::new(&cfg));
    let mut out = Vec::new();
    let mut expected = 0;
    let written = write_calls(&renderer, 30, &mut out, |s| {
        expected += s.steps.len() as u64
    })
    .expect("writes to memory");
    assert_eq!(written, expected);
    let mut last = i64::MIN;
    let mut calls = std::collections::BTreeSet::new();
    for line in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let env = Envelope::from_slice(line).expect("each line is an envelope");
        let at = env.message.timestamp().map(|t| t.epoch_ms()).unwrap_or(0);
        assert!(at >= last, "out of order");
        last = at;
        calls.insert(convert::call_id(&env.message).map(str::to_owned));
    }
    assert_eq!(calls.len(), 30);
}

#[test]
fn the_truth_equals_what_calltaps_projection_makes_of_the_messages() {
    for messages in [
        MessageTypes::default(),
        MessageTypes {
            transfer_update: true,
            transcript: true,
        },
    ] {
        let cfg = SimConfig {
            messages,
            transfer_rate: 0.5,
            ..config_with_everything(5)
        };
        let renderer = Arc::new(Renderer::new(&cfg));
        for i in 0..150 {
            let mut call = renderer.call(i);
            let truth = call.script().truth.clone();
            let mut events = Vec::new();
            let mut seq = 0;
            while let Some((_, body)) = call.next_body() {
                seq += 1;
                let env = Envelope::from_slice(&body).expect("parses");
                events.push(convert::call_event(
                    crate::ids::Seq::new(seq),
                    0,
                    &env.message,
                ));
            }
            let detail = CallState::from_events(truth.id.as_str(), &events).detail();
            assert_eq!(detail.status.as_deref(), Some("ended"));
            assert_eq!(detail.call_type.as_deref(), Some(truth.call_type.as_str()));
            assert_eq!(
                detail.ended_reason.as_deref(),
                Some(truth.ended_reason.as_str())
            );
            assert_eq!(detail.started_at, truth.started_at, "call {i}");
            assert_eq!(detail.ended_at, truth.ended_at, "call {i}");
            assert_eq!(detail.status_history, truth.status_history, "call {i}");
            assert_eq!(detail.turns, truth.turns, "call {i}");
            assert_eq!(detail.transfers, truth.transfers, "call {i}");
            assert_eq!(detail.metrics.turn_count, truth.metrics.turn_count);
            assert_eq!(
                detail.metrics.interruptions_by_user,
                truth.metrics.interruptions_by_user
            );
            assert_eq!(detail.metrics.interruptions_by_assistant, 0);
            assert_eq!(detail.event_count, truth.deliveries);
        }
    }
}

#[test]
fn all_three_transfer_types_happen_and_number_and_sip_transfers_send_forwarding() {
    let cfg = SimConfig {
        transfer_rate: 1.0,
        messages: MessageTypes {
            transfer_update: true,
            transcript: false,
        },
        ..SimConfig::default()
    };
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..60 {
        let s = super::CallScript::generate(&cfg, i);
        if s.started_at.is_none() {
            continue;
        }
        let t = &s.truth.transfers;
        assert_eq!(t.len(), 1, "call {i}");
        let kind = t[0].destination_type.clone().unwrap_or_default();
        let forwarding = s
            .truth
            .status_history
            .iter()
            .any(|c| c.status == "forwarding");
        assert_eq!(forwarding, kind != "assistant", "call {i} ({kind})");
        assert_eq!(t[0].forwarding_at.is_some(), kind != "assistant");
        match kind.as_str() {
            "number" => assert!(t[0].number.is_some()),
            "sip" => assert!(t[0]
                .sip_uri
                .as_deref()
                .is_some_and(|u| u.starts_with("sip:"))),
            "assistant" => assert!(t[0].to_assistant.is_some() && t[0].from_assistant.is_some()),
            other => panic!("unexpected destination type {other}"),
        }
        seen.insert(kind);
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}
