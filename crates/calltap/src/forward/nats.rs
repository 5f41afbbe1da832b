//! NATS JetStream as a destination: every committed delivery published to
//! a stream, through the same outbox as the app (durable position,
//! per-call order, retries, dead letters, lag metrics, the forward API).
//!
//! What a consumer sees: on a subject made from a template (default
//! `vapi.{type}.{call_id}`, each value made subject-safe by
//! [`subject_token`]), the exact bytes calltap received, with the headers
//! `Nats-Msg-Id` (the delivery's [`webhook_id`], the same on every attempt
//! and after a restart, so JetStream drops a repeat within its duplicate
//! window), `calltap-seq`, `calltap-type`, `calltap-call-id` (absent when
//! the delivery names no call) and `calltap-received-at` (epoch ms). A
//! delivery counts as delivered only once JetStream has acknowledged it.
//!
//! [`NatsDestination::start`] connects in the background (NATS may be down
//! when calltap starts) and keeps the stream: it creates it when missing,
//! checks that an existing one takes the template's subjects, and creates
//! it again if it vanishes. Until the stream is ensured,
//! [`StreamReadiness`] tells `/readyz` why calltap is not ready; after
//! that, NATS going away shows in the outbox (failing, last error), not in
//! readiness, so that ingest goes on recording. This module knows NATS and
//! nothing of HTTP or SQL.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, context::PublishErrorKind, stream};
use async_nats::HeaderMap;
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use super::{webhook_id, Attempt, Destination, Outgoing, RetryPolicy};

/// The outbox name of the NATS destination.
pub const NATS: &str = "nats";

/// The header carrying a delivery's seq in calltap's log.
pub const SEQ_HEADER: &str = "calltap-seq";
/// The header carrying a delivery's `message.type`.
pub const TYPE_HEADER: &str = "calltap-type";
/// The header carrying a delivery's call id (absent without one).
pub const CALL_ID_HEADER: &str = "calltap-call-id";
/// The header carrying when calltap received a delivery (epoch ms).
pub const RECEIVED_AT_HEADER: &str = "calltap-received-at";
/// JetStream's deduplication header.
pub const MSG_ID_HEADER: &str = "Nats-Msg-Id";

/// The subject token standing for a delivery that names no call.
pub const NO_CALL: &str = "_";

/// Where and how to publish, resolved from `[nats]` and `--nats-*`.
#[derive(Clone)]
pub struct NatsConfig {
    /// The server(s), as the NATS clients take them: `nats://host:4222`
    /// (user and password or token may be in the URL), `tls://...`, or
    /// several separated by commas.
    pub url: String,
    /// The stream's name (default `CALLTAP`).
    pub stream: String,
    /// The subjects the stream is created with (default `vapi.>`).
    pub subjects: Vec<String>,
    /// The subject each delivery is published on.
    pub subject: SubjectTemplate,
    /// The message types published; `None` publishes every type.
    pub types: Option<Vec<String>>,
    /// The most publishes awaiting their acknowledgement at once.
    pub max_in_flight: usize,
    /// When the outbox retries a publish and when it gives up.
    pub retry: RetryPolicy,
    /// How long one attempt (waiting for the stream, the connection and
    /// the acknowledgement) may take before it counts as failed.
    pub attempt_timeout: Duration,
}

/// The default stream name.
pub const DEFAULT_STREAM: &str = "CALLTAP";
/// The default stream subjects.
pub const DEFAULT_SUBJECTS: &str = "vapi.>";
/// The default subject template.
pub const DEFAULT_SUBJECT: &str = "vapi.{type}.{call_id}";

impl NatsConfig {
    /// Settings with the defaults, publishing to the server(s) at `url`.
    pub fn new(url: impl Into<String>) -> NatsConfig {
        NatsConfig {
            url: url.into(),
            stream: DEFAULT_STREAM.to_owned(),
            subjects: vec![DEFAULT_SUBJECTS.to_owned()],
            subject: SubjectTemplate::default(),
            types: None,
            max_in_flight: 256,
            retry: RetryPolicy::default(),
            attempt_timeout: Duration::from_secs(10),
        }
    }

    /// Checks the settings against each other: a URL the client reads, a
    /// stream name and subjects JetStream takes, and a template whose
    /// every subject the stream takes (else every publish would find no
    /// stream).
    pub fn validate(&self) -> Result<(), NatsConfigError> {
        if self.url.trim().is_empty() {
            return Err(NatsConfigError::Url("it is empty".to_owned()));
        }
        for one in self.url.split(',') {
            async_nats::ServerAddr::from_str(one.trim())
                .map_err(|err| NatsConfigError::Url(format!("{}: {err}", redact_url(one))))?;
        }
        if self.stream.is_empty()
            || self
                .stream
                .chars()
                .any(|c| matches!(c, '.' | '*' | '>' | '/' | '\\') || !c.is_ascii_graphic())
        {
            return Err(NatsConfigError::Stream(self.stream.clone()));
        }
        if self.subjects.is_empty() {
            return Err(NatsConfigError::Subjects("none given".to_owned()));
        }
        for subject in &self.subjects {
            check_pattern(subject).map_err(NatsConfigError::Subjects)?;
        }
        if !self.subjects.iter().any(|s| self.subject.covered_by(s)) {
            return Err(NatsConfigError::NotCovered {
                template: self.subject.as_str().to_owned(),
                subjects: self.subjects.clone(),
            });
        }
        if self.max_in_flight == 0 {
            return Err(NatsConfigError::Limit("max_in_flight"));
        }
        if self.attempt_timeout.is_zero() {
            return Err(NatsConfigError::Limit("attempt_timeout_ms"));
        }
        if self.retry.first.is_zero() || self.retry.max < self.retry.first {
            return Err(NatsConfigError::Limit(
                "[nats.retry] first_retry_ms (at most max_retry_ms)",
            ));
        }
        Ok(())
    }

    /// Whether deliveries of `message_type` are published.
    pub fn publishes(&self, message_type: &str) -> bool {
        match &self.types {
            None => true,
            Some(types) => types.iter().any(|t| t == message_type),
        }
    }
}

impl fmt::Debug for NatsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may carry a password or a token.
        f.debug_struct("NatsConfig")
            .field("url", &redact_url(&self.url))
            .field("stream", &self.stream)
            .field("subjects", &self.subjects)
            .field("subject", &self.subject.as_str())
            .field("types", &self.types)
            .field("max_in_flight", &self.max_in_flight)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .finish()
    }
}

/// What is wrong with the NATS settings.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NatsConfigError {
    /// The URL cannot be read.
    #[error("the NATS URL is not one the client reads ({0})")]
    Url(String),
    /// The stream name has a character JetStream refuses.
    #[error("the stream name {0:?} must be non-empty, without spaces, '.', '*', '>', '/' or '\\'")]
    Stream(String),
    /// A stream subject is not a valid subject (or wildcard pattern).
    #[error("the stream subjects: {0}")]
    Subjects(String),
    /// The template is not a valid subject.
    #[error("the subject template: {0}")]
    Template(String),
    /// The stream would not take the subjects the template makes.
    #[error(
        "the stream's subjects {subjects:?} do not take every subject of the template {template:?}"
    )]
    NotCovered {
        /// The template.
        template: String,
        /// The stream's subjects.
        subjects: Vec<String>,
    },
    /// A limit is zero or out of order.
    #[error("[nats] {0} must be positive")]
    Limit(&'static str),
}

/// A URL with any user, password or token taken out, for logs and
/// messages.
pub fn redact_url(url: &str) -> String {
    url.split(',')
        .map(|one| {
            let one = one.trim();
            let (scheme, rest) = one.split_once("://").unwrap_or(("", one));
            let rest = match rest.split_once('@') {
                Some((_, host)) => format!("***@{host}"),
                None => rest.to_owned(),
            };
            if scheme.is_empty() {
                rest
            } else {
                format!("{scheme}://{rest}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Checks a stream subject: non-empty tokens, `*` only as a whole token,
/// `>` only as the whole last token, no whitespace.
fn check_pattern(subject: &str) -> Result<(), String> {
    let tokens: Vec<&str> = subject.split('.').collect();
    for (i, token) in tokens.iter().enumerate() {
        if token.is_empty() {
            return Err(format!("{subject:?} has an empty token"));
        }
        if token.chars().any(|c| !c.is_ascii_graphic()) {
            return Err(format!("{subject:?} has a space or a control character"));
        }
        let wild = token.contains(['*', '>']);
        if wild && *token != "*" && *token != ">" {
            return Err(format!("{subject:?}: a wildcard must be a whole token"));
        }
        if *token == ">" && i + 1 != tokens.len() {
            return Err(format!("{subject:?}: '>' must be the last token"));
        }
    }
    Ok(())
}

/// A value made safe as one subject token: `.`, `*`, `>`, whitespace,
/// control and non-ASCII characters become `_`, and an empty value is `_`.
/// The exact value travels in the headers.
pub fn subject_token(value: &str) -> Cow<'_, str> {
    let safe = |c: char| c.is_ascii_graphic() && !matches!(c, '.' | '*' | '>');
    if value.is_empty() {
        Cow::Borrowed(NO_CALL)
    } else if value.chars().all(safe) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(
            value
                .chars()
                .map(|c| if safe(c) { c } else { '_' })
                .collect(),
        )
    }
}

/// A header value: control characters (which would end the header) become
/// `_`.
fn header_value(value: &str) -> Cow<'_, str> {
    if value.chars().any(char::is_control) {
        Cow::Owned(
            value
                .chars()
                .map(|c| if c.is_control() { '_' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(value)
    }
}

/// One part of a subject template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Type,
    CallId,
}

/// The subject a delivery is published on: text with the placeholders
/// `{type}` (the message type) and `{call_id}` (the call id, or `_`), each
/// filled with a [`subject_token`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectTemplate {
    text: String,
    parts: Vec<Part>,
}

impl Default for SubjectTemplate {
    fn default() -> Self {
        SubjectTemplate {
            text: DEFAULT_SUBJECT.to_owned(),
            parts: vec![
                Part::Text("vapi.".to_owned()),
                Part::Type,
                Part::Text(".".to_owned()),
                Part::CallId,
            ],
        }
    }
}

impl FromStr for SubjectTemplate {
    type Err = NatsConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: String| NatsConfigError::Template(format!("{text:?}: {why}"));
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find(['{', '}']) {
                None => {
                    parts.push(Part::Text(rest.to_owned()));
                    break;
                }
                Some(at) if rest[at..].starts_with('}') => {
                    return Err(bad("a '}' without its '{'".to_owned()));
                }
                Some(at) => {
                    if at > 0 {
                        parts.push(Part::Text(rest[..at].to_owned()));
                    }
                    let Some(len) = rest[at..].find('}') else {
                        return Err(bad("a '{' without its '}'".to_owned()));
                    };
                    let name = &rest[at + 1..at + len];
                    parts.push(match name {
                        "type" => Part::Type,
                        "call_id" => Part::CallId,
                        _ => return Err(bad(unknown_placeholder(name))),
                    });
                    rest = &rest[at + len + 1..];
                }
            }
        }
        let template = SubjectTemplate {
            text: text.to_owned(),
            parts,
        };
        // Filled with a safe token, it must be a plain subject.
        let sample = template.render("t", Some("c"));
        check_pattern(&sample).map_err(bad)?;
        if sample.contains(['*', '>']) {
            return Err(bad("a published subject cannot hold a wildcard".to_owned()));
        }
        Ok(template)
    }
}

/// Why a placeholder is refused.
fn unknown_placeholder(name: &str) -> String {
    format!("unknown placeholder {{{name}}} (there are {{type}} and {{call_id}})")
}

/// A template's token: fixed text, or a placeholder (any token).
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Fixed(String),
    Any,
}

impl SubjectTemplate {
    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The subject of a delivery of `message_type` in `call_id`.
    pub fn render(&self, message_type: &str, call_id: Option<&str>) -> String {
        let mut subject = String::with_capacity(self.text.len() + 48);
        for part in &self.parts {
            match part {
                Part::Text(text) => subject.push_str(text),
                Part::Type => subject.push_str(&subject_token(message_type)),
                Part::CallId => subject.push_str(&subject_token(call_id.unwrap_or(NO_CALL))),
            }
        }
        subject
    }

    /// The template's tokens: a token holding a placeholder may be any
    /// token (a placeholder is never filled with a '.', so the tokens
    /// split where the fixed text has one).
    fn tokens(&self) -> Vec<Token> {
        const HOLE: char = '\0';
        let mut marked = String::with_capacity(self.text.len());
        for part in &self.parts {
            match part {
                Part::Text(text) => marked.push_str(text),
                Part::Type | Part::CallId => marked.push(HOLE),
            }
        }
        marked
            .split('.')
            .map(|token| {
                if token.contains(HOLE) {
                    Token::Any
                } else {
                    Token::Fixed(token.to_owned())
                }
            })
            .collect()
    }

    /// Whether every subject the template can make matches the stream
    /// subject `pattern` (`*` one token, `>` the rest).
    pub fn covered_by(&self, pattern: &str) -> bool {
        let tokens = self.tokens();
        let pattern: Vec<&str> = pattern.split('.').collect();
        for (i, want) in pattern.iter().enumerate() {
            match (*want, tokens.get(i)) {
                (">", Some(_)) => return true,
                (_, None) => return false,
                ("*", Some(_)) => {}
                (fixed, Some(Token::Fixed(have))) if fixed == have => {}
                _ => return false,
            }
        }
        tokens.len() == pattern.len()
    }
}

/// The stream, as far as calltap knows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum StreamState {
    /// It exists and takes the template's subjects.
    Ensured,
    /// Not yet, for this reason.
    Pending(String),
}

/// What the connection, the stream keeper and the attempts share.
#[derive(Debug)]
struct Shared {
    /// The URL without credentials.
    shown_url: String,
    connected: watch::Sender<bool>,
    last_client_error: parking_lot::Mutex<Option<String>>,
    stream: watch::Sender<StreamState>,
    /// Woken when a publish found no stream.
    lost: Notify,
}

/// Whether the stream is ensured, for `/readyz`; cheap to clone.
#[derive(Clone, Debug)]
pub struct StreamReadiness(Arc<Shared>);

impl StreamReadiness {
    /// Why calltap is not ready to publish (no connection yet, the stream
    /// not created, an existing stream that takes other subjects), or
    /// `None` once the stream is ensured.
    pub fn unready_reason(&self) -> Option<String> {
        let shared = &self.0;
        match &*shared.stream.borrow() {
            StreamState::Ensured => None,
            StreamState::Pending(_) if !*shared.connected.borrow() => {
                let mut reason = format!("not connected to NATS at {}", shared.shown_url);
                if let Some(error) = &*shared.last_client_error.lock() {
                    reason.push_str(&format!(" (last error: {error})"));
                }
                reason.push_str("; retrying");
                Some(reason)
            }
            StreamState::Pending(reason) => Some(reason.clone()),
        }
    }
}

/// Why the NATS destination could not start.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    /// The client refused the settings (connecting itself is retried in
    /// the background and never fails here).
    #[error("connecting to NATS at {url}: {source}")]
    Connect {
        /// The URL without credentials.
        url: String,
        /// The client's error.
        source: async_nats::ConnectError,
    },
}

/// JetStream as an outbox destination.
pub struct NatsDestination {
    client: async_nats::Client,
    jetstream: jetstream::Context,
    shared: Arc<Shared>,
    subject: SubjectTemplate,
    types: Option<Vec<String>>,
    timeout: Duration,
    keeper: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for NatsDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NatsDestination")
            .field("url", &self.shared.shown_url)
            .field("subject", &self.subject.as_str())
            .finish_non_exhaustive()
    }
}

impl Drop for NatsDestination {
    fn drop(&mut self) {
        self.keeper.abort();
    }
}

impl NatsDestination {
    /// Connects in the background and starts keeping the stream; returns
    /// at once, NATS up or not.
    pub async fn start(
        config: &NatsConfig,
    ) -> Result<(NatsDestination, StreamReadiness), NatsError> {
        let shown_url = redact_url(&config.url);
        let shared = Arc::new(Shared {
            shown_url: shown_url.clone(),
            connected: watch::channel(false).0,
            last_client_error: parking_lot::Mutex::new(None),
            stream: watch::channel(StreamState::Pending("connecting to NATS".to_owned())).0,
            lost: Notify::new(),
        });
        let events = Arc::clone(&shared);
        let client = async_nats::ConnectOptions::new()
            .name("calltap")
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(5))
            .event_callback(move |event| {
                let shared = Arc::clone(&events);
                async move { on_event(&shared, event) }
            })
            .connect(config.url.as_str())
            .await
            .map_err(|source| NatsError::Connect {
                url: shown_url.clone(),
                source,
            })?;
        let jetstream = jetstream::ContextBuilder::new()
            .timeout(config.attempt_timeout)
            .max_ack_inflight(config.max_in_flight.max(1))
            .backpressure_on_inflight(true)
            .build(client.clone());
        let stream = stream::Config {
            name: config.stream.clone(),
            subjects: config.subjects.clone(),
            storage: stream::StorageType::File,
            ..stream::Config::default()
        };
        let keeper = tokio::spawn(keep_stream(
            jetstream.clone(),
            stream,
            config.subject.clone(),
            Arc::clone(&shared),
        ));
        tracing::info!(url = %shown_url, stream = %config.stream, subject = %config.subject.as_str(), "publishing to NATS JetStream");
        Ok((
            NatsDestination {
                client,
                jetstream,
                shared: Arc::clone(&shared),
                subject: config.subject.clone(),
                types: config.types.clone(),
                timeout: config.attempt_timeout,
                keeper,
            },
            StreamReadiness(shared),
        ))
    }

    /// The headers a delivery is published with.
    pub fn headers(delivery: &Outgoing) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(MSG_ID_HEADER, webhook_id(&delivery.key).as_str());
        headers.insert(SEQ_HEADER, delivery.seq.get().to_string());
        headers.insert(
            TYPE_HEADER,
            header_value(&delivery.message_type).into_owned(),
        );
        if let Some(call) = &delivery.call_id {
            headers.insert(CALL_ID_HEADER, header_value(call.as_str()).into_owned());
        }
        headers.insert(RECEIVED_AT_HEADER, delivery.received_at.to_string());
        headers
    }

    /// Waits until `ready` holds of the watched value or `deadline` passes.
    async fn wait<T>(
        receiver: watch::Receiver<T>,
        deadline: Instant,
        ready: impl FnMut(&T) -> bool,
    ) -> bool {
        let mut receiver = receiver;
        let waited = tokio::time::timeout_at(deadline, receiver.wait_for(ready)).await;
        matches!(waited, Ok(Ok(_)))
    }
}

/// Follows the client's connection events.
fn on_event(shared: &Shared, event: async_nats::Event) {
    match event {
        async_nats::Event::Connected => {
            shared.connected.send_replace(true);
            *shared.last_client_error.lock() = None;
            tracing::info!(url = %shared.shown_url, "connected to NATS");
        }
        async_nats::Event::Disconnected | async_nats::Event::Closed => {
            shared.connected.send_replace(false);
            tracing::warn!(url = %shared.shown_url, "disconnected from NATS; reconnecting");
        }
        async_nats::Event::ClientError(err) => {
            tracing::debug!(url = %shared.shown_url, error = %err, "NATS client");
            *shared.last_client_error.lock() = Some(err.to_string());
        }
        other => tracing::info!(url = %shared.shown_url, event = %other, "NATS"),
    }
}

/// Creates the stream when missing (or gone), checks that an existing one
/// takes the template's subjects, and says how it stands; runs until the
/// destination is dropped.
async fn keep_stream(
    jetstream: jetstream::Context,
    config: stream::Config,
    template: SubjectTemplate,
    shared: Arc<Shared>,
) {
    let mut wait = Duration::from_millis(100);
    loop {
        let mut connected = shared.connected.subscribe();
        if connected.wait_for(|c| *c).await.is_err() {
            return;
        }
        let state = match jetstream.get_or_create_stream(config.clone()).await {
            Ok(stream) => {
                let subjects = &stream.cached_info().config.subjects;
                if subjects.iter().any(|s| template.covered_by(s)) {
                    StreamState::Ensured
                } else {
                    StreamState::Pending(format!(
                        "the stream {} exists with the subjects {subjects:?}, which do not take the subject template {:?}: \
                         add a subject to the stream or set another stream name",
                        config.name,
                        template.as_str()
                    ))
                }
            }
            Err(err) => StreamState::Pending(format!(
                "ensuring the JetStream stream {} at {}: {err}",
                config.name, shared.shown_url
            )),
        };
        let ensured = state == StreamState::Ensured;
        if ensured {
            tracing::info!(stream = %config.name, "the JetStream stream is ready");
            wait = Duration::from_millis(100);
        } else if let StreamState::Pending(reason) = &state {
            tracing::warn!(%reason, "the JetStream stream is not ready; retrying");
        }
        shared.stream.send_replace(state);
        if ensured {
            shared.lost.notified().await;
            shared.stream.send_replace(StreamState::Pending(format!(
                "the stream {} is gone; creating it again",
                config.name
            )));
        } else {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(5));
        }
    }
}

impl Destination for NatsDestination {
    fn name(&self) -> &str {
        NATS
    }

    fn wants(&self, message_type: &str) -> bool {
        match &self.types {
            None => true,
            Some(types) => types.iter().any(|t| t == message_type),
        }
    }

    async fn deliver(&self, delivery: &Outgoing) -> Attempt {
        let deadline = Instant::now() + self.timeout;
        // Wait for the stream and the connection, rather than fail at once
        // or queue a publish into a socket that is down: the attempt goes
        // as soon as they are there.
        let stream = self.shared.stream.subscribe();
        if !Self::wait(stream, deadline, |s| *s == StreamState::Ensured).await {
            let why = StreamReadiness(Arc::clone(&self.shared))
                .unready_reason()
                .unwrap_or_else(|| "the stream is not ready".to_owned());
            return Attempt::RetryLater(why);
        }
        let connected = self.shared.connected.subscribe();
        if !Self::wait(connected, deadline, |c| *c).await {
            return Attempt::RetryLater(format!(
                "not connected to NATS at {} within {:?}",
                self.shared.shown_url, self.timeout
            ));
        }
        let subject = self.subject.render(
            &delivery.message_type,
            delivery.call_id.as_ref().map(|c| c.as_str()),
        );
        let headers = Self::headers(delivery);
        // The server closes a connection that sends more than its
        // max_payload (headers included): refuse such a delivery here.
        let max_payload = self.client.server_info().max_payload;
        let size = delivery.body.len() + headers_len(&headers);
        if max_payload > 0 && size > max_payload {
            return Attempt::Permanent(format!(
                "the delivery is {size} bytes with its headers, over the NATS server's max_payload of {max_payload}: \
                 raise max_payload in the server's configuration, then retry it"
            ));
        }
        let publish = async {
            self.jetstream
                .publish_with_headers(subject, headers, delivery.body.clone())
                .await?
                .await
        };
        match tokio::time::timeout_at(deadline, publish).await {
            Ok(Ok(_ack)) => Attempt::Delivered,
            Ok(Err(err)) => {
                if err.kind() == PublishErrorKind::StreamNotFound {
                    self.shared.lost.notify_one();
                }
                Attempt::RetryLater(format!("publishing to JetStream: {err}"))
            }
            Err(_) => Attempt::RetryLater(format!(
                "JetStream did not acknowledge within {:?}",
                self.timeout
            )),
        }
    }
}

/// The bytes the headers take on the wire (`NATS/1.0\r\n`, one
/// `name: value\r\n` each, and the final `\r\n`).
fn headers_len(headers: &HeaderMap) -> usize {
    let mut len = "NATS/1.0\r\n\r\n".len();
    for (name, values) in headers.iter() {
        for value in values {
            len += AsRef::<str>::as_ref(name).len() + 2 + value.as_str().len() + 2;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CallId, DedupKey, Seq};

    fn template(text: &str) -> SubjectTemplate {
        text.parse().expect("a valid template")
    }

    #[test]
    fn values_become_single_subject_safe_tokens() {
        assert_eq!(subject_token("status-update"), "status-update");
        assert_eq!(subject_token("a.b c*d>e\r\n"), "a_b_c_d_e__");
        assert_eq!(subject_token(""), "_");
        assert_eq!(subject_token("é"), "_");
    }

    #[test]
    fn the_default_template_names_the_type_and_the_call_or_a_fixed_token() {
        let t = SubjectTemplate::default();
        assert_eq!(t, template(DEFAULT_SUBJECT));
        assert_eq!(
            t.render("status-update", Some("c-1")),
            "vapi.status-update.c-1"
        );
        assert_eq!(t.render("hang", None), "vapi.hang._");
        assert_eq!(t.render("x.y", Some("a b")), "vapi.x_y.a_b");
    }

    #[test]
    fn bad_templates_are_refused_with_the_reason() {
        for (text, why) in [
            ("vapi.{kind}", "unknown placeholder {kind}"),
            ("vapi.{type", "without its '}'"),
            ("vapi.type}", "without its '{'"),
            ("vapi..{type}", "empty token"),
            ("vapi.*.{type}", "wildcard"),
            ("vapi.{type}.>", "wildcard"),
            ("vapi {type}", "space"),
            ("", "empty token"),
        ] {
            let err = text.parse::<SubjectTemplate>().expect_err(text).to_string();
            assert!(err.contains(why), "{text}: {err}");
        }
        assert_eq!(
            template("t-{type}.{call_id}x").render("a", Some("b")),
            "t-a.bx"
        );
    }

    #[test]
    fn the_stream_subjects_must_take_every_subject_the_template_makes() {
        let t = SubjectTemplate::default();
        assert!(t.covered_by("vapi.>"));
        assert!(t.covered_by("vapi.*.*"));
        assert!(t.covered_by(">"));
        assert!(!t.covered_by("vapi.*"));
        assert!(!t.covered_by("vapi.*.*.*"));
        assert!(!t.covered_by("vapi.status-update.>"));
        assert!(!t.covered_by("other.>"));
        let mixed = template("x.v-{type}.calls.{call_id}");
        assert!(mixed.covered_by("x.*.calls.*"));
        assert!(!mixed.covered_by("x.v-status.calls.*"));
        assert!(template("fixed.subject").covered_by("fixed.subject"));

        let mut config = NatsConfig::new("nats://127.0.0.1:4222");
        assert_eq!(config.validate(), Ok(()));
        config.subjects = vec!["events.>".to_owned()];
        assert!(matches!(
            config.validate(),
            Err(NatsConfigError::NotCovered { .. })
        ));
        config.subjects = vec!["vapi.>.x".to_owned()];
        assert!(matches!(
            config.validate(),
            Err(NatsConfigError::Subjects(_))
        ));
    }

    #[test]
    fn bad_settings_are_refused_and_the_url_never_shows_its_credentials() {
        let mut config = NatsConfig::new("nats://user:s3cret@127.0.0.1:4222");
        assert_eq!(config.validate(), Ok(()));
        assert!(!format!("{config:?}").contains("s3cret"));
        assert_eq!(
            redact_url("nats://tok@a:1, tls://b:2"),
            "nats://***@a:1,tls://b:2"
        );
        config.url = "nats://[::1".to_owned();
        assert!(matches!(config.validate(), Err(NatsConfigError::Url(_))));
        config.url = " ".to_owned();
        assert!(matches!(config.validate(), Err(NatsConfigError::Url(_))));
        let mut config = NatsConfig::new("nats://127.0.0.1:4222");
        config.stream = "CALL.TAP".to_owned();
        assert!(matches!(config.validate(), Err(NatsConfigError::Stream(_))));
        let mut config = NatsConfig::new("nats://127.0.0.1:4222");
        config.max_in_flight = 0;
        assert!(matches!(config.validate(), Err(NatsConfigError::Limit(_))));
    }

    #[test]
    fn the_headers_carry_the_dedup_id_seq_type_call_and_time_and_no_line_break() {
        let delivery = Outgoing {
            seq: Seq::new(7),
            call_id: Some(CallId::new("c\r\nInjected: 1")),
            message_type: "status-update".to_owned(),
            key: DedupKey::stored("k7"),
            received_at: 1_750_000_000_123,
            body: bytes::Bytes::from_static(b"{}"),
        };
        let headers = NatsDestination::headers(&delivery);
        let get = |name: &str| headers.get(name).map(|v| v.as_str().to_owned());
        assert_eq!(get(MSG_ID_HEADER), Some(webhook_id(&delivery.key)));
        assert_eq!(get(SEQ_HEADER).as_deref(), Some("7"));
        assert_eq!(get(TYPE_HEADER).as_deref(), Some("status-update"));
        assert_eq!(get(CALL_ID_HEADER).as_deref(), Some("c__Injected: 1"));
        assert_eq!(get(RECEIVED_AT_HEADER).as_deref(), Some("1750000000123"));
        let none = NatsDestination::headers(&Outgoing {
            call_id: None,
            ..delivery
        });
        assert!(none.get(CALL_ID_HEADER).is_none());
        assert!(headers_len(&headers) > headers_len(&none));
    }
}
