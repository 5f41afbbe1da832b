//! Recipes written against an earlier one (`events.format = 3`): the bytes
//! a recipe shares with its *base* (an earlier recipe of the same call) as
//! copies, and only what is new as literal bytes.
//!
//! Why: each `conversation-update` (and the live artifact of each status
//! and speech update) repeats the whole history so far. Its pieces are
//! stored once, but a recipe still names every one of them (32 bytes each)
//! and holds every short entry, so a call's recipes grew with the square of
//! its length. Written against the call's previous recipe, which already
//! holds all of that in the same order, a recipe costs what is new in it,
//! and storage grows linearly with the call.
//!
//! The format: `varint(base seq)`, `varint(recipe length)`, then ops up to
//! the end, each `varint(len << 1 | kind)`: kind 0 is followed by `len`
//! literal bytes; kind 1 by `varint(offset)`, and copies `len` bytes from
//! offset in the base followed by the recipe written so far (never across
//! the boundary between the two). The encoder knows nothing of what a
//! recipe holds: it is a byte-level delta, so any recipe round-trips.

use super::pack::MAX_RECIPE;
use super::recipe::{get_varint, put_varint, CorruptRecipe};

/// Matching granularity: the base is indexed by its aligned blocks of this
/// many bytes, so every shared run of twice this length or more is found.
const BLOCK: usize = 16;

/// Ops shorter than this are not worth a copy (an op costs a few bytes).
const MIN_COPY: usize = BLOCK;

const ADD: u64 = 0;
const COPY: u64 = 1;

fn block_key(block: &[u8]) -> u128 {
    let mut bytes = [0u8; BLOCK];
    bytes.copy_from_slice(&block[..BLOCK]);
    u128::from_le_bytes(bytes)
}

/// The first offset of each distinct block of the copy sources (the base,
/// then the recipe written so far), in an open-addressed table of offsets
/// checked against the bytes they name.
///
/// Why not a `HashMap` of block to offset: building one over every base
/// was a third of the log writer's instructions (a hash of sixteen bytes,
/// an entry and a stored key per block); here a block costs a multiply,
/// a slot of four bytes and, on a hit, a compare of sixteen bytes.
struct BlockIndex<'a> {
    base: &'a [u8],
    target: &'a [u8],
    /// Offsets into the sources; [`EMPTY`](Self::EMPTY) marks a free slot.
    slots: Vec<u32>,
    /// The table's size less one (a power of two less one).
    mask: usize,
}

impl<'a> BlockIndex<'a> {
    const EMPTY: u32 = u32::MAX;

    /// A table for up to `blocks` distinct blocks, at most half full.
    fn new(base: &'a [u8], target: &'a [u8], blocks: usize) -> BlockIndex<'a> {
        let size = (blocks * 2).next_power_of_two().max(16);
        BlockIndex {
            base,
            target,
            slots: vec![Self::EMPTY; size],
            mask: size - 1,
        }
    }

    /// The block at `at` in the sources (the base followed by the target).
    fn block(&self, at: usize) -> u128 {
        match at.checked_sub(self.base.len()) {
            None => block_key(&self.base[at..]),
            Some(t) => block_key(&self.target[t..]),
        }
    }

    fn home(&self, key: u128) -> usize {
        let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & self.mask
    }

    /// The first offset holding `key`, if any.
    fn get(&self, key: u128) -> Option<usize> {
        let mut slot = self.home(key);
        loop {
            match self.slots[slot] {
                Self::EMPTY => return None,
                at if self.block(at as usize) == key => return Some(at as usize),
                _ => slot = (slot + 1) & self.mask,
            }
        }
    }

    /// Records `at` as where the block at `at` is, unless an earlier
    /// offset holds the same block.
    fn insert_first(&mut self, at: usize) {
        let key = self.block(at);
        let mut slot = self.home(key);
        loop {
            match self.slots[slot] {
                Self::EMPTY => {
                    // Recipes are at most `MAX_RECIPE` bytes, so an
                    // offset into base and target fits.
                    self.slots[slot] = at as u32;
                    return;
                }
                seen if self.block(seen as usize) == key => return,
                _ => slot = (slot + 1) & self.mask,
            }
        }
    }
}

/// `target` written against `base`, the recipe stored at `base_seq`.
pub fn encode(base_seq: u64, base: &[u8], target: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + target.len() / 16);
    put_varint(&mut out, base_seq);
    put_varint(&mut out, target.len() as u64);
    let mut index = BlockIndex::new(base, target, (base.len() + target.len()) / BLOCK + 1);
    for n in 0..base.len() / BLOCK {
        index.insert_first(n * BLOCK);
    }
    // A byte of the copy source: the base, then the recipe written so far.
    let source = |at: usize| -> u8 {
        match at.checked_sub(base.len()) {
            None => base[at],
            Some(t) => target[t],
        }
    };
    let (mut at, mut literal_from, mut indexed) = (0usize, 0usize, 0usize);
    while at + BLOCK <= target.len() {
        // The recipe's own blocks become sources once written.
        while indexed + BLOCK <= at {
            index.insert_first(base.len() + indexed);
            indexed += BLOCK;
        }
        let Some(found) = index.get(block_key(&target[at..])) else {
            at += 1;
            continue;
        };
        let (mut start, mut from) = (at, found);
        // Back over what matched before the block (not past the base's
        // start, nor into the base from the recipe's part).
        let floor = if from >= base.len() { base.len() } else { 0 };
        while start > literal_from && from > floor && source(from - 1) == target[start - 1] {
            start -= 1;
            from -= 1;
        }
        // On past it, up to the end of the part it came from: the base, or
        // what is written before this op.
        let end = if from < base.len() {
            base.len()
        } else {
            base.len() + start
        };
        let len = if from < base.len() {
            common_prefix(&base[from..end], &target[start..])
        } else {
            common_prefix(&target[from - base.len()..start], &target[start..])
        };
        if len < MIN_COPY {
            at += 1;
            continue;
        }
        add(&mut out, &target[literal_from..start]);
        put_varint(&mut out, (len as u64) << 1 | COPY);
        put_varint(&mut out, from as u64);
        at = start + len;
        literal_from = at;
    }
    add(&mut out, &target[literal_from..]);
    out
}

fn add(out: &mut Vec<u8>, literal: &[u8]) {
    if !literal.is_empty() {
        put_varint(out, (literal.len() as u64) << 1 | ADD);
        out.extend_from_slice(literal);
    }
}

/// How many leading bytes `a` and `b` share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let max = a.len().min(b.len());
    let mut n = 0;
    while n + 8 <= max {
        let x = u64::from_le_bytes(a[n..n + 8].try_into().unwrap_or_default());
        let y = u64::from_le_bytes(b[n..n + 8].try_into().unwrap_or_default());
        if x != y {
            return n + ((x ^ y).trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + a[n..max]
        .iter()
        .zip(&b[n..max])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The seq of the recipe a delta is written against.
pub fn delta_base(delta: &[u8]) -> Result<u64, CorruptRecipe> {
    get_varint(delta, &mut 0)
}

/// The recipe a delta rebuilds over its base's recipe.
pub fn apply(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, CorruptRecipe> {
    let mut at = 0;
    let _base_seq = get_varint(delta, &mut at)?;
    let len = usize::try_from(get_varint(delta, &mut at)?)
        .ok()
        .filter(|&len| len <= MAX_RECIPE)
        .ok_or(CorruptRecipe("a delta claims an impossible length"))?;
    // A corrupt length costs no more than the bytes at hand could make.
    let mut out = Vec::with_capacity(len.min(2 * base.len() + 8 * delta.len()));
    while at < delta.len() {
        let op = get_varint(delta, &mut at)?;
        let n = usize::try_from(op >> 1)
            .ok()
            .filter(|&n| n <= len - out.len())
            .ok_or(CorruptRecipe("a delta op runs past the recipe's length"))?;
        if op & 1 == ADD {
            let bytes = delta
                .get(at..at + n)
                .ok_or(CorruptRecipe("a delta's literal is cut short"))?;
            out.extend_from_slice(bytes);
            at += n;
        } else {
            let from = usize::try_from(get_varint(delta, &mut at)?)
                .map_err(|_| CorruptRecipe("a delta copies from past its sources"))?;
            if let Some(bytes) = from.checked_add(n).and_then(|end| base.get(from..end)) {
                out.extend_from_slice(bytes);
            } else {
                let start = from
                    .checked_sub(base.len())
                    .filter(|&start| start + n <= out.len())
                    .ok_or(CorruptRecipe("a delta copies from past its sources"))?;
                out.extend_from_within(start..start + n);
            }
        }
    }
    if out.len() != len {
        return Err(CorruptRecipe("a delta does not rebuild its length"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(base: &[u8], target: &[u8]) -> Vec<u8> {
        let delta = encode(7, base, target);
        assert_eq!(delta_base(&delta), Ok(7));
        assert_eq!(apply(base, &delta).expect("applies"), target);
        delta
    }

    #[test]
    fn a_grown_history_costs_what_is_new() {
        let entry = |i: usize| format!("{{\"role\":\"user\",\"message\":\"turn {i} said this\"}},");
        let history = |n: usize| (0..n).map(entry).collect::<String>();
        let body = |n: usize| {
            format!(
                "{{\"m\":[{}],\"a\":[{}],\"t\":{n}}}",
                history(n),
                history(n)
            )
        };
        let (base, target) = (body(200), body(201));
        let delta = round_trip(base.as_bytes(), target.as_bytes());
        // Two new entries (one per copy of the history) and a few ops.
        assert!(delta.len() < 2 * entry(200).len() + 40, "{}", delta.len());
        assert!(base.len() > 100 * delta.len());
    }

    #[test]
    fn repeats_within_the_recipe_itself_are_copied_too() {
        let new = "x".repeat(10) + &"a new entry, long enough to copy".repeat(3);
        let target = format!("{new}|{new}");
        let delta = round_trip(b"", target.as_bytes());
        assert!(delta.len() < new.len() + 20, "{}", delta.len());
    }

    #[test]
    fn a_corrupt_delta_is_an_error_not_a_panic() {
        let base = b"0123456789abcdef0123456789abcdef";
        let good = encode(1, base, b"0123456789abcdef0123456789abcdef!");
        assert!(apply(base, &good).is_ok());
        for bad in [
            &[][..],
            &[1],
            &[1, 0x80],
            &[1, 5, 10, b'a'],
            // A copy past the base and what is written.
            &[1, 40, 81, 0],
            &[1, 20, 41, 40],
            // Longer than it says.
            &[1, 1, 4, b'a', b'b'],
            // A claimed length beyond any recipe.
            &[1, 0xff, 0xff, 0xff, 0xff, 0x0f],
        ] {
            assert!(apply(base, bad).is_err(), "{bad:?}");
        }
        assert!(apply(b"", &good).is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_target_round_trips_over_any_base(
            base in proptest::collection::vec(0u8..4, 0..600),
            edits in proptest::collection::vec((0usize..700, proptest::collection::vec(0u8..6, 0..40)), 0..5),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let mut target = base.clone();
            for (at, bytes) in edits {
                let at = at.min(target.len());
                target.splice(at..at, bytes);
            }
            round_trip(&base, &target);
            round_trip(&base, &noise);
            // Any bytes as a delta: an answer or an error, never a panic.
            let _ = apply(&base, &noise);
        }
    }
}
