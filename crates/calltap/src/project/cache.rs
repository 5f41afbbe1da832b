//! The projector's bounded cache of call states, least recently used out.
//!
//! Eviction scans for the oldest entries, which is O(n), so it runs once per
//! batch and drops down to 7/8 of the capacity: a scan per batch, not per
//! event. Losing an entry only costs a reload from the log.

use std::collections::HashMap;

use crate::calls::{CallEvent, CallState};
use crate::ids::{CallId, Seq};

/// One call's state and the highest seq folded into it.
#[derive(Debug)]
pub struct CachedCall {
    state: CallState,
    last_seq: Seq,
    used: u64,
}

impl CachedCall {
    /// Folds an event in.
    pub fn apply(&mut self, event: &CallEvent) {
        self.state.apply(event);
        self.last_seq = self.last_seq.max(event.seq);
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

/// Call states by id, at most `capacity` after each [`CallCache::evict`].
#[derive(Debug)]
pub struct CallCache {
    capacity: usize,
    tick: u64,
    calls: HashMap<CallId, CachedCall>,
}

impl CallCache {
    /// An empty cache of `capacity` calls (at least 1).
    pub fn new(capacity: usize) -> Self {
        CallCache {
            capacity: capacity.max(1),
            tick: 0,
            calls: HashMap::new(),
        }
    }

    /// How many calls are cached.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether `id` is cached.
    pub fn contains(&self, id: &str) -> bool {
        self.calls.contains_key(id)
    }

    /// Adds a state loaded from the log, with the seqs it holds.
    pub fn insert(&mut self, id: &CallId, state: CallState, last_seq: Seq) {
        self.tick += 1;
        self.calls.insert(
            id.clone(),
            CachedCall {
                state,
                last_seq,
                used: self.tick,
            },
        );
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

    /// Drops the least recently used calls when over capacity.
    pub fn evict(&mut self) {
        if self.calls.len() <= self.capacity {
            return;
        }
        let keep = self.capacity - self.capacity / 8;
        let mut ticks: Vec<u64> = self.calls.values().map(|c| c.used).collect();
        ticks.sort_unstable();
        let cutoff = ticks[ticks.len() - keep];
        self.calls.retain(|_, c| c.used >= cutoff);
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        self.calls.clear();
    }
}
