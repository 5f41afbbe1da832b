//! Checking the answers a target gives to the questions the simulator
//! asks, so that a team can load-test its app through calltap: for every
//! `tool-calls` delivery, did the answer carry a result for each
//! `toolCallId`, and how long did it take?
//!
//! [`check_tool_calls`] is the pure rule over one exchange (the question's
//! bytes, the answer's status and bytes), read with the protocol crate's
//! message and answer types; [`ToolAnswers`] is the tally `send` keeps and
//! the report prints.

use std::collections::BTreeMap;
use std::fmt;

use calltap_protocol::model::{MessageType, ServerMessage};
use calltap_protocol::response::ToolCallsResponse;
use calltap_protocol::view::DeliveryView;

/// What one answer to a `tool-calls` delivery came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToolAnswer {
    /// A 2xx answer with a result (`result` or `error`) naming every
    /// `toolCallId` of the question.
    Complete {
        /// Results naming one of the question's calls.
        results: u64,
        /// Of those, the ones that carried `error` rather than `result`.
        errors: u64,
    },
    /// Not every tool call got a result; why, in a few words that group
    /// (`HTTP 502`, `not a tool-calls answer`, `no result for 1 of 2
    /// toolCallIds`).
    Incomplete(String),
}

/// Whether `question` is a `tool-calls` delivery (read with the ingest
/// fast path: the type only).
pub fn is_tool_calls(question: &[u8]) -> bool {
    DeliveryView::parse(question)
        .is_ok_and(|view| view.message_type == MessageType::ToolCalls.as_str())
}

/// Checks the answer (`status`, `answer` bytes) to the `tool-calls`
/// delivery `question`: complete when it is 2xx, reads as a `tool-calls`
/// answer and has a result naming each of the question's tool call ids.
/// `None` when `question` is not a readable `tool-calls` delivery.
pub fn check_tool_calls(question: &[u8], status: u16, answer: &[u8]) -> Option<ToolAnswer> {
    let ServerMessage::ToolCalls(message) =
        ServerMessage::from_envelope_of_type(MessageType::ToolCalls.as_str(), question).ok()?
    else {
        return None;
    };
    if !(200..300).contains(&status) {
        return Some(ToolAnswer::Incomplete(format!("HTTP {status}")));
    }
    let Ok(response) = serde_json::from_slice::<ToolCallsResponse>(answer) else {
        return Some(ToolAnswer::Incomplete(
            "not a tool-calls answer (no JSON object with results)".to_owned(),
        ));
    };
    let ids: Vec<&str> = message
        .calls()
        .into_iter()
        .filter_map(|call| call.id.as_deref())
        .collect();
    let mut results = 0;
    let mut errors = 0;
    let mut missing = 0;
    for id in &ids {
        let result = response
            .results
            .iter()
            .flatten()
            .find(|r| r.tool_call_id.as_deref() == Some(id));
        match result {
            Some(r) if r.result.is_some() => results += 1,
            Some(r) if r.error.is_some() => {
                results += 1;
                errors += 1;
            }
            Some(_) => missing += 1,
            None => missing += 1,
        }
    }
    if missing > 0 {
        return Some(ToolAnswer::Incomplete(format!(
            "no result for {missing} of {} toolCallIds",
            ids.len()
        )));
    }
    Some(ToolAnswer::Complete { results, errors })
}

/// The tally of the answers to `tool-calls` deliveries over a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToolAnswers {
    /// `tool-calls` deliveries sent.
    pub questions: u64,
    /// Answered with a result for every `toolCallId`.
    pub complete: u64,
    /// Results in the complete answers.
    pub results: u64,
    /// Of those, results carrying `error` rather than `result`.
    pub errors: u64,
    /// The others, by why (`no answer` when the request failed outright).
    pub incomplete: BTreeMap<String, u64>,
    /// The answer latency of the `tool-calls` deliveries that got an
    /// answer, in microseconds (sorted once the run is over).
    pub latencies_us: Vec<u64>,
}

impl ToolAnswers {
    /// Counts one `tool-calls` delivery: what its answer came to (`None`
    /// for no answer at all) and, when it got one, how long it took.
    pub fn record(&mut self, answer: Option<ToolAnswer>, latency_us: Option<u64>) {
        self.questions += 1;
        match answer {
            Some(ToolAnswer::Complete { results, errors }) => {
                self.complete += 1;
                self.results += results;
                self.errors += errors;
            }
            Some(ToolAnswer::Incomplete(why)) => *self.incomplete.entry(why).or_default() += 1,
            None => *self.incomplete.entry("no answer".to_owned()).or_default() += 1,
        }
        self.latencies_us.extend(latency_us);
    }

    /// Adds another tally (one call's) into this one.
    pub fn merge(&mut self, other: ToolAnswers) {
        self.questions += other.questions;
        self.complete += other.complete;
        self.results += other.results;
        self.errors += other.errors;
        for (why, n) in other.incomplete {
            *self.incomplete.entry(why).or_default() += n;
        }
        self.latencies_us.extend(other.latencies_us);
    }

    /// `tool-calls` deliveries whose answer missed a result.
    pub fn incomplete(&self) -> u64 {
        self.incomplete.values().sum()
    }

    /// The nearest-rank `p`-th percentile of the answer latency, in µs
    /// (over sorted latencies).
    pub fn latency_us(&self, p: f64) -> Option<u64> {
        percentile(&self.latencies_us, p)
    }
}

/// The nearest-rank `p`-th percentile of `sorted`.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(n) - 1).copied()
}

impl fmt::Display for ToolAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "tool calls:  {} questions, {} answered with a result for every toolCallId ({} results, {} of them errors), {} not",
            self.questions,
            self.complete,
            self.results,
            self.errors,
            self.incomplete()
        )?;
        for (why, n) in &self.incomplete {
            writeln!(f, "  not answered: {why}: {n}")?;
        }
        let ms = |p: f64| {
            self.latency_us(p)
                .map_or("-".to_owned(), |us| format!("{:.1} ms", us as f64 / 1000.0))
        };
        writeln!(f, "answers:     p50 {}, p99 {}", ms(50.0), ms(99.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUESTION: &[u8] = br#"{"message":{"type":"tool-calls","toolCallList":[
        {"id":"c1","type":"function","function":{"name":"book","arguments":{}}},
        {"id":"c2","type":"function","function":{"name":"cancel","arguments":{}}}]}}"#;

    #[test]
    fn an_answer_naming_every_id_is_complete_and_errors_count_as_results() {
        let answer = br#"{"results":[{"toolCallId":"c2","result":"ok"},{"toolCallId":"c1","error":"no slot"}]}"#;
        assert_eq!(
            check_tool_calls(QUESTION, 200, answer),
            Some(ToolAnswer::Complete {
                results: 2,
                errors: 1
            })
        );
    }

    #[test]
    fn a_missing_id_a_bad_status_or_a_body_that_is_no_answer_is_incomplete_with_why() {
        let cases: [(u16, &[u8], &str); 5] = [
            (
                200,
                br#"{"results":[{"toolCallId":"c1","result":"ok"}]}"#,
                "no result for 1 of 2 toolCallIds",
            ),
            (
                200,
                br#"{"results":[{"toolCallId":"c1","result":"ok"},{"toolCallId":"c2"}]}"#,
                "no result for 1 of 2 toolCallIds",
            ),
            (200, b"{}", "no result for 2 of 2 toolCallIds"),
            (
                200,
                b"certainly not json",
                "not a tool-calls answer (no JSON object with results)",
            ),
            (502, br#"{"error":"down"}"#, "HTTP 502"),
        ];
        for (status, answer, why) in cases {
            assert_eq!(
                check_tool_calls(QUESTION, status, answer),
                Some(ToolAnswer::Incomplete(why.to_owned())),
                "{}",
                String::from_utf8_lossy(answer)
            );
        }
    }

    #[test]
    fn only_tool_calls_deliveries_are_checked() {
        let status = br#"{"message":{"type":"status-update","status":"ended"}}"#;
        assert!(!is_tool_calls(status));
        assert!(is_tool_calls(QUESTION));
        assert!(!is_tool_calls(b"not json"));
        assert_eq!(check_tool_calls(status, 200, b"{}"), None);
        assert_eq!(check_tool_calls(b"[1]", 200, b"{}"), None);
    }

    #[test]
    fn the_tally_counts_each_outcome_and_reports_latency_percentiles() {
        let mut tally = ToolAnswers::default();
        tally.record(
            Some(ToolAnswer::Complete {
                results: 2,
                errors: 0,
            }),
            Some(1_000),
        );
        let mut other = ToolAnswers::default();
        other.record(
            Some(ToolAnswer::Incomplete("HTTP 502".to_owned())),
            Some(3_000),
        );
        other.record(None, None);
        tally.merge(other);
        tally.latencies_us.sort_unstable();
        assert_eq!(
            (tally.questions, tally.complete, tally.incomplete()),
            (3, 1, 2)
        );
        assert_eq!(tally.latency_us(50.0), Some(1_000));
        assert_eq!(tally.latency_us(99.0), Some(3_000));
        let text = tally.to_string();
        assert!(text.contains("3 questions, 1 answered"), "{text}");
        assert!(text.contains("not answered: HTTP 502: 1"), "{text}");
        assert!(text.contains("not answered: no answer: 1"), "{text}");
        assert!(text.contains("p50 1.0 ms, p99 3.0 ms"), "{text}");
    }
}
