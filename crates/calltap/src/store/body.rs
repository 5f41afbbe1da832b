//! Content-addressed bodies: a delivery's raw bytes cut into pieces that
//! repeat across deliveries, stored once each, and a small recipe per event
//! that rebuilds the exact bytes.
//!
//! Why: every Vapi message repeats the `call`, `assistant`, `customer` and
//! `phoneNumber` objects, and each `conversation-update` repeats the whole
//! history, so most of a body's bytes are already in the log (DESIGN.md:
//! "Storage grows linearly with a call"). Writing them again costs the
//! single writer thread its time (WAL, checkpoint, fsync).
//!
//! What is cut: the raw byte spans of the values of `message.call`,
//! `message.assistant`, `message.customer`, `message.phoneNumber`,
//! `message.squad`, `message.workflow`, and of each element of the history
//! arrays `message.messages`, `message.messagesOpenAIFormatted`,
//! `message.conversation`, `message.artifact.messages` and
//! `message.artifact.messagesOpenAIFormatted`, when at least
//! [`MIN_PIECE`] bytes long. A piece is named by the blake3 hash of its bytes.
//! Everything else (keys, punctuation, whitespace, other fields) stays in the
//! recipe as literal bytes, so any body, however it is formatted, rebuilds
//! byte for byte: the cut is only about where to look for repeats, never
//! about what the JSON means. A body the scanner cannot follow is not cut.
//!
//! This module is pure (no SQL, no I/O): [`split`] runs in the HTTP handlers,
//! in parallel, so the writer thread only inserts.
//!
//! Recipe format (`events.format = 1`): `varint(n)`, then `n` times
//! `varint(len) literal[len] hash[32]`, then the final literal up to the end.
//!
//! Packed recipe (`events.format = 2`, [`pack`]): `varint(recipe length)`
//! then the recipe as one LZ4 block. Recipes repeat themselves: the
//! `artifact` copy of each history names the same pieces and holds the
//! same short entries as the top-level one, and the transcript repeats
//! what was said. LZ4 about halves them (the sample corpus's recipes:
//! 1,625,458 bytes, packed 859,048), so the writer commits fewer pages
//! and the file grows slower; reads unpack before they rebuild.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::RwLock;

/// Values shorter than this stay literal: a reference costs 33 bytes and a
/// lookup, which small values do not repay.
pub const MIN_PIECE: usize = 128;

/// The blake3 hash of a piece's bytes: its name in the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PieceHash(pub [u8; 32]);

/// One piece of a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Its name.
    pub hash: PieceHash,
    /// Where its bytes are in the body.
    pub range: Range<usize>,
    /// Already committed to the store (seen in [`KnownPieces`]): the writer
    /// need not insert it.
    pub known: bool,
    /// Its [`KnownPieces::key`], for the writer to record it once committed.
    pub key: u64,
}

/// A body cut into pieces and the recipe that rebuilds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The recipe (format 1; see the module docs). Shared, so that the
    /// writer hands it to the projector without copying it.
    pub recipe: bytes::Bytes,
    /// The recipe [`pack`]ed for storage (format 2), when that saves bytes.
    pub packed: Option<Vec<u8>>,
    /// The pieces the recipe refers to, in body order (a piece may repeat).
    pub pieces: Vec<Piece>,
}

/// A recipe that does not rebuild: truncated, or naming a missing piece.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("corrupt body recipe: {0}")]
pub struct CorruptRecipe(pub &'static str);

/// Cuts `body` into pieces, or `None` when it has no piece worth cutting (or
/// the scanner cannot follow it): such a body is stored whole. Pieces marked
/// known by `known` are not to be inserted again.
pub fn split(body: &[u8], known: &KnownPieces) -> Option<Split> {
    match split_within(body, known, usize::MAX) {
        Scanned::Cut(split) => Some(split),
        Scanned::Whole | Scanned::Unsure => None,
    }
}

/// What one pass over a body found (see [`split_within`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scanned {
    /// Followed to the end, nested no deeper than the limit, and cut.
    Cut(Split),
    /// Followed to the end, nested no deeper than the limit, nothing to cut.
    Whole,
    /// Not followed (not the JSON object the scanner expects) or nested too
    /// deep: the caller runs its own depth check and stores the body whole.
    Unsure,
}

/// [`split`] and the ingest depth check in one pass: [`Scanned::Cut`] and
/// [`Scanned::Whole`] also mean that no `[` or `{` outside a string nests
/// deeper than `max_depth` (what `calltap_protocol::raw::check_depth` counts),
/// so the caller need not look at the bytes again.
pub fn split_within(body: &[u8], known: &KnownPieces, max_depth: usize) -> Scanned {
    let Some(ranges) = calltap_protocol::raw::repeated_spans(body, max_depth, MIN_PIECE) else {
        return Scanned::Unsure;
    };
    if ranges.is_empty() {
        return Scanned::Whole;
    }
    let mut recipe = Vec::with_capacity(body.len() - covered(&ranges) + 40 * ranges.len() + 8);
    put_varint(&mut recipe, ranges.len() as u64);
    let mut cursor = 0;
    let mut pieces = Vec::with_capacity(ranges.len());
    for range in ranges {
        let literal = &body[cursor..range.start];
        put_varint(&mut recipe, literal.len() as u64);
        recipe.extend_from_slice(literal);
        let bytes = &body[range.clone()];
        let key = known.key(bytes);
        let (hash, is_known) = match known.get(key, bytes) {
            Some(hash) => (hash, true),
            None => (PieceHash(*blake3::hash(bytes).as_bytes()), false),
        };
        recipe.extend_from_slice(&hash.0);
        cursor = range.end;
        pieces.push(Piece {
            hash,
            range,
            known: is_known,
            key,
        });
    }
    recipe.extend_from_slice(&body[cursor..]);
    let packed = pack(&recipe);
    Scanned::Cut(Split {
        recipe: recipe.into(),
        packed,
        pieces,
    })
}

/// Recipes longer than this do not unpack: no body calltap accepts comes
/// near it, so a stored length beyond it is corruption, not a reason to
/// allocate.
pub const MAX_RECIPE: usize = 1 << 30;

/// The recipe as one LZ4 block behind its length (format 2), or `None` when
/// that would not be shorter than the recipe itself.
pub fn pack(recipe: &[u8]) -> Option<Vec<u8>> {
    let bound = lz4_flex::block::get_maximum_output_size(recipe.len());
    let mut packed = Vec::with_capacity(10 + bound);
    put_varint(&mut packed, recipe.len() as u64);
    let header = packed.len();
    packed.resize(header + bound, 0);
    let written = lz4_flex::block::compress_into(recipe, &mut packed[header..]).ok()?;
    packed.truncate(header + written);
    (packed.len() < recipe.len()).then_some(packed)
}

/// The recipe a [`pack`]ed one holds.
pub fn unpack(packed: &[u8]) -> Result<Vec<u8>, CorruptRecipe> {
    let mut at = 0;
    // An LZ4 block expands at most 255-fold: a longer claim is corrupt.
    let len = usize::try_from(get_varint(packed, &mut at)?)
        .ok()
        .filter(|&len| len <= MAX_RECIPE && len <= packed.len().saturating_mul(255))
        .ok_or(CorruptRecipe("a packed recipe claims an impossible length"))?;
    let mut recipe = vec![0; len];
    match lz4_flex::block::decompress_into(&packed[at..], &mut recipe) {
        Ok(written) if written == len => Ok(recipe),
        _ => Err(CorruptRecipe("a packed recipe does not unpack")),
    }
}

fn covered(ranges: &[Range<usize>]) -> usize {
    ranges.iter().map(|r| r.len()).sum()
}

/// The pieces a recipe names, in order.
pub fn recipe_hashes(recipe: &[u8]) -> Result<Vec<PieceHash>, CorruptRecipe> {
    let mut hashes = Vec::new();
    walk_recipe::<CorruptRecipe>(recipe, |part| {
        if let Part::Piece(hash) = part {
            hashes.push(hash);
        }
        Ok(())
    })?;
    Ok(hashes)
}

/// Rebuilds the exact body from a recipe, fetching each piece by hash
/// (`Ok(None)`: the piece is missing, the recipe is corrupt).
pub fn assemble<E: From<CorruptRecipe>>(
    recipe: &[u8],
    mut piece: impl FnMut(&PieceHash, &mut Vec<u8>) -> Result<bool, E>,
) -> Result<Vec<u8>, E> {
    let mut body = Vec::with_capacity(recipe.len() * 8);
    walk_recipe::<E>(recipe, |part| match part {
        Part::Literal(bytes) => {
            body.extend_from_slice(bytes);
            Ok(())
        }
        Part::Piece(hash) => {
            if piece(&hash, &mut body)? {
                Ok(())
            } else {
                Err(CorruptRecipe("a piece it names is missing").into())
            }
        }
    })?;
    Ok(body)
}

/// A recipe's body with its pieces replaced by placeholders, and the
/// pieces' hashes in recipe order. The projector parses this *skeleton*
/// instead of the whole body and reads each piece once, however many bodies
/// repeat it.
///
/// A run of pieces separated only by commas (consecutive elements of one
/// array: members of an object always have a key between them) gets one
/// placeholder, written by `placeholder(range, out)` with the run's range of
/// piece indices: a history of forty entries costs the parse one object,
/// not forty.
pub fn skeleton(
    recipe: &[u8],
    mut placeholder: impl FnMut(Range<usize>, &mut Vec<u8>),
) -> Result<(Vec<u8>, Vec<PieceHash>), CorruptRecipe> {
    let mut skeleton = Vec::with_capacity(recipe.len());
    let mut hashes = Vec::new();
    // The open run of pieces, and the literal since its last piece.
    let mut run: Option<Range<usize>> = None;
    let mut after_run: &[u8] = &[];
    walk_recipe::<CorruptRecipe>(recipe, |part| {
        match part {
            Part::Literal(bytes) if run.is_some() => after_run = bytes,
            Part::Literal(bytes) => skeleton.extend_from_slice(bytes),
            Part::Piece(hash) => {
                let index = hashes.len();
                hashes.push(hash);
                run = Some(match run.take() {
                    Some(open) if is_element_separator(after_run) => open.start..index + 1,
                    Some(open) => {
                        placeholder(open, &mut skeleton);
                        skeleton.extend_from_slice(after_run);
                        index..index + 1
                    }
                    None => index..index + 1,
                });
                after_run = &[];
            }
        }
        Ok(())
    })?;
    if let Some(open) = run {
        placeholder(open, &mut skeleton);
        skeleton.extend_from_slice(after_run);
    }
    Ok((skeleton, hashes))
}

/// Whether `literal` is only a comma between JSON whitespace.
fn is_element_separator(literal: &[u8]) -> bool {
    let mut commas = 0;
    for byte in literal {
        match byte {
            b',' => commas += 1,
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => return false,
        }
    }
    commas == 1
}

enum Part<'a> {
    Literal(&'a [u8]),
    Piece(PieceHash),
}

fn walk_recipe<'r, E: From<CorruptRecipe>>(
    recipe: &'r [u8],
    mut visit: impl FnMut(Part<'r>) -> Result<(), E>,
) -> Result<(), E> {
    let mut at = 0;
    let count = get_varint(recipe, &mut at)?;
    for _ in 0..count {
        let len = get_varint(recipe, &mut at)?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| at.checked_add(len))
            .filter(|&end| end <= recipe.len())
            .ok_or(CorruptRecipe("a literal runs past the end"))?;
        visit(Part::Literal(&recipe[at..end]))?;
        let hash: [u8; 32] = recipe
            .get(end..end + 32)
            .and_then(|h| h.try_into().ok())
            .ok_or(CorruptRecipe("a piece hash is cut short"))?;
        visit(Part::Piece(PieceHash(hash)))?;
        at = end + 32;
    }
    visit(Part::Literal(&recipe[at..]))
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64, CorruptRecipe> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes
            .get(*at)
            .ok_or(CorruptRecipe("a length is cut short"))?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(CorruptRecipe("a length is too long"))
}

/// The pieces known to be committed, shared by the handlers and the writer.
///
/// Handlers look each piece up here before hashing it: a hit gives its
/// blake3 name without hashing (a fast keyed hash finds the entry, and a
/// byte comparison confirms it, so a hit is never a guess) and marks it
/// known, so the writer skips it. The writer adds pieces only after the
/// batch that stored them has committed, so a piece marked known is always
/// in the database. Forgetting is always safe (an unknown piece costs a
/// blake3 hash and one `INSERT OR IGNORE`), so the memo is bounded: it is
/// cleared when it holds [`KnownPieces::CAPACITY`] bytes.
#[derive(Debug, Default)]
pub struct KnownPieces {
    memo: RwLock<Memo>,
    seed: foldhash::fast::RandomState,
}

#[derive(Debug, Default)]
struct Memo {
    entries: HashMap<u64, (PieceHash, Box<[u8]>), BuildNoHash>,
    bytes: usize,
}

impl KnownPieces {
    /// The most piece bytes kept.
    pub const CAPACITY: usize = 64 << 20;

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
            if memo.bytes + bytes.len() > Self::CAPACITY {
                memo.entries.clear();
                memo.bytes = 0;
            }
            memo.bytes += bytes.len();
            if let Some((_, old)) = memo.entries.insert(key, (hash, bytes.into())) {
                memo.bytes -= old.len();
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
    fn a_skeleton_gives_a_run_of_array_pieces_one_placeholder_and_keeps_the_rest() {
        let pad = "x".repeat(MIN_PIECE);
        let body = format!(
            r#"{{"message":{{"type":"conversation-update","call":{{"id":"{pad}"}},"#
        ) + &format!(
            r#""messages":[{{"m":"{pad}1"}}, {{"m":"{pad}2"}},{{"m":"short"}},{{"m":"{pad}3"}}]}}}}"#
        );
        let cut = split(body.as_bytes(), &KnownPieces::default()).expect("cut");

        let (skeleton, hashes) = skeleton(&cut.recipe, |run, out| {
            out.extend_from_slice(format!("<{}..{}>", run.start, run.end).as_bytes());
        })
        .expect("a fresh recipe walks");

        let expected: Vec<PieceHash> = cut.pieces.iter().map(|p| p.hash).collect();
        assert_eq!(hashes, expected);
        assert_eq!(hashes.len(), 4);
        assert_eq!(
            String::from_utf8(skeleton).expect("UTF-8"),
            r#"{"message":{"type":"conversation-update","call":<0..1>,"messages":[<1..3>,{"m":"short"},<3..4>]}}"#
        );
    }

    /// Splits and reassembles from a map of the pieces, as the store does.
    fn round_trip(body: &[u8]) -> Vec<u8> {
        let Some(split) = split(body, &KnownPieces::default()) else {
            return body.to_vec();
        };
        let pieces: std::collections::HashMap<PieceHash, &[u8]> = split
            .pieces
            .iter()
            .map(|p| (p.hash, &body[p.range.clone()]))
            .collect();
        assert_eq!(
            recipe_hashes(&split.recipe).expect("hashes"),
            split.pieces.iter().map(|p| p.hash).collect::<Vec<_>>()
        );
        if let Some(packed) = &split.packed {
            assert!(packed.len() < split.recipe.len());
            assert_eq!(unpack(packed).expect("unpacks"), split.recipe);
        }
        assemble::<CorruptRecipe>(&split.recipe, |hash, out| {
            Ok(pieces
                .get(hash)
                .map(|bytes| out.extend_from_slice(bytes))
                .is_some())
        })
        .expect("assembles")
    }

    #[test]
    fn every_corpus_body_rebuilds_byte_identical_and_most_bytes_are_shared() {
        let corpus = calltap_protocol::fixtures::sample_deliveries();
        let mut unique = std::collections::HashMap::new();
        let mut recipes = 0;
        for body in &corpus {
            assert_eq!(round_trip(body), *body);
            if let Some(split) = split(body, &KnownPieces::default()) {
                recipes += split.recipe.len();
                for piece in split.pieces {
                    unique.insert(piece.hash, piece.range.len());
                }
            } else {
                recipes += body.len();
            }
        }
        let raw: usize = corpus.iter().map(Vec::len).sum();
        let stored = recipes + unique.values().sum::<usize>();
        assert!(stored * 5 < raw, "stored {stored} of {raw} bytes");
    }

    #[test]
    fn packing_halves_the_corpus_recipes() {
        let known = KnownPieces::default();
        let (mut recipes, mut stored) = (0, 0);
        for body in calltap_protocol::fixtures::sample_deliveries() {
            if let Some(split) = split(&body, &known) {
                recipes += split.recipe.len();
                stored += split.packed.as_ref().map_or(split.recipe.len(), Vec::len);
            }
        }
        assert!(stored * 10 < recipes * 6, "{stored} of {recipes} bytes");
    }

    #[test]
    fn a_packed_recipe_that_does_not_unpack_is_an_error_not_a_panic() {
        let packed = pack(&b"abcabcabcabcabcabcabcabcabcabcabcabc".repeat(20)).expect("packs");
        assert!(unpack(&packed).is_ok());
        let mut wrong_length = packed.clone();
        wrong_length[0] ^= 1;
        for bad in [
            &[][..],
            &[0x80],
            &packed[..packed.len() - 3],
            &wrong_length,
            // A length past MAX_RECIPE: refused before any allocation.
            &[0xff, 0xff, 0xff, 0xff, 0x0f, 0x10, b'a'],
        ] {
            assert!(unpack(bad).is_err(), "{bad:?}");
        }
        // Incompressible bytes are not packed at all.
        let noise: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(pack(&noise), None);
    }

    #[test]
    fn pretty_printed_and_reordered_bodies_rebuild_byte_identical() {
        for (_, body) in calltap_protocol::fixtures::real_deliveries() {
            assert_eq!(round_trip(&body), body);
        }
        let body = br#" { "x" : 1 , "message" : { "call" : { "id" : "a\"b", "pad" : "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" } , "messages" : [ 1 , "short" , {"role":"bot","message":"ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\\"} ] } } "#;
        let split = split(body, &KnownPieces::default()).expect("cut");
        assert_eq!(split.pieces.len(), 2);
        assert_eq!(round_trip(body), body);
    }

    #[test]
    fn bodies_the_scanner_cannot_follow_are_not_cut() {
        for body in [
            &b""[..],
            b"[1,2]",
            b"{\"message\":{\"call\":",
            b"{\"message\":{\"call\":\"unterminated",
            b"\xff\xfe{}",
            b"{\"message\": {\"call\": {\"a\": 1}}}",
        ] {
            assert!(split(body, &KnownPieces::default()).is_none(), "{body:?}");
        }
    }

    #[test]
    fn a_corrupt_recipe_is_an_error_not_a_panic() {
        let lookup = |_: &PieceHash, _: &mut Vec<u8>| Ok::<_, CorruptRecipe>(false);
        for recipe in [&[0x81u8][..], &[1, 5, b'a'], &[1, 0, 1, 2, 3], &[0xff; 12]] {
            assert!(assemble(recipe, lookup).is_err(), "{recipe:?}");
        }
        assert_eq!(assemble(&[0, b'x'], lookup).expect("literal only"), b"x");
    }

    #[test]
    fn known_pieces_are_marked_and_the_set_forgets_when_full() {
        let body = format!(
            r#"{{"message":{{"call":{{"id":"{}"}}}}}}"#,
            "c".repeat(MIN_PIECE)
        );
        let known = KnownPieces::default();
        let first = split(body.as_bytes(), &known).expect("cut");
        assert!(!first.pieces[0].known);
        let piece = &first.pieces[0];
        let bytes = &body.as_bytes()[piece.range.clone()];
        known.insert_committed([(piece.key, piece.hash, bytes)]);
        let second = split(body.as_bytes(), &known).expect("cut");
        assert_eq!(second, first.clone().tap_known());
        assert!(known.contains(bytes));
        // A different piece under the same key is not taken for it.
        let mut other = bytes.to_vec();
        other[10] ^= 1;
        assert_eq!(known.get(piece.key, &other), None);
        // Full: forgotten, which is safe.
        known.insert_committed([(1, piece.hash, &vec![0u8; KnownPieces::CAPACITY][..])]);
        assert!(!known.contains(bytes));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_rebuild_byte_identical(body in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            proptest::prop_assert_eq!(round_trip(&body), body);
        }

        #[test]
        fn packing_round_trips_and_any_bytes_unpack_without_a_panic(
            // A small alphabet, so that most inputs do pack.
            recipe in proptest::collection::vec(0u8..4, 0..600),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
        ) {
            if let Some(packed) = pack(&recipe) {
                proptest::prop_assert_eq!(unpack(&packed), Ok(recipe));
            }
            if let Ok(unpacked) = unpack(&noise) {
                proptest::prop_assert!(unpacked.len() <= MAX_RECIPE);
            }
        }

        #[test]
        fn mutated_corpus_bodies_rebuild_byte_identical(
            index in 0usize..638,
            cuts in proptest::collection::vec((0.0f64..1.0, proptest::num::u8::ANY), 0..6),
        ) {
            let corpus = corpus();
            let mut body = corpus[index % corpus.len()].clone();
            for (at, byte) in cuts {
                let at = ((body.len() as f64) * at) as usize;
                if at < body.len() { body[at] = byte; } else { body.push(byte); }
            }
            proptest::prop_assert_eq!(round_trip(&body), body);
        }
    }

    impl Split {
        fn tap_known(mut self) -> Split {
            for piece in &mut self.pieces {
                piece.known = true;
            }
            self
        }
    }

    #[test]
    fn the_corpus_is_followed_within_the_default_depth_and_refused_beyond_a_small_one() {
        for body in corpus() {
            assert!(matches!(
                split_within(body, &KnownPieces::default(), 128),
                Scanned::Cut(_)
            ));
            assert_eq!(
                split_within(body, &KnownPieces::default(), 3),
                Scanned::Unsure
            );
        }
    }

    fn corpus() -> &'static [Vec<u8>] {
        static CORPUS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
        CORPUS.get_or_init(calltap_protocol::fixtures::sample_deliveries)
    }
}
