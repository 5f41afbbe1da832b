//! The store: the event log, the piece store, the quarantine and the call
//! projections, behind traits a backend implements, with the SQLite
//! backend beside them.
//!
//! This module holds what every part of the store shares: the records that
//! cross its boundary (plain structs; the HTTP layer converts them), the
//! writer's [`Job`]s and their [`Outcome`]s, [`StoreError`] and
//! [`Durability`]. It imports none of its children, so none can loop back.
//!
//! - [`backend`]: the traits a backend implements (append with dedup, read
//!   pages, rebuild bodies, pieces, quarantine, projections), naming no
//!   SQLite type; [`open`] picks and opens the backend, the one module
//!   above [`sqlite`] that names it.
//! - [`sqlite`]: the SQLite backend (connections, schema, log, quarantine,
//!   projections, the WAL checkpointer, write turns). All SQL is there.
//! - [`writer`]: the group-commit writer thread, over any backend;
//!   [`feed`] publishes what it commits to live subscribers (and follows
//!   the log into the live feed), [`handoff`] hands it to the projector.
//! - [`body`]: bodies cut into content-addressed pieces (pure, no SQL);
//!   [`projections`]: the call projections' rows and queries (no SQL).
//!
//! Nothing here knows HTTP.

pub mod admission;
pub mod backend;
pub mod body;
pub mod feed;
pub mod handoff;
pub mod open;
pub mod projections;
pub mod sqlite;
pub mod writer;

use std::ops::RangeInclusive;

use bytes::Bytes;

use crate::ids::{CallId, DedupKey, Seq};

/// A delivery to append to the log.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// `message.call.id`, if any.
    pub call_id: Option<CallId>,
    /// `message.type`.
    pub message_type: String,
    /// `message.timestamp` in ms since the epoch, if any.
    pub timestamp: Option<i64>,
    /// The dedup key: a signed message id or a hash of the body.
    pub key: DedupKey,
    /// The exact bytes received.
    pub body: Bytes,
    /// The relevant request headers, as a JSON object of strings.
    pub headers: String,
    /// The body cut into content-addressed pieces ([`body::split`], done by
    /// the handler so the writer thread only inserts); `None` stores it whole.
    pub split: Option<body::Split>,
}

impl NewEvent {
    /// The delivery as the log now holds it, with `body`, given what
    /// appending it did; `None` unless this append stored it (a duplicate
    /// was stored, and published, before).
    pub fn logged<B>(&self, outcome: &Outcome, body: B) -> Option<Logged<B>> {
        let (seq, key, conflicts_with) = match outcome {
            Outcome::Stored(seq) => (*seq, self.key.clone(), None),
            Outcome::StoredConflicting { seq, first, key } => (*seq, key.clone(), Some(*first)),
            Outcome::Duplicate(_) | Outcome::Quarantined(_) | Outcome::Answered(_) => return None,
        };
        Some(Logged {
            seq,
            received_at: self.received_at,
            call_id: self.call_id.clone(),
            message_type: self.message_type.clone(),
            timestamp: self.timestamp,
            key,
            conflicts_with,
            body,
        })
    }
}

#[cfg(test)]
impl NewEvent {
    /// A stored-whole `status-update` with no call, for store tests.
    pub(crate) fn for_test(key: &str, body: Bytes) -> NewEvent {
        NewEvent {
            received_at: 1,
            call_id: None,
            message_type: "status-update".to_owned(),
            timestamp: None,
            key: DedupKey::stored(key),
            body,
            headers: "{}".to_owned(),
            split: None,
        }
    }
}

/// What the writer appends, one per request.
#[derive(Clone, Debug)]
pub enum Job {
    /// Append a delivery to the log (unless its key is stored).
    Event(NewEvent),
    /// Keep a rejected body.
    Quarantine(NewQuarantine),
    /// Record the answer given to a stored question (replacing an earlier
    /// one: a redelivered question is answered again).
    Answer(AnswerRecord),
}

impl Job {
    /// Whether no one waits for this job's commit, so that the writer may
    /// hold it for a later batch: a recorded answer (the answer itself has
    /// gone to Vapi already; its question was committed before it).
    pub fn can_wait(&self) -> bool {
        matches!(self, Job::Answer(_))
    }

    /// The bytes this job holds while it waits for the writer (its body and
    /// kept headers; a cut body's recipe shares the body's bytes), which is
    /// what the queue's admission counts.
    pub fn queued_bytes(&self) -> usize {
        match self {
            Job::Event(event) => event.body.len() + event.headers.len(),
            Job::Quarantine(row) => row.body.len() + row.headers.len() + row.reason.len(),
            Job::Answer(answer) => answer.body.len() + answer.headers.len(),
        }
    }
}

/// What appending a job did, once committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The delivery was stored at this seq.
    Stored(Seq),
    /// The delivery was stored at `seq` although its message id was stored
    /// before, at `first`, with other bytes: its sender reused a signed id
    /// for new content (a bug, or someone holding the secret). Neither is
    /// dropped: this one is keyed by its body's hash, `key`, so that its
    /// own redeliveries stay one, and flagged (`conflicts_with` = `first`).
    StoredConflicting {
        /// Where it was stored.
        seq: Seq,
        /// The delivery first stored under the same message id.
        first: Seq,
        /// The key it was stored under (its body's hash).
        key: DedupKey,
    },
    /// The delivery's key was already stored at this seq, with the same
    /// bytes.
    Duplicate(Seq),
    /// The body was quarantined under this id.
    Quarantined(i64),
    /// The answer to the question at this seq was recorded.
    Answered(Seq),
}

/// The answer calltap gave to a question (a delivery that expects one),
/// kept beside the delivery: what was sent back, and how it came about.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerRecord {
    /// The question's seq in the log.
    pub seq: Seq,
    /// When the answer was sent (ms since the epoch).
    pub answered_at: i64,
    /// `app`, `fallback`, `timeout` or `error`.
    pub outcome: String,
    /// The status sent.
    pub status: u16,
    /// How long the app took, or until calltap gave up on it (ms).
    pub latency_ms: i64,
    /// The app's response headers kept, as a JSON object of strings.
    pub headers: String,
    /// The exact bytes sent.
    pub body: Bytes,
    /// Why the app's answer was not used, when it was not.
    pub error: Option<String>,
}

/// Where a delivery the outbox has not finished stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PendingState {
    /// An attempt failed; it is tried again at `next_attempt_at`.
    Retrying,
    /// It waits for an earlier delivery of its call.
    Waiting,
    /// Given up on (dead-lettered); sent again only when asked.
    Dead,
}

impl PendingState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PendingState::Retrying => "retrying",
            PendingState::Waiting => "waiting",
            PendingState::Dead => "dead",
        }
    }

    /// The state named `text` ([`PendingState::as_str`]).
    pub fn parse(text: &str) -> Option<PendingState> {
        match text {
            "retrying" => Some(PendingState::Retrying),
            "waiting" => Some(PendingState::Waiting),
            "dead" => Some(PendingState::Dead),
            _ => None,
        }
    }
}

/// A delivery an outbox has not finished, as the store keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingRow {
    /// Its seq in the log.
    pub seq: Seq,
    /// Its call, if any.
    pub call_id: Option<CallId>,
    /// Where it stands.
    pub state: PendingState,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the first attempt was made (epoch ms), if one was.
    pub first_attempt_at: Option<i64>,
    /// When the next attempt is due (epoch ms), if one is.
    pub next_attempt_at: Option<i64>,
    /// The last attempt's error.
    pub last_error: Option<String>,
}

/// An outbox as the store keeps it: every seq up to `cursor` is delivered
/// or among `rows`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutboxSnapshot {
    /// The log seq up to which every delivery is accounted for.
    pub cursor: Seq,
    /// The deliveries not done, by seq.
    pub rows: Vec<PendingRow>,
}

impl Outcome {
    /// The seq of a delivery this append stored.
    pub fn stored_seq(&self) -> Option<Seq> {
        match self {
            Outcome::Stored(seq) | Outcome::StoredConflicting { seq, .. } => Some(*seq),
            Outcome::Duplicate(_) | Outcome::Quarantined(_) | Outcome::Answered(_) => None,
        }
    }
}

/// How hard the store works to keep a commit (SQLite: `PRAGMA synchronous`
/// in WAL mode). A setting of the store, embedded in calltap's config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// `synchronous=NORMAL`: a commit survives the process being killed, but
    /// the last commits may be lost if the machine loses power.
    Normal,
    /// `synchronous=FULL`: the WAL is fsynced at every commit, so a commit
    /// survives power loss. The default: "200 means committed" is calltap's
    /// core promise, and group commit pays one fsync per batch, not per delivery.
    Full,
}

/// A rejected body to keep in quarantine.
#[derive(Clone, Debug, PartialEq)]
pub struct NewQuarantine {
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// Machine-readable class of the rejection (`not_json`, `missing_type`, `too_deep`, ...).
    pub kind: String,
    /// The human-readable reason given to the sender.
    pub reason: String,
    /// The exact bytes received.
    pub body: Bytes,
    /// The relevant request headers, as a JSON object of strings.
    pub headers: String,
}

/// One stored delivery, its body rebuilt: the exact bytes received
/// (shared, cheap to clone: the live feed hands one event to every
/// subscriber).
pub type Event = Logged<Bytes>;

/// One stored delivery as the log keeps it, body not yet rebuilt: what the
/// projector reads, so that it can skip the pieces it has already read
/// (see [`body::skeleton`]).
pub type StoredEvent = Logged<StoredBody>;

/// The seqs a page of events spans, first to last (an empty range for an
/// empty page): what to read beside the page, such as the answers given to
/// its questions.
pub fn seq_span<B>(events: &[Logged<B>]) -> RangeInclusive<Seq> {
    match (events.first(), events.last()) {
        (Some(first), Some(last)) => first.seq..=last.seq,
        _ => Seq::new(1)..=Seq::ZERO,
    }
}

/// One stored delivery with its body as `B` ([`Event`], [`StoredEvent`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Logged<B> {
    /// Position in the log, strictly increasing, never reused.
    pub seq: Seq,
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// `message.call.id`, if any.
    pub call_id: Option<CallId>,
    /// `message.type`.
    pub message_type: String,
    /// `message.timestamp` in ms since the epoch, if any.
    pub timestamp: Option<i64>,
    /// The dedup key.
    pub key: DedupKey,
    /// The delivery first stored with the same signed message id and other
    /// bytes, when there is one (see [`Outcome::StoredConflicting`]).
    pub conflicts_with: Option<Seq>,
    /// The body.
    pub body: B,
}

impl<B> Logged<B> {
    /// The same delivery with its body turned into a `C` by `f`.
    pub fn try_map_body<C, E>(self, f: impl FnOnce(B) -> Result<C, E>) -> Result<Logged<C>, E> {
        Ok(Logged {
            body: f(self.body)?,
            seq: self.seq,
            received_at: self.received_at,
            call_id: self.call_id,
            message_type: self.message_type,
            timestamp: self.timestamp,
            key: self.key,
            conflicts_with: self.conflicts_with,
        })
    }
}

/// A body as the log stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredBody {
    /// The exact bytes.
    Whole(Bytes),
    /// A recipe over pieces ([`body`]; [`LogRead::rebuild`](backend::LogRead::rebuild) gives the bytes).
    Recipe(Bytes),
}

/// One quarantined body.
#[derive(Clone, Debug, PartialEq)]
pub struct Quarantined {
    /// Position in the quarantine table.
    pub id: i64,
    /// When calltap received it (ms since the epoch).
    pub received_at: i64,
    /// Machine-readable class of the rejection.
    pub kind: String,
    /// The reason given to the sender.
    pub reason: String,
    /// The relevant request headers, as a JSON object of strings.
    pub headers: String,
    /// The exact bytes received.
    pub body: Vec<u8>,
}

/// A page request over the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this call.
    pub call_id: Option<CallId>,
    /// Only this message type.
    pub message_type: Option<String>,
    /// Only events with a larger seq (a cursor).
    pub after: Option<Seq>,
    /// Only events with a seq at most this.
    pub up_to: Option<Seq>,
    /// At most this many.
    pub limit: u32,
}

/// A page request over the quarantine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuarantineFilter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only rows with a larger id (a cursor).
    pub after: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// How a process uses a database beside others
/// ([`Store::claim`](open::Store::claim)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Beside other servers: `calltap serve`.
    Shared,
    /// Alone: `calltap rebuild`, which empties and refills the projections
    /// that a server would be writing at the same time.
    Exclusive,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database is locked by another writer beyond the busy timeout.
    #[error("the database is busy (locked by another connection)")]
    Busy(#[source] BackendError),
    /// The disk is full.
    #[error("the disk is full")]
    Full(#[source] BackendError),
    /// Any other failure of the backend.
    #[error("database error")]
    Backend(#[source] BackendError),
    /// A stored body does not rebuild (a recipe names a missing piece, or
    /// is cut short).
    #[error("a stored body is corrupt")]
    Corrupt(#[source] body::CorruptRecipe),
    /// Another process uses the database in a way that excludes `wanted`
    /// (see [`Access`]).
    #[error("{}", match wanted {
        Access::Shared => "the database is being rebuilt by `calltap rebuild`",
        Access::Exclusive => "the database is in use by another calltap process (`calltap serve`, or a rebuild)",
    })]
    InUse {
        /// The use that was refused.
        wanted: Access,
    },
    /// The database's schema is newer than this binary knows.
    #[error("database schema version {found} is newer than this calltap supports ({supported})")]
    SchemaTooNew {
        /// The version the database records.
        found: i64,
        /// The newest version this binary knows.
        supported: i64,
    },
}

/// A backend's own error, kept as the cause of a [`StoreError`]; boxed, so
/// that no caller names the driver's type.
pub type BackendError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl From<body::CorruptRecipe> for StoreError {
    fn from(err: body::CorruptRecipe) -> Self {
        StoreError::Corrupt(err)
    }
}
