//! The pieces known to be committed, shared by the handlers (which name
//! the pieces of each body they cut) and the writer (which records the
//! pieces of each batch it commits).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::RwLock;

use super::piece::{Piece, PieceHash};

/// The pieces known to be committed, shared by the handlers and the writer.
///
/// Handlers look each piece up here before hashing it: a hit gives its
/// blake3 name without hashing (a fast keyed hash finds the entry, and a
/// byte comparison confirms it, so a hit is never a guess) and marks it
/// known, so the writer skips it. The writer adds pieces only after the
/// batch that stored them has committed, so a piece marked known is always
/// in the database. Forgetting is always safe (an unknown piece costs a
/// blake3 hash and one `INSERT OR IGNORE`), so the memo is bounded: it is
/// cleared when it would hold more than its capacity in bytes
/// ([`KnownPieces::CAPACITY`] by default).
#[derive(Debug)]
pub struct KnownPieces {
    memo: RwLock<Memo>,
    seed: foldhash::fast::RandomState,
    capacity: usize,
}

impl Default for KnownPieces {
    fn default() -> KnownPieces {
        KnownPieces::within(Self::CAPACITY)
    }
}

#[derive(Debug, Default)]
struct Memo {
    entries: HashMap<u64, (PieceHash, Box<[u8]>), BuildNoHash>,
    bytes: usize,
}

impl KnownPieces {
    /// The most bytes kept by default, pieces and entries
    /// ([`KnownPieces::ENTRY_BYTES`] each): 7 MiB, the share of the
    /// default memory budget (`crate::memory`, which checks it; the store
    /// does not import it).
    pub const CAPACITY: usize = 7 << 20;

    /// What an entry holds beside its piece's bytes: its slot in the map
    /// (key, name and box) twice over, for the map's spare slots, and the
    /// box's allocation. Why counted: pieces are a few hundred bytes, and
    /// counting their bytes alone let the memo hold about a quarter more
    /// than its share (heaptrack, commit `5dbfe06`).
    pub const ENTRY_BYTES: usize = 2 * std::mem::size_of::<(u64, (PieceHash, Box<[u8]>))>() + 16;

    /// An empty memo keeping at most `capacity` piece bytes.
    pub fn within(capacity: usize) -> KnownPieces {
        KnownPieces {
            memo: RwLock::default(),
            seed: foldhash::fast::RandomState::default(),
            capacity,
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Memo> {
        // The memo holds plain bytes and hashes; a panic elsewhere cannot
        // leave it inconsistent, so a poisoned lock is used as is.
        self.memo.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The fast key of a piece's bytes (random per process, so senders
    /// cannot aim collisions at it).
    pub fn key(&self, bytes: &[u8]) -> u64 {
        self.seed.hash_one(bytes)
    }

    /// The name of a committed piece with these bytes, if known.
    pub fn get(&self, key: u64, bytes: &[u8]) -> Option<PieceHash> {
        match self.read().entries.get(&key) {
            Some((hash, known)) if known[..] == *bytes => Some(*hash),
            _ => None,
        }
    }

    /// Whether a piece with these bytes is known to be committed.
    pub fn contains(&self, bytes: &[u8]) -> bool {
        self.get(self.key(bytes), bytes).is_some()
    }

    /// The piece of `body` at `range`: its name from the memo when it is
    /// known (no hashing), else its blake3 hash.
    pub(super) fn name(&self, body: &[u8], range: Range<usize>) -> Piece {
        let bytes = &body[range.clone()];
        let key = self.key(bytes);
        let (hash, known) = match self.get(key, bytes) {
            Some(hash) => (hash, true),
            None => (PieceHash(*blake3::hash(bytes).as_bytes()), false),
        };
        Piece {
            hash,
            range,
            known,
            key,
        }
    }

    /// Records pieces whose batch has committed: `(key, name, bytes)`.
    pub fn insert_committed<'a>(
        &self,
        pieces: impl IntoIterator<Item = (u64, PieceHash, &'a [u8])>,
    ) {
        let mut pieces = pieces.into_iter().peekable();
        if pieces.peek().is_none() {
            return;
        }
        let mut memo = self.memo.write().unwrap_or_else(|e| e.into_inner());
        for (key, hash, bytes) in pieces {
            let weight = bytes.len() + Self::ENTRY_BYTES;
            if memo.bytes + weight > self.capacity {
                // Cleared and shrunk: a map keeps its slots when cleared,
                // and they are what the entries' weight counts.
                memo.entries = HashMap::default();
                memo.bytes = 0;
            }
            memo.bytes += weight;
            if let Some((_, old)) = memo.entries.insert(key, (hash, bytes.into())) {
                memo.bytes -= old.len() + Self::ENTRY_BYTES;
            }
        }
    }
}

/// The memo's keys are already hashes: use them as they are.
#[derive(Clone, Copy, Debug, Default)]
struct BuildNoHash;

impl std::hash::BuildHasher for BuildNoHash {
    type Hasher = NoHash;
    fn build_hasher(&self) -> NoHash {
        NoHash(0)
    }
}

#[derive(Clone, Copy, Debug)]
struct NoHash(u64);

impl std::hash::Hasher for NoHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memo_forgets_rather_than_pass_its_capacity() {
        let known = KnownPieces::within(300);
        let (a, b) = (vec![b'a'; 200], vec![b'b'; 200]);
        known.insert_committed([(known.key(&a), PieceHash([1; 32]), &a[..])]);
        assert!(known.contains(&a));
        known.insert_committed([(known.key(&b), PieceHash([2; 32]), &b[..])]);
        assert!(known.contains(&b));
        assert!(!known.contains(&a), "a and b together pass 300 bytes");
    }

    #[test]
    fn each_entry_weighs_more_than_its_bytes() {
        // Room for 100 pieces of 64 bytes by their bytes alone, but not
        // with what each entry holds beside them.
        let known = KnownPieces::within(100 * 64);
        let pieces: Vec<Vec<u8>> = (0..100u8).map(|i| vec![i; 64]).collect();
        known.insert_committed(
            pieces
                .iter()
                .map(|p| (known.key(p), PieceHash([p[0]; 32]), &p[..])),
        );
        let kept = pieces.iter().filter(|p| known.contains(p)).count();
        assert!(kept > 0, "the last one stays");
        assert!(
            kept <= 100 * 64 / (64 + KnownPieces::ENTRY_BYTES),
            "{kept} kept"
        );
    }
}
