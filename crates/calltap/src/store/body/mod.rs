//! Content-addressed bodies: a delivery's raw bytes cut into pieces that
//! repeat across deliveries, stored once each, and a small recipe per event
//! that rebuilds the exact bytes.
//!
//! Why: every Vapi message repeats the call's parts (its `call`,
//! `assistant`, `customer` and phone number) and each `conversation-update`
//! repeats the whole history, so most of a body's bytes are already in the
//! log (DESIGN.md: "Storage grows linearly with a call"). Writing them
//! again costs the single writer thread its time (WAL, checkpoint, fsync).
//!
//! What is cut: the spans that `calltap_protocol::raw::repeated_spans`
//! finds (the call's parts and each history entry: where they are is
//! Vapi's wire format, which this module does not know), when at least
//! [`MIN_PIECE`] bytes long. A piece is named by the blake3 hash of its
//! bytes. Everything else (keys, punctuation, whitespace, other fields)
//! stays in the recipe as literal bytes, so any body, however it is
//! formatted, rebuilds byte for byte: the cut is only about where to look
//! for repeats, never about what the JSON means. A body the span finder
//! cannot follow is not cut.
//!
//! A recipe still names every piece of the body, and holds every short
//! history entry: stored as it is, a call's recipes would grow with the
//! square of its length. So the log's writer stores each recipe as a delta
//! against the call's previous one ([`delta`](self::delta)), which costs what
//! is new in it.
//!
//! This module is pure (no SQL, no I/O): [`split`] runs in the HTTP handlers,
//! in parallel, so the writer thread only inserts. Its parts:
//! - [`recipe`](self::recipe): the recipe format (`events.format = 1`),
//!   rebuilding a body from it, and the projector's skeleton of it;
//! - [`pack`](self::pack): a recipe packed with LZ4 (`events.format = 2`);
//! - [`delta`](self::delta): a recipe written against the call's previous
//!   one (`events.format = 3`), so that the history a call's deliveries
//!   repeat is stored once, not once per delivery; [`latest`](self::latest)
//!   holds each call's latest recipe for the writer, and the recipes a
//!   reader rebuilt lately;
//! - [`known`](self::known): the pieces known to be committed, so that
//!   handlers need not hash them and the writer need not insert them again.

mod delta;
mod known;
mod latest;
mod pack;
mod piece;
mod recipe;

use std::ops::Range;

pub use delta::{apply as apply_delta, delta_base, encode as encode_delta};
pub use known::KnownPieces;
pub use latest::{
    broad_piece_kind, piece_kind, Bases, Latest, LatestRecipes, RecentRecipes, SimilarPieces,
    KIND_PREFIX, MAX_DEPTH,
};
pub use pack::{pack, unpack, MAX_RECIPE};
pub use piece::{Piece, PieceHash};
pub use recipe::{assemble, recipe_hashes, skeleton, CorruptRecipe};

/// The byte bounds of the log writer's memos: what it forgets past them is
/// only a cost (a piece hashed and inserted again, a recipe or a piece
/// stored whole), never a loss. Set by `--memory-bytes` ([`crate::memory`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoBytes {
    /// The pieces known to be committed ([`KnownPieces`]).
    pub known_pieces: usize,
    /// Each call's latest recipe ([`LatestRecipes`], both generations).
    pub latest_recipes: usize,
    /// A whole piece per kind ([`SimilarPieces`], both generations).
    pub similar_pieces: usize,
}

impl Default for MemoBytes {
    /// The shares of the default memory budget (`crate::memory`, which
    /// checks them; the store does not import it).
    fn default() -> MemoBytes {
        MemoBytes {
            known_pieces: KnownPieces::CAPACITY,
            latest_recipes: 14 << 20,
            similar_pieces: 7 << 20,
        }
    }
}

/// Values shorter than this stay literal: a reference costs 33 bytes and a
/// lookup, which small values do not repay.
pub const MIN_PIECE: usize = 128;

/// A body cut into pieces and the recipe that rebuilds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The recipe (format 1; see [`recipe`](self::recipe)). Shared, so that
    /// the writer hands it to the projector without copying it.
    pub recipe: bytes::Bytes,
    /// The pieces the recipe refers to, in body order (a piece may repeat).
    pub pieces: Vec<Piece>,
}

/// Cuts `body` into pieces, or `None` when it has no piece worth cutting (or
/// the span finder cannot follow it): such a body is stored whole. Pieces
/// marked known by `known` are not to be inserted again.
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
    /// Not followed (not the JSON object the span finder expects) or nested
    /// too deep: the caller runs its own depth check and stores the body
    /// whole.
    Unsure,
}

/// [`split`] and the ingest depth check in one pass: [`Scanned::Cut`] and
/// [`Scanned::Whole`] also mean that no `[` or `{` outside a string nests
/// deeper than `max_depth` (what `calltap_protocol::raw::check_depth`
/// counts), so the caller need not look at the bytes again.
pub fn split_within(body: &[u8], known: &KnownPieces, max_depth: usize) -> Scanned {
    let Some(ranges) = calltap_protocol::raw::repeated_spans(body, max_depth, MIN_PIECE) else {
        return Scanned::Unsure;
    };
    match cut(body, ranges, known) {
        Some(split) => Scanned::Cut(split),
        None => Scanned::Whole,
    }
}

/// Cuts `body` at `ranges`, the spans `calltap_protocol::raw::repeated_spans`
/// found in it with [`MIN_PIECE`] (in body order, not overlapping), found
/// by whatever pass the caller ran; `None` when there are none, and the
/// body is stored whole.
pub fn cut(body: &[u8], ranges: Vec<Range<usize>>, known: &KnownPieces) -> Option<Split> {
    if ranges.is_empty() {
        return None;
    }
    let pieces: Vec<Piece> = ranges
        .into_iter()
        .map(|range| known.name(body, range))
        .collect();
    // Not packed here: most recipes are stored as a delta against their
    // call's previous one, which the writer tries first; it packs only a
    // recipe that no delta shortens enough.
    let recipe = recipe::write(body, &pieces);
    Some(Split {
        recipe: recipe.into(),
        pieces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        if let Some(packed) = pack(&split.recipe) {
            assert!(packed.len() < split.recipe.len());
            assert_eq!(unpack(&packed).expect("unpacks"), split.recipe);
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
                stored += pack(&split.recipe).map_or(split.recipe.len(), |p| p.len());
            }
        }
        assert!(stored * 10 < recipes * 6, "{stored} of {recipes} bytes");
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
        // What the span finder cannot follow is its tests' business
        // (`calltap_protocol::raw`); here, that such a body stays whole, as
        // does one whose parts are too short to be worth a piece.
        for body in [
            &b"[1,2]"[..],
            b"{\"message\":{\"call\":",
            b"{\"message\": {\"call\": {\"a\": 1}}}",
        ] {
            assert!(split(body, &KnownPieces::default()).is_none(), "{body:?}");
        }
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
