//! The live feed: every delivery the writer commits, published to any number
//! of subscribers (the SSE streams) right after its batch commits, as the
//! same [`Event`] a log read gives (its body shared with the request).
//!
//! Why a `tokio::sync::broadcast`: it is bounded, and sending on it never
//! blocks or waits for a receiver, so the writer thread (and with it ingest)
//! never slows down for a subscriber. A subscriber that falls more than the
//! channel's capacity behind is told how much it missed
//! (`RecvError::Lagged`) and can read the gap back from the log, which holds
//! everything that was ever published.
//!
//! Why publish only after the commit: a subscriber must never see an event
//! that could still be rolled back. That ordering also gives resuming
//! subscribers their no-gap rule: subscribe first, then read the log; an
//! event committed after the read is published after the subscription.
//!
//! [`follow`] is how a reader uses the feed: every delivery after a point,
//! from the log and then live, with no gap and no duplicate, back to the
//! log after a lag (the live SSE stream's source).
//!
//! Why bounded by bytes too: the channel keeps its last `capacity` events,
//! bodies and all, for as long as anyone subscribes, so with large bodies
//! a count bounds nothing. The feed counts the body bytes of what the
//! channel can still hold; a delivery that would pass the byte budget is
//! published without its body, as a marker, and a follower that meets one
//! reads that delivery from the log, as after a lag (but tells nobody:
//! nothing was missed).
//!
//! This module knows neither SQL nor HTTP.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::backend::Reader;
use super::{Event, EventFilter, Job, Outcome, StoreError};
use crate::ids::{CallId, Seq};

/// One item of the feed.
#[derive(Clone, Debug)]
pub enum Live {
    /// A committed delivery, shared (`Arc`) by every subscriber, so a slow
    /// subscriber costs a pointer per retained event.
    Delivery(Arc<Event>),
    /// A committed delivery whose body would have passed the feed's byte
    /// budget: read it from the log.
    Elided(Seq),
}

/// A subscription to the feed.
pub type Subscription = broadcast::Receiver<Live>;

/// The default byte budget of the bodies the feed holds: 7 MiB, its share
/// of the default memory budget (`crate::memory`, which checks it).
pub const DEFAULT_MAX_BYTES: usize = 7 << 20;

/// The body bytes of the items the channel can still hold, oldest first.
#[derive(Debug, Default)]
struct Retained {
    sizes: VecDeque<usize>,
    bytes: usize,
}

/// The sending side of the feed; cheap to clone.
#[derive(Clone, Debug)]
pub struct Feed {
    tx: broadcast::Sender<Live>,
    capacity: usize,
    max_bytes: usize,
    retained: Arc<parking_lot::Mutex<Retained>>,
}

impl Feed {
    /// A feed that keeps the last `capacity` events (at least 1), and at
    /// most `max_bytes` of their bodies, for subscribers that are behind.
    pub fn new(capacity: usize, max_bytes: usize) -> Feed {
        let capacity = capacity.max(1);
        let (tx, _) = broadcast::channel(capacity);
        Feed {
            tx,
            capacity,
            max_bytes,
            retained: Arc::default(),
        }
    }

    /// A new subscription that receives every event published from now on.
    pub fn subscribe(&self) -> Subscription {
        self.tx.subscribe()
    }

    /// How many subscriptions are open.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Publishes the stored events of a committed batch, in seq order.
    /// Duplicates are not published: they were stored (and published)
    /// before. Call only after the batch's transaction has committed.
    pub fn publish_committed(&self, jobs: &[&Job], outcomes: &[Outcome]) {
        // Nobody listening: skip building the events at all.
        if self.tx.receiver_count() == 0 {
            return;
        }
        for (job, outcome) in jobs.iter().zip(outcomes) {
            let Job::Event(event) = job else {
                continue;
            };
            if let Some(logged) = event.logged(outcome, event.body.clone()) {
                let item = self.within_budget(logged);
                // `send` fails only when there is no subscriber left, in
                // which case there is nobody to tell.
                let _ = self.tx.send(item);
            }
        }
    }
}

impl Feed {
    /// The item to publish for `event`: itself, or a marker if its body
    /// would pass the byte budget of what the channel holds.
    fn within_budget(&self, event: Event) -> Live {
        let mut retained = self.retained.lock();
        if retained.sizes.len() >= self.capacity {
            let oldest = retained.sizes.pop_front().unwrap_or(0);
            retained.bytes -= oldest;
        }
        let size = event.body.len();
        if retained.bytes + size > self.max_bytes {
            retained.sizes.push_back(0);
            metrics::counter!("calltap_feed_elided_total").increment(1);
            return Live::Elided(event.seq);
        }
        retained.bytes += size;
        retained.sizes.push_back(size);
        Live::Delivery(Arc::new(event))
    }
}

/// How many events one read of the log returns while replaying.
pub const REPLAY_PAGE: u32 = 256;

/// Which deliveries a follower wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowFilter {
    /// Only this call.
    pub call_id: Option<CallId>,
    /// Only this message type.
    pub message_type: Option<String>,
}

impl FollowFilter {
    fn matches(&self, event: &Event) -> bool {
        self.call_id
            .as_ref()
            .is_none_or(|id| event.call_id.as_ref() == Some(id))
            && self
                .message_type
                .as_deref()
                .is_none_or(|t| event.message_type == t)
    }
}

/// What a [`Follower`] yields.
#[derive(Debug)]
pub enum Followed {
    /// The next matching delivery, in seq order, each once.
    Delivery(Arc<Event>),
    /// The follower fell behind the live feed and `missed` deliveries (of
    /// any call or type) went past it; the ones it wants follow, read back
    /// from the log after `resume_after`.
    Lagged {
        /// How many deliveries the feed dropped for this follower.
        missed: u64,
        /// The last seq yielded before the lag.
        resume_after: Seq,
    },
    /// The log could not be read; the follower ends.
    Failed {
        /// Why.
        error: StoreError,
        /// The last seq yielded.
        resume_after: Seq,
    },
}

/// Starts following the log: every matching delivery after `resume` (the
/// log first, then live), or, with no `resume`, live from now. A resume
/// point past the end of the log (a client of a database that was since
/// replaced) would silently skip the next deliveries up to it: it resumes
/// from the end instead.
///
/// How "no gap, no duplicate" holds: the writer publishes a delivery only
/// after its commit, and seqs are committed in order by one writer. A
/// follower subscribes to the feed BEFORE each read of the log, so a
/// delivery is either visible to that read or published after the
/// subscription; its cursor, the last seq yielded, drops whatever arrives
/// twice that way.
pub async fn follow(
    reader: Reader,
    feed: &Feed,
    filter: FollowFilter,
    resume: Option<Seq>,
) -> Result<Follower, StoreError> {
    // Subscribe before reading where "now" is, so that nothing committed
    // after that read can slip between the two.
    let live = feed.subscribe();
    let now = blocking(&reader, |r| r.last_seq()).await?;
    Ok(match resume {
        Some(after) => Follower::new(reader, filter, live, after.min(now), true),
        None => Follower::new(reader, filter, live, now, false),
    })
}

/// One follower's deliveries: replayed from the log, then live from the
/// feed, back to the log after a lag. Yields on demand, so a reader that
/// reads slowly is read for slowly (and lags the feed, not the writer).
#[derive(Debug)]
pub struct Follower {
    reader: Reader,
    filter: FollowFilter,
    live: Subscription,
    /// The last seq yielded, or the one it starts after: nothing at or
    /// below it is yielded (again).
    cursor: Seq,
    /// Whether the next deliveries come from the log (else from the feed).
    replaying: bool,
    /// Deliveries read from the log and not yet yielded.
    backlog: VecDeque<Event>,
    /// Set after a failure: the follower ends.
    done: bool,
}

impl Follower {
    fn new(
        reader: Reader,
        filter: FollowFilter,
        live: Subscription,
        cursor: Seq,
        replaying: bool,
    ) -> Follower {
        Follower {
            reader,
            filter,
            live,
            cursor,
            replaying,
            backlog: VecDeque::new(),
            done: false,
        }
    }

    /// The last seq yielded (or the one it started after).
    pub fn cursor(&self) -> Seq {
        self.cursor
    }

    /// The next item; `None` once it has failed, or when the feed has
    /// closed (the server is stopping).
    pub async fn next(&mut self) -> Option<Followed> {
        loop {
            if self.done {
                return None;
            }
            if let Some(event) = self.backlog.pop_front() {
                self.cursor = event.seq;
                return Some(Followed::Delivery(Arc::new(event)));
            }
            if self.replaying {
                match self.read_page().await {
                    Ok(page) => {
                        // A short page is the end of the log as of this read;
                        // everything after it is in the subscription.
                        self.replaying = page.len() == REPLAY_PAGE as usize;
                        self.backlog.extend(page);
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(error = %error, cursor = self.cursor.get(), "could not read the log to follow it");
                        self.done = true;
                        return Some(Followed::Failed {
                            error,
                            resume_after: self.cursor,
                        });
                    }
                }
            }
            match self.live.recv().await {
                Ok(Live::Delivery(event)) => {
                    if event.seq <= self.cursor || !self.filter.matches(&event) {
                        continue;
                    }
                    self.cursor = event.seq;
                    return Some(Followed::Delivery(event));
                }
                Ok(Live::Elided(seq)) => {
                    // Its body is in the log only: read from there on.
                    if seq > self.cursor {
                        self.replaying = true;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::info!(
                        missed,
                        cursor = self.cursor.get(),
                        "follower lagged; replaying from the log"
                    );
                    self.replaying = true;
                    return Some(Followed::Lagged {
                        missed,
                        resume_after: self.cursor,
                    });
                }
                // Every sender is gone: the server is stopping.
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// The next page of the log after the cursor.
    async fn read_page(&mut self) -> Result<Vec<Event>, StoreError> {
        // A fresh subscription before every read keeps the rule "subscribed
        // before the read", and drops what the old one holds: all of that
        // was committed before this read, so the read returns it (or it was
        // yielded already). Without it a long replay would fill the old
        // subscription and end in a needless lag.
        self.live = self.live.resubscribe();
        let filter = EventFilter {
            call_id: self.filter.call_id.clone(),
            message_type: self.filter.message_type.clone(),
            after: Some(self.cursor),
            up_to: None,
            limit: REPLAY_PAGE,
        };
        blocking(&self.reader, move |r| r.events(&filter)).await
    }
}

/// Runs a blocking read on the blocking pool.
async fn blocking<T: Send + 'static>(
    reader: &Reader,
    f: impl FnOnce(&Reader) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let reader = Arc::clone(reader);
    tokio::task::spawn_blocking(move || f(&reader))
        .await
        .map_err(|err| StoreError::Backend(err.into()))?
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;
    use crate::ids::DedupKey;
    use crate::store::open::Store;
    use crate::store::sqlite::{self, Sqlite};
    use crate::store::writer::Writer;
    use crate::store::{Durability, NewEvent};

    fn event(key: &str) -> Job {
        Job::Event(NewEvent {
            received_at: 7,
            call_id: Some(CallId::new("c1")),
            message_type: "status-update".to_owned(),
            timestamp: Some(8),
            key: DedupKey::stored(key),
            body: Bytes::from_static(b"{\"message\":{}}"),
            headers: "{}".to_owned(),
            split: None,
        })
    }

    #[test]
    fn stored_events_are_published_once_after_commit_and_duplicates_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite = Sqlite::open(&dir.path().join("f.db"), Durability::Normal).expect("open");
        let feed = Feed::new(16, DEFAULT_MAX_BYTES);
        let mut rx = feed.subscribe();
        let mut writer = Writer::new(sqlite.log().expect("log"), 8).with_feed(feed.clone());
        let (a, b) = (event("a"), event("b"));

        writer.process_batch(&[&a, &a, &b]).expect("commit");
        writer.process_batch(&[&b]).expect("commit");

        let Ok(Live::Delivery(first)) = rx.try_recv() else {
            panic!("seq 1 was not published whole");
        };
        assert_eq!(first.seq, Seq::new(1));
        assert_eq!(first.call_id.as_deref(), Some("c1"));
        assert_eq!(&first.body[..], b"{\"message\":{}}");
        assert!(matches!(rx.try_recv(), Ok(Live::Delivery(e)) if e.seq == Seq::new(2)));
        assert!(rx.try_recv().is_err(), "duplicates were published");
    }

    #[test]
    fn a_batch_that_fails_to_commit_publishes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (log, _holder) = sqlite::locked_out(&dir.path().join("f.db"));
        let feed = Feed::new(16, DEFAULT_MAX_BYTES);
        let mut rx = feed.subscribe();
        let mut writer = Writer::new(log, 8).with_feed(feed);

        assert!(writer.process_batch(&[&event("a")]).is_err());

        assert!(rx.try_recv().is_err(), "an uncommitted event was published");
    }

    fn job(i: usize, call: &str) -> Job {
        Job::Event(NewEvent {
            received_at: 1_750_000_000_000,
            call_id: Some(CallId::new(call)),
            message_type: "status-update".to_owned(),
            timestamp: Some(1_750_314_425_773),
            key: DedupKey::stored(&format!("k{i}")),
            body: Bytes::from(format!(
                r#"{{"message":{{"type":"status-update","n":{i}}}}}"#
            )),
            headers: "{}".to_owned(),
            split: None,
        })
    }

    type LogWriter = Writer<Box<dyn crate::store::backend::LogAppend>>;

    /// A log with a writer publishing on a feed of `capacity`.
    fn log(capacity: usize) -> (tempfile::TempDir, LogWriter, Feed, Reader) {
        log_within(capacity, DEFAULT_MAX_BYTES)
    }

    /// A log with a writer publishing on a feed of `capacity` and `max_bytes`.
    fn log_within(
        capacity: usize,
        max_bytes: usize,
    ) -> (tempfile::TempDir, LogWriter, Feed, Reader) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("s.db"), Durability::Normal).expect("open");
        let feed = Feed::new(capacity, max_bytes);
        let (log, _checkpoints) = store.log_writer().expect("log");
        let writer = Writer::new(log, 8).with_feed(feed.clone());
        (dir, writer, feed, store.reader().expect("reader"))
    }

    fn seq_of(item: &Followed) -> Option<i64> {
        match item {
            Followed::Delivery(event) => Some(event.seq.get()),
            _ => None,
        }
    }

    async fn next_or_nothing(follower: &mut Follower) -> Option<Followed> {
        tokio::time::timeout(Duration::from_millis(50), follower.next())
            .await
            .ok()
            .flatten()
    }

    #[tokio::test]
    async fn a_follower_that_lags_says_so_then_gets_the_gap_from_the_log_without_duplicates() {
        let (_dir, mut writer, feed, reader) = log(2);
        let mut follower = follow(reader, &feed, FollowFilter::default(), None)
            .await
            .expect("follow");
        for i in 1..=10 {
            writer.process_batch(&[&job(i, "c")]).expect("commit");
        }

        let first = follower.next().await.expect("an item");
        assert!(
            matches!(
                first,
                Followed::Lagged {
                    missed: 8,
                    resume_after: Seq::ZERO
                }
            ),
            "{first:?}"
        );
        let mut seqs = Vec::new();
        while let Some(item) = next_or_nothing(&mut follower).await {
            seqs.push(seq_of(&item).expect("a delivery"));
        }
        assert_eq!(seqs, (1..=10).collect::<Vec<_>>());

        // And live again afterwards.
        writer.process_batch(&[&job(11, "c")]).expect("commit");
        let item = next_or_nothing(&mut follower).await.expect("live");
        assert_eq!(seq_of(&item), Some(11));
    }

    #[tokio::test]
    async fn a_resumed_follower_replays_matching_deliveries_in_pages_then_goes_live() {
        let (_dir, mut writer, feed, reader) = log(4);
        let total = REPLAY_PAGE as usize * 2 + 10;
        for chunk in (1..=total).collect::<Vec<_>>().chunks(8) {
            let jobs: Vec<Job> = chunk
                .iter()
                .map(|&i| job(i, if i % 2 == 0 { "even" } else { "odd" }))
                .collect();
            writer
                .process_batch(&jobs.iter().collect::<Vec<_>>())
                .expect("commit");
        }
        let filter = FollowFilter {
            call_id: Some(CallId::new("even")),
            message_type: None,
        };
        let mut follower = follow(reader, &feed, filter, Some(Seq::new(100)))
            .await
            .expect("follow");

        let mut seqs = Vec::new();
        while let Some(item) = next_or_nothing(&mut follower).await {
            seqs.push(seq_of(&item).expect("a delivery, no lag"));
        }
        writer
            .process_batch(&[&job(total + 1, "odd"), &job(total + 2, "even")])
            .expect("commit");
        let live = next_or_nothing(&mut follower).await.expect("live");

        let expected: Vec<i64> = (102..=total as i64).step_by(2).collect();
        assert_eq!(seqs, expected);
        assert_eq!(seq_of(&live), Some(total as i64 + 2));
    }

    #[tokio::test]
    async fn a_resume_point_past_the_end_of_the_log_resumes_from_the_end() {
        let (_dir, mut writer, feed, reader) = log(4);
        writer.process_batch(&[&job(1, "c")]).expect("commit");
        let mut follower = follow(reader, &feed, FollowFilter::default(), Some(Seq::new(50)))
            .await
            .expect("follow");
        assert_eq!(follower.cursor(), Seq::new(1));

        writer.process_batch(&[&job(2, "c")]).expect("commit");

        let item = next_or_nothing(&mut follower).await.expect("the next one");
        assert_eq!(seq_of(&item), Some(2));
    }

    #[tokio::test]
    async fn bodies_past_the_byte_budget_are_elided_and_read_from_the_log_without_a_lag() {
        // Each body is 41-42 bytes: room for two in 100 bytes, whatever
        // the count allows.
        let (_dir, mut writer, feed, reader) = log_within(64, 100);
        let mut rx = feed.subscribe();
        let mut follower = follow(reader, &feed, FollowFilter::default(), None)
            .await
            .expect("follow");
        for i in 1..=6 {
            writer.process_batch(&[&job(i, "c")]).expect("commit");
        }

        let mut whole = 0;
        while let Ok(item) = rx.try_recv() {
            whole += usize::from(matches!(item, Live::Delivery(_)));
        }
        assert_eq!(whole, 2, "the feed held more bytes than its budget");
        let mut seqs = Vec::new();
        while let Some(item) = next_or_nothing(&mut follower).await {
            match item {
                Followed::Delivery(event) => {
                    assert_eq!(
                        event.body,
                        Bytes::from(format!(
                            r#"{{"message":{{"type":"status-update","n":{}}}}}"#,
                            event.seq.get()
                        ))
                    );
                    seqs.push(event.seq.get());
                }
                other => panic!("nothing was missed, yet {other:?}"),
            }
        }
        assert_eq!(seqs, (1..=6).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn dropping_a_follower_drops_its_subscription() {
        let (_dir, _writer, feed, reader) = log(4);
        let follower = follow(reader, &feed, FollowFilter::default(), Some(Seq::ZERO))
            .await
            .expect("follow");
        assert_eq!(feed.subscribers(), 1);
        drop(follower);
        assert_eq!(feed.subscribers(), 0);
    }
}
