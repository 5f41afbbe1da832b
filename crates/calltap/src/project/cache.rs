//! The projector's cache of call states, bounded by bytes, in two tiers:
//! hot states ready to fold into, and frozen ones, serialised and packed,
//! thawed when their call is touched again.
//!
//! Why bytes and not a count: a call's state grows with its events (its
//! history, its speech and status facts), so a count of calls bounds
//! nothing; with thousands of live calls a fixed count of states was the
//! largest part of the resident set. A hot state is weighed by what it
//! holds on the heap ([`CallState::heap_bytes`]), refreshed whenever the
//! projector writes the call's row; a frozen one by its bytes.
//!
//! Why two tiers: with thousands of live calls, each projector step
//! touches a few of them, and a state that had been dropped was rebuilt by
//! re-reading and re-folding the call's whole log, O(the call) per miss
//! (26% of the server's CPU with 10,000 paced calls, commit `af45048`). A frozen state (postcard, then LZ4) takes several times
//! less memory than a hot one and thaws to exactly the same state, so
//! the same budget keeps several times more calls and a miss of the hot
//! tier costs a thaw, not a reload. Only a call dropped from the frozen
//! tier as well is reloaded from the log.
//!
//! Eviction scans for the oldest entries, which is O(n), so it runs once per
//! batch: the hot tier is frozen down to 7/8 of its share, then the
//! frozen tier dropped until both fit in 7/8 of the budget. A scan per
//! batch, not per event.
//!
//! The calls of the latest step ([`CallCache::begin_step`]) are never
//! frozen: they were all hot at once during the step anyway, and a few
//! calls touched in every step (a handful of long calls under a steady
//! load) would otherwise be frozen and thawed at every step, each time
//! O(the call): that doubled the projector's CPU under wrk's 20 calls.
//!
//! A hot state not touched in the last [`IDLE_STEPS`] steps is frozen even
//! when the hot tier has room, so that the frozen tier gets the room: with
//! thousands of live calls each touched once in many steps (a paced
//! sender plays them round and round), a hot tier kept full held a few
//! hundred calls that would be frozen before their next touch anyway,
//! while the frozen tier, short of the room they took, dropped the very
//! calls touched next. A least-recently-used cache smaller than the calls
//! touched round and round misses every time: each miss was a reload of
//! the call's whole log (351,028 with 10,000 live calls, commit
//! `891786c`), so the share is sized for every live call frozen.

use std::collections::{HashMap, VecDeque};
use std::mem::size_of;

use crate::calls::{CallEvent, CallState};
use crate::ids::{CallId, Seq};

/// The default byte budget of the cache: its share of the default memory
/// budget ([`crate::memory`]).
pub const DEFAULT_BYTES: usize =
    crate::memory::Shares::of(crate::memory::DEFAULT_BYTES).projector_cache;

/// The part of the budget hot states may hold, in sixteenths: the rest is
/// for frozen ones. Five sixteenths of the default 42 MiB share (13 MiB):
/// under a steady load on a few long calls (wrk's 20), a hot tier of 4 MiB
/// froze and thawed states at nearly every step and doubled the
/// projector's CPU, and 12 MiB did not; the rest keeps about 10,000 live
/// calls frozen (~3 KB each).
const HOT_SIXTEENTHS: usize = 5;

/// Steps a hot state may go untouched before it is frozen, whatever room
/// the hot tier has. A few: a call of a steady load on a few calls is
/// touched in nearly every step (each holds up to a batch of events), and
/// one touched less often pays a thaw (tens of microseconds) per touch.
pub const IDLE_STEPS: usize = 4;

/// What a hot entry costs beside its state's heap: its key, its slot in
/// the map (the state itself is in the slot) and the map's control bytes.
const HOT_ENTRY_BYTES: usize = size_of::<CallId>() + size_of::<CachedCall>() + 16;

/// What a frozen entry costs beside its packed bytes: its key, its slot in
/// the map, the control bytes and the packed bytes' allocation.
const FROZEN_ENTRY_BYTES: usize = size_of::<CallId>() + size_of::<Frozen>() + 32;

/// One call's state and the highest seq folded into it.
#[derive(Debug)]
pub struct CachedCall {
    state: CallState,
    last_seq: Seq,
    used: u64,
    bytes: usize,
}

impl CachedCall {
    /// Folds an event in.
    pub fn apply(&mut self, event: CallEvent) {
        self.last_seq = self.last_seq.max(event.seq);
        self.state.apply(event);
    }

    /// The state.
    pub fn state(&self) -> &CallState {
        &self.state
    }

    /// The highest seq folded in.
    pub fn last_seq(&self) -> Seq {
        self.last_seq
    }
}

/// A call's state frozen: serialised with postcard and packed with LZ4.
#[derive(Debug)]
struct Frozen {
    packed: Box<[u8]>,
    last_seq: Seq,
    used: u64,
}

impl Frozen {
    /// What it holds: its packed bytes and its entry.
    fn bytes(&self) -> usize {
        FROZEN_ENTRY_BYTES + self.packed.len()
    }
}

/// Why a state could not be frozen or thawed (a bug: the cache then drops
/// it, and the call is reloaded from the log).
#[derive(Debug, thiserror::Error)]
enum FrozenError {
    #[error("serialising the state failed")]
    Serialise(#[source] postcard::Error),
    #[error("unpacking the state failed")]
    Unpack(#[source] lz4_flex::block::DecompressError),
    #[error("deserialising the state failed")]
    Deserialise(#[source] postcard::Error),
}

/// Freezes a state: postcard, then LZ4.
fn freeze(state: &CallState) -> Result<Box<[u8]>, FrozenError> {
    let plain = postcard::to_allocvec(state).map_err(FrozenError::Serialise)?;
    Ok(lz4_flex::compress_prepend_size(&plain).into_boxed_slice())
}

/// Thaws a frozen state back to exactly the state frozen.
fn thaw(packed: &[u8]) -> Result<CallState, FrozenError> {
    let plain = lz4_flex::decompress_size_prepended(packed).map_err(FrozenError::Unpack)?;
    postcard::from_bytes(&plain).map_err(FrozenError::Deserialise)
}

/// A hot state's weight: its heap and its entry.
fn weigh(state: &CallState) -> usize {
    HOT_ENTRY_BYTES + state.heap_bytes()
}

/// Call states by id, hot or frozen, at most `max_bytes` of them after
/// each [`CallCache::evict`].
#[derive(Debug)]
pub struct CallCache {
    max_bytes: usize,
    hot_max_bytes: usize,
    hot_bytes: usize,
    frozen_bytes: usize,
    tick: u64,
    /// The first tick of the step under way, if one was begun: hot calls
    /// used since stay hot.
    step_start: Option<u64>,
    /// The first ticks of the last [`IDLE_STEPS`] steps, oldest first: hot
    /// calls not used since the oldest are frozen.
    recent_steps: VecDeque<u64>,
    hot: HashMap<CallId, CachedCall>,
    frozen: HashMap<CallId, Frozen>,
}

impl CallCache {
    /// An empty cache of `max_bytes` (it keeps at least one call hot,
    /// whatever its size).
    pub fn new(max_bytes: usize) -> Self {
        CallCache {
            max_bytes,
            hot_max_bytes: max_bytes / 16 * HOT_SIXTEENTHS,
            hot_bytes: 0,
            frozen_bytes: 0,
            tick: 0,
            step_start: None,
            recent_steps: VecDeque::with_capacity(IDLE_STEPS),
            hot: HashMap::new(),
            frozen: HashMap::new(),
        }
    }

    /// How many calls are cached, hot or frozen.
    pub fn len(&self) -> usize {
        self.hot.len() + self.frozen.len()
    }

    /// How many calls are frozen.
    pub fn frozen_len(&self) -> usize {
        self.frozen.len()
    }

    /// The bytes cached, hot and frozen.
    pub fn bytes(&self) -> usize {
        self.hot_bytes + self.frozen_bytes
    }

    /// The bytes of frozen states.
    pub fn frozen_bytes(&self) -> usize {
        self.frozen_bytes
    }

    /// Whether `id` is cached, hot or frozen.
    #[cfg(test)]
    pub fn contains(&self, id: &str) -> bool {
        self.hot.contains_key(id) || self.frozen.contains_key(id)
    }

    /// Whether `id`'s state is hot, after thawing it if it was frozen.
    /// `false` when it is not cached (or its frozen state would not thaw,
    /// which is logged): the caller reloads it from the log.
    pub fn warm(&mut self, id: &CallId) -> bool {
        if self.hot.contains_key(id.as_str()) {
            return true;
        }
        let Some(frozen) = self.frozen.remove(id.as_str()) else {
            return false;
        };
        self.frozen_bytes -= frozen.bytes();
        match thaw(&frozen.packed) {
            Ok(state) => {
                metrics::counter!("calltap_projection_cache_thawed_total").increment(1);
                self.insert(id, state, frozen.last_seq);
                true
            }
            Err(err) => {
                tracing::error!(call = %id, error = %err, cause = ?std::error::Error::source(&err), "a frozen call state did not thaw; reloading it from the log");
                false
            }
        }
    }

    /// Adds a hot state (loaded from the log, or thawed), with the seqs
    /// it holds.
    pub fn insert(&mut self, id: &CallId, state: CallState, last_seq: Seq) {
        self.tick += 1;
        if let Some(frozen) = self.frozen.remove(id.as_str()) {
            self.frozen_bytes -= frozen.bytes();
        }
        let bytes = weigh(&state);
        self.hot_bytes += bytes;
        let old = self.hot.insert(
            id.clone(),
            CachedCall {
                state,
                last_seq,
                used: self.tick,
                bytes,
            },
        );
        if let Some(old) = old {
            self.hot_bytes -= old.bytes;
        }
    }

    /// Weighs a hot call again, once events were folded into it.
    pub fn reweigh(&mut self, id: &str) {
        if let Some(call) = self.hot.get_mut(id) {
            let bytes = weigh(&call.state);
            self.hot_bytes = self.hot_bytes - call.bytes + bytes;
            call.bytes = bytes;
        }
    }

    /// Marks the start of a projector step: the calls it touches stay hot
    /// at its [`CallCache::evict`], even past the hot share.
    pub fn begin_step(&mut self) {
        let start = self.tick + 1;
        self.step_start = Some(start);
        if self.recent_steps.len() == IDLE_STEPS {
            self.recent_steps.pop_front();
        }
        self.recent_steps.push_back(start);
    }

    /// The tick before which a hot call has been idle for [`IDLE_STEPS`]
    /// steps (0, none, until that many steps were begun).
    fn idle_before(&self) -> u64 {
        match self.recent_steps.front() {
            Some(&oldest) if self.recent_steps.len() == IDLE_STEPS => oldest,
            _ => 0,
        }
    }

    /// The hot call, marked as used.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut CachedCall> {
        self.tick += 1;
        let tick = self.tick;
        let call = self.hot.get_mut(id)?;
        call.used = tick;
        Some(call)
    }

    /// The hot call.
    pub fn get(&self, id: &str) -> Option<&CachedCall> {
        self.hot.get(id)
    }

    /// Brings the cache within its budget: freezes the hot states idle for
    /// [`IDLE_STEPS`] steps, and the least recently used ones down to 7/8
    /// of their share (the most recently used one and those of the step
    /// begun last stay hot), then, when hot and frozen together are over
    /// the budget, drops the least recently used frozen states down to 7/8
    /// of it.
    pub fn evict(&mut self) {
        let idle_before = self.idle_before();
        if (self.hot_bytes > self.hot_max_bytes || self.hot.values().any(|c| c.used < idle_before))
            && self.hot.len() > 1
        {
            self.freeze_oldest(idle_before);
        }
        if self.bytes() > self.max_bytes && !self.frozen.is_empty() {
            self.drop_oldest_frozen();
        }
    }

    /// Freezes the least recently used hot states, keeping the newest ones
    /// whose weights fit in 7/8 of the hot share (at least one, and those
    /// of the latest step) that were used since `idle_before`.
    fn freeze_oldest(&mut self, idle_before: u64) {
        let cutoff = newest_within(
            self.hot.values().map(|c| (c.used, c.bytes)),
            self.hot_max_bytes - self.hot_max_bytes / 8,
        );
        let cutoff = self.step_start.map_or(cutoff, |start| cutoff.min(start));
        // Never past the newest call: one call stays hot whatever else.
        let newest = self.hot.values().map(|c| c.used).max().unwrap_or(0);
        let cutoff = cutoff.max(idle_before.min(newest));
        let old: Vec<CallId> = self
            .hot
            .iter()
            .filter(|(_, c)| c.used < cutoff)
            .map(|(id, _)| id.clone())
            .collect();
        for id in old {
            let Some(call) = self.hot.remove(id.as_str()) else {
                continue;
            };
            self.hot_bytes -= call.bytes;
            match freeze(&call.state) {
                Ok(packed) => {
                    let frozen = Frozen {
                        packed,
                        last_seq: call.last_seq,
                        used: call.used,
                    };
                    self.frozen_bytes += frozen.bytes();
                    self.frozen.insert(id, frozen);
                }
                Err(err) => {
                    tracing::error!(call = %id, error = %err, cause = ?std::error::Error::source(&err), "a call state could not be frozen; it will be reloaded from the log");
                }
            }
        }
        metrics::counter!("calltap_projection_cache_evictions_total").increment(1);
    }

    /// Drops the least recently used frozen states until hot and frozen
    /// together fit in 7/8 of the budget.
    fn drop_oldest_frozen(&mut self) {
        let room = (self.max_bytes - self.max_bytes / 8).saturating_sub(self.hot_bytes);
        let cutoff = newest_within(self.frozen.values().map(|f| (f.used, f.bytes())), room);
        // `newest_within` keeps one entry whatever its size; a frozen one
        // need not stay, so drop it too when it alone is over the room.
        let kept: usize = self
            .frozen
            .values()
            .filter(|f| f.used >= cutoff)
            .map(Frozen::bytes)
            .sum();
        let cutoff = if kept > room { u64::MAX } else { cutoff };
        self.frozen.retain(|_, f| f.used >= cutoff);
        self.frozen_bytes = self.frozen.values().map(Frozen::bytes).sum();
        metrics::counter!("calltap_projection_cache_drops_total").increment(1);
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        self.hot.clear();
        self.frozen.clear();
        self.hot_bytes = 0;
        self.frozen_bytes = 0;
        self.recent_steps.clear();
        self.step_start = None;
    }
}

/// The `used` tick from which entries stay: the newest entries whose
/// weights add up to at most `room`, and at least the newest one.
fn newest_within(entries: impl Iterator<Item = (u64, usize)>, room: usize) -> u64 {
    let mut by_use: Vec<(u64, usize)> = entries.collect();
    by_use.sort_unstable_by_key(|b| std::cmp::Reverse(b.0));
    let mut kept = 0usize;
    let mut cutoff = u64::MAX;
    for (i, (used, bytes)) in by_use.iter().enumerate() {
        if i > 0 && kept + bytes > room {
            break;
        }
        kept += bytes;
        cutoff = *used;
    }
    cutoff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{EventKind, HistoryMessage};

    /// A call state of `turns` conversation-updates, each with a history
    /// one longer than the last, and a status.
    fn state_of(id: &str, turns: usize) -> CallState {
        let mut state = CallState::new(CallId::new(id));
        for turn in 1..=turns {
            let messages = (0..turn)
                .map(|i| HistoryMessage {
                    role: if i % 2 == 0 { "user" } else { "bot" }.to_owned(),
                    text: Some(format!("turn {i} of call {id}, said at some length")),
                    at_ms: Some(i as i64 * 1000),
                    ..HistoryMessage::default()
                })
                .collect();
            state.apply(CallEvent {
                seq: Seq::new(turn as i64),
                at_ms: turn as i64 * 1000,
                call: None,
                kind: EventKind::Conversation { messages },
            });
        }
        state.apply(CallEvent {
            seq: Seq::new(turns as i64 + 1),
            at_ms: 0,
            call: None,
            kind: EventKind::Status {
                status: "in-progress".to_owned(),
                ended_reason: None,
                destination: None,
            },
        });
        state
    }

    fn cache_with(max_bytes: usize, calls: &[(&str, usize)]) -> CallCache {
        let mut cache = CallCache::new(max_bytes);
        for (id, turns) in calls {
            let id = CallId::new(id);
            cache.insert(&id, state_of(&id, *turns), Seq::ZERO);
        }
        cache
    }

    #[test]
    fn a_frozen_state_thaws_to_the_same_state_in_fewer_bytes() {
        let state = state_of("a", 20);

        let packed = freeze(&state).expect("freezes");
        let thawed = thaw(&packed).expect("thaws");

        assert_eq!(thawed, state);
        assert!(
            packed.len() * 3 < state.heap_bytes(),
            "{} packed for {} on the heap",
            packed.len(),
            state.heap_bytes()
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any state, of events in any order with redeliveries, thaws to
        /// itself.
        #[test]
        fn any_state_thaws_to_the_state_frozen(
            (events, delivered) in crate::calls::tests::props::delivery()
        ) {
            for state in [
                CallState::from_events(CallId::new("c"), &events),
                CallState::from_events(CallId::new("c"), &delivered),
            ] {
                let packed = freeze(&state).expect("freezes");
                proptest::prop_assert_eq!(thaw(&packed).expect("thaws"), state);
            }
        }
    }

    #[test]
    fn hot_states_over_their_share_are_frozen_and_thawed_when_touched() {
        let one = weigh(&state_of("x", 10));
        // Room for two hot states (of four sixteenths), and all frozen ones.
        let mut cache = cache_with(
            one * 16 / HOT_SIXTEENTHS * 2 + one,
            &[("a", 10), ("b", 10), ("c", 10), ("d", 10)],
        );
        let before = state_of("a", 10);

        cache.evict();

        assert_eq!(cache.len(), 4, "nothing dropped");
        assert!(cache.frozen_len() >= 2, "{}", cache.frozen_len());
        assert!(cache.get("d").is_some(), "the newest stays hot");
        assert!(cache.get("a").is_none(), "the oldest is frozen");
        assert!(cache.warm(&CallId::new("a")));
        assert_eq!(cache.get("a").map(CachedCall::state), Some(&before));
        assert!(!cache.warm(&CallId::new("never seen")));
    }

    #[test]
    fn the_calls_of_the_latest_step_stay_hot_past_the_hot_share() {
        let one = weigh(&state_of("x", 10));
        // Room for one hot state.
        let mut cache = cache_with(one * 16 / HOT_SIXTEENTHS + 16, &[]);
        let (a, b, c) = (CallId::new("a"), CallId::new("b"), CallId::new("c"));

        cache.begin_step();
        cache.insert(&a, state_of("a", 10), Seq::ZERO);
        cache.insert(&b, state_of("b", 10), Seq::ZERO);
        cache.evict();
        assert!(cache.get("a").is_some() && cache.get("b").is_some());
        assert_eq!(cache.frozen_len(), 0, "both were touched in the step");

        cache.begin_step();
        assert!(cache.get_mut("b").is_some());
        cache.insert(&c, state_of("c", 10), Seq::ZERO);
        cache.evict();
        assert!(cache.get("a").is_none(), "not touched in this step");
        assert!(cache.get("b").is_some() && cache.get("c").is_some());
    }

    #[test]
    fn a_call_idle_for_some_steps_is_frozen_though_the_hot_tier_has_room() {
        let mut cache = CallCache::new(64 << 20);
        let (old, busy) = (CallId::new("old"), CallId::new("busy"));
        cache.begin_step();
        cache.insert(&old, state_of("old", 10), Seq::ZERO);
        cache.insert(&busy, state_of("busy", 10), Seq::ZERO);
        cache.evict();

        for step in 1..IDLE_STEPS {
            cache.begin_step();
            assert!(cache.get_mut("busy").is_some());
            cache.evict();
            assert!(cache.get("old").is_some(), "idle for {step} steps only");
        }
        cache.begin_step();
        assert!(cache.get_mut("busy").is_some());
        cache.evict();

        assert!(cache.get("old").is_none(), "idle for {IDLE_STEPS} steps");
        assert!(cache.contains("old"), "frozen, not dropped");
        assert!(cache.get("busy").is_some(), "touched in every step");
    }

    #[test]
    fn the_cache_is_bounded_by_the_bytes_of_its_states_not_their_number() {
        let one = weigh(&state_of("x", 10));
        let mut cache = cache_with(3 * one, &[]);
        for i in 0..50 {
            let id = CallId::new(&format!("c{i}"));
            cache.insert(&id, state_of(&id, 10), Seq::ZERO);
            cache.evict();
            assert!(cache.bytes() <= 3 * one, "{} of {}", cache.bytes(), 3 * one);
        }
        assert!(cache.contains("c49"), "the most recently used stays");
        assert!(!cache.contains("c0"), "the oldest was dropped");
        assert!(
            cache.len() > 3,
            "frozen states are smaller: {}",
            cache.len()
        );
    }

    #[test]
    fn one_call_larger_than_the_budget_is_kept_alone() {
        let mut cache = cache_with(10, &[("a", 3), ("huge", 30)]);
        cache.evict();
        assert_eq!(cache.len(), 1);
        assert!(cache.get("huge").is_some());
    }

    #[test]
    fn reinserting_reweighing_and_clearing_keep_the_count_of_bytes_true() {
        let mut cache = cache_with(1 << 20, &[("a", 3)]);
        let id = CallId::new("a");
        cache.insert(&id, CallState::new(id.clone()), Seq::ZERO);
        assert_eq!(cache.bytes(), weigh(&CallState::new(id.clone())));
        let grown = state_of("a", 5);
        let grown_weight = weigh(&grown);
        if let Some(call) = cache.get_mut("a") {
            call.state = grown;
        }
        cache.reweigh("a");
        assert_eq!(cache.bytes(), grown_weight);
        cache.clear();
        assert_eq!((cache.len(), cache.bytes()), (0, 0));
    }
}
