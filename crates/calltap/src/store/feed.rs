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
//! This module knows neither SQL nor HTTP.

use std::sync::Arc;

use tokio::sync::broadcast;

use super::writer::{Job, Outcome};
use super::Event;

/// A subscription to the feed. Each item is shared (`Arc`) by every
/// subscriber, so a slow subscriber costs a pointer per retained event.
pub type Subscription = broadcast::Receiver<Arc<Event>>;

/// The sending side of the feed; cheap to clone.
#[derive(Clone, Debug)]
pub struct Feed {
    tx: broadcast::Sender<Arc<Event>>,
}

impl Feed {
    /// A feed that keeps the last `capacity` events for subscribers that
    /// are behind (at least 1).
    pub fn new(capacity: usize) -> Feed {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Feed { tx }
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
            if let (Job::Event(event), Outcome::Stored(seq)) = (job, outcome) {
                // `send` fails only when there is no subscriber left, in
                // which case there is nobody to tell.
                let _ = self.tx.send(Arc::new(Event {
                    seq: *seq,
                    received_at: event.received_at,
                    call_id: event.call_id.clone(),
                    message_type: event.message_type.clone(),
                    timestamp: event.timestamp,
                    key: event.key.clone(),
                    body: event.body.clone(),
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Durability;
    use crate::store::sqlite;
    use crate::store::writer::Writer;
    use crate::store::NewEvent;
    use bytes::Bytes;

    fn event(key: &str) -> Job {
        Job::Event(NewEvent {
            received_at: 7,
            call_id: Some("c1".to_owned()),
            message_type: "status-update".to_owned(),
            timestamp: Some(8),
            key: key.to_owned(),
            body: Bytes::from_static(b"{\"message\":{}}"),
            headers: "{}".to_owned(),
            split: None,
        })
    }

    #[test]
    fn stored_events_are_published_once_after_commit_and_duplicates_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = sqlite::open_writer(&dir.path().join("f.db"), Durability::Normal).expect("open");
        let feed = Feed::new(16);
        let mut rx = feed.subscribe();
        let mut writer = Writer::new(conn, 8).with_feed(feed.clone());
        let (a, b) = (event("a"), event("b"));

        writer.process_batch(&[&a, &a, &b]).expect("commit");
        writer.process_batch(&[&b]).expect("commit");

        let first = rx.try_recv().expect("seq 1 published");
        assert_eq!(first.seq, 1);
        assert_eq!(first.call_id.as_deref(), Some("c1"));
        assert_eq!(&first.body[..], b"{\"message\":{}}");
        assert_eq!(rx.try_recv().expect("seq 2 published").seq, 2);
        assert!(rx.try_recv().is_err(), "duplicates were published");
    }

    #[test]
    fn a_batch_that_fails_to_commit_publishes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (conn, _holder) = crate::store::locked_out(&dir.path().join("f.db"));
        let feed = Feed::new(16);
        let mut rx = feed.subscribe();
        let mut writer = Writer::new(conn, 8).with_feed(feed);

        assert!(writer.process_batch(&[&event("a")]).is_err());

        assert!(rx.try_recv().is_err(), "an uncommitted event was published");
    }
}
