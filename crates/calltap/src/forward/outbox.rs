//! The durable outbox: every committed delivery a [`Destination`] wants,
//! sent at least once, in per-call order, with backoff and dead letters,
//! resuming exactly where it was after a restart or a `kill -9`.
//!
//! # What is stored
//!
//! Per destination, a cursor and rows (`store::backend::OutboxWrite`).
//! The rule: every seq up to the cursor is either delivered or has a row.
//! Rows are kept only for the deliveries that are not done and cannot be
//! found again by reading the log after the cursor: those that failed an
//! attempt (`retrying`, with their attempts and next time), those waiting
//! behind such a one of the same call (`waiting`), and the given up
//! (`dead`). A delivery that is only read, or on its first attempt, holds
//! the cursor below it instead, so a healthy app costs one small write
//! per save (the cursor), not one per delivery. After a crash, the
//! deliveries after the cursor are read from the log again and sent again
//! (at least once; a repeat carries the same `webhook-id`).
//!
//! # How it runs
//!
//! [`Queue`] is the state machine, pure and driven step by step in tests:
//! it admits deliveries read from the log, hands out those ready (a
//! call's next delivery only once the previous one is delivered or dead;
//! calls in parallel; at most `max_in_flight`), takes each attempt's
//! result (retry after [`RetryPolicy::backoff`], dead after
//! [`RetryPolicy::gives_up`] or a permanent refusal), and plans each save.
//! [`spawn`] runs it: woken by the writer's committed seq (as the
//! projector is), by finished attempts, by due retries and by commands
//! from the API; at most once per [`READ_EVERY`] it takes what the writer
//! committed since, from the writer's [`Handoff`] in memory (as the
//! projector does), or reads it from the log on the blocking pool when the
//! handoff cannot vouch for it (at start, after it overflowed); attempts
//! run as tasks. Ingest never waits for any of it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

use super::{now_ms, Attempt, Destination, Outgoing, RetryPolicy};
use crate::ids::{CallId, Seq};
use crate::store::backend::{OutboxWrite, Reader};
use crate::store::handoff::Handoff;
use crate::store::{Event, EventFilter, OutboxSnapshot, PendingRow, PendingState, StoreError};

/// Where one delivery held by the queue stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// To be attempted now.
    Ready,
    /// An attempt is under way.
    InFlight,
    /// Failed; to be attempted again at `next_attempt_at`.
    Retrying,
    /// Behind an earlier delivery of its call.
    Waiting,
    /// Given up on.
    Dead,
}

/// One delivery the queue holds (not yet done).
#[derive(Clone, Debug)]
struct Entry {
    call_id: Option<CallId>,
    /// The delivery; `None` while it waits long (retrying, dead, loaded
    /// from the store), read from the log again before an attempt.
    delivery: Option<Outgoing>,
    received_at: Option<i64>,
    phase: Phase,
    attempts: u32,
    first_attempt_at: Option<i64>,
    next_attempt_at: Option<i64>,
    last_error: Option<String>,
    /// Part of its call's order (a revived dead letter is not).
    chained: bool,
    /// A row for it is in the store.
    durable: bool,
    /// Its row needs writing.
    dirty: bool,
}

impl Entry {
    /// A delivery read back from its stored row, waiting in its call's
    /// order; its body is read from the log before an attempt.
    fn stored(row: PendingRow) -> Entry {
        Entry {
            call_id: row.call_id,
            delivery: None,
            received_at: None,
            phase: Phase::Waiting,
            attempts: row.attempts,
            first_attempt_at: row.first_attempt_at,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            chained: true,
            durable: true,
            dirty: false,
        }
    }
}

/// What the queue's counts say, for the API and the metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxStatus {
    /// The destination's name.
    pub destination: String,
    /// Deliveries held and not dead (ready, in flight, retrying, waiting).
    pub pending: u64,
    /// Attempts under way.
    pub in_flight: u64,
    /// Deliveries whose last attempt failed and that will be retried.
    pub failing: u64,
    /// Deliveries given up on.
    pub dead: u64,
    /// When the oldest pending delivery was received (epoch ms).
    pub oldest_pending_received_at: Option<i64>,
    /// The last error any attempt met, with its seq.
    pub last_error: Option<(Seq, String)>,
    /// The last seq read from the log.
    pub read_to: Seq,
    /// The seq up to which the stored cursor says all is accounted for.
    pub cursor: Seq,
    /// The last seq committed to the log, as last seen.
    pub committed: Seq,
    /// Every delivery up to this seq is delivered or dead.
    pub settled_to: Seq,
}

/// A save to make: the cursor, the rows to write and the rows to delete.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SavePlan {
    /// The new cursor.
    pub cursor: Seq,
    /// Rows to insert or update.
    pub rows: Vec<PendingRow>,
    /// Seqs whose rows to delete (delivered since the last save).
    pub done: Vec<Seq>,
}

/// The outbox's state machine for one destination (see the module doc).
#[derive(Debug)]
pub struct Queue {
    policy: RetryPolicy,
    max_in_flight: usize,
    entries: BTreeMap<Seq, Entry>,
    /// Per call, its not-done, not-dead, chained seqs in order: the front
    /// is the one that may be attempted.
    chains: HashMap<CallId, VecDeque<Seq>>,
    ready: BTreeSet<Seq>,
    due: BTreeSet<(i64, Seq)>,
    in_flight: usize,
    read_to: Seq,
    saved_cursor: Seq,
    /// Durable seqs delivered since the last save.
    done: Vec<Seq>,
    /// Something changed since the last save.
    changed: bool,
    last_error: Option<(Seq, String)>,
    /// Dead letters whose rows are stored and that the queue no longer
    /// holds: a destination down for long gives up on deliveries without
    /// end, and held in memory they would count against [`MAX_HELD`] and,
    /// past it, stop the outbox reading the log for good. Reviving reads
    /// them back from the store.
    dead_stored: u64,
}

impl Queue {
    /// A queue resuming from `snapshot`: its rows held as they were left
    /// (a call's first row ready or retrying, the rest waiting behind it),
    /// reading the log after its cursor.
    pub fn resume(snapshot: OutboxSnapshot, policy: RetryPolicy, max_in_flight: usize) -> Queue {
        let mut queue = Queue {
            policy,
            max_in_flight: max_in_flight.max(1),
            entries: BTreeMap::new(),
            chains: HashMap::new(),
            ready: BTreeSet::new(),
            due: BTreeSet::new(),
            in_flight: 0,
            read_to: snapshot.cursor,
            saved_cursor: snapshot.cursor,
            done: Vec::new(),
            changed: false,
            last_error: None,
            dead_stored: 0,
        };
        for row in snapshot.rows {
            if row.state == PendingState::Dead {
                queue.dead_stored += 1;
                continue;
            }
            let seq = row.seq;
            queue.entries.insert(seq, Entry::stored(row));
            queue.enqueue(seq);
        }
        queue
    }

    /// The last seq read from the log.
    pub fn read_to(&self) -> Seq {
        self.read_to
    }

    /// How many deliveries the queue holds: not done, or dead and not yet
    /// stored.
    pub fn held(&self) -> usize {
        self.entries.len()
    }

    /// Whether the queue holds few enough deliveries to read more.
    pub fn has_room(&self, limit: usize) -> bool {
        self.held() < limit
    }

    /// Takes the next delivery read from the log (seqs strictly
    /// increasing); `wanted` says whether the destination takes it.
    pub fn admit(&mut self, delivery: Outgoing, wanted: bool) {
        debug_assert!(delivery.seq > self.read_to);
        self.read_to = self.read_to.max(delivery.seq);
        self.changed = true;
        if !wanted {
            return;
        }
        let seq = delivery.seq;
        self.entries.insert(
            seq,
            Entry {
                call_id: delivery.call_id.clone(),
                received_at: Some(delivery.received_at),
                delivery: Some(delivery),
                phase: Phase::Waiting,
                attempts: 0,
                first_attempt_at: None,
                next_attempt_at: None,
                last_error: None,
                chained: true,
                durable: false,
                dirty: false,
            },
        );
        self.enqueue(seq);
    }

    /// Puts a held, chained delivery at the end of its call's order:
    /// attempted now (or when due) if it is its call's first, else waiting.
    fn enqueue(&mut self, seq: Seq) {
        let Some(entry) = self.entries.get(&seq) else {
            return;
        };
        let first = match &entry.call_id {
            Some(call) => {
                let chain = self.chains.entry(call.clone()).or_default();
                chain.push_back(seq);
                chain.len() == 1
            }
            None => true,
        };
        if first {
            self.start(seq);
        }
    }

    /// Makes `seq` its call's current delivery: ready, or retrying until
    /// its next attempt is due.
    fn start(&mut self, seq: Seq) {
        let Some(entry) = self.entries.get_mut(&seq) else {
            return;
        };
        match entry.next_attempt_at {
            Some(at) if entry.attempts > 0 => {
                entry.phase = Phase::Retrying;
                self.due.insert((at, seq));
            }
            _ => {
                entry.phase = Phase::Ready;
                self.ready.insert(seq);
            }
        }
    }

    /// When the next retry is due (epoch ms), if one is waiting.
    pub fn next_due(&self) -> Option<i64> {
        self.due.first().map(|(at, _)| *at)
    }

    /// Moves the retries due at `now` to ready, then hands out ready seqs
    /// (oldest first) up to the in-flight limit; they are in flight until
    /// [`Queue::finished`].
    pub fn take_ready(&mut self, now: i64) -> Vec<Seq> {
        while let Some(&(at, seq)) = self.due.first() {
            if at > now {
                break;
            }
            self.due.pop_first();
            if let Some(entry) = self.entries.get_mut(&seq) {
                entry.phase = Phase::Ready;
                self.ready.insert(seq);
            }
        }
        let mut taken = Vec::new();
        while self.in_flight < self.max_in_flight {
            let Some(seq) = self.ready.pop_first() else {
                break;
            };
            if let Some(entry) = self.entries.get_mut(&seq) {
                entry.phase = Phase::InFlight;
                self.in_flight += 1;
                taken.push(seq);
            }
        }
        taken
    }

    /// The delivery to attempt for `seq`, if the queue still has it in
    /// memory (else read it from the log and [`Queue::attach`] it).
    pub fn delivery(&self, seq: Seq) -> Option<&Outgoing> {
        self.entries.get(&seq)?.delivery.as_ref()
    }

    /// Gives a held seq its delivery, read back from the log.
    pub fn attach(&mut self, delivery: Outgoing) {
        if let Some(entry) = self.entries.get_mut(&delivery.seq) {
            entry.received_at = Some(delivery.received_at);
            entry.delivery = Some(delivery);
        }
    }

    /// Drops a seq the log no longer has (it cannot be sent): done.
    pub fn forget(&mut self, seq: Seq) {
        if self.entries.contains_key(&seq) {
            self.in_flight = self.in_flight.saturating_sub(1);
            self.settle(seq);
        }
    }

    /// Takes the result of an attempt at `seq` made at `now` (epoch ms);
    /// `jitter` in `[0, 1)` spreads the next wait. Returns what became of
    /// the delivery: delivered, retrying or dead.
    pub fn finished(&mut self, seq: Seq, attempt: Attempt, now: i64, jitter: f64) -> Settled {
        let Some(entry) = self.entries.get_mut(&seq) else {
            return Settled::Delivered;
        };
        self.in_flight = self.in_flight.saturating_sub(1);
        self.changed = true;
        entry.attempts = entry.attempts.saturating_add(1);
        let first = *entry.first_attempt_at.get_or_insert(now);
        let error = match attempt {
            Attempt::Delivered => {
                self.settle(seq);
                return Settled::Delivered;
            }
            Attempt::RetryLater(error) if !self.policy.gives_up(first, now) => {
                let wait = self.policy.backoff(entry.attempts, jitter);
                let at = now.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
                entry.phase = Phase::Retrying;
                entry.next_attempt_at = Some(at);
                entry.last_error = Some(error.clone());
                entry.delivery = None;
                entry.dirty = true;
                self.due.insert((at, seq));
                self.last_error = Some((seq, error));
                return Settled::Retrying;
            }
            Attempt::RetryLater(error) => {
                format!("given up after {} attempts: {error}", entry.attempts)
            }
            Attempt::Permanent(error) => error,
        };
        entry.phase = Phase::Dead;
        entry.next_attempt_at = None;
        entry.last_error = Some(error.clone());
        entry.delivery = None;
        entry.dirty = true;
        self.last_error = Some((seq, error));
        self.unchain(seq);
        Settled::Dead
    }

    /// A delivered (or vanished) seq leaves the queue; its call's next
    /// delivery starts.
    fn settle(&mut self, seq: Seq) {
        self.changed = true;
        if let Some(entry) = self.entries.remove(&seq) {
            if entry.durable {
                self.done.push(seq);
            }
            if entry.chained {
                self.advance(entry.call_id.as_ref(), seq);
            }
        }
    }

    /// A dead seq leaves its call's order; the call's next delivery starts.
    fn unchain(&mut self, seq: Seq) {
        let Some(entry) = self.entries.get_mut(&seq) else {
            return;
        };
        if !std::mem::replace(&mut entry.chained, false) {
            return;
        }
        let call = entry.call_id.clone();
        self.advance(call.as_ref(), seq);
    }

    fn advance(&mut self, call: Option<&CallId>, seq: Seq) {
        let Some(call) = call else {
            return;
        };
        let Some(chain) = self.chains.get_mut(call) else {
            return;
        };
        // The seq leaving is nearly always its call's front (only the front
        // is attempted), and a call behind a slow destination holds
        // thousands: no walk over them for each delivery.
        if chain.front() == Some(&seq) {
            chain.pop_front();
        } else {
            chain.retain(|s| *s != seq);
        }
        match chain.front().copied() {
            Some(next) => {
                if self
                    .entries
                    .get(&next)
                    .is_some_and(|e| e.phase == Phase::Waiting)
                {
                    self.start(next);
                }
            }
            None => {
                self.chains.remove(call);
            }
        }
    }

    /// Sends dead letters again: those given up on since the last save
    /// that match `seq` (every one when `None`), and `stored`, dead rows
    /// read back from the store. Each is attempted at once, outside its
    /// call's order (the call's later deliveries went on without it), and
    /// may die again only after a full retry period. Returns how many
    /// were revived.
    pub fn revive(&mut self, seq: Option<Seq>, stored: Vec<PendingRow>) -> usize {
        let mut dead: Vec<Seq> = self
            .entries
            .iter()
            .filter(|(s, e)| e.phase == Phase::Dead && seq.is_none_or(|want| **s == want))
            .map(|(s, _)| *s)
            .collect();
        for row in stored {
            if row.state != PendingState::Dead || self.entries.contains_key(&row.seq) {
                continue;
            }
            dead.push(row.seq);
            self.dead_stored = self.dead_stored.saturating_sub(1);
            self.entries.insert(
                row.seq,
                Entry {
                    chained: false,
                    ..Entry::stored(row)
                },
            );
        }
        for seq in &dead {
            if let Some(entry) = self.entries.get_mut(seq) {
                entry.attempts = 0;
                entry.first_attempt_at = None;
                entry.next_attempt_at = None;
                entry.dirty = true;
                entry.phase = Phase::Ready;
                self.ready.insert(*seq);
            }
        }
        if !dead.is_empty() {
            self.changed = true;
        }
        dead.len()
    }

    /// Whether there is anything to save.
    pub fn needs_save(&self) -> bool {
        self.changed
    }

    /// What to save now: the rows of the deliveries that are stuck
    /// (retrying, dead, or waiting behind a stored one) and changed, the
    /// rows of the stored ones since delivered, and the cursor just below
    /// the first delivery that is neither done nor stored.
    pub fn plan_save(&self) -> SavePlan {
        let mut cursor = self.read_to;
        let mut rows = Vec::new();
        for (&seq, entry) in &self.entries {
            let state = match entry.phase {
                Phase::Dead => PendingState::Dead,
                Phase::Retrying => PendingState::Retrying,
                Phase::Ready | Phase::InFlight if entry.durable || entry.attempts > 0 => {
                    PendingState::Retrying
                }
                Phase::Waiting if self.held_back_by_stored(seq, entry) => PendingState::Waiting,
                // Read, not yet attempted (or on its first attempt), or
                // waiting behind one that is: found again after the cursor.
                _ => {
                    if !entry.durable {
                        cursor = cursor.min(seq.prev());
                    }
                    continue;
                }
            };
            if !entry.durable || entry.dirty {
                rows.push(PendingRow {
                    seq,
                    call_id: entry.call_id.clone(),
                    state,
                    attempts: entry.attempts,
                    first_attempt_at: entry.first_attempt_at,
                    next_attempt_at: entry.next_attempt_at,
                    last_error: entry.last_error.clone(),
                });
            }
        }
        SavePlan {
            cursor,
            rows,
            done: self.done.clone(),
        }
    }

    /// Whether a waiting delivery's call is held up by a delivery that is
    /// (or is about to be) stored: one that failed or is stored already.
    fn held_back_by_stored(&self, seq: Seq, entry: &Entry) -> bool {
        let Some(head) = entry
            .call_id
            .as_ref()
            .and_then(|call| self.chains.get(call))
            .and_then(|chain| chain.front())
        else {
            return false;
        };
        *head != seq
            && self
                .entries
                .get(head)
                .is_some_and(|h| h.durable || h.attempts > 0)
    }

    /// Records that `plan` was saved; the dead letters in it leave the
    /// queue for the store.
    pub fn saved(&mut self, plan: &SavePlan) {
        for row in &plan.rows {
            if row.state == PendingState::Dead
                && self
                    .entries
                    .get(&row.seq)
                    .is_some_and(|e| e.phase == Phase::Dead)
            {
                self.entries.remove(&row.seq);
                self.dead_stored += 1;
            } else if let Some(entry) = self.entries.get_mut(&row.seq) {
                entry.durable = true;
                entry.dirty = false;
            }
        }
        let done: BTreeSet<Seq> = plan.done.iter().copied().collect();
        self.done.retain(|seq| !done.contains(seq));
        self.saved_cursor = plan.cursor;
        self.changed = !self.done.is_empty();
    }

    /// The counts, as of now.
    pub fn status(&self, destination: &str, committed: Seq) -> OutboxStatus {
        let mut status = OutboxStatus {
            destination: destination.to_owned(),
            in_flight: self.in_flight as u64,
            last_error: self.last_error.clone(),
            read_to: self.read_to,
            cursor: self.saved_cursor,
            committed,
            settled_to: self.read_to,
            dead: self.dead_stored,
            ..OutboxStatus::default()
        };
        let mut first_unsettled = None;
        for (&seq, entry) in &self.entries {
            match entry.phase {
                Phase::Dead => status.dead += 1,
                phase => {
                    first_unsettled.get_or_insert(seq);
                    status.pending += 1;
                    if phase == Phase::Retrying || (entry.attempts > 0 && phase != Phase::Waiting) {
                        status.failing += 1;
                    }
                    if let Some(at) = entry.received_at {
                        let oldest = status.oldest_pending_received_at.get_or_insert(at);
                        *oldest = (*oldest).min(at);
                    }
                }
            }
        }
        if let Some(seq) = first_unsettled {
            status.settled_to = seq.prev();
        }
        status
    }
}

/// What became of a delivery after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The destination took it.
    Delivered,
    /// It will be tried again.
    Retrying,
    /// It was given up on.
    Dead,
}

/// The most deliveries the outbox holds in memory; past it, it stops
/// reading the log (which holds the rest) until some are done. Dead
/// letters leave memory once stored, so they never take this room for
/// good; it also bounds how many one revival brings back.
pub const MAX_HELD: usize = 50_000;

/// How many deliveries one read of the log takes.
const READ_BATCH: u32 = 512;

/// The shortest time between two reads of the log. Under steady ingest
/// the writer commits every few milliseconds; reading after each commit
/// costs a query, a trip to the blocking pool and a round of the driver
/// per handful of deliveries, so reads are batched instead (its effect on
/// ingest beside forwarding is within noise so far: BENCHMARKS.md,
/// "Pass-on"). A delivery waits at most this long more before its first
/// attempt.
const READ_EVERY: Duration = Duration::from_millis(20);

/// The longest the outbox goes without saving a change.
const SAVE_EVERY: Duration = Duration::from_millis(100);

/// A request from the API to an outbox.
#[derive(Debug)]
pub enum Command {
    /// Send dead letters again (one seq, or all); replies with how many.
    Revive(Option<Seq>, oneshot::Sender<usize>),
}

/// The API's handle on a running outbox; cheap to clone.
#[derive(Clone, Debug)]
pub struct OutboxHandle {
    /// The destination's name.
    pub name: String,
    status: watch::Receiver<OutboxStatus>,
    commands: mpsc::Sender<Command>,
}

impl OutboxHandle {
    /// The outbox's counts as last published.
    pub fn status(&self) -> OutboxStatus {
        self.status.borrow().clone()
    }

    /// Whether the outbox is still running.
    pub fn is_running(&self) -> bool {
        !self.commands.is_closed()
    }

    /// Sends dead letters again (`seq`, or all: as many as the outbox has
    /// room for, see [`MAX_HELD`]); how many were revived, or `None` if the
    /// outbox has stopped.
    pub async fn revive(&self, seq: Option<Seq>) -> Option<usize> {
        let (reply, revived) = oneshot::channel();
        self.commands.send(Command::Revive(seq, reply)).await.ok()?;
        revived.await.ok()
    }
}

/// A delivery as the outbox sends it.
fn outgoing(event: Event) -> Outgoing {
    Outgoing {
        seq: event.seq,
        call_id: event.call_id,
        message_type: event.message_type,
        key: event.key,
        received_at: event.received_at,
        body: event.body,
    }
}

/// Everything a running outbox owns.
struct Driver<D> {
    destination: Arc<D>,
    queue: Queue,
    reader: Reader,
    /// What the writer committed, in memory; `None` reads the log only.
    handoff: Option<Handoff<Bytes>>,
    store: Option<Box<dyn OutboxWrite>>,
    attempts: JoinSet<(Seq, Attempt)>,
    status: watch::Sender<OutboxStatus>,
    committed: watch::Receiver<Seq>,
}

/// Loads the outbox of `destination` and runs it until the writer stops
/// (`committed` closes), then saves and returns. `store` is its own write
/// connection, `reader` its own read connection, `handoff` its own handoff
/// from the writer (see [`Writer::with_handoff`](crate::store::writer::Writer::with_handoff)).
pub async fn spawn<D: Destination>(
    destination: Arc<D>,
    store: Box<dyn OutboxWrite>,
    reader: Reader,
    handoff: Option<Handoff<Bytes>>,
    committed: watch::Receiver<Seq>,
    policy: RetryPolicy,
    max_in_flight: usize,
) -> Result<(OutboxHandle, tokio::task::JoinHandle<()>), StoreError> {
    let name = destination.name().to_owned();
    let (store, snapshot) = {
        let name = name.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = store;
            let snapshot = store.load(&name);
            (store, snapshot)
        })
        .await
        .map_err(|err| StoreError::Backend(err.into()))?
    };
    let snapshot = snapshot?;
    tracing::info!(destination = %name, cursor = snapshot.cursor.get(), held = snapshot.rows.len(), "outbox resumes");
    let queue = Queue::resume(snapshot, policy, max_in_flight);
    let (status_tx, status) = watch::channel(queue.status(&name, *committed.borrow()));
    let (commands_tx, commands) = mpsc::channel(16);
    let driver = Driver {
        destination,
        queue,
        reader,
        handoff,
        store: Some(store),
        attempts: JoinSet::new(),
        status: status_tx,
        committed,
    };
    let task = tokio::spawn(driver.run(commands));
    Ok((
        OutboxHandle {
            name,
            status,
            commands: commands_tx,
        },
        task,
    ))
}

impl<D: Destination> Driver<D> {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let name = self.destination.name().to_owned();
        let mut last_save = tokio::time::Instant::now();
        let mut last_publish = tokio::time::Instant::now();
        let mut unpublished = true;
        let mut last_read: Option<tokio::time::Instant> = None;
        loop {
            let behind = self.queue.read_to() < *self.committed.borrow();
            if behind && last_read.is_none_or(|at| at.elapsed() >= READ_EVERY) {
                if let Err(err) = self.read_log().await {
                    tracing::error!(destination = %name, error = %err, "outbox: reading the log failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                last_read = Some(tokio::time::Instant::now());
            }
            self.start_attempts().await;
            if self.queue.needs_save() && last_save.elapsed() >= SAVE_EVERY {
                self.save().await;
                last_save = tokio::time::Instant::now();
            }
            // Counting is a walk over what the queue holds: not after
            // every attempt, but at most every SAVE_EVERY.
            if unpublished && last_publish.elapsed() >= SAVE_EVERY {
                self.publish();
                last_publish = tokio::time::Instant::now();
                unpublished = false;
            }
            let retry_in = self
                .queue
                .next_due()
                .map(|at| Duration::from_millis(u64::try_from(at - now_ms()).unwrap_or(0)));
            let save_in = self
                .queue
                .needs_save()
                .then(|| SAVE_EVERY.saturating_sub(last_save.elapsed()));
            let publish_in = unpublished.then(|| SAVE_EVERY.saturating_sub(last_publish.elapsed()));
            let read_in = (self.queue.read_to() < *self.committed.borrow()).then(|| {
                last_read.map_or(Duration::ZERO, |at| READ_EVERY.saturating_sub(at.elapsed()))
            });
            let wake_in = [retry_in, save_in, publish_in, read_in]
                .into_iter()
                .flatten()
                .min();
            tokio::select! {
                Some(joined) = self.attempts.join_next(), if !self.attempts.is_empty() => {
                    if let Ok((seq, attempt)) = joined {
                        self.finished(seq, attempt);
                    }
                    // Take every other finished attempt before the next round.
                    while let Some(Ok((seq, attempt))) = self.attempts.try_join_next() {
                        self.finished(seq, attempt);
                    }
                }
                changed = self.committed.changed() => {
                    if changed.is_err() {
                        // The writer has stopped, so nothing more comes.
                        break;
                    }
                }
                Some(command) = commands.recv() => match command {
                    Command::Revive(seq, reply) => {
                        let revived = self.revive(seq).await;
                        let _ = reply.send(revived);
                    }
                },
                () = sleep_for(wake_in) => {}
            }
            unpublished = true;
        }
        // Attempts still under way are dropped: not being done, they hold
        // the cursor below them and are sent again after the restart.
        self.attempts.abort_all();
        self.save().await;
        self.publish();
        tracing::info!(destination = %name, "outbox stopped");
    }

    /// Takes what the writer committed since the last read, while the
    /// queue has room: from the handoff when it holds it, else from the log.
    async fn read_log(&mut self) -> Result<(), StoreError> {
        while self.queue.read_to() < *self.committed.borrow() && self.queue.has_room(MAX_HELD) {
            let handed = self
                .handoff
                .as_ref()
                .and_then(|handoff| handoff.take_after(self.queue.read_to(), READ_BATCH as usize))
                .filter(|events| !events.is_empty());
            let (events, from) = match handed {
                Some(events) => (events, "memory"),
                None => (
                    read_after(Arc::clone(&self.reader), self.queue.read_to()).await?,
                    "log",
                ),
            };
            metrics::counter!("calltap_forward_read_total", "destination" => self.destination.name().to_owned(), "from" => from)
                .increment(events.len() as u64);
            if events.is_empty() {
                break;
            }
            for event in events {
                let wanted = self.destination.wants(&event.message_type);
                self.queue.admit(outgoing(event), wanted);
            }
        }
        Ok(())
    }

    /// Starts the attempts the queue hands out, reading back the
    /// deliveries it no longer holds in memory.
    async fn start_attempts(&mut self) {
        let taken = self.queue.take_ready(now_ms());
        let missing: Vec<Seq> = taken
            .iter()
            .copied()
            .filter(|seq| self.queue.delivery(*seq).is_none())
            .collect();
        if !missing.is_empty() {
            let reader = Arc::clone(&self.reader);
            let read = tokio::task::spawn_blocking(move || {
                missing
                    .into_iter()
                    .map(|seq| {
                        let filter = EventFilter {
                            after: Some(seq.prev()),
                            up_to: Some(seq),
                            limit: 1,
                            ..EventFilter::default()
                        };
                        (seq, reader.events(&filter))
                    })
                    .collect::<Vec<_>>()
            })
            .await;
            for (seq, events) in read.unwrap_or_default() {
                match events {
                    Ok(mut events) => match events.pop() {
                        Some(event) => self.queue.attach(outgoing(event)),
                        None => {
                            tracing::warn!(
                                seq = seq.get(),
                                "outbox: the delivery is no longer in the log"
                            );
                            self.queue.forget(seq);
                        }
                    },
                    Err(err) => {
                        self.queue.finished(
                            seq,
                            Attempt::RetryLater(format!("reading it from the log: {err}")),
                            now_ms(),
                            jitter(seq),
                        );
                    }
                }
            }
        }
        for seq in taken {
            let Some(delivery) = self.queue.delivery(seq).cloned() else {
                continue;
            };
            let destination = Arc::clone(&self.destination);
            self.attempts.spawn(async move {
                let attempt = destination.deliver(&delivery).await;
                (seq, attempt)
            });
        }
    }

    /// Sends dead letters again (`seq`, or all): saves first, so that
    /// every dead letter is a stored row, then reads the dead rows back,
    /// as many as the queue has room for.
    async fn revive(&mut self, seq: Option<Seq>) -> usize {
        self.save().await;
        let room = MAX_HELD.saturating_sub(self.queue.held());
        let (after, limit) = match seq {
            Some(seq) => (Some(seq.prev()), 1),
            None => (None, u32::try_from(room).unwrap_or(u32::MAX)),
        };
        let reader = Arc::clone(&self.reader);
        let name = self.destination.name().to_owned();
        let read = tokio::task::spawn_blocking(move || {
            reader.pending(&name, Some(PendingState::Dead), after, limit)
        })
        .await
        .map_err(|err| StoreError::Backend(err.into()))
        .and_then(|read| read);
        let stored = match read {
            Ok(rows) => rows
                .into_iter()
                .filter(|row| seq.is_none_or(|want| row.seq == want))
                .collect(),
            Err(err) => {
                tracing::error!(destination = self.destination.name(), error = %err, "outbox: reading its dead letters failed");
                Vec::new()
            }
        };
        self.queue.revive(seq, stored)
    }

    fn finished(&mut self, seq: Seq, attempt: Attempt) {
        let name = self.destination.name();
        let settled = self.queue.finished(seq, attempt, now_ms(), jitter(seq));
        let outcome = match settled {
            Settled::Delivered => "delivered",
            Settled::Retrying => "retry",
            Settled::Dead => {
                tracing::warn!(
                    destination = name,
                    seq = seq.get(),
                    "outbox: delivery dead-lettered"
                );
                "dead"
            }
        };
        metrics::counter!("calltap_forward_attempts_total", "destination" => name.to_owned(), "outcome" => outcome)
            .increment(1);
    }

    async fn save(&mut self) {
        let Some(mut store) = self.store.take() else {
            return;
        };
        let plan = self.queue.plan_save();
        let name = self.destination.name().to_owned();
        let (store, saved) = match tokio::task::spawn_blocking(move || {
            let saved = store.save(&name, plan.cursor, &plan.rows, &plan.done);
            (store, saved.map(|()| plan))
        })
        .await
        {
            Ok(done) => done,
            Err(err) => {
                tracing::error!(error = %err, "outbox: the save panicked; the outbox stops saving");
                return;
            }
        };
        self.store = Some(store);
        match saved {
            Ok(plan) => self.queue.saved(&plan),
            Err(err) => {
                metrics::counter!("calltap_forward_save_failures_total").increment(1);
                tracing::error!(error = %err, "outbox: saving its position failed; retrying");
            }
        }
    }

    fn publish(&self) {
        let name = self.destination.name();
        let status = self.queue.status(name, *self.committed.borrow());
        let label = [("destination", name.to_owned())];
        metrics::gauge!("calltap_forward_pending", &label).set(status.pending as f64);
        metrics::gauge!("calltap_forward_in_flight", &label).set(status.in_flight as f64);
        metrics::gauge!("calltap_forward_dead", &label).set(status.dead as f64);
        metrics::gauge!("calltap_forward_lag_seqs", &label).set(
            status
                .committed
                .get()
                .saturating_sub(status.settled_to.get())
                .max(0) as f64,
        );
        let age = status
            .oldest_pending_received_at
            .map_or(0.0, |at| (now_ms() - at).max(0) as f64 / 1000.0);
        metrics::gauge!("calltap_forward_oldest_pending_seconds", &label).set(age);
        self.status.send_replace(status);
    }
}

/// A jitter factor in `[0, 1)` for a retry of `seq`: the seq and the
/// clock mixed (splitmix64), so that deliveries failing together spread.
fn jitter(seq: Seq) -> f64 {
    let mut z = (seq.get() as u64) ^ (now_ms() as u64).rotate_left(32);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The next [`READ_BATCH`] deliveries after `seq`, from the log, on the
/// blocking pool.
async fn read_after(reader: Reader, seq: Seq) -> Result<Vec<Event>, StoreError> {
    let filter = EventFilter {
        after: Some(seq),
        limit: READ_BATCH,
        ..EventFilter::default()
    };
    tokio::task::spawn_blocking(move || reader.events(&filter))
        .await
        .map_err(|err| StoreError::Backend(err.into()))?
}

/// Sleeps for `wait`, or forever when `None`.
async fn sleep_for(wait: Option<Duration>) {
    match wait {
        Some(wait) => tokio::time::sleep(wait).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            first: Duration::from_millis(100),
            max: Duration::from_secs(1),
            give_up_after: Duration::from_secs(10),
        }
    }

    fn s(n: i64) -> Seq {
        Seq::new(n)
    }

    /// The seqs handed out at `now`, as numbers.
    fn taken(q: &mut Queue, now: i64) -> Vec<i64> {
        q.take_ready(now).into_iter().map(Seq::get).collect()
    }

    fn test_delivery(seq: i64, call: Option<&str>) -> Outgoing {
        Outgoing {
            seq: s(seq),
            call_id: call.map(CallId::new),
            message_type: "status-update".to_owned(),
            key: crate::ids::DedupKey::stored(&format!("k{seq}")),
            received_at: seq * 10,
            body: bytes::Bytes::from_static(b"{}"),
        }
    }

    fn queue(max_in_flight: usize) -> Queue {
        Queue::resume(OutboxSnapshot::default(), policy(), max_in_flight)
    }

    fn retry() -> Attempt {
        Attempt::RetryLater("down".to_owned())
    }

    #[test]
    fn a_calls_next_delivery_waits_for_the_previous_and_other_calls_go_on() {
        let mut q = queue(8);
        q.admit(test_delivery(1, Some("a")), true);
        q.admit(test_delivery(2, Some("a")), true);
        q.admit(test_delivery(3, Some("b")), true);
        q.admit(test_delivery(4, None), true);
        assert_eq!(taken(&mut q, 0), [1, 3, 4]);
        assert_eq!(
            q.finished(s(1), Attempt::Delivered, 0, 0.5),
            Settled::Delivered
        );
        assert_eq!(taken(&mut q, 0), [2]);
    }

    #[test]
    fn a_failed_delivery_is_retried_after_its_backoff_and_holds_its_call_meanwhile() {
        let mut q = queue(8);
        q.admit(test_delivery(1, Some("a")), true);
        q.admit(test_delivery(2, Some("a")), true);
        assert_eq!(taken(&mut q, 1_000), [1]);
        assert_eq!(q.finished(s(1), retry(), 1_000, 0.5), Settled::Retrying);
        assert_eq!(q.next_due(), Some(1_100));
        assert!(taken(&mut q, 1_099).is_empty(), "not due, and 2 waits");
        assert_eq!(taken(&mut q, 1_100), [1]);
        assert_eq!(q.finished(s(1), retry(), 1_100, 0.5), Settled::Retrying);
        assert_eq!(q.next_due(), Some(1_300), "the wait doubles");
        assert_eq!(taken(&mut q, 1_300), [1]);
        q.finished(s(1), Attempt::Delivered, 1_300, 0.5);
        assert_eq!(taken(&mut q, 1_300), [2]);
    }

    #[test]
    fn a_delivery_dies_after_the_retry_period_or_at_once_when_refused_and_its_call_goes_on() {
        let mut q = queue(8);
        for seq in 1..=3 {
            q.admit(test_delivery(seq, Some("a")), true);
        }
        assert_eq!(taken(&mut q, 0), [1]);
        q.finished(s(1), retry(), 0, 0.5);
        assert_eq!(taken(&mut q, 9_999), [1]);
        assert_eq!(q.finished(s(1), retry(), 10_000, 0.5), Settled::Dead);
        assert_eq!(taken(&mut q, 10_000), [2]);
        assert_eq!(
            q.finished(s(2), Attempt::Permanent("410".to_owned()), 10_000, 0.5),
            Settled::Dead
        );
        assert_eq!(taken(&mut q, 10_000), [3]);
        let status = q.status("app", s(3));
        assert_eq!((status.dead, status.pending, status.in_flight), (2, 1, 1));
        assert_eq!(status.last_error.map(|(seq, _)| seq.get()), Some(2));
    }

    #[test]
    fn no_more_than_the_limit_is_in_flight() {
        let mut q = queue(2);
        for seq in 1..=5 {
            q.admit(test_delivery(seq, None), true);
        }
        assert_eq!(taken(&mut q, 0), [1, 2]);
        assert!(taken(&mut q, 0).is_empty());
        q.finished(s(2), Attempt::Delivered, 0, 0.5);
        assert_eq!(taken(&mut q, 0), [3]);
    }

    #[test]
    fn the_cursor_stays_below_what_is_only_read_and_stuck_deliveries_get_rows() {
        let mut q = queue(8);
        for (seq, call) in [(1, "a"), (2, "a"), (3, "b"), (4, "b"), (5, "c")] {
            q.admit(test_delivery(seq, Some(call)), true);
        }
        q.admit(test_delivery(6, None), false);
        assert_eq!(taken(&mut q, 0), [1, 3, 5]);
        q.finished(s(1), retry(), 0, 0.5);
        q.finished(s(5), Attempt::Delivered, 0, 0.5);

        let plan = q.plan_save();
        // 1 failed and 2 waits behind it: both stored. 3 is in flight on
        // its first attempt and 4 waits behind it: the cursor stays below 3.
        assert_eq!(plan.cursor, s(2));
        let rows: Vec<(i64, PendingState)> =
            plan.rows.iter().map(|r| (r.seq.get(), r.state)).collect();
        assert_eq!(
            rows,
            [(1, PendingState::Retrying), (2, PendingState::Waiting)]
        );
        q.saved(&plan);

        q.finished(s(3), Attempt::Delivered, 0, 0.5);
        assert_eq!(taken(&mut q, 0), [4]);
        q.finished(s(4), Attempt::Delivered, 0, 0.5);
        let plan = q.plan_save();
        assert_eq!(plan.cursor, s(6), "everything else is done or stored");
        assert!(plan.rows.is_empty(), "nothing stored changed");
        q.saved(&plan);

        assert_eq!(taken(&mut q, 100), [1]);
        q.finished(s(1), Attempt::Delivered, 100, 0.5);
        assert_eq!(taken(&mut q, 100), [2]);
        q.finished(s(2), Attempt::Delivered, 100, 0.5);
        let plan = q.plan_save();
        assert_eq!(
            plan.done,
            [s(1), s(2)],
            "the stored rows of what was delivered go"
        );
        q.saved(&plan);
        assert!(!q.needs_save());
    }

    #[test]
    fn a_queue_resumes_from_its_rows_in_the_same_order_and_state() {
        let mut q = queue(8);
        for seq in 1..=3 {
            q.admit(test_delivery(seq, Some("a")), true);
        }
        q.admit(test_delivery(4, Some("b")), true);
        assert_eq!(taken(&mut q, 0), [1, 4]);
        q.finished(s(1), retry(), 0, 0.5);
        q.finished(s(4), Attempt::Permanent("no".to_owned()), 0, 0.5);
        let plan = q.plan_save();
        q.saved(&plan);

        let mut again = Queue::resume(
            OutboxSnapshot {
                cursor: plan.cursor,
                rows: plan.rows,
            },
            policy(),
            8,
        );
        assert_eq!(again.read_to(), s(4));
        assert!(taken(&mut again, 99).is_empty(), "1 is not due yet");
        assert_eq!(taken(&mut again, 100), [1]);
        assert!(again.delivery(s(1)).is_none(), "read back from the log");
        again.attach(test_delivery(1, Some("a")));
        again.finished(s(1), Attempt::Delivered, 100, 0.5);
        assert_eq!(taken(&mut again, 100), [2]);
        assert_eq!(again.status("app", s(4)).dead, 1);
    }

    #[test]
    fn stored_dead_letters_leave_the_queue_so_a_long_outage_never_stops_its_reading() {
        // Arrange: three deliveries the destination refuses for good.
        let mut q = queue(8);
        for seq in 1..=3 {
            q.admit(test_delivery(seq, None), true);
        }
        for seq in taken(&mut q, 0) {
            q.finished(s(seq), Attempt::Permanent("404".to_owned()), 0, 0.5);
        }
        assert!(!q.has_room(3), "held until stored");

        // Act
        let plan = q.plan_save();
        q.saved(&plan);

        // Assert: stored as dead rows and gone from memory; counted still.
        let dead: Vec<i64> = plan
            .rows
            .iter()
            .filter(|r| r.state == PendingState::Dead)
            .map(|r| r.seq.get())
            .collect();
        assert_eq!(dead, [1, 2, 3]);
        assert_eq!(q.held(), 0);
        assert!(q.has_room(1), "the log is read on");
        let status = q.status("app", s(3));
        assert_eq!(
            (status.dead, status.pending, status.settled_to),
            (3, 0, s(3))
        );
        q.admit(test_delivery(4, None), true);
        assert_eq!(taken(&mut q, 0), [4]);
    }

    #[test]
    fn dead_letters_read_back_from_the_store_are_sent_again() {
        // Arrange: a queue resumed with two dead rows, which it only counts.
        let row = |seq: i64| PendingRow {
            seq: s(seq),
            call_id: Some(CallId::new("a")),
            state: PendingState::Dead,
            attempts: 5,
            first_attempt_at: Some(0),
            next_attempt_at: None,
            last_error: Some("given up".to_owned()),
        };
        let mut q = Queue::resume(
            OutboxSnapshot {
                cursor: s(9),
                rows: vec![row(2), row(5)],
            },
            policy(),
            8,
        );
        assert_eq!((q.held(), q.status("app", s(9)).dead), (0, 2));

        // Act: one revived by seq (the row read back), then the rest.
        assert_eq!(q.revive(Some(s(5)), vec![row(5)]), 1);
        assert_eq!(q.revive(None, vec![row(2), row(5)]), 1, "5 is held already");

        // Assert: both attempted at once, outside their call's order, and
        // their rows updated on the next save.
        assert_eq!(taken(&mut q, 0), [2, 5]);
        assert_eq!(q.status("app", s(9)).dead, 0);
        let states: Vec<(i64, PendingState)> = q
            .plan_save()
            .rows
            .iter()
            .map(|r| (r.seq.get(), r.state))
            .collect();
        assert_eq!(
            states,
            [(2, PendingState::Retrying), (5, PendingState::Retrying)]
        );
        q.attach(test_delivery(2, Some("a")));
        q.finished(s(2), Attempt::Delivered, 0, 0.5);
        assert_eq!(q.plan_save().done, [s(2)], "its row goes");
    }

    #[test]
    fn a_revived_dead_letter_is_sent_again_at_once() {
        let mut q = queue(8);
        q.admit(test_delivery(1, Some("a")), true);
        q.admit(test_delivery(2, Some("a")), true);
        taken(&mut q, 0);
        q.finished(s(1), Attempt::Permanent("no".to_owned()), 0, 0.5);
        assert_eq!(taken(&mut q, 0), [2]);
        assert_eq!(q.revive(Some(s(7)), Vec::new()), 0);
        assert_eq!(q.revive(None, Vec::new()), 1);
        assert_eq!(taken(&mut q, 0), [1]);
        q.finished(s(1), Attempt::Delivered, 0, 0.5);
        q.finished(s(2), Attempt::Delivered, 0, 0.5);
        assert_eq!(q.status("app", s(2)).pending, 0);
        assert_eq!(q.status("app", s(2)).settled_to, s(2));
    }
}
