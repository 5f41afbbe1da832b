//! The projector's cache of call states, bounded by bytes, least recently
//! used out.
//!
//! Why bytes and not a count: a call's state grows with its events (its
//! history, its speech and status facts), so a count of calls bounds
//! nothing; with thousands of live calls a fixed count of states was the
//! largest part of the resident set. Each entry is weighed by an estimate
//! of its heap size ([`weigh`]), refreshed whenever the projector writes
//! the call's row, and the cache evicts down to its byte budget.
//!
//! Eviction scans for the oldest entries, which is O(n), so it runs once per
//! batch and drops down to 7/8 of the budget: a scan per batch, not per
//! event. Losing an entry only costs a reload from the log.

use std::collections::HashMap;

use crate::calls::{CallEvent, CallState};
use crate::ids::{CallId, Seq};

/// The default byte budget of the cache: its share of the default memory
/// budget ([`crate::memory`]).
pub const DEFAULT_BYTES: usize =
    crate::memory::Shares::of(crate::memory::DEFAULT_BYTES).projector_cache;

/// An estimate of the heap a cached call's state holds, from the length of
/// its serialised detail (which carries every fact the state keeps, in
/// about the same number of bytes) and its events (each remembered by seq
/// in a set and, most, in a map of facts), plus the entry itself.
pub fn weigh(detail_json_len: usize, events: u64) -> usize {
    let per_event = 64;
    256 + detail_json_len + usize::try_from(events).unwrap_or(usize::MAX / 2) * per_event
}

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

/// Call states by id, at most `max_bytes` of them (by [`weigh`]) after
/// each [`CallCache::evict`].
#[derive(Debug)]
pub struct CallCache {
    max_bytes: usize,
    bytes: usize,
    tick: u64,
    calls: HashMap<CallId, CachedCall>,
}

impl CallCache {
    /// An empty cache of `max_bytes` (it keeps at least one call, whatever
    /// its size).
    pub fn new(max_bytes: usize) -> Self {
        CallCache {
            max_bytes,
            bytes: 0,
            tick: 0,
            calls: HashMap::new(),
        }
    }

    /// How many calls are cached.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// The estimated bytes cached.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether `id` is cached.
    pub fn contains(&self, id: &str) -> bool {
        self.calls.contains_key(id)
    }

    /// Adds a state loaded from the log, with the seqs it holds; weighed
    /// by its events until [`CallCache::weigh`] knows better.
    pub fn insert(&mut self, id: &CallId, state: CallState, last_seq: Seq) {
        self.tick += 1;
        let bytes = weigh(0, state.event_count());
        self.bytes += bytes;
        let old = self.calls.insert(
            id.clone(),
            CachedCall {
                state,
                last_seq,
                used: self.tick,
                bytes,
            },
        );
        if let Some(old) = old {
            self.bytes -= old.bytes;
        }
    }

    /// Sets a cached call's weight, once its detail has been serialised.
    pub fn weigh(&mut self, id: &str, detail_json_len: usize) {
        if let Some(call) = self.calls.get_mut(id) {
            let bytes = weigh(detail_json_len, call.state.event_count());
            self.bytes = self.bytes - call.bytes + bytes;
            call.bytes = bytes;
        }
    }

    /// The cached call, marked as used.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut CachedCall> {
        self.tick += 1;
        let tick = self.tick;
        let call = self.calls.get_mut(id)?;
        call.used = tick;
        Some(call)
    }

    /// The cached call.
    pub fn get(&self, id: &str) -> Option<&CachedCall> {
        self.calls.get(id)
    }

    /// Drops the least recently used calls, down to 7/8 of the budget, when
    /// over it; the most recently used one always stays.
    pub fn evict(&mut self) {
        if self.bytes <= self.max_bytes || self.calls.len() <= 1 {
            return;
        }
        let target = self.max_bytes - self.max_bytes / 8;
        let mut by_use: Vec<(u64, usize)> =
            self.calls.values().map(|c| (c.used, c.bytes)).collect();
        by_use.sort_unstable_by_key(|b| std::cmp::Reverse(b.0));
        // The newest entries whose weights fit in the target stay.
        let mut kept = 0usize;
        let mut cutoff = u64::MAX;
        for (i, (used, bytes)) in by_use.iter().enumerate() {
            if i > 0 && kept + bytes > target {
                break;
            }
            kept += bytes;
            cutoff = *used;
        }
        self.calls.retain(|_, c| c.used >= cutoff);
        self.bytes = self.calls.values().map(|c| c.bytes).sum();
        metrics::counter!("calltap_projection_cache_evictions_total").increment(1);
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        self.calls.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_with(max_bytes: usize, calls: &[(&str, usize)]) -> CallCache {
        let mut cache = CallCache::new(max_bytes);
        for (id, detail_len) in calls {
            let id = CallId::new(id);
            cache.insert(&id, CallState::new(id.clone()), Seq::ZERO);
            cache.weigh(&id, *detail_len);
        }
        cache
    }

    #[test]
    fn the_cache_is_bounded_by_the_bytes_of_its_states_not_their_number() {
        // Three small calls fit where two large ones do not.
        let small = cache_with(3_000, &[("a", 500), ("b", 500), ("c", 500)]);
        let mut small = small;
        small.evict();
        assert_eq!(small.len(), 3);
        let mut large = cache_with(3_000, &[("a", 1_500), ("b", 1_500)]);
        assert!(large.bytes() > 3_000);
        large.evict();
        assert_eq!(large.len(), 1);
        assert!(large.contains("b"), "the most recently used stays");
        assert!(large.bytes() <= 3_000);
    }

    #[test]
    fn eviction_keeps_the_most_recently_used_within_seven_eighths() {
        let mut cache = cache_with(8 * weigh(100, 0), &[]);
        for i in 0..20 {
            let id = CallId::new(&format!("c{i}"));
            cache.insert(&id, CallState::new(id.clone()), Seq::ZERO);
            cache.weigh(&id, 100);
        }
        // An old call used again is recent.
        assert!(cache.get_mut("c0").is_some());
        cache.evict();
        assert_eq!(cache.len(), 7);
        assert!(cache.contains("c0") && cache.contains("c19"));
        assert!(!cache.contains("c1"));
        assert_eq!(cache.bytes(), 7 * weigh(100, 0));
    }

    #[test]
    fn one_call_larger_than_the_budget_is_kept_alone() {
        let mut cache = cache_with(10, &[("a", 100), ("huge", 10_000)]);
        cache.evict();
        assert_eq!(cache.len(), 1);
        assert!(cache.contains("huge"));
    }

    #[test]
    fn reinserting_and_clearing_keep_the_count_of_bytes_true() {
        let mut cache = cache_with(1 << 20, &[("a", 100)]);
        let id = CallId::new("a");
        cache.insert(&id, CallState::new(id.clone()), Seq::ZERO);
        assert_eq!(cache.bytes(), weigh(0, 0));
        cache.clear();
        assert_eq!((cache.len(), cache.bytes()), (0, 0));
    }
}
