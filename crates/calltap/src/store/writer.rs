//! The group-commit writer: one dedicated thread owns the only write
//! connection and commits whatever is queued as one transaction.
//!
//! The loop does not know which backend it commits to: it hands each batch
//! to a [`LogAppend`], which appends it in one transaction.
//!
//! Why a thread and not a task: the backends are blocking, and a commit
//! with `synchronous=FULL` waits for an fsync; a thread keeps that off the
//! async workers. Why one writer: SQLite allows one writer at a time anyway,
//! and batching N deliveries into one transaction pays one fsync for all N.
//! Why a bounded queue: when the disk is slower than the network the queue
//! would grow without limit; it admits a job only while the expected wait
//! for its commit and the queued bytes stay within their budgets
//! ([`Admission`]), and ingest answers 503 beyond them.
//!
//! Bodies arrive already cut into pieces (the handlers run
//! [`body::split`](super::body::split) in parallel); the writer inserts only
//! the pieces not yet known to be committed, and marks a batch's new pieces
//! known in [`KnownPieces`] only after the batch has committed.
//!
//! Each request carries a oneshot reply that is sent only after its batch
//! has committed (or failed), which is how "200 means committed" holds.
//! After each commit the writer hands the batch's deliveries to the
//! projector and the outboxes ([`Handoff`]), then publishes the log's
//! highest committed seq on a `watch` ([`WriterHandle::committed`]), which
//! wakes them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch};

use super::admission::{Admission, AdmissionRule, Refused};
use super::backend::{LogAppend, NewPieces};
use super::body::KnownPieces;
use super::feed::Feed;
use super::handoff::{HandedBody, Handoff};
use super::{Job, Outcome, StoreError};
use crate::ids::Seq;

/// The batch could not be committed; nothing of it was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the batch was not committed: {0}")]
pub struct CommitFailed(pub String);

/// The queue refused a job.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum SubmitError {
    /// The job would wait too long or the queue holds too many bytes: the
    /// writer is behind.
    #[error("the write queue is full: {0}")]
    Full(Refused),
    /// The writer has stopped.
    #[error("the writer has stopped")]
    Closed,
}

type Reply = oneshot::Sender<Result<Outcome, CommitFailed>>;

/// The longest a job no one waits for ([`Job::can_wait`]) is held for a
/// batch to ride with: how much later a recorded answer may show in the
/// API than without holding.
pub const HOLD_AT_MOST: Duration = Duration::from_millis(100);

struct Request {
    job: Job,
    /// What the job counts for in the [`Admission`].
    bytes: usize,
    reply: Reply,
}

/// Whether the last commit succeeded; read by `/readyz`.
#[derive(Debug)]
pub struct Health {
    writable: AtomicBool,
}

impl Health {
    /// Whether the database took the last batch (true before the first).
    pub fn is_writable(&self) -> bool {
        self.writable.load(Ordering::Relaxed)
    }
}

/// The ingest side of the queue; cheap to clone.
#[derive(Clone, Debug)]
pub struct WriterHandle {
    tx: mpsc::UnboundedSender<Request>,
    admission: Arc<Admission>,
    health: Arc<Health>,
    known: Arc<KnownPieces>,
    committed: watch::Receiver<Seq>,
}

impl WriterHandle {
    /// Queues a job without waiting; the receiver resolves after the commit.
    pub fn try_submit(
        &self,
        job: Job,
    ) -> Result<oneshot::Receiver<Result<Outcome, CommitFailed>>, SubmitError> {
        self.try_submit_after(job, Duration::ZERO)
    }

    /// [`try_submit`](Self::try_submit) for a job whose sender has waited
    /// `waited` already (for the body budget): admission adds it to the
    /// expected wait.
    pub fn try_submit_after(
        &self,
        job: Job,
        waited: Duration,
    ) -> Result<oneshot::Receiver<Result<Outcome, CommitFailed>>, SubmitError> {
        if self.tx.is_closed() {
            return Err(SubmitError::Closed);
        }
        let bytes = job.queued_bytes();
        self.admission
            .try_reserve(bytes, waited)
            .map_err(SubmitError::Full)?;
        let (reply, rx) = oneshot::channel();
        match self.tx.send(Request { job, bytes, reply }) {
            Ok(()) => Ok(rx),
            Err(_) => {
                self.admission.cancel(bytes);
                Err(SubmitError::Closed)
            }
        }
    }

    /// The queue's admission state (what is queued, the measured rate).
    pub fn admission(&self) -> &Admission {
        &self.admission
    }

    /// The pieces known to be committed, for [`body::split`](super::body::split).
    pub fn known_pieces(&self) -> &KnownPieces {
        &self.known
    }

    /// The writer's health flag.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Whether the writer thread is still running.
    pub fn is_running(&self) -> bool {
        !self.tx.is_closed()
    }

    /// The highest seq committed to the log, updated after every commit that
    /// stored something; its sender closes when the writer thread ends.
    pub fn committed(&self) -> watch::Receiver<Seq> {
        self.committed.clone()
    }
}

/// Hands a committed batch to one handoff.
type Publish = Box<dyn Fn(&[&Job], &[Outcome]) + Send>;

/// The writer: the log's write side and its batching rule.
pub struct Writer<L> {
    log: L,
    max_batch: usize,
    known: Arc<KnownPieces>,
    /// Where committed deliveries are published (the SSE streams).
    feed: Option<Feed>,
    /// Where committed deliveries are handed (the projector's handoff,
    /// each outbox's).
    handoffs: Vec<Publish>,
    /// How long a job no one waits for may be held (see [`Writer::run`]).
    hold: Duration,
}

impl<L: LogAppend> Writer<L> {
    /// A writer appending to `log` (see [`Store::log_writer`](super::open::Store::log_writer)).
    pub fn new(log: L, max_batch: usize) -> Writer<L> {
        Writer {
            log,
            max_batch: max_batch.max(1),
            known: Arc::default(),
            feed: None,
            handoffs: Vec::new(),
            hold: HOLD_AT_MOST,
        }
    }

    /// Holds jobs no one waits for at most `hold` (default
    /// [`HOLD_AT_MOST`]; zero commits them at once).
    pub fn holding_for(mut self, hold: Duration) -> Writer<L> {
        self.hold = hold;
        self
    }

    /// Keeps at most `bytes` of committed pieces in its memo (see
    /// [`KnownPieces`]); call before the writer is spawned.
    pub fn with_known_pieces_bytes(mut self, bytes: usize) -> Writer<L> {
        self.known = Arc::new(KnownPieces::within(bytes));
        self
    }

    /// Publishes every committed delivery on `feed` (see [`Feed`]).
    pub fn with_feed(mut self, feed: Feed) -> Writer<L> {
        self.feed = Some(feed);
        self
    }

    /// Hands every committed delivery to `handoff`'s reader (the
    /// projector, an outbox; see [`Handoff`]).
    pub fn with_handoff<B: HandedBody>(mut self, handoff: Handoff<B>) -> Writer<L> {
        self.handoffs.push(Box::new(move |jobs, outcomes| {
            handoff.publish_committed(jobs, outcomes)
        }));
        self
    }

    /// The pieces this writer has committed (shared with its handle).
    pub fn known_pieces(&self) -> Arc<KnownPieces> {
        Arc::clone(&self.known)
    }

    /// Writes the jobs in one transaction and commits it. Either every job is
    /// written or none is. Tests drive this directly.
    pub fn process_batch(&mut self, jobs: &[&Job]) -> Result<Vec<Outcome>, StoreError> {
        let started = Instant::now();
        let mut inserted = NewPieces::default();
        let outcomes = self.log.append_batch(jobs, &mut inserted)?;
        self.known.insert_committed(inserted.iter());
        // Only now, never before the commit: neither a subscriber nor a
        // handoff's reader may see an event that could still be rolled
        // back. Publishing never waits for any of them.
        if let Some(feed) = &self.feed {
            feed.publish_committed(jobs, &outcomes);
        }
        for handoff in &self.handoffs {
            handoff(jobs, &outcomes);
        }
        metrics::histogram!("calltap_commit_seconds").record(started.elapsed().as_secs_f64());
        metrics::histogram!("calltap_batch_size").record(jobs.len() as f64);
        Ok(outcomes)
    }

    /// Runs until every [`WriterHandle`] is dropped, committing whatever is
    /// queued as one batch each time. The last batch is flushed before return.
    ///
    /// A batch of jobs that no one waits for (recorded answers, see
    /// [`Job::can_wait`]) is not committed at once: it is held to ride with
    /// the next batch that someone waits for, and committed alone only after
    /// its hold ([`HOLD_AT_MOST`]) or at the end. At `durability = full` a commit of
    /// its own would cost an fsync, which the next question would wait
    /// behind.
    fn run(
        mut self,
        mut rx: mpsc::UnboundedReceiver<Request>,
        admission: Arc<Admission>,
        health: Arc<Health>,
        committed: watch::Sender<Seq>,
    ) {
        // The clock for waiting on the queue while jobs are held; without
        // it (it could not be built), nothing is held.
        let clock = (!self.hold.is_zero())
            .then(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .inspect_err(
                        |err| tracing::warn!(error = %err, "the writer commits answers at once"),
                    )
                    .ok()
            })
            .flatten();
        let mut batch: Vec<Request> = Vec::with_capacity(self.max_batch);
        let mut held: Vec<Request> = Vec::new();
        let mut held_until = Instant::now();
        loop {
            let next = match &clock {
                Some(clock) if !held.is_empty() => {
                    let wait = held_until.saturating_duration_since(Instant::now());
                    // Made inside `block_on`: a timer needs its runtime.
                    let next =
                        clock.block_on(async { tokio::time::timeout(wait, rx.recv()).await });
                    match next {
                        Ok(next) => next,
                        Err(_elapsed) => {
                            // Nothing came to ride with: they go alone.
                            self.commit(&mut held, &admission, &health, &committed);
                            continue;
                        }
                    }
                }
                // `blocking_recv` returns None only when all senders are
                // gone and the queue is drained, so nothing queued is
                // dropped at shutdown.
                _ => rx.blocking_recv(),
            };
            let Some(first) = next else { break };
            batch.push(first);
            while batch.len() + held.len() < self.max_batch {
                match rx.try_recv() {
                    Ok(request) => batch.push(request),
                    Err(_) => break,
                }
            }
            if clock.is_some()
                && batch.len() + held.len() < self.max_batch
                && batch.iter().all(|r| r.job.can_wait())
            {
                if held.is_empty() {
                    held_until = Instant::now() + self.hold;
                }
                held.append(&mut batch);
                continue;
            }
            batch.append(&mut held);
            self.commit(&mut batch, &admission, &health, &committed);
        }
        if !held.is_empty() {
            self.commit(&mut held, &admission, &health, &committed);
        }
    }

    /// Commits `batch` as one transaction, then answers (and empties) it.
    fn commit(
        &mut self,
        batch: &mut Vec<Request>,
        admission: &Admission,
        health: &Health,
        committed: &watch::Sender<Seq>,
    ) {
        let jobs: Vec<&Job> = batch.iter().map(|r| &r.job).collect();
        let bytes: usize = batch.iter().map(|r| r.bytes).sum();
        let started = Instant::now();
        let committed_batch = self.process_batch(&jobs);
        // Released before the replies go: a handler answered 200 may
        // send its next delivery at once, and finds room for it.
        admission.release(
            batch.len(),
            bytes,
            committed_batch.is_ok().then(|| started.elapsed()),
        );
        match committed_batch {
            Ok(outcomes) => {
                health.writable.store(true, Ordering::Relaxed);
                let stored = outcomes.iter().filter_map(Outcome::stored_seq);
                if let Some(max) = stored.max() {
                    // No receiver (no projector) is fine: nothing to wake.
                    committed.send_if_modified(|seq| {
                        let moved = max > *seq;
                        *seq = (*seq).max(max);
                        moved
                    });
                }
                for (request, outcome) in batch.drain(..).zip(outcomes) {
                    // The handler may have gone (client hung up); the
                    // delivery is committed either way.
                    let _ = request.reply.send(Ok(outcome));
                }
            }
            Err(err) => {
                health.writable.store(false, Ordering::Relaxed);
                tracing::error!(error = %err, cause = ?std::error::Error::source(&err), batch = batch.len(), "commit failed");
                metrics::counter!("calltap_commit_failures_total").increment(1);
                let failure = CommitFailed(err.to_string());
                for request in batch.drain(..) {
                    let _ = request.reply.send(Err(failure.clone()));
                }
            }
        }
    }
}

/// Starts the writer thread with a queue admitting jobs by `rule`.
pub fn spawn<L: LogAppend + 'static>(
    mut writer: Writer<L>,
    rule: AdmissionRule,
) -> std::io::Result<(WriterHandle, std::thread::JoinHandle<()>)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let admission = Arc::new(Admission::new(rule));
    let thread_admission = Arc::clone(&admission);
    let health = Arc::new(Health {
        writable: AtomicBool::new(true),
    });
    let thread_health = Arc::clone(&health);
    let known = Arc::clone(&writer.known);
    // Start from what the log already holds, so a projector behind it wakes.
    let last = writer.log.last_seq().unwrap_or(Seq::ZERO);
    let (committed_tx, committed) = watch::channel(last);
    let thread = std::thread::Builder::new()
        .name("calltap-writer".to_owned())
        .spawn(move || writer.run(rx, thread_admission, thread_health, committed_tx))?;
    Ok((
        WriterHandle {
            tx,
            admission,
            health,
            known,
            committed,
        },
        thread,
    ))
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::store::sqlite::{self, Sqlite, SqliteLog};
    use crate::store::{Durability, NewEvent};

    fn rule(one_batch: usize) -> AdmissionRule {
        AdmissionRule {
            max_wait: std::time::Duration::from_secs(5),
            max_bytes: 1 << 20,
            one_batch,
        }
    }

    fn event(key: &str) -> Job {
        Job::Event(NewEvent::for_test(key, bytes::Bytes::from_static(b"{}")))
    }

    fn writer() -> (tempfile::TempDir, Writer<SqliteLog>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite = Sqlite::open(&dir.path().join("w.db"), Durability::Normal).expect("open");
        (dir, Writer::new(sqlite.log().expect("log"), 8))
    }

    /// A writer whose batches fail at once while `holder` holds the write
    /// lock (until it rolls back).
    fn locked_writer() -> (tempfile::TempDir, Writer<SqliteLog>, Connection) {
        let dir = tempfile::tempdir().expect("tempdir");
        let (log, holder) = sqlite::locked_out(&dir.path().join("w.db"));
        (dir, Writer::new(log, 8), holder)
    }

    #[test]
    fn a_batch_dedups_within_itself_and_against_earlier_batches() {
        let (_dir, mut w) = writer();
        let (a, b) = (event("a"), event("b"));
        let out = w.process_batch(&[&a, &a, &b]).expect("commit");
        assert_eq!(
            out,
            [
                Outcome::Stored(Seq::new(1)),
                Outcome::Duplicate(Seq::new(1)),
                Outcome::Stored(Seq::new(2))
            ]
        );
        let out = w.process_batch(&[&b]).expect("commit");
        assert_eq!(out, [Outcome::Duplicate(Seq::new(2))]);
    }

    #[test]
    fn a_failed_batch_writes_nothing() {
        let (_dir, mut w, other) = locked_writer();
        let a = event("a");
        assert!(matches!(w.process_batch(&[&a]), Err(StoreError::Busy(_))));
        other.execute_batch("ROLLBACK").expect("release");
        assert_eq!(
            w.process_batch(&[&a]).expect("commit"),
            [Outcome::Stored(Seq::new(1))]
        );
    }

    /// A delivery whose `call` object is one piece, shared by every `n`.
    fn cut_event(known: &KnownPieces, key: &str, n: usize) -> Job {
        let body = bytes::Bytes::from(format!(
            r#"{{"message":{{"type":"status-update","n":{n},"call":{{"id":"{}"}}}}}}"#,
            "c".repeat(200)
        ));
        let split = crate::store::body::split(&body, known);
        assert!(split.is_some(), "the call object is cut");
        Job::Event(NewEvent {
            split,
            ..NewEvent::for_test(key, body)
        })
    }

    fn piece_rows(dir: &tempfile::TempDir) -> i64 {
        Connection::open(dir.path().join("w.db"))
            .expect("open")
            .query_row("SELECT count(*) FROM pieces", [], |r| r.get(0))
            .expect("count")
    }

    #[test]
    fn a_piece_shared_within_a_batch_is_stored_once_and_known_only_after_commit() {
        let (dir, mut w) = writer();
        let known = Arc::clone(&w.known);
        let (a, b) = (cut_event(&known, "a", 1), cut_event(&known, "b", 2));
        let Job::Event(event) = &a else {
            unreachable!()
        };
        let call = &event.body[event.split.as_ref().expect("cut").pieces[0].range.clone()];
        assert!(!known.contains(call));

        w.process_batch(&[&a, &b]).expect("commit");

        assert!(known.contains(call));
        assert_eq!(piece_rows(&dir), 1);
        // A later delivery sees the piece as known and the writer skips it.
        let c = cut_event(&known, "c", 3);
        let Job::Event(later) = &c else {
            unreachable!()
        };
        assert!(later.split.as_ref().expect("cut").pieces[0].known);
        assert_eq!(
            w.process_batch(&[&c]).expect("commit"),
            [Outcome::Stored(Seq::new(3))]
        );
        assert_eq!(piece_rows(&dir), 1);
    }

    #[test]
    fn a_failed_batch_marks_no_piece_known() {
        let (dir, mut w, other) = locked_writer();
        let known = Arc::clone(&w.known);
        let a = cut_event(&known, "a", 1);

        assert!(w.process_batch(&[&a]).is_err());

        let Job::Event(event) = &a else {
            unreachable!()
        };
        let piece = &event.split.as_ref().expect("cut").pieces[0];
        assert!(!known.contains(&event.body[piece.range.clone()]));
        other.execute_batch("ROLLBACK").expect("release");
        assert_eq!(
            w.process_batch(&[&a]).expect("commit"),
            [Outcome::Stored(Seq::new(1))]
        );
        assert_eq!(piece_rows(&dir), 1);
    }

    /// A log that notes the size of every batch it commits.
    struct Counted(SqliteLog, Arc<parking_lot::Mutex<Vec<usize>>>);

    impl LogAppend for Counted {
        fn append_batch(
            &mut self,
            jobs: &[&Job],
            inserted: &mut NewPieces,
        ) -> Result<Vec<Outcome>, StoreError> {
            let outcomes = self.0.append_batch(jobs, inserted)?;
            self.1.lock().push(jobs.len());
            Ok(outcomes)
        }

        fn last_seq(&mut self) -> Result<Seq, StoreError> {
            self.0.last_seq()
        }
    }

    fn answer(seq: i64) -> Job {
        Job::Answer(crate::store::AnswerRecord {
            seq: Seq::new(seq),
            answered_at: 2,
            outcome: "app".to_owned(),
            status: 200,
            latency_ms: 1,
            headers: "{}".to_owned(),
            body: bytes::Bytes::from_static(b"{\"results\":[]}"),
            error: None,
        })
    }

    fn counted_writer(
        hold: Duration,
    ) -> (
        tempfile::TempDir,
        Writer<Counted>,
        Arc<parking_lot::Mutex<Vec<usize>>>,
    ) {
        let (dir, w) = writer();
        let batches = Arc::default();
        let log = Counted(w.log, Arc::clone(&batches));
        (dir, Writer::new(log, 8).holding_for(hold), batches)
    }

    fn answers_stored(dir: &tempfile::TempDir) -> i64 {
        Connection::open(dir.path().join("w.db"))
            .expect("open")
            .query_row("SELECT count(*) FROM answers", [], |r| r.get(0))
            .expect("count")
    }

    /// Commits the question that the tests' answers answer, at seq 1.
    async fn commit_a_question(handle: &WriterHandle) {
        let question = handle.try_submit(event("q")).expect("queued");
        assert_eq!(
            question.await.expect("reply"),
            Ok(Outcome::Stored(Seq::new(1)))
        );
    }

    /// Waits for the writer thread to end (its handles dropped).
    async fn joined(thread: std::thread::JoinHandle<()>) {
        tokio::task::spawn_blocking(move || thread.join())
            .await
            .expect("join task")
            .expect("writer thread did not panic");
    }

    #[tokio::test]
    async fn an_answer_rides_with_the_next_delivery_and_one_left_over_is_committed_at_the_end() {
        let (dir, w, batches) = counted_writer(Duration::from_secs(3600));
        let (handle, thread) = spawn(w, rule(4)).expect("spawn");
        commit_a_question(&handle).await;

        let answered = handle.try_submit(answer(1)).expect("queued");
        // Long enough for the writer to have taken the answer alone.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(*batches.lock(), [1], "the answer waits for company");
        let next = handle.try_submit(event("next")).expect("queued");
        assert_eq!(next.await.expect("reply"), Ok(Outcome::Stored(Seq::new(2))));
        assert_eq!(
            answered.await.expect("reply"),
            Ok(Outcome::Answered(Seq::new(1)))
        );
        assert_eq!(
            *batches.lock(),
            [1, 2],
            "one commit for the answer and the delivery"
        );

        // An answer with nothing to ride with is committed when the writer stops.
        let last = handle.try_submit(answer(2)).expect("queued");
        drop(handle);
        joined(thread).await;
        assert_eq!(
            last.await.expect("reply"),
            Ok(Outcome::Answered(Seq::new(2)))
        );
        assert_eq!(*batches.lock(), [1, 2, 1]);
        assert_eq!(answers_stored(&dir), 2);
    }

    #[tokio::test]
    async fn an_answer_with_nothing_to_ride_with_is_committed_after_its_hold() {
        let (dir, w, batches) = counted_writer(Duration::from_millis(20));
        let (handle, thread) = spawn(w, rule(4)).expect("spawn");
        commit_a_question(&handle).await;

        let answered = handle.try_submit(answer(1)).expect("queued");
        assert_eq!(
            answered.await.expect("reply"),
            Ok(Outcome::Answered(Seq::new(1)))
        );
        assert_eq!(*batches.lock(), [1, 1]);
        assert_eq!(answers_stored(&dir), 1);
        drop(handle);
        joined(thread).await;
    }

    #[tokio::test]
    async fn replies_arrive_after_commit_and_the_thread_ends_when_handles_drop() {
        let (_dir, w) = writer();
        let (handle, thread) = spawn(w, rule(4)).expect("spawn");
        let rx = handle.try_submit(event("x")).expect("queued");
        assert_eq!(rx.await.expect("reply"), Ok(Outcome::Stored(Seq::new(1))));
        drop(handle);
        joined(thread).await;
    }
}
