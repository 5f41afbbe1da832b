//! A call's tool calls beside the answers they got: per tool call, the
//! tool, its arguments, the result (or error) the assistant got, and how
//! the answer came about and how long the app took.
//!
//! [`answered_tool_calls`] is the pure rule: it reads each `tool-calls`
//! delivery and its recorded answer with the protocol crate's message and
//! answer types and pairs them by tool call id. The call API serves it
//! (`GET /api/v1/calls/{id}/tool-calls`); it knows no HTTP and no SQL.

use std::collections::HashMap;

use calltap_protocol::model::{MessageType, ServerMessage};
use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ids::Seq;
use crate::store::{AnswerRecord, Event};

/// One tool call of a call and the answer the assistant got for it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct AnsweredToolCall {
    /// The seq of the `tool-calls` delivery that asked it.
    #[schema(value_type = i64)]
    pub seq: Seq,
    /// The delivery's `message.timestamp` (epoch ms), if any.
    pub at: Option<i64>,
    /// The tool call's id.
    pub id: Option<String>,
    /// The tool (function) name.
    pub name: Option<String>,
    /// The arguments, as sent: an object, or a string of JSON (OpenAI's
    /// form); any JSON value a sender put there is passed on as it came.
    pub arguments: Option<serde_json::Value>,
    /// The `result` the answer carried for this id.
    pub result: Option<String>,
    /// The `error` the answer carried for this id.
    pub error: Option<String>,
    /// How the answer came about: `app`, `fallback`, `timeout` or
    /// `error`; `null` when no answer is recorded (nothing is forwarded,
    /// or it is not written yet).
    pub outcome: Option<String>,
    /// The answer's HTTP status.
    pub status: Option<u16>,
    /// How long the app took, or until calltap gave up on it (ms).
    pub latency_ms: Option<i64>,
}

/// The tool calls of `events` (a call's deliveries, by seq; those not
/// `tool-calls` are skipped) with what `answers` (the call's recorded
/// answers) said of each, in order.
pub fn answered_tool_calls(events: &[Event], answers: &[AnswerRecord]) -> Vec<AnsweredToolCall> {
    let by_seq: HashMap<Seq, &AnswerRecord> = answers.iter().map(|a| (a.seq, a)).collect();
    let mut out = Vec::new();
    for event in events {
        if event.message_type != MessageType::ToolCalls.as_str() {
            continue;
        }
        let Ok(ServerMessage::ToolCalls(message)) =
            ServerMessage::from_envelope_of_type(&event.message_type, &event.body)
        else {
            continue;
        };
        let answer = by_seq.get(&event.seq).copied();
        let response =
            answer.and_then(|a| serde_json::from_slice::<ToolCallsResponse>(&a.body).ok());
        for call in message.calls() {
            let result: Option<&ToolCallResult> = response.as_ref().and_then(|r| {
                r.results
                    .iter()
                    .flatten()
                    .find(|r| r.tool_call_id.is_some() && r.tool_call_id == call.id)
            });
            out.push(AnsweredToolCall {
                seq: event.seq,
                at: event.timestamp,
                id: call.id.clone(),
                name: call.name().map(str::to_owned),
                arguments: call.function.as_ref().and_then(|f| f.arguments.clone()),
                result: result.and_then(|r| r.result.clone()),
                error: result.and_then(|r| r.error.clone()),
                outcome: answer.map(|a| a.outcome.clone()),
                status: answer.map(|a| a.status),
                latency_ms: answer.map(|a| a.latency_ms),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::ids::{CallId, DedupKey};

    fn event(seq: i64, message_type: &str, body: &str) -> Event {
        Event {
            seq: Seq::new(seq),
            received_at: 1_000 + seq,
            call_id: Some(CallId::new("c")),
            message_type: message_type.to_owned(),
            timestamp: Some(500 + seq),
            key: DedupKey::stored(&format!("k{seq}")),
            conflicts_with: None,
            body: Bytes::from(body.to_owned()),
        }
    }

    fn answer(seq: i64, outcome: &str, body: &str) -> AnswerRecord {
        AnswerRecord {
            seq: Seq::new(seq),
            answered_at: 2_000,
            outcome: outcome.to_owned(),
            status: 200,
            latency_ms: 7,
            headers: "{}".to_owned(),
            body: Bytes::from(body.to_owned()),
            error: None,
        }
    }

    #[test]
    fn each_tool_call_gets_the_result_naming_its_id_and_the_answers_outcome_and_latency() {
        let events = [
            event(
                1,
                "status-update",
                r#"{"message":{"type":"status-update"}}"#,
            ),
            event(
                2,
                "tool-calls",
                r#"{"message":{"type":"tool-calls","toolCallList":[
                    {"id":"t1","type":"function","function":{"name":"book","arguments":{"day":"mon"}}},
                    {"id":"t2","type":"function","function":{"name":"cancel","arguments":"{}"}}]}}"#,
            ),
            event(
                3,
                "tool-calls",
                r#"{"message":{"type":"tool-calls","toolCallList":[{"id":"t3","function":{"name":"x"}}]}}"#,
            ),
        ];
        let answers = [answer(
            2,
            "app",
            r#"{"results":[{"toolCallId":"t2","error":"no such booking"},{"toolCallId":"t1","result":"booked"}]}"#,
        )];

        let calls = answered_tool_calls(&events, &answers);

        let brief: Vec<_> = calls
            .iter()
            .map(|c| {
                (
                    c.seq.get(),
                    c.id.as_deref(),
                    c.name.as_deref(),
                    c.result.as_deref(),
                    c.error.as_deref(),
                    c.outcome.as_deref(),
                    c.latency_ms,
                )
            })
            .collect();
        assert_eq!(
            brief,
            [
                (
                    2,
                    Some("t1"),
                    Some("book"),
                    Some("booked"),
                    None,
                    Some("app"),
                    Some(7)
                ),
                (
                    2,
                    Some("t2"),
                    Some("cancel"),
                    None,
                    Some("no such booking"),
                    Some("app"),
                    Some(7)
                ),
                (3, Some("t3"), Some("x"), None, None, None, None),
            ]
        );
        assert_eq!(calls[0].arguments, Some(serde_json::json!({"day": "mon"})));
        assert_eq!(calls[1].arguments, Some(serde_json::json!("{}")));
        assert_eq!(calls[0].at, Some(502));
    }

    #[test]
    fn an_answer_that_is_no_tool_calls_answer_leaves_the_results_empty_but_keeps_the_outcome() {
        let events = [event(
            4,
            "tool-calls",
            r#"{"message":{"type":"tool-calls","toolCallList":[{"id":"t1","function":{"name":"x"}}]}}"#,
        )];
        let answers = [answer(4, "fallback", "not json")];
        let calls = answered_tool_calls(&events, &answers);
        assert_eq!(calls.len(), 1);
        assert_eq!(
            (calls[0].result.as_ref(), calls[0].error.as_ref()),
            (None, None)
        );
        assert_eq!(calls[0].outcome.as_deref(), Some("fallback"));
        assert!(answered_tool_calls(&[event(5, "tool-calls", "{broken")], &[]).is_empty());
    }
}
