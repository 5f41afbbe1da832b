//! Receiving deliveries: auth, limits, parse, append, acknowledge.
//!
//! [`Ingestor::ingest`] is the whole pipeline over one [`Delivery`], free of
//! HTTP response types; [`handler`] is the thin axum edge that extracts a
//! `Delivery` and maps the result to a response. This module knows neither
//! SQL (it submits [`Job`]s to the writer) nor the API, whose one error
//! type only the handler uses.

pub mod auth;
pub mod budget;
pub mod encoding;
pub mod handler;
pub mod key;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use calltap_protocol::model::MessageType;
use calltap_protocol::raw::{self, TooDeep};
use calltap_protocol::view::DeliveryView;
use calltap_protocol::ParseError;
use http::{HeaderMap, Method, Uri};
use metrics::Counter;
use tracing::Instrument;

use crate::forward::proxy::{Answer, Proxy, Question};
use crate::ids::{CallId, Seq};
use crate::store::admission::Refused;
use crate::store::body::{self, Scanned, Split};
use crate::store::writer::{SubmitError, WriterHandle};
use crate::store::{AnswerRecord, Job, NewEvent, NewQuarantine, Outcome};
use auth::{AuthRejected, Authenticated, IngestAuth, Signed};
use encoding::EncodingError;

/// One request as received.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// The HTTP method.
    pub method: Method,
    /// The request URI.
    pub uri: Uri,
    /// All request headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// How long the request waited before its body was read (for its share
    /// of the body budget): admission counts it in the expected wait, since
    /// the sender's timeout runs from when it sent.
    pub waited: Duration,
}

/// A delivery that was accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ack {
    /// Committed at this seq.
    Stored(Seq),
    /// Committed at `seq`, though its signed message id came before with
    /// other bytes, at `first` (see `Outcome::StoredConflicting`).
    StoredConflicting {
        /// Where it was stored.
        seq: Seq,
        /// The delivery first stored with the same message id.
        first: Seq,
    },
    /// Already stored at this seq; not stored again.
    Duplicate(Seq),
    /// Parsed and acknowledged without storing (`--dry-run`).
    DryRun,
}

/// A delivery's body as ingest understood it: the routing fields, and the
/// cut into pieces when it is to be stored and has any.
struct Understood<'a> {
    view: DeliveryView<'a>,
    split: Option<Split>,
}

/// What ingest did with an accepted delivery.
#[derive(Clone, Debug, PartialEq)]
pub enum Received {
    /// Recorded (or not, in a dry run) and acknowledged with `{}`.
    Acked(Ack),
    /// A question, answered by the app or in its place. `ack` says how its
    /// record went: `None` when the store could not take it (the answer
    /// goes out all the same: a live call never fails because the recorder
    /// did).
    Answered {
        /// The question's record, if the store took it.
        ack: Option<Ack>,
        /// The answer for Vapi.
        answer: Answer,
    },
}

/// Why a delivery was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// No configured credential matched.
    #[error("unauthorized: {0}")]
    Unauthorized(#[from] AuthRejected),
    /// The body could not be decompressed: an unsupported or broken
    /// encoding (quarantined), or past the body limit (not kept).
    #[error(transparent)]
    Encoding(EncodingError),
    /// The body nests too deep (quarantined).
    #[error(transparent)]
    TooDeep(TooDeep),
    /// The body is not a Vapi server message (quarantined).
    #[error(transparent)]
    Invalid(ParseError),
    /// The writer's queue would make this delivery wait past its budget,
    /// or hold more bytes than its budget.
    #[error("calltap is overloaded ({0}); retry later")]
    Overloaded(Refused),
    /// The database could not take the write.
    #[error("the store is unavailable: {0}")]
    StoreUnavailable(String),
}

impl IngestError {
    /// The machine-readable class (metrics label, `kind` in the response).
    pub fn kind(&self) -> &'static str {
        match self {
            IngestError::Unauthorized(rejected) => rejected.kind,
            IngestError::Encoding(EncodingError::Unsupported(_)) => "unsupported_encoding",
            IngestError::Encoding(EncodingError::Corrupt { .. }) => "bad_encoding",
            IngestError::Encoding(EncodingError::TooLarge { .. }) => "too_large",
            IngestError::TooDeep(_) => "too_deep",
            IngestError::Invalid(err) => err.kind(),
            IngestError::Overloaded(_) => "overloaded",
            IngestError::StoreUnavailable(_) => "store_unavailable",
        }
    }
}

/// The ingest pipeline and what it needs.
pub struct Ingestor {
    auth: IngestAuth,
    /// The largest body, in bytes, once decompressed.
    body_limit: usize,
    max_depth: usize,
    /// None in `--dry-run`: nothing is written.
    writer: Option<WriterHandle>,
    /// Extra headers to keep with each delivery (the HMAC plan's).
    kept_headers: Vec<String>,
    /// The app that answers questions, when calltap forwards to one.
    proxy: Option<Proxy>,
    /// `calltap_deliveries_received_total` and `..._stored_total`, looked
    /// up once rather than by name (a hash) for every delivery.
    received: Counter,
    stored: Counter,
}

impl std::fmt::Debug for Ingestor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingestor")
            .field("auth", &self.auth)
            .field("body_limit", &self.body_limit)
            .field("max_depth", &self.max_depth)
            .field("writer", &self.writer)
            .field("kept_headers", &self.kept_headers)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

impl Ingestor {
    /// Builds the pipeline; `writer` is `None` for a dry run.
    pub fn new(
        auth: IngestAuth,
        body_limit: usize,
        max_depth: usize,
        writer: Option<WriterHandle>,
        kept_headers: Vec<String>,
    ) -> Ingestor {
        Ingestor {
            auth,
            body_limit,
            max_depth,
            writer,
            kept_headers,
            proxy: None,
            received: metrics::counter!("calltap_deliveries_received_total"),
            stored: metrics::counter!("calltap_deliveries_stored_total"),
        }
    }

    /// Forwards the questions `proxy` asks and answers with the app's answers.
    pub fn with_proxy(mut self, proxy: Proxy) -> Ingestor {
        self.proxy = Some(proxy);
        self
    }

    /// Verifies, checks, parses and appends one delivery; resolves once the
    /// delivery (or, for bad input, its quarantine row) is committed, and,
    /// for a question the app answers, once the answer is in too.
    ///
    /// What is logged about a delivery carries its size, and, once the body
    /// is understood, its call id and type: a question's rest of the way
    /// (its commit, its forward) runs in a `delivery` span made then with
    /// all three; a delivery only stored makes no span (its few logs past
    /// that point name its call and type), nor does a dry run.
    pub async fn ingest(&self, delivery: Delivery) -> Result<Received, IngestError> {
        let received_at = epoch_ms(SystemTime::now());
        self.received.increment(1);

        // Before anything else reads the body (see `encoding`).
        let delivery =
            match encoding::decode(&delivery.headers, delivery.body.clone(), self.body_limit) {
                Ok(body) => Delivery { body, ..delivery },
                Err(err @ EncodingError::TooLarge { .. }) => {
                    let err = IngestError::Encoding(err);
                    metrics::counter!("calltap_deliveries_rejected_total", "reason" => err.kind())
                        .increment(1);
                    return Err(err);
                }
                Err(err) => {
                    // Unreadable, so kept as received; but only from a sender
                    // that passes auth over those bytes, as anything kept must.
                    self.authenticate(&delivery)?;
                    let rejection = IngestError::Encoding(err);
                    return Err(self.quarantine(&delivery, received_at, rejection).await);
                }
            };
        let authenticated = self.authenticate(&delivery)?;

        let understood = match self.understand(&delivery) {
            Ok(understood) => understood,
            Err(rejection) => return Err(self.quarantine(&delivery, received_at, rejection).await),
        };
        let view = &understood.view;
        let call_id = view.call_id.as_deref().unwrap_or("");
        let message_type = MessageType::from(&*view.message_type);
        let asked = self.proxy.as_ref().filter(|p| p.asks(&message_type));
        if asked.is_none() && message_type.expects_response() {
            tracing::warn!(
                call_id,
                message_type = &*view.message_type,
                bytes = delivery.body.len(),
                "`{}` expects a response but no app answers it; answering {{}}",
                view.message_type
            );
        }
        // A dry run with no question to forward needs no record: its dedup
        // key (a hash of the whole body) and kept headers are for the store.
        if asked.is_none() && self.writer.is_none() {
            return Ok(Received::Acked(Ack::DryRun));
        }
        let server_timeout_seconds = view.server_timeout_seconds;
        let message_id = authenticated.message_id.as_deref();
        let event = self.record(&delivery, understood, message_id, received_at);
        if let Some(proxy) = asked {
            let span = tracing::info_span!(
                "delivery",
                call_id = event.call_id.as_deref(),
                message_type = message_type.as_str(),
                bytes = delivery.body.len()
            );
            let question = Question {
                message_type,
                body: event.body.clone(),
                key: &event.key.clone(),
                server_timeout_seconds,
            };
            let received = self.ask(proxy, event, question, delivery.waited);
            return Ok(received.instrument(span).await);
        }
        let Some(writer) = &self.writer else {
            return Ok(Received::Acked(Ack::DryRun));
        };
        // No span here: a stored delivery logs nothing more unless it is a
        // duplicate or a conflict, and those logs name its call and type
        // themselves, so no span's fields are formatted for every delivery.
        let call_id = event.call_id.clone();
        let outcome = commit(writer, Job::Event(event), delivery.waited).await?;
        self.acked(outcome, call_id.as_deref(), &message_type)
            .map(Received::Acked)
    }

    /// A question: its commit and its forward to the app at once (the
    /// answer waits for both, so nothing is answered before it is
    /// recorded), then the answer recorded through the writer's queue
    /// without waiting for that second commit.
    async fn ask(
        &self,
        proxy: &Proxy,
        event: NewEvent,
        question: Question<'_>,
        waited: Duration,
    ) -> Received {
        let question_call = event.call_id.clone();
        let question_type = question.message_type.clone();
        let record = async {
            match &self.writer {
                Some(writer) => Some(commit(writer, Job::Event(event), waited).await.and_then(
                    |outcome| self.acked(outcome, question_call.as_deref(), &question_type),
                )),
                None => None,
            }
        };
        let (recorded, answer) = tokio::join!(record, proxy.ask(question));
        let ack = match recorded {
            None => Some(Ack::DryRun),
            Some(Ok(ack)) => Some(ack),
            Some(Err(err)) => {
                metrics::counter!("calltap_answers_unrecorded_total", "reason" => "question_not_stored")
                    .increment(1);
                tracing::error!(error = %err, "the question could not be stored; answering it all the same");
                None
            }
        };
        if let (
            Some(writer),
            Some(Ack::Stored(seq) | Ack::StoredConflicting { seq, .. } | Ack::Duplicate(seq)),
        ) = (&self.writer, ack)
        {
            record_answer(writer, seq, &answer);
        }
        Received::Answered { ack, answer }
    }

    /// What a committed delivery's outcome acknowledges, counted; the
    /// delivery's call and type are named in what is logged of it.
    fn acked(
        &self,
        outcome: Outcome,
        call_id: Option<&str>,
        message_type: &MessageType,
    ) -> Result<Ack, IngestError> {
        let message_type = message_type.as_str();
        match outcome {
            Outcome::Stored(seq) => {
                self.stored.increment(1);
                tracing::debug!(seq = seq.get(), call_id, message_type, "stored");
                Ok(Ack::Stored(seq))
            }
            Outcome::StoredConflicting { seq, first, .. } => {
                self.stored.increment(1);
                metrics::counter!("calltap_dedup_conflicts_total").increment(1);
                tracing::warn!(
                    seq = seq.get(),
                    first = first.get(),
                    call_id,
                    message_type,
                    "a signed message id came again with other bytes: stored both, flagged"
                );
                Ok(Ack::StoredConflicting { seq, first })
            }
            Outcome::Duplicate(seq) => {
                metrics::counter!("calltap_deliveries_duplicate_total").increment(1);
                tracing::info!(
                    seq = seq.get(),
                    call_id,
                    message_type,
                    "duplicate delivery, already stored"
                );
                Ok(Ack::Duplicate(seq))
            }
            Outcome::Quarantined(_) | Outcome::Answered(_) => Err(IngestError::StoreUnavailable(
                "the writer answered a delivery with another job's outcome".to_owned(),
            )),
        }
    }

    /// The configured checks over `delivery`, counted and logged when they
    /// reject it.
    fn authenticate(&self, delivery: &Delivery) -> Result<Authenticated, IngestError> {
        let signed = Signed {
            method: &delivery.method,
            uri: &delivery.uri,
            headers: &delivery.headers,
            body: &delivery.body,
            now: SystemTime::now(),
        };
        self.auth.verify(&signed).map_err(|rejected| {
            metrics::counter!("calltap_auth_failures_total", "reason" => rejected.kind)
                .increment(1);
            tracing::warn!(
                reason = %rejected.reason,
                bytes = delivery.body.len(),
                "delivery failed auth"
            );
            IngestError::from(rejected)
        })
    }

    /// Limits and parse: the delivery's view and its cut, or why the body
    /// is bad.
    fn understand<'a>(&self, delivery: &'a Delivery) -> Result<Understood<'a>, IngestError> {
        // The depth check, the spans to cut into content-addressed pieces
        // and the view in one pass, here on the handler's worker rather than
        // in the single writer thread (a dry run stores nothing, so it
        // keeps no span). A body that pass does not vouch for takes the
        // passes one at a time, which give the exact error.
        let min_piece = if self.writer.is_some() {
            body::MIN_PIECE
        } else {
            usize::MAX
        };
        if let Some((view, spans)) =
            DeliveryView::parse_with_spans(&delivery.body, self.max_depth, min_piece)
        {
            let split = self
                .writer
                .as_ref()
                .and_then(|writer| body::cut(&delivery.body, spans, writer.known_pieces()));
            return Ok(Understood { view, split });
        }
        let split = match &self.writer {
            Some(writer) => {
                match body::split_within(&delivery.body, writer.known_pieces(), self.max_depth) {
                    Scanned::Cut(split) => Some(split),
                    Scanned::Whole => None,
                    Scanned::Unsure => {
                        self.check_depth(&delivery.body)?;
                        None
                    }
                }
            }
            None => {
                self.check_depth(&delivery.body)?;
                None
            }
        };
        let view = DeliveryView::parse(&delivery.body).map_err(IngestError::Invalid)?;
        Ok(Understood { view, split })
    }

    /// The record to append for a delivery as `understood`.
    fn record(
        &self,
        delivery: &Delivery,
        understood: Understood<'_>,
        message_id: Option<&str>,
        received_at: i64,
    ) -> NewEvent {
        let Understood { view, split } = understood;
        NewEvent {
            received_at,
            call_id: view.call_id.as_deref().map(CallId::new),
            message_type: view.message_type.into_owned(),
            timestamp: view.timestamp_ms,
            key: key::dedup_key(message_id, &delivery.body),
            body: delivery.body.clone(),
            headers: key::kept_headers(&delivery.headers, &self.kept_headers),
            split,
        }
    }

    fn check_depth(&self, body: &[u8]) -> Result<(), IngestError> {
        raw::check_depth(body, self.max_depth).map_err(IngestError::TooDeep)
    }

    /// Keeps a rejected body; returns the error to answer with, or
    /// `StoreUnavailable`/`Overloaded` if it could not be kept (a 503 lets the
    /// sender retry rather than believe the body was recorded).
    async fn quarantine(
        &self,
        delivery: &Delivery,
        received_at: i64,
        rejection: IngestError,
    ) -> IngestError {
        let kind = rejection.kind();
        metrics::counter!("calltap_deliveries_rejected_total", "reason" => kind).increment(1);
        tracing::warn!(kind, reason = %rejection, bytes = delivery.body.len(), "delivery rejected");
        let Some(writer) = &self.writer else {
            return rejection;
        };
        let row = NewQuarantine {
            received_at,
            kind: kind.to_owned(),
            reason: rejection.to_string(),
            body: delivery.body.clone(),
            headers: key::kept_headers(&delivery.headers, &self.kept_headers),
        };
        match commit(writer, Job::Quarantine(row), delivery.waited).await {
            Ok(_) => rejection,
            Err(err) => err,
        }
    }
}

/// Queues the record of the answer given to the question at `seq`; does
/// not wait for it (the answer has gone, or is going, to Vapi already).
fn record_answer(writer: &WriterHandle, seq: Seq, answer: &Answer) {
    let headers: std::collections::BTreeMap<&str, &str> = answer
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let record = AnswerRecord {
        seq,
        answered_at: epoch_ms(SystemTime::now()),
        outcome: answer.outcome.as_str().to_owned(),
        status: answer.status.as_u16(),
        latency_ms: i64::try_from(answer.latency.as_millis()).unwrap_or(i64::MAX),
        headers: serde_json::to_string(&headers).unwrap_or_else(|_| "{}".to_owned()),
        body: answer.body.clone(),
        error: answer.error.clone(),
    };
    if let Err(err) = writer.try_submit(Job::Answer(record)) {
        metrics::counter!("calltap_answers_unrecorded_total", "reason" => "answer_not_stored")
            .increment(1);
        tracing::error!(seq = seq.get(), error = %err, "the answer could not be queued for recording");
    }
}

/// Submits a job whose sender has waited `waited` already, and waits for
/// its batch to commit.
async fn commit(writer: &WriterHandle, job: Job, waited: Duration) -> Result<Outcome, IngestError> {
    let reply = writer
        .try_submit_after(job, waited)
        .map_err(|err| match err {
            SubmitError::Full(refused) => {
                metrics::counter!("calltap_overloaded_total").increment(1);
                IngestError::Overloaded(refused)
            }
            SubmitError::Closed => {
                IngestError::StoreUnavailable("the writer has stopped".to_owned())
            }
        })?;
    match reply.await {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(failed)) => Err(IngestError::StoreUnavailable(failed.0)),
        Err(_) => Err(IngestError::StoreUnavailable(
            "the writer stopped before committing".to_owned(),
        )),
    }
}

/// Milliseconds since the epoch (0 for a clock before 1970).
pub fn epoch_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis()
        .try_into()
        .unwrap_or(i64::MAX)
}
