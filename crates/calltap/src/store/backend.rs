//! What a storage backend implements: the log (append a batch with dedup,
//! read pages, rebuild bodies), the piece store, the quarantine and the
//! call projections, as traits that name no backend's types.
//!
//! The SQLite backend ([`sqlite`](super::sqlite)) implements them today; a
//! second backend (PostgreSQL, for several nodes) implements them beside
//! it and is picked in [`open`](super::open). Everything above `store/`
//! (the writer's loop, the projector, the API) works through these traits.
//!
//! Calls are blocking, as rusqlite is: the writer runs on its own thread,
//! the projector and the API on tokio's blocking pool.
//!
//! A backend promises what `DESIGN.md` asks of the log: a batch is
//! committed whole or not at all; a key is stored once (seqs strictly
//! increasing and gap-free for one writer); a stored body reads back
//! byte-identical; projection rows and their checkpoint move together.

use std::collections::HashSet;
use std::fmt::Debug;
use std::ops::RangeInclusive;
use std::sync::Arc;

use bytes::Bytes;

use super::body::PieceHash;
use super::projections::{CallFilter, CallListRow, CallRow, StoredDetail};
use super::{
    AnswerRecord, Event, EventFilter, Job, OutboxSnapshot, Outcome, PendingRow, PendingState,
    QuarantineFilter, Quarantined, StoreError, StoredBody, StoredEvent,
};
use crate::ids::{CallId, Seq};

/// The writer's side of the log: the one connection that appends.
pub trait LogAppend: Send {
    /// Appends `jobs` in one transaction and commits it: every job or none.
    /// A delivery whose key is stored is not stored again
    /// ([`Outcome::Duplicate`], with the seq it has), unless the key is a
    /// message id and the stored bytes differ: then it is stored under its
    /// body's hash and flagged ([`Outcome::StoredConflicting`]); the pieces of a cut
    /// body that are not marked known are stored unless they are, and
    /// `inserted` collects them, to be marked known once this returns.
    fn append_batch(
        &mut self,
        jobs: &[&Job],
        inserted: &mut NewPieces,
    ) -> Result<Vec<Outcome>, StoreError>;

    /// The highest seq in the log, [`Seq::ZERO`] when it is empty.
    fn last_seq(&mut self) -> Result<Seq, StoreError>;
}

impl<L: LogAppend + ?Sized> LogAppend for Box<L> {
    fn append_batch(
        &mut self,
        jobs: &[&Job],
        inserted: &mut NewPieces,
    ) -> Result<Vec<Outcome>, StoreError> {
        (**self).append_batch(jobs, inserted)
    }

    fn last_seq(&mut self) -> Result<Seq, StoreError> {
        (**self).last_seq()
    }
}

/// The pieces a batch inserted, to mark known once it has committed.
#[derive(Debug, Default)]
pub struct NewPieces {
    seen: HashSet<PieceHash>,
    pieces: Vec<(u64, PieceHash, Bytes)>,
}

impl NewPieces {
    /// Notes that the batch stores the piece `hash`; false when it already
    /// did (a piece repeated within a batch is inserted once).
    pub fn first_in_batch(&mut self, hash: PieceHash) -> bool {
        self.seen.insert(hash)
    }

    /// Records a piece inserted: its key in the known-pieces cache, its
    /// name and its bytes (shared with the request's body).
    pub fn push(&mut self, key: u64, hash: PieceHash, bytes: Bytes) {
        self.pieces.push((key, hash, bytes));
    }

    /// `(key, name, bytes)` of each piece inserted.
    pub fn iter(&self) -> impl Iterator<Item = (u64, PieceHash, &[u8])> {
        self.pieces
            .iter()
            .map(|(key, hash, bytes)| (*key, *hash, &bytes[..]))
    }
}

/// Reading the log.
pub trait LogRead {
    /// Events matching the filter, by seq, their bodies rebuilt.
    fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError>;

    /// Like [`LogRead::events`], with the bodies as stored, not rebuilt
    /// (what the projector reads: it skips the pieces it has read).
    fn stored_events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError>;

    /// The exact bytes of a stored body.
    fn rebuild(&self, body: StoredBody) -> Result<Bytes, StoreError>;

    /// The exact body stored at `seq`.
    fn event_body(&self, seq: Seq) -> Result<Option<Vec<u8>>, StoreError>;

    /// The request headers kept with the delivery at `seq` (a JSON object
    /// of strings; see [`NewEvent::headers`](super::NewEvent::headers)).
    fn event_headers(&self, seq: Seq) -> Result<Option<String>, StoreError>;

    /// The seq of the newest event, [`Seq::ZERO`] for an empty log.
    fn last_seq(&self) -> Result<Seq, StoreError>;

    /// The number of stored events (for tests and tools).
    fn count_events(&self) -> Result<i64, StoreError>;

    /// The seq up to which the per-call index the projector keeps
    /// ([`ProjectionWrite::write_batch`]) holds every delivery of every
    /// call; a per-call read finds the later ones by the log's order.
    fn calls_indexed_up_to(&self) -> Result<Seq, StoreError>;
}

/// Reading the piece store: the content-addressed parts of cut bodies.
pub trait PieceRead {
    /// The bytes of the piece named `hash`, if stored.
    fn piece(&self, hash: &PieceHash) -> Result<Option<Vec<u8>>, StoreError>;
}

/// Reading the quarantine (rows are appended by the writer, as
/// [`Job::Quarantine`]).
pub trait QuarantineRead {
    /// Quarantined bodies matching the filter, by id.
    fn quarantine(&self, filter: &QuarantineFilter) -> Result<Vec<Quarantined>, StoreError>;

    /// The exact body quarantined under `id`.
    fn quarantine_body(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError>;
}

/// Reading the call projections.
pub trait ProjectionRead {
    /// The stored detail of call `id`.
    fn call_detail(&self, id: &CallId) -> Result<Option<StoredDetail>, StoreError>;

    /// A page of calls matching the filter, newest first (`sort_at DESC,
    /// id DESC`).
    fn calls(&self, filter: &CallFilter) -> Result<Vec<CallListRow>, StoreError>;

    /// The summaries (JSON) of every call with `since <= sort_at < until`,
    /// the input of fleet statistics.
    fn call_summaries(&self, since: i64, until: i64) -> Result<Vec<String>, StoreError>;
}

/// The projector's own writer of the call projections: the only way to
/// change them.
pub trait ProjectionWrite: Send {
    /// How far into the log the projections are.
    fn checkpoint(&self) -> Result<Seq, StoreError>;

    /// Upserts `rows`, indexes `deliveries` (each delivery of the step
    /// that names a call, with its seq, for the per-call reads of
    /// [`LogRead::events`]) and moves the checkpoint to `seq`, in one
    /// transaction. A delivery indexed before (a rebuild's second pass) is
    /// indexed once.
    fn write_batch(
        &mut self,
        rows: &[CallRow],
        deliveries: &[(CallId, Seq)],
        seq: Seq,
    ) -> Result<(), StoreError>;

    /// The projection format the stored rows were written in (see
    /// `calls::detail::PROJECTION_FORMAT`); 1 for rows written before
    /// formats were recorded.
    fn format(&self) -> Result<u32, StoreError>;

    /// Empties the projections, sets the checkpoint back to the start of
    /// the log and records `format` as the rows' format, in one transaction
    /// (the first step of a rebuild).
    fn reset(&mut self, format: u32) -> Result<(), StoreError>;
}

/// Reading the answers given to questions (recorded by the writer, as
/// [`Job::Answer`]).
pub trait AnswerRead {
    /// The answer given to the question at `seq`, if one was recorded.
    fn answer(&self, seq: Seq) -> Result<Option<AnswerRecord>, StoreError>;

    /// The answers given to the questions of call `call_id` whose seq is in
    /// `seqs`, by seq (a page of the call's events names its range, so a
    /// long call's answers are not all read for one page).
    fn answers_of_call(
        &self,
        call_id: &CallId,
        seqs: RangeInclusive<Seq>,
    ) -> Result<Vec<AnswerRecord>, StoreError>;
}

/// An outbox's own writer of its position and of the deliveries it has not
/// finished: the only way to change them. One per destination at a time.
pub trait OutboxWrite: Send {
    /// The outbox of `destination` as stored; a destination never seen
    /// starts at the end of the log (it is sent what arrives from now on),
    /// recorded in the same transaction.
    fn load(&mut self, destination: &str) -> Result<OutboxSnapshot, StoreError>;

    /// Upserts `rows`, deletes the rows of the seqs in `done` and moves the
    /// cursor to `cursor`, in one transaction.
    fn save(
        &mut self,
        destination: &str,
        cursor: Seq,
        rows: &[PendingRow],
        done: &[Seq],
    ) -> Result<(), StoreError>;
}

/// Reading an outbox's rows (for the API).
pub trait OutboxRead {
    /// The rows of `destination` in `state` (any state when `None`) with a
    /// seq after `after`, by seq, at most `limit`.
    fn pending(
        &self,
        destination: &str,
        state: Option<PendingState>,
        after: Option<Seq>,
        limit: u32,
    ) -> Result<Vec<PendingRow>, StoreError>;
}

/// Everything the read side reads: the log, the pieces, the quarantine,
/// the projections, the answers and the outboxes, from one handle.
pub trait ReadStore:
    LogRead
    + PieceRead
    + QuarantineRead
    + ProjectionRead
    + AnswerRead
    + OutboxRead
    + Debug
    + Send
    + Sync
{
}

impl<T> ReadStore for T where
    T: LogRead
        + PieceRead
        + QuarantineRead
        + ProjectionRead
        + AnswerRead
        + OutboxRead
        + Debug
        + Send
        + Sync
{
}

/// A shared read handle on the store, of whichever backend; cheap to clone.
pub type Reader = Arc<dyn ReadStore>;
