//! Passing deliveries on: calltap in front of the team's app.
//!
//! Two paths, both after (or beside) the commit that records a delivery:
//!
//! - [`proxy`]: a question (`tool-calls`, `assistant-request`, ...) is
//!   forwarded synchronously and the app's answer (or a configured
//!   fallback) goes back to Vapi; the answer is recorded with the delivery.
//! - [`outbox`]: every other delivery is sent from a durable outbox: a
//!   cursor over the log and rows for the deliveries not done, per-call
//!   order, backoff, dead letters. A destination kind is a [`Destination`]:
//!   [`app`] is the team's HTTP app, [`nats`] a NATS JetStream stream;
//!   both run on the same outbox machinery.
//! - [`tool_calls`]: a call's tool calls paired with the recorded answers
//!   (what the assistant got, and how long the app took), for the API.
//!
//! This module holds the settings ([`ForwardConfig`]), the destination
//! trait and the pure rules both paths share: which deadline a question
//! gets, how long to wait before a retry, the stable `webhook-id` of a
//! delivery, and the fallback answers. It knows no SQL (the outbox works
//! through `store::backend`) and no Vapi field names (the protocol crate
//! builds and reads the answers).

pub mod app;
pub mod nats;
pub mod outbox;
pub mod proxy;
pub mod tool_calls;

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use calltap_protocol::auth::Verifier;
use calltap_protocol::model::{MessageType, ServerMessage};
use calltap_protocol::response::{ToolCallResult, ToolCallsResponse};

use crate::ids::{CallId, DedupKey, Seq};

/// Where and how to forward, resolved from `[forward]` and `--forward-to`.
#[derive(Clone, Debug)]
pub struct ForwardConfig {
    /// The app's URL (`http://` or `https://`).
    pub url: String,
    /// Extra headers sent with every forwarded request.
    pub headers: Vec<(String, String)>,
    /// The credentials calltap presents to the app, signing as Vapi would
    /// (each one's headers are attached).
    pub credentials: Vec<Verifier>,
    /// The message types forwarded; `None` forwards every type.
    pub types: Option<Vec<String>>,
    /// How long a question may wait for the app.
    pub deadlines: Deadlines,
    /// When the outbox retries and when it gives up.
    pub retry: RetryPolicy,
    /// What to answer a question when the app cannot.
    pub fallbacks: Fallbacks,
    /// The most outbox deliveries in flight at once (across calls).
    pub max_in_flight: usize,
    /// The largest answer read from the app, in bytes; a longer one is
    /// treated as a failed answer (it cannot be passed on cut short).
    pub max_answer_bytes: usize,
    /// How long one outbox attempt may take before it counts as failed.
    pub attempt_timeout: Duration,
}

impl ForwardConfig {
    /// Settings with the defaults, forwarding to `url`.
    pub fn new(url: impl Into<String>) -> ForwardConfig {
        ForwardConfig {
            url: url.into(),
            headers: Vec::new(),
            credentials: Vec::new(),
            types: None,
            deadlines: Deadlines::default(),
            retry: RetryPolicy::default(),
            fallbacks: Fallbacks::default(),
            max_in_flight: 64,
            max_answer_bytes: 1024 * 1024,
            attempt_timeout: Duration::from_secs(10),
        }
    }

    /// Whether deliveries of `message_type` are forwarded at all.
    pub fn forwards(&self, message_type: &str) -> bool {
        match &self.types {
            None => true,
            Some(types) => types.iter().any(|t| t == message_type),
        }
    }
}

/// The time a question may wait for the app's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Deadlines {
    /// For `assistant-request`, whose answer Vapi waits 7.5 s for end to
    /// end (default 6 s: room for the network on both sides).
    pub assistant_request: Duration,
    /// For other questions whose message names no server timeout (Vapi's
    /// default, 20 s), before the margin.
    pub default_question: Duration,
    /// Taken off a question's server timeout (default 1 s), so that the
    /// fallback reaches Vapi before Vapi gives up.
    pub margin: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            assistant_request: Duration::from_secs(6),
            default_question: Duration::from_secs(20),
            margin: Duration::from_secs(1),
        }
    }
}

/// The shortest deadline a question gets, whatever its message says: a
/// timeout at or under the margin would otherwise leave no time at all.
pub const MIN_DEADLINE: Duration = Duration::from_millis(250);

impl Deadlines {
    /// The deadline of a question of `message_type` whose message says the
    /// server has `server_timeout_seconds` (the assistant's
    /// `server.timeoutSeconds`), if it says.
    pub fn for_question(
        &self,
        message_type: &MessageType,
        server_timeout_seconds: Option<f64>,
    ) -> Duration {
        if *message_type == MessageType::AssistantRequest {
            return self.assistant_request;
        }
        let timeout = server_timeout_seconds
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(|s| Duration::from_secs_f64(s.min(3600.0)))
            .unwrap_or(self.default_question);
        timeout.saturating_sub(self.margin).max(MIN_DEADLINE)
    }
}

/// When the outbox retries a delivery and when it gives up on it.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt (default 1 s); it doubles
    /// with each further failure.
    pub first: Duration,
    /// The longest wait between two attempts (default 10 min).
    pub max: Duration,
    /// How long after its first attempt a delivery is dead-lettered
    /// (default 24 h).
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first: Duration::from_secs(1),
            max: Duration::from_secs(600),
            give_up_after: Duration::from_secs(24 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `failures` failed ones (at
    /// least 1): `first × 2^(failures-1)`, capped at `max`, scaled by a
    /// jitter factor between 0.8 and 1.2 (`jitter` in `[0, 1)`), so that
    /// the deliveries a failure caught together do not come back together.
    pub fn backoff(&self, failures: u32, jitter: f64) -> Duration {
        let doublings = failures.saturating_sub(1).min(40);
        let base = self
            .first
            .checked_mul(1u32 << doublings.min(31))
            .unwrap_or(self.max)
            .min(self.max);
        let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        base.mul_f64(factor).min(self.max)
    }

    /// Whether a delivery first attempted at `first_attempt_ms` is given up
    /// at `now_ms` (both epoch milliseconds).
    pub fn gives_up(&self, first_attempt_ms: i64, now_ms: i64) -> bool {
        let elapsed = u64::try_from(now_ms.saturating_sub(first_attempt_ms)).unwrap_or(0);
        Duration::from_millis(elapsed) >= self.give_up_after
    }
}

/// The answers calltap gives in the app's place when the app times out,
/// refuses the connection or answers 5xx.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fallbacks {
    /// `tool-calls`: one result per tool call, carrying this text.
    pub tool_calls: Option<String>,
    /// A fixed JSON answer per other question type (`assistant-request`:
    /// an assistant id; `transfer-destination-request`: a destination or
    /// an error; ...).
    pub fixed: Vec<(MessageType, serde_json::Value)>,
}

impl Fallbacks {
    /// The fallback answer's JSON for the question `body` of
    /// `message_type`, if one is configured (and, for `tool-calls`, if the
    /// body reads as one).
    pub fn answer(&self, message_type: &MessageType, body: &[u8]) -> Option<Vec<u8>> {
        if *message_type == MessageType::ToolCalls {
            let text = self.tool_calls.as_deref()?;
            let ServerMessage::ToolCalls(message) =
                ServerMessage::from_envelope_of_type(message_type.as_str(), body).ok()?
            else {
                return None;
            };
            let answer = ToolCallsResponse::for_each_call(&message, |call| {
                ToolCallResult::answering(call).with_result(text)
            });
            return serde_json::to_vec(&answer).ok();
        }
        let (_, value) = self.fixed.iter().find(|(t, _)| t == message_type)?;
        serde_json::to_vec(value).ok()
    }
}

/// The `webhook-id` of the delivery whose dedup key is `key`: the same on
/// every attempt, every restart and every destination, so that the app
/// can drop repeats by it. `msg_` and 32 hex digits of the key's BLAKE3
/// hash (Standard Webhooks ids are opaque ASCII tokens).
pub fn webhook_id(key: &DedupKey) -> String {
    let hash = blake3::hash(key.as_str().as_bytes());
    format!("msg_{}", &hash.to_hex()[..32])
}

/// Milliseconds since the epoch, now (0 for a clock before 1970).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// One delivery for a destination, as the log holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    /// Its seq in the log.
    pub seq: Seq,
    /// Its call, if any (per-call order is kept by this).
    pub call_id: Option<CallId>,
    /// `message.type`.
    pub message_type: String,
    /// Its dedup key (the `webhook-id` derives from it).
    pub key: DedupKey,
    /// When calltap received it (epoch ms).
    pub received_at: i64,
    /// The exact bytes received.
    pub body: Bytes,
}

/// What one attempt at a delivery came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The destination took it.
    Delivered,
    /// It failed in a way that may pass later (down, timed out, 5xx, 429).
    RetryLater(String),
    /// The destination refused it for good (a 4xx, a redirect); it is
    /// dead-lettered at once.
    Permanent(String),
}

/// A kind of destination the outbox delivers to. The outbox owns order,
/// retries, persistence and metrics; a destination only makes one attempt
/// and says how it went.
pub trait Destination: Send + Sync + 'static {
    /// A stable name: the outbox's cursor row and the metrics' label.
    fn name(&self) -> &str;

    /// Whether deliveries of `message_type` go to this destination.
    fn wants(&self, message_type: &str) -> bool;

    /// Makes one attempt at `delivery`.
    fn deliver(&self, delivery: &Outgoing) -> impl Future<Output = Attempt> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assistant_request_gets_its_own_budget_and_others_their_timeout_less_the_margin() {
        let d = Deadlines::default();
        assert_eq!(
            d.for_question(&MessageType::AssistantRequest, Some(30.0)),
            Duration::from_secs(6)
        );
        assert_eq!(
            d.for_question(&MessageType::ToolCalls, Some(8.0)),
            Duration::from_secs(7)
        );
        assert_eq!(
            d.for_question(&MessageType::ToolCalls, None),
            Duration::from_secs(19)
        );
        assert_eq!(
            d.for_question(&MessageType::TransferDestinationRequest, Some(0.5)),
            MIN_DEADLINE,
            "a timeout under the margin still leaves some time"
        );
        assert_eq!(
            d.for_question(&MessageType::ToolCalls, Some(f64::NAN)),
            Duration::from_secs(19)
        );
    }

    #[test]
    fn the_backoff_doubles_from_the_first_wait_up_to_the_cap_with_bounded_jitter() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.5), Duration::from_secs(1));
        assert_eq!(p.backoff(2, 0.5), Duration::from_secs(2));
        assert_eq!(p.backoff(4, 0.5), Duration::from_secs(8));
        assert_eq!(p.backoff(30, 0.5), Duration::from_secs(600));
        assert_eq!(p.backoff(u32::MAX, 0.99), Duration::from_secs(600));
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(800));
        assert!(p.backoff(1, 0.999) <= Duration::from_millis(1200));
        assert_eq!(p.backoff(0, 0.5), Duration::from_secs(1), "0 reads as 1");
    }

    #[test]
    fn a_delivery_is_given_up_once_its_first_attempt_is_older_than_the_limit() {
        let p = RetryPolicy::default();
        let day = 24 * 3600 * 1000;
        assert!(!p.gives_up(1_000, 1_000 + day - 1));
        assert!(p.gives_up(1_000, 1_000 + day));
        assert!(
            !p.gives_up(5_000, 1_000),
            "a clock step back gives up nothing"
        );
    }

    #[test]
    fn the_webhook_id_is_stable_per_key_and_differs_between_keys() {
        let (k1, k2) = (DedupKey::stored("k1"), DedupKey::stored("k2"));
        assert_eq!(webhook_id(&k1), webhook_id(&k1));
        assert_ne!(webhook_id(&k1), webhook_id(&k2));
        assert_eq!(webhook_id(&k1).len(), 36);
        assert!(webhook_id(&k1).starts_with("msg_"));
    }

    #[test]
    fn the_tool_calls_fallback_answers_every_call_and_fixed_ones_are_sent_as_configured() {
        let fallbacks = Fallbacks {
            tool_calls: Some("try again later".to_owned()),
            fixed: vec![(
                MessageType::AssistantRequest,
                serde_json::json!({"assistantId": "a1"}),
            )],
        };
        let body = br#"{"message":{"type":"tool-calls","toolCallList":[
            {"id":"c1","type":"function","function":{"name":"book","arguments":{}}},
            {"id":"c2","type":"function","function":{"name":"cancel","arguments":{}}}]}}"#;
        let answer = fallbacks
            .answer(&MessageType::ToolCalls, body)
            .expect("a fallback");
        let answer: serde_json::Value = serde_json::from_slice(&answer).expect("JSON");
        assert_eq!(
            answer,
            serde_json::json!({"results": [
                {"name": "book", "toolCallId": "c1", "result": "try again later"},
                {"name": "cancel", "toolCallId": "c2", "result": "try again later"}]})
        );
        assert_eq!(
            fallbacks.answer(&MessageType::AssistantRequest, b"{}"),
            Some(br#"{"assistantId":"a1"}"#.to_vec())
        );
        assert_eq!(
            fallbacks.answer(&MessageType::TransferDestinationRequest, b"{}"),
            None
        );
        assert_eq!(
            fallbacks.answer(&MessageType::ToolCalls, b"not json"),
            None,
            "an unreadable question gets no made-up answer"
        );
    }
}
