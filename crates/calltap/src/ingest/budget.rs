//! A byte budget on the request bodies ingest holds at once.
//!
//! Why: under a burst of thousands of calls, each posting at once, the
//! resident set was the requests in flight (about 75 KB each: the body
//! read, its queued job, the connection's buffers), not the caches; 10,000
//! of them took a gigabyte. A request must now hold its share of the budget
//! before its body is read, and keeps it until it is answered (so the body
//! read, queued and being committed is counted once). One that cannot get
//! it waits with its body unread, in the kernel's socket buffers rather
//! than in ours; the wait is bounded by the caller, and counted in the
//! expected wait that admission judges.
//!
//! A body with a `Content-Length` takes its length at once; a chunked one
//! takes [`STEP`]s as it grows. The bytes actually read into memory are
//! reported as `calltap_body_bytes_in_flight` (and its peak), so that the
//! bound can be checked from outside.
//!
//! The requests in line are counted, from asking for their share until
//! they are answered (waiting for the share, reading the body, waiting
//! for the commit), and once there are `backed_up_at` of them the budget
//! says it is backed up ([`BodyBudget::backed_up`]): the server then stops
//! serving new connections (`conn`) until the count drops, since a request
//! in line costs its connection's buffers (about 25 KB) besides its body,
//! and a connection not yet served costs a few hundred bytes. Not only
//! those waiting for a share: the default budget (21 MiB) holds about
//! 1,100 bodies of 19 KB (simulated calls' average), each with its served
//! connection. This module knows nothing of HTTP.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use metrics::Gauge;
use parking_lot::Mutex;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// What a chunked body takes at a time, in bytes.
pub const STEP: usize = 16 << 10;

/// The most bytes a single permit request may ask for (tokio counts in u32).
const MAX_ASK: usize = u32::MAX as usize;

#[derive(Debug, Default)]
struct Counted {
    in_flight: usize,
    peak: usize,
}

/// The budget shared by every ingest request.
pub struct BodyBudget {
    bytes: usize,
    permits: Arc<Semaphore>,
    counted: Mutex<Counted>,
    /// `calltap_body_bytes_in_flight` and its peak, looked up once: a
    /// lookup by name hashes the key, and they are set for every frame.
    in_flight_gauge: Gauge,
    peak_gauge: Gauge,
    /// Requests in line now: a [`Held`] alive, holding a share or waiting
    /// for one.
    in_line: AtomicUsize,
    /// How many requests in line make the budget backed up (`usize::MAX`:
    /// never).
    backed_up_at: usize,
    /// Whether `in_line >= backed_up_at`, for [`BodyBudget::backed_up`].
    backed_up: watch::Sender<bool>,
}

impl std::fmt::Debug for BodyBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyBudget")
            .field("bytes", &self.bytes)
            .field("permits", &self.permits)
            .field("counted", &self.counted)
            .field("in_line", &self.in_line)
            .field("backed_up_at", &self.backed_up_at)
            .finish_non_exhaustive()
    }
}

impl BodyBudget {
    /// A budget of `bytes` (at least 1) that is never backed up.
    pub fn new(bytes: usize) -> Arc<BodyBudget> {
        BodyBudget::backed_up_at(bytes, 0)
    }

    /// A budget of `bytes` (at least 1) that is backed up while
    /// `in_line` requests (or more) hold a share or wait for one; 0: never.
    pub fn backed_up_at(bytes: usize, in_line: usize) -> Arc<BodyBudget> {
        let bytes = bytes.clamp(1, Semaphore::MAX_PERMITS);
        Arc::new(BodyBudget {
            bytes,
            permits: Arc::new(Semaphore::new(bytes)),
            counted: Mutex::default(),
            in_flight_gauge: metrics::gauge!("calltap_body_bytes_in_flight"),
            peak_gauge: metrics::gauge!("calltap_body_bytes_in_flight_peak"),
            in_line: AtomicUsize::new(0),
            backed_up_at: if in_line == 0 { usize::MAX } else { in_line },
            backed_up: watch::channel(false).0,
        })
    }

    /// The requests in line now: holding a share or waiting for one.
    pub fn in_line(&self) -> usize {
        self.in_line.load(Ordering::Relaxed)
    }

    /// Whether the budget is backed up (as many requests in line as it was
    /// made with, or more), now and as it changes.
    pub fn backed_up(&self) -> watch::Receiver<bool> {
        self.backed_up.subscribe()
    }

    /// The budget, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The body bytes held in memory now, and the most held at once so far.
    pub fn in_flight(&self) -> (usize, usize) {
        let counted = self.counted.lock();
        (counted.in_flight, counted.peak)
    }

    /// Waits for `bytes` of the budget (at most the whole budget), in
    /// arrival order; the share is given back when the [`Held`] drops.
    pub async fn take(self: &Arc<Self>, bytes: usize) -> Held {
        let mut held = Held::in_line(self);
        held.grow_to(bytes).await;
        held
    }

    /// `bytes` of the budget (at most the whole budget) if they are free
    /// now and no one waits before; `None` otherwise (then [`take`](Self::take)).
    pub fn try_take(self: &Arc<Self>, bytes: usize) -> Option<Held> {
        let want = bytes.min(self.bytes);
        // The permit first: a refusal must not count in line even for a
        // moment, or the count would dip below the threshold and back when
        // the caller goes on to `take`, releasing a parked connection.
        let mut permit = None;
        if want > 0 {
            let ask = u32::try_from(want.min(MAX_ASK)).ok()?;
            permit = Some(Arc::clone(&self.permits).try_acquire_many_owned(ask).ok()?);
        }
        let mut held = Held::in_line(self);
        held.taken = permit.as_ref().map_or(0, |permit| permit.num_permits());
        held.permit = permit;
        Some(held)
    }

    fn count(&self, add: usize, sub: usize) {
        let mut counted = self.counted.lock();
        counted.in_flight = (counted.in_flight + add).saturating_sub(sub);
        counted.peak = counted.peak.max(counted.in_flight);
        self.in_flight_gauge.set(counted.in_flight as f64);
        self.peak_gauge.set(counted.peak as f64);
    }

    /// Counts one more request in line, or one fewer.
    fn move_line(&self, joined: bool) {
        let before = if joined {
            self.in_line.fetch_add(1, Ordering::Relaxed)
        } else {
            self.in_line.fetch_sub(1, Ordering::Relaxed)
        };
        let after = if joined { before + 1 } else { before - 1 };
        if before.max(after) == self.backed_up_at {
            self.publish_backed_up();
        }
    }

    /// Sets [`backed_up`](Self::backed_up) from the count as it is now.
    /// Called by whoever moved the count across `backed_up_at`; it reads
    /// the count under the channel's lock rather than trusting its own
    /// crossing, so that of two crossings racing, the one published last
    /// publishes the count after both.
    fn publish_backed_up(&self) {
        self.backed_up.send_if_modified(|backed_up| {
            let now = self.in_line.load(Ordering::Relaxed) >= self.backed_up_at;
            let changed = *backed_up != now;
            *backed_up = now;
            changed
        });
    }
}

/// One request's share of the [`BodyBudget`].
#[derive(Debug)]
pub struct Held {
    budget: Arc<BodyBudget>,
    permit: Option<OwnedSemaphorePermit>,
    /// Bytes of the budget taken.
    taken: usize,
    /// Bytes counted as read into memory.
    counted: usize,
}

impl Held {
    /// A request joining `budget`'s line, holding nothing yet.
    fn in_line(budget: &Arc<BodyBudget>) -> Held {
        budget.move_line(true);
        Held {
            budget: Arc::clone(budget),
            permit: None,
            taken: 0,
            counted: 0,
        }
    }

    /// Bytes of the budget this share holds.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// Makes sure `bytes` read bytes are covered, waiting for more of the
    /// budget if not (a chunked body growing: at least a [`STEP`] more).
    pub async fn cover(&mut self, bytes: usize) {
        if bytes > self.taken {
            let want = bytes.max(self.taken.saturating_add(STEP));
            self.grow_to(want).await;
        }
    }

    /// Counts `bytes` more as read into memory (covered or not: the count
    /// is what the process holds).
    pub fn read(&mut self, bytes: usize) {
        self.counted += bytes;
        self.budget.count(bytes, 0);
    }

    async fn grow_to(&mut self, bytes: usize) {
        let want = bytes.min(self.budget.bytes);
        if want <= self.taken {
            return;
        }
        let ask = u32::try_from((want - self.taken).min(MAX_ASK)).unwrap_or(u32::MAX);
        let semaphore = Arc::clone(&self.budget.permits);
        // The semaphore is never closed; a closed one would leave the
        // request uncovered rather than stuck.
        let Ok(more) = semaphore.acquire_many_owned(ask).await else {
            return;
        };
        self.taken += ask as usize;
        match &mut self.permit {
            Some(permit) => permit.merge(more),
            None => self.permit = Some(more),
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.counted > 0 {
            self.budget.count(0, self.counted);
        }
        self.budget.move_line(false);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_share_waits_until_the_budget_has_room_and_gives_it_back_on_drop() {
        let budget = BodyBudget::new(100);
        let first = budget.take(80).await;
        assert_eq!(first.taken(), 80);
        let waiting = tokio::time::timeout(Duration::from_millis(50), budget.take(30)).await;
        assert!(waiting.is_err(), "30 bytes past a budget of 100 were given");
        drop(first);
        let second = tokio::time::timeout(Duration::from_secs(5), budget.take(30))
            .await
            .expect("room once the first share dropped");
        assert_eq!(second.taken(), 30);
    }

    #[tokio::test]
    async fn a_share_is_taken_at_once_only_when_it_is_free() {
        let budget = BodyBudget::new(100);
        let first = budget
            .try_take(80)
            .expect("80 bytes of a free budget of 100");
        assert_eq!(first.taken(), 80);
        assert!(
            budget.try_take(30).is_none(),
            "30 bytes past a budget of 100 were given"
        );
        assert_eq!(budget.try_take(0).map(|held| held.taken()), Some(0));
        drop(first);
        let whole = budget.try_take(1_000).expect("the whole budget, once free");
        assert_eq!(whole.taken(), 100);
    }

    #[tokio::test]
    async fn a_share_larger_than_the_budget_takes_all_of_it() {
        let budget = BodyBudget::new(100);
        let held = budget.take(1_000).await;
        assert_eq!(held.taken(), 100);
    }

    #[tokio::test]
    async fn a_growing_body_takes_steps_and_the_bytes_read_are_counted_until_the_drop() {
        let budget = BodyBudget::new(1 << 20);
        let mut held = budget.take(0).await;
        assert_eq!(held.taken(), 0);
        held.cover(10).await;
        assert_eq!(held.taken(), STEP);
        held.read(10);
        held.cover(STEP + 1).await;
        assert_eq!(held.taken(), 2 * STEP);
        held.read(STEP - 9);
        assert_eq!(budget.in_flight(), (STEP + 1, STEP + 1));
        drop(held);
        assert_eq!(budget.in_flight(), (0, STEP + 1));
    }

    #[tokio::test]
    async fn requests_in_line_are_counted_until_answered_and_make_the_budget_backed_up_at_its_threshold(
    ) {
        let budget = BodyBudget::backed_up_at(100, 3);
        let backed_up = budget.backed_up();
        let first = budget.take(60).await;
        let second = budget.try_take(40).expect("40 bytes free");
        assert_eq!(budget.in_line(), 2, "shares held are in line");
        assert!(
            !*backed_up.borrow(),
            "two in line of three made it backed up"
        );

        let third = tokio::spawn({
            let budget = Arc::clone(&budget);
            async move { budget.take(10).await.taken() }
        });
        wait_until(|| budget.in_line() == 3).await;
        assert!(*backed_up.borrow(), "three in line of three did not");

        drop(first);
        assert_eq!(third.await.expect("third"), 10);
        assert_eq!(budget.in_line(), 1, "an answered request is still in line");
        assert!(!*backed_up.borrow(), "still backed up with one in line");
        drop(second);
        assert_eq!(budget.in_line(), 0);
    }

    #[tokio::test]
    async fn a_wait_given_up_and_a_share_refused_are_uncounted() {
        let budget = BodyBudget::backed_up_at(100, 2);
        let backed_up = budget.backed_up();
        let whole = budget.take(100).await;
        assert!(
            budget.try_take(10).is_none(),
            "a share past the budget was given"
        );
        assert_eq!(budget.in_line(), 1, "a refused share stayed in line");
        let given_up = tokio::time::timeout(Duration::from_millis(20), budget.take(10)).await;
        assert!(given_up.is_err(), "a share past the budget was given");
        assert_eq!(budget.in_line(), 1, "a wait given up stayed in line");
        assert!(!*backed_up.borrow());

        // A chunked body waiting to grow stays in line as one request.
        let mut growing = budget.take(0).await;
        assert_eq!(budget.in_line(), 2);
        assert!(*backed_up.borrow());
        let grow = tokio::time::timeout(Duration::from_millis(20), growing.cover(10)).await;
        assert!(grow.is_err(), "a step past the budget was given");
        drop(growing);
        drop(whole);
        assert_eq!(budget.in_line(), 0);
        assert!(!*backed_up.borrow());
    }

    #[tokio::test]
    async fn a_budget_made_with_no_threshold_is_never_backed_up() {
        let budget = BodyBudget::new(100);
        let backed_up = budget.backed_up();
        let held: Vec<_> = (0..3).filter_map(|_| budget.try_take(10)).collect();
        assert_eq!(budget.in_line(), 3);
        assert!(!*backed_up.borrow());
        drop(held);
    }

    /// Yields until `done` holds (the waits under test are spawned tasks).
    async fn wait_until(done: impl Fn() -> bool) {
        for _ in 0..1_000 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("never happened");
    }
}
