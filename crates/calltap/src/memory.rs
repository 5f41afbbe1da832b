//! One memory budget (`--memory-bytes`) for everything that grows with
//! load, split among its holders by fixed shares.
//!
//! Why one budget: each holder was bounded by bytes on its own (the body
//! budget, the projector's cache, the handoffs, the live feed, the log
//! writer's memos), and under a burst of 10,000 live calls every one of them
//! fills, so the process held their sum (336 MiB by the old defaults) and an
//! operator had six numbers to add up, three of which no flag set. Here one
//! figure sizes them all; a holder's own flag still overrides its share.
//!
//! What it does not cover, because it does not grow with the bytes in
//! flight: each open connection's own cost (hyper's read and write buffers
//! and the request's task, bounded per connection by `--max-header-bytes`,
//! or 32 KiB for the few wide readers of `conn`, and in number by
//! `--max-connections`), SQLite's page caches and the
//! recipes a reader rebuilt lately (fixed per connection). BENCHMARKS.md
//! ("Memory and refusals under a burst") has what each weighs.
//!
//! Pure arithmetic: it knows nothing of HTTP, SQL or the holders' types
//! beyond their byte figures.

use crate::store::body::MemoBytes;

/// The default budget: 112 MiB (7 MiB a sixteenth). With 10,000 live
/// calls at a paced rate the process holds about 1.5 times its budget
/// between stalls (what lies outside it: connections, SQLite's caches,
/// the allocator's slack); a stall of the disk adds the requests that
/// pile up meanwhile, which no share bounds but the cap on connections
/// served does (`--max-served-connections`; BENCHMARKS.md, "Memory").
pub const DEFAULT_BYTES: usize = 112 << 20;

/// The smallest budget accepted: 1 MiB. Below it the shares round down to
/// nothing, and the error would name a holder's setting instead of the
/// budget that was too small.
pub const MIN_BYTES: usize = 1 << 20;

/// What each holder may keep, in bytes: its share of one budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shares {
    /// Bodies read, queued for the writer or being committed (3/16). Under
    /// a burst a request past it waits with its body unread; a paced load
    /// holds far less.
    pub body_budget: usize,
    /// The projector's cache of call states (6/16): enough for 10,000 live
    /// calls frozen (~3.4 KB each) beside a hot tier for a few long calls.
    /// With less, a load that touches every live call in turn misses the
    /// cache at every touch and reloads the call's whole log.
    pub projector_cache: usize,
    /// Bodies handed from the writer to the projector and the outboxes,
    /// all handoffs together (2/16).
    pub handoffs: usize,
    /// Bodies the live feed keeps for streams that are behind (1/16).
    pub feed: usize,
    /// The log writer's memos (4/16): known pieces 1/16, each call's latest
    /// recipe 2/16, a whole piece per kind 1/16. Forgetting costs CPU, not
    /// bytes of a body (a piece hashed and inserted again, a recipe or a
    /// piece stored whole): under a 10,000-call burst, memos this size
    /// cost the server 145 s of CPU, against 112 s with 192 MiB of memos
    /// (commit `134ad40`); which memo it is was not measured apart.
    pub writer_memos: MemoBytes,
}

impl Shares {
    /// `total` split among the holders. The shares add up to at most
    /// `total`. (`const`, so that a holder's default can be its share of
    /// the default budget.)
    pub const fn of(total: usize) -> Shares {
        let sixteenth = total / 16;
        Shares {
            body_budget: 3 * sixteenth,
            projector_cache: 6 * sixteenth,
            handoffs: 2 * sixteenth,
            feed: sixteenth,
            writer_memos: MemoBytes {
                known_pieces: sixteenth,
                latest_recipes: 2 * sixteenth,
                similar_pieces: sixteenth,
            },
        }
    }

    /// The bytes all shares hold together.
    pub fn sum(&self) -> usize {
        self.body_budget
            + self.projector_cache
            + self.handoffs
            + self.feed
            + self.writer_memos.known_pieces
            + self.writer_memos.latest_recipes
            + self.writer_memos.similar_pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_add_up_to_the_budget_and_no_more() {
        for total in [0, 1, 15, 16, 1000, DEFAULT_BYTES, (200 << 20) + 7] {
            let shares = Shares::of(total);
            assert!(shares.sum() <= total, "{total}: {shares:?}");
            assert!(total - shares.sum() < 16, "{total}: {shares:?}");
        }
        let d = Shares::of(DEFAULT_BYTES);
        assert_eq!(d.body_budget, 21 << 20);
        // The store's own defaults (it does not import this module) are
        // these shares.
        assert_eq!(d.writer_memos, MemoBytes::default());
        assert_eq!(d.handoffs, crate::store::handoff::DEFAULT_MAX_BYTES);
        assert_eq!(d.feed, crate::store::feed::DEFAULT_MAX_BYTES);
        assert_eq!(d.projector_cache, crate::project::DEFAULT_CACHE);
        assert_eq!(d.projector_cache, 42 << 20);
        assert_eq!(d.writer_memos.known_pieces, 7 << 20);
    }
}
