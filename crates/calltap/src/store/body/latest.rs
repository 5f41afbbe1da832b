//! What the log writer writes new bytes against ([`delta`](super::delta)):
//! each call's latest committed recipe, and a piece stored whole for each
//! way pieces begin; and the recipes a reader rebuilt lately.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use bytes::Bytes;

use crate::ids::CallId;

/// A base to write against: where it is stored, its bytes (for a recipe,
/// shared with the split that made it) and how many deltas lie under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Latest {
    /// Where it is stored: the event's seq, or the piece's id.
    pub seq: i64,
    /// Its bytes, whole (a recipe in format 1, or a piece).
    pub recipe: Bytes,
    /// 0 when stored whole; else one more than its base's.
    pub depth: u32,
}

/// Deltas chained deeper than this are not written: the next recipe of the
/// call is stored whole, so that reading any recipe applies at most this
/// many deltas.
pub const MAX_DEPTH: u32 = 1024;

/// Each call's latest committed recipe.
pub type LatestRecipes = Bases<CallId>;

/// A piece stored whole per [`piece_kind`]: a new piece that begins the
/// same way (the next call's system prompt, a call object after a status
/// change) is written against it.
pub type SimilarPieces = Bases<u64>;

/// The kind of a piece, for [`SimilarPieces`]: a hash of its first
/// [`KIND_PREFIX`] bytes (a history entry's role and the start of its text,
/// a call object's id), random per process.
pub fn piece_kind(seed: &foldhash::fast::RandomState, bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    seed.hash_one(&bytes[..bytes.len().min(KIND_PREFIX)])
}

/// How many leading bytes make a piece's kind.
pub const KIND_PREFIX: usize = 64;

/// The broad kind of a piece of at least [`BROAD_MIN`] bytes, for
/// [`SimilarPieces`] when there is no piece of its own kind to write it
/// against: a hash of its first [`BROAD_PREFIX`] bytes (its first key),
/// random per process. Why: a call object's kind holds its call's id, so
/// each call's first one had no base and was stored whole (~770 bytes of
/// every call of the simulator's); against the previous call's, it costs
/// ~250.
pub fn broad_piece_kind(seed: &foldhash::fast::RandomState, bytes: &[u8]) -> Option<u64> {
    use std::hash::BuildHasher;
    // Tagged, so that it never equals the kind of a piece this short.
    (bytes.len() >= BROAD_MIN).then(|| seed.hash_one((BROAD_PREFIX, &bytes[..BROAD_PREFIX])))
}

/// How many leading bytes make a piece's broad kind.
pub const BROAD_PREFIX: usize = 6;

/// Pieces shorter than this have no broad kind: what short pieces share
/// with another of their first key (a history entry's role) rarely halves
/// them, and trying would cost a delta for each new one.
pub const BROAD_MIN: usize = 512;

/// Bases by key, bounded: two generations of at most half its byte bound
/// each, a key found in the old one moving to
/// the new one, so that calls still talking stay and ended ones age out.
/// Forgetting is always safe: the next bytes are then stored whole.
///
/// Only what has committed goes in: the writer stages a batch's bases
/// and [`commit`](Bases::commit)s them after the transaction, or
/// [`rollback`](Bases::rollback)s them, so a base is always in the
/// database.
#[derive(Debug)]
pub struct Bases<K> {
    current: HashMap<K, Latest>,
    previous: HashMap<K, Latest>,
    current_bytes: usize,
    generation_bytes: usize,
    staged: Vec<(K, Latest)>,
}

impl<K> Bases<K> {
    /// Empty, holding at most `bytes` (two generations of half as many).
    pub fn within(bytes: usize) -> Self {
        Bases {
            current: HashMap::new(),
            previous: HashMap::new(),
            current_bytes: 0,
            generation_bytes: bytes / 2,
            staged: Vec::new(),
        }
    }
}

impl<K: Clone + Eq + Hash> Bases<K> {
    /// The base for `call`: staged in this batch, else committed.
    pub fn get(&mut self, call: &K) -> Option<Latest> {
        if let Some((_, latest)) = self.staged.iter().rev().find(|(id, _)| id == call) {
            return Some(latest.clone());
        }
        if let Some(latest) = self.current.get(call) {
            return Some(latest.clone());
        }
        let latest = self.previous.remove(call)?;
        self.insert(call.clone(), latest.clone());
        Some(latest)
    }

    /// Notes a base stored in the open batch.
    pub fn stage(&mut self, call: K, latest: Latest) {
        self.staged.push((call, latest));
    }

    /// The open batch committed: what it staged become bases.
    pub fn commit(&mut self) {
        for (call, latest) in std::mem::take(&mut self.staged) {
            self.insert(call, latest);
        }
    }

    /// The open batch rolled back: forget what it staged.
    pub fn rollback(&mut self) {
        self.staged.clear();
    }

    fn insert(&mut self, call: K, latest: Latest) {
        let bytes = latest.recipe.len();
        if self.current_bytes + bytes > self.generation_bytes {
            self.previous = std::mem::take(&mut self.current);
            self.current_bytes = 0;
        }
        self.current_bytes += bytes;
        if let Some(old) = self.current.insert(call, latest) {
            self.current_bytes = self.current_bytes.saturating_sub(old.recipe.len());
        }
    }
}

/// Recipes rebuilt from deltas lately, by seq, for a reader: a delta's base
/// is most often its call's previous delivery, read just before, so a page
/// of a call (or the whole log in order) applies one delta per recipe, not
/// a chain. Past [`RecentRecipes::CAPACITY`] bytes the oldest kept go first.
///
/// Why first in, first out rather than emptied at once: reading the log in
/// order, each call's latest recipe was kept most recently; emptied, every
/// call's next delivery walked its chain of deltas back to a recipe stored
/// whole (up to [`MAX_DEPTH`]), and that walk filled it again.
#[derive(Debug, Default)]
pub struct RecentRecipes {
    recipes: HashMap<i64, Bytes>,
    /// The seqs in `recipes`, oldest kept first.
    order: VecDeque<i64>,
    bytes: usize,
}

impl RecentRecipes {
    /// The most recipe bytes kept: 4 MiB per reader, outside the memory
    /// budget. A call's page needs its own recipes (a few KB each), and
    /// the projector's reads of a batch back from the log share few bases
    /// across calls; at 32 MiB the projector's reader held 27-33 MB at the
    /// peak of 3,000-5,000 live calls (commit `c420ec6`), filled by its
    /// reloads and read-backs.
    pub const CAPACITY: usize = 4 << 20;

    /// How many of the recipes a walk down a chain of deltas rebuilds are
    /// kept, those nearest the one asked for: enough for a call's page read
    /// newest first, while a walk of a long call's chain does not push out
    /// every other call's latest recipe.
    pub const CHAIN_KEPT: usize = 64;

    /// How many recipes are kept.
    pub fn len(&self) -> usize {
        self.recipes.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.recipes.is_empty()
    }

    /// The recipe stored at `seq`, if rebuilt lately.
    pub fn get(&self, seq: i64) -> Option<Bytes> {
        self.recipes.get(&seq).cloned()
    }

    /// Keeps the recipe stored at `seq`, forgetting the oldest kept while
    /// they would hold more than [`Self::CAPACITY`] bytes.
    pub fn insert(&mut self, seq: i64, recipe: Bytes) {
        if let Some(old) = self.recipes.remove(&seq) {
            self.bytes -= old.len();
            self.order.retain(|kept| *kept != seq);
        }
        while self.bytes + recipe.len() > Self::CAPACITY {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.recipes.remove(&oldest) {
                self.bytes -= old.len();
            }
        }
        self.bytes += recipe.len();
        self.recipes.insert(seq, recipe);
        self.order.push_back(seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latest(seq: i64, len: usize) -> Latest {
        Latest {
            seq,
            recipe: Bytes::from(vec![b'r'; len]),
            depth: 0,
        }
    }

    #[test]
    fn a_reader_keeps_at_most_a_few_mib_of_rebuilt_recipes() {
        let mut recent = RecentRecipes::default();
        for seq in 0..100 {
            recent.insert(seq, Bytes::from(vec![b'r'; 64 << 10]));
            assert!(recent.bytes <= 4 << 20, "{} at {seq}", recent.bytes);
        }
        assert!(recent.get(99).is_some(), "the latest stays");
        assert!(recent.get(0).is_none(), "the first was forgotten");
    }

    #[test]
    fn a_reader_past_its_capacity_forgets_the_oldest_recipes_first() {
        // 1,000 recipes of 64 KiB, one after another: far more than fit,
        // so some must go.
        let mut recent = RecentRecipes::default();
        let recipe = || Bytes::from(vec![b'r'; 64 << 10]);
        let fit = RecentRecipes::CAPACITY / (64 << 10);
        for seq in 0..1_000 {
            recent.insert(seq, recipe());
            assert!(recent.bytes <= RecentRecipes::CAPACITY);
            // Every one of the last `fit` recipes is still there, so the
            // next delivery of each of those calls applies one delta.
            let first_kept = (seq + 1 - fit as i64).max(0);
            for kept in first_kept..=seq {
                assert!(recent.get(kept).is_some(), "{kept} forgotten at {seq}");
            }
        }
        assert_eq!(recent.recipes.len(), fit);
        assert_eq!(recent.order.len(), fit);
    }

    #[test]
    fn a_recipe_kept_again_is_counted_once() {
        let mut recent = RecentRecipes::default();
        recent.insert(7, Bytes::from_static(b"first"));
        recent.insert(7, Bytes::from_static(b"second!"));
        assert_eq!(recent.get(7), Some(Bytes::from_static(b"second!")));
        assert_eq!((recent.bytes, recent.order.len()), (7, 1));
    }

    #[test]
    fn only_committed_recipes_stay_and_old_calls_age_out() {
        let generation = 1 << 20;
        let mut memo = LatestRecipes::within(2 * generation);
        let (a, b) = (CallId::new("a"), CallId::new("b"));
        memo.stage(a.clone(), latest(1, 10));
        assert_eq!(
            memo.get(&a).map(|l| l.seq),
            Some(1),
            "seen within the batch"
        );
        memo.rollback();
        assert_eq!(memo.get(&a), None);
        memo.stage(a.clone(), latest(2, 10));
        memo.stage(a.clone(), latest(3, 10));
        memo.commit();
        assert_eq!(memo.get(&a).map(|l| l.seq), Some(3));

        // Call b fills a generation, then another: a (not asked for since)
        // is forgotten; b, asked for in between, stays.
        let half = generation / 2;
        memo.stage(b.clone(), latest(4, half));
        memo.commit();
        memo.stage(b.clone(), latest(5, half + 1));
        memo.commit();
        assert_eq!(memo.get(&b).map(|l| l.seq), Some(5));
        memo.stage(CallId::new("c"), latest(6, half + 1));
        memo.commit();
        assert_eq!(memo.get(&a), None);
        assert_eq!(memo.get(&b).map(|l| l.seq), Some(5));
    }
}
