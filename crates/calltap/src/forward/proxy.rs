//! Questions, answered by the app: a question (`tool-calls`,
//! `assistant-request`, ...) is forwarded as it arrives, and Vapi gets the
//! app's answer (status, `content-type` and body as the app sent them), or,
//! when the app times out, cannot be reached or answers 5xx, the configured
//! fallback for that type, or else a 502/504.
//!
//! [`Proxy::ask`] makes the exchange within the question's deadline
//! ([`Deadlines`]); [`settle`] is the pure rule that turns what the app did
//! into the [`Answer`] sent and recorded. Ingest runs `ask` beside the
//! commit of the question. This module knows HTTP and nothing of SQL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use calltap_protocol::model::MessageType;
use http::{HeaderMap, HeaderValue, StatusCode};

use super::app::{AppAnswer, AppError, AppTarget};
use super::{Deadlines, Fallbacks, ForwardConfig};
use crate::ids::DedupKey;

/// How a question was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The app's own answer, passed on as sent.
    App,
    /// The configured fallback, because the app could not answer.
    Fallback,
    /// The app did not answer in time and no fallback is configured (504).
    Timeout,
    /// The app could not be reached, broke off, answered 5xx or answered
    /// too much, and no fallback is configured (its 5xx, else 502).
    Error,
}

impl Outcome {
    /// The name recorded and shown by the API (`app`, `fallback`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::App => "app",
            Outcome::Fallback => "fallback",
            Outcome::Timeout => "timeout",
            Outcome::Error => "error",
        }
    }
}

/// The answer calltap sends Vapi for a question.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// How it came about.
    pub outcome: Outcome,
    /// The status sent.
    pub status: StatusCode,
    /// The `content-type` sent, if any.
    pub content_type: Option<HeaderValue>,
    /// The app's response headers worth keeping with the record (none for
    /// an answer the app did not give).
    pub headers: Vec<(String, String)>,
    /// The body sent, exactly.
    pub body: Bytes,
    /// How long the app took to answer, or until calltap gave up on it.
    pub latency: Duration,
    /// Why the app's answer was not used, when it was not.
    pub error: Option<String>,
}

/// One question to forward.
#[derive(Clone, Debug)]
pub struct Question<'a> {
    /// Its type.
    pub message_type: MessageType,
    /// The exact bytes received.
    pub body: Bytes,
    /// Its dedup key (for the `webhook-id`).
    pub key: &'a DedupKey,
    /// The assistant's server timeout, when the message says it.
    pub server_timeout_seconds: Option<f64>,
}

/// The synchronous forwarder of questions; cheap to share.
#[derive(Debug)]
pub struct Proxy {
    target: Arc<AppTarget>,
    types: Option<Vec<String>>,
    deadlines: Deadlines,
    fallbacks: Fallbacks,
}

impl Proxy {
    /// The proxy for `config`, sending through `target`.
    pub fn new(target: Arc<AppTarget>, config: &ForwardConfig) -> Proxy {
        Proxy {
            target,
            types: config.types.clone(),
            deadlines: config.deadlines.clone(),
            fallbacks: config.fallbacks.clone(),
        }
    }

    /// Whether a message of this type is a question this proxy forwards.
    pub fn asks(&self, message_type: &MessageType) -> bool {
        let listed = match &self.types {
            None => true,
            Some(types) => types.iter().any(|t| t == message_type.as_str()),
        };
        listed && message_type.expects_response()
    }

    /// Forwards `question` and settles the answer for Vapi; never fails:
    /// whatever the app does, there is an answer, within the deadline.
    #[tracing::instrument(name = "question", skip_all, fields(message_type = %question.message_type))]
    pub async fn ask(&self, question: Question<'_>) -> Answer {
        let deadline = self
            .deadlines
            .for_question(&question.message_type, question.server_timeout_seconds);
        let started = Instant::now();
        let reply = self
            .target
            .send(question.body.clone(), question.key, None, deadline)
            .await;
        let latency = started.elapsed();
        let answer = settle(
            reply,
            &question.message_type,
            &question.body,
            &self.fallbacks,
            latency,
        );
        if let Some(error) = &answer.error {
            tracing::warn!(outcome = answer.outcome.as_str(), %error, "the app did not answer the question");
        }
        metrics::counter!("calltap_answers_total", "outcome" => answer.outcome.as_str())
            .increment(1);
        metrics::histogram!("calltap_answer_app_seconds").record(latency.as_secs_f64());
        answer
    }
}

/// The answer to a question of `message_type` whose body is `question`,
/// from what the app did: its answer below 500 as it is; else the
/// fallback, if one is configured; else the app's 5xx as it is, 504 for a
/// timeout, 502 for anything else.
pub fn settle(
    reply: Result<AppAnswer, AppError>,
    message_type: &MessageType,
    question: &[u8],
    fallbacks: &Fallbacks,
    latency: Duration,
) -> Answer {
    let failure = match reply {
        Ok(answer) if !answer.status.is_server_error() => {
            return passed_on(answer, Outcome::App, latency, None);
        }
        Ok(answer) => Failure::ServerError(answer),
        Err(err) => Failure::NoAnswer(err),
    };
    let error = failure.to_string();
    if let Some(body) = fallbacks.answer(message_type, question) {
        return Answer {
            outcome: Outcome::Fallback,
            status: StatusCode::OK,
            content_type: Some(HeaderValue::from_static("application/json")),
            headers: Vec::new(),
            body: Bytes::from(body),
            latency,
            error: Some(error),
        };
    }
    match failure {
        Failure::ServerError(answer) => passed_on(answer, Outcome::Error, latency, Some(error)),
        Failure::NoAnswer(err) => {
            let (outcome, status, kind) = match err {
                AppError::TimedOut(_) => {
                    (Outcome::Timeout, StatusCode::GATEWAY_TIMEOUT, "app_timeout")
                }
                AppError::Unreachable(_) => {
                    (Outcome::Error, StatusCode::BAD_GATEWAY, "app_unreachable")
                }
                AppError::TooLarge { .. } => (
                    Outcome::Error,
                    StatusCode::BAD_GATEWAY,
                    "app_answer_too_large",
                ),
                AppError::Failed(_) => (Outcome::Error, StatusCode::BAD_GATEWAY, "app_failed"),
            };
            let body = serde_json::json!({ "error": error, "kind": kind });
            Answer {
                outcome,
                status,
                content_type: Some(HeaderValue::from_static("application/json")),
                headers: Vec::new(),
                body: Bytes::from(body.to_string()),
                latency,
                error: Some(error),
            }
        }
    }
}

/// The app's answer, passed on as it came.
fn passed_on(
    answer: AppAnswer,
    outcome: Outcome,
    latency: Duration,
    error: Option<String>,
) -> Answer {
    Answer {
        outcome,
        status: answer.status,
        content_type: answer.headers.get(http::header::CONTENT_TYPE).cloned(),
        headers: kept(&answer.headers),
        body: answer.body,
        latency,
        error,
    }
}

/// Why the app's answer was not used.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("the app answered {}", .0.status)]
    ServerError(AppAnswer),
    #[error(transparent)]
    NoAnswer(AppError),
}

/// Response headers not kept with a recorded answer: the connection's own,
/// and those that may carry a credential.
const UNKEPT: &[&str] = &[
    "connection",
    "keep-alive",
    "transfer-encoding",
    "date",
    "set-cookie",
    "authorization",
    "proxy-authenticate",
    "www-authenticate",
];

/// The app's response headers as kept with the answer (text values only).
fn kept(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| !UNKEPT.contains(&name.as_str()))
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOL_CALLS: &[u8] = br#"{"message":{"type":"tool-calls","toolCallList":[{"id":"c1","type":"function","function":{"name":"book","arguments":{}}}]}}"#;

    fn app(status: u16, body: &'static str) -> Result<AppAnswer, AppError> {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("text/plain"));
        headers.insert("set-cookie", HeaderValue::from_static("s=1"));
        headers.insert("x-app", HeaderValue::from_static("v2"));
        Ok(AppAnswer {
            status: StatusCode::from_u16(status).expect("status"),
            headers,
            body: Bytes::from_static(body.as_bytes()),
        })
    }

    fn with_fallback() -> Fallbacks {
        Fallbacks {
            tool_calls: Some("later".to_owned()),
            fixed: Vec::new(),
        }
    }

    fn settled(reply: Result<AppAnswer, AppError>, fallbacks: &Fallbacks) -> Answer {
        settle(
            reply,
            &MessageType::ToolCalls,
            TOOL_CALLS,
            fallbacks,
            Duration::from_millis(3),
        )
    }

    #[test]
    fn an_app_answer_under_500_is_passed_on_as_sent_whatever_it_holds() {
        for (status, body) in [(200, "{\"ok\":1}"), (200, "not json"), (404, ""), (307, "")] {
            let answer = settled(app(status, body), &with_fallback());
            assert_eq!(answer.outcome, Outcome::App);
            assert_eq!(answer.status.as_u16(), status);
            assert_eq!(answer.body, body.as_bytes());
            assert_eq!(
                answer.content_type.as_ref().map(|v| v.as_bytes()),
                Some(&b"text/plain"[..])
            );
            assert_eq!(answer.error, None);
            assert!(answer
                .headers
                .contains(&("x-app".to_owned(), "v2".to_owned())));
            assert!(!answer.headers.iter().any(|(name, _)| name == "set-cookie"));
        }
    }

    #[test]
    fn a_failing_app_gets_the_fallback_when_one_is_configured() {
        for reply in [
            app(500, "boom"),
            Err(AppError::TimedOut(Duration::from_secs(1))),
            Err(AppError::Unreachable("refused".to_owned())),
            Err(AppError::Failed("closed mid-answer".to_owned())),
        ] {
            let answer = settled(reply, &with_fallback());
            assert_eq!(answer.outcome, Outcome::Fallback);
            assert_eq!(answer.status, StatusCode::OK);
            assert!(answer.error.is_some());
            let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
            assert_eq!(body["results"][0]["toolCallId"], "c1");
            assert_eq!(body["results"][0]["result"], "later");
        }
    }

    #[test]
    fn without_a_fallback_the_status_is_passed_through_or_made_502_or_504() {
        let none = Fallbacks::default();
        let answer = settled(app(503, "busy"), &none);
        assert_eq!(
            (answer.outcome, answer.status.as_u16()),
            (Outcome::Error, 503)
        );
        assert_eq!(answer.body, "busy");
        let answer = settled(Err(AppError::TimedOut(Duration::from_secs(5))), &none);
        assert_eq!(
            (answer.outcome, answer.status.as_u16()),
            (Outcome::Timeout, 504)
        );
        let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
        assert_eq!(body["kind"], "app_timeout");
        let too_large = AppError::TooLarge {
            status: StatusCode::OK,
            limit: 10,
        };
        let answer = settled(Err(too_large), &none);
        assert_eq!(
            (answer.outcome, answer.status.as_u16()),
            (Outcome::Error, 502)
        );
    }
}
