//! Committed deliveries handed from the writer to a reader of the log in
//! memory (the projector, each outbox), so that it need not read back what
//! was just written.
//!
//! Why: reading its batch back (the rows, then unpacking each recipe) was
//! about a quarter of the projector's time under load, and rebuilding each
//! body from its pieces was most of an outbox's (50-60 µs of CPU per
//! delivery); the writer holds every one of those values when it commits.
//!
//! What it promises: it holds exactly the log's committed deliveries with a
//! seq in `(start, last]`, in seq order, equal to what the log would return:
//! [`StoredEvent`](super::StoredEvent)s as
//! [`LogRead::stored_events`](super::backend::LogRead::stored_events) reads
//! them (the projector's, `Handoff<StoredBody>`), or [`Event`](super::Event)s as
//! [`LogRead::events`](super::backend::LogRead::events) reads them (an
//! outbox's, `Handoff<Bytes>`). Its reader takes from it only when its
//! position is at or past `start`; otherwise it reads the log as before.
//! That is the case at startup (nothing handed yet, or a position left
//! behind by an earlier run), after a failed step (what it took is gone),
//! after the handoff overflowed (it is bounded: when full, the oldest are
//! dropped and `start` moves past them), and after a gap in the seqs
//! (another process appended to the log: the writer never saw those
//! deliveries, so the handoff starts again after the gap).
//!
//! Why the writer publishes only after its commit: no reader may act on a
//! delivery that could still be rolled back. The writer publishes before it
//! announces the commit on its `committed` watch, so the step that the
//! announcement wakes finds the deliveries here.
//!
//! This module knows neither SQL nor HTTP.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::Mutex;

use super::{Job, Logged, NewEvent, Outcome, StoredBody};
use crate::ids::Seq;

/// A body as a handoff holds it, taken from the delivery the writer
/// committed.
pub trait HandedBody: Clone + Send + 'static {
    /// The body of `event`, as its reader would read it from the log.
    fn of(event: &NewEvent) -> Self;

    /// Its size in bytes, for the handoff's bound.
    fn size(&self) -> usize;
}

impl HandedBody for StoredBody {
    /// As the log stores it (see `store/sqlite/log.rs`): the recipe when
    /// the body was cut, else the body itself; both shared with the
    /// request, not copied on the writer's thread.
    fn of(event: &NewEvent) -> StoredBody {
        match &event.split {
            Some(split) => StoredBody::Recipe(split.recipe.clone()),
            None => StoredBody::Whole(event.body.clone()),
        }
    }

    fn size(&self) -> usize {
        match self {
            StoredBody::Whole(bytes) => bytes.len(),
            StoredBody::Recipe(recipe) => recipe.len(),
        }
    }
}

impl HandedBody for Bytes {
    /// The exact bytes received, shared with the request.
    fn of(event: &NewEvent) -> Bytes {
        event.body.clone()
    }

    fn size(&self) -> usize {
        self.len()
    }
}

/// Deliveries held at most; the oldest go first.
pub const DEFAULT_MAX_EVENTS: usize = 8192;
/// Body bytes held at most (recipes, or whole bodies): bounds the memory a
/// stalled projector can pin. 14 MiB, the handoffs' share of the default
/// memory budget (`crate::memory`, which checks it).
pub const DEFAULT_MAX_BYTES: usize = 14 << 20;

/// Both ends of the handoff, holding bodies as `B`; cheap to clone.
#[derive(Debug)]
pub struct Handoff<B = StoredBody> {
    held: Arc<Mutex<Held<B>>>,
}

impl<B> Clone for Handoff<B> {
    fn clone(&self) -> Self {
        Handoff {
            held: Arc::clone(&self.held),
        }
    }
}

#[derive(Debug)]
struct Held<B> {
    events: VecDeque<Logged<B>>,
    bytes: usize,
    /// Every committed delivery after this seq and up to `last` is in
    /// `events` (`None`: nothing was handed yet).
    start: Option<Seq>,
    /// The seq of the last delivery published.
    last: Option<Seq>,
    max_events: usize,
    max_bytes: usize,
}

impl<B: HandedBody> Default for Handoff<B> {
    fn default() -> Handoff<B> {
        Handoff::with_capacity(DEFAULT_MAX_EVENTS, DEFAULT_MAX_BYTES)
    }
}

impl<B: HandedBody> Handoff<B> {
    /// A handoff holding at most [`DEFAULT_MAX_EVENTS`] deliveries and
    /// `max_bytes` of their bodies (`--handoff-bytes`).
    pub fn bounded_by(max_bytes: usize) -> Handoff<B> {
        Handoff::with_capacity(DEFAULT_MAX_EVENTS, max_bytes)
    }

    /// A handoff holding at most `max_events` deliveries and `max_bytes` of
    /// their bodies (at least one delivery, whatever its size).
    pub fn with_capacity(max_events: usize, max_bytes: usize) -> Handoff<B> {
        Handoff {
            held: Arc::new(Mutex::new(Held {
                events: VecDeque::new(),
                bytes: 0,
                start: None,
                last: None,
                max_events: max_events.max(1),
                max_bytes,
            })),
        }
    }

    /// Hands over the stored deliveries of a committed batch (duplicates
    /// were handed when they were stored). Call only after the batch's
    /// transaction has committed, with the batch in seq order.
    pub fn publish_committed(&self, jobs: &[&Job], outcomes: &[Outcome]) {
        let mut held = self.held.lock();
        for (job, outcome) in jobs.iter().zip(outcomes) {
            let (Job::Event(event), Some(seq)) = (job, outcome.stored_seq()) else {
                continue;
            };
            if held.last != Some(seq.prev()) {
                // The first delivery handed, or a gap: what came before
                // this one is only in the log.
                held.events.clear();
                held.bytes = 0;
                held.start = Some(seq.prev());
            }
            let body = B::of(event);
            held.bytes += body.size();
            held.events.extend(event.logged(outcome, body));
            held.last = Some(seq);
            while held.events.len() > held.max_events
                || (held.bytes > held.max_bytes && held.events.len() > 1)
            {
                held.drop_oldest();
            }
        }
    }

    /// Up to `limit` committed deliveries after `position`, in seq order,
    /// taken out of the handoff; `Some` of none when there are none yet.
    /// `None` when the handoff does not hold all of them: read the log.
    pub fn take_after(&self, position: Seq, limit: usize) -> Option<Vec<Logged<B>>> {
        let mut held = self.held.lock();
        if position < held.start? {
            return None;
        }
        // Deliveries the caller has already read from the log.
        while held.events.front().is_some_and(|e| e.seq <= position) {
            held.drop_oldest();
        }
        let n = limit.min(held.events.len());
        let taken: Vec<Logged<B>> = held.events.drain(..n).collect();
        if let Some(last) = taken.last() {
            held.start = Some(last.seq);
            held.bytes -= taken.iter().map(|e| e.body.size()).sum::<usize>();
        }
        Some(taken)
    }

    /// How many deliveries it holds.
    pub fn len(&self) -> usize {
        self.held.lock().events.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<B: HandedBody> Held<B> {
    /// Drops the oldest delivery; from then on it is only in the log.
    fn drop_oldest(&mut self) {
        if let Some(event) = self.events.pop_front() {
            self.bytes -= event.body.size();
            self.start = Some(self.start.map_or(event.seq, |s| s.max(event.seq)));
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::store::open::Store;
    use crate::store::sqlite;
    use crate::store::writer::Writer;
    use crate::store::StoredEvent;
    use crate::store::{Durability, EventFilter, NewEvent};

    fn event(key: &str) -> Job {
        Job::Event(NewEvent::for_test(
            key,
            Bytes::from_static(b"{\"message\":{}}"),
        ))
    }

    /// Publishes one committed delivery per seq, as the writer would.
    fn publish(handoff: &Handoff, seqs: std::ops::RangeInclusive<i64>) {
        let jobs: Vec<Job> = seqs.clone().map(|seq| event(&format!("k{seq}"))).collect();
        let refs: Vec<&Job> = jobs.iter().collect();
        let outcomes: Vec<Outcome> = seqs.map(|n| Outcome::Stored(Seq::new(n))).collect();
        handoff.publish_committed(&refs, &outcomes);
    }

    fn seqs(events: &[StoredEvent]) -> Vec<i64> {
        events.iter().map(|e| e.seq.get()).collect()
    }

    #[test]
    fn it_hands_over_exactly_what_the_log_holds_after_the_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("h.db"), Durability::Normal).expect("open");
        let handoff: Handoff = Handoff::default();
        // An outbox's: the whole bodies, as the log's events read them.
        let outbox: Handoff<Bytes> = Handoff::default();
        let (log, _checkpoints) = store.log_writer().expect("log");
        let mut writer = Writer::new(log, 64)
            .with_handoff(handoff.clone())
            .with_handoff(outbox.clone());
        let known = writer.known_pieces();
        // Real deliveries: most are cut into pieces, so their recipes are
        // packed in the log and must come back unpacked.
        let corpus = calltap_protocol::fixtures::sample_deliveries();
        let jobs: Vec<Job> = corpus
            .into_iter()
            .take(60)
            .enumerate()
            .map(|(i, body)| {
                let body = Bytes::from(body);
                let mut new = NewEvent::for_test(&format!("k{i}"), body.clone());
                new.call_id = Some(format!("call-{}", i % 3).into());
                new.split = crate::store::body::split(&body, &known);
                Job::Event(new)
            })
            .collect();
        let (first, second) = jobs.split_at(25);
        writer
            .process_batch(&first.iter().collect::<Vec<_>>())
            .expect("commit");
        // A duplicate in the second batch is not handed over again.
        let mut second: Vec<&Job> = second.iter().collect();
        second.push(&first[0]);
        writer.process_batch(&second).expect("commit");

        let handed = handoff
            .take_after(Seq::new(0), 1000)
            .expect("all of it is held");
        let reader = store.reader().expect("reader");
        let logged = reader
            .stored_events(&EventFilter {
                limit: 1000,
                ..EventFilter::default()
            })
            .expect("read");
        assert_eq!(logged.len(), 60);
        assert!(
            logged
                .iter()
                .any(|e| matches!(e.body, StoredBody::Recipe(_))),
            "the corpus should cut"
        );
        assert_eq!(handed, logged);
        assert_eq!(handoff.take_after(Seq::new(60), 1000), Some(vec![]));

        let whole = reader
            .events(&EventFilter {
                limit: 1000,
                ..EventFilter::default()
            })
            .expect("read");
        assert_eq!(
            outbox
                .take_after(Seq::new(0), 1000)
                .expect("all of it is held"),
            whole
        );
    }

    #[test]
    fn a_batch_that_fails_to_commit_hands_over_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (log, _holder) = sqlite::locked_out(&dir.path().join("h.db"));
        let handoff: Handoff = Handoff::default();
        let mut writer = Writer::new(log, 8).with_handoff(handoff.clone());

        assert!(writer.process_batch(&[&event("a")]).is_err());

        assert!(handoff.is_empty());
        assert_eq!(
            handoff.take_after(Seq::new(0), 10),
            None,
            "nothing handed yet"
        );
    }

    #[test]
    fn a_position_before_the_start_reads_the_log() {
        let handoff: Handoff = Handoff::default();
        // The log held 1..=4 before the writer started.
        publish(&handoff, 5..=6);

        assert_eq!(
            handoff.take_after(Seq::new(3), 10),
            None,
            "4 is only in the log"
        );
        let taken = handoff
            .take_after(Seq::new(4), 1)
            .expect("5 and on are held");
        assert_eq!(seqs(&taken), [5]);
        assert_eq!(
            seqs(&handoff.take_after(Seq::new(5), 10).expect("held")),
            [6]
        );
    }

    #[test]
    fn what_a_failed_step_took_is_read_from_the_log_again() {
        let handoff: Handoff = Handoff::default();
        publish(&handoff, 1..=2);
        assert_eq!(
            seqs(&handoff.take_after(Seq::new(0), 10).expect("held")),
            [1, 2]
        );

        // The step failed: the projector is still at 0.
        assert_eq!(handoff.take_after(Seq::new(0), 10), None);
        // Once it has read 1..=2 from the log, the handoff serves again.
        publish(&handoff, 3..=3);
        assert_eq!(
            seqs(&handoff.take_after(Seq::new(2), 10).expect("held")),
            [3]
        );
    }

    #[test]
    fn deliveries_already_read_from_the_log_are_skipped() {
        let handoff: Handoff = Handoff::default();
        publish(&handoff, 1..=3);

        assert_eq!(
            seqs(&handoff.take_after(Seq::new(2), 10).expect("held")),
            [3]
        );
        assert!(handoff.is_empty());
    }

    #[test]
    fn when_full_the_oldest_go_and_the_projector_reads_them_from_the_log() {
        let handoff: Handoff = Handoff::with_capacity(2, usize::MAX);
        publish(&handoff, 1..=3);

        assert_eq!(handoff.len(), 2);
        assert_eq!(handoff.take_after(Seq::new(0), 10), None, "1 was dropped");
        assert_eq!(
            seqs(&handoff.take_after(Seq::new(1), 10).expect("held")),
            [2, 3]
        );

        let by_bytes: Handoff = Handoff::with_capacity(10, 20);
        publish(&by_bytes, 1..=3);
        assert_eq!(by_bytes.len(), 1, "each body is 14 bytes");
        assert_eq!(
            seqs(&by_bytes.take_after(Seq::new(2), 10).expect("held")),
            [3]
        );
    }

    #[test]
    fn a_gap_in_the_seqs_means_another_process_appended() {
        let handoff: Handoff = Handoff::default();
        publish(&handoff, 1..=1);
        // 2..=4 were appended by someone else.
        publish(&handoff, 5..=5);

        assert_eq!(
            handoff.take_after(Seq::new(1), 10),
            None,
            "2..=4 are only in the log"
        );
        assert_eq!(
            seqs(&handoff.take_after(Seq::new(4), 10).expect("held")),
            [5]
        );
    }
}
