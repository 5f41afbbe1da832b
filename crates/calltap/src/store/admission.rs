//! Admission to the writer's queue by expected wait, not by a count.
//!
//! Why: Vapi waits up to 20 s for an answer and, by default, never retries
//! a 503, so every refused delivery is an event lost. A fixed queue of N
//! jobs refused bursts that would each have waited well under a second.
//! The question that matters is "will this delivery be committed within
//! its sender's patience?", so a delivery is admitted while the bytes
//! queued ahead of it (itself included), over the writer's measured commit
//! rate, stay under a wait budget, and while the queued bytes stay under a
//! memory budget. Only beyond that does ingest answer 503.
//!
//! The rate is the writer's throughput in body bytes per second, measured
//! only over full batches (as many jobs as a batch takes): a small batch
//! pays a whole fsync for few bytes and would make the writer look far
//! slower than it is under load. (A first version learnt from any batch
//! with jobs waiting behind it; on a loaded machine a one-job batch whose
//! fsync took half a second put the expected wait at minutes, and a burst
//! of 500 calls got 102 needless 503s.) Until a full batch has been seen,
//! nothing is known of the rate and only the memory budget applies; and a
//! queue shorter than one batch is always admitted within it, since the
//! next batch takes all of it.
//!
//! The expected wait also counts what the delivery has waited already
//! before its body was read (its share of ingest's body budget,
//! `ingest::budget`): the sender's timeout runs from when it sent.
//!
//! [`admit`] is the rule, a pure function; [`Admission`] is the shared
//! state that ingest asks and the writer updates. This module knows
//! neither SQL nor HTTP.

use std::time::Duration;

use parking_lot::Mutex;

/// The limits a delivery is admitted within.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdmissionRule {
    /// The longest expected wait for the commit (default 15 s: see
    /// [`DEFAULT_MAX_WAIT`]).
    pub max_wait: Duration,
    /// The most body bytes queued for the writer at once (default 64 MiB).
    pub max_bytes: usize,
    /// The writer's largest batch: a queue shorter than this is taken by
    /// the next batch, whatever the rate.
    pub one_batch: usize,
}

/// Default for [`AdmissionRule::max_wait`]: 15 s, three quarters of Vapi's
/// 20 s timeout. Vapi does not retry a 503 by default, so a delivery that
/// would be answered within its timeout is worth the wait; the other 5 s
/// are the margin for a slow batch and the way back. (It was 5 s: a burst
/// of 10,000 calls then got 103,230 needless 503s at an expected 5.2 s.)
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(15);
/// Default for [`AdmissionRule::max_bytes`].
pub const DEFAULT_MAX_BYTES: usize = 64 << 20;

/// What is waiting for the writer (queued or in the batch being committed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Queued {
    /// Jobs waiting.
    pub jobs: usize,
    /// Their body bytes.
    pub bytes: usize,
}

/// Why a job was refused.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum Refused {
    /// The queued bytes would pass the memory budget.
    #[error("{queued} bytes are queued for the writer (budget {max})")]
    Memory {
        /// Bytes queued, this job included.
        queued: usize,
        /// The budget.
        max: usize,
    },
    /// The expected wait would pass the wait budget.
    #[error("the expected wait for a commit is {expected:?} (budget {max:?})")]
    Wait {
        /// The wait this job would have.
        expected: Duration,
        /// The budget.
        max: Duration,
    },
}

/// Whether a job of `incoming` bytes, whose sender has `waited` already,
/// may join `queued`, given the writer's commit rate over full batches in
/// bytes per second (`None`: not measured yet).
pub fn admit(
    rule: &AdmissionRule,
    queued: Queued,
    incoming: usize,
    rate: Option<f64>,
    waited: Duration,
) -> Result<(), Refused> {
    let bytes = queued.bytes.saturating_add(incoming);
    // One job alone is always admitted: the body limit bounds it.
    if queued.jobs > 0 && bytes > rule.max_bytes {
        return Err(Refused::Memory {
            queued: bytes,
            max: rule.max_bytes,
        });
    }
    if queued.jobs < rule.one_batch {
        return Ok(());
    }
    let Some(rate) = rate.filter(|r| r.is_finite() && *r > 0.0) else {
        return Ok(());
    };
    let expected = Duration::try_from_secs_f64(bytes as f64 / rate)
        .unwrap_or(Duration::MAX)
        .saturating_add(waited);
    if expected > rule.max_wait {
        return Err(Refused::Wait {
            expected,
            max: rule.max_wait,
        });
    }
    Ok(())
}

/// How much each new saturated batch moves the rate estimate.
const RATE_WEIGHT: f64 = 0.25;

/// The next rate estimate after a full batch of `bytes` committed in
/// `took`: an exponentially weighted mean, so one slow fsync does not
/// close the door and a burst's growing batches are felt within a few.
pub fn next_rate(previous: Option<f64>, bytes: usize, took: Duration) -> Option<f64> {
    let secs = took.as_secs_f64();
    if secs <= 0.0 || bytes == 0 {
        return previous;
    }
    let sample = bytes as f64 / secs;
    Some(match previous {
        Some(rate) => rate + RATE_WEIGHT * (sample - rate),
        None => sample,
    })
}

#[derive(Debug, Default)]
struct State {
    queued: Queued,
    rate: Option<f64>,
}

/// The queue's admission state, shared by ingest (which asks) and the
/// writer (which releases what it committed and measures the rate).
#[derive(Debug)]
pub struct Admission {
    rule: AdmissionRule,
    state: Mutex<State>,
}

impl Admission {
    /// An empty queue admitting by `rule`.
    pub fn new(rule: AdmissionRule) -> Admission {
        Admission {
            rule,
            state: Mutex::default(),
        }
    }

    /// The rule.
    pub fn rule(&self) -> &AdmissionRule {
        &self.rule
    }

    /// Counts a job of `bytes`, whose sender has `waited` already, as
    /// queued if [`admit`] lets it in.
    pub fn try_reserve(&self, bytes: usize, waited: Duration) -> Result<(), Refused> {
        let mut state = self.state.lock();
        admit(&self.rule, state.queued, bytes, state.rate, waited)?;
        state.queued.jobs += 1;
        state.queued.bytes = state.queued.bytes.saturating_add(bytes);
        let queued = state.queued;
        drop(state);
        metrics::gauge!("calltap_queue_depth").set(queued.jobs as f64);
        metrics::gauge!("calltap_queue_bytes").set(queued.bytes as f64);
        Ok(())
    }

    /// Uncounts a job reserved but never queued.
    pub fn cancel(&self, bytes: usize) {
        self.release(1, bytes, None);
    }

    /// Uncounts a batch of `jobs` and `bytes` that the writer has finished
    /// (committed or failed); `took` is its commit time when it committed.
    /// The rate learns from it only if it was a full batch.
    pub fn release(&self, jobs: usize, bytes: usize, took: Option<Duration>) {
        let mut state = self.state.lock();
        state.queued.jobs = state.queued.jobs.saturating_sub(jobs);
        state.queued.bytes = state.queued.bytes.saturating_sub(bytes);
        if let Some(took) = took.filter(|_| jobs >= self.rule.one_batch) {
            state.rate = next_rate(state.rate, bytes, took);
        }
        let (queued, rate) = (state.queued, state.rate);
        drop(state);
        metrics::gauge!("calltap_queue_depth").set(queued.jobs as f64);
        metrics::gauge!("calltap_queue_bytes").set(queued.bytes as f64);
        if let Some(rate) = rate {
            metrics::gauge!("calltap_commit_rate_bytes").set(rate);
        }
    }

    /// What is queued now.
    pub fn queued(&self) -> Queued {
        self.state.lock().queued
    }

    /// The commit rate measured over full batches, bytes per second.
    pub fn rate(&self) -> Option<f64> {
        self.state.lock().rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: AdmissionRule = AdmissionRule {
        max_wait: Duration::from_secs(5),
        max_bytes: 1_000_000,
        one_batch: 4,
    };

    fn queued(jobs: usize, bytes: usize) -> Queued {
        Queued { jobs, bytes }
    }

    #[test]
    fn an_empty_queue_admits_anything_even_past_the_memory_budget() {
        assert_eq!(
            admit(
                &RULE,
                Queued::default(),
                5_000_000,
                Some(1.0),
                Duration::ZERO
            ),
            Ok(())
        );
    }

    #[test]
    fn the_memory_budget_bounds_the_queued_bytes() {
        assert_eq!(
            admit(&RULE, queued(1, 999_000), 1_000, None, Duration::ZERO),
            Ok(())
        );
        assert_eq!(
            admit(&RULE, queued(1, 999_000), 1_001, None, Duration::ZERO),
            Err(Refused::Memory {
                queued: 1_000_001,
                max: 1_000_000
            })
        );
    }

    #[test]
    fn a_long_queue_is_admitted_while_its_expected_wait_is_within_budget() {
        // 100 kB/s: 500 kB is 5 s, just within; a byte more is not.
        let rate = Some(100_000.0);
        assert_eq!(
            admit(&RULE, queued(10, 499_000), 1_000, rate, Duration::ZERO),
            Ok(())
        );
        let refused = admit(&RULE, queued(10, 499_000), 1_001, rate, Duration::ZERO);
        assert!(
            matches!(refused, Err(Refused::Wait { expected, max }) if expected > max),
            "{refused:?}"
        );
    }

    #[test]
    fn a_queue_shorter_than_one_batch_waits_for_one_commit_whatever_the_rate() {
        assert_eq!(
            admit(&RULE, queued(3, 900_000), 1_000, Some(1.0), Duration::ZERO),
            Ok(())
        );
        assert!(admit(&RULE, queued(4, 900_000), 1_000, Some(1.0), Duration::ZERO).is_err());
    }

    #[test]
    fn an_unmeasured_rate_leaves_only_the_memory_budget() {
        assert_eq!(
            admit(&RULE, queued(1_000, 900_000), 1_000, None, Duration::ZERO),
            Ok(())
        );
        assert_eq!(
            admit(
                &RULE,
                queued(1_000, 900_000),
                1_000,
                Some(f64::NAN),
                Duration::ZERO
            ),
            Ok(())
        );
    }

    #[test]
    fn a_burst_larger_than_the_old_fixed_queue_is_admitted_at_a_real_rate() {
        // 3,000 deliveries of 10 kB at 20 MB/s: 1.5 s of waiting at most.
        let rule = AdmissionRule {
            max_bytes: 64 << 20,
            one_batch: 256,
            ..RULE
        };
        for jobs in 0..3_000 {
            let ahead = queued(jobs, jobs * 10_000);
            assert_eq!(
                admit(&rule, ahead, 10_000, Some(20e6), Duration::ZERO),
                Ok(()),
                "{jobs}"
            );
        }
    }

    #[test]
    fn the_time_waited_before_the_body_was_read_counts_in_the_expected_wait() {
        // 100 kB/s: 300 kB is 3 s; after 2 s of waiting for the body budget
        // that is 5 s, just within; after 2.1 s it is not.
        let rate = Some(100_000.0);
        let ahead = queued(10, 299_000);
        let waited = Duration::from_secs(2);
        assert_eq!(admit(&RULE, ahead, 1_000, rate, waited), Ok(()));
        let refused = admit(&RULE, ahead, 1_000, rate, Duration::from_millis(2_100));
        assert!(
            matches!(refused, Err(Refused::Wait { expected, .. }) if expected > Duration::from_secs(5)),
            "{refused:?}"
        );
    }

    #[test]
    fn the_rate_is_a_weighted_mean_of_full_batches() {
        let first = next_rate(None, 1_000, Duration::from_millis(10));
        assert_eq!(first, Some(100_000.0));
        let second = next_rate(first, 3_000, Duration::from_millis(10));
        assert_eq!(second, Some(150_000.0));
        assert_eq!(next_rate(second, 0, Duration::from_millis(10)), second);
        assert_eq!(next_rate(second, 10, Duration::ZERO), second);
    }

    #[test]
    fn the_state_counts_reservations_and_learns_only_from_full_batches() {
        let admission = Admission::new(RULE);
        admission
            .try_reserve(100, Duration::ZERO)
            .expect("admitted");
        admission
            .try_reserve(200, Duration::ZERO)
            .expect("admitted");
        assert_eq!(admission.queued(), queued(2, 300));
        // A slow batch of two, short of the four a batch takes: its fsync
        // says nothing of the writer's throughput.
        admission.release(2, 300, Some(Duration::from_millis(500)));
        assert_eq!(admission.queued(), Queued::default());
        assert_eq!(admission.rate(), None);
        // A full one does.
        for _ in 0..5 {
            admission
                .try_reserve(1_000, Duration::ZERO)
                .expect("admitted");
        }
        admission.release(4, 4_000, Some(Duration::from_millis(4)));
        assert_eq!(admission.rate(), Some(1_000_000.0));
        assert_eq!(admission.queued(), queued(1, 1_000));
        // A failed batch teaches nothing either.
        for _ in 0..4 {
            admission
                .try_reserve(1_000, Duration::ZERO)
                .expect("admitted");
        }
        admission.release(4, 4_000, None);
        assert_eq!(admission.rate(), Some(1_000_000.0));
        admission.cancel(1_000);
        assert_eq!(admission.queued(), Queued::default());
    }
}
